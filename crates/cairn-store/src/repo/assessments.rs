//! Storage for item banks, assessments and attempts.
//!
//! Item versions are frozen by the database; an edit inserts the next version and moves the
//! item's `current_version`. An attempt is submitted by a conditional update on
//! `submitted_at IS NULL`, so of two racing submissions exactly one scores.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::conn::{Conn, on};
use crate::{Result, StoreError};

/// An item of a provider's bank as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub current_version: i32,
    pub retired_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// One version of an item; `content` is the JSON of `cairn_core::assessment::ItemContent`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemVersionRow {
    pub item_id: Uuid,
    pub version: i32,
    pub competency: String,
    pub difficulty: String,
    pub item_type: String,
    pub content: String,
    pub content_hash: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

/// An item's current version with the item's own facts, as a bank lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BankItemRow {
    pub org_id: Uuid,
    pub retired_at: Option<OffsetDateTime>,
    #[sqlx(flatten)]
    pub version: ItemVersionRow,
}

/// Which of an organization's items to list.
#[derive(Debug, Clone, Default)]
pub struct BankQuery {
    pub competency: Option<String>,
    pub difficulty: Option<String>,
    pub include_retired: bool,
}

/// An assessment as stored; `rules` is the JSON of `cairn_core::assessment::Assessment`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssessmentRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub module_id: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub rules: String,
    pub state: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// An attempt as stored. `form` holds the answer keys: it must never be sent to a learner.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttemptRow {
    pub id: Uuid,
    pub assessment_id: Uuid,
    pub learner_id: Uuid,
    pub number: i32,
    pub rules: String,
    pub form: String,
    pub started_at: OffsetDateTime,
    pub deadline: Option<OffsetDateTime>,
    pub submitted_at: Option<OffsetDateTime>,
    pub responses: Option<String>,
    pub result: Option<String>,
    pub passed: Option<bool>,
    pub percent_tenths: Option<i32>,
}

/// What a submission writes.
#[derive(Debug, Clone)]
pub struct AttemptScore<'a> {
    pub submitted_at: OffsetDateTime,
    pub responses: &'a str,
    pub result: &'a str,
    pub passed: bool,
    pub percent_tenths: i32,
}

macro_rules! version_columns {
    () => {
        "v.item_id, v.version, v.competency, v.difficulty, v.item_type, v.content, v.content_hash, v.created_by, v.created_at"
    };
}

macro_rules! assessment_columns {
    () => {
        "id, org_id, module_id, title, description, rules, state, created_at, updated_at"
    };
}

macro_rules! attempt_columns {
    () => {
        "id, assessment_id, learner_id, number, rules, form, started_at, deadline, submitted_at, responses, result, passed, percent_tenths"
    };
}

impl Conn<'_> {
    pub async fn insert_item(&mut self, i: &ItemRow) -> Result<()> {
        let q = "INSERT INTO items (id, org_id, current_version, retired_at, created_at) VALUES ($1, $2, $3, $4, $5)";
        on!(self, |c| sqlx::query(q)
            .bind(i.id)
            .bind(i.org_id)
            .bind(i.current_version)
            .bind(i.retired_at)
            .bind(i.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("this item"))?;
        Ok(())
    }

    pub async fn insert_item_version(&mut self, v: &ItemVersionRow) -> Result<()> {
        let q = "INSERT INTO item_versions (item_id, version, competency, difficulty, item_type, content, content_hash, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        on!(self, |c| sqlx::query(q)
            .bind(v.item_id)
            .bind(v.version)
            .bind(&v.competency)
            .bind(&v.difficulty)
            .bind(&v.item_type)
            .bind(&v.content)
            .bind(&v.content_hash)
            .bind(&v.created_by)
            .bind(v.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("this item version"))?;
        Ok(())
    }

    /// Make `version` the item's current one, if `previous` still is: two editors racing
    /// cannot both believe their edit followed the same version. False when it moved.
    pub async fn advance_item_version(
        &mut self,
        item: Uuid,
        previous: i32,
        version: i32,
    ) -> Result<bool> {
        let q = "UPDATE items SET current_version = $3 WHERE id = $1 AND current_version = $2";
        let n = on!(self, |c| sqlx::query(q)
            .bind(item)
            .bind(previous)
            .bind(version)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Retire an item (it stays for the attempts that used it). False when already retired.
    pub async fn retire_item(&mut self, item: Uuid, at: OffsetDateTime) -> Result<bool> {
        let q = "UPDATE items SET retired_at = $2 WHERE id = $1 AND retired_at IS NULL";
        let n = on!(self, |c| sqlx::query(q)
            .bind(item)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn item_by_id(&mut self, id: Uuid) -> Result<Option<ItemRow>> {
        let q =
            "SELECT id, org_id, current_version, retired_at, created_at FROM items WHERE id = $1";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// Every version of an item, newest first.
    pub async fn item_versions(&mut self, item: Uuid) -> Result<Vec<ItemVersionRow>> {
        let q = concat!(
            "SELECT ",
            version_columns!(),
            " FROM item_versions v WHERE v.item_id = $1 ORDER BY v.version DESC"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(item)
            .fetch_all(c)
            .await)?)
    }

    /// The current version of each of an organization's items, by competency, difficulty
    /// and id (the order is fixed so listings are stable; drawing sorts on its own).
    pub async fn bank_items(&mut self, org: Uuid, q: &BankQuery) -> Result<Vec<BankItemRow>> {
        let sql = concat!(
            "SELECT i.org_id, i.retired_at, ",
            version_columns!(),
            " FROM items i JOIN item_versions v ON v.item_id = i.id AND v.version = i.current_version \
             WHERE i.org_id = $1 AND ($2 IS NULL OR v.competency = $2) AND ($3 IS NULL OR v.difficulty = $3) \
             AND ($4 = TRUE OR i.retired_at IS NULL) \
             ORDER BY v.competency, v.difficulty, v.item_id"
        );
        Ok(on!(self, |c| sqlx::query_as(sql)
            .bind(org)
            .bind(&q.competency)
            .bind(&q.difficulty)
            .bind(q.include_retired)
            .fetch_all(c)
            .await)?)
    }

    pub async fn insert_assessment(&mut self, a: &AssessmentRow) -> Result<()> {
        let q = concat!(
            "INSERT INTO assessments (",
            assessment_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        on!(self, |c| sqlx::query(q)
            .bind(a.id)
            .bind(a.org_id)
            .bind(a.module_id)
            .bind(&a.title)
            .bind(&a.description)
            .bind(&a.rules)
            .bind(&a.state)
            .bind(a.created_at)
            .bind(a.updated_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("this assessment"))?;
        Ok(())
    }

    /// Write an assessment's title, description, module, rules and state.
    pub async fn update_assessment(&mut self, a: &AssessmentRow) -> Result<()> {
        let q = "UPDATE assessments SET module_id = $2, title = $3, description = $4, rules = $5, state = $6, updated_at = $7 WHERE id = $1";
        let n = on!(self, |c| sqlx::query(q)
            .bind(a.id)
            .bind(a.module_id)
            .bind(&a.title)
            .bind(&a.description)
            .bind(&a.rules)
            .bind(&a.state)
            .bind(a.updated_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound("assessment"));
        }
        Ok(())
    }

    pub async fn assessment_by_id(&mut self, id: Uuid) -> Result<Option<AssessmentRow>> {
        let q = concat!(
            "SELECT ",
            assessment_columns!(),
            " FROM assessments WHERE id = $1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// An organization's assessments by title; only published ones when `published_only`.
    pub async fn assessments_of_org(
        &mut self,
        org: Uuid,
        published_only: bool,
    ) -> Result<Vec<AssessmentRow>> {
        let q = concat!(
            "SELECT ",
            assessment_columns!(),
            " FROM assessments WHERE org_id = $1 AND ($2 = FALSE OR state = 'published') ORDER BY LOWER(title), id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(published_only)
            .fetch_all(c)
            .await)?)
    }

    /// The published assessments of a module, by title.
    pub async fn assessments_of_module(&mut self, module: Uuid) -> Result<Vec<AssessmentRow>> {
        let q = concat!(
            "SELECT ",
            assessment_columns!(),
            " FROM assessments WHERE module_id = $1 AND state = 'published' ORDER BY LOWER(title), id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(module)
            .fetch_all(c)
            .await)?)
    }

    /// Store a new attempt unless the learner already has one with its number (a racing
    /// start). True when stored; the loser learns so without an error, which PostgreSQL
    /// would otherwise turn into an aborted transaction.
    pub async fn insert_attempt(&mut self, a: &AttemptRow) -> Result<bool> {
        let q = concat!(
            "INSERT INTO attempts (",
            attempt_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (assessment_id, learner_id, number) DO NOTHING"
        );
        let n = on!(self, |c| sqlx::query(q)
            .bind(a.id)
            .bind(a.assessment_id)
            .bind(a.learner_id)
            .bind(a.number)
            .bind(&a.rules)
            .bind(&a.form)
            .bind(a.started_at)
            .bind(a.deadline)
            .bind(a.submitted_at)
            .bind(&a.responses)
            .bind(&a.result)
            .bind(a.passed)
            .bind(a.percent_tenths)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn attempt_by_id(&mut self, id: Uuid) -> Result<Option<AttemptRow>> {
        let q = concat!(
            "SELECT ",
            attempt_columns!(),
            " FROM attempts WHERE id = $1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// A learner's attempts at an assessment, first to last.
    pub async fn attempts_of_learner(
        &mut self,
        assessment: Uuid,
        learner: Uuid,
    ) -> Result<Vec<AttemptRow>> {
        let q = concat!(
            "SELECT ",
            attempt_columns!(),
            " FROM attempts WHERE assessment_id = $1 AND learner_id = $2 ORDER BY number"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(assessment)
            .bind(learner)
            .fetch_all(c)
            .await)?)
    }

    /// Every attempt at an assessment, newest first, at most `limit`.
    pub async fn attempts_at_assessment(
        &mut self,
        assessment: Uuid,
        limit: i64,
    ) -> Result<Vec<AttemptRow>> {
        let q = concat!(
            "SELECT ",
            attempt_columns!(),
            " FROM attempts WHERE assessment_id = $1 ORDER BY started_at DESC, id LIMIT $2"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(assessment)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    /// Record a submission if the attempt is still open. False when it was already
    /// submitted: the caller must not act on its own score then.
    pub async fn submit_attempt(&mut self, id: Uuid, s: &AttemptScore<'_>) -> Result<bool> {
        let q = "UPDATE attempts SET submitted_at = $2, responses = $3, result = $4, passed = $5, percent_tenths = $6 \
                 WHERE id = $1 AND submitted_at IS NULL";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(s.submitted_at)
            .bind(s.responses)
            .bind(s.result)
            .bind(s.passed)
            .bind(s.percent_tenths)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Test support: move an attempt's times into the past by `by`, as if it had started
    /// (and, if submitted, ended) that much earlier, so time limits and cooldowns can be
    /// tested without waiting.
    #[cfg(feature = "testing")]
    pub async fn backdate_attempt(&mut self, id: Uuid, by: time::Duration) -> Result<()> {
        let a = self
            .attempt_by_id(id)
            .await?
            .ok_or(StoreError::NotFound("attempt"))?;
        let q =
            "UPDATE attempts SET started_at = $2, deadline = $3, submitted_at = $4 WHERE id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(a.started_at - by)
            .bind(a.deadline.map(|d| d - by))
            .bind(a.submitted_at.map(|d| d - by))
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
