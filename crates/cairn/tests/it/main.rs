//! The `cairn` binary as a user runs it: commands, exit codes, and a server killed with
//! SIGKILL in the middle of writes.

mod backup;
mod crash;
mod crash_awards;
mod framework;
mod icd11;
mod secrets;
mod two_servers;
mod vc;

use std::process::{Command, Output};

pub fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .env_remove("CAIRN_DB")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

pub fn ok(args: &[&str]) -> String {
    let out = cairn(args);
    assert!(
        out.status.success(),
        "cairn {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn administration_commands_work_and_explain_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let db = db.to_str().unwrap();
    ok(&["migrate", "--db", db]);
    ok(&[
        "org",
        "add",
        "--db",
        db,
        "--name",
        "St. Mary's Hospital",
        "--kind",
        "employer,issuer",
    ]);
    let list = ok(&["org", "list", "--db", db]);
    assert!(
        list.contains("st-mary-s-hospital\tSt. Mary's Hospital\temployer,issuer"),
        "{list}"
    );

    let out = cairn(&[
        "org", "add", "--db", db, "--name", "X", "--kind", "hospital",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an organization kind"));

    let out = cairn(&[
        "org",
        "add",
        "--db",
        db,
        "--name",
        "Again",
        "--slug",
        "st-mary-s-hospital",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already exists"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "user",
            "add",
            "--db",
            db,
            "--email",
            "ada@example.org",
            "--name",
            "Ada",
            "--password-stdin",
            "--org",
            "st-mary-s-hospital",
            "--role",
            "admin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let secret = ok(&[
        "token",
        "create",
        "--db",
        db,
        "--org",
        "st-mary-s-hospital",
        "--role",
        "manager",
        "--name",
        "sync",
    ]);
    assert!(secret.trim().starts_with("cairn_"), "{secret}");
    assert!(ok(&["audit", "verify", "--db", db]).contains("intact"));

    // Any free port: the default one may be taken by a demo running beside the tests.
    let out = cairn(&["serve", "--db", "mysql://nope", "--bind", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("postgres://"));
}

#[test]
fn the_openapi_document_prints_without_a_database() {
    let doc: serde_json::Value = serde_json::from_str(&ok(&["openapi"])).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[test]
fn serve_migrates_an_empty_postgres_database() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(db) = rt.block_on(cairn_store::testing::TestDb::postgres_empty()) else {
        return;
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["serve", "--db", &db.url, "--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(line.contains("serving on http://127.0.0.1:"), "{line}");
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot issue"),
        "no master key is invented for a shared database: {stderr}"
    );
    // The schema is there: administration commands work on it.
    ok(&["org", "add", "--db", &db.url, "--name", "Migrated"]);
    assert!(ok(&["audit", "verify", "--db", &db.url]).contains("intact"));
}

#[cfg(unix)]
#[test]
fn sigterm_shuts_the_server_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--bind",
            "127.0.0.1:0",
        ])
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(line.contains("serving on"), "{line}");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit after SIGTERM: {:?}", out.status);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("shutting down") && log.contains("stopped"),
        "{log}"
    );
}
