//! Data Integrity `DataIntegrityProof` with the `eddsa-rdfc-2022` cryptosuite
//! (W3C VC-DI-EdDSA §3.3): hashData = SHA-256(canonical proof options) ‖
//! SHA-256(canonical document), signed with Ed25519; `proofValue` is base58btc multibase.

use crate::did::{DocumentFetcher, ResolvedMethod, resolve_verification_method};
use crate::error::{Error, Result};
use crate::jsonld::{Limits, canonicalize_with, canonicalize_without_prechecked};
use crate::keys::KeyPair;
use crate::multibase::{decode_base58btc, encode_base58btc};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

pub const PROOF_TYPE: &str = "DataIntegrityProof";
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";
pub const ASSERTION_METHOD: &str = "assertionMethod";

/// Every intermediate value of the algorithm, to compare with other implementations
/// stage by stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashingInputs {
    pub canonical_proof_options: String,
    pub canonical_document: String,
    pub proof_hash: [u8; 32],
    pub document_hash: [u8; 32],
}

impl HashingInputs {
    /// proofHash ‖ documentHash, the 64 bytes that are signed.
    pub fn hash_data(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.proof_hash);
        out[32..].copy_from_slice(&self.document_hash);
        out
    }
}

/// `2025-01-01T00:00:00Z`: seconds precision, UTC, as the reference libraries write it.
pub fn format_datetime(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Computes the hashing inputs of `document` (its `proof` removed) and `proof_options`
/// (its `proofValue` removed, the document's `@context` put in).
pub fn hashing_inputs(document: &Value, proof_options: &Value) -> Result<HashingInputs> {
    hashing_inputs_with(document, proof_options, &Limits::default())
}

pub fn hashing_inputs_with(
    document: &Value,
    proof_options: &Value,
    limits: &Limits,
) -> Result<HashingInputs> {
    crate::jsonld::check_value(document, limits)?;
    hashing_inputs_prechecked(document, proof_options, limits)
}

/// As [`hashing_inputs_with`], for a document already checked against `limits`.
fn hashing_inputs_prechecked(
    document: &Value,
    proof_options: &Value,
    limits: &Limits,
) -> Result<HashingInputs> {
    let Value::Object(doc) = document else {
        return Err(Error::InvalidDocument(
            "a credential must be a JSON object".into(),
        ));
    };
    let Value::Object(opts) = proof_options else {
        return Err(Error::InvalidProof("a proof must be a JSON object".into()));
    };
    let mut options = opts.clone();
    options.remove("proofValue");
    match doc.get("@context") {
        Some(ctx) => {
            options.insert("@context".into(), ctx.clone());
        }
        None => {
            return Err(Error::InvalidDocument(
                "the document has no @context; a VC 2.0 credential starts with \"@context\": [\"https://www.w3.org/ns/credentials/v2\", …]".into(),
            ));
        }
    }
    let canonical_proof_options = canonicalize_with(&Value::Object(options), limits)?;
    let canonical_document = canonicalize_without_prechecked(document, "proof", limits)?;
    Ok(HashingInputs {
        proof_hash: Sha256::digest(canonical_proof_options.as_bytes()).into(),
        document_hash: Sha256::digest(canonical_document.as_bytes()).into(),
        canonical_proof_options,
        canonical_document,
    })
}

/// The proof options Cairn signs with.
pub fn proof_options(verification_method: &str, created: OffsetDateTime) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), PROOF_TYPE.into());
    m.insert("created".into(), format_datetime(created).into());
    m.insert("verificationMethod".into(), verification_method.into());
    m.insert("cryptosuite".into(), CRYPTOSUITE.into());
    m.insert("proofPurpose".into(), ASSERTION_METHOD.into());
    Value::Object(m)
}

/// Creates a proof for `document` without attaching it.
pub fn create_proof(
    document: &Value,
    key: &KeyPair,
    verification_method: &str,
    created: OffsetDateTime,
) -> Result<Value> {
    let mut proof = proof_options(verification_method, created);
    let inputs = hashing_inputs(document, &proof)?;
    let sig = key.sign(&inputs.hash_data());
    if let Value::Object(m) = &mut proof {
        m.insert("proofValue".into(), encode_base58btc(&sig).into());
    }
    Ok(proof)
}

/// Signs a credential: returns it with a `proof`. An existing proof is kept and the new
/// one added beside it (a proof set).
pub fn sign_credential(
    credential: &Value,
    key: &KeyPair,
    verification_method: &str,
    created: OffsetDateTime,
) -> Result<Value> {
    let proof = create_proof(credential, key, verification_method, created)?;
    let mut out = credential.clone();
    let Value::Object(m) = &mut out else {
        return Err(Error::InvalidDocument(
            "a credential must be a JSON object".into(),
        ));
    };
    match m.remove("proof") {
        None => {
            m.insert("proof".into(), proof);
        }
        Some(Value::Array(mut a)) => {
            a.push(proof);
            m.insert("proof".into(), Value::Array(a));
        }
        Some(existing) => {
            m.insert("proof".into(), Value::Array(vec![existing, proof]));
        }
    }
    Ok(out)
}

/// The outcome of checking one `eddsa-rdfc-2022` proof.
#[derive(Clone, Debug)]
pub struct VerifiedProof {
    pub method: ResolvedMethod,
    pub created: Option<String>,
}

/// The proofs of a document, whether `proof` is one object or an array.
pub fn proofs_of(document: &Value) -> Vec<&Value> {
    match document.get("proof") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p) => vec![p],
    }
}

fn str_field<'a>(proof: &'a Value, name: &str) -> Result<&'a str> {
    proof
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| Error::InvalidProof(format!("the proof has no `{name}` string")))
}

/// Verifies every `DataIntegrityProof`/`eddsa-rdfc-2022` proof of `document`. At least
/// one is required; proofs of other kinds are not checked (and not counted).
pub fn verify_proof(document: &Value, fetcher: &dyn DocumentFetcher) -> Result<Vec<VerifiedProof>> {
    verify_proof_with(document, fetcher, &Limits::default())
}

pub fn verify_proof_with(
    document: &Value,
    fetcher: &dyn DocumentFetcher,
    limits: &Limits,
) -> Result<Vec<VerifiedProof>> {
    crate::jsonld::check_value(document, limits)?;
    verify_proof_prechecked(document, fetcher, limits)
}

/// As [`verify_proof_with`], for a document the caller has just checked against `limits`
/// (the verifier's syntax step does), so the document is walked once, not twice.
pub(crate) fn verify_proof_prechecked(
    document: &Value,
    fetcher: &dyn DocumentFetcher,
    limits: &Limits,
) -> Result<Vec<VerifiedProof>> {
    let proofs = proofs_of(document);
    if proofs.is_empty() {
        return Err(Error::InvalidProof(
            "the credential has no `proof`; it was never signed".into(),
        ));
    }
    let mut checked = Vec::new();
    let mut skipped = Vec::new();
    for proof in proofs {
        let ty = proof.get("type").and_then(Value::as_str).unwrap_or("");
        let suite = proof
            .get("cryptosuite")
            .and_then(Value::as_str)
            .unwrap_or("");
        if ty != PROOF_TYPE || suite != CRYPTOSUITE {
            skipped.push(format!("{ty}/{suite}"));
            continue;
        }
        checked.push(verify_one(document, proof, fetcher, limits)?);
    }
    if checked.is_empty() {
        return Err(Error::InvalidProof(format!(
            "no proof of type DataIntegrityProof with cryptosuite eddsa-rdfc-2022 was found (found: {})",
            skipped.join(", ")
        )));
    }
    Ok(checked)
}

fn verify_one(
    document: &Value,
    proof: &Value,
    fetcher: &dyn DocumentFetcher,
    limits: &Limits,
) -> Result<VerifiedProof> {
    let purpose = str_field(proof, "proofPurpose")?;
    if purpose != ASSERTION_METHOD {
        return Err(Error::InvalidProof(format!(
            "proofPurpose is `{purpose}`, but a credential's proof must be for `assertionMethod`"
        )));
    }
    let created = match proof.get("created") {
        None => None,
        Some(Value::String(s)) => {
            parse_datetime(s).map_err(|_| {
                Error::InvalidProof(format!("proof.created `{s}` is not an XML Schema dateTime"))
            })?;
            Some(s.clone())
        }
        Some(_) => return Err(Error::InvalidProof("proof.created must be a string".into())),
    };
    let value = str_field(proof, "proofValue")?;
    let signature =
        decode_base58btc(value).map_err(|e| Error::InvalidProof(format!("proofValue: {e}")))?;
    if signature.len() != 64 {
        return Err(Error::InvalidProof(format!(
            "proofValue must hold a 64-byte Ed25519 signature, it holds {} bytes",
            signature.len()
        )));
    }
    let vm = str_field(proof, "verificationMethod")?;
    let method = resolve_verification_method(vm, fetcher)?;
    let inputs = hashing_inputs_prechecked(document, proof, limits)?;
    if !method.public_key.verify(&inputs.hash_data(), &signature) {
        return Err(Error::InvalidProof(
            "the signature does not match: the credential was changed after signing, or signed with another key".into(),
        ));
    }
    Ok(VerifiedProof { method, created })
}

/// Parses an XML Schema dateTime with a timezone (RFC 3339).
pub fn parse_datetime(s: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(|e| {
        Error::InvalidDocument(format!(
            "`{s}` is not a date-time with timezone such as 2025-01-01T00:00:00Z ({e})"
        ))
    })
}
