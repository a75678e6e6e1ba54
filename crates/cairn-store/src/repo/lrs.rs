//! The Learning Record Store: LRS keys, and xAPI statements with what their queries index.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
// Dynamic SQL here is placeholders and fixed fragments only; every value is bound.
use sqlx::{AssertSqlSafe, Postgres, Sqlite};
use time::OffsetDateTime;
use time::macros::format_description;
use uuid::Uuid;

use crate::conn::{Conn, on};
use crate::{Result, StoreError};

/// An LRS key without its secret.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LrsKeyRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// What authenticating with a key needs: the key, its secret's hash and its organization.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LrsKeyAuthRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub org_slug: String,
    pub name: String,
    pub secret_hash: String,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A statement to store, with the values its queries match.
#[derive(Debug, Clone)]
pub struct NewStatementRow {
    pub id: Uuid,
    pub stored: OffsetDateTime,
    pub verb_id: String,
    pub actor_ifi: String,
    pub activity_id: Option<String>,
    pub registration: Option<Uuid>,
    pub voids: Option<Uuid>,
    pub voided: bool,
    /// The statement as stored, JSON.
    pub statement: String,
    /// `(kind, value)` with kind `activity` or `agent`: every activity and agent the
    /// statement names. The actor and the object activity are stored as columns only.
    pub refs: Vec<(&'static str, String)>,
}

/// A stored statement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatementRow {
    pub seq: i64,
    pub id: Uuid,
    pub voided: bool,
    pub voids: Option<Uuid>,
    pub statement: String,
}

/// Filters of a statement list; every present one must match.
#[derive(Debug, Clone, Default)]
pub struct StatementFilter {
    /// An agent IFI matched against the actor, and the object through the `object ` refs
    /// (or anywhere when `related_agents`).
    pub agent: Option<String>,
    pub related_agents: bool,
    pub verb: Option<String>,
    pub activity: Option<String>,
    pub related_activities: bool,
    pub registration: Option<Uuid>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    /// Only statements stored up to this sequence number: keeps later pages consistent.
    pub through_seq: Option<i64>,
    /// Continue after this sequence number (in the list's order).
    pub after_seq: Option<i64>,
    pub ascending: bool,
    pub limit: i64,
}

/// Prefix of the agent refs naming a statement's object (the plain agent filter matches
/// actor or object; `related_agents` matches any ref without the prefix).
pub const OBJECT_AGENT_REF: &str = "object ";

/// `stored` as SQLite keeps it: fixed width, so that text comparison is time order (the
/// driver's own form drops trailing zeros of the fraction).
struct StoredAt(OffsetDateTime);

impl sqlx::Type<Sqlite> for StoredAt {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <String as sqlx::Type<Sqlite>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, Sqlite> for StoredAt {
    fn encode_by_ref(
        &self,
        buf: &mut <Sqlite as sqlx::Database>::ArgumentBuffer,
    ) -> std::result::Result<IsNull, BoxDynError> {
        let f = format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
        );
        let utc = self.0.to_offset(time::UtcOffset::UTC);
        <String as sqlx::Encode<'q, Sqlite>>::encode(utc.format(&f)?, buf)
    }
}

impl sqlx::Type<Postgres> for StoredAt {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <OffsetDateTime as sqlx::Type<Postgres>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, Postgres> for StoredAt {
    fn encode_by_ref(
        &self,
        buf: &mut <Postgres as sqlx::Database>::ArgumentBuffer,
    ) -> std::result::Result<IsNull, BoxDynError> {
        <OffsetDateTime as sqlx::Encode<'q, Postgres>>::encode_by_ref(&self.0, buf)
    }
}

/// Rows per multi-row INSERT, and ids per `IN` list: well under both backends' limits on
/// bound parameters (SQLite 32,766, PostgreSQL 65,535), and large enough that a batch of
/// 1,000 statements is two INSERTs and a handful of ref INSERTs.
/// `persistent(ONE_OFF)`: PostgreSQL plans the statement for its parameters each time
/// instead of caching a generic plan per connection. A connection that first ran these id
/// lookups on a small table (single statements as a server starts) kept a generic plan
/// that no longer fit once the table grew: batch ingest over HTTP fell from about 20,000
/// to 5,500 statements/s.
const ONE_OFF: bool = false;

const STATEMENT_CHUNK: usize = 500;
const REF_CHUNK: usize = 2000;

/// Placeholders of `rows` rows of `cols` values, numbered from `first` on PostgreSQL.
///
/// SQLite gets anonymous `?` instead: for each numbered parameter the driver asks SQLite
/// its name, and SQLite finds it by walking the statement's list of names, so binding n
/// numbered parameters costs n² — with thousands per multi-row INSERT that was a third of
/// batch ingest. Anonymous ones have no name to look up. A query that uses them must use
/// them for every parameter, in the order they are bound.
/// A statement row's eleven columns, bound in the order the INSERTs name them (from
/// `org_id` to `statement`).
macro_rules! bind_statement {
    ($query:expr, $org:expr, $key:expr, $r:expr) => {
        $query
            .bind($org)
            .bind($key)
            .bind($r.id)
            .bind(StoredAt($r.stored))
            .bind(&$r.verb_id)
            .bind(&$r.actor_ifi)
            .bind(&$r.activity_id)
            .bind($r.registration)
            .bind($r.voids)
            .bind($r.voided)
            .bind(&$r.statement)
    };
}

fn placeholders(sqlite: bool, rows: usize, cols: usize, first: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 6);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            push_param(&mut s, sqlite, first + r * cols + c);
        }
        s.push(')');
    }
    s
}

fn push_param(s: &mut String, sqlite: bool, n: usize) {
    use std::fmt::Write;
    if sqlite {
        s.push('?');
    } else {
        let _ = write!(s, "${n}");
    }
}

/// `n` placeholders for an `IN` list, numbered from `first` on PostgreSQL (see
/// [`placeholders`] for SQLite's).
fn in_list(sqlite: bool, n: usize, first: usize) -> String {
    let mut s = String::with_capacity(n * 6);
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        push_param(&mut s, sqlite, first + i);
    }
    s
}

fn on_sqlite(c: &Conn<'_>) -> bool {
    matches!(c, Conn::Sqlite(_))
}

/// The parameter that precedes an `IN` list built by [`in_list`]: `?` on SQLite, where
/// all of a query's parameters must be anonymous, `$n` on PostgreSQL.
fn param(sqlite: bool, n: usize) -> String {
    let mut s = String::new();
    push_param(&mut s, sqlite, n);
    s
}

impl Conn<'_> {
    /// Store an LRS key by the SHA-256 hex of its secret.
    pub async fn insert_lrs_key(&mut self, k: &LrsKeyRow, secret_hash: &str) -> Result<()> {
        let q = "INSERT INTO lrs_keys (id, org_id, name, secret_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
        on!(self, |c| sqlx::query(q)
            .bind(k.id)
            .bind(k.org_id)
            .bind(&k.name)
            .bind(secret_hash)
            .bind(k.created_by)
            .bind(k.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("an LRS key with this id"))?;
        Ok(())
    }

    pub async fn lrs_key_for_auth(&mut self, id: Uuid) -> Result<Option<LrsKeyAuthRow>> {
        let q = "SELECT k.id, k.org_id, o.slug AS org_slug, k.name, k.secret_hash, k.revoked_at \
                 FROM lrs_keys k JOIN organizations o ON o.id = k.org_id WHERE k.id = $1";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    pub async fn lrs_keys_of_org(&mut self, org: Uuid) -> Result<Vec<LrsKeyRow>> {
        let q = "SELECT id, org_id, name, created_by, created_at, revoked_at FROM lrs_keys \
                 WHERE org_id = $1 ORDER BY created_at DESC, id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .fetch_all(c)
            .await)?)
    }

    /// Revoke a key of `org`. False when the organization has no such key.
    pub async fn revoke_lrs_key(
        &mut self,
        org: Uuid,
        id: Uuid,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE lrs_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE org_id = $1 AND id = $2";
        let done = on!(self, |c| sqlx::query(q)
            .bind(org)
            .bind(id)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// The statements of `org` with these ids, voided or not.
    pub async fn xapi_statements_by_ids(
        &mut self,
        org: Uuid,
        ids: &[Uuid],
    ) -> Result<Vec<StatementRow>> {
        if let Conn::Postgres(c) = self {
            // One array parameter: a prepared `IN ($2, …)` list got a generic plan that
            // scanned the table once it had grown, seconds per batch. Not prepared either
            // (see `ONE_OFF`).
            let q = "SELECT seq, id, voided, voids, statement FROM xapi_statements \
                     WHERE org_id = $1 AND id = ANY($2)";
            return Ok(sqlx::query_as(q)
                .persistent(ONE_OFF)
                .bind(org)
                .bind(ids)
                .fetch_all(&mut **c)
                .await?);
        }
        let sqlite = on_sqlite(self);
        let mut out = Vec::new();
        for chunk in ids.chunks(REF_CHUNK) {
            let q = format!(
                "SELECT seq, id, voided, voids, statement FROM xapi_statements \
                 WHERE org_id = {} AND id IN ({})",
                param(sqlite, 1),
                in_list(sqlite, chunk.len(), 2)
            );
            let rows: Vec<StatementRow> = on!(self, |c| {
                let mut query = sqlx::query_as(AssertSqlSafe(q.as_str())).bind(org);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(c).await
            })?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Which of `ids` stored voiding statements of `org` already target: statements that
    /// arrive after their voiding are stored voided.
    pub async fn xapi_voided_before(&mut self, org: Uuid, ids: &[Uuid]) -> Result<Vec<Uuid>> {
        if let Conn::Postgres(c) = self {
            let q = "SELECT voids FROM xapi_statements WHERE org_id = $1 AND voids = ANY($2)";
            let rows: Vec<(Uuid,)> = sqlx::query_as(q)
                .persistent(ONE_OFF)
                .bind(org)
                .bind(ids)
                .fetch_all(&mut **c)
                .await?;
            return Ok(rows.into_iter().map(|r| r.0).collect());
        }
        let sqlite = on_sqlite(self);
        let mut out = Vec::new();
        for chunk in ids.chunks(REF_CHUNK) {
            let q = format!(
                "SELECT voids FROM xapi_statements WHERE org_id = {} AND voids IN ({})",
                param(sqlite, 1),
                in_list(sqlite, chunk.len(), 2)
            );
            let rows: Vec<(Uuid,)> = on!(self, |c| {
                let mut query = sqlx::query_as(AssertSqlSafe(q.as_str())).bind(org);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(c).await
            })?;
            out.extend(rows.into_iter().map(|r| r.0));
        }
        Ok(out)
    }

    /// Mark these statements of `org` voided (voiding statements themselves never are).
    pub async fn void_xapi_statements(&mut self, org: Uuid, ids: &[Uuid]) -> Result<()> {
        if let Conn::Postgres(c) = self {
            let q = "UPDATE xapi_statements SET voided = TRUE \
                     WHERE org_id = $1 AND voids IS NULL AND id = ANY($2)";
            sqlx::query(q)
                .persistent(ONE_OFF)
                .bind(org)
                .bind(ids)
                .execute(&mut **c)
                .await?;
            return Ok(());
        }
        let sqlite = on_sqlite(self);
        for chunk in ids.chunks(REF_CHUNK) {
            let q = format!(
                "UPDATE xapi_statements SET voided = TRUE \
                 WHERE org_id = {} AND voids IS NULL AND id IN ({})",
                param(sqlite, 1),
                in_list(sqlite, chunk.len(), 2)
            );
            on!(self, |c| {
                let mut query = sqlx::query(AssertSqlSafe(q.as_str())).bind(org);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Insert statements and their refs with multi-row INSERTs. Duplicate ids are the
    /// caller's to prevent; one here is a conflict. On any error the caller must roll the
    /// transaction back: on SQLite the rows before the failing one stay in it.
    pub async fn insert_xapi_statements(
        &mut self,
        org: Uuid,
        key_id: Option<Uuid>,
        rows: &[NewStatementRow],
    ) -> Result<()> {
        let sqlite = on_sqlite(self);
        // On SQLite the INSERTs stop at a failing row (OR FAIL) rather than undo it, and
        // the statements' foreign keys are checked at commit (migration 0015): either way
        // an error rolls the whole transaction back, and a statement that may need undoing
        // on its own makes SQLite copy every page it changes to a statement journal.
        let insert = if sqlite {
            "INSERT OR FAIL INTO"
        } else {
            "INSERT INTO"
        };
        // The sequence numbers of `rows`, in order. On SQLite the one writer holds the
        // write lock, so it numbers the rows itself from where AUTOINCREMENT left off
        // rather than have every row handed back by `RETURNING` and matched by id (14 %
        // faster batch ingest, measured).
        let mut seqs: Vec<i64> = Vec::with_capacity(rows.len());
        match self {
            Conn::Sqlite(c) => {
                let (last,): (i64,) = sqlx::query_as(
                "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'xapi_statements'), 0)",
            )
            .fetch_one(&mut **c)
            .await?;
                seqs.extend((1..).map(|i| last + i).take(rows.len()));
                let mut done = 0;
                for chunk in rows.chunks(STATEMENT_CHUNK) {
                    let q = format!(
                        "INSERT OR FAIL INTO xapi_statements (seq, org_id, key_id, id, stored, verb_id, \
                     actor_ifi, activity_id, registration, voids, voided, statement) VALUES {}",
                        placeholders(true, chunk.len(), 12, 1)
                    );
                    let mut query = sqlx::query(AssertSqlSafe(q));
                    for (r, seq) in chunk.iter().zip(&seqs[done..]) {
                        query = bind_statement!(query.bind(*seq), org, key_id, r);
                    }
                    query
                        .execute(&mut **c)
                        .await
                        .map_err(StoreError::conflict_as("a statement with this id"))?;
                    done += chunk.len();
                }
            }
            Conn::Postgres(c) => {
                let mut by_id: std::collections::HashMap<Uuid, i64> =
                    std::collections::HashMap::with_capacity(rows.len());
                for chunk in rows.chunks(STATEMENT_CHUNK) {
                    let q = format!(
                        "INSERT INTO xapi_statements (org_id, key_id, id, stored, verb_id, actor_ifi, \
                         activity_id, registration, voids, voided, statement) VALUES {} RETURNING seq, id",
                        placeholders(false, chunk.len(), 11, 1)
                    );
                    let mut query = sqlx::query_as(AssertSqlSafe(q));
                    for r in chunk {
                        query = bind_statement!(query, org, key_id, r);
                    }
                    let back: Vec<(i64, Uuid)> = query
                        .fetch_all(&mut **c)
                        .await
                        .map_err(StoreError::conflict_as("a statement with this id"))?;
                    by_id.extend(back.into_iter().map(|(seq, id)| (id, seq)));
                }
                for r in rows {
                    seqs.push(by_id.get(&r.id).copied().ok_or(StoreError::NotFound(
                        "the sequence number of a stored statement",
                    ))?);
                }
            }
        }
        let mut refs: Vec<(&'static str, &str, i64)> =
            Vec::with_capacity(rows.iter().map(|r| r.refs.len()).sum());
        for (r, &seq) in rows.iter().zip(&seqs) {
            // Queries match the actor and the object activity by their own columns.
            refs.extend(
                r.refs
                    .iter()
                    .filter(|(kind, value)| match *kind {
                        "agent" => *value != r.actor_ifi,
                        _ => r.activity_id.as_ref() != Some(value),
                    })
                    .map(|(kind, value)| (*kind, value.as_str(), seq)),
            );
        }
        // In the order of the refs' primary key (kind, value, seq): consecutive inserts land
        // on the same index pages instead of pages all over it, which is what a batch's
        // inserts cost once the index outgrows the page cache. Sorting also puts a ref a
        // statement names twice side by side, to be stored once.
        refs.sort_unstable();
        refs.dedup();
        for chunk in refs.chunks(REF_CHUNK) {
            let q = format!(
                "{insert} xapi_statement_refs (seq, kind, value) VALUES {}",
                placeholders(sqlite, chunk.len(), 3, 1)
            );
            on!(self, |c| {
                let mut query = sqlx::query(AssertSqlSafe(q.as_str()));
                for (kind, value, seq) in chunk {
                    query = query.bind(*seq).bind(*kind).bind(*value);
                }
                query.execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// The highest sequence number of `org`'s statements (0 when none).
    pub async fn xapi_last_seq(&mut self, org: Uuid) -> Result<i64> {
        let q = "SELECT COALESCE(MAX(seq), 0) FROM xapi_statements WHERE org_id = $1";
        let (n,): (i64,) = on!(self, |c| sqlx::query_as(q).bind(org).fetch_one(c).await)?;
        Ok(n)
    }

    /// One page of `org`'s statements that are not voided, in storing order. A statement
    /// matches the agent, verb, activity and registration filters itself or through the
    /// statement it voids (xAPI 2.1.3: filters follow StatementRefs); `since`, `until` and
    /// paging apply to the statement itself.
    pub async fn xapi_statements_query(
        &mut self,
        org: Uuid,
        f: &StatementFilter,
    ) -> Result<Vec<StatementRow>> {
        let mut n = 1;
        let mut binds: Vec<Bind> = Vec::new();
        let own = match_conditions(f, "s", &mut n, &mut binds);
        let mut sql = String::from(
            "SELECT s.seq, s.id, s.voided, s.voids, s.statement FROM xapi_statements s \
             WHERE s.org_id = $1 AND s.voided = FALSE",
        );
        if !own.is_empty() {
            let target = match_conditions(f, "t", &mut n, &mut binds);
            sql.push_str(&format!(
                " AND (({own}) OR EXISTS (SELECT 1 FROM xapi_statements t \
                 WHERE t.org_id = s.org_id AND t.id = s.voids AND {target}))"
            ));
        }
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if let Some(t) = f.since {
            sql.push_str(&format!(" AND s.stored > {}", next()));
            binds.push(Bind::Time(t));
        }
        if let Some(t) = f.until {
            sql.push_str(&format!(" AND s.stored <= {}", next()));
            binds.push(Bind::Time(t));
        }
        if let Some(seq) = f.through_seq {
            sql.push_str(&format!(" AND s.seq <= {}", next()));
            binds.push(Bind::Int(seq));
        }
        if let Some(seq) = f.after_seq {
            let op = if f.ascending { ">" } else { "<" };
            sql.push_str(&format!(" AND s.seq {op} {}", next()));
            binds.push(Bind::Int(seq));
        }
        let dir = if f.ascending { "ASC" } else { "DESC" };
        sql.push_str(&format!(" ORDER BY s.seq {dir} LIMIT {}", next()));
        binds.push(Bind::Int(f.limit));
        let rows: Vec<StatementRow> = on!(self, |c| {
            let mut query = sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(org);
            for b in &binds {
                query = match b {
                    Bind::Text(v) => query.bind(v.as_str()),
                    Bind::Uuid(v) => query.bind(*v),
                    Bind::Time(v) => query.bind(StoredAt(*v)),
                    Bind::Int(v) => query.bind(*v),
                };
            }
            query.fetch_all(c).await
        })?;
        Ok(rows)
    }
}

enum Bind {
    Text(String),
    Uuid(Uuid),
    Time(OffsetDateTime),
    Int(i64),
}

/// The agent, verb, activity and registration filters over the statement aliased `a`,
/// joined with AND; empty when there are none.
fn match_conditions(f: &StatementFilter, a: &str, n: &mut usize, binds: &mut Vec<Bind>) -> String {
    let mut next = || {
        *n += 1;
        format!("${n}")
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(agent) = &f.agent {
        // The actor and the object activity are columns; the refs hold the other agents
        // and activities a statement names (see `NewStatementRow::refs`).
        if f.related_agents {
            let (p, q) = (next(), next());
            parts.push(format!(
                "({a}.actor_ifi = {p} OR {a}.seq IN (SELECT seq FROM xapi_statement_refs WHERE kind = 'agent' AND value = {q}))"
            ));
            binds.push(Bind::Text(agent.clone()));
            binds.push(Bind::Text(agent.clone()));
        } else {
            let (p, q) = (next(), next());
            parts.push(format!(
                "({a}.actor_ifi = {p} OR {a}.seq IN (SELECT seq FROM xapi_statement_refs WHERE kind = 'agent' AND value = {q}))"
            ));
            binds.push(Bind::Text(agent.clone()));
            binds.push(Bind::Text(format!("{OBJECT_AGENT_REF}{agent}")));
        }
    }
    if let Some(v) = &f.verb {
        parts.push(format!("{a}.verb_id = {}", next()));
        binds.push(Bind::Text(v.clone()));
    }
    if let Some(act) = &f.activity {
        if f.related_activities {
            let (p, q) = (next(), next());
            parts.push(format!(
                "({a}.activity_id = {p} OR {a}.seq IN (SELECT seq FROM xapi_statement_refs WHERE kind = 'activity' AND value = {q}))"
            ));
            binds.push(Bind::Text(act.clone()));
        } else {
            parts.push(format!("{a}.activity_id = {}", next()));
        }
        binds.push(Bind::Text(act.clone()));
    }
    if let Some(r) = f.registration {
        parts.push(format!("{a}.registration = {}", next()));
        binds.push(Bind::Uuid(r));
    }
    parts.join(" AND ")
}
