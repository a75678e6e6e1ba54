//! Organizations, their members, teams, API tokens and audit log.

use cairn_core::audit::AuditEvent;
use cairn_core::authz::Action;
use cairn_core::validate::{self, Invalid};
use cairn_core::{ApiToken, Email, Membership, OrgKind, Organization, Principal, Role, User};
pub use cairn_store::{MemberRow, TeamSummary};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::Duration;
use uuid::Uuid;

use crate::accounts::TOKEN_PREFIX;
use crate::security::{random_secret, secret_hash};
use crate::{App, AppError, Result, audit_entry, now, require};

#[derive(Debug, Clone, Deserialize)]
pub struct NewOrg {
    /// Derived from the name when absent.
    pub slug: Option<String>,
    pub name: String,
    #[serde(default)]
    pub kinds: Vec<OrgKind>,
}

/// Who will run a new organization (see [`App::create_org_with_admin`]).
#[derive(Debug, Clone, Deserialize)]
pub struct FirstAdmin {
    pub email: String,
    /// For a new account: the person's name and a first password.
    pub display_name: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewMember {
    pub email: String,
    /// Needed when the e-mail address has no account yet.
    pub display_name: Option<String>,
    pub role: Role,
    pub job_title: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    /// Days until the token stops working; none means until revoked.
    pub expires_in_days: Option<u32>,
}

/// A token as created: the secret is shown this once and never again.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

pub const MAX_TOKEN_DAYS: u32 = 3650;

impl App {
    pub async fn create_org(&self, by: &Principal, new: NewOrg) -> Result<Organization> {
        require(by, Action::OrgCreate, None)?;
        let org = new_organization(new)?;
        let mut tx = self.store.begin().await?;
        insert_org_audited(&mut tx, by, &org).await?;
        tx.commit().await?;
        Ok(org)
    }

    /// An operator starts an organization from the pages: the organization and its first
    /// administrator, in one transaction, so no organization is left without anyone able to
    /// run it. The administrator is an existing account, or a new one made with the name and
    /// password the operator gives (to hand over; the person can change it).
    pub async fn create_org_with_admin(
        &self,
        by: &Principal,
        new: NewOrg,
        admin: FirstAdmin,
    ) -> Result<Organization> {
        require(by, Action::OrgCreate, None)?;
        if new.kinds.is_empty() {
            return Err(Invalid::new(
                "kinds",
                "choose at least one kind: what the organization does on Cairn",
            )
            .into());
        }
        let org = new_organization(new)?;
        let email = validate::email(&admin.email)?;
        let existing = {
            let mut r = self.store.reader().await?;
            r.conn().user_id_by_email(&email).await?
        };
        let new_user = match existing {
            Some(_) => None,
            None => {
                require(by, Action::UserManage, None)?;
                let name = admin.display_name.as_deref().unwrap_or_default();
                if name.trim().is_empty() {
                    return Err(Invalid::new(
                        "admin_name",
                        format!("{email} has no account yet: give the person's name to create one"),
                    )
                    .into());
                }
                let name = validate::name("admin_name", name)?;
                let password = admin.password.as_deref().unwrap_or_default();
                validate::password(password)
                    .map_err(|e| Invalid::new("admin_password", e.message))?;
                let hash = self.hash_password(password.to_owned()).await?;
                let user = User {
                    id: Uuid::now_v7(),
                    display_name: name,
                    emails: vec![Email {
                        address: email.clone(),
                        primary: true,
                    }],
                    is_operator: false,
                    created_at: now(),
                };
                Some((user, hash))
            }
        };
        let mut tx = self.store.begin().await?;
        insert_org_audited(&mut tx, by, &org).await?;
        let user_id = match new_user {
            Some((user, hash)) => {
                tx.conn().insert_user(&user, Some(&hash)).await?;
                let entry = audit_entry(
                    by,
                    None,
                    "user.create",
                    format!("user:{}", user.id),
                    json!({"operator": false}),
                );
                tx.conn().append_audit(&entry, now()).await?;
                user.id
            }
            // Looked up again inside the transaction: the account may have been made since.
            None => tx.conn().user_id_by_email(&email).await?.ok_or_else(|| {
                AppError::Conflict(format!(
                    "the account of {email} just disappeared: try again"
                ))
            })?,
        };
        let m = Membership {
            org_id: org.id,
            user_id,
            role: Role::Admin,
            job_title: None,
            created_at: now(),
        };
        tx.conn().insert_membership(&m).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "member.add",
            format!("user:{user_id}"),
            json!({"role": m.role}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(org)
    }

    /// Look an organization up by slug. Missing organizations are "not found" for everyone;
    /// existing ones need the right to view them.
    pub async fn org(&self, by: &Principal, slug: &str) -> Result<Organization> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::OrgView, Some(org.id))?;
        Ok(org)
    }

    /// For public pages (a did:web document, an issuer profile) that need no permission.
    pub async fn org_unchecked(&self, slug: &str) -> Result<Organization> {
        let mut r = self.store.reader().await?;
        r.conn()
            .org_by_slug(slug)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("organization '{slug}'")))
    }

    /// Every issuer organization. Issuers are public (their profiles, keys and achievement
    /// definitions are served to anyone), so no permission is needed.
    pub async fn issuer_orgs(&self) -> Result<Vec<Organization>> {
        let mut r = self.store.reader().await?;
        Ok(r.conn()
            .list_orgs()
            .await?
            .into_iter()
            .filter(|o| o.is(OrgKind::Issuer))
            .collect())
    }

    /// The organizations a principal can see: all for operators, otherwise their own.
    pub async fn orgs_visible_to(&self, by: &Principal) -> Result<Vec<Organization>> {
        let mut r = self.store.reader().await?;
        if by.may(Action::OrgListAll, None) {
            return Ok(r.conn().list_orgs().await?);
        }
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (org, _) in &by.grants {
            if seen.insert(*org)
                && let Some(o) = r.conn().org_by_id(*org).await?
            {
                out.push(o);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    pub async fn rename_org(&self, by: &Principal, slug: &str, name: &str) -> Result<Organization> {
        let mut org = self.org_unchecked(slug).await?;
        require(by, Action::OrgUpdate, Some(org.id))?;
        let name = validate::name("name", name)?;
        let mut tx = self.store.begin().await?;
        tx.conn().rename_org(org.id, &name).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "org.rename",
            format!("org:{}", org.id),
            json!({"from": org.name, "to": name}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        org.name = name;
        Ok(org)
    }

    /// Add a person to an organization with a role, creating their account (without a
    /// password) when the e-mail address is new.
    pub async fn add_member(
        &self,
        by: &Principal,
        slug: &str,
        new: NewMember,
    ) -> Result<Membership> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::MemberManage, Some(org.id))?;
        let email = validate::email(&new.email)?;
        let job_title = new
            .job_title
            .as_deref()
            .map(|t| validate::name("job_title", t))
            .transpose()?;
        let mut tx = self.store.begin().await?;
        let user_id = match tx.conn().user_id_by_email(&email).await? {
            Some(id) => id,
            None => {
                let name = new.display_name.as_deref().ok_or_else(|| {
                    Invalid::new(
                        "display_name",
                        format!("{email} has no account yet: give the person's name to create one"),
                    )
                })?;
                let user = User {
                    id: Uuid::now_v7(),
                    display_name: validate::name("display_name", name)?,
                    emails: vec![Email {
                        address: email.clone(),
                        primary: true,
                    }],
                    is_operator: false,
                    created_at: now(),
                };
                tx.conn().insert_user(&user, None).await?;
                user.id
            }
        };
        let m = Membership {
            org_id: org.id,
            user_id,
            role: new.role,
            job_title,
            created_at: now(),
        };
        tx.conn().insert_membership(&m).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "member.add",
            format!("user:{user_id}"),
            json!({"role": m.role}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(m)
    }

    pub async fn remove_member(
        &self,
        by: &Principal,
        slug: &str,
        user_id: Uuid,
        role: Role,
    ) -> Result<()> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::MemberManage, Some(org.id))?;
        let mut tx = self.store.begin().await?;
        if role == Role::Admin && tx.conn().count_admins(org.id).await? <= 1 {
            // Checked in the same transaction as the delete, so two admins removing each
            // other cannot leave the organization with none.
            let is_admin = tx
                .conn()
                .memberships_of_user(user_id)
                .await?
                .iter()
                .any(|m| m.org_id == org.id && m.role == Role::Admin);
            if is_admin {
                return Err(AppError::Conflict(
                    "this is the organization's last admin: make someone else admin first".into(),
                ));
            }
        }
        if !tx.conn().delete_membership(org.id, user_id, role).await? {
            return Err(AppError::NotFound(format!(
                "a '{role}' membership for this person"
            )));
        }
        let entry = audit_entry(
            by,
            Some(org.id),
            "member.remove",
            format!("user:{user_id}"),
            json!({"role": role}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn members(
        &self,
        by: &Principal,
        slug: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Organization, Vec<MemberRow>, i64)> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::MemberList, Some(org.id))?;
        let mut r = self.store.reader().await?;
        let rows = r
            .conn()
            .members_of_org(org.id, limit.clamp(1, 500), offset.max(0))
            .await?;
        let total = r.conn().count_members(org.id).await?;
        Ok((org, rows, total))
    }

    pub async fn teams(&self, by: &Principal, slug: &str) -> Result<Vec<TeamSummary>> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::TeamView, Some(org.id))?;
        let mut r = self.store.reader().await?;
        Ok(r.conn().teams_of_org(org.id).await?)
    }

    pub async fn create_token(
        &self,
        by: &Principal,
        slug: &str,
        new: NewToken,
    ) -> Result<CreatedToken> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::TokenManage, Some(org.id))?;
        let name = validate::name("name", &new.name)?;
        let expires_at = match new.expires_in_days {
            Some(0) | None => None,
            Some(d) if d > MAX_TOKEN_DAYS => {
                return Err(Invalid::new(
                    "expires_in_days",
                    format!("must be at most {MAX_TOKEN_DAYS} days"),
                )
                .into());
            }
            Some(d) => Some(now() + Duration::days(i64::from(d))),
        };
        let secret = format!("{TOKEN_PREFIX}{}", random_secret(32)?);
        let token = ApiToken {
            id: Uuid::now_v7(),
            org_id: org.id,
            role: new.role,
            name,
            created_by: by.user_id(),
            created_at: now(),
            expires_at,
            revoked_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.conn()
            .insert_token(&token, &secret_hash(&secret))
            .await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "token.create",
            format!("token:{}", token.id),
            json!({"role": token.role, "name": token.name}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(CreatedToken { token, secret })
    }

    pub async fn tokens(&self, by: &Principal, slug: &str) -> Result<Vec<ApiToken>> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::TokenManage, Some(org.id))?;
        let mut r = self.store.reader().await?;
        Ok(r.conn().tokens_of_org(org.id).await?)
    }

    pub async fn revoke_token(&self, by: &Principal, slug: &str, token_id: Uuid) -> Result<()> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::TokenManage, Some(org.id))?;
        let mut tx = self.store.begin().await?;
        if !tx.conn().revoke_token(org.id, token_id, now()).await? {
            return Err(AppError::NotFound("API token".into()));
        }
        let entry = audit_entry(
            by,
            Some(org.id),
            "token.revoke",
            format!("token:{token_id}"),
            json!({}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn audit_log(
        &self,
        by: &Principal,
        slug: &str,
        after: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEvent>, Option<i64>)> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::AuditView, Some(org.id))?;
        let mut r = self.store.reader().await?;
        let page = r
            .conn()
            .audit_events(Some(org.id), after.max(0), limit.clamp(1, 500))
            .await?;
        Ok((page.events, page.next_after))
    }

    /// Check the whole audit chain; the first break, if any, is named.
    pub async fn verify_audit_chain(&self) -> Result<AuditCheck> {
        let mut r = self.store.reader().await?;
        let mut prev = cairn_core::audit::GENESIS;
        let mut after = 0;
        let mut count = 0u64;
        loop {
            let page = r.conn().audit_events(None, after, 1000).await?;
            count += page.events.len() as u64;
            match cairn_core::audit::verify_chain(prev, &page.events) {
                Ok(h) => prev = h,
                Err(brk) => {
                    return Ok(AuditCheck {
                        events: count,
                        broken: Some(brk.to_string()),
                    });
                }
            }
            match page.next_after {
                Some(n) => after = n,
                None => break,
            }
        }
        Ok(AuditCheck {
            events: count,
            broken: None,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditCheck {
    pub events: u64,
    pub broken: Option<String>,
}

fn new_organization(new: NewOrg) -> Result<Organization> {
    let name = validate::name("name", &new.name)?;
    let slug = match new.slug.filter(|s| !s.trim().is_empty()) {
        Some(s) => validate::slug(&s)?,
        None => validate::slugify(&name),
    };
    let mut kinds = new.kinds;
    kinds.sort();
    kinds.dedup();
    Ok(Organization {
        id: Uuid::now_v7(),
        slug,
        name,
        kinds,
        created_at: now(),
    })
}

async fn insert_org_audited(
    tx: &mut cairn_store::Tx,
    by: &Principal,
    org: &Organization,
) -> Result<()> {
    tx.conn().insert_org(org).await?;
    let entry = audit_entry(
        by,
        Some(org.id),
        "org.create",
        format!("org:{}", org.id),
        json!({"slug": org.slug, "kinds": org.kinds}),
    );
    tx.conn().append_audit(&entry, now()).await?;
    Ok(())
}
