//! Item banks, assessments and attempts, on both backends: the limits are enforced from
//! stored times, submissions score once, and nobody reads another learner's attempt.

use std::collections::BTreeMap;

use cairn_app::accounts::NewUser;
use cairn_app::assessments::{AssessmentSpec, AssessmentState, BankFilter};
use cairn_app::{App, AppError};
use cairn_core::assessment::{
    Assessment, Blueprint, BlueprintCell, CompetencyMinimum, CompetencyRef, Difficulty,
    ItemContent, ItemKind, Response,
};
use cairn_core::{OrgKind, Principal, PrincipalKind, Role};
use cairn_store::backend_tests;
use time::Duration;
use uuid::Uuid;

use crate::{app, member, org_of};

async fn user(app: &App, email: &str) -> Principal {
    let u = app
        .create_user(
            &Principal::system(),
            NewUser {
                display_name: email.into(),
                email: email.into(),
                password: None,
                is_operator: false,
            },
        )
        .await
        .unwrap();
    Principal {
        kind: PrincipalKind::User { user_id: u.id },
        is_operator: false,
        grants: vec![],
    }
}

/// A provider with an author; returns the author's principal.
async fn provider(app: &App, slug: &str) -> Principal {
    org_of(app, slug, vec![OrgKind::Provider]).await;
    member(app, slug, Role::Author).await
}

fn tf(competency: &str, correct: bool) -> ItemContent {
    ItemContent {
        competency: CompetencyRef::Code(competency.into()),
        difficulty: Difficulty::Easy,
        points: 1,
        prompt: format!("A statement about {competency}."),
        kind: ItemKind::TrueFalse { correct },
        explanation: Some("Because.".into()),
    }
}

fn rules(cells: &[(&str, u32)], time: Option<u32>, max: Option<u32>, cooldown: u32) -> Assessment {
    Assessment {
        blueprint: Blueprint {
            cells: cells
                .iter()
                .map(|(c, n)| BlueprintCell {
                    competency: CompetencyRef::Code((*c).into()),
                    difficulty: Difficulty::Easy,
                    count: *n,
                })
                .collect(),
        },
        time_limit_minutes: time,
        max_attempts: max,
        cooldown_minutes: cooldown,
        cut_score_percent: 60,
        competency_minimums: vec![],
    }
}

/// A published assessment over a bank of true statements.
async fn published(app: &App, author: &Principal, slug: &str, rules: Assessment) -> Uuid {
    for cell in &rules.blueprint.cells {
        for _ in 0..cell.count {
            let CompetencyRef::Code(c) = &cell.competency else {
                unreachable!()
            };
            app.create_item(author, slug, tf(c, true)).await.unwrap();
        }
    }
    let a = app
        .create_assessment(
            author,
            slug,
            AssessmentSpec {
                title: "Check".into(),
                description: String::new(),
                module_id: None,
                rules,
            },
        )
        .await
        .unwrap();
    assert_eq!(a.state, AssessmentState::Draft);
    app.publish_assessment(author, a.id).await.unwrap().id
}

fn all_true(items: &[cairn_core::assessment::PublicItem]) -> BTreeMap<Uuid, Response> {
    items
        .iter()
        .map(|i| (i.item_id, Response::TrueFalse { value: true }))
        .collect()
}

fn conflict(e: AppError) -> String {
    match e {
        AppError::Conflict(m) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

backend_tests! {
    async fn time_limit_attempt_limit_and_cooldown_are_enforced_from_stored_times(db: TestDb) {
        let app = app(&db);
        let author = provider(&app, "prov").await;
        let learner = user(&app, "learner@x.example").await;
        let id = published(&app, &author, "prov", rules(&[("C1", 2)], Some(10), Some(2), 60)).await;

        let first = app.start_attempt(&learner, id).await.unwrap();
        assert_eq!(first.number, 1);
        assert_eq!(first.deadline, Some(first.started_at + Duration::minutes(10)));
        // Still open: a second start is refused and says how to go on.
        let msg = conflict(app.start_attempt(&learner, id).await.unwrap_err());
        assert!(msg.contains("Attempt 1 is still open"), "{msg}");

        // Eleven minutes later (the limit plus more than the grace), answers are refused.
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().backdate_attempt(first.id, Duration::minutes(11)).await.unwrap();
        tx.commit().await.unwrap();
        let msg = conflict(app.submit_attempt(&learner, first.id, all_true(&first.items)).await.unwrap_err());
        assert!(msg.contains("time limit for this attempt ended"), "{msg}");
        assert!(msg.contains("You can start a new attempt from"), "{msg}");

        // The attempt closed half a minute ago; the next may start only after the cooldown.
        let msg = conflict(app.start_attempt(&learner, id).await.unwrap_err());
        assert!(msg.contains("at least 60 minute(s) apart"), "{msg}");
        let intro = app.assessment_intro(&learner, id).await.unwrap();
        assert!(intro.refusal.as_deref().is_some_and(|r| r.contains("60 minute(s)")), "{:?}", intro.refusal);
        assert_eq!(intro.open_attempt, None);

        let mut tx = db.store.begin().await.unwrap();
        tx.conn().backdate_attempt(first.id, Duration::hours(2)).await.unwrap();
        tx.commit().await.unwrap();
        let second = app.start_attempt(&learner, id).await.unwrap();
        assert_eq!(second.number, 2);
        // Ten minutes and ten seconds on, the grace still covers a submission in flight.
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().backdate_attempt(second.id, Duration::seconds(610)).await.unwrap();
        tx.commit().await.unwrap();
        let scored = app.submit_attempt(&learner, second.id, all_true(&second.items)).await.unwrap();
        assert!(scored.result.as_ref().unwrap().passed);

        let mut tx = db.store.begin().await.unwrap();
        tx.conn().backdate_attempt(second.id, Duration::hours(2)).await.unwrap();
        tx.commit().await.unwrap();
        let msg = conflict(app.start_attempt(&learner, id).await.unwrap_err());
        assert!(msg.contains("used all 2 attempt(s)"), "{msg}");
        let mine = app.my_attempts(&learner, id).await.unwrap();
        assert_eq!(mine.iter().map(|a| (a.number, a.passed)).collect::<Vec<_>>(), vec![(1, None), (2, Some(true))]);
    }

    async fn a_double_submit_scores_once_and_racing_starts_open_one_attempt(db: TestDb) {
        let app = app(&db);
        let author = provider(&app, "prov").await;
        let learner = user(&app, "learner@x.example").await;
        let id = published(&app, &author, "prov", rules(&[("C1", 3)], None, None, 0)).await;

        let (a, b) = tokio::join!(app.start_attempt(&learner, id), app.start_attempt(&learner, id));
        let (ok, refused): (Vec<_>, Vec<_>) = [a, b].into_iter().partition(Result::is_ok);
        assert_eq!((ok.len(), refused.len()), (1, 1), "{}", db.backend);
        let msg = conflict(refused.into_iter().next().unwrap().unwrap_err());
        assert!(msg.contains("Attempt 1"), "{msg}");
        let attempt = ok.into_iter().next().unwrap().unwrap();
        assert_eq!(app.my_attempts(&learner, id).await.unwrap().len(), 1);

        let right = all_true(&attempt.items);
        let wrong: BTreeMap<_, _> = attempt.items.iter().map(|i| (i.item_id, Response::TrueFalse { value: false })).collect();
        let (x, y) = tokio::join!(
            app.submit_attempt(&learner, attempt.id, right.clone()),
            app.submit_attempt(&learner, attempt.id, wrong.clone()),
        );
        let (ok, refused): (Vec<_>, Vec<_>) = [x, y].into_iter().partition(Result::is_ok);
        assert_eq!((ok.len(), refused.len()), (1, 1), "{}", db.backend);
        let msg = conflict(refused.into_iter().next().unwrap().unwrap_err());
        assert!(msg.contains("already submitted"), "{msg}");
        let kept = ok.into_iter().next().unwrap().unwrap().result.unwrap();
        // Whatever won, the stored result is the one returned, and a later submit changes nothing.
        let msg = conflict(app.submit_attempt(&learner, attempt.id, wrong).await.unwrap_err());
        assert!(msg.contains("already submitted") && msg.contains("result stands"), "{msg}");
        let stored = app.attempt(&learner, attempt.id).await.unwrap();
        assert_eq!(stored.result.unwrap(), kept);
        assert!(stored.items.is_empty(), "a submitted attempt no longer lists its open questions");
    }

    async fn only_the_learner_and_the_provider_see_an_attempt(db: TestDb) {
        let app = app(&db);
        let author = provider(&app, "prov").await;
        let learner = user(&app, "learner@x.example").await;
        let other = user(&app, "other@x.example").await;
        let id = published(&app, &author, "prov", rules(&[("C1", 1)], None, None, 0)).await;
        let attempt = app.start_attempt(&learner, id).await.unwrap();
        assert!(matches!(app.attempt(&other, attempt.id).await, Err(AppError::NotFound(_))));
        assert!(matches!(app.submit_attempt(&other, attempt.id, BTreeMap::new()).await, Err(AppError::NotFound(_))));
        assert_eq!(app.attempt(&author, attempt.id).await.unwrap().learner_id, learner.user_id().unwrap());
        assert_eq!(app.assessment_attempts(&author, id).await.unwrap().len(), 1);
        assert!(matches!(app.assessment_attempts(&learner, id).await, Err(AppError::Forbidden(_))));
        // Learners write no items and see no bank.
        assert!(matches!(app.create_item(&learner, "prov", tf("C1", true)).await, Err(AppError::Forbidden(_))));
        assert!(matches!(app.item_bank(&learner, "prov", &BankFilter::default()).await, Err(AppError::Forbidden(_))));
        // API tokens act for an organization, not a person: they cannot sit an assessment.
        let token = Principal { kind: PrincipalKind::Token { token_id: Uuid::now_v7() }, is_operator: false, grants: vec![] };
        assert!(matches!(app.start_attempt(&token, id).await, Err(AppError::Unauthenticated(_))));
    }

    async fn a_blueprint_the_bank_cannot_fill_is_refused_with_what_is_missing(db: TestDb) {
        let app = app(&db);
        let author = provider(&app, "prov").await;
        for _ in 0..3 {
            app.create_item(&author, "prov", tf("C1", true)).await.unwrap();
        }
        let spec = |r: Assessment| AssessmentSpec { title: "Check".into(), description: String::new(), module_id: None, rules: r };
        let e = app.create_assessment(&author, "prov", spec(rules(&[("C1", 5)], None, None, 0))).await.unwrap_err();
        let AppError::Invalid(i) = e else { panic!("{e:?}") };
        assert_eq!(i.field, "blueprint");
        assert!(i.message.contains("has 3 easy item(s) for competency C1 but the blueprint asks for 5; add 2 more"), "{i}");
        let mut r = rules(&[("C1", 2)], None, None, 0);
        r.competency_minimums = vec![CompetencyMinimum { competency: CompetencyRef::Code("C9".into()), percent: 50 }];
        let e = app.create_assessment(&author, "prov", spec(r)).await.unwrap_err();
        assert!(e.to_string().contains("does not assess"), "{e}");
        let a = app.create_assessment(&author, "prov", spec(rules(&[("C1", 3)], None, None, 0))).await.unwrap();
        // Retiring an item leaves the bank one short: publishing says so.
        let (_, bank) = app.item_bank(&author, "prov", &BankFilter::default()).await.unwrap();
        let retired = app.retire_item(&author, bank[0].id).await.unwrap();
        assert!(retired.retired);
        let e = app.publish_assessment(&author, a.id).await.unwrap_err();
        assert!(e.to_string().contains("add 1 more"), "{e}");
        // Editing an item makes a new version; the bank lists the current one.
        let v2 = app.update_item(&author, bank[1].id, tf("C1", false)).await.unwrap();
        assert_eq!(v2.version, 2);
        let again = app.item(&author, bank[1].id).await.unwrap();
        assert_eq!((again.version, again.content.kind.clone()), (2, ItemKind::TrueFalse { correct: false }));
        let (_, with_retired) = app.item_bank(&author, "prov", &BankFilter { include_retired: true, ..Default::default() }).await.unwrap();
        assert_eq!(with_retired.len(), 3);

        // A retired assessment starts no attempts, and cannot be published again.
        let live = app.create_assessment(&author, "prov", spec(rules(&[("C1", 2)], None, None, 0))).await.unwrap();
        let live = app.publish_assessment(&author, live.id).await.unwrap();
        let learner = user(&app, "learner@x.example").await;
        assert!(matches!(app.retire_assessment(&learner, live.id).await, Err(AppError::Forbidden(_))));
        assert_eq!(app.retire_assessment(&author, live.id).await.unwrap().state, AssessmentState::Retired);
        assert!(matches!(app.start_attempt(&learner, live.id).await, Err(AppError::NotFound(_))));
        assert!(matches!(app.publish_assessment(&author, live.id).await, Err(AppError::Conflict(_))));
    }

    async fn icd11_answer_keys_must_be_codes_of_the_loaded_release(db: TestDb) {
        let app = app(&db);
        let author = provider(&app, "prov").await;
        let item = |expected: &str| ItemContent {
            competency: CompetencyRef::Code("ICD.3".into()),
            difficulty: Difficulty::Medium,
            points: 2,
            prompt: "Code the case.".into(),
            kind: ItemKind::Icd11Coding { vignette: "A fall; fracture of the neck of the right femur.".into(), expected: expected.into() },
            explanation: None,
        };
        let e = app.create_item(&author, "prov", item("NC72.2&XK9K")).await.unwrap_err();
        assert!(e.to_string().contains("no ICD-11 release is loaded"), "{e}");
        let mut tx = db.store.begin().await.unwrap();
        app.seed_icd11_sample(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        app.create_item(&author, "prov", item("NC72.2&XK9K")).await.unwrap();
        // A missing dot and lower case are the learner's leeway, and the author's too.
        app.create_item(&author, "prov", item("nc722&xk9k")).await.unwrap();
        let e = app.create_item(&author, "prov", item("NC72.2&XZ9Z")).await.unwrap_err();
        assert!(matches!(&e, AppError::Invalid(i) if i.field == "expected" && i.message.contains("XZ9Z")), "{e}");
        let e = app.create_item(&author, "prov", item("XK9K")).await.unwrap_err();
        assert!(e.to_string().contains("extension code"), "{e}");
    }

    async fn every_demo_assessment_is_published_and_can_be_taken(db: TestDb) {
        let app = app(&db);
        app.seed_demo().await.unwrap();
        let learner = user(&app, "new.learner@x.example").await;
        let mut titles = Vec::new();
        for slug in ["northbridge-academy", "rhwc"] {
            let (_, list) = app.org_assessments(&learner, slug).await.unwrap();
            for a in list {
                assert_eq!(a.state, AssessmentState::Published);
                let attempt = app.start_attempt(&learner, a.id).await.unwrap();
                assert_eq!(attempt.items.len() as u64, a.rules.blueprint.total_items(), "{}", a.title);
                let scored = app.submit_attempt(&learner, attempt.id, BTreeMap::new()).await.unwrap();
                assert!(!scored.result.unwrap().passed);
                titles.push(a.title);
            }
        }
        titles.sort();
        assert_eq!(titles, [
            "Emergency department coding assessment",
            "ICD-11 foundations assessment",
            "ICD-11 postcoordination assessment",
            "Privacy and data protection assessment",
            "Value-based care assessment",
        ]);
    }
}
