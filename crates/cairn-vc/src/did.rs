//! did:key and did:web: resolving verification methods, and DID documents for issuers.
//!
//! Nothing here touches the network: documents that live elsewhere (did:web DID
//! documents, status list credentials, https controller documents) are asked of a
//! [`DocumentFetcher`] that the caller implements — from its database, from disk, or
//! over HTTP with its own timeouts and allow-list.

use crate::contexts::{DID_V1, MULTIKEY_V1};
use crate::error::{Error, Result};
use crate::keys::PublicKey;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Supplies JSON documents by URL (`https://…`, `http://…`).
pub trait DocumentFetcher {
    fn fetch(&self, url: &str) -> Result<Value>;
}

/// A fetcher that knows nothing: only did:key issuers and bundled contexts work.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoFetcher;

impl DocumentFetcher for NoFetcher {
    fn fetch(&self, url: &str) -> Result<Value> {
        Err(Error::Resolution(format!(
            "{url}: no document source was given to the verifier, so nothing outside the credential can be loaded"
        )))
    }
}

/// Documents held in memory, keyed by URL (tests, `--docs DIR`, caches).
#[derive(Clone, Debug, Default)]
pub struct MapFetcher {
    pub documents: HashMap<String, Value>,
}

impl MapFetcher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, url: impl Into<String>, doc: Value) -> &mut Self {
        self.documents.insert(url.into(), doc);
        self
    }

    /// Adds a document under its own `id`.
    pub fn insert_by_id(&mut self, doc: Value) -> Result<&mut Self> {
        let id = doc
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::InvalidDocument("the document has no `id` string".into()))?
            .to_string();
        Ok(self.insert(id, doc))
    }
}

impl DocumentFetcher for MapFetcher {
    fn fetch(&self, url: &str) -> Result<Value> {
        self.documents
            .get(url)
            .cloned()
            .ok_or_else(|| Error::Resolution(format!("{url}: not among the supplied documents")))
    }
}

impl<T: DocumentFetcher + ?Sized> DocumentFetcher for &T {
    fn fetch(&self, url: &str) -> Result<Value> {
        (**self).fetch(url)
    }
}

/// A verification method after resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedMethod {
    pub id: String,
    pub controller: String,
    pub public_key: PublicKey,
}

/// The DID document of a did:key (Ed25519), as resolvers publish it with Multikey.
pub fn did_key_document(did: &str) -> Result<Value> {
    let mb = did
        .strip_prefix("did:key:")
        .ok_or_else(|| Error::InvalidDid(format!("`{did}` is not a did:key")))?;
    PublicKey::from_multibase(mb)?;
    let vm = format!("{did}#{mb}");
    Ok(json!({
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [{
            "id": vm, "type": "Multikey", "controller": did, "publicKeyMultibase": mb
        }],
        "authentication": [vm], "assertionMethod": [vm],
        "capabilityDelegation": [vm], "capabilityInvocation": [vm]
    }))
}

/// `did:web:example.com:orgs:acme` → `https://example.com/orgs/acme/did.json`;
/// hosts on the loopback interface map to plain http (for local servers and tests).
pub fn did_web_to_url(did: &str) -> Result<String> {
    let did = did.split('#').next().unwrap_or(did);
    let rest = did
        .strip_prefix("did:web:")
        .ok_or_else(|| Error::InvalidDid(format!("`{did}` is not a did:web")))?;
    let mut parts = rest.split(':');
    let host_enc = parts.next().unwrap_or("");
    let host = host_enc.replace("%3A", ":").replace("%3a", ":");
    if host.is_empty()
        || host
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')))
    {
        return Err(Error::InvalidDid(format!(
            "`{did}`: the host part must be a domain name, optionally with %3A and a port"
        )));
    }
    let path: Vec<String> = parts.map(percent_decode).collect::<Result<_>>()?;
    if path
        .iter()
        .any(|p| p.is_empty() || p == "." || p == ".." || p.contains('/'))
    {
        return Err(Error::InvalidDid(format!("`{did}`: invalid path segment")));
    }
    let hostname = host.rsplit_once(':').map_or(host.as_str(), |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(':') {
            h
        } else {
            host.as_str()
        }
    });
    let scheme = if matches!(hostname, "127.0.0.1" | "localhost" | "[::1]") {
        "http"
    } else {
        "https"
    };
    Ok(if path.is_empty() {
        format!("{scheme}://{host}/.well-known/did.json")
    } else {
        format!("{scheme}://{host}/{}/did.json", path.join("/"))
    })
}

fn percent_decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| Error::InvalidDid(format!("bad percent-encoding in `{s}`")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Error::InvalidDid(format!("`{s}` is not UTF-8")))
}

/// Builds the did:web identifier for a host (with optional port) and path segments,
/// e.g. (`127.0.0.1:8080`, [`orgs`, `acme`]) → `did:web:127.0.0.1%3A8080:orgs:acme`.
pub fn did_web_from_parts(host: &str, path: &[&str]) -> String {
    let mut did = format!("did:web:{}", host.replace(':', "%3A"));
    for p in path {
        did.push(':');
        for b in p.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                did.push(b as char);
            } else {
                did.push_str(&format!("%{b:02X}"));
            }
        }
    }
    did
}

/// The did:web identifier for a URL such as `https://cairn.example/orgs/acme`.
pub fn did_web_from_url(url: &str) -> Result<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| Error::InvalidDid(format!("`{url}` is not an http(s) URL")))?;
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix("/did.json").unwrap_or(rest);
    let mut parts = rest.split('/');
    let host = parts.next().unwrap_or("");
    let path: Vec<&str> = parts.filter(|p| !p.is_empty()).collect();
    if host.is_empty() {
        return Err(Error::InvalidDid(format!("`{url}` has no host")));
    }
    Ok(did_web_from_parts(host, &path))
}

/// A DID document for a did:web issuer. `keys[0]` is the current key; older (rotated)
/// keys stay listed so credentials they signed keep verifying. Fragments are the keys'
/// multibase values, as did:key does.
pub fn did_web_document(did: &str, keys: &[PublicKey]) -> Value {
    let methods: Vec<Value> = keys
        .iter()
        .map(|k| {
            let mb = k.to_multibase();
            json!({
                "id": format!("{did}#{mb}"), "type": "Multikey",
                "controller": did, "publicKeyMultibase": mb
            })
        })
        .collect();
    let ids: Vec<Value> = methods.iter().map(|m| m["id"].clone()).collect();
    json!({
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "authentication": ids.clone(),
        "assertionMethod": ids,
    })
}

/// Decoding a did:key (base58, then Edwards point decompression) costs about as much as
/// a quarter of a signature check; issuers sign many credentials with one key.
fn did_key_public_key(mb: &str) -> Result<PublicKey> {
    use std::sync::{LazyLock, RwLock};
    static CACHE: LazyLock<RwLock<HashMap<String, PublicKey>>> = LazyLock::new(Default::default);
    if let Some(k) = CACHE.read().ok().and_then(|c| c.get(mb).copied()) {
        return Ok(k);
    }
    let key = PublicKey::from_multibase(mb)?;
    if let Ok(mut c) = CACHE.write()
        && c.len() < 4096
    {
        c.insert(mb.to_string(), key);
    }
    Ok(key)
}

/// Resolves a verification method and checks that its controller lists it under
/// `assertionMethod` (the proof purpose of credentials).
pub fn resolve_verification_method(
    vm: &str,
    fetcher: &dyn DocumentFetcher,
) -> Result<ResolvedMethod> {
    let (base, fragment) = match vm.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (vm, None),
    };
    if let Some(mb) = base.strip_prefix("did:key:") {
        let fragment = fragment.ok_or_else(|| {
            Error::Resolution(format!(
                "`{vm}`: a did:key verification method is `did:key:z6Mk…#z6Mk…`, with the key again as fragment"
            ))
        })?;
        if fragment != mb {
            return Err(Error::Resolution(format!(
                "`{vm}`: the fragment must repeat the did:key's key"
            )));
        }
        return Ok(ResolvedMethod {
            id: vm.to_string(),
            controller: base.to_string(),
            public_key: did_key_public_key(mb)?,
        });
    }
    let doc_url = if base.starts_with("did:web:") {
        did_web_to_url(base)?
    } else if base.starts_with("https://") || base.starts_with("http://") {
        base.to_string()
    } else if base.starts_with("did:") {
        return Err(Error::Resolution(format!(
            "`{vm}`: only did:key and did:web are supported"
        )));
    } else {
        return Err(Error::Resolution(format!(
            "`{vm}` is not a did:key, did:web or https URL"
        )));
    };
    let doc = fetcher.fetch(&doc_url)?;
    let (method, controller_doc) = if doc.get("verificationMethod").is_some() {
        let m = find_method(&doc, vm, fragment)
            .ok_or_else(|| Error::Resolution(format!("`{vm}` is not listed in {doc_url}")))?;
        (m.clone(), Some(doc))
    } else if doc.get("id").and_then(Value::as_str) == Some(vm) {
        (doc, None)
    } else {
        return Err(Error::Resolution(format!(
            "{doc_url} is neither a controller document nor the verification method `{vm}`"
        )));
    };
    let controller = method
        .get("controller")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Resolution(format!("`{vm}` has no controller")))?
        .to_string();
    let key = method
        .get("publicKeyMultibase")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Error::Resolution(format!(
                "`{vm}` has no publicKeyMultibase (Multikey expected)"
            ))
        })?;
    let public_key = PublicKey::from_multibase(key)?;
    let controller_doc = match controller_doc {
        Some(d) if d.get("id").and_then(Value::as_str) == Some(controller.as_str()) => d,
        _ => {
            let url = if controller.starts_with("did:web:") {
                did_web_to_url(&controller)?
            } else {
                controller.clone()
            };
            fetcher.fetch(&url)?
        }
    };
    if controller_doc.get("id").and_then(Value::as_str) != Some(controller.as_str()) {
        return Err(Error::Resolution(format!(
            "the controller document of `{vm}` has id {} instead of `{controller}`",
            controller_doc.get("id").unwrap_or(&Value::Null)
        )));
    }
    let listed = controller_doc
        .get("assertionMethod")
        .map(|a| match a {
            Value::Array(items) => items.iter().any(|i| refers_to(i, vm, &controller)),
            single => refers_to(single, vm, &controller),
        })
        .unwrap_or(false);
    if !listed {
        return Err(Error::Resolution(format!(
            "`{vm}` is not an assertionMethod of its controller `{controller}`, so it may not sign credentials"
        )));
    }
    Ok(ResolvedMethod {
        id: vm.to_string(),
        controller,
        public_key,
    })
}

fn method_id_matches(id: &str, vm: &str, did: &str) -> bool {
    id == vm || (id.starts_with('#') && format!("{did}{id}") == vm)
}

fn find_method<'a>(doc: &'a Value, vm: &str, _fragment: Option<&str>) -> Option<&'a Value> {
    let did = doc.get("id").and_then(Value::as_str).unwrap_or("");
    doc.get("verificationMethod")?.as_array()?.iter().find(|m| {
        m.get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| method_id_matches(id, vm, did))
    })
}

fn refers_to(item: &Value, vm: &str, did: &str) -> bool {
    match item {
        Value::String(s) => method_id_matches(s, vm, did),
        Value::Object(_) => item
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|s| method_id_matches(s, vm, did)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_mapping() {
        assert_eq!(
            did_web_to_url("did:web:127.0.0.1%3A8080:orgs:acme").unwrap(),
            "http://127.0.0.1:8080/orgs/acme/did.json"
        );
        assert_eq!(
            did_web_to_url("did:web:example.com").unwrap(),
            "https://example.com/.well-known/did.json"
        );
        assert_eq!(
            did_web_from_url("http://127.0.0.1:8080/orgs/acme").unwrap(),
            "did:web:127.0.0.1%3A8080:orgs:acme"
        );
        assert!(did_web_to_url("did:web:evil.com/x").is_err());
    }
}
