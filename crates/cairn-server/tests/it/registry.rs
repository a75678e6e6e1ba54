//! The registry over HTTP: the public export, operators' changes (403 for anyone else),
//! whole-document imports refused with every problem as problem+json, and the `trust`
//! member verification reports beside its checks for Cairn issuers and the reference
//! harness's credential.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cairn_app::accounts::NewUser;
use cairn_app::orgs::NewOrg;
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::{Value, json};

use crate::*;

/// The reference harness's signed micro-credential, or None (after saying why) when the
/// shared folder is absent.
fn golden_credential() -> Option<Value> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/interop/examples/ob3-microcredential.signed.json"
    ));
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).unwrap()),
        Err(_) => {
            if std::env::var("CAIRN_REQUIRE_SHARED").as_deref() == Ok("1") {
                panic!("CAIRN_REQUIRE_SHARED=1 but {} is missing", path.display());
            }
            println!("skipping: {} is not there", path.display());
            None
        }
    }
}

/// A platform operator, signed in.
async fn operator(h: &Harness) -> Person {
    h.app
        .create_user(
            &Principal::system(),
            NewUser {
                display_name: "Operator".into(),
                email: "operator@platform.example".into(),
                password: Some(PASSWORD.into()),
                is_operator: true,
            },
        )
        .await
        .unwrap();
    h.signed_in("operator@platform.example").await
}

/// A badge signed by a new issuer organization `slug`.
async fn badge_from(h: &Harness, slug: &str) -> Value {
    let sys = Principal::system();
    h.app
        .create_org(
            &sys,
            NewOrg {
                slug: Some(slug.into()),
                name: format!("Council {slug}"),
                kinds: vec![OrgKind::Issuer],
            },
        )
        .await
        .unwrap();
    let token = h.token(slug, Role::Admin).await;
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/orgs/{slug}/achievements"),
            Some(&token),
            json!({"kind": "badge", "name": "Hand hygiene", "description": "Practises the five moments.", "criteria": "Observed in practice."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ach = body_json(res).await["id"].as_str().unwrap().to_owned();
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/orgs/{slug}/credentials"),
            Some(&token),
            json!({"achievement_id": ach, "recipient_email": "learner@example.org"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    body_json(res).await["credential"].clone()
}

async fn verify(h: &Harness, credential: &Value) -> Value {
    let res = h
        .json(
            Method::POST,
            "/credentials/verify",
            None,
            json!({"verifiableCredential": credential}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await
}

async fn registry(h: &Harness) -> Value {
    let res = h.get("/api/v1/registry", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await
}

backend_tests! {
    async fn verification_reports_recognized_and_unknown_issuers(db: TestDb) {
        let h = Harness::new(db);
        let op = operator(&h).await;
        let listed = badge_from(&h, "listed").await;
        let unlisted = badge_from(&h, "unlisted").await;
        let res = op.api(&h, Method::POST, "/api/v1/registry/orgs/listed", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let entry = body_json(res).await;
        assert_eq!(entry["did"], listed["issuer"]["id"]);
        assert_eq!(entry["scopes"], json!(["achievements"]));

        // (a) A Cairn issuer in the registry.
        let v = verify(&h, &listed).await;
        assert_eq!(v["verified"], true, "{v}");
        assert_eq!(v["trust"]["issuer"]["status"], "recognized", "{v}");
        assert_eq!(v["trust"]["issuer"]["name"], "Council listed");
        assert_eq!(v["trust"]["issuer"]["message"], "Recognized by this platform as an issuer of achievements (achievements)");
        // The VC-API members are unchanged beside it.
        assert!(v["checks"].as_array().unwrap().iter().any(|c| c == "proof"));
        assert_eq!(v["errors"], json!([]));

        // (b) A Cairn issuer not in it.
        let v = verify(&h, &unlisted).await;
        assert_eq!(v["verified"], true, "{v}");
        assert_eq!(v["trust"]["issuer"]["status"], "unknown", "{v}");
        assert_eq!(v["trust"]["issuer"]["message"], "Not in this platform's registry");
        assert_eq!(v["trust"]["issuer"]["did"], unlisted["issuer"]["id"]);

        // Recognized only for accreditation, presenting a badge.
        let did = unlisted["issuer"]["id"].as_str().unwrap();
        let res = op.api(&h, Method::POST, "/api/v1/registry/entries", Some(json!({"did": did, "name": "Unlisted Council", "scopes": ["accreditation"]}))).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v = verify(&h, &unlisted).await;
        assert_eq!(v["trust"]["issuer"]["status"], "other_scope", "{v}");
        assert_eq!(v["trust"]["issuer"]["scope_needed"], "achievements");
        assert_eq!(v["trust"]["issuer"]["message"], "Listed in this platform's registry, but for accreditation, not achievements");

        // The pages say it too, in a section of its own after the checks.
        let res = h.send(Request::get("/registry").body(Body::empty()).unwrap()).await;
        let html = body_text(res).await;
        assert!(html.contains("Unlisted Council") && html.contains("Council listed"), "{html}");
        assert!(!html.contains("action=\"/registry/entries\""), "anonymous visitors get no forms");
    }

    async fn the_reference_harness_credential_is_unknown_until_its_key_is_added(db: TestDb) {
        let Some(golden) = golden_credential() else { return };
        let h = Harness::new(db);
        let op = operator(&h).await;
        let v = verify(&h, &golden).await;
        assert_eq!(v["verified"], true, "{v}");
        assert_eq!(v["trust"]["issuer"]["status"], "unknown", "{v}");
        let did = golden["issuer"]["id"].as_str().unwrap();
        assert!(did.starts_with("did:key:z"));
        let doc = json!({"type": "CairnTrustRegistry", "version": 1, "entries": [
            {"did": did, "name": "Example Health Workforce Academy", "scopes": ["achievements"], "note": "Reference harness"}
        ]});
        let res = op.api(&h, Method::PUT, "/api/v1/registry?mode=merge", Some(doc)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(body_json(res).await["added"], 1);
        let v = verify(&h, &golden).await;
        assert_eq!(v["verified"], true, "{v}");
        assert_eq!(v["trust"]["issuer"]["status"], "recognized", "{v}");
        assert_eq!(v["trust"]["issuer"]["name"], "Example Health Workforce Academy");

        // The verify page shows the checks, then who issued it.
        let (ct, body) = multipart_form(&[("credential", &golden.to_string())]);
        let res = h.send(Request::post("/verify").header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()).await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = body_text(res).await;
        let checks_at = html.find("class=\"checks\"").unwrap();
        let who_at = html.find("Who issued it").unwrap();
        assert!(checks_at < who_at, "the registry's view comes after the checks");
        assert!(html.contains("Issuer: recognized."), "{html}");
        assert!(html.contains("Example Health Workforce Academy"));
    }

    async fn a_tampered_credential_from_a_recognized_issuer_still_fails(db: TestDb) {
        let h = Harness::new(db);
        let op = operator(&h).await;
        let badge = badge_from(&h, "rhwc").await;
        assert_eq!(op.api(&h, Method::POST, "/api/v1/registry/orgs/rhwc", None).await.status(), StatusCode::OK);
        let mut forged = badge.clone();
        forged["credentialSubject"]["achievement"]["name"] = json!("Advanced life support");
        let v = verify(&h, &forged).await;
        assert_eq!(v["verified"], false, "{v}");
        assert!(v["errors"].as_array().unwrap().iter().any(|e| e.as_str().unwrap().starts_with("proof:")), "{v}");
        assert_eq!(v["trust"]["issuer"]["status"], "recognized", "{v}");
        assert!(v["trust"]["summary"].as_str().unwrap().contains("FAILED verification"), "{v}");

        let (ct, body) = multipart_form(&[("credential", &forged.to_string())]);
        let res = h.send(Request::post("/verify").header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()).await;
        let html = body_text(res).await;
        assert!(html.contains("Not valid.") && html.contains("FAILED verification"), "{html}");
    }

    async fn only_operators_change_the_registry(db: TestDb) {
        let h = Harness::new(db);
        let fx = h.org("hospital").await;
        let admin = h.signed_in(&fx.admin_email).await;
        let body = json!({"did": "did:web:council.example", "name": "Council", "scopes": ["accreditation"]});
        let doc = json!({"type": "CairnTrustRegistry", "version": 1, "entries": [body.clone()]});
        for res in [
            admin.api(&h, Method::POST, "/api/v1/registry/entries", Some(body.clone())).await,
            admin.api(&h, Method::PUT, "/api/v1/registry", Some(doc.clone())).await,
            admin.api(&h, Method::DELETE, "/api/v1/registry/entries/did:web:council.example", None).await,
            admin.api(&h, Method::POST, "/api/v1/registry/orgs/hospital", None).await,
            h.json(Method::POST, "/api/v1/registry/entries", Some(&fx.admin_token), body.clone()).await,
        ] {
            problem(res, StatusCode::FORBIDDEN).await;
        }
        let res = h.json(Method::PUT, "/api/v1/registry", None, doc.clone()).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(registry(&h).await["entries"], json!([]));

        // The page's forms are refused too, and shown to operators only.
        let res = admin.form(&h, "/registry/entries", &[("did", "did:web:council.example"), ("name", "Council"), ("scope_accreditation", "on")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(!body_text(admin.page(&h, "/registry").await).await.contains("action=\"/registry/import\""));
        let op = operator(&h).await;
        assert!(body_text(op.page(&h, "/registry").await).await.contains("action=\"/registry/import\""));
        let res = op.form(&h, "/registry/entries", &[("did", "did:web:council.example"), ("name", "Council"), ("scope_accreditation", "on")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(registry(&h).await["entries"][0]["name"], "Council");
        // The DID may be percent-encoded in the path.
        let res = op.api(&h, Method::DELETE, "/api/v1/registry/entries/did%3Aweb%3Acouncil.example", None).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        assert_eq!(registry(&h).await["entries"], json!([]));
        // An organization that never signed has no DID to recognize.
        problem(op.api(&h, Method::POST, "/api/v1/registry/orgs/hospital", None).await, StatusCode::CONFLICT).await;
    }

    async fn import_export_round_trip_and_a_bad_import_changes_nothing(db: TestDb) {
        let h = Harness::new(db);
        let op = operator(&h).await;
        let doc = json!({"type": "CairnTrustRegistry", "version": 1, "entries": [
            {"did": "did:web:council.example", "name": "Nursing Council", "scopes": ["accreditation"], "note": "Statutory regulator"},
            {"did": "did:web:academy.example:orgs:a", "name": "Academy", "scopes": ["achievements", "transcripts"]}
        ]});
        let res = op.api(&h, Method::PUT, "/api/v1/registry?mode=replace", Some(doc)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let exported = registry(&h).await;
        assert_eq!(exported["type"], "CairnTrustRegistry");
        assert_eq!(exported["entries"].as_array().unwrap().len(), 2);
        // The export imported back (replace) leaves the registry as it was.
        let res = op.api(&h, Method::PUT, "/api/v1/registry?mode=replace", Some(exported.clone())).await;
        let outcome = body_json(res).await;
        assert_eq!((outcome["added"].clone(), outcome["updated"].clone(), outcome["removed"].clone()), (json!(0), json!(2), json!(0)));
        assert_eq!(registry(&h).await, exported);

        let bad = json!({"type": "CairnTrustRegistry", "version": 1, "entries": [
            {"did": "did:web:new.example", "name": "Fine", "scopes": ["achievements"]},
            {"did": "https://not-a-did.example", "name": "Bad DID", "scopes": ["achievements"]},
            {"did": "did:web:council.example", "name": "", "scopes": ["diplomas"]},
            {"did": "did:web:new.example", "name": "Again", "scopes": ["achievements"]}
        ]});
        let res = op.api(&h, Method::PUT, "/api/v1/registry?mode=replace", Some(bad)).await;
        let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["entries[1].did", "entries[2].name", "entries[2].scopes[0]", "entries[3].did"]);
        assert!(p["detail"].as_str().unwrap().contains("4 problem(s)"), "{p}");
        assert_eq!(registry(&h).await, exported, "nothing changed");
        problem(op.api(&h, Method::PUT, "/api/v1/registry?mode=sideways", Some(exported.clone())).await, StatusCode::UNPROCESSABLE_ENTITY).await;

        // The page's import shows every problem too, and changes nothing.
        let (ct, body) = multipart_form(&[("csrf", &op.csrf), ("mode", "replace"), ("json", "{\"type\": \"CairnTrustRegistry\", \"version\": 1, \"entries\": [{\"did\": \"did:key:abc\", \"name\": \"X\", \"scopes\": []}]}")]);
        let res = h.send(Request::post("/registry/import").header(header::COOKIE, &op.cookie).header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(res).await;
        assert!(html.contains("entries[0].did") && html.contains("entries[0].scopes"), "{html}");
        assert_eq!(registry(&h).await, exported);
        let download = h.get("/registry/export.json", None).await;
        assert_eq!(body_json(download).await, exported);
    }
}

/// A multipart/form-data body of text fields.
fn multipart_form(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "cairnregistryB7q2";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
