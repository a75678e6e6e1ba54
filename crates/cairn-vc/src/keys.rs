//! Ed25519 keys and their Multikey / did:key encodings.

use crate::error::{Error, Result};
use crate::multibase::{ED25519_PRIV, ED25519_PUB, decode_base58btc, encode_base58btc};
use ed25519_dalek::{Signer as _, Verifier as _};

/// An Ed25519 signing key. `Debug` never shows the secret.
#[derive(Clone)]
pub struct KeyPair {
    signing: ed25519_dalek::SigningKey,
}

/// The name the rest of Cairn uses for an issuer's key.
pub type SigningKey = KeyPair;

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("public", &self.public_multibase())
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            signing: ed25519_dalek::SigningKey::from_bytes(seed),
        }
    }

    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| Error::InvalidKey(format!("no randomness available: {e}")))?;
        Ok(Self::from_seed(&seed))
    }

    /// Reads a `secretKeyMultibase`: the spec form `z3u2…` (0x8026 + 32-byte seed) or the
    /// legacy 64-byte form `zrv…` (0x8026 + seed + public key) that older tools export.
    pub fn from_secret_multibase(value: &str) -> Result<Self> {
        let bytes = decode_base58btc(value)?;
        let body = bytes.strip_prefix(&ED25519_PRIV[..]).ok_or_else(|| {
            Error::InvalidKey(
                "secretKeyMultibase must carry the ed25519-priv multicodec prefix 0x8026 (`z3u2…`)"
                    .into(),
            )
        })?;
        match body.len() {
            32 => {
                let mut seed = [0u8; 32];
                seed.copy_from_slice(body);
                Ok(Self::from_seed(&seed))
            }
            64 => {
                let mut seed = [0u8; 32];
                seed.copy_from_slice(&body[..32]);
                let key = Self::from_seed(&seed);
                if key.signing.verifying_key().as_bytes()[..] != body[32..] {
                    return Err(Error::InvalidKey(
                        "the 64-byte secret key's public half does not match its seed".into(),
                    ));
                }
                Ok(key)
            }
            n => Err(Error::InvalidKey(format!(
                "an Ed25519 secret key has 32 bytes (or 64 in the legacy form), got {n}"
            ))),
        }
    }

    /// Reads a Multikey JSON document (`secretKeyMultibase`, or `privateKeyMultibase` as in
    /// the W3C test vectors) and checks `publicKeyMultibase` when present.
    pub fn from_multikey_json(doc: &serde_json::Value) -> Result<Self> {
        let secret = doc
            .get("secretKeyMultibase")
            .or_else(|| doc.get("privateKeyMultibase"))
            .and_then(|v| v.as_str())
            .ok_or_else(|| {
                Error::InvalidKey("the key file has no `secretKeyMultibase` string".into())
            })?;
        let key = Self::from_secret_multibase(secret)?;
        if let Some(public) = doc.get("publicKeyMultibase").and_then(|v| v.as_str())
            && public != key.public_multibase()
        {
            return Err(Error::InvalidKey(
                "publicKeyMultibase does not match secretKeyMultibase".into(),
            ));
        }
        Ok(key)
    }

    pub fn seed(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }

    /// `z6Mk…`
    pub fn public_multibase(&self) -> String {
        self.public_key().to_multibase()
    }

    /// `z3u2…`
    pub fn secret_multibase(&self) -> String {
        let mut bytes = Vec::with_capacity(34);
        bytes.extend_from_slice(&ED25519_PRIV);
        bytes.extend_from_slice(&self.signing.to_bytes());
        encode_base58btc(&bytes)
    }

    /// `did:key:z6Mk…`
    pub fn did_key(&self) -> String {
        format!("did:key:{}", self.public_multibase())
    }

    /// `did:key:z6Mk…#z6Mk…`, the verification method to put in proofs.
    pub fn did_key_verification_method(&self) -> String {
        let mb = self.public_multibase();
        format!("did:key:{mb}#{mb}")
    }

    /// A Multikey JSON export with the secret, for key files (`cairn keygen`).
    pub fn to_multikey_json(&self, id: &str, controller: &str) -> serde_json::Value {
        serde_json::json!({
            "@context": crate::contexts::MULTIKEY_V1,
            "id": id,
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": self.public_multibase(),
            "secretKeyMultibase": self.secret_multibase(),
        })
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

/// An Ed25519 public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self> {
        ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map(Self)
            .map_err(|_| Error::InvalidKey("the bytes are not an Ed25519 public key".into()))
    }

    /// Reads `z6Mk…` (0xed01 + 32 bytes).
    pub fn from_multibase(value: &str) -> Result<Self> {
        let bytes = decode_base58btc(value)?;
        let body = bytes.strip_prefix(&ED25519_PUB[..]).ok_or_else(|| {
            Error::InvalidKey(format!(
                "`{}` is not an Ed25519 Multikey (expected prefix 0xed01, `z6Mk…`)",
                crate::multibase::truncate(value)
            ))
        })?;
        let arr: [u8; 32] = body.try_into().map_err(|_| {
            Error::InvalidKey(format!(
                "an Ed25519 public key has 32 bytes, got {}",
                body.len()
            ))
        })?;
        Self::from_bytes(&arr)
    }

    pub fn to_multibase(&self) -> String {
        let mut bytes = Vec::with_capacity(34);
        bytes.extend_from_slice(&ED25519_PUB);
        bytes.extend_from_slice(self.0.as_bytes());
        encode_base58btc(&bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// RFC 8032 verification, as the reference Node stack does it (not dalek's
    /// `verify_strict`, which would reject some signatures other verifiers accept).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.0.verify(message, &sig).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multikey_round_trip() {
        let k = KeyPair::from_seed(&[7; 32]);
        let pk = k.public_multibase();
        assert!(pk.starts_with("z6Mk"));
        assert!(k.secret_multibase().starts_with("z3u2"));
        let back = KeyPair::from_secret_multibase(&k.secret_multibase()).unwrap();
        assert_eq!(back.public_multibase(), pk);
        assert_eq!(PublicKey::from_multibase(&pk).unwrap(), k.public_key());
        assert!(!format!("{k:?}").contains(&k.secret_multibase()));
    }
}
