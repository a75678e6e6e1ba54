//! The query parameters of `GET /statements`, checked strictly.

use serde_json::Value;
use uuid::Uuid;

use crate::{XapiError, text};

/// How statements are returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// As stored.
    #[default]
    Exact,
    /// Agents, activities and verbs reduced to their identifiers.
    Ids,
    /// Language maps reduced to the best match for `Accept-Language`.
    Canonical,
}

/// A parsed `GET /statements` request: either one statement by id (or voided id), or a
/// filtered list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatementQuery {
    pub statement_id: Option<Uuid>,
    pub voided_statement_id: Option<Uuid>,
    /// The agent filter as an IFI (see `agent_ifi`).
    pub agent: Option<String>,
    pub verb: Option<String>,
    pub activity: Option<String>,
    pub registration: Option<Uuid>,
    pub related_activities: bool,
    pub related_agents: bool,
    /// RFC 3339 timestamps, compared to `stored`.
    pub since: Option<String>,
    pub until: Option<String>,
    /// 0 = the server's maximum.
    pub limit: u32,
    pub format: Format,
    pub attachments: bool,
    pub ascending: bool,
}

const PARAMS: &[&str] = &[
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
];

/// Parse `GET /statements` parameters. Unknown parameters, a `statementId` combined with
/// list filters, malformed values: each refused with its requirement.
///
/// `since` and `until` come back as RFC 3339 in UTC with microseconds
/// (`2024-05-01T12:00:00.000000Z`), so equal instants compare equal as text.
pub fn parse_statement_query(params: &[(String, String)]) -> Result<StatementQuery, XapiError> {
    let mut q = StatementQuery::default();
    let mut seen = 0u16;
    let mut single = None;
    for (name, value) in params {
        let Some(slot) = PARAMS.iter().position(|p| p == name) else {
            return Err(match PARAMS.iter().find(|p| p.eq_ignore_ascii_case(name)) {
                Some(p) => XapiError::new(
                    "XAPI-00325",
                    format!("parameter {name:?} is spelled {p:?}: names are case-sensitive"),
                ),
                None => XapiError::new(
                    "XAPI-00324",
                    format!("parameter {name:?} is not a statement query parameter"),
                ),
            });
        };
        if seen & (1 << slot) != 0 {
            return Err(XapiError::new(
                "XAPI-00012",
                format!("parameter {name:?} is given more than once"),
            ));
        }
        seen |= 1 << slot;
        let bad = |what: &str| XapiError::new("XAPI-00012", format!("parameter {name}: {what}"));
        match name.as_str() {
            "statementId" | "voidedStatementId" => {
                let id = text::parse_uuid(value)
                    .ok_or_else(|| bad("must be a UUID in its hyphenated form"))?;
                if name == "statementId" {
                    q.statement_id = Some(id);
                    single.get_or_insert(("statementId", "XAPI-00151"));
                } else {
                    q.voided_statement_id = Some(id);
                    single.get_or_insert(("voidedStatementId", "XAPI-00150"));
                }
            }
            "agent" => {
                let v: Value = serde_json::from_str(value)
                    .map_err(|e| bad(&format!("must be an Agent or Group as JSON ({e})")))?;
                q.agent = Some(
                    crate::validate::agent_parameter(&v, &crate::validate::Path::root("agent"))
                        .map_err(|e| XapiError::new("XAPI-00012", e.message))?,
                );
            }
            "verb" | "activity" => {
                if !text::is_iri(value) {
                    return Err(bad("must be an IRI"));
                }
                if name == "verb" {
                    q.verb = Some(value.clone());
                } else {
                    q.activity = Some(value.clone());
                }
            }
            "registration" => {
                q.registration = Some(
                    text::parse_uuid(value)
                        .ok_or_else(|| bad("must be a UUID in its hyphenated form"))?,
                );
            }
            "since" | "until" => {
                let at = text::parse_timestamp(value)
                    .ok_or_else(|| bad("must be an ISO 8601 timestamp with a time zone"))?;
                let norm = rfc3339_micros(at);
                if name == "since" {
                    q.since = Some(norm);
                } else {
                    q.until = Some(norm);
                }
            }
            "limit" => {
                q.limit = value
                    .parse()
                    .map_err(|_| bad("must be a non-negative integer"))?;
            }
            "format" => {
                q.format = match value.as_str() {
                    "exact" => Format::Exact,
                    "ids" => Format::Ids,
                    "canonical" => Format::Canonical,
                    _ => return Err(bad("must be exact, ids or canonical")),
                };
            }
            _ => {
                let b = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(bad("must be true or false")),
                };
                match name.as_str() {
                    "related_activities" => q.related_activities = b,
                    "related_agents" => q.related_agents = b,
                    "attachments" => q.attachments = b,
                    _ => q.ascending = b,
                }
            }
        }
    }
    if q.statement_id.is_some() && q.voided_statement_id.is_some() {
        return Err(XapiError::new(
            "XAPI-00151",
            "statementId and voidedStatementId cannot be used together",
        ));
    }
    if let Some((which, req)) = single {
        let allowed = ["statementId", "voidedStatementId", "attachments", "format"];
        if let Some((other, _)) = params.iter().find(|(n, _)| !allowed.contains(&n.as_str())) {
            return Err(XapiError::new(
                req,
                format!(
                    "{which} fetches one statement and cannot be combined with {other:?}; only attachments and format may accompany it"
                ),
            ));
        }
    }
    Ok(q)
}

fn rfc3339_micros(at: time::OffsetDateTime) -> String {
    let u = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        u.year(),
        u8::from(u.month()),
        u.day(),
        u.hour(),
        u.minute(),
        u.second(),
        u.microsecond()
    )
}
