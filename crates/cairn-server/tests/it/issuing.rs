//! The issuer admin's pages over HTTP: achievements created from a form (a refused form
//! points at its field and creates nothing), the identifier and keys with a confirmed
//! rotation after which earlier credentials still verify, a credential suspended,
//! reinstated and revoked from its status page while its public page follows, learners
//! and other issuers' admins refused, and the pages in French.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cairn_app::orgs::NewOrg;
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::{Value, json};

use crate::*;

struct Issuer {
    slug: String,
    admin: Person,
    admin_token: String,
    learner: Person,
    /// An admin of another issuer.
    stranger: Person,
}

async fn issuer_org(h: &Harness, slug: &str) {
    h.app
        .create_org(
            &Principal::system(),
            NewOrg {
                slug: Some(slug.into()),
                name: format!("Council {slug}"),
                kinds: vec![OrgKind::Issuer],
            },
        )
        .await
        .unwrap();
}

async fn issuer(h: &Harness) -> Issuer {
    issuer_org(h, "council").await;
    issuer_org(h, "elsewhere").await;
    Issuer {
        slug: "council".into(),
        admin: h
            .member("admin@council.example", "council", Role::Admin)
            .await,
        admin_token: h.token("council", Role::Admin).await,
        learner: h
            .member("learner@council.example", "council", Role::Learner)
            .await,
        stranger: h
            .member("admin@elsewhere.example", "elsewhere", Role::Admin)
            .await,
    }
}

/// A credential for a new achievement named `name`, issued through the API: (record id,
/// credential).
async fn issue(h: &Harness, w: &Issuer, name: &str) -> (String, Value) {
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/orgs/{}/achievements", w.slug),
            Some(&w.admin_token),
            json!({"kind": "badge", "name": name, "description": "Keeps a sterile field.",
                   "criteria": "Observed twice by an assessor."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ach = body_json(res).await["id"].as_str().unwrap().to_owned();
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/orgs/{}/credentials", w.slug),
            Some(&w.admin_token),
            json!({"achievement_id": ach, "recipient_email": "nurse@example.org"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let issued = body_json(res).await;
    (
        issued["record"]["id"].as_str().unwrap().to_owned(),
        issued["credential"].clone(),
    )
}

async fn verified(h: &Harness, credential: &Value) -> bool {
    let res = h
        .json(
            Method::POST,
            "/credentials/verify",
            None,
            json!({"verifiableCredential": credential}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await["verified"] == true
}

/// A page in a language, as a browser set to it asks.
async fn page_in(h: &Harness, who: &Person, path: &str, lang: &str) -> (StatusCode, String) {
    let res = h
        .send(
            Request::get(path)
                .header(header::COOKIE, &who.cookie)
                .header(header::ACCEPT_LANGUAGE, lang)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    (res.status(), body_text(res).await)
}

async fn text(res: axum::http::Response<Body>, status: StatusCode) -> String {
    assert_eq!(res.status(), status);
    body_text(res).await
}

fn achievement_form<'a>(criteria: &'a str, validity: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Hand hygiene"),
        ("kind", "badge"),
        ("description", "Cleans hands at the five moments."),
        ("criteria", criteria),
        ("validity_days", validity),
        ("credits", "1.5"),
        ("image_url", ""),
    ]
}

backend_tests! {
    async fn an_issuer_admin_creates_achievements_on_the_page(db: TestDb) {
        let h = Harness::new(db);
        let w = issuer(&h).await;
        let path = "/orgs/council/achievements";
        let html = text(w.admin.page(&h, path).await, StatusCode::OK).await;
        assert!(html.contains("No achievement yet") && html.contains("Create the achievement"), "{html}");

        // Empty criteria: the error is by the criteria box, what was typed stays, nothing is made.
        let res = w.admin.form(&h, path, &achievement_form("", "365")).await;
        let html = text(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains(r#"name="criteria" rows="3" required aria-invalid="true" aria-describedby="criteria-error""#), "{html}");
        assert!(html.contains(r#"id="criteria-error">Enter the criteria: what a learner must do or show.</p>"#), "{html}");
        assert!(html.contains(r#"value="Hand hygiene""#) && html.contains(r#"value="365""#), "the form comes back as sent");
        assert!(!html.contains(r#"id="name" name="name" value="Hand hygiene" required maxlength="200" aria-invalid"#));
        // A validity that is not a number of days, and an image cairn-app refuses: each by its box.
        let html = text(w.admin.form(&h, path, &achievement_form("Observed.", "a year")).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains(r#"aria-invalid="true" aria-describedby="validity_days-error""#) && html.contains("Enter a whole number of days"), "{html}");
        let mut bad_image = achievement_form("Observed.", "");
        bad_image[6] = ("image_url", "http://images.example/hand.png");
        let html = text(w.admin.form(&h, path, &bad_image).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains(r#"id="image_url-error">Must be an https URL"#), "{html}");
        assert!(h.app.achievements("council").await.unwrap().is_empty(), "refused forms create nothing");

        let res = w.admin.form(&h, path, &achievement_form("Observed at the five moments.", "365")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let made = h.app.achievements("council").await.unwrap();
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].name, "Hand hygiene");
        assert_eq!(made[0].criteria, "Observed at the five moments.");
        assert_eq!(made[0].spec.validity_days, Some(365));
        assert_eq!(made[0].spec.credits, Some(1500));
        assert_eq!(location(&res), format!("{path}?created={}", made[0].id));
        let html = text(w.admin.page(&h, &location(&res)).await, StatusCode::OK).await;
        assert!(html.contains("“Hand hygiene” was created."), "{html}");
        assert!(html.contains("<strong>Hand hygiene</strong>") && html.contains("365 days") && html.contains("Issued by an admin or through the API"), "{html}");

        // Learners and other issuers' admins neither see nor use the page.
        for who in [&w.learner, &w.stranger] {
            let html = text(who.page(&h, path).await, StatusCode::FORBIDDEN).await;
            assert!(html.contains("Not allowed"), "{html}");
            let why = if std::ptr::eq(who, &w.learner) { "define achievements" } else { "not a member of this organization" };
            assert!(html.contains(why), "{html}");
            let res = who.form(&h, path, &achievement_form("Sneaked in.", "")).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN);
        }
        assert_eq!(h.app.achievements("council").await.unwrap().len(), 1);
        // An employer is not an issuer: said as such, not as a failure.
        let employer = h.org("hospital").await;
        let boss = h.signed_in(&employer.admin_email).await;
        let html = text(boss.page(&h, "/orgs/hospital/achievements").await, StatusCode::CONFLICT).await;
        assert!(html.contains("not an issuer organization"), "{html}");
    }

    async fn the_keys_page_shows_the_identifier_and_rotates_the_key(db: TestDb) {
        let h = Harness::new(db);
        let w = issuer(&h).await;
        let (_, earlier) = issue(&h, &w, "Aseptic technique").await;
        let path = "/orgs/council/keys";
        let html = text(w.admin.page(&h, path).await, StatusCode::OK).await;
        let did = earlier["issuer"]["id"].as_str().unwrap();
        assert!(did.starts_with("did:web:"), "{did}");
        assert!(html.contains(&format!("<code>{did}</code>")), "{html}");
        assert!(html.contains(r#"href="/orgs/council/did.json""#) && html.contains("Signs now"), "{html}");
        assert!(html.contains("credentials already issued stay verifiable"), "{html}");
        assert!(html.contains("can no longer change"), "issued credentials fix the method: {html}");
        assert_eq!(html.matches("Signs now").count(), 1);

        // Without the confirmation nothing turns.
        let html = text(w.admin.form(&h, "/orgs/council/keys/rotate", &[]).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains(r#"aria-invalid="true" aria-describedby="rotate-confirm-error""#) && html.contains("Tick the box to confirm the rotation."), "{html}");
        assert!(!html.contains("Retired on"));

        let res = w.admin.form(&h, "/orgs/council/keys/rotate", &[("confirm", "yes")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/orgs/council/keys?done=rotated");
        let html = text(w.admin.page(&h, &location(&res)).await, StatusCode::OK).await;
        assert!(html.contains("A new key signs from now on."), "{html}");
        assert_eq!(html.matches("Signs now").count(), 1, "{html}");
        assert_eq!(html.matches("Retired on").count(), 1, "{html}");
        let doc = body_json(h.get("/orgs/council/did.json", None).await).await;
        assert_eq!(doc["verificationMethod"].as_array().unwrap().len(), 2, "{doc}");
        assert!(verified(&h, &earlier).await, "a credential signed before the rotation still verifies");
        let (_, later) = issue(&h, &w, "Wound care").await;
        assert!(verified(&h, &later).await);
        assert_ne!(later["proof"]["verificationMethod"], earlier["proof"]["verificationMethod"]);

        for who in [&w.learner, &w.stranger] {
            let html = text(who.page(&h, path).await, StatusCode::FORBIDDEN).await;
            assert!(html.contains("Not allowed"), "{html}");
            let why = if std::ptr::eq(who, &w.learner) { "manage signing keys" } else { "not a member of this organization" };
            assert!(html.contains(why), "{html}");
            let res = who.form(&h, "/orgs/council/keys/rotate", &[("confirm", "yes")]).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN);
        }
        let html = text(w.admin.page(&h, path).await, StatusCode::OK).await;
        assert_eq!(html.matches("Retired on").count(), 1, "refused rotations changed nothing");
    }

    async fn before_its_first_credential_an_issuer_may_name_itself_by_its_key(db: TestDb) {
        let h = Harness::new(db);
        let w = issuer(&h).await;
        let html = text(w.admin.page(&h, "/orgs/council/keys").await, StatusCode::OK).await;
        assert!(html.contains("No key yet") && html.contains("Save the method"), "{html}");
        let res = w.admin.form(&h, "/orgs/council/keys/method", &[("method", "key")]).await;
        assert_eq!(location(&res), "/orgs/council/keys?done=method");
        let (_, credential) = issue(&h, &w, "Aseptic technique").await;
        let html = text(w.admin.page(&h, "/orgs/council/keys").await, StatusCode::OK).await;
        let did = credential["issuer"]["id"].as_str().unwrap();
        assert!(did.starts_with("did:key:") && html.contains(&format!("<code>{did}</code>")), "{html}");
        assert!(html.contains("so it cannot be rotated here") && !html.contains(r#"action="/orgs/council/keys/rotate""#), "{html}");
        assert!(!html.contains("did.json"), "a did:key issuer publishes no document");
        // Asking anyway is refused on the page, in words.
        let res = w.admin.form(&h, "/orgs/council/keys/rotate", &[("confirm", "yes")]).await;
        let html = text(res, StatusCode::CONFLICT).await;
        assert!(html.contains(r#"id="form-error">A did:key issuer is its key"#), "{html}");
        assert!(verified(&h, &credential).await);
    }

    async fn a_credential_is_suspended_reinstated_and_revoked_from_its_status_page(db: TestDb) {
        let h = Harness::new(db);
        let w = issuer(&h).await;
        let (id, credential) = issue(&h, &w, "Aseptic technique").await;
        let path = format!("/orgs/council/credentials/{id}/status");
        let public = format!("/credentials/{id}");
        let html = text(w.admin.page(&h, &path).await, StatusCode::OK).await;
        assert!(html.contains(r#"<strong id="state">valid</strong>"#) && html.contains("Suspend the credential") && html.contains("Revoke the credential"), "{html}");
        assert!(!html.contains("Reinstate the credential"));
        assert!(html.contains(&format!(r#"href="/credentials/{id}""#)));

        // A suspension says why.
        let html = text(w.admin.form(&h, &path, &[("action", "suspend"), ("reason", " ")]).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains(r#"aria-invalid="true" aria-describedby="suspend-reason-error""#) && html.contains("Enter a reason"), "{html}");
        assert!(verified(&h, &credential).await);

        let res = w.admin.form(&h, &path, &[("action", "suspend"), ("reason", "Under investigation")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("{path}?done=suspend"));
        let html = text(w.admin.page(&h, &location(&res)).await, StatusCode::OK).await;
        assert!(html.contains(r#"<strong id="state">suspended</strong>"#) && html.contains("Under investigation") && html.contains("The credential is suspended"), "{html}");
        assert!(html.contains("Reinstate the credential") && !html.contains("Suspend the credential"), "{html}");
        assert!(text(h.get(&public, None).await, StatusCode::OK).await.contains("Not valid."));
        assert!(!verified(&h, &credential).await);

        let res = w.admin.form(&h, &path, &[("action", "reinstate"), ("reason", "")]).await;
        assert_eq!(location(&res), format!("{path}?done=reinstate"));
        let html = text(w.admin.page(&h, &location(&res)).await, StatusCode::OK).await;
        assert!(html.contains(r#"<strong id="state">valid</strong>"#) && html.contains("it verifies again"), "{html}");
        assert!(text(h.get(&public, None).await, StatusCode::OK).await.contains("Verified."));

        // Revocation is final: the box must say so, and what was typed stays.
        let res = w.admin.form(&h, &path, &[("action", "revoke"), ("reason", "Issued in error")]).await;
        let html = text(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains(r#"aria-invalid="true" aria-describedby="revoke-confirm-error""#) && html.contains("Tick the box to confirm that revocation is final."), "{html}");
        assert!(html.contains(">Issued in error</textarea>"), "{html}");
        assert!(verified(&h, &credential).await);

        // Learners and other issuers' admins cannot look or change.
        for who in [&w.learner, &w.stranger] {
            let html = text(who.page(&h, &path).await, StatusCode::FORBIDDEN).await;
            assert!(html.contains("Not allowed"), "{html}");
            let why = if std::ptr::eq(who, &w.learner) { "revoke, suspend or reinstate credentials" } else { "not a member of this organization" };
            assert!(html.contains(why), "{html}");
            let res = who.form(&h, &path, &[("action", "revoke"), ("reason", "x"), ("confirm", "yes")]).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN);
        }
        assert!(verified(&h, &credential).await);

        let res = w.admin.form(&h, &path, &[("action", "revoke"), ("reason", "Issued in error"), ("confirm", "yes")]).await;
        assert_eq!(location(&res), format!("{path}?done=revoke"));
        let html = text(w.admin.page(&h, &location(&res)).await, StatusCode::OK).await;
        assert!(html.contains(r#"<strong id="state">revoked</strong>"#) && html.contains("Revocation is final: it cannot be reinstated."), "{html}");
        assert!(!html.contains(r#"name="action""#), "a revoked credential offers no change: {html}");
        assert!(text(h.get(&public, None).await, StatusCode::OK).await.contains("Not valid."));
        assert!(!verified(&h, &credential).await);
        // A form sent from an older copy of the page is refused in words, on the page.
        let res = w.admin.form(&h, &path, &[("action", "reinstate")]).await;
        let html = text(res, StatusCode::CONFLICT).await;
        assert!(html.contains("This credential is revoked; revocation is final."), "{html}");
        // Another issuer's credential is not found under this one's address.
        let wrong = format!("/orgs/elsewhere/credentials/{id}/status");
        let elsewhere_admin = h.signed_in("admin@elsewhere.example").await;
        assert_eq!(elsewhere_admin.page(&h, &wrong).await.status(), StatusCode::NOT_FOUND);
    }

    async fn the_issuer_pages_read_in_french(db: TestDb) {
        let h = Harness::new(db);
        let w = issuer(&h).await;
        let (id, _) = issue(&h, &w, "Aseptic technique").await;
        let pages = [
            ("/orgs/council/achievements".to_owned(), "Nouvelle réalisation"),
            ("/orgs/council/keys".to_owned(), "Renouveler la clé de signature"),
            (format!("/orgs/council/credentials/{id}/status"), "La révocation est définitive."),
        ];
        for (path, words) in &pages {
            let (status, fr) = page_in(&h, &w.admin, path, "fr").await;
            assert_eq!(status, StatusCode::OK);
            assert!(fr.contains(r#"<html lang="fr">"#), "{fr}");
            assert!(fr.contains(words), "{path}: {fr}");
            let (_, en) = page_in(&h, &w.admin, path, "en").await;
            assert!(en.contains(r#"<html lang="en">"#));
            for page in [&fr, &en] {
                assert!(!page.contains("issuing-"), "a message id leaked into {path}: {page}");
            }
        }
        let (_, fr) = page_in(&h, &w.admin, &pages[2].0, "fr").await;
        assert!(fr.contains(r#"<strong id="state">valide</strong>"#) && fr.contains("Suspendre la certification"), "{fr}");
        // A refused form answers in French too, by its field.
        let res = h
            .send(
                Request::post("/orgs/council/achievements")
                    .header(header::COOKIE, &w.admin.cookie)
                    .header(header::ACCEPT_LANGUAGE, "fr")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(format!("csrf={}&name=Hygi%C3%A8ne&kind=badge&description=d&criteria=", form_encode(&w.admin.csrf))))
                    .unwrap(),
            )
            .await;
        let html = text(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains(r#"id="criteria-error">Saisissez les critères"#), "{html}");
    }
}
