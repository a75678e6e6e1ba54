//! Long operations: an import larger than one chunk runs in the background to the end and
//! is seen only by its starter and the organization's admins; a job a stopped server left
//! running is marked interrupted with what was and was not applied; on both backends.

use cairn_app::csv_import::CsvImportError;
use cairn_app::jobs::{CHUNK_ROWS, JobState, JobView};
use cairn_app::{App, AppError};
use cairn_core::{OrgKind, Principal, Role, Team};
use cairn_store::{NewJobRow, backend_tests};
use uuid::Uuid;

use crate::{app, member, org_of};

async fn finished(app: &App, by: &Principal, id: Uuid) -> JobView {
    for _ in 0..600 {
        let j = app.job(by, id).await.unwrap();
        if j.state.is_finished() {
            return j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("job {id} did not finish");
}

backend_tests! {
    async fn an_import_of_several_chunks_runs_to_the_end_and_only_its_people_see_it(db: TestDb) {
        let app = app(&db);
        org_of(&app, "acme", vec![OrgKind::Employer]).await;
        let manager = member(&app, "acme", Role::Manager).await;
        let admin = member(&app, "acme", Role::Admin).await;
        let learner = member(&app, "acme", Role::Learner).await;
        let org = app.org_unchecked("acme").await.unwrap();
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_team(&Team { id: Uuid::now_v7(), org_id: org.id, name: "Coding".into() }).await.unwrap();
        tx.commit().await.unwrap();

        // A bad file starts nothing.
        let e = app.start_workers_import(&manager, "acme", b"email,name,team\nnope,X,Coding\n", "bad.csv").await.unwrap_err();
        assert!(matches!(e, CsvImportError::Rejected(ref p) if p.len() == 1), "{e}");
        assert!(app.my_jobs(&manager).await.unwrap().is_empty());

        let n = CHUNK_ROWS * 2 + 17;
        let mut csv = String::from("email,name,team\n");
        for i in 0..n {
            csv.push_str(&format!("w{i}@acme.example,Worker {i},Coding\n"));
        }
        let id = app.start_workers_import(&manager, "acme", csv.as_bytes(), "workers.csv").await.unwrap();
        let j = finished(&app, &manager, id).await;
        assert_eq!(j.state, JobState::Succeeded, "{:?}", j.error);
        assert_eq!((j.done, j.total), (n as i64, n as i64));
        assert_eq!(j.result["members_added"], n, "{}", j.result);
        assert_eq!(j.label, "workers.csv");
        assert!(app.user_by_email(&format!("w{}@acme.example", n - 1)).await.unwrap().is_some());
        // One audit event per chunk, each naming the job.
        let (audit, _) = app.audit_log(&Principal::system(), "acme", 0, 1000).await.unwrap();
        let chunks = audit.iter().filter(|a| a.entry.action == "workers.import").count();
        assert_eq!(chunks, 3);

        assert_eq!(app.my_jobs(&manager).await.unwrap().len(), 1);
        assert_eq!(app.job(&admin, id).await.unwrap().id, id, "the organization's admins see it");
        assert!(matches!(app.job(&learner, id).await, Err(AppError::NotFound(_))));
        assert!(app.my_jobs(&admin).await.unwrap().is_empty(), "not started by the admin");
    }

    async fn a_job_left_running_by_a_stopped_server_is_interrupted(db: TestDb) {
        let app = app(&db);
        org_of(&app, "acme", vec![OrgKind::Employer]).await;
        let manager = member(&app, "acme", Role::Manager).await;
        let org = app.org_unchecked("acme").await.unwrap();
        let long_ago = cairn_app::now() - time::Duration::hours(1);
        let id = Uuid::now_v7();
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_job(&NewJobRow {
            id,
            kind: "workers.import".into(),
            org_id: Some(org.id),
            started_by: manager.user_id(),
            label: "workers.csv".into(),
            total: 500,
            created_at: long_ago,
        }).await.unwrap();
        tx.conn().start_job(id, long_ago).await.unwrap();
        tx.conn().record_job_progress(id, 200, r#"{"members_added":200}"#, long_ago).await.unwrap();
        tx.commit().await.unwrap();

        assert_eq!(app.interrupt_abandoned_jobs().await.unwrap(), 1);
        let j = app.job(&manager, id).await.unwrap();
        assert_eq!(j.state, JobState::Interrupted);
        assert_eq!(j.done, 200, "what was applied is kept");
        assert_eq!(j.result["members_added"], 200);
        let why = j.error.unwrap();
        assert!(why.contains("200 of 500") && why.contains("other 300 were not"), "{why}");
        assert!(j.finished_at.is_some());
        assert_eq!(app.interrupt_abandoned_jobs().await.unwrap(), 0, "marked once");
    }
}
