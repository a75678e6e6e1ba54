//! Credentials built and signed in-process for the behavioural tests.

use cairn_vc::did::MapFetcher;
use cairn_vc::keys::KeyPair;
use cairn_vc::ob3::{Achievement, AchievementKind, Alignment, CredentialBuilder, Profile};
use cairn_vc::status::{BitstringStatusList, StatusPurpose, status_entry, status_list_credential};
use cairn_vc::{di, ob3};
use serde_json::Value;
use time::OffsetDateTime;
use time::macros::datetime;

pub const SL: &str = "https://academy.example.org/status/tamper-test";

pub fn key(n: u8) -> KeyPair {
    KeyPair::from_seed(&[n; 32])
}

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub fn achievement(kind: AchievementKind) -> Achievement {
    let mut a = Achievement::new(
        "https://academy.example.org/achievements/hand-hygiene-2025",
        kind,
        "Hand Hygiene Compliance",
        "Demonstrates WHO 5 Moments hand hygiene practice in a clinical setting.",
        "Completed the e-learning module and passed an observed clinical assessment (score >= 80%).",
    );
    let mut a1 = Alignment::new("Hand hygiene", "https://competencies.example.org/ipc/1");
    a1.target_code = Some("IPC-01".into());
    let mut a2 = Alignment::new("PPE use", "https://competencies.example.org/ipc/2");
    a2.target_code = Some("IPC-02".into());
    a.alignment = vec![a1, a2];
    a
}

pub fn unsigned(issuer: &KeyPair, status_index: Option<usize>) -> Value {
    let mut issuer_profile = Profile::new(issuer.did_key(), "Example Health Workforce Academy");
    issuer_profile.url = Some("https://academy.example.org".into());
    let mut b = CredentialBuilder::new(
        "urn:uuid:6a8f2d3c-0000-4000-8000-000000000001",
        issuer_profile,
        achievement(AchievementKind::MicroCredential),
        datetime!(2025-01-01 00:00 UTC),
    )
    .subject_id("did:example:learner-7f3a9c");
    if let Some(i) = status_index {
        b = b.status(status_entry(SL, i, StatusPurpose::Revocation));
    }
    b.build().to_value()
}

pub fn sign(doc: &Value, key: &KeyPair) -> Value {
    di::sign_credential(
        doc,
        key,
        &key.did_key_verification_method(),
        datetime!(2025-01-01 00:00 UTC),
    )
    .unwrap()
}

pub fn status_list(signer: &KeyPair, set: &[usize]) -> Value {
    let mut list = BitstringStatusList::new(BitstringStatusList::MIN_BITS);
    for &i in set {
        list.set(i, true).unwrap();
    }
    let unsigned = status_list_credential(
        SL,
        &signer.did_key(),
        StatusPurpose::Revocation,
        &list,
        datetime!(2025-01-01 00:00 UTC),
    )
    .unwrap();
    sign(&unsigned, signer)
}

/// A CLR 2.0 transcript (contexts VC v2, CLR 2.0.1, OB 3.0.3) holding two signed
/// OpenBadgeCredentials, signed by `issuer`.
pub fn clr_signed(issuer: &KeyPair) -> Value {
    let first = sign(&unsigned(issuer, None), issuer);
    let mut second = unsigned(issuer, Some(7));
    second["id"] = "urn:uuid:6a8f2d3c-0000-4000-8000-000000000002".into();
    second["credentialSubject"]["achievement"]["id"] =
        "https://academy.example.org/achievements/bls-2025".into();
    second["credentialSubject"]["achievement"]["name"] = "Basic Life Support".into();
    let second = sign(&second, issuer);
    let clr = ob3::ClrCredential::new(
        "urn:uuid:6a8f2d3c-0000-4000-8000-0000000000c1",
        "Nursing transcript 2025",
        Profile::new(issuer.did_key(), "Example Health Workforce Academy"),
        Some("did:example:learner-7f3a9c".into()),
        vec![first, second],
        datetime!(2025-02-01 00:00 UTC),
    );
    sign(&clr.to_value(), issuer)
}

pub fn fetcher_with_list(list: Value) -> MapFetcher {
    let mut f = MapFetcher::new();
    f.insert(SL, list);
    f
}

#[allow(dead_code)]
pub fn kinds() -> [AchievementKind; 4] {
    [
        AchievementKind::Badge,
        AchievementKind::MicroCredential,
        AchievementKind::NanoDegree,
        AchievementKind::Certificate,
    ]
}

#[allow(dead_code)]
pub fn unused() -> &'static [&'static str] {
    ob3::ACHIEVEMENT_TYPES
}
