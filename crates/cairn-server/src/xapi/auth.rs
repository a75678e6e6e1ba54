//! Who is calling the LRS: HTTP Basic with an LRS key of one organization.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use cairn_lrs::Version;
use serde_json::Value;
use uuid::Uuid;

use crate::AppState;

/// An authenticated LRS client: the organization whose statements it reads and writes, the
/// key it used, the authority recorded on what it stores, and the xAPI version it speaks.
#[derive(Debug, Clone)]
#[allow(dead_code)]
pub struct Lrs {
    pub org_id: Uuid,
    pub key_id: Uuid,
    pub authority: Value,
    pub version: Version,
}

impl FromRequestParts<AppState> for Lrs {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(
        _parts: &mut Parts,
        _s: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Err((StatusCode::UNAUTHORIZED, "LRS keys are being built"))
    }
}
