//! Baking: a credential carried inside a badge image (Open Badges 3.0 §5.3) — a PNG
//! `iTXt` chunk with keyword `openbadgecredential`, or an SVG `<openbadges:credential>`
//! element. The text is the credential JSON, or a compact JWS.

use crate::error::{Error, Result};
use crate::jsonld::{Limits, parse_json};
use flate2::read::ZlibDecoder;
use serde_json::Value;
use std::io::Read as _;

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
const KEYWORD: &[u8] = b"openbadgecredential";
const MAX_TEXT: u64 = 4 << 20;
pub const SVG_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";

struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// The whole chunk, length to CRC.
    raw: &'a [u8],
}

fn chunks(png: &[u8]) -> Result<Vec<Chunk<'_>>> {
    if png.len() < 8 || png[..8] != PNG_SIGNATURE {
        return Err(Error::Bake("not a PNG file (bad signature)".into()));
    }
    let mut out = Vec::new();
    let mut pos = 8;
    while pos < png.len() {
        let header = png
            .get(pos..pos + 8)
            .ok_or_else(|| Error::Bake("truncated PNG chunk header".into()))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = [header[4], header[5], header[6], header[7]];
        let end = pos
            .checked_add(12)
            .and_then(|x| x.checked_add(len))
            .filter(|&e| e <= png.len())
            .ok_or_else(|| Error::Bake("truncated PNG chunk".into()))?;
        let data = &png[pos + 8..pos + 8 + len];
        let crc = u32::from_be_bytes([png[end - 4], png[end - 3], png[end - 2], png[end - 1]]);
        let mut h = crc32fast::Hasher::new();
        h.update(&kind);
        h.update(data);
        if h.finalize() != crc {
            return Err(Error::Bake(format!(
                "PNG chunk {} has a bad CRC",
                String::from_utf8_lossy(&kind)
            )));
        }
        out.push(Chunk {
            kind,
            data,
            raw: &png[pos..end],
        });
        pos = end;
        if &kind == b"IEND" {
            break;
        }
    }
    if out.last().map(|c| &c.kind) != Some(b"IEND") {
        return Err(Error::Bake("the PNG has no IEND chunk".into()));
    }
    Ok(out)
}

fn is_credential_chunk(c: &Chunk<'_>) -> bool {
    &c.kind == b"iTXt"
        && c.data.len() > KEYWORD.len()
        && &c.data[..KEYWORD.len()] == KEYWORD
        && c.data[KEYWORD.len()] == 0
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> Result<()> {
    let len = u32::try_from(data.len())
        .map_err(|_| Error::Bake("credential too large for a PNG chunk".into()))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut h = crc32fast::Hasher::new();
    h.update(kind);
    h.update(data);
    out.extend_from_slice(&h.finalize().to_be_bytes());
    Ok(())
}

/// Returns `png` with `credential` (JSON text or compact JWS) baked in, replacing any
/// credential baked before.
pub fn bake_png(png: &[u8], credential: &str) -> Result<Vec<u8>> {
    let chunks = chunks(png)?;
    let mut data = Vec::with_capacity(KEYWORD.len() + 5 + credential.len());
    data.extend_from_slice(KEYWORD);
    // NUL, compression flag 0, method 0, empty language tag, empty translated keyword.
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(credential.as_bytes());
    let mut out = Vec::with_capacity(png.len() + data.len() + 12);
    out.extend_from_slice(&PNG_SIGNATURE);
    for c in &chunks {
        if is_credential_chunk(c) {
            continue;
        }
        if &c.kind == b"IEND" {
            write_chunk(&mut out, b"iTXt", &data)?;
        }
        out.extend_from_slice(c.raw);
    }
    Ok(out)
}

/// The credential baked in a PNG, if any.
pub fn extract_png(png: &[u8]) -> Result<Option<String>> {
    for c in chunks(png)? {
        if !is_credential_chunk(&c) {
            continue;
        }
        let rest = &c.data[KEYWORD.len() + 1..];
        let (&flag, rest) = rest
            .split_first()
            .ok_or_else(|| Error::Bake("truncated iTXt chunk".into()))?;
        let (_method, rest) = rest
            .split_first()
            .ok_or_else(|| Error::Bake("truncated iTXt chunk".into()))?;
        let skip_nul = |s: &[u8]| -> Result<usize> {
            s.iter()
                .position(|&b| b == 0)
                .ok_or_else(|| Error::Bake("malformed iTXt chunk".into()))
        };
        let lang_end = skip_nul(rest)?;
        let rest = &rest[lang_end + 1..];
        let tk_end = skip_nul(rest)?;
        let text = &rest[tk_end + 1..];
        let bytes = if flag == 1 {
            let mut out = Vec::new();
            ZlibDecoder::new(text)
                .take(MAX_TEXT + 1)
                .read_to_end(&mut out)
                .map_err(|e| Error::Bake(format!("compressed iTXt text: {e}")))?;
            if out.len() as u64 > MAX_TEXT {
                return Err(Error::Bake("baked credential is too large".into()));
            }
            out
        } else {
            text.to_vec()
        };
        return String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Error::Bake("the baked credential is not UTF-8".into()));
    }
    Ok(None)
}

fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

/// Returns `svg` with `credential` baked in as the first child of the root element.
pub fn bake_svg(svg: &str, credential: &str) -> Result<String> {
    let svg = remove_svg_credential(svg);
    let start = find_root(&svg)?;
    let tag_end = svg[start..]
        .find('>')
        .map(|i| start + i)
        .ok_or_else(|| Error::Bake("the <svg> start tag is not closed".into()))?;
    let self_closing = svg[..tag_end].ends_with('/');
    let mut open = svg[start..if self_closing { tag_end - 1 } else { tag_end }].to_string();
    if !open.contains("xmlns:openbadges") {
        open.push_str(&format!(" xmlns:openbadges=\"{SVG_NAMESPACE}\""));
    }
    let element = format!(
        "<openbadges:credential>{}</openbadges:credential>",
        cdata(credential)
    );
    let mut out = String::with_capacity(svg.len() + element.len() + 64);
    out.push_str(&svg[..start]);
    out.push_str(&open);
    out.push('>');
    out.push_str(&element);
    if self_closing {
        out.push_str("</svg>");
    }
    out.push_str(&svg[tag_end + 1..]);
    Ok(out)
}

fn find_root(svg: &str) -> Result<usize> {
    let mut from = 0;
    while let Some(i) = svg[from..].find("<svg") {
        let at = from + i;
        let next = svg[at + 4..].chars().next();
        if matches!(next, Some(c) if c.is_whitespace() || c == '>' || c == '/') {
            return Ok(at);
        }
        from = at + 4;
    }
    Err(Error::Bake("no <svg> root element".into()))
}

fn remove_svg_credential(svg: &str) -> String {
    let Some(start) = svg.find("<openbadges:credential") else {
        return svg.to_string();
    };
    let end = svg[start..]
        .find("</openbadges:credential>")
        .map(|i| start + i + "</openbadges:credential>".len())
        .or_else(|| svg[start..].find("/>").map(|i| start + i + 2));
    match end {
        Some(end) => format!("{}{}", &svg[..start], &svg[end..]),
        None => svg.to_string(),
    }
}

/// The credential baked in an SVG, if any.
pub fn extract_svg(svg: &str) -> Result<Option<String>> {
    let Some(start) = svg.find("<openbadges:credential") else {
        return Ok(None);
    };
    let tag_end = svg[start..]
        .find('>')
        .map(|i| start + i)
        .ok_or_else(|| Error::Bake("unclosed <openbadges:credential> tag".into()))?;
    let tag = &svg[start..tag_end];
    if let Some(v) = tag.find("verify=\"") {
        let rest = &tag[v + 8..];
        if let Some(q) = rest.find('"') {
            return Ok(Some(rest[..q].to_string()));
        }
    }
    if tag.ends_with('/') {
        return Err(Error::Bake("empty <openbadges:credential> element".into()));
    }
    let close = svg[tag_end..]
        .find("</openbadges:credential>")
        .map(|i| tag_end + i)
        .ok_or_else(|| Error::Bake("<openbadges:credential> is not closed".into()))?;
    let inner = &svg[tag_end + 1..close];
    let mut text = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(i) = rest.find("<![CDATA[") {
        text.push_str(&unescape_xml(&rest[..i]));
        let after = &rest[i + 9..];
        let end = after
            .find("]]>")
            .ok_or_else(|| Error::Bake("unterminated CDATA section".into()))?;
        text.push_str(&after[..end]);
        rest = &after[end + 3..];
    }
    text.push_str(&unescape_xml(rest));
    Ok(Some(text.trim().to_string()))
}

fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A credential as a verifier receives it, whatever it came wrapped in.
#[derive(Clone, Debug, PartialEq)]
pub enum CredentialInput {
    /// A JSON credential (secured with an embedded `proof`, or not secured at all).
    Json(Value),
    /// A compact JWS (`vc+jwt`): header.payload.signature.
    Jwt(String),
}

/// Reads anything a user may hand to a verifier: a baked PNG (`iTXt` keyword
/// `openbadgecredential`), a baked SVG (`<openbadges:credential>`), a JSON credential
/// (including an `EnvelopedVerifiableCredential` holding a `data:application/vc+jwt,…`
/// URL), or a compact JWS. Nothing is verified here.
pub fn extract_any(bytes: &[u8]) -> Result<CredentialInput> {
    let limits = Limits::default();
    if bytes.starts_with(&PNG_SIGNATURE) {
        let text = extract_png(bytes)?.ok_or_else(|| {
            Error::UnrecognizedInput(
                "this PNG carries no Open Badges credential (it has no iTXt chunk with keyword `openbadgecredential`); it may be an unbaked badge image".into(),
            )
        })?;
        return baked_text(&text, "PNG", &limits);
    }
    if let Some(kind) = other_image(bytes) {
        return Err(Error::UnrecognizedInput(format!(
            "this is a {kind} image; Open Badges 3.0 bakes credentials into PNG or SVG images only"
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Error::UnrecognizedInput(
            "the input is binary but not a PNG; expected a baked PNG or SVG badge, a JSON credential, or a compact JWS (vc+jwt)".into(),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim();
    if text.is_empty() {
        return Err(Error::UnrecognizedInput("the input is empty".into()));
    }
    if text.starts_with('<') {
        if find_root(text).is_err() {
            return Err(Error::UnrecognizedInput(
                "this XML/HTML document is not an SVG image (no <svg> element); expected a baked PNG or SVG badge, a JSON credential, or a compact JWS (vc+jwt)".into(),
            ));
        }
        let inner = extract_svg(text)?.ok_or_else(|| {
            Error::UnrecognizedInput(
                "this SVG carries no Open Badges credential (it has no <openbadges:credential> element); it may be an unbaked badge image".into(),
            )
        })?;
        return baked_text(&inner, "SVG", &limits);
    }
    credential_text(text, &limits)
}

fn other_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("JPEG")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("GIF")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("WebP")
    } else if bytes.starts_with(b"%PDF") {
        Some("PDF")
    } else {
        None
    }
}

fn baked_text(text: &str, container: &str, limits: &Limits) -> Result<CredentialInput> {
    credential_text(text.trim(), limits).map_err(|e| match e {
        Error::UnrecognizedInput(m) => Error::UnrecognizedInput(format!(
            "the credential baked in this {container} is unreadable: {m}"
        )),
        other => other,
    })
}

/// JSON text or a compact JWS.
fn credential_text(text: &str, limits: &Limits) -> Result<CredentialInput> {
    if text.starts_with('{') || text.starts_with('"') {
        let value = parse_json(text, limits)?;
        return from_json(value);
    }
    if looks_like_jws(text) {
        return Ok(CredentialInput::Jwt(text.to_string()));
    }
    if text.starts_with('[') {
        return Err(Error::UnrecognizedInput(
            "the input is a JSON array; give one credential (a JSON object) at a time".into(),
        ));
    }
    Err(Error::UnrecognizedInput(
        "the input is neither a JSON credential nor a compact JWS (vc+jwt); expected a baked PNG or SVG badge, a JSON credential, or header.payload.signature".into(),
    ))
}

fn from_json(value: Value) -> Result<CredentialInput> {
    match value {
        Value::String(s) if looks_like_jws(s.trim()) => {
            Ok(CredentialInput::Jwt(s.trim().to_string()))
        }
        Value::Object(ref m) => {
            let enveloped = match m.get("type") {
                Some(Value::String(t)) => t == "EnvelopedVerifiableCredential",
                Some(Value::Array(a)) => a.iter().any(|t| t == "EnvelopedVerifiableCredential"),
                _ => false,
            };
            if enveloped {
                let id = m.get("id").and_then(Value::as_str).unwrap_or("");
                let jws = id
                    .strip_prefix("data:application/vc+jwt,")
                    .or_else(|| id.strip_prefix("data:application/vc-ld+jwt,"))
                    .filter(|j| looks_like_jws(j))
                    .ok_or_else(|| {
                        Error::UnrecognizedInput(
                            "this EnvelopedVerifiableCredential has no `id` of the form data:application/vc+jwt,<compact JWS>".into(),
                        )
                    })?;
                return Ok(CredentialInput::Jwt(jws.to_string()));
            }
            Ok(CredentialInput::Json(value))
        }
        _ => Err(Error::UnrecognizedInput(
            "the JSON input is not a credential: a credential is a JSON object".into(),
        )),
    }
}

/// Three non-empty base64url segments separated by dots, the first decoding to a JSON
/// object (a JOSE header).
fn looks_like_jws(text: &str) -> bool {
    use base64::Engine as _;
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        && base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[0])
            .ok()
            .and_then(|h| serde_json::from_slice::<Value>(&h).ok())
            .is_some_and(|h| h.is_object())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn png() -> Vec<u8> {
        let mut out = PNG_SIGNATURE.to_vec();
        write_chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]).unwrap();
        // Not a decodable image; chunk structure and CRCs are all that baking reads.
        write_chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x03, 0x00]).unwrap();
        write_chunk(&mut out, b"IEND", &[]).unwrap();
        out
    }

    const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>"#;

    fn jwt() -> String {
        use base64::Engine as _;
        let e = |v: &Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
        };
        format!(
            "{}.{}.c2ln",
            e(&json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": "did:key:z#z"})),
            e(&json!({"issuer": "did:key:z"}))
        )
    }

    fn cred() -> Value {
        json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]})
    }

    fn err(bytes: &[u8]) -> String {
        extract_any(bytes).unwrap_err().to_string()
    }

    #[test]
    fn json_credential() {
        let text = cred().to_string();
        assert_eq!(
            extract_any(text.as_bytes()).unwrap(),
            CredentialInput::Json(cred())
        );
        let padded = format!("\u{feff}\n  {text}\n");
        assert_eq!(
            extract_any(padded.as_bytes()).unwrap(),
            CredentialInput::Json(cred())
        );
    }

    #[test]
    fn compact_jws() {
        let t = jwt();
        assert_eq!(
            extract_any(format!("{t}\n").as_bytes()).unwrap(),
            CredentialInput::Jwt(t.clone())
        );
        // As a JSON string, and enveloped (VC 2.0 EnvelopedVerifiableCredential).
        assert_eq!(
            extract_any(json!(t).to_string().as_bytes()).unwrap(),
            CredentialInput::Jwt(t.clone())
        );
        let env = json!({"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": "EnvelopedVerifiableCredential", "id": format!("data:application/vc+jwt,{t}")});
        assert_eq!(
            extract_any(env.to_string().as_bytes()).unwrap(),
            CredentialInput::Jwt(t)
        );
        let bad_env = json!({"type": "EnvelopedVerifiableCredential", "id": "data:,x"});
        assert!(err(bad_env.to_string().as_bytes()).contains("EnvelopedVerifiableCredential"));
    }

    #[test]
    fn baked_png() {
        let text = cred().to_string();
        let baked = bake_png(&png(), &text).unwrap();
        assert_eq!(extract_any(&baked).unwrap(), CredentialInput::Json(cred()));
        let baked = bake_png(&png(), &jwt()).unwrap();
        assert_eq!(extract_any(&baked).unwrap(), CredentialInput::Jwt(jwt()));
        assert!(err(&png()).contains("this PNG carries no Open Badges credential"));
        let baked = bake_png(&png(), "hello").unwrap();
        assert!(err(&baked).contains("the credential baked in this PNG is unreadable"));
        let mut corrupt = bake_png(&png(), &text).unwrap();
        let n = corrupt.len();
        corrupt[n - 20] ^= 0xff;
        assert!(err(&corrupt).contains("bad CRC"));
    }

    #[test]
    fn baked_svg() {
        let text = cred().to_string();
        let baked = bake_svg(SVG, &text).unwrap();
        assert_eq!(
            extract_any(baked.as_bytes()).unwrap(),
            CredentialInput::Json(cred())
        );
        let with_decl = format!(
            "<?xml version=\"1.0\"?>\n{}",
            bake_svg(SVG, &jwt()).unwrap()
        );
        assert_eq!(
            extract_any(with_decl.as_bytes()).unwrap(),
            CredentialInput::Jwt(jwt())
        );
        assert!(err(SVG.as_bytes()).contains("this SVG carries no Open Badges credential"));
        assert!(err(b"<html><body/></html>").contains("not an SVG image"));
    }

    #[test]
    fn other_inputs_are_named() {
        assert!(err(&[0xff, 0xd8, 0xff, 0xe0, 0, 0]).contains("JPEG"));
        assert!(err(b"GIF89a....").contains("GIF"));
        assert!(err(&[0x00, 0xc3, 0x28, 0xff]).contains("binary"));
        assert!(err(b"   ").contains("empty"));
        assert!(err(b"[1, 2]").contains("JSON array"));
        assert!(err(b"42").contains("neither a JSON credential nor a compact JWS"));
        assert!(err(b"\"just text\"").contains("not a credential"));
        assert!(err(b"a.b.c").contains("neither"));
        assert!(matches!(
            extract_any(b"{\"a\": ").unwrap_err(),
            Error::NotJson(_)
        ));
    }
}
