//! Cairn over HTTP: `router(state)` builds the whole application — JSON API under
//! `/api/v1`, its OpenAPI document at `/api/openapi.json`, server-rendered pages, health
//! checks and embedded assets.
//!
//! Handlers only extract input, call `cairn-app`, and turn the one domain error type into
//! RFC 9457 problem details ([`problem`]); permissions are decided in `cairn-app`.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod api;
mod assets;
mod auth;
pub mod i18n;
mod layers;
mod metrics;
mod pages;
pub mod problem;
mod xapi;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::get;
use cairn_app::App;
use cairn_app::ratelimit::RateLimiter;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use api::openapi;

/// Largest request body accepted anywhere, in bytes. Credentials and statements batches
/// that need more get their own, explicit limits.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Mark cookies `Secure` and send HSTS: set when the server is reached over https.
    pub secure_cookies: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<ServerConfig>,
    pub sign_in_limiter: Arc<RateLimiter>,
    /// Per client address; None when the configuration sets no limit.
    pub verify_limiter: Option<Arc<RateLimiter>>,
    pub metrics: Arc<metrics::Metrics>,
}

impl AppState {
    pub fn new(app: App, config: ServerConfig) -> Self {
        let limiter = RateLimiter::new(
            app.config.sign_in_attempts_per_window,
            app.config.sign_in_window,
        );
        let per_minute = app.config.verifications_per_minute;
        let verify_limiter = (per_minute > 0)
            .then(|| Arc::new(RateLimiter::new(per_minute, Duration::from_secs(60))));
        Self {
            app,
            config: Arc::new(config),
            sign_in_limiter: Arc::new(limiter),
            verify_limiter,
            metrics: Arc::default(),
        }
    }
}

impl AppState {
    /// Count one public verification from `peer`; refused while its address is over the
    /// limit, with the seconds to wait.
    pub(crate) fn check_verify_rate(
        &self,
        peer: Option<std::net::SocketAddr>,
    ) -> Result<(), cairn_app::AppError> {
        let Some(limiter) = &self.verify_limiter else {
            return Ok(());
        };
        let key = peer.map_or_else(|| "unknown".to_owned(), |p| p.ip().to_string());
        limiter
            .check(&key)
            .map_err(|retry_after_secs| cairn_app::AppError::RateLimited { retry_after_secs })
    }
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = api::routes().split_for_parts();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/api/openapi.json", get(api::openapi_json))
        .merge(api_router)
        .merge(pages::routes())
        .merge(assets::routes())
        .nest("/xapi", xapi::routes())
        .fallback(layers::not_found)
        .layer(axum::middleware::from_fn(layers::problem_for_api_errors))
        .layer(axum::middleware::from_fn(layers::page_language))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.config.clone(),
            layers::security_headers,
        ))
        .layer(PropagateRequestIdLayer::new(layers::REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(layers::request_span))
        .layer(SetRequestIdLayer::new(layers::REQUEST_ID, MakeRequestUuid))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            layers::panic_response,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state)
}

/// The process is up and serving.
async fn healthz() -> &'static str {
    "ok"
}

/// The database answers; load balancers send traffic only when this is 200.
async fn readyz(State(s): State<AppState>) -> (StatusCode, &'static str) {
    match s.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
