//! Evidence review over the API and in the assessor's and learner's pages.

use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use cairn_app::orgs::NewOrg;
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::json;

use crate::*;

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

async fn post_form(h: &Harness, path: &str, who: &Person, body: &str) -> Response<Body> {
    h.send(
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &who.cookie)
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await
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
        let a1 = h.member("a1@people.example", "council", Role::Assessor).await;
        let a2 = h.member("a2@people.example", "council", Role::Assessor).await;
        let learner = h.member("learner@people.example", "hospital", Role::Learner).await;
        let other = h.member("other@people.example", "hospital", Role::Learner).await;

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
        let listed = body_json(learner.api(&h, Method::GET, "/api/v1/orgs/council/rubrics", None).await).await;
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
        let v = problem(learner.api(&h, Method::POST, "/api/v1/evidence", Some(evidence(json!([{"name": "sheet.png", "media_type": "image/png", "data_base64": b64(pdf)}])))).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("'sheet.png' is declared as PNG image"), "{v}");
        // Cookie writes need the CSRF header.
        let res = h.send(Request::post("/api/v1/evidence").header(header::COOKIE, &learner.cookie).header(header::CONTENT_TYPE, "application/json").body(Body::from(evidence(json!([])).to_string())).unwrap()).await;
        problem(res, StatusCode::UNAUTHORIZED).await;
        let huge = "A".repeat(cairn_app::reviews::FILES_TOTAL_BYTES_MAX / 3 * 4 + 2 * 1024 * 1024);
        let v = problem(learner.api(&h, Method::POST, "/api/v1/evidence", Some(evidence(json!([{"name": "huge.pdf", "media_type": "application/pdf", "data_base64": huge}])))).await, StatusCode::PAYLOAD_TOO_LARGE).await;
        assert!(v["detail"].as_str().unwrap().contains("10 MiB together"), "{v}");
        drop(huge);
        let res = learner.api(&h, Method::POST, "/api/v1/evidence", Some(evidence(json!([{"name": "sheet.pdf", "media_type": "application/pdf", "data_base64": b64(pdf)}])))).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let e = body_json(res).await;
        assert_eq!(e["status"], "awaiting_first_marker");
        assert_eq!(e["status_text"], "awaiting its first marker");
        let eid = e["id"].as_str().unwrap().to_owned();
        let fid = e["files"][0]["id"].as_str().unwrap().to_owned();
        let mine = body_json(learner.api(&h, Method::GET, "/api/v1/evidence", None).await).await;
        assert_eq!(mine.as_array().unwrap().len(), 1);
        problem(other.api(&h, Method::GET, &format!("/api/v1/evidence/{eid}"), None).await, StatusCode::NOT_FOUND).await;
        problem(other.api(&h, Method::GET, &format!("/api/v1/evidence/{eid}/files/{fid}"), None).await, StatusCode::NOT_FOUND).await;

        // The first marker (a1: least loaded, then smallest id) finds it in the queue page.
        let q = body_json(a1.api(&h, Method::GET, "/api/v1/reviews", None).await).await;
        assert_eq!(q["assigned"].as_array().unwrap().len(), 1, "{q}");
        let review_id = q["assigned"][0]["review_id"].as_str().unwrap().to_owned();
        let html = body_text(a1.page(&h, "/reviews").await).await;
        assert!(html.contains("Discharge summaries audit") && html.contains(&format!("/reviews/{review_id}")), "{html}");
        let html = body_text(a1.page(&h, &format!("/reviews/{review_id}")).await).await;
        for c in &crit {
            assert!(html.contains(&format!("name=\"level_{c}\"")), "one radio group per criterion");
            assert!(html.contains(&format!("<label for=\"comment-{c}\"")), "comment boxes are labelled");
        }
        assert!(html.contains("Shown with gaps.") && html.contains("sheet.pdf"), "{html}");
        let res = a1.page(&h, &format!("/evidence/{eid}/files/{fid}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/pdf");
        assert_eq!(body_text(res).await.as_bytes(), pdf);
        // Another assessor may not open it, nor a learner.
        assert_eq!(a2.page(&h, &format!("/reviews/{review_id}")).await.status(), StatusCode::NOT_FOUND);
        problem(h.json(Method::POST, &format!("/api/v1/reviews/{review_id}"), Some(&council_learner), json!({"marks": []})).await, StatusCode::FORBIDDEN).await;

        // Marking in the page: a missing criterion is explained, a wrong token refused.
        let csrf = &a1.csrf;
        let res = post_form(&h, &format!("/reviews/{review_id}"), &a1, &format!("csrf={csrf}&level_{}=1", crit[0])).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("not yet chosen: 2 "));
        let res = post_form(&h, &format!("/reviews/{review_id}"), &a1, &format!("csrf=wrong&level_{}=0&level_{}=0", crit[0], crit[1])).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let body = format!("csrf={csrf}&level_{}=0&level_{}=1&comment_{}={}", crit[0], crit[1], crit[0], form_encode("Three codes were wrong."));
        let res = post_form(&h, &format!("/reviews/{review_id}"), &a1, &body).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let html = body_text(a1.page(&h, &location(&res)).await).await;
        assert!(html.contains("Your review is submitted") && html.contains("rejected with 5 of 20 points"), "{html}");

        // The learner sees the decision and appeals once over the API.
        let html = body_text(learner.page(&h, &format!("/evidence/{eid}")).await).await;
        assert!(html.contains("Status: rejected") && html.contains("Appeal this decision") && html.contains("Three codes were wrong."), "{html}");
        let v = problem(learner.api(&h, Method::POST, &format!("/api/v1/evidence/{eid}/appeal"), Some(json!({"reason": ""}))).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("reason"), "{v}");
        let res = learner.api(&h, Method::POST, &format!("/api/v1/evidence/{eid}/appeal"), Some(json!({"reason": "Two of the codes follow the 2026 guidance."}))).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(body_json(res).await["status"], "under_appeal");
        let v = problem(learner.api(&h, Method::POST, &format!("/api/v1/evidence/{eid}/appeal"), Some(json!({"reason": "Again"}))).await, StatusCode::CONFLICT).await;
        assert!(v["detail"].as_str().unwrap().contains("appealed once"), "{v}");

        // The appeal goes to a2, who marks it over the API; that decision is final.
        assert!(body_json(a1.api(&h, Method::GET, "/api/v1/reviews", None).await).await["assigned"].as_array().unwrap().is_empty());
        let q = body_json(a2.api(&h, Method::GET, "/api/v1/reviews", None).await).await;
        assert_eq!(q["assigned"][0]["stage"], "appeal");
        let appeal_review = q["assigned"][0]["review_id"].as_str().unwrap().to_owned();
        let task = body_json(a2.api(&h, Method::GET, &format!("/api/v1/reviews/{appeal_review}"), None).await).await;
        assert_eq!(task["rubric"]["id"].as_str().unwrap(), rubric_id);
        assert!(task["evidence"]["reviews"].as_array().unwrap().iter().all(|r| r["score"].is_null() || r["assessor_name"] == "Person a2"), "earlier marks are hidden from the appeal reviewer");
        let marks = json!({"marks": [{"criterion_id": crit[0], "level": 2}, {"criterion_id": crit[1], "level": 1, "comment": "Guidance applied correctly."}]});
        let v = problem(a2.api(&h, Method::POST, &format!("/api/v1/reviews/{appeal_review}"), Some(json!({"marks": [{"criterion_id": crit[0], "level": 9}]}))).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("does not exist"), "{v}");
        let res = a2.api(&h, Method::POST, &format!("/api/v1/reviews/{appeal_review}"), Some(marks.clone())).await;
        assert_eq!(res.status(), StatusCode::OK);
        let out = body_json(res).await;
        assert_eq!(out["score"]["total"], 15);
        assert_eq!(out["evidence"]["status"], "appeal_decided");
        assert!(out["evidence"]["explanation"].as_str().unwrap().contains("appealed"), "{out}");
        problem(a2.api(&h, Method::POST, &format!("/api/v1/reviews/{appeal_review}"), Some(marks)).await, StatusCode::CONFLICT).await;

        // The learner uploads through the page as well (multipart, CSRF checked).
        let fields = |csrf: &str| vec![("csrf", csrf.to_owned()), ("rubric", rubric_id.clone()), ("achievement", String::new()), ("title", "Clinic letters".to_owned()), ("narrative", "Coded clinic letters.".to_owned()), ("links", String::new())];
        let send = |csrf: String, files: Vec<(&'static str, &'static str, &'static [u8])>| {
            let f = fields(&csrf);
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (ct, body) = multipart(&f, &files);
            Request::post("/evidence/new").header(header::CONTENT_TYPE, ct).header(header::COOKIE, &learner.cookie).body(Body::from(body)).unwrap()
        };
        let res = h.send(send("wrong".into(), vec![("notes.txt", "text/plain", b"Notes")])).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = h.send(send(learner.csrf.clone(), vec![("virus.exe", "application/octet-stream", b"MZ\x90\x00")])).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(res).await;
        assert!(html.contains("id=\"files-error\"") && html.contains("virus.exe"), "the error sits next to the file field: {html}");
        assert!(html.contains("value=\"Clinic letters\""), "what was typed is kept");
        let res = h.send(send(learner.csrf.clone(), vec![("notes.txt", "text/plain", b"Notes from the clinic")])).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let html = body_text(learner.page(&h, &location(&res)).await).await;
        assert!(html.contains("Clinic letters") && html.contains("notes.txt") && html.contains("awaiting its first marker"), "{html}");
        let html = body_text(learner.page(&h, "/evidence").await).await;
        assert!(html.contains("Clinic letters") && html.contains("decided on appeal") && html.contains(&format!("/evidence/new?rubric={rubric_id}")), "{html}");
        let html = body_text(learner.page(&h, &format!("/evidence/new?rubric={rubric_id}")).await).await;
        assert!(html.contains("Judged on: Observed coding audit") && html.contains("<label for=\"files\""), "{html}");

        // Rubrics and statistics pages for the provider.
        let html = body_text(a1.page(&h, "/orgs/council/rubrics").await).await;
        assert!(html.contains("Observed coding audit") && !html.contains("Write a rubric"), "assessors read rubrics but do not write them");
        let writer = h.member("writer@people.example", "council", Role::Author).await;
        let form = format!("csrf={}&title={}&pass_mark=4&c1_title={}&c1_levels={}&c1_min=", writer.csrf, form_encode("Hand hygiene"), form_encode("Technique"), form_encode("Poor | Steps missed | 0\nGood | All six steps | 5"));
        let res = post_form(&h, "/orgs/council/rubrics", &writer, &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let bad = format!("csrf={}&title=X&pass_mark=4&c1_title=T&c1_levels={}", writer.csrf, form_encode("only a title"));
        let res = post_form(&h, "/orgs/council/rubrics", &writer, &bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("title | descriptor | points"));
        let list = body_json(h.get("/api/v1/orgs/council/rubrics", Some(&author)).await).await;
        assert_eq!(list.as_array().unwrap().len(), 2);
        let stats = body_json(h.get("/api/v1/orgs/council/review-stats", Some(&author)).await).await;
        assert_eq!(stats["double_marked"], 0);
        problem(h.get("/api/v1/orgs/council/review-stats", Some(&council_learner)).await, StatusCode::FORBIDDEN).await;
        let html = body_text(a1.page(&h, "/orgs/council/review-stats").await).await;
        assert!(html.contains("Assessor agreement at Org council"), "{html}");
        // The assessor's pages in French: the words are the catalog's, never its ids.
        for (path, fr) in [(format!("/reviews/{review_id}"), "Votre évaluation est rendue"), ("/reviews".to_owned(), "Preuves à évaluer"),
            ("/orgs/council/rubrics".to_owned(), "Grilles d’évaluation de Org council"), ("/orgs/council/review-stats".to_owned(), "Concordance des évaluateurs chez Org council")] {
            let res = h.send(Request::get(&path).header(header::COOKIE, &a1.cookie).header(header::ACCEPT_LANGUAGE, "fr").body(Body::empty()).unwrap()).await;
            let html = body_text(res).await;
            assert!(html.contains("<html lang=\"fr\">") && html.contains(fr), "{path}: {html}");
            for id in ["review-title", "review-queue-title", "review-stage-", "rubric-list-title", "review-stats-heading", "evidence-by"] {
                assert!(!html.contains(id), "{path} shows the message id {id}: {html}");
            }
        }
        problem(h.get("/api/v1/reviews", Some(&council_learner)).await, StatusCode::FORBIDDEN).await;

        // Evidence nobody may take waits; a new assessor claims it from the queue page.
        h.app.remove_member(&Principal::system(), "council", h.app.user_by_email("a2@people.example").await.unwrap().unwrap().id, Role::Assessor).await.unwrap();
        let res = a1.api(&h, Method::POST, "/api/v1/evidence", Some(evidence(json!([])))).await;
        let own = body_json(res).await;
        assert_eq!(own["reviews"].as_array().unwrap().len(), 0, "an assessor never gets their own evidence: {own}");
        let own_id = own["id"].as_str().unwrap().to_owned();
        let v = problem(a1.api(&h, Method::POST, &format!("/api/v1/reviews/claim/{own_id}"), None).await, StatusCode::CONFLICT).await;
        assert_eq!(v["detail"], "an assessor may not review their own evidence");
        let a3 = h.member("a3@people.example", "council", Role::Assessor).await;
        let html = body_text(a3.page(&h, "/reviews").await).await;
        assert!(html.contains(&format!("action=\"/reviews/claim/{own_id}\"")), "{html}");
        let res = post_form(&h, &format!("/reviews/claim/{own_id}"), &a3, &format!("csrf={}", a3.csrf)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(location(&res).starts_with("/reviews/"));
        let res = post_form(&h, &format!("/reviews/claim/{own_id}"), &a3, &format!("csrf={}", a3.csrf)).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert!(body_text(res).await.contains("already has a first marker"));

        // The learner's second piece is rejected by a1 and appealed from its page.
        let second = body_json(learner.api(&h, Method::GET, "/api/v1/evidence", None).await).await;
        let clinic = second.as_array().unwrap().iter().find(|e| e["title"] == "Clinic letters").unwrap()["id"].as_str().unwrap().to_owned();
        let q = body_json(a1.api(&h, Method::GET, "/api/v1/reviews", None).await).await;
        let rid = q["assigned"].as_array().unwrap().iter().find(|i| i["evidence_id"] == clinic.as_str()).unwrap()["review_id"].as_str().unwrap().to_owned();
        let res = a1.api(&h, Method::POST, &format!("/api/v1/reviews/{rid}"), Some(json!({"marks": [{"criterion_id": crit[0], "level": 0}, {"criterion_id": crit[1], "level": 0}]}))).await;
        let out = body_json(res).await;
        assert!(out["score"]["shortfalls"].as_array().unwrap().iter().any(|s| s.as_str().unwrap().contains("at least level 2")), "{out}");
        let res = post_form(&h, &format!("/evidence/{clinic}/appeal"), &learner, &format!("csrf={}&reason=", learner.csrf)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = post_form(&h, &format!("/evidence/{clinic}/appeal"), &learner, &format!("csrf={}&reason={}", learner.csrf, form_encode("The letters were coded from the final versions."))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let html = body_text(learner.page(&h, &format!("/evidence/{clinic}")).await).await;
        assert!(html.contains("Status: under appeal") && !html.contains("Appeal this decision"), "{html}");
        // An achievement earned on the rubric is offered on the rubric's page, with its policy.
        let ach = h.app.create_achievement(&Principal::system(), "council", cairn_app::credentials::NewAchievement {
            kind: cairn_core::AchievementKind::Badge, name: "Coding audit".into(), description: "Observed audit.".into(), criteria: "Accepted audit evidence.".into(),
            spec: cairn_core::AchievementSpec { rule: Some(cairn_core::criteria::Criteria::EvidenceAccepted { rubric_id: rubric_id.parse().unwrap() }), review_policy: cairn_core::review::ReviewPolicy { double_marking: true, score_tolerance: 2, exclude_same_organization: false }, ..Default::default() },
        }).await.unwrap();
        let listed = body_json(learner.api(&h, Method::GET, &format!("/api/v1/rubrics/{rubric_id}"), None).await).await;
        assert_eq!(listed["achievements"][0]["review_policy"]["double_marking"], true, "{listed}");
        let html = body_text(learner.page(&h, "/orgs/council/rubrics").await).await;
        assert!(html.contains(&format!("/evidence/new?rubric={rubric_id}&amp;achievement={}", ach.id)), "{html}");
        let html = body_text(learner.page(&h, &format!("/evidence/new?rubric={rubric_id}&achievement={}", ach.id)).await).await;
        assert!(html.contains("Towards Coding audit: two assessors mark it independently"), "{html}");
        let doc = body_text(h.get("/api/openapi.json", None).await).await;
        assert!(doc.contains("/api/v1/reviews/claim/{evidence_id}") && doc.contains("/api/v1/orgs/{slug}/review-stats"));
    }
}
