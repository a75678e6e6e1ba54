//! Storage for competency frameworks: frameworks, competencies, associations, proficiency
//! scales and levels, and CASE definitions. JSON members are stored as text.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::conn::{Conn, on};
use crate::{Result, StoreError};

/// A row of `frameworks` (a CASE CFDocument).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FrameworkRow {
    pub id: Uuid,
    /// None for a framework of the whole installation.
    pub org_id: Option<Uuid>,
    pub identifier: String,
    pub uri: String,
    pub title: String,
    pub creator: String,
    pub publisher: Option<String>,
    pub description: Option<String>,
    pub version: Option<String>,
    pub language: Option<String>,
    pub adoption_status: Option<String>,
    pub last_change: String,
    /// Other CFDocument members, a JSON object.
    pub extra: String,
    pub created_at: OffsetDateTime,
}

/// A row of `competencies` (a CASE CFItem) with its place in the tree.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CompetencyRow {
    pub id: Uuid,
    pub framework_id: Uuid,
    pub identifier: String,
    pub uri: String,
    pub code: Option<String>,
    pub statement: String,
    pub abbreviated_statement: Option<String>,
    pub kind: Option<String>,
    pub language: Option<String>,
    pub parent_id: Option<Uuid>,
    /// The top-level ancestor; the competency itself when it is top-level (a domain).
    pub domain_id: Uuid,
    pub depth: i64,
    pub position: i64,
    pub last_change: String,
    /// Other CFItem members, a JSON object.
    pub extra: String,
}

/// A row of `competency_associations` (a CASE CFAssociation).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssociationRow {
    pub id: Uuid,
    pub framework_id: Uuid,
    pub identifier: String,
    pub uri: String,
    pub association_type: String,
    pub origin_identifier: String,
    pub origin_uri: String,
    pub origin_title: String,
    pub destination_identifier: String,
    pub destination_uri: String,
    pub destination_title: String,
    pub sequence_number: Option<i64>,
    pub position: i64,
    pub last_change: String,
    pub extra: String,
}

/// A row of `proficiency_scales` (a CASE CFRubric, kept whole in `body`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScaleRow {
    pub id: Uuid,
    pub framework_id: Uuid,
    pub identifier: String,
    pub uri: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub position: i64,
    pub body: String,
}

/// A row of `proficiency_levels`: one level of a scale, `ordinal` 1 for the first.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LevelRow {
    pub id: Uuid,
    pub scale_id: Uuid,
    pub criterion_identifier: String,
    pub identifier: String,
    pub uri: String,
    pub name: Option<String>,
    pub descriptor: Option<String>,
    /// The JSON number as written.
    pub score: Option<String>,
    pub ordinal: i64,
}

/// A row of `framework_definitions` (an entry of CASE CFDefinitions).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DefinitionRow {
    pub framework_id: Uuid,
    pub kind: String,
    pub identifier: String,
    pub uri: String,
    pub title: String,
    pub position: i64,
    pub body: String,
}

macro_rules! framework_columns {
    () => {
        "id, org_id, identifier, uri, title, creator, publisher, description, version, language, adoption_status, last_change, extra, created_at"
    };
}

macro_rules! competency_columns {
    () => {
        "id, framework_id, identifier, uri, code, statement, abbreviated_statement, kind, language, parent_id, domain_id, depth, position, last_change, extra"
    };
}

macro_rules! association_columns {
    () => {
        "id, framework_id, identifier, uri, association_type, origin_identifier, origin_uri, origin_title, destination_identifier, destination_uri, destination_title, sequence_number, position, last_change, extra"
    };
}

macro_rules! level_columns {
    () => {
        "l.id, l.scale_id, l.criterion_identifier, l.identifier, l.uri, l.name, l.descriptor, l.score, l.ordinal"
    };
}

impl Conn<'_> {
    pub async fn insert_framework(&mut self, f: &FrameworkRow) -> Result<()> {
        let q = concat!(
            "INSERT INTO frameworks (",
            framework_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        on!(self, |c| sqlx::query(q)
            .bind(f.id)
            .bind(f.org_id)
            .bind(&f.identifier)
            .bind(&f.uri)
            .bind(&f.title)
            .bind(&f.creator)
            .bind(&f.publisher)
            .bind(&f.description)
            .bind(&f.version)
            .bind(&f.language)
            .bind(&f.adoption_status)
            .bind(&f.last_change)
            .bind(&f.extra)
            .bind(f.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as(
            "a framework with this CFDocument identifier and owner",
        ))?;
        Ok(())
    }

    pub async fn insert_competency(&mut self, r: &CompetencyRow) -> Result<()> {
        let q = concat!(
            "INSERT INTO competencies (",
            competency_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        on!(self, |c| sqlx::query(q)
            .bind(r.id)
            .bind(r.framework_id)
            .bind(&r.identifier)
            .bind(&r.uri)
            .bind(&r.code)
            .bind(&r.statement)
            .bind(&r.abbreviated_statement)
            .bind(&r.kind)
            .bind(&r.language)
            .bind(r.parent_id)
            .bind(r.domain_id)
            .bind(r.depth)
            .bind(r.position)
            .bind(&r.last_change)
            .bind(&r.extra)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as(
            "a competency with this identifier in the framework",
        ))?;
        Ok(())
    }

    pub async fn insert_association(&mut self, r: &AssociationRow) -> Result<()> {
        let q = concat!(
            "INSERT INTO competency_associations (",
            association_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        on!(self, |c| sqlx::query(q)
            .bind(r.id)
            .bind(r.framework_id)
            .bind(&r.identifier)
            .bind(&r.uri)
            .bind(&r.association_type)
            .bind(&r.origin_identifier)
            .bind(&r.origin_uri)
            .bind(&r.origin_title)
            .bind(&r.destination_identifier)
            .bind(&r.destination_uri)
            .bind(&r.destination_title)
            .bind(r.sequence_number)
            .bind(r.position)
            .bind(&r.last_change)
            .bind(&r.extra)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as(
            "an association with this identifier in the framework",
        ))?;
        Ok(())
    }

    pub async fn insert_scale(&mut self, r: &ScaleRow) -> Result<()> {
        let q = "INSERT INTO proficiency_scales (id, framework_id, identifier, uri, title, description, position, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on!(self, |c| sqlx::query(q)
            .bind(r.id)
            .bind(r.framework_id)
            .bind(&r.identifier)
            .bind(&r.uri)
            .bind(&r.title)
            .bind(&r.description)
            .bind(r.position)
            .bind(&r.body)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as(
            "a proficiency scale with this identifier in the framework",
        ))?;
        Ok(())
    }

    pub async fn insert_level(&mut self, r: &LevelRow) -> Result<()> {
        let q = "INSERT INTO proficiency_levels (id, scale_id, criterion_identifier, identifier, uri, name, descriptor, score, ordinal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        on!(self, |c| sqlx::query(q)
            .bind(r.id)
            .bind(r.scale_id)
            .bind(&r.criterion_identifier)
            .bind(&r.identifier)
            .bind(&r.uri)
            .bind(&r.name)
            .bind(&r.descriptor)
            .bind(&r.score)
            .bind(r.ordinal)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as(
            "a proficiency level with this identifier in the scale",
        ))?;
        Ok(())
    }

    pub async fn insert_definition(&mut self, r: &DefinitionRow) -> Result<()> {
        let q = "INSERT INTO framework_definitions (framework_id, kind, identifier, uri, title, position, body) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        on!(self, |c| sqlx::query(q)
            .bind(r.framework_id)
            .bind(&r.kind)
            .bind(&r.identifier)
            .bind(&r.uri)
            .bind(&r.title)
            .bind(r.position)
            .bind(&r.body)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as(
            "a definition with this kind and identifier in the framework",
        ))?;
        Ok(())
    }

    /// Every framework, by title.
    pub async fn list_frameworks(&mut self) -> Result<Vec<FrameworkRow>> {
        let q = concat!(
            "SELECT ",
            framework_columns!(),
            " FROM frameworks ORDER BY title, identifier, created_at"
        );
        Ok(on!(self, |c| sqlx::query_as(q).fetch_all(c).await)?)
    }

    pub async fn framework_by_id(&mut self, id: Uuid) -> Result<Option<FrameworkRow>> {
        let q = concat!(
            "SELECT ",
            framework_columns!(),
            " FROM frameworks WHERE id = $1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// The framework with this CFDocument identifier owned by `org` (None: the installation's).
    pub async fn framework_by_identifier(
        &mut self,
        org: Option<Uuid>,
        identifier: &str,
    ) -> Result<Option<FrameworkRow>> {
        let q = concat!(
            "SELECT ",
            framework_columns!(),
            " FROM frameworks WHERE identifier = $1"
        );
        let rows: Vec<FrameworkRow> = on!(self, |c| sqlx::query_as(q)
            .bind(identifier)
            .fetch_all(c)
            .await)?;
        Ok(rows.into_iter().find(|r| r.org_id == org))
    }

    pub async fn count_competencies(&mut self, framework: Uuid) -> Result<i64> {
        let q = "SELECT COUNT(*) FROM competencies WHERE framework_id = $1";
        Ok(on!(self, |c| sqlx::query_scalar(q)
            .bind(framework)
            .fetch_one(c)
            .await)?)
    }

    /// The framework's competencies in tree order (a depth-first walk).
    pub async fn competencies_of(&mut self, framework: Uuid) -> Result<Vec<CompetencyRow>> {
        let q = concat!(
            "SELECT ",
            competency_columns!(),
            " FROM competencies WHERE framework_id = $1 ORDER BY position"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(framework)
            .fetch_all(c)
            .await)?)
    }

    pub async fn competency_by_id(&mut self, id: Uuid) -> Result<Option<CompetencyRow>> {
        let q = concat!(
            "SELECT ",
            competency_columns!(),
            " FROM competencies WHERE id = $1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// A competency by its code (CASE humanCodingScheme) within a framework.
    pub async fn competency_by_code(
        &mut self,
        framework: Uuid,
        code: &str,
    ) -> Result<Option<CompetencyRow>> {
        let q = concat!(
            "SELECT ",
            competency_columns!(),
            " FROM competencies WHERE framework_id = $1 AND code = $2 ORDER BY position LIMIT 1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(framework)
            .bind(code)
            .fetch_optional(c)
            .await)?)
    }

    pub async fn associations_of(&mut self, framework: Uuid) -> Result<Vec<AssociationRow>> {
        let q = concat!(
            "SELECT ",
            association_columns!(),
            " FROM competency_associations WHERE framework_id = $1 ORDER BY position"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(framework)
            .fetch_all(c)
            .await)?)
    }

    pub async fn scales_of(&mut self, framework: Uuid) -> Result<Vec<ScaleRow>> {
        let q = "SELECT id, framework_id, identifier, uri, title, description, position, body FROM proficiency_scales WHERE framework_id = $1 ORDER BY position";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(framework)
            .fetch_all(c)
            .await)?)
    }

    /// The levels of every scale of the framework, scale by scale, in order.
    pub async fn levels_of(&mut self, framework: Uuid) -> Result<Vec<LevelRow>> {
        let q = concat!(
            "SELECT ",
            level_columns!(),
            " FROM proficiency_levels l JOIN proficiency_scales s ON s.id = l.scale_id WHERE s.framework_id = $1 ORDER BY s.position, l.ordinal"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(framework)
            .fetch_all(c)
            .await)?)
    }

    pub async fn definitions_of(&mut self, framework: Uuid) -> Result<Vec<DefinitionRow>> {
        let q = "SELECT framework_id, kind, identifier, uri, title, position, body FROM framework_definitions WHERE framework_id = $1 ORDER BY position";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(framework)
            .fetch_all(c)
            .await)?)
    }

    /// Rows in each framework table (frameworks, competencies, associations, scales, levels,
    /// definitions): a cheap way to see that nothing changed.
    pub async fn framework_table_counts(&mut self) -> Result<[i64; 6]> {
        let q = "SELECT (SELECT COUNT(*) FROM frameworks), (SELECT COUNT(*) FROM competencies), (SELECT COUNT(*) FROM competency_associations), (SELECT COUNT(*) FROM proficiency_scales), (SELECT COUNT(*) FROM proficiency_levels), (SELECT COUNT(*) FROM framework_definitions)";
        let row: (i64, i64, i64, i64, i64, i64) =
            on!(self, |c| sqlx::query_as(q).fetch_one(c).await)?;
        Ok([row.0, row.1, row.2, row.3, row.4, row.5])
    }
}
