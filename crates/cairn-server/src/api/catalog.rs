//! The catalog, modules, their versions and learner progress under `/api/v1`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use cairn_app::AppError;
use cairn_app::modules::{CatalogForm, ModuleView, ProgressUpdate};
use cairn_core::catalog::{ModuleContent, ModuleFormat, ModuleVersion, VersionState};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Auth, MaybeAuth};
use crate::problem::{ApiError, ApiJson, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(search_catalog))
        .routes(routes!(list_org_modules, create_module))
        .routes(routes!(get_module, update_module))
        .routes(routes!(publish_module))
        .routes(routes!(get_version))
        .routes(routes!(get_progress, save_progress))
}

#[derive(Serialize, ToSchema)]
pub struct CatalogEntryOut {
    module_id: Uuid,
    /// The published version shown; name it in anything recorded about the module.
    version_id: Uuid,
    version: i32,
    title: String,
    summary: String,
    duration_minutes: u32,
    language: String,
    format: ModuleFormat,
    provider_slug: String,
    provider_name: String,
    accredited: bool,
    tags: Vec<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    published_at: Option<OffsetDateTime>,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogPageOut {
    total: i64,
    offset: i64,
    limit: i64,
    modules: Vec<CatalogEntryOut>,
}

/// Search the catalog of published modules. Open to everyone.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog", security(()),
    params(
        ("q" = Option<String>, Query, description = "Words to find in titles, summaries, objectives and aligned competency statements"),
        ("competency" = Option<Uuid>, Query, description = "Only modules aligned to this competency"),
        ("domain" = Option<Uuid>, Query, description = "Only modules aligned to a competency of this domain (a framework's top-level competency)"),
        ("provider" = Option<String>, Query, description = "Only this provider's modules (organization handle)"),
        ("min_minutes" = Option<u32>, Query, description = "Shortest duration in minutes"),
        ("max_minutes" = Option<u32>, Query, description = "Longest duration in minutes"),
        ("language" = Option<String>, Query, description = "Language tag, e.g. en"),
        ("format" = Option<ModuleFormat>, Query, description = "lesson, link or xapi"),
        ("accredited" = Option<bool>, Query, description = "true for accredited modules only"),
        ("sort" = Option<String>, Query, description = "relevance (default), title, duration or newest"),
        ("limit" = Option<i64>, Query, description = "Results per page, 1–100 (default 20)"),
        ("offset" = Option<i64>, Query, description = "Skip this many results")
    ),
    responses((status = 200, body = CatalogPageOut), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn search_catalog(
    State(s): State<AppState>,
    Query(q): Query<CatalogForm>,
) -> ApiResult<Json<CatalogPageOut>> {
    let search = q.to_search().map_err(AppError::from)?;
    let page = s.app.search_catalog(&search).await?;
    Ok(Json(CatalogPageOut {
        total: page.total,
        offset: page.offset,
        limit: page.limit,
        modules: page
            .modules
            .into_iter()
            .map(|m| CatalogEntryOut {
                module_id: m.module_id,
                version_id: m.version_id,
                version: m.version,
                title: m.title,
                summary: m.summary,
                duration_minutes: m.duration_minutes,
                language: m.language,
                format: m.format,
                provider_slug: m.provider_slug,
                provider_name: m.provider_name,
                accredited: m.accredited,
                tags: m.tags,
                published_at: m.published_at,
            })
            .collect(),
    }))
}

/// A provider's modules, each with its latest version (the provider's authors and admins).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/modules", tag = "catalog",
    params(("slug" = String, Path, description = "The provider organization's handle")),
    responses((status = 200, body = Vec<ModuleVersion>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_org_modules(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<ModuleVersion>>> {
    Ok(Json(s.app.provider_modules(&p, &slug).await?.1))
}

/// Start a module as a draft (the provider's authors and admins).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/modules", tag = "catalog", request_body = ModuleContent,
    params(("slug" = String, Path, description = "The provider organization's handle")),
    responses((status = 201, body = ModuleVersion), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_module(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<ModuleContent>,
) -> ApiResult<(StatusCode, Json<ModuleVersion>)> {
    let v = s.app.create_module(&p, &slug, b).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Serialize, ToSchema)]
pub struct VersionRef {
    number: i32,
    state: VersionState,
    id: Uuid,
}

/// Who accredits the module's current published version, until when, and the signed
/// endorsement to verify.
#[derive(Serialize, ToSchema)]
pub struct EndorsementOut {
    accreditation_id: Uuid,
    accreditor_slug: String,
    accreditor_name: String,
    /// accredited or conditional.
    outcome: String,
    /// For a conditional accreditation: the day the conditions are due (YYYY-MM-DD).
    #[schema(format = Date)]
    conditions_due: Option<String>,
    conditions_met: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    valid_until: OffsetDateTime,
    credential_id: Uuid,
    /// The endorsement's page, with its checks.
    credential_url: String,
    /// The signed OB 3.0 EndorsementCredential.
    credential_json_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ModuleOut {
    module_id: Uuid,
    provider_slug: String,
    provider_name: String,
    /// A valid, unrevoked endorsement covers the current published version.
    accredited: bool,
    /// The endorsements that make it accredited now.
    endorsements: Vec<EndorsementOut>,
    /// The current published version.
    published: Option<ModuleVersion>,
    /// The draft being written (for the provider's authors only).
    draft: Option<ModuleVersion>,
    can_author: bool,
    versions: Vec<VersionRef>,
}

impl From<ModuleView> for ModuleOut {
    fn from(v: ModuleView) -> Self {
        ModuleOut {
            module_id: v.module_id,
            provider_slug: v.provider_slug,
            provider_name: v.provider_name,
            accredited: v.accredited,
            endorsements: v
                .endorsements
                .into_iter()
                .map(|e| EndorsementOut {
                    accreditation_id: e.accreditation_id,
                    accreditor_slug: e.accreditor_slug,
                    accreditor_name: e.accreditor_name,
                    outcome: e.outcome,
                    conditions_due: e.conditions_due.map(cairn_app::assignments::iso_date),
                    conditions_met: e.conditions_met_at.is_some(),
                    valid_until: e.valid_until,
                    credential_id: e.credential_id,
                    credential_url: format!("/credentials/{}", e.credential_id),
                    credential_json_url: format!("/credentials/{}.json", e.credential_id),
                })
                .collect(),
            published: v.published,
            draft: v.draft,
            can_author: v.can_author,
            versions: v
                .versions
                .into_iter()
                .map(|(number, state, id)| VersionRef { number, state, id })
                .collect(),
        }
    }
}

/// A module: its published version for everyone, and its draft for the provider's authors.
#[utoipa::path(get, path = "/api/v1/modules/{id}", tag = "catalog", security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The module")),
    responses((status = 200, body = ModuleOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_module(
    State(s): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ModuleOut>> {
    Ok(Json(s.app.module(p.as_ref(), id).await?.into()))
}

/// Change a module. Its draft is edited; if the latest version is published (frozen), a new
/// draft is started and the published version stays as it was.
#[utoipa::path(put, path = "/api/v1/modules/{id}", tag = "catalog", request_body = ModuleContent,
    params(("id" = Uuid, Path, description = "The module")),
    responses((status = 200, body = ModuleVersion), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_module(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ModuleContent>,
) -> ApiResult<Json<ModuleVersion>> {
    Ok(Json(s.app.update_module(&p, id, b).await?))
}

/// Publish the module's draft: it is frozen with its content hash and shown in the catalog.
#[utoipa::path(post, path = "/api/v1/modules/{id}/publish", tag = "catalog",
    params(("id" = Uuid, Path, description = "The module")),
    responses((status = 200, body = ModuleVersion), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn publish_module(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ModuleVersion>> {
    Ok(Json(s.app.publish_module(&p, id).await?))
}

/// One module version (published ones for everyone, drafts for the provider's authors).
#[utoipa::path(get, path = "/api/v1/module-versions/{id}", tag = "catalog", security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The module version")),
    responses((status = 200, body = ModuleVersion), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_version(
    State(s): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ModuleVersion>> {
    Ok(Json(s.app.module_version(p.as_ref(), id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ProgressOut {
    version_id: Uuid,
    page_reached: u32,
    answers: Vec<Option<usize>>,
    score: Option<u32>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    completed_at: Option<OffsetDateTime>,
}

impl From<cairn_app::modules::Progress> for ProgressOut {
    fn from(p: cairn_app::modules::Progress) -> Self {
        ProgressOut {
            version_id: p.version_id,
            page_reached: p.page_reached,
            answers: p.answers,
            score: p.score,
            completed_at: p.completed_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ProgressIn {
    /// The furthest page reached (1 = the first page).
    page_reached: Option<u32>,
    /// The knowledge check's answers: the chosen choice per question (from 0), or null.
    answers: Option<Vec<Option<usize>>>,
}

/// The caller's progress in a built-in lesson version.
#[utoipa::path(get, path = "/api/v1/module-versions/{id}/progress", tag = "catalog",
    params(("id" = Uuid, Path, description = "The module version")),
    responses((status = 200, body = ProgressOut), (status = 401, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_progress(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ProgressOut>> {
    Ok(Json(s.app.progress(&p, id).await?.into()))
}

/// Save the caller's progress: a page reached and/or the knowledge check's answers.
#[utoipa::path(put, path = "/api/v1/module-versions/{id}/progress", tag = "catalog", request_body = ProgressIn,
    params(("id" = Uuid, Path, description = "The module version")),
    responses((status = 200, body = ProgressOut), (status = 401, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn save_progress(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ProgressIn>,
) -> ApiResult<Json<ProgressOut>> {
    let update = ProgressUpdate {
        page_reached: b.page_reached,
        answers: b.answers,
    };
    Ok(Json(s.app.save_progress(&p, id, update).await?.into()))
}
