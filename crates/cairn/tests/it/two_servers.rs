//! Two `cairn serve` processes on one PostgreSQL database, started together on a backlog:
//! awards waiting to be signed (each of which completes a stack, so both servers' award
//! workers also judge and sign stacks) and notifications waiting to be e-mailed. Nothing
//! may be done twice: one credential per award, no status index twice, one signing key for
//! the issuer, each e-mail delivered once, and neither server logs an error or a warning.
//!
//! PostgreSQL only (SQLite is one process's file): skipped with a notice when
//! `CAIRN_TEST_POSTGRES_URL` is unset.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cairn_app::notify::{NewNotification, SmtpConfig};
use cairn_app::{App, AppConfig};
use cairn_core::rng::SeededRng;
use cairn_store::testing::TestDb;

use crate::crash_awards::{SLUG, check_exactly_once, complaints, decided_awards, logged, serve};

const LEARNERS: usize = 300;
/// Notifications per learner waiting to be e-mailed when the servers start.
const BACKLOG: usize = 2;

/// A mail relay on 127.0.0.1 that accepts everything and records each message's
/// Message-ID (Cairn makes it from the notification's id).
fn mail_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let rec = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let rec = rec.clone();
            std::thread::spawn(move || {
                let mut w = stream.try_clone().unwrap();
                let mut r = BufReader::new(stream);
                let _ = w.write_all(b"220 sink.example ESMTP\r\n");
                let mut line = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let upper = line.to_ascii_uppercase();
                    let answer: &[u8] = if upper.starts_with("DATA") {
                        let _ = w.write_all(b"354 go ahead\r\n");
                        let mut id = None;
                        loop {
                            let mut l = String::new();
                            if r.read_line(&mut l).unwrap_or(0) == 0 {
                                return;
                            }
                            if l == ".\r\n" {
                                break;
                            }
                            if let Some(v) = l.strip_prefix("Message-ID:") {
                                id = Some(v.trim().to_owned());
                            }
                        }
                        rec.lock().unwrap().push(id.unwrap_or_default());
                        b"250 queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n");
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    if w.write_all(answer).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, received)
}

#[test]
fn two_servers_on_one_postgres_do_nothing_twice() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(db) = rt.block_on(TestDb::postgres()) else {
        return;
    };
    let (port, received) = mail_sink();
    let dir = tempfile::tempdir().unwrap();
    let logs = [dir.path().join("a.log"), dir.path().join("b.log")];

    // The backlog, written by an App that leaves both awards and e-mails to the workers.
    let mut cfg = AppConfig::for_tests();
    cfg.sign_awards_inline = false;
    cfg.smtp = Some(SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        from: "cairn@bulk.example".into(),
    });
    let app = rt.block_on(App::open(&db.url, cfg)).unwrap();
    let world = rt.block_on(decided_awards(&app, LEARNERS, true));
    let stack = world.stack.unwrap();
    rt.block_on(async {
        for (i, learner) in world.learners.iter().enumerate() {
            for k in 0..BACKLOG {
                let inserted = app
                    .notify_now(&NewNotification {
                        user_id: *learner,
                        kind: "assignment.due".into(),
                        dedupe_key: format!("backlog:{i}:{k}"),
                        title: format!("Hand hygiene module, reminder {}", k + 1),
                        body: "Finish it this week.".into(),
                        link: Some("/catalog".into()),
                    })
                    .await
                    .unwrap();
                assert!(inserted);
            }
        }
    });

    let started = Instant::now();
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let extra = [
        "--smtp-url",
        smtp_url.as_str(),
        "--smtp-from",
        "cairn@bulk.example",
    ];
    let servers = [
        serve(&db.url, &logs[0], &extra),
        serve(&db.url, &logs[1], &extra),
    ];
    // A badge and its stack per learner, and an e-mail for the backlog notice and for each
    // award. E-mails of awards signed after a worker's first pass wait for its next one
    // (30 s).
    let awards = 2 * LEARNERS;
    let emails = BACKLOG * LEARNERS + awards;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let pending = rt.block_on(async {
            let mut r = app.store.reader().await.unwrap();
            r.conn().pending_award_ids(1).await.unwrap().len()
        });
        let sent = received.lock().unwrap().len();
        if pending == 0 && sent >= emails {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {pending}+ awards pending and {sent} of {emails} e-mails sent"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Both servers must be up to the end (neither died along the way).
    for s in servers {
        let mut s = s;
        assert!(s.child.try_wait().unwrap().is_none(), "a server exited");
        s.sigkill();
    }
    eprintln!(
        "two servers: {awards} awards and {emails} e-mails in {:?}",
        started.elapsed()
    );

    let mut rng = SeededRng::new(11);
    let checked = rt.block_on(check_exactly_once(
        &app,
        &world,
        &[world.badge, stack],
        &mut rng,
    ));
    assert_eq!(checked, awards);

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), emails, "each notification e-mailed once");
    let distinct: HashSet<_> = received.iter().collect();
    assert_eq!(distinct.len(), emails, "no message delivered twice");
    rt.block_on(async {
        let mut r = app.store.reader().await.unwrap();
        let mut kinds: HashMap<String, usize> = HashMap::new();
        for learner in &world.learners {
            let rows = r.conn().notifications_of_user(*learner, 100).await.unwrap();
            for n in rows {
                assert_eq!(
                    (n.email_state.as_str(), n.email_tries),
                    ("sent", 1),
                    "notification {} ({})",
                    n.id,
                    n.kind
                );
                assert!(
                    distinct.contains(&format!("<{}@bulk.example>", n.id)),
                    "notification {} was not among the e-mails",
                    n.id
                );
                *kinds.entry(n.kind).or_default() += 1;
            }
        }
        assert_eq!(kinds.get("award.issued"), Some(&awards), "{kinds:?}");
        assert_eq!(
            kinds.get("assignment.due"),
            Some(&(BACKLOG * LEARNERS)),
            "{kinds:?}"
        );

        // Both servers found the issuer without a key; only one may have made one.
        let did = app.did_document(SLUG).await.unwrap();
        let keys = did["verificationMethod"].as_array().map_or(0, Vec::len);
        assert_eq!(keys, 1, "one signing key for the issuer: {did}");
    });
    // Both took part (or the test proved nothing): each server's workers say what they did.
    // Awards signed by a worker's later passes are not logged, so the sum may fall short.
    let signed = logs
        .each_ref()
        .map(|l| logged(l, "signed pending awards", "signed"));
    let sent = logs
        .each_ref()
        .map(|l| logged(l, "e-mailed notifications", "sent"));
    eprintln!("awards signed by each server: {signed:?}; e-mails sent by each: {sent:?}");
    assert!(
        signed.iter().all(|&n| n > 0) && signed.iter().sum::<usize>() <= awards,
        "both servers sign awards: {signed:?}"
    );
    assert_eq!(
        sent.iter().sum::<usize>(),
        emails,
        "the relay accepted each e-mail from one server only"
    );
    for log in &logs {
        let complaints = complaints(log);
        assert!(complaints.is_empty(), "{}: {complaints:#?}", log.display());
    }
    rt.block_on(app.store.close());
    drop(db);
}

// The race the two servers ran into, step by step: while one transaction's new key for an
// issuer is uncommitted, another that finds no key and makes one ends up with the first's,
// not a second active key. Rotation still makes a fresh one.
cairn_store::backend_tests! {
    async fn an_issuers_first_signing_key_is_made_once(db: TestDb) {
        use cairn_store::{Backend, SigningKeyRow};
        let app = App::new(db.store.clone(), AppConfig::for_tests());
        let org = app
            .create_org(
                &cairn_core::Principal::system(),
                cairn_app::orgs::NewOrg {
                    slug: Some("keys".into()),
                    name: "Keys".into(),
                    kinds: vec![cairn_core::OrgKind::Issuer],
                },
            )
            .await
            .unwrap();
        let key = |n: u8| SigningKeyRow {
            id: uuid::Uuid::now_v7(),
            org_id: org.id,
            public_multibase: format!("z-test-{n}"),
            secret_sealed: vec![n; 8],
            created_at: time::OffsetDateTime::now_utc(),
            retired_at: None,
        };
        let mut first = db.store.begin().await.unwrap();
        assert!(first.conn().insert_first_signing_key(&key(1)).await.unwrap());
        let made = match db.store.backend() {
            // The second waits for the first to commit, then does nothing.
            Backend::Postgres => {
                let second = async {
                    let mut tx = db.store.begin().await.unwrap();
                    let made = tx.conn().insert_first_signing_key(&key(2)).await.unwrap();
                    tx.commit().await.unwrap();
                    made
                };
                let commit = async {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    first.commit().await.unwrap();
                };
                tokio::join!(second, commit).0
            }
            // One writer: the second transaction begins once the first has ended.
            Backend::Sqlite => {
                first.commit().await.unwrap();
                let mut tx = db.store.begin().await.unwrap();
                let made = tx.conn().insert_first_signing_key(&key(2)).await.unwrap();
                tx.commit().await.unwrap();
                made
            }
        };
        assert!(!made, "a second active key was made");
        let active = |keys: Vec<SigningKeyRow>| -> Vec<String> {
            keys.into_iter()
                .filter(|k| k.retired_at.is_none())
                .map(|k| k.public_multibase)
                .collect()
        };
        let keys = db.store.reader().await.unwrap().conn().signing_keys(org.id).await.unwrap();
        assert_eq!(active(keys), ["z-test-1"]);

        let mut tx = db.store.begin().await.unwrap();
        tx.conn()
            .retire_signing_keys(org.id, time::OffsetDateTime::now_utc())
            .await
            .unwrap();
        assert!(tx.conn().insert_first_signing_key(&key(3)).await.unwrap());
        tx.commit().await.unwrap();
        let keys = db.store.reader().await.unwrap().conn().signing_keys(org.id).await.unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(active(keys), ["z-test-3"]);
    }
}
