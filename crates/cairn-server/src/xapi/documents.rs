//! The Document Resources (xAPI 2.0 Communication §2.3–2.7: State, Activity Profile, Agent
//! Profile) with ETag concurrency, and the Agents and Activities resources; HEAD for each GET.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use cairn_app::lrs_docs::{
    DocError, DocKind, DocMethod, Preconditions, parse_activities_params, parse_agents_params,
    parse_doc_params,
};
use time::OffsetDateTime;
use time::macros::format_description;

use super::{Lrs, app_refusal, refusal};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/activities/state", document_routes(DocKind::State))
        .route(
            "/activities/profile",
            document_routes(DocKind::ActivityProfile),
        )
        .route("/agents/profile", document_routes(DocKind::AgentProfile))
        .route("/agents", get(get_agents))
        .route("/activities", get(get_activities))
}

fn document_routes(kind: DocKind) -> MethodRouter<AppState> {
    get(move |s: State<AppState>, lrs: Lrs, q: RawQuery| get_document(kind, s, lrs, q))
        .put(
            move |s: State<AppState>, lrs: Lrs, q: RawQuery, h: HeaderMap, b: Bytes| {
                write_document(kind, DocMethod::Put, s, lrs, q, h, b)
            },
        )
        .post(
            move |s: State<AppState>, lrs: Lrs, q: RawQuery, h: HeaderMap, b: Bytes| {
                write_document(kind, DocMethod::Post, s, lrs, q, h, b)
            },
        )
        .delete(
            move |s: State<AppState>, lrs: Lrs, q: RawQuery, h: HeaderMap| {
                delete_document(kind, s, lrs, q, h)
            },
        )
}

fn params_of(raw: Option<&str>) -> Result<Vec<(String, String)>, Response> {
    serde_urlencoded::from_str(raw.unwrap_or_default()).map_err(|_| {
        refusal(
            StatusCode::BAD_REQUEST,
            "the query string is not well-formed URL encoding",
        )
    })
}

fn doc_refusal(e: DocError) -> Response {
    match e {
        DocError::Invalid(x) => refusal(StatusCode::BAD_REQUEST, &x.to_string()),
        DocError::NotFound => refusal(StatusCode::NOT_FOUND, "there is no such document"),
        DocError::PreconditionFailed(m) => refusal(StatusCode::PRECONDITION_FAILED, &m),
        DocError::Conflict(m) => refusal(StatusCode::CONFLICT, &m),
        DocError::App(e) => app_refusal(e),
    }
}

fn header_text(h: &HeaderMap, name: header::HeaderName) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// `Last-Modified` wants an HTTP date.
fn http_date(t: OffsetDateTime) -> Option<HeaderValue> {
    let f = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let text = t.to_offset(time::UtcOffset::UTC).format(f).ok()?;
    HeaderValue::from_str(&text).ok()
}

fn with_etag(mut res: Response, etag: &str, updated: Option<OffsetDateTime>) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    if let Some(v) = updated.and_then(http_date) {
        res.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    res
}

async fn get_document(
    kind: DocKind,
    State(s): State<AppState>,
    lrs: Lrs,
    RawQuery(q): RawQuery,
) -> Response {
    let params = match params_of(q.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let t = match parse_doc_params(kind, DocMethod::Get, &params) {
        Ok(t) => t,
        Err(e) => return doc_refusal(e.into()),
    };
    if t.doc_id.is_some() {
        return match s.app.xapi_document(lrs.org_id, &t).await {
            Ok(d) => {
                let ct = HeaderValue::from_str(&d.content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream"));
                let res = ([(header::CONTENT_TYPE, ct)], d.content).into_response();
                with_etag(res, &d.etag, Some(d.updated))
            }
            Err(e) => doc_refusal(e),
        };
    }
    match s.app.xapi_document_ids(lrs.org_id, &t).await {
        Ok((ids, latest)) => {
            let body = serde_json::Value::from(ids).to_string();
            let etag = cairn_app::lrs_docs::etag_of(body.as_bytes());
            let res = (
                [(header::CONTENT_TYPE, "application/json")],
                body.into_bytes(),
            )
                .into_response();
            with_etag(res, &etag, latest)
        }
        Err(e) => doc_refusal(e),
    }
}

async fn write_document(
    kind: DocKind,
    method: DocMethod,
    State(s): State<AppState>,
    lrs: Lrs,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match params_of(q.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let t = match parse_doc_params(kind, method, &params) {
        Ok(t) => t,
        Err(e) => return doc_refusal(e.into()),
    };
    let pre = preconditions(&headers);
    let ct = header_text(&headers, header::CONTENT_TYPE)
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let done = if method == DocMethod::Post {
        s.app
            .post_xapi_document(lrs.org_id, &t, &pre, &ct, body.to_vec())
            .await
    } else {
        s.app
            .put_xapi_document(lrs.org_id, &t, &pre, &ct, body.to_vec())
            .await
    };
    match done {
        Ok(etag) => with_etag(StatusCode::NO_CONTENT.into_response(), &etag, None),
        Err(e) => doc_refusal(e),
    }
}

fn preconditions(headers: &HeaderMap) -> Preconditions {
    Preconditions {
        if_match: header_text(headers, header::IF_MATCH),
        if_none_match: header_text(headers, header::IF_NONE_MATCH),
    }
}

async fn delete_document(
    kind: DocKind,
    State(s): State<AppState>,
    lrs: Lrs,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = match params_of(q.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let t = match parse_doc_params(kind, DocMethod::Delete, &params) {
        Ok(t) => t,
        Err(e) => return doc_refusal(e.into()),
    };
    match s
        .app
        .delete_xapi_documents(lrs.org_id, &t, &preconditions(&headers))
        .await
    {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => doc_refusal(e),
    }
}

fn json_response(v: &serde_json::Value) -> Response {
    let body = v.to_string();
    let etag = cairn_app::lrs_docs::etag_of(body.as_bytes());
    let res = (
        [(header::CONTENT_TYPE, "application/json")],
        body.into_bytes(),
    )
        .into_response();
    with_etag(res, &etag, None)
}

async fn get_agents(State(s): State<AppState>, lrs: Lrs, RawQuery(q): RawQuery) -> Response {
    let params = match params_of(q.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (agent, ifi) = match parse_agents_params(&params) {
        Ok(a) => a,
        Err(e) => return doc_refusal(e.into()),
    };
    match s.app.xapi_person(lrs.org_id, &agent, &ifi).await {
        Ok(person) => json_response(&person),
        Err(e) => doc_refusal(e),
    }
}

async fn get_activities(State(s): State<AppState>, lrs: Lrs, RawQuery(q): RawQuery) -> Response {
    let params = match params_of(q.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = match parse_activities_params(&params) {
        Ok(a) => a,
        Err(e) => return doc_refusal(e.into()),
    };
    match s.app.xapi_activity(lrs.org_id, &id).await {
        Ok(activity) => json_response(&activity),
        Err(e) => doc_refusal(e),
    }
}
