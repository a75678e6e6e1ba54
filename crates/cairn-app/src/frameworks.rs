//! Competency frameworks: CASE 1.0/1.1 import and export, the shipped healthcare framework.

use crate::{App, Result};

impl App {
    /// Seed step of the demo world (called inside its transaction).
    pub(crate) async fn seed_demo_frameworks(&self, _tx: &mut cairn_store::Tx) -> Result<()> {
        Ok(())
    }
}
