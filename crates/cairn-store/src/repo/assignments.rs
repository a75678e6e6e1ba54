//! Assignments: learning a manager asks a worker to do by a date. Whether one is done is
//! judged from the learning records (a completed module, a passed attempt, a valid
//! credential); `completed_at` records when that was first seen.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::stacks::whole_seconds;
use crate::conn::{Conn, on};
use crate::{Result, StoreError};

/// An assignment to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignmentRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub user_id: Uuid,
    /// module, assessment or achievement.
    pub target_kind: String,
    pub target_id: Uuid,
    pub due_on: Date,
    pub team_id: Option<Uuid>,
    pub note: Option<String>,
    pub assigned_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
}

/// An assignment as listed: with the worker's name, a team and the target's title.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssignmentRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub org_slug: String,
    pub org_name: String,
    pub user_id: Uuid,
    pub worker_name: String,
    pub worker_email: Option<String>,
    /// The team it was assigned through, else the first of the worker's teams by name.
    pub team_name: Option<String>,
    pub target_kind: String,
    pub target_id: Uuid,
    /// None when the target no longer exists.
    pub target_title: Option<String>,
    pub due_on: Date,
    pub note: Option<String>,
    pub assigned_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub completed_at: Option<OffsetDateTime>,
    pub cancelled_at: Option<OffsetDateTime>,
    pub overdue_notified: bool,
}

/// Which assignments of an organization to list. Cancelled ones are never listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentQuery {
    /// Only workers in this team.
    pub team: Option<Uuid>,
    pub user: Option<Uuid>,
    /// open, overdue or done; open and overdue are judged against `today`.
    pub state: Option<String>,
    pub today: Option<Date>,
    pub limit: i64,
}

/// One team's assignments, counted for a progress bar. Cancelled ones do not count.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamProgressRow {
    pub team_id: Uuid,
    pub team_name: String,
    pub assigned: i64,
    pub done: i64,
    pub overdue: i64,
}

macro_rules! assignment_select {
    () => {
        "SELECT a.id, a.org_id, o.slug AS org_slug, o.name AS org_name, a.user_id, \
         u.display_name AS worker_name, \
         (SELECT e.address FROM user_emails e WHERE e.user_id = a.user_id AND e.is_primary) AS worker_email, \
         COALESCE((SELECT t.name FROM teams t WHERE t.id = a.team_id), \
             (SELECT MIN(t.name) FROM teams t JOIN team_members tm ON tm.team_id = t.id \
              WHERE t.org_id = a.org_id AND tm.user_id = a.user_id)) AS team_name, \
         a.target_kind, a.target_id, \
         CASE a.target_kind \
             WHEN 'module' THEN (SELECT v.title FROM modules m JOIN module_versions v ON v.id = m.current_version_id WHERE m.id = a.target_id) \
             WHEN 'assessment' THEN (SELECT s.title FROM assessments s WHERE s.id = a.target_id) \
             ELSE (SELECT h.name FROM achievements h WHERE h.id = a.target_id) END AS target_title, \
         a.due_on, a.note, a.assigned_by, a.created_at, a.completed_at, a.cancelled_at, a.overdue_notified \
         FROM assignments a JOIN users u ON u.id = a.user_id JOIN organizations o ON o.id = a.org_id "
    };
}

/// When the learning records first show the assignment done, or NULL: the module
/// completed, an attempt at the assessment passed, or a valid credential for the
/// achievement held (at `$3`).
macro_rules! done_at {
    () => {
        "CASE assignments.target_kind \
         WHEN 'module' THEN (SELECT MIN(p.completed_at) FROM lesson_progress p JOIN module_versions v ON v.id = p.version_id \
             WHERE p.user_id = assignments.user_id AND v.module_id = assignments.target_id AND p.completed_at IS NOT NULL) \
         WHEN 'assessment' THEN (SELECT MIN(t.submitted_at) FROM attempts t \
             WHERE t.learner_id = assignments.user_id AND t.assessment_id = assignments.target_id AND t.passed) \
         ELSE (SELECT MIN(c.issued_at) FROM credentials c \
             WHERE c.recipient_user = assignments.user_id AND c.achievement_id = assignments.target_id \
             AND c.revoked_at IS NULL AND c.suspended_at IS NULL AND (c.valid_until IS NULL OR c.valid_until > $3)) END"
    };
}

impl Conn<'_> {
    /// Store an assignment unless the worker already has an open one of the same target
    /// in the organization. Whether it was stored.
    pub async fn insert_assignment(&mut self, a: &NewAssignmentRow) -> Result<bool> {
        let q = "INSERT INTO assignments (id, org_id, user_id, target_kind, target_id, due_on, team_id, note, assigned_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (org_id, user_id, target_kind, target_id) \
                 WHERE cancelled_at IS NULL AND completed_at IS NULL DO NOTHING";
        let n = on!(self, |c| sqlx::query(q)
            .bind(a.id)
            .bind(a.org_id)
            .bind(a.user_id)
            .bind(&a.target_kind)
            .bind(a.target_id)
            .bind(a.due_on)
            .bind(a.team_id)
            .bind(&a.note)
            .bind(a.assigned_by)
            .bind(a.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(|e| match e.as_database_error() {
            Some(d) if d.is_foreign_key_violation() => StoreError::NotFound("worker or team"),
            _ => StoreError::Database(e),
        })?;
        Ok(n == 1)
    }

    /// One assignment of `org`, cancelled or not.
    pub async fn assignment(&mut self, org: Uuid, id: Uuid) -> Result<Option<AssignmentRow>> {
        let q = concat!(assignment_select!(), "WHERE a.org_id = $1 AND a.id = $2");
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// Cancel an open assignment. Whether it was open.
    pub async fn cancel_assignment(
        &mut self,
        org: Uuid,
        id: Uuid,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE assignments SET cancelled_at = $3 WHERE org_id = $1 AND id = $2 \
                 AND cancelled_at IS NULL AND completed_at IS NULL";
        let n = on!(self, |c| sqlx::query(q)
            .bind(org)
            .bind(id)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The assignments of `org` that `q` selects, by due date then worker.
    pub async fn assignments_of_org(
        &mut self,
        org: Uuid,
        q: &AssignmentQuery,
    ) -> Result<Vec<AssignmentRow>> {
        let sql = concat!(
            assignment_select!(),
            "WHERE a.org_id = $1 AND a.cancelled_at IS NULL \
             AND ($2 IS NULL OR EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = $2 AND tm.user_id = a.user_id)) \
             AND ($3 IS NULL OR a.user_id = $3) \
             AND ($4 IS NULL \
                  OR ($4 = 'done' AND a.completed_at IS NOT NULL) \
                  OR ($4 = 'open' AND a.completed_at IS NULL AND a.due_on >= $5) \
                  OR ($4 = 'overdue' AND a.completed_at IS NULL AND a.due_on < $5)) \
             ORDER BY a.due_on, u.display_name, a.id LIMIT $6"
        );
        let today = q.today.unwrap_or_else(|| OffsetDateTime::now_utc().date());
        Ok(on!(self, |c| sqlx::query_as(sql)
            .bind(org)
            .bind(q.team)
            .bind(q.user)
            .bind(q.state.as_deref())
            .bind(today)
            .bind(q.limit)
            .fetch_all(c)
            .await)?)
    }

    /// A worker's assignments in every organization, cancelled ones left out, by due date.
    pub async fn assignments_of_user(&mut self, user: Uuid) -> Result<Vec<AssignmentRow>> {
        let q = concat!(
            assignment_select!(),
            "WHERE a.user_id = $1 AND a.cancelled_at IS NULL ORDER BY a.due_on, a.id LIMIT 1000"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(user)
            .fetch_all(c)
            .await)?)
    }

    /// Open assignments, of any organization, due before `today` whose worker has not been
    /// told they are overdue; oldest due first.
    pub async fn overdue_unnotified(
        &mut self,
        today: Date,
        limit: i64,
    ) -> Result<Vec<AssignmentRow>> {
        let q = concat!(
            assignment_select!(),
            "WHERE a.completed_at IS NULL AND a.cancelled_at IS NULL AND a.overdue_notified = $2 \
             AND a.due_on < $1 ORDER BY a.due_on, a.id LIMIT $3"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(today)
            .bind(false)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    /// Record that the worker was told the assignment is overdue. False when someone
    /// already did (another server's pass), so each is told once.
    pub async fn mark_overdue_notified(&mut self, id: Uuid) -> Result<bool> {
        let q =
            "UPDATE assignments SET overdue_notified = $2 WHERE id = $1 AND overdue_notified = $3";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(true)
            .bind(false)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Set `completed_at` on the open assignments (of one organization and/or one worker,
    /// or all when both are none) that the learning records now show done, to when they
    /// were done. Returns how many.
    pub async fn record_completed_assignments(
        &mut self,
        org: Option<Uuid>,
        user: Option<Uuid>,
        at: OffsetDateTime,
    ) -> Result<u64> {
        let q = concat!(
            "UPDATE assignments SET completed_at = (",
            done_at!(),
            ") WHERE completed_at IS NULL AND cancelled_at IS NULL \
             AND ($1 IS NULL OR org_id = $1) AND ($2 IS NULL OR user_id = $2) AND (",
            done_at!(),
            ") IS NOT NULL"
        );
        Ok(on!(self, |c| sqlx::query(q)
            .bind(org)
            .bind(user)
            .bind(whole_seconds(at))
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?)
    }

    /// Per team of `org`: its members' assignments in `org`, done and overdue at `today`.
    pub async fn team_progress(&mut self, org: Uuid, today: Date) -> Result<Vec<TeamProgressRow>> {
        let q = "SELECT t.id AS team_id, t.name AS team_name, COUNT(a.id) AS assigned, \
                 COALESCE(SUM(CASE WHEN a.completed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS done, \
                 COALESCE(SUM(CASE WHEN a.id IS NOT NULL AND a.completed_at IS NULL AND a.due_on < $2 THEN 1 ELSE 0 END), 0) AS overdue \
                 FROM teams t LEFT JOIN team_members tm ON tm.team_id = t.id \
                 LEFT JOIN assignments a ON a.user_id = tm.user_id AND a.org_id = t.org_id AND a.cancelled_at IS NULL \
                 WHERE t.org_id = $1 GROUP BY t.id, t.name ORDER BY t.name";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(today)
            .fetch_all(c)
            .await)?)
    }

    /// Whether the person holds any membership in `org`.
    pub async fn is_member_of(&mut self, org: Uuid, user: Uuid) -> Result<bool> {
        let q = "SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND user_id = $2";
        let n: i64 = on!(self, |c| sqlx::query_scalar(q)
            .bind(org)
            .bind(user)
            .fetch_one(c)
            .await)?;
        Ok(n > 0)
    }

    /// Whether the person is in the team.
    pub async fn is_team_member(&mut self, team: Uuid, user: Uuid) -> Result<bool> {
        let q = "SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id = $2";
        let n: i64 = on!(self, |c| sqlx::query_scalar(q)
            .bind(team)
            .bind(user)
            .fetch_one(c)
            .await)?;
        Ok(n > 0)
    }

    /// The title of what may be assigned: a published module (its current version's
    /// title), a published assessment, or any achievement. None when there is no such
    /// thing, or it is not published.
    pub async fn assignable_title(&mut self, kind: &str, id: Uuid) -> Result<Option<String>> {
        let q = match kind {
            "module" => {
                "SELECT v.title FROM modules m JOIN module_versions v ON v.id = m.current_version_id \
                 WHERE m.id = $1 AND v.state = 'published'"
            }
            "assessment" => "SELECT title FROM assessments WHERE id = $1 AND state = 'published'",
            "achievement" => "SELECT name FROM achievements WHERE id = $1",
            _ => return Ok(None),
        };
        Ok(on!(self, |c| sqlx::query_scalar(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// What may be assigned whose title is exactly `title` (at most 10).
    pub async fn assignables_titled(&mut self, kind: &str, title: &str) -> Result<Vec<Uuid>> {
        let q = match kind {
            "module" => {
                "SELECT m.id FROM modules m JOIN module_versions v ON v.id = m.current_version_id \
                 WHERE v.title = $1 AND v.state = 'published' ORDER BY m.id LIMIT 10"
            }
            "assessment" => {
                "SELECT id FROM assessments WHERE title = $1 AND state = 'published' ORDER BY id LIMIT 10"
            }
            "achievement" => "SELECT id FROM achievements WHERE name = $1 ORDER BY id LIMIT 10",
            _ => return Ok(Vec::new()),
        };
        Ok(on!(self, |c| sqlx::query_scalar(q)
            .bind(title)
            .fetch_all(c)
            .await)?)
    }
}
