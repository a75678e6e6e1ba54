//! Awards under `/api/v1`: a learner's awards, an issuer's awards and signing queue, and the
//! chain of decisions behind a credential.

use axum::Json;
use axum::extract::{Path, Query, State};
use cairn_app::awards::{Award, AwardEvidence, AwardResult, ChainEvent, CredentialChain};
use cairn_core::criteria::EvidenceRef;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(my_awards))
        .routes(routes!(org_awards))
        .routes(routes!(credential_chain))
}

#[derive(Serialize, ToSchema)]
pub struct AwardEvidenceOut {
    /// What the evidence is: an attempt, reviewed evidence or a module completion.
    #[serde(rename = "ref")]
    pub reference: EvidenceRef,
    pub name: String,
    pub description: String,
    pub genre: String,
}

#[derive(Serialize, ToSchema)]
pub struct AwardResultOut {
    /// OB 3.0 result type: Percent or RubricScore.
    pub result_type: String,
    pub name: String,
    pub value: String,
    pub value_max: String,
}

#[derive(Serialize, ToSchema)]
pub struct AwardOut {
    pub id: Uuid,
    pub achievement_id: Uuid,
    pub learner_id: Uuid,
    pub org_id: Uuid,
    /// pending (decided; its credential is being signed), issued, or failed (signing gave
    /// up after repeated errors; see last_error).
    pub state: String,
    /// False once its credential was revoked.
    pub active: bool,
    pub credential_id: Option<Uuid>,
    pub evidence: Vec<AwardEvidenceOut>,
    pub results: Vec<AwardResultOut>,
    /// Why it was awarded, in a sentence.
    pub explanation: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub decided_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub issued_at: Option<OffsetDateTime>,
    pub tries: i32,
    pub last_error: Option<String>,
}

fn evidence_out(e: AwardEvidence) -> AwardEvidenceOut {
    AwardEvidenceOut {
        reference: e.reference,
        name: e.name,
        description: e.description,
        genre: e.genre,
    }
}

fn result_out(r: AwardResult) -> AwardResultOut {
    AwardResultOut {
        result_type: r.result_type,
        name: r.name,
        value: r.value,
        value_max: r.value_max,
    }
}

impl From<Award> for AwardOut {
    fn from(a: Award) -> Self {
        AwardOut {
            id: a.id,
            achievement_id: a.achievement_id,
            learner_id: a.learner_id,
            org_id: a.org_id,
            state: a.state,
            active: a.active,
            credential_id: a.credential_id,
            evidence: a.evidence.into_iter().map(evidence_out).collect(),
            results: a.results.into_iter().map(result_out).collect(),
            explanation: a.explanation,
            decided_at: a.decided_at,
            issued_at: a.issued_at,
            tries: a.tries,
            last_error: a.last_error,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChainEventOut {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// Who: `user:…`, `token:…`, or `system` for rules applied automatically.
    pub actor: String,
    /// What: e.g. attempt.score, review.submit, award.decide, credential.issue.
    pub action: String,
    pub subject: String,
    /// Why: the event's recorded detail.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// The event's link in the audit hash chain (`cairn audit verify` checks them).
    pub hash: String,
}

impl From<ChainEvent> for ChainEventOut {
    fn from(e: ChainEvent) -> Self {
        ChainEventOut {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            detail: e.detail,
            hash: e.hash,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CredentialChainOut {
    pub credential_id: Uuid,
    /// The award the credential was issued for; none for a credential issued by hand.
    pub award: Option<AwardOut>,
    /// Oldest first.
    pub events: Vec<ChainEventOut>,
}

impl From<CredentialChain> for CredentialChainOut {
    fn from(c: CredentialChain) -> Self {
        CredentialChainOut {
            credential_id: c.credential_id,
            award: c.award.map(Into::into),
            events: c.events.into_iter().map(Into::into).collect(),
        }
    }
}

/// The signed-in learner's awards, newest first.
#[utoipa::path(get, path = "/api/v1/me/awards", tag = "awards",
    responses((status = 200, body = Vec<AwardOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn my_awards(State(s): State<AppState>, Auth(p): Auth) -> ApiResult<Json<Vec<AwardOut>>> {
    let awards = s.app.my_awards(&p).await?;
    Ok(Json(awards.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, IntoParams)]
pub struct AwardFilter {
    /// Only awards in this state: pending, issued or failed.
    state: Option<String>,
}

/// An issuer's awards, newest first (admins): what was awarded, why, and what is still
/// waiting to be signed or failed to be.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/awards", tag = "awards",
    params(("slug" = String, Path, description = "The issuer organization's handle"), AwardFilter),
    responses((status = 200, body = Vec<AwardOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn org_awards(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    Query(f): Query<AwardFilter>,
) -> ApiResult<Json<Vec<AwardOut>>> {
    let awards = s.app.org_awards(&p, &slug, f.state.as_deref()).await?;
    Ok(Json(awards.into_iter().map(Into::into).collect()))
}

/// The chain of decisions behind a credential: the attempt scored, the reviews and
/// adjudication, the award and the signing — who, what, when and why. For the credential's
/// learner and its issuer's admins.
#[utoipa::path(get, path = "/api/v1/credentials/{id}/chain", tag = "awards",
    params(("id" = Uuid, Path, description = "The credential")),
    responses((status = 200, body = CredentialChainOut), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn credential_chain(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<CredentialChainOut>> {
    Ok(Json(s.app.credential_chain(&p, id).await?.into()))
}
