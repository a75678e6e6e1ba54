//! Public verification is limited per client address: past the limit the VC API answers
//! 429 problem+json with Retry-After, and the verify page says how long to wait.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cairn_store::backend_tests;
use serde_json::json;

use crate::*;

backend_tests! {
    async fn public_verification_is_rate_limited_per_address(db: TestDb) {
        let h = Harness::with_config(db, |c| c.verifications_per_minute = 3);
        let body = json!({"verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"]}});
        for _ in 0..3 {
            let res = h.json(Method::POST, "/credentials/verify", None, body.clone()).await;
            assert_ne!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        }
        let res = h.json(Method::POST, "/credentials/verify", None, body.clone()).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = res.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/problem+json"));

        // The page shares the address's allowance.
        let boundary = "x-cairn-test";
        let form = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\n{{}}\r\n--{boundary}--\r\n"
        );
        let res = h
            .send(
                Request::builder()
                    .method(Method::POST)
                    .uri("/verify")
                    .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                    .body(Body::from(form))
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(res.headers().contains_key(header::RETRY_AFTER));
    }

    async fn no_limit_when_configured_off(db: TestDb) {
        let h = Harness::with_config(db, |c| c.verifications_per_minute = 0);
        let body = json!({"verifiableCredential": "not.a.jwt"});
        for _ in 0..20 {
            let res = h.json(Method::POST, "/credentials/verify", None, body.clone()).await;
            assert_ne!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        }
    }
}
