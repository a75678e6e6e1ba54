//! Notifications and their e-mail outbox.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::Result;
use crate::conn::{Conn, on};

/// A notification as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: Uuid,
    pub user_id: Uuid,
    /// What caused it, e.g. `award.issued`, `credential.expiring`.
    pub kind: String,
    /// Written once: a second notification with the same key is not stored.
    pub dedupe_key: String,
    pub title: String,
    pub body: String,
    /// Where in Cairn it leads, e.g. `/credentials/{id}`.
    pub link: Option<String>,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
    /// none (not to be e-mailed), pending, sent or failed (gave up).
    pub email_state: String,
    pub email_tries: i32,
    pub email_error: Option<String>,
    pub emailed_at: Option<OffsetDateTime>,
}

macro_rules! notification_columns {
    () => {
        "id, user_id, kind, dedupe_key, title, body, link, created_at, read_at, email_state, email_tries, email_error, emailed_at"
    };
}

impl Conn<'_> {
    /// Store the notification unless one with its dedupe key exists; whether it was stored.
    pub async fn insert_notification(&mut self, n: &NotificationRow) -> Result<bool> {
        let q = concat!(
            "INSERT INTO notifications (",
            notification_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (dedupe_key) DO NOTHING"
        );
        let inserted = on!(self, |c| sqlx::query(q)
            .bind(n.id)
            .bind(n.user_id)
            .bind(&n.kind)
            .bind(&n.dedupe_key)
            .bind(&n.title)
            .bind(&n.body)
            .bind(&n.link)
            .bind(n.created_at)
            .bind(n.read_at)
            .bind(&n.email_state)
            .bind(n.email_tries)
            .bind(&n.email_error)
            .bind(n.emailed_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(inserted == 1)
    }

    pub async fn notification(&mut self, id: Uuid) -> Result<Option<NotificationRow>> {
        let q = concat!(
            "SELECT ",
            notification_columns!(),
            " FROM notifications WHERE id = $1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    /// A person's newest notifications first.
    pub async fn notifications_of_user(
        &mut self,
        user: Uuid,
        limit: i64,
    ) -> Result<Vec<NotificationRow>> {
        let q = concat!(
            "SELECT ",
            notification_columns!(),
            " FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(user)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    pub async fn count_unread_notifications(&mut self, user: Uuid) -> Result<i64> {
        let q = "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL";
        let n: i64 = on!(self, |c| sqlx::query_scalar(q)
            .bind(user)
            .fetch_one(c)
            .await)?;
        Ok(n)
    }

    /// Mark one of the person's notifications read (keeping the first time it was read).
    /// False when it is not theirs or does not exist, which callers report alike so that
    /// nobody learns which ids exist.
    pub async fn mark_notification_read(
        &mut self,
        id: Uuid,
        user: Uuid,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let q = "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(user)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Mark every unread notification of the person read; how many were unread.
    pub async fn mark_all_notifications_read(
        &mut self,
        user: Uuid,
        at: OffsetDateTime,
    ) -> Result<u64> {
        let q = "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL";
        Ok(on!(self, |c| sqlx::query(q)
            .bind(user)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?)
    }

    /// Up to `limit` notifications waiting to be e-mailed, oldest first. On PostgreSQL they
    /// are locked for this transaction and rows another server is sending are skipped, so
    /// several servers never send the same one at once; on SQLite, whose database has one
    /// server, this is a plain read and the caller keeps its passes from overlapping.
    pub async fn lock_pending_emails(&mut self, limit: i64) -> Result<Vec<NotificationRow>> {
        match self {
            Conn::Sqlite(c) => {
                let q = concat!(
                    "SELECT ",
                    notification_columns!(),
                    " FROM notifications WHERE email_state = 'pending' ORDER BY created_at, id LIMIT $1"
                );
                Ok(sqlx::query_as(q).bind(limit).fetch_all(&mut **c).await?)
            }
            Conn::Postgres(c) => {
                let q = concat!(
                    "SELECT ",
                    notification_columns!(),
                    " FROM notifications WHERE email_state = 'pending' ORDER BY created_at, id LIMIT $1 \
                     FOR UPDATE SKIP LOCKED"
                );
                Ok(sqlx::query_as(q).bind(limit).fetch_all(&mut **c).await?)
            }
        }
    }

    /// Record that the relay accepted the e-mail; false if it was no longer pending.
    pub async fn mark_emailed(&mut self, id: Uuid, at: OffsetDateTime) -> Result<bool> {
        let q = "UPDATE notifications SET email_state = 'sent', emailed_at = $2, email_tries = email_tries + 1, email_error = NULL \
                 WHERE id = $1 AND email_state = 'pending'";
        let n = on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Record a failed try; after `give_up_after` tries the e-mail is marked failed and no
    /// longer retried (the notification stays visible in the app).
    pub async fn record_email_failure(
        &mut self,
        id: Uuid,
        error: &str,
        give_up_after: i32,
    ) -> Result<()> {
        let q = "UPDATE notifications SET email_tries = email_tries + 1, email_error = $2, \
                 email_state = CASE WHEN email_tries + 1 >= $3 THEN 'failed' ELSE email_state END \
                 WHERE id = $1 AND email_state = 'pending'";
        on!(self, |c| sqlx::query(q)
            .bind(id)
            .bind(error)
            .bind(give_up_after)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
