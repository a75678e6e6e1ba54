//! Pages for evidence: learners submit and appeal, assessors work their queue, providers see statistics.
use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
