//! Storage for rubrics, performance evidence (with its files) and reviews.
//!
//! Every change of an evidence's status is conditional on the status it is expected to
//! leave, and a review is submitted only while it is still open, so two requests racing on
//! the same evidence cannot both move it (the loser changes nothing and is told so).

use time::OffsetDateTime;
use uuid::Uuid;

use crate::conn::{Conn, on};
use crate::{Result, StoreError};

/// A rubric as stored; `content` is the JSON of `cairn_core::review::Rubric`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RubricRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub title: String,
    pub content: String,
    pub created_at: OffsetDateTime,
}

/// A piece of evidence as stored. JSON columns: `links` (array of strings), `policy`
/// (`ReviewPolicy`), `decision` (`Decision`); `status` is an `EvidenceStatus` in snake_case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceRow {
    pub id: Uuid,
    pub learner_id: Uuid,
    pub rubric_id: Uuid,
    pub achievement_id: Option<Uuid>,
    pub org_id: Uuid,
    pub title: String,
    pub narrative: String,
    pub links: String,
    pub status: String,
    pub policy: String,
    pub decision: Option<String>,
    pub accepted: Option<bool>,
    pub submitted_at: OffsetDateTime,
    pub decided_at: Option<OffsetDateTime>,
    pub appeal_reason: Option<String>,
}

macro_rules! evidence_columns {
    () => {
        "e.id, e.learner_id, e.rubric_id, e.achievement_id, e.org_id, e.title, e.narrative, e.links, e.status, e.policy, e.decision, e.accepted, e.submitted_at, e.decided_at, e.appeal_reason"
    };
}

/// A file of a piece of evidence, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceFileMeta {
    pub id: Uuid,
    pub evidence_id: Uuid,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

/// A file of a piece of evidence with its bytes, for storing and downloading.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceFileRow {
    #[sqlx(flatten)]
    pub meta: EvidenceFileMeta,
    pub bytes: Vec<u8>,
}

/// One review of a piece of evidence at one stage. `stage` is a `ReviewStage` in snake_case;
/// `marks` and `score` are JSON, set once submitted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewRow {
    pub id: Uuid,
    pub evidence_id: Uuid,
    pub stage: String,
    pub assessor_id: Uuid,
    pub assigned_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
    pub marks: Option<String>,
    pub score: Option<String>,
}

macro_rules! review_columns {
    () => {
        "r.id, r.evidence_id, r.stage, r.assessor_id, r.assigned_at, r.submitted_at, r.marks, r.score"
    };
}

/// An assessor of an organization with what assignment needs to know about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessorCandidate {
    pub user_id: Uuid,
    pub organizations: Vec<Uuid>,
    pub open_reviews: i64,
}

/// An open review in an assessor's queue, with what the queue shows of its evidence.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueRow {
    #[sqlx(flatten)]
    pub review: ReviewRow,
    pub evidence_title: String,
    pub learner_name: String,
    pub rubric_title: String,
}

/// Evidence of an organization waiting at a stage nobody has been assigned to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnassignedRow {
    #[sqlx(flatten)]
    pub evidence: EvidenceRow,
    pub learner_name: String,
    pub rubric_title: String,
}

/// The first and second markers' scores (JSON) of one double-marked piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DoubleMarkedRow {
    pub evidence_id: Uuid,
    pub first_score: String,
    pub second_score: String,
}

/// The review stage each waiting status is waiting for, as SQL over `e.status`.
macro_rules! awaited_stage {
    () => {
        "CASE e.status WHEN 'awaiting_first_marker' THEN 'first_marking' WHEN 'awaiting_second_marker' THEN 'second_marking' \
         WHEN 'awaiting_adjudication' THEN 'adjudication' WHEN 'under_appeal' THEN 'appeal' END"
    };
}

fn affected(r: std::result::Result<u64, sqlx::Error>) -> Result<bool> {
    Ok(r? > 0)
}

impl Conn<'_> {
    pub async fn insert_rubric(&mut self, r: &RubricRow) -> Result<()> {
        let q = "INSERT INTO rubrics (id, org_id, title, content, created_at) VALUES ($1, $2, $3, $4, $5)";
        on!(self, |c| sqlx::query(q)
            .bind(r.id)
            .bind(r.org_id)
            .bind(&r.title)
            .bind(&r.content)
            .bind(r.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("a rubric with this id"))?;
        Ok(())
    }

    pub async fn rubric_by_id(&mut self, id: Uuid) -> Result<Option<RubricRow>> {
        let q = "SELECT id, org_id, title, content, created_at FROM rubrics WHERE id = $1";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    pub async fn rubrics_of_org(&mut self, org: Uuid) -> Result<Vec<RubricRow>> {
        let q = "SELECT id, org_id, title, content, created_at FROM rubrics WHERE org_id = $1 ORDER BY LOWER(title), id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .fetch_all(c)
            .await)?)
    }

    /// Rubrics of every organization, by organization and title, at most `limit`.
    pub async fn all_rubrics(&mut self, limit: i64) -> Result<Vec<RubricRow>> {
        let q = "SELECT id, org_id, title, content, created_at FROM rubrics ORDER BY org_id, LOWER(title), id LIMIT $1";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    pub async fn insert_evidence(&mut self, e: &EvidenceRow) -> Result<()> {
        let q = "INSERT INTO evidence (id, learner_id, rubric_id, achievement_id, org_id, title, narrative, links, status, policy, decision, accepted, submitted_at, decided_at, appeal_reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
        on!(self, |c| sqlx::query(q)
            .bind(e.id)
            .bind(e.learner_id)
            .bind(e.rubric_id)
            .bind(e.achievement_id)
            .bind(e.org_id)
            .bind(&e.title)
            .bind(&e.narrative)
            .bind(&e.links)
            .bind(&e.status)
            .bind(&e.policy)
            .bind(&e.decision)
            .bind(e.accepted)
            .bind(e.submitted_at)
            .bind(e.decided_at)
            .bind(&e.appeal_reason)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn evidence_by_id(&mut self, id: Uuid) -> Result<Option<EvidenceRow>> {
        let q = concat!(
            "SELECT ",
            evidence_columns!(),
            " FROM evidence e WHERE e.id = $1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// A learner's evidence, newest first.
    pub async fn evidence_of_learner(&mut self, learner: Uuid) -> Result<Vec<EvidenceRow>> {
        let q = concat!(
            "SELECT ",
            evidence_columns!(),
            " FROM evidence e WHERE e.learner_id = $1 ORDER BY e.submitted_at DESC, e.id DESC"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(learner)
            .fetch_all(c)
            .await)?)
    }

    /// Move evidence from one status to another; false when it was no longer in `from`.
    pub async fn set_evidence_status(&mut self, id: Uuid, from: &str, to: &str) -> Result<bool> {
        let q = "UPDATE evidence SET status = $3 WHERE id = $1 AND status = $2";
        affected(on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(from)
            .bind(to)
            .execute(c)
            .await
            .map(|r| r.rows_affected())))
    }

    /// Record the decision on evidence that is still in `from`.
    pub async fn decide_evidence(
        &mut self,
        id: Uuid,
        from: &str,
        to: &str,
        decision: &str,
        accepted: bool,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE evidence SET status = $3, decision = $4, accepted = $5, decided_at = $6 WHERE id = $1 AND status = $2";
        affected(on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(from)
            .bind(to)
            .bind(decision)
            .bind(accepted)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected())))
    }

    /// Put a rejected piece of evidence under appeal; false unless it was rejected.
    pub async fn appeal_evidence(&mut self, id: Uuid, reason: &str) -> Result<bool> {
        let q = "UPDATE evidence SET status = 'under_appeal', appeal_reason = $2 WHERE id = $1 AND status = 'rejected' AND appeal_reason IS NULL";
        affected(on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(reason)
            .execute(c)
            .await
            .map(|r| r.rows_affected())))
    }

    pub async fn insert_evidence_file(&mut self, f: &EvidenceFileRow) -> Result<()> {
        let q = "INSERT INTO evidence_files (id, evidence_id, name, media_type, size, sha256, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        on!(self, |c| sqlx::query(q)
            .bind(f.meta.id)
            .bind(f.meta.evidence_id)
            .bind(&f.meta.name)
            .bind(&f.meta.media_type)
            .bind(f.meta.size)
            .bind(&f.meta.sha256)
            .bind(&f.bytes)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The files of a piece of evidence, without their bytes, in the order given.
    pub async fn evidence_files(&mut self, evidence: Uuid) -> Result<Vec<EvidenceFileMeta>> {
        let q = "SELECT id, evidence_id, name, media_type, size, sha256 FROM evidence_files WHERE evidence_id = $1 ORDER BY id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(evidence)
            .fetch_all(c)
            .await)?)
    }

    pub async fn evidence_file(
        &mut self,
        evidence: Uuid,
        file: Uuid,
    ) -> Result<Option<EvidenceFileRow>> {
        let q = "SELECT id, evidence_id, name, media_type, size, sha256, bytes FROM evidence_files WHERE evidence_id = $1 AND id = $2";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(evidence)
            .bind(file)
            .fetch_optional(c)
            .await)?)
    }

    /// Assign a review; false when the stage already has an assessor.
    pub async fn insert_review(&mut self, r: &ReviewRow) -> Result<bool> {
        let q = "INSERT INTO reviews (id, evidence_id, stage, assessor_id, assigned_at, submitted_at, marks, score) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (evidence_id, stage) DO NOTHING";
        affected(on!(self, |c| sqlx::query(q)
            .bind(r.id)
            .bind(r.evidence_id)
            .bind(&r.stage)
            .bind(r.assessor_id)
            .bind(r.assigned_at)
            .bind(r.submitted_at)
            .bind(&r.marks)
            .bind(&r.score)
            .execute(c)
            .await
            .map(|r| r.rows_affected())))
    }

    /// Record an assessor's marks; false when the review was already submitted.
    pub async fn submit_review(
        &mut self,
        id: Uuid,
        marks: &str,
        score: &str,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE reviews SET marks = $2, score = $3, submitted_at = $4 WHERE id = $1 AND submitted_at IS NULL";
        affected(on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(marks)
            .bind(score)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected())))
    }

    pub async fn review_by_id(&mut self, id: Uuid) -> Result<Option<ReviewRow>> {
        let q = concat!(
            "SELECT ",
            review_columns!(),
            " FROM reviews r WHERE r.id = $1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// Every review of a piece of evidence, in the order they were assigned.
    pub async fn reviews_of_evidence(&mut self, evidence: Uuid) -> Result<Vec<ReviewRow>> {
        let q = concat!(
            "SELECT ",
            review_columns!(),
            " FROM reviews r WHERE r.evidence_id = $1 ORDER BY r.assigned_at, r.id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(evidence)
            .fetch_all(c)
            .await)?)
    }

    /// The organization's assessors, each with every organization they belong to and how
    /// many reviews they have open (anywhere), ordered by id.
    pub async fn assessor_candidates(&mut self, org: Uuid) -> Result<Vec<AssessorCandidate>> {
        let q = "SELECT m.user_id, (SELECT COUNT(*) FROM reviews r WHERE r.assessor_id = m.user_id AND r.submitted_at IS NULL) AS open_reviews \
                 FROM memberships m WHERE m.org_id = $1 AND m.role = 'assessor' ORDER BY m.user_id";
        let rows: Vec<(Uuid, i64)> = on!(self, |c| sqlx::query_as(q).bind(org).fetch_all(c).await)?;
        let q = "SELECT DISTINCT o.user_id, o.org_id FROM memberships o \
                 WHERE o.user_id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = $1 AND m.role = 'assessor') \
                 ORDER BY o.user_id, o.org_id";
        let orgs: Vec<(Uuid, Uuid)> =
            on!(self, |c| sqlx::query_as(q).bind(org).fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|(user_id, open_reviews)| AssessorCandidate {
                user_id,
                organizations: orgs
                    .iter()
                    .filter(|(u, _)| *u == user_id)
                    .map(|(_, o)| *o)
                    .collect(),
                open_reviews,
            })
            .collect())
    }

    /// The organizations a person belongs to, in any role.
    pub async fn org_ids_of_user(&mut self, user: Uuid) -> Result<Vec<Uuid>> {
        let q = "SELECT DISTINCT org_id FROM memberships WHERE user_id = $1 ORDER BY org_id";
        let rows: Vec<(Uuid,)> = on!(self, |c| sqlx::query_as(q).bind(user).fetch_all(c).await)?;
        Ok(rows.into_iter().map(|(o,)| o).collect())
    }

    /// Reviews assigned to an assessor and not yet submitted, oldest first.
    pub async fn open_reviews_of(&mut self, assessor: Uuid) -> Result<Vec<QueueRow>> {
        let q = concat!(
            "SELECT ",
            review_columns!(),
            ", e.title AS evidence_title, u.display_name AS learner_name, b.title AS rubric_title \
             FROM reviews r JOIN evidence e ON e.id = r.evidence_id JOIN users u ON u.id = e.learner_id \
             JOIN rubrics b ON b.id = e.rubric_id \
             WHERE r.assessor_id = $1 AND r.submitted_at IS NULL ORDER BY r.assigned_at, r.id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(assessor)
            .fetch_all(c)
            .await)?)
    }

    /// Evidence of the organization waiting for a review that nobody has been assigned.
    pub async fn unassigned_evidence(&mut self, org: Uuid) -> Result<Vec<UnassignedRow>> {
        let q = concat!(
            "SELECT ",
            evidence_columns!(),
            ", u.display_name AS learner_name, b.title AS rubric_title \
             FROM evidence e JOIN users u ON u.id = e.learner_id JOIN rubrics b ON b.id = e.rubric_id \
             WHERE e.org_id = $1 AND e.status IN ('awaiting_first_marker','awaiting_second_marker','awaiting_adjudication','under_appeal') \
             AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.evidence_id = e.id AND r.stage = ",
            awaited_stage!(),
            ") ORDER BY e.submitted_at, e.id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .fetch_all(c)
            .await)?)
    }

    /// Every piece of the organization's evidence that both markers have scored.
    pub async fn double_marked(&mut self, org: Uuid) -> Result<Vec<DoubleMarkedRow>> {
        let q = "SELECT e.id AS evidence_id, f.score AS first_score, s.score AS second_score \
                 FROM evidence e \
                 JOIN reviews f ON f.evidence_id = e.id AND f.stage = 'first_marking' AND f.score IS NOT NULL \
                 JOIN reviews s ON s.evidence_id = e.id AND s.stage = 'second_marking' AND s.score IS NOT NULL \
                 WHERE e.org_id = $1 ORDER BY e.submitted_at, e.id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .fetch_all(c)
            .await)?)
    }
}
