//! One error type for the whole crate; every message says what to fix.

/// Errors raised while processing, signing or verifying credentials.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("input is not valid JSON: {0}")]
    NotJson(String),
    #[error("input is too large: {size} bytes, the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("input is nested too deeply: more than {limit} levels of arrays and objects")]
    TooDeep { limit: usize },
    #[error(
        "document has too many blank nodes: {count}, the limit is {limit}; give nodes an `id` or split the document"
    )]
    TooManyBlankNodes { count: usize, limit: usize },
    #[error("document has too many RDF statements: more than {limit}")]
    TooManyQuads { limit: usize },
    #[error(
        "context {0} is not bundled with Cairn and remote contexts are never fetched; use one of the bundled contexts (VC v2, OB 3.0.x, Data Integrity v2, Multikey v1, DID v1, Bitstring Status List v1, W3C examples v2, CLR 2.0.1)"
    )]
    UnknownContext(String),
    #[error(
        "undefined term `{0}`: it is not defined by any @context of the document (the VC v2 context has no @vocab); define it in a context or remove it"
    )]
    UndefinedTerm(String),
    #[error(
        "`{0}` is not an absolute IRI; identifiers and types must be absolute IRIs (e.g. `urn:uuid:…`, `https://…`, `did:…`) or defined terms"
    )]
    RelativeIri(String),
    #[error("JSON-LD error: {0}")]
    JsonLd(String),
    #[error("invalid document: {0}")]
    InvalidDocument(String),
    #[error("invalid key: {0}")]
    InvalidKey(String),
    #[error("invalid multibase value: {0}")]
    Multibase(String),
    #[error("invalid DID: {0}")]
    InvalidDid(String),
    #[error("could not resolve {0}")]
    Resolution(String),
    #[error("invalid proof: {0}")]
    InvalidProof(String),
    #[error("invalid JWT: {0}")]
    Jwt(String),
    #[error("invalid status list: {0}")]
    StatusList(String),
    #[error("image baking: {0}")]
    Bake(String),
    #[error("{0}")]
    UnrecognizedInput(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
