//! The tampering cases of the reference harness (tamper-test.js), with the same expected
//! outcomes, plus the reason Cairn gives.

use crate::fixtures::*;
use cairn_vc::verify::{VerifyOptions, checks, verify_credential};
use serde_json::{Map, Value};

fn reverse_keys(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(reverse_keys).collect()),
        Value::Object(o) => {
            let mut entries: Vec<_> = o.iter().collect();
            entries.reverse();
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), reverse_keys(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        other => other.clone(),
    }
}

type Mutation = Box<dyn Fn(&mut Value)>;

#[test]
fn tamper_cases_match_the_reference() {
    let issuer = key(1);
    let other = key(2);
    let signed = sign(&unsigned(&issuer, Some(7)), &issuer);
    let fetcher = fetcher_with_list(status_list(&issuer, &[]));
    let other_vm = other.did_key_verification_method();
    let other_did = other.did_key();
    let cases: Vec<(&str, Mutation, bool, Option<&str>)> = vec![
        ("unmodified", Box::new(|_| {}), true, None),
        (
            "JSON key order reversed everywhere",
            Box::new(|c| *c = reverse_keys(c)),
            true,
            None,
        ),
        (
            "alignment order swapped",
            Box::new(|c| {
                c["credentialSubject"]["achievement"]["alignment"]
                    .as_array_mut()
                    .unwrap()
                    .reverse()
            }),
            true,
            None,
        ),
        (
            "type order swapped",
            Box::new(|c| c["type"].as_array_mut().unwrap().reverse()),
            true,
            None,
        ),
        (
            "achievement.name changed",
            Box::new(|c| {
                let n = format!(
                    "{}!",
                    c["credentialSubject"]["achievement"]["name"]
                        .as_str()
                        .unwrap()
                );
                c["credentialSubject"]["achievement"]["name"] = n.into();
            }),
            false,
            Some(checks::PROOF),
        ),
        (
            "achievementType changed",
            Box::new(|c| c["credentialSubject"]["achievement"]["achievementType"] = "Badge".into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "criteria.narrative changed",
            Box::new(|c| {
                c["credentialSubject"]["achievement"]["criteria"]["narrative"] = "nothing".into()
            }),
            false,
            Some(checks::PROOF),
        ),
        (
            "alignment targetCode changed",
            Box::new(|c| {
                c["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] = "X".into()
            }),
            false,
            Some(checks::PROOF),
        ),
        (
            "credentialSubject.id changed",
            Box::new(|c| c["credentialSubject"]["id"] = "did:example:mallory".into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "issuer.name changed",
            Box::new(|c| c["issuer"]["name"] = "Evil Corp".into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "issuer.id swapped",
            Box::new(move |c| c["issuer"]["id"] = other_did.clone().into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "validFrom same instant, +00:00 form",
            Box::new(|c| c["validFrom"] = "2025-01-01T00:00:00+00:00".into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "validFrom a year earlier",
            Box::new(|c| c["validFrom"] = "2024-01-01T00:00:00Z".into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "added validUntil",
            Box::new(|c| c["validUntil"] = "2099-01-01T00:00:00Z".into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "added undefined term",
            Box::new(|c| c["foo"] = "bar".into()),
            false,
            Some(checks::SYNTAX),
        ),
        (
            "status index changed",
            Box::new(|c| c["credentialStatus"]["statusListIndex"] = "8".into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "@context order swapped",
            Box::new(|c| c["@context"].as_array_mut().unwrap().reverse()),
            false,
            Some(checks::SYNTAX),
        ),
        (
            "OB context 3.0.3 -> 3.0.2",
            Box::new(|c| {
                c["@context"][1] =
                    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json".into()
            }),
            false,
            Some(checks::PROOF),
        ),
        (
            "proof.created changed",
            Box::new(|c| c["proof"]["created"] = "2020-01-01T00:00:00Z".into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "proofValue one char flipped",
            Box::new(|c| {
                let p = c["proof"]["proofValue"].as_str().unwrap().to_string();
                let flipped = if &p[20..21] == "A" { "B" } else { "A" };
                c["proof"]["proofValue"] = format!("{}{}{}", &p[..20], flipped, &p[21..]).into();
            }),
            false,
            Some(checks::PROOF),
        ),
        (
            "verificationMethod -> other key",
            Box::new(move |c| c["proof"]["verificationMethod"] = other_vm.clone().into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "cryptosuite -> eddsa-jcs-2022",
            Box::new(|c| c["proof"]["cryptosuite"] = "eddsa-jcs-2022".into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "proofPurpose -> authentication",
            Box::new(|c| c["proof"]["proofPurpose"] = "authentication".into()),
            false,
            Some(checks::PROOF),
        ),
        (
            "proof removed",
            Box::new(|c| {
                c.as_object_mut().unwrap().remove("proof");
            }),
            false,
            Some(checks::PROOF),
        ),
        (
            "proof wrapped in array",
            Box::new(|c| {
                let p = c["proof"].take();
                c["proof"] = Value::Array(vec![p]);
            }),
            true,
            None,
        ),
    ];
    let opts = VerifyOptions::new(now(), &fetcher);
    let mut failures = Vec::new();
    for (name, mutate, expected, failing_check) in &cases {
        let mut c = signed.clone();
        mutate(&mut c);
        let r = verify_credential(&c, &opts);
        if r.verified != *expected {
            failures.push(format!(
                "{name}: expected {expected}, got {} {:?}",
                r.verified,
                r.errors()
            ));
            continue;
        }
        if let Some(check) = failing_check {
            let ch = r.check(check).unwrap();
            if ch.status != cairn_vc::verify::CheckStatus::Failed || ch.message.is_empty() {
                failures.push(format!(
                    "{name}: expected check {check} to fail, report {:?}",
                    r.errors()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn revoked_other_issuer_list_and_expired() {
    let issuer = key(1);
    let other = key(2);
    let signed = sign(&unsigned(&issuer, Some(7)), &issuer);

    let revoked = fetcher_with_list(status_list(&issuer, &[7]));
    let r = verify_credential(&signed, &VerifyOptions::new(now(), &revoked));
    assert!(!r.verified);
    assert!(
        r.check(checks::STATUS).unwrap().message.contains("revoked"),
        "{r:?}"
    );

    let foreign = fetcher_with_list(status_list(&other, &[]));
    let r = verify_credential(&signed, &VerifyOptions::new(now(), &foreign));
    assert!(!r.verified);
    assert!(
        r.check(checks::STATUS)
            .unwrap()
            .message
            .contains("not by the credential's issuer"),
        "{r:?}"
    );

    let mut exp = unsigned(&issuer, None);
    exp["validFrom"] = "2020-01-01T00:00:00Z".into();
    exp["validUntil"] = "2021-01-01T00:00:00Z".into();
    let exp = sign(&exp, &issuer);
    let r = verify_credential(&exp, &VerifyOptions::new(now(), &revoked));
    assert!(!r.verified);
    let v = r.check(checks::VALIDITY).unwrap();
    assert!(v.message.starts_with("expired"), "{v:?}");
    assert_eq!(
        r.check(checks::PROOF).unwrap().status,
        cairn_vc::verify::CheckStatus::Passed
    );
}
