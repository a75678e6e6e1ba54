//! Item banks, assessments and attempts over the API and in the browser.

use axum::http::{Method, StatusCode, header};
use cairn_app::orgs::NewOrg;
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::{Value, json};

use crate::*;

/// A provider with the sample ICD-11 release loaded; returns an author token.
async fn provider(h: &Harness, slug: &str) -> String {
    h.app
        .create_org(
            &Principal::system(),
            NewOrg {
                slug: Some(slug.into()),
                name: format!("Provider {slug}"),
                kinds: vec![OrgKind::Provider],
            },
        )
        .await
        .unwrap();
    let mut tx = h.app.store.begin().await.unwrap();
    h.app.seed_icd11_sample(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    h.token(slug, Role::Author).await
}

fn coding(competency: &str, vignette: &str, expected: &str) -> Value {
    json!({
        "competency": {"code": competency}, "difficulty": "medium", "points": 2,
        "prompt": "Code this case in ICD-11.",
        "kind": {"type": "icd11_coding", "vignette": vignette, "expected": expected},
        "explanation": format!("Explained: the stem and its details ({competency})."),
    })
}

/// POSTs `body` to `path` with `token`, expects 201, and returns the new thing's id.
async fn created(h: &Harness, token: &str, path: &str, body: Value) -> String {
    let res = h.json(Method::POST, path, Some(token), body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    body_json(res).await["id"].as_str().unwrap().to_owned()
}

async fn create_item(h: &Harness, token: &str, slug: &str, item: Value) -> String {
    created(h, token, &format!("/api/v1/orgs/{slug}/items"), item).await
}

async fn published(h: &Harness, token: &str, slug: &str, rules: Value) -> String {
    let id = created(
        h,
        token,
        &format!("/api/v1/orgs/{slug}/assessments"),
        json!({"title": "Coding check", "description": "Code the cases.", "rules": rules}),
    )
    .await;
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/assessments/{id}/publish"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    id
}

/// `me` starts an attempt at assessment `id` over the API; returns the attempt as sent.
async fn start(h: &Harness, me: &Person, id: &str) -> Value {
    let res = me
        .api(
            h,
            Method::POST,
            &format!("/api/v1/assessments/{id}/attempts"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    body_json(res).await
}

/// Every object key anywhere in `v`.
fn keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                keys(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
        _ => {}
    }
}

/// An assessment over one item of every type whose keys are easy to spot.
async fn every_kind(h: &Harness, token: &str, slug: &str) -> String {
    let items = [
        json!({"competency": {"code": "K"}, "difficulty": "easy", "points": 1, "prompt": "Which drug is first line?",
               "kind": {"type": "single_choice", "options": ["Aspirin", "Metformin", "Warfarin"], "correct": 1}}),
        json!({"competency": {"code": "K"}, "difficulty": "easy", "points": 1, "prompt": "Which are extension codes?",
               "kind": {"type": "multiple_choice", "options": ["XK9K", "5A11", "XS25"], "correct": [0, 2]}}),
        json!({"competency": {"code": "K"}, "difficulty": "easy", "points": 1, "prompt": "Normal body temperature?",
               "kind": {"type": "numeric", "correct": 37.25, "tolerance": 0.35, "unit": "°C"}}),
        json!({"competency": {"code": "K"}, "difficulty": "easy", "points": 1, "prompt": "Name the technique for checking understanding.",
               "kind": {"type": "short_text", "accepted": ["teachback", "teach back"], "matching": "normalized"}}),
        json!({"competency": {"code": "K"}, "difficulty": "easy", "points": 1, "prompt": "Order the steps.",
               "kind": {"type": "ordering", "options": ["Read", "Code", "Check"]}}),
        json!({"competency": {"code": "K"}, "difficulty": "easy", "points": 1, "prompt": "The statement is true.",
               "kind": {"type": "true_false", "correct": true}}),
        json!({"competency": {"code": "K"}, "difficulty": "easy", "points": 2, "prompt": "Code it.",
               "kind": {"type": "icd11_coding", "vignette": "A fall; fracture of the neck of the femur on the right.", "expected": "NC72.2&XK9K"}}),
    ];
    for i in items {
        create_item(h, token, slug, i).await;
    }
    published(h, token, slug, json!({"blueprint": {"cells": [{"competency": {"code": "K"}, "difficulty": "easy", "count": 7}]}, "cut_score_percent": 70, "time_limit_minutes": 30})).await
}

/// A page as `who`'s browser asks for it when it prefers the language `lang`.
async fn page_in(h: &Harness, who: &Person, path: &str, lang: &str) -> String {
    let res = h
        .send(
            axum::http::Request::get(path)
                .header(header::COOKIE, &who.cookie)
                .header(header::ACCEPT_LANGUAGE, lang)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{path} in {lang}");
    body_text(res).await
}

backend_tests! {
    async fn an_open_attempt_never_carries_answer_keys(db: TestDb) {
        let h = Harness::new(db);
        let author = provider(&h, "prov").await;
        let id = every_kind(&h, &author, "prov").await;
        let me = h.person("amara@x.example").await;

        let started = start(&h, &me, &id).await;
        let attempt = started["id"].as_str().unwrap().to_owned();
        let fetched = body_json(me.api(&h, Method::GET, &format!("/api/v1/attempts/{attempt}"), None).await).await;
        for v in [&started, &fetched] {
            assert_eq!(v["items"].as_array().unwrap().len(), 7);
            assert!(v["deadline"].is_string() && v["result"].is_null(), "{v}");
            let mut all = Vec::new();
            keys(v, &mut all);
            for secret in ["correct", "accepted", "expected", "tolerance", "explanation"] {
                assert!(!all.iter().any(|k| k == secret), "{secret} in {v}");
            }
            let text = v.to_string();
            for secret in ["NC72.2", "&XK9K", "37.25", "0.35", "teachback", "teach back"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
        let html = body_text(me.page(&h, &format!("/attempts/{attempt}")).await).await;
        assert!(html.contains("Submit your answers by") && html.contains("<fieldset"), "{html}");
        assert_eq!(html.matches("<fieldset").count(), 7);
        // Every control has a label of its own.
        assert_eq!(html.matches("<input ").count() - html.matches("type=\"hidden\"").count(), html.matches("<label for=").count(), "{html}");
        for secret in ["NC72.2", "&amp;XK9K", "37.25", "teachback", "teach back", "correct"] {
            assert!(!html.contains(secret), "{secret} in the page");
        }
        // The provider sees the open attempt the same way: no keys.
        let seen = body_text(h.get(&format!("/api/v1/attempts/{attempt}"), Some(&author)).await).await;
        assert!(!seen.contains("NC72.2") && !seen.contains("\"correct\""), "{seen}");
    }

    async fn icd11_coding_scores_exact_partial_and_wrong_with_feedback_per_competency(db: TestDb) {
        let h = Harness::new(db);
        let author = provider(&h, "prov").await;
        let exact = create_item(&h, &author, "prov", coding("ICD.3", "Fall at home; fracture of the neck of the right femur.", "NC72.2&XK9K")).await;
        let no_extension = create_item(&h, &author, "prov", coding("ICD.3", "Severe community-acquired pneumonia.", "CA40&XS25")).await;
        let wrong_extension = create_item(&h, &author, "prov", coding("ICD.3", "Chronic type 2 diabetes mellitus.", "5A11&XT8W")).await;
        let wrong_stem = create_item(&h, &author, "prov", coding("ICD.3", "Essential hypertension.", "BA00")).await;
        let tf = create_item(&h, &author, "prov", json!({"competency": {"code": "ICD.1"}, "difficulty": "easy", "points": 1,
            "prompt": "ICD-11 has extension codes.", "kind": {"type": "true_false", "correct": true}})).await;
        // A key that is not a code of the release is refused before it reaches a learner.
        let res = h.json(Method::POST, "/api/v1/orgs/prov/items", Some(&author), coding("ICD.3", "x", "NC72.2&XZ9Z")).await;
        let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(p["detail"].as_str().unwrap().contains("XZ9Z"), "{p}");

        let id = published(&h, &author, "prov", json!({
            "blueprint": {"cells": [
                {"competency": {"code": "ICD.3"}, "difficulty": "medium", "count": 4},
                {"competency": {"code": "ICD.1"}, "difficulty": "easy", "count": 1}]},
            "cut_score_percent": 50,
            "competency_minimums": [{"competency": {"code": "ICD.3"}, "percent": 75}],
        })).await;
        let me = h.person("coder@x.example").await;
        let attempt = start(&h, &me, &id).await;
        let attempt = attempt["id"].as_str().unwrap().to_owned();
        let mut responses = serde_json::Map::new();
        for (item, code) in [(&exact, "nc722 & xk9k"), (&no_extension, "CA40"), (&wrong_extension, "5A11&XS25"), (&wrong_stem, "5A11")] {
            responses.insert(item.clone(), json!({"type": "icd11_coding", "code": code}));
        }
        responses.insert(tf.clone(), json!({"type": "true_false", "value": true}));
        let res = me.api(&h, Method::POST, &format!("/api/v1/attempts/{attempt}/submit"), Some(json!({"responses": responses}))).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v = body_json(res).await;
        let credit = |item: &str| v["result"]["items"].as_array().unwrap().iter().find(|i| i["item_id"] == item).unwrap()["credit"].as_u64().unwrap();
        assert_eq!(credit(&exact), 1000);
        assert_eq!(credit(&no_extension), 500, "the stem without its extension earns half");
        assert_eq!(credit(&wrong_extension), 500, "the stem with a wrong extension earns half");
        assert_eq!(credit(&wrong_stem), 0);
        assert_eq!(credit(&tf), 1000);
        // ICD.3: (2 + 1 + 1 + 0) of 8 points = 50%; overall 5 of 9 = 55.5% (rounded down).
        assert_eq!(v["result"]["percent"], 55.5);
        assert_eq!(v["result"]["passed"], false);
        let comps = v["result"]["competencies"].as_array().unwrap();
        assert_eq!(comps[0]["competency"], json!({"code": "ICD.3"}));
        assert_eq!((comps[0]["percent"].as_f64(), comps[0]["met_minimum"].as_bool()), (Some(50.0), Some(false)));
        assert_eq!((comps[1]["percent"].as_f64(), comps[1]["met_minimum"].as_bool()), (Some(100.0), Some(true)));
        let explanation = v["result"]["explanation"].as_str().unwrap();
        assert!(explanation.starts_with("Not passed") && explanation.contains("ICD.3 scored 50.0%, below its minimum of 75%"), "{explanation}");
        assert_eq!(v["feedback"].as_array().unwrap().len(), 5);
        assert!(v["items"].as_array().unwrap().is_empty());

        // The learner's result page says the same, competency by competency.
        let html = body_text(me.page(&h, &format!("/attempts/{attempt}")).await).await;
        assert!(html.contains("Not passed: 55.5%"), "{html}");
        assert!(html.contains("<td>ICD.3</td><td class=\"num\">50.0%</td><td class=\"num\">75%</td><td><strong>no</strong></td>"), "{html}");
        assert!(html.contains("below its minimum of 75%") && html.contains("Explained: the stem and its details"), "{html}");

        // Submitting again changes nothing and says why.
        let res = me.api(&h, Method::POST, &format!("/api/v1/attempts/{attempt}/submit"), Some(json!({"responses": {}}))).await;
        let p = problem(res, StatusCode::CONFLICT).await;
        assert!(p["detail"].as_str().unwrap().contains("already submitted"), "{p}");
        let mine = body_json(me.api(&h, Method::GET, &format!("/api/v1/assessments/{id}/attempts"), None).await).await;
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["percent"], 55.5);
    }

    async fn refusals_are_problems_that_say_when_to_try_again(db: TestDb) {
        let h = Harness::new(db);
        let author = provider(&h, "prov").await;
        for _ in 0..2 {
            create_item(&h, &author, "prov", json!({"competency": {"code": "C"}, "difficulty": "easy", "points": 1,
                "prompt": "True?", "kind": {"type": "true_false", "correct": true}})).await;
        }
        let id = published(&h, &author, "prov", json!({"blueprint": {"cells": [{"competency": {"code": "C"}, "difficulty": "easy", "count": 2}]},
            "cut_score_percent": 50, "time_limit_minutes": 5, "max_attempts": 2, "cooldown_minutes": 30})).await;
        let me = h.person("late@x.example").await;
        let started = start(&h, &me, &id).await;
        let attempt: uuid::Uuid = started["id"].as_str().unwrap().parse().unwrap();
        let mut tx = h.app.store.begin().await.unwrap();
        tx.conn().backdate_attempt(attempt, time::Duration::minutes(6)).await.unwrap();
        tx.commit().await.unwrap();
        let page = body_text(me.page(&h, &format!("/attempts/{attempt}")).await).await;
        assert!(page.contains("The time limit for this attempt has ended"), "{page}");
        let res = me.api(&h, Method::POST, &format!("/api/v1/attempts/{attempt}/submit"), Some(json!({"responses": {}}))).await;
        let p = problem(res, StatusCode::CONFLICT).await;
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains("time limit for this attempt ended") && detail.contains("You can start a new attempt from"), "{detail}");
        let res = me.api(&h, Method::POST, &format!("/api/v1/assessments/{id}/attempts"), None).await;
        let p = problem(res, StatusCode::CONFLICT).await;
        assert!(p["detail"].as_str().unwrap().contains("at least 30 minute(s) apart"), "{p}");
        // The introduction page says it in words, with no Start button.
        let html = body_text(me.page(&h, &format!("/assessments/{id}")).await).await;
        assert!(html.contains("You have 5 minute(s)") && html.contains("up to 2 attempts") && html.contains("at least 30 minute(s) apart"), "{html}");
        assert!(!html.contains(&format!("/assessments/{id}/start")), "{html}");
        // Bad answers are a clear problem, not a crash.
        let res = me.api(&h, Method::POST, &format!("/api/v1/attempts/{attempt}/submit"), Some(json!({"responses": {"x": 1}}))).await;
        assert!(res.status().is_client_error());
        assert_eq!(res.headers().get(header::CONTENT_TYPE).unwrap(), "application/problem+json");
    }

    async fn attempts_are_private_and_learners_write_no_items(db: TestDb) {
        let h = Harness::new(db);
        let author = provider(&h, "prov").await;
        let id = every_kind(&h, &author, "prov").await;
        let me = h.person("me@x.example").await;
        let other = h.person("other@x.example").await;
        let attempt = start(&h, &me, &id).await;
        let attempt = attempt["id"].as_str().unwrap().to_owned();
        problem(other.api(&h, Method::GET, &format!("/api/v1/attempts/{attempt}"), None).await, StatusCode::NOT_FOUND).await;
        problem(other.api(&h, Method::POST, &format!("/api/v1/attempts/{attempt}/submit"), Some(json!({"responses": {}}))).await, StatusCode::NOT_FOUND).await;
        assert_eq!(other.page(&h, &format!("/attempts/{attempt}")).await.status(), StatusCode::NOT_FOUND);
        let all = body_json(h.get(&format!("/api/v1/assessments/{id}/attempts?scope=all"), Some(&author)).await).await;
        assert_eq!(all.as_array().unwrap().len(), 1);
        problem(me.api(&h, Method::GET, &format!("/api/v1/assessments/{id}/attempts?scope=all"), None).await, StatusCode::FORBIDDEN).await;

        let learner_token = h.token("prov", Role::Learner).await;
        let item = json!({"competency": {"code": "K"}, "difficulty": "easy", "points": 1, "prompt": "p", "kind": {"type": "true_false", "correct": true}});
        problem(h.json(Method::POST, "/api/v1/orgs/prov/items", Some(&learner_token), item.clone()).await, StatusCode::FORBIDDEN).await;
        problem(h.get("/api/v1/orgs/prov/items", Some(&learner_token)).await, StatusCode::FORBIDDEN).await;
        problem(me.api(&h, Method::POST, "/api/v1/orgs/prov/items", Some(item)).await, StatusCode::FORBIDDEN).await;
        // A token acts for an organization, not a person: it cannot sit an assessment.
        problem(h.json(Method::POST, &format!("/api/v1/assessments/{id}/attempts"), Some(&learner_token), json!({})).await, StatusCode::UNAUTHORIZED).await;
        // Authors read their bank with its keys.
        let bank = body_json(h.get("/api/v1/orgs/prov/items?difficulty=easy", Some(&author)).await).await;
        assert_eq!(bank.as_array().unwrap().len(), 7);
        assert!(bank.to_string().contains("NC72.2&XK9K"));
        problem(h.get("/api/v1/orgs/prov/items?difficulty=expert", Some(&author)).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    }

    async fn learners_take_an_assessment_and_providers_build_one_in_the_browser(db: TestDb) {
        let h = Harness::new(db);
        provider(&h, "prov").await;
        let author = h.member("author@prov.example", "prov", Role::Author).await;

        let bank = body_text(author.page(&h, "/orgs/prov/items").await).await;
        assert!(bank.contains("Add an item") && bank.contains("No items yet"), "{bank}");
        let res = author.form(&h, "/orgs/prov/items", &[("kind", "icd11_coding"), ("competency", "ICD.3"), ("difficulty", "medium"), ("points", "2"),
            ("prompt", "Code it."), ("vignette", "Right femoral neck fracture."), ("expected", "NC72.2&XZ9Z")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body_text(res).await;
        assert!(page.contains("class=\"error\"") && page.contains("XZ9Z"), "{page}");
        for (kind, extra) in [
            ("icd11_coding", vec![("vignette", "Right femoral neck fracture."), ("expected", "NC72.2&XK9K")]),
            ("single_choice", vec![("options", "Aspirin\nMetformin\nWarfarin"), ("correct", "2")]),
            ("true_false", vec![("correct", "true")]),
        ] {
            let mut fields = vec![("kind", kind), ("competency", "ICD.3"), ("difficulty", "medium"), ("points", "2"), ("prompt", "Answer this.")];
            fields.extend(extra);
            let res = author.form(&h, "/orgs/prov/items", &fields).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{kind}: {}", body_text(res).await);
        }
        let bank = body_text(author.page(&h, "/orgs/prov/items").await).await;
        // The answer key as the table shows it (the form's hint holds an example code too).
        assert!(bank.contains("<td>NC72.2&#38;XK9K</td>") && bank.contains("Metformin"), "{bank}");

        let res = author.form(&h, "/orgs/prov/assessments", &[("title", "Coding check"), ("blueprint", "ICD.3 medium 4"), ("cut_score_percent", "70")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("add 1 more"));
        let res = author.form(&h, "/orgs/prov/assessments", &[("title", "Coding check"), ("blueprint", "ICD.3 medium three"), ("cut_score_percent", "70")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("not a whole number"));
        let res = author.form(&h, "/orgs/prov/assessments", &[("title", "Coding check"), ("blueprint", "ICD.3 medium 3"), ("cut_score_percent", "70"), ("time_limit_minutes", "15")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let list = body_text(author.page(&h, "/orgs/prov/assessments").await).await;
        let id = list.split("href=\"/assessments/").nth(1).unwrap().split('"').next().unwrap().to_owned();
        assert!(list.contains(">draft<"), "{list}");
        let res = author.form(&h, &format!("/assessments/{id}/publish"), &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        let me = h.person("browser@x.example").await;
        let intro = body_text(me.page(&h, &format!("/assessments/{id}")).await).await;
        assert!(intro.contains("3 question(s)") && intro.contains("You have 15 minute(s)") && intro.contains("score at least 70%"), "{intro}");
        let res = me.form(&h, &format!("/assessments/{id}/start"), &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let at = location(&res);
        let page = body_text(me.page(&h, &at).await).await;
        assert!(!page.contains("XK9K") && page.contains("Right femoral neck fracture."), "{page}");
        let attempt = at.trim_start_matches("/attempts/").to_owned();
        let view = h.app.attempt(&Principal::system(), attempt.parse().unwrap()).await.unwrap();
        let mut answers: Vec<(String, String)> = Vec::new();
        for item in &view.items {
            let name = format!("r-{}", item.item_id);
            match &item.body {
                cairn_core::assessment::PublicBody::Icd11Coding { .. } => answers.push((name, "NC72.2&XK9K".into())),
                cairn_core::assessment::PublicBody::SingleChoice { .. } => answers.push((name, "1".into())),
                _ => answers.push((name, "true".into())),
            }
        }
        let fields: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = me.form(&h, &format!("/attempts/{attempt}/submit"), &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let result = body_text(me.page(&h, &location(&res)).await).await;
        assert!(result.contains("Passed: 100.0%") && result.contains("By competency"), "{result}");
        // Sent again (a second click), the answers are refused with the reason.
        let res = me.form(&h, &format!("/attempts/{attempt}/submit"), &fields).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert!(body_text(res).await.contains("already submitted"));
        // The provider sees how the assessment is going, and can retire it.
        let intro = body_text(author.page(&h, &format!("/assessments/{id}")).await).await;
        assert!(intro.contains("1 attempt(s) started, 1 submitted, 1 passed"), "{intro}");
        let res = author.form(&h, &format!("/assessments/{id}/retire"), &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(me.page(&h, &format!("/assessments/{id}")).await.status(), StatusCode::NOT_FOUND);
        // A learner cannot open the provider's pages.
        assert_eq!(me.page(&h, "/orgs/prov/items").await.status(), StatusCode::FORBIDDEN);
    }

    async fn demo_modules_link_to_their_assessments(db: TestDb) {
        let h = Harness::new(db);
        h.app.seed_demo().await.unwrap();
        let found = body_json(h.get("/api/v1/catalog?q=postcoordination&limit=5", None).await).await;
        let module = found["modules"].as_array().unwrap().iter()
            .find(|m| m["title"] == "ICD-11 postcoordination: clusters with extension codes").unwrap()["module_id"].as_str().unwrap().to_owned();
        let page = body_text(h.get(&format!("/modules/{module}"), None).await).await;
        assert!(page.contains("ICD-11 postcoordination assessment"), "{page}");
        let id = page.split("href=\"/assessments/").nth(1).unwrap().split('"').next().unwrap().to_owned();
        // A newcomer: the demo's own learners already have attempts under way.
        let me = h.person("newcomer@riverside.example").await;
        let intro = body_text(me.page(&h, &format!("/assessments/{id}")).await).await;
        assert!(intro.contains("You also need at least 75% in competency ICD.3") && intro.contains(&format!("/assessments/{id}/start")), "{intro}");
        let v = start(&h, &me, &id).await;
        assert_eq!(v["items"].as_array().unwrap().len(), 5);
        assert!(v["items"].as_array().unwrap().iter().any(|i| i["body"]["type"] == "icd11_coding"), "{v}");
    }

    async fn assessment_and_evidence_pages_speak_french_when_the_browser_asks(db: TestDb) {
        let h = Harness::new(db);
        let token = provider(&h, "prov").await;
        let id = every_kind(&h, &token, "prov").await;
        let author = h.member("author@prov.example", "prov", Role::Author).await;
        let me = h.person("learner@people.example").await;
        let res = me.form(&h, &format!("/assessments/{id}/start"), &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let attempt = location(&res);

        let pages = [
            (&author, "/orgs/prov/items".to_owned(), "Item bank of Provider prov", "Banque de questions de Provider prov"),
            (&author, "/orgs/prov/assessments".to_owned(), "Create the draft", "Créer le brouillon"),
            (&author, format!("/assessments/{id}"), "For the provider", "Pour l’organisme de formation"),
            (&me, attempt.clone(), "Submit my answers", "Envoyer mes réponses"),
            (&me, "/evidence".to_owned(), "Your evidence", "Vos preuves"),
        ];
        for (who, path, en, fr) in pages {
            let english = page_in(&h, who, &path, "en-GB,en;q=0.8").await;
            let french = page_in(&h, who, &path, "fr-FR,fr;q=0.9,en;q=0.5").await;
            assert!(english.contains("<html lang=\"en\">") && english.contains(en) && !english.contains(fr), "{path}: {english}");
            assert!(french.contains("<html lang=\"fr\">") && french.contains(fr) && !french.contains(en), "{path}: {french}");
            // A message id the catalog lacks would show as itself.
            for page in [&english, &french] {
                for id in ["assess-", "evidence-mine-title", "evidence-submit-title"] {
                    assert!(!page.contains(id), "{path} shows the message id {id}: {page}");
                }
            }
        }

        // Words built in the server follow the page's language too.
        let bank = page_in(&h, &author, "/orgs/prov/items", "fr").await;
        assert!(bank.contains("<td>facile</td><td>choix unique</td>") && bank.contains("Ajouter la question"), "{bank}");
        let list = page_in(&h, &author, "/orgs/prov/assessments", "fr").await;
        assert!(list.contains(">publiée<") && list.contains("Seuil de réussite"), "{list}");
        let page = page_in(&h, &me, &attempt, "fr").await;
        assert!(page.contains("Envoyez vos réponses avant le") && page.contains("Choisissez une réponse.")
            && page.contains(">Vrai</label>") && page.contains("(2 points)") && page.contains("(1 point)"), "{page}");
        // An answer sheet refused in French says why in French.
        let res = h.send(axum::http::Request::post("/orgs/prov/items")
            .header(header::COOKIE, &author.cookie)
            .header(header::ACCEPT_LANGUAGE, "fr")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!("csrf={}&kind=single_choice&competency=K&difficulty=easy&points=1&prompt=Q&options=a%0Ab&correct=3", form_encode(&author.csrf))))
            .unwrap()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused = body_text(res).await;
        assert!(refused.contains("n’est pas un numéro d’option de 1 à 2"), "{refused}");
    }
}
