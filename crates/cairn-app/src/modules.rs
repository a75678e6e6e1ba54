//! Micro-learning modules, their versions and lessons, learner progress, and the catalog.

use cairn_core::Organization;

use crate::{App, Result};

impl App {
    /// Seed step of the demo world (called inside its transaction, after the frameworks).
    pub(crate) async fn seed_demo_modules(
        &self,
        _tx: &mut cairn_store::Tx,
        _orgs: &[Organization],
    ) -> Result<()> {
        Ok(())
    }
}
