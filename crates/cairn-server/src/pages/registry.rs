//! `/registry`: whom this platform recognizes, for anyone to read; operators add and remove
//! entries, recognize one of the platform's organizations, import a JSON document (merge
//! or replace; a refused document shows every problem and nothing changes) and download it.
//! Also the "Who issued it" findings the verify and credential pages show beside the checks.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_app::registry::{ImportMode, NewRegistryEntry, RegistryImportError};
use cairn_core::authz::Action;
use cairn_vc::trust::{Party, Recognition, Scope, TrustReport};
use serde::Deserialize;

use super::{SignedInForm, Who, error_page, message, see_other, who_maybe};
use crate::AppState;
use crate::auth::MaybeSession;
use crate::i18n::t;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/registry", get(registry_page))
        .route("/registry/export.json", get(download))
        .route("/registry/entries", post(add_entry))
        .route("/registry/remove", post(remove_entry))
        .route("/registry/orgs", post(recognize_org))
        .route("/registry/import", post(import))
}

/// One finding as the verify and credential pages show it.
pub(super) struct TrustRow {
    pub(super) party: String,
    pub(super) did: String,
    pub(super) name: Option<String>,
    pub(super) status: String,
    pub(super) message: String,
    pub(super) source: String,
    pub(super) signature: Option<String>,
    /// The endorsement's address, when it is a web address.
    pub(super) link: Option<String>,
}

/// The "Who issued it" section: what the registry says, beside the checks.
pub(super) struct TrustView {
    pub(super) failed: bool,
    pub(super) summary: String,
    pub(super) rows: Vec<TrustRow>,
}

pub(super) fn trust_view(report: Option<TrustReport>, verified: bool) -> Option<TrustView> {
    let report = report?;
    let rows = report
        .issuer
        .into_iter()
        .chain(report.endorsers)
        .map(|f| TrustRow {
            party: t(match f.party {
                Party::Issuer => "trust-party-issuer",
                Party::Endorser => "trust-party-endorser",
            })
            .into(),
            status: t(match f.status {
                Recognition::Recognized => "trust-status-recognized",
                Recognition::OtherScope => "trust-status-other-scope",
                Recognition::Unknown => "trust-status-unknown",
            })
            .into(),
            signature: f.signature_verified.map(|ok| {
                t(if ok {
                    "trust-signature-verified"
                } else {
                    "trust-signature-not-verified"
                })
                .into()
            }),
            link: f
                .endorsement
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            did: f.did,
            name: f.name,
            message: f.message,
            source: f.source,
        })
        .collect();
    Some(TrustView {
        failed: !verified,
        summary: report.summary,
        rows,
    })
}

fn scope_label(s: Scope) -> String {
    t(match s {
        Scope::Accreditation => "registry-scope-accreditation",
        Scope::Achievements => "registry-scope-achievements",
        Scope::Transcripts => "registry-scope-transcripts",
    })
    .into()
}

struct EntryRow {
    did: String,
    name: String,
    scopes: String,
    note: String,
    updated: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry.html")]
struct RegistryPage {
    who: Who,
    operator: bool,
    entries: Vec<EntryRow>,
    /// (slug, name) of the platform's organizations, for operators.
    orgs: Vec<(String, String)>,
    done: Option<String>,
    /// (where, what) of a refused change.
    problems: Vec<(String, String)>,
}

async fn build(
    s: &AppState,
    session: &Option<Session>,
    done: Option<String>,
    problems: Vec<(String, String)>,
) -> Result<RegistryPage, AppError> {
    let operator = session
        .as_ref()
        .is_some_and(|s| s.principal.may(Action::RegistryManage, None));
    let entries = s
        .app
        .registry()
        .await?
        .into_iter()
        .map(|e| EntryRow {
            scopes: e
                .entry
                .scopes
                .iter()
                .map(|s| scope_label(*s))
                .collect::<Vec<_>>()
                .join(", "),
            did: e.entry.did,
            name: e.entry.name,
            note: e.entry.note.unwrap_or_default(),
            updated: e.updated_at.date().to_string(),
        })
        .collect();
    let orgs = match session {
        Some(sess) if operator => s
            .app
            .orgs_visible_to(&sess.principal)
            .await?
            .into_iter()
            .map(|o| (o.slug, o.name))
            .collect(),
        _ => Vec::new(),
    };
    Ok(RegistryPage {
        who: who_maybe(session),
        operator,
        entries,
        orgs,
        done,
        problems,
    })
}

async fn render(
    s: &AppState,
    session: Option<Session>,
    status: StatusCode,
    done: Option<String>,
    problems: Vec<(String, String)>,
) -> Response {
    match build(s, &session, done, problems).await {
        Ok(p) => (status, p).into_response(),
        Err(e) => error_page(e),
    }
}

async fn registry_page(State(s): State<AppState>, MaybeSession(session): MaybeSession) -> Response {
    render(&s, session, StatusCode::OK, None, Vec::new()).await
}

async fn download(State(s): State<AppState>) -> Response {
    match s.app.export_registry().await {
        Ok(doc) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"cairn-registry.json\""),
                ),
            ],
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => error_page(e),
    }
}

/// A refused change shown beside the form, or the page explaining a refusal.
async fn refused(s: &AppState, session: Session, e: AppError) -> Response {
    match e {
        AppError::Invalid(inv) => {
            render(
                s,
                Some(session),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                vec![(inv.field.to_owned(), inv.message)],
            )
            .await
        }
        AppError::Conflict(m) => {
            render(
                s,
                Some(session),
                StatusCode::CONFLICT,
                None,
                vec![(String::new(), m)],
            )
            .await
        }
        other => error_page(other),
    }
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    did: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope_accreditation: Option<String>,
    #[serde(default)]
    scope_achievements: Option<String>,
    #[serde(default)]
    scope_transcripts: Option<String>,
    #[serde(default)]
    note: String,
}

async fn add_entry(State(s): State<AppState>, f: SignedInForm<AddForm>) -> Response {
    let SignedInForm { session, form } = f;
    let mut scopes = Vec::new();
    for (on, name) in [
        (&form.scope_accreditation, "accreditation"),
        (&form.scope_achievements, "achievements"),
        (&form.scope_transcripts, "transcripts"),
    ] {
        if on.is_some() {
            scopes.push(name.to_owned());
        }
    }
    let new = NewRegistryEntry {
        did: form.did,
        name: form.name,
        scopes,
        note: Some(form.note),
    };
    match s.app.put_registry_entry(&session.principal, new).await {
        Ok(_) => see_other("/registry"),
        Err(e) => refused(&s, session, e).await,
    }
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    did: String,
}

async fn remove_entry(State(s): State<AppState>, f: SignedInForm<RemoveForm>) -> Response {
    let SignedInForm { session, form } = f;
    match s
        .app
        .remove_registry_entry(&session.principal, &form.did)
        .await
    {
        Ok(()) => see_other("/registry"),
        Err(e) => refused(&s, session, e).await,
    }
}

#[derive(Deserialize)]
struct RecognizeForm {
    #[serde(default)]
    slug: String,
}

async fn recognize_org(State(s): State<AppState>, f: SignedInForm<RecognizeForm>) -> Response {
    let SignedInForm { session, form } = f;
    match s
        .app
        .recognize_org(&session.principal, &form.slug, None, None)
        .await
    {
        Ok(_) => see_other("/registry"),
        Err(e) => refused(&s, session, e).await,
    }
}

/// The import form: multipart, with the token, the mode and a file (or pasted JSON).
async fn import(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    mut multipart: Multipart,
) -> Response {
    let Some(session) = session else {
        return see_other("/signin");
    };
    let mut csrf = String::new();
    let mut mode = String::new();
    let mut pasted = String::new();
    let mut file: Option<Vec<u8>> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let Ok(bytes) = field.bytes().await else {
                    return message(
                        StatusCode::BAD_REQUEST,
                        &t("registry-form-not-understood").to_string(),
                        t("registry-upload-unreadable"),
                    );
                };
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                    "mode" => mode = String::from_utf8_lossy(&bytes).into_owned(),
                    "json" => pasted = String::from_utf8_lossy(&bytes).into_owned(),
                    // An empty file input still sends a part, without a name or bytes.
                    "file" if !(file_name.is_empty() && bytes.is_empty()) => {
                        file = Some(bytes.to_vec())
                    }
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => {
                return message(
                    StatusCode::BAD_REQUEST,
                    &t("registry-form-not-understood").to_string(),
                    t("registry-form-unreadable").with("error", e),
                );
            }
        }
    }
    if !cairn_app::security::constant_time_eq(session.csrf_token.as_bytes(), csrf.as_bytes()) {
        return message(
            StatusCode::FORBIDDEN,
            &t("registry-form-refused").to_string(),
            t("registry-form-refused-text"),
        );
    }
    let mode = if mode == "replace" {
        ImportMode::Replace
    } else {
        ImportMode::Merge
    };
    let bytes = file.unwrap_or_else(|| pasted.into_bytes());
    let doc: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            return render(
                &s,
                Some(session),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                vec![(
                    t("registry-json-where")
                        .with("line", e.line())
                        .with("column", e.column())
                        .into(),
                    t("registry-not-json").with("error", &e).into(),
                )],
            )
            .await;
        }
    };
    match s.app.import_registry(&session.principal, &doc, mode).await {
        Ok(o) => {
            let done = t("registry-imported")
                .with("added", o.added)
                .with("updated", o.updated)
                .with("removed", o.removed)
                .with("total", o.total)
                .into();
            render(&s, Some(session), StatusCode::OK, Some(done), Vec::new()).await
        }
        Err(RegistryImportError::Rejected(problems)) => {
            let problems = problems
                .into_iter()
                .map(|p| (p.path(), p.message))
                .collect();
            render(
                &s,
                Some(session),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                problems,
            )
            .await
        }
        Err(RegistryImportError::Other(e)) => refused(&s, session, e).await,
    }
}
