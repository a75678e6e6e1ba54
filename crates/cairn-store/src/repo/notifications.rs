//! Notifications and their e-mail outbox.

/// A notification as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: uuid::Uuid,
}
