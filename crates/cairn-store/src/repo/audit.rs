use cairn_core::audit::{AuditEntry, AuditEvent, GENESIS, chain_hash};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::conn::{Conn, on};
use crate::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    id: Uuid,
    at: OffsetDateTime,
    actor: String,
    org_id: Option<Uuid>,
    action: String,
    subject: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditEvent {
    fn from(r: AuditRow) -> Self {
        AuditEvent {
            seq: r.seq,
            id: r.id,
            at: r.at,
            entry: AuditEntry {
                actor: r.actor,
                org_id: r.org_id,
                action: r.action,
                subject: r.subject,
                detail: r.detail,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// A page of audit events and where the next page starts.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub next_after: Option<i64>,
}

macro_rules! audit_columns {
    () => {
        "seq, id, at, actor, org_id, action, subject, detail, prev_hash, hash"
    };
}

/// Any value that serializes the advisory lock protecting the chain's tail on PostgreSQL.
const AUDIT_LOCK_KEY: i64 = 0x6361_6972_6e41_5544; // "cairnAUD"

impl Conn<'_> {
    /// Append an event to the chain. Call inside the transaction of the change it records.
    ///
    /// `at` should already be truncated to microseconds, the precision both backends keep,
    /// or the stored event would no longer match its hash.
    pub async fn append_audit(
        &mut self,
        entry: &AuditEntry,
        at: OffsetDateTime,
    ) -> Result<AuditEvent> {
        if let Conn::Postgres(c) = self {
            // Concurrent writers on several servers must not both chain to the same tail.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(AUDIT_LOCK_KEY)
                .execute(&mut **c)
                .await?;
        }
        let q = "SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1";
        let last: Option<String> = on!(self, |c| sqlx::query_scalar(q).fetch_optional(c).await)?;
        let prev = match last {
            Some(h) => {
                let bytes = hex::decode(&h)
                    .map_err(|_| StoreError::Corrupt("audit hash is not hex".into()))?;
                <[u8; 32]>::try_from(bytes.as_slice())
                    .map_err(|_| StoreError::Corrupt("audit hash has the wrong length".into()))?
            }
            None => GENESIS,
        };
        let id = Uuid::now_v7();
        let hash = chain_hash(&prev, id, at, entry);
        let (prev_hex, hash_hex) = (hex::encode(prev), hex::encode(hash));
        let q = "INSERT INTO audit_events (id, at, actor, org_id, action, subject, detail, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq";
        let seq: i64 = on!(self, |c| sqlx::query_scalar(q)
            .bind(id)
            .bind(at)
            .bind(&entry.actor)
            .bind(entry.org_id)
            .bind(&entry.action)
            .bind(&entry.subject)
            .bind(&entry.detail)
            .bind(&prev_hex)
            .bind(&hash_hex)
            .fetch_one(c)
            .await)?;
        Ok(AuditEvent {
            seq,
            id,
            at,
            entry: entry.clone(),
            prev_hash: prev_hex,
            hash: hash_hex,
        })
    }

    /// Events after `after` in chain order, of one organization or (None) of the whole platform.
    pub async fn audit_events(
        &mut self,
        org: Option<Uuid>,
        after: i64,
        limit: i64,
    ) -> Result<AuditPage> {
        let rows: Vec<AuditRow> = match org {
            Some(org) => {
                let q = concat!(
                    "SELECT ",
                    audit_columns!(),
                    " FROM audit_events WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
                );
                on!(self, |c| sqlx::query_as(q)
                    .bind(org)
                    .bind(after)
                    .bind(limit)
                    .fetch_all(c)
                    .await)?
            }
            None => {
                let q = concat!(
                    "SELECT ",
                    audit_columns!(),
                    " FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2"
                );
                on!(self, |c| sqlx::query_as(q)
                    .bind(after)
                    .bind(limit)
                    .fetch_all(c)
                    .await)?
            }
        };
        let next_after = if rows.len() as i64 == limit {
            rows.last().map(|r| r.seq)
        } else {
            None
        };
        Ok(AuditPage {
            events: rows.into_iter().map(Into::into).collect(),
            next_after,
        })
    }

    /// Events about any of these subjects, in chain order (at most `limit`).
    pub async fn audit_events_about(
        &mut self,
        subjects: &[String],
        limit: i64,
    ) -> Result<Vec<AuditEvent>> {
        let mut events = Vec::new();
        // One indexed lookup per subject: chains are short (a handful of subjects), and
        // an IN list would need SQL built per call.
        for subject in subjects {
            let q = concat!(
                "SELECT ",
                audit_columns!(),
                " FROM audit_events WHERE subject = $1 ORDER BY seq LIMIT $2"
            );
            let rows: Vec<AuditRow> = on!(self, |c| sqlx::query_as(q)
                .bind(subject)
                .bind(limit)
                .fetch_all(c)
                .await)?;
            events.extend(rows.into_iter().map(AuditEvent::from));
        }
        events.sort_by_key(|e| e.seq);
        events.dedup_by_key(|e| e.seq);
        events.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(events)
    }
}
