//! Settings come from flags, then `CAIRN_*` environment variables (both through clap),
//! then an optional `cairn.toml`, then defaults — in that order of precedence.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cairn_app::keys::MasterKey;
use cairn_app::notify::SmtpConfig;
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
    pub smtp_url: Option<String>,
    pub smtp_from: Option<String>,
    pub platform_issuer: Option<String>,
    pub verifications_per_minute: Option<u32>,
    pub sign_in_attempts: Option<u32>,
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
    pub smtp_url: Option<String>,
    pub smtp_from: Option<String>,
    pub platform_issuer: Option<String>,
    pub verifications_per_minute: u32,
    pub sign_in_attempts: u32,
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
            smtp_url: args.smtp_url.clone().or_else(|| file.smtp_url.clone()),
            smtp_from: args.smtp_from.clone().or_else(|| file.smtp_from.clone()),
            platform_issuer: args
                .platform_issuer
                .clone()
                .or_else(|| file.platform_issuer.clone()),
            verifications_per_minute: args
                .verifications_per_minute
                .or(file.verifications_per_minute)
                .unwrap_or(cairn_app::AppConfig::default().verifications_per_minute),
            sign_in_attempts: args
                .sign_in_attempts
                .or(file.sign_in_attempts)
                .unwrap_or(cairn_app::AppConfig::default().sign_in_attempts_per_window)
                .max(1),
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

/// The mail relay for notifications: none unless `--smtp-url` is given, and then it needs
/// `--smtp-from`.
pub fn smtp(s: &Settings) -> Result<Option<SmtpConfig>> {
    let (url, from) = match (&s.smtp_url, &s.smtp_from) {
        (None, None) => return Ok(None),
        (None, Some(_)) => anyhow::bail!(
            "--smtp-from is set but --smtp-url is not: give the relay as smtp://HOST:PORT, or drop --smtp-from"
        ),
        (Some(_), None) => anyhow::bail!(
            "--smtp-url needs --smtp-from, the address e-mails come from (e.g. cairn@hospital.example)"
        ),
        (Some(u), Some(f)) => (u.trim(), f.trim()),
    };
    let (host, port) = parse_smtp_url(url).with_context(|| {
        format!("'{url}' is not a mail relay Cairn can use; give smtp://HOST:PORT, e.g. smtp://mail.hospital.example:25")
    })?;
    let address_ok = from.len() <= 254
        && from
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && (d.contains('.') || d == "localhost"))
        && from
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '(' | ')' | ',' | ';'));
    if !address_ok {
        anyhow::bail!("'{from}' is not a sender address; give one like cairn@hospital.example");
    }
    Ok(Some(SmtpConfig {
        host,
        port,
        from: from.to_owned(),
    }))
}

fn parse_smtp_url(url: &str) -> Result<(String, u16)> {
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("smtp") => rest,
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("smtps") => anyhow::bail!(
            "only plain smtp:// is supported (no TLS): use a relay inside your network"
        ),
        _ => anyhow::bail!("it must start with smtp://"),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '@', '?', '#']) {
        anyhow::bail!("give only the host and port (no user, path or query)");
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .context("an IPv6 address needs its closing ']'")?;
        (h, after.strip_prefix(':'))
    } else {
        match rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    let port = match port {
        None => 25,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .with_context(|| format!("'{p}' is not a port number"))?,
    };
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
    {
        anyhow::bail!("'{host}' is not a host name");
    }
    Ok((host.to_owned(), port))
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
        assert_eq!(
            s.sign_in_attempts, 30,
            "the sign-in limit defaults to the app's"
        );
        let many = ServeArgs {
            sign_in_attempts: Some(10_000),
            ..ServeArgs::default()
        };
        assert_eq!(
            Settings::resolve(&many, &FileConfig::default(), "d.db").sign_in_attempts,
            10_000
        );
        let none = ServeArgs {
            sign_in_attempts: Some(0),
            ..ServeArgs::default()
        };
        // No limit of zero: it would lock everyone out.
        assert_eq!(
            Settings::resolve(&none, &FileConfig::default(), "d.db").sign_in_attempts,
            1
        );
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
    fn the_mail_relay_is_smtp_host_and_port_with_a_sender() {
        let with = |url: Option<&str>, from: Option<&str>| Settings {
            smtp_url: url.map(Into::into),
            smtp_from: from.map(Into::into),
            ..Settings::resolve(&ServeArgs::default(), &FileConfig::default(), "x.db")
        };
        assert_eq!(smtp(&with(None, None)).unwrap(), None);
        let from = Some("cairn@hospital.example");
        let ok = smtp(&with(Some("smtp://mail.hospital.example:2525"), from))
            .unwrap()
            .unwrap();
        assert_eq!(
            (ok.host.as_str(), ok.port, ok.from.as_str()),
            ("mail.hospital.example", 2525, "cairn@hospital.example")
        );
        let default_port = smtp(&with(Some("SMTP://10.0.0.5/"), from))
            .unwrap()
            .unwrap();
        assert_eq!(
            (default_port.host.as_str(), default_port.port),
            ("10.0.0.5", 25)
        );
        let v6 = smtp(&with(Some("smtp://[::1]:25"), from)).unwrap().unwrap();
        assert_eq!(v6.host, "::1");
        for bad in [
            "mail.example:25",
            "smtps://mail.example:465",
            "smtp://user@mail.example:25",
            "smtp://mail.example:0",
            "smtp://mail.example:99999",
            "smtp://mail.example:25/path",
            "smtp://:25",
        ] {
            let e = smtp(&with(Some(bad), from)).unwrap_err();
            assert!(format!("{e:#}").contains(bad), "{bad}: {e:#}");
        }
        assert!(smtp(&with(Some("smtp://m.example"), None)).is_err());
        assert!(smtp(&with(None, from)).is_err());
        assert!(smtp(&with(Some("smtp://m.example"), Some("not an address"))).is_err());
    }

    #[test]
    fn unknown_keys_in_the_file_are_errors() {
        assert!(toml::from_str::<FileConfig>("dbb = \"x\"").is_err());
    }
}
