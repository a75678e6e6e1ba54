//! vc+jwt verified into the same report as Data Integrity credentials.

use crate::fixtures::*;
use cairn_vc::bake::{CredentialInput, extract_any};
use cairn_vc::did::NoFetcher;
use cairn_vc::jwt::issue_jwt;
use cairn_vc::keys::KeyPair;
use cairn_vc::verify::{
    CheckStatus, VerificationReport, VerifyOptions, checks, verify_input, verify_jwt_credential,
};
use serde_json::Value;
use time::macros::datetime;

fn jwt(c: &Value, key: &KeyPair) -> String {
    issue_jwt(c, key, &key.did_key_verification_method()).unwrap()
}

fn status(r: &VerificationReport, name: &str) -> CheckStatus {
    r.check(name).unwrap().status
}

#[test]
fn valid_jwt_reports_every_check() {
    let issuer = key(1);
    let token = jwt(&unsigned(&issuer, Some(5)), &issuer);
    let lists = fetcher_with_list(status_list(&issuer, &[4, 6]));
    let r = verify_jwt_credential(&token, &VerifyOptions::new(now(), &lists));
    assert!(r.verified, "{r:#?}");
    let names: Vec<&str> = r.checks.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            checks::SYNTAX,
            checks::PROOF,
            checks::ISSUER,
            checks::VALIDITY,
            checks::STATUS,
            checks::OB3
        ]
    );
    assert!(r.checks.iter().all(|c| c.status == CheckStatus::Passed));
    assert!(r.check(checks::PROOF).unwrap().message.contains("vc+jwt"));
    // The same token through extract_any and verify_input.
    let input = extract_any(token.as_bytes()).unwrap();
    assert!(matches!(input, CredentialInput::Jwt(_)));
    assert_eq!(verify_input(&input, &VerifyOptions::new(now(), &lists)), r);
}

#[test]
fn expired_jwt() {
    let issuer = key(1);
    let mut c = unsigned(&issuer, None);
    c["validUntil"] = "2025-06-01T00:00:00Z".into();
    let token = jwt(&c, &issuer);
    let at = |t| VerifyOptions::new(t, &NoFetcher);
    let r = verify_jwt_credential(&token, &at(datetime!(2025-07-01 00:00 UTC)));
    assert!(!r.verified);
    assert_eq!(status(&r, checks::PROOF), CheckStatus::Passed);
    assert_eq!(status(&r, checks::VALIDITY), CheckStatus::Failed);
    assert!(r.errors()[0].contains("expired"), "{:?}", r.errors());
    let r = verify_jwt_credential(&token, &at(datetime!(2025-03-01 00:00 UTC)));
    assert!(r.verified, "{r:#?}");
    // JWT `exp` claim in the payload is honoured too.
    let mut c = unsigned(&issuer, None);
    c["exp"] = datetime!(2025-02-01 00:00 UTC).unix_timestamp().into();
    let token = jwt(&c, &issuer);
    let r = verify_jwt_credential(&token, &at(datetime!(2025-03-01 00:00 UTC)));
    assert_eq!(status(&r, checks::VALIDITY), CheckStatus::Failed);
    assert!(r.errors()[0].contains("exp"), "{:?}", r.errors());
}

#[test]
fn revoked_jwt() {
    let issuer = key(1);
    let token = jwt(&unsigned(&issuer, Some(5)), &issuer);
    let lists = fetcher_with_list(status_list(&issuer, &[5]));
    let r = verify_jwt_credential(&token, &VerifyOptions::new(now(), &lists));
    assert!(!r.verified);
    assert_eq!(status(&r, checks::PROOF), CheckStatus::Passed);
    assert_eq!(status(&r, checks::STATUS), CheckStatus::Failed);
    assert!(
        r.check(checks::STATUS).unwrap().message.contains("revoked"),
        "{r:#?}"
    );
    // A list the verifier cannot load is a failure, not a pass.
    let r = verify_jwt_credential(&token, &VerifyOptions::new(now(), &NoFetcher));
    assert_eq!(status(&r, checks::STATUS), CheckStatus::Failed);
}

#[test]
fn tampered_and_forged_jwt() {
    let issuer = key(1);
    let c = unsigned(&issuer, None);
    let token = jwt(&c, &issuer);
    let opts = VerifyOptions::new(now(), &NoFetcher);
    // Payload swapped for another credential's.
    let mut other = c.clone();
    other["credentialSubject"]["id"] = "did:example:mallory".into();
    let other_payload = jwt(&other, &issuer).split('.').nth(1).unwrap().to_string();
    let mut parts: Vec<&str> = token.split('.').collect();
    parts[1] = &other_payload;
    let r = verify_jwt_credential(&parts.join("."), &opts);
    assert!(!r.verified);
    assert_eq!(status(&r, checks::SYNTAX), CheckStatus::Passed);
    assert_eq!(status(&r, checks::PROOF), CheckStatus::Failed);
    assert_eq!(status(&r, checks::ISSUER), CheckStatus::Skipped);
    // Signed by a key the issuer does not control.
    let mallory = key(3);
    let r = verify_jwt_credential(&jwt(&c, &mallory), &opts);
    assert_eq!(status(&r, checks::PROOF), CheckStatus::Passed);
    assert_eq!(status(&r, checks::ISSUER), CheckStatus::Failed);
    // An undefined term fails syntax, as for Data Integrity.
    let mut odd = c.clone();
    odd["credentialSubject"]["favouriteColour"] = "green".into();
    let r = verify_jwt_credential(&jwt(&odd, &issuer), &opts);
    assert_eq!(status(&r, checks::SYNTAX), CheckStatus::Failed);
    assert!(!r.verified);
    // Garbage never panics and says why.
    for bad in ["", "a.b", "a.b.c.d", "!!.!!.!!", "e30.e30.e30"] {
        let r = verify_jwt_credential(bad, &opts);
        assert!(!r.verified);
        assert_eq!(status(&r, checks::SYNTAX), CheckStatus::Failed, "{bad}");
        assert_eq!(status(&r, checks::OB3), CheckStatus::Skipped, "{bad}");
    }
}
