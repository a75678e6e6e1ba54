//! The registry of recognized accreditors and issuers under `/api/v1/registry`: the public
//! export, the operators' whole-document import (rejected as a whole with every problem
//! listed), one entry added or removed, and recognizing an organization of this platform.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use cairn_app::registry::{
    ImportMode, ImportOutcome, NewRegistryEntry, RegistryImportError, TrustedEntity,
};
use cairn_core::validate::Invalid;
use cairn_vc::trust::{RegistryDocument, RegistryEntry, Scope};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, ApiJson, FieldProblem, Problem};

type ApiResult<T> = Result<T, ApiError>;

pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(export_registry, import_registry))
        .routes(routes!(put_entry))
        .routes(routes!(remove_entry))
        .routes(routes!(recognize_org))
}

/// One entry of the registry document.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EntryDoc {
    /// `did:key:z…` or `did:web:…`.
    did: String,
    name: String,
    /// Any of `accreditation`, `achievements`, `transcripts`.
    scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// The registry as a document: what GET returns and PUT takes back.
#[derive(Serialize, ToSchema)]
pub struct RegistryDoc {
    /// Always `CairnTrustRegistry`.
    #[serde(rename = "type")]
    kind: String,
    /// Always 1.
    version: u32,
    entries: Vec<EntryDoc>,
}

fn scope_names(scopes: &[Scope]) -> Vec<String> {
    scopes.iter().map(|s| s.as_str().to_owned()).collect()
}

fn entry_doc(e: RegistryEntry) -> EntryDoc {
    EntryDoc {
        scopes: scope_names(&e.scopes),
        did: e.did,
        name: e.name,
        note: e.note,
    }
}

impl From<RegistryDocument> for RegistryDoc {
    fn from(d: RegistryDocument) -> Self {
        RegistryDoc {
            kind: d.kind,
            version: d.version,
            entries: d.entries.into_iter().map(entry_doc).collect(),
        }
    }
}

/// A registry entry with who added it and when.
#[derive(Serialize, ToSchema)]
pub struct EntryOut {
    did: String,
    name: String,
    scopes: Vec<String>,
    note: Option<String>,
    added_by: String,
    #[serde(with = "time::serde::rfc3339")]
    added_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
}

impl From<TrustedEntity> for EntryOut {
    fn from(t: TrustedEntity) -> Self {
        EntryOut {
            scopes: scope_names(&t.entry.scopes),
            did: t.entry.did,
            name: t.entry.name,
            note: t.entry.note,
            added_by: t.added_by,
            added_at: t.added_at,
            updated_at: t.updated_at,
        }
    }
}

/// The registry of recognized accreditors and issuers, as a document `PUT` takes back.
/// Public: anyone may see whom this platform recognizes.
#[utoipa::path(get, path = "/api/v1/registry", tag = "registry", security(()),
    responses((status = 200, body = RegistryDoc)))]
pub async fn export_registry(State(s): State<AppState>) -> ApiResult<Json<RegistryDoc>> {
    Ok(Json(s.app.export_registry().await?.into()))
}

#[derive(Deserialize, IntoParams)]
pub struct ImportParams {
    /// `merge` (default: add new DIDs, replace listed ones, keep the rest) or `replace`
    /// (the document becomes the whole registry).
    mode: Option<String>,
}

/// What an import changed.
#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    added: usize,
    updated: usize,
    removed: usize,
    /// Entries in the registry afterwards.
    total: usize,
}

impl From<ImportOutcome> for ImportOut {
    fn from(o: ImportOutcome) -> Self {
        ImportOut {
            added: o.added,
            updated: o.updated,
            removed: o.removed,
            total: o.total,
        }
    }
}

/// Import a registry document (platform operators). The whole document is checked first:
/// with any problem nothing is written, and 422 lists every problem in `errors` (`field`
/// is a path such as `entries[2].did`).
#[utoipa::path(put, path = "/api/v1/registry", tag = "registry",
    params(ImportParams),
    request_body(content = Object, description = "A registry document: {\"type\": \"CairnTrustRegistry\", \"version\": 1, \"entries\": [{did, name, scopes, note}]}", content_type = "application/json"),
    responses((status = 200, body = ImportOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import_registry(
    State(s): State<AppState>,
    Auth(p): Auth,
    Query(q): Query<ImportParams>,
    ApiJson(doc): ApiJson<Value>,
) -> ApiResult<Json<ImportOut>> {
    let mode = match q.mode.as_deref() {
        None | Some("merge") => ImportMode::Merge,
        Some("replace") => ImportMode::Replace,
        Some(_) => {
            return Err(cairn_app::AppError::from(Invalid::new(
                "mode",
                "must be 'merge' or 'replace'",
            ))
            .into());
        }
    };
    match s.app.import_registry(&p, &doc, mode).await {
        Ok(o) => Ok(Json(o.into())),
        Err(RegistryImportError::Other(e)) => Err(e.into()),
        Err(RegistryImportError::Rejected(problems)) => {
            let mut pr = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "the registry document has {} problem(s) and nothing was imported; fix each one listed in errors and send it again",
                    problems.len()
                ),
            );
            pr.kind = "https://cairn.dev/problems/invalid-registry".into();
            pr.errors = problems
                .into_iter()
                .map(|p| FieldProblem {
                    field: p.path(),
                    message: p.message,
                })
                .collect();
            Err(pr.into())
        }
    }
}

/// Add an entry, or replace the entry of the same DID (platform operators).
#[utoipa::path(post, path = "/api/v1/registry/entries", tag = "registry", request_body = EntryDoc,
    responses((status = 200, body = EntryOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_entry(
    State(s): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<EntryDoc>,
) -> ApiResult<Json<EntryOut>> {
    let e = s
        .app
        .put_registry_entry(
            &p,
            NewRegistryEntry {
                did: b.did,
                name: b.name,
                scopes: b.scopes,
                note: b.note,
            },
        )
        .await?;
    Ok(Json(e.into()))
}

/// Remove the entry of a DID (platform operators). Percent-encode the DID in the path: a
/// did:web's `%3A` is sent as `%253A`.
#[utoipa::path(delete, path = "/api/v1/registry/entries/{did}", tag = "registry",
    params(("did" = String, Path, description = "The DID, percent-encoded")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_entry(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(did): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.remove_registry_entry(&p, &did).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How to recognize an organization; everything optional.
#[derive(Deserialize, ToSchema, Default)]
pub struct RecognizeOrg {
    /// Any of `accreditation`, `achievements`, `transcripts`; by default those its kinds
    /// imply (accreditor → accreditation, issuer → achievements).
    scopes: Option<Vec<String>>,
    note: Option<String>,
}

/// Recognize an organization of this platform under the DID it signs with now (platform
/// operators). Refused (409) when it has never signed anything.
#[utoipa::path(post, path = "/api/v1/registry/orgs/{slug}", tag = "registry",
    params(("slug" = String, Path, description = "The organization's handle")),
    request_body(content = Option<RecognizeOrg>, description = "Optional scopes and note", content_type = "application/json"),
    responses((status = 200, body = EntryOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn recognize_org(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(slug): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Json<EntryOut>> {
    let b: RecognizeOrg = if body.iter().all(u8::is_ascii_whitespace) {
        RecognizeOrg::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                format!("the JSON does not have the expected shape: {e}"),
            )
        })?
    };
    let scopes = match b.scopes {
        None => None,
        Some(names) => Some(
            names
                .iter()
                .map(|n| {
                    Scope::parse(n).ok_or_else(|| {
                        cairn_app::AppError::from(Invalid::new(
                            "scopes",
                            format!("'{n}' is not a scope; use accreditation, achievements or transcripts"),
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    let e = s.app.recognize_org(&p, &slug, scopes, b.note).await?;
    Ok(Json(e.into()))
}
