//! Awards from achievement rules: decided with the event that meets the rule, signed once
//! by the outbox, recovered after a crash, on both backends.

use cairn_app::credentials::{NewAchievement, StatusAction};
use cairn_app::modules::ProgressUpdate;
use cairn_app::{App, AppConfig, AppError};
use cairn_core::AchievementSpec;
use cairn_core::criteria::Criteria;
use cairn_core::{AchievementKind, OrgKind, Principal, Role};
use cairn_store::backend_tests;
use uuid::Uuid;

use crate::{app, lesson};

struct World {
    admin: Principal,
    author: Principal,
    learner: Principal,
}

/// An organization that both teaches and issues, with an admin, an author and a learner.
async fn world(app: &App) -> World {
    crate::org_of(app, "council", vec![OrgKind::Provider, OrgKind::Issuer]).await;
    World {
        admin: crate::member(app, "council", Role::Admin).await,
        author: crate::member(app, "council", Role::Author).await,
        learner: crate::member(app, "council", Role::Learner).await,
    }
}

/// A published lesson module: (module id, version id).
async fn module(app: &App, author: &Principal, title: &str) -> (Uuid, Uuid) {
    let draft = app
        .create_module(author, "council", lesson(title))
        .await
        .unwrap();
    let v = app.publish_module(author, draft.module_id).await.unwrap();
    (v.module_id, v.id)
}

async fn achievement(app: &App, admin: &Principal, name: &str, rule: Criteria) -> Uuid {
    app.create_achievement(
        admin,
        "council",
        NewAchievement {
            kind: AchievementKind::Badge,
            name: name.into(),
            description: "Completed the module.".into(),
            criteria: "Complete the module.".into(),
            spec: AchievementSpec {
                rule: Some(rule),
                validity_days: Some(365),
                ..Default::default()
            },
        },
    )
    .await
    .unwrap()
    .id
}

async fn complete(app: &App, learner: &Principal, version: Uuid) {
    app.save_progress(
        learner,
        version,
        ProgressUpdate {
            page_reached: Some(1),
            answers: Some(vec![Some(0)]),
        },
    )
    .await
    .unwrap();
}

async fn credentials_for(app: &App, learner: &Principal, achievement: Uuid) -> usize {
    app.my_credentials(learner)
        .await
        .unwrap()
        .iter()
        .filter(|c| c.achievement_id == Some(achievement))
        .count()
}

backend_tests! {
    async fn meeting_a_rule_awards_a_signed_credential_with_its_evidence(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let (m, v) = module(&app, &w.author, "ICD-11 stems").await;
        let a = achievement(&app, &w.admin, "Stems", Criteria::CompletedModule { module_id: m, min_version: None }).await;

        complete(&app, &w.learner, v).await;
        let awards = app.my_awards(&w.learner).await.unwrap();
        assert_eq!(awards.len(), 1);
        let award = &awards[0];
        assert_eq!((award.achievement_id, award.state.as_str(), award.active), (a, "issued", true));
        assert!(award.explanation.contains("completed module \"ICD-11 stems\""), "{}", award.explanation);
        let credential = award.credential_id.unwrap();

        // The credential states the evidence, runs for the validity period and verifies.
        let public = app.public_credential(credential).await.unwrap();
        let evidence = public.document["evidence"].as_array().unwrap();
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0]["genre"], "Module completion");
        assert_eq!(evidence[0]["id"], format!("urn:uuid:{v}"));
        assert!(public.document["validUntil"].is_string());
        let report = app.verify_value(public.document.clone()).await.unwrap();
        assert!(report.verified, "{report:?}");

        // The chain behind it: completion, decision, issuing — in that order.
        let chain = app.credential_chain(&w.learner, credential).await.unwrap();
        let actions: Vec<&str> = chain.events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["module.complete", "award.decide", "credential.issue", "award.issue"], "{actions:?}");
        // Another learner may not read it; the issuer's admin may.
        let err = app.credential_chain(&w.author, credential).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        assert!(app.credential_chain(&w.admin, credential).await.is_ok());
    }

    async fn twenty_racing_events_that_each_meet_the_rule_yield_one_credential(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let mut modules = Vec::new();
        for i in 0..20 {
            modules.push(module(&app, &w.author, &format!("Module {i}")).await);
        }
        let rule = Criteria::Any {
            of: modules.iter().map(|(m, _)| Criteria::CompletedModule { module_id: *m, min_version: None }).collect(),
        };
        let a = achievement(&app, &w.admin, "Any module", rule).await;

        let tasks: Vec<_> = modules
            .iter()
            .map(|(_, v)| {
                let (app, learner, v) = (app.clone(), w.learner.clone(), *v);
                tokio::spawn(async move { complete(&app, &learner, v).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(credentials_for(&app, &w.learner, a).await, 1);
        let awards = app.my_awards(&w.learner).await.unwrap();
        assert_eq!(awards.len(), 1, "{awards:?}");
        assert_eq!(awards[0].state, "issued");
    }

    async fn a_crash_between_award_and_signing_is_recovered_on_restart(db: TestDb) {
        // The first server decides awards but never signs: it "crashes" in between.
        let mut cfg = AppConfig::for_tests();
        cfg.sign_awards_inline = false;
        let crashed = App::new(db.store.clone(), cfg);
        let w = world(&crashed).await;
        let (m, v) = module(&crashed, &w.author, "ICD-11 stems").await;
        let a = achievement(&crashed, &w.admin, "Stems", Criteria::CompletedModule { module_id: m, min_version: None }).await;
        complete(&crashed, &w.learner, v).await;
        let pending = crashed.my_awards(&w.learner).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!((pending[0].state.as_str(), pending[0].credential_id), ("pending", None));
        assert_eq!(credentials_for(&crashed, &w.learner, a).await, 0);
        drop(crashed);

        // Two servers restart on the same database and both run the outbox.
        let one = App::open(&db.url, AppConfig::for_tests()).await.unwrap();
        let two = App::open(&db.url, AppConfig::for_tests()).await.unwrap();
        let (x, y) = tokio::join!(one.sign_pending_awards(), two.sign_pending_awards());
        assert_eq!(x.unwrap() + y.unwrap(), 1);
        assert_eq!(one.sign_pending_awards().await.unwrap(), 0);
        assert_eq!(credentials_for(&one, &w.learner, a).await, 1);
        let awards = one.my_awards(&w.learner).await.unwrap();
        assert_eq!(awards.len(), 1);
        assert_eq!(awards[0].state, "issued");
        assert_eq!(awards[0].tries, 1);
        one.store.close().await;
        two.store.close().await;
    }

    async fn a_revoked_award_stops_counting(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let (m, v) = module(&app, &w.author, "ICD-11 stems").await;
        achievement(&app, &w.admin, "Stems", Criteria::CompletedModule { module_id: m, min_version: None }).await;
        complete(&app, &w.learner, v).await;
        let award = app.my_awards(&w.learner).await.unwrap().remove(0);
        app.set_credential_status(&w.admin, "council", award.credential_id.unwrap(), StatusAction::Revoke, Some("issued in error"))
            .await
            .unwrap();
        let after = app.my_awards(&w.learner).await.unwrap().remove(0);
        assert!(!after.active);
        let issuer = app.org_awards(&w.admin, "council", Some("issued")).await.unwrap();
        assert_eq!(issuer.len(), 1);
        let err = app.org_awards(&w.learner, "council", None).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    }

    async fn rules_that_name_nothing_real_are_refused(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let ghost = Uuid::now_v7();
        let err = app
            .create_achievement(&w.admin, "council", NewAchievement {
                kind: AchievementKind::Badge,
                name: "Ghost".into(),
                description: "Nothing.".into(),
                criteria: "Nothing.".into(),
                spec: AchievementSpec {
                    rule: Some(Criteria::PassedAssessment { assessment_id: ghost, min_percent: None }),
                    ..Default::default()
                },
            })
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err}");
        assert!(err.to_string().contains(&ghost.to_string()), "{err}");
        let err = app
            .create_achievement(&w.admin, "council", NewAchievement {
                kind: AchievementKind::Badge,
                name: "Empty".into(),
                description: "Nothing.".into(),
                criteria: "Nothing.".into(),
                spec: AchievementSpec { rule: Some(Criteria::All { of: vec![] }), ..Default::default() },
            })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }

    async fn the_demo_has_learners_at_every_stage(db: TestDb) {
        let app = app(&db);
        app.seed_demo().await.unwrap();
        let sys = Principal::system();
        let mut issued = 0;
        for slug in ["rhwc", "northbridge-academy"] {
            let awards = app.org_awards(&sys, slug, None).await.unwrap();
            assert!(awards.iter().all(|a| a.state == "issued"), "{awards:?}");
            issued += awards.len();
        }
        assert!(issued >= 8, "{issued} awards");
        // The learner persona: one attempt open, and one failure now waiting out its cooldown
        // with feedback per competency.
        let amara = app.sign_in(cairn_app::demo::PERSONAS[0].email, cairn_app::demo::DEMO_PASSWORD).await.unwrap();
        let p = app.session(&amara.session_secret).await.unwrap().principal;
        let (_, nb) = app.org_assessments(&sys, "northbridge-academy").await.unwrap();
        let post = nb.iter().find(|a| a.title == "ICD-11 postcoordination assessment").unwrap();
        assert!(app.assessment_intro(&p, post.id).await.unwrap().open_attempt.is_some());
        let (_, council) = app.org_assessments(&sys, "rhwc").await.unwrap();
        let privacy = council.iter().find(|a| a.title == "Privacy and data protection assessment").unwrap();
        let intro = app.assessment_intro(&p, privacy.id).await.unwrap();
        assert!(intro.refusal.as_deref().is_some_and(|r| r.contains("apart")), "{:?}", intro.refusal);
        let failed = app.attempt(&p, intro.attempts[0].id).await.unwrap();
        let result = failed.result.unwrap();
        assert!(!result.passed);
        assert!(!result.competencies.is_empty());
    }

    async fn a_server_that_cannot_sign_leaves_awards_pending_until_one_can(db: TestDb) {
        let mut cfg = AppConfig::for_tests();
        cfg.master_key = None;
        let keyless = App::new(db.store.clone(), cfg);
        let w = world(&keyless).await;
        let (m, v) = module(&keyless, &w.author, "ICD-11 stems").await;
        let a = achievement(&keyless, &w.admin, "Stems", Criteria::CompletedModule { module_id: m, min_version: None }).await;
        complete(&keyless, &w.learner, v).await;
        for _ in 0..8 {
            assert_eq!(keyless.sign_pending_awards().await.unwrap(), 0);
        }
        let waiting = keyless.my_awards(&w.learner).await.unwrap();
        assert_eq!((waiting[0].state.as_str(), waiting[0].tries), ("pending", 0), "not counted as failed tries");
        // Once a server with the key runs, the award is signed.
        let keyed = app(&db);
        assert_eq!(keyed.sign_pending_awards().await.unwrap(), 1);
        assert_eq!(credentials_for(&keyed, &w.learner, a).await, 1);
    }
}
