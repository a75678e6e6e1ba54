//! `cairn bench xapi`: how fast the LRS takes in statements.
//!
//! In-process (the default), it opens a fresh database, preloads it through
//! `App::store_statements` so that inserts meet indexes of a realistic size, and then times
//! `App::store_statements` with each batch size: statements per second over each run, the
//! median over runs, and the latency of each call. With `--url` it posts batches to any
//! LRS's `/statements` over HTTP/1.1 keep-alive connections for a bounded time, so Cairn and
//! another LRS can be measured by the same client; it starts no server itself.
//!
//! Statements are generated deterministically and look like those authoring tools send:
//! varied verbs, activities with definitions (interactions among them), results with
//! scores, and contexts with a registration, context activities and extensions — about
//! 1.3–1.9 KB of JSON each.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use cairn_app::lrs::LrsClient;
use cairn_app::orgs::NewOrg;
use cairn_app::{App, AppConfig};
use cairn_core::rng::SeededRng;
use cairn_core::{OrgKind, Principal};
use cairn_lrs::Version;
use clap::Args;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use uuid::Uuid;

use super::{clean_up, prepare};

const ORG: &str = "bench-lrs";

#[derive(Args)]
pub struct XapiArgs {
    /// Post over HTTP to the LRS at this endpoint (e.g. http://127.0.0.1:8080/xapi; the
    /// benchmark adds /statements) instead of measuring in-process. Only http:// is spoken.
    #[arg(long, env = "CAIRN_BENCH_LRS_URL")]
    url: Option<String>,
    /// HTTP Basic user name for --url (with Cairn: the LRS key's id).
    #[arg(long, env = "CAIRN_BENCH_LRS_USER")]
    user: Option<String>,
    /// HTTP Basic password for --url (with Cairn: the LRS key's secret).
    #[arg(long, env = "CAIRN_BENCH_LRS_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Concurrent HTTP connections, each posting one batch at a time.
    #[arg(long, env = "CAIRN_BENCH_CONNECTIONS", default_value_t = 4)]
    connections: usize,
    /// Timed seconds per batch size over HTTP (after one untimed second).
    #[arg(long, env = "CAIRN_BENCH_SECONDS", default_value_t = 10.0)]
    seconds: f64,
    /// Over HTTP, stop a batch size early after this many statements.
    #[arg(long, env = "CAIRN_BENCH_MAX_STATEMENTS")]
    max_statements: Option<u64>,
    /// Statements per request or call; each size is measured in turn.
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 100, 1000])]
    batches: Vec<usize>,
    /// In-process: statements stored before timing starts, in batches of 1,000.
    #[arg(long, env = "CAIRN_BENCH_PRELOAD", default_value_t = 100_000)]
    preload: u64,
    /// In-process: where to store: a SQLite file that does not exist yet, or a postgres://
    /// URL of a server on which a fresh database cairn_bench_… is created (and dropped
    /// after). Default: a SQLite file in a new temporary folder.
    #[arg(long, env = "CAIRN_BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// In-process: timed runs of each batch size (after one untimed run).
    #[arg(long, env = "CAIRN_BENCH_RUNS", default_value_t = 5)]
    runs: u64,
    /// In-process: statements stored per run (rounded up to whole batches; 1,000 at least
    /// for batches of one would take long, so those runs store a tenth of this).
    #[arg(long, env = "CAIRN_BENCH_PER_RUN", default_value_t = 10_000)]
    per_run: u64,
    /// Seeds the statements' contents and ids; change it to post again to an LRS that
    /// already holds a run's statements.
    #[arg(long, env = "CAIRN_BENCH_SEED", default_value_t = 2026)]
    seed: u64,
    /// Keep the in-process database and print where it is.
    #[arg(long, env = "CAIRN_BENCH_KEEP")]
    keep: bool,
    /// Print the results as one JSON object instead of a table.
    #[arg(long, env = "CAIRN_BENCH_JSON")]
    json: bool,
    /// Name of what is measured, printed in the results (e.g. "Cairn/SQLite").
    #[arg(long, env = "CAIRN_BENCH_LABEL")]
    label: Option<String>,
}

pub async fn run(args: XapiArgs) -> Result<ExitCode> {
    if args.batches.is_empty() || args.batches.contains(&0) {
        bail!("--batches must list sizes of at least 1, e.g. --batches 1,100,1000");
    }
    let report = match args.url.clone() {
        Some(url) => http(&args, &url).await?,
        None => {
            if args.runs == 0 {
                bail!("--runs must be at least 1");
            }
            let (target, url) = prepare(args.database_url.as_deref()).await?;
            let outcome = in_process(&args, &url).await;
            let cleaned = clean_up(&target, args.keep, &url).await;
            let report = outcome?;
            cleaned?;
            report
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    let errors = report["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["errors"].as_u64().unwrap_or(0) > 0);
    Ok(if errors {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

// ---------------------------------------------------------------------------------------
// Statements

const VERBS: &[(&str, &str)] = &[
    ("http://adlnet.gov/expapi/verbs/experienced", "experienced"),
    ("http://adlnet.gov/expapi/verbs/attempted", "attempted"),
    ("http://adlnet.gov/expapi/verbs/answered", "answered"),
    ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    ("http://adlnet.gov/expapi/verbs/passed", "passed"),
    ("http://adlnet.gov/expapi/verbs/failed", "failed"),
    ("http://adlnet.gov/expapi/verbs/progressed", "progressed"),
    ("https://w3id.org/xapi/adl/verbs/launched", "launched"),
    ("https://w3id.org/xapi/adl/verbs/initialized", "initialized"),
    ("https://w3id.org/xapi/adl/verbs/terminated", "terminated"),
];

const TOPICS: &[&str] = &[
    "Hand hygiene",
    "Sepsis recognition",
    "Safe medication administration",
    "Basic life support",
    "Infection prevention and control",
    "Manual handling",
    "Safeguarding adults",
    "Falls prevention",
    "Pressure ulcer prevention",
    "Early warning scores",
    "Blood transfusion",
    "Dementia awareness",
];

const FIRST: &[&str] = &[
    "Amara", "Bogdan", "Chen", "Dalia", "Emeka", "Fiona", "Goran", "Hana", "Isabel", "Jonas",
    "Keiko", "Liam", "Maya", "Nikos", "Olu", "Priya",
];
const LAST: &[&str] = &[
    "Adeyemi",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
];

const LEARNERS: u64 = 5_000;
const COURSES: u64 = 40;

/// Statement `k` of the seed, without its id: the same for the same `(seed, k)`.
fn statement(seed: u64, k: u64) -> Value {
    let mut rng = SeededRng::new(seed ^ k.wrapping_mul(0x2545_f491_4f6c_dd1d));
    let learner = rng.below(LEARNERS);
    let first = FIRST[(learner % FIRST.len() as u64) as usize];
    let last = LAST[((learner / 16) % LAST.len() as u64) as usize];
    let actor = if learner.is_multiple_of(3) {
        json!({
            "objectType": "Agent",
            "name": format!("{first} {last}"),
            "account": {"homePage": "https://lms.hospital.example", "name": format!("staff-{learner:05}")}
        })
    } else {
        json!({
            "objectType": "Agent",
            "name": format!("{first} {last}"),
            "mbox": format!("mailto:{}.{}{learner}@nhs-trust.example", first.to_lowercase(), last.to_lowercase())
        })
    };
    let (verb_id, verb_name) = *rng.pick(VERBS);
    let course = rng.below(COURSES);
    let topic = TOPICS[(course % TOPICS.len() as u64) as usize];
    let module = rng.below(8);
    let course_iri = format!("https://content.trust.example/courses/{course:03}");
    let module_iri = format!("{course_iri}/modules/{module}");
    let question = rng.below(20);
    let interaction = verb_name == "answered";
    let object_iri = if interaction {
        format!("{module_iri}/questions/q{question:02}")
    } else {
        module_iri.clone()
    };
    let mut definition = json!({
        "name": {
            "en-GB": format!("{topic}: module {} {}", module + 1, if interaction { format!("question {}", question + 1) } else { String::new() }),
            "de-DE": format!("{topic}: Modul {}", module + 1)
        },
        "description": {
            "en-GB": format!(
                "Part {} of the {topic} course for registered nurses, midwives and allied health professionals: \
                 what the guidance asks of you, the evidence behind it, and how to apply it on the ward.",
                module + 1
            )
        },
        "type": if interaction { "http://adlnet.gov/expapi/activities/cmi.interaction" } else { "http://adlnet.gov/expapi/activities/module" },
        "moreInfo": format!("{module_iri}/info")
    });
    if interaction && let Value::Object(d) = &mut definition {
        d.insert("interactionType".into(), json!("choice"));
        d.insert("correctResponsesPattern".into(), json!(["b"]));
        d.insert(
            "choices".into(),
            json!([
                {"id": "a", "description": {"en-GB": "Before and after the procedure only"}},
                {"id": "b", "description": {"en-GB": "At each of the five moments of care"}},
                {"id": "c", "description": {"en-GB": "When the hands are visibly soiled"}},
                {"id": "d", "description": {"en-GB": "At the start and end of every shift"}}
            ]),
        );
    }
    let max = 100;
    // Never exactly min or max: xapi-rs 0.3.2, the other LRS measured, refuses a raw score
    // on either bound ("raw is out-of-bounds"), although xAPI allows both.
    let raw = 1 + rng.below(max - 1);
    let mut result = json!({
        "score": {"scaled": raw as f64 / max as f64, "raw": raw, "min": 0, "max": max},
        "success": raw >= 80,
        "completion": matches!(verb_name, "completed" | "passed" | "failed"),
        "duration": format!("PT{}M{}.{}S", rng.below(45), rng.below(60), rng.below(100))
    });
    if interaction && let Value::Object(r) = &mut result {
        r.insert(
            "response".into(),
            json!(["a", "b", "c", "d"][rng.below(4) as usize]),
        );
    }
    let registration = {
        // One registration per learner and course, as an LMS launching it would make.
        let mut r = SeededRng::new(seed ^ (learner << 8) ^ course);
        r.uuid()
    };
    let day = 1 + rng.below(28);
    json!({
        "actor": actor,
        "verb": {"id": verb_id, "display": {"en-GB": verb_name, "en-US": verb_name}},
        "object": {"objectType": "Activity", "id": object_iri, "definition": definition},
        "result": result,
        "context": {
            "registration": registration.to_string(),
            "platform": "Trust LMS (SCORM/xAPI bridge 4.2)",
            "language": "en-GB",
            "contextActivities": {
                "parent": [{"id": module_iri, "objectType": "Activity"}],
                "grouping": [{"id": course_iri, "objectType": "Activity",
                              "definition": {"name": {"en-GB": topic}, "type": "http://adlnet.gov/expapi/activities/course"}}],
                "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}]
            },
            "extensions": {
                "https://w3id.org/xapi/cmi5/context/extensions/sessionid": format!("session-{learner}-{course}-{}", rng.below(1000)),
                "https://content.trust.example/xapi/extensions/ward": format!("Ward {}", 1 + rng.below(30))
            }
        },
        "timestamp": format!("2026-11-{day:02}T{:02}:{:02}:{:02}.{:03}Z", rng.below(24), rng.below(60), rng.below(60), rng.below(1000))
    })
}

/// The id of statement `k` of the seed: distinct for every `k`.
fn statement_id(seed: u64, k: u64) -> Uuid {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&seed.to_be_bytes());
    bytes[8..].copy_from_slice(&k.to_be_bytes());
    // Version and variant bits land in byte 6 (seed) and the top of byte 8 (k < 2^56).
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

fn statement_with_id(seed: u64, k: u64) -> Value {
    let mut v = statement(seed, k);
    if let Value::Object(m) = &mut v {
        m.insert("id".into(), json!(statement_id(seed, k).to_string()));
    }
    v
}

// ---------------------------------------------------------------------------------------
// Figures

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[Duration], p: usize) -> Option<Duration> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    sorted.get((p * n).div_ceil(100).saturating_sub(1)).copied()
}

/// CPU time this process has used so far (user + system, Linux), to tell the work done
/// from the waiting on a machine that others share.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // The kernel reports these in USER_HZ, which is 100 on Linux whatever the kernel's HZ.
    Some(Duration::from_millis(ticks * 10))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

// ---------------------------------------------------------------------------------------
// In-process

async fn in_process(args: &XapiArgs, url: &str) -> Result<Value> {
    let app = App::open(url, AppConfig::default())
        .await
        .with_context(|| format!("opening database {}", cairn_store::redact(url)))?;
    let result = in_process_on(&app, args, url).await;
    app.store.close().await;
    result
}

async fn client(app: &App) -> Result<LrsClient> {
    let sys = Principal::system();
    app.create_org(
        &sys,
        NewOrg {
            slug: Some(ORG.into()),
            name: "Bench LRS".into(),
            kinds: vec![OrgKind::Provider],
        },
    )
    .await?;
    let key = app.create_lrs_key(&sys, ORG, "ingest benchmark").await?;
    Ok(app
        .lrs_authenticate(&key.key.id.to_string(), &key.secret)
        .await?)
}

/// The batch moves into the LRS as a parsed request body does over HTTP: timing a copy
/// of every statement would measure the benchmark, not the LRS.
async fn store(app: &App, client: &LrsClient, batch: Vec<Value>) -> Result<()> {
    let n = batch.len();
    let ids = app
        .store_statements_with_attachments(
            client,
            Version::V2_0,
            batch.into_iter().map(Into::into).collect(),
            None,
            &[],
        )
        .await
        .map_err(|e| anyhow::anyhow!("storing a batch of {n}: {e}"))?;
    if ids.len() != n {
        bail!("stored {} of a batch of {n}", ids.len());
    }
    Ok(())
}

async fn in_process_on(app: &App, args: &XapiArgs, url: &str) -> Result<Value> {
    let client = client(app).await?;
    let seed = args.seed;
    let mut next: u64 = 0;
    let quiet = args.json;

    let sample: Vec<usize> = (0..200)
        .map(|k| {
            serde_json::to_string(&statement_with_id(seed, k))
                .map(|s| s.len())
                .unwrap_or(0)
        })
        .collect();
    let mean_bytes = sample.iter().sum::<usize>() / sample.len().max(1);

    eprintln!(
        "preloading {} statements into {} …",
        args.preload,
        cairn_store::redact(url)
    );
    let started = Instant::now();
    while next < args.preload {
        let n = (args.preload - next).min(1000);
        let batch: Vec<Value> = (next..next + n)
            .map(|k| statement_with_id(seed, k))
            .collect();
        store(app, &client, batch).await?;
        next += n;
        if !quiet && next.is_multiple_of(20_000) {
            eprintln!(
                "  {next} statements ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let preload_time = started.elapsed();

    // Validation alone, for where the time goes: the same statements, no storage.
    let validate_rate = {
        let batch: Vec<Value> = (0..5_000).map(|k| statement_with_id(seed, k)).collect();
        let t = Instant::now();
        for v in &batch {
            cairn_lrs::validate_statement(v, Version::V2_0)
                .map_err(|e| anyhow::anyhow!("a generated statement is invalid: {e}"))?;
        }
        batch.len() as f64 / t.elapsed().as_secs_f64().max(1e-9)
    };

    let mut cases = Vec::new();
    for &size in &args.batches {
        let per_run = if size == 1 {
            (args.per_run / 10).max(1)
        } else {
            args.per_run
        };
        let calls = per_run.div_ceil(size as u64).max(1);
        eprintln!(
            "batches of {size}: {} runs of {calls} calls ({} statements each) …",
            args.runs + 1,
            calls * size as u64
        );
        let mut rates = Vec::new();
        let mut cpu_rates = Vec::new();
        let mut latencies = Vec::new();
        for run in 0..=args.runs {
            let batches: Vec<Vec<Value>> = (0..calls)
                .map(|c| {
                    let first = next + c * size as u64;
                    (first..first + size as u64)
                        .map(|k| statement_with_id(seed, k))
                        .collect()
                })
                .collect();
            next += calls * size as u64;
            let mut these = Vec::with_capacity(batches.len());
            let cpu = cpu_time();
            let t = Instant::now();
            for b in batches {
                let c = Instant::now();
                store(app, &client, b).await?;
                these.push(c.elapsed());
            }
            let d = t.elapsed();
            let used = cpu.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
            if run > 0 {
                let n = (calls * size as u64) as f64;
                rates.push(n / d.as_secs_f64().max(1e-9));
                if let Some(u) = used {
                    cpu_rates.push(n / u.as_secs_f64().max(1e-3));
                }
                latencies.extend(these);
            }
        }
        latencies.sort();
        let mut sorted = rates.clone();
        let mut cpu_sorted = cpu_rates.clone();
        cases.push(json!({
            "mode": "in-process",
            "batch": size,
            "connections": 1,
            "statements": latencies.len() as u64 * size as u64,
            "runs": rates.len(),
            "statements_per_second": median(&mut sorted),
            "runs_statements_per_second": rates,
            "statements_per_cpu_second": (!cpu_sorted.is_empty()).then(|| median(&mut cpu_sorted)),
            "p50_ms": percentile(&latencies, 50).map(millis),
            "p99_ms": percentile(&latencies, 99).map(millis),
            "errors": 0,
        }));
    }
    let stored = {
        let mut r = app.store.reader().await?;
        r.conn().xapi_last_seq(client.org_id).await?
    };
    let bytes = cairn_store::bench_seed::database_size(&app.store).await?;
    Ok(json!({
        "label": args.label.clone().unwrap_or_else(|| format!("Cairn/{}", backend_name(app))),
        "backend": app.store.backend().as_str(),
        "preload": args.preload,
        "preload_seconds": preload_time.as_secs_f64(),
        "preload_statements_per_second": args.preload as f64 / preload_time.as_secs_f64().max(1e-9),
        "validate_only_statements_per_second": validate_rate,
        "statements_stored": stored,
        "database_bytes": bytes,
        "mean_statement_bytes": mean_bytes,
        "cases": cases,
    }))
}

fn backend_name(app: &App) -> &'static str {
    match app.store.backend().as_str() {
        "sqlite" => "SQLite",
        "postgres" => "PostgreSQL",
        _ => "?",
    }
}

// ---------------------------------------------------------------------------------------
// Over HTTP

/// Where to post: host and port to connect to, and the request target.
#[derive(Clone)]
struct Endpoint {
    addr: String,
    host: String,
    path: String,
}

fn endpoint(url: &str) -> Result<Endpoint> {
    let Some(rest) = url.strip_prefix("http://") else {
        bail!("--url must be an http:// address (this client does not speak TLS): {url}");
    };
    let (authority, base) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() {
        bail!("--url names no host: {url}");
    }
    let addr = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    Ok(Endpoint {
        addr,
        host: authority.to_owned(),
        path: format!("{}/statements", base.trim_end_matches('/')),
    })
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
    writer: tokio::net::tcp::OwnedWriteHalf,
}

struct Reply {
    status: u16,
    body: Vec<u8>,
    close: bool,
}

impl Conn {
    async fn open(addr: &str) -> Result<Self> {
        let s = TcpStream::connect(addr)
            .await
            .with_context(|| format!("connecting to {addr}"))?;
        s.set_nodelay(true)?;
        let (r, w) = s.into_split();
        Ok(Conn {
            reader: BufReader::with_capacity(64 * 1024, r),
            writer: w,
        })
    }

    async fn post(&mut self, head: &[u8], body: &[u8]) -> Result<Reply> {
        self.writer.write_all(head).await?;
        self.writer.write_all(body).await?;
        self.writer.flush().await?;
        let mut line = String::new();
        if self.reader.read_line(&mut line).await? == 0 {
            bail!("the server closed the connection");
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("not an HTTP status line: {line:?}"))?;
        let mut length: Option<usize> = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            line.clear();
            if self.reader.read_line(&mut line).await? == 0 {
                bail!("the server closed the connection inside the headers");
            }
            let h = line.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((name, value)) = h.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse().ok();
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.to_ascii_lowercase().contains("chunked");
                } else if name.eq_ignore_ascii_case("connection") {
                    close = value.eq_ignore_ascii_case("close");
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line).await?;
                let size_text = line.trim().split(';').next().unwrap_or_default();
                let size = usize::from_str_radix(size_text, 16)
                    .with_context(|| format!("not a chunk size: {line:?}"))?;
                if size == 0 {
                    // Trailers, then the empty line.
                    loop {
                        line.clear();
                        if self.reader.read_line(&mut line).await? == 0
                            || line.trim_end().is_empty()
                        {
                            break;
                        }
                    }
                    break;
                }
                let at = body.len();
                body.resize(at + size, 0);
                self.reader.read_exact(&mut body[at..]).await?;
                line.clear();
                self.reader.read_line(&mut line).await?;
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            self.reader.read_exact(&mut body).await?;
        } else if status != 204 && status != 304 {
            self.reader.read_to_end(&mut body).await?;
            close = true;
        }
        Ok(Reply {
            status,
            body,
            close,
        })
    }
}

/// The statements' JSON texts without their ids, cycled through; each request splices a
/// fresh id in front, so nothing but copying happens in the client while it is timed.
struct Pool {
    texts: Vec<String>,
}

impl Pool {
    fn new(seed: u64, n: u64) -> Result<Self> {
        let texts = (0..n)
            .map(|k| serde_json::to_string(&statement(seed, k)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Pool { texts })
    }

    fn body(&self, seed: u64, first: u64, n: usize, out: &mut Vec<u8>) {
        out.clear();
        out.push(b'[');
        for k in first..first + n as u64 {
            if k > first {
                out.push(b',');
            }
            let text = &self.texts[(k % self.texts.len() as u64) as usize];
            out.extend_from_slice(b"{\"id\":\"");
            out.extend_from_slice(statement_id(seed, k).to_string().as_bytes());
            out.extend_from_slice(b"\",");
            out.extend_from_slice(text.as_bytes().get(1..).unwrap_or_default());
        }
        out.push(b']');
    }
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    statements: u64,
    errors: u64,
    first_error: Option<String>,
}

async fn http(args: &XapiArgs, url: &str) -> Result<Value> {
    let ep = endpoint(url)?;
    let auth = match (&args.user, &args.password) {
        (Some(u), Some(p)) => Some(basic(u, p)),
        (None, None) => None,
        _ => bail!("give both --user and --password, or neither"),
    };
    if args.connections == 0 || args.seconds <= 0.0 {
        bail!("--connections and --seconds must be above 0");
    }
    // Each connection is checked once before timing, so a wrong address or key is one
    // clear error rather than a table of failures.
    let mut probe = Conn::open(&ep.addr).await?;
    let pool = Arc::new(Pool::new(args.seed, 1_000)?);
    let mut body = Vec::new();
    pool.body(args.seed ^ 0x5eed, 0, 1, &mut body);
    let reply = probe
        .post(&head(&ep, auth.as_deref(), body.len()), &body)
        .await?;
    if !(200..300).contains(&reply.status) {
        bail!(
            "POST {} answered {}: {}; check --url, --user and --password",
            ep.path,
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
    }
    drop(probe);

    let mut cases = Vec::new();
    let mut next_first: u64 = 0;
    for &size in &args.batches {
        eprintln!(
            "batches of {size} over {} connections for {} s …",
            args.connections, args.seconds
        );
        let counter = Arc::new(AtomicU64::new(next_first));
        let timing = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..args.connections {
            let ep = ep.clone();
            let auth = auth.clone();
            let pool = pool.clone();
            let counter = counter.clone();
            let timing = timing.clone();
            let stop = stop.clone();
            let sent = sent.clone();
            let seed = args.seed;
            let max = args.max_statements;
            tasks.push(tokio::spawn(async move {
                let mut tally = Tally::default();
                let mut conn: Option<Conn> = None;
                let mut body = Vec::with_capacity(size * 2048);
                while !stop.load(Ordering::Relaxed) {
                    let first = counter.fetch_add(size as u64, Ordering::Relaxed);
                    pool.body(seed, first, size, &mut body);
                    let h = head(&ep, auth.as_deref(), body.len());
                    let t = Instant::now();
                    let outcome = async {
                        if conn.is_none() {
                            conn = Some(Conn::open(&ep.addr).await?);
                        }
                        match conn.as_mut() {
                            Some(c) => c.post(&h, &body).await,
                            None => bail!("no connection"),
                        }
                    }
                    .await;
                    let d = t.elapsed();
                    let timed = timing.load(Ordering::Relaxed) && !stop.load(Ordering::Relaxed);
                    let error = match outcome {
                        Ok(r) => {
                            if r.close {
                                conn = None;
                            }
                            if (200..300).contains(&r.status) {
                                None
                            } else {
                                Some(format!(
                                    "HTTP {}: {}",
                                    r.status,
                                    String::from_utf8_lossy(&r.body)
                                ))
                            }
                        }
                        Err(e) => {
                            conn = None;
                            Some(format!("{e:#}"))
                        }
                    };
                    if !timed {
                        continue;
                    }
                    match error {
                        None => {
                            tally.latencies.push(d);
                            tally.statements += size as u64;
                            let total = sent.fetch_add(size as u64, Ordering::Relaxed);
                            if max.is_some_and(|m| total + size as u64 >= m) {
                                stop.store(true, Ordering::Relaxed);
                            }
                        }
                        Some(e) => {
                            tally.errors += 1;
                            tally.first_error.get_or_insert(e);
                        }
                    }
                }
                tally
            }));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        timing.store(true, Ordering::Relaxed);
        let started = Instant::now();
        let deadline = Duration::from_secs_f64(args.seconds);
        while started.elapsed() < deadline && !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stop.store(true, Ordering::Relaxed);
        let elapsed = started.elapsed();
        let mut all = Tally::default();
        for t in tasks {
            let t = t.await.context("a benchmark connection failed")?;
            all.latencies.extend(t.latencies);
            all.statements += t.statements;
            all.errors += t.errors;
            if all.first_error.is_none() {
                all.first_error = t.first_error;
            }
        }
        next_first = counter.load(Ordering::Relaxed);
        all.latencies.sort();
        cases.push(json!({
            "mode": "http",
            "batch": size,
            "connections": args.connections,
            "statements": all.statements,
            "requests": all.latencies.len(),
            "seconds": elapsed.as_secs_f64(),
            "statements_per_second": all.statements as f64 / elapsed.as_secs_f64().max(1e-9),
            "p50_ms": percentile(&all.latencies, 50).map(millis),
            "p99_ms": percentile(&all.latencies, 99).map(millis),
            "errors": all.errors,
            "first_error": all.first_error,
        }));
    }
    Ok(json!({
        "label": args.label.clone().unwrap_or_else(|| url.to_owned()),
        "url": url,
        "mean_statement_bytes": pool.texts.iter().map(|t| t.len() + 46).sum::<usize>() / pool.texts.len().max(1),
        "cases": cases,
    }))
}

fn head(ep: &Endpoint, auth: Option<&str>, length: usize) -> Vec<u8> {
    let mut h = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nX-Experience-API-Version: 2.0.0\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n",
        ep.path, ep.host
    );
    if let Some(a) = auth {
        h.push_str("Authorization: Basic ");
        h.push_str(a);
        h.push_str("\r\n");
    }
    h.push_str("\r\n");
    h.into_bytes()
}

fn print_table(r: &Value) {
    let f = |v: &Value, digits: usize| {
        v.as_f64()
            .map(|x| format!("{x:.digits$}"))
            .unwrap_or_else(|| "—".into())
    };
    println!(
        "xAPI batch ingest — {} (statements of {} bytes on average)",
        r["label"].as_str().unwrap_or_default(),
        r["mean_statement_bytes"]
    );
    if r.get("preload").is_some() {
        println!(
            "preloaded {} statements in {:.1} s ({:.0} statements/s, batches of 1000); validation alone {:.0} statements/s; {} stored, {:.0} MiB",
            r["preload"],
            r["preload_seconds"].as_f64().unwrap_or_default(),
            r["preload_statements_per_second"]
                .as_f64()
                .unwrap_or_default(),
            r["validate_only_statements_per_second"]
                .as_f64()
                .unwrap_or_default(),
            r["statements_stored"],
            r["database_bytes"].as_f64().unwrap_or_default() / 1048576.0
        );
    }
    println!();
    let num = |v: &Value| match v {
        Value::Number(n) => n.to_string(),
        _ => "—".into(),
    };
    println!(
        "{:<11} {:>6} {:>5} {:>10} {:>13} {:>13} {:>9} {:>9} {:>6}",
        "mode",
        "batch",
        "conns",
        "statements",
        "statements/s",
        "per CPU-s",
        "p50 ms",
        "p99 ms",
        "errors"
    );
    for c in r["cases"].as_array().into_iter().flatten() {
        println!(
            "{:<11} {:>6} {:>5} {:>10} {:>13} {:>13} {:>9} {:>9} {:>6}",
            c["mode"].as_str().unwrap_or_default(),
            num(&c["batch"]),
            num(&c["connections"]),
            num(&c["statements"]),
            f(&c["statements_per_second"], 0),
            f(&c["statements_per_cpu_second"], 0),
            f(&c["p50_ms"], 2),
            f(&c["p99_ms"], 2),
            num(&c["errors"]),
        );
        if let Some(e) = c["first_error"].as_str() {
            println!(
                "            first error: {}",
                e.chars().take(300).collect::<String>()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_statements_are_valid_varied_and_realistically_sized() {
        let mut verbs = std::collections::HashSet::new();
        for k in 0..500 {
            let v = statement_with_id(7, k);
            let s = cairn_lrs::validate_statement(&v, Version::V2_0)
                .unwrap_or_else(|e| panic!("statement {k} is invalid: {e}\n{v:#}"));
            verbs.insert(s.verb_id);
            let len = serde_json::to_string(&v).map(|t| t.len()).unwrap_or(0);
            assert!((1000..2200).contains(&len), "statement {k} is {len} bytes");
        }
        assert!(verbs.len() >= 8, "only {} verbs", verbs.len());
        assert_eq!(statement(7, 3), statement(7, 3));
        assert_ne!(statement_id(7, 3), statement_id(7, 4));
    }

    #[test]
    fn pooled_bodies_are_json_arrays_of_valid_statements_with_fresh_ids() {
        let pool = Pool::new(9, 10).unwrap();
        let mut body = Vec::new();
        pool.body(9, 25, 3, &mut body);
        let v: Value = serde_json::from_slice(&body).unwrap();
        let a = v.as_array().unwrap();
        assert_eq!(a.len(), 3);
        for (i, s) in a.iter().enumerate() {
            cairn_lrs::validate_statement(s, Version::V2_0).unwrap();
            assert_eq!(s["id"], json!(statement_id(9, 25 + i as u64).to_string()));
        }
    }

    #[test]
    fn endpoints_are_parsed_for_http_only() {
        let e = endpoint("http://127.0.0.1:8080/xapi/").unwrap();
        assert_eq!(
            (e.addr.as_str(), e.path.as_str()),
            ("127.0.0.1:8080", "/xapi/statements")
        );
        assert_eq!(endpoint("http://lrs.local").unwrap().addr, "lrs.local:80");
        assert!(endpoint("https://lrs.example").is_err());
    }
}
