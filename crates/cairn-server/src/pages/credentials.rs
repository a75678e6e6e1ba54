//! Public credential pages: a human-readable page per credential with its verification
//! and a QR code, the raw JSON and vc+jwt, a baked badge image, issuers' did:web
//! documents and status lists, and the public verify page.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_app::AppError;
use cairn_app::credentials::PublicCredential;
use cairn_vc::verify::{CheckStatus, VerificationReport};
use serde_json::Value;
use uuid::Uuid;

use super::{error_page, message};
use crate::AppState;
use crate::i18n::t;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{slug}/did.json", get(did_document))
        .route("/orgs/{slug}/status/{purpose}/{list}", get(status_list))
        .route("/credentials/{id}", get(credential))
        .route("/credentials/{id}/badge.svg", get(badge_svg))
        .route("/credentials/{id}/certificate", get(certificate))
        .route("/verify", get(verify_form).post(verify_submit))
}

fn json_response(body: String, content_type: &'static str, max_age: u32) -> Response {
    let cache = HeaderValue::from_str(&format!("public, max-age={max_age}"))
        .unwrap_or(HeaderValue::from_static("no-cache"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, cache),
            // Verifiers in browsers on other sites may fetch these.
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        body,
    )
        .into_response()
}

fn not_found_json(what: &str) -> Response {
    crate::problem::Problem::new(StatusCode::NOT_FOUND, format!("{what} not found")).into_response()
}

async fn did_document(State(s): State<AppState>, Path(slug): Path<String>) -> Response {
    match s.app.did_document(&slug).await {
        Ok(doc) => json_response(doc.to_string(), "application/did+json", 300),
        Err(AppError::NotFound(w)) => not_found_json(&w),
        Err(e) => crate::problem::Problem::from(e).into_response(),
    }
}

async fn status_list(
    State(s): State<AppState>,
    Path((slug, purpose, list)): Path<(String, String, String)>,
) -> Response {
    let Ok(n) = list.parse::<i32>() else {
        return not_found_json("status list");
    };
    match s.app.status_list_document(&slug, &purpose, n).await {
        // Short caching: a revocation must reach verifiers soon.
        Ok(doc) => json_response(doc, "application/vc+ld+json", 60),
        Err(AppError::NotFound(w)) => not_found_json(&w),
        Err(e) => crate::problem::Problem::from(e).into_response(),
    }
}

/// (css class, check name, sentence), as the templates list a report's checks.
type CheckRow = (&'static str, String, String);

#[derive(Template, WebTemplate)]
#[template(path = "credential.html")]
struct CredentialPage {
    id: Uuid,
    name: String,
    description: String,
    criteria: String,
    kind_label: String,
    issuer_name: String,
    issuer_did: String,
    recipient: String,
    issued_at: String,
    valid_until: Option<String>,
    state: String,
    verified: bool,
    first_error: String,
    /// (class, name, message)
    checks: Vec<CheckRow>,
    /// What the registry says about the issuer and endorsers, beside the checks.
    trust: Option<super::registry::TrustView>,
    qr_svg: String,
    /// What the QR code holds, also as a link: people who cannot scan it need it too.
    verify_url: String,
    has_jwt: bool,
    /// LinkedIn's "add a certification to your profile" form, filled in with this
    /// credential and its verify link.
    linkedin_url: String,
}

/// The credential as a certificate to print: what a person or an employer's file needs,
/// with the QR code that leads back to the live verification.
#[derive(Template, WebTemplate)]
#[template(path = "certificate.html")]
struct CertificatePage {
    id: Uuid,
    name: String,
    kind_label: String,
    issuer_name: String,
    recipient: String,
    issued_at: String,
    valid_until: Option<String>,
    state: String,
    verified: bool,
    qr_svg: String,
    verify_url: String,
    /// The holder is looking at their own certificate, so it names them.
    named_for_holder: bool,
}

impl From<CredentialPage> for CertificatePage {
    fn from(c: CredentialPage) -> Self {
        Self {
            id: c.id,
            name: c.name,
            kind_label: c.kind_label,
            issuer_name: c.issuer_name,
            recipient: c.recipient,
            issued_at: day(&c.issued_at),
            valid_until: c.valid_until.as_deref().map(day),
            state: c.state,
            verified: c.verified,
            qr_svg: c.qr_svg,
            verify_url: c.verify_url,
            named_for_holder: false,
        }
    }
}

/// The date of an RFC 3339 timestamp, which is what a certificate prints.
fn day(t: &str) -> String {
    t.get(0..10).unwrap_or(t).to_owned()
}

/// The link that opens LinkedIn's form for adding a certification, filled in. Only a link:
/// nothing is sent to LinkedIn unless the person follows it.
fn linkedin_url(name: &str, issuer: &str, issued_at: &str, url: &str, id: Uuid) -> String {
    let year = issued_at.get(0..4).unwrap_or_default();
    let month = issued_at
        .get(5..7)
        .and_then(|m| m.parse::<u8>().ok())
        .map(|m| m.to_string())
        .unwrap_or_default();
    let id = id.to_string();
    let query = serde_urlencoded::to_string([
        ("startTask", "CERTIFICATION_NAME"),
        ("name", name),
        ("organizationName", issuer),
        ("issueYear", year),
        ("issueMonth", month.as_str()),
        ("certUrl", url),
        ("certId", id.as_str()),
    ])
    .unwrap_or_default();
    format!("https://www.linkedin.com/profile/add?{query}")
}

/// (css class, check name, sentence) for each check of a report.
fn check_rows(report: &VerificationReport) -> Vec<CheckRow> {
    report
        .checks
        .iter()
        .map(|c| {
            let class = match c.status {
                CheckStatus::Passed => "passed",
                CheckStatus::Failed => "failed",
                CheckStatus::Skipped => "skipped",
            };
            (class, c.name.to_owned(), c.message.clone())
        })
        .collect()
}

fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build();
            // Inline in the page: drop the XML declaration.
            match svg.find("<svg") {
                Some(i) => svg[i..].to_owned(),
                None => String::new(),
            }
        }
        Err(_) => String::new(),
    }
}

async fn credential(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let (raw, format) = if let Some(r) = id.strip_suffix(".json") {
        (r, "json")
    } else if let Some(r) = id.strip_suffix(".jwt") {
        (r, "jwt")
    } else {
        let wants_json = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| {
                a.contains("application/json")
                    || a.contains("application/ld+json")
                    || a.contains("application/vc")
            });
        (id.as_str(), if wants_json { "json" } else { "html" })
    };
    let Ok(id) = raw.parse::<Uuid>() else {
        return message(
            StatusCode::NOT_FOUND,
            &t("credential-not-found-heading").to_string(),
            t("credential-not-found-link"),
        );
    };
    let public = match s.app.public_credential(id).await {
        Ok(p) => p,
        Err(e) if format != "html" => return crate::problem::Problem::from(e).into_response(),
        Err(e) => return credential_error_page(e),
    };
    match format {
        "json" => json_response(public.document.to_string(), "application/vc+ld+json", 60),
        "jwt" => match public.jwt {
            Some(t) => json_response(t, "application/vc+jwt", 60),
            None => not_found_json("a vc+jwt form of this credential"),
        },
        _ => match credential_page(&s, public).await {
            Ok(p) => p.into_response(),
            Err(e) => error_page(e),
        },
    }
}

/// A page for a credential that could not be read: "not found" in words a visitor can act on.
fn credential_error_page(e: AppError) -> Response {
    match e {
        AppError::NotFound(_) => message(
            StatusCode::NOT_FOUND,
            &t("credential-not-found-heading").to_string(),
            t("credential-not-found"),
        ),
        e => error_page(e),
    }
}

/// The printable certificate of a credential, checked as the credential's page is. The
/// credential names its holder only by a hashed e-mail address; when the holder themself
/// is signed in, the certificate they print carries their name, and the page says why.
async fn certificate(
    State(s): State<AppState>,
    crate::auth::MaybeSession(session): crate::auth::MaybeSession,
    Path(id): Path<Uuid>,
) -> Response {
    let public = match s.app.public_credential(id).await {
        Ok(p) => p,
        Err(e) => return credential_error_page(e),
    };
    let holder = session.filter(|sess| public.record.recipient_user == Some(sess.user.id));
    match credential_page(&s, public).await {
        Ok(p) => {
            let mut page = CertificatePage::from(p);
            if let Some(sess) = holder {
                page.recipient = sess.user.display_name;
                page.named_for_holder = true;
            }
            page.into_response()
        }
        Err(e) => error_page(e),
    }
}

async fn credential_page(
    s: &AppState,
    public: PublicCredential,
) -> Result<CredentialPage, AppError> {
    let (report, trust) = s
        .app
        .verify_with_trust(cairn_vc::bake::CredentialInput::Json(
            public.document.clone(),
        ))
        .await?;
    let doc = &public.document;
    let text = |ptr: &str| {
        doc.pointer(ptr)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let kind = text("/credentialSubject/achievement/achievementType");
    let is_endorsement = doc
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t == "EndorsementCredential"));
    let kind_label = match kind.as_str() {
        "MicroCredential" => t("credential-kind-micro").to_string(),
        "ext:NanoDegree" => t("credential-kind-nano").to_string(),
        "Certificate" => t("credential-kind-certificate").to_string(),
        "Badge" => t("credential-kind-badge").to_string(),
        "" if is_endorsement => t("credential-kind-endorsement").to_string(),
        "" => t("credential-kind-credential").to_string(),
        other => other.to_owned(),
    };
    let recipient = match doc.pointer("/credentialSubject/id").and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => t("credential-recipient-hashed").to_string(),
    };
    let first_error = report.errors().into_iter().next().unwrap_or_default();
    let url = s.app.credential_url(public.record.id);
    // An endorsement or other credential without an achievement still needs a heading.
    let name = [
        text("/credentialSubject/achievement/name"),
        text("/name"),
        kind_label.clone(),
    ]
    .into_iter()
    .find(|n| !n.trim().is_empty())
    .unwrap_or_default();
    let issued_at = text("/validFrom");
    let linkedin = linkedin_url(
        &name,
        &public.issuer.name,
        &issued_at,
        &url,
        public.record.id,
    );
    Ok(CredentialPage {
        id: public.record.id,
        name,
        description: text("/credentialSubject/achievement/description"),
        criteria: text("/credentialSubject/achievement/criteria/narrative"),
        kind_label,
        issuer_name: public.issuer.name.clone(),
        issuer_did: cairn_vc::verify::issuer_id(doc)
            .unwrap_or_default()
            .to_owned(),
        recipient,
        issued_at,
        valid_until: doc
            .get("validUntil")
            .and_then(Value::as_str)
            .map(str::to_owned),
        state: t(match public.record.state {
            cairn_core::CredentialState::Active => "credential-status-active",
            cairn_core::CredentialState::Suspended => "credential-status-suspended",
            cairn_core::CredentialState::Revoked => "credential-status-revoked",
        })
        .to_string(),
        verified: report.verified,
        first_error,
        checks: check_rows(&report),
        trust: super::registry::trust_view(trust, report.verified),
        qr_svg: qr_svg(&url),
        verify_url: url,
        has_jwt: public.jwt.is_some(),
        linkedin_url: linkedin,
    })
}

/// A badge image made for the credential, with the credential baked in (OB 3.0 baking).
async fn badge_svg(State(s): State<AppState>, Path(id): Path<Uuid>) -> Response {
    let public = match s.app.public_credential(id).await {
        Ok(p) => p,
        Err(e) => return crate::problem::Problem::from(e).into_response(),
    };
    let name = public
        .document
        .pointer("/credentialSubject/achievement/name")
        .and_then(Value::as_str)
        .unwrap_or("Credential");
    let svg = badge_image(name, &public.issuer.name);
    match cairn_vc::bake::bake_svg(&svg, &public.document.to_string()) {
        Ok(baked) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("image/svg+xml"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"badge.svg\""),
                ),
            ],
            baked,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "baking failed");
            crate::problem::Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the badge image could not be made",
            )
            .into_response()
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A plain cairn-shaped badge with the achievement's name.
fn badge_image(name: &str, issuer: &str) -> String {
    let short: String = name.chars().take(40).collect();
    let issuer: String = issuer.chars().take(48).collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="{n}"><title>{n}</title><circle cx="200" cy="200" r="190" fill="#1f5f4f"/><ellipse cx="200" cy="250" rx="110" ry="32" fill="#8fb3a6"/><ellipse cx="200" cy="195" rx="80" ry="26" fill="#c9dbd3"/><ellipse cx="200" cy="148" rx="56" ry="20" fill="#8fb3a6"/><ellipse cx="200" cy="110" rx="34" ry="14" fill="#c9dbd3"/><text x="200" y="318" text-anchor="middle" font-family="sans-serif" font-size="20" fill="#ffffff">{n}</text><text x="200" y="345" text-anchor="middle" font-family="sans-serif" font-size="13" fill="#d9e7e1">{i}</text></svg>"##,
        n = xml_escape(&short),
        i = xml_escape(&issuer)
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "verify.html")]
struct VerifyPage {
    pasted: String,
    error: Option<String>,
    /// (verified, checks)
    result: Option<(bool, Vec<CheckRow>)>,
    /// What the registry says about the issuer and endorsers, beside the checks.
    trust: Option<super::registry::TrustView>,
}

async fn verify_form() -> VerifyPage {
    VerifyPage {
        pasted: String::new(),
        error: None,
        result: None,
        trust: None,
    }
}

async fn verify_submit(
    State(s): State<AppState>,
    crate::auth::ClientAddr(peer): crate::auth::ClientAddr,
    mut form: Multipart,
) -> Response {
    if let Err(AppError::RateLimited { retry_after_secs }) = s.check_verify_rate(peer) {
        let mut res = verify_error(
            String::new(),
            t("verify-too-many")
                .with("seconds", retry_after_secs)
                .to_string(),
        );
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        if let Ok(v) = axum::http::HeaderValue::from_str(&retry_after_secs.to_string()) {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        return res;
    }
    let mut pasted = String::new();
    let mut file: Option<Vec<u8>> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) if name == "credential" => {
                        pasted = String::from_utf8_lossy(&bytes).into_owned()
                    }
                    Ok(bytes) if name == "file" && !bytes.is_empty() => file = Some(bytes.to_vec()),
                    Ok(_) => {}
                    Err(e) => {
                        return verify_error(
                            String::new(),
                            t("verify-upload-unreadable").with("reason", e).to_string(),
                        );
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                return verify_error(
                    String::new(),
                    t("verify-form-unreadable").with("reason", e).to_string(),
                );
            }
        }
    }
    let input = match (file, pasted.trim().is_empty()) {
        (Some(bytes), _) => bytes,
        (None, false) => pasted.clone().into_bytes(),
        (None, true) => {
            return verify_error(pasted, t("verify-nothing").to_string());
        }
    };
    match s.app.verify_bytes_with_trust(&input).await {
        Ok((report, trust)) => VerifyPage {
            pasted,
            error: None,
            result: Some((report.verified, check_rows(&report))),
            trust: super::registry::trust_view(trust, report.verified),
        }
        .into_response(),
        Err(AppError::Invalid(inv)) => verify_error(pasted, inv.message),
        Err(e) => error_page(e),
    }
}

fn verify_error(pasted: String, msg: String) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        VerifyPage {
            pasted,
            error: Some(msg),
            result: None,
            trust: None,
        },
    )
        .into_response()
}
