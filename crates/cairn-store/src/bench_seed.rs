//! Bulk seeding for benchmarks: a million learners and their credentials in set-based SQL
//! (a recursive CTE on SQLite, `generate_series` on PostgreSQL), in a minute rather than
//! the hours that issuing them one by one would take.
//!
//! Ids are derived from the learner's number, so a benchmark can name learner `i` without
//! reading the table back: [`learner_id`] and [`credential_id`] give the same ids the SQL
//! writes. They are version-8 UUIDs with a fixed prefix, in insertion order like the v7 ids
//! the application makes. Credentials carry a small constant document: nothing is signed,
//! and what reads them here (stack re-evaluation) never looks at it.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, Connection};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Result, Store, StoreError, Tx, redact};

/// Bits in one status list; seeded credentials fill the lists in order.
pub const STATUS_LIST_BITS: u64 = 131_072;
/// Learners seeded per statement.
const BATCH: u64 = 100_000;
/// High halves of the derived ids (version nibble 8); the low half is `8000` and a counter.
const USER_HI: u64 = 0xca12_be0c_0001_8000;
const CREDENTIAL_HI: u64 = 0xca12_be0c_0002_8000;
const LOW_TAG: u64 = 0x8000 << 48;
const DOCUMENT: &str = r#"{"seeded":"benchmark","note":"not a signed credential"}"#;

/// The id of seeded learner `i`.
pub fn learner_id(i: u64) -> Uuid {
    Uuid::from_u64_pair(USER_HI, LOW_TAG | i)
}

/// The id of seeded credential `n` (learner `n / slots`, slot `n % slots`).
pub fn credential_id(n: u64) -> Uuid {
    Uuid::from_u64_pair(CREDENTIAL_HI, LOW_TAG | n)
}

/// What to seed: `learners` people, each holding the first `1 + i % ladder.len()` of the
/// `ladder` achievements and every one of `everyone`, all issued by `org_id`.
#[derive(Debug, Clone)]
pub struct SeedPlan {
    pub org_id: Uuid,
    /// (achievement id, name) held in part: learner `i` holds the first `1 + i % len`.
    pub ladder: Vec<(Uuid, String)>,
    /// (achievement id, name) held by every learner.
    pub everyone: Vec<(Uuid, String)>,
    pub learners: u64,
    pub issued_at: OffsetDateTime,
}

impl SeedPlan {
    /// How many of the ladder learner `i` holds.
    pub fn ladder_held(&self, i: u64) -> u64 {
        match self.ladder.len() as u64 {
            0 => 0,
            len => 1 + i % len,
        }
    }

    /// How many credentials the plan makes.
    pub fn credentials(&self) -> u64 {
        let len = self.ladder.len() as u64;
        let ladder = self.learners.checked_div(len).map_or(0, |full| {
            let rest = self.learners % len;
            full * (len * (len + 1) / 2) + rest * (rest + 1) / 2
        });
        ladder + self.learners * self.everyone.len() as u64
    }

    fn slots(&self) -> Vec<(i64, Uuid, &str)> {
        self.ladder
            .iter()
            .chain(&self.everyone)
            .enumerate()
            .map(|(s, (id, name))| (s as i64, *id, name.as_str()))
            .collect()
    }
}

/// What was seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub learners: u64,
    pub credentials: u64,
}

fn prefix_hex(hi: u64) -> String {
    format!("{hi:016x}8000")
}

fn int(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{v} is too large to seed")))
}

/// Insert the plan's learners (with a primary e-mail each) and credentials in one
/// transaction. `progress` is called after each batch with the learners done so far.
pub async fn seed(store: &Store, plan: &SeedPlan, mut progress: impl FnMut(u64)) -> Result<Seeded> {
    let slots = plan.slots();
    let width = int(slots.len() as u64)?;
    let ladder = int(plan.ladder.len() as u64)?;
    let bits = int(STATUS_LIST_BITS)?;
    let mut tx = store.begin().await?;
    let mut start = 0;
    while start < plan.learners {
        let end = plan.learners.min(start + BATCH);
        let (lo, hi) = (int(start)?, int(end)?);
        match &mut tx {
            Tx::Sqlite(c) => {
                let s = "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2) ";
                let users = format!(
                    "{s}INSERT INTO users (id, display_name, created_at) \
                     SELECT unhex($3 || printf('%012x', i)), 'Learner ' || i, $4 FROM s"
                );
                sqlx::query(AssertSqlSafe(users))
                    .bind(lo)
                    .bind(hi)
                    .bind(prefix_hex(USER_HI))
                    .bind(plan.issued_at)
                    .execute(&mut **c)
                    .await?;
                let emails = format!(
                    "{s}INSERT INTO user_emails (address, user_id, is_primary) \
                     SELECT 'learner' || i || '@bench.example', unhex($3 || printf('%012x', i)), 1 FROM s"
                );
                sqlx::query(AssertSqlSafe(emails))
                    .bind(lo)
                    .bind(hi)
                    .bind(prefix_hex(USER_HI))
                    .execute(&mut **c)
                    .await?;
                if !slots.is_empty() {
                    let values = values_sql(slots.len(), 10, |a, b, c| format!("({a}, {b}, {c})"));
                    let credentials = format!(
                        "{s}, k(slot, achievement_id, name) AS (VALUES {values}) \
                         INSERT INTO credentials (id, org_id, achievement_id, recipient_user, recipient, name, document, status_list, status_index, issued_at) \
                         SELECT unhex($3 || printf('%012x', i * $5 + slot)), $6, achievement_id, unhex($4 || printf('%012x', i)), \
                                'learner' || i || '@bench.example', name, $7, (i * $5 + slot) / $8, (i * $5 + slot) % $8, $9 \
                         FROM s CROSS JOIN k WHERE slot >= $10 OR slot <= i % $10 ORDER BY i, slot"
                    );
                    let mut q = sqlx::query(AssertSqlSafe(credentials))
                        .bind(lo)
                        .bind(hi)
                        .bind(prefix_hex(CREDENTIAL_HI))
                        .bind(prefix_hex(USER_HI))
                        .bind(width)
                        .bind(plan.org_id)
                        .bind(DOCUMENT)
                        .bind(bits)
                        .bind(plan.issued_at)
                        .bind(ladder.max(1));
                    for (slot, id, name) in &slots {
                        q = q.bind(*slot).bind(*id).bind(*name);
                    }
                    q.execute(&mut **c).await?;
                }
            }
            Tx::Postgres(c) => {
                let s = "generate_series($1::bigint, $2::bigint - 1) AS s(i)";
                let users = format!(
                    "INSERT INTO users (id, display_name, created_at) \
                     SELECT ($3 || lpad(to_hex(i), 12, '0'))::uuid, 'Learner ' || i, $4 FROM {s}"
                );
                sqlx::query(AssertSqlSafe(users))
                    .bind(lo)
                    .bind(hi)
                    .bind(prefix_hex(USER_HI))
                    .bind(plan.issued_at)
                    .execute(&mut **c)
                    .await?;
                let emails = format!(
                    "INSERT INTO user_emails (address, user_id, is_primary) \
                     SELECT 'learner' || i || '@bench.example', ($3 || lpad(to_hex(i), 12, '0'))::uuid, TRUE FROM {s}"
                );
                sqlx::query(AssertSqlSafe(emails))
                    .bind(lo)
                    .bind(hi)
                    .bind(prefix_hex(USER_HI))
                    .execute(&mut **c)
                    .await?;
                if !slots.is_empty() {
                    let values = values_sql(slots.len(), 10, |a, b, c| {
                        format!("({a}::bigint, {b}::uuid, {c}::text)")
                    });
                    let credentials = format!(
                        "WITH k(slot, achievement_id, name) AS (VALUES {values}) \
                         INSERT INTO credentials (id, org_id, achievement_id, recipient_user, recipient, name, document, status_list, status_index, issued_at) \
                         SELECT ($3 || lpad(to_hex(i * $5::bigint + slot), 12, '0'))::uuid, $6, achievement_id, ($4 || lpad(to_hex(i), 12, '0'))::uuid, \
                                'learner' || i || '@bench.example', name, $7, ((i * $5::bigint + slot) / $8::bigint)::int, ((i * $5::bigint + slot) % $8::bigint)::int, $9 \
                         FROM {s} CROSS JOIN k WHERE slot >= $10::bigint OR slot <= i % $10::bigint ORDER BY i, slot"
                    );
                    let mut q = sqlx::query(AssertSqlSafe(credentials))
                        .bind(lo)
                        .bind(hi)
                        .bind(prefix_hex(CREDENTIAL_HI))
                        .bind(prefix_hex(USER_HI))
                        .bind(width)
                        .bind(plan.org_id)
                        .bind(DOCUMENT)
                        .bind(bits)
                        .bind(plan.issued_at)
                        .bind(ladder.max(1));
                    for (slot, id, name) in &slots {
                        q = q.bind(*slot).bind(*id).bind(*name);
                    }
                    q.execute(&mut **c).await?;
                }
            }
        }
        progress(end);
        start = end;
    }
    tx.commit().await?;
    Ok(Seeded {
        learners: plan.learners,
        credentials: plan.credentials(),
    })
}

/// `n` rows of three placeholders each, numbered from `first + 1`.
fn values_sql(n: usize, first: usize, row: impl Fn(String, String, String) -> String) -> String {
    (0..n)
        .map(|k| {
            let p = first + 3 * k;
            row(
                format!("${}", p + 1),
                format!("${}", p + 2),
                format!("${}", p + 3),
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many learners and credentials the seeding left (counted, for checks).
pub async fn count(store: &Store) -> Result<Seeded> {
    let mut r = store.reader().await?;
    let (learners, credentials): (i64, i64) = crate::conn::on!(&mut r.conn(), |c| sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM users WHERE display_name LIKE 'Learner %'), \
                (SELECT COUNT(*) FROM credentials WHERE document = $1)"
    )
    .bind(DOCUMENT)
    .fetch_one(c)
    .await)?;
    Ok(Seeded {
        learners: u64::try_from(learners).unwrap_or(0),
        credentials: u64::try_from(credentials).unwrap_or(0),
    })
}

/// After seeding: PostgreSQL gets what autovacuum would soon do (statistics, hint bits,
/// visibility map); SQLite folds the write-ahead log into the file, leaving statistics
/// unset as an installation has them.
pub async fn settle(store: &Store) -> Result<()> {
    match store {
        Store::Sqlite { write, .. } => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(write)
                .await?;
        }
        Store::Postgres(pool) => {
            sqlx::query("VACUUM ANALYZE").execute(pool).await?;
            sqlx::query("CHECKPOINT").execute(pool).await.ok();
        }
    }
    Ok(())
}

/// The database's size in bytes: the SQLite file with its write-ahead log, or
/// `pg_database_size` of the current PostgreSQL database.
pub async fn database_size(store: &Store) -> Result<u64> {
    let bytes: i64 = match store {
        Store::Sqlite { read, .. } => {
            sqlx::query_scalar(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            )
            .fetch_one(read)
            .await?
        }
        Store::Postgres(pool) => {
            sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(pool)
                .await?
        }
    };
    Ok(u64::try_from(bytes).unwrap_or(0))
}

/// A new, empty PostgreSQL database named `name` on the server of `base` (whose own
/// database is only used to connect); returns the URL of the new one.
pub async fn create_postgres_database(base: &str, name: &str) -> Result<String> {
    check_name(name)?;
    let mut admin = admin(base).await?;
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await?;
    let _ = admin.close().await;
    Ok(with_database(base, name))
}

/// Drop a database made by [`create_postgres_database`], closing its connections.
pub async fn drop_postgres_database(base: &str, name: &str) -> Result<()> {
    check_name(name)?;
    let mut admin = admin(base).await?;
    sqlx::query(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await?;
    let _ = admin.close().await;
    Ok(())
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "'{name}' is not a database name to create (lower-case letters, digits, _)"
        )))
    }
}

async fn admin(base: &str) -> Result<PgConnection> {
    let o = PgConnectOptions::from_str(base).map_err(|_| StoreError::BadUrl(redact(base)))?;
    Ok(PgConnection::connect_with(&o).await?)
}

/// `base` with its database name replaced by `db`.
fn with_database(base: &str, db: &str) -> String {
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (base, None),
    };
    let host_start = head.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match head[host_start..].find('/') {
        Some(i) => &head[..host_start + i],
        None => head,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_derived_from_the_number() {
        assert_eq!(
            learner_id(255).to_string(),
            "ca12be0c-0001-8000-8000-0000000000ff"
        );
        assert_eq!(credential_id(1).get_version_num(), 8);
        assert_ne!(learner_id(7), credential_id(7));
    }

    #[test]
    fn credentials_are_counted_per_learner() {
        let a = |n: &str| (Uuid::nil(), n.to_owned());
        let plan = SeedPlan {
            org_id: Uuid::nil(),
            ladder: vec![a("B1"), a("B2"), a("B3")],
            everyone: vec![a("B4")],
            learners: 7,
            issued_at: OffsetDateTime::UNIX_EPOCH,
        };
        let by_hand: u64 = (0..7).map(|i| plan.ladder_held(i) + 1).sum();
        assert_eq!(plan.credentials(), by_hand);
        assert_eq!(
            with_database("postgres://u@h/test", "x"),
            "postgres://u@h/x"
        );
        assert!(check_name("cairn_bench_1").is_ok());
        assert!(check_name("x; DROP").is_err());
    }
}
