//! Credentials Cairn issues verify with the reference Node verifier. Runs only with
//! CAIRN_NODE_INTEROP=1 (it needs node and the harness's npm packages).

use crate::fixtures::*;
use crate::shared::interop;
use std::process::Command;

fn node_verify(root: &std::path::Path, dir: &std::path::Path, file: &str) -> (i32, String) {
    let _turn = crate::shared::HARNESS
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let out = Command::new(root.join("run"))
        .args(["verify.js", file, "--schema", "--docs"])
        .arg(dir)
        .current_dir(dir)
        .output()
        .expect("run the interop harness");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn cairn_credentials_verify_in_node() {
    if std::env::var("CAIRN_NODE_INTEROP").as_deref() != Ok("1") {
        eprintln!("skipping: set CAIRN_NODE_INTEROP=1 to run the Node interop check");
        return;
    }
    let Some(root) = interop() else { return };
    let dir = std::env::temp_dir().join(format!("cairn-vc-interop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let issuer = key(1);
    let good = sign(&unsigned(&issuer, Some(7)), &issuer);
    std::fs::write(
        dir.join("status.json"),
        serde_json::to_string(&status_list(&issuer, &[])).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("good.json.txt"),
        serde_json::to_string(&good).unwrap(),
    )
    .unwrap();
    let (code, out) = node_verify(&root, &dir, "good.json.txt");
    assert_eq!(code, 0, "{out}");
    let mut bad = good.clone();
    bad["credentialSubject"]["achievement"]["name"] = "Forged".into();
    std::fs::write(
        dir.join("bad.json.txt"),
        serde_json::to_string(&bad).unwrap(),
    )
    .unwrap();
    let (code, _) = node_verify(&root, &dir, "bad.json.txt");
    assert_eq!(code, 1);
    std::fs::write(
        dir.join("status.json"),
        serde_json::to_string(&status_list(&issuer, &[7])).unwrap(),
    )
    .unwrap();
    let (code, out) = node_verify(&root, &dir, "good.json.txt");
    assert_eq!(code, 1, "revoked must fail in Node too: {out}");
    let _ = std::fs::remove_dir_all(&dir);
}
