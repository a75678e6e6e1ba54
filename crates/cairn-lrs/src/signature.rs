//! Signed statements (xAPI Data 2.6): the JWS a signature attachment carries must be a
//! compact serialization with an RSA algorithm whose payload is the statement sent.
//!
//! The RSA signature itself is not verified: xAPI makes that a MAY, and what a verified
//! signature proves depends on trusting its certificate, which this LRS has no basis for.

use base64::Engine;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::XapiError;

/// The usageType of a signature attachment.
pub const SIGNATURE_USAGE: &str = "http://adlnet.gov/expapi/attachments/signature";
/// The contentType a signature attachment must declare.
pub const SIGNATURE_CONTENT_TYPE: &str = "application/octet-stream";
/// Largest JWS accepted: a statement with a certificate chain fits well within it.
pub const MAX_JWS_BYTES: usize = 1024 * 1024;

/// The algorithms xAPI allows (Data 2.6, XAPI-00117).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Rs256,
    Rs384,
    Rs512,
}

/// A JWS compact serialization, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Jws {
    pub alg: Alg,
    pub header: Map<String, Value>,
    pub payload: Value,
    pub signature: Vec<u8>,
}

fn bad(requirement: &'static str, message: impl Into<String>) -> XapiError {
    XapiError::new(requirement, message)
}

fn segment(s: &str, what: &str) -> Result<Vec<u8>, XapiError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| {
            bad(
                "XAPI-00115",
                format!("the signature's {what} is not unpadded base64url (RFC 7515)"),
            )
        })
}

/// Decode a JWS compact serialization and check its header names an allowed algorithm.
pub fn parse_jws(raw: &[u8]) -> Result<Jws, XapiError> {
    if raw.len() > MAX_JWS_BYTES {
        return Err(bad(
            "XAPI-00115",
            format!("the signature is larger than {MAX_JWS_BYTES} bytes"),
        ));
    }
    let text = std::str::from_utf8(raw)
        .map_err(|_| bad("XAPI-00115", "the signature is not a JWS: it is not text"))?
        .trim_matches(|c: char| c.is_ascii_whitespace());
    let pieces: Vec<&str> = text.split('.').collect();
    let [h, p, s] = pieces.as_slice() else {
        return Err(bad(
            "XAPI-00115",
            "the signature is not a JWS compact serialization: header.payload.signature (RFC 7515)",
        ));
    };
    let header: Map<String, Value> =
        serde_json::from_slice(&segment(h, "header")?).map_err(|_| {
            bad(
                "XAPI-00115",
                "the signature's JWS header is not a JSON object",
            )
        })?;
    let alg = match header.get("alg").and_then(Value::as_str) {
        Some("RS256") => Alg::Rs256,
        Some("RS384") => Alg::Rs384,
        Some("RS512") => Alg::Rs512,
        Some(other) => {
            return Err(bad(
                "XAPI-00117",
                format!("the signature uses {other:?}; xAPI allows RS256, RS384 or RS512"),
            ));
        }
        None => {
            return Err(bad(
                "XAPI-00117",
                "the signature's JWS header needs alg RS256, RS384 or RS512",
            ));
        }
    };
    let payload: Value = serde_json::from_slice(&segment(p, "payload")?).map_err(|_| {
        bad(
            "XAPI-00116",
            "the signature's payload is not a JSON serialization of the statement",
        )
    })?;
    if !payload.is_object() {
        return Err(bad(
            "XAPI-00116",
            "the signature's payload must be the statement, a JSON object",
        ));
    }
    let signature = segment(s, "signature")?;
    if signature.is_empty() {
        return Err(bad("XAPI-00115", "the JWS has an empty signature"));
    }
    Ok(Jws {
        alg,
        header,
        payload,
        signature,
    })
}

/// Check that `jws` is a well-formed signature of `sent`, the statement as the client sent
/// it (before the LRS adds anything).
pub fn check_signed_statement(sent: &Value, jws: &[u8]) -> Result<Jws, XapiError> {
    let jws = parse_jws(jws)?;
    if !same_as_signed(sent, &jws.payload) {
        return Err(bad(
            "XAPI-00116",
            "the signature's payload is not the statement sent: sign the statement as sent, without its attachments",
        ));
    }
    Ok(jws)
}

/// Whether the statement sent is the one signed, compared as xAPI compares statements
/// (Data 2.3.1): the signature attachment is added after signing, so `attachments` do not
/// count; nor do what the LRS sets (`authority`, `stored`, `version`), an `id` the payload
/// leaves out, how a timestamp is written for the same instant, the order of group members,
/// or a duration's precision beyond a hundredth of a second.
pub fn same_as_signed(sent: &Value, payload: &Value) -> bool {
    let (Value::Object(s), Value::Object(p)) = (sent, payload) else {
        return false;
    };
    let mut s = s.clone();
    let mut p = p.clone();
    for k in ["attachments", "authority", "stored", "version"] {
        s.remove(k);
        p.remove(k);
    }
    if !p.contains_key("id") {
        s.remove("id");
    }
    let mut s = Value::Object(s);
    let mut p = Value::Object(p);
    normalize(&mut s, None);
    normalize(&mut p, None);
    s == p
}

/// Rewrite what Data 2.3.1 says does not count into one form.
fn normalize(v: &mut Value, key: Option<&str>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                normalize(child, Some(k.as_str()));
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                normalize(item, None);
            }
            if key == Some("member") {
                items.sort_by_cached_key(|i| i.to_string());
            }
        }
        Value::String(s) => match key {
            Some("timestamp" | "stored") => {
                if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
                    let t = t.to_offset(time::UtcOffset::UTC);
                    *s = format!("{}.{:09}", t.unix_timestamp(), t.nanosecond());
                }
            }
            Some("duration") => *s = duration_to_hundredths(s),
            _ => {}
        },
        _ => {}
    }
}

/// An ISO 8601 duration with its seconds truncated to hundredths ("PT0.1237S" and
/// "PT0.12S" compare equal); other durations unchanged.
pub fn duration_to_hundredths(d: &str) -> String {
    let Some(body) = d.strip_suffix('S') else {
        return d.to_owned();
    };
    let Some(dot) = body.rfind('.') else {
        return d.to_owned();
    };
    let frac = &body[dot + 1..];
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return d.to_owned();
    }
    let kept = frac[..frac.len().min(2)].trim_end_matches('0');
    let whole = &body[..dot];
    if kept.is_empty() {
        format!("{whole}S")
    } else {
        format!("{whole}.{kept}S")
    }
}
