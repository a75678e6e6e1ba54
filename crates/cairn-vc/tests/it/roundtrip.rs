//! Round trips: sign→verify (did:key, did:web with a rotated key), vc+jwt, baking,
//! status bits set and cleared.

use crate::fixtures::*;
use cairn_vc::bake::{bake_png, bake_svg, extract_png, extract_svg};
use cairn_vc::did::{MapFetcher, NoFetcher, did_web_document, did_web_from_parts, did_web_to_url};
use cairn_vc::jwt::{issue_jwt, verify_jwt};
use cairn_vc::ob3::{EndorsementCredential, IdentityObject, Profile};
use cairn_vc::verify::{CheckStatus, VerifyOptions, checks, verify_credential};
use cairn_vc::{Error, di};

#[test]
fn did_key_sign_verify() {
    let issuer = cairn_vc::keys::KeyPair::generate().unwrap();
    let c = sign(&unsigned(&issuer, None), &issuer);
    let r = verify_credential(&c, &VerifyOptions::new(now(), &NoFetcher));
    assert!(r.verified, "{r:#?}");
    assert!(r.checks.iter().all(|c| c.status != CheckStatus::Failed));
    assert_eq!(r.check(checks::OB3).unwrap().status, CheckStatus::Passed);
}

#[test]
fn did_web_with_rotated_key() {
    let old = key(10);
    let current = key(11);
    let did = did_web_from_parts("127.0.0.1:8080", &["orgs", "acme"]);
    assert_eq!(did, "did:web:127.0.0.1%3A8080:orgs:acme");
    let doc = did_web_document(&did, &[current.public_key(), old.public_key()]);
    let mut fetcher = MapFetcher::new();
    fetcher.insert(did_web_to_url(&did).unwrap(), doc);
    let mut u = unsigned(&old, None);
    u["issuer"]["id"] = did.clone().into();
    let vm = format!("{did}#{}", old.public_multibase());
    let c = di::sign_credential(&u, &old, &vm, now()).unwrap();
    let r = verify_credential(&c, &VerifyOptions::new(now(), &fetcher));
    assert!(r.verified, "{r:#?}");
    // A key the DID document does not list is refused.
    let stranger = key(12);
    let vm = format!("{did}#{}", stranger.public_multibase());
    let c = di::sign_credential(&u, &stranger, &vm, now()).unwrap();
    let r = verify_credential(&c, &VerifyOptions::new(now(), &fetcher));
    assert_eq!(r.check(checks::PROOF).unwrap().status, CheckStatus::Failed);
}

#[test]
fn jwt_round_trip() {
    let issuer = key(1);
    let c = unsigned(&issuer, None);
    let token = issue_jwt(&c, &issuer, &issuer.did_key_verification_method()).unwrap();
    let v = verify_jwt(&token, &NoFetcher).unwrap();
    assert_eq!(v.credential, c);
    assert_eq!(v.header["typ"], "vc+jwt");
    assert_eq!(v.header["alg"], "EdDSA");
    // Tampered payload.
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let mut other = c.clone();
    other["credentialSubject"]["id"] = "did:example:mallory".into();
    parts[1] = issue_jwt(&other, &issuer, "x")
        .unwrap()
        .split('.')
        .nth(1)
        .unwrap()
        .to_string();
    assert!(matches!(
        verify_jwt(&parts.join("."), &NoFetcher),
        Err(Error::Jwt(_))
    ));
    // Signed by someone who is not the issuer.
    let mallory = key(3);
    let forged = issue_jwt(&c, &mallory, &mallory.did_key_verification_method()).unwrap();
    assert!(
        verify_jwt(&forged, &NoFetcher)
            .unwrap_err()
            .to_string()
            .contains("belongs to")
    );
    for bad in ["", "a.b", "a.b.c.d", "!!.!!.!!"] {
        assert!(verify_jwt(bad, &NoFetcher).is_err());
    }
}

fn tiny_png() -> Vec<u8> {
    use std::io::Write as _;
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut h = crc32fast::Hasher::new();
        h.update(kind);
        h.update(data);
        out.extend_from_slice(&h.finalize().to_be_bytes());
    }
    let mut png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&[0, 200, 30, 30]).unwrap();
    chunk(&mut png, b"IDAT", &z.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn bake_png_and_svg() {
    let issuer = key(1);
    let c = sign(&unsigned(&issuer, None), &issuer);
    let text = serde_json::to_string(&c).unwrap();
    let png = tiny_png();
    assert_eq!(extract_png(&png).unwrap(), None);
    let baked = bake_png(&png, &text).unwrap();
    assert_eq!(extract_png(&baked).unwrap().as_deref(), Some(text.as_str()));
    // Re-baking replaces, never duplicates.
    let rebaked = bake_png(&baked, "{\"x\":1}").unwrap();
    assert_eq!(extract_png(&rebaked).unwrap().as_deref(), Some("{\"x\":1}"));
    assert_eq!(
        rebaked
            .windows(19)
            .filter(|w| w == b"openbadgecredential")
            .count(),
        1
    );
    let mut corrupt = baked.clone();
    let n = corrupt.len();
    corrupt[n - 20] ^= 0xff;
    assert!(extract_png(&corrupt).is_err());
    assert!(extract_png(b"GIF89a").is_err());

    let svg = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>"#;
    let tricky = format!("{text}]]>{{}}");
    let baked = bake_svg(svg, &tricky).unwrap();
    assert!(baked.contains("xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\""));
    assert_eq!(
        extract_svg(&baked).unwrap().as_deref(),
        Some(tricky.as_str())
    );
    let rebaked = bake_svg(&baked, &text).unwrap();
    assert_eq!(
        extract_svg(&rebaked).unwrap().as_deref(),
        Some(text.as_str())
    );
    assert_eq!(rebaked.matches("<openbadges:credential>").count(), 1);
    let self_closing = bake_svg(r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#, "{}").unwrap();
    assert_eq!(extract_svg(&self_closing).unwrap().as_deref(), Some("{}"));
    assert!(bake_svg("<html/>", "{}").is_err());
}

#[test]
fn status_set_and_clear() {
    let issuer = key(1);
    let c = sign(&unsigned(&issuer, Some(99)), &issuer);
    let revoked = fetcher_with_list(status_list(&issuer, &[99]));
    let r = verify_credential(&c, &VerifyOptions::new(now(), &revoked));
    assert_eq!(r.check(checks::STATUS).unwrap().status, CheckStatus::Failed);
    let reinstated = fetcher_with_list(status_list(&issuer, &[98, 100]));
    let r = verify_credential(&c, &VerifyOptions::new(now(), &reinstated));
    assert!(r.verified, "{r:#?}");
}

#[test]
fn other_ob3_types() {
    let issuer = key(1);
    let profile = Profile::new(issuer.did_key(), "Nursing Council");
    let e = EndorsementCredential::new(
        "urn:uuid:e1",
        "Accredited module",
        profile.clone(),
        "https://academy.example.org/achievements/hand-hygiene-2025",
        Some("Meets the standard".into()),
        now(),
    );
    let signed = sign(&e.to_value(), &issuer);
    let r = verify_credential(&signed, &VerifyOptions::new(now(), &NoFetcher));
    assert!(r.verified, "{r:#?}");
    let id = IdentityObject::hashed_email("nurse@example.org", "0123456789abcdef");
    assert!(id.matches("nurse@example.org"));
    assert!(!id.matches("other@example.org"));
}

#[test]
fn clr_round_trip() {
    let issuer = key(1);
    let clr = clr_signed(&issuer);
    assert_eq!(
        clr["@context"],
        serde_json::json!([
            cairn_vc::contexts::VC_V2,
            cairn_vc::contexts::CLR_V2P0_1,
            cairn_vc::contexts::OB_V3P0_3
        ])
    );
    // The fast path takes the whole transcript, embedded credentials included.
    let mut unsecured = clr.clone();
    unsecured.as_object_mut().unwrap().remove("proof");
    assert!(cairn_vc::jsonld::canonicalize_fast_only(&unsecured).is_some());
    // The second embedded credential has a status entry; the list is clear.
    let lists = fetcher_with_list(status_list(&issuer, &[]));
    let opts = VerifyOptions::new(now(), &lists);
    let r = verify_credential(&clr, &opts);
    assert!(r.verified, "{r:#?}");
    assert_eq!(r.check(checks::PROOF).unwrap().status, CheckStatus::Passed);
    // Each embedded credential verifies on its own too.
    for c in clr["credentialSubject"]["verifiableCredential"]
        .as_array()
        .unwrap()
    {
        let r = verify_credential(c, &opts);
        assert!(r.verified, "{r:#?}");
    }
    // Changing an embedded credential breaks the transcript's signature.
    let mut tampered = clr.clone();
    tampered["credentialSubject"]["verifiableCredential"][1]["credentialSubject"]["achievement"]
        ["name"] = "Advanced Life Support".into();
    let r = verify_credential(&tampered, &opts);
    assert_eq!(r.check(checks::PROOF).unwrap().status, CheckStatus::Failed);
}

#[test]
fn status_list_from_a_docs_folder() {
    use cairn_vc::did::{ChainFetcher, DirFetcher};
    let issuer = key(1);
    let dir = std::env::temp_dir().join(format!("cairn-vc-docs-it-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("revocation.json"),
        serde_json::to_string_pretty(&status_list(&issuer, &[9])).unwrap(),
    )
    .unwrap();
    let docs = DirFetcher::load(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    // The folder first, then a source that knows nothing (as a loopback fetcher would
    // for a URL it refuses).
    let chain = ChainFetcher::new().then(&docs).then(NoFetcher);
    let ok = sign(&unsigned(&issuer, Some(8)), &issuer);
    let r = verify_credential(&ok, &VerifyOptions::new(now(), &chain));
    assert!(r.verified, "{r:#?}");
    let revoked = sign(&unsigned(&issuer, Some(9)), &issuer);
    let r = verify_credential(&revoked, &VerifyOptions::new(now(), &chain));
    assert_eq!(r.check(checks::STATUS).unwrap().status, CheckStatus::Failed);
}
