//! JSON-LD contexts bundled in the binary, served byte for byte under their own URLs.
//!
//! Remote contexts are never fetched: a credential whose meaning depends on a document
//! an attacker can change between issuing and verifying cannot be trusted, and a verifier
//! that goes to the network on every check can be made to hang or to leak who checks what.

use std::collections::HashMap;
use std::sync::LazyLock;

pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB_V3P0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context.json";
pub const OB_V3P0_1: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json";
pub const OB_V3P0_2: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json";
pub const OB_V3P0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
pub const BITSTRING_STATUS_LIST_V1: &str = "https://www.w3.org/ns/credentials/status/v1";
pub const EXAMPLES_V2: &str = "https://www.w3.org/ns/credentials/examples/v2";
/// 1EdTech Comprehensive Learner Record 2.0 (context version 2.0.1).
pub const CLR_V2P0_1: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

/// URL and exact bytes of every bundled context.
pub const BUNDLED: &[(&str, &str)] = &[
    (VC_V2, include_str!("../contexts/credentials-v2.jsonld")),
    (OB_V3P0, include_str!("../contexts/ob-v3p0-context.json")),
    (
        OB_V3P0_1,
        include_str!("../contexts/ob-v3p0-context-3.0.1.json"),
    ),
    (
        OB_V3P0_2,
        include_str!("../contexts/ob-v3p0-context-3.0.2.json"),
    ),
    (
        OB_V3P0_3,
        include_str!("../contexts/ob-v3p0-context-3.0.3.json"),
    ),
    (
        DATA_INTEGRITY_V2,
        include_str!("../contexts/data-integrity-v2.jsonld"),
    ),
    (MULTIKEY_V1, include_str!("../contexts/multikey-v1.jsonld")),
    (DID_V1, include_str!("../contexts/did-v1.jsonld")),
    (
        BITSTRING_STATUS_LIST_V1,
        include_str!("../contexts/vc-bitstring-status-list-v1.jsonld"),
    ),
    (EXAMPLES_V2, include_str!("../contexts/examples-v2.jsonld")),
    (
        CLR_V2P0_1,
        include_str!("../contexts/clr-v2p0-context-2.0.1.json"),
    ),
];

/// The exact bytes served for `url`, if it is bundled.
pub fn bundled_context(url: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(u, _)| *u == url)
        .map(|(_, body)| *body)
}

/// Bundled contexts parsed once; the fast expander walks these values.
pub(crate) static PARSED: LazyLock<HashMap<&'static str, serde_json::Value>> =
    LazyLock::new(|| {
        BUNDLED
            .iter()
            .filter_map(|(url, body)| serde_json::from_str(body).ok().map(|v| (*url, v)))
            .collect()
    });

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256_hex(bytes: &[u8]) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The CLR 2.0 context is served byte for byte as 1EdTech publishes it: a changed
    /// byte changes what CLR signatures mean, so the bundle fails closed here.
    #[test]
    fn clr_context_is_the_published_file() {
        let body = bundled_context(CLR_V2P0_1).unwrap();
        assert_eq!(body.len(), 2054);
        assert_eq!(
            sha256_hex(body.as_bytes()),
            "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6"
        );
    }

    #[test]
    fn every_bundled_context_parses() {
        assert_eq!(PARSED.len(), BUNDLED.len());
        for (url, _) in BUNDLED {
            assert!(PARSED[url].get("@context").is_some(), "{url}");
        }
    }
}
