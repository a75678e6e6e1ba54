//! Assignments under `/api/v1`.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
}
