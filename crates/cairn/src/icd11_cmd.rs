//! `cairn icd11 …`: load WHO's ICD-11 classification.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use cairn_core::Principal;
use clap::Subcommand;

use crate::config::{self, FileConfig};
use crate::{DbArgs, open};

#[derive(Subcommand)]
pub enum Icd11Command {
    /// Load WHO's ICD-11 MMS simple tabulation (simple-tab-icd11-mms.zip or
    /// SimpleTabulation-ICD-11-MMS-en.txt), replacing the loaded release in one transaction.
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// The zip or the .txt as WHO publishes it.
        #[arg(env = "CAIRN_ICD11_FILE")]
        file: PathBuf,
    },
}

pub async fn run(cmd: Icd11Command, file_config: &FileConfig) -> Result<ExitCode> {
    match cmd {
        Icd11Command::Import { db, file } => {
            let bytes = std::fs::read(&file).with_context(|| {
                format!(
                    "cannot read {}; give the path of WHO's simple-tab-icd11-mms.zip or its .txt",
                    file.display()
                )
            })?;
            let app = open(&config::db_url(&db, file_config, "cairn.db")).await?;
            let source = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string());
            let started = Instant::now();
            let s = app
                .import_icd11(&Principal::system(), &bytes, &source)
                .await
                .with_context(|| format!("importing {}", file.display()))?;
            println!(
                "imported ICD-11 MMS {}: {} chapters, {} blocks, {} categories ({} of them extension codes) in {:.1}s",
                s.version,
                s.chapters,
                s.blocks,
                s.categories,
                s.extension_codes,
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
