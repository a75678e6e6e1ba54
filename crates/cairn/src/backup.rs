//! `cairn backup` and `cairn restore`: a SQLite database copied out while it serves, and
//! copied back so that a crash half-way never leaves half a database in place.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use cairn_store::{ConnectOptions, Store};
use clap::Args;

use crate::DbArgs;
use crate::config::{self, FileConfig};

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    db: DbArgs,
    /// File to write the backup to; it must not exist yet.
    #[arg(long, env = "CAIRN_BACKUP_OUT")]
    out: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// Backup file written by `cairn backup`.
    #[arg(long, env = "CAIRN_RESTORE_FROM")]
    from: PathBuf,
    #[command(flatten)]
    db: DbArgs,
    /// Replace the database if it exists. Stop every server using it first.
    #[arg(long, env = "CAIRN_RESTORE_FORCE")]
    force: bool,
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn pg_commands(url: &str, file: &str) -> String {
    let url = cairn_store::redact(url);
    format!(
        "Cairn does not dump PostgreSQL itself; PostgreSQL's own tools do it consistently:\n  \
         back up:  pg_dump --format=custom --file={file} '{url}'\n  \
         restore:  pg_restore --clean --if-exists --dbname='{url}' {file}\n\
         then run `cairn migrate` against the restored database."
    )
}

pub async fn backup(args: BackupArgs, file: &FileConfig) -> Result<ExitCode> {
    let url = config::db_url(&args.db, file, "cairn.db");
    if is_postgres(&url) {
        eprintln!("{}", pg_commands(&url, &args.out.display().to_string()));
        return Ok(ExitCode::FAILURE);
    }
    if args.out.symlink_metadata().is_ok() {
        bail!(
            "{} already exists; choose a new file name (a backup never overwrites anything)",
            args.out.display()
        );
    }
    // The database must already be there: backing up a freshly created empty file would
    // hide a mistyped --db.
    let path = sqlite_path(&url)?;
    if !path.is_file() {
        bail!(
            "there is no database at {}; pass the one to back up with --db",
            path.display()
        );
    }
    let store = Store::connect_with(
        &url,
        &ConnectOptions {
            max_connections: 1,
            create_if_missing: false,
        },
    )
    .await
    .with_context(|| format!("opening database {}", cairn_store::redact(&url)))?;
    let result = store.backup_sqlite_into(&args.out).await;
    store.close().await;
    result.with_context(|| format!("writing the backup to {}", args.out.display()))?;
    cairn_store::inspect_sqlite_backup(&args.out)
        .await
        .context("checking the backup just written")?;
    let size = std::fs::metadata(&args.out)
        .with_context(|| format!("reading {}", args.out.display()))?
        .len();
    println!(
        "backed up {} to {} ({size} bytes)",
        cairn_store::redact(&url),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The file a SQLite URL or plain path names.
fn sqlite_path(url: &str) -> Result<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path.contains(":memory:") || path.contains("://") {
        bail!("'{url}' is not a SQLite database file; restore into a file path such as ./cairn.db");
    }
    Ok(PathBuf::from(path))
}

pub async fn restore(args: RestoreArgs, file: &FileConfig) -> Result<ExitCode> {
    let url = config::db_url(&args.db, file, "cairn.db");
    if is_postgres(&url) {
        eprintln!("{}", pg_commands(&url, &args.from.display().to_string()));
        return Ok(ExitCode::FAILURE);
    }
    let target = sqlite_path(&url)?;
    let meta = std::fs::metadata(&args.from)
        .with_context(|| format!("cannot read the backup {}", args.from.display()))?;
    if !meta.is_file() {
        bail!("{} is not a file", args.from.display());
    }
    let info = cairn_store::inspect_sqlite_backup(&args.from).await?;
    if target.exists() {
        if !args.force {
            bail!(
                "{} already exists; stop the servers using it and add --force to replace it",
                target.display()
            );
        }
        if same_file(&args.from, &target) {
            bail!("{} is the database itself", args.from.display());
        }
    }
    copy_into_place(&args.from, &target)?;
    let store = Store::connect(&url)
        .await
        .with_context(|| format!("opening the restored database {}", target.display()))?;
    let migrated = store.migrate().await;
    store.close().await;
    migrated.context("bringing the restored database up to date")?;
    println!(
        "restored {} into {} (taken at migration {}; now up to date)",
        args.from.display(),
        target.display(),
        info.migrations
    );
    Ok(ExitCode::SUCCESS)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Copy to a file beside the target, flush it to disk, then rename: the target is always
/// either the old database or the whole new one.
fn copy_into_place(from: &Path, target: &Path) -> Result<()> {
    let name = target
        .file_name()
        .with_context(|| format!("{} does not name a file", target.display()))?
        .to_string_lossy();
    let tmp = target.with_file_name(format!(".{name}.restoring"));
    std::fs::copy(from, &tmp).with_context(|| format!("copying into {}", tmp.display()))?;
    let synced = std::fs::File::open(&tmp).and_then(|f| f.sync_all());
    if let Err(e) = synced {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("flushing {} to disk", tmp.display()));
    }
    // The old database's write-ahead log belongs to the old file: replayed onto the
    // restored one it would corrupt it.
    for suffix in ["-wal", "-shm"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e).with_context(|| format!("removing {}", Path::new(&side).display()));
            }
        }
    }
    std::fs::rename(&tmp, target)
        .with_context(|| format!("moving the restored database into {}", target.display()))?;
    #[cfg(unix)]
    if let Some(dir) = target.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        // The rename itself is durable only once the directory is flushed.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}
