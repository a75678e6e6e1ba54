//! Cairn's use cases. The CLI and the server both call these functions; neither decides
//! permissions or writes to the database itself.
//!
//! Every use case that changes something runs in one transaction that also appends the
//! audit event recording the change.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod accounts;
pub mod accreditation;
mod accreditation_demo;
pub mod assessments;
pub mod assignments;
pub mod awards;
pub mod clr;
pub mod config;
pub mod credentials;
pub mod csv_import;
pub mod demo;
mod error;
pub mod frameworks;
pub mod icd11;
pub mod jobs;
pub mod keys;
pub mod lrs;
pub mod lrs_docs;
mod metrics;
pub mod modules;
pub mod notify;
pub mod orgs;
pub mod pathways;
pub mod ratelimit;
pub mod registry;
pub mod reviews;
pub mod role_templates;
pub mod security;
mod stack_demo;
pub mod stacks;
pub mod tabular;
pub mod workforce;
mod workforce_demo;
mod xapi_demo;
mod xapi_emit;
mod xapi_evidence;

use cairn_core::Principal;
use cairn_core::audit::AuditEntry;
use cairn_core::authz::{self, Action};
pub use cairn_store::{Backend, Store};
use time::OffsetDateTime;
use uuid::Uuid;

pub use config::AppConfig;
pub use error::{AppError, Result};

/// Everything a use case needs: storage and configuration. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub config: std::sync::Arc<AppConfig>,
    /// Shared by clones, so every request of one server sees the same cache.
    trust_cache: std::sync::Arc<registry::TrustCache>,
}

impl App {
    pub fn new(store: Store, config: AppConfig) -> Self {
        Self {
            store,
            config: std::sync::Arc::new(config),
            trust_cache: Default::default(),
        }
    }

    /// The application's time: real time unless a test moved [`config::Clock`] forward.
    pub fn now(&self) -> OffsetDateTime {
        self.config.clock.now()
    }

    /// Open the database at `url` and bring its schema up to date.
    pub async fn open(url: &str, config: AppConfig) -> Result<Self> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(Self::new(store, config))
    }
}

/// The current time at the precision the databases keep.
pub fn now() -> OffsetDateTime {
    cairn_core::truncate_micros(OffsetDateTime::now_utc())
}

/// Ask the authorization module; the one way use cases check permissions.
pub(crate) fn require(p: &Principal, action: Action, org: Option<Uuid>) -> Result<()> {
    authz::authorize(p, action, org).map_err(AppError::Forbidden)
}

pub(crate) fn audit_entry(
    p: &Principal,
    org: Option<Uuid>,
    action: &str,
    subject: String,
    detail: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        actor: p.actor(),
        org_id: org,
        action: action.to_owned(),
        subject,
        detail: detail.to_string(),
    }
}
