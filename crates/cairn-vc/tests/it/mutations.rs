//! What the `verify_credential` fuzz target (fuzz/) checks, as a property test that runs in
//! CI: a signed credential with random edits to its text is answered with a report, never a
//! panic, and verifies only when the edits left the same JSON document (whitespace, say).

use crate::fixtures::*;
use cairn_vc::did::NoFetcher;
use cairn_vc::verify::{VerifyOptions, verify_credential_str, verify_jwt_credential};
use proptest::prelude::*;
use serde_json::Value;

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, char),
    Replace(usize, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Characters that matter to JSON and to the credential's values.
    let ch = prop::sample::select(vec![
        ' ', '"', '{', '}', '[', ']', ',', ':', '\\', '0', '9', 'a', 'z', 'Z', '-', '.', 'é',
        '\u{0}',
    ]);
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), ch.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
        (any::<usize>(), ch).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let n = chars.len().max(1);
        match *e {
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(i % n);
            }
            Edit::Insert(i, c) => chars.insert(i % (chars.len() + 1), c),
            Edit::Replace(i, c) if !chars.is_empty() => chars[i % n] = c,
            _ => {}
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn edited_credentials_are_answered_and_verify_only_when_unchanged(
        edits in prop::collection::vec(edit(), 1..6)
    ) {
        let issuer = key(7);
        let signed = sign(&unsigned(&issuer, None), &issuer);
        let text = serde_json::to_string_pretty(&signed).unwrap();
        let edited = apply(&text, &edits);
        let options = VerifyOptions::new(now(), &NoFetcher);
        let report = verify_credential_str(&edited, &options);
        let same = serde_json::from_str::<Value>(&edited).is_ok_and(|v| v == signed);
        prop_assert_eq!(report.verified, same, "{:?}", report);
        // The same text as a vc+jwt is never a valid token.
        prop_assert!(!verify_jwt_credential(edited.trim(), &options).verified);
    }
}

/// The property above is not vacuous: an edit that keeps the document verifies, one that
/// changes a value does not.
#[test]
fn a_whitespace_edit_verifies_and_a_value_edit_does_not() {
    let issuer = key(7);
    let signed = sign(&unsigned(&issuer, None), &issuer);
    let text = serde_json::to_string_pretty(&signed).unwrap();
    let options = VerifyOptions::new(now(), &NoFetcher);
    assert!(verify_credential_str(&apply(&text, &[Edit::Insert(0, ' ')]), &options).verified);
    let name_at = text.find("\"name\": \"").unwrap() + 9;
    let changed = apply(&text, &[Edit::Replace(name_at, 'Z')]);
    assert_ne!(changed, text);
    assert!(!verify_credential_str(&changed, &options).verified);
}
