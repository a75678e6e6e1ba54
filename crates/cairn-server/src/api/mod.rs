//! The JSON API under `/api/v1`. Each handler extracts, calls `cairn-app`, and returns
//! JSON or a problem detail; the OpenAPI document is generated from these definitions.

mod accreditation;
mod assessments;
mod assignments;
mod awards;
mod catalog;
mod credentials;
mod frameworks;
mod icd11;
mod lrs_keys;
mod notifications;
mod registry;
pub(crate) mod reviews;
mod stacks;
mod workforce;

use std::sync::OnceLock;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::orgs::{NewMember, NewOrg, NewToken};
use cairn_core::audit::AuditEvent;
use cairn_core::{ApiToken, Membership, OrgKind, Organization, Role, User};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, ApiJson, FieldProblem, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cairn API",
        description = "Micro-credentials for the healthcare workforce: organizations, people, credentials. Errors are RFC 9457 problem details. Authenticate with an API token as `Authorization: Bearer <token>`, or a browser session (state-changing calls then need the `x-csrf-token` header).",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    components(schemas(Problem, FieldProblem)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "account", description = "The caller"),
        (name = "organizations", description = "Organizations, members, teams, tokens, audit log"),
        (name = "credentials", description = "Achievements, Open Badges 3.0 credentials, status, signing keys"),
        (name = "vc-api", description = "W3C-CCG VC-API issuing and verifying"),
        (name = "icd11", description = "WHO ICD-11 MMS reference data: lookup, search, postcoordinated cluster validation"),
        (name = "frameworks", description = "Competency frameworks: CASE 1.0/1.1 import and export"),
        (name = "catalog", description = "Micro-learning modules, versions, lessons and catalog search"),
        (name = "assessments", description = "Item banks, assessments and learners' attempts"),
        (name = "reviews", description = "Rubrics, performance evidence, assessors' reviews, appeals and agreement statistics"),
        (name = "awards", description = "Awards decided by achievement rules, and the chain of decisions behind a credential"),
        (name = "stacks", description = "Stacked achievements (badges → micro-credentials → nano-degrees), their progress and pathway plans"),
        (name = "notifications", description = "The signed-in person's notifications"),
        (name = "workforce", description = "Role profiles, workers' consent, competency profiles, gaps, team heat maps, redeployment and expiring credentials"),
        (name = "assignments", description = "Learning assigned to workers with due dates, progress, overdue lists and CSV import/export"),
        (name = "accreditation", description = "Review standards, submissions of module versions, reviews, decisions signed as OB 3.0 EndorsementCredentials, minor changes, conditions and withdrawal"),
        (name = "registry", description = "The platform's registry of recognized accreditors and issuers, and what verification reports about them")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    let router = OpenApiRouter::with_openapi(ApiDoc::openapi());
    let router = frameworks::register(icd11::register(catalog::register(router)));
    let router = awards::register(reviews::register(assessments::register(router)));
    let router = notifications::register(stacks::register(router));
    let router = assignments::register(workforce::register(router));
    let router = registry::register(accreditation::register(router));
    let router = lrs_keys::register(router);
    router
        .routes(routes!(me))
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, update_org))
        .routes(routes!(list_members, add_member))
        .routes(routes!(remove_member))
        .routes(routes!(list_teams))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(audit_log))
        .routes(routes!(
            credentials::list_achievements,
            credentials::create_achievement
        ))
        .routes(routes!(
            credentials::list_credentials,
            credentials::issue_credential
        ))
        .routes(routes!(credentials::change_status))
        .routes(routes!(credentials::rotate_key))
        .routes(routes!(credentials::my_credentials))
        .routes(routes!(credentials::my_clr))
        .routes(routes!(credentials::vc_api_issue))
        .routes(routes!(credentials::vc_api_verify))
}

/// The OpenAPI 3.1 document of this API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

pub async fn openapi_json() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    let body = DOC.get_or_init(|| openapi().to_pretty_json().unwrap_or_default());
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        body.clone(),
    )
        .into_response()
}

type ApiResult<T> = Result<T, ApiError>;

#[derive(Serialize, ToSchema)]
pub struct Me {
    /// Set for a signed-in person; absent for an API token.
    user: Option<User>,
    is_operator: bool,
    /// Roles held, per organization id.
    grants: Vec<Grant>,
}

#[derive(Serialize, ToSchema)]
pub struct Grant {
    org_id: Uuid,
    role: Role,
}

/// Who the caller is and which roles they hold.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn me(State(s): State<AppState>, Auth(p): Auth) -> ApiResult<Json<Me>> {
    let user = match p.user_id() {
        Some(id) => {
            let mut r = s
                .app
                .store
                .reader()
                .await
                .map_err(cairn_app::AppError::from)?;
            r.conn()
                .user_by_id(id)
                .await
                .map_err(cairn_app::AppError::from)?
        }
        None => None,
    };
    Ok(Json(Me {
        user,
        is_operator: p.is_operator,
        grants: p
            .grants
            .iter()
            .map(|(o, r)| Grant {
                org_id: *o,
                role: *r,
            })
            .collect(),
    }))
}

/// Organizations the caller can see: all of them for platform operators.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "organizations",
    responses((status = 200, body = Vec<Organization>), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn list_orgs(State(s): State<AppState>, Auth(p): Auth) -> ApiResult<Json<Vec<Organization>>> {
    Ok(Json(s.app.orgs_visible_to(&p).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateOrg {
    /// URL handle; derived from the name when absent.
    slug: Option<String>,
    name: String,
    #[serde(default)]
    kinds: Vec<OrgKind>,
}

/// Create an organization (platform operators).
#[utoipa::path(post, path = "/api/v1/orgs", tag = "organizations", request_body = CreateOrg,
    responses((status = 201, body = Organization), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_org(
    State(s): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<CreateOrg>,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    let org = s
        .app
        .create_org(
            &p,
            NewOrg {
                slug: b.slug,
                name: b.name,
                kinds: b.kinds,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// One organization.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}", tag = "organizations",
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 200, body = Organization), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_org(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(s.app.org(&p, &slug).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateOrg {
    name: String,
}

/// Rename an organization (admins).
#[utoipa::path(patch, path = "/api/v1/orgs/{slug}", tag = "organizations", request_body = UpdateOrg,
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 200, body = Organization), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_org(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<UpdateOrg>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(s.app.rename_org(&p, &slug, &b.name).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct PageParams {
    /// At most this many rows (1–500, default 50).
    pub(crate) limit: Option<i64>,
    /// Skip this many rows.
    pub(crate) offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberList {
    total: i64,
    members: Vec<MemberOut>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    user_id: Uuid,
    display_name: String,
    email: Option<String>,
    role: String,
    job_title: Option<String>,
}

/// Members of an organization, one row per role held (admins and managers).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/members", tag = "organizations",
    params(("slug" = String, Path, description = "The organization's handle"), PageParams),
    responses((status = 200, body = MemberList), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_members(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    Query(q): Query<PageParams>,
) -> ApiResult<Json<MemberList>> {
    let (_, rows, total) = s
        .app
        .members(&p, &slug, q.limit.unwrap_or(50), q.offset.unwrap_or(0))
        .await?;
    Ok(Json(MemberList {
        total,
        members: rows
            .into_iter()
            .map(|r| MemberOut {
                user_id: r.user_id,
                display_name: r.display_name,
                email: r.email,
                role: r.role,
                job_title: r.job_title,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct AddMember {
    email: String,
    /// Needed when the address has no account yet.
    display_name: Option<String>,
    role: Role,
    job_title: Option<String>,
}

/// Add a person with a role (admins). A new e-mail address creates an account without a password.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/members", tag = "organizations", request_body = AddMember,
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 201, body = Membership), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_member(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<AddMember>,
) -> ApiResult<(StatusCode, Json<Membership>)> {
    let m = s
        .app
        .add_member(
            &p,
            &slug,
            NewMember {
                email: b.email,
                display_name: b.display_name,
                role: b.role,
                job_title: b.job_title,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// Remove one role of a member (admins). The last admin cannot be removed.
#[utoipa::path(delete, path = "/api/v1/orgs/{slug}/members/{user_id}/{role}", tag = "organizations",
    params(("slug" = String, Path, description = "The organization's handle"), ("user_id" = Uuid, Path, description = "The person"), ("role" = Role, Path, description = "The role to remove")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn remove_member(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, user_id, role)): Path<(String, Uuid, Role)>,
) -> ApiResult<StatusCode> {
    s.app.remove_member(&p, &slug, user_id, role).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct TeamOut {
    id: Uuid,
    name: String,
    members: i64,
}

/// Teams of an organization with their sizes (admins and managers).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/teams", tag = "organizations",
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 200, body = Vec<TeamOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_teams(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<TeamOut>>> {
    let teams = s.app.teams(&p, &slug).await?;
    Ok(Json(
        teams
            .into_iter()
            .map(|t| TeamOut {
                id: t.id,
                name: t.name,
                members: t.members,
            })
            .collect(),
    ))
}

/// API tokens of an organization, without their secrets (admins).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/tokens", tag = "organizations",
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 200, body = Vec<ApiToken>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_tokens(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(s.app.tokens(&p, &slug).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateToken {
    name: String,
    role: Role,
    /// Days until it expires; absent or 0 for no expiry.
    expires_in_days: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    token: ApiToken,
    /// Shown this once: store it now, Cairn keeps only its hash.
    secret: String,
}

/// Create an API token acting with one role in this organization (admins).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/tokens", tag = "organizations", request_body = CreateToken,
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 201, body = CreatedToken), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_token(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<CreateToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    let c = s
        .app
        .create_token(
            &p,
            &slug,
            NewToken {
                name: b.name,
                role: b.role,
                expires_in_days: b.expires_in_days,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: c.token,
            secret: c.secret,
        }),
    ))
}

/// Revoke an API token (admins).
#[utoipa::path(delete, path = "/api/v1/orgs/{slug}/tokens/{token_id}", tag = "organizations",
    params(("slug" = String, Path, description = "The organization's handle"), ("token_id" = Uuid, Path, description = "The token")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn revoke_token(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, token_id)): Path<(String, Uuid)>,
) -> ApiResult<StatusCode> {
    s.app.revoke_token(&p, &slug, token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct AuditParams {
    /// Events after this sequence number.
    after: Option<i64>,
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPageOut {
    #[schema(value_type = Vec<Object>)]
    events: Vec<AuditEvent>,
    /// Pass as `after` for the next page; absent on the last page.
    next_after: Option<i64>,
}

/// The organization's audit log, oldest first (admins).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/audit", tag = "organizations",
    params(("slug" = String, Path, description = "The organization's handle"), AuditParams),
    responses((status = 200, body = AuditPageOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn audit_log(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    Query(q): Query<AuditParams>,
) -> ApiResult<Json<AuditPageOut>> {
    let (events, next_after) = s
        .app
        .audit_log(&p, &slug, q.after.unwrap_or(0), q.limit.unwrap_or(100))
        .await?;
    Ok(Json(AuditPageOut { events, next_after }))
}
