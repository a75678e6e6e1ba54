//! Pages for learners taking assessments and for providers keeping item banks and assessments.
//!
//! The attempt page is built from the attempt's public items only, so no answer key can
//! reach the browser before submission. Forms are plain HTML (no script): checkboxes and
//! ordering positions get a field name of their own per option.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_app::assessments::{
    AssessmentSpec, AssessmentState, AttemptView, BankFilter, rules_in_words,
};
use cairn_core::assessment::{
    Assessment, Blueprint, BlueprintCell, CompetencyMinimum, CompetencyRef, Difficulty,
    ItemContent, ItemKind, PublicBody, Response as Answer, TextMatch,
};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{SignedInForm, Who, error_page, message, see_other, who};
use crate::AppState;
use crate::auth::SignedIn;
use crate::i18n::t;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessments/{id}", get(intro_page))
        .route("/assessments/{id}/start", post(start))
        .route("/assessments/{id}/publish", post(publish))
        .route("/assessments/{id}/retire", post(retire_assessment))
        .route("/attempts/{id}", get(attempt_page))
        .route("/attempts/{id}/submit", post(submit))
        .route("/orgs/{slug}/items", get(bank_page).post(add_item))
        .route("/items/{id}/retire", post(retire))
        .route(
            "/orgs/{slug}/assessments",
            get(assessments_page).post(add_assessment),
        )
}

fn when(t: OffsetDateTime) -> String {
    t.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_else(|_| t.to_string())
}

fn percent(p: f64) -> String {
    format!("{p:.1}%")
}

// ---------------------------------------------------------------- learner: introduction

#[derive(Template, WebTemplate)]
#[template(path = "assessment.html")]
struct IntroT {
    who: Who,
    id: Uuid,
    title: String,
    description: String,
    draft: bool,
    rules: Vec<String>,
    /// (attempt id, number, started, outcome)
    attempts: Vec<(Uuid, u32, String, String)>,
    open_attempt: Option<Uuid>,
    refusal: Option<String>,
    error: Option<String>,
    can_manage: bool,
    /// For the provider: "draft", "published" or "retired", and (attempts, submitted, passed).
    state: &'static str,
    /// The state in the reader's words.
    state_label: String,
    stats: Option<(usize, usize, usize)>,
    module_id: Option<Uuid>,
}

async fn intro(s: &AppState, session: &Session, id: Uuid, error: Option<String>) -> Response {
    let intro = match s.app.assessment_intro(&session.principal, id).await {
        Ok(i) => i,
        Err(e) => return error_page(e),
    };
    let a = intro.assessment;
    let stats = if intro.can_manage {
        match s.app.assessment_attempts(&session.principal, id).await {
            Ok(all) => Some((
                all.len(),
                all.iter().filter(|t| t.submitted_at.is_some()).count(),
                all.iter().filter(|t| t.passed == Some(true)).count(),
            )),
            Err(e) => return error_page(e),
        }
    } else {
        None
    };
    IntroT {
        who: who(session),
        id,
        title: a.title,
        description: a.description,
        draft: a.state != AssessmentState::Published,
        rules: rules_in_words(&a.rules),
        attempts: intro
            .attempts
            .iter()
            .map(|a| {
                let outcome = match (a.passed, a.percent) {
                    (Some(true), Some(p)) => t("assess-outcome-passed")
                        .with("percent", percent(p))
                        .to_string(),
                    (Some(false), Some(p)) => t("assess-outcome-failed")
                        .with("percent", percent(p))
                        .to_string(),
                    _ if intro.open_attempt == Some(a.id) => t("assess-outcome-open").to_string(),
                    _ => t("assess-outcome-closed").to_string(),
                };
                (a.id, a.number, when(a.started_at), outcome)
            })
            .collect(),
        open_attempt: intro.open_attempt,
        refusal: intro.refusal,
        error,
        can_manage: intro.can_manage,
        state: a.state.as_str(),
        state_label: state_label(a.state),
        stats,
        module_id: a.module_id,
    }
    .into_response()
}

async fn intro_page(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedIn(session): SignedIn,
) -> Response {
    intro(&s, &session, id, None).await
}

#[derive(Deserialize)]
/// A form whose only field is its CSRF token (checked by [`SignedInForm`]).
struct CsrfForm {}

async fn start(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, .. }: SignedInForm<CsrfForm>,
) -> Response {
    match s.app.start_attempt(&session.principal, id).await {
        Ok(a) => see_other(&format!("/attempts/{}", a.id)),
        Err(AppError::Conflict(msg)) => refused(
            StatusCode::CONFLICT,
            intro(&s, &session, id, Some(msg)).await,
        ),
        Err(e) => error_page(e),
    }
}

// ---------------------------------------------------------------- learner: the attempt

/// One control of a question: (field name, label, value, kind) where kind is radio,
/// checkbox, number or text.
struct Control {
    name: String,
    id: String,
    label: String,
    value: String,
    kind: &'static str,
}

struct Question {
    number: usize,
    prompt: String,
    vignette: Option<String>,
    points: u32,
    hint: String,
    controls: Vec<Control>,
}

#[derive(Template, WebTemplate)]
#[template(path = "attempt.html")]
struct AttemptT {
    who: Who,
    id: Uuid,
    assessment_id: Uuid,
    title: String,
    number: u32,
    deadline: Option<String>,
    questions: Vec<Question>,
    error: Option<String>,
}

/// A competency's result row: (competency, percent, minimum, met).
type CompetencyRow = (String, String, String, bool);

#[derive(Template, WebTemplate)]
#[template(path = "attempt_result.html")]
struct ResultT {
    who: Who,
    assessment_id: Uuid,
    title: String,
    number: u32,
    submitted: String,
    passed: bool,
    percent: String,
    cut: u8,
    explanation: String,
    competencies: Vec<CompetencyRow>,
    /// (prompt, credit as a percentage, explanation)
    items: Vec<(String, String, String)>,
}

fn questions(v: &AttemptView) -> Vec<Question> {
    v.items
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let base = format!("r-{}", item.item_id);
            let choice = |kind: &'static str, options: &[String], multiple: bool| {
                options
                    .iter()
                    .enumerate()
                    .map(|(k, o)| Control {
                        name: if multiple {
                            format!("{base}-{k}")
                        } else {
                            base.clone()
                        },
                        id: format!("{base}-{k}"),
                        label: o.clone(),
                        value: k.to_string(),
                        kind,
                    })
                    .collect::<Vec<_>>()
            };
            let single = |label: &str, kind: &'static str| {
                vec![Control {
                    name: base.clone(),
                    id: base.clone(),
                    label: label.into(),
                    value: String::new(),
                    kind,
                }]
            };
            let (hint, controls, vignette) = match &item.body {
                PublicBody::SingleChoice { options } => (
                    t("assess-hint-single").to_string(),
                    choice("radio", options, false),
                    None,
                ),
                PublicBody::MultipleChoice { options } => (
                    t("assess-hint-multiple").to_string(),
                    choice("checkbox", options, true),
                    None,
                ),
                PublicBody::TrueFalse => (
                    t("assess-hint-true-false").to_string(),
                    vec![
                        Control {
                            name: base.clone(),
                            id: format!("{base}-t"),
                            label: t("assess-true").to_string(),
                            value: "true".into(),
                            kind: "radio",
                        },
                        Control {
                            name: base.clone(),
                            id: format!("{base}-f"),
                            label: t("assess-false").to_string(),
                            value: "false".into(),
                            kind: "radio",
                        },
                    ],
                    None,
                ),
                PublicBody::Numeric { unit } => (
                    t("assess-hint-numeric").to_string(),
                    single(
                        &match unit {
                            Some(u) => t("assess-your-answer-unit").with("unit", u).to_string(),
                            None => t("assess-your-answer").to_string(),
                        },
                        "number",
                    ),
                    None,
                ),
                PublicBody::Ordering { options } => (
                    t("assess-hint-ordering")
                        .with("last", options.len())
                        .to_string(),
                    options
                        .iter()
                        .enumerate()
                        .map(|(k, o)| Control {
                            name: format!("{base}-{k}"),
                            id: format!("{base}-{k}"),
                            label: o.clone(),
                            value: String::new(),
                            kind: "position",
                        })
                        .collect(),
                    None,
                ),
                PublicBody::ShortText => (
                    t("assess-hint-short-text").to_string(),
                    single(&t("assess-your-answer").to_string(), "text"),
                    None,
                ),
                PublicBody::Icd11Coding { vignette } => (
                    t("assess-hint-icd11").to_string(),
                    single(&t("assess-icd11-label").to_string(), "text"),
                    Some(vignette.clone()),
                ),
            };
            Question {
                number: n + 1,
                prompt: item.prompt.clone(),
                vignette,
                points: item.points,
                hint,
                controls,
            }
        })
        .collect()
}

/// The answers in a submitted form, read by the attempt's own items: anything else in the
/// form is ignored, and an unanswered question simply has no response.
fn answers(v: &AttemptView, f: &HashMap<String, String>) -> BTreeMap<Uuid, Answer> {
    let mut out = BTreeMap::new();
    for item in &v.items {
        let base = format!("r-{}", item.item_id);
        let given = |k: &str| f.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
        let answer = match &item.body {
            PublicBody::SingleChoice { .. } => given(&base)
                .and_then(|c| c.parse().ok())
                .map(|choice| Answer::SingleChoice { choice }),
            PublicBody::MultipleChoice { options } => {
                let choices: Vec<usize> = (0..options.len())
                    .filter(|k| given(&format!("{base}-{k}")).is_some())
                    .collect();
                (!choices.is_empty()).then_some(Answer::MultipleChoice { choices })
            }
            PublicBody::TrueFalse => given(&base).and_then(|b| match b {
                "true" => Some(Answer::TrueFalse { value: true }),
                "false" => Some(Answer::TrueFalse { value: false }),
                _ => None,
            }),
            PublicBody::Numeric { .. } => given(&base)
                .and_then(|n| n.replace(',', ".").parse::<f64>().ok())
                .filter(|n| n.is_finite())
                .map(|value| Answer::Numeric { value }),
            PublicBody::Ordering { options } => {
                let mut ranked: Vec<(u32, usize)> = Vec::new();
                for k in 0..options.len() {
                    if let Some(p) = given(&format!("{base}-{k}")).and_then(|p| p.parse().ok()) {
                        ranked.push((p, k));
                    }
                }
                (ranked.len() == options.len()).then(|| {
                    ranked.sort();
                    Answer::Ordering {
                        order: ranked.iter().map(|(_, k)| options[*k].clone()).collect(),
                    }
                })
            }
            PublicBody::ShortText => given(&base).map(|t| Answer::ShortText { text: t.into() }),
            PublicBody::Icd11Coding { .. } => {
                given(&base).map(|c| Answer::Icd11Coding { code: c.into() })
            }
        };
        if let Some(a) = answer {
            out.insert(item.item_id, a);
        }
    }
    out
}

fn render_attempt(session: &Session, v: AttemptView, error: Option<String>) -> Response {
    match &v.result {
        None => AttemptT {
            who: who(session),
            id: v.id,
            assessment_id: v.assessment_id,
            title: v.assessment_title.clone(),
            number: v.number,
            deadline: v.deadline.map(when),
            questions: questions(&v),
            error,
        }
        .into_response(),
        Some(r) => ResultT {
            who: who(session),
            assessment_id: v.assessment_id,
            title: v.assessment_title.clone(),
            number: v.number,
            submitted: v.submitted_at.map(when).unwrap_or_default(),
            passed: r.passed,
            percent: percent(r.percent),
            cut: r.cut_score_percent,
            explanation: r.explanation.clone(),
            competencies: r
                .competencies
                .iter()
                .map(|c| {
                    (
                        c.competency.to_string(),
                        percent(c.percent),
                        c.minimum_percent
                            .map(|m| format!("{m}%"))
                            .unwrap_or_else(|| "—".into()),
                        c.met_minimum,
                    )
                })
                .collect(),
            items: v
                .feedback
                .iter()
                .map(|f| {
                    (
                        f.prompt.clone(),
                        format!("{:.1}%", f64::from(f.credit) / 10.0),
                        f.explanation.clone().unwrap_or_default(),
                    )
                })
                .collect(),
        }
        .into_response(),
    }
}

async fn attempt_page(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedIn(session): SignedIn,
) -> Response {
    match s.app.attempt(&session.principal, id).await {
        Ok(v) => {
            // Said up front, so nobody answers a form that can no longer be accepted.
            let closed = v.result.is_none()
                && v.deadline.is_some_and(|d| {
                    cairn_app::now() > d + cairn_core::assessment::SUBMISSION_GRACE
                });
            let note = closed.then(|| t("assess-deadline-passed").to_string());
            render_attempt(&session, v, note)
        }
        Err(e) => error_page(e),
    }
}

async fn submit(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form }: SignedInForm<HashMap<String, String>>,
) -> Response {
    let v = match s.app.attempt(&session.principal, id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let responses = answers(&v, &form);
    match s
        .app
        .submit_attempt(&session.principal, id, responses)
        .await
    {
        Ok(_) => see_other(&format!("/attempts/{id}")),
        Err(AppError::Conflict(msg)) => message(
            StatusCode::CONFLICT,
            &t("assess-not-accepted-heading").to_string(),
            msg,
        ),
        Err(e) => error_page(e),
    }
}

// ---------------------------------------------------------------- provider: item bank

/// The add-item form, as text.
#[derive(Deserialize, Default, Clone)]
struct ItemForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    prompt: String,
    #[serde(default)]
    competency: String,
    #[serde(default)]
    difficulty: String,
    #[serde(default)]
    points: String,
    /// One per line.
    #[serde(default)]
    options: String,
    #[serde(default)]
    correct: String,
    #[serde(default)]
    tolerance: String,
    #[serde(default)]
    unit: String,
    /// One per line.
    #[serde(default)]
    accepted: String,
    #[serde(default)]
    matching: String,
    #[serde(default)]
    vignette: String,
    #[serde(default)]
    expected: String,
    #[serde(default)]
    explanation: String,
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A competency as typed: a framework competency's id, or its code.
fn competency_ref(s: &str) -> CompetencyRef {
    match Uuid::parse_str(s.trim()) {
        Ok(id) => CompetencyRef::Id(id),
        Err(_) => CompetencyRef::Code(s.trim().to_owned()),
    }
}

fn option_number(s: &str, n: usize) -> Result<usize, String> {
    s.trim()
        .parse::<usize>()
        .ok()
        .filter(|k| (1..=n).contains(k))
        .map(|k| k - 1)
        .ok_or_else(|| {
            t("assess-error-option-number")
                .with("value", s.trim())
                .with("count", n)
                .to_string()
        })
}

impl ItemForm {
    fn to_content(&self) -> Result<ItemContent, String> {
        let difficulty = Difficulty::parse(self.difficulty.trim())
            .ok_or_else(|| t("assess-error-difficulty").to_string())?;
        let points = self
            .points
            .trim()
            .parse::<u32>()
            .map_err(|_| t("assess-error-points").to_string())?;
        let options = lines(&self.options);
        let number = |field: &str, s: &str| {
            s.trim().replace(',', ".").parse::<f64>().map_err(|_| {
                t("assess-error-not-a-number")
                    .with("field", field)
                    .with("value", s.trim())
                    .to_string()
            })
        };
        let kind = match self.kind.as_str() {
            "single_choice" => ItemKind::SingleChoice {
                correct: option_number(&self.correct, options.len())?,
                options,
            },
            "multiple_choice" => ItemKind::MultipleChoice {
                correct: self
                    .correct
                    .split(',')
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| option_number(p, options.len()))
                    .collect::<Result<_, _>>()?,
                options,
            },
            "true_false" => ItemKind::TrueFalse {
                correct: match self.correct.trim().to_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(t("assess-error-true-false").to_string()),
                },
            },
            "numeric" => ItemKind::Numeric {
                correct: number("correct", &self.correct)?,
                tolerance: if self.tolerance.trim().is_empty() {
                    0.0
                } else {
                    number("tolerance", &self.tolerance)?
                },
                unit: Some(self.unit.trim().to_owned()).filter(|u| !u.is_empty()),
            },
            "ordering" => ItemKind::Ordering { options },
            "short_text" => ItemKind::ShortText {
                accepted: lines(&self.accepted),
                matching: match self.matching.as_str() {
                    "exact" => TextMatch::Exact,
                    "pattern" => TextMatch::Pattern,
                    _ => TextMatch::Normalized,
                },
            },
            "icd11_coding" => ItemKind::Icd11Coding {
                vignette: self.vignette.clone(),
                expected: self.expected.trim().to_owned(),
            },
            _ => return Err(t("assess-error-type").to_string()),
        };
        Ok(ItemContent {
            competency: competency_ref(&self.competency),
            difficulty,
            points,
            prompt: self.prompt.clone(),
            kind,
            explanation: Some(self.explanation.trim().to_owned()).filter(|e| !e.is_empty()),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "item_bank.html")]
struct BankT {
    who: Who,
    org_slug: String,
    org_name: String,
    /// (id, version, competency, difficulty, type, prompt, points, key, retired)
    items: Vec<BankRow>,
    f: ItemForm,
    error: Option<String>,
}

struct BankRow {
    id: Uuid,
    version: u32,
    competency: String,
    difficulty: String,
    kind: String,
    prompt: String,
    points: u32,
    key: String,
    retired: bool,
}

fn kind_label(k: &ItemKind) -> String {
    t(match k {
        ItemKind::SingleChoice { .. } => "assess-type-single",
        ItemKind::MultipleChoice { .. } => "assess-type-multiple",
        ItemKind::TrueFalse { .. } => "assess-type-true-false",
        ItemKind::Numeric { .. } => "assess-type-numeric",
        ItemKind::Ordering { .. } => "assess-type-ordering",
        ItemKind::ShortText { .. } => "assess-type-short-text",
        ItemKind::Icd11Coding { .. } => "assess-type-icd11",
    })
    .to_string()
}

fn difficulty_label(d: Difficulty) -> String {
    t(match d {
        Difficulty::Easy => "assess-difficulty-easy",
        Difficulty::Medium => "assess-difficulty-medium",
        Difficulty::Hard => "assess-difficulty-hard",
    })
    .to_string()
}

fn state_label(state: AssessmentState) -> String {
    t(match state {
        AssessmentState::Draft => "assess-state-draft",
        AssessmentState::Published => "assess-state-published",
        AssessmentState::Retired => "assess-state-retired",
    })
    .to_string()
}

/// The answer key in a few words, for the bank's authors.
fn key_text(k: &ItemKind) -> String {
    match k {
        ItemKind::SingleChoice { options, correct } => {
            options.get(*correct).cloned().unwrap_or_default()
        }
        ItemKind::MultipleChoice { options, correct } => correct
            .iter()
            .filter_map(|i| options.get(*i).cloned())
            .collect::<Vec<_>>()
            .join("; "),
        ItemKind::TrueFalse { correct } => correct.to_string(),
        ItemKind::Numeric {
            correct,
            tolerance,
            unit,
        } => format!("{correct} ± {tolerance} {}", unit.as_deref().unwrap_or("")),
        ItemKind::Ordering { options } => options.join(" → "),
        ItemKind::ShortText { accepted, .. } => accepted.join(" | "),
        ItemKind::Icd11Coding { expected, .. } => expected.clone(),
    }
}

async fn bank(
    s: &AppState,
    session: &Session,
    slug: &str,
    f: ItemForm,
    error: Option<String>,
) -> Response {
    let filter = BankFilter {
        include_retired: true,
        ..Default::default()
    };
    match s.app.item_bank(&session.principal, slug, &filter).await {
        Ok((org, items)) => BankT {
            who: who(session),
            org_slug: org.slug,
            org_name: org.name,
            items: items
                .into_iter()
                .map(|i| BankRow {
                    id: i.id,
                    version: i.version,
                    competency: i.content.competency.to_string(),
                    difficulty: difficulty_label(i.content.difficulty),
                    kind: kind_label(&i.content.kind),
                    key: key_text(&i.content.kind),
                    prompt: i.content.prompt,
                    points: i.content.points,
                    retired: i.retired,
                })
                .collect(),
            f,
            error,
        }
        .into_response(),
        Err(e) => error_page(e),
    }
}

async fn bank_page(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedIn(session): SignedIn,
) -> Response {
    let f = ItemForm {
        kind: "single_choice".into(),
        difficulty: "medium".into(),
        points: "1".into(),
        matching: "normalized".into(),
        ..Default::default()
    };
    bank(&s, &session, &slug, f, None).await
}

/// A page shown again with the reason a request was refused carries the refusal's status;
/// one that could not be built keeps its own.
fn refused(status: StatusCode, mut res: Response) -> Response {
    if res.status() == StatusCode::OK {
        *res.status_mut() = status;
    }
    res
}

/// A provider's add form: once `add` accepts what was read, on to `done`. Input refused, by
/// the form's own reading or by the use case, is said beside the form again (`again`) with
/// 422, so the author can correct it; any other failure is the error page.
async fn add_from_form<In, Out>(
    read: Result<In, String>,
    add: impl AsyncFnOnce(In) -> Result<Out, AppError>,
    done: &str,
    again: impl AsyncFnOnce(String) -> Response,
) -> Response {
    let refusal = match read {
        Ok(input) => match add(input).await {
            Ok(_) => return see_other(done),
            Err(AppError::Invalid(i)) => i.to_string(),
            Err(e) => return error_page(e),
        },
        Err(msg) => msg,
    };
    refused(StatusCode::UNPROCESSABLE_ENTITY, again(refusal).await)
}

async fn add_item(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form: f }: SignedInForm<ItemForm>,
) -> Response {
    add_from_form(
        f.to_content(),
        async |c| s.app.create_item(&session.principal, &slug, c).await,
        &format!("/orgs/{slug}/items"),
        async |msg| bank(&s, &session, &slug, f, Some(msg)).await,
    )
    .await
}

async fn retire(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, .. }: SignedInForm<CsrfForm>,
) -> Response {
    match s.app.retire_item(&session.principal, id).await {
        Ok(item) => {
            let slug = match s.app.store.reader().await {
                Ok(mut r) => match r.conn().org_by_id(item.org_id).await {
                    Ok(Some(o)) => o.slug,
                    _ => return see_other("/"),
                },
                Err(_) => return see_other("/"),
            };
            see_other(&format!("/orgs/{slug}/items"))
        }
        Err(e) => error_page(e),
    }
}

// ---------------------------------------------------------------- provider: assessments

#[derive(Deserialize, Default, Clone)]
struct AssessmentForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    module_id: String,
    /// One cell per line: "competency difficulty count".
    #[serde(default)]
    blueprint: String,
    #[serde(default)]
    time_limit_minutes: String,
    #[serde(default)]
    max_attempts: String,
    #[serde(default)]
    cooldown_minutes: String,
    #[serde(default)]
    cut_score_percent: String,
    /// One per line: "competency percent".
    #[serde(default)]
    minimums: String,
}

fn optional_number<T: std::str::FromStr>(field: &str, s: &str) -> Result<Option<T>, String> {
    let v = s.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse().map(Some).map_err(|_| {
        t("assess-error-not-whole")
            .with("field", field)
            .with("value", v)
            .to_string()
    })
}

impl AssessmentForm {
    fn to_spec(&self) -> Result<AssessmentSpec, String> {
        let mut cells = Vec::new();
        for (n, line) in lines(&self.blueprint).iter().enumerate() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let [competency, difficulty, count] = parts[..] else {
                return Err(t("assess-error-blueprint-line")
                    .with("line", n + 1)
                    .to_string());
            };
            cells.push(BlueprintCell {
                competency: competency_ref(competency),
                difficulty: Difficulty::parse(difficulty).ok_or_else(|| {
                    t("assess-error-blueprint-difficulty")
                        .with("line", n + 1)
                        .with("value", difficulty)
                        .to_string()
                })?,
                count: count.parse().map_err(|_| {
                    t("assess-error-blueprint-count")
                        .with("line", n + 1)
                        .with("value", count)
                        .to_string()
                })?,
            });
        }
        let mut competency_minimums = Vec::new();
        for (n, line) in lines(&self.minimums).iter().enumerate() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let [competency, pct] = parts[..] else {
                return Err(t("assess-error-minimums-line")
                    .with("line", n + 1)
                    .to_string());
            };
            competency_minimums.push(CompetencyMinimum {
                competency: competency_ref(competency),
                percent: pct.trim_end_matches('%').parse().map_err(|_| {
                    t("assess-error-minimums-percent")
                        .with("line", n + 1)
                        .with("value", pct)
                        .to_string()
                })?,
            });
        }
        let module_id = match self.module_id.trim() {
            "" => None,
            m => Some(Uuid::parse_str(m).map_err(|_| t("assess-error-module").to_string())?),
        };
        Ok(AssessmentSpec {
            title: self.title.clone(),
            description: self.description.clone(),
            module_id,
            rules: Assessment {
                blueprint: Blueprint { cells },
                time_limit_minutes: optional_number(
                    "time_limit_minutes",
                    &self.time_limit_minutes,
                )?,
                max_attempts: optional_number("max_attempts", &self.max_attempts)?,
                cooldown_minutes: optional_number("cooldown_minutes", &self.cooldown_minutes)?
                    .unwrap_or(0),
                cut_score_percent: optional_number("cut_score_percent", &self.cut_score_percent)?
                    .ok_or_else(|| t("assess-error-cut-score").to_string())?,
                competency_minimums,
            },
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "assessment_list.html")]
struct AssessmentListT {
    who: Who,
    org_slug: String,
    org_name: String,
    can_manage: bool,
    /// (id, title, state, questions, cut score, state in the reader's words)
    assessments: Vec<(Uuid, String, &'static str, u64, u8, String)>,
    /// (id, title)
    modules: Vec<(Uuid, String)>,
    f: AssessmentForm,
    error: Option<String>,
}

async fn assessment_list(
    s: &AppState,
    session: &Session,
    slug: &str,
    f: AssessmentForm,
    error: Option<String>,
) -> Response {
    let (org, list) = match s.app.org_assessments(&session.principal, slug).await {
        Ok(x) => x,
        Err(e) => return error_page(e),
    };
    let can_manage = session
        .principal
        .may(cairn_core::Action::AssessmentManage, Some(org.id));
    let modules = if can_manage {
        s.app
            .provider_modules(&session.principal, slug)
            .await
            .map(|(_, m)| {
                m.into_iter()
                    .map(|v| (v.module_id, v.content.title))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    AssessmentListT {
        who: who(session),
        org_slug: org.slug,
        org_name: org.name,
        can_manage,
        assessments: list
            .into_iter()
            .map(|a| {
                (
                    a.id,
                    a.title,
                    a.state.as_str(),
                    a.rules.blueprint.total_items(),
                    a.rules.cut_score_percent,
                    state_label(a.state),
                )
            })
            .collect(),
        modules,
        f,
        error,
    }
    .into_response()
}

async fn assessments_page(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedIn(session): SignedIn,
) -> Response {
    let f = AssessmentForm {
        cut_score_percent: "80".into(),
        cooldown_minutes: "0".into(),
        ..Default::default()
    };
    assessment_list(&s, &session, &slug, f, None).await
}

async fn add_assessment(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form: f }: SignedInForm<AssessmentForm>,
) -> Response {
    add_from_form(
        f.to_spec(),
        async |spec| {
            s.app
                .create_assessment(&session.principal, &slug, spec)
                .await
        },
        &format!("/orgs/{slug}/assessments"),
        async |msg| assessment_list(&s, &session, &slug, f, Some(msg)).await,
    )
    .await
}

async fn retire_assessment(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, .. }: SignedInForm<CsrfForm>,
) -> Response {
    match s.app.retire_assessment(&session.principal, id).await {
        Ok(_) => see_other(&format!("/assessments/{id}")),
        Err(e) => error_page(e),
    }
}

async fn publish(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, .. }: SignedInForm<CsrfForm>,
) -> Response {
    match s.app.publish_assessment(&session.principal, id).await {
        Ok(_) => see_other(&format!("/assessments/{id}")),
        Err(AppError::Invalid(i)) => message(
            StatusCode::UNPROCESSABLE_ENTITY,
            &t("assess-not-published-heading").to_string(),
            format!("{i}."),
        ),
        Err(e) => error_page(e),
    }
}

#[cfg(test)]
mod tests {
    use cairn_core::assessment::PublicItem;

    use super::*;

    fn view(bodies: Vec<PublicBody>) -> AttemptView {
        AttemptView {
            id: Uuid::nil(),
            assessment_id: Uuid::nil(),
            assessment_title: "T".into(),
            learner_id: Uuid::nil(),
            number: 1,
            started_at: OffsetDateTime::UNIX_EPOCH,
            deadline: None,
            submitted_at: None,
            items: bodies
                .into_iter()
                .enumerate()
                .map(|(n, body)| PublicItem {
                    item_id: Uuid::from_u128(n as u128 + 1),
                    points: 1,
                    prompt: "Q".into(),
                    body,
                })
                .collect(),
            result: None,
            feedback: Vec::new(),
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn form_fields_become_responses_by_item_type() {
        let v = view(vec![
            PublicBody::SingleChoice {
                options: strings(&["a", "b"]),
            },
            PublicBody::MultipleChoice {
                options: strings(&["a", "b", "c"]),
            },
            PublicBody::TrueFalse,
            PublicBody::Numeric { unit: None },
            PublicBody::Ordering {
                options: strings(&["Second", "First", "Third"]),
            },
            PublicBody::ShortText,
            PublicBody::Icd11Coding {
                vignette: "v".into(),
            },
        ]);
        let id = |n: u128| Uuid::from_u128(n);
        let f: HashMap<String, String> = [
            (format!("r-{}", id(1)), "1"),
            (format!("r-{}-0", id(2)), "0"),
            (format!("r-{}-2", id(2)), "2"),
            (format!("r-{}", id(3)), "false"),
            (format!("r-{}", id(4)), " 37,5 "),
            (format!("r-{}-0", id(5)), "2"),
            (format!("r-{}-1", id(5)), "1"),
            (format!("r-{}-2", id(5)), "3"),
            (format!("r-{}", id(6)), "teach-back"),
            (format!("r-{}", id(7)), "NC72.2&XK9K"),
            ("r-not-an-item".to_owned(), "x"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
        let r = answers(&v, &f);
        assert_eq!(r[&id(1)], Answer::SingleChoice { choice: 1 });
        assert_eq!(
            r[&id(2)],
            Answer::MultipleChoice {
                choices: vec![0, 2]
            }
        );
        assert_eq!(r[&id(3)], Answer::TrueFalse { value: false });
        assert_eq!(r[&id(4)], Answer::Numeric { value: 37.5 });
        assert_eq!(
            r[&id(5)],
            Answer::Ordering {
                order: strings(&["First", "Second", "Third"])
            }
        );
        assert_eq!(
            r[&id(6)],
            Answer::ShortText {
                text: "teach-back".into()
            }
        );
        assert_eq!(
            r[&id(7)],
            Answer::Icd11Coding {
                code: "NC72.2&XK9K".into()
            }
        );
        assert_eq!(r.len(), 7);
    }

    #[test]
    fn blank_or_partial_fields_are_no_answer_rather_than_a_wrong_one() {
        let v = view(vec![
            PublicBody::SingleChoice {
                options: strings(&["a", "b"]),
            },
            PublicBody::Numeric { unit: None },
            PublicBody::Ordering {
                options: strings(&["x", "y"]),
            },
            PublicBody::TrueFalse,
        ]);
        let f: HashMap<String, String> = [
            (format!("r-{}", Uuid::from_u128(1)), "  "),
            (format!("r-{}", Uuid::from_u128(2)), "NaN"),
            (format!("r-{}-0", Uuid::from_u128(3)), "1"),
            (format!("r-{}", Uuid::from_u128(4)), "maybe"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
        assert!(answers(&v, &f).is_empty());
    }

    #[test]
    fn the_item_form_reads_options_and_keys_counting_from_one() {
        let f = ItemForm {
            kind: "multiple_choice".into(),
            prompt: "Which?".into(),
            competency: "ICD.3".into(),
            difficulty: "hard".into(),
            points: "2".into(),
            options: "XK9K\n\n5A11\r\nXS25\n".into(),
            correct: "1, 3".into(),
            ..Default::default()
        };
        let c = f.to_content().unwrap();
        assert_eq!(c.competency, CompetencyRef::Code("ICD.3".into()));
        assert_eq!(
            c.kind,
            ItemKind::MultipleChoice {
                options: strings(&["XK9K", "5A11", "XS25"]),
                correct: vec![0, 2]
            }
        );
        let bad = ItemForm {
            correct: "4".into(),
            ..f.clone()
        };
        assert!(bad.to_content().unwrap_err().contains("from 1 to 3"));
        let bad = ItemForm {
            difficulty: "expert".into(),
            ..f
        };
        assert!(bad.to_content().unwrap_err().starts_with("difficulty"));
    }

    #[test]
    fn blueprint_lines_become_cells() {
        let f = AssessmentForm {
            title: "T".into(),
            blueprint: "ICD.2 medium 3\n\nICD.3 hard 1".into(),
            cut_score_percent: "80".into(),
            minimums: "ICD.3 75%".into(),
            time_limit_minutes: "20".into(),
            ..Default::default()
        };
        let s = f.to_spec().unwrap();
        assert_eq!(s.rules.blueprint.total_items(), 4);
        assert_eq!(s.rules.blueprint.cells[1].difficulty, Difficulty::Hard);
        assert_eq!(s.rules.competency_minimums[0].percent, 75);
        assert_eq!(
            (s.rules.time_limit_minutes, s.rules.max_attempts),
            (Some(20), None)
        );
        let bad = AssessmentForm {
            blueprint: "ICD.2 3".into(),
            ..f
        };
        assert!(bad.to_spec().unwrap_err().contains("line 1"));
    }
}
