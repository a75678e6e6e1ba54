//! RDF terms of the fast path, canonical N-Quads, and RDFC-1.0.
//!
//! RDFC-1.0 labels blank nodes by the hash of the statements around each one
//! ("first-degree hash"). When every blank node's hash is unique — the case for
//! credentials, whose anonymous nodes (criteria, alignments…) differ in content — the
//! labels follow from sorting those hashes, and that is all this module does itself.
//! Ties need the N-degree algorithm; those datasets go to oxrdf's implementation.

use super::{FastMap, Limits};
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

pub(crate) const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
pub(crate) const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub(crate) const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
pub(crate) const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
pub(crate) const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Term {
    Iri(Arc<str>),
    Blank(u32),
    Literal { value: String, datatype: Arc<str> },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Quad {
    pub s: Term,
    pub p: Arc<str>,
    pub o: Term,
    pub g: Option<Term>,
}

fn escape_literal(out: &mut String, s: &str) {
    // Runs of characters that need no escape are copied whole; every character that does
    // is ASCII, so cutting the string before and after one keeps UTF-8 boundaries.
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped = match b {
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0C => "\\f",
            b'\r' => "\\r",
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x00..=0x1F | 0x7F => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escaped.is_empty() {
            let _ = write!(out, "\\u{:04X}", u32::from(b));
        } else {
            out.push_str(escaped);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Decimal digits without the formatting machinery (labels are written once per blank
/// node per quad).
fn push_number(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// How blank nodes are written: by canonical label, or as `_:a`/`_:z` for hashing.
enum Labels<'a> {
    Canonical(&'a [u32]),
    FirstDegree(u32),
}

fn write_term(out: &mut String, t: &Term, labels: &Labels<'_>) {
    match t {
        Term::Iri(i) => {
            out.push('<');
            out.push_str(i);
            out.push('>');
        }
        Term::Blank(b) => match labels {
            Labels::Canonical(map) => {
                out.push_str("_:c14n");
                push_number(out, map[*b as usize]);
            }
            Labels::FirstDegree(reference) => {
                out.push_str(if b == reference { "_:a" } else { "_:z" });
            }
        },
        Term::Literal { value, datatype } => {
            out.push('"');
            escape_literal(out, value);
            out.push('"');
            if &**datatype != XSD_STRING {
                out.push_str("^^<");
                out.push_str(datatype);
                out.push('>');
            }
        }
    }
}

fn write_quad(out: &mut String, q: &Quad, labels: &Labels<'_>) {
    write_term(out, &q.s, labels);
    out.push_str(" <");
    out.push_str(&q.p);
    out.push_str("> ");
    write_term(out, &q.o, labels);
    if let Some(g) = &q.g {
        out.push(' ');
        write_term(out, g, labels);
    }
    out.push_str(" .\n");
}

fn blanks_of(q: &Quad) -> impl Iterator<Item = u32> + '_ {
    [Some(&q.s), Some(&q.o), q.g.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|t| match t {
            Term::Blank(b) => Some(*b),
            _ => None,
        })
}

/// Canonical N-Quads of `quads` (a set: duplicates are dropped).
pub(crate) fn canonicalize_quads(mut quads: Vec<Quad>, limits: &Limits) -> Result<String> {
    // Duplicate statements are not removed up front (sorting the quads cost more than
    // the rest of the labelling): a duplicate writes the same line twice, and lines are
    // de-duplicated both in each blank node's hash input and in the output.
    // Dense renumbering keeps the per-node tables small vectors.
    let mut dense: FastMap<u32, u32> = FastMap::default();
    for q in &mut quads {
        for t in [Some(&mut q.s), Some(&mut q.o), q.g.as_mut()]
            .into_iter()
            .flatten()
        {
            if let Term::Blank(b) = t {
                let next = dense.len() as u32;
                *b = *dense.entry(*b).or_insert(next);
            }
        }
    }
    let n = dense.len();
    if n > limits.max_blank_nodes {
        return Err(Error::TooManyBlankNodes {
            count: n,
            limit: limits.max_blank_nodes,
        });
    }
    let mut mentions: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, q) in quads.iter().enumerate() {
        for b in blanks_of(q) {
            let m = &mut mentions[b as usize];
            if m.last() != Some(&i) {
                m.push(i);
            }
        }
    }
    let mut hashes: Vec<([u8; 32], u32)> = Vec::with_capacity(n);
    let mut lines: Vec<String> = Vec::new();
    for (b, m) in mentions.iter().enumerate() {
        lines.clear();
        for &i in m {
            let mut line = String::with_capacity(128);
            write_quad(&mut line, &quads[i], &Labels::FirstDegree(b as u32));
            lines.push(line);
        }
        lines.sort_unstable();
        lines.dedup();
        let mut h = Sha256::new();
        for l in &lines {
            h.update(l.as_bytes());
        }
        hashes.push((h.finalize().into(), b as u32));
    }
    hashes.sort_unstable();
    // Blank nodes sharing a first-degree hash need N-degree hashing, whose cost grows with
    // the factorial of a group's size, not with how many small groups there are: a
    // transcript embedding many credentials of one shape has many pairs, a poisoned
    // dataset one large group. So the largest group is bounded, and the whole loosely.
    let (mut ambiguous, mut largest, mut run) = (0usize, 0usize, 1usize);
    for i in 1..=hashes.len() {
        if i < hashes.len() && hashes[i].0 == hashes[i - 1].0 {
            run += 1;
            continue;
        }
        if run > 1 {
            ambiguous += run;
            largest = largest.max(run);
        }
        run = 1;
    }
    if ambiguous > 0 {
        if largest > limits.max_ambiguous_blank_nodes {
            return Err(ambiguous_error(largest, limits));
        }
        if ambiguous
            > limits
                .max_ambiguous_blank_nodes
                .saturating_mul(AMBIGUOUS_GROUPS_MAX)
        {
            return Err(Error::TooManyBlankNodes {
                count: ambiguous,
                limit: limits
                    .max_ambiguous_blank_nodes
                    .saturating_mul(AMBIGUOUS_GROUPS_MAX),
            });
        }
        return Ok(canonicalize_with_oxrdf(&quads));
    }
    let mut label = vec![0u32; n];
    for (i, (_, b)) in hashes.iter().enumerate() {
        label[*b as usize] = i as u32;
    }
    let mut out_lines: Vec<String> = quads
        .iter()
        .map(|q| {
            let mut line = String::with_capacity(128);
            write_quad(&mut line, q, &Labels::Canonical(&label));
            line
        })
        .collect();
    out_lines.sort_unstable();
    out_lines.dedup();
    Ok(out_lines.concat())
}

/// How many groups' worth of blank nodes needing N-degree hashing one document may hold.
const AMBIGUOUS_GROUPS_MAX: usize = 16;

fn ambiguous_error(count: usize, limits: &Limits) -> Error {
    Error::TooManyBlankNodes {
        count,
        limit: limits.max_ambiguous_blank_nodes,
    }
}

pub(crate) fn to_oxrdf(q: &Quad) -> oxrdf::Quad {
    fn node(t: &Term) -> oxrdf::NamedOrBlankNode {
        match t {
            Term::Iri(i) => oxrdf::NamedNode::new_unchecked(i.to_string()).into(),
            Term::Blank(b) => oxrdf::BlankNode::new_unchecked(format!("b{b}")).into(),
            Term::Literal { .. } => oxrdf::BlankNode::new_unchecked("invalid").into(),
        }
    }
    let object: oxrdf::Term = match &q.o {
        Term::Literal { value, datatype } => oxrdf::Literal::new_typed_literal(
            value.clone(),
            oxrdf::NamedNode::new_unchecked(datatype.to_string()),
        )
        .into(),
        other => node(other).into(),
    };
    let graph = match &q.g {
        None => oxrdf::GraphName::DefaultGraph,
        Some(g) => match node(g) {
            oxrdf::NamedOrBlankNode::NamedNode(n) => n.into(),
            oxrdf::NamedOrBlankNode::BlankNode(b) => b.into(),
        },
    };
    oxrdf::Quad::new(
        node(&q.s),
        oxrdf::NamedNode::new_unchecked(q.p.to_string()),
        object,
        graph,
    )
}

fn canonicalize_with_oxrdf(quads: &[Quad]) -> String {
    let mut dataset: oxrdf::Dataset = quads.iter().map(to_oxrdf).collect();
    dataset.canonicalize(oxrdf::dataset::CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: oxrdf::dataset::CanonicalizationHashAlgorithm::Sha256,
    });
    let mut lines: Vec<String> = dataset.iter().map(|q| format!("{q} .\n")).collect();
    lines.sort_unstable();
    lines.dedup();
    lines.concat()
}

/// Applies the blank-node limits to a dataset built by the reference path, before
/// oxrdf's canonicalization (whose running time they bound).
pub(crate) fn check_blank_node_limits_oxrdf(
    dataset: &oxrdf::Dataset,
    limits: &Limits,
) -> Result<()> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut id = |b: &str| -> u32 {
        let next = ids.len() as u32;
        *ids.entry(b.to_string()).or_insert(next)
    };
    let mut conv = |t: oxrdf::TermRef<'_>| -> Term {
        match t {
            oxrdf::TermRef::NamedNode(n) => Term::Iri(Arc::from(n.as_str())),
            oxrdf::TermRef::BlankNode(b) => Term::Blank(id(b.as_str())),
            oxrdf::TermRef::Literal(l) => Term::Literal {
                value: format!("{}|{:?}", l.value(), l.language()),
                datatype: Arc::from(l.datatype().as_str()),
            },
        }
    };
    let quads: Vec<Quad> = dataset
        .iter()
        .map(|q| Quad {
            s: conv(q.subject.into()),
            p: Arc::from(q.predicate.as_str()),
            o: conv(q.object),
            g: match q.graph_name {
                oxrdf::GraphNameRef::DefaultGraph => None,
                oxrdf::GraphNameRef::NamedNode(n) => Some(Term::Iri(Arc::from(n.as_str()))),
                oxrdf::GraphNameRef::BlankNode(b) => Some(conv(b.into())),
            },
        })
        .collect();
    // Running the fast canonicalizer is the cheapest way to count ties; its output
    // is discarded here.
    canonicalize_quads(quads, limits).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// N-Quads escaping, character by character, as RDF 1.1 N-Quads and RDFC-1.0 say.
    fn escaped_slowly(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '\u{8}' => out.push_str("\\b"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\u{C}' => out.push_str("\\f"),
                '\r' => out.push_str("\\r"),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\0'..='\u{1F}' | '\u{7F}' => {
                    let _ = write!(out, "\\u{:04X}", u32::from(c));
                }
                _ => out.push(c),
            }
        }
        out
    }

    #[test]
    fn literals_escape_as_character_by_character_escaping_does() {
        let samples = [
            "",
            "plain",
            "Dosis: 5 mg \"zweimal\" täglich\n\tund \\ nachts",
            "\u{0}\u{1}\u{8}\u{b}\u{c}\r\u{1f}\u{7f}é漢字🙂",
            "\"",
            "ends with a backslash\\",
        ];
        for s in samples {
            let mut fast = String::new();
            escape_literal(&mut fast, s);
            assert_eq!(fast, escaped_slowly(s), "{s:?}");
        }
    }

    fn doc(names: &[&str]) -> serde_json::Value {
        let nodes: Vec<serde_json::Value> = names
            .iter()
            .map(|n| serde_json::json!({"n": n, "p": {"q": n}}))
            .collect();
        serde_json::json!({"@context": {"@vocab": "https://example.org/"}, "@graph": nodes})
    }

    #[test]
    fn many_small_groups_of_look_alike_blank_nodes_canonicalize_one_large_group_does_not() {
        let limits = crate::jsonld::Limits::default();
        // Ten pairs (each shape twice): 40 blank nodes needing N-degree hashing, in pairs.
        let pairs: Vec<String> = (0..10)
            .flat_map(|i| [format!("v{i}"), format!("v{i}")])
            .collect();
        let pairs: Vec<&str> = pairs.iter().map(String::as_str).collect();
        let out = crate::jsonld::canonicalize_with(&doc(&pairs), &limits).unwrap();
        assert_eq!(out.lines().count(), 60, "{out}");
        // Nine of one shape: a group of nine is refused before any N-degree hashing.
        let nine = ["same"; 9];
        let err = crate::jsonld::canonicalize_with(&doc(&nine), &limits).unwrap_err();
        assert!(err.to_string().contains("blank nodes: 9"), "{err}");
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 99, 100, 4_294_967_295] {
            let mut out = String::new();
            push_number(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }
}
