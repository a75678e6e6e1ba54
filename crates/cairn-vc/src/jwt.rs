//! VC-JOSE-COSE: a credential secured as a compact JWS, `typ` `vc+jwt`, `alg` `EdDSA`,
//! the credential itself as the payload.

use crate::did::{DocumentFetcher, ResolvedMethod, resolve_verification_method};
use crate::error::{Error, Result};
use crate::jsonld::{Limits, check_value};
use crate::keys::KeyPair;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

pub const TYP: &str = "vc+jwt";

/// Signs `credential` as a compact JWS; `kid` is the verification method.
pub fn issue_jwt(credential: &Value, key: &KeyPair, kid: &str) -> Result<String> {
    if !credential.is_object() {
        return Err(Error::Jwt("the payload must be a credential object".into()));
    }
    let header = json!({ "alg": "EdDSA", "typ": TYP, "kid": kid });
    let h =
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).map_err(|e| Error::Jwt(e.to_string()))?);
    let p = URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(credential).map_err(|e| Error::Jwt(e.to_string()))?);
    let signing_input = format!("{h}.{p}");
    let sig = key.sign(signing_input.as_bytes());
    Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig)))
}

/// A verified vc+jwt.
#[derive(Clone, Debug)]
pub struct VerifiedJwt {
    pub header: Value,
    pub credential: Value,
    pub method: ResolvedMethod,
}

fn decode_part(part: &str, what: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| Error::Jwt(format!("the {what} is not base64url")))
}

/// A compact JWS taken apart, nothing verified yet.
#[derive(Clone, Debug)]
pub struct DecodedJwt<'a> {
    pub header: Value,
    /// The payload: the credential itself (VC-JOSE-COSE).
    pub credential: Value,
    /// The header's `kid`: the verification method.
    pub kid: String,
    /// `header.payload`, the bytes that are signed.
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
}

/// Splits and decodes a compact JWS, checking `alg` (EdDSA), `typ` (vc+jwt), `kid`, and
/// that the payload is a JSON object within `limits`.
pub fn decode_jwt<'a>(token: &'a str, limits: &Limits) -> Result<DecodedJwt<'a>> {
    if token.len() > limits.max_bytes * 2 {
        return Err(Error::TooLarge {
            size: token.len(),
            limit: limits.max_bytes * 2,
        });
    }
    let token = token.trim();
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::Jwt(
            "a compact JWS has three parts separated by dots".into(),
        ));
    };
    let header: Value = serde_json::from_slice(&decode_part(h, "header")?)
        .map_err(|_| Error::Jwt("the header is not JSON".into()))?;
    if header.get("alg").and_then(Value::as_str) != Some("EdDSA") {
        return Err(Error::Jwt(format!(
            "alg must be EdDSA, found {}",
            header.get("alg").unwrap_or(&Value::Null)
        )));
    }
    match header.get("typ").and_then(Value::as_str) {
        Some(TYP) | Some("vc+ld+json+jwt") => {}
        other => return Err(Error::Jwt(format!("typ must be {TYP}, found {other:?}"))),
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Jwt("the header has no kid (verification method)".into()))?
        .to_string();
    let payload = decode_part(p, "payload")?;
    let text =
        std::str::from_utf8(&payload).map_err(|_| Error::Jwt("the payload is not UTF-8".into()))?;
    let credential = crate::jsonld::parse_json(text, limits)?;
    check_value(&credential, limits)?;
    if !credential.is_object() {
        return Err(Error::Jwt("the payload must be a credential object".into()));
    }
    let signature = decode_part(s, "signature")?;
    Ok(DecodedJwt {
        header,
        credential,
        kid,
        signing_input: &token[..h.len() + 1 + p.len()],
        signature,
    })
}

impl DecodedJwt<'_> {
    /// Resolves `kid` and checks the signature; the issuer is not looked at.
    pub fn verify_signature(&self, fetcher: &dyn DocumentFetcher) -> Result<ResolvedMethod> {
        let method = resolve_verification_method(&self.kid, fetcher)?;
        if !method
            .public_key
            .verify(self.signing_input.as_bytes(), &self.signature)
        {
            return Err(Error::Jwt(
                "the signature does not match the header and payload".into(),
            ));
        }
        Ok(method)
    }
}

/// Checks the signature and that the credential's issuer controls the signing key.
/// Validity window, status and shape are checked by
/// [`crate::verify::verify_jwt_credential`], which reports every check.
pub fn verify_jwt(token: &str, fetcher: &dyn DocumentFetcher) -> Result<VerifiedJwt> {
    let decoded = decode_jwt(token, &Limits::default())?;
    let method = decoded.verify_signature(fetcher)?;
    let issuer = crate::verify::issuer_id(&decoded.credential).unwrap_or("");
    if issuer != method.controller {
        return Err(Error::Jwt(format!(
            "the issuer is {issuer}, but the key {} belongs to {}",
            decoded.kid, method.controller
        )));
    }
    Ok(VerifiedJwt {
        header: decoded.header,
        credential: decoded.credential,
        method,
    })
}
