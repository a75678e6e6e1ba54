//! Achievements, credentials, status changes and keys under `/api/v1`, and the W3C-CCG
//! VC-API endpoints `/credentials/issue` and `/credentials/verify`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::credentials::{IssueRequest, NewAchievement, Recipient, StatusAction};
use cairn_core::{Achievement, AchievementKind, CredentialRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::PageParams;
use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, ApiJson, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// What an issuer's credentials can be for.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/achievements", tag = "credentials", security(()),
    params(("slug" = String, Path, description = "The issuer organization's handle")),
    responses((status = 200, body = Vec<Achievement>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_achievements(
    State(s): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<Achievement>>> {
    Ok(Json(s.app.achievements(&slug).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateAchievement {
    kind: AchievementKind,
    name: String,
    description: String,
    /// What a learner must do or show.
    criteria: String,
    /// The award rule (awarded automatically when met), review policy for evidence,
    /// aligned competencies and validity period.
    #[serde(default)]
    spec: cairn_core::AchievementSpec,
}

/// Define an achievement (issuer admins).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/achievements", tag = "credentials", request_body = CreateAchievement,
    params(("slug" = String, Path, description = "The issuer organization's handle")),
    responses((status = 201, body = Achievement), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_achievement(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<CreateAchievement>,
) -> ApiResult<(StatusCode, Json<Achievement>)> {
    let a = s
        .app
        .create_achievement(
            &p,
            &slug,
            NewAchievement {
                kind: b.kind,
                name: b.name,
                description: b.description,
                criteria: b.criteria,
                spec: b.spec,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

#[derive(Serialize, ToSchema)]
pub struct CredentialList {
    total: i64,
    credentials: Vec<CredentialRecord>,
}

/// Credentials the organization issued, newest first (issuer admins and assessors).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/credentials", tag = "credentials",
    params(("slug" = String, Path, description = "The issuer organization's handle"), PageParams),
    responses((status = 200, body = CredentialList), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_credentials(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    Query(q): Query<PageParams>,
) -> ApiResult<Json<CredentialList>> {
    let (credentials, total) = s
        .app
        .credentials(&p, &slug, q.limit.unwrap_or(50), q.offset.unwrap_or(0))
        .await?;
    Ok(Json(CredentialList { total, credentials }))
}

#[derive(Deserialize, ToSchema)]
pub struct IssueCredential {
    achievement_id: Uuid,
    /// The learner's e-mail address (hashed in the credential) …
    recipient_email: Option<String>,
    /// … or a DID or URL they control.
    recipient_id: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    valid_until: Option<OffsetDateTime>,
    /// Also return the VC-JOSE `vc+jwt` form.
    #[serde(default)]
    jwt: bool,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedCredential {
    record: CredentialRecord,
    /// The signed Open Badges 3.0 credential (Data Integrity, eddsa-rdfc-2022).
    #[schema(value_type = Object)]
    credential: Value,
    jwt: Option<String>,
}

/// Issue a credential for one of the organization's achievements (issuer admins).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/credentials", tag = "credentials", request_body = IssueCredential,
    params(("slug" = String, Path, description = "The issuer organization's handle")),
    responses((status = 201, body = IssuedCredential), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"),
               (status = 503, body = Problem, content_type = "application/problem+json")))]
pub async fn issue_credential(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<IssueCredential>,
) -> ApiResult<(StatusCode, Json<IssuedCredential>)> {
    let recipient = match (b.recipient_email, b.recipient_id) {
        (Some(e), None) => Recipient::Email(e),
        (None, Some(id)) => Recipient::Id(id),
        _ => {
            return Err(
                cairn_app::AppError::from(cairn_core::validate::Invalid::new(
                    "recipient",
                    "give exactly one of recipient_email or recipient_id",
                ))
                .into(),
            );
        }
    };
    let issued = s
        .app
        .issue_credential(
            &p,
            &slug,
            IssueRequest {
                achievement_id: b.achievement_id,
                recipient,
                valid_until: b.valid_until,
                jwt: b.jwt,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedCredential {
            record: issued.record,
            credential: issued.document,
            jwt: issued.jwt,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ChangeStatus {
    action: StatusActionIn,
    /// Why; kept in the audit log and shown to the issuer.
    reason: Option<String>,
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum StatusActionIn {
    Revoke,
    Suspend,
    Reinstate,
}

/// Revoke (final), suspend, or reinstate a suspended credential (issuer admins). The
/// organization's status lists are re-signed at once.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/credentials/{id}/status", tag = "credentials", request_body = ChangeStatus,
    params(("slug" = String, Path, description = "The issuer organization's handle"), ("id" = Uuid, Path, description = "The credential")),
    responses((status = 200, body = CredentialRecord), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn change_status(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(b): ApiJson<ChangeStatus>,
) -> ApiResult<Json<CredentialRecord>> {
    let action = match b.action {
        StatusActionIn::Revoke => StatusAction::Revoke,
        StatusActionIn::Suspend => StatusAction::Suspend,
        StatusActionIn::Reinstate => StatusAction::Reinstate,
    };
    Ok(Json(
        s.app
            .set_credential_status(&p, &slug, id, action, b.reason.as_deref())
            .await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct RotatedKey {
    /// The new key's public Multikey value; the old one stays in the DID document.
    public_key_multibase: String,
}

/// Start signing with a new key (issuer admins; did:web issuers only).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/keys/rotate", tag = "credentials",
    params(("slug" = String, Path, description = "The issuer organization's handle")),
    responses((status = 200, body = RotatedKey), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn rotate_key(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
) -> ApiResult<Json<RotatedKey>> {
    Ok(Json(RotatedKey {
        public_key_multibase: s.app.rotate_signing_key(&p, &slug).await?,
    }))
}

/// Credentials issued to the signed-in person.
#[utoipa::path(get, path = "/api/v1/me/credentials", tag = "account",
    responses((status = 200, body = Vec<CredentialRecord>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn my_credentials(
    State(s): State<AppState>,
    Auth(p): Auth,
) -> ApiResult<Json<Vec<CredentialRecord>>> {
    Ok(Json(s.app.my_credentials(&p).await?))
}

/// The signed-in learner's Comprehensive Learner Record (CLR 2.0): a `ClrCredential`
/// embedding every credential of theirs that is valid now, with `isChildOf` associations
/// from each component to the stacks it counts towards, signed by the platform issuer.
#[utoipa::path(get, path = "/api/v1/me/clr", tag = "account",
    responses(
        (status = 200, description = "A signed ClrCredential", body = Object, content_type = "application/vc+ld+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No valid credentials yet", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No platform issuer configured", body = Problem, content_type = "application/problem+json")))]
pub async fn my_clr(State(s): State<AppState>, Auth(p): Auth) -> ApiResult<Response> {
    let clr = s.app.my_clr(&p).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vc+ld+json"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"clr.json\""),
            ),
        ],
        clr.to_string(),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct VcApiIssue {
    /// An unsigned OB 3.0 / VC 2.0 credential. Cairn sets `issuer`, `id`, `credentialStatus`
    /// and (when absent) `validFrom`.
    #[schema(value_type = Object)]
    credential: Value,
    #[serde(default)]
    options: VcApiIssueOptions,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct VcApiIssueOptions {
    /// The issuer organization's handle; needed when the caller may issue for several.
    organization: Option<String>,
    /// Also return the `vc+jwt` form.
    #[serde(default)]
    jwt: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VcApiIssued {
    #[schema(value_type = Object)]
    verifiable_credential: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    jwt: Option<String>,
}

/// VC-API: issue (sign) a credential as an issuer organization.
#[utoipa::path(post, path = "/credentials/issue", tag = "vc-api", request_body = VcApiIssue,
    responses((status = 201, body = VcApiIssued), (status = 401, body = Problem, content_type = "application/problem+json"),
               (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn vc_api_issue(
    State(s): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<VcApiIssue>,
) -> ApiResult<(StatusCode, Json<VcApiIssued>)> {
    let slug = match b.options.organization {
        Some(slug) => slug,
        None => s.app.default_issuer_org(&p).await?,
    };
    let issued = s
        .app
        .issue_document(&p, &slug, b.credential, b.options.jwt)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(VcApiIssued {
            verifiable_credential: issued.document,
            jwt: issued.jwt,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VcApiVerify {
    /// A credential with a Data Integrity proof, or a `vc+jwt` string.
    #[schema(value_type = Object)]
    verifiable_credential: Value,
}

#[derive(Serialize, ToSchema)]
pub struct VcApiVerified {
    verified: bool,
    /// Names of the checks that passed.
    checks: Vec<String>,
    warnings: Vec<String>,
    /// One sentence per failed check.
    errors: Vec<String>,
    /// Every check with its outcome and explanation.
    #[schema(value_type = Object)]
    report: cairn_vc::verify::VerificationReport,
    /// Beside the checks, never instead of them: whether this platform's registry
    /// recognizes the issuer and each endorser (`recognized`, `other_scope`, `unknown`).
    /// Absent when the input holds no readable credential.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    trust: Option<cairn_vc::trust::TrustReport>,
}

/// VC-API: verify a credential. Public: no account needed. Only this server's own DID
/// documents and status lists are consulted; other hosts are not contacted.
#[utoipa::path(post, path = "/credentials/verify", tag = "vc-api", request_body = VcApiVerify, security(()),
    responses((status = 200, body = VcApiVerified), (status = 400, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json"),
               (status = 429, description = "Too many verifications from this address; see Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn vc_api_verify(
    State(s): State<AppState>,
    crate::auth::ClientAddr(peer): crate::auth::ClientAddr,
    VerifyBody(b): VerifyBody,
) -> ApiResult<Json<VcApiVerified>> {
    s.check_verify_rate(peer)?;
    let input = match b.verifiable_credential {
        Value::String(jwt) => cairn_vc::bake::CredentialInput::Jwt(jwt),
        v => cairn_vc::bake::CredentialInput::Json(v),
    };
    let (report, trust) = s.app.verify_with_trust(input).await?;
    let checks = report
        .checks
        .iter()
        .filter(|c| matches!(c.status, cairn_vc::verify::CheckStatus::Passed))
        .map(|c| c.name.to_owned())
        .collect();
    // The report and the trust summary are written straight into the answer, not built
    // as JSON values first.
    Ok(Json(VcApiVerified {
        verified: report.verified,
        checks,
        warnings: Vec::new(),
        errors: report.errors(),
        report,
        trust,
    }))
}

/// The body of `POST /credentials/verify`, parsed straight into its value. `ApiJson`
/// (axum's `Json`) records the path of every value it reads for its error messages, which
/// cost more than a quarter of the CPU of a verification on the public hot path; a body
/// that does not parse is read again through `ApiJson`, so errors say the same.
pub struct VerifyBody(VcApiVerify);

impl<S: Send + Sync> axum::extract::FromRequest<S> for VerifyBody {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| {
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            });
        if !json {
            let ApiJson(b) = ApiJson::<VcApiVerify>::from_request(req, state).await?;
            return Ok(VerifyBody(b));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError(crate::problem::json_rejection(e.into())))?;
        match serde_json::from_slice(&bytes) {
            Ok(b) => Ok(VerifyBody(b)),
            Err(_) => match Json::<VcApiVerify>::from_bytes(&bytes) {
                Ok(Json(b)) => Ok(VerifyBody(b)),
                Err(e) => Err(ApiError(crate::problem::json_rejection(e))),
            },
        }
    }
}
