//! Evidence and reviews under `/api/v1`: rubrics, evidence, the assessor queue, appeals, statistics.

use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_app::reviews::{
    self as rv, EvidenceView, NewCriterion, NewEvidence, NewEvidenceFile, NewRubric, ReviewInfo,
    RubricInfo,
};
use cairn_core::review::{
    Agreement, Decision, EvidenceStatus, Mark, PairAgreement, ReviewPolicy, ReviewStage, Rubric,
    RubricLevel, Score,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, ApiJson, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// Evidence arrives as JSON with its files in base64 (a third larger than the files).
pub const EVIDENCE_BODY_MAX: usize = rv::FILES_TOTAL_BYTES_MAX / 3 * 4 + 1024 * 1024;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    let mine = OpenApiRouter::new()
        .routes(routes!(list_rubrics, create_rubric))
        .routes(routes!(get_rubric))
        .routes(routes!(my_evidence, submit_evidence))
        .routes(routes!(get_evidence))
        .routes(routes!(get_evidence_file))
        .routes(routes!(appeal))
        .routes(routes!(queue))
        .routes(routes!(claim))
        .routes(routes!(get_review, submit_review))
        .routes(routes!(review_stats))
        // Only these routes take bodies larger than the server-wide limit (evidence files).
        .layer(DefaultBodyLimit::max(EVIDENCE_BODY_MAX));
    router.merge(mine)
}

// --- Shapes ---------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct RubricOut {
    org_id: Uuid,
    org_slug: String,
    org_name: String,
    rubric: Rubric,
    max_points: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    created_at: OffsetDateTime,
    /// Achievements earned with evidence accepted on this rubric; submit evidence towards
    /// one (`achievement_id`) to be reviewed under its policy.
    achievements: Vec<RubricAchievementOut>,
}

#[derive(Serialize, ToSchema)]
pub struct RubricAchievementOut {
    id: Uuid,
    name: String,
    review_policy: ReviewPolicy,
}

impl From<RubricInfo> for RubricOut {
    fn from(r: RubricInfo) -> Self {
        RubricOut {
            org_id: r.org_id,
            org_slug: r.org_slug,
            org_name: r.org_name,
            rubric: r.rubric,
            max_points: r.max_points,
            created_at: r.created_at,
            achievements: r
                .achievements
                .into_iter()
                .map(|a| RubricAchievementOut {
                    id: a.id,
                    name: a.name,
                    review_policy: a.review_policy,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CriterionIn {
    title: String,
    /// Lowest first; points never decrease.
    levels: Vec<RubricLevel>,
    /// Index (from 0) of the lowest level that passes whatever the total.
    #[serde(default)]
    min_level: Option<usize>,
}

#[derive(Deserialize, ToSchema)]
pub struct RubricIn {
    title: String,
    criteria: Vec<CriterionIn>,
    /// The total needed to be accepted.
    pass_mark: u32,
}

#[derive(Deserialize, ToSchema)]
pub struct FileIn {
    name: String,
    /// application/pdf, image/png, image/jpeg or text/plain; the contents are checked.
    media_type: String,
    /// The file's bytes in standard base64.
    data_base64: String,
}

#[derive(Deserialize, ToSchema)]
pub struct EvidenceIn {
    rubric_id: Uuid,
    /// The achievement this evidence is towards; its review policy applies.
    #[serde(default)]
    achievement_id: Option<Uuid>,
    title: String,
    /// What you did and how it shows the competency.
    narrative: String,
    /// Up to 10 https links.
    #[serde(default)]
    links: Vec<String>,
    /// Up to 5 files of at most 5 MiB each (10 MiB together).
    #[serde(default)]
    files: Vec<FileIn>,
}

#[derive(Serialize, ToSchema)]
pub struct FileOut {
    id: Uuid,
    name: String,
    media_type: String,
    size: i64,
    sha256: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    id: Uuid,
    stage: ReviewStage,
    assessor_id: Uuid,
    assessor_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    assigned_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    submitted_at: Option<OffsetDateTime>,
    /// Shown to the assessor who made them, to admins, and to the learner once decided.
    marks: Option<Vec<Mark>>,
    score: Option<Score>,
}

impl From<ReviewInfo> for ReviewOut {
    fn from(r: ReviewInfo) -> Self {
        ReviewOut {
            id: r.id,
            stage: r.stage,
            assessor_id: r.assessor_id,
            assessor_name: r.assessor_name,
            assigned_at: r.assigned_at,
            submitted_at: r.submitted_at,
            marks: r.marks,
            score: r.score,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceOut {
    id: Uuid,
    learner_id: Uuid,
    learner_name: String,
    rubric_id: Uuid,
    rubric_title: String,
    achievement_id: Option<Uuid>,
    org_id: Uuid,
    title: String,
    narrative: String,
    links: Vec<String>,
    status: EvidenceStatus,
    /// The status in words.
    status_text: String,
    policy: ReviewPolicy,
    decision: Option<Decision>,
    /// The decision in one sentence.
    explanation: Option<String>,
    accepted: Option<bool>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    submitted_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    decided_at: Option<OffsetDateTime>,
    appeal_reason: Option<String>,
    /// Whether the learner may appeal now.
    may_appeal: bool,
    /// Why an appeal is not possible now.
    appeal_refusal: Option<String>,
    /// Set while nobody is assigned to the stage the evidence waits for: why.
    waiting: Option<String>,
    files: Vec<FileOut>,
    reviews: Vec<ReviewOut>,
}

impl From<EvidenceView> for EvidenceOut {
    fn from(e: EvidenceView) -> Self {
        EvidenceOut {
            id: e.id,
            learner_id: e.learner_id,
            learner_name: e.learner_name,
            rubric_id: e.rubric_id,
            rubric_title: e.rubric_title,
            achievement_id: e.achievement_id,
            org_id: e.org_id,
            title: e.title,
            narrative: e.narrative,
            links: e.links,
            status: e.status,
            status_text: e.status_text,
            policy: e.policy,
            decision: e.decision,
            explanation: e.explanation,
            accepted: e.accepted,
            submitted_at: e.submitted_at,
            decided_at: e.decided_at,
            appeal_reason: e.appeal_reason,
            may_appeal: e.may_appeal,
            appeal_refusal: e.appeal_refusal,
            waiting: e.waiting,
            files: e
                .files
                .into_iter()
                .map(|f| FileOut {
                    id: f.id,
                    name: f.name,
                    media_type: f.media_type,
                    size: f.size,
                    sha256: f.sha256,
                })
                .collect(),
            reviews: e.reviews.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct AppealIn {
    /// Why the decision should be reviewed again.
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct QueueItemOut {
    review_id: Uuid,
    evidence_id: Uuid,
    stage: ReviewStage,
    evidence_title: String,
    learner_name: String,
    rubric_title: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    assigned_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct ClaimableOut {
    evidence_id: Uuid,
    stage: ReviewStage,
    evidence_title: String,
    learner_name: String,
    rubric_title: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    submitted_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct QueueOut {
    /// Reviews assigned to you and not yet submitted, oldest first.
    assigned: Vec<QueueItemOut>,
    /// Evidence waiting for a reviewer nobody was assigned, which you may claim.
    unassigned: Vec<ClaimableOut>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewTaskOut {
    review: ReviewOut,
    evidence: EvidenceOut,
    rubric: Rubric,
}

impl From<rv::ReviewTask> for ReviewTaskOut {
    fn from(t: rv::ReviewTask) -> Self {
        ReviewTaskOut {
            review: t.review.into(),
            evidence: t.evidence.into(),
            rubric: t.rubric,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct MarksIn {
    /// One level per criterion of the rubric.
    marks: Vec<Mark>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewOutcomeOut {
    score: Score,
    /// The evidence after the review: decided, or waiting for its next reviewer.
    evidence: EvidenceOut,
}

#[derive(Serialize, ToSchema)]
pub struct AssessorStatsOut {
    assessor_id: Uuid,
    assessor_name: String,
    agreement: Agreement,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewStatsOut {
    org_id: Uuid,
    /// Pieces of evidence scored by both markers.
    double_marked: usize,
    overall: Agreement,
    by_assessor: Vec<AssessorStatsOut>,
    by_pair: Vec<PairAgreement>,
}

// --- Handlers -------------------------------------------------------------------------------

/// The organization's rubrics (anyone signed in: learners see how their work is judged).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/rubrics", tag = "reviews",
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 200, body = Vec<RubricOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_rubrics(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<RubricOut>>> {
    let list = s.app.rubrics(&p, &slug).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Write a rubric: criteria × levels with descriptors and points, and a pass mark (authors, admins).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/rubrics", tag = "reviews", request_body = RubricIn,
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 201, body = RubricOut), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_rubric(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<RubricIn>,
) -> ApiResult<(StatusCode, Json<RubricOut>)> {
    let new = NewRubric {
        title: b.title,
        criteria: b
            .criteria
            .into_iter()
            .map(|c| NewCriterion {
                title: c.title,
                levels: c.levels,
                min_level: c.min_level,
            })
            .collect(),
        pass_mark: b.pass_mark,
    };
    let r = s.app.create_rubric(&p, &slug, new).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// One rubric.
#[utoipa::path(get, path = "/api/v1/rubrics/{id}", tag = "reviews",
    params(("id" = Uuid, Path, description = "The rubric")),
    responses((status = 200, body = RubricOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_rubric(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<RubricOut>> {
    Ok(Json(s.app.rubric(&p, id).await?.into()))
}

/// Your evidence, newest first, each with its status and decision.
#[utoipa::path(get, path = "/api/v1/evidence", tag = "reviews",
    responses((status = 200, body = Vec<EvidenceOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn my_evidence(
    State(s): State<AppState>,
    Auth(p): Auth,
) -> ApiResult<Json<Vec<EvidenceOut>>> {
    let list = s.app.my_evidence(&p).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Submit performance evidence on a rubric; its first marker is assigned at once when one is eligible.
#[utoipa::path(post, path = "/api/v1/evidence", tag = "reviews", request_body = EvidenceIn,
    responses((status = 201, body = EvidenceOut), (status = 401, body = Problem, content_type = "application/problem+json"),
               (status = 413, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn submit_evidence(
    State(s): State<AppState>,
    Auth(p): Auth,
    body: Result<ApiJson<EvidenceIn>, ApiError>,
) -> ApiResult<(StatusCode, Json<EvidenceOut>)> {
    // The generic refusal names the server-wide limit; this route has its own.
    let ApiJson(b) = body.map_err(|ApiError(problem)| {
        if problem.status_code() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the evidence is larger than {EVIDENCE_BODY_MAX} bytes: attach at most {} files of 5 MiB each, 10 MiB together (base64 makes them a third larger)",
                    rv::FILES_MAX
                ),
            ))
        } else {
            ApiError(problem)
        }
    })?;
    let files = b
        .files
        .into_iter()
        .map(|f| NewEvidenceFile::from_base64(f.name, f.media_type, &f.data_base64))
        .collect::<Result<Vec<_>, _>>()
        .map_err(AppError::from)?;
    let new = NewEvidence {
        rubric_id: b.rubric_id,
        achievement_id: b.achievement_id,
        title: b.title,
        narrative: b.narrative,
        links: b.links,
        files,
    };
    let e = s.app.submit_evidence(&p, new).await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// A piece of evidence (its learner, its assigned assessors, and the organization's admins).
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "reviews",
    params(("id" = Uuid, Path, description = "The evidence")),
    responses((status = 200, body = EvidenceOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_evidence(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<EvidenceOut>> {
    Ok(Json(s.app.evidence(&p, id).await?.into()))
}

/// A file of a piece of evidence, always as a download.
/// A learner's file as a download (the API and the evidence page serve it alike).
pub(crate) fn file_response(info: rv::FileInfo, bytes: Vec<u8>) -> Response {
    // Only a plain ASCII name goes into the header; the stored name may be any script.
    let safe: String = info
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&info.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    // Learners' files never render inside Cairn's origin.
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// Download a file of a piece of evidence (the same people who may see the evidence).
#[utoipa::path(get, path = "/api/v1/evidence/{id}/files/{file_id}", tag = "reviews",
    params(("id" = Uuid, Path, description = "The evidence"), ("file_id" = Uuid, Path, description = "The file")),
    responses((status = 200, description = "The file's bytes", content_type = "application/octet-stream"),
               (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_evidence_file(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((id, file_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let (info, bytes) = s.app.evidence_file(&p, id, file_id).await?;
    Ok(file_response(info, bytes))
}

/// Appeal a rejection of your evidence, once, with a reason; an assessor new to it reviews it again.
#[utoipa::path(post, path = "/api/v1/evidence/{id}/appeal", tag = "reviews", request_body = AppealIn,
    params(("id" = Uuid, Path, description = "The evidence")),
    responses((status = 200, body = EvidenceOut), (status = 404, body = Problem, content_type = "application/problem+json"),
               (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn appeal(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<AppealIn>,
) -> ApiResult<Json<EvidenceOut>> {
    Ok(Json(s.app.appeal_evidence(&p, id, &b.reason).await?.into()))
}

/// Your review queue (assessors): reviews assigned to you, and evidence you may claim.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "reviews",
    responses((status = 200, body = QueueOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn queue(State(s): State<AppState>, Auth(p): Auth) -> ApiResult<Json<QueueOut>> {
    let q = s.app.review_queue(&p).await?;
    Ok(Json(QueueOut {
        assigned: q
            .assigned
            .into_iter()
            .map(|i| QueueItemOut {
                review_id: i.review_id,
                evidence_id: i.evidence_id,
                stage: i.stage,
                evidence_title: i.evidence_title,
                learner_name: i.learner_name,
                rubric_title: i.rubric_title,
                assigned_at: i.assigned_at,
            })
            .collect(),
        unassigned: q
            .unassigned
            .into_iter()
            .map(|c| ClaimableOut {
                evidence_id: c.evidence_id,
                stage: c.stage,
                evidence_title: c.evidence_title,
                learner_name: c.learner_name,
                rubric_title: c.rubric_title,
                submitted_at: c.submitted_at,
            })
            .collect(),
    }))
}

/// Claim the waiting review of evidence nobody was assigned (eligibility is checked again).
#[utoipa::path(post, path = "/api/v1/reviews/claim/{evidence_id}", tag = "reviews",
    params(("evidence_id" = Uuid, Path, description = "The evidence")),
    responses((status = 201, body = ReviewTaskOut), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn claim(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(evidence_id): Path<Uuid>,
) -> ApiResult<(StatusCode, Json<ReviewTaskOut>)> {
    let t = s.app.claim_review(&p, evidence_id).await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// A review assigned to you, with the evidence and the rubric to mark it on.
#[utoipa::path(get, path = "/api/v1/reviews/{id}", tag = "reviews",
    params(("id" = Uuid, Path, description = "The review")),
    responses((status = 200, body = ReviewTaskOut), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_review(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ReviewTaskOut>> {
    Ok(Json(s.app.review_task(&p, id).await?.into()))
}

/// Submit your marks: the review is scored on the rubric and the evidence moves on (second
/// marker, adjudicator, or a decision).
#[utoipa::path(post, path = "/api/v1/reviews/{id}", tag = "reviews", request_body = MarksIn,
    params(("id" = Uuid, Path, description = "The review")),
    responses((status = 200, body = ReviewOutcomeOut), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn submit_review(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<MarksIn>,
) -> ApiResult<Json<ReviewOutcomeOut>> {
    let out = s.app.submit_review(&p, id, b.marks).await?;
    Ok(Json(ReviewOutcomeOut {
        score: out.score,
        evidence: out.evidence.into(),
    }))
}

/// How well the organization's assessors agree on double-marked evidence: Cohen's kappa on
/// pass/fail and the mean absolute difference of totals (admins, authors, assessors).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/review-stats", tag = "reviews",
    params(("slug" = String, Path, description = "The organization's handle")),
    responses((status = 200, body = ReviewStatsOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn review_stats(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<ReviewStatsOut>> {
    let st = s.app.review_stats(&p, &slug).await?;
    Ok(Json(ReviewStatsOut {
        org_id: st.org_id,
        double_marked: st.double_marked,
        overall: st.overall,
        by_assessor: st
            .by_assessor
            .into_iter()
            .map(|a| AssessorStatsOut {
                assessor_id: a.assessor_id,
                assessor_name: a.assessor_name,
                agreement: a.agreement,
            })
            .collect(),
        by_pair: st.by_pair,
    }))
}
