//! The `cairn` command: one binary to serve Cairn, run the demo, and administer it.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod backup;
mod bench;
mod config;
mod credentials;
mod framework_cmd;
mod icd11_cmd;
mod loopback;

use std::io::Read;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, Result};
use cairn_app::accounts::NewUser;
use cairn_app::orgs::{NewMember, NewOrg};
use cairn_app::{App, AppConfig};
use cairn_core::{OrgKind, Principal, Role};
use cairn_server::{AppState, ServerConfig};
use clap::{Args, Parser, Subcommand};

use config::{FileConfig, Settings};

/// See decision 0028: batch ingest and verification spend much of their time allocating
/// and freeing small JSON values, which mimalloc does in a fraction of glibc's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cairn",
    version,
    about = "Stackable, verifiable micro-credentials for the healthcare workforce"
)]
struct Cli {
    /// Configuration file; flags and CAIRN_* environment variables take precedence over it.
    #[arg(
        long,
        global = true,
        env = "CAIRN_CONFIG",
        default_value = "cairn.toml"
    )]
    config: String,
    /// Log as JSON lines (for log collectors) instead of text.
    #[arg(long, global = true, env = "CAIRN_LOG_JSON")]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct DbArgs {
    /// Database: a SQLite file path (default ./cairn.db) or postgres://USER@HOST/DB.
    #[arg(long, env = "CAIRN_DB")]
    db: Option<String>,
}

#[derive(Args, Clone, Default)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "CAIRN_BIND")]
    bind: Option<String>,
    /// The address people use to reach this server, e.g. https://cairn.example.org. An
    /// https address turns on Secure cookies and HSTS.
    #[arg(long, env = "CAIRN_PUBLIC_URL")]
    public_url: Option<String>,
    /// File holding the master key that seals issuers' signing keys (see `cairn master-key`).
    /// With SQLite it defaults to a file beside the database, created on first start.
    #[arg(long, env = "CAIRN_MASTER_KEY_FILE")]
    master_key_file: Option<String>,
    /// The master key itself (URL-safe base64), for deployments that pass secrets in the environment.
    #[arg(long = "master-key", env = "CAIRN_MASTER_KEY", hide_env_values = true)]
    master_key: Option<String>,
    /// Where awards' credentials are signed: `inline`, in the request that earned them (the
    /// worker catches up on anything left), or `worker`, only in the background, which keeps
    /// requests short when many awards fall due at once. Default: inline.
    #[arg(long, env = "CAIRN_AWARD_SIGNING", value_enum)]
    award_signing: Option<AwardSigning>,
    /// Seconds between passes of the award worker, which also runs at start. Default: 30.
    #[arg(long, env = "CAIRN_AWARD_WORKER_SECONDS")]
    award_worker_seconds: Option<u64>,
    /// Mail relay that notifications are e-mailed through, as smtp://HOST:PORT (port 25 if
    /// left out). Plain SMTP without AUTH or TLS: a relay inside your network. Unset,
    /// notifications are shown in Cairn only.
    #[arg(long, env = "CAIRN_SMTP_URL")]
    smtp_url: Option<String>,
    /// The address notification e-mails come from, e.g. cairn@hospital.example; needed
    /// with --smtp-url.
    #[arg(long, env = "CAIRN_SMTP_FROM")]
    smtp_from: Option<String>,
    /// The issuing organization (its slug) that signs what the platform assembles itself,
    /// such as learners' CLR transcripts. The demo uses its workforce council.
    #[arg(long, env = "CAIRN_PLATFORM_ISSUER")]
    platform_issuer: Option<String>,
    /// Public verifications (VC API and the verify page) one client address may ask for
    /// per minute on this server; 0 turns the limit off (e.g. behind a proxy that limits,
    /// or for load tests). Default: 600.
    #[arg(long, env = "CAIRN_VERIFICATIONS_PER_MINUTE")]
    verifications_per_minute: Option<u32>,
    /// Failed sign-in attempts one client address may make in five minutes (successful
    /// ones are given back). Default: 30.
    #[arg(long, env = "CAIRN_SIGN_IN_ATTEMPTS")]
    sign_in_attempts: Option<u32>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum AwardSigning {
    Inline,
    Worker,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Cairn over HTTP, migrating the database first.
    Serve(ServeArgs),
    /// Seed a demo world (once) into ./cairn-demo.db and serve it on http://127.0.0.1:8080.
    Demo(ServeArgs),
    /// Bring the database schema up to date and exit.
    Migrate(DbArgs),
    /// Copy a SQLite database to a new file while servers keep using it.
    Backup(backup::BackupArgs),
    /// Put a backup in place as the SQLite database and bring its schema up to date.
    Restore(backup::RestoreArgs),
    /// Manage people.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage organizations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Work with the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Print the OpenAPI document of the HTTP API.
    Openapi,
    /// Print a new random master key (for CAIRN_MASTER_KEY or --master-key-file).
    MasterKey,
    /// Verify a credential (JSON, vc+jwt, or a baked PNG/SVG); exit 0 valid, 1 invalid, 2 bad input.
    Verify(credentials::VerifyArgs),
    /// Generate an Ed25519 signing key (did:key) as a Multikey JSON key file.
    Keygen(credentials::KeygenArgs),
    /// Sign an Open Badges 3.0 credential with eddsa-rdfc-2022; prints the signed credential.
    Sign(credentials::SignArgs),
    /// Import, export and list competency frameworks (1EdTech CASE).
    #[command(subcommand)]
    Framework(framework_cmd::FrameworkCommand),
    /// Load the ICD-11 classification.
    #[command(subcommand)]
    Icd11(icd11_cmd::Icd11Command),
    /// Measure Cairn over a bulk-seeded database (see BENCHMARKS.md).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a person, optionally adding them to an organization with a role.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, env = "CAIRN_USER_EMAIL")]
        email: String,
        #[arg(long, env = "CAIRN_USER_NAME")]
        name: String,
        /// Read the password from standard input (first line), so it stays out of shell history.
        #[arg(long, env = "CAIRN_PASSWORD_STDIN")]
        password_stdin: bool,
        /// May create organizations and see all of them.
        #[arg(long, env = "CAIRN_USER_OPERATOR")]
        operator: bool,
        /// Organization slug to join.
        #[arg(long, env = "CAIRN_USER_ORG", requires = "role")]
        org: Option<String>,
        /// Role in that organization: admin, manager, author, assessor, reviewer or learner.
        #[arg(long, env = "CAIRN_USER_ROLE", requires = "org", value_parser = parse_role)]
        role: Option<Role>,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organization.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, env = "CAIRN_ORG_NAME")]
        name: String,
        /// URL handle; derived from the name when absent.
        #[arg(long, env = "CAIRN_ORG_SLUG")]
        slug: Option<String>,
        /// What it is (repeat or comma-separate): employer, provider, accreditor, issuer.
        #[arg(long = "kind", env = "CAIRN_ORG_KINDS", value_delimiter = ',', value_parser = parse_kind)]
        kinds: Vec<OrgKind>,
    },
    /// List organizations.
    List(DbArgs),
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token acting with one role in an organization; prints only the secret.
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// Organization slug.
        #[arg(long, env = "CAIRN_TOKEN_ORG")]
        org: String,
        #[arg(long, env = "CAIRN_TOKEN_ROLE", value_parser = parse_role)]
        role: Role,
        /// What the token is for, e.g. "HR system sync".
        #[arg(long, env = "CAIRN_TOKEN_NAME")]
        name: String,
        /// Days until it expires; none for no expiry.
        #[arg(long, env = "CAIRN_TOKEN_EXPIRES_IN_DAYS")]
        expires_in_days: Option<u32>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the audit log's hash chain; exits 1 and names the first broken event if any.
    Verify(DbArgs),
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        format!(
            "'{s}' is not a role; use one of: admin, manager, author, assessor, reviewer, learner"
        )
    })
}

fn parse_kind(s: &str) -> Result<OrgKind, String> {
    OrgKind::parse(s.trim()).ok_or_else(|| {
        format!("'{s}' is not an organization kind; use employer, provider, accreditor or issuer")
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_json);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    // Commands that need no installation run before the configuration file is read, so a
    // broken cairn.toml cannot change what they answer.
    let command = match cli.command {
        Command::Verify(args) => return Ok(credentials::verify(args)),
        Command::Keygen(args) => return Ok(credentials::keygen(args)),
        Command::Sign(args) => return Ok(credentials::sign(args)),
        other => other,
    };
    let file = FileConfig::load(&cli.config)?;
    match command {
        Command::Serve(args) => {
            let s = Settings::resolve(&args, &file, "cairn.db");
            serve(s, false).await?;
        }
        Command::Demo(args) => {
            let s = Settings::resolve(&args, &file, "cairn-demo.db");
            serve(s, true).await?;
        }
        Command::Migrate(db) => {
            let url = config::db_url(&db, &file, "cairn.db");
            open(&url).await?;
            println!("database {} is up to date", cairn_store::redact(&url));
        }
        Command::User(UserCommand::Add {
            db,
            email,
            name,
            password_stdin,
            operator,
            org,
            role,
        }) => {
            let app = open(&config::db_url(&db, &file, "cairn.db")).await?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_to_string(&mut line)
                    .context("reading the password from standard input")?;
                Some(line.lines().next().unwrap_or_default().to_owned())
            } else {
                None
            };
            let sys = Principal::system();
            let user = app
                .create_user(
                    &sys,
                    NewUser {
                        display_name: name,
                        email: email.clone(),
                        password,
                        is_operator: operator,
                    },
                )
                .await?;
            if let (Some(org), Some(role)) = (org, role) {
                app.add_member(
                    &sys,
                    &org,
                    NewMember {
                        email,
                        display_name: None,
                        role,
                        job_title: None,
                    },
                )
                .await?;
                println!(
                    "created {} ({}) as {role} of {org}",
                    user.display_name, user.id
                );
            } else {
                println!("created {} ({})", user.display_name, user.id);
            }
        }
        Command::Org(OrgCommand::Add {
            db,
            name,
            slug,
            kinds,
        }) => {
            let app = open(&config::db_url(&db, &file, "cairn.db")).await?;
            let org = app
                .create_org(&Principal::system(), NewOrg { slug, name, kinds })
                .await?;
            println!("created organization {} ({})", org.name, org.slug);
        }
        Command::Org(OrgCommand::List(db)) => {
            let app = open(&config::db_url(&db, &file, "cairn.db")).await?;
            for o in app.orgs_visible_to(&Principal::system()).await? {
                let kinds: Vec<_> = o.kinds.iter().map(|k| k.as_str()).collect();
                println!("{}\t{}\t{}", o.slug, o.name, kinds.join(","));
            }
        }
        Command::Token(TokenCommand::Create {
            db,
            org,
            role,
            name,
            expires_in_days,
        }) => {
            let app = open(&config::db_url(&db, &file, "cairn.db")).await?;
            let created = app
                .create_token(
                    &Principal::system(),
                    &org,
                    cairn_app::orgs::NewToken {
                        name,
                        role,
                        expires_in_days,
                    },
                )
                .await?;
            eprintln!(
                "created token {} ({role} in {org}); store the secret now, it is not shown again:",
                created.token.id
            );
            println!("{}", created.secret);
        }
        Command::Audit(AuditCommand::Verify(db)) => {
            let app = open(&config::db_url(&db, &file, "cairn.db")).await?;
            let check = app.verify_audit_chain().await?;
            match check.broken {
                None => println!("audit log intact: {} events", check.events),
                Some(b) => {
                    eprintln!("audit log BROKEN: {b}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        Command::Backup(args) => return backup::backup(args, &file).await,
        Command::Restore(args) => return backup::restore(args, &file).await,
        Command::Icd11(c) => return icd11_cmd::run(c, &file).await,
        Command::Framework(c) => return framework_cmd::run(c, &file).await,
        Command::Bench(c) => return bench::run(c).await,
        Command::MasterKey => {
            println!("{}", cairn_app::keys::MasterKey::generate()?.encode());
        }
        Command::Openapi => {
            println!("{}", cairn_server::openapi().to_pretty_json()?);
        }
        Command::Verify(_) | Command::Keygen(_) | Command::Sign(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

async fn open(url: &str) -> Result<App> {
    App::open(url, AppConfig::default())
        .await
        .with_context(|| format!("opening database {}", cairn_store::redact(url)))
}

async fn serve(s: Settings, demo: bool) -> Result<()> {
    // Checked before anything starts, so a mistyped relay stops the server at once.
    let smtp = config::smtp(&s)?;
    let addr: SocketAddr = s.bind.parse().with_context(|| {
        format!(
            "'{}' is not an address to listen on; use HOST:PORT such as 127.0.0.1:8080",
            s.bind
        )
    })?;
    // Listen first: the public URL defaults to the address actually bound (port 0 picks one).
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (is another program using it?)"))?;
    let local = listener.local_addr()?;
    let public_url = s
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"))
        .trim_end_matches('/')
        .to_owned();
    let master_key = config::master_key(&s, demo)?;
    if master_key.is_none() {
        tracing::warn!(
            "no master key configured: this server verifies credentials but cannot issue them"
        );
    }
    let config = AppConfig {
        public_url: public_url.clone(),
        master_key,
        sign_awards_inline: s.sign_awards_inline,
        verifications_per_minute: s.verifications_per_minute,
        sign_in_attempts_per_window: s.sign_in_attempts,
        smtp,
        platform_issuer: s
            .platform_issuer
            .clone()
            .or_else(|| demo.then(|| cairn_app::demo::PLATFORM_ISSUER_SLUG.to_owned())),
        ..AppConfig::default()
    };
    let app = App::open(&s.db, config)
        .await
        .with_context(|| format!("opening database {}", cairn_store::redact(&s.db)))?;
    if demo {
        match app.seed_demo().await? {
            cairn_app::demo::Seeded::Created {
                organizations,
                people,
                credentials,
            } => {
                tracing::info!(organizations, people, credentials, "seeded the demo world");
            }
            cairn_app::demo::Seeded::AlreadyThere => {
                tracing::info!("reusing the demo world already in the database")
            }
        }
    }
    // Long operations a stopped server left running are marked interrupted, with what
    // they applied, so the people who started them can see it and start the rest again.
    match app.interrupt_abandoned_jobs().await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            jobs = n,
            "marked jobs left running by a stopped server as interrupted"
        ),
        Err(e) => {
            tracing::warn!(error = %e, "could not look for jobs a stopped server left running")
        }
    }
    // Awards decided but not yet signed (a crash, a missing key at the time) are signed
    // now and whenever the worker wakes.
    let worker = app.spawn_award_worker(std::time::Duration::from_secs(s.award_worker_seconds));
    // Notification e-mails left pending (relay down, a crash) go out when it wakes.
    let mailer = app.spawn_notification_worker(std::time::Duration::from_secs(30));
    let shutdown = shutdown_signal();
    let secure = public_url.starts_with("https://");
    let state = AppState::new(
        app.clone(),
        ServerConfig {
            secure_cookies: secure,
        },
    );
    let router = cairn_server::router(state);
    if demo {
        print_demo_banner(&public_url);
    } else {
        println!(
            "Cairn is serving on {public_url} (database: {})",
            cairn_store::redact(&s.db)
        );
    }
    tracing::info!(%local, backend = app.store.backend().as_str(), "listening");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("serving HTTP")?;
    worker.abort();
    mailer.abort();
    app.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn print_demo_banner(url: &str) {
    println!();
    println!("  Cairn demo is running on {url}");
    println!();
    println!(
        "  Sign in as any of these people (password: {}):",
        cairn_app::demo::DEMO_PASSWORD
    );
    for p in cairn_app::demo::PERSONAS {
        println!("    {:<18} {:<38} {}", p.persona, p.email, p.wants);
    }
    println!();
    println!("  API description: {url}/api/openapi.json    Stop with Ctrl-C.");
    println!();
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called, not
/// when the future is first polled: a SIGTERM that arrives as soon as the server says it
/// is serving must already find them, or it would kill the process outright.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        match signals {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {},
                    _ = term.recv() => {},
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "cannot listen for SIGINT/SIGTERM; stop the server by killing it");
                std::future::pending::<()>().await;
            }
        }
        #[cfg(not(unix))]
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}
