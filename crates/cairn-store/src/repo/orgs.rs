use cairn_core::{Membership, OrgKind, Organization, Role};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::conn::{Conn, on};
use crate::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: Uuid,
    slug: String,
    name: String,
    is_employer: bool,
    is_provider: bool,
    is_accreditor: bool,
    is_issuer: bool,
    created_at: OffsetDateTime,
}

impl From<OrgRow> for Organization {
    fn from(r: OrgRow) -> Self {
        let mut kinds = Vec::new();
        for (on, k) in [
            (r.is_employer, OrgKind::Employer),
            (r.is_provider, OrgKind::Provider),
            (r.is_accreditor, OrgKind::Accreditor),
            (r.is_issuer, OrgKind::Issuer),
        ] {
            if on {
                kinds.push(k);
            }
        }
        Organization {
            id: r.id,
            slug: r.slug,
            name: r.name,
            kinds,
            created_at: r.created_at,
        }
    }
}

macro_rules! org_columns {
    () => {
        "o.id, o.slug, o.name, o.is_employer, o.is_provider, o.is_accreditor, o.is_issuer, o.created_at"
    };
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    org_id: Uuid,
    user_id: Uuid,
    role: String,
    job_title: Option<String>,
    created_at: OffsetDateTime,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;
    fn try_from(r: MembershipRow) -> Result<Self> {
        Ok(Membership {
            org_id: r.org_id,
            user_id: r.user_id,
            role: parse_role(&r.role)?,
            job_title: r.job_title,
            created_at: r.created_at,
        })
    }
}

pub(crate) fn parse_role(s: &str) -> Result<Role> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown role '{s}'")))
}

/// A member as an organization's member list shows them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: Option<String>,
    pub role: String,
    pub job_title: Option<String>,
}

impl Conn<'_> {
    pub async fn insert_org(&mut self, org: &Organization) -> Result<()> {
        let q = "INSERT INTO organizations (id, slug, name, is_employer, is_provider, is_accreditor, is_issuer, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on!(self, |c| sqlx::query(q)
            .bind(org.id)
            .bind(&org.slug)
            .bind(&org.name)
            .bind(org.is(OrgKind::Employer))
            .bind(org.is(OrgKind::Provider))
            .bind(org.is(OrgKind::Accreditor))
            .bind(org.is(OrgKind::Issuer))
            .bind(org.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("an organization with this slug"))?;
        Ok(())
    }

    pub async fn org_by_id(&mut self, id: Uuid) -> Result<Option<Organization>> {
        let q = concat!(
            "SELECT ",
            org_columns!(),
            " FROM organizations o WHERE o.id = $1"
        );
        let row: Option<OrgRow> =
            on!(self, |c| sqlx::query_as(q).bind(id).fetch_optional(c).await)?;
        Ok(row.map(Into::into))
    }

    pub async fn org_by_slug(&mut self, slug: &str) -> Result<Option<Organization>> {
        let q = concat!(
            "SELECT ",
            org_columns!(),
            " FROM organizations o WHERE o.slug = $1"
        );
        let row: Option<OrgRow> = on!(self, |c| sqlx::query_as(q)
            .bind(slug)
            .fetch_optional(c)
            .await)?;
        Ok(row.map(Into::into))
    }

    pub async fn list_orgs(&mut self) -> Result<Vec<Organization>> {
        let q = concat!(
            "SELECT ",
            org_columns!(),
            " FROM organizations o ORDER BY o.name, o.slug"
        );
        let rows: Vec<OrgRow> = on!(self, |c| sqlx::query_as(q).fetch_all(c).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Organizations where the user holds any role.
    pub async fn orgs_of_user(&mut self, user_id: Uuid) -> Result<Vec<Organization>> {
        let q = concat!(
            "SELECT ",
            org_columns!(),
            " FROM organizations o WHERE o.id IN (SELECT m.org_id FROM memberships m WHERE m.user_id = $1) ORDER BY o.name, o.slug"
        );
        let rows: Vec<OrgRow> = on!(self, |c| sqlx::query_as(q).bind(user_id).fetch_all(c).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub async fn rename_org(&mut self, id: Uuid, name: &str) -> Result<()> {
        let q = "UPDATE organizations SET name = $2 WHERE id = $1";
        let done = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(name)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound("organization"));
        }
        Ok(())
    }

    pub async fn insert_membership(&mut self, m: &Membership) -> Result<()> {
        let q = "INSERT INTO memberships (org_id, user_id, role, job_title, created_at) VALUES ($1, $2, $3, $4, $5)";
        on!(self, |c| sqlx::query(q)
            .bind(m.org_id)
            .bind(m.user_id)
            .bind(m.role.as_str())
            .bind(&m.job_title)
            .bind(m.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(|e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => {
                StoreError::Conflict("this membership (same person and role)")
            }
            Some(d) if d.is_foreign_key_violation() => StoreError::NotFound("organization or user"),
            _ => StoreError::Database(e),
        })?;
        Ok(())
    }

    /// Remove one role of a member. Returns whether there was such a membership.
    pub async fn delete_membership(&mut self, org: Uuid, user: Uuid, role: Role) -> Result<bool> {
        let q = "DELETE FROM memberships WHERE org_id = $1 AND user_id = $2 AND role = $3";
        let done = on!(self, |c| sqlx::query(q)
            .bind(org)
            .bind(user)
            .bind(role.as_str())
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    pub async fn memberships_of_user(&mut self, user_id: Uuid) -> Result<Vec<Membership>> {
        let q = "SELECT org_id, user_id, role, job_title, created_at FROM memberships WHERE user_id = $1 ORDER BY created_at, role";
        let rows: Vec<MembershipRow> =
            on!(self, |c| sqlx::query_as(q).bind(user_id).fetch_all(c).await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    pub async fn count_admins(&mut self, org: Uuid) -> Result<i64> {
        let q = "SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin'";
        let n: i64 = on!(self, |c| sqlx::query_scalar(q).bind(org).fetch_one(c).await)?;
        Ok(n)
    }

    /// Members of an organization, one row per role held, ordered by name.
    pub async fn members_of_org(
        &mut self,
        org: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<MemberRow>> {
        let q = "SELECT u.id AS user_id, u.display_name, e.address AS email, m.role, m.job_title \
                 FROM memberships m JOIN users u ON u.id = m.user_id \
                 LEFT JOIN user_emails e ON e.user_id = u.id AND e.is_primary \
                 WHERE m.org_id = $1 ORDER BY u.display_name, u.id, m.role LIMIT $2 OFFSET $3";
        let rows: Vec<MemberRow> = on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(limit)
            .bind(offset)
            .fetch_all(c)
            .await)?;
        Ok(rows)
    }

    pub async fn count_members(&mut self, org: Uuid) -> Result<i64> {
        let q = "SELECT COUNT(DISTINCT user_id) FROM memberships WHERE org_id = $1";
        let n: i64 = on!(self, |c| sqlx::query_scalar(q).bind(org).fetch_one(c).await)?;
        Ok(n)
    }
}
