//! Workforce: role profiles, worker competency profiles, gap analysis, team coverage and
//! redeployment ranking.
//!
//! A [`RoleProfile`] is a job's requirements: competencies at a minimum proficiency level,
//! or achievements. A worker's [`CompetencyProfile`] is derived from the credentials they
//! hold ([`HeldCredential`]), keeping for every competency the highest level proved and
//! which credentials prove it (provenance). [`gap`] judges a profile against a role,
//! requirement by requirement; [`team_coverage`] counts a team into a heat map; and
//! [`rank_for_role`] orders candidates for redeployment, each with reasons in words.
//!
//! Levels: an alignment without a level counts as level 1, and so does one below 1 (the
//! credential still proves the competency; proficiency levels start at 1).
//!
//! Validity: the caller passes only credentials that are active (not revoked or
//! suspended); expiry is judged here against the `now` given. A credential whose
//! `valid_until` is at or before `now` proves nothing.
//!
//! Pure: no IO, no clock.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::entities::AchievementAlignment;
use crate::validate::{self, Invalid};

/// A role profile may list at most this many requirements.
pub const REQUIREMENTS_MAX: usize = 200;

/// One thing a role requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Requirement {
    /// The competency at `min_level` or above.
    Competency { competency_id: Uuid, min_level: i32 },
    /// A valid credential for this achievement.
    Achievement { achievement_id: Uuid },
}

/// A job's requirements (glossary: RoleProfile), kept per organization and versioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleProfile {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub version: u32,
    pub requirements: Vec<Requirement>,
}

impl RoleProfile {
    /// A name, a version from 1, 1 to [`REQUIREMENTS_MAX`] requirements, no competency or
    /// achievement required twice, and minimum levels of at least 1. The first problem
    /// found is reported, naming the requirement by its position (from 1).
    pub fn validate(&self) -> Result<(), Invalid> {
        validate::name("name", &self.name)?;
        if self.version == 0 {
            return Err(Invalid::new(
                "version",
                "is 0; role profile versions start at 1",
            ));
        }
        if self.requirements.is_empty() {
            return Err(Invalid::new(
                "requirements",
                "are empty; list at least one competency (with its minimum level) or achievement the role needs",
            ));
        }
        if self.requirements.len() > REQUIREMENTS_MAX {
            return Err(Invalid::new(
                "requirements",
                format!(
                    "list {} requirements; the limit is {REQUIREMENTS_MAX}: keep those that tell people apart",
                    self.requirements.len()
                ),
            ));
        }
        let mut seen: BTreeMap<(u8, Uuid), usize> = BTreeMap::new();
        for (i, r) in self.requirements.iter().enumerate() {
            let n = i + 1;
            let key = match r {
                Requirement::Competency {
                    competency_id,
                    min_level,
                } => {
                    if *min_level < 1 {
                        return Err(Invalid::new(
                            "requirements",
                            format!(
                                "requirement {n} asks for level {min_level} of competency {competency_id}; levels start at 1"
                            ),
                        ));
                    }
                    (0, *competency_id)
                }
                Requirement::Achievement { achievement_id } => (1, *achievement_id),
            };
            if let Some(first) = seen.insert(key, n) {
                let what = match r {
                    Requirement::Competency { competency_id, .. } => {
                        format!("competency {competency_id}")
                    }
                    Requirement::Achievement { achievement_id } => {
                        format!("achievement {achievement_id}")
                    }
                };
                return Err(Invalid::new(
                    "requirements",
                    format!(
                        "requirement {n} repeats {what}, already required by requirement {first}; keep one, with the level the role needs"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A credential a worker holds, as the workforce side needs it. Pass only active ones
/// (neither revoked nor suspended); expiry is judged against `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldCredential {
    pub credential_id: Uuid,
    pub achievement_id: Uuid,
    pub issuer_org_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub valid_until: Option<OffsetDateTime>,
    /// The competencies its achievement proves, each at a level when given.
    #[serde(default)]
    pub alignments: Vec<AchievementAlignment>,
}

impl HeldCredential {
    fn valid_at(&self, now: OffsetDateTime) -> bool {
        self.valid_until.is_none_or(|u| u > now)
    }

    fn provenance(&self) -> Provenance {
        Provenance {
            credential_id: self.credential_id,
            achievement_id: self.achievement_id,
            issuer_org_id: self.issuer_org_id,
            issued_at: self.issued_at,
            valid_until: self.valid_until,
        }
    }
}

/// Which credential proves something: the credential, its achievement, its issuer, and
/// when it stops being valid (none: no end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Provenance {
    pub credential_id: Uuid,
    pub achievement_id: Uuid,
    pub issuer_org_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub valid_until: Option<OffsetDateTime>,
}

impl Provenance {
    fn valid_at(&self, now: OffsetDateTime) -> bool {
        self.valid_until.is_none_or(|u| u > now)
    }
}

/// One credential proving a competency at a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompetencyProof {
    pub level: i32,
    pub provenance: Provenance,
}

/// A competency a worker holds: the highest level proved, the credential proving it
/// (of those at that level, the one valid longest), and every proof, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldCompetency {
    pub competency_id: Uuid,
    pub level: i32,
    pub provenance: Provenance,
    /// Highest level first, then the one valid longest, then by credential id.
    pub proofs: Vec<CompetencyProof>,
}

/// An achievement a worker holds, with every credential for it, valid longest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldAchievement {
    pub achievement_id: Uuid,
    pub proofs: Vec<Provenance>,
}

/// What a worker can show, derived from their valid credentials.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompetencyProfile {
    /// Sorted by competency id.
    pub competencies: Vec<HeldCompetency>,
    /// Sorted by achievement id.
    pub achievements: Vec<HeldAchievement>,
}

/// Later end first; no end is the latest of all.
fn later_end_first(a: Option<OffsetDateTime>, b: Option<OffsetDateTime>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => y.cmp(&x),
    }
}

fn provenance_order(a: &Provenance, b: &Provenance) -> Ordering {
    later_end_first(a.valid_until, b.valid_until)
        .then(a.credential_id.cmp(&b.credential_id))
        .then(a.achievement_id.cmp(&b.achievement_id))
}

impl CompetencyProfile {
    /// The profile of a worker holding `held` at `now`: credentials expired by then are
    /// left out; an alignment without a level (or below 1) counts as level 1; a
    /// credential naming a competency twice counts its highest level. The order of
    /// `held` does not matter.
    pub fn from_credentials(held: &[HeldCredential], now: OffsetDateTime) -> Self {
        let mut competencies: BTreeMap<Uuid, BTreeMap<Uuid, CompetencyProof>> = BTreeMap::new();
        let mut achievements: BTreeMap<Uuid, Vec<Provenance>> = BTreeMap::new();
        for c in held.iter().filter(|c| c.valid_at(now)) {
            let provenance = c.provenance();
            achievements
                .entry(c.achievement_id)
                .or_default()
                .push(provenance);
            for a in &c.alignments {
                let level = a.level.unwrap_or(1).max(1);
                let by_credential = competencies.entry(a.competency_id).or_default();
                let proof = by_credential
                    .entry(c.credential_id)
                    .or_insert(CompetencyProof { level, provenance });
                // The same credential id twice (a caller's mistake) keeps the better proof.
                let candidate = CompetencyProof { level, provenance };
                if proof_order(&candidate, proof) == Ordering::Less {
                    *proof = candidate;
                }
            }
        }
        let competencies = competencies
            .into_iter()
            .filter_map(|(competency_id, by_credential)| {
                let mut proofs: Vec<CompetencyProof> = by_credential.into_values().collect();
                proofs.sort_by(proof_order);
                let best = *proofs.first()?;
                Some(HeldCompetency {
                    competency_id,
                    level: best.level,
                    provenance: best.provenance,
                    proofs,
                })
            })
            .collect();
        let achievements = achievements
            .into_iter()
            .map(|(achievement_id, mut proofs)| {
                proofs.sort_by(provenance_order);
                proofs.dedup();
                HeldAchievement {
                    achievement_id,
                    proofs,
                }
            })
            .collect();
        CompetencyProfile {
            competencies,
            achievements,
        }
    }

    pub fn competency(&self, competency_id: Uuid) -> Option<&HeldCompetency> {
        self.competencies
            .binary_search_by(|c| c.competency_id.cmp(&competency_id))
            .ok()
            .and_then(|i| self.competencies.get(i))
    }

    pub fn achievement(&self, achievement_id: Uuid) -> Option<&HeldAchievement> {
        self.achievements
            .binary_search_by(|a| a.achievement_id.cmp(&achievement_id))
            .ok()
            .and_then(|i| self.achievements.get(i))
    }
}

fn proof_order(a: &CompetencyProof, b: &CompetencyProof) -> Ordering {
    b.level
        .cmp(&a.level)
        .then_with(|| provenance_order(&a.provenance, &b.provenance))
}

/// How far a worker is from one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RequirementStatus {
    Met,
    /// The competency is held, below the level needed.
    PartlyMet {
        have: i32,
        need: i32,
    },
    Missing,
    /// Met, but every credential proving it expires within the window; `on` is when the
    /// last of them does.
    ExpiringSoon {
        #[serde(with = "time::serde::rfc3339")]
        on: OffsetDateTime,
    },
}

impl RequirementStatus {
    /// Met or expiring soon: counts towards coverage.
    pub fn is_met(&self) -> bool {
        matches!(
            self,
            RequirementStatus::Met | RequirementStatus::ExpiringSoon { .. }
        )
    }
}

/// One requirement of a role and where the worker stands on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequirementGap {
    pub requirement: Requirement,
    pub status: RequirementStatus,
}

/// The share of a role's requirements met, as an exact fraction: `numerator` requirements
/// met of `denominator`. Not reduced, so it reads "4 of 5".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    pub numerator: u32,
    pub denominator: u32,
}

impl Coverage {
    /// Every requirement met (vacuously so when there are none).
    pub fn is_complete(&self) -> bool {
        self.numerator >= self.denominator
    }

    /// Compares the fractions' values (2 of 4 equals 1 of 2); no requirements counts as
    /// all met.
    pub fn compare(&self, other: &Coverage) -> Ordering {
        let value = |c: &Coverage| {
            if c.denominator == 0 {
                (1u64, 1u64)
            } else {
                (u64::from(c.numerator), u64::from(c.denominator))
            }
        };
        let (a, b) = value(self);
        let (c, d) = value(other);
        (a * d).cmp(&(c * b))
    }
}

/// Where a worker stands against a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleGap {
    pub role_id: Uuid,
    pub role_version: u32,
    /// One per requirement, in the role's order.
    pub requirements: Vec<RequirementGap>,
    pub coverage: Coverage,
}

/// When credentials count as expiring soon.
#[derive(Debug, Clone, Copy)]
enum Horizon {
    /// Never: nothing is flagged.
    None,
    /// Ending at or before this time.
    Until(OffsetDateTime),
    /// Ending at any time (the window reaches past the calendar).
    Any,
}

impl Horizon {
    fn covers(self, end: Option<OffsetDateTime>) -> bool {
        match (self, end) {
            (_, None) | (Horizon::None, _) => false,
            (Horizon::Any, Some(_)) => true,
            (Horizon::Until(h), Some(e)) => e <= h,
        }
    }
}

/// `now`: proofs expired by then are ignored; none: every proof in the profile counts.
fn judge(
    profile: &CompetencyProfile,
    requirement: &Requirement,
    now: Option<OffsetDateTime>,
    horizon: Horizon,
) -> RequirementStatus {
    let valid = |p: &Provenance| now.is_none_or(|n| p.valid_at(n));
    let met_unless_expiring = |ends: &mut dyn Iterator<Item = Option<OffsetDateTime>>| {
        let mut last: Option<OffsetDateTime> = None;
        for end in ends {
            match end {
                Some(e) if horizon.covers(Some(e)) => {
                    last = Some(last.map_or(e, |l| l.max(e)));
                }
                _ => return RequirementStatus::Met,
            }
        }
        last.map_or(RequirementStatus::Met, |on| {
            RequirementStatus::ExpiringSoon { on }
        })
    };
    match requirement {
        Requirement::Competency {
            competency_id,
            min_level,
        } => {
            let Some(held) = profile.competency(*competency_id) else {
                return RequirementStatus::Missing;
            };
            let have = held
                .proofs
                .iter()
                .filter(|p| valid(&p.provenance))
                .map(|p| p.level)
                .max();
            match have {
                None => RequirementStatus::Missing,
                Some(have) if have < *min_level => RequirementStatus::PartlyMet {
                    have,
                    need: *min_level,
                },
                Some(_) => met_unless_expiring(
                    &mut held
                        .proofs
                        .iter()
                        .filter(|p| p.level >= *min_level && valid(&p.provenance))
                        .map(|p| p.provenance.valid_until),
                ),
            }
        }
        Requirement::Achievement { achievement_id } => {
            let Some(held) = profile.achievement(*achievement_id) else {
                return RequirementStatus::Missing;
            };
            let mut ends = held
                .proofs
                .iter()
                .filter(|p| valid(p))
                .map(|p| p.valid_until)
                .peekable();
            if ends.peek().is_none() {
                return RequirementStatus::Missing;
            }
            met_unless_expiring(&mut ends)
        }
    }
}

fn gap_with(
    profile: &CompetencyProfile,
    role: &RoleProfile,
    now: Option<OffsetDateTime>,
    horizon: Horizon,
) -> RoleGap {
    let requirements: Vec<RequirementGap> = role
        .requirements
        .iter()
        .map(|r| RequirementGap {
            requirement: r.clone(),
            status: judge(profile, r, now, horizon),
        })
        .collect();
    let met = requirements.iter().filter(|g| g.status.is_met()).count();
    RoleGap {
        role_id: role.id,
        role_version: role.version,
        coverage: Coverage {
            numerator: u32::try_from(met).unwrap_or(u32::MAX),
            denominator: u32::try_from(requirements.len()).unwrap_or(u32::MAX),
        },
        requirements,
    }
}

/// The gap between a worker's profile and a role at `now`, requirement by requirement.
/// A requirement is expiring soon when met but every credential proving it ends within
/// `expiring_within_days` days of `now` (0: nothing is flagged). Credentials expired by
/// `now` prove nothing.
pub fn gap(
    profile: &CompetencyProfile,
    role: &RoleProfile,
    now: OffsetDateTime,
    expiring_within_days: u32,
) -> RoleGap {
    let horizon = if expiring_within_days == 0 {
        Horizon::None
    } else {
        now.checked_add(Duration::days(i64::from(expiring_within_days)))
            .map_or(Horizon::Any, Horizon::Until)
    };
    gap_with(profile, role, Some(now), horizon)
}

/// One row of a team's heat map: how many workers meet, partly meet or miss a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageRow {
    pub requirement: Requirement,
    /// Expiring soon counts as met.
    pub met: u32,
    /// Held below the level needed (competencies only).
    pub partly_met: u32,
    pub missing: u32,
}

/// A team against a role: one row per requirement, in the role's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamCoverage {
    pub role_id: Uuid,
    pub role_version: u32,
    pub workers: u32,
    pub rows: Vec<CoverageRow>,
}

/// The heat map of a team against a role. Every row counts each worker once:
/// `met + partly_met + missing == workers`. The profiles are taken as they are (derive
/// them at the time of interest); achievement requirements are rows too, never partly met.
pub fn team_coverage(profiles: &[(Uuid, CompetencyProfile)], role: &RoleProfile) -> TeamCoverage {
    let mut rows: Vec<CoverageRow> = role
        .requirements
        .iter()
        .map(|r| CoverageRow {
            requirement: r.clone(),
            met: 0,
            partly_met: 0,
            missing: 0,
        })
        .collect();
    for (_, profile) in profiles {
        for row in &mut rows {
            match judge(profile, &row.requirement, None, Horizon::None) {
                RequirementStatus::Met | RequirementStatus::ExpiringSoon { .. } => row.met += 1,
                RequirementStatus::PartlyMet { .. } => row.partly_met += 1,
                RequirementStatus::Missing => row.missing += 1,
            }
        }
    }
    TeamCoverage {
        role_id: role.id,
        role_version: role.version,
        workers: u32::try_from(profiles.len()).unwrap_or(u32::MAX),
        rows,
    }
}

/// A candidate for a role, in rank order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked {
    pub worker_id: Uuid,
    pub coverage: Coverage,
    /// Learning still needed, from a pathway plan; none when not known.
    pub minutes_to_ready: Option<u32>,
    pub gap: RoleGap,
    /// The reasons, each a phrase: "meets 4 of 5 requirements", "missing: …", …
    pub reasons: Vec<String>,
    /// The reasons in one line, joined by "; ".
    pub summary: String,
}

/// Candidates for a role, best first: higher coverage, then less time to ready (unknown
/// last), then worker id. Each comes with reasons in words; requirements are named by id
/// (see [`rank_for_role_named`]). Credentials expired by `now` prove nothing; requirements
/// about to expire count as met and are not flagged here (see [`gap`]). A worker listed
/// twice is ranked twice.
pub fn rank_for_role(
    candidates: &[(Uuid, CompetencyProfile, Option<u32>)],
    role: &RoleProfile,
    now: OffsetDateTime,
) -> Vec<Ranked> {
    rank_for_role_named(candidates, role, now, &|_| None)
}

/// [`rank_for_role`], naming competencies and achievements with `names` where it knows them.
pub fn rank_for_role_named(
    candidates: &[(Uuid, CompetencyProfile, Option<u32>)],
    role: &RoleProfile,
    now: OffsetDateTime,
    names: &dyn Fn(Uuid) -> Option<String>,
) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = candidates
        .iter()
        .map(|(worker_id, profile, minutes)| {
            let gap = gap_with(profile, role, Some(now), Horizon::None);
            let reasons = reasons(&gap, *minutes, names);
            Ranked {
                worker_id: *worker_id,
                coverage: gap.coverage,
                minutes_to_ready: *minutes,
                summary: reasons.join("; "),
                reasons,
                gap,
            }
        })
        .collect();
    ranked.sort_by(rank_order);
    ranked
}

fn rank_order(a: &Ranked, b: &Ranked) -> Ordering {
    let minutes = |m: Option<u32>| m.map_or((1, 0), |m| (0, m));
    b.coverage
        .compare(&a.coverage)
        .then(minutes(a.minutes_to_ready).cmp(&minutes(b.minutes_to_ready)))
        .then(a.worker_id.cmp(&b.worker_id))
}

fn name_of(names: &dyn Fn(Uuid) -> Option<String>, id: Uuid) -> String {
    names(id).map_or_else(|| id.to_string(), |n| format!("\"{n}\""))
}

fn requirement_id(r: &Requirement) -> Uuid {
    match r {
        Requirement::Competency { competency_id, .. } => *competency_id,
        Requirement::Achievement { achievement_id } => *achievement_id,
    }
}

/// "45 min", "2 h", "1 h 30 min".
fn duration_words(minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn reasons(
    gap: &RoleGap,
    minutes: Option<u32>,
    names: &dyn Fn(Uuid) -> Option<String>,
) -> Vec<String> {
    let Coverage {
        numerator,
        denominator,
    } = gap.coverage;
    let mut out = Vec::new();
    let plural = if denominator == 1 {
        "requirement"
    } else {
        "requirements"
    };
    out.push(if numerator == denominator {
        format!("meets all {denominator} {plural}")
    } else {
        format!("meets {numerator} of {denominator} {plural}")
    });
    let mut missing = Vec::new();
    let mut below = Vec::new();
    for g in &gap.requirements {
        let name = name_of(names, requirement_id(&g.requirement));
        match g.status {
            RequirementStatus::Missing => missing.push(name),
            RequirementStatus::PartlyMet { have, need } => {
                below.push(format!("{name} (level {have} of {need})"));
            }
            RequirementStatus::Met | RequirementStatus::ExpiringSoon { .. } => {}
        }
    }
    if !missing.is_empty() {
        out.push(format!("missing: {}", missing.join(", ")));
    }
    if !below.is_empty() {
        out.push(format!("below the level needed: {}", below.join(", ")));
    }
    out.push(match minutes {
        Some(0) => "ready now".to_owned(),
        Some(m) => format!("about {} of learning to ready", duration_words(m)),
        None => "time to ready not known".to_owned(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// Competencies 1–3, achievements 10–19, credentials 100+, workers 1000+, issuers 500+.
    fn comp(c: u128, min_level: i32) -> Requirement {
        Requirement::Competency {
            competency_id: id(c),
            min_level,
        }
    }

    fn ach(a: u128) -> Requirement {
        Requirement::Achievement {
            achievement_id: id(a),
        }
    }

    fn role(requirements: Vec<Requirement>) -> RoleProfile {
        RoleProfile {
            id: id(900),
            org_id: id(901),
            name: "ICD-11 Clinical Coder".to_owned(),
            description: String::new(),
            version: 1,
            requirements,
        }
    }

    fn cred(
        credential: u128,
        achievement: u128,
        valid_days: Option<i64>,
        alignments: &[(u128, Option<i32>)],
    ) -> HeldCredential {
        HeldCredential {
            credential_id: id(credential),
            achievement_id: id(achievement),
            issuer_org_id: id(500 + achievement),
            issued_at: NOW - Duration::days(100),
            valid_until: valid_days.map(|d| NOW + Duration::days(d)),
            alignments: alignments
                .iter()
                .map(|(c, level)| AchievementAlignment {
                    competency_id: id(*c),
                    level: *level,
                })
                .collect(),
        }
    }

    // ---- validation ----

    #[test]
    fn a_sound_role_validates() {
        assert_eq!(
            role(vec![comp(1, 2), comp(2, 1), ach(10)]).validate(),
            Ok(())
        );
    }

    #[test]
    fn validation_says_what_to_fix() {
        let mut r = role(vec![comp(1, 2)]);
        r.name = "  ".to_owned();
        assert_eq!(r.validate().unwrap_err().field, "name");

        let mut r = role(vec![comp(1, 2)]);
        r.version = 0;
        let e = r.validate().unwrap_err();
        assert_eq!(e.field, "version");
        assert!(e.message.contains("start at 1"), "{e}");

        let e = role(vec![]).validate().unwrap_err();
        assert!(e.message.contains("at least one"), "{e}");

        let e = role(vec![comp(1, 2), comp(2, 0)]).validate().unwrap_err();
        assert_eq!(
            e.message,
            format!(
                "requirement 2 asks for level 0 of competency {}; levels start at 1",
                id(2)
            )
        );

        // The same competency at another level is still a duplicate.
        let e = role(vec![comp(1, 2), ach(10), comp(1, 3)])
            .validate()
            .unwrap_err();
        assert_eq!(
            e.message,
            format!(
                "requirement 3 repeats competency {}, already required by requirement 1; keep one, with the level the role needs",
                id(1)
            )
        );
        let e = role(vec![ach(10), ach(10)]).validate().unwrap_err();
        assert!(e.message.contains("repeats achievement"), "{e}");

        // A competency and an achievement may share an id space without clashing.
        assert_eq!(role(vec![comp(10, 1), ach(10)]).validate(), Ok(()));

        let e = role((0..=REQUIREMENTS_MAX as u128).map(ach).collect())
            .validate()
            .unwrap_err();
        assert!(e.message.contains("the limit is 200"), "{e}");
    }

    #[test]
    fn role_profiles_round_trip_through_json() {
        let r = role(vec![comp(1, 2), ach(10)]);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["requirements"][0]["type"], "competency");
        assert_eq!(json["requirements"][1]["type"], "achievement");
        assert_eq!(serde_json::from_value::<RoleProfile>(json).unwrap(), r);
    }

    // ---- the competency profile ----

    #[test]
    fn the_profile_keeps_the_highest_level_with_its_provenance() {
        let held = [
            // Competency 1 at level 2, valid 400 more days; competency 2 with no level: 1.
            cred(100, 10, Some(400), &[(1, Some(2)), (2, None)]),
            // Competency 1 at level 3 — the highest — valid 30 more days.
            cred(101, 11, Some(30), &[(1, Some(3))]),
            // Competency 1 at level 3 again, no end: preferred as provenance.
            cred(102, 12, None, &[(1, Some(3)), (1, Some(1))]),
            // Expired yesterday: proves nothing, not even competency 3.
            cred(103, 13, Some(-1), &[(3, Some(5))]),
            // A level below 1 counts as 1.
            cred(104, 14, None, &[(2, Some(0))]),
        ];
        let p = CompetencyProfile::from_credentials(&held, NOW);
        let c1 = p.competency(id(1)).unwrap();
        assert_eq!(c1.level, 3);
        assert_eq!(c1.provenance.credential_id, id(102));
        assert_eq!(c1.provenance.issuer_org_id, id(512));
        assert_eq!(c1.provenance.valid_until, None);
        // Best first: 102 (3, no end), 101 (3, 30 days), 100 (2); 102 counted once at 3.
        let order: Vec<(Uuid, i32)> = c1
            .proofs
            .iter()
            .map(|p| (p.provenance.credential_id, p.level))
            .collect();
        assert_eq!(order, vec![(id(102), 3), (id(101), 3), (id(100), 2)]);
        let c2 = p.competency(id(2)).unwrap();
        assert_eq!(c2.level, 1);
        assert_eq!(c2.proofs.len(), 2);
        assert!(p.competency(id(3)).is_none());
        assert!(p.achievement(id(13)).is_none());
        assert_eq!(
            p.achievement(id(11)).unwrap().proofs[0].valid_until,
            Some(NOW + Duration::days(30))
        );
        assert_eq!(p.achievements.len(), 4);
    }

    // ---- a three-worker team against one role ----
    //
    // Role: competency 1 at level ≥ 2, competency 2 at ≥ 3, competency 3 at ≥ 1,
    // achievement 10. Window for "expiring soon": 30 days.
    //
    // Worker 1001 holds
    //   100: achievement 10, no end, competency 1 level 3, competency 3 (no level → 1)
    //   101: achievement 11, ends in 20 days, competency 2 level 3
    //   → c1 met (3 ≥ 2), c2 met but its only proof ends in 20 ≤ 30 days: expiring soon,
    //     c3 met (1 ≥ 1), a10 met. Coverage 4/4 (expiring soon counts as met).
    // Worker 1002 holds
    //   110: achievement 10, ends in 200 days, competency 1 level 2, competency 2 level 2
    //   → c1 met (2 ≥ 2), c2 partly met (have 2, need 3), c3 missing, a10 met
    //     (200 > 30 days). Coverage 2/4.
    // Worker 1003 holds
    //   120: achievement 12, no end, competency 1 level 1, competency 2 level 3,
    //        competency 3 level 2
    //   121: achievement 10, expired yesterday, competency 1 level 4
    //   → c1 partly met (the expired level 4 does not count: have 1, need 2), c2 met,
    //     c3 met, a10 missing (only an expired credential). Coverage 2/4.
    //
    // Heat map: c1 met 2 (1001, 1002), partly 1 (1003), missing 0
    //           c2 met 2 (1001 expiring, 1003), partly 1 (1002), missing 0
    //           c3 met 2 (1001, 1003), partly 0, missing 1 (1002)
    //           a10 met 2 (1001, 1002), partly 0, missing 1 (1003)
    fn team() -> (RoleProfile, Vec<(Uuid, CompetencyProfile)>) {
        let r = role(vec![comp(1, 2), comp(2, 3), comp(3, 1), ach(10)]);
        let w1 = [
            cred(100, 10, None, &[(1, Some(3)), (3, None)]),
            cred(101, 11, Some(20), &[(2, Some(3))]),
        ];
        let w2 = [cred(110, 10, Some(200), &[(1, Some(2)), (2, Some(2))])];
        let w3 = [
            cred(120, 12, None, &[(1, Some(1)), (2, Some(3)), (3, Some(2))]),
            cred(121, 10, Some(-1), &[(1, Some(4))]),
        ];
        let profiles = vec![
            (id(1001), CompetencyProfile::from_credentials(&w1, NOW)),
            (id(1002), CompetencyProfile::from_credentials(&w2, NOW)),
            (id(1003), CompetencyProfile::from_credentials(&w3, NOW)),
        ];
        (r, profiles)
    }

    fn statuses(g: &RoleGap) -> Vec<RequirementStatus> {
        g.requirements.iter().map(|r| r.status).collect()
    }

    #[test]
    fn each_workers_gap() {
        use RequirementStatus::*;
        let (r, team) = team();
        let g1 = gap(&team[0].1, &r, NOW, 30);
        assert_eq!(
            statuses(&g1),
            vec![
                Met,
                ExpiringSoon {
                    on: NOW + Duration::days(20)
                },
                Met,
                Met
            ]
        );
        assert_eq!(
            g1.coverage,
            Coverage {
                numerator: 4,
                denominator: 4
            }
        );
        assert!(g1.coverage.is_complete());
        // With a window shorter than 20 days nothing is flagged.
        assert_eq!(statuses(&gap(&team[0].1, &r, NOW, 19))[1], Met);
        assert_eq!(statuses(&gap(&team[0].1, &r, NOW, 0))[1], Met);

        let g2 = gap(&team[1].1, &r, NOW, 30);
        assert_eq!(
            statuses(&g2),
            vec![Met, PartlyMet { have: 2, need: 3 }, Missing, Met]
        );
        assert_eq!((g2.coverage.numerator, g2.coverage.denominator), (2, 4));

        let g3 = gap(&team[2].1, &r, NOW, 30);
        assert_eq!(
            statuses(&g3),
            vec![PartlyMet { have: 1, need: 2 }, Met, Met, Missing]
        );
        assert_eq!((g3.coverage.numerator, g3.coverage.denominator), (2, 4));

        // Judged 21 days on, worker 1001's competency 2 has expired: 3/4.
        let later = gap(&team[0].1, &r, NOW + Duration::days(21), 30);
        assert_eq!(statuses(&later)[1], Missing);
        assert_eq!(later.coverage.numerator, 3);
    }

    #[test]
    fn the_teams_heat_map() {
        let (r, team) = team();
        let map = team_coverage(&team, &r);
        assert_eq!(map.workers, 3);
        let counts: Vec<(u32, u32, u32)> = map
            .rows
            .iter()
            .map(|row| (row.met, row.partly_met, row.missing))
            .collect();
        assert_eq!(counts, vec![(2, 1, 0), (2, 1, 0), (2, 0, 1), (2, 0, 1)]);
        assert_eq!(map.rows[3].requirement, ach(10));
    }

    #[test]
    fn the_ranking_and_its_ties() {
        let (r, team) = team();
        let with = |m: [Option<u32>; 3]| -> Vec<(Uuid, CompetencyProfile, Option<u32>)> {
            team.iter()
                .zip(m)
                .map(|((w, p), m)| (*w, p.clone(), m))
                .collect()
        };
        let order = |ranked: &[Ranked]| ranked.iter().map(|r| r.worker_id).collect::<Vec<_>>();

        // 1001 (4/4) first; 1002 and 1003 tie at 2/4, so 45 min beats 120 min: 1003, 1002.
        let ranked = rank_for_role(&with([Some(0), Some(120), Some(45)]), &r, NOW);
        assert_eq!(order(&ranked), vec![id(1001), id(1003), id(1002)]);
        assert_eq!(ranked[0].summary, "meets all 4 requirements; ready now");
        assert_eq!(
            ranked[2].summary,
            format!(
                "meets 2 of 4 requirements; missing: {}; below the level needed: {} (level 2 of 3); about 2 h of learning to ready",
                id(3),
                id(2)
            )
        );

        // Same coverage, same minutes: worker id decides, 1002 before 1003.
        let ranked = rank_for_role(&with([None, Some(60), Some(60)]), &r, NOW);
        assert_eq!(order(&ranked), vec![id(1001), id(1002), id(1003)]);
        assert_eq!(
            ranked[0].summary,
            "meets all 4 requirements; time to ready not known"
        );

        // Unknown time to ready goes last among equals, even behind a long known one.
        let ranked = rank_for_role(&with([Some(0), None, Some(6000)]), &r, NOW);
        assert_eq!(order(&ranked), vec![id(1001), id(1003), id(1002)]);

        // Both unknown: worker id.
        let ranked = rank_for_role(&with([Some(0), None, None]), &r, NOW);
        assert_eq!(order(&ranked), vec![id(1001), id(1002), id(1003)]);

        // Names where known.
        let names = |u: Uuid| match u.as_u128() {
            1 => Some("ICD-11 coding".to_owned()),
            10 => Some("Coder badge".to_owned()),
            _ => None,
        };
        let ranked = rank_for_role_named(&with([Some(0), None, Some(95)]), &r, NOW, &names);
        assert_eq!(ranked[1].worker_id, id(1003));
        assert_eq!(
            ranked[1].summary,
            "meets 2 of 4 requirements; missing: \"Coder badge\"; below the level needed: \"ICD-11 coding\" (level 1 of 2); about 1 h 35 min of learning to ready"
        );
    }

    #[test]
    fn coverage_compares_values() {
        let c = |n, d| Coverage {
            numerator: n,
            denominator: d,
        };
        assert_eq!(c(2, 4).compare(&c(1, 2)), Ordering::Equal);
        assert_eq!(c(3, 4).compare(&c(2, 3)), Ordering::Greater);
        assert_eq!(c(0, 0).compare(&c(5, 5)), Ordering::Equal);
        assert!(c(0, 0).is_complete());
        assert_eq!(duration_words(45), "45 min");
        assert_eq!(duration_words(120), "2 h");
    }

    #[test]
    fn a_huge_window_flags_every_expiring_proof() {
        let r = role(vec![ach(10)]);
        let p = CompetencyProfile::from_credentials(&[cred(100, 10, Some(5000), &[])], NOW);
        assert_eq!(
            statuses(&gap(&p, &r, NOW, u32::MAX)),
            vec![RequirementStatus::ExpiringSoon {
                on: NOW + Duration::days(5000)
            }]
        );
    }

    // ---- properties ----

    fn arb_credential() -> impl Strategy<Value = HeldCredential> {
        (
            100u128..160,
            10u128..14,
            prop::option::of(-30i64..120),
            prop::collection::vec((1u128..6, prop::option::of(-1i32..5)), 0..4),
        )
            .prop_map(|(c, a, days, al)| cred(c, a, days, &al))
    }

    fn arb_role() -> impl Strategy<Value = RoleProfile> {
        (
            prop::collection::btree_map(1u128..6, 1i32..5, 0..5),
            prop::collection::btree_set(10u128..14, 0..3),
        )
            .prop_filter_map("a role needs a requirement", |(comps, achs)| {
                let mut reqs: Vec<Requirement> =
                    comps.into_iter().map(|(c, l)| comp(c, l)).collect();
                reqs.extend(achs.into_iter().map(ach));
                (!reqs.is_empty()).then(|| role(reqs))
            })
    }

    /// Met ≥ expiring soon > partly met (by level) > missing.
    fn standing(s: &RequirementStatus) -> (u8, i64) {
        match s {
            RequirementStatus::Missing => (0, 0),
            RequirementStatus::PartlyMet { have, .. } => (1, i64::from(*have)),
            RequirementStatus::ExpiringSoon { on } => (2, on.unix_timestamp()),
            RequirementStatus::Met => (3, 0),
        }
    }

    proptest! {
        #[test]
        fn generated_roles_validate_and_round_trip(r in arb_role()) {
            prop_assert_eq!(r.validate(), Ok(()));
            let json = serde_json::to_string(&r).unwrap();
            prop_assert_eq!(serde_json::from_str::<RoleProfile>(&json).unwrap(), r);
        }

        #[test]
        fn adding_a_credential_never_lowers_coverage_or_any_requirement(
            held in prop::collection::vec(arb_credential(), 0..6),
            extra in arb_credential(),
            r in arb_role(),
            window in 0u32..60,
        ) {
            let before = gap(&CompetencyProfile::from_credentials(&held, NOW), &r, NOW, window);
            let mut more = held.clone();
            more.push(extra);
            let after = gap(&CompetencyProfile::from_credentials(&more, NOW), &r, NOW, window);
            prop_assert!(after.coverage.numerator >= before.coverage.numerator);
            for (b, a) in before.requirements.iter().zip(&after.requirements) {
                prop_assert!(standing(&a.status) >= standing(&b.status), "{:?} → {:?}", b, a);
            }
        }

        #[test]
        fn coverage_counts_the_met_requirements(
            held in prop::collection::vec(arb_credential(), 0..6),
            r in arb_role(),
            window in 0u32..60,
        ) {
            let g = gap(&CompetencyProfile::from_credentials(&held, NOW), &r, NOW, window);
            prop_assert!(g.coverage.numerator <= g.coverage.denominator);
            prop_assert_eq!(g.coverage.denominator as usize, r.requirements.len());
            let met = g.requirements.iter().filter(|q| q.status.is_met()).count();
            prop_assert_eq!(g.coverage.numerator as usize, met);
            for q in &g.requirements {
                if let RequirementStatus::PartlyMet { have, need } = q.status {
                    prop_assert!(have >= 1 && have < need);
                }
                if let RequirementStatus::ExpiringSoon { on } = q.status {
                    prop_assert!(on > NOW && on <= NOW + Duration::days(i64::from(window)));
                }
            }
        }

        #[test]
        fn the_profile_ignores_the_order_held_and_takes_the_best_valid_level(
            (held, shuffled) in prop::collection::vec(arb_credential(), 0..8)
                .prop_map(|h| {
                    // Distinct credential ids, as real holdings have.
                    let mut seen = std::collections::BTreeSet::new();
                    h.into_iter().filter(|c| seen.insert(c.credential_id)).collect::<Vec<_>>()
                })
                .prop_flat_map(|h| (Just(h.clone()), Just(h).prop_shuffle())),
        ) {
            let p = CompetencyProfile::from_credentials(&held, NOW);
            prop_assert_eq!(&CompetencyProfile::from_credentials(&shuffled, NOW), &p);
            for c in 1u128..6 {
                let best = held
                    .iter()
                    .filter(|h| h.valid_until.is_none_or(|u| u > NOW))
                    .flat_map(|h| &h.alignments)
                    .filter(|a| a.competency_id == id(c))
                    .map(|a| a.level.unwrap_or(1).max(1))
                    .max();
                prop_assert_eq!(p.competency(id(c)).map(|h| h.level), best);
            }
        }

        #[test]
        fn ranking_is_a_total_order_independent_of_input_order(
            (cands, shuffled) in prop::collection::vec(
                (prop::collection::vec(arb_credential(), 0..5), prop::option::of(0u32..300)),
                0..7,
            )
            .prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (held, m))| {
                        (id(1000 + i as u128), CompetencyProfile::from_credentials(&held, NOW), m)
                    })
                    .collect::<Vec<_>>()
            })
            .prop_flat_map(|c| (Just(c.clone()), Just(c).prop_shuffle())),
            r in arb_role(),
        ) {
            let ranked = rank_for_role(&cands, &r, NOW);
            prop_assert_eq!(&rank_for_role(&shuffled, &r, NOW), &ranked);
            prop_assert_eq!(ranked.len(), cands.len());
            for pair in ranked.windows(2) {
                // Strictly ordered: distinct workers never compare equal.
                prop_assert_eq!(rank_order(&pair[0], &pair[1]), Ordering::Less);
                prop_assert_ne!(pair[0].coverage.compare(&pair[1].coverage), Ordering::Less);
            }
        }

        #[test]
        fn the_heat_map_counts_every_worker_once_and_agrees_with_each_gap(
            teams in prop::collection::vec(prop::collection::vec(arb_credential(), 0..5), 0..6),
            r in arb_role(),
        ) {
            let profiles: Vec<(Uuid, CompetencyProfile)> = teams
                .iter()
                .enumerate()
                .map(|(i, h)| (id(1000 + i as u128), CompetencyProfile::from_credentials(h, NOW)))
                .collect();
            let map = team_coverage(&profiles, &r);
            prop_assert_eq!(map.rows.len(), r.requirements.len());
            for (k, row) in map.rows.iter().enumerate() {
                prop_assert_eq!(row.met + row.partly_met + row.missing, map.workers);
                let met = profiles
                    .iter()
                    .filter(|(_, p)| gap(p, &r, NOW, 0).requirements[k].status.is_met())
                    .count();
                prop_assert_eq!(row.met as usize, met);
            }
        }
    }
}
