//! Kill the server with SIGKILL while it writes, start it again, and check that the
//! database is consistent: every acknowledged write is there, every change has its audit
//! event, and the audit chain is unbroken. Runs on SQLite, and on PostgreSQL when
//! `CAIRN_TEST_POSTGRES_URL` is set.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cairn_app::{App, AppConfig};
use cairn_core::Principal;
use cairn_store::testing::TestDb;

use crate::ok;

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    /// A failed assertion must not leave a server running after the test.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &str) -> Server {
    start_with(db, &[])
}

fn start_with(db: &str, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["serve", "--db", db, "--bind", "127.0.0.1:0"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    Server { child, addr }
}

/// A tiny HTTP/1.1 client: the status code, or None when the connection broke.
fn post(addr: &str, path: &str, token: &str, body: &str) -> Option<u16> {
    request(addr, "POST", path, token, body).map(|(status, _)| status)
}

/// The status and body of one request, or None when the connection broke.
fn request(addr: &str, method: &str, path: &str, token: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let status = resp.split_whitespace().nth(1)?.parse().ok()?;
    let body = resp.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

fn trial(db_url: &str, trial: usize, kill_after: Duration) {
    let slug = format!("crash-{trial}");
    ok(&[
        "org",
        "add",
        "--db",
        db_url,
        "--name",
        &format!("Crash {trial}"),
        "--slug",
        &slug,
    ]);
    let token = ok(&[
        "token", "create", "--db", db_url, "--org", &slug, "--role", "admin", "--name", "writer",
    ])
    .trim()
    .to_owned();

    let server = start(db_url);
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let (addr, token, slug) = (server.addr.clone(), token.clone(), slug.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                for i in 0..10_000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let email = format!("w{w}-{i}@crash.example");
                    let body = format!("{{\"email\":\"{email}\",\"display_name\":\"Worker {w}-{i}\",\"role\":\"learner\"}}");
                    match post(&addr, &format!("/api/v1/orgs/{slug}/members"), &token, &body) {
                        Some(201) => acknowledged.lock().unwrap().push(email),
                        Some(code) => panic!("unexpected status {code}"),
                        None => break, // the server is gone
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(kill_after);
    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL: no chance to finish anything
    server.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    // The server starts again on the same database and is ready.
    let again = start(db_url);
    let status = post(
        &again.addr,
        "/api/v1/orgs",
        &token,
        "{\"name\":\"Not mine\"}",
    );
    assert_eq!(status, Some(403), "the restarted server answers");
    drop(again);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let app = App::open(db_url, AppConfig::for_tests()).await.unwrap();
        let sys = Principal::system();
        let check = app.verify_audit_chain().await.unwrap();
        assert!(check.broken.is_none(), "trial {trial}: {check:?}");
        let (_, rows, total) = app.members(&sys, &slug, 500, 0).await.unwrap();
        let mut all = rows;
        let mut offset = 500;
        while (all.len() as i64) < total {
            let (_, more, _) = app.members(&sys, &slug, 500, offset).await.unwrap();
            all.extend(more);
            offset += 500;
        }
        let emails: std::collections::HashSet<_> =
            all.iter().filter_map(|m| m.email.clone()).collect();
        for e in &acknowledged {
            assert!(
                emails.contains(e),
                "trial {trial}: acknowledged write {e} was lost"
            );
        }
        // Every membership has its audit event and no audit event lacks its membership.
        let mut adds = 0;
        let mut after = 0;
        loop {
            let (events, next) = app.audit_log(&sys, &slug, after, 500).await.unwrap();
            adds += events
                .iter()
                .filter(|e| e.entry.action == "member.add")
                .count();
            match next {
                Some(n) => after = n,
                None => break,
            }
        }
        assert_eq!(
            adds as i64, total,
            "trial {trial}: memberships and their audit events disagree"
        );
        eprintln!(
            "trial {trial}: killed after {kill_after:?}; {} writes acknowledged, {total} stored",
            acknowledged.len()
        );
    });
}

fn run_trials(db_url: &str) {
    ok(&["migrate", "--db", db_url]);
    for (i, ms) in [150u64, 400, 900].into_iter().enumerate() {
        trial(db_url, i, Duration::from_millis(ms));
    }
}

/// Run `check` against a fresh SQLite file.
fn on_sqlite(check: impl FnOnce(&str)) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cairn.db");
    check(db.to_str().unwrap());
}

/// Run `check` against a fresh PostgreSQL database, when one is configured.
fn on_postgres(check: impl FnOnce(&str)) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(db) = rt.block_on(TestDb::postgres()) else {
        return;
    };
    check(&db.url);
    drop(db);
}

#[test]
fn sigkill_during_writes_leaves_sqlite_consistent() {
    on_sqlite(run_trials);
}

#[test]
fn sigkill_during_writes_leaves_postgres_consistent() {
    on_postgres(run_trials);
}

/// An award decided by a server that died before signing it: the state a crash between
/// the decision's commit and the signing leaves. Returns (admin token, achievement id).
async fn award_left_unsigned(db_url: &str) -> (String, uuid::Uuid) {
    use cairn_app::credentials::NewAchievement;
    use cairn_app::modules::ProgressUpdate;
    use cairn_core::catalog::{LessonPage, ModuleContent, ModuleFormat};
    use cairn_core::criteria::Criteria;
    use cairn_core::{AchievementKind, AchievementSpec, OrgKind, PrincipalKind, Role};

    let mut cfg = AppConfig::for_tests();
    cfg.sign_awards_inline = false;
    let app = App::open(db_url, cfg).await.unwrap();
    let sys = Principal::system();
    app.create_org(
        &sys,
        cairn_app::orgs::NewOrg {
            slug: Some("council".into()),
            name: "Council".into(),
            kinds: vec![OrgKind::Provider, OrgKind::Issuer],
        },
    )
    .await
    .unwrap();
    let token = app
        .create_token(
            &sys,
            "council",
            cairn_app::orgs::NewToken {
                name: "admin".into(),
                role: Role::Admin,
                expires_in_days: None,
            },
        )
        .await
        .unwrap()
        .secret;
    let learner = app
        .create_user(
            &sys,
            cairn_app::accounts::NewUser {
                display_name: "Learner".into(),
                email: "learner@council.example".into(),
                password: None,
                is_operator: false,
            },
        )
        .await
        .unwrap();
    let draft = app
        .create_module(
            &sys,
            "council",
            ModuleContent {
                title: "Stems".into(),
                summary: "Stem codes.".into(),
                objectives: vec!["Read a stem".into()],
                duration_minutes: 5,
                language: "en".into(),
                format: ModuleFormat::Lesson,
                url: None,
                activity_iri: None,
                alignments: vec![],
                tags: vec![],
                pages: vec![LessonPage {
                    title: "Stems".into(),
                    markdown: "A stem stands alone.".into(),
                }],
                questions: vec![],
            },
        )
        .await
        .unwrap();
    let v = app.publish_module(&sys, draft.module_id).await.unwrap();
    let achievement = app
        .create_achievement(
            &sys,
            "council",
            NewAchievement {
                kind: AchievementKind::Badge,
                name: "Stems".into(),
                description: "Read stem codes.".into(),
                criteria: "Complete the module.".into(),
                spec: AchievementSpec {
                    rule: Some(Criteria::CompletedModule {
                        module_id: v.module_id,
                        min_version: None,
                    }),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
    let as_learner = Principal {
        kind: PrincipalKind::User {
            user_id: learner.id,
        },
        is_operator: false,
        grants: vec![],
    };
    app.save_progress(
        &as_learner,
        v.id,
        ProgressUpdate {
            page_reached: Some(1),
            answers: None,
        },
    )
    .await
    .unwrap();
    let pending = app
        .org_awards(&sys, "council", Some("pending"))
        .await
        .unwrap();
    assert_eq!(pending.len(), 1, "the award waits, unsigned");
    app.store.close().await;
    (token, achievement.id)
}

/// Poll until the issuer has `n` issued awards (the server signs pending ones at start).
fn wait_for_issued(addr: &str, token: &str, n: usize) -> serde_json::Value {
    for _ in 0..100 {
        if let Some((200, body)) = request(addr, "GET", "/api/v1/orgs/council/awards", token, "") {
            let awards: serde_json::Value = serde_json::from_str(&body).unwrap();
            let issued = awards
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["state"] == "issued")
                .count();
            if issued >= n {
                return awards;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the restarted server did not sign the pending award");
}

fn unsigned_award_is_signed_once_after_restart(db_url: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (token, achievement) = rt.block_on(award_left_unsigned(db_url));
    let key = cairn_app::keys::MasterKey::from_bytes([7; 32]).encode();
    let args = ["--master-key", key.as_str()];

    // Restart, twice at once: both servers find the pending award as they start, and
    // exactly one signs it.
    let mut first = start_with(db_url, &args);
    let mut second = start_with(db_url, &args);
    wait_for_issued(&first.addr, &token, 1);
    // Both must have made their start-up pass before they are killed, or a second signing
    // could be missed: the second answers requests only after its worker was spawned, and a
    // pass is a few queries, so a second of quiet covers it.
    wait_for_issued(&second.addr, &token, 1);
    std::thread::sleep(Duration::from_secs(1));
    for s in [&mut first, &mut second] {
        s.child.kill().unwrap(); // SIGKILL again, after signing
        s.child.wait().unwrap();
    }

    rt.block_on(async {
        let app = App::open(db_url, AppConfig::for_tests()).await.unwrap();
        let sys = Principal::system();
        let (credentials, _) = app.credentials(&sys, "council", 100, 0).await.unwrap();
        let for_it = credentials
            .iter()
            .filter(|c| c.achievement_id == Some(achievement))
            .count();
        assert_eq!(for_it, 1, "one credential for the one award");
        assert!(app.verify_audit_chain().await.unwrap().broken.is_none());
        app.store.close().await;
    });
}

#[test]
fn an_award_unsigned_at_a_crash_is_signed_once_after_restart_on_sqlite() {
    on_sqlite(unsigned_award_is_signed_once_after_restart);
}

#[test]
fn an_award_unsigned_at_a_crash_is_signed_once_after_restart_on_postgres() {
    on_postgres(unsigned_award_is_signed_once_after_restart);
}
