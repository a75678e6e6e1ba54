//! Pages for learners taking assessments and for providers keeping item banks and assessments.
use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
