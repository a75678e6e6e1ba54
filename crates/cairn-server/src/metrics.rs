//! `/metrics` in the Prometheus text format (0.0.4): requests and their latency by area of
//! the application and status class, requests in flight, and the outboxes' backlogs.
//!
//! Labels are a handful of fixed areas, not paths, so the number of series stays small
//! whatever ids the paths carry. Nothing personal is reported; an operator who exposes the
//! server publicly keeps `/metrics` to the monitoring network at the proxy.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Where a request went, by its path's first segment.
const AREAS: [&str; 6] = ["api", "xapi", "credentials", "pages", "health", "other"];
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];
/// Latency bucket bounds in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// Counters shared by every request; updated without locks.
pub struct Metrics {
    requests: [[AtomicU64; CLASSES.len()]; AREAS.len()],
    /// Per area: one count per bucket (not cumulative; summed when rendered), then +Inf.
    latency: [[AtomicU64; BUCKETS.len() + 1]; AREAS.len()],
    latency_micros: [AtomicU64; AREAS.len()],
    in_flight: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            requests: std::array::from_fn(|_| std::array::from_fn(|_| AtomicU64::new(0))),
            latency: std::array::from_fn(|_| std::array::from_fn(|_| AtomicU64::new(0))),
            latency_micros: std::array::from_fn(|_| AtomicU64::new(0)),
            in_flight: AtomicU64::new(0),
        }
    }
}

fn area_of(path: &str) -> usize {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "api" => 0,
        "xapi" => 1,
        "credentials" | "verify" => 2,
        "healthz" | "readyz" | "metrics" => 4,
        "" | "signin" | "signout" | "me" | "orgs" | "modules" | "catalog" | "assessments"
        | "registry" | "reviews" | "accreditation" | "notifications" | "assets" => 3,
        _ => 5,
    }
}

impl Metrics {
    fn record(&self, area: usize, status: StatusCode, seconds: f64) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.requests[area][class].fetch_add(1, Ordering::Relaxed);
        let bucket = BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(BUCKETS.len());
        self.latency[area][bucket].fetch_add(1, Ordering::Relaxed);
        let micros = (seconds * 1e6) as u64;
        self.latency_micros[area].fetch_add(micros, Ordering::Relaxed);
    }

    /// The counters in the text exposition format.
    pub fn render(&self, out: &mut String) {
        out.push_str(
            "# HELP cairn_http_requests_total Requests answered, by area and status class.\n",
        );
        out.push_str("# TYPE cairn_http_requests_total counter\n");
        for (a, area) in AREAS.iter().enumerate() {
            for (c, class) in CLASSES.iter().enumerate() {
                let n = self.requests[a][c].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "cairn_http_requests_total{{area=\"{area}\",status=\"{class}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP cairn_http_request_duration_seconds Time to answer, by area.\n");
        out.push_str("# TYPE cairn_http_request_duration_seconds histogram\n");
        for (a, area) in AREAS.iter().enumerate() {
            let mut cumulative = 0u64;
            for (i, bound) in BUCKETS.iter().enumerate() {
                cumulative += self.latency[a][i].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "cairn_http_request_duration_seconds_bucket{{area=\"{area}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            cumulative += self.latency[a][BUCKETS.len()].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "cairn_http_request_duration_seconds_bucket{{area=\"{area}\",le=\"+Inf\"}} {cumulative}"
            );
            let sum = self.latency_micros[a].load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(
                out,
                "cairn_http_request_duration_seconds_sum{{area=\"{area}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "cairn_http_request_duration_seconds_count{{area=\"{area}\"}} {cumulative}"
            );
        }
        out.push_str("# HELP cairn_http_requests_in_flight Requests being answered now.\n");
        out.push_str("# TYPE cairn_http_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "cairn_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
    }
}

/// Counts every request and its latency.
pub async fn track(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let area = area_of(req.uri().path());
    let m = &s.metrics;
    m.in_flight.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let res = next.run(req).await;
    m.in_flight.fetch_sub(1, Ordering::Relaxed);
    m.record(area, res.status(), started.elapsed().as_secs_f64());
    res
}

/// `GET /metrics`.
pub async fn metrics(State(s): State<AppState>) -> Response {
    let mut out = String::with_capacity(8 * 1024);
    s.metrics.render(&mut out);
    let backlog = s.app.backlog().await;
    if let Err(e) = &backlog {
        tracing::warn!(error = %e, "metrics: the database did not answer");
    }
    let up = i64::from(backlog.is_ok());
    let mut gauges = vec![(
        "cairn_database_up",
        "Whether the database answered this scrape.",
        up,
    )];
    if let Ok(b) = backlog {
        gauges.extend([
            (
                "cairn_awards_pending",
                "Awards decided whose credential is not signed yet.",
                b.awards_pending,
            ),
            (
                "cairn_awards_failed",
                "Awards whose signing was given up after retries.",
                b.awards_failed,
            ),
            (
                "cairn_emails_pending",
                "Notification e-mails waiting to be sent.",
                b.emails_pending,
            ),
            (
                "cairn_emails_failed",
                "Notification e-mails given up after retries.",
                b.emails_failed,
            ),
        ]);
    }
    for (name, help, v) in gauges {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
    }
    let mut res = out.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_a_fixed_few() {
        assert_eq!(AREAS[area_of("/api/v1/orgs/x")], "api");
        assert_eq!(AREAS[area_of("/xapi/statements")], "xapi");
        assert_eq!(AREAS[area_of("/credentials/abc.json")], "credentials");
        assert_eq!(AREAS[area_of("/")], "pages");
        assert_eq!(AREAS[area_of("/healthz")], "health");
        assert_eq!(AREAS[area_of("/wp-admin/x")], "other");
    }

    #[test]
    fn histogram_buckets_are_cumulative() {
        let m = Metrics::default();
        m.record(0, StatusCode::OK, 0.0005);
        m.record(0, StatusCode::OK, 0.02);
        m.record(0, StatusCode::INTERNAL_SERVER_ERROR, 9.0);
        let mut out = String::new();
        m.render(&mut out);
        assert!(out.contains("cairn_http_requests_total{area=\"api\",status=\"2xx\"} 2\n"));
        assert!(out.contains("cairn_http_requests_total{area=\"api\",status=\"5xx\"} 1\n"));
        assert!(
            out.contains(
                "cairn_http_request_duration_seconds_bucket{area=\"api\",le=\"0.001\"} 1\n"
            )
        );
        assert!(
            out.contains(
                "cairn_http_request_duration_seconds_bucket{area=\"api\",le=\"0.025\"} 2\n"
            )
        );
        assert!(
            out.contains("cairn_http_request_duration_seconds_bucket{area=\"api\",le=\"5\"} 2\n")
        );
        assert!(
            out.contains(
                "cairn_http_request_duration_seconds_bucket{area=\"api\",le=\"+Inf\"} 3\n"
            )
        );
        assert!(out.contains("cairn_http_request_duration_seconds_count{area=\"api\"} 3\n"));
    }
}
