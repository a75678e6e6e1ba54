//! Achievements and credentials: issuing Open Badges 3.0 credentials signed with the
//! issuer organization's key, their status lists, did:web documents, and verification.

use std::sync::Arc;

use cairn_core::authz::Action;
use cairn_core::validate::{self, Invalid};
use cairn_core::{
    Achievement, AchievementKind, CredentialRecord, CredentialState, OrgKind, Organization,
    Principal,
};
use cairn_store::{Conn, NewCredential, SigningKeyRow, StatusListRow, Tx};
use cairn_vc::bake::CredentialInput;
use cairn_vc::did::{DocumentFetcher, did_web_document, did_web_from_url, did_web_to_url};
use cairn_vc::keys::{KeyPair, PublicKey};
use cairn_vc::ob3::{self, CredentialBuilder, Profile};
use cairn_vc::status::{BitstringStatusList, StatusPurpose, status_entry, status_list_credential};
use cairn_vc::verify::{VerificationReport, VerifyOptions};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::security::random_secret;
use crate::{App, AppError, Result, audit_entry, now, require};

/// Indexes per status list: the Bitstring Status List minimum (16 KiB), which also
/// gives each credential herd privacy among many.
pub const STATUS_LIST_BITS: usize = BitstringStatusList::MIN_BITS;
/// A list takes new credentials until half full, so random indexes stay cheap to find.
const STATUS_LIST_FILL: i64 = (STATUS_LIST_BITS / 2) as i64;

#[derive(Debug, Clone, Deserialize)]
pub struct NewAchievement {
    pub kind: AchievementKind,
    pub name: String,
    pub description: String,
    pub criteria: String,
    /// Award rule, review policy, alignments and validity; all optional.
    #[serde(default)]
    pub spec: cairn_core::AchievementSpec,
}

/// Whom a credential is for.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// Named by a salted hash of the address in the credential; linked to the account
    /// with that address, if any.
    Email(String),
    /// A DID or URL the learner controls.
    Id(String),
}

#[derive(Debug, Clone, Deserialize)]
pub struct IssueRequest {
    pub achievement_id: Uuid,
    pub recipient: Recipient,
    pub valid_until: Option<OffsetDateTime>,
    /// Also produce the VC-JOSE `vc+jwt` form.
    #[serde(default)]
    pub jwt: bool,
}

/// What an issued credential says beyond the achievement itself.
#[derive(Debug, Clone, Default)]
pub struct Ob3Extras {
    pub evidence: Vec<ob3::Evidence>,
    pub results: Vec<ob3::AchievementResult>,
    pub result_descriptions: Vec<ob3::ResultDescription>,
    pub alignments: Vec<ob3::Alignment>,
}

/// A credential just issued.
#[derive(Debug, Clone, Serialize)]
pub struct Issued {
    pub record: CredentialRecord,
    pub document: Value,
    pub jwt: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusAction {
    Revoke,
    Suspend,
    Reinstate,
}

/// A credential as anyone may see it.
#[derive(Debug, Clone)]
pub struct PublicCredential {
    pub record: CredentialRecord,
    pub document: Value,
    pub jwt: Option<String>,
    pub issuer: Organization,
}

/// Who signs for an organization, and with what.
pub(crate) struct Signer {
    pub(crate) did: String,
    pub(crate) verification_method: String,
    pub(crate) key: KeyPair,
}

impl App {
    /// `{public_url}/orgs/{slug}`: the issuer's home, and its did:web location.
    pub fn issuer_url(&self, org: &Organization) -> String {
        format!("{}/orgs/{}", self.config.public_url, org.slug)
    }

    /// Where an achievement's definition is named (its OB 3.0 id).
    pub fn achievement_url(&self, org: &Organization, id: Uuid) -> String {
        format!("{}/achievements/{}", self.issuer_url(org), id)
    }

    pub fn credential_url(&self, id: Uuid) -> String {
        format!("{}/credentials/{id}", self.config.public_url)
    }

    pub fn status_list_url(&self, org: &Organization, purpose: StatusPurpose, list: i32) -> String {
        format!(
            "{}/status/{}/{list}",
            self.issuer_url(org),
            purpose.as_str()
        )
    }

    fn did_web(&self, org: &Organization) -> Result<String> {
        did_web_from_url(&self.issuer_url(org)).map_err(|e| {
            AppError::Unavailable(format!(
                "the public URL does not make a did:web identifier: {e}"
            ))
        })
    }

    /// The key that signs now, creating the organization's first key when it has none.
    pub(crate) async fn signer(&self, conn: &mut Conn<'_>, org: &Organization) -> Result<Signer> {
        let master = self.config.master_key.as_ref().ok_or_else(|| {
            AppError::Unavailable(
                "this server has no master key configured (CAIRN_MASTER_KEY or --master-key-file), so it cannot sign credentials".into(),
            )
        })?;
        let keys = conn.signing_keys(org.id).await?;
        let key = match keys.iter().find(|k| k.retired_at.is_none()) {
            Some(row) => master.open(org.id, &row.secret_sealed)?,
            None => {
                let kp = KeyPair::generate().map_err(|e| AppError::Internal(e.to_string()))?;
                let made = conn
                    .insert_first_signing_key(&SigningKeyRow {
                        id: Uuid::now_v7(),
                        org_id: org.id,
                        public_multibase: kp.public_multibase(),
                        secret_sealed: master.seal(org.id, &kp.seed())?,
                        created_at: now(),
                        retired_at: None,
                    })
                    .await?;
                if made {
                    // A new did:web document: verification must not keep the old one.
                    self.trust_cache.changing(self.now());
                    kp
                } else {
                    // Another server made the organization's key at the same moment.
                    let keys = conn.signing_keys(org.id).await?;
                    let row = keys
                        .iter()
                        .find(|k| k.retired_at.is_none())
                        .ok_or_else(|| {
                            AppError::Internal("the organization's new signing key is gone".into())
                        })?;
                    master.open(org.id, &row.secret_sealed)?
                }
            }
        };
        Ok(match conn.issuer_did_method(org.id).await?.as_str() {
            "key" => Signer {
                did: key.did_key(),
                verification_method: key.did_key_verification_method(),
                key,
            },
            _ => {
                let did = self.did_web(org)?;
                Signer {
                    verification_method: format!("{did}#{}", key.public_multibase()),
                    did,
                    key,
                }
            }
        })
    }

    async fn issuer_org(&self, by: &Principal, slug: &str, action: Action) -> Result<Organization> {
        let org = self.org_unchecked(slug).await?;
        require(by, action, Some(org.id))?;
        if !org.is(OrgKind::Issuer) {
            return Err(AppError::Conflict(format!(
                "{} is not an issuer organization; an operator can make it one",
                org.name
            )));
        }
        Ok(org)
    }

    /// The DID document of an issuer, listing every key it ever signed with.
    pub async fn did_document(&self, slug: &str) -> Result<Value> {
        let org = self.org_unchecked(slug).await?;
        let mut r = self.store.reader().await?;
        let keys = r.conn().signing_keys(org.id).await?;
        if keys.is_empty() || r.conn().issuer_did_method(org.id).await? != "web" {
            return Err(AppError::NotFound(format!(
                "a did:web document for '{slug}'"
            )));
        }
        let public: Vec<PublicKey> = keys
            .iter()
            .filter_map(|k| PublicKey::from_multibase(&k.public_multibase).ok())
            .collect();
        Ok(did_web_document(&self.did_web(&org)?, &public))
    }

    /// Choose how the organization names itself: `web` (did:web, default) or `key`
    /// (did:key). Only before its first credential: issued credentials name the old one.
    pub async fn set_issuer_did_method(
        &self,
        by: &Principal,
        slug: &str,
        method: &str,
    ) -> Result<()> {
        let org = self.issuer_org(by, slug, Action::KeyManage).await?;
        if method != "web" && method != "key" {
            return Err(Invalid::new("did_method", "must be 'web' or 'key'").into());
        }
        let mut tx = self.store.begin().await?;
        if tx.conn().count_credentials(org.id).await? > 0 {
            return Err(AppError::Conflict(
                "this organization has issued credentials under its current identifier; it cannot change it".into(),
            ));
        }
        tx.conn().set_issuer_did_method(org.id, method).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "issuer.did_method",
            format!("org:{}", org.id),
            json!({"method": method}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        self.trust_cache.changed();
        Ok(())
    }

    /// Retire the signing key and start signing with a new one. The old public key stays
    /// in the DID document, so what it signed keeps verifying.
    pub async fn rotate_signing_key(&self, by: &Principal, slug: &str) -> Result<String> {
        let org = self.issuer_org(by, slug, Action::KeyManage).await?;
        let mut tx = self.store.begin().await?;
        if tx.conn().issuer_did_method(org.id).await? == "key" {
            return Err(AppError::Conflict(
                "a did:key issuer is its key: rotating it would change its identity and orphan its status lists".into(),
            ));
        }
        tx.conn().retire_signing_keys(org.id, now()).await?;
        let public = self
            .signer(&mut tx.conn(), &org)
            .await?
            .key
            .public_multibase();
        let entry = audit_entry(
            by,
            Some(org.id),
            "key.rotate",
            format!("org:{}", org.id),
            json!({"public_key": public}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        // Status lists are re-signed with the new key.
        self.resign_all_status_lists(&mut tx, &org).await?;
        tx.commit().await?;
        self.trust_cache.changed();
        Ok(public)
    }

    pub async fn create_achievement(
        &self,
        by: &Principal,
        slug: &str,
        new: NewAchievement,
    ) -> Result<Achievement> {
        let org = self.issuer_org(by, slug, Action::AchievementManage).await?;
        let a = Achievement {
            id: Uuid::now_v7(),
            org_id: org.id,
            kind: new.kind,
            name: validate::name("name", &new.name)?,
            description: nonempty("description", &new.description, 4000)?,
            criteria: nonempty("criteria", &new.criteria, 4000)?,
            created_at: now(),
            spec: new.spec,
        };
        let mut tx = self.store.begin().await?;
        self.check_achievement_spec(&mut tx, &a).await?;
        self.check_stack_spec(&mut tx, &a).await?;
        tx.conn().insert_achievement(&a).await?;
        self.index_achievement_rule(&mut tx, &a).await?;
        self.index_stack(&mut tx, &a).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "achievement.create",
            format!("achievement:{}", a.id),
            json!({"name": a.name, "kind": a.kind}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Replace what an achievement says: its words, rule or stack, renewal and policies.
    /// Credentials already issued keep what they said when signed; new rules apply from
    /// the next event.
    pub async fn update_achievement(
        &self,
        by: &Principal,
        slug: &str,
        id: Uuid,
        new: NewAchievement,
    ) -> Result<Achievement> {
        let org = self.issuer_org(by, slug, Action::AchievementManage).await?;
        let mut tx = self.store.begin().await?;
        let old = tx
            .conn()
            .achievement(id)
            .await?
            .filter(|a| a.org_id == org.id)
            .ok_or_else(|| AppError::NotFound("achievement".into()))?;
        let a = Achievement {
            kind: new.kind,
            name: validate::name("name", &new.name)?,
            description: nonempty("description", &new.description, 4000)?,
            criteria: nonempty("criteria", &new.criteria, 4000)?,
            spec: new.spec,
            ..old.clone()
        };
        self.check_achievement_spec(&mut tx, &a).await?;
        self.check_stack_spec(&mut tx, &a).await?;
        if !tx.conn().update_achievement(&a).await? {
            return Err(AppError::NotFound("achievement".into()));
        }
        tx.conn().clear_rule_refs(a.id).await?;
        self.index_achievement_rule(&mut tx, &a).await?;
        self.index_stack(&mut tx, &a).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "achievement.update",
            format!("achievement:{}", a.id),
            json!({"name": a.name, "kind": a.kind, "before": old.spec, "after": a.spec}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// One achievement of any issuer (achievements are public: credentials link to them).
    pub async fn achievement(&self, id: Uuid) -> Result<Achievement> {
        let mut r = self.store.reader().await?;
        r.conn()
            .achievement(id)
            .await?
            .ok_or_else(|| AppError::NotFound("achievement".into()))
    }

    pub async fn achievements(&self, slug: &str) -> Result<Vec<Achievement>> {
        let org = self.org_unchecked(slug).await?;
        let mut r = self.store.reader().await?;
        Ok(r.conn().achievements_of_org(org.id).await?)
    }

    /// Issue a credential for one of the organization's achievements.
    pub async fn issue_credential(
        &self,
        by: &Principal,
        slug: &str,
        req: IssueRequest,
    ) -> Result<Issued> {
        let org = self.issuer_org(by, slug, Action::CredentialIssue).await?;
        let mut tx = self.store.begin().await?;
        let achievement = tx
            .conn()
            .achievement(req.achievement_id)
            .await?
            .filter(|a| a.org_id == org.id)
            .ok_or_else(|| AppError::NotFound("achievement".into()))?;
        let issued = self.issue_in(&mut tx, by, &org, &achievement, &req).await?;
        tx.commit().await?;
        // The credential may complete stacks: sign them now.
        self.process_awards().await;
        Ok(issued)
    }

    /// Issue several credentials in one transaction (seeding, bulk awards).
    pub(crate) async fn issue_in(
        &self,
        tx: &mut Tx,
        by: &Principal,
        org: &Organization,
        achievement: &Achievement,
        req: &IssueRequest,
    ) -> Result<Issued> {
        self.issue_in_with(tx, by, org, achievement, req, &Ob3Extras::default())
            .await
    }

    /// As [`App::issue_in`], with OB 3.0 evidence and results (awards state what was done
    /// and how well).
    pub(crate) async fn issue_in_with(
        &self,
        tx: &mut Tx,
        by: &Principal,
        org: &Organization,
        achievement: &Achievement,
        req: &IssueRequest,
        extras: &Ob3Extras,
    ) -> Result<Issued> {
        let IssueRequest {
            recipient,
            valid_until,
            jwt: with_jwt,
            ..
        } = req;
        // UTC, whole seconds: what the signed document says, and a form whose text
        // compares in time order where the database stores times as text (SQLite).
        let valid_until = valid_until.map(|v| {
            let v = v.to_offset(time::UtcOffset::UTC);
            v.replace_nanosecond(0).unwrap_or(v)
        });
        let with_jwt = *with_jwt;
        let signer = self.signer(&mut tx.conn(), org).await?;
        let id = Uuid::now_v7();
        let issued_at = now();
        let mut ob_achievement = ob3::Achievement::new(
            self.achievement_url(org, achievement.id),
            ob3_kind(achievement.kind),
            &achievement.name,
            &achievement.description,
            &achievement.criteria,
        );
        ob_achievement.result_description = extras.result_descriptions.clone();
        ob_achievement.alignment = extras.alignments.clone();
        ob_achievement
            .alignment
            .extend(self.ob3_alignments(tx, achievement).await?);
        if let Some(url) = &achievement.spec.image_url {
            ob_achievement.image = Some(ob3::Image {
                id: url.clone(),
                kind: "Image".into(),
                caption: None,
            });
        }
        let issuer = Profile::new(&signer.did, &org.name);
        let mut b =
            CredentialBuilder::new(self.credential_url(id), issuer, ob_achievement, issued_at);
        for e in &extras.evidence {
            b = b.evidence(e.clone());
        }
        for r in &extras.results {
            b = b.result(r.clone());
        }
        let (recipient_text, recipient_user) = match recipient {
            Recipient::Email(e) => {
                let email = validate::email(e)?;
                let user = tx.conn().user_id_by_email(&email).await?;
                b = b.hashed_email(&email, &random_secret(12)?);
                (email, user)
            }
            Recipient::Id(id) => {
                if !(id.starts_with("did:") || id.starts_with("https://") || id.starts_with("urn:"))
                {
                    return Err(Invalid::new(
                        "recipient",
                        "an id must be a DID, an https URL or a URN",
                    )
                    .into());
                }
                b = b.subject_id(id);
                (id.clone(), None)
            }
        };
        if let Some(v) = valid_until {
            if v <= issued_at {
                return Err(Invalid::new("valid_until", "must be in the future").into());
            }
            b = b.valid_until(v);
        }
        let unsigned = b.build().to_value();
        let record = CredentialRecord {
            id,
            org_id: org.id,
            achievement_id: Some(achievement.id),
            recipient_user,
            recipient: recipient_text,
            name: achievement.name.clone(),
            state: CredentialState::Active,
            status_reason: None,
            status_list: 0,
            status_index: 0,
            issued_at,
            valid_until,
        };
        self.sign_and_store(tx, by, org, &signer, unsigned, record, with_jwt)
            .await
    }

    /// The competencies an achievement proves, as OB 3.0 alignments to the framework's
    /// CASE items (an alignment whose competency is gone is left out, not invented).
    async fn ob3_alignments(
        &self,
        tx: &mut Tx,
        achievement: &Achievement,
    ) -> Result<Vec<ob3::Alignment>> {
        let mut out = Vec::new();
        for a in &achievement.spec.alignments {
            let Some(c) = tx.conn().competency_by_id(a.competency_id).await? else {
                continue;
            };
            let framework = tx.conn().framework_by_id(c.framework_id).await?;
            let mut al = ob3::Alignment::new(&c.statement, &c.uri);
            al.target_code = c.code.clone();
            al.target_framework = framework.map(|f| f.title);
            al.target_type = Some("CFItem".into());
            al.target_description = a.level.map(|l| format!("Demonstrated at level {l}"));
            out.push(al);
        }
        Ok(out)
    }

    /// Give the credential its status entries, sign it, store it and record it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn sign_and_store(
        &self,
        tx: &mut Tx,
        by: &Principal,
        org: &Organization,
        signer: &Signer,
        mut unsigned: Value,
        mut record: CredentialRecord,
        with_jwt: bool,
    ) -> Result<Issued> {
        let (list, index) = allocate_status_index(&mut tx.conn(), org.id).await?;
        record.status_list = list;
        record.status_index = index;
        if tx
            .conn()
            .status_list(org.id, StatusPurpose::Revocation.as_str(), list)
            .await?
            .is_none()
        {
            self.resign_status_lists(tx, org, signer, list).await?;
        }
        // One entry: the OB 3.0 schema allows a single credentialStatus object. Suspension
        // shows to verifiers as this bit too (see docs/decisions/0007-status-lists.md).
        unsigned["credentialStatus"] = status_entry(
            &self.status_list_url(org, StatusPurpose::Revocation, list),
            index as usize,
            StatusPurpose::Revocation,
        );
        let document = cairn_vc::di::sign_credential(
            &unsigned,
            &signer.key,
            &signer.verification_method,
            record.issued_at,
        )
        .map_err(|e| Invalid::new("credential", format!("cannot be signed: {e}")))?;
        let jwt = if with_jwt {
            Some(
                cairn_vc::jwt::issue_jwt(&unsigned, &signer.key, &signer.verification_method)
                    .map_err(|e| {
                        Invalid::new("credential", format!("cannot be signed as vc+jwt: {e}"))
                    })?,
            )
        } else {
            None
        };
        let text = document.to_string();
        tx.conn()
            .insert_credential(&NewCredential {
                record: &record,
                document: &text,
                jwt: jwt.as_deref(),
            })
            .await?;
        self.after_credential_issued(tx, &record).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "credential.issue",
            format!("credential:{}", record.id),
            json!({"name": record.name, "status_list": list, "status_index": index}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        Ok(Issued {
            record,
            document,
            jwt,
        })
    }

    /// VC-API issuing: sign a caller-supplied OB 3.0 credential in the organization's name.
    /// Cairn sets the issuer, the id, validFrom when absent, and its own status entries.
    pub async fn issue_document(
        &self,
        by: &Principal,
        slug: &str,
        mut unsigned: Value,
        with_jwt: bool,
    ) -> Result<Issued> {
        let org = self.issuer_org(by, slug, Action::CredentialIssue).await?;
        let name = unsigned
            .get("name")
            .and_then(Value::as_str)
            .or_else(|| {
                unsigned
                    .pointer("/credentialSubject/achievement/name")
                    .and_then(Value::as_str)
            })
            .unwrap_or("Credential")
            .chars()
            .take(200)
            .collect::<String>();
        let recipient = unsigned
            .pointer("/credentialSubject/id")
            .and_then(Value::as_str)
            .unwrap_or("(identified by hashed identifier)")
            .to_owned();
        let Some(obj) = unsigned.as_object_mut() else {
            return Err(Invalid::new("credential", "must be a JSON object").into());
        };
        obj.remove("proof");
        let first_context = obj
            .get("@context")
            .and_then(|c| c.get(0))
            .and_then(Value::as_str);
        if first_context != Some(cairn_vc::contexts::VC_V2) {
            return Err(Invalid::new(
                "credential",
                format!("@context must start with {}", cairn_vc::contexts::VC_V2),
            )
            .into());
        }
        let id = Uuid::now_v7();
        let issued_at = now();
        // Always Cairn's URL, so the credential's id leads to its public page.
        obj.insert("id".into(), json!(self.credential_url(id)));
        obj.entry("validFrom")
            .or_insert_with(|| json!(cairn_vc::di::format_datetime(issued_at)));
        let mut tx = self.store.begin().await?;
        let signer = self.signer(&mut tx.conn(), &org).await?;
        let issuer = match obj.get("issuer") {
            Some(Value::Object(o)) => {
                let mut o = o.clone();
                o.insert("id".into(), json!(signer.did));
                Value::Object(o)
            }
            _ => json!({"id": signer.did, "type": ["Profile"], "name": org.name}),
        };
        obj.insert("issuer".into(), issuer);
        let record = CredentialRecord {
            id,
            org_id: org.id,
            achievement_id: None,
            recipient_user: None,
            recipient,
            name,
            state: CredentialState::Active,
            status_reason: None,
            status_list: 0,
            status_index: 0,
            issued_at,
            valid_until: obj
                .get("validUntil")
                .and_then(Value::as_str)
                .and_then(|v| cairn_vc::di::parse_datetime(v).ok()),
        };
        let issued = self
            .sign_and_store(&mut tx, by, &org, &signer, unsigned, record, with_jwt)
            .await?;
        tx.commit().await?;
        Ok(issued)
    }

    /// Revoke, suspend or reinstate a credential, and re-sign its status lists.
    pub async fn set_credential_status(
        &self,
        by: &Principal,
        slug: &str,
        id: Uuid,
        action: StatusAction,
        reason: Option<&str>,
    ) -> Result<CredentialRecord> {
        let org = self
            .issuer_org(by, slug, Action::CredentialStatusChange)
            .await?;
        let reason = reason.map(|r| nonempty("reason", r, 500)).transpose()?;
        let mut tx = self.store.begin().await?;
        let record = tx
            .conn()
            .credential(id)
            .await?
            .filter(|c| c.org_id == org.id)
            .ok_or_else(|| AppError::NotFound("credential".into()))?;
        let updated = self
            .change_status(&mut tx, by, &org, record, action, reason.as_deref(), true)
            .await?;
        tx.commit().await?;
        // Committed: what verification reads may be kept again at once.
        self.trust_cache.changed();
        // A reinstated component may complete stacks: sign them now.
        self.process_awards().await;
        Ok(updated)
    }

    /// Change a credential's status from a stack's policy (no cascade: the policy already
    /// judged every stack above), by the system, with the reason recorded.
    pub(crate) async fn change_status_in(
        &self,
        tx: &mut Tx,
        credential: Uuid,
        action: StatusAction,
        reason: &str,
        cascade: bool,
    ) -> Result<CredentialRecord> {
        let record = tx
            .conn()
            .credential(credential)
            .await?
            .ok_or_else(|| AppError::NotFound("credential".into()))?;
        let org = tx
            .conn()
            .org_by_id(record.org_id)
            .await?
            .ok_or_else(|| AppError::NotFound("organization".into()))?;
        // Boxed: a status change may change the status of the stacks above it.
        Box::pin(self.change_status(
            tx,
            &Principal::system(),
            &org,
            record,
            action,
            Some(reason),
            cascade,
        ))
        .await
    }

    /// Set the status, re-sign the status list, audit it and, with `cascade`, let the
    /// stacks built on the credential follow their policies.
    #[allow(clippy::too_many_arguments)]
    async fn change_status(
        &self,
        tx: &mut Tx,
        by: &Principal,
        org: &Organization,
        record: CredentialRecord,
        action: StatusAction,
        reason: Option<&str>,
        cascade: bool,
    ) -> Result<CredentialRecord> {
        let id = record.id;
        let t = now();
        let (revoked, suspended) = match (action, record.state) {
            (_, CredentialState::Revoked) => {
                return Err(AppError::Conflict(
                    "this credential is revoked; revocation is final".into(),
                ));
            }
            (StatusAction::Revoke, _) => (Some(t), None),
            (StatusAction::Suspend, _) => (None, Some(t)),
            (StatusAction::Reinstate, CredentialState::Active) => {
                return Err(AppError::Conflict(
                    "this credential is not suspended".into(),
                ));
            }
            (StatusAction::Reinstate, CredentialState::Suspended) => (None, None),
        };
        tx.conn()
            .set_credential_state(org.id, id, revoked, suspended, reason)
            .await?;
        let signer = self.signer(&mut tx.conn(), org).await?;
        self.resign_status_lists(tx, org, &signer, record.status_list)
            .await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            match action {
                StatusAction::Revoke => "credential.revoke",
                StatusAction::Suspend => "credential.suspend",
                StatusAction::Reinstate => "credential.reinstate",
            },
            format!("credential:{id}"),
            json!({"reason": reason}),
        );
        tx.conn().append_audit(&entry, t).await?;
        if action == StatusAction::Revoke {
            // A revoked award no longer counts: the learner may earn the achievement again.
            tx.conn().deactivate_award_of_credential(id).await?;
        }
        let updated = tx
            .conn()
            .credential(id)
            .await?
            .ok_or_else(|| AppError::NotFound("credential".into()))?;
        if cascade {
            tx.conn().clear_auto_suspended_of_credential(id).await?;
            match action {
                StatusAction::Revoke => {
                    self.after_credential_lost(tx, &updated, crate::stacks::Loss::Revoked)
                        .await?
                }
                StatusAction::Suspend => {
                    self.after_credential_lost(tx, &updated, crate::stacks::Loss::Suspended)
                        .await?
                }
                StatusAction::Reinstate => self.after_credential_reinstated(tx, &updated).await?,
            }
        }
        Ok(updated)
    }

    /// Rebuild and sign the status list numbered `list` from the credentials' states: a bit
    /// is set while its credential is revoked or suspended.
    async fn resign_status_lists(
        &self,
        tx: &mut Tx,
        org: &Organization,
        signer: &Signer,
        list: i32,
    ) -> Result<()> {
        // Inside a transaction committed further up: verification reads the database until
        // it can have been (see TrustCache::changing).
        self.trust_cache.changing(self.now());
        let purpose = StatusPurpose::Revocation;
        let mut bits = BitstringStatusList::new(STATUS_LIST_BITS);
        for i in tx.conn().status_set_indexes(org.id, list).await? {
            bits.set(i as usize, true)
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        let url = self.status_list_url(org, purpose, list);
        let t = now();
        let unsigned = status_list_credential(&url, &signer.did, purpose, &bits, t)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let signed =
            cairn_vc::di::sign_credential(&unsigned, &signer.key, &signer.verification_method, t)
                .map_err(|e| AppError::Internal(format!("signing the status list: {e}")))?;
        tx.conn()
            .upsert_status_list(&StatusListRow {
                org_id: org.id,
                purpose: purpose.as_str().into(),
                list_no: list,
                credential: signed.to_string(),
                updated_at: t,
            })
            .await?;
        Ok(())
    }

    /// Re-sign every status list of an organization (after bulk changes).
    pub(crate) async fn resign_all_status_lists(
        &self,
        tx: &mut Tx,
        org: &Organization,
    ) -> Result<()> {
        let signer = self.signer(&mut tx.conn(), org).await?;
        for list in 0..=tx.conn().max_status_list(org.id).await?.unwrap_or(0) {
            self.resign_status_lists(tx, org, &signer, list).await?;
        }
        Ok(())
    }

    pub async fn credentials(
        &self,
        by: &Principal,
        slug: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<CredentialRecord>, i64)> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::CredentialList, Some(org.id))?;
        let mut r = self.store.reader().await?;
        let rows = r
            .conn()
            .credentials_of_org(org.id, limit.clamp(1, 500), offset.max(0))
            .await?;
        let total = r.conn().count_credentials(org.id).await?;
        Ok((rows, total))
    }

    /// The credentials issued to the signed-in person.
    pub async fn my_credentials(&self, by: &Principal) -> Result<Vec<CredentialRecord>> {
        let Some(user) = by.user_id() else {
            return Ok(Vec::new());
        };
        let mut r = self.store.reader().await?;
        Ok(r.conn().credentials_of_user(user).await?)
    }

    /// A credential anyone with its link may see and verify.
    pub async fn public_credential(&self, id: Uuid) -> Result<PublicCredential> {
        let mut r = self.store.reader().await?;
        let record = r
            .conn()
            .credential(id)
            .await?
            .ok_or_else(|| AppError::NotFound("credential".into()))?;
        let (text, jwt) = r
            .conn()
            .credential_document(id)
            .await?
            .ok_or_else(|| AppError::NotFound("credential".into()))?;
        let document = serde_json::from_str(&text)
            .map_err(|e| AppError::Internal(format!("stored credential: {e}")))?;
        let issuer = r
            .conn()
            .org_by_id(record.org_id)
            .await?
            .ok_or_else(|| AppError::NotFound("issuer".into()))?;
        Ok(PublicCredential {
            record,
            document,
            jwt,
            issuer,
        })
    }

    /// The signed status list credential, as served at its URL.
    pub async fn status_list_document(
        &self,
        slug: &str,
        purpose: &str,
        list: i32,
    ) -> Result<String> {
        let org = self.org_unchecked(slug).await?;
        let mut r = self.store.reader().await?;
        r.conn()
            .status_list(org.id, purpose, list)
            .await?
            .map(|row| row.credential)
            .ok_or_else(|| AppError::NotFound(format!("status list {purpose}/{list} of '{slug}'")))
    }

    /// Verify a credential (JSON value) with documents this server holds itself: its own
    /// issuers' DID documents and status lists. Documents on other hosts are not fetched.
    pub async fn verify_value(&self, credential: Value) -> Result<VerificationReport> {
        self.verify_input(CredentialInput::Json(credential)).await
    }

    /// Verify whatever a person hands in: JSON, a vc+jwt, or a baked PNG or SVG badge.
    pub async fn verify_bytes(&self, bytes: &[u8]) -> Result<VerificationReport> {
        let input = cairn_vc::bake::extract_any(bytes)
            .map_err(|e| Invalid::new("credential", e.to_string()))?;
        self.verify_input(input).await
    }

    pub async fn verify_input(&self, input: CredentialInput) -> Result<VerificationReport> {
        let payload = crate::registry::jwt_payload(&input);
        let documents = match crate::registry::credential_of(&input, payload.as_ref()) {
            Some(p) => self.local_documents_for(p).await?,
            None => LocalDocuments::default(),
        };
        self.check_credential(input, documents).await
    }

    /// The checks themselves, with the documents this server holds for the credential.
    pub(crate) async fn check_credential(
        &self,
        input: CredentialInput,
        documents: LocalDocuments,
    ) -> Result<VerificationReport> {
        let t = self.now();
        // A credential of ordinary size takes about 0.1 ms to check: handing it to another
        // thread and back costs more than that (task switches, and memory freed on another
        // thread than allocated it). A large one could hold up the requests behind it.
        if is_small(&input) {
            let opts = VerifyOptions::new(t, &documents);
            return Ok(cairn_vc::verify::verify_input(&input, &opts));
        }
        tokio::task::spawn_blocking(move || {
            let opts = VerifyOptions::new(t, &documents);
            cairn_vc::verify::verify_input(&input, &opts)
        })
        .await
        .map_err(|e| AppError::Internal(format!("verification task: {e}")))
    }

    /// The issuer organization a principal acts for when it names none: its only one.
    pub async fn default_issuer_org(&self, by: &Principal) -> Result<String> {
        let mut candidates = Vec::new();
        for org in self.orgs_visible_to(by).await? {
            if org.is(OrgKind::Issuer) && by.may(Action::CredentialIssue, Some(org.id)) {
                candidates.push(org.slug);
            }
        }
        match candidates.len() {
            1 => Ok(candidates.remove(0)),
            0 => Err(AppError::Forbidden(
                cairn_core::authz::Denied::MissingRole {
                    action: Action::CredentialIssue.describe(),
                    needed: "admin of an issuer organization".into(),
                },
            )),
            _ => Err(Invalid::new(
                "options.organization",
                format!(
                    "you may issue for several organizations ({}); name one",
                    candidates.join(", ")
                ),
            )
            .into()),
        }
    }

    /// The DID documents and status lists a credential points to that live on this server,
    /// from [`crate::registry::TrustCache`] when read there in the last seconds.
    pub(crate) async fn local_documents_for(&self, credential: &Value) -> Result<LocalDocuments> {
        let mut urls: Vec<&str> = Vec::new();
        if let Some(issuer) = cairn_vc::verify::issuer_id(credential)
            && issuer.starts_with("did:web:")
        {
            urls.push(issuer);
        }
        match credential.get("credentialStatus") {
            Some(Value::Array(a)) => urls.extend(a.iter().filter_map(status_list_of)),
            Some(v) => urls.extend(status_list_of(v)),
            None => {}
        }
        let prefix = format!("{}/orgs/", self.config.public_url);
        let mut docs = LocalDocuments::default();
        for url in urls {
            let url = if url.starts_with("did:web:") {
                match did_web_to_url(url) {
                    Ok(u) => u,
                    Err(_) => continue,
                }
            } else {
                url.to_owned()
            };
            if !url.starts_with(&prefix) || docs.0.iter().any(|(u, _)| *u == url) {
                continue;
            }
            let now = self.now();
            if let Some(d) = self.trust_cache.document(&url, now) {
                docs.0.push((url, d));
                continue;
            }
            let generation = self.trust_cache.generation();
            if let Some(d) = self.read_local_document(&url[prefix.len()..]).await {
                let d = Arc::new(d);
                self.trust_cache
                    .keep_document(generation, &url, d.clone(), now);
                docs.0.push((url, d));
            }
        }
        Ok(docs)
    }

    /// A document this server serves under `{public_url}/orgs/{rest}`, if there is one.
    async fn read_local_document(&self, rest: &str) -> Option<Value> {
        let parts: Vec<&str> = rest.split('/').collect();
        match parts.as_slice() {
            [slug, "did.json"] => self.did_document(slug).await.ok(),
            [slug, "status", purpose, n] => {
                let n = n.parse::<i32>().ok()?;
                let text = self.status_list_document(slug, purpose, n).await.ok()?;
                serde_json::from_str(&text).ok()
            }
            _ => None,
        }
    }
}

/// An issuer's identifier and every key it has signed with, as its admins review them.
#[derive(Debug, Clone)]
pub struct IssuerKeys {
    /// `web` (did:web) or `key` (did:key).
    pub method: String,
    /// None only for a did:key issuer that has not signed yet: its key is its name.
    pub did: Option<String>,
    /// Newest first; the one without `retired_at` signs now.
    pub keys: Vec<IssuerKey>,
    /// Credentials issued so far: the method may change only while none are.
    pub issued: i64,
}

#[derive(Debug, Clone)]
pub struct IssuerKey {
    pub public_multibase: String,
    /// The id proofs name, `did#key`.
    pub verification_method: String,
    pub created_at: OffsetDateTime,
    pub retired_at: Option<OffsetDateTime>,
}

// Read-only views for the issuer admin's pages; each checks the same permission as the
// change it prepares, so a page never shows what its form would refuse.
impl App {
    /// The organization's identifier and keys (issuer admins).
    pub async fn issuer_keys(&self, by: &Principal, slug: &str) -> Result<IssuerKeys> {
        let org = self.issuer_org(by, slug, Action::KeyManage).await?;
        let mut r = self.store.reader().await?;
        let method = r.conn().issuer_did_method(org.id).await?;
        let mut rows = r.conn().signing_keys(org.id).await?;
        let issued = r.conn().count_credentials(org.id).await?;
        rows.sort_by_key(|k| std::cmp::Reverse(k.created_at));
        let web = if method == "key" {
            None
        } else {
            Some(self.did_web(&org)?)
        };
        let did = match &web {
            Some(d) => Some(d.clone()),
            None => rows
                .iter()
                .find(|k| k.retired_at.is_none())
                .map(|k| format!("did:key:{}", k.public_multibase)),
        };
        let keys = rows
            .into_iter()
            .map(|k| IssuerKey {
                verification_method: match &web {
                    Some(d) => format!("{d}#{}", k.public_multibase),
                    None => format!("did:key:{0}#{0}", k.public_multibase),
                },
                public_multibase: k.public_multibase,
                created_at: k.created_at,
                retired_at: k.retired_at,
            })
            .collect();
        Ok(IssuerKeys {
            method,
            did,
            keys,
            issued,
        })
    }

    /// The organization's achievements, for those who may define them.
    pub async fn achievements_to_manage(
        &self,
        by: &Principal,
        slug: &str,
    ) -> Result<Vec<Achievement>> {
        let org = self.issuer_org(by, slug, Action::AchievementManage).await?;
        let mut r = self.store.reader().await?;
        Ok(r.conn().achievements_of_org(org.id).await?)
    }

    /// One of the organization's credentials, for those who may change its status.
    pub async fn credential_to_manage(
        &self,
        by: &Principal,
        slug: &str,
        id: Uuid,
    ) -> Result<CredentialRecord> {
        let org = self
            .issuer_org(by, slug, Action::CredentialStatusChange)
            .await?;
        let mut r = self.store.reader().await?;
        r.conn()
            .credential(id)
            .await?
            .filter(|c| c.org_id == org.id)
            .ok_or_else(|| AppError::NotFound("credential".into()))
    }
}

/// Text a credential may hold and still be checked on the request's own thread: several
/// times an ordinary badge, far below the verifier's limits.
const INLINE_CHECK_BYTES: usize = 16 * 1024;

fn is_small(input: &CredentialInput) -> bool {
    fn within(v: &Value, budget: &mut usize) -> bool {
        // Each value counts its text plus a little for its place in the document.
        let cost = match v {
            Value::String(s) => s.len() + 8,
            _ => 8,
        };
        if cost > *budget {
            return false;
        }
        *budget -= cost;
        match v {
            Value::Array(a) => a.iter().all(|x| within(x, budget)),
            Value::Object(o) => o.iter().all(|(k, x)| {
                if k.len() > *budget {
                    return false;
                }
                *budget -= k.len();
                within(x, budget)
            }),
            _ => true,
        }
    }
    match input {
        CredentialInput::Json(v) => {
            let mut budget = INLINE_CHECK_BYTES;
            within(v, &mut budget)
        }
        CredentialInput::Jwt(t) => t.len() <= INLINE_CHECK_BYTES,
    }
}

fn status_list_of(entry: &Value) -> Option<&str> {
    entry.get("statusListCredential").and_then(Value::as_str)
}

/// This server's own documents for one verification, shared with the cache rather than
/// copied from it.
#[derive(Default)]
pub(crate) struct LocalDocuments(Vec<(String, Arc<Value>)>);

impl DocumentFetcher for LocalDocuments {
    fn fetch(&self, url: &str) -> cairn_vc::Result<Value> {
        self.0
            .iter()
            .find(|(u, _)| u == url)
            .map(|(_, d)| Value::clone(d))
            .ok_or_else(|| {
                cairn_vc::Error::Resolution(format!(
                    "{url}: not a document this server holds; documents on other hosts are not fetched"
                ))
            })
    }
}

fn ob3_kind(kind: AchievementKind) -> cairn_vc::ob3::AchievementKind {
    match kind {
        AchievementKind::Badge => cairn_vc::ob3::AchievementKind::Badge,
        AchievementKind::MicroCredential => cairn_vc::ob3::AchievementKind::MicroCredential,
        AchievementKind::NanoDegree => cairn_vc::ob3::AchievementKind::NanoDegree,
        AchievementKind::Certificate => cairn_vc::ob3::AchievementKind::Certificate,
    }
}

fn nonempty(field: &'static str, v: &str, max: usize) -> Result<String, Invalid> {
    let v = v.trim();
    if v.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    if v.chars().count() > max {
        return Err(Invalid::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(v.to_owned())
}

/// A random free index in the organization's current status list. Random, not
/// sequential, so an index says nothing about when or to whom a credential was issued.
async fn allocate_status_index(conn: &mut Conn<'_>, org: Uuid) -> Result<(i32, i32)> {
    let mut list = conn.max_status_list(org).await?.unwrap_or(0);
    if conn.count_in_status_list(org, list).await? >= STATUS_LIST_FILL {
        list += 1;
    }
    for _ in 0..64 {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b)
            .map_err(|e| AppError::Internal(format!("no randomness available: {e}")))?;
        let index = (u32::from_le_bytes(b) % STATUS_LIST_BITS as u32) as i32;
        if !conn.status_index_taken(org, list, index).await? {
            return Ok((list, index));
        }
    }
    Err(AppError::Internal(
        "could not find a free status list index".into(),
    ))
}
