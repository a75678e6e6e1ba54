//! Storage for evidence rules over xAPI statements: which achievements of an organization
//! have such rules, who a statement's actor is among the organization's members, and a
//! learner's non-voided statements that a rule could count.

use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::Result;
use crate::conn::{Conn, on};

/// Values bound per query at most; longer lists are split (SQLite's limit is 32766).
const CHUNK: usize = 500;

fn in_list(n: usize, first: usize) -> String {
    (0..n)
        .map(|i| format!("${}", first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A learner's statement as evidence rules read it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LearnerStatementRow {
    pub id: Uuid,
    /// The statement as stored, JSON.
    pub statement: String,
    /// Cairn stored it itself (no LRS key): its own lessons and assessments.
    pub by_cairn: bool,
}

impl Conn<'_> {
    /// The achievements of `org` whose rules use xAPI statements, with their rules' JSON.
    /// The rule text is matched as serde writes it; the caller parses it to be sure.
    pub async fn xapi_rule_achievements(&mut self, org: Uuid) -> Result<Vec<(Uuid, String)>> {
        let q = "SELECT id, rule FROM achievements WHERE org_id = $1 AND rule IS NOT NULL \
                 AND (rule LIKE '%\"type\":\"xapi_statement\"%' OR rule LIKE '%\"type\":\"cmi5_move_on\"%') \
                 ORDER BY id";
        let rows: Vec<(Uuid, String)> =
            on!(self, |c| sqlx::query_as(q).bind(org).fetch_all(c).await)?;
        Ok(rows)
    }

    /// The member of `org` (any role) with this e-mail address.
    pub async fn org_member_by_email(&mut self, org: Uuid, address: &str) -> Result<Option<Uuid>> {
        let q = "SELECT e.user_id FROM user_emails e \
                 WHERE e.address = $2 AND EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = $1 AND m.user_id = e.user_id)";
        let id: Option<Uuid> = on!(self, |c| sqlx::query_scalar(q)
            .bind(org)
            .bind(address)
            .fetch_optional(c)
            .await)?;
        Ok(id)
    }

    /// Every e-mail address of `org`'s members, with its user: what `mbox_sha1sum`
    /// actors are matched against.
    pub async fn org_member_emails(&mut self, org: Uuid) -> Result<Vec<(Uuid, String)>> {
        let q = "SELECT e.user_id, e.address FROM user_emails e \
                 WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = $1 AND m.user_id = e.user_id) \
                 ORDER BY e.address";
        let rows: Vec<(Uuid, String)> =
            on!(self, |c| sqlx::query_as(q).bind(org).fetch_all(c).await)?;
        Ok(rows)
    }

    /// Does `user` belong to `org` in any role?
    pub async fn is_org_member(&mut self, org: Uuid, user: Uuid) -> Result<bool> {
        let q = "SELECT EXISTS (SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2)";
        let yes: bool = on!(self, |c| sqlx::query_scalar(q)
            .bind(org)
            .bind(user)
            .fetch_one(c)
            .await)?;
        Ok(yes)
    }

    /// Does the user exist?
    pub async fn user_exists(&mut self, user: Uuid) -> Result<bool> {
        let q = "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)";
        let yes: bool = on!(self, |c| sqlx::query_scalar(q)
            .bind(user)
            .fetch_one(c)
            .await)?;
        Ok(yes)
    }

    /// A user's e-mail addresses.
    pub async fn emails_of_user(&mut self, user: Uuid) -> Result<Vec<String>> {
        let q = "SELECT address FROM user_emails WHERE user_id = $1 ORDER BY address";
        let rows: Vec<String> = on!(self, |c| sqlx::query_scalar(q)
            .bind(user)
            .fetch_all(c)
            .await)?;
        Ok(rows)
    }

    /// The contents of a module's xAPI versions: where its `activity_iri`s are.
    pub async fn xapi_module_contents(&mut self, module: Uuid) -> Result<Vec<String>> {
        let q = "SELECT content FROM module_versions WHERE module_id = $1 AND format = 'xapi' ORDER BY number";
        let rows: Vec<String> = on!(self, |c| sqlx::query_scalar(q)
            .bind(module)
            .fetch_all(c)
            .await)?;
        Ok(rows)
    }

    /// The statements in `org`'s LRS whose actor is one of `actors`, whose verb is one
    /// of `verbs` (any verb when empty) and which mention one of `activities` anywhere (object or context;
    /// any activity when `activities` is empty) — never voided ones nor voiding ones.
    /// Oldest first.
    pub async fn xapi_learner_statements(
        &mut self,
        org: Uuid,
        actors: &[String],
        verbs: &[String],
        activities: &[String],
    ) -> Result<Vec<LearnerStatementRow>> {
        if actors.is_empty() {
            return Ok(Vec::new());
        }
        let (actors, verbs) = (
            &actors[..actors.len().min(CHUNK)],
            &verbs[..verbs.len().min(CHUNK)],
        );
        let activities = &activities[..activities.len().min(CHUNK)];
        let mut q = format!(
            "SELECT s.id, s.statement, s.key_id IS NULL AS by_cairn FROM xapi_statements s \
             WHERE s.org_id = $1 AND NOT s.voided AND s.voids IS NULL AND s.actor_ifi IN ({})",
            in_list(actors.len(), 2)
        );
        if !verbs.is_empty() {
            q.push_str(&format!(
                " AND s.verb_id IN ({})",
                in_list(verbs.len(), 2 + actors.len())
            ));
        }
        if !activities.is_empty() {
            // The object activity is a column; the refs hold the other activities named.
            let first = 2 + actors.len() + verbs.len();
            q.push_str(&format!(
                " AND (s.activity_id IN ({}) OR EXISTS (SELECT 1 FROM xapi_statement_refs r \
                 WHERE r.seq = s.seq AND r.kind = 'activity' AND r.value IN ({})))",
                in_list(activities.len(), first),
                in_list(activities.len(), first + activities.len())
            ));
        }
        q.push_str(" ORDER BY s.seq");
        let rows: Vec<LearnerStatementRow> = on!(self, |c| {
            let mut query = sqlx::query_as(AssertSqlSafe(q.as_str())).bind(org);
            for v in actors
                .iter()
                .chain(verbs)
                .chain(activities)
                .chain(activities)
            {
                query = query.bind(v.as_str());
            }
            query.fetch_all(c).await
        })?;
        Ok(rows)
    }

    /// The active awards of `org` whose evidence cites this statement.
    pub async fn active_awards_citing_statement(
        &mut self,
        org: Uuid,
        statement: Uuid,
    ) -> Result<Vec<(Uuid, Uuid, Uuid, Option<Uuid>)>> {
        let q = "SELECT id, achievement_id, learner_id, credential_id FROM awards \
                 WHERE org_id = $1 AND active AND evidence LIKE $2 ORDER BY id";
        let needle = format!("%\"statement_id\":\"{statement}\"%");
        let rows: Vec<(Uuid, Uuid, Uuid, Option<Uuid>)> = on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(&needle)
            .fetch_all(c)
            .await)?;
        Ok(rows)
    }
}
