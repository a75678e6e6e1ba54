//! The demo's workforce: Riverside Health Network's manager, Daniel Reyes, copies the seven
//! role templates; the council's achievements say which competencies of the shipped
//! framework they prove; most workers share everything with Riverside, a few share single
//! credentials and a few share nothing, so the consent story can be seen; the learner
//! persona shares two of hers; two coders hold the council's ICD-11 Clinical Coder
//! micro-credential and are ready for the coder role; a few credentials end within 30, 60
//! and 90 days; and a few assignments are open, due soon or overdue.
//!
//! Runs once, at the end of `seed_demo`, with its own seeded generator, so the world is
//! the same on every run. Expiry and due dates are relative to the day of seeding: they
//! must fall in the windows the pages show.

use cairn_core::rng::SeededRng;
use cairn_core::{Achievement, AchievementAlignment, Principal, PrincipalKind};
use cairn_store::{NewAssignmentRow, ShareRow, WorkerRow};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::assignments::{NewAssignment, Target, TargetKind};
use crate::credentials::{IssueRequest, Recipient};
use crate::demo::{DEMO_SEED, EMPLOYER_SLUG, PERSONAS, PLATFORM_ISSUER_SLUG};
use crate::role_templates::ROLE_TEMPLATES;
use crate::{App, Result, audit_entry, now};

/// What each demo achievement of the council proves: competency codes of the shipped
/// framework with the level. Achievements that already name competencies keep theirs.
const ALIGNMENTS: &[(&str, &[(&str, i32)])] = &[
    (
        "ICD-11 Coding Foundations",
        &[("ICD.1", 2), ("ICD.2", 2), ("TECH.1", 2)],
    ),
    (
        "ICD-11 Postcoordination",
        &[("ICD.2", 3), ("ICD.3", 3), ("ICD.5", 2)],
    ),
    (
        "Clinical Documentation Integrity",
        &[
            ("ICD.4", 3),
            ("VBC.4", 3),
            ("COMM.2", 2),
            ("COMM.3", 3),
            ("CRIT.1", 2),
        ],
    ),
    (
        "Health Data Quality",
        &[("DATA.1", 2), ("DATA.2", 3), ("DATA.3", 3), ("DATA.4", 2)],
    ),
    (
        "Value-Based Care Essentials",
        &[("VBC.1", 2), ("VBC.2", 3), ("VBC.3", 3)],
    ),
    (
        "Privacy and Data Protection in Health",
        &[
            ("REG.1", 3),
            ("REG.2", 3),
            ("REG.3", 2),
            ("REG.5", 2),
            ("TECH.4", 2),
        ],
    ),
    (
        "Leading Interprofessional Teams",
        &[
            ("LEAD.1", 3),
            ("LEAD.2", 3),
            ("LEAD.3", 2),
            ("COMM.2", 3),
            ("COMM.4", 3),
        ],
    ),
    // Achievements earned by learning (a rule, or a stack of such parts): what they prove
    // gives gaps a pathway with minutes, so the candidates list can say how soon.
    (
        "ICD-11 Clinical Coding",
        &[("ICD.1", 2), ("ICD.2", 2), ("ICD.3", 2), ("ICD.5", 2)],
    ),
    (
        "ICD-11 Coding Professional",
        &[
            ("ICD.1", 3),
            ("ICD.2", 3),
            ("ICD.3", 3),
            ("ICD.4", 2),
            ("ICD.5", 2),
            ("DATA.2", 2),
            ("REG.3", 2),
            ("TECH.1", 2),
        ],
    ),
    (
        "Observed Clinical Coding Practice",
        &[("ICD.4", 2), ("COMM.3", 2)],
    ),
    (
        "Value-Based Care Practice",
        &[("VBC.1", 2), ("VBC.2", 3), ("VBC.3", 3), ("DATA.1", 2)],
    ),
    (
        "Value-Based Care Leadership",
        &[
            ("VBC.1", 3),
            ("VBC.2", 3),
            ("VBC.3", 3),
            ("COMM.1", 3),
            ("COMM.2", 2),
            ("LEAD.1", 2),
            ("DATA.1", 2),
        ],
    ),
    // The micro-credential certifies the coder role whole: its holders are ready for it.
    (
        "ICD-11 Clinical Coder",
        &[
            ("ICD.1", 2),
            ("ICD.2", 3),
            ("ICD.3", 3),
            ("ICD.4", 2),
            ("ICD.5", 2),
            ("DATA.2", 2),
            ("REG.3", 2),
            ("TECH.1", 2),
        ],
    ),
    (
        "Health Data Analyst Foundations",
        &[
            ("DATA.2", 3),
            ("DATA.3", 3),
            ("DATA.4", 2),
            ("STAT.1", 3),
            ("STAT.2", 3),
            ("STAT.3", 2),
            ("STAT.4", 2),
        ],
    ),
    (
        "Health Information Management",
        &[
            ("ICD.2", 3),
            ("ICD.4", 3),
            ("REG.3", 3),
            ("REG.4", 2),
            ("DATA.2", 3),
        ],
    ),
    ("Outcome Measures", &[("VBC.2", 2), ("STAT.1", 2)]),
    (
        "Care Team Leadership",
        &[("LEAD.1", 2), ("LEAD.2", 3), ("COMM.2", 2)],
    ),
    (
        "Quality Improvement Basics",
        &[("LEAD.4", 2), ("STAT.2", 2)],
    ),
    (
        "Population Health Essentials",
        &[("VBC.3", 2), ("DATA.3", 2)],
    ),
];

/// Out of 100 workers: this many share everything with Riverside, and up to the second
/// bound share one credential; the rest share nothing.
const SHARE_ALL_BELOW: u64 = 80;
const SHARE_ONE_BELOW: u64 = 90;

/// (days from seeding to the end of validity, how many workers): ending within the 30-,
/// 60- and 90-day windows of the expiring page.
const EXPIRING: &[(i64, usize)] = &[(20, 2), (45, 2), (80, 2)];

/// A person's principal with their memberships, as a session would carry it.
async fn principal_of(app: &App, user_id: Uuid) -> Result<Principal> {
    let mut r = app.store.reader().await?;
    let grants = r
        .conn()
        .memberships_of_user(user_id)
        .await?
        .into_iter()
        .map(|m| (m.org_id, m.role))
        .collect();
    Ok(Principal {
        kind: PrincipalKind::User { user_id },
        is_operator: false,
        grants,
    })
}

async fn user_by_email(app: &App, email: &str) -> Result<Option<Uuid>> {
    let mut r = app.store.reader().await?;
    Ok(r.conn().user_id_by_email(email).await?)
}

impl App {
    /// Demo step: the workforce of Riverside Health Network (see the module's comment).
    /// Returns how many credentials it issued.
    pub(crate) async fn seed_workforce_demo(&self) -> Result<usize> {
        let mut rng = SeededRng::new(DEMO_SEED ^ 0x776f_726b_666f_7263);
        let employer = self.org_unchecked(EMPLOYER_SLUG).await?;
        let council = self.org_unchecked(PLATFORM_ISSUER_SLUG).await?;
        let (Some(amara), Some(daniel)) = (
            user_by_email(self, PERSONAS[0].email).await?,
            user_by_email(self, PERSONAS[1].email).await?,
        ) else {
            return Ok(0);
        };
        let daniel = principal_of(self, daniel).await?;
        let at = now();

        // What the council's achievements prove, so credentials count towards roles.
        let shipped = crate::frameworks::builtin_package()?.framework.identifier;
        let mut tx = self.store.begin().await?;
        let council_achievements = tx.conn().achievements_of_org(council.id).await?;
        for (name, codes) in ALIGNMENTS {
            let Some(a) = council_achievements.iter().find(|a| a.name == *name) else {
                continue;
            };
            if !a.spec.alignments.is_empty() {
                continue;
            }
            let mut a = a.clone();
            for (code, level) in *codes {
                if let Some(id) = tx.conn().find_competency(code, &shipped).await? {
                    a.spec.alignments.push(AchievementAlignment {
                        competency_id: id,
                        level: Some(*level),
                    });
                }
            }
            tx.conn().update_achievement(&a).await?;
        }
        tx.commit().await?;
        let achievement = |name: &str| council_achievements.iter().find(|a| a.name == name);

        // The manager copies the seven role templates.
        if self
            .role_profiles(&daniel, EMPLOYER_SLUG, true)
            .await?
            .is_empty()
        {
            for t in ROLE_TEMPLATES {
                self.copy_role_template(&daniel, EMPLOYER_SLUG, t.key)
                    .await?;
            }
        }

        // Consent: each worker (the personas aside) shares everything, one credential, or
        // nothing, as the generator decides; recorded as the use case records it.
        let workers: Vec<_> = {
            let mut r = self.store.reader().await?;
            r.conn()
                .workers_of_org(employer.id)
                .await?
                .into_iter()
                .filter(|w| w.user_id != amara && Some(w.user_id) != daniel.user_id())
                .collect()
        };
        let mut sharing_all = Vec::new();
        let mut tx = self.store.begin().await?;
        for w in &workers {
            let roll = rng.below(100);
            let credential_id = if roll < SHARE_ALL_BELOW {
                sharing_all.push(w.user_id);
                None
            } else if roll < SHARE_ONE_BELOW {
                match tx.conn().held_by(w.user_id, at).await?.first() {
                    Some(h) => Some(h.credential_id),
                    None => continue,
                }
            } else {
                continue;
            };
            tx.conn()
                .insert_share(&ShareRow {
                    id: rng.uuid(),
                    user_id: w.user_id,
                    org_id: employer.id,
                    credential_id,
                    granted_at: at,
                    revoked_at: None,
                })
                .await?;
            let worker = principal_of_user(w.user_id);
            let entry = audit_entry(
                &worker,
                Some(employer.id),
                "consent.grant",
                format!("user:{}", w.user_id),
                json!({ "credential_id": credential_id, "all": credential_id.is_none() }),
            );
            tx.conn().append_audit(&entry, at).await?;
        }
        tx.commit().await?;

        // The learner persona shares her coder micro-credential and her first badge, not
        // the rest, through the use case a worker uses.
        let amara_p = principal_of(self, amara).await?;
        let held = {
            let mut r = self.store.reader().await?;
            r.conn().held_by(amara, at).await?
        };
        for name in ["ICD-11 Clinical Coder", "ICD-11 Coding Foundations"] {
            let Some(a) = achievement(name) else { continue };
            if let Some(h) = held.iter().find(|h| h.achievement_id == a.id) {
                self.share_credential(&amara_p, h.credential_id, EMPLOYER_SLUG)
                    .await?;
            }
        }

        // Two coders of Health Information Management who share everything earn the
        // coder micro-credential: ready for the role.
        let (him_team, him) = {
            let mut r = self.store.reader().await?;
            let teams = r.conn().teams_of_org(employer.id).await?;
            match teams
                .into_iter()
                .find(|t| t.name == "Health Information Management")
            {
                Some(t) => (
                    Some(t.id),
                    r.conn().workers_of_team(employer.id, t.id).await?,
                ),
                None => (None, Vec::new()),
            }
        };
        let ready: Vec<_> = him
            .iter()
            .filter(|w| sharing_all.contains(&w.user_id))
            .take(2)
            .collect();
        let mut issued = 0;
        for w in ready {
            issued += self
                .demo_issue(w, achievement("ICD-11 Clinical Coder"), None)
                .await?;
        }

        // Privacy training is renewed yearly: a few sharing workers' certificates end
        // within 30, 60 and 90 days.
        let mut next = sharing_all
            .iter()
            .filter_map(|id| workers.iter().find(|w| w.user_id == *id))
            .skip(5);
        for (days, count) in EXPIRING {
            for _ in 0..*count {
                if let Some(w) = next.next() {
                    let until = (at + Duration::days(*days))
                        .replace_nanosecond(0)
                        .unwrap_or(at);
                    issued += self
                        .demo_issue(
                            w,
                            achievement("Privacy and Data Protection in Health"),
                            Some(until),
                        )
                        .await?;
                }
            }
        }

        // Assignments: the coding team's postcoordination badge due in three weeks, the
        // privacy badge for three workers due in ten days, and two value-based care
        // badges assigned a month ago that are now overdue.
        if let (Some(team_id), Some(a)) = (him_team, achievement("ICD-11 Postcoordination")) {
            self.assign_learning(
                &daniel,
                EMPLOYER_SLUG,
                NewAssignment {
                    target: Target {
                        kind: TargetKind::Achievement,
                        id: a.id,
                    },
                    due_on: (at + Duration::days(21)).date(),
                    workers: Vec::new(),
                    team_id: Some(team_id),
                    note: Some(
                        "Postcoordination is the step between you and the coder role.".into(),
                    ),
                },
            )
            .await?;
        }
        if let Some(a) = achievement("Privacy and Data Protection in Health") {
            let chosen: Vec<Uuid> = workers
                .iter()
                .skip(20)
                .step_by(30)
                .take(3)
                .map(|w| w.user_id)
                .collect();
            self.assign_learning(
                &daniel,
                EMPLOYER_SLUG,
                NewAssignment {
                    target: Target {
                        kind: TargetKind::Achievement,
                        id: a.id,
                    },
                    due_on: (at + Duration::days(10)).date(),
                    workers: chosen,
                    team_id: None,
                    note: None,
                },
            )
            .await?;
        }
        if let Some(a) = achievement("Value-Based Care Essentials") {
            // Past due dates cannot be chosen through the use case (rightly): these are
            // written as they would stand had they been assigned a month ago.
            let assigned_at = at - Duration::days(30);
            let mut tx = self.store.begin().await?;
            for w in workers.iter().skip(7).step_by(40).take(2) {
                tx.conn()
                    .insert_assignment(&NewAssignmentRow {
                        id: rng.uuid(),
                        org_id: employer.id,
                        user_id: w.user_id,
                        target_kind: TargetKind::Achievement.as_str().into(),
                        target_id: a.id,
                        due_on: (at - Duration::days(9)).date(),
                        team_id: None,
                        note: None,
                        assigned_by: daniel.user_id(),
                        created_at: assigned_at,
                    })
                    .await?;
            }
            let entry = audit_entry(
                &daniel,
                Some(employer.id),
                "assignment.create",
                format!("achievement:{}", a.id),
                json!({"assigned": 2, "demo": "assigned a month before seeding"}),
            );
            tx.conn().append_audit(&entry, at).await?;
            tx.commit().await?;
        }
        Ok(issued)
    }

    /// A council credential for a worker, issued as the council would; how many (0 or 1).
    async fn demo_issue(
        &self,
        worker: &WorkerRow,
        achievement: Option<&Achievement>,
        valid_until: Option<OffsetDateTime>,
    ) -> Result<usize> {
        let (Some(email), Some(a)) = (&worker.email, achievement) else {
            return Ok(0);
        };
        self.issue_credential(
            &Principal::system(),
            PLATFORM_ISSUER_SLUG,
            IssueRequest {
                achievement_id: a.id,
                recipient: Recipient::Email(email.clone()),
                valid_until,
                jwt: false,
            },
        )
        .await?;
        Ok(1)
    }
}

/// A worker acting for themselves (consent is theirs to give).
fn principal_of_user(user_id: Uuid) -> Principal {
    Principal {
        kind: PrincipalKind::User { user_id },
        is_operator: false,
        grants: Vec::new(),
    }
}
