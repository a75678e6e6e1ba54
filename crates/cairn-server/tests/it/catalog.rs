//! The catalog, modules and lessons over the API and in the browser.

use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use cairn_app::orgs::NewOrg;
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::json;

use crate::*;

const NB: &str = "northbridge-academy";
const AUTHOR: &str = "priya.natarajan@northbridge.example";
const LEARNER: &str = "amara.okafor@riverside.example";

/// A provider organization with an author token and a learner token.
async fn provider(h: &Harness, slug: &str) -> (String, String) {
    let sys = Principal::system();
    h.app
        .create_org(
            &sys,
            NewOrg {
                slug: Some(slug.into()),
                name: format!("Provider {slug}"),
                kinds: vec![OrgKind::Provider],
            },
        )
        .await
        .unwrap();
    let author = h.token(slug, Role::Author).await;
    let learner = h.token(slug, Role::Learner).await;
    (author, learner)
}

fn lesson_json(title: &str) -> serde_json::Value {
    json!({
        "title": title,
        "summary": "Reading ICD-11 stem codes and extension codes.",
        "objectives": ["Read a stem code"],
        "duration_minutes": 10,
        "language": "en",
        "format": "lesson",
        "tags": ["icd-11"],
        "pages": [{"title": "Stems", "markdown": "A stem code stands alone. <script>alert(1)</script> [x](javascript:alert(1))"}],
        "questions": [{"prompt": "Does a stem stand alone?", "choices": ["Yes", "No"], "answer": 0}]
    })
}

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

fn form(path: &str, cookies: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookies)
        .body(Body::from(body.to_owned()))
        .unwrap()
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

/// A page as a browser asking for `lang` gets it.
async fn get_in(h: &Harness, path: &str, cookies: &str, lang: &str) -> String {
    let res = h
        .send(
            Request::get(path)
                .header(header::COOKIE, cookies)
                .header(header::ACCEPT_LANGUAGE, lang)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{path} in {lang}");
    body_text(res).await
}

/// Sign in through the form; returns the cookies to continue with.
async fn sign_in(h: &Harness, email: &str) -> String {
    let page = h.get("/signin", None).await;
    let csrf = set_cookie_value(&page, "cairn_csrf").unwrap();
    let cookies = format!("cairn_csrf={csrf}");
    let body = format!(
        "email={}&password={}&csrf={csrf}",
        enc(email),
        enc(cairn_app::demo::DEMO_PASSWORD)
    );
    let res = h.send(form("/signin", &cookies, &body)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign in as {email}");
    format!(
        "{cookies}; cairn_session={}",
        set_cookie_value(&res, "cairn_session").unwrap()
    )
}

/// The session's form token, read from a page's sign-out form.
fn page_csrf(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

fn location(res: &Response<Body>) -> String {
    res.headers()
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

backend_tests! {
    async fn authors_write_and_publish_modules_over_the_api(db: TestDb) {
        let h = Harness::new(db);
        let (author, learner) = provider(&h, "np").await;
        // Learners may not write modules; nobody may without signing in.
        let v = problem(h.json(Method::POST, "/api/v1/orgs/np/modules", Some(&learner), lesson_json("x")).await, StatusCode::FORBIDDEN).await;
        assert!(v["detail"].as_str().unwrap().contains("author"), "{v}");
        problem(h.json(Method::POST, "/api/v1/orgs/np/modules", None, lesson_json("x")).await, StatusCode::UNAUTHORIZED).await;
        let mut bad = lesson_json("Too long");
        bad["duration_minutes"] = json!(900);
        let v = problem(h.json(Method::POST, "/api/v1/orgs/np/modules", Some(&author), bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("duration_minutes"), "{v}");

        let res = h.json(Method::POST, "/api/v1/orgs/np/modules", Some(&author), lesson_json("ICD-11 stems")).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let draft = body_json(res).await;
        assert_eq!(draft["state"], "draft");
        let module = draft["module_id"].as_str().unwrap().to_owned();
        // A draft is not public.
        problem(h.get(&format!("/api/v1/modules/{module}"), None).await, StatusCode::NOT_FOUND).await;
        let res = h.get(&format!("/api/v1/modules/{module}"), Some(&author)).await;
        assert_eq!(body_json(res).await["draft"]["id"], draft["id"]);

        problem(h.json(Method::POST, &format!("/api/v1/modules/{module}/publish"), Some(&learner), json!({})).await, StatusCode::FORBIDDEN).await;
        let res = h.json(Method::POST, &format!("/api/v1/modules/{module}/publish"), Some(&author), json!({})).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v1 = body_json(res).await;
        assert_eq!(v1["state"], "published");
        assert_eq!(v1["content_hash"].as_str().unwrap().len(), 64);

        let found = body_json(h.get("/api/v1/catalog?q=stems&format=lesson", None).await).await;
        assert_eq!(found["total"], 1);
        assert_eq!(found["modules"][0]["version_id"], v1["id"]);

        // Editing the published module starts version 2; version 1 stays as it was.
        let res = h.json(Method::PUT, &format!("/api/v1/modules/{module}"), Some(&author), lesson_json("ICD-11 stems, revised")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v2 = body_json(res).await;
        assert_eq!((v2["number"].as_i64(), v2["state"].as_str()), (Some(2), Some("draft")));
        let again = body_json(h.get(&format!("/api/v1/module-versions/{}", v1["id"].as_str().unwrap()), None).await).await;
        assert_eq!(again, v1);
        problem(h.get(&format!("/api/v1/module-versions/{}", v2["id"].as_str().unwrap()), None).await, StatusCode::NOT_FOUND).await;

        // Filters are checked.
        let v = problem(h.get("/api/v1/catalog?sort=price", None).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(v["detail"].as_str().unwrap().contains("relevance"), "{v}");
        problem(h.get("/api/v1/catalog?min_minutes=soon", None).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        let doc = body_text(h.get("/api/openapi.json", None).await).await;
        assert!(doc.contains("/api/v1/catalog") && doc.contains("/api/v1/modules/{id}/publish"), "the OpenAPI document lists the catalog");
    }

    async fn learners_find_take_and_finish_a_lesson_in_the_browser(db: TestDb) {
        let h = Harness::new(db);
        h.app.seed_demo().await.unwrap();
        let html = body_text(h.get("/catalog?q=ICD-11", None).await).await;
        assert!(html.contains("ICD-11 foundations") && html.contains("Search modules"), "{html}");
        let first = html.split(">ICD-11 foundations").next().unwrap().rsplit("href=\"/modules/").next().unwrap().split('"').next().unwrap().to_owned();
        let filtered = body_text(h.get("/catalog?q=&provider=rhwc&format=xapi&min_minutes=&max_minutes=20&language=&sort=title", None).await).await;
        assert!(filtered.contains("Regional Health Workforce Council") && !filtered.contains("Northbridge Clinical Academy</p>"), "{filtered}");
        let res = h.get("/catalog?sort=price", None).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("role=\"alert\""));

        let page = body_text(h.get(&format!("/modules/{first}"), None).await).await;
        assert!(page.contains("Take the module") && page.contains("content hash"), "{page}");
        assert!(page.contains("ICD.1") && page.contains("/catalog?competency="), "aligned competencies link to their modules: {page}");
        let domain = html.split("<select id=\"domain\"").nth(1).unwrap().split("<option value=\"").nth(2).unwrap().split('"').next().unwrap().to_owned();
        let in_domain = body_text(h.get(&format!("/catalog?domain={domain}"), None).await).await;
        assert!(in_domain.contains("5 modules") && in_domain.contains("ICD-11 foundations"), "{in_domain}");
        let res = h.get(&format!("/modules/{first}/learn"), None).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        let cookies = sign_in(&h, LEARNER).await;
        let lesson = body_text(get_with(&h, &format!("/modules/{first}/learn"), &cookies).await).await;
        assert!(lesson.contains("Page 1 of 3") && lesson.contains("<strong>1 January 2022</strong>"), "{lesson}");
        let csrf = page_csrf(&lesson);
        let res = h.send(form(&format!("/modules/{first}/learn"), &cookies, "csrf=wrong&page=1")).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        // Without a session the form sends the person to sign in, whatever the token.
        let res = h.send(form(&format!("/modules/{first}/learn"), "", &format!("csrf={csrf}&page=1"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/signin");
        let res = h.send(form(&format!("/modules/{first}/learn"), &cookies, &format!("csrf={csrf}&page=1"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(location(&res).ends_with("page=2"));
        // Progress is kept: coming back continues on page 2.
        let again = body_text(get_with(&h, &format!("/modules/{first}/learn"), &cookies).await).await;
        assert!(again.contains("Page 2 of 3"), "{again}");
        let check = body_text(get_with(&h, &format!("/modules/{first}/learn?page=4"), &cookies).await).await;
        assert!(check.contains("Knowledge check") && check.contains("type=\"radio\""), "{check}");
        let res = h.send(form(&format!("/modules/{first}/learn"), &cookies, &format!("csrf={csrf}&action=check&q0=1&q1=1"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let result = body_text(get_with(&h, &location(&res), &cookies).await).await;
        assert!(result.contains("You answered 1 of 2 questions correctly"), "{result}");
        let module = body_text(get_with(&h, &format!("/modules/{first}"), &cookies).await).await;
        assert!(module.contains("3 of 3 pages, completed"), "{module}");
        // A learner cannot open the author pages.
        assert_eq!(get_with(&h, &format!("/orgs/{NB}/modules/new"), &cookies).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(get_with(&h, &format!("/modules/{first}/edit"), &cookies).await.status(), StatusCode::FORBIDDEN);
    }

    async fn authors_write_a_lesson_in_the_browser_and_its_markdown_renders_inert(db: TestDb) {
        let h = Harness::new(db);
        h.app.seed_demo().await.unwrap();
        let cookies = sign_in(&h, AUTHOR).await;
        let list = body_text(get_with(&h, &format!("/orgs/{NB}/modules"), &cookies).await).await;
        assert!(list.contains("Write a new module") && list.contains("ICD-11 foundations"), "{list}");
        let new = body_text(get_with(&h, &format!("/orgs/{NB}/modules/new"), &cookies).await).await;
        let csrf = page_csrf(&new);
        let res = h.send(form(&format!("/orgs/{NB}/modules/new"), &cookies, &format!("csrf={csrf}&title=&summary=x&duration_minutes=10&language=en&format=lesson"))).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("title: must not be empty"));
        let body = format!("csrf={csrf}&title={}&summary={}&objectives={}&duration_minutes=8&language=en&format=lesson&url=&activity_iri=&tags=safety%2C+xss", enc("Safe lesson pages"), enc("Lesson text is rendered safely."), enc("One\nTwo"));
        let res = h.send(form(&format!("/orgs/{NB}/modules/new"), &cookies, &body)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let edit = location(&res);
        let id = edit.trim_start_matches("/modules/").trim_end_matches("/edit").to_owned();
        let md = "Hello <script>alert('x')</script> and [bad](javascript:alert(1)) and <img src=x onerror=alert(2)> and [good](https://who.int)";
        let res = h.send(form(&format!("/modules/{id}/pages"), &cookies, &format!("csrf={csrf}&title=Page+one&markdown={}", enc(md)))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = h.send(form(&format!("/modules/{id}/questions"), &cookies, &format!("csrf={csrf}&prompt=Safe%3F&choices={}&answer=3", enc("Yes\nNo")))).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "answer 3 of 2 choices");
        let res = h.send(form(&format!("/modules/{id}/questions"), &cookies, &format!("csrf={csrf}&prompt=Safe%3F&choices={}&answer=1", enc("Yes\nNo")))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let editor = body_text(get_with(&h, &format!("/modules/{id}/edit"), &cookies).await).await;
        let competency = editor.split("<select id=\"competency\" name=\"competency\" required>").nth(1).unwrap().split("<option value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let res = h.send(form(&format!("/modules/{id}/alignments"), &cookies, &format!("csrf={csrf}&competency={competency}&level=3"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = h.send(form(&format!("/modules/{id}/alignments"), &cookies, &format!("csrf={csrf}&competency=nonsense&level=3"))).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let editor = body_text(res).await;
        assert!(editor.contains("choose a competency") && editor.contains("ICD.1") && editor.contains("target level 3"), "{editor}");
        let res = h.send(form(&format!("/modules/{id}/publish"), &cookies, "csrf=nope")).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = h.send(form(&format!("/modules/{id}/publish"), &cookies, &format!("csrf={csrf}"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let lesson = body_text(get_with(&h, &format!("/modules/{id}/learn?page=1"), &cookies).await).await;
        assert!(!lesson.contains("<script>alert") && lesson.contains("&lt;script&gt;"), "{lesson}");
        assert!(!lesson.contains("<img src=x") && !lesson.contains("href=\"javascript:"), "{lesson}");
        assert!(lesson.contains("href=\"https://who.int\""), "{lesson}");
        // Editing the published module in the browser starts version 2.
        let res = h.send(form(&edit, &cookies, &body.replace("Safe+lesson", "Safer+lesson").replace(&enc("Safe lesson pages"), &enc("Safer lesson pages")))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let view = body_text(get_with(&h, &format!("/modules/{id}"), &cookies).await).await;
        assert!(view.contains("Version 2: draft") && view.contains("Version 1: published") && view.contains("Safe lesson pages"), "{view}");
        assert!(view.contains("ICD.1") && view.contains("target level 3"), "the published version keeps its alignment: {view}");
        let found = body_text(h.get("/catalog?q=safe+lesson", None).await).await;
        assert!(found.contains("Safe lesson pages"), "{found}");
    }

    async fn catalog_lessons_and_stacks_speak_french_when_the_browser_asks(db: TestDb) {
        let h = Harness::new(db);
        h.app.seed_demo().await.unwrap();
        // Ids that would show as themselves if a page asked for a word the catalog lacks.
        let ids = ["catalog-heading", "catalog-count-other", "module-take", "module-lesson-size", "lesson-page-of", "stack-mine-title", "stack-svg-held", "nav-sign-in"];
        let leaked = |html: &str| ids.iter().filter(|id| html.contains(*id)).map(|id| id.to_string()).collect::<Vec<_>>();

        let en = get_in(&h, "/catalog?q=ICD-11", "", "en-GB").await;
        assert!(en.contains("<html lang=\"en\">") && en.contains("Module catalog") && en.contains("Sign in</a>"), "{en}");
        assert!(leaked(&en).is_empty(), "{:?}", leaked(&en));

        let fr = get_in(&h, "/catalog?q=ICD-11", "", "fr-FR,fr;q=0.9,en;q=0.5").await;
        assert!(fr.contains("<html lang=\"fr\">"), "{fr}");
        for words in ["Catalogue des modules", "Rechercher des modules", "Tous les organismes", "Accrédités uniquement", "Se connecter</a>"] {
            assert!(fr.contains(words), "{words} in {fr}");
        }
        assert!(!fr.contains("Module catalog") && !fr.contains("Any provider"), "{fr}");
        assert!(leaked(&fr).is_empty(), "{:?}", leaked(&fr));
        assert!(fr.contains("ICD-11 foundations"), "module titles are data and stay as written: {fr}");

        let first = fr.split(">ICD-11 foundations").next().unwrap().rsplit("href=\"/modules/").next().unwrap().split('"').next().unwrap().to_owned();
        let module = get_in(&h, &format!("/modules/{first}"), "", "fr").await;
        for words in ["Suivre le module", "3 pages et un quiz de 2 questions.", "empreinte du contenu", "Connectez-vous</a> pour suivre la leçon"] {
            assert!(module.contains(words), "{words} in {module}");
        }
        assert!(leaked(&module).is_empty(), "{:?}", leaked(&module));

        let cookies = sign_in(&h, LEARNER).await;
        let lesson = get_in(&h, &format!("/modules/{first}/learn"), &cookies, "fr").await;
        assert!(lesson.contains("Page 1 sur 3") && lesson.contains("Page suivante") && lesson.contains("Se déconnecter"), "{lesson}");
        assert!(leaked(&lesson).is_empty(), "{:?}", leaked(&lesson));

        // The stack pictures are drawn on the server, legend and description included.
        let stacks = get_in(&h, "/me/stacks", &cookies, "fr").await;
        assert!(stacks.contains("<html lang=\"fr\">") && stacks.contains("<h1>Vos empilements</h1>"), "{stacks}");
        assert!(leaked(&stacks).is_empty(), "{:?}", leaked(&stacks));
        assert!(stacks.contains("<svg") && stacks.contains("Règle"), "{stacks}");
        assert!(stacks.contains(">Obtenu</text>") || stacks.contains(">Manquant</text>"), "the legend is in French: {stacks}");
        assert!(!stacks.contains(">Held</text>") && !stacks.contains(">Missing</text>"), "{stacks}");
    }
}
