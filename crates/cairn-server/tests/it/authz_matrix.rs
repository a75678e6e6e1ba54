//! The authorization matrix (issue 11): every operation in the OpenAPI document is called as
//! every kind of caller, and each answer is checked against [`POLICY`], the table below. A
//! route missing from the table, or a row that is no longer a route, fails the test, so a new
//! route cannot ship without someone deciding who may call it.
//!
//! Callers: nobody; an API token and a signed-in person for each permission role in the
//! organization the route concerns; the admin of another organization (token and session);
//! a platform operator. Paths name real objects of the seeded demo world that belong to
//! that organization, so a refusal is tested as "not yours", never as "not there".
//!
//! It runs on both backends like every storage test: the decisions are made in cairn-app, but
//! which organization an object belongs to is read with each backend's SQL.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cairn_app::accounts::NewUser;
use cairn_app::orgs::{NewMember, NewOrg, NewToken};
use cairn_core::authz::Action;
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::{Value, json};

use crate::*;

/// The organization a route concerns: its `{slug}`, and the owner of the objects its path
/// names. Each is a demo organization of the kind the route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Home {
    /// riverside-health: an employer with workers, teams, role profiles and assignments.
    Employer,
    /// northbridge-academy: a provider (modules, items, assessments) and issuer.
    Provider,
    /// cheq: an accreditor (standards, the review queue, decisions).
    Accreditor,
    /// rhwc: an issuer and provider with rubrics, evidence, reviews and credentials.
    Issuer,
}

impl Home {
    const ALL: [Home; 4] = [
        Home::Employer,
        Home::Provider,
        Home::Accreditor,
        Home::Issuer,
    ];

    fn slug(self) -> &'static str {
        match self {
            Home::Employer => "riverside-health",
            Home::Provider => "northbridge-academy",
            Home::Accreditor => "cheq",
            Home::Issuer => "rhwc",
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy)]
enum Policy {
    /// Anyone, without credentials.
    Public,
    /// Anyone with valid credentials, token or session.
    Signed,
    /// A signed-in person acting for themselves; API tokens act for an organization, not
    /// for someone, and are refused with 401.
    Personal,
    /// The roles `Action::allowed_roles` gives in the route's organization, by token or
    /// session; every other caller 403.
    Org(Action),
    /// As `Org`, but the use case acts as the person holding the role (an assessor's review
    /// queue): tokens are refused whatever their role.
    PersonIn(Action),
    /// As `Org` for the roles, but the object is someone's own (an attempt, a piece of
    /// evidence): to everyone else it does not exist (404).
    Hidden(Action),
    /// As `Org` for the roles and the organization's other members (403); to non-members the
    /// object does not exist (404).
    MembersOr404(Action),
    /// Only the person who owns the object (none of the callers): tokens 401, people 404.
    Owner,
    /// As `Org`, but the route acts in the caller's own organization (VC-API issuing has
    /// no organization in its path): another organization's admin acts in theirs.
    OwnOrg(Action),
    /// Platform operators only.
    Platform,
}

use Home::*;
use Policy::*;

/// Every operation of the API: method, path template, the organization it concerns, and
/// who may call it. Kept complete by the test: add a row with each new route.
#[rustfmt::skip]
const POLICY: &[(&str, &str, Home, Policy)] = &[
    // The caller and the platform
    ("GET", "/api/v1/me", Employer, Signed),
    ("GET", "/api/v1/orgs", Employer, Signed),
    ("POST", "/api/v1/orgs", Employer, Platform),
    // One organization
    ("GET", "/api/v1/orgs/{slug}", Employer, Org(Action::OrgView)),
    ("PATCH", "/api/v1/orgs/{slug}", Employer, Org(Action::OrgUpdate)),
    ("GET", "/api/v1/orgs/{slug}/members", Employer, Org(Action::MemberList)),
    ("POST", "/api/v1/orgs/{slug}/members", Employer, Org(Action::MemberManage)),
    ("DELETE", "/api/v1/orgs/{slug}/members/{user_id}/{role}", Employer, Org(Action::MemberManage)),
    ("GET", "/api/v1/orgs/{slug}/teams", Employer, Org(Action::TeamView)),
    ("GET", "/api/v1/orgs/{slug}/tokens", Employer, Org(Action::TokenManage)),
    ("POST", "/api/v1/orgs/{slug}/tokens", Employer, Org(Action::TokenManage)),
    ("DELETE", "/api/v1/orgs/{slug}/tokens/{token_id}", Employer, Org(Action::TokenManage)),
    ("GET", "/api/v1/orgs/{slug}/audit", Employer, Org(Action::AuditView)),
    ("GET", "/api/v1/orgs/{slug}/lrs-keys", Employer, Org(Action::TokenManage)),
    ("POST", "/api/v1/orgs/{slug}/lrs-keys", Employer, Org(Action::TokenManage)),
    ("DELETE", "/api/v1/orgs/{slug}/lrs-keys/{key_id}", Employer, Org(Action::TokenManage)),
    // Achievements, credentials, keys
    ("GET", "/api/v1/orgs/{slug}/achievements", Issuer, Public),
    ("POST", "/api/v1/orgs/{slug}/achievements", Issuer, Org(Action::AchievementManage)),
    ("PUT", "/api/v1/orgs/{slug}/achievements/{id}", Issuer, Org(Action::AchievementManage)),
    ("GET", "/api/v1/orgs/{slug}/credentials", Issuer, Org(Action::CredentialList)),
    ("POST", "/api/v1/orgs/{slug}/credentials", Issuer, Org(Action::CredentialIssue)),
    ("POST", "/api/v1/orgs/{slug}/credentials/{id}/status", Issuer, Org(Action::CredentialStatusChange)),
    ("POST", "/api/v1/orgs/{slug}/keys/rotate", Issuer, Org(Action::KeyManage)),
    ("GET", "/api/v1/orgs/{slug}/awards", Issuer, Org(Action::AwardView)),
    ("GET", "/api/v1/credentials/{id}/chain", Issuer, Org(Action::AwardView)),
    ("POST", "/credentials/issue", Issuer, OwnOrg(Action::CredentialIssue)),
    ("POST", "/credentials/verify", Issuer, Public),
    ("GET", "/api/v1/achievements/{id}/stack", Issuer, Public),
    // Reference data
    ("GET", "/api/v1/icd11", Employer, Public),
    ("GET", "/api/v1/icd11/codes/{code}", Employer, Public),
    ("GET", "/api/v1/icd11/search", Employer, Public),
    ("GET", "/api/v1/icd11/validate", Employer, Public),
    ("GET", "/api/v1/frameworks", Employer, Public),
    ("GET", "/api/v1/frameworks/{id}", Employer, Public),
    ("GET", "/api/v1/frameworks/{id}/case", Employer, Public),
    ("POST", "/api/v1/orgs/{slug}/frameworks", Provider, Org(Action::FrameworkManage)),
    // Catalog and modules
    ("GET", "/api/v1/catalog", Provider, Public),
    ("GET", "/api/v1/orgs/{slug}/modules", Provider, Org(Action::ModuleAuthor)),
    ("POST", "/api/v1/orgs/{slug}/modules", Provider, Org(Action::ModuleAuthor)),
    ("GET", "/api/v1/modules/{id}", Provider, Public),
    ("PUT", "/api/v1/modules/{id}", Provider, Org(Action::ModuleAuthor)),
    ("POST", "/api/v1/modules/{id}/publish", Provider, Org(Action::ModuleAuthor)),
    ("GET", "/api/v1/modules/{id}/accreditations", Provider, Public),
    ("GET", "/api/v1/module-versions/{id}", Provider, Public),
    ("GET", "/api/v1/module-versions/{id}/progress", Provider, Personal),
    ("PUT", "/api/v1/module-versions/{id}/progress", Provider, Personal),
    // Item banks, assessments, attempts
    ("GET", "/api/v1/orgs/{slug}/items", Provider, Org(Action::ItemBankManage)),
    ("POST", "/api/v1/orgs/{slug}/items", Provider, Org(Action::ItemBankManage)),
    ("GET", "/api/v1/items/{id}", Provider, Org(Action::ItemBankManage)),
    ("PUT", "/api/v1/items/{id}", Provider, Org(Action::ItemBankManage)),
    ("POST", "/api/v1/items/{id}/retire", Provider, Org(Action::ItemBankManage)),
    // Published assessments are listed to anyone signed in, drafts only to their authors.
    ("GET", "/api/v1/orgs/{slug}/assessments", Provider, Signed),
    ("POST", "/api/v1/orgs/{slug}/assessments", Provider, Org(Action::AssessmentManage)),
    ("GET", "/api/v1/assessments/{id}", Provider, Signed),
    ("PUT", "/api/v1/assessments/{id}", Provider, Org(Action::AssessmentManage)),
    ("POST", "/api/v1/assessments/{id}/publish", Provider, Org(Action::AssessmentManage)),
    ("POST", "/api/v1/assessments/{id}/retire", Provider, Org(Action::AssessmentManage)),
    ("GET", "/api/v1/assessments/{id}/attempts", Provider, Personal),
    ("POST", "/api/v1/assessments/{id}/attempts", Provider, Personal),
    ("GET", "/api/v1/attempts/{id}", Provider, Hidden(Action::AssessmentManage)),
    ("POST", "/api/v1/attempts/{id}/submit", Provider, Owner),
    // Rubrics, evidence, reviews
    // Learners choose a rubric to submit evidence on.
    ("GET", "/api/v1/orgs/{slug}/rubrics", Issuer, Signed),
    ("POST", "/api/v1/orgs/{slug}/rubrics", Issuer, Org(Action::RubricManage)),
    ("GET", "/api/v1/rubrics/{id}", Issuer, Signed),
    ("GET", "/api/v1/evidence", Issuer, Personal),
    ("POST", "/api/v1/evidence", Issuer, Personal),
    ("GET", "/api/v1/evidence/{id}", Issuer, Hidden(Action::OrgUpdate)),
    ("GET", "/api/v1/evidence/{id}/files/{file_id}", Issuer, Hidden(Action::OrgUpdate)),
    ("POST", "/api/v1/evidence/{id}/appeal", Issuer, Owner),
    ("GET", "/api/v1/reviews", Issuer, PersonIn(Action::EvidenceReview)),
    ("POST", "/api/v1/reviews/claim/{evidence_id}", Issuer, PersonIn(Action::EvidenceReview)),
    ("GET", "/api/v1/reviews/{id}", Issuer, PersonIn(Action::EvidenceReview)),
    ("POST", "/api/v1/reviews/{id}", Issuer, PersonIn(Action::EvidenceReview)),
    ("GET", "/api/v1/orgs/{slug}/review-stats", Issuer, Org(Action::ReviewStatsView)),
    // The learner's own
    // A token holds no credentials of its own: these answer it with nothing.
    ("GET", "/api/v1/me/credentials", Issuer, Signed),
    ("GET", "/api/v1/me/clr", Issuer, Personal),
    ("GET", "/api/v1/me/awards", Issuer, Personal),
    ("GET", "/api/v1/me/stacks", Issuer, Signed),
    ("GET", "/api/v1/me/pathways/{achievement_id}", Issuer, Signed),
    ("GET", "/api/v1/me/notifications", Employer, Personal),
    ("POST", "/api/v1/me/notifications/read-all", Employer, Personal),
    ("POST", "/api/v1/me/notifications/{id}/read", Employer, Personal),
    ("GET", "/api/v1/me/assignments", Employer, Personal),
    ("GET", "/api/v1/me/accreditation-reviews", Accreditor, Signed),
    ("GET", "/api/v1/me/shares", Employer, Signed),
    ("PUT", "/api/v1/me/shares/{slug}", Employer, Personal),
    ("DELETE", "/api/v1/me/shares/{slug}", Employer, Personal),
    ("PUT", "/api/v1/me/shares/{slug}/credentials/{id}", Employer, Personal),
    ("DELETE", "/api/v1/me/shares/{slug}/credentials/{id}", Employer, Personal),
    // Workforce
    ("GET", "/api/v1/role-templates", Employer, Signed),
    ("GET", "/api/v1/orgs/{slug}/roles", Employer, Org(Action::WorkforceView)),
    ("POST", "/api/v1/orgs/{slug}/roles", Employer, Org(Action::RoleProfileManage)),
    ("POST", "/api/v1/orgs/{slug}/roles/from-template/{key}", Employer, Org(Action::RoleProfileManage)),
    ("GET", "/api/v1/orgs/{slug}/roles/{id}", Employer, Org(Action::WorkforceView)),
    ("PUT", "/api/v1/orgs/{slug}/roles/{id}", Employer, Org(Action::RoleProfileManage)),
    ("DELETE", "/api/v1/orgs/{slug}/roles/{id}", Employer, Org(Action::RoleProfileManage)),
    ("GET", "/api/v1/orgs/{slug}/roles/{id}/candidates", Employer, Org(Action::WorkforceView)),
    ("GET", "/api/v1/orgs/{slug}/roles/{id}/heat-map", Employer, Org(Action::WorkforceView)),
    ("GET", "/api/v1/orgs/{slug}/workers/{user}/profile", Employer, Org(Action::WorkforceView)),
    ("GET", "/api/v1/orgs/{slug}/workers/{user}/gaps/{role}", Employer, Org(Action::WorkforceView)),
    ("GET", "/api/v1/orgs/{slug}/gap-analysis", Employer, Org(Action::WorkforceView)),
    ("GET", "/api/v1/orgs/{slug}/expiring", Employer, Org(Action::WorkforceView)),
    ("POST", "/api/v1/orgs/{slug}/workers/import", Employer, Org(Action::TeamManage)),
    // Assignments
    ("GET", "/api/v1/orgs/{slug}/assignments", Employer, Org(Action::AssignmentManage)),
    ("POST", "/api/v1/orgs/{slug}/assignments", Employer, Org(Action::AssignmentManage)),
    ("POST", "/api/v1/orgs/{slug}/assignments/import", Employer, Org(Action::AssignmentManage)),
    ("DELETE", "/api/v1/orgs/{slug}/assignments/{id}", Employer, Org(Action::AssignmentManage)),
    ("GET", "/api/v1/orgs/{slug}/team-progress", Employer, Org(Action::AssignmentManage)),
    // Accreditation
    ("GET", "/api/v1/accreditation/default-standard", Accreditor, Public),
    ("GET", "/api/v1/accreditors", Accreditor, Public),
    ("GET", "/api/v1/orgs/{slug}/standards", Accreditor, Public),
    ("POST", "/api/v1/orgs/{slug}/standards", Accreditor, Org(Action::StandardManage)),
    ("POST", "/api/v1/orgs/{slug}/standards/{id}/archive", Accreditor, Org(Action::StandardManage)),
    ("GET", "/api/v1/standards/{id}", Accreditor, Public),
    ("GET", "/api/v1/orgs/{slug}/accreditation/queue", Accreditor, Org(Action::AccreditationDecide)),
    ("GET", "/api/v1/orgs/{slug}/accreditation/decisions", Accreditor, Org(Action::AccreditationDecide)),
    ("GET", "/api/v1/orgs/{slug}/submissions", Provider, Org(Action::AccreditationSubmit)),
    ("POST", "/api/v1/orgs/{slug}/submissions", Provider, Org(Action::AccreditationSubmit)),
    ("GET", "/api/v1/orgs/{slug}/accreditations", Provider, Org(Action::AccreditationSubmit)),
    ("GET", "/api/v1/submissions/{id}", Provider, MembersOr404(Action::AccreditationSubmit)),
    ("POST", "/api/v1/submissions/{id}/withdraw", Provider, Org(Action::AccreditationSubmit)),
    ("POST", "/api/v1/submissions/{id}/reviewers", Accreditor, Org(Action::AccreditationDecide)),
    ("DELETE", "/api/v1/submissions/{id}/reviewers/{user_id}", Accreditor, Org(Action::AccreditationDecide)),
    ("POST", "/api/v1/submissions/{id}/review", Accreditor, PersonIn(Action::AccreditationReview)),
    ("POST", "/api/v1/submissions/{id}/decision", Accreditor, Org(Action::AccreditationDecide)),
    ("GET", "/api/v1/accreditations/{id}", Accreditor, Public),
    ("POST", "/api/v1/accreditations/{id}/withdraw", Accreditor, Org(Action::AccreditationDecide)),
    ("POST", "/api/v1/accreditations/{id}/conditions/met", Accreditor, Org(Action::AccreditationDecide)),
    ("POST", "/api/v1/accreditations/{id}/conditions/response", Provider, Org(Action::AccreditationSubmit)),
    ("POST", "/api/v1/accreditations/{id}/minor-changes", Provider, Org(Action::AccreditationSubmit)),
    // The trusted registry
    ("GET", "/api/v1/registry", Employer, Public),
    ("PUT", "/api/v1/registry", Employer, Platform),
    ("POST", "/api/v1/registry/entries", Employer, Platform),
    ("DELETE", "/api/v1/registry/entries/{did}", Employer, Platform),
    ("POST", "/api/v1/registry/orgs/{slug}", Issuer, Platform),
];

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    /// An API token with this role in the route's organization.
    Token(Role),
    /// A signed-in person holding this one role in the route's organization.
    Session(Role),
    /// An admin of another organization, by token…
    OutsiderToken,
    /// …and signed in.
    OutsiderSession,
    /// A platform operator, signed in, member of no organization.
    Operator,
}

impl Caller {
    fn all() -> Vec<Caller> {
        let mut v = vec![Caller::Anonymous];
        v.extend(Role::ALL.iter().map(|r| Caller::Token(*r)));
        v.extend(Role::ALL.iter().map(|r| Caller::Session(*r)));
        v.extend([
            Caller::OutsiderToken,
            Caller::OutsiderSession,
            Caller::Operator,
        ]);
        v
    }

    fn name(self) -> String {
        match self {
            Caller::Anonymous => "anonymous".into(),
            Caller::Token(r) => format!("{r} token"),
            Caller::Session(r) => format!("{r} session"),
            Caller::OutsiderToken => "other org's admin token".into(),
            Caller::OutsiderSession => "other org's admin session".into(),
            Caller::Operator => "operator session".into(),
        }
    }
}

/// The outcome a caller should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Past authorization: anything but 401 and 403 (a 400, 404, 409 or 422 from the use
    /// case is fine), and no server error.
    Allowed,
    Unauthenticated,
    Forbidden,
    /// The object does not exist as far as the caller can tell.
    NotFound,
    /// 401 or 403: a token where only a person may act, whichever check comes first.
    Refused,
}

fn expect(policy: Policy, caller: Caller) -> Expect {
    use Expect::*;
    let holds = |a: Action| match caller {
        Caller::Token(r) | Caller::Session(r) => a.allowed_roles().contains(&r),
        _ => false,
    };
    let member = matches!(caller, Caller::Token(_) | Caller::Session(_));
    let token = matches!(caller, Caller::Token(_) | Caller::OutsiderToken);
    match policy {
        Public => Allowed,
        _ if caller == Caller::Anonymous => Unauthenticated,
        Signed => Allowed,
        Personal if token => Unauthenticated,
        Personal => Allowed,
        Platform if caller == Caller::Operator => Allowed,
        Platform => Forbidden,
        Org(a) if holds(a) => Allowed,
        Org(_) => Forbidden,
        OwnOrg(a) if holds(a) => Allowed,
        OwnOrg(a)
            if a.allowed_roles().contains(&Role::Admin)
                && matches!(caller, Caller::OutsiderToken | Caller::OutsiderSession) =>
        {
            Allowed
        }
        OwnOrg(_) => Forbidden,
        PersonIn(_) if token => Refused,
        PersonIn(a) if holds(a) => Allowed,
        PersonIn(_) => Forbidden,
        Hidden(a) if holds(a) => Allowed,
        Hidden(_) => NotFound,
        MembersOr404(a) if holds(a) => Allowed,
        MembersOr404(_) if member => Forbidden,
        MembersOr404(_) => NotFound,
        Owner if token => Refused,
        Owner => NotFound,
    }
}

/// Real objects of the seeded world that paths name.
struct World {
    /// (kind, id), e.g. ("assessment", "…").
    ids: Vec<(&'static str, String)>,
}

impl World {
    fn id(&self, kind: &str) -> String {
        if kind == "random" {
            return uuid::Uuid::new_v4().to_string();
        }
        self.ids
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("the seeded world has no {kind} for the matrix"))
    }
}

/// The value each path parameter takes, from the path around it.
fn concrete(path: &str, home: Home, w: &World) -> String {
    let segs: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        let prev = if i > 0 { segs[i - 1] } else { "" };
        let value = match (*seg, prev) {
            (s, _) if !s.starts_with('{') => s.to_owned(),
            ("{slug}", _) => home.slug().to_owned(),
            ("{code}", _) => "1A00".to_owned(),
            ("{role}", _) if path.contains("/members/") => "learner".to_owned(),
            ("{role}", _) => w.id("role_profile"),
            ("{user_id}", _) if path.contains("/members/") => w.id("spare_member"),
            ("{user_id}", _) => w.id("worker"),
            ("{token_id}", _) => w.id("spare_token"),
            ("{key_id}", _) => w.id("spare_lrs_key"),
            ("{did}", _) => "did%3Aweb%3Amatrix.example".to_owned(),
            ("{key}", _) => w.id("role_template"),
            ("{user}", _) => w.id("worker"),
            ("{achievement_id}", _) => w.id("achievement"),
            ("{evidence_id}", _) => w.id("evidence"),
            ("{file_id}", _) => w.id("random"),
            ("{id}", p) => w.id(match p {
                "achievements" => "achievement",
                "credentials" => "credential",
                "frameworks" => "framework",
                "modules" => "module",
                "module-versions" => "module_version",
                "items" => "item",
                "assessments" => "assessment",
                "attempts" => "attempt",
                "rubrics" => "rubric",
                "evidence" => "evidence",
                "reviews" => "review",
                "notifications" => "random",
                "roles" => "role_profile",
                "assignments" => "assignment",
                "standards" => "standard",
                "submissions" => "submission",
                "accreditations" => "accreditation",
                other => panic!("{path}: which object does {{id}} after '{other}' name?"),
            }),
            (other, _) => panic!("{path}: the matrix has no value for {other}"),
        };
        out.push(value);
    }
    out.join("/")
}

/// Every UUID under `key` in a JSON document, nearest the top first (so a list's own ids
/// come before the ids nested in its entries).
fn ids_under(v: &Value, key: &str, out: &mut Vec<String>) {
    let mut level = vec![v];
    while !level.is_empty() {
        let mut next = Vec::new();
        for v in level {
            match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        if k == key
                            && let Some(s) = x.as_str()
                            && uuid::Uuid::parse_str(s).is_ok()
                        {
                            out.push(s.to_owned());
                        }
                        next.push(x);
                    }
                }
                Value::Array(a) => next.extend(a),
                _ => {}
            }
        }
        level = next;
    }
}

/// A value of the shape `schema` describes, filled with placeholders: enough for the body
/// to be read, so that a refusal comes from authorization rather than from the extractor.
fn example(schema: &Value, doc: &Value, depth: usize) -> Value {
    if depth > 12 {
        return Value::Null;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        return example(&doc["components"]["schemas"][name], doc, depth + 1);
    }
    if let Some(alts) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        let pick = alts
            .iter()
            .find(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            .unwrap_or(&Value::Null);
        return example(pick, doc, depth + 1);
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = serde_json::Map::new();
        for p in parts {
            if let Value::Object(m) = example(p, doc, depth + 1) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    if let Some(e) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return e.clone();
    }
    let ty = match schema.get("type") {
        Some(Value::String(s)) => s.as_str(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "object",
    };
    match ty {
        "object" => {
            let mut m = serde_json::Map::new();
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for name in required {
                let prop = &schema["properties"][name];
                m.insert(name.to_owned(), example(prop, doc, depth + 1));
            }
            Value::Object(m)
        }
        "array" => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = example(&schema["items"], doc, depth + 1);
            Value::Array((0..min).map(|_| item.clone()).collect())
        }
        "string" => match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => json!(uuid::Uuid::new_v4().to_string()),
            Some("date-time") => json!("2030-01-01T00:00:00Z"),
            Some("date") => json!("2030-01-01"),
            Some("email") => json!("someone@matrix.example"),
            Some("uri") => json!("https://matrix.example/x"),
            _ => json!("matrix"),
        },
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

/// Bodies the schema alone would not get past the use case's input checks, which come
/// before authorization: real content copied from the seeded world.
fn body_override(method: &str, path: &str, w: &World) -> Option<Value> {
    let json_of = |kind: &str| serde_json::from_str::<Value>(&w.id(kind)).unwrap_or(Value::Null);
    Some(match (method, path) {
        ("POST", "/api/v1/orgs/{slug}/items") | ("PUT", "/api/v1/items/{id}") => {
            json_of("item_content")
        }
        ("POST", "/api/v1/orgs/{slug}/assessments") | ("PUT", "/api/v1/assessments/{id}") => {
            json!({"title": "Matrix assessment", "rules": json_of("assessment_rules")})
        }
        ("POST", "/api/v1/orgs/{slug}/credentials") => {
            json!({"achievement_id": w.id("achievement"), "recipient_email": "learner@matrix.example"})
        }
        ("POST", "/api/v1/orgs/{slug}/assignments") => json!({
            "kind": "achievement",
            "target_id": w.id("achievement"),
            "due_on": "2030-01-01",
            "workers": [w.id("worker")],
        }),
        _ => return None,
    })
}

struct Callers {
    /// (home, role) → (token secret, session)
    members: Vec<(Home, Role, String, Person)>,
    outsider_token: String,
    outsider: Person,
    operator: Person,
}

impl Callers {
    fn request(
        &self,
        caller: Caller,
        home: Home,
        b: axum::http::request::Builder,
    ) -> axum::http::request::Builder {
        let member = |role: Role| {
            self.members
                .iter()
                .find(|(h, r, _, _)| *h == home && *r == role)
                .map(|(_, _, t, p)| (t, p))
                .unwrap_or_else(|| panic!("no {role} in {home:?}"))
        };
        let bearer = |t: &str| format!("Bearer {t}");
        let session = |b: axum::http::request::Builder, p: &Person| {
            b.header(header::COOKIE, &p.cookie)
                .header("x-csrf-token", &p.csrf)
        };
        match caller {
            Caller::Anonymous => b,
            Caller::Token(r) => b.header(header::AUTHORIZATION, bearer(member(r).0)),
            Caller::Session(r) => session(b, member(r).1),
            Caller::OutsiderToken => b.header(header::AUTHORIZATION, bearer(&self.outsider_token)),
            Caller::OutsiderSession => session(b, &self.outsider),
            Caller::Operator => session(b, &self.operator),
        }
    }
}

async fn setup(h: &Harness) -> (Callers, World) {
    let sys = Principal::system();
    h.app.seed_demo().await.unwrap();
    let mut members = Vec::new();
    for home in Home::ALL {
        for role in Role::ALL {
            let email = format!("{role}@{}.matrix.example", home.slug());
            let person = h.member(&email, home.slug(), role).await;
            let token = h.token(home.slug(), role).await;
            members.push((home, role, token, person));
        }
    }
    h.app
        .create_org(
            &sys,
            NewOrg {
                slug: Some("outsider".into()),
                name: "Outsider".into(),
                kinds: vec![
                    OrgKind::Employer,
                    OrgKind::Provider,
                    OrgKind::Issuer,
                    OrgKind::Accreditor,
                ],
            },
        )
        .await
        .unwrap();
    let outsider = h
        .member("admin@outsider.matrix.example", "outsider", Role::Admin)
        .await;
    let outsider_token = h.token("outsider", Role::Admin).await;
    h.app
        .create_user(
            &sys,
            NewUser {
                display_name: "Operator".into(),
                email: "operator@matrix.example".into(),
                password: Some(PASSWORD.into()),
                is_operator: true,
            },
        )
        .await
        .unwrap();
    let operator = h.signed_in("operator@matrix.example").await;
    let callers = Callers {
        members,
        outsider_token,
        outsider,
        operator,
    };
    let world = discover(h, &callers).await;
    (callers, world)
}

/// Find the objects paths name, as each organization's admin sees them.
async fn discover(h: &Harness, c: &Callers) -> World {
    let admin = |home: Home| {
        c.members
            .iter()
            .find(|(h, r, _, _)| *h == home && *r == Role::Admin)
            .map(|(_, _, t, _)| t.clone())
            .unwrap_or_default()
    };
    let sys = Principal::system();
    let mut ids: Vec<(&'static str, String)> = Vec::new();
    let find = async |ids: &mut Vec<(&'static str, String)>,
                      kind: &'static str,
                      home: Option<Home>,
                      url: String,
                      key: &str| {
        let token = home.map(admin);
        let res = h.get(&url, token.as_deref()).await;
        let status = res.status();
        let v = body_json(res).await;
        let mut found = Vec::new();
        ids_under(&v, key, &mut found);
        let Some(first) = found.into_iter().next() else {
            panic!("{url} ({status}) names no {key} for the matrix's {kind}: {v}");
        };
        ids.push((kind, first));
    };
    let slug = |home: Home| home.slug();
    find(
        &mut ids,
        "framework",
        None,
        "/api/v1/frameworks".into(),
        "id",
    )
    .await;
    find(
        &mut ids,
        "achievement",
        Some(Issuer),
        format!("/api/v1/orgs/{}/achievements", slug(Issuer)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "credential",
        Some(Issuer),
        format!("/api/v1/orgs/{}/credentials", slug(Issuer)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "module",
        Some(Provider),
        format!("/api/v1/orgs/{}/modules", slug(Provider)),
        "module_id",
    )
    .await;
    find(
        &mut ids,
        "module_version",
        Some(Provider),
        format!("/api/v1/orgs/{}/modules", slug(Provider)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "item",
        Some(Provider),
        format!("/api/v1/orgs/{}/items", slug(Provider)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "assessment",
        Some(Provider),
        format!("/api/v1/orgs/{}/assessments", slug(Provider)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "rubric",
        Some(Issuer),
        format!("/api/v1/orgs/{}/rubrics", slug(Issuer)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "role_profile",
        Some(Employer),
        format!("/api/v1/orgs/{}/roles", slug(Employer)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "assignment",
        Some(Employer),
        format!("/api/v1/orgs/{}/assignments", slug(Employer)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "standard",
        None,
        format!("/api/v1/orgs/{}/standards", slug(Accreditor)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "submission",
        Some(Accreditor),
        format!("/api/v1/orgs/{}/accreditation/queue", slug(Accreditor)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "accreditation",
        Some(Accreditor),
        format!("/api/v1/orgs/{}/accreditation/decisions", slug(Accreditor)),
        "id",
    )
    .await;
    find(
        &mut ids,
        "worker",
        Some(Employer),
        format!("/api/v1/orgs/{}/members", slug(Employer)),
        "user_id",
    )
    .await;

    // Content the write routes accept, copied from what is there.
    let item_id = World { ids: ids.clone() }.id("item");
    let item = body_json(
        h.get(&format!("/api/v1/items/{item_id}"), Some(&admin(Provider)))
            .await,
    )
    .await;
    ids.push(("item_content", item["content"].to_string()));
    let list = body_json(
        h.get(
            &format!("/api/v1/orgs/{}/assessments", Provider.slug()),
            Some(&admin(Provider)),
        )
        .await,
    )
    .await;
    ids.push(("assessment_rules", list[0]["rules"].to_string()));

    // What an assessor of the issuer has been given to review.
    let assessor = h
        .app
        .sign_in(
            "tomasz.kowalski@rhwc.example",
            cairn_app::demo::DEMO_PASSWORD,
        )
        .await
        .unwrap();
    let queue = h
        .send(
            Request::get("/api/v1/reviews")
                .header(
                    header::COOKIE,
                    format!("cairn_session={}", assessor.session_secret),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let queue = body_json(queue).await;
    for (kind, key) in [("review", "review_id"), ("evidence", "evidence_id")] {
        let mut found = Vec::new();
        ids_under(&queue, key, &mut found);
        let first = found
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {key} in the assessor's queue: {queue}"));
        ids.push((kind, first));
    }

    // An attempt of someone who is none of the callers.
    let candidate = h.person("candidate@matrix.example").await;
    let assessment = ids
        .iter()
        .find(|(k, _)| *k == "assessment")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let res = candidate
        .api(
            h,
            Method::POST,
            &format!("/api/v1/assessments/{assessment}/attempts"),
            None,
        )
        .await;
    let status = res.status();
    let v = body_json(res).await;
    let mut found = Vec::new();
    ids_under(&v, "id", &mut found);
    let attempt = found
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("the candidate's attempt ({status}): {v}"));
    ids.push(("attempt", attempt));

    // What the DELETE routes remove: a member, an API token and an LRS key kept for them.
    let spare = h
        .app
        .add_member(
            &sys,
            Employer.slug(),
            NewMember {
                email: "spare@matrix.example".into(),
                display_name: Some("Spare".into()),
                role: Role::Learner,
                job_title: None,
            },
        )
        .await
        .unwrap();
    ids.push(("spare_member", spare.user_id.to_string()));
    let token = h
        .app
        .create_token(
            &sys,
            Employer.slug(),
            NewToken {
                name: "spare".into(),
                role: Role::Learner,
                expires_in_days: None,
            },
        )
        .await
        .unwrap();
    ids.push(("spare_token", token.token.id.to_string()));
    let res = h
        .json(
            Method::POST,
            &format!("/api/v1/orgs/{}/lrs-keys", Employer.slug()),
            Some(&admin(Employer)),
            json!({"name": "spare"}),
        )
        .await;
    let v = body_json(res).await;
    let mut found = Vec::new();
    ids_under(&v, "id", &mut found);
    ids.push((
        "spare_lrs_key",
        found
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("LRS key: {v}")),
    ));

    let v = body_json(
        h.get("/api/v1/role-templates", Some(&admin(Employer)))
            .await,
    )
    .await;
    let key = v
        .as_array()
        .and_then(|a| a.first())
        .and_then(|t| t["key"].as_str())
        .unwrap_or_else(|| panic!("role templates: {v}"))
        .to_owned();
    ids.push(("role_template", key));
    World { ids }
}

/// Routes whose path names an object the world does not hold, with a made-up id.
const RANDOM_IDS: &[&str] = &[
    "/api/v1/evidence/{id}/files/{file_id}",
    "/api/v1/me/notifications/{id}/read",
];

fn method_rank(m: &str) -> u8 {
    match m {
        "GET" => 0,
        "DELETE" => 2,
        _ => 1,
    }
}

backend_tests! {
async fn every_route_answers_each_caller_as_the_policy_table_says(db: TestDb) {
    // The platform's transcript issuer, so that `/me/clr` can sign.
    let h = Harness::with_config(db, |c| {
        c.platform_issuer = Some(cairn_app::demo::PLATFORM_ISSUER_SLUG.into())
    });
    let doc = serde_json::to_value(cairn_server::openapi()).unwrap();

    // The table and the document name the same operations, each once.
    let mut routes = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            routes.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    let in_doc: BTreeSet<String> = routes.iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    let mut in_table = BTreeSet::new();
    let mut twice = Vec::new();
    for (m, p, _, _) in POLICY {
        if !in_table.insert(format!("{m} {p}")) {
            twice.push(format!("{m} {p}"));
        }
    }
    let missing: Vec<_> = in_doc.difference(&in_table).collect();
    let stale: Vec<_> = in_table.difference(&in_doc).collect();
    assert!(
        missing.is_empty() && stale.is_empty() && twice.is_empty(),
        "the policy table must name every route exactly once\n  routes missing from the table: {missing:?}\n  rows that are no longer routes: {stale:?}\n  rows given twice: {twice:?}"
    );

    let (callers, world) = setup(&h).await;
    routes.sort_by_key(|(m, p, _)| (method_rank(m), p.clone()));
    let mut mismatches = Vec::new();
    let mut requests = 0;
    for (method, path, op) in &routes {
        let &(_, _, home, policy) = POLICY
            .iter()
            .find(|(m, p, _, _)| m == method && p == path)
            .unwrap();
        let url = concrete(path, home, &world);
        // A made-up id (a file, a notification) is "not found" even to those allowed.
        let made_up = RANDOM_IDS.iter().any(|p| p == path);
        let body = body_override(method, path, &world).or_else(|| {
            op.get("requestBody")
                .and_then(|b| b["content"]["application/json"].get("schema"))
                .map(|s| example(s, &doc, 0))
        });
        // Refusals first: a caller who is let through may change what the others see.
        let mut order = Caller::all();
        order.sort_by_key(|c| expect(policy, *c) == Expect::Allowed);
        for caller in order {
            let want = expect(policy, caller);
            let mut b = Request::builder().method(method.as_str()).uri(&url);
            b = callers.request(caller, home, b);
            let req = match &body {
                Some(v) => b
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(v.to_string())),
                None => b.body(Body::empty()),
            }
            .unwrap();
            let res = h.send(req).await;
            requests += 1;
            let status = res.status();
            let problem_json = res
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v == "application/problem+json");
            let ok = match want {
                Expect::Allowed => {
                    status != StatusCode::UNAUTHORIZED
                        && status != StatusCode::FORBIDDEN
                        && !status.is_server_error()
                        && !(matches!(policy, Hidden(_) | MembersOr404(_))
                            && !made_up
                            && status == StatusCode::NOT_FOUND)
                }
                Expect::Unauthenticated => status == StatusCode::UNAUTHORIZED && problem_json,
                Expect::Forbidden => status == StatusCode::FORBIDDEN && problem_json,
                Expect::NotFound => status == StatusCode::NOT_FOUND && problem_json,
                Expect::Refused => {
                    (status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN) && problem_json
                }
            };
            if !ok {
                let detail = body_text(res).await;
                let detail: String = detail.chars().take(160).collect();
                mismatches.push(format!(
                    "{method} {path} as {}: expected {want:?}, got {status}{} {detail}",
                    caller.name(),
                    if problem_json || status.is_success() { "" } else { " (not problem+json)" },
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {requests} calls disagree with the policy table:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
}

/// Standard base64 with padding, for HTTP Basic credentials.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            n |= u32::from(*b) << (16 - 8 * i);
        }
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

// The `/xapi/` resources are not in the OpenAPI document, so the matrix above does not reach
// them: they take an organization's LRS key and nothing else, and an LRS key opens nothing
// under `/api/`. (Keys of one organization kept from another's statements and documents are
// tested in `xapi.rs` and `xapi_documents.rs`.)
backend_tests! {
    async fn the_lrs_takes_lrs_keys_and_nothing_else(db: TestDb) {
        let h = Harness::new(db);
        let alpha = h.org("alpha").await;
        let session = h.signed_in(&alpha.admin_email).await;
        let res = h.json(Method::POST, "/api/v1/orgs/alpha/lrs-keys", Some(&alpha.admin_token), json!({"name": "player"})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let key = body_json(res).await;
        let pair = format!("{}:{}", key["key"]["id"].as_str().unwrap(), key["secret"].as_str().unwrap());
        let basic = format!("Basic {}", base64(pair.as_bytes()));
        let call = |uri: &str, auth: Option<(header::HeaderName, String)>| {
            let mut b = Request::get(uri).header("X-Experience-API-Version", "2.0.0");
            if let Some((name, value)) = auth {
                b = b.header(name, value);
            }
            b.body(Body::empty()).unwrap()
        };
        let refused = [
            ("no credentials", None),
            ("the admin's API token", Some((header::AUTHORIZATION, format!("Bearer {}", alpha.admin_token)))),
            ("the admin's session", Some((header::COOKIE, session.cookie.clone()))),
        ];
        for (what, auth) in refused {
            let status = h.send(call("/xapi/statements", auth)).await.status();
            assert_eq!(status, StatusCode::UNAUTHORIZED, "/xapi/statements with {what}");
        }
        let status = h.send(call("/xapi/statements", Some((header::AUTHORIZATION, basic.clone())))).await.status();
        assert_eq!(status, StatusCode::OK, "/xapi/statements with the LRS key");
        problem(h.send(call("/api/v1/me", Some((header::AUTHORIZATION, basic)))).await, StatusCode::UNAUTHORIZED).await;
    }
}
