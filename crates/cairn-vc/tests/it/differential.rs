//! The fast JSON-LD path against the reference path (oxjsonld + oxrdf), on every
//! fixture and on generated documents: whenever the fast path answers, it must answer
//! exactly what the reference answers, and it must never accept what the reference rejects.

use crate::fixtures::*;
use crate::shared::{hex, interop};
use cairn_vc::jsonld::{self, canonicalize, canonicalize_fast_only, canonicalize_reference};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Returns whether the fast path handled the document.
fn compare(label: &str, doc: &Value) -> bool {
    let fast = canonicalize_fast_only(doc);
    let reference = canonicalize_reference(doc);
    match (&fast, &reference) {
        (Some(f), Ok(r)) => {
            assert_eq!(f, r, "{label}: fast and reference differ");
            true
        }
        // Known divergence of oxjsonld: it rejects a protected term redefined with an
        // identical definition (e.g. DataIntegrityProof from both VC v2 and Data Integrity
        // v2), which JSON-LD 1.1 and jsonld.js — the reference verifier — allow.
        (Some(_), Err(e)) if e.to_string().contains("Overriding the protected term") => true,
        (Some(f), Err(e)) => {
            panic!("{label}: fast accepted what the reference rejects ({e}):\n{f}")
        }
        (None, _) => false,
    }
}

/// The document and its proof options, as the cryptosuite canonicalizes them.
fn compare_signed(label: &str, doc: &Value) -> bool {
    let mut handled = true;
    if let Some(obj) = doc.as_object() {
        let mut unsecured = obj.clone();
        let proof = unsecured.remove("proof");
        let unsecured = Value::Object(unsecured);
        handled &= compare(label, &unsecured);
        // Production skips `proof` in place instead of copying the document.
        if let (Ok(a), Ok(b)) = (
            jsonld::canonicalize_without(doc, "proof", &jsonld::Limits::default()),
            jsonld::canonicalize(&unsecured),
        ) {
            assert_eq!(a, b, "{label}: skipping proof in place differs");
        }
        let proofs = match proof {
            Some(Value::Array(a)) => a,
            Some(p) => vec![p],
            None => vec![],
        };
        for p in proofs {
            if let (Value::Object(mut p), Some(ctx)) = (p, obj.get("@context")) {
                p.remove("proofValue");
                p.insert("@context".into(), ctx.clone());
                handled &= compare(&format!("{label} (proof options)"), &Value::Object(p));
            }
        }
    } else {
        handled &= compare(label, doc);
    }
    handled
}

fn json_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json")
            || p.file_name().is_some_and(|n| n == "testlist")
        {
            out.push(p);
        }
    }
}

#[test]
fn fixtures_agree() {
    let Some(root) = interop() else { return };
    let mut files = Vec::new();
    json_files(&root.join("examples"), &mut files);
    json_files(&root.join("vectors/vc-di-eddsa"), &mut files);
    json_files(&root.join("vectors/ob3/1edtech-eddsa-vector"), &mut files);
    json_files(&root.join("vectors/ob3/validator-samples"), &mut files);
    json_files(&root.join("status"), &mut files);
    let mut handled = 0;
    for f in &files {
        let Ok(v) = serde_json::from_str::<Value>(&std::fs::read_to_string(f).unwrap()) else {
            continue;
        };
        let docs: Vec<Value> = if f.ends_with("vector.json") {
            vec![v["unsigned"].clone(), v["signed"].clone()]
        } else {
            vec![v]
        };
        for d in docs {
            if compare_signed(&f.display().to_string(), &d) {
                handled += 1;
            }
        }
    }
    assert!(
        handled >= 8,
        "the fast path handled only {handled} fixtures"
    );
    // The credentials that matter for speed must take the fast path.
    for name in [
        "ob3-microcredential.signed.json",
        "ob3-nanodegree-with-status.signed.json",
        "ob3-badge-email-recipient.signed.json",
    ] {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("examples").join(name)).unwrap(),
        )
        .unwrap();
        assert!(
            compare_signed(name, &v),
            "{name} did not take the fast path"
        );
    }
}

/// A small deterministic generator (xorshift64*), enough to vary documents.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn text(&mut self) -> String {
        let parts = [
            "a", "Zé", " ", "\"", "\\", "\n", "\t", "\u{1}", "\u{7f}", "ü", "漢", "😀", "<>", "{}",
            "^", "x y", "%20", "#", "\r",
        ];
        (0..self.below(6)).map(|_| *self.pick(&parts)).collect()
    }
}

fn mutate(rng: &mut Rng, base: &Value) -> Value {
    let mut c = base.clone();
    let ach = &mut c["credentialSubject"]["achievement"];
    if rng.chance(50) {
        ach["name"] = rng.text().into();
    }
    if rng.chance(30) {
        ach["achievementType"] =
            (*rng.pick(&["Badge", "ext:NanoDegree", "Certificate", "MicroCredential"])).into();
    }
    if rng.chance(30) {
        ach["creditsAvailable"] = json!(rng.below(10));
    }
    if rng.chance(10) {
        ach["creditsAvailable"] = json!(2.5);
    }
    if rng.chance(30) {
        ach["tag"] = json!([rng.text(), "nursing"]);
    }
    if rng.chance(30) {
        ach["resultDescription"] = json!([{
            "id": "urn:uuid:rd-1", "type": ["ResultDescription"], "name": rng.text(),
            "resultType": "RubricCriterionLevel",
            "allowedValue": ["novice", "competent", rng.text()]
        }]);
    }
    if rng.chance(25) {
        let n = rng.below(4);
        ach["alignment"] = Value::Array((0..n).map(|i| json!({
            "type": ["Alignment"], "targetName": format!("t{i}"), "targetUrl": format!("https://c.example/{i}"),
            "targetCode": if i % 2 == 0 { json!("X") } else { Value::Null }
        })).collect());
    }
    if rng.chance(30) {
        c["credentialSubject"]["result"] = json!([{"type": ["Result"], "resultDescription": "urn:uuid:rd-1", "value": rng.text()}]);
    }
    if rng.chance(20) {
        c["evidence"] = json!([{"type": ["Evidence"], "narrative": rng.text(), "name": "quiz"}]);
    }
    if rng.chance(20) {
        c["credentialStatus"] = json!({"id": "https://s.example/1#3", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": "3", "statusListCredential": "https://s.example/1"});
    }
    if rng.chance(15) {
        c["credentialSubject"]["identifier"] = json!([{"type": "IdentityObject", "hashed": rng.chance(50),
            "identityHash": "sha256$00", "identityType": "emailAddress", "salt": rng.text()}]);
    }
    if rng.chance(10) {
        c["credentialSubject"]["undefinedTerm"] = "x".into();
    }
    if rng.chance(5) {
        c["id"] = "relative/id".into();
    }
    if rng.chance(5) {
        c["type"] = json!(["VerifiableCredential", "NotAType"]);
    }
    if rng.chance(10) {
        c["@context"][1] = (*rng.pick(&[
            "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        ]))
        .into();
    }
    if rng.chance(5) {
        c["@context"].as_array_mut().unwrap().reverse();
    }
    if rng.chance(5) {
        c["@context"]
            .as_array_mut()
            .unwrap()
            .push("https://w3id.org/security/data-integrity/v2".into());
    }
    if rng.chance(10) {
        c["issuer"] = c["issuer"]["id"].clone();
    }
    if rng.chance(10) {
        c["credentialSubject"]["id"] = "_:learner".into();
    }
    if rng.chance(5) {
        c["credentialSubject"]["achievement"]["criteria"] = json!({});
    }
    c
}

#[test]
fn generated_documents_agree() {
    let issuer = key(1);
    let base = sign(&unsigned(&issuer, Some(3)), &issuer);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut handled = 0;
    let n = 300;
    for i in 0..n {
        let doc = mutate(&mut rng, &base);
        if compare_signed(&format!("generated #{i}: {doc}"), &doc) {
            handled += 1;
        }
    }
    assert!(
        handled > n / 2,
        "the fast path handled only {handled} of {n}"
    );
}

/// CLR 2.0 transcripts: embedded credentials bring their own `@context`, nested under
/// CLR's type-scoped contexts; the fast path must expand them exactly as the reference.
#[test]
fn clr_documents_agree() {
    let issuer = key(1);
    let clr = clr_signed(&issuer);
    assert!(compare_signed("signed CLR", &clr), "CLR declined");
    // jsonld.js 9 (the reference harness's stack: `jsonld.canonize`, RDFC-1.0, safe mode,
    // a loader serving Cairn's bundled contexts) gives exactly these canonical forms for
    // this deterministic fixture (SHA-256 of the N-Quads).
    let hash = |d: &Value| hex(&Sha256::digest(canonicalize(d).unwrap().as_bytes()));
    let without_proof = |d: &Value| {
        let mut d = d.clone();
        d.as_object_mut().unwrap().remove("proof");
        d
    };
    assert_eq!(
        hash(&clr),
        "5ef030cf556660f7db4c8502bb7c265271e9e82fe94d5289a4d7baf1cb9a101c"
    );
    assert_eq!(
        hash(&without_proof(&clr)),
        "abb7fab2435085700284212900cd8f9885ad5ce89b2dddd142e6c54e271125eb"
    );
    // `partial` is defined by ClrCredential's type-scoped context. With two types
    // (VerifiableCredential and ClrCredential) oxjsonld keeps only the last type-scoped
    // context and calls `partial` undefined; JSON-LD 1.1 and jsonld.js apply both, and so
    // does the fast path. Here the fast path is held to jsonld.js's output instead.
    let mut partial = clr.clone();
    partial["partial"] = false.into();
    assert!(matches!(
        canonicalize_reference(&partial),
        Err(cairn_vc::Error::UndefinedTerm(t)) if t == "partial"
    ));
    assert_eq!(
        hash(&partial),
        "006087b3d0072c671b95ebeb19649d1a17fc31f138cd9d4f9a7b50a360feba8e"
    );
    assert_eq!(
        hash(&without_proof(&partial)),
        "7f19cfe4e97df1438ff29995ee0177969cab04cae8a3ff09e9ef89732eed2bd4"
    );
    // With its proof (a @graph container) still in, and each embedded credential alone.
    assert!(compare("signed CLR with proof", &clr), "CLR declined");
    for c in clr["credentialSubject"]["verifiableCredential"]
        .as_array()
        .unwrap()
    {
        assert!(compare_signed("embedded credential", c));
    }
    // Variations: other OB context versions inside, a single-string embedded context, an
    // embedded credential that redefines nothing, an undefined term inside, a proof array.
    let mut variants = Vec::new();
    let mut v = clr.clone();
    v["credentialSubject"]["verifiableCredential"][0]["@context"][1] =
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json".into();
    variants.push(v);
    let mut v = clr.clone();
    v["credentialSubject"]["verifiableCredential"][1]["@context"] =
        "https://www.w3.org/ns/credentials/v2".into();
    variants.push(v);
    let mut v = clr.clone();
    v["credentialSubject"]["verifiableCredential"][0]
        .as_object_mut()
        .unwrap()
        .remove("@context");
    variants.push(v);
    let mut v = clr.clone();
    v["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["notDefined"] =
        "x".into();
    variants.push(v);
    let mut v = clr.clone();
    v["credentialSubject"]["partial"] = true.into();
    variants.push(v);
    let mut v = clr.clone();
    v["credentialSubject"]["achievement"] =
        v["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["achievement"]
            .clone();
    variants.push(v);
    let mut v = clr.clone();
    v["credentialSubject"]["verifiableCredential"][1]["@context"]
        .as_array_mut()
        .unwrap()
        .reverse();
    variants.push(v);
    let mut rng = Rng(0xC1A5_5EED_0000_0001);
    for _ in 0..12 {
        let mut v = clr.clone();
        let inner = mutate(&mut rng, &v["credentialSubject"]["verifiableCredential"][0]);
        v["credentialSubject"]["verifiableCredential"][0] = inner;
        variants.push(v);
    }
    let mut handled = 0;
    for (i, v) in variants.iter().enumerate() {
        if compare_signed(&format!("CLR variant #{i}: {v}"), v) {
            handled += 1;
        }
        compare(&format!("CLR variant #{i} with proof"), v);
    }
    assert!(
        handled > variants.len() / 2,
        "the fast path handled only {handled} of {} CLR variants",
        variants.len()
    );
}

/// Repeated values give duplicate statements, some of them about blank nodes; RDF
/// datasets are sets, so both paths must write each statement once and hash it once.
#[test]
fn duplicate_statements_agree() {
    let issuer = key(1);
    let mut c = unsigned(&issuer, None);
    c["type"] = json!([
        "VerifiableCredential",
        "OpenBadgeCredential",
        "OpenBadgeCredential"
    ]);
    c["credentialSubject"]["result"] = json!([
        {"type": ["Result", "Result"], "value": "pass", "status": "Completed"},
        {"type": ["Result"], "value": "merit"}
    ]);
    c["credentialSubject"]["achievement"]["tag"] = json!(["ipc", "ipc", "nursing"]);
    c["evidence"] = json!([{"type": ["Evidence"], "name": "quiz", "narrative": "x"},
        {"type": ["Evidence", "Evidence"], "name": "obs", "narrative": "y"}]);
    assert!(compare("duplicates", &c), "declined");
    let signed = sign(&c, &issuer);
    assert!(compare_signed("duplicates, signed", &signed));
}
