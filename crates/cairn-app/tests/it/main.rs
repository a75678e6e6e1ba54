//! Use cases over a real database: SQLite always, PostgreSQL when configured.

mod accreditation;
mod assessments;
mod assignments;
mod awards;
mod catalog;
mod credentials;
mod frameworks;
mod icd11;
mod jobs;
mod lrs;
mod notifications;
mod pathways;
mod registry;
mod reviews;
mod stacks;
mod workforce;
mod workforce_demo;
mod xapi_emit;
mod xapi_evidence;

use cairn_app::accounts::NewUser;
use cairn_app::orgs::{NewMember, NewOrg, NewToken};
use cairn_app::{App, AppConfig, AppError};
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use cairn_store::testing::TestDb;

fn app(db: &TestDb) -> App {
    App::new(db.store.clone(), AppConfig::for_tests())
}

/// A one-page lesson with one question, to publish and complete in tests.
pub fn lesson(title: &str) -> cairn_core::catalog::ModuleContent {
    cairn_core::catalog::ModuleContent {
        title: title.into(),
        summary: "Read ICD-11 stem codes.".into(),
        objectives: vec!["Read a stem code".into()],
        duration_minutes: 10,
        language: "en".into(),
        format: cairn_core::catalog::ModuleFormat::Lesson,
        url: None,
        activity_iri: None,
        alignments: vec![],
        tags: vec!["icd-11".into()],
        pages: vec![cairn_core::catalog::LessonPage {
            title: "Stems".into(),
            markdown: "A stem code stands alone.".into(),
        }],
        questions: vec![cairn_core::catalog::Question {
            prompt: "Does a stem code stand alone?".into(),
            choices: vec!["Yes".into(), "No".into()],
            answer: 0,
            explanation: None,
        }],
    }
}

/// An organization of these kinds, made by the platform.
pub async fn org_of(app: &App, slug: &str, kinds: Vec<OrgKind>) {
    app.create_org(
        &Principal::system(),
        NewOrg {
            slug: Some(slug.into()),
            name: format!("Org {slug}"),
            kinds,
        },
    )
    .await
    .unwrap();
}

/// A new person holding `role` in `slug` (e-mail `{role}@{slug}.example`), as the principal
/// their requests carry.
pub async fn member(app: &App, slug: &str, role: Role) -> Principal {
    let sys = Principal::system();
    let email = format!("{role}@{slug}.example");
    let user = app
        .create_user(
            &sys,
            NewUser {
                display_name: format!("{role} of {slug}"),
                email: email.clone(),
                password: None,
                is_operator: false,
            },
        )
        .await
        .unwrap();
    let m = app
        .add_member(
            &sys,
            slug,
            NewMember {
                email,
                display_name: None,
                role,
                job_title: None,
            },
        )
        .await
        .unwrap();
    Principal {
        kind: cairn_core::PrincipalKind::User { user_id: user.id },
        is_operator: false,
        grants: vec![(m.org_id, role)],
    }
}

/// An organization with an admin who can sign in.
async fn org_with_admin(app: &App, slug: &str) -> (String, String) {
    let sys = Principal::system();
    app.create_org(
        &sys,
        NewOrg {
            slug: Some(slug.into()),
            name: format!("Org {slug}"),
            kinds: vec![OrgKind::Employer],
        },
    )
    .await
    .unwrap();
    let email = format!("admin@{slug}.example");
    let user = app
        .create_user(
            &sys,
            NewUser {
                display_name: "Admin".into(),
                email: email.clone(),
                password: Some("long enough password".into()),
                is_operator: false,
            },
        )
        .await
        .unwrap();
    app.add_member(
        &sys,
        slug,
        NewMember {
            email: email.clone(),
            display_name: None,
            role: Role::Admin,
            job_title: None,
        },
    )
    .await
    .unwrap();
    let _ = user;
    (email, "long enough password".into())
}

backend_tests! {
    async fn sign_in_with_the_right_password_only(db: TestDb) {
        let app = app(&db);
        let (email, pw) = org_with_admin(&app, "a").await;
        let err = app.sign_in(&email, "wrong password!").await.unwrap_err();
        assert!(matches!(err, AppError::Unauthenticated(_)), "{err}");
        let err = app.sign_in("nobody@a.example", &pw).await.unwrap_err();
        assert!(matches!(err, AppError::Unauthenticated(_)), "{err}");
        let s = app.sign_in(&email.to_uppercase(), &pw).await.unwrap();
        let session = app.session(&s.session_secret).await.unwrap();
        assert_eq!(session.user.primary_email(), Some(email.as_str()));
        assert_eq!(session.csrf_token, s.csrf_token);
        assert_eq!(session.principal.grants.len(), 1);
        app.sign_out(&s.session_secret).await.unwrap();
        assert!(matches!(app.session(&s.session_secret).await, Err(AppError::Unauthenticated(_))));
    }

    async fn repeated_failures_lock_the_account(db: TestDb) {
        let app = app(&db);
        let (email, pw) = org_with_admin(&app, "a").await;
        for i in 1..=5 {
            let err = app.sign_in(&email, "wrong password!").await.unwrap_err();
            if i < 5 {
                assert!(matches!(err, AppError::Unauthenticated(_)), "attempt {i}: {err}");
            } else {
                assert!(matches!(err, AppError::Locked { .. }), "attempt {i}: {err}");
            }
        }
        // Even the right password is refused while locked.
        let err = app.sign_in(&email, &pw).await.unwrap_err();
        assert!(matches!(err, AppError::Locked { .. }), "{err}");
        assert!(err.to_string().contains("locked"));
    }

    async fn expired_sessions_are_refused(db: TestDb) {
        let mut cfg = AppConfig::for_tests();
        cfg.session_ttl = time::Duration::seconds(-1);
        let app = App::new(db.store.clone(), cfg);
        let (email, pw) = org_with_admin(&app, "a").await;
        let s = app.sign_in(&email, &pw).await.unwrap();
        let err = app.session(&s.session_secret).await.unwrap_err();
        assert!(err.to_string().contains("expired"), "{err}");
        assert!(matches!(app.session("made-up").await, Err(AppError::Unauthenticated(_))));
    }

    async fn tokens_act_only_in_their_organization_and_role(db: TestDb) {
        let app = app(&db);
        let sys = Principal::system();
        org_with_admin(&app, "a").await;
        org_with_admin(&app, "b").await;
        let created = app.create_token(&sys, "a", NewToken { name: "sync".into(), role: Role::Admin, expires_in_days: Some(30) }).await.unwrap();
        assert!(created.secret.starts_with("cairn_"));
        let p = app.token_principal(&created.secret).await.unwrap();
        assert!(app.members(&p, "a", 50, 0).await.is_ok());
        let err = app.members(&p, "b", 50, 0).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");

        let learner = app.create_token(&sys, "a", NewToken { name: "l".into(), role: Role::Learner, expires_in_days: None }).await.unwrap();
        let lp = app.token_principal(&learner.secret).await.unwrap();
        assert!(app.org(&lp, "a").await.is_ok());
        let err = app.create_token(&lp, "a", NewToken { name: "x".into(), role: Role::Admin, expires_in_days: None }).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");

        app.revoke_token(&p, "a", created.token.id).await.unwrap();
        assert!(matches!(app.token_principal(&created.secret).await, Err(AppError::Unauthenticated(_))));
        assert!(matches!(app.token_principal("cairn_nope").await, Err(AppError::Unauthenticated(_))));
        assert!(matches!(app.token_principal("nope").await, Err(AppError::Unauthenticated(_))));
    }

    async fn members_are_added_with_new_accounts_and_last_admin_stays(db: TestDb) {
        let app = app(&db);
        let sys = Principal::system();
        org_with_admin(&app, "a").await;
        let err = app.add_member(&sys, "a", NewMember { email: "new@a.example".into(), display_name: None, role: Role::Learner, job_title: None }).await.unwrap_err();
        assert!(err.to_string().contains("name"), "{err}");
        app.add_member(&sys, "a", NewMember { email: "new@a.example".into(), display_name: Some("Nuno Ribeiro".into()), role: Role::Learner, job_title: Some("Clinical Coder".into()) }).await.unwrap();
        let (_, rows, total) = app.members(&sys, "a", 50, 0).await.unwrap();
        assert_eq!(total, 2);
        assert!(rows.iter().any(|r| r.display_name == "Nuno Ribeiro" && r.job_title.as_deref() == Some("Clinical Coder")));
        let admin = app.user_by_email("admin@a.example").await.unwrap().unwrap();
        let err = app.remove_member(&sys, "a", admin.id, Role::Admin).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        let err = app.add_member(&sys, "missing", NewMember { email: "x@a.example".into(), display_name: Some("X".into()), role: Role::Learner, job_title: None }).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{err}");
    }

    async fn every_change_is_in_a_verifiable_audit_chain(db: TestDb) {
        let app = app(&db);
        let (email, pw) = org_with_admin(&app, "a").await;
        let _ = app.sign_in(&email, "wrong password!").await;
        app.sign_in(&email, &pw).await.unwrap();
        let check = app.verify_audit_chain().await.unwrap();
        assert!(check.broken.is_none(), "{check:?}");
        assert!(check.events >= 5, "{check:?}");
        let (events, _) = app.audit_log(&Principal::system(), "a", 0, 100).await.unwrap();
        let actions: Vec<_> = events.iter().map(|e| e.entry.action.as_str()).collect();
        assert_eq!(actions, ["org.create", "member.add"]);
    }

    async fn demo_seed_is_deterministic_and_runs_once(db: TestDb) {
        let app = app(&db);
        let first = app.seed_demo().await.unwrap();
        let cairn_app::demo::Seeded::Created { organizations: 4, people: 207, credentials } = first else {
            panic!("unexpected seeding: {first:?}");
        };
        assert!(credentials >= cairn_app::demo::DEMO_MIN_CREDENTIALS, "{credentials} credentials");
        assert_eq!(app.seed_demo().await.unwrap(), cairn_app::demo::Seeded::AlreadyThere);
        let sys = Principal::system();
        let (_, _, total) = app.members(&sys, cairn_app::demo::EMPLOYER_SLUG, 10, 0).await.unwrap();
        assert_eq!(total, 202);
        let teams = app.teams(&sys, cairn_app::demo::EMPLOYER_SLUG).await.unwrap();
        assert_eq!(teams.iter().map(|t| t.members).sum::<i64>(), 201);
        for p in cairn_app::demo::PERSONAS {
            app.sign_in(p.email, cairn_app::demo::DEMO_PASSWORD).await.unwrap_or_else(|e| panic!("{}: {e}", p.persona));
        }
        // The learner persona holds seven credentials: one awarded for a passed assessment,
        // which completed a micro-credential (awarded too), one awarded from the xAPI
        // statements of an external module, and they verify.
        let amara = app.sign_in(cairn_app::demo::PERSONAS[0].email, cairn_app::demo::DEMO_PASSWORD).await.unwrap();
        let p = app.session(&amara.session_secret).await.unwrap().principal;
        let mine = app.my_credentials(&p).await.unwrap();
        assert_eq!(mine.len(), 7, "{:?}", mine.iter().map(|c| (&c.name, c.state)).collect::<Vec<_>>());
        let awards = app.my_awards(&p).await.unwrap();
        assert_eq!(awards.len(), 3);
        assert!(awards.iter().any(|a| a.evidence.iter().any(|e| e.genre == "xAPI statement")));
        assert!(awards.iter().all(|a| a.state == "issued"));
        let by_rule = awards.iter().find(|a| a.evidence.iter().any(|e| e.genre == "Assessment")).unwrap();
        assert!(by_rule.explanation.contains("ICD-11 foundations assessment"), "{}", by_rule.explanation);
        let by_stack = awards.iter().find(|a| a.evidence.iter().all(|e| e.genre == "Credential")).unwrap();
        assert!(by_stack.explanation.starts_with("ICD-11 Clinical Coding met its stack rule"), "{}", by_stack.explanation);
        for c in &mine {
            let public = app.public_credential(c.id).await.unwrap();
            let report = app.verify_value(public.document).await.unwrap();
            assert!(report.verified, "{:?}", report.errors());
        }
        // Some seeded credentials are revoked or suspended, and fail verification.
        let (all, total) = app.credentials(&sys, "rhwc", 500, 0).await.unwrap();
        let (_, from_academy) = app.credentials(&sys, "northbridge-academy", 1, 0).await.unwrap();
        assert_eq!((total + from_academy) as usize, credentials, "every seeded credential is stored");
        assert_eq!(all.len() as i64, total);
        let revoked: Vec<_> = all.iter().filter(|c| c.state != cairn_core::CredentialState::Active).collect();
        // Four by the credential seed; a badge under review and the nano-degree suspended with it.
        assert_eq!(revoked.len(), 6);
        for c in revoked {
            let public = app.public_credential(c.id).await.unwrap();
            assert!(!app.verify_value(public.document).await.unwrap().verified);
        }
        // Same seed, same world: a second database gets the same ids.
        let other = TestDb::sqlite().await;
        let app2 = App::new(other.store.clone(), AppConfig::for_tests());
        app2.seed_demo().await.unwrap();
        let a = app.org_unchecked("rhwc").await.unwrap();
        let b = app2.org_unchecked("rhwc").await.unwrap();
        assert_eq!(a, b);
    }
}
