//! Demo step: the Council for Health Education Quality (cheq) adopts the default standard
//! and has modules of both providers in every state of accreditation, so each persona has
//! something to see: one submitted and waiting for reviewers (a cheq reviewer who also
//! writes for Northbridge shows among the candidates, barred), one in review with Helen
//! Achterberg's review still due, accredited, accredited with conditions (due soon, and
//! overdue), not accredited, withdrawn, lapsed, and one whose second version the provider
//! declared a minor change.
//!
//! Everything goes through the use cases. A lapsed decision and overdue conditions need a
//! decision made in the past: those two are made by the same use cases with the
//! application's clock set back, as the council would have made them then.

use cairn_core::accreditation::{CriterionScore, Decision, Outcome, ReviewInput, Standard};
use cairn_core::rng::SeededRng;
use cairn_core::{Principal, PrincipalKind, Role};
use time::Duration;
use uuid::Uuid;

use crate::accounts::NewUser;
use crate::accreditation::SubmissionInput;
use crate::config::Clock;
use crate::demo::{DEMO_SEED, PERSONAS, PLATFORM_ISSUER_SLUG};
use crate::orgs::NewMember;
use crate::{App, AppError, Result};

const CHEQ: &str = "cheq";
const NORTHBRIDGE: &str = "northbridge-academy";
/// How long before seeding the past decisions were made.
const PAST_DAYS: i64 = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Waiting for the council to assign reviewers.
    Submitted,
    /// One reviewer done; Helen Achterberg's review is due.
    InReview,
    Accredited,
    Conditional,
    /// Decided in the past with conditions now past due.
    ConditionsOverdue,
    NotAccredited,
    Withdrawn,
    /// Decided in the past for a period that has ended.
    Lapsed,
    /// Accredited, then a second version declared a minor change.
    MinorChange,
}

/// (provider slug, module title, what happens to it).
const CASES: &[(&str, &str, Fate)] = &[
    (
        NORTHBRIDGE,
        "Health data standards: HL7 FHIR in ten minutes",
        Fate::Submitted,
    ),
    (
        PLATFORM_ISSUER_SLUG,
        "Data quality at the point of entry",
        Fate::InReview,
    ),
    (
        NORTHBRIDGE,
        "ICD-11 foundations: stem codes and the MMS",
        Fate::Accredited,
    ),
    (
        PLATFORM_ISSUER_SLUG,
        "Patient privacy and confidentiality essentials",
        Fate::Conditional,
    ),
    (
        NORTHBRIDGE,
        "Clinical documentation integrity for ICD-11",
        Fate::ConditionsOverdue,
    ),
    (
        NORTHBRIDGE,
        "Budgeting for a clinical unit",
        Fate::NotAccredited,
    ),
    (
        PLATFORM_ISSUER_SLUG,
        "Claims, denials and appeals",
        Fate::Withdrawn,
    ),
    (
        PLATFORM_ISSUER_SLUG,
        "Value-based care: from volume to outcomes",
        Fate::Lapsed,
    ),
    (
        NORTHBRIDGE,
        "Leading interprofessional teams",
        Fate::MinorChange,
    ),
];

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

async fn persona(app: &App, index: usize) -> Result<Principal> {
    let email = PERSONAS
        .get(index)
        .map(|p| p.email)
        .ok_or_else(|| AppError::Internal(format!("no demo persona {index}")))?;
    let id = {
        let mut r = app.store.reader().await?;
        r.conn().user_id_by_email(email).await?
    }
    .ok_or_else(|| AppError::NotFound(format!("demo persona {email}")))?;
    principal_of(app, id).await
}

/// A new person of the demo (no password: they are seen, not signed in as) with roles.
async fn demo_person(
    app: &App,
    name: &str,
    email: &str,
    roles: &[(&str, Role, &str)],
) -> Result<Principal> {
    let sys = Principal::system();
    let user = app
        .create_user(
            &sys,
            NewUser {
                display_name: name.into(),
                email: email.into(),
                password: None,
                is_operator: false,
            },
        )
        .await?;
    for (slug, role, title) in roles {
        app.add_member(
            &sys,
            slug,
            NewMember {
                email: email.into(),
                display_name: None,
                role: *role,
                job_title: Some((*title).into()),
            },
        )
        .await?;
    }
    principal_of(app, user.id).await
}

/// A review scoring every criterion `all`, except those named, with a comment on each
/// lowered one.
fn review(
    standard: &Standard,
    all: u8,
    lowered: &[(&str, u8, &str)],
    recommendation: Outcome,
    comment: &str,
) -> ReviewInput {
    ReviewInput {
        scores: standard
            .criteria
            .iter()
            .map(|c| match lowered.iter().find(|(k, _, _)| *k == c.key) {
                Some((_, score, why)) => CriterionScore {
                    criterion: c.key.clone(),
                    score: *score,
                    comment: (*why).into(),
                },
                None => CriterionScore {
                    criterion: c.key.clone(),
                    score: all,
                    comment: String::new(),
                },
            })
            .collect(),
        comment: comment.into(),
        recommendation,
    }
}

/// What Helen's and Jonas's reviews say for a fate that ends in a decision.
fn reviews_for(standard: &Standard, fate: Fate) -> [ReviewInput; 2] {
    match fate {
        Fate::Conditional | Fate::ConditionsOverdue => [
            review(
                standard,
                2,
                &[(
                    "accessibility",
                    1,
                    "The two videos have no captions or transcripts.",
                )],
                Outcome::Conditional,
                "Sound content; captions are missing.",
            ),
            review(
                standard,
                3,
                &[(
                    "accessibility",
                    1,
                    "Videos lack captions; images lack text alternatives.",
                )],
                Outcome::Conditional,
                "Accredit once the media are accessible.",
            ),
        ],
        Fate::NotAccredited => [
            review(
                standard,
                2,
                &[
                    (
                        "assessment_validity",
                        0,
                        "There is no assessment of the objectives, only a reading check.",
                    ),
                    (
                        "alignment",
                        1,
                        "Objectives say \"understand\" and map to no competency.",
                    ),
                ],
                Outcome::NotAccredited,
                "Needs an assessment before it can be judged.",
            ),
            review(
                standard,
                2,
                &[(
                    "assessment_validity",
                    0,
                    "No items test budgeting decisions.",
                )],
                Outcome::NotAccredited,
                "Resubmit with an assessment.",
            ),
        ],
        _ => [
            review(
                standard,
                3,
                &[(
                    "bias_inclusion",
                    2,
                    "Examples could show more varied patients.",
                )],
                Outcome::Accredited,
                "A model micro-learning module.",
            ),
            review(
                standard,
                2,
                &[],
                Outcome::Accredited,
                "Meets every criterion.",
            ),
        ],
    }
}

impl App {
    /// Demo step: the council's accreditations (see the module's comment).
    pub(crate) async fn seed_accreditation_demo(&self) -> Result<()> {
        if !self.standards(CHEQ, true).await?.is_empty() {
            return Ok(());
        }
        let helen = persona(self, 4).await?;
        let priya = persona(self, 2).await?;
        let grace = persona(self, 5).await?;
        let standard = self.create_default_standard(&helen, CHEQ).await?;
        let jonas = demo_person(
            self,
            "Jonas Berg",
            "jonas.berg@cheq.example",
            &[(CHEQ, Role::Reviewer, "Accreditation Reviewer")],
        )
        .await?;
        // Also a guest author at Northbridge: listed among the candidates, barred.
        demo_person(
            self,
            "Marta Oyelaran",
            "marta.oyelaran@cheq.example",
            &[
                (CHEQ, Role::Reviewer, "Accreditation Reviewer"),
                (NORTHBRIDGE, Role::Author, "Guest Author"),
            ],
        )
        .await?;
        // The same application with its clock set back, for decisions made in the past.
        let mut config = (*self.config).clone();
        config.clock = Clock::default();
        config.clock.advance(Duration::days(-PAST_DAYS));
        let past = App::new(self.store.clone(), config);
        let mut rng = SeededRng::new(DEMO_SEED ^ 0x6163_6372_6564);

        for (provider, title, fate) in CASES {
            let app = match fate {
                Fate::Lapsed | Fate::ConditionsOverdue => &past,
                _ => self,
            };
            let submitter = if *provider == NORTHBRIDGE {
                &priya
            } else {
                &grace
            };
            let module = {
                let org = self.org_unchecked(provider).await?;
                let mut r = self.store.reader().await?;
                r.conn()
                    .modules_of_org(org.id)
                    .await?
                    .into_iter()
                    .find(|v| v.title == *title)
                    .map(|v| v.module_id)
                    .ok_or_else(|| AppError::NotFound(format!("demo module \"{title}\"")))?
            };
            let s = app
                .submit_for_accreditation(
                    submitter,
                    provider,
                    SubmissionInput {
                        module_id: module,
                        version: None,
                        accreditor: CHEQ.into(),
                        standard_id: standard.id,
                        note: Some(
                            "Submitted with its assessment and the sources checked this year."
                                .into(),
                        ),
                    },
                )
                .await?;
            if *fate == Fate::Submitted {
                continue;
            }
            let helen_id = helen.user_id().unwrap_or_default();
            let jonas_id = jonas.user_id().unwrap_or_default();
            app.assign_reviewer(&helen, s.id, jonas_id).await?;
            app.assign_reviewer(&helen, s.id, helen_id).await?;
            let [by_helen, by_jonas] = reviews_for(&standard, *fate);
            app.submit_accreditation_review(&jonas, s.id, by_jonas)
                .await?;
            if *fate == Fate::InReview {
                continue;
            }
            app.submit_accreditation_review(&helen, s.id, by_helen)
                .await?;
            let today = app.now().date();
            let decision = match fate {
                Fate::NotAccredited => Decision {
                    outcome: Outcome::NotAccredited,
                    rationale: "Both reviewers found no assessment of the objectives; the module may be resubmitted with one.".into(),
                    conditions: None,
                    conditions_due: None,
                    valid_until: None,
                },
                Fate::Conditional | Fate::ConditionsOverdue => Decision {
                    outcome: Outcome::Conditional,
                    rationale: "Accurate, well aligned and well assessed; the media are not yet accessible.".into(),
                    conditions: Some("Add captions and transcripts to both videos and text alternatives to every image.".into()),
                    conditions_due: Some(today + Duration::days(if *fate == Fate::Conditional { 60 } else { 30 })),
                    valid_until: Some(today + Duration::days(730)),
                },
                _ => Decision {
                    outcome: Outcome::Accredited,
                    rationale: "Both reviewers found every criterion met or exemplary.".into(),
                    conditions: None,
                    conditions_due: None,
                    valid_until: Some(today + Duration::days(if *fate == Fate::Lapsed { 365 } else { 1095 })),
                },
            };
            let decided = app.decide_accreditation(&helen, s.id, decision).await?;
            match fate {
                Fate::Withdrawn => {
                    self.withdraw_accreditation(
                        &helen,
                        decided.row.id,
                        "The provider reported that the claims examples follow rules repealed this year.",
                    )
                    .await?;
                }
                Fate::MinorChange => {
                    let mut content = self
                        .module(None, module)
                        .await?
                        .published
                        .ok_or_else(|| AppError::NotFound(format!("published \"{title}\"")))?
                        .content;
                    content
                        .summary
                        .push_str(" Updated with a worked huddle script.");
                    let v2 = self.seed_demo_version(module, content, rng.uuid()).await?;
                    self.declare_minor_change(
                        &priya,
                        decided.row.id,
                        v2.number,
                        "Added a worked huddle script to the summary; lessons, objectives and assessment are unchanged.",
                    )
                    .await?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}
