//! Sign and verify throughput of an OB 3.0 credential (eddsa-rdfc-2022), to compare with
//! the reference Node stack (`../shared/interop/run bench.js`).
//! Run: `cargo bench -p cairn-vc --features bench`.

use cairn_vc::di;
use cairn_vc::did::{MapFetcher, NoFetcher};
use cairn_vc::jsonld;
use cairn_vc::keys::KeyPair;
use cairn_vc::ob3::{Achievement, AchievementKind, Alignment, CredentialBuilder, Profile};
use cairn_vc::status::{BitstringStatusList, StatusPurpose, status_entry, status_list_credential};
use cairn_vc::verify::{VerifyOptions, verify_credential};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use std::hint::black_box;
use time::OffsetDateTime;

const SL: &str = "https://academy.example.org/status/bench";

fn credential(key: &KeyPair, i: usize, with_status: bool) -> Value {
    let mut issuer = Profile::new(key.did_key(), "Example Health Workforce Academy");
    issuer.url = Some("https://academy.example.org".into());
    let mut achievement = Achievement::new(
        "https://academy.example.org/achievements/hand-hygiene-2025",
        AchievementKind::MicroCredential,
        "Hand Hygiene Compliance",
        "Demonstrates WHO 5 Moments hand hygiene practice in a clinical setting.",
        "Completed the e-learning module and passed an observed clinical assessment (score >= 80%).",
    );
    let mut al = Alignment::new(
        "Infection prevention and control",
        "https://competencies.example.org/ipc/hand-hygiene",
    );
    al.target_description = Some("Applies standard precautions including hand hygiene.".into());
    al.target_framework = Some("Example Nursing Competency Framework".into());
    al.target_code = Some("IPC-01".into());
    al.target_type = Some("ext:Competency".into());
    achievement.alignment = vec![al];
    let mut b = CredentialBuilder::new(
        format!("urn:uuid:00000000-0000-4000-8000-{i:012}"),
        issuer,
        achievement,
        time::macros::datetime!(2025-01-01 00:00 UTC),
    )
    .subject_id(format!("did:example:learner-{i}"));
    if with_status {
        b = b.status(status_entry(SL, i, StatusPurpose::Revocation));
    }
    b.build().to_value()
}

fn bench(c: &mut Criterion) {
    let key = KeyPair::from_seed(&[42; 32]);
    let vm = key.did_key_verification_method();
    let created = OffsetDateTime::now_utc();
    let plain: Vec<Value> = (0..64).map(|i| credential(&key, i, false)).collect();
    let with_status: Vec<Value> = (0..64).map(|i| credential(&key, i, true)).collect();
    let signed: Vec<Value> = plain
        .iter()
        .map(|c| di::sign_credential(c, &key, &vm, created).unwrap())
        .collect();
    let signed_status: Vec<Value> = with_status
        .iter()
        .map(|c| di::sign_credential(c, &key, &vm, created).unwrap())
        .collect();
    let list = status_list_credential(
        SL,
        &key.did_key(),
        StatusPurpose::Revocation,
        &BitstringStatusList::new(BitstringStatusList::MIN_BITS),
        created,
    )
    .unwrap();
    let mut fetcher = MapFetcher::new();
    fetcher.insert(SL, di::sign_credential(&list, &key, &vm, created).unwrap());
    let now = OffsetDateTime::now_utc();

    let mut i = 0usize;
    let mut next = || {
        i = (i + 1) % 64;
        i
    };
    c.bench_function("issue (sign) OB3 credential, eddsa-rdfc-2022", |b| {
        b.iter(|| di::sign_credential(black_box(&plain[next()]), &key, &vm, created).unwrap())
    });
    c.bench_function("verify (no status)", |b| {
        let opts = VerifyOptions::new(now, &NoFetcher);
        b.iter(|| assert!(verify_credential(black_box(&signed[next()]), &opts).verified))
    });
    // The status list's own proof is verified once and then cached by the list's bytes
    // (what a verifier checking many credentials against one list does).
    c.bench_function("verify + status list check (list proof cached)", |b| {
        let opts = VerifyOptions::new(now, &fetcher);
        b.iter(|| assert!(verify_credential(black_box(&signed_status[next()]), &opts).verified))
    });
    let jwts: Vec<String> = plain
        .iter()
        .map(|c| cairn_vc::jwt::issue_jwt(c, &key, &vm).unwrap())
        .collect();
    c.bench_function("verify vc+jwt (full report, no status)", |b| {
        let opts = VerifyOptions::new(now, &NoFetcher);
        b.iter(|| {
            assert!(
                cairn_vc::verify::verify_jwt_credential(black_box(&jwts[next()]), &opts).verified
            )
        })
    });
    c.bench_function("component: canonicalize credential, fast path", |b| {
        b.iter(|| jsonld::canonicalize(black_box(&plain[next()])).unwrap())
    });
    c.bench_function(
        "component: canonicalize credential, reference path (oxjsonld+oxrdf)",
        |b| b.iter(|| jsonld::canonicalize_reference(black_box(&plain[next()])).unwrap()),
    );
    c.bench_function("component: raw Ed25519 verify (64-byte msg)", |b| {
        let msg = [7u8; 64];
        let sig = key.sign(&msg);
        let pk = key.public_key();
        b.iter(|| assert!(pk.verify(black_box(&msg), &sig)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
