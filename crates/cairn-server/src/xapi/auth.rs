//! Who is calling the LRS: HTTP Basic with an LRS key of one organization.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use cairn_app::lrs::{LrsClient, parse_basic};
use cairn_lrs::Version;
use serde_json::Value;
use uuid::Uuid;

use crate::AppState;

/// The header carrying the xAPI version, both ways.
pub const VERSION_HEADER: &str = "x-experience-api-version";

/// An authenticated LRS client: the organization whose statements it reads and writes, the
/// key it used, the authority recorded on what it stores, and the xAPI version it speaks.
#[derive(Debug, Clone)]
#[allow(dead_code)] // The documents resource reads the fields the statements one does not.
pub struct Lrs {
    pub org_id: Uuid,
    pub key_id: Uuid,
    pub authority: Value,
    pub version: Version,
}

impl Lrs {
    pub fn client(&self) -> LrsClient {
        LrsClient {
            org_id: self.org_id,
            key_id: self.key_id,
            authority: self.authority.clone(),
        }
    }
}

fn unauthorized(reason: &str) -> Response {
    let mut res = super::refusal(StatusCode::UNAUTHORIZED, reason);
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"xAPI\""),
    );
    res
}

/// The client's xAPI version: missing or unsupported is a 400 naming what to send.
pub fn client_version(parts: &Parts) -> Result<Version, Response> {
    let Some(v) = parts.headers.get(VERSION_HEADER) else {
        return Err(super::refusal(
            StatusCode::BAD_REQUEST,
            "send the X-Experience-API-Version header, 2.0.0 or 1.0.3 (XAPI-00330)",
        ));
    };
    let text = v.to_str().unwrap_or_default();
    Version::parse(text).map_err(|e| super::refusal(StatusCode::BAD_REQUEST, &e.to_string()))
}

impl FromRequestParts<AppState> for Lrs {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let Some((user, password)) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_basic)
        else {
            return Err(unauthorized(
                "authenticate with HTTP Basic: an LRS key's id as the user name and its secret as the password",
            ));
        };
        let client = match s.app.lrs_authenticate(&user, &password).await {
            Ok(c) => c,
            Err(cairn_app::AppError::Unauthenticated(m)) => return Err(unauthorized(&m)),
            Err(e) => return Err(super::app_refusal(e)),
        };
        let version = client_version(parts)?;
        Ok(Lrs {
            org_id: client.org_id,
            key_id: client.key_id,
            authority: client.authority,
            version,
        })
    }
}
