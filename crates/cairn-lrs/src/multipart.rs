//! `multipart/mixed` (RFC 2046 §5.1) as xAPI uses it for statements with attachments
//! (Communication 1.5.2): a strict parser for requests and a writer for responses.
//!
//! Strict means: lines end in CRLF, every part starts with a delimiter line, the body ends
//! with the close delimiter, header lines are `name: value` (folded lines allowed). Sizes
//! are bounded so a hostile body costs at most its own length. No input makes it panic.

use crate::XapiError;

/// Most parts one body may hold: a batch's statements and their attachments.
pub const MAX_PARTS: usize = 1024;
/// Most bytes of one part's header section.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Most header lines of one part.
pub const MAX_HEADERS: usize = 64;

const CRLF: &[u8] = b"\r\n";

/// One body part: its headers in order (names as sent) and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Part {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type of `Content-Type` without parameters, lower case.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(media_type_of)
    }
}

/// `type/subtype` of a Content-Type value, without parameters, lower case.
pub fn media_type_of(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn bad(requirement: &'static str, message: impl Into<String>) -> XapiError {
    XapiError::new(requirement, message)
}

/// RFC 2046 `bchars`: what a boundary may hold (1 to 70 of them, not ending in a space).
pub fn is_valid_boundary(b: &str) -> bool {
    let ok = |c: u8| c.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&c);
    (1..=70).contains(&b.len()) && b.bytes().all(ok) && !b.ends_with(' ')
}

/// The boundary of a `multipart/mixed` Content-Type header value.
pub fn boundary_of(content_type: &str) -> Result<String, XapiError> {
    let mut pieces = content_type.split(';');
    let media = pieces.next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("multipart/mixed") {
        return Err(bad(
            "XAPI-00127",
            format!(
                "statements with attachments are sent as multipart/mixed, not {media:?} (Communication 1.5.2)"
            ),
        ));
    }
    let mut boundary = None;
    for p in pieces {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        let Some((name, value)) = p.split_once('=') else {
            return Err(bad(
                "XAPI-00131",
                format!("the Content-Type parameter {p:?} is not name=value"),
            ));
        };
        if name.trim().eq_ignore_ascii_case("boundary") {
            let v = value.trim();
            let v = match v.strip_prefix('"') {
                Some(rest) => rest.strip_suffix('"').ok_or_else(|| {
                    bad("XAPI-00131", "the boundary parameter has an unclosed quote")
                })?,
                None => v,
            };
            boundary = Some(v.to_owned());
        }
    }
    let Some(b) = boundary else {
        return Err(bad(
            "XAPI-00131",
            "a multipart/mixed Content-Type needs a boundary parameter (RFC 2046)",
        ));
    };
    if !is_valid_boundary(&b) {
        return Err(bad(
            "XAPI-00131",
            "the boundary must be 1 to 70 letters, digits or '()+_,-./:=? and not end in a space (RFC 2046)",
        ));
    }
    Ok(b)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let rest = hay.get(from..)?;
    if needle.is_empty() || rest.len() < needle.len() {
        return None;
    }
    rest.windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

/// The header section of one part (without its final empty line).
fn parse_headers(raw: &[u8]) -> Result<Vec<(String, String)>, XapiError> {
    let text = std::str::from_utf8(raw)
        .map_err(|_| bad("XAPI-00130", "a part's headers are not UTF-8 text"))?;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in text.split("\r\n") {
        if line.contains(['\r', '\n']) {
            return Err(bad(
                "XAPI-00130",
                "a part's header lines must end in CRLF (a bare CR or LF was found)",
            ));
        }
        if line.starts_with([' ', '\t']) {
            // An obsolete folded line continues the header before it.
            let Some((_, value)) = headers.last_mut() else {
                return Err(bad(
                    "XAPI-00130",
                    "a part's headers start with a continuation line",
                ));
            };
            let more = line.trim();
            if !more.is_empty() {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(more);
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad(
                "XAPI-00130",
                format!("the part header line {line:?} is not name: value"),
            ));
        };
        if name.is_empty() || !name.bytes().all(is_token_char) {
            return Err(bad("XAPI-00130", format!("{name:?} is not a header name")));
        }
        if headers.len() == MAX_HEADERS {
            return Err(bad(
                "XAPI-00130",
                format!("a part has more than {MAX_HEADERS} headers"),
            ));
        }
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    Ok(headers)
}

/// The parts of a `multipart/mixed` body. The preamble before the first delimiter and the
/// epilogue after the close delimiter are ignored, as RFC 2046 asks.
pub fn parse(boundary: &str, body: &[u8]) -> Result<Vec<Part>, XapiError> {
    if !is_valid_boundary(boundary) {
        return Err(bad("XAPI-00131", "the multipart boundary is not valid"));
    }
    let mut delim = Vec::with_capacity(boundary.len() + 4);
    delim.extend_from_slice(CRLF);
    delim.extend_from_slice(b"--");
    delim.extend_from_slice(boundary.as_bytes());
    // The first delimiter may open the body without a CRLF before it.
    let mut pos = if body.starts_with(&delim[2..]) {
        delim.len() - 2
    } else {
        match find(body, &delim, 0) {
            Some(i) => i + delim.len(),
            None => {
                return Err(bad(
                    "XAPI-00130",
                    format!(
                        "the body has no line --{boundary}: every part starts with the boundary given in Content-Type"
                    ),
                ));
            }
        }
    };
    let mut parts = Vec::new();
    loop {
        let rest = body.get(pos..).unwrap_or_default();
        if rest.starts_with(b"--") {
            break;
        }
        let padding = rest
            .iter()
            .take_while(|c| **c == b' ' || **c == b'\t')
            .count();
        pos += padding;
        if !body.get(pos..).unwrap_or_default().starts_with(CRLF) {
            return Err(bad(
                "XAPI-00130",
                format!("the boundary line --{boundary} must end in CRLF, or in -- for the last"),
            ));
        }
        pos += 2;
        if parts.len() == MAX_PARTS {
            return Err(bad(
                "XAPI-00130",
                format!("a multipart body may hold at most {MAX_PARTS} parts"),
            ));
        }
        let rest = body.get(pos..).unwrap_or_default();
        let (headers, body_start) = if rest.starts_with(CRLF) {
            (Vec::new(), pos + 2)
        } else {
            let window = &rest[..rest.len().min(MAX_HEADER_BYTES + 4)];
            let Some(end) = find(window, b"\r\n\r\n", 0) else {
                return Err(bad(
                    "XAPI-00130",
                    format!(
                        "a part's headers must end with an empty line within {MAX_HEADER_BYTES} bytes; is the body cut short?"
                    ),
                ));
            };
            (parse_headers(&rest[..end])?, pos + end + 4)
        };
        let Some(end) = find(body, &delim, body_start) else {
            return Err(bad(
                "XAPI-00130",
                format!(
                    "the body ends inside a part: the close delimiter --{boundary}-- is missing (was the body cut short?)"
                ),
            ));
        };
        parts.push(Part {
            headers,
            body: body[body_start..end].to_vec(),
        });
        pos = end + delim.len();
    }
    if parts.is_empty() {
        return Err(bad("XAPI-00130", "the multipart body holds no part"));
    }
    Ok(parts)
}

/// A `multipart/mixed` body of `parts`, or an error when a part cannot be written with
/// this boundary (its content holds the delimiter, or a header is not a one-line
/// `name: value`).
pub fn write(boundary: &str, parts: &[Part]) -> Result<Vec<u8>, XapiError> {
    if !is_valid_boundary(boundary) {
        return Err(bad("RFC 2046", "the multipart boundary is not valid"));
    }
    let mut delim = Vec::with_capacity(boundary.len() + 4);
    delim.extend_from_slice(CRLF);
    delim.extend_from_slice(b"--");
    delim.extend_from_slice(boundary.as_bytes());
    let size: usize = parts.iter().map(|p| p.body.len() + delim.len() + 64).sum();
    let mut out = Vec::with_capacity(size + delim.len() + 4);
    for (i, p) in parts.iter().enumerate() {
        if find(&p.body, &delim, 0).is_some() {
            return Err(bad(
                "RFC 2046",
                format!("part {i} contains the boundary; choose another"),
            ));
        }
        out.extend_from_slice(if i == 0 { &delim[2..] } else { &delim });
        out.extend_from_slice(CRLF);
        for (name, value) in &p.headers {
            let name_ok = !name.is_empty() && name.bytes().all(is_token_char);
            let value_ok = !value.contains(['\r', '\n']) && value.trim() == value;
            if !name_ok || !value_ok {
                return Err(bad(
                    "RFC 2046",
                    format!("part {i} has a header that is not a one-line name: value"),
                ));
            }
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(CRLF);
        }
        out.extend_from_slice(CRLF);
        out.extend_from_slice(&p.body);
    }
    if parts.is_empty() {
        out.extend_from_slice(&delim[2..]);
    } else {
        out.extend_from_slice(&delim);
    }
    out.extend_from_slice(b"--");
    out.extend_from_slice(CRLF);
    Ok(out)
}
