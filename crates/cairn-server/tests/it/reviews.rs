//! Evidence review over the API and in the assessor's and learner's pages.

use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use cairn_app::accounts::NewUser;
use cairn_app::orgs::{NewMember, NewOrg};
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::json;

use crate::*;

/// A person with a password holding `role` in `slug`; returns (cookie header, csrf token).
async fn person(h: &Harness, slug: &str, local: &str, role: Role) -> (String, String) {
    let sys = Principal::system();
    let email = format!("{local}@people.example");
    h.app
        .create_user(
            &sys,
            NewUser {
                display_name: format!("Person {local}"),
                email: email.clone(),
                password: Some(PASSWORD.into()),
                is_operator: false,
            },
        )
        .await
        .unwrap();
    h.app
        .add_member(
            &sys,
            slug,
            NewMember {
                email: email.clone(),
                display_name: None,
                role,
                job_title: None,
            },
        )
        .await
        .unwrap();
    let s = h.app.sign_in(&email, PASSWORD).await.unwrap();
    (format!("cairn_session={}", s.session_secret), s.csrf_token)
}

async fn org(h: &Harness, slug: &str, kinds: Vec<OrgKind>) {
    h.app
        .create_org(
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

/// An API call with a session cookie (and the CSRF header for writes).
async fn as_person(
    h: &Harness,
    method: Method,
    path: &str,
    who: &(String, String),
    body: Option<serde_json::Value>,
) -> Response<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, &who.0)
        .header("x-csrf-token", &who.1);
    if body.is_some() {
        b = b.header(header::CONTENT_TYPE, "application/json");
    }
    let body = body.map(|v| Body::from(v.to_string())).unwrap_or_default();
    h.send(b.body(body).unwrap()).await
}

async fn page(h: &Harness, path: &str, who: &(String, String)) -> Response<Body> {
    h.send(
        Request::get(path)
            .header(header::COOKIE, &who.0)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn post_form(h: &Harness, path: &str, who: &(String, String), body: &str) -> Response<Body> {
    h.send(
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &who.0)
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await
}

fn location(res: &Response<Body>) -> String {
    res.headers()
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "cairnboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, ty, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: {ty}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn rubric_json() -> serde_json::Value {
    let levels = json!([
        {"title": "Missing", "descriptor": "Not shown.", "points": 0},
        {"title": "Partial", "descriptor": "Shown with gaps.", "points": 5},
        {"title": "Complete", "descriptor": "Shown throughout.", "points": 10}
    ]);
    json!({
        "title": "Observed coding audit",
        "criteria": [
            {"title": "Code accuracy", "levels": levels},
            {"title": "Documentation", "levels": levels, "min_level": 1}
        ],
        "pass_mark": 10
    })
}

backend_tests! {
    async fn evidence_goes_from_learner_to_assessors_over_the_api_and_pages(db: TestDb) {
        let h = Harness::new(db);
        org(&h, "council", vec![OrgKind::Provider, OrgKind::Issuer]).await;
        org(&h, "hospital", vec![OrgKind::Employer]).await;
        let author = h.token("council", Role::Author).await;
        let council_learner = h.token("council", Role::Learner).await;
        let a1 = person(&h, "council", "a1", Role::Assessor).await;
        let a2 = person(&h, "council", "a2", Role::Assessor).await;
        let learner = person(&h, "hospital", "learner", Role::Learner).await;
        let other = person(&h, "hospital", "other", Role::Learner).await;

        // Rubrics: authors write them; others may not; bad ones are explained.
        problem(h.json(Method::POST, "/api/v1/orgs/council/rubrics", None, rubric_json()).await, StatusCode::UNAUTHORIZED).await;
        problem(h.json(Method::POST, "/api/v1/orgs/council/rubrics", Some(&council_learner), rubric_json()).await, StatusCode::FORBIDDEN).await;
        let mut bad = rubric_json();
        bad["pass_mark"] = json!(99);
        let v = problem(h.json(Method::POST, "/api/v1/orgs/council/rubrics", Some(&author), bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("nobody could pass"), "{v}");
        let res = h.json(Method::POST, "/api/v1/orgs/council/rubrics", Some(&author), rubric_json()).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let rubric = body_json(res).await;
        let rubric_id = rubric["rubric"]["id"].as_str().unwrap().to_owned();
        let crit: Vec<String> = rubric["rubric"]["criteria"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
        let listed = body_json(as_person(&h, Method::GET, "/api/v1/orgs/council/rubrics", &learner, None).await).await;
        assert_eq!(listed[0]["max_points"], 20);

        // A learner submits evidence with a file; bad files are refused by name.
        let pdf = b"%PDF-1.7\n% audit sheet\n";
        let b64 = |b: &[u8]| {
            use std::fmt::Write;
            // Standard base64 by hand keeps the test free of another dependency.
            const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut s = String::new();
            for chunk in b.chunks(3) {
                let n = chunk.iter().enumerate().fold(0u32, |n, (i, x)| n | (u32::from(*x) << (16 - 8 * i)));
                for i in 0..4 {
                    if i <= chunk.len() { s.write_char(T[(n >> (18 - 6 * i) & 63) as usize] as char).unwrap(); } else { s.push('='); }
                }
            }
            s
        };
        let evidence = |files: serde_json::Value| json!({
            "rubric_id": rubric_id, "title": "Discharge summaries audit",
            "narrative": "Coded twenty discharge summaries under observation.",
            "links": ["https://records.example/audit/7"], "files": files
        });
        let v = problem(as_person(&h, Method::POST, "/api/v1/evidence", &learner, Some(evidence(json!([{"name": "sheet.png", "media_type": "image/png", "data_base64": b64(pdf)}])))).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("'sheet.png' is declared as PNG image"), "{v}");
        // Cookie writes need the CSRF header.
        let res = h.send(Request::post("/api/v1/evidence").header(header::COOKIE, &learner.0).header(header::CONTENT_TYPE, "application/json").body(Body::from(evidence(json!([])).to_string())).unwrap()).await;
        problem(res, StatusCode::UNAUTHORIZED).await;
        let huge = "A".repeat(cairn_app::reviews::FILES_TOTAL_BYTES_MAX / 3 * 4 + 2 * 1024 * 1024);
        let v = problem(as_person(&h, Method::POST, "/api/v1/evidence", &learner, Some(evidence(json!([{"name": "huge.pdf", "media_type": "application/pdf", "data_base64": huge}])))).await, StatusCode::PAYLOAD_TOO_LARGE).await;
        assert!(v["detail"].as_str().unwrap().contains("10 MiB together"), "{v}");
        drop(huge);
        let res = as_person(&h, Method::POST, "/api/v1/evidence", &learner, Some(evidence(json!([{"name": "sheet.pdf", "media_type": "application/pdf", "data_base64": b64(pdf)}])))).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let e = body_json(res).await;
        assert_eq!(e["status"], "awaiting_first_marker");
        assert_eq!(e["status_text"], "awaiting its first marker");
        let eid = e["id"].as_str().unwrap().to_owned();
        let fid = e["files"][0]["id"].as_str().unwrap().to_owned();
        let mine = body_json(as_person(&h, Method::GET, "/api/v1/evidence", &learner, None).await).await;
        assert_eq!(mine.as_array().unwrap().len(), 1);
        problem(as_person(&h, Method::GET, &format!("/api/v1/evidence/{eid}"), &other, None).await, StatusCode::NOT_FOUND).await;
        problem(as_person(&h, Method::GET, &format!("/api/v1/evidence/{eid}/files/{fid}"), &other, None).await, StatusCode::NOT_FOUND).await;

        // The first marker (a1: least loaded, then smallest id) finds it in the queue page.
        let q = body_json(as_person(&h, Method::GET, "/api/v1/reviews", &a1, None).await).await;
        assert_eq!(q["assigned"].as_array().unwrap().len(), 1, "{q}");
        let review_id = q["assigned"][0]["review_id"].as_str().unwrap().to_owned();
        let html = body_text(page(&h, "/reviews", &a1).await).await;
        assert!(html.contains("Discharge summaries audit") && html.contains(&format!("/reviews/{review_id}")), "{html}");
        let html = body_text(page(&h, &format!("/reviews/{review_id}"), &a1).await).await;
        for c in &crit {
            assert!(html.contains(&format!("name=\"level_{c}\"")), "one radio group per criterion");
            assert!(html.contains(&format!("<label for=\"comment-{c}\"")), "comment boxes are labelled");
        }
        assert!(html.contains("Shown with gaps.") && html.contains("sheet.pdf"), "{html}");
        let res = page(&h, &format!("/evidence/{eid}/files/{fid}"), &a1).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/pdf");
        assert_eq!(body_text(res).await.as_bytes(), pdf);
        // Another assessor may not open it, nor a learner.
        assert_eq!(page(&h, &format!("/reviews/{review_id}"), &a2).await.status(), StatusCode::NOT_FOUND);
        problem(h.json(Method::POST, &format!("/api/v1/reviews/{review_id}"), Some(&council_learner), json!({"marks": []})).await, StatusCode::FORBIDDEN).await;

        // Marking in the page: a missing criterion is explained, a wrong token refused.
        let csrf = &a1.1;
        let res = post_form(&h, &format!("/reviews/{review_id}"), &a1, &format!("csrf={csrf}&level_{}=1", crit[0])).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("not yet chosen: 2 "));
        let res = post_form(&h, &format!("/reviews/{review_id}"), &a1, &format!("csrf=wrong&level_{}=0&level_{}=0", crit[0], crit[1])).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let body = format!("csrf={csrf}&level_{}=0&level_{}=1&comment_{}={}", crit[0], crit[1], crit[0], enc("Three codes were wrong."));
        let res = post_form(&h, &format!("/reviews/{review_id}"), &a1, &body).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let html = body_text(page(&h, &location(&res), &a1).await).await;
        assert!(html.contains("Your review is submitted") && html.contains("rejected with 5 of 20 points"), "{html}");

        // The learner sees the decision and appeals once over the API.
        let html = body_text(page(&h, &format!("/evidence/{eid}"), &learner).await).await;
        assert!(html.contains("Status: rejected") && html.contains("Appeal this decision") && html.contains("Three codes were wrong."), "{html}");
        let v = problem(as_person(&h, Method::POST, &format!("/api/v1/evidence/{eid}/appeal"), &learner, Some(json!({"reason": ""}))).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("reason"), "{v}");
        let res = as_person(&h, Method::POST, &format!("/api/v1/evidence/{eid}/appeal"), &learner, Some(json!({"reason": "Two of the codes follow the 2026 guidance."}))).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(body_json(res).await["status"], "under_appeal");
        let v = problem(as_person(&h, Method::POST, &format!("/api/v1/evidence/{eid}/appeal"), &learner, Some(json!({"reason": "Again"}))).await, StatusCode::CONFLICT).await;
        assert!(v["detail"].as_str().unwrap().contains("appealed once"), "{v}");

        // The appeal goes to a2, who marks it over the API; that decision is final.
        assert!(body_json(as_person(&h, Method::GET, "/api/v1/reviews", &a1, None).await).await["assigned"].as_array().unwrap().is_empty());
        let q = body_json(as_person(&h, Method::GET, "/api/v1/reviews", &a2, None).await).await;
        assert_eq!(q["assigned"][0]["stage"], "appeal");
        let appeal_review = q["assigned"][0]["review_id"].as_str().unwrap().to_owned();
        let task = body_json(as_person(&h, Method::GET, &format!("/api/v1/reviews/{appeal_review}"), &a2, None).await).await;
        assert_eq!(task["rubric"]["id"].as_str().unwrap(), rubric_id);
        assert!(task["evidence"]["reviews"].as_array().unwrap().iter().all(|r| r["score"].is_null() || r["assessor_name"] == "Person a2"), "earlier marks are hidden from the appeal reviewer");
        let marks = json!({"marks": [{"criterion_id": crit[0], "level": 2}, {"criterion_id": crit[1], "level": 1, "comment": "Guidance applied correctly."}]});
        let v = problem(as_person(&h, Method::POST, &format!("/api/v1/reviews/{appeal_review}"), &a2, Some(json!({"marks": [{"criterion_id": crit[0], "level": 9}]}))).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("does not exist"), "{v}");
        let res = as_person(&h, Method::POST, &format!("/api/v1/reviews/{appeal_review}"), &a2, Some(marks.clone())).await;
        assert_eq!(res.status(), StatusCode::OK);
        let out = body_json(res).await;
        assert_eq!(out["score"]["total"], 15);
        assert_eq!(out["evidence"]["status"], "appeal_decided");
        assert!(out["evidence"]["explanation"].as_str().unwrap().contains("appealed"), "{out}");
        problem(as_person(&h, Method::POST, &format!("/api/v1/reviews/{appeal_review}"), &a2, Some(marks)).await, StatusCode::CONFLICT).await;

        // The learner uploads through the page as well (multipart, CSRF checked).
        let fields = |csrf: &str| vec![("csrf", csrf.to_owned()), ("rubric", rubric_id.clone()), ("achievement", String::new()), ("title", "Clinic letters".to_owned()), ("narrative", "Coded clinic letters.".to_owned()), ("links", String::new())];
        let send = |csrf: String, files: Vec<(&'static str, &'static str, &'static [u8])>| {
            let f = fields(&csrf);
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (ct, body) = multipart(&f, &files);
            Request::post("/evidence/new").header(header::CONTENT_TYPE, ct).header(header::COOKIE, &learner.0).body(Body::from(body)).unwrap()
        };
        let res = h.send(send("wrong".into(), vec![("notes.txt", "text/plain", b"Notes")])).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = h.send(send(learner.1.clone(), vec![("virus.exe", "application/octet-stream", b"MZ\x90\x00")])).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(res).await;
        assert!(html.contains("id=\"files-error\"") && html.contains("virus.exe"), "the error sits next to the file field: {html}");
        assert!(html.contains("value=\"Clinic letters\""), "what was typed is kept");
        let res = h.send(send(learner.1.clone(), vec![("notes.txt", "text/plain", b"Notes from the clinic")])).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let html = body_text(page(&h, &location(&res), &learner).await).await;
        assert!(html.contains("Clinic letters") && html.contains("notes.txt") && html.contains("awaiting its first marker"), "{html}");
        let html = body_text(page(&h, "/evidence", &learner).await).await;
        assert!(html.contains("Clinic letters") && html.contains("decided on appeal") && html.contains(&format!("/evidence/new?rubric={rubric_id}")), "{html}");
        let html = body_text(page(&h, &format!("/evidence/new?rubric={rubric_id}"), &learner).await).await;
        assert!(html.contains("Judged on: Observed coding audit") && html.contains("<label for=\"files\""), "{html}");

        // Rubrics and statistics pages for the provider.
        let html = body_text(page(&h, "/orgs/council/rubrics", &a1).await).await;
        assert!(html.contains("Observed coding audit") && !html.contains("Write a rubric"), "assessors read rubrics but do not write them");
        let writer = person(&h, "council", "writer", Role::Author).await;
        let form = format!("csrf={}&title={}&pass_mark=4&c1_title={}&c1_levels={}&c1_min=", writer.1, enc("Hand hygiene"), enc("Technique"), enc("Poor | Steps missed | 0\nGood | All six steps | 5"));
        let res = post_form(&h, "/orgs/council/rubrics", &writer, &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let bad = format!("csrf={}&title=X&pass_mark=4&c1_title=T&c1_levels={}", writer.1, enc("only a title"));
        let res = post_form(&h, "/orgs/council/rubrics", &writer, &bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("title | descriptor | points"));
        let list = body_json(h.get("/api/v1/orgs/council/rubrics", Some(&author)).await).await;
        assert_eq!(list.as_array().unwrap().len(), 2);
        let stats = body_json(h.get("/api/v1/orgs/council/review-stats", Some(&author)).await).await;
        assert_eq!(stats["double_marked"], 0);
        problem(h.get("/api/v1/orgs/council/review-stats", Some(&council_learner)).await, StatusCode::FORBIDDEN).await;
        let html = body_text(page(&h, "/orgs/council/review-stats", &a1).await).await;
        assert!(html.contains("Assessor agreement at Org council"), "{html}");
        problem(h.get("/api/v1/reviews", Some(&council_learner)).await, StatusCode::FORBIDDEN).await;

        // Evidence nobody may take waits; a new assessor claims it from the queue page.
        h.app.remove_member(&Principal::system(), "council", h.app.user_by_email("a2@people.example").await.unwrap().unwrap().id, Role::Assessor).await.unwrap();
        let res = as_person(&h, Method::POST, "/api/v1/evidence", &a1, Some(evidence(json!([])))).await;
        let own = body_json(res).await;
        assert_eq!(own["reviews"].as_array().unwrap().len(), 0, "an assessor never gets their own evidence: {own}");
        let own_id = own["id"].as_str().unwrap().to_owned();
        let v = problem(as_person(&h, Method::POST, &format!("/api/v1/reviews/claim/{own_id}"), &a1, None).await, StatusCode::CONFLICT).await;
        assert_eq!(v["detail"], "an assessor may not review their own evidence");
        let a3 = person(&h, "council", "a3", Role::Assessor).await;
        let html = body_text(page(&h, "/reviews", &a3).await).await;
        assert!(html.contains(&format!("action=\"/reviews/claim/{own_id}\"")), "{html}");
        let res = post_form(&h, &format!("/reviews/claim/{own_id}"), &a3, &format!("csrf={}", a3.1)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(location(&res).starts_with("/reviews/"));
        let res = post_form(&h, &format!("/reviews/claim/{own_id}"), &a3, &format!("csrf={}", a3.1)).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert!(body_text(res).await.contains("already has a first marker"));

        // The learner's second piece is rejected by a1 and appealed from its page.
        let second = body_json(as_person(&h, Method::GET, "/api/v1/evidence", &learner, None).await).await;
        let clinic = second.as_array().unwrap().iter().find(|e| e["title"] == "Clinic letters").unwrap()["id"].as_str().unwrap().to_owned();
        let q = body_json(as_person(&h, Method::GET, "/api/v1/reviews", &a1, None).await).await;
        let rid = q["assigned"].as_array().unwrap().iter().find(|i| i["evidence_id"] == clinic.as_str()).unwrap()["review_id"].as_str().unwrap().to_owned();
        let res = as_person(&h, Method::POST, &format!("/api/v1/reviews/{rid}"), &a1, Some(json!({"marks": [{"criterion_id": crit[0], "level": 0}, {"criterion_id": crit[1], "level": 0}]}))).await;
        let out = body_json(res).await;
        assert!(out["score"]["shortfalls"].as_array().unwrap().iter().any(|s| s.as_str().unwrap().contains("at least level 2")), "{out}");
        let res = post_form(&h, &format!("/evidence/{clinic}/appeal"), &learner, &format!("csrf={}&reason=", learner.1)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = post_form(&h, &format!("/evidence/{clinic}/appeal"), &learner, &format!("csrf={}&reason={}", learner.1, enc("The letters were coded from the final versions."))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let html = body_text(page(&h, &format!("/evidence/{clinic}"), &learner).await).await;
        assert!(html.contains("Status: under appeal") && !html.contains("Appeal this decision"), "{html}");
        // An achievement earned on the rubric is offered on the rubric's page, with its policy.
        let ach = h.app.create_achievement(&Principal::system(), "council", cairn_app::credentials::NewAchievement {
            kind: cairn_core::AchievementKind::Badge, name: "Coding audit".into(), description: "Observed audit.".into(), criteria: "Accepted audit evidence.".into(),
            spec: cairn_core::AchievementSpec { rule: Some(cairn_core::criteria::Criteria::EvidenceAccepted { rubric_id: rubric_id.parse().unwrap() }), review_policy: cairn_core::review::ReviewPolicy { double_marking: true, score_tolerance: 2, exclude_same_organization: false }, ..Default::default() },
        }).await.unwrap();
        let listed = body_json(as_person(&h, Method::GET, &format!("/api/v1/rubrics/{rubric_id}"), &learner, None).await).await;
        assert_eq!(listed["achievements"][0]["review_policy"]["double_marking"], true, "{listed}");
        let html = body_text(page(&h, "/orgs/council/rubrics", &learner).await).await;
        assert!(html.contains(&format!("/evidence/new?rubric={rubric_id}&amp;achievement={}", ach.id)), "{html}");
        let html = body_text(page(&h, &format!("/evidence/new?rubric={rubric_id}&achievement={}", ach.id), &learner).await).await;
        assert!(html.contains("Towards Coding audit: two assessors mark it independently"), "{html}");
        let doc = body_text(h.get("/api/openapi.json", None).await).await;
        assert!(doc.contains("/api/v1/reviews/claim/{evidence_id}") && doc.contains("/api/v1/orgs/{slug}/review-stats"));
    }
}
