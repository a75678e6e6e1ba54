//! Performance evidence review: rubrics and how a review scores against one, double marking
//! and adjudication, who may review what, and how well assessors agree.
//!
//! Every rule here is a pure function over plain facts that the caller gathers first, so the
//! same answer comes out of the assessor queue, the API and the tests, and every refusal or
//! decision carries a sentence a person can read.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::validate::{self, Invalid};

pub const CRITERIA_MAX: usize = 30;
/// Two levels at least: a criterion with one level cannot tell one piece of work from another.
pub const LEVELS_MIN: usize = 2;
pub const LEVELS_MAX: usize = 10;
pub const DESCRIPTOR_MAX_CHARS: usize = 2000;
pub const COMMENT_MAX_CHARS: usize = 5000;
/// Per level. With at most [`CRITERIA_MAX`] criteria a total can never overflow a `u32`.
pub const POINTS_MAX: u32 = 1000;

/// One step of a criterion's scale: what work at this level looks like and what it earns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RubricLevel {
    pub title: String,
    pub descriptor: String,
    pub points: u32,
}

/// One thing the assessor judges, with its levels listed lowest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RubricCriterion {
    pub id: Uuid,
    pub title: String,
    pub levels: Vec<RubricLevel>,
    /// Index (from 0) of the lowest level that still passes, whatever the total: some
    /// criteria (safety, privacy) must not be traded against points earned elsewhere.
    #[serde(default)]
    pub min_level: Option<usize>,
}

/// Criteria × levels, and the total a piece of evidence needs to be accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rubric {
    pub id: Uuid,
    pub title: String,
    pub criteria: Vec<RubricCriterion>,
    pub pass_mark: u32,
}

fn criterion_label(index: usize, c: &RubricCriterion) -> String {
    format!("criterion {} \"{}\"", index + 1, c.title.trim())
}

fn level_label(index: usize, l: &RubricLevel) -> String {
    format!("level {} \"{}\"", index + 1, l.title.trim())
}

impl Rubric {
    /// The most points the rubric can give: the top level of every criterion.
    pub fn max_points(&self) -> u32 {
        self.criteria
            .iter()
            .map(|c| c.levels.iter().map(|l| l.points).max().unwrap_or(0))
            .fold(0u32, u32::saturating_add)
    }

    /// Check the rubric is usable; the first problem found is named by its criterion.
    pub fn validate(&self) -> Result<(), Invalid> {
        validate::name("title", &self.title)?;
        if self.criteria.is_empty() {
            return Err(Invalid::new(
                "criteria",
                "a rubric needs at least one criterion",
            ));
        }
        if self.criteria.len() > CRITERIA_MAX {
            return Err(Invalid::new(
                "criteria",
                format!(
                    "has {} criteria; the limit is {CRITERIA_MAX}",
                    self.criteria.len()
                ),
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, c) in self.criteria.iter().enumerate() {
            let label = criterion_label(i, c);
            validate::name("criteria", &c.title).map_err(|e| {
                Invalid::new(
                    "criteria",
                    format!("criterion {}: title {}", i + 1, e.message),
                )
            })?;
            if !seen.insert(c.id) {
                return Err(Invalid::new(
                    "criteria",
                    format!("{label} has the same id as an earlier criterion"),
                ));
            }
            let n = c.levels.len();
            if !(LEVELS_MIN..=LEVELS_MAX).contains(&n) {
                return Err(Invalid::new(
                    "criteria",
                    format!(
                        "{label} has {n} level(s); give it {LEVELS_MIN} to {LEVELS_MAX}, lowest first"
                    ),
                ));
            }
            for (j, l) in c.levels.iter().enumerate() {
                validate::name("criteria", &l.title).map_err(|e| {
                    Invalid::new(
                        "criteria",
                        format!("{label}, level {}: title {}", j + 1, e.message),
                    )
                })?;
                let d = l.descriptor.trim();
                if d.is_empty() {
                    return Err(Invalid::new(
                        "criteria",
                        format!(
                            "{label}, {}: describe what work at this level looks like",
                            level_label(j, l)
                        ),
                    ));
                }
                if d.chars().count() > DESCRIPTOR_MAX_CHARS {
                    return Err(Invalid::new(
                        "criteria",
                        format!(
                            "{label}, {}: the descriptor is longer than {DESCRIPTOR_MAX_CHARS} characters",
                            level_label(j, l)
                        ),
                    ));
                }
                if l.points > POINTS_MAX {
                    return Err(Invalid::new(
                        "criteria",
                        format!(
                            "{label}, {}: {} points is more than the limit of {POINTS_MAX}",
                            level_label(j, l),
                            l.points
                        ),
                    ));
                }
            }
            for (j, pair) in c.levels.windows(2).enumerate() {
                let [lower, higher] = pair else { continue };
                if higher.points < lower.points {
                    return Err(Invalid::new(
                        "criteria",
                        format!(
                            "{label}: {} is worth {} points, fewer than {} ({}); list levels lowest first, with points that never decrease",
                            level_label(j + 1, higher),
                            higher.points,
                            level_label(j, lower),
                            lower.points
                        ),
                    ));
                }
            }
            if let Some(m) = c.min_level
                && m >= n
            {
                return Err(Invalid::new(
                    "criteria",
                    format!(
                        "{label}: the minimum level is {} but the criterion has only {n} levels",
                        m + 1
                    ),
                ));
            }
        }
        let max = self.max_points();
        if self.pass_mark == 0 {
            return Err(Invalid::new(
                "pass_mark",
                "must be at least 1 point, or every piece of evidence would be accepted",
            ));
        }
        if self.pass_mark > max {
            return Err(Invalid::new(
                "pass_mark",
                format!(
                    "is {} but the criteria add up to at most {max} points, so nobody could pass",
                    self.pass_mark
                ),
            ));
        }
        Ok(())
    }

    /// Score a review against this rubric: every criterion marked once, at a level it has.
    pub fn score(&self, review: &Review) -> Result<Score, Invalid> {
        if review.rubric_id != self.id {
            return Err(Invalid::new(
                "rubric_id",
                format!(
                    "the review was made on rubric {}, not on this rubric ({})",
                    review.rubric_id, self.id
                ),
            ));
        }
        let mut chosen: BTreeMap<Uuid, &Mark> = BTreeMap::new();
        for m in &review.marks {
            let Some((i, c)) = self
                .criteria
                .iter()
                .enumerate()
                .find(|(_, c)| c.id == m.criterion_id)
            else {
                return Err(Invalid::new(
                    "marks",
                    format!("criterion {} is not on this rubric", m.criterion_id),
                ));
            };
            if chosen.insert(m.criterion_id, m).is_some() {
                return Err(Invalid::new(
                    "marks",
                    format!("{} is marked more than once", criterion_label(i, c)),
                ));
            }
            if let Some(comment) = &m.comment
                && comment.chars().count() > COMMENT_MAX_CHARS
            {
                return Err(Invalid::new(
                    "marks",
                    format!(
                        "{}: the comment is longer than {COMMENT_MAX_CHARS} characters",
                        criterion_label(i, c)
                    ),
                ));
            }
        }
        let mut criteria = Vec::with_capacity(self.criteria.len());
        let mut shortfalls = Vec::new();
        let mut total = 0u32;
        for (i, c) in self.criteria.iter().enumerate() {
            let label = criterion_label(i, c);
            let Some(m) = chosen.get(&c.id) else {
                return Err(Invalid::new(
                    "marks",
                    format!("{label} has no level chosen"),
                ));
            };
            let Some(level) = c.levels.get(m.level) else {
                return Err(Invalid::new(
                    "marks",
                    format!(
                        "{label}: level {} does not exist; choose 1 to {}",
                        m.level + 1,
                        c.levels.len()
                    ),
                ));
            };
            total = total.saturating_add(level.points);
            let below_minimum = c.min_level.is_some_and(|min| m.level < min);
            if below_minimum
                && let Some(min) = c.min_level
                && let Some(needed) = c.levels.get(min)
            {
                shortfalls.push(format!(
                    "{label} is at {}; at least {} is required",
                    level_label(m.level, level),
                    level_label(min, needed)
                ));
            }
            criteria.push(CriterionScore {
                criterion_id: c.id,
                level: m.level,
                points: level.points,
                below_minimum,
            });
        }
        if total < self.pass_mark {
            shortfalls.insert(
                0,
                format!(
                    "{total} points is below the pass mark of {}",
                    self.pass_mark
                ),
            );
        }
        Ok(Score {
            rubric_id: self.id,
            assessor_id: review.assessor_id,
            total,
            max: self.max_points(),
            pass_mark: self.pass_mark,
            passed: shortfalls.is_empty(),
            criteria,
            shortfalls,
        })
    }
}

/// The level an assessor chose for one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mark {
    pub criterion_id: Uuid,
    /// Index (from 0) into the criterion's levels.
    pub level: usize,
    #[serde(default)]
    pub comment: Option<String>,
}

/// One assessor's marking of one piece of evidence on a rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub id: Uuid,
    pub evidence_id: Uuid,
    pub assessor_id: Uuid,
    pub rubric_id: Uuid,
    pub marks: Vec<Mark>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionScore {
    pub criterion_id: Uuid,
    pub level: usize,
    pub points: u32,
    pub below_minimum: bool,
}

/// What a review comes to: the total, whether it passes, and why not when it does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Score {
    pub rubric_id: Uuid,
    pub assessor_id: Uuid,
    pub total: u32,
    pub max: u32,
    pub pass_mark: u32,
    pub passed: bool,
    pub criteria: Vec<CriterionScore>,
    /// Empty when passed; otherwise each reason it did not pass.
    pub shortfalls: Vec<String>,
}

impl Score {
    pub fn summary(&self) -> MarkSummary {
        MarkSummary {
            assessor_id: self.assessor_id,
            total: self.total,
            passed: self.passed,
        }
    }
}

/// How a piece of evidence must be reviewed; set per achievement by its issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewPolicy {
    /// High stakes: two independent markers, and an adjudicator when they disagree.
    pub double_marking: bool,
    /// How many points the two markers' totals may differ by before an adjudicator is
    /// needed. Points rather than a percentage so that it reads on the rubric's own scale.
    pub score_tolerance: u32,
    /// Assessors may not review learners who belong to an organization they belong to.
    pub exclude_same_organization: bool,
}

/// One marker's verdict, enough to explain a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkSummary {
    pub assessor_id: Uuid,
    pub total: u32,
    pub passed: bool,
}

fn verdict(passed: bool) -> &'static str {
    if passed { "passed" } else { "failed" }
}

/// Why two markers' reviews cannot simply stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Disagreement {
    /// One passed the evidence and the other failed it (whatever the totals).
    PassFail {
        first: MarkSummary,
        second: MarkSummary,
    },
    /// Both reached the same verdict, but their totals are too far apart to average.
    Totals {
        first: MarkSummary,
        second: MarkSummary,
        difference: u32,
        tolerance: u32,
    },
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Disagreement::PassFail { first, second } => write!(
                f,
                "assessors disagreed on pass/fail: assessor {} {} it with {} points, assessor {} {} it with {} points",
                first.assessor_id,
                verdict(first.passed),
                first.total,
                second.assessor_id,
                verdict(second.passed),
                second.total
            ),
            Disagreement::Totals {
                first,
                second,
                difference,
                tolerance,
            } => write!(
                f,
                "assessors' totals differ by {difference} points, more than the tolerance of {tolerance}: assessor {} gave {}, assessor {} gave {}",
                first.assessor_id, first.total, second.assessor_id, second.total
            ),
        }
    }
}

/// How two markers' scores disagree, if they do. Pass/fail is checked first because it is
/// the disagreement that changes what the learner receives.
pub fn disagreement(a: &Score, b: &Score, policy: &ReviewPolicy) -> Option<Disagreement> {
    let (first, second) = (a.summary(), b.summary());
    if a.passed != b.passed {
        return Some(Disagreement::PassFail { first, second });
    }
    let difference = a.total.abs_diff(b.total);
    if difference > policy.score_tolerance {
        return Some(Disagreement::Totals {
            first,
            second,
            difference,
            tolerance: policy.score_tolerance,
        });
    }
    None
}

/// Whether two markers disagree enough that an adjudicator must decide.
pub fn needs_adjudication(a: &Score, b: &Score, policy: &ReviewPolicy) -> bool {
    disagreement(a, b, policy).is_some()
}

/// What a decision rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Basis {
    SingleMarker {
        marker: MarkSummary,
    },
    /// The recorded total is the mean of the two, rounded down: it lies between what the
    /// two markers gave, and rounding down never credits a point neither of them gave.
    Agreed {
        first: MarkSummary,
        second: MarkSummary,
    },
    /// The adjudicator reviewed the evidence in full, and their review is final.
    Adjudicated {
        disagreement: Disagreement,
        adjudicator: MarkSummary,
    },
    /// A rejection was appealed and reviewed again by an assessor new to the evidence; that
    /// review is final, as an appeal is allowed once.
    Appeal {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        previous: Box<Decision>,
        reviewer: MarkSummary,
    },
}

/// The final word on a piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub accepted: bool,
    pub total: u32,
    pub max: u32,
    pub basis: Basis,
}

fn outcome_words(accepted: bool, total: u32, max: u32) -> String {
    let word = if accepted { "accepted" } else { "rejected" };
    format!("{word} with {total} of {max} points")
}

impl Decision {
    /// The decision in one sentence, for the learner, the audit log and the credential.
    pub fn explain(&self) -> String {
        let outcome = outcome_words(self.accepted, self.total, self.max);
        match &self.basis {
            Basis::SingleMarker { marker } => {
                format!("{outcome}, marked by assessor {}", marker.assessor_id)
            }
            Basis::Agreed { first, second } => format!(
                "{outcome}: assessors {} ({} points) and {} ({} points) agreed, and the mean is recorded",
                first.assessor_id, first.total, second.assessor_id, second.total
            ),
            Basis::Adjudicated {
                disagreement,
                adjudicator,
            } => format!(
                "{disagreement} → adjudicated by assessor {}: {outcome}",
                adjudicator.assessor_id
            ),
            Basis::Appeal { previous, reviewer } => format!(
                "the rejection was appealed → reviewed again by assessor {}: {outcome} (before the appeal: {})",
                reviewer.assessor_id,
                previous.explain()
            ),
        }
    }

    /// Everyone who has reviewed the evidence, in the order they did: none of them may
    /// review it again.
    pub fn reviewers(&self) -> Vec<Uuid> {
        match &self.basis {
            Basis::SingleMarker { marker } => vec![marker.assessor_id],
            Basis::Agreed { first, second } => vec![first.assessor_id, second.assessor_id],
            Basis::Adjudicated {
                disagreement,
                adjudicator,
            } => {
                let (Disagreement::PassFail { first, second }
                | Disagreement::Totals { first, second, .. }) = disagreement;
                vec![
                    first.assessor_id,
                    second.assessor_id,
                    adjudicator.assessor_id,
                ]
            }
            Basis::Appeal { previous, reviewer } => {
                let mut all = previous.reviewers();
                all.push(reviewer.assessor_id);
                all
            }
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explain())
    }
}

/// Where the review of a piece of evidence stands after the reviews made so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Progress {
    AwaitingSecondMarker,
    AwaitingAdjudication { disagreement: Disagreement },
    Decided { decision: Decision },
}

fn same_rubric(a: &Score, b: &Score, field: &'static str) -> Result<(), Invalid> {
    if a.rubric_id != b.rubric_id {
        return Err(Invalid::new(
            field,
            format!(
                "was made on rubric {}, but the first marker used rubric {}; every review of a piece of evidence uses the same rubric",
                b.rubric_id, a.rubric_id
            ),
        ));
    }
    Ok(())
}

/// Combine the reviews made so far into a decision, or say what is still needed.
///
/// Refuses reviews that should not exist (a second marker on single-marked evidence, an
/// adjudication nobody needed, one person in two roles), because accepting them would let a
/// later review silently override an earlier one.
pub fn decide(
    policy: &ReviewPolicy,
    first: &Score,
    second: Option<&Score>,
    adjudication: Option<&Score>,
) -> Result<Progress, Invalid> {
    if !policy.double_marking {
        if second.is_some() || adjudication.is_some() {
            return Err(Invalid::new(
                "second",
                "this evidence is single-marked; no second review or adjudication is expected",
            ));
        }
        return Ok(Progress::Decided {
            decision: Decision {
                accepted: first.passed,
                total: first.total,
                max: first.max,
                basis: Basis::SingleMarker {
                    marker: first.summary(),
                },
            },
        });
    }
    let Some(second) = second else {
        if adjudication.is_some() {
            return Err(Invalid::new(
                "adjudication",
                "an adjudication cannot come before the second marker's review",
            ));
        }
        return Ok(Progress::AwaitingSecondMarker);
    };
    if second.assessor_id == first.assessor_id {
        return Err(Invalid::new(
            "second",
            "the second marker must be a different assessor from the first",
        ));
    }
    same_rubric(first, second, "second")?;
    let Some(disagreement) = disagreement(first, second, policy) else {
        if adjudication.is_some() {
            return Err(Invalid::new(
                "adjudication",
                "the two markers agree, so there is nothing to adjudicate",
            ));
        }
        // Same verdict on both, so `passed` is shared; the mean of two integers rounded down
        // stays at or above the pass mark when both totals are.
        let total = ((u64::from(first.total) + u64::from(second.total)) / 2) as u32;
        return Ok(Progress::Decided {
            decision: Decision {
                accepted: first.passed,
                total,
                max: first.max,
                basis: Basis::Agreed {
                    first: first.summary(),
                    second: second.summary(),
                },
            },
        });
    };
    let Some(adjudicator) = adjudication else {
        return Ok(Progress::AwaitingAdjudication { disagreement });
    };
    if adjudicator.assessor_id == first.assessor_id || adjudicator.assessor_id == second.assessor_id
    {
        return Err(Invalid::new(
            "adjudication",
            "the adjudicator must be neither of the two markers",
        ));
    }
    same_rubric(first, adjudicator, "adjudication")?;
    Ok(Progress::Decided {
        decision: Decision {
            accepted: adjudicator.passed,
            total: adjudicator.total,
            max: adjudicator.max,
            basis: Basis::Adjudicated {
                disagreement,
                adjudicator: adjudicator.summary(),
            },
        },
    })
}

/// The decision after an appeal: the appeal reviewer's score stands.
pub fn decide_appeal(previous: &Decision, appeal: &Score) -> Result<Decision, Invalid> {
    if previous.accepted {
        return Err(Invalid::new(
            "appeal",
            "only a rejection can be appealed, and this evidence was accepted",
        ));
    }
    if matches!(previous.basis, Basis::Appeal { .. }) {
        return Err(Invalid::new(
            "appeal",
            "a rejection can be appealed once, and this one already was",
        ));
    }
    if previous.reviewers().contains(&appeal.assessor_id) {
        return Err(Invalid::new(
            "appeal",
            "the appeal must be reviewed by an assessor who has not reviewed this evidence before",
        ));
    }
    Ok(Decision {
        accepted: appeal.passed,
        total: appeal.total,
        max: appeal.max,
        basis: Basis::Appeal {
            previous: Box::new(previous.clone()),
            reviewer: appeal.summary(),
        },
    })
}

// --- Who may review -------------------------------------------------------------------------

/// The review an assessor would be doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewStage {
    FirstMarking,
    SecondMarking,
    Adjudication,
    Appeal,
}

impl ReviewStage {
    pub fn describe(self) -> &'static str {
        match self {
            ReviewStage::FirstMarking => "a first marker",
            ReviewStage::SecondMarking => "a second marker",
            ReviewStage::Adjudication => "an adjudicator",
            ReviewStage::Appeal => "an appeal reviewer",
        }
    }

    fn awaited_status(self) -> EvidenceStatus {
        match self {
            ReviewStage::FirstMarking => EvidenceStatus::AwaitingFirstMarker,
            ReviewStage::SecondMarking => EvidenceStatus::AwaitingSecondMarker,
            ReviewStage::Adjudication => EvidenceStatus::AwaitingAdjudication,
            ReviewStage::Appeal => EvidenceStatus::UnderAppeal,
        }
    }
}

/// Where a piece of evidence is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    AwaitingFirstMarker,
    AwaitingSecondMarker,
    AwaitingAdjudication,
    Accepted,
    Rejected,
    /// The learner appealed the rejection; an appeal reviewer is awaited.
    UnderAppeal,
    /// The appeal was reviewed; its decision is final.
    AppealDecided,
}

impl EvidenceStatus {
    pub fn describe(self) -> &'static str {
        match self {
            EvidenceStatus::AwaitingFirstMarker => "awaiting its first marker",
            EvidenceStatus::AwaitingSecondMarker => "awaiting its second marker",
            EvidenceStatus::AwaitingAdjudication => "awaiting adjudication",
            EvidenceStatus::Accepted => "accepted",
            EvidenceStatus::Rejected => "rejected",
            EvidenceStatus::UnderAppeal => "under appeal",
            EvidenceStatus::AppealDecided => "decided on appeal",
        }
    }
}

/// What the rules need to know about an assessor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessorFacts {
    /// The assessor's user id.
    pub assessor_id: Uuid,
    /// Organizations the assessor is a member of.
    pub organizations: Vec<Uuid>,
    /// Reviews assigned to the assessor and not yet submitted.
    pub open_reviews: u32,
}

/// What the rules need to know about a piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceFacts {
    pub evidence_id: Uuid,
    /// The learner's user id.
    pub learner_id: Uuid,
    /// Organizations the learner is a member of.
    pub learner_organizations: Vec<Uuid>,
    pub status: EvidenceStatus,
    /// Everyone who has reviewed it so far, at any stage.
    pub reviewed_by: Vec<Uuid>,
}

/// Why an assessor may not take a review, or a rejection may not be appealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ReviewRefusal {
    #[error("this evidence is {}, so it does not need {}", status.describe(), stage.describe())]
    WrongStage {
        stage: ReviewStage,
        status: EvidenceStatus,
    },
    #[error("this achievement is single-marked, so its evidence has no second marker")]
    NotDoubleMarked,
    #[error("an assessor may not review their own evidence")]
    OwnEvidence,
    #[error(
        "the learner belongs to organization {organization_id}, as you do, and assessors here may not review learners of their own organization"
    )]
    SameOrganization { organization_id: Uuid },
    #[error(
        "you marked this evidence first; the second marker must be a different assessor so that the two reviews are independent"
    )]
    AlreadyFirstMarker,
    #[error("you marked this evidence; the adjudicator must be neither of the two markers")]
    AlreadyMarker,
    #[error(
        "you reviewed this evidence before; an appeal goes to an assessor who has not reviewed it"
    )]
    ReviewedBefore,
    #[error("only a rejection can be appealed, and this evidence is {}", status.describe())]
    NotRejected { status: EvidenceStatus },
    #[error("a rejection can be appealed once, and this evidence has already been appealed")]
    AlreadyAppealed,
}

/// Whether `assessor` may review `evidence` at `stage`.
///
/// The stage is checked first (if the evidence is not waiting for it, nobody may), then the
/// conflicts of interest, then independence from earlier reviews.
pub fn may_review(
    assessor: &AssessorFacts,
    evidence: &EvidenceFacts,
    stage: ReviewStage,
    policy: &ReviewPolicy,
) -> Result<(), ReviewRefusal> {
    if stage == ReviewStage::SecondMarking && !policy.double_marking {
        return Err(ReviewRefusal::NotDoubleMarked);
    }
    if evidence.status != stage.awaited_status() {
        return Err(ReviewRefusal::WrongStage {
            stage,
            status: evidence.status,
        });
    }
    if assessor.assessor_id == evidence.learner_id {
        return Err(ReviewRefusal::OwnEvidence);
    }
    if policy.exclude_same_organization
        && let Some(&organization_id) = assessor
            .organizations
            .iter()
            .find(|o| evidence.learner_organizations.contains(o))
    {
        return Err(ReviewRefusal::SameOrganization { organization_id });
    }
    // Nobody reviews the same evidence twice, at any stage; the refusal names the stage so
    // the sentence says which independence rule it is.
    if evidence.reviewed_by.contains(&assessor.assessor_id) {
        return Err(match stage {
            ReviewStage::SecondMarking => ReviewRefusal::AlreadyFirstMarker,
            ReviewStage::Adjudication => ReviewRefusal::AlreadyMarker,
            ReviewStage::FirstMarking | ReviewStage::Appeal => ReviewRefusal::ReviewedBefore,
        });
    }
    Ok(())
}

/// Whether the learner may appeal the decision on their evidence: once, after a rejection.
pub fn may_appeal(evidence: &EvidenceFacts) -> Result<(), ReviewRefusal> {
    match evidence.status {
        EvidenceStatus::Rejected => Ok(()),
        EvidenceStatus::UnderAppeal | EvidenceStatus::AppealDecided => {
            Err(ReviewRefusal::AlreadyAppealed)
        }
        status => Err(ReviewRefusal::NotRejected { status }),
    }
}

/// Nobody among the candidates may take the review; each one's reason is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoEligibleAssessor {
    pub refusals: Vec<(Uuid, ReviewRefusal)>,
}

impl fmt::Display for NoEligibleAssessor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.refusals.is_empty() {
            return f.write_str("no assessor is available to review this evidence");
        }
        f.write_str("no eligible assessor: ")?;
        for (i, (id, why)) in self.refusals.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "assessor {id}: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for NoEligibleAssessor {}

/// Pick the assessor for a review: among the eligible candidates, the one with the fewest
/// open reviews, and among those the smallest id.
///
/// Least loaded first spreads the queue and keeps turnaround even; the id breaks ties so the
/// choice is deterministic (the same on every server, and repeatable in tests). The id
/// favours nobody for long, because the pick raises that assessor's open reviews and the
/// next tie goes to someone else.
pub fn pick_assessor<'a>(
    candidates: &'a [AssessorFacts],
    evidence: &EvidenceFacts,
    stage: ReviewStage,
    policy: &ReviewPolicy,
) -> Result<&'a AssessorFacts, NoEligibleAssessor> {
    let mut refusals = Vec::new();
    let mut best: Option<&AssessorFacts> = None;
    for c in candidates {
        match may_review(c, evidence, stage, policy) {
            Ok(()) => {
                let better = best.is_none_or(|b| {
                    (c.open_reviews, c.assessor_id) < (b.open_reviews, b.assessor_id)
                });
                if better {
                    best = Some(c);
                }
            }
            Err(why) => refusals.push((c.assessor_id, why)),
        }
    }
    best.ok_or(NoEligibleAssessor { refusals })
}

// --- Agreement between assessors ------------------------------------------------------------

/// One piece of evidence marked by two assessors, as the statistics need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoubleMarked {
    pub evidence_id: Uuid,
    /// The rubric's maximum, so that differences compare across rubrics.
    pub max: u32,
    pub first: MarkSummary,
    pub second: MarkSummary,
}

impl DoubleMarked {
    pub fn from_scores(evidence_id: Uuid, first: &Score, second: &Score) -> Self {
        DoubleMarked {
            evidence_id,
            max: first.max.max(second.max),
            first: first.summary(),
            second: second.summary(),
        }
    }

    /// The difference between the two totals, in percentage points of the rubric's maximum.
    fn difference_percent(&self) -> f64 {
        if self.max == 0 {
            return 0.0;
        }
        f64::from(self.first.total.abs_diff(self.second.total)) * 100.0 / f64::from(self.max)
    }
}

/// How far two raters agree, over some double-marked evidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agreement {
    pub reviews: usize,
    /// Share of pieces on which both gave the same verdict; None without data.
    pub observed_agreement: Option<f64>,
    /// Cohen's kappa on pass/fail; see [`cohens_kappa`] for when it is None.
    pub kappa: Option<f64>,
    /// Mean absolute difference of the two totals, in percentage points of each rubric's
    /// maximum (so 10.0 means a tenth of the scale apart); None without data.
    pub mean_absolute_difference: Option<f64>,
}

/// Cohen's kappa on pass/fail verdicts, each pair (rater A, rater B).
///
/// `(p_o − p_e) / (1 − p_e)`, where `p_o` is the observed agreement and `p_e` the agreement
/// expected by chance from each rater's own pass rate.
///
/// None when there is no data, and None when `p_e` = 1: both raters gave every piece the
/// same single verdict, so there is no variation to agree on beyond chance and kappa is 0/0.
/// We report None rather than 1.0 because 1.0 would claim a reliability the data cannot
/// show (two assessors who pass everything "agree perfectly"); the page shows the observed
/// agreement beside it instead.
pub fn cohens_kappa(verdicts: &[(bool, bool)]) -> Option<f64> {
    let n = verdicts.len();
    if n == 0 {
        return None;
    }
    let a_pass = verdicts.iter().filter(|(a, _)| *a).count();
    let b_pass = verdicts.iter().filter(|(_, b)| *b).count();
    let agree = verdicts.iter().filter(|(a, b)| a == b).count();
    // Decided on the counts, not on a float compared with 1.0.
    if a_pass == b_pass && (a_pass == 0 || a_pass == n) {
        return None;
    }
    let nf = n as f64;
    let p_o = agree as f64 / nf;
    let (pa, pb) = (a_pass as f64 / nf, b_pass as f64 / nf);
    let p_e = pa * pb + (1.0 - pa) * (1.0 - pb);
    Some((p_o - p_e) / (1.0 - p_e))
}

/// Agreement over `marks`, with `first` as rater A and `second` as rater B.
pub fn agreement(marks: &[DoubleMarked]) -> Agreement {
    let verdicts: Vec<(bool, bool)> = marks
        .iter()
        .map(|m| (m.first.passed, m.second.passed))
        .collect();
    let n = marks.len();
    let (observed_agreement, mean_absolute_difference) = if n == 0 {
        (None, None)
    } else {
        let agree = verdicts.iter().filter(|(a, b)| a == b).count();
        let diff: f64 = marks.iter().map(DoubleMarked::difference_percent).sum();
        (Some(agree as f64 / n as f64), Some(diff / n as f64))
    };
    Agreement {
        reviews: n,
        observed_agreement,
        kappa: cohens_kappa(&verdicts),
        mean_absolute_difference,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairAgreement {
    /// The two assessors, smaller id first.
    pub assessors: (Uuid, Uuid),
    pub agreement: Agreement,
}

/// Agreement for every pair of assessors who marked the same evidence, ordered by pair.
///
/// Within a pair, the assessor with the smaller id is rater A whichever of them marked
/// first; kappa does not depend on which rater is A, but a fixed orientation keeps the
/// per-pair tables comparable.
pub fn agreement_by_pair(marks: &[DoubleMarked]) -> Vec<PairAgreement> {
    let mut groups: BTreeMap<(Uuid, Uuid), Vec<DoubleMarked>> = BTreeMap::new();
    for m in marks {
        let (a, b) = if m.first.assessor_id <= m.second.assessor_id {
            (m.first, m.second)
        } else {
            (m.second, m.first)
        };
        groups
            .entry((a.assessor_id, b.assessor_id))
            .or_default()
            .push(DoubleMarked {
                first: a,
                second: b,
                ..*m
            });
    }
    groups
        .into_iter()
        .map(|(assessors, ms)| PairAgreement {
            assessors,
            agreement: agreement(&ms),
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessorAgreement {
    pub assessor_id: Uuid,
    pub agreement: Agreement,
}

/// Agreement of each assessor with whoever else marked the same evidence, ordered by id:
/// the assessor is rater A and the other marker rater B.
pub fn agreement_by_assessor(marks: &[DoubleMarked]) -> Vec<AssessorAgreement> {
    let mut groups: BTreeMap<Uuid, Vec<DoubleMarked>> = BTreeMap::new();
    for m in marks {
        groups.entry(m.first.assessor_id).or_default().push(*m);
        // A self-paired record should not exist; counting it once keeps it from doubling.
        if m.second.assessor_id != m.first.assessor_id {
            groups
                .entry(m.second.assessor_id)
                .or_default()
                .push(DoubleMarked {
                    first: m.second,
                    second: m.first,
                    ..*m
                });
        }
    }
    groups
        .into_iter()
        .map(|(assessor_id, ms)| AssessorAgreement {
            assessor_id,
            agreement: agreement(&ms),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn level(title: &str, points: u32) -> RubricLevel {
        RubricLevel {
            title: title.to_owned(),
            descriptor: format!("Work that is {title}."),
            points,
        }
    }

    fn criterion(n: u128, title: &str, points: &[u32]) -> RubricCriterion {
        RubricCriterion {
            id: id(n),
            title: title.to_owned(),
            levels: points
                .iter()
                .enumerate()
                .map(|(i, p)| level(&format!("L{}", i + 1), *p))
                .collect(),
            min_level: None,
        }
    }

    /// Three criteria of 0/2/4 points (max 12), pass mark 7, safety at level 2 at least.
    fn rubric() -> Rubric {
        let mut safety = criterion(3, "Patient safety", &[0, 2, 4]);
        safety.min_level = Some(1);
        Rubric {
            id: id(100),
            title: "Discharge summary".to_owned(),
            criteria: vec![
                criterion(1, "Accuracy", &[0, 2, 4]),
                criterion(2, "Clarity", &[0, 2, 4]),
                safety,
            ],
            pass_mark: 7,
        }
    }

    fn review(assessor: u128, levels: [usize; 3]) -> Review {
        Review {
            id: id(1000 + assessor),
            evidence_id: id(500),
            assessor_id: id(assessor),
            rubric_id: id(100),
            marks: levels
                .iter()
                .enumerate()
                .map(|(i, l)| Mark {
                    criterion_id: id(i as u128 + 1),
                    level: *l,
                    comment: None,
                })
                .collect(),
        }
    }

    fn score(assessor: u128, levels: [usize; 3]) -> Score {
        rubric().score(&review(assessor, levels)).unwrap()
    }

    #[test]
    fn a_good_rubric_is_valid() {
        let r = rubric();
        assert_eq!(r.validate(), Ok(()));
        assert_eq!(r.max_points(), 12);
    }

    #[test]
    fn rubric_errors_name_the_criterion() {
        let mut r = rubric();
        r.criteria[1].levels[2].points = 1;
        let e = r.validate().unwrap_err();
        assert!(e.message.contains("criterion 2 \"Clarity\""), "{e}");
        assert!(e.message.contains("never decrease"), "{e}");

        let mut r = rubric();
        r.criteria[0].levels.truncate(1);
        let e = r.validate().unwrap_err();
        assert!(
            e.message.contains("criterion 1 \"Accuracy\" has 1 level"),
            "{e}"
        );

        let mut r = rubric();
        r.criteria[2].min_level = Some(3);
        let e = r.validate().unwrap_err();
        assert!(e.message.contains("\"Patient safety\""), "{e}");
        assert!(e.message.contains("only 3 levels"), "{e}");

        let mut r = rubric();
        r.criteria[1].levels[0].descriptor = "  ".to_owned();
        let e = r.validate().unwrap_err();
        assert!(
            e.message.contains("criterion 2 \"Clarity\", level 1"),
            "{e}"
        );

        let mut r = rubric();
        r.criteria[1].id = id(1);
        assert!(r.validate().unwrap_err().message.contains("same id"));

        let mut r = rubric();
        r.criteria.clear();
        assert_eq!(
            r.validate().unwrap_err().message,
            "a rubric needs at least one criterion"
        );
    }

    #[test]
    fn the_pass_mark_must_be_reachable_and_positive() {
        let mut r = rubric();
        r.pass_mark = 13;
        let e = r.validate().unwrap_err();
        assert_eq!(e.field, "pass_mark");
        assert!(e.message.contains("at most 12 points"), "{e}");
        r.pass_mark = 0;
        assert_eq!(r.validate().unwrap_err().field, "pass_mark");
    }

    #[test]
    fn a_review_totals_points_and_passes_on_the_pass_mark() {
        let s = score(7, [2, 1, 1]);
        assert_eq!((s.total, s.max, s.passed), (8, 12, true));
        assert!(s.shortfalls.is_empty());
        let s = score(7, [1, 1, 1]);
        assert_eq!((s.total, s.passed), (6, false));
        assert_eq!(s.shortfalls, vec!["6 points is below the pass mark of 7"]);
    }

    #[test]
    fn a_minimum_level_fails_a_review_whatever_its_total() {
        let s = score(7, [2, 2, 0]);
        assert_eq!((s.total, s.passed), (8, false));
        assert!(s.criteria[2].below_minimum);
        assert_eq!(
            s.shortfalls,
            vec![
                "criterion 3 \"Patient safety\" is at level 1 \"L1\"; at least level 2 \"L2\" is required"
            ]
        );
    }

    #[test]
    fn scoring_refuses_incomplete_or_foreign_marks_naming_the_criterion() {
        let r = rubric();
        let mut rv = review(7, [1, 1, 1]);
        rv.marks.pop();
        let e = r.score(&rv).unwrap_err();
        assert_eq!(
            e.message,
            "criterion 3 \"Patient safety\" has no level chosen"
        );

        let mut rv = review(7, [1, 1, 1]);
        rv.marks[1].level = 3;
        let e = r.score(&rv).unwrap_err();
        assert_eq!(
            e.message,
            "criterion 2 \"Clarity\": level 4 does not exist; choose 1 to 3"
        );

        let mut rv = review(7, [1, 1, 1]);
        rv.marks.push(rv.marks[0].clone());
        assert!(r.score(&rv).unwrap_err().message.contains("more than once"));

        let mut rv = review(7, [1, 1, 1]);
        rv.marks[0].criterion_id = id(99);
        assert!(
            r.score(&rv)
                .unwrap_err()
                .message
                .contains("not on this rubric")
        );

        let mut rv = review(7, [1, 1, 1]);
        rv.rubric_id = id(101);
        assert_eq!(r.score(&rv).unwrap_err().field, "rubric_id");
    }

    #[test]
    fn rubrics_and_reviews_round_trip_through_json() {
        let r = rubric();
        let back: Rubric = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        let d = decide(&ReviewPolicy::default(), &score(7, [2, 2, 2]), None, None).unwrap();
        let back: Progress = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }

    fn double() -> ReviewPolicy {
        ReviewPolicy {
            double_marking: true,
            score_tolerance: 2,
            exclude_same_organization: true,
        }
    }

    #[test]
    fn markers_who_agree_within_tolerance_need_no_adjudicator() {
        let (a, b) = (score(7, [2, 1, 1]), score(8, [2, 2, 1]));
        assert!(!needs_adjudication(&a, &b, &double()));
        let p = decide(&double(), &a, Some(&b), None).unwrap();
        let Progress::Decided { decision } = p else {
            panic!("{p:?}")
        };
        assert!(decision.accepted);
        assert_eq!(decision.total, 9);
        assert!(
            decision
                .explain()
                .starts_with("accepted with 9 of 12 points")
        );
        assert_eq!(decision.reviewers(), vec![id(7), id(8)]);
    }

    #[test]
    fn a_pass_fail_disagreement_goes_to_adjudication_and_the_adjudicator_decides() {
        let (a, b) = (score(7, [2, 1, 1]), score(8, [1, 1, 1]));
        // 8 and 6 are within the tolerance of 2, but the verdicts differ.
        assert!(needs_adjudication(&a, &b, &double()));
        let p = decide(&double(), &a, Some(&b), None).unwrap();
        assert!(matches!(
            p,
            Progress::AwaitingAdjudication {
                disagreement: Disagreement::PassFail { .. }
            }
        ));
        let c = score(9, [1, 1, 1]);
        let Progress::Decided { decision } = decide(&double(), &a, Some(&b), Some(&c)).unwrap()
        else {
            panic!()
        };
        assert!(!decision.accepted);
        assert_eq!(decision.total, 6);
        let text = decision.explain();
        assert!(
            text.starts_with(&format!(
                "assessors disagreed on pass/fail: assessor {} passed it with 8 points, assessor {} failed it with 6 points → adjudicated by assessor {}: rejected with 6 of 12 points",
                id(7),
                id(8),
                id(9)
            )),
            "{text}"
        );
        assert_eq!(decision.reviewers(), vec![id(7), id(8), id(9)]);
    }

    #[test]
    fn every_decision_explains_itself_in_one_sentence() {
        let single = decide(&ReviewPolicy::default(), &score(7, [2, 1, 1]), None, None).unwrap();
        let Progress::Decided { decision } = single else {
            panic!()
        };
        assert_eq!(
            decision.explain(),
            format!("accepted with 8 of 12 points, marked by assessor {}", id(7))
        );
        let (a, b) = (score(7, [2, 1, 1]), score(8, [2, 2, 1]));
        let Progress::Decided { decision } = decide(&double(), &a, Some(&b), None).unwrap() else {
            panic!()
        };
        assert_eq!(
            decision.to_string(),
            format!(
                "accepted with 9 of 12 points: assessors {} (8 points) and {} (10 points) agreed, and the mean is recorded",
                id(7),
                id(8)
            )
        );
        let back: Decision =
            serde_json::from_str(&serde_json::to_string(&decision).unwrap()).unwrap();
        assert_eq!(back, decision);
        let refusal: ReviewRefusal =
            serde_json::from_str(&serde_json::to_string(&ReviewRefusal::AlreadyMarker).unwrap())
                .unwrap();
        assert_eq!(refusal, ReviewRefusal::AlreadyMarker);
    }

    #[test]
    fn totals_beyond_tolerance_go_to_adjudication_even_when_both_pass() {
        let (a, b) = (score(7, [1, 1, 2]), score(8, [2, 2, 2]));
        let d = disagreement(&a, &b, &double()).unwrap();
        assert!(matches!(
            d,
            Disagreement::Totals {
                difference: 4,
                tolerance: 2,
                ..
            }
        ));
        assert!(d.to_string().contains("differ by 4 points"));
    }

    #[test]
    fn decide_refuses_reviews_that_should_not_exist() {
        let (a, b, c) = (
            score(7, [2, 1, 1]),
            score(8, [1, 1, 1]),
            score(9, [2, 2, 2]),
        );
        let single = ReviewPolicy::default();
        assert!(decide(&single, &a, Some(&b), None).is_err());
        assert!(decide(&double(), &a, Some(&a), None).is_err());
        assert!(decide(&double(), &a, None, Some(&c)).is_err());
        assert!(decide(&double(), &a, Some(&b), Some(&b)).is_err());
        let agreeing = score(8, [2, 1, 1]);
        assert!(decide(&double(), &a, Some(&agreeing), Some(&c)).is_err());
        assert_eq!(
            decide(&double(), &a, None, None).unwrap(),
            Progress::AwaitingSecondMarker
        );
    }

    #[test]
    fn an_appeal_is_allowed_once_after_a_rejection_to_a_new_assessor() {
        let Progress::Decided { decision: rejected } =
            decide(&ReviewPolicy::default(), &score(7, [1, 1, 1]), None, None).unwrap()
        else {
            panic!()
        };
        assert!(decide_appeal(&rejected, &score(7, [2, 2, 2])).is_err());
        let after = decide_appeal(&rejected, &score(8, [2, 2, 2])).unwrap();
        assert!(after.accepted);
        assert!(
            after
                .explain()
                .contains("the rejection was appealed → reviewed again by assessor")
        );
        assert!(decide_appeal(&after, &score(9, [1, 1, 1])).is_err());
        let Progress::Decided { decision: accepted } =
            decide(&ReviewPolicy::default(), &score(7, [2, 2, 2]), None, None).unwrap()
        else {
            panic!()
        };
        assert!(decide_appeal(&accepted, &score(8, [1, 1, 1])).is_err());
    }

    fn assessor(n: u128, orgs: &[u128], load: u32) -> AssessorFacts {
        AssessorFacts {
            assessor_id: id(n),
            organizations: orgs.iter().map(|o| id(*o)).collect(),
            open_reviews: load,
        }
    }

    fn evidence(status: EvidenceStatus, reviewed_by: &[u128]) -> EvidenceFacts {
        EvidenceFacts {
            evidence_id: id(500),
            learner_id: id(50),
            learner_organizations: vec![id(900)],
            status,
            reviewed_by: reviewed_by.iter().map(|n| id(*n)).collect(),
        }
    }

    #[test]
    fn an_assessor_cannot_review_their_own_evidence() {
        let me = assessor(50, &[], 0);
        let e = evidence(EvidenceStatus::AwaitingFirstMarker, &[]);
        let r = may_review(&me, &e, ReviewStage::FirstMarking, &double());
        assert_eq!(r, Err(ReviewRefusal::OwnEvidence));
        assert_eq!(
            r.unwrap_err().to_string(),
            "an assessor may not review their own evidence"
        );
    }

    #[test]
    fn same_organization_is_refused_only_where_configured() {
        let colleague = assessor(7, &[900], 0);
        let e = evidence(EvidenceStatus::AwaitingFirstMarker, &[]);
        let r = may_review(&colleague, &e, ReviewStage::FirstMarking, &double());
        assert_eq!(
            r,
            Err(ReviewRefusal::SameOrganization {
                organization_id: id(900)
            })
        );
        let open = ReviewPolicy {
            exclude_same_organization: false,
            ..double()
        };
        assert_eq!(
            may_review(&colleague, &e, ReviewStage::FirstMarking, &open),
            Ok(())
        );
    }

    #[test]
    fn markers_and_adjudicators_must_be_independent() {
        let first = assessor(7, &[], 0);
        let e = evidence(EvidenceStatus::AwaitingSecondMarker, &[7]);
        assert_eq!(
            may_review(&first, &e, ReviewStage::SecondMarking, &double()),
            Err(ReviewRefusal::AlreadyFirstMarker)
        );
        assert_eq!(
            may_review(
                &assessor(8, &[], 0),
                &e,
                ReviewStage::SecondMarking,
                &double()
            ),
            Ok(())
        );
        let e = evidence(EvidenceStatus::AwaitingAdjudication, &[7, 8]);
        for m in [7, 8] {
            assert_eq!(
                may_review(
                    &assessor(m, &[], 0),
                    &e,
                    ReviewStage::Adjudication,
                    &double()
                ),
                Err(ReviewRefusal::AlreadyMarker)
            );
        }
        assert_eq!(
            may_review(
                &assessor(9, &[], 0),
                &e,
                ReviewStage::Adjudication,
                &double()
            ),
            Ok(())
        );
    }

    #[test]
    fn review_at_the_wrong_stage_is_refused_with_a_sentence() {
        let e = evidence(EvidenceStatus::Accepted, &[7]);
        let r = may_review(
            &assessor(8, &[], 0),
            &e,
            ReviewStage::Adjudication,
            &double(),
        );
        assert_eq!(
            r.unwrap_err().to_string(),
            "this evidence is accepted, so it does not need an adjudicator"
        );
        let e = evidence(EvidenceStatus::AwaitingSecondMarker, &[7]);
        let single = ReviewPolicy::default();
        assert_eq!(
            may_review(
                &assessor(8, &[], 0),
                &e,
                ReviewStage::SecondMarking,
                &single
            ),
            Err(ReviewRefusal::NotDoubleMarked)
        );
    }

    #[test]
    fn an_appeal_goes_to_a_different_assessor_once_after_rejection() {
        assert_eq!(
            may_appeal(&evidence(EvidenceStatus::Rejected, &[7])),
            Ok(())
        );
        assert_eq!(
            may_appeal(&evidence(EvidenceStatus::AppealDecided, &[7, 8])),
            Err(ReviewRefusal::AlreadyAppealed)
        );
        let r = may_appeal(&evidence(EvidenceStatus::Accepted, &[7]));
        assert_eq!(
            r.unwrap_err().to_string(),
            "only a rejection can be appealed, and this evidence is accepted"
        );
        assert!(may_appeal(&evidence(EvidenceStatus::AwaitingFirstMarker, &[])).is_err());

        let e = evidence(EvidenceStatus::UnderAppeal, &[7, 8, 9]);
        let candidates = [
            assessor(7, &[], 0),
            assessor(8, &[], 0),
            assessor(9, &[], 0),
        ];
        let none = pick_assessor(&candidates, &e, ReviewStage::Appeal, &double()).unwrap_err();
        assert_eq!(none.refusals.len(), 3);
        assert!(
            none.refusals
                .iter()
                .all(|(_, r)| *r == ReviewRefusal::ReviewedBefore)
        );
        assert!(
            none.to_string()
                .starts_with("no eligible assessor: assessor ")
        );
        let candidates = [assessor(7, &[], 0), assessor(10, &[], 3)];
        let got = pick_assessor(&candidates, &e, ReviewStage::Appeal, &double()).unwrap();
        assert_eq!(got.assessor_id, id(10));
    }

    #[test]
    fn pick_assessor_takes_the_least_loaded_then_the_smallest_id() {
        let e = evidence(EvidenceStatus::AwaitingFirstMarker, &[]);
        let candidates = [
            assessor(30, &[], 2),
            assessor(50, &[], 0),    // the learner
            assessor(20, &[900], 0), // same organization
            assessor(12, &[], 1),
            assessor(11, &[], 1),
        ];
        let got = pick_assessor(&candidates, &e, ReviewStage::FirstMarking, &double()).unwrap();
        assert_eq!(got.assessor_id, id(11));
        let none = pick_assessor(&[], &e, ReviewStage::FirstMarking, &double()).unwrap_err();
        assert_eq!(
            none.to_string(),
            "no assessor is available to review this evidence"
        );
    }

    fn pair(ev: u128, a: (u128, bool, u32), b: (u128, bool, u32)) -> DoubleMarked {
        DoubleMarked {
            evidence_id: id(ev),
            max: 20,
            first: MarkSummary {
                assessor_id: id(a.0),
                passed: a.1,
                total: a.2,
            },
            second: MarkSummary {
                assessor_id: id(b.0),
                passed: b.1,
                total: b.2,
            },
        }
    }

    /// The textbook table: 50 pieces; both pass 20, only A passes 5, only B passes 10, both
    /// fail 15. p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, so kappa = 0.4.
    fn textbook() -> Vec<(bool, bool)> {
        let mut v = Vec::new();
        v.extend(std::iter::repeat_n((true, true), 20));
        v.extend(std::iter::repeat_n((true, false), 5));
        v.extend(std::iter::repeat_n((false, true), 10));
        v.extend(std::iter::repeat_n((false, false), 15));
        v
    }

    #[test]
    fn kappa_matches_the_worked_example() {
        let k = cohens_kappa(&textbook()).unwrap();
        assert!((k - 0.4).abs() < 1e-12, "{k}");
        // A second known table: 45/15/25/15 of 100 gives p_o 0.6, p_e 0.54, kappa 0.1304….
        let mut v = Vec::new();
        v.extend(std::iter::repeat_n((true, true), 45));
        v.extend(std::iter::repeat_n((true, false), 15));
        v.extend(std::iter::repeat_n((false, true), 25));
        v.extend(std::iter::repeat_n((false, false), 15));
        let k = cohens_kappa(&v).unwrap();
        assert!((k - 0.06 / 0.46).abs() < 1e-12, "{k}");
    }

    #[test]
    fn kappa_edge_cases() {
        assert_eq!(cohens_kappa(&[]), None);
        // Everyone passed everything: agreement is perfect but kappa is 0/0.
        assert_eq!(cohens_kappa(&[(true, true); 5]), None);
        assert_eq!(cohens_kappa(&[(false, false); 3]), None);
        // Perfect agreement with both verdicts used is 1.
        assert_eq!(cohens_kappa(&[(true, true), (false, false)]), Some(1.0));
        // Always opposite: p_o = 0, p_e = 0 → kappa 0... and the mixed case goes negative.
        assert_eq!(cohens_kappa(&[(true, false); 4]), Some(0.0));
        assert_eq!(cohens_kappa(&[(true, false), (false, true)]), Some(-1.0));
    }

    #[test]
    fn agreement_without_data_is_none_not_zero() {
        let a = agreement(&[]);
        assert_eq!(a.reviews, 0);
        assert_eq!(
            (a.kappa, a.observed_agreement, a.mean_absolute_difference),
            (None, None, None)
        );
        let all_pass = agreement(&[pair(1, (7, true, 15), (8, true, 17))]);
        assert_eq!(all_pass.kappa, None);
        assert_eq!(all_pass.observed_agreement, Some(1.0));
        assert_eq!(all_pass.mean_absolute_difference, Some(10.0));
    }

    #[test]
    fn agreement_groups_by_pair_and_by_assessor() {
        let marks = vec![
            pair(1, (8, true, 15), (7, true, 14)),
            pair(2, (7, false, 8), (8, false, 6)),
            pair(3, (7, true, 12), (8, false, 9)),
            pair(4, (7, true, 16), (9, true, 16)),
        ];
        let pairs = agreement_by_pair(&marks);
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].assessors, (id(7), id(8)));
        assert_eq!(pairs[0].agreement.reviews, 3);
        // (7 pass, 8 pass), (7 fail, 8 fail), (7 pass, 8 fail): p_o 2/3, p_e 2/3·1/3+1/3·2/3.
        let k = pairs[0].agreement.kappa.unwrap();
        assert!((k - 0.4).abs() < 1e-12, "{k}");
        let mad = pairs[0].agreement.mean_absolute_difference.unwrap();
        assert!((mad - (1.0 + 2.0 + 3.0) / 3.0 * 5.0).abs() < 1e-12, "{mad}");
        assert_eq!(pairs[1].assessors, (id(7), id(9)));

        let by = agreement_by_assessor(&marks);
        let ids: Vec<_> = by
            .iter()
            .map(|a| (a.assessor_id, a.agreement.reviews))
            .collect();
        assert_eq!(ids, vec![(id(7), 4), (id(8), 3), (id(9), 1)]);
    }

    fn arb_rubric() -> impl Strategy<Value = Rubric> {
        prop::collection::vec(
            (
                prop::collection::vec(0u32..20, LEVELS_MIN..=5),
                any::<bool>(),
            ),
            1..6,
        )
        .prop_flat_map(|crits| {
            let criteria: Vec<RubricCriterion> = crits
                .into_iter()
                .enumerate()
                .map(|(i, (mut steps, with_min))| {
                    // Running sums of non-negative steps never decrease.
                    let mut acc = 0;
                    for s in &mut steps {
                        acc += *s;
                        *s = acc;
                    }
                    let mut c = criterion(i as u128 + 1, &format!("C{i}"), &steps);
                    c.min_level = with_min.then_some(1);
                    c
                })
                .collect();
            let r = Rubric {
                id: id(100),
                title: "R".to_owned(),
                criteria,
                pass_mark: 1,
            };
            let max = r.max_points().max(1);
            (Just(r), 1..=max)
        })
        .prop_filter("a rubric worth 0 points cannot pass", |(r, _)| {
            r.max_points() > 0
        })
        .prop_map(|(mut r, pass)| {
            r.pass_mark = pass;
            r
        })
    }

    fn arb_review(r: &Rubric, assessor: u128) -> impl Strategy<Value = Review> + use<> {
        let sizes: Vec<usize> = r.criteria.iter().map(|c| c.levels.len()).collect();
        let ids: Vec<Uuid> = r.criteria.iter().map(|c| c.id).collect();
        let rubric_id = r.id;
        sizes
            .into_iter()
            .map(|n| 0..n)
            .collect::<Vec<_>>()
            .prop_map(move |levels| Review {
                id: id(1000 + assessor),
                evidence_id: id(500),
                assessor_id: id(assessor),
                rubric_id,
                marks: ids
                    .iter()
                    .zip(levels)
                    .map(|(c, level)| Mark {
                        criterion_id: *c,
                        level,
                        comment: None,
                    })
                    .collect(),
            })
    }

    fn arb_rubric_and_two_reviews() -> impl Strategy<Value = (Rubric, Review, Review)> {
        arb_rubric().prop_flat_map(|r| {
            let (a, b) = (arb_review(&r, 7), arb_review(&r, 8));
            (Just(r), a, b)
        })
    }

    fn arb_verdicts() -> impl Strategy<Value = Vec<(bool, bool)>> {
        prop::collection::vec((any::<bool>(), any::<bool>()), 0..60)
    }

    fn arb_assessors() -> impl Strategy<Value = Vec<AssessorFacts>> {
        prop::collection::vec(
            (
                0u128..12,
                prop::collection::vec(900u128..903, 0..2),
                0u32..4,
            ),
            0..8,
        )
        .prop_map(|v| {
            v.into_iter()
                .map(|(n, orgs, load)| assessor(n, &orgs, load))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn generated_rubrics_validate_and_score_as_the_sum_of_their_levels(
            (r, a, _) in arb_rubric_and_two_reviews()
        ) {
            prop_assert_eq!(r.validate(), Ok(()));
            let s = r.score(&a).unwrap();
            let sum: u32 = r.criteria.iter().zip(&a.marks).map(|(c, m)| c.levels[m.level].points).sum();
            prop_assert_eq!(s.total, sum);
            prop_assert!(s.total <= s.max);
            prop_assert_eq!(s.passed, s.shortfalls.is_empty());
            if s.passed {
                prop_assert!(s.total >= r.pass_mark);
                prop_assert!(s.criteria.iter().all(|c| !c.below_minimum));
            }
        }

        #[test]
        fn adjudication_is_symmetric_and_never_needed_for_equal_scores(
            (r, a, b) in arb_rubric_and_two_reviews(), tolerance in 0u32..10
        ) {
            let policy = ReviewPolicy { double_marking: true, score_tolerance: tolerance, exclude_same_organization: false };
            let (sa, sb) = (r.score(&a).unwrap(), r.score(&b).unwrap());
            prop_assert_eq!(needs_adjudication(&sa, &sb, &policy), needs_adjudication(&sb, &sa, &policy));
            prop_assert!(!needs_adjudication(&sa, &sa, &policy));
            match decide(&policy, &sa, Some(&sb), None).unwrap() {
                Progress::Decided { decision } => {
                    prop_assert_eq!(decision.accepted, sa.passed);
                    prop_assert!(decision.total >= sa.total.min(sb.total));
                    prop_assert!(decision.total <= sa.total.max(sb.total));
                }
                Progress::AwaitingAdjudication { .. } => {
                    prop_assert!(sa.passed != sb.passed || sa.total.abs_diff(sb.total) > tolerance);
                }
                Progress::AwaitingSecondMarker => prop_assert!(false),
            }
        }

        #[test]
        fn kappa_lies_in_range_and_ignores_which_rater_is_first(v in arb_verdicts()) {
            let k = cohens_kappa(&v);
            let swapped: Vec<_> = v.iter().map(|(a, b)| (*b, *a)).collect();
            prop_assert_eq!(k, cohens_kappa(&swapped));
            if let Some(k) = k {
                prop_assert!((-1.0..=1.0).contains(&k), "{}", k);
            }
            let all_agree = v.iter().all(|(a, b)| a == b);
            if all_agree && k.is_some() {
                prop_assert_eq!(k, Some(1.0));
            }
        }

        #[test]
        fn pick_assessor_picks_an_eligible_least_loaded_assessor(
            candidates in arb_assessors(),
            reviewed in prop::collection::vec(0u128..12, 0..3),
            stage_pick in 0usize..4,
            exclude in any::<bool>(),
        ) {
            let stage = [ReviewStage::FirstMarking, ReviewStage::SecondMarking, ReviewStage::Adjudication, ReviewStage::Appeal][stage_pick];
            let mut e = evidence(stage.awaited_status(), &reviewed);
            e.learner_id = id(3);
            let policy = ReviewPolicy { double_marking: true, score_tolerance: 0, exclude_same_organization: exclude };
            match pick_assessor(&candidates, &e, stage, &policy) {
                Ok(got) => {
                    prop_assert!(may_review(got, &e, stage, &policy).is_ok());
                    prop_assert!(got.assessor_id != e.learner_id);
                    prop_assert!(!e.reviewed_by.contains(&got.assessor_id));
                    for c in &candidates {
                        if may_review(c, &e, stage, &policy).is_ok() {
                            prop_assert!((got.open_reviews, got.assessor_id) <= (c.open_reviews, c.assessor_id));
                        }
                    }
                }
                Err(none) => {
                    prop_assert_eq!(none.refusals.len(), candidates.len());
                }
            }
        }
    }
}
