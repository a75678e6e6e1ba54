//! Competency frameworks under `/api/v1`: list, one with its competency tree, CASE import
//! (rejected as a whole with every problem listed) and CASE export.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::frameworks::{
    CompetencyNode, FrameworkDetail, FrameworkSummary, ImportError, ScaleSummary,
};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, FieldProblem, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_frameworks))
        .routes(routes!(get_framework))
        .routes(routes!(export_case))
        .routes(routes!(import_case))
}

/// A competency framework.
#[derive(Serialize, ToSchema)]
pub struct FrameworkOut {
    id: Uuid,
    /// The owning organization; absent for a framework of the whole installation.
    org_id: Option<Uuid>,
    /// The CASE CFDocument identifier.
    identifier: String,
    uri: String,
    title: String,
    creator: String,
    version: Option<String>,
    adoption_status: Option<String>,
    /// How many competencies (CASE CFItems) it has.
    competencies: i64,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

impl From<FrameworkSummary> for FrameworkOut {
    fn from(f: FrameworkSummary) -> Self {
        FrameworkOut {
            id: f.id,
            org_id: f.org_id,
            identifier: f.identifier,
            uri: f.uri,
            title: f.title,
            creator: f.creator,
            version: f.version,
            adoption_status: f.adoption_status,
            competencies: f.competencies,
            created_at: f.created_at,
        }
    }
}

/// A framework with its competency tree and proficiency scales.
#[derive(Serialize, ToSchema)]
pub struct FrameworkDetailOut {
    framework: FrameworkOut,
    description: Option<String>,
    /// Top-level competencies (domains), each with `children`: id, identifier, uri, code,
    /// statement, kind, children.
    #[schema(value_type = Vec<Object>)]
    tree: Vec<CompetencyNode>,
    /// Proficiency scales, each with its `levels` in order (ordinal 1 first).
    #[schema(value_type = Vec<Object>)]
    scales: Vec<ScaleSummary>,
}

impl From<FrameworkDetail> for FrameworkDetailOut {
    fn from(d: FrameworkDetail) -> Self {
        FrameworkDetailOut {
            framework: d.framework.into(),
            description: d.description,
            tree: d.tree,
            scales: d.scales,
        }
    }
}

/// Every competency framework on this installation (public reference data).
#[utoipa::path(get, path = "/api/v1/frameworks", tag = "frameworks", security(()),
    responses((status = 200, body = Vec<FrameworkOut>)))]
pub async fn list_frameworks(State(s): State<AppState>) -> ApiResult<Json<Vec<FrameworkOut>>> {
    let list = s.app.frameworks().await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// One framework with its competency tree and proficiency scales.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}", tag = "frameworks", security(()),
    params(("id" = Uuid, Path, description = "The framework")),
    responses((status = 200, body = FrameworkDetailOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_framework(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<FrameworkDetailOut>> {
    Ok(Json(s.app.framework(id).await?.into()))
}

/// The framework as a 1EdTech CASE CFPackage, with the identifiers and URIs it was imported with.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}/case", tag = "frameworks", security(()),
    params(("id" = Uuid, Path, description = "The framework")),
    responses((status = 200, description = "A CASE CFPackage", body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn export_case(State(s): State<AppState>, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let package = s.app.export_case(id).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        package.to_string(),
    )
        .into_response())
}

/// Import a CASE 1.0 or 1.1 CFPackage (JSON body) for the organization (admins and authors).
/// A package with any problem is rejected as a whole: 422 lists every problem in `errors`
/// (`field` is a JSON path such as `CFItems[3].fullStatement`, or a line and column).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/frameworks", tag = "frameworks",
    params(("slug" = String, Path, description = "The owning organization's handle")),
    request_body(content = Object, description = "A CASE CFPackage", content_type = "application/json"),
    responses((status = 201, body = FrameworkOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import_case(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    body: String,
) -> ApiResult<(StatusCode, Json<FrameworkOut>)> {
    match s.app.import_case(&p, Some(&slug), &body).await {
        Ok(f) => Ok((StatusCode::CREATED, Json(f.into()))),
        Err(ImportError::Other(e)) => Err(e.into()),
        Err(ImportError::Rejected(problems)) => {
            let mut pr = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "the CASE package has {} problem(s) and nothing was imported; fix each one listed in errors and send it again",
                    problems.len()
                ),
            );
            pr.kind = "https://cairn.dev/problems/invalid-package".into();
            pr.errors = problems
                .into_iter()
                .map(|p| FieldProblem {
                    field: p.path,
                    message: match p.identifier {
                        Some(id) => format!("{id}: {}", p.message),
                        None => p.message,
                    },
                })
                .collect();
            Err(pr.into())
        }
    }
}
