//! Evidence rules over xAPI statements, over HTTP: an issuer's admin makes an xAPI module
//! and a badge whose rule is "passed any activity of the module with a scaled score of at
//! least 0.8"; statements posted with an LRS key award it to the learner who passed, and
//! neither a voided statement nor a low score does.

use axum::http::{Method, StatusCode};
use cairn_app::orgs::NewOrg;
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::*;

const MODULE_IRI: &str = "https://courses.example.org/hand-hygiene";
const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";

/// Standard base64 with padding, for the Basic header.
fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from_be_bytes([0, b[0], b[1], b[2]]);
        for i in 0..4 {
            let c = T[((n >> (18 - 6 * i)) & 63) as usize] as char;
            out.push(if i <= chunk.len() { c } else { '=' });
        }
    }
    out
}

/// Basic credentials of a new LRS key of the council, made by its admin.
async fn lrs_key(h: &Harness, admin: &str) -> String {
    let res = h
        .json(
            Method::POST,
            "/api/v1/orgs/council/lrs-keys",
            Some(admin),
            json!({"name": "cmi5 player"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body = body_json(res).await;
    let pair = format!(
        "{}:{}",
        body["key"]["id"].as_str().unwrap(),
        body["secret"].as_str().unwrap()
    );
    format!("Basic {}", base64(pair.as_bytes()))
}

async fn post_statements(h: &Harness, basic: &str, batch: Value) {
    let req = axum::http::Request::post("/xapi/statements")
        .header(axum::http::header::AUTHORIZATION, basic)
        .header("X-Experience-API-Version", "2.0.0")
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(batch.to_string()))
        .unwrap();
    let res = h.send(req).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);
}

/// `email` passed an assessment inside the module (its grouping) with this scaled score.
fn passed(email: &str, scaled: f64) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "actor": {"objectType": "Agent", "mbox": format!("mailto:{email}")},
        "verb": {"id": PASSED, "display": {"en-US": "passed"}},
        "object": {"objectType": "Activity", "id": "https://lms.example.org/au/hand-hygiene-quiz",
                   "definition": {"name": {"en-US": "Hand hygiene quiz"}}},
        "result": {"score": {"scaled": scaled}, "success": scaled >= 0.8, "completion": true},
        "context": {"contextActivities": {"grouping": [{"id": MODULE_IRI}]}},
        "timestamp": "2026-11-02T09:30:00Z"
    })
}

fn voiding(target: &Value) -> Value {
    json!({
        "actor": {"mbox": "mailto:lms@council.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target["id"]}
    })
}

async fn awards(h: &Harness, who: &Person) -> Vec<Value> {
    let res = who.api(h, Method::GET, "/api/v1/me/awards", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await.as_array().unwrap().clone()
}

backend_tests! {
    async fn statements_with_a_passing_score_award_the_module_badge_and_voided_ones_do_not(db: TestDb) {
        let h = Harness::new(db);
        h.app
            .create_org(&Principal::system(), NewOrg {
                slug: Some("council".into()),
                name: "Regional Council".into(),
                kinds: vec![OrgKind::Provider, OrgKind::Issuer],
            })
            .await
            .unwrap();
        let admin = h.token("council", Role::Admin).await;

        // The admin makes the xAPI module M and publishes it.
        let res = h.json(Method::POST, "/api/v1/orgs/council/modules", Some(&admin), json!({
            "title": "Hand hygiene", "summary": "The five moments, practised in the simulator.",
            "objectives": ["Clean hands at the five moments"], "duration_minutes": 15, "language": "en",
            "format": "xapi", "activity_iri": MODULE_IRI, "alignments": [], "tags": [], "pages": [], "questions": []
        })).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", body_text(res).await);
        let module = body_json(res).await["module_id"].as_str().unwrap().to_owned();
        let res = h.json(Method::POST, &format!("/api/v1/modules/{module}/publish"), Some(&admin), json!({})).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);

        // A rule with an activity that is not an IRI is refused, naming it.
        let badge = |rule: Value| json!({
            "kind": "badge", "name": "Hand Hygiene", "description": "Cleans hands at the five moments.",
            "criteria": "Pass the module's quiz with at least 80%.", "spec": {"rule": rule}
        });
        let res = h.json(Method::POST, "/api/v1/orgs/council/achievements", Some(&admin),
            badge(json!({"type": "xapi_statement", "verb": PASSED, "activity_id": "hand hygiene quiz"}))).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem = body_text(res).await;
        assert!(problem.contains("is not an absolute IRI"), "{problem}");
        let res = h.json(Method::POST, "/api/v1/orgs/council/achievements", Some(&admin),
            badge(json!({"type": "xapi_statement", "verb": PASSED, "module_id": module, "min_scaled": 0.8}))).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", body_text(res).await);
        let achievement = body_json(res).await;
        assert_eq!(achievement["spec"]["rule"]["min_scaled"], 0.8, "{achievement}");
        let achievement_id = achievement["id"].as_str().unwrap().to_owned();

        let one = h.member("one@council.example", "council", Role::Learner).await;
        let two = h.member("two@council.example", "council", Role::Learner).await;
        let three = h.member("three@council.example", "council", Role::Learner).await;
        let four = h.member("four@council.example", "council", Role::Learner).await;
        let basic = lrs_key(&h, &admin).await;

        // One batch: learner 1 passes with 0.9; learner 2 passes with 0.9 but the statement
        // is voided in the same batch; learner 3 scores 0.5.
        let s1 = passed("one@council.example", 0.9);
        let s2 = passed("two@council.example", 0.9);
        let s3 = passed("three@council.example", 0.5);
        post_statements(&h, &basic, json!([s1.clone(), s2.clone(), voiding(&s2), s3])).await;
        // Learner 4's statement was voided before it arrived.
        let s4 = passed("four@council.example", 0.95);
        post_statements(&h, &basic, json!([voiding(&s4)])).await;
        post_statements(&h, &basic, json!([s4])).await;

        let got = awards(&h, &one).await;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["achievement_id"], achievement_id.as_str());
        assert_eq!(got[0]["state"], "issued", "{got:?}");
        for who in [&two, &three, &four] {
            assert_eq!(awards(&h, who).await, Vec::<Value>::new());
        }

        // The credential's evidence is the statement, and it verifies.
        let credential_id = got[0]["credential_id"].as_str().unwrap();
        let credential = body_json(h.get(&format!("/credentials/{credential_id}.json"), None).await).await;
        let evidence = &credential["evidence"][0];
        assert_eq!(evidence["id"], format!("urn:uuid:{}", s1["id"].as_str().unwrap()));
        assert_eq!(evidence["genre"], "xAPI statement");
        assert_eq!(evidence["name"], "xAPI: passed \"Hand hygiene quiz\"");
        assert!(evidence["description"].as_str().unwrap().contains(s1["id"].as_str().unwrap()), "{evidence}");
        assert_eq!(credential["credentialSubject"]["result"][0]["value"], "90.0");
        let report = h.app.verify_value(credential).await.unwrap();
        assert!(report.verified, "{report:?}");
    }
}
