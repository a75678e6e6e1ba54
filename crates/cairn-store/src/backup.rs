//! Backups of a SQLite database, taken while servers keep writing to it, and the checks a
//! file must pass before it may replace a live database.

use std::path::Path;

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::{Result, Store, StoreError};

/// What a backup file holds, as far as a restore needs to know.
#[derive(Debug, Clone)]
pub struct BackupInfo {
    /// Migrations applied when it was taken; an older backup is brought up to date after restore.
    pub migrations: i64,
}

impl Store {
    /// Write a consistent copy of this SQLite database to `path`, which must not exist yet.
    /// `VACUUM INTO` reads one snapshot, so writers in other processes carry on meanwhile.
    pub async fn backup_sqlite_into(&self, path: &Path) -> Result<()> {
        let Store::Sqlite { write, .. } = self else {
            return Err(StoreError::Corrupt(
                "only a SQLite database can be backed up by Cairn; use pg_dump for PostgreSQL"
                    .to_owned(),
            ));
        };
        // An absolute path never starts with "file:", so SQLite cannot read it as a URI
        // with options of its own.
        let path = std::path::absolute(path)
            .map_err(|e| StoreError::Corrupt(format!("cannot resolve {}: {e}", path.display())))?;
        let path = path.to_str().ok_or_else(|| {
            StoreError::Corrupt(format!(
                "the backup path {} is not valid UTF-8; choose another name",
                path.display()
            ))
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(write)
            .await?;
        Ok(())
    }
}

/// Check that `path` is an intact SQLite database holding Cairn's schema, without changing it.
pub async fn inspect_sqlite_backup(path: &Path) -> Result<BackupInfo> {
    let not_cairn = |why: String| {
        StoreError::Corrupt(format!("{} is not a Cairn backup: {why}", path.display()))
    };
    // Immutable: reading must not leave -wal or -shm files beside someone's backup.
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true);
    let mut c = SqliteConnection::connect_with(&opts)
        .await
        .map_err(|e| not_cairn(e.to_string()))?;
    let result = inspect(&mut c).await.map_err(|e| match e {
        StoreError::Corrupt(why) => not_cairn(why),
        StoreError::Database(e) => not_cairn(match e.as_database_error() {
            Some(d) => d.message().to_owned(),
            None => e.to_string(),
        }),
        other => other,
    });
    let _ = c.close().await;
    result
}

async fn inspect(c: &mut SqliteConnection) -> Result<BackupInfo> {
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut *c)
        .await?;
    if integrity != "ok" {
        return Err(StoreError::Corrupt(format!(
            "its integrity check failed: {integrity}"
        )));
    }
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name IN ('_sqlx_migrations', 'organizations', 'audit_events')",
    )
    .fetch_all(&mut *c)
    .await?;
    if tables.len() != 3 {
        return Err(StoreError::Corrupt(
            "it is a SQLite database without Cairn's tables".to_owned(),
        ));
    }
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut *c)
        .await?;
    Ok(BackupInfo { migrations })
}
