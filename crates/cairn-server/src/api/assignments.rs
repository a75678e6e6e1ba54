//! Assignments under `/api/v1`: assigning learning to workers or teams with a due date,
//! listing (JSON or CSV) with progress read from the learning records, team progress,
//! cancelling, a worker's own list, and CSV imports of workers and of assignments that are
//! rejected as a whole with every row problem listed.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_app::assignments::{
    AssignmentFilter, AssignmentState, AssignmentView, NewAssignment, Target, TargetKind,
    TeamProgress, iso_date, parse_date,
};
use cairn_app::csv_import::{CsvImportError, ImportSummary, RowProblem};
use cairn_core::validate::Invalid;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, ApiJson, FieldProblem, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_assignments, create_assignments))
        .routes(routes!(cancel_assignment))
        .routes(routes!(my_assignments))
        .routes(routes!(import_workers))
        .routes(routes!(import_assignments))
        .routes(routes!(team_progress))
}

/// An assignment with where it stands.
#[derive(Serialize, ToSchema)]
pub struct AssignmentOut {
    pub id: Uuid,
    /// The organization that assigned it.
    pub org: String,
    pub user_id: Uuid,
    pub worker_name: String,
    pub worker_email: Option<String>,
    /// The team it was assigned through, else the worker's first team.
    pub team: Option<String>,
    /// module, assessment or achievement.
    #[schema(value_type = String)]
    pub kind: TargetKind,
    pub target_id: Uuid,
    pub target_title: String,
    /// Where in Cairn the worker does it.
    pub link: String,
    /// The day it is due (YYYY-MM-DD).
    #[schema(format = Date)]
    pub due_on: String,
    /// open, overdue (open past its due date) or done (judged from the learning records).
    #[schema(value_type = String)]
    pub state: AssignmentState,
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// When the learning records first showed it done.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<OffsetDateTime>,
}

impl From<AssignmentView> for AssignmentOut {
    fn from(a: AssignmentView) -> Self {
        AssignmentOut {
            id: a.id,
            org: a.org_slug,
            user_id: a.user_id,
            worker_name: a.worker_name,
            worker_email: a.worker_email,
            team: a.team,
            kind: a.kind,
            target_id: a.target_id,
            target_title: a.target_title,
            link: a.link,
            due_on: iso_date(a.due_on),
            state: a.state,
            note: a.note,
            created_at: a.created_at,
            completed_at: a.completed_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// Only workers in this team.
    team: Option<Uuid>,
    /// Only this worker.
    user: Option<Uuid>,
    /// open, overdue or done.
    state: Option<String>,
    /// `csv` for a CSV file instead of JSON.
    format: Option<String>,
}

/// What to assign, by when, to whom.
#[derive(Deserialize, ToSchema)]
pub struct NewAssignmentIn {
    /// module, assessment or achievement.
    #[schema(value_type = String)]
    kind: TargetKind,
    /// The published module or assessment, or the achievement.
    target_id: Uuid,
    /// The day it is due (YYYY-MM-DD), today or later.
    #[schema(format = Date)]
    due_on: String,
    /// Members of the organization.
    #[serde(default)]
    workers: Vec<Uuid>,
    /// Every member of this team.
    team_id: Option<Uuid>,
    /// Shown to the workers.
    note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AssignedOut {
    /// The assignments made, one per worker.
    pub assignments: Vec<Uuid>,
    /// Workers who already had it open and were left as they were.
    pub skipped: usize,
}

#[derive(Serialize, ToSchema)]
pub struct TeamProgressOut {
    pub team_id: Uuid,
    pub team_name: String,
    /// Assignments of the team's members (cancelled ones left out).
    pub assigned: i64,
    pub done: i64,
    pub overdue: i64,
}

impl From<TeamProgress> for TeamProgressOut {
    fn from(t: TeamProgress) -> Self {
        TeamProgressOut {
            team_id: t.team_id,
            team_name: t.team_name,
            assigned: t.assigned,
            done: t.done,
            overdue: t.overdue,
        }
    }
}

/// What an import did.
#[derive(Serialize, ToSchema)]
pub struct ImportSummaryOut {
    /// Data rows read.
    pub rows: usize,
    /// New accounts (without a password) for e-mail addresses Cairn did not know.
    pub accounts_created: usize,
    /// People who became members of the organization (as learners).
    pub members_added: usize,
    /// People who were members already.
    pub already_members: usize,
    /// Team memberships added.
    pub teams_joined: usize,
    pub assignments_made: usize,
    /// Assignments the worker already had open.
    pub skipped: usize,
}

impl From<ImportSummary> for ImportSummaryOut {
    fn from(s: ImportSummary) -> Self {
        ImportSummaryOut {
            rows: s.rows,
            accounts_created: s.accounts_created,
            members_added: s.members_added,
            already_members: s.already_members,
            teams_joined: s.teams_joined,
            assignments_made: s.assignments_made,
            skipped: s.skipped,
        }
    }
}

fn filter(q: &ListParams) -> Result<AssignmentFilter, AppError> {
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(AssignmentState::parse(s).ok_or_else(|| {
            Invalid::new(
                "state",
                format!("'{s}' is not a state; use open, overdue or done"),
            )
        })?),
    };
    Ok(AssignmentFilter {
        team: q.team,
        user: q.user,
        state,
    })
}

/// The organization's assignments (cancelled ones left out) by due date, each with its
/// state judged from the learning records; `?format=csv` gives a CSV file (managers and
/// admins).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assignments", tag = "assignments",
    params(("slug" = String, Path, description = "The organization's handle"), ListParams),
    responses((status = 200, body = Vec<AssignmentOut>), (status = 200, description = "With format=csv: the table as CSV", content_type = "text/csv", body = String),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_assignments(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    Query(q): Query<ListParams>,
) -> ApiResult<Response> {
    let f = filter(&q)?;
    match q.format.as_deref() {
        None | Some("json") => {
            let rows = s.app.assignments(&p, &slug, &f).await?;
            Ok(Json(
                rows.into_iter()
                    .map(AssignmentOut::from)
                    .collect::<Vec<_>>(),
            )
            .into_response())
        }
        Some("csv") => {
            let table = s.app.assignments_table(&p, &slug, &f).await?;
            Ok(super::workforce::csv(
                &table,
                &format!("assignments-{slug}"),
            )?)
        }
        Some(other) => Err(AppError::from(Invalid::new(
            "format",
            format!("'{other}' is not a format; use json or csv"),
        ))
        .into()),
    }
}

/// Assign a module, assessment or achievement to workers and/or a whole team, due on a
/// date (managers and admins). Workers who already have it open are skipped and counted;
/// each one assigned is notified.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assignments", tag = "assignments", request_body = NewAssignmentIn,
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 201, body = AssignedOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_assignments(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<NewAssignmentIn>,
) -> ApiResult<(StatusCode, Json<AssignedOut>)> {
    let due_on = parse_date(&b.due_on).ok_or_else(|| {
        AppError::from(Invalid::new(
            "due_on",
            format!("'{}' is not a date like 2026-12-31", b.due_on),
        ))
    })?;
    let done = s
        .app
        .assign_learning(
            &p,
            &slug,
            NewAssignment {
                target: Target {
                    kind: b.kind,
                    id: b.target_id,
                },
                due_on,
                workers: b.workers,
                team_id: b.team_id,
                note: b.note,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AssignedOut {
            assignments: done.assignments,
            skipped: done.skipped,
        }),
    ))
}

/// Cancel an open assignment (managers and admins). Done ones stay on the record: 409.
#[utoipa::path(delete, path = "/api/v1/orgs/{slug}/assignments/{id}", tag = "assignments",
    params(("slug" = String, Path, description = "The organization's handle"), ("id" = Uuid, Path, description = "The assignment")),
    responses((status = 204, description = "Cancelled"), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn cancel_assignment(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> ApiResult<StatusCode> {
    s.app.cancel_assignment(&p, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in worker's assignments in every organization, by due date.
#[utoipa::path(get, path = "/api/v1/me/assignments", tag = "assignments",
    responses((status = 200, body = Vec<AssignmentOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn my_assignments(
    State(s): State<AppState>,
    Auth(p): Auth,
) -> ApiResult<Json<Vec<AssignmentOut>>> {
    let rows = s.app.my_assignments(&p).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Per team: its members' assignments, done and overdue (managers and admins).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/team-progress", tag = "assignments",
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 200, body = Vec<TeamProgressOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn team_progress(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<TeamProgressOut>>> {
    let rows = s.app.team_progress(&p, &slug).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// A refused file as problem+json: every row problem in `errors`, `field` naming the row
/// and column (e.g. `row 3, email`).
pub(crate) fn rejected(problems: Vec<RowProblem>) -> Problem {
    let mut pr = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!(
            "the CSV file has {} problem(s) and nothing was imported; fix each one listed in errors and send it again",
            problems.len()
        ),
    );
    pr.kind = "https://cairn.dev/problems/invalid-csv".into();
    pr.errors = problems
        .into_iter()
        .map(|p| FieldProblem {
            field: format!("row {}, {}", p.row, p.column),
            message: p.reason,
        })
        .collect();
    pr
}

fn import_result(r: Result<ImportSummary, CsvImportError>) -> Response {
    match r {
        Ok(s) => Json(ImportSummaryOut::from(s)).into_response(),
        Err(CsvImportError::Other(e)) => ApiError::from(e).into_response(),
        Err(CsvImportError::Rejected(problems)) => rejected(problems).into_response(),
    }
}

/// Import workers from a CSV file with the header `email,name,team` and optionally
/// `job_title` (managers and admins). Each becomes a learner member of the organization
/// (an account without a password is made for a new e-mail address), joins the team
/// (which must exist) and is notified. All or nothing: a file with any problem imports
/// nothing, and 422 lists every problem in `errors` with its row (the header is row 1).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/workers/import", tag = "assignments",
    params(("slug" = String, Path, description = "The organization's handle")),
    request_body(content = String, description = "CSV, UTF-8, header required", content_type = "text/csv"),
    responses((status = 200, body = ImportSummaryOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 413, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import_workers(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    import_result(s.app.import_workers(&p, &slug, &body).await)
}

/// Import assignments from a CSV file with the header `email,kind,target,due_on` and
/// optionally `note` (managers and admins): `kind` is module, assessment or achievement,
/// `target` its id or exact title, `due_on` a day like 2026-12-31. Workers must be members;
/// one who already has the same open is skipped. All or nothing, as for workers.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assignments/import", tag = "assignments",
    params(("slug" = String, Path, description = "The organization's handle")),
    request_body(content = String, description = "CSV, UTF-8, header required", content_type = "text/csv"),
    responses((status = 200, body = ImportSummaryOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 413, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import_assignments(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    import_result(s.app.import_assignments(&p, &slug, &body).await)
}
