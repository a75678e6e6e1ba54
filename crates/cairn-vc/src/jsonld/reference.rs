//! The reference path: oxjsonld expands, oxrdf canonicalizes, nothing cached.

use super::{Limits, check_value};
use crate::contexts::bundled_context;
use crate::error::{Error, Result};
use oxjsonld::{JsonLdParser, JsonLdRemoteDocument};
use oxrdf::{Dataset, GraphName, NamedOrBlankNode, Quad, Term};
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// Put in front of the document's contexts so that a term no context defines expands
/// to an IRI we can spot instead of being dropped silently: this is how safe mode is
/// obtained from a processor that has none. It defines no term, and any later context
/// that sets its own `@vocab` replaces it, so the meaning of the document is unchanged.
const UNDEFINED_VOCAB: &str = "urn:cairn:undefined-term:";

/// Expands `doc` to RDF quads with oxjsonld, in safe mode.
pub fn to_quads_reference(doc: &Value) -> Result<Vec<Quad>> {
    to_quads_with(doc, &Limits::default())
}

fn to_quads_with(doc: &Value, limits: &Limits) -> Result<Vec<Quad>> {
    check_value(doc, limits)?;
    let Value::Object(map) = doc else {
        return Err(Error::InvalidDocument(
            "a credential must be a JSON object".into(),
        ));
    };
    let mut probe = map.clone();
    let contexts = match probe.remove("@context") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(other) => vec![other],
    };
    let mut contexts = contexts;
    contexts.insert(0, serde_json::json!({ "@vocab": UNDEFINED_VOCAB }));
    probe.insert("@context".into(), Value::Array(contexts));
    let bytes = serde_json::to_vec(&Value::Object(probe))
        .map_err(|e| Error::InvalidDocument(e.to_string()))?;

    let refused: Arc<Mutex<Option<String>>> = Arc::default();
    let refused_in_loader = Arc::clone(&refused);
    let parser = JsonLdParser::new()
        .for_slice(&bytes)
        .with_load_document_callback(move |url, _| match bundled_context(url) {
            Some(body) => Ok(JsonLdRemoteDocument {
                document: body.as_bytes().to_vec(),
                document_url: url.to_string(),
            }),
            None => {
                if let Ok(mut r) = refused_in_loader.lock() {
                    r.get_or_insert_with(|| url.to_string());
                }
                Err(Box::new(Error::UnknownContext(url.to_string())))
            }
        });
    let mut quads = Vec::new();
    for q in parser {
        match q {
            Ok(q) => {
                if quads.len() >= limits.max_quads {
                    return Err(Error::TooManyQuads {
                        limit: limits.max_quads,
                    });
                }
                quads.push(q);
            }
            Err(e) => {
                if let Some(url) = refused.lock().ok().and_then(|r| r.clone()) {
                    return Err(Error::UnknownContext(url));
                }
                return Err(Error::JsonLd(e.to_string()));
            }
        }
    }
    if let Some(url) = refused.lock().ok().and_then(|r| r.clone()) {
        return Err(Error::UnknownContext(url));
    }
    check_safe(&quads)?;
    if quads.is_empty() {
        return Err(Error::InvalidDocument(
            "the document expands to no RDF statement at all; check its @context".into(),
        ));
    }
    Ok(quads)
}

fn check_safe(quads: &[Quad]) -> Result<()> {
    let undefined = |iri: &str| -> Result<()> {
        if let Some(term) = iri.strip_prefix(UNDEFINED_VOCAB) {
            return Err(Error::UndefinedTerm(term.to_string()));
        }
        Ok(())
    };
    for q in quads {
        if let NamedOrBlankNode::NamedNode(n) = &q.subject {
            undefined(n.as_str())?;
        }
        undefined(q.predicate.as_str())?;
        if let Term::NamedNode(n) = &q.object {
            undefined(n.as_str())?;
        }
        if let Term::Literal(l) = &q.object {
            undefined(l.datatype().as_str())?;
        }
        if let GraphName::NamedNode(n) = &q.graph_name {
            undefined(n.as_str())?;
        }
    }
    Ok(())
}

/// RDFC-1.0 canonical N-Quads via oxjsonld + oxrdf.
pub fn canonicalize_reference(doc: &Value) -> Result<String> {
    canonicalize_reference_with(doc, &Limits::default())
}

pub(crate) fn canonicalize_reference_with(doc: &Value, limits: &Limits) -> Result<String> {
    let quads = to_quads_with(doc, limits)?;
    let mut dataset: Dataset = quads.into_iter().collect();
    super::canon::check_blank_node_limits_oxrdf(&dataset, limits)?;
    dataset.canonicalize(oxrdf::dataset::CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: oxrdf::dataset::CanonicalizationHashAlgorithm::Sha256,
    });
    let mut lines: Vec<String> = dataset.iter().map(|q| format!("{q} .\n")).collect();
    lines.sort_unstable();
    lines.dedup();
    Ok(lines.concat())
}
