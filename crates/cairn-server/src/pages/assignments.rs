//! Assignments pages: a manager's list with filters, team progress bars, the assign form
//! and the CSV download; the imports of workers and of assignments (a refused file shows
//! every row problem beside the form, and nothing is imported; a good one is imported in
//! the background, followed on its job's page); a worker's own list.

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
use cairn_app::csv_import::{CsvImportError, MAX_CSV_ROWS, RowProblem};
use serde::Deserialize;
use uuid::Uuid;

use super::jobs::read_upload;
use super::workforce_svg::progress_svg;
use super::{SignedInForm, Who, error_page, page, see_other, who};
use crate::AppState;
use crate::auth::{MaybeSession, SignedIn};
use crate::i18n::t;

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
    kind_words: String,
    title: String,
    link: String,
    due: String,
    /// open, overdue or done, for the template's emphasis.
    state: &'static str,
    state_words: String,
    open: bool,
    org_name: String,
    note: String,
}

fn state_words(s: AssignmentState) -> String {
    t(match s {
        AssignmentState::Open => "assign-state-open",
        AssignmentState::Overdue => "assign-state-overdue",
        AssignmentState::Done => "assign-state-done",
    })
    .to_string()
}

fn kind_words(k: TargetKind) -> String {
    t(match k {
        TargetKind::Module => "assign-kind-module",
        TargetKind::Assessment => "assign-kind-assessment",
        TargetKind::Achievement => "assign-kind-achievement",
    })
    .to_string()
}

fn row(a: AssignmentView) -> Row {
    Row {
        id: a.id,
        worker: a.worker_name,
        team: a.team.unwrap_or_default(),
        kind_words: kind_words(a.kind),
        title: a.target_title,
        link: a.link,
        due: iso_date(a.due_on),
        state: a.state.as_str(),
        state_words: state_words(a.state),
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
    /// (value, selected?, words)
    state_choices: Vec<(&'static str, bool, String)>,
    /// (id, label, chosen?)
    worker_choices: Vec<(String, String, bool)>,
    /// (id, name, chosen?)
    assign_team_choices: Vec<(String, String, bool)>,
    /// (value, selected?, words)
    kinds: Vec<(&'static str, bool, String)>,
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
                &crate::i18n::t("assign-team-done")
                    .with("team", &t.team_name)
                    .to_string(),
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
            t("assign-notice-skipped")
                .with("count", n)
                .with("skipped", skipped)
                .to_string()
        } else {
            t("assign-notice").with("count", n).to_string()
        }
    });
    let kind = if f.kind.is_empty() {
        "module"
    } else {
        f.kind.as_str()
    };
    let kinds = TargetKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.as_str() == kind, kind_words(*k)))
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
        .map(|st| (st.as_str(), Some(*st) == state, state_words(*st)))
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
                t("assign-error-kind"),
            ))
        })?;
        let target = s.app.find_assignable(kind, &f.target).await?;
        let due_on = parse_date(&f.due_on).ok_or_else(|| {
            AppError::from(cairn_core::validate::Invalid::new(
                "due_on",
                t("assign-error-due"),
            ))
        })?;
        let team_id = match f.team.trim() {
            "" => None,
            team => Some(team.parse::<Uuid>().map_err(|_| {
                AppError::from(cairn_core::validate::Invalid::new(
                    "team",
                    t("assign-error-team"),
                ))
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
    heading: String,
    action: String,
    /// The header line the file must start with.
    header: &'static str,
    example: String,
    csv: String,
    problems: Vec<RowProblem>,
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
) -> ImportPage {
    let (heading, action, header, example) = match which {
        Import::Workers => (
            t("import-workers-heading").to_string(),
            format!("/orgs/{slug}/workers/import"),
            "email,name,team,job_title",
            "amara.okafor@example.org,Amara Okafor,Coding Team North,Clinical Coder".to_owned(),
        ),
        Import::Assignments => (
            t("import-assignments-heading").to_string(),
            format!("/orgs/{slug}/assignments/import"),
            "email,kind,target,due_on,note",
            format!(
                "amara.okafor@example.org,module,ICD-11 stem codes,{},Before the spring audit",
                iso_date(cairn_app::now().date() + time::Duration::days(30))
            ),
        ),
    };
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

/// Check the posted file (multipart: the pasted text `csv` and/or a `file`, which wins
/// when given) and start importing it in the background: a file with problems comes
/// back beside the form with every problem and starts nothing; a good one goes to the
/// job's progress page.
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
    let up = match read_upload(&session, multipart, &t("import-limit").to_string()).await {
        Ok(u) => u,
        Err(res) => return res,
    };
    let (bytes, shown, file_name) = match &up.file {
        Some((name, bytes)) => (
            bytes.clone(),
            String::from_utf8_lossy(bytes).into_owned(),
            name.clone(),
        ),
        None => (
            up.field("csv").as_bytes().to_vec(),
            up.field("csv").to_owned(),
            String::new(),
        ),
    };
    let p = &session.principal;
    let result = match which {
        Import::Workers => {
            s.app
                .start_workers_import(p, slug, &bytes, &file_name)
                .await
        }
        Import::Assignments => {
            s.app
                .start_assignments_import(p, slug, &bytes, &file_name)
                .await
        }
    };
    match result {
        Ok(job) => see_other(&format!("/jobs/{job}")),
        Err(CsvImportError::Rejected(problems)) => {
            let org_name = match s.app.org_unchecked(slug).await {
                Ok(o) => o.name,
                Err(e) => return error_page(e),
            };
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                import_page(&session, slug, org_name, which, shown, problems),
            )
                .into_response()
        }
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
