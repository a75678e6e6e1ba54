//! The xAPI Learning Record Store at `/xapi/` (xAPI 2.0, IEEE 9274.1.1; 1.0.3 clients too).
//! Its API is xAPI's own, not Cairn's `/api/v1`, so it is not in the OpenAPI document.
//! Refusals are `{"error": "…"}` naming the requirement broken, and every response says
//! which xAPI version the LRS speaks.

// Refusals are finished responses, made at most once per request and returned straight
// to axum: boxing them would only add an allocation.
#![allow(clippy::result_large_err)]

mod auth;
mod documents;
mod statements;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_app::AppError;
use cairn_app::lrs::LrsError;
use serde_json::json;

use crate::AppState;

pub use auth::Lrs;
#[allow(unused_imports)] // For the documents resource.
pub use auth::{VERSION_HEADER, client_version};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/about", get(about))
        .merge(statements::routes())
        .merge(documents::routes())
        .layer(axum::middleware::map_response(version_header))
}

/// Clients learn the version from any response; one that set it (1.0.3 for a 1.0 client)
/// keeps its own.
async fn version_header(mut res: Response) -> Response {
    res.headers_mut()
        .entry(VERSION_HEADER)
        .or_insert(HeaderValue::from_static("2.0.0"));
    res
}

/// The versions this LRS speaks; public, so clients can ask before authenticating.
async fn about() -> Response {
    axum::Json(json!({"version": ["1.0.3", "2.0.0"]})).into_response()
}

/// A refusal the client can act on: the status and a sentence naming what to fix.
pub fn refusal(status: StatusCode, reason: &str) -> Response {
    let mut res = (status, axum::Json(json!({"error": reason}))).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

pub fn app_refusal(e: AppError) -> Response {
    let status = match &e {
        AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let reason = if status == StatusCode::INTERNAL_SERVER_ERROR {
        "the LRS failed to complete this request; nothing was stored".to_owned()
    } else {
        e.to_string()
    };
    refusal(status, &reason)
}

pub fn lrs_refusal(e: LrsError) -> Response {
    match e {
        LrsError::Bad(m) => refusal(StatusCode::BAD_REQUEST, &m),
        LrsError::Conflict(m) => refusal(StatusCode::CONFLICT, &m),
        LrsError::App(e) => app_refusal(e),
    }
}
