//! `cairn bench …`: measurements over a bulk-seeded database, for BENCHMARKS.md.
//!
//! `cairn bench stacks` times what issuing one credential costs its stacks:
//! `App::reevaluate_stacks(learner, achievement)` — one transaction that looks up the
//! stacks naming the achievement, reads the learner's valid credentials, judges each
//! stack and inserts the awards that are met — over a store holding a million learners'
//! credentials. Three badges B1..B3 make a micro-credential M = all_of[B1, B2, B3], and a
//! nano-degree N = all_of[M, B4]; learner `i` holds B4 and the first `1 + i % 3` badges.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use cairn_app::credentials::NewAchievement;
use cairn_app::orgs::NewOrg;
use cairn_app::role_templates::ROLE_TEMPLATES;
use cairn_app::workforce::{GapMatrix, gap_matrix, parse_alignments};
use cairn_app::{App, AppConfig};
use cairn_core::rng::SeededRng;
use cairn_core::stacks::{RevocationPolicy, StackRule, StackSpec};
use cairn_core::workforce::{Requirement, RoleProfile};
use cairn_core::{
    Achievement, AchievementAlignment, AchievementKind, AchievementSpec, OrgKind, Principal,
};
use cairn_store::bench_seed::{self, SeedPlan, WorkforcePlan};
use cairn_store::{RoleProfileRow, VisibleAchievementRow};
use clap::{Args, Subcommand};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

// A child module, so that it shares this file's database set-up and clean-up.
#[path = "bench_nation.rs"]
mod nation;
#[path = "bench_xapi.rs"]
mod xapi;

const ORG: &str = "bench-council";
/// Untimed calls before each case, on learners of their own.
const WARMUP: u64 = 50;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Time stack re-evaluation after one new credential over a bulk-seeded store: when the
    /// stack is not met (the common case) and when it is (an award is inserted).
    Stacks(StacksArgs),
    /// Time the workforce gap analysis of a whole employer over a bulk-seeded store: loading
    /// what the employer may see, every worker's gap against each of the seven shipped
    /// roles with the heat map counts, and both together.
    Workforce(WorkforceArgs),
    /// Time xAPI statement ingest: `App::store_statements` in-process on SQLite or
    /// PostgreSQL with batches of 1, 100 and 1,000, or POSTs to any LRS over HTTP (--url).
    Xapi(xapi::XapiArgs),
    /// Time the hot paths of a national registry — verification reads, a learner's wallet,
    /// an issuer's credential list and count, revoking, issuing — over a bulk-seeded store
    /// of 1,000,000 learners × 10 credentials (PostgreSQL; 100,000 × 10 on SQLite).
    Nation(nation::NationArgs),
}

#[derive(Args)]
pub struct WorkforceArgs {
    /// Workers of the employer to seed; each holds 3 to 8 credentials.
    #[arg(long, env = "CAIRN_BENCH_WORKERS", default_value_t = 100_000)]
    workers: u64,
    /// Where to seed: a SQLite file that does not exist yet, or a postgres:// URL of a
    /// server on which a fresh database cairn_bench_… is created (and dropped after).
    /// Default: a SQLite file in a new temporary folder.
    #[arg(long, env = "CAIRN_BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// Timed runs of each measurement (after one untimed run).
    #[arg(long, env = "CAIRN_BENCH_RUNS", default_value_t = 7)]
    runs: u64,
    /// Keep the seeded database and print where it is.
    #[arg(long, env = "CAIRN_BENCH_KEEP")]
    keep: bool,
    /// Print the results as one JSON object instead of a table.
    #[arg(long, env = "CAIRN_BENCH_JSON")]
    json: bool,
    /// SQLite only: read with the driver handing rows over this many at a time instead
    /// of its default 50, to see what the handoff costs the load.
    #[arg(long, env = "CAIRN_BENCH_SQLITE_ROW_BUFFER")]
    sqlite_row_buffer: Option<usize>,
}

#[derive(Args)]
pub struct StacksArgs {
    /// Learners to seed; each holds 2 to 4 credentials (3 on average).
    #[arg(long, env = "CAIRN_BENCH_LEARNERS", default_value_t = 1_000_000)]
    learners: u64,
    /// Where to seed: a SQLite file that does not exist yet, or a postgres:// URL of a
    /// server on which a fresh database cairn_bench_… is created (and dropped after).
    /// Default: a SQLite file in a new temporary folder.
    #[arg(long, env = "CAIRN_BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// Timed re-evaluations per case; each case needs learners of its own (a third of them).
    #[arg(long, env = "CAIRN_BENCH_ITERATIONS", default_value_t = 2000)]
    iterations: u64,
    /// Keep the seeded database and print where it is.
    #[arg(long, env = "CAIRN_BENCH_KEEP")]
    keep: bool,
    /// Print the results as one JSON object instead of a table.
    #[arg(long, env = "CAIRN_BENCH_JSON")]
    json: bool,
}

pub async fn run(cmd: BenchCommand) -> Result<ExitCode> {
    match cmd {
        BenchCommand::Stacks(args) => stacks(args).await,
        BenchCommand::Workforce(args) => workforce(args).await,
        BenchCommand::Xapi(args) => xapi::run(args).await,
        BenchCommand::Nation(args) => nation::run(args).await,
    }
}

/// Where the seeded database lives and how to clean it up.
enum Target {
    Sqlite { dir: Option<PathBuf>, path: PathBuf },
    Postgres { base: String, name: String },
}

fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}_{nanos:09}", std::process::id())
}

async fn prepare(database_url: Option<&str>) -> Result<(Target, String)> {
    match database_url {
        Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
            let name = format!("cairn_bench_{}", unique_suffix());
            let url = bench_seed::create_postgres_database(u, &name)
                .await
                .with_context(|| {
                    format!(
                        "creating database {name} on {}; the user must be allowed to create databases",
                        cairn_store::redact(u)
                    )
                })?;
            Ok((
                Target::Postgres {
                    base: u.to_owned(),
                    name,
                },
                url,
            ))
        }
        Some(u) => {
            let path = PathBuf::from(u.strip_prefix("sqlite://").unwrap_or(u));
            if path.exists() {
                bail!(
                    "{} exists; the benchmark seeds a new database, so name a file that does not exist yet",
                    path.display()
                );
            }
            Ok((Target::Sqlite { dir: None, path }, u.to_owned()))
        }
        None => {
            let dir = std::env::temp_dir().join(format!("cairn-bench-{}", unique_suffix()));
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let path = dir.join("bench.db");
            let url = path.to_string_lossy().into_owned();
            Ok((
                Target::Sqlite {
                    dir: Some(dir),
                    path,
                },
                url,
            ))
        }
    }
}

async fn clean_up(target: &Target, keep: bool, url: &str) -> Result<()> {
    if keep {
        eprintln!("kept the seeded database: {}", cairn_store::redact(url));
        return Ok(());
    }
    match target {
        Target::Postgres { base, name } => bench_seed::drop_postgres_database(base, name)
            .await
            .with_context(|| format!("dropping database {name}"))?,
        Target::Sqlite { dir: Some(dir), .. } => {
            std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?
        }
        Target::Sqlite { dir: None, path } => {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }
    Ok(())
}

async fn stacks(args: StacksArgs) -> Result<ExitCode> {
    // Each case uses learners of one residue mod 3, each once (an award is not decided twice).
    let per_case = args.learners / 3;
    if args.iterations == 0 || args.iterations + WARMUP > per_case {
        bail!(
            "--iterations {} needs at least {} learners (3 × (iterations + {WARMUP} warm-up))",
            args.iterations,
            3 * (args.iterations + WARMUP)
        );
    }
    let (target, url) = prepare(args.database_url.as_deref()).await?;
    let outcome = measure(&args, &url).await;
    let cleaned = clean_up(&target, args.keep, &url).await;
    let report = outcome?;
    cleaned?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    Ok(ExitCode::SUCCESS)
}

fn new_achievement(kind: AchievementKind, name: &str, spec: AchievementSpec) -> NewAchievement {
    NewAchievement {
        kind,
        name: name.into(),
        description: format!("{name}, seeded for the stack benchmark."),
        criteria: format!("Earn {name}."),
        spec,
    }
}

fn stack_spec(parts: &[&Achievement]) -> AchievementSpec {
    AchievementSpec {
        stack: Some(StackSpec {
            rule: StackRule::AllOf {
                of: parts
                    .iter()
                    .map(|a| StackRule::Holds {
                        achievement_id: a.id,
                    })
                    .collect(),
            },
            prerequisites: vec![],
            on_revocation: RevocationPolicy::default(),
        }),
        ..Default::default()
    }
}

struct World {
    badges: Vec<Achievement>,
    micro: Achievement,
}

async fn world(app: &App) -> Result<World> {
    let sys = Principal::system();
    app.create_org(
        &sys,
        NewOrg {
            slug: Some(ORG.into()),
            name: "Bench Council".into(),
            kinds: vec![OrgKind::Issuer],
        },
    )
    .await?;
    let mut badges = Vec::new();
    for name in ["B1", "B2", "B3", "B4"] {
        let spec = AchievementSpec::default();
        badges.push(
            app.create_achievement(
                &sys,
                ORG,
                new_achievement(AchievementKind::Badge, name, spec),
            )
            .await?,
        );
    }
    let micro = app
        .create_achievement(
            &sys,
            ORG,
            new_achievement(
                AchievementKind::MicroCredential,
                "M",
                stack_spec(&[&badges[0], &badges[1], &badges[2]]),
            ),
        )
        .await?;
    app.create_achievement(
        &sys,
        ORG,
        new_achievement(
            AchievementKind::NanoDegree,
            "N",
            stack_spec(&[&micro, &badges[3]]),
        ),
    )
    .await?;
    Ok(World { badges, micro })
}

/// `n` learners of residue `r` mod 3, spread evenly over the table.
fn learners_of(residue: u64, n: u64, per_case: u64) -> impl Iterator<Item = u64> {
    (0..n).map(move |j| 3 * (j * per_case / n) + residue)
}

#[derive(Default)]
struct Steps {
    begin: Duration,
    stacks_naming_for: Duration,
    lock_learner: Duration,
    held_by: Duration,
    commit: Duration,
}

/// The queries of a not-met re-evaluation, one by one as the application makes them, to
/// show where the time goes.
async fn steps_once(app: &App, learner: u64, component: &Achievement, s: &mut Steps) -> Result<()> {
    let learner = bench_seed::learner_id(learner);
    let t = Instant::now();
    let mut tx = app.store.begin().await?;
    s.begin += t.elapsed();
    let t = Instant::now();
    let stacks = tx.conn().stacks_naming_for(component.id, learner).await?;
    s.stacks_naming_for += t.elapsed();
    let t = Instant::now();
    tx.conn().lock_user_row(learner).await?;
    s.lock_learner += t.elapsed();
    let t = Instant::now();
    let held = tx.conn().held_by(learner, cairn_app::now()).await?;
    s.held_by += t.elapsed();
    if stacks.is_empty() {
        bail!("no stack names the component; the seeding is broken");
    }
    if held.is_empty() {
        bail!("seeded learner holds nothing; the seeding is broken");
    }
    let t = Instant::now();
    tx.commit().await?;
    s.commit += t.elapsed();
    Ok(())
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn summary(name: &str, mut v: Vec<Duration>) -> serde_json::Value {
    v.sort();
    let n = v.len().max(1);
    let at = |p: usize| v.get((p * n).div_ceil(100).saturating_sub(1)).copied();
    let total: Duration = v.iter().sum();
    json!({
        "case": name,
        "iterations": v.len(),
        "p50_us": at(50).map(micros),
        "p95_us": at(95).map(micros),
        "p99_us": at(99).map(micros),
        "mean_us": micros(total) / n as f64,
        "min_us": v.first().copied().map(micros),
        "max_us": v.last().copied().map(micros),
    })
}

async fn measure(args: &StacksArgs, url: &str) -> Result<serde_json::Value> {
    let app = App::open(url, AppConfig::default())
        .await
        .with_context(|| format!("opening database {}", cairn_store::redact(url)))?;
    let result = measure_on(&app, args, url).await;
    app.store.close().await;
    result
}

async fn measure_on(app: &App, args: &StacksArgs, url: &str) -> Result<serde_json::Value> {
    let w = world(app).await?;
    let pair = |a: &Achievement| (a.id, a.name.clone());
    let plan = SeedPlan {
        org_id: w.micro.org_id,
        ladder: w.badges[..3].iter().map(pair).collect(),
        everyone: vec![pair(&w.badges[3])],
        learners: args.learners,
        issued_at: cairn_app::now(),
    };
    eprintln!(
        "seeding {} learners and {} credentials into {} …",
        plan.learners,
        plan.credentials(),
        cairn_store::redact(url)
    );
    let started = Instant::now();
    let quiet = args.json;
    let seeded = bench_seed::seed(&app.store, &plan, |done| {
        if !quiet && done % 200_000 == 0 {
            eprintln!(
                "  {done} learners ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
        }
    })
    .await
    .context("seeding")?;
    let seed_time = started.elapsed();
    let started = Instant::now();
    bench_seed::settle(&app.store).await.context("settling")?;
    let settle_time = started.elapsed();
    let bytes = bench_seed::database_size(&app.store).await?;
    eprintln!(
        "seeded in {:.1} s (+ {:.1} s settling), {:.0} MiB; timing {} re-evaluations per case …",
        seed_time.as_secs_f64(),
        settle_time.as_secs_f64(),
        bytes as f64 / 1048576.0,
        args.iterations
    );

    let per_case = args.learners / 3;
    let n = WARMUP + args.iterations;
    let (b1, b2, b3) = (&w.badges[0], &w.badges[1], &w.badges[2]);

    // (a) Not met: learners holding B1 and B4; B1 names M, which needs B2 and B3 too.
    let mut not_met = Vec::new();
    for (j, i) in learners_of(0, n, per_case).enumerate() {
        let t = Instant::now();
        let decided = app
            .reevaluate_stacks(bench_seed::learner_id(i), b1.id)
            .await?;
        let d = t.elapsed();
        if !decided.is_empty() {
            bail!("learner {i} was awarded a stack it does not meet; the seeding is broken");
        }
        if j as u64 >= WARMUP {
            not_met.push(d);
        }
    }

    // The same not-met path, query by query (learners holding B1, B2 and B4; B2 names M).
    let mut steps = Steps::default();
    for (j, i) in learners_of(1, n, per_case).enumerate() {
        if j as u64 == WARMUP {
            steps = Steps::default();
        }
        steps_once(app, i, b2, &mut steps).await?;
    }

    // (b) Met: learners holding B1, B2, B3 and B4, each once; B3 completes M, an award is
    // inserted with its audit event.
    let mut met = Vec::new();
    for (j, i) in learners_of(2, n, per_case).enumerate() {
        let t = Instant::now();
        let decided = app
            .reevaluate_stacks(bench_seed::learner_id(i), b3.id)
            .await?;
        let d = t.elapsed();
        if decided.len() != 1 {
            bail!(
                "learner {i} was decided {} awards instead of one; the seeding is broken",
                decided.len()
            );
        }
        if j as u64 >= WARMUP {
            met.push(d);
        }
    }

    let k = args.iterations as f64;
    let step = |d: Duration| micros(d) / k;
    Ok(json!({
        "backend": app.store.backend().as_str(),
        "learners": seeded.learners,
        "credentials": seeded.credentials,
        "seed_seconds": seed_time.as_secs_f64(),
        "settle_seconds": settle_time.as_secs_f64(),
        "database_bytes": bytes,
        "warmup": WARMUP,
        "cases": [
            summary("not met (learner holds 1 of 3 badges)", not_met),
            summary("met (award inserted)", met),
        ],
        "not_met_steps_mean_us": {
            "begin": step(steps.begin),
            "stacks_naming_for": step(steps.stacks_naming_for),
            "lock_learner": step(steps.lock_learner),
            "held_by": step(steps.held_by),
            "commit": step(steps.commit),
        },
    }))
}

fn print_table(r: &serde_json::Value) {
    let f = |v: &serde_json::Value| v.as_f64().map(|x| format!("{x:.0}")).unwrap_or_default();
    println!(
        "stack re-evaluation on {} — {} learners, {} credentials",
        r["backend"].as_str().unwrap_or_default(),
        r["learners"],
        r["credentials"]
    );
    println!(
        "seeding {:.1} s (+ {:.1} s settling), database {:.0} MiB",
        r["seed_seconds"].as_f64().unwrap_or_default(),
        r["settle_seconds"].as_f64().unwrap_or_default(),
        r["database_bytes"].as_f64().unwrap_or_default() / 1048576.0
    );
    println!();
    println!(
        "{:<40} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "case (µs)", "n", "p50", "p95", "p99", "mean", "min", "max"
    );
    for c in r["cases"].as_array().into_iter().flatten() {
        println!(
            "{:<40} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
            c["case"].as_str().unwrap_or_default(),
            c["iterations"],
            f(&c["p50_us"]),
            f(&c["p95_us"]),
            f(&c["p99_us"]),
            f(&c["mean_us"]),
            f(&c["min_us"]),
            f(&c["max_us"]),
        );
    }
    println!();
    let steps = &r["not_met_steps_mean_us"];
    let parts: Vec<String> = [
        "begin",
        "stacks_naming_for",
        "lock_learner",
        "held_by",
        "commit",
    ]
    .iter()
    .map(|k| format!("{k} {:.0}", steps[*k].as_f64().unwrap_or_default()))
    .collect();
    println!("not met, step by step (mean µs): {}", parts.join(", "));
}

// --- Workforce -----------------------------------------------------------------------------

const EMPLOYER: &str = "bench-employer";
const ISSUER: &str = "bench-issuer";
/// Achievements credentials are drawn from; every fifth is the employer's own.
const ACHIEVEMENTS: usize = 30;
const TEAM_SIZE: u64 = 25;

struct WorkforceWorld {
    employer: Uuid,
    achievements: Vec<Uuid>,
    roles: Vec<RoleProfile>,
}

/// The employer and an issuer, the shipped framework, 30 achievements — seven certifying
/// one role template each (every competency at the level it needs), the others each
/// proving 1 to 3 of the competencies the templates name (levels 1 to 4) — and the seven
/// roles resolved against the framework, stored as version 1 of the employer's role
/// profiles.
async fn workforce_world(app: &App, now: OffsetDateTime) -> Result<WorkforceWorld> {
    let sys = Principal::system();
    let employer = app
        .create_org(
            &sys,
            NewOrg {
                slug: Some(EMPLOYER.into()),
                name: "Bench Employer".into(),
                kinds: vec![OrgKind::Employer, OrgKind::Issuer],
            },
        )
        .await?;
    app.create_org(
        &sys,
        NewOrg {
            slug: Some(ISSUER.into()),
            name: "Bench Issuer".into(),
            kinds: vec![OrgKind::Issuer],
        },
    )
    .await?;
    app.import_builtin_framework(&sys, None)
        .await
        .map_err(|e| anyhow::anyhow!("importing the shipped framework: {e}"))?;
    let shipped = cairn_app::frameworks::builtin_package()?
        .framework
        .identifier;
    let mut ids: BTreeMap<&str, Uuid> = BTreeMap::new();
    {
        let mut r = app.store.reader().await?;
        for t in ROLE_TEMPLATES {
            for (code, _) in t.requirements {
                let id = r.conn().find_competency(code, &shipped).await?.with_context(|| {
                    format!("the shipped framework has no competency {code}, which role template {} names", t.key)
                })?;
                ids.insert(code, id);
            }
        }
    }
    let universe: Vec<Uuid> = ids.values().copied().collect();
    let mut rng = SeededRng::new(0x000b_e4c0_f0ce_2026);
    let mut achievements = Vec::with_capacity(ACHIEVEMENTS);
    for k in 0..ACHIEVEMENTS {
        let mut alignments: Vec<AchievementAlignment> = Vec::new();
        // The first seven certify a whole role, as a micro-credential would; the others
        // are badges proving a few competencies each.
        if let Some(t) = ROLE_TEMPLATES.get(k) {
            for (code, level) in t.requirements {
                if let Some(id) = ids.get(code) {
                    alignments.push(AchievementAlignment {
                        competency_id: *id,
                        level: Some(*level),
                    });
                }
            }
        }
        let n = if alignments.is_empty() {
            1 + rng.below(3)
        } else {
            0
        };
        while (alignments.len() as u64) < n {
            let c = *rng.pick(&universe);
            if alignments.iter().all(|a| a.competency_id != c) {
                alignments.push(AchievementAlignment {
                    competency_id: c,
                    level: Some(1 + rng.below(4) as i32),
                });
            }
        }
        let name = format!("Bench skill {k:02}");
        let a = app
            .create_achievement(
                &sys,
                if k % 5 == 0 { EMPLOYER } else { ISSUER },
                NewAchievement {
                    kind: AchievementKind::Badge,
                    description: format!("{name}, seeded for the workforce benchmark."),
                    criteria: format!("Earn {name}."),
                    name,
                    spec: AchievementSpec {
                        alignments,
                        ..Default::default()
                    },
                },
            )
            .await?;
        achievements.push(a.id);
    }
    let mut roles = Vec::new();
    let mut tx = app.store.begin().await?;
    for t in ROLE_TEMPLATES {
        let role = RoleProfile {
            id: Uuid::now_v7(),
            org_id: employer.id,
            name: t.name.into(),
            description: t.description.into(),
            version: 1,
            requirements: t
                .requirements
                .iter()
                .map(|(code, level)| Requirement::Competency {
                    competency_id: ids.get(code).copied().unwrap_or_default(),
                    min_level: *level,
                })
                .collect(),
        };
        role.validate()
            .map_err(|e| anyhow::anyhow!("role template {}: {e}", t.key))?;
        tx.conn()
            .insert_role_profile(&RoleProfileRow {
                id: role.id,
                version: 1,
                org_id: employer.id,
                name: role.name.clone(),
                description: role.description.clone(),
                requirements: serde_json::to_string(&role.requirements)?,
                template: Some(t.key.into()),
                archived: false,
                created_by: None,
                created_at: now,
            })
            .await?;
        roles.push(role);
    }
    tx.commit().await?;
    Ok(WorkforceWorld {
        employer: employer.id,
        achievements,
        roles,
    })
}

/// What the employer may see: its workers' visible valid credentials and what each
/// achievement proves.
struct Loaded {
    held: Vec<VisibleAchievementRow>,
    alignments: Vec<(Uuid, String)>,
}

async fn load(app: &App, employer: Uuid, now: OffsetDateTime) -> Result<Loaded> {
    let mut r = app.store.reader().await?;
    let held = r.conn().visible_achievements_in_org(employer, now).await?;
    let alignments = r.conn().achievement_alignments().await?;
    Ok(Loaded { held, alignments })
}

/// What the analysis found, to check it did the work and gave the same answer each time.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Computed {
    workers: u32,
    consenting: u32,
    gaps: u64,
    /// Worker × role pairs with every requirement met.
    ready: u64,
    /// Worker × requirement cells of the heat maps counted missing.
    missing: u64,
}

impl From<&GapMatrix> for Computed {
    fn from(m: &GapMatrix) -> Self {
        Computed {
            workers: m.workers,
            consenting: m.consenting,
            gaps: u64::from(m.workers) * m.roles.len() as u64,
            ready: m.roles.iter().map(|r| u64::from(r.ready)).sum(),
            missing: m
                .roles
                .iter()
                .flat_map(|r| &r.rows)
                .map(|r| u64::from(r.missing))
                .sum(),
        }
    }
}

/// The computation the product runs ([`gap_matrix`]): every worker's competency profile
/// from the visible credentials, their gap against each role, and each role's
/// organization-wide heat map; workers with nothing visible miss everything.
fn compute(
    loaded: &Loaded,
    workers: u32,
    roles: &[RoleProfile],
    now: OffsetDateTime,
) -> Result<Computed> {
    let alignments = parse_alignments(loaded.alignments.clone())?;
    Ok(Computed::from(&gap_matrix(
        &loaded.held,
        &alignments,
        roles,
        workers,
        now,
    )))
}

/// Peak resident memory of this process (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn summary_ms(name: &str, mut v: Vec<Duration>) -> serde_json::Value {
    v.sort();
    let n = v.len().max(1);
    let at = |p: usize| v.get((p * n).div_ceil(100).saturating_sub(1)).copied();
    json!({
        "case": name,
        "runs": v.len(),
        "p50_ms": at(50).map(millis),
        "p95_ms": at(95).map(millis),
        "min_ms": v.first().copied().map(millis),
        "max_ms": v.last().copied().map(millis),
    })
}

async fn workforce(args: WorkforceArgs) -> Result<ExitCode> {
    if args.runs == 0 || args.workers == 0 {
        bail!("--runs and --workers must be at least 1");
    }
    let (target, url) = prepare(args.database_url.as_deref()).await?;
    let outcome = measure_workforce(&args, &url).await;
    let cleaned = clean_up(&target, args.keep, &url).await;
    let report = outcome?;
    cleaned?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_workforce(&report);
    }
    Ok(ExitCode::SUCCESS)
}

async fn measure_workforce(args: &WorkforceArgs, url: &str) -> Result<serde_json::Value> {
    let mut app = App::open(url, AppConfig::default())
        .await
        .with_context(|| format!("opening database {}", cairn_store::redact(url)))?;
    if let Some(rows) = args.sqlite_row_buffer {
        let store = bench_seed::with_sqlite_row_buffer(&app.store, url, rows).await?;
        app = App::new(store, AppConfig::default());
    }
    let result = measure_workforce_on(&app, args, url).await;
    app.store.close().await;
    result
}

async fn measure_workforce_on(
    app: &App,
    args: &WorkforceArgs,
    url: &str,
) -> Result<serde_json::Value> {
    let now = cairn_app::now();
    let w = workforce_world(app, now).await?;
    let plan = WorkforcePlan {
        employer_id: w.employer,
        achievements: w.achievements.clone(),
        workers: args.workers,
        team_size: TEAM_SIZE,
        now,
    };
    eprintln!(
        "seeding {} workers, {} teams and {} credentials into {} …",
        plan.workers,
        plan.teams(),
        plan.credentials(),
        cairn_store::redact(url)
    );
    let started = Instant::now();
    let quiet = args.json;
    let seeded = bench_seed::seed_workforce(&app.store, &plan, |done| {
        if !quiet {
            eprintln!(
                "  {done} workers ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
        }
    })
    .await
    .context("seeding")?;
    let seed_time = started.elapsed();
    let started = Instant::now();
    bench_seed::settle(&app.store).await.context("settling")?;
    let settle_time = started.elapsed();
    let bytes = bench_seed::database_size(&app.store).await?;
    eprintln!(
        "seeded in {:.1} s (+ {:.1} s settling), {:.0} MiB; {} timed runs of each measurement …",
        seed_time.as_secs_f64(),
        settle_time.as_secs_f64(),
        bytes as f64 / 1048576.0,
        args.runs
    );

    let workers = u32::try_from(args.workers).context("--workers is too large")?;
    let sys = Principal::system();
    let mut loads = Vec::new();
    let mut computes = Vec::new();
    let mut ends = Vec::new();
    let mut rows = 0;
    let mut found = Computed::default();
    for run in 0..=args.runs {
        let timed = run > 0;
        // (a) Loading what the employer may see.
        let t = Instant::now();
        let loaded = load(app, w.employer, now).await?;
        let d = t.elapsed();
        rows = loaded.held.len();
        // (b) The computation over what was loaded.
        let t = Instant::now();
        let computed = compute(&loaded, workers, &w.roles, now)?;
        let c = t.elapsed();
        drop(loaded);
        // (c) The use case, end to end.
        let t = Instant::now();
        let matrix = app.org_gap_analysis(&sys, EMPLOYER, now).await?;
        let e = t.elapsed();
        let again = Computed::from(&matrix);
        if again != computed || computed.gaps != u64::from(workers) * w.roles.len() as u64 {
            bail!(
                "the analysis gave different answers on the same data: {computed:?} and {again:?}"
            );
        }
        found = computed;
        if timed {
            loads.push(d);
            computes.push(c);
            ends.push(e);
        }
    }
    if rows == 0 || found.ready == 0 || found.missing == 0 {
        bail!(
            "the seeded world has nothing to analyse ({rows} rows, {found:?}); the seeding is broken"
        );
    }
    let load_p50 = {
        let mut v = loads.clone();
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    let compute_p50 = {
        let mut v = computes.clone();
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    Ok(json!({
        "backend": app.store.backend().as_str(),
        "workers": seeded.workers,
        "teams": seeded.teams,
        "credentials": seeded.credentials,
        "roles": w.roles.len(),
        "seed_seconds": seed_time.as_secs_f64(),
        "settle_seconds": settle_time.as_secs_f64(),
        "database_bytes": bytes,
        "visible_rows": rows,
        "load_rows_per_second": rows as f64 / load_p50.as_secs_f64().max(1e-9),
        "consenting": found.consenting,
        "gaps": found.gaps,
        "ready": found.ready,
        "heat_map_missing_cells": found.missing,
        "cases": [
            summary_ms("load: visible credentials + alignments", loads),
            summary_ms("compute: profiles, 7 role gaps, heat maps", computes),
            summary_ms("end to end: App::org_gap_analysis", ends),
        ],
        "compute_target_ms": 1000,
        "compute_target_met": compute_p50 <= Duration::from_secs(1),
        "peak_rss_bytes": peak_rss(),
        "sqlite_row_buffer": args.sqlite_row_buffer,
    }))
}

fn print_workforce(r: &serde_json::Value) {
    let f = |v: &serde_json::Value| v.as_f64().map(|x| format!("{x:.0}")).unwrap_or_default();
    println!(
        "workforce gap analysis on {} — {} workers in {} teams, {} credentials, {} roles",
        r["backend"].as_str().unwrap_or_default(),
        r["workers"],
        r["teams"],
        r["credentials"],
        r["roles"]
    );
    println!(
        "seeding {:.1} s (+ {:.1} s settling), database {:.0} MiB",
        r["seed_seconds"].as_f64().unwrap_or_default(),
        r["settle_seconds"].as_f64().unwrap_or_default(),
        r["database_bytes"].as_f64().unwrap_or_default() / 1048576.0
    );
    println!(
        "visible to the employer: {} credentials of {} workers ({:.0} rows/s at the median load); {} gaps, {} worker × role pairs ready",
        r["visible_rows"],
        r["consenting"],
        r["load_rows_per_second"].as_f64().unwrap_or_default(),
        r["gaps"],
        r["ready"]
    );
    println!();
    println!(
        "{:<44} {:>5} {:>8} {:>8} {:>8} {:>8}",
        "case (ms)", "runs", "p50", "p95", "min", "max"
    );
    for c in r["cases"].as_array().into_iter().flatten() {
        println!(
            "{:<44} {:>5} {:>8} {:>8} {:>8} {:>8}",
            c["case"].as_str().unwrap_or_default(),
            c["runs"],
            f(&c["p50_ms"]),
            f(&c["p95_ms"]),
            f(&c["min_ms"]),
            f(&c["max_ms"]),
        );
    }
    println!();
    println!(
        "target: compute ≤ 1000 ms at the median — {}",
        if r["compute_target_met"].as_bool().unwrap_or(false) {
            "met"
        } else {
            "missed"
        }
    );
    if let Some(b) = r["peak_rss_bytes"].as_f64() {
        println!("peak resident memory: {:.0} MiB", b / 1048576.0);
    }
}
