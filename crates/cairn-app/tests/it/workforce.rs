//! Workforce over a real database: role profiles (templates, versions, bad input,
//! permissions), workers' consent governing every view, and gap, heat map and ranking
//! figures on a hand-made team checked against working done by hand, on both backends.

use cairn_app::accounts::NewUser;
use cairn_app::credentials::{IssueRequest, NewAchievement, Recipient};
use cairn_app::orgs::NewMember;
use cairn_app::workforce::{NewRoleProfile, Visibility};
use cairn_app::{App, AppError};
use cairn_core::criteria::Criteria;
use cairn_core::workforce::{Coverage, Requirement, RequirementStatus};
use cairn_core::{
    AchievementAlignment, AchievementKind, AchievementSpec, OrgKind, Principal, PrincipalKind,
    Role, Team,
};
use cairn_store::backend_tests;
use uuid::Uuid;

use crate::{app, lesson};

const EMPLOYER: &str = "riverside";
const COUNCIL: &str = "council";

struct World {
    /// Admin of the employer (also an issuer): manages roles, sees the views, issues.
    manager: Principal,
    /// Admin of the council: provider and issuer of the learning.
    council: Principal,
    author: Principal,
    employer_id: Uuid,
}

async fn world(app: &App) -> World {
    crate::org_of(app, COUNCIL, vec![OrgKind::Provider, OrgKind::Issuer]).await;
    crate::org_of(app, EMPLOYER, vec![OrgKind::Employer, OrgKind::Issuer]).await;
    let manager = crate::member(app, EMPLOYER, Role::Admin).await;
    let employer_id = manager.grants[0].0;
    World {
        manager,
        council: crate::member(app, COUNCIL, Role::Admin).await,
        author: crate::member(app, COUNCIL, Role::Author).await,
        employer_id,
    }
}

/// A learner of the employer named `name` (e-mail `{name}@riverside.example`).
async fn worker(app: &App, w: &World, name: &str) -> (Principal, Uuid) {
    let sys = Principal::system();
    let email = format!("{name}@riverside.example");
    let user = app
        .create_user(
            &sys,
            NewUser {
                display_name: name.into(),
                email: email.clone(),
                password: None,
                is_operator: false,
            },
        )
        .await
        .unwrap();
    app.add_member(
        &sys,
        EMPLOYER,
        NewMember {
            email,
            display_name: None,
            role: Role::Learner,
            job_title: Some("Clerk".into()),
        },
    )
    .await
    .unwrap();
    (
        Principal {
            kind: PrincipalKind::User { user_id: user.id },
            is_operator: false,
            grants: vec![(w.employer_id, Role::Learner)],
        },
        user.id,
    )
}

/// The shipped framework, installed for the whole installation; (code → competency id).
async fn framework(app: &App) -> impl Fn(&str) -> Uuid {
    let fw = app
        .import_builtin_framework(&Principal::system(), None)
        .await
        .unwrap();
    let mut r = app.store.reader().await.unwrap();
    let mut ids = std::collections::HashMap::new();
    for c in r.conn().competencies_of(fw.id).await.unwrap() {
        if let Some(code) = c.code {
            ids.insert(code, c.id);
        }
    }
    move |code: &str| ids[code]
}

/// A published module taking `minutes`.
async fn module(app: &App, w: &World, title: &str, minutes: u32) -> Uuid {
    let mut content = lesson(title);
    content.duration_minutes = minutes;
    let draft = app
        .create_module(&w.author, COUNCIL, content)
        .await
        .unwrap();
    app.publish_module(&w.author, draft.module_id)
        .await
        .unwrap()
        .module_id
}

/// A badge of `issuer` proving `aligned` (competency, level), earned by completing `module`.
async fn badge(
    app: &App,
    by: &Principal,
    issuer: &str,
    name: &str,
    aligned: &[(Uuid, i32)],
    module: Option<Uuid>,
) -> Uuid {
    let spec = AchievementSpec {
        alignments: aligned
            .iter()
            .map(|(c, l)| AchievementAlignment {
                competency_id: *c,
                level: Some(*l),
            })
            .collect(),
        rule: module.map(|m| Criteria::CompletedModule {
            module_id: m,
            min_version: None,
        }),
        ..Default::default()
    };
    app.create_achievement(
        by,
        issuer,
        NewAchievement {
            kind: AchievementKind::Badge,
            name: name.into(),
            description: format!("{name}, for tests."),
            criteria: format!("Earn {name}."),
            spec,
        },
    )
    .await
    .unwrap()
    .id
}

async fn issue(
    app: &App,
    by: &Principal,
    issuer: &str,
    achievement: Uuid,
    to: &str,
    days: Option<i64>,
) -> Uuid {
    app.issue_credential(
        by,
        issuer,
        IssueRequest {
            achievement_id: achievement,
            recipient: Recipient::Email(format!("{to}@riverside.example")),
            valid_until: days.map(|d| cairn_app::now() + time::Duration::days(d)),
            jwt: false,
        },
    )
    .await
    .unwrap()
    .record
    .id
}

async fn team(app: &App, w: &World, name: &str, members: &[Uuid]) -> Uuid {
    let id = Uuid::now_v7();
    let mut tx = app.store.begin().await.unwrap();
    tx.conn()
        .insert_team(&Team {
            id,
            org_id: w.employer_id,
            name: name.into(),
        })
        .await
        .unwrap();
    for m in members {
        tx.conn().add_team_member(id, *m).await.unwrap();
    }
    tx.commit().await.unwrap();
    id
}

fn comp(competency_id: Uuid, min_level: i32) -> Requirement {
    Requirement::Competency {
        competency_id,
        min_level,
    }
}

fn role(name: &str, requirements: Vec<Requirement>) -> NewRoleProfile {
    NewRoleProfile {
        name: name.into(),
        description: format!("{name}, for tests."),
        requirements,
    }
}

fn cov(numerator: u32, denominator: u32) -> Coverage {
    Coverage {
        numerator,
        denominator,
    }
}

/// What the employer sees of wil: (wil's gap coverage, team heat map ICD.2 met, ICD.1 met,
/// wil's coverage in the ranking, candidates ranked, workers not ranked).
async fn see(
    app: &App,
    m: &Principal,
    wil: Uuid,
    r: Uuid,
    t: Uuid,
) -> (Coverage, u32, u32, Option<Coverage>, usize, u32) {
    let g = app.worker_gap(m, EMPLOYER, wil, r, 0).await.unwrap();
    let h = app.team_heat_map(m, EMPLOYER, Some(t), r).await.unwrap();
    let d = app.redeployment(m, EMPLOYER, r, 0).await.unwrap();
    let wil_rank = d
        .candidates
        .iter()
        .find(|c| c.worker.user_id == wil)
        .map(|c| c.coverage);
    (
        g.coverage,
        h.rows[0].met,
        h.rows[1].met,
        wil_rank,
        d.candidates.len(),
        d.not_consenting,
    )
}

backend_tests! {
    async fn role_profiles_are_copied_from_templates_versioned_and_guarded(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;

        // No framework installed: the manager is told to import it.
        let err = app.copy_role_template(&w.manager, EMPLOYER, "icd11-clinical-coder").await.unwrap_err();
        assert!(matches!(&err, AppError::Conflict(m) if m.contains("import the shipped framework")), "{err:?}");

        // Installed by another organization (as the demo does): still found.
        app.import_builtin_framework(&Principal::system(), Some(COUNCIL)).await.unwrap();
        let copied = app.copy_role_template(&w.manager, EMPLOYER, "icd11-clinical-coder").await.unwrap();
        assert_eq!(copied.profile.version, 1);
        assert_eq!(copied.template.as_deref(), Some("icd11-clinical-coder"));
        assert_eq!(copied.profile.name, "ICD-11 Clinical Coder");
        assert_eq!(copied.requirements.len(), 8);
        assert_eq!(copied.requirements[0].code.as_deref(), Some("ICD.1"));
        assert_eq!(copied.requirements[0].min_level, Some(2));
        assert!(copied.requirements[0].label.starts_with("ICD.1 "), "{:?}", copied.requirements[0]);
        assert!(app.copy_role_template(&w.manager, EMPLOYER, "astronaut").await.is_err());

        let templates = app.role_templates().unwrap();
        assert_eq!(templates.len(), 7);
        assert!(templates.iter().all(|t| t.requirements.iter().all(|r| !r.statement.is_empty())));

        // Bad input names the problem.
        let icd1 = copied.profile.requirements[0].clone();
        let unknown = Uuid::from_u128(42);
        let err = app.create_role_profile(&w.manager, EMPLOYER, role("Coder", vec![comp(unknown, 2)])).await.unwrap_err();
        assert!(matches!(&err, AppError::Invalid(i) if i.to_string().contains(&unknown.to_string())), "{err:?}");
        let err = app.create_role_profile(&w.manager, EMPLOYER, role("Coder", vec![icd1.clone(), icd1.clone()])).await.unwrap_err();
        assert!(matches!(&err, AppError::Invalid(i) if i.to_string().contains("repeats")), "{err:?}");

        // A new version keeps the old one.
        let id = copied.profile.id;
        let v2 = app.update_role_profile(&w.manager, EMPLOYER, id, role("Senior Coder", vec![icd1.clone()])).await.unwrap();
        assert_eq!(v2.profile.version, 2);
        assert_eq!(v2.profile.id, id);
        assert_eq!(v2.template.as_deref(), Some("icd11-clinical-coder"));
        assert_eq!(v2.versions.iter().map(|v| v.version).collect::<Vec<_>>(), vec![2, 1]);
        assert_eq!(v2.versions[1].name, "ICD-11 Clinical Coder");
        assert_eq!(v2.versions[1].requirements.len(), 8);
        let list = app.role_profiles(&w.manager, EMPLOYER, false).await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].version, list[0].requirements), (2, 1));

        // Archived: off the list, still on record.
        app.archive_role_profile(&w.manager, EMPLOYER, id).await.unwrap();
        assert!(app.role_profiles(&w.manager, EMPLOYER, false).await.unwrap().is_empty());
        assert!(app.role_profiles(&w.manager, EMPLOYER, true).await.unwrap()[0].archived);

        // A learner of the employer, and an admin of another organization, may do none of it.
        let (learner, _) = worker(&app, &w, "lee").await;
        let err = app.create_role_profile(&learner, EMPLOYER, role("X", vec![icd1.clone()])).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");
        assert!(matches!(app.role_profiles(&learner, EMPLOYER, false).await.unwrap_err(), AppError::Forbidden(_)));
        let err = app.create_role_profile(&w.council, EMPLOYER, role("X", vec![icd1.clone()])).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");
        assert!(matches!(app.role_profile(&w.council, EMPLOYER, id).await.unwrap_err(), AppError::Forbidden(_)));

        // Every change is on the audit log.
        let (log, _) = app.audit_log(&w.manager, EMPLOYER, 0, 200).await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.entry.action.as_str()).collect();
        for a in ["role_profile.create", "role_profile.update", "role_profile.archive"] {
            assert!(actions.contains(&a), "{a} not in {actions:?}");
        }
    }

    async fn a_worker_counts_only_with_consent_and_own_credentials_always_count(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let code = framework(&app).await;
        let (icd1, icd2) = (code("ICD.1"), code("ICD.2"));
        // The council's "Coding" proves ICD.2 at 3; the employer's own "Orientation" ICD.1 at 1.
        let coding = badge(&app, &w.council, COUNCIL, "Coding", &[(icd2, 3)], None).await;
        let orientation = badge(&app, &w.manager, EMPLOYER, "Orientation", &[(icd1, 1)], None).await;
        let (wil, wil_id) = worker(&app, &w, "wil").await;
        let (_val, val_id) = worker(&app, &w, "val").await;
        let coding_cred = issue(&app, &w.council, COUNCIL, coding, "wil", None).await;
        issue(&app, &w.manager, EMPLOYER, orientation, "wil", None).await;
        issue(&app, &w.council, COUNCIL, coding, "val", None).await;
        let t = team(&app, &w, "Coding desk", &[wil_id, val_id]).await;
        let r = app.create_role_profile(&w.manager, EMPLOYER, role("Coder", vec![comp(icd2, 3), comp(icd1, 1)])).await.unwrap().profile.id;

        // Not shared: only the employer's own credential counts; val has nothing visible,
        // so val is not ranked (nor is the manager, who holds nothing).
        let unshared = (cov(1, 2), 0, 1, Some(cov(1, 2)), 1, 2);
        assert_eq!(see(&app, &w.manager, wil_id, r, t).await, unshared);
        let g = app.worker_gap(&w.manager, EMPLOYER, wil_id, r, 0).await.unwrap();
        assert_eq!(g.requirements[0].status, RequirementStatus::Missing);
        assert_eq!(g.requirements[1].status, RequirementStatus::Met);
        let p = app.worker_profile(&w.manager, EMPLOYER, wil_id).await.unwrap();
        assert_eq!(p.competencies.iter().map(|c| c.competency_id).collect::<Vec<_>>(), vec![icd1]);
        assert_eq!(p.competencies[0].proofs[0].achievement_name, "Orientation");
        assert_eq!(p.competencies[0].proofs[0].issuer_name, "Org riverside");

        // Shared one by one: it counts at once, everywhere.
        app.share_credential(&wil, coding_cred, EMPLOYER).await.unwrap();
        let shared = (cov(2, 2), 1, 1, Some(cov(2, 2)), 1, 2);
        assert_eq!(see(&app, &w.manager, wil_id, r, t).await, shared);
        let p = app.worker_profile(&w.manager, EMPLOYER, wil_id).await.unwrap();
        assert_eq!(p.competencies.len(), 2);

        // Withdrawn: gone at once.
        app.unshare_credential(&wil, coding_cred, EMPLOYER).await.unwrap();
        assert_eq!(see(&app, &w.manager, wil_id, r, t).await, unshared);

        // "All, with this employer", then withdrawn.
        app.share_all(&wil, EMPLOYER).await.unwrap();
        assert_eq!(see(&app, &w.manager, wil_id, r, t).await, shared);
        app.unshare_all(&wil, EMPLOYER).await.unwrap();
        assert_eq!(see(&app, &w.manager, wil_id, r, t).await, unshared);

        // The record: two grants, both withdrawn; the state says why the employer sees what.
        let mine = app.my_shares(&wil).await.unwrap();
        assert_eq!(mine.history.len(), 2);
        assert!(mine.history.iter().all(|s| s.revoked_at.is_some()));
        assert_eq!(mine.history.iter().filter(|s| s.credential_id.is_none()).count(), 1);
        let here = mine.orgs.iter().find(|o| o.slug == EMPLOYER).unwrap();
        assert_eq!(here.all_shared_since, None);
        let vis = |name: &str| here.credentials.iter().find(|c| c.name.contains(name)).unwrap().visibility;
        assert_eq!(vis("Coding"), Visibility::NotShared);
        assert_eq!(vis("Orientation"), Visibility::IssuedByOrg);

        // Refused: sharing with an organization one does not belong to, someone else's
        // credential, twice, or withdrawing what is not shared.
        let err = app.share_all(&wil, COUNCIL).await.unwrap_err();
        assert!(matches!(&err, AppError::Conflict(m) if m.contains("not a member")), "{err:?}");
        let val_cred = app.credentials(&w.council, COUNCIL, 100, 0).await.unwrap().0.into_iter().find(|c| c.recipient_user == Some(val_id)).unwrap().id;
        assert!(matches!(app.share_credential(&wil, val_cred, EMPLOYER).await.unwrap_err(), AppError::NotFound(_)));
        app.share_all(&wil, EMPLOYER).await.unwrap();
        assert!(matches!(app.share_all(&wil, EMPLOYER).await.unwrap_err(), AppError::Conflict(_)));
        assert!(matches!(app.unshare_credential(&wil, coding_cred, EMPLOYER).await.unwrap_err(), AppError::NotFound(_)));

        // The expiring list reads through consent too: val's credential never shows.
        let d = app.redeployment(&w.manager, EMPLOYER, r, 0).await.unwrap();
        assert!(d.candidates.iter().all(|c| c.worker.user_id != val_id));

        let (log, _) = app.audit_log(&w.manager, EMPLOYER, 0, 200).await.unwrap();
        let grants = log.iter().filter(|e| e.entry.action == "consent.grant").count();
        let revokes = log.iter().filter(|e| e.entry.action == "consent.revoke").count();
        assert_eq!((grants, revokes), (3, 2));
    }

    async fn gap_heat_map_and_ranking_match_figures_worked_by_hand(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let code = framework(&app).await;
        let (a, b, c) = (code("ICD.1"), code("ICD.2"), code("DATA.2"));
        let m_stems = module(&app, &w, "Stems", 10).await;
        let m_coding = module(&app, &w, "Coding", 20).await;
        let m_basics = module(&app, &w, "Basics", 5).await;
        let m_data = module(&app, &w, "Data", 15).await;
        let m_privacy = module(&app, &w, "Privacy", 30).await;
        let stems = badge(&app, &w.council, COUNCIL, "Stems badge", &[(a, 2)], Some(m_stems)).await;
        let coding = badge(&app, &w.council, COUNCIL, "Coding badge", &[(b, 3)], Some(m_coding)).await;
        let basics = badge(&app, &w.council, COUNCIL, "Basics badge", &[(b, 1)], Some(m_basics)).await;
        let data = badge(&app, &w.council, COUNCIL, "Data badge", &[(c, 2)], Some(m_data)).await;
        let privacy = badge(&app, &w.council, COUNCIL, "Privacy badge", &[], Some(m_privacy)).await;

        let mut ids = Vec::new();
        let mut who = Vec::new();
        for name in ["ana", "ben", "cas", "dee"] {
            let (p, id) = worker(&app, &w, name).await;
            ids.push(id);
            who.push(p);
        }
        for (achievement, to, days) in [
            (stems, "ana", None), (coding, "ana", None), (data, "ana", None), (privacy, "ana", Some(20)),
            (stems, "ben", None), (basics, "ben", None), (data, "ben", None),
            (coding, "cas", None), (privacy, "cas", None),
        ] {
            issue(&app, &w.council, COUNCIL, achievement, to, days).await;
        }
        for p in &who {
            app.share_all(p, EMPLOYER).await.unwrap();
        }
        let t = team(&app, &w, "Coding desk", &ids).await;
        let requirements = vec![comp(a, 2), comp(b, 3), comp(c, 2), Requirement::Achievement { achievement_id: privacy }];
        let r = app.create_role_profile(&w.manager, EMPLOYER, role("Coder", requirements)).await.unwrap().profile.id;
        let (ana, ben, cas, dee) = (ids[0], ids[1], ids[2], ids[3]);

        // By hand, requirements A≥2, B≥3, C≥2, holds Privacy:
        //   ana: Stems(A2) Coding(B3) Data(C2) Privacy(ends in 20 days) → met, met, met,
        //        expiring soon within 30 days → 4 of 4, ready: 0 min.
        //   ben: Stems(A2) Basics(B1) Data(C2) → met, partly (1 of 3), met, missing → 2 of 4;
        //        B by Coding badge (20 min), Privacy (30 min) → 50 min.
        //   cas: Coding(B3) Privacy → missing, met, missing, met → 2 of 4;
        //        A by Stems badge (10 min), C by Data badge (15 min) → 25 min.
        //   dee: nothing → 0 of 4; not ranked (nothing visible).
        let g = app.worker_gap(&w.manager, EMPLOYER, ana, r, 30).await.unwrap();
        assert_eq!(g.coverage, cov(4, 4));
        assert_eq!(g.minutes_to_ready, Some(0));
        assert!(matches!(g.requirements[3].status, RequirementStatus::ExpiringSoon { .. }), "{:?}", g.requirements[3]);
        assert_eq!(&g.requirements[..3].iter().map(|x| x.status).collect::<Vec<_>>(), &[RequirementStatus::Met; 3]);

        let g = app.worker_gap(&w.manager, EMPLOYER, ben, r, 30).await.unwrap();
        assert_eq!(g.coverage, cov(2, 4));
        let statuses: Vec<RequirementStatus> = g.requirements.iter().map(|x| x.status).collect();
        assert_eq!(statuses, vec![
            RequirementStatus::Met,
            RequirementStatus::PartlyMet { have: 1, need: 3 },
            RequirementStatus::Met,
            RequirementStatus::Missing,
        ]);
        let b_path = g.requirements[1].pathway.as_ref().unwrap();
        assert_eq!((b_path.achievement_id, b_path.minutes), (coding, 20));
        let p_path = g.requirements[3].pathway.as_ref().unwrap();
        assert_eq!((p_path.achievement_id, p_path.minutes), (privacy, 30));
        assert!(g.requirements[0].pathway.is_none());
        assert_eq!(g.minutes_to_ready, Some(50));
        let csv = g.table().to_csv().unwrap();
        assert!(csv.starts_with("requirement,status,pathway,minutes\r\n"), "{csv}");
        assert!(csv.contains("partly met (level 1 of 3),Coding badge,20"), "{csv}");

        let g = app.worker_gap(&w.manager, EMPLOYER, cas, r, 30).await.unwrap();
        assert_eq!(g.coverage, cov(2, 4));
        assert_eq!(g.minutes_to_ready, Some(25));

        let g = app.worker_gap(&w.manager, EMPLOYER, dee, r, 30).await.unwrap();
        assert_eq!(g.coverage, cov(0, 4));
        // Stems 10 + Coding 20 + Data 15 + Privacy 30.
        assert_eq!(g.minutes_to_ready, Some(75));

        // Heat map of the team, by hand:
        //   A: met ana, ben; missing cas, dee          → 2, 0, 2
        //   B: met ana, cas; partly ben; missing dee   → 2, 1, 1
        //   C: met ana, ben; missing cas, dee          → 2, 0, 2
        //   Privacy: met ana, cas; missing ben, dee    → 2, 0, 2
        let h = app.team_heat_map(&w.manager, EMPLOYER, Some(t), r).await.unwrap();
        assert_eq!(h.workers, 4);
        let counts: Vec<(u32, u32, u32)> = h.rows.iter().map(|x| (x.met, x.partly_met, x.missing)).collect();
        assert_eq!(counts, vec![(2, 0, 2), (2, 1, 1), (2, 0, 2), (2, 0, 2)]);
        assert_eq!(h.team.as_ref().unwrap().name, "Coding desk");
        let csv = h.table().to_csv().unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "requirement,met,partly met,missing");
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[4], "\"Holds \"\"Privacy badge\"\"\",2,0,2");

        // Whole organization: the manager (a member holding nothing) misses everything too.
        let h = app.team_heat_map(&w.manager, EMPLOYER, None, r).await.unwrap();
        assert_eq!((h.workers, h.rows[1].met, h.rows[1].partly_met, h.rows[1].missing), (5, 2, 1, 2));

        // Ranking by hand: ana (4/4, 0 min), cas (2/4, 25 min), ben (2/4, 50 min);
        // dee and the manager are not ranked.
        let d = app.redeployment(&w.manager, EMPLOYER, r, 0).await.unwrap();
        let order: Vec<(Uuid, Coverage, Option<u32>)> = d.candidates.iter().map(|c| (c.worker.user_id, c.coverage, c.minutes_to_ready)).collect();
        assert_eq!(order, vec![(ana, cov(4, 4), Some(0)), (cas, cov(2, 4), Some(25)), (ben, cov(2, 4), Some(50))]);
        assert_eq!((d.consenting, d.not_consenting), (3, 2));
        assert_eq!(d.candidates[0].summary, "meets all 4 requirements; ready now");
        assert!(d.candidates[2].reasons.iter().any(|x| x.contains("ICD.2") && x.contains("level 1 of 3")), "{:?}", d.candidates[2].reasons);
        let top = app.redeployment(&w.manager, EMPLOYER, r, 2).await.unwrap();
        assert_eq!(top.candidates.len(), 2);

        // Expiring: ana's Privacy badge ends in 20 days (19 whole days left by now).
        let e = app.expiring_credentials(&w.manager, EMPLOYER, 30).await.unwrap();
        assert_eq!(e.credentials.len(), 1);
        assert_eq!((e.credentials[0].worker.user_id, e.credentials[0].achievement_id, e.credentials[0].days_left), (ana, privacy, 19));
        assert!(app.expiring_credentials(&w.manager, EMPLOYER, 10).await.unwrap().credentials.is_empty());
        assert!(app.expiring_credentials(&w.manager, EMPLOYER, 0).await.is_err());

        // The organization-wide matrix agrees with the heat map and ranking.
        let m = app.org_gap_analysis(&w.manager, EMPLOYER, cairn_app::now()).await.unwrap();
        assert_eq!((m.workers, m.consenting), (5, 3));
        assert_eq!(m.roles.len(), 1);
        // 0 met: dee and the manager; 2 met: ben, cas; 4 met: ana.
        assert_eq!(m.roles[0].by_met, vec![2, 0, 2, 0, 1]);
        assert_eq!(m.roles[0].ready, 1);
        assert_eq!(m.roles[0].rows[1].partly_met, 1);

        // A learner sees none of it.
        assert!(matches!(app.redeployment(&who[0], EMPLOYER, r, 0).await.unwrap_err(), AppError::Forbidden(_)));
        assert!(matches!(app.worker_gap(&who[0], EMPLOYER, ana, r, 0).await.unwrap_err(), AppError::Forbidden(_)));
    }
}
