use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cairn_app::orgs::NewOrg;
use cairn_core::{OrgKind, Principal};
use cairn_store::backend_tests;
use serde_json::{Value, json};

use crate::*;

/// An issuer organization with admin and learner tokens and one achievement; returns the
/// tokens and "slug|achievement id".
async fn issuer(h: &Harness, slug: &str) -> (OrgFixture, String) {
    let sys = Principal::system();
    let issuer_slug = format!("{slug}-council");
    h.app
        .create_org(
            &sys,
            NewOrg {
                slug: Some(issuer_slug.clone()),
                name: format!("Council {slug}"),
                kinds: vec![OrgKind::Issuer],
            },
        )
        .await
        .unwrap();
    let fx = OrgFixture {
        admin_email: String::new(),
        admin_token: h.token(&issuer_slug, cairn_core::Role::Admin).await,
        learner_token: h.token(&issuer_slug, cairn_core::Role::Learner).await,
    };
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/orgs/{issuer_slug}/achievements"),
            Some(&fx.admin_token),
            json!({
                "kind": "badge", "name": "ICD-11 Coding Foundations",
                "description": "Assigns ICD-11 stem codes to common diagnoses.",
                "criteria": "Scored at least 80% on the foundations assessment."
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let a = body_json(res).await;
    (fx, format!("{issuer_slug}|{}", a["id"].as_str().unwrap()))
}

async fn issue(h: &Harness, fx: &OrgFixture, key: &str) -> Value {
    let (slug, ach) = key.split_once('|').unwrap();
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/orgs/{slug}/credentials"),
            Some(&fx.admin_token),
            json!({
                "achievement_id": ach, "recipient_email": "learner@example.org", "jwt": true
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    body_json(res).await
}

async fn vc_api_verify(h: &Harness, credential: Value) -> Value {
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

backend_tests! {
    async fn issued_credentials_have_public_pages_documents_and_status(db: TestDb) {
        let h = Harness::new(db);
        let (fx, key) = issuer(&h, "a").await;
        let slug = key.split('|').next().unwrap().to_owned();
        let holder = h.person("learner@example.org").await;
        let issued = issue(&h, &fx, &key).await;
        let credential = issued["credential"].clone();
        let id = issued["record"]["id"].as_str().unwrap().to_owned();

        let page = h.get(&format!("/credentials/{id}"), None).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = body_text(page).await;
        assert!(html.contains("Verified.") && html.contains("ICD-11 Coding Foundations") && html.contains("<svg"), "{html}");
        assert!(!html.contains("learner@example.org"));
        // Sharing: LinkedIn's add-a-certification form filled in with this credential's
        // name and verify link, and a printable certificate.
        let linkedin = html
            .split("href=\"")
            .find(|h| h.starts_with("https://www.linkedin.com/profile/add?"))
            .and_then(|h| h.split('"').next())
            .expect("a LinkedIn link")
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        let query = linkedin.split_once('?').unwrap().1;
        let fields: std::collections::HashMap<String, String> =
            serde_urlencoded::from_str(query).unwrap();
        assert_eq!(fields["startTask"], "CERTIFICATION_NAME", "{linkedin}");
        assert_eq!(fields["name"], "ICD-11 Coding Foundations");
        assert_eq!(fields["certId"], id);
        assert!(fields["certUrl"].ends_with(&format!("/credentials/{id}")), "{linkedin}");
        let year = &credential["validFrom"].as_str().unwrap()[0..4];
        assert_eq!(fields["issueYear"], year);
        let cert = h.get(&format!("/credentials/{id}/certificate"), None).await;
        assert_eq!(cert.status(), StatusCode::OK);
        let cert = body_text(cert).await;
        assert!(cert.contains("ICD-11 Coding Foundations") && cert.contains("Verified when this page was made") && cert.contains("<svg"), "{cert}");
        assert!(!cert.contains("Person learner"), "a visitor's certificate does not name the holder");
        // The holder printing their own certificate sees their name on it, and why.
        let own = body_text(holder.page(&h, &format!("/credentials/{id}/certificate")).await).await;
        assert!(own.contains("<p class=\"cert-recipient\">Person learner</p>"), "{own}");
        assert!(own.contains("Your name is printed because you are signed in as the holder"), "{own}");
        let stranger = h.person("someone@example.org").await;
        let theirs = body_text(stranger.page(&h, &format!("/credentials/{id}/certificate")).await).await;
        assert!(!theirs.contains("Person learner"), "another signed-in person does not see the name");
        let missing = h.get(&format!("/credentials/{}/certificate", uuid::Uuid::nil()), None).await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);

        let json_doc = body_json(h.get(&format!("/credentials/{id}.json"), None).await).await;
        assert_eq!(json_doc, credential);
        let jwt = body_text(h.get(&format!("/credentials/{id}.jwt"), None).await).await;
        assert_eq!(jwt.split('.').count(), 3);
        let did = body_json(h.get(&format!("/orgs/{slug}/did.json"), None).await).await;
        assert_eq!(did["id"], credential["issuer"]["id"]);
        let list_url = credential["credentialStatus"]["statusListCredential"].as_str().unwrap();
        let path = list_url.strip_prefix("http://127.0.0.1:8080").unwrap();
        let list = h.get(path, None).await;
        assert!(list.headers().get(header::CACHE_CONTROL).unwrap().to_str().unwrap().contains("max-age=60"));
        assert_eq!(body_json(list).await["type"][1], "BitstringStatusListCredential");

        let badge = h.get(&format!("/credentials/{id}/badge.svg"), None).await;
        assert_eq!(badge.status(), StatusCode::OK);
        let svg = body_text(badge).await;
        assert!(svg.contains("openbadges:credential"));

        let v = vc_api_verify(&h, credential.clone()).await;
        assert_eq!(v["verified"], true, "{v}");
        let v = vc_api_verify(&h, Value::String(jwt)).await;
        assert_eq!(v["verified"], true, "{v}");

        // Revoke: the page, the VC-API and the status list all say so.
        let res = h.json(Method::POST, &format!("/api/v1/orgs/{slug}/credentials/{id}/status"), Some(&fx.admin_token), json!({"action": "revoke", "reason": "issued in error"})).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(body_json(res).await["state"], "revoked");
        let v = vc_api_verify(&h, credential.clone()).await;
        assert_eq!(v["verified"], false);
        assert!(v["errors"].to_string().contains("revoked"), "{v}");
        let html = body_text(h.get(&format!("/credentials/{id}"), None).await).await;
        assert!(html.contains("Not valid."), "{html}");
        let cert = body_text(h.get(&format!("/credentials/{id}/certificate"), None).await).await;
        assert!(cert.contains("Not valid when this page was made (revoked by the issuer)"), "{cert}");
    }

    async fn suspension_and_reinstatement_round_trip(db: TestDb) {
        let h = Harness::new(db);
        let (fx, key) = issuer(&h, "a").await;
        let slug = key.split('|').next().unwrap().to_owned();
        let issued = issue(&h, &fx, &key).await;
        let id = issued["record"]["id"].as_str().unwrap();
        let path = format!("/api/v1/orgs/{slug}/credentials/{id}/status");
        h.json(Method::POST, &path, Some(&fx.admin_token), json!({"action": "suspend"})).await;
        assert_eq!(vc_api_verify(&h, issued["credential"].clone()).await["verified"], false);
        let res = h.json(Method::POST, &path, Some(&fx.admin_token), json!({"action": "reinstate"})).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(vc_api_verify(&h, issued["credential"].clone()).await["verified"], true);
        let res = h.json(Method::POST, &path, Some(&fx.admin_token), json!({"action": "reinstate"})).await;
        problem(res, StatusCode::CONFLICT).await;
        let res = h.json(Method::POST, &path, Some(&fx.admin_token), json!({"action": "delete"})).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn only_issuer_admins_issue_and_change_status(db: TestDb) {
        let h = Harness::new(db);
        let (fx, key) = issuer(&h, "a").await;
        let (other, _) = issuer(&h, "b").await;
        let (slug, ach) = key.split_once('|').unwrap();
        let body = json!({"achievement_id": ach, "recipient_id": "did:example:x"});
        problem(h.json(Method::POST, &format!("/api/v1/orgs/{slug}/credentials"), Some(&fx.learner_token), body.clone()).await, StatusCode::FORBIDDEN).await;
        problem(h.json(Method::POST, &format!("/api/v1/orgs/{slug}/credentials"), Some(&other.admin_token), body.clone()).await, StatusCode::FORBIDDEN).await;
        problem(h.json(Method::POST, &format!("/api/v1/orgs/{slug}/credentials"), None, body).await, StatusCode::UNAUTHORIZED).await;
        let issued = issue(&h, &fx, &key).await;
        let id = issued["record"]["id"].as_str().unwrap();
        let res = h.json(Method::POST, &format!("/api/v1/orgs/{slug}/credentials/{id}/status"), Some(&other.admin_token), json!({"action": "revoke"})).await;
        problem(res, StatusCode::FORBIDDEN).await;
        // An employer is not an issuer.
        let employer = h.org("hospital").await;
        let res = h.json(Method::POST, "/api/v1/orgs/hospital/achievements", Some(&employer.admin_token), json!({"kind": "badge", "name": "X", "description": "d", "criteria": "c"})).await;
        problem(res, StatusCode::CONFLICT).await;
    }

    async fn vc_api_issue_signs_what_it_is_given(db: TestDb) {
        let h = Harness::new(db);
        let (fx, _) = issuer(&h, "a").await;
        let unsigned = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Value-Based Care Basics",
            "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"], "achievement": {
                "id": "https://example.org/achievements/vbc", "type": ["Achievement"], "name": "Value-Based Care Basics",
                "description": "Explains bundled payments.", "criteria": {"narrative": "Completed the module."}}}
        });
        let res = h.json(Method::POST, "/credentials/issue", Some(&fx.admin_token), json!({"credential": unsigned})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let vc = body_json(res).await["verifiableCredential"].clone();
        assert_eq!(vc["proof"]["cryptosuite"], "eddsa-rdfc-2022");
        assert_eq!(vc_api_verify(&h, vc).await["verified"], true);
        let mut bad = unsigned.clone();
        bad["credentialSubject"]["undefinedTerm"] = json!(1);
        let res = h.json(Method::POST, "/credentials/issue", Some(&fx.admin_token), json!({"credential": bad})).await;
        problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        let res = h.json(Method::POST, "/credentials/issue", Some(&fx.learner_token), json!({"credential": unsigned})).await;
        problem(res, StatusCode::FORBIDDEN).await;
    }

    async fn the_verify_page_explains_results_and_bad_input(db: TestDb) {
        let h = Harness::new(db);
        let (fx, key) = issuer(&h, "a").await;
        let issued = issue(&h, &fx, &key).await;
        let form = |field: &str, value: &str| {
            let boundary = "XyZzY";
            let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n--{boundary}--\r\n");
            Request::post("/verify").header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}")).body(Body::from(body)).unwrap()
        };
        assert_eq!(h.get("/verify", None).await.status(), StatusCode::OK);
        let res = h.send(form("credential", &issued["credential"].to_string())).await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = body_text(res).await;
        assert!(html.contains("Verified.") && html.contains("class=\"passed\""), "{html}");
        let mut tampered = issued["credential"].clone();
        tampered["credentialSubject"]["achievement"]["name"] = json!("Brain Surgery");
        let html = body_text(h.send(form("credential", &tampered.to_string())).await).await;
        assert!(html.contains("Not valid.") && html.contains("class=\"failed\""), "{html}");
        let res = h.send(form("credential", "this is not a credential")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("role=\"alert\""));
        let res = h.send(form("credential", "")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(h.get("/credentials/not-a-uuid", None).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(h.get(&format!("/credentials/{}", uuid::Uuid::nil()), None).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(h.get("/orgs/a/did.json", None).await.status(), StatusCode::NOT_FOUND);
    }
}
