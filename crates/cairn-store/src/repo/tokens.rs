use cairn_core::ApiToken;
use time::OffsetDateTime;
use uuid::Uuid;

use super::orgs::parse_role;
use crate::conn::{Conn, on};
use crate::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: Uuid,
    org_id: Uuid,
    role: String,
    name: String,
    created_by: Option<Uuid>,
    created_at: OffsetDateTime,
    expires_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
}

impl TryFrom<TokenRow> for ApiToken {
    type Error = StoreError;
    fn try_from(r: TokenRow) -> Result<Self> {
        Ok(ApiToken {
            id: r.id,
            org_id: r.org_id,
            role: parse_role(&r.role)?,
            name: r.name,
            created_by: r.created_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        })
    }
}

macro_rules! token_columns {
    () => {
        "id, org_id, role, name, created_by, created_at, expires_at, revoked_at"
    };
}

impl Conn<'_> {
    /// Store a token by the hash of its secret; the secret itself is never stored.
    pub async fn insert_token(&mut self, t: &ApiToken, secret_hash: &[u8]) -> Result<()> {
        let q = "INSERT INTO api_tokens (id, org_id, role, name, token_hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on!(self, |c| sqlx::query(q)
            .bind(t.id)
            .bind(t.org_id)
            .bind(t.role.as_str())
            .bind(&t.name)
            .bind(secret_hash)
            .bind(t.created_by)
            .bind(t.created_at)
            .bind(t.expires_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("an API token with this secret"))?;
        Ok(())
    }

    pub async fn token_by_hash(&mut self, secret_hash: &[u8]) -> Result<Option<ApiToken>> {
        let q = concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE token_hash = $1"
        );
        let row: Option<TokenRow> = on!(self, |c| sqlx::query_as(q)
            .bind(secret_hash)
            .fetch_optional(c)
            .await)?;
        row.map(TryInto::try_into).transpose()
    }

    pub async fn tokens_of_org(&mut self, org: Uuid) -> Result<Vec<ApiToken>> {
        let q = concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE org_id = $1 ORDER BY created_at DESC, id"
        );
        let rows: Vec<TokenRow> = on!(self, |c| sqlx::query_as(q).bind(org).fetch_all(c).await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Revoke a token of `org`. Returns false when the organization has no such token.
    pub async fn revoke_token(&mut self, org: Uuid, id: Uuid, at: OffsetDateTime) -> Result<bool> {
        let q = "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE org_id = $1 AND id = $2";
        let done = on!(self, |c| sqlx::query(q)
            .bind(org)
            .bind(id)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }
}
