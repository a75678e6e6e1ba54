//! The query parameters of `GET /statements`, checked strictly.

use uuid::Uuid;

use crate::XapiError;

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

/// Parse `GET /statements` parameters. Unknown parameters, a `statementId` combined with
/// list filters, malformed values: each refused with its requirement.
pub fn parse_statement_query(params: &[(String, String)]) -> Result<StatementQuery, XapiError> {
    let _ = params;
    Err(XapiError::new("XAPI-00000", "not yet"))
}
