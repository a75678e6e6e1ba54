//! Workforce under `/api/v1`: role profiles (templates, versions), a worker's consent, and
//! what an employer sees under it — competency profiles, gaps with pathways, team heat
//! maps, redeployment candidates, expiring credentials. List views answer CSV with
//! `?format=csv`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_app::tabular::Table;
use cairn_app::workforce::{
    Candidate, CredentialVisibility, ExpiringCredential, GapMatrix, GapPathway, HeatMapRow,
    MyShares, NamedAchievement, NamedCompetency, NamedProof, NamedRequirement, NewRoleProfile,
    OrgShares, RequirementGapView, RoleCoverageCounts, RoleProfileDetail, RoleProfileSummary,
    RoleTemplateView, RoleVersion, ShareRecord, Visibility, WorkerRef,
};
use cairn_core::pathway::Plan;
use cairn_core::validate::Invalid;
use cairn_core::workforce::{
    CompetencyProfile, Coverage, CoverageRow, Requirement, RequirementStatus, RoleGap, RoleProfile,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, ApiJson, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(role_templates))
        .routes(routes!(list_roles, create_role))
        .routes(routes!(get_role, update_role, archive_role))
        .routes(routes!(copy_template))
        .routes(routes!(heat_map))
        .routes(routes!(candidates))
        .routes(routes!(worker_profile))
        .routes(routes!(worker_gap))
        .routes(routes!(expiring))
        .routes(routes!(gap_analysis))
        .routes(routes!(my_shares))
        .routes(routes!(share_all, unshare_all))
        .routes(routes!(share_credential, unshare_credential))
}

// --- Output types ---------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct TemplateRequirementOut {
    /// The competency's code in the shipped framework, e.g. `ICD.2`.
    pub code: String,
    pub statement: String,
    pub min_level: i32,
}

/// A shipped role template.
#[derive(Serialize, ToSchema)]
pub struct RoleTemplateOut {
    /// Copy it with `POST /api/v1/orgs/{slug}/roles/from-template/{key}`.
    pub key: String,
    pub name: String,
    pub description: String,
    pub requirements: Vec<TemplateRequirementOut>,
}

impl From<RoleTemplateView> for RoleTemplateOut {
    fn from(t: RoleTemplateView) -> Self {
        RoleTemplateOut {
            key: t.key,
            name: t.name,
            description: t.description,
            requirements: t
                .requirements
                .into_iter()
                .map(|r| TemplateRequirementOut {
                    code: r.code,
                    statement: r.statement,
                    min_level: r.min_level,
                })
                .collect(),
        }
    }
}

/// A requirement with the names people read.
#[derive(Serialize, ToSchema)]
pub struct NamedRequirementOut {
    pub requirement: Requirement,
    /// The competency's code; null for achievements.
    pub code: Option<String>,
    /// The competency's statement or the achievement's name.
    pub name: String,
    pub min_level: Option<i32>,
    /// One line, e.g. "ICD.2 Assign codes… (level 3)".
    pub label: String,
}

impl From<NamedRequirement> for NamedRequirementOut {
    fn from(r: NamedRequirement) -> Self {
        NamedRequirementOut {
            requirement: r.requirement,
            code: r.code,
            name: r.name,
            min_level: r.min_level,
            label: r.label,
        }
    }
}

fn named(rs: Vec<NamedRequirement>) -> Vec<NamedRequirementOut> {
    rs.into_iter().map(Into::into).collect()
}

/// The current version of a role profile.
#[derive(Serialize, ToSchema)]
pub struct RoleSummaryOut {
    pub id: Uuid,
    pub version: u32,
    pub name: String,
    pub description: String,
    /// The template it was copied from.
    pub template: Option<String>,
    pub archived: bool,
    pub requirements: usize,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<RoleProfileSummary> for RoleSummaryOut {
    fn from(r: RoleProfileSummary) -> Self {
        RoleSummaryOut {
            id: r.id,
            version: r.version,
            name: r.name,
            description: r.description,
            template: r.template,
            archived: r.archived,
            requirements: r.requirements,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RoleVersionOut {
    pub version: u32,
    pub name: String,
    pub description: String,
    pub requirements: Vec<NamedRequirementOut>,
    pub created_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl From<RoleVersion> for RoleVersionOut {
    fn from(v: RoleVersion) -> Self {
        RoleVersionOut {
            version: v.version,
            name: v.name,
            description: v.description,
            requirements: named(v.requirements),
            created_by: v.created_by,
            created_at: v.created_at,
        }
    }
}

/// A role profile: the current version with named requirements, and every version.
#[derive(Serialize, ToSchema)]
pub struct RoleDetailOut {
    pub profile: RoleProfile,
    pub template: Option<String>,
    pub archived: bool,
    pub requirements: Vec<NamedRequirementOut>,
    /// Newest first.
    pub versions: Vec<RoleVersionOut>,
}

impl From<RoleProfileDetail> for RoleDetailOut {
    fn from(d: RoleProfileDetail) -> Self {
        RoleDetailOut {
            profile: d.profile,
            template: d.template,
            archived: d.archived,
            requirements: named(d.requirements),
            versions: d.versions.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WorkerOut {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: Option<String>,
    pub job_title: Option<String>,
}

impl From<WorkerRef> for WorkerOut {
    fn from(w: WorkerRef) -> Self {
        WorkerOut {
            user_id: w.user_id,
            display_name: w.display_name,
            email: w.email,
            job_title: w.job_title,
        }
    }
}

/// A credential proving something.
#[derive(Serialize, ToSchema)]
pub struct ProofOut {
    /// For a competency: the level this credential proves.
    pub level: Option<i32>,
    pub credential_id: Uuid,
    pub achievement_id: Uuid,
    pub achievement_name: String,
    pub issuer_org_id: Uuid,
    pub issuer_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_until: Option<OffsetDateTime>,
}

impl From<NamedProof> for ProofOut {
    fn from(p: NamedProof) -> Self {
        ProofOut {
            level: p.level,
            credential_id: p.credential_id,
            achievement_id: p.achievement_id,
            achievement_name: p.achievement_name,
            issuer_org_id: p.issuer_org_id,
            issuer_name: p.issuer_name,
            issued_at: p.issued_at,
            valid_until: p.valid_until,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HeldCompetencyOut {
    pub competency_id: Uuid,
    pub code: Option<String>,
    pub statement: String,
    /// The highest level proved.
    pub level: i32,
    /// Best first.
    pub proofs: Vec<ProofOut>,
}

impl From<NamedCompetency> for HeldCompetencyOut {
    fn from(c: NamedCompetency) -> Self {
        HeldCompetencyOut {
            competency_id: c.competency_id,
            code: c.code,
            statement: c.statement,
            level: c.level,
            proofs: c.proofs.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HeldAchievementOut {
    pub achievement_id: Uuid,
    pub name: String,
    pub proofs: Vec<ProofOut>,
}

impl From<NamedAchievement> for HeldAchievementOut {
    fn from(a: NamedAchievement) -> Self {
        HeldAchievementOut {
            achievement_id: a.achievement_id,
            name: a.name,
            proofs: a.proofs.into_iter().map(Into::into).collect(),
        }
    }
}

/// A worker's competency profile from the credentials the organization may see.
#[derive(Serialize, ToSchema)]
pub struct WorkerProfileOut {
    pub worker: WorkerOut,
    pub competencies: Vec<HeldCompetencyOut>,
    pub achievements: Vec<HeldAchievementOut>,
    pub profile: CompetencyProfile,
}

#[derive(Serialize, ToSchema)]
pub struct GapPathwayOut {
    /// The achievement to earn.
    pub achievement_id: Uuid,
    pub achievement_name: String,
    pub minutes: u32,
    pub plan: Plan,
}

impl From<GapPathway> for GapPathwayOut {
    fn from(p: GapPathway) -> Self {
        GapPathwayOut {
            achievement_id: p.achievement_id,
            achievement_name: p.achievement_name,
            minutes: p.minutes,
            plan: p.plan,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RequirementGapOut {
    pub requirement: NamedRequirementOut,
    pub status: RequirementStatus,
    /// For a requirement not met: the quickest pathway found.
    pub pathway: Option<GapPathwayOut>,
    /// For a requirement not met without a pathway: why.
    pub no_pathway: Option<String>,
}

impl From<RequirementGapView> for RequirementGapOut {
    fn from(r: RequirementGapView) -> Self {
        RequirementGapOut {
            requirement: r.requirement.into(),
            status: r.status,
            pathway: r.pathway.map(Into::into),
            no_pathway: r.no_pathway,
        }
    }
}

/// A worker against a role.
#[derive(Serialize, ToSchema)]
pub struct WorkerGapOut {
    pub worker: WorkerOut,
    pub role: RoleProfile,
    pub coverage: Coverage,
    pub requirements: Vec<RequirementGapOut>,
    /// Learning closing every gap, shared modules counted once; 0 when ready; null when
    /// some gap has no pathway.
    pub minutes_to_ready: Option<u32>,
    pub gap: RoleGap,
}

#[derive(Serialize, ToSchema)]
pub struct HeatMapTeamOut {
    pub id: Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct HeatMapRowOut {
    pub requirement: NamedRequirementOut,
    /// Expiring soon counts as met.
    pub met: u32,
    pub partly_met: u32,
    pub missing: u32,
}

impl From<HeatMapRow> for HeatMapRowOut {
    fn from(r: HeatMapRow) -> Self {
        HeatMapRowOut {
            requirement: r.requirement.into(),
            met: r.met,
            partly_met: r.partly_met,
            missing: r.missing,
        }
    }
}

/// How a team (null: the whole organization) covers a role.
#[derive(Serialize, ToSchema)]
pub struct HeatMapOut {
    pub role: RoleProfile,
    pub team: Option<HeatMapTeamOut>,
    pub workers: u32,
    pub rows: Vec<HeatMapRowOut>,
}

#[derive(Serialize, ToSchema)]
pub struct CandidateOut {
    /// From 1.
    pub rank: u32,
    pub worker: WorkerOut,
    pub coverage: Coverage,
    pub minutes_to_ready: Option<u32>,
    pub reasons: Vec<String>,
    pub summary: String,
    pub gap: RoleGap,
}

impl From<Candidate> for CandidateOut {
    fn from(c: Candidate) -> Self {
        CandidateOut {
            rank: c.rank,
            worker: c.worker.into(),
            coverage: c.coverage,
            minutes_to_ready: c.minutes_to_ready,
            reasons: c.reasons,
            summary: c.summary,
            gap: c.gap,
        }
    }
}

/// Workers ranked for a role: coverage, then time to ready.
#[derive(Serialize, ToSchema)]
pub struct CandidatesOut {
    pub role: RoleProfile,
    pub candidates: Vec<CandidateOut>,
    /// Workers with a credential the organization may see: the ones ranked.
    pub consenting: u32,
    /// Workers with none: not ranked.
    pub not_consenting: u32,
}

#[derive(Serialize, ToSchema)]
pub struct ExpiringOut {
    pub worker: WorkerOut,
    pub credential_id: Uuid,
    pub achievement_id: Uuid,
    pub achievement_name: String,
    pub issuer_org_id: Uuid,
    pub issuer_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub valid_until: OffsetDateTime,
    pub days_left: i64,
}

impl From<ExpiringCredential> for ExpiringOut {
    fn from(e: ExpiringCredential) -> Self {
        ExpiringOut {
            worker: e.worker.into(),
            credential_id: e.credential_id,
            achievement_id: e.achievement_id,
            achievement_name: e.achievement_name,
            issuer_org_id: e.issuer_org_id,
            issuer_name: e.issuer_name,
            valid_until: e.valid_until,
            days_left: e.days_left,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExpiringListOut {
    pub within_days: u32,
    /// Soonest first.
    pub credentials: Vec<ExpiringOut>,
}

#[derive(Serialize, ToSchema)]
pub struct RoleCoverageOut {
    pub role_id: Uuid,
    pub role_version: u32,
    pub name: String,
    pub ready: u32,
    /// `by_met[k]`: workers meeting exactly k requirements.
    pub by_met: Vec<u32>,
    pub rows: Vec<CoverageRow>,
}

impl From<RoleCoverageCounts> for RoleCoverageOut {
    fn from(r: RoleCoverageCounts) -> Self {
        RoleCoverageOut {
            role_id: r.role_id,
            role_version: r.role_version,
            name: r.name,
            ready: r.ready,
            by_met: r.by_met,
            rows: r.rows,
        }
    }
}

/// Every worker × every role profile of the organization.
#[derive(Serialize, ToSchema)]
pub struct GapAnalysisOut {
    pub workers: u32,
    pub consenting: u32,
    pub roles: Vec<RoleCoverageOut>,
}

impl From<GapMatrix> for GapAnalysisOut {
    fn from(m: GapMatrix) -> Self {
        GapAnalysisOut {
            workers: m.workers,
            consenting: m.consenting,
            roles: m.roles.into_iter().map(Into::into).collect(),
        }
    }
}

/// Why an organization sees one of the worker's credentials, or does not.
#[derive(Serialize, ToSchema, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum VisibilityOut {
    /// It issued the credential: it sees it anyway.
    IssuedByOrg,
    Shared,
    /// Covered by "share everything with this organization".
    SharedAll,
    NotShared,
}

impl From<Visibility> for VisibilityOut {
    fn from(v: Visibility) -> Self {
        match v {
            Visibility::IssuedByOrg => VisibilityOut::IssuedByOrg,
            Visibility::Shared => VisibilityOut::Shared,
            Visibility::SharedAll => VisibilityOut::SharedAll,
            Visibility::NotShared => VisibilityOut::NotShared,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CredentialVisibilityOut {
    pub credential_id: Uuid,
    pub name: String,
    pub issuer_org_id: Uuid,
    pub issuer_name: String,
    pub visibility: VisibilityOut,
}

impl From<CredentialVisibility> for CredentialVisibilityOut {
    fn from(c: CredentialVisibility) -> Self {
        CredentialVisibilityOut {
            credential_id: c.credential_id,
            name: c.name,
            issuer_org_id: c.issuer_org_id,
            issuer_name: c.issuer_name,
            visibility: c.visibility.into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrgSharesOut {
    pub org_id: Uuid,
    pub slug: String,
    pub name: String,
    /// Since when everything is shared; null when not.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub all_shared_since: Option<OffsetDateTime>,
    pub credentials: Vec<CredentialVisibilityOut>,
}

impl From<OrgShares> for OrgSharesOut {
    fn from(o: OrgShares) -> Self {
        OrgSharesOut {
            org_id: o.org_id,
            slug: o.slug,
            name: o.name,
            all_shared_since: o.all_shared_since,
            credentials: o.credentials.into_iter().map(Into::into).collect(),
        }
    }
}

/// One grant of consent, withdrawn or not.
#[derive(Serialize, ToSchema)]
pub struct ShareOut {
    pub id: Uuid,
    pub org_id: Uuid,
    pub org_name: String,
    /// Null: everything the worker holds.
    pub credential_id: Option<Uuid>,
    pub credential_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub granted_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<ShareRecord> for ShareOut {
    fn from(s: ShareRecord) -> Self {
        ShareOut {
            id: s.id,
            org_id: s.org_id,
            org_name: s.org_name,
            credential_id: s.credential_id,
            credential_name: s.credential_name,
            granted_at: s.granted_at,
            revoked_at: s.revoked_at,
        }
    }
}

/// The caller's consent: per organization they belong to, what it sees and why, and the
/// whole record.
#[derive(Serialize, ToSchema)]
pub struct MySharesOut {
    pub orgs: Vec<OrgSharesOut>,
    /// Newest first.
    pub history: Vec<ShareOut>,
}

impl From<MyShares> for MySharesOut {
    fn from(m: MyShares) -> Self {
        MySharesOut {
            orgs: m.orgs.into_iter().map(Into::into).collect(),
            history: m.history.into_iter().map(Into::into).collect(),
        }
    }
}

// --- Input types ----------------------------------------------------------------------

/// A role profile's content; sending it again for an existing profile makes a new version.
#[derive(Deserialize, ToSchema)]
pub struct RoleIn {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Competencies with a minimum level, or achievements; each at most once.
    pub requirements: Vec<Requirement>,
}

impl From<RoleIn> for NewRoleProfile {
    fn from(r: RoleIn) -> Self {
        NewRoleProfile {
            name: r.name,
            description: r.description,
            requirements: r.requirements,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct FormatParams {
    /// `json` (default) or `csv`.
    format: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct RolesParams {
    /// Include archived profiles.
    #[serde(default)]
    archived: bool,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct HeatMapParams {
    /// A team of the organization; absent: the whole organization.
    team: Option<Uuid>,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct CandidatesParams {
    /// How many to list, best first (default all).
    limit: Option<usize>,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct GapParams {
    /// Flag requirements whose every proof ends within this many days (default 90; 0: none).
    expiring_within_days: Option<u32>,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct ExpiringParams {
    /// The window in days, 1 to 3650 (default 90; 30, 60 and 90 are usual).
    days: Option<u32>,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

/// Whether the caller asked for CSV; anything but json or csv is refused.
fn wants_csv(format: Option<&str>) -> cairn_app::Result<bool> {
    match format {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(AppError::from(Invalid::new(
            "format",
            format!("'{other}' is not a format; use json or csv"),
        ))),
    }
}

/// A table as a CSV download named `name`.csv.
pub(crate) fn csv(table: &Table, name: &str) -> cairn_app::Result<Response> {
    let body = table.to_csv()?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{safe}.csv\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response())
}

// --- Role profiles --------------------------------------------------------------------

/// The seven shipped role templates, requirements by code in the shipped framework.
#[utoipa::path(get, path = "/api/v1/role-templates", tag = "workforce",
    responses((status = 200, body = Vec<RoleTemplateOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn role_templates(
    State(s): State<AppState>,
    Auth(_p): Auth,
) -> ApiResult<Json<Vec<RoleTemplateOut>>> {
    Ok(Json(
        s.app
            .role_templates()?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// The organization's role profiles (current versions) by name (managers and admins).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/roles", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), RolesParams),
    responses((status = 200, body = Vec<RoleSummaryOut>), (status = 200, description = "With format=csv: the list as CSV", content_type = "text/csv", body = String),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_roles(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    Query(q): Query<RolesParams>,
) -> ApiResult<Response> {
    let csv_wanted = wants_csv(q.format.as_deref())?;
    let roles = s.app.role_profiles(&p, &slug, q.archived).await?;
    if csv_wanted {
        let t = RoleProfileSummary::table(&roles);
        return Ok(csv(&t, &format!("roles-{slug}"))?);
    }
    Ok(Json(
        roles
            .into_iter()
            .map(RoleSummaryOut::from)
            .collect::<Vec<_>>(),
    )
    .into_response())
}

/// Create a role profile (version 1). Unknown competencies or achievements, a requirement
/// named twice or a level below 1 are refused with 422 naming the requirement.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/roles", tag = "workforce", request_body = RoleIn,
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 201, body = RoleDetailOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_role(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<RoleIn>,
) -> ApiResult<(StatusCode, Json<RoleDetailOut>)> {
    let d = s.app.create_role_profile(&p, &slug, b.into()).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// A role profile with named requirements and every version, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/roles/{id}", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), ("id" = Uuid, Path, description = "The role profile")),
    responses((status = 200, body = RoleDetailOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_role(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> ApiResult<Json<RoleDetailOut>> {
    Ok(Json(s.app.role_profile(&p, &slug, id).await?.into()))
}

/// Replace a role profile's content: a new version; the earlier ones are kept.
#[utoipa::path(put, path = "/api/v1/orgs/{slug}/roles/{id}", tag = "workforce", request_body = RoleIn,
    params(("slug" = String, Path, description = "The organization's handle"), ("id" = Uuid, Path, description = "The role profile")),
    responses((status = 200, body = RoleDetailOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_role(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(b): ApiJson<RoleIn>,
) -> ApiResult<Json<RoleDetailOut>> {
    Ok(Json(
        s.app
            .update_role_profile(&p, &slug, id, b.into())
            .await?
            .into(),
    ))
}

/// Archive a role profile: it leaves the lists and stays on record.
#[utoipa::path(delete, path = "/api/v1/orgs/{slug}/roles/{id}", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), ("id" = Uuid, Path, description = "The role profile")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn archive_role(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> ApiResult<StatusCode> {
    s.app.archive_role_profile(&p, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Copy a shipped template into the organization (version 1), its codes resolved against
/// the installed shipped framework; 409 when that framework is not installed.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/roles/from-template/{key}", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), ("key" = String, Path, description = "The template's key")),
    responses((status = 201, body = RoleDetailOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn copy_template(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, key)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<RoleDetailOut>)> {
    let d = s.app.copy_role_template(&p, &slug, &key).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

// --- Views ----------------------------------------------------------------------------

/// How a team (or, without `team`, the whole organization) covers a role: per
/// requirement, workers meeting, partly meeting and missing it, from what workers let the
/// organization see.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/roles/{id}/heat-map", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), ("id" = Uuid, Path, description = "The role profile"), HeatMapParams),
    responses((status = 200, body = HeatMapOut), (status = 200, description = "With format=csv: the rows as CSV", content_type = "text/csv", body = String),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn heat_map(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
    Query(q): Query<HeatMapParams>,
) -> ApiResult<Response> {
    let csv_wanted = wants_csv(q.format.as_deref())?;
    let h = s.app.team_heat_map(&p, &slug, q.team, id).await?;
    if csv_wanted {
        return Ok(csv(&h.table(), &format!("heat-map-{}", h.role.name))?);
    }
    Ok(Json(HeatMapOut {
        team: h.team.map(|t| HeatMapTeamOut {
            id: t.id,
            name: t.name,
        }),
        workers: h.workers,
        rows: h.rows.into_iter().map(Into::into).collect(),
        role: h.role,
    })
    .into_response())
}

/// Workers ranked for a role: most requirements met, then least learning to ready, each
/// with reasons. Only workers with a credential the organization may see are ranked.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/roles/{id}/candidates", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), ("id" = Uuid, Path, description = "The role profile"), CandidatesParams),
    responses((status = 200, body = CandidatesOut), (status = 200, description = "With format=csv: the ranking as CSV", content_type = "text/csv", body = String),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn candidates(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
    Query(q): Query<CandidatesParams>,
) -> ApiResult<Response> {
    let csv_wanted = wants_csv(q.format.as_deref())?;
    let d = s
        .app
        .redeployment(&p, &slug, id, q.limit.unwrap_or(0))
        .await?;
    if csv_wanted {
        return Ok(csv(&d.table(), &format!("candidates-{}", d.role.name))?);
    }
    Ok(Json(CandidatesOut {
        candidates: d.candidates.into_iter().map(Into::into).collect(),
        consenting: d.consenting,
        not_consenting: d.not_consenting,
        role: d.role,
    })
    .into_response())
}

/// A worker's competency profile from the credentials they let the organization see (or
/// it issued): each competency's level and the credentials proving it.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/workers/{user}/profile", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), ("user" = Uuid, Path, description = "The worker"), FormatParams),
    responses((status = 200, body = WorkerProfileOut), (status = 200, description = "With format=csv: one row per proof", content_type = "text/csv", body = String),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn worker_profile(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, user)): Path<(String, Uuid)>,
    Query(q): Query<FormatParams>,
) -> ApiResult<Response> {
    let csv_wanted = wants_csv(q.format.as_deref())?;
    let v = s.app.worker_profile(&p, &slug, user).await?;
    if csv_wanted {
        return Ok(csv(
            &v.table(),
            &format!("profile-{}", v.worker.display_name),
        )?);
    }
    Ok(Json(WorkerProfileOut {
        worker: v.worker.into(),
        competencies: v.competencies.into_iter().map(Into::into).collect(),
        achievements: v.achievements.into_iter().map(Into::into).collect(),
        profile: v.profile,
    })
    .into_response())
}

/// A worker against a role: each requirement's status, and for each one not met the
/// quickest pathway planned from what the organization may see, with minutes to ready.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/workers/{user}/gaps/{role}", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), ("user" = Uuid, Path, description = "The worker"),
           ("role" = Uuid, Path, description = "The role profile"), GapParams),
    responses((status = 200, body = WorkerGapOut), (status = 200, description = "With format=csv: one row per requirement", content_type = "text/csv", body = String),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn worker_gap(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, user, role)): Path<(String, Uuid, Uuid)>,
    Query(q): Query<GapParams>,
) -> ApiResult<Response> {
    let csv_wanted = wants_csv(q.format.as_deref())?;
    let days = q.expiring_within_days.unwrap_or(90);
    let g = s.app.worker_gap(&p, &slug, user, role, days).await?;
    if csv_wanted {
        return Ok(csv(
            &g.table(),
            &format!("gap-{}-{}", g.worker.display_name, g.role.name),
        )?);
    }
    Ok(Json(WorkerGapOut {
        worker: g.worker.into(),
        coverage: g.coverage,
        requirements: g.requirements.into_iter().map(Into::into).collect(),
        minutes_to_ready: g.minutes_to_ready,
        gap: g.gap,
        role: g.role,
    })
    .into_response())
}

/// Credentials of the organization's workers (that it may see) ending within `days`.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/expiring", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), ExpiringParams),
    responses((status = 200, body = ExpiringListOut), (status = 200, description = "With format=csv: the list as CSV", content_type = "text/csv", body = String),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn expiring(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    Query(q): Query<ExpiringParams>,
) -> ApiResult<Response> {
    let csv_wanted = wants_csv(q.format.as_deref())?;
    let days = q.days.unwrap_or(90);
    let e = s.app.expiring_credentials(&p, &slug, days).await?;
    if csv_wanted {
        return Ok(csv(&e.table(), &format!("expiring-{days}-days-{slug}"))?);
    }
    Ok(Json(ExpiringListOut {
        within_days: e.within_days,
        credentials: e.credentials.into_iter().map(Into::into).collect(),
    })
    .into_response())
}

/// Every worker × every current role profile: per role, workers ready, how many meet each
/// number of requirements, and the organization's heat map.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/gap-analysis", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), FormatParams),
    responses((status = 200, body = GapAnalysisOut), (status = 200, description = "With format=csv: one row per role", content_type = "text/csv", body = String),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn gap_analysis(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    Query(q): Query<FormatParams>,
) -> ApiResult<Response> {
    let csv_wanted = wants_csv(q.format.as_deref())?;
    let m = s.app.org_gap_analysis(&p, &slug, cairn_app::now()).await?;
    if csv_wanted {
        return Ok(csv(&m.table(), &format!("gap-analysis-{slug}"))?);
    }
    Ok(Json(GapAnalysisOut::from(m)).into_response())
}

// --- Consent --------------------------------------------------------------------------

/// The caller's consent: per organization they belong to, which credentials it sees and
/// why, and every grant ever made.
#[utoipa::path(get, path = "/api/v1/me/shares", tag = "workforce",
    responses((status = 200, body = MySharesOut), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn my_shares(State(s): State<AppState>, Auth(p): Auth) -> ApiResult<Json<MySharesOut>> {
    Ok(Json(s.app.my_shares(&p).await?.into()))
}

/// Share everything the caller holds, now and later, with an organization they belong to.
#[utoipa::path(put, path = "/api/v1/me/shares/{slug}", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 201, body = ShareOut), (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn share_all(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<(StatusCode, Json<ShareOut>)> {
    let r = s.app.share_all(&p, &slug).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// Withdraw "share everything"; it takes effect at once in every view. Credentials shared
/// one by one stay shared.
#[utoipa::path(delete, path = "/api/v1/me/shares/{slug}", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn unshare_all(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.unshare_all(&p, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Share one of the caller's credentials with an organization they belong to.
#[utoipa::path(put, path = "/api/v1/me/shares/{slug}/credentials/{id}", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), ("id" = Uuid, Path, description = "One of the caller's credentials")),
    responses((status = 201, body = ShareOut), (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn share_credential(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> ApiResult<(StatusCode, Json<ShareOut>)> {
    let r = s.app.share_credential(&p, id, &slug).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// Withdraw the share of one credential; it takes effect at once in every view.
#[utoipa::path(delete, path = "/api/v1/me/shares/{slug}/credentials/{id}", tag = "workforce",
    params(("slug" = String, Path, description = "The organization's handle"), ("id" = Uuid, Path, description = "One of the caller's credentials")),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn unshare_credential(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> ApiResult<StatusCode> {
    s.app.unshare_credential(&p, id, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
