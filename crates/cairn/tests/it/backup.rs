//! `cairn backup` and `cairn restore`: a round trip keeps every row, taken while a server
//! is serving the database, and bad input is refused before anything is touched.

use crate::{cairn, ok};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn backup_while_serving_then_restore_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let (db, backup, restored) = (path("live.db"), path("backup.db"), path("restored.db"));
    ok(&["migrate", "--db", &db]);
    ok(&[
        "org", "add", "--db", &db, "--name", "St Mary", "--kind", "employer",
    ]);
    ok(&[
        "user",
        "add",
        "--db",
        &db,
        "--email",
        "ada@example.org",
        "--name",
        "Ada",
        "--org",
        "st-mary",
        "--role",
        "admin",
    ]);

    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["serve", "--db", &db, "--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(line.contains("serving on"), "{line}");
    let said = ok(&["backup", "--db", &db, "--out", &backup]);
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        said.contains("backup.db") && said.contains("bytes"),
        "{said}"
    );

    let out = cairn(&["backup", "--db", &db, "--out", &backup]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));

    ok(&["restore", "--from", &backup, "--db", &restored]);
    assert_eq!(
        ok(&["org", "list", "--db", &restored]),
        ok(&["org", "list", "--db", &db])
    );
    assert!(ok(&["org", "list", "--db", &restored]).contains("st-mary\tSt Mary"));
    let original = ok(&["audit", "verify", "--db", &db]);
    assert!(original.contains("intact"), "{original}");
    assert_eq!(ok(&["audit", "verify", "--db", &restored]), original);

    // An existing database is replaced only when asked to.
    let out = cairn(&["restore", "--from", &backup, "--db", &restored]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    ok(&["org", "add", "--db", &restored, "--name", "Later"]);
    ok(&["restore", "--from", &backup, "--db", &restored, "--force"]);
    let list = ok(&["org", "list", "--db", &restored]);
    assert!(
        !list.contains("later"),
        "the backup's rows replaced the newer ones: {list}"
    );
    assert!(ok(&["audit", "verify", "--db", &restored]).contains("intact"));
}

#[test]
fn restore_refuses_what_is_not_a_cairn_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let target = path("target.db");

    let junk = path("notes.txt");
    std::fs::write(
        &junk,
        "not a database at all, just some notes\n".repeat(200),
    )
    .unwrap();
    let out = cairn(&["restore", "--from", &junk, "--db", &target]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not a Cairn backup"),
        "{}",
        stderr(&out)
    );
    assert!(!std::path::Path::new(&target).exists());

    // A SQLite database, but not Cairn's.
    let other = path("other.db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = cairn_store::Store::connect(&other).await.unwrap();
        store.close().await;
    });
    let out = cairn(&["restore", "--from", &other, "--db", &target]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("without Cairn's tables"),
        "{}",
        stderr(&out)
    );

    let out = cairn(&["restore", "--from", &path("missing.db"), "--db", &target]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing.db"), "{}", stderr(&out));
    assert!(!std::path::Path::new(&target).exists());
}

#[test]
fn postgres_backups_are_left_to_pg_dump() {
    let out = cairn(&[
        "backup",
        "--db",
        "postgres://cairn:s3cret@db.example/cairn",
        "--out",
        "cairn.dump",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("pg_dump --format=custom --file=cairn.dump")
            && err.contains("pg_restore --clean --if-exists"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
}
