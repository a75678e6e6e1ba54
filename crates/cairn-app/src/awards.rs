//! Awards: when an event meets an achievement's rule, an award is decided in the same
//! transaction; the outbox then signs its credential exactly once.
//!
//! Exactly once rests on two things the database enforces. Deciding: a partial unique
//! index allows one active award per learner and achievement, so racing requests that
//! each meet the rule insert one award between them. Signing: the credential is issued and
//! the award marked issued in one transaction that first locks the pending award, so a
//! crash leaves either both or neither; a pending award is picked up again by the next
//! request, the periodic worker, or the start of the server.

use std::collections::{BTreeMap, HashMap};

use cairn_core::criteria::{
    AttemptSummary, Criteria, EvidenceRef, EvidenceSet, ModuleCompletion, ReviewedEvidence,
    evaluate,
};
use cairn_core::{Achievement, Action, Principal};
use cairn_store::{AwardRow, Tx};
use cairn_vc::ob3;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::credentials::{IssueRequest, Ob3Extras, Recipient};
use crate::stacks::NewAward;
use crate::{App, AppError, Result, audit_entry, now, require};

/// Signing is retried this many times before an award is set aside as failed (and shown
/// to the issuer), so one award that cannot be signed never blocks the others.
const SIGNING_TRIES: i32 = 5;
/// Awards signed per pass of the worker.
const BATCH: i64 = 50;

/// One piece of evidence an award rests on, as the learner, the issuer and the credential
/// describe it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AwardEvidence {
    #[serde(rename = "ref")]
    pub reference: EvidenceRef,
    /// e.g. "Assessment: ICD-11 Coding Check, attempt 2".
    pub name: String,
    /// What it showed, e.g. "Scored 85.0% (cut score reached)".
    pub description: String,
    /// "Assessment", "Performance evidence" or "Module completion".
    pub genre: String,
}

/// The result an award states: a score on an assessment or a rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AwardResult {
    /// "Percent" or "RubricScore" (OB 3.0 result types).
    pub result_type: String,
    pub name: String,
    pub value: String,
    pub value_max: String,
}

/// An award as its learner and issuer see it.
#[derive(Debug, Clone, Serialize)]
pub struct Award {
    pub id: Uuid,
    pub achievement_id: Uuid,
    pub learner_id: Uuid,
    pub org_id: Uuid,
    /// pending (decided, credential being signed), issued, or failed (signing gave up).
    pub state: String,
    /// False once its credential was revoked.
    pub active: bool,
    pub credential_id: Option<Uuid>,
    pub evidence: Vec<AwardEvidence>,
    pub results: Vec<AwardResult>,
    pub explanation: String,
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub issued_at: Option<time::OffsetDateTime>,
    pub tries: i32,
    pub last_error: Option<String>,
}

impl TryFrom<AwardRow> for Award {
    type Error = AppError;
    fn try_from(r: AwardRow) -> Result<Self> {
        let corrupt = |e: serde_json::Error| AppError::Internal(format!("stored award: {e}"));
        Ok(Award {
            id: r.id,
            achievement_id: r.achievement_id,
            learner_id: r.learner_id,
            org_id: r.org_id,
            state: r.state,
            active: r.active,
            credential_id: r.credential_id,
            evidence: serde_json::from_str(&r.evidence).map_err(corrupt)?,
            results: match r.result.as_deref() {
                Some(j) => serde_json::from_str(j).map_err(corrupt)?,
                None => Vec::new(),
            },
            explanation: r.explanation,
            decided_at: r.decided_at,
            issued_at: r.issued_at,
            tries: r.tries,
            last_error: r.last_error,
        })
    }
}

/// One event in the chain of decisions behind a credential.
#[derive(Debug, Clone, Serialize)]
pub struct ChainEvent {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
    /// Who: a user, a token, or "system" for rules applied automatically.
    pub actor: String,
    /// What, e.g. attempt.score, review.submit, award.decide, credential.issue.
    pub action: String,
    pub subject: String,
    /// Why: the event's recorded detail (scores, decisions, explanations).
    pub detail: serde_json::Value,
    /// This event's link in the audit hash chain.
    pub hash: String,
}

/// A credential's award with the events behind it, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialChain {
    pub credential_id: Uuid,
    pub award: Option<Award>,
    pub events: Vec<ChainEvent>,
}

fn rule_refs(c: &Criteria, out: &mut Vec<(&'static str, Uuid)>) {
    match c {
        Criteria::PassedAssessment { assessment_id, .. } => {
            out.push(("assessment", *assessment_id))
        }
        Criteria::EvidenceAccepted { rubric_id } => out.push(("rubric", *rubric_id)),
        Criteria::CompletedModule { module_id, .. } => out.push(("module", *module_id)),
        // The module must exist, and completing it re-judges the rule too. Activities and
        // cmi5 units are IRIs, not rows: statements find these rules by their organization
        // (see `awards_after_statements`).
        Criteria::XapiStatement {
            module_id: Some(m), ..
        } => out.push(("module", *m)),
        Criteria::XapiStatement { .. } | Criteria::Cmi5MoveOn { .. } => {}
        Criteria::All { of } | Criteria::Any { of } => of.iter().for_each(|c| rule_refs(c, out)),
    }
}

/// What a learner has done towards one rule, with the words to describe each part.
#[derive(Default)]
pub(crate) struct Gathered {
    pub(crate) set: EvidenceSet,
    pub(crate) described: HashMap<EvidenceRef, (AwardEvidence, Option<AwardResult>)>,
    pub(crate) names: BTreeMap<Uuid, String>,
}

/// A review decision as a credential states it: the outcome and how it was reached,
/// without the assessors' identities (the audit log keeps those).
fn public_decision(d: &cairn_core::review::Decision) -> String {
    use cairn_core::review::Basis;
    let how = match &d.basis {
        Basis::SingleMarker { .. } => "marked by a qualified assessor",
        Basis::Agreed { .. } => "double-marked by two independent assessors, who agreed",
        Basis::Adjudicated { .. } => {
            "double-marked by two independent assessors; an adjudicator decided where they disagreed"
        }
        Basis::Appeal { .. } => "reviewed again on appeal by an assessor new to the evidence",
    };
    format!(
        "{} with {} of {} points on the rubric, {how}",
        if d.accepted { "Accepted" } else { "Rejected" },
        d.total,
        d.max
    )
}

fn percent_text(tenths: i32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

impl App {
    /// An achievement's spec must be valid and its rule must name things that exist.
    pub(crate) async fn check_achievement_spec(&self, tx: &mut Tx, a: &Achievement) -> Result<()> {
        if let Some(rule) = &a.spec.rule {
            rule.validate()?;
            let mut refs = Vec::new();
            rule_refs(rule, &mut refs);
            for (kind, id) in refs {
                if tx.conn().rule_ref_title(kind, id).await?.is_none() {
                    return Err(cairn_core::validate::Invalid::new(
                        "spec.rule",
                        format!("names {kind} {id}, which does not exist; check the id"),
                    )
                    .into());
                }
            }
        }
        for al in &a.spec.alignments {
            if tx
                .conn()
                .competency_by_id(al.competency_id)
                .await?
                .is_none()
            {
                return Err(cairn_core::validate::Invalid::new(
                    "spec.alignments",
                    format!(
                        "names competency {}, which is in no loaded framework; import the framework first or check the id",
                        al.competency_id
                    ),
                )
                .into());
            }
        }
        if let Some(url) = &a.spec.image_url
            && !url.starts_with("https://")
        {
            return Err(cairn_core::validate::Invalid::new(
                "spec.image_url",
                "must be an https URL so that verifiers anywhere can show it",
            )
            .into());
        }
        if a.spec.validity_days == Some(0) {
            return Err(cairn_core::validate::Invalid::new(
                "spec.validity_days",
                "must be at least 1; leave it empty for credentials without an end date",
            )
            .into());
        }
        Ok(())
    }

    /// Keep the reverse index of the achievement's rule: events look achievements up by it.
    pub(crate) async fn index_achievement_rule(&self, tx: &mut Tx, a: &Achievement) -> Result<()> {
        let mut refs = Vec::new();
        if let Some(rule) = &a.spec.rule {
            rule_refs(rule, &mut refs);
        }
        for (kind, id) in refs {
            tx.conn().add_rule_ref(a.id, kind, id).await?;
        }
        Ok(())
    }

    /// Called inside the transaction that scored an attempt. Decides the awards whose rules
    /// the learner now meets; returns their ids. Call [`App::process_awards`] after commit.
    pub(crate) async fn awards_after_attempt(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        assessment: Uuid,
    ) -> Result<Vec<Uuid>> {
        let mut decided = self
            .decide_awards(tx, learner, "assessment", assessment)
            .await?;
        decided.extend(self.renew_by_assessment(tx, learner, assessment).await?);
        Ok(decided)
    }

    /// Called inside the transaction that decided a piece of evidence (accepted or not).
    pub(crate) async fn awards_after_evidence(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        rubric: Uuid,
    ) -> Result<Vec<Uuid>> {
        self.decide_awards(tx, learner, "rubric", rubric).await
    }

    /// Called inside the transaction that marked a module version completed.
    pub(crate) async fn awards_after_completion(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        module: Uuid,
    ) -> Result<Vec<Uuid>> {
        self.decide_awards(tx, learner, "module", module).await
    }

    /// Re-evaluate only the achievements whose rule mentions what just happened.
    async fn decide_awards(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        kind: &str,
        id: Uuid,
    ) -> Result<Vec<Uuid>> {
        let mut decided = Vec::new();
        let because = format!("{kind}:{id}");
        for achievement_id in tx.conn().achievements_referring_to(kind, id).await? {
            if let Some(award) = self
                .decide_award(tx, learner, achievement_id, &because)
                .await?
            {
                decided.push(award);
            }
        }
        Ok(decided)
    }

    /// Judge one achievement's rule for the learner and, when met, insert the award with
    /// the evidence that met it. None when the learner holds it already or does not meet it.
    pub(crate) async fn decide_award(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        achievement_id: Uuid,
        because: &str,
    ) -> Result<Option<Uuid>> {
        if tx.conn().has_active_award(achievement_id, learner).await? {
            return Ok(None);
        }
        let Some(achievement) = tx.conn().achievement(achievement_id).await? else {
            return Ok(None);
        };
        let Some(rule) = achievement.spec.rule.clone() else {
            return Ok(None);
        };
        let g = self.gather(tx, learner, achievement.org_id, &rule).await?;
        let outcome = evaluate(&rule, &g.set);
        if !outcome.met {
            return Ok(None);
        }
        let mut evidence = Vec::new();
        let mut results = Vec::new();
        for r in &outcome.satisfied_by {
            if let Some((e, result)) = g.described.get(r) {
                evidence.push(e.clone());
                results.extend(result.clone());
            }
        }
        let names = |id: Uuid| g.names.get(&id).cloned();
        let explanation = format!(
            "{} met its rule, {}: {}.",
            achievement.name,
            rule.describe_with(&names),
            evidence
                .iter()
                .map(|e| format!("{} ({})", e.name, e.description))
                .collect::<Vec<_>>()
                .join("; ")
        );
        self.insert_award(
            tx,
            NewAward {
                achievement: &achievement,
                learner,
                basis: "rule",
                renews: None,
                evidence,
                results,
                explanation: &explanation,
                because,
            },
        )
        .await
    }

    /// Everything the learner has done that the rule could count; statements from the LRS
    /// of `org`, the achievement's issuer.
    pub(crate) async fn gather(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        org: Uuid,
        rule: &Criteria,
    ) -> Result<Gathered> {
        let mut refs = Vec::new();
        rule_refs(rule, &mut refs);
        refs.sort();
        refs.dedup();
        let mut g = Gathered::default();
        for (kind, id) in refs {
            if let Some(title) = tx.conn().rule_ref_title(kind, id).await? {
                g.names.insert(id, title);
            }
            match kind {
                "assessment" => {
                    for a in tx.conn().attempt_facts(learner, id).await? {
                        let percent = f64::from(a.percent_tenths) / 10.0;
                        g.set.attempts.push(AttemptSummary {
                            attempt_id: a.id,
                            assessment_id: a.assessment_id,
                            passed: a.passed,
                            percent,
                        });
                        let text = percent_text(a.percent_tenths);
                        g.described.insert(
                            EvidenceRef::Attempt { attempt_id: a.id },
                            (
                                AwardEvidence {
                                    reference: EvidenceRef::Attempt { attempt_id: a.id },
                                    name: format!(
                                        "Assessment: {}, attempt {}",
                                        a.assessment_title, a.number
                                    ),
                                    description: format!(
                                        "Scored {text}% and {} the cut score",
                                        if a.passed { "reached" } else { "missed" }
                                    ),
                                    genre: "Assessment".into(),
                                },
                                Some(AwardResult {
                                    result_type: "Percent".into(),
                                    name: format!("Score on {}", a.assessment_title),
                                    value: text,
                                    value_max: "100".into(),
                                }),
                            ),
                        );
                    }
                }
                "rubric" => {
                    for e in tx.conn().evidence_facts(learner, id).await? {
                        let decision: Option<cairn_core::review::Decision> =
                            serde_json::from_str(&e.decision).ok();
                        g.set.reviews.push(ReviewedEvidence {
                            evidence_id: e.id,
                            rubric_id: e.rubric_id,
                            accepted: e.accepted,
                        });
                        let reference = EvidenceRef::Evidence { evidence_id: e.id };
                        let result = decision.as_ref().map(|d| AwardResult {
                            result_type: "RubricScore".into(),
                            name: format!(
                                "Rubric score on {}",
                                g.names.get(&id).cloned().unwrap_or_default()
                            ),
                            value: d.total.to_string(),
                            value_max: d.max.to_string(),
                        });
                        g.described.insert(
                            reference,
                            (
                                AwardEvidence {
                                    reference,
                                    name: format!("Performance evidence: {}", e.title),
                                    description: decision.as_ref().map_or_else(
                                        || "Accepted on review".to_owned(),
                                        public_decision,
                                    ),
                                    genre: "Performance evidence".into(),
                                },
                                result,
                            ),
                        );
                    }
                }
                _ => {
                    for c in tx.conn().completion_facts(learner, id).await? {
                        g.set.completions.push(ModuleCompletion {
                            module_version_id: c.version_id,
                            module_id: c.module_id,
                            version: c.number,
                        });
                        let reference = EvidenceRef::ModuleCompletion {
                            module_version_id: c.version_id,
                        };
                        g.described.insert(
                            reference,
                            (
                                AwardEvidence {
                                    reference,
                                    name: format!("Module: {}, version {}", c.title, c.number),
                                    description: "Completed every page of the module".into(),
                                    genre: "Module completion".into(),
                                },
                                None,
                            ),
                        );
                    }
                }
            }
        }
        self.gather_statements(tx, learner, org, rule, &mut g)
            .await?;
        Ok(g)
    }

    /// After commit: sign the credentials of pending awards. Never fails the caller's
    /// request: an award left pending is signed by the next run (and on start).
    pub async fn process_awards(&self) {
        if !self.config.sign_awards_inline {
            return;
        }
        if let Err(e) = self.sign_pending_awards().await {
            tracing::warn!(error = %e, "awards left pending; the outbox worker will retry");
        }
    }

    /// The outbox worker's pass: sign every pending award; returns how many were signed.
    /// Safe to run on several servers at once and to repeat after a crash.
    pub async fn sign_pending_awards(&self) -> Result<usize> {
        let mut signed = 0;
        loop {
            let ids = {
                let mut r = self.store.reader().await?;
                r.conn().pending_award_ids(BATCH).await?
            };
            let mut progressed = false;
            for id in ids {
                match self.sign_award(id).await {
                    Ok(true) => {
                        signed += 1;
                        progressed = true;
                    }
                    Ok(false) => {}
                    // The server itself cannot sign (no master key, no usable public URL):
                    // not the award's fault, so it stays pending, untried, until it can.
                    Err(e @ AppError::Unavailable(_)) => {
                        tracing::warn!(error = %e, "awards wait to be signed");
                        return Ok(signed);
                    }
                    Err(e) => {
                        tracing::warn!(award = %id, error = %e, "signing an award failed");
                        let mut tx = self.store.begin().await?;
                        tx.conn()
                            .record_award_failure(id, &e.to_string(), SIGNING_TRIES)
                            .await?;
                        tx.commit().await?;
                    }
                }
            }
            // Stop when a pass signs nothing: what is left is failing or another server's.
            if !progressed {
                return Ok(signed);
            }
        }
    }

    /// Sign one pending award: issue its credential and mark it issued in one transaction.
    /// False when it is not (or no longer) pending here.
    async fn sign_award(&self, id: Uuid) -> Result<bool> {
        let mut tx = self.store.begin().await?;
        let Some(row) = tx.conn().lock_pending_award(id).await? else {
            return Ok(false);
        };
        // A stack or renewal decided earlier may have lost its grounds since (a part
        // revoked while the award waited): judge it again before signing.
        if let Some(reason) = self.award_grounds_gone(&mut tx, &row).await? {
            tx.conn().withdraw_award(id, &reason).await?;
            let entry = audit_entry(
                &Principal::system(),
                Some(row.org_id),
                "award.withdraw",
                format!("award:{id}"),
                json!({"achievement": row.achievement_id, "learner": row.learner_id, "reason": reason}),
            );
            tx.conn().append_audit(&entry, now()).await?;
            tx.commit().await?;
            return Ok(false);
        }
        let award = Award::try_from(row)?;
        let achievement = tx
            .conn()
            .achievement(award.achievement_id)
            .await?
            .ok_or_else(|| AppError::NotFound("achievement".into()))?;
        let org = tx
            .conn()
            .org_by_id(award.org_id)
            .await?
            .ok_or_else(|| AppError::NotFound("organization".into()))?;
        let learner = tx
            .conn()
            .user_by_id(award.learner_id)
            .await?
            .ok_or_else(|| AppError::NotFound("learner".into()))?;
        let email = learner.primary_email().map(str::to_owned).ok_or_else(|| {
            AppError::Conflict(format!(
                "{} has no e-mail address to name in the credential; add one",
                learner.display_name
            ))
        })?;
        let valid_until = achievement
            .spec
            .validity_days
            .and_then(|d| now().checked_add(time::Duration::days(i64::from(d))));
        let req = IssueRequest {
            achievement_id: achievement.id,
            recipient: Recipient::Email(email),
            valid_until,
            jwt: false,
        };
        let extras = self.award_extras(&org, &achievement, &award);
        let issued = self
            .issue_in_with(
                &mut tx,
                &Principal::system(),
                &org,
                &achievement,
                &req,
                &extras,
            )
            .await?;
        if !tx
            .conn()
            .mark_award_issued(id, issued.record.id, now())
            .await?
        {
            // Dropping the transaction rolls the credential back: someone else signed it.
            return Ok(false);
        }
        let entry = audit_entry(
            &Principal::system(),
            Some(org.id),
            "award.issue",
            format!("award:{id}"),
            json!({"credential": issued.record.id, "achievement": achievement.id, "learner": award.learner_id}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        let n = crate::notify::NewNotification {
            user_id: award.learner_id,
            kind: "award.issued".into(),
            dedupe_key: format!("award:{id}"),
            title: format!("You earned {}", achievement.name),
            body: award.explanation.clone(),
            link: Some(format!("/credentials/{}", issued.record.id)),
        };
        self.notify(&mut tx, &n).await?;
        tx.commit().await?;
        Ok(true)
    }

    fn award_extras(
        &self,
        org: &cairn_core::Organization,
        achievement: &Achievement,
        award: &Award,
    ) -> Ob3Extras {
        let base = self.achievement_url(org, achievement.id);
        let mut extras = Ob3Extras::default();
        for e in &award.evidence {
            let id = match e.reference {
                EvidenceRef::Attempt { attempt_id } => attempt_id,
                EvidenceRef::Evidence { evidence_id } => evidence_id,
                EvidenceRef::ModuleCompletion { module_version_id } => module_version_id,
                EvidenceRef::Credential { credential_id } => credential_id,
                EvidenceRef::Statement { statement_id } => statement_id,
            };
            // A component credential has a public page to point to; the rest are private
            // records, named by their ids only.
            let evidence_id = match e.reference {
                EvidenceRef::Credential { .. } => self.credential_url(id),
                _ => format!("urn:uuid:{id}"),
            };
            extras.evidence.push(ob3::Evidence {
                id: Some(evidence_id),
                types: vec!["Evidence".into()],
                name: Some(e.name.clone()),
                description: Some(e.description.clone()),
                narrative: None,
                genre: Some(e.genre.clone()),
            });
        }
        for (i, r) in award.results.iter().enumerate() {
            let rd_id = format!("{base}#result-{}", i + 1);
            extras.result_descriptions.push(ob3::ResultDescription {
                id: rd_id.clone(),
                types: vec!["ResultDescription".into()],
                name: r.name.clone(),
                result_type: r.result_type.clone(),
                value_min: Some("0".into()),
                value_max: Some(r.value_max.clone()),
                ..Default::default()
            });
            extras.results.push(ob3::AchievementResult {
                types: vec!["Result".into()],
                result_description: Some(rd_id),
                value: Some(r.value.clone()),
                ..Default::default()
            });
        }
        extras
    }

    /// The signed-in learner's awards, newest first.
    pub async fn my_awards(&self, by: &Principal) -> Result<Vec<Award>> {
        let me = by
            .user_id()
            .ok_or_else(|| AppError::Unauthenticated("sign in to see your awards".into()))?;
        let mut r = self.store.reader().await?;
        r.conn()
            .awards_of_learner(me)
            .await?
            .into_iter()
            .map(Award::try_from)
            .collect()
    }

    /// An issuer's awards (admins), optionally only pending or failed ones.
    pub async fn org_awards(
        &self,
        by: &Principal,
        slug: &str,
        state: Option<&str>,
    ) -> Result<Vec<Award>> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::AwardView, Some(org.id))?;
        if let Some(s) = state
            && !matches!(s, "pending" | "issued" | "failed")
        {
            return Err(cairn_core::validate::Invalid::new(
                "state",
                "must be pending, issued or failed",
            )
            .into());
        }
        let mut r = self.store.reader().await?;
        r.conn()
            .awards_of_org(org.id, state, 500)
            .await?
            .into_iter()
            .map(Award::try_from)
            .collect()
    }

    /// The chain of decisions behind a credential: its award, the events that scored,
    /// reviewed and decided the evidence, and the issuing. For the credential's learner and
    /// its issuer's admins.
    pub async fn credential_chain(
        &self,
        by: &Principal,
        credential: Uuid,
    ) -> Result<CredentialChain> {
        let mut r = self.store.reader().await?;
        let record = r
            .conn()
            .credential(credential)
            .await?
            .ok_or_else(|| AppError::NotFound("credential".into()))?;
        let is_learner = by.user_id().is_some() && record.recipient_user == by.user_id();
        if !is_learner {
            require(by, Action::AwardView, Some(record.org_id))?;
        }
        let award = r
            .conn()
            .award_of_credential(credential)
            .await?
            .map(Award::try_from)
            .transpose()?;
        let mut subjects = vec![format!("credential:{credential}")];
        if let Some(a) = &award {
            subjects.push(format!("award:{}", a.id));
            for e in &a.evidence {
                subjects.push(match e.reference {
                    EvidenceRef::Attempt { attempt_id } => format!("attempt:{attempt_id}"),
                    EvidenceRef::Evidence { evidence_id } => format!("evidence:{evidence_id}"),
                    EvidenceRef::ModuleCompletion { module_version_id } => {
                        crate::modules::completion_subject(module_version_id, a.learner_id)
                    }
                    EvidenceRef::Credential { credential_id } => {
                        format!("credential:{credential_id}")
                    }
                    EvidenceRef::Statement { statement_id } => {
                        format!("xapi_statement:{statement_id}")
                    }
                });
            }
        }
        let events = r
            .conn()
            .audit_events_about(&subjects, 200)
            .await?
            .into_iter()
            .map(|e| ChainEvent {
                seq: e.seq,
                at: e.at,
                actor: e.entry.actor,
                action: e.entry.action,
                subject: e.entry.subject,
                detail: serde_json::from_str(&e.entry.detail)
                    .unwrap_or(serde_json::Value::String(e.entry.detail)),
                hash: e.hash,
            })
            .collect();
        Ok(CredentialChain {
            credential_id: credential,
            award,
            events,
        })
    }
}

impl App {
    /// Demo step: achievements whose rules use the demo assessments and modules, and
    /// learners at every stage (passed and awarded, failed with feedback, cooling down, in
    /// the middle of an attempt). Returns how many credentials the awards issued.
    pub(crate) async fn seed_demo_validation(
        &self,
        orgs: &[cairn_core::Organization],
    ) -> Result<usize> {
        demo::seed(self, orgs).await
    }
}

mod demo {
    use cairn_core::assessment::{Form, Response, model_answer};
    use cairn_core::rng::SeededRng;
    use cairn_core::{AchievementKind, AchievementSpec, Organization, PrincipalKind};

    use super::*;

    struct DemoAchievement {
        issuer: &'static str,
        kind: AchievementKind,
        name: &'static str,
        description: &'static str,
        criteria: &'static str,
        /// Titles of assessments that must be passed (with the minimum, if any)…
        passed: &'static [(&'static str, Option<u8>)],
        /// …and of lesson modules that must be completed.
        completed: &'static [&'static str],
        validity_days: Option<u32>,
        /// Codes of the shipped framework's competencies it proves, with the level.
        aligned: &'static [(&'static str, i32)],
    }

    const ACHIEVEMENTS: &[DemoAchievement] = &[
        DemoAchievement {
            issuer: "northbridge-academy",
            kind: AchievementKind::Badge,
            name: "ICD-11 Foundations",
            description: "Reads the structure of ICD-11 MMS and codes common conditions with stem codes.",
            criteria: "Pass the standardized ICD-11 foundations assessment (cut score 80%).",
            passed: &[("ICD-11 foundations assessment", None)],
            completed: &[],
            validity_days: Some(1095),
            aligned: &[("ICD.1", 2), ("ICD.2", 2)],
        },
        DemoAchievement {
            issuer: "northbridge-academy",
            kind: AchievementKind::Badge,
            name: "ICD-11 Postcoordination",
            description: "Codes clinical cases with postcoordinated clusters: stem codes with the extension codes that complete them.",
            criteria: "Pass the ICD-11 postcoordination assessment with at least 85%.",
            passed: &[("ICD-11 postcoordination assessment", Some(85))],
            completed: &[],
            validity_days: Some(1095),
            aligned: &[("ICD.3", 3)],
        },
        DemoAchievement {
            issuer: "rhwc",
            kind: AchievementKind::MicroCredential,
            name: "Emergency Department Coding",
            description: "Codes emergency department encounters in ICD-11 to the council's standard.",
            criteria: "Pass the council's emergency department coding assessment.",
            passed: &[("Emergency department coding assessment", None)],
            completed: &[],
            validity_days: Some(730),
            aligned: &[("ICD.2", 3)],
        },
        DemoAchievement {
            issuer: "rhwc",
            kind: AchievementKind::Badge,
            name: "Value-Based Care Foundations",
            description: "Explains value-based payment and the outcome measures it rests on.",
            criteria: "Complete the value-based care module and pass its assessment.",
            passed: &[("Value-based care assessment", None)],
            completed: &["Value-based care: from volume to outcomes"],
            validity_days: None,
            aligned: &[("VBC.1", 2)],
        },
        DemoAchievement {
            issuer: "rhwc",
            kind: AchievementKind::Badge,
            name: "Privacy Essentials",
            description: "Applies confidentiality and data-protection rules in everyday clinical situations.",
            criteria: "Pass the privacy and data protection assessment (cut score 85%).",
            passed: &[("Privacy and data protection assessment", None)],
            completed: &[],
            validity_days: Some(365),
            aligned: &[("REG.1", 2)],
        },
    ];

    /// How a demo learner does on an assessment.
    #[derive(Clone, Copy, PartialEq)]
    enum Outcome {
        Pass,
        Fail,
        /// Started and left open.
        Open,
    }

    pub(super) async fn seed(app: &App, orgs: &[Organization]) -> Result<usize> {
        let mut rng = SeededRng::new(crate::demo::DEMO_SEED ^ 0x6177_6172_6473);
        let at = time::OffsetDateTime::from_unix_timestamp(1_767_225_600)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let org = |slug: &str| orgs.iter().find(|o| o.slug == slug);
        let mut assessments: BTreeMap<String, Uuid> = BTreeMap::new();
        let mut modules: BTreeMap<String, (Uuid, Uuid)> = BTreeMap::new();
        let shipped = crate::frameworks::builtin_package()?.framework.identifier;
        let mut tx = app.store.begin().await?;
        for o in orgs {
            for a in tx.conn().assessments_of_org(o.id, true).await? {
                assessments.insert(a.title, a.id);
            }
            for v in tx.conn().modules_of_org(o.id).await? {
                modules.insert(v.title, (v.module_id, v.id));
            }
        }
        for d in ACHIEVEMENTS {
            let Some(issuer) = org(d.issuer) else {
                continue;
            };
            let mut rules: Vec<Criteria> = Vec::new();
            for (title, min_percent) in d.passed {
                if let Some(id) = assessments.get(*title) {
                    rules.push(Criteria::PassedAssessment {
                        assessment_id: *id,
                        min_percent: *min_percent,
                    });
                }
            }
            for title in d.completed {
                if let Some((id, _)) = modules.get(*title) {
                    rules.push(Criteria::CompletedModule {
                        module_id: *id,
                        min_version: None,
                    });
                }
            }
            let rule = match rules.len() {
                0 => continue,
                1 => rules.remove(0),
                _ => Criteria::All { of: rules },
            };
            let mut alignments = Vec::new();
            for (code, level) in d.aligned {
                if let Some(id) = tx.conn().find_competency(code, &shipped).await? {
                    alignments.push(cairn_core::AchievementAlignment {
                        competency_id: id,
                        level: Some(*level),
                    });
                }
            }
            let a = Achievement {
                id: rng.uuid(),
                org_id: issuer.id,
                kind: d.kind,
                name: d.name.into(),
                description: d.description.into(),
                criteria: d.criteria.into(),
                created_at: at,
                spec: AchievementSpec {
                    rule: Some(rule),
                    validity_days: d.validity_days,
                    alignments,
                    ..Default::default()
                },
            };
            tx.conn().insert_achievement(&a).await?;
            app.index_achievement_rule(&mut tx, &a).await?;
        }
        tx.commit().await?;
        // Stacks before anyone earns anything, so that awards decide them as they happen.
        crate::stack_demo::define(app, orgs).await?;

        // The learner persona and the first workers of the hospital network, each with a
        // plan: (assessment title, outcome), taken in order.
        let employer = app.org_unchecked(crate::demo::EMPLOYER_SLUG).await?;
        let mut learners = Vec::new();
        {
            let mut r = app.store.reader().await?;
            if let Some(amara) = r
                .conn()
                .user_id_by_email(crate::demo::PERSONAS[0].email)
                .await?
            {
                learners.push(amara);
            }
            let (_, members, _) = app
                .members(&Principal::system(), &employer.slug, 40, 0)
                .await?;
            let first = learners.first().copied();
            learners.extend(
                members
                    .iter()
                    .filter(|m| m.role == "learner" && Some(m.user_id) != first)
                    .map(|m| m.user_id)
                    .take(16),
            );
        }
        let foundations = "ICD-11 foundations assessment";
        let post = "ICD-11 postcoordination assessment";
        let ed = "Emergency department coding assessment";
        let vbc = "Value-based care assessment";
        let privacy = "Privacy and data protection assessment";
        let mut issued = 0;
        let placed = learners.iter().skip(1).copied().collect::<Vec<_>>();
        for (i, learner) in learners.into_iter().enumerate() {
            let plan: Vec<(&str, Outcome)> = if i == 0 {
                // The learner persona: a fresh badge, a failure with feedback that now
                // waits out its cooldown, and an attempt she has yet to finish.
                vec![
                    (foundations, Outcome::Pass),
                    (privacy, Outcome::Fail),
                    (post, Outcome::Open),
                ]
            } else {
                let pick = |rng: &mut SeededRng, pass_in: u64| {
                    if rng.below(10) < pass_in {
                        Outcome::Pass
                    } else {
                        Outcome::Fail
                    }
                };
                let mut plan = vec![(foundations, pick(&mut rng, 7))];
                match i % 4 {
                    0 => plan.push((ed, pick(&mut rng, 6))),
                    1 => plan.push((vbc, pick(&mut rng, 8))),
                    2 => plan.push((privacy, pick(&mut rng, 7))),
                    _ => plan.push((post, Outcome::Open)),
                }
                plan
            };
            let me = Principal {
                kind: PrincipalKind::User { user_id: learner },
                is_operator: false,
                grants: Vec::new(),
            };
            if i % 4 == 1 {
                // Value-based care also asks for the module, read to the end.
                if let Some((_, version)) = modules.get("Value-based care: from volume to outcomes")
                {
                    let content = app.module_version(Some(&me), *version).await?.content;
                    let (pages, answers) = (content.pages.len(), content.questions.len());
                    app.save_progress(
                        &me,
                        *version,
                        crate::modules::ProgressUpdate {
                            page_reached: Some(u32::try_from(pages).unwrap_or(0)),
                            answers: (answers > 0).then(|| vec![Some(0); answers]),
                        },
                    )
                    .await?;
                }
            }
            for (title, outcome) in plan {
                let Some(assessment) = assessments.get(title) else {
                    continue;
                };
                let attempt = app.start_attempt(&me, *assessment).await?;
                if outcome == Outcome::Open {
                    continue;
                }
                let form: Form = {
                    let mut r = app.store.reader().await?;
                    let row = r
                        .conn()
                        .attempt_by_id(attempt.id)
                        .await?
                        .ok_or_else(|| AppError::NotFound("attempt".into()))?;
                    serde_json::from_str(&row.form)
                        .map_err(|e| AppError::Internal(format!("stored form: {e}")))?
                };
                let mut responses: BTreeMap<Uuid, Response> = BTreeMap::new();
                for (k, item) in form.items.iter().enumerate() {
                    // A pass answers everything rightly; a failure gets only the first item.
                    if (outcome == Outcome::Pass || k == 0)
                        && let Some(r) = model_answer(item)
                    {
                        responses.insert(item.id, r);
                    }
                }
                let before = app.my_awards(&me).await?.len();
                app.submit_attempt(&me, attempt.id, responses).await?;
                issued += app.my_awards(&me).await?.len() - before;
            }
        }
        issued += crate::stack_demo::place_learners(app, orgs, &placed).await?;
        Ok(issued)
    }
}

impl App {
    /// The outbox worker: sign what a crash or an error left pending, handle expired
    /// credentials and send expiry reminders, at start and then every `every`. Several
    /// servers may run it on one database.
    pub fn spawn_award_worker(&self, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                match app.sign_pending_awards().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(signed = n, "signed pending awards"),
                    Err(e) => tracing::warn!(error = %e, "the award worker will retry"),
                }
                // Expiry is a matter of time, not of any request: the same worker ends
                // expired credentials (their stacks follow their policies) and reminds
                // holders of those about to expire.
                match app.handle_expired_credentials().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(expired = n, "handled expired credentials"),
                    Err(e) => tracing::warn!(error = %e, "expiry handling will retry"),
                }
                if let Err(e) = app.send_expiry_reminders().await {
                    tracing::warn!(error = %e, "expiry reminders will retry");
                }
                if let Err(e) = app.notify_overdue_assignments(crate::now()).await {
                    tracing::warn!(error = %e, "overdue assignment notices will retry");
                }
                // Stacks decided while handling expiry (a re-earned part) are signed too.
                if let Err(e) = app.sign_pending_awards().await {
                    tracing::warn!(error = %e, "the award worker will retry");
                }
                tokio::time::sleep(every).await;
            }
        })
    }
}
