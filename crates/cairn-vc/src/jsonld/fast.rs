//! The fast path: JSON-LD expansion straight to quads for documents whose contexts are
//! all bundled, with every processed context cached for the life of the process.
//!
//! It implements the part of JSON-LD 1.1 that the bundled contexts and ordinary
//! credentials use (term definitions with @id/@type/@container/@context/@protected,
//! type-scoped and property-scoped contexts, @set/@list/@graph containers, @vocab).
//! Anything else — inline contexts, @reverse, language maps, floats, a term it cannot
//! resolve — makes it decline (`None`), and the caller runs the reference path, which
//! also produces every error message. So the fast path never has to be right about
//! failures, only about successes; the differential tests hold it to that.

use super::canon::{self, Quad, Term};
use super::{FastMap, Limits};
use crate::contexts::PARSED;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, RwLock};

/// The fast path declines; the reference path decides.
#[derive(Debug)]
pub(crate) struct Decline;

type R<T> = Result<T, Decline>;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

#[derive(Clone, Debug, PartialEq)]
enum TypeMapping {
    None,
    Id,
    Vocab,
    /// Values are JSON literals; the fast path declines them (they need JCS).
    Json,
    Datatype(Arc<str>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Container {
    None,
    Set,
    List,
    Graph,
}

/// A scoped context from a bundled document; `id` keys the cache of its results.
#[derive(Debug)]
struct Scoped {
    id: u64,
    value: &'static Value,
}

#[derive(Debug)]
struct TermDef {
    /// `None` for a term explicitly mapped to null.
    iri: Option<Arc<str>>,
    type_mapping: TypeMapping,
    container: Container,
    scoped: Option<Arc<Scoped>>,
    protected: bool,
    prefix: bool,
}

impl TermDef {
    /// Same definition apart from `protected` (the JSON-LD rule for redefining
    /// a protected term).
    fn same_as(&self, other: &TermDef) -> bool {
        self.iri == other.iri
            && self.type_mapping == other.type_mapping
            && self.container == other.container
            && self.prefix == other.prefix
            && match (&self.scoped, &other.scoped) {
                (None, None) => true,
                (Some(a), Some(b)) => std::ptr::eq(a.value, b.value) || a.value == b.value,
                _ => false,
            }
    }
}

#[derive(Debug, Default)]
struct Ctx {
    id: u64,
    terms: FastMap<&'static str, Arc<TermDef>>,
    vocab: Option<Arc<str>>,
    previous: Option<Arc<Ctx>>,
}

impl Ctx {
    fn derive(parent: &Arc<Ctx>) -> Ctx {
        Ctx {
            id: next_id(),
            terms: parent.terms.clone(),
            vocab: parent.vocab.clone(),
            previous: parent.previous.clone(),
        }
    }
}

static INITIAL: LazyLock<Arc<Ctx>> = LazyLock::new(|| Arc::new(Ctx::default()));

type CacheKey = (u64, u64, bool, bool);
const CACHE_LIMIT: usize = 4096;
static CACHE: LazyLock<RwLock<FastMap<CacheKey, Arc<Ctx>>>> = LazyLock::new(Default::default);
static ROOT_CACHE: LazyLock<RwLock<FastMap<Vec<String>, Arc<Ctx>>>> =
    LazyLock::new(Default::default);

const KEYWORDS: &[&str] = &[
    "@base",
    "@container",
    "@context",
    "@direction",
    "@graph",
    "@id",
    "@import",
    "@included",
    "@index",
    "@json",
    "@language",
    "@list",
    "@nest",
    "@none",
    "@prefix",
    "@propagate",
    "@protected",
    "@reverse",
    "@set",
    "@type",
    "@value",
    "@version",
    "@vocab",
];

fn is_keyword(s: &str) -> bool {
    // Every key of a document passes here; most are terms, which never start with '@'.
    s.starts_with('@') && KEYWORDS.contains(&s)
}

fn looks_like_keyword(s: &str) -> bool {
    s.len() > 1 && s.starts_with('@') && s[1..].chars().all(|c| c.is_ascii_alphabetic())
}

/// Conservative: an absolute IRI with none of the characters an N-Quads IRI forbids, so
/// that both paths accept it the same way.
fn is_clean_absolute_iri(s: &str) -> bool {
    super::is_absolute_iri(s)
        && !s.starts_with("_:")
        && !s.bytes().any(|c| {
            c <= b' '
                || matches!(
                    c,
                    b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\'
                )
        })
}

fn bundled_local_context(url: &str) -> R<&'static Value> {
    PARSED
        .get(url)
        .and_then(|d| d.get("@context"))
        .ok_or(Decline)
}

/// Context processing (JSON-LD 1.1 §4.1) for bundled local contexts, cached.
fn process(
    active: &Arc<Ctx>,
    local: &'static Value,
    local_id: u64,
    override_protected: bool,
    propagate: bool,
) -> R<Arc<Ctx>> {
    let key = (active.id, local_id, override_protected, propagate);
    if let Some(hit) = CACHE.read().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(hit);
    }
    let mut result = Ctx::derive(active);
    if !propagate && result.previous.is_none() {
        result.previous = Some(Arc::clone(active));
    }
    apply(&mut result, local, override_protected, 0)?;
    let result = Arc::new(result);
    if let Ok(mut c) = CACHE.write()
        && c.len() < CACHE_LIMIT
    {
        c.insert(key, Arc::clone(&result));
    }
    Ok(result)
}

fn apply(result: &mut Ctx, local: &'static Value, override_protected: bool, depth: usize) -> R<()> {
    if depth > 8 {
        return Err(Decline);
    }
    let items: Vec<&'static Value> = match local {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    for item in items {
        match item {
            Value::String(url) => {
                let ctx = bundled_local_context(url)?;
                apply(result, ctx, override_protected, depth + 1)?;
            }
            Value::Object(map) => apply_object(result, map, override_protected)?,
            // null contexts, numbers…: rare, and the reference path knows the rules.
            _ => return Err(Decline),
        }
    }
    Ok(())
}

fn apply_object(
    result: &mut Ctx,
    map: &'static Map<String, Value>,
    override_protected: bool,
) -> R<()> {
    for k in map.keys() {
        if matches!(
            k.as_str(),
            "@base" | "@language" | "@direction" | "@import" | "@propagate"
        ) {
            return Err(Decline);
        }
    }
    if let Some(v) = map.get("@version")
        && v.as_f64() != Some(1.1)
    {
        return Err(Decline);
    }
    match map.get("@vocab") {
        None => {}
        Some(Value::Null) => result.vocab = None,
        Some(Value::String(v)) if is_clean_absolute_iri(v) => {
            result.vocab = Some(Arc::from(v.as_str()))
        }
        Some(_) => return Err(Decline),
    }
    let protected_default = match map.get("@protected") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Decline),
    };
    let mut defined: FastMap<&'static str, bool> = FastMap::default();
    for term in map.keys() {
        if matches!(term.as_str(), "@vocab" | "@protected" | "@version") {
            continue;
        }
        define(
            result,
            map,
            term,
            &mut defined,
            protected_default,
            override_protected,
        )?;
    }
    Ok(())
}

fn define(
    ctx: &mut Ctx,
    local: &'static Map<String, Value>,
    term: &'static str,
    defined: &mut FastMap<&'static str, bool>,
    protected_default: bool,
    override_protected: bool,
) -> R<()> {
    match defined.get(term) {
        Some(true) => return Ok(()),
        Some(false) => return Err(Decline), // cyclic
        None => {}
    }
    defined.insert(term, false);
    if term.is_empty() || looks_like_keyword(term) || term.contains(':') || term.contains('/') {
        return Err(Decline);
    }
    let value = local.get(term).ok_or(Decline)?;
    let previous = ctx.terms.remove(term);
    let (map, simple): (Option<&'static Map<String, Value>>, bool) = match value {
        Value::String(_) => (None, true),
        Value::Object(m) => (Some(m), false),
        Value::Null => (None, false),
        _ => return Err(Decline),
    };
    let get = |k: &str| map.and_then(|m| m.get(k));
    if let Some(m) = map {
        for k in m.keys() {
            if !matches!(
                k.as_str(),
                "@id" | "@type" | "@container" | "@context" | "@protected"
            ) {
                return Err(Decline);
            }
        }
    }
    let protected = match get("@protected") {
        None => protected_default,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Decline),
    };
    let type_mapping = match get("@type") {
        None => TypeMapping::None,
        Some(Value::String(t)) => match t.as_str() {
            "@id" => TypeMapping::Id,
            "@vocab" => TypeMapping::Vocab,
            "@json" => TypeMapping::Json,
            "@none" => return Err(Decline),
            other => {
                let iri = expand_iri_defining(
                    ctx,
                    local,
                    other,
                    defined,
                    protected_default,
                    override_protected,
                )?
                .ok_or(Decline)?;
                if !is_clean_absolute_iri(&iri) {
                    return Err(Decline);
                }
                TypeMapping::Datatype(iri)
            }
        },
        Some(_) => return Err(Decline),
    };
    let id_value: Option<&'static Value> = match value {
        Value::String(_) => Some(value),
        Value::Null => Some(&Value::Null),
        _ => get("@id"),
    };
    let (iri, prefix) = match id_value {
        Some(Value::Null) => (None, false),
        Some(Value::String(id)) if id != term => {
            let iri = expand_iri_defining(
                ctx,
                local,
                id,
                defined,
                protected_default,
                override_protected,
            )?
            .ok_or(Decline)?;
            if !(is_keyword(&iri) || is_clean_absolute_iri(&iri)) {
                return Err(Decline);
            }
            let prefix = simple && iri.ends_with([':', '/', '?', '#', '[', ']', '@']);
            (Some(iri), prefix)
        }
        Some(Value::String(_)) | None => match &ctx.vocab {
            Some(v) => (Some(Arc::from(format!("{v}{term}"))), false),
            None => return Err(Decline),
        },
        Some(_) => return Err(Decline),
    };
    let container = match get("@container") {
        None => Container::None,
        Some(Value::String(c)) => match c.as_str() {
            "@set" => Container::Set,
            "@list" => Container::List,
            "@graph" => Container::Graph,
            _ => return Err(Decline),
        },
        Some(_) => return Err(Decline),
    };
    if iri.as_deref() == Some("@type")
        && (container != Container::None || type_mapping != TypeMapping::None)
    {
        return Err(Decline);
    }
    let scoped = get("@context").map(|v| {
        Arc::new(Scoped {
            id: next_id(),
            value: v,
        })
    });
    let def = TermDef {
        iri,
        type_mapping,
        container,
        scoped,
        protected,
        prefix,
    };
    if let Some(prev) = previous {
        if prev.protected && !override_protected && !prev.same_as(&def) {
            // A protected term redefinition error: the reference path reports it.
            return Err(Decline);
        }
        if prev.protected && !override_protected {
            // Keep the protected definition (identical apart from the flag).
            ctx.terms.insert(term, prev);
            defined.insert(term, true);
            return Ok(());
        }
    }
    ctx.terms.insert(term, Arc::new(def));
    defined.insert(term, true);
    Ok(())
}

/// IRI expansion during context processing (vocab-relative), defining dependencies first.
fn expand_iri_defining(
    ctx: &mut Ctx,
    local: &'static Map<String, Value>,
    value: &'static str,
    defined: &mut FastMap<&'static str, bool>,
    protected_default: bool,
    override_protected: bool,
) -> R<Option<Arc<str>>> {
    if is_keyword(value) {
        return Ok(Some(Arc::from(value)));
    }
    if looks_like_keyword(value) {
        return Ok(None);
    }
    if local.contains_key(value) && defined.get(value) != Some(&true) {
        define(
            ctx,
            local,
            value,
            defined,
            protected_default,
            override_protected,
        )?;
    }
    if let Some((prefix, _)) = value.split_once(':')
        && !prefix.is_empty()
        && local.contains_key(prefix)
        && defined.get(prefix) != Some(&true)
    {
        define(
            ctx,
            local,
            prefix,
            defined,
            protected_default,
            override_protected,
        )?;
    }
    Ok(expand_iri(ctx, value, true))
}

/// IRI expansion (JSON-LD 1.1 §5.2) against a finished context. Without a base IRI
/// (Data Integrity canonicalizes with none), a relative value is returned as it is and
/// the caller declines it.
fn expand_iri(ctx: &Ctx, value: &str, vocab: bool) -> Option<Arc<str>> {
    if is_keyword(value) {
        return Some(Arc::from(value));
    }
    if looks_like_keyword(value) {
        return None;
    }
    if vocab && let Some(def) = ctx.terms.get(value) {
        return def.iri.clone();
    }
    if let Some(colon) = value.find(':').filter(|&i| i > 0) {
        let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
        if prefix == "_" || suffix.starts_with("//") {
            return Some(Arc::from(value));
        }
        if let Some(def) = ctx.terms.get(prefix)
            && def.prefix
            && let Some(iri) = &def.iri
        {
            return Some(Arc::from(format!("{iri}{suffix}")));
        }
        return Some(Arc::from(value));
    }
    if vocab && let Some(v) = &ctx.vocab {
        return Some(Arc::from(format!("{v}{value}")));
    }
    Some(Arc::from(value))
}

/// Processes bundled context URLs, in order, on top of `active` (a document's or an
/// embedded node's `@context`).
fn apply_urls<'u>(active: &Arc<Ctx>, urls: impl IntoIterator<Item = &'u str>) -> R<Arc<Ctx>> {
    let mut ctx = Arc::clone(active);
    for url in urls {
        let local = bundled_local_context(url)?;
        // Each bundled URL gets a stable cache id derived from its position in the table.
        let id = u64::MAX
            - crate::contexts::BUNDLED
                .iter()
                .position(|(u, _)| *u == url)
                .ok_or(Decline)? as u64;
        ctx = process(&ctx, local, id, false, true)?;
    }
    Ok(ctx)
}

/// An embedded `@context` (e.g. of a credential inside a CLR or a presentation): only
/// bundled URLs, as a string or an array of strings; anything else declines.
fn embedded_context(active: &Arc<Ctx>, value: &Value) -> R<Arc<Ctx>> {
    match value {
        Value::String(url) => apply_urls(active, [url.as_str()]),
        Value::Array(items) => {
            let urls = items
                .iter()
                .map(|v| v.as_str().ok_or(Decline))
                .collect::<R<Vec<&str>>>()?;
            apply_urls(active, urls)
        }
        _ => Err(Decline),
    }
}

fn root_context(doc: &Map<String, Value>) -> R<Arc<Ctx>> {
    let urls: Vec<String> = match doc.get("@context") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or(Decline))
            .collect::<R<_>>()?,
        _ => return Err(Decline),
    };
    if let Some(hit) = ROOT_CACHE.read().ok().and_then(|c| c.get(&urls).cloned()) {
        return Ok(hit);
    }
    let ctx = apply_urls(&INITIAL, urls.iter().map(String::as_str))?;
    if let Ok(mut c) = ROOT_CACHE.write()
        && c.len() < CACHE_LIMIT
    {
        c.insert(urls, Arc::clone(&ctx));
    }
    Ok(ctx)
}

/// A property of a node object: its IRI, its term definition, its value.
type Prop<'a> = (Arc<str>, Option<Arc<TermDef>>, &'a Value);

struct Emitter<'a> {
    /// A top-level entry left out (the `proof` of a secured document).
    skip_root_key: Option<&'a str>,
    quads: Vec<Quad>,
    next_blank: u32,
    labels: HashMap<&'a str, u32>,
    limits: &'a Limits,
}

impl<'a> Emitter<'a> {
    fn blank(&mut self) -> R<Term> {
        self.next_blank += 1;
        if self.next_blank as usize > self.limits.max_blank_nodes {
            return Err(Decline);
        }
        Ok(Term::Blank(self.next_blank))
    }

    fn emit(&mut self, s: &Term, p: &Arc<str>, o: Term, g: &Option<Term>) -> R<()> {
        if self.quads.len() >= self.limits.max_quads {
            return Err(Decline);
        }
        self.quads.push(Quad {
            s: s.clone(),
            p: Arc::clone(p),
            o,
            g: g.clone(),
        });
        Ok(())
    }

    /// A node reference from an expanded @id value.
    fn node_ref(&mut self, iri: &Arc<str>, original: &'a str) -> R<Term> {
        if let Some(label) = original.strip_prefix("_:") {
            if label.is_empty() {
                return Err(Decline);
            }
            let next = u32::MAX - self.labels.len() as u32;
            return Ok(Term::Blank(*self.labels.entry(original).or_insert(next)));
        }
        if is_clean_absolute_iri(iri) {
            Ok(Term::Iri(Arc::clone(iri)))
        } else {
            Err(Decline)
        }
    }

    /// Expands one node object and emits its statements; returns its subject.
    fn node(
        &mut self,
        parent: &Arc<Ctx>,
        obj: &'a Map<String, Value>,
        via: Option<&TermDef>,
        graph: &Option<Term>,
        depth: usize,
    ) -> R<Term> {
        if depth > self.limits.max_depth {
            return Err(Decline);
        }
        let mut ctx = Arc::clone(parent);
        // Type-scoped contexts do not reach into nested node objects (unless the
        // object is a bare reference, which the spec exempts).
        if let Some(prev) = &ctx.previous {
            let only_id = obj.len() == 1
                && obj
                    .keys()
                    .next()
                    .and_then(|k| expand_iri(&ctx, k, true))
                    .is_some_and(|k| &*k == "@id");
            if !only_id {
                ctx = Arc::clone(prev);
            }
        }
        if let Some(scoped) = via.and_then(|d| d.scoped.as_ref()) {
            ctx = process(&ctx, scoped.value, scoped.id, true, true)?;
        }
        // An embedded context applies after the property-scoped one and before type
        // scoping (JSON-LD 1.1 expansion, steps 8–11).
        if let Some(local) = obj.get("@context") {
            ctx = embedded_context(&ctx, local)?;
        }
        self.node_in(ctx, obj, graph, depth)
    }

    fn node_in(
        &mut self,
        mut ctx: Arc<Ctx>,
        obj: &'a Map<String, Value>,
        graph: &Option<Term>,
        depth: usize,
    ) -> R<Term> {
        // Keys expanded once against the context before type scoping.
        let mut type_values: Vec<&'a str> = Vec::new();
        let mut type_keys: Vec<&'a str> = Vec::new();
        for (k, v) in obj {
            if expand_iri(&ctx, k, true).as_deref() == Some("@type") {
                type_keys.push(k);
                match v {
                    Value::String(s) => type_values.push(s),
                    Value::Array(a) => {
                        for t in a {
                            type_values.push(t.as_str().ok_or(Decline)?);
                        }
                    }
                    _ => return Err(Decline),
                }
            }
        }
        if type_keys.len() > 1 {
            return Err(Decline);
        }
        let type_ctx = Arc::clone(&ctx);
        let mut sorted = type_values.clone();
        sorted.sort_unstable();
        for t in sorted {
            if let Some(scoped) = type_ctx.terms.get(t).and_then(|d| d.scoped.clone()) {
                ctx = process(&ctx, scoped.value, scoped.id, false, false)?;
            }
        }
        let mut subject: Option<Term> = None;
        let mut props: Vec<Prop<'a>> = Vec::with_capacity(obj.len());
        for (k, v) in obj {
            // `@context` was applied by the caller (root or `node`).
            if type_keys.contains(&k.as_str())
                || k == "@context"
                || (depth == 0 && Some(k.as_str()) == self.skip_root_key)
            {
                continue;
            }
            let expanded = expand_iri(&ctx, k, true).ok_or(Decline)?;
            if &*expanded == "@id" {
                if subject.is_some() {
                    return Err(Decline);
                }
                let id = v.as_str().ok_or(Decline)?;
                let iri = expand_iri(&ctx, id, false).ok_or(Decline)?;
                subject = Some(self.node_ref(&iri, id)?);
                continue;
            }
            if expanded.starts_with('@') || !is_clean_absolute_iri(&expanded) {
                return Err(Decline);
            }
            props.push((expanded, ctx.terms.get(k.as_str()).cloned(), v));
        }
        if props.is_empty() && type_values.is_empty() && depth == 0 {
            return Err(Decline); // empty or id-only top-level object: dropped, unsafe
        }
        let subject = match subject {
            Some(s) => s,
            None => self.blank()?,
        };
        let rdf_type: Arc<str> = Arc::from(canon::RDF_TYPE);
        for t in type_values {
            let iri = expand_iri(&type_ctx, t, true).ok_or(Decline)?;
            let o = self.node_ref(&iri, t)?;
            self.emit(&subject, &rdf_type, o, graph)?;
        }
        for (p, def, v) in props {
            self.property(&ctx, &subject, &p, def.as_deref(), v, graph, depth)?;
        }
        Ok(subject)
    }

    #[allow(clippy::too_many_arguments)]
    fn property(
        &mut self,
        ctx: &Arc<Ctx>,
        subject: &Term,
        p: &Arc<str>,
        def: Option<&TermDef>,
        v: &'a Value,
        graph: &Option<Term>,
        depth: usize,
    ) -> R<()> {
        let container = def.map_or(Container::None, |d| d.container);
        let items: Vec<&'a Value> = match v {
            Value::Null => return Ok(()),
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        if items.iter().any(|i| i.is_array()) {
            return Err(Decline);
        }
        // Scalars coerced to IRIs (@id/@vocab) use the property-scoped context too.
        let term_ctx = match def.and_then(|d| d.scoped.as_ref()) {
            Some(s) if items.iter().any(|i| i.is_string()) => {
                process(ctx, s.value, s.id, true, true)?
            }
            _ => Arc::clone(ctx),
        };
        match container {
            Container::Graph => {
                for item in items {
                    let Value::Object(o) = item else {
                        return Err(Decline);
                    };
                    if o.is_empty()
                        || o.contains_key("@value")
                        || o.contains_key("@list")
                        || o.contains_key("@set")
                    {
                        return Err(Decline);
                    }
                    let g = self.blank()?;
                    self.emit(subject, p, g.clone(), graph)?;
                    let inner = Some(g);
                    let node = self.node(ctx, o, def, &inner, depth + 1)?;
                    // A graph holding only a bare reference is dropped by JSON-LD.
                    if o.len() == 1 && matches!(node, Term::Iri(_)) {
                        return Err(Decline);
                    }
                }
            }
            Container::List => {
                let mut terms = Vec::with_capacity(items.len());
                for item in items {
                    if let Some(t) = self.value(ctx, &term_ctx, def, item, graph, depth)? {
                        terms.push(t);
                    }
                }
                let head = self.list(terms, graph)?;
                self.emit(subject, p, head, graph)?;
            }
            Container::None | Container::Set => {
                for item in items {
                    if let Some(t) = self.value(ctx, &term_ctx, def, item, graph, depth)? {
                        self.emit(subject, p, t, graph)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn list(&mut self, items: Vec<Term>, graph: &Option<Term>) -> R<Term> {
        let first: Arc<str> = Arc::from(canon::RDF_FIRST);
        let rest: Arc<str> = Arc::from(canon::RDF_REST);
        let mut head = Term::Iri(Arc::from(canon::RDF_NIL));
        for item in items.into_iter().rev() {
            let node = self.blank()?;
            self.emit(&node, &first, item, graph)?;
            self.emit(&node, &rest, head, graph)?;
            head = node;
        }
        Ok(head)
    }

    fn value(
        &mut self,
        ctx: &Arc<Ctx>,
        term_ctx: &Arc<Ctx>,
        def: Option<&TermDef>,
        item: &'a Value,
        graph: &Option<Term>,
        depth: usize,
    ) -> R<Option<Term>> {
        let mapping = def.map_or(&TypeMapping::None, |d| &d.type_mapping);
        if *mapping == TypeMapping::Json {
            return Err(Decline);
        }
        let literal = |value: String, dt: &str| Term::Literal {
            value,
            datatype: Arc::from(dt),
        };
        Ok(Some(match item {
            Value::Null => return Ok(None),
            Value::Object(o) => {
                if o.keys().any(|k| {
                    k.starts_with('@') && !matches!(k.as_str(), "@id" | "@type" | "@context")
                }) {
                    return Err(Decline);
                }
                self.node(ctx, o, def, graph, depth + 1)?
            }
            Value::String(s) => match mapping {
                TypeMapping::Id => {
                    let iri = expand_iri(term_ctx, s, false).ok_or(Decline)?;
                    self.node_ref(&iri, s)?
                }
                TypeMapping::Vocab => {
                    let iri = expand_iri(term_ctx, s, true).ok_or(Decline)?;
                    self.node_ref(&iri, s)?
                }
                TypeMapping::Datatype(dt) => literal(s.clone(), dt),
                TypeMapping::None => literal(s.clone(), canon::XSD_STRING),
                TypeMapping::Json => return Err(Decline),
            },
            Value::Bool(b) => {
                let dt = match mapping {
                    TypeMapping::Datatype(dt) => &**dt,
                    _ => "http://www.w3.org/2001/XMLSchema#boolean",
                };
                literal(b.to_string(), dt)
            }
            Value::Number(n) => {
                // Only integers JavaScript holds exactly: their text is the same in
                // every implementation. Anything else takes the reference path.
                const MAX_SAFE: i64 = (1 << 53) - 1;
                let i = match (n.as_i64(), n.as_f64()) {
                    (Some(i), _) => i,
                    (None, Some(f)) if f.fract() == 0.0 && f.abs() <= MAX_SAFE as f64 => f as i64,
                    _ => return Err(Decline),
                };
                if i.abs() > MAX_SAFE {
                    return Err(Decline);
                }
                let dt = match mapping {
                    TypeMapping::Datatype(dt)
                        if &**dt == "http://www.w3.org/2001/XMLSchema#double" =>
                    {
                        return Err(Decline);
                    }
                    TypeMapping::Datatype(dt) => &**dt,
                    _ => "http://www.w3.org/2001/XMLSchema#integer",
                };
                literal(i.to_string(), dt)
            }
            Value::Array(_) => return Err(Decline),
        }))
    }
}

/// Expands `doc` to quads, or declines.
pub(crate) fn to_quads(doc: &Value, limits: &Limits, skip_root_key: Option<&str>) -> R<Vec<Quad>> {
    let Value::Object(map) = doc else {
        return Err(Decline);
    };
    let ctx = root_context(map)?;
    let mut e = Emitter {
        skip_root_key,
        quads: Vec::with_capacity(48),
        next_blank: 0,
        labels: HashMap::new(),
        limits,
    };
    // The root is expanded with the document's own context (no property-scoped context).
    e.node_in(ctx, map, &None, 0)?;
    let quads = e.quads;
    if quads.is_empty() {
        return Err(Decline);
    }
    Ok(quads)
}

/// Canonical N-Quads via the fast path, or `None` when it declines.
pub(crate) fn canonicalize(
    doc: &Value,
    limits: &Limits,
    skip_root_key: Option<&str>,
) -> Option<String> {
    let quads = to_quads(doc, limits, skip_root_key).ok()?;
    canon::canonicalize_quads(quads, limits).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_contexts_process() {
        for (url, _) in crate::contexts::BUNDLED {
            let doc = serde_json::json!({"@context": [url]});
            assert!(root_context(doc.as_object().unwrap()).is_ok(), "{url}");
        }
        let doc =
            serde_json::json!({"@context": [crate::contexts::VC_V2, crate::contexts::OB_V3P0_3]});
        assert!(root_context(doc.as_object().unwrap()).is_ok());
    }
}
