use time::OffsetDateTime;
use uuid::Uuid;

use crate::Result;
use crate::conn::{Conn, on};

/// A browser session, found by the hash of the secret in its cookie.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id_hash: Vec<u8>,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl Conn<'_> {
    pub async fn insert_session(&mut self, s: &SessionRow) -> Result<()> {
        let q = "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
        on!(self, |c| sqlx::query(q)
            .bind(&s.id_hash)
            .bind(s.user_id)
            .bind(&s.csrf_token)
            .bind(s.created_at)
            .bind(s.expires_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn session_by_hash(&mut self, id_hash: &[u8]) -> Result<Option<SessionRow>> {
        let q = "SELECT id_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE id_hash = $1";
        let row: Option<SessionRow> = on!(self, |c| sqlx::query_as(q)
            .bind(id_hash)
            .fetch_optional(c)
            .await)?;
        Ok(row)
    }

    pub async fn delete_session(&mut self, id_hash: &[u8]) -> Result<bool> {
        let q = "DELETE FROM sessions WHERE id_hash = $1";
        let done = on!(self, |c| sqlx::query(q)
            .bind(id_hash)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }
}
