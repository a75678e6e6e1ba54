//! The issuer admin's pages: achievements, signing keys, and a credential's status
//! (suspend, reinstate, revoke).

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
