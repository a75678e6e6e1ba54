//! The audit log's hash chain: each event carries the hash of the one before it, so that
//! changing or deleting any stored event breaks every hash after it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

/// The hash the first event of a log chains to.
pub const GENESIS: [u8; 32] = [0; 32];

/// What an audit event says, before it is chained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// `user:<id>`, `token:<id>` or `system`.
    pub actor: String,
    pub org_id: Option<Uuid>,
    /// Dotted verb, e.g. `org.create`, `member.add`, `session.sign_in_failed`.
    pub action: String,
    /// What the action was about, e.g. `user:<id>`.
    pub subject: String,
    /// Extra facts as JSON text (never secrets).
    pub detail: String,
}

/// A stored event: the entry with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: i64,
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    // Length-prefixed, so that moving text from one field to the next changes the hash.
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// The hash of an event given the previous event's hash.
pub fn chain_hash(prev: &[u8], id: Uuid, at: OffsetDateTime, e: &AuditEntry) -> [u8; 32] {
    let mut h = Sha256::new();
    field(&mut h, prev);
    field(&mut h, id.as_bytes());
    field(&mut h, &at.unix_timestamp_nanos().to_be_bytes());
    field(&mut h, e.actor.as_bytes());
    field(
        &mut h,
        e.org_id
            .map(|o| o.into_bytes())
            .unwrap_or_default()
            .as_slice(),
    );
    field(&mut h, e.action.as_bytes());
    field(&mut h, e.subject.as_bytes());
    field(&mut h, e.detail.as_bytes());
    h.finalize().into()
}

/// Where a chain first fails to hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("event #{seq} does not follow the event before it (its previous-hash is wrong)")]
    Unlinked { seq: i64 },
    #[error("event #{seq} was altered: its content no longer matches its hash")]
    Altered { seq: i64 },
}

/// Check events given in sequence order, starting from `prev` (GENESIS for the whole log).
pub fn verify_chain<'a>(
    prev: [u8; 32],
    events: impl IntoIterator<Item = &'a AuditEvent>,
) -> Result<[u8; 32], ChainBreak> {
    let mut prev = prev;
    for ev in events {
        if ev.prev_hash != hex::encode(prev) {
            return Err(ChainBreak::Unlinked { seq: ev.seq });
        }
        let h = chain_hash(&prev, ev.id, ev.at, &ev.entry);
        if ev.hash != hex::encode(h) {
            return Err(ChainBreak::Altered { seq: ev.seq });
        }
        prev = h;
    }
    Ok(prev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditEvent> {
        let mut prev = GENESIS;
        (0..n)
            .map(|i| {
                let entry = AuditEntry {
                    actor: "system".into(),
                    org_id: None,
                    action: "test.event".into(),
                    subject: format!("n:{i}"),
                    detail: "{}".into(),
                };
                let id = Uuid::from_u128(i as u128);
                let at = OffsetDateTime::from_unix_timestamp(1_700_000_000 + i as i64).unwrap();
                let h = chain_hash(&prev, id, at, &entry);
                let ev = AuditEvent {
                    seq: i as i64 + 1,
                    id,
                    at,
                    entry,
                    prev_hash: hex::encode(prev),
                    hash: hex::encode(h),
                };
                prev = h;
                ev
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        assert!(verify_chain(GENESIS, &chain(5)).is_ok());
    }

    #[test]
    fn altered_event_is_named() {
        let mut c = chain(5);
        c[2].entry.subject = "n:99".into();
        assert_eq!(
            verify_chain(GENESIS, &c),
            Err(ChainBreak::Altered { seq: 3 })
        );
    }

    #[test]
    fn deleted_event_is_detected() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify_chain(GENESIS, &c),
            Err(ChainBreak::Unlinked { seq: 3 })
        );
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let at = OffsetDateTime::UNIX_EPOCH;
        let a = AuditEntry {
            actor: "ab".into(),
            org_id: None,
            action: "c".into(),
            subject: String::new(),
            detail: String::new(),
        };
        let b = AuditEntry {
            actor: "a".into(),
            action: "bc".into(),
            ..a.clone()
        };
        assert_ne!(
            chain_hash(&GENESIS, Uuid::nil(), at, &a),
            chain_hash(&GENESIS, Uuid::nil(), at, &b)
        );
    }
}
