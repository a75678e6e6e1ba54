//! (being built)

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
}
