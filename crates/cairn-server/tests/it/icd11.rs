//! ICD-11 endpoints: public lookups, search and validation over the built-in sample, and
//! problem+json for bad input.

use axum::http::StatusCode;
use cairn_store::backend_tests;

use crate::*;

async fn with_sample(db: TestDb) -> Harness {
    let h = Harness::new(db);
    let mut tx = h.app.store.begin().await.unwrap();
    assert!(h.app.seed_icd11_sample(&mut tx).await.unwrap());
    tx.commit().await.unwrap();
    h
}

backend_tests! {
    async fn icd11_status_and_lookup_need_no_sign_in(db: TestDb) {
        let h = Harness::new(db);
        let v = body_json(h.get("/api/v1/icd11", None).await).await;
        assert!(v["release"].is_null(), "{v}");
        assert_eq!(v["categories"], 0);
        problem(h.get("/api/v1/icd11/codes/5A11", None).await, StatusCode::NOT_FOUND).await;

        let mut tx = h.app.store.begin().await.unwrap();
        h.app.seed_icd11_sample(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        let v = body_json(h.get("/api/v1/icd11", None).await).await;
        assert_eq!(v["release"]["version"], "2024 Jan 21 - 22:30 UTC", "{v}");
        assert!(v["categories"].as_i64().unwrap() >= 11);
        assert!(v["attribution"].as_str().unwrap().contains("World Health Organization"));

        let res = h.get("/api/v1/icd11/codes/5a11", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v = body_json(res).await;
        assert_eq!(v["code"], "5A11");
        assert_eq!(v["title"], "Type 2 diabetes mellitus");
        assert_eq!(v["kind"], "category");
        assert_eq!(v["chapter"], "05");
        assert_eq!(v["is_leaf"], true);
        assert_eq!(v["is_residual"], false);
        let parents: Vec<_> = v["parents"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
        assert_eq!(parents, ["Endocrine, nutritional or metabolic diseases", "Endocrine diseases", "Diabetes mellitus"]);
        assert_eq!(v["parents"][0]["kind"], "chapter");

        let v = body_json(h.get("/api/v1/icd11/codes/NC72.2", None).await).await;
        assert_eq!(v["title"], "Fracture of neck of femur", "{v}");
        assert_eq!(v["parents"][2]["code"], "NC72");
        let v = body_json(h.get("/api/v1/icd11/codes/XK9K", None).await).await;
        assert_eq!((v["is_extension"].as_bool(), v["chapter"].as_str()), (Some(true), Some("X")), "{v}");
    }

    async fn icd11_bad_input_is_problem_json(db: TestDb) {
        let h = with_sample(db).await;
        let v = problem(h.get("/api/v1/icd11/codes/hello", None).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("not an ICD-11 code"), "{v}");
        problem(h.get("/api/v1/icd11/codes/9Z99", None).await, StatusCode::NOT_FOUND).await;
        let v = problem(h.get("/api/v1/icd11/search", None).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(v["errors"][0]["field"], "q", "{v}");
        problem(h.get("/api/v1/icd11/search?q=cholera&limit=0", None).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        let res = h.get("/api/v1/icd11/search?q=cholera&limit=many", None).await;
        assert!(res.status().is_client_error());
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let v = problem(h.get("/api/v1/icd11/validate", None).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(v["errors"][0]["field"], "code", "{v}");
    }

    async fn icd11_search_finds_words_and_codes(db: TestDb) {
        let h = with_sample(db).await;
        let v = body_json(h.get("/api/v1/icd11/search?q=Diabetes%20type", None).await).await;
        let codes: Vec<_> = v["results"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["5A10", "5A11"], "{v}");
        let v = body_json(h.get("/api/v1/icd11/search?q=ba00", None).await).await;
        assert_eq!(v["results"][0]["title"], "Essential hypertension", "{v}");
        let v = body_json(h.get("/api/v1/icd11/search?q=chronic", None).await).await;
        assert_eq!(v["results"][0]["is_extension"], true, "{v}");
        let v = body_json(h.get("/api/v1/icd11/search?q=zebra", None).await).await;
        assert_eq!(v["results"].as_array().unwrap().len(), 0);
    }

    async fn icd11_validate_gives_a_reason_per_part(db: TestDb) {
        let h = with_sample(db).await;
        let v = body_json(h.get("/api/v1/icd11/validate?code=5A11%26XT8W", None).await).await;
        assert_eq!(v["valid"], true, "{v}");
        assert_eq!(v["cluster"], "5A11&XT8W");
        assert_eq!(v["parts"][0]["role"], "stem");
        assert_eq!(v["parts"][1]["role"], "extension");
        assert_eq!(v["parts"][1]["title"], "Chronic");

        let v = body_json(h.get("/api/v1/icd11/validate?code=NC72.2%26XK9K", None).await).await;
        assert_eq!(v["valid"], true, "{v}");
        let v = body_json(h.get("/api/v1/icd11/validate?code=5a11%26xt8w%2FBA00%26XS25", None).await).await;
        assert_eq!(v["valid"], true, "{v}");
        assert_eq!(v["cluster"], "5A11&XT8W/BA00&XS25");
        assert_eq!(v["parts"].as_array().unwrap().len(), 4);

        let v = body_json(h.get("/api/v1/icd11/validate?code=5A11%26XQ9Q", None).await).await;
        assert_eq!(v["valid"], false);
        assert_eq!(v["parts"][0]["valid"], true);
        assert!(v["parts"][1]["reason"].as_str().unwrap().contains("not a code"), "{v}");

        let v = body_json(h.get("/api/v1/icd11/validate?code=XT8W%2F5A11", None).await).await;
        assert_eq!(v["valid"], false);
        assert!(v["syntax_error"].as_str().unwrap().contains("extension code"), "{v}");

        let v = body_json(h.get("/api/v1/icd11/validate?code=banana", None).await).await;
        assert_eq!(v["valid"], false);
        assert!(v["syntax_error"].as_str().is_some(), "{v}");
    }

    async fn icd11_paths_are_in_the_openapi_document(db: TestDb) {
        let h = Harness::new(db);
        let doc = body_json(h.get("/api/openapi.json", None).await).await;
        for path in ["/api/v1/icd11", "/api/v1/icd11/codes/{code}", "/api/v1/icd11/search", "/api/v1/icd11/validate"] {
            assert_eq!(doc["paths"][path]["get"]["tags"][0], "icd11", "missing {path}");
        }
    }
}
