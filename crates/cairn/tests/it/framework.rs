//! `cairn framework import / export / list` as a user runs them.

use crate::{cairn, ok};

#[test]
fn import_builtin_export_and_reimport_and_reject_bad_packages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let db = db.to_str().unwrap();
    // A fresh installation can load the shipped framework.
    let out = ok(&["framework", "import", "--builtin", "--db", db]);
    assert!(
        out.contains("Healthcare Workforce Versatility Framework"),
        "{out}"
    );
    assert!(out.contains("66 competencies"), "{out}");
    let list = ok(&["framework", "list", "--db", db]);
    let id = list.split('\t').next().unwrap().to_owned();
    assert!(list.contains("(installation)"), "{list}");

    let case = dir.path().join("hwvf.json");
    ok(&[
        "framework",
        "export",
        &id,
        "--db",
        db,
        "--out",
        case.to_str().unwrap(),
    ]);
    ok(&[
        "org",
        "add",
        "--db",
        db,
        "--name",
        "Northbridge",
        "--slug",
        "nb",
        "--kind",
        "provider",
    ]);
    let out = ok(&[
        "framework",
        "import",
        case.to_str().unwrap(),
        "--org",
        "nb",
        "--db",
        db,
    ]);
    assert!(out.contains("66 competencies"), "{out}");
    let exported = ok(&["framework", "export", &id, "--db", db]);
    let a: serde_json::Value = serde_json::from_str(&exported).unwrap();
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
    assert_eq!(a, b);

    // Again for the same owner: a conflict that says so.
    let o = cairn(&[
        "framework",
        "import",
        case.to_str().unwrap(),
        "--org",
        "nb",
        "--db",
        db,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already imported"));

    // A broken package: every problem listed, nothing imported.
    let bad = dir.path().join("bad.json");
    let mut v = b.clone();
    let items = v["CFItems"].as_array_mut().unwrap();
    let first = items[0].clone();
    items.push(first);
    items[1].as_object_mut().unwrap().remove("fullStatement");
    v["CFDocument"]["identifier"] = "d2000000-0000-4000-8000-000000000000".into();
    std::fs::write(&bad, v.to_string()).unwrap();
    let o = cairn(&["framework", "import", bad.to_str().unwrap(), "--db", db]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("2 problem(s)") || err.contains("problem(s)"),
        "{err}"
    );
    assert!(err.contains("used 2 times"), "{err}");
    assert!(err.contains("CFItems[1].fullStatement"), "{err}");
    std::fs::write(&bad, "{ not json").unwrap();
    let o = cairn(&["framework", "import", bad.to_str().unwrap(), "--db", db]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 1"));
    assert_eq!(ok(&["framework", "list", "--db", db]).lines().count(), 2);

    let o = cairn(&["framework", "export", "nope", "--db", db]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("framework list"));
}
