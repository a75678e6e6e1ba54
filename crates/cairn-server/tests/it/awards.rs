//! From an assessment to a signed credential, over HTTP: the award rules, exactly once under
//! concurrent submissions, the chain behind a credential, and verification by the
//! independent OB 3.0 verifier.

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use cairn_app::orgs::NewOrg;
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::{Value, json};

use crate::*;

/// An organization that teaches and issues ("council"): (author token, admin token).
async fn council(h: &Harness) -> (String, String) {
    h.app
        .create_org(
            &Principal::system(),
            NewOrg {
                slug: Some("council".into()),
                name: "Regional Council".into(),
                kinds: vec![OrgKind::Provider, OrgKind::Issuer],
            },
        )
        .await
        .unwrap();
    (
        h.token("council", Role::Author).await,
        h.token("council", Role::Admin).await,
    )
}

/// A published lesson module of the council; its id.
async fn module(h: &Harness, author: &str) -> String {
    let content = json!({
        "title": "Coding pneumonia in ICD-11", "summary": "Stem codes and extensions for pneumonia.",
        "objectives": ["Choose the stem code"], "duration_minutes": 10, "language": "en", "format": "lesson",
        "alignments": [], "tags": [],
        "pages": [{"title": "Stems", "markdown": "CA40 is pneumonia."}], "questions": []
    });
    let res = h
        .json(
            Method::POST,
            "/api/v1/orgs/council/modules",
            Some(author),
            content,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = body_json(res).await["module_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/modules/{id}/publish"),
            Some(author),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    id
}

/// Items whose prompts say their answer, so a test can answer right or wrong on purpose.
/// Returns prompt → the right response.
async fn items(h: &Harness, author: &str, competency: &str, n: usize) -> HashMap<String, Value> {
    let mut keys = HashMap::new();
    for i in 0..n {
        let prompt = format!("{competency} question {i}");
        let correct = i % 3;
        let item = json!({"competency": {"code": competency}, "difficulty": "easy", "points": 1, "prompt": prompt,
            "kind": {"type": "single_choice", "options": ["First", "Second", "Third"], "correct": correct}});
        let res = h
            .json(
                Method::POST,
                "/api/v1/orgs/council/items",
                Some(author),
                item,
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            body_text(res).await
        );
        keys.insert(prompt, json!({"type": "single_choice", "choice": correct}));
    }
    keys
}

async fn assessment(
    h: &Harness,
    author: &str,
    title: &str,
    module: Option<&str>,
    rules: Value,
) -> String {
    let res = h.json(Method::POST, "/api/v1/orgs/council/assessments", Some(author),
        json!({"title": title, "description": "Code the cases.", "module_id": module, "rules": rules})).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        body_text(res).await
    );
    let id = body_json(res).await["id"].as_str().unwrap().to_owned();
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/assessments/{id}/publish"),
            Some(author),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    id
}

async fn achievement(h: &Harness, admin: &str, name: &str, rule: Value) -> String {
    achievement_aligned(h, admin, name, rule, json!([])).await
}

async fn achievement_aligned(
    h: &Harness,
    admin: &str,
    name: &str,
    rule: Value,
    alignments: Value,
) -> String {
    let res = h
        .json(
            Method::POST,
            "/api/v1/orgs/council/achievements",
            Some(admin),
            json!({
                "kind": "badge", "name": name,
                "description": "Codes pneumonia cases in ICD-11.",
                "criteria": "Pass the coding assessment.",
                "spec": {"rule": rule, "validity_days": 730, "alignments": alignments}
            }),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        body_text(res).await
    );
    body_json(res).await["id"].as_str().unwrap().to_owned()
}

/// Start an attempt and answer it: rightly from `keys`, or with a wrong choice when `right`
/// is false. Returns the submission's response body.
async fn take(
    h: &Harness,
    who: &Person,
    assessment: &str,
    keys: &HashMap<String, Value>,
    right: bool,
) -> Value {
    let res = who
        .api(
            h,
            Method::POST,
            &format!("/api/v1/assessments/{assessment}/attempts"),
            None,
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        body_text(res).await
    );
    let attempt = body_json(res).await;
    let mut responses = serde_json::Map::new();
    for item in attempt["items"].as_array().unwrap() {
        let mut r = keys[item["prompt"].as_str().unwrap()].clone();
        if !right {
            r["choice"] = json!((r["choice"].as_u64().unwrap() + 1) % 3);
        }
        responses.insert(item["item_id"].as_str().unwrap().to_owned(), r);
    }
    let id = attempt["id"].as_str().unwrap();
    let res = who
        .api(
            h,
            Method::POST,
            &format!("/api/v1/attempts/{id}/submit"),
            Some(json!({"responses": responses})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);
    body_json(res).await
}

/// The reference harness's `run` copies its sources into one cache folder on every call, so
/// two calls at once can collide ("File exists"); tests in this binary take turns.
pub(crate) static HARNESS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// What the independent verifier says of a credential, given the issuer's DID document and
/// status list as this server serves them. None when the harness is not available.
async fn reference_verifier(h: &Harness, credential: &Value) -> Option<(bool, String)> {
    reference_verifier_with(h, credential, true).await
}

/// [`reference_verifier`]; `schema`: also check the OB 3.0 JSON Schema (for achievement
/// credentials, not transcripts). The CLR 2.0 context, which the harness does not bundle,
/// is given to it as a document (the published bytes, with an `id` for its loader).
pub(crate) async fn reference_verifier_with(
    h: &Harness,
    credential: &Value,
    schema: bool,
) -> Option<(bool, String)> {
    let interop = cairn_store::testing::interop_harness()?;
    let dir = tempfile::tempdir().unwrap();
    let issuer = credential["issuer"]["id"].as_str().unwrap();
    let slug = issuer.rsplit(':').next().unwrap();
    let did = body_json(h.get(&format!("/orgs/{slug}/did.json"), None).await).await;
    if let Some(list_url) = credential["credentialStatus"]["statusListCredential"].as_str() {
        let list_path = list_url
            .split_once("://")
            .unwrap()
            .1
            .split_once('/')
            .unwrap()
            .1;
        let list = body_json(h.get(&format!("/{list_path}"), None).await).await;
        std::fs::write(dir.path().join("status.json"), list.to_string()).unwrap();
    }
    std::fs::write(dir.path().join("did.json"), did.to_string()).unwrap();
    // The offline loader finds documents by their exact id, so each verification method
    // (a fragment of the DID document) is given as a document of its own too.
    for (i, vm) in did["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let mut doc = vm.clone();
        doc["@context"] = did["@context"].clone();
        std::fs::write(dir.path().join(format!("vm-{i}.json")), doc.to_string()).unwrap();
    }
    let clr = cairn_vc::contexts::CLR_V2P0_1;
    let mut context: Value =
        serde_json::from_str(cairn_vc::contexts::bundled_context(clr).unwrap()).unwrap();
    context["id"] = clr.into();
    std::fs::write(dir.path().join("clr-context.json"), context.to_string()).unwrap();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), credential.to_string()).unwrap();
    let mut cmd = std::process::Command::new(interop.join("run"));
    cmd.arg("verify.js").arg(file.path());
    if schema {
        cmd.arg("--schema");
    }
    let out = {
        let _turn = HARNESS.lock().unwrap_or_else(|e| e.into_inner());
        cmd.arg("--docs").arg(dir.path()).output().unwrap()
    };
    Some((
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    ))
}

/// A stacked achievement of the council over these parts ("all of"); its id.
async fn stacked(h: &Harness, admin: &str, kind: &str, name: &str, parts: &[&str]) -> String {
    let of: Vec<Value> = parts
        .iter()
        .map(|p| json!({"type": "holds", "achievement_id": p}))
        .collect();
    let res = h.json(Method::POST, "/api/v1/orgs/council/achievements", Some(admin), json!({
        "kind": kind, "name": name, "description": format!("{name}: a stack."), "criteria": format!("Hold every part of {name}."),
        "spec": {"stack": {"rule": {"type": "all_of", "of": of}}, "validity_days": 730}})).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        body_text(res).await
    );
    body_json(res).await["id"].as_str().unwrap().to_owned()
}

backend_tests! {
    async fn the_last_badge_completes_a_micro_credential_and_a_nano_degree_in_one_request(db: TestDb) {
        let h = Harness::with_config(db, |c| c.platform_issuer = Some("council".into()));
        let (author, admin) = council(&h).await;
        let module = module(&h, &author).await;
        let keys = items(&h, &author, "CODE.1", 3).await;
        let test = assessment(&h, &author, "Extension codes check", Some(&module), json!({
            "blueprint": {"cells": [{"competency": {"code": "CODE.1"}, "difficulty": "easy", "count": 3}]},
            "cut_score_percent": 60, "time_limit_minutes": 20, "max_attempts": 3})).await;
        let stems = achievement(&h, &admin, "Stem Codes", json!({"type": "completed_module", "module_id": module})).await;
        let extensions = achievement(&h, &admin, "Extension Codes", json!({"type": "passed_assessment", "assessment_id": test})).await;
        let micro = stacked(&h, &admin, "micro_credential", "ICD-11 Coding", &[&stems, &extensions]).await;
        // A diamond: the nano-degree needs the micro-credential and, again, the stem badge.
        let nano = stacked(&h, &admin, "nano_degree", "ICD-11 Coding Professional", &[&micro, &stems]).await;
        // A stack naming itself through another is refused, naming the cycle.
        let res = h.json(Method::PUT, &format!("/api/v1/orgs/council/achievements/{micro}"), Some(&admin), json!({
            "kind": "micro_credential", "name": "ICD-11 Coding", "description": "x", "criteria": "x",
            "spec": {"stack": {"rule": {"type": "holds", "achievement_id": nano}}}})).await;
        let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains("\"ICD-11 Coding\" → \"ICD-11 Coding Professional\" → \"ICD-11 Coding\"")
            || detail.contains("\"ICD-11 Coding Professional\" → \"ICD-11 Coding\" → \"ICD-11 Coding Professional\""), "{p}");

        let learner = h.person("learner@learners.example").await;
        // The first badge: the module read to the end.
        let version = body_json(h.get(&format!("/api/v1/modules/{module}"), None).await).await;
        let version_id = version["published"]["id"].as_str().unwrap().to_owned();
        let res = learner.api(&h, Method::PUT, &format!("/api/v1/module-versions/{version_id}/progress"), Some(json!({"page_reached": 1}))).await;
        assert!(res.status().is_success(), "{}", body_text(res).await);
        let held = |v: &Value| v.as_array().unwrap().iter().map(|c| c["achievement_id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
        let creds = body_json(learner.api(&h, Method::GET, "/api/v1/me/credentials", None).await).await;
        assert_eq!(held(&creds), vec![stems.clone()], "{creds}");

        // The last badge: passing the assessment. When the submission returns, the badge,
        // the micro-credential and the nano-degree are all issued.
        let passed = take(&h, &learner, &test, &keys, true).await;
        assert_eq!(passed["result"]["passed"], true, "{passed}");
        let creds = body_json(learner.api(&h, Method::GET, "/api/v1/me/credentials", None).await).await;
        let mut got = held(&creds);
        got.sort();
        let mut want = vec![stems.clone(), extensions.clone(), micro.clone(), nano.clone()];
        want.sort();
        assert_eq!(got, want, "{creds}");
        let awards = body_json(learner.api(&h, Method::GET, "/api/v1/me/awards", None).await).await;
        for stack in [&micro, &nano] {
            let award = awards.as_array().unwrap().iter().find(|a| a["achievement_id"] == json!(stack)).unwrap();
            assert_eq!(award["state"], "issued", "{award}");
            let credential_id = award["credential_id"].as_str().unwrap();
            let credential = body_json(h.get(&format!("/credentials/{credential_id}.json"), None).await).await;
            assert!(credential["evidence"].as_array().unwrap().iter().all(|e| e["genre"] == "Credential"), "{credential:#}");
            if let Some((ok, out)) = reference_verifier(&h, &credential).await {
                assert!(ok, "the reference verifier rejected a stacked credential:\n{out}\n{credential:#}");
            }
        }

        // The learner's CLR holds all four, with the stacks' parts as isChildOf, and
        // verifies with the reference verifier.
        let res = learner.api(&h, Method::GET, "/api/v1/me/clr", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let clr = body_json(res).await;
        assert_eq!(clr["type"], json!(["VerifiableCredential", "ClrCredential"]));
        assert_eq!(clr["credentialSubject"]["verifiableCredential"].as_array().unwrap().len(), 4);
        let associations = clr["credentialSubject"]["association"].as_array().unwrap();
        let pairs: Vec<(String, String)> = associations.iter().map(|a| {
            assert_eq!(a["associationType"], "isChildOf");
            (a["sourceId"].as_str().unwrap().rsplit('/').next().unwrap().to_owned(), a["targetId"].as_str().unwrap().rsplit('/').next().unwrap().to_owned())
        }).collect();
        for pair in [(&stems, &micro), (&extensions, &micro), (&micro, &nano), (&stems, &nano)] {
            assert!(pairs.contains(&(pair.0.clone(), pair.1.clone())), "{pair:?} missing from {pairs:?}");
        }
        assert_eq!(pairs.len(), 4);
        if let Some((ok, out)) = reference_verifier_with(&h, &clr, false).await {
            assert!(ok, "the reference verifier rejected the CLR:\n{out}");
        }
        // Without a platform issuer a transcript cannot be signed, and the answer says so.
        let plain = Harness::new(cairn_store::testing::TestDb::sqlite().await);
        let someone = plain.person("someone@learners.example").await;
        let p = problem(someone.api(&plain, Method::GET, "/api/v1/me/clr", None).await, StatusCode::SERVICE_UNAVAILABLE).await;
        assert!(p["detail"].as_str().unwrap().contains("--platform-issuer"), "{p}");
    }

    async fn passing_a_module_s_assessment_earns_a_credential_that_verifies_elsewhere(db: TestDb) {
        let h = Harness::new(db);
        let (author, admin) = council(&h).await;
        let module = module(&h, &author).await;
        let mut keys = items(&h, &author, "CODE.1", 4).await;
        keys.extend(items(&h, &author, "CODE.2", 2).await);
        let test = assessment(&h, &author, "Pneumonia coding check", Some(&module), json!({
            "blueprint": {"cells": [
                {"competency": {"code": "CODE.1"}, "difficulty": "easy", "count": 4},
                {"competency": {"code": "CODE.2"}, "difficulty": "easy", "count": 2}]},
            "cut_score_percent": 75, "time_limit_minutes": 20, "max_attempts": 3,
            "competency_minimums": [{"competency": {"code": "CODE.2"}, "percent": 50}]
        })).await;
        // The badge proves a competency of the shipped framework; one that is in no
        // loaded framework is refused.
        let framework = h.app.import_builtin_framework(&Principal::system(), None).await.unwrap();
        let competency = {
            let mut r = h.app.store.reader().await.unwrap();
            r.conn().find_competency("ICD.3", &framework.identifier).await.unwrap().unwrap()
        };
        let ghost = json!([{"competency_id": uuid::Uuid::now_v7(), "level": 3}]);
        let res = h.json(Method::POST, "/api/v1/orgs/council/achievements", Some(&admin), json!({
            "kind": "badge", "name": "Ghost", "description": "x", "criteria": "x", "spec": {"alignments": ghost}})).await;
        problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        let badge = achievement_aligned(&h, &admin, "Pneumonia Coding", json!({"type": "passed_assessment", "assessment_id": test}),
            json!([{"competency_id": competency, "level": 3}])).await;

        // A learner who fails gets no credential, and sees where they fell short.
        let failer = h.person("fails@learners.example").await;
        let failed = take(&h, &failer, &test, &keys, false).await;
        assert_eq!(failed["result"]["passed"], false);
        let competencies = failed["result"]["competencies"].as_array().unwrap();
        assert_eq!(competencies.len(), 2);
        assert!(competencies.iter().all(|c| c["percent"] == 0.0), "{competencies:?}");
        assert_eq!(competencies[1]["met_minimum"], false);
        assert!(failed["result"]["explanation"].as_str().unwrap().contains("CODE.2"), "{failed}");
        let awards = body_json(failer.api(&h, Method::GET, "/api/v1/me/awards", None).await).await;
        assert_eq!(awards, json!([]));
        let creds = body_json(failer.api(&h, Method::GET, "/api/v1/me/credentials", None).await).await;
        assert_eq!(creds, json!([]));

        // A learner who passes receives the credential at once.
        let passer = h.person("passes@learners.example").await;
        let passed = take(&h, &passer, &test, &keys, true).await;
        assert_eq!(passed["result"]["passed"], true, "{passed}");
        let awards = body_json(passer.api(&h, Method::GET, "/api/v1/me/awards", None).await).await;
        let award = &awards.as_array().unwrap()[0];
        assert_eq!((award["state"].as_str(), award["achievement_id"].as_str()), (Some("issued"), Some(badge.as_str())));
        assert!(award["explanation"].as_str().unwrap().contains("passed assessment \"Pneumonia coding check\""), "{award}");
        let credential_id = award["credential_id"].as_str().unwrap();

        // The credential states what was done and how well.
        let credential = body_json(h.get(&format!("/credentials/{credential_id}.json"), None).await).await;
        assert_eq!(credential["evidence"][0]["genre"], "Assessment");
        assert_eq!(credential["evidence"][0]["name"], "Assessment: Pneumonia coding check, attempt 1");
        let result = &credential["credentialSubject"]["result"][0];
        assert_eq!(result["value"], "100.0");
        let described = &credential["credentialSubject"]["achievement"]["resultDescription"][0];
        assert_eq!((described["id"].as_str(), described["resultType"].as_str()), (result["resultDescription"].as_str(), Some("Percent")));
        assert!(credential["validUntil"].is_string());
        let alignment = &credential["credentialSubject"]["achievement"]["alignment"][0];
        assert_eq!((alignment["targetCode"].as_str(), alignment["targetType"].as_str()), (Some("ICD.3"), Some("CFItem")));
        assert!(alignment["targetUrl"].as_str().unwrap().starts_with("http"), "{alignment}");

        // The learner sees the chain of decisions behind it.
        let chain = body_json(passer.api(&h, Method::GET, &format!("/api/v1/credentials/{credential_id}/chain"), None).await).await;
        let actions: Vec<&str> = chain["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        for a in ["attempt.score", "award.decide", "credential.issue", "award.issue"] {
            assert!(actions.contains(&a), "{a} missing from {actions:?}");
        }
        let page = body_text(passer.page(&h, &format!("/credentials/{credential_id}/chain")).await).await;
        assert!(page.contains("Attempt submitted and scored") && page.contains("Pneumonia coding check"), "{page}");
        let res = failer.api(&h, Method::GET, &format!("/api/v1/credentials/{credential_id}/chain"), None).await;
        problem(res, StatusCode::FORBIDDEN).await;

        // Passing again changes nothing: one active credential per learner and achievement.
        take(&h, &passer, &test, &keys, true).await;
        let awards = body_json(passer.api(&h, Method::GET, "/api/v1/me/awards", None).await).await;
        assert_eq!(awards.as_array().unwrap().len(), 1);

        // The issuer's admins see every award and why it was made; learners may not.
        let admin_person = h.person("admin@council.example").await;
        h.app
            .add_member(&Principal::system(), "council", cairn_app::orgs::NewMember {
                email: "admin@council.example".into(), display_name: None, role: Role::Admin, job_title: None,
            })
            .await
            .unwrap();
        let page = body_text(admin_person.page(&h, "/orgs/council/awards").await).await;
        assert!(page.contains("Pneumonia Coding") && page.contains("Person passes"), "{page}");
        // Each issued credential links to the page where its status is changed.
        let status_page = format!("/orgs/council/credentials/{credential_id}/status");
        assert!(page.contains(&format!("href=\"{status_page}\">Change status")), "{page}");
        assert_eq!(admin_person.page(&h, &status_page).await.status(), StatusCode::OK);
        assert_eq!(passer.page(&h, "/orgs/council/awards").await.status(), StatusCode::FORBIDDEN);

        // And the wider ecosystem's verifier accepts it, schema included.
        if let Some((ok, out)) = reference_verifier(&h, &credential).await {
            assert!(ok, "the reference verifier rejected an awarded credential:\n{out}\n{credential:#}");
        }
    }

    async fn twenty_simultaneous_submissions_that_each_meet_the_rule_yield_one_credential(db: TestDb) {
        let h = std::sync::Arc::new(Harness::new(db));
        let (author, admin) = council(&h).await;
        let keys = items(&h, &author, "CODE.1", 1).await;
        let mut tests = Vec::new();
        for i in 0..20 {
            tests.push(assessment(&h, &author, &format!("Check {i}"), None, json!({
                "blueprint": {"cells": [{"competency": {"code": "CODE.1"}, "difficulty": "easy", "count": 1}]},
                "cut_score_percent": 100
            })).await);
        }
        let rule = json!({"type": "any", "of": tests.iter().map(|t| json!({"type": "passed_assessment", "assessment_id": t})).collect::<Vec<_>>()});
        let badge = achievement(&h, &admin, "Any check", rule).await;
        let learner = std::sync::Arc::new(h.person("racer@learners.example").await);

        // Twenty attempts open at once, one per assessment, all answered rightly…
        let mut submissions = Vec::new();
        for t in &tests {
            let res = learner.api(&h, Method::POST, &format!("/api/v1/assessments/{t}/attempts"), None).await;
            let attempt = body_json(res).await;
            let item = &attempt["items"][0];
            let responses = json!({item["item_id"].as_str().unwrap(): keys[item["prompt"].as_str().unwrap()]});
            submissions.push((attempt["id"].as_str().unwrap().to_owned(), responses));
        }
        // …and submitted simultaneously.
        let tasks: Vec<_> = submissions
            .into_iter()
            .map(|(id, responses)| {
                let (h, learner) = (h.clone(), learner.clone());
                tokio::spawn(async move {
                    let res = learner.api(&h, Method::POST, &format!("/api/v1/attempts/{id}/submit"), Some(json!({"responses": responses}))).await;
                    assert_eq!(res.status(), StatusCode::OK);
                    body_json(res).await["result"]["passed"].as_bool().unwrap()
                })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap());
        }
        let awards = body_json(learner.api(&h, Method::GET, "/api/v1/me/awards", None).await).await;
        let awards = awards.as_array().unwrap();
        assert_eq!(awards.len(), 1, "{awards:?}");
        assert_eq!((awards[0]["state"].as_str(), awards[0]["achievement_id"].as_str()), (Some("issued"), Some(badge.as_str())));
        let issuer = body_json(h.get("/api/v1/orgs/council/credentials", Some(&admin)).await).await;
        let for_badge = issuer["credentials"].as_array().unwrap().iter().filter(|c| c["achievement_id"] == badge.as_str()).count();
        assert_eq!(for_badge, 1, "{issuer}");
    }
}
