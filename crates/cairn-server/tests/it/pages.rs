use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use cairn_store::backend_tests;

use crate::*;

/// The value a response sets for cookie `name`.
fn set_cookie_value(res: &Response<Body>, name: &str) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
}

fn form(path: &str, cookies: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookies)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn enc(s: &str) -> String {
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

/// Load the sign-in form as a browser would, then post it. Returns the response and the
/// cookie header to continue with.
async fn sign_in(h: &Harness, email: &str, password: &str) -> (Response<Body>, String) {
    let page = h.get("/signin", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let csrf = set_cookie_value(&page, "cairn_csrf").expect("a CSRF cookie");
    let html = body_text(page).await;
    assert!(
        html.contains(&format!("value=\"{csrf}\"")),
        "the form carries the CSRF token"
    );
    let cookies = format!("cairn_csrf={csrf}");
    let res = h
        .send(form(
            "/signin",
            &cookies,
            &format!(
                "email={}&password={}&csrf={csrf}",
                enc(email),
                enc(password)
            ),
        ))
        .await;
    let session = set_cookie_value(&res, "cairn_session");
    let cookies = match session {
        Some(s) => format!("{cookies}; cairn_session={s}"),
        None => cookies,
    };
    (res, cookies)
}

async fn get_with(h: &Harness, path: &str, cookies: &str) -> Response<Body> {
    h.send(
        Request::get(path)
            .header(header::COOKIE, cookies)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

backend_tests! {
    async fn sign_in_and_out_in_the_browser(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        let (res, cookies) = sign_in(&h, &a.admin_email, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let set = res.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>().join("\n");
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
        let home = get_with(&h, "/", &cookies).await;
        assert_eq!(home.status(), StatusCode::OK);
        let html = body_text(home).await;
        assert!(html.contains("Welcome, Admin of alpha") && html.contains("Administration"), "{html}");
        let org = body_text(get_with(&h, "/orgs/alpha", &cookies).await).await;
        assert!(org.contains("Members") && org.contains("API tokens"), "{org}");

        // The same cookie works for the API, for reads; writes also need the CSRF header.
        assert_eq!(get_with(&h, "/api/v1/me", &cookies).await.status(), StatusCode::OK);
        let req = Request::patch("/api/v1/orgs/alpha").header(header::COOKIE, &cookies).header(header::CONTENT_TYPE, "application/json").body(Body::from("{\"name\":\"Renamed\"}")).unwrap();
        problem(h.send(req).await, StatusCode::UNAUTHORIZED).await;

        // Sign out needs the session's form token.
        let res = h.send(form("/signout", &cookies, "csrf=wrong")).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let res = h.send(form("/signout", &cookies, &format!("csrf={csrf}"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let after = get_with(&h, "/", &cookies).await;
        assert_eq!(after.status(), StatusCode::SEE_OTHER);
        assert_eq!(after.headers().get(header::LOCATION).unwrap(), "/signin");
        problem(get_with(&h, "/api/v1/me", &cookies).await, StatusCode::UNAUTHORIZED).await;
    }

    async fn wrong_password_shows_an_error_next_to_the_form(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        let (res, cookies) = sign_in(&h, &a.admin_email, "not the password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(!cookies.contains("cairn_session"));
        let html = body_text(res).await;
        assert!(html.contains("role=\"alert\"") && html.contains("password is wrong"), "{html}");
        assert!(html.contains(&a.admin_email), "the e-mail address is kept in the form");
    }

    async fn repeated_failures_lock_the_account_in_the_browser_too(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        for _ in 0..5 {
            sign_in(&h, &a.admin_email, "not the password").await;
        }
        let (res, _) = sign_in(&h, &a.admin_email, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(body_text(res).await.contains("locked"));
    }

    async fn colleagues_sharing_an_address_all_sign_in_while_failures_are_limited(db: TestDb) {
        let h = Harness::with_config(db, |c| c.sign_in_attempts_per_window = 3);
        let a = h.org("alpha").await;
        for _ in 0..10 {
            let (res, _) = sign_in(&h, &a.admin_email, PASSWORD).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "a successful sign-in is not counted");
        }
        for n in 0..3 {
            let (res, _) = sign_in(&h, &format!("nobody{n}@example.org"), PASSWORD).await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        let (res, _) = sign_in(&h, &a.admin_email, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(body_text(res).await.contains("Too many sign-in attempts"));
    }

    async fn sign_in_without_the_form_token_is_refused(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        let res = h.send(form("/signin", "", &format!("email={}&password={}&csrf=", enc(&a.admin_email), enc(PASSWORD)))).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = h.send(form("/signin", "cairn_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &format!("email={}&password={}&csrf=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", enc(&a.admin_email), enc(PASSWORD)))).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    async fn invalid_session_cookie_sends_to_sign_in(db: TestDb) {
        let h = Harness::new(db);
        let res = get_with(&h, "/", "cairn_session=made-up").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers().get(header::LOCATION).unwrap(), "/signin");
        let res = get_with(&h, "/orgs/alpha", "cairn_session=made-up").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }

    async fn every_demo_persona_signs_in_to_a_home_page_of_their_own(db: TestDb) {
        let h = Harness::new(db);
        h.app.seed_demo().await.unwrap();
        for p in cairn_app::demo::PERSONAS {
            let (res, cookies) = sign_in(&h, p.email, cairn_app::demo::DEMO_PASSWORD).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", p.persona);
            let html = body_text(get_with(&h, "/", &cookies).await).await;
            assert!(html.contains(&format!("Welcome, {}", p.name)), "{}: {html}", p.persona);
            let expected = match p.persona {
                "Learner" => "Your learning",
                "Workforce manager" => "Your workforce",
                "Author" => "Authoring",
                "Assessor" => "Assessment",
                "Accreditor" => "Accreditation review",
                "Issuer admin" => "Administration",
                _ => "Platform",
            };
            assert!(html.contains(expected), "{}: {html}", p.persona);
            // …and the way to their work, wherever it is.
            let work = match p.persona {
                "Learner" => "href=\"/evidence\"",
                "Author" => "href=\"/orgs/northbridge-academy/items\"",
                "Assessor" => "href=\"/reviews\"",
                _ => "href=\"/orgs/",
            };
            assert!(html.contains(work), "{}: {html}", p.persona);
        }
        // The learner persona sees her credentials and can open them.
        let (_, cookies) = sign_in(&h, "amara.okafor@riverside.example", cairn_app::demo::DEMO_PASSWORD).await;
        let home = body_text(get_with(&h, "/", &cookies).await).await;
        assert!(home.contains("Your credentials") && home.contains("ICD-11 Clinical Coder"), "{home}");
        let link = home.split("href=\"/credentials/").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let page = body_text(h.get(&format!("/credentials/{link}"), None).await).await;
        assert!(page.contains("Verified."), "{page}");
        // Each credential links to the chain of decisions behind it.
        assert!(home.contains(&format!("/credentials/{link}/chain")), "{home}");
        // A learner sees their organization but not its member list.
        let (_, cookies) = sign_in(&h, "amara.okafor@riverside.example", cairn_app::demo::DEMO_PASSWORD).await;
        let org = body_text(get_with(&h, "/orgs/riverside-health", &cookies).await).await;
        assert!(org.contains("Riverside Health Network") && !org.contains("id=\"members\""), "{org}");
        let res = get_with(&h, "/orgs/cheq", &cookies).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    async fn pages_and_assets_are_self_contained(db: TestDb) {
        let h = Harness::new(db);
        let html = body_text(h.get("/signin", None).await).await;
        assert!(!html.contains("http://") && !html.contains("https://"), "no page loads from another host");
        let css = h.get("/assets/cairn.css", None).await;
        assert_eq!(css.status(), StatusCode::OK);
        assert!(css.headers().get(header::CACHE_CONTROL).unwrap().to_str().unwrap().contains("max-age"));
        assert_eq!(h.get("/assets/nope.js", None).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(h.get("/no/such/page", None).await.status(), StatusCode::NOT_FOUND);
    }

    async fn pages_speak_the_language_asked_for_and_the_switcher_remembers_it(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        let get_with = |path: &str, headers: &[(header::HeaderName, &str)]| {
            let mut b = Request::get(path);
            for (k, v) in headers {
                b = b.header(k, *v);
            }
            h.send(b.body(Body::empty()).unwrap())
        };

        let res = get_with("/signin", &[(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9,en;q=0.5")]).await;
        assert_eq!(res.headers()[header::CONTENT_LANGUAGE], "fr");
        let html = body_text(res).await;
        assert!(html.contains(r#"<html lang="fr">"#), "{html}");
        assert!(html.contains("Se connecter") && html.contains("Adresse e-mail"), "{html}");
        assert!(html.contains(r#"hreflang="en">English</a>"#), "the switcher offers English");
        assert_no_catalog_ids(&html);

        let html = body_text(h.get("/signin", None).await).await;
        assert!(html.contains(r#"<html lang="en">"#) && html.contains("E-mail address"));
        assert!(
            html.replace("&#38;", "&").contains(r#"href="/language?to=fr&back=/signin""#),
            "the switcher offers French and comes back here: {html}"
        );
        assert_no_catalog_ids(&html);

        let res = h.get("/language?to=fr&back=%2Fverify%3Fx%3D1", None).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/verify?x=1");
        assert_eq!(set_cookie_value(&res, "cairn_lang").as_deref(), Some("fr"));
        let res = get_with(
            "/verify",
            &[(header::COOKIE, "cairn_lang=fr"), (header::ACCEPT_LANGUAGE, "en")],
        )
        .await;
        let html = body_text(res).await;
        assert!(html.contains("<h1 id=\"verify-title\">Vérifier une certification</h1>"), "the cookie wins over the browser: {html}");

        for back in ["//evil.example/x", "https://evil.example/", "/\\evil.example"] {
            let res = h.get(&format!("/language?to=en&back={}", enc(back)), None).await;
            assert_eq!(location(&res), "/", "{back} is not followed");
        }
        let res = h.get("/language?to=xx&back=/", None).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body_text(res).await.contains("Language not available"));

        let (_, cookies) = sign_in(&h, &a.admin_email, PASSWORD).await;
        let res = get_with("/", &[(header::COOKIE, &format!("{cookies}; cairn_lang=fr"))]).await;
        let html = body_text(res).await;
        assert!(html.contains("Bienvenue, Admin of alpha"), "{html}");
        assert!(html.contains("administrateur") && html.contains("Se déconnecter"), "{html}");
        assert_no_catalog_ids(&html);
        let res = get_with("/orgs/alpha", &[(header::COOKIE, &format!("{cookies}; cairn_lang=fr"))]).await;
        let html = body_text(res).await;
        assert!(html.contains("Membres") && html.contains("Activité récente"), "{html}");
        assert_no_catalog_ids(&html);
    }

    async fn the_operator_starts_an_organization_with_its_first_admin_on_the_home_page(db: TestDb) {
        let h = Harness::new(db);
        let a = h.org("alpha").await;
        h.app
            .create_user(
                &cairn_core::Principal::system(),
                cairn_app::accounts::NewUser {
                    display_name: "Olga Operator".into(),
                    email: "ops@example.org".into(),
                    password: Some(PASSWORD.into()),
                    is_operator: true,
                },
            )
            .await
            .unwrap();
        let op = h.signed_in("ops@example.org").await;
        let home = body_text(op.page(&h, "/").await).await;
        assert!(home.contains("Start an organization") && home.contains(r#"href="/registry""#), "{home}");

        // Each problem is shown by its field, with what was typed kept; nothing is created.
        let base = [
            ("name", "Lakeside Care"),
            ("slug", ""),
            ("kind_employer", "on"),
            ("admin_email", "lena@lakeside.example"),
            ("admin_name", "Lena Berg"),
            ("admin_password", PASSWORD),
        ];
        let without = |skip: &str| base.iter().copied().filter(|(k, _)| *k != skip).collect::<Vec<_>>();
        let res = op.form(&h, "/orgs", &without("kind_employer")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(res).await;
        assert!(html.contains(r#"id="org-err-kinds""#) && html.contains("choose at least one kind"), "{html}");
        assert!(html.contains(r#"value="Lakeside Care""#), "what was typed is kept");
        assert!(!html.contains(PASSWORD), "the password is not echoed back");
        let res = op.form(&h, "/orgs", &without("admin_name")).await;
        let html = body_text(res).await;
        assert!(html.contains(r#"aria-describedby="org-err-admin_name""#) && html.contains("has no account yet"), "{html}");
        let mut taken = base.to_vec();
        taken[1] = ("slug", "alpha");
        let html = body_text(op.form(&h, "/orgs", &taken).await).await;
        assert!(html.contains(r#"id="org-err-slug""#) && html.contains("Another organization already has this short name"), "{html}");
        assert!(h.app.org_unchecked("lakeside-care").await.is_err(), "nothing was created");

        let res = op.form(&h, "/orgs", &base).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/orgs/lakeside-care");
        // The operator sees what the organization is, not its people.
        let html = body_text(op.page(&h, "/orgs/lakeside-care").await).await;
        assert!(html.contains("Lakeside Care") && html.contains("You operate this Cairn installation"), "{html}");
        assert!(!html.contains("lena@lakeside.example"), "{html}");
        // The new administrator signs in with the password they were handed and runs it.
        let lena = h.signed_in("lena@lakeside.example").await;
        let html = body_text(lena.page(&h, "/orgs/lakeside-care").await).await;
        assert!(html.contains("lena@lakeside.example") && html.contains("Recent activity"), "{html}");

        // An existing account can be made the first admin of another organization.
        let existing = [
            ("name", "Hilltop Issuers"),
            ("kind_issuer", "on"),
            ("admin_email", a.admin_email.as_str()),
        ];
        assert_eq!(op.form(&h, "/orgs", &existing).await.status(), StatusCode::SEE_OTHER);
        let admin = h.signed_in(&a.admin_email).await;
        let html = body_text(admin.page(&h, "/orgs/hilltop-issuers").await).await;
        assert!(html.contains("Members"), "{html}");

        // Someone who is not the operator cannot start organizations.
        let res = admin.form(&h, "/orgs", &base).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(!body_text(admin.page(&h, "/").await).await.contains("Start an organization"));
    }
}

/// A message id that shows in a page's text instead of its words is a slip: the id is
/// missing from the catalog. (Element ids and classes may look like message ids.)
fn assert_no_catalog_ids(html: &str) {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let leaked: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|w| w.contains('-') && cairn_server::i18n::is_defined(w))
        .collect();
    assert!(
        leaked.is_empty(),
        "message ids shown instead of text: {leaked:?}"
    );
}
