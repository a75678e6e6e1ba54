//! Accreditation: review standards, submissions, reviewers and their reviews, decisions,
//! the module versions each decision covers, and the operator's registry of trusted
//! issuers.
//!
//! Whether a module version is accredited is read, never stored: a decision counts while
//! it is not withdrawn and its endorsement credential is unrevoked, unsuspended and valid
//! at the time asked about (`accredited_at!`).

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::stacks::whole_seconds;
use crate::Result;
use crate::conn::{Conn, on};

/// A review standard as stored; `criteria` is the JSON of
/// `Vec<cairn_core::accreditation::Criterion>`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StandardRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub description: String,
    pub criteria: String,
    pub archived: bool,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
}

/// A submission to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubmissionRow {
    pub id: Uuid,
    pub module_id: Uuid,
    pub version_id: Uuid,
    pub provider_org_id: Uuid,
    pub accreditor_org_id: Uuid,
    pub standard_id: Uuid,
    /// JSON array of `{id, title}`.
    pub assessments: String,
    pub note: Option<String>,
    pub submitted_by: Option<Uuid>,
    pub submitted_at: OffsetDateTime,
}

/// A submission as listed: with the module version, both organizations and the standard
/// named, and how far its reviews are.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SubmissionRow {
    pub id: Uuid,
    pub module_id: Uuid,
    pub version_id: Uuid,
    pub version_number: i32,
    pub module_title: String,
    pub provider_org_id: Uuid,
    pub provider_slug: String,
    pub provider_name: String,
    pub accreditor_org_id: Uuid,
    pub accreditor_slug: String,
    pub accreditor_name: String,
    pub standard_id: Uuid,
    pub standard_name: String,
    pub assessments: String,
    pub note: Option<String>,
    /// submitted, in_review, decided or withdrawn.
    pub state: String,
    pub submitted_by: Option<Uuid>,
    pub submitted_at: OffsetDateTime,
    pub closed_at: Option<OffsetDateTime>,
    pub reviewers: i64,
    pub reviews_done: i64,
}

macro_rules! submission_select {
    () => {
        "SELECT s.id, s.module_id, s.version_id, v.number AS version_number, v.title AS module_title, \
         s.provider_org_id, p.slug AS provider_slug, p.name AS provider_name, \
         s.accreditor_org_id, a.slug AS accreditor_slug, a.name AS accreditor_name, \
         s.standard_id, st.name AS standard_name, s.assessments, s.note, s.state, \
         s.submitted_by, s.submitted_at, s.closed_at, \
         (SELECT COUNT(*) FROM accreditation_reviewers r WHERE r.submission_id = s.id) AS reviewers, \
         (SELECT COUNT(*) FROM accreditation_reviewers r WHERE r.submission_id = s.id AND r.reviewed_at IS NOT NULL) AS reviews_done \
         FROM accreditation_submissions s \
         JOIN module_versions v ON v.id = s.version_id \
         JOIN organizations p ON p.id = s.provider_org_id \
         JOIN organizations a ON a.id = s.accreditor_org_id \
         JOIN review_standards st ON st.id = s.standard_id "
    };
}

/// A reviewer of a submission, and their review once given.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewerRow {
    pub submission_id: Uuid,
    pub user_id: Uuid,
    pub display_name: String,
    pub assigned_by: Option<Uuid>,
    pub assigned_at: OffsetDateTime,
    /// JSON of `Vec<cairn_core::accreditation::CriterionScore>`, once reviewed.
    pub scores: Option<String>,
    pub comment: Option<String>,
    pub recommendation: Option<String>,
    pub reviewed_at: Option<OffsetDateTime>,
}

/// A decision to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccreditationRow {
    pub id: Uuid,
    pub submission_id: Uuid,
    pub module_id: Uuid,
    pub provider_org_id: Uuid,
    pub accreditor_org_id: Uuid,
    pub standard_id: Uuid,
    pub outcome: String,
    pub rationale: String,
    pub conditions: Option<String>,
    pub conditions_due: Option<Date>,
    pub valid_from: OffsetDateTime,
    pub valid_until: OffsetDateTime,
    pub subject_id: String,
    pub credential_id: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: OffsetDateTime,
}

/// A decision as listed, with the module (its current title), both organizations and
/// the state of its endorsement credential.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccreditationRow {
    pub id: Uuid,
    pub submission_id: Uuid,
    pub module_id: Uuid,
    pub module_title: String,
    pub provider_org_id: Uuid,
    pub provider_slug: String,
    pub provider_name: String,
    pub accreditor_org_id: Uuid,
    pub accreditor_slug: String,
    pub accreditor_name: String,
    pub standard_id: Uuid,
    pub outcome: String,
    pub rationale: String,
    pub conditions: Option<String>,
    pub conditions_due: Option<Date>,
    pub conditions_response: Option<String>,
    pub conditions_responded_at: Option<OffsetDateTime>,
    pub conditions_met_at: Option<OffsetDateTime>,
    pub valid_from: OffsetDateTime,
    pub valid_until: OffsetDateTime,
    pub subject_id: String,
    pub credential_id: Option<Uuid>,
    /// The endorsement credential is revoked or suspended.
    pub credential_inactive: bool,
    pub decided_by: Option<Uuid>,
    pub decided_at: OffsetDateTime,
    pub withdrawn_at: Option<OffsetDateTime>,
    pub withdrawn_reason: Option<String>,
}

macro_rules! accreditation_select {
    () => {
        "SELECT x.id, x.submission_id, x.module_id, \
         COALESCE((SELECT v.title FROM modules m JOIN module_versions v ON v.id = m.current_version_id WHERE m.id = x.module_id), \
                  (SELECT v.title FROM accreditation_submissions s JOIN module_versions v ON v.id = s.version_id WHERE s.id = x.submission_id)) AS module_title, \
         x.provider_org_id, p.slug AS provider_slug, p.name AS provider_name, \
         x.accreditor_org_id, a.slug AS accreditor_slug, a.name AS accreditor_name, \
         x.standard_id, x.outcome, x.rationale, x.conditions, x.conditions_due, \
         x.conditions_response, x.conditions_responded_at, x.conditions_met_at, \
         x.valid_from, x.valid_until, x.subject_id, x.credential_id, \
         COALESCE((SELECT c.revoked_at IS NOT NULL OR c.suspended_at IS NOT NULL FROM credentials c WHERE c.id = x.credential_id), FALSE) AS credential_inactive, \
         x.decided_by, x.decided_at, x.withdrawn_at, x.withdrawn_reason \
         FROM accreditations x \
         JOIN organizations p ON p.id = x.provider_org_id \
         JOIN organizations a ON a.id = x.accreditor_org_id "
    };
}

/// A module version a decision covers.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccreditedVersionRow {
    pub accreditation_id: Uuid,
    pub version_id: Uuid,
    pub number: i32,
    /// review or minor_change.
    pub via: String,
    pub rationale: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: OffsetDateTime,
}

/// A decision that makes a module version accredited now: who, until when, and the
/// endorsement to verify.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EndorsementRow {
    pub accreditation_id: Uuid,
    pub accreditor_org_id: Uuid,
    pub accreditor_slug: String,
    pub accreditor_name: String,
    pub outcome: String,
    pub conditions_due: Option<Date>,
    pub conditions_met_at: Option<OffsetDateTime>,
    pub valid_until: OffsetDateTime,
    pub credential_id: Uuid,
}

/// An entry of the operator's registry; `scopes` is a JSON array of scope names.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TrustedEntityRow {
    pub did: String,
    pub name: String,
    pub scopes: String,
    pub note: Option<String>,
    pub added_by: String,
    pub added_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// True when module version `$v` (an SQL expression) is accredited at time `$t` (a
/// placeholder bound to whole seconds, see [`whole_seconds`]).
macro_rules! accredited_at {
    ($v:literal, $t:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM accredited_versions av \
             JOIN accreditations ax ON ax.id = av.accreditation_id \
             JOIN credentials cx ON cx.id = ax.credential_id \
             WHERE av.version_id = ",
            $v,
            " AND ax.withdrawn_at IS NULL \
             AND cx.revoked_at IS NULL AND cx.suspended_at IS NULL AND cx.valid_until > ",
            $t,
            ")"
        )
    };
}

pub(super) use accredited_at;

impl Conn<'_> {
    pub async fn insert_standard(&mut self, s: &StandardRow) -> Result<()> {
        let q = "INSERT INTO review_standards (id, org_id, name, description, criteria, archived, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on!(self, |c| sqlx::query(q)
            .bind(s.id)
            .bind(s.org_id)
            .bind(&s.name)
            .bind(&s.description)
            .bind(&s.criteria)
            .bind(s.archived)
            .bind(s.created_by)
            .bind(s.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn standard(&mut self, id: Uuid) -> Result<Option<StandardRow>> {
        let q = "SELECT id, org_id, name, description, criteria, archived, created_by, created_at \
                 FROM review_standards WHERE id = $1";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// An organization's standards by name, archived ones too when asked.
    pub async fn standards_of_org(
        &mut self,
        org: Uuid,
        with_archived: bool,
    ) -> Result<Vec<StandardRow>> {
        let q = "SELECT id, org_id, name, description, criteria, archived, created_by, created_at \
                 FROM review_standards WHERE org_id = $1 AND ($2 OR NOT archived) ORDER BY name, created_at";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(with_archived)
            .fetch_all(c)
            .await)?)
    }

    /// Whether the standard was archived now (false: no such standard, or archived before).
    pub async fn archive_standard(&mut self, id: Uuid) -> Result<bool> {
        let q = "UPDATE review_standards SET archived = TRUE WHERE id = $1 AND NOT archived";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Store a submission; false when the version already has an open submission to the
    /// same accreditor.
    pub async fn insert_submission(&mut self, s: &NewSubmissionRow) -> Result<bool> {
        let q = "INSERT INTO accreditation_submissions (id, module_id, version_id, provider_org_id, accreditor_org_id, standard_id, assessments, note, state, submitted_by, submitted_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'submitted', $9, $10) \
                 ON CONFLICT (version_id, accreditor_org_id) WHERE state IN ('submitted','in_review') DO NOTHING";
        let n = on!(self, |c| sqlx::query(q)
            .bind(s.id)
            .bind(s.module_id)
            .bind(s.version_id)
            .bind(s.provider_org_id)
            .bind(s.accreditor_org_id)
            .bind(s.standard_id)
            .bind(&s.assessments)
            .bind(&s.note)
            .bind(s.submitted_by)
            .bind(s.submitted_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn submission(&mut self, id: Uuid) -> Result<Option<SubmissionRow>> {
        let q = concat!(submission_select!(), "WHERE s.id = $1");
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// An accreditor's submissions, oldest open first, then the closed ones newest first.
    pub async fn submissions_to_accreditor(
        &mut self,
        org: Uuid,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<SubmissionRow>> {
        let q = concat!(
            submission_select!(),
            "WHERE s.accreditor_org_id = $1 AND ($2 IS NULL OR s.state = $2) \
             ORDER BY CASE WHEN s.state IN ('submitted','in_review') THEN 0 ELSE 1 END, \
             CASE WHEN s.state IN ('submitted','in_review') THEN s.submitted_at END, \
             s.closed_at DESC, s.id LIMIT $3"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(state)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    /// A provider's submissions, newest first.
    pub async fn submissions_of_provider(
        &mut self,
        org: Uuid,
        limit: i64,
    ) -> Result<Vec<SubmissionRow>> {
        let q = concat!(
            submission_select!(),
            "WHERE s.provider_org_id = $1 ORDER BY s.submitted_at DESC, s.id LIMIT $2"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    /// The open submissions a reviewer is assigned to, with their own review still due or
    /// given (oldest first).
    pub async fn submissions_of_reviewer(&mut self, user: Uuid) -> Result<Vec<SubmissionRow>> {
        let q = concat!(
            submission_select!(),
            "WHERE s.state IN ('submitted','in_review') AND EXISTS \
             (SELECT 1 FROM accreditation_reviewers r WHERE r.submission_id = s.id AND r.user_id = $1) \
             ORDER BY s.submitted_at, s.id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(user)
            .fetch_all(c)
            .await)?)
    }

    /// Move a submission from one of `from` states to `to`; whether it moved. Closing
    /// states (decided, withdrawn) set `closed_at`.
    pub async fn set_submission_state(
        &mut self,
        id: Uuid,
        from: &[&str],
        to: &str,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE accreditation_submissions SET state = $2, \
                 closed_at = CASE WHEN $2 IN ('decided','withdrawn') THEN $3 ELSE closed_at END \
                 WHERE id = $1 AND state IN ($4, $5, $6)";
        let pick = |i: usize| from.get(i).copied().unwrap_or("");
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(to)
            .bind(at)
            .bind(pick(0))
            .bind(pick(1))
            .bind(pick(2))
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Assign a reviewer; false when already assigned.
    pub async fn insert_reviewer(
        &mut self,
        submission: Uuid,
        user: Uuid,
        by: Option<Uuid>,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "INSERT INTO accreditation_reviewers (submission_id, user_id, assigned_by, assigned_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (submission_id, user_id) DO NOTHING";
        let n = on!(self, |c| sqlx::query(q)
            .bind(submission)
            .bind(user)
            .bind(by)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Unassign a reviewer who has not reviewed yet; whether one was removed.
    pub async fn delete_pending_reviewer(&mut self, submission: Uuid, user: Uuid) -> Result<bool> {
        let q = "DELETE FROM accreditation_reviewers WHERE submission_id = $1 AND user_id = $2 AND reviewed_at IS NULL";
        let n = on!(self, |c| sqlx::query(q)
            .bind(submission)
            .bind(user)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn reviewers_of_submission(&mut self, submission: Uuid) -> Result<Vec<ReviewerRow>> {
        let q = "SELECT r.submission_id, r.user_id, u.display_name, r.assigned_by, r.assigned_at, \
                 r.scores, r.comment, r.recommendation, r.reviewed_at \
                 FROM accreditation_reviewers r JOIN users u ON u.id = r.user_id \
                 WHERE r.submission_id = $1 ORDER BY r.assigned_at, u.display_name";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(submission)
            .fetch_all(c)
            .await)?)
    }

    /// Record a reviewer's review (once: false when not assigned or already reviewed).
    pub async fn set_review(
        &mut self,
        submission: Uuid,
        user: Uuid,
        scores: &str,
        comment: &str,
        recommendation: &str,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE accreditation_reviewers SET scores = $3, comment = $4, recommendation = $5, reviewed_at = $6 \
                 WHERE submission_id = $1 AND user_id = $2 AND reviewed_at IS NULL";
        let n = on!(self, |c| sqlx::query(q)
            .bind(submission)
            .bind(user)
            .bind(scores)
            .bind(comment)
            .bind(recommendation)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn insert_accreditation(&mut self, a: &NewAccreditationRow) -> Result<()> {
        let q = "INSERT INTO accreditations (id, submission_id, module_id, provider_org_id, accreditor_org_id, standard_id, \
                 outcome, rationale, conditions, conditions_due, valid_from, valid_until, subject_id, credential_id, decided_by, decided_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
        on!(self, |c| sqlx::query(q)
            .bind(a.id)
            .bind(a.submission_id)
            .bind(a.module_id)
            .bind(a.provider_org_id)
            .bind(a.accreditor_org_id)
            .bind(a.standard_id)
            .bind(&a.outcome)
            .bind(&a.rationale)
            .bind(&a.conditions)
            .bind(a.conditions_due)
            .bind(a.valid_from)
            .bind(whole_seconds(a.valid_until))
            .bind(&a.subject_id)
            .bind(a.credential_id)
            .bind(a.decided_by)
            .bind(a.decided_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn accreditation(&mut self, id: Uuid) -> Result<Option<AccreditationRow>> {
        let q = concat!(accreditation_select!(), "WHERE x.id = $1");
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    pub async fn accreditation_of_submission(
        &mut self,
        submission: Uuid,
    ) -> Result<Option<AccreditationRow>> {
        let q = concat!(accreditation_select!(), "WHERE x.submission_id = $1");
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(submission)
            .fetch_optional(c)
            .await)?)
    }

    /// Decisions of an accreditor (`as_accreditor`) or about a provider's modules, newest
    /// first.
    pub async fn accreditations_of_org(
        &mut self,
        org: Uuid,
        as_accreditor: bool,
        limit: i64,
    ) -> Result<Vec<AccreditationRow>> {
        let q = concat!(
            accreditation_select!(),
            "WHERE (($2 AND x.accreditor_org_id = $1) OR (NOT $2 AND x.provider_org_id = $1)) \
             ORDER BY x.decided_at DESC, x.id LIMIT $3"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(as_accreditor)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    /// Every decision about a module, newest first.
    pub async fn accreditations_of_module(
        &mut self,
        module: Uuid,
    ) -> Result<Vec<AccreditationRow>> {
        let q = concat!(
            accreditation_select!(),
            "WHERE x.module_id = $1 ORDER BY x.decided_at DESC, x.id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(module)
            .fetch_all(c)
            .await)?)
    }

    /// Decisions whose endorsement is about `subject` (an achievement's or module's URL).
    pub async fn accreditations_about(&mut self, subject: &str) -> Result<Vec<AccreditationRow>> {
        let q = concat!(
            accreditation_select!(),
            "WHERE x.subject_id = $1 AND x.credential_id IS NOT NULL ORDER BY x.decided_at DESC, x.id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(subject)
            .fetch_all(c)
            .await)?)
    }

    /// Mark a decision withdrawn (once; revoking its endorsement is the caller's part).
    pub async fn set_accreditation_withdrawn(
        &mut self,
        id: Uuid,
        reason: &str,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE accreditations SET withdrawn_at = $2, withdrawn_reason = $3 WHERE id = $1 AND withdrawn_at IS NULL";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(at)
            .bind(reason)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The provider's answer to its conditions (may be given again until they are met).
    pub async fn set_conditions_response(
        &mut self,
        id: Uuid,
        response: &str,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE accreditations SET conditions_response = $2, conditions_responded_at = $3 \
                 WHERE id = $1 AND conditions IS NOT NULL AND conditions_met_at IS NULL AND withdrawn_at IS NULL";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(response)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The accreditor confirms the conditions met (once).
    pub async fn set_conditions_met(&mut self, id: Uuid, at: OffsetDateTime) -> Result<bool> {
        let q = "UPDATE accreditations SET conditions_met_at = $2 \
                 WHERE id = $1 AND conditions IS NOT NULL AND conditions_met_at IS NULL AND withdrawn_at IS NULL";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Record that a decision covers a version; false when it already does.
    pub async fn insert_accredited_version(
        &mut self,
        accreditation: Uuid,
        version: Uuid,
        via: &str,
        rationale: Option<&str>,
        by: Option<Uuid>,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "INSERT INTO accredited_versions (accreditation_id, version_id, via, rationale, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (accreditation_id, version_id) DO NOTHING";
        let n = on!(self, |c| sqlx::query(q)
            .bind(accreditation)
            .bind(version)
            .bind(via)
            .bind(rationale)
            .bind(by)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn accredited_versions(
        &mut self,
        accreditation: Uuid,
    ) -> Result<Vec<AccreditedVersionRow>> {
        let q = "SELECT av.accreditation_id, av.version_id, v.number, av.via, av.rationale, av.recorded_by, av.recorded_at \
                 FROM accredited_versions av JOIN module_versions v ON v.id = av.version_id \
                 WHERE av.accreditation_id = $1 ORDER BY v.number";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(accreditation)
            .fetch_all(c)
            .await)?)
    }

    /// The decisions that make a module version accredited at `at`, latest ending first.
    pub async fn endorsements_of_version(
        &mut self,
        version: Uuid,
        at: OffsetDateTime,
    ) -> Result<Vec<EndorsementRow>> {
        let q = "SELECT ax.id AS accreditation_id, ax.accreditor_org_id, o.slug AS accreditor_slug, o.name AS accreditor_name, \
                 ax.outcome, ax.conditions_due, ax.conditions_met_at, cx.valid_until, cx.id AS credential_id \
                 FROM accredited_versions av \
                 JOIN accreditations ax ON ax.id = av.accreditation_id \
                 JOIN credentials cx ON cx.id = ax.credential_id \
                 JOIN organizations o ON o.id = ax.accreditor_org_id \
                 WHERE av.version_id = $1 AND ax.withdrawn_at IS NULL \
                 AND cx.revoked_at IS NULL AND cx.suspended_at IS NULL AND cx.valid_until > $2 \
                 ORDER BY cx.valid_until DESC, ax.id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(version)
            .bind(whole_seconds(at))
            .fetch_all(c)
            .await)?)
    }

    /// Add or replace a registry entry.
    pub async fn upsert_trusted_entity(&mut self, e: &TrustedEntityRow) -> Result<()> {
        let q = "INSERT INTO trusted_entities (did, name, scopes, note, added_by, added_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (did) DO UPDATE SET name = excluded.name, scopes = excluded.scopes, \
                 note = excluded.note, updated_at = excluded.updated_at";
        on!(self, |c| sqlx::query(q)
            .bind(&e.did)
            .bind(&e.name)
            .bind(&e.scopes)
            .bind(&e.note)
            .bind(&e.added_by)
            .bind(e.added_at)
            .bind(e.updated_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn delete_trusted_entity(&mut self, did: &str) -> Result<bool> {
        let q = "DELETE FROM trusted_entities WHERE did = $1";
        let n = on!(self, |c| sqlx::query(q)
            .bind(did)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Empty the registry (an import that replaces it); how many entries were removed.
    pub async fn delete_all_trusted_entities(&mut self) -> Result<u64> {
        let q = "DELETE FROM trusted_entities";
        Ok(on!(self, |c| sqlx::query(q)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?)
    }

    pub async fn trusted_entities(&mut self) -> Result<Vec<TrustedEntityRow>> {
        let q = "SELECT did, name, scopes, note, added_by, added_at, updated_at FROM trusted_entities ORDER BY name, did";
        Ok(on!(self, |c| sqlx::query_as(q).fetch_all(c).await)?)
    }

    pub async fn trusted_entity(&mut self, did: &str) -> Result<Option<TrustedEntityRow>> {
        let q = "SELECT did, name, scopes, note, added_by, added_at, updated_at FROM trusted_entities WHERE did = $1";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(did)
            .fetch_optional(c)
            .await)?)
    }
}
