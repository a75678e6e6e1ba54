//! xAPI Document Resources (State, Activity Profile, Agent Profile) and the Agents and
//! Activities resources, for one organization's LRS.
//!
//! The LRS key that called already decides the organization; there is no further permission
//! to check. Documents are learners' working data written at a high rate by content, so their
//! changes are not audit events (the keys that write them are).

use cairn_lrs::XapiError;
use cairn_store::{DocScope, DocumentRow};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::{App, AppError};

/// Which Document Resource a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    State,
    ActivityProfile,
    AgentProfile,
}

impl DocKind {
    fn as_str(self) -> &'static str {
        match self {
            DocKind::State => "state",
            DocKind::ActivityProfile => "activity_profile",
            DocKind::AgentProfile => "agent_profile",
        }
    }

    /// The section of xAPI 2.0 (Part Three, Document Resources) errors name.
    fn section(self) -> &'static str {
        match self {
            DocKind::State => "xAPI 2.0 State Resource",
            DocKind::ActivityProfile => "xAPI 2.0 Activity Profile Resource",
            DocKind::AgentProfile => "xAPI 2.0 Agent Profile Resource",
        }
    }

    fn id_param(self) -> &'static str {
        match self {
            DocKind::State => "stateId",
            DocKind::ActivityProfile | DocKind::AgentProfile => "profileId",
        }
    }
}

/// What a request does with documents: which parameters it takes follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocMethod {
    Get,
    Put,
    Post,
    Delete,
}

/// A checked request for documents: the scope, and one document or (without `doc_id`) all.
#[derive(Debug, Clone, PartialEq)]
pub struct DocTarget {
    pub kind: DocKind,
    pub activity_id: String,
    pub agent_ifi: String,
    pub registration: String,
    pub doc_id: Option<String>,
    pub since: Option<OffsetDateTime>,
}

impl DocTarget {
    fn scope(&self, org: Uuid) -> DocScope {
        DocScope {
            org_id: org,
            kind: self.kind.as_str(),
            activity_id: self.activity_id.clone(),
            agent_ifi: self.agent_ifi.clone(),
            registration: self.registration.clone(),
        }
    }
}

/// `If-Match` / `If-None-Match` as the client sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preconditions {
    pub if_match: Option<String>,
    pub if_none_match: Option<String>,
}

/// A document as stored and served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub content_type: String,
    pub content: Vec<u8>,
    /// Quoted, as the `ETag` header carries it.
    pub etag: String,
    pub updated: OffsetDateTime,
}

/// Why a document request failed; each maps to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// 400.
    #[error("{0}")]
    Invalid(#[from] XapiError),
    /// 404.
    #[error("no such document")]
    NotFound,
    /// 412.
    #[error("{0}")]
    PreconditionFailed(String),
    /// 409.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    App(#[from] AppError),
}

impl From<cairn_store::StoreError> for DocError {
    fn from(e: cairn_store::StoreError) -> Self {
        DocError::App(e.into())
    }
}

/// Check the query parameters of a Document Resource request strictly: every required one
/// present once, nothing unknown, each well formed.
pub fn parse_doc_params(
    kind: DocKind,
    method: DocMethod,
    params: &[(String, String)],
) -> Result<DocTarget, XapiError> {
    let sec = kind.section();
    let id_param = kind.id_param();
    let mut allowed: Vec<&str> = match kind {
        DocKind::State => vec!["activityId", "agent", "registration", "stateId"],
        DocKind::ActivityProfile => vec!["activityId", "profileId"],
        DocKind::AgentProfile => vec!["agent", "profileId"],
    };
    if method == DocMethod::Get {
        allowed.push("since");
    }
    for (i, (k, _)) in params.iter().enumerate() {
        if !allowed.contains(&k.as_str()) {
            return Err(XapiError::new(
                sec,
                format!(
                    "parameter '{k}' is not accepted here; this request takes {}",
                    allowed.join(", ")
                ),
            ));
        }
        if params[..i].iter().any(|(k2, _)| k2 == k) {
            return Err(XapiError::new(
                sec,
                format!("parameter '{k}' is given more than once"),
            ));
        }
    }
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let need = |name: &str| {
        get(name).ok_or_else(|| XapiError::new(sec, format!("parameter '{name}' is required")))
    };

    let activity_id = if allowed.contains(&"activityId") {
        let a = need("activityId")?;
        if !cairn_lrs::text::is_iri(a) {
            return Err(XapiError::new(
                sec,
                format!("activityId '{a}' must be an IRI (a scheme, ':' and no spaces)"),
            ));
        }
        a.to_owned()
    } else {
        String::new()
    };
    let agent_ifi = if allowed.contains(&"agent") {
        let raw = need("agent")?;
        let v: Value = serde_json::from_str(raw)
            .map_err(|e| XapiError::new(sec, format!("parameter 'agent' must be JSON: {e}")))?;
        cairn_lrs::agent_parameter(&v, "agent")?
    } else {
        String::new()
    };
    let registration = match get("registration") {
        Some(r) => Uuid::parse_str(r)
            .map_err(|_| XapiError::new(sec, format!("registration '{r}' must be a UUID")))?
            .hyphenated()
            .to_string(),
        None => String::new(),
    };
    let doc_id = match get(id_param) {
        Some("") => {
            return Err(XapiError::new(
                sec,
                format!("parameter '{id_param}' must not be empty"),
            ));
        }
        Some(d) => Some(d.to_owned()),
        None => None,
    };
    let id_required = match method {
        DocMethod::Put | DocMethod::Post => true,
        DocMethod::Delete => kind != DocKind::State,
        DocMethod::Get => false,
    };
    if id_required && doc_id.is_none() {
        return Err(XapiError::new(
            sec,
            format!("parameter '{id_param}' is required"),
        ));
    }
    let since = match get("since") {
        Some(_) if doc_id.is_some() => {
            return Err(XapiError::new(
                sec,
                format!("'since' lists ids and cannot be combined with '{id_param}'"),
            ));
        }
        Some(s) => Some(OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
            XapiError::new(
                sec,
                format!("since '{s}' must be an ISO 8601 timestamp with a time zone"),
            )
        })?),
        None => None,
    };
    Ok(DocTarget {
        kind,
        activity_id,
        agent_ifi,
        registration,
        doc_id,
        since,
    })
}

/// Parse the `agent` parameter of the Agents resource.
pub fn parse_agents_params(params: &[(String, String)]) -> Result<(Value, String), XapiError> {
    let sec = "xAPI 2.0 Agents Resource";
    let raw = only_param(sec, params, "agent")?;
    let v: Value = serde_json::from_str(raw)
        .map_err(|e| XapiError::new(sec, format!("parameter 'agent' must be JSON: {e}")))?;
    let ifi = cairn_lrs::agent_parameter(&v, "agent")?;
    Ok((v, ifi))
}

/// Parse the `activityId` parameter of the Activities resource.
pub fn parse_activities_params(params: &[(String, String)]) -> Result<String, XapiError> {
    let sec = "xAPI 2.0 Activities Resource";
    let a = only_param(sec, params, "activityId")?;
    if !cairn_lrs::text::is_iri(a) {
        return Err(XapiError::new(
            sec,
            format!("activityId '{a}' must be an IRI (a scheme, ':' and no spaces)"),
        ));
    }
    Ok(a.to_owned())
}

fn only_param<'p>(
    sec: &'static str,
    params: &'p [(String, String)],
    name: &str,
) -> Result<&'p str, XapiError> {
    if let Some((k, _)) = params.iter().find(|(k, _)| k != name) {
        return Err(XapiError::new(
            sec,
            format!("parameter '{k}' is not accepted here; this request takes {name}"),
        ));
    }
    match params {
        [(_, v)] => Ok(v),
        [] => Err(XapiError::new(
            sec,
            format!("parameter '{name}' is required"),
        )),
        _ => Err(XapiError::new(
            sec,
            format!("parameter '{name}' is given more than once"),
        )),
    }
}

/// The quoted entity tag of some content.
pub fn etag_of(content: &[u8]) -> String {
    format!("\"{}\"", hex::encode(Sha256::digest(content)))
}

fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// Does a header's list of entity tags name `etag`? Compared without quotes, weakness or case,
/// since clients echo tags in different forms.
fn names_etag(header: &str, etag: &str) -> bool {
    let bare = |t: &str| {
        t.trim()
            .trim_start_matches("W/")
            .trim_matches('"')
            .to_ascii_lowercase()
    };
    let want = bare(etag);
    header
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == want)
}

/// RFC 7232's preconditions against what is stored now.
fn check_preconditions(pre: &Preconditions, current: Option<&str>) -> Result<(), DocError> {
    if let Some(m) = &pre.if_match {
        match current {
            Some(etag) if names_etag(m, etag) => {}
            Some(_) => {
                return Err(DocError::PreconditionFailed(
                    "If-Match does not name the document's current ETag: it changed since it was read; GET it again".into(),
                ));
            }
            None => {
                return Err(DocError::PreconditionFailed(
                    "If-Match names a document that does not exist".into(),
                ));
            }
        }
    }
    if let Some(n) = &pre.if_none_match
        && let Some(etag) = current
        && names_etag(n, etag)
    {
        return Err(DocError::PreconditionFailed(
            "If-None-Match: the document already exists".into(),
        ));
    }
    Ok(())
}

fn json_object(
    bytes: &[u8],
    what: &str,
    sec: &'static str,
) -> Result<Map<String, Value>, DocError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(DocError::Invalid(XapiError::new(
            sec,
            format!("POST merges JSON objects, and the {what} document is not a JSON object"),
        ))),
    }
}

impl App {
    /// One document.
    pub async fn xapi_document(&self, org: Uuid, t: &DocTarget) -> Result<Document, DocError> {
        let Some(id) = &t.doc_id else {
            return Err(DocError::NotFound);
        };
        let mut r = self.store.reader().await?;
        let row = r
            .conn()
            .xapi_document(&t.scope(org), id)
            .await?
            .ok_or(DocError::NotFound)?;
        Ok(Document {
            content_type: row.content_type,
            content: row.content,
            etag: row.etag,
            updated: row.updated,
        })
    }

    /// The ids of the documents in the target's scope changed after `since` (all without),
    /// with the latest change among them.
    pub async fn xapi_document_ids(
        &self,
        org: Uuid,
        t: &DocTarget,
    ) -> Result<(Vec<String>, Option<OffsetDateTime>), DocError> {
        let mut r = self.store.reader().await?;
        let stamps = r.conn().xapi_document_stamps(&t.scope(org)).await?;
        let kept: Vec<_> = stamps
            .into_iter()
            .filter(|s| t.since.is_none_or(|since| s.updated > since))
            .collect();
        let latest = kept.iter().map(|s| s.updated).max();
        Ok((kept.into_iter().map(|s| s.doc_id).collect(), latest))
    }

    /// PUT: store the document as sent, replacing any. Returns the new ETag.
    pub async fn put_xapi_document(
        &self,
        org: Uuid,
        t: &DocTarget,
        pre: &Preconditions,
        content_type: &str,
        content: Vec<u8>,
    ) -> Result<String, DocError> {
        self.write_document(org, t, pre, content_type, content, false)
            .await
    }

    /// POST: merge a JSON object into the stored one (top-level properties sent replace
    /// those stored), or store it when there is none. Returns the new ETag.
    pub async fn post_xapi_document(
        &self,
        org: Uuid,
        t: &DocTarget,
        pre: &Preconditions,
        content_type: &str,
        content: Vec<u8>,
    ) -> Result<String, DocError> {
        self.write_document(org, t, pre, content_type, content, true)
            .await
    }

    async fn write_document(
        &self,
        org: Uuid,
        t: &DocTarget,
        pre: &Preconditions,
        content_type: &str,
        content: Vec<u8>,
        merge: bool,
    ) -> Result<String, DocError> {
        let sec = t.kind.section();
        let Some(id) = &t.doc_id else {
            return Err(DocError::Invalid(XapiError::new(
                sec,
                format!("parameter '{}' is required", t.kind.id_param()),
            )));
        };
        if is_json(content_type) && serde_json::from_slice::<Value>(&content).is_err() {
            return Err(DocError::Invalid(XapiError::new(
                sec,
                "the document's Content-Type is application/json but its body is not JSON",
            )));
        }
        let scope = t.scope(org);
        let mut tx = self.store.begin().await?;
        let existing = tx.conn().xapi_document(&scope, id).await?;
        check_preconditions(pre, existing.as_ref().map(|d| d.etag.as_str()))?;
        let (content_type, content) = match existing {
            Some(old) if merge => {
                if !is_json(content_type) || !is_json(&old.content_type) {
                    return Err(DocError::Invalid(XapiError::new(
                        sec,
                        "POST merges only when both the stored and the sent document are application/json; PUT to replace it",
                    )));
                }
                let mut stored = json_object(&old.content, "stored", sec)?;
                stored.extend(json_object(&content, "sent", sec)?);
                (
                    "application/json".to_owned(),
                    Value::Object(stored).to_string().into_bytes(),
                )
            }
            // xAPI 2.0 asks this of every Document Resource, State too (1.0.3 only of profiles).
            Some(_) if pre.if_match.is_none() && pre.if_none_match.is_none() => {
                return Err(DocError::Conflict(
                    "this document exists: send If-Match with its ETag to replace it (or If-None-Match: * to create only)".into(),
                ));
            }
            _ if merge && is_json(content_type) => {
                json_object(&content, "sent", sec)?;
                (content_type.to_owned(), content)
            }
            _ => (content_type.to_owned(), content),
        };
        let etag = etag_of(&content);
        let row = DocumentRow {
            doc_id: id.clone(),
            content_type,
            content,
            etag: etag.clone(),
            updated: self.now(),
        };
        tx.conn().put_xapi_document(&scope, &row).await?;
        tx.commit().await?;
        Ok(etag)
    }

    /// DELETE one document (preconditions checked) or, for State without an id, all in scope.
    pub async fn delete_xapi_documents(
        &self,
        org: Uuid,
        t: &DocTarget,
        pre: &Preconditions,
    ) -> Result<(), DocError> {
        let scope = t.scope(org);
        let mut tx = self.store.begin().await?;
        if let Some(id) = &t.doc_id {
            let existing = tx.conn().xapi_document(&scope, id).await?;
            check_preconditions(pre, existing.as_ref().map(|d| d.etag.as_str()))?;
        }
        tx.conn()
            .delete_xapi_documents(&scope, t.doc_id.as_deref())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The Person the LRS knows for an agent: its identifier and every name stored
    /// statements gave it.
    pub async fn xapi_person(
        &self,
        org: Uuid,
        agent: &Value,
        ifi: &str,
    ) -> Result<Value, DocError> {
        let mut r = self.store.reader().await?;
        let statements = r.conn().xapi_statements_by_actor(org, ifi, 500).await?;
        let mut names: Vec<Value> = Vec::new();
        let mut push = |n: Option<&Value>| {
            if let Some(n @ Value::String(_)) = n
                && !names.contains(n)
            {
                names.push(n.clone());
            }
        };
        push(agent.get("name"));
        for s in &statements {
            if let Ok(v) = serde_json::from_str::<Value>(s) {
                push(v.get("actor").and_then(|a| a.get("name")));
            }
        }
        let mut person = json!({ "objectType": "Person" });
        if !names.is_empty() {
            person["name"] = Value::Array(names);
        }
        for key in ["mbox", "mbox_sha1sum", "openid", "account"] {
            if let Some(v) = agent.get(key) {
                person[key] = json!([v]);
            }
        }
        Ok(person)
    }

    /// The Activity with the definitions stored statements gave it, merged oldest first: a
    /// later statement's values replace earlier ones, and language maps and extensions gain
    /// its entries without losing others (XAPI-00254).
    pub async fn xapi_activity(&self, org: Uuid, activity_id: &str) -> Result<Value, DocError> {
        let mut r = self.store.reader().await?;
        let statements = r
            .conn()
            .xapi_statements_about_activity(org, activity_id, 100)
            .await?;
        let mut definition: Option<Map<String, Value>> = None;
        for s in statements.iter().rev() {
            let Ok(v) = serde_json::from_str::<Value>(s) else {
                continue;
            };
            let Some(Value::Object(d)) = v
                .get("object")
                .filter(|o| o.get("id").and_then(Value::as_str) == Some(activity_id))
                .and_then(|o| o.get("definition"))
            else {
                continue;
            };
            let merged = definition.get_or_insert_with(Map::new);
            for (k, new) in d {
                match (merged.get_mut(k), new) {
                    (Some(Value::Object(old)), Value::Object(entries)) => {
                        old.extend(entries.clone());
                    }
                    _ => {
                        merged.insert(k.clone(), new.clone());
                    }
                }
            }
        }
        let mut activity = json!({ "objectType": "Activity", "id": activity_id });
        if let Some(d) = definition {
            activity["definition"] = Value::Object(d);
        }
        Ok(activity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn agent_ifi(v: &Value) -> Result<String, XapiError> {
        cairn_lrs::agent_parameter(v, "agent")
    }

    #[test]
    fn agents_are_checked_and_identified() {
        assert_eq!(
            agent_ifi(&json!({"mbox": "mailto:a@example.org"})).unwrap(),
            "mbox:mailto:a@example.org"
        );
        assert_eq!(
            agent_ifi(&json!({"objectType": "Agent", "account": {"homePage": "https://x.example", "name": "7"}}))
                .unwrap(),
            "account:https://x.example|7"
        );
        assert!(agent_ifi(&json!({"name": "nobody"})).is_err());
        assert!(agent_ifi(&json!({"mbox": "a@example.org"})).is_err());
        assert!(
            agent_ifi(&json!({"mbox": "mailto:a@example.org", "openid": "https://o.example"}))
                .is_err()
        );
        assert!(
            agent_ifi(&json!({"objectType": "Activity", "mbox": "mailto:a@example.org"})).is_err()
        );
        assert!(agent_ifi(&json!({"mbox": "mailto:a@example.org", "age": 3})).is_err());
    }

    #[test]
    fn parameters_are_strict() {
        let agent = r#"{"mbox":"mailto:a@example.org"}"#;
        let ok = parse_doc_params(
            DocKind::State,
            DocMethod::Get,
            &p(&[
                ("activityId", "https://a.example/1"),
                ("agent", agent),
                ("since", "2026-01-01T00:00:00Z"),
            ]),
        )
        .unwrap();
        assert_eq!(ok.doc_id, None);
        assert!(ok.since.is_some());
        for bad in [
            vec![("activityId", "https://a.example/1")],
            vec![("activityId", "not an iri"), ("agent", agent)],
            vec![("activityId", "https://a.example/1"), ("agent", "{")],
            vec![
                ("activityId", "https://a.example/1"),
                ("agent", agent),
                ("registration", "x"),
            ],
            vec![
                ("activityId", "https://a.example/1"),
                ("agent", agent),
                ("stateid", "s"),
            ],
            vec![
                ("activityId", "https://a.example/1"),
                ("agent", agent),
                ("stateId", "s"),
                ("since", "2026-01-01T00:00:00Z"),
            ],
        ] {
            assert!(
                parse_doc_params(DocKind::State, DocMethod::Get, &p(&bad)).is_err(),
                "{bad:?}"
            );
        }
        assert!(
            parse_doc_params(
                DocKind::State,
                DocMethod::Put,
                &p(&[("activityId", "https://a.example/1"), ("agent", agent)])
            )
            .is_err()
        );
        assert!(
            parse_doc_params(
                DocKind::ActivityProfile,
                DocMethod::Delete,
                &p(&[("activityId", "https://a.example/1")])
            )
            .is_err()
        );
    }

    #[test]
    fn preconditions_follow_rfc_7232() {
        let pre = |m: Option<&str>, n: Option<&str>| Preconditions {
            if_match: m.map(Into::into),
            if_none_match: n.map(Into::into),
        };
        assert!(check_preconditions(&pre(Some("\"AB\""), None), Some("\"ab\"")).is_ok());
        assert!(check_preconditions(&pre(Some("\"cd\""), None), Some("\"ab\"")).is_err());
        assert!(check_preconditions(&pre(Some("*"), None), None).is_err());
        assert!(check_preconditions(&pre(None, Some("*")), Some("\"ab\"")).is_err());
        assert!(check_preconditions(&pre(None, Some("*")), None).is_ok());
    }
}
