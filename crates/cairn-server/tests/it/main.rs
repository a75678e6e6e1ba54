//! The real router, in-process, on a database of its own per test (SQLite, and PostgreSQL
//! when `CAIRN_TEST_POSTGRES_URL` is set).

mod accreditation;
mod api;
mod assessments;
mod assignments;
mod authz_matrix;
mod awards;
mod catalog;
mod credentials;
mod frameworks;
mod icd11;
mod issuing;
mod jobs;
mod limits;
mod metrics;
mod notifications;
mod pages;
mod pages_workforce;
mod registry;
mod reviews;
mod stacks;
mod workforce;
mod xapi;
mod xapi_documents;
mod xapi_evidence;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use cairn_app::accounts::NewUser;
use cairn_app::orgs::{NewMember, NewOrg, NewToken};
use cairn_app::{App, AppConfig};
use cairn_core::{OrgKind, Principal, Role};
use cairn_server::{AppState, ServerConfig, router};
use cairn_store::testing::TestDb;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct Harness {
    pub app: App,
    pub router: Router,
    _db: TestDb,
}

impl Harness {
    pub fn new(db: TestDb) -> Self {
        Self::with_config(db, |_| {})
    }

    /// A harness whose application runs with the test configuration as `change` leaves it.
    pub fn with_config(db: TestDb, change: impl FnOnce(&mut AppConfig)) -> Self {
        let mut config = AppConfig::for_tests();
        change(&mut config);
        let app = App::new(db.store.clone(), config);
        let router = router(AppState::new(
            app.clone(),
            ServerConfig {
                secure_cookies: false,
            },
        ));
        Harness {
            app,
            router,
            _db: db,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(req).await.unwrap()
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Response<Body> {
        let mut b = Request::get(path);
        if let Some(t) = bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: serde_json::Value,
    ) -> Response<Body> {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// The secret of a new API token acting with `role` in organization `slug`.
    pub async fn token(&self, slug: &str, role: Role) -> String {
        let new = NewToken {
            name: format!("{role} token"),
            role,
            expires_in_days: None,
        };
        self.app
            .create_token(&Principal::system(), slug, new)
            .await
            .unwrap()
            .secret
    }

    /// An organization with an admin who can sign in, and an admin token for it.
    pub async fn org(&self, slug: &str) -> OrgFixture {
        let sys = Principal::system();
        self.app
            .create_org(
                &sys,
                NewOrg {
                    slug: Some(slug.into()),
                    name: format!("Org {slug}"),
                    kinds: vec![OrgKind::Employer],
                },
            )
            .await
            .unwrap();
        let admin_email = format!("admin@{slug}.example");
        self.app
            .create_user(
                &sys,
                NewUser {
                    display_name: format!("Admin of {slug}"),
                    email: admin_email.clone(),
                    password: Some(PASSWORD.into()),
                    is_operator: false,
                },
            )
            .await
            .unwrap();
        self.app
            .add_member(
                &sys,
                slug,
                NewMember {
                    email: admin_email.clone(),
                    display_name: None,
                    role: Role::Admin,
                    job_title: None,
                },
            )
            .await
            .unwrap();
        let admin_token = self.token(slug, Role::Admin).await;
        let learner_token = self.token(slug, Role::Learner).await;
        OrgFixture {
            admin_email,
            admin_token,
            learner_token,
        }
    }
}

pub const PASSWORD: &str = "a long enough password";

/// Someone signed in with a browser session: the cookie and the CSRF token their calls carry.
pub struct Person {
    pub cookie: String,
    pub csrf: String,
}

impl Harness {
    /// A new account with `email`, signed in.
    pub async fn person(&self, email: &str) -> Person {
        self.app
            .create_user(
                &Principal::system(),
                NewUser {
                    display_name: format!("Person {}", email.split('@').next().unwrap_or(email)),
                    email: email.into(),
                    password: Some(PASSWORD.into()),
                    is_operator: false,
                },
            )
            .await
            .unwrap();
        self.signed_in(email).await
    }

    /// A new account holding `role` in `slug`, signed in.
    pub async fn member(&self, email: &str, slug: &str, role: Role) -> Person {
        self.person(email).await;
        self.app
            .add_member(
                &Principal::system(),
                slug,
                NewMember {
                    email: email.into(),
                    display_name: None,
                    role,
                    job_title: None,
                },
            )
            .await
            .unwrap();
        self.signed_in(email).await
    }

    /// A session for an existing account whose password is [`PASSWORD`].
    pub async fn signed_in(&self, email: &str) -> Person {
        let s = self.app.sign_in(email, PASSWORD).await.unwrap();
        Person {
            cookie: format!("cairn_session={}", s.session_secret),
            csrf: s.csrf_token,
        }
    }
}

impl Person {
    /// An API call with the session cookie (and the CSRF header writes need).
    pub async fn api(
        &self,
        h: &Harness,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Response<Body> {
        let b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header(header::CONTENT_TYPE, "application/json");
        h.send(
            b.body(Body::from(body.map(|v| v.to_string()).unwrap_or_default()))
                .unwrap(),
        )
        .await
    }

    /// A form posted from a page, with the session's form token.
    pub async fn form(&self, h: &Harness, path: &str, fields: &[(&str, &str)]) -> Response<Body> {
        let mut body = format!("csrf={}", form_encode(&self.csrf));
        for (k, v) in fields {
            body.push_str(&format!("&{}={}", form_encode(k), form_encode(v)));
        }
        h.send(
            Request::post(path)
                .header(header::COOKIE, &self.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// A page, as this person's browser asks for it.
    pub async fn page(&self, h: &Harness, path: &str) -> Response<Body> {
        h.send(
            Request::get(path)
                .header(header::COOKIE, &self.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }
}

pub struct OrgFixture {
    pub admin_email: String,
    pub admin_token: String,
    pub learner_token: String,
}

/// Where a redirect points.
pub fn location(res: &Response<Body>) -> String {
    res.headers()
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// `application/x-www-form-urlencoded` encoding of one value.
pub fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn body_text(res: Response<Body>) -> String {
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

pub async fn body_json(res: Response<Body>) -> serde_json::Value {
    let text = body_text(res).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Assert a problem+json response with `status`, returning its body.
pub async fn problem(res: Response<Body>, status: StatusCode) -> serde_json::Value {
    assert_eq!(res.status(), status);
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(ct, "application/problem+json");
    let v = body_json(res).await;
    assert_eq!(v["status"], status.as_u16());
    assert!(v["detail"].as_str().is_some_and(|d| !d.is_empty()), "{v}");
    v
}
