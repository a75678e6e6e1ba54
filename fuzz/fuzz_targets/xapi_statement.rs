//! xAPI statements arrive from any authoring tool holding an LRS key. Validation must refuse
//! with a reason or accept, under both versions, and never panic.
#![no_main]

use cairn_lrs::{Version, validate_statement};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for version in [Version::V1_0, Version::V2_0] {
        if let Ok(s) = validate_statement(&v, version) {
            // What was accepted names an actor and a verb the queries can index.
            assert!(!s.actor_ifi.is_empty());
            assert!(!s.verb_id.is_empty());
        }
    }
});
