//! Demo step: two nano-degrees built from micro-credentials built from badges, and learners
//! at every stage of them (complete, one part short, a component suspended, just started).
//!
//! "ICD-11 Coding Professional" = all of ("ICD-11 Clinical Coding" = Foundations +
//! Postcoordination; "Emergency Department Coding"; "Privacy Essentials"), suspended when a
//! part is. "Value-Based Care Leadership" = all of ("Value-Based Care Practice" = VBC
//! Foundations + Outcome Measures; at least 3 credits among three leadership badges).

use std::collections::BTreeMap;

use cairn_core::stacks::{RevocationPolicy, StackRule, StackSpec};
use cairn_core::{
    Achievement, AchievementKind, AchievementSpec, Organization, Principal, PrincipalKind,
};
use uuid::Uuid;

use crate::credentials::{IssueRequest, Recipient, StatusAction};
use crate::{App, AppError, Result};

/// Badges the council issues by hand (events, workshops), with their credit hours.
const HAND_BADGES: &[(&str, &str, u64)] = &[
    (
        "Outcome Measures",
        "Chooses and reads patient-reported and clinical outcome measures for a service line.",
        1500,
    ),
    (
        "Care Team Leadership",
        "Leads an interprofessional huddle and closes the loop on the actions agreed.",
        2000,
    ),
    (
        "Quality Improvement Basics",
        "Runs a plan-do-study-act cycle on a ward-level measure.",
        1000,
    ),
    (
        "Population Health Essentials",
        "Reads a population health dashboard and names the cohorts that drive cost.",
        1000,
    ),
];

/// A stacked achievement of the council, its parts named.
struct DemoStack {
    kind: AchievementKind,
    name: &'static str,
    description: &'static str,
    parts: &'static [&'static str],
    /// None: all of the parts; Some(min): at least `min` thousandths of credits among the
    /// parts after the first `required` ones.
    credits: Option<(usize, u64)>,
    policy: RevocationPolicy,
}

const STACKS: &[DemoStack] = &[
    DemoStack {
        kind: AchievementKind::MicroCredential,
        name: "ICD-11 Clinical Coding",
        description: "Codes inpatient cases in ICD-11 with stem codes and postcoordinated clusters.",
        parts: &["ICD-11 Foundations", "ICD-11 Postcoordination"],
        credits: None,
        policy: RevocationPolicy::Reevaluate,
    },
    DemoStack {
        kind: AchievementKind::NanoDegree,
        name: "ICD-11 Coding Professional",
        description: "Codes inpatient and emergency encounters in ICD-11 to the council's standard, with the privacy rules that go with clinical records.",
        parts: &[
            "ICD-11 Clinical Coding",
            "Emergency Department Coding",
            "Privacy Essentials",
        ],
        credits: None,
        policy: RevocationPolicy::Suspend,
    },
    DemoStack {
        kind: AchievementKind::MicroCredential,
        name: "Value-Based Care Practice",
        description: "Applies value-based payment to a service line and measures what matters to patients.",
        parts: &["Value-Based Care Foundations", "Outcome Measures"],
        credits: None,
        policy: RevocationPolicy::Reevaluate,
    },
    DemoStack {
        kind: AchievementKind::NanoDegree,
        name: "Value-Based Care Leadership",
        description: "Leads an interprofessional team through a value-based care programme: the practice, plus at least 3 credit hours of leadership electives.",
        parts: &[
            "Value-Based Care Practice",
            "Care Team Leadership",
            "Quality Improvement Basics",
            "Population Health Essentials",
        ],
        credits: Some((1, 3000)),
        policy: RevocationPolicy::Reevaluate,
    },
];

/// Where each demo learner stands: the badges given to them by hand (beyond what their
/// assessments earned), and a badge then suspended.
const STAGES: &[(&[&str], Option<&str>)] = &[
    // Complete: ICD-11 Coding Professional.
    (
        &[
            "ICD-11 Foundations",
            "ICD-11 Postcoordination",
            "Emergency Department Coding",
            "Privacy Essentials",
        ],
        None,
    ),
    // The micro-credential, one nano-degree part short (privacy).
    (
        &[
            "ICD-11 Foundations",
            "ICD-11 Postcoordination",
            "Emergency Department Coding",
        ],
        None,
    ),
    // Complete: Value-Based Care Leadership (2 + 1 credits of electives).
    (
        &[
            "Value-Based Care Foundations",
            "Outcome Measures",
            "Care Team Leadership",
            "Quality Improvement Basics",
        ],
        None,
    ),
    // The practice micro-credential and 2 of the 3 elective credits.
    (
        &[
            "Value-Based Care Foundations",
            "Outcome Measures",
            "Care Team Leadership",
        ],
        None,
    ),
    // Completed the coding nano-degree, then a part was suspended (under review): the
    // nano-degree is suspended with it.
    (
        &[
            "ICD-11 Foundations",
            "ICD-11 Postcoordination",
            "Emergency Department Coding",
            "Privacy Essentials",
        ],
        Some("Privacy Essentials"),
    ),
    // Just started: one elective.
    (&["Quality Improvement Basics"], None),
];

/// Define the hand-issued badges and the stacks. Call after the rule-based achievements
/// exist and before learners earn anything, so their awards decide the stacks.
pub(crate) async fn define(app: &App, orgs: &[Organization]) -> Result<()> {
    let Some(council) = orgs.iter().find(|o| o.slug == "rhwc") else {
        return Ok(());
    };
    let at = time::OffsetDateTime::from_unix_timestamp(1_767_225_600)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let mut tx = app.store.begin().await?;
    let mut by_name: BTreeMap<String, Uuid> = BTreeMap::new();
    for o in orgs {
        for a in tx.conn().achievements_of_org(o.id).await? {
            by_name.insert(a.name, a.id);
        }
    }
    let mut rng = cairn_core::rng::SeededRng::new(crate::demo::DEMO_SEED ^ 0x0073_7461_636b);
    let mut add = |a: Achievement| {
        by_name.insert(a.name.clone(), a.id);
        a
    };
    let mut made = Vec::new();
    for (name, description, credits) in HAND_BADGES {
        made.push(add(Achievement {
            id: rng.uuid(),
            org_id: council.id,
            kind: AchievementKind::Badge,
            name: (*name).into(),
            description: (*description).into(),
            criteria: format!("Awarded by the council to participants who complete the {name} workshop and its work-based task."),
            created_at: at,
            spec: AchievementSpec {
                credits: Some(*credits),
                validity_days: Some(730),
                ..Default::default()
            },
        }));
    }
    for a in &made {
        tx.conn().insert_achievement(a).await?;
    }
    for s in STACKS {
        let ids: Vec<Uuid> = s
            .parts
            .iter()
            .filter_map(|p| by_name.get(*p).copied())
            .collect();
        if ids.len() != s.parts.len() {
            continue;
        }
        let holds = |a: &Uuid| StackRule::Holds { achievement_id: *a };
        let rule = match s.credits {
            None => StackRule::AllOf {
                of: ids.iter().map(holds).collect(),
            },
            Some((required, min)) => {
                let mut of: Vec<StackRule> = ids[..required].iter().map(holds).collect();
                of.push(StackRule::MinCredits {
                    min,
                    of: ids[required..].to_vec(),
                });
                StackRule::AllOf { of }
            }
        };
        let a = Achievement {
            id: rng.uuid(),
            org_id: council.id,
            kind: s.kind,
            name: s.name.into(),
            description: s.description.into(),
            criteria: format!(
                "Awarded automatically when the learner holds {}.",
                rule.describe_with(&|id| by_name
                    .iter()
                    .find(|(_, v)| **v == id)
                    .map(|(k, _)| k.clone()))
            ),
            created_at: at,
            spec: AchievementSpec {
                stack: Some(StackSpec {
                    rule,
                    prerequisites: vec![],
                    on_revocation: s.policy,
                }),
                validity_days: Some(1095),
                ..Default::default()
            },
        };
        app.check_stack_spec(&mut tx, &a).await?;
        tx.conn().insert_achievement(&a).await?;
        app.index_stack(&mut tx, &a).await?;
        by_name.insert(a.name.clone(), a.id);
    }
    tx.commit().await?;
    Ok(())
}

/// Put learners at every stage by issuing badges by hand (their issuers' own achievements),
/// then suspending where the stage says. Returns how many credentials this issued,
/// stacked ones included.
pub(crate) async fn place_learners(
    app: &App,
    orgs: &[Organization],
    learners: &[Uuid],
) -> Result<usize> {
    let mut by_name: BTreeMap<String, (Achievement, Organization)> = BTreeMap::new();
    {
        let mut r = app.store.reader().await?;
        for o in orgs {
            for a in r.conn().achievements_of_org(o.id).await? {
                by_name.insert(a.name.clone(), (a, o.clone()));
            }
        }
    }
    let mut issued = 0;
    for (learner, (badges, suspend)) in learners.iter().zip(STAGES) {
        let me = Principal {
            kind: PrincipalKind::User { user_id: *learner },
            is_operator: false,
            grants: Vec::new(),
        };
        let before = app.my_credentials(&me).await?;
        let email = {
            let mut r = app.store.reader().await?;
            r.conn()
                .user_by_id(*learner)
                .await?
                .and_then(|u| u.primary_email().map(str::to_owned))
                .ok_or_else(|| AppError::NotFound("demo learner".into()))?
        };
        for name in *badges {
            let Some((a, org)) = by_name.get(*name) else {
                continue;
            };
            if before.iter().any(|c| {
                c.achievement_id == Some(a.id) && c.state == cairn_core::CredentialState::Active
            }) {
                continue;
            }
            let req = IssueRequest {
                achievement_id: a.id,
                recipient: Recipient::Email(email.clone()),
                valid_until: a
                    .spec
                    .validity_days
                    .map(|d| crate::now() + time::Duration::days(i64::from(d))),
                jwt: false,
            };
            let mut tx = app.store.begin().await?;
            app.issue_in(&mut tx, &Principal::system(), org, a, &req)
                .await?;
            tx.commit().await?;
            app.sign_pending_awards().await?;
        }
        if let Some(name) = suspend
            && let Some((a, _)) = by_name.get(*name)
        {
            let held = app.my_credentials(&me).await?;
            if let Some(c) = held.iter().find(|c| {
                c.achievement_id == Some(a.id) && c.state == cairn_core::CredentialState::Active
            }) {
                let mut tx = app.store.begin().await?;
                app.change_status_in(
                    &mut tx,
                    c.id,
                    StatusAction::Suspend,
                    "Under review: the workshop's attendance record is being checked",
                    true,
                )
                .await?;
                tx.commit().await?;
            }
        }
        issued += app.my_credentials(&me).await?.len() - before.len();
    }
    Ok(issued)
}
