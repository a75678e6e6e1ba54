//! Hostile input: each case is a clear "invalid" with a reason, never a panic.

use crate::fixtures::*;
use cairn_vc::di;
use cairn_vc::did::NoFetcher;
use cairn_vc::verify::{
    CheckStatus, VerificationReport, VerifyOptions, checks, verify_credential,
    verify_credential_str,
};
use serde_json::json;

fn opts() -> VerifyOptions<'static> {
    VerifyOptions::new(now(), &NoFetcher)
}

fn failed_with(r: &VerificationReport, check: &str, needle: &str) {
    assert!(!r.verified, "{r:#?}");
    let c = r.check(check).unwrap();
    assert_eq!(c.status, CheckStatus::Failed, "{r:#?}");
    assert!(
        c.message.contains(needle),
        "expected `{needle}` in `{}`",
        c.message
    );
}

#[test]
fn not_json() {
    for text in ["", "not json", "{\"a\":", "[1,2", "\u{0}"] {
        let r = verify_credential_str(text, &opts());
        failed_with(&r, checks::SYNTAX, "not valid JSON");
    }
    for text in ["[]", "42", "\"x\"", "null", "{}"] {
        let r = verify_credential_str(text, &opts());
        assert!(!r.verified);
        assert_eq!(r.check(checks::SYNTAX).unwrap().status, CheckStatus::Failed);
    }
}

#[test]
fn huge_and_deep() {
    let huge = format!("{{\"x\":\"{}\"}}", "a".repeat(2 << 20));
    failed_with(
        &verify_credential_str(&huge, &opts()),
        checks::SYNTAX,
        "too large",
    );
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    failed_with(
        &verify_credential_str(&deep, &opts()),
        checks::SYNTAX,
        "nested too deeply",
    );
    // Deep but within serde's own limit, given as a value.
    let mut v = json!("leaf");
    for _ in 0..100 {
        v = json!({ "n": v });
    }
    let issuer = key(1);
    let mut c = sign(&unsigned(&issuer, None), &issuer);
    c["credentialSubject"]["deep"] = v;
    failed_with(
        &verify_credential(&c, &opts()),
        checks::SYNTAX,
        "nested too deeply",
    );
}

#[test]
fn unknown_context_is_refused_not_fetched() {
    let issuer = key(1);
    let mut c = sign(&unsigned(&issuer, None), &issuer);
    c["@context"]
        .as_array_mut()
        .unwrap()
        .push("https://evil.example/ctx.jsonld".into());
    failed_with(
        &verify_credential(&c, &opts()),
        checks::SYNTAX,
        "https://evil.example/ctx.jsonld",
    );
    // An unknown context nested inside the document is refused too.
    let mut c = sign(&unsigned(&issuer, None), &issuer);
    c["credentialSubject"]["@context"] = "https://evil.example/nested".into();
    failed_with(
        &verify_credential(&c, &opts()),
        checks::SYNTAX,
        "https://evil.example/nested",
    );
}

#[test]
fn undefined_terms_fail_signing_and_verifying() {
    let issuer = key(1);
    let mut u = unsigned(&issuer, None);
    u["credentialSubject"]["favouriteColour"] = "green".into();
    let err =
        di::sign_credential(&u, &issuer, &issuer.did_key_verification_method(), now()).unwrap_err();
    assert!(err.to_string().contains("favouriteColour"), "{err}");
    let mut c = sign(&unsigned(&issuer, None), &issuer);
    c["credentialSubject"]["favouriteColour"] = "green".into();
    failed_with(
        &verify_credential(&c, &opts()),
        checks::SYNTAX,
        "favouriteColour",
    );
    // An undefined type is just as unsafe.
    let mut c = sign(&unsigned(&issuer, None), &issuer);
    c["type"]
        .as_array_mut()
        .unwrap()
        .push("MadeUpCredential".into());
    failed_with(
        &verify_credential(&c, &opts()),
        checks::SYNTAX,
        "MadeUpCredential",
    );
}

#[test]
fn wrong_context_order() {
    let issuer = key(1);
    let mut c = sign(&unsigned(&issuer, None), &issuer);
    c["@context"].as_array_mut().unwrap().reverse();
    failed_with(
        &verify_credential(&c, &opts()),
        checks::SYNTAX,
        "first @context",
    );
}

#[test]
fn proof_by_another_key_and_issuer_not_controller() {
    let issuer = key(1);
    let mallory = key(3);
    // Mallory signs a credential naming the academy as issuer.
    let c = sign(&unsigned(&issuer, None), &mallory);
    let r = verify_credential(&c, &opts());
    assert_eq!(r.check(checks::PROOF).unwrap().status, CheckStatus::Passed);
    failed_with(&r, checks::ISSUER, "belongs to");
    // A proof that claims the issuer's key but was made with Mallory's.
    let mut forged = c.clone();
    forged["proof"]["verificationMethod"] = issuer.did_key_verification_method().into();
    failed_with(
        &verify_credential(&forged, &opts()),
        checks::PROOF,
        "signature does not match",
    );
}

#[test]
fn validity_window() {
    let issuer = key(1);
    let mut u = unsigned(&issuer, None);
    u["validFrom"] = "2999-01-01T00:00:00Z".into();
    failed_with(
        &verify_credential(&sign(&u, &issuer), &opts()),
        checks::VALIDITY,
        "not yet valid",
    );
    let mut u = unsigned(&issuer, None);
    u["validUntil"] = "2001-01-01T00:00:00Z".into();
    failed_with(
        &verify_credential(&sign(&u, &issuer), &opts()),
        checks::VALIDITY,
        "expired",
    );
    let mut u = unsigned(&issuer, None);
    u["validFrom"] = "2025-01-01T00:00:00".into();
    let r = verify_credential(&sign(&u, &issuer), &opts());
    failed_with(&r, checks::VALIDITY, "timezone");
}

#[test]
fn garbage_in_proofs_and_fields() {
    let issuer = key(1);
    let base = sign(&unsigned(&issuer, None), &issuer);
    let cases = [
        ("proof", json!(42)),
        ("proof", json!([])),
        (
            "proof",
            json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}),
        ),
        (
            "proof",
            json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod",
            "verificationMethod": "did:key:zzz#zzz", "proofValue": "z111"}),
        ),
        (
            "proof",
            json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod",
            "verificationMethod": "did:web:evil.example", "proofValue": base["proof"]["proofValue"]}),
        ),
        ("issuer", json!(["a"])),
        ("credentialSubject", json!("x")),
        ("@context", json!([null])),
        ("@context", json!({"@vocab": "https://evil.example/"})),
        ("type", json!(7)),
    ];
    for (field, value) in cases {
        let mut c = base.clone();
        c[field] = value.clone();
        let r = verify_credential(&c, &opts());
        assert!(!r.verified, "{field}={value}: {r:#?}");
        assert!(
            r.checks
                .iter()
                .any(|c| c.status == CheckStatus::Failed && !c.message.is_empty())
        );
    }
}

#[test]
fn report_serializes() {
    let r = verify_credential_str("nope", &opts());
    let j = r.to_json();
    assert_eq!(j["verified"], false);
    assert_eq!(j["checks"][0]["status"], "failed");
    assert_eq!(j["checks"][0]["name"], "syntax");
}
