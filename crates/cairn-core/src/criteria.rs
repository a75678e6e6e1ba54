//! Achievement criteria: a small rule language over a learner's evidence.
//!
//! Criteria are stored and sent as JSON (the serde form of [`Criteria`]), shown to people
//! as text ([`Criteria::describe`]) and checked against evidence by [`evaluate`], which says
//! what satisfied them — that becomes the credential's evidence — or what is still missing.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::validate::Invalid;

/// How deep rules may nest, a leaf alone being depth 1. Real criteria need two or three
/// levels; the limit keeps evaluation's recursion and the text form bounded.
pub const DEPTH_MAX: usize = 8;
/// How many rules (leaves and groups) one set of criteria may hold.
pub const RULES_MAX: usize = 200;

/// One rule, or a combination of rules. An achievement's criteria are one such tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Criteria {
    /// An attempt at the assessment passed its cut score and, if given, scored at least
    /// `min_percent` (a bar above the cut score, for achievements that ask for more).
    PassedAssessment {
        assessment_id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_percent: Option<u8>,
    },
    /// Performance evidence reviewed on the rubric was accepted.
    EvidenceAccepted { rubric_id: Uuid },
    /// A version of the module was completed, and if given one numbered `min_version` or
    /// later, since earlier versions may lack content the achievement now relies on.
    CompletedModule {
        module_id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_version: Option<i32>,
    },
    /// An xAPI statement with this verb about the activity (or about any activity of the
    /// module: its page, its `activity_iri`, or a statement whose parent or grouping is one
    /// of them), with at least this scaled score, within the last `within_days` days and/or
    /// between `from` (inclusive) and `until` (exclusive). Exactly one of `activity_id` and
    /// `module_id` is given.
    XapiStatement {
        verb: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        activity_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        module_id: Option<Uuid>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
        min_scaled: Option<Scaled>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within_days: Option<u32>,
        #[serde(
            default,
            with = "time::serde::rfc3339::option",
            skip_serializing_if = "Option::is_none"
        )]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
        from: Option<OffsetDateTime>,
        #[serde(
            default,
            with = "time::serde::rfc3339::option",
            skip_serializing_if = "Option::is_none"
        )]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
        until: Option<OffsetDateTime>,
    },
    /// A cmi5 assignable unit's moveOn criterion, judged from its cmi5-defined statements.
    /// `au_id` is the AU's id as the statements name it: the LMS's activity id (their
    /// object) or the course structure's publisher id (their `grouping`).
    Cmi5MoveOn { au_id: String, move_on: MoveOn },
    All {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        of: Vec<Criteria>,
    },
    Any {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        of: Vec<Criteria>,
    },
}

/// A scaled score (xAPI `result.score.scaled`, −1 to 1) in thousandths, so that rules
/// stay `Eq + Hash`; it reads and writes as a JSON number (0.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scaled(pub i32);

impl Scaled {
    /// The nearest thousandth of `x`; None for NaN or infinities.
    pub fn from_f64(x: f64) -> Option<Scaled> {
        if !x.is_finite() {
            return None;
        }
        // `as` saturates, so absurd values stay absurd (and fail validation) rather than wrap.
        Some(Scaled((x * 1000.0).round() as i32))
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 1000.0
    }

    /// Within xAPI's range, −1 to 1.
    pub fn in_range(self) -> bool {
        (-1000..=1000).contains(&self.0)
    }

    /// As a percentage with one decimal, e.g. "90.0".
    pub fn percent_text(self) -> String {
        let tenths = self.0;
        let sign = if tenths < 0 { "-" } else { "" };
        format!("{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10)
    }
}

impl fmt::Display for Scaled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (whole, frac) = (self.0.unsigned_abs() / 1000, self.0.unsigned_abs() % 1000);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let digits = format!("{frac:03}");
            write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl Serialize for Scaled {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Scaled {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = f64::deserialize(d)?;
        Scaled::from_f64(x).ok_or_else(|| serde::de::Error::custom("a scaled score is a number"))
    }
}

/// cmi5's moveOn values: what an AU's statements must show for it to be satisfied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MoveOn {
    Passed,
    Completed,
    CompletedAndPassed,
    CompletedOrPassed,
    /// The LMS needs nothing from the AU; Cairn still asks for one statement about it, so
    /// that a credential never rests on no evidence at all.
    NotApplicable,
}

impl MoveOn {
    fn words(self) -> &'static str {
        match self {
            MoveOn::Passed => "passed",
            MoveOn::Completed => "completed",
            MoveOn::CompletedAndPassed => "completed and passed",
            MoveOn::CompletedOrPassed => "completed or passed",
            MoveOn::NotApplicable => "launched or otherwise reported on",
        }
    }
}

/// The verbs cmi5 defines, and its category marking the statements it defines.
pub const VERB_PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
pub const VERB_COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
pub const CMI5_CATEGORY: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
/// The context extension a cmi5 `passed`/`failed` statement carries its mastery score in.
pub const CMI5_MASTERY_SCORE: &str = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";

/// A stored, non-voided xAPI statement of the learner, as rules count it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementFact {
    pub statement_id: Uuid,
    pub verb: String,
    /// The object's id when the object is an activity.
    pub object_id: Option<String>,
    /// The `parent` and `grouping` context activities.
    #[serde(default)]
    pub context_ids: Vec<String>,
    /// The modules its activities belong to (resolved by the caller).
    #[serde(default)]
    pub module_ids: Vec<Uuid>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub scaled: Option<Scaled>,
    pub success: Option<bool>,
    pub completion: Option<bool>,
    /// cmi5's mastery score in the context, when given.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub mastery: Option<Scaled>,
    /// It carries cmi5's category: a statement cmi5 defines.
    #[serde(default)]
    pub cmi5: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub timestamp: OffsetDateTime,
}

impl StatementFact {
    /// Is the statement about this activity: its object, parent or grouping?
    pub fn is_about(&self, activity: &str) -> bool {
        self.object_id.as_deref() == Some(activity)
            || self.context_ids.iter().any(|c| c == activity)
    }
}

/// An absolute IRI as xAPI uses them: a scheme (letter, then letters, digits, `+ - .`), a
/// colon and something after it, no spaces, controls or characters IRIs exclude.
pub fn is_absolute_iri(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once(':') else {
        return false;
    };
    let mut sc = scheme.chars();
    sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        && sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && v.len() <= 2048
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
}

/// The last segment of a verb IRI, to name it in sentences ("passed").
fn verb_word(verb: &str) -> &str {
    verb.rsplit(['/', '#'])
        .next()
        .filter(|w| !w.is_empty())
        .unwrap_or(verb)
}

/// A passed or failed attempt at an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptSummary {
    pub attempt_id: Uuid,
    pub assessment_id: Uuid,
    /// Whether the attempt reached the assessment's cut score (and per-competency minimums).
    pub passed: bool,
    /// Score as a percentage, 0–100.
    pub percent: f64,
}

/// A piece of performance evidence and how its review ended (or that it has not yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewedEvidence {
    pub evidence_id: Uuid,
    pub rubric_id: Uuid,
    pub accepted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleCompletion {
    pub module_version_id: Uuid,
    pub module_id: Uuid,
    /// The version's number (1, 2, 3…), as in [`crate::catalog::ModuleVersion::number`].
    pub version: i32,
}

/// Everything a learner has done that criteria can count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceSet {
    #[serde(default)]
    pub attempts: Vec<AttemptSummary>,
    #[serde(default)]
    pub reviews: Vec<ReviewedEvidence>,
    #[serde(default)]
    pub completions: Vec<ModuleCompletion>,
    /// Non-voided xAPI statements; voided ones are never passed in.
    #[serde(default)]
    pub statements: Vec<StatementFact>,
    /// When the rule is judged: what `within_days` counts back from. Without it, a rule
    /// with `within_days` is not met.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub at: Option<OffsetDateTime>,
}

/// One item of evidence that satisfied a rule; it is what an award links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EvidenceRef {
    Attempt {
        attempt_id: Uuid,
    },
    Evidence {
        evidence_id: Uuid,
    },
    ModuleCompletion {
        module_version_id: Uuid,
    },
    /// A credential the learner holds: what a stack is awarded on.
    Credential {
        credential_id: Uuid,
    },
    /// An xAPI statement in the issuer's LRS.
    Statement {
        statement_id: Uuid,
    },
}

/// Whether criteria are met, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    pub met: bool,
    /// The evidence that counts, without repeats. When met, it is enough to show it: one
    /// item per rule, the first satisfied alternative of an `any`. When not met, it is the
    /// progress so far (the parts of an `all` already met), so a learner sees what counts.
    pub satisfied_by: Vec<EvidenceRef>,
    /// Empty exactly when met; otherwise one sentence per thing still to do.
    pub missing: Vec<String>,
}

impl Criteria {
    /// The rule in words, naming things by their ids.
    pub fn describe(&self) -> String {
        self.describe_with(&|_| None)
    }

    /// The rule in words, naming assessments, rubrics and modules by `names` where it knows
    /// them, so pages can show titles without this module knowing where they are stored.
    pub fn describe_with(&self, names: &dyn Fn(Uuid) -> Option<String>) -> String {
        self.describe_at(names, 1)
    }

    fn describe_at(&self, names: &dyn Fn(Uuid) -> Option<String>, depth: usize) -> String {
        let name = |id: Uuid| names(id).map_or_else(|| id.to_string(), |n| format!("\"{n}\""));
        match self {
            Criteria::PassedAssessment {
                assessment_id,
                min_percent,
            } => match min_percent {
                Some(p) => format!(
                    "passed assessment {} with at least {p}%",
                    name(*assessment_id)
                ),
                None => format!("passed assessment {}", name(*assessment_id)),
            },
            Criteria::EvidenceAccepted { rubric_id } => {
                format!("evidence accepted on rubric {}", name(*rubric_id))
            }
            Criteria::CompletedModule {
                module_id,
                min_version,
            } => match min_version {
                Some(v) => format!(
                    "completed module {} (version {v} or later)",
                    name(*module_id)
                ),
                None => format!("completed module {}", name(*module_id)),
            },
            Criteria::XapiStatement {
                verb,
                activity_id,
                module_id,
                min_scaled,
                within_days,
                from,
                until,
            } => {
                let mut s = format!("an xAPI statement \"{}\" ({verb})", verb_word(verb));
                match (activity_id, module_id) {
                    (Some(a), _) => s.push_str(&format!(" about activity {a}")),
                    (None, Some(m)) => {
                        s.push_str(&format!(" about any activity of module {}", name(*m)))
                    }
                    (None, None) => s.push_str(" about no activity"),
                }
                if let Some(min) = min_scaled {
                    s.push_str(&format!(" with a scaled score of at least {min}"));
                }
                if let Some(d) = within_days {
                    s.push_str(&format!(" within the last {d} day(s)"));
                }
                let day = |t: &OffsetDateTime| t.date().to_string();
                match (from, until) {
                    (Some(f), Some(u)) => s.push_str(&format!(" from {} until {}", day(f), day(u))),
                    (Some(f), None) => s.push_str(&format!(" from {} on", day(f))),
                    (None, Some(u)) => s.push_str(&format!(" before {}", day(u))),
                    (None, None) => {}
                }
                s
            }
            Criteria::Cmi5MoveOn { au_id, move_on } => {
                format!("cmi5 unit {au_id} {} (moveOn {move_on:?})", move_on.words())
            }
            Criteria::All { of } | Criteria::Any { of } => {
                let word = if matches!(self, Criteria::All { .. }) {
                    "all of"
                } else {
                    "any of"
                };
                if depth > DEPTH_MAX {
                    return format!("{word} (… nested too deep)");
                }
                let parts: Vec<String> =
                    of.iter().map(|c| c.describe_at(names, depth + 1)).collect();
                format!("{word} ({})", parts.join("; "))
            }
        }
    }

    /// How deep the rules nest, a leaf alone being 1.
    pub fn depth(&self) -> usize {
        match self {
            Criteria::All { of } | Criteria::Any { of } => {
                1 + of.iter().map(Criteria::depth).max().unwrap_or(0)
            }
            _ => 1,
        }
    }

    /// Refuse criteria that could never be met or that are too large to reason about: an
    /// empty `all`/`any`, nesting beyond [`DEPTH_MAX`], more than [`RULES_MAX`] rules,
    /// a minimum score above 100% or a version below 1. The message says which rule, by its
    /// position: "rule 2.1" is the first rule inside the second one.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut count = 0usize;
        self.validate_at("", 1, &mut count)
    }

    fn validate_at(&self, path: &str, depth: usize, count: &mut usize) -> Result<(), Invalid> {
        let here = if path.is_empty() {
            "the top rule".to_owned()
        } else {
            format!("rule {path}")
        };
        if depth > DEPTH_MAX {
            return Err(Invalid::new(
                "criteria",
                format!("{here} nests more than {DEPTH_MAX} levels deep; flatten the combinations"),
            ));
        }
        *count += 1;
        if *count > RULES_MAX {
            return Err(Invalid::new(
                "criteria",
                format!("hold more than {RULES_MAX} rules; split the achievement or simplify"),
            ));
        }
        match self {
            Criteria::PassedAssessment {
                min_percent: Some(p),
                ..
            } if *p > 100 => Err(Invalid::new(
                "criteria",
                format!("{here}: a minimum score of {p}% is impossible; use 0 to 100"),
            )),
            Criteria::CompletedModule {
                min_version: Some(v),
                ..
            } if *v < 1 => Err(Invalid::new(
                "criteria",
                format!("{here}: version {v} does not exist; module versions start at 1"),
            )),
            Criteria::XapiStatement {
                verb,
                activity_id,
                module_id,
                min_scaled,
                within_days,
                from,
                until,
            } => {
                let bad = |m: String| Err(Invalid::new("criteria", format!("{here}: {m}")));
                if !is_absolute_iri(verb) {
                    return bad(format!(
                        "the verb '{verb}' is not an absolute IRI; use e.g. {VERB_PASSED}"
                    ));
                }
                match (activity_id, module_id) {
                    (Some(_), Some(_)) | (None, None) => {
                        return bad(
                            "name exactly one of activity_id (an activity's IRI) and module_id (a module)"
                                .into(),
                        );
                    }
                    (Some(a), None) if !is_absolute_iri(a) => {
                        return bad(format!(
                            "the activity '{a}' is not an absolute IRI; use e.g. https://example.org/course/1"
                        ));
                    }
                    _ => {}
                }
                if let Some(m) = min_scaled
                    && !m.in_range()
                {
                    return bad(format!(
                        "a minimum scaled score of {m} is impossible; xAPI scaled scores run from -1 to 1"
                    ));
                }
                if *within_days == Some(0) {
                    return bad("within_days must be at least 1; leave it out for no limit".into());
                }
                if let (Some(f), Some(u)) = (from, until)
                    && f >= u
                {
                    return bad("the period's from must be before its until".into());
                }
                Ok(())
            }
            Criteria::Cmi5MoveOn { au_id, .. } if !is_absolute_iri(au_id) => Err(Invalid::new(
                "criteria",
                format!(
                    "{here}: the AU id '{au_id}' is not an absolute IRI; use the id its statements name"
                ),
            )),
            Criteria::All { of } | Criteria::Any { of } => {
                if of.is_empty() {
                    let word = if matches!(self, Criteria::All { .. }) {
                        "all of"
                    } else {
                        "any of"
                    };
                    return Err(Invalid::new(
                        "criteria",
                        format!(
                            "{here} is an empty \"{word}\"; list at least one rule in it or remove it"
                        ),
                    ));
                }
                for (i, c) in of.iter().enumerate() {
                    let child = if path.is_empty() {
                        format!("{}", i + 1)
                    } else {
                        format!("{path}.{}", i + 1)
                    };
                    c.validate_at(&child, depth + 1, count)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Criteria from their stored or submitted JSON, validated.
    pub fn from_json(json: &str) -> Result<Criteria, Invalid> {
        let c: Criteria = serde_json::from_str(json).map_err(|e| {
            Invalid::new(
                "criteria",
                format!("is not criteria in the expected JSON form: {e}"),
            )
        })?;
        c.validate()?;
        Ok(c)
    }
}

impl fmt::Display for Criteria {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Whether `rule` is met by `evidence`, with the evidence that satisfied it or what is missing.
///
/// Total over any tree: unvalidated input (an empty group, too deep a nest) gives an unmet
/// outcome that says so, never a panic. An empty `all` is vacuously met and an empty `any`
/// never is, as in logic; validation refuses both before they are stored.
pub fn evaluate(rule: &Criteria, evidence: &EvidenceSet) -> Outcome {
    evaluate_at(rule, evidence, 1)
}

fn met(by: EvidenceRef) -> Outcome {
    Outcome {
        met: true,
        satisfied_by: vec![by],
        missing: Vec::new(),
    }
}

fn unmet(rule: &Criteria, why: String) -> Outcome {
    Outcome {
        met: false,
        satisfied_by: Vec::new(),
        missing: vec![format!("{} — {why}", rule.describe())],
    }
}

fn push_unique(into: &mut Vec<EvidenceRef>, from: Vec<EvidenceRef>) {
    for r in from {
        if !into.contains(&r) {
            into.push(r);
        }
    }
}

fn evaluate_at(rule: &Criteria, ev: &EvidenceSet, depth: usize) -> Outcome {
    if depth > DEPTH_MAX {
        return Outcome {
            met: false,
            satisfied_by: Vec::new(),
            missing: vec![format!(
                "these criteria nest more than {DEPTH_MAX} levels deep and cannot be evaluated"
            )],
        };
    }
    match rule {
        Criteria::PassedAssessment {
            assessment_id,
            min_percent,
        } => {
            let attempts: Vec<&AttemptSummary> = ev
                .attempts
                .iter()
                .filter(|a| a.assessment_id == *assessment_id)
                .collect();
            let high_enough =
                |a: &AttemptSummary| min_percent.is_none_or(|m| a.percent >= f64::from(m));
            // The best qualifying attempt is the one to show; a later tie does not replace it.
            let best = attempts.iter().filter(|a| a.passed && high_enough(a)).fold(
                None::<&&AttemptSummary>,
                |best, a| match best {
                    Some(b) if b.percent >= a.percent => Some(b),
                    _ => Some(a),
                },
            );
            if let Some(a) = best {
                return met(EvidenceRef::Attempt {
                    attempt_id: a.attempt_id,
                });
            }
            let best_passed = attempts
                .iter()
                .filter(|a| a.passed)
                .map(|a| a.percent)
                .fold(None::<f64>, |m, p| Some(m.map_or(p, |m| m.max(p))));
            let why = match (attempts.is_empty(), best_passed) {
                (true, _) => "no attempt yet".to_owned(),
                (false, Some(p)) => format!("passed, but the best passing score is {p:.1}%"),
                (false, None) => format!("{} attempt(s), none passed", attempts.len()),
            };
            unmet(rule, why)
        }
        Criteria::EvidenceAccepted { rubric_id } => {
            let mut on_rubric = ev.reviews.iter().filter(|r| r.rubric_id == *rubric_id);
            if let Some(r) = on_rubric.clone().find(|r| r.accepted) {
                return met(EvidenceRef::Evidence {
                    evidence_id: r.evidence_id,
                });
            }
            let why = if on_rubric.next().is_some() {
                "evidence submitted on this rubric has not been accepted"
            } else {
                "no evidence submitted on this rubric yet"
            };
            unmet(rule, why.to_owned())
        }
        Criteria::CompletedModule {
            module_id,
            min_version,
        } => {
            let done: Vec<&ModuleCompletion> = ev
                .completions
                .iter()
                .filter(|c| c.module_id == *module_id)
                .collect();
            let latest = done
                .iter()
                .fold(None::<&&ModuleCompletion>, |m, c| match m {
                    Some(m) if m.version >= c.version => Some(m),
                    _ => Some(c),
                });
            match latest {
                Some(c) if min_version.is_none_or(|v| c.version >= v) => {
                    met(EvidenceRef::ModuleCompletion {
                        module_version_id: c.module_version_id,
                    })
                }
                Some(c) => unmet(
                    rule,
                    format!("the latest version completed is {}", c.version),
                ),
                None => unmet(rule, "not completed yet".to_owned()),
            }
        }
        Criteria::XapiStatement {
            verb,
            activity_id,
            module_id,
            min_scaled,
            within_days,
            from,
            until,
        } => {
            let about: Vec<&StatementFact> = ev
                .statements
                .iter()
                .filter(|s| s.verb == *verb)
                .filter(|s| match (activity_id, module_id) {
                    (Some(a), _) => s.is_about(a),
                    (None, Some(m)) => s.module_ids.contains(m),
                    (None, None) => false,
                })
                .collect();
            let since = match (within_days, ev.at) {
                (Some(d), Some(at)) => Some(at - time::Duration::days(i64::from(*d))),
                (Some(_), None) => {
                    return unmet(rule, "the time of judging is unknown".to_owned());
                }
                (None, _) => None,
            };
            let in_period = |s: &StatementFact| {
                from.is_none_or(|f| s.timestamp >= f)
                    && until.is_none_or(|u| s.timestamp < u)
                    && since.is_none_or(|t| s.timestamp >= t)
                    && ev
                        .at
                        .is_none_or(|at| within_days.is_none() || s.timestamp <= at)
            };
            let scored = |s: &StatementFact| match min_scaled {
                None => true,
                Some(m) => s.scaled.is_some_and(|x| x >= *m),
            };
            // The best score is shown; among equals, the earliest (a later tie adds nothing).
            let best = about.iter().filter(|s| in_period(s) && scored(s)).fold(
                None::<&&StatementFact>,
                |b, s| match b {
                    Some(b) if b.scaled >= s.scaled => Some(b),
                    _ => Some(s),
                },
            );
            if let Some(s) = best {
                return met(EvidenceRef::Statement {
                    statement_id: s.statement_id,
                });
            }
            let why = if about.is_empty() {
                "no such statement yet".to_owned()
            } else if !about.iter().any(|s| in_period(s)) {
                format!("{} statement(s), none in the period", about.len())
            } else {
                let top = about
                    .iter()
                    .filter(|s| in_period(s))
                    .filter_map(|s| s.scaled)
                    .max();
                match top {
                    Some(t) => format!("the best scaled score so far is {t}"),
                    None => "the statements carry no scaled score".to_owned(),
                }
            };
            unmet(rule, why)
        }
        Criteria::Cmi5MoveOn { au_id, move_on } => {
            let about: Vec<&StatementFact> =
                ev.statements.iter().filter(|s| s.is_about(au_id)).collect();
            // cmi5 counts only the statements it defines; a `passed` below the mastery
            // score it states contradicts itself and does not count.
            let passed = about.iter().find(|s| {
                s.cmi5
                    && s.verb == VERB_PASSED
                    && s.success != Some(false)
                    && match (s.scaled, s.mastery) {
                        (Some(x), Some(m)) => x >= m,
                        _ => true,
                    }
            });
            let completed = about
                .iter()
                .find(|s| s.cmi5 && s.verb == VERB_COMPLETED && s.completion != Some(false));
            let r = |s: &&&StatementFact| EvidenceRef::Statement {
                statement_id: s.statement_id,
            };
            let outcome = match move_on {
                MoveOn::Passed => passed.map(|p| vec![r(&p)]),
                MoveOn::Completed => completed.map(|c| vec![r(&c)]),
                MoveOn::CompletedAndPassed => match (completed, passed) {
                    (Some(c), Some(p)) => Some(vec![r(&c), r(&p)]),
                    _ => None,
                },
                MoveOn::CompletedOrPassed => passed.or(completed).map(|s| vec![r(&s)]),
                MoveOn::NotApplicable => about.first().map(|s| vec![r(&s)]),
            };
            match outcome {
                Some(refs) => Outcome {
                    met: true,
                    satisfied_by: refs,
                    missing: Vec::new(),
                },
                None => {
                    let why = match (about.is_empty(), passed.is_some(), completed.is_some()) {
                        (true, _, _) => "no statement about the unit yet".to_owned(),
                        (false, true, false) => "passed, not yet completed".to_owned(),
                        (false, false, true) => "completed, not yet passed".to_owned(),
                        _ => "neither passed nor completed yet".to_owned(),
                    };
                    unmet(rule, why)
                }
            }
        }
        Criteria::All { of } => {
            let mut out = Outcome {
                met: true,
                satisfied_by: Vec::new(),
                missing: Vec::new(),
            };
            for c in of {
                let o = evaluate_at(c, ev, depth + 1);
                out.met &= o.met;
                push_unique(&mut out.satisfied_by, o.satisfied_by);
                out.missing.extend(o.missing);
            }
            out
        }
        Criteria::Any { of } => {
            let mut alternatives = Vec::with_capacity(of.len());
            for c in of {
                let o = evaluate_at(c, ev, depth + 1);
                if o.met {
                    let mut satisfied_by = Vec::new();
                    push_unique(&mut satisfied_by, o.satisfied_by);
                    return Outcome {
                        met: true,
                        satisfied_by,
                        missing: Vec::new(),
                    };
                }
                alternatives.push(if o.missing.len() == 1 {
                    o.missing.join("")
                } else {
                    format!("({})", o.missing.join(" and "))
                });
            }
            let missing = if alternatives.is_empty() {
                "an empty \"any of\" can never be met".to_owned()
            } else {
                format!("one of: {}", alternatives.join(" or "))
            };
            Outcome {
                met: false,
                satisfied_by: Vec::new(),
                missing: vec![missing],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn passed(a: u128, min: Option<u8>) -> Criteria {
        Criteria::PassedAssessment {
            assessment_id: id(a),
            min_percent: min,
        }
    }

    fn accepted(r: u128) -> Criteria {
        Criteria::EvidenceAccepted { rubric_id: id(r) }
    }

    fn completed(m: u128, v: Option<i32>) -> Criteria {
        Criteria::CompletedModule {
            module_id: id(m),
            min_version: v,
        }
    }

    fn attempt(n: u128, a: u128, ok: bool, percent: f64) -> AttemptSummary {
        AttemptSummary {
            attempt_id: id(n),
            assessment_id: id(a),
            passed: ok,
            percent,
        }
    }

    /// Passed assessment 1 with 85% and 70%, failed assessment 2; evidence on rubric 11
    /// accepted, on rubric 12 not; module 21 completed at versions 1 and 2.
    fn evidence() -> EvidenceSet {
        EvidenceSet {
            attempts: vec![
                attempt(101, 1, true, 70.0),
                attempt(102, 1, true, 85.0),
                attempt(103, 2, false, 40.0),
            ],
            reviews: vec![
                ReviewedEvidence {
                    evidence_id: id(201),
                    rubric_id: id(11),
                    accepted: true,
                },
                ReviewedEvidence {
                    evidence_id: id(202),
                    rubric_id: id(12),
                    accepted: false,
                },
            ],
            completions: vec![
                ModuleCompletion {
                    module_version_id: id(301),
                    module_id: id(21),
                    version: 1,
                },
                ModuleCompletion {
                    module_version_id: id(302),
                    module_id: id(21),
                    version: 2,
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn the_json_form_is_tagged_and_round_trips() {
        let c = Criteria::All {
            of: vec![
                passed(1, Some(80)),
                Criteria::Any {
                    of: vec![accepted(11), completed(21, Some(2))],
                },
            ],
        };
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(
            v,
            json!({"type": "all", "of": [
                {"type": "passed_assessment", "assessment_id": id(1), "min_percent": 80},
                {"type": "any", "of": [
                    {"type": "evidence_accepted", "rubric_id": id(11)},
                    {"type": "completed_module", "module_id": id(21), "min_version": 2}
                ]}
            ]})
        );
        assert_eq!(Criteria::from_json(&v.to_string()).unwrap(), c);
        // Optional bounds may be left out.
        let plain: Criteria =
            serde_json::from_value(json!({"type": "completed_module", "module_id": id(21)}))
                .unwrap();
        assert_eq!(plain, completed(21, None));
    }

    #[test]
    fn from_json_says_what_is_wrong() {
        let e = Criteria::from_json(r#"{"type": "passed"}"#).unwrap_err();
        assert!(
            e.message
                .starts_with("is not criteria in the expected JSON form"),
            "{e}"
        );
        let e = Criteria::from_json(r#"{"type": "any", "of": []}"#).unwrap_err();
        assert_eq!(
            e.message,
            "the top rule is an empty \"any of\"; list at least one rule in it or remove it"
        );
    }

    #[test]
    fn describe_reads_as_a_sentence() {
        let c = Criteria::All {
            of: vec![
                passed(1, Some(80)),
                Criteria::Any {
                    of: vec![accepted(11), completed(21, Some(2))],
                },
            ],
        };
        let names = |u: Uuid| match u.as_u128() {
            1 => Some("ICD-11 coding basics".to_owned()),
            11 => Some("Discharge summary".to_owned()),
            _ => None,
        };
        assert_eq!(
            c.describe_with(&names),
            format!(
                "all of (passed assessment \"ICD-11 coding basics\" with at least 80%; any of (evidence accepted on rubric \"Discharge summary\"; completed module {} (version 2 or later)))",
                id(21)
            )
        );
        assert_eq!(c.to_string(), c.describe());
    }

    #[test]
    fn a_met_rule_names_the_evidence_that_satisfied_it() {
        let ev = evidence();
        let o = evaluate(&passed(1, None), &ev);
        // The best attempt is shown, not the first.
        assert_eq!(
            o,
            Outcome {
                met: true,
                satisfied_by: vec![EvidenceRef::Attempt {
                    attempt_id: id(102)
                }],
                missing: vec![]
            }
        );
        let o = evaluate(&completed(21, Some(2)), &ev);
        assert_eq!(
            o.satisfied_by,
            vec![EvidenceRef::ModuleCompletion {
                module_version_id: id(302)
            }]
        );
        let o = evaluate(
            &Criteria::All {
                of: vec![passed(1, Some(80)), accepted(11), passed(1, None)],
            },
            &ev,
        );
        assert!(o.met);
        // The same attempt satisfies two rules and is listed once.
        assert_eq!(
            o.satisfied_by,
            vec![
                EvidenceRef::Attempt {
                    attempt_id: id(102)
                },
                EvidenceRef::Evidence {
                    evidence_id: id(201)
                }
            ]
        );
    }

    #[test]
    fn an_unmet_rule_says_what_is_missing() {
        let ev = evidence();
        let o = evaluate(&passed(1, Some(90)), &ev);
        assert!(!o.met);
        assert_eq!(
            o.missing,
            vec![format!(
                "passed assessment {} with at least 90% — passed, but the best passing score is 85.0%",
                id(1)
            )]
        );
        let o = evaluate(&passed(2, None), &ev);
        assert!(
            o.missing[0].ends_with("— 1 attempt(s), none passed"),
            "{o:?}"
        );
        let o = evaluate(&passed(3, None), &ev);
        assert!(o.missing[0].ends_with("— no attempt yet"), "{o:?}");
        let o = evaluate(&accepted(12), &ev);
        assert!(o.missing[0].ends_with("has not been accepted"), "{o:?}");
        let o = evaluate(&accepted(13), &ev);
        assert!(o.missing[0].ends_with("no evidence submitted on this rubric yet"));
        let o = evaluate(&completed(21, Some(3)), &ev);
        assert!(o.missing[0].ends_with("the latest version completed is 2"));
        let o = evaluate(&completed(22, None), &ev);
        assert!(o.missing[0].ends_with("not completed yet"));
    }

    #[test]
    fn an_unmet_all_keeps_its_progress_and_lists_each_missing_part() {
        let o = evaluate(
            &Criteria::All {
                of: vec![accepted(11), passed(2, None), completed(22, None)],
            },
            &evidence(),
        );
        assert!(!o.met);
        assert_eq!(
            o.satisfied_by,
            vec![EvidenceRef::Evidence {
                evidence_id: id(201)
            }]
        );
        assert_eq!(o.missing.len(), 2);
    }

    #[test]
    fn an_unmet_any_offers_the_alternatives() {
        let o = evaluate(
            &Criteria::Any {
                of: vec![
                    passed(2, None),
                    Criteria::All {
                        of: vec![accepted(12), completed(22, None)],
                    },
                ],
            },
            &evidence(),
        );
        assert!(!o.met);
        assert!(o.satisfied_by.is_empty());
        assert_eq!(o.missing.len(), 1);
        let m = &o.missing[0];
        assert!(m.starts_with("one of: passed assessment"), "{m}");
        assert!(m.contains(" or (evidence accepted on rubric"), "{m}");
        assert!(m.contains(" and completed module"), "{m}");
    }

    #[test]
    fn validation_refuses_empty_groups_naming_the_rule() {
        let c = Criteria::All {
            of: vec![
                passed(1, None),
                Criteria::Any {
                    of: vec![accepted(11), Criteria::All { of: vec![] }],
                },
            ],
        };
        let e = c.validate().unwrap_err();
        assert_eq!(e.field, "criteria");
        assert_eq!(
            e.message,
            "rule 2.2 is an empty \"all of\"; list at least one rule in it or remove it"
        );
        assert!(Criteria::All { of: vec![] }.validate().is_err());
    }

    #[test]
    fn validation_refuses_impossible_bounds() {
        let c = Criteria::Any {
            of: vec![passed(1, Some(101))],
        };
        assert_eq!(
            c.validate().unwrap_err().message,
            "rule 1: a minimum score of 101% is impossible; use 0 to 100"
        );
        assert!(completed(21, Some(0)).validate().is_err());
        assert!(passed(1, Some(100)).validate().is_ok());
    }

    fn nested(depth: usize) -> Criteria {
        let mut c = accepted(11);
        for _ in 1..depth {
            c = Criteria::All { of: vec![c] };
        }
        c
    }

    #[test]
    fn the_depth_limit_is_enforced_and_evaluation_still_answers() {
        assert_eq!(nested(DEPTH_MAX).depth(), DEPTH_MAX);
        assert!(nested(DEPTH_MAX).validate().is_ok());
        assert!(evaluate(&nested(DEPTH_MAX), &evidence()).met);
        let too_deep = nested(DEPTH_MAX + 1);
        let e = too_deep.validate().unwrap_err();
        assert!(e.message.contains("nests more than 8 levels deep"), "{e}");
        let o = evaluate(&too_deep, &evidence());
        assert!(!o.met);
        assert!(o.missing[0].contains("cannot be evaluated"));
        assert!(nested(DEPTH_MAX + 2).describe().contains("nested too deep"));
    }

    #[test]
    fn the_rule_count_is_limited() {
        let c = Criteria::Any {
            of: vec![accepted(11); RULES_MAX],
        };
        assert!(
            c.validate()
                .unwrap_err()
                .message
                .contains("more than 200 rules")
        );
        let c = Criteria::Any {
            of: vec![accepted(11); RULES_MAX - 1],
        };
        assert!(c.validate().is_ok());
    }

    #[test]
    fn empty_groups_evaluate_as_in_logic() {
        let ev = evidence();
        assert!(evaluate(&Criteria::All { of: vec![] }, &ev).met);
        let o = evaluate(&Criteria::Any { of: vec![] }, &ev);
        assert!(!o.met);
        assert_eq!(o.missing, vec!["an empty \"any of\" can never be met"]);
    }

    fn arb_leaf() -> impl Strategy<Value = Criteria> {
        prop_oneof![
            (1u128..4, prop::option::of(0u8..=100)).prop_map(|(a, m)| passed(a, m)),
            (11u128..13).prop_map(accepted),
            (21u128..23, prop::option::of(1i32..4)).prop_map(|(m, v)| completed(m, v)),
        ]
    }

    /// Trees within the depth limit; `min_len` 0 lets empty groups in.
    fn arb_criteria(min_len: usize) -> impl Strategy<Value = Criteria> {
        arb_leaf().prop_recursive((DEPTH_MAX - 1) as u32, 48, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), min_len..4)
                    .prop_map(|of| Criteria::All { of }),
                prop::collection::vec(inner, min_len..4).prop_map(|of| Criteria::Any { of }),
            ]
        })
    }

    fn arb_evidence() -> impl Strategy<Value = EvidenceSet> {
        (
            prop::collection::vec((1u128..4, any::<bool>(), 0.0f64..=100.0), 0..5),
            prop::collection::vec((11u128..13, any::<bool>()), 0..4),
            prop::collection::vec((21u128..23, 1i32..4), 0..4),
            any::<u64>(),
        )
            .prop_map(|(attempts, reviews, completions, salt)| {
                // Ids unique per item, distinct between runs of the generator.
                let base = u128::from(salt) << 32;
                EvidenceSet {
                    attempts: attempts
                        .into_iter()
                        .enumerate()
                        .map(|(i, (a, ok, p))| attempt(base + i as u128, a, ok, p))
                        .collect(),
                    reviews: reviews
                        .into_iter()
                        .enumerate()
                        .map(|(i, (r, ok))| ReviewedEvidence {
                            evidence_id: id(base + 100 + i as u128),
                            rubric_id: id(r),
                            accepted: ok,
                        })
                        .collect(),
                    completions: completions
                        .into_iter()
                        .enumerate()
                        .map(|(i, (m, v))| ModuleCompletion {
                            module_version_id: id(base + 200 + i as u128),
                            module_id: id(m),
                            version: v,
                        })
                        .collect(),
                    ..Default::default()
                }
            })
    }

    fn refers_to(ev: &EvidenceSet, r: &EvidenceRef) -> bool {
        match r {
            EvidenceRef::Attempt { attempt_id } => {
                ev.attempts.iter().any(|a| a.attempt_id == *attempt_id)
            }
            EvidenceRef::Evidence { evidence_id } => {
                ev.reviews.iter().any(|e| e.evidence_id == *evidence_id)
            }
            EvidenceRef::ModuleCompletion { module_version_id } => ev
                .completions
                .iter()
                .any(|c| c.module_version_id == *module_version_id),
            // Learning rules never name credentials; only stacks do.
            EvidenceRef::Credential { .. } => false,
            EvidenceRef::Statement { statement_id } => ev
                .statements
                .iter()
                .any(|s| s.statement_id == *statement_id),
        }
    }

    const ACT: &str = "http://example.org/course/1";
    const AU: &str = "http://course.example.edu/aus/4c07";

    fn t(day: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000 + day)
    }

    fn fact(n: u128, verb: &str, object: &str, scaled: Option<i32>, day: i64) -> StatementFact {
        StatementFact {
            statement_id: id(n),
            verb: verb.into(),
            object_id: Some(object.into()),
            context_ids: vec![],
            module_ids: vec![],
            scaled: scaled.map(Scaled),
            success: None,
            completion: None,
            mastery: None,
            cmi5: false,
            timestamp: t(day),
        }
    }

    fn xapi(activity: Option<&str>, module: Option<u128>, min: Option<i32>) -> Criteria {
        Criteria::XapiStatement {
            verb: VERB_PASSED.into(),
            activity_id: activity.map(Into::into),
            module_id: module.map(id),
            min_scaled: min.map(Scaled),
            within_days: None,
            from: None,
            until: None,
        }
    }

    fn with(statements: Vec<StatementFact>, at: i64) -> EvidenceSet {
        EvidenceSet {
            statements,
            at: Some(t(at)),
            ..Default::default()
        }
    }

    #[test]
    fn scaled_reads_and_writes_as_a_number() {
        let c = xapi(Some(ACT), None, Some(800));
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(
            v,
            json!({"type": "xapi_statement", "verb": VERB_PASSED, "activity_id": ACT, "min_scaled": 0.8})
        );
        assert_eq!(Criteria::from_json(&v.to_string()).unwrap(), c);
        let c: Criteria = serde_json::from_value(json!({
            "type": "cmi5_move_on", "au_id": AU, "move_on": "CompletedAndPassed"
        }))
        .unwrap();
        assert_eq!(
            c,
            Criteria::Cmi5MoveOn {
                au_id: AU.into(),
                move_on: MoveOn::CompletedAndPassed
            }
        );
        assert_eq!(Scaled(-500).to_string(), "-0.5");
        assert_eq!(Scaled(1000).to_string(), "1");
        assert_eq!(Scaled(875).to_string(), "0.875");
        assert_eq!(Scaled(905).percent_text(), "90.5");
        assert_eq!(Scaled::from_f64(0.8999), Some(Scaled(900)));
        assert_eq!(Scaled::from_f64(f64::NAN), None);
    }

    #[test]
    fn xapi_rules_are_validated_naming_what_to_fix() {
        let msg = |c: Criteria| c.validate().unwrap_err().message;
        assert!(xapi(Some(ACT), None, Some(1000)).validate().is_ok());
        assert!(msg(xapi(Some("not an iri"), None, None)).contains("is not an absolute IRI"));
        assert!(msg(xapi(Some("course/1"), None, None)).contains("is not an absolute IRI"));
        assert!(msg(xapi(None, None, None)).contains("exactly one of activity_id"));
        assert!(msg(xapi(Some(ACT), Some(1), None)).contains("exactly one of activity_id"));
        assert!(msg(xapi(None, Some(1), Some(1001))).contains("from -1 to 1"));
        assert!(xapi(None, Some(1), Some(-1000)).validate().is_ok());
        let mut c = xapi(Some(ACT), None, None);
        if let Criteria::XapiStatement { verb, .. } = &mut c {
            *verb = "passed".into();
        }
        assert!(msg(c).contains("the verb 'passed' is not an absolute IRI"));
        let period = |f: i64, u: i64, d: Option<u32>| Criteria::XapiStatement {
            verb: VERB_PASSED.into(),
            activity_id: Some(ACT.into()),
            module_id: None,
            min_scaled: None,
            within_days: d,
            from: Some(t(f)),
            until: Some(t(u)),
        };
        assert!(period(1, 2, None).validate().is_ok());
        assert!(msg(period(2, 2, None)).contains("from must be before its until"));
        assert!(msg(period(1, 2, Some(0))).contains("within_days must be at least 1"));
        let bad_au = Criteria::Cmi5MoveOn {
            au_id: "au 1".into(),
            move_on: MoveOn::Passed,
        };
        assert!(msg(bad_au).contains("AU id 'au 1'"));
    }

    #[test]
    fn xapi_rules_read_as_sentences() {
        let names = |u: Uuid| (u == id(21)).then(|| "Hand hygiene".to_owned());
        assert_eq!(
            xapi(None, Some(21), Some(800)).describe_with(&names),
            format!(
                "an xAPI statement \"passed\" ({VERB_PASSED}) about any activity of module \"Hand hygiene\" with a scaled score of at least 0.8"
            )
        );
        let c = Criteria::Cmi5MoveOn {
            au_id: AU.into(),
            move_on: MoveOn::CompletedOrPassed,
        };
        assert_eq!(
            c.describe(),
            format!("cmi5 unit {AU} completed or passed (moveOn CompletedOrPassed)")
        );
    }

    #[test]
    fn an_xapi_rule_counts_verb_activity_score_and_period() {
        let mut in_context = fact(3, VERB_PASSED, "http://example.org/q/7", Some(950), 5);
        in_context.context_ids = vec![ACT.into()];
        let ev = with(
            vec![
                fact(1, VERB_PASSED, ACT, Some(700), 1),
                fact(2, VERB_COMPLETED, ACT, Some(990), 2),
                in_context.clone(),
            ],
            10,
        );
        // The best passing statement about the activity, its parent included.
        let o = evaluate(&xapi(Some(ACT), None, Some(800)), &ev);
        assert_eq!(
            o.satisfied_by,
            vec![EvidenceRef::Statement {
                statement_id: id(3)
            }]
        );
        let o = evaluate(&xapi(Some(ACT), None, Some(960)), &ev);
        assert!(
            o.missing[0].ends_with("the best scaled score so far is 0.95"),
            "{o:?}"
        );
        let o = evaluate(&xapi(Some("http://example.org/other"), None, None), &ev);
        assert!(o.missing[0].ends_with("no such statement yet"), "{o:?}");
        // Module rules match the module ids the caller resolved.
        let mut m = fact(4, VERB_PASSED, "http://lms.example/au", Some(900), 3);
        m.module_ids = vec![id(21)];
        let ev2 = with(vec![m], 10);
        assert!(evaluate(&xapi(None, Some(21), Some(900)), &ev2).met);
        assert!(!evaluate(&xapi(None, Some(22), None), &ev2).met);
        // Periods: from inclusive, until exclusive, and the last days before judging.
        let period = |f: Option<i64>, u: Option<i64>, d: Option<u32>| Criteria::XapiStatement {
            verb: VERB_PASSED.into(),
            activity_id: Some(ACT.into()),
            module_id: None,
            min_scaled: None,
            within_days: d,
            from: f.map(t),
            until: u.map(t),
        };
        assert!(evaluate(&period(Some(5), None, None), &ev).met);
        assert!(!evaluate(&period(Some(6), None, None), &ev).met);
        assert!(evaluate(&period(None, Some(2), None), &ev).met);
        assert!(!evaluate(&period(None, Some(1), None), &ev).met);
        assert!(evaluate(&period(None, None, Some(5)), &ev).met);
        let o = evaluate(&period(None, None, Some(4)), &ev);
        assert!(
            o.missing[0].ends_with("2 statement(s), none in the period"),
            "{o:?}"
        );
        let unknown_time = EvidenceSet {
            at: None,
            ..ev.clone()
        };
        assert!(!evaluate(&period(None, None, Some(5)), &unknown_time).met);
    }

    fn cmi5(n: u128, verb: &str, scaled: Option<i32>, mastery: Option<i32>) -> StatementFact {
        let mut f = fact(n, verb, "http://lms.example/au-lms-id/1", scaled, 1);
        f.context_ids = vec![AU.into()];
        f.cmi5 = true;
        f.mastery = mastery.map(Scaled);
        f.success = (verb == VERB_PASSED).then_some(true);
        f.completion = (verb == VERB_COMPLETED).then_some(true);
        f
    }

    #[test]
    fn cmi5_move_on_follows_the_spec() {
        let rule = |m: MoveOn| Criteria::Cmi5MoveOn {
            au_id: AU.into(),
            move_on: m,
        };
        let passed = cmi5(1, VERB_PASSED, Some(910), Some(860));
        let completed = cmi5(2, VERB_COMPLETED, None, None);
        let launched = cmi5(3, "http://adlnet.gov/expapi/verbs/launched", None, None);
        let only_passed = with(vec![launched.clone(), passed.clone()], 2);
        let only_completed = with(vec![completed.clone()], 2);
        let both = with(vec![completed.clone(), passed.clone()], 2);
        assert!(evaluate(&rule(MoveOn::Passed), &only_passed).met);
        assert!(!evaluate(&rule(MoveOn::Passed), &only_completed).met);
        assert!(evaluate(&rule(MoveOn::Completed), &only_completed).met);
        let o = evaluate(&rule(MoveOn::CompletedAndPassed), &only_passed);
        assert!(o.missing[0].ends_with("passed, not yet completed"), "{o:?}");
        let o = evaluate(&rule(MoveOn::CompletedAndPassed), &both);
        assert_eq!(
            o.satisfied_by,
            vec![
                EvidenceRef::Statement {
                    statement_id: id(2)
                },
                EvidenceRef::Statement {
                    statement_id: id(1)
                }
            ]
        );
        assert!(evaluate(&rule(MoveOn::CompletedOrPassed), &only_completed).met);
        assert!(
            evaluate(
                &rule(MoveOn::NotApplicable),
                &with(vec![launched.clone()], 2)
            )
            .met
        );
        assert!(!evaluate(&rule(MoveOn::NotApplicable), &with(vec![], 2)).met);
        // A `passed` below its own mastery score, or not cmi5-defined, does not count.
        let below = cmi5(4, VERB_PASSED, Some(820), Some(860));
        assert!(!evaluate(&rule(MoveOn::Passed), &with(vec![below], 2)).met);
        let mut allowed = passed.clone();
        allowed.cmi5 = false;
        assert!(!evaluate(&rule(MoveOn::Passed), &with(vec![allowed], 2)).met);
    }

    fn arb_fact() -> impl Strategy<Value = StatementFact> {
        (
            any::<u64>(),
            prop_oneof![Just(VERB_PASSED), Just(VERB_COMPLETED)],
            prop_oneof![Just(ACT), Just(AU), Just("http://example.org/x")],
            prop::option::of(-1000i32..=1000),
            0i64..30,
            any::<bool>(),
            prop::option::of(21u128..23),
        )
            .prop_map(|(n, verb, object, scaled, day, cmi5, module)| {
                let mut f = fact(u128::from(n) << 64 | 7, verb, object, scaled, day);
                f.cmi5 = cmi5;
                f.module_ids = module.map(id).into_iter().collect();
                f
            })
    }

    fn arb_xapi_rule() -> impl Strategy<Value = Criteria> {
        (
            prop::option::of(-1000i32..=1000),
            prop::option::of(1u32..40),
            prop::option::of(0i64..20),
            any::<bool>(),
            prop::sample::select(vec![
                MoveOn::Passed,
                MoveOn::Completed,
                MoveOn::CompletedAndPassed,
                MoveOn::CompletedOrPassed,
                MoveOn::NotApplicable,
            ]),
        )
            .prop_map(|(min, days, from, by_module, move_on)| {
                if days.is_some_and(|d| d % 5 == 0) {
                    return Criteria::Cmi5MoveOn {
                        au_id: AU.into(),
                        move_on,
                    };
                }
                Criteria::XapiStatement {
                    verb: VERB_PASSED.into(),
                    activity_id: (!by_module).then(|| ACT.into()),
                    module_id: by_module.then(|| id(21)),
                    min_scaled: min.map(Scaled),
                    within_days: days,
                    from: from.map(t),
                    until: from.map(|f| t(f + 15)),
                }
            })
    }

    proptest! {
        #[test]
        fn another_statement_never_unmeets_an_xapi_rule(
            rule in arb_xapi_rule(),
            facts in prop::collection::vec(arb_fact(), 0..6),
            more in arb_fact(),
        ) {
            prop_assert_eq!(rule.validate(), Ok(()));
            let ev = with(facts, 25);
            let o = evaluate(&rule, &ev);
            prop_assert_eq!(o.met, o.missing.is_empty());
            for r in &o.satisfied_by {
                prop_assert!(refers_to(&ev, r), "{:?}", r);
            }
            if o.met {
                let mut grown = ev.clone();
                grown.statements.push(more);
                prop_assert!(evaluate(&rule, &grown).met);
            }
            let json = serde_json::to_string(&rule).unwrap();
            prop_assert_eq!(Criteria::from_json(&json).unwrap(), rule);
        }

        #[test]
        fn scaled_scores_round_trip_through_json(x in -1000i32..=1000) {
            let json = serde_json::to_string(&Scaled(x)).unwrap();
            prop_assert_eq!(serde_json::from_str::<Scaled>(&json).unwrap(), Scaled(x));
        }
    }

    proptest! {
        #[test]
        fn all_is_met_iff_each_rule_is_met(
            rules in prop::collection::vec(arb_criteria(1), 0..5), ev in arb_evidence()
        ) {
            let each = rules.iter().all(|r| evaluate(r, &ev).met);
            prop_assert_eq!(evaluate(&Criteria::All { of: rules }, &ev).met, each);
        }

        #[test]
        fn any_is_met_iff_some_rule_is_met(
            rules in prop::collection::vec(arb_criteria(1), 0..5), ev in arb_evidence()
        ) {
            let some = rules.iter().any(|r| evaluate(r, &ev).met);
            prop_assert_eq!(evaluate(&Criteria::Any { of: rules }, &ev).met, some);
        }

        #[test]
        fn evaluation_never_panics_and_explains_itself(rule in arb_criteria(0), ev in arb_evidence()) {
            let o = evaluate(&rule, &ev);
            prop_assert_eq!(o.met, o.missing.is_empty(), "{:?}", o);
            for r in &o.satisfied_by {
                prop_assert!(refers_to(&ev, r), "{:?}", r);
            }
            let mut seen = o.satisfied_by.clone();
            seen.sort_by_key(|r| format!("{r:?}"));
            seen.dedup();
            prop_assert_eq!(seen.len(), o.satisfied_by.len());
            prop_assert!(!rule.describe().is_empty());
        }

        #[test]
        fn more_evidence_never_unmeets_criteria(
            rule in arb_criteria(1), ev in arb_evidence(), more in arb_evidence()
        ) {
            let mut both = ev.clone();
            both.attempts.extend(more.attempts);
            both.reviews.extend(more.reviews);
            both.completions.extend(more.completions);
            if evaluate(&rule, &ev).met {
                prop_assert!(evaluate(&rule, &both).met);
            }
        }

        #[test]
        fn generated_criteria_validate_and_round_trip_through_json(rule in arb_criteria(1)) {
            prop_assert!(rule.depth() <= DEPTH_MAX);
            prop_assert_eq!(rule.validate(), Ok(()));
            let json = serde_json::to_string(&rule).unwrap();
            prop_assert_eq!(Criteria::from_json(&json).unwrap(), rule);
        }
    }
}
