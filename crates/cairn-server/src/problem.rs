//! RFC 9457 problem details: the one shape of every API error, and the single place where
//! a domain error becomes an HTTP status.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem detail (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong and what to do about it.
    pub detail: String,
    /// Field-level problems of invalid input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Give this to an operator to find the request in the logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip)]
    retry_after: Option<u64>,
    #[serde(skip)]
    challenge: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            request_id: None,
            retry_after: None,
            challenge: false,
        }
    }

    fn typed(mut self, kind: &str) -> Self {
        self.kind = format!("https://cairn.dev/problems/{kind}");
        self
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        let detail = e.to_string();
        match e {
            AppError::Invalid(inv) => {
                let mut p =
                    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail).typed("invalid-input");
                p.errors.push(FieldProblem {
                    field: inv.field.to_owned(),
                    message: inv.message,
                });
                p
            }
            AppError::Unauthenticated(_) => {
                let mut p = Problem::new(StatusCode::UNAUTHORIZED, detail).typed("unauthenticated");
                p.challenge = true;
                p
            }
            AppError::Forbidden(_) => {
                Problem::new(StatusCode::FORBIDDEN, detail).typed("forbidden")
            }
            AppError::NotFound(_) => Problem::new(StatusCode::NOT_FOUND, detail).typed("not-found"),
            AppError::Conflict(_) => Problem::new(StatusCode::CONFLICT, detail).typed("conflict"),
            AppError::Locked { until } => {
                let mut p =
                    Problem::new(StatusCode::TOO_MANY_REQUESTS, detail).typed("account-locked");
                let secs = (until - cairn_app::now()).whole_seconds().max(1);
                p.retry_after = Some(secs as u64);
                p
            }
            AppError::RateLimited { retry_after_secs } => {
                let mut p =
                    Problem::new(StatusCode::TOO_MANY_REQUESTS, detail).typed("rate-limited");
                p.retry_after = Some(retry_after_secs);
                p
            }
            AppError::Unavailable(_) => {
                Problem::new(StatusCode::SERVICE_UNAVAILABLE, detail).typed("unavailable")
            }
            AppError::Internal(_) => {
                // The cause is logged where it happened; clients get no internals.
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on the server; it has been logged — try again, and if it persists give the request id to your administrator",
                )
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let retry = self.retry_after;
        let challenge = self.challenge;
        let mut res = (status, Json(self)).into_response();
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = retry
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            h.insert(header::RETRY_AFTER, v);
        }
        if challenge {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"cairn\""),
            );
        }
        res
    }
}

/// The error type of API handlers.
pub struct ApiError(pub Problem);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e.into())
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError(p)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

/// `Json<T>` whose rejections are problem details that say what is wrong with the body.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rej) => Err(ApiError(json_rejection(rej))),
        }
    }
}

pub(crate) fn json_rejection(rej: JsonRejection) -> Problem {
    let status = rej.status();
    let detail = match &rej {
        JsonRejection::JsonSyntaxError(e) => {
            format!("the request body is not valid JSON: {}", inner(e))
        }
        JsonRejection::JsonDataError(e) => {
            format!("the JSON does not have the expected shape: {}", inner(e))
        }
        JsonRejection::MissingJsonContentType(_) => {
            "send the body as JSON with the header 'Content-Type: application/json'".to_owned()
        }
        JsonRejection::BytesRejection(_) if status == StatusCode::PAYLOAD_TOO_LARGE => format!(
            "the request body is larger than the limit of {} bytes",
            crate::MAX_BODY_BYTES
        ),
        other => other.body_text(),
    };
    let kind = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "too-large"
    } else {
        "bad-request"
    };
    Problem::new(status, detail).typed(kind)
}

fn inner(e: &dyn std::error::Error) -> String {
    // serde's message ("expected `,` at line 1 column 9") is the useful part.
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg = s.to_string();
        src = s.source();
    }
    msg
}
