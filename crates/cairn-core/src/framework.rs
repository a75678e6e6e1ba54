//! Competency frameworks: a [`Framework`] of hierarchical [`Competency`] items, the
//! [`Association`]s between them, and [`ProficiencyScale`]s whose [`ProficiencyLevel`]s say
//! how well something is known or done.
//!
//! The model follows 1EdTech CASE (1.0 and 1.1): a [`Package`] is what a CFPackage holds.
//! Reading one ([`parse_package`]) and checking it ([`Package::validate`]) are pure and
//! report *every* problem, each with the JSON path and the identifier it concerns, so a
//! rejected import can be fixed in one pass. Fields Cairn does not interpret are kept
//! verbatim in `extra` so an export gives back what was imported.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Number, Value};

/// The association types of CASE. Extension types (`ext:…`) are accepted as well.
pub const ASSOCIATION_TYPES: [&str; 9] = [
    "isChildOf",
    "isPeerOf",
    "isPartOf",
    "exactMatchOf",
    "precedes",
    "isRelatedTo",
    "replacedBy",
    "exemplar",
    "hasSkillLevel",
];

/// The kinds of CFDefinitions, in the order a package lists them.
pub const DEFINITION_KINDS: [&str; 5] = [
    "CFConcepts",
    "CFSubjects",
    "CFLicenses",
    "CFItemTypes",
    "CFAssociationGroupings",
];

/// A CFDocument: the framework itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framework {
    pub identifier: String,
    pub uri: String,
    pub title: String,
    pub creator: String,
    pub publisher: Option<String>,
    pub description: Option<String>,
    pub version: Option<String>,
    pub language: Option<String>,
    pub adoption_status: Option<String>,
    /// `lastChangeDateTime`, verbatim.
    pub last_change: String,
    /// Every other CFDocument member, verbatim.
    pub extra: Map<String, Value>,
}

/// A CFItem: something that can be known or done, or a grouping of such (a domain).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Competency {
    pub identifier: String,
    pub uri: String,
    /// `humanCodingScheme`, e.g. `ICD.2`.
    pub code: Option<String>,
    /// `fullStatement`.
    pub statement: String,
    pub abbreviated_statement: Option<String>,
    /// `CFItemType`, e.g. `Domain` or `Competency`.
    pub kind: Option<String>,
    pub language: Option<String>,
    pub last_change: String,
    pub extra: Map<String, Value>,
}

/// One end of an association, as CASE links it (LinkGenURI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeRef {
    pub identifier: String,
    pub uri: String,
    pub title: String,
}

/// A CFAssociation: `origin` *associationType* `destination`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Association {
    pub identifier: String,
    pub uri: String,
    pub association_type: String,
    pub origin: NodeRef,
    pub destination: NodeRef,
    pub sequence_number: Option<i64>,
    pub last_change: String,
    pub extra: Map<String, Value>,
}

/// An entry of CFDefinitions (a concept, subject, licence, item type or association
/// grouping), kept as the JSON object it came as.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Definition {
    /// One of [`DEFINITION_KINDS`].
    pub kind: String,
    pub identifier: String,
    pub uri: String,
    pub title: String,
    pub body: Map<String, Value>,
}

/// A proficiency scale: in CASE, a CFRubric whose criteria carry levels. The rubric is
/// kept verbatim in `body`; `levels` lists its criterion levels in order for reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProficiencyScale {
    pub identifier: String,
    pub uri: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub levels: Vec<ProficiencyLevel>,
    pub body: Map<String, Value>,
}

/// A level of a scale (CFRubricCriterionLevel): its name (`quality`) and what a person at
/// this level can do (`description`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProficiencyLevel {
    pub criterion_identifier: String,
    pub identifier: String,
    pub uri: String,
    pub name: Option<String>,
    pub descriptor: Option<String>,
    pub score: Option<Number>,
    pub position: Option<i64>,
}

/// What a CASE CFPackage holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Package {
    pub framework: Framework,
    pub competencies: Vec<Competency>,
    pub associations: Vec<Association>,
    pub definitions: Vec<Definition>,
    pub scales: Vec<ProficiencyScale>,
}

/// One thing wrong with a package: where (a JSON path such as `CFItems[3].fullStatement`,
/// or a line and column for JSON that does not parse), which identifier, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageProblem {
    pub path: String,
    pub identifier: Option<String>,
    pub message: String,
}

impl fmt::Display for PackageProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.identifier {
            Some(id) => write!(f, "{} ({id}): {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

fn problem(path: impl Into<String>, id: Option<&str>, msg: impl Into<String>) -> PackageProblem {
    PackageProblem {
        path: path.into(),
        identifier: id.filter(|s| !s.is_empty()).map(str::to_owned),
        message: msg.into(),
    }
}

/// Read a CFPackage from JSON text, checking its shape and then [`Package::validate`].
/// Every problem found is returned.
pub fn parse_package(text: &str) -> Result<Package, Vec<PackageProblem>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        vec![problem(
            format!("line {}, column {}", e.line(), e.column()),
            None,
            format!("this is not valid JSON ({e}); a CASE package is one JSON object"),
        )]
    })?;
    package_from_value(value)
}

/// As [`parse_package`], from a parsed JSON value.
pub fn package_from_value(value: Value) -> Result<Package, Vec<PackageProblem>> {
    let mut probs = Vec::new();
    let Value::Object(mut root) = value else {
        return Err(vec![problem(
            "$",
            None,
            "a CASE package is a JSON object with CFDocument, CFItems, CFAssociations, CFDefinitions and CFRubrics",
        )]);
    };
    let framework = match root.remove("CFDocument") {
        Some(Value::Object(m)) => read_document(m, &mut probs),
        Some(_) => {
            probs.push(problem("CFDocument", None, "must be a JSON object"));
            None
        }
        None => {
            probs.push(problem(
                "CFDocument",
                None,
                "is missing: every package needs the CFDocument describing the framework",
            ));
            None
        }
    };
    let competencies = array(&mut root, "CFItems", &mut probs)
        .into_iter()
        .map(|(path, m)| read_item(path, m, &mut probs))
        .collect();
    let associations = array(&mut root, "CFAssociations", &mut probs)
        .into_iter()
        .map(|(path, m)| read_association(path, m, &mut probs))
        .collect();
    let mut definitions = Vec::new();
    match root.remove("CFDefinitions") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) if a.is_empty() => {}
        Some(Value::Object(mut defs)) => {
            for kind in DEFINITION_KINDS {
                for (path, m) in array(&mut defs, kind, &mut probs) {
                    definitions.push(read_definition(kind, path, m, &mut probs));
                }
            }
            for key in defs.keys() {
                probs.push(problem(
                    format!("CFDefinitions.{key}"),
                    None,
                    format!(
                        "unknown member; CFDefinitions holds {}",
                        DEFINITION_KINDS.join(", ")
                    ),
                ));
            }
        }
        Some(_) => probs.push(problem("CFDefinitions", None, "must be a JSON object")),
    }
    let scales = array(&mut root, "CFRubrics", &mut probs)
        .into_iter()
        .map(|(path, m)| read_rubric(path, m, &mut probs))
        .collect();
    for key in root.keys() {
        probs.push(problem(
            key.clone(),
            None,
            "unknown member; a CFPackage holds CFDocument, CFItems, CFAssociations, CFDefinitions and CFRubrics",
        ));
    }
    let Some(framework) = framework else {
        return Err(probs);
    };
    let package = Package {
        framework,
        competencies,
        associations,
        definitions,
        scales,
    };
    // Shape problems already name missing fields; add what the whole-package check finds.
    let reported: HashSet<String> = probs.iter().map(|p| p.path.clone()).collect();
    probs.extend(
        package
            .validate()
            .into_iter()
            .filter(|p| !reported.contains(&p.path)),
    );
    if probs.is_empty() {
        Ok(package)
    } else {
        Err(probs)
    }
}

/// The objects of the array `key` of `m`, with their paths; problems for anything else.
fn array(
    m: &mut Map<String, Value>,
    key: &str,
    probs: &mut Vec<PackageProblem>,
) -> Vec<(String, Map<String, Value>)> {
    match m.remove(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let path = format!("{key}[{i}]");
                match v {
                    Value::Object(o) => Some((path, o)),
                    _ => {
                        probs.push(problem(path, None, "must be a JSON object"));
                        None
                    }
                }
            })
            .collect(),
        Some(_) => {
            probs.push(problem(key, None, "must be a JSON array"));
            Vec::new()
        }
    }
}

/// Reads the members of one JSON object, recording problems against its path and identifier.
struct Reader<'a> {
    m: Map<String, Value>,
    path: String,
    id: String,
    probs: &'a mut Vec<PackageProblem>,
}

impl<'a> Reader<'a> {
    /// Starts by reading the identifier, which must be a UUID as CASE requires.
    fn new(path: String, m: Map<String, Value>, probs: &'a mut Vec<PackageProblem>) -> Self {
        let mut r = Reader {
            m,
            path,
            id: String::new(),
            probs,
        };
        let id = r.req("identifier");
        if !id.is_empty() && !is_uuid(&id) {
            let path = format!("{}.identifier", r.path);
            r.probs.push(problem(
                path,
                Some(&id),
                "is not a UUID; CASE identifiers look like 6d2b8f4e-1c3a-4e5f-9a7b-0c1d2e3f4a5b",
            ));
        }
        r.id = id;
        r
    }

    fn bad(&mut self, key: &str, msg: &str) {
        let path = format!("{}.{key}", self.path);
        let id = self.id.clone();
        self.probs.push(problem(path, Some(&id), msg));
    }

    /// A required, non-empty string.
    fn req(&mut self, key: &str) -> String {
        match self.m.remove(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => s,
            Some(Value::String(_)) => {
                self.bad(key, "is empty; give it a value");
                String::new()
            }
            None | Some(Value::Null) => {
                self.bad(key, "is missing; CASE requires it here");
                String::new()
            }
            Some(_) => {
                self.bad(key, "must be a string");
                String::new()
            }
        }
    }

    fn opt(&mut self, key: &str) -> Option<String> {
        match self.m.remove(key) {
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) => None,
            Some(_) => {
                self.bad(key, "must be a string");
                None
            }
        }
    }

    fn int(&mut self, key: &str) -> Option<i64> {
        match self.m.remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
            Some(_) => {
                self.bad(key, "must be a whole number");
                None
            }
        }
    }

    fn num(&mut self, key: &str) -> Option<Number> {
        match self.m.remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n),
            Some(_) => {
                self.bad(key, "must be a number");
                None
            }
        }
    }

    /// A LinkGenURI: `{title, identifier, uri}`, all required. The object stays in the
    /// extra members too, so members beyond these three survive an export.
    fn node(&mut self, key: &str) -> NodeRef {
        let empty = NodeRef {
            identifier: String::new(),
            uri: String::new(),
            title: String::new(),
        };
        match self.m.get(key).cloned() {
            Some(Value::Object(o)) => {
                let path = format!("{}.{key}", self.path);
                let mut get = |k: &str| match o.get(k) {
                    Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
                    _ => {
                        self.probs.push(problem(
                            format!("{path}.{k}"),
                            Some(&self.id),
                            "is missing or not a non-empty string; a node reference needs title, identifier and uri",
                        ));
                        String::new()
                    }
                };
                NodeRef {
                    identifier: get("identifier"),
                    uri: get("uri"),
                    title: get("title"),
                }
            }
            None | Some(Value::Null) => {
                self.bad(key, "is missing; CASE requires it here");
                empty
            }
            Some(_) => {
                self.bad(key, "must be an object with title, identifier and uri");
                empty
            }
        }
    }
}

fn read_document(m: Map<String, Value>, probs: &mut Vec<PackageProblem>) -> Option<Framework> {
    let mut r = Reader::new("CFDocument".into(), m, probs);
    let f = Framework {
        uri: r.req("uri"),
        title: r.req("title"),
        creator: r.req("creator"),
        last_change: r.req("lastChangeDateTime"),
        publisher: r.opt("publisher"),
        description: r.opt("description"),
        version: r.opt("version"),
        language: r.opt("language"),
        adoption_status: r.opt("adoptionStatus"),
        identifier: std::mem::take(&mut r.id),
        extra: std::mem::take(&mut r.m),
    };
    Some(f)
}

fn read_item(path: String, m: Map<String, Value>, probs: &mut Vec<PackageProblem>) -> Competency {
    let mut r = Reader::new(path, m, probs);
    Competency {
        uri: r.req("uri"),
        statement: r.req("fullStatement"),
        last_change: r.req("lastChangeDateTime"),
        code: r.opt("humanCodingScheme"),
        abbreviated_statement: r.opt("abbreviatedStatement"),
        kind: r.opt("CFItemType"),
        language: r.opt("language"),
        identifier: std::mem::take(&mut r.id),
        extra: std::mem::take(&mut r.m),
    }
}

fn read_association(
    path: String,
    m: Map<String, Value>,
    probs: &mut Vec<PackageProblem>,
) -> Association {
    let mut r = Reader::new(path, m, probs);
    let association_type = r.req("associationType");
    if !association_type.is_empty() && !association_type_known(&association_type) {
        let msg = format!(
            "associationType '{association_type}' is not a CASE association type; use one of {} (or ext:… for an extension)",
            ASSOCIATION_TYPES.join(", ")
        );
        r.bad("associationType", &msg);
    }
    Association {
        association_type,
        uri: r.req("uri"),
        origin: r.node("originNodeURI"),
        destination: r.node("destinationNodeURI"),
        last_change: r.req("lastChangeDateTime"),
        sequence_number: r.int("sequenceNumber"),
        identifier: std::mem::take(&mut r.id),
        extra: std::mem::take(&mut r.m),
    }
}

pub fn association_type_known(t: &str) -> bool {
    ASSOCIATION_TYPES.contains(&t) || (t.starts_with("ext:") && t.len() > 4)
}

fn read_definition(
    kind: &str,
    path: String,
    m: Map<String, Value>,
    probs: &mut Vec<PackageProblem>,
) -> Definition {
    let body = m.clone();
    let mut r = Reader::new(format!("CFDefinitions.{path}"), m, probs);
    let uri = r.req("uri");
    let title = r.req("title");
    r.req("lastChangeDateTime");
    match kind {
        "CFConcepts" | "CFSubjects" | "CFItemTypes" => {
            r.req("hierarchyCode");
        }
        "CFLicenses" => {
            r.req("licenseText");
        }
        _ => {}
    }
    Definition {
        kind: kind.to_owned(),
        identifier: std::mem::take(&mut r.id),
        uri,
        title,
        body,
    }
}

fn read_rubric(
    path: String,
    m: Map<String, Value>,
    probs: &mut Vec<PackageProblem>,
) -> ProficiencyScale {
    let body = m.clone();
    let mut r = Reader::new(path.clone(), m, probs);
    let uri = r.req("uri");
    r.req("lastChangeDateTime");
    let title = r.opt("title");
    let description = r.opt("description");
    let identifier = std::mem::take(&mut r.id);
    let mut levels = Vec::new();
    let criteria = array(&mut r.m, "CFRubricCriteria", r.probs);
    for (cpath, c) in criteria {
        let mut cr = Reader::new(format!("{path}.{cpath}"), c, r.probs);
        cr.req("uri");
        cr.req("lastChangeDateTime");
        let cid = std::mem::take(&mut cr.id);
        let cpath = cr.path.clone();
        for (lpath, l) in array(&mut cr.m, "CFRubricCriterionLevels", cr.probs) {
            let mut lr = Reader::new(format!("{cpath}.{lpath}"), l, cr.probs);
            lr.req("lastChangeDateTime");
            levels.push(ProficiencyLevel {
                criterion_identifier: cid.clone(),
                uri: lr.req("uri"),
                name: lr.opt("quality"),
                descriptor: lr.opt("description"),
                score: lr.num("score"),
                position: lr.int("position"),
                identifier: std::mem::take(&mut lr.id),
            });
        }
    }
    ProficiencyScale {
        identifier,
        uri,
        title,
        description,
        levels,
        body,
    }
}

/// A hyphenated UUID of any version, as CASE identifiers are.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Is `s` an absolute URI (a scheme, a colon, something after it)?
pub fn is_absolute_uri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && !s.chars().any(char::is_whitespace)
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Where a competency sits in its framework's tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Index (in [`Package::competencies`]) of its parent; none for a top-level item.
    pub parent: Option<usize>,
    /// Index of its top-level ancestor (itself when top-level): its domain.
    pub domain: usize,
    pub depth: u32,
    /// Its place in a depth-first walk of the tree.
    pub position: u32,
}

impl Package {
    /// Check the package as a whole: duplicate identifiers, associations whose ends are
    /// neither in the package nor a URI outside it, cycles of `isChildOf`, and empty
    /// required fields. Returns every problem (none for a valid package).
    pub fn validate(&self) -> Vec<PackageProblem> {
        let mut probs = Vec::new();
        let f = &self.framework;
        // Required fields (a package built in code must meet them as a parsed one does).
        let mut need = |path: String, id: &str, field: &str, v: &str| {
            if v.trim().is_empty() {
                probs.push(problem(
                    format!("{path}.{field}"),
                    Some(id),
                    "is missing; CASE requires it here",
                ));
            }
        };
        for (field, v) in [
            ("identifier", &f.identifier),
            ("uri", &f.uri),
            ("title", &f.title),
            ("creator", &f.creator),
            ("lastChangeDateTime", &f.last_change),
        ] {
            need("CFDocument".into(), &f.identifier, field, v);
        }
        for (i, c) in self.competencies.iter().enumerate() {
            for (field, v) in [
                ("identifier", &c.identifier),
                ("uri", &c.uri),
                ("fullStatement", &c.statement),
                ("lastChangeDateTime", &c.last_change),
            ] {
                need(format!("CFItems[{i}]"), &c.identifier, field, v);
            }
        }
        for (i, a) in self.associations.iter().enumerate() {
            for (field, v) in [
                ("identifier", &a.identifier),
                ("uri", &a.uri),
                ("associationType", &a.association_type),
                ("lastChangeDateTime", &a.last_change),
            ] {
                need(format!("CFAssociations[{i}]"), &a.identifier, field, v);
            }
        }
        // Parsing already reported missing fields; report each only once.
        probs.dedup();

        // Duplicate identifiers, across everything in the package.
        let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut add = |id: &str, path: String| {
            if !id.is_empty() {
                seen.entry(id.to_ascii_lowercase()).or_default().push(path);
            }
        };
        add(&f.identifier, "CFDocument".into());
        for (i, c) in self.competencies.iter().enumerate() {
            add(&c.identifier, format!("CFItems[{i}]"));
        }
        for (i, a) in self.associations.iter().enumerate() {
            add(&a.identifier, format!("CFAssociations[{i}]"));
        }
        let mut per_kind: HashMap<&str, usize> = HashMap::new();
        for d in &self.definitions {
            let n = per_kind.entry(d.kind.as_str()).or_default();
            add(&d.identifier, format!("CFDefinitions.{}[{n}]", d.kind));
            *n += 1;
        }
        for (i, s) in self.scales.iter().enumerate() {
            add(&s.identifier, format!("CFRubrics[{i}]"));
            for l in &s.levels {
                add(&l.identifier, format!("CFRubrics[{i}] level"));
            }
        }
        for (id, paths) in &seen {
            if paths.len() > 1 {
                probs.push(problem(
                    paths[0].clone(),
                    Some(id),
                    format!(
                        "identifier {id} is used {} times ({}); every object in a package needs its own identifier",
                        paths.len(),
                        paths.join(", ")
                    ),
                ));
            }
        }

        // Association ends.
        let items: HashMap<String, usize> = self
            .competencies
            .iter()
            .enumerate()
            .map(|(i, c)| (c.identifier.to_ascii_lowercase(), i))
            .collect();
        let doc = f.identifier.to_ascii_lowercase();
        let inside = |id: &str| {
            let id = id.to_ascii_lowercase();
            id == doc || items.contains_key(&id)
        };
        for (i, a) in self.associations.iter().enumerate() {
            let path = format!("CFAssociations[{i}]");
            let (o_in, d_in) = (
                inside(&a.origin.identifier),
                inside(&a.destination.identifier),
            );
            if a.origin.identifier.is_empty() || a.destination.identifier.is_empty() {
                continue; // reported by the shape check
            }
            if a.association_type == "isChildOf" {
                for (end, n, is_in) in [
                    ("originNodeURI", &a.origin, o_in),
                    ("destinationNodeURI", &a.destination, d_in),
                ] {
                    if !is_in {
                        probs.push(problem(
                            format!("{path}.{end}"),
                            Some(&a.identifier),
                            format!(
                                "isChildOf names {} which is not in this package; the hierarchy must be complete: add that item or remove the association",
                                n.identifier
                            ),
                        ));
                    }
                }
                if o_in && a.origin.identifier.eq_ignore_ascii_case(&f.identifier) {
                    probs.push(problem(
                        format!("{path}.originNodeURI"),
                        Some(&a.identifier),
                        "the CFDocument cannot be the child of anything; only items can",
                    ));
                }
                continue;
            }
            if !o_in && !d_in {
                probs.push(problem(
                    path.clone(),
                    Some(&a.identifier),
                    format!(
                        "neither {} nor {} is in this package; an association must start or end at this framework's document or items",
                        a.origin.identifier, a.destination.identifier
                    ),
                ));
                continue;
            }
            for (end, n, is_in) in [
                ("originNodeURI", &a.origin, o_in),
                ("destinationNodeURI", &a.destination, d_in),
            ] {
                if !is_in && !is_absolute_uri(&n.uri) {
                    probs.push(problem(
                        format!("{path}.{end}"),
                        Some(&a.identifier),
                        format!(
                            "{} is not in this package and its uri '{}' is not an absolute URI; add the item or give the URI where it lives",
                            n.identifier, n.uri
                        ),
                    ));
                }
            }
        }

        // Cycles of isChildOf between items.
        probs.extend(self.child_cycles());
        probs
    }

    /// isChildOf edges between items: (child index, parent index, association index).
    fn child_edges(&self) -> Vec<(usize, usize, usize)> {
        let items: HashMap<String, usize> = self
            .competencies
            .iter()
            .enumerate()
            .map(|(i, c)| (c.identifier.to_ascii_lowercase(), i))
            .collect();
        self.associations
            .iter()
            .enumerate()
            .filter(|(_, a)| a.association_type == "isChildOf")
            .filter_map(|(k, a)| {
                let o = items.get(&a.origin.identifier.to_ascii_lowercase())?;
                let d = items.get(&a.destination.identifier.to_ascii_lowercase())?;
                Some((*o, *d, k))
            })
            .collect()
    }

    fn child_cycles(&self) -> Vec<PackageProblem> {
        let n = self.competencies.len();
        let mut parents: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        for (c, p, k) in self.child_edges() {
            parents[c].push((p, k));
        }
        // 0 = unvisited, 1 = on the current path, 2 = done.
        let mut state = vec![0u8; n];
        let mut out = Vec::new();
        let mut reported: HashSet<Vec<usize>> = HashSet::new();
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            // Iterative depth-first search: (node, next parent to look at).
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(top) = stack.last_mut() {
                let node = top.0;
                if let Some(&(p, k)) = parents[node].get(top.1) {
                    top.1 += 1;
                    match state[p] {
                        0 => {
                            state[p] = 1;
                            stack.push((p, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|(x, _)| *x == p).unwrap_or(0);
                            let cycle: Vec<usize> = stack[from..].iter().map(|(x, _)| *x).collect();
                            let mut key = cycle.clone();
                            key.sort_unstable();
                            if reported.insert(key) {
                                let mut names: Vec<&str> = cycle
                                    .iter()
                                    .map(|i| self.competencies[*i].identifier.as_str())
                                    .collect();
                                names.push(self.competencies[p].identifier.as_str());
                                out.push(problem(
                                    format!("CFAssociations[{k}]"),
                                    Some(&self.associations[k].identifier),
                                    format!(
                                        "isChildOf forms a cycle ({}); an item cannot be its own ancestor: remove one of these associations",
                                        names.join(" is child of ")
                                    ),
                                ));
                            }
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
        out
    }

    /// Where each competency sits: its first parent (by sequence number, then order in the
    /// package), its domain, depth and place in a depth-first walk. Call on a valid package.
    pub fn placements(&self) -> Vec<Placement> {
        let n = self.competencies.len();
        let mut parent: Vec<Option<(usize, i64, usize)>> = vec![None; n];
        let mut order_key: Vec<(i64, usize)> = (0..n).map(|i| (i64::MAX, i)).collect();
        let seq = |k: usize| self.associations[k].sequence_number.unwrap_or(i64::MAX);
        for (c, p, k) in self.child_edges() {
            let better = match parent[c] {
                None => true,
                Some((_, s, kk)) => (seq(k), k) < (s, kk),
            };
            if better {
                parent[c] = Some((p, seq(k), k));
            }
        }
        // Top-level items are ordered by their isChildOf-the-document sequence number.
        let doc = self.framework.identifier.to_ascii_lowercase();
        let items: HashMap<String, usize> = self
            .competencies
            .iter()
            .enumerate()
            .map(|(i, c)| (c.identifier.to_ascii_lowercase(), i))
            .collect();
        for (k, a) in self.associations.iter().enumerate() {
            if a.association_type == "isChildOf"
                && a.destination.identifier.to_ascii_lowercase() == doc
                && let Some(&i) = items.get(&a.origin.identifier.to_ascii_lowercase())
                && parent[i].is_none()
            {
                order_key[i] = order_key[i].min((seq(k), i));
            }
        }
        for (i, p) in parent.iter().enumerate() {
            if let Some((_, s, _)) = p {
                order_key[i] = (*s, i);
            }
        }
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p {
                Some((p, _, _)) => children[*p].push(i),
                None => roots.push(i),
            }
        }
        let sort = |v: &mut Vec<usize>| v.sort_by_key(|i| order_key[*i]);
        sort(&mut roots);
        for c in &mut children {
            sort(c);
        }
        let mut out: Vec<Placement> = (0..n)
            .map(|i| Placement {
                parent: None,
                domain: i,
                depth: 0,
                position: 0,
            })
            .collect();
        let mut pos = 0u32;
        let mut stack: Vec<(usize, Option<usize>, usize, u32)> =
            roots.iter().rev().map(|r| (*r, None, *r, 0)).collect();
        let mut visited = vec![false; n];
        while let Some((i, p, domain, depth)) = stack.pop() {
            if visited[i] {
                continue;
            }
            visited[i] = true;
            out[i] = Placement {
                parent: p,
                domain,
                depth,
                position: pos,
            };
            pos += 1;
            for c in children[i].iter().rev() {
                stack.push((*c, Some(i), domain, depth + 1));
            }
        }
        out
    }

    /// The package as CASE CFPackage JSON.
    pub fn to_case_json(&self) -> Value {
        let f = &self.framework;
        let mut doc = f.extra.clone();
        put(&mut doc, "identifier", Some(&f.identifier));
        put(&mut doc, "uri", Some(&f.uri));
        put(&mut doc, "title", Some(&f.title));
        put(&mut doc, "creator", Some(&f.creator));
        put(&mut doc, "lastChangeDateTime", Some(&f.last_change));
        put(&mut doc, "publisher", f.publisher.as_ref());
        put(&mut doc, "description", f.description.as_ref());
        put(&mut doc, "version", f.version.as_ref());
        put(&mut doc, "language", f.language.as_ref());
        put(&mut doc, "adoptionStatus", f.adoption_status.as_ref());
        let items: Vec<Value> = self
            .competencies
            .iter()
            .map(|c| {
                let mut m = c.extra.clone();
                put(&mut m, "identifier", Some(&c.identifier));
                put(&mut m, "uri", Some(&c.uri));
                put(&mut m, "fullStatement", Some(&c.statement));
                put(&mut m, "lastChangeDateTime", Some(&c.last_change));
                put(&mut m, "humanCodingScheme", c.code.as_ref());
                put(
                    &mut m,
                    "abbreviatedStatement",
                    c.abbreviated_statement.as_ref(),
                );
                put(&mut m, "CFItemType", c.kind.as_ref());
                put(&mut m, "language", c.language.as_ref());
                Value::Object(m)
            })
            .collect();
        let associations: Vec<Value> = self
            .associations
            .iter()
            .map(|a| {
                let mut m = a.extra.clone();
                put(&mut m, "identifier", Some(&a.identifier));
                put(&mut m, "uri", Some(&a.uri));
                put(&mut m, "associationType", Some(&a.association_type));
                put(&mut m, "lastChangeDateTime", Some(&a.last_change));
                put_node(&mut m, "originNodeURI", &a.origin);
                put_node(&mut m, "destinationNodeURI", &a.destination);
                if let Some(s) = a.sequence_number {
                    m.insert("sequenceNumber".into(), Value::from(s));
                }
                Value::Object(m)
            })
            .collect();
        let mut defs = Map::new();
        for kind in DEFINITION_KINDS {
            let list: Vec<Value> = self
                .definitions
                .iter()
                .filter(|d| d.kind == kind)
                .map(|d| Value::Object(d.body.clone()))
                .collect();
            defs.insert(kind.to_owned(), Value::Array(list));
        }
        let rubrics: Vec<Value> = self
            .scales
            .iter()
            .map(|s| Value::Object(s.body.clone()))
            .collect();
        let mut root = Map::new();
        root.insert("CFDocument".into(), Value::Object(doc));
        root.insert("CFItems".into(), Value::Array(items));
        root.insert("CFAssociations".into(), Value::Array(associations));
        root.insert("CFDefinitions".into(), Value::Object(defs));
        root.insert("CFRubrics".into(), Value::Array(rubrics));
        Value::Object(root)
    }
}

fn put(m: &mut Map<String, Value>, key: &str, v: Option<&String>) {
    if let Some(v) = v {
        m.insert(key.to_owned(), Value::String(v.clone()));
    }
}

/// Set a node reference's three members, keeping any others it had.
fn put_node(m: &mut Map<String, Value>, key: &str, n: &NodeRef) {
    let mut o = match m.remove(key) {
        Some(Value::Object(o)) => o,
        _ => Map::new(),
    };
    o.insert("title".into(), Value::String(n.title.clone()));
    o.insert("identifier".into(), Value::String(n.identifier.clone()));
    o.insert("uri".into(), Value::String(n.uri.clone()));
    m.insert(key.to_owned(), Value::Object(o));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn uuid(n: u32) -> String {
        format!("00000000-0000-4000-8000-{n:012}")
    }

    fn item(n: u32) -> Value {
        json!({"identifier": uuid(n), "uri": format!("https://x.example/CFItems/{}", uuid(n)),
               "fullStatement": format!("Item {n}"), "lastChangeDateTime": "2024-01-01T00:00:00Z"})
    }

    fn assoc(n: u32, t: &str, from: &str, to: &str) -> Value {
        json!({"identifier": uuid(n), "uri": format!("https://x.example/CFAssociations/{}", uuid(n)),
               "associationType": t, "lastChangeDateTime": "2024-01-01T00:00:00Z",
               "originNodeURI": {"title": "o", "identifier": from, "uri": format!("https://x.example/CFItems/{from}")},
               "destinationNodeURI": {"title": "d", "identifier": to, "uri": format!("https://x.example/CFItems/{to}")}})
    }

    fn doc() -> Value {
        json!({"identifier": uuid(0), "uri": "https://x.example/CFDocuments/0", "title": "T",
               "creator": "C", "lastChangeDateTime": "2024-01-01T00:00:00Z"})
    }

    fn package(items: Vec<Value>, assocs: Vec<Value>) -> Value {
        json!({"CFDocument": doc(), "CFItems": items, "CFAssociations": assocs})
    }

    #[test]
    fn a_small_tree_is_valid_and_placed() {
        let p = package(
            vec![item(1), item(2), item(3)],
            vec![
                assoc(11, "isChildOf", &uuid(1), &uuid(0)),
                assoc(12, "isChildOf", &uuid(2), &uuid(1)),
                assoc(13, "isChildOf", &uuid(3), &uuid(1)),
                assoc(14, "exactMatchOf", &uuid(3), "elsewhere"),
            ],
        );
        let pkg = package_from_value(p).unwrap();
        let pl = pkg.placements();
        assert_eq!(pl[0].parent, None);
        assert_eq!(pl[1].parent, Some(0));
        assert_eq!(pl[2].domain, 0);
        assert_eq!(pl[2].depth, 1);
        assert_eq!(pl.iter().map(|p| p.position).collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn every_problem_is_reported_with_its_identifier() {
        let mut bad_item = item(2);
        bad_item.as_object_mut().unwrap().remove("fullStatement");
        let p = package(
            vec![item(1), bad_item, item(1)],
            vec![
                assoc(11, "isChildOf", &uuid(1), &uuid(99)),
                assoc(12, "isChildOf", &uuid(2), &uuid(2)),
                assoc(13, "isFriendOf", &uuid(1), &uuid(2)),
                json!({"identifier": "not-a-uuid"}),
            ],
        );
        let probs = package_from_value(p).unwrap_err();
        let text: Vec<String> = probs.iter().map(|p| p.to_string()).collect();
        let has = |s: &str| text.iter().any(|t| t.contains(s));
        assert!(has("CFItems[1].fullStatement"), "{text:#?}");
        assert!(
            has(&format!("identifier {} is used 2 times", uuid(1))),
            "{text:#?}"
        );
        assert!(has("CFAssociations[0].destinationNodeURI"), "{text:#?}");
        assert!(has("cycle"), "{text:#?}");
        assert!(has("isFriendOf"), "{text:#?}");
        assert!(has("CFAssociations[3].identifier"), "{text:#?}");
        assert!(has("CFAssociations[3].uri"), "{text:#?}");
    }

    #[test]
    fn external_ends_need_an_absolute_uri() {
        let mut a = assoc(11, "isRelatedTo", &uuid(1), &uuid(77));
        a["destinationNodeURI"]["uri"] = json!("CFItems/77");
        let probs = package_from_value(package(vec![item(1)], vec![a])).unwrap_err();
        assert_eq!(probs.len(), 1, "{probs:?}");
        assert!(probs[0].message.contains("not an absolute URI"));
        let both_out = assoc(12, "isRelatedTo", &uuid(70), &uuid(71));
        let probs = package_from_value(package(vec![item(1)], vec![both_out])).unwrap_err();
        assert!(probs[0].message.contains("neither"), "{probs:?}");
    }

    #[test]
    fn bad_json_names_the_line() {
        let probs = parse_package("{\n  \"CFDocument\": {,\n}").unwrap_err();
        assert_eq!(probs.len(), 1);
        assert!(probs[0].path.starts_with("line 2"), "{probs:?}");
        let probs = parse_package("[]").unwrap_err();
        assert!(probs[0].message.contains("JSON object"));
        let probs = parse_package("{}").unwrap_err();
        assert!(probs[0].to_string().contains("CFDocument"));
    }

    #[test]
    fn unknown_members_are_kept_and_exported() {
        let mut i = item(1);
        i["conceptKeywords"] = json!(["a", "b"]);
        i["educationLevel"] = json!(["09"]);
        let mut a = assoc(11, "isChildOf", &uuid(1), &uuid(0));
        a["sequenceNumber"] = json!(3);
        a["destinationNodeURI"]["targetType"] = json!("CFDocument");
        let p = package(vec![i.clone()], vec![a.clone()]);
        let pkg = package_from_value(p).unwrap();
        let out = pkg.to_case_json();
        assert_eq!(out["CFItems"][0], i);
        assert_eq!(out["CFAssociations"][0], a);
        assert_eq!(out["CFDocument"], doc());
        assert_eq!(package_from_value(out).unwrap(), pkg);
    }

    #[test]
    fn rubric_levels_are_read() {
        let mut p = package(vec![item(1)], vec![]);
        p["CFRubrics"] = json!([{"identifier": uuid(50), "uri": "https://x.example/r", "lastChangeDateTime": "2024-01-01T00:00:00Z",
            "title": "Scale", "CFRubricCriteria": [{"identifier": uuid(51), "uri": "https://x.example/c", "lastChangeDateTime": "2024-01-01T00:00:00Z",
              "CFRubricCriterionLevels": [
                {"identifier": uuid(52), "uri": "https://x.example/l1", "lastChangeDateTime": "2024-01-01T00:00:00Z", "quality": "Foundational", "score": 1, "position": 1},
                {"identifier": uuid(53), "uri": "https://x.example/l2", "lastChangeDateTime": "2024-01-01T00:00:00Z", "quality": "Working", "score": 2.5, "position": 2}]}]}]);
        let pkg = package_from_value(p.clone()).unwrap();
        assert_eq!(pkg.scales[0].levels.len(), 2);
        assert_eq!(pkg.scales[0].levels[1].name.as_deref(), Some("Working"));
        assert_eq!(pkg.to_case_json()["CFRubrics"], p["CFRubrics"]);
    }

    #[test]
    fn a_case_1_1_package_with_definitions_round_trips() {
        let t = "2024-01-01T00:00:00Z";
        let mut d = doc();
        d["caseVersion"] = json!("1.1");
        d["frameworkType"] = json!("Workforce");
        d["licenseURI"] =
            json!({"title": "CC BY", "identifier": uuid(60), "uri": "https://x.example/l"});
        let mut i = item(1);
        i["subject"] = json!(["Health"]);
        i["subjectURI"] =
            json!([{"title": "Health", "identifier": uuid(61), "uri": "https://x.example/s"}]);
        let mut a = assoc(11, "isChildOf", &uuid(1), &uuid(0));
        a["notes"] = json!("placed by the editor");
        a["CFAssociationGroupingURI"] =
            json!({"title": "G", "identifier": uuid(62), "uri": "https://x.example/g"});
        let p = json!({
            "CFDocument": d, "CFItems": [i], "CFAssociations": [a],
            "CFDefinitions": {
                "CFConcepts": [], "CFItemTypes": [],
                "CFSubjects": [{"identifier": uuid(61), "uri": "https://x.example/s", "title": "Health", "hierarchyCode": "1", "lastChangeDateTime": t}],
                "CFLicenses": [{"identifier": uuid(60), "uri": "https://x.example/l", "title": "CC BY", "licenseText": "…", "lastChangeDateTime": t}],
                "CFAssociationGroupings": [{"identifier": uuid(62), "uri": "https://x.example/g", "title": "G", "lastChangeDateTime": t}]
            },
            "CFRubrics": []
        });
        let pkg = package_from_value(p.clone()).unwrap();
        assert_eq!(pkg.definitions.len(), 3);
        assert_eq!(pkg.to_case_json(), p);
        // A definition missing what CASE requires of its kind is named.
        let mut bad = p.clone();
        bad["CFDefinitions"]["CFLicenses"][0]
            .as_object_mut()
            .unwrap()
            .remove("licenseText");
        let probs = package_from_value(bad).unwrap_err();
        assert_eq!(
            probs[0].path, "CFDefinitions.CFLicenses[0].licenseText",
            "{probs:?}"
        );
    }

    #[test]
    fn uri_and_uuid_checks() {
        assert!(is_uuid("d0000000-0000-0000-0000-000000000000"));
        assert!(!is_uuid("d0000000000000000000000000000000"));
        assert!(is_absolute_uri("https://a.example/x"));
        assert!(is_absolute_uri("urn:uuid:1"));
        assert!(!is_absolute_uri("CFItems/1"));
        assert!(!is_absolute_uri("1:x"));
    }

    /// A random forest: item i (1-based) is child of the document or of an earlier item.
    fn forest() -> impl Strategy<Value = Vec<Option<u32>>> {
        (1usize..25).prop_flat_map(|n| {
            (0..n)
                .map(|i| {
                    if i == 0 {
                        Just(None).boxed()
                    } else {
                        prop_oneof![Just(None), (1..=i as u32).prop_map(Some)].boxed()
                    }
                })
                .collect::<Vec<_>>()
        })
    }

    fn forest_package(parents: &[Option<u32>]) -> Value {
        let items = (1..=parents.len() as u32).map(item).collect();
        let assocs = parents
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let child = uuid(i as u32 + 1);
                let parent = p.map_or(uuid(0), uuid);
                assoc(1000 + i as u32, "isChildOf", &child, &parent)
            })
            .collect();
        package(items, assocs)
    }

    proptest! {
        /// What the `case_package` fuzz target checks, in CI: a package's text with random
        /// edits parses to a package (which then round-trips) or to problems, never a panic.
        #[test]
        fn edited_package_text_is_parsed_or_refused(
            parents in forest(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, prop::sample::select(vec!['"', '{', '}', '[', ']', ',', ':', 'a', '0', ' ', '-'])), 1..6),
        ) {
            let mut chars: Vec<char> = forest_package(&parents).to_string().chars().collect();
            for (at, op, c) in edits {
                let i = at.index(chars.len() + 1);
                match op {
                    0 if i < chars.len() => { chars.remove(i); }
                    1 => chars.insert(i, c),
                    _ if i < chars.len() => chars[i] = c,
                    _ => {}
                }
            }
            let text: String = chars.into_iter().collect();
            if let Ok(pkg) = parse_package(&text) {
                let again = parse_package(&pkg.to_case_json().to_string());
                prop_assert_eq!(again.ok(), Some(pkg));
            }
        }

        #[test]
        fn forests_are_valid_and_round_trip(parents in forest()) {
            let v = forest_package(&parents);
            let pkg = package_from_value(v).unwrap();
            let again = package_from_value(pkg.to_case_json()).unwrap();
            prop_assert_eq!(&again, &pkg);
            let pl = pkg.placements();
            let mut pos: Vec<u32> = pl.iter().map(|p| p.position).collect();
            pos.sort_unstable();
            prop_assert_eq!(pos, (0..parents.len() as u32).collect::<Vec<_>>());
            for (i, p) in parents.iter().enumerate() {
                prop_assert_eq!(pl[i].parent, p.map(|x| x as usize - 1));
                if let Some(par) = pl[i].parent {
                    prop_assert!(pl[par].position < pl[i].position);
                    prop_assert_eq!(pl[par].domain, pl[i].domain);
                }
            }
        }

        #[test]
        fn an_edge_back_to_an_ancestor_is_a_cycle(parents in forest(), pick in any::<prop::sample::Index>()) {
            // Make some item's root ancestor a child of that item.
            let i = pick.index(parents.len());
            let mut root = i;
            while let Some(p) = parents[root] { root = p as usize - 1; }
            let mut v = forest_package(&parents);
            let back = assoc(5000, "isChildOf", &uuid(root as u32 + 1), &uuid(i as u32 + 1));
            v["CFAssociations"].as_array_mut().unwrap().push(back);
            let probs = package_from_value(v).unwrap_err();
            prop_assert_eq!(probs.len(), 1, "{:?}", probs);
            prop_assert!(probs[0].message.contains("cycle"));
        }

        #[test]
        fn a_repeated_identifier_is_one_problem(parents in forest(), pick in any::<prop::sample::Index>()) {
            let mut v = forest_package(&parents);
            let i = pick.index(parents.len());
            let dup = v["CFItems"][i].clone();
            v["CFItems"].as_array_mut().unwrap().push(dup);
            let probs = package_from_value(v).unwrap_err();
            prop_assert_eq!(probs.len(), 1, "{:?}", probs);
            prop_assert!(probs[0].message.contains("used 2 times"));
        }
    }
}
