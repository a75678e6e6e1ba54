//! Stacks: the reverse index from achievements to the stacks and renewals naming them, what
//! a learner holds, and the credentials whose expiry or reminders are due.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::Result;
use crate::conn::{Conn, on};

/// A valid credential a learner holds, as stacks count it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HeldRow {
    pub credential_id: Uuid,
    pub achievement_id: Uuid,
    pub name: String,
    /// The achievement's credit value, in thousandths.
    pub credits: Option<i64>,
    pub issued_at: OffsetDateTime,
    pub valid_until: Option<OffsetDateTime>,
}

/// A stack definition as stored: the achievement and its JSON stack spec.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StackSpecRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub stack: String,
}

/// A credential whose holder is to hear of or be affected by its end.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpiringRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub achievement_id: Uuid,
    pub recipient_user: Uuid,
    pub name: String,
    pub valid_until: OffsetDateTime,
    pub reminded_days: Option<i32>,
}

/// `t` in UTC, whole seconds. Validity ends are stored that way (as signed documents state
/// them), and on SQLite times are compared as RFC 3339 text, where "…:07Z" sorts after
/// "…:07.5Z": comparing against whole seconds keeps text order and time order the same.
pub(super) fn whole_seconds(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(0).unwrap_or(t)
}

impl Conn<'_> {
    /// Serialise, until the transaction ends, the decisions about one learner's stacks. On
    /// PostgreSQL a transaction-scoped advisory lock keyed by the learner: unlike a row
    /// lock it writes nothing, so a transaction that decides nothing commits without a
    /// WAL flush. Two learners sharing a key only wait for each other. SQLite's single
    /// writer serialises already.
    pub async fn lock_user_row(&mut self, user: Uuid) -> Result<()> {
        if let Conn::Postgres(c) = self {
            let mut key = [0u8; 8];
            key.copy_from_slice(&user.as_bytes()[8..]);
            let q = "SELECT pg_advisory_xact_lock($1)";
            sqlx::query(q)
                .bind(i64::from_be_bytes(key))
                .execute(&mut **c)
                .await?;
        }
        Ok(())
    }

    /// Forget what an achievement's rule referred to, before indexing its new rule.
    pub async fn clear_rule_refs(&mut self, achievement: Uuid) -> Result<()> {
        let q = "DELETE FROM achievement_rule_refs WHERE achievement_id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(achievement)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Replace the components (rule parts and prerequisites) a stack names.
    pub async fn set_stack_refs(&mut self, stack: Uuid, components: &[Uuid]) -> Result<()> {
        let q = "DELETE FROM stack_refs WHERE stack_id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(stack)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        for component in components {
            let q = "INSERT INTO stack_refs (stack_id, component_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
            on!(self, |c| sqlx::query(q)
                .bind(stack)
                .bind(component)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// The stacks naming this achievement, each with its stack spec (JSON) and whether the
    /// learner already holds an active award for it: one round trip for what an issued
    /// credential needs to judge.
    pub async fn stacks_naming_for(
        &mut self,
        component: Uuid,
        learner: Uuid,
    ) -> Result<Vec<(Uuid, Option<String>, bool)>> {
        let q = "SELECT a.id, a.stack, EXISTS (SELECT 1 FROM awards w WHERE w.achievement_id = a.id AND w.learner_id = $2 AND w.active) \
                 FROM stack_refs r JOIN achievements a ON a.id = r.stack_id \
                 WHERE r.component_id = $1 ORDER BY a.id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(component)
            .bind(learner)
            .fetch_all(c)
            .await)?)
    }

    /// The stacks whose rule or prerequisites name this achievement.
    pub async fn stacks_naming(&mut self, component: Uuid) -> Result<Vec<Uuid>> {
        let q = "SELECT stack_id FROM stack_refs WHERE component_id = $1 ORDER BY stack_id";
        let rows: Vec<(Uuid,)> = on!(self, |c| sqlx::query_as(q)
            .bind(component)
            .fetch_all(c)
            .await)?;
        Ok(rows.into_iter().map(|(a,)| a).collect())
    }

    /// Every stack definition, for checking a new one against the others (cycles) and for
    /// planning. Stacks are authored by hand, so there are hundreds, not millions.
    pub async fn all_stack_specs(&mut self) -> Result<Vec<StackSpecRow>> {
        let q =
            "SELECT id, org_id, name, stack FROM achievements WHERE stack IS NOT NULL ORDER BY id";
        Ok(on!(self, |c| sqlx::query_as(q).fetch_all(c).await)?)
    }

    /// Replace the assessments and achievements a renewal names.
    pub async fn set_renewal_refs(
        &mut self,
        achievement: Uuid,
        refs: &[(&str, Uuid)],
    ) -> Result<()> {
        let q = "DELETE FROM renewal_refs WHERE achievement_id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(achievement)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        for (kind, id) in refs {
            let q = "INSERT INTO renewal_refs (achievement_id, ref_kind, ref_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
            on!(self, |c| sqlx::query(q)
                .bind(achievement)
                .bind(*kind)
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// The achievements a passed assessment or an earned achievement may renew.
    pub async fn renewals_naming(&mut self, kind: &str, id: Uuid) -> Result<Vec<Uuid>> {
        let q = "SELECT achievement_id FROM renewal_refs WHERE ref_kind = $1 AND ref_id = $2 ORDER BY achievement_id";
        let rows: Vec<(Uuid,)> = on!(self, |c| sqlx::query_as(q)
            .bind(kind)
            .bind(id)
            .fetch_all(c)
            .await)?;
        Ok(rows.into_iter().map(|(a,)| a).collect())
    }

    /// The credentials a learner holds now: neither revoked nor suspended nor expired.
    pub async fn held_by(&mut self, learner: Uuid, at: OffsetDateTime) -> Result<Vec<HeldRow>> {
        let q = "SELECT c.id AS credential_id, c.achievement_id AS achievement_id, a.name AS name, a.credits AS credits, c.issued_at AS issued_at, c.valid_until AS valid_until \
                 FROM credentials c JOIN achievements a ON a.id = c.achievement_id \
                 WHERE c.recipient_user = $1 AND c.revoked_at IS NULL AND c.suspended_at IS NULL \
                 AND (c.valid_until IS NULL OR c.valid_until > $2) \
                 ORDER BY c.issued_at, c.id";
        let at = whole_seconds(at);
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(learner)
            .bind(at)
            .fetch_all(c)
            .await)?)
    }

    /// The learner's active awards made by stack rules, with their credentials (if issued).
    pub async fn active_stack_awards(
        &mut self,
        learner: Uuid,
    ) -> Result<Vec<(Uuid, Uuid, Option<Uuid>, bool)>> {
        // By the achievement, not the award's basis: a renewed stack is still a stack.
        let q = "SELECT w.id, w.achievement_id, w.credential_id, w.auto_suspended FROM awards w JOIN achievements a ON a.id = w.achievement_id \
                 WHERE w.learner_id = $1 AND w.active AND a.stack IS NOT NULL ORDER BY w.achievement_id";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(learner)
            .fetch_all(c)
            .await)?)
    }

    /// A person changed this credential's status: whatever a stack policy did to it is
    /// theirs now, and the policy will not lift it.
    pub async fn clear_auto_suspended_of_credential(&mut self, credential: Uuid) -> Result<()> {
        let q =
            "UPDATE awards SET auto_suspended = FALSE WHERE credential_id = $1 AND auto_suspended";
        on!(self, |c| sqlx::query(q)
            .bind(credential)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Mark whether an award's credential was suspended by its stack policy.
    pub async fn set_award_auto_suspended(&mut self, award: Uuid, on: bool) -> Result<()> {
        let q = "UPDATE awards SET auto_suspended = $2 WHERE id = $1";
        on!(self, |c| sqlx::query(q)
            .bind(award)
            .bind(on)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The learner's active award for an achievement, if any.
    pub async fn active_award(
        &mut self,
        achievement: Uuid,
        learner: Uuid,
    ) -> Result<Option<(Uuid, Option<Uuid>)>> {
        let q = "SELECT id, credential_id FROM awards WHERE achievement_id = $1 AND learner_id = $2 AND active";
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(achievement)
            .bind(learner)
            .fetch_optional(c)
            .await)?)
    }

    /// End an award so another may be made: false if it was no longer active (someone
    /// else renewed it first).
    pub async fn deactivate_award(&mut self, award: Uuid) -> Result<bool> {
        let q = "UPDATE awards SET active = FALSE WHERE id = $1 AND active";
        let n = on!(self, |c| sqlx::query(q)
            .bind(award)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Credentials held by people that expired by `at` and whose stacks were not yet
    /// re-evaluated, oldest first.
    pub async fn expired_unhandled(
        &mut self,
        at: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<ExpiringRow>> {
        let q = "SELECT id, org_id, achievement_id, recipient_user, name, valid_until, reminded_days FROM credentials \
                 WHERE valid_until IS NOT NULL AND valid_until <= $1 AND NOT expiry_handled \
                 AND recipient_user IS NOT NULL AND achievement_id IS NOT NULL \
                 ORDER BY valid_until, id LIMIT $2";
        let at = whole_seconds(at);
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(at)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    /// Claim an expired credential's handling: false if another server did it already.
    pub async fn mark_expiry_handled(&mut self, credential: Uuid) -> Result<bool> {
        let q = "UPDATE credentials SET expiry_handled = TRUE WHERE id = $1 AND NOT expiry_handled";
        let n = on!(self, |c| sqlx::query(q)
            .bind(credential)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Valid credentials held by people that expire after `from` and by `until`, whose
    /// reminder for `days` (or a nearer one) has not been sent, soonest first.
    pub async fn expiring_between(
        &mut self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        days: i32,
        limit: i64,
    ) -> Result<Vec<ExpiringRow>> {
        let q = "SELECT id, org_id, achievement_id, recipient_user, name, valid_until, reminded_days FROM credentials \
                 WHERE valid_until IS NOT NULL AND valid_until > $1 AND valid_until <= $2 \
                 AND revoked_at IS NULL AND suspended_at IS NULL \
                 AND recipient_user IS NOT NULL AND achievement_id IS NOT NULL \
                 AND (reminded_days IS NULL OR reminded_days > $3) \
                 ORDER BY valid_until, id LIMIT $4";
        let (from, until) = (whole_seconds(from), whole_seconds(until));
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(from)
            .bind(until)
            .bind(days)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    /// Record the reminder sent; false if a reminder as near was recorded meanwhile.
    pub async fn set_reminded(&mut self, credential: Uuid, days: i32) -> Result<bool> {
        let q = "UPDATE credentials SET reminded_days = $2 WHERE id = $1 AND (reminded_days IS NULL OR reminded_days > $2)";
        let n = on!(self, |c| sqlx::query(q)
            .bind(credential)
            .bind(days)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
