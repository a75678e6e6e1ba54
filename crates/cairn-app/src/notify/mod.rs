//! Notifications: written in the transaction of what caused them, shown in the app, and
//! e-mailed through SMTP when configured (an outbox).
//!
//! Writing one is idempotent: its dedupe key (e.g. `expiry:{credential}:30`) is unique, so
//! a repeated event, a retried request or two servers doing the same work store it once.
//! E-mail is at least once: a message the relay accepted is marked sent right after; a
//! crash in between sends it again, with the same Message-ID.
//!
//! Not audited: a notification follows from an event already audited in the same
//! transaction, and reading one changes nothing anyone else sees.

mod smtp;

use cairn_core::Principal;
use cairn_core::validate::Invalid;
use cairn_store::{Backend, Conn, NotificationRow, Tx};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError, Result, now};

/// Where and how notifications are e-mailed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The sender address, e.g. `cairn@hospital.example`.
    pub from: String,
}

/// An e-mail is tried this many times (one try per worker pass) before it is set aside as
/// failed; the notification itself stays in the app.
const EMAIL_TRIES: i32 = 5;
/// E-mails sent per batch; on PostgreSQL a batch's rows stay locked while it is sent.
const BATCH: i64 = 20;
/// The most notifications one listing returns.
pub const MAX_LIST: i64 = 200;

/// What to tell someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub user_id: Uuid,
    /// What caused it, e.g. `award.issued`, `credential.expiring`.
    pub kind: String,
    /// Unique: a second notification with this key is not stored (nor e-mailed).
    pub dedupe_key: String,
    /// One line; also the e-mail's subject.
    pub title: String,
    /// Plain text.
    pub body: String,
    /// Where in Cairn it leads: a path such as `/credentials/{id}` (made absolute with the
    /// public URL in e-mails).
    pub link: Option<String>,
}

/// A notification as its recipient sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
    /// none (not e-mailed), pending, sent or failed.
    pub email_state: String,
}

impl From<NotificationRow> for Notification {
    fn from(r: NotificationRow) -> Self {
        Notification {
            id: r.id,
            kind: r.kind,
            title: r.title,
            body: r.body,
            link: r.link,
            created_at: r.created_at,
            read_at: r.read_at,
            email_state: r.email_state,
        }
    }
}

fn validate(n: &NewNotification) -> Result<()> {
    let checks: [(&'static str, &str, usize); 4] = [
        ("kind", &n.kind, 100),
        ("dedupe_key", &n.dedupe_key, 300),
        ("title", &n.title, 200),
        ("body", &n.body, 10_000),
    ];
    for (field, value, max) in checks {
        if value.trim().is_empty() {
            return Err(Invalid::new(field, "must not be empty").into());
        }
        if value.chars().count() > max {
            return Err(Invalid::new(field, format!("must be at most {max} characters")).into());
        }
    }
    if n.title.chars().any(char::is_control) {
        return Err(Invalid::new("title", "must be one line").into());
    }
    // A path of this site, or a web address: never `javascript:` or a scheme-relative
    // `//host` that pages would render as a link elsewhere.
    let fits = |l: &str| {
        (l.starts_with('/') && !l.starts_with("//"))
            || l.starts_with("https://")
            || l.starts_with("http://")
    };
    if let Some(link) = &n.link
        && !fits(link)
    {
        return Err(Invalid::new("link", "must be a path in Cairn or an http(s) address").into());
    }
    Ok(())
}

fn signed_in(by: &Principal) -> Result<Uuid> {
    by.user_id()
        .ok_or_else(|| AppError::Unauthenticated("sign in to see your notifications".into()))
}

/// Keeps a process's e-mail passes from overlapping: on SQLite, where the batch is not
/// locked in the database, two passes would send the same messages.
static EMAIL_PASS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl App {
    /// Store a notification inside the caller's transaction, so it exists exactly when
    /// what caused it does. It is to be e-mailed when SMTP is configured and the person has
    /// an e-mail address. False when its dedupe key was already used.
    pub(crate) async fn notify(&self, tx: &mut Tx, n: &NewNotification) -> Result<bool> {
        validate(n)?;
        let user = tx
            .conn()
            .user_by_id(n.user_id)
            .await?
            .ok_or_else(|| AppError::NotFound("person".into()))?;
        let email_state = if self.config.smtp.is_some() && user.primary_email().is_some() {
            "pending"
        } else {
            "none"
        };
        let row = NotificationRow {
            id: Uuid::now_v7(),
            user_id: n.user_id,
            kind: n.kind.clone(),
            dedupe_key: n.dedupe_key.clone(),
            title: n.title.clone(),
            body: n.body.clone(),
            link: n.link.clone(),
            created_at: now(),
            read_at: None,
            email_state: email_state.into(),
            email_tries: 0,
            email_error: None,
            emailed_at: None,
        };
        Ok(tx.conn().insert_notification(&row).await?)
    }

    /// [`App::notify`] in a transaction of its own, for work that has none (workers,
    /// tools). Trusted callers only: it checks no permission.
    pub async fn notify_now(&self, n: &NewNotification) -> Result<bool> {
        let mut tx = self.store.begin().await?;
        let inserted = self.notify(&mut tx, n).await?;
        tx.commit().await?;
        Ok(inserted)
    }

    /// The signed-in person's newest notifications (at most `limit`, up to [`MAX_LIST`]),
    /// and how many of all theirs are unread.
    pub async fn my_notifications(
        &self,
        by: &Principal,
        limit: i64,
    ) -> Result<(Vec<Notification>, i64)> {
        let me = signed_in(by)?;
        let mut r = self.store.reader().await?;
        let rows = r
            .conn()
            .notifications_of_user(me, limit.clamp(1, MAX_LIST))
            .await?;
        let unread = r.conn().count_unread_notifications(me).await?;
        Ok((rows.into_iter().map(Into::into).collect(), unread))
    }

    /// Mark one of the signed-in person's notifications read. Someone else's is "not
    /// found", as one that does not exist.
    pub async fn mark_notification_read(&self, by: &Principal, id: Uuid) -> Result<()> {
        let me = signed_in(by)?;
        let mut tx = self.store.begin().await?;
        if !tx.conn().mark_notification_read(id, me, now()).await? {
            return Err(AppError::NotFound("notification".into()));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Mark all of the signed-in person's notifications read; how many were unread.
    pub async fn mark_all_read(&self, by: &Principal) -> Result<u64> {
        let me = signed_in(by)?;
        let mut tx = self.store.begin().await?;
        let n = tx.conn().mark_all_notifications_read(me, now()).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The e-mail worker's pass: send what is pending, one try each; returns how many the
    /// relay accepted. Does nothing without SMTP configured. Safe to run on several
    /// servers at once.
    pub async fn send_pending_emails(&self) -> Result<usize> {
        let Some(smtp) = self.config.smtp.clone() else {
            return Ok(0);
        };
        let _pass = EMAIL_PASS.lock().await;
        let mut sent = 0;
        loop {
            let (batch_sent, batch_len, all_sent) = match self.store.backend() {
                // Row locks held while sending keep other servers off this batch.
                Backend::Postgres => {
                    let mut tx = self.store.begin().await?;
                    let rows = tx.conn().lock_pending_emails(BATCH).await?;
                    let len = rows.len();
                    let mut ok = 0;
                    for row in rows {
                        let outcome = self.deliver(&smtp, &row).await;
                        ok += usize::from(record(&mut tx.conn(), &row, outcome).await?);
                    }
                    tx.commit().await?;
                    (ok, len, ok == len)
                }
                // SQLite's one writer must not wait on the network: read, send, then
                // record each outcome in a short transaction.
                Backend::Sqlite => {
                    let rows = {
                        let mut r = self.store.reader().await?;
                        r.conn().lock_pending_emails(BATCH).await?
                    };
                    let len = rows.len();
                    let mut ok = 0;
                    for row in rows {
                        let outcome = self.deliver(&smtp, &row).await;
                        let mut tx = self.store.begin().await?;
                        ok += usize::from(record(&mut tx.conn(), &row, outcome).await?);
                        tx.commit().await?;
                    }
                    (ok, len, ok == len)
                }
            };
            sent += batch_sent;
            // Another batch only when this one was full and wholly sent: a failure is
            // retried by the next pass, not at once.
            if batch_len < BATCH as usize || !all_sent || batch_len == 0 {
                return Ok(sent);
            }
        }
    }

    /// Hand one notification to the relay. Err carries a reason fit to store and log.
    async fn deliver(
        &self,
        smtp: &SmtpConfig,
        row: &NotificationRow,
    ) -> std::result::Result<(), String> {
        let to = {
            let mut r = self.store.reader().await.map_err(|e| e.to_string())?;
            r.conn()
                .user_by_id(row.user_id)
                .await
                .map_err(|e| e.to_string())?
                .and_then(|u| u.primary_email().map(str::to_owned))
        };
        let Some(to) = to else {
            return Err("the person has no e-mail address".into());
        };
        let mut body = row.body.clone();
        if let Some(link) = &row.link {
            let link = if link.starts_with('/') {
                format!("{}{link}", self.config.public_url)
            } else {
                link.clone()
            };
            body.push_str(&format!("\n\n{link}\n"));
        }
        let domain = smtp.from.rsplit_once('@').map_or("cairn", |(_, d)| d);
        let message_id = format!("{}@{domain}", row.id);
        let mail = smtp::Mail {
            from: &smtp.from,
            to: &to,
            subject: &row.title,
            body: &body,
            date: now(),
            message_id: &message_id,
        };
        smtp::send(&smtp.host, smtp.port, &mail)
            .await
            .map_err(|e| e.to_string())
    }

    /// The e-mail worker: send what is pending at start and then every `every`. Several
    /// servers may run it on one database.
    pub fn spawn_notification_worker(
        &self,
        every: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            if app.config.smtp.is_none() {
                return;
            }
            loop {
                match app.send_pending_emails().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(sent = n, "e-mailed notifications"),
                    Err(e) => tracing::warn!(error = %e, "the notification worker will retry"),
                }
                tokio::time::sleep(every).await;
            }
        })
    }
}

/// Record how sending went; whether it was sent.
async fn record(
    conn: &mut Conn<'_>,
    row: &NotificationRow,
    outcome: std::result::Result<(), String>,
) -> Result<bool> {
    match outcome {
        Ok(()) => {
            conn.mark_emailed(row.id, now()).await?;
            Ok(true)
        }
        Err(e) => {
            // The reason names the step and the relay's answer, never the message.
            tracing::warn!(notification = %row.id, tries = row.email_tries + 1, error = %e, "e-mailing a notification failed");
            conn.record_email_failure(row.id, &e, EMAIL_TRIES).await?;
            Ok(false)
        }
    }
}
