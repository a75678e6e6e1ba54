//! Bulk issuance under SIGKILL: thousands of awards are decided and wait in the outbox, a
//! `cairn serve` signs them in the background, and it is killed with SIGKILL at random
//! points and started again until it is done. Then the database must say: every award has
//! exactly one credential and every credential exactly one award, no learner holds the
//! achievement twice, no status-list index is used twice, the credentials verify, and the
//! audit chain is unbroken with one `credential.issue` and one `award.issue` per award.
//!
//! How the issue's "20 trials" is read here: one bulk issuance, killed 20 times. The kill
//! points are drawn from a seeded generator (printed; `CAIRN_CRASH_SEED` replays one) as
//! 20 numbers of credentials to wait for, so each kill lands at a different point of the
//! same run, plus a random few milliseconds so it falls anywhere inside a signing
//! transaction. Each restart finds what the last one left.
//!
//! The issue asks for 10,000 awards: that is the count on SQLite. On PostgreSQL each
//! signing waits for its WAL flush, and 10,000 took about eleven minutes of a debug build on
//! a busy two-core machine — more than the rest of CI together — so its default is 2,000,
//! the same 20 kills over a shorter run. `CAIRN_CRASH_AWARDS` sets the count for both
//! (`CAIRN_CRASH_AWARDS=10000` for the full run on PostgreSQL).
//!
//! Runs on SQLite, and on PostgreSQL when `CAIRN_TEST_POSTGRES_URL` is set.

use std::collections::{HashMap, HashSet};
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cairn_app::credentials::NewAchievement;
use cairn_app::modules::ProgressUpdate;
use cairn_app::{App, AppConfig};
use cairn_core::catalog::{LessonPage, ModuleContent, ModuleFormat};
use cairn_core::criteria::Criteria;
use cairn_core::rng::SeededRng;
use cairn_core::{AchievementKind, AchievementSpec, OrgKind, Principal, PrincipalKind};
use cairn_store::testing::TestDb;
use uuid::Uuid;

/// The address every server run names itself by, so credentials signed by different runs
/// (each on a new port) name one issuer, and the checking App finds its documents.
pub(crate) const PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// The master key of `AppConfig::for_tests`, given to the servers as well.
pub(crate) fn master_key() -> String {
    cairn_app::keys::MasterKey::from_bytes([7; 32]).encode()
}

/// A `cairn serve` child; killed (SIGKILL) when dropped, so a failed assertion leaves no
/// server behind. Its log (warnings and errors) is appended to `log`.
pub(crate) struct Server {
    pub(crate) child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub(crate) fn sigkill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Start `cairn serve` on the database, signing awards in the background only.
pub(crate) fn serve(db: &str, log: &Path, extra: &[&str]) -> Server {
    let key = master_key();
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["serve", "--db", db, "--bind", "127.0.0.1:0"])
        .args(["--public-url", PUBLIC_URL, "--master-key", &key])
        .args(["--award-signing", "worker"])
        .args(extra)
        // The workers report at info what they did (see `logged`).
        .env("RUST_LOG", "warn,cairn_app=info")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("serving on http://127.0.0.1:"), "{line}");
    Server { child }
}

/// What the servers logged at WARN or ERROR: nothing is expected.
pub(crate) fn complaints(log: &Path) -> Vec<String> {
    plain_log(log)
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR") || l.contains("panicked"))
        .map(str::to_owned)
        .collect()
}

/// The log as plain text: the server colours its log even into a file.
fn plain_log(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // An escape sequence: ESC [ parameters, ending in a letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The sum of `field=N` over the log's lines that carry `message`.
pub(crate) fn logged(log: &Path, message: &str, field: &str) -> usize {
    let key = format!("{field}=");
    plain_log(log)
        .lines()
        .filter(|l| l.contains(message))
        .filter_map(|l| l.split_once(&key))
        .filter_map(|(_, rest)| rest.split_whitespace().next()?.parse::<usize>().ok())
        .sum()
}

pub(crate) struct World {
    pub(crate) org_id: Uuid,
    pub(crate) badge: Uuid,
    /// A micro-credential stacked on the badge alone, when asked for.
    pub(crate) stack: Option<Uuid>,
    pub(crate) learners: Vec<Uuid>,
}

pub(crate) const SLUG: &str = "bulk";

/// An issuer with a one-page module, a badge for completing it (and, with `stacked`, a
/// micro-credential for holding the badge), and `n` learners who completed the module
/// with an App that leaves signing to the worker: `n` pending awards.
pub(crate) async fn decided_awards(app: &App, n: usize, stacked: bool) -> World {
    let sys = Principal::system();
    let org = app
        .create_org(
            &sys,
            cairn_app::orgs::NewOrg {
                slug: Some(SLUG.into()),
                name: "Bulk Council".into(),
                kinds: vec![OrgKind::Provider, OrgKind::Issuer],
            },
        )
        .await
        .unwrap();
    let draft = app
        .create_module(
            &sys,
            SLUG,
            ModuleContent {
                title: "Hand hygiene".into(),
                summary: "The five moments.".into(),
                objectives: vec!["Name the five moments".into()],
                duration_minutes: 5,
                language: "en".into(),
                format: ModuleFormat::Lesson,
                url: None,
                activity_iri: None,
                alignments: vec![],
                tags: vec![],
                pages: vec![LessonPage {
                    title: "Moments".into(),
                    markdown: "Before touching a patient.".into(),
                }],
                questions: vec![],
            },
        )
        .await
        .unwrap();
    let version = app.publish_module(&sys, draft.module_id).await.unwrap();
    let badge = app
        .create_achievement(
            &sys,
            SLUG,
            NewAchievement {
                kind: AchievementKind::Badge,
                name: "Hand hygiene".into(),
                description: "Knows the five moments.".into(),
                criteria: "Complete the module.".into(),
                spec: AchievementSpec {
                    rule: Some(Criteria::CompletedModule {
                        module_id: version.module_id,
                        min_version: None,
                    }),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
    let stack = if stacked {
        use cairn_core::stacks::{RevocationPolicy, StackRule, StackSpec};
        let micro = app
            .create_achievement(
                &sys,
                SLUG,
                NewAchievement {
                    kind: AchievementKind::MicroCredential,
                    name: "Infection prevention".into(),
                    description: "Holds the hand hygiene badge.".into(),
                    criteria: "Hold the badge.".into(),
                    spec: AchievementSpec {
                        stack: Some(StackSpec {
                            rule: StackRule::AllOf {
                                of: vec![StackRule::Holds {
                                    achievement_id: badge.id,
                                }],
                            },
                            prerequisites: vec![],
                            on_revocation: RevocationPolicy::default(),
                        }),
                        ..Default::default()
                    },
                },
            )
            .await
            .unwrap();
        Some(micro.id)
    } else {
        None
    };
    let mut learners = Vec::with_capacity(n);
    for i in 0..n {
        let learner = app
            .create_user(
                &sys,
                cairn_app::accounts::NewUser {
                    display_name: format!("Learner {i}"),
                    email: format!("learner{i}@bulk.example"),
                    password: None,
                    is_operator: false,
                },
            )
            .await
            .unwrap();
        let as_learner = Principal {
            kind: PrincipalKind::User {
                user_id: learner.id,
            },
            is_operator: false,
            grants: vec![],
        };
        app.save_progress(
            &as_learner,
            version.id,
            ProgressUpdate {
                page_reached: Some(1),
                answers: None,
            },
        )
        .await
        .unwrap();
        learners.push(learner.id);
    }
    World {
        org_id: org.id,
        badge: badge.id,
        stack,
        learners,
    }
}

/// How many credentials the issuer holds (each one committed with its award).
pub(crate) async fn issued(app: &App) -> i64 {
    let (_, total) = app
        .credentials(&Principal::system(), SLUG, 1, 0)
        .await
        .unwrap();
    total
}

/// The database after the work: each award of `achievement` issued once with a credential
/// of its own for its learner, each of the issuer's credentials some award's, every status
/// index used once, a sample of credentials verified, and the audit chain whole with one
/// `credential.issue` and `award.issue` per award. Returns the number of awards.
pub(crate) async fn check_exactly_once(
    app: &App,
    world: &World,
    achievements: &[Uuid],
    rng: &mut SeededRng,
) -> usize {
    let sys = Principal::system();
    let (awards, credentials) = {
        let mut r = app.store.reader().await.unwrap();
        let awards = r
            .conn()
            .awards_of_org(world.org_id, None, i64::MAX)
            .await
            .unwrap();
        let credentials = r
            .conn()
            .credentials_of_org(world.org_id, i64::MAX, 0)
            .await
            .unwrap();
        (awards, credentials)
    };
    let learners: HashSet<Uuid> = world.learners.iter().copied().collect();
    let expected = learners.len() * achievements.len();
    assert_eq!(
        awards.len(),
        expected,
        "one award per learner and achievement"
    );
    assert_eq!(
        credentials.len(),
        expected,
        "one credential per award, none left over from an interrupted signing"
    );

    let by_id: HashMap<Uuid, _> = credentials.iter().map(|c| (c.id, c)).collect();
    let mut credential_of_award = HashSet::new();
    let mut held = HashSet::new();
    for a in &awards {
        assert!(
            a.state == "issued" && a.active,
            "award {} is {} (active: {}), error {:?}",
            a.id,
            a.state,
            a.active,
            a.last_error
        );
        assert_eq!(
            a.tries, 1,
            "award {} was tried {} times: a signing failed ({:?})",
            a.id, a.tries, a.last_error
        );
        let cid = a
            .credential_id
            .unwrap_or_else(|| panic!("issued award {} names no credential", a.id));
        assert!(
            credential_of_award.insert(cid),
            "credential {cid} is named by two awards"
        );
        let c = by_id
            .get(&cid)
            .unwrap_or_else(|| panic!("award {} names a credential that is not there", a.id));
        assert_eq!(c.recipient_user, Some(a.learner_id), "the award's learner");
        assert_eq!(
            c.achievement_id,
            Some(a.achievement_id),
            "the award's achievement"
        );
        assert!(learners.contains(&a.learner_id));
        assert!(achievements.contains(&a.achievement_id));
        assert!(
            held.insert((a.learner_id, a.achievement_id)),
            "learner {} was awarded the achievement twice",
            a.learner_id
        );
    }
    let mut indexes = HashSet::new();
    for c in &credentials {
        assert!(
            indexes.insert((c.status_list, c.status_index)),
            "status index {}/{} used twice",
            c.status_list,
            c.status_index
        );
    }

    // Verifying is a JSON-LD canonicalisation each: a seeded sample, plus the first and
    // last signed.
    let mut sample: Vec<Uuid> = (0..24)
        .map(|_| credentials[rng.below(credentials.len() as u64) as usize].id)
        .collect();
    sample.extend(credentials.first().map(|c| c.id));
    sample.extend(credentials.last().map(|c| c.id));
    for id in sample {
        let document = app.public_credential(id).await.unwrap().document;
        let report = app.verify_value(document).await.unwrap();
        assert!(
            report.verified,
            "credential {id} does not verify: {:?}",
            report.errors()
        );
    }

    let check = app.verify_audit_chain().await.unwrap();
    assert!(check.broken.is_none(), "the audit chain: {check:?}");
    let mut count: HashMap<String, usize> = HashMap::new();
    let mut after = 0;
    loop {
        let (events, next) = app.audit_log(&sys, SLUG, after, 500).await.unwrap();
        for e in events {
            *count.entry(e.entry.action.clone()).or_default() += 1;
        }
        match next {
            Some(n) => after = n,
            None => break,
        }
    }
    for action in ["award.decide", "credential.issue", "award.issue"] {
        assert_eq!(
            count.get(action).copied().unwrap_or(0),
            expected,
            "one {action} audit event per award: {count:?}"
        );
    }
    expected
}

fn awards_wanted(default: usize) -> usize {
    std::env::var("CAIRN_CRASH_AWARDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed() -> u64 {
    std::env::var("CAIRN_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
}

const KILLS: usize = 20;

fn bulk_issuance_survives_sigkill(db_url: &str, default_awards: usize) {
    let n = awards_wanted(default_awards);
    let seed = seed();
    eprintln!("bulk issuance of {n} awards, {KILLS} kills; seed {seed} (CAIRN_CRASH_SEED)");
    let mut rng = SeededRng::new(seed);
    let dir = tempfile::tempdir().unwrap();
    let log: PathBuf = dir.path().join("serve.log");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let started = Instant::now();
    let mut cfg = AppConfig::for_tests();
    cfg.sign_awards_inline = false;
    let app = rt.block_on(App::open(db_url, cfg)).unwrap();
    let world = rt.block_on(decided_awards(&app, n, false));
    eprintln!("{n} awards decided in {:?}", started.elapsed());

    let started = Instant::now();
    let mut points: Vec<i64> = (0..KILLS)
        .map(|_| 1 + rng.below(n.max(2) as u64 - 1) as i64)
        .collect();
    points.sort_unstable();
    for (trial, point) in points.into_iter().enumerate() {
        let server = serve(db_url, &log, &[]);
        // At least one credential signed by this run, so no kill falls before the work
        // resumed, even when the last run went past this point already.
        let point = point.max(rt.block_on(issued(&app)) + 1).min(n as i64);
        let deadline = Instant::now() + Duration::from_secs(600);
        while rt.block_on(issued(&app)) < point {
            assert!(Instant::now() < deadline, "no progress towards {point}");
            std::thread::sleep(Duration::from_millis(5));
        }
        let extra = rng.below(40);
        std::thread::sleep(Duration::from_millis(extra));
        server.sigkill();
        eprintln!(
            "kill {}: after {point} credentials + {extra} ms; {} stored",
            trial + 1,
            rt.block_on(issued(&app))
        );
    }

    // The last start finishes the work.
    let server = serve(db_url, &log, &[]);
    let deadline = Instant::now() + Duration::from_secs(1800);
    loop {
        let pending = rt.block_on(async {
            let mut r = app.store.reader().await.unwrap();
            r.conn().pending_award_ids(1).await.unwrap().len()
        });
        if pending == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "awards still pending");
        std::thread::sleep(Duration::from_millis(50));
    }
    server.sigkill();
    eprintln!(
        "{n} awards signed across {KILLS} kills in {:?}",
        started.elapsed()
    );

    let started = Instant::now();
    let checked = rt.block_on(check_exactly_once(&app, &world, &[world.badge], &mut rng));
    assert_eq!(checked, n);
    eprintln!("checked in {:?}", started.elapsed());
    let complaints = complaints(&log);
    assert!(
        complaints.is_empty(),
        "the servers complained: {complaints:#?}"
    );
    rt.block_on(app.store.close());
}

#[test]
fn bulk_issuance_killed_twenty_times_issues_each_award_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cairn.db");
    bulk_issuance_survives_sigkill(db.to_str().unwrap(), 10_000);
}

#[test]
fn bulk_issuance_killed_twenty_times_issues_each_award_once_on_postgres() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(db) = rt.block_on(TestDb::postgres()) else {
        return;
    };
    bulk_issuance_survives_sigkill(&db.url, 2_000);
    drop(db);
}
