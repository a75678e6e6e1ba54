//! Workforce storage: role profiles (versioned), workers' consent to share credentials
//! with an organization, and what an organization may see of its workers' credentials.

use time::OffsetDateTime;
use uuid::Uuid;

use super::stacks::whole_seconds;
use crate::conn::{Conn, on};
use crate::{Result, StoreError};

/// One version of a role profile as stored; `requirements` is the JSON array of
/// `cairn_core::workforce::Requirement`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoleProfileRow {
    pub id: Uuid,
    pub version: i32,
    pub org_id: Uuid,
    pub name: String,
    pub description: String,
    pub requirements: String,
    pub template: Option<String>,
    pub archived: bool,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
}

/// A worker's consent: one credential, or all they hold (`credential_id` none), shared with
/// one organization from `granted_at` until `revoked_at`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ShareRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub org_id: Uuid,
    pub credential_id: Option<Uuid>,
    pub granted_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A valid credential of a worker that an organization may see: it issued it, or the worker
/// shared it (or everything) with the organization.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VisibleHeldRow {
    pub user_id: Uuid,
    pub credential_id: Uuid,
    pub achievement_id: Uuid,
    pub issuer_org_id: Uuid,
    pub issued_at: OffsetDateTime,
    pub valid_until: Option<OffsetDateTime>,
}

/// What the organization-wide gap matrix reads of a visible valid credential: whose it is,
/// what it certifies and until when. Provenance is left out: the matrix only counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct VisibleAchievementRow {
    pub user_id: Uuid,
    pub achievement_id: Uuid,
    pub valid_until: Option<OffsetDateTime>,
}

/// A worker of an organization: anyone holding a membership in it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WorkerRow {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: Option<String>,
    pub job_title: Option<String>,
}

macro_rules! role_columns {
    () => {
        "id, version, org_id, name, description, requirements, template, archived, created_by, created_at"
    };
}

/// The visibility rule, in SQL, for a credential `c` and the organization `$1`: issued by
/// it, or shared with it one by one or all at once, and not withdrawn.
macro_rules! visible_to_org {
    () => {
        "(c.org_id = $1 OR EXISTS (SELECT 1 FROM credential_shares s \
         WHERE s.user_id = c.recipient_user AND s.org_id = $1 AND s.revoked_at IS NULL \
         AND (s.credential_id IS NULL OR s.credential_id = c.id)))"
    };
}

macro_rules! held_columns {
    () => {
        "c.recipient_user AS user_id, c.id AS credential_id, c.achievement_id AS achievement_id, \
         c.org_id AS issuer_org_id, c.issued_at AS issued_at, c.valid_until AS valid_until"
    };
}

macro_rules! held_valid {
    () => {
        "c.revoked_at IS NULL AND c.suspended_at IS NULL AND c.achievement_id IS NOT NULL \
         AND (c.valid_until IS NULL OR c.valid_until > $2)"
    };
}

impl Conn<'_> {
    /// Store one version of a role profile. A version already stored is a conflict.
    pub async fn insert_role_profile(&mut self, r: &RoleProfileRow) -> Result<()> {
        let q = "INSERT INTO role_profiles (id, version, org_id, name, description, requirements, template, archived, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        on!(self, |c| sqlx::query(q)
            .bind(r.id)
            .bind(r.version)
            .bind(r.org_id)
            .bind(&r.name)
            .bind(&r.description)
            .bind(&r.requirements)
            .bind(&r.template)
            .bind(r.archived)
            .bind(r.created_by)
            .bind(r.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("this version of the role profile"))?;
        Ok(())
    }

    /// The current (highest) version of a role profile of `org`.
    pub async fn role_profile(&mut self, org: Uuid, id: Uuid) -> Result<Option<RoleProfileRow>> {
        let q = concat!(
            "SELECT ",
            role_columns!(),
            " FROM role_profiles WHERE org_id = $1 AND id = $2 ORDER BY version DESC LIMIT 1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// Every version of a role profile of `org`, newest first.
    pub async fn role_profile_versions(
        &mut self,
        org: Uuid,
        id: Uuid,
    ) -> Result<Vec<RoleProfileRow>> {
        let q = concat!(
            "SELECT ",
            role_columns!(),
            " FROM role_profiles WHERE org_id = $1 AND id = $2 ORDER BY version DESC"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(id)
            .fetch_all(c)
            .await)?)
    }

    /// The current version of each role profile of `org`, by name; archived ones only when
    /// asked for.
    pub async fn role_profiles_of_org(
        &mut self,
        org: Uuid,
        include_archived: bool,
    ) -> Result<Vec<RoleProfileRow>> {
        let q = concat!(
            "SELECT ",
            role_columns!(),
            " FROM role_profiles r WHERE org_id = $1 \
             AND version = (SELECT MAX(version) FROM role_profiles v WHERE v.id = r.id) \
             AND ($2 OR NOT archived) ORDER BY name, id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(include_archived)
            .fetch_all(c)
            .await)?)
    }

    /// Archive or restore every version of a role profile. Returns whether it exists.
    pub async fn set_role_profile_archived(
        &mut self,
        org: Uuid,
        id: Uuid,
        archived: bool,
    ) -> Result<bool> {
        let q = "UPDATE role_profiles SET archived = $3 WHERE org_id = $1 AND id = $2";
        let n = on!(self, |c| sqlx::query(q)
            .bind(org)
            .bind(id)
            .bind(archived)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Record a share. Sharing what is already shared (and not withdrawn) is a conflict.
    pub async fn insert_share(&mut self, s: &ShareRow) -> Result<()> {
        let q = "INSERT INTO credential_shares (id, user_id, org_id, credential_id, granted_at, revoked_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)";
        on!(self, |c| sqlx::query(q)
            .bind(s.id)
            .bind(s.user_id)
            .bind(s.org_id)
            .bind(s.credential_id)
            .bind(s.granted_at)
            .bind(s.revoked_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("this share (it is already shared)"))?;
        Ok(())
    }

    /// Withdraw the active share of one credential (or of everything, `credential` none)
    /// with `org`. Returns whether there was one.
    pub async fn revoke_share(
        &mut self,
        user: Uuid,
        org: Uuid,
        credential: Option<Uuid>,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let n = match credential {
            Some(cred) => {
                let q = "UPDATE credential_shares SET revoked_at = $4 WHERE user_id = $1 AND org_id = $2 \
                         AND credential_id = $3 AND revoked_at IS NULL";
                on!(self, |c| sqlx::query(q)
                    .bind(user)
                    .bind(org)
                    .bind(cred)
                    .bind(at)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))?
            }
            None => {
                let q = "UPDATE credential_shares SET revoked_at = $3 WHERE user_id = $1 AND org_id = $2 \
                         AND credential_id IS NULL AND revoked_at IS NULL";
                on!(self, |c| sqlx::query(q)
                    .bind(user)
                    .bind(org)
                    .bind(at)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))?
            }
        };
        Ok(n > 0)
    }

    /// A worker's shares, withdrawn ones included (the record), newest first.
    pub async fn shares_of_user(&mut self, user: Uuid) -> Result<Vec<ShareRow>> {
        let q = "SELECT id, user_id, org_id, credential_id, granted_at, revoked_at FROM credential_shares \
                 WHERE user_id = $1 ORDER BY granted_at DESC, id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(user)
            .fetch_all(c)
            .await)?)
    }

    /// The workers of `org` (anyone with a membership), by name.
    pub async fn workers_of_org(&mut self, org: Uuid) -> Result<Vec<WorkerRow>> {
        let q = "SELECT u.id AS user_id, u.display_name AS display_name, \
                 (SELECT e.address FROM user_emails e WHERE e.user_id = u.id AND e.is_primary) AS email, \
                 (SELECT MAX(m2.job_title) FROM memberships m2 WHERE m2.org_id = $1 AND m2.user_id = u.id) AS job_title \
                 FROM users u WHERE u.id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = $1) \
                 ORDER BY u.display_name, u.id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .fetch_all(c)
            .await)?)
    }

    /// The workers of one team of `org`, by name. A team of another organization has none.
    pub async fn workers_of_team(&mut self, org: Uuid, team: Uuid) -> Result<Vec<WorkerRow>> {
        let q = "SELECT u.id AS user_id, u.display_name AS display_name, \
                 (SELECT e.address FROM user_emails e WHERE e.user_id = u.id AND e.is_primary) AS email, \
                 (SELECT MAX(m2.job_title) FROM memberships m2 WHERE m2.org_id = $1 AND m2.user_id = u.id) AS job_title \
                 FROM users u JOIN team_members tm ON tm.user_id = u.id JOIN teams t ON t.id = tm.team_id \
                 WHERE t.id = $2 AND t.org_id = $1 ORDER BY u.display_name, u.id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(team)
            .fetch_all(c)
            .await)?)
    }

    /// Every valid credential (active, unexpired at `at`) of every worker of `org` that `org`
    /// may see, ordered by worker. The one query every organization-wide workforce view
    /// reads, so consent is applied in one place.
    pub async fn visible_held_in_org(
        &mut self,
        org: Uuid,
        at: OffsetDateTime,
    ) -> Result<Vec<VisibleHeldRow>> {
        let q = concat!(
            "SELECT ",
            held_columns!(),
            " FROM credentials c \
             WHERE c.recipient_user IN (SELECT m.user_id FROM memberships m WHERE m.org_id = $1) \
             AND ",
            held_valid!(),
            " AND ",
            visible_to_org!(),
            " ORDER BY c.recipient_user, c.issued_at, c.id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(whole_seconds(at))
            .fetch_all(c)
            .await)?)
    }

    /// [`Conn::visible_held_in_org`] reduced to worker, achievement and validity end, in no
    /// particular order: the organization-wide gap matrix reads every row, so it groups them
    /// itself rather than have the database sort (and, on SQLite, decode) what it needs not.
    pub async fn visible_achievements_in_org(
        &mut self,
        org: Uuid,
        at: OffsetDateTime,
    ) -> Result<Vec<VisibleAchievementRow>> {
        let q = concat!(
            "SELECT c.recipient_user AS user_id, c.achievement_id AS achievement_id, \
             c.valid_until AS valid_until FROM credentials c \
             WHERE c.recipient_user IN (SELECT m.user_id FROM memberships m WHERE m.org_id = $1) \
             AND ",
            held_valid!(),
            " AND ",
            visible_to_org!()
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(whole_seconds(at))
            .fetch_all(c)
            .await)?)
    }

    /// [`Conn::visible_held_in_org`] for the members of one team of `org`.
    pub async fn visible_held_in_team(
        &mut self,
        org: Uuid,
        team: Uuid,
        at: OffsetDateTime,
    ) -> Result<Vec<VisibleHeldRow>> {
        let q = concat!(
            "SELECT ",
            held_columns!(),
            " FROM credentials c \
             WHERE c.recipient_user IN (SELECT tm.user_id FROM team_members tm JOIN teams t ON t.id = tm.team_id \
                 JOIN memberships m ON m.user_id = tm.user_id AND m.org_id = t.org_id \
                 WHERE t.id = $3 AND t.org_id = $1) \
             AND ",
            held_valid!(),
            " AND ",
            visible_to_org!(),
            " ORDER BY c.recipient_user, c.issued_at, c.id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(whole_seconds(at))
            .bind(team)
            .fetch_all(c)
            .await)?)
    }

    /// [`Conn::visible_held_in_org`] for one worker; none unless they are a member of `org`.
    pub async fn visible_held_of_worker(
        &mut self,
        org: Uuid,
        user: Uuid,
        at: OffsetDateTime,
    ) -> Result<Vec<VisibleHeldRow>> {
        let q = concat!(
            "SELECT ",
            held_columns!(),
            " FROM credentials c \
             WHERE c.recipient_user = $3 AND EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = $1 AND m.user_id = $3) \
             AND ",
            held_valid!(),
            " AND ",
            visible_to_org!(),
            " ORDER BY c.issued_at, c.id"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(whole_seconds(at))
            .bind(user)
            .fetch_all(c)
            .await)?)
    }

    /// The competencies each achievement proves (JSON arrays of alignments), for every
    /// achievement that names any.
    pub async fn achievement_alignments(&mut self) -> Result<Vec<(Uuid, String)>> {
        let q = "SELECT id, alignments FROM achievements WHERE alignments <> '[]'";
        Ok(on!(self, |c| sqlx::query_as(q).fetch_all(c).await)?)
    }
}
