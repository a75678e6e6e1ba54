//! Long operations: worker and assignment CSV imports, bulk awards and ICD-11 imports run
//! after the request that started them, so a person can leave and come back.
//!
//! The input is checked whole before a job exists: a file with problems starts nothing and
//! says all that is wrong, as before. A job then applies its rows in chunks; each chunk is
//! one transaction that also records the job's progress and what it applied, so progress
//! is durable, the same from every server, and true after a crash: a job a stopped server
//! left running is marked interrupted with what was and was not applied. On SQLite, with
//! its one writer, progress is never written beside an open chunk's transaction.
//!
//! An ICD-11 release is replaced in one transaction (half a classification is worse than
//! the old one), so that job goes from nothing to everything when it commits.

use std::collections::HashSet;

use cairn_core::authz::Action;
use cairn_core::validate;
use cairn_core::{Achievement, OrgKind, Organization, Principal, PrincipalKind, Role};
use cairn_store::{Backend, JobRow, NewJobRow, Tx};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::assignments::{AssignmentLine, WorkerLine};
use crate::credentials::{IssueRequest, Recipient};
use crate::csv_import::{CsvImportError, ImportSummary, MAX_CSV_BYTES, MAX_CSV_ROWS, RowProblem};
use crate::icd11::{Tabulation, check_icd11_import};
use crate::{App, AppError, Result, audit_entry, now, require};

/// Rows applied per transaction: small enough that the one SQLite writer is never held
/// long and progress moves often, large enough that commits do not dominate.
pub const CHUNK_ROWS: usize = 200;
/// How many of a person's jobs their list shows.
pub const LISTED_JOBS: i64 = 50;
/// On PostgreSQL, where several servers share the jobs, an unfinished job that has not
/// moved for this long was left by a server that stopped.
pub const STALE_AFTER: time::Duration = time::Duration::minutes(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    WorkersImport,
    AssignmentsImport,
    BulkAward,
    Icd11Import,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::WorkersImport => "workers.import",
            JobKind::AssignmentsImport => "assignments.import",
            JobKind::BulkAward => "credentials.bulk_award",
            JobKind::Icd11Import => "icd11.import",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            JobKind::WorkersImport,
            JobKind::AssignmentsImport,
            JobKind::BulkAward,
            JobKind::Icd11Import,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Interrupted,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            JobState::Queued,
            JobState::Running,
            JobState::Succeeded,
            JobState::Failed,
            JobState::Interrupted,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Whether the job will not move any more.
    pub fn is_finished(self) -> bool {
        !matches!(self, JobState::Queued | JobState::Running)
    }
}

/// A job as its starter and the organization's admins see it.
#[derive(Debug, Clone)]
pub struct JobView {
    pub id: Uuid,
    pub kind: JobKind,
    pub state: JobState,
    pub org_slug: Option<String>,
    pub org_name: Option<String>,
    pub label: String,
    pub total: i64,
    pub done: i64,
    /// What has been applied so far; its fields depend on the kind.
    pub result: Value,
    pub error: Option<String>,
    pub created_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

fn view(r: JobRow) -> Result<JobView> {
    let corrupt = |what: &str| AppError::Internal(format!("job {} has {what}", r.id));
    Ok(JobView {
        id: r.id,
        kind: JobKind::parse(&r.kind).ok_or_else(|| corrupt("an unknown kind"))?,
        state: JobState::parse(&r.state).ok_or_else(|| corrupt("an unknown state"))?,
        result: serde_json::from_str(&r.result).unwrap_or_else(|_| json!({})),
        org_slug: r.org_slug,
        org_name: r.org_name,
        label: r.label,
        total: r.total,
        done: r.done,
        error: r.error,
        created_at: r.created_at,
        finished_at: r.finished_at,
    })
}

/// Whether `by` may see the job: whoever started it, the organization's admins, and for
/// platform jobs the operators.
fn may_see(by: &Principal, r: &JobRow) -> bool {
    if by.kind == PrincipalKind::System {
        return true;
    }
    if by.user_id().is_some() && by.user_id() == r.started_by {
        return true;
    }
    match r.org_id {
        Some(org) => by
            .grants
            .iter()
            .any(|(o, role)| *o == org && *role == Role::Admin),
        None => by.is_operator,
    }
}

/// What a bulk award did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BulkAwardSummary {
    /// Addresses read (each counted once).
    pub addresses: usize,
    pub issued: usize,
    /// Learners who already held a valid credential for the achievement.
    pub already_held: usize,
    /// Addresses no Cairn account has: nothing was issued to them.
    pub unknown: Vec<String>,
    /// Addresses given more than once (issued to once).
    pub repeated: usize,
}

/// The work a job does, with what it has applied so far.
enum Work {
    Workers {
        by: Principal,
        org: Organization,
        lines: Vec<WorkerLine>,
        summary: ImportSummary,
    },
    Assignments {
        by: Principal,
        org: Organization,
        lines: Vec<AssignmentLine>,
        summary: ImportSummary,
    },
    Award {
        by: Principal,
        org: Organization,
        achievement: Box<Achievement>,
        /// Known learners: (account, the address given).
        learners: Vec<(Uuid, String)>,
        summary: BulkAwardSummary,
    },
    Icd11 {
        by: Principal,
        tab: Box<Tabulation>,
        source: String,
    },
}

impl Work {
    fn len(&self) -> usize {
        match self {
            Work::Workers { lines, .. } => lines.len(),
            Work::Assignments { lines, .. } => lines.len(),
            Work::Award { learners, .. } => learners.len(),
            Work::Icd11 { tab, .. } => tab.entities.len(),
        }
    }

    fn summary(&self) -> Value {
        let v = match self {
            Work::Workers { summary, .. } | Work::Assignments { summary, .. } => {
                serde_json::to_value(summary)
            }
            Work::Award { summary, .. } => serde_json::to_value(summary),
            Work::Icd11 { .. } => Ok(json!({})),
        };
        v.unwrap_or_else(|_| json!({}))
    }
}

impl App {
    /// One job, for its starter, the organization's admins (and operators, for platform
    /// jobs). Others are told it does not exist.
    pub async fn job(&self, by: &Principal, id: Uuid) -> Result<JobView> {
        let mut r = self.store.reader().await?;
        match r.conn().job(id).await? {
            Some(row) if may_see(by, &row) => view(row),
            _ => Err(AppError::NotFound("job".into())),
        }
    }

    /// The jobs a person started, newest first.
    pub async fn my_jobs(&self, by: &Principal) -> Result<Vec<JobView>> {
        let Some(user) = by.user_id() else {
            return Ok(Vec::new());
        };
        let mut r = self.store.reader().await?;
        r.conn()
            .jobs_started_by(user, LISTED_JOBS)
            .await?
            .into_iter()
            .map(view)
            .collect()
    }

    /// Mark as interrupted the jobs a stopped server left unfinished, saying how much
    /// was applied; call it when a server starts. On SQLite (one server) that is every
    /// unfinished job; on PostgreSQL those that have not moved for [`STALE_AFTER`], so a
    /// job another server is running is left alone. How many were marked.
    pub async fn interrupt_abandoned_jobs(&self) -> Result<usize> {
        let before = match self.store.backend() {
            Backend::Sqlite => None,
            Backend::Postgres => Some(now() - STALE_AFTER),
        };
        let left = {
            let mut r = self.store.reader().await?;
            r.conn().unfinished_jobs(before).await?
        };
        let mut marked = 0;
        for job in left {
            let why = format!(
                "the server stopped while this job ran: {} of {} were applied and are kept; the other {} were not. Start it again with the rows that were not applied.",
                job.done,
                job.total,
                (job.total - job.done).max(0)
            );
            let mut tx = self.store.begin().await?;
            if tx
                .conn()
                .finish_job(
                    job.id,
                    JobState::Interrupted.as_str(),
                    None,
                    Some(&why),
                    now(),
                )
                .await?
            {
                marked += 1;
            }
            tx.commit().await?;
            tracing::warn!(job = %job.id, kind = %job.kind, done = job.done, total = job.total, "job interrupted by a stopped server");
        }
        Ok(marked)
    }

    /// Check a workers file (see [`App::import_workers`]) and, when it has no problem,
    /// import it in the background. The job's id.
    pub async fn start_workers_import(
        &self,
        by: &Principal,
        slug: &str,
        csv: &[u8],
        file_name: &str,
    ) -> std::result::Result<Uuid, CsvImportError> {
        let (org, lines, rows) = self.check_workers(by, slug, csv).await?;
        let work = Work::Workers {
            by: by.clone(),
            summary: ImportSummary {
                rows,
                ..Default::default()
            },
            org,
            lines,
        };
        Ok(self
            .start_job(by, JobKind::WorkersImport, file_name, work)
            .await?)
    }

    /// Check an assignments file (see [`App::import_assignments`]) and, when it has no
    /// problem, import it in the background. The job's id.
    pub async fn start_assignments_import(
        &self,
        by: &Principal,
        slug: &str,
        csv: &[u8],
        file_name: &str,
    ) -> std::result::Result<Uuid, CsvImportError> {
        let (org, lines, rows) = self.check_assignments(by, slug, csv).await?;
        let work = Work::Assignments {
            by: by.clone(),
            summary: ImportSummary {
                rows,
                ..Default::default()
            },
            org,
            lines,
        };
        Ok(self
            .start_job(by, JobKind::AssignmentsImport, file_name, work)
            .await?)
    }

    /// The achievements an issuer admin may award in bulk.
    pub async fn bulk_award_choices(&self, by: &Principal, slug: &str) -> Result<Vec<Achievement>> {
        let org = self.bulk_issuer(by, slug).await?;
        let mut r = self.store.reader().await?;
        Ok(r.conn().achievements_of_org(org.id).await?)
    }

    async fn bulk_issuer(&self, by: &Principal, slug: &str) -> Result<Organization> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::CredentialIssue, Some(org.id))?;
        if !org.is(OrgKind::Issuer) {
            return Err(AppError::Conflict(format!(
                "{} is not an issuer organization; an operator can make it one",
                org.name
            )));
        }
        Ok(org)
    }

    /// Award `achievement` to everyone a list of e-mail addresses names (one a line, or a
    /// CSV file with an `email` column): one credential per learner with a Cairn account,
    /// none to those who already hold a valid one, and the addresses nobody has reported.
    /// A list with a malformed address starts nothing. The job's id.
    pub async fn start_bulk_award(
        &self,
        by: &Principal,
        slug: &str,
        achievement: Uuid,
        list: &[u8],
    ) -> std::result::Result<Uuid, CsvImportError> {
        let org = self.bulk_issuer(by, slug).await?;
        let achievement = {
            let mut r = self.store.reader().await?;
            r.conn()
                .achievement(achievement)
                .await?
                .filter(|a| a.org_id == org.id)
                .ok_or_else(|| AppError::NotFound("achievement".into()))?
        };
        let mut problems = Vec::new();
        let cells = read_addresses(list, &mut problems);
        let mut summary = BulkAwardSummary::default();
        let mut seen = HashSet::new();
        let mut addresses = Vec::new();
        for (row, cell) in cells {
            match validate::email(&cell) {
                Err(i) => problems.push(RowProblem {
                    row,
                    column: "email".into(),
                    reason: i.message,
                }),
                Ok(e) if !seen.insert(e.clone()) => summary.repeated += 1,
                Ok(e) => addresses.push(e),
            }
        }
        if addresses.is_empty() && problems.is_empty() {
            problems.push(RowProblem {
                row: 1,
                column: "email".into(),
                reason: "the list has no e-mail addresses; give one a line".into(),
            });
        }
        if !problems.is_empty() {
            return Err(CsvImportError::Rejected(problems));
        }
        summary.addresses = addresses.len();
        let mut learners = Vec::new();
        {
            let mut r = self.store.reader().await?;
            for e in addresses {
                match r.conn().user_id_by_email(&e).await? {
                    Some(u) => learners.push((u, e)),
                    None => summary.unknown.push(e),
                }
            }
        }
        let label = achievement.name.clone();
        let work = Work::Award {
            by: by.clone(),
            org,
            achievement: Box::new(achievement),
            learners,
            summary,
        };
        Ok(self.start_job(by, JobKind::BulkAward, &label, work).await?)
    }

    /// Check an ICD-11 tabulation (WHO's zip or .txt) and, when it reads, replace the
    /// loaded release with it in the background. Platform operators only. The job's id.
    pub async fn start_icd11_import(
        &self,
        by: &Principal,
        bytes: &[u8],
        source: &str,
    ) -> Result<Uuid> {
        let tab = check_icd11_import(by, bytes)?;
        let work = Work::Icd11 {
            by: by.clone(),
            tab: Box::new(tab),
            source: source.to_owned(),
        };
        self.start_job(by, JobKind::Icd11Import, source, work).await
    }

    async fn start_job(
        &self,
        by: &Principal,
        kind: JobKind,
        label: &str,
        work: Work,
    ) -> Result<Uuid> {
        let org_id = match &work {
            Work::Workers { org, .. } | Work::Assignments { org, .. } | Work::Award { org, .. } => {
                Some(org.id)
            }
            Work::Icd11 { .. } => None,
        };
        // Empty when the rows were pasted rather than uploaded.
        let label: String = label.trim().chars().take(200).collect();
        let row = NewJobRow {
            id: Uuid::now_v7(),
            kind: kind.as_str().to_owned(),
            org_id,
            started_by: by.user_id(),
            label,
            total: i64::try_from(work.len()).unwrap_or(i64::MAX),
            created_at: now(),
        };
        let mut tx = self.store.begin().await?;
        tx.conn().insert_job(&row).await?;
        tx.commit().await?;
        let app = self.clone();
        let id = row.id;
        tokio::spawn(async move { app.run_job(id, work).await });
        Ok(id)
    }

    /// Apply a job's work chunk by chunk, then end it; a failure ends it as failed,
    /// keeping what earlier chunks applied.
    async fn run_job(&self, id: Uuid, mut work: Work) {
        let total = work.len();
        let mut done = 0usize;
        let outcome = async {
            let mut tx = self.store.begin().await?;
            tx.conn().start_job(id, now()).await?;
            tx.conn()
                .record_job_progress(id, 0, &work.summary().to_string(), now())
                .await?;
            tx.commit().await?;
            if let Work::Icd11 { by, tab, source } = &work {
                let mut tx = self.store.begin().await?;
                let summary = self.replace_icd11_in(&mut tx, by, tab, source).await?;
                let result = serde_json::to_string(&summary).unwrap_or_default();
                tx.conn()
                    .record_job_progress(id, i64::try_from(total).unwrap_or(0), &result, now())
                    .await?;
                tx.conn()
                    .finish_job(id, JobState::Succeeded.as_str(), Some(&result), None, now())
                    .await?;
                tx.commit().await?;
                return Ok(());
            }
            while done < total || total == 0 {
                let end = (done + CHUNK_ROWS).min(total);
                let mut tx = self.store.begin().await?;
                self.apply_chunk(&mut tx, id, &mut work, done, end).await?;
                let summary = work.summary().to_string();
                let still_running = tx
                    .conn()
                    .record_job_progress(id, i64::try_from(end).unwrap_or(0), &summary, now())
                    .await?;
                if !still_running {
                    // Marked interrupted meanwhile (a server took it for abandoned):
                    // apply nothing more than it says.
                    return Ok(());
                }
                if end == total {
                    tx.conn()
                        .finish_job(
                            id,
                            JobState::Succeeded.as_str(),
                            Some(&summary),
                            None,
                            now(),
                        )
                        .await?;
                }
                tx.commit().await?;
                done = end;
                if matches!(work, Work::Award { .. }) {
                    // Credentials just issued may complete stacks: sign those now.
                    self.process_awards().await;
                }
                if total == 0 {
                    break;
                }
            }
            Ok::<(), AppError>(())
        }
        .await;
        if let Err(e) = outcome {
            tracing::warn!(job = %id, error = %e, "job failed");
            let why = format!(
                "{e}; {done} of {total} were applied and are kept, the other {} were not",
                total - done
            );
            let ended = async {
                let mut tx = self.store.begin().await?;
                tx.conn()
                    .finish_job(id, JobState::Failed.as_str(), None, Some(&why), now())
                    .await?;
                tx.commit().await?;
                Ok::<(), AppError>(())
            };
            if let Err(e) = ended.await {
                tracing::error!(job = %id, error = %e, "could not record that a job failed");
            }
        }
    }

    /// Apply rows `from..to` of a job's work in `tx`, with the audit event recording them.
    async fn apply_chunk(
        &self,
        tx: &mut Tx,
        job: Uuid,
        work: &mut Work,
        from: usize,
        to: usize,
    ) -> Result<()> {
        match work {
            Work::Workers {
                by,
                org,
                lines,
                summary,
            } => {
                self.apply_workers(tx, org, &lines[from..to], summary)
                    .await?;
                let entry = audit_entry(
                    by,
                    Some(org.id),
                    "workers.import",
                    format!("org:{}", org.id),
                    json!({
                        "job": job,
                        "rows_applied": to,
                        "rows": summary.rows,
                        "accounts_created": summary.accounts_created,
                        "members_added": summary.members_added,
                        "already_members": summary.already_members,
                        "teams_joined": summary.teams_joined,
                    }),
                );
                tx.conn().append_audit(&entry, now()).await?;
            }
            Work::Assignments {
                by,
                org,
                lines,
                summary,
            } => {
                if from == 0 {
                    tx.conn()
                        .record_completed_assignments(Some(org.id), None, now())
                        .await?;
                }
                self.apply_assignments(tx, by, org, &lines[from..to], summary)
                    .await?;
                let entry = audit_entry(
                    by,
                    Some(org.id),
                    "assignments.import",
                    format!("org:{}", org.id),
                    json!({
                        "job": job,
                        "rows_applied": to,
                        "rows": summary.rows,
                        "assigned": summary.assignments_made,
                        "skipped": summary.skipped,
                    }),
                );
                tx.conn().append_audit(&entry, now()).await?;
            }
            Work::Award {
                by,
                org,
                achievement,
                learners,
                summary,
            } => {
                // Each credential issued records its own audit event.
                for (user, email) in &learners[from..to] {
                    if tx
                        .conn()
                        .holds_valid_credential(*user, achievement.id, now())
                        .await?
                    {
                        summary.already_held += 1;
                        continue;
                    }
                    let valid_until = achievement
                        .spec
                        .validity_days
                        .and_then(|d| now().checked_add(time::Duration::days(i64::from(d))));
                    let req = IssueRequest {
                        achievement_id: achievement.id,
                        recipient: Recipient::Email(email.clone()),
                        valid_until,
                        jwt: false,
                    };
                    self.issue_in(tx, by, org, achievement, &req).await?;
                    summary.issued += 1;
                }
            }
            Work::Icd11 { .. } => {}
        }
        Ok(())
    }
}

/// The addresses of a bulk award list with their rows: one address a line, or a CSV file
/// whose header names an `email` column (other columns are ignored).
fn read_addresses(bytes: &[u8], problems: &mut Vec<RowProblem>) -> Vec<(u64, String)> {
    let problem = |row: u64, reason: String| RowProblem {
        row,
        column: "file".into(),
        reason,
    };
    if bytes.len() > MAX_CSV_BYTES {
        problems.push(problem(
            1,
            format!(
                "the list is {} bytes; the limit is {MAX_CSV_BYTES} bytes — split it",
                bytes.len()
            ),
        ));
        return Vec::new();
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        problems.push(problem(
            1,
            "is not UTF-8 text; save the file as \"CSV UTF-8\" and upload it again".into(),
        ));
        return Vec::new();
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The reader's line count skips blank lines; rows are numbered as an editor shows
    // them, from where each record's text starts (after any blank lines before it).
    let raw = text.as_bytes();
    let newlines: Vec<usize> = raw
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_at = |byte: u64| {
        let mut b = usize::try_from(byte).unwrap_or(raw.len()).min(raw.len());
        while raw.get(b).is_some_and(|c| *c == b'\n' || *c == b'\r') {
            b += 1;
        }
        newlines.partition_point(|&n| n < b) as u64 + 1
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut column: Option<usize> = None;
    let mut first = true;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let row = e.position().map_or(1, |p| line_at(p.byte()));
                problems.push(problem(row, format!("cannot be read as CSV: {e}")));
                continue;
            }
        };
        let row = record.position().map_or(0, |p| line_at(p.byte()));
        if first {
            first = false;
            column = record.iter().position(|c| {
                let c = c.trim().to_lowercase();
                c == "email" || c == "e-mail"
            });
            if column.is_some() {
                continue;
            }
        }
        let cell = record.get(column.unwrap_or(0)).unwrap_or("").trim();
        if cell.is_empty() {
            continue;
        }
        if out.len() == MAX_CSV_ROWS {
            problems.push(problem(
                row,
                format!("the list has more than {MAX_CSV_ROWS} addresses; split it"),
            ));
            break;
        }
        out.push((row, cell.to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_come_one_a_line_or_from_an_email_column() {
        let mut p = Vec::new();
        let got = read_addresses(b"ana@x.org\n\nbo@x.org\n", &mut p);
        assert_eq!(
            got,
            vec![(1, "ana@x.org".to_owned()), (3, "bo@x.org".to_owned())]
        );
        let got = read_addresses(b"name,Email\nAna,ana@x.org\nBo,\n", &mut p);
        assert_eq!(got, vec![(2, "ana@x.org".to_owned())]);
        assert!(p.is_empty(), "{p:?}");
        read_addresses(b"\xff", &mut p);
        assert!(p[0].reason.contains("UTF-8"));
    }
}
