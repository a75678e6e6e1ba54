//! Rubrics, performance evidence, the assessor queue, double marking, adjudication, appeals
//! and agreement statistics.
//!
//! The rules (scoring, who may review, when a decision is made) are `cairn_core::review`'s;
//! this module gathers the facts they need, applies them in one transaction per step, and
//! assigns the next reviewer in that same transaction, so evidence never sits at a stage
//! with nobody told (unless nobody is eligible, when it waits in the claimable list).

use base64::Engine;
use cairn_core::authz::Action;
use cairn_core::review::{
    self, AssessorAgreement, AssessorFacts, Decision, DoubleMarked, EvidenceFacts, EvidenceStatus,
    Mark, PairAgreement, Progress, Review, ReviewPolicy, ReviewStage, Rubric, RubricCriterion,
    RubricLevel, Score,
};
use cairn_core::validate::{self, Invalid};
use cairn_core::{Principal, Role};
use cairn_store::{EvidenceFileMeta, EvidenceFileRow, EvidenceRow, ReviewRow, RubricRow, Tx};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError, Result, audit_entry, now, require};

/// At most this many files per piece of evidence.
pub const FILES_MAX: usize = 5;
/// Per file.
pub const FILE_BYTES_MAX: usize = 5 * 1024 * 1024;
/// All files of one piece of evidence together.
pub const FILES_TOTAL_BYTES_MAX: usize = 10 * 1024 * 1024;
pub const LINKS_MAX: usize = 10;
pub const LINK_MAX_CHARS: usize = 2000;
pub const NARRATIVE_MAX_CHARS: usize = 20_000;
pub const APPEAL_REASON_MAX_CHARS: usize = 5000;
/// Rubrics listed for learners to choose from.
pub const RUBRIC_DIRECTORY_MAX: i64 = 200;
/// The media types evidence files may have, with a name people recognise.
pub const ALLOWED_FILE_TYPES: &[(&str, &str)] = &[
    ("application/pdf", "PDF"),
    ("image/png", "PNG image"),
    ("image/jpeg", "JPEG image"),
    ("text/plain", "plain text"),
];

// --- Input ----------------------------------------------------------------------------------

/// A criterion as its author writes it; the id is given when the rubric is created.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewCriterion {
    pub title: String,
    /// Lowest first.
    pub levels: Vec<RubricLevel>,
    /// Index (from 0) of the lowest level that passes whatever the total.
    #[serde(default)]
    pub min_level: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewRubric {
    pub title: String,
    pub criteria: Vec<NewCriterion>,
    pub pass_mark: u32,
}

/// A file as uploaded.
#[derive(Debug, Clone)]
pub struct NewEvidenceFile {
    pub name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

impl NewEvidenceFile {
    /// A file sent inside JSON, its bytes in standard base64.
    pub fn from_base64(name: String, media_type: String, data: &str) -> Result<Self, Invalid> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| {
                Invalid::new(
                    "files",
                    format!(
                        "file '{}': data_base64 is not standard base64 ({e})",
                        name.trim()
                    ),
                )
            })?;
        Ok(NewEvidenceFile {
            name,
            media_type,
            bytes,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewEvidence {
    pub rubric_id: Uuid,
    /// The achievement the evidence is towards; its review policy applies.
    pub achievement_id: Option<Uuid>,
    pub title: String,
    pub narrative: String,
    pub links: Vec<String>,
    pub files: Vec<NewEvidenceFile>,
}

// --- Output ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize)]
pub struct RubricInfo {
    pub org_id: Uuid,
    pub org_slug: String,
    pub org_name: String,
    pub rubric: Rubric,
    pub max_points: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Achievements earned with evidence accepted on this rubric; evidence submitted
    /// towards one is reviewed under its policy.
    pub achievements: Vec<RubricAchievement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RubricAchievement {
    pub id: Uuid,
    pub name: String,
    pub review_policy: ReviewPolicy,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileInfo {
    pub id: Uuid,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

impl From<EvidenceFileMeta> for FileInfo {
    fn from(m: EvidenceFileMeta) -> Self {
        FileInfo {
            id: m.id,
            name: m.name,
            media_type: m.media_type,
            size: m.size,
            sha256: m.sha256,
        }
    }
}

/// A review as the viewer may see it: marks and score only where independence allows.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewInfo {
    pub id: Uuid,
    pub stage: ReviewStage,
    pub assessor_id: Uuid,
    pub assessor_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub assigned_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub submitted_at: Option<OffsetDateTime>,
    pub marks: Option<Vec<Mark>>,
    pub score: Option<Score>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    pub id: Uuid,
    pub learner_id: Uuid,
    pub learner_name: String,
    pub rubric_id: Uuid,
    pub rubric_title: String,
    pub achievement_id: Option<Uuid>,
    pub org_id: Uuid,
    pub title: String,
    pub narrative: String,
    pub links: Vec<String>,
    pub status: EvidenceStatus,
    /// The status in words.
    pub status_text: String,
    pub policy: ReviewPolicy,
    pub decision: Option<Decision>,
    /// The decision in one sentence.
    pub explanation: Option<String>,
    pub accepted: Option<bool>,
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    pub appeal_reason: Option<String>,
    /// Whether the viewer (the learner) may appeal now, and if not, why not.
    pub may_appeal: bool,
    pub appeal_refusal: Option<String>,
    /// Set while the stage the evidence waits for has nobody assigned: why, in words.
    pub waiting: Option<String>,
    pub files: Vec<FileInfo>,
    pub reviews: Vec<ReviewInfo>,
}

/// An open review in the assessor's queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    pub review_id: Uuid,
    pub evidence_id: Uuid,
    pub stage: ReviewStage,
    pub evidence_title: String,
    pub learner_name: String,
    pub rubric_title: String,
    #[serde(with = "time::serde::rfc3339")]
    pub assigned_at: OffsetDateTime,
}

/// Evidence nobody was available to review, which this assessor may claim.
#[derive(Debug, Clone, Serialize)]
pub struct Claimable {
    pub evidence_id: Uuid,
    pub stage: ReviewStage,
    pub evidence_title: String,
    pub learner_name: String,
    pub rubric_title: String,
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct Queue {
    pub assigned: Vec<QueueItem>,
    pub unassigned: Vec<Claimable>,
}

/// What an assessor needs to mark: their review, the evidence and the rubric.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewTask {
    pub review: ReviewInfo,
    pub evidence: EvidenceView,
    pub rubric: Rubric,
}

/// What a submitted review led to.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewOutcome {
    pub score: Score,
    pub evidence: EvidenceView,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssessorStats {
    pub assessor_id: Uuid,
    pub assessor_name: String,
    #[serde(flatten)]
    pub agreement: review::Agreement,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewStats {
    pub org_id: Uuid,
    /// Pieces of evidence scored by both markers.
    pub double_marked: usize,
    pub overall: review::Agreement,
    pub by_assessor: Vec<AssessorStats>,
    pub by_pair: Vec<PairAgreement>,
}

// --- Helpers --------------------------------------------------------------------------------

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} is not valid: {e}"))
}

fn to_json<T: Serialize>(what: &str, v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| corrupt(what, e))
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| corrupt(what, e))
}

/// The snake_case name serde gives a unit variant, which is what the database stores.
fn word<T: Serialize>(v: T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn parse_word<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|e| corrupt(what, e))
}

fn stage_awaited(status: EvidenceStatus) -> Option<ReviewStage> {
    match status {
        EvidenceStatus::AwaitingFirstMarker => Some(ReviewStage::FirstMarking),
        EvidenceStatus::AwaitingSecondMarker => Some(ReviewStage::SecondMarking),
        EvidenceStatus::AwaitingAdjudication => Some(ReviewStage::Adjudication),
        EvidenceStatus::UnderAppeal => Some(ReviewStage::Appeal),
        _ => None,
    }
}

fn person(by: &Principal, doing: &str) -> Result<Uuid> {
    by.user_id().ok_or_else(|| {
        AppError::Unauthenticated(format!(
            "sign in as a person to {doing}; an API token acts for an organization, not for someone"
        ))
    })
}

/// Another request changed the evidence's status first.
fn moved_on() -> AppError {
    AppError::Conflict("the evidence moved on meanwhile; reload it and try again".into())
}

fn refused(e: impl std::fmt::Display) -> AppError {
    AppError::Conflict(e.to_string())
}

fn rubric_of(row: &RubricRow) -> Result<Rubric> {
    from_json("rubric", &row.content)
}

/// Recognise a file by its first bytes, so the declared type cannot smuggle anything else in.
fn contents_match(media_type: &str, bytes: &[u8]) -> bool {
    match media_type {
        "application/pdf" => bytes.starts_with(b"%PDF-"),
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "text/plain" => std::str::from_utf8(bytes).is_ok_and(|s| !s.contains('\0')),
        _ => false,
    }
}

fn check_file_name(name: &str) -> Result<String, Invalid> {
    let n = name.trim();
    let shown: String = n.chars().take(80).collect();
    if n.is_empty() {
        return Err(Invalid::new("files", "every file needs a name"));
    }
    if n.chars().count() > 200 || n.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        return Err(Invalid::new(
            "files",
            format!(
                "file '{shown}': give the file a plain name of at most 200 characters, without slashes"
            ),
        ));
    }
    Ok(n.to_owned())
}

fn check_files(files: &[NewEvidenceFile]) -> Result<Vec<(String, String)>, Invalid> {
    if files.len() > FILES_MAX {
        return Err(Invalid::new(
            "files",
            format!(
                "{} files were given; attach at most {FILES_MAX}",
                files.len()
            ),
        ));
    }
    let allowed = ALLOWED_FILE_TYPES
        .iter()
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ");
    let mut total = 0usize;
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let name = check_file_name(&f.name)?;
        // Parameters such as "; charset=utf-8" do not change what the file is.
        let media_type = f
            .media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let Some((_, kind)) = ALLOWED_FILE_TYPES.iter().find(|(t, _)| *t == media_type) else {
            return Err(Invalid::new(
                "files",
                format!(
                    "file '{name}' is of type '{}', which is not accepted; attach {allowed}",
                    f.media_type
                ),
            ));
        };
        if f.bytes.is_empty() {
            return Err(Invalid::new("files", format!("file '{name}' is empty")));
        }
        if f.bytes.len() > FILE_BYTES_MAX {
            return Err(Invalid::new(
                "files",
                format!(
                    "file '{name}' is {} bytes; each file may be at most {FILE_BYTES_MAX} bytes (5 MiB)",
                    f.bytes.len()
                ),
            ));
        }
        if !contents_match(&media_type, &f.bytes) {
            return Err(Invalid::new(
                "files",
                format!(
                    "file '{name}' is declared as {kind} but its contents are not {kind}; attach {allowed}"
                ),
            ));
        }
        total += f.bytes.len();
        out.push((name, media_type));
    }
    if total > FILES_TOTAL_BYTES_MAX {
        return Err(Invalid::new(
            "files",
            format!(
                "the files add up to {total} bytes; all files together may be at most {FILES_TOTAL_BYTES_MAX} bytes (10 MiB)"
            ),
        ));
    }
    Ok(out)
}

fn check_links(links: &[String]) -> Result<Vec<String>, Invalid> {
    let links: Vec<String> = links
        .iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    if links.len() > LINKS_MAX {
        return Err(Invalid::new(
            "links",
            format!("{} links were given; give at most {LINKS_MAX}", links.len()),
        ));
    }
    for l in &links {
        let host = l.strip_prefix("https://").unwrap_or("");
        let host = host.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty()
            || l.chars().count() > LINK_MAX_CHARS
            || l.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            let shown: String = l.chars().take(80).collect();
            return Err(Invalid::new(
                "links",
                format!(
                    "'{shown}' is not an https link; give full addresses starting with https://"
                ),
            ));
        }
    }
    Ok(links)
}

fn check_text(field: &'static str, value: &str, max: usize, what: &str) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(field, format!("write {what}")));
    }
    let n = v.chars().count();
    if n > max {
        return Err(Invalid::new(
            field,
            format!("is {n} characters long; the limit is {max}"),
        ));
    }
    Ok(v.to_owned())
}

async fn rubric_info(
    c: &mut cairn_store::Conn<'_>,
    org: &cairn_core::Organization,
    row: &RubricRow,
) -> Result<RubricInfo> {
    let rubric = rubric_of(row)?;
    let mut achievements = Vec::new();
    for id in c.achievements_referring_to("rubric", row.id).await? {
        if let Some(a) = c.achievement(id).await? {
            achievements.push(RubricAchievement {
                id: a.id,
                name: a.name,
                review_policy: a.spec.review_policy,
            });
        }
    }
    Ok(RubricInfo {
        org_id: org.id,
        org_slug: org.slug.clone(),
        org_name: org.name.clone(),
        max_points: rubric.max_points(),
        rubric,
        created_at: row.created_at,
        achievements,
    })
}

/// The organization's assessors as the review rules see them.
async fn assessors(c: &mut cairn_store::Conn<'_>, org: Uuid) -> Result<Vec<AssessorFacts>> {
    Ok(c.assessor_candidates(org)
        .await?
        .into_iter()
        .map(|a| AssessorFacts {
            assessor_id: a.user_id,
            organizations: a.organizations,
            open_reviews: u32::try_from(a.open_reviews).unwrap_or(u32::MAX),
        })
        .collect())
}

/// `who` as the review rules see them. Callers check the role themselves; someone not (or
/// no longer) listed among the organization's assessors counts with no memberships and no load.
async fn assessor(c: &mut cairn_store::Conn<'_>, org: Uuid, who: Uuid) -> Result<AssessorFacts> {
    Ok(assessors(c, org)
        .await?
        .into_iter()
        .find(|a| a.assessor_id == who)
        .unwrap_or(AssessorFacts {
            assessor_id: who,
            organizations: Vec::new(),
            open_reviews: 0,
        }))
}

/// A review of `stage` given to the assessor now, not yet submitted.
fn open_review(evidence_id: Uuid, stage: ReviewStage, assessor_id: Uuid) -> ReviewRow {
    ReviewRow {
        id: Uuid::now_v7(),
        evidence_id,
        stage: word(stage),
        assessor_id,
        assigned_at: now(),
        submitted_at: None,
        marks: None,
        score: None,
    }
}

/// The scores submitted so far for each stage of a piece of evidence.
#[derive(Default)]
struct Scores {
    first: Option<Score>,
    second: Option<Score>,
    adjudication: Option<Score>,
    appeal: Option<Score>,
}

fn scores_of(reviews: &[ReviewRow]) -> Result<Scores> {
    let mut s = Scores::default();
    for r in reviews {
        let Some(score) = &r.score else { continue };
        let score: Score = from_json("score", score)?;
        match parse_word::<ReviewStage>("review stage", &r.stage)? {
            ReviewStage::FirstMarking => s.first = Some(score),
            ReviewStage::SecondMarking => s.second = Some(score),
            ReviewStage::Adjudication => s.adjudication = Some(score),
            ReviewStage::Appeal => s.appeal = Some(score),
        }
    }
    Ok(s)
}

impl App {
    // --- Rubrics --------------------------------------------------------------------------

    /// Write a rubric for the organization's assessors (its authors and admins).
    pub async fn create_rubric(
        &self,
        by: &Principal,
        org_slug: &str,
        new: NewRubric,
    ) -> Result<RubricInfo> {
        let org = self.org_unchecked(org_slug).await?;
        require(by, Action::RubricManage, Some(org.id))?;
        let rubric = Rubric {
            id: Uuid::now_v7(),
            title: validate::name("title", &new.title)?,
            criteria: new
                .criteria
                .into_iter()
                .map(|c| RubricCriterion {
                    id: Uuid::now_v7(),
                    title: c.title.trim().to_owned(),
                    levels: c
                        .levels
                        .into_iter()
                        .map(|l| RubricLevel {
                            title: l.title.trim().to_owned(),
                            descriptor: l.descriptor.trim().to_owned(),
                            points: l.points,
                        })
                        .collect(),
                    min_level: c.min_level,
                })
                .collect(),
            pass_mark: new.pass_mark,
        };
        rubric.validate()?;
        let row = RubricRow {
            id: rubric.id,
            org_id: org.id,
            title: rubric.title.clone(),
            content: to_json("rubric", &rubric)?,
            created_at: now(),
        };
        let mut tx = self.store.begin().await?;
        tx.conn().insert_rubric(&row).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "rubric.create",
            format!("rubric:{}", rubric.id),
            json!({"title": rubric.title, "criteria": rubric.criteria.len(), "pass_mark": rubric.pass_mark, "max_points": rubric.max_points()}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        let mut r = self.store.reader().await?;
        rubric_info(&mut r.conn(), &org, &row).await
    }

    /// The organization's rubrics. Anyone signed in may read them: learners of any
    /// organization submit evidence on a provider's rubric and should see how it is judged.
    pub async fn rubrics(&self, _by: &Principal, org_slug: &str) -> Result<Vec<RubricInfo>> {
        let org = self.org_unchecked(org_slug).await?;
        let rows = self
            .store
            .reader()
            .await?
            .conn()
            .rubrics_of_org(org.id)
            .await?;
        let mut r = self.store.reader().await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(rubric_info(&mut r.conn(), &org, row).await?);
        }
        Ok(out)
    }

    /// Every organization's rubrics, for a learner choosing what to submit evidence on.
    pub async fn rubric_directory(&self, _by: &Principal) -> Result<Vec<RubricInfo>> {
        let mut r = self.store.reader().await?;
        let rows = r.conn().all_rubrics(RUBRIC_DIRECTORY_MAX).await?;
        let mut orgs: Vec<cairn_core::Organization> = Vec::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            if !orgs.iter().any(|o| o.id == row.org_id)
                && let Some(o) = r.conn().org_by_id(row.org_id).await?
            {
                orgs.push(o);
            }
            if let Some(org) = orgs.iter().find(|o| o.id == row.org_id) {
                out.push(rubric_info(&mut r.conn(), org, row).await?);
            }
        }
        Ok(out)
    }

    pub async fn rubric(&self, _by: &Principal, id: Uuid) -> Result<RubricInfo> {
        let mut r = self.store.reader().await?;
        let row = r
            .conn()
            .rubric_by_id(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("rubric {id}")))?;
        let org = r
            .conn()
            .org_by_id(row.org_id)
            .await?
            .ok_or_else(|| AppError::NotFound("the rubric's organization".into()))?;
        rubric_info(&mut r.conn(), &org, &row).await
    }

    // --- Evidence -------------------------------------------------------------------------

    /// Submit performance evidence on a rubric, and assign its first marker.
    pub async fn submit_evidence(&self, by: &Principal, new: NewEvidence) -> Result<EvidenceView> {
        let learner = person(by, "submit evidence")?;
        let title = validate::name("title", &new.title)?;
        let narrative = check_text(
            "narrative",
            &new.narrative,
            NARRATIVE_MAX_CHARS,
            "what you did and how it shows the competency",
        )?;
        let links = check_links(&new.links)?;
        let names = check_files(&new.files)?;
        let mut tx = self.store.begin().await?;
        let rubric_row = tx
            .conn()
            .rubric_by_id(new.rubric_id)
            .await?
            .ok_or_else(|| {
                Invalid::new(
                    "rubric_id",
                    format!("rubric {} was not found", new.rubric_id),
                )
            })?;
        let policy = match new.achievement_id {
            None => ReviewPolicy::default(),
            Some(a) => {
                let achievement = tx.conn().achievement(a).await?.ok_or_else(|| {
                    Invalid::new("achievement_id", format!("achievement {a} was not found"))
                })?;
                let takes = tx
                    .conn()
                    .achievements_referring_to("rubric", rubric_row.id)
                    .await?;
                if !takes.contains(&a) {
                    return Err(Invalid::new(
                        "achievement_id",
                        format!(
                            "\"{}\" is not earned with evidence on the rubric \"{}\"; choose the achievement's own rubric",
                            achievement.name, rubric_row.title
                        ),
                    )
                    .into());
                }
                achievement.spec.review_policy
            }
        };
        let at = now();
        let row = EvidenceRow {
            id: Uuid::now_v7(),
            learner_id: learner,
            rubric_id: rubric_row.id,
            achievement_id: new.achievement_id,
            org_id: rubric_row.org_id,
            title,
            narrative,
            links: to_json("links", &links)?,
            status: word(EvidenceStatus::AwaitingFirstMarker),
            policy: to_json("policy", &policy)?,
            decision: None,
            accepted: None,
            submitted_at: at,
            decided_at: None,
            appeal_reason: None,
        };
        tx.conn().insert_evidence(&row).await?;
        let mut file_log = Vec::new();
        for (f, (name, media_type)) in new.files.into_iter().zip(names) {
            let meta = EvidenceFileMeta {
                id: Uuid::now_v7(),
                evidence_id: row.id,
                name,
                media_type,
                size: i64::try_from(f.bytes.len()).unwrap_or(i64::MAX),
                sha256: hex::encode(Sha256::digest(&f.bytes)),
            };
            file_log.push(json!({"name": meta.name, "sha256": meta.sha256, "size": meta.size}));
            tx.conn()
                .insert_evidence_file(&EvidenceFileRow {
                    meta,
                    bytes: f.bytes,
                })
                .await?;
        }
        let assigned = self
            .assign(&mut tx, &row, EvidenceStatus::AwaitingFirstMarker, &policy)
            .await?;
        let entry = audit_entry(
            by,
            Some(row.org_id),
            "evidence.submit",
            format!("evidence:{}", row.id),
            json!({"rubric": row.rubric_id, "achievement": row.achievement_id, "policy": policy, "files": file_log, "links": links.len(), "first_marker": assigned}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        self.evidence(by, row.id).await
    }

    /// Who has had anything to do with reviewing the evidence: assigned at any stage, or
    /// named in its decision. None of them may take another stage of it.
    async fn evidence_facts(
        &self,
        c: &mut cairn_store::Conn<'_>,
        e: &EvidenceRow,
    ) -> Result<EvidenceFacts> {
        let mut reviewed_by: Vec<Uuid> = c
            .reviews_of_evidence(e.id)
            .await?
            .iter()
            .map(|r| r.assessor_id)
            .collect();
        if let Some(d) = &e.decision {
            let d: Decision = from_json("decision", d)?;
            reviewed_by.extend(d.reviewers());
        }
        reviewed_by.sort();
        reviewed_by.dedup();
        Ok(EvidenceFacts {
            evidence_id: e.id,
            learner_id: e.learner_id,
            learner_organizations: c.org_ids_of_user(e.learner_id).await?,
            status: parse_word("evidence status", &e.status)?,
            reviewed_by,
        })
    }

    /// Assign the review that `status` waits for to the least loaded eligible assessor of
    /// the evidence's organization; returns who, or None when nobody is eligible (the
    /// evidence then waits in the claimable list).
    async fn assign(
        &self,
        tx: &mut Tx,
        e: &EvidenceRow,
        status: EvidenceStatus,
        policy: &ReviewPolicy,
    ) -> Result<Option<Uuid>> {
        let Some(stage) = stage_awaited(status) else {
            return Ok(None);
        };
        let mut facts = self.evidence_facts(&mut tx.conn(), e).await?;
        facts.status = status;
        let candidates = assessors(&mut tx.conn(), e.org_id).await?;
        match review::pick_assessor(&candidates, &facts, stage, policy) {
            Ok(a) => {
                let row = open_review(e.id, stage, a.assessor_id);
                if !tx.conn().insert_review(&row).await? {
                    return Err(AppError::Conflict(format!(
                        "this evidence already has {}",
                        stage.describe()
                    )));
                }
                Ok(Some(a.assessor_id))
            }
            Err(none) => {
                tracing::info!(evidence = %e.id, stage = ?stage, reason = %none, "evidence waits for a claim");
                Ok(None)
            }
        }
    }

    async fn evidence_row(&self, id: Uuid) -> Result<EvidenceRow> {
        self.store
            .reader()
            .await?
            .conn()
            .evidence_by_id(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("evidence {id}")))
    }

    /// Whether `by` may see the evidence, and whether as one of its org's admins (who see
    /// every review in full).
    fn viewer(by: &Principal, e: &EvidenceRow, reviews: &[ReviewRow]) -> Option<Viewer> {
        if by.may(Action::OrgUpdate, Some(e.org_id)) {
            return Some(Viewer::Admin);
        }
        let me = by.user_id()?;
        if me == e.learner_id {
            return Some(Viewer::Learner);
        }
        if by.may(Action::EvidenceReview, Some(e.org_id))
            && reviews.iter().any(|r| r.assessor_id == me)
        {
            return Some(Viewer::Assessor(me));
        }
        None
    }

    /// A piece of evidence, for the learner, its assigned assessors and the org's admins.
    pub async fn evidence(&self, by: &Principal, id: Uuid) -> Result<EvidenceView> {
        let mut r = self.store.reader().await?;
        let (e, reviews, viewer) = Self::seen_by(&mut r.conn(), by, id).await?;
        self.evidence_view(&mut r.conn(), e, reviews, viewer).await
    }

    /// The evidence with its reviews, and who `by` is to it, when they may see it.
    async fn seen_by(
        c: &mut cairn_store::Conn<'_>,
        by: &Principal,
        id: Uuid,
    ) -> Result<(EvidenceRow, Vec<ReviewRow>, Viewer)> {
        // Someone else's evidence does not exist as far as the caller can tell.
        let not_found = || AppError::NotFound(format!("evidence {id}"));
        let e = c.evidence_by_id(id).await?.ok_or_else(not_found)?;
        let reviews = c.reviews_of_evidence(e.id).await?;
        let viewer = Self::viewer(by, &e, &reviews).ok_or_else(not_found)?;
        Ok((e, reviews, viewer))
    }

    async fn evidence_view(
        &self,
        c: &mut cairn_store::Conn<'_>,
        e: EvidenceRow,
        reviews: Vec<ReviewRow>,
        viewer: Viewer,
    ) -> Result<EvidenceView> {
        let name = |u: Option<cairn_core::User>| u.map(|u| u.display_name).unwrap_or_default();
        let learner_name = name(c.user_by_id(e.learner_id).await?);
        let rubric_title = c
            .rubric_by_id(e.rubric_id)
            .await?
            .map(|r| r.title)
            .unwrap_or_default();
        let status: EvidenceStatus = parse_word("evidence status", &e.status)?;
        let decision: Option<Decision> = e
            .decision
            .as_deref()
            .map(|d| from_json("decision", d))
            .transpose()?;
        let waiting = match stage_awaited(status) {
            Some(stage) if !reviews.iter().any(|r| r.stage == word(stage)) => {
                let facts = self.evidence_facts(c, &e).await?;
                let policy: ReviewPolicy = from_json("policy", &e.policy)?;
                let candidates = assessors(c, e.org_id).await?;
                Some(
                    match review::pick_assessor(&candidates, &facts, stage, &policy) {
                        Ok(_) => format!(
                            "nobody is assigned as {} yet; an eligible assessor can claim it from the review queue",
                            stage.describe()
                        ),
                        // Admins see each assessor's reason; others only that none is free.
                        Err(none) if matches!(viewer, Viewer::Admin) => {
                            format!("nobody could be assigned as {}: {none}", stage.describe())
                        }
                        Err(_) => format!(
                            "no assessor is free to act as {} yet; it waits until one can",
                            stage.describe()
                        ),
                    },
                )
            }
            _ => None,
        };
        let mut infos = Vec::with_capacity(reviews.len());
        for rv in reviews {
            // Each marker judges alone: an assessor sees only their own marks; the learner
            // sees the marks once there is a decision; admins see everything.
            let show = match viewer {
                Viewer::Admin => true,
                Viewer::Learner => decision.is_some(),
                Viewer::Assessor(me) => rv.assessor_id == me,
            };
            infos.push(ReviewInfo {
                id: rv.id,
                stage: parse_word("review stage", &rv.stage)?,
                assessor_id: rv.assessor_id,
                assessor_name: name(c.user_by_id(rv.assessor_id).await?),
                assigned_at: rv.assigned_at,
                submitted_at: rv.submitted_at,
                marks: rv
                    .marks
                    .as_deref()
                    .filter(|_| show)
                    .map(|m| from_json("marks", m))
                    .transpose()?,
                score: rv
                    .score
                    .as_deref()
                    .filter(|_| show)
                    .map(|s| from_json("score", s))
                    .transpose()?,
            });
        }
        let appeal = review::may_appeal(&EvidenceFacts {
            evidence_id: e.id,
            learner_id: e.learner_id,
            learner_organizations: Vec::new(),
            status,
            reviewed_by: Vec::new(),
        });
        let is_learner = matches!(viewer, Viewer::Learner);
        Ok(EvidenceView {
            id: e.id,
            learner_id: e.learner_id,
            learner_name,
            rubric_id: e.rubric_id,
            rubric_title,
            achievement_id: e.achievement_id,
            org_id: e.org_id,
            title: e.title,
            narrative: e.narrative,
            links: from_json("links", &e.links)?,
            status,
            status_text: status.describe().to_owned(),
            policy: from_json("policy", &e.policy)?,
            explanation: decision.as_ref().map(|d| {
                // People read names; the audit log keeps the ids.
                let mut text = d.explain();
                for r in &infos {
                    if !r.assessor_name.is_empty() {
                        text = text.replace(&r.assessor_id.to_string(), &r.assessor_name);
                    }
                }
                text
            }),
            decision,
            accepted: e.accepted,
            submitted_at: e.submitted_at,
            decided_at: e.decided_at,
            appeal_reason: e.appeal_reason,
            may_appeal: is_learner && appeal.is_ok(),
            appeal_refusal: appeal.err().map(|r| r.to_string()),
            waiting,
            files: c
                .evidence_files(e.id)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
            reviews: infos,
        })
    }

    /// The signed-in learner's evidence, newest first.
    pub async fn my_evidence(&self, by: &Principal) -> Result<Vec<EvidenceView>> {
        let me = person(by, "see your evidence")?;
        let mut r = self.store.reader().await?;
        let rows = r.conn().evidence_of_learner(me).await?;
        let mut out = Vec::with_capacity(rows.len());
        for e in rows {
            let reviews = r.conn().reviews_of_evidence(e.id).await?;
            out.push(
                self.evidence_view(&mut r.conn(), e, reviews, Viewer::Learner)
                    .await?,
            );
        }
        Ok(out)
    }

    /// A file of a piece of evidence, for those who may see the evidence.
    pub async fn evidence_file(
        &self,
        by: &Principal,
        evidence_id: Uuid,
        file_id: Uuid,
    ) -> Result<(FileInfo, Vec<u8>)> {
        let mut r = self.store.reader().await?;
        Self::seen_by(&mut r.conn(), by, evidence_id).await?;
        let f = r
            .conn()
            .evidence_file(evidence_id, file_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("file {file_id} of this evidence")))?;
        Ok((f.meta.into(), f.bytes))
    }

    /// Appeal a rejection, once, with a reason; a new assessor reviews it again.
    pub async fn appeal_evidence(
        &self,
        by: &Principal,
        evidence_id: Uuid,
        reason: &str,
    ) -> Result<EvidenceView> {
        let me = person(by, "appeal")?;
        let reason = check_text(
            "reason",
            reason,
            APPEAL_REASON_MAX_CHARS,
            "why the decision should be reviewed again",
        )?;
        let mut tx = self.store.begin().await?;
        let e = tx
            .conn()
            .evidence_by_id(evidence_id)
            .await?
            .filter(|e| e.learner_id == me)
            .ok_or_else(|| AppError::NotFound(format!("evidence {evidence_id}")))?;
        let facts = self.evidence_facts(&mut tx.conn(), &e).await?;
        review::may_appeal(&facts).map_err(refused)?;
        if !tx.conn().appeal_evidence(e.id, &reason).await? {
            return Err(refused(review::ReviewRefusal::AlreadyAppealed));
        }
        let policy: ReviewPolicy = from_json("policy", &e.policy)?;
        let reviewer = self
            .assign(&mut tx, &e, EvidenceStatus::UnderAppeal, &policy)
            .await?;
        let entry = audit_entry(
            by,
            Some(e.org_id),
            "evidence.appeal",
            format!("evidence:{}", e.id),
            json!({"reason": reason, "appeal_reviewer": reviewer}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        self.evidence(by, evidence_id).await
    }

    // --- The assessor's side --------------------------------------------------------------

    /// The caller's open reviews, and waiting evidence nobody was assigned that they may claim.
    pub async fn review_queue(&self, by: &Principal) -> Result<Queue> {
        let orgs: Vec<Uuid> = by
            .grants
            .iter()
            .filter(|(_, r)| *r == Role::Assessor)
            .map(|(o, _)| *o)
            .collect();
        if orgs.is_empty() {
            // Refused with the policy's own sentence naming the role needed.
            require(
                by,
                Action::EvidenceReview,
                by.grants.first().map(|(o, _)| *o),
            )?;
        }
        let me = person(by, "see your review queue")?;
        let mut r = self.store.reader().await?;
        let assigned = r
            .conn()
            .open_reviews_of(me)
            .await?
            .into_iter()
            .map(|q| {
                Ok(QueueItem {
                    review_id: q.review.id,
                    evidence_id: q.review.evidence_id,
                    stage: parse_word("review stage", &q.review.stage)?,
                    evidence_title: q.evidence_title,
                    learner_name: q.learner_name,
                    rubric_title: q.rubric_title,
                    assigned_at: q.review.assigned_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut unassigned = Vec::new();
        for org in orgs {
            let mine = assessors(&mut r.conn(), org)
                .await?
                .into_iter()
                .find(|a| a.assessor_id == me);
            let Some(mine) = mine else { continue };
            for u in r.conn().unassigned_evidence(org).await? {
                let facts = self.evidence_facts(&mut r.conn(), &u.evidence).await?;
                let Some(stage) = stage_awaited(facts.status) else {
                    continue;
                };
                let policy: ReviewPolicy = from_json("policy", &u.evidence.policy)?;
                if review::may_review(&mine, &facts, stage, &policy).is_ok() {
                    unassigned.push(Claimable {
                        evidence_id: u.evidence.id,
                        stage,
                        evidence_title: u.evidence.title,
                        learner_name: u.learner_name,
                        rubric_title: u.rubric_title,
                        submitted_at: u.evidence.submitted_at,
                    });
                }
            }
        }
        Ok(Queue {
            assigned,
            unassigned,
        })
    }

    /// Take the waiting stage of a piece of evidence nobody was assigned.
    pub async fn claim_review(&self, by: &Principal, evidence_id: Uuid) -> Result<ReviewTask> {
        let mut tx = self.store.begin().await?;
        let e = tx
            .conn()
            .evidence_by_id(evidence_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("evidence {evidence_id}")))?;
        require(by, Action::EvidenceReview, Some(e.org_id))?;
        let me = person(by, "review evidence")?;
        let facts = self.evidence_facts(&mut tx.conn(), &e).await?;
        let Some(stage) = stage_awaited(facts.status) else {
            return Err(AppError::Conflict(format!(
                "this evidence is {}, so it is not waiting for a reviewer",
                facts.status.describe()
            )));
        };
        let taken = || {
            AppError::Conflict(format!(
                "this evidence already has {}; it was claimed or assigned meanwhile",
                stage.describe()
            ))
        };
        if tx
            .conn()
            .reviews_of_evidence(e.id)
            .await?
            .into_iter()
            .any(|r| r.stage == word(stage))
        {
            return Err(taken());
        }
        let policy: ReviewPolicy = from_json("policy", &e.policy)?;
        let mine = assessor(&mut tx.conn(), e.org_id, me).await?;
        review::may_review(&mine, &facts, stage, &policy).map_err(refused)?;
        let row = open_review(e.id, stage, me);
        if !tx.conn().insert_review(&row).await? {
            return Err(taken());
        }
        let entry = audit_entry(
            by,
            Some(e.org_id),
            "review.claim",
            format!("review:{}", row.id),
            json!({"evidence": e.id, "stage": stage}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        self.review_task(by, row.id).await
    }

    async fn own_review(
        &self,
        by: &Principal,
        review_id: Uuid,
    ) -> Result<(ReviewRow, EvidenceRow)> {
        let mut r = self.store.reader().await?;
        let not_found = || AppError::NotFound(format!("review {review_id}"));
        let rv = r
            .conn()
            .review_by_id(review_id)
            .await?
            .ok_or_else(not_found)?;
        let e = r
            .conn()
            .evidence_by_id(rv.evidence_id)
            .await?
            .ok_or_else(not_found)?;
        require(by, Action::EvidenceReview, Some(e.org_id))?;
        let me = person(by, "review evidence")?;
        if rv.assessor_id != me {
            // Another assessor's review: not the caller's to see or mark.
            return Err(not_found());
        }
        Ok((rv, e))
    }

    /// A review assigned to the caller, with the evidence and the rubric to mark it on.
    pub async fn review_task(&self, by: &Principal, review_id: Uuid) -> Result<ReviewTask> {
        let (rv, e) = self.own_review(by, review_id).await?;
        let me = rv.assessor_id;
        let mut r = self.store.reader().await?;
        let rubric_row = r
            .conn()
            .rubric_by_id(e.rubric_id)
            .await?
            .ok_or_else(|| AppError::NotFound("the evidence's rubric".into()))?;
        let reviews = r.conn().reviews_of_evidence(e.id).await?;
        let evidence = self
            .evidence_view(&mut r.conn(), e, reviews, Viewer::Assessor(me))
            .await?;
        let review = evidence
            .reviews
            .iter()
            .find(|x| x.id == review_id)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("review {review_id}")))?;
        Ok(ReviewTask {
            review,
            evidence,
            rubric: rubric_of(&rubric_row)?,
        })
    }

    /// Mark the evidence of a review assigned to the caller. The review is scored on the
    /// rubric, and the evidence moves on: to a second marker, an adjudicator, or a decision.
    pub async fn submit_review(
        &self,
        by: &Principal,
        review_id: Uuid,
        marks: Vec<Mark>,
    ) -> Result<ReviewOutcome> {
        let (_, e0) = self.own_review(by, review_id).await?;
        let mut tx = self.store.begin().await?;
        // Read again inside the transaction: the evidence may have moved since.
        let rv = tx
            .conn()
            .review_by_id(review_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("review {review_id}")))?;
        let e = tx
            .conn()
            .evidence_by_id(e0.id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("evidence {}", e0.id)))?;
        if rv.submitted_at.is_some() {
            return Err(AppError::Conflict(
                "you have already submitted this review; a submitted review cannot be changed"
                    .into(),
            ));
        }
        let stage: ReviewStage = parse_word("review stage", &rv.stage)?;
        let policy: ReviewPolicy = from_json("policy", &e.policy)?;
        let rubric = rubric_of(
            &tx.conn()
                .rubric_by_id(e.rubric_id)
                .await?
                .ok_or_else(|| AppError::NotFound("the evidence's rubric".into()))?,
        )?;
        // The conflicts of interest are checked again at submission: memberships may have
        // changed since the review was assigned.
        let mut facts = self.evidence_facts(&mut tx.conn(), &e).await?;
        facts.reviewed_by.retain(|a| *a != rv.assessor_id);
        let mine = assessor(&mut tx.conn(), e.org_id, rv.assessor_id).await?;
        review::may_review(&mine, &facts, stage, &policy).map_err(refused)?;
        let score = rubric.score(&Review {
            id: rv.id,
            evidence_id: e.id,
            assessor_id: rv.assessor_id,
            rubric_id: rubric.id,
            marks: marks.clone(),
        })?;
        let at = now();
        if !tx
            .conn()
            .submit_review(
                rv.id,
                &to_json("marks", &marks)?,
                &to_json("score", &score)?,
                at,
            )
            .await?
        {
            return Err(AppError::Conflict(
                "this review was submitted meanwhile; a submitted review cannot be changed".into(),
            ));
        }
        let scores = scores_of(&tx.conn().reviews_of_evidence(e.id).await?)?;
        let from = facts.status;
        let outcome: std::result::Result<Decision, EvidenceStatus> = if stage == ReviewStage::Appeal
        {
            let previous: Decision = from_json(
                "decision",
                e.decision
                    .as_deref()
                    .ok_or_else(|| corrupt("appeal", "no decision to appeal"))?,
            )?;
            Ok(review::decide_appeal(&previous, &score)?)
        } else {
            let first = scores
                .first
                .as_ref()
                .ok_or_else(|| corrupt("reviews", "no first marking"))?;
            match review::decide(
                &policy,
                first,
                scores.second.as_ref(),
                scores.adjudication.as_ref(),
            )? {
                Progress::Decided { decision } => Ok(decision),
                Progress::AwaitingSecondMarker => Err(EvidenceStatus::AwaitingSecondMarker),
                Progress::AwaitingAdjudication { .. } => Err(EvidenceStatus::AwaitingAdjudication),
            }
        };
        let mut next_reviewer = None;
        let explanation = match &outcome {
            Ok(decision) => {
                let to = match (stage, decision.accepted) {
                    (ReviewStage::Appeal, _) => EvidenceStatus::AppealDecided,
                    (_, true) => EvidenceStatus::Accepted,
                    (_, false) => EvidenceStatus::Rejected,
                };
                if !tx
                    .conn()
                    .decide_evidence(
                        e.id,
                        &word(from),
                        &word(to),
                        &to_json("decision", decision)?,
                        decision.accepted,
                        at,
                    )
                    .await?
                {
                    return Err(moved_on());
                }
                self.awards_after_evidence(&mut tx, e.learner_id, e.rubric_id)
                    .await?;
                decision.explain()
            }
            Err(next) => {
                if !tx
                    .conn()
                    .set_evidence_status(e.id, &word(from), &word(*next))
                    .await?
                {
                    return Err(moved_on());
                }
                next_reviewer = self.assign(&mut tx, &e, *next, &policy).await?;
                format!("now {}", next.describe())
            }
        };
        let entry = audit_entry(
            by,
            Some(e.org_id),
            "review.submit",
            format!("review:{}", rv.id),
            json!({
                "evidence": e.id,
                "stage": stage,
                "total": score.total,
                "max": score.max,
                "passed": score.passed,
                "shortfalls": score.shortfalls,
                "outcome": explanation,
                "next_reviewer": next_reviewer,
            }),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        if outcome.is_ok() {
            self.process_awards().await;
        }
        let reviews = self
            .store
            .reader()
            .await?
            .conn()
            .reviews_of_evidence(e.id)
            .await?;
        let fresh = self.evidence_row(e.id).await?;
        let mut r = self.store.reader().await?;
        let evidence = self
            .evidence_view(
                &mut r.conn(),
                fresh,
                reviews,
                Viewer::Assessor(rv.assessor_id),
            )
            .await?;
        Ok(ReviewOutcome { score, evidence })
    }

    // --- Statistics -----------------------------------------------------------------------

    /// How well the organization's assessors agree, from every double-marked piece of
    /// evidence: Cohen's kappa on pass/fail and the mean difference of totals.
    pub async fn review_stats(&self, by: &Principal, org_slug: &str) -> Result<ReviewStats> {
        let org = self.org_unchecked(org_slug).await?;
        require(by, Action::ReviewStatsView, Some(org.id))?;
        let mut r = self.store.reader().await?;
        let mut marks = Vec::new();
        for row in r.conn().double_marked(org.id).await? {
            let first: Score = from_json("score", &row.first_score)?;
            let second: Score = from_json("score", &row.second_score)?;
            marks.push(DoubleMarked::from_scores(row.evidence_id, &first, &second));
        }
        let mut by_assessor = Vec::new();
        for AssessorAgreement {
            assessor_id,
            agreement,
        } in review::agreement_by_assessor(&marks)
        {
            let assessor_name = r
                .conn()
                .user_by_id(assessor_id)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default();
            by_assessor.push(AssessorStats {
                assessor_id,
                assessor_name,
                agreement,
            });
        }
        Ok(ReviewStats {
            org_id: org.id,
            double_marked: marks.len(),
            overall: review::agreement(&marks),
            by_assessor,
            by_pair: review::agreement_by_pair(&marks),
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Viewer {
    Admin,
    Learner,
    Assessor(Uuid),
}

/// The council's extra assessors: (name, email). With the assessor persona they make three,
/// enough for double marking with an adjudicator and an appeal to someone new.
const DEMO_ASSESSORS: &[(&str, &str)] = &[
    ("Ines Carvalho", "ines.carvalho@rhwc.example"),
    ("Kwame Mensah", "kwame.mensah@rhwc.example"),
];
/// Seeds the extra assessors' ids, apart from the main demo stream so adding them changes
/// nothing else in the world.
const DEMO_REVIEW_SEED: u64 = crate::demo::DEMO_SEED ^ 0x7265_7669_6577;
pub const DEMO_AUDIT_RUBRIC: &str = "Observed clinical coding audit";
pub const DEMO_PRACTICE_RUBRIC: &str = "Coding query documentation review";
pub const DEMO_AUDIT_ACHIEVEMENT: &str = "Observed Clinical Coding Practice";

fn demo_level(title: &str, descriptor: &str, points: u32) -> RubricLevel {
    RubricLevel {
        title: title.into(),
        descriptor: descriptor.into(),
        points,
    }
}

fn demo_audit_rubric() -> NewRubric {
    NewRubric {
        title: DEMO_AUDIT_RUBRIC.into(),
        criteria: vec![
            NewCriterion {
                title: "Code assignment accuracy".into(),
                levels: vec![
                    demo_level(
                        "Not yet",
                        "Several principal or secondary codes are wrong or missing.",
                        0,
                    ),
                    demo_level(
                        "Developing",
                        "Most codes are right, but errors change the case mix.",
                        3,
                    ),
                    demo_level(
                        "Competent",
                        "Every principal code is right; only minor secondary omissions.",
                        6,
                    ),
                    demo_level("Exemplary", "Every code is right and fully specific.", 8),
                ],
                min_level: None,
            },
            NewCriterion {
                title: "Use of source documentation".into(),
                levels: vec![
                    demo_level("Not yet", "Codes from the discharge letter alone.", 0),
                    demo_level(
                        "Developing",
                        "Reads the notes but misses results and operation notes.",
                        2,
                    ),
                    demo_level(
                        "Competent",
                        "Finds the evidence for each code in the record.",
                        4,
                    ),
                    demo_level(
                        "Exemplary",
                        "Reconciles conflicting sources and queries the clinician when needed.",
                        6,
                    ),
                ],
                min_level: None,
            },
            NewCriterion {
                title: "ICD-11 postcoordination and extension codes".into(),
                levels: vec![
                    demo_level(
                        "Not yet",
                        "Stem codes only, where the record supports more.",
                        0,
                    ),
                    demo_level(
                        "Developing",
                        "Adds extension codes, with some wrong clusters.",
                        2,
                    ),
                    demo_level(
                        "Competent",
                        "Builds valid clusters for laterality, severity and cause.",
                        4,
                    ),
                    demo_level(
                        "Exemplary",
                        "Builds complete, valid clusters and explains each choice.",
                        6,
                    ),
                ],
                min_level: None,
            },
            NewCriterion {
                title: "Confidentiality and record handling".into(),
                levels: vec![
                    demo_level(
                        "Breach",
                        "Identifiable data left the record system or was shared without need.",
                        0,
                    ),
                    demo_level(
                        "Safe",
                        "Worked within the record system and shared nothing identifiable.",
                        2,
                    ),
                ],
                // Privacy is never traded against points earned elsewhere.
                min_level: Some(1),
            },
        ],
        pass_mark: 14,
    }
}

fn demo_practice_rubric() -> NewRubric {
    NewRubric {
        title: DEMO_PRACTICE_RUBRIC.into(),
        criteria: vec![
            NewCriterion {
                title: "Query clarity".into(),
                levels: vec![
                    demo_level("Unclear", "The clinician cannot tell what is asked.", 0),
                    demo_level("Clear", "One question, answerable from the record.", 2),
                    demo_level(
                        "Model",
                        "One neutral question, with the options and the evidence quoted.",
                        4,
                    ),
                ],
                min_level: None,
            },
            NewCriterion {
                title: "Clinical rationale".into(),
                levels: vec![
                    demo_level("Missing", "No reason is given for the query.", 0),
                    demo_level("Stated", "The documentation gap is named.", 2),
                    demo_level(
                        "Evidenced",
                        "The gap is named and the findings that raise it are cited.",
                        4,
                    ),
                ],
                min_level: None,
            },
        ],
        pass_mark: 5,
    }
}

impl App {
    /// Demo step: the council's rubrics, two more assessors, a double-marked achievement,
    /// and hospital workers' evidence at every stage of review. Runs after the demo
    /// assessments, through the use cases themselves; returns how many credentials the
    /// accepted evidence earned.
    pub(crate) async fn seed_demo_rubrics(
        &self,
        orgs: &[cairn_core::Organization],
    ) -> Result<usize> {
        use cairn_core::{Email, Membership, User};
        let sys = Principal::system();
        let (Some(council), Some(employer)) = (
            orgs.iter().find(|o| o.slug == "rhwc"),
            orgs.iter().find(|o| o.slug == crate::demo::EMPLOYER_SLUG),
        ) else {
            return Ok(0);
        };
        let cost = self.config.password_cost;
        let hash = tokio::task::spawn_blocking(move || {
            crate::security::hash_password(crate::demo::DEMO_PASSWORD, cost)
        })
        .await
        .map_err(|e| AppError::Internal(format!("hashing task: {e}")))??;
        let mut rng = cairn_core::rng::SeededRng::new(DEMO_REVIEW_SEED);
        let t0 = council.created_at;
        let mut tx = self.store.begin().await?;
        let mut assessors = Vec::new();
        if let Some(tomasz) = tx
            .conn()
            .user_id_by_email(crate::demo::PERSONAS[3].email)
            .await?
        {
            assessors.push(tomasz);
        }
        for (name, email) in DEMO_ASSESSORS {
            let user = User {
                id: rng.uuid(),
                display_name: (*name).into(),
                emails: vec![Email {
                    address: (*email).into(),
                    primary: true,
                }],
                is_operator: false,
                created_at: t0,
            };
            tx.conn().insert_user(&user, Some(&hash)).await?;
            tx.conn()
                .insert_membership(&Membership {
                    org_id: council.id,
                    user_id: user.id,
                    role: Role::Assessor,
                    job_title: Some("Clinical Coding Assessor".into()),
                    created_at: t0,
                })
                .await?;
            assessors.push(user.id);
        }
        let entry = audit_entry(
            &sys,
            Some(council.id),
            "demo.seed_assessors",
            "demo".into(),
            json!({"assessors": DEMO_ASSESSORS.len()}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;

        let audit = self
            .create_rubric(&sys, &council.slug, demo_audit_rubric())
            .await?;
        let practice = self
            .create_rubric(&sys, &council.slug, demo_practice_rubric())
            .await?;
        let achievement = self
            .create_achievement(
                &sys,
                &council.slug,
                crate::credentials::NewAchievement {
                    kind: cairn_core::AchievementKind::MicroCredential,
                    name: DEMO_AUDIT_ACHIEVEMENT.into(),
                    description: "Codes real inpatient records accurately with ICD-11, observed by an assessor, and handles them safely.".into(),
                    criteria: "Performance evidence from an observed coding audit, accepted by two independent assessors (an adjudicator decides when they disagree).".into(),
                    spec: cairn_core::AchievementSpec {
                        rule: Some(cairn_core::criteria::Criteria::EvidenceAccepted {
                            rubric_id: audit.rubric.id,
                        }),
                        review_policy: ReviewPolicy {
                            double_marking: true,
                            score_tolerance: 2,
                            exclude_same_organization: true,
                        },
                        ..Default::default()
                    },
                },
            )
            .await?;

        // Hospital workers (not the learner persona), in name order.
        let mut learners = Vec::new();
        for m in self
            .store
            .reader()
            .await?
            .conn()
            .members_of_org(employer.id, 40, 0)
            .await?
        {
            let persona = crate::demo::PERSONAS
                .iter()
                .any(|p| m.email.as_deref() == Some(p.email));
            if m.role == "learner" && !persona && !learners.contains(&m.user_id) {
                learners.push(m.user_id);
            }
        }
        let learner = |i: usize| Principal {
            kind: cairn_core::PrincipalKind::User {
                user_id: learners.get(i).copied().unwrap_or_default(),
            },
            is_operator: false,
            grants: vec![(employer.id, Role::Learner)],
        };
        if learners.len() < 9 {
            return Ok(0);
        }
        let submit = |who: Principal,
                      rubric: &RubricInfo,
                      towards: Option<Uuid>,
                      title: &str,
                      narrative: &str| {
            let new = NewEvidence {
                rubric_id: rubric.rubric.id,
                achievement_id: towards,
                title: title.into(),
                narrative: narrative.into(),
                links: vec![],
                files: vec![NewEvidenceFile {
                    name: "audit-notes.txt".into(),
                    media_type: "text/plain".into(),
                    bytes: format!("{title}\n\n{narrative}\n").into_bytes(),
                }],
            };
            async move { self.submit_evidence(&who, new).await }
        };
        let a = Some(achievement.id);
        // Levels per criterion of the audit rubric: 16, 9 and 11 points of 22 (pass mark 14).
        let (pass, fail, near_fail) = ([2, 2, 2, 1], [1, 1, 1, 1], [1, 2, 1, 1]);
        let narrative = "Coded twenty inpatient episodes from the medical admissions unit while observed, with the record system open and the ICD-11 coding tool.";

        // Three pieces await their first markers. Submitted while nobody has any open review,
        // they go one to each assessor (least loaded first), so the assessor persona's queue
        // shows pending work.
        for (i, title) in [
            "Medical admissions audit, week 2",
            "Stroke unit audit",
            "Paediatric ward audit",
        ]
        .into_iter()
        .enumerate()
        {
            submit(learner(6 + i), &audit, a, title, narrative).await?;
        }

        let e = submit(
            learner(0),
            &audit,
            a,
            "Medical admissions audit, week 1",
            narrative,
        )
        .await?;
        self.demo_mark(&assessors, &audit, e.id, &pass).await?;
        // Waits for its second marker.

        let e = submit(learner(1), &audit, a, "Respiratory ward audit", narrative).await?;
        self.demo_mark(&assessors, &audit, e.id, &pass).await?;
        self.demo_mark(&assessors, &audit, e.id, &fail).await?;
        // The markers disagree on pass/fail: waits for adjudication.

        let e = submit(learner(2), &audit, a, "Day surgery audit", narrative).await?;
        self.demo_mark(&assessors, &audit, e.id, &fail).await?;
        self.demo_mark(&assessors, &audit, e.id, &near_fail).await?;
        // Both failed it within the tolerance: rejected.

        let e = submit(learner(3), &audit, a, "Orthopaedic trauma audit", narrative).await?;
        self.demo_mark(&assessors, &audit, e.id, &near_fail).await?;
        self.demo_mark(&assessors, &audit, e.id, &fail).await?;
        let who = learner(3);
        self.appeal_evidence(&who, e.id, "Three of the fracture codes were marked wrong, but the 2026 coding guidance allows them; the guidance is quoted in my notes.").await?;
        // Under appeal, with an assessor who has not seen it.

        let e = submit(learner(4), &practice, None, "Query on heart failure type", "Drafted a query asking the cardiologist to state the heart failure type, quoting the echo result.").await?;
        self.demo_mark(&assessors, &practice, e.id, &[2, 2]).await?;
        // Single-marked and accepted.
        let e = submit(
            learner(5),
            &practice,
            None,
            "Query on sepsis source",
            "Asked whether the patient had sepsis.",
        )
        .await?;
        self.demo_mark(&assessors, &practice, e.id, &[1, 0]).await?;
        // Single-marked and rejected; the learner may appeal.

        let who = learner(9);
        let e = submit(who.clone(), &audit, a, "Cardiology ward audit", narrative).await?;
        self.demo_mark(&assessors, &audit, e.id, &pass).await?;
        self.demo_mark(&assessors, &audit, e.id, &[2, 2, 1, 1])
            .await?;
        // Both passed it within the tolerance: accepted, and the micro-credential awarded.
        Ok(self.my_awards(&who).await?.len())
    }

    /// Demo: whoever holds the open review of the evidence marks it at these levels.
    async fn demo_mark(
        &self,
        assessors: &[Uuid],
        rubric: &RubricInfo,
        evidence: Uuid,
        levels: &[usize],
    ) -> Result<()> {
        let open = self
            .store
            .reader()
            .await?
            .conn()
            .reviews_of_evidence(evidence)
            .await?
            .into_iter()
            .find(|r| r.submitted_at.is_none())
            .ok_or_else(|| {
                AppError::Internal(format!("demo evidence {evidence} has no open review"))
            })?;
        if !assessors.contains(&open.assessor_id) {
            return Err(AppError::Internal(
                "demo review assigned outside the council".into(),
            ));
        }
        let by = Principal {
            kind: cairn_core::PrincipalKind::User {
                user_id: open.assessor_id,
            },
            is_operator: false,
            grants: vec![(rubric.org_id, Role::Assessor)],
        };
        let marks = rubric
            .rubric
            .criteria
            .iter()
            .zip(levels)
            .map(|(c, level)| Mark {
                criterion_id: c.id,
                level: *level,
                comment: None,
            })
            .collect();
        self.submit_review(&by, open.id, marks).await?;
        Ok(())
    }
}
