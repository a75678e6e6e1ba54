//! Rubrics, performance evidence, the assessor queue, double marking, adjudication, appeals
//! and agreement statistics.

#[allow(unused_imports)]
use crate::{App, AppError, Result};

impl App {
    /// Demo step: rubrics for performance evidence. Runs after the demo assessments.
    pub(crate) async fn seed_demo_rubrics(&self, _orgs: &[cairn_core::Organization]) -> Result<()> {
        Ok(())
    }
}
