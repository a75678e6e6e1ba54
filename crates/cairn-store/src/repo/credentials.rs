use cairn_core::{
    Achievement, AchievementKind, AchievementSpec, CredentialRecord, CredentialState,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::conn::{Conn, on};
use crate::{Result, StoreError};

/// A signing key as stored: the public half in the clear, the seed sealed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SigningKeyRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub public_multibase: String,
    pub secret_sealed: Vec<u8>,
    pub created_at: OffsetDateTime,
    pub retired_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct AchievementRow {
    id: Uuid,
    org_id: Uuid,
    kind: String,
    name: String,
    description: String,
    criteria: String,
    created_at: OffsetDateTime,
    rule: Option<String>,
    review_policy: String,
    alignments: String,
    image_url: Option<String>,
    validity_days: Option<i32>,
    stack: Option<String>,
    credits: Option<i64>,
    renewal: Option<String>,
}

fn corrupt_json(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("stored {what} is not valid: {e}"))
}

impl TryFrom<AchievementRow> for Achievement {
    type Error = StoreError;
    fn try_from(r: AchievementRow) -> Result<Self> {
        Ok(Achievement {
            id: r.id,
            org_id: r.org_id,
            kind: AchievementKind::parse(&r.kind).ok_or_else(|| {
                StoreError::Corrupt(format!("unknown achievement kind '{}'", r.kind))
            })?,
            name: r.name,
            description: r.description,
            criteria: r.criteria,
            created_at: r.created_at,
            spec: AchievementSpec {
                rule: r
                    .rule
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| corrupt_json("achievement rule", e))?,
                review_policy: serde_json::from_str(&r.review_policy)
                    .map_err(|e| corrupt_json("review policy", e))?,
                alignments: serde_json::from_str(&r.alignments)
                    .map_err(|e| corrupt_json("achievement alignments", e))?,
                image_url: r.image_url,
                validity_days: r.validity_days.and_then(|d| u32::try_from(d).ok()),
                stack: r
                    .stack
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| corrupt_json("stack rule", e))?,
                credits: r.credits.and_then(|c| u64::try_from(c).ok()),
                renewal: r
                    .renewal
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| corrupt_json("renewal", e))?,
            },
        })
    }
}

macro_rules! achievement_columns {
    () => {
        "id, org_id, kind, name, description, criteria, created_at, rule, review_policy, alignments, image_url, validity_days, stack, credits, renewal"
    };
}

/// A credential to store: its record and its signed forms.
#[derive(Debug, Clone)]
pub struct NewCredential<'a> {
    pub record: &'a CredentialRecord,
    pub document: &'a str,
    pub jwt: Option<&'a str>,
}

#[derive(sqlx::FromRow)]
struct CredentialRow {
    id: Uuid,
    org_id: Uuid,
    achievement_id: Option<Uuid>,
    recipient_user: Option<Uuid>,
    recipient: String,
    name: String,
    status_list: i32,
    status_index: i32,
    revoked_at: Option<OffsetDateTime>,
    suspended_at: Option<OffsetDateTime>,
    status_reason: Option<String>,
    issued_at: OffsetDateTime,
    valid_until: Option<OffsetDateTime>,
}

impl From<CredentialRow> for CredentialRecord {
    fn from(r: CredentialRow) -> Self {
        let state = if r.revoked_at.is_some() {
            CredentialState::Revoked
        } else if r.suspended_at.is_some() {
            CredentialState::Suspended
        } else {
            CredentialState::Active
        };
        CredentialRecord {
            id: r.id,
            org_id: r.org_id,
            achievement_id: r.achievement_id,
            recipient_user: r.recipient_user,
            recipient: r.recipient,
            name: r.name,
            state,
            status_reason: r.status_reason,
            status_list: r.status_list,
            status_index: r.status_index,
            issued_at: r.issued_at,
            valid_until: r.valid_until,
        }
    }
}

macro_rules! credential_columns {
    () => {
        "id, org_id, achievement_id, recipient_user, recipient, name, status_list, status_index, revoked_at, suspended_at, status_reason, issued_at, valid_until"
    };
}

/// A signed status list credential as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StatusListRow {
    pub org_id: Uuid,
    pub purpose: String,
    pub list_no: i32,
    pub credential: String,
    pub updated_at: OffsetDateTime,
}

impl Conn<'_> {
    pub async fn insert_signing_key(&mut self, k: &SigningKeyRow) -> Result<()> {
        let q = "INSERT INTO signing_keys (id, org_id, public_multibase, secret_sealed, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, $6)";
        on!(self, |c| sqlx::query(q)
            .bind(k.id)
            .bind(k.org_id)
            .bind(&k.public_multibase)
            .bind(&k.secret_sealed)
            .bind(k.created_at)
            .bind(k.retired_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("this signing key"))?;
        Ok(())
    }

    /// Insert an organization's first active key, unless another transaction (another
    /// server) made one meanwhile: false then, and that key is the one to use. On
    /// PostgreSQL this waits for the other transaction to end.
    pub async fn insert_first_signing_key(&mut self, k: &SigningKeyRow) -> Result<bool> {
        let q = "INSERT INTO signing_keys (id, org_id, public_multibase, secret_sealed, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, NULL) \
                 ON CONFLICT (org_id) WHERE retired_at IS NULL DO NOTHING";
        let n = on!(self, |c| sqlx::query(q)
            .bind(k.id)
            .bind(k.org_id)
            .bind(&k.public_multibase)
            .bind(&k.secret_sealed)
            .bind(k.created_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// All keys of an organization, newest first; the first unretired one signs.
    pub async fn signing_keys(&mut self, org: Uuid) -> Result<Vec<SigningKeyRow>> {
        let q = "SELECT id, org_id, public_multibase, secret_sealed, created_at, retired_at FROM signing_keys WHERE org_id = $1 ORDER BY created_at DESC, id DESC";
        let rows: Vec<SigningKeyRow> =
            on!(self, |c| sqlx::query_as(q).bind(org).fetch_all(c).await)?;
        Ok(rows)
    }

    pub async fn retire_signing_keys(&mut self, org: Uuid, at: OffsetDateTime) -> Result<u64> {
        let q = "UPDATE signing_keys SET retired_at = $2 WHERE org_id = $1 AND retired_at IS NULL";
        let n = on!(self, |c| sqlx::query(q)
            .bind(org)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n)
    }

    pub async fn insert_achievement(&mut self, a: &Achievement) -> Result<()> {
        let q = "INSERT INTO achievements (id, org_id, kind, name, description, criteria, created_at, rule, review_policy, alignments, image_url, validity_days, stack, credits, renewal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
        self.write_achievement(q, a).await.map(|_| ())
    }

    /// Replace what an achievement says (not its id, issuer or creation time).
    pub async fn update_achievement(&mut self, a: &Achievement) -> Result<bool> {
        let q = "UPDATE achievements SET kind = $3, name = $4, description = $5, criteria = $6, rule = $8, review_policy = $9, alignments = $10, image_url = $11, validity_days = $12, stack = $13, credits = $14, renewal = $15 \
                 WHERE id = $1 AND org_id = $2 AND created_at = $7";
        Ok(self.write_achievement(q, a).await? == 1)
    }

    async fn write_achievement(&mut self, q: &'static str, a: &Achievement) -> Result<u64> {
        let rule = a
            .spec
            .rule
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| corrupt_json("achievement rule", e))?;
        let policy = serde_json::to_string(&a.spec.review_policy)
            .map_err(|e| corrupt_json("review policy", e))?;
        let alignments = serde_json::to_string(&a.spec.alignments)
            .map_err(|e| corrupt_json("achievement alignments", e))?;
        let validity = a
            .spec
            .validity_days
            .map(|d| i32::try_from(d).unwrap_or(i32::MAX));
        let stack = a
            .spec
            .stack
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| corrupt_json("stack rule", e))?;
        let renewal = a
            .spec
            .renewal
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| corrupt_json("renewal", e))?;
        let credits = a.spec.credits.map(|c| i64::try_from(c).unwrap_or(i64::MAX));
        on!(self, |c| sqlx::query(q)
            .bind(a.id)
            .bind(a.org_id)
            .bind(a.kind.as_str())
            .bind(&a.name)
            .bind(&a.description)
            .bind(&a.criteria)
            .bind(a.created_at)
            .bind(&rule)
            .bind(&policy)
            .bind(&alignments)
            .bind(&a.spec.image_url)
            .bind(validity)
            .bind(&stack)
            .bind(credits)
            .bind(&renewal)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("an achievement with this name"))
    }

    pub async fn achievement(&mut self, id: Uuid) -> Result<Option<Achievement>> {
        let q = concat!(
            "SELECT ",
            achievement_columns!(),
            " FROM achievements WHERE id = $1"
        );
        let row: Option<AchievementRow> =
            on!(self, |c| sqlx::query_as(q).bind(id).fetch_optional(c).await)?;
        row.map(TryInto::try_into).transpose()
    }

    pub async fn achievements_of_org(&mut self, org: Uuid) -> Result<Vec<Achievement>> {
        let q = concat!(
            "SELECT ",
            achievement_columns!(),
            " FROM achievements WHERE org_id = $1 ORDER BY name"
        );
        let rows: Vec<AchievementRow> =
            on!(self, |c| sqlx::query_as(q).bind(org).fetch_all(c).await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Is this (list, index) of the organization already taken?
    pub async fn status_index_taken(&mut self, org: Uuid, list: i32, index: i32) -> Result<bool> {
        let q = "SELECT EXISTS (SELECT 1 FROM credentials WHERE org_id = $1 AND status_list = $2 AND status_index = $3)";
        let taken: bool = on!(self, |c| sqlx::query_scalar(q)
            .bind(org)
            .bind(list)
            .bind(index)
            .fetch_one(c)
            .await)?;
        Ok(taken)
    }

    pub async fn count_in_status_list(&mut self, org: Uuid, list: i32) -> Result<i64> {
        let q = "SELECT COUNT(*) FROM credentials WHERE org_id = $1 AND status_list = $2";
        let n: i64 = on!(self, |c| sqlx::query_scalar(q)
            .bind(org)
            .bind(list)
            .fetch_one(c)
            .await)?;
        Ok(n)
    }

    pub async fn max_status_list(&mut self, org: Uuid) -> Result<Option<i32>> {
        let q = "SELECT MAX(status_list) FROM credentials WHERE org_id = $1";
        let n: Option<i32> = on!(self, |c| sqlx::query_scalar(q).bind(org).fetch_one(c).await)?;
        Ok(n)
    }

    pub async fn insert_credential(&mut self, new: &NewCredential<'_>) -> Result<()> {
        let r = new.record;
        let q = "INSERT INTO credentials (id, org_id, achievement_id, recipient_user, recipient, name, document, jwt, status_list, status_index, issued_at, valid_until) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
        on!(self, |c| sqlx::query(q)
            .bind(r.id)
            .bind(r.org_id)
            .bind(r.achievement_id)
            .bind(r.recipient_user)
            .bind(&r.recipient)
            .bind(&r.name)
            .bind(new.document)
            .bind(new.jwt)
            .bind(r.status_list)
            .bind(r.status_index)
            .bind(r.issued_at)
            .bind(r.valid_until)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as(
            "a credential with this id or status index",
        ))?;
        Ok(())
    }

    pub async fn credential(&mut self, id: Uuid) -> Result<Option<CredentialRecord>> {
        let q = concat!(
            "SELECT ",
            credential_columns!(),
            " FROM credentials WHERE id = $1"
        );
        let row: Option<CredentialRow> =
            on!(self, |c| sqlx::query_as(q).bind(id).fetch_optional(c).await)?;
        Ok(row.map(Into::into))
    }

    /// The signed JSON document and, when issued as one, the vc+jwt form.
    pub async fn credential_document(
        &mut self,
        id: Uuid,
    ) -> Result<Option<(String, Option<String>)>> {
        let q = "SELECT document, jwt FROM credentials WHERE id = $1";
        let row: Option<(String, Option<String>)> =
            on!(self, |c| sqlx::query_as(q).bind(id).fetch_optional(c).await)?;
        Ok(row)
    }

    pub async fn credentials_of_org(
        &mut self,
        org: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<CredentialRecord>> {
        let q = concat!(
            "SELECT ",
            credential_columns!(),
            " FROM credentials WHERE org_id = $1 ORDER BY issued_at DESC, id LIMIT $2 OFFSET $3"
        );
        let rows: Vec<CredentialRow> = on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(limit)
            .bind(offset)
            .fetch_all(c)
            .await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub async fn credentials_of_user(&mut self, user: Uuid) -> Result<Vec<CredentialRecord>> {
        let q = concat!(
            "SELECT ",
            credential_columns!(),
            " FROM credentials WHERE recipient_user = $1 ORDER BY issued_at DESC, id"
        );
        let rows: Vec<CredentialRow> =
            on!(self, |c| sqlx::query_as(q).bind(user).fetch_all(c).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub async fn count_credentials(&mut self, org: Uuid) -> Result<i64> {
        let q = "SELECT COUNT(*) FROM credentials WHERE org_id = $1";
        let n: i64 = on!(self, |c| sqlx::query_scalar(q).bind(org).fetch_one(c).await)?;
        Ok(n)
    }

    /// Set a credential's state. Returns false when the organization has no such credential.
    pub async fn set_credential_state(
        &mut self,
        org: Uuid,
        id: Uuid,
        revoked_at: Option<OffsetDateTime>,
        suspended_at: Option<OffsetDateTime>,
        reason: Option<&str>,
    ) -> Result<bool> {
        let q = "UPDATE credentials SET revoked_at = $3, suspended_at = $4, status_reason = $5 WHERE org_id = $1 AND id = $2";
        let n = on!(self, |c| sqlx::query(q)
            .bind(org)
            .bind(id)
            .bind(revoked_at)
            .bind(suspended_at)
            .bind(reason)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Indexes whose bit is set in one status list: credentials revoked or suspended
    /// (each carries a single status entry; see decision 0007).
    pub async fn status_set_indexes(&mut self, org: Uuid, list: i32) -> Result<Vec<i32>> {
        let q = "SELECT status_index FROM credentials WHERE org_id = $1 AND status_list = $2 AND (revoked_at IS NOT NULL OR suspended_at IS NOT NULL)";
        let rows: Vec<i32> = on!(self, |c| sqlx::query_scalar(q)
            .bind(org)
            .bind(list)
            .fetch_all(c)
            .await)?;
        Ok(rows)
    }

    pub async fn upsert_status_list(&mut self, row: &StatusListRow) -> Result<()> {
        let q = "INSERT INTO status_lists (org_id, purpose, list_no, credential, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (org_id, purpose, list_no) DO UPDATE SET credential = excluded.credential, updated_at = excluded.updated_at";
        on!(self, |c| sqlx::query(q)
            .bind(row.org_id)
            .bind(&row.purpose)
            .bind(row.list_no)
            .bind(&row.credential)
            .bind(row.updated_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn status_list(
        &mut self,
        org: Uuid,
        purpose: &str,
        list: i32,
    ) -> Result<Option<StatusListRow>> {
        let q = "SELECT org_id, purpose, list_no, credential, updated_at FROM status_lists WHERE org_id = $1 AND purpose = $2 AND list_no = $3";
        let row: Option<StatusListRow> = on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(purpose)
            .bind(list)
            .fetch_optional(c)
            .await)?;
        Ok(row)
    }
}

impl Conn<'_> {
    /// 'web' or 'key'.
    pub async fn issuer_did_method(&mut self, org: Uuid) -> Result<String> {
        let q = "SELECT issuer_did_method FROM organizations WHERE id = $1";
        let m: Option<String> = on!(self, |c| sqlx::query_scalar(q)
            .bind(org)
            .fetch_optional(c)
            .await)?;
        m.ok_or(StoreError::NotFound("organization"))
    }

    pub async fn set_issuer_did_method(&mut self, org: Uuid, method: &str) -> Result<()> {
        let q = "UPDATE organizations SET issuer_did_method = $2 WHERE id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(org)
            .bind(method)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
