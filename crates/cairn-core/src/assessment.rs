//! Standardized assessments as plain data and pure rules: items and how each type is scored,
//! the learner's view of an item, blueprints and the random form drawn from them per attempt,
//! the attempt rules (time limit, attempt limit, cooldown) and how an attempt's score becomes a
//! pass or a fail with a result per competency.
//!
//! Credit for one item is an integer in thousandths ([`Permille`]) and points are carried in
//! thousandths too (`*_milli`), so totals are exact sums and a pass never depends on how a
//! float happened to round. Percentages shown to people are rounded *down* to one decimal,
//! which makes the shown figure and the pass decision agree: 69.96 % is shown as 69.9 % and
//! fails a 70 % cut score, instead of being shown as 70.0 % and failing.
//!
//! Nothing here reads a clock: the caller passes the times in.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::icd11;
use crate::rng::SeededRng;
use crate::validate::Invalid;

/// Credit for one item in thousandths: 0 = nothing, 1000 = full credit.
pub type Permille = u16;

pub const FULL_CREDIT: Permille = 1000;
pub const PROMPT_MAX_CHARS: usize = 5000;
pub const OPTIONS_MIN: usize = 2;
pub const OPTIONS_MAX: usize = 10;
pub const OPTION_MAX_CHARS: usize = 500;
pub const ACCEPTED_MAX: usize = 20;
pub const POINTS_MAX: u32 = 100;
/// Longest regex source an author may give; with the compiled-size limit below this keeps a
/// pattern from costing the server more than a trivial match.
pub const PATTERN_MAX_CHARS: usize = 500;
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// Submissions are still accepted this long after the time limit: the request that carries
/// the answers takes time to arrive, and the browser's own countdown submits at zero, so a
/// learner who submitted "in time" on their screen must not be refused for network latency.
pub const SUBMISSION_GRACE: Duration = Duration::seconds(30);

/// The competency an item measures: a framework competency's id, or its code when items are
/// written before (or outside) a loaded framework.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CompetencyRef {
    Id(Uuid),
    Code(String),
}

impl fmt::Display for CompetencyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompetencyRef::Id(id) => write!(f, "{id}"),
            CompetencyRef::Code(c) => f.write_str(c),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// How a short-text answer is compared with the accepted answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextMatch {
    /// Equal once surrounding whitespace is trimmed (a stray space from the input field is noise).
    Exact,
    /// Equal once lower-cased (Unicode) and with runs of whitespace collapsed to one space.
    Normalized,
    /// Each accepted answer is a regular expression that must match the whole trimmed answer.
    Pattern,
}

/// The item type together with its answer key. Never sent to a learner: see [`PublicItem`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemKind {
    /// One right option, answered by its index (from 0).
    SingleChoice {
        options: Vec<String>,
        correct: usize,
    },
    /// Several right options. Credit: the share of right options chosen minus the share of
    /// wrong options chosen, never below zero — so ticking everything, or guessing at
    /// random, is worth nothing on average.
    MultipleChoice {
        options: Vec<String>,
        correct: Vec<usize>,
    },
    /// The prompt is the statement to judge.
    TrueFalse { correct: bool },
    /// Full credit when within `tolerance` (absolute, same unit) of `correct`.
    Numeric {
        correct: f64,
        tolerance: f64,
        #[serde(default)]
        unit: Option<String>,
    },
    /// `options` in the right order. Credit: the share of pairs of options that the answer
    /// puts in the right relative order (so one swap of neighbours costs little, the reverse
    /// order earns nothing).
    Ordering { options: Vec<String> },
    /// Full credit when the answer matches any accepted answer.
    ShortText {
        accepted: Vec<String>,
        matching: TextMatch,
    },
    /// A clinical vignette answered with an ICD-11 code or postcoordinated cluster; scored
    /// by [`icd11_credit`].
    Icd11Coding { vignette: String, expected: String },
}

/// Everything one version of an item says; its canonical serialization is what the content
/// hash covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemContent {
    pub competency: CompetencyRef,
    pub difficulty: Difficulty,
    /// What a fully right answer is worth, 1–100.
    pub points: u32,
    pub prompt: String,
    pub kind: ItemKind,
    /// Shown with the result, after submission.
    #[serde(default)]
    pub explanation: Option<String>,
}

/// One version of an item of a provider's bank. A form keeps the versions it was drawn with,
/// so editing the bank never changes an attempt already under way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: Uuid,
    /// 1, 2, 3… in order of creation.
    pub version: u32,
    pub content: ItemContent,
}

/// A learner's answer to one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    SingleChoice {
        choice: usize,
    },
    MultipleChoice {
        choices: Vec<usize>,
    },
    TrueFalse {
        value: bool,
    },
    Numeric {
        value: f64,
    },
    /// The option texts, in the learner's order (texts rather than indices, because the
    /// indices of the author's list would give the answer away).
    Ordering {
        order: Vec<String>,
    },
    ShortText {
        text: String,
    },
    Icd11Coding {
        code: String,
    },
}

/// What a learner sees of an item before submitting: prompt and options only. It is a type
/// of its own, with no field that could hold a key, so no serializer setting or template
/// slip can send answers to the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicItem {
    pub item_id: Uuid,
    pub points: u32,
    pub prompt: String,
    pub body: PublicBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PublicBody {
    SingleChoice {
        options: Vec<String>,
    },
    MultipleChoice {
        options: Vec<String>,
    },
    TrueFalse,
    Numeric {
        unit: Option<String>,
    },
    /// Shuffled uniformly: any order, the right one included, is equally likely, so the
    /// order shown says nothing about the answer.
    Ordering {
        options: Vec<String>,
    },
    ShortText,
    Icd11Coding {
        vignette: String,
    },
}

/// The canonical bytes of an item version's content: a domain tag, then its JSON.
pub fn canonical_bytes(c: &ItemContent) -> Vec<u8> {
    let mut out = b"cairn-item-content-v1\n".to_vec();
    // Plain structs, strings and numbers serialize without error (a non-finite number
    // becomes null, and validation refuses those anyway).
    out.extend(serde_json::to_vec(c).unwrap_or_default());
    out
}

/// Hex SHA-256 of [`canonical_bytes`].
pub fn content_hash(c: &ItemContent) -> String {
    hex::encode(Sha256::digest(canonical_bytes(c)))
}

impl Item {
    pub fn content_hash(&self) -> String {
        content_hash(&self.content)
    }

    /// The learner's view. `seed` shuffles ordering items; pass a different one per attempt.
    pub fn public(&self, seed: u64) -> PublicItem {
        let body = match &self.content.kind {
            ItemKind::SingleChoice { options, .. } => PublicBody::SingleChoice {
                options: options.clone(),
            },
            ItemKind::MultipleChoice { options, .. } => PublicBody::MultipleChoice {
                options: options.clone(),
            },
            ItemKind::TrueFalse { .. } => PublicBody::TrueFalse,
            ItemKind::Numeric { unit, .. } => PublicBody::Numeric { unit: unit.clone() },
            ItemKind::Ordering { options } => {
                let mut shown = options.clone();
                shuffle(&mut shown, &mut SeededRng::new(seed));
                PublicBody::Ordering { options: shown }
            }
            ItemKind::ShortText { .. } => PublicBody::ShortText,
            ItemKind::Icd11Coding { vignette, .. } => PublicBody::Icd11Coding {
                vignette: vignette.clone(),
            },
        };
        PublicItem {
            item_id: self.id,
            points: self.content.points,
            prompt: self.content.prompt.clone(),
            body,
        }
    }

    /// Credit for a response; no response, or one of another item type, earns nothing.
    pub fn credit(&self, response: Option<&Response>) -> Permille {
        let Some(r) = response else { return 0 };
        match (&self.content.kind, r) {
            (ItemKind::SingleChoice { correct, .. }, Response::SingleChoice { choice }) => {
                all_or_nothing(choice == correct)
            }
            (
                ItemKind::MultipleChoice { options, correct },
                Response::MultipleChoice { choices },
            ) => multiple_choice_credit(options.len(), correct, choices),
            (ItemKind::TrueFalse { correct }, Response::TrueFalse { value }) => {
                all_or_nothing(value == correct)
            }
            (
                ItemKind::Numeric {
                    correct, tolerance, ..
                },
                Response::Numeric { value },
            ) => numeric_credit(*correct, *tolerance, *value),
            (ItemKind::Ordering { options }, Response::Ordering { order }) => {
                ordering_credit(options, order)
            }
            (ItemKind::ShortText { accepted, matching }, Response::ShortText { text }) => {
                all_or_nothing(accepted.iter().any(|a| text_matches(*matching, a, text)))
            }
            (ItemKind::Icd11Coding { expected, .. }, Response::Icd11Coding { code }) => {
                icd11_credit(expected, code)
            }
            _ => 0,
        }
    }
}

fn all_or_nothing(right: bool) -> Permille {
    if right { FULL_CREDIT } else { 0 }
}

fn shuffle<T>(v: &mut [T], rng: &mut SeededRng) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

/// `num / den` in thousandths, rounded half up, except that only a whole answer gets full
/// credit and only a worthless one gets none (so "1000" always means "exactly right").
fn permille(num: u64, den: u64) -> Permille {
    if den == 0 || num == 0 {
        return 0;
    }
    if num >= den {
        return FULL_CREDIT;
    }
    let rounded = (u128::from(num) * 2000 + u128::from(den)) / (u128::from(den) * 2);
    rounded.clamp(1, 999) as Permille
}

fn multiple_choice_credit(n_options: usize, correct: &[usize], chosen: &[usize]) -> Permille {
    let right: BTreeSet<usize> = correct.iter().copied().collect();
    let chosen: BTreeSet<usize> = chosen.iter().copied().collect();
    let c = right.len() as u64;
    let distractors = (n_options as u64).saturating_sub(c);
    if c == 0 || distractors == 0 {
        return 0;
    }
    let hits = chosen.intersection(&right).count() as u64;
    // Out-of-range indices are not right options, so they count as wrong picks.
    let misses = chosen.difference(&right).count() as u64;
    // hits/c − misses/distractors over the common denominator c·distractors.
    let num = (hits * distractors).saturating_sub(misses * c);
    permille(num, c * distractors)
}

fn numeric_credit(correct: f64, tolerance: f64, value: f64) -> Permille {
    if !value.is_finite() || !correct.is_finite() || !tolerance.is_finite() {
        return 0;
    }
    // Decimal answers are not exact in binary (2.6 − 2.5 > 0.1), so a hair of slack keeps
    // a value on the boundary inside the tolerance, as the author meant.
    let slack = 1e-9 * correct.abs().max(1.0);
    all_or_nothing((value - correct).abs() <= tolerance + slack)
}

fn ordering_credit(options: &[String], order: &[String]) -> Permille {
    let position: BTreeMap<&str, usize> = options
        .iter()
        .enumerate()
        .map(|(i, o)| (o.as_str(), i))
        .collect();
    let ranks: Option<Vec<usize>> = order
        .iter()
        .map(|o| position.get(o.as_str()).copied())
        .collect();
    let Some(ranks) = ranks else { return 0 };
    let distinct: BTreeSet<usize> = ranks.iter().copied().collect();
    if ranks.len() != options.len() || distinct.len() != options.len() || options.len() < 2 {
        return 0;
    }
    let mut in_order = 0u64;
    for i in 0..ranks.len() {
        for j in i + 1..ranks.len() {
            if ranks[i] < ranks[j] {
                in_order += 1;
            }
        }
    }
    let n = ranks.len() as u64;
    permille(in_order, n * (n - 1) / 2)
}

fn collapse(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn compile_pattern(p: &str) -> Result<regex::Regex, String> {
    // Compiling the author's pattern on its own first proves its parentheses balance, so the
    // anchors added next cannot be escaped by a pattern such as `a)|(b`.
    let build = |src: &str| {
        regex::RegexBuilder::new(src)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .map_err(|e| e.to_string())
    };
    build(p)?;
    build(&format!("^(?:{p})$"))
}

fn text_matches(matching: TextMatch, accepted: &str, answer: &str) -> bool {
    match matching {
        TextMatch::Exact => accepted.trim() == answer.trim(),
        TextMatch::Normalized => collapse(accepted) == collapse(answer),
        TextMatch::Pattern => compile_pattern(accepted).is_ok_and(|re| re.is_match(answer.trim())),
    }
}

/// Tidy a learner's code before parsing: spaces anywhere are dropped, case is ignored, and a
/// stem code typed without its dot (`NC722`) or with a stray one (`5A11.`) gets WHO's form.
fn tidy_cluster(s: &str) -> String {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let part = |p: &str| {
        let up = p.to_ascii_uppercase();
        let up = up.trim_end_matches('.').to_owned();
        if up.is_ascii() && !up.contains('.') && !up.starts_with('X') && (5..=6).contains(&up.len())
        {
            format!("{}.{}", &up[..4], &up[4..])
        } else {
            up
        }
    };
    compact
        .split('/')
        .map(|g| g.split('&').map(part).collect::<Vec<_>>().join("&"))
        .collect::<Vec<_>>()
        .join("/")
}

/// A cluster as scored: its main stem, and the set of everything else — each extension
/// attached to the stem it qualifies, and each further stem code.
struct Coding {
    main: String,
    details: BTreeSet<(String, Option<String>)>,
}

fn coding(text: &str) -> Option<Coding> {
    let cluster = icd11::parse_cluster(&tidy_cluster(text)).ok()?;
    let mut groups = cluster.groups.into_iter();
    let first = groups.next()?;
    let mut details = BTreeSet::new();
    for e in first.extensions {
        details.insert((first.stem.clone(), Some(e)));
    }
    for g in groups {
        for e in g.extensions {
            details.insert((g.stem.clone(), Some(e)));
        }
        details.insert((g.stem, None));
    }
    Some(Coding {
        main: first.stem,
        details,
    })
}

/// Credit for an ICD-11 coding answer.
///
/// - An unparseable answer, or one whose first (main) stem code is not the expected one: 0.
/// - Otherwise half the credit is for the main stem, and the other half is shared equally
///   over the expected *details* (each extension, counted with the stem it is attached to,
///   and each further `/` stem): `½ + ½ · max(0, right − wrong) / expected`, where `wrong`
///   counts details the answer adds that are not expected. With no expected details, the
///   second half is earned only when the answer adds none.
/// - The exact cluster earns full credit, and only it does; the order of extensions and of
///   further stems, case, spaces and a missing dot in a stem code do not matter, and a code
///   repeated counts once.
pub fn icd11_credit(expected: &str, answer: &str) -> Permille {
    let (Some(want), Some(got)) = (coding(expected), coding(answer)) else {
        return 0;
    };
    if want.main != got.main {
        return 0;
    }
    let expected_n = want.details.len() as u64;
    let right = got.details.intersection(&want.details).count() as u64;
    let wrong = got.details.difference(&want.details).count() as u64;
    if expected_n == 0 {
        return if wrong == 0 { FULL_CREDIT } else { 500 };
    }
    // ½ + ½·k/n as the single fraction (n + k) / 2n, so it is rounded once; `permille`
    // keeps anything short of the exact cluster below full credit.
    permille(expected_n + right.saturating_sub(wrong), 2 * expected_n)
}

fn text_field(field: &'static str, v: &str, max: usize) -> Result<(), Invalid> {
    if v.trim().is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    let n = v.chars().count();
    if n > max {
        return Err(Invalid::new(
            field,
            format!("is {n} characters long; the limit is {max}"),
        ));
    }
    Ok(())
}

fn option_list(options: &[String]) -> Result<(), Invalid> {
    if !(OPTIONS_MIN..=OPTIONS_MAX).contains(&options.len()) {
        return Err(Invalid::new(
            "options",
            format!(
                "has {} options; give between {OPTIONS_MIN} and {OPTIONS_MAX}",
                options.len()
            ),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, o) in options.iter().enumerate() {
        text_field("options", o, OPTION_MAX_CHARS)?;
        if !seen.insert(o.trim()) {
            return Err(Invalid::new(
                "options",
                format!(
                    "option {} repeats '{}'; every option must differ",
                    i + 1,
                    o.trim()
                ),
            ));
        }
    }
    Ok(())
}

impl ItemContent {
    /// May this content be saved to a bank? Every refusal names the field and what to change.
    pub fn check(&self) -> Result<(), Invalid> {
        text_field("prompt", &self.prompt, PROMPT_MAX_CHARS)?;
        if let CompetencyRef::Code(c) = &self.competency {
            text_field("competency", c, 100)?;
        }
        if let Some(e) = &self.explanation {
            text_field("explanation", e, PROMPT_MAX_CHARS)?;
        }
        if !(1..=POINTS_MAX).contains(&self.points) {
            return Err(Invalid::new(
                "points",
                format!(
                    "is {}; an item is worth 1 to {POINTS_MAX} points",
                    self.points
                ),
            ));
        }
        match &self.kind {
            ItemKind::SingleChoice { options, correct } => {
                option_list(options)?;
                if *correct >= options.len() {
                    return Err(Invalid::new(
                        "correct",
                        format!(
                            "points at option {} but there are only {}; options are numbered from 0",
                            correct,
                            options.len()
                        ),
                    ));
                }
            }
            ItemKind::MultipleChoice { options, correct } => {
                option_list(options)?;
                let set: BTreeSet<usize> = correct.iter().copied().collect();
                if set.is_empty() {
                    return Err(Invalid::new("correct", "mark at least one option as right"));
                }
                if set.len() != correct.len() {
                    return Err(Invalid::new("correct", "lists an option more than once"));
                }
                if let Some(bad) = set.iter().find(|i| **i >= options.len()) {
                    return Err(Invalid::new(
                        "correct",
                        format!(
                            "points at option {bad} but there are only {}; options are numbered from 0",
                            options.len()
                        ),
                    ));
                }
                if set.len() == options.len() {
                    return Err(Invalid::new(
                        "correct",
                        "marks every option as right; add at least one wrong option, or the item measures nothing",
                    ));
                }
            }
            ItemKind::TrueFalse { .. } => {}
            ItemKind::Numeric {
                correct, tolerance, ..
            } => {
                if !correct.is_finite() {
                    return Err(Invalid::new("correct", "must be a finite number"));
                }
                if !tolerance.is_finite() || *tolerance < 0.0 {
                    return Err(Invalid::new(
                        "tolerance",
                        "must be zero or a positive number (the largest accepted distance from the right value)",
                    ));
                }
            }
            ItemKind::Ordering { options } => option_list(options)?,
            ItemKind::ShortText { accepted, matching } => {
                if accepted.is_empty() || accepted.len() > ACCEPTED_MAX {
                    return Err(Invalid::new(
                        "accepted",
                        format!("give 1 to {ACCEPTED_MAX} accepted answers"),
                    ));
                }
                for a in accepted {
                    text_field("accepted", a, PATTERN_MAX_CHARS)?;
                    if *matching == TextMatch::Pattern {
                        compile_pattern(a).map_err(|e| {
                            Invalid::new(
                                "accepted",
                                format!("'{a}' is not a usable regular expression: {e}"),
                            )
                        })?;
                    }
                }
            }
            ItemKind::Icd11Coding { vignette, expected } => {
                text_field("vignette", vignette, PROMPT_MAX_CHARS)?;
                icd11::parse_cluster(&tidy_cluster(expected)).map_err(|e| {
                    Invalid::new("expected", format!("is not an ICD-11 code or cluster: {e}"))
                })?;
            }
        }
        Ok(())
    }
}

impl ItemContent {
    /// For ICD-11 coding items: is every code of the answer key a code of the loaded release,
    /// used in its role (stem or extension)? An author's typo would otherwise make the item
    /// unanswerable. Other item types pass.
    pub fn check_codes(&self, lookup: &impl icd11::CodeLookup) -> Result<(), Invalid> {
        let ItemKind::Icd11Coding { expected, .. } = &self.kind else {
            return Ok(());
        };
        let check = icd11::validate_cluster(&tidy_cluster(expected), lookup);
        if let Some(e) = check.syntax_error {
            return Err(Invalid::new(
                "expected",
                format!("is not an ICD-11 code or cluster: {e}"),
            ));
        }
        match check.parts.into_iter().find(|p| !p.valid) {
            Some(p) => Err(Invalid::new("expected", p.reason)),
            None => Ok(()),
        }
    }

    /// The codes of an ICD-11 coding item's answer key, in WHO's form: exactly what
    /// [`ItemContent::check_codes`] asks its lookup about, so the caller can fetch those facts
    /// first. Empty for other item types and for a key that does not parse.
    pub fn icd11_key_codes(&self) -> Vec<String> {
        let ItemKind::Icd11Coding { expected, .. } = &self.kind else {
            return Vec::new();
        };
        match icd11::parse_cluster(&tidy_cluster(expected)) {
            Ok(c) => c.parts().map(|(code, _)| code.to_owned()).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// How many items a form takes for one competency at one difficulty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlueprintCell {
    pub competency: CompetencyRef,
    pub difficulty: Difficulty,
    pub count: u32,
}

/// What every form of an assessment is made of, so that all learners face the same mix of
/// competencies and difficulties even though their items differ.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Blueprint {
    pub cells: Vec<BlueprintCell>,
}

impl Blueprint {
    pub fn total_items(&self) -> u64 {
        self.cells.iter().map(|c| u64::from(c.count)).sum()
    }
}

/// Why no form could be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlueprintError {
    #[error("the blueprint asks for no items; give at least one cell a count above zero")]
    Empty,
    #[error(
        "the blueprint has two cells for competency {competency} at difficulty {}; merge them into one",
        difficulty.as_str()
    )]
    DuplicateCell {
        competency: CompetencyRef,
        difficulty: Difficulty,
    },
    #[error(
        "the bank has {available} {} item(s) for competency {competency} but the blueprint asks for {needed}; add {} more or lower the count",
        difficulty.as_str(),
        needed - available
    )]
    NotEnoughItems {
        competency: CompetencyRef,
        difficulty: Difficulty,
        needed: u32,
        available: u32,
    },
    #[error("item {item_id} appears twice in the bank; give the bank one version of each item")]
    DuplicateItem { item_id: Uuid },
}

impl Blueprint {
    pub fn check(&self) -> Result<(), BlueprintError> {
        let mut seen = BTreeSet::new();
        for c in &self.cells {
            if !seen.insert((&c.competency, c.difficulty)) {
                return Err(BlueprintError::DuplicateCell {
                    competency: c.competency.clone(),
                    difficulty: c.difficulty,
                });
            }
        }
        if self.total_items() == 0 {
            return Err(BlueprintError::Empty);
        }
        Ok(())
    }
}

/// The items of one attempt, in the order shown, with the seed that drew them. It keeps the
/// item versions themselves, so scoring needs nothing but the form and the responses — and
/// so it holds the answer keys: it stays on the server, and learners get [`Form::public`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Form {
    pub seed: u64,
    pub items: Vec<Item>,
}

impl Form {
    /// What the learner is sent: the items in form order, each with its own shuffle.
    pub fn public(&self) -> Vec<PublicItem> {
        let mut rng = SeededRng::new(self.seed ^ 0x7075_626c_6963);
        self.items
            .iter()
            .map(|i| i.public(rng.next_u64()))
            .collect()
    }
}

/// The seed of an attempt's form, derived from the attempt's id so the same form can be
/// rebuilt from what is stored about the attempt.
pub fn form_seed(attempt_id: Uuid) -> u64 {
    let mut h = Sha256::new();
    h.update(b"cairn-form-seed-v1\n");
    h.update(attempt_id.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

/// Draw a form: for each blueprint cell, `count` different items of that competency and
/// difficulty, chosen at random; then the whole form is shuffled so cells are interleaved.
/// The same bank and seed always give the same form, whatever order the bank is listed in
/// (candidates are sorted by id first, because databases do not promise a row order).
pub fn draw_form(bank: &[Item], blueprint: &Blueprint, seed: u64) -> Result<Form, BlueprintError> {
    blueprint.check()?;
    let mut ids = BTreeSet::new();
    for item in bank {
        if !ids.insert(item.id) {
            return Err(BlueprintError::DuplicateItem { item_id: item.id });
        }
    }
    let mut rng = SeededRng::new(seed);
    let mut drawn: Vec<Item> = Vec::new();
    for cell in &blueprint.cells {
        let mut candidates: Vec<&Item> = bank
            .iter()
            .filter(|i| {
                i.content.competency == cell.competency && i.content.difficulty == cell.difficulty
            })
            .collect();
        let available = u32::try_from(candidates.len()).unwrap_or(u32::MAX);
        if available < cell.count {
            return Err(BlueprintError::NotEnoughItems {
                competency: cell.competency.clone(),
                difficulty: cell.difficulty,
                needed: cell.count,
                available,
            });
        }
        candidates.sort_by_key(|i| i.id);
        // A partial Fisher–Yates: the first `count` places end up a uniform sample.
        let take = cell.count as usize;
        for k in 0..take {
            let j = k + rng.below((candidates.len() - k) as u64) as usize;
            candidates.swap(k, j);
        }
        drawn.extend(candidates.into_iter().take(take).cloned());
    }
    shuffle(&mut drawn, &mut rng);
    Ok(Form { seed, items: drawn })
}

/// A lower bound on one competency's percentage, on top of the overall cut score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompetencyMinimum {
    pub competency: CompetencyRef,
    pub percent: u8,
}

/// The rules of one assessment. The application keeps its id, title and owner alongside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub blueprint: Blueprint,
    /// None: untimed.
    #[serde(default)]
    pub time_limit_minutes: Option<u32>,
    /// None: unlimited.
    #[serde(default)]
    pub max_attempts: Option<u32>,
    /// The wait between the end of one attempt and the start of the next; 0 for none.
    #[serde(default)]
    pub cooldown_minutes: u32,
    /// The overall percentage needed to pass, 0–100.
    pub cut_score_percent: u8,
    #[serde(default)]
    pub competency_minimums: Vec<CompetencyMinimum>,
}

impl Assessment {
    pub fn check(&self) -> Result<(), Invalid> {
        self.blueprint
            .check()
            .map_err(|e| Invalid::new("blueprint", e.to_string()))?;
        if self.time_limit_minutes == Some(0) {
            return Err(Invalid::new(
                "time_limit_minutes",
                "must be at least 1 minute; leave it empty for an untimed assessment",
            ));
        }
        if self.max_attempts == Some(0) {
            return Err(Invalid::new(
                "max_attempts",
                "must be at least 1; leave it empty to allow unlimited attempts",
            ));
        }
        if self.cut_score_percent > 100 {
            return Err(Invalid::new(
                "cut_score_percent",
                format!("is {}; a cut score is 0 to 100", self.cut_score_percent),
            ));
        }
        let mut seen = BTreeSet::new();
        for m in &self.competency_minimums {
            if m.percent > 100 {
                return Err(Invalid::new(
                    "competency_minimums",
                    format!(
                        "the minimum for {} is {}; use 0 to 100",
                        m.competency, m.percent
                    ),
                ));
            }
            if !self
                .blueprint
                .cells
                .iter()
                .any(|c| c.competency == m.competency && c.count > 0)
            {
                return Err(Invalid::new(
                    "competency_minimums",
                    format!(
                        "sets a minimum for {}, which the blueprint does not assess; add it to the blueprint or drop the minimum",
                        m.competency
                    ),
                ));
            }
            if !seen.insert(&m.competency) {
                return Err(Invalid::new(
                    "competency_minimums",
                    format!("sets two minimums for {}; keep one", m.competency),
                ));
            }
        }
        Ok(())
    }

    /// When an attempt started at `started_at` must be submitted by (before the grace).
    pub fn deadline(&self, started_at: OffsetDateTime) -> Option<OffsetDateTime> {
        self.time_limit_minutes
            .and_then(|m| started_at.checked_add(Duration::minutes(i64::from(m))))
    }
}

/// One learner's attempt at an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: Uuid,
    /// 1 for the learner's first attempt at this assessment, then 2, 3…
    pub number: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub submitted_at: Option<OffsetDateTime>,
}

/// When the learner may start another attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextTry {
    #[serde(with = "time::serde::rfc3339")]
    From(OffsetDateTime),
    Never,
}

impl fmt::Display for NextTry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NextTry::From(t) => write!(f, "You can start a new attempt from {}.", when(*t)),
            NextTry::Never => {
                f.write_str("No attempts remain, so this assessment cannot be taken again.")
            }
        }
    }
}

/// Why an attempt may not be started or submitted. Its sentence tells the learner what
/// happened and when they can try again; the fields let a page show times in local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum AttemptRefusal {
    TimeUp {
        #[serde(with = "time::serde::rfc3339")]
        deadline: OffsetDateTime,
        next: NextTry,
    },
    AlreadySubmitted {
        #[serde(with = "time::serde::rfc3339")]
        submitted_at: OffsetDateTime,
        next: NextTry,
    },
    NoAttemptsLeft {
        max_attempts: u32,
    },
    CoolingDown {
        #[serde(with = "time::serde::rfc3339")]
        until: OffsetDateTime,
        cooldown_minutes: u32,
    },
    InProgress {
        number: u32,
        #[serde(with = "time::serde::rfc3339::option")]
        closes_at: Option<OffsetDateTime>,
    },
}

fn when(t: OffsetDateTime) -> String {
    let utc = t.to_offset(time::UtcOffset::UTC);
    utc.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
    ))
    .unwrap_or_else(|_| utc.to_string())
}

impl fmt::Display for AttemptRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttemptRefusal::TimeUp { deadline, next } => write!(
                f,
                "The time limit for this attempt ended at {}, so these answers cannot be accepted. {next}",
                when(*deadline)
            ),
            AttemptRefusal::AlreadySubmitted { submitted_at, next } => write!(
                f,
                "This attempt was already submitted at {} and its result stands. {next}",
                when(*submitted_at)
            ),
            AttemptRefusal::NoAttemptsLeft { max_attempts } => write!(
                f,
                "You have used all {max_attempts} attempt(s) allowed for this assessment, so no further attempt can be started."
            ),
            AttemptRefusal::CoolingDown {
                until,
                cooldown_minutes,
            } => write!(
                f,
                "Attempts must be at least {cooldown_minutes} minute(s) apart. You can start your next attempt from {}.",
                when(*until)
            ),
            AttemptRefusal::InProgress {
                number,
                closes_at: Some(t),
            } => write!(
                f,
                "Attempt {number} is still open: submit it, or start a new one after it closes at {}.",
                when(*t)
            ),
            AttemptRefusal::InProgress {
                number,
                closes_at: None,
            } => write!(
                f,
                "Attempt {number} is still open: submit it before starting a new one."
            ),
        }
    }
}

impl std::error::Error for AttemptRefusal {}

/// When an attempt stopped counting as open: its submission, or its deadline plus grace.
fn ended_at(a: &Assessment, attempt: &Attempt) -> Option<OffsetDateTime> {
    attempt.submitted_at.or_else(|| {
        a.deadline(attempt.started_at)
            .and_then(|d| d.checked_add(SUBMISSION_GRACE))
    })
}

fn cooldown_end(a: &Assessment, ended: OffsetDateTime) -> OffsetDateTime {
    ended
        .checked_add(Duration::minutes(i64::from(a.cooldown_minutes)))
        .unwrap_or(ended)
}

fn next_try(a: &Assessment, attempts_used: u32, ended: OffsetDateTime) -> NextTry {
    if a.max_attempts.is_some_and(|m| attempts_used >= m) {
        NextTry::Never
    } else {
        NextTry::From(cooldown_end(a, ended))
    }
}

/// May a learner whose earlier attempts at `a` are `previous` start a new one at `now`?
/// Checked in this order: an attempt still open, the attempt limit, the cooldown.
pub fn check_start(
    a: &Assessment,
    previous: &[Attempt],
    now: OffsetDateTime,
) -> Result<(), AttemptRefusal> {
    for p in previous {
        let open = match ended_at(a, p) {
            None => true,
            Some(end) => p.submitted_at.is_none() && now <= end,
        };
        if open {
            return Err(AttemptRefusal::InProgress {
                number: p.number,
                closes_at: ended_at(a, p),
            });
        }
    }
    let used = u32::try_from(previous.len()).unwrap_or(u32::MAX);
    if let Some(max) = a.max_attempts
        && used >= max
    {
        return Err(AttemptRefusal::NoAttemptsLeft { max_attempts: max });
    }
    if a.cooldown_minutes > 0
        && let Some(last) = previous.iter().filter_map(|p| ended_at(a, p)).max()
        && let until = cooldown_end(a, last)
        && now < until
    {
        return Err(AttemptRefusal::CoolingDown {
            until,
            cooldown_minutes: a.cooldown_minutes,
        });
    }
    Ok(())
}

/// May `attempt` be submitted at `now`? Up to the deadline plus [`SUBMISSION_GRACE`], once.
pub fn check_submission(
    a: &Assessment,
    attempt: &Attempt,
    now: OffsetDateTime,
) -> Result<(), AttemptRefusal> {
    if let Some(at) = attempt.submitted_at {
        return Err(AttemptRefusal::AlreadySubmitted {
            submitted_at: at,
            next: next_try(a, attempt.number, at),
        });
    }
    if let Some(deadline) = a.deadline(attempt.started_at) {
        let closes = deadline.checked_add(SUBMISSION_GRACE).unwrap_or(deadline);
        if now > closes {
            return Err(AttemptRefusal::TimeUp {
                deadline,
                next: next_try(a, attempt.number, closes),
            });
        }
    }
    Ok(())
}

/// The score of one item of an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemResult {
    pub item_id: Uuid,
    pub item_version: u32,
    pub competency: CompetencyRef,
    pub credit: Permille,
    /// Points earned, in thousandths of a point.
    pub earned_milli: u64,
    pub max_milli: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompetencyResult {
    pub competency: CompetencyRef,
    pub earned_milli: u64,
    pub max_milli: u64,
    /// Rounded down to one decimal.
    pub percent: f64,
    #[serde(default)]
    pub minimum_percent: Option<u8>,
    /// True when there is no minimum.
    pub met_minimum: bool,
}

/// A scored attempt: what the learner sees at the end, and what the award rules read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptResult {
    pub items: Vec<ItemResult>,
    pub competencies: Vec<CompetencyResult>,
    pub earned_milli: u64,
    pub max_milli: u64,
    /// Rounded down to one decimal.
    pub percent: f64,
    pub cut_score_percent: u8,
    pub passed: bool,
    /// One or two sentences for the learner: the outcome, and which competency fell short.
    pub explanation: String,
}

fn percent_floor(earned: u64, max: u64) -> f64 {
    if max == 0 {
        return 0.0;
    }
    let tenths = u128::from(earned) * 1000 / u128::from(max);
    tenths as f64 / 10.0
}

/// Exact comparison, never through the rounded figure (which agrees with it anyway, because
/// the figure is rounded down).
fn reaches(earned: u64, max: u64, percent: u8) -> bool {
    max > 0 && u128::from(earned) * 100 >= u128::from(percent) * u128::from(max)
}

/// Score an attempt: each item of the form against the learner's response (keyed by item
/// id; missing responses earn nothing, responses to items not on the form are ignored),
/// totals per competency in blueprint order, and the pass decision: the overall percentage
/// reaches the cut score and every competency with a minimum reaches it.
pub fn score_attempt(
    a: &Assessment,
    form: &Form,
    responses: &BTreeMap<Uuid, Response>,
) -> AttemptResult {
    let items: Vec<ItemResult> = form
        .items
        .iter()
        .map(|i| {
            let credit = i.credit(responses.get(&i.id));
            let points = u64::from(i.content.points);
            ItemResult {
                item_id: i.id,
                item_version: i.version,
                competency: i.content.competency.clone(),
                credit,
                earned_milli: points * u64::from(credit),
                max_milli: points * u64::from(FULL_CREDIT),
            }
        })
        .collect();

    let mut order: Vec<CompetencyRef> = Vec::new();
    for c in a
        .blueprint
        .cells
        .iter()
        .map(|c| &c.competency)
        .chain(items.iter().map(|i| &i.competency))
    {
        if !order.contains(c) {
            order.push(c.clone());
        }
    }
    let competencies: Vec<CompetencyResult> = order
        .into_iter()
        .filter_map(|c| {
            let (earned, max) = items
                .iter()
                .filter(|i| i.competency == c)
                .fold((0u64, 0u64), |(e, m), i| {
                    (e + i.earned_milli, m + i.max_milli)
                });
            if max == 0 {
                return None;
            }
            let minimum = a
                .competency_minimums
                .iter()
                .find(|m| m.competency == c)
                .map(|m| m.percent);
            Some(CompetencyResult {
                met_minimum: minimum.is_none_or(|p| reaches(earned, max, p)),
                percent: percent_floor(earned, max),
                minimum_percent: minimum,
                competency: c,
                earned_milli: earned,
                max_milli: max,
            })
        })
        .collect();

    let earned: u64 = items.iter().map(|i| i.earned_milli).sum();
    let max: u64 = items.iter().map(|i| i.max_milli).sum();
    let percent = percent_floor(earned, max);
    let overall_ok = reaches(earned, max, a.cut_score_percent);
    let short: Vec<&CompetencyResult> = competencies.iter().filter(|c| !c.met_minimum).collect();
    let passed = overall_ok && short.is_empty();

    let mut explanation = if overall_ok {
        format!(
            "{percent:.1}% overall reaches the cut score of {}%.",
            a.cut_score_percent
        )
    } else {
        format!(
            "{percent:.1}% overall is below the cut score of {}%.",
            a.cut_score_percent
        )
    };
    if !short.is_empty() {
        let list: Vec<String> = short
            .iter()
            .map(|c| {
                format!(
                    "{} scored {:.1}%, below its minimum of {}%",
                    c.competency,
                    c.percent,
                    c.minimum_percent.unwrap_or(0)
                )
            })
            .collect();
        explanation.push_str(&format!(" Competency {}.", list.join("; competency ")));
    }
    explanation.insert_str(0, if passed { "Passed: " } else { "Not passed: " });

    AttemptResult {
        items,
        competencies,
        earned_milli: earned,
        max_milli: max,
        percent,
        cut_score_percent: a.cut_score_percent,
        passed,
        explanation,
    }
}

/// A response that earns full credit, for showing the right answer after submission and for
/// generating worked examples. None for pattern-matched short text, whose accepted answers
/// are expressions rather than answers.
pub fn model_answer(item: &Item) -> Option<Response> {
    Some(match &item.content.kind {
        ItemKind::SingleChoice { correct, .. } => Response::SingleChoice { choice: *correct },
        ItemKind::MultipleChoice { correct, .. } => Response::MultipleChoice {
            choices: correct.clone(),
        },
        ItemKind::TrueFalse { correct } => Response::TrueFalse { value: *correct },
        ItemKind::Numeric { correct, .. } => Response::Numeric { value: *correct },
        ItemKind::Ordering { options } => Response::Ordering {
            order: options.clone(),
        },
        ItemKind::ShortText { matching, .. } if *matching == TextMatch::Pattern => return None,
        ItemKind::ShortText { accepted, .. } => Response::ShortText {
            text: accepted.first()?.clone(),
        },
        ItemKind::Icd11Coding { expected, .. } => Response::Icd11Coding {
            code: expected.clone(),
        },
    })
}

#[cfg(test)]
mod model_answer_tests {
    use super::*;

    fn item(kind: ItemKind) -> Item {
        Item {
            id: Uuid::from_u128(1),
            version: 1,
            content: ItemContent {
                competency: CompetencyRef::Code("C".into()),
                difficulty: Difficulty::Easy,
                points: 1,
                prompt: "?".into(),
                kind,
                explanation: None,
            },
        }
    }

    #[test]
    fn the_model_answer_earns_full_credit_for_every_kind() {
        let kinds = [
            ItemKind::SingleChoice {
                options: vec!["a".into(), "b".into()],
                correct: 1,
            },
            ItemKind::MultipleChoice {
                options: vec!["a".into(), "b".into(), "c".into()],
                correct: vec![0, 2],
            },
            ItemKind::TrueFalse { correct: false },
            ItemKind::Numeric {
                correct: 37.2,
                tolerance: 0.0,
                unit: None,
            },
            ItemKind::Ordering {
                options: vec!["x".into(), "y".into(), "z".into()],
            },
            ItemKind::ShortText {
                accepted: vec!["Teach back".into()],
                matching: TextMatch::Normalized,
            },
            ItemKind::Icd11Coding {
                vignette: "v".into(),
                expected: "NC72.2&XK9K".into(),
            },
        ];
        for kind in kinds {
            let i = item(kind);
            let r = model_answer(&i).unwrap();
            assert_eq!(i.credit(Some(&r)), FULL_CREDIT, "{:?}", i.content.kind);
        }
        let pattern = item(ItemKind::ShortText {
            accepted: vec!["^a+$".into()],
            matching: TextMatch::Pattern,
        });
        assert_eq!(model_answer(&pattern), None);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::datetime;

    use super::*;

    fn code(c: &str) -> CompetencyRef {
        CompetencyRef::Code(c.into())
    }

    fn item_with(id: u128, competency: &str, difficulty: Difficulty, kind: ItemKind) -> Item {
        Item {
            id: Uuid::from_u128(id),
            version: 1,
            content: ItemContent {
                competency: code(competency),
                difficulty,
                points: 1,
                prompt: "Question?".into(),
                kind,
                explanation: None,
            },
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    /// One item of every type, with answers that are easy to spot in serialized text.
    fn every_kind() -> Vec<ItemKind> {
        vec![
            ItemKind::SingleChoice {
                options: strings(&["Metformin", "Insulin glargine", "Warfarin"]),
                correct: 0,
            },
            ItemKind::MultipleChoice {
                options: strings(&["Polyuria", "Polydipsia", "Bradycardia", "Alopecia"]),
                correct: vec![0, 1],
            },
            ItemKind::TrueFalse { correct: true },
            ItemKind::Numeric {
                correct: 7.25,
                tolerance: 0.15,
                unit: Some("mmol/L".into()),
            },
            ItemKind::Ordering {
                options: strings(&[
                    "Airway",
                    "Breathing",
                    "Circulation",
                    "Disability",
                    "Exposure",
                ]),
            },
            ItemKind::ShortText {
                accepted: strings(&["sphygmomanometer"]),
                matching: TextMatch::Normalized,
            },
            ItemKind::Icd11Coding {
                vignette: "A 58-year-old with a fasting glucose of 9.1 mmol/L on two occasions."
                    .into(),
                expected: "5A11&XT8W".into(),
            },
        ]
    }

    fn icd(expected: &str) -> Item {
        item_with(
            1,
            "C1",
            Difficulty::Medium,
            ItemKind::Icd11Coding {
                vignette: "vignette".into(),
                expected: expected.into(),
            },
        )
    }

    fn coded(i: &Item, answer: &str) -> Permille {
        i.credit(Some(&Response::Icd11Coding {
            code: answer.into(),
        }))
    }

    #[test]
    fn icd11_exact_clusters_earn_full_credit_whatever_the_spelling() {
        let i = icd("NC72.2&XK9K&XT8W");
        for answer in [
            "NC72.2&XK9K&XT8W",
            "NC72.2&XT8W&XK9K",
            "nc72.2&xk9k&xt8w",
            " NC72.2 & XT8W & XK9K ",
            "NC722&XK9K&XT8W",
            "NC72.2&XK9K&XT8W&XK9K",
        ] {
            assert_eq!(coded(&i, answer), 1000, "{answer}");
        }
        assert_eq!(coded(&icd("5A11"), "5A11"), 1000);
        assert_eq!(coded(&icd("5A11"), "5a11."), 1000);
        assert_eq!(coded(&icd("BA00"), "ba00"), 1000);
    }

    #[test]
    fn icd11_correct_stem_with_missing_or_wrong_extensions_earns_part() {
        let i = icd("NC72.2&XK9K&XT8W");
        // Stem only: ½.
        assert_eq!(coded(&i, "NC72.2"), 500);
        // Stem and one of two extensions: ½ + ½·½.
        assert_eq!(coded(&i, "NC72.2&XK9K"), 750);
        assert_eq!(coded(&i, "NC72.2&XT8W"), 750);
        // One right, one wrong: the wrong one cancels the right one.
        assert_eq!(coded(&i, "NC72.2&XK9K&XS25"), 500);
        // Both right plus a wrong extra: ½ + ½·(2−1)/2.
        assert_eq!(coded(&i, "NC72.2&XK9K&XT8W&XS25"), 750);
        // Never below ½ once the stem is right.
        assert_eq!(coded(&i, "NC72.2&XS25&XH1ZV6&XN74M"), 500);

        let d = icd("5A11&XT8W");
        assert_eq!(coded(&d, "5A11"), 500);
        assert_eq!(coded(&d, "5A11&XS25"), 500);
        // No extension expected: adding one loses the second half.
        assert_eq!(coded(&icd("1A00"), "1A00&XT8W"), 500);
        // Thirds round half up: ½ + ½·⅓ = 666.67 → 667; ½ + ½·⅔ = 833.3 → 833.
        let t = icd("5A11&XT8W&XK9K&XS25");
        assert_eq!(coded(&t, "5A11&XS25"), 667);
        assert_eq!(coded(&t, "5A11&XS25&XK9K"), 833);
    }

    #[test]
    fn icd11_further_stems_count_as_details() {
        let i = icd("5A11&XT8W/BA00");
        assert_eq!(coded(&i, "5A11&XT8W/BA00"), 1000);
        assert_eq!(coded(&i, "5a11&xt8w / ba00"), 1000);
        assert_eq!(coded(&i, "5A11&XT8W"), 750);
        assert_eq!(coded(&i, "5A11/BA00"), 750);
        // The first stem is the main condition: swapping the order is a wrong main stem.
        assert_eq!(coded(&i, "BA00/5A11&XT8W"), 0);
        // An extension counts only on the stem it qualifies.
        assert_eq!(coded(&i, "5A11/BA00&XT8W"), 500);
    }

    #[test]
    fn icd11_wrong_stem_or_unparseable_answer_earns_nothing() {
        let i = icd("5A11&XT8W");
        for answer in [
            "BA00&XT8W",
            "CA40",
            "1A00&XT8W",
            "",
            "   ",
            "diabetes",
            "XT8W",
            "5A11&&XT8W",
            "5A11&BA00",
            "E11.9",
            "5A1",
        ] {
            assert_eq!(coded(&i, answer), 0, "{answer:?}");
        }
        // A response of another type earns nothing either.
        assert_eq!(
            i.credit(Some(&Response::ShortText {
                text: "5A11&XT8W".into()
            })),
            0
        );
        assert_eq!(i.credit(None), 0);
    }

    #[test]
    fn single_choice_true_false_numeric_and_short_text() {
        let kinds = every_kind();
        let single = item_with(1, "C", Difficulty::Easy, kinds[0].clone());
        assert_eq!(
            single.credit(Some(&Response::SingleChoice { choice: 0 })),
            1000
        );
        assert_eq!(
            single.credit(Some(&Response::SingleChoice { choice: 2 })),
            0
        );
        assert_eq!(
            single.credit(Some(&Response::SingleChoice { choice: 99 })),
            0
        );

        let tf = item_with(2, "C", Difficulty::Easy, kinds[2].clone());
        assert_eq!(tf.credit(Some(&Response::TrueFalse { value: true })), 1000);
        assert_eq!(tf.credit(Some(&Response::TrueFalse { value: false })), 0);

        let num = item_with(3, "C", Difficulty::Easy, kinds[3].clone());
        let n = |v: f64| num.credit(Some(&Response::Numeric { value: v }));
        assert_eq!(n(7.25), 1000);
        assert_eq!(n(7.1), 1000, "the lower boundary is inside the tolerance");
        assert_eq!(n(7.4), 1000, "the upper boundary is inside the tolerance");
        assert_eq!(n(7.41), 0);
        assert_eq!(n(7.0), 0);
        assert_eq!(n(f64::NAN), 0);
        assert_eq!(n(f64::INFINITY), 0);
        let exact = item_with(
            4,
            "C",
            Difficulty::Easy,
            ItemKind::Numeric {
                correct: 2.5,
                tolerance: 0.1,
                unit: None,
            },
        );
        assert_eq!(exact.credit(Some(&Response::Numeric { value: 2.6 })), 1000);
        assert_eq!(exact.credit(Some(&Response::Numeric { value: 2.4 })), 1000);

        let text = |matching: TextMatch, accepted: &[&str], answer: &str| {
            item_with(
                5,
                "C",
                Difficulty::Easy,
                ItemKind::ShortText {
                    accepted: strings(accepted),
                    matching,
                },
            )
            .credit(Some(&Response::ShortText {
                text: answer.into(),
            }))
        };
        assert_eq!(text(TextMatch::Exact, &["Metformin"], " Metformin "), 1000);
        assert_eq!(text(TextMatch::Exact, &["Metformin"], "metformin"), 0);
        assert_eq!(
            text(
                TextMatch::Normalized,
                &["Loop  diuretic"],
                "  LOOP diuretic\t"
            ),
            1000
        );
        assert_eq!(
            text(TextMatch::Normalized, &["loop diuretic"], "loopdiuretic"),
            0
        );
        assert_eq!(text(TextMatch::Normalized, &["Ödem"], "ödem"), 1000);
        let pattern = &[r"(?i)hba1c|h(a)?emoglobin a1c"];
        assert_eq!(text(TextMatch::Pattern, pattern, "HbA1c"), 1000);
        assert_eq!(text(TextMatch::Pattern, pattern, " haemoglobin A1c "), 1000);
        assert_eq!(
            text(TextMatch::Pattern, pattern, "my HbA1c level"),
            0,
            "whole answer"
        );
        assert_eq!(
            text(TextMatch::Pattern, &["a)|(b"], "xa"),
            0,
            "no anchor escape"
        );
        assert_eq!(text(TextMatch::Pattern, &["a", "b"], "b"), 1000);
    }

    #[test]
    fn multiple_choice_credit_is_right_share_minus_wrong_share() {
        let mc = item_with(1, "C", Difficulty::Easy, every_kind()[1].clone());
        let m = |c: &[usize]| {
            mc.credit(Some(&Response::MultipleChoice {
                choices: c.to_vec(),
            }))
        };
        assert_eq!(m(&[0, 1]), 1000);
        assert_eq!(m(&[1, 0, 1]), 1000, "a repeated pick counts once");
        assert_eq!(m(&[0]), 500);
        assert_eq!(m(&[0, 2]), 0, "½ right − ½ wrong");
        assert_eq!(m(&[0, 1, 2]), 500, "1 − ½");
        assert_eq!(m(&[0, 1, 2, 3]), 0, "ticking everything earns nothing");
        assert_eq!(m(&[]), 0);
        assert_eq!(m(&[2, 3]), 0);
        assert_eq!(m(&[0, 1, 9]), 500, "an index off the list is a wrong pick");
    }

    #[test]
    fn ordering_credit_is_the_share_of_pairs_in_order() {
        let ord = item_with(1, "C", Difficulty::Easy, every_kind()[4].clone());
        let o = |v: &[&str]| ord.credit(Some(&Response::Ordering { order: strings(v) }));
        let right = [
            "Airway",
            "Breathing",
            "Circulation",
            "Disability",
            "Exposure",
        ];
        assert_eq!(o(&right), 1000);
        // One swap of neighbours: 9 of 10 pairs.
        assert_eq!(
            o(&[
                "Breathing",
                "Airway",
                "Circulation",
                "Disability",
                "Exposure"
            ]),
            900
        );
        let mut reversed = right;
        reversed.reverse();
        assert_eq!(o(&reversed), 0);
        // Not a permutation of the options: nothing.
        assert_eq!(o(&["Airway", "Breathing"]), 0);
        assert_eq!(
            o(&["Airway", "Airway", "Circulation", "Disability", "Exposure"]),
            0
        );
        assert_eq!(
            o(&[
                "airway",
                "Breathing",
                "Circulation",
                "Disability",
                "Exposure"
            ]),
            0
        );
    }

    #[test]
    fn public_items_never_carry_answers() {
        let answer_keys = [
            "\"correct\"",
            "\"accepted\"",
            "\"expected\"",
            "\"tolerance\"",
            "\"matching\"",
            "\"explanation\"",
        ];
        for (n, kind) in every_kind().into_iter().enumerate() {
            let mut item = item_with(n as u128, "C", Difficulty::Hard, kind);
            item.content.explanation = Some("Because of the HbA1c threshold".into());
            for seed in 0..20 {
                let json = serde_json::to_string(&item.public(seed)).unwrap();
                for key in answer_keys {
                    assert!(!json.contains(key), "{key} in {json}");
                }
                for secret in ["7.25", "0.15", "sphygmomanometer", "5A11", "XT8W", "HbA1c"] {
                    assert!(!json.contains(secret), "{secret} in {json}");
                }
                assert!(json.contains("\"item_id\""));
            }
        }
        // The type of each public body follows the item's.
        let bodies: Vec<String> = every_kind()
            .into_iter()
            .map(|k| {
                let v =
                    serde_json::to_value(item_with(1, "C", Difficulty::Easy, k).public(0)).unwrap();
                v["body"]["type"].as_str().unwrap().to_owned()
            })
            .collect();
        assert_eq!(
            bodies,
            [
                "single_choice",
                "multiple_choice",
                "true_false",
                "numeric",
                "ordering",
                "short_text",
                "icd11_coding"
            ]
        );
    }

    #[test]
    fn ordering_items_are_shown_in_an_order_that_says_nothing_about_the_answer() {
        let ord = item_with(1, "C", Difficulty::Easy, every_kind()[4].clone());
        let ItemKind::Ordering { options } = &ord.content.kind else {
            unreachable!()
        };
        let mut orders = BTreeSet::new();
        let mut first_counts = BTreeMap::<String, u32>::new();
        for seed in 0..2000 {
            let PublicBody::Ordering { options: shown } = ord.public(seed).body else {
                unreachable!()
            };
            let mut sorted = shown.clone();
            sorted.sort();
            let mut want = options.clone();
            want.sort();
            assert_eq!(sorted, want, "the same options, only reordered");
            *first_counts.entry(shown[0].clone()).or_default() += 1;
            orders.insert(shown);
        }
        assert!(orders.len() > 100, "{} orders", orders.len());
        // Each option is shown first about a fifth of the time: the right first step is
        // not favoured.
        for (o, n) in first_counts {
            assert!((300..=500).contains(&n), "{o} first {n} times");
        }
        assert_eq!(ord.public(7), ord.public(7), "deterministic per seed");
    }

    #[test]
    fn content_hash_is_stable_and_covers_the_answer_key() {
        let item = item_with(1, "C", Difficulty::Easy, every_kind()[6].clone());
        let h = item.content_hash();
        assert_eq!(h.len(), 64);
        assert_eq!(h, item.clone().content_hash());
        let mut changed = item.clone();
        changed.content.kind = ItemKind::Icd11Coding {
            vignette: "A 58-year-old with a fasting glucose of 9.1 mmol/L on two occasions.".into(),
            expected: "5A11".into(),
        };
        assert_ne!(changed.content_hash(), h);
        let mut harder = item.clone();
        harder.content.difficulty = Difficulty::Hard;
        assert_ne!(harder.content_hash(), h);
        // The id and version number name the version; they are not its content.
        let mut renumbered = item.clone();
        renumbered.version = 2;
        assert_eq!(renumbered.content_hash(), h);
        // A round trip through storage keeps the hash.
        let back: Item = serde_json::from_str(&serde_json::to_string(&item).unwrap()).unwrap();
        assert_eq!(back.content_hash(), h);
    }

    #[test]
    fn item_validation_says_what_to_fix() {
        for kind in every_kind() {
            let i = item_with(1, "C", Difficulty::Easy, kind);
            assert_eq!(i.content.check(), Ok(()), "{:?}", i.content.kind);
        }
        let field = |kind: ItemKind| {
            item_with(1, "C", Difficulty::Easy, kind)
                .content
                .check()
                .unwrap_err()
        };
        let e = field(ItemKind::SingleChoice {
            options: strings(&["a", "b"]),
            correct: 2,
        });
        assert_eq!(e.field, "correct");
        assert!(e.message.contains("numbered from 0"), "{e}");
        let e = field(ItemKind::SingleChoice {
            options: strings(&["a"]),
            correct: 0,
        });
        assert_eq!(e.field, "options");
        let e = field(ItemKind::Ordering {
            options: strings(&["a", "b", " a "]),
        });
        assert!(e.message.contains("repeats"), "{e}");
        let e = field(ItemKind::MultipleChoice {
            options: strings(&["a", "b"]),
            correct: vec![0, 1],
        });
        assert!(e.message.contains("wrong option"), "{e}");
        let e = field(ItemKind::MultipleChoice {
            options: strings(&["a", "b"]),
            correct: vec![],
        });
        assert_eq!(e.field, "correct");
        let e = field(ItemKind::Numeric {
            correct: 1.0,
            tolerance: -0.1,
            unit: None,
        });
        assert_eq!(e.field, "tolerance");
        let e = field(ItemKind::Numeric {
            correct: f64::NAN,
            tolerance: 0.0,
            unit: None,
        });
        assert_eq!(e.field, "correct");
        let e = field(ItemKind::ShortText {
            accepted: strings(&["(unclosed"]),
            matching: TextMatch::Pattern,
        });
        assert!(e.message.contains("regular expression"), "{e}");
        let e = field(ItemKind::ShortText {
            accepted: vec![],
            matching: TextMatch::Exact,
        });
        assert_eq!(e.field, "accepted");
        let e = field(ItemKind::Icd11Coding {
            vignette: "v".into(),
            expected: "XT8W".into(),
        });
        assert_eq!(e.field, "expected");
        assert!(e.message.contains("extension code"), "{e}");
        let mut i = item_with(
            1,
            "C",
            Difficulty::Easy,
            ItemKind::TrueFalse { correct: true },
        );
        i.content.points = 0;
        assert_eq!(i.content.check().unwrap_err().field, "points");
        i.content.points = 1;
        i.content.prompt = "  ".into();
        assert_eq!(i.content.check().unwrap_err().field, "prompt");
    }

    #[test]
    fn items_and_results_round_trip_through_json() {
        for kind in every_kind() {
            let i = item_with(1, "C", Difficulty::Medium, kind);
            let json = serde_json::to_string(&i).unwrap();
            assert_eq!(serde_json::from_str::<Item>(&json).unwrap(), i);
            let p = i.public(3);
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(serde_json::from_str::<PublicItem>(&json).unwrap(), p);
        }
        let id = Uuid::from_u128(9);
        let v = serde_json::to_value(CompetencyRef::Id(id)).unwrap();
        assert_eq!(v, serde_json::json!({ "id": id.to_string() }));
        let r: Response =
            serde_json::from_str(r#"{"type":"icd11_coding","code":"5A11&XT8W"}"#).unwrap();
        assert_eq!(
            r,
            Response::Icd11Coding {
                code: "5A11&XT8W".into()
            }
        );
    }

    fn bank() -> Vec<Item> {
        let mut out = Vec::new();
        let mut n = 0u128;
        for (c, d, count) in [
            ("C1", Difficulty::Easy, 4),
            ("C1", Difficulty::Hard, 2),
            ("C2", Difficulty::Easy, 3),
            ("C2", Difficulty::Medium, 1),
        ] {
            for _ in 0..count {
                n += 1;
                out.push(item_with(n, c, d, ItemKind::TrueFalse { correct: true }));
            }
        }
        out
    }

    fn cell(c: &str, d: Difficulty, count: u32) -> BlueprintCell {
        BlueprintCell {
            competency: code(c),
            difficulty: d,
            count,
        }
    }

    #[test]
    fn forms_follow_the_blueprint_and_the_seed() {
        let bp = Blueprint {
            cells: vec![
                cell("C1", Difficulty::Easy, 2),
                cell("C1", Difficulty::Hard, 2),
                cell("C2", Difficulty::Easy, 1),
            ],
        };
        let f = draw_form(&bank(), &bp, 11).unwrap();
        assert_eq!(f.items.len(), 5);
        assert_eq!(f.seed, 11);
        assert_eq!(draw_form(&bank(), &bp, 11).unwrap(), f);
        // The bank's listing order does not change the form.
        let mut reversed = bank();
        reversed.reverse();
        assert_eq!(draw_form(&reversed, &bp, 11).unwrap(), f);
        // Different seeds give different forms.
        let forms: BTreeSet<Vec<Uuid>> = (0..50)
            .map(|s| {
                draw_form(&bank(), &bp, s)
                    .unwrap()
                    .items
                    .iter()
                    .map(|i| i.id)
                    .collect()
            })
            .collect();
        assert!(forms.len() > 10);
        assert_eq!(f.public().len(), 5);
    }

    #[test]
    fn a_short_bank_is_refused_naming_the_cell() {
        let bp = Blueprint {
            cells: vec![
                cell("C1", Difficulty::Easy, 2),
                cell("C2", Difficulty::Medium, 3),
            ],
        };
        let e = draw_form(&bank(), &bp, 1).unwrap_err();
        assert_eq!(
            e,
            BlueprintError::NotEnoughItems {
                competency: code("C2"),
                difficulty: Difficulty::Medium,
                needed: 3,
                available: 1
            }
        );
        let msg = e.to_string();
        assert!(msg.contains("C2") && msg.contains("medium"), "{msg}");
        assert!(msg.contains("add 2 more"), "{msg}");

        let e = draw_form(&bank(), &Blueprint::default(), 1).unwrap_err();
        assert_eq!(e, BlueprintError::Empty);
        let twice = Blueprint {
            cells: vec![
                cell("C1", Difficulty::Easy, 1),
                cell("C1", Difficulty::Easy, 1),
            ],
        };
        assert!(matches!(
            draw_form(&bank(), &twice, 1),
            Err(BlueprintError::DuplicateCell { .. })
        ));
        let mut dup = bank();
        dup.push(dup[0].clone());
        assert!(matches!(
            draw_form(
                &dup,
                &Blueprint {
                    cells: vec![cell("C1", Difficulty::Easy, 1)]
                },
                1
            ),
            Err(BlueprintError::DuplicateItem { .. })
        ));
    }

    #[test]
    fn form_seeds_come_from_the_attempt() {
        let a = Uuid::from_u128(1);
        assert_eq!(form_seed(a), form_seed(a));
        assert_ne!(form_seed(a), form_seed(Uuid::from_u128(2)));
    }

    fn assessment() -> Assessment {
        Assessment {
            blueprint: Blueprint {
                cells: vec![
                    cell("C1", Difficulty::Easy, 2),
                    cell("C2", Difficulty::Easy, 2),
                ],
            },
            time_limit_minutes: Some(30),
            max_attempts: Some(3),
            cooldown_minutes: 60,
            cut_score_percent: 70,
            competency_minimums: vec![],
        }
    }

    const T0: OffsetDateTime = datetime!(2026-11-28 10:00 UTC);

    fn attempt(number: u32, started: OffsetDateTime, submitted: Option<OffsetDateTime>) -> Attempt {
        Attempt {
            id: Uuid::from_u128(u128::from(number)),
            number,
            started_at: started,
            submitted_at: submitted,
        }
    }

    #[test]
    fn submission_after_the_time_limit_and_grace_is_refused() {
        let a = assessment();
        let at = attempt(1, T0, None);
        assert_eq!(
            check_submission(&a, &at, T0 + Duration::minutes(30)),
            Ok(())
        );
        assert_eq!(
            check_submission(&a, &at, T0 + Duration::minutes(30) + SUBMISSION_GRACE),
            Ok(()),
            "the grace is inclusive"
        );
        let late = T0 + Duration::minutes(30) + SUBMISSION_GRACE + Duration::seconds(1);
        let e = check_submission(&a, &at, late).unwrap_err();
        assert_eq!(
            e,
            AttemptRefusal::TimeUp {
                deadline: datetime!(2026-11-28 10:30 UTC),
                next: NextTry::From(datetime!(2026-11-28 11:30:30 UTC)),
            }
        );
        assert_eq!(
            e.to_string(),
            "The time limit for this attempt ended at 2026-11-28 10:30:00 UTC, so these answers cannot be accepted. You can start a new attempt from 2026-11-28 11:30:30 UTC."
        );
        // The last allowed attempt: no next try.
        let last = attempt(3, T0, None);
        let e = check_submission(&a, &last, late).unwrap_err();
        assert!(e.to_string().contains("No attempts remain"), "{e}");
        // Untimed assessments accept any time.
        let untimed = Assessment {
            time_limit_minutes: None,
            ..assessment()
        };
        assert_eq!(
            check_submission(&untimed, &at, T0 + Duration::days(30)),
            Ok(())
        );
        // Twice is refused.
        let done = attempt(1, T0, Some(T0 + Duration::minutes(5)));
        let e = check_submission(&a, &done, T0 + Duration::minutes(6)).unwrap_err();
        assert!(matches!(e, AttemptRefusal::AlreadySubmitted { .. }));
        assert!(
            e.to_string().contains("from 2026-11-28 11:05:00 UTC"),
            "{e}"
        );
    }

    #[test]
    fn starting_respects_open_attempts_the_limit_and_the_cooldown() {
        let a = assessment();
        assert_eq!(check_start(&a, &[], T0), Ok(()));

        // An attempt still running.
        let open = [attempt(1, T0, None)];
        let e = check_start(&a, &open, T0 + Duration::minutes(10)).unwrap_err();
        assert_eq!(
            e,
            AttemptRefusal::InProgress {
                number: 1,
                closes_at: Some(datetime!(2026-11-28 10:30:30 UTC))
            }
        );
        assert!(e.to_string().contains("10:30:30"), "{e}");

        // Submitted at 10:20: cooldown until 11:20.
        let done = [attempt(1, T0, Some(datetime!(2026-11-28 10:20 UTC)))];
        let e = check_start(&a, &done, datetime!(2026-11-28 11:19:59 UTC)).unwrap_err();
        assert_eq!(
            e,
            AttemptRefusal::CoolingDown {
                until: datetime!(2026-11-28 11:20 UTC),
                cooldown_minutes: 60
            }
        );
        assert_eq!(
            e.to_string(),
            "Attempts must be at least 60 minute(s) apart. You can start your next attempt from 2026-11-28 11:20:00 UTC."
        );
        assert_eq!(
            check_start(&a, &done, datetime!(2026-11-28 11:20 UTC)),
            Ok(())
        );

        // Abandoned (never submitted): it ended when its time ran out.
        let abandoned = [attempt(1, T0, None)];
        assert!(matches!(
            check_start(&a, &abandoned, datetime!(2026-11-28 11:00 UTC)),
            Err(AttemptRefusal::CoolingDown { until, .. }) if until == datetime!(2026-11-28 11:30:30 UTC)
        ));

        // All three used: refused for good, even after the cooldown.
        let three = [
            attempt(1, T0, Some(T0 + Duration::minutes(20))),
            attempt(
                2,
                T0 + Duration::hours(2),
                Some(T0 + Duration::hours(2) + Duration::minutes(20)),
            ),
            attempt(
                3,
                T0 + Duration::hours(4),
                Some(T0 + Duration::hours(4) + Duration::minutes(20)),
            ),
        ];
        let e = check_start(&a, &three, T0 + Duration::days(10)).unwrap_err();
        assert_eq!(e, AttemptRefusal::NoAttemptsLeft { max_attempts: 3 });
        assert!(e.to_string().contains("used all 3 attempt(s)"), "{e}");

        // An untimed attempt stays open until submitted.
        let untimed = Assessment {
            time_limit_minutes: None,
            ..assessment()
        };
        let e = check_start(&untimed, &open, T0 + Duration::days(3)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Attempt 1 is still open: submit it before starting a new one."
        );

        // Refusals serialize with a tag the app can store and switch on.
        let v = serde_json::to_value(AttemptRefusal::NoAttemptsLeft { max_attempts: 3 }).unwrap();
        assert_eq!(v["reason"], "no_attempts_left");
    }

    fn tf(id: u128, competency: &str, points: u32) -> Item {
        let mut i = item_with(
            id,
            competency,
            Difficulty::Easy,
            ItemKind::TrueFalse { correct: true },
        );
        i.content.points = points;
        i
    }

    fn answers(right: &[u128], wrong: &[u128]) -> BTreeMap<Uuid, Response> {
        right
            .iter()
            .map(|id| (Uuid::from_u128(*id), Response::TrueFalse { value: true }))
            .chain(
                wrong
                    .iter()
                    .map(|id| (Uuid::from_u128(*id), Response::TrueFalse { value: false })),
            )
            .collect()
    }

    #[test]
    fn scoring_gives_results_per_competency_and_explains_a_fail() {
        let form = Form {
            seed: 0,
            items: vec![
                tf(1, "C1", 1),
                tf(2, "C1", 1),
                tf(3, "C2", 1),
                tf(4, "C2", 1),
            ],
        };
        let mut a = assessment();
        a.cut_score_percent = 70;

        let r = score_attempt(&a, &form, &answers(&[1, 2, 3, 4], &[]));
        assert!(r.passed);
        assert_eq!(r.percent, 100.0);
        assert_eq!(
            r.explanation,
            "Passed: 100.0% overall reaches the cut score of 70%."
        );

        let r = score_attempt(&a, &form, &answers(&[1, 2, 3], &[4]));
        assert!(r.passed, "75% ≥ 70%");
        assert_eq!(r.competencies.len(), 2);
        assert_eq!(r.competencies[0].competency, code("C1"));
        assert_eq!(r.competencies[0].percent, 100.0);
        assert_eq!(r.competencies[1].percent, 50.0);
        assert_eq!((r.earned_milli, r.max_milli), (3000, 4000));

        a.competency_minimums = vec![CompetencyMinimum {
            competency: code("C2"),
            percent: 60,
        }];
        assert_eq!(a.check(), Ok(()));
        let r = score_attempt(&a, &form, &answers(&[1, 2, 3], &[4]));
        assert!(!r.passed);
        assert!(!r.competencies[1].met_minimum);
        assert!(r.competencies[0].met_minimum);
        assert_eq!(
            r.explanation,
            "Not passed: 75.0% overall reaches the cut score of 70%. Competency C2 scored 50.0%, below its minimum of 60%."
        );

        // Unanswered items earn nothing; answers to other items are ignored.
        let r = score_attempt(&a, &form, &answers(&[1, 99], &[]));
        assert_eq!(r.percent, 25.0);
        assert!(
            r.explanation
                .starts_with("Not passed: 25.0% overall is below the cut score of 70%.")
        );
        assert_eq!(r.items.len(), 4);
    }

    #[test]
    fn percentages_round_down_so_the_shown_figure_agrees_with_the_decision() {
        // 2 of 3 points = 66.66…%: shown as 66.6, and fails a 67% cut.
        let form = Form {
            seed: 0,
            items: vec![tf(1, "C1", 1), tf(2, "C1", 1), tf(3, "C1", 1)],
        };
        let mut a = assessment();
        a.cut_score_percent = 67;
        let r = score_attempt(&a, &form, &answers(&[1, 2], &[3]));
        assert_eq!(r.percent, 66.6);
        assert!(!r.passed);
        a.cut_score_percent = 66;
        assert!(score_attempt(&a, &form, &answers(&[1, 2], &[3])).passed);

        // Points weigh items; partial credit is carried in thousandths.
        let heavy = Form {
            seed: 0,
            items: vec![tf(1, "C1", 3), {
                let mut i = icd("NC72.2&XK9K&XT8W");
                i.id = Uuid::from_u128(2);
                i.content.points = 2;
                i
            }],
        };
        let mut resp = answers(&[1], &[]);
        resp.insert(
            Uuid::from_u128(2),
            Response::Icd11Coding {
                code: "NC72.2&XK9K".into(),
            },
        );
        let r = score_attempt(&assessment(), &heavy, &resp);
        assert_eq!(r.items[1].credit, 750);
        assert_eq!((r.earned_milli, r.max_milli), (4500, 5000));
        assert_eq!(r.percent, 90.0);
    }

    #[test]
    fn assessment_validation_says_what_to_fix() {
        assert_eq!(assessment().check(), Ok(()));
        let bad = |f: fn(&mut Assessment)| {
            let mut a = assessment();
            f(&mut a);
            a.check().unwrap_err()
        };
        assert_eq!(
            bad(|a| a.cut_score_percent = 101).field,
            "cut_score_percent"
        );
        assert_eq!(bad(|a| a.max_attempts = Some(0)).field, "max_attempts");
        assert_eq!(
            bad(|a| a.time_limit_minutes = Some(0)).field,
            "time_limit_minutes"
        );
        assert_eq!(bad(|a| a.blueprint.cells.clear()).field, "blueprint");
        let e = bad(|a| {
            a.competency_minimums = vec![CompetencyMinimum {
                competency: CompetencyRef::Code("C9".into()),
                percent: 50,
            }]
        });
        assert!(e.message.contains("does not assess"), "{e}");
    }

    #[test]
    fn icd11_answer_keys_are_checked_against_the_release() {
        use std::collections::HashMap;

        use crate::icd11::CodeFacts;
        let facts = |title: &str, is_extension: bool| CodeFacts {
            title: title.into(),
            is_extension,
            is_leaf: true,
            is_residual: false,
        };
        let release: HashMap<String, CodeFacts> = HashMap::from([
            ("5A11".into(), facts("Type 2 diabetes mellitus", false)),
            ("BA00".into(), facts("Essential hypertension", false)),
            ("CA40".into(), facts("Pneumonia", false)),
            ("1A00".into(), facts("Cholera", false)),
            ("NC72.2".into(), facts("Fracture of neck of femur", false)),
            ("XK9K".into(), facts("Right", true)),
            ("XT8W".into(), facts("Chronic", true)),
        ]);
        let content = |expected: &str| icd(expected).content;
        for ok in ["5A11&XT8W", "NC72.2&XK9K", "ca40", "1A00", "BA00/5A11"] {
            assert_eq!(content(ok).check_codes(&release), Ok(()), "{ok}");
        }
        let e = content("5A11&XZ9Z").check_codes(&release).unwrap_err();
        assert_eq!(e.field, "expected");
        assert!(e.message.contains("XZ9Z"), "{e}");
        let e = content("XT8W").check_codes(&release).unwrap_err();
        assert!(e.message.contains("not an ICD-11 code or cluster"), "{e}");
        let other = item_with(
            1,
            "C",
            Difficulty::Easy,
            ItemKind::TrueFalse { correct: true },
        );
        assert_eq!(other.content.check_codes(&release), Ok(()));
    }

    #[test]
    fn icd11_key_codes_are_the_codes_check_codes_looks_up() {
        assert_eq!(
            icd(" nc722 & xk9k / ba00 ").content.icd11_key_codes(),
            vec!["NC72.2", "XK9K", "BA00"]
        );
        assert!(icd("not a code!").content.icd11_key_codes().is_empty());
        let other = item_with(
            1,
            "C",
            Difficulty::Easy,
            ItemKind::TrueFalse { correct: true },
        );
        assert!(other.content.icd11_key_codes().is_empty());
    }

    #[test]
    fn attempts_and_refusals_round_trip_through_json() {
        let at = attempt(2, T0, Some(T0 + Duration::minutes(12)));
        let json = serde_json::to_string(&at).unwrap();
        assert!(json.contains("2026-11-28T10:00:00Z"), "{json}");
        assert_eq!(serde_json::from_str::<Attempt>(&json).unwrap(), at);
        for r in [
            AttemptRefusal::TimeUp {
                deadline: T0,
                next: NextTry::From(T0 + Duration::hours(1)),
            },
            AttemptRefusal::AlreadySubmitted {
                submitted_at: T0,
                next: NextTry::Never,
            },
            AttemptRefusal::NoAttemptsLeft { max_attempts: 2 },
            AttemptRefusal::CoolingDown {
                until: T0,
                cooldown_minutes: 5,
            },
            AttemptRefusal::InProgress {
                number: 1,
                closes_at: None,
            },
        ] {
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<AttemptRefusal>(&json).unwrap(), r);
            assert!(r.to_string().ends_with('.'), "{r}");
        }
        let a = assessment();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Assessment>(&json).unwrap(), a);
        for d in Difficulty::ALL {
            assert_eq!(Difficulty::parse(d.as_str()), Some(d));
        }
        assert_eq!(Difficulty::parse("expert"), None);
    }

    // ---- properties ----

    fn competency_strategy() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["C1", "C2", "C3"]).prop_map(str::to_owned)
    }

    fn difficulty_strategy() -> impl Strategy<Value = Difficulty> {
        prop::sample::select(Difficulty::ALL.to_vec())
    }

    fn bank_strategy() -> impl Strategy<Value = Vec<Item>> {
        prop::collection::vec((competency_strategy(), difficulty_strategy()), 0..40).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(n, (c, d))| {
                    item_with(n as u128 + 1, &c, d, ItemKind::TrueFalse { correct: true })
                })
                .collect()
        })
    }

    fn blueprint_strategy() -> impl Strategy<Value = Blueprint> {
        prop::collection::btree_map(
            (competency_strategy(), difficulty_strategy()),
            0u32..5,
            1..6,
        )
        .prop_map(|m| Blueprint {
            cells: m
                .into_iter()
                .map(|((c, d), count)| cell(&c, d, count))
                .collect(),
        })
    }

    fn ext_strategy() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["XK9K", "XT8W", "XS25", "XN74M", "XH1ZV6"])
            .prop_map(str::to_owned)
    }

    fn stem_strategy() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["5A11", "BA00", "CA40", "1A00", "NC72.2"]).prop_map(str::to_owned)
    }

    /// A cluster as (stem, extensions) groups, every stem different.
    fn cluster_strategy() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
        prop::collection::btree_map(
            stem_strategy(),
            prop::collection::btree_set(ext_strategy(), 0..4),
            1..3,
        )
        .prop_flat_map(|m| {
            let groups: Vec<(String, Vec<String>)> = m
                .into_iter()
                .map(|(s, e)| (s, e.into_iter().collect()))
                .collect();
            Just(groups).prop_shuffle()
        })
    }

    fn write_cluster(groups: &[(String, Vec<String>)]) -> String {
        groups
            .iter()
            .map(|(s, e)| {
                std::iter::once(s.clone())
                    .chain(e.iter().cloned())
                    .collect::<Vec<_>>()
                    .join("&")
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    proptest! {
        #[test]
        fn drawn_forms_match_the_blueprint(bank in bank_strategy(), bp in blueprint_strategy(), seed in any::<u64>()) {
            let short = bp.cells.iter().find(|c| {
                let have = bank.iter().filter(|i| i.content.competency == c.competency && i.content.difficulty == c.difficulty).count();
                (have as u32) < c.count
            });
            match draw_form(&bank, &bp, seed) {
                Ok(form) => {
                    prop_assert!(short.is_none());
                    let ids: BTreeSet<Uuid> = form.items.iter().map(|i| i.id).collect();
                    prop_assert_eq!(ids.len(), form.items.len(), "no repeats");
                    prop_assert_eq!(form.items.len() as u64, bp.total_items());
                    for c in &bp.cells {
                        let n = form.items.iter().filter(|i| i.content.competency == c.competency && i.content.difficulty == c.difficulty).count();
                        prop_assert_eq!(n as u32, c.count);
                    }
                    for i in &form.items {
                        prop_assert!(bank.contains(i));
                        prop_assert!(bp.cells.iter().any(|c| c.count > 0 && c.competency == i.content.competency && c.difficulty == i.content.difficulty));
                    }
                    prop_assert_eq!(draw_form(&bank, &bp, seed), Ok(form));
                }
                Err(BlueprintError::Empty) => prop_assert_eq!(bp.total_items(), 0),
                Err(BlueprintError::NotEnoughItems { competency, difficulty, needed, available }) => {
                    let c = short.unwrap();
                    prop_assert_eq!(&competency, &c.competency);
                    prop_assert_eq!(difficulty, c.difficulty);
                    prop_assert_eq!(needed, c.count);
                    prop_assert!(available < needed);
                }
                Err(e) => prop_assert!(false, "unexpected {e}"),
            }
        }

        #[test]
        fn icd11_full_credit_exactly_for_the_same_cluster(
            want in cluster_strategy(),
            got in cluster_strategy(),
            lower in any::<bool>(),
        ) {
            let expected = write_cluster(&want);
            let mut answer = write_cluster(&got);
            if lower { answer = answer.to_lowercase(); }
            let credit = icd11_credit(&expected, &answer);
            let same_main = want[0].0 == got[0].0;
            let as_sets = |g: &[(String, Vec<String>)]| {
                let mut rest: Vec<(String, BTreeSet<String>)> = g[1..].iter().map(|(s, e)| (s.clone(), e.iter().cloned().collect())).collect();
                rest.sort();
                (g[0].0.clone(), g[0].1.iter().cloned().collect::<BTreeSet<_>>(), rest)
            };
            prop_assert_eq!(credit == 1000, as_sets(&want) == as_sets(&got));
            if same_main {
                prop_assert!((500..=1000).contains(&credit));
            } else {
                prop_assert_eq!(credit, 0);
            }
        }

        #[test]
        fn icd11_extension_order_does_not_matter(want in cluster_strategy(), seed in any::<u64>()) {
            let expected = write_cluster(&want);
            let mut shuffled = want.clone();
            let mut rng = SeededRng::new(seed);
            for (_, e) in &mut shuffled { shuffle(e, &mut rng); }
            // Further stems may move too; the first stays the main condition.
            shuffle(&mut shuffled[1..], &mut rng);
            prop_assert_eq!(icd11_credit(&expected, &write_cluster(&shuffled)), 1000);
            // Dropping any one detail costs credit.
            if let Some(e) = shuffled[0].1.pop() {
                let c = icd11_credit(&expected, &write_cluster(&shuffled));
                prop_assert!((500..1000).contains(&c), "{} without {}: {}", expected, e, c);
            }
        }

        #[test]
        fn icd11_never_panics_and_stays_in_range(s in "\\PC{0,40}", t in "[0-9A-Za-z.&/ ]{0,30}") {
            prop_assert!(icd11_credit("5A11&XT8W", &s) <= 1000);
            prop_assert!(icd11_credit("NC72.2&XK9K/BA00", &t) <= 1000);
        }

        #[test]
        fn multiple_choice_credit_stays_in_range(n in 2usize..8, seed in any::<u64>(), chosen in prop::collection::vec(0usize..10, 0..10)) {
            let mut rng = SeededRng::new(seed);
            let mut correct: Vec<usize> = (0..n).filter(|_| rng.chance(50)).collect();
            if correct.is_empty() { correct.push(0); }
            if correct.len() == n { correct.pop(); }
            let credit = multiple_choice_credit(n, &correct, &chosen);
            let chosen_set: BTreeSet<usize> = chosen.iter().copied().collect();
            let right_set: BTreeSet<usize> = correct.iter().copied().collect();
            prop_assert!(credit <= 1000);
            prop_assert_eq!(credit == 1000, chosen_set == right_set);
            let all: Vec<usize> = (0..n).collect();
            prop_assert_eq!(multiple_choice_credit(n, &correct, &all), 0);
        }

        #[test]
        fn ordering_credit_is_full_only_in_order_and_zero_reversed(n in 2usize..8, seed in any::<u64>()) {
            let options: Vec<String> = (0..n).map(|i| format!("step {i}")).collect();
            let mut order = options.clone();
            shuffle(&mut order, &mut SeededRng::new(seed));
            let credit = ordering_credit(&options, &order);
            prop_assert_eq!(credit == 1000, order == options);
            let mut reversed = options.clone();
            reversed.reverse();
            prop_assert_eq!(ordering_credit(&options, &reversed), 0);
        }

        #[test]
        fn public_items_hide_every_key(kind_index in 0usize..7, seed in any::<u64>()) {
            let item = item_with(1, "C", Difficulty::Easy, every_kind()[kind_index].clone());
            let v = serde_json::to_value(item.public(seed)).unwrap();
            let body = v["body"].as_object().unwrap();
            for key in body.keys() {
                prop_assert!(["type", "options", "unit", "vignette"].contains(&key.as_str()), "{}", key);
            }
        }

        #[test]
        fn submission_is_accepted_exactly_until_deadline_plus_grace(limit in 1u32..300, offset_s in -100i64..20_000) {
            let a = Assessment { time_limit_minutes: Some(limit), ..assessment() };
            let at = attempt(1, T0, None);
            let now = T0 + Duration::seconds(offset_s);
            let closes = T0 + Duration::minutes(i64::from(limit)) + SUBMISSION_GRACE;
            prop_assert_eq!(check_submission(&a, &at, now).is_ok(), now <= closes);
        }

        #[test]
        fn scores_add_up_and_the_pass_matches_the_percentages(
            points in prop::collection::vec((1u32..5, any::<bool>(), 0usize..3), 1..12),
            cut in 0u8..=100,
            min in prop::option::of(0u8..=100),
        ) {
            let comps = ["C1", "C2", "C3"];
            let items: Vec<Item> = points.iter().enumerate().map(|(n, (p, _, c))| tf(n as u128, comps[*c], *p)).collect();
            let right: Vec<u128> = points.iter().enumerate().filter(|(_, (_, ok, _))| *ok).map(|(n, _)| n as u128).collect();
            let mut a = assessment();
            a.blueprint.cells = comps.iter().map(|c| cell(c, Difficulty::Easy, 1)).collect();
            a.cut_score_percent = cut;
            a.competency_minimums = min.map(|p| vec![CompetencyMinimum { competency: code("C1"), percent: p }]).unwrap_or_default();
            let r = score_attempt(&a, &Form { seed: 0, items }, &answers(&right, &[]));
            prop_assert_eq!(r.earned_milli, r.competencies.iter().map(|c| c.earned_milli).sum::<u64>());
            prop_assert_eq!(r.max_milli, r.competencies.iter().map(|c| c.max_milli).sum::<u64>());
            prop_assert!((0.0..=100.0).contains(&r.percent));
            let all_met = r.competencies.iter().all(|c| c.met_minimum);
            prop_assert_eq!(r.passed, r.percent >= f64::from(cut) && all_met);
            prop_assert_eq!(r.explanation.starts_with("Passed"), r.passed);
        }
    }
}
