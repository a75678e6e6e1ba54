//! Cross-cutting HTTP behaviour: request ids and logs, security headers, problem details
//! for every API error, and the not-found and panic responses.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::ServerConfig;
use crate::problem::{PROBLEM_JSON, Problem};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The log span of a request, carrying its id. The path only: query strings may carry
/// tokens a client put there by mistake.
pub fn request_span(req: &Request<Body>) -> tracing::Span {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
                   form-action 'self'; frame-ancestors 'none'";

pub async fn security_headers(
    State(cfg): State<Arc<ServerConfig>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if cfg.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// Under `/api/`, any error response that is not yet a problem detail (a wrong method, an
/// unmatched path parameter, a body over the limit…) becomes one, so clients need to
/// handle a single error shape.
pub async fn problem_for_api_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_api =
        path.starts_with("/api/") || path == "/credentials/issue" || path == "/credentials/verify";
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let res = next.run(req).await;
    let status = res.status();
    if !is_api || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        if status.is_server_error() {
            return add_request_id(res, request_id).await;
        }
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let detail = match String::from_utf8_lossy(&text).trim() {
        "" => status.canonical_reason().unwrap_or("error").to_owned(),
        t => t.to_owned(),
    };
    let mut p = Problem::new(status, detail);
    p.request_id = request_id;
    let mut out = p.into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

/// Server errors carry the request id, so a user can quote it to an operator.
async fn add_request_id(res: Response, request_id: Option<String>) -> Response {
    let Some(id) = request_id else { return res };
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(mut v) => {
            v["request_id"] = serde_json::Value::String(id);
            Body::from(v.to_string())
        }
        Err(_) => Body::from(bytes),
    };
    let mut parts = parts;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}

pub async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        return Problem::new(
            StatusCode::NOT_FOUND,
            format!(
                "there is no API endpoint at {}; see /api/openapi.json",
                req.uri().path()
            ),
        )
        .into_response();
    }
    (StatusCode::NOT_FOUND, Html(crate::pages::not_found_page())).into_response()
}

pub fn panic_response(_err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "something went wrong on the server; it has been logged — try again, and if it persists tell your administrator",
    )
    .into_response()
}

/// Choose the language of the pages a request renders (see [`crate::i18n`]) and say which
/// one was used, so caches keep languages apart. The API and xAPI speak JSON and skip it.
pub async fn page_language(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if ["/api/", "/xapi/", "/assets/"]
        .iter()
        .any(|p| path.starts_with(p))
    {
        return next.run(req).await;
    }
    let headers = req.headers();
    let lang = crate::i18n::negotiate(
        crate::auth::cookie(headers, crate::i18n::LANG_COOKIE),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let locale = crate::i18n::RequestLocale {
        lang,
        path: req
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
    };
    let mut res = crate::i18n::scope(locale, next.run(req)).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    h.append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    res
}
