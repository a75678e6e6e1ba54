//! People and how they prove who they are: passwords and sessions for browsers, API tokens
//! for programs.

use std::sync::OnceLock;

use cairn_core::authz::Action;
use cairn_core::{Email, Principal, PrincipalKind, User, validate};
use cairn_store::SessionRow;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::security::{hash_password, random_secret, secret_hash, verify_password};
use crate::{App, AppError, Result, audit_entry, now, require};

/// Prefix of API token secrets, so that a leaked token is recognizable in logs and scanners.
pub const TOKEN_PREFIX: &str = "cairn_";

const WRONG_CREDENTIALS: &str = "the e-mail address or the password is wrong";

/// A new browser session. The secret goes into the cookie and is never stored.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_secret: String,
    pub csrf_token: String,
    pub user: User,
    pub expires_at: OffsetDateTime,
}

/// A live session, as found from its cookie.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub principal: Principal,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewUser {
    pub display_name: String,
    pub email: String,
    pub password: Option<String>,
    #[serde(default)]
    pub is_operator: bool,
}

impl App {
    /// Create a person. Only operators (and the command line) create accounts directly;
    /// organization admins add people through [`App::add_member`].
    pub async fn create_user(&self, by: &Principal, new: NewUser) -> Result<User> {
        require(by, Action::UserManage, None)?;
        let display_name = validate::name("display_name", &new.display_name)?;
        let email = validate::email(&new.email)?;
        let hash = match &new.password {
            Some(pw) => {
                validate::password(pw)?;
                Some(self.hash_password(pw.clone()).await?)
            }
            None => None,
        };
        let user = User {
            id: Uuid::now_v7(),
            display_name,
            emails: vec![Email {
                address: email,
                primary: true,
            }],
            is_operator: new.is_operator,
            created_at: now(),
        };
        let mut tx = self.store.begin().await?;
        tx.conn().insert_user(&user, hash.as_deref()).await?;
        let entry = audit_entry(
            by,
            None,
            "user.create",
            format!("user:{}", user.id),
            json!({"operator": user.is_operator}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Set a person's password (the command line, or the person themself).
    pub async fn set_password(&self, by: &Principal, user_id: Uuid, password: &str) -> Result<()> {
        if by.user_id() != Some(user_id) {
            require(by, Action::UserManage, None)?;
        }
        validate::password(password)?;
        let hash = self.hash_password(password.to_owned()).await?;
        let mut tx = self.store.begin().await?;
        tx.conn().set_password_hash(user_id, &hash).await?;
        let entry = audit_entry(
            by,
            None,
            "user.set_password",
            format!("user:{user_id}"),
            json!({}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = validate::email(email)?;
        let mut r = self.store.reader().await?;
        let Some(id) = r.conn().user_id_by_email(&email).await? else {
            return Ok(None);
        };
        Ok(r.conn().user_by_id(id).await?)
    }

    pub(crate) async fn hash_password(&self, password: String) -> Result<String> {
        let cost = self.config.password_cost;
        // Argon2 is deliberately slow; keep it off the async worker threads.
        tokio::task::spawn_blocking(move || hash_password(&password, cost))
            .await
            .map_err(|e| AppError::Internal(format!("password hashing task: {e}")))?
    }

    async fn check_password(&self, password: String, stored: Option<String>) -> Result<bool> {
        let cost = self.config.password_cost;
        tokio::task::spawn_blocking(move || {
            // With no stored hash, still spend the same effort, so response times do not
            // tell an attacker which e-mail addresses have accounts.
            static DUMMY: OnceLock<Option<String>> = OnceLock::new();
            match stored {
                Some(h) => verify_password(&password, &h),
                None => {
                    if let Some(d) =
                        DUMMY.get_or_init(|| hash_password("dummy-password", cost).ok())
                    {
                        verify_password(&password, d);
                    }
                    false
                }
            }
        })
        .await
        .map_err(|e| AppError::Internal(format!("password check task: {e}")))
    }

    /// Sign in with e-mail and password, creating a session.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<SignedIn> {
        let wrong = || AppError::Unauthenticated(WRONG_CREDENTIALS.to_owned());
        let Ok(email) = validate::email(email) else {
            return Err(wrong());
        };
        let facts = {
            let mut r = self.store.reader().await?;
            r.conn().sign_in_facts(&email).await?
        };
        let Some(facts) = facts else {
            self.check_password(password.to_owned(), None).await?;
            return Err(wrong());
        };
        let t = now();
        let lock_expired = match facts.locked_until {
            Some(until) if until > t => return Err(AppError::Locked { until }),
            Some(_) => true,
            None => false,
        };
        let ok = self
            .check_password(password.to_owned(), facts.password_hash.clone())
            .await?;
        let user_id = facts.user_id;
        let mut tx = self.store.begin().await?;
        if lock_expired {
            tx.conn().clear_failed_sign_ins(user_id).await?;
        }
        if !ok {
            let failures = if lock_expired {
                1
            } else {
                facts.failed_sign_ins + 1
            };
            let lock = (failures >= self.config.lockout_after).then(|| t + self.config.lockout_for);
            tx.conn().record_failed_sign_in(user_id, lock).await?;
            let entry = cairn_core::audit::AuditEntry {
                actor: "anonymous".into(),
                org_id: None,
                action: "session.sign_in_failed".into(),
                subject: format!("user:{user_id}"),
                detail: json!({"failures": failures, "locked": lock.is_some()}).to_string(),
            };
            tx.conn().append_audit(&entry, t).await?;
            tx.commit().await?;
            return Err(match lock {
                Some(until) => AppError::Locked { until },
                None => wrong(),
            });
        }
        let session_secret = random_secret(32)?;
        let csrf_token = random_secret(32)?;
        let expires_at = t + self.config.session_ttl;
        tx.conn().clear_failed_sign_ins(user_id).await?;
        tx.conn()
            .insert_session(&SessionRow {
                id_hash: secret_hash(&session_secret),
                user_id,
                csrf_token: csrf_token.clone(),
                created_at: t,
                expires_at,
            })
            .await?;
        let entry = cairn_core::audit::AuditEntry {
            actor: format!("user:{user_id}"),
            org_id: None,
            action: "session.sign_in".into(),
            subject: format!("user:{user_id}"),
            detail: "{}".into(),
        };
        tx.conn().append_audit(&entry, t).await?;
        let user = tx
            .conn()
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| AppError::NotFound("person".into()))?;
        tx.commit().await?;
        Ok(SignedIn {
            session_secret,
            csrf_token,
            user,
            expires_at,
        })
    }

    /// The session a cookie secret names, if it is still valid.
    pub async fn session(&self, secret: &str) -> Result<Session> {
        let hash = secret_hash(secret);
        let mut r = self.store.reader().await?;
        let row = r.conn().session_by_hash(&hash).await?.ok_or_else(|| {
            AppError::Unauthenticated(
                "you are not signed in, or your session has ended: sign in again".into(),
            )
        })?;
        if row.expires_at <= now() {
            drop(r);
            let mut tx = self.store.begin().await?;
            tx.conn().delete_session(&hash).await?;
            tx.commit().await?;
            return Err(AppError::Unauthenticated(
                "your session has expired: sign in again".into(),
            ));
        }
        let user = r
            .conn()
            .user_by_id(row.user_id)
            .await?
            .ok_or_else(|| AppError::Unauthenticated("this account no longer exists".into()))?;
        let grants = r
            .conn()
            .memberships_of_user(user.id)
            .await?
            .into_iter()
            .map(|m| (m.org_id, m.role))
            .collect();
        let principal = Principal {
            kind: PrincipalKind::User { user_id: user.id },
            is_operator: user.is_operator,
            grants,
        };
        Ok(Session {
            user,
            principal,
            csrf_token: row.csrf_token,
            expires_at: row.expires_at,
        })
    }

    /// End a session. Ending one that does not exist is not an error.
    pub async fn sign_out(&self, secret: &str) -> Result<()> {
        let mut tx = self.store.begin().await?;
        tx.conn().delete_session(&secret_hash(secret)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The principal an `Authorization: Bearer` token stands for.
    pub async fn token_principal(&self, secret: &str) -> Result<Principal> {
        let invalid = || {
            AppError::Unauthenticated(
                "this API token is not valid: check that it was copied whole and has not been revoked or expired".into(),
            )
        };
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(invalid());
        }
        let mut r = self.store.reader().await?;
        let token = r
            .conn()
            .token_by_hash(&secret_hash(secret))
            .await?
            .ok_or_else(invalid)?;
        if !token.is_usable_at(now()) {
            return Err(invalid());
        }
        Ok(Principal {
            kind: PrincipalKind::Token { token_id: token.id },
            is_operator: false,
            grants: vec![(token.org_id, token.role)],
        })
    }
}
