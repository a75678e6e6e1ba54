use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cairn_store::backend_tests;
use serde_json::json;

use crate::*;

backend_tests! {
    async fn health_and_readiness(db: TestDb) {
        let h = Harness::new(db);
        assert_eq!(h.get("/healthz", None).await.status(), StatusCode::OK);
        assert_eq!(h.get("/readyz", None).await.status(), StatusCode::OK);
    }

    async fn openapi_document_is_3_1_and_lists_the_api(db: TestDb) {
        let h = Harness::new(db);
        let res = h.get("/api/openapi.json", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let doc = body_json(res).await;
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
        for path in ["/api/v1/me", "/api/v1/orgs", "/api/v1/orgs/{slug}", "/api/v1/orgs/{slug}/members", "/api/v1/orgs/{slug}/tokens", "/api/v1/orgs/{slug}/audit"] {
            assert!(doc["paths"][path].is_object(), "missing {path}");
        }
        assert!(doc["components"]["schemas"]["Problem"].is_object());
    }

    async fn token_of_one_organization_is_refused_in_another(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        h.org("beta").await;
        let res = h.get("/api/v1/orgs/alpha/members", Some(&a.admin_token)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v = body_json(res).await;
        assert_eq!(v["total"], 1);
        let v = problem(h.get("/api/v1/orgs/beta/members", Some(&a.admin_token)).await, StatusCode::FORBIDDEN).await;
        assert!(v["detail"].as_str().unwrap().contains("not a member"), "{v}");
        problem(h.get("/api/v1/orgs/beta", Some(&a.admin_token)).await, StatusCode::FORBIDDEN).await;
    }

    async fn learner_cannot_call_admin_endpoints(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        assert_eq!(h.get("/api/v1/orgs/alpha", Some(&a.learner_token)).await.status(), StatusCode::OK);
        let v = problem(h.get("/api/v1/orgs/alpha/tokens", Some(&a.learner_token)).await, StatusCode::FORBIDDEN).await;
        assert!(v["detail"].as_str().unwrap().contains("admin"), "{v}");
        let res = h.json(Method::POST, "/api/v1/orgs/alpha/members", Some(&a.learner_token), json!({"email": "x@alpha.example", "display_name": "X", "role": "admin"})).await;
        problem(res, StatusCode::FORBIDDEN).await;
        let res = h.json(Method::POST, "/api/v1/orgs", Some(&a.admin_token), json!({"name": "Mine"})).await;
        problem(res, StatusCode::FORBIDDEN).await;
    }

    async fn missing_or_bad_credentials_are_401(db: TestDb) {
        let h = Harness::new(db);
        let res = h.get("/api/v1/me", None).await;
        assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));
        problem(res, StatusCode::UNAUTHORIZED).await;
        problem(h.get("/api/v1/me", Some("cairn_not-a-real-token")).await, StatusCode::UNAUTHORIZED).await;
        let req = Request::get("/api/v1/me").header(header::AUTHORIZATION, "Basic abc").body(Body::empty()).unwrap();
        problem(h.send(req).await, StatusCode::UNAUTHORIZED).await;
        let req = Request::get("/api/v1/me").header(header::COOKIE, "cairn_session=forged").body(Body::empty()).unwrap();
        problem(h.send(req).await, StatusCode::UNAUTHORIZED).await;
    }

    async fn malformed_and_oversized_bodies_are_problems_and_the_server_stays_up(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        let send_raw = |body: Vec<u8>, ct: &str| {
            Request::post("/api/v1/orgs/alpha/members")
                .header(header::AUTHORIZATION, format!("Bearer {}", a.admin_token))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap()
        };
        let v = problem(h.send(send_raw(b"{\"email\": ".to_vec(), "application/json")).await, StatusCode::BAD_REQUEST).await;
        assert!(v["detail"].as_str().unwrap().contains("not valid JSON"), "{v}");
        let v = problem(h.send(send_raw(b"{\"email\": 5}".to_vec(), "application/json")).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("shape"), "{v}");
        problem(h.send(send_raw(b"{}".to_vec(), "text/plain")).await, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        let mut huge = b"{\"email\": \"".to_vec();
        huge.extend(std::iter::repeat_n(b'a', cairn_server::MAX_BODY_BYTES + 10));
        huge.extend(b"\"}");
        let v = problem(h.send(send_raw(huge, "application/json")).await, StatusCode::PAYLOAD_TOO_LARGE).await;
        assert!(v["detail"].as_str().unwrap().contains("limit"), "{v}");
        let deep = "[".repeat(100_000);
        let res = h.send(send_raw(deep.into_bytes(), "application/json")).await;
        let status = res.status();
        assert!(status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
        problem(res, status).await;
        let res = h.json(Method::POST, "/api/v1/orgs/alpha/members", Some(&a.admin_token), json!({"email": "not an email", "role": "learner"})).await;
        let v = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(v["errors"][0]["field"], "email");
        assert_eq!(h.get("/healthz", None).await.status(), StatusCode::OK);
    }

    async fn unknown_routes_and_methods_are_problems(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        problem(h.get("/api/v1/nothing-here", None).await, StatusCode::NOT_FOUND).await;
        let res = h.json(Method::PUT, "/api/v1/me", Some(&a.admin_token), json!({})).await;
        assert!(res.headers().contains_key(header::ALLOW));
        problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
        problem(h.get("/api/v1/orgs/alpha/tokens/not-a-uuid", Some(&a.admin_token)).await, StatusCode::METHOD_NOT_ALLOWED).await;
        let req = Request::delete("/api/v1/orgs/alpha/tokens/not-a-uuid").header(header::AUTHORIZATION, format!("Bearer {}", a.admin_token)).body(Body::empty()).unwrap();
        problem(h.send(req).await, StatusCode::BAD_REQUEST).await;
        problem(h.get("/api/v1/orgs/missing", Some(&a.admin_token)).await, StatusCode::NOT_FOUND).await;
    }

    async fn names_with_sql_metacharacters_and_unicode_round_trip(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        let nasty = "O'Brien & Søn \"Clinic\"; DROP TABLE users;-- 医院 🏥";
        let res = h.json(Method::PATCH, "/api/v1/orgs/alpha", Some(&a.admin_token), json!({"name": nasty})).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v = body_json(h.get("/api/v1/orgs/alpha", Some(&a.admin_token)).await).await;
        assert_eq!(v["name"], nasty);
        let res = h.json(Method::POST, "/api/v1/orgs/alpha/members", Some(&a.admin_token), json!({"email": "zoe@alpha.example", "display_name": "Zoë 'Robert'); --", "role": "learner", "job_title": "Médica de família"})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let v = body_json(h.get("/api/v1/orgs/alpha/members", Some(&a.admin_token)).await).await;
        assert!(v["members"].as_array().unwrap().iter().any(|m| m["display_name"] == "Zoë 'Robert'); --"), "{v}");
        // The page escapes what it shows.
        let page = h.get("/api/v1/orgs/alpha/audit", Some(&a.admin_token)).await;
        assert_eq!(page.status(), StatusCode::OK);
    }

    async fn tokens_are_created_listed_and_revoked(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        let res = h.json(Method::POST, "/api/v1/orgs/alpha/tokens", Some(&a.admin_token), json!({"name": "HR sync", "role": "manager", "expires_in_days": 30})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let created = body_json(res).await;
        let secret = created["secret"].as_str().unwrap().to_owned();
        let id = created["token"]["id"].as_str().unwrap().to_owned();
        assert_eq!(h.get("/api/v1/orgs/alpha/members", Some(&secret)).await.status(), StatusCode::OK);
        let list = body_json(h.get("/api/v1/orgs/alpha/tokens", Some(&a.admin_token)).await).await;
        assert!(!list.to_string().contains(&secret), "secrets are never listed");
        let req = Request::delete(format!("/api/v1/orgs/alpha/tokens/{id}")).header(header::AUTHORIZATION, format!("Bearer {}", a.admin_token)).body(Body::empty()).unwrap();
        assert_eq!(h.send(req).await.status(), StatusCode::NO_CONTENT);
        problem(h.get("/api/v1/orgs/alpha/members", Some(&secret)).await, StatusCode::UNAUTHORIZED).await;
        let audit = body_json(h.get("/api/v1/orgs/alpha/audit", Some(&a.admin_token)).await).await;
        let actions: Vec<_> = audit["events"].as_array().unwrap().iter().map(|e| e["entry"]["action"].as_str().unwrap().to_owned()).collect();
        assert!(actions.contains(&"token.revoke".to_owned()), "{actions:?}");
    }

    async fn responses_carry_security_headers_and_request_ids(db: TestDb) {
        let h = Harness::new(db);
        let res = h.get("/signin", None).await;
        let hd = res.headers();
        assert!(hd.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap().contains("frame-ancestors 'none'"));
        assert_eq!(hd.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
        assert!(hd.contains_key("x-request-id"));
        let req = Request::get("/healthz").header("x-request-id", "abc-123").body(Body::empty()).unwrap();
        assert_eq!(h.send(req).await.headers().get("x-request-id").unwrap(), "abc-123");
    }
}

/// Operations anyone may call without signing in (some show more to a signed-in caller).
/// Every other operation in the OpenAPI document must refuse an anonymous caller with 401. A new route has to be placed here
/// (or not) on purpose: the test fails when the document and this list disagree.
const PUBLIC_OPERATIONS: &[&str] = &[
    "GET /api/v1/accreditation/default-standard",
    "GET /api/v1/accreditations/{id}",
    "GET /api/v1/accreditors",
    "GET /api/v1/achievements/{id}/stack",
    "GET /api/v1/catalog",
    "GET /api/v1/frameworks",
    "GET /api/v1/frameworks/{id}",
    "GET /api/v1/frameworks/{id}/case",
    "GET /api/v1/icd11",
    "GET /api/v1/icd11/codes/{code}",
    "GET /api/v1/icd11/search",
    "GET /api/v1/icd11/validate",
    "GET /api/v1/module-versions/{id}",
    "GET /api/v1/modules/{id}",
    "GET /api/v1/modules/{id}/accreditations",
    "GET /api/v1/orgs/{slug}/achievements",
    "GET /api/v1/orgs/{slug}/standards",
    "GET /api/v1/registry",
    "GET /api/v1/standards/{id}",
    "POST /credentials/verify",
];

/// A concrete URL for a path template: every parameter gets a value of the right shape.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{slug}" => "alpha".to_owned(),
            "{role}" => "learner".to_owned(),
            "{code}" => "1A00".to_owned(),
            s if s.starts_with('{') => uuid::Uuid::nil().to_string(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

backend_tests! {
    async fn every_operation_is_either_declared_public_or_refuses_anonymous_callers(db: TestDb) {
        let h = Harness::new(db);
        h.org("alpha").await;
        let doc = serde_json::to_value(cairn_server::openapi()).unwrap();
        let default_security = doc.get("security").cloned();
        let mut declared_public = Vec::new();
        let mut operations = 0;
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for (method, op) in ops.as_object().unwrap() {
                operations += 1;
                let name = format!("{} {path}", method.to_uppercase());
                let security = op.get("security").cloned().or(default_security.clone());
                // `{}` among the alternatives means "no credentials needed".
                let public = security
                    .as_ref()
                    .and_then(|s| s.as_array())
                    .is_some_and(|alternatives| alternatives.contains(&json!({})));
                if public {
                    declared_public.push(name.clone());
                }
                assert_eq!(public, PUBLIC_OPERATIONS.contains(&name.as_str()), "{name}: the OpenAPI document and PUBLIC_OPERATIONS disagree");
                let req = Request::builder()
                    .method(method.to_uppercase().as_str())
                    .uri(concrete(path))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{}"))
                    .unwrap();
                let status = h.send(req).await.status();
                if public {
                    assert_ne!(status, StatusCode::UNAUTHORIZED, "{name} is public but asked for credentials");
                    assert!(!status.is_server_error(), "{name}: {status}");
                } else {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{name} answered an anonymous caller with {status}");
                }
            }
        }
        declared_public.sort();
        let mut expected: Vec<_> = PUBLIC_OPERATIONS.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(declared_public, expected);
        assert!(operations >= 39, "only {operations} operations in the document");
    }
}
