//! Third-party accreditation of modules (decision 0019): accreditors keep review standards;
//! providers submit module versions with their assessments; the accreditor assigns
//! reviewers (never a member of the provider), reviewers score against the standard, and
//! the accreditor decides. A decision to accredit is signed as an OB 3.0
//! EndorsementCredential by the accreditor, public and verifiable like any credential;
//! withdrawing revokes it through the accreditor's status list. A later version is either
//! declared a minor change (the decision covers it too, recorded) or submitted again.
//!
//! Whether a module is accredited is read from valid, unrevoked endorsements at the time
//! asked about ([`App::now`]), never from a stored flag.

use cairn_core::accreditation::{
    Criterion, CriterionScore, Decision, Outcome, ReviewInput, ReviewSummary, Standard, Standing,
};
use cairn_core::{Organization, Principal};
use cairn_store::{AccreditationRow, AccreditedVersionRow, ReviewerRow, SubmissionRow};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError, Result};

/// A standard as an accreditor writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardInput {
    pub name: String,
    pub description: String,
    pub criteria: Vec<Criterion>,
}

/// What a provider submits: a published version of one of its modules, to an accreditor,
/// against one of the accreditor's standards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionInput {
    pub module_id: Uuid,
    /// The version number; none: the current published version.
    #[serde(default)]
    pub version: Option<i32>,
    /// The accreditor organization's slug.
    pub accreditor: String,
    pub standard_id: Uuid,
    #[serde(default)]
    pub note: Option<String>,
}

/// An assessment of the module, as it was when submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedAssessment {
    pub id: Uuid,
    pub title: String,
}

/// A reviewer's given review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GivenReview {
    pub scores: Vec<CriterionScore>,
    pub comment: String,
    pub recommendation: Outcome,
    pub reviewed_at: OffsetDateTime,
}

/// A reviewer of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewerView {
    pub user_id: Uuid,
    pub name: String,
    pub assigned_at: OffsetDateTime,
    pub review: Option<GivenReview>,
}

/// A member of the accreditor who could review, and why not if they cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewerCandidate {
    pub user_id: Uuid,
    pub name: String,
    /// The conflict of interest that bars them, in a sentence.
    pub conflict: Option<String>,
    pub assigned: bool,
}

/// A decision with where it stands now and the versions it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccreditationView {
    pub row: AccreditationRow,
    pub outcome: Outcome,
    pub standing: Standing,
    pub versions: Vec<AccreditedVersionRow>,
}

/// A submission with everything its page shows to the person looking.
#[derive(Debug, Clone)]
pub struct SubmissionView {
    pub submission: SubmissionRow,
    pub standard: Standard,
    pub assessments: Vec<SubmittedAssessment>,
    /// Reviewers and their reviews: all of them for the accreditor; for a reviewer, the
    /// others' reviews only once their own is given; for the provider, only once decided.
    pub reviewers: Vec<ReviewerView>,
    pub summary: Option<ReviewSummary>,
    pub decision: Option<AccreditationView>,
    /// Filled for the accreditor while the submission is open.
    pub candidates: Vec<ReviewerCandidate>,
    pub can_decide: bool,
    pub can_review: bool,
    pub can_withdraw: bool,
}

/// An accreditor and the standards a provider may submit against.
#[derive(Debug, Clone, Serialize)]
pub struct AccreditorChoice {
    pub org: Organization,
    pub standards: Vec<Standard>,
}

fn todo_foundation() -> AppError {
    AppError::Unavailable("accreditation is being built".into())
}

impl App {
    /// The default standard Cairn ships, for an accreditor to adopt or adapt.
    pub fn default_standard(&self) -> StandardInput {
        StandardInput {
            name: cairn_core::accreditation::DEFAULT_STANDARD_NAME.into(),
            description: String::new(),
            criteria: Vec::new(),
        }
    }

    /// Create a standard in an accreditor organization (`StandardManage`).
    pub async fn create_standard(
        &self,
        _by: &Principal,
        _slug: &str,
        _input: StandardInput,
    ) -> Result<Standard> {
        Err(todo_foundation())
    }

    /// An accreditor's standards; anyone may read them (they are published).
    pub async fn standards(&self, _slug: &str, _with_archived: bool) -> Result<Vec<Standard>> {
        Err(todo_foundation())
    }

    pub async fn standard(&self, _id: Uuid) -> Result<Standard> {
        Err(todo_foundation())
    }

    pub async fn archive_standard(&self, _by: &Principal, _slug: &str, _id: Uuid) -> Result<()> {
        Err(todo_foundation())
    }

    /// Accreditor organizations with at least one active standard.
    pub async fn accreditors(&self) -> Result<Vec<AccreditorChoice>> {
        Err(todo_foundation())
    }

    /// A provider submits a published module version (`AccreditationSubmit`).
    pub async fn submit_for_accreditation(
        &self,
        _by: &Principal,
        _provider_slug: &str,
        _input: SubmissionInput,
    ) -> Result<SubmissionRow> {
        Err(todo_foundation())
    }

    /// The provider takes back a submission not yet decided.
    pub async fn withdraw_submission(&self, _by: &Principal, _submission: Uuid) -> Result<()> {
        Err(todo_foundation())
    }

    /// A provider's submissions, newest first (`AccreditationSubmit`).
    pub async fn provider_submissions(
        &self,
        _by: &Principal,
        _slug: &str,
    ) -> Result<Vec<SubmissionRow>> {
        Err(todo_foundation())
    }

    /// Decisions about a provider's modules (`AccreditationSubmit`).
    pub async fn provider_accreditations(
        &self,
        _by: &Principal,
        _slug: &str,
    ) -> Result<Vec<AccreditationView>> {
        Err(todo_foundation())
    }

    /// An accreditor's submissions: open ones oldest first (`AccreditationDecide`).
    pub async fn accreditor_queue(
        &self,
        _by: &Principal,
        _slug: &str,
        _state: Option<&str>,
    ) -> Result<Vec<SubmissionRow>> {
        Err(todo_foundation())
    }

    /// An accreditor's decisions, newest first (`AccreditationDecide`).
    pub async fn accreditor_decisions(
        &self,
        _by: &Principal,
        _slug: &str,
    ) -> Result<Vec<AccreditationView>> {
        Err(todo_foundation())
    }

    /// A submission, for its provider, its accreditor, or a reviewer assigned to it.
    pub async fn submission(&self, _by: &Principal, _id: Uuid) -> Result<SubmissionView> {
        Err(todo_foundation())
    }

    /// Assign a reviewer of the accreditor; a member of the provider cannot be assigned.
    pub async fn assign_reviewer(
        &self,
        _by: &Principal,
        _submission: Uuid,
        _user: Uuid,
    ) -> Result<()> {
        Err(todo_foundation())
    }

    pub async fn unassign_reviewer(
        &self,
        _by: &Principal,
        _submission: Uuid,
        _user: Uuid,
    ) -> Result<()> {
        Err(todo_foundation())
    }

    /// The open submissions the signed-in reviewer is assigned to.
    pub async fn my_accreditation_reviews(&self, _by: &Principal) -> Result<Vec<SubmissionRow>> {
        Err(todo_foundation())
    }

    /// A reviewer scores the submission against the standard (once).
    pub async fn submit_accreditation_review(
        &self,
        _by: &Principal,
        _submission: Uuid,
        _input: ReviewInput,
    ) -> Result<()> {
        Err(todo_foundation())
    }

    /// The accreditor decides; a decision to accredit is signed as an endorsement.
    pub async fn decide_accreditation(
        &self,
        _by: &Principal,
        _submission: Uuid,
        _decision: Decision,
    ) -> Result<AccreditationView> {
        Err(todo_foundation())
    }

    /// The accreditor withdraws a decision to accredit: its endorsement is revoked.
    pub async fn withdraw_accreditation(
        &self,
        _by: &Principal,
        _accreditation: Uuid,
        _reason: &str,
    ) -> Result<AccreditationView> {
        Err(todo_foundation())
    }

    /// The provider answers the conditions.
    pub async fn respond_to_conditions(
        &self,
        _by: &Principal,
        _accreditation: Uuid,
        _response: &str,
    ) -> Result<AccreditationView> {
        Err(todo_foundation())
    }

    /// The accreditor confirms the conditions met.
    pub async fn confirm_conditions_met(
        &self,
        _by: &Principal,
        _accreditation: Uuid,
    ) -> Result<AccreditationView> {
        Err(todo_foundation())
    }

    /// The provider declares a later published version a minor change: the decision
    /// covers it too, and the declaration is recorded.
    pub async fn declare_minor_change(
        &self,
        _by: &Principal,
        _accreditation: Uuid,
        _version: i32,
        _rationale: &str,
    ) -> Result<AccreditationView> {
        Err(todo_foundation())
    }

    /// One decision. Decisions to accredit are public (their endorsements are); a decision
    /// not to accredit is seen only by the provider and the accreditor.
    pub async fn accreditation(
        &self,
        _by: Option<&Principal>,
        _id: Uuid,
    ) -> Result<AccreditationView> {
        Err(todo_foundation())
    }

    /// The public decisions about a module (accredited or with conditions), newest first.
    pub async fn module_accreditations(&self, _module: Uuid) -> Result<Vec<AccreditationView>> {
        Err(todo_foundation())
    }
}

/// A stored reviewer row as its view (parses the scores JSON).
#[allow(dead_code)]
pub(crate) fn reviewer_view(_row: &ReviewerRow) -> Result<ReviewerView> {
    Err(todo_foundation())
}
