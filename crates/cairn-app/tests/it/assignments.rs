//! Assignments and CSV imports: a bad file imports nothing and says every problem; team
//! assignments notify each member; progress is read from the learning records; overdue
//! work is told once; on both backends.

use cairn_app::assignments::{
    AssignmentFilter, AssignmentState, NewAssignment, Target, TargetKind, iso_date,
};
use cairn_app::csv_import::CsvImportError;
use cairn_app::modules::ProgressUpdate;
use cairn_app::orgs::NewMember;
use cairn_app::{App, AppError};
use cairn_core::{OrgKind, Principal, PrincipalKind, Role, Team};
use cairn_store::testing::TestDb;
use cairn_store::{NewAssignmentRow, backend_tests};
use time::Duration;
use uuid::Uuid;

use crate::{app, lesson, member, org_of};

struct World {
    manager: Principal,
    /// The provider's published lesson: (module id, version id).
    module: (Uuid, Uuid),
    coding: Uuid,
    wards: Uuid,
}

/// A provider with a published module, and an employer "acme" with a manager and two
/// empty teams, Coding and Wards.
async fn world(app: &App, db: &TestDb) -> World {
    org_of(app, "council", vec![OrgKind::Provider, OrgKind::Issuer]).await;
    let author = member(app, "council", Role::Author).await;
    let draft = app
        .create_module(&author, "council", lesson("ICD-11 stems"))
        .await
        .unwrap();
    let v = app.publish_module(&author, draft.module_id).await.unwrap();
    org_of(app, "acme", vec![OrgKind::Employer]).await;
    let manager = member(app, "acme", Role::Manager).await;
    let org = app.org_unchecked("acme").await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    let team = |name: &str| Team {
        id: Uuid::now_v7(),
        org_id: org.id,
        name: name.into(),
    };
    let (coding, wards) = (team("Coding"), team("Wards"));
    tx.conn().insert_team(&coding).await.unwrap();
    tx.conn().insert_team(&wards).await.unwrap();
    tx.commit().await.unwrap();
    World {
        manager,
        module: (v.module_id, v.id),
        coding: coding.id,
        wards: wards.id,
    }
}

/// A learner of `slug`, in `team`, as the principal their requests carry.
async fn worker(app: &App, db: &TestDb, slug: &str, name: &str, team: Option<Uuid>) -> Principal {
    let m = app
        .add_member(
            &Principal::system(),
            slug,
            NewMember {
                email: format!("{}@{slug}.example", name.to_lowercase().replace(' ', ".")),
                display_name: Some(name.into()),
                role: Role::Learner,
                job_title: None,
            },
        )
        .await
        .unwrap();
    if let Some(t) = team {
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().add_team_member(t, m.user_id).await.unwrap();
        tx.commit().await.unwrap();
    }
    Principal {
        kind: PrincipalKind::User { user_id: m.user_id },
        is_operator: false,
        grants: vec![(m.org_id, Role::Learner)],
    }
}

/// What a refused import must leave as it was.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    users: i64,
    members: i64,
    team_members: i64,
    audit: usize,
    notifications: usize,
    assignments: usize,
}

async fn counts(app: &App, db: &TestDb, watch: &[&str]) -> Counts {
    let sys = Principal::system();
    let users = db
        .store
        .reader()
        .await
        .unwrap()
        .conn()
        .count_users()
        .await
        .unwrap();
    let (_, _, members) = app.members(&sys, "acme", 1, 0).await.unwrap();
    let team_members = app
        .teams(&sys, "acme")
        .await
        .unwrap()
        .iter()
        .map(|t| t.members)
        .sum();
    let (audit, _) = app.audit_log(&sys, "acme", 0, 1000).await.unwrap();
    let mut notifications = 0;
    for email in watch {
        if let Some(u) = app.user_by_email(email).await.unwrap() {
            let r = db.store.reader().await;
            notifications += r
                .unwrap()
                .conn()
                .notifications_of_user(u.id, 1000)
                .await
                .unwrap()
                .len();
        }
    }
    let assignments = app
        .assignments(&sys, "acme", &AssignmentFilter::default())
        .await
        .unwrap()
        .len();
    Counts {
        users,
        members,
        team_members,
        audit: audit.len(),
        notifications,
        assignments,
    }
}

fn rejected(e: CsvImportError) -> Vec<(u64, String, String)> {
    match e {
        CsvImportError::Rejected(p) => p.into_iter().map(|p| (p.row, p.column, p.reason)).collect(),
        CsvImportError::Other(e) => panic!("expected a rejected file, got {e}"),
    }
}

async fn complete(app: &App, learner: &Principal, version: Uuid) {
    app.save_progress(
        learner,
        version,
        ProgressUpdate {
            page_reached: Some(1),
            answers: Some(vec![Some(0)]),
        },
    )
    .await
    .unwrap();
}

async fn notifications_of(
    app: &App,
    p: &Principal,
    kind: &str,
) -> Vec<cairn_app::notify::Notification> {
    let (list, _) = app.my_notifications(p, 200).await.unwrap();
    list.into_iter().filter(|n| n.kind == kind).collect()
}

backend_tests! {
    async fn a_bad_workers_csv_imports_nothing_and_lists_every_problem(db: TestDb) {
        let app = app(&db);
        let w = world(&app, &db).await;
        // Someone Cairn knows who is not yet a member: would be invited by a good file.
        app.create_user(&Principal::system(), cairn_app::accounts::NewUser {
            display_name: "Existing Person".into(),
            email: "existing@elsewhere.example".into(),
            password: None,
            is_operator: false,
        }).await.unwrap();
        let watch = ["existing@elsewhere.example", "ana@acme.example"];
        let before = counts(&app, &db, &watch).await;
        let bad = "email,name,team,job_title\n\
                   ana@acme.example,Ana Silva,Coding,Clinical Coder\n\
                   not-an-email,Bob Byrne,Coding,\n\
                   cy@acme.example,Cy Obi,Nowhere,\n\
                   ANA@acme.example,Ana Again,Wards,\n\
                   dee@acme.example,Dee Park\n\
                   existing@elsewhere.example,Existing Person,Wards,\n";
        let problems = rejected(app.import_workers(&w.manager, "acme", bad.as_bytes()).await.unwrap_err());
        let where_: Vec<(u64, &str)> = problems.iter().map(|(r, c, _)| (*r, c.as_str())).collect();
        assert_eq!(where_, [(3, "email"), (4, "team"), (5, "email"), (6, "team")], "{problems:#?}");
        assert!(problems[0].2.contains("not an e-mail address"), "{problems:?}");
        assert!(problems[1].2.contains("no team named 'Nowhere'") && problems[1].2.contains("Coding, Wards"), "{problems:?}");
        assert!(problems[2].2.contains("also on row 2"), "{problems:?}");
        assert!(problems[3].2.starts_with("missing column"), "{problems:?}");
        assert_eq!(counts(&app, &db, &watch).await, before, "a bad file changes nothing");

        // A header without a required column is reported on row 1, with the rows' own problems.
        let problems = rejected(app.import_workers(&w.manager, "acme", b"email,name,colour\nx@acme.example,X Y,red\n").await.unwrap_err());
        let where_: Vec<(u64, &str)> = problems.iter().map(|(r, c, _)| (*r, c.as_str())).collect();
        assert_eq!(where_, [(1, "colour"), (1, "team")], "{problems:#?}");

        let good = "email,name,team,job_title\n\
                    ana@acme.example,Ana Silva,Coding,Clinical Coder\n\
                    bo@acme.example,Bo Lind,coding,\n\
                    existing@elsewhere.example,Existing Person,Wards,\n";
        let s = app.import_workers(&w.manager, "acme", good.as_bytes()).await.unwrap();
        assert_eq!((s.rows, s.accounts_created, s.members_added, s.already_members, s.teams_joined), (3, 2, 3, 0, 3), "{s:?}");
        let after = counts(&app, &db, &watch).await;
        assert_eq!(after.users, before.users + 2);
        assert_eq!(after.members, before.members + 3);
        assert_eq!(after.team_members, before.team_members + 3);
        assert_eq!(after.audit, before.audit + 1);
        assert_eq!(after.notifications, 2, "each new member is told");
        let coding = app.teams(&w.manager, "acme").await.unwrap().into_iter().find(|t| t.id == w.coding).unwrap();
        assert_eq!(coding.members, 2);
        let (_, rows, _) = app.members(&w.manager, "acme", 50, 0).await.unwrap();
        assert!(rows.iter().any(|r| r.display_name == "Ana Silva" && r.job_title.as_deref() == Some("Clinical Coder")));
        let (events, _) = app.audit_log(&Principal::system(), "acme", 0, 1000).await.unwrap();
        assert_eq!(events.last().unwrap().entry.action, "workers.import");

        // Importing the same people again changes nothing but says so.
        let s = app.import_workers(&w.manager, "acme", good.as_bytes()).await.unwrap();
        assert_eq!((s.accounts_created, s.members_added, s.already_members, s.teams_joined), (0, 0, 3, 0), "{s:?}");
        assert_eq!(counts(&app, &db, &watch).await.notifications, 2);

        // Not UTF-8: refused with the row of the bad byte.
        let problems = rejected(app.import_workers(&w.manager, "acme", b"email,name,team\nz@acme.example,Z\xe9,Coding\n").await.unwrap_err());
        assert_eq!((problems[0].0, problems[0].1.as_str()), (2, "file"), "{problems:?}");
        // Learners may not import.
        let learner = worker(&app, &db, "acme", "Lee Learner", None).await;
        let e = app.import_workers(&learner, "acme", good.as_bytes()).await.unwrap_err();
        assert!(matches!(e, CsvImportError::Other(AppError::Forbidden(_))), "{e}");
    }

    async fn assigning_a_team_notifies_each_member_and_progress_follows_learning(db: TestDb) {
        let app = app(&db);
        let w = world(&app, &db).await;
        let ana = worker(&app, &db, "acme", "Ana Silva", Some(w.coding)).await;
        let bo = worker(&app, &db, "acme", "Bo Lind", Some(w.coding)).await;
        let cy = worker(&app, &db, "acme", "Cy Obi", Some(w.wards)).await;
        let due = cairn_app::now().date() + Duration::days(14);
        let new = NewAssignment {
            target: Target { kind: TargetKind::Module, id: w.module.0 },
            due_on: due,
            workers: vec![],
            team_id: Some(w.coding),
            note: Some("Before the audit in spring.".into()),
        };
        let done = app.assign_learning(&w.manager, "acme", new.clone()).await.unwrap();
        assert_eq!((done.assignments.len(), done.skipped), (2, 0));
        for p in [&ana, &bo] {
            let n = notifications_of(&app, p, "assignment.new").await;
            assert_eq!(n.len(), 1, "each member is told once");
            assert_eq!(n[0].link.as_deref(), Some(format!("/modules/{}", w.module.0).as_str()));
            assert!(n[0].body.contains(&iso_date(due)) && n[0].body.contains("spring"), "{}", n[0].body);
        }
        assert!(notifications_of(&app, &cy, "assignment.new").await.is_empty());
        // The same again: everyone already has it open.
        let again = app.assign_learning(&w.manager, "acme", new.clone()).await.unwrap();
        assert_eq!((again.assignments.len(), again.skipped), (0, 2));
        assert_eq!(notifications_of(&app, &ana, "assignment.new").await.len(), 1);
        // Named workers and a team together: Ana is skipped, Cy added.
        let both = app.assign_learning(&w.manager, "acme", NewAssignment {
            workers: vec![cy.user_id().unwrap(), ana.user_id().unwrap()],
            team_id: None,
            ..new.clone()
        }).await.unwrap();
        assert_eq!((both.assignments.len(), both.skipped), (1, 1));
        let (events, _) = app.audit_log(&Principal::system(), "acme", 0, 1000).await.unwrap();
        assert_eq!(events.iter().filter(|e| e.entry.action == "assignment.create").count(), 3, "one event per call");

        let all = app.assignments(&w.manager, "acme", &AssignmentFilter::default()).await.unwrap();
        assert_eq!(all.len(), 3);
        assert!(all.iter().all(|a| a.state == AssignmentState::Open && a.target_title == "ICD-11 stems"));
        assert_eq!(all.iter().find(|a| a.user_id == ana.user_id().unwrap()).unwrap().team.as_deref(), Some("Coding"));

        // Ana completes the module through the lesson: her assignment is done, Bo's open.
        complete(&app, &ana, w.module.1).await;
        let coding = AssignmentFilter { team: Some(w.coding), ..Default::default() };
        let rows = app.assignments(&w.manager, "acme", &coding).await.unwrap();
        let state_of = |p: &Principal| rows.iter().find(|a| a.user_id == p.user_id().unwrap()).unwrap().state;
        assert_eq!((state_of(&ana), state_of(&bo)), (AssignmentState::Done, AssignmentState::Open));
        assert!(rows.iter().find(|a| a.user_id == ana.user_id().unwrap()).unwrap().completed_at.is_some());
        let done_only = AssignmentFilter { state: Some(AssignmentState::Done), ..Default::default() };
        assert_eq!(app.assignments(&w.manager, "acme", &done_only).await.unwrap().len(), 1);
        let progress = app.team_progress(&w.manager, "acme").await.unwrap();
        let p = progress.iter().find(|t| t.team_id == w.coding).unwrap();
        assert_eq!((p.assigned, p.done, p.overdue), (2, 1, 0));
        let p = progress.iter().find(|t| t.team_id == w.wards).unwrap();
        assert_eq!((p.assigned, p.done, p.overdue), (1, 0, 0));
        let mine = app.my_assignments(&ana).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!((mine[0].state, mine[0].org_slug.as_str()), (AssignmentState::Done, "acme"));
        // Done work may be assigned again (a refresher): a new open assignment.
        let refresher = app.assign_learning(&w.manager, "acme", NewAssignment { workers: vec![ana.user_id().unwrap()], team_id: None, ..new.clone() }).await.unwrap();
        assert_eq!(refresher.assignments.len(), 1);

        // CSV export: a header and a row per assignment.
        let table = app.assignments_table(&w.manager, "acme", &coding).await.unwrap();
        let csv = table.to_csv().unwrap();
        assert!(csv.starts_with("worker,email,team,kind,target,target_id,due_on,state,completed_at,note\r\n"), "{csv}");
        assert_eq!(table.rows.len(), 3);
        assert!(csv.contains("Ana Silva,ana.silva@acme.example,Coding,module,ICD-11 stems"), "{csv}");
        assert!(csv.contains(",done,"), "{csv}");

        // Cancel Bo's: it leaves the lists; twice is a conflict.
        let bos = rows.iter().find(|a| a.user_id == bo.user_id().unwrap()).unwrap().id;
        app.cancel_assignment(&w.manager, "acme", bos).await.unwrap();
        assert!(matches!(app.cancel_assignment(&w.manager, "acme", bos).await, Err(AppError::Conflict(_))));
        assert!(app.my_assignments(&bo).await.unwrap().is_empty());

        // Refusals: a date in the past, a target that does not exist, a non-member, a
        // manager of another organization, a learner.
        let e = app.assign_learning(&w.manager, "acme", NewAssignment { due_on: cairn_app::now().date() - Duration::days(1), ..new.clone() }).await.unwrap_err();
        assert!(matches!(&e, AppError::Invalid(i) if i.field == "due_on"), "{e}");
        let e = app.assign_learning(&w.manager, "acme", NewAssignment { target: Target { kind: TargetKind::Assessment, id: w.module.0 }, ..new.clone() }).await.unwrap_err();
        assert!(matches!(&e, AppError::Invalid(i) if i.field == "target"), "{e}");
        org_of(&app, "other", vec![OrgKind::Employer]).await;
        let outsider = worker(&app, &db, "other", "Oz Out", None).await;
        let e = app.assign_learning(&w.manager, "acme", NewAssignment { workers: vec![outsider.user_id().unwrap()], team_id: None, ..new.clone() }).await.unwrap_err();
        assert!(matches!(&e, AppError::Invalid(i) if i.field == "workers"), "{e}");
        let other_manager = member(&app, "other", Role::Manager).await;
        for e in [
            app.assign_learning(&other_manager, "acme", new.clone()).await.map(|_| ()).unwrap_err(),
            app.assignments(&other_manager, "acme", &AssignmentFilter::default()).await.map(|_| ()).unwrap_err(),
            app.team_progress(&other_manager, "acme").await.map(|_| ()).unwrap_err(),
            app.cancel_assignment(&other_manager, "acme", bos).await.unwrap_err(),
            app.assign_learning(&ana, "acme", new.clone()).await.map(|_| ()).unwrap_err(),
        ] {
            assert!(matches!(e, AppError::Forbidden(_)), "{e}");
        }
    }

    async fn overdue_assignments_are_told_once_and_done_work_never(db: TestDb) {
        let app = app(&db);
        let w = world(&app, &db).await;
        let ana = worker(&app, &db, "acme", "Ana Silva", Some(w.coding)).await;
        let bo = worker(&app, &db, "acme", "Bo Lind", Some(w.coding)).await;
        let org = app.org_unchecked("acme").await.unwrap();
        // Due dates cannot be set in the past through the use case: write them directly.
        let mut tx = db.store.begin().await.unwrap();
        for p in [&ana, &bo] {
            let stored = tx.conn().insert_assignment(&NewAssignmentRow {
                id: Uuid::now_v7(),
                org_id: org.id,
                user_id: p.user_id().unwrap(),
                target_kind: "module".into(),
                target_id: w.module.0,
                due_on: cairn_app::now().date() - Duration::days(3),
                team_id: Some(w.coding),
                note: None,
                assigned_by: w.manager.user_id(),
                created_at: cairn_app::now() - Duration::days(10),
            }).await.unwrap();
            assert!(stored);
        }
        tx.commit().await.unwrap();
        // Bo did the module (late): done, not overdue.
        complete(&app, &bo, w.module.1).await;
        let overdue = AssignmentFilter { state: Some(AssignmentState::Overdue), ..Default::default() };
        let rows = app.assignments(&w.manager, "acme", &overdue).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].user_id, ana.user_id().unwrap());
        let p = app.team_progress(&w.manager, "acme").await.unwrap().into_iter().find(|t| t.team_id == w.coding).unwrap();
        assert_eq!((p.assigned, p.done, p.overdue), (2, 1, 1));

        assert_eq!(app.notify_overdue_assignments(cairn_app::now()).await.unwrap(), 1);
        assert_eq!(app.notify_overdue_assignments(cairn_app::now()).await.unwrap(), 0, "told once");
        let n = notifications_of(&app, &ana, "assignment.overdue").await;
        assert_eq!(n.len(), 1);
        assert!(n[0].title.starts_with("Overdue: ICD-11 stems"), "{}", n[0].title);
        assert!(notifications_of(&app, &bo, "assignment.overdue").await.is_empty());
        // A clock a day ahead finds nothing new either.
        assert_eq!(app.notify_overdue_assignments(cairn_app::now() + Duration::days(1)).await.unwrap(), 0);
    }

    async fn a_bad_assignments_csv_imports_nothing_and_a_good_one_everything(db: TestDb) {
        let app = app(&db);
        let w = world(&app, &db).await;
        let ana = worker(&app, &db, "acme", "Ana Silva", Some(w.coding)).await;
        let _bo = worker(&app, &db, "acme", "Bo Lind", Some(w.coding)).await;
        org_of(&app, "other", vec![OrgKind::Employer]).await;
        worker(&app, &db, "other", "Oz Out", None).await;
        let due = iso_date(cairn_app::now().date() + Duration::days(30));
        let past = iso_date(cairn_app::now().date() - Duration::days(1));
        let module = w.module.0;
        let watch = ["ana.silva@acme.example", "bo.lind@acme.example"];
        let before = counts(&app, &db, &watch).await;
        let bad = format!(
            "email,kind,target,due_on\n\
             ana.silva@acme.example,module,ICD-11 stems,{due}\n\
             bo.lind@acme.example,course,ICD-11 stems,{due}\n\
             bo.lind@acme.example,module,No Such Module,{due}\n\
             bo.lind@acme.example,module,{module},31/12/2030\n\
             bo.lind@acme.example,module,{module},{past}\n\
             oz.out@other.example,module,{module},{due}\n\
             ana.silva@acme.example,module,{module},{due}\n\
             ,module,{module},{due}\n"
        );
        let problems = rejected(app.import_assignments(&w.manager, "acme", bad.as_bytes()).await.unwrap_err());
        let where_: Vec<(u64, &str)> = problems.iter().map(|(r, c, _)| (*r, c.as_str())).collect();
        assert_eq!(where_, [(3, "kind"), (4, "target"), (5, "due_on"), (6, "due_on"), (6, "target"), (7, "email"), (8, "target"), (9, "email")], "{problems:#?}");
        assert!(problems[3].2.contains("in the past"), "{problems:?}");
        assert!(problems[4].2.contains("same assignment as row 5"), "{problems:?}");
        assert!(problems[5].2.contains("import them as workers first"), "{problems:?}");
        assert!(problems[6].2.contains("same assignment as row 2"), "{problems:?}");
        assert!(problems[7].2.contains("is empty"), "{problems:?}");
        assert_eq!(counts(&app, &db, &watch).await, before, "a bad file changes nothing");

        let good = format!(
            "email,kind,target,due_on,note\n\
             ana.silva@acme.example,module,ICD-11 stems,{due},First\n\
             bo.lind@acme.example,Module,{module},{due},\n"
        );
        let s = app.import_assignments(&w.manager, "acme", good.as_bytes()).await.unwrap();
        assert_eq!((s.rows, s.assignments_made, s.skipped), (2, 2, 0), "{s:?}");
        let after = counts(&app, &db, &watch).await;
        assert_eq!((after.assignments, after.notifications, after.audit), (2, 2, before.audit + 1));
        let mine = app.my_assignments(&ana).await.unwrap();
        assert_eq!(mine[0].note.as_deref(), Some("First"));
        let s = app.import_assignments(&w.manager, "acme", good.as_bytes()).await.unwrap();
        assert_eq!((s.assignments_made, s.skipped), (0, 2), "{s:?}");
    }
}
