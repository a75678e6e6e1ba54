//! JSON-LD to RDF and RDFC-1.0 canonical N-Quads, with only bundled contexts.
//!
//! Two paths produce the same canonical N-Quads:
//! - [`canonicalize_reference`]: oxjsonld + oxrdf as they come. Slow (it parses every
//!   context on every call) but written by others, so it is the yardstick.
//! - the fast path (module `fast`): bundled contexts are processed once and the
//!   document is expanded straight to quads; it declines anything outside the common
//!   case and [`canonicalize`] then falls back to the reference path.
//!
//! Both run in "safe mode" like jsonld.js in the Digital Bazaar stack: a term that no
//! context defines, a relative IRI, or an empty top-level object is an error instead of
//! being silently dropped, because a dropped term is a claim the signature does not cover.

pub(crate) mod canon;
pub(crate) mod fast;
mod reference;

use crate::error::{Error, Result};
use serde_json::Value;

pub use reference::{canonicalize_reference, to_quads_reference};

/// Bounds applied to untrusted documents before any JSON-LD or RDFC work.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest accepted serialized document, in bytes.
    pub max_bytes: usize,
    /// Deepest accepted nesting of JSON arrays and objects.
    pub max_depth: usize,
    /// Most blank nodes in the RDF of the document.
    pub max_blank_nodes: usize,
    /// Most blank nodes in one group sharing a first-degree hash (and sixteen times this
    /// in all groups). These need RDFC's N-degree hashing, which is exponential in a
    /// group's size in the worst case (dataset poisoning).
    pub max_ambiguous_blank_nodes: usize,
    /// Most RDF statements.
    pub max_quads: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 1 << 20,
            max_depth: 64,
            max_blank_nodes: 4096,
            max_ambiguous_blank_nodes: 8,
            max_quads: 100_000,
        }
    }
}

/// Parses untrusted JSON text within the limits.
pub fn parse_json(text: &str, limits: &Limits) -> Result<Value> {
    if text.len() > limits.max_bytes {
        return Err(Error::TooLarge {
            size: text.len(),
            limit: limits.max_bytes,
        });
    }
    // Checked on the raw text first: serde_json recurses while parsing.
    check_text_depth(text.as_bytes(), limits.max_depth)?;
    serde_json::from_str(text).map_err(|e| Error::NotJson(e.to_string()))
}

fn check_text_depth(bytes: &[u8], limit: usize) -> Result<()> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Err(Error::TooDeep { limit });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Checks nesting depth of an already parsed value (iteratively: no stack risk).
pub fn check_depth(value: &Value, limit: usize) -> Result<()> {
    let mut stack = vec![(value, 1usize)];
    while let Some((v, d)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(a) => Box::new(a.iter()),
            Value::Object(o) => Box::new(o.values()),
            _ => continue,
        };
        if d > limit {
            return Err(Error::TooDeep { limit });
        }
        for c in children {
            if matches!(c, Value::Array(_) | Value::Object(_)) {
                stack.push((c, d + 1));
            }
        }
    }
    Ok(())
}

/// Rough size of a parsed value, to apply `max_bytes` to documents given as values.
pub(crate) fn approx_size(value: &Value, limit: usize) -> usize {
    let mut total = 0usize;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        total += match v {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(_) => 8,
            Value::String(s) => s.len() + 2,
            Value::Array(a) => {
                stack.extend(a.iter());
                2 + a.len()
            }
            Value::Object(o) => {
                for (k, v) in o {
                    total += k.len() + 4;
                    stack.push(v);
                }
                2
            }
        };
        if total > limit {
            break;
        }
    }
    total
}

/// A multiply-rotate hasher for maps whose keys the document cannot choose (terms of the
/// bundled contexts, cache keys, dense internal ids): much cheaper than SipHash on short
/// keys. Maps that a document fills with keys of its own keep SipHash against collisions.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl FastHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FastMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

pub(crate) fn check_value(value: &Value, limits: &Limits) -> Result<()> {
    let size = approx_size(value, limits.max_bytes);
    if size > limits.max_bytes {
        return Err(Error::TooLarge {
            size,
            limit: limits.max_bytes,
        });
    }
    check_depth(value, limits.max_depth)
}

/// RDFC-1.0 canonical N-Quads of a JSON-LD document: the fast path when it applies,
/// the reference path otherwise (and for every error, so errors read the same).
pub fn canonicalize(doc: &Value) -> Result<String> {
    canonicalize_with(doc, &Limits::default())
}

pub fn canonicalize_with(doc: &Value, limits: &Limits) -> Result<String> {
    check_value(doc, limits)?;
    match fast::canonicalize(doc, limits, None) {
        Some(out) => Ok(out),
        None => reference::canonicalize_reference_with(doc, limits),
    }
}

/// Canonical N-Quads of `doc` without its top-level entry `key` (e.g. `proof`), without
/// copying the document when the fast path applies.
pub fn canonicalize_without(doc: &Value, key: &str, limits: &Limits) -> Result<String> {
    check_value(doc, limits)?;
    canonicalize_without_prechecked(doc, key, limits)
}

/// As [`canonicalize_without`], for a document whose size and depth the caller has just
/// checked against the same limits (verification checks the whole credential first).
pub(crate) fn canonicalize_without_prechecked(
    doc: &Value,
    key: &str,
    limits: &Limits,
) -> Result<String> {
    if let Some(out) = fast::canonicalize(doc, limits, Some(key)) {
        return Ok(out);
    }
    let mut copy = doc.clone();
    if let Value::Object(m) = &mut copy {
        m.remove(key);
    }
    reference::canonicalize_reference_with(&copy, limits)
}

/// The fast path alone: `None` when it declines the document (differential tests).
pub fn canonicalize_fast_only(doc: &Value) -> Option<String> {
    let limits = Limits::default();
    check_value(doc, &limits).ok()?;
    fast::canonicalize(doc, &limits, None)
}

/// Is `s` an absolute IRI (or blank node label) as jsonld.js decides it: a scheme
/// (or `_`), a colon, and no whitespace.
pub(crate) fn is_absolute_iri(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(colon) = b.iter().position(|&c| c == b':') else {
        return false;
    };
    let scheme = &b[..colon];
    let scheme_ok = scheme == b"_"
        || (scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')));
    scheme_ok
        && if s.is_ascii() {
            !b.iter().any(u8::is_ascii_whitespace)
        } else {
            !s.chars().any(char::is_whitespace)
        }
}
