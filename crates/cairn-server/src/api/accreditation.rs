//! Accreditation under `/api/v1` (decision 0019): accreditors' review standards,
//! providers' submissions of module versions, reviewer assignment (refused, naming the
//! conflict, for a member of the provider), reviews, decisions signed as OB 3.0
//! EndorsementCredentials, conditions, minor changes and withdrawal.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use cairn_app::AppError;
use cairn_app::accreditation::{
    AccreditationView, AccreditorChoice, ReviewerCandidate, ReviewerView, StandardInput,
    SubmissionInput, SubmissionView, SubmittedAssessment,
};
use cairn_app::assignments::{iso_date, parse_date};
use cairn_core::accreditation::{
    Criterion, CriterionScore, Decision, Outcome, ReviewInput, ReviewSummary, Standard, Standing,
};
use cairn_core::validate::Invalid;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Auth, MaybeAuth};
use crate::problem::{ApiError, ApiJson, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(default_standard))
        .routes(routes!(list_standards, create_standard))
        .routes(routes!(get_standard))
        .routes(routes!(archive_standard))
        .routes(routes!(list_accreditors))
        .routes(routes!(provider_submissions, submit))
        .routes(routes!(provider_accreditations))
        .routes(routes!(accreditor_queue))
        .routes(routes!(accreditor_decisions))
        .routes(routes!(get_submission))
        .routes(routes!(withdraw_submission))
        .routes(routes!(assign_reviewer))
        .routes(routes!(unassign_reviewer))
        .routes(routes!(review))
        .routes(routes!(decide))
        .routes(routes!(my_reviews))
        .routes(routes!(get_accreditation))
        .routes(routes!(withdraw_accreditation))
        .routes(routes!(respond_to_conditions))
        .routes(routes!(conditions_met))
        .routes(routes!(declare_minor_change))
        .routes(routes!(module_accreditations))
}

// ------------------------------------------------------------------------------ shapes

/// A standard as an accreditor writes it (and the default standard Cairn ships).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct StandardBody {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Each with a stable key, guidance, levels from score 0 up, and a pass score.
    pub criteria: Vec<Criterion>,
}

impl From<StandardInput> for StandardBody {
    fn from(s: StandardInput) -> Self {
        StandardBody {
            name: s.name,
            description: s.description,
            criteria: s.criteria,
        }
    }
}

/// An organization named in a submission or decision.
#[derive(Serialize, ToSchema)]
pub struct OrgRef {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
}

/// An accreditor and the standards a provider may submit against.
#[derive(Serialize, ToSchema)]
pub struct AccreditorOut {
    pub slug: String,
    pub name: String,
    pub standards: Vec<Standard>,
}

impl From<AccreditorChoice> for AccreditorOut {
    fn from(c: AccreditorChoice) -> Self {
        AccreditorOut {
            slug: c.org.slug,
            name: c.org.name,
            standards: c.standards,
        }
    }
}

/// An assessment of the module as it was when submitted.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AssessmentRef {
    pub id: Uuid,
    pub title: String,
}

impl From<SubmittedAssessment> for AssessmentRef {
    fn from(a: SubmittedAssessment) -> Self {
        AssessmentRef {
            id: a.id,
            title: a.title,
        }
    }
}

/// A submission of a module version, with how far its reviews are.
#[derive(Serialize, ToSchema)]
pub struct SubmissionOut {
    pub id: Uuid,
    pub module_id: Uuid,
    pub version_id: Uuid,
    pub version_number: i32,
    pub module_title: String,
    pub provider: OrgRef,
    pub accreditor: OrgRef,
    pub standard_id: Uuid,
    pub standard_name: String,
    pub assessments: Vec<AssessmentRef>,
    pub note: Option<String>,
    /// submitted, in_review, decided or withdrawn.
    pub state: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<OffsetDateTime>,
    /// Reviewers assigned, and how many of them have given their review.
    pub reviewers: i64,
    pub reviews_done: i64,
    /// The submission's page.
    pub page: String,
}

/// A `SubmissionRow` of the store (not named outside cairn-app) as its API shape.
macro_rules! submission_out {
    ($r:expr) => {{
        let r = $r;
        SubmissionOut {
            id: r.id,
            module_id: r.module_id,
            version_id: r.version_id,
            version_number: r.version_number,
            module_title: r.module_title.clone(),
            provider: OrgRef {
                id: r.provider_org_id,
                slug: r.provider_slug.clone(),
                name: r.provider_name.clone(),
            },
            accreditor: OrgRef {
                id: r.accreditor_org_id,
                slug: r.accreditor_slug.clone(),
                name: r.accreditor_name.clone(),
            },
            standard_id: r.standard_id,
            standard_name: r.standard_name.clone(),
            assessments: assessments_of(&r.assessments),
            note: r.note.clone(),
            state: r.state.clone(),
            submitted_at: r.submitted_at,
            closed_at: r.closed_at,
            reviewers: r.reviewers,
            reviews_done: r.reviews_done,
            page: format!("/accreditation/submissions/{}", r.id),
        }
    }};
}

/// The assessments stored with a submission (JSON of `[{id, title}]`).
fn assessments_of(json: &str) -> Vec<AssessmentRef> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A reviewer's given review.
#[derive(Serialize, ToSchema)]
pub struct GivenReviewOut {
    pub scores: Vec<CriterionScore>,
    pub comment: String,
    pub recommendation: Outcome,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub reviewed_at: OffsetDateTime,
}

/// A reviewer of a submission, with their review once given (and once the caller may see it).
#[derive(Serialize, ToSchema)]
pub struct ReviewerOut {
    pub user_id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub assigned_at: OffsetDateTime,
    pub review: Option<GivenReviewOut>,
}

impl From<ReviewerView> for ReviewerOut {
    fn from(r: ReviewerView) -> Self {
        ReviewerOut {
            user_id: r.user_id,
            name: r.name,
            assigned_at: r.assigned_at,
            review: r.review.map(|g| GivenReviewOut {
                scores: g.scores,
                comment: g.comment,
                recommendation: g.recommendation,
                reviewed_at: g.reviewed_at,
            }),
        }
    }
}

/// A member of the accreditor who could review; `conflict` says why not when they cannot.
#[derive(Serialize, ToSchema)]
pub struct CandidateOut {
    pub user_id: Uuid,
    pub name: String,
    pub conflict: Option<String>,
    pub assigned: bool,
}

impl From<ReviewerCandidate> for CandidateOut {
    fn from(c: ReviewerCandidate) -> Self {
        CandidateOut {
            user_id: c.user_id,
            name: c.name,
            conflict: c.conflict,
            assigned: c.assigned,
        }
    }
}

/// One criterion across the reviews given.
#[derive(Serialize, ToSchema)]
pub struct CriterionSummaryOut {
    pub key: String,
    pub title: String,
    pub scores: Vec<u8>,
    pub mean: Option<f64>,
    pub lowest: Option<u8>,
    pub pass_score: u8,
    /// Some reviewer scored it below its pass score.
    pub below_pass: bool,
    /// Reviewers' scores differ by two levels or more.
    pub disagreement: bool,
}

/// How many reviewers recommended an outcome.
#[derive(Serialize, ToSchema)]
pub struct RecommendationCount {
    pub outcome: Outcome,
    pub count: usize,
}

/// What the reviews say together; it informs the accreditor's decision and never makes it.
#[derive(Serialize, ToSchema)]
pub struct SummaryOut {
    pub reviews: usize,
    pub criteria: Vec<CriterionSummaryOut>,
    pub recommendations: Vec<RecommendationCount>,
    pub suggested: Option<Outcome>,
    pub explanation: String,
}

impl From<ReviewSummary> for SummaryOut {
    fn from(s: ReviewSummary) -> Self {
        SummaryOut {
            reviews: s.reviews,
            criteria: s
                .criteria
                .into_iter()
                .map(|c| CriterionSummaryOut {
                    key: c.key,
                    title: c.title,
                    scores: c.scores,
                    mean: c.mean,
                    lowest: c.lowest,
                    pass_score: c.pass_score,
                    below_pass: c.below_pass,
                    disagreement: c.disagreement,
                })
                .collect(),
            recommendations: s
                .recommendations
                .into_iter()
                .map(|(outcome, count)| RecommendationCount { outcome, count })
                .collect(),
            suggested: s.suggested,
            explanation: s.explanation,
        }
    }
}

/// The signed endorsement of a decision to accredit, public like any credential.
#[derive(Serialize, ToSchema)]
pub struct EndorsementRef {
    pub credential_id: Uuid,
    /// The credential's page, with its checks.
    pub url: String,
    /// The signed OB 3.0 EndorsementCredential.
    pub json_url: String,
    /// The endorsement is revoked or suspended.
    pub inactive: bool,
}

fn endorsement_ref(credential_id: Uuid, inactive: bool) -> EndorsementRef {
    EndorsementRef {
        credential_id,
        url: format!("/credentials/{credential_id}"),
        json_url: format!("/credentials/{credential_id}.json"),
        inactive,
    }
}

/// A module version a decision covers: the one reviewed, or a later one declared a minor change.
#[derive(Serialize, ToSchema)]
pub struct CoveredVersionOut {
    pub version_id: Uuid,
    pub number: i32,
    /// review or minor_change.
    pub via: String,
    /// For a minor change: why the provider says it does not need a new review.
    pub rationale: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: OffsetDateTime,
}

/// A decision, where it stands now, and the versions it covers.
#[derive(Serialize, ToSchema)]
pub struct AccreditationOut {
    pub id: Uuid,
    pub submission_id: Uuid,
    pub module_id: Uuid,
    pub module_title: String,
    pub provider: OrgRef,
    pub accreditor: OrgRef,
    pub standard_id: Uuid,
    pub outcome: Outcome,
    /// The outcome in words.
    pub outcome_label: String,
    pub standing: Standing,
    /// The standing in words.
    pub standing_label: String,
    pub rationale: String,
    pub conditions: Option<String>,
    /// The day the conditions are due (YYYY-MM-DD).
    #[schema(format = Date)]
    pub conditions_due: Option<String>,
    pub conditions_response: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub conditions_responded_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub conditions_met_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub valid_from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub valid_until: OffsetDateTime,
    /// What the endorsement endorses: the module's achievement, or its public page.
    pub subject_id: String,
    pub endorsement: Option<EndorsementRef>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub decided_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub withdrawn_at: Option<OffsetDateTime>,
    pub withdrawn_reason: Option<String>,
    pub versions: Vec<CoveredVersionOut>,
    /// The decision's page.
    pub page: String,
}

impl From<AccreditationView> for AccreditationOut {
    fn from(v: AccreditationView) -> Self {
        let r = v.row;
        AccreditationOut {
            id: r.id,
            submission_id: r.submission_id,
            module_id: r.module_id,
            module_title: r.module_title,
            provider: OrgRef {
                id: r.provider_org_id,
                slug: r.provider_slug,
                name: r.provider_name,
            },
            accreditor: OrgRef {
                id: r.accreditor_org_id,
                slug: r.accreditor_slug,
                name: r.accreditor_name,
            },
            standard_id: r.standard_id,
            outcome: v.outcome,
            outcome_label: v.outcome.label().into(),
            standing: v.standing,
            standing_label: v.standing.label().into(),
            rationale: r.rationale,
            conditions: r.conditions,
            conditions_due: r.conditions_due.map(iso_date),
            conditions_response: r.conditions_response,
            conditions_responded_at: r.conditions_responded_at,
            conditions_met_at: r.conditions_met_at,
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            subject_id: r.subject_id,
            endorsement: r
                .credential_id
                .map(|c| endorsement_ref(c, r.credential_inactive)),
            decided_at: r.decided_at,
            withdrawn_at: r.withdrawn_at,
            withdrawn_reason: r.withdrawn_reason,
            versions: v
                .versions
                .into_iter()
                .map(|x| CoveredVersionOut {
                    version_id: x.version_id,
                    number: x.number,
                    via: x.via,
                    rationale: x.rationale,
                    recorded_at: x.recorded_at,
                })
                .collect(),
            page: format!("/accreditation/decisions/{}", r.id),
        }
    }
}

/// A submission with what the caller may see and do.
#[derive(Serialize, ToSchema)]
pub struct SubmissionDetailOut {
    pub submission: SubmissionOut,
    /// The standard it is reviewed against, criteria and all.
    pub standard: Standard,
    /// Reviewers and their reviews: all for the accreditor; for a reviewer, the others'
    /// only after their own; for the provider, only once decided.
    pub reviewers: Vec<ReviewerOut>,
    pub summary: Option<SummaryOut>,
    pub decision: Option<AccreditationOut>,
    /// For the accreditor while open: who could review, and the conflict barring those who cannot.
    pub candidates: Vec<CandidateOut>,
    pub can_decide: bool,
    pub can_review: bool,
    pub can_withdraw: bool,
}

impl From<SubmissionView> for SubmissionDetailOut {
    fn from(v: SubmissionView) -> Self {
        SubmissionDetailOut {
            submission: submission_out!(&v.submission),
            standard: v.standard,
            reviewers: v.reviewers.into_iter().map(Into::into).collect(),
            summary: v.summary.map(Into::into),
            decision: v.decision.map(Into::into),
            candidates: v.candidates.into_iter().map(Into::into).collect(),
            can_decide: v.can_decide,
            can_review: v.can_review,
            can_withdraw: v.can_withdraw,
        }
    }
}

/// What a provider submits.
#[derive(Deserialize, ToSchema)]
pub struct SubmissionIn {
    /// One of the provider's modules.
    pub module_id: Uuid,
    /// A published version's number; absent: the current published version.
    pub version: Option<i32>,
    /// The accreditor organization's handle.
    pub accreditor: String,
    /// One of the accreditor's active standards.
    pub standard_id: Uuid,
    /// For the accreditor: what changed, what to look at.
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewerIn {
    /// A member of the accreditor with the reviewer role, not a member of the provider.
    pub user_id: Uuid,
}

/// The accreditor's decision.
#[derive(Deserialize, ToSchema)]
pub struct DecisionIn {
    pub outcome: Outcome,
    /// What the reviews found and what the decision rests on.
    pub rationale: String,
    /// For `conditional`: what the provider must do.
    pub conditions: Option<String>,
    /// For `conditional`: by when (YYYY-MM-DD), before the end of validity.
    #[schema(format = Date)]
    pub conditions_due: Option<String>,
    /// The last day of validity (YYYY-MM-DD) for a decision to accredit.
    #[schema(format = Date)]
    pub valid_until: Option<String>,
}

fn date_field(field: &'static str, value: Option<&str>) -> Result<Option<Date>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse_date(v).map(Some).ok_or_else(|| {
            Invalid::new(field, format!("'{v}' is not a date like 2028-12-31")).into()
        }),
    }
}

impl DecisionIn {
    fn into_decision(self) -> Result<Decision, AppError> {
        Ok(Decision {
            outcome: self.outcome,
            rationale: self.rationale,
            conditions: self.conditions,
            conditions_due: date_field("conditions_due", self.conditions_due.as_deref())?,
            valid_until: date_field("valid_until", self.valid_until.as_deref())?,
        })
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonIn {
    /// Why the accreditation is withdrawn; the provider sees it.
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ResponseIn {
    /// How the provider met, or is meeting, the conditions.
    pub response: String,
}

#[derive(Deserialize, ToSchema)]
pub struct MinorChangeIn {
    /// A later published version of the module.
    pub version: i32,
    /// Why the change does not need a new review.
    pub rationale: String,
}

#[derive(Deserialize, IntoParams)]
pub struct StandardsParams {
    /// true to list archived standards too.
    archived: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
pub struct QueueParams {
    /// submitted, in_review, decided or withdrawn; absent: the open ones.
    state: Option<String>,
}

// ------------------------------------------------------------------------------ standards

/// The default standard Cairn ships (accuracy and currency, alignment to competencies,
/// assessment validity, instructional design, accessibility, bias and inclusion, privacy),
/// to adopt as it is or adapt.
#[utoipa::path(get, path = "/api/v1/accreditation/default-standard", tag = "accreditation", security(()),
    responses((status = 200, body = StandardBody)))]
pub async fn default_standard(State(s): State<AppState>) -> Json<StandardBody> {
    Json(s.app.default_standard().into())
}

/// An accreditor's standards; they are published, so anyone may read them.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/standards", tag = "accreditation", security(()),
    params(("slug" = String, Path, description = "The accreditor's handle"), StandardsParams),
    responses((status = 200, body = Vec<Standard>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_standards(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<StandardsParams>,
) -> ApiResult<Json<Vec<Standard>>> {
    Ok(Json(
        s.app.standards(&slug, q.archived.unwrap_or(false)).await?,
    ))
}

/// Create a standard (the accreditor's admins). Standards never change: to change one,
/// create another and archive the old one, so every review keeps what it was scored against.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/standards", tag = "accreditation", request_body = StandardBody,
    params(("slug" = String, Path, description = "The accreditor's handle")),
    responses((status = 201, body = Standard), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_standard(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<StandardBody>,
) -> ApiResult<(StatusCode, Json<Standard>)> {
    let input = StandardInput {
        name: b.name,
        description: b.description,
        criteria: b.criteria,
    };
    let st = s.app.create_standard(&p, &slug, input).await?;
    Ok((StatusCode::CREATED, Json(st)))
}

/// One standard, with its criteria, levels and guidance.
#[utoipa::path(get, path = "/api/v1/standards/{id}", tag = "accreditation", security(()),
    params(("id" = Uuid, Path, description = "The standard")),
    responses((status = 200, body = Standard), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_standard(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Standard>> {
    Ok(Json(s.app.standard(id).await?))
}

/// Archive a standard: no new submissions against it; reviews made against it keep it.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/standards/{id}/archive", tag = "accreditation",
    params(("slug" = String, Path, description = "The accreditor's handle"), ("id" = Uuid, Path, description = "The standard")),
    responses((status = 204, description = "Archived"), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn archive_standard(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> ApiResult<StatusCode> {
    s.app.archive_standard(&p, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accreditors a provider may submit to, each with its active standards.
#[utoipa::path(get, path = "/api/v1/accreditors", tag = "accreditation", security(()),
    responses((status = 200, body = Vec<AccreditorOut>)))]
pub async fn list_accreditors(State(s): State<AppState>) -> ApiResult<Json<Vec<AccreditorOut>>> {
    Ok(Json(
        s.app
            .accreditors()
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

// ------------------------------------------------------------------------------ submissions

/// The provider's submissions, newest first (the provider's admins and authors).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/submissions", tag = "accreditation",
    params(("slug" = String, Path, description = "The provider's handle")),
    responses((status = 200, body = Vec<SubmissionOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn provider_submissions(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<SubmissionOut>>> {
    let rows = s.app.provider_submissions(&p, &slug).await?;
    Ok(Json(rows.iter().map(|r| submission_out!(r)).collect()))
}

/// Submit a published module version, with its assessments, to an accreditor against one
/// of its standards (the provider's admins and authors). An organization cannot submit to itself.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/submissions", tag = "accreditation", request_body = SubmissionIn,
    params(("slug" = String, Path, description = "The provider's handle")),
    responses((status = 201, body = SubmissionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn submit(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<SubmissionIn>,
) -> ApiResult<(StatusCode, Json<SubmissionOut>)> {
    let row = s
        .app
        .submit_for_accreditation(
            &p,
            &slug,
            SubmissionInput {
                module_id: b.module_id,
                version: b.version,
                accreditor: b.accreditor,
                standard_id: b.standard_id,
                note: b.note,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(submission_out!(&row))))
}

/// Decisions about the provider's modules, with their standing and endorsements.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/accreditations", tag = "accreditation",
    params(("slug" = String, Path, description = "The provider's handle")),
    responses((status = 200, body = Vec<AccreditationOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn provider_accreditations(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<AccreditationOut>>> {
    let list = s.app.provider_accreditations(&p, &slug).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// The accreditor's submissions: the open ones oldest first, or those in `state`
/// (the accreditor's admins).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/accreditation/queue", tag = "accreditation",
    params(("slug" = String, Path, description = "The accreditor's handle"), QueueParams),
    responses((status = 200, body = Vec<SubmissionOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn accreditor_queue(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    Query(q): Query<QueueParams>,
) -> ApiResult<Json<Vec<SubmissionOut>>> {
    let state = q.state.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let rows = s.app.accreditor_queue(&p, &slug, state).await?;
    Ok(Json(rows.iter().map(|r| submission_out!(r)).collect()))
}

/// The accreditor's decisions, newest first, each with its standing (current, conditions
/// overdue, lapsed, withdrawn, not accredited).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/accreditation/decisions", tag = "accreditation",
    params(("slug" = String, Path, description = "The accreditor's handle")),
    responses((status = 200, body = Vec<AccreditationOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn accreditor_decisions(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<AccreditationOut>>> {
    let list = s.app.accreditor_decisions(&p, &slug).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// A submission, for its provider, its accreditor, or a reviewer assigned to it; what is
/// shown depends on who asks.
#[utoipa::path(get, path = "/api/v1/submissions/{id}", tag = "accreditation",
    params(("id" = Uuid, Path, description = "The submission")),
    responses((status = 200, body = SubmissionDetailOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_submission(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<SubmissionDetailOut>> {
    Ok(Json(s.app.submission(&p, id).await?.into()))
}

/// The provider takes back a submission not yet decided.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/withdraw", tag = "accreditation",
    params(("id" = Uuid, Path, description = "The submission")),
    responses((status = 204, description = "Withdrawn"), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw_submission(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    s.app.withdraw_submission(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Assign a reviewer (the accreditor's admins): a member of the accreditor with the
/// reviewer role. A member of the provider, in any role, is refused with 409 naming the conflict.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/reviewers", tag = "accreditation", request_body = ReviewerIn,
    params(("id" = Uuid, Path, description = "The submission")),
    responses((status = 204, description = "Assigned"), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn assign_reviewer(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ReviewerIn>,
) -> ApiResult<StatusCode> {
    s.app.assign_reviewer(&p, id, b.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take a reviewer off a submission before they have reviewed it (the accreditor's admins).
#[utoipa::path(delete, path = "/api/v1/submissions/{id}/reviewers/{user_id}", tag = "accreditation",
    params(("id" = Uuid, Path, description = "The submission"), ("user_id" = Uuid, Path, description = "The reviewer")),
    responses((status = 204, description = "Unassigned"), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn unassign_reviewer(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((id, user)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    s.app.unassign_reviewer(&p, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An assigned reviewer's review: a score for every criterion of the standard, comments
/// and a recommendation. Given once.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/review", tag = "accreditation", request_body = ReviewInput,
    params(("id" = Uuid, Path, description = "The submission")),
    responses((status = 204, description = "Recorded"), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ReviewInput>,
) -> ApiResult<StatusCode> {
    s.app.submit_accreditation_review(&p, id, b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The accreditor decides (its admins). A decision to accredit is signed as an OB 3.0
/// EndorsementCredential by the accreditor's key; its address is in `endorsement`.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/decision", tag = "accreditation", request_body = DecisionIn,
    params(("id" = Uuid, Path, description = "The submission")),
    responses((status = 201, body = AccreditationOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<DecisionIn>,
) -> ApiResult<(StatusCode, Json<AccreditationOut>)> {
    let decision = b.into_decision()?;
    let v = s.app.decide_accreditation(&p, id, decision).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// The open submissions the signed-in reviewer is assigned to.
#[utoipa::path(get, path = "/api/v1/me/accreditation-reviews", tag = "accreditation",
    responses((status = 200, body = Vec<SubmissionOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn my_reviews(
    State(s): State<AppState>,
    Auth(p): Auth,
) -> ApiResult<Json<Vec<SubmissionOut>>> {
    let rows = s.app.my_accreditation_reviews(&p).await?;
    Ok(Json(rows.iter().map(|r| submission_out!(r)).collect()))
}

// ------------------------------------------------------------------------------ decisions

/// One decision. Decisions to accredit are public, as their endorsements are; a decision
/// not to accredit only for the provider and the accreditor.
#[utoipa::path(get, path = "/api/v1/accreditations/{id}", tag = "accreditation", security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The decision")),
    responses((status = 200, body = AccreditationOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_accreditation(
    State(s): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<AccreditationOut>> {
    Ok(Json(s.app.accreditation(p.as_ref(), id).await?.into()))
}

/// Withdraw a decision to accredit (the accreditor's admins): its endorsement is revoked at
/// once, so the catalog, the module page and every verifier stop counting it.
#[utoipa::path(post, path = "/api/v1/accreditations/{id}/withdraw", tag = "accreditation", request_body = ReasonIn,
    params(("id" = Uuid, Path, description = "The decision")),
    responses((status = 200, body = AccreditationOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw_accreditation(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ReasonIn>,
) -> ApiResult<Json<AccreditationOut>> {
    Ok(Json(
        s.app
            .withdraw_accreditation(&p, id, &b.reason)
            .await?
            .into(),
    ))
}

/// The provider answers the conditions of a conditional accreditation.
#[utoipa::path(post, path = "/api/v1/accreditations/{id}/conditions/response", tag = "accreditation", request_body = ResponseIn,
    params(("id" = Uuid, Path, description = "The decision")),
    responses((status = 200, body = AccreditationOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn respond_to_conditions(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<ResponseIn>,
) -> ApiResult<Json<AccreditationOut>> {
    Ok(Json(
        s.app
            .respond_to_conditions(&p, id, &b.response)
            .await?
            .into(),
    ))
}

/// The accreditor confirms the conditions met.
#[utoipa::path(post, path = "/api/v1/accreditations/{id}/conditions/met", tag = "accreditation",
    params(("id" = Uuid, Path, description = "The decision")),
    responses((status = 200, body = AccreditationOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn conditions_met(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<AccreditationOut>> {
    Ok(Json(s.app.confirm_conditions_met(&p, id).await?.into()))
}

/// The provider declares a later published version a minor change: the decision covers it
/// too, and the reason is recorded for the accreditor to see.
#[utoipa::path(post, path = "/api/v1/accreditations/{id}/minor-changes", tag = "accreditation", request_body = MinorChangeIn,
    params(("id" = Uuid, Path, description = "The decision")),
    responses((status = 200, body = AccreditationOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn declare_minor_change(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<MinorChangeIn>,
) -> ApiResult<Json<AccreditationOut>> {
    Ok(Json(
        s.app
            .declare_minor_change(&p, id, b.version, &b.rationale)
            .await?
            .into(),
    ))
}

/// The public decisions about a module (accredited, with or without conditions), newest first.
#[utoipa::path(get, path = "/api/v1/modules/{id}/accreditations", tag = "accreditation", security(()),
    params(("id" = Uuid, Path, description = "The module")),
    responses((status = 200, body = Vec<AccreditationOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn module_accreditations(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<AccreditationOut>>> {
    let list = s.app.module_accreditations(id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}
