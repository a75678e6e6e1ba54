//! Third-party accreditation of modules: an accreditor's review standard (criteria with
//! levels and guidance), reviewers' scores against it, the decision and its validity, and
//! the rules that say whether a decision still counts.
//!
//! The decision itself is signed elsewhere (an OB 3.0 EndorsementCredential); here are the
//! rules only, as plain data and pure functions.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::entities::Role;
use crate::validate::{self, Invalid};

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

/// Longest guidance of a criterion, descriptor of a level, or description of a standard.
pub const TEXT_MAX_CHARS: usize = 4000;
/// Longest criterion key.
pub const KEY_MAX_CHARS: usize = 40;
/// The furthest ahead a validity period may end, in years: an accreditation that never
/// has to be renewed says nothing about the module as it is now.
pub const VALIDITY_MAX_YEARS: i32 = 10;

/// (score, label) of the four levels every criterion of the default standard has.
const DEFAULT_LEVELS: [(u8, &str); 4] = [
    (0, "Not met"),
    (1, "Partly met"),
    (2, "Met"),
    (3, "Exemplary"),
];

/// (key, title, guidance, [descriptor for levels 0..=3]) of the default standard.
const DEFAULT_CRITERIA: [(&str, &str, &str, [&str; 4]); 7] = [
    (
        "accuracy",
        "Accuracy and currency",
        "Check every clinical statement, dose, threshold, code and guideline reference against \
         current authoritative sources (national guidelines, the current ICD-11 release, the \
         product label). Note the date each source was checked and whether the module names \
         when it will next be reviewed. A single error that could harm a patient is enough to \
         score below Met.",
        [
            "Contains clinical errors or outdated guidance that could lead to unsafe practice, or gives no sources.",
            "Mostly accurate, but some statements are outdated, unsourced or imprecise; none is unsafe.",
            "Accurate and consistent with current guidance; key statements are sourced and the content carries a review date.",
            "Accurate and fully sourced to current guidance, with a named clinical reviewer, a review date and a stated plan for updates when guidance changes.",
        ],
    ),
    (
        "alignment",
        "Objectives aligned to competencies",
        "Read the stated objectives, then the content and the assessment. Each objective should \
         be observable (\"assigns\", \"explains\", not \"understands\"), be taught by the content, \
         be checked by the assessment, and map to a named competency of a recognised framework \
         at a level a 5 to 20 minute module can plausibly reach.",
        [
            "Objectives are missing, vague or unrelated to what the module teaches and assesses.",
            "Objectives are stated but some are not observable, not taught, not assessed or not mapped to competencies.",
            "Every objective is observable, taught, assessed and mapped to a competency at a plausible level.",
            "Objectives, content, assessment and competency levels line up one to one, and the module says which competencies it does not cover.",
        ],
    ),
    (
        "assessment_validity",
        "Validity of the assessment",
        "Look at the submitted assessments and their items. Items should test the objectives \
         (not trivia or reading speed), have one defensible answer, use realistic clinical \
         scenarios where judgement is claimed, and have a cut score that is justified. Check \
         that items cannot be answered from the stem alone and that feedback explains the \
         correct answer.",
        [
            "No assessment, or items that do not test the objectives or have wrong or ambiguous keys.",
            "Items test some objectives; several are recall-only, cueing or ambiguous, or the cut score is unexplained.",
            "Items test every objective with one defensible answer, scenarios where judgement is claimed, and a stated cut score.",
            "As Met, plus item statistics or expert review support the items and the cut score, and feedback teaches from each wrong answer.",
        ],
    ),
    (
        "instructional_design",
        "Instructional design for micro-learning",
        "Judge whether a busy clinician can complete the module in 5 to 20 minutes and come away \
         able to do something. One focused topic, content in small steps, worked examples from \
         practice, active practice with feedback before the assessment, and no padding. The \
         stated duration should match the actual reading and practice time.",
        [
            "Unfocused or far longer than stated; mostly passive text with no practice or feedback.",
            "Focused, but with long passive stretches, little practice, or a duration that understates the real time.",
            "One focused topic in short steps with practical examples, practice with feedback, and an honest duration.",
            "As Met, and the design is evidently tested with learners (completion data or pilot feedback) and revised from it.",
        ],
    ),
    (
        "accessibility",
        "Accessibility",
        "Check the module against WCAG 2.2 level AA as a learner would use it: keyboard only, a \
         screen reader, zoom to 200%, captions and transcripts for audio and video, text \
         alternatives for images, sufficient colour contrast and no meaning carried by colour \
         alone. Plain language matters too: clinical terms are explained at first use.",
        [
            "Cannot be completed with a keyboard or screen reader, or media has no captions or transcripts.",
            "Usable with assistive technology but with gaps: missing alternatives, low contrast or unexplained jargon.",
            "Meets WCAG 2.2 AA in the checks above and uses plain language with terms explained.",
            "As Met, and the provider has tested it with disabled learners and publishes an accessibility statement.",
        ],
    ),
    (
        "bias_inclusion",
        "Bias and inclusion",
        "Read examples, images, scenarios and assessment items for stereotypes and for who is \
         shown. Clinical content should note where presentation differs across sex, age, skin \
         tone or ethnicity (for example skin findings on darker skin), avoid assumptions about \
         patients' culture or language, and items should not depend on knowledge unrelated to \
         the competency.",
        [
            "Contains stereotypes, or clinical guidance that is wrong for groups it does not mention.",
            "No stereotypes, but examples show a narrow range of patients and relevant differences are not mentioned.",
            "Examples and images reflect the patients served, and relevant differences in presentation are stated.",
            "As Met, and the content was reviewed by people from the groups it depicts, with the review recorded.",
        ],
    ),
    (
        "privacy",
        "Privacy of learner and patient data",
        "Check what the module and its assessment collect about learners (progress, answers, \
         free text) and that learners are told what, why and for how long. Case material must \
         not identify real patients: names, dates, images and rare details removed or consented. \
         Tracking beyond what the course needs (third-party analytics, advertising) is not met.",
        [
            "Identifiable patient data in the content, or learner data collected or shared without saying so.",
            "No identifiable patients, but the learner is not clearly told what is collected or kept.",
            "Case material is de-identified and learners are told what is collected, why and for how long; nothing beyond what the course needs.",
            "As Met, with data minimised by design (no free-text personal data, retention limits enforced) and a named contact for privacy questions.",
        ],
    ),
];

/// The default standard Cairn ships, as (name, description, criteria): seven criteria on
/// a four-level scale (0 Not met … 3 Exemplary), each met at 2.
pub fn default_standard() -> (String, String, Vec<Criterion>) {
    let criteria = DEFAULT_CRITERIA
        .iter()
        .map(|(key, title, guidance, descriptors)| Criterion {
            key: (*key).into(),
            title: (*title).into(),
            guidance: (*guidance).into(),
            levels: DEFAULT_LEVELS
                .iter()
                .zip(descriptors)
                .map(|((score, label), d)| CriterionLevel {
                    score: *score,
                    label: (*label).into(),
                    descriptor: (*d).into(),
                })
                .collect(),
            pass_score: 2,
        })
        .collect();
    (
        DEFAULT_STANDARD_NAME.into(),
        "What an accreditor checks before endorsing a healthcare micro-learning module of 5 to \
         20 minutes: that it is accurate and current, teaches and assesses what it claims, can \
         be completed by every learner, treats patients and learners fairly, and protects their \
         data. A module is accredited when every criterion is met (2 or above); a criterion \
         partly met can be accredited with conditions."
            .into(),
        criteria,
    )
}

fn criterion_label(index: usize, c: &Criterion) -> String {
    let t = c.title.trim();
    if t.is_empty() {
        format!("criterion {}", index + 1)
    } else {
        format!("criterion {} \"{t}\"", index + 1)
    }
}

fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

/// Check a standard before it is stored; the first problem is named by its criterion.
pub fn validate_standard(
    name: &str,
    description: &str,
    criteria: &[Criterion],
) -> Result<(), Invalid> {
    validate::name("name", name)?;
    if too_long(description, TEXT_MAX_CHARS) {
        return Err(Invalid::new(
            "description",
            format!("is longer than {TEXT_MAX_CHARS} characters"),
        ));
    }
    if criteria.is_empty() {
        return Err(Invalid::new(
            "criteria",
            "a standard needs at least one criterion",
        ));
    }
    if criteria.len() > CRITERIA_MAX {
        return Err(Invalid::new(
            "criteria",
            format!(
                "has {} criteria; the limit is {CRITERIA_MAX}",
                criteria.len()
            ),
        ));
    }
    let mut keys = BTreeSet::new();
    for (i, c) in criteria.iter().enumerate() {
        let label = criterion_label(i, c);
        if c.key.is_empty() {
            return Err(Invalid::new(
                "criteria",
                format!("{label} needs a key, e.g. \"accuracy\""),
            ));
        }
        if too_long(&c.key, KEY_MAX_CHARS)
            || !c
                .key
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        {
            return Err(Invalid::new(
                "criteria",
                format!(
                    "{label}: the key \"{}\" may use only a-z, 0-9 and _, at most {KEY_MAX_CHARS} characters",
                    c.key
                ),
            ));
        }
        if !keys.insert(c.key.as_str()) {
            return Err(Invalid::new(
                "criteria",
                format!(
                    "{label} has the key \"{}\" of an earlier criterion; keys must be unique",
                    c.key
                ),
            ));
        }
        validate::name("criteria", &c.title).map_err(|e| {
            Invalid::new(
                "criteria",
                format!("criterion {}: title {}", i + 1, e.message),
            )
        })?;
        if too_long(&c.guidance, TEXT_MAX_CHARS) {
            return Err(Invalid::new(
                "criteria",
                format!("{label}: the guidance is longer than {TEXT_MAX_CHARS} characters"),
            ));
        }
        let n = c.levels.len();
        if !(2..=LEVELS_MAX).contains(&n) {
            return Err(Invalid::new(
                "criteria",
                format!(
                    "{label} has {n} level(s); give it 2 to {LEVELS_MAX}, scored 0, 1, 2… from the lowest"
                ),
            ));
        }
        for (j, l) in c.levels.iter().enumerate() {
            if usize::from(l.score) != j {
                return Err(Invalid::new(
                    "criteria",
                    format!(
                        "{label}: level {} is scored {} but should be scored {j}; list levels lowest first, scored 0, 1, 2…",
                        j + 1,
                        l.score
                    ),
                ));
            }
            validate::name("criteria", &l.label).map_err(|e| {
                Invalid::new(
                    "criteria",
                    format!("{label}, level {j}: the label {}", e.message),
                )
            })?;
            let d = l.descriptor.trim();
            if d.is_empty() {
                return Err(Invalid::new(
                    "criteria",
                    format!("{label}, level {j}: describe what a module at this level looks like"),
                ));
            }
            if too_long(d, TEXT_MAX_CHARS) {
                return Err(Invalid::new(
                    "criteria",
                    format!(
                        "{label}, level {j}: the descriptor is longer than {TEXT_MAX_CHARS} characters"
                    ),
                ));
            }
        }
        let top = n - 1;
        if c.pass_score == 0 || usize::from(c.pass_score) > top {
            return Err(Invalid::new(
                "criteria",
                format!(
                    "{label}: the pass score is {} but must be between 1 and {top}, the top level (0 would pass every module)",
                    c.pass_score
                ),
            ));
        }
    }
    Ok(())
}

/// Check a reviewer's review against the standard: every criterion scored once, within its
/// levels, and a recommendation the scores allow.
pub fn validate_review(standard: &Standard, review: &ReviewInput) -> Result<(), Invalid> {
    let mut seen: BTreeMap<&str, &CriterionScore> = BTreeMap::new();
    for s in &review.scores {
        let Some((i, c)) = standard
            .criteria
            .iter()
            .enumerate()
            .find(|(_, c)| c.key == s.criterion)
        else {
            return Err(Invalid::new(
                "scores",
                format!(
                    "\"{}\" is not a criterion of the standard \"{}\"",
                    s.criterion, standard.name
                ),
            ));
        };
        let label = criterion_label(i, c);
        if seen.insert(c.key.as_str(), s).is_some() {
            return Err(Invalid::new(
                "scores",
                format!("{label} is scored more than once"),
            ));
        }
        let top = c.levels.len().saturating_sub(1);
        if usize::from(s.score) > top {
            return Err(Invalid::new(
                "scores",
                format!(
                    "{label} is scored {} but its levels go from 0 to {top}",
                    s.score
                ),
            ));
        }
        if too_long(&s.comment, COMMENT_MAX_CHARS) {
            return Err(Invalid::new(
                "scores",
                format!("{label}: the comment is longer than {COMMENT_MAX_CHARS} characters"),
            ));
        }
    }
    for (i, c) in standard.criteria.iter().enumerate() {
        if !seen.contains_key(c.key.as_str()) {
            return Err(Invalid::new(
                "scores",
                format!("{} has no score", criterion_label(i, c)),
            ));
        }
    }
    if too_long(&review.comment, COMMENT_MAX_CHARS) {
        return Err(Invalid::new(
            "comment",
            format!("is longer than {COMMENT_MAX_CHARS} characters"),
        ));
    }
    if review.recommendation == Outcome::Accredited {
        let below: Vec<String> = standard
            .criteria
            .iter()
            .filter_map(|c| {
                let s = seen.get(c.key.as_str())?;
                (s.score < c.pass_score).then(|| {
                    format!(
                        "{} (scored {}, pass score {})",
                        c.title.trim(),
                        s.score,
                        c.pass_score
                    )
                })
            })
            .collect();
        if !below.is_empty() {
            return Err(Invalid::new(
                "recommendation",
                format!(
                    "you recommend accrediting without conditions, but {} {} below the pass score; recommend accredited with conditions or not accredited, or change the score",
                    join_and(&below),
                    if below.len() == 1 { "is" } else { "are" }
                ),
            ));
        }
    }
    Ok(())
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What the given reviews (scores and recommendation of each) say together.
pub fn summarize(standard: &Standard, reviews: &[(Vec<CriterionScore>, Outcome)]) -> ReviewSummary {
    let criteria: Vec<CriterionSummary> = standard
        .criteria
        .iter()
        .map(|c| {
            let scores: Vec<u8> = reviews
                .iter()
                .filter_map(|(s, _)| s.iter().find(|s| s.criterion == c.key).map(|s| s.score))
                .collect();
            let lowest = scores.iter().copied().min();
            let highest = scores.iter().copied().max();
            let mean = (!scores.is_empty())
                .then(|| scores.iter().map(|s| f64::from(*s)).sum::<f64>() / scores.len() as f64);
            CriterionSummary {
                key: c.key.clone(),
                title: c.title.clone(),
                below_pass: lowest.is_some_and(|l| l < c.pass_score),
                disagreement: matches!((lowest, highest), (Some(l), Some(h)) if h - l >= 2),
                scores,
                mean,
                lowest,
                pass_score: c.pass_score,
            }
        })
        .collect();
    let recommendations: Vec<(Outcome, usize)> = Outcome::ALL
        .into_iter()
        .map(|o| (o, reviews.iter().filter(|(_, r)| *r == o).count()))
        .collect();
    let n = reviews.len();
    let against = reviews
        .iter()
        .filter(|(_, r)| *r == Outcome::NotAccredited)
        .count();
    let titles = |pick: &dyn Fn(&CriterionSummary) -> bool| -> Vec<String> {
        criteria
            .iter()
            .filter(|c| pick(c))
            .map(|c| c.title.trim().to_owned())
            .collect()
    };
    let failing = titles(&|c| c.mean.is_some_and(|m| m < 1.0));
    let below = titles(&|c| c.below_pass);
    let reviewers = |k: usize| {
        if k == 1 {
            "1 reviewer".to_owned()
        } else {
            format!("{k} reviewers")
        }
    };
    let (suggested, explanation) = if n == 0 {
        (None, "No review has been given yet.".to_owned())
    } else if against * 2 > n {
        (
            Some(Outcome::NotAccredited),
            format!("{} of {n} recommend not accrediting.", reviewers(against)),
        )
    } else if !failing.is_empty() {
        (
            Some(Outcome::NotAccredited),
            format!(
                "{} {} scored below 1 on average, which conditions are unlikely to remedy.",
                join_and(&failing),
                if failing.len() == 1 { "is" } else { "are" }
            ),
        )
    } else if !below.is_empty() {
        (
            Some(Outcome::Conditional),
            format!(
                "{} {} scored below the pass score by at least one reviewer, so conditions could address {}.",
                join_and(&below),
                if below.len() == 1 { "was" } else { "were" },
                if below.len() == 1 { "it" } else { "them" }
            ),
        )
    } else {
        (
            Some(Outcome::Accredited),
            format!(
                "Every criterion was scored at or above its pass score by all {}.",
                reviewers(n)
            ),
        )
    };
    ReviewSummary {
        reviews: n,
        criteria,
        recommendations,
        suggested,
        explanation,
    }
}

/// The end of the last day of a validity period: 23:59:59 UTC.
pub fn end_of_day(date: Date) -> OffsetDateTime {
    date.with_hms(23, 59, 59)
        .unwrap_or_else(|_| date.midnight())
        .assume_utc()
}

/// `date` moved `years` ahead; 29 February becomes 28 February in a common year.
fn years_after(date: Date, years: i32) -> Date {
    let y = date.year() + years;
    date.replace_year(y)
        .or_else(|_| date.replace_day(28).and_then(|d| d.replace_year(y)))
        .unwrap_or(date)
}

/// Check a decision as stated at `now`; the end of its validity period (whole seconds,
/// UTC). A decision not to accredit ends at once: it is valid for nothing.
pub fn validate_decision(d: &Decision, now: OffsetDateTime) -> Result<OffsetDateTime, Invalid> {
    let now = now.to_offset(time::UtcOffset::UTC);
    let today = now.date();
    let rationale = d.rationale.trim();
    if rationale.is_empty() {
        return Err(Invalid::new(
            "rationale",
            "say why: what the reviews found and what the decision rests on",
        ));
    }
    if too_long(rationale, COMMENT_MAX_CHARS) {
        return Err(Invalid::new(
            "rationale",
            format!("is longer than {COMMENT_MAX_CHARS} characters"),
        ));
    }
    let conditions = d
        .conditions
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if d.outcome != Outcome::Conditional && (conditions.is_some() || d.conditions_due.is_some()) {
        return Err(Invalid::new(
            "conditions",
            format!(
                "a decision of \"{}\" carries no conditions; choose \"{}\" to set them",
                d.outcome.label(),
                Outcome::Conditional.label()
            ),
        ));
    }
    if d.outcome == Outcome::NotAccredited {
        return Ok(now.replace_nanosecond(0).unwrap_or(now));
    }
    let Some(until) = d.valid_until else {
        return Err(Invalid::new(
            "valid_until",
            "give the last day the accreditation is valid",
        ));
    };
    if until <= today {
        return Err(Invalid::new(
            "valid_until",
            format!("{until} is not after today ({today}); the period must end in the future"),
        ));
    }
    let latest = years_after(today, VALIDITY_MAX_YEARS);
    if until > latest {
        return Err(Invalid::new(
            "valid_until",
            format!(
                "{until} is more than {VALIDITY_MAX_YEARS} years ahead; choose {latest} or earlier"
            ),
        ));
    }
    if d.outcome == Outcome::Conditional {
        let Some(text) = conditions else {
            return Err(Invalid::new(
                "conditions",
                "say what the provider must do to meet the conditions",
            ));
        };
        if too_long(text, COMMENT_MAX_CHARS) {
            return Err(Invalid::new(
                "conditions",
                format!("is longer than {COMMENT_MAX_CHARS} characters"),
            ));
        }
        let Some(due) = d.conditions_due else {
            return Err(Invalid::new(
                "conditions_due",
                "give the date by which the conditions must be met",
            ));
        };
        if due <= today {
            return Err(Invalid::new(
                "conditions_due",
                format!("{due} is not after today ({today})"),
            ));
        }
        if due > until {
            return Err(Invalid::new(
                "conditions_due",
                format!(
                    "{due} is after the end of the validity period ({until}); conditions must be due before it ends"
                ),
            ));
        }
    }
    Ok(end_of_day(until))
}

/// Where a decision stands at `at`.
pub fn standing(d: &DecisionFacts, at: OffsetDateTime) -> Standing {
    if d.outcome == Outcome::NotAccredited {
        return Standing::NotAccredited;
    }
    if d.withdrawn {
        return Standing::Withdrawn;
    }
    if at >= d.valid_until {
        return Standing::Lapsed;
    }
    let today = at.to_offset(time::UtcOffset::UTC).date();
    if d.outcome == Outcome::Conditional
        && !d.conditions_met
        && d.conditions_due.is_some_and(|due| today > due)
    {
        return Standing::ConditionsOverdue;
    }
    Standing::Current
}

/// Whether a person may review a provider's module for an accreditor: they must hold the
/// reviewer role in the accreditor and must not be a member of the provider in any role.
/// `memberships` are all the person's (organization, role) pairs.
pub fn check_conflict(
    reviewer: &str,
    memberships: &[(Uuid, Role)],
    provider: (Uuid, &str),
    accreditor: (Uuid, &str),
) -> Result<(), Conflict> {
    if memberships.iter().any(|(org, _)| *org == provider.0) {
        return Err(Conflict::MemberOfProvider {
            reviewer: reviewer.into(),
            provider: provider.1.into(),
        });
    }
    if !memberships
        .iter()
        .any(|(org, role)| *org == accreditor.0 && *role == Role::Reviewer)
    {
        return Err(Conflict::NotAReviewer {
            reviewer: reviewer.into(),
            accreditor: accreditor.1.into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    fn standard() -> Standard {
        let (name, description, criteria) = default_standard();
        Standard {
            id: Uuid::from_u128(1),
            org_id: Uuid::from_u128(2),
            name,
            description,
            criteria,
            archived: false,
            created_at: datetime!(2026-01-01 0:00 UTC),
        }
    }

    fn scores(all: u8) -> Vec<CriterionScore> {
        standard()
            .criteria
            .iter()
            .map(|c| CriterionScore {
                criterion: c.key.clone(),
                score: all,
                comment: String::new(),
            })
            .collect()
    }

    fn with(mut s: Vec<CriterionScore>, key: &str, score: u8) -> Vec<CriterionScore> {
        for x in &mut s {
            if x.criterion == key {
                x.score = score;
            }
        }
        s
    }

    fn review(scores: Vec<CriterionScore>, recommendation: Outcome) -> ReviewInput {
        ReviewInput {
            scores,
            comment: String::new(),
            recommendation,
        }
    }

    #[test]
    fn the_default_standard_is_valid_and_complete() {
        let (name, description, criteria) = default_standard();
        validate_standard(&name, &description, &criteria).unwrap();
        let keys: Vec<&str> = criteria.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "accuracy",
                "alignment",
                "assessment_validity",
                "instructional_design",
                "accessibility",
                "bias_inclusion",
                "privacy"
            ]
        );
        for c in &criteria {
            assert_eq!(c.pass_score, 2);
            let labels: Vec<&str> = c.levels.iter().map(|l| l.label.as_str()).collect();
            assert_eq!(labels, ["Not met", "Partly met", "Met", "Exemplary"]);
            assert!(c.guidance.len() > 100, "{}", c.key);
            // Descriptors say something of their own criterion, not a shared template.
            let distinct: BTreeSet<&str> = c.levels.iter().map(|l| l.descriptor.as_str()).collect();
            assert_eq!(distinct.len(), 4, "{}", c.key);
        }
        let all: BTreeSet<&str> = criteria
            .iter()
            .flat_map(|c| c.levels.iter().map(|l| l.descriptor.as_str()))
            .collect();
        assert_eq!(all.len(), 28);
    }

    #[test]
    fn a_standard_names_its_first_problem() {
        let (name, desc, good) = default_standard();
        let err = |criteria: Vec<Criterion>| {
            validate_standard(&name, &desc, &criteria)
                .unwrap_err()
                .message
        };
        assert!(validate_standard(" ", &desc, &good).is_err());
        assert!(err(vec![]).contains("at least one criterion"));
        let mut c = good.clone();
        c[1].key = "accuracy".into();
        let m = err(c);
        assert!(
            m.contains("criterion 2 \"Objectives aligned to competencies\"")
                && m.contains("unique"),
            "{m}"
        );
        let mut c = good.clone();
        c[0].key = "Accuracy".into();
        assert!(err(c).contains("only a-z, 0-9 and _"));
        let mut c = good.clone();
        c[0].key = String::new();
        assert!(err(c).contains("needs a key"));
        let mut c = good.clone();
        c[2].title = "  ".into();
        assert!(err(c).contains("criterion 3: title must not be empty"));
        let mut c = good.clone();
        c[0].levels.truncate(1);
        assert!(err(c).contains("has 1 level(s)"));
        let mut c = good.clone();
        c[0].levels.swap(0, 1);
        assert!(err(c).contains("level 1 is scored 1 but should be scored 0"));
        let mut c = good.clone();
        c[0].levels[3].descriptor = " ".into();
        assert!(err(c).contains("level 3: describe"));
        let mut c = good.clone();
        c[6].pass_score = 4;
        assert!(err(c).contains("pass score is 4 but must be between 1 and 3"));
        let mut c = good.clone();
        c[6].pass_score = 0;
        assert!(err(c).contains("0 would pass every module"));
        let many: Vec<Criterion> = (0..=CRITERIA_MAX)
            .map(|i| Criterion {
                key: format!("c{i}"),
                ..good[0].clone()
            })
            .collect();
        assert!(err(many).contains("the limit is 30"));
    }

    #[test]
    fn a_review_scores_every_criterion_once_within_its_levels() {
        let s = standard();
        validate_review(&s, &review(scores(2), Outcome::Accredited)).unwrap();
        validate_review(&s, &review(scores(0), Outcome::NotAccredited)).unwrap();
        let mut missing = scores(2);
        missing.pop();
        let e = validate_review(&s, &review(missing, Outcome::Conditional)).unwrap_err();
        assert!(
            e.message
                .contains("\"Privacy of learner and patient data\" has no score"),
            "{}",
            e.message
        );
        let mut twice = scores(2);
        twice.push(twice[0].clone());
        let e = validate_review(&s, &review(twice, Outcome::Conditional)).unwrap_err();
        assert!(e.message.contains("more than once"));
        let mut unknown = scores(2);
        unknown[0].criterion = "style".into();
        let e = validate_review(&s, &review(unknown, Outcome::Conditional)).unwrap_err();
        assert!(e.message.contains("\"style\" is not a criterion"));
        let e = validate_review(
            &s,
            &review(with(scores(2), "privacy", 4), Outcome::Conditional),
        )
        .unwrap_err();
        assert!(e.message.contains("scored 4 but its levels go from 0 to 3"));
        let mut long = scores(2);
        long[1].comment = "x".repeat(COMMENT_MAX_CHARS + 1);
        assert_eq!(
            validate_review(&s, &review(long, Outcome::Accredited))
                .unwrap_err()
                .field,
            "scores"
        );
        let mut r = review(scores(2), Outcome::Accredited);
        r.comment = "x".repeat(COMMENT_MAX_CHARS + 1);
        assert_eq!(validate_review(&s, &r).unwrap_err().field, "comment");
        r.comment = "x".repeat(COMMENT_MAX_CHARS);
        validate_review(&s, &r).unwrap();
    }

    #[test]
    fn accredited_is_not_recommended_below_a_pass_score() {
        let s = standard();
        let low = with(with(scores(3), "accessibility", 1), "privacy", 0);
        let e = validate_review(&s, &review(low.clone(), Outcome::Accredited)).unwrap_err();
        assert_eq!(e.field, "recommendation");
        assert!(
            e.message.contains("Accessibility (scored 1, pass score 2) and Privacy of learner and patient data (scored 0, pass score 2) are below the pass score"),
            "{}",
            e.message
        );
        validate_review(&s, &review(low, Outcome::Conditional)).unwrap();
    }

    #[test]
    fn summary_suggests_from_scores_and_recommendations() {
        let s = standard();
        let none = summarize(&s, &[]);
        assert_eq!(none.suggested, None);
        assert_eq!(none.reviews, 0);
        assert!(
            none.criteria
                .iter()
                .all(|c| c.mean.is_none() && !c.below_pass)
        );

        let good = summarize(
            &s,
            &[
                (scores(2), Outcome::Accredited),
                (scores(3), Outcome::Accredited),
            ],
        );
        assert_eq!(good.suggested, Some(Outcome::Accredited));
        assert_eq!(good.criteria[0].scores, [2, 3]);
        assert_eq!(good.criteria[0].mean, Some(2.5));
        assert_eq!(good.criteria[0].lowest, Some(2));
        assert!(!good.criteria[0].disagreement);
        assert_eq!(
            good.recommendations,
            [
                (Outcome::Accredited, 2),
                (Outcome::Conditional, 0),
                (Outcome::NotAccredited, 0)
            ]
        );
        assert_eq!(
            good.explanation,
            "Every criterion was scored at or above its pass score by all 2 reviewers."
        );

        // One reviewer scores accessibility 1, the other 3: below pass, and a disagreement.
        let mixed = summarize(
            &s,
            &[
                (with(scores(2), "accessibility", 1), Outcome::Conditional),
                (with(scores(2), "accessibility", 3), Outcome::Accredited),
            ],
        );
        assert_eq!(mixed.suggested, Some(Outcome::Conditional));
        let a = mixed
            .criteria
            .iter()
            .find(|c| c.key == "accessibility")
            .unwrap();
        assert!(a.below_pass && a.disagreement);
        assert!(
            mixed
                .explanation
                .starts_with("Accessibility was scored below the pass score"),
            "{}",
            mixed.explanation
        );

        // A criterion averaging below 1 suggests not accrediting even if reviewers differ.
        let failing = summarize(
            &s,
            &[
                (with(scores(2), "privacy", 0), Outcome::Conditional),
                (with(scores(2), "privacy", 1), Outcome::Conditional),
            ],
        );
        assert_eq!(failing.suggested, Some(Outcome::NotAccredited));
        assert!(
            failing
                .explanation
                .contains("Privacy of learner and patient data is scored below 1 on average")
        );

        // Most reviewers recommend against: not accredited, whatever the scores.
        let against = summarize(
            &s,
            &[
                (scores(2), Outcome::NotAccredited),
                (scores(2), Outcome::NotAccredited),
                (scores(3), Outcome::Accredited),
            ],
        );
        assert_eq!(against.suggested, Some(Outcome::NotAccredited));
        assert_eq!(
            against.explanation,
            "2 reviewers of 3 recommend not accrediting."
        );
        // Half is not most.
        let split = summarize(
            &s,
            &[
                (scores(2), Outcome::NotAccredited),
                (scores(2), Outcome::Accredited),
            ],
        );
        assert_eq!(split.suggested, Some(Outcome::Accredited));
    }

    fn decision(outcome: Outcome) -> Decision {
        Decision {
            outcome,
            rationale: "All criteria met by both reviewers.".into(),
            conditions: None,
            conditions_due: None,
            valid_until: Some(date!(2028 - 06 - 30)),
        }
    }

    const NOW: OffsetDateTime = datetime!(2026-03-15 10:30:15.5 UTC);

    #[test]
    fn a_decision_ends_at_the_end_of_its_last_day() {
        let end = validate_decision(&decision(Outcome::Accredited), NOW).unwrap();
        assert_eq!(end, datetime!(2028-06-30 23:59:59 UTC));
        let mut d = decision(Outcome::Accredited);
        d.valid_until = Some(date!(2026 - 03 - 16));
        assert_eq!(
            validate_decision(&d, NOW).unwrap(),
            datetime!(2026-03-16 23:59:59 UTC)
        );
        d.valid_until = Some(date!(2026 - 03 - 15));
        assert!(
            validate_decision(&d, NOW)
                .unwrap_err()
                .message
                .contains("is not after today")
        );
        d.valid_until = Some(date!(2036 - 03 - 15));
        validate_decision(&d, NOW).unwrap();
        d.valid_until = Some(date!(2036 - 03 - 16));
        let e = validate_decision(&d, NOW).unwrap_err();
        assert!(
            e.message
                .contains("more than 10 years ahead; choose 2036-03-15"),
            "{}",
            e.message
        );
        d.valid_until = None;
        assert_eq!(validate_decision(&d, NOW).unwrap_err().field, "valid_until");
        // Ten years from 29 February is the 28th.
        let leap = datetime!(2028-02-29 12:00 UTC);
        d.valid_until = Some(date!(2038 - 02 - 28));
        validate_decision(&d, leap).unwrap();
        d.valid_until = Some(date!(2038 - 03 - 01));
        assert!(validate_decision(&d, leap).is_err());
    }

    #[test]
    fn a_decision_needs_a_rationale_and_conditions_only_when_conditional() {
        let mut d = decision(Outcome::NotAccredited);
        d.rationale = "  ".into();
        assert_eq!(validate_decision(&d, NOW).unwrap_err().field, "rationale");
        d.rationale = "Assessment does not test the objectives.".into();
        // Not accredited: valid for nothing, whatever valid_until says.
        assert_eq!(
            validate_decision(&d, NOW).unwrap(),
            datetime!(2026-03-15 10:30:15 UTC)
        );
        d.conditions = Some("Fix it".into());
        assert_eq!(validate_decision(&d, NOW).unwrap_err().field, "conditions");
        let mut d = decision(Outcome::Accredited);
        d.conditions_due = Some(date!(2026 - 06 - 01));
        let e = validate_decision(&d, NOW).unwrap_err();
        assert!(e.message.contains("carries no conditions"), "{}", e.message);
        // A blank conditions box is no conditions.
        d.conditions_due = None;
        d.conditions = Some(" ".into());
        validate_decision(&d, NOW).unwrap();

        let mut c = decision(Outcome::Conditional);
        assert_eq!(validate_decision(&c, NOW).unwrap_err().field, "conditions");
        c.conditions = Some("Add captions to the video.".into());
        assert_eq!(
            validate_decision(&c, NOW).unwrap_err().field,
            "conditions_due"
        );
        c.conditions_due = Some(date!(2026 - 03 - 15));
        assert!(
            validate_decision(&c, NOW)
                .unwrap_err()
                .message
                .contains("not after today")
        );
        c.conditions_due = Some(date!(2028 - 07 - 01));
        assert!(
            validate_decision(&c, NOW)
                .unwrap_err()
                .message
                .contains("after the end of the validity period")
        );
        c.conditions_due = Some(date!(2028 - 06 - 30));
        assert_eq!(
            validate_decision(&c, NOW).unwrap(),
            datetime!(2028-06-30 23:59:59 UTC)
        );
    }

    fn facts(outcome: Outcome) -> DecisionFacts {
        DecisionFacts {
            outcome,
            valid_until: datetime!(2027-12-31 23:59:59 UTC),
            conditions_due: (outcome == Outcome::Conditional).then_some(date!(2026 - 09 - 30)),
            conditions_met: false,
            withdrawn: false,
        }
    }

    #[test]
    fn standing_at_each_boundary() {
        let a = facts(Outcome::Accredited);
        assert_eq!(
            standing(&a, datetime!(2027-12-31 23:59:58 UTC)),
            Standing::Current
        );
        assert_eq!(
            standing(&a, datetime!(2027-12-31 23:59:59 UTC)),
            Standing::Lapsed
        );
        assert_eq!(
            standing(&a, datetime!(2028-01-01 0:00 UTC)),
            Standing::Lapsed
        );
        let w = DecisionFacts {
            withdrawn: true,
            ..a.clone()
        };
        assert_eq!(
            standing(&w, datetime!(2026-01-01 0:00 UTC)),
            Standing::Withdrawn
        );
        assert_eq!(
            standing(&w, datetime!(2029-01-01 0:00 UTC)),
            Standing::Withdrawn
        );
        let n = facts(Outcome::NotAccredited);
        assert_eq!(
            standing(&n, datetime!(2026-01-01 0:00 UTC)),
            Standing::NotAccredited
        );

        let c = facts(Outcome::Conditional);
        // Due on the 30th: still current all that day, overdue from the 1st.
        assert_eq!(
            standing(&c, datetime!(2026-09-30 23:59:59 UTC)),
            Standing::Current
        );
        assert_eq!(
            standing(&c, datetime!(2026-10-01 0:00 UTC)),
            Standing::ConditionsOverdue
        );
        // The due date is a UTC day, whatever offset the time comes in.
        assert_eq!(
            standing(&c, datetime!(2026-09-30 23:30 -02:00)),
            Standing::ConditionsOverdue
        );
        let met = DecisionFacts {
            conditions_met: true,
            ..c.clone()
        };
        assert_eq!(
            standing(&met, datetime!(2026-10-01 0:00 UTC)),
            Standing::Current
        );
        // A lapse outranks overdue conditions.
        assert_eq!(
            standing(&c, datetime!(2028-01-01 0:00 UTC)),
            Standing::Lapsed
        );
        assert!(Standing::ConditionsOverdue.counts() && Standing::Current.counts());
        assert!(!Standing::Lapsed.counts() && !Standing::Withdrawn.counts());
    }

    #[test]
    fn members_of_the_provider_and_non_reviewers_are_barred() {
        let provider = (Uuid::from_u128(10), "Northbridge Clinical Academy");
        let accreditor = (Uuid::from_u128(20), "CHEQ");
        let other = Uuid::from_u128(30);
        check_conflict(
            "Helen",
            &[(accreditor.0, Role::Reviewer), (other, Role::Learner)],
            provider,
            accreditor,
        )
        .unwrap();
        let e = check_conflict(
            "Ines",
            &[(accreditor.0, Role::Reviewer), (provider.0, Role::Learner)],
            provider,
            accreditor,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Ines is a member of Northbridge Clinical Academy, the provider of this module, and so cannot review it"
        );
        let e = check_conflict("Sam", &[(accreditor.0, Role::Admin)], provider, accreditor)
            .unwrap_err();
        assert_eq!(e.to_string(), "Sam is not a reviewer of CHEQ");
        assert!(check_conflict("Sam", &[(other, Role::Reviewer)], provider, accreditor).is_err());
    }

    fn any_scores(n: usize) -> impl Strategy<Value = Vec<(Vec<u8>, Outcome)>> {
        prop::collection::vec(
            (
                prop::collection::vec(0u8..=3, n),
                prop::sample::select(Outcome::ALL.to_vec()),
            ),
            0..6,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn summaries_are_consistent(raw in any_scores(7)) {
            let s = standard();
            let reviews: Vec<(Vec<CriterionScore>, Outcome)> = raw
                .iter()
                .map(|(sc, o)| {
                    let v = s.criteria.iter().zip(sc).map(|(c, x)| CriterionScore {
                        criterion: c.key.clone(), score: *x, comment: String::new(),
                    }).collect();
                    (v, *o)
                })
                .collect();
            let sum = summarize(&s, &reviews);
            prop_assert_eq!(sum.reviews, raw.len());
            prop_assert_eq!(sum.recommendations.iter().map(|(_, n)| n).sum::<usize>(), raw.len());
            prop_assert_eq!(sum.suggested.is_none(), raw.is_empty());
            for c in &sum.criteria {
                prop_assert_eq!(c.scores.len(), raw.len());
                if let (Some(m), Some(l)) = (c.mean, c.lowest) {
                    prop_assert!(m >= f64::from(l) && m <= 3.0);
                }
            }
            // Accredited is suggested only when nobody scored below a pass score.
            if sum.suggested == Some(Outcome::Accredited) {
                prop_assert!(sum.criteria.iter().all(|c| !c.below_pass));
            }
            // Every review the validator accepts may recommend anything but accredited
            // below a pass score.
            for (v, o) in &reviews {
                let ok = validate_review(&s, &review(v.clone(), *o)).is_ok();
                let below = v.iter().zip(&s.criteria).any(|(x, c)| x.score < c.pass_score);
                prop_assert_eq!(ok, !(below && *o == Outcome::Accredited));
            }
        }

        #[test]
        fn standing_never_counts_after_the_period(secs in 0i64..400_000_000, met: bool, withdrawn: bool) {
            let at = datetime!(2026-01-01 0:00 UTC) + time::Duration::seconds(secs);
            for o in Outcome::ALL {
                let f = DecisionFacts { conditions_met: met, withdrawn, ..facts(o) };
                let st = standing(&f, at);
                if at >= f.valid_until || withdrawn || o == Outcome::NotAccredited {
                    prop_assert!(!st.counts(), "{:?} at {}", st, at);
                } else {
                    prop_assert!(st.counts(), "{:?} at {}", st, at);
                }
            }
        }

        #[test]
        fn accepted_periods_end_on_the_chosen_day(days in 1i64..3650, secs in 0i64..86_400) {
            let now = datetime!(2026-03-15 0:00 UTC) + time::Duration::seconds(secs);
            let mut d = decision(Outcome::Accredited);
            let until = now.date() + time::Duration::days(days);
            d.valid_until = Some(until);
            let end = validate_decision(&d, now).unwrap();
            prop_assert_eq!(end.date(), until);
            prop_assert_eq!(end.nanosecond(), 0);
            prop_assert!(end > now);
        }
    }
}
