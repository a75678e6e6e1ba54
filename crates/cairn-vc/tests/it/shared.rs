//! Locating the shared interop folder (`../shared` beside the workspace).

use std::path::PathBuf;

/// `../shared/interop` relative to the workspace root, or `None` (after printing a
/// notice) when it is absent. With `CAIRN_REQUIRE_SHARED=1` its absence is a failure.
pub fn interop() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/interop");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CAIRN_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!(
            "../shared not found at {} and CAIRN_REQUIRE_SHARED=1",
            dir.display()
        );
    }
    eprintln!("skipping: ../shared not found");
    None
}

pub fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The reference harness's `run` copies its sources into one cache folder on every call, so
/// two calls at once can collide ("File exists"); tests in this binary take turns.
pub static HARNESS: std::sync::Mutex<()> = std::sync::Mutex::new(());
