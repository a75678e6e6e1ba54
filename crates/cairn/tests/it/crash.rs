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
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["serve", "--db", db, "--bind", "127.0.0.1:0"])
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
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    resp.split_whitespace().nth(1)?.parse().ok()
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

#[test]
fn sigkill_during_writes_leaves_sqlite_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    run_trials(db.to_str().unwrap());
}

#[test]
fn sigkill_during_writes_leaves_postgres_consistent() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(db) = rt.block_on(TestDb::postgres()) else {
        return;
    };
    run_trials(&db.url);
    drop(db);
}
