use cairn_app::accounts::NewUser;
use cairn_app::credentials::{IssueRequest, NewAchievement, Recipient, StatusAction};
use cairn_app::orgs::{NewMember, NewOrg};
use cairn_app::{App, AppConfig, AppError};
use cairn_core::{AchievementKind, CredentialState, OrgKind, Principal, Role};
use cairn_store::backend_tests;
use cairn_vc::bake::CredentialInput;
use serde_json::json;

async fn issuer(app: &App, slug: &str) -> uuid::Uuid {
    let sys = Principal::system();
    app.create_org(
        &sys,
        NewOrg {
            slug: Some(slug.into()),
            name: format!("Council {slug}"),
            kinds: vec![OrgKind::Issuer],
        },
    )
    .await
    .unwrap();
    let a = app
        .create_achievement(
            &sys,
            slug,
            NewAchievement {
                kind: AchievementKind::MicroCredential,
                name: "ICD-11 Coding Foundations".into(),
                description: "Codes common conditions with ICD-11 MMS, including postcoordination."
                    .into(),
                criteria: "Passed the standardized coding assessment with at least 80%.".into(),
                spec: Default::default(),
            },
        )
        .await
        .unwrap();
    a.id
}

fn check(report: &cairn_vc::verify::VerificationReport, name: &str) -> String {
    format!("{:?}", report.check(name).map(|c| &c.status))
}

backend_tests! {
    async fn issued_credentials_verify_and_follow_their_status(db: TestDb) {
        let app = App::new(db.store.clone(), AppConfig::for_tests());
        let sys = Principal::system();
        let ach = issuer(&app, "rhwc").await;
        app.create_user(&sys, NewUser { display_name: "Amara Okafor".into(), email: "amara@example.org".into(), password: None, is_operator: false }).await.unwrap();
        let issued = app.issue_credential(&sys, "rhwc", IssueRequest { achievement_id: ach, recipient: Recipient::Email("Amara@Example.org".into()), valid_until: None, jwt: true }).await.unwrap();
        assert!(issued.record.recipient_user.is_some(), "linked to the account with that address");
        let doc = &issued.document;
        assert_eq!(doc["issuer"]["id"], "did:web:127.0.0.1%3A8080:orgs:rhwc");
        assert!(doc["credentialSubject"]["identifier"][0]["identityHash"].as_str().unwrap().starts_with("sha256$"));
        assert!(!doc.to_string().contains("amara@example.org"), "the address is hashed, never in the clear");
        assert!(issued.jwt.as_deref().unwrap().split('.').count() == 3);

        let report = app.verify_value(doc.clone()).await.unwrap();
        assert!(report.verified, "{:?}", report.errors());

        app.set_credential_status(&sys, "rhwc", issued.record.id, StatusAction::Suspend, Some("under review")).await.unwrap();
        let report = app.verify_value(doc.clone()).await.unwrap();
        assert!(!report.verified, "suspended credentials do not verify");
        assert!(check(&report, "status").contains("Failed"), "{:?}", report.to_json());

        let r = app.set_credential_status(&sys, "rhwc", issued.record.id, StatusAction::Reinstate, None).await.unwrap();
        assert_eq!(r.state, CredentialState::Active);
        assert!(app.verify_value(doc.clone()).await.unwrap().verified);

        let r = app.set_credential_status(&sys, "rhwc", issued.record.id, StatusAction::Revoke, Some("issued in error")).await.unwrap();
        assert_eq!((r.state, r.status_reason.as_deref()), (CredentialState::Revoked, Some("issued in error")));
        assert!(!app.verify_value(doc.clone()).await.unwrap().verified);
        let err = app.set_credential_status(&sys, "rhwc", issued.record.id, StatusAction::Reinstate, None).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");

        let check = app.verify_audit_chain().await.unwrap();
        assert!(check.broken.is_none());
    }

    async fn status_indexes_are_unique_and_lists_are_served(db: TestDb) {
        let app = App::new(db.store.clone(), AppConfig::for_tests());
        let sys = Principal::system();
        let ach = issuer(&app, "rhwc").await;
        let mut seen = std::collections::HashSet::new();
        for i in 0..40 {
            let issued = app.issue_credential(&sys, "rhwc", IssueRequest { achievement_id: ach, recipient: Recipient::Id(format!("did:example:learner{i}")), valid_until: None, jwt: false }).await.unwrap();
            assert!(seen.insert((issued.record.status_list, issued.record.status_index)));
        }
        let list: serde_json::Value = serde_json::from_str(&app.status_list_document("rhwc", "revocation", 0).await.unwrap()).unwrap();
        assert_eq!(list["credentialSubject"]["statusPurpose"], "revocation");
        assert!(list["proof"].is_object());
        assert!(app.status_list_document("rhwc", "revocation", 9).await.is_err());
        let did = app.did_document("rhwc").await.unwrap();
        assert_eq!(did["id"], "did:web:127.0.0.1%3A8080:orgs:rhwc");
    }

    async fn rotated_keys_keep_old_credentials_verifying(db: TestDb) {
        let app = App::new(db.store.clone(), AppConfig::for_tests());
        let sys = Principal::system();
        let ach = issuer(&app, "rhwc").await;
        let req = || IssueRequest { achievement_id: ach, recipient: Recipient::Id("did:example:x".into()), valid_until: None, jwt: false };
        let old = app.issue_credential(&sys, "rhwc", req()).await.unwrap();
        let new_key = app.rotate_signing_key(&sys, "rhwc").await.unwrap();
        let new = app.issue_credential(&sys, "rhwc", req()).await.unwrap();
        assert!(new.document["proof"]["verificationMethod"].as_str().unwrap().ends_with(&new_key));
        assert_ne!(old.document["proof"]["verificationMethod"], new.document["proof"]["verificationMethod"]);
        assert_eq!(app.did_document("rhwc").await.unwrap()["verificationMethod"].as_array().unwrap().len(), 2);
        for d in [old.document, new.document] {
            let r = app.verify_value(d).await.unwrap();
            assert!(r.verified, "{:?}", r.errors());
        }
    }

    async fn status_and_key_changes_show_at_once_here_and_within_the_cache_time_on_another_server(db: TestDb) {
        // Two servers on one database, on one clock the test moves.
        let cfg = AppConfig::for_tests();
        let clock = cfg.clock.clone();
        let mut other_cfg = AppConfig::for_tests();
        other_cfg.clock = clock.clone();
        let here = App::new(db.store.clone(), cfg);
        let there = App::new(db.store.clone(), other_cfg);
        let ttl = cairn_app::registry::TrustCache::TTL + time::Duration::seconds(1);
        let sys = Principal::system();
        let ach = issuer(&here, "rhwc").await;
        let req = || IssueRequest { achievement_id: ach, recipient: Recipient::Id("did:example:x".into()), valid_until: None, jwt: false };
        let issued = here.issue_credential(&sys, "rhwc", req()).await.unwrap();
        let doc = issued.document;
        clock.advance(ttl);
        // Both servers now hold the status list and DID document (verified twice: the
        // second time from what the first kept).
        for app in [&here, &there, &here, &there] {
            let r = app.verify_value(doc.clone()).await.unwrap();
            assert!(r.verified, "{:?}", r.errors());
        }

        here.set_credential_status(&sys, "rhwc", issued.record.id, StatusAction::Suspend, Some("under review")).await.unwrap();
        assert!(!here.verify_value(doc.clone()).await.unwrap().verified, "the server that suspended sees it at once");
        assert!(there.verify_value(doc.clone()).await.unwrap().verified, "another server uses what it read for up to TrustCache::TTL");
        clock.advance(ttl);
        assert!(!there.verify_value(doc.clone()).await.unwrap().verified, "and then reads the list again");
        let (_, trust) = there.verify_with_trust(CredentialInput::Json(doc.clone())).await.unwrap();
        assert!(trust.is_some());

        // Reinstated on the other server, both caches warm again, then revoked there.
        there.set_credential_status(&sys, "rhwc", issued.record.id, StatusAction::Reinstate, None).await.unwrap();
        assert!(there.verify_value(doc.clone()).await.unwrap().verified);
        clock.advance(ttl);
        for app in [&here, &there, &here] {
            assert!(app.verify_value(doc.clone()).await.unwrap().verified);
        }
        there.set_credential_status(&sys, "rhwc", issued.record.id, StatusAction::Revoke, Some("issued in error")).await.unwrap();
        assert!(!there.verify_value(doc.clone()).await.unwrap().verified, "revocation shows at once where it was made");
        clock.advance(ttl);
        assert!(!here.verify_value(doc.clone()).await.unwrap().verified, "and elsewhere within TrustCache::TTL");

        // A rotated key signs at once on the server that rotated it; another server knows
        // the new key once its copy of the DID document is older than TrustCache::TTL.
        clock.advance(ttl);
        assert!(!there.verify_value(doc.clone()).await.unwrap().verified);
        here.rotate_signing_key(&sys, "rhwc").await.unwrap();
        let fresh = here.issue_credential(&sys, "rhwc", req()).await.unwrap().document;
        let r = here.verify_value(fresh.clone()).await.unwrap();
        assert!(r.verified, "{:?}", r.errors());
        clock.advance(ttl);
        let r = there.verify_value(fresh).await.unwrap();
        assert!(r.verified, "{:?}", r.errors());
    }

    async fn did_key_issuers_and_their_limits(db: TestDb) {
        let app = App::new(db.store.clone(), AppConfig::for_tests());
        let sys = Principal::system();
        let ach = issuer(&app, "academy").await;
        app.set_issuer_did_method(&sys, "academy", "key").await.unwrap();
        let issued = app.issue_credential(&sys, "academy", IssueRequest { achievement_id: ach, recipient: Recipient::Id("did:example:y".into()), valid_until: None, jwt: false }).await.unwrap();
        assert!(issued.document["issuer"]["id"].as_str().unwrap().starts_with("did:key:z6Mk"));
        let r = app.verify_value(issued.document.clone()).await.unwrap();
        assert!(r.verified, "{:?}", r.errors());
        assert!(matches!(app.rotate_signing_key(&sys, "academy").await, Err(AppError::Conflict(_))));
        assert!(matches!(app.set_issuer_did_method(&sys, "academy", "web").await, Err(AppError::Conflict(_))));
        assert!(app.did_document("academy").await.is_err(), "no did:web document for a did:key issuer");
    }

    async fn issuing_needs_permission_an_issuer_and_a_master_key(db: TestDb) {
        let app = App::new(db.store.clone(), AppConfig::for_tests());
        let sys = Principal::system();
        let ach = issuer(&app, "rhwc").await;
        app.create_org(&sys, NewOrg { slug: Some("hospital".into()), name: "Hospital".into(), kinds: vec![OrgKind::Employer] }).await.unwrap();
        app.create_user(&sys, NewUser { display_name: "L".into(), email: "l@example.org".into(), password: Some("a long password".into()), is_operator: false }).await.unwrap();
        app.add_member(&sys, "rhwc", NewMember { email: "l@example.org".into(), display_name: None, role: Role::Learner, job_title: None }).await.unwrap();
        let learner = app.sign_in("l@example.org", "a long password").await.unwrap();
        let p = app.session(&learner.session_secret).await.unwrap().principal;
        let req = || IssueRequest { achievement_id: ach, recipient: Recipient::Id("did:example:x".into()), valid_until: None, jwt: false };
        assert!(matches!(app.issue_credential(&p, "rhwc", req()).await, Err(AppError::Forbidden(_))));
        assert!(matches!(app.issue_credential(&sys, "hospital", req()).await, Err(AppError::Conflict(_))));
        let mut cfg = AppConfig::for_tests();
        cfg.master_key = None;
        let keyless = App::new(db.store.clone(), cfg);
        let err = keyless.issue_credential(&sys, "rhwc", req()).await.unwrap_err();
        assert!(matches!(err, AppError::Unavailable(_)) && err.to_string().contains("master key"), "{err}");
    }

    async fn vc_api_issuing_signs_supplied_documents_and_refuses_undefined_terms(db: TestDb) {
        let app = App::new(db.store.clone(), AppConfig::for_tests());
        let sys = Principal::system();
        issuer(&app, "rhwc").await;
        let unsigned = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Value-Based Care Basics",
            "credentialSubject": {
                "id": "did:example:learner",
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://example.org/achievements/vbc", "type": ["Achievement"],
                    "name": "Value-Based Care Basics", "description": "Explains bundled payments.",
                    "criteria": {"narrative": "Completed the module and its check."}
                }
            }
        });
        let issued = app.issue_document(&sys, "rhwc", unsigned.clone(), false).await.unwrap();
        assert!(app.verify_value(issued.document.clone()).await.unwrap().verified);
        let mut bad = unsigned;
        bad["credentialSubject"]["favouriteColour"] = json!("green");
        let err = app.issue_document(&sys, "rhwc", bad, false).await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err}");
        let err = app.issue_document(&sys, "rhwc", json!({"@context": ["https://www.w3.org/2018/credentials/v1"]}), false).await.unwrap_err();
        assert!(err.to_string().contains("@context"), "{err}");
    }
}
