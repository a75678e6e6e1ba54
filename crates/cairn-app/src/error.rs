use cairn_core::authz::Denied;
use cairn_core::validate::Invalid;
use cairn_store::StoreError;
use time::OffsetDateTime;

/// Every way a use case can fail, each with a message that tells the user what to do.
/// The server maps each variant to one HTTP status in a single place.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(Denied),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("this account is locked after too many failed sign-ins; try again after {}", until.time().to_string())]
    Locked { until: OffsetDateTime },
    #[error("too many attempts; wait {retry_after_secs} seconds and try again")]
    RateLimited { retry_after_secs: u64 },
    /// The server is not set up for this (e.g. no master key to sign with).
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound(what.to_owned()),
            StoreError::Conflict(what) => AppError::Conflict(format!("{what} already exists")),
            other => {
                tracing::error!(error = %other, "storage failure");
                AppError::Internal(other.to_string())
            }
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
