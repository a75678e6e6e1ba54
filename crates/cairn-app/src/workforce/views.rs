//! What an employer sees of its workers: competency profiles, gaps against a role with
//! the pathways that close them, team heat maps, redeployment candidates and credentials
//! about to expire; and the organization-wide gap matrix the benchmark times.
//!
//! Every view reads credentials through `visible_held_*` (the consent rule) and nothing
//! else, and plans pathways against that same list.

use std::collections::{BTreeSet, HashMap};

use cairn_core::authz::Action;
use cairn_core::pathway::{Plan, StepKind};
use cairn_core::workforce::{
    CompetencyProfile, Coverage, CoverageRow, HeldCredential, Provenance, Requirement,
    RequirementStatus, RoleGap, RoleProfile, TeamCoverage, gap, rank_for_role_named, team_coverage,
};
use cairn_core::{AchievementAlignment, Principal};
use cairn_store::{Conn, VisibleAchievementRow, VisibleHeldRow};
use serde::Serialize;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{NamedRequirement, Names, WorkerRef, parse_alignments};
use crate::pathways::Planner;
use crate::tabular::Table;
use crate::{App, AppError, Result, now};

/// Windows managers pick for expiring credentials.
pub const EXPIRING_WINDOWS: [u32; 3] = [30, 60, 90];

/// A credential proving something, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedProof {
    /// For a competency: the level this credential proves.
    pub level: Option<i32>,
    pub credential_id: Uuid,
    pub achievement_id: Uuid,
    pub achievement_name: String,
    pub issuer_org_id: Uuid,
    pub issuer_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub valid_until: Option<OffsetDateTime>,
}

/// A competency a worker holds, named, with the credentials proving it (best first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedCompetency {
    pub competency_id: Uuid,
    pub code: Option<String>,
    pub statement: String,
    pub level: i32,
    pub proofs: Vec<NamedProof>,
}

/// An achievement a worker holds, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedAchievement {
    pub achievement_id: Uuid,
    pub name: String,
    pub proofs: Vec<NamedProof>,
}

/// A worker's competency profile as their employer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerProfileView {
    pub worker: WorkerRef,
    /// By code, then statement.
    pub competencies: Vec<NamedCompetency>,
    /// By name.
    pub achievements: Vec<NamedAchievement>,
    pub profile: CompetencyProfile,
}

/// The quickest learning found to close one requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapPathway {
    /// The achievement to earn: the one required, or (for a competency) the quickest
    /// achievement proving it at the level needed.
    pub achievement_id: Uuid,
    pub achievement_name: String,
    pub minutes: u32,
    pub plan: Plan,
}

/// One requirement of a worker's gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementGapView {
    pub requirement: NamedRequirement,
    pub status: RequirementStatus,
    /// For a requirement not met: the pathway that closes it, when one exists.
    pub pathway: Option<GapPathway>,
    /// For a requirement not met without a pathway: why.
    pub no_pathway: Option<String>,
}

/// A worker against a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerGapView {
    pub worker: WorkerRef,
    pub role: RoleProfile,
    pub coverage: Coverage,
    pub requirements: Vec<RequirementGapView>,
    /// Learning that closes every gap, each module or assessment counted once; 0 when
    /// ready; none when some gap has no pathway.
    pub minutes_to_ready: Option<u32>,
    pub gap: RoleGap,
}

/// A team (or the organization) and the role its heat map is drawn for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamRef {
    pub id: Uuid,
    pub name: String,
}

/// One row of a heat map, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeatMapRow {
    pub requirement: NamedRequirement,
    pub met: u32,
    pub partly_met: u32,
    pub missing: u32,
}

/// How a team (none: the whole organization) covers a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeatMapView {
    pub role: RoleProfile,
    pub team: Option<TeamRef>,
    pub workers: u32,
    pub rows: Vec<HeatMapRow>,
    pub coverage: TeamCoverage,
}

/// One redeployment candidate, in rank order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// From 1.
    pub rank: u32,
    pub worker: WorkerRef,
    pub coverage: Coverage,
    pub minutes_to_ready: Option<u32>,
    pub reasons: Vec<String>,
    pub summary: String,
    pub gap: RoleGap,
}

/// Workers ranked for a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedeploymentView {
    pub role: RoleProfile,
    pub candidates: Vec<Candidate>,
    /// Workers with at least one credential the organization may see: the ones ranked.
    pub consenting: u32,
    /// Workers with none (nothing shared, nothing issued by the organization): not ranked.
    pub not_consenting: u32,
}

/// A visible credential ending within the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiringCredential {
    pub worker: WorkerRef,
    pub credential_id: Uuid,
    pub achievement_id: Uuid,
    pub achievement_name: String,
    pub issuer_org_id: Uuid,
    pub issuer_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_until: OffsetDateTime,
    /// Whole days left (0: ends within a day).
    pub days_left: i64,
}

/// Credentials ending within `within_days`, soonest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiringView {
    pub within_days: u32,
    pub credentials: Vec<ExpiringCredential>,
}

/// Every worker against one role: the organization's heat map, how many workers meet
/// each number of requirements, and how many are ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleCoverageCounts {
    pub role_id: Uuid,
    pub role_version: u32,
    pub name: String,
    /// Workers meeting every requirement.
    pub ready: u32,
    /// `by_met[k]`: workers meeting exactly `k` requirements.
    pub by_met: Vec<u32>,
    /// One row per requirement, in the role's order.
    pub rows: Vec<CoverageRow>,
}

/// Every worker × every role profile of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapMatrix {
    pub workers: u32,
    /// Workers with at least one credential the organization may see.
    pub consenting: u32,
    pub roles: Vec<RoleCoverageCounts>,
}

/// The status in words, for tables.
pub fn status_words(s: &RequirementStatus) -> String {
    match s {
        RequirementStatus::Met => "met".into(),
        RequirementStatus::PartlyMet { have, need } => {
            format!("partly met (level {have} of {need})")
        }
        RequirementStatus::Missing => "missing".into(),
        RequirementStatus::ExpiringSoon { on } => format!("expiring soon ({})", on.date()),
    }
}

fn coverage_words(c: &Coverage) -> String {
    format!("{} of {}", c.numerator, c.denominator)
}

fn minutes_words(m: Option<u32>) -> String {
    m.map_or_else(|| "not known".into(), |m| m.to_string())
}

impl WorkerProfileView {
    pub fn table(&self) -> Table {
        let mut t = Table::new([
            "competency code",
            "competency",
            "level",
            "achievement",
            "issuer",
            "issued",
            "valid until",
        ]);
        for c in &self.competencies {
            for p in &c.proofs {
                t.push([
                    c.code.clone().unwrap_or_default(),
                    c.statement.clone(),
                    p.level.unwrap_or(c.level).to_string(),
                    p.achievement_name.clone(),
                    p.issuer_name.clone(),
                    p.issued_at.date().to_string(),
                    p.valid_until
                        .map(|u| u.date().to_string())
                        .unwrap_or_default(),
                ]);
            }
        }
        t
    }
}

impl WorkerGapView {
    pub fn table(&self) -> Table {
        let mut t = Table::new(["requirement", "status", "pathway", "minutes"]);
        for r in &self.requirements {
            let (pathway, minutes) = match (&r.pathway, &r.no_pathway) {
                (Some(p), _) => (p.achievement_name.clone(), p.minutes.to_string()),
                (None, Some(why)) => (why.clone(), String::new()),
                (None, None) => (String::new(), String::new()),
            };
            t.push([
                r.requirement.label.clone(),
                status_words(&r.status),
                pathway,
                minutes,
            ]);
        }
        t
    }
}

impl HeatMapView {
    pub fn table(&self) -> Table {
        let mut t = Table::new(["requirement", "met", "partly met", "missing"]);
        for r in &self.rows {
            t.push([
                r.requirement.label.clone(),
                r.met.to_string(),
                r.partly_met.to_string(),
                r.missing.to_string(),
            ]);
        }
        t
    }
}

impl RedeploymentView {
    pub fn table(&self) -> Table {
        let mut t = Table::new([
            "rank",
            "worker",
            "email",
            "job title",
            "coverage",
            "minutes to ready",
            "reasons",
        ]);
        for c in &self.candidates {
            t.push([
                c.rank.to_string(),
                c.worker.display_name.clone(),
                c.worker.email.clone().unwrap_or_default(),
                c.worker.job_title.clone().unwrap_or_default(),
                coverage_words(&c.coverage),
                minutes_words(c.minutes_to_ready),
                c.summary.clone(),
            ]);
        }
        t
    }
}

impl ExpiringView {
    pub fn table(&self) -> Table {
        let mut t = Table::new([
            "worker",
            "email",
            "achievement",
            "issuer",
            "valid until",
            "days left",
        ]);
        for c in &self.credentials {
            t.push([
                c.worker.display_name.clone(),
                c.worker.email.clone().unwrap_or_default(),
                c.achievement_name.clone(),
                c.issuer_name.clone(),
                c.valid_until.date().to_string(),
                c.days_left.to_string(),
            ]);
        }
        t
    }
}

impl GapMatrix {
    pub fn table(&self) -> Table {
        let mut t = Table::new(["role", "version", "workers", "ready", "by requirements met"]);
        for r in &self.roles {
            t.push([
                r.name.clone(),
                r.role_version.to_string(),
                self.workers.to_string(),
                r.ready.to_string(),
                r.by_met
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ]);
        }
        t
    }
}

/// A visible credential as the pure functions take it; an achievement naming no
/// competencies proves only itself.
pub fn held_credential(
    row: &VisibleHeldRow,
    alignments: &HashMap<Uuid, Vec<AchievementAlignment>>,
) -> HeldCredential {
    HeldCredential {
        credential_id: row.credential_id,
        achievement_id: row.achievement_id,
        issuer_org_id: row.issuer_org_id,
        issued_at: row.issued_at,
        valid_until: row.valid_until,
        alignments: alignments
            .get(&row.achievement_id)
            .cloned()
            .unwrap_or_default(),
    }
}

/// Each worker's profile from rows ordered by worker (as `visible_held_*` returns them).
pub fn profiles_by_worker(
    rows: &[VisibleHeldRow],
    alignments: &HashMap<Uuid, Vec<AchievementAlignment>>,
    now: OffsetDateTime,
) -> Vec<(Uuid, CompetencyProfile)> {
    let mut buf: Vec<HeldCredential> = Vec::new();
    rows.chunk_by(|a, b| a.user_id == b.user_id)
        .filter_map(|group| {
            let user = group.first()?.user_id;
            buf.clear();
            buf.extend(group.iter().map(|r| held_credential(r, alignments)));
            Some((user, CompetencyProfile::from_credentials(&buf, now)))
        })
        .collect()
}

fn empty_counts(role: &RoleProfile) -> RoleCoverageCounts {
    RoleCoverageCounts {
        role_id: role.id,
        role_version: role.version,
        name: role.name.clone(),
        ready: 0,
        by_met: vec![0; role.requirements.len() + 1],
        rows: role
            .requirements
            .iter()
            .map(|r| CoverageRow {
                requirement: r.clone(),
                met: 0,
                partly_met: 0,
                missing: 0,
            })
            .collect(),
    }
}

fn count_group(
    group: &[VisibleAchievementRow],
    alignments: &HashMap<Uuid, Vec<AchievementAlignment>>,
    roles: &[RoleProfile],
    now: OffsetDateTime,
    buf: &mut Vec<HeldCredential>,
    out: &mut [RoleCoverageCounts],
) {
    buf.clear();
    // The counts depend only on which achievements are held, valid, and the levels they
    // prove; provenance (credential, issuer, date) is never shown here, so a placeholder
    // stands in for it, one distinct credential id per row as a real read would give.
    buf.extend(group.iter().zip(1u128..).map(|(r, n)| {
        HeldCredential {
            credential_id: Uuid::from_u128(n),
            achievement_id: r.achievement_id,
            issuer_org_id: Uuid::nil(),
            issued_at: OffsetDateTime::UNIX_EPOCH,
            valid_until: r.valid_until,
            alignments: alignments
                .get(&r.achievement_id)
                .cloned()
                .unwrap_or_default(),
        }
    }));
    let profile = CompetencyProfile::from_credentials(buf, now);
    for (role, counts) in roles.iter().zip(out.iter_mut()) {
        let g = gap(&profile, role, now, 0);
        let met = usize::try_from(g.coverage.numerator).unwrap_or(usize::MAX);
        if let Some(slot) = counts.by_met.get_mut(met) {
            *slot += 1;
        }
        if g.coverage.is_complete() {
            counts.ready += 1;
        }
        for (row, rg) in counts.rows.iter_mut().zip(&g.requirements) {
            match rg.status {
                RequirementStatus::Met | RequirementStatus::ExpiringSoon { .. } => row.met += 1,
                RequirementStatus::PartlyMet { .. } => row.partly_met += 1,
                RequirementStatus::Missing => row.missing += 1,
            }
        }
    }
}

/// Every worker × every role: `held` are the visible credentials of the organization's
/// workers in any order (one `visible_achievements_in_org` read), `workers` how many workers
/// it has in all (those without visible credentials miss everything). Pure and parallel
/// over the machine's cores: what the gap-analysis benchmark times.
pub fn gap_matrix(
    held: &[VisibleAchievementRow],
    alignments: &HashMap<Uuid, Vec<AchievementAlignment>>,
    roles: &[RoleProfile],
    workers: u32,
    now: OffsetDateTime,
) -> GapMatrix {
    // Grouping by worker here is cheaper than the database's ORDER BY (a temporary B-tree).
    let mut held = held.to_vec();
    held.sort_unstable_by_key(|r| r.user_id);
    let groups: Vec<&[VisibleAchievementRow]> =
        held.chunk_by(|a, b| a.user_id == b.user_id).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 16);
    let per = groups.len().div_ceil(threads).max(1);
    let partials: Vec<Vec<RoleCoverageCounts>> = std::thread::scope(|s| {
        let handles: Vec<_> = groups
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || {
                    let mut out: Vec<RoleCoverageCounts> = roles.iter().map(empty_counts).collect();
                    let mut buf = Vec::new();
                    for g in chunk {
                        count_group(g, alignments, roles, now, &mut buf, &mut out);
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut total: Vec<RoleCoverageCounts> = roles.iter().map(empty_counts).collect();
    for part in partials {
        for (t, p) in total.iter_mut().zip(part) {
            t.ready += p.ready;
            for (a, b) in t.by_met.iter_mut().zip(&p.by_met) {
                *a += b;
            }
            for (a, b) in t.rows.iter_mut().zip(&p.rows) {
                a.met += b.met;
                a.partly_met += b.partly_met;
                a.missing += b.missing;
            }
        }
    }
    let consenting = u32::try_from(groups.len()).unwrap_or(u32::MAX);
    let without = workers.saturating_sub(consenting);
    for t in &mut total {
        if let Some(zero) = t.by_met.first_mut() {
            *zero += without;
        }
        for row in &mut t.rows {
            row.missing += without;
        }
    }
    GapMatrix {
        workers: workers.max(consenting),
        consenting,
        roles: total,
    }
}

/// For each competency, the achievements proving it and at which level.
fn provers(
    alignments: &HashMap<Uuid, Vec<AchievementAlignment>>,
) -> HashMap<Uuid, Vec<(Uuid, i32)>> {
    let mut out: HashMap<Uuid, Vec<(Uuid, i32)>> = HashMap::new();
    for (achievement, aligns) in alignments {
        for a in aligns {
            out.entry(a.competency_id)
                .or_default()
                .push((*achievement, a.level.unwrap_or(1).max(1)));
        }
    }
    for v in out.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    out
}

/// The achievements whose credential would meet `r`.
fn targets_of(r: &Requirement, provers: &HashMap<Uuid, Vec<(Uuid, i32)>>) -> Vec<Uuid> {
    match r {
        Requirement::Achievement { achievement_id } => vec![*achievement_id],
        Requirement::Competency {
            competency_id,
            min_level,
        } => provers
            .get(competency_id)
            .map(|v| {
                v.iter()
                    .filter(|(_, level)| level >= min_level)
                    .map(|(a, _)| *a)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// What closes each unmet requirement of a gap, and the minutes to ready.
struct Pathways {
    /// One per requirement of the gap: Ok(pathway) when one was found, Err(why) when the
    /// requirement is unmet without one, Ok(None) when met.
    per_requirement: Vec<std::result::Result<Option<GapPathway>, String>>,
    minutes_to_ready: Option<u32>,
}

/// For every requirement not met, the quickest achievement that meets it, planned
/// against `held` (the visible credentials only); shared modules and assessments count
/// once in the total.
fn plan_gaps(
    gap: &RoleGap,
    planner: &Planner,
    held: &[cairn_core::stacks::Held],
    provers: &HashMap<Uuid, Vec<(Uuid, i32)>>,
) -> Pathways {
    let mut per_requirement = Vec::with_capacity(gap.requirements.len());
    let mut steps: BTreeSet<(u8, Uuid)> = BTreeSet::new();
    let mut total: u32 = 0;
    let mut complete = true;
    for rg in &gap.requirements {
        if rg.status.is_met() {
            per_requirement.push(Ok(None));
            continue;
        }
        let mut best: Option<GapPathway> = None;
        let mut last_reason: Option<String> = None;
        for target in targets_of(&rg.requirement, provers) {
            match planner.plan(held, target) {
                Ok(plan) => {
                    let better = best.as_ref().is_none_or(|b| {
                        (plan.total_minutes, target) < (b.minutes, b.achievement_id)
                    });
                    if better {
                        best = Some(GapPathway {
                            achievement_id: target,
                            achievement_name: planner
                                .title(target)
                                .map_or_else(|| target.to_string(), str::to_owned),
                            minutes: plan.total_minutes,
                            plan,
                        });
                    }
                }
                Err(e) => last_reason = Some(e.to_string()),
            }
        }
        match best {
            Some(p) => {
                for s in p.plan.steps.iter().filter_map(|l| l.step.as_ref()) {
                    let kind = match s.kind {
                        StepKind::Module => 0,
                        StepKind::Assessment => 1,
                    };
                    if steps.insert((kind, s.id)) {
                        total = total.saturating_add(s.minutes);
                    }
                }
                per_requirement.push(Ok(Some(p)));
            }
            None => {
                complete = false;
                per_requirement.push(Err(last_reason.unwrap_or_else(|| {
                    match rg.requirement {
                        Requirement::Competency { min_level, .. } => format!(
                            "no achievement proves this competency at level {min_level} or above, so no learning is known to close it"
                        ),
                        Requirement::Achievement { .. } => {
                            "no pathway leads to this achievement".into()
                        }
                    }
                })));
            }
        }
    }
    Pathways {
        per_requirement,
        minutes_to_ready: complete.then_some(total),
    }
}

fn all_targets(role: &RoleProfile, provers: &HashMap<Uuid, Vec<(Uuid, i32)>>) -> Vec<Uuid> {
    let mut out: BTreeSet<Uuid> = BTreeSet::new();
    for r in &role.requirements {
        out.extend(targets_of(r, provers));
    }
    out.into_iter().collect()
}

impl App {
    /// A worker of the organization, named; anyone else is "not found".
    async fn worker_of(&self, c: &mut Conn<'_>, org: Uuid, user: Uuid) -> Result<WorkerRef> {
        let memberships = c.memberships_of_user(user).await?;
        let Some(m) = memberships.iter().find(|m| m.org_id == org) else {
            return Err(AppError::NotFound("worker (in this organization)".into()));
        };
        let u = c
            .user_by_id(user)
            .await?
            .ok_or_else(|| AppError::NotFound("worker".into()))?;
        Ok(WorkerRef {
            user_id: user,
            email: u.primary_email().map(str::to_owned),
            display_name: u.display_name,
            job_title: memberships
                .iter()
                .filter(|x| x.org_id == org)
                .find_map(|x| x.job_title.clone())
                .or_else(|| m.job_title.clone()),
        })
    }

    async fn named_proof(
        &self,
        c: &mut Conn<'_>,
        names: &mut Names,
        level: Option<i32>,
        p: &Provenance,
    ) -> Result<NamedProof> {
        Ok(NamedProof {
            level,
            credential_id: p.credential_id,
            achievement_id: p.achievement_id,
            achievement_name: names.achievement(c, p.achievement_id).await?,
            issuer_org_id: p.issuer_org_id,
            issuer_name: names.org(c, p.issuer_org_id).await?,
            issued_at: p.issued_at,
            valid_until: p.valid_until,
        })
    }

    /// A worker's credentials visible to the organization, as the pure functions take them.
    async fn visible_of_worker(
        &self,
        c: &mut Conn<'_>,
        org: Uuid,
        user: Uuid,
        at: OffsetDateTime,
    ) -> Result<(Vec<VisibleHeldRow>, Vec<HeldCredential>)> {
        let rows = c.visible_held_of_worker(org, user, at).await?;
        let mut alignments: HashMap<Uuid, Vec<AchievementAlignment>> = HashMap::new();
        for r in &rows {
            if !alignments.contains_key(&r.achievement_id)
                && let Some(a) = c.achievement(r.achievement_id).await?
            {
                alignments.insert(r.achievement_id, a.spec.alignments);
            }
        }
        let held = rows
            .iter()
            .map(|r| held_credential(r, &alignments))
            .collect();
        Ok((rows, held))
    }

    /// A worker's competency profile as the organization may see it: each competency at
    /// the highest level proved, with the credentials proving it.
    pub async fn worker_profile(
        &self,
        by: &Principal,
        slug: &str,
        user_id: Uuid,
    ) -> Result<WorkerProfileView> {
        let org = self.workforce_org(by, slug, Action::WorkforceView).await?;
        let at = now();
        let mut r = self.store.reader().await?;
        let worker = self.worker_of(&mut r.conn(), org.id, user_id).await?;
        let (_, held) = self
            .visible_of_worker(&mut r.conn(), org.id, user_id, at)
            .await?;
        let profile = CompetencyProfile::from_credentials(&held, at);
        let mut names = Names::default();
        let mut competencies = Vec::with_capacity(profile.competencies.len());
        for hc in &profile.competencies {
            let (code, statement) = names
                .competency(&mut r.conn(), hc.competency_id)
                .await?
                .unwrap_or_else(|| (None, hc.competency_id.to_string()));
            let mut proofs = Vec::with_capacity(hc.proofs.len());
            for p in &hc.proofs {
                proofs.push(
                    self.named_proof(&mut r.conn(), &mut names, Some(p.level), &p.provenance)
                        .await?,
                );
            }
            competencies.push(NamedCompetency {
                competency_id: hc.competency_id,
                code,
                statement,
                level: hc.level,
                proofs,
            });
        }
        competencies.sort_by(|a, b| {
            (a.code.is_none(), &a.code, &a.statement).cmp(&(
                b.code.is_none(),
                &b.code,
                &b.statement,
            ))
        });
        let mut achievements = Vec::with_capacity(profile.achievements.len());
        for ha in &profile.achievements {
            let mut proofs = Vec::with_capacity(ha.proofs.len());
            for p in &ha.proofs {
                proofs.push(self.named_proof(&mut r.conn(), &mut names, None, p).await?);
            }
            achievements.push(NamedAchievement {
                achievement_id: ha.achievement_id,
                name: names.achievement(&mut r.conn(), ha.achievement_id).await?,
                proofs,
            });
        }
        achievements.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(WorkerProfileView {
            worker,
            competencies,
            achievements,
            profile,
        })
    }

    /// A worker against a role: each requirement met, partly met, missing or expiring
    /// within `expiring_within_days` (0: not flagged), and for each one not met the
    /// quickest pathway, planned from what the organization may see (decision 0016).
    pub async fn worker_gap(
        &self,
        by: &Principal,
        slug: &str,
        user_id: Uuid,
        role_id: Uuid,
        expiring_within_days: u32,
    ) -> Result<WorkerGapView> {
        let org = self.workforce_org(by, slug, Action::WorkforceView).await?;
        let at = now();
        let mut r = self.store.reader().await?;
        let worker = self.worker_of(&mut r.conn(), org.id, user_id).await?;
        let role = self.current_role(&mut r.conn(), org.id, role_id).await?;
        let (rows, held) = self
            .visible_of_worker(&mut r.conn(), org.id, user_id, at)
            .await?;
        let profile = CompetencyProfile::from_credentials(&held, at);
        let g = gap(&profile, &role, at, expiring_within_days);
        let provers = provers(&parse_alignments(r.conn().achievement_alignments().await?)?);
        let planner = Planner::load(&mut r.conn(), &all_targets(&role, &provers)).await?;
        let held_for_plan = planner.held(rows.iter().map(|x| (x.achievement_id, x.credential_id)));
        let pathways = plan_gaps(&g, &planner, &held_for_plan, &provers);
        let mut names = Names::default();
        let mut requirements = Vec::with_capacity(g.requirements.len());
        for (rg, p) in g.requirements.iter().zip(pathways.per_requirement) {
            let (pathway, no_pathway) = match p {
                Ok(p) => (p, None),
                Err(why) => (None, Some(why)),
            };
            requirements.push(RequirementGapView {
                requirement: names.requirement(&mut r.conn(), &rg.requirement).await?,
                status: rg.status,
                pathway,
                no_pathway,
            });
        }
        Ok(WorkerGapView {
            worker,
            coverage: g.coverage,
            minutes_to_ready: pathways.minutes_to_ready,
            requirements,
            role,
            gap: g,
        })
    }

    /// How a team (none: the whole organization) covers a role: per requirement, how many
    /// workers meet it, partly meet it or miss it, from what the organization may see.
    pub async fn team_heat_map(
        &self,
        by: &Principal,
        slug: &str,
        team_id: Option<Uuid>,
        role_id: Uuid,
    ) -> Result<HeatMapView> {
        let org = self.workforce_org(by, slug, Action::WorkforceView).await?;
        let at = now();
        let mut r = self.store.reader().await?;
        let role = self.current_role(&mut r.conn(), org.id, role_id).await?;
        let (team, workers, rows) = match team_id {
            Some(t) => {
                let team = r
                    .conn()
                    .teams_of_org(org.id)
                    .await?
                    .into_iter()
                    .find(|x| x.id == t)
                    .ok_or_else(|| AppError::NotFound("team (in this organization)".into()))?;
                let workers = r.conn().workers_of_team(org.id, t).await?;
                let rows = r.conn().visible_held_in_team(org.id, t, at).await?;
                (
                    Some(TeamRef {
                        id: team.id,
                        name: team.name,
                    }),
                    workers,
                    rows,
                )
            }
            None => {
                let workers = r.conn().workers_of_org(org.id).await?;
                let rows = r.conn().visible_held_in_org(org.id, at).await?;
                (None, workers, rows)
            }
        };
        let alignments = parse_alignments(r.conn().achievement_alignments().await?)?;
        let mut by_worker: HashMap<Uuid, CompetencyProfile> =
            profiles_by_worker(&rows, &alignments, at)
                .into_iter()
                .collect();
        let profiles: Vec<(Uuid, CompetencyProfile)> = workers
            .iter()
            .map(|w| (w.user_id, by_worker.remove(&w.user_id).unwrap_or_default()))
            .collect();
        let coverage = team_coverage(&profiles, &role);
        let mut names = Names::default();
        let mut out_rows = Vec::with_capacity(coverage.rows.len());
        for row in &coverage.rows {
            out_rows.push(HeatMapRow {
                requirement: names.requirement(&mut r.conn(), &row.requirement).await?,
                met: row.met,
                partly_met: row.partly_met,
                missing: row.missing,
            });
        }
        Ok(HeatMapView {
            role,
            team,
            workers: coverage.workers,
            rows: out_rows,
            coverage,
        })
    }

    /// Workers ranked for a role: most requirements met, then least learning to ready,
    /// each with reasons. Only workers with at least one credential the organization may
    /// see are ranked; the others are counted. `limit` 0: all.
    pub async fn redeployment(
        &self,
        by: &Principal,
        slug: &str,
        role_id: Uuid,
        limit: usize,
    ) -> Result<RedeploymentView> {
        let org = self.workforce_org(by, slug, Action::WorkforceView).await?;
        let at = now();
        let mut r = self.store.reader().await?;
        let role = self.current_role(&mut r.conn(), org.id, role_id).await?;
        let workers = r.conn().workers_of_org(org.id).await?;
        let rows = r.conn().visible_held_in_org(org.id, at).await?;
        let alignments = parse_alignments(r.conn().achievement_alignments().await?)?;
        let provers = provers(&alignments);
        let planner = Planner::load(&mut r.conn(), &all_targets(&role, &provers)).await?;
        let mut candidates: Vec<(Uuid, CompetencyProfile, Option<u32>)> = Vec::new();
        let mut buf: Vec<HeldCredential> = Vec::new();
        // Every credential read is valid now, so a worker's gap and plans depend only on
        // which achievements they hold: workers holding the same ones are planned once.
        let mut minutes_by_held: HashMap<Vec<Uuid>, Option<u32>> = HashMap::new();
        for group in rows.chunk_by(|a, b| a.user_id == b.user_id) {
            let Some(first) = group.first() else { continue };
            buf.clear();
            buf.extend(group.iter().map(|x| held_credential(x, &alignments)));
            let profile = CompetencyProfile::from_credentials(&buf, at);
            let mut key: Vec<Uuid> = group.iter().map(|x| x.achievement_id).collect();
            key.sort_unstable();
            key.dedup();
            let minutes = match minutes_by_held.get(&key) {
                Some(m) => *m,
                None => {
                    let g = gap(&profile, &role, at, 0);
                    let held =
                        planner.held(group.iter().map(|x| (x.achievement_id, x.credential_id)));
                    let m = plan_gaps(&g, &planner, &held, &provers).minutes_to_ready;
                    minutes_by_held.insert(key, m);
                    m
                }
            };
            candidates.push((first.user_id, profile, minutes));
        }
        let mut names = Names::default();
        names
            .requirements(&mut r.conn(), &role.requirements)
            .await?;
        let ranked = rank_for_role_named(&candidates, &role, at, &|id| names.short(id));
        let consenting = u32::try_from(ranked.len()).unwrap_or(u32::MAX);
        let ranked_ids: std::collections::HashSet<Uuid> = candidates.iter().map(|c| c.0).collect();
        let not_consenting = u32::try_from(
            workers
                .iter()
                .filter(|w| !ranked_ids.contains(&w.user_id))
                .count(),
        )
        .unwrap_or(u32::MAX);
        let mut by_id: HashMap<Uuid, WorkerRef> = workers
            .into_iter()
            .map(|w| (w.user_id, WorkerRef::from(w)))
            .collect();
        let take = if limit == 0 { ranked.len() } else { limit };
        let candidates = ranked
            .into_iter()
            .take(take)
            .zip(1u32..)
            .map(|(x, rank)| Candidate {
                rank,
                worker: by_id.remove(&x.worker_id).unwrap_or(WorkerRef {
                    user_id: x.worker_id,
                    display_name: x.worker_id.to_string(),
                    email: None,
                    job_title: None,
                }),
                coverage: x.coverage,
                minutes_to_ready: x.minutes_to_ready,
                reasons: x.reasons,
                summary: x.summary,
                gap: x.gap,
            })
            .collect();
        Ok(RedeploymentView {
            role,
            candidates,
            consenting,
            not_consenting,
        })
    }

    /// Visible credentials of the organization's workers ending within `within_days`
    /// (1 to 3650), soonest first.
    pub async fn expiring_credentials(
        &self,
        by: &Principal,
        slug: &str,
        within_days: u32,
    ) -> Result<ExpiringView> {
        let org = self.workforce_org(by, slug, Action::WorkforceView).await?;
        if !(1..=3650).contains(&within_days) {
            return Err(cairn_core::validate::Invalid::new(
                "days",
                format!(
                    "is {within_days}; ask for a window of 1 to 3650 days (30, 60 or 90 are usual)"
                ),
            )
            .into());
        }
        let at = now();
        let until = at + Duration::days(i64::from(within_days));
        let mut r = self.store.reader().await?;
        let rows = r.conn().visible_held_in_org(org.id, at).await?;
        let ending: Vec<&VisibleHeldRow> = rows
            .iter()
            .filter(|x| x.valid_until.is_some_and(|u| u <= until))
            .collect();
        let mut workers: HashMap<Uuid, WorkerRef> = HashMap::new();
        if !ending.is_empty() {
            for w in r.conn().workers_of_org(org.id).await? {
                workers.insert(w.user_id, w.into());
            }
        }
        let mut names = Names::default();
        let mut out = Vec::with_capacity(ending.len());
        for x in ending {
            let Some(valid_until) = x.valid_until else {
                continue;
            };
            let Some(worker) = workers.get(&x.user_id).cloned() else {
                continue;
            };
            out.push(ExpiringCredential {
                worker,
                credential_id: x.credential_id,
                achievement_id: x.achievement_id,
                achievement_name: names.achievement(&mut r.conn(), x.achievement_id).await?,
                issuer_org_id: x.issuer_org_id,
                issuer_name: names.org(&mut r.conn(), x.issuer_org_id).await?,
                valid_until,
                days_left: (valid_until - at).whole_days(),
            });
        }
        out.sort_by(|a, b| {
            (a.valid_until, &a.worker.display_name, a.credential_id).cmp(&(
                b.valid_until,
                &b.worker.display_name,
                b.credential_id,
            ))
        });
        Ok(ExpiringView {
            within_days,
            credentials: out,
        })
    }

    /// Every worker × every current role profile of the organization at `at`: one read of
    /// the visible credentials and one of the achievements' alignments, then
    /// [`gap_matrix`] in memory.
    pub async fn org_gap_analysis(
        &self,
        by: &Principal,
        slug: &str,
        at: OffsetDateTime,
    ) -> Result<GapMatrix> {
        let org = self.workforce_org(by, slug, Action::WorkforceView).await?;
        let roles = self.current_roles(by, slug).await?;
        let mut r = self.store.reader().await?;
        let workers = u32::try_from(r.conn().count_members(org.id).await?).unwrap_or(u32::MAX);
        let rows = r.conn().visible_achievements_in_org(org.id, at).await?;
        let alignments = parse_alignments(r.conn().achievement_alignments().await?)?;
        drop(r);
        tokio::task::spawn_blocking(move || gap_matrix(&rows, &alignments, &roles, workers, at))
            .await
            .map_err(|e| AppError::Internal(format!("gap analysis: {e}")))
    }
}
