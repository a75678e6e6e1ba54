//! Stacks: achievements awarded when the learner holds others (badges → micro-credentials
//! → nano-degrees/certificates), and what happens to them when a component is revoked,
//! suspended or expires; renewal of credentials before they expire.
//!
//! Everything runs inside the transaction of the event (a credential issued, its status
//! changed, an expiry handled), so a stack is decided together with what completed it and
//! signed by the same outbox as every award (decision 0012): when a badge's credential is
//! signed, the micro-credential it completes is decided in that transaction, and the outbox
//! pass that signed the badge goes on to sign it, and then the nano-degree above it.
//!
//! Only the stacks that name the changed achievement are judged (the `stack_refs` reverse
//! index), against the credentials the learner holds at that moment. Judging is serialised
//! per learner (a transaction-scoped advisory lock on PostgreSQL; SQLite has one writer) so
//! that two components issued at once cannot each miss the other. A stack or renewal award
//! is judged again when it is signed, and withdrawn if its grounds are gone.

use std::collections::{BTreeMap, BTreeSet};

use cairn_core::criteria::EvidenceRef;
use cairn_core::renewal::{Earned, credits_since};
use cairn_core::stacks::{
    Held, RevocationEffect, StackDef, StackSpec, after_revocation, evaluate, find_cycle,
};
use cairn_core::validate::Invalid;
use cairn_core::{Achievement, CredentialRecord, CredentialState, Principal};
use cairn_store::{AwardRow, HeldRow, Tx};
use serde_json::json;
use uuid::Uuid;

use crate::awards::{AwardEvidence, AwardResult};
use crate::credentials::StatusAction;
use crate::{App, AppError, Result, audit_entry, now};

/// Expired credentials handled per pass of the worker.
const EXPIRY_BATCH: i64 = 100;

/// Why a credential stopped counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loss {
    Revoked,
    Suspended,
    Expired,
}

impl Loss {
    fn word(self) -> &'static str {
        match self {
            Loss::Revoked => "revoked",
            Loss::Suspended => "suspended",
            Loss::Expired => "expired",
        }
    }
}

/// An award about to be decided.
pub(crate) struct NewAward<'a> {
    pub achievement: &'a Achievement,
    pub learner: Uuid,
    /// rule, stack or renewal.
    pub basis: &'static str,
    pub renews: Option<Uuid>,
    pub evidence: Vec<AwardEvidence>,
    pub results: Vec<AwardResult>,
    pub explanation: &'a str,
    /// What triggered it, e.g. `credential:…` or `assessment:…`.
    pub because: &'a str,
}

/// A held credential's credit value (0 when its achievement has none).
fn credits_of(r: &HeldRow) -> u64 {
    r.credits.and_then(|c| u64::try_from(c).ok()).unwrap_or(0)
}

fn held_of(rows: &[HeldRow]) -> Vec<Held> {
    rows.iter()
        .map(|r| Held {
            achievement_id: r.achievement_id,
            credential_id: r.credential_id,
            credits: credits_of(r),
        })
        .collect()
}

fn json_text<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(format!("award JSON: {e}")))
}

fn date(t: time::OffsetDateTime) -> String {
    t.date().to_string()
}

impl App {
    /// A stack and a renewal must be valid, name achievements and assessments that exist,
    /// and a stack must not make any achievement require itself (the cycle is named).
    pub(crate) async fn check_stack_spec(&self, tx: &mut Tx, a: &Achievement) -> Result<()> {
        if let Some(spec) = &a.spec.stack {
            if a.spec.rule.is_some() {
                return Err(Invalid::new(
                    "spec.stack",
                    "is given with a rule; an achievement is earned by learning (rule) or by holding other achievements (stack), not both",
                )
                .into());
            }
            let def = spec.def(a.id);
            def.validate()
                .map_err(|e| Invalid::new("spec.stack", format!("{}: {}", e.field, e.message)))?;
            for c in spec.components() {
                if tx.conn().achievement(c).await?.is_none() {
                    return Err(Invalid::new(
                        "spec.stack",
                        format!("names achievement {c}, which does not exist; check the id"),
                    )
                    .into());
                }
            }
            let mut defs: Vec<StackDef> = Vec::new();
            for row in tx.conn().all_stack_specs().await? {
                if row.id == a.id {
                    continue;
                }
                let other: StackSpec = serde_json::from_str(&row.stack)
                    .map_err(|e| AppError::Internal(format!("stored stack: {e}")))?;
                defs.push(other.def(row.id));
            }
            defs.push(def);
            if let Err(cycle) = find_cycle(&defs) {
                let mut names = BTreeMap::new();
                for id in &cycle.path {
                    let name = if *id == a.id {
                        Some(a.name.clone())
                    } else {
                        tx.conn().achievement(*id).await?.map(|x| x.name)
                    };
                    if let Some(n) = name {
                        names.insert(*id, n);
                    }
                }
                return Err(Invalid::new(
                    "spec.stack",
                    format!(
                        "would make an achievement require itself: {}; remove one of these links",
                        cycle.describe_with(&|id| names.get(&id).cloned())
                    ),
                )
                .into());
            }
        }
        if let Some(r) = &a.spec.renewal {
            r.validate(a.id)?;
            if a.spec.validity_days.is_none() {
                return Err(Invalid::new(
                    "spec.renewal",
                    "is given but credentials for this achievement never expire; set validity_days",
                )
                .into());
            }
            if let Some(id) = r.assessment_id
                && tx.conn().rule_ref_title("assessment", id).await?.is_none()
            {
                return Err(Invalid::new(
                    "spec.renewal",
                    format!("names assessment {id}, which does not exist; check the id"),
                )
                .into());
            }
            for id in &r.credits_from {
                if tx.conn().achievement(*id).await?.is_none() {
                    return Err(Invalid::new(
                        "spec.renewal",
                        format!("names achievement {id}, which does not exist; check the id"),
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    /// Keep the reverse indexes of the achievement's stack and renewal.
    pub(crate) async fn index_stack(&self, tx: &mut Tx, a: &Achievement) -> Result<()> {
        let components = a
            .spec
            .stack
            .as_ref()
            .map(StackSpec::components)
            .unwrap_or_default();
        tx.conn().set_stack_refs(a.id, &components).await?;
        let mut refs: Vec<(&str, Uuid)> = Vec::new();
        if let Some(r) = &a.spec.renewal {
            refs.extend(r.assessment_id.map(|id| ("assessment", id)));
            refs.extend(r.credits_from.iter().map(|id| ("achievement", *id)));
        }
        tx.conn().set_renewal_refs(a.id, &refs).await?;
        Ok(())
    }

    /// Inside the transaction that stored a credential: decide the stacks it completes and
    /// the renewals its credits bring. Call [`App::process_awards`] after commit.
    pub(crate) async fn after_credential_issued(
        &self,
        tx: &mut Tx,
        record: &CredentialRecord,
    ) -> Result<()> {
        let (Some(learner), Some(achievement)) = (record.recipient_user, record.achievement_id)
        else {
            return Ok(());
        };
        let because = format!("credential:{}", record.id);
        // Most credentials are part of no stack: one indexed lookup settles that, and
        // nothing else about stacks is read for them.
        if !tx.conn().stacks_naming(achievement).await?.is_empty() {
            // A part earned again may bring back stacks its earlier loss suspended.
            if tx
                .conn()
                .active_stack_awards(learner)
                .await?
                .iter()
                .any(|(_, _, _, auto)| *auto)
            {
                let above = self.stacks_above(tx, achievement).await?;
                self.restore_suspended_stacks(tx, learner, &above, record)
                    .await?;
            }
            self.decide_stacks(tx, learner, achievement, &because)
                .await?;
        }
        self.renew_by_credits(tx, learner, achievement, &because)
            .await?;
        Ok(())
    }

    /// Serialise stack decisions for one learner: two transactions each adding one
    /// component must not both judge without the other's. SQLite has one writer already.
    async fn lock_learner(&self, tx: &mut Tx, learner: Uuid) -> Result<()> {
        tx.conn().lock_user_row(learner).await?;
        Ok(())
    }

    /// Judge the stacks that name `component` for this learner; returns the awards decided.
    pub(crate) async fn decide_stacks(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        component: Uuid,
        because: &str,
    ) -> Result<Vec<Uuid>> {
        // One query for the stacks, their rules and whether each is awarded already; the
        // full achievement is read only for a stack that is met.
        let stacks = tx.conn().stacks_naming_for(component, learner).await?;
        if stacks.iter().all(|(_, _, awarded)| *awarded) {
            return Ok(Vec::new());
        }
        self.lock_learner(tx, learner).await?;
        let rows = tx.conn().held_by(learner, now()).await?;
        let held = held_of(&rows);
        let mut decided = Vec::new();
        for (stack_id, spec, awarded) in stacks {
            let Some(spec) = spec.filter(|_| !awarded) else {
                continue;
            };
            let spec: StackSpec = serde_json::from_str(&spec)
                .map_err(|e| AppError::Internal(format!("stored stack: {e}")))?;
            let has = |a: Uuid| held.iter().any(|h| h.achievement_id == a);
            if !spec.prerequisites.iter().all(|p| has(*p)) {
                continue;
            }
            let outcome = evaluate(&spec.rule, &held);
            if !outcome.met {
                continue;
            }
            let Some(achievement) = tx.conn().achievement(stack_id).await? else {
                continue;
            };
            let mut evidence = Vec::new();
            for cid in &outcome.satisfied_by {
                if let Some(r) = rows.iter().find(|r| r.credential_id == *cid) {
                    evidence.push(credential_evidence(r, "Part of the stack"));
                }
            }
            for p in &spec.prerequisites {
                if let Some(r) = rows.iter().find(|r| r.achievement_id == *p) {
                    evidence.push(credential_evidence(r, "Prerequisite"));
                }
            }
            let names = self.names_for(tx, &spec, &rows).await?;
            let explanation = format!(
                "{} met its stack rule, {}: {}.",
                achievement.name,
                spec.rule.describe_with(&|id| names.get(&id).cloned()),
                evidence
                    .iter()
                    .map(|e| format!("{} ({})", e.name, e.description))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            let award = NewAward {
                achievement: &achievement,
                learner,
                basis: "stack",
                renews: None,
                evidence,
                results: Vec::new(),
                explanation: &explanation,
                because,
            };
            if let Some(id) = self.insert_award(tx, award).await? {
                decided.push(id);
            }
        }
        Ok(decided)
    }

    async fn names_for(
        &self,
        tx: &mut Tx,
        spec: &StackSpec,
        rows: &[HeldRow],
    ) -> Result<BTreeMap<Uuid, String>> {
        let mut names: BTreeMap<Uuid, String> = rows
            .iter()
            .map(|r| (r.achievement_id, r.name.clone()))
            .collect();
        for c in spec.components() {
            if !names.contains_key(&c)
                && let Some(a) = tx.conn().achievement(c).await?
            {
                names.insert(c, a.name);
            }
        }
        Ok(names)
    }

    /// Insert a pending award unless one is active; audit its decision. Returns its id.
    pub(crate) async fn insert_award(&self, tx: &mut Tx, n: NewAward<'_>) -> Result<Option<Uuid>> {
        let award = AwardRow {
            id: Uuid::now_v7(),
            achievement_id: n.achievement.id,
            learner_id: n.learner,
            org_id: n.achievement.org_id,
            evidence: json_text(&n.evidence)?,
            result: if n.results.is_empty() {
                None
            } else {
                Some(json_text(&n.results)?)
            },
            explanation: n.explanation.to_owned(),
            state: "pending".into(),
            active: true,
            credential_id: None,
            tries: 0,
            last_error: None,
            decided_at: now(),
            issued_at: None,
            basis: n.basis.into(),
            renews: n.renews,
            auto_suspended: false,
        };
        if !tx.conn().insert_award_if_none_active(&award).await? {
            return Ok(None);
        }
        let entry = audit_entry(
            &Principal::system(),
            Some(n.achievement.org_id),
            "award.decide",
            format!("award:{}", award.id),
            json!({
                "achievement": n.achievement.id,
                "learner": n.learner,
                "basis": n.basis,
                "renews": n.renews,
                "because": n.because,
                "evidence": n.evidence.iter().map(|e| e.reference).collect::<Vec<_>>(),
                "explanation": n.explanation,
            }),
        );
        tx.conn().append_audit(&entry, now()).await?;
        Ok(Some(award.id))
    }

    /// Why a pending award may no longer be signed, if it may not: a stack whose rule or
    /// prerequisites no longer hold, or a renewal whose credential was revoked or suspended.
    pub(crate) async fn award_grounds_gone(
        &self,
        tx: &mut Tx,
        row: &AwardRow,
    ) -> Result<Option<String>> {
        match row.basis.as_str() {
            "stack" => {
                let Some(a) = tx.conn().achievement(row.achievement_id).await? else {
                    return Ok(None);
                };
                let Some(spec) = &a.spec.stack else {
                    return Ok(None);
                };
                self.lock_learner(tx, row.learner_id).await?;
                let rows = tx.conn().held_by(row.learner_id, now()).await?;
                let held = held_of(&rows);
                let names = self.names_for(tx, spec, &rows).await?;
                let named = |id: Uuid| names.get(&id).cloned();
                let missing: Vec<String> = spec
                    .prerequisites
                    .iter()
                    .filter(|p| !held.iter().any(|h| h.achievement_id == **p))
                    .map(|p| {
                        format!(
                            "prerequisite {}",
                            named(*p).unwrap_or_else(|| p.to_string())
                        )
                    })
                    .chain(cairn_core::stacks::evaluate_with(&spec.rule, &held, &named).missing)
                    .collect();
                Ok((!missing.is_empty()).then(|| {
                    format!(
                        "{} no longer meets its stack rule: {}",
                        a.name,
                        missing.join("; ")
                    )
                }))
            }
            "renewal" => {
                let Some(old) = row.renews else {
                    return Ok(None);
                };
                let Some(old) = tx.conn().award(old).await? else {
                    return Ok(None);
                };
                let Some(credential) = old.credential_id else {
                    return Ok(None);
                };
                let state = tx.conn().credential(credential).await?.map(|c| c.state);
                Ok(match state {
                    Some(CredentialState::Revoked) => {
                        Some("the credential it renews was revoked".into())
                    }
                    Some(CredentialState::Suspended) => {
                        Some("the credential it renews is suspended".into())
                    }
                    _ => None,
                })
            }
            _ => Ok(None),
        }
    }

    /// Every stack above `achievement`, through stacks built on stacks.
    async fn stacks_above(&self, tx: &mut Tx, achievement: Uuid) -> Result<BTreeSet<Uuid>> {
        let mut above = BTreeSet::new();
        let mut queue = vec![achievement];
        while let Some(a) = queue.pop() {
            for s in tx.conn().stacks_naming(a).await? {
                if above.insert(s) {
                    queue.push(s);
                }
            }
        }
        Ok(above)
    }

    /// Inside the transaction that revoked, suspended or expired a credential: apply each
    /// affected stack's policy. A stack that still holds without it is kept; one that does
    /// not is revoked ("re-evaluate"), suspended ("suspend") or kept ("keep"). A suspended
    /// component only ever suspends stacks, since it may come back.
    pub(crate) async fn after_credential_lost(
        &self,
        tx: &mut Tx,
        record: &CredentialRecord,
        loss: Loss,
    ) -> Result<()> {
        let (Some(learner), Some(achievement)) = (record.recipient_user, record.achievement_id)
        else {
            return Ok(());
        };
        let above = self.stacks_above(tx, achievement).await?;
        if above.is_empty() {
            return Ok(());
        }
        self.lock_learner(tx, learner).await?;
        let awards: Vec<_> = tx
            .conn()
            .active_stack_awards(learner)
            .await?
            .into_iter()
            .filter(|(_, a, credential, _)| above.contains(a) && credential.is_some())
            .collect();
        if awards.is_empty() {
            return Ok(());
        }
        let mut defs = Vec::new();
        let mut policies = BTreeMap::new();
        let mut names = BTreeMap::new();
        let mut issuers = BTreeMap::new();
        for s in &above {
            if let Some(a) = tx.conn().achievement(*s).await?
                && let Some(spec) = &a.spec.stack
            {
                defs.push(spec.def(a.id));
                policies.insert(a.id, spec.on_revocation);
                names.insert(a.id, a.name.clone());
                issuers.insert(a.id, a.org_id);
            }
        }
        let rows = tx.conn().held_by(learner, now()).await?;
        let held = held_of(&rows);
        let awarded: Vec<Uuid> = awards.iter().map(|(_, a, _, _)| *a).collect();
        let effects = after_revocation(&defs, &policies, &held, &awarded, achievement);
        for (stack, effect) in effects {
            let Some((award_id, _, Some(credential), _)) =
                awards.iter().find(|(_, a, _, _)| *a == stack).copied()
            else {
                continue;
            };
            let effect = match (effect, loss) {
                (RevocationEffect::Revoke, Loss::Suspended) => RevocationEffect::Suspend,
                (e, _) => e,
            };
            let stack_name = names.get(&stack).cloned().unwrap_or_default();
            let reason = format!(
                "{} no longer holds: a credential it was awarded on ({}) was {}",
                stack_name,
                record.name,
                loss.word()
            );
            let current = tx.conn().credential(credential).await?.map(|c| c.state);
            let effect = match (effect, current) {
                // Revoked already, or suspended already (by an admin or an earlier loss):
                // nothing to change, and an admin's suspension stays theirs.
                (_, Some(CredentialState::Revoked) | None)
                | (RevocationEffect::Suspend, Some(CredentialState::Suspended)) => {
                    RevocationEffect::Keep
                }
                (e, _) => e,
            };
            match effect {
                RevocationEffect::Keep => {}
                RevocationEffect::Suspend => {
                    self.change_status_in(tx, credential, StatusAction::Suspend, &reason, false)
                        .await?;
                    tx.conn().set_award_auto_suspended(award_id, true).await?;
                }
                RevocationEffect::Revoke => {
                    self.change_status_in(tx, credential, StatusAction::Revoke, &reason, false)
                        .await?;
                }
            }
            if effect != RevocationEffect::Keep {
                let entry = audit_entry(
                    &Principal::system(),
                    issuers.get(&stack).copied(),
                    match effect {
                        RevocationEffect::Suspend => "stack.suspend",
                        _ => "stack.revoke",
                    },
                    format!("credential:{credential}"),
                    json!({
                        "stack": stack,
                        "learner": learner,
                        "because": format!("credential:{}", record.id),
                        "policy": policies.get(&stack).copied().unwrap_or_default(),
                        "reason": reason,
                    }),
                );
                tx.conn().append_audit(&entry, now()).await?;
            }
        }
        Ok(())
    }

    /// Inside the transaction that reinstated a credential: stacks it suspended come back
    /// where they hold again (bottom up), and stacks it now completes are decided.
    pub(crate) async fn after_credential_reinstated(
        &self,
        tx: &mut Tx,
        record: &CredentialRecord,
    ) -> Result<()> {
        let (Some(learner), Some(achievement)) = (record.recipient_user, record.achievement_id)
        else {
            return Ok(());
        };
        let above = self.stacks_above(tx, achievement).await?;
        if above.is_empty() {
            return Ok(());
        }
        self.restore_suspended_stacks(tx, learner, &above, record)
            .await?;
        self.decide_stacks(
            tx,
            learner,
            achievement,
            &format!("credential:{}", record.id),
        )
        .await?;
        Ok(())
    }

    /// Stacks above a returning part that its loss suspended come back where they hold
    /// again, bottom up (one level per pass).
    async fn restore_suspended_stacks(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        above: &BTreeSet<Uuid>,
        record: &CredentialRecord,
    ) -> Result<()> {
        self.lock_learner(tx, learner).await?;
        loop {
            let rows = tx.conn().held_by(learner, now()).await?;
            let held = held_of(&rows);
            let mut changed = false;
            for (award_id, stack, credential, auto) in
                tx.conn().active_stack_awards(learner).await?
            {
                let (true, Some(credential)) = (auto && above.contains(&stack), credential) else {
                    continue;
                };
                // Reinstated or revoked by hand meanwhile: no longer the policy's to lift.
                if tx.conn().credential(credential).await?.map(|c| c.state)
                    != Some(CredentialState::Suspended)
                {
                    tx.conn().set_award_auto_suspended(award_id, false).await?;
                    continue;
                }
                let Some(a) = tx.conn().achievement(stack).await? else {
                    continue;
                };
                let Some(spec) = &a.spec.stack else { continue };
                let has = |x: Uuid| held.iter().any(|h| h.achievement_id == x);
                if spec.prerequisites.iter().all(|p| has(*p)) && evaluate(&spec.rule, &held).met {
                    let reason = format!("{} holds again: {} is valid", a.name, record.name);
                    self.change_status_in(tx, credential, StatusAction::Reinstate, &reason, false)
                        .await?;
                    tx.conn().set_award_auto_suspended(award_id, false).await?;
                    let entry = audit_entry(
                        &Principal::system(),
                        Some(a.org_id),
                        "stack.reinstate",
                        format!("credential:{credential}"),
                        json!({"stack": stack, "learner": learner, "because": format!("credential:{}", record.id)}),
                    );
                    tx.conn().append_audit(&entry, now()).await?;
                    changed = true;
                }
            }
            if !changed {
                return Ok(());
            }
        }
    }

    /// The worker's pass over expired credentials: each one's award ends (so it can be
    /// earned again) and the stacks built on it follow their policies. Returns how many.
    pub async fn handle_expired_credentials(&self) -> Result<usize> {
        let mut handled = 0;
        loop {
            let due = {
                let mut r = self.store.reader().await?;
                r.conn().expired_unhandled(now(), EXPIRY_BATCH).await?
            };
            if due.is_empty() {
                return Ok(handled);
            }
            let mut progressed = false;
            for row in &due {
                match self.handle_expired(row).await {
                    Ok(true) => {
                        handled += 1;
                        progressed = true;
                    }
                    Ok(false) => progressed = true,
                    // One credential that cannot be handled must not stop the others;
                    // it is tried again on the next pass.
                    Err(e) => {
                        tracing::warn!(credential = %row.id, error = %e, "handling an expired credential failed");
                    }
                }
            }
            if !progressed || due.len() < usize::try_from(EXPIRY_BATCH).unwrap_or(usize::MAX) {
                return Ok(handled);
            }
        }
    }

    async fn handle_expired(&self, row: &cairn_store::ExpiringRow) -> Result<bool> {
        {
            {
                let mut tx = self.store.begin().await?;
                if !tx.conn().mark_expiry_handled(row.id).await? {
                    return Ok(false);
                }
                tx.conn().deactivate_award_of_credential(row.id).await?;
                if let Some(record) = tx.conn().credential(row.id).await? {
                    self.after_credential_lost(&mut tx, &record, Loss::Expired)
                        .await?;
                }
                let entry = audit_entry(
                    &Principal::system(),
                    Some(row.org_id),
                    "credential.expire",
                    format!("credential:{}", row.id),
                    json!({"name": row.name, "valid_until": cairn_vc::di::format_datetime(row.valid_until)}),
                );
                tx.conn().append_audit(&entry, now()).await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    }

    /// The credential a renewal would replace: the learner's active award for the
    /// achievement, issued, whose credential is valid and inside its renewal window.
    async fn renewable(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        achievement: &Achievement,
    ) -> Result<Option<(Uuid, CredentialRecord)>> {
        let Some(renewal) = &achievement.spec.renewal else {
            return Ok(None);
        };
        let Some((award, Some(credential))) =
            tx.conn().active_award(achievement.id, learner).await?
        else {
            return Ok(None);
        };
        let Some(record) = tx.conn().credential(credential).await? else {
            return Ok(None);
        };
        let open = record.state == CredentialState::Active
            && record
                .valid_until
                .is_some_and(|v| renewal.window_open(v, now()));
        Ok(open.then_some((award, record)))
    }

    #[allow(clippy::too_many_arguments)]
    async fn decide_renewal(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        achievement: &Achievement,
        old_award: Uuid,
        old: &CredentialRecord,
        evidence: Vec<AwardEvidence>,
        because: &str,
    ) -> Result<Option<Uuid>> {
        // The old award ends first: racing renewals find it inactive and stop.
        if !tx.conn().deactivate_award(old_award).await? {
            return Ok(None);
        }
        let explanation = format!(
            "{} renewed before the credential of {} expired{}: {}.",
            achievement.name,
            date(old.issued_at),
            old.valid_until
                .map(|v| format!(" on {}", date(v)))
                .unwrap_or_default(),
            evidence
                .iter()
                .map(|e| format!("{} ({})", e.name, e.description))
                .collect::<Vec<_>>()
                .join("; ")
        );
        let award = NewAward {
            achievement,
            learner,
            basis: "renewal",
            renews: Some(old_award),
            evidence,
            results: Vec::new(),
            explanation: &explanation,
            because,
        };
        self.insert_award(tx, award).await
    }

    /// Inside the transaction that scored an attempt: a passed renewal assessment renews
    /// the credentials whose window is open.
    pub(crate) async fn renew_by_assessment(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        assessment: Uuid,
    ) -> Result<Vec<Uuid>> {
        let mut decided = Vec::new();
        for id in tx.conn().renewals_naming("assessment", assessment).await? {
            let Some(achievement) = tx.conn().achievement(id).await? else {
                continue;
            };
            let Some((old_award, old)) = self.renewable(tx, learner, &achievement).await? else {
                continue;
            };
            let Some(renewal) = achievement.spec.renewal.as_ref() else {
                continue;
            };
            let Some(valid_until) = old.valid_until else {
                continue;
            };
            // Only a pass inside the renewal window, after the credential was issued, renews:
            // an older pass proves nothing new.
            let Some(pass) = tx
                .conn()
                .attempt_facts(learner, assessment)
                .await?
                .into_iter()
                .filter(|f| {
                    f.passed
                        && f.submitted_at >= old.issued_at
                        && renewal.window_open(valid_until, f.submitted_at)
                })
                .max_by_key(|f| f.number)
            else {
                continue;
            };
            let evidence = vec![AwardEvidence {
                reference: EvidenceRef::Attempt {
                    attempt_id: pass.id,
                },
                name: format!(
                    "Renewal assessment: {}, attempt {}",
                    pass.assessment_title, pass.number
                ),
                description: format!(
                    "Scored {}.{}% and reached the cut score on {}",
                    pass.percent_tenths / 10,
                    pass.percent_tenths % 10,
                    date(pass.submitted_at)
                ),
                genre: "Assessment".into(),
            }];
            if let Some(a) = self
                .decide_renewal(
                    tx,
                    learner,
                    &achievement,
                    old_award,
                    &old,
                    evidence,
                    &format!("assessment:{assessment}"),
                )
                .await?
            {
                decided.push(a);
            }
        }
        Ok(decided)
    }

    /// Inside the transaction that stored a credential: credits it adds may renew others.
    async fn renew_by_credits(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        component: Uuid,
        because: &str,
    ) -> Result<()> {
        let targets = tx.conn().renewals_naming("achievement", component).await?;
        if targets.is_empty() {
            return Ok(());
        }
        let rows = tx.conn().held_by(learner, now()).await?;
        let earned: Vec<Earned> = rows
            .iter()
            .map(|r| Earned {
                achievement_id: r.achievement_id,
                issued_at: r.issued_at,
                credits: credits_of(r),
            })
            .collect();
        for id in targets {
            let Some(achievement) = tx.conn().achievement(id).await? else {
                continue;
            };
            let Some(renewal) = achievement.spec.renewal.clone() else {
                continue;
            };
            let Some(min) = renewal.min_credits else {
                continue;
            };
            let Some((old_award, old)) = self.renewable(tx, learner, &achievement).await? else {
                continue;
            };
            if credits_since(&earned, &renewal.credits_from, old.issued_at) < min {
                continue;
            }
            let evidence = rows
                .iter()
                .filter(|r| {
                    r.issued_at >= old.issued_at && renewal.credits_from.contains(&r.achievement_id)
                })
                .map(|r| credential_evidence(r, "Credits earned while the credential was valid"))
                .collect();
            self.decide_renewal(
                tx,
                learner,
                &achievement,
                old_award,
                &old,
                evidence,
                because,
            )
            .await?;
        }
        Ok(())
    }
}

/// A held credential as an award's evidence.
fn credential_evidence(r: &HeldRow, role: &str) -> AwardEvidence {
    let credits = Some(credits_of(r))
        .filter(|c| *c > 0)
        .map(|c| format!(", {} credits", cairn_core::stacks::format_credits(c)))
        .unwrap_or_default();
    AwardEvidence {
        reference: EvidenceRef::Credential {
            credential_id: r.credential_id,
        },
        name: format!("Credential: {}", r.name),
        description: format!("{role}; issued {}{credits}", date(r.issued_at)),
        genre: "Credential".into(),
    }
}

impl App {
    /// Judge again, for one learner, the stacks that name `achievement` — what issuing a
    /// credential for it does — and commit any awards decided; returns their ids. For
    /// repairs after a stack was added or changed, and for measuring re-evaluation.
    pub async fn reevaluate_stacks(&self, learner: Uuid, achievement: Uuid) -> Result<Vec<Uuid>> {
        let mut tx = self.store.begin().await?;
        let decided = self
            .decide_stacks(&mut tx, learner, achievement, "reevaluation")
            .await?;
        tx.commit().await?;
        Ok(decided)
    }
}

impl App {
    /// The worker's pass over credentials about to expire: each holder is reminded 90, 60
    /// and 30 days before (only the nearest one due, once each), unless they already hold
    /// a renewed credential. Returns how many reminders were written.
    pub async fn send_expiry_reminders(&self) -> Result<usize> {
        let t = now();
        let mut sent = 0;
        for days in cairn_core::renewal::REMINDER_DAYS.iter().rev().copied() {
            let until = t + time::Duration::days(i64::from(days));
            let days_i32 = i32::try_from(days).unwrap_or(i32::MAX);
            loop {
                let due = {
                    let mut r = self.store.reader().await?;
                    r.conn()
                        .expiring_between(t, until, days_i32, EXPIRY_BATCH)
                        .await?
                };
                for row in &due {
                    let mut tx = self.store.begin().await?;
                    if !tx.conn().set_reminded(row.id, days_i32).await? {
                        continue;
                    }
                    let renewed = tx
                        .conn()
                        .held_by(row.recipient_user, t)
                        .await?
                        .iter()
                        .any(|h| {
                            h.achievement_id == row.achievement_id
                                && h.credential_id != row.id
                                && h.valid_until.is_none_or(|v| v > row.valid_until)
                        });
                    if !renewed {
                        self.remind(&mut tx, row, days).await?;
                        sent += 1;
                    }
                    tx.commit().await?;
                }
                if due.len() < usize::try_from(EXPIRY_BATCH).unwrap_or(usize::MAX) {
                    break;
                }
            }
        }
        Ok(sent)
    }

    async fn remind(&self, tx: &mut Tx, row: &cairn_store::ExpiringRow, days: u32) -> Result<()> {
        let left = cairn_core::renewal::days_left(row.valid_until, now());
        let how = match tx.conn().achievement(row.achievement_id).await? {
            Some(a) => match &a.spec.renewal {
                Some(r) => {
                    let mut names = BTreeMap::new();
                    for id in r.credits_from.iter().chain(r.assessment_id.iter()) {
                        if let Some(t) = tx.conn().rule_ref_title("assessment", *id).await? {
                            names.insert(*id, t);
                        } else if let Some(x) = tx.conn().achievement(*id).await? {
                            names.insert(*id, x.name);
                        }
                    }
                    r.describe_with(&|id| names.get(&id).cloned())
                }
                None => "Earn it again before it expires to keep it valid.".to_owned(),
            },
            None => String::new(),
        };
        let n = crate::notify::NewNotification {
            user_id: row.recipient_user,
            kind: "credential.expiring".into(),
            dedupe_key: format!("expiry:{}:{days}", row.id),
            title: format!(
                "{} expires in {left} day{}",
                row.name,
                if left == 1 { "" } else { "s" }
            ),
            body: format!(
                "Your credential {} is valid until {}. {how}",
                row.name,
                date(row.valid_until)
            ),
            link: Some(format!("/credentials/{}", row.id)),
        };
        self.notify(tx, &n).await?;
        Ok(())
    }
}
