//! Assignments: learning a manager asks workers to do by a date, their progress, overdue lists and CSV import.
//!
//! Whether an assignment is done is read from the learning records (a completed module, a
//! passed attempt, a valid credential), not reported by anyone; `completed_at` records
//! when that was first seen. Workers and assignments can be imported from CSV: the whole
//! file is checked first and a file with any problem imports nothing.

use std::collections::{BTreeSet, HashMap};

use cairn_core::authz::Action;
use cairn_core::validate::{self, Invalid};
use cairn_core::{Email, Membership, Organization, Principal, Role, User};
use cairn_store::{AssignmentQuery, AssignmentRow, NewAssignmentRow, Tx};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::csv_import::{CsvImportError, ImportSummary, RowProblem, read_sheet};
use crate::notify::NewNotification;
use crate::tabular::Table;
use crate::{App, AppError, Result, audit_entry, now, require};

/// The most workers one assignment call may reach.
pub const MAX_ASSIGNEES: usize = 10_000;
/// The most rows one listing (or export) holds.
pub const MAX_LISTED: i64 = 10_000;
/// Overdue assignments handled per batch of the worker's pass.
const OVERDUE_BATCH: i64 = 200;
const NOTE_MAX_CHARS: usize = 1000;

/// What can be assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Module,
    Assessment,
    Achievement,
}

impl TargetKind {
    pub const ALL: [TargetKind; 3] = [
        TargetKind::Module,
        TargetKind::Assessment,
        TargetKind::Achievement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Module => "module",
            TargetKind::Assessment => "assessment",
            TargetKind::Achievement => "achievement",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Where the worker does it: the module, the assessment, or the planned pathway to
    /// the achievement.
    pub fn link(self, id: Uuid) -> String {
        match self {
            TargetKind::Module => format!("/modules/{id}"),
            TargetKind::Assessment => format!("/assessments/{id}"),
            TargetKind::Achievement => format!("/me/pathways/{id}"),
        }
    }

    /// What the worker is asked to do with it.
    fn verb(self) -> &'static str {
        match self {
            TargetKind::Module => "complete the module",
            TargetKind::Assessment => "pass the assessment",
            TargetKind::Achievement => "earn",
        }
    }
}

/// One thing to assign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub kind: TargetKind,
    pub id: Uuid,
}

/// An assignment to make: a target, a due date, and who (workers, a team, or both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignment {
    pub target: Target,
    pub due_on: Date,
    /// Members of the organization, by user id.
    pub workers: Vec<Uuid>,
    /// Every member of this team of the organization.
    pub team_id: Option<Uuid>,
    pub note: Option<String>,
}

/// What an assignment call did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assigned {
    /// The assignments made, one per worker.
    pub assignments: Vec<Uuid>,
    /// Workers left as they were: they already had this open.
    pub skipped: usize,
}

/// Where an assignment stands, judged when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentState {
    Open,
    /// Open, and its due date has passed.
    Overdue,
    Done,
}

impl AssignmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentState::Open => "open",
            AssignmentState::Overdue => "overdue",
            AssignmentState::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "open" => Some(AssignmentState::Open),
            "overdue" => Some(AssignmentState::Overdue),
            "done" => Some(AssignmentState::Done),
            _ => None,
        }
    }
}

/// Which assignments of an organization to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentFilter {
    /// Workers in this team.
    pub team: Option<Uuid>,
    pub user: Option<Uuid>,
    pub state: Option<AssignmentState>,
}

/// An assignment as managers and workers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentView {
    pub id: Uuid,
    pub org_slug: String,
    pub org_name: String,
    pub user_id: Uuid,
    pub worker_name: String,
    pub worker_email: Option<String>,
    pub team: Option<String>,
    pub kind: TargetKind,
    pub target_id: Uuid,
    pub target_title: String,
    /// Where the worker does it.
    pub link: String,
    pub due_on: Date,
    pub state: AssignmentState,
    pub note: Option<String>,
    pub created_at: OffsetDateTime,
    pub completed_at: Option<OffsetDateTime>,
}

/// One team's assignments, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamProgress {
    pub team_id: Uuid,
    pub team_name: String,
    pub assigned: i64,
    pub done: i64,
    pub overdue: i64,
}

/// A date as the API and files write it: 2026-12-31.
pub fn iso_date(d: Date) -> String {
    let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
    format!("{y:04}-{m:02}-{day:02}")
}

/// Read a date written as 2026-12-31.
pub fn parse_date(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), fmt).ok()
}

fn view(r: AssignmentRow, today: Date) -> AssignmentView {
    let kind = TargetKind::parse(&r.target_kind).unwrap_or(TargetKind::Module);
    let state = if r.completed_at.is_some() {
        AssignmentState::Done
    } else if r.due_on < today {
        AssignmentState::Overdue
    } else {
        AssignmentState::Open
    };
    AssignmentView {
        id: r.id,
        org_slug: r.org_slug,
        org_name: r.org_name,
        user_id: r.user_id,
        worker_name: r.worker_name,
        worker_email: r.worker_email,
        team: r.team_name,
        kind,
        target_id: r.target_id,
        target_title: r
            .target_title
            .unwrap_or_else(|| format!("(a {} no longer available)", kind.as_str())),
        link: kind.link(r.target_id),
        due_on: r.due_on,
        state,
        note: r.note,
        created_at: r.created_at,
        completed_at: r.completed_at,
    }
}

/// A notification title of at most 200 characters.
fn title_line(prefix: &str, title: &str) -> String {
    let room = 200usize.saturating_sub(prefix.chars().count());
    let mut t: String = title.chars().take(room).collect();
    if t.chars().count() < title.chars().count() {
        t.pop();
        t.push('…');
    }
    format!("{prefix}{t}")
}

fn note_of(note: Option<&str>) -> Result<Option<String>> {
    let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if n.chars().count() > NOTE_MAX_CHARS {
        return Err(Invalid::new(
            "note",
            format!("must be at most {NOTE_MAX_CHARS} characters"),
        )
        .into());
    }
    Ok(Some(n.to_owned()))
}

fn today() -> Date {
    now().date()
}

impl App {
    /// The organization, if `by` may do `action` in it.
    async fn org_for(&self, by: &Principal, slug: &str, action: Action) -> Result<Organization> {
        let org = self.org_unchecked(slug).await?;
        require(by, action, Some(org.id))?;
        Ok(org)
    }

    /// Assign a module, assessment or achievement to workers of the organization and/or
    /// a whole team, due on a date. A worker who already has it open is left as is.
    /// Each worker is notified; one audit event records the call.
    pub async fn assign_learning(
        &self,
        by: &Principal,
        slug: &str,
        new: NewAssignment,
    ) -> Result<Assigned> {
        let org = self.org_for(by, slug, Action::AssignmentManage).await?;
        if new.due_on < today() {
            return Err(Invalid::new(
                "due_on",
                format!(
                    "{} is in the past; choose today or a later day",
                    iso_date(new.due_on)
                ),
            )
            .into());
        }
        let note = note_of(new.note.as_deref())?;
        if new.workers.is_empty() && new.team_id.is_none() {
            return Err(Invalid::new("workers", "choose at least one worker or a team").into());
        }
        let mut tx = self.store.begin().await?;
        let kind = new.target.kind;
        let title = tx
            .conn()
            .assignable_title(kind.as_str(), new.target.id)
            .await?
            .ok_or_else(|| {
                Invalid::new(
                    "target",
                    format!(
                        "there is no {} {} with id {}",
                        if kind == TargetKind::Achievement {
                            ""
                        } else {
                            "published"
                        },
                        kind.as_str(),
                        new.target.id
                    )
                    .replace("  ", " "),
                )
            })?;
        // Who, in order: the team's members (recording the team), then the workers named.
        let mut who: Vec<(Uuid, Option<Uuid>)> = Vec::new();
        let mut seen = BTreeSet::new();
        if let Some(team) = new.team_id {
            let teams = tx.conn().teams_of_org(org.id).await?;
            if !teams.iter().any(|t| t.id == team) {
                return Err(
                    Invalid::new("team_id", format!("{} has no such team", org.name)).into(),
                );
            }
            let members = tx.conn().workers_of_team(org.id, team).await?;
            if members.is_empty() {
                return Err(
                    Invalid::new("team_id", "this team has no members to assign to").into(),
                );
            }
            for m in members {
                if seen.insert(m.user_id) {
                    who.push((m.user_id, Some(team)));
                }
            }
        }
        for w in &new.workers {
            if seen.insert(*w) {
                if !tx.conn().is_member_of(org.id, *w).await? {
                    return Err(Invalid::new(
                        "workers",
                        format!("{w} is not a member of {}; add them first", org.name),
                    )
                    .into());
                }
                who.push((*w, None));
            }
        }
        if who.len() > MAX_ASSIGNEES {
            return Err(Invalid::new(
                "workers",
                format!("assign to at most {MAX_ASSIGNEES} workers at a time"),
            )
            .into());
        }
        // Work already done but not yet seen as done must not count as open.
        tx.conn()
            .record_completed_assignments(Some(org.id), None, now())
            .await?;
        let mut made = Vec::new();
        let mut skipped = 0;
        for (user, team) in who {
            let row = NewAssignmentRow {
                id: Uuid::now_v7(),
                org_id: org.id,
                user_id: user,
                target_kind: kind.as_str().into(),
                target_id: new.target.id,
                due_on: new.due_on,
                team_id: team,
                note: note.clone(),
                assigned_by: by.user_id(),
                created_at: now(),
            };
            if self
                .insert_and_notify(&mut tx, &org, &row, kind, &title)
                .await?
            {
                made.push(row.id);
            } else {
                skipped += 1;
            }
        }
        let entry = audit_entry(
            by,
            Some(org.id),
            "assignment.create",
            format!("{}:{}", kind.as_str(), new.target.id),
            json!({"assigned": made.len(), "skipped": skipped, "due_on": iso_date(new.due_on), "team": new.team_id}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(Assigned {
            assignments: made,
            skipped,
        })
    }

    /// Store one assignment and tell the worker, unless they have it open already.
    async fn insert_and_notify(
        &self,
        tx: &mut Tx,
        org: &Organization,
        row: &NewAssignmentRow,
        kind: TargetKind,
        title: &str,
    ) -> Result<bool> {
        if !tx.conn().insert_assignment(row).await? {
            return Ok(false);
        }
        let mut body = format!(
            "{} asks you to {} {title} by {}.",
            org.name,
            kind.verb(),
            iso_date(row.due_on)
        );
        if let Some(n) = &row.note {
            body.push_str("\n\n");
            body.push_str(n);
        }
        self.notify(
            tx,
            &NewNotification {
                user_id: row.user_id,
                kind: "assignment.new".into(),
                dedupe_key: format!("assignment:{}", row.id),
                title: title_line("New assignment: ", title),
                body,
                link: Some(kind.link(row.target_id)),
            },
        )
        .await?;
        Ok(true)
    }

    /// Cancel an open assignment of the organization.
    pub async fn cancel_assignment(&self, by: &Principal, slug: &str, id: Uuid) -> Result<()> {
        let org = self.org_for(by, slug, Action::AssignmentManage).await?;
        let mut tx = self.store.begin().await?;
        tx.conn()
            .record_completed_assignments(Some(org.id), None, now())
            .await?;
        let row = tx
            .conn()
            .assignment(org.id, id)
            .await?
            .ok_or_else(|| AppError::NotFound("assignment".into()))?;
        if row.cancelled_at.is_some() {
            return Err(AppError::Conflict(
                "this assignment is already cancelled".into(),
            ));
        }
        if row.completed_at.is_some() {
            return Err(AppError::Conflict(
                "this assignment is done; done work stays on the record".into(),
            ));
        }
        tx.conn().cancel_assignment(org.id, id, now()).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "assignment.cancel",
            format!("assignment:{id}"),
            json!({"user": row.user_id, "target": format!("{}:{}", row.target_kind, row.target_id)}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Record, before a read, what the learning records now show done.
    async fn record_completions(&self, org: Option<Uuid>, user: Option<Uuid>) -> Result<()> {
        let mut tx = self.store.begin().await?;
        tx.conn()
            .record_completed_assignments(org, user, now())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The organization's assignments (cancelled ones left out) that `filter` selects, by
    /// due date, each with its state.
    pub async fn assignments(
        &self,
        by: &Principal,
        slug: &str,
        filter: &AssignmentFilter,
    ) -> Result<Vec<AssignmentView>> {
        let org = self.org_for(by, slug, Action::WorkforceView).await?;
        self.record_completions(Some(org.id), None).await?;
        let today = today();
        let mut r = self.store.reader().await?;
        let rows = r
            .conn()
            .assignments_of_org(
                org.id,
                &AssignmentQuery {
                    team: filter.team,
                    user: filter.user,
                    state: filter.state.map(|s| s.as_str().to_owned()),
                    today: Some(today),
                    limit: MAX_LISTED,
                },
            )
            .await?;
        Ok(rows.into_iter().map(|r| view(r, today)).collect())
    }

    /// [`App::assignments`] as a table to export.
    pub async fn assignments_table(
        &self,
        by: &Principal,
        slug: &str,
        filter: &AssignmentFilter,
    ) -> Result<Table> {
        let rows = self.assignments(by, slug, filter).await?;
        let mut t = Table::new([
            "worker",
            "email",
            "team",
            "kind",
            "target",
            "target_id",
            "due_on",
            "state",
            "completed_at",
            "note",
        ]);
        for a in rows {
            t.push([
                a.worker_name,
                a.worker_email.unwrap_or_default(),
                a.team.unwrap_or_default(),
                a.kind.as_str().to_owned(),
                a.target_title,
                a.target_id.to_string(),
                iso_date(a.due_on),
                a.state.as_str().to_owned(),
                a.completed_at
                    .and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                    .unwrap_or_default(),
                a.note.unwrap_or_default(),
            ]);
        }
        Ok(t)
    }

    /// Per team: its members' assignments, how many are done and how many overdue.
    pub async fn team_progress(&self, by: &Principal, slug: &str) -> Result<Vec<TeamProgress>> {
        let org = self.org_for(by, slug, Action::WorkforceView).await?;
        self.record_completions(Some(org.id), None).await?;
        let mut r = self.store.reader().await?;
        Ok(r.conn()
            .team_progress(org.id, today())
            .await?
            .into_iter()
            .map(|t| TeamProgress {
                team_id: t.team_id,
                team_name: t.team_name,
                assigned: t.assigned,
                done: t.done,
                overdue: t.overdue,
            })
            .collect())
    }

    /// The signed-in worker's assignments in every organization, by due date.
    pub async fn my_assignments(&self, by: &Principal) -> Result<Vec<AssignmentView>> {
        let user = by.user_id().ok_or_else(|| {
            AppError::Unauthenticated("sign in as a person to see your assignments".into())
        })?;
        self.record_completions(None, Some(user)).await?;
        let today = today();
        let mut r = self.store.reader().await?;
        let rows = r.conn().assignments_of_user(user).await?;
        Ok(rows.into_iter().map(|r| view(r, today)).collect())
    }

    /// The worker's pass: tell each worker, once, of each assignment that became overdue
    /// (open, due before the day of `at`). Done work is recorded first, so it is never
    /// reported. Returns how many were told.
    pub async fn notify_overdue_assignments(&self, at: OffsetDateTime) -> Result<usize> {
        {
            let mut tx = self.store.begin().await?;
            tx.conn()
                .record_completed_assignments(None, None, at)
                .await?;
            tx.commit().await?;
        }
        let today = at.to_offset(time::UtcOffset::UTC).date();
        let mut sent = 0;
        loop {
            let due = {
                let mut r = self.store.reader().await?;
                r.conn().overdue_unnotified(today, OVERDUE_BATCH).await?
            };
            for row in &due {
                let mut tx = self.store.begin().await?;
                if !tx.conn().mark_overdue_notified(row.id).await? {
                    continue;
                }
                let v = view(row.clone(), today);
                self.notify(
                    &mut tx,
                    &NewNotification {
                        user_id: v.user_id,
                        kind: "assignment.overdue".into(),
                        dedupe_key: format!("assignment-overdue:{}", v.id),
                        title: title_line("Overdue: ", &v.target_title),
                        body: format!(
                            "{} asked you to {} {} by {}, and it is not done yet. Do it as soon as you can, or talk to your manager.",
                            v.org_name,
                            v.kind.verb(),
                            v.target_title,
                            iso_date(v.due_on)
                        ),
                        link: Some(v.link.clone()),
                    },
                )
                .await?;
                tx.commit().await?;
                sent += 1;
            }
            if due.len() < usize::try_from(OVERDUE_BATCH).unwrap_or(usize::MAX) {
                break;
            }
        }
        Ok(sent)
    }
}

/// Who can be assigned to in an organization: its teams and its workers, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignChoices {
    pub teams: Vec<cairn_store::TeamSummary>,
    /// (user id, name, e-mail)
    pub workers: Vec<(Uuid, String, Option<String>)>,
}

impl App {
    /// The teams and workers an assignment form offers.
    pub async fn assign_choices(&self, by: &Principal, slug: &str) -> Result<AssignChoices> {
        let org = self.org_for(by, slug, Action::AssignmentManage).await?;
        let mut r = self.store.reader().await?;
        let teams = r.conn().teams_of_org(org.id).await?;
        let workers = r
            .conn()
            .workers_of_org(org.id)
            .await?
            .into_iter()
            .map(|w| (w.user_id, w.display_name, w.email))
            .collect();
        Ok(AssignChoices { teams, workers })
    }

    /// What may be assigned, named by its id or exact title (as in an assignments file).
    pub async fn find_assignable(&self, kind: TargetKind, text: &str) -> Result<Target> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Invalid::new("target", "give the id or the exact title").into());
        }
        let mut r = self.store.reader().await?;
        match resolve_target(&mut r.conn(), kind, text).await? {
            Ok((id, _)) => Ok(Target { kind, id }),
            Err(why) => Err(Invalid::new("target", why).into()),
        }
    }
}

/// A checked row of a workers file.
pub(crate) struct WorkerLine {
    email: String,
    name: String,
    team: Option<(Uuid, String)>,
    job_title: Option<String>,
}

/// A checked row of an assignments file.
pub(crate) struct AssignmentLine {
    user: Uuid,
    kind: TargetKind,
    target: Uuid,
    title: String,
    due_on: Date,
    note: Option<String>,
}

fn problem(row: u64, column: &str, reason: impl Into<String>) -> RowProblem {
    RowProblem {
        row,
        column: column.to_owned(),
        reason: reason.into(),
    }
}

/// The required cell, or a problem saying it is empty.
fn required<'a>(
    r: &'a crate::csv_import::SheetRow,
    column: &str,
    problems: &mut Vec<RowProblem>,
) -> Option<&'a str> {
    if !r.has(column) {
        // Missing from the header or the row: already reported.
        return None;
    }
    let v = r.get(column);
    if v.is_empty() {
        problems.push(problem(
            r.row,
            column,
            format!("is empty; every row needs a {column}"),
        ));
        return None;
    }
    Some(v)
}

impl App {
    /// Import workers from CSV (`email,name,team[,job_title]`, header required): each
    /// becomes a member (learner) of the organization — with a new password-less account
    /// when the e-mail is new — joins the team, and is told. All or nothing: a file with
    /// any problem imports nothing and lists every problem.
    pub async fn import_workers(
        &self,
        by: &Principal,
        slug: &str,
        csv: &[u8],
    ) -> std::result::Result<ImportSummary, CsvImportError> {
        let (org, lines, rows) = self.check_workers(by, slug, csv).await?;
        let mut summary = ImportSummary {
            rows,
            ..Default::default()
        };
        let mut tx = self.store.begin().await?;
        self.apply_workers(&mut tx, &org, &lines, &mut summary)
            .await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "workers.import",
            format!("org:{}", org.id),
            json!({
                "rows": summary.rows,
                "accounts_created": summary.accounts_created,
                "members_added": summary.members_added,
                "already_members": summary.already_members,
                "teams_joined": summary.teams_joined,
            }),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Check a workers file without changing anything: the organization, the rows to
    /// apply and how many data rows were read, or every problem.
    pub(crate) async fn check_workers(
        &self,
        by: &Principal,
        slug: &str,
        csv: &[u8],
    ) -> std::result::Result<(Organization, Vec<WorkerLine>, usize), CsvImportError> {
        let org = self.org_for(by, slug, Action::TeamManage).await?;
        let mut problems = Vec::new();
        let rows = read_sheet(
            csv,
            &["email", "name", "team"],
            &["job_title"],
            &mut problems,
        );
        let teams = {
            let mut r = self.store.reader().await?;
            r.conn().teams_of_org(org.id).await?
        };
        let mut lines = Vec::new();
        let mut first_row_of: HashMap<String, u64> = HashMap::new();
        for r in &rows {
            let email = required(r, "email", &mut problems).and_then(|e| {
                validate::email(e)
                    .map_err(|i| problems.push(problem(r.row, "email", i.message)))
                    .ok()
            });
            if let Some(e) = &email {
                if let Some(first) = first_row_of.get(e) {
                    problems.push(problem(
                        r.row,
                        "email",
                        format!("{e} is also on row {first}; give each person once"),
                    ));
                } else {
                    first_row_of.insert(e.clone(), r.row);
                }
            }
            let name = required(r, "name", &mut problems).and_then(|n| {
                validate::name("name", n)
                    .map_err(|i| problems.push(problem(r.row, "name", i.message)))
                    .ok()
            });
            let team_cell = r.get("team");
            let team = if team_cell.is_empty() {
                None
            } else {
                match teams
                    .iter()
                    .find(|t| t.name.trim().eq_ignore_ascii_case(team_cell))
                {
                    Some(t) => Some((t.id, t.name.clone())),
                    None => {
                        let known: Vec<&str> =
                            teams.iter().take(20).map(|t| t.name.as_str()).collect();
                        problems.push(problem(
                            r.row,
                            "team",
                            if known.is_empty() {
                                format!(
                                    "{} has no team named '{team_cell}' (it has no teams yet)",
                                    org.name
                                )
                            } else {
                                format!(
                                    "{} has no team named '{team_cell}'; its teams are: {}",
                                    org.name,
                                    known.join(", ")
                                )
                            },
                        ));
                        None
                    }
                }
            };
            let job_cell = r.get("job_title");
            let job_title = if job_cell.is_empty() {
                None
            } else {
                validate::name("job_title", job_cell)
                    .map_err(|i| problems.push(problem(r.row, "job_title", i.message)))
                    .ok()
            };
            if let (Some(email), Some(name)) = (email, name) {
                lines.push(WorkerLine {
                    email,
                    name,
                    team,
                    job_title,
                });
            }
        }
        if rows.is_empty() && problems.is_empty() {
            problems.push(problem(
                2,
                "file",
                "the file has a header but no rows of workers",
            ));
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.row);
            return Err(CsvImportError::Rejected(problems));
        }
        Ok((org, lines, rows.len()))
    }

    /// Apply checked worker rows in the caller's transaction, counting into `summary`.
    pub(crate) async fn apply_workers(
        &self,
        tx: &mut Tx,
        org: &Organization,
        lines: &[WorkerLine],
        summary: &mut ImportSummary,
    ) -> Result<()> {
        for l in lines {
            let user_id = match tx.conn().user_id_by_email(&l.email).await? {
                Some(id) => id,
                None => {
                    let user = User {
                        id: Uuid::now_v7(),
                        display_name: l.name.clone(),
                        emails: vec![Email {
                            address: l.email.clone(),
                            primary: true,
                        }],
                        is_operator: false,
                        created_at: now(),
                    };
                    tx.conn().insert_user(&user, None).await?;
                    summary.accounts_created += 1;
                    user.id
                }
            };
            let joined_now = if tx.conn().is_member_of(org.id, user_id).await? {
                summary.already_members += 1;
                false
            } else {
                tx.conn()
                    .insert_membership(&Membership {
                        org_id: org.id,
                        user_id,
                        role: Role::Learner,
                        job_title: l.job_title.clone(),
                        created_at: now(),
                    })
                    .await?;
                summary.members_added += 1;
                true
            };
            if let Some((team, _)) = &l.team
                && !tx.conn().is_team_member(*team, user_id).await?
            {
                tx.conn().add_team_member(*team, user_id).await?;
                summary.teams_joined += 1;
            }
            if joined_now {
                let in_team = l
                    .team
                    .as_ref()
                    .map(|(_, name)| format!(", in the team {name}"))
                    .unwrap_or_default();
                self.notify(
                    tx,
                    &NewNotification {
                        user_id,
                        kind: "member.invited".into(),
                        dedupe_key: format!("invited:{}:{user_id}", org.id),
                        title: title_line("You were added to ", &org.name),
                        body: format!(
                            "You are now a member of {}{in_team}. Learning your manager assigns you will be listed under your assignments.",
                            org.name
                        ),
                        link: Some("/me/assignments".into()),
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Import assignments from CSV (`email,kind,target,due_on[,note]`, header required):
    /// `kind` is module, assessment or achievement; `target` its id or exact title;
    /// `due_on` a date like 2026-12-31, today or later. The worker must be a member. All
    /// or nothing: a file with any problem imports nothing and lists every problem.
    pub async fn import_assignments(
        &self,
        by: &Principal,
        slug: &str,
        csv: &[u8],
    ) -> std::result::Result<ImportSummary, CsvImportError> {
        let (org, lines, rows) = self.check_assignments(by, slug, csv).await?;
        let mut summary = ImportSummary {
            rows,
            ..Default::default()
        };
        let mut tx = self.store.begin().await?;
        tx.conn()
            .record_completed_assignments(Some(org.id), None, now())
            .await?;
        self.apply_assignments(&mut tx, by, &org, &lines, &mut summary)
            .await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "assignments.import",
            format!("org:{}", org.id),
            json!({"rows": summary.rows, "assigned": summary.assignments_made, "skipped": summary.skipped}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Check an assignments file without changing anything: the organization, the rows
    /// to apply and how many data rows were read, or every problem.
    pub(crate) async fn check_assignments(
        &self,
        by: &Principal,
        slug: &str,
        csv: &[u8],
    ) -> std::result::Result<(Organization, Vec<AssignmentLine>, usize), CsvImportError> {
        let org = self.org_for(by, slug, Action::AssignmentManage).await?;
        let mut problems = Vec::new();
        let rows = read_sheet(
            csv,
            &["email", "kind", "target", "due_on"],
            &["note"],
            &mut problems,
        );
        let today = today();
        let mut lines = Vec::new();
        let mut users: HashMap<String, Option<Uuid>> = HashMap::new();
        let mut targets: HashMap<
            (TargetKind, String),
            std::result::Result<(Uuid, String), String>,
        > = HashMap::new();
        let mut first_row_of: HashMap<(Uuid, TargetKind, Uuid), u64> = HashMap::new();
        {
            let mut rd = self.store.reader().await?;
            for r in &rows {
                let user = match required(r, "email", &mut problems) {
                    None => None,
                    Some(cell) => match validate::email(cell) {
                        Err(i) => {
                            problems.push(problem(r.row, "email", i.message));
                            None
                        }
                        Ok(email) => {
                            let found = match users.get(&email) {
                                Some(u) => *u,
                                None => {
                                    let u = match rd.conn().user_id_by_email(&email).await? {
                                        Some(id) if rd.conn().is_member_of(org.id, id).await? => {
                                            Some(id)
                                        }
                                        _ => None,
                                    };
                                    users.insert(email.clone(), u);
                                    u
                                }
                            };
                            if found.is_none() {
                                problems.push(problem(
                                    r.row,
                                    "email",
                                    format!(
                                        "no member of {} has the e-mail {email}; import them as workers first",
                                        org.name
                                    ),
                                ));
                            }
                            found
                        }
                    },
                };
                let kind = required(r, "kind", &mut problems).and_then(|k| {
                    let parsed = TargetKind::parse(k);
                    if parsed.is_none() {
                        problems.push(problem(
                            r.row,
                            "kind",
                            format!("'{k}' is not a kind; write module, assessment or achievement"),
                        ));
                    }
                    parsed
                });
                let target_cell = required(r, "target", &mut problems);
                let target = match (kind, target_cell) {
                    (Some(kind), Some(cell)) => {
                        let key = (kind, cell.to_owned());
                        let found = match targets.get(&key) {
                            Some(f) => f.clone(),
                            None => {
                                let f = resolve_target(&mut rd.conn(), kind, cell).await?;
                                targets.insert(key, f.clone());
                                f
                            }
                        };
                        match found {
                            Ok(t) => Some(t),
                            Err(why) => {
                                problems.push(problem(r.row, "target", why));
                                None
                            }
                        }
                    }
                    _ => None,
                };
                let due_on =
                    required(r, "due_on", &mut problems).and_then(|d| match parse_date(d) {
                        None => {
                            problems.push(problem(
                                r.row,
                                "due_on",
                                format!("'{d}' is not a date like 2026-12-31 (year-month-day)"),
                            ));
                            None
                        }
                        Some(d) if d < today => {
                            problems.push(problem(
                                r.row,
                                "due_on",
                                format!(
                                    "{} is in the past; choose today ({}) or a later day",
                                    iso_date(d),
                                    iso_date(today)
                                ),
                            ));
                            None
                        }
                        Some(d) => Some(d),
                    });
                let note = match note_of(Some(r.get("note"))) {
                    Ok(n) => n,
                    Err(e) => {
                        problems.push(problem(r.row, "note", e.to_string()));
                        None
                    }
                };
                if let (Some(user), Some(kind), Some((target, title))) = (user, kind, &target) {
                    let key = (user, kind, *target);
                    if let Some(first) = first_row_of.get(&key) {
                        problems.push(problem(
                            r.row,
                            "target",
                            format!("the same assignment as row {first}; give each once"),
                        ));
                    } else {
                        first_row_of.insert(key, r.row);
                        if let Some(due_on) = due_on {
                            lines.push(AssignmentLine {
                                user,
                                kind,
                                target: *target,
                                title: title.clone(),
                                due_on,
                                note,
                            });
                        }
                    }
                }
            }
        }
        if rows.is_empty() && problems.is_empty() {
            problems.push(problem(
                2,
                "file",
                "the file has a header but no rows of assignments",
            ));
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.row);
            return Err(CsvImportError::Rejected(problems));
        }
        Ok((org, lines, rows.len()))
    }

    /// Apply checked assignment rows in the caller's transaction, counting into `summary`.
    pub(crate) async fn apply_assignments(
        &self,
        tx: &mut Tx,
        by: &Principal,
        org: &Organization,
        lines: &[AssignmentLine],
        summary: &mut ImportSummary,
    ) -> Result<()> {
        for l in lines {
            let row = NewAssignmentRow {
                id: Uuid::now_v7(),
                org_id: org.id,
                user_id: l.user,
                target_kind: l.kind.as_str().into(),
                target_id: l.target,
                due_on: l.due_on,
                team_id: None,
                note: l.note.clone(),
                assigned_by: by.user_id(),
                created_at: now(),
            };
            if self
                .insert_and_notify(tx, org, &row, l.kind, &l.title)
                .await?
            {
                summary.assignments_made += 1;
            } else {
                summary.skipped += 1;
            }
        }
        Ok(())
    }
}

/// A target named by id or exact title: (id, title), or why it cannot be used.
async fn resolve_target(
    c: &mut cairn_store::Conn<'_>,
    kind: TargetKind,
    cell: &str,
) -> Result<std::result::Result<(Uuid, String), String>> {
    let what = match kind {
        TargetKind::Achievement => "achievement".to_owned(),
        k => format!("published {}", k.as_str()),
    };
    if let Ok(id) = cell.parse::<Uuid>() {
        return Ok(match c.assignable_title(kind.as_str(), id).await? {
            Some(t) => Ok((id, t)),
            None => Err(format!("there is no {what} with the id {id}")),
        });
    }
    let ids = c.assignables_titled(kind.as_str(), cell).await?;
    Ok(match ids.as_slice() {
        [] => Err(format!(
            "there is no {what} titled '{cell}'; write its exact title or its id"
        )),
        [id] => Ok((*id, cell.to_owned())),
        several => Err(format!(
            "{} {what}s are titled '{cell}'; write the id of the one you mean",
            several.len()
        )),
    })
}
