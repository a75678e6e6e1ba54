//! The xAPI Learning Record Store at `/xapi/` (xAPI 2.0, IEEE 9274.1.1; 1.0.3 clients too).
//! Its API is xAPI's own, not Cairn's `/api/v1`, so it is not in the OpenAPI document.

mod auth;
mod documents;
mod statements;

use axum::Router;

use crate::AppState;

#[allow(unused_imports)] // Used by the statements and documents resources.
pub use auth::Lrs;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(statements::routes())
        .merge(documents::routes())
}
