//! Notifications under `/api/v1`: the caller's own, and marking them read.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use cairn_app::notify::Notification;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(my_notifications))
        .routes(routes!(mark_read))
        .routes(routes!(mark_all_read))
}

#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: Uuid,
    /// What caused it, e.g. award.issued or credential.expiring.
    pub kind: String,
    pub title: String,
    /// Plain text.
    pub body: String,
    /// Where in Cairn it leads (a path), if anywhere.
    pub link: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// When it was first marked read; null while unread.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<OffsetDateTime>,
    /// none (not e-mailed), pending, sent or failed.
    pub email_state: String,
}

impl From<Notification> for NotificationOut {
    fn from(n: Notification) -> Self {
        NotificationOut {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            created_at: n.created_at,
            read_at: n.read_at,
            email_state: n.email_state,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NotificationListOut {
    /// Newest first.
    pub notifications: Vec<NotificationOut>,
    /// How many of all the caller's notifications are unread (not only those listed).
    pub unread: i64,
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// How many to return, newest first: 1 to 200 (default 50).
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MarkedOut {
    /// How many were unread and are now read.
    pub marked: u64,
}

/// The signed-in person's notifications, newest first, with the number unread.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications",
    params(ListParams),
    responses((status = 200, body = NotificationListOut), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn my_notifications(
    State(s): State<AppState>,
    Auth(p): Auth,
    Query(q): Query<ListParams>,
) -> ApiResult<Json<NotificationListOut>> {
    let (list, unread) = s.app.my_notifications(&p, q.limit.unwrap_or(50)).await?;
    Ok(Json(NotificationListOut {
        notifications: list.into_iter().map(Into::into).collect(),
        unread,
    }))
}

/// Mark one of the signed-in person's notifications read. Someone else's is not found.
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "notifications",
    params(("id" = Uuid, Path, description = "The notification")),
    responses((status = 204, description = "Marked read (or it already was)"),
               (status = 400, body = Problem, content_type = "application/problem+json"),
               (status = 401, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn mark_read(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    s.app.mark_notification_read(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark all of the signed-in person's notifications read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read-all", tag = "notifications",
    responses((status = 200, body = MarkedOut), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn mark_all_read(State(s): State<AppState>, Auth(p): Auth) -> ApiResult<Json<MarkedOut>> {
    Ok(Json(MarkedOut {
        marked: s.app.mark_all_read(&p).await?,
    }))
}
