//! Cairn's storage: one set of repository operations over two real backends.
//!
//! SQLite (a single file, WAL mode, foreign keys on) is the default for one site;
//! PostgreSQL serves many stateless servers. Both run the same SQL where it is portable
//! (`$1` placeholders work in both); each backend has its own migrations folder because
//! their types differ (UUID vs BLOB, TIMESTAMPTZ vs TEXT).
//!
//! Reads go through [`Store`]; writes go through a [`Tx`] so that a change and the audit
//! event that records it commit together or not at all.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod backup;
pub mod bench_seed;
mod conn;
mod repo;
#[cfg(feature = "testing")]
pub mod testing;

use std::str::FromStr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use backup::{BackupInfo, inspect_sqlite_backup};
pub use conn::{Conn, Tx};
pub use repo::*;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
pub(crate) static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0} already exists")]
    Conflict(&'static str),
    #[error(
        "the database URL '{0}' is not understood: use a file path, sqlite://PATH or postgres://USER@HOST/DB"
    )]
    BadUrl(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Turn a unique-constraint violation into [`StoreError::Conflict`] naming `what`.
    pub(crate) fn conflict_as(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => StoreError::Conflict(what),
            _ => StoreError::Database(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A handle on the database, cheap to clone (pools inside).
#[derive(Debug, Clone)]
pub enum Store {
    /// SQLite allows one writer at a time; a dedicated one-connection pool for writes makes
    /// writers queue in-process instead of failing with "database is locked".
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        /// Held by every clone of the store: the background checkpointer stops once the
        /// last one is gone.
        alive: Arc<()>,
    },
    Postgres(PgPool),
}

/// How long the background checkpointer rests once it has caught up with the log.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// The writer checkpoints itself only past this many pages of log (400 MiB): a backstop
/// that bounds the log when the background copy falls behind, and what lets SQLite start
/// the log over under sustained writes, since only a checkpoint run between the writer's
/// transactions can reach the end of a log that keeps growing. Each of these stops the
/// writer; at 20,000 pages they cost batch ingest on a large database a quarter of its
/// rate (12,000 against 17,500 statements/s, decision 0027).
const WRITER_CHECKPOINT_PAGES: &str = "100000";

/// What the log file is cut back to when SQLite starts it over, so that a burst of
/// ingest does not leave hundreds of MiB on disk.
const WAL_KEPT_BYTES: &str = "16777216";

/// Copy committed pages from the write-ahead log into the database file, on a connection
/// of its own, while `alive` lasts and `writer` is open: during batch ingest the one
/// writer spent a fifth of its time doing this itself after its commits (decision 0027).
/// PASSIVE neither waits for nor blocks readers or the writer; a busy round is skipped.
fn spawn_checkpointer(options: SqliteConnectOptions, alive: Weak<()>, writer: SqlitePool) {
    tokio::spawn(async move {
        let Ok(pool) = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
        else {
            tracing::warn!("no background checkpoints: the database did not open for them");
            return;
        };
        let mut copied_before = 0;
        while alive.strong_count() > 0 && !writer.is_closed() {
            // (busy, pages in the log, pages copied): while writes keep coming, keep up
            // with them, so that the writer's own backstop finds little left to copy. A
            // round that got no further (a reader still needs older pages) rests instead.
            let round: Result<(i64, i64, i64), _> =
                sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                    .fetch_one(&pool)
                    .await;
            match round {
                Ok((0, log, copied)) if copied < log && copied > copied_before => {
                    copied_before = copied;
                    tokio::task::yield_now().await;
                }
                Ok((_, _, copied)) => {
                    copied_before = copied;
                    tokio::time::sleep(CHECKPOINT_EVERY).await;
                }
                Err(e) => {
                    tracing::debug!("background checkpoint skipped: {e}");
                    tokio::time::sleep(CHECKPOINT_EVERY).await;
                }
            }
        }
        drop(writer);
        pool.close().await;
    });
}

/// SQLite page cache of the writing connection and of each reading one, as `cache_size`
/// takes it: negative numbers are KiB.
const WRITER_CACHE_KIB: &str = "-262144";
const READER_CACHE_KIB: &str = "-32768";

/// Options that matter when opening a database.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
    pub create_if_missing: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            create_if_missing: true,
        }
    }
}

impl Store {
    /// Open `url`: `postgres://…` / `postgresql://…`, `sqlite://PATH`, `sqlite::memory:` or a plain file path.
    pub async fn connect(url: &str) -> Result<Store> {
        Self::connect_with(url, &ConnectOptions::default()).await
    }

    pub async fn connect_with(url: &str, opts: &ConnectOptions) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let o = PgConnectOptions::from_str(url).map_err(|_| StoreError::BadUrl(redact(url)))?;
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(o)
                .await?;
            return Ok(Store::Postgres(pool));
        }
        let o = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url).map_err(|_| StoreError::BadUrl(url.to_owned()))?
        } else if url.contains("://") {
            return Err(StoreError::BadUrl(redact(url)));
        } else {
            SqliteConnectOptions::new().filename(url)
        };
        let o = o
            .create_if_missing(opts.create_if_missing)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable across application crashes in WAL mode; only an OS crash
            // or power loss can drop the last transactions, never corrupt the file.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // SQLite's default page cache is 2 MiB. The one writer's inserts land all over the
        // indexes of large tables (random ids, actors, activities); once those outgrow the
        // cache, every insert reads a page back and spills dirty ones into the WAL in the
        // middle of the transaction, which was most of xAPI batch ingest. The cache is an
        // upper bound, allocated as pages are used; readers keep a smaller one each.
        let memory = url.contains(":memory:");
        let mut w = o.clone().pragma("cache_size", WRITER_CACHE_KIB);
        if !memory {
            w = w
                .pragma("wal_autocheckpoint", WRITER_CHECKPOINT_PAGES)
                .pragma("journal_size_limit", WAL_KEPT_BYTES);
        }
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(w)
            .await?;
        let alive = Arc::new(());
        if memory {
            // Every in-memory connection is a database of its own: share the one.
            return Ok(Store::Sqlite {
                read: write.clone(),
                write,
                alive,
            });
        }
        spawn_checkpointer(o.clone(), Arc::downgrade(&alive), write.clone());
        let read = SqlitePoolOptions::new()
            .max_connections(opts.max_connections)
            .connect_with(o.read_only(true).pragma("cache_size", READER_CACHE_KIB))
            .await?;
        Ok(Store::Sqlite { read, write, alive })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite { .. } => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Bring the schema up to date; safe to run on every start and from several servers.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Store::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Store::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Bring the schema up to migration `version` only: for tests of a migration on data
    /// stored under the schema before it.
    #[cfg(feature = "testing")]
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        match self {
            Store::Sqlite { write, .. } => SQLITE_MIGRATIONS.run_to(version, write).await?,
            Store::Postgres(pool) => POSTGRES_MIGRATIONS.run_to(version, pool).await?,
        }
        Ok(())
    }

    /// Is the database reachable and answering?
    pub async fn ping(&self) -> Result<()> {
        match self {
            Store::Sqlite { read, .. } => {
                sqlx::query("SELECT 1").execute(read).await?;
            }
            Store::Postgres(pool) => {
                sqlx::query("SELECT 1").execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Start a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            // IMMEDIATE takes the write lock up front, so a transaction that reads before it
            // writes cannot fail half-way on a lock upgrade.
            Store::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Store::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A connection for reads.
    pub async fn reader(&self) -> Result<conn::Reader> {
        Ok(match self {
            Store::Sqlite { read, .. } => conn::Reader::Sqlite(read.acquire().await?),
            Store::Postgres(pool) => conn::Reader::Postgres(pool.acquire().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Store::Sqlite { read, write, .. } => {
                read.close().await;
                write.close().await;
            }
            Store::Postgres(pool) => pool.close().await,
        }
    }
}

/// A URL without its password, fit for error messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_passwords_only() {
        assert_eq!(
            redact("postgres://cairn:s3cret@db/cairn"),
            "postgres://cairn:***@db/cairn"
        );
        assert_eq!(
            redact("postgres://cairn@db/cairn"),
            "postgres://cairn@db/cairn"
        );
        assert_eq!(redact("./cairn.db"), "./cairn.db");
    }
}
