//! Stack views and pathway planning: where a learner stands in each stack they have begun,
//! a stack's tree for issuers and the public, and the least learning that completes a
//! target achievement (`cairn_core::pathway::plan`) built from the stored rules.
//!
//! Read-only: nothing here writes, so everything runs on the read pool.

use std::collections::{BTreeMap, BTreeSet};

use cairn_core::authz::Action;
use cairn_core::criteria::Criteria;
use cairn_core::pathway::{self, AchievementInfo, Definitions, Leaf, NoPlan, Plan, Step, StepKind};
use cairn_core::stacks::{
    CreditsMilli, DEPTH_MAX, Held, StackDef, StackRule, StackSpec, evaluate_with, format_credits,
};
use cairn_core::{
    Achievement, AchievementKind, CredentialRecord, CredentialState, OrgKind, Principal,
};
use cairn_store::Conn;
use serde::Serialize;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{App, AppError, Result, now, require};

/// A credential ending within this many days shows as expiring: long enough to renew by
/// credits or a renewal assessment before it lapses.
pub const EXPIRING_WITHIN_DAYS: i64 = 90;

/// Minutes planned for evidence reviewed on a rubric: the time to prepare and submit it
/// (the review itself is the assessor's time, not the learner's). Rubrics state no duration.
pub const EVIDENCE_MINUTES: u32 = 30;

/// Minutes planned per item of an untimed assessment, since its blueprint says how many
/// items a form has but not how long they take.
pub const UNTIMED_MINUTES_PER_ITEM: u32 = 2;

/// The least an untimed assessment is planned at, so a tiny form still counts for something.
pub const UNTIMED_MINUTES_MIN: u32 = 10;

/// Where a learner stands with one achievement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartState {
    /// A valid credential that does not end within [`EXPIRING_WITHIN_DAYS`].
    Held,
    /// Valid now, but every valid credential for it ends within [`EXPIRING_WITHIN_DAYS`].
    Expiring,
    /// Only a suspended credential: it may be reinstated.
    Suspended,
    Missing,
    /// No learner is involved (an issuer's or the public view).
    Unknown,
}

/// A prerequisite of a stack: held before the stack may be earned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackPart {
    pub achievement_id: Uuid,
    pub name: String,
    pub state: PartState,
}

/// One achievement in a stack's tree, with where the learner stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackProgress {
    pub achievement_id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub kind: AchievementKind,
    pub credits: Option<CreditsMilli>,
    pub state: PartState,
    /// For a stack: its rule in words.
    pub rule: Option<String>,
    /// For a stack: the rule in a few words for a picture ("all of", "2 of 3", "≥ 6 credits").
    pub rule_short: Option<String>,
    /// For a stack the learner does not hold: one sentence per thing still to do
    /// (prerequisites first). Empty when held, complete, or no learner is involved.
    pub missing: Vec<String>,
    pub prerequisites: Vec<StackPart>,
    /// The achievements the rule names, in the rule's order, each with its own tree.
    pub children: Vec<StackProgress>,
    /// Children were left out because the tree reached [`DEPTH_MAX`] levels.
    pub truncated: bool,
}

/// The achievements of one issuer, for choosing the parts of a stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuerAchievements {
    pub org_slug: String,
    pub org_name: String,
    pub achievements: Vec<Achievement>,
}

/// What the tree builder knows: the achievements reachable from the roots, and (for a
/// learner) their credentials.
struct World {
    achievements: BTreeMap<Uuid, Achievement>,
    states: Option<BTreeMap<Uuid, PartState>>,
    held: Vec<Held>,
}

impl World {
    fn name(&self, id: Uuid) -> Option<String> {
        self.achievements.get(&id).map(|a| a.name.clone())
    }

    fn state(&self, id: Uuid) -> PartState {
        match &self.states {
            None => PartState::Unknown,
            Some(s) => s.get(&id).copied().unwrap_or(PartState::Missing),
        }
    }

    fn counts(&self, id: Uuid) -> bool {
        matches!(self.state(id), PartState::Held | PartState::Expiring)
    }

    fn tree(&self, id: Uuid, depth: usize, path: &mut Vec<Uuid>) -> Option<StackProgress> {
        let a = self.achievements.get(&id)?;
        let names = |x: Uuid| self.name(x);
        let state = self.state(id);
        let mut node = StackProgress {
            achievement_id: id,
            org_id: a.org_id,
            name: a.name.clone(),
            kind: a.kind,
            credits: a.spec.credits,
            state,
            rule: None,
            rule_short: None,
            missing: Vec::new(),
            prerequisites: Vec::new(),
            children: Vec::new(),
            truncated: false,
        };
        let Some(spec) = &a.spec.stack else {
            return Some(node);
        };
        node.rule = Some(spec.rule.describe_with(&names));
        node.rule_short = Some(rule_short(&spec.rule));
        node.prerequisites = spec
            .prerequisites
            .iter()
            .map(|p| StackPart {
                achievement_id: *p,
                name: self.name(*p).unwrap_or_else(|| p.to_string()),
                state: self.state(*p),
            })
            .collect();
        if self.states.is_some() && !matches!(state, PartState::Held | PartState::Expiring) {
            for p in &node.prerequisites {
                if !self.counts(p.achievement_id) {
                    node.missing
                        .push(format!("hold \"{}\" first (a prerequisite)", p.name));
                }
            }
            node.missing
                .extend(evaluate_with(&spec.rule, &self.held, &names).missing);
        }
        // Stored stacks are acyclic (refused on save); the path guards the tree anyway.
        if depth >= DEPTH_MAX || path.contains(&id) {
            node.truncated = !in_order(&spec.rule).is_empty();
            return Some(node);
        }
        path.push(id);
        for c in in_order(&spec.rule) {
            if let Some(child) = self.tree(c, depth + 1, path) {
                node.children.push(child);
            }
        }
        path.pop();
        Some(node)
    }
}

/// The achievements a rule names, in the order it names them, each once.
fn in_order(rule: &StackRule) -> Vec<Uuid> {
    fn walk(r: &StackRule, out: &mut Vec<Uuid>) {
        match r {
            StackRule::Holds { achievement_id } => {
                if !out.contains(achievement_id) {
                    out.push(*achievement_id);
                }
            }
            StackRule::AllOf { of } | StackRule::AtLeast { of, .. } => {
                for x in of {
                    walk(x, out);
                }
            }
            StackRule::MinCredits { of, .. } => {
                for a in of {
                    if !out.contains(a) {
                        out.push(*a);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(rule, &mut out);
    out
}

/// The rule in a few words, for a picture's label; nested rules are told in full beside it.
pub fn rule_short(rule: &StackRule) -> String {
    let flat = |of: &[StackRule]| of.iter().all(|r| matches!(r, StackRule::Holds { .. }));
    match rule {
        StackRule::Holds { .. } => "holds".into(),
        StackRule::AllOf { of } if flat(of) => "all of".into(),
        StackRule::AtLeast { k, of } if flat(of) => format!("{k} of {}", of.len()),
        StackRule::MinCredits { min, .. } => format!("≥ {} credits", format_credits(*min)),
        StackRule::AllOf { .. } => "all of (combined)".into(),
        StackRule::AtLeast { k, of } => format!("{k} of {} (combined)", of.len()),
    }
}

/// Each achievement's standing from all of a learner's credentials: a valid one counts
/// (expiring if every valid one ends soon), else a suspended one, else it is missing.
fn states_of(creds: &[CredentialRecord], at: OffsetDateTime) -> BTreeMap<Uuid, PartState> {
    let soon = at + Duration::days(EXPIRING_WITHIN_DAYS);
    let mut out: BTreeMap<Uuid, PartState> = BTreeMap::new();
    let rank = |s: PartState| match s {
        PartState::Held => 3,
        PartState::Expiring => 2,
        PartState::Suspended => 1,
        _ => 0,
    };
    for c in creds {
        let Some(a) = c.achievement_id else { continue };
        let expired = c.valid_until.is_some_and(|u| u <= at);
        let s = match c.state {
            CredentialState::Revoked => continue,
            _ if expired => continue,
            CredentialState::Suspended => PartState::Suspended,
            CredentialState::Active if c.valid_until.is_some_and(|u| u <= soon) => {
                PartState::Expiring
            }
            CredentialState::Active => PartState::Held,
        };
        let e = out.entry(a).or_insert(s);
        if rank(s) > rank(*e) {
            *e = s;
        }
    }
    out
}

fn parse_spec(json: &str) -> Result<StackSpec> {
    serde_json::from_str(json).map_err(|e| AppError::Internal(format!("stored stack: {e}")))
}

fn held_of(rows: &[cairn_store::HeldRow]) -> Vec<Held> {
    rows.iter()
        .map(|r| Held {
            achievement_id: r.achievement_id,
            credential_id: r.credential_id,
            credits: r.credits.and_then(|c| u64::try_from(c).ok()).unwrap_or(0),
        })
        .collect()
}

/// Load `roots` and everything their stacks name (rules and prerequisites), recursively.
async fn load_below(c: &mut Conn<'_>, roots: &[Uuid]) -> Result<BTreeMap<Uuid, Achievement>> {
    let mut out = BTreeMap::new();
    let mut todo: Vec<Uuid> = roots.to_vec();
    while let Some(id) = todo.pop() {
        if out.contains_key(&id) {
            continue;
        }
        let Some(a) = c.achievement(id).await? else {
            continue;
        };
        if let Some(spec) = &a.spec.stack {
            todo.extend(spec.components());
        }
        out.insert(id, a);
    }
    Ok(out)
}

/// The sentence for why no plan exists, naming achievements rather than ids.
fn no_plan_sentence(e: &NoPlan, names: &dyn Fn(Uuid) -> String) -> String {
    match e {
        NoPlan::UnknownTarget { achievement_id } => format!(
            "\"{}\" has no learning rule and is not a stack, so it is only issued by hand; no pathway leads to it",
            names(*achievement_id)
        ),
        NoPlan::DuplicateDefinition { achievement_id } => format!(
            "\"{}\" is defined more than once; ask its issuer to fix it",
            names(*achievement_id)
        ),
        NoPlan::Undefined { achievement_id } => format!(
            "no pathway can be planned: \"{}\" is needed but is issued by hand only, or its modules or assessments are not available",
            names(*achievement_id)
        ),
        NoPlan::NotEnoughParts {
            achievement_id,
            needed,
            achievable,
        } => format!(
            "no pathway can be planned: \"{}\" needs {needed} of its parts but only {achievable} of them can be earned by learning",
            names(*achievement_id)
        ),
        NoPlan::NotEnoughCredits {
            achievement_id,
            needed,
            achievable,
        } => format!(
            "no pathway can be planned: \"{}\" needs {} credits but only {} can be earned by learning",
            names(*achievement_id),
            format_credits(*needed),
            format_credits(*achievable)
        ),
        NoPlan::Cycle { path } => format!(
            "no pathway can be planned: prerequisites or rules go round in a circle: {}",
            path.iter()
                .map(|a| format!("\"{}\"", names(*a)))
                .collect::<Vec<_>>()
                .join(" → ")
        ),
        NoPlan::Impossible { achievement_id } => format!(
            "no pathway can be planned: \"{}\" cannot be earned from what can be learned",
            names(*achievement_id)
        ),
    }
}

impl App {
    /// Every stack the learner holds or has begun (holds a part of, directly or through a
    /// smaller stack), as trees showing what they hold and what is missing. Largest
    /// stacks (certificates, nano-degrees) first, then by name.
    pub async fn my_stacks(&self, by: &Principal) -> Result<Vec<StackProgress>> {
        let Some(user) = by.user_id() else {
            return Ok(Vec::new());
        };
        let at = now();
        let mut r = self.store.reader().await?;
        let creds = r.conn().credentials_of_user(user).await?;
        let held = held_of(&r.conn().held_by(user, at).await?);
        let states = states_of(&creds, at);
        let mut specs: BTreeMap<Uuid, StackSpec> = BTreeMap::new();
        for row in r.conn().all_stack_specs().await? {
            specs.insert(row.id, parse_spec(&row.stack)?);
        }
        // A stack is begun when anything below it is held or suspended: walk up from each.
        let mut above: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
        for (s, spec) in &specs {
            for c in spec.components() {
                above.entry(c).or_default().push(*s);
            }
        }
        let mut begun: BTreeSet<Uuid> = BTreeSet::new();
        let mut todo: Vec<Uuid> = states.keys().copied().collect();
        for a in &todo {
            if specs.contains_key(a) {
                begun.insert(*a);
            }
        }
        while let Some(a) = todo.pop() {
            for s in above.get(&a).into_iter().flatten() {
                if begun.insert(*s) {
                    todo.push(*s);
                }
            }
        }
        let roots: Vec<Uuid> = begun.into_iter().collect();
        let world = World {
            achievements: load_below(&mut r.conn(), &roots).await?,
            states: Some(states),
            held,
        };
        let mut out: Vec<StackProgress> = roots
            .iter()
            .filter_map(|id| world.tree(*id, 1, &mut Vec::new()))
            .collect();
        out.sort_by(|a, b| {
            b.kind
                .cmp_rank()
                .cmp(&a.kind.cmp_rank())
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                .then_with(|| a.achievement_id.cmp(&b.achievement_id))
        });
        Ok(out)
    }

    /// A stack's tree without a learner (every state [`PartState::Unknown`]): for issuers
    /// and the public achievement page. Achievements are public.
    pub async fn stack_tree(&self, achievement_id: Uuid) -> Result<StackProgress> {
        self.tree_for(None, achievement_id).await
    }

    /// A stack's tree as the signed-in learner stands in it.
    pub async fn my_stack_tree(
        &self,
        by: &Principal,
        achievement_id: Uuid,
    ) -> Result<StackProgress> {
        self.tree_for(Some(by), achievement_id).await
    }

    async fn tree_for(
        &self,
        by: Option<&Principal>,
        achievement_id: Uuid,
    ) -> Result<StackProgress> {
        let at = now();
        let mut r = self.store.reader().await?;
        let (states, held) = match by.and_then(Principal::user_id) {
            Some(user) => {
                let creds = r.conn().credentials_of_user(user).await?;
                let held = held_of(&r.conn().held_by(user, at).await?);
                (Some(states_of(&creds, at)), held)
            }
            None if by.is_some() => (Some(BTreeMap::new()), Vec::new()),
            None => (None, Vec::new()),
        };
        let world = World {
            achievements: load_below(&mut r.conn(), &[achievement_id]).await?,
            states,
            held,
        };
        world
            .tree(achievement_id, 1, &mut Vec::new())
            .ok_or_else(|| AppError::NotFound("achievement".into()))
    }

    /// The organization's stacked achievements as trees, for its issuer admins.
    pub async fn org_stacks(&self, by: &Principal, slug: &str) -> Result<Vec<StackProgress>> {
        let org = self.manageable_issuer(by, slug).await?;
        let mut r = self.store.reader().await?;
        let roots: Vec<Uuid> = r
            .conn()
            .achievements_of_org(org.id)
            .await?
            .into_iter()
            .filter(|a| a.spec.stack.is_some())
            .map(|a| a.id)
            .collect();
        let world = World {
            achievements: load_below(&mut r.conn(), &roots).await?,
            states: None,
            held: Vec::new(),
        };
        Ok(roots
            .iter()
            .filter_map(|id| world.tree(*id, 1, &mut Vec::new()))
            .collect())
    }

    /// Every issuer's achievements, the parts a stack of `slug` may be built from (stacks
    /// may name other issuers' achievements). Asked by an issuer admin of `slug`.
    pub async fn stack_part_choices(
        &self,
        by: &Principal,
        slug: &str,
    ) -> Result<Vec<IssuerAchievements>> {
        self.manageable_issuer(by, slug).await?;
        let mut r = self.store.reader().await?;
        let mut out = Vec::new();
        for org in r.conn().list_orgs().await? {
            if !org.is(OrgKind::Issuer) {
                continue;
            }
            let achievements = r.conn().achievements_of_org(org.id).await?;
            if achievements.is_empty() {
                continue;
            }
            out.push(IssuerAchievements {
                org_slug: org.slug,
                org_name: org.name,
                achievements,
            });
        }
        // The asking issuer first: its own achievements are the usual parts.
        out.sort_by_key(|g| (g.org_slug != slug, g.org_name.to_lowercase()));
        Ok(out)
    }

    async fn manageable_issuer(
        &self,
        by: &Principal,
        slug: &str,
    ) -> Result<cairn_core::Organization> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::AchievementManage, Some(org.id))?;
        if !org.is(OrgKind::Issuer) {
            return Err(AppError::Conflict(format!(
                "{} is not an issuer organization; an operator can make it one",
                org.name
            )));
        }
        Ok(org)
    }

    /// The least learning that earns `target` for the signed-in learner, skipping what they
    /// hold. Leaves are achievements with a learning rule: their steps are the rule's
    /// modules (the current published version's duration), assessments (the time limit,
    /// or [`UNTIMED_MINUTES_PER_ITEM`] per item when untimed) and evidence on a rubric
    /// ([`EVIDENCE_MINUTES`]); of an `any`, the quickest available alternative. A module
    /// never published or an assessment not published makes its part unavailable.
    pub async fn plan_pathway(&self, by: &Principal, target: Uuid) -> Result<Plan> {
        let mut r = self.store.reader().await?;
        if r.conn().achievement(target).await?.is_none() {
            return Err(AppError::NotFound("achievement".into()));
        }
        let held = match by.user_id() {
            Some(user) => held_of(&r.conn().held_by(user, now()).await?),
            None => Vec::new(),
        };
        let planner = Planner::load(&mut r.conn(), &[target]).await?;
        planner.plan(&held, target)
    }
}

/// The planner's definitions for some targets, loaded once, so that many learners (or a
/// learner's many gaps) are planned in memory against whatever held list the caller
/// chooses: an employer plans with only the credentials its workers let it see.
#[derive(Debug, Clone, Default)]
pub struct Planner {
    stacks: Vec<StackDef>,
    leaves: Vec<Leaf>,
    info: BTreeMap<Uuid, AchievementInfo>,
}

impl Planner {
    /// Load `targets` and everything below them, with the steps of every leaf (see
    /// [`App::plan_pathway`] for how steps are timed).
    pub async fn load(c: &mut Conn<'_>, targets: &[Uuid]) -> Result<Planner> {
        let achievements = load_below(c, targets).await?;
        let mut planner = Planner::default();
        let mut steps = StepCache::default();
        for (id, a) in &achievements {
            planner.info.insert(
                *id,
                AchievementInfo {
                    title: a.name.clone(),
                    kind: a.kind,
                    credits: a.spec.credits.unwrap_or(0),
                },
            );
            if let Some(spec) = &a.spec.stack {
                planner.stacks.push(spec.def(*id));
            } else if let Some(rule) = &a.spec.rule
                && let Some(s) = steps.of(c, rule, 1).await?
            {
                planner.leaves.push(Leaf {
                    achievement_id: *id,
                    steps: s,
                    prerequisites: Vec::new(),
                });
            }
        }
        Ok(planner)
    }

    /// The held list the planner takes, from credentials given as (achievement,
    /// credential): credits are the achievement's as loaded (none for achievements
    /// outside the loaded targets, which no rule below them can count).
    pub fn held(&self, credentials: impl IntoIterator<Item = (Uuid, Uuid)>) -> Vec<Held> {
        credentials
            .into_iter()
            .map(|(achievement_id, credential_id)| Held {
                achievement_id,
                credential_id,
                credits: self.info.get(&achievement_id).map_or(0, |i| i.credits),
            })
            .collect()
    }

    /// The achievement's name, when loaded.
    pub fn title(&self, id: Uuid) -> Option<&str> {
        self.info.get(&id).map(|i| i.title.as_str())
    }

    /// The least learning that earns `target` for someone holding `held`. A conflict
    /// naming the reason when no plan exists.
    pub fn plan(&self, held: &[Held], target: Uuid) -> Result<Plan> {
        let defs = Definitions {
            stacks: &self.stacks,
            leaves: &self.leaves,
            achievements: &self.info,
        };
        pathway::plan(defs, held, target).map_err(|e| {
            let name = |id: Uuid| {
                self.info
                    .get(&id)
                    .map_or_else(|| id.to_string(), |i| i.title.clone())
            };
            AppError::Conflict(no_plan_sentence(&e, &name))
        })
    }
}

/// Steps of modules, assessments and rubrics, looked up once per plan.
#[derive(Default)]
struct StepCache {
    seen: BTreeMap<(u8, Uuid), Option<Step>>,
}

impl StepCache {
    async fn step(&mut self, c: &mut Conn<'_>, rule: &Criteria) -> Result<Option<Step>> {
        let (tag, id) = match rule {
            Criteria::CompletedModule { module_id, .. } => (0u8, *module_id),
            Criteria::PassedAssessment { assessment_id, .. } => (1, *assessment_id),
            Criteria::EvidenceAccepted { rubric_id } => (2, *rubric_id),
            // Statement rules name no module, assessment or rubric step the planner can time.
            Criteria::All { .. }
            | Criteria::Any { .. }
            | Criteria::XapiStatement { .. }
            | Criteria::Cmi5MoveOn { .. } => return Ok(None),
        };
        if let Some(s) = self.seen.get(&(tag, id)) {
            return Ok(s.clone());
        }
        let step = match rule {
            Criteria::CompletedModule { module_id, .. } => {
                match c
                    .module_by_id(*module_id)
                    .await?
                    .and_then(|m| m.current_version_id)
                {
                    Some(v) => c.module_version(v).await?.map(|v| Step {
                        kind: StepKind::Module,
                        id: *module_id,
                        title: v.title,
                        minutes: u32::try_from(v.duration_minutes).unwrap_or(0),
                    }),
                    None => None,
                }
            }
            Criteria::PassedAssessment { assessment_id, .. } => {
                match c.assessment_by_id(*assessment_id).await? {
                    Some(a) if a.state == "published" => {
                        let rules: cairn_core::assessment::Assessment =
                            serde_json::from_str(&a.rules).map_err(|e| {
                                AppError::Internal(format!("stored assessment rules: {e}"))
                            })?;
                        let minutes = rules.time_limit_minutes.unwrap_or_else(|| {
                            let items =
                                u32::try_from(rules.blueprint.total_items()).unwrap_or(u32::MAX);
                            items
                                .saturating_mul(UNTIMED_MINUTES_PER_ITEM)
                                .max(UNTIMED_MINUTES_MIN)
                        });
                        Some(Step {
                            kind: StepKind::Assessment,
                            id: *assessment_id,
                            title: a.title,
                            minutes,
                        })
                    }
                    _ => None,
                }
            }
            _ => c.rubric_by_id(id).await?.map(|rb| Step {
                kind: StepKind::Assessment,
                id,
                title: format!("Evidence for \"{}\"", rb.title),
                minutes: EVIDENCE_MINUTES,
            }),
        };
        self.seen.insert((tag, id), step.clone());
        Ok(step)
    }

    /// The steps that meet `rule`, or none when some required part is unavailable.
    async fn of(
        &mut self,
        c: &mut Conn<'_>,
        rule: &Criteria,
        depth: usize,
    ) -> Result<Option<Vec<Step>>> {
        if depth > cairn_core::criteria::DEPTH_MAX {
            return Ok(None);
        }
        match rule {
            Criteria::All { of } => {
                let mut all: Vec<Step> = Vec::new();
                for r in of {
                    let Some(steps) = Box::pin(self.of(c, r, depth + 1)).await? else {
                        return Ok(None);
                    };
                    for s in steps {
                        if !all.iter().any(|x| x.id == s.id) {
                            all.push(s);
                        }
                    }
                }
                Ok(Some(all))
            }
            Criteria::Any { of } => {
                let mut best: Option<(u64, Vec<Step>)> = None;
                for r in of {
                    if let Some(steps) = Box::pin(self.of(c, r, depth + 1)).await? {
                        let total: u64 = steps.iter().map(|s| u64::from(s.minutes)).sum();
                        if best.as_ref().is_none_or(|(b, _)| total < *b) {
                            best = Some((total, steps));
                        }
                    }
                }
                Ok(best.map(|(_, s)| s))
            }
            leaf => Ok(self.step(c, leaf).await?.map(|s| vec![s])),
        }
    }
}

/// Biggest first when listing a learner's stacks.
trait KindRank {
    fn cmp_rank(self) -> u8;
}

impl KindRank for AchievementKind {
    fn cmp_rank(self) -> u8 {
        match self {
            AchievementKind::Badge => 0,
            AchievementKind::MicroCredential => 1,
            AchievementKind::NanoDegree => 2,
            AchievementKind::Certificate => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(n: u128) -> StackRule {
        StackRule::Holds {
            achievement_id: Uuid::from_u128(n),
        }
    }

    #[test]
    fn short_rules_read_as_labels() {
        assert_eq!(
            rule_short(&StackRule::AllOf {
                of: vec![holds(1), holds(2)]
            }),
            "all of"
        );
        assert_eq!(
            rule_short(&StackRule::AtLeast {
                k: 2,
                of: vec![holds(1), holds(2), holds(3)]
            }),
            "2 of 3"
        );
        assert_eq!(
            rule_short(&StackRule::MinCredits {
                min: 1500,
                of: vec![Uuid::from_u128(1)]
            }),
            "≥ 1.5 credits"
        );
        let nested = StackRule::AllOf {
            of: vec![
                holds(1),
                StackRule::AtLeast {
                    k: 1,
                    of: vec![holds(2), holds(3)],
                },
            ],
        };
        assert_eq!(rule_short(&nested), "all of (combined)");
        assert_eq!(
            in_order(&nested),
            vec![Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)]
        );
    }
}
