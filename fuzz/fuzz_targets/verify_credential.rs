//! The verifier reads credentials from anyone: as JSON (Data Integrity) and as a vc+jwt.
//! Whatever the bytes, it must answer with a report, never panic or run away.
#![no_main]

use cairn_vc::verify::{VerifyOptions, verify_credential_str, verify_jwt_credential};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = VerifyOptions::default();
    let report = verify_credential_str(text, &options);
    // A document the fuzzer made up is never signed by a key it knows.
    assert!(!report.verified || text.contains("proof"));
    let _ = verify_jwt_credential(text.trim(), &options);
});
