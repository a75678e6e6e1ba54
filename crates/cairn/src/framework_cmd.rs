//! `cairn framework …`: import, export and list competency frameworks (1EdTech CASE).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use cairn_app::frameworks::ImportError;
use cairn_core::Principal;
use clap::Subcommand;

use crate::config::{self, FileConfig};
use crate::{DbArgs, open};

#[derive(Subcommand)]
pub enum FrameworkCommand {
    /// Import a CASE 1.0 or 1.1 CFPackage (JSON), or with --builtin the Healthcare Workforce
    /// Versatility Framework shipped with Cairn. A package with any problem is rejected whole,
    /// with every problem listed.
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// The CFPackage JSON file; `-` reads standard input.
        #[arg(env = "CAIRN_FRAMEWORK_FILE", required_unless_present = "builtin")]
        file: Option<PathBuf>,
        /// Load the framework shipped with Cairn instead of a file.
        #[arg(long, env = "CAIRN_FRAMEWORK_BUILTIN", conflicts_with = "file")]
        builtin: bool,
        /// The owning organization's slug; without it the framework belongs to the installation.
        #[arg(long, env = "CAIRN_FRAMEWORK_ORG")]
        org: Option<String>,
    },
    /// Print a framework as a CASE CFPackage (JSON).
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// The framework's id (see `cairn framework list`).
        #[arg(env = "CAIRN_FRAMEWORK_ID")]
        id: String,
        /// Write to this file instead of standard output.
        #[arg(long, env = "CAIRN_FRAMEWORK_OUT")]
        out: Option<PathBuf>,
    },
    /// List frameworks: id, title, CASE identifier, competencies, owner.
    List(DbArgs),
}

pub async fn run(cmd: FrameworkCommand, file_config: &FileConfig) -> Result<ExitCode> {
    let sys = Principal::system();
    match cmd {
        FrameworkCommand::Import {
            db,
            file,
            builtin,
            org,
        } => {
            let app = open(&config::db_url(&db, file_config, "cairn.db")).await?;
            let result = match (&file, builtin) {
                (_, true) => app.import_builtin_framework(&sys, org.as_deref()).await,
                (Some(path), false) => {
                    let text = if path.as_os_str() == "-" {
                        std::io::read_to_string(std::io::stdin())
                            .context("reading the package from standard input")?
                    } else {
                        std::fs::read_to_string(path).with_context(|| {
                            format!(
                                "cannot read {}; give the path of a CASE CFPackage JSON file",
                                path.display()
                            )
                        })?
                    };
                    app.import_case(&sys, org.as_deref(), &text).await
                }
                (None, false) => bail!("give a CFPackage JSON file to import, or --builtin"),
            };
            match result {
                Ok(f) => println!(
                    "imported {} (CFDocument {}) as {}: {} competencies",
                    f.title, f.identifier, f.id, f.competencies
                ),
                Err(ImportError::Rejected(problems)) => {
                    eprintln!(
                        "error: the package was rejected with {} problem(s); nothing was imported. Fix these and import it again:",
                        problems.len()
                    );
                    for p in problems {
                        eprintln!("  {p}");
                    }
                    return Ok(ExitCode::FAILURE);
                }
                Err(ImportError::Other(e)) => return Err(e.into()),
            }
        }
        FrameworkCommand::Export { db, id, out } => {
            let id = cairn_app::frameworks::parse_framework_id(&id)?;
            let app = open(&config::db_url(&db, file_config, "cairn.db")).await?;
            let package = app.export_case(id).await?;
            let text = serde_json::to_string_pretty(&package)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, text + "\n")
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!("wrote {}", path.display());
                }
                None => println!("{text}"),
            }
        }
        FrameworkCommand::List(db) => {
            let app = open(&config::db_url(&db, file_config, "cairn.db")).await?;
            let orgs = app.orgs_visible_to(&sys).await?;
            for f in app.frameworks().await? {
                let owner = f
                    .org_id
                    .and_then(|o| orgs.iter().find(|x| x.id == o))
                    .map_or("(installation)", |o| o.slug.as_str());
                println!(
                    "{}\t{}\t{}\t{}\t{owner}",
                    f.id, f.title, f.identifier, f.competencies
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
