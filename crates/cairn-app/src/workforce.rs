//! Workforce use cases: role profiles, workers' consent, competency profiles, gap analysis,
//! team heat maps, redeployment and expiring credentials.
//!
//! Consent (decision 0016): every view an employer sees reads its workers' credentials only
//! through the store's `visible_held_*` queries, which apply the one rule — credentials the
//! organization issued itself, or that the worker shared with it (one by one, or all at
//! once), not withdrawn. Pathways for gaps are planned against that same visible list, so
//! an employer never learns of a credential through a plan that skips it.

use std::collections::{BTreeMap, HashMap};

use cairn_core::authz::Action;
use cairn_core::workforce::{Requirement, RoleProfile};
use cairn_core::{AchievementAlignment, Organization, Principal};
use cairn_store::{Conn, RoleProfileRow, ShareRow, WorkerRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::role_templates::{ROLE_TEMPLATES, role_template};
use crate::{App, AppError, Result, audit_entry, now, require};

mod views;

/// The longest role profile description accepted, in characters.
pub const DESCRIPTION_MAX: usize = 4000;

pub use views::*;

/// One requirement of a role template, by framework code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateRequirement {
    pub code: String,
    /// The competency's statement in the shipped framework.
    pub statement: String,
    pub min_level: i32,
}

/// A shipped role template, as managers choose one to copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleTemplateView {
    pub key: String,
    pub name: String,
    pub description: String,
    pub requirements: Vec<TemplateRequirement>,
}

/// What a manager writes to create a role profile, or a new version of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRoleProfile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub requirements: Vec<Requirement>,
}

/// A requirement with what people read: the competency's code and statement, or the
/// achievement's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedRequirement {
    pub requirement: Requirement,
    /// The competency's code (e.g. `ICD.2`); none for achievements or uncoded competencies.
    pub code: Option<String>,
    /// The competency's statement, or the achievement's name.
    pub name: String,
    /// For a competency: the level needed.
    pub min_level: Option<i32>,
    /// One line: "ICD.2 Assign codes… (level 3)", or "Holds \"Coding Basics\"".
    pub label: String,
}

impl NamedRequirement {
    /// The requirement's competency or achievement id.
    pub fn target_id(&self) -> Uuid {
        match self.requirement {
            Requirement::Competency { competency_id, .. } => competency_id,
            Requirement::Achievement { achievement_id } => achievement_id,
        }
    }
}

/// The current version of a role profile, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleProfileSummary {
    pub id: Uuid,
    pub version: u32,
    pub name: String,
    pub description: String,
    /// The template it was copied from, if any.
    pub template: Option<String>,
    pub archived: bool,
    pub requirements: usize,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl RoleProfileSummary {
    /// A list of role profiles as a table, for CSV export.
    pub fn table(list: &[RoleProfileSummary]) -> crate::tabular::Table {
        let mut t = crate::tabular::Table::new([
            "id",
            "name",
            "version",
            "requirements",
            "template",
            "archived",
        ]);
        for r in list {
            t.push([
                r.id.to_string(),
                r.name.clone(),
                r.version.to_string(),
                r.requirements.to_string(),
                r.template.clone().unwrap_or_default(),
                r.archived.to_string(),
            ]);
        }
        t
    }
}

/// One version of a role profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleVersion {
    pub version: u32,
    pub name: String,
    pub description: String,
    pub requirements: Vec<NamedRequirement>,
    pub created_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A role profile with its requirements named and every version, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleProfileDetail {
    /// The current version.
    pub profile: RoleProfile,
    pub template: Option<String>,
    pub archived: bool,
    /// The current version's requirements, named.
    pub requirements: Vec<NamedRequirement>,
    pub versions: Vec<RoleVersion>,
}

/// Why an organization sees (or does not see) one of a worker's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The organization issued it: it sees it anyway.
    IssuedByOrg,
    /// Shared one by one.
    Shared,
    /// Covered by "share all with this organization".
    SharedAll,
    NotShared,
}

impl Visibility {
    pub fn is_visible(self) -> bool {
        !matches!(self, Visibility::NotShared)
    }
}

/// One of the worker's credentials as one organization may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialVisibility {
    pub credential_id: Uuid,
    pub name: String,
    pub issuer_org_id: Uuid,
    pub issuer_name: String,
    pub visibility: Visibility,
}

/// What one organization the worker belongs to may see now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgShares {
    pub org_id: Uuid,
    pub slug: String,
    pub name: String,
    /// Since when everything is shared; none when not shared all at once.
    #[serde(with = "time::serde::rfc3339::option")]
    pub all_shared_since: Option<OffsetDateTime>,
    pub credentials: Vec<CredentialVisibility>,
}

/// One recorded grant of consent, withdrawn or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareRecord {
    pub id: Uuid,
    pub org_id: Uuid,
    pub org_name: String,
    /// None: everything the worker holds.
    pub credential_id: Option<Uuid>,
    pub credential_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub granted_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// A worker's consent: the state per organization they belong to, and the whole record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MyShares {
    pub orgs: Vec<OrgShares>,
    /// Newest first.
    pub history: Vec<ShareRecord>,
}

/// A worker as the views name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerRef {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: Option<String>,
    pub job_title: Option<String>,
}

impl From<WorkerRow> for WorkerRef {
    fn from(w: WorkerRow) -> Self {
        WorkerRef {
            user_id: w.user_id,
            display_name: w.display_name,
            email: w.email,
            job_title: w.job_title,
        }
    }
}

fn role_of_row(row: &RoleProfileRow) -> Result<RoleProfile> {
    let requirements: Vec<Requirement> = serde_json::from_str(&row.requirements)
        .map_err(|e| AppError::Internal(format!("stored role profile requirements: {e}")))?;
    Ok(RoleProfile {
        id: row.id,
        org_id: row.org_id,
        name: row.name.clone(),
        description: row.description.clone(),
        version: u32::try_from(row.version).unwrap_or(1),
        requirements,
    })
}

/// Parse the stored alignments of every achievement that names competencies.
pub fn parse_alignments(
    rows: Vec<(Uuid, String)>,
) -> Result<HashMap<Uuid, Vec<AchievementAlignment>>> {
    rows.into_iter()
        .map(|(id, json)| {
            serde_json::from_str(&json)
                .map(|a| (id, a))
                .map_err(|e| AppError::Internal(format!("stored alignments of {id}: {e}")))
        })
        .collect()
}

/// Names of competencies, achievements and organizations, looked up once each.
#[derive(Default)]
pub(crate) struct Names {
    competencies: HashMap<Uuid, Option<(Option<String>, String)>>,
    achievements: HashMap<Uuid, Option<String>>,
    orgs: HashMap<Uuid, Option<String>>,
}

impl Names {
    pub(crate) async fn competency(
        &mut self,
        c: &mut Conn<'_>,
        id: Uuid,
    ) -> Result<Option<(Option<String>, String)>> {
        if let Some(v) = self.competencies.get(&id) {
            return Ok(v.clone());
        }
        let v = c.competency_by_id(id).await?.map(|r| (r.code, r.statement));
        self.competencies.insert(id, v.clone());
        Ok(v)
    }

    pub(crate) async fn achievement(&mut self, c: &mut Conn<'_>, id: Uuid) -> Result<String> {
        if let Some(v) = self.achievements.get(&id) {
            return Ok(v.clone().unwrap_or_else(|| id.to_string()));
        }
        let v = c.achievement(id).await?.map(|a| a.name);
        self.achievements.insert(id, v.clone());
        Ok(v.unwrap_or_else(|| id.to_string()))
    }

    pub(crate) async fn org(&mut self, c: &mut Conn<'_>, id: Uuid) -> Result<String> {
        if let Some(v) = self.orgs.get(&id) {
            return Ok(v.clone().unwrap_or_else(|| id.to_string()));
        }
        let v = c.org_by_id(id).await?.map(|o| o.name);
        self.orgs.insert(id, v.clone());
        Ok(v.unwrap_or_else(|| id.to_string()))
    }

    /// The requirement with names; an id no longer known keeps its id as its name.
    pub(crate) async fn requirement(
        &mut self,
        c: &mut Conn<'_>,
        r: &Requirement,
    ) -> Result<NamedRequirement> {
        Ok(match r {
            Requirement::Competency {
                competency_id,
                min_level,
            } => {
                let (code, name) = self
                    .competency(c, *competency_id)
                    .await?
                    .unwrap_or_else(|| (None, competency_id.to_string()));
                let label = match &code {
                    Some(code) => format!("{code} {name} (level {min_level})"),
                    None => format!("{name} (level {min_level})"),
                };
                NamedRequirement {
                    requirement: r.clone(),
                    code,
                    name,
                    min_level: Some(*min_level),
                    label,
                }
            }
            Requirement::Achievement { achievement_id } => {
                let name = self.achievement(c, *achievement_id).await?;
                NamedRequirement {
                    requirement: r.clone(),
                    code: None,
                    label: format!("Holds \"{name}\""),
                    name,
                    min_level: None,
                }
            }
        })
    }

    pub(crate) async fn requirements(
        &mut self,
        c: &mut Conn<'_>,
        rs: &[Requirement],
    ) -> Result<Vec<NamedRequirement>> {
        let mut out = Vec::with_capacity(rs.len());
        for r in rs {
            out.push(self.requirement(c, r).await?);
        }
        Ok(out)
    }

    /// A short name for ranking reasons: the code when there is one.
    pub(crate) fn short(&self, id: Uuid) -> Option<String> {
        if let Some(Some((code, statement))) = self.competencies.get(&id) {
            return Some(code.clone().unwrap_or_else(|| statement.clone()));
        }
        self.achievements.get(&id).cloned().flatten()
    }
}

impl App {
    /// The organization, with the permission to do `action` in it checked.
    pub(crate) async fn workforce_org(
        &self,
        by: &Principal,
        slug: &str,
        action: Action,
    ) -> Result<Organization> {
        let org = self.org_unchecked(slug).await?;
        require(by, action, Some(org.id))?;
        Ok(org)
    }

    /// The seven shipped role templates, their requirements by code and statement in the
    /// shipped framework. Static reference data: anyone may read it.
    pub fn role_templates(&self) -> Result<Vec<RoleTemplateView>> {
        let package = crate::frameworks::builtin_package()?;
        let statements: HashMap<&str, &str> = package
            .competencies
            .iter()
            .filter_map(|c| c.code.as_deref().map(|code| (code, c.statement.as_str())))
            .collect();
        Ok(ROLE_TEMPLATES
            .iter()
            .map(|t| RoleTemplateView {
                key: t.key.to_owned(),
                name: t.name.to_owned(),
                description: t.description.to_owned(),
                requirements: t
                    .requirements
                    .iter()
                    .map(|(code, level)| TemplateRequirement {
                        code: (*code).to_owned(),
                        statement: statements.get(code).copied().unwrap_or_default().to_owned(),
                        min_level: *level,
                    })
                    .collect(),
            })
            .collect())
    }

    /// Copy a shipped template into the organization as a new role profile (version 1),
    /// its codes resolved against the shipped framework as installed: the copy this
    /// organization owns, else the installation's, else any organization's.
    pub async fn copy_role_template(
        &self,
        by: &Principal,
        slug: &str,
        key: &str,
    ) -> Result<RoleProfileDetail> {
        let org = self
            .workforce_org(by, slug, Action::RoleProfileManage)
            .await?;
        let template = role_template(key).ok_or_else(|| {
            AppError::NotFound(format!(
                "role template '{key}' (the templates are: {})",
                ROLE_TEMPLATES
                    .iter()
                    .map(|t| t.key)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        let identifier = crate::frameworks::builtin_package()?.framework.identifier;
        let mut tx = self.store.begin().await?;
        let installed: Vec<_> = tx
            .conn()
            .list_frameworks()
            .await?
            .into_iter()
            .filter(|f| f.identifier == identifier)
            .collect();
        let framework = installed
            .iter()
            .find(|f| f.org_id == Some(org.id))
            .or_else(|| installed.iter().find(|f| f.org_id.is_none()))
            .or_else(|| installed.first())
            .ok_or_else(|| {
                AppError::Conflict(
                    "the shipped Healthcare Workforce Versatility Framework is not installed, so the template's competencies cannot be found; import the shipped framework first (an administrator can, from the frameworks page or with `cairn framework import --builtin --org <slug>`)".into(),
                )
            })?;
        let mut requirements = Vec::with_capacity(template.requirements.len());
        for (code, level) in template.requirements {
            let c = tx
                .conn()
                .competency_by_code(framework.id, code)
                .await?
                .ok_or_else(|| {
                    AppError::Conflict(format!(
                        "the installed framework \"{}\" has no competency {code}; re-import the shipped framework",
                        framework.title
                    ))
                })?;
            requirements.push(Requirement::Competency {
                competency_id: c.id,
                min_level: *level,
            });
        }
        let new = NewRoleProfile {
            name: template.name.to_owned(),
            description: template.description.to_owned(),
            requirements,
        };
        let id = Uuid::now_v7();
        self.write_role_version(
            &mut tx.conn(),
            by,
            &org,
            id,
            1,
            new,
            Some(key.to_owned()),
            "role_profile.create",
        )
        .await?;
        tx.commit().await?;
        self.role_profile(by, slug, id).await
    }

    /// A new role profile, version 1. Every competency and achievement named must exist.
    pub async fn create_role_profile(
        &self,
        by: &Principal,
        slug: &str,
        new: NewRoleProfile,
    ) -> Result<RoleProfileDetail> {
        let org = self
            .workforce_org(by, slug, Action::RoleProfileManage)
            .await?;
        let id = Uuid::now_v7();
        let mut tx = self.store.begin().await?;
        self.write_role_version(
            &mut tx.conn(),
            by,
            &org,
            id,
            1,
            new,
            None,
            "role_profile.create",
        )
        .await?;
        tx.commit().await?;
        self.role_profile(by, slug, id).await
    }

    /// A new version of a role profile; earlier versions are kept.
    pub async fn update_role_profile(
        &self,
        by: &Principal,
        slug: &str,
        id: Uuid,
        new: NewRoleProfile,
    ) -> Result<RoleProfileDetail> {
        let org = self
            .workforce_org(by, slug, Action::RoleProfileManage)
            .await?;
        let mut tx = self.store.begin().await?;
        let current = tx
            .conn()
            .role_profile(org.id, id)
            .await?
            .ok_or_else(|| AppError::NotFound("role profile".into()))?;
        if current.archived {
            return Err(AppError::Conflict(format!(
                "the role profile \"{}\" is archived; restore it before changing it",
                current.name
            )));
        }
        let version = u32::try_from(current.version)
            .unwrap_or(1)
            .saturating_add(1);
        self.write_role_version(
            &mut tx.conn(),
            by,
            &org,
            id,
            version,
            new,
            current.template,
            "role_profile.update",
        )
        .await?;
        tx.commit().await?;
        self.role_profile(by, slug, id).await
    }

    /// Archive a role profile (every version): it leaves the lists but stays on record.
    pub async fn archive_role_profile(&self, by: &Principal, slug: &str, id: Uuid) -> Result<()> {
        let org = self
            .workforce_org(by, slug, Action::RoleProfileManage)
            .await?;
        let mut tx = self.store.begin().await?;
        if !tx
            .conn()
            .set_role_profile_archived(org.id, id, true)
            .await?
        {
            return Err(AppError::NotFound("role profile".into()));
        }
        let entry = audit_entry(
            by,
            Some(org.id),
            "role_profile.archive",
            format!("role_profile:{id}"),
            json!({}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_role_version(
        &self,
        c: &mut Conn<'_>,
        by: &Principal,
        org: &Organization,
        id: Uuid,
        version: u32,
        new: NewRoleProfile,
        template: Option<String>,
        action: &str,
    ) -> Result<()> {
        let role = RoleProfile {
            id,
            org_id: org.id,
            name: new.name.trim().to_owned(),
            description: new.description.trim().to_owned(),
            version,
            requirements: new.requirements,
        };
        role.validate()?;
        if role.description.chars().count() > DESCRIPTION_MAX {
            return Err(cairn_core::validate::Invalid::new(
                "description",
                format!(
                    "is {} characters long; keep it to {DESCRIPTION_MAX} (what the job is, in a paragraph or two)",
                    role.description.chars().count()
                ),
            )
            .into());
        }
        for (i, r) in role.requirements.iter().enumerate() {
            let n = i + 1;
            match r {
                Requirement::Competency { competency_id, .. } => {
                    if c.competency_by_id(*competency_id).await?.is_none() {
                        return Err(cairn_core::validate::Invalid::new(
                            "requirements",
                            format!(
                                "requirement {n} names competency {competency_id}, which no installed framework has; pick one from a framework"
                            ),
                        )
                        .into());
                    }
                }
                Requirement::Achievement { achievement_id } => {
                    if c.achievement(*achievement_id).await?.is_none() {
                        return Err(cairn_core::validate::Invalid::new(
                            "requirements",
                            format!(
                                "requirement {n} names achievement {achievement_id}, which does not exist; pick one an issuer defined"
                            ),
                        )
                        .into());
                    }
                }
            }
        }
        let at = now();
        let requirements = serde_json::to_string(&role.requirements)
            .map_err(|e| AppError::Internal(format!("role profile requirements: {e}")))?;
        c.insert_role_profile(&RoleProfileRow {
            id,
            version: i32::try_from(version).unwrap_or(i32::MAX),
            org_id: org.id,
            name: role.name.clone(),
            description: role.description.clone(),
            requirements,
            template: template.clone(),
            archived: false,
            created_by: by.user_id(),
            created_at: at,
        })
        .await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            action,
            format!("role_profile:{id}"),
            json!({
                "name": role.name,
                "version": version,
                "requirements": role.requirements.len(),
                "template": template,
            }),
        );
        c.append_audit(&entry, at).await?;
        Ok(())
    }

    /// The organization's role profiles (current versions), by name; archived ones only
    /// when asked for.
    pub async fn role_profiles(
        &self,
        by: &Principal,
        slug: &str,
        include_archived: bool,
    ) -> Result<Vec<RoleProfileSummary>> {
        let org = self.workforce_org(by, slug, Action::WorkforceView).await?;
        let mut r = self.store.reader().await?;
        let rows = r
            .conn()
            .role_profiles_of_org(org.id, include_archived)
            .await?;
        rows.iter()
            .map(|row| {
                let role = role_of_row(row)?;
                Ok(RoleProfileSummary {
                    id: row.id,
                    version: role.version,
                    name: role.name,
                    description: role.description,
                    template: row.template.clone(),
                    archived: row.archived,
                    requirements: role.requirements.len(),
                    updated_at: row.created_at,
                })
            })
            .collect()
    }

    /// A role profile: its current version with named requirements, and every version.
    pub async fn role_profile(
        &self,
        by: &Principal,
        slug: &str,
        id: Uuid,
    ) -> Result<RoleProfileDetail> {
        let org = self.workforce_org(by, slug, Action::WorkforceView).await?;
        let mut r = self.store.reader().await?;
        let rows = r.conn().role_profile_versions(org.id, id).await?;
        let current = rows
            .first()
            .ok_or_else(|| AppError::NotFound("role profile".into()))?;
        let mut names = Names::default();
        let profile = role_of_row(current)?;
        let requirements = names
            .requirements(&mut r.conn(), &profile.requirements)
            .await?;
        let mut versions = Vec::with_capacity(rows.len());
        for row in &rows {
            let v = role_of_row(row)?;
            versions.push(RoleVersion {
                version: v.version,
                requirements: names.requirements(&mut r.conn(), &v.requirements).await?,
                name: v.name,
                description: v.description,
                created_by: row.created_by,
                created_at: row.created_at,
            });
        }
        Ok(RoleProfileDetail {
            template: current.template.clone(),
            archived: current.archived,
            profile,
            requirements,
            versions,
        })
    }

    /// The current version of a role profile of `org`, parsed.
    pub(crate) async fn current_role(
        &self,
        c: &mut Conn<'_>,
        org: Uuid,
        id: Uuid,
    ) -> Result<RoleProfile> {
        let row = c
            .role_profile(org, id)
            .await?
            .ok_or_else(|| AppError::NotFound("role profile".into()))?;
        role_of_row(&row)
    }

    /// The current version of every role profile of the organization that is not archived.
    pub async fn current_roles(&self, by: &Principal, slug: &str) -> Result<Vec<RoleProfile>> {
        let org = self.workforce_org(by, slug, Action::WorkforceView).await?;
        let mut r = self.store.reader().await?;
        r.conn()
            .role_profiles_of_org(org.id, false)
            .await?
            .iter()
            .map(role_of_row)
            .collect()
    }

    // --- Consent -------------------------------------------------------------------------

    /// The signed-in worker and an organization they belong to.
    async fn consenting_member(
        &self,
        c: &mut Conn<'_>,
        by: &Principal,
        org_slug: &str,
    ) -> Result<(Uuid, Organization)> {
        let user = by.user_id().ok_or_else(|| {
            AppError::Unauthenticated(
                "only a signed-in person can share their own credentials; API tokens cannot".into(),
            )
        })?;
        let org = c
            .org_by_slug(org_slug)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("organization '{org_slug}'")))?;
        let member = c
            .memberships_of_user(user)
            .await?
            .iter()
            .any(|m| m.org_id == org.id);
        if !member {
            return Err(AppError::Conflict(format!(
                "you are not a member of {}; you can share credentials only with organizations you belong to",
                org.name
            )));
        }
        Ok((user, org))
    }

    /// One of the worker's own credentials; someone else's is "not found".
    async fn own_credential(
        &self,
        c: &mut Conn<'_>,
        user: Uuid,
        credential_id: Uuid,
    ) -> Result<cairn_core::CredentialRecord> {
        c.credential(credential_id)
            .await?
            .filter(|cr| cr.recipient_user == Some(user))
            .ok_or_else(|| AppError::NotFound("credential (among yours)".into()))
    }

    async fn grant(
        &self,
        by: &Principal,
        org_slug: &str,
        credential_id: Option<Uuid>,
    ) -> Result<ShareRecord> {
        let mut tx = self.store.begin().await?;
        let (user, org) = self.consenting_member(&mut tx.conn(), by, org_slug).await?;
        let credential_name = match credential_id {
            Some(id) => Some(self.own_credential(&mut tx.conn(), user, id).await?.name),
            None => None,
        };
        let already = tx.conn().shares_of_user(user).await?.into_iter().any(|s| {
            s.org_id == org.id && s.credential_id == credential_id && s.revoked_at.is_none()
        });
        if already {
            return Err(AppError::Conflict(match &credential_name {
                Some(n) => format!("\"{n}\" is already shared with {}", org.name),
                None => format!("everything you hold is already shared with {}", org.name),
            }));
        }
        let at = now();
        let row = ShareRow {
            id: Uuid::now_v7(),
            user_id: user,
            org_id: org.id,
            credential_id,
            granted_at: at,
            revoked_at: None,
        };
        tx.conn().insert_share(&row).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "consent.grant",
            format!("user:{user}"),
            json!({ "credential_id": credential_id, "all": credential_id.is_none() }),
        );
        tx.conn().append_audit(&entry, at).await?;
        tx.commit().await?;
        Ok(ShareRecord {
            id: row.id,
            org_id: org.id,
            org_name: org.name,
            credential_id,
            credential_name,
            granted_at: at,
            revoked_at: None,
        })
    }

    async fn withdraw(
        &self,
        by: &Principal,
        org_slug: &str,
        credential_id: Option<Uuid>,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let user = by.user_id().ok_or_else(|| {
            AppError::Unauthenticated(
                "only a signed-in person can withdraw their own consent; API tokens cannot".into(),
            )
        })?;
        // Withdrawing needs no membership: a worker who left may still withdraw.
        let org = tx
            .conn()
            .org_by_slug(org_slug)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("organization '{org_slug}'")))?;
        if let Some(id) = credential_id {
            self.own_credential(&mut tx.conn(), user, id).await?;
        }
        let at = now();
        if !tx
            .conn()
            .revoke_share(user, org.id, credential_id, at)
            .await?
        {
            return Err(AppError::NotFound(match credential_id {
                Some(_) => format!("a share of this credential with {}", org.name),
                None => format!(
                    "a share of everything with {} (credentials shared one by one are withdrawn one by one)",
                    org.name
                ),
            }));
        }
        let entry = audit_entry(
            by,
            Some(org.id),
            "consent.revoke",
            format!("user:{user}"),
            json!({ "credential_id": credential_id, "all": credential_id.is_none() }),
        );
        tx.conn().append_audit(&entry, at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Let an organization the worker belongs to see one of their credentials.
    pub async fn share_credential(
        &self,
        by: &Principal,
        credential_id: Uuid,
        org_slug: &str,
    ) -> Result<ShareRecord> {
        self.grant(by, org_slug, Some(credential_id)).await
    }

    /// Withdraw the share of one credential; it takes effect at once in every view.
    pub async fn unshare_credential(
        &self,
        by: &Principal,
        credential_id: Uuid,
        org_slug: &str,
    ) -> Result<()> {
        self.withdraw(by, org_slug, Some(credential_id)).await
    }

    /// Let an organization the worker belongs to see everything they hold, now and later.
    pub async fn share_all(&self, by: &Principal, org_slug: &str) -> Result<ShareRecord> {
        self.grant(by, org_slug, None).await
    }

    /// Withdraw "share everything"; credentials shared one by one stay shared.
    pub async fn unshare_all(&self, by: &Principal, org_slug: &str) -> Result<()> {
        self.withdraw(by, org_slug, None).await
    }

    /// The worker's consent: per organization they belong to, what it sees and why; and
    /// every grant ever made, withdrawn ones included.
    pub async fn my_shares(&self, by: &Principal) -> Result<MyShares> {
        let Some(user) = by.user_id() else {
            return Ok(MyShares {
                orgs: Vec::new(),
                history: Vec::new(),
            });
        };
        let mut r = self.store.reader().await?;
        let shares = r.conn().shares_of_user(user).await?;
        let creds: Vec<_> = r
            .conn()
            .credentials_of_user(user)
            .await?
            .into_iter()
            .filter(|c| c.state != cairn_core::CredentialState::Revoked)
            .collect();
        let mut names = Names::default();
        let cred_names: BTreeMap<Uuid, String> =
            creds.iter().map(|c| (c.id, c.name.clone())).collect();
        let mut orgs = Vec::new();
        for org in r.conn().orgs_of_user(user).await? {
            let active: Vec<&ShareRow> = shares
                .iter()
                .filter(|s| s.org_id == org.id && s.revoked_at.is_none())
                .collect();
            let all_shared_since = active
                .iter()
                .find(|s| s.credential_id.is_none())
                .map(|s| s.granted_at);
            let mut credentials = Vec::with_capacity(creds.len());
            for c in &creds {
                let visibility = if c.org_id == org.id {
                    Visibility::IssuedByOrg
                } else if active.iter().any(|s| s.credential_id == Some(c.id)) {
                    Visibility::Shared
                } else if all_shared_since.is_some() {
                    Visibility::SharedAll
                } else {
                    Visibility::NotShared
                };
                credentials.push(CredentialVisibility {
                    credential_id: c.id,
                    name: c.name.clone(),
                    issuer_org_id: c.org_id,
                    issuer_name: names.org(&mut r.conn(), c.org_id).await?,
                    visibility,
                });
            }
            orgs.push(OrgShares {
                org_id: org.id,
                slug: org.slug,
                name: org.name,
                all_shared_since,
                credentials,
            });
        }
        let mut history = Vec::with_capacity(shares.len());
        for s in shares {
            history.push(ShareRecord {
                id: s.id,
                org_id: s.org_id,
                org_name: names.org(&mut r.conn(), s.org_id).await?,
                credential_id: s.credential_id,
                credential_name: s.credential_id.and_then(|id| cred_names.get(&id).cloned()),
                granted_at: s.granted_at,
                revoked_at: s.revoked_at,
            });
        }
        Ok(MyShares { orgs, history })
    }
}
