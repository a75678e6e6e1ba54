//! Catalog, module and lesson pages, and the author's module editor.

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
