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

/// High halves of the workforce seeding's derived ids.
const WORKER_HI: u64 = 0xca12_be0c_0003_8000;
const WORKER_CREDENTIAL_HI: u64 = 0xca12_be0c_0004_8000;
const TEAM_HI: u64 = 0xca12_be0c_0005_8000;
const SHARE_ALL_HI: u64 = 0xca12_be0c_0006_8000;
const SHARE_ONE_HI: u64 = 0xca12_be0c_0007_8000;
/// Credential slots per worker: worker `i`'s credential `k` is number `i * SLOTS + k`.
const SLOTS: u64 = 8;
/// Workers seeded per statement in the workforce seeding.
const WORKFORCE_BATCH: u64 = 20_000;
/// Multiplier and prime modulus of the hash that spreads workers' traits.
const HASH_MUL: u64 = 2_654_435_761;
const HASH_MOD: u64 = 4_294_967_291;
/// Multiplier giving each credential a class (expiry, revocation) out of 100.
const CLASS_MUL: u64 = 40_503;

/// The id of workforce-seeded worker `i`.
pub fn worker_id(i: u64) -> Uuid {
    Uuid::from_u64_pair(WORKER_HI, LOW_TAG | i)
}

/// The id of worker `i`'s credential in slot `k` (when [`WorkforcePlan::credentials_of`]
/// says they have one there).
pub fn worker_credential_id(i: u64, k: u64) -> Uuid {
    Uuid::from_u64_pair(WORKER_CREDENTIAL_HI, LOW_TAG | (i * SLOTS + k))
}

/// The id of team `t` (workers `t * team_size ..`).
pub fn team_id(t: u64) -> Uuid {
    Uuid::from_u64_pair(TEAM_HI, LOW_TAG | t)
}

/// What a worker shares with the employer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Everything they hold ("all, with this employer").
    All,
    /// Their credentials in even slots, one by one.
    Some,
    /// Nothing: the employer sees only what it issued itself.
    Nothing,
}

/// When a seeded credential stops being valid, by its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// Ended 10 days before `now`.
    Expired,
    /// Ends within 30, 60 or 90 days of `now` (20, 50 or 80 days after it).
    EndsWithin(u32),
    /// Ends in two years.
    Later,
    /// Never ends.
    Open,
}

/// The workforce benchmark's world: `workers` members of `employer_id` in teams of
/// `team_size`, each holding 3 to 8 credentials for `achievements` (issued by each
/// achievement's organization), with consent, expiry and revocation spread by a hash of
/// the worker's number so the mix is the same on every run and backend.
#[derive(Debug, Clone)]
pub struct WorkforcePlan {
    pub employer_id: Uuid,
    /// The achievements credentials are for, in a fixed order; at most 30 and at least 8.
    pub achievements: Vec<Uuid>,
    pub workers: u64,
    pub team_size: u64,
    /// Credentials are issued 200 days before it; validity is judged around it.
    pub now: OffsetDateTime,
}

impl WorkforcePlan {
    fn hash(i: u64) -> u64 {
        (i * HASH_MUL) % HASH_MOD
    }

    /// How many credentials worker `i` holds (slots `0..n`), revoked and expired included.
    pub fn credentials_of(&self, i: u64) -> u64 {
        3 + Self::hash(i) % 6
    }

    /// Which achievement (index into `achievements`) worker `i`'s slot `k` is for; the
    /// slots of one worker name different achievements.
    pub fn achievement_of(&self, i: u64, k: u64) -> usize {
        let a = self.achievements.len().max(1) as u64;
        ((Self::hash(i) / 6 + k * self.step()) % a) as usize
    }

    /// A step coprime with the number of achievements, so 8 slots never repeat one.
    fn step(&self) -> u64 {
        let a = self.achievements.len().max(1) as u64;
        [7u64, 11, 13, 17, 19, 23, 1]
            .into_iter()
            .find(|s| gcd(*s, a) == 1)
            .unwrap_or(1)
    }

    pub fn consent_of(&self, i: u64) -> Consent {
        match (Self::hash(i) / 36) % 100 {
            0..70 => Consent::All,
            70..80 => Consent::Some,
            _ => Consent::Nothing,
        }
    }

    fn class(i: u64, k: u64) -> u64 {
        ((i * SLOTS + k) * CLASS_MUL) % 100
    }

    pub fn validity_of(&self, i: u64, k: u64) -> Validity {
        match Self::class(i, k) {
            0..3 => Validity::Expired,
            3..6 => Validity::EndsWithin(30),
            6..9 => Validity::EndsWithin(60),
            9..12 => Validity::EndsWithin(90),
            12..30 => Validity::Later,
            _ => Validity::Open,
        }
    }

    /// One credential in a hundred is revoked.
    pub fn revoked(&self, i: u64, k: u64) -> bool {
        Self::class(i, k) == 99
    }

    /// How many credentials the plan makes.
    pub fn credentials(&self) -> u64 {
        (0..self.workers).map(|i| self.credentials_of(i)).sum()
    }

    /// How many teams the plan makes.
    pub fn teams(&self) -> u64 {
        self.workers.div_ceil(self.team_size.max(1))
    }

    fn check(&self) -> Result<()> {
        let n = self.achievements.len();
        if !(SLOTS as usize..=30).contains(&n) {
            return Err(StoreError::Corrupt(format!(
                "the workforce seeding needs 8 to 30 achievements, not {n}"
            )));
        }
        if self.team_size == 0 {
            return Err(StoreError::Corrupt(
                "the workforce seeding needs a team size of at least 1".into(),
            ));
        }
        Ok(())
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// What the workforce seeding made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkforceSeeded {
    pub workers: u64,
    pub teams: u64,
    pub credentials: u64,
}

/// Workers (with an e-mail and a learner membership), teams, credentials and consent
/// records, written in batches of set-based statements in one transaction. Refuses an
/// employer that already has members, so a second run cannot half-double the world.
/// `progress` is called after each batch with the workers done so far.
pub async fn seed_workforce(
    store: &Store,
    plan: &WorkforcePlan,
    mut progress: impl FnMut(u64),
) -> Result<WorkforceSeeded> {
    plan.check()?;
    let step = int(plan.step())?;
    let count = int(plan.achievements.len() as u64)?;
    let team_size = int(plan.team_size)?;
    let bits = int(STATUS_LIST_BITS)?;
    let day = time::Duration::days(1);
    let whole = |t: OffsetDateTime| {
        let t = t.to_offset(time::UtcOffset::UTC);
        t.replace_nanosecond(0).unwrap_or(t)
    };
    let issued_at = plan.now - 200 * day;
    let ends = [
        whole(plan.now - 10 * day),
        whole(plan.now + 20 * day),
        whole(plan.now + 50 * day),
        whole(plan.now + 80 * day),
        whole(plan.now + 730 * day),
    ];
    let mut tx = store.begin().await?;
    let members: i64 = crate::conn::on!(&mut tx.conn(), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE org_id = $1"
    )
    .bind(plan.employer_id)
    .fetch_one(c)
    .await)?;
    if members > 0 {
        return Err(StoreError::Conflict(
            "a workforce seeding (the employer has members; seed a new database)",
        ));
    }
    let mut start = 0;
    while start < plan.workers {
        let end = plan.workers.min(start + WORKFORCE_BATCH);
        let (lo, hi) = (int(start)?, int(end)?);
        match &mut tx {
            Tx::Sqlite(c) => {
                sqlx::query(concat!(
                    "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2) ",
                    "INSERT INTO users (id, display_name, created_at) ",
                    "SELECT unhex($3 || printf('%012x', i)), 'Worker ' || i, $4 FROM s"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(WORKER_HI))
                .bind(issued_at)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2) ",
                    "INSERT INTO user_emails (address, user_id, is_primary) ",
                    "SELECT 'worker' || i || '@bench.example', unhex($3 || printf('%012x', i)), 1 FROM s"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(WORKER_HI))
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2) ",
                    "INSERT INTO memberships (org_id, user_id, role, job_title, created_at) ",
                    "SELECT $3, unhex($4 || printf('%012x', i)), 'learner', 'Worker', $5 FROM s"
                ))
                .bind(lo)
                .bind(hi)
                .bind(plan.employer_id)
                .bind(prefix_hex(WORKER_HI))
                .bind(issued_at)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2) ",
                    "INSERT INTO teams (id, org_id, name) ",
                    "SELECT unhex($3 || printf('%012x', i / $5)), $4, 'Team ' || (i / $5) FROM s WHERE i % $5 = 0"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(TEAM_HI))
                .bind(plan.employer_id)
                .bind(team_size)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2) ",
                    "INSERT INTO team_members (team_id, user_id) ",
                    "SELECT unhex($3 || printf('%012x', i / $5)), unhex($4 || printf('%012x', i)) FROM s"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(TEAM_HI))
                .bind(prefix_hex(WORKER_HI))
                .bind(team_size)
                .execute(&mut **c)
                .await?;
                let ids = serde_json::to_string(
                    &plan
                        .achievements
                        .iter()
                        .map(|a| a.simple().to_string())
                        .collect::<Vec<_>>(),
                )
                .map_err(|e| StoreError::Corrupt(format!("achievement ids: {e}")))?;
                sqlx::query(concat!(
                    "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2), ",
                    "w(i, h) AS (SELECT i, (i * 2654435761) % 4294967291 FROM s), ",
                    "slot(k) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7)), ",
                    "x(i, h, k, n, g) AS (SELECT w.i, w.h, slot.k, w.i * 8 + slot.k, ((w.i * 8 + slot.k) * 40503) % 100 ",
                    "  FROM w JOIN slot ON slot.k < 3 + w.h % 6), ",
                    "a(ix, id) AS (SELECT CAST(key AS INTEGER), unhex(value) FROM json_each($3)) ",
                    "INSERT INTO credentials (id, org_id, achievement_id, recipient_user, recipient, name, document, ",
                    "  status_list, status_index, issued_at, valid_until, revoked_at, status_reason) ",
                    "SELECT unhex($4 || printf('%012x', x.n)), ach.org_id, ach.id, unhex($5 || printf('%012x', x.i)), ",
                    "  'worker' || x.i || '@bench.example', ach.name, $6, x.n / $7, x.n % $7, $8, ",
                    "  CASE WHEN x.g < 3 THEN $9 WHEN x.g < 6 THEN $10 WHEN x.g < 9 THEN $11 WHEN x.g < 12 THEN $12 ",
                    "       WHEN x.g < 30 THEN $13 END, ",
                    "  CASE WHEN x.g = 99 THEN $8 END, CASE WHEN x.g = 99 THEN 'seeded revocation' END ",
                    "FROM x JOIN a ON a.ix = (x.h / 6 + x.k * $14) % $15 JOIN achievements ach ON ach.id = a.id ",
                    "ORDER BY x.i, x.k"
                ))
                .bind(lo)
                .bind(hi)
                .bind(ids)
                .bind(prefix_hex(WORKER_CREDENTIAL_HI))
                .bind(prefix_hex(WORKER_HI))
                .bind(DOCUMENT)
                .bind(bits)
                .bind(issued_at)
                .bind(ends[0])
                .bind(ends[1])
                .bind(ends[2])
                .bind(ends[3])
                .bind(ends[4])
                .bind(step)
                .bind(count)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2) ",
                    "INSERT INTO credential_shares (id, user_id, org_id, credential_id, granted_at) ",
                    "SELECT unhex($3 || printf('%012x', i)), unhex($4 || printf('%012x', i)), $5, NULL, $6 ",
                    "FROM s WHERE (((i * 2654435761) % 4294967291) / 36) % 100 < 70"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(SHARE_ALL_HI))
                .bind(prefix_hex(WORKER_HI))
                .bind(plan.employer_id)
                .bind(issued_at)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2), ",
                    "w(i, h) AS (SELECT i, (i * 2654435761) % 4294967291 FROM s), ",
                    "slot(k) AS (VALUES (0), (2), (4), (6)) ",
                    "INSERT INTO credential_shares (id, user_id, org_id, credential_id, granted_at) ",
                    "SELECT unhex($3 || printf('%012x', w.i * 8 + slot.k)), unhex($4 || printf('%012x', w.i)), $5, ",
                    "  unhex($6 || printf('%012x', w.i * 8 + slot.k)), $7 ",
                    "FROM w JOIN slot ON slot.k < 3 + w.h % 6 WHERE (w.h / 36) % 100 >= 70 AND (w.h / 36) % 100 < 80"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(SHARE_ONE_HI))
                .bind(prefix_hex(WORKER_HI))
                .bind(plan.employer_id)
                .bind(prefix_hex(WORKER_CREDENTIAL_HI))
                .bind(issued_at)
                .execute(&mut **c)
                .await?;
            }
            Tx::Postgres(c) => {
                sqlx::query(concat!(
                    "INSERT INTO users (id, display_name, created_at) ",
                    "SELECT ($3 || lpad(to_hex(i), 12, '0'))::uuid, 'Worker ' || i, $4 ",
                    "FROM generate_series($1::bigint, $2::bigint - 1) AS s(i)"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(WORKER_HI))
                .bind(issued_at)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "INSERT INTO user_emails (address, user_id, is_primary) ",
                    "SELECT 'worker' || i || '@bench.example', ($3 || lpad(to_hex(i), 12, '0'))::uuid, TRUE ",
                    "FROM generate_series($1::bigint, $2::bigint - 1) AS s(i)"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(WORKER_HI))
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "INSERT INTO memberships (org_id, user_id, role, job_title, created_at) ",
                    "SELECT $3, ($4 || lpad(to_hex(i), 12, '0'))::uuid, 'learner', 'Worker', $5 ",
                    "FROM generate_series($1::bigint, $2::bigint - 1) AS s(i)"
                ))
                .bind(lo)
                .bind(hi)
                .bind(plan.employer_id)
                .bind(prefix_hex(WORKER_HI))
                .bind(issued_at)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "INSERT INTO teams (id, org_id, name) ",
                    "SELECT ($3 || lpad(to_hex(i / $5::bigint), 12, '0'))::uuid, $4, 'Team ' || (i / $5::bigint) ",
                    "FROM generate_series($1::bigint, $2::bigint - 1) AS s(i) WHERE i % $5::bigint = 0"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(TEAM_HI))
                .bind(plan.employer_id)
                .bind(team_size)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "INSERT INTO team_members (team_id, user_id) ",
                    "SELECT ($3 || lpad(to_hex(i / $5::bigint), 12, '0'))::uuid, ($4 || lpad(to_hex(i), 12, '0'))::uuid ",
                    "FROM generate_series($1::bigint, $2::bigint - 1) AS s(i)"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(TEAM_HI))
                .bind(prefix_hex(WORKER_HI))
                .bind(team_size)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "WITH w(i, h) AS (SELECT i, (i * 2654435761) % 4294967291 ",
                    "  FROM generate_series($1::bigint, $2::bigint - 1) AS s(i)), ",
                    "x(i, h, k, n, g) AS (SELECT w.i, w.h, slot.k, w.i * 8 + slot.k, ((w.i * 8 + slot.k) * 40503) % 100 ",
                    "  FROM w JOIN generate_series(0::bigint, 7::bigint) AS slot(k) ON slot.k < 3 + w.h % 6), ",
                    "a(ix, id) AS (SELECT ord - 1, id FROM unnest($3::uuid[]) WITH ORDINALITY AS u(id, ord)) ",
                    "INSERT INTO credentials (id, org_id, achievement_id, recipient_user, recipient, name, document, ",
                    "  status_list, status_index, issued_at, valid_until, revoked_at, status_reason) ",
                    "SELECT ($4 || lpad(to_hex(x.n), 12, '0'))::uuid, ach.org_id, ach.id, ($5 || lpad(to_hex(x.i), 12, '0'))::uuid, ",
                    "  'worker' || x.i || '@bench.example', ach.name, $6, (x.n / $7::bigint)::int, (x.n % $7::bigint)::int, $8, ",
                    "  CASE WHEN x.g < 3 THEN $9 WHEN x.g < 6 THEN $10 WHEN x.g < 9 THEN $11 WHEN x.g < 12 THEN $12 ",
                    "       WHEN x.g < 30 THEN $13 END, ",
                    "  CASE WHEN x.g = 99 THEN $8 END, CASE WHEN x.g = 99 THEN 'seeded revocation' END ",
                    "FROM x JOIN a ON a.ix = (x.h / 6 + x.k * $14::bigint) % $15::bigint JOIN achievements ach ON ach.id = a.id ",
                    "ORDER BY x.i, x.k"
                ))
                .bind(lo)
                .bind(hi)
                .bind(&plan.achievements)
                .bind(prefix_hex(WORKER_CREDENTIAL_HI))
                .bind(prefix_hex(WORKER_HI))
                .bind(DOCUMENT)
                .bind(bits)
                .bind(issued_at)
                .bind(ends[0])
                .bind(ends[1])
                .bind(ends[2])
                .bind(ends[3])
                .bind(ends[4])
                .bind(step)
                .bind(count)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "INSERT INTO credential_shares (id, user_id, org_id, credential_id, granted_at) ",
                    "SELECT ($3 || lpad(to_hex(i), 12, '0'))::uuid, ($4 || lpad(to_hex(i), 12, '0'))::uuid, $5, NULL, $6 ",
                    "FROM generate_series($1::bigint, $2::bigint - 1) AS s(i) ",
                    "WHERE (((i * 2654435761) % 4294967291) / 36) % 100 < 70"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(SHARE_ALL_HI))
                .bind(prefix_hex(WORKER_HI))
                .bind(plan.employer_id)
                .bind(issued_at)
                .execute(&mut **c)
                .await?;
                sqlx::query(concat!(
                    "WITH w(i, h) AS (SELECT i, (i * 2654435761) % 4294967291 ",
                    "  FROM generate_series($1::bigint, $2::bigint - 1) AS s(i)) ",
                    "INSERT INTO credential_shares (id, user_id, org_id, credential_id, granted_at) ",
                    "SELECT ($3 || lpad(to_hex(w.i * 8 + slot.k), 12, '0'))::uuid, ($4 || lpad(to_hex(w.i), 12, '0'))::uuid, $5, ",
                    "  ($6 || lpad(to_hex(w.i * 8 + slot.k), 12, '0'))::uuid, $7 ",
                    "FROM w JOIN (VALUES (0::bigint), (2), (4), (6)) AS slot(k) ON slot.k < 3 + w.h % 6 ",
                    "WHERE (w.h / 36) % 100 >= 70 AND (w.h / 36) % 100 < 80"
                ))
                .bind(lo)
                .bind(hi)
                .bind(prefix_hex(SHARE_ONE_HI))
                .bind(prefix_hex(WORKER_HI))
                .bind(plan.employer_id)
                .bind(prefix_hex(WORKER_CREDENTIAL_HI))
                .bind(issued_at)
                .execute(&mut **c)
                .await?;
            }
        }
        progress(end);
        start = end;
    }
    tx.commit().await?;
    Ok(WorkforceSeeded {
        workers: plan.workers,
        teams: plan.teams(),
        credentials: plan.credentials(),
    })
}

/// Statuses per list in the nation seeding: half the bits, as the application fills a
/// list before starting the next (random indexes stay cheap to find).
pub const NATION_LIST_FILL: u64 = STATUS_LIST_BITS / 2;
/// Odd, so multiplying by it permutes the indexes of a list (modulo a power of two): a
/// list's credentials sit at scattered indexes, as randomly allocated ones do.
const INDEX_MUL: u64 = 40_503;
/// Issue dates in the nation seeding: one every ten hours (almost five years) back from
/// the plan's date. Many, so that an issuer's newest credentials do not share one time
/// (the application stamps each credential as it signs it; ties are a seeding artefact
/// that would make "newest first" sort thousands of rows).
const NATION_DATES: u64 = 4096;
/// Learners seeded per statement in the nation seeding (and per commit).
const NATION_BATCH: u64 = 50_000;

/// The nation benchmark's world: `learners` people, each holding `per_learner`
/// credentials from several issuers. Slot `k` of learner `i` is credential number
/// `i * per_learner + k` ([`credential_id`]), issued by issuer `k % issuers` for one of
/// that issuer's achievements chosen by a hash of `i`; each issuer numbers its own
/// credentials and fills its status lists [`NATION_LIST_FILL`] at a time, at scattered
/// indexes. Issue dates spread over five years; one credential in a hundred is revoked.
#[derive(Debug, Clone)]
pub struct NationPlan {
    pub issuers: Vec<Uuid>,
    /// Per issuer (same order), its achievements (id, name); every issuer the same number,
    /// at least as many as the slots it fills per learner.
    pub achievements: Vec<Vec<(Uuid, String)>>,
    pub learners: u64,
    pub per_learner: u64,
    /// The latest issue date; the others are ten hours apart before it.
    pub issued_at: OffsetDateTime,
}

impl NationPlan {
    fn issuers_n(&self) -> u64 {
        self.issuers.len().max(1) as u64
    }

    /// Slots per learner reserved for each issuer in its numbering.
    fn stride(&self) -> u64 {
        self.per_learner.div_ceil(self.issuers_n())
    }

    /// How many credentials the plan makes.
    pub fn credentials(&self) -> u64 {
        self.learners * self.per_learner
    }

    /// The number of learner `i`'s credential in slot `k` (its id: [`credential_id`]).
    pub fn credential_number(&self, i: u64, k: u64) -> u64 {
        i * self.per_learner + k
    }

    /// Which issuer (index into `issuers`) signs slot `k`.
    pub fn issuer_of(&self, k: u64) -> usize {
        (k % self.issuers_n()) as usize
    }

    /// Which achievement (index into the issuer's) learner `i`'s slot `k` is for.
    pub fn achievement_of(&self, i: u64, k: u64) -> usize {
        let a = self
            .achievements
            .first()
            .map_or(1, |a| a.len().max(1) as u64);
        ((WorkforcePlan::hash(i) + k / self.issuers_n()) % a) as usize
    }

    /// (status list, index) of learner `i`'s slot `k` within its issuer's lists.
    pub fn status_of(&self, i: u64, k: u64) -> (u64, u64) {
        let m = i * self.stride() + k / self.issuers_n();
        (
            m / NATION_LIST_FILL,
            (m % NATION_LIST_FILL * INDEX_MUL) % STATUS_LIST_BITS,
        )
    }

    /// Whether learner `i`'s slot `k` is seeded revoked (one in a hundred).
    pub fn revoked(&self, i: u64, k: u64) -> bool {
        self.class(i, k) == 99
    }

    /// Hashed, not a multiple of the number: with ten slots a multiple would put every
    /// revocation in one slot, hence one issuer.
    fn class(&self, i: u64, k: u64) -> u64 {
        WorkforcePlan::hash(self.credential_number(i, k)) % 100
    }

    /// How many status lists issuer `o` uses (numbered from 0).
    pub fn lists_of(&self, o: usize) -> u64 {
        let o = o as u64;
        if self.learners == 0 || o >= self.per_learner {
            return 0;
        }
        let slots = (self.per_learner - o).div_ceil(self.issuers_n());
        let last = (self.learners - 1) * self.stride() + slots - 1;
        last / NATION_LIST_FILL + 1
    }

    fn check(&self) -> Result<()> {
        let i = self.issuers.len();
        if i == 0 || self.achievements.len() != i {
            return Err(StoreError::Corrupt(
                "the nation seeding needs at least one issuer and a list of achievements for each"
                    .into(),
            ));
        }
        let a = self.achievements[0].len() as u64;
        if self.achievements.iter().any(|x| x.len() as u64 != a) || a < self.stride() {
            return Err(StoreError::Corrupt(format!(
                "the nation seeding needs every issuer to have the same number of achievements, at least {}",
                self.stride()
            )));
        }
        if self.per_learner == 0 || self.per_learner > 1000 {
            return Err(StoreError::Corrupt(format!(
                "the nation seeding makes 1 to 1000 credentials per learner, not {}",
                self.per_learner
            )));
        }
        Ok(())
    }
}

/// Insert the nation plan's learners (with a primary e-mail each) and credentials,
/// committing every [`NATION_BATCH`] learners so that a long seeding shows progress and
/// keeps its transactions bounded. Refuses a database that already holds learner 0.
/// `progress` is called after each batch with the learners done so far.
pub async fn seed_nation(
    store: &Store,
    plan: &NationPlan,
    mut progress: impl FnMut(u64),
) -> Result<Seeded> {
    plan.check()?;
    let whole = |t: OffsetDateTime| {
        let t = t.to_offset(time::UtcOffset::UTC);
        t.replace_nanosecond(0).unwrap_or(t)
    };
    let latest = plan.issued_at.unix_timestamp();
    let revoked_at = whole(plan.issued_at);
    let achievements: Vec<(i64, i64, Uuid, Uuid, &str)> = plan
        .achievements
        .iter()
        .enumerate()
        .flat_map(|(o, list)| {
            let org = plan.issuers[o];
            list.iter()
                .enumerate()
                .map(move |(j, (id, name))| (o as i64, j as i64, org, *id, name.as_str()))
        })
        .collect();
    let issuers = int(plan.issuers_n())?;
    let per_issuer = int(plan.achievements[0].len() as u64)?;
    let per_learner = int(plan.per_learner)?;
    let stride = int(plan.stride())?;
    let fill = int(NATION_LIST_FILL)?;
    let bits = int(STATUS_LIST_BITS)?;
    let dates_n = int(NATION_DATES)?;
    {
        let mut r = store.reader().await?;
        let there: i64 = crate::conn::on!(&mut r.conn(), |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE id = $1"
        )
        .bind(learner_id(0))
        .fetch_one(c)
        .await)?;
        if there > 0 {
            return Err(StoreError::Conflict(
                "a nation seeding (learner 0 exists; seed a new database)",
            ));
        }
    }
    let mut start = 0;
    while start < plan.learners {
        let end = plan.learners.min(start + NATION_BATCH);
        let (lo, hi) = (int(start)?, int(end)?);
        let mut tx = store.begin().await?;
        insert_learners(&mut tx, lo, hi, plan.issued_at).await?;
        // $1 $2 learners, $3 credential id prefix, $4 learner id prefix, $5 per learner,
        // $6 stride, $7 issuers, $8 achievements per issuer, $9 fill, $10 bits,
        // $11 dates, $12 document, $13 revocation time, $14 the latest issue time in
        // Unix seconds; then the achievements (issuer, number, org, id, name). `b` is the
        // backend's cast to a 64-bit integer. The issue time is computed, not joined to a
        // table of dates: SQLite would scan such a table for every row.
        let body = |a: &str, b: &str, cid: &str, uid: &str, at: &str| {
            format!(
                "a(o, j, org_id, achievement_id, name) AS (VALUES {a}) \
                 INSERT INTO credentials (id, org_id, achievement_id, recipient_user, recipient, name, document, \
                   status_list, status_index, issued_at, revoked_at, status_reason) \
                 SELECT {cid}, a.org_id, a.achievement_id, {uid}, 'learner' || x.i || '@bench.example', a.name, $12, \
                   x.m / $9{b}, ((x.m % $9{b}) * {INDEX_MUL}) % $10{b}, {at}, \
                   CASE WHEN ((x.n * {HASH_MUL}) % {HASH_MOD}) % 100 = 99 THEN $13 END, \
                   CASE WHEN ((x.n * {HASH_MUL}) % {HASH_MOD}) % 100 = 99 THEN 'seeded revocation' END \
                 FROM x JOIN a ON a.o = x.k % $7{b} AND a.j = (x.h + x.k / $7{b}) % $8{b} \
                 ORDER BY x.i, x.k"
            )
        };
        let first_a = 14;
        macro_rules! bound {
            ($q:expr) => {{
                let mut q = $q
                    .bind(lo)
                    .bind(hi)
                    .bind(prefix_hex(CREDENTIAL_HI))
                    .bind(prefix_hex(USER_HI))
                    .bind(per_learner)
                    .bind(stride)
                    .bind(issuers)
                    .bind(per_issuer)
                    .bind(fill)
                    .bind(bits)
                    .bind(dates_n)
                    .bind(DOCUMENT)
                    .bind(revoked_at)
                    .bind(latest);
                for (o, j, org, id, name) in &achievements {
                    q = q.bind(*o).bind(*j).bind(*org).bind(*id).bind(*name);
                }
                q
            }};
        }
        match &mut tx {
            Tx::Sqlite(c) => {
                let a = placeholders(achievements.len(), 5, first_a, &[]);
                let sql = format!(
                    "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2), \
                     k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k + 1 < $5), \
                     x(i, h, k, n, m) AS (SELECT s.i, (s.i * {HASH_MUL}) % {HASH_MOD}, k.k, s.i * $5 + k.k, \
                       s.i * $6 + k.k / $7 FROM s CROSS JOIN k), {}",
                    // RFC 3339 in whole seconds, as the driver writes times.
                    body(
                        &a,
                        "",
                        "unhex($3 || printf('%012x', x.n))",
                        "unhex($4 || printf('%012x', x.i))",
                        "strftime('%Y-%m-%dT%H:%M:%SZ', $14 - ((x.h + 7 * x.k) % $11) * 36000, 'unixepoch')"
                    )
                );
                bound!(sqlx::query(AssertSqlSafe(sql)))
                    .execute(&mut **c)
                    .await?;
            }
            Tx::Postgres(c) => {
                let a = placeholders(
                    achievements.len(),
                    5,
                    first_a,
                    &["::bigint", "::bigint", "::uuid", "::uuid", "::text"],
                );
                let sql = format!(
                    "WITH x(i, h, k, n, m) AS (SELECT s.i, (s.i * {HASH_MUL}) % {HASH_MOD}, k.k, s.i * $5::bigint + k.k, \
                       s.i * $6::bigint + k.k / $7::bigint \
                       FROM generate_series($1::bigint, $2::bigint - 1) AS s(i) \
                       CROSS JOIN generate_series(0::bigint, $5::bigint - 1) AS k(k)), {}",
                    body(
                        &a,
                        "::bigint",
                        "($3 || lpad(to_hex(x.n), 12, '0'))::uuid",
                        "($4 || lpad(to_hex(x.i), 12, '0'))::uuid",
                        "to_timestamp($14::bigint - ((x.h + 7 * x.k) % $11::bigint) * 36000)"
                    )
                )
                // PostgreSQL's columns are 32-bit; the arithmetic above is 64-bit.
                .replace("x.m / $9::bigint,", "(x.m / $9::bigint)::int,")
                .replace("% $10::bigint, to_timestamp", "% $10::bigint)::int, to_timestamp")
                .replace("((x.m % $9::bigint)", "(((x.m % $9::bigint)")
                .replace("THEN $13 END", "THEN $13::timestamptz END");
                bound!(sqlx::query(AssertSqlSafe(sql)))
                    .execute(&mut **c)
                    .await?;
            }
        }
        tx.commit().await?;
        progress(end);
        start = end;
    }
    Ok(Seeded {
        learners: plan.learners,
        credentials: plan.credentials(),
    })
}

/// Learners `lo..hi` ([`learner_id`]) with a primary e-mail each.
async fn insert_learners(tx: &mut Tx, lo: i64, hi: i64, at: OffsetDateTime) -> Result<()> {
    match tx {
        Tx::Sqlite(c) => {
            let s = "WITH RECURSIVE s(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2) ";
            sqlx::query(AssertSqlSafe(format!(
                "{s}INSERT INTO users (id, display_name, created_at) \
                 SELECT unhex($3 || printf('%012x', i)), 'Learner ' || i, $4 FROM s"
            )))
            .bind(lo)
            .bind(hi)
            .bind(prefix_hex(USER_HI))
            .bind(at)
            .execute(&mut **c)
            .await?;
            sqlx::query(AssertSqlSafe(format!(
                "{s}INSERT INTO user_emails (address, user_id, is_primary) \
                 SELECT 'learner' || i || '@bench.example', unhex($3 || printf('%012x', i)), 1 FROM s"
            )))
            .bind(lo)
            .bind(hi)
            .bind(prefix_hex(USER_HI))
            .execute(&mut **c)
            .await?;
        }
        Tx::Postgres(c) => {
            let s = "generate_series($1::bigint, $2::bigint - 1) AS s(i)";
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO users (id, display_name, created_at) \
                 SELECT ($3 || lpad(to_hex(i), 12, '0'))::uuid, 'Learner ' || i, $4 FROM {s}"
            )))
            .bind(lo)
            .bind(hi)
            .bind(prefix_hex(USER_HI))
            .bind(at)
            .execute(&mut **c)
            .await?;
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO user_emails (address, user_id, is_primary) \
                 SELECT 'learner' || i || '@bench.example', ($3 || lpad(to_hex(i), 12, '0'))::uuid, TRUE FROM {s}"
            )))
            .bind(lo)
            .bind(hi)
            .bind(prefix_hex(USER_HI))
            .execute(&mut **c)
            .await?;
        }
    }
    Ok(())
}

/// `n` rows of `cols` placeholders each, numbered from `first + 1`, each with its cast.
fn placeholders(n: usize, cols: usize, first: usize, casts: &[&str]) -> String {
    (0..n)
        .map(|r| {
            let cells: Vec<String> = (0..cols)
                .map(|c| {
                    format!(
                        "${}{}",
                        first + r * cols + c + 1,
                        casts.get(c).copied().unwrap_or("")
                    )
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
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

/// `store` with its SQLite readers handing rows to the caller up to `rows` at a time
/// instead of the driver's 50, to measure what that buffer costs a large read (each
/// handoff may wake a thread). `path` is the SQLite file the store was opened on. A
/// PostgreSQL store is returned as it is.
pub async fn with_sqlite_row_buffer(store: &Store, path: &str, rows: usize) -> Result<Store> {
    let Store::Sqlite { write, alive, .. } = store else {
        return Ok(store.clone());
    };
    let o = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path.strip_prefix("sqlite://").unwrap_or(path))
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(std::time::Duration::from_secs(10))
        .read_only(true)
        .row_buffer_size(rows.max(1));
    let read = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(o)
        .await?;
    Ok(Store::Sqlite {
        read,
        write: write.clone(),
        alive: alive.clone(),
    })
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

    #[test]
    fn nation_status_indexes_fill_half_lists_without_repeating() {
        let plan = NationPlan {
            issuers: vec![Uuid::nil(); 4],
            achievements: vec![vec![(Uuid::nil(), String::new()); 3]; 4],
            learners: 60_000,
            per_learner: 10,
            issued_at: OffsetDateTime::UNIX_EPOCH,
        };
        assert!(plan.check().is_ok());
        let mut seen = std::collections::HashSet::new();
        let mut per_list = std::collections::HashMap::new();
        for i in 0..plan.learners {
            for k in 0..plan.per_learner {
                let o = plan.issuer_of(k);
                let (list, index) = plan.status_of(i, k);
                assert!(index < STATUS_LIST_BITS);
                assert!(list < plan.lists_of(o), "{i}/{k}: list {list}");
                assert!(
                    seen.insert((o, list, index)),
                    "{i}/{k} repeats {list}/{index}"
                );
                *per_list.entry((o, list)).or_insert(0u64) += 1;
            }
        }
        assert!(per_list.values().all(|n| *n <= NATION_LIST_FILL));
        // Issuers 0 and 1 fill 3 slots of a learner, 2 and 3 fill 2, in strides of 3.
        assert_eq!(plan.lists_of(0), (60_000 * 3 - 1) / NATION_LIST_FILL + 1);
        assert_eq!(
            plan.lists_of(3),
            ((60_000 - 1) * 3 + 1) / NATION_LIST_FILL + 1
        );
        // One in a hundred, in every slot (so with every issuer).
        for k in 0..plan.per_learner {
            let revoked = (0..10_000).filter(|i| plan.revoked(*i, k)).count();
            assert!(
                (70..=130).contains(&revoked),
                "slot {k}: {revoked} of 10,000"
            );
        }
        let too_few = NationPlan {
            achievements: vec![vec![(Uuid::nil(), String::new()); 2]; 4],
            ..plan
        };
        assert!(too_few.check().is_err());
    }
}
