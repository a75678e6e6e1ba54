//! Long operations (bulk award, CSV imports, ICD-11 import): their progress pages.

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
