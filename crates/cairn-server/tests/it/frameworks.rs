//! Frameworks over the API: import (with every problem listed on rejection), list, tree,
//! CASE export that imports again.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use cairn_core::Principal;
use cairn_store::backend_tests;
use serde_json::json;

use crate::*;

async fn post_raw(h: &Harness, path: &str, bearer: &str, body: String) -> Response<Body> {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
        .body(Body::from(body))
        .unwrap();
    h.send(req).await
}

async fn counts(h: &Harness) -> [i64; 6] {
    let mut r = h.app.store.reader().await.unwrap();
    r.conn().framework_table_counts().await.unwrap()
}

backend_tests! {
    async fn import_list_tree_and_export(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        h.org("beta").await;
        // The shipped framework, exported by one installation, imported over the API.
        let builtin = h.app.import_builtin_framework(&Principal::system(), None).await.unwrap();
        let res = h.get(&format!("/api/v1/frameworks/{}/case", builtin.id), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let case = body_json(res).await;
        assert_eq!(case["CFItems"].as_array().unwrap().len(), 12 + 54);

        let res = post_raw(&h, "/api/v1/orgs/alpha/frameworks", &a.admin_token, case.to_string()).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let f = body_json(res).await;
        assert_eq!(f["identifier"], case["CFDocument"]["identifier"]);
        assert_eq!(f["competencies"], 66);

        let list = body_json(h.get("/api/v1/frameworks", None).await).await;
        assert_eq!(list.as_array().unwrap().len(), 2);

        let id = f["id"].as_str().unwrap();
        let d = body_json(h.get(&format!("/api/v1/frameworks/{id}"), None).await).await;
        let tree = d["tree"].as_array().unwrap();
        assert_eq!(tree.len(), 12);
        assert_eq!(tree[0]["code"], "ICD");
        assert_eq!(tree[0]["children"][0]["code"], "ICD.1");
        assert_eq!(d["scales"][0]["levels"][3]["name"], "Expert");

        let again = body_json(h.get(&format!("/api/v1/frameworks/{id}/case"), None).await).await;
        assert_eq!(again, case);

        // A second import for the same organization conflicts.
        let res = post_raw(&h, "/api/v1/orgs/alpha/frameworks", &a.admin_token, case.to_string()).await;
        problem(res, StatusCode::CONFLICT).await;
        problem(h.get(&format!("/api/v1/frameworks/{}", uuid::Uuid::nil()), None).await, StatusCode::NOT_FOUND).await;
        let openapi = body_json(h.get("/api/openapi.json", None).await).await;
        for path in ["/api/v1/frameworks", "/api/v1/frameworks/{id}", "/api/v1/frameworks/{id}/case", "/api/v1/orgs/{slug}/frameworks"] {
            assert!(openapi["paths"][path].is_object(), "missing {path}");
        }
    }

    async fn bad_packages_get_422_with_every_problem(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        let before = counts(&h).await;
        let item = |n: u32| json!({"identifier": format!("11000000-0000-4000-8000-{n:012}"), "uri": format!("https://x.example/i{n}"), "fullStatement": format!("S{n}"), "lastChangeDateTime": "2024-01-01T00:00:00Z"});
        let package = json!({
            "CFDocument": {"identifier": "d1000000-0000-4000-8000-000000000000", "uri": "https://x.example/d", "title": "T", "lastChangeDateTime": "2024-01-01T00:00:00Z"},
            "CFItems": [item(1), item(1)],
            "CFAssociations": [{"identifier": "a1000000-0000-4000-8000-000000000000", "uri": "https://x.example/a", "associationType": "isChildOf", "lastChangeDateTime": "2024-01-01T00:00:00Z",
                "originNodeURI": {"identifier": "11000000-0000-4000-8000-000000000001", "uri": "https://x.example/i1", "title": "S1"},
                "destinationNodeURI": {"identifier": "11000000-0000-4000-8000-000000000077", "uri": "https://x.example/i77", "title": "gone"}}]
        });
        let res = post_raw(&h, "/api/v1/orgs/alpha/frameworks", &a.admin_token, package.to_string()).await;
        let v = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        let errors: Vec<(String, String)> = v["errors"].as_array().unwrap().iter()
            .map(|e| (e["field"].as_str().unwrap().to_owned(), e["message"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(errors.iter().any(|(f, _)| f == "CFDocument.creator"), "{errors:#?}");
        assert!(errors.iter().any(|(_, m)| m.contains("used 2 times")), "{errors:#?}");
        assert!(errors.iter().any(|(f, m)| f == "CFAssociations[0].destinationNodeURI" && m.contains("000000000077")), "{errors:#?}");

        let res = post_raw(&h, "/api/v1/orgs/alpha/frameworks", &a.admin_token, "{\"CFDocument\": ".into()).await;
        let v = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["errors"][0]["field"].as_str().unwrap().starts_with("line 1"), "{v}");

        let res = post_raw(&h, "/api/v1/orgs/alpha/frameworks", &a.learner_token, package.to_string()).await;
        problem(res, StatusCode::FORBIDDEN).await;
        assert_eq!(counts(&h).await, before);
    }
}
