//! CLR 2.0 transcripts built by `cairn_vc::clr`: two badges stacked into a
//! micro-credential (`isChildOf`), signed, verified by Cairn (transcript and each
//! embedded credential) and by the reference Node verifier.

use crate::fixtures::{SL, fetcher_with_list, key, now, sign, status_list};
use crate::shared::interop;
use cairn_vc::clr::{
    Association, AssociationType, ClrInput, Learner, clr_credential, clr_structure, verify_clr,
};
use cairn_vc::contexts::{CLR_V2P0_1, OB_V3P0_3, VC_V2, bundled_context};
use cairn_vc::did::NoFetcher;
use cairn_vc::keys::KeyPair;
use cairn_vc::ob3::{Achievement, AchievementKind, CredentialBuilder, Profile};
use cairn_vc::status::{StatusPurpose, status_entry};
use cairn_vc::verify::{CheckStatus, VerifyOptions, checks, verify_credential};
use cairn_vc::{Error, jsonld};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use time::macros::datetime;

const EMAIL: &str = "nurse@example.org";
const LEARNER: &str = "did:example:learner-7f3a9c";
const HAND: &str = "https://academy.example.org/achievements/hand-hygiene";
const PPE: &str = "https://academy.example.org/achievements/ppe";
const IPC: &str = "https://academy.example.org/achievements/ipc-micro";

fn issuer_profile(k: &KeyPair) -> Profile {
    Profile::new(k.did_key(), "Example Health Workforce Academy")
}

/// A signed OpenBadgeCredential for `EMAIL` (hashed with its own salt, as each issue
/// does), optionally with a revocation entry on the fixtures' status list.
fn badge(
    k: &KeyPair,
    n: u8,
    id: &str,
    kind: AchievementKind,
    name: &str,
    status: Option<usize>,
) -> Value {
    let achievement = Achievement::new(
        id,
        kind,
        name,
        format!("{name}, assessed in practice."),
        "Passed the observed assessment.",
    );
    let mut b = CredentialBuilder::new(
        format!("urn:uuid:0c1a0000-0000-4000-8000-00000000000{n}"),
        issuer_profile(k),
        achievement,
        datetime!(2025-01-01 00:00 UTC),
    )
    .hashed_email(EMAIL, &format!("salt-{n}"));
    if let Some(i) = status {
        b = b.status(status_entry(SL, i, StatusPurpose::Revocation));
    }
    sign(&b.build().to_value(), k)
}

fn credentials(k: &KeyPair) -> Vec<Value> {
    vec![
        badge(k, 1, HAND, AchievementKind::Badge, "Hand Hygiene", None),
        badge(
            k,
            2,
            PPE,
            AchievementKind::Badge,
            "PPE Donning and Doffing",
            Some(11),
        ),
        badge(
            k,
            3,
            IPC,
            AchievementKind::MicroCredential,
            "Infection Prevention and Control",
            None,
        ),
    ]
}

fn input(k: &KeyPair) -> ClrInput {
    ClrInput {
        id: "urn:uuid:0c1a0000-0000-4000-8000-0000000000c1".into(),
        issuer_did: k.did_key(),
        issuer_name: "Cairn Platform".into(),
        name: "Infection prevention transcript".into(),
        description: "Badges and the micro-credential they stack into.".into(),
        valid_from: datetime!(2025-02-01 00:00 UTC),
        learner: Learner {
            id: None,
            email: Some(EMAIL.into()),
            salt: "clr-salt".into(),
        },
        credentials: credentials(k),
        associations: vec![
            Association::is_child_of(HAND, IPC),
            Association::is_child_of(PPE, IPC),
        ],
    }
}

fn signed_clr(k: &KeyPair) -> Value {
    sign(&clr_credential(&input(k)).unwrap(), k)
}

fn clear_lists(k: &KeyPair) -> cairn_vc::did::MapFetcher {
    fetcher_with_list(status_list(k, &[]))
}

#[test]
fn builds_the_clr_2_0_shape() {
    let k = key(41);
    let clr = clr_credential(&input(&k)).unwrap();
    assert_eq!(clr["@context"], json!([VC_V2, CLR_V2P0_1, OB_V3P0_3]));
    assert_eq!(
        clr["type"],
        json!(["VerifiableCredential", "ClrCredential"])
    );
    assert_eq!(clr["issuer"]["id"], k.did_key());
    assert_eq!(clr["issuer"]["type"], json!(["Profile"]));
    assert_eq!(clr["validFrom"], "2025-02-01T00:00:00Z");
    let s = &clr["credentialSubject"];
    assert_eq!(s["type"], json!(["ClrSubject"]));
    assert!(s.get("id").is_none());
    assert_eq!(s["identifier"][0]["type"], "IdentityObject");
    assert_eq!(s["identifier"][0]["identityType"], "emailAddress");
    assert!(
        !s.to_string().contains(EMAIL),
        "the email is written only hashed"
    );
    // Embedded as given, proofs included.
    assert_eq!(s["verifiableCredential"], json!(credentials(&k)));
    let ids: Vec<&str> = s["achievement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [HAND, PPE, IPC]);
    assert_eq!(
        s["association"][0],
        json!({"type": "Association", "associationType": "isChildOf", "sourceId": HAND, "targetId": IPC})
    );
    assert!(clr_structure(&clr).is_empty());
    // Every term expands (VC v2 has no @vocab: an undefined term would be an error), on
    // the fast path, and the independent reference expander agrees on the result.
    let fast = jsonld::canonicalize_fast_only(&clr).expect("the fast path takes a CLR");
    assert_eq!(fast, jsonld::canonicalize_reference(&clr).unwrap());
    assert!(fast.contains("<https://purl.imsglobal.org/spec/vc/clr/vocab.html#association>"));
    assert!(fast.contains(&format!(
        "<https://purl.imsglobal.org/spec/vc/clr/vocab.html#targetId> \"{IPC}\"^^<xsd:anyURI>"
    )));
    // An achievement held twice (e.g. renewed) is listed once.
    let mut twice = input(&k);
    let again = badge(&k, 4, HAND, AchievementKind::Badge, "Hand Hygiene", None);
    twice.credentials.push(again);
    let clr = clr_credential(&twice).unwrap();
    assert_eq!(
        clr["credentialSubject"]["achievement"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        clr["credentialSubject"]["verifiableCredential"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn cairn_verifies_the_signed_clr_and_each_embedded_credential() {
    let k = key(41);
    let clr = signed_clr(&k);
    let lists = clear_lists(&k);
    let opts = VerifyOptions::new(now(), &lists);
    let r = verify_credential(&clr, &opts);
    assert!(r.verified, "{r:#?}");
    assert_eq!(r.check(checks::PROOF).unwrap().status, CheckStatus::Passed);
    assert_eq!(r.check(checks::ISSUER).unwrap().status, CheckStatus::Passed);
    let r = verify_clr(&clr, &opts);
    assert!(r.verified, "{r:#?}");
    assert_eq!(r.embedded.len(), 3);
    assert!(r.structure.is_empty());
    // The PPE badge's revocation entry was checked against the list.
    assert_eq!(
        r.embedded[1].report.check(checks::STATUS).unwrap().status,
        CheckStatus::Passed
    );
}

#[test]
fn tampering_is_detected() {
    let k = key(41);
    let clr = signed_clr(&k);
    let lists = clear_lists(&k);
    let opts = VerifyOptions::new(now(), &lists);
    let proof_failed = |v: &Value| {
        let r = verify_credential(v, &opts);
        !r.verified && r.check(checks::PROOF).unwrap().status == CheckStatus::Failed
    };

    // An embedded credential changed: the transcript's proof and the credential's own fail.
    let mut t = clr.clone();
    t["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["achievement"]["name"] =
        "Advanced Hand Hygiene".into();
    assert!(proof_failed(&t));
    let r = verify_clr(&t, &opts);
    assert!(!r.verified);
    assert!(!r.embedded[0].report.verified);
    assert!(r.embedded[1].report.verified && r.embedded[2].report.verified);

    // An embedded credential dropped or swapped for another of the learner's.
    let mut t = clr.clone();
    t["credentialSubject"]["verifiableCredential"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    assert!(proof_failed(&t));

    // The association pointed elsewhere, reversed, or its type changed.
    for (field, value) in [
        ("targetId", PPE),
        ("sourceId", IPC),
        ("associationType", "isParentOf"),
    ] {
        let mut t = clr.clone();
        t["credentialSubject"]["association"][0][field] = value.into();
        assert!(proof_failed(&t), "{field} = {value}");
    }
    let mut t = clr.clone();
    t["credentialSubject"]["association"] = json!([]);
    assert!(proof_failed(&t));

    // Re-signed by someone who is not the issuer.
    let mallory = key(66);
    let mut unsigned = clr.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    let forged = sign(&unsigned, &mallory);
    let r = verify_credential(&forged, &opts);
    assert_eq!(r.check(checks::ISSUER).unwrap().status, CheckStatus::Failed);

    // A revoked embedded credential leaves the transcript's own proof intact, so only
    // verify_clr sees it.
    let revoked = fetcher_with_list(status_list(&k, &[11]));
    let opts = VerifyOptions::new(now(), &revoked);
    assert!(verify_credential(&clr, &opts).verified);
    let r = verify_clr(&clr, &opts);
    assert!(!r.verified);
    assert_eq!(
        r.embedded[1].report.check(checks::STATUS).unwrap().status,
        CheckStatus::Failed
    );
}

#[test]
fn an_association_naming_an_unknown_achievement_is_refused() {
    let k = key(41);
    let unknown = "https://academy.example.org/achievements/not-held";
    for a in [
        Association::is_child_of(HAND, unknown),
        Association::is_child_of(unknown, IPC),
    ] {
        let mut i = input(&k);
        i.associations.push(a);
        let e = clr_credential(&i).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidDocument(m) if m.contains(unknown)),
            "{e}"
        );
    }
    // A transcript signed with such an association (built by hand) verifies as a
    // credential, but not as a CLR.
    let mut clr = clr_credential(&input(&k)).unwrap();
    clr["credentialSubject"]["association"][0]["targetId"] = unknown.into();
    let clr = sign(&clr, &k);
    let lists = clear_lists(&k);
    let opts = VerifyOptions::new(now(), &lists);
    assert!(verify_credential(&clr, &opts).verified);
    let r = verify_clr(&clr, &opts);
    assert!(!r.verified);
    assert!(r.structure[0].contains(unknown), "{:?}", r.structure);
}

#[test]
fn other_bad_inputs_are_refused() {
    let k = key(41);
    let refused = |i: &ClrInput, needle: &str| {
        let e = clr_credential(i).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidDocument(m) if m.contains(needle)),
            "{needle}: {e}"
        );
    };
    let mut i = input(&k);
    i.associations.push(Association::is_child_of(IPC, IPC));
    refused(&i, "itself");
    let mut i = input(&k);
    i.associations.push(Association::is_child_of(HAND, IPC));
    refused(&i, "twice");
    let mut i = input(&k);
    i.credentials.clear();
    refused(&i, "at least one");
    let mut i = input(&k);
    i.credentials[0].as_object_mut().unwrap().remove("proof");
    refused(&i, "no `proof`");
    let mut i = input(&k);
    i.learner.email = Some("someone.else@example.org".into());
    refused(&i, "not this learner");
    let mut i = input(&k);
    i.learner = Learner::default();
    refused(&i, "learner needs");
    // By subject id instead of email: credentials issued to the DID match.
    let mut i = input(&k);
    i.learner = Learner {
        id: Some(LEARNER.into()),
        email: None,
        salt: String::new(),
    };
    refused(&i, "not this learner");
    let mut for_did = CredentialBuilder::new(
        "urn:uuid:0c1a0000-0000-4000-8000-0000000000d1",
        issuer_profile(&k),
        Achievement::new(
            IPC,
            AchievementKind::MicroCredential,
            "IPC",
            "IPC.",
            "Passed.",
        ),
        datetime!(2025-01-01 00:00 UTC),
    )
    .subject_id(LEARNER)
    .build()
    .to_value();
    for_did = sign(&for_did, &k);
    i.credentials = vec![for_did];
    i.associations.clear();
    let clr = clr_credential(&i).unwrap();
    assert_eq!(clr["credentialSubject"]["id"], LEARNER);
    assert!(clr["credentialSubject"].get("identifier").is_none());
    assert!(verify_clr(&sign(&clr, &k), &VerifyOptions::new(now(), &NoFetcher)).verified);
    assert_eq!(
        AssociationType::parse("isChildOf"),
        Some(AssociationType::IsChildOf)
    );
    assert_eq!(AssociationType::parse("childOf"), None);
}

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn node_verify(root: &Path, dir: &Path, file: &str, docs: Option<&Path>) -> (i32, String) {
    let mut cmd = Command::new(root.join("run"));
    cmd.args(["verify.js", file]).current_dir(dir);
    if let Some(docs) = docs {
        cmd.arg("--docs").arg(docs);
    }
    let out = {
        let _turn = crate::shared::HARNESS
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        cmd.output().expect("run the interop harness")
    };
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The reference verifier (Digital Bazaar vc + eddsa-rdfc-2022 + jsonld.js) accepts
/// Cairn's signed transcript. Its offline loader does not bundle the CLR context, so it
/// is served from `--docs` (the published bytes plus a top-level `id`, which JSON-LD
/// ignores in a context document).
#[test]
fn reference_verifier_accepts_the_clr() {
    let Some(root) = interop() else { return };
    if !node_available() {
        if std::env::var("CAIRN_REQUIRE_SHARED").as_deref() == Ok("1") {
            panic!("node is not installed and CAIRN_REQUIRE_SHARED=1");
        }
        eprintln!("skipping: node not found");
        return;
    }
    let dir = std::env::temp_dir().join(format!("cairn-vc-clr-{}", uuid::Uuid::new_v4()));
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let mut context: Value = serde_json::from_str(bundled_context(CLR_V2P0_1).unwrap()).unwrap();
    context["id"] = CLR_V2P0_1.into();
    std::fs::write(docs.join("clr-context.json"), context.to_string()).unwrap();

    let k = key(41);
    let clr = signed_clr(&k);
    // `.txt`, so the harness does not take the credential itself for a --docs document.
    std::fs::write(dir.join("clr.json.txt"), clr.to_string()).unwrap();
    let (code, out) = node_verify(&root, &dir, "clr.json.txt", Some(&docs));
    assert_eq!(code, 0, "{out}");

    let mut t = clr.clone();
    t["credentialSubject"]["association"][0]["targetId"] = PPE.into();
    std::fs::write(dir.join("tampered.json.txt"), t.to_string()).unwrap();
    let (code, out) = node_verify(&root, &dir, "tampered.json.txt", Some(&docs));
    assert_eq!(code, 1, "{out}");

    // Without the context the reference loader refuses to fetch it: the CLR context
    // must be supplied, never silently skipped.
    let (code, out) = node_verify(&root, &dir, "clr.json.txt", None);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(CLR_V2P0_1), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
