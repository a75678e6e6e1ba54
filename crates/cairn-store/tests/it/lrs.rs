//! Batch ingest of xAPI statements: batches larger than one multi-row INSERT and refs
//! larger than one ref INSERT keep every statement, its sequence number and its refs, and
//! the id lookups over many ids find each one.

use cairn_core::OrgKind;
use cairn_store::{NewStatementRow, StatementFilter, backend_tests};
use uuid::Uuid;

use crate::{now, org};

/// `n` statements; statement `i` names activity `i % 7` as its object, a parent shared by
/// all, and one of its own, and two agents.
fn rows(n: usize) -> Vec<NewStatementRow> {
    let stored = now();
    (0..n)
        .map(|i| NewStatementRow {
            id: Uuid::new_v4(),
            stored,
            verb_id: format!("https://verbs.example/v{}", i % 3),
            actor_ifi: format!("mbox:mailto:learner{i}@example.org"),
            activity_id: Some(format!("https://act.example/a{}", i % 7)),
            registration: (i % 2 == 0).then(Uuid::new_v4),
            voids: None,
            voided: false,
            statement: format!("{{\"n\":{i}}}"),
            refs: vec![
                ("activity", format!("https://act.example/a{}", i % 7)),
                ("activity", "https://act.example/course".into()),
                ("activity", format!("https://act.example/own/{i}")),
                // Repeated: stored once.
                ("activity", "https://act.example/course".into()),
                ("agent", format!("mbox:mailto:learner{i}@example.org")),
                ("agent", "account:https://lrs.example|key".into()),
            ],
        })
        .collect()
}

backend_tests! {
    async fn a_batch_larger_than_one_insert_stores_every_statement_and_ref(db: TestDb) {
        let o = org("ingest", "Ingest", &[OrgKind::Provider]);
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&o).await.unwrap();
        tx.commit().await.unwrap();

        // 1,234 statements: three statement INSERTs and, at five distinct refs each,
        // four ref INSERTs.
        let batch = rows(1234);
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_xapi_statements(o.id, None, &batch).await.unwrap();
        tx.commit().await.unwrap();

        let ids: Vec<Uuid> = batch.iter().map(|r| r.id).collect();
        let mut r = db.store.reader().await.unwrap();
        let got = r.conn().xapi_statements_by_ids(o.id, &ids).await.unwrap();
        assert_eq!(got.len(), 1234, "{}", db.backend);
        let mut by_id: std::collections::HashMap<Uuid, (i64, String)> =
            got.into_iter().map(|s| (s.id, (s.seq, s.statement))).collect();
        // Sequence numbers follow the order sent, and each row has its own statement.
        let mut last = 0;
        for (i, row) in batch.iter().enumerate() {
            let (seq, text) = by_id.remove(&row.id).unwrap();
            assert!(seq > last, "{}: statement {i} seq {seq} after {last}", db.backend);
            last = seq;
            assert_eq!(text, format!("{{\"n\":{i}}}"), "{}", db.backend);
        }
        assert_eq!(r.conn().xapi_last_seq(o.id).await.unwrap(), last);

        // Refs: the shared parent names every statement once, each own activity one.
        let query = |activity: &str| StatementFilter {
            activity: Some(activity.into()),
            related_activities: true,
            ascending: true,
            limit: 5000,
            ..Default::default()
        };
        let all = r.conn().xapi_statements_query(o.id, &query("https://act.example/course")).await.unwrap();
        assert_eq!(all.len(), 1234, "{}", db.backend);
        let own = r.conn().xapi_statements_query(o.id, &query("https://act.example/own/1000")).await.unwrap();
        assert_eq!(own.iter().map(|s| s.id).collect::<Vec<_>>(), vec![batch[1000].id]);
        let agent = StatementFilter {
            agent: Some("mbox:mailto:learner1233@example.org".into()),
            related_agents: true,
            limit: 10,
            ..Default::default()
        };
        let by_agent = r.conn().xapi_statements_query(o.id, &agent).await.unwrap();
        assert_eq!(by_agent.iter().map(|s| s.id).collect::<Vec<_>>(), vec![batch[1233].id]);
        drop(r);

        // Voiding many: the id lists span several IN lists.
        let targets: Vec<Uuid> = ids.iter().step_by(2).copied().collect();
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().void_xapi_statements(o.id, &targets).await.unwrap();
        tx.commit().await.unwrap();
        let mut r = db.store.reader().await.unwrap();
        let after = r.conn().xapi_statements_by_ids(o.id, &ids).await.unwrap();
        assert_eq!(after.iter().filter(|s| s.voided).count(), 617, "{}", db.backend);
        // Nothing voids these yet; a voiding statement stored now is found by what it voids.
        assert!(r.conn().xapi_voided_before(o.id, &ids).await.unwrap().is_empty());
        drop(r);
        let mut voiding = rows(1);
        voiding[0].voids = Some(ids[5]);
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_xapi_statements(o.id, None, &voiding).await.unwrap();
        tx.commit().await.unwrap();
        let mut r = db.store.reader().await.unwrap();
        assert_eq!(r.conn().xapi_voided_before(o.id, &ids).await.unwrap(), vec![ids[5]]);
    }

    async fn a_duplicate_id_within_a_batch_is_a_conflict_and_stores_nothing(db: TestDb) {
        let o = org("dups", "Dups", &[OrgKind::Provider]);
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&o).await.unwrap();
        tx.commit().await.unwrap();
        let mut batch = rows(600);
        batch[599].id = batch[3].id;
        let mut tx = db.store.begin().await.unwrap();
        let err = tx.conn().insert_xapi_statements(o.id, None, &batch).await.unwrap_err();
        assert!(matches!(err, cairn_store::StoreError::Conflict(_)), "{}: {err}", db.backend);
        drop(tx);
        let mut r = db.store.reader().await.unwrap();
        assert_eq!(r.conn().xapi_last_seq(o.id).await.unwrap(), 0, "{}", db.backend);
    }

    async fn statements_of_an_unknown_organization_are_refused_by_commit_at_the_latest(db: TestDb) {
        // SQLite checks this batch's foreign keys at commit; PostgreSQL at the INSERT.
        let mut tx = db.store.begin().await.unwrap();
        let outcome = match tx.conn().insert_xapi_statements(Uuid::new_v4(), None, &rows(3)).await {
            Ok(()) => tx.commit().await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        assert!(outcome.is_err(), "{}: stored statements of no organization", db.backend);
        let o = org("after", "After", &[OrgKind::Provider]);
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&o).await.unwrap();
        tx.conn().insert_xapi_statements(o.id, None, &rows(2)).await.unwrap();
        tx.commit().await.unwrap();
    }
}
