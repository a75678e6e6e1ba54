//! Jobs: progress is recorded only while running, an ended job stays ended, and the jobs a
//! stopped server left unfinished are found (all of them, or those quiet since a time).

use cairn_core::OrgKind;
use cairn_store::{NewJobRow, backend_tests};
use uuid::Uuid;

use crate::{now, org, user};

backend_tests! {
    async fn a_job_moves_forward_and_unfinished_ones_are_found(db: TestDb) {
        let o = org("acme", "Acme", &[OrgKind::Employer]);
        let u = user("Ada", "ada@example.org");
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&o).await.unwrap();
        tx.conn().insert_user(&u, None).await.unwrap();
        let started = now() - time::Duration::minutes(30);
        let job = |label: &str| NewJobRow {
            id: Uuid::now_v7(),
            kind: "workers.import".into(),
            org_id: Some(o.id),
            started_by: Some(u.id),
            label: label.into(),
            total: 500,
            created_at: started,
        };
        let (a, b) = (job("a.csv"), job("b.csv"));
        tx.conn().insert_job(&a).await.unwrap();
        tx.conn().insert_job(&b).await.unwrap();
        // Progress is not recorded for a job that has not started.
        assert!(!tx.conn().record_job_progress(a.id, 10, "{}", started).await.unwrap());
        assert!(tx.conn().start_job(a.id, started).await.unwrap());
        assert!(!tx.conn().start_job(a.id, started).await.unwrap(), "started once");
        assert!(tx.conn().record_job_progress(a.id, 200, r#"{"members_added":200}"#, started).await.unwrap());
        tx.commit().await.unwrap();

        let mut r = db.store.reader().await.unwrap();
        let got = r.conn().job(a.id).await.unwrap().unwrap();
        assert_eq!((got.state.as_str(), got.done, got.total), ("running", 200, 500), "{}", db.backend);
        assert_eq!(got.org_slug.as_deref(), Some("acme"));
        assert_eq!(got.result, r#"{"members_added":200}"#);
        let mine = r.conn().jobs_started_by(u.id, 10).await.unwrap();
        assert_eq!(mine.len(), 2);
        // Every unfinished job, or only those quiet since before a time.
        assert_eq!(r.conn().unfinished_jobs(None).await.unwrap().len(), 2);
        assert_eq!(r.conn().unfinished_jobs(Some(started)).await.unwrap().len(), 0);
        assert_eq!(r.conn().unfinished_jobs(Some(now())).await.unwrap().len(), 2);
        drop(r);

        let mut tx = db.store.begin().await.unwrap();
        assert!(tx.conn().finish_job(a.id, "interrupted", None, Some("stopped at 200 of 500"), now()).await.unwrap());
        assert!(!tx.conn().finish_job(a.id, "succeeded", None, None, now()).await.unwrap(), "an ended job stays ended");
        assert!(!tx.conn().record_job_progress(a.id, 300, "{}", now()).await.unwrap());
        tx.commit().await.unwrap();
        let mut r = db.store.reader().await.unwrap();
        let got = r.conn().job(a.id).await.unwrap().unwrap();
        assert_eq!((got.state.as_str(), got.done), ("interrupted", 200));
        assert_eq!(got.error.as_deref(), Some("stopped at 200 of 500"));
        assert_eq!(got.result, r#"{"members_added":200}"#, "what was applied is kept");
        assert!(got.finished_at.is_some());
        assert_eq!(r.conn().unfinished_jobs(None).await.unwrap().len(), 1);
        assert!(r.conn().job(Uuid::now_v7()).await.unwrap().is_none());
    }
}
