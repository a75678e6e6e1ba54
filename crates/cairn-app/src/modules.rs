//! Micro-learning modules, their versions and lessons, learner progress, and the catalog.
//!
//! A module belongs to a provider organization. Its versions are drafts until published;
//! publishing freezes a version with the SHA-256 of its canonical content, and editing a
//! published module starts a new draft, so anything recorded against a version (progress
//! now, attempts and awards later) keeps meaning what it meant.

use cairn_core::authz::Action;
use cairn_core::catalog::{
    self, EditPlan, ModuleContent, ModuleFormat, ModuleVersion, VersionState,
};
use cairn_core::validate::Invalid;
use cairn_core::{OrgKind, Organization, Principal};
pub use cairn_store::CatalogSort;
use cairn_store::{CatalogQuery, ModuleRow, ModuleVersionRow, ProgressRow, SearchText};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError, Result, audit_entry, now, require};

mod demo_data;

pub const CATALOG_PAGE_MAX: i64 = 100;

/// A catalog search as a person asks it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CatalogSearch {
    pub q: Option<String>,
    pub competency: Option<Uuid>,
    /// A domain of a framework (its top-level competency).
    pub domain: Option<Uuid>,
    /// The provider organization's slug.
    pub provider: Option<String>,
    pub min_minutes: Option<u32>,
    pub max_minutes: Option<u32>,
    pub language: Option<String>,
    pub format: Option<ModuleFormat>,
    #[serde(default)]
    pub accredited_only: bool,
    #[serde(default)]
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Catalog filters as they arrive from a query string (empty fields, as HTML forms send
/// them, mean "any").
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CatalogForm {
    /// Words to find in titles, summaries, objectives and aligned competency statements.
    pub q: Option<String>,
    /// Only modules aligned to this competency (id).
    pub competency: Option<String>,
    /// Only modules aligned under this domain (id of a top-level competency).
    pub domain: Option<String>,
    /// Only this provider's modules (organization handle).
    pub provider: Option<String>,
    /// Shortest duration in minutes.
    pub min_minutes: Option<String>,
    /// Longest duration in minutes.
    pub max_minutes: Option<String>,
    /// Language tag, e.g. `en`.
    pub language: Option<String>,
    /// `lesson`, `link` or `xapi`.
    pub format: Option<String>,
    /// `true` for accredited modules only.
    pub accredited: Option<String>,
    /// `relevance` (default), `title`, `duration` or `newest`.
    pub sort: Option<String>,
    /// Results per page (1–100, default 20).
    pub limit: Option<String>,
    pub offset: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn number<T: std::str::FromStr>(
    field: &'static str,
    v: &Option<String>,
) -> Result<Option<T>, Invalid> {
    given(v)
        .map(|s| {
            s.parse::<T>()
                .map_err(|_| Invalid::new(field, format!("'{s}' is not a whole number")))
        })
        .transpose()
}

impl CatalogForm {
    pub fn to_search(&self) -> Result<CatalogSearch, Invalid> {
        let competency = given(&self.competency)
            .map(|s| {
                Uuid::parse_str(s).map_err(|_| {
                    Invalid::new("competency", format!("'{s}' is not a competency id"))
                })
            })
            .transpose()?;
        let domain = given(&self.domain)
            .map(|s| {
                Uuid::parse_str(s)
                    .map_err(|_| Invalid::new("domain", format!("'{s}' is not a domain id")))
            })
            .transpose()?;
        let format = given(&self.format)
            .map(|s| {
                ModuleFormat::parse(s).ok_or_else(|| {
                    Invalid::new(
                        "format",
                        format!("'{s}' is not a format: use lesson, link or xapi"),
                    )
                })
            })
            .transpose()?;
        let accredited_only = matches!(given(&self.accredited), Some("true" | "on" | "1" | "yes"));
        Ok(CatalogSearch {
            q: given(&self.q).map(str::to_owned),
            competency,
            domain,
            provider: given(&self.provider).map(str::to_owned),
            min_minutes: number("min_minutes", &self.min_minutes)?,
            max_minutes: number("max_minutes", &self.max_minutes)?,
            language: given(&self.language).map(str::to_owned),
            format,
            accredited_only,
            sort: given(&self.sort).map(str::to_owned),
            limit: number("limit", &self.limit)?,
            offset: number("offset", &self.offset)?,
        })
    }
}

/// One module in the catalog: its current published version and who provides it.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogEntry {
    pub module_id: Uuid,
    pub version_id: Uuid,
    pub version: i32,
    pub title: String,
    pub summary: String,
    pub duration_minutes: u32,
    pub language: String,
    pub format: ModuleFormat,
    pub provider_slug: String,
    pub provider_name: String,
    pub accredited: bool,
    pub tags: Vec<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogPage {
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    pub modules: Vec<CatalogEntry>,
}

/// A module as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleView {
    pub module_id: Uuid,
    pub provider_slug: String,
    pub provider_name: String,
    /// A valid, unrevoked endorsement covers the current published version.
    pub accredited: bool,
    /// Who accredited the current published version, until when, and the endorsement
    /// credential to verify.
    #[serde(skip)]
    pub endorsements: Vec<cairn_store::EndorsementRow>,
    /// The current published version, if any.
    pub published: Option<ModuleVersion>,
    /// The draft, shown only to the provider's authors.
    pub draft: Option<ModuleVersion>,
    /// Whether the viewer may edit and publish it.
    pub can_author: bool,
    /// (number, state, id) of every version, newest first, for authors; published ones for others.
    pub versions: Vec<(i32, VersionState, Uuid)>,
}

/// Where a learner is in a built-in lesson.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Progress {
    pub version_id: Uuid,
    /// Pages seen, from 0 (none) to the number of pages.
    pub page_reached: u32,
    /// The chosen choice per question (index from 0), or null when not answered.
    pub answers: Vec<Option<usize>>,
    /// Right answers, once the knowledge check is submitted.
    pub score: Option<u32>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
}

/// A step a learner reports: a page reached, and/or the knowledge check's answers.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProgressUpdate {
    pub page_reached: Option<u32>,
    pub answers: Option<Vec<Option<usize>>>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} is not valid: {e}"))
}

pub(crate) fn version_from_row(r: ModuleVersionRow) -> Result<ModuleVersion> {
    Ok(ModuleVersion {
        id: r.id,
        module_id: r.module_id,
        number: r.number,
        state: VersionState::parse(&r.state).ok_or_else(|| corrupt("version state", &r.state))?,
        content: serde_json::from_str(&r.content).map_err(|e| corrupt("module content", e))?,
        content_hash: r.content_hash,
        created_at: r.created_at,
        published_at: r.published_at,
    })
}

fn version_row(v: &ModuleVersion, created_by: &str) -> Result<ModuleVersionRow> {
    Ok(ModuleVersionRow {
        id: v.id,
        module_id: v.module_id,
        number: v.number,
        state: v.state.as_str().to_owned(),
        title: v.content.title.clone(),
        duration_minutes: i32::try_from(v.content.duration_minutes).unwrap_or(i32::MAX),
        language: v.content.language.clone(),
        format: v.content.format.as_str().to_owned(),
        content: serde_json::to_string(&v.content).map_err(|e| corrupt("module content", e))?,
        content_hash: v.content_hash.clone(),
        created_by: created_by.to_owned(),
        created_at: v.created_at,
        published_at: v.published_at,
    })
}

fn alignment_pairs(c: &ModuleContent) -> Vec<(Uuid, i32)> {
    c.alignments
        .iter()
        .map(|a| (a.competency_id, i32::from(a.target_level)))
        .collect()
}

fn search_text(c: &ModuleContent) -> SearchText {
    SearchText {
        title: c.title.clone(),
        summary: c.summary.clone(),
        objectives: c.objectives.join("\n"),
        competencies: c
            .alignments
            .iter()
            .map(|a| match &a.code {
                Some(code) => format!("{code} {}", a.statement),
                None => a.statement.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        tags: c.tags.join(" "),
    }
}

impl App {
    async fn provider(&self, by: &Principal, slug: &str) -> Result<Organization> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::ModuleAuthor, Some(org.id))?;
        if !org.is(OrgKind::Provider) {
            return Err(Invalid::new(
                "org",
                format!(
                    "{} is not a training provider; only providers publish modules (an operator can add the provider kind)",
                    org.name
                ),
            )
            .into());
        }
        Ok(org)
    }

    /// Validate content and copy each aligned competency's code and statement in.
    async fn checked_content(
        &self,
        tx: &mut cairn_store::Tx,
        content: ModuleContent,
    ) -> Result<ModuleContent> {
        let mut c = catalog::validate_content(content)?;
        for a in &mut c.alignments {
            let (code, statement) = tx
                .conn()
                .competency_facts(a.competency_id)
                .await?
                .ok_or_else(|| {
                    Invalid::new(
                        "alignments",
                        format!(
                            "competency {} was not found: align to a competency of an imported framework",
                            a.competency_id
                        ),
                    )
                })?;
            a.code = code;
            a.statement = statement;
        }
        Ok(c)
    }

    /// Start a module as a draft (version 1) in a provider organization (its authors and admins).
    pub async fn create_module(
        &self,
        by: &Principal,
        org_slug: &str,
        content: ModuleContent,
    ) -> Result<ModuleVersion> {
        let org = self.provider(by, org_slug).await?;
        let mut tx = self.store.begin().await?;
        let content = self.checked_content(&mut tx, content).await?;
        let ids = (Uuid::now_v7(), Uuid::now_v7());
        let v = insert_module(&mut tx, org.id, content, &by.actor(), false, ids).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "module.create",
            format!("module:{}", v.module_id),
            json!({"version": v.id, "title": v.content.title}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Change a module: its draft is edited in place; a published version is never changed,
    /// a new draft numbered after it is started instead.
    pub async fn update_module(
        &self,
        by: &Principal,
        module_id: Uuid,
        content: ModuleContent,
    ) -> Result<ModuleVersion> {
        let m = self.module_row(module_id).await?;
        require(by, Action::ModuleAuthor, Some(m.org_id))?;
        let mut tx = self.store.begin().await?;
        let content = self.checked_content(&mut tx, content).await?;
        let latest = tx
            .conn()
            .module_versions(module_id)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::NotFound(format!("versions of module {module_id}")))?;
        let latest = version_from_row(latest)?;
        let v = match catalog::plan_edit(latest.state, latest.number) {
            EditPlan::UpdateDraft => {
                let v = ModuleVersion { content, ..latest };
                tx.conn()
                    .update_draft(&version_row(&v, &by.actor())?, &alignment_pairs(&v.content))
                    .await?;
                v
            }
            EditPlan::NewDraft { number } => {
                let v = ModuleVersion {
                    id: Uuid::now_v7(),
                    module_id,
                    number,
                    state: VersionState::Draft,
                    content,
                    content_hash: None,
                    created_at: now(),
                    published_at: None,
                };
                tx.conn()
                    .insert_module_version(
                        &version_row(&v, &by.actor())?,
                        &alignment_pairs(&v.content),
                    )
                    .await?;
                v
            }
        };
        let entry = audit_entry(
            by,
            Some(m.org_id),
            "module.update",
            format!("module:{module_id}"),
            json!({"version": v.id, "number": v.number}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Publish the module's draft: freeze it with its content hash and show it in the catalog.
    pub async fn publish_module(&self, by: &Principal, module_id: Uuid) -> Result<ModuleVersion> {
        let m = self.module_row(module_id).await?;
        require(by, Action::ModuleAuthor, Some(m.org_id))?;
        let mut tx = self.store.begin().await?;
        let latest = tx
            .conn()
            .module_versions(module_id)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::NotFound(format!("versions of module {module_id}")))?;
        let v = publish_in(&mut tx, version_from_row(latest)?).await?;
        let entry = audit_entry(
            by,
            Some(m.org_id),
            "module.publish",
            format!("module:{module_id}"),
            json!({"version": v.id, "number": v.number, "content_hash": v.content_hash}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(v)
    }

    async fn module_row(&self, id: Uuid) -> Result<ModuleRow> {
        let mut r = self.store.reader().await?;
        r.conn()
            .module_by_id(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("module {id}")))
    }

    /// A module for its page. Anyone sees published modules; a module never published is
    /// visible only to its provider's authors.
    pub async fn module(&self, by: Option<&Principal>, id: Uuid) -> Result<ModuleView> {
        let m = self.module_row(id).await?;
        let can_author = by.is_some_and(|p| p.may(Action::ModuleAuthor, Some(m.org_id)));
        let mut r = self.store.reader().await?;
        let org = r
            .conn()
            .org_by_id(m.org_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("organization of module {id}")))?;
        let mut published = None;
        let mut draft = None;
        let mut versions = Vec::new();
        for row in r.conn().module_versions(id).await? {
            let v = version_from_row(row)?;
            if v.state == VersionState::Draft && !can_author {
                continue;
            }
            versions.push((v.number, v.state, v.id));
            if Some(v.id) == m.current_version_id {
                published = Some(v);
            } else if v.state == VersionState::Draft {
                draft = Some(v);
            }
        }
        if published.is_none() && !can_author {
            return Err(AppError::NotFound(format!("module {id}")));
        }
        let endorsements = match &published {
            Some(v) => r.conn().endorsements_of_version(v.id, self.now()).await?,
            None => Vec::new(),
        };
        Ok(ModuleView {
            module_id: id,
            provider_slug: org.slug,
            provider_name: org.name,
            accredited: !endorsements.is_empty(),
            endorsements,
            published,
            draft,
            can_author,
            versions,
        })
    }

    /// One version: published ones for anyone, drafts for the provider's authors.
    pub async fn module_version(&self, by: Option<&Principal>, id: Uuid) -> Result<ModuleVersion> {
        let mut r = self.store.reader().await?;
        let row = r
            .conn()
            .module_version(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("module version {id}")))?;
        let v = version_from_row(row)?;
        if v.state == VersionState::Draft {
            let m = self.module_row(v.module_id).await?;
            if !by.is_some_and(|p| p.may(Action::ModuleAuthor, Some(m.org_id))) {
                return Err(AppError::NotFound(format!("module version {id}")));
            }
        }
        Ok(v)
    }

    /// The provider's modules with their latest version, for its authors.
    pub async fn provider_modules(
        &self,
        by: &Principal,
        org_slug: &str,
    ) -> Result<(Organization, Vec<ModuleVersion>)> {
        let org = self.provider(by, org_slug).await?;
        let mut r = self.store.reader().await?;
        let rows = r.conn().modules_of_org(org.id).await?;
        let list = rows
            .into_iter()
            .map(version_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok((org, list))
    }

    /// Search the published modules. Open to everyone.
    pub async fn search_catalog(&self, s: &CatalogSearch) -> Result<CatalogPage> {
        let limit = s.limit.unwrap_or(20);
        if !(1..=CATALOG_PAGE_MAX).contains(&limit) {
            return Err(Invalid::new("limit", format!("give 1–{CATALOG_PAGE_MAX}")).into());
        }
        let offset = s.offset.unwrap_or(0);
        if offset < 0 {
            return Err(Invalid::new("offset", "must not be negative").into());
        }
        let sort = match s.sort.as_deref().map(str::trim) {
            None | Some("") | Some("relevance") => CatalogSort::Relevance,
            Some("title") => CatalogSort::Title,
            Some("duration") => CatalogSort::Duration,
            Some("newest") => CatalogSort::Newest,
            Some(other) => {
                return Err(Invalid::new(
                    "sort",
                    format!(
                        "'{other}' is not a sort order: use relevance, title, duration or newest"
                    ),
                )
                .into());
            }
        };
        let minutes = |field: &'static str, v: Option<u32>| -> Result<Option<i32>> {
            v.map(|m| i32::try_from(m).map_err(|_| Invalid::new(field, "is too large").into()))
                .transpose()
        };
        let min_minutes = minutes("min_minutes", s.min_minutes)?;
        let max_minutes = minutes("max_minutes", s.max_minutes)?;
        if let (Some(a), Some(b)) = (min_minutes, max_minutes)
            && a > b
        {
            return Err(Invalid::new(
                "max_minutes",
                format!("the longest duration ({b}) is shorter than the shortest ({a})"),
            )
            .into());
        }
        let provider = match s
            .provider
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(slug) => Some(self.org_unchecked(slug).await?.id),
            None => None,
        };
        let language = match s
            .language
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            Some(l) => Some(catalog::language(l)?),
            None => None,
        };
        let text =
            s.q.as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(|q| q.chars().take(200).collect::<String>());
        let query = CatalogQuery {
            text,
            competency: s.competency,
            domain: s.domain,
            provider,
            min_minutes,
            max_minutes,
            language,
            format: s.format.map(|f| f.as_str().to_owned()),
            accredited_only: s.accredited_only,
            at: Some(self.now()),
            sort,
            limit,
            offset,
        };
        let mut r = self.store.reader().await?;
        let (rows, total) = r.conn().search_catalog(&query).await?;
        let mut modules = Vec::with_capacity(rows.len());
        for row in rows {
            let (accredited, provider_slug, provider_name) =
                (row.accredited, row.org_slug, row.org_name);
            let v = version_from_row(row.version)?;
            modules.push(CatalogEntry {
                module_id: v.module_id,
                version_id: v.id,
                version: v.number,
                title: v.content.title,
                summary: v.content.summary,
                duration_minutes: v.content.duration_minutes,
                language: v.content.language,
                format: v.content.format,
                provider_slug,
                provider_name,
                accredited,
                tags: v.content.tags,
                published_at: v.published_at,
            });
        }
        Ok(CatalogPage {
            total,
            offset,
            limit,
            modules,
        })
    }

    /// The domains that published modules are aligned under: (id, code, title).
    pub async fn catalog_domains(&self) -> Result<Vec<(Uuid, Option<String>, String)>> {
        let mut r = self.store.reader().await?;
        Ok(r.conn().catalog_domains().await?)
    }

    /// Competencies to align modules to: (id, code, statement, framework title).
    pub async fn competency_choices(&self) -> Result<Vec<(Uuid, Option<String>, String, String)>> {
        let mut r = self.store.reader().await?;
        Ok(r.conn().competency_choices(1000).await?)
    }

    /// A learner's progress in a lesson version (none yet: at the start).
    pub async fn progress(&self, by: &Principal, version_id: Uuid) -> Result<Progress> {
        let user = by.user_id().ok_or_else(|| {
            AppError::Unauthenticated("sign in as a person to keep lesson progress".into())
        })?;
        let v = self.module_version(Some(by), version_id).await?;
        let mut r = self.store.reader().await?;
        let row = r.conn().progress(user, version_id).await?;
        progress_from(row, &v)
    }

    /// Save where a learner is: the furthest page reached, and the knowledge check once answered.
    pub async fn save_progress(
        &self,
        by: &Principal,
        version_id: Uuid,
        update: ProgressUpdate,
    ) -> Result<Progress> {
        let user = by.user_id().ok_or_else(|| {
            AppError::Unauthenticated("sign in as a person to keep lesson progress".into())
        })?;
        let v = self.module_version(Some(by), version_id).await?;
        if v.state != VersionState::Published || v.content.format != ModuleFormat::Lesson {
            return Err(Invalid::new(
                "version_id",
                "progress is kept for published built-in lessons only",
            )
            .into());
        }
        let pages = u32::try_from(v.content.pages.len()).unwrap_or(u32::MAX);
        let mut tx = self.store.begin().await?;
        let before = progress_from(tx.conn().progress(user, version_id).await?, &v)?;
        let mut p = before.clone();
        if let Some(page) = update.page_reached {
            if page > pages {
                return Err(
                    Invalid::new("page_reached", format!("this lesson has {pages} pages")).into(),
                );
            }
            p.page_reached = p.page_reached.max(page);
        }
        if let Some(answers) = update.answers {
            let qs = &v.content.questions;
            if answers.len() != qs.len() {
                return Err(Invalid::new(
                    "answers",
                    format!(
                        "give one answer (or null) for each of the {} questions",
                        qs.len()
                    ),
                )
                .into());
            }
            for (i, (a, q)) in answers.iter().zip(qs).enumerate() {
                if a.is_some_and(|a| a >= q.choices.len()) {
                    return Err(Invalid::new(
                        "answers",
                        format!("question {} has {} choices", i + 1, q.choices.len()),
                    )
                    .into());
                }
            }
            p.score = Some(u32::try_from(catalog::score(qs, &answers)).unwrap_or(0));
            p.answers = answers;
            p.page_reached = pages;
        }
        let done = p.page_reached >= pages
            && (v.content.questions.is_empty() || p.answers.iter().all(Option::is_some));
        let newly_completed = done && p.completed_at.is_none();
        if newly_completed {
            p.completed_at = Some(now());
        }
        tx.conn()
            .save_progress(&ProgressRow {
                user_id: user,
                version_id,
                page_reached: i32::try_from(p.page_reached).unwrap_or(i32::MAX),
                answers: serde_json::to_string(&p.answers).map_err(|e| corrupt("answers", e))?,
                score: p.score.map(|s| i32::try_from(s).unwrap_or(0)),
                completed_at: p.completed_at,
                updated_at: now(),
            })
            .await?;
        if newly_completed {
            let entry = audit_entry(
                by,
                None,
                "module.complete",
                completion_subject(version_id, user),
                json!({"module": v.module_id, "version": v.number, "score": p.score}),
            );
            tx.conn().append_audit(&entry, now()).await?;
            self.awards_after_completion(&mut tx, user, v.module_id)
                .await?;
        }
        let awarded = self
            .report_lesson(&mut tx, user, &v, &before, &p, update.page_reached)
            .await?;
        tx.commit().await?;
        if newly_completed || !awarded.is_empty() {
            self.process_awards().await;
        }
        Ok(p)
    }
}

/// The audit subject of one learner's completion of one module version.
pub(crate) fn completion_subject(version_id: Uuid, user: Uuid) -> String {
    format!("completion:{version_id}:{user}")
}

impl App {
    /// Seed step of the demo world (called inside its transaction, after the frameworks).
    /// Seed step: one published demo module under fixed ids, so every demo database
    /// names it the same (as the catalog's determinism test checks).
    pub(crate) async fn seed_demo_module(
        &self,
        org_slug: &str,
        content: ModuleContent,
        ids: (Uuid, Uuid),
    ) -> Result<ModuleVersion> {
        let org = self.org_unchecked(org_slug).await?;
        let mut tx = self.store.begin().await?;
        let content = self.checked_content(&mut tx, content).await?;
        let v = insert_module(&mut tx, org.id, content, "system", true, ids).await?;
        tx.commit().await?;
        Ok(v)
    }

    pub(crate) async fn seed_demo_modules(
        &self,
        tx: &mut cairn_store::Tx,
        orgs: &[Organization],
    ) -> Result<()> {
        let shipped = crate::frameworks::builtin_package()?.framework.identifier;
        // A generator of this step's own, so the demo's modules have the same ids in every
        // demo database without changing the ids the other steps draw.
        let mut rng = cairn_core::rng::SeededRng::new(crate::demo::DEMO_SEED ^ 0x6d6f_6475_6c65);
        for d in demo_data::modules() {
            let Some(org) = orgs.iter().find(|o| o.slug == d.provider) else {
                continue;
            };
            let mut content = d.content;
            for (code, level) in d.align {
                if let Some(id) = tx.conn().find_competency(code, &shipped).await?
                    && !content.alignments.iter().any(|a| a.competency_id == id)
                {
                    content.alignments.push(catalog::Alignment {
                        competency_id: id,
                        target_level: level,
                        code: None,
                        statement: String::new(),
                    });
                }
            }
            let content = self.checked_content(tx, content).await?;
            let ids = (rng.uuid(), rng.uuid());
            insert_module(tx, org.id, content, "system", true, ids).await?;
        }
        Ok(())
    }

    /// Seed step: publish `content` as a demo module's next version under a fixed id, so
    /// every demo database has the same versions (as `update_module` and `publish_module`
    /// would, which draw random ids).
    pub(crate) async fn seed_demo_version(
        &self,
        module_id: Uuid,
        content: ModuleContent,
        version_id: Uuid,
    ) -> Result<ModuleVersion> {
        let mut tx = self.store.begin().await?;
        let content = self.checked_content(&mut tx, content).await?;
        let number = tx
            .conn()
            .module_versions(module_id)
            .await?
            .first()
            .map_or(1, |v| v.number + 1);
        let v = ModuleVersion {
            id: version_id,
            module_id,
            number,
            state: VersionState::Draft,
            content,
            content_hash: None,
            created_at: now(),
            published_at: None,
        };
        tx.conn()
            .insert_module_version(&version_row(&v, "system")?, &alignment_pairs(&v.content))
            .await?;
        let v = publish_in(&mut tx, v).await?;
        tx.commit().await?;
        Ok(v)
    }
}

fn progress_from(row: Option<ProgressRow>, v: &ModuleVersion) -> Result<Progress> {
    let n = v.content.questions.len();
    Ok(match row {
        None => Progress {
            version_id: v.id,
            page_reached: 0,
            answers: vec![None; n],
            score: None,
            completed_at: None,
        },
        Some(r) => {
            let mut answers: Vec<Option<usize>> =
                serde_json::from_str(&r.answers).map_err(|e| corrupt("answers", e))?;
            answers.resize(n, None);
            Progress {
                version_id: r.version_id,
                page_reached: u32::try_from(r.page_reached).unwrap_or(0),
                answers,
                score: r.score.and_then(|s| u32::try_from(s).ok()),
                completed_at: r.completed_at,
            }
        }
    })
}

/// Store a new module with its first version, published at once when `publish`; `ids` are
/// the module's and the version's.
async fn insert_module(
    tx: &mut cairn_store::Tx,
    org_id: Uuid,
    content: ModuleContent,
    created_by: &str,
    publish: bool,
    ids: (Uuid, Uuid),
) -> Result<ModuleVersion> {
    let at = now();
    let m = ModuleRow {
        id: ids.0,
        org_id,
        current_version_id: None,
        created_at: at,
    };
    tx.conn().insert_module(&m).await?;
    let v = ModuleVersion {
        id: ids.1,
        module_id: m.id,
        number: 1,
        state: VersionState::Draft,
        content,
        content_hash: None,
        created_at: at,
        published_at: None,
    };
    tx.conn()
        .insert_module_version(&version_row(&v, created_by)?, &alignment_pairs(&v.content))
        .await?;
    if publish {
        return publish_in(tx, v).await;
    }
    Ok(v)
}

async fn publish_in(tx: &mut cairn_store::Tx, v: ModuleVersion) -> Result<ModuleVersion> {
    catalog::check_publishable(v.state, &v.content)?;
    let hash = catalog::content_hash(&v.content);
    let at = now();
    tx.conn()
        .publish_version(v.id, v.module_id, &hash, at)
        .await?;
    tx.conn()
        .index_module(v.module_id, &search_text(&v.content))
        .await?;
    Ok(ModuleVersion {
        state: VersionState::Published,
        content_hash: Some(hash),
        published_at: Some(at),
        ..v
    })
}
