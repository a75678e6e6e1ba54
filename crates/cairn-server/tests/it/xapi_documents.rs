//! The xAPI Document Resources over HTTP with an LRS key: State, Activity Profile and Agent
//! Profile round trips, JSON merging, ETag concurrency (412, and 409 for blind
//! replacement), id lists with `since`, deletion, organizations kept apart, strict
//! parameters; and the Agents and Activities resources.

use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use cairn_core::Principal;
use cairn_store::backend_tests;
use serde_json::{Value, json};

use crate::*;

const ACTIVITY: &str = "https://example.org/activities/cpr";

/// HTTP Basic credentials of a new LRS key of `slug` (the organization must exist).
async fn lrs_key(h: &Harness, slug: &str) -> String {
    let k = h
        .app
        .create_lrs_key(&Principal::system(), slug, "course player")
        .await
        .unwrap();
    format!("Basic {}", base64(&format!("{}:{}", k.key.id, k.secret)))
}

fn base64(s: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn agent(email: &str) -> Value {
    json!({"objectType": "Agent", "mbox": format!("mailto:{email}")})
}

fn query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn state_path(agent: &Value, extra: &[(&str, &str)]) -> String {
    let a = agent.to_string();
    let mut pairs = vec![("activityId", ACTIVITY), ("agent", a.as_str())];
    pairs.extend_from_slice(extra);
    format!("/xapi/activities/state?{}", query(&pairs))
}

/// One xAPI request: `headers` are extra (If-Match, …), the body is sent as `content_type`.
async fn call(
    h: &Harness,
    key: &str,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> Response<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, key)
        .header("X-Experience-API-Version", "2.0.0");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let body = match body {
        Some((ct, bytes)) => {
            b = b.header(header::CONTENT_TYPE, ct);
            Body::from(bytes.to_vec())
        }
        None => Body::empty(),
    };
    h.send(b.body(body).unwrap()).await
}

async fn put_json(
    h: &Harness,
    key: &str,
    path: &str,
    v: Value,
    headers: &[(&str, &str)],
) -> Response<Body> {
    call(
        h,
        key,
        Method::PUT,
        path,
        headers,
        Some(("application/json", v.to_string().as_bytes())),
    )
    .await
}

async fn post_json(h: &Harness, key: &str, path: &str, v: Value) -> Response<Body> {
    call(
        h,
        key,
        Method::POST,
        path,
        &[],
        Some(("application/json", v.to_string().as_bytes())),
    )
    .await
}

fn etag(res: &Response<Body>) -> String {
    res.headers()
        .get(header::ETAG)
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_owned()
}

async fn error_of(res: Response<Body>) -> String {
    body_json(res).await["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

backend_tests! {
    async fn state_round_trips_merges_lists_and_deletes(db: TestDb) {
        let h = Harness::new(db);
        h.org("clinic").await;
        let key = lrs_key(&h, "clinic").await;
        let learner = agent("ana@clinic.example");
        let bookmark = state_path(&learner, &[("stateId", "bookmark")]);

        // Nothing yet.
        let res = call(&h, &key, Method::GET, &bookmark, &[], None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        // Any content type round-trips byte for byte, with its type, ETag and Last-Modified.
        let res = call(&h, &key, Method::PUT, &bookmark, &[], Some(("text/plain", b"page 7"))).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let put_tag = etag(&res);
        let res = call(&h, &key, Method::GET, &bookmark, &[], None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "text/plain");
        assert_eq!(etag(&res), put_tag);
        assert!(res.headers()[header::LAST_MODIFIED].to_str().unwrap().ends_with(" GMT"));
        assert_eq!(body_text(res).await, "page 7");

        // Replacing it blindly is a conflict (xAPI 2.0, every document resource).
        let res = call(&h, &key, Method::PUT, &bookmark, &[], Some(("text/plain", b"page 9"))).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let res = call(&h, &key, Method::PUT, &bookmark, &[("If-Match", &put_tag)], Some(("text/plain", b"page 7"))).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        // HEAD answers like GET, without a body.
        let res = call(&h, &key, Method::HEAD, &bookmark, &[], None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(etag(&res), put_tag);
        assert_eq!(body_text(res).await, "");

        // POST merges JSON objects: sent properties replace stored ones, others stay.
        let progress = state_path(&learner, &[("stateId", "progress")]);
        let res = post_json(&h, &key, &progress, json!({"a": 1, "b": {"x": 1}})).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let res = post_json(&h, &key, &progress, json!({"b": 2, "c": 3})).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let res = call(&h, &key, Method::GET, &progress, &[], None).await;
        assert_eq!(body_json(res).await, json!({"a": 1, "b": 2, "c": 3}));

        // Merging into a document that is not JSON, or sending something else, is refused.
        let res = post_json(&h, &key, &bookmark, json!({"page": 8})).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(error_of(res).await.contains("application/json"));
        let res = call(&h, &key, Method::POST, &progress, &[], Some(("application/json", b"[1]"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let res = call(&h, &key, Method::GET, &progress, &[], None).await;
        assert_eq!(body_json(res).await, json!({"a": 1, "b": 2, "c": 3}));

        // A registration is a scope of its own.
        let reg = "8f87ccde-bb56-4c2e-ab83-44982ef22df0";
        let res = put_json(&h, &key, &state_path(&learner, &[("registration", reg), ("stateId", "bookmark")]), json!({"r": true}), &[]).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        // Ids without a registration: both; with it: its own only.
        let res = call(&h, &key, Method::GET, &state_path(&learner, &[]), &[], None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let mut ids: Vec<String> = serde_json::from_value(body_json(res).await).unwrap();
        ids.sort();
        assert_eq!(ids, ["bookmark", "progress"]);
        let res = call(&h, &key, Method::GET, &state_path(&learner, &[("registration", reg)]), &[], None).await;
        assert_eq!(body_json(res).await, json!(["bookmark"]));

        // `since` keeps what changed after it.
        let cut = cairn_app::now().format(&time::format_description::well_known::Rfc3339).unwrap();
        let res = post_json(&h, &key, &progress, json!({"d": 4})).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let res = call(&h, &key, Method::GET, &state_path(&learner, &[("since", &cut)]), &[], None).await;
        assert_eq!(body_json(res).await, json!(["progress"]));

        // DELETE one, then all of the scope (the registration's stays).
        let res = call(&h, &key, Method::DELETE, &bookmark, &[], None).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let res = call(&h, &key, Method::GET, &bookmark, &[], None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = call(&h, &key, Method::DELETE, &state_path(&learner, &[]), &[], None).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let res = call(&h, &key, Method::GET, &state_path(&learner, &[]), &[], None).await;
        assert_eq!(body_json(res).await, json!([]));
        let res = call(&h, &key, Method::GET, &state_path(&learner, &[("registration", reg)]), &[], None).await;
        assert_eq!(body_json(res).await, json!(["bookmark"]));
    }

    async fn profiles_enforce_etag_concurrency(db: TestDb) {
        let h = Harness::new(db);
        h.org("clinic").await;
        let key = lrs_key(&h, "clinic").await;
        let a = agent("ana@clinic.example").to_string();
        for path in [
            format!("/xapi/activities/profile?{}", query(&[("activityId", ACTIVITY), ("profileId", "meta")])),
            format!("/xapi/agents/profile?{}", query(&[("agent", &a), ("profileId", "meta")])),
        ] {
            // Create only if absent.
            let res = put_json(&h, &key, &path, json!({"v": 1}), &[("If-None-Match", "*")]).await;
            assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
            let first = etag(&res);
            let res = put_json(&h, &key, &path, json!({"v": 9}), &[("If-None-Match", "*")]).await;
            assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED, "{path}");

            // Replacing blindly is a conflict; a stale tag fails; the current tag wins.
            let res = put_json(&h, &key, &path, json!({"v": 9}), &[]).await;
            assert_eq!(res.status(), StatusCode::CONFLICT, "{path}");
            assert!(error_of(res).await.contains("If-Match"));
            let res = put_json(&h, &key, &path, json!({"v": 2}), &[("If-Match", &first)]).await;
            assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
            let second = etag(&res);
            assert_ne!(first, second);
            let res = put_json(&h, &key, &path, json!({"v": 9}), &[("If-Match", &first)]).await;
            assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED, "{path}");
            let res = call(&h, &key, Method::DELETE, &path, &[("If-Match", &first)], None).await;
            assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED, "{path}");

            let res = call(&h, &key, Method::GET, &path, &[], None).await;
            assert_eq!(etag(&res), second);
            assert_eq!(body_json(res).await, json!({"v": 2}));

            // POST merges without preconditions; DELETE with the current tag removes it.
            let res = post_json(&h, &key, &path, json!({"w": 3})).await;
            assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
            let res = call(&h, &key, Method::GET, &path, &[], None).await;
            let third = etag(&res);
            assert_eq!(body_json(res).await, json!({"v": 2, "w": 3}));
            let res = call(&h, &key, Method::DELETE, &path, &[("If-Match", &third)], None).await;
            assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
            let res = call(&h, &key, Method::GET, &path, &[], None).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        }

        // Profile id lists, with `since`.
        let list = format!("/xapi/agents/profile?{}", query(&[("agent", &a)]));
        for id in ["one", "two"] {
            let path = format!("{list}&profileId={id}");
            let res = put_json(&h, &key, &path, json!({}), &[]).await;
            assert_eq!(res.status(), StatusCode::NO_CONTENT);
        }
        let res = call(&h, &key, Method::GET, &list, &[], None).await;
        let mut ids: Vec<String> = serde_json::from_value(body_json(res).await).unwrap();
        ids.sort();
        assert_eq!(ids, ["one", "two"]);
        let res = call(&h, &key, Method::GET, &format!("{list}&since=2999-01-01T00:00:00Z"), &[], None).await;
        assert_eq!(body_json(res).await, json!([]));
        let list = format!("/xapi/activities/profile?{}", query(&[("activityId", ACTIVITY)]));
        let res = call(&h, &key, Method::GET, &list, &[], None).await;
        assert_eq!(body_json(res).await, json!([]));
    }

    async fn organizations_never_see_each_others_documents(db: TestDb) {
        let h = Harness::new(db);
        h.org("clinic").await;
        h.org("hospital").await;
        let clinic = lrs_key(&h, "clinic").await;
        let hospital = lrs_key(&h, "hospital").await;
        let learner = agent("ana@example.org");
        let path = state_path(&learner, &[("stateId", "bookmark")]);
        let res = put_json(&h, &clinic, &path, json!({"page": 7}), &[]).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        let res = call(&h, &hospital, Method::GET, &path, &[], None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = call(&h, &hospital, Method::GET, &state_path(&learner, &[]), &[], None).await;
        assert_eq!(body_json(res).await, json!([]));
        let res = call(&h, &hospital, Method::DELETE, &state_path(&learner, &[]), &[], None).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let res = call(&h, &clinic, Method::GET, &path, &[], None).await;
        assert_eq!(body_json(res).await, json!({"page": 7}));

        // Without a key, nothing.
        let res = h.send(Request::get(&path).header("X-Experience-API-Version", "2.0.0").body(Body::empty()).unwrap()).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }

    async fn bad_parameters_are_refused_with_a_reason(db: TestDb) {
        let h = Harness::new(db);
        h.org("clinic").await;
        let key = lrs_key(&h, "clinic").await;
        let good = agent("ana@clinic.example").to_string();
        let cases: Vec<(Method, String, &str)> = vec![
            (Method::GET, format!("/xapi/activities/state?{}", query(&[("activityId", ACTIVITY)])), "'agent' is required"),
            (Method::GET, format!("/xapi/activities/state?{}", query(&[("activityId", ACTIVITY), ("agent", "{\"name\":\"x\"}")])), "exactly one of mbox"),
            (Method::GET, format!("/xapi/activities/state?{}", query(&[("activityId", ACTIVITY), ("agent", "not json")])), "must be JSON"),
            (Method::GET, format!("/xapi/activities/state?{}", query(&[("activityId", "no iri"), ("agent", &good)])), "must be an IRI"),
            (Method::GET, format!("/xapi/activities/state?{}", query(&[("activityId", ACTIVITY), ("agent", &good), ("registration", "42")])), "must be a UUID"),
            (Method::GET, format!("/xapi/activities/state?{}", query(&[("activityId", ACTIVITY), ("agent", &good), ("colour", "red")])), "'colour' is not accepted"),
            (Method::GET, format!("/xapi/activities/state?{}", query(&[("activityId", ACTIVITY), ("agent", &good), ("since", "yesterday")])), "since"),
            (Method::PUT, format!("/xapi/activities/state?{}", query(&[("activityId", ACTIVITY), ("agent", &good)])), "'stateId' is required"),
            (Method::DELETE, format!("/xapi/activities/profile?{}", query(&[("activityId", ACTIVITY)])), "'profileId' is required"),
            (Method::GET, format!("/xapi/agents/profile?{}", query(&[("agent", &good), ("activityId", ACTIVITY)])), "'activityId' is not accepted"),
            (Method::GET, "/xapi/agents".to_owned(), "'agent' is required"),
            (Method::GET, "/xapi/activities?activityId=nope".to_owned(), "must be an IRI"),
        ];
        for (method, path, reason) in cases {
            let res = call(&h, &key, method.clone(), &path, &[], Some(("application/json", b"{}"))).await;
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{method} {path}");
            let error = error_of(res).await;
            assert!(error.contains(reason), "{method} {path}: {error}");
        }
        // A JSON document whose body is not JSON is refused before it is stored.
        let path = state_path(&agent("ana@clinic.example"), &[("stateId", "s")]);
        let res = call(&h, &key, Method::PUT, &path, &[], Some(("application/json", b"{oops"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let res = call(&h, &key, Method::GET, &path, &[], None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }

    async fn agents_and_activities_resources_answer_for_unknown_ones(db: TestDb) {
        let h = Harness::new(db);
        h.org("clinic").await;
        let key = lrs_key(&h, "clinic").await;
        let a = json!({"name": "Ana", "mbox": "mailto:ana@clinic.example"}).to_string();
        let res = call(&h, &key, Method::GET, &format!("/xapi/agents?{}", query(&[("agent", &a)])), &[], None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers().contains_key(header::ETAG));
        assert_eq!(
            body_json(res).await,
            json!({"objectType": "Person", "name": ["Ana"], "mbox": ["mailto:ana@clinic.example"]})
        );
        let res = call(&h, &key, Method::HEAD, &format!("/xapi/agents?{}", query(&[("agent", &a)])), &[], None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = call(&h, &key, Method::GET, &format!("/xapi/activities?{}", query(&[("activityId", ACTIVITY)])), &[], None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(body_json(res).await, json!({"objectType": "Activity", "id": ACTIVITY}));
    }

    async fn agents_and_activities_read_stored_statements(db: TestDb) {
        let h = Harness::new(db);
        h.org("clinic").await;
        let key = lrs_key(&h, "clinic").await;
        for (name, lang, title) in [("Ana", "en-US", "CPR"), ("Ana Lopes", "fr-FR", "RCP")] {
            let statement = json!({
                "actor": {"name": name, "mbox": "mailto:ana@clinic.example"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                "object": {"id": ACTIVITY, "definition": {"name": {lang: title}}},
            });
            let res = post_json(&h, &key, "/xapi/statements", statement).await;
            assert_eq!(res.status(), StatusCode::OK);
        }
        let a = json!({"mbox": "mailto:ana@clinic.example"}).to_string();
        let res = call(&h, &key, Method::GET, &format!("/xapi/agents?{}", query(&[("agent", &a)])), &[], None).await;
        let person = body_json(res).await;
        let mut names: Vec<String> = serde_json::from_value(person["name"].clone()).unwrap();
        names.sort();
        assert_eq!(names, ["Ana", "Ana Lopes"]);
        assert_eq!(person["mbox"], json!(["mailto:ana@clinic.example"]));

        // Both statements' language entries are kept.
        let res = call(&h, &key, Method::GET, &format!("/xapi/activities?{}", query(&[("activityId", ACTIVITY)])), &[], None).await;
        assert_eq!(
            body_json(res).await,
            json!({"objectType": "Activity", "id": ACTIVITY, "definition": {"name": {"en-US": "CPR", "fr-FR": "RCP"}}})
        );

        // Another organization's statements say nothing here.
        h.org("hospital").await;
        let other = lrs_key(&h, "hospital").await;
        let res = call(&h, &other, Method::GET, &format!("/xapi/activities?{}", query(&[("activityId", ACTIVITY)])), &[], None).await;
        assert_eq!(body_json(res).await, json!({"objectType": "Activity", "id": ACTIVITY}));
    }
}
