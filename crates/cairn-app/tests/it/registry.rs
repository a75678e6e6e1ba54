//! The operator's registry of recognized accreditors and issuers: who may change it, whole
//! imports that change nothing when any entry is wrong, export round trips, and what
//! verification reports beside its checks.

use cairn_app::credentials::{IssueRequest, NewAchievement, Recipient};
use cairn_app::registry::{ImportMode, NewRegistryEntry, RegistryImportError};
use cairn_app::{App, AppError};
use cairn_core::{AchievementKind, OrgKind, Principal, PrincipalKind, Role};
use cairn_store::backend_tests;
use cairn_vc::bake::CredentialInput;
use cairn_vc::trust::{Recognition, Scope};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{app, lesson, member, org_of};

fn operator() -> Principal {
    Principal {
        kind: PrincipalKind::User {
            user_id: Uuid::now_v7(),
        },
        is_operator: true,
        grants: vec![],
    }
}

fn entry(did: &str, name: &str, scopes: &[&str]) -> NewRegistryEntry {
    NewRegistryEntry {
        did: did.into(),
        name: name.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        note: None,
    }
}

/// A credential signed by issuer organization `slug` (made here, with one achievement).
async fn issued(app: &App, slug: &str) -> Value {
    let sys = Principal::system();
    org_of(app, slug, vec![OrgKind::Issuer]).await;
    let a = app
        .create_achievement(
            &sys,
            slug,
            NewAchievement {
                kind: AchievementKind::Badge,
                name: "Hand hygiene".into(),
                description: "Practises the WHO five moments.".into(),
                criteria: "Observed in practice.".into(),
                spec: Default::default(),
            },
        )
        .await
        .unwrap();
    app.issue_credential(
        &sys,
        slug,
        IssueRequest {
            achievement_id: a.id,
            recipient: Recipient::Id("did:example:learner".into()),
            valid_until: None,
            jwt: false,
        },
    )
    .await
    .unwrap()
    .document
}

const KEY_DID: &str = "did:key:z6MkwLwUEA1sPxj4VwzuSHv3UiFVhYpHwwsaG5hyrYqLREV4";

backend_tests! {
    async fn only_operators_change_the_registry_and_each_change_is_audited(db: TestDb) {
        let app = app(&db);
        org_of(&app, "council", vec![OrgKind::Accreditor]).await;
        let admin = member(&app, "council", Role::Admin).await;
        let op = operator();
        let e = entry(KEY_DID, "Nursing Council", &["accreditation"]);
        let err = app.put_registry_entry(&admin, e.clone()).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        assert!(app.registry().await.unwrap().is_empty());

        let added = app.put_registry_entry(&op, e).await.unwrap();
        assert_eq!(added.entry.scopes, vec![Scope::Accreditation]);
        assert_eq!(added.added_by, op.actor());
        // Same DID again: the entry is replaced, not duplicated.
        app.put_registry_entry(&op, entry(KEY_DID, "Nursing & Midwifery Council", &["achievements", "accreditation", "achievements"])).await.unwrap();
        let all = app.registry().await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].entry.name, "Nursing & Midwifery Council");
        assert_eq!(all[0].entry.scopes, vec![Scope::Accreditation, Scope::Achievements]);

        let err = app.put_registry_entry(&op, entry("did:example:1", "", &["everything"])).await.unwrap_err();
        let AppError::Invalid(inv) = err else { panic!("{err}") };
        assert_eq!(inv.field, "did");
        assert!(inv.message.contains("name: must not be empty"), "{}", inv.message);
        assert!(inv.message.contains("scopes[0]"), "{}", inv.message);

        let err = app.remove_registry_entry(&admin, KEY_DID).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        app.remove_registry_entry(&op, KEY_DID).await.unwrap();
        assert!(matches!(app.remove_registry_entry(&op, KEY_DID).await, Err(AppError::NotFound(_))));
        assert!(app.registry().await.unwrap().is_empty());

        let chain = app.verify_audit_chain().await.unwrap();
        assert!(chain.broken.is_none());
    }

    async fn a_bad_import_lists_every_problem_and_changes_nothing(db: TestDb) {
        let app = app(&db);
        let op = operator();
        app.put_registry_entry(&op, entry(KEY_DID, "Kept", &["achievements"])).await.unwrap();
        let before = app.export_registry().await.unwrap();
        let bad = json!({
            "type": "CairnTrustRegistry", "version": 1,
            "entries": [
                {"did": "did:web:council.example", "name": "Council", "scopes": ["accreditation"]},
                {"did": "did:web:", "name": "Nameless host", "scopes": ["accreditation"]},
                {"did": "did:web:council.example", "name": "Twice", "scopes": ["achievements"]},
                {"did": "did:web:x.example", "name": " ", "scopes": ["badges"]}
            ]
        });
        let Err(RegistryImportError::Rejected(problems)) = app.import_registry(&op, &bad, ImportMode::Replace).await else {
            panic!("a document with problems must be refused");
        };
        let paths: Vec<String> = problems.iter().map(|p| p.path()).collect();
        assert_eq!(paths, ["entries[1].did", "entries[2].did", "entries[3].name", "entries[3].scopes[0]"]);
        assert_eq!(app.export_registry().await.unwrap(), before, "nothing was written");

        org_of(&app, "h", vec![OrgKind::Employer]).await;
        let learner = member(&app, "h", Role::Learner).await;
        let good = json!({"type": "CairnTrustRegistry", "version": 1, "entries": []});
        assert!(matches!(
            app.import_registry(&learner, &good, ImportMode::Replace).await,
            Err(RegistryImportError::Other(AppError::Forbidden(_)))
        ));
    }

    async fn export_and_import_round_trip_in_both_modes(db: TestDb) {
        let app = app(&db);
        let op = operator();
        app.put_registry_entry(&op, entry(KEY_DID, "Academy", &["achievements"])).await.unwrap();
        let doc = json!({
            "type": "CairnTrustRegistry", "version": 1,
            "entries": [
                {"did": "did:web:council.example", "name": "Council", "scopes": ["accreditation"], "note": "Statutory regulator"},
                {"did": KEY_DID, "name": "Academy (renamed)", "scopes": ["achievements", "transcripts"]}
            ]
        });
        let merged = app.import_registry(&op, &doc, ImportMode::Merge).await.unwrap();
        assert_eq!((merged.added, merged.updated, merged.removed, merged.total), (1, 1, 0, 2));
        let exported = serde_json::to_value(app.export_registry().await.unwrap()).unwrap();
        assert_eq!(exported["type"], "CairnTrustRegistry");
        assert_eq!(exported["version"], 1);
        let names: Vec<&str> = exported["entries"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Academy (renamed)", "Council"]);
        assert_eq!(exported["entries"][1]["note"], "Statutory regulator");

        // Replace with a smaller document, then bring the export back: the same registry.
        let only = json!({"type": "CairnTrustRegistry", "version": 1, "entries": [
            {"did": "did:web:other.example", "name": "Other", "scopes": ["achievements"]}
        ]});
        let replaced = app.import_registry(&op, &only, ImportMode::Replace).await.unwrap();
        assert_eq!((replaced.added, replaced.removed, replaced.total), (1, 2, 1));
        let back = app.import_registry(&op, &exported, ImportMode::Replace).await.unwrap();
        assert_eq!((back.added, back.removed, back.total), (2, 1, 2));
        assert_eq!(serde_json::to_value(app.export_registry().await.unwrap()).unwrap(), exported);
        let events = app.verify_audit_chain().await.unwrap();
        assert!(events.broken.is_none());
    }

    async fn verification_reports_recognized_other_scope_and_unknown_issuers(db: TestDb) {
        let app = app(&db);
        let op = operator();
        let badge = issued(&app, "rhwc").await;
        let did = badge["issuer"]["id"].as_str().unwrap().to_owned();

        let (report, trust) = app.verify_with_trust(CredentialInput::Json(badge.clone())).await.unwrap();
        assert!(report.verified, "{:?}", report.errors());
        let issuer = trust.unwrap().issuer.unwrap();
        assert_eq!((issuer.did.as_str(), issuer.status), (did.as_str(), Recognition::Unknown));

        // Registered only as an accreditor, presenting a badge.
        app.put_registry_entry(&op, entry(&did, "Regional Health Workforce Council", &["accreditation"])).await.unwrap();
        let f = app.trust_report(&badge).await.unwrap().issuer.unwrap();
        assert_eq!(f.status, Recognition::OtherScope);
        assert_eq!(f.scope_needed, Scope::Achievements);
        assert_eq!(f.message, "Listed in this platform's registry, but for accreditation, not achievements");

        // Recognizing the organization by slug uses the DID it signs with and its kinds.
        let recognized = app.recognize_org(&op, "rhwc", None, None).await.unwrap();
        assert_eq!(recognized.entry.did, did);
        assert_eq!(recognized.entry.scopes, vec![Scope::Achievements]);
        let f = app.trust_report(&badge).await.unwrap().issuer.unwrap();
        assert_eq!(f.status, Recognition::Recognized);
        assert_eq!(f.name.as_deref(), Some("Org rhwc"));

        // A did:key issuer is recognized under its did:key.
        org_of(&app, "keyed", vec![OrgKind::Issuer]).await;
        app.set_issuer_did_method(&Principal::system(), "keyed", "key").await.unwrap();
        let err = app.recognize_org(&op, "keyed", None, None).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(ref m) if m.contains("never signed")), "{err}");
        let err = app.recognize_org(&admin_of_nothing(), "rhwc", None, None).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    }

    async fn a_tampered_credential_from_a_recognized_issuer_still_fails(db: TestDb) {
        let app = app(&db);
        let op = operator();
        let badge = issued(&app, "rhwc").await;
        app.recognize_org(&op, "rhwc", None, None).await.unwrap();
        let mut forged = badge.clone();
        forged["credentialSubject"]["achievement"]["name"] = json!("Advanced life support");
        let (report, trust) = app.verify_with_trust(CredentialInput::Json(forged)).await.unwrap();
        assert!(!report.verified, "a changed credential must fail verification");
        assert_eq!(report.check("proof").unwrap().status, cairn_vc::verify::CheckStatus::Failed);
        let trust = trust.unwrap();
        assert_eq!(trust.issuer.as_ref().unwrap().status, Recognition::Recognized);
        assert!(trust.summary.contains("FAILED verification"), "{}", trust.summary);
    }

    async fn a_did_key_issuer_is_recognized_under_its_key(db: TestDb) {
        let app = app(&db);
        let op = operator();
        org_of(&app, "academy", vec![OrgKind::Issuer, OrgKind::Accreditor]).await;
        app.set_issuer_did_method(&Principal::system(), "academy", "key").await.unwrap();
        let a = app.create_achievement(&Principal::system(), "academy", NewAchievement {
            kind: AchievementKind::Badge, name: "Sepsis screening".into(),
            description: "Screens adults for sepsis.".into(), criteria: "Observed.".into(), spec: Default::default(),
        }).await.unwrap();
        let doc = app.issue_credential(&Principal::system(), "academy", IssueRequest {
            achievement_id: a.id, recipient: Recipient::Id("did:example:l".into()), valid_until: None, jwt: true,
        }).await.unwrap();
        let e = app.recognize_org(&op, "academy", None, Some("Demo academy".into())).await.unwrap();
        assert!(e.entry.did.starts_with("did:key:z6Mk"), "{}", e.entry.did);
        assert_eq!(e.entry.scopes, vec![Scope::Accreditation, Scope::Achievements]);
        assert_eq!(e.entry.did, doc.document["issuer"]["id"]);
        // The vc+jwt form is judged by its payload's issuer.
        let (report, trust) = app.verify_with_trust(CredentialInput::Jwt(doc.jwt.unwrap())).await.unwrap();
        assert!(report.verified, "{:?}", report.errors());
        assert_eq!(trust.unwrap().issuer.unwrap().status, Recognition::Recognized);
    }
    async fn an_accreditation_held_here_names_its_accreditor_as_endorser_while_valid(db: TestDb) {
        use cairn_app::accreditation::SubmissionInput;
        use cairn_core::accreditation::{CriterionScore, Decision, Outcome, ReviewInput};
        let app = app(&db);
        let op = operator();
        org_of(&app, "academy", vec![OrgKind::Provider, OrgKind::Issuer]).await;
        org_of(&app, "council", vec![OrgKind::Accreditor]).await;
        let author = member(&app, "academy", Role::Author).await;
        let academy_admin = member(&app, "academy", Role::Admin).await;
        let admin = member(&app, "council", Role::Admin).await;
        let reviewer = member(&app, "council", Role::Reviewer).await;
        let standard = app.create_default_standard(&admin, "council").await.unwrap();
        let draft = app.create_module(&author, "academy", lesson("Hand hygiene in five moments")).await.unwrap();
        let module = app.publish_module(&author, draft.module_id).await.unwrap().module_id;
        let badge = app.create_achievement(&academy_admin, "academy", NewAchievement {
            kind: AchievementKind::Badge, name: "Hand hygiene".into(),
            description: "Cleans hands at the five moments.".into(), criteria: "Complete the module.".into(),
            spec: cairn_core::AchievementSpec {
                rule: Some(cairn_core::criteria::Criteria::CompletedModule { module_id: module, min_version: None }),
                ..Default::default()
            },
        }).await.unwrap();
        let held = app.issue_credential(&Principal::system(), "academy", IssueRequest {
            achievement_id: badge.id, recipient: Recipient::Id("did:example:l".into()), valid_until: None, jwt: false,
        }).await.unwrap().document;
        let endorsers = |r: &cairn_vc::trust::TrustReport| r.endorsers.iter().map(|f| (f.source.clone(), f.status)).collect::<Vec<_>>();
        assert!(app.trust_report(&held).await.unwrap().endorsers.is_empty(), "not accredited yet");

        let s = app.submit_for_accreditation(&author, "academy", SubmissionInput {
            module_id: module, version: None, accreditor: "council".into(), standard_id: standard.id, note: None,
        }).await.unwrap();
        app.assign_reviewer(&admin, s.id, reviewer.user_id().unwrap()).await.unwrap();
        let scores = standard.criteria.iter().map(|c| CriterionScore { criterion: c.key.clone(), score: 3, comment: "Met.".into() }).collect();
        app.submit_accreditation_review(&reviewer, s.id, ReviewInput { scores, comment: "Sound.".into(), recommendation: Outcome::Accredited }).await.unwrap();
        let decided = app.decide_accreditation(&admin, s.id, Decision {
            outcome: Outcome::Accredited, rationale: "Every criterion met.".into(), conditions: None, conditions_due: None,
            valid_until: Some(app.now().date() + time::Duration::days(30)),
        }).await.unwrap();

        let report = app.trust_report(&held).await.unwrap();
        assert_eq!(endorsers(&report), [("endorsement held by this server".to_owned(), Recognition::Unknown)]);
        let f = &report.endorsers[0];
        assert_eq!(f.signature_verified, Some(true));
        assert_eq!(f.endorsement.as_deref(), Some(app.credential_url(decided.row.credential_id.unwrap()).as_str()));
        let council = app.recognize_org(&op, "council", None, None).await.unwrap();
        assert_eq!(council.entry.scopes, vec![Scope::Accreditation]);
        assert_eq!(f.did, council.entry.did);
        let report = app.trust_report(&held).await.unwrap();
        assert_eq!(report.endorsers[0].status, Recognition::Recognized);
        assert_eq!(report.endorsers[0].message, "Recognized by this platform as an accreditor (accreditation)");

        // Past its period the endorsement no longer counts (seen by an app whose clock is
        // a month ahead); nor once withdrawn.
        let later = App::new(app.store.clone(), cairn_app::AppConfig::for_tests());
        later.config.clock.advance(time::Duration::days(31));
        assert!(later.trust_report(&held).await.unwrap().endorsers.is_empty(), "lapsed");
        app.withdraw_accreditation(&admin, decided.row.id, "The video misstates the fourth moment.").await.unwrap();
        assert!(app.trust_report(&held).await.unwrap().endorsers.is_empty(), "withdrawn");
    }
}

fn admin_of_nothing() -> Principal {
    Principal {
        kind: PrincipalKind::User {
            user_id: Uuid::now_v7(),
        },
        is_operator: false,
        grants: vec![],
    }
}
