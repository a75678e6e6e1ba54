//! Attachments (xAPI Data 2.4.11, Communication 1.5.2): which parts of a multipart request
//! are the statements and which their attachments, whether every part is declared with its
//! hash and every declared attachment without `fileUrl` has its part, and the signature
//! attachments (Data 2.6).

use serde_json::Value;
use sha2::Digest;

use crate::XapiError;
use crate::multipart::{Part, media_type_of};
use crate::signature::{SIGNATURE_CONTENT_TYPE, SIGNATURE_USAGE, check_signed_statement};

/// The content of one attachment a request carried, checked against its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentPart {
    /// The SHA-2 hash in lower-case hex, as the part's `X-Experience-API-Hash` gave it.
    pub sha2: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

fn bad(requirement: &'static str, message: impl Into<String>) -> XapiError {
    XapiError::new(requirement, message)
}

/// The SHA-2 digest of `content` in lower-case hex, of the length `like` has (SHA-224,
/// SHA-256, SHA-384 or SHA-512); None when `like` is no SHA-2 length.
pub fn sha2_hex_like(like: &str, content: &[u8]) -> Option<String> {
    let digest = match like.len() {
        56 => sha2::Sha224::digest(content).to_vec(),
        64 => sha2::Sha256::digest(content).to_vec(),
        96 => sha2::Sha384::digest(content).to_vec(),
        128 => sha2::Sha512::digest(content).to_vec(),
        _ => return None,
    };
    Some(hex::encode(digest))
}

/// SHA-256 of `content` in lower-case hex: the hash the LRS writes for a part.
pub fn sha256_hex(content: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(content))
}

/// Split the parts of a `multipart/mixed` statements request: the first part is the
/// statement or array of statements (application/json), each later one an attachment
/// whose hash header matches its content.
pub fn split_request(parts: Vec<Part>) -> Result<(Value, Vec<AttachmentPart>), XapiError> {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Err(bad("XAPI-00134", "the multipart body holds no part"));
    };
    if first.media_type().as_deref() != Some("application/json") {
        return Err(bad(
            "XAPI-00134",
            "the first part of a multipart/mixed statements request must be Content-Type: application/json, holding all the statements",
        ));
    }
    let statements: Value = serde_json::from_slice(&first.body).map_err(|e| {
        bad(
            "XAPI-00133",
            format!("the first part is not JSON ({e}); it must hold all the statements, and every other part needs its boundary line"),
        )
    })?;
    let mut out = Vec::new();
    for (i, p) in parts.enumerate() {
        let n = i + 2;
        let Some(hash) = p.header("x-experience-api-hash") else {
            return Err(bad(
                "XAPI-00132",
                format!(
                    "part {n} needs an X-Experience-API-Hash header with its attachment's sha2"
                ),
            ));
        };
        match p.header("content-transfer-encoding") {
            Some(e) if e.eq_ignore_ascii_case("binary") => {}
            _ => {
                return Err(bad(
                    "XAPI-00135",
                    format!("part {n} needs Content-Transfer-Encoding: binary"),
                ));
            }
        }
        let Some(content_type) = p.header("content-type") else {
            return Err(bad(
                "Communication 1.5.2",
                format!("part {n} needs a Content-Type header"),
            ));
        };
        let hash = hash.to_ascii_lowercase();
        match sha2_hex_like(&hash, &p.body) {
            Some(actual) if actual == hash => {}
            Some(actual) => {
                return Err(bad(
                    "XAPI-00132",
                    format!(
                        "part {n}'s X-Experience-API-Hash {hash} is not the SHA-2 of its content ({actual})"
                    ),
                ));
            }
            None => {
                return Err(bad(
                    "XAPI-00132",
                    format!("part {n}'s X-Experience-API-Hash {hash:?} is not a SHA-2 hex digest"),
                ));
            }
        }
        out.push(AttachmentPart {
            sha2: hash,
            content_type: content_type.to_owned(),
            content: p.body,
        });
    }
    Ok((statements, out))
}

/// Check the attachments `statements` declare against the parts sent with them (none for
/// an application/json request): every part is declared, every declared attachment without
/// `fileUrl` has its part, and every signature attachment is a JWS of its statement.
/// `statements` are as the client sent them and already validated.
pub fn check_attachments<S: std::borrow::Borrow<Value>>(
    statements: &[S],
    parts: &[AttachmentPart],
) -> Result<(), XapiError> {
    let many = statements.len() > 1;
    let part_of = |sha2: &str| {
        let sha2 = sha2.to_ascii_lowercase();
        parts.iter().find(|p| p.sha2 == sha2)
    };
    let mut declared: Vec<String> = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        let s: &Value = s.borrow();
        let at = if many {
            format!("statement {i}: ")
        } else {
            String::new()
        };
        let list = s
            .get("attachments")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (j, a) in list.iter().enumerate() {
            let Some(sha2) = a.get("sha2").and_then(Value::as_str) else {
                continue;
            };
            declared.push(sha2.to_ascii_lowercase());
            let part = part_of(sha2);
            let usage = a.get("usageType").and_then(Value::as_str);
            if usage == Some(SIGNATURE_USAGE) {
                let ct = a
                    .get("contentType")
                    .and_then(Value::as_str)
                    .map(media_type_of);
                if ct.as_deref() != Some(SIGNATURE_CONTENT_TYPE) {
                    return Err(bad(
                        "XAPI-00115",
                        format!(
                            "{at}attachments[{j}] is a signature, so its contentType must be {SIGNATURE_CONTENT_TYPE}"
                        ),
                    ));
                }
                let Some(part) = part else {
                    return Err(bad(
                        "XAPI-00115",
                        format!(
                            "{at}attachments[{j}] is a signature but no part carries it; send the JWS as a multipart/mixed part"
                        ),
                    ));
                };
                check_signed_statement(s, &part.content)
                    .map_err(|e| XapiError::new(e.requirement, format!("{at}{}", e.message)))?;
                continue;
            }
            if part.is_none() && a.get("fileUrl").is_none() {
                return Err(bad(
                    "XAPI-00129",
                    format!(
                        "{at}attachments[{j}] has no fileUrl, so its content must come as a multipart/mixed part with X-Experience-API-Hash {sha2}"
                    ),
                ));
            }
        }
    }
    if let Some(extra) = parts.iter().find(|p| !declared.contains(&p.sha2)) {
        return Err(bad(
            "XAPI-00128",
            format!(
                "a part with hash {} is not an attachment any statement declares (sha2); send only declared attachments",
                extra.sha2
            ),
        ));
    }
    Ok(())
}

/// The hashes of the attachments a stored statement declares, for a response with
/// `attachments=true`.
pub fn declared_hashes(statement: &Value) -> Vec<String> {
    statement
        .get("attachments")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a.get("sha2").and_then(Value::as_str))
        .map(str::to_ascii_lowercase)
        .collect()
}
