//! What `/metrics` reports beyond the HTTP counters: the background work waiting in the
//! outboxes. Aggregates only — no person, organization or credential is named.

use cairn_store::Backlog;

use crate::{App, Result};

impl App {
    /// The outboxes' backlogs: awards waiting to be signed or set aside, e-mails waiting
    /// or given up. A growing backlog means the workers are not keeping up or are failing.
    pub async fn backlog(&self) -> Result<Backlog> {
        let mut r = self.store.reader().await?;
        Ok(r.conn().backlog().await?)
    }
}
