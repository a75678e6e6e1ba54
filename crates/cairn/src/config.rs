//! Settings come from flags, then `CAIRN_*` environment variables (both through clap),
//! then an optional `cairn.toml`, then defaults — in that order of precedence.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cairn_app::keys::MasterKey;
use serde::Deserialize;

use crate::{DbArgs, ServeArgs};

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The optional configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub db: Option<String>,
    pub bind: Option<String>,
    pub public_url: Option<String>,
    pub master_key_file: Option<String>,
}

impl FileConfig {
    /// Read `path`; a missing file is an empty configuration, a broken one is an error.
    pub fn load(path: &str) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                toml::from_str(&text).with_context(|| format!("reading configuration file {path}"))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("reading configuration file {path}")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub db: String,
    pub bind: String,
    pub public_url: Option<String>,
    pub master_key_file: Option<String>,
    pub master_key: Option<String>,
    pub sign_awards_inline: bool,
    pub award_worker_seconds: u64,
}

pub fn db_url(args: &DbArgs, file: &FileConfig, default: &str) -> String {
    args.db
        .clone()
        .or_else(|| file.db.clone())
        .unwrap_or_else(|| default.to_owned())
}

impl Settings {
    pub fn resolve(args: &ServeArgs, file: &FileConfig, default_db: &str) -> Self {
        Settings {
            db: db_url(&args.db, file, default_db),
            bind: args
                .bind
                .clone()
                .or_else(|| file.bind.clone())
                .unwrap_or_else(|| DEFAULT_BIND.to_owned()),
            public_url: args.public_url.clone().or_else(|| file.public_url.clone()),
            master_key_file: args
                .master_key_file
                .clone()
                .or_else(|| file.master_key_file.clone()),
            master_key: args.master_key.clone(),
            sign_awards_inline: args.award_signing != Some(crate::AwardSigning::Worker),
            award_worker_seconds: args.award_worker_seconds.unwrap_or(30).max(1),
        }
    }
}

/// The master key: given directly, read from its file, or — for a SQLite database, whose
/// one server owns it — created beside the database on first start.
pub fn master_key(s: &Settings, demo: bool) -> Result<Option<MasterKey>> {
    if let Some(text) = &s.master_key {
        return Ok(Some(MasterKey::parse(text)?));
    }
    let is_sqlite_file = !s.db.contains("://") && !s.db.contains(":memory:");
    let path = match (&s.master_key_file, is_sqlite_file) {
        (Some(p), _) => PathBuf::from(p),
        (None, true) => {
            let db = Path::new(s.db.strip_prefix("sqlite:").unwrap_or(&s.db));
            db.with_extension("key")
        }
        // Several servers share a PostgreSQL database: they must be given the same key.
        (None, false) => return Ok(None),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(MasterKey::parse(&text).with_context(|| {
            format!("reading the master key from {}", path.display())
        })?)),
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                && (demo || s.master_key_file.is_none()) =>
        {
            let key = MasterKey::generate()?;
            write_secret(&path, &key.encode())?;
            if !demo {
                eprintln!(
                    "Created the master key {}: back it up with the database; without it the issuers' signing keys cannot be used.",
                    path.display()
                );
            }
            Ok(Some(key))
        }
        Err(e) => Err(e).with_context(|| format!("reading the master key from {}", path.display())),
    }
}

/// Write a secret readable by its owner only.
fn write_secret(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_file_beats_defaults() {
        let file: FileConfig = toml::from_str("db = \"file.db\"\nbind = \"0.0.0.0:9000\"").unwrap();
        let args = ServeArgs {
            db: DbArgs {
                db: Some("flag.db".into()),
            },
            ..ServeArgs::default()
        };
        let s = Settings::resolve(&args, &file, "default.db");
        assert_eq!(s.db, "flag.db");
        assert_eq!(s.bind, "0.0.0.0:9000");
        let s = Settings::resolve(&ServeArgs::default(), &FileConfig::default(), "default.db");
        assert_eq!(
            (s.db.as_str(), s.bind.as_str()),
            ("default.db", DEFAULT_BIND)
        );
        assert_eq!((s.sign_awards_inline, s.award_worker_seconds), (true, 30));
        let worker_only = ServeArgs {
            award_signing: Some(crate::AwardSigning::Worker),
            award_worker_seconds: Some(0),
            ..ServeArgs::default()
        };
        let s = Settings::resolve(&worker_only, &FileConfig::default(), "default.db");
        // Zero would spin the worker; one second is the shortest pause.
        assert_eq!((s.sign_awards_inline, s.award_worker_seconds), (false, 1));
    }

    #[test]
    fn master_key_is_created_beside_a_sqlite_database_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("site.db").to_string_lossy().into_owned();
        let s = Settings::resolve(
            &ServeArgs {
                db: DbArgs { db: Some(db) },
                ..ServeArgs::default()
            },
            &FileConfig::default(),
            "x",
        );
        let first = master_key(&s, true).unwrap().unwrap();
        let file = dir.path().join("site.key");
        assert!(file.exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let again = master_key(&s, false).unwrap().unwrap();
        assert_eq!(first.encode(), again.encode());
        let pg = Settings {
            db: "postgres://x@y/z".into(),
            ..s.clone()
        };
        assert!(
            master_key(&pg, false).unwrap().is_none(),
            "no key is invented for shared databases"
        );
        let given = Settings {
            master_key: Some(first.encode()),
            ..pg
        };
        assert_eq!(
            master_key(&given, false).unwrap().unwrap().encode(),
            first.encode()
        );
        let missing = Settings {
            master_key_file: Some(dir.path().join("nope.key").to_string_lossy().into_owned()),
            db: "postgres://x@y/z".into(),
            ..s
        };
        assert!(
            master_key(&missing, false).is_err(),
            "a named key file that is missing is an error"
        );
    }

    #[test]
    fn unknown_keys_in_the_file_are_errors() {
        assert!(toml::from_str::<FileConfig>("dbb = \"x\"").is_err());
    }
}
