//! Assignments pages: a manager's list with filters, team progress bars, the assign form
//! and the CSV download; the imports of workers and of assignments (a refused file shows
//! every row problem beside the form, and nothing is imported); a worker's own list.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_app::assignments::{
    AssignmentFilter, AssignmentState, AssignmentView, NewAssignment, TargetKind, iso_date,
    parse_date,
};
use cairn_app::csv_import::{CsvImportError, ImportSummary, MAX_CSV_ROWS, RowProblem};
use serde::Deserialize;
use uuid::Uuid;

use super::workforce_svg::progress_svg;
use super::{SignedInForm, Who, error_page, message, page, see_other, who};
use crate::AppState;
use crate::auth::{MaybeSession, SignedIn};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{slug}/assignments",
            get(list_page).post(assign_submit),
        )
        .route("/orgs/{slug}/assignments/{id}/cancel", post(cancel))
        .route(
            "/orgs/{slug}/assignments/import",
            get(import_assignments_form).post(import_assignments_submit),
        )
        .route(
            "/orgs/{slug}/workers/import",
            get(import_workers_form).post(import_workers_submit),
        )
        .route("/me/assignments", get(my_page))
}

/// One row of a list, as shown.
struct Row {
    id: Uuid,
    worker: String,
    team: String,
    kind: &'static str,
    title: String,
    link: String,
    due: String,
    state: &'static str,
    open: bool,
    org_name: String,
    note: String,
}

fn state_words(s: AssignmentState) -> &'static str {
    match s {
        AssignmentState::Open => "open",
        AssignmentState::Overdue => "overdue",
        AssignmentState::Done => "done",
    }
}

fn row(a: AssignmentView) -> Row {
    Row {
        id: a.id,
        worker: a.worker_name,
        team: a.team.unwrap_or_default(),
        kind: a.kind.as_str(),
        title: a.target_title,
        link: a.link,
        due: iso_date(a.due_on),
        state: state_words(a.state),
        open: a.state != AssignmentState::Done,
        org_name: a.org_name,
        note: a.note.unwrap_or_default(),
    }
}

struct TeamBar {
    name: String,
    assigned: i64,
    done: i64,
    overdue: i64,
    svg: String,
}

/// The assign form as typed, so a refused form comes back as it was sent.
#[derive(Debug, Clone, Default)]
struct AssignForm {
    kind: String,
    target: String,
    due_on: String,
    team: String,
    workers: Vec<String>,
    note: String,
}

impl AssignForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = AssignForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "kind" => f.kind = v,
                "target" => f.target = v,
                "due_on" => f.due_on = v,
                "team" => f.team = v,
                "worker" => f.workers.push(v),
                "note" => f.note = v,
                _ => {}
            }
        }
        f
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    team: String,
    #[serde(default)]
    state: String,
    /// After an assignment: how many were made and skipped.
    assigned: Option<usize>,
    skipped: Option<usize>,
}

#[derive(Template, WebTemplate)]
#[template(path = "assignments.html")]
struct ListPage {
    who: Who,
    org_slug: String,
    org_name: String,
    rows: Vec<Row>,
    bars: Vec<TeamBar>,
    /// (id, name, selected?)
    team_choices: Vec<(String, String, bool)>,
    state_choices: Vec<(&'static str, bool)>,
    /// (id, label, chosen?)
    worker_choices: Vec<(String, String, bool)>,
    /// (id, name, chosen?)
    assign_team_choices: Vec<(String, String, bool)>,
    kinds: Vec<(&'static str, bool)>,
    f: AssignForm,
    csv_link: String,
    notice: Option<String>,
    error: Option<String>,
}

/// The list page; `f` and `error` refill a refused assign form.
async fn build_list(
    s: &AppState,
    session: &Session,
    slug: &str,
    q: &ListQuery,
    f: AssignForm,
    error: Option<String>,
) -> Result<ListPage, AppError> {
    let p = &session.principal;
    let org = s.app.org(p, slug).await?;
    let team = q.team.trim().parse::<Uuid>().ok();
    let state = AssignmentState::parse(&q.state);
    let filter = AssignmentFilter {
        team,
        user: None,
        state,
    };
    let rows = s.app.assignments(p, slug, &filter).await?;
    let bars = s
        .app
        .team_progress(p, slug)
        .await?
        .into_iter()
        .map(|t| TeamBar {
            svg: progress_svg(
                u64::try_from(t.done).unwrap_or(0),
                u64::try_from(t.assigned).unwrap_or(0),
                &format!("{} done", t.team_name),
            ),
            name: t.team_name,
            assigned: t.assigned,
            done: t.done,
            overdue: t.overdue,
        })
        .collect();
    let choices = s.app.assign_choices(p, slug).await?;
    let team_choices = choices
        .teams
        .iter()
        .map(|t| (t.id.to_string(), t.name.clone(), Some(t.id) == team))
        .collect();
    let assign_team_choices = choices
        .teams
        .iter()
        .map(|t| (t.id.to_string(), t.name.clone(), f.team == t.id.to_string()))
        .collect();
    let worker_choices = choices
        .workers
        .into_iter()
        .map(|(id, name, email)| {
            let id = id.to_string();
            let chosen = f.workers.contains(&id);
            let label = match email {
                Some(e) => format!("{name} ({e})"),
                None => name,
            };
            (id, label, chosen)
        })
        .collect();
    let mut csv_link = format!("/api/v1/orgs/{slug}/assignments?format=csv");
    if let Some(t) = team {
        csv_link.push_str(&format!("&team={t}"));
    }
    if let Some(st) = state {
        csv_link.push_str(&format!("&state={}", st.as_str()));
    }
    let notice = q.assigned.map(|n| {
        let skipped = q.skipped.unwrap_or(0);
        if skipped > 0 {
            format!("Assigned to {n} worker(s); {skipped} already had it open and were left as they were.")
        } else {
            format!("Assigned to {n} worker(s); each was notified.")
        }
    });
    let kind = if f.kind.is_empty() {
        "module"
    } else {
        f.kind.as_str()
    };
    let kinds = TargetKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.as_str() == kind))
        .collect();
    Ok(ListPage {
        who: who(session),
        org_slug: org.slug,
        org_name: org.name,
        rows: rows.into_iter().map(row).collect(),
        bars,
        team_choices,
        state_choices: [
            AssignmentState::Open,
            AssignmentState::Overdue,
            AssignmentState::Done,
        ]
        .iter()
        .map(|st| (st.as_str(), Some(*st) == state))
        .collect(),
        worker_choices,
        assign_team_choices,
        kinds,
        f,
        csv_link,
        notice,
        error,
    })
}

async fn list_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    page(build_list(&s, &session, &slug, &q, AssignForm::default(), None).await)
}

/// A refusal as a sentence for the form.
fn sentence(e: &AppError) -> String {
    let text = match e {
        AppError::Invalid(i) => i.message.clone(),
        other => other.to_string(),
    };
    let mut chars = text.trim_end_matches('.').chars();
    match chars.next() {
        Some(c) => format!("{}{}.", c.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

async fn assign_submit(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form }: SignedInForm<Vec<(String, String)>>,
) -> Response {
    let f = AssignForm::from_pairs(form);
    let attempt = async {
        let kind = TargetKind::parse(&f.kind).ok_or_else(|| {
            AppError::from(cairn_core::validate::Invalid::new(
                "kind",
                "choose module, assessment or achievement",
            ))
        })?;
        let target = s.app.find_assignable(kind, &f.target).await?;
        let due_on = parse_date(&f.due_on).ok_or_else(|| {
            AppError::from(cairn_core::validate::Invalid::new(
                "due_on",
                "give the due date as year-month-day, like 2026-12-31",
            ))
        })?;
        let team_id = match f.team.trim() {
            "" => None,
            t => Some(t.parse::<Uuid>().map_err(|_| {
                AppError::from(cairn_core::validate::Invalid::new("team", "choose a team"))
            })?),
        };
        let workers = f
            .workers
            .iter()
            .filter_map(|w| w.parse::<Uuid>().ok())
            .collect();
        s.app
            .assign_learning(
                &session.principal,
                &slug,
                NewAssignment {
                    target,
                    due_on,
                    workers,
                    team_id,
                    note: Some(f.note.clone()),
                },
            )
            .await
    };
    match attempt.await {
        Ok(done) => see_other(&format!(
            "/orgs/{slug}/assignments?assigned={}&skipped={}",
            done.assignments.len(),
            done.skipped
        )),
        Err(e @ AppError::Invalid(_)) => {
            let why = sentence(&e);
            match build_list(&s, &session, &slug, &ListQuery::default(), f, Some(why)).await {
                Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
                Err(e) => error_page(e),
            }
        }
        Err(e) => error_page(e),
    }
}

async fn cancel(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, Uuid)>,
    SignedInForm { session, form: _ }: SignedInForm<Vec<(String, String)>>,
) -> Response {
    match s.app.cancel_assignment(&session.principal, &slug, id).await {
        Ok(()) | Err(AppError::Conflict(_)) => see_other(&format!("/orgs/{slug}/assignments")),
        Err(e) => error_page(e),
    }
}

/// Which import a page is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Import {
    Workers,
    Assignments,
}

#[derive(Template, WebTemplate)]
#[template(path = "workers_import.html")]
struct ImportPage {
    who: Who,
    org_slug: String,
    org_name: String,
    heading: &'static str,
    action: String,
    /// The header line the file must start with.
    header: &'static str,
    example: String,
    csv: String,
    problems: Vec<RowProblem>,
    summary: Option<Vec<(String, usize)>>,
    max_rows: usize,
    assignments: bool,
}

fn import_page(
    session: &Session,
    slug: &str,
    org_name: String,
    which: Import,
    csv: String,
    problems: Vec<RowProblem>,
    summary: Option<ImportSummary>,
) -> ImportPage {
    let (heading, action, header, example) = match which {
        Import::Workers => (
            "Import workers",
            format!("/orgs/{slug}/workers/import"),
            "email,name,team,job_title",
            "amara.okafor@example.org,Amara Okafor,Coding Team North,Clinical Coder".to_owned(),
        ),
        Import::Assignments => (
            "Import assignments",
            format!("/orgs/{slug}/assignments/import"),
            "email,kind,target,due_on,note",
            format!(
                "amara.okafor@example.org,module,ICD-11 stem codes,{},Before the spring audit",
                iso_date(cairn_app::now().date() + time::Duration::days(30))
            ),
        ),
    };
    let summary = summary.map(|s| {
        let mut lines = vec![("rows read".to_owned(), s.rows)];
        if which == Import::Workers {
            lines.push(("new accounts".into(), s.accounts_created));
            lines.push(("members added".into(), s.members_added));
            lines.push(("already members".into(), s.already_members));
            lines.push(("team memberships added".into(), s.teams_joined));
        } else {
            lines.push(("assignments made".into(), s.assignments_made));
            lines.push(("skipped (the worker already had it open)".into(), s.skipped));
        }
        lines
    });
    ImportPage {
        who: who(session),
        org_slug: slug.to_owned(),
        org_name,
        heading,
        action,
        header,
        example,
        csv,
        problems,
        summary,
        max_rows: MAX_CSV_ROWS,
        assignments: which == Import::Assignments,
    }
}

async fn import_form(s: &AppState, session: &Session, slug: &str, which: Import) -> Response {
    let built = async {
        // Only those who may import see the form (both imports are for managers and admins).
        s.app.assign_choices(&session.principal, slug).await?;
        let org = s.app.org_unchecked(slug).await?;
        Ok(import_page(
            session,
            slug,
            org.name,
            which,
            String::new(),
            Vec::new(),
            None,
        ))
    };
    page(built.await)
}

async fn import_workers_form(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    import_form(&s, &session, &slug, Import::Workers).await
}

async fn import_assignments_form(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    import_form(&s, &session, &slug, Import::Assignments).await
}

/// Read the import form (multipart: the pasted text `csv` and/or a `file`, which wins
/// when given) after checking its token.
async fn read_import_form(
    session: &Session,
    mut multipart: Multipart,
) -> Result<(Vec<u8>, String), Response> {
    let mut csrf = String::new();
    let mut pasted = String::new();
    let mut file: Option<Vec<u8>> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|e| {
                    message(
                        StatusCode::BAD_REQUEST,
                        "Form not understood",
                        format!("The form could not be read: {e}."),
                    )
                })?;
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                    "csv" => pasted = String::from_utf8_lossy(&bytes).into_owned(),
                    // A file input left empty still sends a part, without a name or bytes.
                    "file" if !(file_name.is_empty() && bytes.is_empty()) => {
                        file = Some(bytes.to_vec());
                    }
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => {
                let (status, why) = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    (
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "The file is too large; upload at most 1 MiB at a time.".to_owned(),
                    )
                } else {
                    (
                        StatusCode::BAD_REQUEST,
                        format!("The form could not be read: {e}."),
                    )
                };
                return Err(message(status, "Form not understood", why));
            }
        }
    }
    if !cairn_app::security::constant_time_eq(session.csrf_token.as_bytes(), csrf.as_bytes()) {
        return Err(message(
            StatusCode::FORBIDDEN,
            "Form refused",
            "This form did not come from a Cairn page, or it has expired. Go back, reload the page and try again.",
        ));
    }
    Ok(match file {
        Some(bytes) => {
            let shown = String::from_utf8_lossy(&bytes).into_owned();
            (bytes, shown)
        }
        None => (pasted.clone().into_bytes(), pasted),
    })
}

async fn import_submit(
    s: &AppState,
    session: Option<Session>,
    slug: &str,
    which: Import,
    multipart: Multipart,
) -> Response {
    let Some(session) = session else {
        return see_other("/signin");
    };
    let (bytes, shown) = match read_import_form(&session, multipart).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    let p = &session.principal;
    let result = match which {
        Import::Workers => s.app.import_workers(p, slug, &bytes).await,
        Import::Assignments => s.app.import_assignments(p, slug, &bytes).await,
    };
    let org_name = match s.app.org_unchecked(slug).await {
        Ok(o) => o.name,
        Err(e) => return error_page(e),
    };
    match result {
        Ok(summary) => import_page(
            &session,
            slug,
            org_name,
            which,
            String::new(),
            Vec::new(),
            Some(summary),
        )
        .into_response(),
        Err(CsvImportError::Rejected(problems)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            import_page(&session, slug, org_name, which, shown, problems, None),
        )
            .into_response(),
        Err(CsvImportError::Other(e)) => error_page(e),
    }
}

async fn import_workers_submit(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    MaybeSession(session): MaybeSession,
    multipart: Multipart,
) -> Response {
    import_submit(&s, session, &slug, Import::Workers, multipart).await
}

async fn import_assignments_submit(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    MaybeSession(session): MaybeSession,
    multipart: Multipart,
) -> Response {
    import_submit(&s, session, &slug, Import::Assignments, multipart).await
}

#[derive(Template, WebTemplate)]
#[template(path = "assignments_mine.html")]
struct MyPage {
    who: Who,
    rows: Vec<Row>,
}

async fn my_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    page(
        s.app
            .my_assignments(&session.principal)
            .await
            .map(|rows| MyPage {
                who: who(&session),
                rows: rows.into_iter().map(row).collect(),
            }),
    )
}
