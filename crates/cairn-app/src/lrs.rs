//! The Learning Record Store's use cases: LRS keys an organization's admins manage, and the
//! statements their clients store, void and query (xAPI 2.0 Communication §2.1).

use std::collections::{HashMap, HashSet};

use cairn_core::Principal;
use cairn_core::authz::Action;
use cairn_core::validate::{self, Invalid};
use cairn_lrs::{AttachmentPart, StatementQuery, ValidStatement, Version, XapiError};
use cairn_store::{LrsKeyRow, NewStatementRow, OBJECT_AGENT_REF, StatementFilter, StatementRow};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::security::random_secret;
use crate::{App, AppError, Result, audit_entry, now, require};

/// An attachment's stored content, as a response with `attachments=true` carries it.
pub use cairn_store::AttachmentRow;

/// The most statements one page of a list returns.
pub const MAX_PAGE: u32 = 500;

/// An LRS key as its admins see it: never its secret.
#[derive(Debug, Clone, Serialize)]
pub struct LrsKey {
    pub id: Uuid,
    pub name: String,
    pub created_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<LrsKeyRow> for LrsKey {
    fn from(r: LrsKeyRow) -> Self {
        LrsKey {
            id: r.id,
            name: r.name,
            created_by: r.created_by,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
        }
    }
}

/// A new key with its secret, shown this once.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedLrsKey {
    pub key: LrsKey,
    pub secret: String,
}

/// A statement as a client sent it: parsed, and, when the request was JSON text, that text
/// (the LRS stores it with what it adds appended, rather than serializing it again).
#[derive(Debug, Clone)]
pub struct SentStatement<'a> {
    pub value: Value,
    pub text: Option<&'a str>,
}

impl From<Value> for SentStatement<'static> {
    fn from(value: Value) -> Self {
        Self { value, text: None }
    }
}

/// An authenticated LRS client: whose statements it reads and writes, and the authority
/// recorded on what it stores.
#[derive(Debug, Clone)]
pub struct LrsClient {
    pub org_id: Uuid,
    pub key_id: Uuid,
    pub authority: Value,
}

/// Why the LRS refused a request, each mapped to one status by the server.
#[derive(Debug, thiserror::Error)]
pub enum LrsError {
    /// 400: the request breaks the specification.
    #[error("{0}")]
    Bad(String),
    /// 409: a statement with this id is stored and differs.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    App(#[from] AppError),
}

impl From<XapiError> for LrsError {
    fn from(e: XapiError) -> Self {
        LrsError::Bad(e.to_string())
    }
}

impl From<cairn_store::StoreError> for LrsError {
    fn from(e: cairn_store::StoreError) -> Self {
        LrsError::App(e.into())
    }
}

fn lrs_secret_hash(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

/// `stored` as the LRS writes it: UTC, milliseconds (xAPI asks for at least that).
fn stored_now() -> (OffsetDateTime, String) {
    let t = OffsetDateTime::now_utc();
    let ms = t.replace_nanosecond((t.nanosecond() / 1_000_000) * 1_000_000);
    let t = ms.unwrap_or(t);
    let text = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    );
    (t, text)
}

/// Whether a statement sent again is the one stored: what the LRS added (`stored`,
/// `authority`, `version`, and a `timestamp` the client left out — `sent_timestamp` says
/// whether it gave one) does not count. `sent` may already carry what the LRS adds.
fn same_statement(sent: &Value, sent_timestamp: bool, stored: &Value) -> bool {
    let (Value::Object(sent), Value::Object(stored)) = (sent, stored) else {
        return false;
    };
    let mut a = sent.clone();
    let mut b = stored.clone();
    for k in ["stored", "authority", "version"] {
        a.remove(k);
        b.remove(k);
    }
    if !sent_timestamp {
        a.remove("timestamp");
        b.remove("timestamp");
    }
    a.remove("id");
    b.remove("id");
    a == b
}

/// One page of a statement list.
#[derive(Debug, Clone)]
pub struct StatementPage {
    pub statements: Vec<Value>,
    /// Present when more statements match: the cursor for the next page.
    pub more: Option<Cursor>,
}

/// Where the next page of a list starts: the original parameters, the last sequence number
/// returned, and the last one that existed when the first page was read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    pub params: Vec<(String, String)>,
    pub after: i64,
    pub through: i64,
}

impl App {
    pub async fn create_lrs_key(
        &self,
        by: &Principal,
        slug: &str,
        name: &str,
    ) -> Result<CreatedLrsKey> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::TokenManage, Some(org.id))?;
        let name = validate::name("name", name)?;
        let secret = random_secret(32)?;
        let row = LrsKeyRow {
            id: Uuid::now_v7(),
            org_id: org.id,
            name,
            created_by: by.user_id(),
            created_at: now(),
            revoked_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.conn()
            .insert_lrs_key(&row, &lrs_secret_hash(&secret))
            .await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "lrs_key.create",
            format!("lrs_key:{}", row.id),
            json!({"name": row.name}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(CreatedLrsKey {
            key: row.into(),
            secret,
        })
    }

    pub async fn lrs_keys(&self, by: &Principal, slug: &str) -> Result<Vec<LrsKey>> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::TokenManage, Some(org.id))?;
        let mut r = self.store.reader().await?;
        let rows = r.conn().lrs_keys_of_org(org.id).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub async fn revoke_lrs_key(&self, by: &Principal, slug: &str, id: Uuid) -> Result<()> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::TokenManage, Some(org.id))?;
        let mut tx = self.store.begin().await?;
        if !tx.conn().revoke_lrs_key(org.id, id, now()).await? {
            return Err(AppError::NotFound("LRS key".into()));
        }
        let entry = audit_entry(
            by,
            Some(org.id),
            "lrs_key.revoke",
            format!("lrs_key:{id}"),
            json!({}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The client behind HTTP Basic `key_id:secret`, or Unauthenticated.
    pub async fn lrs_authenticate(&self, key_id: &str, secret: &str) -> Result<LrsClient> {
        let refused = || AppError::Unauthenticated("unknown or revoked LRS key".into());
        let id = Uuid::parse_str(key_id.trim()).map_err(|_| refused())?;
        let mut r = self.store.reader().await?;
        let row = r.conn().lrs_key_for_auth(id).await?.ok_or_else(refused)?;
        let given = lrs_secret_hash(secret);
        // Both are hex of the same length; compare without an early exit.
        let same = given.len() == row.secret_hash.len()
            && given
                .bytes()
                .zip(row.secret_hash.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same || row.revoked_at.is_some() {
            return Err(refused());
        }
        Ok(LrsClient {
            org_id: row.org_id,
            key_id: row.id,
            authority: json!({
                "objectType": "Agent",
                "account": {
                    "homePage": format!("{}/orgs/{}", self.config.public_url, row.org_slug),
                    "name": row.name,
                }
            }),
        })
    }

    /// Store statements all or nothing, in one transaction. `put_id` is PUT's `statementId`.
    /// Returns the ids in the order sent; a statement already stored identically is left as
    /// it is (and its id returned).
    pub async fn store_statements(
        &self,
        client: &LrsClient,
        version: Version,
        sent: &[Value],
        put_id: Option<Uuid>,
    ) -> Result<Vec<Uuid>, LrsError> {
        let sent = sent.iter().cloned().map(SentStatement::from).collect();
        self.store_statements_with_attachments(client, version, sent, put_id, &[])
            .await
    }

    /// [`App::store_statements`] with the attachment parts of a multipart request: each
    /// must be declared by a statement and each declared attachment without `fileUrl`
    /// must be among them; signature attachments must sign their statement. Their
    /// contents are stored in the same transaction as the statements.
    pub async fn store_statements_with_attachments(
        &self,
        client: &LrsClient,
        version: Version,
        sent: Vec<SentStatement<'_>>,
        put_id: Option<Uuid>,
        attachments: &[AttachmentPart],
    ) -> Result<Vec<Uuid>, LrsError> {
        if sent.is_empty() {
            return Err(LrsError::Bad(
                "the request holds no statement; send one statement or an array of them (xAPI 2.1.2)"
                    .into(),
            ));
        }
        let (stored_at, stored_text) = stored_now();
        let many = sent.len() > 1;
        let at = |i: usize| {
            if many {
                format!("statement {i}: ")
            } else {
                String::new()
            }
        };
        // The statements move into validation rather than being copied: on batch ingest a
        // copy of each statement was a visible share of the work.
        let mut valid: Vec<ValidStatement> = Vec::with_capacity(sent.len());
        let mut texts: Vec<Option<&str>> = Vec::with_capacity(sent.len());
        for (i, v) in sent.into_iter().enumerate() {
            let s = cairn_lrs::validate_statement_owned(v.value, version)
                .map_err(|e| LrsError::Bad(format!("{}{e}", at(i))))?;
            valid.push(s);
            texts.push(v.text);
        }
        // Signatures are checked against the statements as sent, before the LRS adds to them.
        cairn_lrs::check_attachments(
            &valid.iter().map(|s| &s.value).collect::<Vec<_>>(),
            attachments,
        )?;
        let sent_timestamp: Vec<bool> = valid
            .iter()
            .map(|s| s.value.get("timestamp").is_some())
            .collect();
        let mut finalized = Vec::with_capacity(valid.len());
        for s in &mut valid {
            if let Some(put) = put_id {
                match s.id {
                    Some(id) if id != put => {
                        return Err(LrsError::Bad(format!(
                            "the statement's id {id} differs from statementId {put} (xAPI 2.1.2 PUT)"
                        )));
                    }
                    _ => s.id = Some(put),
                }
            }
            let id = s.id.unwrap_or_else(Uuid::new_v4);
            finalized.push(cairn_lrs::finalize_statement(
                s,
                id,
                &stored_text,
                &client.authority,
                version,
            ));
        }
        let ids: Vec<Uuid> = valid.iter().map(|s| s.id.unwrap_or_default()).collect();
        let mut seen = HashSet::with_capacity(ids.len());
        for id in &ids {
            if !seen.insert(*id) {
                return Err(LrsError::Bad(format!(
                    "statement id {id} appears twice in one batch (XAPI-00123)"
                )));
            }
        }
        // Serialized before the transaction: on SQLite it holds the one write lock, and
        // requests on other connections can do this work meanwhile. Whether a row is voided
        // is known only inside it.
        let mut rows: Vec<Option<NewStatementRow>> = valid
            .iter()
            .zip(&ids)
            .zip(texts.iter().zip(&finalized))
            .map(|((s, id), (text, done))| row_of(s, *id, stored_at, *text, done).map(Some))
            .collect::<Result<_, LrsError>>()?;

        let mut tx = self.store.begin().await?;
        let existing: HashMap<Uuid, StatementRow> = tx
            .conn()
            .xapi_statements_by_ids(client.org_id, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut fresh: Vec<usize> = Vec::with_capacity(valid.len());
        for (i, id) in ids.iter().enumerate() {
            match existing.get(id) {
                Some(row) => {
                    let stored: Value = serde_json::from_str(&row.statement)
                        .map_err(|e| AppError::Internal(format!("stored statement: {e}")))?;
                    if !same_statement(&valid[i].value, sent_timestamp[i], &stored) {
                        return Err(LrsError::Conflict(format!(
                            "{}a different statement with id {id} is already stored; statements are immutable (xAPI 2.1.2)",
                            at(i)
                        )));
                    }
                }
                None => fresh.push(i),
            }
        }

        // Voiding: the targets must not be voiding statements themselves.
        let batch_voiding: HashMap<Uuid, bool> = fresh
            .iter()
            .map(|&i| (ids[i], valid[i].voids.is_some()))
            .collect();
        let targets: Vec<Uuid> = fresh.iter().filter_map(|&i| valid[i].voids).collect();
        let stored_targets: HashMap<Uuid, StatementRow> = if targets.is_empty() {
            HashMap::new()
        } else {
            tx.conn()
                .xapi_statements_by_ids(client.org_id, &targets)
                .await?
                .into_iter()
                .map(|r| (r.id, r))
                .collect()
        };
        for t in &targets {
            let voiding = batch_voiding.get(t).copied().unwrap_or(false)
                || stored_targets.get(t).is_some_and(|r| r.voids.is_some());
            if voiding {
                return Err(LrsError::Bad(format!(
                    "statement {t} is itself a voiding statement and cannot be voided (xAPI Data 2.3.2)"
                )));
            }
        }
        let fresh_ids: Vec<Uuid> = fresh.iter().map(|&i| ids[i]).collect();
        let mut voided: HashSet<Uuid> = tx
            .conn()
            .xapi_voided_before(client.org_id, &fresh_ids)
            .await?
            .into_iter()
            .collect();
        voided.extend(targets.iter().copied());

        let rows: Vec<NewStatementRow> = fresh
            .iter()
            .filter_map(|&i| rows[i].take())
            .map(|mut row| {
                row.voided = row.voids.is_none() && voided.contains(&row.id);
                row
            })
            .collect();
        tx.conn()
            .insert_xapi_statements(client.org_id, Some(client.key_id), &rows)
            .await?;
        let to_void: Vec<Uuid> = targets
            .iter()
            .filter(|t| stored_targets.contains_key(t))
            .copied()
            .collect();
        if !to_void.is_empty() {
            tx.conn()
                .void_xapi_statements(client.org_id, &to_void)
                .await?;
        }
        if !attachments.is_empty() {
            let contents: Vec<AttachmentRow> = attachments
                .iter()
                .map(|a| AttachmentRow {
                    sha2: a.sha2.clone(),
                    content_type: a.content_type.clone(),
                    content: a.content.clone(),
                })
                .collect();
            tx.conn()
                .put_xapi_attachments(client.org_id, &contents)
                .await?;
        }
        let awarded = self
            .awards_after_statements(&mut tx, client.org_id, &rows, &to_void, false)
            .await?;
        tx.commit().await?;
        if !awarded.is_empty() {
            self.process_awards().await;
        }
        Ok(ids)
    }

    /// Store statements Cairn itself makes (its lessons and assessments report what a
    /// learner did), inside the caller's transaction, in `org_id`'s LRS with Cairn as the
    /// authority. They are validated like any client's, so a bug here is refused rather
    /// than stored. Returns the awards the statements decided; the caller runs
    /// [`App::process_awards`] after commit.
    pub(crate) async fn record_statements(
        &self,
        tx: &mut cairn_store::Tx,
        org_id: Uuid,
        statements: Vec<Value>,
    ) -> Result<Vec<Uuid>> {
        if statements.is_empty() {
            return Ok(Vec::new());
        }
        let (stored_at, stored_text) = stored_now();
        let authority = self.platform_authority();
        let mut rows = Vec::with_capacity(statements.len());
        for v in statements {
            let mut s = cairn_lrs::validate_statement_owned(v, Version::V2_0).map_err(|e| {
                AppError::Internal(format!("a statement Cairn made is invalid: {e}"))
            })?;
            let id = s.id.unwrap_or_else(Uuid::now_v7);
            let done =
                cairn_lrs::finalize_statement(&mut s, id, &stored_text, &authority, Version::V2_0);
            let row = row_of(&s, id, stored_at, None, &done).map_err(|e| match e {
                LrsError::App(e) => e,
                other => AppError::Internal(other.to_string()),
            })?;
            rows.push(row);
        }
        tx.conn()
            .insert_xapi_statements(org_id, None, &rows)
            .await?;
        self.awards_after_statements(tx, org_id, &rows, &[], true)
            .await
    }

    /// The agent Cairn records as the authority of the statements it makes itself.
    pub fn platform_authority(&self) -> Value {
        json!({
            "objectType": "Agent",
            "name": "Cairn",
            "account": {"homePage": self.config.public_url, "name": "cairn"}
        })
    }

    /// The xAPI agent for a Cairn user, as Cairn's own statements name them: an account
    /// on this server whose name is the user's id. Statements from other tools name the
    /// same person by this account or by their e-mail address (see decision 0021).
    pub fn learner_agent(&self, user_id: Uuid, name: &str) -> Value {
        json!({
            "objectType": "Agent",
            "name": name,
            "account": {"homePage": self.config.public_url, "name": user_id.to_string()}
        })
    }

    /// One statement by id: a voided one only when asked for as voided, and a statement
    /// that is not voided never then.
    pub async fn statement(
        &self,
        client: &LrsClient,
        id: Uuid,
        voided: bool,
    ) -> Result<Option<Value>, LrsError> {
        let mut r = self.store.reader().await?;
        let rows = r
            .conn()
            .xapi_statements_by_ids(client.org_id, &[id])
            .await?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        if row.voided != voided {
            return Ok(None);
        }
        Ok(Some(parse_stored(&row)?))
    }

    /// The stored contents of the attachments `statements` declare, each once, for a
    /// response with `attachments=true`. Attachments known only by `fileUrl` have none.
    pub async fn statement_attachments(
        &self,
        client: &LrsClient,
        statements: &[Value],
    ) -> Result<Vec<AttachmentRow>, LrsError> {
        let hashes: Vec<String> = statements
            .iter()
            .flat_map(cairn_lrs::attachments::declared_hashes)
            .collect();
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let mut r = self.store.reader().await?;
        Ok(r.conn().xapi_attachments(client.org_id, &hashes).await?)
    }

    /// A page of the filtered list, ordered by `stored`, voided statements left out.
    pub async fn query_statements(
        &self,
        client: &LrsClient,
        q: &StatementQuery,
        params: &[(String, String)],
        cursor: Option<&Cursor>,
    ) -> Result<StatementPage, LrsError> {
        let time = |name: &str, v: &Option<String>| -> Result<Option<OffsetDateTime>, LrsError> {
            v.as_deref()
                .map(|s| {
                    OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
                        LrsError::Bad(format!(
                            "{name} must be an ISO 8601 timestamp with a time zone (XAPI-00162)"
                        ))
                    })
                })
                .transpose()
        };
        let limit = if q.limit == 0 || q.limit > MAX_PAGE {
            MAX_PAGE
        } else {
            q.limit
        };
        let mut r = self.store.reader().await?;
        let through = match cursor {
            Some(c) => c.through,
            None => r.conn().xapi_last_seq(client.org_id).await?,
        };
        let filter = StatementFilter {
            agent: q.agent.clone(),
            related_agents: q.related_agents,
            verb: q.verb.clone(),
            activity: q.activity.clone(),
            related_activities: q.related_activities,
            registration: q.registration,
            since: time("since", &q.since)?,
            until: time("until", &q.until)?,
            through_seq: Some(through),
            after_seq: cursor.map(|c| c.after),
            ascending: q.ascending,
            limit: i64::from(limit) + 1,
        };
        let mut rows = r
            .conn()
            .xapi_statements_query(client.org_id, &filter)
            .await?;
        let more = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|last| Cursor {
                params: params.to_vec(),
                after: last.seq,
                through,
            })
        } else {
            None
        };
        let statements = rows.iter().map(parse_stored).collect::<Result<_, _>>()?;
        Ok(StatementPage { statements, more })
    }
}

fn parse_stored(row: &StatementRow) -> Result<Value, LrsError> {
    serde_json::from_str(&row.statement)
        .map_err(|e| LrsError::App(AppError::Internal(format!("stored statement: {e}"))))
}

/// The row of a statement not voided (the caller sets `voided` when a stored statement
/// voids it already).
fn row_of(
    s: &ValidStatement,
    id: Uuid,
    stored: OffsetDateTime,
    sent: Option<&str>,
    finalized: &cairn_lrs::Finalized,
) -> Result<NewStatementRow, LrsError> {
    let mut refs: Vec<(&'static str, String)> = Vec::new();
    refs.extend(s.related_activities.iter().map(|a| ("activity", a.clone())));
    refs.extend(s.related_agents.iter().map(|a| ("agent", a.clone())));
    let object = s.value.get("object");
    let object_is_agent = object
        .and_then(|o| o.get("objectType"))
        .and_then(Value::as_str)
        .is_some_and(|t| t == "Agent" || t == "Group");
    if object_is_agent && let Some(ifi) = object.and_then(cairn_lrs::agent_ifi) {
        refs.push(("agent", format!("{OBJECT_AGENT_REF}{ifi}")));
    }
    let statement = cairn_lrs::stored_text(s, sent, finalized)
        .map_err(|e| LrsError::App(AppError::Internal(format!("statement: {e}"))))?;
    Ok(NewStatementRow {
        id,
        stored,
        verb_id: s.verb_id.clone(),
        actor_ifi: s.actor_ifi.clone(),
        activity_id: s.activity_id.clone(),
        registration: s.registration,
        voids: s.voids,
        voided: false,
        statement,
        refs,
    })
}

/// A client's `Invalid` as an LRS refusal.
impl From<Invalid> for LrsError {
    fn from(e: Invalid) -> Self {
        LrsError::Bad(e.to_string())
    }
}

/// `Authorization: Basic …` as `(user, password)`; None when it is not well-formed.
pub fn parse_basic(header: &str) -> Option<(String, String)> {
    use base64::Engine;
    let (scheme, rest) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

impl Cursor {
    /// Opaque to clients: base64url JSON.
    pub fn encode(&self) -> String {
        use base64::Engine;
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(token: &str) -> Option<Cursor> {
        use base64::Engine;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token.trim())
            .ok()?;
        serde_json::from_slice(&raw).ok()
    }
}
