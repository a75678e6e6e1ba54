//! Assessments under `/api/v1`: item banks, assessments, attempts.
//!
//! Item content and assessment rules are the `cairn_core::assessment` types as JSON; the
//! schema names them as objects. An open attempt's items never carry answer keys.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use cairn_app::assessments::{
    AssessmentSpec, AssessmentView, AttemptSummary, AttemptView, BankFilter, BankItem,
};
use cairn_core::assessment::{
    Assessment, AttemptResult, CompetencyRef, ItemContent, PublicItem, Response,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, ApiJson, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// A query parameter parsed here rather than in a use case, refused the way the use cases
/// refuse invalid input (422).
fn bad_param(name: &'static str, why: String) -> ApiError {
    cairn_app::AppError::from(cairn_core::validate::Invalid::new(name, why)).into()
}

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_items, create_item))
        .routes(routes!(get_item, update_item))
        .routes(routes!(retire_item))
        .routes(routes!(list_assessments, create_assessment))
        .routes(routes!(get_assessment, update_assessment))
        .routes(routes!(publish_assessment))
        .routes(routes!(retire_assessment))
        .routes(routes!(list_attempts, start_attempt))
        .routes(routes!(get_attempt))
        .routes(routes!(submit_attempt))
}

/// The item content: `competency` ({"code": …} or {"id": …}), `difficulty`, `points`,
/// `prompt`, `explanation`, and `kind` with its `type` and answer key.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct ItemIn(ItemContent);

/// An item of a bank, current version, with its answer key (for the provider only).
#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    id: Uuid,
    org_id: Uuid,
    version: u32,
    #[schema(value_type = Object)]
    content: ItemContent,
    content_hash: String,
    retired: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    created_at: OffsetDateTime,
}

impl From<BankItem> for ItemOut {
    fn from(i: BankItem) -> Self {
        ItemOut {
            id: i.id,
            org_id: i.org_id,
            version: i.version,
            content: i.content,
            content_hash: i.content_hash,
            retired: i.retired,
            created_at: i.created_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BankParams {
    /// Only items of this competency (its code, or its id).
    competency: Option<String>,
    /// easy, medium or hard.
    difficulty: Option<String>,
    /// true to list retired items too.
    include_retired: Option<bool>,
}

/// A provider's item bank: the current version of each item (its authors and admins).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/items", tag = "assessments",
    params(("slug" = String, Path, description = "The provider organization's handle"), BankParams),
    responses((status = 200, body = Vec<ItemOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_items(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    Query(q): Query<BankParams>,
) -> ApiResult<Json<Vec<ItemOut>>> {
    let difficulty = match q.difficulty.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(cairn_core::assessment::Difficulty::parse(d).ok_or_else(|| {
            bad_param(
                "difficulty",
                format!("'{d}' is not a difficulty: use easy, medium or hard"),
            )
        })?),
    };
    let filter = BankFilter {
        competency: q.competency,
        difficulty,
        include_retired: q.include_retired.unwrap_or(false),
    };
    let (_, items) = s.app.item_bank(&p, &slug, &filter).await?;
    Ok(Json(items.into_iter().map(ItemOut::from).collect()))
}

/// Add an item to a provider's bank. ICD-11 coding items are checked against the loaded
/// ICD-11 release.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/items", tag = "assessments", request_body = ItemIn,
    params(("slug" = String, Path, description = "The provider organization's handle")),
    responses((status = 201, body = ItemOut), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_item(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<ItemIn>,
) -> ApiResult<(StatusCode, Json<ItemOut>)> {
    let item = s.app.create_item(&p, &slug, b.0).await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

/// One item of a bank, current version (the provider's authors and admins).
#[utoipa::path(get, path = "/api/v1/items/{id}", tag = "assessments",
    params(("id" = Uuid, Path, description = "The item")),
    responses((status = 200, body = ItemOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_item(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ItemOut>> {
    Ok(Json(s.app.item(&p, id).await?.into()))
}

/// Edit an item: the edit becomes its next version; attempts under way keep theirs.
#[utoipa::path(put, path = "/api/v1/items/{id}", tag = "assessments", request_body = ItemIn,
    params(("id" = Uuid, Path, description = "The item")),
    responses((status = 200, body = ItemOut), (status = 404, body = Problem, content_type = "application/problem+json"),
               (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_item(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ItemIn>,
) -> ApiResult<Json<ItemOut>> {
    Ok(Json(s.app.update_item(&p, id, b.0).await?.into()))
}

/// Retire an item: it is no longer drawn into new forms.
#[utoipa::path(post, path = "/api/v1/items/{id}/retire", tag = "assessments",
    params(("id" = Uuid, Path, description = "The item")),
    responses((status = 200, body = ItemOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn retire_item(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ItemOut>> {
    Ok(Json(s.app.retire_item(&p, id).await?.into()))
}

/// An assessment as written: `rules` holds the blueprint (cells of competency, difficulty
/// and count), time limit, attempt limit, cooldown, cut score and per-competency minimums.
#[derive(Deserialize, ToSchema)]
pub struct AssessmentIn {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    module_id: Option<Uuid>,
    #[schema(value_type = Object)]
    rules: Assessment,
}

impl From<AssessmentIn> for AssessmentSpec {
    fn from(a: AssessmentIn) -> Self {
        AssessmentSpec {
            title: a.title,
            description: a.description,
            module_id: a.module_id,
            rules: a.rules,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentOut {
    id: Uuid,
    org_id: Uuid,
    module_id: Option<Uuid>,
    title: String,
    description: String,
    #[schema(value_type = Object)]
    rules: Assessment,
    /// draft, published or retired.
    state: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    updated_at: OffsetDateTime,
}

impl From<AssessmentView> for AssessmentOut {
    fn from(a: AssessmentView) -> Self {
        AssessmentOut {
            id: a.id,
            org_id: a.org_id,
            module_id: a.module_id,
            title: a.title,
            description: a.description,
            rules: a.rules,
            state: a.state.as_str().to_owned(),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// An organization's assessments: all for its assessment managers, published ones for others.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assessments", tag = "assessments",
    params(("slug" = String, Path, description = "The provider organization's handle")),
    responses((status = 200, body = Vec<AssessmentOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_assessments(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<AssessmentOut>>> {
    let (_, list) = s.app.org_assessments(&p, &slug).await?;
    Ok(Json(list.into_iter().map(AssessmentOut::from).collect()))
}

/// Create an assessment as a draft. Refused, naming what is missing, unless the bank can
/// already draw a form for its blueprint.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assessments", tag = "assessments", request_body = AssessmentIn,
    params(("slug" = String, Path, description = "The provider organization's handle")),
    responses((status = 201, body = AssessmentOut), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_assessment(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<AssessmentIn>,
) -> ApiResult<(StatusCode, Json<AssessmentOut>)> {
    let a = s.app.create_assessment(&p, &slug, b.into()).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// An assessment: published ones for anyone signed in, drafts for the provider.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assessments",
    params(("id" = Uuid, Path, description = "The assessment")),
    responses((status = 200, body = AssessmentOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_assessment(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<AssessmentOut>> {
    Ok(Json(s.app.assessment(&p, id).await?.into()))
}

/// Change an assessment. Attempts already started keep the rules they started under.
#[utoipa::path(put, path = "/api/v1/assessments/{id}", tag = "assessments", request_body = AssessmentIn,
    params(("id" = Uuid, Path, description = "The assessment")),
    responses((status = 200, body = AssessmentOut), (status = 404, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_assessment(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<AssessmentIn>,
) -> ApiResult<Json<AssessmentOut>> {
    Ok(Json(
        s.app.update_assessment(&p, id, b.into()).await?.into(),
    ))
}

/// Publish an assessment so learners can take it.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/publish", tag = "assessments",
    params(("id" = Uuid, Path, description = "The assessment")),
    responses((status = 200, body = AssessmentOut), (status = 404, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn publish_assessment(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<AssessmentOut>> {
    Ok(Json(s.app.publish_assessment(&p, id).await?.into()))
}

/// Withdraw an assessment: no new attempts start; results already given stand.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/retire", tag = "assessments",
    params(("id" = Uuid, Path, description = "The assessment")),
    responses((status = 200, body = AssessmentOut), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn retire_assessment(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<AssessmentOut>> {
    Ok(Json(s.app.retire_assessment(&p, id).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct AttemptSummaryOut {
    id: Uuid,
    assessment_id: Uuid,
    learner_id: Uuid,
    number: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    deadline: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    submitted_at: Option<OffsetDateTime>,
    passed: Option<bool>,
    /// Rounded down to one decimal.
    percent: Option<f64>,
}

impl From<AttemptSummary> for AttemptSummaryOut {
    fn from(a: AttemptSummary) -> Self {
        AttemptSummaryOut {
            id: a.id,
            assessment_id: a.assessment_id,
            learner_id: a.learner_id,
            number: a.number,
            started_at: a.started_at,
            deadline: a.deadline,
            submitted_at: a.submitted_at,
            passed: a.passed,
            percent: a.percent,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttemptsParams {
    /// `all` for every learner's attempts (the provider's assessment managers); by default
    /// the caller's own.
    scope: Option<String>,
}

/// Attempts at an assessment: the caller's own, or with `scope=all` everyone's (providers).
#[utoipa::path(get, path = "/api/v1/assessments/{id}/attempts", tag = "assessments",
    params(("id" = Uuid, Path, description = "The assessment"), AttemptsParams),
    responses((status = 200, body = Vec<AttemptSummaryOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_attempts(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    Query(q): Query<AttemptsParams>,
) -> ApiResult<Json<Vec<AttemptSummaryOut>>> {
    let list = match q.scope.as_deref() {
        Some("all") => s.app.assessment_attempts(&p, id).await?,
        None | Some("") | Some("mine") => s.app.my_attempts(&p, id).await?,
        Some(other) => {
            return Err(bad_param(
                "scope",
                format!("'{other}' is not a scope: use mine or all"),
            ));
        }
    };
    Ok(Json(
        list.into_iter().map(AttemptSummaryOut::from).collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackOut {
    item_id: Uuid,
    prompt: String,
    competency: CompetencyRef,
    /// Thousandths of full credit.
    credit: u16,
    earned_milli: u64,
    max_milli: u64,
    explanation: Option<String>,
}

/// An attempt. While open: its items (prompts and options, never answer keys) and the
/// deadline. Once submitted: the result per competency and feedback per item.
#[derive(Serialize, ToSchema)]
pub struct AttemptOut {
    id: Uuid,
    assessment_id: Uuid,
    assessment_title: String,
    learner_id: Uuid,
    number: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    deadline: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    submitted_at: Option<OffsetDateTime>,
    items: Vec<PublicItem>,
    result: Option<AttemptResult>,
    feedback: Vec<FeedbackOut>,
}

impl From<AttemptView> for AttemptOut {
    fn from(a: AttemptView) -> Self {
        AttemptOut {
            id: a.id,
            assessment_id: a.assessment_id,
            assessment_title: a.assessment_title,
            learner_id: a.learner_id,
            number: a.number,
            started_at: a.started_at,
            deadline: a.deadline,
            submitted_at: a.submitted_at,
            items: a.items,
            result: a.result,
            feedback: a
                .feedback
                .into_iter()
                .map(|f| FeedbackOut {
                    item_id: f.item_id,
                    prompt: f.prompt,
                    competency: f.competency,
                    credit: f.credit,
                    earned_milli: f.earned_milli,
                    max_milli: f.max_milli,
                    explanation: f.explanation,
                })
                .collect(),
        }
    }
}

/// Start an attempt (signed-in people). Refused with 409 and a sentence saying when the
/// next attempt can start while one is open, after the attempt limit, or in the cooldown.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/attempts", tag = "assessments",
    params(("id" = Uuid, Path, description = "The assessment")),
    responses((status = 201, body = AttemptOut), (status = 404, body = Problem, content_type = "application/problem+json"),
               (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn start_attempt(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<(StatusCode, Json<AttemptOut>)> {
    let a = s.app.start_attempt(&p, id).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// An attempt, for its learner or the provider's assessment managers.
#[utoipa::path(get, path = "/api/v1/attempts/{id}", tag = "assessments",
    params(("id" = Uuid, Path, description = "The attempt")),
    responses((status = 200, body = AttemptOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_attempt(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<AttemptOut>> {
    Ok(Json(s.app.attempt(&p, id).await?.into()))
}

/// The answers, keyed by item id; each is `{"type": …}` with the item type's field:
/// `choice`, `choices`, `value`, `order`, `text` or `code`.
#[derive(Deserialize, ToSchema)]
pub struct SubmitIn {
    #[schema(value_type = Object)]
    responses: BTreeMap<Uuid, Response>,
}

/// Submit an attempt's answers. Scored once; refused with 409 after the time limit (plus a
/// short grace) or when already submitted.
#[utoipa::path(post, path = "/api/v1/attempts/{id}/submit", tag = "assessments", request_body = SubmitIn,
    params(("id" = Uuid, Path, description = "The attempt")),
    responses((status = 200, body = AttemptOut), (status = 404, body = Problem, content_type = "application/problem+json"),
               (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn submit_attempt(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<SubmitIn>,
) -> ApiResult<Json<AttemptOut>> {
    Ok(Json(
        s.app.submit_attempt(&p, id, b.responses).await?.into(),
    ))
}
