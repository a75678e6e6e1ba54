//! CLR 2.0: a learner's achievements in one signed ClrCredential, with `isChildOf`
//! associations from each component to the stacks it counts towards.
//!
//! The transcript embeds the learner's own signed credentials byte for byte (so each still
//! verifies on its own) and is signed by the platform issuer: the organization the server
//! is configured to speak for (`--platform-issuer`), since a transcript gathers credentials
//! from many issuers and none of them assembled it.

use std::collections::BTreeMap;

use cairn_core::{CredentialState, Principal};
use cairn_vc::clr::{Association, ClrInput, Learner, clr_credential};
use cairn_vc::ob3::IdentityObject;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{App, AppError, Result, audit_entry, now};

/// Does this signed credential name the learner by this address?
fn names_learner(document: &Value, email: &str) -> bool {
    let ids = document["credentialSubject"]["identifier"].as_array();
    ids.into_iter().flatten().any(|i| {
        serde_json::from_value::<IdentityObject>(i.clone()).is_ok_and(|o| o.matches(email))
    })
}

impl App {
    /// The signed-in learner's CLR: every credential of theirs that is valid now, and the
    /// stacks they are part of. Signed afresh on each request (it is a snapshot).
    pub async fn my_clr(&self, by: &Principal) -> Result<Value> {
        let me = by
            .user_id()
            .ok_or_else(|| AppError::Unauthenticated("sign in to download your CLR".into()))?;
        let slug = self.config.platform_issuer.clone().ok_or_else(|| {
            AppError::Unavailable(
                "this server has no platform issuer to sign transcripts (set --platform-issuer to an issuing organization's slug)".into(),
            )
        })?;
        let org = self.org_unchecked(&slug).await?;
        let mut tx = self.store.begin().await?;
        let user = tx
            .conn()
            .user_by_id(me)
            .await?
            .ok_or_else(|| AppError::NotFound("user".into()))?;
        let email = user.primary_email().map(str::to_owned).ok_or_else(|| {
            AppError::Conflict(
                "your account has no e-mail address, which is how your credentials name you; add one".into(),
            )
        })?;
        let t = now();
        let mut documents = Vec::new();
        // achievement id → its URL in the credentials, for the associations.
        let mut urls: BTreeMap<Uuid, String> = BTreeMap::new();
        for record in tx.conn().credentials_of_user(me).await? {
            let valid =
                record.state == CredentialState::Active && record.valid_until.is_none_or(|v| v > t);
            let Some(achievement) = record.achievement_id.filter(|_| valid) else {
                continue;
            };
            let Some((document, _)) = tx.conn().credential_document(record.id).await? else {
                continue;
            };
            let Ok(document) = serde_json::from_str::<Value>(&document) else {
                continue;
            };
            // Only credentials that name the learner by the address the transcript uses
            // (one issued to another of their addresses would not match it).
            if !names_learner(&document, &email) {
                continue;
            }
            if let Some(url) = document["credentialSubject"]["achievement"]["id"].as_str() {
                urls.entry(achievement).or_insert_with(|| url.to_owned());
            }
            documents.push(document);
        }
        if documents.is_empty() {
            return Err(AppError::Conflict(
                "you hold no valid credentials yet, so there is nothing to put in a CLR".into(),
            ));
        }
        let mut associations = Vec::new();
        for (stack, stack_url) in &urls {
            let Some(a) = tx.conn().achievement(*stack).await? else {
                continue;
            };
            let Some(spec) = &a.spec.stack else { continue };
            for part in spec.rule.mentioned() {
                if let Some(part_url) = urls.get(&part) {
                    associations.push(Association::is_child_of(part_url, stack_url));
                }
            }
        }
        let signer = self.signer(&mut tx.conn(), &org).await?;
        let id = Uuid::now_v7();
        let input = ClrInput {
            id: format!("urn:uuid:{id}"),
            issuer_did: signer.did.clone(),
            issuer_name: org.name.clone(),
            name: format!("Comprehensive Learner Record of {}", user.display_name),
            description: format!(
                "{} credentials held by {} on {}, with the stacks they build.",
                documents.len(),
                user.display_name,
                t.date()
            ),
            valid_from: t,
            learner: Learner {
                id: None,
                email: Some(email),
                salt: crate::security::random_secret(12)?,
            },
            credentials: documents,
            associations,
        };
        let unsigned = clr_credential(&input)
            .map_err(|e| AppError::Internal(format!("building the CLR: {e}")))?;
        let signed =
            cairn_vc::di::sign_credential(&unsigned, &signer.key, &signer.verification_method, t)
                .map_err(|e| AppError::Internal(format!("signing the CLR: {e}")))?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "clr.issue",
            format!("clr:{id}"),
            json!({"learner": me, "credentials": input.credentials.len(), "associations": input.associations.len()}),
        );
        tx.conn().append_audit(&entry, t).await?;
        tx.commit().await?;
        Ok(signed)
    }
}
