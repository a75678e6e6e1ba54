//! Pages for evidence: learners submit and appeal, assessors work their queue, providers see statistics.
//!
//! Evidence is uploaded as a multipart form; its `csrf` field is checked against the
//! session's token exactly as `SignedInForm` checks urlencoded forms.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_app::reviews::{
    self as rv, EvidenceView, NewCriterion, NewEvidence, NewEvidenceFile, NewRubric,
};
use cairn_core::review::{Mark, RubricLevel};
use serde::Deserialize;
use uuid::Uuid;

use super::{SignedInForm, Who, error_page, message, see_other, who};
use crate::AppState;
use crate::auth::{MaybeSession, SignedIn};
use crate::i18n::t;

/// Room for the files plus the form's text fields.
const UPLOAD_BODY_MAX: usize = rv::FILES_TOTAL_BYTES_MAX + 1024 * 1024;
/// Criterion blocks on the rubric form; empty ones are ignored.
const RUBRIC_FORM_BLOCKS: usize = 6;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/evidence", get(my_evidence))
        .route(
            "/evidence/new",
            get(new_form)
                .post(new_submit)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_MAX)),
        )
        .route("/evidence/{id}", get(evidence_page))
        .route("/evidence/{id}/appeal", post(appeal))
        .route("/evidence/{id}/files/{file_id}", get(download))
        .route("/reviews", get(queue_page))
        .route("/reviews/claim/{evidence_id}", post(claim))
        .route("/reviews/{id}", get(review_page).post(review_submit))
        .route(
            "/orgs/{slug}/rubrics",
            get(rubrics_page).post(rubric_submit),
        )
        .route("/orgs/{slug}/review-stats", get(stats_page))
}

/// A refusal or invalid input shown on the page (422/409), anything else as its own page.
fn page_error(e: AppError) -> Result<(StatusCode, String, String), AppError> {
    match e {
        AppError::Invalid(inv) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            inv.field.to_owned(),
            capitalised(&inv.message),
        )),
        AppError::Conflict(msg) => Ok((StatusCode::CONFLICT, String::new(), capitalised(&msg))),
        other => Err(other),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str().trim_end_matches('.')),
        None => String::new(),
    }
}

fn when(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn stage_words(s: cairn_core::review::ReviewStage) -> String {
    use cairn_core::review::ReviewStage::*;
    t(match s {
        FirstMarking => "review-stage-first",
        SecondMarking => "review-stage-second",
        Adjudication => "review-stage-adjudication",
        Appeal => "review-stage-appeal",
    })
    .to_string()
}

// --- Learner: my evidence ---------------------------------------------------------------------

struct EvidenceLine {
    id: Uuid,
    title: String,
    rubric: String,
    status: String,
    explanation: String,
    submitted: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "evidence_list.html")]
struct EvidenceListPage {
    who: Who,
    items: Vec<EvidenceLine>,
    rubrics: Vec<RubricChoice>,
}

/// A rubric a learner may submit evidence on, and the achievements it leads to.
struct RubricChoice {
    id: Uuid,
    title: String,
    org: String,
    /// (id, name)
    achievements: Vec<(Uuid, String)>,
}

async fn my_evidence(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let rubrics = match s.app.rubric_directory(&session.principal).await {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    match s.app.my_evidence(&session.principal).await {
        Ok(list) => EvidenceListPage {
            who: who(&session),
            items: list
                .into_iter()
                .map(|e| EvidenceLine {
                    id: e.id,
                    title: e.title,
                    rubric: e.rubric_title,
                    status: e.status_text,
                    explanation: e.explanation.unwrap_or_default(),
                    submitted: when(e.submitted_at),
                })
                .collect(),
            rubrics: rubrics
                .into_iter()
                .map(|r| RubricChoice {
                    id: r.rubric.id,
                    title: r.rubric.title,
                    org: r.org_name,
                    achievements: r.achievements.into_iter().map(|a| (a.id, a.name)).collect(),
                })
                .collect(),
        }
        .into_response(),
        Err(e) => error_page(e),
    }
}

// --- Learner: submit evidence -----------------------------------------------------------------

#[derive(Deserialize, Default)]
struct NewQuery {
    rubric: Option<String>,
    achievement: Option<String>,
}

#[derive(Default)]
struct EvidenceFormValues {
    rubric: String,
    achievement: String,
    title: String,
    narrative: String,
    links: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "evidence_new.html")]
struct EvidenceNewPage {
    who: Who,
    f: EvidenceFormValues,
    /// (title, criteria titles) of the chosen rubric, when it was found.
    rubric: Option<RubricSummary>,
    /// The field the error is about ("" for the whole form), and the message.
    error_field: String,
    error: Option<String>,
    max_files: usize,
}

/// What the form shows of the rubric chosen: its title, its criteria, and the
/// achievement the evidence is towards (with how it is reviewed), when one was chosen.
#[derive(Clone)]
struct RubricSummary {
    title: String,
    criteria: Vec<String>,
    towards: Option<String>,
}

async fn rubric_summary(
    s: &AppState,
    session: &Session,
    id: &str,
    achievement: &str,
) -> Option<RubricSummary> {
    let id = Uuid::parse_str(id.trim()).ok()?;
    let r = s.app.rubric(&session.principal, id).await.ok()?;
    let towards = Uuid::parse_str(achievement.trim()).ok().and_then(|a| {
        r.achievements.iter().find(|x| x.id == a).map(|x| {
            let how = if x.review_policy.double_marking {
                t("evidence-how-double")
            } else {
                t("evidence-how-single")
            };
            t("evidence-towards-how")
                .with("achievement", &x.name)
                .with("how", how)
                .to_string()
        })
    });
    Some(RubricSummary {
        title: r.rubric.title,
        criteria: r.rubric.criteria.into_iter().map(|c| c.title).collect(),
        towards,
    })
}

async fn new_form(
    State(s): State<AppState>,
    Query(q): Query<NewQuery>,
    SignedIn(session): SignedIn,
) -> Response {
    let f = EvidenceFormValues {
        rubric: q.rubric.unwrap_or_default(),
        achievement: q.achievement.unwrap_or_default(),
        ..Default::default()
    };
    let rubric = rubric_summary(&s, &session, &f.rubric, &f.achievement).await;
    EvidenceNewPage {
        who: who(&session),
        f,
        rubric,
        error_field: String::new(),
        error: None,
        max_files: rv::FILES_MAX,
    }
    .into_response()
}

fn optional_uuid(field: &'static str, v: &str) -> Result<Option<Uuid>, AppError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(v).map(Some).map_err(|_| {
        cairn_core::validate::Invalid::new(field, t("evidence-error-not-an-id").with("value", v))
            .into()
    })
}

async fn new_submit(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    mut multipart: Multipart,
) -> Response {
    // Checked here rather than by `SignedIn`, so that a body that is no multipart form is
    // refused as such whoever sends it.
    let Some(session) = session else {
        return see_other("/signin");
    };
    let mut f = EvidenceFormValues::default();
    let mut csrf = String::new();
    let mut files = Vec::new();
    let mut read_error = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                read_error = Some(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    t("evidence-error-files-too-large")
                        .with("max", rv::FILES_TOTAL_BYTES_MAX / (1024 * 1024))
                        .to_string()
                } else {
                    t("evidence-error-form-unreadable")
                        .with("reason", e)
                        .to_string()
                });
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "files" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let media_type = field.content_type().unwrap_or_default().to_owned();
            match field.bytes().await {
                // A file input left empty still sends a part, without a name or bytes.
                Ok(bytes) if file_name.is_empty() && bytes.is_empty() => {}
                Ok(bytes) => files.push(NewEvidenceFile {
                    name: file_name,
                    media_type,
                    bytes: bytes.to_vec(),
                }),
                Err(e) => {
                    read_error = Some(
                        t("evidence-error-file-unreadable")
                            .with("file", &file_name)
                            .with("reason", e)
                            .to_string(),
                    );
                    break;
                }
            }
            continue;
        }
        let text = field.text().await.unwrap_or_default();
        match name.as_str() {
            "csrf" => csrf = text,
            "rubric" => f.rubric = text,
            "achievement" => f.achievement = text,
            "title" => f.title = text,
            "narrative" => f.narrative = text,
            "links" => f.links = text,
            _ => {}
        }
    }
    if !cairn_app::security::constant_time_eq(session.csrf_token.as_bytes(), csrf.as_bytes()) {
        return message(
            StatusCode::FORBIDDEN,
            &t("evidence-form-refused-heading").to_string(),
            t("evidence-form-refused"),
        );
    }
    let rubric = rubric_summary(&s, &session, &f.rubric, &f.achievement).await;
    let render = |f: EvidenceFormValues, status: StatusCode, field: String, msg: String| {
        (
            status,
            EvidenceNewPage {
                who: who(&session),
                f,
                rubric: rubric.clone(),
                error_field: field,
                error: Some(msg),
                max_files: rv::FILES_MAX,
            },
        )
            .into_response()
    };
    if let Some(msg) = read_error {
        return render(f, StatusCode::BAD_REQUEST, "files".into(), msg);
    }
    let ids = optional_uuid("rubric_id", &f.rubric).and_then(|r| {
        let r = r.ok_or_else(|| {
            AppError::from(cairn_core::validate::Invalid::new(
                "rubric_id",
                t("evidence-error-no-rubric"),
            ))
        })?;
        Ok((r, optional_uuid("achievement_id", &f.achievement)?))
    });
    let result = match ids {
        Ok((rubric_id, achievement_id)) => {
            let new = NewEvidence {
                rubric_id,
                achievement_id,
                title: f.title.clone(),
                narrative: f.narrative.clone(),
                links: f.links.lines().map(str::to_owned).collect(),
                files,
            };
            s.app.submit_evidence(&session.principal, new).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(e) => see_other(&format!("/evidence/{}", e.id)),
        Err(e) => match page_error(e) {
            Ok((status, field, msg)) => render(f, status, field, msg),
            Err(e) => error_page(e),
        },
    }
}

// --- Evidence page ----------------------------------------------------------------------------

struct ReviewLine {
    stage: String,
    assessor: String,
    state: String,
    score: String,
    comments: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "evidence.html")]
struct EvidencePage {
    who: Who,
    e: EvidenceView,
    is_learner: bool,
    reviews: Vec<ReviewLine>,
    error: Option<String>,
}

fn review_lines(e: &EvidenceView) -> Vec<ReviewLine> {
    e.reviews
        .iter()
        .map(|r| ReviewLine {
            stage: stage_words(r.stage),
            assessor: r.assessor_name.clone(),
            state: match r.submitted_at {
                Some(at) => t("evidence-review-submitted").with("when", when(at)),
                None => t("evidence-review-assigned").with("when", when(r.assigned_at)),
            }
            .to_string(),
            score: r
                .score
                .as_ref()
                .map(|s| {
                    t(if s.passed {
                        "evidence-review-score-passed"
                    } else {
                        "evidence-review-score-failed"
                    })
                    .with("total", s.total)
                    .with("max", s.max)
                    .to_string()
                })
                .unwrap_or_default(),
            comments: r
                .marks
                .iter()
                .flatten()
                .filter_map(|m| m.comment.clone())
                .filter(|c| !c.trim().is_empty())
                .collect(),
        })
        .collect()
}

async fn render_evidence(
    s: &AppState,
    session: &Session,
    id: Uuid,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    match s.app.evidence(&session.principal, id).await {
        Ok(e) => (
            status,
            EvidencePage {
                who: who(session),
                is_learner: Some(e.learner_id) == session.principal.user_id(),
                reviews: review_lines(&e),
                e,
                error,
            },
        )
            .into_response(),
        Err(e) => error_page(e),
    }
}

async fn evidence_page(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedIn(session): SignedIn,
) -> Response {
    render_evidence(&s, &session, id, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct AppealForm {
    #[serde(default)]
    reason: String,
}

async fn appeal(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedInForm<AppealForm>,
) -> Response {
    let SignedInForm { session, form } = form;
    match s
        .app
        .appeal_evidence(&session.principal, id, &form.reason)
        .await
    {
        Ok(_) => see_other(&format!("/evidence/{id}")),
        Err(e) => match page_error(e) {
            Ok((status, _, msg)) => render_evidence(&s, &session, id, status, Some(msg)).await,
            Err(e) => error_page(e),
        },
    }
}

async fn download(
    State(s): State<AppState>,
    Path((id, file_id)): Path<(Uuid, Uuid)>,
    SignedIn(session): SignedIn,
) -> Response {
    match s.app.evidence_file(&session.principal, id, file_id).await {
        Ok((info, bytes)) => crate::api::reviews::file_response(info, bytes),
        Err(e) => error_page(e),
    }
}

// --- Assessor: queue and review ---------------------------------------------------------------

struct QueueLine {
    review_id: Uuid,
    stage: String,
    title: String,
    learner: String,
    rubric: String,
    since: String,
}

struct ClaimLine {
    evidence_id: Uuid,
    stage: String,
    title: String,
    learner: String,
    rubric: String,
    since: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review_queue.html")]
struct QueuePage {
    who: Who,
    assigned: Vec<QueueLine>,
    unassigned: Vec<ClaimLine>,
    error: Option<String>,
}

async fn render_queue(
    s: &AppState,
    session: &Session,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    match s.app.review_queue(&session.principal).await {
        Ok(q) => (
            status,
            QueuePage {
                who: who(session),
                assigned: q
                    .assigned
                    .into_iter()
                    .map(|i| QueueLine {
                        review_id: i.review_id,
                        stage: stage_words(i.stage),
                        title: i.evidence_title,
                        learner: i.learner_name,
                        rubric: i.rubric_title,
                        since: when(i.assigned_at),
                    })
                    .collect(),
                unassigned: q
                    .unassigned
                    .into_iter()
                    .map(|c| ClaimLine {
                        evidence_id: c.evidence_id,
                        stage: stage_words(c.stage),
                        title: c.evidence_title,
                        learner: c.learner_name,
                        rubric: c.rubric_title,
                        since: when(c.submitted_at),
                    })
                    .collect(),
                error,
            },
        )
            .into_response(),
        Err(e) => error_page(e),
    }
}

async fn queue_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    render_queue(&s, &session, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct Empty {}

async fn claim(
    State(s): State<AppState>,
    Path(evidence_id): Path<Uuid>,
    form: SignedInForm<Empty>,
) -> Response {
    let SignedInForm { session, form: _ } = form;
    match s.app.claim_review(&session.principal, evidence_id).await {
        Ok(t) => see_other(&format!("/reviews/{}", t.review.id)),
        Err(e) => match page_error(e) {
            Ok((status, _, msg)) => render_queue(&s, &session, status, Some(msg)).await,
            Err(e) => error_page(e),
        },
    }
}

struct LevelCell {
    index: usize,
    title: String,
    descriptor: String,
    points: u32,
    checked: bool,
}

struct CriterionRow {
    id: Uuid,
    number: usize,
    title: String,
    min_level: String,
    levels: Vec<LevelCell>,
    comment: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review.html")]
struct ReviewPage {
    who: Who,
    review_id: Uuid,
    stage: String,
    submitted: bool,
    score: String,
    e: EvidenceView,
    rubric_title: String,
    pass_mark: u32,
    max_points: u32,
    criteria: Vec<CriterionRow>,
    width: usize,
    error: Option<String>,
}

async fn render_review(
    s: &AppState,
    session: &Session,
    id: Uuid,
    chosen: &HashMap<String, String>,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let task = match s.app.review_task(&session.principal, id).await {
        Ok(t) => t,
        Err(e) => return error_page(e),
    };
    let own: HashMap<Uuid, (usize, String)> = task
        .review
        .marks
        .iter()
        .flatten()
        .map(|m| {
            (
                m.criterion_id,
                (m.level, m.comment.clone().unwrap_or_default()),
            )
        })
        .collect();
    let width = task
        .rubric
        .criteria
        .iter()
        .map(|c| c.levels.len())
        .max()
        .unwrap_or(0);
    let criteria = task
        .rubric
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let picked = chosen
                .get(&format!("level_{}", c.id))
                .and_then(|v| v.parse::<usize>().ok())
                .or(own.get(&c.id).map(|o| o.0));
            CriterionRow {
                id: c.id,
                number: i + 1,
                title: c.title.clone(),
                min_level: c
                    .min_level
                    .and_then(|m| c.levels.get(m))
                    .map(|l| t("review-min-level").with("level", &l.title).to_string())
                    .unwrap_or_default(),
                levels: c
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(j, l): (usize, &RubricLevel)| LevelCell {
                        index: j,
                        title: l.title.clone(),
                        descriptor: l.descriptor.clone(),
                        points: l.points,
                        checked: picked == Some(j),
                    })
                    .collect(),
                comment: chosen
                    .get(&format!("comment_{}", c.id))
                    .cloned()
                    .or(own.get(&c.id).map(|o| o.1.clone()))
                    .unwrap_or_default(),
            }
        })
        .collect();
    (
        status,
        ReviewPage {
            who: who(session),
            review_id: task.review.id,
            stage: stage_words(task.review.stage),
            submitted: task.review.submitted_at.is_some(),
            score: task
                .review
                .score
                .as_ref()
                .map(|s| {
                    t("review-score")
                        .with("total", s.total)
                        .with("max", s.max)
                        .to_string()
                })
                .unwrap_or_default(),
            rubric_title: task.rubric.title.clone(),
            pass_mark: task.rubric.pass_mark,
            max_points: task.rubric.max_points(),
            e: task.evidence,
            criteria,
            width,
            error,
        },
    )
        .into_response()
}

async fn review_page(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedIn(session): SignedIn,
) -> Response {
    render_review(&s, &session, id, &HashMap::new(), StatusCode::OK, None).await
}

async fn review_submit(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedInForm<HashMap<String, String>>,
) -> Response {
    let SignedInForm { session, form } = form;
    let task = match s.app.review_task(&session.principal, id).await {
        Ok(t) => t,
        Err(e) => return error_page(e),
    };
    let mut marks = Vec::new();
    let mut missing = Vec::new();
    for (i, c) in task.rubric.criteria.iter().enumerate() {
        match form
            .get(&format!("level_{}", c.id))
            .and_then(|v| v.parse::<usize>().ok())
        {
            Some(level) => marks.push(Mark {
                criterion_id: c.id,
                level,
                comment: form
                    .get(&format!("comment_{}", c.id))
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
            }),
            None => missing.push(
                t("review-missing-criterion")
                    .with("number", i + 1)
                    .with("criterion", &c.title)
                    .to_string(),
            ),
        }
    }
    if !missing.is_empty() {
        let msg = t("review-error-levels-missing")
            .with("missing", missing.join(", "))
            .to_string();
        return render_review(
            &s,
            &session,
            id,
            &form,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(msg),
        )
        .await;
    }
    match s.app.submit_review(&session.principal, id, marks).await {
        Ok(_) => see_other(&format!("/reviews/{id}")),
        Err(e) => match page_error(e) {
            Ok((status, _, msg)) => render_review(&s, &session, id, &form, status, Some(msg)).await,
            Err(e) => error_page(e),
        },
    }
}

// --- Provider: rubrics and statistics ---------------------------------------------------------

struct RubricLine {
    id: Uuid,
    title: String,
    /// (achievement id, name)
    achievements: Vec<(Uuid, String)>,
    criteria: usize,
    pass_mark: u32,
    max_points: u32,
}

#[derive(Default, Clone)]
struct BlockValues {
    title: String,
    levels: String,
    min_level: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "rubric_list.html")]
struct RubricsPage {
    who: Who,
    org_slug: String,
    org_name: String,
    rubrics: Vec<RubricLine>,
    can_write: bool,
    title: String,
    pass_mark: String,
    blocks: Vec<(usize, BlockValues)>,
    error: Option<String>,
}

async fn render_rubrics(
    s: &AppState,
    session: &Session,
    slug: &str,
    form: &HashMap<String, String>,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let p = &session.principal;
    let org = match s.app.org_unchecked(slug).await {
        Ok(o) => o,
        Err(e) => return error_page(e),
    };
    let list = match s.app.rubrics(p, slug).await {
        Ok(l) => l,
        Err(e) => return error_page(e),
    };
    let get = |k: String| form.get(&k).cloned().unwrap_or_default();
    (
        status,
        RubricsPage {
            who: who(session),
            org_slug: org.slug.clone(),
            org_name: org.name.clone(),
            can_write: p.may(cairn_core::authz::Action::RubricManage, Some(org.id)),
            rubrics: list
                .into_iter()
                .map(|r| RubricLine {
                    id: r.rubric.id,
                    criteria: r.rubric.criteria.len(),
                    pass_mark: r.rubric.pass_mark,
                    max_points: r.max_points,
                    title: r.rubric.title,
                    achievements: r.achievements.into_iter().map(|a| (a.id, a.name)).collect(),
                })
                .collect(),
            title: get("title".into()),
            pass_mark: get("pass_mark".into()),
            blocks: (1..=RUBRIC_FORM_BLOCKS)
                .map(|n| {
                    (
                        n,
                        BlockValues {
                            title: get(format!("c{n}_title")),
                            levels: get(format!("c{n}_levels")),
                            min_level: get(format!("c{n}_min")),
                        },
                    )
                })
                .collect(),
            error,
        },
    )
        .into_response()
}

async fn rubrics_page(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedIn(session): SignedIn,
) -> Response {
    render_rubrics(&s, &session, &slug, &HashMap::new(), StatusCode::OK, None).await
}

/// Read the rubric form: each criterion block has a title and one level per line written
/// as "title | descriptor | points"; a block without a title is left out.
fn rubric_from_form(form: &HashMap<String, String>) -> Result<NewRubric, String> {
    let mut criteria = Vec::new();
    for n in 1..=RUBRIC_FORM_BLOCKS {
        let title = form
            .get(&format!("c{n}_title"))
            .map(|s| s.trim())
            .unwrap_or("");
        if title.is_empty() {
            continue;
        }
        let mut levels = Vec::new();
        let lines = form
            .get(&format!("c{n}_levels"))
            .cloned()
            .unwrap_or_default();
        for (i, line) in lines.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let [lt, descriptor, points] = parts.as_slice() else {
                return Err(t("rubric-error-level-format")
                    .with("number", n)
                    .with("criterion", title)
                    .with("line", i + 1)
                    .with("format", t("rubric-level-format"))
                    .to_string());
            };
            let points = points.parse::<u32>().map_err(|_| {
                t("rubric-error-level-points")
                    .with("number", n)
                    .with("criterion", title)
                    .with("line", i + 1)
                    .with("value", points)
                    .to_string()
            })?;
            levels.push(RubricLevel {
                title: (*lt).to_owned(),
                descriptor: (*descriptor).to_owned(),
                points,
            });
        }
        let min = form
            .get(&format!("c{n}_min"))
            .map(|s| s.trim())
            .unwrap_or("");
        let min_level = if min.is_empty() {
            None
        } else {
            let m = min
                .parse::<usize>()
                .ok()
                .filter(|m| *m >= 1)
                .ok_or_else(|| {
                    t("rubric-error-min-level")
                        .with("number", n)
                        .with("criterion", title)
                        .to_string()
                })?;
            Some(m - 1)
        };
        criteria.push(NewCriterion {
            title: title.to_owned(),
            levels,
            min_level,
        });
    }
    let pass = form.get("pass_mark").map(|s| s.trim()).unwrap_or("");
    let pass_mark = pass
        .parse::<u32>()
        .map_err(|_| t("rubric-error-pass-mark").with("value", pass).to_string())?;
    Ok(NewRubric {
        title: form.get("title").cloned().unwrap_or_default(),
        criteria,
        pass_mark,
    })
}

async fn rubric_submit(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    form: SignedInForm<HashMap<String, String>>,
) -> Response {
    let SignedInForm { session, form } = form;
    let new = match rubric_from_form(&form) {
        Ok(n) => n,
        Err(msg) => {
            return render_rubrics(
                &s,
                &session,
                &slug,
                &form,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(msg),
            )
            .await;
        }
    };
    match s.app.create_rubric(&session.principal, &slug, new).await {
        Ok(_) => see_other(&format!("/orgs/{slug}/rubrics")),
        Err(e) => match page_error(e) {
            Ok((status, field, msg)) => {
                let msg = if field.is_empty() {
                    msg
                } else {
                    format!("{}: {msg}", field.replace('_', " "))
                };
                render_rubrics(&s, &session, &slug, &form, status, Some(msg)).await
            }
            Err(e) => error_page(e),
        },
    }
}

struct StatLine {
    name: String,
    reviews: usize,
    kappa: String,
    observed: String,
    difference: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review_stats.html")]
struct StatsPage {
    who: Who,
    org_slug: String,
    org_name: String,
    double_marked: usize,
    overall: StatLine,
    lines: Vec<StatLine>,
}

fn stat_line(name: String, a: &cairn_core::review::Agreement) -> StatLine {
    let f = |v: Option<f64>, digits: usize| match v {
        Some(v) => format!("{v:.digits$}"),
        None => "—".to_owned(),
    };
    StatLine {
        name,
        reviews: a.reviews,
        kappa: f(a.kappa, 2),
        observed: a
            .observed_agreement
            .map(|v| format!("{:.0}%", v * 100.0))
            .unwrap_or_else(|| "—".into()),
        difference: a
            .mean_absolute_difference
            .map(|v| {
                t("review-stats-points-in-100")
                    .with("points", format!("{v:.1}"))
                    .to_string()
            })
            .unwrap_or_else(|| "—".into()),
    }
}

async fn stats_page(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedIn(session): SignedIn,
) -> Response {
    let org = match s.app.org_unchecked(&slug).await {
        Ok(o) => o,
        Err(e) => return error_page(e),
    };
    match s.app.review_stats(&session.principal, &slug).await {
        Ok(st) => StatsPage {
            who: who(&session),
            org_slug: org.slug,
            org_name: org.name,
            double_marked: st.double_marked,
            overall: stat_line(t("review-stats-all-assessors").to_string(), &st.overall),
            lines: st
                .by_assessor
                .iter()
                .map(|a| stat_line(a.assessor_name.clone(), &a.agreement))
                .collect(),
        }
        .into_response(),
        Err(e) => error_page(e),
    }
}
