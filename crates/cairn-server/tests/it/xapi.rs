//! The LRS's Statements resource over HTTP: LRS keys and Basic authentication, storing
//! (PUT, POST batches all or nothing), voiding, the filtered list with `more` paging,
//! organizations kept apart, and malformed statements refused with nothing stored.

use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use cairn_store::backend_tests;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::*;

const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

fn base64(bytes: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An xAPI client holding an LRS key of one organization.
struct Client {
    basic: String,
}

impl Client {
    fn new(key_id: &str, secret: &str) -> Self {
        Client {
            basic: format!("Basic {}", base64(format!("{key_id}:{secret}").as_bytes())),
        }
    }

    async fn send(
        &self,
        h: &Harness,
        method: Method,
        uri: &str,
        body: Option<&Value>,
    ) -> Response<Body> {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, &self.basic)
            .header("X-Experience-API-Version", "2.0.0");
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        h.send(b.body(body).unwrap()).await
    }

    async fn post(&self, h: &Harness, v: Value) -> Response<Body> {
        self.send(h, Method::POST, "/xapi/statements", Some(&v))
            .await
    }

    async fn put(&self, h: &Harness, id: Uuid, v: Value) -> Response<Body> {
        let uri = format!("/xapi/statements?statementId={id}");
        self.send(h, Method::PUT, &uri, Some(&v)).await
    }

    async fn get(&self, h: &Harness, query: &str) -> Response<Body> {
        let uri = if query.starts_with('/') {
            query.to_owned()
        } else {
            format!("/xapi/statements?{query}")
        };
        self.send(h, Method::GET, &uri, None).await
    }

    /// Every statement id the list query returns, following `more` to the end.
    async fn ids(&self, h: &Harness, query: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut next = query.to_owned();
        loop {
            let res = self.get(h, &next).await;
            assert_eq!(res.status(), StatusCode::OK, "{next}");
            let body = body_json(res).await;
            for s in body["statements"].as_array().unwrap() {
                out.push(s["id"].as_str().unwrap().to_owned());
            }
            match body["more"].as_str().unwrap() {
                "" => return out,
                more => next = more.to_owned(),
            }
        }
    }
}

/// A new LRS key of `slug`, made through the API by its admin.
async fn key(h: &Harness, slug: &str, admin_token: &str, name: &str) -> (Value, Client) {
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/orgs/{slug}/lrs-keys"),
            Some(admin_token),
            json!({"name": name}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body = body_json(res).await;
    let client = Client::new(
        body["key"]["id"].as_str().unwrap(),
        body["secret"].as_str().unwrap(),
    );
    (body, client)
}

fn statement(email: &str, verb: &str, activity: &str) -> Value {
    json!({
        "actor": {"objectType": "Agent", "mbox": format!("mailto:{email}")},
        "verb": {"id": verb, "display": {"en-US": "did"}},
        "object": {"objectType": "Activity", "id": activity}
    })
}

fn voiding(target: &str) -> Value {
    json!({
        "actor": {"mbox": "mailto:admin@example.org"},
        "verb": {"id": VOIDED},
        "object": {"objectType": "StatementRef", "id": target}
    })
}

fn verb(n: &str) -> String {
    format!("http://example.org/verbs/{n}")
}

fn act(n: &str) -> String {
    format!("http://example.org/activities/{n}")
}

async fn setup(h: &Harness, slug: &str) -> Client {
    let org = h.org(slug).await;
    key(h, slug, &org.admin_token, "course player").await.1
}

async fn error_of(res: Response<Body>, status: StatusCode) -> String {
    assert_eq!(res.status(), status);
    let body = body_json(res).await;
    body["error"].as_str().unwrap().to_owned()
}

backend_tests! {
    async fn keys_authenticate_clients_of_their_organization(db: TestDb) {
        let h = Harness::new(db);
        let org = h.org("north").await;
        let (created, client) = key(&h, "north", &org.admin_token, "course player").await;
        let key_id = created["key"]["id"].as_str().unwrap();

        // Listed without the secret; learners may not manage keys.
        let list = body_json(h.get("/api/v1/orgs/north/lrs-keys", Some(&org.admin_token)).await).await;
        assert_eq!(list[0]["id"], key_id);
        assert!(list[0].get("secret").is_none());
        let res = h.get("/api/v1/orgs/north/lrs-keys", Some(&org.learner_token)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

        // About needs no authentication and says the versions.
        let res = h.get("/xapi/about", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["x-experience-api-version"], "2.0.0");
        let about = body_json(res).await;
        assert_eq!(about["version"], json!(["1.0.3", "2.0.0"]));

        // No credentials, a wrong secret: 401 with a Basic challenge.
        let res = h.get("/xapi/statements", None).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Basic realm=\"xAPI\"");
        assert_eq!(res.headers()["x-experience-api-version"], "2.0.0");
        let wrong = Client::new(key_id, "not the secret");
        assert_eq!(wrong.get(&h, "").await.status(), StatusCode::UNAUTHORIZED);

        // The right key works; without a version header, or an unknown version, it is 400.
        assert_eq!(client.get(&h, "").await.status(), StatusCode::OK);
        let req = |v: Option<&str>| {
            let mut b = Request::get("/xapi/statements").header(header::AUTHORIZATION, &client.basic);
            if let Some(v) = v {
                b = b.header("X-Experience-API-Version", v);
            }
            b.body(Body::empty()).unwrap()
        };
        let msg = error_of(h.send(req(None)).await, StatusCode::BAD_REQUEST).await;
        assert!(msg.contains("X-Experience-API-Version"), "{msg}");
        assert_eq!(h.send(req(Some("0.95"))).await.status(), StatusCode::BAD_REQUEST);
        let res = h.send(req(Some("1.0.3"))).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["x-experience-api-version"], "1.0.3");

        // Revoked: refused from then on.
        let res = h
            .send(
                Request::delete(format!("/api/v1/orgs/north/lrs-keys/{key_id}"))
                    .header(header::AUTHORIZATION, format!("Bearer {}", org.admin_token))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        assert_eq!(client.get(&h, "").await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn statements_round_trip_through_put_post_and_get(db: TestDb) {
        let h = Harness::new(db);
        let c = setup(&h, "north").await;
        let id = Uuid::new_v4();
        let s = statement("ann@example.org", &verb("attempted"), &act("icd"));

        assert_eq!(c.put(&h, id, s.clone()).await.status(), StatusCode::NO_CONTENT);
        // The same statement again changes nothing; a different one under its id conflicts.
        assert_eq!(c.put(&h, id, s.clone()).await.status(), StatusCode::NO_CONTENT);
        let other = statement("bob@example.org", &verb("attempted"), &act("icd"));
        error_of(c.put(&h, id, other).await, StatusCode::CONFLICT).await;

        let res = c.get(&h, &format!("statementId={id}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers().contains_key("x-experience-api-consistent-through"));
        assert!(res.headers().contains_key(header::LAST_MODIFIED));
        let got = body_json(res).await;
        assert_eq!(got["id"], id.to_string());
        assert_eq!(got["actor"]["mbox"], "mailto:ann@example.org");
        assert!(got["stored"].as_str().unwrap().ends_with('Z'));
        assert_eq!(got["timestamp"], got["stored"]);
        assert_eq!(got["authority"]["account"]["name"], "course player");
        assert!(got["authority"]["account"]["homePage"].as_str().unwrap().ends_with("/orgs/north"));

        // POST one or a batch: ids in the order sent, generated where absent.
        let given = Uuid::new_v4();
        let mut with_id = statement("cy@example.org", &verb("passed"), &act("icd"));
        with_id["id"] = json!(given.to_string());
        let res = c
            .post(&h, json!([with_id, statement("di@example.org", &verb("failed"), &act("icd"))]))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let ids = body_json(res).await;
        assert_eq!(ids[0], given.to_string());
        let generated = ids[1].as_str().unwrap();
        let got = body_json(c.get(&h, &format!("statementId={generated}")).await).await;
        assert_eq!(got["actor"]["mbox"], "mailto:di@example.org");

        // HEAD answers like GET, without a body.
        let res = c.send(&h, Method::HEAD, &format!("/xapi/statements?statementId={id}"), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(body_text(res).await.is_empty());

        // Unknown ids are 404; the list holds all three, newest first.
        let res = c.get(&h, &format!("statementId={}", Uuid::new_v4())).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let all = c.ids(&h, "").await;
        assert_eq!(all, vec![generated.to_owned(), given.to_string(), id.to_string()]);
    }

    async fn a_batch_with_one_bad_statement_stores_nothing(db: TestDb) {
        let h = Harness::new(db);
        let c = setup(&h, "north").await;
        let good = statement("ann@example.org", &verb("attempted"), &act("icd"));
        let mut bad = statement("bob@example.org", &verb("attempted"), &act("icd"));
        bad["verb"]["id"] = json!("not an iri");
        let msg = error_of(c.post(&h, json!([good.clone(), bad])).await, StatusCode::BAD_REQUEST).await;
        assert!(msg.starts_with("statement 1"), "{msg}");
        // Two statements with one id in a batch are refused too.
        let id = Uuid::new_v4().to_string();
        let mut a = good.clone();
        a["id"] = json!(id);
        error_of(c.post(&h, json!([a.clone(), a])).await, StatusCode::BAD_REQUEST).await;
        assert!(c.ids(&h, "").await.is_empty());
    }

    async fn voiding_hides_a_statement_from_all_but_voided_statement_id(db: TestDb) {
        let h = Harness::new(db);
        let c = setup(&h, "north").await;
        let res = c.post(&h, statement("ann@example.org", &verb("passed"), &act("icd"))).await;
        let target = body_json(res).await[0].as_str().unwrap().to_owned();
        let res = c.post(&h, voiding(&target)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let voider = body_json(res).await[0].as_str().unwrap().to_owned();

        assert_eq!(c.get(&h, &format!("statementId={target}")).await.status(), StatusCode::NOT_FOUND);
        let got = body_json(c.get(&h, &format!("voidedStatementId={target}")).await).await;
        assert_eq!(got["id"], target);
        // A statement that is not voided is not found as voided.
        let res = c.get(&h, &format!("voidedStatementId={voider}")).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(c.ids(&h, "").await, vec![voider.clone()]);
        // Filters follow the reference: the voiding statement matches its target's verb,
        // actor and activity; a refusal still says how consistent the LRS is.
        let passed = format!("verb={}", form_encode(&verb("passed")));
        assert_eq!(c.ids(&h, &passed).await, vec![voider.clone()]);
        let ann = json!({"mbox": "mailto:ann@example.org"}).to_string();
        let by_ann = format!("agent={}&activity={}", form_encode(&ann), form_encode(&act("icd")));
        assert_eq!(c.ids(&h, &by_ann).await, vec![voider.clone()]);
        assert!(c.ids(&h, &format!("verb={}", form_encode(&verb("failed")))).await.is_empty());
        let res = c.get(&h, &format!("statementId={target}")).await;
        assert!(res.headers().contains_key("x-experience-api-consistent-through"));

        // A voiding statement cannot be voided.
        let msg = error_of(c.post(&h, voiding(&voider)).await, StatusCode::BAD_REQUEST).await;
        assert!(msg.contains("voiding"), "{msg}");

        // The voiding may arrive first: its target is stored voided.
        let late = Uuid::new_v4();
        assert_eq!(c.post(&h, voiding(&late.to_string())).await.status(), StatusCode::OK);
        let s = statement("bob@example.org", &verb("passed"), &act("icd"));
        assert_eq!(c.put(&h, late, s).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(c.get(&h, &format!("statementId={late}")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(c.get(&h, &format!("voidedStatementId={late}")).await.status(), StatusCode::OK);
    }

    async fn list_filters_match_and_more_pages_to_the_end(db: TestDb) {
        let h = Harness::new(db);
        let c = setup(&h, "north").await;
        let reg = Uuid::new_v4();
        let mut ids = Vec::new();
        for i in 0..7 {
            let email = if i % 2 == 0 { "ann@example.org" } else { "bob@example.org" };
            let v = if i < 3 { verb("attempted") } else { verb("passed") };
            let mut s = statement(email, &v, &act(&format!("m{}", i % 3)));
            if i == 4 {
                s["context"] = json!({
                    "registration": reg.to_string(),
                    "instructor": {"mbox": "mailto:teacher@example.org"},
                    "contextActivities": {"parent": [{"id": act("course")}]}
                });
            }
            let res = c.post(&h, s).await;
            assert_eq!(res.status(), StatusCode::OK);
            ids.push(body_json(res).await[0].as_str().unwrap().to_owned());
        }
        let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
        let pick = |is: &[usize]| -> Vec<String> { is.iter().rev().map(|&i| ids[i].clone()).collect() };
        let enc = |s: &str| form_encode(s);

        let ann = json!({"mbox": "mailto:ann@example.org"}).to_string();
        assert_eq!(c.ids(&h, &format!("agent={}", enc(&ann))).await, pick(&[0, 2, 4, 6]));
        assert_eq!(c.ids(&h, &format!("verb={}", enc(&verb("attempted")))).await, pick(&[0, 1, 2]));
        assert_eq!(c.ids(&h, &format!("activity={}", enc(&act("m1")))).await, pick(&[1, 4]));
        assert_eq!(c.ids(&h, &format!("registration={reg}")).await, pick(&[4]));
        // Context activities and instructors match only when related_* is asked.
        assert!(c.ids(&h, &format!("activity={}", enc(&act("course")))).await.is_empty());
        assert_eq!(
            c.ids(&h, &format!("activity={}&related_activities=true", enc(&act("course")))).await,
            pick(&[4])
        );
        let teacher = json!({"mbox": "mailto:teacher@example.org"}).to_string();
        assert!(c.ids(&h, &format!("agent={}", enc(&teacher))).await.is_empty());
        assert_eq!(
            c.ids(&h, &format!("agent={}&related_agents=true", enc(&teacher))).await,
            pick(&[4])
        );
        // Filters combine.
        assert_eq!(
            c.ids(&h, &format!("agent={}&verb={}", enc(&ann), enc(&verb("passed")))).await,
            pick(&[4, 6])
        );

        // Ascending, and limit with more links followed to the end.
        assert_eq!(c.ids(&h, "ascending=true").await, ids);
        let first = body_json(c.get(&h, "limit=3").await).await;
        assert_eq!(first["statements"].as_array().unwrap().len(), 3);
        assert!(first["more"].as_str().unwrap().starts_with("/xapi/statements?more="));
        assert_eq!(c.ids(&h, "limit=3").await, newest_first);
        assert_eq!(c.ids(&h, "limit=2&ascending=true").await, ids);
        // A statement stored while paging does not appear in the pages already begun.
        let page1 = body_json(c.get(&h, "limit=4").await).await;
        c.post(&h, statement("cy@example.org", &verb("passed"), &act("m9"))).await;
        let page2 = body_json(c.get(&h, page1["more"].as_str().unwrap()).await).await;
        let later: Vec<&str> = page2["statements"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(later, newest_first[4..].iter().map(String::as_str).collect::<Vec<_>>());

        // since/until compare with stored.
        let stored_of = |v: &Value| v["stored"].as_str().unwrap().to_owned();
        let third = body_json(c.get(&h, &format!("statementId={}", ids[2])).await).await;
        let since = c.ids(&h, &format!("since={}&ascending=true", enc(&stored_of(&third)))).await;
        assert!(!since.contains(&ids[2]));
        assert!(since.contains(&ids[6]));
        let until = c.ids(&h, &format!("until={}&ascending=true", enc(&stored_of(&third)))).await;
        assert!(until.contains(&ids[2]) && until.contains(&ids[0]));
        assert!(!until.contains(&ids[6]) || stored_of(&third) >= stored_of(&body_json(c.get(&h, &format!("statementId={}", ids[6])).await).await));

        // A bad filter is 400.
        assert_eq!(c.get(&h, "agent=ann").await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(c.get(&h, "more=garbage").await.status(), StatusCode::BAD_REQUEST);
    }

    async fn each_organization_sees_only_its_statements(db: TestDb) {
        let h = Harness::new(db);
        let north = setup(&h, "north").await;
        let south = setup(&h, "south").await;
        let id = Uuid::new_v4();
        let s = statement("ann@example.org", &verb("passed"), &act("icd"));
        assert_eq!(north.put(&h, id, s.clone()).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(south.get(&h, &format!("statementId={id}")).await.status(), StatusCode::NOT_FOUND);
        assert!(south.ids(&h, "").await.is_empty());
        // The same id is free in another organization, and voiding there does not reach here.
        let other = statement("zed@example.org", &verb("passed"), &act("icd"));
        assert_eq!(south.put(&h, id, other).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(south.post(&h, voiding(&id.to_string())).await.status(), StatusCode::OK);
        let got = body_json(north.get(&h, &format!("statementId={id}")).await).await;
        assert_eq!(got["actor"]["mbox"], "mailto:ann@example.org");
    }

    async fn malformed_statements_are_refused_and_not_stored(db: TestDb) {
        let h = Harness::new(db);
        let c = setup(&h, "north").await;
        let good = statement("ann@example.org", &verb("passed"), &act("icd"));
        let mut bad_iri = good.clone();
        bad_iri["object"]["id"] = json!("no scheme here");
        let mut bad_uuid = good.clone();
        bad_uuid["id"] = json!("not-a-uuid");
        let mut wrong_type = good.clone();
        wrong_type["verb"] = json!("http://example.org/verbs/passed");
        let mut bad_mbox = good.clone();
        bad_mbox["actor"]["mbox"] = json!("ann@example.org");
        for s in [bad_iri, bad_uuid, wrong_type, bad_mbox] {
            let msg = error_of(c.post(&h, s.clone()).await, StatusCode::BAD_REQUEST).await;
            assert!(!msg.is_empty());
        }
        for body in [json!("a string"), json!(42), json!([])] {
            error_of(c.post(&h, body).await, StatusCode::BAD_REQUEST).await;
        }
        let res = h
            .send(
                Request::post("/xapi/statements")
                    .header(header::AUTHORIZATION, &c.basic)
                    .header("X-Experience-API-Version", "2.0.0")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{\"actor\": "))
                    .unwrap(),
            )
            .await;
        error_of(res, StatusCode::BAD_REQUEST).await;
        // A body beyond the statements limit is refused as too large.
        let mut huge = good.clone();
        huge["result"] = json!({"response": "x".repeat(17 * 1024 * 1024)});
        let res = c.post(&h, huge).await;
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(c.ids(&h, "").await.is_empty());
        // The server is still there.
        assert_eq!(c.post(&h, good).await.status(), StatusCode::OK);
    }
}

/// A multipart/mixed statements body: the statements, then each `(content type, content,
/// hash header)` as an attachment part.
fn multipart_body(boundary: &str, statements: &Value, parts: &[(&str, &[u8], String)]) -> Vec<u8> {
    let mut out =
        format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n{statements}").into_bytes();
    for (ct, content, hash) in parts {
        out.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Type: {ct}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {hash}\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(content);
    }
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    out
}

async fn post_multipart(
    h: &Harness,
    c: &Client,
    content_type: &str,
    body: Vec<u8>,
) -> Response<Body> {
    let req = Request::post("/xapi/statements")
        .header(header::AUTHORIZATION, &c.basic)
        .header("X-Experience-API-Version", "2.0.0")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    h.send(req).await
}

fn with_attachment(id: Uuid, content: &[u8], usage: &str, content_type: &str) -> Value {
    let mut s = statement("ann@example.org", &verb("attached"), &act("report"));
    s["id"] = json!(id.to_string());
    s["attachments"] = json!([{
        "usageType": usage,
        "display": {"en-US": "report"},
        "contentType": content_type,
        "length": content.len(),
        "sha2": cairn_lrs::attachments::sha256_hex(content)
    }]);
    s
}

fn base64url(bytes: &[u8]) -> String {
    base64(bytes)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

/// A JWS compact serialization of `payload` (the signature bytes are not checked by the LRS).
fn jws(alg: &str, payload: &Value) -> Vec<u8> {
    let header = json!({"alg": alg}).to_string();
    format!(
        "{}.{}.{}",
        base64url(header.as_bytes()),
        base64url(payload.to_string().as_bytes()),
        base64url(b"not checked signature bytes")
    )
    .into_bytes()
}

const SIGNATURE: &str = "http://adlnet.gov/expapi/attachments/signature";
const BOUNDARY: &str = "-------314159265358979323846";

backend_tests! {
    async fn attachments_round_trip_through_multipart(db: TestDb) {
        let h = Harness::new(db);
        let c = setup(&h, "north").await;
        let id = Uuid::new_v4();
        let content: &[u8] = b"here is a simple attachment\r\n--not the boundary";
        let s = with_attachment(id, content, "http://example.org/usage/report", "text/plain");
        let hash = cairn_lrs::attachments::sha256_hex(content);
        let body = multipart_body(BOUNDARY, &s, &[("text/plain", content, hash.clone())]);
        let res = post_multipart(&h, &c, &format!("multipart/mixed; boundary={BOUNDARY}"), body).await;
        assert_eq!(res.status(), StatusCode::OK);

        // attachments=false (the default) is JSON as before.
        let res = c.get(&h, &format!("statementId={id}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(body_json(res).await["id"], id.to_string());

        // attachments=true: the statement first, then its attachment with its hash.
        for query in [format!("statementId={id}&attachments=true"), "attachments=true".to_owned()] {
            let res = c.get(&h, &query).await;
            assert_eq!(res.status(), StatusCode::OK);
            let ct = res.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
            let boundary = cairn_lrs::multipart::boundary_of(&ct).unwrap();
            let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
            let parts = cairn_lrs::multipart::parse(&boundary, &bytes).unwrap();
            assert_eq!(parts.len(), 2, "{query}");
            let first: Value = serde_json::from_slice(&parts[0].body).unwrap();
            let got = if query.starts_with("statementId") { first } else { first["statements"][0].clone() };
            assert_eq!(got["id"], id.to_string());
            assert_eq!(parts[1].body, content);
            assert_eq!(parts[1].header("X-Experience-API-Hash"), Some(hash.as_str()));
            assert_eq!(parts[1].header("Content-Transfer-Encoding"), Some("binary"));
            assert_eq!(parts[1].header("Content-Type"), Some("text/plain"));
        }

        // application/json: fine when every attachment has a fileUrl, refused otherwise.
        let mut by_url = with_attachment(Uuid::new_v4(), b"elsewhere", "http://example.org/usage/report", "text/plain");
        by_url["attachments"][0]["fileUrl"] = json!("http://example.org/files/1.txt");
        assert_eq!(c.post(&h, by_url).await.status(), StatusCode::OK);
        let inline = with_attachment(Uuid::new_v4(), b"inline", "http://example.org/usage/report", "text/plain");
        let msg = error_of(c.post(&h, inline).await, StatusCode::BAD_REQUEST).await;
        assert!(msg.contains("fileUrl"), "{msg}");
    }

    async fn malformed_multipart_is_refused_with_nothing_stored(db: TestDb) {
        let h = Harness::new(db);
        let c = setup(&h, "north").await;
        let ct = format!("multipart/mixed; boundary={BOUNDARY}");
        let content: &[u8] = b"the attachment";
        let hash = cairn_lrs::attachments::sha256_hex(content);
        let other_hash = cairn_lrs::attachments::sha256_hex(b"something else");
        let fresh = || with_attachment(Uuid::new_v4(), content, "http://example.org/usage/report", "text/plain");

        let cases: Vec<(&str, String, Vec<u8>)> = vec![
            ("hash mismatch", ct.clone(), multipart_body(BOUNDARY, &fresh(), &[("text/plain", b"tampered", hash.clone())])),
            ("missing part", ct.clone(), multipart_body(BOUNDARY, &fresh(), &[])),
            ("extra part", ct.clone(), multipart_body(BOUNDARY, &fresh(), &[
                ("text/plain", content, hash.clone()),
                ("text/plain", b"something else", other_hash),
            ])),
            ("bad boundary", "multipart/mixed; boundary=\"unclosed".to_owned(), multipart_body(BOUNDARY, &fresh(), &[("text/plain", content, hash.clone())])),
            ("other boundary", "multipart/mixed; boundary=elsewhere".to_owned(), multipart_body(BOUNDARY, &fresh(), &[("text/plain", content, hash.clone())])),
            ("no boundary", "multipart/mixed".to_owned(), multipart_body(BOUNDARY, &fresh(), &[("text/plain", content, hash.clone())])),
            ("form-data", format!("multipart/form-data; boundary={BOUNDARY}"), multipart_body(BOUNDARY, &fresh(), &[("text/plain", content, hash.clone())])),
        ];
        let mut cases = cases;
        let full = multipart_body(BOUNDARY, &fresh(), &[("text/plain", content, hash.clone())]);
        cases.push(("truncated", ct.clone(), full[..full.len() - 20].to_vec()));
        for (what, content_type, body) in cases {
            let res = post_multipart(&h, &c, &content_type, body).await;
            let msg = error_of(res, StatusCode::BAD_REQUEST).await;
            assert!(!msg.is_empty(), "{what}");
        }
        // Nothing was stored, and the server still answers.
        assert!(c.ids(&h, "").await.is_empty());
        let ok = multipart_body(BOUNDARY, &fresh(), &[("text/plain", content, hash)]);
        assert_eq!(post_multipart(&h, &c, &ct, ok).await.status(), StatusCode::OK);
        assert_eq!(c.ids(&h, "").await.len(), 1);
    }

    async fn signed_statements_are_checked_against_their_payload(db: TestDb) {
        let h = Harness::new(db);
        let c = setup(&h, "north").await;
        let ct = format!("multipart/mixed; boundary={BOUNDARY}");
        let signed = |alg: &str, payload: &Value, sent: &Value| {
            let sig = jws(alg, payload);
            let mut s = sent.clone();
            s["attachments"] = json!([{
                "usageType": SIGNATURE,
                "display": {"en-US": "signature"},
                "contentType": "application/octet-stream",
                "length": sig.len(),
                "sha2": cairn_lrs::attachments::sha256_hex(&sig)
            }]);
            let hash = cairn_lrs::attachments::sha256_hex(&sig);
            multipart_body(BOUNDARY, &s, &[("application/octet-stream", &sig, hash)])
        };
        let mut s = statement("ann@example.org", &verb("passed"), &act("exam"));
        s["id"] = json!(Uuid::new_v4().to_string());
        s["result"] = json!({"duration": "PT1.1237S"});
        let mut payload = s.clone();
        payload["result"]["duration"] = json!("PT1.12S");
        for alg in ["RS256", "RS384", "RS512"] {
            let mut sent = s.clone();
            sent["id"] = json!(Uuid::new_v4().to_string());
            let mut p = payload.clone();
            p["id"] = sent["id"].clone();
            let res = post_multipart(&h, &c, &ct, signed(alg, &p, &sent)).await;
            assert_eq!(res.status(), StatusCode::OK, "{alg}");
        }

        // A payload that differs, another algorithm, a JWS that is not one: 400.
        let mut differs = payload.clone();
        differs["verb"]["id"] = json!(verb("failed"));
        let msg = error_of(post_multipart(&h, &c, &ct, signed("RS256", &differs, &s)).await, StatusCode::BAD_REQUEST).await;
        assert!(msg.contains("XAPI-00116"), "{msg}");
        let msg = error_of(post_multipart(&h, &c, &ct, signed("HS256", &payload, &s)).await, StatusCode::BAD_REQUEST).await;
        assert!(msg.contains("XAPI-00117"), "{msg}");
        let sig = b"no.jws".to_vec();
        let mut broken = s.clone();
        broken["attachments"] = json!([{
            "usageType": SIGNATURE, "display": {"en-US": "signature"},
            "contentType": "application/octet-stream", "length": sig.len(),
            "sha2": cairn_lrs::attachments::sha256_hex(&sig)
        }]);
        let body = multipart_body(BOUNDARY, &broken, &[("application/octet-stream", &sig, cairn_lrs::attachments::sha256_hex(&sig))]);
        error_of(post_multipart(&h, &c, &ct, body).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(c.ids(&h, "").await.len(), 3);
    }
}
