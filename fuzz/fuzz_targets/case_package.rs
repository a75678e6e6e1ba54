//! CASE packages are imported from files and URLs an organization chooses. Parsing must
//! give a package or a list of problems, never panic.
#![no_main]

use cairn_core::framework::parse_package;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(pkg) = parse_package(text) {
        // What parsed can be written back out and read again.
        let again = parse_package(&pkg.to_case_json().to_string());
        assert!(again.is_ok());
    }
});
