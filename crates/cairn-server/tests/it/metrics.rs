//! `/metrics`: Prometheus text that counts what the server answered and reports the
//! outboxes' backlogs from the database.

use axum::http::{StatusCode, header};
use cairn_store::backend_tests;
use http_body_util::BodyExt;

use crate::*;

async fn text(h: &Harness, path: &str) -> String {
    let res = h.get(path, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
        .parse()
        .unwrap()
}

backend_tests! {
    async fn metrics_count_requests_by_area_and_report_the_backlog(db: TestDb) {
        let h = Harness::new(db);
        let before = text(&h, "/metrics").await;
        assert_eq!(value(&before, "cairn_database_up"), 1.0);
        assert_eq!(value(&before, "cairn_awards_pending"), 0.0);
        let api_404 = r#"cairn_http_requests_total{area="api",status="4xx"}"#;
        let health_2xx = r#"cairn_http_requests_total{area="health",status="2xx"}"#;
        let n404 = value(&before, api_404);
        let n200 = value(&before, health_2xx);

        for _ in 0..3 {
            assert_eq!(h.get("/api/v1/orgs/nobody-here", None).await.status().as_u16() / 100, 4);
        }
        assert_eq!(h.get("/healthz", None).await.status(), StatusCode::OK);

        let after = text(&h, "/metrics").await;
        assert_eq!(value(&after, api_404), n404 + 3.0);
        // The health check, and the first scrape itself.
        assert_eq!(value(&after, health_2xx), n200 + 2.0);
        let count = value(&after, r#"cairn_http_request_duration_seconds_count{area="api"}"#);
        let inf = value(&after, r#"cairn_http_request_duration_seconds_bucket{area="api",le="+Inf"}"#);
        assert_eq!(count, inf);
        assert!(count >= 3.0);
        // A request id or path never becomes a label.
        assert!(!after.contains("nobody-here"));
    }
}
