//! `cairn icd11 import`: a bad file is refused with a message and a non-zero exit; WHO's
//! file (when the shared reference data is there) loads.

use std::path::PathBuf;

use crate::{cairn, ok};

#[test]
fn icd11_import_refuses_bad_files_and_loads_who_tabulation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let db = db.to_str().unwrap();

    let out = cairn(&["icd11", "import", "--db", db, "/nonexistent/simple-tab.zip"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read") && err.contains("simple-tab"),
        "{err}"
    );

    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "this is not a tabulation\n").unwrap();
    let out = cairn(&["icd11", "import", "--db", db, bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lacks the column"), "{err}");

    let broken_zip = dir.path().join("broken.zip");
    std::fs::write(&broken_zip, b"PK\x03\x04 cut short").unwrap();
    let out = cairn(&["icd11", "import", "--db", db, broken_zip.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("zip"));

    let zip = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/icd11/simple-tab-icd11-mms.zip");
    if !zip.exists() {
        assert!(
            std::env::var("CAIRN_REQUIRE_SHARED").as_deref() != Ok("1"),
            "CAIRN_REQUIRE_SHARED=1 but {} is missing",
            zip.display()
        );
        eprintln!("skipping: {} is not there", zip.display());
        return;
    }
    let stdout = ok(&["icd11", "import", "--db", db, zip.to_str().unwrap()]);
    assert!(
        stdout.contains("28 chapters, 1353 blocks, 34663 categories"),
        "{stdout}"
    );
}
