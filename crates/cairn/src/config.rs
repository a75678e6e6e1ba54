//! Settings come from flags, then `CAIRN_*` environment variables (both through clap),
//! then an optional `cairn.toml`, then defaults — in that order of precedence.

use anyhow::{Context, Result};
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
        }
    }
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
            bind: None,
            public_url: None,
        };
        let s = Settings::resolve(&args, &file, "default.db");
        assert_eq!(s.db, "flag.db");
        assert_eq!(s.bind, "0.0.0.0:9000");
        let s = Settings::resolve(&ServeArgs::default(), &FileConfig::default(), "default.db");
        assert_eq!(
            (s.db.as_str(), s.bind.as_str()),
            ("default.db", DEFAULT_BIND)
        );
    }

    #[test]
    fn unknown_keys_in_the_file_are_errors() {
        assert!(toml::from_str::<FileConfig>("dbb = \"x\"").is_err());
    }
}
