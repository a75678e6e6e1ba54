//! LRS keys under `/api/v1/orgs/{slug}/lrs-keys`: the HTTP Basic credentials an
//! organization's xAPI clients use at `/xapi/`, managed by its admins.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use cairn_app::lrs::{CreatedLrsKey, LrsKey};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, ApiJson, Problem};

type ApiResult<T> = Result<T, ApiError>;

pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_lrs_keys, create_lrs_key))
        .routes(routes!(revoke_lrs_key))
}

/// An LRS key; its id is the Basic user name.
#[derive(Serialize, ToSchema)]
pub struct LrsKeyOut {
    id: Uuid,
    name: String,
    created_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    revoked_at: Option<OffsetDateTime>,
}

impl From<LrsKey> for LrsKeyOut {
    fn from(k: LrsKey) -> Self {
        LrsKeyOut {
            id: k.id,
            name: k.name,
            created_by: k.created_by,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateLrsKey {
    /// What the client is; it becomes the statements' authority account name.
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedLrsKeyOut {
    key: LrsKeyOut,
    /// The Basic password, shown this once: Cairn keeps only its hash.
    secret: String,
}

/// LRS keys of an organization, without their secrets (admins).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/lrs-keys", tag = "organizations",
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 200, body = Vec<LrsKeyOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_lrs_keys(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<LrsKeyOut>>> {
    let keys = s.app.lrs_keys(&p, &slug).await?;
    Ok(Json(keys.into_iter().map(Into::into).collect()))
}

/// Create an LRS key for an xAPI client: HTTP Basic with the key's id and secret (admins).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/lrs-keys", tag = "organizations", request_body = CreateLrsKey,
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 201, body = CreatedLrsKeyOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_lrs_key(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<CreateLrsKey>,
) -> ApiResult<(StatusCode, Json<CreatedLrsKeyOut>)> {
    let CreatedLrsKey { key, secret } = s.app.create_lrs_key(&p, &slug, &b.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedLrsKeyOut {
            key: key.into(),
            secret,
        }),
    ))
}

/// Revoke an LRS key: its client is refused from then on (admins).
#[utoipa::path(delete, path = "/api/v1/orgs/{slug}/lrs-keys/{key_id}", tag = "organizations",
    params(("slug" = String, Path, description = "The organization's handle"), ("key_id" = Uuid, Path, description = "The key")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn revoke_lrs_key(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, key_id)): Path<(String, Uuid)>,
) -> ApiResult<StatusCode> {
    s.app.revoke_lrs_key(&p, &slug, key_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
