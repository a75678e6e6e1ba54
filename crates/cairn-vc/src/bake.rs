//! Baking: a credential carried inside a badge image (Open Badges 3.0 §5.3) — a PNG
//! `iTXt` chunk with keyword `openbadgecredential`, or an SVG `<openbadges:credential>`
//! element. The text is the credential JSON, or a compact JWS.

use crate::error::{Error, Result};
use flate2::read::ZlibDecoder;
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
