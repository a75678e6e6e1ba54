//! Secrets never reach the logs: a demo server logging at debug level is used the way people
//! use it — a password sign-in (and a wrong one), an API token, a credential signed with the
//! issuer's sealed key — and everything it wrote is searched for each secret it handled.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::ok;

/// One HTTP/1.1 exchange: status, the Set-Cookie values, and the body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<String>, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let (head, body) = resp.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let cookies = head
        .lines()
        .filter_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .map(|c| c.split(';').next().unwrap().to_owned())
        .collect();
    (status, cookies, body.to_owned())
}

fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn secrets_never_reach_the_logs_of_a_demo_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let (out_path, err_path) = (dir.path().join("stdout.log"), dir.path().join("stderr.log"));
    let mut server = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["demo", "--db", db, "--bind", "127.0.0.1:0"])
        .env_remove("CAIRN_DB")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::from(std::fs::File::create(&out_path).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err_path).unwrap()))
        .spawn()
        .unwrap();
    let mut addr = None;
    for _ in 0..600 {
        let text = std::fs::read_to_string(&out_path).unwrap_or_default();
        if let Some(rest) = text.split("running on http://").nth(1) {
            addr = rest.split_whitespace().next().map(str::to_owned);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let addr = addr.unwrap_or_else(|| {
        let _ = server.kill();
        panic!(
            "the demo did not start: {}",
            std::fs::read_to_string(&err_path).unwrap_or_default()
        )
    });

    // Someone with a password of their own, and an API token.
    let password = "saffron-lantern-quietly-47";
    let mut add = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "user",
            "add",
            "--db",
            db,
            "--email",
            "secret.keeper@riverside.example",
            "--name",
            "Secret Keeper",
            "--password-stdin",
            "--org",
            "riverside-health",
            "--role",
            "learner",
        ])
        .env_remove("CAIRN_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success());
    let token = ok(&[
        "token", "create", "--db", db, "--org", "rhwc", "--role", "admin", "--name", "logs",
    ])
    .trim()
    .to_owned();

    // A wrong password, then the right one, through the sign-in form.
    let wrong = "not-the-password-but-still-secret-99";
    let (_, cookies, page) = http(&addr, "GET", "/signin", &[], "");
    let csrf_cookie = cookies
        .iter()
        .find(|c| c.starts_with("cairn_csrf="))
        .unwrap()
        .clone();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    for attempt in [wrong, password] {
        let body = format!(
            "csrf={}&email={}&password={}",
            form_encode(&csrf),
            form_encode("secret.keeper@riverside.example"),
            form_encode(attempt)
        );
        let (status, set, _) = http(
            &addr,
            "POST",
            "/signin",
            &[
                ("Cookie", &csrf_cookie),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            &body,
        );
        if attempt == password {
            assert_eq!(status, 303);
            let session = set
                .iter()
                .find(|c| c.starts_with("cairn_session="))
                .unwrap()
                .clone();
            let (status, _, home) = http(&addr, "GET", "/", &[("Cookie", &session)], "");
            assert_eq!(status, 200);
            assert!(home.contains("Secret Keeper"));
            std::fs::write(
                dir.path().join("session"),
                session.trim_start_matches("cairn_session="),
            )
            .unwrap();
        }
    }
    let session_secret = std::fs::read_to_string(dir.path().join("session")).unwrap();

    // A credential signed with the council's key (unsealed with the master key).
    let (_, _, achievements) = http(&addr, "GET", "/api/v1/orgs/rhwc/achievements", &[], "");
    let achievements: serde_json::Value = serde_json::from_str(&achievements).unwrap();
    let body = serde_json::json!({"achievement_id": achievements[0]["id"], "recipient_email": "logs@example.org"}).to_string();
    let bearer = format!("Bearer {token}");
    let (status, _, issued) = http(
        &addr,
        "POST",
        "/api/v1/orgs/rhwc/credentials",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        &body,
    );
    assert_eq!(status, 201, "{issued}");

    server.kill().unwrap();
    server.wait().unwrap();
    let logs =
        std::fs::read_to_string(&out_path).unwrap() + &std::fs::read_to_string(&err_path).unwrap();
    // The logs are real: debug output of the requests made above.
    assert!(
        logs.contains("listening") && logs.contains("/api/v1/orgs/rhwc/credentials"),
        "{logs}"
    );
    let master_key = std::fs::read_to_string(dir.path().join("demo.key")).unwrap();
    let master_key = master_key.trim();
    assert!(
        master_key.len() >= 32,
        "the demo made its master key beside the database"
    );
    for (what, secret) in [
        ("the master key", master_key),
        ("a session secret", session_secret.as_str()),
        ("an API token", token.as_str()),
        ("a password", password),
        ("a mistyped password", wrong),
    ] {
        assert!(!logs.contains(secret), "{what} appears in the logs");
    }
}
