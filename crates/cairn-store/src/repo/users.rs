use cairn_core::{Email, User};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::conn::{Conn, on};
use crate::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    display_name: String,
    is_operator: bool,
    created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct EmailRow {
    address: String,
    is_primary: bool,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignInFacts {
    pub user_id: Uuid,
    pub password_hash: Option<String>,
    pub failed_sign_ins: i32,
    pub locked_until: Option<OffsetDateTime>,
}

impl Conn<'_> {
    /// Insert a person with their e-mail addresses. Exactly one address should be primary.
    pub async fn insert_user(&mut self, user: &User, password_hash: Option<&str>) -> Result<()> {
        let q = "INSERT INTO users (id, display_name, password_hash, is_operator, created_at) VALUES ($1, $2, $3, $4, $5)";
        on!(self, |c| sqlx::query(q)
            .bind(user.id)
            .bind(&user.display_name)
            .bind(password_hash)
            .bind(user.is_operator)
            .bind(user.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("a person with this id"))?;
        for e in &user.emails {
            self.insert_email(user.id, e).await?;
        }
        Ok(())
    }

    pub async fn insert_email(&mut self, user_id: Uuid, e: &Email) -> Result<()> {
        let q = "INSERT INTO user_emails (address, user_id, is_primary) VALUES ($1, $2, $3)";
        on!(self, |c| sqlx::query(q)
            .bind(&e.address)
            .bind(user_id)
            .bind(e.primary)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as(
            "an account with this e-mail address",
        ))?;
        Ok(())
    }

    async fn emails_of(&mut self, user_id: Uuid) -> Result<Vec<Email>> {
        let q = "SELECT address, is_primary FROM user_emails WHERE user_id = $1 ORDER BY is_primary DESC, address";
        let rows: Vec<EmailRow> =
            on!(self, |c| sqlx::query_as(q).bind(user_id).fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|r| Email {
                address: r.address,
                primary: r.is_primary,
            })
            .collect())
    }

    pub async fn user_by_id(&mut self, id: Uuid) -> Result<Option<User>> {
        let q = "SELECT id, display_name, is_operator, created_at FROM users WHERE id = $1";
        let row: Option<UserRow> =
            on!(self, |c| sqlx::query_as(q).bind(id).fetch_optional(c).await)?;
        let Some(r) = row else { return Ok(None) };
        let emails = self.emails_of(r.id).await?;
        Ok(Some(User {
            id: r.id,
            display_name: r.display_name,
            emails,
            is_operator: r.is_operator,
            created_at: r.created_at,
        }))
    }

    pub async fn user_id_by_email(&mut self, address: &str) -> Result<Option<Uuid>> {
        let q = "SELECT user_id FROM user_emails WHERE address = $1";
        let id: Option<Uuid> = on!(self, |c| sqlx::query_scalar(q)
            .bind(address)
            .fetch_optional(c)
            .await)?;
        Ok(id)
    }

    pub async fn sign_in_facts(&mut self, address: &str) -> Result<Option<SignInFacts>> {
        let q = "SELECT u.id AS user_id, u.password_hash, u.failed_sign_ins, u.locked_until \
                 FROM users u JOIN user_emails e ON e.user_id = u.id WHERE e.address = $1";
        let row: Option<SignInFacts> = on!(self, |c| sqlx::query_as(q)
            .bind(address)
            .fetch_optional(c)
            .await)?;
        Ok(row)
    }

    /// Count a failed sign-in, locking the account until `lock_until` when given.
    pub async fn record_failed_sign_in(
        &mut self,
        user_id: Uuid,
        lock_until: Option<OffsetDateTime>,
    ) -> Result<()> {
        let q = "UPDATE users SET failed_sign_ins = failed_sign_ins + 1, locked_until = COALESCE($2, locked_until) WHERE id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(user_id)
            .bind(lock_until)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn clear_failed_sign_ins(&mut self, user_id: Uuid) -> Result<()> {
        let q = "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(user_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn set_password_hash(&mut self, user_id: Uuid, hash: &str) -> Result<()> {
        let q = "UPDATE users SET password_hash = $2 WHERE id = $1";
        let done = on!(self, |c| sqlx::query(q)
            .bind(user_id)
            .bind(hash)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound("person"));
        }
        Ok(())
    }

    pub async fn count_users(&mut self) -> Result<i64> {
        let n: i64 = on!(self, |c| sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(c)
            .await)?;
        Ok(n)
    }
}
