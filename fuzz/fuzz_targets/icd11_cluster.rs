//! ICD-11 postcoordinated clusters are typed by people into forms and criteria. The parser
//! must accept or refuse; what it accepts prints back to text it parses the same way.
#![no_main]

use cairn_core::icd11::{normalize_code, parse_cluster};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = normalize_code(text);
    if let Ok(c) = parse_cluster(text) {
        assert_eq!(parse_cluster(&c.to_string()), Ok(c));
    }
});
