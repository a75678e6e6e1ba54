//! Pathway planning: the least learning that completes a target achievement.
//!
//! Achievements come in two sorts here. *Leaves* (usually badges) are earned directly by
//! doing their modules and assessments; *stacks* ([`StackDef`]) are awarded when their rule
//! is met by other achievements. [`plan`] picks the set of leaves with the least total
//! duration that, together with what the learner already holds, completes the target —
//! stacks in between included — and lists their steps in an order that respects
//! prerequisites, each with a sentence saying why it is there.
//!
//! # Cost model
//!
//! A leaf costs the minutes of its steps; a step shared by several chosen leaves (same id)
//! is counted once (a step is assumed to take the same time wherever it appears; if its
//! definitions disagree, the first one met walking down from the target counts). Stacks
//! cost nothing themselves, and anything held costs nothing. Prerequisites must be earned
//! too, and earlier. Earning is a least fixed point, so achievements caught in a cycle of
//! requirements are never earned.
//!
//! # Exactness
//!
//! First the leaves every plan needs are taken (requirements with a single way to meet
//! them) and a greedy plan is made: repeatedly the leaf with the fewest extra minutes that
//! meets an open requirement, then without leaves that turned out unnecessary. Then, if at
//! most [`MAX_EXACT_UNDECIDED`] candidate leaves remain undecided, a branch and bound
//! search looks for a shorter plan: it branches on which leaf meets the open requirement
//! with the fewest options, memoises the sets of leaves it has seen, starts from the
//! greedy plan as its bound, and prunes with a lower bound that splits a shared step's
//! minutes among the leaves containing it and adds parts up only where no leaf can serve
//! two of them. Finishing the search proves the plan shortest ([`Plan::exact`]).
//!
//! Beyond [`MAX_EXACT_UNDECIDED`] the greedy plan is returned; if the search explores
//! [`NODE_BUDGET`] sets without finishing, the best plan found so far is. Either way
//! [`Plan::exact`] is `false` and [`Plan::summary`] says why.
//!
//! Pure: no IO, no clock.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::AchievementKind;
use crate::stacks::{CreditsMilli, Held, StackDef, StackRule};

/// Beyond this many undecided candidate leaves the exhaustive search is not attempted.
pub const MAX_EXACT_UNDECIDED: usize = 24;

/// The exhaustive search gives up after exploring this many sets of leaves.
pub const NODE_BUDGET: usize = 50_000;

/// What a learning step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Module,
    Assessment,
}

impl StepKind {
    fn label(self) -> &'static str {
        match self {
            StepKind::Module => "module",
            StepKind::Assessment => "assessment",
        }
    }
}

/// One module or assessment, with how long it takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    pub kind: StepKind,
    pub id: Uuid,
    pub title: String,
    pub minutes: u32,
}

/// An achievement earned directly by learning: doing all of `steps`, once `prerequisites`
/// are held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leaf {
    pub achievement_id: Uuid,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub prerequisites: Vec<Uuid>,
}

/// How an achievement is called and what it is worth, for explanations and credit rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AchievementInfo {
    pub title: String,
    pub kind: AchievementKind,
    /// Credits counted by minimum-credit rules when earned through the plan (a held
    /// credential counts its own [`Held::credits`]).
    #[serde(default)]
    pub credits: CreditsMilli,
}

/// Everything the planner knows about achievements.
#[derive(Debug, Clone, Copy)]
pub struct Definitions<'a> {
    pub stacks: &'a [StackDef],
    pub leaves: &'a [Leaf],
    /// Titles, kinds and credits; an achievement missing here is named by its id and is
    /// worth no credits.
    pub achievements: &'a BTreeMap<Uuid, AchievementInfo>,
}

/// One line of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedStep {
    /// The achievement this line works towards or awards.
    pub achievement_id: Uuid,
    /// The module or assessment to do; none when the line only records an award (a stack
    /// whose rule is now met, or a leaf whose steps all appeared earlier).
    pub step: Option<Step>,
    /// Why this line is in the plan, in words for the learner.
    pub why: String,
}

/// The learning that completes a target, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub target: Uuid,
    pub steps: Vec<PlannedStep>,
    /// Minutes of all distinct steps.
    pub total_minutes: u32,
    /// Whether no shorter plan exists; `false` when a search limit was reached.
    pub exact: bool,
    /// The plan in one or two sentences, including why it may not be the shortest.
    pub summary: String,
}

/// Why no plan completes the target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NoPlan {
    // A struct variant: serde's internal tag cannot sit beside a bare id.
    #[error("the target {achievement_id} is neither held nor defined as a stack or a leaf")]
    UnknownTarget { achievement_id: Uuid },
    #[error("{achievement_id} is defined more than once")]
    DuplicateDefinition { achievement_id: Uuid },
    #[error("{achievement_id} is needed but is neither held nor defined")]
    Undefined { achievement_id: Uuid },
    #[error("{achievement_id} needs {needed} of its parts but only {achievable} can be earned")]
    NotEnoughParts {
        achievement_id: Uuid,
        needed: u32,
        achievable: u32,
    },
    #[error(
        "{achievement_id} needs {needed} thousandths of credits but only {achievable} can be earned"
    )]
    NotEnoughCredits {
        achievement_id: Uuid,
        needed: CreditsMilli,
        achievable: CreditsMilli,
    },
    #[error("prerequisites or rules form a cycle: {}", join_ids(path))]
    Cycle { path: Vec<Uuid> },
    #[error("{achievement_id} cannot be earned")]
    Impossible { achievement_id: Uuid },
}

fn join_ids(ids: &[Uuid]) -> String {
    ids.iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The shortest plan that earns `target`, given what the learner holds. See the module
/// documentation for the cost model and the limits of exactness.
pub fn plan(defs: Definitions<'_>, held: &[Held], target: Uuid) -> Result<Plan, NoPlan> {
    plan_with(
        defs,
        held,
        target,
        Method::Search {
            budget: NODE_BUDGET,
        },
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    /// Exploring at most `budget` sets of leaves (smaller in tests).
    Search { budget: usize },
    /// Only the fallback, so tests can compare the two.
    #[cfg_attr(not(test), allow(dead_code))]
    Greedy,
}

fn plan_with(
    defs: Definitions<'_>,
    held: &[Held],
    target: Uuid,
    method: Method,
) -> Result<Plan, NoPlan> {
    let model = Model::build(defs, held, target)?;
    if matches!(model.nodes[model.target].kind, Kind::Held) {
        let summary = format!("You already hold {}.", model.name(model.target));
        return Ok(Plan {
            target,
            steps: Vec::new(),
            total_minutes: 0,
            exact: true,
            summary,
        });
    }
    let all = Bits::full(model.leaves.len());
    if !model.earned(&all)[model.target] {
        return Err(model.diagnose(&all));
    }
    let forced = model.forced();
    let greedy = model.greedy(forced.clone()).ok_or(NoPlan::Impossible {
        achievement_id: target,
    })?;
    let undecided = model.leaves.len() - forced.count();
    let (chosen, shortfall) = match method {
        Method::Greedy => (greedy, Some(Shortfall::Greedy)),
        Method::Search { .. } if undecided > MAX_EXACT_UNDECIDED => {
            (greedy, Some(Shortfall::TooMany(undecided)))
        }
        Method::Search { budget } => {
            let mut search = Search::new(&model, greedy, budget);
            search.go(forced);
            let aborted = search.aborted;
            (
                model.prune(search.best),
                aborted.then_some(Shortfall::Budget(budget)),
            )
        }
    };
    model.explain(&chosen, shortfall)
}

/// Why a plan may not be the shortest.
#[derive(Debug, Clone, Copy)]
enum Shortfall {
    Greedy,
    TooMany(usize),
    Budget(usize),
}

/// A set of candidate leaves, by index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn full(n: usize) -> Self {
        let mut b = Self::empty(n);
        for i in 0..n {
            b.insert(i);
        }
        b
    }
    fn has(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
    }
    fn insert(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    fn remove(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w &= !(1 << (i % 64));
        }
    }
    fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
    fn union_with(&mut self, other: &Bits) {
        for (w, o) in self.0.iter_mut().zip(&other.0) {
            *w |= o;
        }
    }
    fn intersects(&self, other: &Bits) -> bool {
        self.0.iter().zip(&other.0).any(|(w, o)| w & o != 0)
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind<'a> {
    Held,
    /// Index into `Model::leaves`.
    Leaf(usize),
    Stack(&'a StackDef),
    Undefined,
    /// Defined twice: reported only if the plan needs it.
    Duplicate,
}

/// A stack rule over node indexes.
#[derive(Debug, Clone)]
enum Req {
    Node(usize),
    /// The flag: no leaf can serve two parts, so their lower bounds add up.
    All(Vec<Req>, bool),
    AtLeast(u32, Vec<Req>, bool),
    Credits(CreditsMilli, Vec<usize>, bool),
}

#[derive(Debug)]
struct Node<'a> {
    id: Uuid,
    kind: Kind<'a>,
    prereqs: Vec<usize>,
    rule: Option<Req>,
    credits: CreditsMilli,
    /// No leaf can serve two of: the node's own learning, each prerequisite, its rule.
    disjoint: bool,
}

struct Model<'a> {
    defs: Definitions<'a>,
    nodes: Vec<Node<'a>>,
    /// Dependencies before dependents wherever the graph is acyclic, so one pass of
    /// [`Model::earned`] usually settles.
    order: Vec<usize>,
    target: usize,
    /// Candidate leaves: needed somewhere below the target and not held.
    leaves: Vec<&'a Leaf>,
    leaf_node: Vec<usize>,
    leaf_steps: Vec<Vec<usize>>,
    step_minutes: Vec<u64>,
    /// Distinct steps across the candidates, so a shared step is paid once.
    steps: Vec<&'a Step>,
    /// How many candidates contain each step, to split its minutes among them.
    step_share: Vec<u64>,
}

impl<'a> Model<'a> {
    fn build(defs: Definitions<'a>, held: &[Held], target: Uuid) -> Result<Self, NoPlan> {
        let mut held_credits: HashMap<Uuid, CreditsMilli> = HashMap::new();
        for h in held {
            let c = held_credits.entry(h.achievement_id).or_default();
            *c = (*c).max(h.credits);
        }
        let mut leaf_by_id: HashMap<Uuid, &Leaf> = HashMap::new();
        let mut stack_by_id: HashMap<Uuid, &StackDef> = HashMap::new();
        let mut duplicates: HashSet<Uuid> = HashSet::new();
        for l in defs.leaves {
            if leaf_by_id.insert(l.achievement_id, l).is_some() {
                duplicates.insert(l.achievement_id);
            }
        }
        for s in defs.stacks {
            if stack_by_id.insert(s.achievement_id, s).is_some()
                || leaf_by_id.contains_key(&s.achievement_id)
            {
                duplicates.insert(s.achievement_id);
            }
        }
        if !held_credits.contains_key(&target)
            && !leaf_by_id.contains_key(&target)
            && !stack_by_id.contains_key(&target)
        {
            return Err(NoPlan::UnknownTarget {
                achievement_id: target,
            });
        }

        let mut b = Builder {
            index: HashMap::new(),
            nodes: Vec::new(),
            leaves: Vec::new(),
            leaf_node: Vec::new(),
            held_credits: &held_credits,
            leaf_by_id: &leaf_by_id,
            stack_by_id: &stack_by_id,
            duplicates: &duplicates,
            achievements: defs.achievements,
        };
        let root = b.intern(target);
        let mut next = 0;
        while next < b.nodes.len() {
            match b.nodes[next].kind {
                Kind::Leaf(c) => {
                    let prereqs = b.leaves[c].prerequisites.clone();
                    let p = prereqs.into_iter().map(|id| b.intern(id)).collect();
                    b.nodes[next].prereqs = p;
                }
                Kind::Stack(s) => {
                    let p = s.prerequisites.iter().map(|&id| b.intern(id)).collect();
                    let rule = b.convert(&s.rule);
                    b.nodes[next].prereqs = p;
                    b.nodes[next].rule = Some(rule);
                }
                Kind::Held | Kind::Undefined | Kind::Duplicate => {}
            }
            next += 1;
        }

        let mut step_index: HashMap<Uuid, usize> = HashMap::new();
        let mut steps: Vec<&Step> = Vec::new();
        let leaf_steps = b
            .leaves
            .iter()
            .map(|l| {
                let mut own: Vec<usize> = l
                    .steps
                    .iter()
                    .map(|s| {
                        *step_index.entry(s.id).or_insert_with(|| {
                            steps.push(s);
                            steps.len() - 1
                        })
                    })
                    .collect();
                own.sort_unstable();
                own.dedup();
                own
            })
            .collect();
        let step_minutes = steps.iter().map(|s| u64::from(s.minutes)).collect();
        let mut step_share = vec![0u64; steps.len()];
        for own in &leaf_steps {
            for &st in own {
                step_share[st] += 1;
            }
        }

        let mut model = Model {
            defs,
            nodes: b.nodes,
            order: Vec::new(),
            target: root,
            leaves: b.leaves,
            leaf_node: b.leaf_node,
            leaf_steps,
            step_minutes,
            steps,
            step_share,
        };
        let mut seen = vec![false; model.nodes.len()];
        let mut order = Vec::with_capacity(model.nodes.len());
        model.post_order(root, &mut seen, &mut order);
        model.order = order;
        model.mark_disjoint();
        Ok(model)
    }

    /// Which parts of which rules can never share a leaf, for [`Model::lower_bound`].
    fn mark_disjoint(&mut self) {
        let n = self.leaves.len();
        let mut support: Vec<Bits> = self
            .nodes
            .iter()
            .map(|node| {
                let mut b = Bits::empty(n);
                if let Kind::Leaf(c) = node.kind {
                    b.insert(c);
                }
                b
            })
            .collect();
        // A fixed point rather than one pass, so that cycles get complete supports too.
        loop {
            let mut changed = false;
            for i in 0..self.nodes.len() {
                for d in self.deps(i) {
                    let before = support[i].clone();
                    let dep = support[d].clone();
                    support[i].union_with(&dep);
                    changed |= support[i] != before;
                }
            }
            if !changed {
                break;
            }
        }
        for i in 0..self.nodes.len() {
            let mut parts: Vec<Bits> = Vec::new();
            if let Kind::Leaf(c) = self.nodes[i].kind {
                let mut own = Bits::empty(n);
                own.insert(c);
                parts.push(own);
            }
            parts.extend(self.nodes[i].prereqs.iter().map(|&p| support[p].clone()));
            if let Some(r) = self.nodes[i].rule.as_mut() {
                parts.push(mark_req(r, &support, n));
            }
            self.nodes[i].disjoint = disjoint_union(&parts, n).0;
        }
    }

    /// Each leaf's remaining minutes with every not-yet-covered step split evenly among the
    /// candidates that contain it: summed over any set of distinct leaves this never
    /// exceeds what they really add, shared steps included. Scaled by [`SCALE`].
    fn split_cost(&self, cov: &[bool], c: usize) -> u64 {
        self.leaf_steps[c]
            .iter()
            .filter(|&&st| !cov[st])
            .map(|&st| self.step_minutes[st] * SCALE / self.step_share[st].max(1))
            .sum()
    }

    /// A lower bound, scaled by [`SCALE`], on the minutes still needed to earn the target
    /// from `s`: parts add up where they cannot share a leaf, else only the largest counts.
    fn lower_bound(&self, s: &Bits, e: &[bool], cov: &[bool]) -> u64 {
        let mut b = Bound {
            s,
            e,
            cov,
            memo: vec![None; self.nodes.len()],
            on_path: vec![false; self.nodes.len()],
        };
        self.lb_node(self.target, &mut b)
    }

    fn lb_node(&self, i: usize, b: &mut Bound<'_>) -> u64 {
        if b.e[i] || b.on_path[i] {
            return 0;
        }
        if let Some(v) = b.memo[i] {
            return v;
        }
        let n = &self.nodes[i];
        let mut parts = Vec::new();
        match n.kind {
            Kind::Leaf(c) if !b.s.has(c) => parts.push(self.split_cost(b.cov, c)),
            Kind::Leaf(_) | Kind::Stack(_) => {}
            Kind::Held | Kind::Undefined | Kind::Duplicate => return INF,
        }
        b.on_path[i] = true;
        for &p in &n.prereqs {
            parts.push(self.lb_node(p, b));
        }
        if let Some(r) = &n.rule {
            parts.push(self.lb_req(r, b));
        }
        b.on_path[i] = false;
        let v = combine(&parts, n.disjoint);
        b.memo[i] = Some(v);
        v
    }

    fn lb_req(&self, r: &Req, b: &mut Bound<'_>) -> u64 {
        if self.sat(r, b.e) {
            return 0;
        }
        match r {
            Req::Node(i) => self.lb_node(*i, b),
            Req::All(parts, disjoint) => {
                let v: Vec<u64> = parts.iter().map(|p| self.lb_req(p, b)).collect();
                combine(&v, *disjoint)
            }
            Req::AtLeast(k, parts, disjoint) => {
                let met = parts.iter().filter(|p| self.sat(p, b.e)).count();
                let missing = (*k as usize).saturating_sub(met);
                let mut v: Vec<u64> = parts
                    .iter()
                    .filter(|p| !self.sat(p, b.e))
                    .map(|p| self.lb_req(p, b))
                    .collect();
                v.sort_unstable();
                if missing == 0 {
                    0
                } else if v.len() < missing {
                    INF
                } else if *disjoint {
                    combine(&v[..missing], true)
                } else {
                    v[missing - 1]
                }
            }
            Req::Credits(min, members, disjoint) => {
                let mut missing = min.saturating_sub(self.credits_of(members, b.e));
                let mut v: Vec<(u64, CreditsMilli)> = members
                    .iter()
                    .filter(|&&m| !b.e[m] && self.nodes[m].credits > 0)
                    .map(|&m| (self.lb_node(m, b), self.nodes[m].credits))
                    .collect();
                if !*disjoint {
                    return v.iter().map(|&(c, _)| c).min().unwrap_or(INF);
                }
                // Fractional knapsack: a bound no integral choice of members can beat.
                v.sort_by(|x, y| {
                    (u128::from(x.0) * u128::from(y.1)).cmp(&(u128::from(y.0) * u128::from(x.1)))
                });
                let mut total: u64 = 0;
                for (cost, credits) in v {
                    if missing == 0 {
                        break;
                    }
                    if credits >= missing {
                        let part = u128::from(cost) * u128::from(missing) / u128::from(credits);
                        total = total.saturating_add(u64::try_from(part).unwrap_or(INF));
                        missing = 0;
                    } else {
                        total = total.saturating_add(cost);
                        missing -= credits;
                    }
                }
                if missing > 0 { INF } else { total.min(INF) }
            }
        }
    }

    fn deps(&self, i: usize) -> Vec<usize> {
        let n = &self.nodes[i];
        let mut out = n.prereqs.clone();
        if let Some(r) = &n.rule {
            collect_nodes(r, &mut out);
        }
        out
    }

    fn post_order(&self, i: usize, seen: &mut [bool], out: &mut Vec<usize>) {
        if seen[i] {
            return;
        }
        seen[i] = true;
        for d in self.deps(i) {
            self.post_order(d, seen, out);
        }
        out.push(i);
    }

    /// What is earned once the leaves in `s` are learned: the least fixed point, so an
    /// achievement caught in a cycle of requirements is never earned.
    fn earned(&self, s: &Bits) -> Vec<bool> {
        let mut e: Vec<bool> = self
            .nodes
            .iter()
            .map(|n| matches!(n.kind, Kind::Held))
            .collect();
        loop {
            let mut changed = false;
            for &i in &self.order {
                if !e[i] && self.earnable(i, s, &e) {
                    e[i] = true;
                    changed = true;
                }
            }
            if !changed {
                return e;
            }
        }
    }

    fn earnable(&self, i: usize, s: &Bits, e: &[bool]) -> bool {
        let n = &self.nodes[i];
        let prereqs = n.prereqs.iter().all(|&p| e[p]);
        match n.kind {
            Kind::Held => true,
            Kind::Leaf(c) => prereqs && s.has(c),
            Kind::Stack(_) => prereqs && n.rule.as_ref().is_some_and(|r| self.sat(r, e)),
            Kind::Undefined | Kind::Duplicate => false,
        }
    }

    fn sat(&self, r: &Req, e: &[bool]) -> bool {
        match r {
            Req::Node(i) => e[*i],
            Req::All(parts, _) => parts.iter().all(|p| self.sat(p, e)),
            Req::AtLeast(k, parts, _) => {
                parts.iter().filter(|p| self.sat(p, e)).count() >= *k as usize
            }
            Req::Credits(min, members, _) => self.credits_of(members, e) >= *min,
        }
    }

    fn credits_of(&self, members: &[usize], e: &[bool]) -> CreditsMilli {
        members
            .iter()
            .filter(|&&m| e[m])
            .map(|&m| self.nodes[m].credits)
            .fold(0, CreditsMilli::saturating_add)
    }

    fn covered(&self, s: &Bits) -> Vec<bool> {
        let mut cov = vec![false; self.steps.len()];
        for (c, own) in self.leaf_steps.iter().enumerate() {
            if s.has(c) {
                for &st in own {
                    cov[st] = true;
                }
            }
        }
        cov
    }

    fn minutes(&self, cov: &[bool]) -> u64 {
        cov.iter()
            .zip(&self.step_minutes)
            .filter(|(c, _)| **c)
            .map(|(_, m)| m)
            .sum()
    }

    fn marginal(&self, cov: &[bool], c: usize) -> u64 {
        self.leaf_steps[c]
            .iter()
            .filter(|&&st| !cov[st])
            .map(|&st| self.step_minutes[st])
            .sum()
    }

    /// Leaves of which any plan completing the target from `s` must contain at least one
    /// (empty: no plan extends `s`). Of several such requirements the one with the fewest
    /// options is returned, which keeps the search narrow.
    fn options(&self, s: &Bits, e: &[bool]) -> Vec<usize> {
        let mut w = Walk {
            on_path: vec![false; self.nodes.len()],
            memo: HashMap::new(),
            cut: false,
        };
        self.need_node(self.target, s, e, &mut w)
    }

    fn need_node(&self, i: usize, s: &Bits, e: &[bool], w: &mut Walk) -> Vec<usize> {
        if e[i] {
            return Vec::new();
        }
        if let Some(v) = w.memo.get(&i) {
            return v.clone();
        }
        if w.on_path[i] {
            // Needing `i` to earn `i`: this route cannot help; other routes are still looked at.
            w.cut = true;
            return Vec::new();
        }
        w.on_path[i] = true;
        let outer_cut = std::mem::replace(&mut w.cut, false);
        let n = &self.nodes[i];
        let result = match n.kind {
            Kind::Leaf(c) if !s.has(c) => vec![c],
            Kind::Leaf(_) | Kind::Stack(_) => {
                let mut needs: Vec<Need<'_>> = n
                    .prereqs
                    .iter()
                    .filter(|&&p| !e[p])
                    .map(|&p| Need::Node(p))
                    .collect();
                if let Some(r) = &n.rule
                    && !self.sat(r, e)
                {
                    needs.push(Need::Rule(r));
                }
                self.need_all(&needs, s, e, w)
            }
            Kind::Held | Kind::Undefined | Kind::Duplicate => Vec::new(),
        };
        w.on_path[i] = false;
        if !w.cut {
            w.memo.insert(i, result.clone());
        }
        w.cut |= outer_cut;
        result
    }

    fn need(&self, need: Need<'_>, s: &Bits, e: &[bool], w: &mut Walk) -> Vec<usize> {
        match need {
            Need::Node(i) => self.need_node(i, s, e, w),
            Need::Rule(Req::Node(i)) => self.need_node(*i, s, e, w),
            Need::Rule(Req::All(parts, _)) => {
                let needs: Vec<Need<'_>> = parts
                    .iter()
                    .filter(|p| !self.sat(p, e))
                    .map(Need::Rule)
                    .collect();
                self.need_all(&needs, s, e, w)
            }
            Need::Rule(Req::AtLeast(_, parts, _)) => {
                let needs: Vec<Need<'_>> = parts
                    .iter()
                    .filter(|p| !self.sat(p, e))
                    .map(Need::Rule)
                    .collect();
                self.need_any(&needs, s, e, w)
            }
            Need::Rule(Req::Credits(_, members, _)) => {
                let needs: Vec<Need<'_>> = members
                    .iter()
                    .filter(|&&m| !e[m])
                    .map(|&m| Need::Node(m))
                    .collect();
                self.need_any(&needs, s, e, w)
            }
        }
    }

    fn need_all(&self, needs: &[Need<'_>], s: &Bits, e: &[bool], w: &mut Walk) -> Vec<usize> {
        let mut best: Option<Vec<usize>> = None;
        for &n in needs {
            let o = self.need(n, s, e, w);
            if o.is_empty() {
                return o;
            }
            if best.as_ref().is_none_or(|b| o.len() < b.len()) {
                best = Some(o);
            }
        }
        best.unwrap_or_default()
    }

    fn need_any(&self, needs: &[Need<'_>], s: &Bits, e: &[bool], w: &mut Walk) -> Vec<usize> {
        let mut all: Vec<usize> = needs.iter().flat_map(|&n| self.need(n, s, e, w)).collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Leaves every plan needs: repeatedly, a requirement with a single option.
    fn forced(&self) -> Bits {
        let mut s = Bits::empty(self.leaves.len());
        loop {
            let e = self.earned(&s);
            if e[self.target] {
                return s;
            }
            match self.options(&s, &e).as_slice() {
                [only] => s.insert(*only),
                _ => return s,
            }
        }
    }

    fn leaf_key(&self, c: usize) -> (String, Uuid) {
        let i = self.leaf_node[c];
        (self.title(i), self.nodes[i].id)
    }

    /// Repeatedly the cheapest leaf meeting an open requirement, then without the leaves
    /// that turned out unnecessary.
    fn greedy(&self, mut s: Bits) -> Option<Bits> {
        loop {
            let e = self.earned(&s);
            if e[self.target] {
                return Some(self.prune(s));
            }
            let cov = self.covered(&s);
            let pick = self
                .options(&s, &e)
                .into_iter()
                .min_by_key(|&c| (self.marginal(&cov, c), self.leaf_key(c)))?;
            s.insert(pick);
        }
    }

    /// Drops leaves the target does not need, costliest first.
    fn prune(&self, mut s: Bits) -> Bits {
        let mut chosen: Vec<usize> = (0..self.leaves.len()).filter(|&c| s.has(c)).collect();
        let none = vec![false; self.steps.len()];
        chosen.sort_by_key(|&c| (std::cmp::Reverse(self.marginal(&none, c)), self.leaf_key(c)));
        for c in chosen {
            s.remove(c);
            if !self.earned(&s)[self.target] {
                s.insert(c);
            }
        }
        s
    }

    /// Why the target cannot be earned even with every candidate leaf.
    fn diagnose(&self, all: &Bits) -> NoPlan {
        let e = self.earned(all);
        let mut path = Vec::new();
        self.diagnose_node(self.target, &e, &mut path)
            .unwrap_or(NoPlan::Impossible {
                achievement_id: self.nodes[self.target].id,
            })
    }

    fn diagnose_node(&self, i: usize, e: &[bool], path: &mut Vec<usize>) -> Option<NoPlan> {
        if e[i] {
            return None;
        }
        let n = &self.nodes[i];
        if let Some(at) = path.iter().position(|&p| p == i) {
            let mut cycle: Vec<Uuid> = path[at..].iter().map(|&p| self.nodes[p].id).collect();
            cycle.push(n.id);
            return Some(NoPlan::Cycle { path: cycle });
        }
        match n.kind {
            Kind::Undefined => {
                return Some(NoPlan::Undefined {
                    achievement_id: n.id,
                });
            }
            Kind::Duplicate => {
                return Some(NoPlan::DuplicateDefinition {
                    achievement_id: n.id,
                });
            }
            Kind::Held => return None,
            Kind::Leaf(_) | Kind::Stack(_) => {}
        }
        path.push(i);
        let mut found = n
            .prereqs
            .iter()
            .find_map(|&p| self.diagnose_node(p, e, path));
        if found.is_none()
            && let Some(r) = &n.rule
        {
            found = self.diagnose_rule(r, n.id, e, path);
        }
        path.pop();
        found
    }

    fn diagnose_rule(
        &self,
        r: &Req,
        owner: Uuid,
        e: &[bool],
        path: &mut Vec<usize>,
    ) -> Option<NoPlan> {
        if self.sat(r, e) {
            return None;
        }
        match r {
            Req::Node(i) => self.diagnose_node(*i, e, path),
            Req::All(parts, _) => parts
                .iter()
                .find_map(|p| self.diagnose_rule(p, owner, e, path)),
            Req::AtLeast(k, parts, _) => {
                let unmet: Vec<NoPlan> = parts
                    .iter()
                    .filter_map(|p| self.diagnose_rule(p, owner, e, path))
                    .collect();
                let cycle = unmet
                    .into_iter()
                    .find(|p| matches!(p, NoPlan::Cycle { .. }));
                let achievable = parts.iter().filter(|p| self.sat(p, e)).count();
                Some(cycle.unwrap_or(NoPlan::NotEnoughParts {
                    achievement_id: owner,
                    needed: *k,
                    achievable: u32::try_from(achievable).unwrap_or(u32::MAX),
                }))
            }
            Req::Credits(min, members, _) => {
                let cycle = members
                    .iter()
                    .filter_map(|&m| self.diagnose_node(m, e, path))
                    .find(|p| matches!(p, NoPlan::Cycle { .. }));
                Some(cycle.unwrap_or(NoPlan::NotEnoughCredits {
                    achievement_id: owner,
                    needed: *min,
                    achievable: self.credits_of(members, e),
                }))
            }
        }
    }

    fn title(&self, i: usize) -> String {
        let id = self.nodes[i].id;
        match self.defs.achievements.get(&id) {
            Some(info) => info.title.clone(),
            None => id.to_string(),
        }
    }

    /// "the badge Triage basics", as it reads inside a sentence.
    fn name(&self, i: usize) -> String {
        let id = self.nodes[i].id;
        match self.defs.achievements.get(&id) {
            Some(info) => format!("the {} {}", info.kind.label().to_lowercase(), info.title),
            None => format!("the achievement {id}"),
        }
    }

    /// How achievement `a` serves the planned achievements (`in_plan`), for "why" texts.
    fn purposes(&self, a: usize, in_plan: &[bool]) -> Vec<String> {
        let mut uses = Vec::new();
        for (u, n) in self.nodes.iter().enumerate() {
            if !in_plan[u] {
                continue;
            }
            if n.prereqs.contains(&a) {
                uses.push(format!("a prerequisite of {}", self.name(u)));
            }
            if let Some(r) = &n.rule
                && let Some(role) = role_in(r, a, Role::Required)
            {
                uses.push(match role {
                    Role::Required => format!("required for {}", self.name(u)),
                    Role::Choice(1, n) => format!("one of {n} options for {}", self.name(u)),
                    Role::Choice(k, n) => {
                        format!("one of the {k} (out of {n}) needed for {}", self.name(u))
                    }
                    Role::Credits(min) => format!(
                        "worth {} of the {} credits needed for {}",
                        credits_text(self.nodes[a].credits),
                        credits_text(min),
                        self.name(u)
                    ),
                });
            }
        }
        uses
    }

    /// The chosen leaves' steps in a valid order, then the plan around them.
    fn explain(&self, s: &Bits, shortfall: Option<Shortfall>) -> Result<Plan, NoPlan> {
        let target_id = self.nodes[self.target].id;
        let final_earned = self.earned(s);
        let mut in_plan: Vec<bool> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| final_earned[i] && !matches!(n.kind, Kind::Held))
            .collect();
        // Leaves in the set that nothing needs would only pad the plan.
        for (i, n) in self.nodes.iter().enumerate() {
            if let Kind::Leaf(c) = n.kind
                && !s.has(c)
            {
                in_plan[i] = false;
            }
        }

        let mut order = Vec::new();
        let mut e: Vec<bool> = self
            .nodes
            .iter()
            .map(|n| matches!(n.kind, Kind::Held))
            .collect();
        let mut pending: Vec<usize> = (0..self.nodes.len()).filter(|&i| in_plan[i]).collect();
        while !pending.is_empty() {
            // Leaves first, so stacked awards come after the learning that completes them.
            let next = pending
                .iter()
                .enumerate()
                .filter(|&(_, &i)| self.earnable(i, s, &e))
                .min_by_key(|&(_, &i)| {
                    let stack = matches!(self.nodes[i].kind, Kind::Stack(_));
                    (stack, self.title(i), self.nodes[i].id)
                })
                .map(|(at, &i)| (at, i));
            let Some((at, i)) = next else {
                return Err(NoPlan::Impossible {
                    achievement_id: target_id,
                });
            };
            pending.swap_remove(at);
            e[i] = true;
            order.push(i);
        }

        let mut steps = Vec::new();
        let mut done: HashSet<Uuid> = HashSet::new();
        let mut total: u64 = 0;
        for &i in &order {
            let uses = self.purposes(i, &in_plan).join(", and ");
            let purpose = if i == self.target {
                ", your goal".to_string()
            } else if uses.is_empty() {
                String::new()
            } else {
                format!(", {uses}")
            };
            let name = self.name(i);
            let id = self.nodes[i].id;
            match self.nodes[i].kind {
                Kind::Leaf(c) => {
                    let mut todo: Vec<&Step> = Vec::new();
                    for st in &self.leaves[c].steps {
                        if !done.contains(&st.id) && !todo.iter().any(|t| t.id == st.id) {
                            todo.push(st);
                        }
                    }
                    if todo.is_empty() {
                        steps.push(PlannedStep {
                            achievement_id: id,
                            step: None,
                            why: format!(
                                "Earns {name} with no further work, as its steps are already above{purpose}."
                            ),
                        });
                    }
                    let n = todo.len();
                    for (k, st) in todo.into_iter().enumerate() {
                        done.insert(st.id);
                        let canonical = self.steps.iter().find(|x| x.id == st.id).unwrap_or(&st);
                        total += u64::from(canonical.minutes);
                        let lead = if n == 1 {
                            format!("Earns {name}")
                        } else if k + 1 == n {
                            format!("Completes {name}")
                        } else {
                            format!("Step {} of {n} towards {name}", k + 1)
                        };
                        let also: Vec<String> = order
                            .iter()
                            .filter(|&&j| j != i)
                            .filter(|&&j| match self.nodes[j].kind {
                                Kind::Leaf(d) => self.leaves[d].steps.iter().any(|x| x.id == st.id),
                                _ => false,
                            })
                            .map(|&j| self.name(j))
                            .collect();
                        let also = if also.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " This {} also counts towards {}.",
                                st.kind.label(),
                                also.join(" and ")
                            )
                        };
                        steps.push(PlannedStep {
                            achievement_id: id,
                            step: Some((*canonical).clone()),
                            why: format!("{lead}{purpose}.{also}"),
                        });
                    }
                }
                _ => steps.push(PlannedStep {
                    achievement_id: id,
                    step: None,
                    why: if i == self.target {
                        format!("Awards {name}, your goal: the steps above meet its requirements.")
                    } else if uses.is_empty() {
                        format!("Awards {name}, as the steps above meet its requirements.")
                    } else {
                        format!(
                            "Awards {name}, as the steps above meet its requirements; it is {uses}."
                        )
                    },
                }),
            }
        }

        let total_minutes = u32::try_from(total).unwrap_or(u32::MAX);
        let learning = steps.iter().filter(|s| s.step.is_some()).count();
        let mut summary = format!(
            "{learning} {} taking {} in total earn {}.",
            if learning == 1 { "step" } else { "steps" },
            duration_text(total),
            self.name(self.target)
        );
        match shortfall {
            None => summary.push_str(" No shorter plan exists."),
            Some(why) => {
                summary.push_str(&match why {
                    Shortfall::Greedy => {
                        " This plan was found with a quick rule of thumb, so a shorter one may exist."
                            .to_string()
                    }
                    Shortfall::TooMany(n) => format!(
                        " This plan was found with a quick rule of thumb because {n} achievements were left to choose among, more than the {MAX_EXACT_UNDECIDED} compared exhaustively, so a shorter one may exist."
                    ),
                    Shortfall::Budget(budget) => format!(
                        " Comparing every combination stopped after {budget} of them, so this is the shortest plan found by then and a shorter one may exist."
                    ),
                });
            }
        }
        Ok(Plan {
            target: target_id,
            steps,
            total_minutes,
            exact: shortfall.is_none(),
            summary,
        })
    }
}

/// Fixed-point scale of lower bounds, so split minutes stay whole numbers with little loss.
const SCALE: u64 = 5040;

/// Impossible, as a bound; far enough from `u64::MAX` that sums saturate safely.
const INF: u64 = u64::MAX / 4;

struct Bound<'s> {
    s: &'s Bits,
    e: &'s [bool],
    cov: &'s [bool],
    memo: Vec<Option<u64>>,
    on_path: Vec<bool>,
}

fn combine(parts: &[u64], disjoint: bool) -> u64 {
    if disjoint {
        parts
            .iter()
            .fold(0u64, |a, &b| a.saturating_add(b))
            .min(INF)
    } else {
        parts.iter().copied().max().unwrap_or(0)
    }
}

fn disjoint_union(parts: &[Bits], n: usize) -> (bool, Bits) {
    let mut all = Bits::empty(n);
    let mut disjoint = true;
    for p in parts {
        disjoint &= !all.intersects(p);
        all.union_with(p);
    }
    (disjoint, all)
}

/// Sets the rule's disjointness flags and returns the leaves that can serve it.
fn mark_req(r: &mut Req, support: &[Bits], n: usize) -> Bits {
    match r {
        Req::Node(i) => support[*i].clone(),
        Req::All(parts, flag) | Req::AtLeast(_, parts, flag) => {
            let subs: Vec<Bits> = parts.iter_mut().map(|p| mark_req(p, support, n)).collect();
            let (disjoint, all) = disjoint_union(&subs, n);
            *flag = disjoint;
            all
        }
        Req::Credits(_, members, flag) => {
            let subs: Vec<Bits> = members.iter().map(|&m| support[m].clone()).collect();
            let (disjoint, all) = disjoint_union(&subs, n);
            *flag = disjoint;
            all
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Need<'r> {
    Node(usize),
    Rule(&'r Req),
}

struct Walk {
    on_path: Vec<bool>,
    memo: HashMap<usize, Vec<usize>>,
    /// Set when a result was shortened by a cycle, which makes it depend on the path
    /// taken and so unfit for the memo.
    cut: bool,
}

struct Builder<'a, 'm> {
    index: HashMap<Uuid, usize>,
    nodes: Vec<Node<'a>>,
    leaves: Vec<&'a Leaf>,
    leaf_node: Vec<usize>,
    held_credits: &'m HashMap<Uuid, CreditsMilli>,
    leaf_by_id: &'m HashMap<Uuid, &'a Leaf>,
    stack_by_id: &'m HashMap<Uuid, &'a StackDef>,
    duplicates: &'m HashSet<Uuid>,
    achievements: &'a BTreeMap<Uuid, AchievementInfo>,
}

impl<'a> Builder<'a, '_> {
    fn intern(&mut self, id: Uuid) -> usize {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        let i = self.nodes.len();
        let mut credits = self.achievements.get(&id).map_or(0, |a| a.credits);
        // What is held is never re-earned, so its own definition does not matter.
        let kind = if let Some(&c) = self.held_credits.get(&id) {
            credits = c;
            Kind::Held
        } else if self.duplicates.contains(&id) {
            Kind::Duplicate
        } else if let Some(&l) = self.leaf_by_id.get(&id) {
            self.leaves.push(l);
            self.leaf_node.push(i);
            Kind::Leaf(self.leaves.len() - 1)
        } else if let Some(&s) = self.stack_by_id.get(&id) {
            Kind::Stack(s)
        } else {
            Kind::Undefined
        };
        self.nodes.push(Node {
            id,
            kind,
            prereqs: Vec::new(),
            rule: None,
            credits,
            disjoint: false,
        });
        self.index.insert(id, i);
        i
    }

    fn convert(&mut self, r: &StackRule) -> Req {
        match r {
            StackRule::Holds { achievement_id } => Req::Node(self.intern(*achievement_id)),
            StackRule::AllOf { of } => {
                Req::All(of.iter().map(|p| self.convert(p)).collect(), false)
            }
            StackRule::AtLeast { k, of } => {
                Req::AtLeast(*k, of.iter().map(|p| self.convert(p)).collect(), false)
            }
            StackRule::MinCredits { min, of } => {
                let mut members: Vec<usize> = of.iter().map(|&id| self.intern(id)).collect();
                members.sort_unstable();
                members.dedup();
                Req::Credits(*min, members, false)
            }
        }
    }
}

fn collect_nodes(r: &Req, out: &mut Vec<usize>) {
    match r {
        Req::Node(i) => out.push(*i),
        Req::All(parts, _) | Req::AtLeast(_, parts, _) => {
            for p in parts {
                collect_nodes(p, out);
            }
        }
        Req::Credits(_, members, _) => out.extend(members),
    }
}

#[derive(Debug, Clone, Copy)]
enum Role {
    Required,
    /// One of `k` needed out of `n`.
    Choice(u32, usize),
    Credits(CreditsMilli),
}

/// The innermost part of the rule that mentions `a`.
fn role_in(r: &Req, a: usize, ctx: Role) -> Option<Role> {
    match r {
        Req::Node(i) => (*i == a).then_some(ctx),
        Req::All(parts, _) => parts.iter().find_map(|p| role_in(p, a, Role::Required)),
        Req::AtLeast(k, parts, _) => {
            let ctx = if *k as usize >= parts.len() {
                Role::Required
            } else {
                Role::Choice(*k, parts.len())
            };
            parts.iter().find_map(|p| role_in(p, a, ctx))
        }
        Req::Credits(min, members, _) => members.contains(&a).then_some(Role::Credits(*min)),
    }
}

fn credits_text(milli: CreditsMilli) -> String {
    let whole = milli / 1000;
    let frac = milli % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        let digits = format!("{frac:03}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

fn duration_text(minutes: u64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

struct Search<'m, 'a> {
    model: &'m Model<'a>,
    best: Bits,
    best_cost: u64,
    visited: HashSet<Bits>,
    budget: usize,
    aborted: bool,
}

impl<'m, 'a> Search<'m, 'a> {
    fn new(model: &'m Model<'a>, incumbent: Bits, budget: usize) -> Self {
        let best_cost = model.minutes(&model.covered(&incumbent));
        Search {
            model,
            best: incumbent,
            best_cost,
            visited: HashSet::new(),
            budget,
            aborted: false,
        }
    }

    fn go(&mut self, s: Bits) {
        if self.aborted || self.visited.contains(&s) {
            return;
        }
        if self.visited.len() >= self.budget {
            self.aborted = true;
            return;
        }
        self.visited.insert(s.clone());
        let m = self.model;
        let cov = m.covered(&s);
        let cost = m.minutes(&cov);
        let e = m.earned(&s);
        if e[m.target] {
            if cost < self.best_cost {
                self.best_cost = cost;
                self.best = s;
            }
            return;
        }
        // Minutes are whole, so only a total of at most best - 1 is worth looking for.
        let lb = m.lower_bound(&s, &e, &cov);
        if (cost * SCALE).saturating_add(lb) > self.best_cost.saturating_sub(1) * SCALE
            || self.best_cost == 0
        {
            return;
        }
        let mut options: Vec<(u64, (String, Uuid), usize)> = m
            .options(&s, &e)
            .into_iter()
            .map(|c| (m.marginal(&cov, c), m.leaf_key(c), c))
            .collect();
        options.sort();
        for (extra, _, c) in options {
            // Every plan from here adds one of these, so the cheapest is a lower bound;
            // the list is sorted, so the rest cannot do better either.
            if cost + extra >= self.best_cost {
                break;
            }
            let mut next = s.clone();
            next.insert(c);
            self.go(next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// Test fixture builder: achievements by small numbers.
    #[derive(Debug, Default)]
    struct World {
        stacks: Vec<StackDef>,
        leaves: Vec<Leaf>,
        info: BTreeMap<Uuid, AchievementInfo>,
        held: Vec<Held>,
    }

    impl World {
        fn leaf(&mut self, n: u128, title: &str, minutes: u32, prereqs: &[u128]) -> &mut Self {
            self.leaf_steps(n, title, &[(1000 + n, minutes)], prereqs)
        }
        fn leaf_steps(
            &mut self,
            n: u128,
            title: &str,
            steps: &[(u128, u32)],
            prereqs: &[u128],
        ) -> &mut Self {
            self.info.insert(
                id(n),
                AchievementInfo {
                    title: title.into(),
                    kind: AchievementKind::Badge,
                    credits: 0,
                },
            );
            self.leaves.push(Leaf {
                achievement_id: id(n),
                steps: steps
                    .iter()
                    .map(|&(s, minutes)| Step {
                        kind: StepKind::Module,
                        id: id(s),
                        title: format!("Module {s}"),
                        minutes,
                    })
                    .collect(),
                prerequisites: prereqs.iter().map(|&p| id(p)).collect(),
            });
            self
        }
        fn credits(&mut self, n: u128, milli: CreditsMilli) -> &mut Self {
            if let Some(i) = self.info.get_mut(&id(n)) {
                i.credits = milli;
            }
            self
        }
        fn stack(&mut self, n: u128, title: &str, rule: StackRule, prereqs: &[u128]) -> &mut Self {
            self.info.insert(
                id(n),
                AchievementInfo {
                    title: title.into(),
                    kind: AchievementKind::MicroCredential,
                    credits: 0,
                },
            );
            self.stacks.push(StackDef {
                achievement_id: id(n),
                rule,
                prerequisites: prereqs.iter().map(|&p| id(p)).collect(),
            });
            self
        }
        fn hold(&mut self, n: u128) -> &mut Self {
            self.held.push(Held {
                achievement_id: id(n),
                credential_id: id(9_000_000 + n),
                credits: self.info.get(&id(n)).map_or(0, |i| i.credits),
            });
            self
        }
        fn defs(&self) -> Definitions<'_> {
            Definitions {
                stacks: &self.stacks,
                leaves: &self.leaves,
                achievements: &self.info,
            }
        }
        fn plan(&self, target: u128) -> Result<Plan, NoPlan> {
            plan(self.defs(), &self.held, id(target))
        }
        fn greedy(&self, target: u128) -> Result<Plan, NoPlan> {
            plan_with(self.defs(), &self.held, id(target), Method::Greedy)
        }
    }

    fn holds(n: u128) -> StackRule {
        StackRule::Holds {
            achievement_id: id(n),
        }
    }
    fn at_least(k: u32, of: &[u128]) -> StackRule {
        StackRule::AtLeast {
            k,
            of: of.iter().map(|&n| holds(n)).collect(),
        }
    }
    fn all_of(of: &[u128]) -> StackRule {
        StackRule::AllOf {
            of: of.iter().map(|&n| holds(n)).collect(),
        }
    }

    /// Achievements the plan earns, in plan order, without repeats.
    fn earned_order(p: &Plan) -> Vec<Uuid> {
        let mut out: Vec<Uuid> = Vec::new();
        for s in &p.steps {
            if !out.contains(&s.achievement_id) {
                out.push(s.achievement_id);
            }
        }
        out
    }

    fn leaves_of(p: &Plan, w: &World) -> BTreeSet<Uuid> {
        let leaf_ids: BTreeSet<Uuid> = w.leaves.iter().map(|l| l.achievement_id).collect();
        earned_order(p)
            .into_iter()
            .filter(|a| leaf_ids.contains(a))
            .collect()
    }

    // An evaluator written independently of the planner, straight over `StackRule`.
    fn rule_met(rule: &StackRule, have: &BTreeSet<Uuid>, credits: &dyn Fn(Uuid) -> u64) -> bool {
        match rule {
            StackRule::Holds { achievement_id } => have.contains(achievement_id),
            StackRule::AllOf { of } => of.iter().all(|r| rule_met(r, have, credits)),
            StackRule::AtLeast { k, of } => {
                of.iter().filter(|r| rule_met(r, have, credits)).count() >= *k as usize
            }
            StackRule::MinCredits { min, of } => {
                let distinct: BTreeSet<&Uuid> = of.iter().collect();
                distinct
                    .into_iter()
                    .filter(|a| have.contains(a))
                    .map(|a| credits(*a))
                    .sum::<u64>()
                    >= *min
            }
        }
    }

    /// Replays a plan: every leaf's prerequisites are held before its first step, every
    /// stack's rule and prerequisites are met where it is awarded, and the target at the end.
    fn check_valid(w: &World, p: &Plan, target: u128) -> Result<(), String> {
        let mut have: BTreeSet<Uuid> = w.held.iter().map(|h| h.achievement_id).collect();
        let credits = |a: Uuid| {
            w.held
                .iter()
                .find(|h| h.achievement_id == a)
                .map(|h| h.credits)
                .or_else(|| w.info.get(&a).map(|i| i.credits))
                .unwrap_or(0)
        };
        let order = earned_order(p);
        let mut minutes: BTreeMap<Uuid, u32> = BTreeMap::new();
        for s in p.steps.iter().filter_map(|s| s.step.as_ref()) {
            if minutes.insert(s.id, s.minutes).is_some() {
                return Err(format!("step {} listed twice", s.id));
            }
        }
        for a in order {
            if let Some(l) = w.leaves.iter().find(|l| l.achievement_id == a) {
                if !l.prerequisites.iter().all(|q| have.contains(q)) {
                    return Err(format!("{a} before its prerequisites"));
                }
                if !l.steps.iter().all(|s| minutes.contains_key(&s.id)) {
                    return Err(format!("{a} missing steps"));
                }
            } else if let Some(s) = w.stacks.iter().find(|s| s.achievement_id == a) {
                if !s.prerequisites.iter().all(|q| have.contains(q))
                    || !rule_met(&s.rule, &have, &credits)
                {
                    return Err(format!("{a} awarded before its rule is met"));
                }
            } else {
                return Err(format!("{a} unknown"));
            }
            have.insert(a);
        }
        if !have.contains(&id(target)) {
            return Err("target not reached".into());
        }
        let total: u32 = minutes.values().sum();
        if total != p.total_minutes {
            return Err(format!(
                "total {} but steps sum to {total}",
                p.total_minutes
            ));
        }
        Ok(())
    }

    /// The optimum by trying every subset of leaves (small worlds only).
    fn brute_force(w: &World, target: u128) -> Option<u32> {
        let held: BTreeSet<Uuid> = w.held.iter().map(|h| h.achievement_id).collect();
        let credits = |a: Uuid| {
            w.held
                .iter()
                .find(|h| h.achievement_id == a)
                .map(|h| h.credits)
                .or_else(|| w.info.get(&a).map(|i| i.credits))
                .unwrap_or(0)
        };
        let n = w.leaves.len();
        let mut best: Option<u32> = None;
        for mask in 0u32..(1 << n) {
            let mut have = held.clone();
            loop {
                let before = have.len();
                for (i, l) in w.leaves.iter().enumerate() {
                    if mask >> i & 1 == 1 && l.prerequisites.iter().all(|q| have.contains(q)) {
                        have.insert(l.achievement_id);
                    }
                }
                for s in &w.stacks {
                    if s.prerequisites.iter().all(|q| have.contains(q))
                        && rule_met(&s.rule, &have, &credits)
                    {
                        have.insert(s.achievement_id);
                    }
                }
                if have.len() == before {
                    break;
                }
            }
            if !have.contains(&id(target)) {
                continue;
            }
            let mut steps: BTreeMap<Uuid, u32> = BTreeMap::new();
            for (i, l) in w.leaves.iter().enumerate() {
                if mask >> i & 1 == 1 && !held.contains(&l.achievement_id) {
                    for s in &l.steps {
                        steps.entry(s.id).or_insert(s.minutes);
                    }
                }
            }
            let cost = steps.values().sum();
            best = Some(best.map_or(cost, |b: u32| b.min(cost)));
        }
        best
    }

    #[test]
    fn cheapest_own_duration_is_not_cheapest_overall() {
        let mut w = World::default();
        w.leaf(1, "A", 30, &[])
            .leaf(2, "B", 30, &[])
            .leaf(3, "C", 10, &[4])
            .leaf(4, "D", 60, &[])
            .stack(10, "Emergency care", at_least(2, &[1, 2, 3]), &[]);
        let p = w.plan(10).unwrap();
        assert!(p.exact);
        assert_eq!(p.total_minutes, 60);
        assert_eq!(leaves_of(&p, &w), [id(1), id(2)].into());
        check_valid(&w, &p, 10).unwrap();
        assert_eq!(
            p.steps[0].why,
            "Earns the badge A, one of the 2 (out of 3) needed for the micro-credential Emergency care."
        );
        assert!(p.steps[2].why.contains("your goal"), "{}", p.steps[2].why);
        assert!(p.summary.contains("No shorter plan"), "{}", p.summary);
    }

    #[test]
    fn exact_beats_greedy_where_greedy_goes_wrong() {
        // C is the cheapest on its own, but A and B share a module, so together they cost
        // less than C plus either of them; pruning cannot undo the greedy's first pick.
        let mut w = World::default();
        w.leaf_steps(1, "A", &[(101, 25), (102, 25)], &[])
            .leaf_steps(2, "B", &[(102, 25), (103, 25)], &[])
            .leaf_steps(3, "C", &[(104, 40)], &[])
            .stack(10, "Target", at_least(2, &[1, 2, 3]), &[]);
        // A+B share 102: 75 minutes; greedy takes C (40) then A (50) = 90.
        let exact = w.plan(10).unwrap();
        let greedy = w.greedy(10).unwrap();
        assert_eq!(exact.total_minutes, 75);
        assert_eq!(greedy.total_minutes, 90);
        assert!(!greedy.exact);
        assert!(greedy.summary.contains("shorter one may exist"));
    }

    #[test]
    fn shared_steps_count_once() {
        let mut w = World::default();
        w.leaf_steps(1, "Airway", &[(100, 20), (101, 30)], &[])
            .leaf_steps(2, "Breathing", &[(100, 20), (102, 15)], &[])
            .stack(10, "Resus", all_of(&[1, 2]), &[]);
        let p = w.plan(10).unwrap();
        assert_eq!(p.total_minutes, 65);
        check_valid(&w, &p, 10).unwrap();
        let shared: Vec<&PlannedStep> = p
            .steps
            .iter()
            .filter(|s| s.step.as_ref().is_some_and(|st| st.id == id(100)))
            .collect();
        assert_eq!(shared.len(), 1);
        assert!(
            shared[0]
                .why
                .contains("also counts towards the badge Breathing"),
            "{}",
            shared[0].why
        );
    }

    #[test]
    fn a_leaf_whose_steps_were_all_listed_is_still_shown() {
        let mut w = World::default();
        w.leaf_steps(1, "A", &[(100, 20), (101, 30)], &[])
            .leaf_steps(2, "B", &[(100, 20)], &[])
            .stack(10, "T", all_of(&[1, 2]), &[]);
        let p = w.plan(10).unwrap();
        assert_eq!(p.total_minutes, 50);
        let b: Vec<&PlannedStep> = p
            .steps
            .iter()
            .filter(|s| s.achievement_id == id(2))
            .collect();
        assert_eq!(b.len(), 1);
        assert!(b[0].step.is_none());
        check_valid(&w, &p, 10).unwrap();
    }

    #[test]
    fn held_achievements_are_skipped() {
        let mut w = World::default();
        w.leaf(1, "A", 30, &[])
            .leaf(2, "B", 5, &[])
            .leaf(3, "C", 60, &[])
            .leaf(4, "Base", 90, &[])
            .stack(10, "T", at_least(2, &[1, 2, 3]), &[4])
            .hold(3)
            .hold(4);
        let p = w.plan(10).unwrap();
        assert_eq!(p.total_minutes, 5);
        assert_eq!(leaves_of(&p, &w), [id(2)].into());
        check_valid(&w, &p, 10).unwrap();

        w.hold(10);
        let p = w.plan(10).unwrap();
        assert!(p.steps.is_empty());
        assert_eq!(p.total_minutes, 0);
        assert!(p.summary.contains("already hold"));
    }

    #[test]
    fn prerequisites_come_first() {
        let mut w = World::default();
        // Titles sort the wrong way round on purpose.
        w.leaf(1, "A advanced", 10, &[2])
            .leaf(2, "Z basics", 10, &[3])
            .leaf(3, "Zz orientation", 10, &[])
            .leaf(4, "B other", 10, &[])
            .stack(10, "T", all_of(&[1, 4]), &[]);
        let p = w.plan(10).unwrap();
        assert_eq!(earned_order(&p), vec![id(4), id(3), id(2), id(1), id(10)]);
        check_valid(&w, &p, 10).unwrap();
        let basics = p.steps.iter().find(|s| s.achievement_id == id(2)).unwrap();
        assert!(
            basics
                .why
                .contains("a prerequisite of the badge A advanced"),
            "{}",
            basics.why
        );
    }

    #[test]
    fn a_stack_can_be_a_prerequisite_of_a_leaf() {
        let mut w = World::default();
        w.leaf(1, "A", 10, &[])
            .leaf(2, "B", 10, &[])
            .stack(10, "Core", all_of(&[1, 2]), &[])
            .leaf(3, "Capstone", 10, &[10])
            .stack(20, "Degree", all_of(&[3]), &[]);
        let p = w.plan(20).unwrap();
        assert_eq!(earned_order(&p), vec![id(1), id(2), id(10), id(3), id(20)]);
        check_valid(&w, &p, 20).unwrap();
    }

    #[test]
    fn min_credits_where_cheapest_per_credit_is_wrong() {
        let mut w = World::default();
        // Per credit P is cheapest (10 min/credit) but leaves one credit short; Q + R fit.
        w.leaf(1, "P", 30, &[])
            .credits(1, 3000)
            .leaf(2, "Q", 22, &[])
            .credits(2, 2000)
            .leaf(3, "R", 22, &[])
            .credits(3, 2000)
            .stack(
                10,
                "Pharmacology",
                StackRule::MinCredits {
                    min: 4000,
                    of: vec![id(1), id(2), id(3)],
                },
                &[],
            );
        let p = w.plan(10).unwrap();
        assert_eq!(p.total_minutes, 44);
        assert_eq!(leaves_of(&p, &w), [id(2), id(3)].into());
        assert!(
            p.steps[0].why.contains("worth 2 of the 4 credits needed"),
            "{}",
            p.steps[0].why
        );
        check_valid(&w, &p, 10).unwrap();
    }

    #[test]
    fn nested_stacks_with_a_diamond() {
        let mut w = World::default();
        // S serves both micro-credentials; taking B for M2 separately would cost more.
        w.leaf(1, "A", 20, &[])
            .leaf(2, "S", 40, &[])
            .leaf(3, "B", 10, &[])
            .stack(10, "M1", all_of(&[1, 2]), &[])
            .stack(11, "M2", at_least(1, &[2, 3]), &[])
            .stack(20, "N", all_of(&[10, 11]), &[]);
        let p = w.plan(20).unwrap();
        assert_eq!(p.total_minutes, 60);
        assert_eq!(earned_order(&p), vec![id(1), id(2), id(10), id(11), id(20)]);
        let s = p.steps.iter().find(|s| s.achievement_id == id(2)).unwrap();
        assert!(
            s.why.contains("required for the micro-credential M1"),
            "{}",
            s.why
        );
        assert!(
            s.why
                .contains("one of 2 options for the micro-credential M2"),
            "{}",
            s.why
        );
        check_valid(&w, &p, 20).unwrap();
    }

    #[test]
    fn impossible_targets_say_why() {
        let mut w = World::default();
        w.leaf(1, "A", 10, &[]).leaf(2, "B", 10, &[]).stack(
            10,
            "Too many",
            at_least(3, &[1, 2]),
            &[],
        );
        assert_eq!(
            w.plan(10),
            Err(NoPlan::NotEnoughParts {
                achievement_id: id(10),
                needed: 3,
                achievable: 2
            })
        );
        assert_eq!(
            w.plan(99),
            Err(NoPlan::UnknownTarget {
                achievement_id: id(99)
            })
        );
        let why = w.plan(10).unwrap_err();
        let json = serde_json::to_value(&why).unwrap();
        assert_eq!(json["reason"], "not_enough_parts");
        assert_eq!(serde_json::from_value::<NoPlan>(json).unwrap(), why);
        let unknown = serde_json::to_string(&w.plan(99).unwrap_err()).unwrap();
        assert!(unknown.contains("unknown_target"), "{unknown}");

        let mut w = World::default();
        w.leaf(1, "A", 10, &[2])
            .leaf(2, "B", 10, &[1])
            .stack(10, "Loop", all_of(&[1]), &[]);
        assert_eq!(
            w.plan(10),
            Err(NoPlan::Cycle {
                path: vec![id(1), id(2), id(1)]
            })
        );

        let mut w = World::default();
        w.leaf(1, "A", 10, &[]).credits(1, 1000).stack(
            10,
            "Credits",
            StackRule::MinCredits {
                min: 5000,
                of: vec![id(1)],
            },
            &[],
        );
        assert_eq!(
            w.plan(10),
            Err(NoPlan::NotEnoughCredits {
                achievement_id: id(10),
                needed: 5000,
                achievable: 1000
            })
        );

        let mut w = World::default();
        w.stack(10, "Dangling", all_of(&[7]), &[]);
        assert_eq!(
            w.plan(10),
            Err(NoPlan::Undefined {
                achievement_id: id(7)
            })
        );
    }

    #[test]
    fn a_cycle_on_an_unused_branch_does_not_block() {
        let mut w = World::default();
        w.leaf(1, "A", 10, &[2])
            .leaf(2, "B", 10, &[1])
            .leaf(3, "C", 50, &[])
            .stack(10, "T", at_least(1, &[1, 3]), &[]);
        let p = w.plan(10).unwrap();
        assert_eq!(p.total_minutes, 50);
        check_valid(&w, &p, 10).unwrap();
    }

    #[test]
    fn beyond_the_limit_the_plan_says_it_is_not_exact() {
        let mut w = World::default();
        let n = MAX_EXACT_UNDECIDED as u128 + 6;
        for i in 1..=n {
            w.leaf(i, &format!("L{i:02}"), 10 + (i as u32 % 7), &[]);
        }
        w.stack(1000, "Big", at_least(3, &(1..=n).collect::<Vec<_>>()), &[]);
        let p = w.plan(1000).unwrap();
        assert!(!p.exact);
        assert!(p.summary.contains("more than the 24"), "{}", p.summary);
        check_valid(&w, &p, 1000).unwrap();
    }

    #[test]
    fn out_of_budget_the_best_plan_so_far_is_kept() {
        let mut w = World::default();
        w.leaf_steps(1, "A", &[(101, 25), (102, 25)], &[])
            .leaf_steps(2, "B", &[(102, 25), (103, 25)], &[])
            .leaf_steps(3, "C", &[(104, 40)], &[])
            .stack(10, "Target", at_least(2, &[1, 2, 3]), &[]);
        let p = plan_with(w.defs(), &w.held, id(10), Method::Search { budget: 1 }).unwrap();
        assert!(!p.exact);
        assert_eq!(p.total_minutes, 90, "the greedy plan");
        assert!(
            p.summary.contains("stopped after 1 of them"),
            "{}",
            p.summary
        );
        check_valid(&w, &p, 10).unwrap();
    }

    #[test]
    fn tens_of_leaves_are_planned_exactly() {
        // Four micro-credentials of 6 electives (choose 3) under a degree needing 3 of them.
        let mut w = World::default();
        let mut micros = Vec::new();
        for m in 0..4u128 {
            let parts: Vec<u128> = (0..6).map(|j| 100 + m * 10 + j).collect();
            for (j, &p) in parts.iter().enumerate() {
                let shared = 5000 + (j as u128 % 3);
                w.leaf_steps(
                    p,
                    &format!("E{p}"),
                    &[(p + 2000, 15 + ((p * 7) % 23) as u32), (shared, 20)],
                    &[],
                );
            }
            w.stack(10 + m, &format!("M{m}"), at_least(3, &parts), &[]);
            micros.push(10 + m);
        }
        w.stack(1, "Degree", at_least(3, &micros), &[]);
        let p = w.plan(1).unwrap();
        assert!(p.exact, "{}", p.summary);
        check_valid(&w, &p, 1).unwrap();
        assert!(p.total_minutes <= w.greedy(1).unwrap().total_minutes);
    }

    #[test]
    fn duplicate_definitions_are_reported_when_needed() {
        let mut w = World::default();
        w.leaf(1, "A", 10, &[])
            .leaf(1, "A again", 20, &[])
            .stack(10, "T", all_of(&[1]), &[]);
        assert_eq!(
            w.plan(10),
            Err(NoPlan::DuplicateDefinition {
                achievement_id: id(1)
            })
        );
    }

    fn arb_world() -> impl Strategy<Value = (World, u128)> {
        let leaf = (
            prop::collection::vec((0u128..12, 1u32..60), 1..3),
            prop::collection::vec(0usize..8, 0..2),
            0u64..4,
        );
        let stack = (
            0u8..3,
            0u32..4,
            prop::collection::vec(0usize..20, 1..5),
            0u64..6,
            prop::option::of(0usize..20),
        );
        (
            prop::collection::vec(leaf, 2..9),
            prop::collection::vec(stack, 1..4),
            prop::collection::vec(0usize..14, 0..3),
            prop::collection::vec(1u32..60, 12),
        )
            .prop_map(|(leaves, stacks, held, step_minutes)| {
                let mut w = World::default();
                let n = leaves.len();
                for (i, (steps, prereqs, credits)) in leaves.iter().enumerate() {
                    // Any other leaf, so cycles of prerequisites occur now and then.
                    let pre: Vec<u128> = prereqs
                        .iter()
                        .filter(|&&p| p < n && p != i)
                        .map(|&p| 1 + p as u128)
                        .collect();
                    let steps: Vec<(u128, u32)> = steps
                        .iter()
                        .map(|&(s, _)| (100 + s, step_minutes[s as usize]))
                        .collect();
                    let n = 1 + i as u128;
                    w.leaf_steps(n, &format!("L{i}"), &steps, &pre);
                    w.credits(n, credits * 1000);
                }
                let mut parts_pool: Vec<u128> = (1..=n as u128).collect();
                let mut last = 0;
                for (j, (kind, k, parts, min, prereq)) in stacks.iter().enumerate() {
                    let mut of: Vec<u128> = parts
                        .iter()
                        .map(|&p| parts_pool[p % parts_pool.len()])
                        .collect();
                    of.sort_unstable();
                    of.dedup();
                    let rule = match kind {
                        0 => all_of(&of),
                        1 => at_least(*k, &of),
                        _ => StackRule::MinCredits {
                            min: min * 1000,
                            of: of.iter().map(|&p| id(p)).collect(),
                        },
                    };
                    let sid = 50 + j as u128;
                    let pre: Vec<u128> = prereq
                        .iter()
                        .map(|&p| parts_pool[p % parts_pool.len()])
                        .collect();
                    w.stack(sid, &format!("S{j}"), rule, &pre);
                    parts_pool.push(sid);
                    last = sid;
                }
                for h in held {
                    if let Some(&a) = parts_pool.get(h)
                        && a != last
                    {
                        w.hold(a);
                    }
                }
                (w, last)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn exact_is_optimal_valid_and_never_worse_than_greedy((w, target) in arb_world()) {
            let exact = w.plan(target);
            let greedy = w.greedy(target);
            let best = brute_force(&w, target);
            match (&exact, &greedy, best) {
                (Ok(e), Ok(g), Some(b)) => {
                    prop_assert!(e.exact);
                    prop_assert!(e.total_minutes <= g.total_minutes);
                    prop_assert_eq!(e.total_minutes, b);
                    prop_assert_eq!(check_valid(&w, e, target), Ok(()));
                    prop_assert_eq!(check_valid(&w, g, target), Ok(()));
                }
                (Err(a), Err(b), None) => prop_assert_eq!(a, b),
                _ => prop_assert!(false, "exact {:?} greedy {:?} brute {:?}", exact, greedy, best),
            }
        }
    }
}
