//! One pass over a statement's JSON: every rule checked where its value is met, and what
//! storage indexes gathered on the way. Paths for messages are a linked list on the stack,
//! rendered only when something is wrong.

use std::fmt;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::XapiError;
use crate::statement::{ValidStatement, Version};
use crate::text;

pub(crate) const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

#[derive(Clone, Copy)]
pub(crate) struct Path<'a> {
    up: Option<&'a Path<'a>>,
    key: &'a str,
    index: Option<usize>,
}

impl<'a> Path<'a> {
    pub(crate) const fn root(key: &'a str) -> Self {
        Self {
            up: None,
            key,
            index: None,
        }
    }
    fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            up: Some(self),
            key,
            index: None,
        }
    }
    fn at(&'a self, i: usize) -> Path<'a> {
        Path {
            up: Some(self),
            key: "",
            index: Some(i),
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(up) = self.up {
            up.fmt(f)?;
        }
        match self.index {
            Some(i) => write!(f, "[{i}]"),
            None if self.up.is_some() => write!(f, ".{}", self.key),
            None => f.write_str(self.key),
        }
    }
}

fn fail(req: &'static str, p: &Path<'_>, what: &str) -> XapiError {
    XapiError::new(req, format!("{p} {what}"))
}

/// A required-or-typed value: null is its own violation (XAPI-00001), then the type.
fn object<'v>(
    v: &'v Value,
    p: &Path<'_>,
    req: &'static str,
) -> Result<&'v Map<String, Value>, XapiError> {
    match v {
        Value::Object(m) => Ok(m),
        Value::Null => Err(fail("XAPI-00001", p, "must not be null")),
        _ => Err(fail(req, p, "must be a JSON object")),
    }
}

fn string<'v>(v: &'v Value, p: &Path<'_>, req: &'static str) -> Result<&'v str, XapiError> {
    match v {
        Value::String(s) => Ok(s),
        Value::Null => Err(fail("XAPI-00001", p, "must not be null")),
        _ => Err(fail(req, p, "must be a string")),
    }
}

fn array<'v>(v: &'v Value, p: &Path<'_>, req: &'static str) -> Result<&'v Vec<Value>, XapiError> {
    match v {
        Value::Array(a) => Ok(a),
        Value::Null => Err(fail("XAPI-00001", p, "must not be null")),
        _ => Err(fail(req, p, "must be an array")),
    }
}

fn boolean(v: &Value, p: &Path<'_>, req: &'static str) -> Result<bool, XapiError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Null => Err(fail("XAPI-00001", p, "must not be null")),
        _ => Err(fail(req, p, "must be true or false")),
    }
}

fn number(v: &Value, p: &Path<'_>, req: &'static str) -> Result<f64, XapiError> {
    match v {
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| fail(req, p, "must be a decimal number")),
        Value::Null => Err(fail("XAPI-00001", p, "must not be null")),
        _ => Err(fail(req, p, "must be a number")),
    }
}

fn iri<'v>(v: &'v Value, p: &Path<'_>, req: &'static str) -> Result<&'v str, XapiError> {
    let s = string(v, p, req)?;
    if text::is_iri(s) {
        Ok(s)
    } else {
        Err(fail(
            req,
            p,
            "must be an absolute IRI with a scheme, e.g. https://example.org/x",
        ))
    }
}

fn uuid(v: &Value, p: &Path<'_>, req: &'static str) -> Result<Uuid, XapiError> {
    let s = string(v, p, req)?;
    text::parse_uuid(s).ok_or_else(|| {
        fail(
            req,
            p,
            "must be a UUID in its hyphenated form, e.g. 3e5b0a4c-1f2d-4c3b-9a8e-7f6d5c4b3a21",
        )
    })
}

fn timestamp(v: &Value, p: &Path<'_>, req: &'static str) -> Result<(), XapiError> {
    let s = string(v, p, req)?;
    match text::parse_timestamp(s) {
        Some(_) => Ok(()),
        None => Err(fail(
            req,
            p,
            "must be an ISO 8601 timestamp with a time zone, e.g. 2024-05-01T12:00:00.000Z (XAPI-00123)",
        )),
    }
}

/// Unknown keys (including a known key in the wrong case) and null values are refused.
fn keys(m: &Map<String, Value>, allowed: &[&str], p: &Path<'_>) -> Result<(), XapiError> {
    for (k, v) in m {
        if !allowed.contains(&k.as_str()) {
            let hint = allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(k))
                .map(|a| format!(" (keys are case-sensitive: use {a:?})"))
                .unwrap_or_default();
            return Err(XapiError::new(
                "XAPI-00008",
                format!("{p} has an unknown property {k:?}{hint}"),
            ));
        }
        if v.is_null() {
            return Err(fail(
                "XAPI-00001",
                &p.key(k),
                "must not be null (omit it instead)",
            ));
        }
    }
    Ok(())
}

/// A value restricted to an enumeration: a case mismatch is its own violation.
fn enumerated<'e>(
    s: &str,
    values: &[&'e str],
    p: &Path<'_>,
    req: &'static str,
) -> Result<&'e str, XapiError> {
    if let Some(v) = values.iter().find(|v| **v == s) {
        return Ok(v);
    }
    let req = if values.iter().any(|v| v.eq_ignore_ascii_case(s)) {
        "XAPI-00009"
    } else {
        req
    };
    Err(fail(req, p, &format!("must be one of {values:?}, exactly")))
}

fn language_map(v: &Value, p: &Path<'_>, req: &'static str) -> Result<(), XapiError> {
    for (tag, text) in object(v, p, req)? {
        let at = p.key(tag);
        if !text::is_language_tag(tag) {
            return Err(fail(
                "XAPI-00121",
                &at,
                "is not an RFC 5646 language tag (e.g. en-US); language map keys must be",
            ));
        }
        string(text, &at, req)?;
    }
    Ok(())
}

fn extensions(v: &Value, p: &Path<'_>, req: &'static str) -> Result<(), XapiError> {
    // Extension values are free JSON, null included (XAPI-00119).
    for k in object(v, p, req)?.keys() {
        if !text::is_iri(k) {
            return Err(fail("XAPI-00118", &p.key(k), "extension keys must be IRIs"));
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Actor,
    Object,
    Member,
    Authority,
    Instructor,
    Team,
    ContextAgent,
    ContextGroup,
}

struct Walk {
    version: Version,
    activities: Vec<String>,
    agents: Vec<String>,
    hashes: Vec<String>,
}

fn push_unique(list: &mut Vec<String>, s: &str) {
    if !list.iter().any(|x| x == s) {
        list.push(s.to_owned());
    }
}

pub(crate) fn statement(v: &Value, version: Version) -> Result<ValidStatement, XapiError> {
    let p = Path::root("statement");
    let m = object(v, &p, "XAPI-00006")?;
    keys(
        m,
        &[
            "id",
            "actor",
            "verb",
            "object",
            "result",
            "context",
            "timestamp",
            "stored",
            "authority",
            "version",
            "attachments",
        ],
        &p,
    )?;
    let mut w = Walk {
        version,
        activities: Vec::new(),
        agents: Vec::new(),
        hashes: Vec::new(),
    };
    let id = m
        .get("id")
        .map(|v| uuid(v, &p.key("id"), "XAPI-00027"))
        .transpose()?;
    let core = w.body(m, &p)?;
    if let Some(v) = m.get("stored") {
        timestamp(v, &p.key("stored"), "XAPI-00023")?;
    }
    if let Some(v) = m.get("version") {
        let s = string(v, &p.key("version"), "XAPI-00101")?;
        if !text::is_statement_version(s) {
            return Err(fail(
                "XAPI-00101",
                &p.key("version"),
                "must be 1.0, 1.0.x, 2.0 or 2.0.x",
            ));
        }
    }
    if let Some(a) = m.get("authority") {
        w.authority(a, &p.key("authority"))?;
    }
    Ok(ValidStatement {
        id,
        // Filled by the caller, which owns or clones the input.
        value: Value::Null,
        verb_id: core.verb_id,
        actor_ifi: core.actor_ifi,
        activity_id: core.activity_id,
        voids: core.voids,
        registration: core.registration,
        related_activities: w.activities,
        related_agents: w.agents,
        attachment_hashes: w.hashes,
    })
}

struct Core {
    verb_id: String,
    actor_ifi: String,
    activity_id: Option<String>,
    voids: Option<Uuid>,
    registration: Option<Uuid>,
}

enum ObjectKind {
    Activity(String),
    Agent,
    StatementRef(Uuid),
    SubStatement,
}

impl Walk {
    /// What statements and sub-statements share: actor, verb, object, result, context,
    /// timestamp, attachments.
    fn body(&mut self, m: &Map<String, Value>, p: &Path<'_>) -> Result<Core, XapiError> {
        let actor = m
            .get("actor")
            .ok_or_else(|| fail("XAPI-00003", p, "needs an actor"))?;
        let actor_ifi = self
            .agent_or_group(actor, &p.key("actor"), Role::Actor)?
            .unwrap_or_default();

        let verb = m
            .get("verb")
            .ok_or_else(|| fail("XAPI-00004", p, "needs a verb"))?;
        let vp = p.key("verb");
        let vm = object(verb, &vp, "XAPI-00044")?;
        keys(vm, &["id", "display"], &vp)?;
        let verb_id = iri(
            vm.get("id")
                .ok_or_else(|| fail("XAPI-00044", &vp, "needs an id"))?,
            &vp.key("id"),
            "XAPI-00044",
        )?;
        if let Some(d) = vm.get("display") {
            language_map(d, &vp.key("display"), "XAPI-00045")?;
        }

        let object = m
            .get("object")
            .ok_or_else(|| fail("XAPI-00005", p, "needs an object"))?;
        let op = p.key("object");
        let kind = self.object(object, &op, p.up.is_some())?;
        let voids = match (&kind, verb_id == VOIDED) {
            (ObjectKind::StatementRef(id), true) => Some(*id),
            (_, true) => {
                return Err(fail(
                    "XAPI-00017",
                    &op,
                    "must be a StatementRef when the verb is voided (XAPI-00020)",
                ));
            }
            _ => None,
        };
        let is_activity = matches!(kind, ObjectKind::Activity(_));

        if let Some(r) = m.get("result") {
            result(r, &p.key("result"))?;
        }
        let registration = match m.get("context") {
            Some(c) => self.context(c, &p.key("context"), is_activity)?,
            None => None,
        };
        if let Some(t) = m.get("timestamp") {
            timestamp(t, &p.key("timestamp"), "XAPI-00022")?;
        }
        if let Some(a) = m.get("attachments") {
            self.attachments(a, &p.key("attachments"))?;
        }
        Ok(Core {
            verb_id: verb_id.to_owned(),
            actor_ifi,
            activity_id: match kind {
                ObjectKind::Activity(id) => Some(id),
                _ => None,
            },
            voids,
            registration,
        })
    }

    fn object(&mut self, v: &Value, p: &Path<'_>, in_sub: bool) -> Result<ObjectKind, XapiError> {
        let m = object(v, p, "XAPI-00006")?;
        let ty = match m.get("objectType") {
            Some(t) => enumerated(
                string(t, &p.key("objectType"), "XAPI-00046")?,
                &["Activity", "Agent", "Group", "SubStatement", "StatementRef"],
                &p.key("objectType"),
                "XAPI-00046",
            )?,
            None if ["mbox", "mbox_sha1sum", "openid", "account", "member"]
                .iter()
                .any(|k| m.contains_key(*k)) =>
            {
                return Err(fail(
                    "XAPI-00065",
                    p,
                    "looks like an Agent or Group and must say objectType",
                ));
            }
            None => "Activity",
        };
        match ty {
            "Activity" => Ok(ObjectKind::Activity(self.activity(v, p)?)),
            "Agent" | "Group" => {
                self.agent_or_group(v, p, Role::Object)?;
                Ok(ObjectKind::Agent)
            }
            "StatementRef" => Ok(ObjectKind::StatementRef(statement_ref(v, p, "XAPI-00072")?)),
            _ => {
                if in_sub {
                    return Err(fail(
                        "XAPI-00071",
                        p,
                        "a SubStatement cannot contain a SubStatement",
                    ));
                }
                self.sub_statement(m, p)?;
                Ok(ObjectKind::SubStatement)
            }
        }
    }

    fn sub_statement(&mut self, m: &Map<String, Value>, p: &Path<'_>) -> Result<(), XapiError> {
        for (key, req) in [
            ("id", "XAPI-00070"),
            ("stored", "XAPI-00069"),
            ("version", "XAPI-00068"),
            ("authority", "XAPI-00067"),
        ] {
            if m.contains_key(key) {
                return Err(fail(
                    req,
                    p,
                    &format!("is a SubStatement and cannot have {key:?}"),
                ));
            }
        }
        keys(
            m,
            &[
                "objectType",
                "actor",
                "verb",
                "object",
                "result",
                "context",
                "timestamp",
                "attachments",
            ],
            p,
        )?;
        self.body(m, p)?;
        Ok(())
    }

    fn activity(&mut self, v: &Value, p: &Path<'_>) -> Result<String, XapiError> {
        let m = object(v, p, "XAPI-00006")?;
        keys(m, &["objectType", "id", "definition"], p)?;
        if let Some(t) = m.get("objectType") {
            enumerated(
                string(t, &p.key("objectType"), "XAPI-00032")?,
                &["Activity"],
                &p.key("objectType"),
                "XAPI-00046",
            )?;
        }
        let id = iri(
            m.get("id")
                .ok_or_else(|| fail("XAPI-00047", p, "needs an id"))?,
            &p.key("id"),
            "XAPI-00047",
        )?;
        if let Some(d) = m.get("definition") {
            definition(d, &p.key("definition"))?;
        }
        push_unique(&mut self.activities, id);
        Ok(id.to_owned())
    }

    /// An Agent or Group in the given role; returns its IFI (None for an anonymous group).
    fn agent_or_group(
        &mut self,
        v: &Value,
        p: &Path<'_>,
        role: Role,
    ) -> Result<Option<String>, XapiError> {
        let m = object(v, p, "XAPI-00006")?;
        let otp = p.key("objectType");
        let is_group = match m.get("objectType") {
            Some(t) => {
                let t = string(t, &otp, "XAPI-00032")?;
                let allowed: &[&str] = match role {
                    Role::Member | Role::ContextAgent => &["Agent"],
                    Role::Team | Role::ContextGroup => &["Group"],
                    _ => &["Agent", "Group"],
                };
                let req = match role {
                    Role::Member => "XAPI-00036",
                    Role::Team => "XAPI-00088",
                    _ => "XAPI-00031",
                };
                enumerated(t, allowed, &otp, req)? == "Group"
            }
            None if role == Role::Object => {
                return Err(fail(
                    "XAPI-00065",
                    p,
                    "is an Agent or Group as object and must say objectType",
                ));
            }
            None if matches!(role, Role::Team | Role::ContextGroup) => {
                return Err(fail(
                    "XAPI-00088",
                    p,
                    "must be a Group (objectType \"Group\")",
                ));
            }
            None => false,
        };
        if is_group {
            keys(
                m,
                &[
                    "objectType",
                    "name",
                    "mbox",
                    "mbox_sha1sum",
                    "openid",
                    "account",
                    "member",
                ],
                p,
            )?;
        } else {
            keys(
                m,
                &[
                    "objectType",
                    "name",
                    "mbox",
                    "mbox_sha1sum",
                    "openid",
                    "account",
                ],
                p,
            )?;
        }
        if let Some(n) = m.get("name") {
            string(n, &p.key("name"), "XAPI-00033")?;
        }
        let ifi = ifi(m, p, is_group)?;
        if is_group {
            match m.get("member") {
                Some(members) => {
                    let mp = p.key("member");
                    let list = array(members, &mp, "XAPI-00036")?;
                    if ifi.is_none() && list.is_empty() {
                        return Err(fail(
                            "XAPI-00035",
                            &mp,
                            "of an anonymous Group must name its members",
                        ));
                    }
                    if role == Role::Authority && list.len() != 2 {
                        return Err(fail(
                            "XAPI-00098",
                            &mp,
                            "of a Group authority must be exactly two Agents (an OAuth consumer and user)",
                        ));
                    }
                    for (i, a) in list.iter().enumerate() {
                        self.agent_or_group(a, &mp.at(i), Role::Member)?;
                    }
                }
                None if ifi.is_none() => {
                    return Err(fail(
                        "XAPI-00035",
                        p,
                        "is an anonymous Group and needs a member list",
                    ));
                }
                None => {}
            }
            if role == Role::Authority && ifi.is_some() {
                return Err(fail(
                    "XAPI-00024",
                    p,
                    "as authority must be an Agent or an anonymous Group of two Agents",
                ));
            }
            if role == Role::Authority && m.get("member").is_none() {
                return Err(fail(
                    "XAPI-00098",
                    p,
                    "as authority needs exactly two members",
                ));
            }
        } else if ifi.is_none() {
            return Err(fail(
                "XAPI-00034",
                p,
                "is an Agent and needs exactly one of mbox, mbox_sha1sum, openid or account",
            ));
        }
        if let Some(id) = &ifi {
            push_unique(&mut self.agents, id);
        }
        Ok(ifi)
    }

    fn authority(&mut self, v: &Value, p: &Path<'_>) -> Result<(), XapiError> {
        self.agent_or_group(v, p, Role::Authority).map(|_| ())
    }

    fn context(
        &mut self,
        v: &Value,
        p: &Path<'_>,
        object_is_activity: bool,
    ) -> Result<Option<Uuid>, XapiError> {
        let m = object(v, p, "XAPI-00006")?;
        let v1: &[&str] = &[
            "registration",
            "instructor",
            "team",
            "contextActivities",
            "revision",
            "platform",
            "language",
            "statement",
            "extensions",
        ];
        let v2: &[&str] = &[
            "registration",
            "instructor",
            "team",
            "contextActivities",
            "revision",
            "platform",
            "language",
            "statement",
            "extensions",
            "contextAgents",
            "contextGroups",
        ];
        keys(
            m,
            if self.version == Version::V2_0 {
                v2
            } else {
                v1
            },
            p,
        )?;
        let registration = m
            .get("registration")
            .map(|r| uuid(r, &p.key("registration"), "XAPI-00087"))
            .transpose()?;
        if let Some(i) = m.get("instructor") {
            self.agent_or_group(i, &p.key("instructor"), Role::Instructor)?;
        }
        if let Some(t) = m.get("team") {
            self.agent_or_group(t, &p.key("team"), Role::Team)?;
        }
        if let Some(ca) = m.get("contextActivities") {
            let cp = p.key("contextActivities");
            let cm = object(ca, &cp, "XAPI-00086")?;
            keys(cm, &["parent", "grouping", "category", "other"], &cp).map_err(|e| XapiError {
                requirement: "XAPI-00093",
                ..e
            })?;
            for (k, list) in cm {
                let kp = cp.key(k);
                match list {
                    Value::Array(items) => {
                        for (i, a) in items.iter().enumerate() {
                            self.context_activity(a, &kp.at(i))?;
                        }
                    }
                    one => self.context_activity(one, &kp)?,
                }
            }
        }
        for (key, req, order) in [
            ("revision", "XAPI-00089", "XAPI-00084"),
            ("platform", "XAPI-00090", "XAPI-00085"),
        ] {
            if let Some(s) = m.get(key) {
                string(s, &p.key(key), req)?;
                if !object_is_activity {
                    return Err(fail(
                        order,
                        &p.key(key),
                        "is only allowed when the object is an Activity",
                    ));
                }
            }
        }
        if let Some(l) = m.get("language") {
            let lp = p.key("language");
            if !text::is_language_tag(string(l, &lp, "XAPI-00091")?) {
                return Err(fail(
                    "XAPI-00007",
                    &lp,
                    "must be an RFC 5646 language tag, e.g. en-US",
                ));
            }
        }
        if let Some(s) = m.get("statement") {
            let sp = p.key("statement");
            let sm = object(s, &sp, "XAPI-00092")?;
            match sm.get("objectType") {
                Some(Value::String(t)) if t == "StatementRef" => {}
                _ => {
                    return Err(fail(
                        "XAPI-00092",
                        &sp,
                        "must be a StatementRef (objectType \"StatementRef\")",
                    ));
                }
            }
            statement_ref(s, &sp, "XAPI-00092")?;
        }
        if let Some(e) = m.get("extensions") {
            extensions(e, &p.key("extensions"), "XAPI-00120")?;
        }
        for (key, inner, ty, role) in [
            ("contextAgents", "agent", "contextAgent", Role::ContextAgent),
            ("contextGroups", "group", "contextGroup", Role::ContextGroup),
        ] {
            let Some(list) = m.get(key) else { continue };
            let lp = p.key(key);
            for (i, item) in array(list, &lp, "XAPI-00006")?.iter().enumerate() {
                let ip = lp.at(i);
                let im = object(item, &ip, "XAPI-00006")?;
                keys(im, &["objectType", inner, "relevantTypes"], &ip)?;
                let otp = ip.key("objectType");
                match im.get("objectType") {
                    Some(t) => {
                        enumerated(string(t, &otp, "XAPI-00006")?, &[ty], &otp, "XAPI-00006")?;
                    }
                    None => {
                        return Err(fail("XAPI-00006", &ip, &format!("needs objectType {ty:?}")));
                    }
                }
                let who = im
                    .get(inner)
                    .ok_or_else(|| fail("XAPI-00006", &ip, &format!("needs {inner:?}")))?;
                self.agent_or_group(who, &ip.key(inner), role)?;
                if let Some(rt) = im.get("relevantTypes") {
                    let rp = ip.key("relevantTypes");
                    let types = array(rt, &rp, "XAPI-00006")?;
                    if types.is_empty() {
                        return Err(fail("XAPI-00006", &rp, "must not be empty when present"));
                    }
                    for (j, t) in types.iter().enumerate() {
                        iri(t, &rp.at(j), "XAPI-00006")?;
                    }
                }
            }
        }
        Ok(registration)
    }

    fn context_activity(&mut self, v: &Value, p: &Path<'_>) -> Result<(), XapiError> {
        object(v, p, "XAPI-00094")?;
        self.activity(v, p).map(|_| ())
    }

    fn attachments(&mut self, v: &Value, p: &Path<'_>) -> Result<(), XapiError> {
        for (i, a) in array(v, p, "XAPI-00025")?.iter().enumerate() {
            let ap = p.at(i);
            let m = object(a, &ap, "XAPI-00025")?;
            keys(
                m,
                &[
                    "usageType",
                    "display",
                    "description",
                    "contentType",
                    "length",
                    "sha2",
                    "fileUrl",
                ],
                &ap,
            )?;
            let need = |k: &str, req| {
                m.get(k)
                    .ok_or_else(|| fail(req, &ap, &format!("needs {k:?}")))
            };
            iri(
                need("usageType", "XAPI-00107")?,
                &ap.key("usageType"),
                "XAPI-00107",
            )?;
            language_map(
                need("display", "XAPI-00106")?,
                &ap.key("display"),
                "XAPI-00106",
            )?;
            if let Some(d) = m.get("description") {
                language_map(d, &ap.key("description"), "XAPI-00106")?;
            }
            let ct = string(
                need("contentType", "XAPI-00105")?,
                &ap.key("contentType"),
                "XAPI-00105",
            )?;
            if !text::is_media_type(ct) {
                return Err(fail(
                    "XAPI-00105",
                    &ap.key("contentType"),
                    "must be a media type such as text/plain",
                ));
            }
            match need("length", "XAPI-00102")? {
                Value::Number(n) if n.is_u64() => {}
                _ => {
                    return Err(fail(
                        "XAPI-00102",
                        &ap.key("length"),
                        "must be a non-negative integer",
                    ));
                }
            }
            let sha2 = string(need("sha2", "XAPI-00103")?, &ap.key("sha2"), "XAPI-00103")?;
            if !text::is_sha2_hex(sha2) {
                return Err(fail(
                    "XAPI-00103",
                    &ap.key("sha2"),
                    "must be a hexadecimal SHA-2 digest of the attachment",
                ));
            }
            if let Some(u) = m.get("fileUrl") {
                iri(u, &ap.key("fileUrl"), "XAPI-00104")?;
            }
            push_unique(&mut self.hashes, sha2);
        }
        Ok(())
    }
}

/// The one IFI of an Agent or identified Group, as [`crate::agent_ifi`] spells it.
fn ifi(m: &Map<String, Value>, p: &Path<'_>, is_group: bool) -> Result<Option<String>, XapiError> {
    let many = if is_group { "XAPI-00037" } else { "XAPI-00034" };
    let mut found: Option<String> = None;
    let mut set = |s: String| -> Result<(), XapiError> {
        if found.is_some() {
            return Err(fail(
                many,
                p,
                "must use only one of mbox, mbox_sha1sum, openid and account",
            ));
        }
        found = Some(s);
        Ok(())
    };
    if let Some(v) = m.get("mbox") {
        let mp = p.key("mbox");
        let s = string(v, &mp, "XAPI-00038")?;
        if !text::is_mailto(s) {
            return Err(fail(
                "XAPI-00038",
                &mp,
                "must be mailto: followed by an e-mail address",
            ));
        }
        set(format!("mbox:{s}"))?;
    }
    if let Some(v) = m.get("mbox_sha1sum") {
        let mp = p.key("mbox_sha1sum");
        let s = string(v, &mp, "XAPI-00039")?;
        if !text::is_sha1_hex(s) {
            return Err(fail(
                "XAPI-00039",
                &mp,
                "must be the 40 hexadecimal digits of a SHA-1 hash",
            ));
        }
        set(format!("mbox_sha1sum:{}", s.to_ascii_lowercase()))?;
    }
    if let Some(v) = m.get("openid") {
        let s = iri(v, &p.key("openid"), "XAPI-00040")?;
        set(format!("openid:{s}"))?;
    }
    if let Some(v) = m.get("account") {
        let ap = p.key("account");
        let am = object(v, &ap, "XAPI-00041")?;
        keys(am, &["homePage", "name"], &ap)?;
        let home = iri(
            am.get("homePage")
                .ok_or_else(|| fail("XAPI-00042", &ap, "needs a homePage"))?,
            &ap.key("homePage"),
            "XAPI-00042",
        )?;
        let name = string(
            am.get("name")
                .ok_or_else(|| fail("XAPI-00043", &ap, "needs a name"))?,
            &ap.key("name"),
            "XAPI-00043",
        )?;
        if name.is_empty() {
            return Err(fail("XAPI-00043", &ap.key("name"), "must not be empty"));
        }
        set(format!("account:{home}|{name}"))?;
    }
    Ok(found)
}

fn statement_ref(v: &Value, p: &Path<'_>, req: &'static str) -> Result<Uuid, XapiError> {
    let m = object(v, p, req)?;
    keys(m, &["objectType", "id"], p)?;
    let id = m
        .get("id")
        .ok_or_else(|| fail("XAPI-00072", p, "is a StatementRef and needs an id"))?;
    uuid(id, &p.key("id"), "XAPI-00072")
}

const INTERACTION_TYPES: &[&str] = &[
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
];

fn definition(v: &Value, p: &Path<'_>) -> Result<(), XapiError> {
    let m = object(v, p, "XAPI-00048")?;
    keys(
        m,
        &[
            "name",
            "description",
            "type",
            "moreInfo",
            "extensions",
            "interactionType",
            "correctResponsesPattern",
            "choices",
            "scale",
            "source",
            "target",
            "steps",
        ],
        p,
    )?;
    if let Some(n) = m.get("name") {
        language_map(n, &p.key("name"), "XAPI-00056")?;
    }
    if let Some(d) = m.get("description") {
        language_map(d, &p.key("description"), "XAPI-00059")?;
    }
    if let Some(t) = m.get("type") {
        iri(t, &p.key("type"), "XAPI-00060")?;
    }
    if let Some(u) = m.get("moreInfo") {
        iri(u, &p.key("moreInfo"), "XAPI-00061")?;
    }
    if let Some(e) = m.get("extensions") {
        extensions(e, &p.key("extensions"), "XAPI-00057")?;
    }
    let interaction = match m.get("interactionType") {
        Some(t) => {
            let tp = p.key("interactionType");
            Some(enumerated(
                string(t, &tp, "XAPI-00049")?,
                INTERACTION_TYPES,
                &tp,
                "XAPI-00049",
            )?)
        }
        None => None,
    };
    if let Some(c) = m.get("correctResponsesPattern") {
        let cp = p.key("correctResponsesPattern");
        if interaction.is_none() {
            return Err(fail(
                "XAPI-00064",
                &cp,
                "needs an interactionType beside it",
            ));
        }
        for (i, s) in array(c, &cp, "XAPI-00006")?.iter().enumerate() {
            string(s, &cp.at(i), "XAPI-00006")?;
        }
    }
    for (key, fits) in [
        ("choices", &["choice", "sequencing"][..]),
        ("scale", &["likert"][..]),
        ("source", &["matching"][..]),
        ("target", &["matching"][..]),
        ("steps", &["performance"][..]),
    ] {
        let Some(list) = m.get(key) else { continue };
        let kp = p.key(key);
        match interaction {
            None => {
                return Err(fail(
                    "XAPI-00064",
                    &kp,
                    "needs an interactionType beside it",
                ));
            }
            Some(t) if !fits.contains(&t) => {
                return Err(fail(
                    "XAPI-00064",
                    &kp,
                    &format!("does not belong to interactionType {t:?}"),
                ));
            }
            Some(_) => {}
        }
        let items = array(list, &kp, "XAPI-00006")?;
        for (i, c) in items.iter().enumerate() {
            let cp = kp.at(i);
            let cm = object(c, &cp, "XAPI-00006")?;
            keys(cm, &["id", "description"], &cp)?;
            let id = string(
                cm.get("id")
                    .ok_or_else(|| fail("XAPI-00006", &cp, "needs an id"))?,
                &cp.key("id"),
                "XAPI-00006",
            )?;
            if id.is_empty() {
                return Err(fail("XAPI-00013", &cp.key("id"), "must not be empty"));
            }
            if items[..i]
                .iter()
                .any(|o| o.get("id").and_then(Value::as_str) == Some(id))
            {
                return Err(fail(
                    "XAPI-00006",
                    &cp.key("id"),
                    "repeats an id used earlier in the list",
                ));
            }
            if let Some(d) = cm.get("description") {
                language_map(d, &cp.key("description"), "XAPI-00006")?;
            }
        }
    }
    Ok(())
}

fn result(v: &Value, p: &Path<'_>) -> Result<(), XapiError> {
    let m = object(v, p, "XAPI-00006")?;
    keys(
        m,
        &[
            "score",
            "success",
            "completion",
            "response",
            "duration",
            "extensions",
        ],
        p,
    )?;
    if let Some(s) = m.get("score") {
        let sp = p.key("score");
        let sm = object(s, &sp, "XAPI-00079")?;
        keys(sm, &["scaled", "raw", "min", "max"], &sp)?;
        let get = |k: &str, req| sm.get(k).map(|v| number(v, &sp.key(k), req)).transpose();
        let scaled = get("scaled", "XAPI-00083")?;
        let raw = get("raw", "XAPI-00082")?;
        let min = get("min", "XAPI-00081")?;
        let max = get("max", "XAPI-00080")?;
        if scaled.is_some_and(|s| !(-1.0..=1.0).contains(&s)) {
            return Err(fail(
                "XAPI-00083",
                &sp.key("scaled"),
                "must be between -1 and 1",
            ));
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            return Err(fail("XAPI-00081", &sp.key("min"), "must not exceed max"));
        }
        if let Some(r) = raw
            && (min.is_some_and(|lo| r < lo) || max.is_some_and(|hi| r > hi))
        {
            return Err(fail(
                "XAPI-00082",
                &sp.key("raw"),
                "must lie between min and max",
            ));
        }
    }
    if let Some(b) = m.get("success") {
        boolean(b, &p.key("success"), "XAPI-00074")?;
    }
    if let Some(b) = m.get("completion") {
        boolean(b, &p.key("completion"), "XAPI-00075")?;
    }
    if let Some(r) = m.get("response") {
        string(r, &p.key("response"), "XAPI-00076")?;
    }
    if let Some(d) = m.get("duration") {
        let dp = p.key("duration");
        if !text::is_duration(string(d, &dp, "XAPI-00077")?) {
            return Err(fail(
                "XAPI-00124",
                &dp,
                "must be an ISO 8601 duration such as PT1H30M",
            ));
        }
    }
    if let Some(e) = m.get("extensions") {
        extensions(e, &p.key("extensions"), "XAPI-00078")?;
    }
    Ok(())
}

/// An Agent or identified Group given as a query or document parameter, as its IFI.
pub(crate) fn agent_parameter(v: &Value, p: &Path<'_>) -> Result<String, XapiError> {
    let mut w = Walk {
        version: Version::V2_0,
        activities: Vec::new(),
        agents: Vec::new(),
        hashes: Vec::new(),
    };
    w.agent_or_group(v, p, Role::Actor)?
        .ok_or_else(|| fail("XAPI-00034", p, "must be an Agent or an identified Group"))
}

/// The IFI of a value already valid, or None.
pub(crate) fn ifi_of(v: &Value) -> Option<String> {
    let m = v.as_object()?;
    let p = Path::root("agent");
    let is_group = m.get("objectType").and_then(Value::as_str) == Some("Group");
    ifi(m, &p, is_group).ok().flatten()
}
