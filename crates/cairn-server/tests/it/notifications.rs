//! Notifications over HTTP: the page and the API show a person their own only, and mark
//! them read; bad ids are problem details.

use axum::http::{Method, StatusCode};
use cairn_app::notify::NewNotification;
use cairn_store::backend_tests;
use uuid::Uuid;

use crate::*;

async fn notify(h: &Harness, email: &str, key: &str, title: &str) {
    let user = h.app.user_by_email(email).await.unwrap().unwrap();
    let n = NewNotification {
        user_id: user.id,
        kind: "award.issued".into(),
        dedupe_key: key.into(),
        title: title.into(),
        body: format!("About {title}.\nSecond line."),
        link: Some(format!("/credentials/{}", Uuid::nil())),
    };
    assert!(h.app.notify_now(&n).await.unwrap());
}

backend_tests! {
    async fn people_see_and_mark_only_their_own_notifications(db: TestDb) {
        let h = Harness::new(db);
        let org = h.org("a").await;
        let ana = h.member("ana@a.example", "a", cairn_core::Role::Learner).await;
        let ben = h.member("ben@a.example", "a", cairn_core::Role::Learner).await;
        notify(&h, "ana@a.example", "k:1", "Badge <b>awarded</b>").await;
        notify(&h, "ana@a.example", "k:2", "Certificate expires soon").await;
        notify(&h, "ben@a.example", "k:3", "Ben's credential").await;

        let res = ana.page(&h, "/notifications").await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = body_text(res).await;
        assert!(html.contains("Certificate expires soon"), "{html}");
        assert!(html.contains("Badge &#60;b&#62;awarded&#60;/b&#62;") || html.contains("Badge &lt;b&gt;awarded"), "escaped: {html}");
        assert!(!html.contains("<b>awarded"));
        assert!(!html.contains("Ben&#39;s credential") && !html.contains("Ben's credential"));
        assert!(html.contains("2 unread"));
        assert!(html.contains("action=\"/notifications/read-all\""));
        assert!(html.contains(&format!("href=\"/credentials/{}\"", Uuid::nil())));
        assert!(html.find("Certificate expires soon").unwrap() < html.find("Badge").unwrap(), "newest first");

        let res = ana.api(&h, Method::GET, "/api/v1/me/notifications", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v = body_json(res).await;
        assert_eq!(v["unread"], 2);
        let list = v["notifications"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["title"], "Certificate expires soon");
        assert!(list.iter().all(|n| n["read_at"].is_null() && n["email_state"] == "none"));
        let ana_first = list[1]["id"].as_str().unwrap().to_owned();
        let v = body_json(ben.api(&h, Method::GET, "/api/v1/me/notifications?limit=10", None).await).await;
        assert_eq!(v["notifications"].as_array().unwrap().len(), 1);
        let bens = v["notifications"][0]["id"].as_str().unwrap().to_owned();

        // Someone else's notification, a made-up one, and a malformed id.
        problem(ana.api(&h, Method::POST, &format!("/api/v1/me/notifications/{bens}/read"), None).await, StatusCode::NOT_FOUND).await;
        problem(ana.api(&h, Method::POST, &format!("/api/v1/me/notifications/{}/read", Uuid::now_v7()), None).await, StatusCode::NOT_FOUND).await;
        problem(ana.api(&h, Method::POST, "/api/v1/me/notifications/not-a-uuid/read", None).await, StatusCode::BAD_REQUEST).await;
        let res = ana.form(&h, &format!("/notifications/{bens}/read"), &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        let res = ana.api(&h, Method::POST, &format!("/api/v1/me/notifications/{ana_first}/read"), None).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let v = body_json(ana.api(&h, Method::GET, "/api/v1/me/notifications", None).await).await;
        assert_eq!(v["unread"], 1);
        assert!(v["notifications"][1]["read_at"].is_string());

        let res = ana.form(&h, "/notifications/read-all", &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/notifications");
        let html = body_text(ana.page(&h, "/notifications").await).await;
        assert!(html.contains("All read."), "{html}");
        let v = body_json(ana.api(&h, Method::POST, "/api/v1/me/notifications/read-all", None).await).await;
        assert_eq!(v["marked"], 0);
        let v = body_json(ben.api(&h, Method::GET, "/api/v1/me/notifications", None).await).await;
        assert_eq!(v["unread"], 1, "Ben's stay unread");
        let v = body_json(ben.api(&h, Method::POST, "/api/v1/me/notifications/read-all", None).await).await;
        assert_eq!(v["marked"], 1);

        // A form without the session's token changes nothing.
        notify(&h, "ana@a.example", "k:4", "Another").await;
        let res = h.send(
            axum::http::Request::post("/notifications/read-all")
                .header(axum::http::header::COOKIE, &ana.cookie)
                .header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(axum::body::Body::from("csrf=wrong"))
                .unwrap(),
        ).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let v = body_json(ana.api(&h, Method::GET, "/api/v1/me/notifications", None).await).await;
        assert_eq!(v["unread"], 1);

        // Notifications belong to people: an organization's token and nobody at all get 401.
        problem(h.get("/api/v1/me/notifications", Some(&org.learner_token)).await, StatusCode::UNAUTHORIZED).await;
        problem(h.get("/api/v1/me/notifications", None).await, StatusCode::UNAUTHORIZED).await;
        let res = h.get("/notifications", None).await;
        assert!(res.status().is_redirection(), "{}", res.status());
    }
}
