//! ICD-11 MMS reference data under `/api/v1/icd11`: the loaded release, code lookup, search
//! and cluster validation. Public: the classification is published reference data.

use axum::Json;
use axum::extract::{Path, Query, State};
use cairn_app::icd11::{Icd11Code, Icd11Entity};
use cairn_core::icd11::{ClassKind, ClusterCheck};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::problem::{ApiError, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(status))
        .routes(routes!(code))
        .routes(routes!(search))
        .routes(routes!(validate))
}

#[derive(Serialize, ToSchema)]
pub struct Icd11Release {
    /// WHO's version stamp of the tabulation, e.g. "2024 Jan 21 - 22:30 UTC".
    version: String,
    /// Where it was imported from (a file name, or the built-in sample).
    source: String,
    #[serde(with = "time::serde::rfc3339")]
    imported_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct Icd11Status {
    /// Absent when no ICD-11 data is loaded.
    release: Option<Icd11Release>,
    chapters: i64,
    blocks: i64,
    /// Categories with a code, extension codes included.
    categories: i64,
    extension_codes: i64,
    /// ICD-11 is © World Health Organization; titles are shown verbatim (CC BY-ND 3.0 IGO).
    attribution: &'static str,
}

const ATTRIBUTION: &str = "ICD-11 MMS © World Health Organization, CC BY-ND 3.0 IGO";

/// The loaded ICD-11 release and how many chapters, blocks and categories it holds.
#[utoipa::path(get, path = "/api/v1/icd11", tag = "icd11", security(()),
    responses((status = 200, body = Icd11Status)))]
async fn status(State(s): State<AppState>) -> ApiResult<Json<Icd11Status>> {
    let st = s.app.icd11_status().await?;
    Ok(Json(Icd11Status {
        release: st.release.map(|r| Icd11Release {
            version: r.version,
            source: r.source,
            imported_at: r.imported_at,
        }),
        chapters: st.counts.chapters,
        blocks: st.counts.blocks,
        categories: st.counts.categories,
        extension_codes: st.counts.extension_codes,
        attribution: ATTRIBUTION,
    }))
}

/// A chapter, block or category in brief.
#[derive(Serialize, ToSchema)]
pub struct Icd11Ref {
    /// Categories only.
    code: Option<String>,
    title: String,
    kind: ClassKind,
    /// The linearization URI.
    uri: String,
}

/// A category as search lists it.
#[derive(Serialize, ToSchema)]
pub struct Icd11Hit {
    code: Option<String>,
    title: String,
    chapter: String,
    is_leaf: bool,
    is_residual: bool,
    is_extension: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Icd11CodeOut {
    code: Option<String>,
    /// WHO's title, verbatim.
    title: String,
    kind: ClassKind,
    /// `01`–`26`, `V` or `X`.
    chapter: String,
    /// No more specific code below it.
    is_leaf: bool,
    /// An "other specified" or "unspecified" category.
    is_residual: bool,
    /// An extension code (chapter X): it only qualifies a stem code.
    is_extension: bool,
    uri: String,
    foundation_uri: Option<String>,
    /// From the chapter down to the parent.
    parents: Vec<Icd11Ref>,
    children: Vec<Icd11Ref>,
}

fn kind(e: &Icd11Entity) -> ClassKind {
    ClassKind::parse(&e.kind).unwrap_or(ClassKind::Category)
}

fn brief(e: Icd11Entity) -> Icd11Ref {
    Icd11Ref {
        kind: kind(&e),
        code: e.code,
        title: e.title,
        uri: e.uri,
    }
}

impl From<Icd11Code> for Icd11CodeOut {
    fn from(c: Icd11Code) -> Self {
        let e = c.entity;
        Icd11CodeOut {
            kind: kind(&e),
            code: e.code,
            title: e.title,
            chapter: e.chapter,
            is_leaf: e.is_leaf,
            is_residual: e.is_residual,
            is_extension: e.is_extension,
            uri: e.uri,
            foundation_uri: e.foundation_uri,
            parents: c.ancestors.into_iter().map(brief).collect(),
            children: c.children.into_iter().map(brief).collect(),
        }
    }
}

/// One ICD-11 code: its title, kind, chapter, flags, parent chain and children.
#[utoipa::path(get, path = "/api/v1/icd11/codes/{code}", tag = "icd11", security(()),
    params(("code" = String, Path, description = "A stem code such as 5A11 or NC72.2, or an extension code such as XT8W")),
    responses((status = 200, body = Icd11CodeOut),
               (status = 404, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn code(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<Icd11CodeOut>> {
    Ok(Json(s.app.icd11_code(&code).await?.into()))
}

#[derive(Deserialize, IntoParams)]
pub struct SearchParams {
    /// Words that must all appear in the title (any case), or the start of a code.
    q: Option<String>,
    /// At most this many results (1–100, default 20).
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Icd11SearchOut {
    results: Vec<Icd11Hit>,
}

/// Categories by words in their titles or by the start of their code; an exact code comes
/// first, stem codes before extension codes, shorter titles before longer.
#[utoipa::path(get, path = "/api/v1/icd11/search", tag = "icd11", security(()),
    params(SearchParams),
    responses((status = 200, body = Icd11SearchOut),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn search(
    State(s): State<AppState>,
    Query(p): Query<SearchParams>,
) -> ApiResult<Json<Icd11SearchOut>> {
    let hits = s
        .app
        .icd11_search(p.q.as_deref().unwrap_or(""), p.limit)
        .await?;
    Ok(Json(Icd11SearchOut {
        results: hits
            .into_iter()
            .map(|e| Icd11Hit {
                code: e.code,
                title: e.title,
                chapter: e.chapter,
                is_leaf: e.is_leaf,
                is_residual: e.is_residual,
                is_extension: e.is_extension,
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ValidateParams {
    /// A code or a postcoordinated cluster: stem codes joined by `/`, each followed by
    /// extension codes joined with `&`, e.g. `5A11&XT8W` or `NC72.2&XK9K`.
    code: Option<String>,
}

/// Check a code or postcoordinated cluster against the loaded release, with a reason for
/// each part. A malformed cluster answers `valid: false` with `syntax_error`.
#[utoipa::path(get, path = "/api/v1/icd11/validate", tag = "icd11", security(()),
    params(ValidateParams),
    responses((status = 200, body = ClusterCheck),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn validate(
    State(s): State<AppState>,
    Query(p): Query<ValidateParams>,
) -> ApiResult<Json<ClusterCheck>> {
    Ok(Json(
        s.app
            .icd11_validate(p.code.as_deref().unwrap_or(""))
            .await?,
    ))
}
