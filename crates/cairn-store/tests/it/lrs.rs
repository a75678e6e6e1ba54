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
        // An object activity is matched by its column, not by a ref (migration 0015): every
        // seventh statement from the fourth on names a3.
        let object = r.conn().xapi_statements_query(o.id, &query("https://act.example/a3")).await.unwrap();
        let expected: Vec<Uuid> = batch.iter().skip(3).step_by(7).map(|s| s.id).collect();
        assert_eq!(object.iter().map(|s| s.id).collect::<Vec<_>>(), expected, "{}", db.backend);
        // An agent named only in the refs (here every statement's authority) is related.
        let authority = StatementFilter {
            agent: Some("account:https://lrs.example|key".into()),
            related_agents: true,
            limit: 5000,
            ..Default::default()
        };
        let by_authority = r.conn().xapi_statements_query(o.id, &authority).await.unwrap();
        assert_eq!(by_authority.len(), 1234, "{}", db.backend);
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

/// The writer does not copy its write-ahead log into the database file itself until the
/// log holds 400 MiB; a connection of the store's own does it in the background, soon after
/// each commit.
#[tokio::test]
async fn committed_statements_reach_the_database_file_without_the_writer_checkpointing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lrs.db");
    let store = cairn_store::Store::connect(path.to_str().unwrap())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    // Let the migrations' own pages settle first.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let before = std::fs::metadata(&path).unwrap().len();

    let o = org("checkpoint", "Checkpoint", &[OrgKind::Provider]);
    let mut tx = store.begin().await.unwrap();
    tx.conn().insert_org(&o).await.unwrap();
    // About 2 MiB of log: far below the writer's own threshold.
    tx.conn()
        .insert_xapi_statements(o.id, None, &rows(2000))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let wal = dir.path().join("lrs.db-wal");
    assert!(
        std::fs::metadata(&wal).unwrap().len() > 1_000_000,
        "the batch is in the log"
    );

    let mut grown = before;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        grown = std::fs::metadata(&path).unwrap().len();
        if grown > before + 1_000_000 {
            break;
        }
    }
    assert!(
        grown > before + 1_000_000,
        "the database file stayed at {grown} bytes (from {before}): nothing copied the log into it"
    );
}

/// Migration 0015 on statements stored before it: refs that repeat a statement's object
/// activity or actor go, queries still find every statement by them, and sequence numbers
/// go on from where they were.
async fn migration_0015_keeps_what_queries_find(store: cairn_store::Store, backend: &str) {
    store.migrate_to(14).await.unwrap();
    let o = org("before", "Before", &[OrgKind::Provider]);
    let batch = rows(3);
    let mut tx = store.begin().await.unwrap();
    tx.conn().insert_org(&o).await.unwrap();
    tx.conn()
        .insert_xapi_statements(o.id, None, &batch)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // What the code before 0015 also stored: a ref for the object activity and the actor.
    let redundant = "INSERT INTO xapi_statement_refs (seq, kind, value) \
         SELECT seq, 'activity', activity_id FROM xapi_statements \
         UNION ALL SELECT seq, 'agent', actor_ifi FROM xapi_statements";
    let count = "SELECT COUNT(*) FROM xapi_statement_refs";
    let (before, after): (i64, i64) = match &store {
        cairn_store::Store::Sqlite { write, .. } => {
            sqlx::query(redundant).execute(write).await.unwrap();
            let before = sqlx::query_scalar(count).fetch_one(write).await.unwrap();
            store.migrate().await.unwrap();
            (
                before,
                sqlx::query_scalar(count).fetch_one(write).await.unwrap(),
            )
        }
        cairn_store::Store::Postgres(pool) => {
            sqlx::query(redundant).execute(pool).await.unwrap();
            let before = sqlx::query_scalar(count).fetch_one(pool).await.unwrap();
            store.migrate().await.unwrap();
            (
                before,
                sqlx::query_scalar(count).fetch_one(pool).await.unwrap(),
            )
        }
    };
    // Each of three statements keeps its own activity, the course and the authority.
    assert_eq!((before, after), (3 * 3 + 3 * 2, 3 * 3), "{backend}");

    let mut r = store.reader().await.unwrap();
    let related = |activity: Option<&str>, agent: Option<&str>| StatementFilter {
        activity: activity.map(Into::into),
        related_activities: true,
        agent: agent.map(Into::into),
        related_agents: true,
        ascending: true,
        limit: 10,
        ..Default::default()
    };
    let ids =
        |rows: Vec<cairn_store::StatementRow>| rows.into_iter().map(|s| s.id).collect::<Vec<_>>();
    for (i, s) in batch.iter().enumerate() {
        let object = s.activity_id.as_deref();
        let got = ids(r
            .conn()
            .xapi_statements_query(o.id, &related(object, None))
            .await
            .unwrap());
        assert_eq!(got, vec![s.id], "{backend}: statement {i} by its object");
        let got = ids(r
            .conn()
            .xapi_statements_query(o.id, &related(None, Some(&s.actor_ifi)))
            .await
            .unwrap());
        assert_eq!(got, vec![s.id], "{backend}: statement {i} by its actor");
    }
    let all = ids(r
        .conn()
        .xapi_statements_query(o.id, &related(Some("https://act.example/course"), None))
        .await
        .unwrap());
    assert_eq!(
        all,
        batch.iter().map(|s| s.id).collect::<Vec<_>>(),
        "{backend}"
    );
    let last = r.conn().xapi_last_seq(o.id).await.unwrap();
    drop(r);

    let next = rows(1);
    let mut tx = store.begin().await.unwrap();
    tx.conn()
        .insert_xapi_statements(o.id, None, &next)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut r = store.reader().await.unwrap();
    assert_eq!(
        r.conn().xapi_last_seq(o.id).await.unwrap(),
        last + 1,
        "{backend}"
    );
}

#[tokio::test]
async fn migration_0015_on_stored_statements_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("before.db");
    let store = cairn_store::Store::connect(path.to_str().unwrap())
        .await
        .unwrap();
    migration_0015_keeps_what_queries_find(store, "sqlite").await;
}

#[tokio::test]
async fn migration_0015_on_stored_statements_postgres() {
    let Some(db) = cairn_store::testing::TestDb::postgres_empty().await else {
        return;
    };
    migration_0015_keeps_what_queries_find(db.store.clone(), "postgres").await;
}
