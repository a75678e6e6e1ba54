//! Storage for achievement rules' reverse index and the award outbox.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::Result;
use crate::conn::{Conn, on};

impl Conn<'_> {
    /// Record that an achievement's rule refers to an assessment, rubric or module.
    pub async fn add_rule_ref(&mut self, achievement: Uuid, kind: &str, id: Uuid) -> Result<()> {
        let q = "INSERT INTO achievement_rule_refs (achievement_id, ref_kind, ref_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        on!(self, |c| sqlx::query(q)
            .bind(achievement)
            .bind(kind)
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Achievements whose rule refers to this assessment, rubric or module.
    pub async fn achievements_referring_to(&mut self, kind: &str, id: Uuid) -> Result<Vec<Uuid>> {
        let q = "SELECT achievement_id FROM achievement_rule_refs WHERE ref_kind = $1 AND ref_id = $2 ORDER BY achievement_id";
        let rows: Vec<(Uuid,)> = on!(self, |c| sqlx::query_as(q)
            .bind(kind)
            .bind(id)
            .fetch_all(c)
            .await)?;
        Ok(rows.into_iter().map(|(a,)| a).collect())
    }
}

/// An award as stored. `evidence` and `result` are JSON written by the application.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AwardRow {
    pub id: Uuid,
    pub achievement_id: Uuid,
    pub learner_id: Uuid,
    pub org_id: Uuid,
    pub evidence: String,
    pub result: Option<String>,
    pub explanation: String,
    pub state: String,
    pub active: bool,
    pub credential_id: Option<Uuid>,
    pub tries: i32,
    pub last_error: Option<String>,
    pub decided_at: OffsetDateTime,
    pub issued_at: Option<OffsetDateTime>,
    /// rule, stack or renewal.
    pub basis: String,
    /// The award this one renews.
    pub renews: Option<Uuid>,
    /// Its credential is suspended because the stack no longer holds.
    pub auto_suspended: bool,
}

macro_rules! award_columns {
    () => {
        "id, achievement_id, learner_id, org_id, evidence, result, explanation, state, active, credential_id, tries, last_error, decided_at, issued_at, basis, renews, auto_suspended"
    };
}

/// A submitted attempt, as award rules count it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttemptFact {
    pub id: Uuid,
    pub assessment_id: Uuid,
    pub assessment_title: String,
    pub number: i32,
    pub passed: bool,
    pub percent_tenths: i32,
    pub submitted_at: OffsetDateTime,
}

/// A decided piece of evidence, as award rules count it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceFact {
    pub id: Uuid,
    pub rubric_id: Uuid,
    pub title: String,
    pub accepted: bool,
    pub decision: String,
    pub decided_at: OffsetDateTime,
}

/// A completed module version, as award rules count it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CompletionFact {
    pub version_id: Uuid,
    pub module_id: Uuid,
    pub number: i32,
    pub title: String,
    pub completed_at: OffsetDateTime,
}

impl Conn<'_> {
    /// Insert the award unless the learner already holds an active one for the achievement.
    /// Returns whether it was inserted. Racing transactions are settled by the partial
    /// unique index: the loser inserts nothing (and, on PostgreSQL, waits for the winner
    /// rather than failing, so its own transaction stays usable).
    pub async fn insert_award_if_none_active(&mut self, a: &AwardRow) -> Result<bool> {
        let q = "INSERT INTO awards (id, achievement_id, learner_id, org_id, evidence, result, explanation, state, active, credential_id, tries, last_error, decided_at, issued_at, basis, renews) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                 ON CONFLICT (achievement_id, learner_id) WHERE active DO NOTHING";
        let n = on!(self, |c| sqlx::query(q)
            .bind(a.id)
            .bind(a.achievement_id)
            .bind(a.learner_id)
            .bind(a.org_id)
            .bind(&a.evidence)
            .bind(&a.result)
            .bind(&a.explanation)
            .bind(&a.state)
            .bind(a.active)
            .bind(a.credential_id)
            .bind(a.tries)
            .bind(&a.last_error)
            .bind(a.decided_at)
            .bind(a.issued_at)
            .bind(&a.basis)
            .bind(a.renews)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn has_active_award(&mut self, achievement: Uuid, learner: Uuid) -> Result<bool> {
        let q = "SELECT id FROM awards WHERE achievement_id = $1 AND learner_id = $2 AND active";
        let row: Option<(Uuid,)> = on!(self, |c| sqlx::query_as(q)
            .bind(achievement)
            .bind(learner)
            .fetch_optional(c)
            .await)?;
        Ok(row.is_some())
    }

    pub async fn award(&mut self, id: Uuid) -> Result<Option<AwardRow>> {
        let q = concat!("SELECT ", award_columns!(), " FROM awards WHERE id = $1");
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// The pending award, locked for this transaction. On PostgreSQL a row another server
    /// is signing is skipped (None) rather than waited for; SQLite's write transaction is
    /// already exclusive. Either way the caller then sees the row only while it is pending.
    pub async fn lock_pending_award(&mut self, id: Uuid) -> Result<Option<AwardRow>> {
        match self {
            Conn::Sqlite(c) => {
                let q = concat!(
                    "SELECT ",
                    award_columns!(),
                    " FROM awards WHERE id = $1 AND state = 'pending' AND active"
                );
                Ok(sqlx::query_as(q).bind(id).fetch_optional(&mut **c).await?)
            }
            Conn::Postgres(c) => {
                let q = concat!(
                    "SELECT ",
                    award_columns!(),
                    " FROM awards WHERE id = $1 AND state = 'pending' AND active FOR UPDATE SKIP LOCKED"
                );
                Ok(sqlx::query_as(q).bind(id).fetch_optional(&mut **c).await?)
            }
        }
    }

    /// Pending awards, oldest first.
    pub async fn pending_award_ids(&mut self, limit: i64) -> Result<Vec<Uuid>> {
        let q = "SELECT id FROM awards WHERE state = 'pending' AND active ORDER BY decided_at, id LIMIT $1";
        let rows: Vec<(Uuid,)> = on!(self, |c| sqlx::query_as(q).bind(limit).fetch_all(c).await)?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Mark a pending award issued with its credential; false if it was no longer pending.
    pub async fn mark_award_issued(
        &mut self,
        id: Uuid,
        credential: Uuid,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE awards SET state = 'issued', credential_id = $2, issued_at = $3, tries = tries + 1 WHERE id = $1 AND state = 'pending'";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(credential)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Record a failed signing try; after `give_up_after` tries the award is marked failed
    /// (and stops being retried) so one broken award cannot block the queue.
    /// Withdraw a pending award whose grounds are gone (a stack no longer met, a renewed
    /// credential revoked): it is never signed, and the reason is kept for the issuer.
    pub async fn withdraw_award(&mut self, id: Uuid, reason: &str) -> Result<bool> {
        let q = "UPDATE awards SET active = FALSE, state = 'failed', last_error = $2 WHERE id = $1 AND state = 'pending'";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(reason)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn record_award_failure(
        &mut self,
        id: Uuid,
        error: &str,
        give_up_after: i32,
    ) -> Result<()> {
        let q = "UPDATE awards SET tries = tries + 1, last_error = $2, \
                 state = CASE WHEN tries + 1 >= $3 THEN 'failed' ELSE state END \
                 WHERE id = $1 AND state = 'pending'";
        on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(error)
            .bind(give_up_after)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A revoked credential's award stops counting, so the achievement can be earned anew.
    pub async fn deactivate_award_of_credential(&mut self, credential: Uuid) -> Result<()> {
        let q = "UPDATE awards SET active = FALSE WHERE credential_id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(credential)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn award_of_credential(&mut self, credential: Uuid) -> Result<Option<AwardRow>> {
        let q = concat!(
            "SELECT ",
            award_columns!(),
            " FROM awards WHERE credential_id = $1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(credential)
            .fetch_optional(c)
            .await)?)
    }

    pub async fn awards_of_learner(&mut self, learner: Uuid) -> Result<Vec<AwardRow>> {
        let q = concat!(
            "SELECT ",
            award_columns!(),
            " FROM awards WHERE learner_id = $1 ORDER BY decided_at DESC, id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(learner)
            .fetch_all(c)
            .await)?)
    }

    /// An issuer's awards, newest first, optionally only those in one state.
    pub async fn awards_of_org(
        &mut self,
        org: Uuid,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AwardRow>> {
        let q = concat!(
            "SELECT ",
            award_columns!(),
            " FROM awards WHERE org_id = $1 AND ($2 IS NULL OR state = $2) ORDER BY decided_at DESC, id LIMIT $3"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(state)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    /// The learner's submitted attempts at these assessments.
    pub async fn attempt_facts(
        &mut self,
        learner: Uuid,
        assessment: Uuid,
    ) -> Result<Vec<AttemptFact>> {
        let q = "SELECT t.id, t.assessment_id, a.title AS assessment_title, t.number, t.passed, t.percent_tenths, t.submitted_at \
                 FROM attempts t JOIN assessments a ON a.id = t.assessment_id \
                 WHERE t.learner_id = $1 AND t.assessment_id = $2 AND t.submitted_at IS NOT NULL \
                   AND t.passed IS NOT NULL AND t.percent_tenths IS NOT NULL \
                 ORDER BY t.number";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(learner)
            .bind(assessment)
            .fetch_all(c)
            .await)?)
    }

    /// The learner's decided evidence on this rubric.
    pub async fn evidence_facts(
        &mut self,
        learner: Uuid,
        rubric: Uuid,
    ) -> Result<Vec<EvidenceFact>> {
        let q = "SELECT id, rubric_id, title, accepted, decision, decided_at FROM evidence \
                 WHERE learner_id = $1 AND rubric_id = $2 AND accepted IS NOT NULL \
                   AND decision IS NOT NULL AND decided_at IS NOT NULL \
                 ORDER BY decided_at, id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(learner)
            .bind(rubric)
            .fetch_all(c)
            .await)?)
    }

    /// The learner's completed versions of this module.
    pub async fn completion_facts(
        &mut self,
        learner: Uuid,
        module: Uuid,
    ) -> Result<Vec<CompletionFact>> {
        let q = "SELECT v.id AS version_id, v.module_id, v.number, v.title, p.completed_at \
                 FROM lesson_progress p JOIN module_versions v ON v.id = p.version_id \
                 WHERE p.user_id = $1 AND v.module_id = $2 AND p.completed_at IS NOT NULL \
                 ORDER BY v.number";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(learner)
            .bind(module)
            .fetch_all(c)
            .await)?)
    }
}

impl Conn<'_> {
    /// The title of what a rule refers to, or None if there is no such thing.
    pub async fn rule_ref_title(&mut self, kind: &str, id: Uuid) -> Result<Option<String>> {
        let q = match kind {
            "assessment" => "SELECT title FROM assessments WHERE id = $1",
            "rubric" => "SELECT title FROM rubrics WHERE id = $1",
            _ => {
                "SELECT v.title FROM modules m JOIN module_versions v ON v.id = COALESCE(m.current_version_id, \
                 (SELECT d.id FROM module_versions d WHERE d.module_id = m.id ORDER BY d.number DESC LIMIT 1)) \
                 WHERE m.id = $1"
            }
        };
        let row: Option<(String,)> =
            on!(self, |c| sqlx::query_as(q).bind(id).fetch_optional(c).await)?;
        Ok(row.map(|(t,)| t))
    }
}
