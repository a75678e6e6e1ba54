//! The Statements resource (xAPI 2.0 Communication §2.1): PUT one by id, POST one or a
//! batch (all or nothing), GET one or a filtered list with `more` paging; HEAD for each GET.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_app::lrs::{AttachmentRow, Cursor, SentStatement, StatementPage};
use cairn_lrs::multipart::{self, Part};
use cairn_lrs::{AttachmentPart, StatementQuery, format_statement, parse_statement_query};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::{Lrs, VERSION_HEADER, lrs_refusal, refusal};
use crate::AppState;

/// Largest statements request: batches of a few hundred statements with long
/// descriptions exceed the server's general limit.
pub const MAX_STATEMENTS_BODY: usize = 16 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/statements",
            get(get_statements).put(put_statement).post(post_statements),
        )
        .layer(DefaultBodyLimit::max(MAX_STATEMENTS_BODY))
}

fn params_of(raw: Option<&str>) -> Result<Vec<(String, String)>, Response> {
    serde_urlencoded::from_str(raw.unwrap_or_default()).map_err(|_| {
        refusal(
            StatusCode::BAD_REQUEST,
            "the query string is not well-formed URL encoding",
        )
    })
}

/// What a PUT or POST body holds: one statement, an array of them, or neither.
enum Sent<'a> {
    One(SentStatement<'a>),
    Many(Vec<SentStatement<'a>>),
    Neither,
}

impl Sent<'static> {
    fn of_value(v: Value) -> Self {
        match v {
            Value::Array(items) => Sent::Many(items.into_iter().map(SentStatement::from).collect()),
            v @ Value::Object(_) => Sent::One(v.into()),
            _ => Sent::Neither,
        }
    }
}

/// A JSON body's statements, each with its own text, which the LRS stores with what it
/// adds appended instead of serializing the parsed statement again.
fn sent_of_text(text: &str) -> Result<Sent<'_>, serde_json::Error> {
    fn one(t: &RawValue) -> Result<SentStatement<'_>, serde_json::Error> {
        let t = t.get();
        Ok(SentStatement {
            value: serde_json::from_str(t)?,
            text: Some(t),
        })
    }
    let whole: &RawValue = serde_json::from_str(text)?;
    Ok(match whole.get().as_bytes().first() {
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(whole.get())?;
            Sent::Many(items.into_iter().map(one).collect::<Result<_, _>>()?)
        }
        Some(b'{') => Sent::One(one(whole)?),
        _ => Sent::Neither,
    })
}

/// The statements of a PUT or POST body and the attachment parts that came with them:
/// application/json carries statements only, multipart/mixed the statements first and then
/// one part per attachment (xAPI Communication 1.5.2).
fn statements_body<'a>(
    headers: &HeaderMap,
    body: &'a Bytes,
) -> Result<(Sent<'a>, Vec<AttachmentPart>), Response> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = multipart::media_type_of(ct);
    let bad = |e: cairn_lrs::XapiError| refusal(StatusCode::BAD_REQUEST, &e.to_string());
    if media == "multipart/mixed" {
        let boundary = multipart::boundary_of(ct).map_err(bad)?;
        let parts = multipart::parse(&boundary, body).map_err(bad)?;
        let (v, attachments) = cairn_lrs::split_request(parts).map_err(bad)?;
        return Ok((Sent::of_value(v), attachments));
    }
    if media.starts_with("multipart/") {
        return Err(refusal(
            StatusCode::BAD_REQUEST,
            &format!(
                "statements with attachments are sent as multipart/mixed, not {media} (XAPI-00127)"
            ),
        ));
    }
    if media != "application/json" {
        return Err(refusal(
            StatusCode::BAD_REQUEST,
            "send statements as Content-Type: application/json, or multipart/mixed with attachments (xAPI 2.1.2)",
        ));
    }
    let not_json = |e: &dyn std::fmt::Display| {
        refusal(
            StatusCode::BAD_REQUEST,
            &format!("the body is not JSON: {e} (xAPI Data 2.2)"),
        )
    };
    let text = std::str::from_utf8(body).map_err(|e| not_json(&e))?;
    let sent = sent_of_text(text).map_err(|e| not_json(&e))?;
    Ok((sent, Vec::new()))
}

/// A `multipart/mixed` response: `first` as application/json, then each attachment
/// (xAPI Communication 2.1.3, `attachments=true`).
fn multipart_response(first: &Value, attachments: Vec<AttachmentRow>) -> Response {
    let json = serde_json::to_vec(first).unwrap_or_default();
    let mut parts = vec![Part {
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body: json,
    }];
    for a in attachments {
        parts.push(Part {
            headers: vec![
                ("Content-Type".to_owned(), a.content_type),
                ("Content-Transfer-Encoding".to_owned(), "binary".to_owned()),
                ("X-Experience-API-Hash".to_owned(), a.sha2),
            ],
            body: a.content,
        });
    }
    // A random boundary is all but sure not to occur in the parts; try another if it does.
    for _ in 0..4 {
        let boundary = format!("cairn-{}", Uuid::new_v4().simple());
        if let Ok(body) = multipart::write(&boundary, &parts) {
            let mut res = body.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("multipart/mixed; boundary={boundary}")) {
                res.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            return res;
        }
    }
    refusal(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the LRS could not write the attachments as multipart/mixed; ask without attachments=true",
    )
}

fn versioned(mut res: Response, lrs: &Lrs) -> Response {
    if let Ok(v) = HeaderValue::from_str(lrs.version.as_str()) {
        res.headers_mut().insert(VERSION_HEADER, v);
    }
    res
}

async fn put_statement(
    State(s): State<AppState>,
    lrs: Lrs,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let res = async {
        let params = params_of(raw.as_deref())?;
        let mut id = None;
        for (k, v) in &params {
            match k.as_str() {
                "statementId" => {
                    id = Some(Uuid::parse_str(v).map_err(|_| {
                        refusal(
                            StatusCode::BAD_REQUEST,
                            "statementId must be a UUID (XAPI-00011)",
                        )
                    })?)
                }
                other => {
                    return Err(refusal(
                        StatusCode::BAD_REQUEST,
                        &format!("PUT /statements takes only statementId, not {other:?}"),
                    ));
                }
            }
        }
        let Some(id) = id else {
            return Err(refusal(
                StatusCode::BAD_REQUEST,
                "PUT /statements needs the statementId parameter; POST stores statements without one (xAPI 2.1.2)",
            ));
        };
        let (sent, attachments) = statements_body(&headers, &body)?;
        let Sent::One(one) = sent else {
            return Err(refusal(
                StatusCode::BAD_REQUEST,
                "PUT takes one statement, a JSON object (xAPI 2.1.2)",
            ));
        };
        s.app
            .store_statements_with_attachments(
                &lrs.client(),
                lrs.version,
                vec![one],
                Some(id),
                &attachments,
            )
            .await
            .map_err(lrs_refusal)?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await;
    versioned(res.unwrap_or_else(|e| e), &lrs)
}

async fn post_statements(
    State(s): State<AppState>,
    lrs: Lrs,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let res = async {
        let params = params_of(raw.as_deref())?;
        if let Some((k, _)) = params.first() {
            return Err(refusal(
                StatusCode::BAD_REQUEST,
                &format!(
                    "POST /statements takes no parameters, not {k:?} (the alternate request syntax is not supported)"
                ),
            ));
        }
        let (sent, attachments) = statements_body(&headers, &body)?;
        let batch = match sent {
            Sent::Many(items) => items,
            Sent::One(one) => vec![one],
            Sent::Neither => {
                return Err(refusal(
                    StatusCode::BAD_REQUEST,
                    "POST takes a statement or an array of statements (xAPI 2.1.2)",
                ));
            }
        };
        let ids = s
            .app
            .store_statements_with_attachments(
                &lrs.client(),
                lrs.version,
                batch,
                None,
                &attachments,
            )
            .await
            .map_err(lrs_refusal)?;
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        Ok(axum::Json(ids).into_response())
    }
    .await;
    versioned(res.unwrap_or_else(|e| e), &lrs)
}

/// The languages of `Accept-Language`, most preferred first.
fn languages(headers: &HeaderMap) -> Vec<String> {
    let Some(v) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Vec::new();
    };
    let mut tagged: Vec<(f32, usize, String)> = v
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim();
            if tag.is_empty() {
                return None;
            }
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((q, i, tag.to_owned()))
        })
        .collect();
    tagged.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tagged.into_iter().map(|t| t.2).collect()
}

/// HTTP-date of a statement's `stored`.
fn http_date(stored: &str) -> Option<HeaderValue> {
    let t = OffsetDateTime::parse(stored, &Rfc3339).ok()?;
    let t = t.to_offset(time::UtcOffset::UTC);
    let f = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    HeaderValue::from_str(&t.format(&f).ok()?).ok()
}

fn consistent_through() -> Option<HeaderValue> {
    let now = OffsetDateTime::now_utc().format(&Rfc3339).ok()?;
    HeaderValue::from_str(&now).ok()
}

fn with_read_headers(mut res: Response, last_stored: Option<&str>) -> Response {
    if let Some(v) = consistent_through() {
        res.headers_mut()
            .insert("x-experience-api-consistent-through", v);
    }
    if let Some(v) = last_stored.and_then(http_date) {
        res.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    res
}

async fn get_statements(
    State(s): State<AppState>,
    lrs: Lrs,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let res = async {
        let mut params = params_of(raw.as_deref())?;
        let mut cursor = None;
        if params.iter().any(|(k, _)| k == "more") {
            let token = match params.as_slice() {
                [(_, token)] => token.clone(),
                _ => {
                    return Err(refusal(
                        StatusCode::BAD_REQUEST,
                        "a more URL is used as given, without other parameters",
                    ));
                }
            };
            let c = Cursor::decode(&token).ok_or_else(|| {
                refusal(
                    StatusCode::BAD_REQUEST,
                    "this more URL is not one this LRS gave; start the query again",
                )
            })?;
            params = c.params.clone();
            cursor = Some(c);
        }
        let q: StatementQuery = parse_statement_query(&params)
            .map_err(|e| refusal(StatusCode::BAD_REQUEST, &e.to_string()))?;
        let langs = languages(&headers);
        let client = lrs.client();
        let single = match (q.statement_id, q.voided_statement_id) {
            (Some(id), _) => Some((id, false)),
            (None, Some(id)) => Some((id, true)),
            (None, None) => None,
        };
        if let Some((id, voided)) = single {
            let found = s
                .app
                .statement(&client, id, voided)
                .await
                .map_err(lrs_refusal)?;
            let Some(st) = found else {
                let what = if voided {
                    "voided statement"
                } else {
                    "statement"
                };
                return Err(refusal(
                    StatusCode::NOT_FOUND,
                    &format!("no {what} with id {id} is stored here"),
                ));
            };
            let stored = st.get("stored").and_then(Value::as_str).map(str::to_owned);
            let body = format_statement(&st, q.format, &langs);
            let res = if q.attachments {
                let found = s
                    .app
                    .statement_attachments(&client, std::slice::from_ref(&st))
                    .await
                    .map_err(lrs_refusal)?;
                multipart_response(&body, found)
            } else {
                axum::Json(body).into_response()
            };
            return Ok(with_read_headers(res, stored.as_deref()));
        }
        let page: StatementPage = s
            .app
            .query_statements(&client, &q, &params, cursor.as_ref())
            .await
            .map_err(lrs_refusal)?;
        let last_stored = page
            .statements
            .iter()
            .filter_map(|st| st.get("stored").and_then(Value::as_str))
            .max()
            .map(str::to_owned);
        let statements: Vec<Value> = page
            .statements
            .iter()
            .map(|st| format_statement(st, q.format, &langs))
            .collect();
        let more = page
            .more
            .map(|c| format!("/xapi/statements?more={}", c.encode()))
            .unwrap_or_default();
        let result = json!({"statements": statements, "more": more});
        let res = if q.attachments {
            let found = s
                .app
                .statement_attachments(&client, &page.statements)
                .await
                .map_err(lrs_refusal)?;
            multipart_response(&result, found)
        } else {
            axum::Json(result).into_response()
        };
        Ok(with_read_headers(res, last_stored.as_deref()))
    }
    .await;
    // Whatever the answer, a refusal too (XAPI-00153).
    let mut res = res.unwrap_or_else(|e| e);
    if let Some(v) = consistent_through() {
        res.headers_mut()
            .entry("x-experience-api-consistent-through")
            .or_insert(v);
    }
    versioned(res, &lrs)
}
