//! `cairn bench nation`: the hot paths of a national registry — a million learners holding
//! ten million credentials from several issuers — through the use cases the server calls.
//!
//! Seeding is set-based SQL (`bench_seed::seed_nation`); the issuers, their achievements
//! and signing keys are made through the application, and each status list is signed by
//! revoking one credential in it (the application signs a list whenever a bit changes),
//! so that verification reads real, signed lists. Then each path is timed on ids drawn
//! pseudo-randomly over the whole range, after untimed warm-up calls.

use std::collections::HashSet;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use cairn_app::credentials::{IssueRequest, NewAchievement, Recipient, StatusAction};
use cairn_app::keys::MasterKey;
use cairn_app::orgs::NewOrg;
use cairn_app::{App, AppConfig};
use cairn_core::rng::SeededRng;
use cairn_core::{AchievementKind, AchievementSpec, OrgKind, Principal, PrincipalKind};
use cairn_store::bench_seed::{self, NationPlan};
use clap::{Args, ValueEnum};
use serde_json::json;

use super::{WARMUP, clean_up, prepare, summary};

/// The issuers of the seeded nation (slug, name); slot `k` of a learner is issuer `k % 5`.
const ISSUERS: [(&str, &str); 5] = [
    ("nation-nursing-council", "National Nursing Council"),
    ("nation-midwifery-college", "College of Midwives"),
    ("nation-health-academy", "Regional Health Academy"),
    ("nation-emergency-institute", "Emergency Care Institute"),
    ("nation-public-health", "Public Health Agency"),
];
/// Achievements per issuer, at the least.
const ACHIEVEMENTS: u64 = 8;
/// The benchmark seals its issuers' keys with a fixed master key, so that a kept database
/// can be measured again (--reuse) and sign; the database holds nothing else.
const MASTER_KEY: [u8; 32] = *b"cairn-bench-nation-master-key-32";
/// Ids looked up again and again in the warm case.
const WARM_SET: u64 = 100;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// 1,000,000 learners × 10 credentials (the default on PostgreSQL).
    Nation,
    /// 100,000 learners × 10 credentials (the default on SQLite).
    Site,
}

#[derive(Args)]
pub struct NationArgs {
    /// The size to seed; default `nation` for a postgres:// URL, `site` otherwise.
    #[arg(long, value_enum)]
    preset: Option<Preset>,
    /// Learners to seed, instead of the preset's.
    #[arg(long, env = "CAIRN_BENCH_LEARNERS")]
    learners: Option<u64>,
    /// Credentials per learner, instead of the preset's 10 (spread over 5 issuers).
    #[arg(long)]
    per_learner: Option<u64>,
    /// Where to seed: a SQLite file that does not exist yet, or a postgres:// URL of a
    /// server on which a fresh database cairn_bench_… is created (and dropped after).
    /// Default: a SQLite file in a new temporary folder.
    #[arg(long, env = "CAIRN_BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// Measure a database seeded before with --keep, without seeding: on PostgreSQL the
    /// database's name on the server of --database-url, on SQLite its file. Give the same
    /// preset or sizes as when it was seeded; it is kept afterwards.
    #[arg(long)]
    reuse: Option<String>,
    /// Timed calls per case (revocations and issues: a fifth of them; the issuer's
    /// credential page: a twentieth), after untimed warm-up calls.
    #[arg(long, env = "CAIRN_BENCH_ITERATIONS", default_value_t = 2000)]
    iterations: u64,
    /// Keep the seeded database and print where it is.
    #[arg(long, env = "CAIRN_BENCH_KEEP")]
    keep: bool,
    /// Print the results as one JSON object instead of a table.
    #[arg(long, env = "CAIRN_BENCH_JSON")]
    json: bool,
}

impl NationArgs {
    fn is_postgres(&self) -> bool {
        self.database_url
            .as_deref()
            .is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
    }

    /// (learners, credentials per learner).
    fn size(&self) -> (u64, u64) {
        let preset = self.preset.unwrap_or(if self.is_postgres() {
            Preset::Nation
        } else {
            Preset::Site
        });
        let learners = match preset {
            Preset::Nation => 1_000_000,
            Preset::Site => 100_000,
        };
        (
            self.learners.unwrap_or(learners),
            self.per_learner.unwrap_or(10),
        )
    }
}

pub async fn run(args: NationArgs) -> Result<ExitCode> {
    let (learners, per_learner) = args.size();
    if learners == 0 || per_learner == 0 || args.iterations == 0 {
        bail!("--learners, --per-learner and --iterations must be at least 1");
    }
    let (target, url, fresh) = match &args.reuse {
        Some(name) if args.is_postgres() => {
            let base = args.database_url.as_deref().unwrap_or_default();
            (None, postgres_url(base, name), false)
        }
        Some(path) => {
            if !std::path::Path::new(path).exists() {
                bail!("--reuse {path}: no such SQLite file (seed one with --keep first)");
            }
            (None, path.clone(), false)
        }
        None => {
            let (t, u) = prepare(args.database_url.as_deref()).await?;
            (Some(t), u, true)
        }
    };
    let outcome = measure(&args, &url, fresh, learners, per_learner).await;
    let cleaned = match &target {
        Some(t) => clean_up(t, args.keep, &url).await,
        None => Ok(()),
    };
    let report = outcome?;
    cleaned?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    Ok(ExitCode::SUCCESS)
}

/// `base` naming database `name` instead of its own.
fn postgres_url(base: &str, name: &str) -> String {
    let (head, query) = base.split_once('?').unwrap_or((base, ""));
    let root = match head.rfind('/') {
        Some(i) if i > head.find("://").map_or(0, |j| j + 2) => &head[..i],
        _ => head,
    };
    if query.is_empty() {
        format!("{root}/{name}")
    } else {
        format!("{root}/{name}?{query}")
    }
}

struct Nation {
    plan: NationPlan,
    slugs: Vec<String>,
}

impl Nation {
    fn credential(&self, n: u64) -> (u64, u64) {
        (n / self.plan.per_learner, n % self.plan.per_learner)
    }
}

/// The issuers and their achievements, made through the application (or found, when
/// reusing a database), and the plan that matches them.
async fn world(app: &App, fresh: bool, learners: u64, per_learner: u64) -> Result<Nation> {
    let sys = Principal::system();
    let per_issuer = ACHIEVEMENTS.max(per_learner.div_ceil(ISSUERS.len() as u64));
    let mut issuers = Vec::new();
    let mut achievements = Vec::new();
    for (slug, name) in ISSUERS {
        let org = if fresh {
            app.create_org(
                &sys,
                NewOrg {
                    slug: Some(slug.into()),
                    name: name.into(),
                    kinds: vec![OrgKind::Issuer],
                },
            )
            .await?
        } else {
            app.org_unchecked(slug)
                .await
                .with_context(|| format!("--reuse: the database has no issuer {slug}; was it seeded by `cairn bench nation`?"))?
        };
        let mut list = Vec::new();
        if fresh {
            for j in 0..per_issuer {
                let title = format!("{name} skill {j:02}");
                let a = app
                    .create_achievement(
                        &sys,
                        slug,
                        NewAchievement {
                            kind: AchievementKind::Badge,
                            description: format!("{title}, seeded for the nation benchmark."),
                            criteria: format!("Earn {title}."),
                            name: title,
                            spec: AchievementSpec::default(),
                        },
                    )
                    .await?;
                list.push((a.id, a.name));
            }
        } else {
            let mut found: Vec<_> = app
                .achievements(slug)
                .await?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect();
            found.sort_by(|a, b| a.1.cmp(&b.1));
            if found.len() as u64 != per_issuer {
                bail!(
                    "--reuse: issuer {slug} has {} achievements where these sizes need {per_issuer}; give the sizes it was seeded with",
                    found.len()
                );
            }
            list = found;
        }
        issuers.push(org.id);
        achievements.push(list);
    }
    Ok(Nation {
        plan: NationPlan {
            issuers,
            achievements,
            learners,
            per_learner,
            issued_at: cairn_app::now(),
        },
        slugs: ISSUERS.iter().map(|(s, _)| (*s).to_owned()).collect(),
    })
}

/// A reused database must hold exactly the plan's learners and credentials: the first and
/// last ids are there, the next ones are not.
async fn check_reused(app: &App, plan: &NationPlan) -> Result<()> {
    let mut r = app.store.reader().await?;
    let last = plan.credentials() - 1;
    let there = r
        .conn()
        .credential(bench_seed::credential_id(last))
        .await?
        .is_some()
        && r.conn()
            .user_by_id(bench_seed::learner_id(plan.learners - 1))
            .await?
            .is_some();
    let beyond = r
        .conn()
        .user_by_id(bench_seed::learner_id(plan.learners))
        .await?
        .is_some();
    if !there || beyond {
        bail!(
            "--reuse: the database was not seeded with {} learners × {}; give the preset or sizes it was seeded with",
            plan.learners,
            plan.per_learner
        );
    }
    Ok(())
}

/// A credential of issuer `o` in its status list `list`, not already revoked.
fn credential_in_list(nation: &Nation, o: usize, list: u64) -> Option<u64> {
    let p = &nation.plan;
    let stride = p.per_learner.div_ceil(ISSUERS.len() as u64);
    let first = (list * bench_seed::NATION_LIST_FILL).div_ceil(stride);
    (first..p.learners.min(first + 1000))
        .map(|i| (i, o as u64))
        .find(|(i, k)| p.status_of(*i, *k).0 == list && !p.revoked(*i, *k))
        .map(|(i, k)| p.credential_number(i, k))
}

/// Sign every status list that has no signed document yet, by revoking one credential in
/// it through the application. Returns (lists signed, time taken).
async fn sign_status_lists(app: &App, nation: &Nation) -> Result<(u64, Duration)> {
    let sys = Principal::system();
    let started = Instant::now();
    let mut signed = 0;
    for (o, slug) in nation.slugs.iter().enumerate() {
        for list in 0..nation.plan.lists_of(o) {
            let exists = {
                let mut r = app.store.reader().await?;
                r.conn()
                    .status_list(nation.plan.issuers[o], "revocation", list as i32)
                    .await?
                    .is_some()
            };
            if exists {
                continue;
            }
            let n = credential_in_list(nation, o, list)
                .with_context(|| format!("no credential of {slug} in status list {list}"))?;
            app.set_credential_status(
                &sys,
                slug,
                bench_seed::credential_id(n),
                StatusAction::Revoke,
                Some("bench: signs the status list"),
            )
            .await?;
            signed += 1;
        }
    }
    Ok((signed, started.elapsed()))
}

async fn measure(
    args: &NationArgs,
    url: &str,
    fresh: bool,
    learners: u64,
    per_learner: u64,
) -> Result<serde_json::Value> {
    let config = AppConfig {
        master_key: Some(MasterKey::from_bytes(MASTER_KEY)),
        ..AppConfig::default()
    };
    let app = App::open(url, config)
        .await
        .with_context(|| format!("opening database {}", cairn_store::redact(url)))?;
    let result = measure_on(&app, args, url, fresh, learners, per_learner).await;
    app.store.close().await;
    result
}

fn timed(name: &str, v: Vec<Duration>) -> serde_json::Value {
    let mut s = summary(name, v);
    let mean = s["mean_us"].as_f64().unwrap_or_default();
    s["ops_per_second"] = json!(if mean > 0.0 { 1e6 / mean } else { 0.0 });
    s
}

async fn measure_on(
    app: &App,
    args: &NationArgs,
    url: &str,
    fresh: bool,
    learners: u64,
    per_learner: u64,
) -> Result<serde_json::Value> {
    let quiet = args.json;
    let nation = world(app, fresh, learners, per_learner).await?;
    let plan = &nation.plan;
    let (mut seed_time, mut settle_time) = (None, Duration::ZERO);
    if fresh {
        eprintln!(
            "seeding {} learners and {} credentials from {} issuers into {} …",
            plan.learners,
            plan.credentials(),
            ISSUERS.len(),
            cairn_store::redact(url)
        );
        let started = Instant::now();
        bench_seed::seed_nation(&app.store, plan, |done| {
            if !quiet {
                let s = started.elapsed().as_secs_f64();
                eprintln!(
                    "  {done} learners, {} credentials ({s:.1} s, {:.0} credentials/s)",
                    done * plan.per_learner,
                    (done * plan.per_learner) as f64 / s.max(1e-9)
                );
            }
        })
        .await
        .context("seeding")?;
        seed_time = Some(started.elapsed());
    } else {
        check_reused(app, plan).await?;
        eprintln!(
            "reusing {} ({} learners × {}); not seeding",
            cairn_store::redact(url),
            plan.learners,
            plan.per_learner
        );
    }
    let started = Instant::now();
    bench_seed::settle(&app.store).await.context("settling")?;
    settle_time += started.elapsed();
    let (lists_signed, lists_time) = sign_status_lists(app, &nation)
        .await
        .context("signing the status lists")?;
    let bytes = bench_seed::database_size(&app.store).await?;
    eprintln!(
        "{}{:.1} s settling, {lists_signed} status lists signed in {:.1} s, database {:.0} MiB; timing …",
        seed_time.map_or(String::new(), |t| format!(
            "seeded in {:.1} s, ",
            t.as_secs_f64()
        )),
        settle_time.as_secs_f64(),
        lists_time.as_secs_f64(),
        bytes as f64 / 1048576.0
    );

    let n = args.iterations;
    let total = plan.credentials();
    let mut rng = SeededRng::new(0x0a71_0c0a_12be_2026 ^ total);
    let sys = Principal::system();
    let mut cases = Vec::new();

    // Public verification, as the server serves it: the credential page reads the
    // credential and its issuer; a verifier then fetches the status list and the DID
    // document (three requests, each timed here as the use case it calls).
    let mut page = Vec::new();
    let mut list = Vec::new();
    let mut did = Vec::new();
    for j in 0..WARMUP + n {
        let (i, k) = nation.credential(rng.below(total));
        let id = bench_seed::credential_id(plan.credential_number(i, k));
        let slug = &nation.slugs[plan.issuer_of(k)];
        let t = Instant::now();
        let c = app.public_credential(id).await?;
        let a = t.elapsed();
        let t = Instant::now();
        let doc = app
            .status_list_document(slug, "revocation", c.record.status_list)
            .await?;
        let b = t.elapsed();
        let t = Instant::now();
        app.did_document(slug).await?;
        let d = t.elapsed();
        if c.record.recipient_user != Some(bench_seed::learner_id(i)) || doc.is_empty() {
            bail!("credential {id} is not what was seeded; the seeding is broken");
        }
        if j >= WARMUP {
            page.push(a);
            list.push(b);
            did.push(d);
        }
    }
    let sum: Vec<Duration> = (0..page.len())
        .map(|j| page[j] + list[j] + did[j])
        .collect();
    cases.push(timed("verify, cold: credential (public page read)", page));
    cases.push(timed("verify, cold: its status list document", list));
    cases.push(timed("verify, cold: issuer DID document", did));
    cases.push(timed("verify, cold: all three", sum));

    // The same lookups on a small set of ids, again and again: what caches give.
    let warm_ids: Vec<u64> = (0..WARM_SET).map(|_| rng.below(total)).collect();
    let mut warm = Vec::new();
    for j in 0..WARMUP + n {
        let (i, k) = nation.credential(warm_ids[(j % WARM_SET) as usize]);
        let id = bench_seed::credential_id(plan.credential_number(i, k));
        let slug = &nation.slugs[plan.issuer_of(k)];
        let t = Instant::now();
        let c = app.public_credential(id).await?;
        app.status_list_document(slug, "revocation", c.record.status_list)
            .await?;
        app.did_document(slug).await?;
        if j >= WARMUP {
            warm.push(t.elapsed());
        }
    }
    cases.push(timed(
        &format!("verify, warm ({WARM_SET} ids): all three"),
        warm,
    ));

    // A learner's wallet: every credential they hold.
    let mut wallet = Vec::new();
    for j in 0..WARMUP + n {
        let i = rng.below(plan.learners);
        let p = Principal {
            kind: PrincipalKind::User {
                user_id: bench_seed::learner_id(i),
            },
            is_operator: false,
            grants: Vec::new(),
        };
        let t = Instant::now();
        let held = app.my_credentials(&p).await?;
        let d = t.elapsed();
        if (held.len() as u64) < plan.per_learner {
            bail!(
                "learner {i} holds {} credentials; the seeding is broken",
                held.len()
            );
        }
        if j >= WARMUP {
            wallet.push(d);
        }
    }
    cases.push(timed(
        &format!("wallet: a learner's {} credentials", plan.per_learner),
        wallet,
    ));

    // An issuer's credentials page: the newest 50 and the count of all it issued.
    let few = (n / 20).max(5);
    let mut org_page = Vec::new();
    let mut count = Vec::new();
    let mut counted = 0;
    for j in 0..5 + few {
        let o = (j % ISSUERS.len() as u64) as usize;
        let t = Instant::now();
        let (rows, all) = app.credentials(&sys, &nation.slugs[o], 50, 0).await?;
        let d = t.elapsed();
        let t = Instant::now();
        let c = {
            let mut r = app.store.reader().await?;
            r.conn().count_credentials(plan.issuers[o]).await?
        };
        let e = t.elapsed();
        if rows.len() != 50 || c != all || c <= 0 {
            bail!(
                "issuer {o} lists {} of {all} credentials; the seeding is broken",
                rows.len()
            );
        }
        counted = counted.max(c);
        if j >= 5 {
            org_page.push(d);
            count.push(e);
        }
    }
    cases.push(timed(
        "issuer's credentials page: newest 50 + count",
        org_page,
    ));
    cases.push(timed("count an issuer's credentials", count));

    // Revoke one credential: set its state, rebuild and sign its status list, audit.
    let some = (n / 5).max(5);
    let mut revoke = Vec::new();
    let mut used = HashSet::new();
    while (revoke.len() as u64) < some {
        let c = rng.below(total);
        let (i, k) = nation.credential(c);
        if plan.revoked(i, k) || !used.insert(c) {
            continue;
        }
        let slug = &nation.slugs[plan.issuer_of(k)];
        let t = Instant::now();
        let r = app
            .set_credential_status(
                &sys,
                slug,
                bench_seed::credential_id(c),
                StatusAction::Revoke,
                Some("bench"),
            )
            .await;
        let d = t.elapsed();
        match r {
            Ok(_) => revoke.push(d),
            // Revoked by an earlier run on a reused database, or signing its list.
            Err(cairn_app::AppError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    cases.push(timed("revoke one credential (re-signs its list)", revoke));

    // Issue one credential to a seeded learner: allocate a status index in the issuer's
    // current list, sign, insert, re-evaluate stacks, audit.
    let mut issue = Vec::new();
    for j in 0..5 + some {
        let i = rng.below(plan.learners);
        let o = rng.below(ISSUERS.len() as u64) as usize;
        let achievement =
            plan.achievements[o][rng.below(plan.achievements[o].len() as u64) as usize].0;
        let t = Instant::now();
        let issued = app
            .issue_credential(
                &sys,
                &nation.slugs[o],
                IssueRequest {
                    achievement_id: achievement,
                    recipient: Recipient::Email(format!("learner{i}@bench.example")),
                    valid_until: None,
                    jwt: false,
                },
            )
            .await?;
        let d = t.elapsed();
        if issued.record.recipient_user != Some(bench_seed::learner_id(i)) {
            bail!("the issued credential is not linked to learner {i}");
        }
        if j >= 5 {
            issue.push(d);
        }
    }
    cases.push(timed("issue one credential (signed, stored)", issue));

    Ok(json!({
        "backend": app.store.backend().as_str(),
        "learners": plan.learners,
        "credentials": total,
        "per_learner": plan.per_learner,
        "issuers": ISSUERS.len(),
        "largest_issuer_credentials": counted,
        "reused": !fresh,
        "seed_seconds": seed_time.map(|t| t.as_secs_f64()),
        "settle_seconds": settle_time.as_secs_f64(),
        "status_lists_signed": lists_signed,
        "status_lists_seconds": lists_time.as_secs_f64(),
        "database_bytes": bytes,
        "warmup": WARMUP,
        "cases": cases,
    }))
}

fn print_table(r: &serde_json::Value) {
    let f = |v: &serde_json::Value| v.as_f64().map(|x| format!("{x:.0}")).unwrap_or_default();
    println!(
        "nation-scale hot paths on {} — {} learners, {} credentials ({} each, {} issuers; largest issuer {})",
        r["backend"].as_str().unwrap_or_default(),
        r["learners"],
        r["credentials"],
        r["per_learner"],
        r["issuers"],
        r["largest_issuer_credentials"],
    );
    match r["seed_seconds"].as_f64() {
        Some(s) => print!("seeding {s:.1} s, "),
        None => print!("reused (not seeded), "),
    }
    println!(
        "settling {:.1} s, {} status lists signed in {:.1} s, database {:.0} MiB",
        r["settle_seconds"].as_f64().unwrap_or_default(),
        r["status_lists_signed"],
        r["status_lists_seconds"].as_f64().unwrap_or_default(),
        r["database_bytes"].as_f64().unwrap_or_default() / 1048576.0
    );
    println!();
    println!(
        "{:<48} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "case (µs)", "n", "p50", "p95", "p99", "mean", "ops/s"
    );
    for c in r["cases"].as_array().into_iter().flatten() {
        println!(
            "{:<48} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9}",
            c["case"].as_str().unwrap_or_default(),
            c["iterations"],
            f(&c["p50_us"]),
            f(&c["p95_us"]),
            f(&c["p99_us"]),
            f(&c["mean_us"]),
            f(&c["ops_per_second"]),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuse_names_the_database_on_the_same_server() {
        assert_eq!(
            postgres_url("postgres://postgres@127.0.0.1:5432/test", "cairn_bench_1"),
            "postgres://postgres@127.0.0.1:5432/cairn_bench_1"
        );
        assert_eq!(
            postgres_url("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(postgres_url("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
