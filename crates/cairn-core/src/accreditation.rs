//! Third-party accreditation of modules: an accreditor's review standard (criteria with
//! levels and guidance), reviewers' scores against it, the decision and its validity, and
//! the rules that say whether a decision still counts.
//!
//! The decision itself is signed elsewhere (an OB 3.0 EndorsementCredential); here are the
//! rules only, as plain data and pure functions.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Most criteria a standard may have, and most levels per criterion.
pub const CRITERIA_MAX: usize = 30;
pub const LEVELS_MAX: usize = 6;
/// Longest comment a reviewer may write on one criterion, or overall.
pub const COMMENT_MAX_CHARS: usize = 4000;

/// One level of a criterion, from the lowest (score 0) up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionLevel {
    /// 0, 1, 2… in order: the level's place on the criterion's scale.
    pub score: u8,
    pub label: String,
    /// What a module at this level looks like.
    pub descriptor: String,
}

/// What a standard asks of a module on one subject (accuracy, accessibility…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    /// Short stable name within the standard, e.g. `accuracy`; reviews refer to it.
    pub key: String,
    pub title: String,
    /// How a reviewer should judge it: what to look at, what counts.
    pub guidance: String,
    pub levels: Vec<CriterionLevel>,
    /// The lowest score that meets the criterion; below it, the module cannot be
    /// accredited without conditions.
    pub pass_score: u8,
}

/// An accreditor's review standard. Immutable once created: a changed standard is a new
/// one, so every review keeps the criteria it was scored against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standard {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub description: String,
    pub criteria: Vec<Criterion>,
    pub archived: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
}

/// A reviewer's judgement of one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionScore {
    pub criterion: String,
    pub score: u8,
    #[serde(default)]
    pub comment: String,
}

/// What an accreditor decides, and what a reviewer recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Accredited,
    /// Accredited, with conditions the provider must meet by a due date.
    Conditional,
    NotAccredited,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [
        Outcome::Accredited,
        Outcome::Conditional,
        Outcome::NotAccredited,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accredited => "accredited",
            Outcome::Conditional => "conditional",
            Outcome::NotAccredited => "not_accredited",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Accredited => "Accredited",
            Outcome::Conditional => "Accredited with conditions",
            Outcome::NotAccredited => "Not accredited",
        }
    }

    /// Whether the decision makes the module accredited (and is signed as an endorsement).
    pub fn accredits(self) -> bool {
        !matches!(self, Outcome::NotAccredited)
    }
}

/// Where a submission is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionState {
    /// Waiting for the accreditor to assign reviewers.
    Submitted,
    /// Reviewers assigned; reviewing or awaiting the decision.
    InReview,
    Decided,
    /// Taken back by the provider before a decision.
    Withdrawn,
}

impl SubmissionState {
    pub const ALL: [SubmissionState; 4] = [
        SubmissionState::Submitted,
        SubmissionState::InReview,
        SubmissionState::Decided,
        SubmissionState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionState::Submitted => "submitted",
            SubmissionState::InReview => "in_review",
            SubmissionState::Decided => "decided",
            SubmissionState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    pub fn is_open(self) -> bool {
        matches!(self, SubmissionState::Submitted | SubmissionState::InReview)
    }
}

/// Where a decision stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Counts: the module is accredited.
    Current,
    /// Counts, but the conditions are past due and not confirmed met.
    ConditionsOverdue,
    /// Its validity period ended without renewal.
    Lapsed,
    /// The accreditor withdrew it (its endorsement is revoked).
    Withdrawn,
    /// The decision was not to accredit.
    NotAccredited,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Current => "current",
            Standing::ConditionsOverdue => "conditions_overdue",
            Standing::Lapsed => "lapsed",
            Standing::Withdrawn => "withdrawn",
            Standing::NotAccredited => "not_accredited",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Current => "Current",
            Standing::ConditionsOverdue => "Conditions overdue",
            Standing::Lapsed => "Lapsed",
            Standing::Withdrawn => "Withdrawn",
            Standing::NotAccredited => "Not accredited",
        }
    }

    /// Whether the module counts as accredited.
    pub fn counts(self) -> bool {
        matches!(self, Standing::Current | Standing::ConditionsOverdue)
    }
}

/// The facts of a decision that its standing depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionFacts {
    pub outcome: Outcome,
    pub valid_until: OffsetDateTime,
    pub conditions_due: Option<Date>,
    pub conditions_met: bool,
    pub withdrawn: bool,
}

/// A decision as the accreditor states it, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub outcome: Outcome,
    /// Why: what the reviews found and what the decision rests on.
    pub rationale: String,
    /// For `conditional`: what the provider must do.
    #[serde(default)]
    pub conditions: Option<String>,
    /// For `conditional`: by when.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub conditions_due: Option<Date>,
    /// End of the validity period (ignored for `not_accredited`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub valid_until: Option<Date>,
}

/// A reviewer's review as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewInput {
    pub scores: Vec<CriterionScore>,
    #[serde(default)]
    pub comment: String,
    pub recommendation: Outcome,
}

/// One criterion across the reviews given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionSummary {
    pub key: String,
    pub title: String,
    pub scores: Vec<u8>,
    pub mean: Option<f64>,
    pub lowest: Option<u8>,
    pub pass_score: u8,
    /// Some reviewer scored it below its pass score.
    pub below_pass: bool,
    /// Reviewers' scores differ by two levels or more: worth a conversation.
    pub disagreement: bool,
}

/// What the reviews say together, to inform (never make) the accreditor's decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewSummary {
    pub reviews: usize,
    pub criteria: Vec<CriterionSummary>,
    /// How many reviewers recommended each outcome, in `Outcome::ALL` order.
    pub recommendations: Vec<(Outcome, usize)>,
    /// The outcome the scores point to, with the sentence that explains it.
    pub suggested: Option<Outcome>,
    pub explanation: String,
}

/// Why a reviewer may not review a provider's module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error(
        "{reviewer} is a member of {provider}, the provider of this module, and so cannot review it"
    )]
    MemberOfProvider { reviewer: String, provider: String },
    #[error("{reviewer} is not a reviewer of {accreditor}")]
    NotAReviewer {
        reviewer: String,
        accreditor: String,
    },
}

/// The criteria of the default standard Cairn ships, for an accreditor to adopt or adapt.
pub const DEFAULT_STANDARD_NAME: &str = "Cairn quality standard for healthcare micro-learning";
