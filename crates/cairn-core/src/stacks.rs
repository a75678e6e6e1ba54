//! Stackable credentials: rules that combine achievements (badges → micro-credentials →
//! nano-degrees/certificates), evaluated over the credentials a learner holds.
//!
//! Pure: no storage, no clock. The application keeps the definitions and the credentials,
//! calls these functions, and awards what they say.
//!
//! - Saving stacks: [`validate_defs`] (each rule's [`StackRule::validate`], one definition
//!   per achievement, no cycles by [`find_cycle`]).
//! - Showing them: [`StackRule::describe_with`], and [`evaluate_with`] for what a learner
//!   has and still needs.
//! - Awarding: [`closure`] over everything a learner holds, or [`closure_incremental`] when
//!   one credential arrives, which judges only the stacks [`dependents`] names and gives the
//!   same awards whatever order credentials arrive in.
//! - Revoking: [`after_revocation`] says, per issuer [`RevocationPolicy`], which stacks
//!   built on a revoked credential are kept, suspended or revoked.
//!
//! Every answer depends only on the definitions and credentials as sets, never on the order
//! they are listed in, so a re-run (or another replica) reaches the same awards.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::validate::Invalid;

/// Credits in thousandths (1 credit hour = 1000), so sums stay exact.
pub type CreditsMilli = u64;

/// A stack rule: which held achievements complete a stacked achievement.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StackRule {
    /// A valid credential for this achievement.
    Holds { achievement_id: Uuid },
    /// Every part.
    AllOf {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        of: Vec<StackRule>,
    },
    /// At least `k` of the parts ("k of n"; required plus electives is
    /// `all_of [required…, at_least k of electives]`).
    AtLeast {
        k: u32,
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        of: Vec<StackRule>,
    },
    /// Held achievements among `of` whose credits add up to at least `min`.
    MinCredits { min: CreditsMilli, of: Vec<Uuid> },
}

/// A stacked achievement's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StackDef {
    pub achievement_id: Uuid,
    pub rule: StackRule,
    /// Achievements that must be held before this one may be earned.
    #[serde(default)]
    pub prerequisites: Vec<Uuid>,
}

/// What an achievement says when it is a stack: its rule, the achievements that must be
/// held first, and what happens to it when a component it was awarded on is revoked,
/// suspended or expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StackSpec {
    pub rule: StackRule,
    #[serde(default)]
    pub prerequisites: Vec<Uuid>,
    #[serde(default)]
    pub on_revocation: RevocationPolicy,
}

impl StackSpec {
    /// The definition the pure functions work on.
    pub fn def(&self, achievement_id: Uuid) -> StackDef {
        StackDef {
            achievement_id,
            rule: self.rule.clone(),
            prerequisites: self.prerequisites.clone(),
        }
    }

    /// Every achievement the rule or the prerequisites name, once each, sorted.
    pub fn components(&self) -> Vec<Uuid> {
        let mut all: BTreeSet<Uuid> = self.rule.mentioned().into_iter().collect();
        all.extend(self.prerequisites.iter().copied());
        all.into_iter().collect()
    }
}

/// A credential a learner holds, as stack rules count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Held {
    pub achievement_id: Uuid,
    pub credential_id: Uuid,
    /// The achievement's credit value (0 when it has none).
    pub credits: CreditsMilli,
}

/// How deep stack rules may nest, a leaf alone being depth 1. Real stacks need two or three
/// levels (required parts plus "k of" electives); the limit keeps evaluation's recursion and
/// the text form bounded.
pub const DEPTH_MAX: usize = 8;
/// How many rules one stack may hold, each achievement listed in a `min_credits` counting as
/// one: beyond this a stack is better split into smaller stacks that build on each other.
pub const RULES_MAX: usize = 200;

const FIELD: &str = "rule";

/// Names an achievement for people: its name in quotes when known, else its id.
fn name_of(names: &dyn Fn(Uuid) -> Option<String>, id: Uuid) -> String {
    names(id).map_or_else(|| id.to_string(), |n| format!("\"{n}\""))
}

/// Credits as people write them: 1500 → "1.5", 2000 → "2", 250 → "0.25".
pub fn format_credits(credits: CreditsMilli) -> String {
    let whole = credits / 1000;
    let frac = credits % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        let digits = format!("{frac:03}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

fn credits_phrase(credits: CreditsMilli) -> String {
    if credits == 1000 {
        "1 credit".to_owned()
    } else {
        format!("{} credits", format_credits(credits))
    }
}

fn k_as_usize(k: u32) -> usize {
    usize::try_from(k).unwrap_or(usize::MAX)
}

impl StackRule {
    /// The rule in words, naming achievements by their ids.
    pub fn describe(&self) -> String {
        self.describe_with(&|_| None)
    }

    /// The rule in words, naming achievements by `names` where it knows them, so pages can
    /// show titles without this module knowing where they are stored.
    pub fn describe_with(&self, names: &dyn Fn(Uuid) -> Option<String>) -> String {
        self.describe_at(names, 1)
    }

    fn describe_at(&self, names: &dyn Fn(Uuid) -> Option<String>, depth: usize) -> String {
        match self {
            StackRule::Holds { achievement_id } => {
                format!("holds {}", name_of(names, *achievement_id))
            }
            StackRule::AllOf { of } | StackRule::AtLeast { of, .. } => {
                let word = match self {
                    StackRule::AtLeast { k, .. } => format!("at least {k} of"),
                    _ => "all of".to_owned(),
                };
                if depth > DEPTH_MAX {
                    return format!("{word} (… nested too deep)");
                }
                let parts: Vec<String> =
                    of.iter().map(|r| r.describe_at(names, depth + 1)).collect();
                format!("{word} ({})", parts.join("; "))
            }
            StackRule::MinCredits { min, of } => {
                let listed: Vec<String> = of.iter().map(|a| name_of(names, *a)).collect();
                format!(
                    "at least {} from ({})",
                    credits_phrase(*min),
                    listed.join(", ")
                )
            }
        }
    }

    /// How deep the rules nest, a leaf alone being 1.
    pub fn depth(&self) -> usize {
        match self {
            StackRule::AllOf { of } | StackRule::AtLeast { of, .. } => {
                1 + of.iter().map(StackRule::depth).max().unwrap_or(0)
            }
            _ => 1,
        }
    }

    /// The achievements the rule names (in `holds` and `min_credits`), sorted, without repeats.
    pub fn mentioned(&self) -> Vec<Uuid> {
        let mut out = BTreeSet::new();
        collect_mentions(self, &mut out);
        out.into_iter().collect()
    }

    /// Refuse rules that anyone or no one could meet, or that are too large to reason about:
    /// an empty `all_of`/`at_least`, `k` outside 1..=parts, a minimum of 0 credits, a
    /// `min_credits` listing nothing or an achievement twice, nesting beyond [`DEPTH_MAX`],
    /// more than [`RULES_MAX`] rules. The message names the rule by its position as
    /// criteria do: "rule 2.1" is the first part of the second part.
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
                FIELD,
                format!("{here} nests more than {DEPTH_MAX} levels deep; flatten the combinations"),
            ));
        }
        *count += match self {
            StackRule::MinCredits { of, .. } => of.len().max(1),
            _ => 1,
        };
        if *count > RULES_MAX {
            return Err(Invalid::new(
                FIELD,
                format!(
                    "holds more than {RULES_MAX} rules and listed achievements; split it into smaller stacks that build on each other"
                ),
            ));
        }
        match self {
            StackRule::Holds { .. } => Ok(()),
            StackRule::AllOf { of } | StackRule::AtLeast { of, .. } => {
                let n = of.len();
                if let StackRule::AtLeast { k, .. } = self {
                    if n == 0 {
                        return Err(Invalid::new(
                            FIELD,
                            format!(
                                "{here} is an empty \"at least {k} of\"; list the parts to choose from or remove it"
                            ),
                        ));
                    }
                    if *k == 0 {
                        return Err(Invalid::new(
                            FIELD,
                            format!(
                                "{here} asks for at least 0 of its {n} parts, which anyone meets; ask for 1 to {n}"
                            ),
                        ));
                    }
                    if k_as_usize(*k) > n {
                        return Err(Invalid::new(
                            FIELD,
                            format!(
                                "{here} asks for at least {k} of only {n} parts, which no one can meet; ask for 1 to {n} or add parts"
                            ),
                        ));
                    }
                } else if n == 0 {
                    return Err(Invalid::new(
                        FIELD,
                        format!(
                            "{here} is an empty \"all of\"; list at least one part in it or remove it"
                        ),
                    ));
                }
                for (i, r) in of.iter().enumerate() {
                    let child = if path.is_empty() {
                        format!("{}", i + 1)
                    } else {
                        format!("{path}.{}", i + 1)
                    };
                    r.validate_at(&child, depth + 1, count)?;
                }
                Ok(())
            }
            StackRule::MinCredits { min, of } => {
                if *min == 0 {
                    return Err(Invalid::new(
                        FIELD,
                        format!(
                            "{here} asks for 0 credits, which anyone meets; set a minimum above 0"
                        ),
                    ));
                }
                if of.is_empty() {
                    return Err(Invalid::new(
                        FIELD,
                        format!(
                            "{here} lists no achievements whose credits count; list at least one"
                        ),
                    ));
                }
                let mut seen = BTreeSet::new();
                for a in of {
                    if !seen.insert(*a) {
                        return Err(Invalid::new(
                            FIELD,
                            format!(
                                "{here} lists achievement {a} more than once; its credits count once, so remove the repeat"
                            ),
                        ));
                    }
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for StackRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl StackDef {
    /// The rule is valid ([`StackRule::validate`]) and the prerequisites name neither the
    /// stack itself nor anything twice.
    pub fn validate(&self) -> Result<(), Invalid> {
        self.rule.validate()?;
        let mut seen = BTreeSet::new();
        for p in &self.prerequisites {
            if *p == self.achievement_id {
                return Err(Invalid::new(
                    "prerequisites",
                    "name the stack itself, which could then never be earned; remove it",
                ));
            }
            if !seen.insert(*p) {
                return Err(Invalid::new(
                    "prerequisites",
                    format!("name achievement {p} more than once; remove the repeat"),
                ));
            }
        }
        Ok(())
    }
}

/// A set of stacks as the application should accept them: each definition valid, one per
/// achievement, and no achievement requiring itself through others ([`find_cycle`]).
pub fn validate_defs(defs: &[StackDef]) -> Result<(), Invalid> {
    let mut seen = BTreeSet::new();
    for d in defs {
        d.validate().map_err(|e| {
            Invalid::new(
                e.field,
                format!("stack {}: {}", d.achievement_id, e.message),
            )
        })?;
        if !seen.insert(d.achievement_id) {
            return Err(Invalid::new(
                "achievement_id",
                format!(
                    "stack {} is defined more than once; keep one definition",
                    d.achievement_id
                ),
            ));
        }
    }
    find_cycle(defs).map_err(Invalid::from)
}

/// Whether a stack rule is met by the credentials held, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StackOutcome {
    pub met: bool,
    /// Credential ids that count, without repeats. When met, enough to show it: the first
    /// `k` satisfied parts of an `at_least`, the largest credits first for `min_credits`.
    /// When not met, the progress so far, so a learner sees what already counts.
    pub satisfied_by: Vec<Uuid>,
    /// Empty exactly when met; otherwise one sentence per thing still to do.
    pub missing: Vec<String>,
}

/// For each achievement, the one credential that counts: the most credits, then the smallest
/// id. Choosing by value rather than by position makes every answer below independent of the
/// order the application lists credentials in, which order-independence of awards relies on.
fn best_per_achievement(held: &[Held]) -> BTreeMap<Uuid, Held> {
    let mut best = BTreeMap::new();
    for h in held {
        add_held(&mut best, *h);
    }
    best
}

fn add_held(best: &mut BTreeMap<Uuid, Held>, h: Held) {
    best.entry(h.achievement_id)
        .and_modify(|b: &mut Held| {
            if (h.credits, Reverse(h.credential_id)) > (b.credits, Reverse(b.credential_id)) {
                *b = h;
            }
        })
        .or_insert(h);
}

/// Whether `rule` is met by `held`, with the credentials that satisfied it or what is missing.
///
/// Total over any rule: unvalidated input gives an answer, never a panic. An empty `all_of`
/// and `at_least 0` are vacuously met, `at_least k` of fewer than `k` parts never is;
/// validation refuses them all before they are stored.
pub fn evaluate(rule: &StackRule, held: &[Held]) -> StackOutcome {
    evaluate_with(rule, held, &|_| None)
}

/// [`evaluate`], naming achievements in the `missing` sentences by `names` where it knows them.
pub fn evaluate_with(
    rule: &StackRule,
    held: &[Held],
    names: &dyn Fn(Uuid) -> Option<String>,
) -> StackOutcome {
    evaluate_at(rule, &best_per_achievement(held), names, 1)
}

fn push_unique(into: &mut Vec<Uuid>, from: &[Uuid]) {
    for id in from {
        if !into.contains(id) {
            into.push(*id);
        }
    }
}

fn unmet(satisfied_by: Vec<Uuid>, missing: String) -> StackOutcome {
    StackOutcome {
        met: false,
        satisfied_by,
        missing: vec![missing],
    }
}

fn evaluate_at(
    rule: &StackRule,
    best: &BTreeMap<Uuid, Held>,
    names: &dyn Fn(Uuid) -> Option<String>,
    depth: usize,
) -> StackOutcome {
    if depth > DEPTH_MAX {
        return unmet(
            Vec::new(),
            format!(
                "this stack rule nests more than {DEPTH_MAX} levels deep and cannot be evaluated"
            ),
        );
    }
    match rule {
        StackRule::Holds { achievement_id } => match best.get(achievement_id) {
            Some(h) => StackOutcome {
                met: true,
                satisfied_by: vec![h.credential_id],
                missing: Vec::new(),
            },
            None => unmet(
                Vec::new(),
                format!("earn {}", name_of(names, *achievement_id)),
            ),
        },
        StackRule::AllOf { of } => {
            let mut out = StackOutcome {
                met: true,
                satisfied_by: Vec::new(),
                missing: Vec::new(),
            };
            for r in of {
                let o = evaluate_at(r, best, names, depth + 1);
                out.met &= o.met;
                push_unique(&mut out.satisfied_by, &o.satisfied_by);
                out.missing.extend(o.missing);
            }
            out
        }
        StackRule::AtLeast { k, of } => {
            let k = k_as_usize(*k);
            let parts: Vec<StackOutcome> = of
                .iter()
                .map(|r| evaluate_at(r, best, names, depth + 1))
                .collect();
            let mut satisfied_by = Vec::new();
            let mut have = 0usize;
            for o in parts.iter().filter(|o| o.met) {
                if have == k {
                    break;
                }
                push_unique(&mut satisfied_by, &o.satisfied_by);
                have += 1;
            }
            if have >= k {
                return StackOutcome {
                    met: true,
                    satisfied_by,
                    missing: Vec::new(),
                };
            }
            if k > of.len() {
                return unmet(
                    satisfied_by,
                    format!(
                        "\"{}\" asks for {k} of only {} parts and can never be met",
                        rule.describe_with(names),
                        of.len()
                    ),
                );
            }
            let alternatives: Vec<String> = parts
                .iter()
                .filter(|o| !o.met)
                .map(|o| {
                    if o.missing.len() == 1 {
                        o.missing.join("")
                    } else {
                        format!("({})", o.missing.join(" and "))
                    }
                })
                .collect();
            unmet(
                satisfied_by,
                format!(
                    "{} more of ({have} of {k} so far): {}",
                    k - have,
                    alternatives.join("; ")
                ),
            )
        }
        StackRule::MinCredits { min, of } => {
            let mut listed: Vec<Uuid> = Vec::with_capacity(of.len());
            push_unique(&mut listed, of);
            // Each achievement once, whatever number of credentials the learner holds for it.
            let mut counted: Vec<Held> = listed
                .iter()
                .filter_map(|a| best.get(a).copied())
                .filter(|h| h.credits > 0)
                .collect();
            // Largest first makes the evidence the fewest credentials that reach the minimum.
            counted.sort_by(|a, b| {
                b.credits
                    .cmp(&a.credits)
                    .then(a.credential_id.cmp(&b.credential_id))
            });
            let mut sum: CreditsMilli = 0;
            let mut satisfied_by = Vec::new();
            for h in &counted {
                if sum >= *min {
                    break;
                }
                sum = sum.saturating_add(h.credits);
                push_unique(&mut satisfied_by, &[h.credential_id]);
            }
            if sum >= *min {
                return StackOutcome {
                    met: true,
                    satisfied_by,
                    missing: Vec::new(),
                };
            }
            let still: Vec<String> = listed
                .iter()
                .filter(|a| !best.contains_key(a))
                .map(|a| name_of(names, *a))
                .collect();
            let so_far = format!("{} of {} so far", format_credits(sum), format_credits(*min));
            let missing = if still.is_empty() {
                format!(
                    "\"{}\" cannot be met: every listed achievement is held and they add up to {so_far}",
                    rule.describe_with(names)
                )
            } else {
                format!(
                    "earn {} more from ({}) — {so_far}",
                    credits_phrase(*min - sum),
                    still.join(", ")
                )
            };
            unmet(satisfied_by, missing)
        }
    }
}

fn collect_mentions(rule: &StackRule, out: &mut BTreeSet<Uuid>) {
    // A work list rather than recursion, so unvalidated deep rules cannot exhaust the stack.
    let mut todo = vec![rule];
    while let Some(r) = todo.pop() {
        match r {
            StackRule::Holds { achievement_id } => {
                out.insert(*achievement_id);
            }
            StackRule::AllOf { of } | StackRule::AtLeast { of, .. } => todo.extend(of),
            StackRule::MinCredits { of, .. } => out.extend(of.iter().copied()),
        }
    }
}

/// Stack → everything its rules and prerequisites name. Repeated definitions of one
/// achievement contribute all their edges, so nothing they mention is overlooked.
fn edges(defs: &[StackDef]) -> BTreeMap<Uuid, BTreeSet<Uuid>> {
    let mut graph: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    for d in defs {
        let out = graph.entry(d.achievement_id).or_default();
        collect_mentions(&d.rule, out);
        out.extend(d.prerequisites.iter().copied());
    }
    graph
}

/// Stacks that would require themselves, directly or through other stacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StackCycle {
    /// The achievements round the cycle, starting from the smallest id and ending with it
    /// again: `[a, b, c, a]` means a needs b, b needs c and c needs a.
    pub path: Vec<Uuid>,
}

impl StackCycle {
    /// The cycle with achievements named by `names` where it knows them.
    pub fn describe_with(&self, names: &dyn Fn(Uuid) -> Option<String>) -> String {
        let parts: Vec<String> = self.path.iter().map(|a| name_of(names, *a)).collect();
        parts.join(" → ")
    }

    /// Rotates a loop (`a b c`, closing back to `a`) to start at its smallest id, so the same
    /// cycle reads the same however the search came upon it.
    fn from_loop(mut nodes: Vec<Uuid>) -> Self {
        let start = nodes
            .iter()
            .enumerate()
            .min_by_key(|(_, id)| **id)
            .map_or(0, |(i, _)| i);
        nodes.rotate_left(start);
        if let Some(first) = nodes.first().copied() {
            nodes.push(first);
        }
        StackCycle { path: nodes }
    }
}

impl fmt::Display for StackCycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe_with(&|_| None))
    }
}

impl std::error::Error for StackCycle {}

impl From<StackCycle> for Invalid {
    fn from(c: StackCycle) -> Self {
        Invalid::new(
            FIELD,
            format!("would make an achievement require itself ({c}); remove one of these links"),
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    OnPath,
    Done,
}

/// The first cycle among the stacks, if any. Edges run from a stack to each achievement its
/// rule names and to each prerequisite; two paths to one achievement (a diamond) are fine.
///
/// The search walks ids in ascending order over a graph built in sorted maps, so the same
/// definitions in any order report the same cycle, rotated to start at its smallest id.
pub fn find_cycle(defs: &[StackDef]) -> Result<(), StackCycle> {
    let graph = edges(defs);
    let no_edges = BTreeSet::new();
    let mut marks: BTreeMap<Uuid, Visit> = BTreeMap::new();
    for (&root, root_edges) in &graph {
        if marks.contains_key(&root) {
            continue;
        }
        // Depth first without recursion: long chains of stacks must not exhaust the stack.
        let mut path = vec![root];
        let mut pending = vec![root_edges.iter()];
        marks.insert(root, Visit::OnPath);
        while let Some(next_edges) = pending.last_mut() {
            match next_edges.next() {
                Some(&next) => match marks.get(&next) {
                    Some(Visit::OnPath) => {
                        let from = path.iter().position(|n| *n == next).unwrap_or(0);
                        return Err(StackCycle::from_loop(path[from..].to_vec()));
                    }
                    Some(Visit::Done) => {}
                    None => {
                        marks.insert(next, Visit::OnPath);
                        path.push(next);
                        pending.push(graph.get(&next).unwrap_or(&no_edges).iter());
                    }
                },
                None => {
                    pending.pop();
                    if let Some(done) = path.pop() {
                        marks.insert(done, Visit::Done);
                    }
                }
            }
        }
    }
    Ok(())
}

/// For each achievement, the stacks whose rules or prerequisites name it directly, sorted:
/// the stacks to re-evaluate when a credential for it is earned or revoked.
pub fn dependents(defs: &[StackDef]) -> BTreeMap<Uuid, Vec<Uuid>> {
    let mut reverse: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    for (stack, named) in edges(defs) {
        for a in named {
            reverse.entry(a).or_default().insert(stack);
        }
    }
    reverse
        .into_iter()
        .map(|(a, stacks)| (a, stacks.into_iter().collect()))
        .collect()
}

/// A stacked achievement whose rule and prerequisites are now met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StackAward {
    pub achievement_id: Uuid,
    /// Credential ids that satisfied the rule when it was awarded. A component awarded in
    /// the same computation appears as its [`award_credential_id`].
    pub satisfied_by: Vec<Uuid>,
}

const AWARD_ID_DOMAIN: &[u8] = b"cairn/stacks/award-credential/v1:";

/// The stand-in credential id of an award not yet issued: the first 16 bytes of
/// SHA-256("cairn/stacks/award-credential/v1:" ‖ the achievement id's 16 bytes), marked as a
/// version 8 (custom) UUID. It lets a stack built on a stack just awarded name its evidence
/// before the application has issued anything; the application replaces it by the real
/// credential's id when it issues that credential. It is the same for every learner, so it
/// must never be stored as a credential id.
pub fn award_credential_id(achievement_id: Uuid) -> Uuid {
    let digest = Sha256::new()
        .chain_update(AWARD_ID_DOMAIN)
        .chain_update(achievement_id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    for (b, d) in bytes.iter_mut().zip(digest.iter()) {
        *b = *d;
    }
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

fn award_as_held(achievement_id: Uuid, credits: &BTreeMap<Uuid, CreditsMilli>) -> Held {
    Held {
        achievement_id,
        credential_id: award_credential_id(achievement_id),
        credits: credits.get(&achievement_id).copied().unwrap_or(0),
    }
}

/// One definition per achievement: the first in the list. Repeats are a mistake the
/// application should refuse when stacks are saved; taking the first keeps this total.
fn defs_by_id(defs: &[StackDef]) -> BTreeMap<Uuid, &StackDef> {
    let mut by_id = BTreeMap::new();
    for d in defs {
        by_id.entry(d.achievement_id).or_insert(d);
    }
    by_id
}

fn try_award(def: &StackDef, best: &BTreeMap<Uuid, Held>) -> Option<Vec<Uuid>> {
    if !def.prerequisites.iter().all(|p| best.contains_key(p)) {
        return None;
    }
    let o = evaluate_at(&def.rule, best, &|_| None, 1);
    o.met.then_some(o.satisfied_by)
}

/// Awards in rounds: every candidate is judged against what was held when the round began,
/// those met are awarded together, and only stacks naming a new award are judged again.
/// Rules are monotone (holding more never unmeets one), so this reaches the same fixpoint as
/// judging every stack every round.
fn award_rounds(
    by_id: &BTreeMap<Uuid, &StackDef>,
    reverse: &BTreeMap<Uuid, Vec<Uuid>>,
    best: &mut BTreeMap<Uuid, Held>,
    mut candidates: BTreeSet<Uuid>,
    credits: &BTreeMap<Uuid, CreditsMilli>,
) -> Vec<StackAward> {
    let mut awards = Vec::new();
    while !candidates.is_empty() {
        let round: Vec<StackAward> = candidates
            .iter()
            .filter(|a| !best.contains_key(a))
            .filter_map(|a| {
                let def = by_id.get(a)?;
                let satisfied_by = try_award(def, best)?;
                Some(StackAward {
                    achievement_id: *a,
                    satisfied_by,
                })
            })
            .collect();
        candidates = BTreeSet::new();
        for award in &round {
            add_held(best, award_as_held(award.achievement_id, credits));
            if let Some(stacks) = reverse.get(&award.achievement_id) {
                candidates.extend(stacks.iter().copied());
            }
        }
        awards.extend(round);
    }
    awards
}

/// Every stack the learner has earned and does not yet hold: awards are treated as held
/// (under [`award_credential_id`], with 0 credits) until nothing more can be awarded.
/// Ordered by round, then by achievement id, so a stack comes after the stacks it is built on.
pub fn closure(defs: &[StackDef], held: &[Held]) -> Vec<StackAward> {
    closure_with_credits(defs, held, &BTreeMap::new())
}

/// [`closure`], giving each award the credits `credits` lists for its achievement (0 for
/// those it does not), so a `min_credits` over stacks can count stacks awarded on the way.
pub fn closure_with_credits(
    defs: &[StackDef],
    held: &[Held],
    credits: &BTreeMap<Uuid, CreditsMilli>,
) -> Vec<StackAward> {
    let by_id = defs_by_id(defs);
    let reverse = dependents(defs);
    let mut best = best_per_achievement(held);
    let candidates = by_id.keys().copied().collect();
    award_rounds(&by_id, &reverse, &mut best, candidates, credits)
}

/// The awards one new credential brings, judging only the stacks that name it and, as they
/// are awarded, the stacks above them.
///
/// `awarded_before` are the stacks already awarded from `held_before` (they count as held,
/// as in [`closure`]); they should be its whole closure, as they are when every credential
/// has gone through this function or [`closure`]. Then any order of credentials gives the
/// same awards as [`closure`] over all of them; only the evidence named may differ, since it
/// is what held when each award was made.
pub fn closure_incremental(
    defs: &[StackDef],
    held_before: &[Held],
    awarded_before: &[Uuid],
    new_credential: Held,
) -> Vec<StackAward> {
    closure_incremental_with_credits(
        defs,
        held_before,
        awarded_before,
        new_credential,
        &BTreeMap::new(),
    )
}

/// [`closure_incremental`] with award credits as in [`closure_with_credits`].
pub fn closure_incremental_with_credits(
    defs: &[StackDef],
    held_before: &[Held],
    awarded_before: &[Uuid],
    new_credential: Held,
    credits: &BTreeMap<Uuid, CreditsMilli>,
) -> Vec<StackAward> {
    let by_id = defs_by_id(defs);
    let reverse = dependents(defs);
    let mut best = best_per_achievement(held_before);
    for a in awarded_before {
        add_held(&mut best, award_as_held(*a, credits));
    }
    add_held(&mut best, new_credential);
    let candidates = reverse
        .get(&new_credential.achievement_id)
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    award_rounds(&by_id, &reverse, &mut best, candidates, credits)
}

/// What an issuer wants done to a stack when a component it was awarded on is revoked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevocationPolicy {
    /// The stack stays valid: it was earned, whatever happens to its parts later.
    Keep,
    /// The stack is suspended if it no longer holds, so it can be restored on review.
    Suspend,
    /// The stack is revoked if it no longer holds given what remains.
    #[default]
    Reevaluate,
}

/// What happens to one awarded stack after a revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevocationEffect {
    Keep,
    Suspend,
    Revoke,
}

/// The effect of revoking `revoked_achievement` on every awarded stack that names it,
/// directly or through other stacks, sorted by achievement id.
///
/// `held_after` is what the learner still holds (stack credentials may be in it or not);
/// `awarded` are the stacks the learner was awarded. A stack still holds if its rule and
/// prerequisites are met by what remains: another credential for the revoked achievement,
/// stacks that do not depend on it, stacks kept under [`RevocationPolicy::Keep`], and the
/// dependent stacks that themselves still hold (found together, from the bottom up, so a
/// nano-degree on a revoked micro-credential is judged without it). A stack that still holds
/// is kept; one that does not is revoked under `Reevaluate` (the default for stacks missing
/// from `policies`), suspended under `Suspend`, kept under `Keep`. Suspended and revoked
/// stacks count as not held for the stacks above them; awarded stacks missing from
/// `held_after` count with 0 credits, as in [`closure`].
pub fn after_revocation(
    defs: &[StackDef],
    policies: &BTreeMap<Uuid, RevocationPolicy>,
    held_after: &[Held],
    awarded: &[Uuid],
    revoked_achievement: Uuid,
) -> Vec<(Uuid, RevocationEffect)> {
    let by_id = defs_by_id(defs);
    let reverse = dependents(defs);
    let policy = |a: &Uuid| policies.get(a).copied().unwrap_or_default();

    let mut above = BTreeSet::new();
    let mut todo = vec![revoked_achievement];
    while let Some(a) = todo.pop() {
        for s in reverse.get(&a).into_iter().flatten() {
            if above.insert(*s) {
                todo.push(*s);
            }
        }
    }
    above.remove(&revoked_achievement);
    let awarded: BTreeSet<Uuid> = awarded.iter().copied().collect();
    let affected: BTreeSet<Uuid> = above.intersection(&awarded).copied().collect();
    let judged: BTreeSet<Uuid> = affected
        .iter()
        .copied()
        .filter(|a| policy(a) != RevocationPolicy::Keep)
        .collect();

    let mut best = BTreeMap::new();
    for h in held_after
        .iter()
        .filter(|h| !judged.contains(&h.achievement_id))
    {
        add_held(&mut best, *h);
    }
    let no_credits = BTreeMap::new();
    for a in &awarded {
        if *a != revoked_achievement && !judged.contains(a) {
            add_held(&mut best, award_as_held(*a, &no_credits));
        }
    }

    // The least fixpoint over the judged stacks only: a stack may not hold itself up through
    // stacks that are themselves in question.
    loop {
        let round: Vec<Uuid> = judged
            .iter()
            .copied()
            .filter(|a| !best.contains_key(a))
            .filter(|a| by_id.get(a).is_some_and(|d| try_award(d, &best).is_some()))
            .collect();
        if round.is_empty() {
            break;
        }
        for a in round {
            add_held(&mut best, award_as_held(a, &no_credits));
        }
    }

    affected
        .into_iter()
        .map(|a| {
            let effect = if best.contains_key(&a) {
                RevocationEffect::Keep
            } else {
                match policy(&a) {
                    RevocationPolicy::Keep => RevocationEffect::Keep,
                    RevocationPolicy::Suspend => RevocationEffect::Suspend,
                    RevocationPolicy::Reevaluate => RevocationEffect::Revoke,
                }
            };
            (a, effect)
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

    fn holds(a: u128) -> StackRule {
        StackRule::Holds {
            achievement_id: id(a),
        }
    }

    fn all_of(of: Vec<StackRule>) -> StackRule {
        StackRule::AllOf { of }
    }

    fn at_least(k: u32, of: Vec<StackRule>) -> StackRule {
        StackRule::AtLeast { k, of }
    }

    fn min_credits(min: CreditsMilli, of: &[u128]) -> StackRule {
        StackRule::MinCredits {
            min,
            of: of.iter().map(|a| id(*a)).collect(),
        }
    }

    /// A credential for achievement `a`, its id `100 + a` unless given.
    fn held(a: u128, credits: CreditsMilli) -> Held {
        held_as(a, 100 + a, credits)
    }

    fn held_as(a: u128, credential: u128, credits: CreditsMilli) -> Held {
        Held {
            achievement_id: id(a),
            credential_id: id(credential),
            credits,
        }
    }

    fn def(a: u128, rule: StackRule, prerequisites: &[u128]) -> StackDef {
        StackDef {
            achievement_id: id(a),
            rule,
            prerequisites: prerequisites.iter().map(|p| id(*p)).collect(),
        }
    }

    fn ids(awards: &[StackAward]) -> Vec<Uuid> {
        awards.iter().map(|a| a.achievement_id).collect()
    }

    fn names(a: Uuid) -> Option<String> {
        match a.as_u128() {
            1 => Some("Hand hygiene".to_owned()),
            2 => Some("Wound care".to_owned()),
            3 => Some("Sepsis screening".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn describe_reads_as_a_sentence_with_names_where_known() {
        let r = all_of(vec![
            holds(1),
            at_least(1, vec![holds(2), holds(3)]),
            min_credits(1500, &[2, 4]),
        ]);
        assert_eq!(
            r.describe_with(&names),
            format!(
                "all of (holds \"Hand hygiene\"; at least 1 of (holds \"Wound care\"; holds \"Sepsis screening\"); at least 1.5 credits from (\"Wound care\", {}))",
                id(4)
            )
        );
        assert_eq!(
            min_credits(1000, &[1]).describe_with(&names),
            "at least 1 credit from (\"Hand hygiene\")"
        );
        assert_eq!(r.to_string(), r.describe());
        assert_eq!(format_credits(250), "0.25");
        assert_eq!(format_credits(12_000), "12");
    }

    #[test]
    fn validation_accepts_a_sound_rule() {
        let r = all_of(vec![
            holds(1),
            at_least(2, vec![holds(2), holds(3), holds(4)]),
            min_credits(3000, &[5, 6]),
        ]);
        assert_eq!(r.validate(), Ok(()));
    }

    #[test]
    fn validation_refuses_empty_groups_naming_the_rule() {
        let e = all_of(vec![holds(1), at_least(1, vec![holds(2), all_of(vec![])])])
            .validate()
            .unwrap_err();
        assert_eq!(e.field, "rule");
        assert_eq!(
            e.message,
            "rule 2.2 is an empty \"all of\"; list at least one part in it or remove it"
        );
        assert_eq!(
            at_least(1, vec![]).validate().unwrap_err().message,
            "the top rule is an empty \"at least 1 of\"; list the parts to choose from or remove it"
        );
    }

    #[test]
    fn validation_refuses_k_outside_one_to_the_number_of_parts() {
        assert_eq!(
            at_least(0, vec![holds(1), holds(2)])
                .validate()
                .unwrap_err()
                .message,
            "the top rule asks for at least 0 of its 2 parts, which anyone meets; ask for 1 to 2"
        );
        assert_eq!(
            all_of(vec![at_least(3, vec![holds(1), holds(2)])])
                .validate()
                .unwrap_err()
                .message,
            "rule 1 asks for at least 3 of only 2 parts, which no one can meet; ask for 1 to 2 or add parts"
        );
        assert!(at_least(2, vec![holds(1), holds(2)]).validate().is_ok());
    }

    #[test]
    fn validation_refuses_credit_rules_anyone_or_no_one_meets() {
        assert_eq!(
            min_credits(0, &[1]).validate().unwrap_err().message,
            "the top rule asks for 0 credits, which anyone meets; set a minimum above 0"
        );
        assert_eq!(
            min_credits(1000, &[]).validate().unwrap_err().message,
            "the top rule lists no achievements whose credits count; list at least one"
        );
        let e = min_credits(1000, &[1, 2, 1]).validate().unwrap_err();
        assert!(e.message.contains("more than once"), "{e}");
    }

    fn nested(depth: usize) -> StackRule {
        let mut r = holds(1);
        for _ in 1..depth {
            r = all_of(vec![r]);
        }
        r
    }

    #[test]
    fn the_depth_limit_is_enforced_and_evaluation_still_answers() {
        assert_eq!(nested(DEPTH_MAX).depth(), DEPTH_MAX);
        assert!(nested(DEPTH_MAX).validate().is_ok());
        assert!(evaluate(&nested(DEPTH_MAX), &[held(1, 0)]).met);
        let too_deep = nested(DEPTH_MAX + 1);
        let e = too_deep.validate().unwrap_err();
        assert!(e.message.contains("nests more than 8 levels deep"), "{e}");
        let o = evaluate(&too_deep, &[held(1, 0)]);
        assert!(!o.met);
        assert!(o.missing[0].contains("cannot be evaluated"));
        assert!(nested(DEPTH_MAX + 2).describe().contains("nested too deep"));
    }

    #[test]
    fn the_size_limit_counts_rules_and_listed_achievements() {
        let ok = at_least(1, vec![holds(1); RULES_MAX - 1]);
        assert!(ok.validate().is_ok());
        let too_many = at_least(1, vec![holds(1); RULES_MAX]);
        assert!(
            too_many
                .validate()
                .unwrap_err()
                .message
                .contains("more than 200 rules")
        );
        let listed: Vec<u128> = (1..=RULES_MAX as u128).collect();
        assert!(all_of(vec![min_credits(1, &listed)]).validate().is_err());
    }

    #[test]
    fn a_set_of_stacks_is_refused_for_repeats_bad_prerequisites_or_cycles() {
        assert_eq!(validate_defs(&ladder()), Ok(()));
        let e = validate_defs(&[def(10, holds(1), &[10])]).unwrap_err();
        assert_eq!(e.field, "prerequisites");
        assert!(e.message.contains("name the stack itself"), "{e}");
        let e = validate_defs(&[def(10, holds(1), &[2, 2])]).unwrap_err();
        assert!(e.message.contains("more than once"), "{e}");
        let e = validate_defs(&[def(10, at_least(0, vec![holds(1)]), &[])]).unwrap_err();
        assert!(
            e.message
                .starts_with(&format!("stack {}: the top rule", id(10))),
            "{e}"
        );
        let e = validate_defs(&[def(10, holds(1), &[]), def(10, holds(2), &[])]).unwrap_err();
        assert!(e.message.contains("defined more than once"), "{e}");
        let e = validate_defs(&[def(10, holds(11), &[]), def(11, holds(10), &[])]).unwrap_err();
        assert!(
            e.message
                .contains(&format!("{} → {} → {}", id(10), id(11), id(10))),
            "{e}"
        );
    }

    #[test]
    fn holds_names_the_credential_or_says_what_to_earn() {
        let o = evaluate(&holds(1), &[held(1, 0)]);
        assert_eq!(
            (o.met, o.satisfied_by, o.missing),
            (true, vec![id(101)], vec![])
        );
        let o = evaluate_with(&holds(2), &[held(1, 0)], &names);
        assert!(!o.met);
        assert_eq!(o.missing, vec!["earn \"Wound care\""]);
    }

    #[test]
    fn an_unmet_all_of_keeps_its_progress_and_lists_each_missing_part() {
        let o = evaluate_with(
            &all_of(vec![holds(1), holds(2), holds(3)]),
            &[held(2, 0)],
            &names,
        );
        assert!(!o.met);
        assert_eq!(o.satisfied_by, vec![id(102)]);
        assert_eq!(
            o.missing,
            vec!["earn \"Hand hygiene\"", "earn \"Sepsis screening\""]
        );
    }

    #[test]
    fn at_least_picks_the_first_k_satisfied_parts() {
        let r = at_least(2, vec![holds(1), holds(2), holds(3), holds(4)]);
        let o = evaluate(&r, &[held(4, 0), held(3, 0), held(2, 0)]);
        assert!(o.met);
        assert_eq!(o.satisfied_by, vec![id(102), id(103)]);
        assert!(o.missing.is_empty());
    }

    #[test]
    fn an_unmet_at_least_says_how_many_more_and_from_which() {
        let r = at_least(2, vec![holds(1), holds(2), holds(3)]);
        let o = evaluate_with(&r, &[held(2, 0)], &names);
        assert!(!o.met);
        assert_eq!(o.satisfied_by, vec![id(102)]);
        assert_eq!(
            o.missing,
            vec!["1 more of (1 of 2 so far): earn \"Hand hygiene\"; earn \"Sepsis screening\""]
        );
        let impossible = evaluate(&at_least(3, vec![holds(1)]), &[held(1, 0)]);
        assert!(!impossible.met);
        assert!(impossible.missing[0].contains("can never be met"));
    }

    #[test]
    fn min_credits_counts_each_achievement_once_and_the_largest_first() {
        let r = min_credits(3000, &[1, 2, 3]);
        // Two credentials for achievement 1 count its credits once.
        let o = evaluate(&r, &[held(1, 1000), held_as(1, 201, 1000), held(2, 1000)]);
        assert!(!o.met);
        assert_eq!(o.satisfied_by, vec![id(101), id(102)]);
        assert_eq!(
            o.missing,
            vec!["earn 1 credit more from (00000000-0000-0000-0000-000000000003) — 2 of 3 so far"]
        );
        // 2.5 + 1 reach 3 without the 0.5: the evidence is the fewest credentials.
        let o = evaluate(&r, &[held(1, 500), held(2, 1000), held(3, 2500)]);
        assert!(o.met);
        assert_eq!(o.satisfied_by, vec![id(103), id(102)]);
    }

    #[test]
    fn min_credits_that_every_held_part_cannot_reach_says_so() {
        let o = evaluate(&min_credits(5000, &[1, 2]), &[held(1, 1000), held(2, 1000)]);
        assert!(!o.met);
        assert!(o.missing[0].contains("cannot be met"), "{:?}", o.missing);
    }

    #[test]
    fn the_credential_that_counts_does_not_depend_on_the_order_held() {
        let a = [
            held_as(1, 301, 1000),
            held_as(1, 302, 2000),
            held_as(1, 300, 2000),
        ];
        let mut b = a;
        b.reverse();
        let r = min_credits(2000, &[1]);
        assert_eq!(evaluate(&r, &a), evaluate(&r, &b));
        assert_eq!(evaluate(&r, &a).satisfied_by, vec![id(300)]);
    }

    #[test]
    fn empty_and_impossible_groups_evaluate_as_in_logic() {
        assert!(evaluate(&all_of(vec![]), &[]).met);
        assert!(evaluate(&at_least(0, vec![]), &[]).met);
        assert!(!evaluate(&at_least(1, vec![]), &[]).met);
    }

    #[test]
    fn a_cycle_is_reported_from_its_smallest_id_round_to_it() {
        let defs = vec![
            def(30, holds(10), &[]),
            def(10, all_of(vec![holds(1), holds(20)]), &[]),
            def(20, holds(2), &[30]),
        ];
        let c = find_cycle(&defs).unwrap_err();
        assert_eq!(c.path, vec![id(10), id(20), id(30), id(10)]);
        assert_eq!(
            c.to_string(),
            format!("{} → {} → {} → {}", id(10), id(20), id(30), id(10))
        );
        let mut reversed = defs.clone();
        reversed.reverse();
        assert_eq!(find_cycle(&reversed).unwrap_err(), c);
        let invalid: Invalid = c.into();
        assert!(invalid.message.contains("require itself"), "{invalid}");
    }

    #[test]
    fn a_stack_naming_itself_is_a_cycle_of_one() {
        let c = find_cycle(&[def(2, min_credits(1000, &[1, 2]), &[])]).unwrap_err();
        assert_eq!(c.path, vec![id(2), id(2)]);
        assert_eq!(c.describe_with(&names), "\"Wound care\" → \"Wound care\"");
    }

    #[test]
    fn diamonds_and_chains_are_not_cycles() {
        let defs = vec![
            def(10, holds(1), &[]),
            def(11, holds(1), &[]),
            def(20, all_of(vec![holds(10), holds(11)]), &[1]),
            def(30, holds(20), &[10]),
        ];
        assert_eq!(find_cycle(&defs), Ok(()));
    }

    #[test]
    fn dependents_index_the_stacks_naming_each_achievement() {
        let defs = vec![
            def(10, all_of(vec![holds(1), min_credits(1000, &[2, 3])]), &[]),
            def(11, holds(1), &[4]),
            def(20, holds(10), &[11]),
        ];
        let d = dependents(&defs);
        assert_eq!(d[&id(1)], vec![id(10), id(11)]);
        assert_eq!(d[&id(3)], vec![id(10)]);
        assert_eq!(d[&id(4)], vec![id(11)]);
        assert_eq!(d[&id(10)], vec![id(20)]);
        assert_eq!(d[&id(11)], vec![id(20)]);
        assert!(!d.contains_key(&id(20)));
    }

    /// Badges 1–4; micro-credentials 10 (1 and 2) and 11 (2 of 2, 3, 4); nano-degree 20 on
    /// both micro-credentials, with badge 1 as a prerequisite of 11.
    fn ladder() -> Vec<StackDef> {
        vec![
            def(10, all_of(vec![holds(1), holds(2)]), &[]),
            def(11, at_least(2, vec![holds(2), holds(3), holds(4)]), &[1]),
            def(20, all_of(vec![holds(10), holds(11)]), &[]),
        ]
    }

    #[test]
    fn closure_climbs_from_badges_to_a_nano_degree() {
        let awards = closure(&ladder(), &[held(1, 0), held(2, 0), held(4, 0)]);
        assert_eq!(ids(&awards), vec![id(10), id(11), id(20)]);
        assert_eq!(awards[0].satisfied_by, vec![id(101), id(102)]);
        assert_eq!(awards[1].satisfied_by, vec![id(102), id(104)]);
        assert_eq!(
            awards[2].satisfied_by,
            vec![award_credential_id(id(10)), award_credential_id(id(11))]
        );
    }

    #[test]
    fn closure_waits_for_prerequisites_and_skips_what_is_held() {
        assert!(closure(&ladder(), &[held(2, 0), held(3, 0)]).is_empty());
        let with_10 = closure(
            &ladder(),
            &[held(1, 0), held(2, 0), held(3, 0), held(10, 0)],
        );
        assert_eq!(ids(&with_10), vec![id(11), id(20)]);
        assert_eq!(
            with_10[1].satisfied_by,
            vec![id(110), award_credential_id(id(11))]
        );
    }

    #[test]
    fn award_credits_count_only_when_supplied() {
        let defs = vec![
            def(10, holds(1), &[]),
            def(20, min_credits(2000, &[10, 2]), &[]),
        ];
        let held_now = [held(1, 0), held(2, 1000)];
        assert_eq!(ids(&closure(&defs, &held_now)), vec![id(10)]);
        let credits = BTreeMap::from([(id(10), 1000)]);
        assert_eq!(
            ids(&closure_with_credits(&defs, &held_now, &credits)),
            vec![id(10), id(20)]
        );
    }

    #[test]
    fn award_credential_ids_are_stable_custom_uuids_per_achievement() {
        let a = award_credential_id(id(10));
        assert_eq!(a, award_credential_id(id(10)));
        assert_ne!(a, award_credential_id(id(11)));
        assert_eq!(a.get_version_num(), 8);
    }

    #[test]
    fn a_new_credential_awards_only_what_it_completes() {
        let defs = ladder();
        let before = [held(1, 0), held(2, 0)];
        let awarded = ids(&closure(&defs, &before));
        assert_eq!(awarded, vec![id(10)]);
        let new = closure_incremental(&defs, &before, &awarded, held(3, 0));
        assert_eq!(ids(&new), vec![id(11), id(20)]);
        assert_eq!(
            closure_incremental(&defs, &before, &awarded, held(5, 0)),
            vec![]
        );
    }

    #[test]
    fn revoking_a_badge_cascades_up_to_the_nano_degree() {
        let defs = ladder();
        let awarded = [id(10), id(11), id(20)];
        let after = [held(2, 0), held(3, 0), held(4, 0)];
        let effects = after_revocation(&defs, &BTreeMap::new(), &after, &awarded, id(1));
        assert_eq!(
            effects,
            vec![
                (id(10), RevocationEffect::Revoke),
                (id(11), RevocationEffect::Revoke),
                (id(20), RevocationEffect::Revoke),
            ]
        );
    }

    #[test]
    fn a_stack_that_still_holds_is_kept() {
        let defs = ladder();
        let awarded = [id(10), id(11), id(20)];
        // Badge 3 goes, but 11 still has 2 of (2, 3, 4).
        let after = [held(1, 0), held(2, 0), held(4, 0)];
        let effects = after_revocation(&defs, &BTreeMap::new(), &after, &awarded, id(3));
        assert_eq!(
            effects,
            vec![
                (id(11), RevocationEffect::Keep),
                (id(20), RevocationEffect::Keep)
            ]
        );
        // A second credential for the revoked badge keeps everything.
        let after = [held(1, 0), held_as(1, 999, 0), held(2, 0), held(3, 0)];
        let effects = after_revocation(&defs, &BTreeMap::new(), &after[1..], &awarded, id(1));
        assert!(
            effects.iter().all(|(_, e)| *e == RevocationEffect::Keep),
            "{effects:?}"
        );
    }

    #[test]
    fn policies_keep_or_suspend_and_what_is_kept_still_counts_above() {
        let defs = ladder();
        let awarded = [id(10), id(11), id(20)];
        let after = [held(2, 0), held(3, 0)];
        let keep_10 = BTreeMap::from([(id(10), RevocationPolicy::Keep)]);
        assert_eq!(
            after_revocation(&defs, &keep_10, &after, &awarded, id(1)),
            vec![
                (id(10), RevocationEffect::Keep),
                (id(11), RevocationEffect::Revoke),
                (id(20), RevocationEffect::Revoke),
            ]
        );
        let suspend = BTreeMap::from([
            (id(10), RevocationPolicy::Suspend),
            (id(11), RevocationPolicy::Keep),
            (id(20), RevocationPolicy::Reevaluate),
        ]);
        assert_eq!(
            after_revocation(&defs, &suspend, &after, &awarded, id(1)),
            vec![
                (id(10), RevocationEffect::Suspend),
                (id(11), RevocationEffect::Keep),
                (id(20), RevocationEffect::Revoke),
            ]
        );
    }

    #[test]
    fn revoking_a_micro_credential_itself_reevaluates_what_is_built_on_it() {
        let defs = ladder();
        let awarded = [id(10), id(11), id(20)];
        let all = [held(1, 0), held(2, 0), held(3, 0)];
        assert_eq!(
            after_revocation(&defs, &BTreeMap::new(), &all, &awarded, id(10)),
            vec![(id(20), RevocationEffect::Revoke)]
        );
    }

    /// Template rules name placeholder ids 0–63; [`remap`] turns each into a real
    /// achievement numbered below the stack's own, which keeps generated stacks acyclic.
    fn arb_template() -> impl Strategy<Value = StackRule> {
        let leaf = prop_oneof![
            3 => (0u128..64).prop_map(holds),
            1 => (1u64..=3000, prop::collection::vec(0u128..64, 1..4))
                .prop_map(|(min, of)| min_credits(min, &of)),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(all_of),
                (0u32..4, prop::collection::vec(inner, 1..4)).prop_map(|(k, of)| {
                    let n = of.len() as u32;
                    at_least(1 + k % n, of)
                }),
            ]
        })
    }

    fn remap(rule: &StackRule, to: &dyn Fn(Uuid) -> Uuid) -> StackRule {
        match rule {
            StackRule::Holds { achievement_id } => StackRule::Holds {
                achievement_id: to(*achievement_id),
            },
            StackRule::AllOf { of } => StackRule::AllOf {
                of: of.iter().map(|r| remap(r, to)).collect(),
            },
            StackRule::AtLeast { k, of } => StackRule::AtLeast {
                k: *k,
                of: of.iter().map(|r| remap(r, to)).collect(),
            },
            StackRule::MinCredits { min, of } => {
                let mut mapped = Vec::new();
                push_unique(&mut mapped, &of.iter().map(|a| to(*a)).collect::<Vec<_>>());
                StackRule::MinCredits {
                    min: *min,
                    of: mapped,
                }
            }
        }
    }

    #[derive(Debug, Clone)]
    struct World {
        defs: Vec<StackDef>,
        /// Credentials for achievements that are not stacks, some achievements twice.
        held: Vec<Held>,
    }

    impl World {
        fn def(&self, a: Uuid) -> &StackDef {
            self.defs.iter().find(|d| d.achievement_id == a).unwrap()
        }
    }

    /// 3–12 achievements under shuffled ids; each after the first is a stack with about
    /// even odds, its rule and prerequisites naming only achievements before it.
    fn arb_world() -> impl Strategy<Value = World> {
        (3usize..=12)
            .prop_flat_map(|n| {
                (
                    Just((1..=n as u128).collect::<Vec<_>>()).prop_shuffle(),
                    prop::collection::vec(prop::sample::select(vec![0u64, 500, 1000, 2000]), n),
                    prop::collection::vec(
                        (
                            prop::bool::weighted(0.6),
                            arb_template(),
                            prop::collection::vec(0u128..64, 0..2),
                        ),
                        n,
                    ),
                    prop::collection::vec((0..n, 0u128..1000), 0..2 * n),
                )
            })
            .prop_map(|(perm, credits, stacks, held_raw)| {
                let ids: Vec<Uuid> = perm.iter().map(|p| id(p * 0x1_0000_0001)).collect();
                let mut defs = Vec::new();
                for (i, (is_stack, rule, prereqs)) in stacks.into_iter().enumerate() {
                    if i == 0 || !is_stack {
                        continue;
                    }
                    let below = |u: Uuid| ids[(u.as_u128() as usize) % i];
                    let mut prerequisites: Vec<Uuid> =
                        prereqs.into_iter().map(|p| below(id(p))).collect();
                    prerequisites.sort();
                    prerequisites.dedup();
                    defs.push(StackDef {
                        achievement_id: ids[i],
                        rule: remap(&rule, &below),
                        prerequisites,
                    });
                }
                let stacks: BTreeSet<Uuid> = defs.iter().map(|d| d.achievement_id).collect();
                let mut seen = BTreeSet::new();
                let held = held_raw
                    .into_iter()
                    .filter(|(i, c)| !stacks.contains(&ids[*i]) && seen.insert(*c))
                    .map(|(i, c)| Held {
                        achievement_id: ids[i],
                        credential_id: id(0xC0DE_0000 + c),
                        credits: credits[i],
                    })
                    .collect();
                World { defs, held }
            })
    }

    fn award_set(awards: &[StackAward]) -> BTreeSet<Uuid> {
        awards.iter().map(|a| a.achievement_id).collect()
    }

    fn with_awards(held: &[Held], awards: &[StackAward]) -> Vec<Held> {
        let mut all = held.to_vec();
        all.extend(
            awards
                .iter()
                .map(|a| award_as_held(a.achievement_id, &BTreeMap::new())),
        );
        all
    }

    /// Everything above `a`: the stacks that name it, directly or through other stacks.
    fn above(defs: &[StackDef], a: Uuid) -> BTreeSet<Uuid> {
        let reverse = dependents(defs);
        let mut out = BTreeSet::new();
        let mut todo = vec![a];
        while let Some(x) = todo.pop() {
            for s in reverse.get(&x).into_iter().flatten() {
                if out.insert(*s) {
                    todo.push(*s);
                }
            }
        }
        out
    }

    fn is_edge(defs: &[StackDef], from: Uuid, to: Uuid) -> bool {
        defs.iter().any(|d| {
            d.achievement_id == from
                && (d.rule.mentioned().contains(&to) || d.prerequisites.contains(&to))
        })
    }

    proptest! {
        #[test]
        fn generated_rules_validate_and_round_trip_through_json(w in arb_world()) {
            prop_assert_eq!(validate_defs(&w.defs), Ok(()));
            for d in &w.defs {
                prop_assert_eq!(d.rule.validate(), Ok(()));
                let json = serde_json::to_string(d).unwrap();
                prop_assert_eq!(&serde_json::from_str::<StackDef>(&json).unwrap(), d);
            }
        }

        #[test]
        fn evaluation_explains_itself_and_ignores_the_order_held(
            (w, shuffled) in arb_world().prop_flat_map(|w| {
                let h = w.held.clone();
                (Just(w), Just(h).prop_shuffle())
            })
        ) {
            let all: BTreeSet<Uuid> = w.held.iter().map(|h| h.credential_id).collect();
            for d in &w.defs {
                let o = evaluate(&d.rule, &w.held);
                prop_assert_eq!(o.met, o.missing.is_empty(), "{:?}", o);
                prop_assert!(o.satisfied_by.iter().all(|c| all.contains(c)));
                let unique: BTreeSet<&Uuid> = o.satisfied_by.iter().collect();
                prop_assert_eq!(unique.len(), o.satisfied_by.len());
                prop_assert_eq!(&evaluate(&d.rule, &shuffled), &o);
            }
        }

        #[test]
        fn generated_stacks_have_no_cycle(w in arb_world()) {
            prop_assert_eq!(find_cycle(&w.defs), Ok(()));
        }

        #[test]
        fn a_link_back_down_is_found_and_reported_the_same_in_any_order(
            (w, pick, shuffle) in arb_world().prop_flat_map(|w| {
                let n = w.defs.len() + 1;
                (Just(w), any::<prop::sample::Index>(), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
            })
        ) {
            prop_assume!(!w.defs.is_empty());
            let top = &w.defs[pick.index(w.defs.len())];
            let named = top.rule.mentioned();
            let low = named[pick.index(named.len())];
            let mut defs = w.defs.clone();
            match defs.iter_mut().find(|d| d.achievement_id == low) {
                Some(d) => d.prerequisites.push(top.achievement_id),
                None => defs.push(StackDef {
                    achievement_id: low,
                    rule: StackRule::Holds { achievement_id: top.achievement_id },
                    prerequisites: Vec::new(),
                }),
            }
            let cycle = find_cycle(&defs).unwrap_err();
            let p = &cycle.path;
            prop_assert!(p.len() >= 2);
            prop_assert_eq!(p.first(), p.last());
            let round = &p[..p.len() - 1];
            prop_assert_eq!(round.iter().min(), p.first());
            prop_assert_eq!(round.iter().collect::<BTreeSet<_>>().len(), round.len());
            for pair in p.windows(2) {
                prop_assert!(is_edge(&defs, pair[0], pair[1]), "{} is no edge", cycle);
            }
            let reordered: Vec<StackDef> = shuffle
                .iter()
                .filter(|i| **i < defs.len())
                .map(|i| defs[*i].clone())
                .collect();
            prop_assert_eq!(find_cycle(&reordered).unwrap_err(), cycle);
        }

        #[test]
        fn no_stack_is_awarded_unless_its_rule_and_prerequisites_hold_at_the_end(w in arb_world()) {
            let awards = closure(&w.defs, &w.held);
            let end = with_awards(&w.held, &awards);
            let held_ids: BTreeSet<Uuid> = end.iter().map(|h| h.achievement_id).collect();
            let credentials: BTreeSet<Uuid> = end.iter().map(|h| h.credential_id).collect();
            for a in &awards {
                let d = w.def(a.achievement_id);
                prop_assert!(evaluate(&d.rule, &end).met);
                prop_assert!(d.prerequisites.iter().all(|p| held_ids.contains(p)));
                prop_assert!(a.satisfied_by.iter().all(|c| credentials.contains(c)));
            }
            prop_assert_eq!(award_set(&awards).len(), awards.len());
            // And nothing more could be awarded: it is a fixpoint.
            for d in w.defs.iter().filter(|d| !held_ids.contains(&d.achievement_id)) {
                let ready = d.prerequisites.iter().all(|p| held_ids.contains(p));
                prop_assert!(!(ready && evaluate(&d.rule, &end).met));
            }
        }

        #[test]
        fn closure_ignores_the_order_of_definitions_and_credentials(
            (w, defs, held) in arb_world().prop_flat_map(|w| {
                let (d, h) = (w.defs.clone(), w.held.clone());
                (Just(w), Just(d).prop_shuffle(), Just(h).prop_shuffle())
            })
        ) {
            prop_assert_eq!(closure(&defs, &held), closure(&w.defs, &w.held));
        }

        #[test]
        fn credentials_one_at_a_time_in_any_order_award_what_closure_awards(
            (w, order) in arb_world().prop_flat_map(|w| {
                let h = w.held.clone();
                (Just(w), Just(h).prop_shuffle())
            })
        ) {
            let mut held = Vec::new();
            let mut awarded: Vec<Uuid> = Vec::new();
            for h in order {
                let new = closure_incremental(&w.defs, &held, &awarded, h);
                held.push(h);
                awarded.extend(new.iter().map(|a| a.achievement_id));
            }
            let once: BTreeSet<Uuid> = awarded.iter().copied().collect();
            prop_assert_eq!(once.len(), awarded.len(), "awarded twice: {:?}", awarded);
            prop_assert_eq!(once, award_set(&closure(&w.defs, &w.held)));
        }

        #[test]
        fn reevaluation_revokes_exactly_what_the_rest_no_longer_earns(
            (w, pick) in (arb_world(), any::<prop::sample::Index>())
        ) {
            let awarded: Vec<Uuid> = closure(&w.defs, &w.held).iter().map(|a| a.achievement_id).collect();
            // Revoke one held credential, or one awarded stack, chosen among both.
            let n = w.held.len() + awarded.len();
            prop_assume!(n > 0);
            let i = pick.index(n);
            let (revoked, held_after, defs_after) = if i < w.held.len() {
                let mut rest = w.held.clone();
                let gone = rest.remove(i);
                (gone.achievement_id, rest, w.defs.clone())
            } else {
                let stack = awarded[i - w.held.len()];
                let defs: Vec<StackDef> =
                    w.defs.iter().filter(|d| d.achievement_id != stack).cloned().collect();
                (stack, w.held.clone(), defs)
            };
            let effects = after_revocation(&w.defs, &BTreeMap::new(), &held_after, &awarded, revoked);
            let depended = above(&w.defs, revoked);
            let remains = award_set(&closure(&defs_after, &held_after));
            let expected: BTreeSet<Uuid> = awarded
                .iter()
                .copied()
                .filter(|a| depended.contains(a) && !remains.contains(a))
                .collect();
            let revoked_now: BTreeSet<Uuid> = effects
                .iter()
                .filter(|(_, e)| *e == RevocationEffect::Revoke)
                .map(|(a, _)| *a)
                .collect();
            prop_assert_eq!(revoked_now, expected);
            let reported: Vec<Uuid> = effects.iter().map(|(a, _)| *a).collect();
            let affected: Vec<Uuid> =
                awarded.iter().copied().filter(|a| depended.contains(a)).collect::<BTreeSet<_>>().into_iter().collect();
            prop_assert_eq!(reported, affected);
            prop_assert!(effects.iter().all(|(_, e)| *e != RevocationEffect::Suspend));
        }

        #[test]
        fn suspension_suspends_what_reevaluation_would_revoke(
            (w, pick) in (arb_world(), any::<prop::sample::Index>())
        ) {
            prop_assume!(!w.held.is_empty());
            let awarded: Vec<Uuid> = closure(&w.defs, &w.held).iter().map(|a| a.achievement_id).collect();
            let mut rest = w.held.clone();
            let gone = rest.remove(pick.index(w.held.len()));
            let reevaluated = after_revocation(&w.defs, &BTreeMap::new(), &rest, &awarded, gone.achievement_id);
            let suspend: BTreeMap<Uuid, RevocationPolicy> =
                awarded.iter().map(|a| (*a, RevocationPolicy::Suspend)).collect();
            let suspended = after_revocation(&w.defs, &suspend, &rest, &awarded, gone.achievement_id);
            let as_suspension: Vec<(Uuid, RevocationEffect)> = reevaluated
                .into_iter()
                .map(|(a, e)| (a, if e == RevocationEffect::Revoke { RevocationEffect::Suspend } else { e }))
                .collect();
            prop_assert_eq!(suspended, as_suspension);
            let keep: BTreeMap<Uuid, RevocationPolicy> =
                awarded.iter().map(|a| (*a, RevocationPolicy::Keep)).collect();
            let kept = after_revocation(&w.defs, &keep, &rest, &awarded, gone.achievement_id);
            prop_assert!(kept.iter().all(|(_, e)| *e == RevocationEffect::Keep));
        }
    }
}
