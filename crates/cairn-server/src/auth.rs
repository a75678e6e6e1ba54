//! Who is calling: an API token (`Authorization: Bearer`) or a browser session cookie.
//! What they may do is decided by `cairn-app`, never here.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_core::Principal;

use crate::AppState;
use crate::problem::ApiError;

pub const SESSION_COOKIE: &str = "cairn_session";
pub const CSRF_COOKIE: &str = "cairn_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the flags every Cairn cookie carries.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The principal of an API call.
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(v) = parts.headers.get(header::AUTHORIZATION) {
            let v = v.to_str().unwrap_or_default();
            let Some(secret) = v.strip_prefix("Bearer ").map(str::trim) else {
                return Err(AppError::Unauthenticated(
                    "use 'Authorization: Bearer <API token>'".into(),
                )
                .into());
            };
            return Ok(Auth(s.app.token_principal(secret).await?));
        }
        if let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) {
            let session = s.app.session(secret).await?;
            // A cookie is sent by the browser whatever page caused the request, so
            // state-changing calls must also prove they come from Cairn's own pages.
            if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
                let sent = parts
                    .headers
                    .get(CSRF_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                if !cairn_app::security::constant_time_eq(
                    sent.as_bytes(),
                    session.csrf_token.as_bytes(),
                ) {
                    return Err(AppError::Unauthenticated(format!(
                        "calls that change data with a session cookie need the '{CSRF_HEADER}' header from the page"
                    ))
                    .into());
                }
            }
            return Ok(Auth(session.principal));
        }
        Err(AppError::Unauthenticated(
            "sign in, or send an API token as 'Authorization: Bearer <token>'".into(),
        )
        .into())
    }
}

/// The caller when they sent credentials, or nobody: for public reads that show more to
/// authors. Credentials that are sent but wrong are still refused.
pub struct MaybeAuth(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        if parts.headers.contains_key(header::AUTHORIZATION)
            || cookie(&parts.headers, SESSION_COOKIE).is_some()
        {
            let Auth(p) = Auth::from_request_parts(parts, s).await?;
            return Ok(MaybeAuth(Some(p)));
        }
        Ok(MaybeAuth(None))
    }
}

/// For pages: the signed-in session, if any.
pub struct MaybeSession(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(MaybeSession(None));
        };
        Ok(MaybeSession(s.app.session(secret).await.ok()))
    }
}

/// A signed-in person, for pages: anyone else is sent to the sign-in page.
pub struct SignedIn(pub Session);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = axum::response::Redirect;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        match MaybeSession::from_request_parts(parts, s).await {
            Ok(MaybeSession(Some(session))) => Ok(SignedIn(session)),
            _ => Err(axum::response::Redirect::to("/signin")),
        }
    }
}

/// The client's address, when the server was started with connection info (tests that
/// call the router directly have none).
pub struct ClientAddr(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_found_among_several_headers() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; cairn_session=abc"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&h, "cairn_session"), Some("abc"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn cookies_are_http_only_and_secure_when_asked() {
        let c = set_cookie("x", "y", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!set_cookie("x", "y", 60, false).contains("Secure"));
    }
}
