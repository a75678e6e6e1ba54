//! Assignments over HTTP: a bad CSV is 422 problem+json listing every row problem and
//! imports nothing; a good one imports everything; assigning, listing (JSON and CSV), team
//! progress, cancelling and a worker's own list; the pages, their forms and refusals.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cairn_app::assignments::iso_date;
use cairn_app::orgs::NewOrg;
use cairn_core::{OrgKind, Principal, Role, Team};
use cairn_store::backend_tests;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::*;

struct World {
    manager_token: String,
    manager: Person,
    module: Uuid,
    coding: Uuid,
}

/// A provider with a published module, and an employer "acme" (from the harness) with a
/// manager and two teams, Coding and Wards.
async fn world(h: &Harness) -> World {
    let sys = Principal::system();
    h.app
        .create_org(
            &sys,
            NewOrg {
                slug: Some("council".into()),
                name: "Regional Council".into(),
                kinds: vec![OrgKind::Provider],
            },
        )
        .await
        .unwrap();
    let content: cairn_core::catalog::ModuleContent = serde_json::from_value(json!({
        "title": "ICD-11 stem codes", "summary": "Stem codes.", "objectives": ["Choose the stem code"],
        "duration_minutes": 12, "language": "en", "format": "lesson", "alignments": [], "tags": [],
        "pages": [{"title": "Stems", "markdown": "CA40 is pneumonia."}], "questions": []
    }))
    .unwrap();
    let draft = h.app.create_module(&sys, "council", content).await.unwrap();
    let module = h
        .app
        .publish_module(&sys, draft.module_id)
        .await
        .unwrap()
        .module_id;
    h.org("acme").await;
    let org = h.app.org_unchecked("acme").await.unwrap();
    let coding = Team {
        id: Uuid::now_v7(),
        org_id: org.id,
        name: "Coding".into(),
    };
    let wards = Team {
        id: Uuid::now_v7(),
        org_id: org.id,
        name: "Wards".into(),
    };
    let mut tx = h.app.store.begin().await.unwrap();
    tx.conn().insert_team(&coding).await.unwrap();
    tx.conn().insert_team(&wards).await.unwrap();
    tx.commit().await.unwrap();
    World {
        manager_token: h.token("acme", Role::Manager).await,
        manager: h
            .member("manager@acme.example", "acme", Role::Manager)
            .await,
        module,
        coding: coding.id,
    }
}

async fn csv_post(h: &Harness, path: &str, token: &str, csv: &str) -> axum::http::Response<Body> {
    h.send(
        Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(csv.to_owned()))
            .unwrap(),
    )
    .await
}

/// Members, team members and audit events of acme.
async fn counts(h: &Harness) -> (i64, i64, usize) {
    let sys = Principal::system();
    let (_, _, members) = h.app.members(&sys, "acme", 1, 0).await.unwrap();
    let team_members = h
        .app
        .teams(&sys, "acme")
        .await
        .unwrap()
        .iter()
        .map(|t| t.members)
        .sum();
    let (audit, _) = h.app.audit_log(&sys, "acme", 0, 1000).await.unwrap();
    (members, team_members, audit.len())
}

fn multipart(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "cairnboundaryQ3x9Lm2";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

const BAD_WORKERS: &str = "email,name,team,job_title\n\
    ana@acme.example,Ana Silva,Coding,Clinical Coder\n\
    not-an-email,Bob Byrne,Coding,\n\
    cy@acme.example,Cy Obi,Nowhere,\n\
    ana@acme.example,Ana Again,Wards,\n\
    dee@acme.example,Dee Park\n";

const GOOD_WORKERS: &str = "email,name,team,job_title\n\
    ana@acme.example,Ana Silva,Coding,Clinical Coder\n\
    bo@acme.example,Bo Lind,Coding,\n\
    cy@acme.example,Cy Obi,Wards,\n";

backend_tests! {
    async fn a_bad_csv_is_422_listing_every_row_problem_and_imports_nothing(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        let before = counts(&h).await;
        let res = csv_post(&h, "/api/v1/orgs/acme/workers/import", &w.manager_token, BAD_WORKERS).await;
        let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(p["type"], "https://cairn.dev/problems/invalid-csv");
        let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["row 3, email", "row 4, team", "row 5, email", "row 6, team"], "{p}");
        let messages: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
        assert!(messages[0].contains("e-mail address"), "{p}");
        assert!(messages[1].contains("no team named 'Nowhere'"), "{p}");
        assert!(messages[2].contains("also on row 2"), "{p}");
        assert!(messages[3].starts_with("missing column"), "{p}");
        assert_eq!(counts(&h).await, before, "nothing imported, nothing audited");
        assert!(h.app.user_by_email("ana@acme.example").await.unwrap().is_none());

        // The page says the same, beside the form, and imports nothing either.
        let (ct, body) = multipart(&[("csrf", &w.manager.csrf), ("csv", BAD_WORKERS)]);
        let res = h.send(Request::post("/orgs/acme/workers/import").header(header::COOKIE, &w.manager.cookie)
            .header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(res).await;
        assert!(html.contains("Nothing was imported: 4 problem(s) to fix"), "{html}");
        for needle in ["<td class=\"num\">3</td><td>email</td>", "<td class=\"num\">4</td><td>team</td>", "<td class=\"num\">6</td><td>team</td>"] {
            assert!(html.contains(needle), "{needle} in {html}");
        }
        assert!(html.contains("not-an-email,Bob Byrne"), "the rows come back to be fixed");
        assert_eq!(counts(&h).await, before);
        // Without the form's token: refused.
        let (ct, body) = multipart(&[("csrf", "forged"), ("csv", GOOD_WORKERS)]);
        let res = h.send(Request::post("/orgs/acme/workers/import").header(header::COOKIE, &w.manager.cookie)
            .header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(counts(&h).await, before);

        // A good file imports everything.
        let res = csv_post(&h, "/api/v1/orgs/acme/workers/import", &w.manager_token, GOOD_WORKERS).await;
        assert_eq!(res.status(), StatusCode::OK);
        let s = body_json(res).await;
        assert_eq!((s["rows"].as_u64(), s["accounts_created"].as_u64(), s["members_added"].as_u64(), s["teams_joined"].as_u64()), (Some(3), Some(3), Some(3), Some(3)), "{s}");
        assert_eq!(counts(&h).await, (before.0 + 3, before.1 + 3, before.2 + 1));
        // Learners and other organizations' managers may not import.
        let res = csv_post(&h, "/api/v1/orgs/acme/workers/import", &h.token("acme", Role::Learner).await, GOOD_WORKERS).await;
        problem(res, StatusCode::FORBIDDEN).await;
        h.org("other").await;
        let res = csv_post(&h, "/api/v1/orgs/acme/workers/import", &h.token("other", Role::Manager).await, GOOD_WORKERS).await;
        problem(res, StatusCode::FORBIDDEN).await;

        // Assignments: a bad file is refused row by row; a good one assigns.
        let due = iso_date(cairn_app::now().date() + time::Duration::days(20));
        let bad = format!("email,kind,target,due_on\nana@acme.example,module,ICD-11 stem codes,{due}\nbo@acme.example,module,Nope,{due}\nzed@acme.example,module,ICD-11 stem codes,2020-01-01\n");
        let p = problem(csv_post(&h, "/api/v1/orgs/acme/assignments/import", &w.manager_token, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["row 3, target", "row 4, email", "row 4, due_on"], "{p}");
        let good = format!("email,kind,target,due_on\nana@acme.example,module,ICD-11 stem codes,{due}\nbo@acme.example,module,{},{due}\n", w.module);
        let res = csv_post(&h, "/api/v1/orgs/acme/assignments/import", &w.manager_token, &good).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(body_json(res).await["assignments_made"], 2);
    }

    async fn assign_list_export_progress_and_cancel_over_the_api(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        let ana = h.member("ana@acme.example", "acme", Role::Learner).await;
        h.member("bo@acme.example", "acme", Role::Learner).await;
        let sys = Principal::system();
        let (_, members, _) = h.app.members(&sys, "acme", 50, 0).await.unwrap();
        let mut tx = h.app.store.begin().await.unwrap();
        for m in members.iter().filter(|m| m.email.as_deref().is_some_and(|e| e.starts_with("ana@") || e.starts_with("bo@"))) {
            tx.conn().add_team_member(w.coding, m.user_id).await.unwrap();
        }
        tx.commit().await.unwrap();
        let due = iso_date(cairn_app::now().date() + time::Duration::days(7));
        let body = json!({"kind": "module", "target_id": w.module, "due_on": due, "team_id": w.coding, "note": "Before the audit"});
        let res = h.json(Method::POST, "/api/v1/orgs/acme/assignments", Some(&w.manager_token), body.clone()).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let made = body_json(res).await;
        assert_eq!((made["assignments"].as_array().unwrap().len(), made["skipped"].as_u64()), (2, Some(0)), "{made}");
        let res = h.json(Method::POST, "/api/v1/orgs/acme/assignments", Some(&w.manager_token), body.clone()).await;
        assert_eq!(body_json(res).await["skipped"], 2);

        let list = body_json(h.get("/api/v1/orgs/acme/assignments", Some(&w.manager_token)).await).await;
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.iter().all(|a| a["state"] == "open" && a["due_on"] == due.as_str() && a["team"] == "Coding" && a["target_title"] == "ICD-11 stem codes"), "{list:?}");
        let open = body_json(h.get("/api/v1/orgs/acme/assignments?state=done", Some(&w.manager_token)).await).await;
        assert_eq!(open.as_array().unwrap().len(), 0);
        problem(h.get("/api/v1/orgs/acme/assignments?state=late", Some(&w.manager_token)).await, StatusCode::UNPROCESSABLE_ENTITY).await;

        let res = h.get("/api/v1/orgs/acme/assignments?format=csv", Some(&w.manager_token)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
        let csv = body_text(res).await;
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "worker,email,team,kind,target,target_id,due_on,state,completed_at,note");
        assert_eq!(lines.len(), 3, "{csv}");
        assert!(lines[1..].iter().all(|l| l.contains(",Coding,module,ICD-11 stem codes,") && l.contains(",open,")), "{csv}");

        let progress = body_json(h.get("/api/v1/orgs/acme/team-progress", Some(&w.manager_token)).await).await;
        let coding = progress.as_array().unwrap().iter().find(|t| t["team_name"] == "Coding").unwrap().clone();
        assert_eq!((coding["assigned"].as_i64(), coding["done"].as_i64(), coding["overdue"].as_i64()), (Some(2), Some(0), Some(0)));

        // The worker sees theirs, and was notified with a link to the module.
        let mine = body_json(ana.api(&h, Method::GET, "/api/v1/me/assignments", None).await).await;
        let mine = mine.as_array().unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0]["link"], format!("/modules/{}", w.module));
        let notes = body_json(ana.api(&h, Method::GET, "/api/v1/me/notifications", None).await).await;
        assert!(notes["notifications"].as_array().unwrap().iter().any(|n| n["kind"] == "assignment.new" && n["link"] == format!("/modules/{}", w.module)), "{notes}");
        let page = body_text(ana.page(&h, "/me/assignments").await).await;
        assert!(page.contains("ICD-11 stem codes") && page.contains(&due), "{page}");

        // Cancel one; again is a conflict; a learner and another organization may not.
        let id = mine[0]["id"].as_str().unwrap().to_owned();
        let res = h.json(Method::DELETE, &format!("/api/v1/orgs/acme/assignments/{id}"), Some(&w.manager_token), json!({})).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        problem(h.json(Method::DELETE, &format!("/api/v1/orgs/acme/assignments/{id}"), Some(&w.manager_token), json!({})).await, StatusCode::CONFLICT).await;
        assert_eq!(body_json(ana.api(&h, Method::GET, "/api/v1/me/assignments", None).await).await.as_array().unwrap().len(), 0);
        let learner = h.token("acme", Role::Learner).await;
        problem(h.json(Method::POST, "/api/v1/orgs/acme/assignments", Some(&learner), body.clone()).await, StatusCode::FORBIDDEN).await;
        h.org("other").await;
        let other = h.token("other", Role::Manager).await;
        problem(h.json(Method::POST, "/api/v1/orgs/acme/assignments", Some(&other), body.clone()).await, StatusCode::FORBIDDEN).await;
        problem(h.get("/api/v1/orgs/acme/assignments", Some(&other)).await, StatusCode::FORBIDDEN).await;
        problem(h.get("/api/v1/orgs/acme/team-progress", Some(&other)).await, StatusCode::FORBIDDEN).await;
        // A past date and a bad one are refused with the field named.
        let p = problem(h.json(Method::POST, "/api/v1/orgs/acme/assignments", Some(&w.manager_token), json!({"kind": "module", "target_id": w.module, "due_on": "2020-01-01", "team_id": w.coding})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(p["errors"][0]["field"], "due_on");
        let p = problem(h.json(Method::POST, "/api/v1/orgs/acme/assignments", Some(&w.manager_token), json!({"kind": "module", "target_id": w.module, "due_on": "soon", "team_id": w.coding})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(p["errors"][0]["field"], "due_on");
        // The OpenAPI document names the routes.
        let doc: Value = body_json(h.get("/api/openapi.json", None).await).await;
        for path in ["/api/v1/orgs/{slug}/assignments", "/api/v1/orgs/{slug}/assignments/{id}", "/api/v1/me/assignments", "/api/v1/orgs/{slug}/workers/import", "/api/v1/orgs/{slug}/assignments/import", "/api/v1/orgs/{slug}/team-progress"] {
            assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
        }
    }

    async fn the_manager_assigns_from_the_page(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        let ana = h.member("ana@acme.example", "acme", Role::Learner).await;
        let res = w.manager.page(&h, "/orgs/acme/assignments").await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = body_text(res).await;
        for needle in ["<h1>Assignments of Org acme</h1>", "Progress by team", "<label for=\"target\">", "/api/v1/orgs/acme/assignments?format=csv", "ana@acme.example"] {
            assert!(html.contains(needle), "{needle} in {html}");
        }
        let home = body_text(w.manager.page(&h, "/").await).await;
        assert!(home.contains("/orgs/acme/assignments"), "the manager's home links to assignments");

        let ana_id = h.app.user_by_email("ana@acme.example").await.unwrap().unwrap().id.to_string();
        let due = iso_date(cairn_app::now().date() + time::Duration::days(3));
        // A title that does not exist: the form comes back with the reason and what was typed.
        let res = w.manager.form(&h, "/orgs/acme/assignments", &[("kind", "module"), ("target", "No such module"), ("due_on", &due), ("worker", &ana_id)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(res).await;
        assert!(html.contains("There is no published module titled") && html.contains("value=\"No such module\""), "{html}");
        let res = w.manager.form(&h, "/orgs/acme/assignments", &[("kind", "module"), ("target", "ICD-11 stem codes"), ("due_on", &due), ("worker", &ana_id), ("note", "Thanks")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let to = location(&res);
        assert_eq!(to, "/orgs/acme/assignments?assigned=1&skipped=0");
        let html = body_text(w.manager.page(&h, &to).await).await;
        assert!(html.contains("Assigned to 1 worker(s)") && html.contains("Thanks"), "{html}");
        let mine = body_text(ana.page(&h, "/me/assignments").await).await;
        assert!(mine.contains(&format!("href=\"/modules/{}\"", w.module)), "{mine}");
        // A learner cannot see the manager's page.
        assert_eq!(ana.page(&h, "/orgs/acme/assignments").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(ana.page(&h, "/orgs/acme/workers/import").await.status(), StatusCode::FORBIDDEN);

        // A good assignments file through the page.
        let (ct, body) = multipart(&[("csrf", &w.manager.csrf), ("csv", &format!("email,kind,target,due_on\nana@acme.example,module,{},{due}\n", w.module))]);
        let res = h.send(Request::post("/orgs/acme/assignments/import").header(header::COOKIE, &w.manager.cookie)
            .header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()).await;
        // It is imported in the background; its job's page tells the result.
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let job = location(&res);
        let mut state = Value::Null;
        for _ in 0..600 {
            state = body_json(w.manager.page(&h, &format!("{job}/progress")).await).await;
            if state["finished"] == true {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(state["state"], "succeeded", "{state}");
        let html = body_text(w.manager.page(&h, &job).await).await;
        assert!(html.contains("skipped (the worker already had it open): 1"), "{html}");
    }
}
