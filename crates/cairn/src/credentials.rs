//! `cairn verify`, `cairn keygen` and `cairn sign`: the credential engine on the command line.
//!
//! Exit codes: 0 success (for `verify`: the credential is valid), 1 the credential is
//! invalid, 2 bad input or usage (unreadable file, not a credential at all, bad key file).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use cairn_vc::bake::{CredentialInput, extract_any};
use cairn_vc::did::{ChainFetcher, DirFetcher, DocumentFetcher};
use cairn_vc::jsonld::{Limits, parse_json};
use cairn_vc::keys::KeyPair;
use cairn_vc::verify::{
    Check, CheckStatus, VerificationReport, VerifyOptions, checks, verify_input,
};
use clap::Args;
use serde_json::Value;
use time::OffsetDateTime;

use crate::loopback::LoopbackFetcher;

/// Largest input file read (baked images included).
const MAX_INPUT: u64 = 16 << 20;
const BAD_INPUT: u8 = 2;

#[derive(Args)]
pub struct VerifyArgs {
    /// The credential: JSON, a vc+jwt, or a baked PNG or SVG badge; `-` reads standard input.
    #[arg(value_name = "FILE|-")]
    file: String,
    /// Print the verification report as JSON instead of text.
    #[arg(long, env = "CAIRN_VERIFY_JSON")]
    json: bool,
    /// A folder of JSON documents (DID documents, status list credentials) keyed by their `id`,
    /// used instead of fetching them.
    #[arg(long, value_name = "DIR", env = "CAIRN_VERIFY_DOCS")]
    docs: Option<PathBuf>,
    /// Fetch did:web documents and status lists over plain http from this machine
    /// (127.0.0.1, localhost, [::1]) only.
    #[arg(long, env = "CAIRN_VERIFY_ALLOW_LOOPBACK")]
    allow_loopback: bool,
    /// Check the validity window at this instant instead of now, e.g. 2030-01-01T00:00:00Z.
    #[arg(long, value_name = "ISO", env = "CAIRN_VERIFY_NOW")]
    now: Option<String>,
}

#[derive(Args)]
pub struct KeygenArgs {
    /// Write the key file here (created with mode 0600, never overwritten) instead of
    /// printing it.
    #[arg(long, value_name = "FILE", env = "CAIRN_KEYGEN_OUT")]
    out: Option<PathBuf>,
}

#[derive(Args)]
pub struct SignArgs {
    /// Key file (Multikey JSON with secretKeyMultibase, as `cairn keygen` writes).
    #[arg(long, value_name = "KEY.json", env = "CAIRN_SIGN_KEY")]
    key: PathBuf,
    /// Issuer id to put in the credential; defaults to the key's controller.
    #[arg(long, value_name = "DID", env = "CAIRN_SIGN_ISSUER")]
    issuer: Option<String>,
    /// Proof creation time, e.g. 2025-01-01T00:00:00Z; defaults to now.
    #[arg(long, value_name = "ISO", env = "CAIRN_SIGN_CREATED")]
    created: Option<String>,
    /// Write the signed credential here instead of standard output.
    #[arg(long, value_name = "FILE", env = "CAIRN_SIGN_OUT")]
    out: Option<PathBuf>,
    /// The unsigned credential (JSON); `-` reads standard input.
    #[arg(value_name = "FILE|-")]
    file: String,
}

fn bad_input(e: &anyhow::Error) -> ExitCode {
    eprintln!("error: {e:#}");
    ExitCode::from(BAD_INPUT)
}

// ---------------------------------------------------------------------------------------
// verify

pub fn verify(args: VerifyArgs) -> ExitCode {
    let (report, source) = match check(&args) {
        Ok(r) => r,
        Err(e) => return bad_input(&e),
    };
    let shown = if args.json {
        serde_json::to_string_pretty(&report.to_json()).map(|mut s| {
            s.push('\n');
            s
        })
    } else {
        Ok(human_report(&report, &source))
    };
    match shown {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                return bad_input(&anyhow!(e).context("writing the report"));
            }
        }
        Err(e) => return bad_input(&anyhow!(e).context("formatting the report")),
    }
    if report.verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn check(args: &VerifyArgs) -> Result<(VerificationReport, String)> {
    let now = match &args.now {
        Some(s) => parse_time(s, "--now")?,
        None => OffsetDateTime::now_utc(),
    };
    let bytes = read_input(&args.file)?;
    let source = describe(&bytes);
    let input = match extract_any(&bytes) {
        Ok(input) => input,
        // Credential-shaped but too big or deep to process: invalid, with the reason.
        Err(e @ (cairn_vc::Error::TooLarge { .. } | cairn_vc::Error::TooDeep { .. })) => {
            return Ok((refused(&e), source));
        }
        Err(e) => bail!("{e}"),
    };
    if let CredentialInput::Json(Value::Object(map)) = &input {
        let markers = ["@context", "type", "credentialSubject", "issuer", "proof"];
        if !markers.iter().any(|k| map.contains_key(*k)) {
            bail!(
                "the input is JSON but has none of @context, type, issuer, credentialSubject or proof, so it is not a credential"
            );
        }
    }
    let docs = match &args.docs {
        Some(dir) => {
            let docs =
                DirFetcher::load(dir).with_context(|| format!("--docs {}", dir.display()))?;
            for skipped in docs.skipped() {
                eprintln!(
                    "warning: --docs: {} has no `id`, so nothing can refer to it; skipped",
                    skipped.display()
                );
            }
            Some(docs)
        }
        None => None,
    };
    let mut fetcher = ChainFetcher::new();
    if let Some(docs) = &docs {
        fetcher.push(docs);
    }
    if args.allow_loopback {
        fetcher.push(LoopbackFetcher::default());
    }
    if fetcher.is_empty() {
        fetcher.push(NoSource);
    }
    let report = verify_input(&input, &VerifyOptions::new(now, &fetcher));
    Ok((report, source))
}

/// What the input looked like, for the first line of the text report.
fn describe(bytes: &[u8]) -> String {
    let text = std::str::from_utf8(bytes).map(str::trim);
    if bytes.starts_with(b"\x89PNG") {
        "credential baked in a PNG image".into()
    } else if text.is_ok_and(|t| t.starts_with('<')) {
        "credential baked in an SVG image".into()
    } else if text.is_ok_and(|t| t.starts_with('{')) {
        "JSON credential".into()
    } else {
        "vc+jwt credential".into()
    }
}

/// The report for input refused before any check could run.
fn refused(e: &cairn_vc::Error) -> VerificationReport {
    let mut checks_run = vec![Check {
        name: checks::SYNTAX,
        status: CheckStatus::Failed,
        message: e.to_string(),
    }];
    for name in [
        checks::PROOF,
        checks::ISSUER,
        checks::VALIDITY,
        checks::STATUS,
        checks::OB3,
    ] {
        checks_run.push(Check {
            name,
            status: CheckStatus::Skipped,
            message: "not checked: the input cannot be processed safely".into(),
        });
    }
    VerificationReport {
        verified: false,
        checks: checks_run,
    }
}

/// The only source when neither --docs nor --allow-loopback is given: says how to add one.
struct NoSource;

impl DocumentFetcher for NoSource {
    fn fetch(&self, url: &str) -> cairn_vc::Result<Value> {
        Err(cairn_vc::Error::Resolution(format!(
            "{url}: the verifier was given no documents; pass them with --docs DIR, or use --allow-loopback for a local server"
        )))
    }
}

fn parse_time(s: &str, flag: &str) -> Result<OffsetDateTime> {
    cairn_vc::di::parse_datetime(s).map_err(|_| {
        anyhow!(
            "{flag} `{s}` is not a date-time with a timezone; write it like 2025-01-01T00:00:00Z"
        )
    })
}

fn read_input(file: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let what = if file == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        "standard input".to_string()
    } else {
        std::fs::File::open(file)
            .with_context(|| format!("cannot open {file}; check the path"))?
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {file}"))?;
        file.to_string()
    };
    if bytes.len() as u64 > MAX_INPUT {
        bail!(
            "{what} is larger than {} MiB; that is no credential or badge image Cairn accepts",
            MAX_INPUT >> 20
        );
    }
    Ok(bytes)
}

fn human_report(report: &VerificationReport, source: &str) -> String {
    let mut out = format!("{source}\n");
    let width = report
        .checks
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    for c in &report.checks {
        let mark = match c.status {
            CheckStatus::Passed => "✓",
            CheckStatus::Failed => "✗",
            CheckStatus::Skipped => "-",
        };
        out.push_str(&format!(
            "{mark} {:<width$}  {}\n",
            c.name,
            c.message.replace('\n', " ")
        ));
    }
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Failed)
        .map(|c| c.name)
        .collect();
    if report.verified {
        out.push_str("VALID: every check passed");
        let skipped = report
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Skipped)
            .count();
        if skipped > 0 {
            out.push_str(&format!(" ({skipped} not applicable or not checked)"));
        }
        out.push('\n');
    } else {
        out.push_str(&format!("INVALID: failed {}\n", failed.join(", ")));
    }
    out
}

// ---------------------------------------------------------------------------------------
// keygen

pub fn keygen(args: KeygenArgs) -> ExitCode {
    match keygen_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => bad_input(&e),
    }
}

fn keygen_inner(args: &KeygenArgs) -> Result<()> {
    let key = KeyPair::generate().context("generating a key")?;
    let doc = key.to_multikey_json(&key.did_key_verification_method(), &key.did_key());
    let mut text = serde_json::to_string_pretty(&doc).context("encoding the key")?;
    text.push('\n');
    match &args.out {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .context("writing the key to standard output")?;
        }
        Some(path) => {
            write_secret_file(path, text.as_bytes())?;
            println!("wrote {} for {}", path.display(), key.did_key());
        }
    }
    Ok(())
}

/// Creates `path` readable by its owner only; an existing file is never replaced.
fn write_secret_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow!(
                "{} already exists; keys are never overwritten, choose another file name",
                path.display()
            )
        } else {
            anyhow!(e).context(format!("creating {}", path.display()))
        }
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

// ---------------------------------------------------------------------------------------
// sign

pub fn sign(args: SignArgs) -> ExitCode {
    match sign_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => bad_input(&e),
    }
}

struct KeyFile {
    key: KeyPair,
    /// The verification method to put in proofs.
    id: String,
    controller: String,
}

fn read_key_file(path: &Path) -> Result<KeyFile> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the key file {shown}"))?;
    let doc: Value = serde_json::from_str(&text).map_err(|_| {
        anyhow!("the key file {shown} is not JSON; create one with `cairn keygen --out {shown}`")
    })?;
    let key = KeyPair::from_multikey_json(&doc)
        .with_context(|| format!("the key file {shown} holds no usable Ed25519 key"))?;
    let field = |name: &str| doc.get(name).and_then(Value::as_str).map(str::to_string);
    let controller = field("controller").unwrap_or_else(|| key.did_key());
    let id = field("id").unwrap_or_else(|| {
        if controller == key.did_key() {
            key.did_key_verification_method()
        } else {
            format!("{controller}#{}", key.public_multibase())
        }
    });
    if controller.starts_with("did:key:") && controller != key.did_key() {
        bail!(
            "the key file {shown} names controller {controller}, but its key is {}; fix the file or create a new one with `cairn keygen`",
            key.did_key()
        );
    }
    if id.starts_with('#') || !id.contains(':') {
        bail!(
            "the key file {shown} has id `{id}`; it must be the full verification method, e.g. {controller}#{}",
            key.public_multibase()
        );
    }
    Ok(KeyFile {
        key,
        id,
        controller,
    })
}

fn sign_inner(args: &SignArgs) -> Result<()> {
    let key = read_key_file(&args.key)?;
    let created = match &args.created {
        Some(s) => parse_time(s, "--created")?,
        None => OffsetDateTime::now_utc(),
    };
    let bytes = read_input(&args.file)?;
    let what = if args.file == "-" {
        "standard input"
    } else {
        args.file.as_str()
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| anyhow!("{what} is not UTF-8 text"))?;
    let mut credential = parse_json(text, &Limits::default())
        .map_err(|e| anyhow!("{what} cannot be signed: {e}"))?;
    let Value::Object(map) = &mut credential else {
        bail!("{what} is not a JSON object, so it is not a credential");
    };
    let issuer = args
        .issuer
        .clone()
        .unwrap_or_else(|| key.controller.clone());
    if issuer != key.controller {
        eprintln!(
            "warning: the issuer {issuer} is not the key's controller {}; verifiers will reject the credential",
            key.controller
        );
    }
    match map.get_mut("issuer") {
        Some(Value::Object(profile)) => {
            profile.insert("id".into(), Value::String(issuer));
        }
        _ => {
            map.insert("issuer".into(), Value::String(issuer));
        }
    }
    let signed = cairn_vc::di::sign_credential(&credential, &key.key, &key.id, created)
        .map_err(|e| anyhow!("{what} cannot be signed: {e}"))?;
    let mut out = serde_json::to_string_pretty(&signed).context("encoding the credential")?;
    out.push('\n');
    match &args.out {
        Some(path) => std::fs::write(path, out)
            .with_context(|| format!("writing the signed credential to {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
                .context("writing the signed credential")?;
        }
    }
    Ok(())
}
