//! Competency frameworks: CASE 1.0/1.1 import and export, the shipped healthcare framework.
//!
//! An import is checked as a whole first ([`cairn_core::framework::parse_package`]): a
//! package with any problem is rejected with all of them and nothing is written. A valid
//! one is stored in one transaction with the audit event recording it.
//!
//! Database ids are derived from the owner and the CASE identifiers, so the same package
//! imported by the same owner always gets the same ids (the demo world stays deterministic).

use std::fmt;

use cairn_core::Principal;
use cairn_core::authz::Action;
use cairn_core::framework::{
    Association, Competency, Definition, Framework, NodeRef, Package, PackageProblem,
    ProficiencyLevel, ProficiencyScale, package_from_value, parse_package,
};
use cairn_store::{
    AssociationRow, CompetencyRow, Conn, DefinitionRow, FrameworkRow, LevelRow, ScaleRow,
    StoreError,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError, Result, audit_entry, now, require};

/// The Healthcare Workforce Versatility Framework, in Cairn's compact authoring form.
const BUILTIN: &str = include_str!("data/hwvf.json");

/// The organization that owns the shipped framework in the demo world.
pub const DEMO_FRAMEWORK_OWNER: &str = "rhwc";

/// Why an import did not happen: the package's problems (all of them), or anything else.
#[derive(Debug)]
pub enum ImportError {
    Rejected(Vec<PackageProblem>),
    Other(AppError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Rejected(p) => {
                write!(
                    f,
                    "the package was rejected with {} problem(s); nothing was imported:",
                    p.len()
                )?;
                for p in p {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
            ImportError::Other(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<AppError> for ImportError {
    fn from(e: AppError) -> Self {
        ImportError::Other(e)
    }
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Other(e.into())
    }
}

/// A framework as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkSummary {
    pub id: Uuid,
    /// The owning organization; none for a framework of the whole installation.
    pub org_id: Option<Uuid>,
    /// The CASE CFDocument identifier.
    pub identifier: String,
    pub uri: String,
    pub title: String,
    pub creator: String,
    pub version: Option<String>,
    pub adoption_status: Option<String>,
    pub competencies: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A competency and the ones under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompetencyNode {
    pub id: Uuid,
    pub identifier: String,
    pub uri: String,
    pub code: Option<String>,
    pub statement: String,
    /// CASE CFItemType, e.g. Domain or Competency.
    pub kind: Option<String>,
    pub children: Vec<CompetencyNode>,
}

/// A proficiency scale with its levels in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaleSummary {
    pub id: Uuid,
    pub identifier: String,
    pub title: Option<String>,
    pub levels: Vec<LevelSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelSummary {
    pub id: Uuid,
    pub identifier: String,
    /// 1 for the first level.
    pub ordinal: i64,
    pub name: Option<String>,
    pub descriptor: Option<String>,
}

/// A framework with its competency tree and scales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkDetail {
    pub framework: FrameworkSummary,
    pub description: Option<String>,
    pub tree: Vec<CompetencyNode>,
    pub scales: Vec<ScaleSummary>,
}

/// An id derived from `parts`: a UUID (version 8) from their SHA-256.
fn derived_id(parts: &[&str]) -> Uuid {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

fn json_text(m: &Map<String, Value>) -> String {
    Value::Object(m.clone()).to_string()
}

fn json_map(s: &str, what: &str) -> std::result::Result<Map<String, Value>, StoreError> {
    match serde_json::from_str(s) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(StoreError::Corrupt(format!(
            "the stored CASE members of {what} are not a JSON object"
        ))),
    }
}

impl App {
    /// Import a CASE CFPackage (JSON text) for the organization `org` (None: for the whole
    /// installation, which only the `cairn` command may do). Nothing is written unless the
    /// whole package is valid.
    pub async fn import_case(
        &self,
        by: &Principal,
        org: Option<&str>,
        json_text: &str,
    ) -> std::result::Result<FrameworkSummary, ImportError> {
        let org_id = self.framework_owner(by, org).await?;
        let package = parse_package(json_text).map_err(ImportError::Rejected)?;
        self.store_package(by, org_id, package).await
    }

    /// As [`App::import_case`], from parsed JSON.
    pub async fn import_case_value(
        &self,
        by: &Principal,
        org: Option<&str>,
        value: Value,
    ) -> std::result::Result<FrameworkSummary, ImportError> {
        let org_id = self.framework_owner(by, org).await?;
        let package = package_from_value(value).map_err(ImportError::Rejected)?;
        self.store_package(by, org_id, package).await
    }

    /// Load the Healthcare Workforce Versatility Framework shipped with Cairn.
    pub async fn import_builtin_framework(
        &self,
        by: &Principal,
        org: Option<&str>,
    ) -> std::result::Result<FrameworkSummary, ImportError> {
        let org_id = self.framework_owner(by, org).await?;
        self.store_package(by, org_id, builtin_package()?).await
    }

    async fn framework_owner(&self, by: &Principal, org: Option<&str>) -> Result<Option<Uuid>> {
        let org_id = match org {
            Some(slug) => Some(self.org_unchecked(slug).await?.id),
            None => None,
        };
        require(by, Action::FrameworkManage, org_id)?;
        Ok(org_id)
    }

    async fn store_package(
        &self,
        by: &Principal,
        org_id: Option<Uuid>,
        package: Package,
    ) -> std::result::Result<FrameworkSummary, ImportError> {
        let mut tx = self.store.begin().await?;
        let summary = insert_package(&mut tx.conn(), org_id, &package, now()).await?;
        let entry = audit_entry(
            by,
            org_id,
            "framework.import",
            format!("framework:{}", summary.id),
            json!({
                "identifier": package.framework.identifier,
                "title": package.framework.title,
                "competencies": package.competencies.len(),
                "associations": package.associations.len(),
            }),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Every framework on the installation. Frameworks are published reference data: anyone
    /// may read them.
    pub async fn frameworks(&self) -> Result<Vec<FrameworkSummary>> {
        let mut r = self.store.reader().await?;
        let mut c = r.conn();
        let mut out = Vec::new();
        for f in c.list_frameworks().await? {
            let n = c.count_competencies(f.id).await?;
            out.push(summary(f, n));
        }
        Ok(out)
    }

    /// One framework with its competency tree and proficiency scales.
    pub async fn framework(&self, id: Uuid) -> Result<FrameworkDetail> {
        let mut r = self.store.reader().await?;
        let mut c = r.conn();
        let f = c
            .framework_by_id(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("framework {id}")))?;
        let rows = c.competencies_of(id).await?;
        let scales = c.scales_of(id).await?;
        let levels = c.levels_of(id).await?;
        let description = f.description.clone();
        Ok(FrameworkDetail {
            framework: summary(f, rows.len() as i64),
            description,
            tree: tree(&rows),
            scales: scales
                .into_iter()
                .map(|s| ScaleSummary {
                    levels: levels
                        .iter()
                        .filter(|l| l.scale_id == s.id)
                        .map(|l| LevelSummary {
                            id: l.id,
                            identifier: l.identifier.clone(),
                            ordinal: l.ordinal,
                            name: l.name.clone(),
                            descriptor: l.descriptor.clone(),
                        })
                        .collect(),
                    id: s.id,
                    identifier: s.identifier,
                    title: s.title,
                })
                .collect(),
        })
    }

    /// The framework as a CASE CFPackage, with the identifiers and URIs it was imported with.
    pub async fn export_case(&self, id: Uuid) -> Result<Value> {
        let mut r = self.store.reader().await?;
        Ok(load_package(&mut r.conn(), id).await?.to_case_json())
    }

    /// Seed step of the demo world (called inside its transaction): the shipped framework,
    /// owned by the council that sets the region's workforce standards.
    pub(crate) async fn seed_demo_frameworks(&self, tx: &mut cairn_store::Tx) -> Result<()> {
        let org = tx
            .conn()
            .org_by_slug(DEMO_FRAMEWORK_OWNER)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("organization '{DEMO_FRAMEWORK_OWNER}'")))?;
        let package = builtin_package()?;
        insert_package(&mut tx.conn(), Some(org.id), &package, now()).await?;
        Ok(())
    }
}

fn summary(f: FrameworkRow, competencies: i64) -> FrameworkSummary {
    FrameworkSummary {
        id: f.id,
        org_id: f.org_id,
        identifier: f.identifier,
        uri: f.uri,
        title: f.title,
        creator: f.creator,
        version: f.version,
        adoption_status: f.adoption_status,
        competencies,
        created_at: f.created_at,
    }
}

fn tree(rows: &[CompetencyRow]) -> Vec<CompetencyNode> {
    fn build(rows: &[CompetencyRow], parent: Option<Uuid>) -> Vec<CompetencyNode> {
        rows.iter()
            .filter(|r| r.parent_id == parent)
            .map(|r| CompetencyNode {
                id: r.id,
                identifier: r.identifier.clone(),
                uri: r.uri.clone(),
                code: r.code.clone(),
                statement: r.statement.clone(),
                kind: r.kind.clone(),
                children: build(rows, Some(r.id)),
            })
            .collect()
    }
    build(rows, None)
}

/// A framework id as a person types it.
pub fn parse_framework_id(s: &str) -> Result<Uuid> {
    s.trim().parse().map_err(|_| {
        cairn_core::validate::Invalid::new(
            "id",
            format!("'{s}' is not a framework id; `cairn framework list` shows them"),
        )
        .into()
    })
}

/// The id a framework owned by `org` with this CFDocument identifier has.
pub fn framework_id(org: Option<Uuid>, identifier: &str) -> Uuid {
    let owner = org.unwrap_or(Uuid::nil()).to_string();
    derived_id(&["framework", &owner, &identifier.to_ascii_lowercase()])
}

/// The id of the competency with this CASE identifier in the framework.
pub fn competency_id(framework: Uuid, identifier: &str) -> Uuid {
    derived_id(&[
        "competency",
        &framework.to_string(),
        &identifier.to_ascii_lowercase(),
    ])
}

/// Write a valid package (inside the caller's transaction). A framework with the same
/// CFDocument identifier and owner is refused, checked first so no statement fails.
pub async fn insert_package(
    c: &mut Conn<'_>,
    org_id: Option<Uuid>,
    p: &Package,
    at: OffsetDateTime,
) -> Result<FrameworkSummary> {
    let f = &p.framework;
    if let Some(existing) = c.framework_by_identifier(org_id, &f.identifier).await? {
        return Err(AppError::Conflict(format!(
            "the framework '{}' (CFDocument {}) is already imported here as {}; to import it again, use another organization",
            existing.title, f.identifier, existing.id
        )));
    }
    let fid = framework_id(org_id, &f.identifier);
    let row = FrameworkRow {
        id: fid,
        org_id,
        identifier: f.identifier.clone(),
        uri: f.uri.clone(),
        title: f.title.clone(),
        creator: f.creator.clone(),
        publisher: f.publisher.clone(),
        description: f.description.clone(),
        version: f.version.clone(),
        language: f.language.clone(),
        adoption_status: f.adoption_status.clone(),
        last_change: f.last_change.clone(),
        extra: json_text(&f.extra),
        created_at: at,
    };
    c.insert_framework(&row).await?;
    let placements = p.placements();
    let ids: Vec<Uuid> = p
        .competencies
        .iter()
        .map(|x| competency_id(fid, &x.identifier))
        .collect();
    // Parents before children: insert in tree order.
    let mut order: Vec<usize> = (0..p.competencies.len()).collect();
    order.sort_by_key(|i| placements[*i].position);
    for i in order {
        let x = &p.competencies[i];
        let pl = placements[i];
        c.insert_competency(&CompetencyRow {
            id: ids[i],
            framework_id: fid,
            identifier: x.identifier.clone(),
            uri: x.uri.clone(),
            code: x.code.clone(),
            statement: x.statement.clone(),
            abbreviated_statement: x.abbreviated_statement.clone(),
            kind: x.kind.clone(),
            language: x.language.clone(),
            parent_id: pl.parent.map(|p| ids[p]),
            domain_id: ids[pl.domain],
            depth: i64::from(pl.depth),
            position: i64::from(pl.position),
            last_change: x.last_change.clone(),
            extra: json_text(&x.extra),
        })
        .await?;
    }
    for (k, a) in p.associations.iter().enumerate() {
        c.insert_association(&AssociationRow {
            id: derived_id(&["association", &fid.to_string(), &a.identifier]),
            framework_id: fid,
            identifier: a.identifier.clone(),
            uri: a.uri.clone(),
            association_type: a.association_type.clone(),
            origin_identifier: a.origin.identifier.clone(),
            origin_uri: a.origin.uri.clone(),
            origin_title: a.origin.title.clone(),
            destination_identifier: a.destination.identifier.clone(),
            destination_uri: a.destination.uri.clone(),
            destination_title: a.destination.title.clone(),
            sequence_number: a.sequence_number,
            position: k as i64,
            last_change: a.last_change.clone(),
            extra: json_text(&a.extra),
        })
        .await?;
    }
    for (k, s) in p.scales.iter().enumerate() {
        let sid = derived_id(&["scale", &fid.to_string(), &s.identifier]);
        c.insert_scale(&ScaleRow {
            id: sid,
            framework_id: fid,
            identifier: s.identifier.clone(),
            uri: s.uri.clone(),
            title: s.title.clone(),
            description: s.description.clone(),
            position: k as i64,
            body: json_text(&s.body),
        })
        .await?;
        for (n, l) in s.levels.iter().enumerate() {
            c.insert_level(&LevelRow {
                id: derived_id(&["level", &sid.to_string(), &l.identifier]),
                scale_id: sid,
                criterion_identifier: l.criterion_identifier.clone(),
                identifier: l.identifier.clone(),
                uri: l.uri.clone(),
                name: l.name.clone(),
                descriptor: l.descriptor.clone(),
                score: l.score.as_ref().map(ToString::to_string),
                ordinal: n as i64 + 1,
            })
            .await?;
        }
    }
    for (k, d) in p.definitions.iter().enumerate() {
        c.insert_definition(&DefinitionRow {
            framework_id: fid,
            kind: d.kind.clone(),
            identifier: d.identifier.clone(),
            uri: d.uri.clone(),
            title: d.title.clone(),
            position: k as i64,
            body: json_text(&d.body),
        })
        .await?;
    }
    Ok(summary(row, p.competencies.len() as i64))
}

/// Read a stored framework back as a package.
pub async fn load_package(c: &mut Conn<'_>, id: Uuid) -> Result<Package> {
    let f = c
        .framework_by_id(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("framework {id}")))?;
    let framework = Framework {
        extra: json_map(&f.extra, "the framework")?,
        identifier: f.identifier,
        uri: f.uri,
        title: f.title,
        creator: f.creator,
        publisher: f.publisher,
        description: f.description,
        version: f.version,
        language: f.language,
        adoption_status: f.adoption_status,
        last_change: f.last_change,
    };
    let mut competencies = Vec::new();
    for r in c.competencies_of(id).await? {
        competencies.push(Competency {
            extra: json_map(&r.extra, "a competency")?,
            identifier: r.identifier,
            uri: r.uri,
            code: r.code,
            statement: r.statement,
            abbreviated_statement: r.abbreviated_statement,
            kind: r.kind,
            language: r.language,
            last_change: r.last_change,
        });
    }
    let mut associations = Vec::new();
    for r in c.associations_of(id).await? {
        associations.push(Association {
            extra: json_map(&r.extra, "an association")?,
            identifier: r.identifier,
            uri: r.uri,
            association_type: r.association_type,
            origin: NodeRef {
                identifier: r.origin_identifier,
                uri: r.origin_uri,
                title: r.origin_title,
            },
            destination: NodeRef {
                identifier: r.destination_identifier,
                uri: r.destination_uri,
                title: r.destination_title,
            },
            sequence_number: r.sequence_number,
            last_change: r.last_change,
        });
    }
    let levels = c.levels_of(id).await?;
    let mut scales = Vec::new();
    for s in c.scales_of(id).await? {
        scales.push(ProficiencyScale {
            body: json_map(&s.body, "a proficiency scale")?,
            levels: levels
                .iter()
                .filter(|l| l.scale_id == s.id)
                .map(|l| ProficiencyLevel {
                    criterion_identifier: l.criterion_identifier.clone(),
                    identifier: l.identifier.clone(),
                    uri: l.uri.clone(),
                    name: l.name.clone(),
                    descriptor: l.descriptor.clone(),
                    score: l.score.as_deref().and_then(|s| s.parse().ok()),
                    position: None,
                })
                .collect(),
            identifier: s.identifier,
            uri: s.uri,
            title: s.title,
            description: s.description,
        });
    }
    let mut definitions = Vec::new();
    for d in c.definitions_of(id).await? {
        definitions.push(Definition {
            body: json_map(&d.body, "a definition")?,
            kind: d.kind,
            identifier: d.identifier,
            uri: d.uri,
            title: d.title,
        });
    }
    Ok(Package {
        framework,
        competencies,
        associations,
        definitions,
        scales,
    })
}

#[derive(Deserialize)]
struct Authored {
    namespace: String,
    base_uri: String,
    title: String,
    creator: String,
    publisher: String,
    version: String,
    language: String,
    last_change: String,
    description: String,
    scale: AuthoredScale,
    domains: Vec<AuthoredDomain>,
    related: Vec<(String, String, String)>,
}

#[derive(Deserialize)]
struct AuthoredScale {
    title: String,
    description: String,
    criterion: String,
    levels: Vec<AuthoredLevel>,
}

#[derive(Deserialize)]
struct AuthoredLevel {
    name: String,
    descriptor: String,
}

#[derive(Deserialize)]
struct AuthoredDomain {
    code: String,
    title: String,
    competencies: Vec<String>,
}

/// The Healthcare Workforce Versatility Framework as a CASE package: 12 domains (CFItems of
/// type Domain), their competencies, a four-level proficiency scale (a CFRubric), with
/// stable identifiers derived from the codes.
pub fn builtin_package() -> Result<Package> {
    let a: Authored = serde_json::from_str(BUILTIN)
        .map_err(|e| AppError::Internal(format!("the shipped framework does not parse: {e}")))?;
    let ident = |key: &str| derived_id(&[&a.namespace, key]).to_string();
    let uri = |kind: &str, id: &str| format!("{}/{kind}/{id}", a.base_uri);
    let t = &a.last_change;
    let doc_id = ident("document");
    let doc_uri = uri("CFDocuments", &doc_id);
    let obj = |v: Value| match v {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let type_ref = |name: &str| {
        let id = ident(&format!("type:{name}"));
        json!({"title": name, "identifier": id, "uri": uri("CFItemTypes", &id)})
    };
    let mut competencies = Vec::new();
    let mut associations = Vec::new();
    let mut codes = std::collections::HashMap::new();
    let mut link = |from: &Competency, kind: &str, to: NodeRef, seq: Option<i64>| {
        let id = ident(&format!(
            "assoc:{}:{kind}:{}",
            from.identifier, to.identifier
        ));
        associations.push(Association {
            uri: uri("CFAssociations", &id),
            identifier: id,
            association_type: kind.to_owned(),
            origin: NodeRef {
                identifier: from.identifier.clone(),
                uri: from.uri.clone(),
                title: from.code.clone().unwrap_or_default(),
            },
            destination: to,
            sequence_number: seq,
            last_change: t.clone(),
            extra: obj(
                json!({"CFDocumentURI": {"title": a.title, "identifier": doc_id, "uri": doc_uri}}),
            ),
        });
    };
    let item = |code: &str, statement: &str, kind: &str, abbreviated: Option<&str>| {
        let id = ident(&format!("item:{code}"));
        Competency {
            uri: uri("CFItems", &id),
            identifier: id,
            code: Some(code.to_owned()),
            statement: statement.to_owned(),
            abbreviated_statement: abbreviated.map(str::to_owned),
            kind: Some(kind.to_owned()),
            language: Some(a.language.clone()),
            last_change: t.clone(),
            extra: obj(json!({
                "CFItemTypeURI": type_ref(kind),
                "CFDocumentURI": {"title": a.title, "identifier": doc_id, "uri": doc_uri},
            })),
        }
    };
    for (d, domain) in a.domains.iter().enumerate() {
        let di = item(&domain.code, &domain.title, "Domain", Some(&domain.title));
        link(
            &di,
            "isChildOf",
            NodeRef {
                identifier: doc_id.clone(),
                uri: doc_uri.clone(),
                title: a.title.clone(),
            },
            Some(d as i64 + 1),
        );
        let parent = NodeRef {
            identifier: di.identifier.clone(),
            uri: di.uri.clone(),
            title: domain.code.clone(),
        };
        competencies.push(di);
        for (n, statement) in domain.competencies.iter().enumerate() {
            let code = format!("{}.{}", domain.code, n + 1);
            let ci = item(&code, statement, "Competency", None);
            link(&ci, "isChildOf", parent.clone(), Some(n as i64 + 1));
            codes.insert(code, competencies.len());
            competencies.push(ci);
        }
    }
    for (from, kind, to) in &a.related {
        let (Some(f), Some(d)) = (codes.get(from), codes.get(to)) else {
            return Err(AppError::Internal(format!(
                "the shipped framework relates unknown codes {from} and {to}"
            )));
        };
        let dest = &competencies[*d];
        let to = NodeRef {
            identifier: dest.identifier.clone(),
            uri: dest.uri.clone(),
            title: to.clone(),
        };
        link(&competencies[*f].clone(), kind, to, None);
    }
    let item_types = ["Domain", "Competency"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let id = ident(&format!("type:{name}"));
            Definition {
                kind: "CFItemTypes".into(),
                uri: uri("CFItemTypes", &id),
                title: (*name).to_owned(),
                body: obj(json!({
                    "identifier": id, "uri": uri("CFItemTypes", &id), "title": name,
                    "description": if i == 0 { "A group of related competencies" } else { "Something a person can know or do, at a level of the proficiency scale" },
                    "hierarchyCode": (i + 1).to_string(), "typeCode": name, "lastChangeDateTime": t,
                })),
                identifier: id,
            }
        })
        .collect();
    let rubric_id = ident("scale");
    let criterion_id = ident("scale:criterion");
    let mut levels = Vec::new();
    let mut level_json = Vec::new();
    for (n, l) in a.scale.levels.iter().enumerate() {
        let id = ident(&format!("scale:level:{}", n + 1));
        let u = uri("CFRubricCriterionLevels", &id);
        level_json.push(json!({
            "identifier": id, "uri": u, "quality": l.name, "description": l.descriptor,
            "score": n + 1, "position": n + 1, "rubricCriterionId": criterion_id, "lastChangeDateTime": t,
        }));
        levels.push(ProficiencyLevel {
            criterion_identifier: criterion_id.clone(),
            identifier: id,
            uri: u,
            name: Some(l.name.clone()),
            descriptor: Some(l.descriptor.clone()),
            score: Some((n as u64 + 1).into()),
            position: Some(n as i64 + 1),
        });
    }
    let scale = ProficiencyScale {
        uri: uri("CFRubrics", &rubric_id),
        title: Some(a.scale.title.clone()),
        description: Some(a.scale.description.clone()),
        levels,
        body: obj(json!({
            "identifier": rubric_id, "uri": uri("CFRubrics", &rubric_id), "title": a.scale.title,
            "description": a.scale.description, "lastChangeDateTime": t,
            "CFRubricCriteria": [{
                "identifier": criterion_id, "uri": uri("CFRubricCriteria", &criterion_id),
                "category": "Proficiency", "description": a.scale.criterion, "position": 1,
                "rubricId": rubric_id, "lastChangeDateTime": t,
                "CFRubricCriterionLevels": level_json,
            }],
        })),
        identifier: rubric_id,
    };
    let package = Package {
        framework: Framework {
            identifier: doc_id.clone(),
            uri: doc_uri.clone(),
            title: a.title.clone(),
            creator: a.creator.clone(),
            publisher: Some(a.publisher.clone()),
            description: Some(a.description.clone()),
            version: Some(a.version.clone()),
            language: Some(a.language.clone()),
            adoption_status: Some("Adopted".into()),
            last_change: t.clone(),
            extra: obj(json!({"caseVersion": "1.1", "frameworkType": "Workforce"})),
        },
        competencies,
        associations,
        definitions: item_types,
        scales: vec![scale],
    };
    let problems = package.validate();
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(AppError::Internal(format!(
            "the shipped framework is not valid: {}",
            list.join("; ")
        )));
    }
    Ok(package)
}
