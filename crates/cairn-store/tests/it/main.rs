//! The storage contract: every test runs on SQLite and, when `CAIRN_TEST_POSTGRES_URL` is
//! set, on PostgreSQL (test names end in `::sqlite` / `::postgres`).

use cairn_core::audit::{AuditEntry, GENESIS, verify_chain};
use cairn_core::{ApiToken, Email, Membership, OrgKind, Organization, Role, Team, User};
#[allow(unused_imports)]
use cairn_store::testing::TestDb;
use cairn_store::{SessionRow, StoreError, backend_tests};
use time::OffsetDateTime;
use uuid::Uuid;

mod bench_seed;
mod jobs;
mod lrs;

fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap()
}

fn org(slug: &str, name: &str, kinds: &[OrgKind]) -> Organization {
    Organization {
        id: Uuid::new_v4(),
        slug: slug.into(),
        name: name.into(),
        kinds: kinds.to_vec(),
        created_at: now(),
    }
}

fn user(name: &str, email: &str) -> User {
    User {
        id: Uuid::new_v4(),
        display_name: name.into(),
        emails: vec![Email {
            address: email.into(),
            primary: true,
        }],
        is_operator: false,
        created_at: now(),
    }
}

backend_tests! {
    async fn organizations_round_trip_with_all_kinds(db: TestDb) {
        let o = org("riverside", "Riverside Health", &[OrgKind::Employer, OrgKind::Issuer]);
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&o).await.unwrap();
        tx.commit().await.unwrap();
        let mut r = db.store.reader().await.unwrap();
        let got = r.conn().org_by_slug("riverside").await.unwrap().unwrap();
        assert_eq!(got, o, "{}", db.backend);
        assert_eq!(r.conn().org_by_id(o.id).await.unwrap().unwrap(), o);
        assert!(r.conn().org_by_slug("nope").await.unwrap().is_none());
    }

    async fn duplicate_slug_is_a_conflict(db: TestDb) {
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&org("dup", "A", &[])).await.unwrap();
        let err = tx.conn().insert_org(&org("dup", "B", &[])).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    }

    async fn names_with_sql_metacharacters_and_unicode_are_stored_verbatim(db: TestDb) {
        let nasty = "Robert'); DROP TABLE organizations;-- \"Ünïcødé\" 医院 🏥 \\ % _";
        let o = org("nasty", nasty, &[OrgKind::Provider]);
        let u = user("Zoë O'Brien-Ngũgĩ 👩‍⚕️", "zoe@example.org");
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&o).await.unwrap();
        tx.conn().insert_user(&u, None).await.unwrap();
        tx.commit().await.unwrap();
        let mut r = db.store.reader().await.unwrap();
        assert_eq!(r.conn().org_by_id(o.id).await.unwrap().unwrap().name, nasty);
        assert_eq!(r.conn().user_by_id(u.id).await.unwrap().unwrap().display_name, u.display_name);
        assert_eq!(r.conn().list_orgs().await.unwrap().len(), 1);
        // A LIKE-style pattern in a lookup is data, not a wildcard.
        assert!(r.conn().org_by_slug("%").await.unwrap().is_none());
    }

    async fn users_have_several_emails_with_one_primary(db: TestDb) {
        let mut u = user("Ada", "ada@example.org");
        u.emails.push(Email { address: "ada.work@example.org".into(), primary: false });
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_user(&u, Some("hash")).await.unwrap();
        tx.commit().await.unwrap();
        let mut r = db.store.reader().await.unwrap();
        let got = r.conn().user_by_id(u.id).await.unwrap().unwrap();
        assert_eq!(got.primary_email(), Some("ada@example.org"));
        assert_eq!(got.emails.len(), 2);
        assert_eq!(r.conn().user_id_by_email("ada.work@example.org").await.unwrap(), Some(u.id));
        let facts = r.conn().sign_in_facts("ada@example.org").await.unwrap().unwrap();
        assert_eq!(facts.password_hash.as_deref(), Some("hash"));

        // A second primary address for the same person is refused by the schema.
        let mut tx = db.store.begin().await.unwrap();
        let err = tx.conn().insert_email(u.id, &Email { address: "x@example.org".into(), primary: true }).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    }

    async fn email_belongs_to_one_person(db: TestDb) {
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_user(&user("A", "same@example.org"), None).await.unwrap();
        let err = tx.conn().insert_user(&user("B", "same@example.org"), None).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    }

    async fn failed_sign_ins_count_and_lock(db: TestDb) {
        let u = user("Ada", "ada@example.org");
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_user(&u, Some("h")).await.unwrap();
        tx.conn().record_failed_sign_in(u.id, None).await.unwrap();
        let until = now() + time::Duration::minutes(15);
        tx.conn().record_failed_sign_in(u.id, Some(until)).await.unwrap();
        let f = tx.conn().sign_in_facts("ada@example.org").await.unwrap().unwrap();
        assert_eq!(f.failed_sign_ins, 2);
        assert_eq!(f.locked_until, Some(until));
        tx.conn().clear_failed_sign_ins(u.id).await.unwrap();
        let f = tx.conn().sign_in_facts("ada@example.org").await.unwrap().unwrap();
        assert_eq!((f.failed_sign_ins, f.locked_until), (0, None));
    }

    async fn memberships_and_member_lists(db: TestDb) {
        let o = org("h", "Hospital", &[OrgKind::Employer]);
        let a = user("Zed", "zed@example.org");
        let b = user("Amy", "amy@example.org");
        let mut tx = db.store.begin().await.unwrap();
        let mut c = tx.conn();
        c.insert_org(&o).await.unwrap();
        c.insert_user(&a, None).await.unwrap();
        c.insert_user(&b, None).await.unwrap();
        for (u, role) in [(&a, Role::Admin), (&a, Role::Learner), (&b, Role::Learner)] {
            c.insert_membership(&Membership { org_id: o.id, user_id: u.id, role, job_title: Some("Coder".into()), created_at: now() }).await.unwrap();
        }
        tx.commit().await.unwrap();

        // A failed statement aborts a PostgreSQL transaction: each refusal gets its own.
        let mut tx = db.store.begin().await.unwrap();
        let dup = tx.conn().insert_membership(&Membership { org_id: o.id, user_id: b.id, role: Role::Learner, job_title: None, created_at: now() }).await.unwrap_err();
        assert!(matches!(dup, StoreError::Conflict(_)), "{dup}");
        drop(tx);
        let mut tx = db.store.begin().await.unwrap();
        let missing = tx.conn().insert_membership(&Membership { org_id: Uuid::new_v4(), user_id: b.id, role: Role::Learner, job_title: None, created_at: now() }).await.unwrap_err();
        assert!(matches!(missing, StoreError::NotFound(_)), "{missing}");
        drop(tx);

        let mut r = db.store.reader().await.unwrap();
        let rows = r.conn().members_of_org(o.id, 100, 0).await.unwrap();
        let names: Vec<_> = rows.iter().map(|m| (m.display_name.as_str(), m.role.as_str())).collect();
        assert_eq!(names, [("Amy", "learner"), ("Zed", "admin"), ("Zed", "learner")]);
        assert_eq!(r.conn().count_members(o.id).await.unwrap(), 2);
        assert_eq!(r.conn().count_admins(o.id).await.unwrap(), 1);
        assert_eq!(r.conn().memberships_of_user(a.id).await.unwrap().len(), 2);
        assert_eq!(r.conn().orgs_of_user(b.id).await.unwrap()[0].id, o.id);

        let mut tx = db.store.begin().await.unwrap();
        assert!(tx.conn().delete_membership(o.id, a.id, Role::Learner).await.unwrap());
        assert!(!tx.conn().delete_membership(o.id, a.id, Role::Learner).await.unwrap());
        tx.commit().await.unwrap();
    }

    async fn teams_count_their_members(db: TestDb) {
        let o = org("h", "Hospital", &[OrgKind::Employer]);
        let a = user("A", "a@example.org");
        let t = Team { id: Uuid::new_v4(), org_id: o.id, name: "Ward 4B".into() };
        let empty = Team { id: Uuid::new_v4(), org_id: o.id, name: "Coding".into() };
        let mut tx = db.store.begin().await.unwrap();
        let mut c = tx.conn();
        c.insert_org(&o).await.unwrap();
        c.insert_user(&a, None).await.unwrap();
        c.insert_team(&t).await.unwrap();
        c.insert_team(&empty).await.unwrap();
        c.add_team_member(t.id, a.id).await.unwrap();
        let teams = c.teams_of_org(o.id).await.unwrap();
        assert_eq!(teams.iter().map(|t| (t.name.as_str(), t.members)).collect::<Vec<_>>(), [("Coding", 0), ("Ward 4B", 1)]);
        assert_eq!(c.team_names_of_user(o.id, a.id).await.unwrap(), ["Ward 4B"]);
    }

    async fn tokens_are_found_by_hash_and_revoked_per_organization(db: TestDb) {
        let a = org("a", "A", &[]);
        let b = org("b", "B", &[]);
        let t = ApiToken { id: Uuid::new_v4(), org_id: a.id, role: Role::Manager, name: "ci".into(), created_by: None, created_at: now(), expires_at: None, revoked_at: None };
        let mut tx = db.store.begin().await.unwrap();
        let mut c = tx.conn();
        c.insert_org(&a).await.unwrap();
        c.insert_org(&b).await.unwrap();
        c.insert_token(&t, b"hash-1").await.unwrap();
        assert_eq!(c.token_by_hash(b"hash-1").await.unwrap().unwrap(), t);
        assert!(c.token_by_hash(b"hash-2").await.unwrap().is_none());
        // Organization B cannot revoke A's token.
        assert!(!c.revoke_token(b.id, t.id, now()).await.unwrap());
        assert!(c.revoke_token(a.id, t.id, now()).await.unwrap());
        let got = c.token_by_hash(b"hash-1").await.unwrap().unwrap();
        assert!(got.revoked_at.is_some());
        assert!(!got.is_usable_at(now()));
        assert_eq!(c.tokens_of_org(a.id).await.unwrap().len(), 1);
        assert!(c.tokens_of_org(b.id).await.unwrap().is_empty());
    }

    async fn sessions_round_trip_and_delete(db: TestDb) {
        let u = user("A", "a@example.org");
        let s = SessionRow { id_hash: vec![1, 2, 3], user_id: u.id, csrf_token: "c".into(), created_at: now(), expires_at: now() + time::Duration::hours(8) };
        let mut tx = db.store.begin().await.unwrap();
        let mut c = tx.conn();
        c.insert_user(&u, None).await.unwrap();
        c.insert_session(&s).await.unwrap();
        assert_eq!(c.session_by_hash(&[1, 2, 3]).await.unwrap().unwrap(), s);
        assert!(c.delete_session(&[1, 2, 3]).await.unwrap());
        assert!(c.session_by_hash(&[1, 2, 3]).await.unwrap().is_none());
    }

    async fn audit_log_is_a_verifiable_append_only_chain(db: TestDb) {
        let o = org("a", "A", &[]);
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&o).await.unwrap();
        for i in 0..5 {
            let e = AuditEntry { actor: "system".into(), org_id: (i % 2 == 0).then_some(o.id), action: "test.event".into(), subject: format!("n:{i}"), detail: "{\"k\":\"ü\"}".into() };
            tx.conn().append_audit(&e, now()).await.unwrap();
        }
        tx.commit().await.unwrap();
        let mut r = db.store.reader().await.unwrap();
        let all = r.conn().audit_events(None, 0, 100).await.unwrap();
        assert_eq!(all.events.len(), 5);
        assert!(all.next_after.is_none());
        verify_chain(GENESIS, &all.events).unwrap();
        let page = r.conn().audit_events(None, 0, 2).await.unwrap();
        assert_eq!(page.next_after, Some(page.events[1].seq));
        assert_eq!(r.conn().audit_events(Some(o.id), 0, 100).await.unwrap().events.len(), 3);
        drop(r);

        // The database refuses to edit or delete audit events.
        let mut tx = db.store.begin().await.unwrap();
        let err = match tx.conn() {
            cairn_store::Conn::Sqlite(c) => sqlx::query("UPDATE audit_events SET subject = 'x'").execute(c).await.map(|_| ()),
            cairn_store::Conn::Postgres(c) => sqlx::query("UPDATE audit_events SET subject = 'x'").execute(c).await.map(|_| ()),
        };
        assert!(err.unwrap_err().to_string().contains("append-only"));
    }

    async fn rolled_back_transaction_leaves_nothing(db: TestDb) {
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&org("gone", "Gone", &[])).await.unwrap();
        drop(tx);
        let mut r = db.store.reader().await.unwrap();
        assert!(r.conn().org_by_slug("gone").await.unwrap().is_none());
    }

    async fn migrating_twice_is_harmless_and_ping_works(db: TestDb) {
        db.store.migrate().await.unwrap();
        db.store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn bad_database_urls_are_explained() {
    let err = cairn_store::Store::connect("mysql://x@y/z")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("postgres://"), "{err}");
}
