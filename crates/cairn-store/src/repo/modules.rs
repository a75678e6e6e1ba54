//! Storage for modules: versions, alignments, learner progress and the catalog search.
//!
//! Full-text search is the one place where the two backends differ in SQL: SQLite uses an
//! FTS5 table whose rowid is `modules.seq`, PostgreSQL a weighted `tsvector` column on
//! `modules`. Everything else is shared.

use sqlx::AssertSqlSafe;
use time::OffsetDateTime;
use uuid::Uuid;

use super::accreditation::accredited_at;
use super::stacks::whole_seconds;
use crate::conn::{Conn, on};
use crate::{Result, StoreError};

/// A module as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ModuleRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub current_version_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
}

/// A module version as stored; `content` is the JSON of `cairn_core::catalog::ModuleContent`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ModuleVersionRow {
    pub id: Uuid,
    pub module_id: Uuid,
    pub number: i32,
    pub state: String,
    pub title: String,
    pub duration_minutes: i32,
    pub language: String,
    pub format: String,
    pub content: String,
    pub content_hash: Option<String>,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub published_at: Option<OffsetDateTime>,
}

macro_rules! version_columns {
    () => {
        "v.id, v.module_id, v.number, v.state, v.title, v.duration_minutes, v.language, v.format, v.content, v.content_hash, v.created_by, v.created_at, v.published_at"
    };
}

/// The texts of a published version that the catalog searches.
#[derive(Debug, Clone, Default)]
pub struct SearchText {
    pub title: String,
    pub summary: String,
    pub objectives: String,
    pub competencies: String,
    pub tags: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CatalogSort {
    /// Best match first when there is a query; otherwise by title.
    #[default]
    Relevance,
    Title,
    Duration,
    Newest,
}

/// A catalog search. `text` is what the person typed; the store turns it into each
/// backend's query language, so no input reaches SQL as syntax.
#[derive(Debug, Clone, Default)]
pub struct CatalogQuery {
    pub text: Option<String>,
    pub competency: Option<Uuid>,
    /// A domain (top-level competency): modules aligned to any competency under it.
    pub domain: Option<Uuid>,
    pub provider: Option<Uuid>,
    pub min_minutes: Option<i32>,
    pub max_minutes: Option<i32>,
    pub language: Option<String>,
    pub format: Option<String>,
    pub accredited_only: bool,
    /// The time "accredited" is judged at; none: now.
    pub at: Option<OffsetDateTime>,
    pub sort: CatalogSort,
    pub limit: i64,
    pub offset: i64,
}

/// One catalog result: a module with its current published version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CatalogRow {
    /// A valid, unrevoked endorsement covers the current version.
    pub accredited: bool,
    pub org_slug: String,
    pub org_name: String,
    #[sqlx(flatten)]
    pub version: ModuleVersionRow,
}

/// Progress of one learner in one version of a built-in lesson.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProgressRow {
    pub user_id: Uuid,
    pub version_id: Uuid,
    pub page_reached: i32,
    /// JSON array of chosen answers (index or null), one per question.
    pub answers: String,
    pub score: Option<i32>,
    pub completed_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
}

/// An FTS5 query that matches every word typed (each as a quoted phrase, so that
/// "ICD-11" means the tokens icd and 11 in a row), or None when nothing searchable is left.
pub fn fts5_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split_whitespace()
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The catalog's SQL, from fixed fragments only (every value is bound).
fn catalog_sql(postgres: bool, text: bool, domain: bool, sort: CatalogSort, count: bool) -> String {
    let mut sql = String::from("SELECT ");
    sql.push_str(if count {
        "COUNT(*)"
    } else {
        concat!(
            accredited_at!("v.id", "$10"),
            " AS accredited, o.slug AS org_slug, o.name AS org_name, ",
            version_columns!()
        )
    });
    sql.push_str(
        " FROM modules m JOIN module_versions v ON v.id = m.current_version_id \
         JOIN organizations o ON o.id = m.org_id",
    );
    if text && !postgres {
        sql.push_str(" JOIN module_search ON module_search.rowid = m.seq");
    }
    sql.push_str(" WHERE ");
    sql.push_str(match (text, postgres) {
        (true, false) => "module_search MATCH $1",
        (true, true) => "m.search @@ websearch_to_tsquery('english', $1)",
        (false, _) => "$1 IS NULL",
    });
    sql.push_str(
        " AND ($2 IS NULL OR m.org_id = $2) \
         AND ($3 IS NULL OR v.duration_minutes >= $3) \
         AND ($4 IS NULL OR v.duration_minutes <= $4) \
         AND ($5 IS NULL OR v.language = $5) \
         AND ($6 IS NULL OR v.format = $6) \
         AND ($7 = FALSE OR ",
    );
    // Both queries name $10 (the time), so PostgreSQL can type it in each.
    sql.push_str(accredited_at!("v.id", "$10"));
    sql.push_str(
        ") AND ($8 IS NULL OR EXISTS (SELECT 1 FROM module_alignments a WHERE a.version_id = v.id AND a.competency_id = $8))",
    );
    if domain {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM module_alignments a JOIN competencies c ON c.id = a.competency_id \
             WHERE a.version_id = v.id AND c.domain_id = $9)",
        );
    } else {
        sql.push_str(" AND $9 IS NULL");
    }
    sql.push_str("");
    if count {
        return sql;
    }
    sql.push_str(" ORDER BY ");
    sql.push_str(match (sort, text, postgres) {
        (CatalogSort::Relevance, true, false) => {
            "bm25(module_search, 10.0, 4.0, 2.0, 2.0, 3.0), LOWER(v.title), m.id"
        }
        (CatalogSort::Relevance, true, true) => {
            "ts_rank(m.search, websearch_to_tsquery('english', $1)) DESC, LOWER(v.title), m.id"
        }
        (CatalogSort::Relevance | CatalogSort::Title, _, _) => "LOWER(v.title), m.id",
        (CatalogSort::Duration, _, _) => "v.duration_minutes, LOWER(v.title), m.id",
        (CatalogSort::Newest, _, _) => "v.published_at DESC, m.id",
    });
    sql.push_str(" LIMIT $11 OFFSET $12");
    sql
}

impl Conn<'_> {
    pub async fn insert_module(&mut self, m: &ModuleRow) -> Result<()> {
        let q = "INSERT INTO modules (id, org_id, current_version_id, created_at) VALUES ($1, $2, $3, $4)";
        on!(self, |c| sqlx::query(q)
            .bind(m.id)
            .bind(m.org_id)
            .bind(m.current_version_id)
            .bind(m.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn module_by_id(&mut self, id: Uuid) -> Result<Option<ModuleRow>> {
        let q = "SELECT id, org_id, current_version_id, created_at FROM modules WHERE id = $1";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// Store a new version (a draft) with its alignments (competency id, target level).
    pub async fn insert_module_version(
        &mut self,
        v: &ModuleVersionRow,
        alignments: &[(Uuid, i32)],
    ) -> Result<()> {
        let q = "INSERT INTO module_versions (id, module_id, number, state, title, duration_minutes, language, format, content, content_hash, created_by, created_at, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
        on!(self, |c| sqlx::query(q)
            .bind(v.id)
            .bind(v.module_id)
            .bind(v.number)
            .bind(&v.state)
            .bind(&v.title)
            .bind(v.duration_minutes)
            .bind(&v.language)
            .bind(&v.format)
            .bind(&v.content)
            .bind(&v.content_hash)
            .bind(&v.created_by)
            .bind(v.created_at)
            .bind(v.published_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("a draft of this module"))?;
        self.replace_alignments(v.id, alignments).await
    }

    async fn replace_alignments(
        &mut self,
        version: Uuid,
        alignments: &[(Uuid, i32)],
    ) -> Result<()> {
        let q = "DELETE FROM module_alignments WHERE version_id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(version)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        for (competency, level) in alignments {
            let q = "INSERT INTO module_alignments (version_id, competency_id, target_level) VALUES ($1, $2, $3)";
            on!(self, |c| sqlx::query(q)
                .bind(version)
                .bind(competency)
                .bind(level)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Change a draft's content. Published versions are refused (also by the database).
    pub async fn update_draft(
        &mut self,
        v: &ModuleVersionRow,
        alignments: &[(Uuid, i32)],
    ) -> Result<()> {
        let q = "UPDATE module_versions SET title = $2, duration_minutes = $3, language = $4, format = $5, content = $6 \
                 WHERE id = $1 AND state = 'draft'";
        let n = on!(self, |c| sqlx::query(q)
            .bind(v.id)
            .bind(&v.title)
            .bind(v.duration_minutes)
            .bind(&v.language)
            .bind(&v.format)
            .bind(&v.content)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound("draft version"));
        }
        self.replace_alignments(v.id, alignments).await
    }

    /// Freeze a draft: it becomes the module's current version.
    pub async fn publish_version(
        &mut self,
        version: Uuid,
        module: Uuid,
        hash: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        let q = "UPDATE module_versions SET state = 'published', content_hash = $2, published_at = $3 WHERE id = $1 AND state = 'draft'";
        let n = on!(self, |c| sqlx::query(q)
            .bind(version)
            .bind(hash)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound("draft version"));
        }
        let q = "UPDATE modules SET current_version_id = $2 WHERE id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(module)
            .bind(version)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Put the module's current texts into the full-text index (replacing earlier ones).
    pub async fn index_module(&mut self, module: Uuid, t: &SearchText) -> Result<()> {
        match self {
            Conn::Sqlite(c) => {
                let c = &mut **c;
                sqlx::query("DELETE FROM module_search WHERE rowid = (SELECT seq FROM modules WHERE id = $1)")
                    .bind(module)
                    .execute(&mut *c)
                    .await?;
                sqlx::query(
                    "INSERT INTO module_search (rowid, title, summary, objectives, competencies, tags) \
                     SELECT seq, $2, $3, $4, $5, $6 FROM modules WHERE id = $1",
                )
                .bind(module)
                .bind(&t.title)
                .bind(&t.summary)
                .bind(&t.objectives)
                .bind(&t.competencies)
                .bind(&t.tags)
                .execute(c)
                .await?;
            }
            Conn::Postgres(c) => {
                let c = &mut **c;
                sqlx::query(
                    "UPDATE modules SET search = \
                       setweight(to_tsvector('english', $2), 'A') || \
                       setweight(to_tsvector('english', $3), 'B') || \
                       setweight(to_tsvector('english', $4 || ' ' || $5), 'C') || \
                       setweight(to_tsvector('english', $6), 'D') \
                     WHERE id = $1",
                )
                .bind(module)
                .bind(&t.title)
                .bind(&t.summary)
                .bind(&t.objectives)
                .bind(&t.competencies)
                .bind(&t.tags)
                .execute(c)
                .await?;
            }
        }
        Ok(())
    }

    pub async fn module_version(&mut self, id: Uuid) -> Result<Option<ModuleVersionRow>> {
        let q = concat!(
            "SELECT ",
            version_columns!(),
            " FROM module_versions v WHERE v.id = $1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// Every version of a module, newest first.
    pub async fn module_versions(&mut self, module: Uuid) -> Result<Vec<ModuleVersionRow>> {
        let q = concat!(
            "SELECT ",
            version_columns!(),
            " FROM module_versions v WHERE v.module_id = $1 ORDER BY v.number DESC"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(module)
            .fetch_all(c)
            .await)?)
    }

    /// The organization's modules, each with its latest version (draft or published).
    pub async fn modules_of_org(&mut self, org: Uuid) -> Result<Vec<ModuleVersionRow>> {
        let q = concat!(
            "SELECT ",
            version_columns!(),
            " FROM module_versions v JOIN modules m ON m.id = v.module_id \
             WHERE m.org_id = $1 AND v.number = (SELECT MAX(w.number) FROM module_versions w WHERE w.module_id = v.module_id) \
             ORDER BY LOWER(v.title), v.module_id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .fetch_all(c)
            .await)?)
    }

    /// Search the catalog of published modules: the page of results and the total.
    pub async fn search_catalog(&mut self, q: &CatalogQuery) -> Result<(Vec<CatalogRow>, i64)> {
        let postgres = matches!(self, Conn::Postgres(_));
        let text = match (&q.text, postgres) {
            (Some(t), false) => fts5_query(t),
            (Some(t), true) => Some(t.trim().to_owned()).filter(|t| !t.is_empty()),
            (None, _) => None,
        };
        if q.text.is_some() && text.is_none() {
            return Ok((Vec::new(), 0));
        }
        let has_text = text.is_some();
        // The domain filter reads the frameworks' table, so it is only mentioned when used.
        let domain = q.domain.is_some();
        let at = whole_seconds(q.at.unwrap_or_else(OffsetDateTime::now_utc));
        let list_sql = catalog_sql(postgres, has_text, domain, q.sort, false);
        let count_sql = catalog_sql(postgres, has_text, domain, q.sort, true);
        macro_rules! bind_filters {
            ($query:expr) => {
                $query
                    .bind(&text)
                    .bind(q.provider)
                    .bind(q.min_minutes)
                    .bind(q.max_minutes)
                    .bind(&q.language)
                    .bind(&q.format)
                    .bind(q.accredited_only)
                    .bind(q.competency)
                    .bind(q.domain)
                    .bind(at)
            };
        }
        let rows: Vec<CatalogRow> = on!(self, |c| bind_filters!(sqlx::query_as(AssertSqlSafe(
            list_sql.clone()
        )))
        .bind(q.limit)
        .bind(q.offset)
        .fetch_all(&mut *c)
        .await)?;
        let total: i64 = on!(self, |c| bind_filters!(sqlx::query_scalar(AssertSqlSafe(
            count_sql.clone()
        )))
        .fetch_one(&mut *c)
        .await)?;
        Ok((rows, total))
    }

    /// A competency's code and statement, for copying into an alignment.
    pub async fn competency_facts(&mut self, id: Uuid) -> Result<Option<(Option<String>, String)>> {
        let q = "SELECT code, statement FROM competencies WHERE id = $1";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// The competency with this code, preferring the framework with CASE identifier
    /// `framework`: how the demo aligns its modules.
    pub async fn find_competency(&mut self, code: &str, framework: &str) -> Result<Option<Uuid>> {
        let q = "SELECT c.id FROM competencies c JOIN frameworks f ON f.id = c.framework_id \
                 WHERE c.code = $1 ORDER BY CASE WHEN f.identifier = $2 THEN 0 ELSE 1 END, c.id LIMIT 1";
        Ok(on!(self, |c| sqlx::query_scalar(q)
            .bind(code)
            .bind(framework)
            .fetch_optional(c)
            .await)?)
    }

    /// The domains (top-level competencies) that published modules are aligned under, for
    /// the catalog's domain filter: (id, code, statement).
    pub async fn catalog_domains(&mut self) -> Result<Vec<(Uuid, Option<String>, String)>> {
        let q = "SELECT d.id, d.code, d.statement FROM competencies d WHERE d.id IN ( \
                   SELECT c.domain_id FROM modules m JOIN module_alignments a ON a.version_id = m.current_version_id \
                   JOIN competencies c ON c.id = a.competency_id) \
                 ORDER BY d.position, d.code, d.id";
        Ok(on!(self, |c| sqlx::query_as(q).fetch_all(c).await)?)
    }

    /// Competencies an author can align a module to: (id, code, statement, framework title),
    /// in framework order, at most `limit`.
    pub async fn competency_choices(
        &mut self,
        limit: i64,
    ) -> Result<Vec<(Uuid, Option<String>, String, String)>> {
        let q = "SELECT c.id, c.code, c.statement, f.title FROM competencies c JOIN frameworks f ON f.id = c.framework_id \
                 WHERE c.id <> c.domain_id ORDER BY f.title, f.id, c.position LIMIT $1";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    pub async fn progress(&mut self, user: Uuid, version: Uuid) -> Result<Option<ProgressRow>> {
        let q = "SELECT user_id, version_id, page_reached, answers, score, completed_at, updated_at FROM lesson_progress WHERE user_id = $1 AND version_id = $2";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(user)
            .bind(version)
            .fetch_optional(c)
            .await)?)
    }

    pub async fn save_progress(&mut self, p: &ProgressRow) -> Result<()> {
        let q = "INSERT INTO lesson_progress (user_id, version_id, page_reached, answers, score, completed_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (user_id, version_id) DO UPDATE SET page_reached = excluded.page_reached, \
                 answers = excluded.answers, score = excluded.score, completed_at = excluded.completed_at, updated_at = excluded.updated_at";
        on!(self, |c| sqlx::query(q)
            .bind(p.user_id)
            .bind(p.version_id)
            .bind(p.page_reached)
            .bind(&p.answers)
            .bind(p.score)
            .bind(p.completed_at)
            .bind(p.updated_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::backend_tests! {
        async fn the_database_refuses_to_change_a_published_version(db: TestDb) {
            let now = cairn_core::truncate_micros(OffsetDateTime::now_utc());
            let org = cairn_core::Organization {
                id: Uuid::now_v7(),
                slug: "p".into(),
                name: "P".into(),
                kinds: vec![cairn_core::OrgKind::Provider],
                created_at: now,
            };
            let m = ModuleRow { id: Uuid::now_v7(), org_id: org.id, current_version_id: None, created_at: now };
            let v = ModuleVersionRow {
                id: Uuid::now_v7(), module_id: m.id, number: 1, state: "draft".into(), title: "T".into(),
                duration_minutes: 5, language: "en".into(), format: "link".into(), content: "{}".into(),
                content_hash: None, created_by: "system".into(), created_at: now, published_at: None,
            };
            let mut tx = db.store.begin().await.unwrap();
            tx.conn().insert_org(&org).await.unwrap();
            tx.conn().insert_module(&m).await.unwrap();
            tx.conn().insert_module_version(&v, &[]).await.unwrap();
            tx.commit().await.unwrap();
            // A second draft of the same module is refused (in a transaction of its own: in
            // PostgreSQL a failed statement spoils the rest of its transaction).
            let again = ModuleVersionRow { id: Uuid::now_v7(), number: 2, ..v.clone() };
            let mut tx = db.store.begin().await.unwrap();
            assert!(matches!(tx.conn().insert_module_version(&again, &[]).await, Err(StoreError::Conflict(_))));
            drop(tx);
            let mut tx = db.store.begin().await.unwrap();
            tx.conn().publish_version(v.id, m.id, "ab", now).await.unwrap();
            tx.commit().await.unwrap();
            for sql in [
                "UPDATE module_versions SET title = 'changed' WHERE id = $1",
                "UPDATE module_versions SET state = 'draft', content_hash = NULL, published_at = NULL WHERE id = $1",
                "DELETE FROM module_versions WHERE id = $1",
            ] {
                let mut tx = db.store.begin().await.unwrap();
                let mut conn = tx.conn();
                let r = on!(&mut conn, |c| sqlx::query(AssertSqlSafe(sql)).bind(v.id).execute(c).await.map(|r| r.rows_affected()));
                let e = r.expect_err(sql);
                assert!(e.to_string().contains("frozen"), "{}: {sql}: {e}", db.backend);
            }
            let mut r = db.store.reader().await.unwrap();
            let kept = r.conn().module_version(v.id).await.unwrap().unwrap();
            assert_eq!((kept.title.as_str(), kept.state.as_str(), kept.content_hash.as_deref()), ("T", "published", Some("ab")));
        }
    }

    #[test]
    fn typed_words_become_quoted_phrases() {
        assert_eq!(fts5_query("ICD-11").as_deref(), Some("\"ICD-11\""));
        assert_eq!(
            fts5_query(" value-based  \"care\" OR").as_deref(),
            Some("\"value-based\" \"\"\"care\"\"\" \"OR\"")
        );
        assert_eq!(fts5_query(" - * "), None);
    }
}
