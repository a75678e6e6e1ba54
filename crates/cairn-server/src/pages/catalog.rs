//! Catalog, module and lesson pages, and the author's module editor.
//!
//! Every form posts the session's CSRF token; lesson Markdown is rendered by
//! `cairn_core::catalog::render_markdown`, which leaves no raw HTML or unsafe link.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_app::modules::{CatalogForm as CatalogParams, CatalogSearch, ProgressUpdate};
use cairn_core::catalog::{
    self, LessonPage, ModuleContent, ModuleFormat, ModuleVersion, Question, VersionState,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{SignedInForm, Who, error_page, message, see_other, who_maybe};
use crate::AppState;
use crate::auth::{MaybeSession, SignedIn};
use crate::i18n::t;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/catalog", get(catalog_page))
        .route("/modules/{id}", get(module_page))
        .route("/modules/{id}/learn", get(lesson_page).post(lesson_step))
        .route("/modules/{id}/edit", get(edit_form).post(edit_submit))
        .route("/modules/{id}/pages", post(add_page))
        .route("/modules/{id}/questions", post(add_question))
        .route("/modules/{id}/alignments", post(align))
        .route("/modules/{id}/publish", post(publish))
        .route("/orgs/{slug}/modules", get(author_list))
        .route("/orgs/{slug}/modules/new", get(new_form).post(new_submit))
}

// ---------------------------------------------------------------- catalog

/// A module format's name in the reader's language.
fn format_label(f: ModuleFormat) -> String {
    t(match f {
        ModuleFormat::Lesson => "module-format-lesson",
        ModuleFormat::Link => "module-format-link",
        ModuleFormat::Xapi => "module-format-xapi",
    })
    .to_string()
}

/// A version's state ("draft", "published") in the reader's language.
fn state_word(s: VersionState) -> String {
    t(match s {
        VersionState::Draft => "module-state-draft",
        VersionState::Published => "module-state-published",
    })
    .to_string()
}

/// "3 pages and a knowledge check of 2 questions.", with singulars where they belong.
fn lesson_size(pages: usize, questions: usize) -> String {
    let pages = match pages {
        1 => t("module-n-pages-one"),
        _ => t("module-n-pages-other"),
    }
    .with("count", pages);
    match questions {
        0 => t("module-lesson-size").with("pages", pages),
        1 => t("module-lesson-size-with-check")
            .with("pages", pages)
            .with("questions", t("module-n-questions-one").with("count", 1)),
        n => t("module-lesson-size-with-check")
            .with("pages", pages)
            .with("questions", t("module-n-questions-other").with("count", n)),
    }
    .to_string()
}

struct Hit {
    module_id: Uuid,
    title: String,
    summary: String,
    minutes: u32,
    format: String,
    language: String,
    provider: String,
    accredited: bool,
    tags: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog.html")]
struct CatalogPageT {
    who: Who,
    f: Filters,
    error: Option<String>,
    total: i64,
    hits: Vec<Hit>,
    /// (slug, name)
    providers: Vec<(String, String)>,
    /// (id, label)
    domains: Vec<(String, String)>,
    prev: Option<String>,
    next: Option<String>,
    first: i64,
    last: i64,
}

/// The filters as the form shows them again.
struct Filters {
    q: String,
    domain: String,
    provider: String,
    format: String,
    language: String,
    min: String,
    max: String,
    sort: String,
    accredited: bool,
}

fn val(v: &Option<String>) -> String {
    v.as_deref().unwrap_or("").trim().to_owned()
}

impl Filters {
    fn of(p: &CatalogParams) -> Self {
        Filters {
            q: val(&p.q),
            domain: val(&p.domain),
            provider: val(&p.provider),
            format: val(&p.format),
            language: val(&p.language),
            min: val(&p.min_minutes),
            max: val(&p.max_minutes),
            sort: val(&p.sort),
            accredited: matches!(val(&p.accredited).as_str(), "true" | "on" | "1" | "yes"),
        }
    }
}

fn query_string(p: &CatalogParams, offset: i64) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("q", &p.q),
        ("domain", &p.domain),
        ("provider", &p.provider),
        ("format", &p.format),
        ("language", &p.language),
        ("min_minutes", &p.min_minutes),
        ("max_minutes", &p.max_minutes),
        ("accredited", &p.accredited),
        ("competency", &p.competency),
        ("sort", &p.sort),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", encode(v)));
        }
    }
    parts.push(format!("offset={offset}"));
    format!("/catalog?{}", parts.join("&"))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn catalog_page(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Query(p): Query<CatalogParams>,
) -> Response {
    let providers: Vec<(String, String)> = match s.app.store.reader().await {
        Ok(mut r) => match r.conn().list_orgs().await {
            Ok(orgs) => orgs
                .into_iter()
                .filter(|o| o.is(cairn_core::OrgKind::Provider))
                .map(|o| (o.slug, o.name))
                .collect(),
            Err(e) => return error_page(e.into()),
        },
        Err(e) => return error_page(e.into()),
    };
    let domains = match s.app.catalog_domains().await {
        Ok(d) => d
            .into_iter()
            .map(|(id, _, title)| (id.to_string(), title))
            .collect(),
        Err(e) => return error_page(e),
    };
    let mut page = CatalogPageT {
        who: who_maybe(&session),
        f: Filters::of(&p),
        error: None,
        total: 0,
        hits: Vec::new(),
        providers,
        domains,
        prev: None,
        next: None,
        first: 0,
        last: 0,
    };
    let search: Result<CatalogSearch, AppError> = p.to_search().map_err(AppError::from);
    let result = match search {
        Ok(q) => s.app.search_catalog(&q).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => {
            page.total = r.total;
            page.first = r.offset + 1;
            page.last = r.offset + i64::try_from(r.modules.len()).unwrap_or(0);
            page.prev = (r.offset > 0).then(|| query_string(&p, (r.offset - r.limit).max(0)));
            page.next =
                (r.offset + r.limit < r.total).then(|| query_string(&p, r.offset + r.limit));
            page.hits = r
                .modules
                .into_iter()
                .map(|m| Hit {
                    module_id: m.module_id,
                    title: m.title,
                    summary: m.summary,
                    minutes: m.duration_minutes,
                    format: format_label(m.format),
                    language: m.language,
                    provider: m.provider_name,
                    accredited: m.accredited,
                    tags: m.tags.join(", "),
                })
                .collect();
            page.into_response()
        }
        Err(AppError::Invalid(i)) => {
            page.error = Some(i.to_string());
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(AppError::NotFound(w)) => {
            page.error = Some(t("catalog-not-found").with("what", w).to_string());
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(e) => error_page(e),
    }
}

// ---------------------------------------------------------------- module page

#[derive(Template, WebTemplate)]
#[template(path = "module.html")]
struct ModulePageT {
    who: Who,
    module_id: Uuid,
    provider_slug: String,
    provider_name: String,
    accredited: bool,
    /// Who accredits the current published version: (accreditor, until, with conditions,
    /// endorsement credential).
    endorsements: Vec<(String, String, bool, Uuid)>,
    v: ModuleVersion,
    is_draft_view: bool,
    can_author: bool,
    has_draft: bool,
    /// (number, state in words)
    versions: Vec<(i32, String)>,
    format_label: String,
    /// The shown version's state in words.
    state_word: String,
    /// How long a built-in lesson is: its pages and questions, in a sentence.
    lesson_size: String,
    /// Where a learner is, for built-in lessons: (pages seen, pages, completed).
    progress: Option<(u32, usize, bool)>,
    /// The module's published assessments: (id, title).
    assessments: Vec<(Uuid, String)>,
}

async fn module_page(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path(id): Path<Uuid>,
) -> Response {
    let principal = session.as_ref().map(|s| &s.principal);
    let view = match s.app.module(principal, id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let has_draft = view.draft.is_some();
    let (v, is_draft_view) = match (view.published, view.draft) {
        (Some(p), _) => (p, false),
        (None, Some(d)) => (d, true),
        (None, None) => return error_page(AppError::NotFound(format!("module {id}"))),
    };
    let progress = match (principal, v.content.format, v.state) {
        (Some(p), ModuleFormat::Lesson, VersionState::Published) if p.user_id().is_some() => {
            match s.app.progress(p, v.id).await {
                Ok(pr) => Some((
                    pr.page_reached,
                    v.content.pages.len(),
                    pr.completed_at.is_some(),
                )),
                Err(e) => return error_page(e),
            }
        }
        _ => None,
    };
    let assessments = match s.app.module_assessments(id).await {
        Ok(list) => list.into_iter().map(|a| (a.id, a.title)).collect(),
        Err(e) => return error_page(e),
    };
    ModulePageT {
        who: who_maybe(&session),
        module_id: id,
        provider_slug: view.provider_slug,
        provider_name: view.provider_name,
        accredited: view.accredited,
        endorsements: view
            .endorsements
            .iter()
            .map(|e| {
                (
                    e.accreditor_name.clone(),
                    cairn_app::assignments::iso_date(e.valid_until.date()),
                    e.outcome == cairn_core::accreditation::Outcome::Conditional.as_str(),
                    e.credential_id,
                )
            })
            .collect(),
        format_label: format_label(v.content.format),
        state_word: state_word(v.state),
        lesson_size: lesson_size(v.content.pages.len(), v.content.questions.len()),
        v,
        is_draft_view,
        can_author: view.can_author,
        has_draft,
        versions: view
            .versions
            .iter()
            .map(|(n, st, _)| (*n, state_word(*st)))
            .collect(),
        progress,
        assessments,
    }
    .into_response()
}

// ---------------------------------------------------------------- lessons

/// A question as the check shows it: prompt, and (index, choice, chosen) per choice.
type QuestionRow = (String, Vec<(usize, String, bool)>);

#[derive(Template, WebTemplate)]
#[template(path = "lesson.html")]
struct LessonPageT {
    who: Who,
    module_id: Uuid,
    title: String,
    /// 1-based page shown; pages + 1 is the knowledge check (or the end).
    page: usize,
    pages: usize,
    page_title: String,
    body_html: String,
    /// (prompt, choices with their index and whether chosen)
    questions: Vec<QuestionRow>,
    at_check: bool,
    /// (score, out of) once answered, with each question's feedback.
    result: Option<(u32, usize)>,
    feedback: Vec<(bool, String)>,
}

#[derive(Deserialize)]
struct LessonQuery {
    page: Option<usize>,
}

async fn published_lesson(
    s: &AppState,
    session: &Session,
    id: Uuid,
) -> Result<ModuleVersion, AppError> {
    let view = s.app.module(Some(&session.principal), id).await?;
    match view.published {
        Some(v) if v.content.format == ModuleFormat::Lesson => Ok(v),
        _ => Err(AppError::NotFound(format!(
            "a published lesson for module {id}"
        ))),
    }
}

async fn lesson_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
    Query(q): Query<LessonQuery>,
) -> Response {
    let v = match published_lesson(&s, &session, id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let progress = match s.app.progress(&session.principal, v.id).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let pages = v.content.pages.len();
    // Without a page asked for, continue where the learner left off.
    let default_page = usize::try_from(progress.page_reached).unwrap_or(0) + 1;
    let page = q.page.unwrap_or(default_page).clamp(1, pages + 1);
    let (page_title, body_html) = match v.content.pages.get(page - 1) {
        Some(p) => (p.title.clone(), catalog::render_markdown(&p.markdown)),
        None => (String::new(), String::new()),
    };
    let answered = progress.score.is_some();
    let questions = v
        .content
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let chosen = progress.answers.get(i).copied().flatten();
            (
                q.prompt.clone(),
                q.choices
                    .iter()
                    .enumerate()
                    .map(|(j, c)| (j, c.clone(), chosen == Some(j)))
                    .collect(),
            )
        })
        .collect();
    let feedback = if answered {
        v.content
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let right = progress.answers.get(i).copied().flatten() == Some(q.answer);
                let right_choice = q.choices.get(q.answer).cloned().unwrap_or_default();
                let why = q.explanation.clone().unwrap_or_default();
                let text = if right {
                    t("lesson-feedback-right")
                        .with("number", i + 1)
                        .with("why", why)
                } else {
                    t("lesson-feedback-wrong")
                        .with("number", i + 1)
                        .with("answer", right_choice)
                        .with("why", why)
                };
                (right, text.to_string().trim().to_owned())
            })
            .collect()
    } else {
        Vec::new()
    };
    LessonPageT {
        who: who_maybe(&Some(session.clone())),
        module_id: id,
        title: v.content.title.clone(),
        page,
        pages,
        page_title,
        body_html,
        questions,
        at_check: page > pages,
        result: progress.score.map(|sc| (sc, v.content.questions.len())),
        feedback,
    }
    .into_response()
}

#[derive(Deserialize)]
struct LessonStep {
    /// The page just read (1-based).
    page: Option<u32>,
    /// "check" when the knowledge check is submitted.
    #[serde(default)]
    action: String,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

async fn lesson_step(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form: f }: SignedInForm<LessonStep>,
) -> Response {
    let v = match published_lesson(&s, &session, id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let update = if f.action == "check" {
        let answers = (0..v.content.questions.len())
            .map(|i| f.rest.get(&format!("q{i}")).and_then(|a| a.parse().ok()))
            .collect();
        ProgressUpdate {
            page_reached: None,
            answers: Some(answers),
        }
    } else {
        ProgressUpdate {
            page_reached: f.page,
            answers: None,
        }
    };
    match s.app.save_progress(&session.principal, v.id, update).await {
        Ok(p) => {
            let next = if f.action == "check" {
                v.content.pages.len() + 1
            } else {
                usize::try_from(p.page_reached).unwrap_or(0) + 1
            };
            let next = match f.page {
                Some(read) if f.action != "check" => usize::try_from(read).unwrap_or(0) + 1,
                _ => next,
            };
            see_other(&format!("/modules/{id}/learn?page={next}"))
        }
        Err(AppError::Invalid(i)) => message(
            StatusCode::UNPROCESSABLE_ENTITY,
            &t("lesson-save-failed-heading").to_string(),
            t("lesson-save-failed").with("reason", i),
        ),
        Err(e) => error_page(e),
    }
}

// ---------------------------------------------------------------- authoring

#[derive(Template, WebTemplate)]
#[template(path = "module_list.html")]
struct AuthorListT {
    who: Who,
    org_slug: String,
    org_name: String,
    /// (module id, title, version number, state in words)
    modules: Vec<(Uuid, String, i32, String)>,
}

async fn author_list(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    match s.app.provider_modules(&session.principal, &slug).await {
        Ok((org, list)) => AuthorListT {
            who: who_maybe(&Some(session.clone())),
            org_slug: org.slug,
            org_name: org.name,
            modules: list
                .into_iter()
                .map(|v| (v.module_id, v.content.title, v.number, state_word(v.state)))
                .collect(),
        }
        .into_response(),
        Err(e) => error_page(e),
    }
}

/// The module form's fields, as text.
#[derive(Deserialize, Default, Clone)]
struct ModuleForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    /// One per line.
    #[serde(default)]
    objectives: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    activity_iri: String,
    /// Comma-separated.
    #[serde(default)]
    tags: String,
}

impl ModuleForm {
    fn from_content(c: &ModuleContent) -> Self {
        ModuleForm {
            title: c.title.clone(),
            summary: c.summary.clone(),
            objectives: c.objectives.join("\n"),
            duration_minutes: c.duration_minutes.to_string(),
            language: c.language.clone(),
            format: c.format.as_str().to_owned(),
            url: c.url.clone().unwrap_or_default(),
            activity_iri: c.activity_iri.clone().unwrap_or_default(),
            tags: c.tags.join(", "),
        }
    }

    /// The content this form describes, keeping `base`'s pages, questions and alignments.
    fn to_content(&self, base: Option<&ModuleContent>) -> Result<ModuleContent, String> {
        let duration_minutes = self.duration_minutes.trim().parse::<u32>().map_err(|_| {
            t("module-error-duration")
                .with("value", self.duration_minutes.trim())
                .to_string()
        })?;
        let format = ModuleFormat::parse(self.format.trim())
            .ok_or_else(|| t("module-error-format").to_string())?;
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(ModuleContent {
            title: self.title.clone(),
            summary: self.summary.clone(),
            objectives: self
                .objectives
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            duration_minutes,
            language: self.language.clone(),
            format,
            url: opt(&self.url),
            activity_iri: opt(&self.activity_iri),
            alignments: base.map(|b| b.alignments.clone()).unwrap_or_default(),
            tags: self
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            pages: base.map(|b| b.pages.clone()).unwrap_or_default(),
            questions: base.map(|b| b.questions.clone()).unwrap_or_default(),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "module_edit.html")]
struct EditPageT {
    who: Who,
    /// None for a new module.
    module_id: Option<Uuid>,
    org_slug: String,
    action: String,
    f: ModuleForm,
    error: Option<String>,
    /// The version being edited: (number, state, state in words).
    version: Option<(i32, &'static str, String)>,
    pages: Vec<LessonPage>,
    questions: Vec<Question>,
    alignments: Vec<cairn_core::catalog::Alignment>,
    /// (id, label) of competencies to align to.
    choices: Vec<(String, String)>,
}

fn edit_page(
    session: &Session,
    module_id: Option<Uuid>,
    org_slug: String,
    f: ModuleForm,
    error: Option<String>,
    v: Option<&ModuleVersion>,
) -> EditPageT {
    EditPageT {
        who: who_maybe(&Some(session.clone())),
        action: match module_id {
            Some(id) => format!("/modules/{id}/edit"),
            None => format!("/orgs/{org_slug}/modules/new"),
        },
        module_id,
        org_slug,
        f,
        error,
        version: v.map(|v| (v.number, v.state.as_str(), state_word(v.state))),
        pages: v.map(|v| v.content.pages.clone()).unwrap_or_default(),
        questions: v.map(|v| v.content.questions.clone()).unwrap_or_default(),
        alignments: v.map(|v| v.content.alignments.clone()).unwrap_or_default(),
        choices: Vec::new(),
    }
}

/// A re-shown form: 422 unless something worse happened on the way.
fn unprocessable(mut res: Response) -> Response {
    if res.status() == StatusCode::OK {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

/// The edit page with the competencies an author can align to.
async fn with_choices(s: &AppState, mut page: EditPageT) -> Response {
    if page.module_id.is_some() {
        match s.app.competency_choices().await {
            Ok(list) => {
                page.choices = list
                    .into_iter()
                    .map(|(id, code, statement, framework)| {
                        let code = code.map(|c| format!("{c} ")).unwrap_or_default();
                        let short: String = statement.chars().take(90).collect();
                        let more = if statement.chars().count() > 90 {
                            "…"
                        } else {
                            ""
                        };
                        (id.to_string(), format!("{framework}: {code}{short}{more}"))
                    })
                    .collect();
            }
            Err(e) => return error_page(e),
        }
    }
    page.into_response()
}

async fn new_form(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    // Only the provider's authors may open the form.
    if let Err(e) = s.app.provider_modules(&session.principal, &slug).await {
        return error_page(e);
    }
    let f = ModuleForm {
        duration_minutes: "10".into(),
        language: "en".into(),
        format: "lesson".into(),
        ..Default::default()
    };
    edit_page(&session, None, slug, f, None, None).into_response()
}

/// A validation problem as a message for the form, or any other error to show as a page.
fn form_error(e: AppError) -> Result<String, AppError> {
    match e {
        AppError::Invalid(i) => Ok(i.to_string()),
        other => Err(other),
    }
}

async fn new_submit(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form: f }: SignedInForm<ModuleForm>,
) -> Response {
    let content = match f.to_content(None) {
        Ok(c) => c,
        Err(msg) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                edit_page(&session, None, slug, f, Some(msg), None),
            )
                .into_response();
        }
    };
    match s
        .app
        .create_module(&session.principal, &slug, content)
        .await
    {
        Ok(v) => see_other(&format!("/modules/{}/edit", v.module_id)),
        Err(e) => match form_error(e) {
            Ok(msg) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                edit_page(&session, None, slug, f, Some(msg), None),
            )
                .into_response(),
            Err(e) => error_page(e),
        },
    }
}

/// The version an author edits: the draft, or else the published one (editing it starts a draft).
async fn editable(
    s: &AppState,
    session: &Session,
    id: Uuid,
) -> Result<(String, ModuleVersion), AppError> {
    let view = s.app.module(Some(&session.principal), id).await?;
    if !view.can_author {
        // Ask the policy, so the refusal names the roles needed.
        let org = s.app.org_unchecked(&view.provider_slug).await?;
        cairn_core::authz::authorize(
            &session.principal,
            cairn_core::Action::ModuleAuthor,
            Some(org.id),
        )
        .map_err(AppError::Forbidden)?;
    }
    let v = view
        .draft
        .or(view.published)
        .ok_or_else(|| AppError::NotFound(format!("module {id}")))?;
    Ok((view.provider_slug, v))
}

async fn edit_form(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
) -> Response {
    match editable(&s, &session, id).await {
        Ok((slug, v)) => {
            let f = ModuleForm::from_content(&v.content);
            with_choices(&s, edit_page(&session, Some(id), slug, f, None, Some(&v))).await
        }
        Err(e) => error_page(e),
    }
}

async fn edit_submit(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form: f }: SignedInForm<ModuleForm>,
) -> Response {
    let (slug, v) = match editable(&s, &session, id).await {
        Ok(x) => x,
        Err(e) => return error_page(e),
    };
    let result = match f.to_content(Some(&v.content)) {
        Ok(c) => s
            .app
            .update_module(&session.principal, id, c)
            .await
            .map_err(form_error),
        Err(msg) => Err(Ok(msg)),
    };
    match result {
        Ok(_) => see_other(&format!("/modules/{id}/edit")),
        Err(Ok(msg)) => {
            let page = edit_page(&session, Some(id), slug, f, Some(msg), Some(&v));
            unprocessable(with_choices(&s, page).await)
        }
        Err(Err(e)) => error_page(e),
    }
}

#[derive(Deserialize)]
struct PageForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    markdown: String,
}

#[derive(Deserialize)]
struct QuestionForm {
    #[serde(default)]
    prompt: String,
    /// One choice per line.
    #[serde(default)]
    choices: String,
    /// The right choice, counting from 1.
    #[serde(default)]
    answer: String,
    #[serde(default)]
    explanation: String,
}

/// Change the editable version's content with `change`, then back to the editor.
async fn change_content(
    s: &AppState,
    session: &Session,
    id: Uuid,
    change: impl FnOnce(&mut ModuleContent) -> Result<(), String>,
) -> Response {
    let (slug, v) = match editable(s, session, id).await {
        Ok(x) => x,
        Err(e) => return error_page(e),
    };
    let mut c = v.content.clone();
    let result = match change(&mut c) {
        Ok(()) => s
            .app
            .update_module(&session.principal, id, c)
            .await
            .map_err(form_error),
        Err(msg) => Err(Ok(msg)),
    };
    match result {
        Ok(_) => see_other(&format!("/modules/{id}/edit")),
        Err(Ok(msg)) => {
            let f = ModuleForm::from_content(&v.content);
            let page = edit_page(session, Some(id), slug, f, Some(msg), Some(&v));
            unprocessable(with_choices(s, page).await)
        }
        Err(Err(e)) => error_page(e),
    }
}

async fn add_page(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form: f }: SignedInForm<PageForm>,
) -> Response {
    change_content(&s, &session, id, |c| {
        c.pages.push(LessonPage {
            title: f.title,
            markdown: f.markdown,
        });
        Ok(())
    })
    .await
}

async fn add_question(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form: f }: SignedInForm<QuestionForm>,
) -> Response {
    change_content(&s, &session, id, |c| {
        let choices: Vec<String> = f
            .choices
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        let answer = f
            .answer
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|a| (1..=choices.len()).contains(a))
            .ok_or_else(|| {
                t("module-error-answer")
                    .with("max", choices.len())
                    .to_string()
            })?;
        c.questions.push(Question {
            prompt: f.prompt,
            choices,
            answer: answer - 1,
            explanation: Some(f.explanation).filter(|e| !e.trim().is_empty()),
        });
        Ok(())
    })
    .await
}

#[derive(Deserialize)]
struct AlignForm {
    #[serde(default)]
    competency: String,
    #[serde(default)]
    level: String,
    /// "remove" to take the alignment away.
    #[serde(default)]
    action: String,
}

async fn align(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form: f }: SignedInForm<AlignForm>,
) -> Response {
    change_content(&s, &session, id, |c| {
        let competency = Uuid::parse_str(f.competency.trim())
            .map_err(|_| t("module-error-competency").to_string())?;
        c.alignments.retain(|a| a.competency_id != competency);
        if f.action != "remove" {
            let target_level = f
                .level
                .trim()
                .parse::<u8>()
                .map_err(|_| t("module-error-level").to_string())?;
            c.alignments.push(cairn_core::catalog::Alignment {
                competency_id: competency,
                target_level,
                code: None,
                statement: String::new(),
            });
        }
        Ok(())
    })
    .await
}

#[derive(Deserialize)]
/// A form whose only field is its CSRF token (checked by [`SignedInForm`]).
struct CsrfForm {}

async fn publish(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, .. }: SignedInForm<CsrfForm>,
) -> Response {
    match s.app.publish_module(&session.principal, id).await {
        Ok(_) => see_other(&format!("/modules/{id}")),
        Err(AppError::Invalid(i)) => message(
            StatusCode::UNPROCESSABLE_ENTITY,
            &t("module-not-published").to_string(),
            format!("{i}."),
        ),
        Err(e) => error_page(e),
    }
}

#[cfg(test)]
mod tests {
    /// The Rust sources of the learning pages, where message ids are named as literals.
    const CODE: &[&str] = &[
        include_str!("catalog.rs"),
        include_str!("stacks.rs"),
        include_str!("stack_svg.rs"),
        include_str!("awards.rs"),
    ];

    /// Their templates, where ids are named in `t("…")` calls beside CSS classes that
    /// share the prefixes.
    const TEMPLATES: &[&str] = &[
        include_str!("../../templates/catalog.html"),
        include_str!("../../templates/catalog_nav.html"),
        include_str!("../../templates/module.html"),
        include_str!("../../templates/lesson.html"),
        include_str!("../../templates/module_list.html"),
        include_str!("../../templates/module_edit.html"),
        include_str!("../../templates/my_stacks.html"),
        include_str!("../../templates/pathway.html"),
        include_str!("../../templates/org_stacks.html"),
        include_str!("../../templates/stack_edit.html"),
        include_str!("../../templates/award_list.html"),
        include_str!("../../templates/award_chain.html"),
    ];

    const PREFIXES: [&str; 6] = ["catalog-", "module-", "lesson-", "stack-", "award-", "nav-"];

    fn looks_like_id(s: &str) -> bool {
        PREFIXES
            .iter()
            .any(|p| s.starts_with(p) && s.len() > p.len())
            && !s.ends_with('-')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    #[test]
    fn every_message_id_the_learning_pages_name_is_in_the_catalog() {
        // Every piece between two quotes is tried, so an escaped quote cannot hide an id.
        let in_code = CODE
            .iter()
            .flat_map(|src| src.split('"'))
            .filter(|s| looks_like_id(s));
        let in_templates = TEMPLATES
            .iter()
            .flat_map(|src| src.split("t(\"").skip(1))
            .filter_map(|s| s.split('"').next());
        let mut seen = 0;
        let mut missing = Vec::new();
        for id in in_code.chain(in_templates) {
            seen += 1;
            if !crate::i18n::is_defined(id) {
                missing.push(id);
            }
        }
        assert!(seen > 200, "the sources name {seen} ids; were they read?");
        assert!(missing.is_empty(), "not in the catalog: {missing:?}");
    }
}
