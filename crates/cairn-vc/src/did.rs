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

impl<T: DocumentFetcher + ?Sized> DocumentFetcher for Box<T> {
    fn fetch(&self, url: &str) -> Result<Value> {
        (**self).fetch(url)
    }
}

/// Documents read once from a folder of JSON files, each served under its own `id` —
/// like the reference verifier's `--docs DIR`. A did:web DID document is also served
/// under the URL its DID resolves to, so issuers on did:web work offline.
///
/// Every `*.json` file directly in the folder is read; a file that is not JSON, too
/// large, or claims an `id` another file already claims is an error (naming the file),
/// while JSON without an `id` string is skipped and listed in [`DirFetcher::skipped`].
#[derive(Clone, Debug, Default)]
pub struct DirFetcher {
    documents: MapFetcher,
    skipped: Vec<std::path::PathBuf>,
}

impl DirFetcher {
    pub fn load(dir: impl AsRef<std::path::Path>) -> Result<Self> {
        let dir = dir.as_ref();
        let limits = crate::jsonld::Limits::default();
        let entries = std::fs::read_dir(dir).map_err(|e| {
            Error::Resolution(format!(
                "cannot read the documents folder {}: {e}",
                dir.display()
            ))
        })?;
        let mut files: Vec<std::path::PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let mut out = Self::default();
        let mut origin: HashMap<String, std::path::PathBuf> = HashMap::new();
        for path in files {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::Resolution(format!("cannot read {}: {e}", path.display())))?;
            let doc = crate::jsonld::parse_json(&text, &limits)
                .map_err(|e| Error::InvalidDocument(format!("{}: {e}", path.display())))?;
            let Some(id) = doc.get("id").and_then(Value::as_str).map(str::to_string) else {
                out.skipped.push(path);
                continue;
            };
            let mut keys = vec![id.clone()];
            if id.starts_with("did:web:")
                && let Ok(url) = did_web_to_url(&id)
            {
                keys.push(url);
            }
            for key in keys {
                if let Some(first) = origin.get(&key) {
                    return Err(Error::InvalidDocument(format!(
                        "{} and {} are both documents for {key}; keep one",
                        first.display(),
                        path.display()
                    )));
                }
                origin.insert(key.clone(), path.clone());
                out.documents.insert(key, doc.clone());
            }
        }
        Ok(out)
    }

    /// The URLs (and ids) served.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.documents.documents.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.documents.documents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.documents.documents.is_empty()
    }

    /// JSON files left out because they have no `id` string.
    pub fn skipped(&self) -> &[std::path::PathBuf] {
        &self.skipped
    }
}

impl DocumentFetcher for DirFetcher {
    fn fetch(&self, url: &str) -> Result<Value> {
        self.documents.fetch(url)
    }
}

/// Several document sources tried in order (e.g. `--docs DIR`, then a loopback HTTP
/// fetcher): the first that returns the document wins; when none does, the error says
/// what each one answered.
#[derive(Default)]
pub struct ChainFetcher<'a> {
    fetchers: Vec<Box<dyn DocumentFetcher + 'a>>,
}

impl<'a> ChainFetcher<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a source after those already given (a `&fetcher` works too).
    pub fn then(mut self, fetcher: impl DocumentFetcher + 'a) -> Self {
        self.fetchers.push(Box::new(fetcher));
        self
    }

    pub fn push(&mut self, fetcher: impl DocumentFetcher + 'a) -> &mut Self {
        self.fetchers.push(Box::new(fetcher));
        self
    }

    pub fn len(&self) -> usize {
        self.fetchers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fetchers.is_empty()
    }
}

impl DocumentFetcher for ChainFetcher<'_> {
    fn fetch(&self, url: &str) -> Result<Value> {
        let mut why = Vec::with_capacity(self.fetchers.len());
        for f in &self.fetchers {
            match f.fetch(url) {
                Ok(doc) => return Ok(doc),
                Err(e) => why.push(e.to_string()),
            }
        }
        if why.is_empty() {
            return NoFetcher.fetch(url);
        }
        Err(Error::Resolution(format!(
            "{url}: no document source has it ({})",
            why.join("; ")
        )))
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

    /// A fresh folder under the system's temporary directory.
    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "cairn-vc-{name}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn dir_fetcher_serves_documents_by_id() {
        let dir = temp_dir("docs");
        let list =
            json!({"id": "https://issuer.example/status/1", "type": ["VerifiableCredential"]});
        let did = "did:web:127.0.0.1%3A8080:orgs:acme";
        let did_doc = json!({"id": did, "verificationMethod": []});
        std::fs::write(dir.join("list.json"), list.to_string()).unwrap();
        std::fs::write(dir.join("did.json"), did_doc.to_string()).unwrap();
        std::fs::write(dir.join("no-id.json"), "{\"x\": 1}").unwrap();
        std::fs::write(dir.join("notes.txt"), "not json").unwrap();
        let f = DirFetcher::load(&dir).unwrap();
        assert_eq!(f.fetch("https://issuer.example/status/1").unwrap(), list);
        assert_eq!(f.fetch(did).unwrap(), did_doc);
        assert_eq!(
            f.fetch("http://127.0.0.1:8080/orgs/acme/did.json").unwrap(),
            did_doc
        );
        assert_eq!(f.len(), 3);
        assert_eq!(f.skipped().len(), 1);
        let e = f.fetch("https://elsewhere.example/x").unwrap_err();
        assert!(matches!(e, Error::Resolution(_)), "{e}");

        // Broken JSON and two files for one id are errors that name the file.
        std::fs::write(dir.join("zz-broken.json"), "{").unwrap();
        let e = DirFetcher::load(&dir).unwrap_err().to_string();
        assert!(e.contains("zz-broken.json"), "{e}");
        std::fs::remove_file(dir.join("zz-broken.json")).unwrap();
        std::fs::write(dir.join("list-copy.json"), list.to_string()).unwrap();
        let e = DirFetcher::load(&dir).unwrap_err().to_string();
        assert!(
            e.contains("list-copy.json") && e.contains("keep one"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(DirFetcher::load(&dir).is_err());
    }

    #[test]
    fn chain_fetcher_tries_in_order() {
        let mut first = MapFetcher::new();
        first.insert("https://a.example/1", json!({"from": "first"}));
        let mut second = MapFetcher::new();
        second.insert("https://a.example/1", json!({"from": "second"}));
        second.insert("https://a.example/2", json!({"from": "second"}));
        let chain = ChainFetcher::new().then(&first).then(second);
        assert_eq!(chain.len(), 2);
        assert_eq!(chain.fetch("https://a.example/1").unwrap()["from"], "first");
        assert_eq!(
            chain.fetch("https://a.example/2").unwrap()["from"],
            "second"
        );
        let e = chain.fetch("https://a.example/3").unwrap_err().to_string();
        assert!(e.contains("no document source has it"), "{e}");
        assert_eq!(
            e.matches("not among the supplied documents").count(),
            2,
            "{e}"
        );
        // An empty chain behaves like NoFetcher.
        assert!(ChainFetcher::new().fetch("https://a.example/1").is_err());
        // Boxed fetchers chain too.
        let boxed: Box<dyn DocumentFetcher> = Box::new(first.clone());
        let mut chain = ChainFetcher::new();
        chain.push(boxed).push(NoFetcher);
        assert!(chain.fetch("https://a.example/1").is_ok());
    }
}
