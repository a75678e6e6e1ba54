//! Long operations (bulk award, CSV imports, ICD-11 import): the forms that start them,
//! their progress pages and a person's list of them, so someone who leaves can come back.
//!
//! A job's page works without JavaScript (a Refresh link); with it, `jobs.js` asks the
//! JSON view for progress, moves the bar and tells screen readers through a live region.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_app::csv_import::{CsvImportError, MAX_CSV_ROWS, RowProblem};
use cairn_app::jobs::{JobKind, JobState, JobView};
use serde_json::json;
use uuid::Uuid;

use super::{Who, error_page, message, page, see_other, who};
use crate::AppState;
use crate::auth::{MaybeSession, SignedIn};
use crate::i18n::t;

/// The largest ICD-11 upload: WHO's zip is a few MB, its unpacked tabulation about 11 MB.
pub const ICD11_UPLOAD_MAX: usize = 32 * 1024 * 1024;
/// Addresses listed on a bulk award's page; the rest are counted.
const UNKNOWN_LISTED: usize = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/jobs/{id}", get(job_page))
        .route("/jobs/{id}/progress", get(job_progress))
        .route("/me/jobs", get(my_jobs_page))
        .route("/orgs/{slug}/awards/bulk", get(bulk_form).post(bulk_submit))
        .route(
            "/icd11/import",
            get(icd11_form)
                .post(icd11_submit)
                .layer(DefaultBodyLimit::max(ICD11_UPLOAD_MAX)),
        )
}

/// A form with a file: its text fields, and the file when one was chosen.
pub(super) struct Upload {
    pub fields: HashMap<String, String>,
    /// (file name, bytes).
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Read a multipart form after checking its token; `limit` says the largest upload in
/// words, for the refusal of a larger one.
pub(super) async fn read_upload(
    session: &Session,
    mut multipart: Multipart,
    limit: &str,
) -> Result<Upload, Response> {
    let mut up = Upload {
        fields: HashMap::new(),
        file: None,
    };
    let unreadable = |e: &dyn std::fmt::Display| {
        message(
            StatusCode::BAD_REQUEST,
            &t("form-unreadable-heading").to_string(),
            t("form-unreadable").with("reason", e),
        )
    };
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let is_file = field.file_name().is_some();
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(too_large(limit));
                    }
                    Err(e) => return Err(unreadable(&e)),
                };
                if is_file {
                    // A file input left empty still sends a part, without a name or bytes.
                    if !(file_name.is_empty() && bytes.is_empty()) {
                        up.file = Some((file_name, bytes.to_vec()));
                    }
                } else {
                    up.fields
                        .insert(name, String::from_utf8_lossy(&bytes).into_owned());
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(limit)),
            Err(e) => return Err(unreadable(&e)),
        }
    }
    if !cairn_app::security::constant_time_eq(
        session.csrf_token.as_bytes(),
        up.field("csrf").as_bytes(),
    ) {
        return Err(message(
            StatusCode::FORBIDDEN,
            &t("form-refused-heading").to_string(),
            t("form-refused"),
        ));
    }
    Ok(up)
}

fn too_large(limit: &str) -> Response {
    message(
        StatusCode::PAYLOAD_TOO_LARGE,
        &t("form-unreadable-heading").to_string(),
        t("import-too-large").with("limit", limit),
    )
}

fn kind_words(k: JobKind) -> String {
    t(match k {
        JobKind::WorkersImport => "job-kind-workers",
        JobKind::AssignmentsImport => "job-kind-assignments",
        JobKind::BulkAward => "job-kind-bulk-award",
        JobKind::Icd11Import => "job-kind-icd11",
    })
    .to_string()
}

fn state_words(s: JobState) -> String {
    t(match s {
        JobState::Queued => "job-state-queued",
        JobState::Running => "job-state-running",
        JobState::Succeeded => "job-state-succeeded",
        JobState::Failed => "job-state-failed",
        JobState::Interrupted => "job-state-interrupted",
    })
    .to_string()
}

fn when(t: time::OffsetDateTime) -> String {
    t.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_else(|_| t.to_string())
}

fn percent(j: &JobView) -> i64 {
    if j.total <= 0 {
        return if j.state == JobState::Succeeded {
            100
        } else {
            0
        };
    }
    (j.done.clamp(0, j.total) * 100) / j.total
}

/// The sentence a screen reader hears and everyone reads under the bar.
fn status_line(j: &JobView) -> String {
    t("job-status-line")
        .with("state", state_words(j.state))
        .with("done", j.done)
        .with("total", j.total)
        .with("percent", percent(j))
        .to_string()
}

/// What a job applied, as (label, value) lines.
fn result_lines(j: &JobView) -> Vec<(String, String)> {
    let n = |k: &str| {
        j.result
            .get(k)
            .and_then(|v| v.as_i64())
            .unwrap_or(0)
            .to_string()
    };
    let line = |id: &str, k: &str| (t(id).to_string(), n(k));
    match j.kind {
        JobKind::WorkersImport => vec![
            line("import-rows-read", "rows"),
            line("import-new-accounts", "accounts_created"),
            line("import-members-added", "members_added"),
            line("import-already-members", "already_members"),
            line("import-teams-joined", "teams_joined"),
        ],
        JobKind::AssignmentsImport => vec![
            line("import-rows-read", "rows"),
            line("import-assignments-made", "assignments_made"),
            line("import-skipped", "skipped"),
        ],
        JobKind::BulkAward => vec![
            line("bulk-addresses-read", "addresses"),
            line("bulk-issued", "issued"),
            line("bulk-already-held", "already_held"),
            line("bulk-repeated", "repeated"),
            (
                t("bulk-unknown-count").to_string(),
                j.result
                    .get("unknown")
                    .and_then(|v| v.as_array())
                    .map_or(0, Vec::len)
                    .to_string(),
            ),
        ],
        JobKind::Icd11Import if j.state == JobState::Succeeded => vec![
            (
                t("icd-release").to_string(),
                j.result
                    .get("version")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
            ),
            line("icd-chapters", "chapters"),
            line("icd-blocks", "blocks"),
            line("icd-categories", "categories"),
            line("icd-extension-codes", "extension_codes"),
        ],
        JobKind::Icd11Import => Vec::new(),
    }
}

/// A job as a page shows it.
struct JobLine {
    id: Uuid,
    title: String,
    org_name: String,
    /// queued, running, … for the template's emphasis.
    state_key: &'static str,
    state: String,
    finished: bool,
    done: i64,
    total: i64,
    percent: i64,
    status: String,
    started: String,
    ended: String,
}

fn job_line(j: &JobView) -> JobLine {
    JobLine {
        id: j.id,
        title: t("job-title")
            .with("kind", kind_words(j.kind))
            .with(
                "label",
                if j.label.is_empty() {
                    t("job-pasted").to_string()
                } else {
                    j.label.clone()
                },
            )
            .to_string(),
        org_name: j.org_name.clone().unwrap_or_default(),
        state_key: j.state.as_str(),
        state: state_words(j.state),
        finished: j.state.is_finished(),
        done: j.done,
        total: j.total,
        percent: percent(j),
        status: status_line(j),
        started: when(j.created_at),
        ended: j.finished_at.map(when).unwrap_or_default(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "job.html")]
struct JobPage {
    who: Who,
    job: JobLine,
    /// Where to go back to: the form that started it.
    back: Option<(String, String)>,
    lines: Vec<(String, String)>,
    /// Why it ended early, in the page's words.
    stopped: Option<String>,
    unknown: Vec<String>,
    unknown_more: usize,
}

async fn job_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
) -> Response {
    let j = match s.app.job(&session.principal, id).await {
        Ok(j) => j,
        Err(e) => return error_page(e),
    };
    let back = match (j.kind, &j.org_slug) {
        (JobKind::WorkersImport, Some(slug)) => Some((
            format!("/orgs/{slug}/workers/import"),
            t("import-workers-heading").to_string(),
        )),
        (JobKind::AssignmentsImport, Some(slug)) => Some((
            format!("/orgs/{slug}/assignments/import"),
            t("import-assignments-heading").to_string(),
        )),
        (JobKind::BulkAward, Some(slug)) => Some((
            format!("/orgs/{slug}/awards/bulk"),
            t("bulk-heading").to_string(),
        )),
        (JobKind::Icd11Import, _) => Some(("/icd11/import".into(), t("icd-heading").to_string())),
        _ => None,
    };
    let stopped = match j.state {
        JobState::Interrupted => Some(
            t("job-interrupted")
                .with("done", j.done)
                .with("total", j.total)
                .with("rest", (j.total - j.done).max(0))
                .to_string(),
        ),
        JobState::Failed => Some(
            t("job-failed")
                .with("done", j.done)
                .with("total", j.total)
                .with("reason", j.error.as_deref().unwrap_or_default())
                .to_string(),
        ),
        _ => None,
    };
    let all_unknown: Vec<String> = j
        .result
        .get("unknown")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let unknown_more = all_unknown.len().saturating_sub(UNKNOWN_LISTED);
    JobPage {
        who: who(&session),
        lines: result_lines(&j),
        job: job_line(&j),
        back,
        stopped,
        unknown: all_unknown.into_iter().take(UNKNOWN_LISTED).collect(),
        unknown_more,
    }
    .into_response()
}

/// The JSON the progress script polls.
async fn job_progress(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path(id): Path<Uuid>,
) -> Response {
    let Some(session) = session else {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "sign in to follow this job"})),
        )
            .into_response();
    };
    match s.app.job(&session.principal, id).await {
        Ok(j) => (
            [(header::CACHE_CONTROL, "no-store")],
            Json(json!({
                "id": j.id,
                "state": j.state.as_str(),
                "finished": j.state.is_finished(),
                "done": j.done,
                "total": j.total,
                "percent": percent(&j),
                "status": status_line(&j),
            })),
        )
            .into_response(),
        Err(AppError::NotFound(_)) => {
            (StatusCode::NOT_FOUND, Json(json!({"error": "no such job"}))).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "job progress failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"error": "try again"})),
            )
                .into_response()
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "jobs_mine.html")]
struct MyJobsPage {
    who: Who,
    jobs: Vec<JobLine>,
}

async fn my_jobs_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    page(
        s.app
            .my_jobs(&session.principal)
            .await
            .map(|jobs| MyJobsPage {
                who: who(&session),
                jobs: jobs.iter().map(job_line).collect(),
            }),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "bulk_award.html")]
struct BulkPage {
    who: Who,
    org_slug: String,
    org_name: String,
    /// (id, name, chosen?)
    achievements: Vec<(String, String, bool)>,
    list: String,
    problems: Vec<RowProblem>,
    max_rows: usize,
}

async fn bulk_page(
    s: &AppState,
    session: &Session,
    slug: &str,
    chosen: &str,
    list: String,
    problems: Vec<RowProblem>,
) -> Result<BulkPage, AppError> {
    let achievements = s
        .app
        .bulk_award_choices(&session.principal, slug)
        .await?
        .into_iter()
        .map(|a| {
            let id = a.id.to_string();
            let is = id == chosen;
            (id, a.name, is)
        })
        .collect();
    let org = s.app.org_unchecked(slug).await?;
    Ok(BulkPage {
        who: who(session),
        org_slug: org.slug,
        org_name: org.name,
        achievements,
        list,
        problems,
        max_rows: MAX_CSV_ROWS,
    })
}

async fn bulk_form(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    page(bulk_page(&s, &session, &slug, "", String::new(), Vec::new()).await)
}

async fn bulk_submit(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    MaybeSession(session): MaybeSession,
    multipart: Multipart,
) -> Response {
    let Some(session) = session else {
        return see_other("/signin");
    };
    let up = match read_upload(&session, multipart, &t("import-limit").to_string()).await {
        Ok(u) => u,
        Err(res) => return res,
    };
    let chosen = up.field("achievement").trim().to_owned();
    let (bytes, shown) = match &up.file {
        Some((_, b)) => (b.clone(), String::from_utf8_lossy(b).into_owned()),
        None => (
            up.field("list").as_bytes().to_vec(),
            up.field("list").to_owned(),
        ),
    };
    let problems = match chosen.parse::<Uuid>() {
        Err(_) => vec![RowProblem {
            row: 0,
            column: "achievement".into(),
            reason: t("bulk-choose-achievement").to_string(),
        }],
        Ok(achievement) => match s
            .app
            .start_bulk_award(&session.principal, &slug, achievement, &bytes)
            .await
        {
            Ok(id) => return see_other(&format!("/jobs/{id}")),
            Err(CsvImportError::Rejected(problems)) => problems,
            Err(CsvImportError::Other(e)) => return error_page(e),
        },
    };
    match bulk_page(&s, &session, &slug, &chosen, shown, problems).await {
        Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
        Err(e) => error_page(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "icd11_import.html")]
struct Icd11Page {
    who: Who,
    /// The loaded release: (version, source, imported at, categories).
    release: Option<(String, String, String, i64)>,
    error: Option<String>,
}

async fn icd11_page(
    s: &AppState,
    session: &Session,
    error: Option<String>,
) -> Result<Icd11Page, AppError> {
    if !session.principal.is_operator {
        return Err(AppError::Forbidden(cairn_core::authz::Denied::NotOperator(
            "import the ICD-11 classification",
        )));
    }
    let status = s.app.icd11_status().await?;
    Ok(Icd11Page {
        who: who(session),
        release: status.release.map(|r| {
            (
                r.version,
                r.source,
                when(r.imported_at),
                status.counts.categories,
            )
        }),
        error,
    })
}

async fn icd11_form(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    page(icd11_page(&s, &session, None).await)
}

async fn icd11_submit(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    multipart: Multipart,
) -> Response {
    let Some(session) = session else {
        return see_other("/signin");
    };
    let up = match read_upload(&session, multipart, &t("icd-limit").to_string()).await {
        Ok(u) => u,
        Err(res) => return res,
    };
    let Some((name, bytes)) = &up.file else {
        return match icd11_page(&s, &session, Some(t("icd-choose-file").to_string())).await {
            Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
            Err(e) => error_page(e),
        };
    };
    match s
        .app
        .start_icd11_import(&session.principal, bytes, name)
        .await
    {
        Ok(id) => see_other(&format!("/jobs/{id}")),
        Err(AppError::Invalid(i)) => {
            match icd11_page(&s, &session, Some(i.message.clone())).await {
                Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
                Err(e) => error_page(e),
            }
        }
        Err(e) => error_page(e),
    }
}
