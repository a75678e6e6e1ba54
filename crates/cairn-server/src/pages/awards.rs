//! Pages for awards: a learner sees the chain of decisions behind each credential.
use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
