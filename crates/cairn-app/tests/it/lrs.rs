//! LRS use cases over a real database: keys only admins manage, authentication that a
//! revoked key fails, and batch ingest of a few hundred statements at a time, all stored
//! with their query refs and readable page by page.

use std::time::Instant;

use cairn_app::lrs::{LrsError, parse_basic};
use cairn_core::{OrgKind, Role};
use cairn_lrs::{StatementQuery, Version};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::*;

fn statement(i: usize) -> Value {
    json!({
        "actor": {"mbox": format!("mailto:learner{}@example.org", i % 50)},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
        "object": {"id": format!("http://example.org/modules/{}", i % 20),
                   "definition": {"name": {"en-US": "A lesson"}}},
        "context": {"contextActivities": {"parent": [{"id": "http://example.org/course"}]},
                    "instructor": {"mbox": "mailto:teacher@example.org"}},
        "result": {"completion": true, "duration": "PT4M"}
    })
}

backend_tests! {
    async fn only_admins_manage_keys_and_revoked_keys_fail(db: TestDb) {
        let app = app(&db);
        org_of(&app, "north", vec![OrgKind::Employer]).await;
        let admin = member(&app, "north", Role::Admin).await;
        let learner = member(&app, "north", Role::Learner).await;
        let err = app.create_lrs_key(&learner, "north", "player").await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let created = app.create_lrs_key(&admin, "north", "player").await.unwrap();
        let id = created.key.id.to_string();
        let client = app.lrs_authenticate(&id, &created.secret).await.unwrap();
        assert_eq!(client.authority["account"]["name"], "player");
        assert!(app.lrs_authenticate(&id, "wrong").await.is_err());
        assert!(app.lrs_authenticate("not-a-uuid", &created.secret).await.is_err());
        app.revoke_lrs_key(&admin, "north", created.key.id).await.unwrap();
        let err = app.lrs_authenticate(&id, &created.secret).await.unwrap_err();
        assert!(matches!(err, AppError::Unauthenticated(_)), "{err}");
        assert!(app.lrs_keys(&admin, "north").await.unwrap()[0].revoked_at.is_some());
        // The Basic header the extractor reads.
        assert_eq!(
            parse_basic("Basic dXNlcjpwYXNzOndvcmQ="),
            Some(("user".into(), "pass:word".into()))
        );
        assert_eq!(parse_basic("Bearer abc"), None);
    }

    async fn batches_of_hundreds_are_stored_whole_and_paged_back(db: TestDb) {
        let app = app(&db);
        org_of(&app, "north", vec![OrgKind::Employer]).await;
        let admin = member(&app, "north", Role::Admin).await;
        let key = app.create_lrs_key(&admin, "north", "player").await.unwrap();
        let client = app
            .lrs_authenticate(&key.key.id.to_string(), &key.secret)
            .await
            .unwrap();
        let batches = 4;
        let per = 400;
        let started = Instant::now();
        let mut all = Vec::new();
        for b in 0..batches {
            let batch: Vec<Value> = (0..per).map(|i| statement(b * per + i)).collect();
            let ids = app.store_statements(&client, Version::V2_0, &batch, None).await.unwrap();
            assert_eq!(ids.len(), per);
            all.extend(ids);
        }
        // Printed, not asserted: the rate depends on the machine.
        let secs = started.elapsed().as_secs_f64();
        eprintln!("stored {} statements at {:.0}/s", all.len(), all.len() as f64 / secs);

        // A batch with one statement already stored but different is refused whole.
        let mut changed = statement(0);
        changed["id"] = json!(all[0].to_string());
        changed["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/failed");
        let err = app
            .store_statements(&client, Version::V2_0, &[statement(9999), changed], None)
            .await
            .unwrap_err();
        assert!(matches!(err, LrsError::Conflict(_)), "{err}");

        // Everything comes back once, in order, through the cursor.
        let q = StatementQuery { limit: 500, ascending: true, ..Default::default() };
        let mut seen: Vec<Uuid> = Vec::new();
        let mut page = app.query_statements(&client, &q, &[], None).await.unwrap();
        loop {
            seen.extend(page.statements.iter().map(|s| s["id"].as_str().unwrap().parse::<Uuid>().unwrap()));
            let Some(c) = page.more else { break };
            page = app.query_statements(&client, &q, &[], Some(&c)).await.unwrap();
        }
        assert_eq!(seen, all);
        // The refs were written: the context's course and the instructor match every one.
        let related = StatementQuery {
            activity: Some("http://example.org/course".into()),
            related_activities: true,
            agent: Some("mbox:mailto:teacher@example.org".into()),
            related_agents: true,
            limit: 500,
            ..Default::default()
        };
        let page = app.query_statements(&client, &related, &[], None).await.unwrap();
        assert_eq!(page.statements.len(), 500);
        assert!(page.more.is_some());
    }
}
