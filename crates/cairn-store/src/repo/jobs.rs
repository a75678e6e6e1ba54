//! Long operations: a record of each, moved forward by the chunks of work it applies, so
//! its progress survives the request that started it and the server that ran it.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::Result;
use crate::conn::{Conn, on};

/// A job to store; it starts queued with nothing done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJobRow {
    pub id: Uuid,
    /// workers.import, assignments.import, credentials.bulk_award or icd11.import.
    pub kind: String,
    pub org_id: Option<Uuid>,
    pub started_by: Option<Uuid>,
    pub label: String,
    pub total: i64,
    pub created_at: OffsetDateTime,
}

/// A job as stored, with its organization's slug and name when it has one.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRow {
    pub id: Uuid,
    pub kind: String,
    pub org_id: Option<Uuid>,
    pub org_slug: Option<String>,
    pub org_name: Option<String>,
    pub started_by: Option<Uuid>,
    pub label: String,
    /// queued, running, succeeded, failed or interrupted.
    pub state: String,
    pub total: i64,
    pub done: i64,
    /// A JSON object: what has been applied so far.
    pub result: String,
    pub error: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

macro_rules! job_select {
    () => {
        "SELECT j.id, j.kind, j.org_id, o.slug AS org_slug, o.name AS org_name, \
         j.started_by, j.label, j.state, j.total, j.done, j.result, j.error, j.created_at, \
         j.updated_at, j.finished_at FROM jobs j LEFT JOIN organizations o ON o.id = j.org_id "
    };
}

impl Conn<'_> {
    pub async fn insert_job(&mut self, j: &NewJobRow) -> Result<()> {
        let q = "INSERT INTO jobs (id, kind, org_id, started_by, label, state, total, done, result, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 'queued', $6, 0, '{}', $7, $7)";
        on!(self, |c| sqlx::query(q)
            .bind(j.id)
            .bind(&j.kind)
            .bind(j.org_id)
            .bind(j.started_by)
            .bind(&j.label)
            .bind(j.total)
            .bind(j.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn job(&mut self, id: Uuid) -> Result<Option<JobRow>> {
        let q = concat!(job_select!(), "WHERE j.id = $1");
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// The jobs a person started, newest first.
    pub async fn jobs_started_by(&mut self, user: Uuid, limit: i64) -> Result<Vec<JobRow>> {
        let q = concat!(
            job_select!(),
            "WHERE j.started_by = $1 ORDER BY j.created_at DESC, j.id LIMIT $2"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(user)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    /// Queued → running. Whether it was queued.
    pub async fn start_job(&mut self, id: Uuid, at: OffsetDateTime) -> Result<bool> {
        let q =
            "UPDATE jobs SET state = 'running', updated_at = $2 WHERE id = $1 AND state = 'queued'";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Record how far a running job got and what it applied; call it in the transaction
    /// that applied the work. Whether the job was still running.
    pub async fn record_job_progress(
        &mut self,
        id: Uuid,
        done: i64,
        result: &str,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE jobs SET done = $2, result = $3, updated_at = $4 WHERE id = $1 AND state = 'running'";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(done)
            .bind(result)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// End an unfinished job as succeeded, failed or interrupted, keeping `done` and
    /// `result` unless given. Whether it was unfinished.
    pub async fn finish_job(
        &mut self,
        id: Uuid,
        state: &str,
        result: Option<&str>,
        error: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE jobs SET state = $2, result = COALESCE($3, result), error = $4, \
                 updated_at = $5, finished_at = $5 \
                 WHERE id = $1 AND state IN ('queued','running')";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(state)
            .bind(result)
            .bind(error)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Jobs still queued or running whose last progress is older than `before` (every
    /// unfinished job when None).
    pub async fn unfinished_jobs(&mut self, before: Option<OffsetDateTime>) -> Result<Vec<JobRow>> {
        let q = concat!(
            job_select!(),
            "WHERE j.state IN ('queued','running') AND ($1 IS NULL OR j.updated_at < $1) \
             ORDER BY j.created_at LIMIT 1000"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(before)
            .fetch_all(c)
            .await)?)
    }

    /// Whether `user` holds a credential for `achievement` that is valid at `at`: not
    /// revoked, not suspended, not expired.
    pub async fn holds_valid_credential(
        &mut self,
        user: Uuid,
        achievement: Uuid,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "SELECT EXISTS (SELECT 1 FROM credentials c WHERE c.recipient_user = $1 \
                 AND c.achievement_id = $2 AND c.revoked_at IS NULL AND c.suspended_at IS NULL \
                 AND (c.valid_until IS NULL OR c.valid_until > $3))";
        Ok(on!(self, |c| sqlx::query_scalar(q)
            .bind(user)
            .bind(achievement)
            .bind(at)
            .fetch_one(c)
            .await)?)
    }
}
