//! Long operations over HTTP: a CSV import and a bulk award start a job, whose page and
//! JSON view follow it to the end; what it applied is in the database; another person
//! cannot see it; a bad file starts nothing; the pages read in French too.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cairn_app::credentials::NewAchievement;
use cairn_app::orgs::NewOrg;
use cairn_core::{AchievementKind, OrgKind, Principal, Role, Team};
use cairn_store::backend_tests;
use serde_json::Value;
use uuid::Uuid;

use crate::*;

fn multipart(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "cairnjobsboundary7Hq2";
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

async fn post_form(
    h: &Harness,
    who: &Person,
    path: &str,
    fields: &[(&str, &str)],
) -> axum::http::Response<Body> {
    let mut all = vec![("csrf", who.csrf.as_str())];
    all.extend_from_slice(fields);
    let (ct, body) = multipart(&all);
    h.send(
        Request::post(path)
            .header(header::COOKIE, &who.cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// Follow the job a form started (its 303) through the JSON view to the end; the last view.
async fn follow(h: &Harness, who: &Person, res: axum::http::Response<Body>) -> (String, Value) {
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = location(&res);
    assert!(page.starts_with("/jobs/"), "{page}");
    for _ in 0..600 {
        let res = who.page(h, &format!("{page}/progress")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v = body_json(res).await;
        if v["finished"] == true {
            return (page, v);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{page} did not finish");
}

async fn issued(h: &Harness, org: Uuid) -> i64 {
    let mut r = h.app.store.reader().await.unwrap();
    r.conn().count_credentials(org).await.unwrap()
}

/// acme (employer, from the harness) with a team, a manager and a learner; council, an
/// issuer with an admin and one achievement.
struct World {
    manager: Person,
    learner: Person,
    acme_admin: Person,
    council_admin: Person,
    achievement: Uuid,
}

async fn world(h: &Harness) -> World {
    let fx = h.org("acme").await;
    let org = h.app.org_unchecked("acme").await.unwrap();
    let mut tx = h.app.store.begin().await.unwrap();
    tx.conn()
        .insert_team(&Team {
            id: Uuid::now_v7(),
            org_id: org.id,
            name: "Coding".into(),
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let sys = Principal::system();
    h.app
        .create_org(
            &sys,
            NewOrg {
                slug: Some("council".into()),
                name: "Regional Council".into(),
                kinds: vec![OrgKind::Issuer],
            },
        )
        .await
        .unwrap();
    let a = h
        .app
        .create_achievement(
            &sys,
            "council",
            NewAchievement {
                kind: AchievementKind::Badge,
                name: "Infection Control".into(),
                description: "Infection control basics.".into(),
                criteria: "Complete the module.".into(),
                spec: Default::default(),
            },
        )
        .await
        .unwrap();
    World {
        manager: h
            .member("manager@acme.example", "acme", Role::Manager)
            .await,
        learner: h
            .member("learner@acme.example", "acme", Role::Learner)
            .await,
        acme_admin: h.signed_in(&fx.admin_email).await,
        council_admin: h
            .member("admin@council.example", "council", Role::Admin)
            .await,
        achievement: a.id,
    }
}

backend_tests! {
    async fn a_csv_import_runs_as_a_job_that_only_its_people_can_follow(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;

        // A bad file is refused beside the form and starts nothing.
        let bad = "email,name,team\nnot-an-email,Bo,Coding\n";
        let res = post_form(&h, &w.manager, "/orgs/acme/workers/import", &[("csv", bad)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("Nothing was imported: 1 problem(s) to fix"));
        let mine = body_text(w.manager.page(&h, "/me/jobs").await).await;
        assert!(mine.contains("You have not started any long operation."), "{mine}");

        let good = "email,name,team\nana@acme.example,Ana Silva,Coding\nbo@acme.example,Bo Lind,Coding\n";
        let res = post_form(&h, &w.manager, "/orgs/acme/workers/import", &[("csv", good)]).await;
        let (page, v) = follow(&h, &w.manager, res).await;
        assert_eq!((v["state"].as_str(), v["done"].as_i64(), v["total"].as_i64()), (Some("succeeded"), Some(2), Some(2)), "{v}");
        assert_eq!(v["percent"], 100);
        assert!(h.app.user_by_email("bo@acme.example").await.unwrap().is_some(), "applied");

        let html = body_text(w.manager.page(&h, &page).await).await;
        assert!(html.contains("Import of workers: pasted rows"), "{html}");
        assert!(html.contains("<progress id=\"job-bar\" max=\"2\" value=\"2\">100%</progress>"), "{html}");
        assert!(html.contains("members added: 2"), "{html}");
        assert!(!html.contains("jobs.js"), "a finished job is not polled");
        let mine = body_text(w.manager.page(&h, "/me/jobs").await).await;
        assert!(mine.contains(&format!("href=\"{page}\"")), "{mine}");

        // The organization's admin may follow it; a learner of it and others may not.
        assert_eq!(w.acme_admin.page(&h, &page).await.status(), StatusCode::OK);
        for other in [&w.learner, &w.council_admin] {
            assert_eq!(other.page(&h, &page).await.status(), StatusCode::NOT_FOUND);
            assert_eq!(other.page(&h, &format!("{page}/progress")).await.status(), StatusCode::NOT_FOUND);
            let theirs = body_text(other.page(&h, "/me/jobs").await).await;
            assert!(!theirs.contains(&page), "{theirs}");
        }
        let res = h.get(&format!("{page}/progress"), None).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }

    async fn a_bulk_award_issues_once_per_known_learner_and_reports_unknown_addresses(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        h.person("cy@example.org").await;
        h.person("dee@example.org").await;
        let form = body_text(w.council_admin.page(&h, "/orgs/council/awards/bulk").await).await;
        assert!(form.contains("Infection Control") && form.contains("<label for=\"achievement\">"), "{form}");
        // Only those who may issue for the organization see the form.
        assert_eq!(w.manager.page(&h, "/orgs/council/awards/bulk").await.status(), StatusCode::FORBIDDEN);

        // A malformed address starts nothing.
        let id = w.achievement.to_string();
        let id = id.as_str();
        let res = post_form(&h, &w.council_admin, "/orgs/council/awards/bulk", &[("achievement", id), ("list", "cy@example.org\nnot an address\n")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(res).await;
        assert!(html.contains("Nothing was issued: 1 problem(s) to fix") && html.contains("not an address"), "{html}");
        let council = h.app.org_unchecked("council").await.unwrap().id;
        assert_eq!(issued(&h, council).await, 0);

        let list = "email,name\ncy@example.org,Cy\ndee@example.org,Dee\nCY@example.org,Cy again\nnobody@example.org,Nobody\n";
        let res = post_form(&h, &w.council_admin, "/orgs/council/awards/bulk", &[("achievement", id), ("list", list)]).await;
        let (page, v) = follow(&h, &w.council_admin, res).await;
        assert_eq!((v["state"].as_str(), v["done"].as_i64()), (Some("succeeded"), Some(2)), "{v}");
        assert_eq!(issued(&h, council).await, 2);
        let html = body_text(w.council_admin.page(&h, &page).await).await;
        for needle in ["Award in bulk: Infection Control", "credentials issued: 2", "addresses given more than once: 1", "addresses without a Cairn account: 1", "<li>nobody@example.org</li>"] {
            assert!(html.contains(needle), "{needle} in {html}");
        }

        // Again: those who hold it are skipped.
        let res = post_form(&h, &w.council_admin, "/orgs/council/awards/bulk", &[("achievement", id), ("list", "cy@example.org\ndee@example.org\n")]).await;
        let (page, _) = follow(&h, &w.council_admin, res).await;
        let html = body_text(w.council_admin.page(&h, &page).await).await;
        assert!(html.contains("credentials issued: 0") && html.contains("skipped (already held a valid one): 2"), "{html}");
        assert_eq!(issued(&h, council).await, 2);
    }

    async fn the_operator_imports_icd11_and_others_may_not(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        assert_eq!(w.manager.page(&h, "/icd11/import").await.status(), StatusCode::FORBIDDEN);
        h.app.create_user(&Principal::system(), cairn_app::accounts::NewUser {
            display_name: "Operator".into(), email: "op@example.org".into(),
            password: Some(PASSWORD.into()), is_operator: true,
        }).await.unwrap();
        let op = h.signed_in("op@example.org").await;
        let html = body_text(op.page(&h, "/icd11/import").await).await;
        assert!(html.contains("<h1>Import ICD-11</h1>"), "{html}");
        let res = post_form(&h, &op, "/icd11/import", &[]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("Choose the tabulation file to upload."));

        // WHO's zip (several MB, over the general body limit) replaces the release.
        let Some(path) = cairn_store::testing::shared("data/icd11/simple-tab-icd11-mms.zip") else { return };
        let zip = std::fs::read(path).unwrap();
        assert!(zip.len() > cairn_server::MAX_BODY_BYTES);
        let boundary = "cairnicdboundary5Zr";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n", op.csrf).into_bytes();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"simple-tab-icd11-mms.zip\"\r\nContent-Type: application/zip\r\n\r\n").as_bytes());
        body.extend_from_slice(&zip);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let res = h.send(Request::post("/icd11/import").header(header::COOKIE, &op.cookie)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}")).body(Body::from(body)).unwrap()).await;
        let (page, v) = follow(&h, &op, res).await;
        assert_eq!(v["state"], "succeeded", "{v}");
        let html = body_text(op.page(&h, &page).await).await;
        assert!(html.contains("ICD-11 import: simple-tab-icd11-mms.zip") && html.contains("categories: "), "{html}");
        assert!(h.app.icd11_status().await.unwrap().counts.categories > 10_000);
        // Someone who is not an operator cannot follow it.
        assert_eq!(w.manager.page(&h, &page).await.status(), StatusCode::NOT_FOUND);
    }

    async fn the_job_pages_read_in_french(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        let good = "email,name,team\nana@acme.example,Ana Silva,Coding\n";
        let res = post_form(&h, &w.manager, "/orgs/acme/workers/import", &[("csv", good)]).await;
        let (page, _) = follow(&h, &w.manager, res).await;
        let fr = |path: String| {
            Request::get(path)
                .header(header::COOKIE, &w.manager.cookie)
                .header(header::ACCEPT_LANGUAGE, "fr")
                .body(Body::empty())
                .unwrap()
        };
        let html = body_text(h.send(fr(page.clone())).await).await;
        assert!(html.contains("<html lang=\"fr\">"), "{html}");
        assert!(html.contains("Import de salariés : lignes collées") && html.contains("membres ajoutés : 1"), "{html}");
        let list = body_text(h.send(fr("/me/jobs".into())).await).await;
        assert!(list.contains("Vos opérations longues"), "{list}");
        let form = body_text(h.send(fr("/orgs/acme/workers/import".into())).await).await;
        assert!(form.contains("Vérifier et importer"), "{form}");
        let assignments = body_text(h.send(fr("/orgs/acme/assignments".into())).await).await;
        assert!(assignments.contains("Affecter une formation"), "{assignments}");
        for text in [&html, &list, &form, &assignments] {
            for id in ["job-title", "job-mine-heading", "import-submit", "assign-form-heading", "job-state-succeeded"] {
                assert!(!text.contains(id), "{id} leaked");
            }
        }
        let en = body_text(w.manager.page(&h, "/orgs/acme/assignments").await).await;
        assert!(en.contains("Assign learning") && !en.contains("assign-form-heading"));
    }
}
