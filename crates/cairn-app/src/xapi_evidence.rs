//! Evidence rules over xAPI statements: when statements are stored (by an LRS client or by
//! Cairn's own lessons and assessments), the achievements whose rules name their verb,
//! activity or module are judged in the same transaction, and a met rule becomes an award
//! whose evidence is the statements.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cairn_core::Principal;
use cairn_core::criteria::{
    CMI5_CATEGORY, CMI5_MASTERY_SCORE, Criteria, EvidenceRef, MoveOn, Scaled, StatementFact,
    VERB_COMPLETED, VERB_PASSED, evaluate,
};
use cairn_store::{NewStatementRow, Tx};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::awards::{AwardEvidence, AwardResult, Gathered};
use crate::credentials::StatusAction;
use crate::{App, Result, audit_entry, now};

/// One xAPI leaf of a rule, as a batch of statements is matched against it.
enum Leaf {
    Statement {
        verb: String,
        activities: Vec<String>,
    },
    Cmi5 {
        au: String,
        any_verb: bool,
    },
}

impl Leaf {
    /// Could this statement (by its verb and every activity it mentions) count for it?
    fn matches(&self, row: &NewStatementRow) -> bool {
        let mentions = |a: &str| row.refs.iter().any(|(k, v)| *k == "activity" && v == a);
        match self {
            Leaf::Statement { verb, activities } => {
                row.verb_id == *verb && activities.iter().any(|a| mentions(a))
            }
            Leaf::Cmi5 { au, any_verb } => {
                (*any_verb || row.verb_id == VERB_PASSED || row.verb_id == VERB_COMPLETED)
                    && mentions(au)
            }
        }
    }
}

fn xapi_leaves<'a>(c: &'a Criteria, out: &mut Vec<&'a Criteria>) {
    match c {
        Criteria::XapiStatement { .. } | Criteria::Cmi5MoveOn { .. } => out.push(c),
        Criteria::All { of } | Criteria::Any { of } => of.iter().for_each(|c| xapi_leaves(c, out)),
        _ => {}
    }
}

/// The first value of a language map, for a name.
fn first_text(map: Option<&Value>) -> Option<String> {
    map?.as_object()?
        .values()
        .find_map(Value::as_str)
        .map(str::to_owned)
}

/// The ids of a context activity list, written as an array or (1.0.x clients) one object.
fn activity_ids(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect(),
        Some(o @ Value::Object(_)) => o
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// A stored statement as rules count it, with the words its evidence is described in.
fn fact_of(id: Uuid, s: &Value) -> (StatementFact, String) {
    let object = s.get("object");
    let is_activity = object
        .and_then(|o| o.get("objectType"))
        .and_then(Value::as_str)
        .is_none_or(|t| t == "Activity");
    let object_id = object
        .filter(|_| is_activity)
        .and_then(|o| o.get("id"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let ctx = s.get("context").and_then(|c| c.get("contextActivities"));
    let mut context_ids = activity_ids(ctx.and_then(|c| c.get("parent")));
    context_ids.extend(activity_ids(ctx.and_then(|c| c.get("grouping"))));
    let cmi5 = activity_ids(ctx.and_then(|c| c.get("category")))
        .iter()
        .any(|c| c == CMI5_CATEGORY);
    let result = s.get("result");
    let scaled = result
        .and_then(|r| r.get("score"))
        .and_then(|sc| sc.get("scaled"))
        .and_then(Value::as_f64)
        .and_then(Scaled::from_f64);
    let mastery = s
        .get("context")
        .and_then(|c| c.get("extensions"))
        .and_then(|e| e.get(CMI5_MASTERY_SCORE))
        .and_then(Value::as_f64)
        .and_then(Scaled::from_f64);
    let time_of = |k: &str| {
        s.get(k)
            .and_then(Value::as_str)
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
    };
    let timestamp = time_of("timestamp")
        .or_else(|| time_of("stored"))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let name = object
        .and_then(|o| o.get("definition"))
        .and_then(|d| first_text(d.get("name")))
        .or_else(|| object_id.clone())
        .unwrap_or_else(|| "an activity".to_owned());
    let fact = StatementFact {
        statement_id: id,
        verb: s
            .get("verb")
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        object_id,
        context_ids,
        module_ids: Vec::new(),
        scaled,
        success: result
            .and_then(|r| r.get("success"))
            .and_then(Value::as_bool),
        completion: result
            .and_then(|r| r.get("completion"))
            .and_then(Value::as_bool),
        mastery,
        cmi5,
        timestamp,
    };
    (fact, name)
}

fn verb_word(verb: &str) -> &str {
    verb.rsplit(['/', '#'])
        .next()
        .filter(|w| !w.is_empty())
        .unwrap_or(verb)
}

fn describe_fact(f: &StatementFact, name: &str) -> (AwardEvidence, Option<AwardResult>) {
    let mut parts = Vec::new();
    if let Some(x) = f.scaled {
        parts.push(format!("scaled score {x}"));
    }
    if let Some(ok) = f.success {
        parts.push(if ok { "success" } else { "no success" }.to_owned());
    }
    if f.completion == Some(true) {
        parts.push("completed".to_owned());
    }
    let at = f
        .timestamp
        .format(&Rfc3339)
        .unwrap_or_else(|_| f.timestamp.to_string());
    let description = if parts.is_empty() {
        format!("Recorded at {at} (statement {})", f.statement_id)
    } else {
        format!(
            "{} at {at} (statement {})",
            capitalized(&parts.join(", ")),
            f.statement_id
        )
    };
    let evidence = AwardEvidence {
        reference: EvidenceRef::Statement {
            statement_id: f.statement_id,
        },
        name: format!("xAPI: {} \"{name}\"", verb_word(&f.verb)),
        description,
        genre: "xAPI statement".into(),
    };
    // OB 3.0 Percent results run from 0; a negative scaled score is stated in words only.
    let result = f.scaled.filter(|x| x.0 >= 0).map(|x| AwardResult {
        result_type: "Percent".into(),
        name: format!("Scaled score on {name}"),
        value: x.percent_text(),
        value_max: "100".into(),
    });
    (evidence, result)
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// SHA-1 as hex: what xAPI's `mbox_sha1sum` holds (of the `mailto:` IRI). SHA-1 is weak,
/// but here it only matches an identifier xAPI defines that way.
pub(crate) fn sha1_hex(data: &[u8]) -> String {
    use sha1::Digest;
    hex::encode(sha1::Sha1::digest(data))
}

/// Who a batch's actors are, looked up once per batch.
#[derive(Default)]
struct Learners {
    /// What Cairn's own account IFIs start with (`learner_ifi`).
    account_prefix: String,
    /// The batch came from Cairn's own lessons and assessments.
    by_cairn: bool,
    by_ifi: HashMap<String, Option<Uuid>>,
    /// `mbox_sha1sum` IFI → member, filled on first need.
    sha1: Option<HashMap<String, Uuid>>,
}

impl App {
    /// Called inside the transaction that stored `rows` for `org_id` (voiding statements
    /// included; `voided` lists the statements they voided). `by_cairn` says Cairn's own
    /// lessons and assessments made them rather than an LRS key. Decides the awards whose
    /// rules the statements' actors now meet and returns their ids; the caller runs
    /// [`App::process_awards`] after commit.
    ///
    /// On the ingest path this costs one small query per batch when no rule of the
    /// organization names what the batch is about; only matching statements cost more.
    pub(crate) async fn awards_after_statements(
        &self,
        tx: &mut Tx,
        org_id: Uuid,
        rows: &[NewStatementRow],
        voided: &[Uuid],
        by_cairn: bool,
    ) -> Result<Vec<Uuid>> {
        let counted: Vec<&NewStatementRow> = rows
            .iter()
            .filter(|r| r.voids.is_none() && !r.voided)
            .collect();
        if counted.is_empty() && voided.is_empty() {
            return Ok(Vec::new());
        }
        let mut rules: Vec<(Uuid, Criteria)> = Vec::new();
        for (id, json) in tx.conn().xapi_rule_achievements(org_id).await? {
            // A rule that no longer parses was refused when saved; skip rather than fail ingest.
            if let Ok(c) = serde_json::from_str::<Criteria>(&json) {
                rules.push((id, c));
            }
        }
        let mut decided = Vec::new();
        if !voided.is_empty() {
            decided.extend(self.after_voiding(tx, org_id, voided).await?);
        }
        if rules.is_empty() || counted.is_empty() {
            return Ok(decided);
        }
        // The leaves of every rule, each with the achievements it belongs to. Module IRIs
        // are looked up only for modules whose verb some statement of the batch has.
        let verbs: BTreeSet<&str> = counted.iter().map(|r| r.verb_id.as_str()).collect();
        let mut module_iris: HashMap<Uuid, Vec<String>> = HashMap::new();
        let mut leaves: Vec<(Leaf, Uuid)> = Vec::new();
        for (achievement, rule) in &rules {
            let mut found = Vec::new();
            xapi_leaves(rule, &mut found);
            for leaf in found {
                match leaf {
                    Criteria::XapiStatement {
                        verb,
                        activity_id,
                        module_id,
                        ..
                    } => {
                        if !verbs.contains(verb.as_str()) {
                            continue;
                        }
                        let activities = match (activity_id, module_id) {
                            (Some(a), _) => vec![a.clone()],
                            (None, Some(m)) => self.module_iris(tx, *m, &mut module_iris).await?,
                            (None, None) => continue,
                        };
                        leaves.push((
                            Leaf::Statement {
                                verb: verb.clone(),
                                activities,
                            },
                            *achievement,
                        ));
                    }
                    Criteria::Cmi5MoveOn { au_id, move_on } => leaves.push((
                        Leaf::Cmi5 {
                            au: au_id.clone(),
                            any_verb: *move_on == MoveOn::NotApplicable,
                        },
                        *achievement,
                    )),
                    _ => {}
                }
            }
        }
        // (learner, achievement) pairs to judge, each once, with a statement that led there.
        let mut learners = Learners {
            account_prefix: format!("account:{}|", self.config.public_url),
            by_cairn,
            ..Learners::default()
        };
        let mut to_judge: BTreeMap<(Uuid, Uuid), Uuid> = BTreeMap::new();
        for row in counted {
            let hits: BTreeSet<Uuid> = leaves
                .iter()
                .filter(|(leaf, _)| leaf.matches(row))
                .map(|(_, a)| *a)
                .collect();
            if hits.is_empty() {
                continue;
            }
            let Some(learner) = self.learner_of(tx, org_id, row, &mut learners).await? else {
                continue;
            };
            for a in hits {
                to_judge.entry((learner, a)).or_insert(row.id);
            }
        }
        for ((learner, achievement), statement) in to_judge {
            let because = format!("xapi_statement:{statement}");
            if let Some(award) = self
                .decide_award(tx, learner, achievement, &because)
                .await?
            {
                decided.push(award);
            }
        }
        Ok(decided)
    }

    /// The IRIs statements name a module by: its page and its xAPI versions' activity IRIs.
    async fn module_iris(
        &self,
        tx: &mut Tx,
        module: Uuid,
        cache: &mut HashMap<Uuid, Vec<String>>,
    ) -> Result<Vec<String>> {
        if let Some(v) = cache.get(&module) {
            return Ok(v.clone());
        }
        let mut iris = vec![self.module_activity(module)];
        for content in tx.conn().xapi_module_contents(module).await? {
            let iri = serde_json::from_str::<Value>(&content).ok().and_then(|c| {
                c.get("activity_iri")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
            if let Some(iri) = iri
                && !iris.contains(&iri)
            {
                iris.push(iri);
            }
        }
        cache.insert(module, iris.clone());
        Ok(iris)
    }

    /// The Cairn user a statement's actor is (decision 0021): Cairn's own account for a
    /// user (`learner_ifi`) when the user belongs to the organization or Cairn itself made
    /// the statement; otherwise a member of the organization by `mbox` or `mbox_sha1sum`.
    async fn learner_of(
        &self,
        tx: &mut Tx,
        org: Uuid,
        row: &NewStatementRow,
        cache: &mut Learners,
    ) -> Result<Option<Uuid>> {
        let ifi = row.actor_ifi.as_str();
        if let Some(known) = cache.by_ifi.get(ifi) {
            return Ok(*known);
        }
        let account = ifi
            .strip_prefix(cache.account_prefix.as_str())
            .and_then(|u| Uuid::parse_str(u).ok());
        let found = if let Some(user) = account {
            let known = tx.conn().user_exists(user).await?
                && (cache.by_cairn || tx.conn().is_org_member(org, user).await?);
            known.then_some(user)
        } else if let Some(address) = ifi.strip_prefix("mbox:mailto:") {
            // Matched exactly, as the learner's statements are gathered by the same IFI.
            tx.conn().org_member_by_email(org, address).await?
        } else if let Some(hash) = ifi.strip_prefix("mbox_sha1sum:") {
            if cache.sha1.is_none() {
                let mut by_hash = HashMap::new();
                for (user, address) in tx.conn().org_member_emails(org).await? {
                    by_hash.insert(sha1_hex(format!("mailto:{address}").as_bytes()), user);
                }
                cache.sha1 = Some(by_hash);
            }
            cache
                .sha1
                .as_ref()
                .and_then(|m| m.get(&hash.to_lowercase()).copied())
        } else {
            None
        };
        cache.by_ifi.insert(ifi.to_owned(), found);
        Ok(found)
    }

    /// The learner's non-voided statements in `org`'s LRS that the rule's xAPI leaves
    /// could count, added to `g` with their descriptions.
    pub(crate) async fn gather_statements(
        &self,
        tx: &mut Tx,
        learner: Uuid,
        org: Uuid,
        rule: &Criteria,
        g: &mut Gathered,
    ) -> Result<()> {
        let mut leaves = Vec::new();
        xapi_leaves(rule, &mut leaves);
        if leaves.is_empty() {
            return Ok(());
        }
        g.set.at = Some(self.now());
        let mut verbs: BTreeSet<String> = BTreeSet::new();
        let mut any_verb = false;
        let mut activities: BTreeSet<String> = BTreeSet::new();
        let mut modules: HashMap<Uuid, Vec<String>> = HashMap::new();
        for leaf in &leaves {
            match leaf {
                Criteria::XapiStatement {
                    verb,
                    activity_id,
                    module_id,
                    ..
                } => {
                    verbs.insert(verb.clone());
                    if let Some(a) = activity_id {
                        activities.insert(a.clone());
                    }
                    if let Some(m) = module_id {
                        let iris = self.module_iris(tx, *m, &mut modules).await?;
                        activities.extend(iris);
                        if let Some(title) = tx.conn().rule_ref_title("module", *m).await? {
                            g.names.insert(*m, title);
                        }
                    }
                }
                Criteria::Cmi5MoveOn { au_id, move_on } => {
                    verbs.insert(VERB_PASSED.into());
                    verbs.insert(VERB_COMPLETED.into());
                    any_verb |= *move_on == MoveOn::NotApplicable;
                    activities.insert(au_id.clone());
                }
                _ => {}
            }
        }
        // A member is known by every identifier; someone from another organization only by
        // the statements Cairn itself made about them.
        let member = tx.conn().is_org_member(org, learner).await?;
        let mut actors = vec![self.learner_ifi(learner)];
        if member {
            for address in tx.conn().emails_of_user(learner).await? {
                let mbox = format!("mailto:{address}");
                actors.push(format!("mbox_sha1sum:{}", sha1_hex(mbox.as_bytes())));
                actors.push(format!("mbox:{mbox}"));
            }
        }
        let verbs: Vec<String> = if any_verb {
            Vec::new()
        } else {
            verbs.into_iter().collect()
        };
        let activities: Vec<String> = activities.into_iter().collect();
        let rows = tx
            .conn()
            .xapi_learner_statements(org, &actors, &verbs, &activities)
            .await?;
        for row in rows {
            if !member && !row.by_cairn {
                continue;
            }
            let Ok(value) = serde_json::from_str::<Value>(&row.statement) else {
                continue;
            };
            let (mut fact, name) = fact_of(row.id, &value);
            for (m, iris) in &modules {
                if iris.iter().any(|i| fact.is_about(i)) {
                    fact.module_ids.push(*m);
                }
            }
            g.described.insert(
                EvidenceRef::Statement {
                    statement_id: row.id,
                },
                describe_fact(&fact, &name),
            );
            g.set.statements.push(fact);
        }
        Ok(())
    }

    /// Statements voided in this transaction may be what active awards rest on. Each such
    /// award is judged again without them: still met, it stands (the decision is audited);
    /// otherwise a pending award is withdrawn and an issued credential revoked, the reason
    /// naming the voided statement. Returns awards decided on the way (stacks re-earned).
    async fn after_voiding(&self, tx: &mut Tx, org: Uuid, voided: &[Uuid]) -> Result<Vec<Uuid>> {
        for statement in voided {
            for (award, achievement_id, learner, credential) in tx
                .conn()
                .active_awards_citing_statement(org, *statement)
                .await?
            {
                let Some(achievement) = tx.conn().achievement(achievement_id).await? else {
                    continue;
                };
                let Some(rule) = achievement.spec.rule.clone() else {
                    continue;
                };
                let g = self.gather(tx, learner, org, &rule).await?;
                let still = evaluate(&rule, &g.set).met;
                let reason = format!(
                    "xAPI statement {statement}, evidence for {}, was voided and the rule is no longer met",
                    achievement.name
                );
                if !still {
                    match credential {
                        Some(c) => {
                            self.change_status_in(tx, c, StatusAction::Revoke, &reason, true)
                                .await?;
                        }
                        None => {
                            tx.conn().withdraw_award(award, &reason).await?;
                        }
                    }
                }
                let entry = audit_entry(
                    &Principal::system(),
                    Some(org),
                    "award.evidence_voided",
                    format!("award:{award}"),
                    json!({
                        "statement": statement,
                        "achievement": achievement_id,
                        "learner": learner,
                        "decision": if still { "kept: the rule is still met" } else if credential.is_some() { "credential revoked" } else { "award withdrawn" },
                    }),
                );
                tx.conn().append_audit(&entry, now()).await?;
            }
        }
        Ok(Vec::new())
    }
}

impl App {
    /// The activity IRI of a built-in module in the statements Cairn makes: its page.
    /// An evidence rule about "any activity of module M" matches this IRI, the module's
    /// own `activity_iri` (external xAPI/cmi5 modules), and statements whose
    /// `contextActivities` parent or grouping is one of them.
    pub fn module_activity(&self, module_id: Uuid) -> String {
        format!("{}/modules/{module_id}", self.config.public_url)
    }

    /// The activity IRI of an assessment in the statements Cairn makes; its statements
    /// name the assessment's module, when it has one, as their parent.
    pub fn assessment_activity(&self, assessment_id: Uuid) -> String {
        format!("{}/assessments/{assessment_id}", self.config.public_url)
    }

    /// The actor IFI (as `cairn_lrs::agent_ifi` writes it) of the account Cairn's own
    /// statements name a user by.
    pub fn learner_ifi(&self, user_id: Uuid) -> String {
        format!("account:{}|{user_id}", self.config.public_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_matches_the_standard_vectors() {
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            sha1_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }

    #[test]
    fn a_statement_becomes_a_fact_with_its_words() {
        let s = serde_json::json!({
            "verb": {"id": VERB_PASSED},
            "object": {"id": "http://lms.example/au/1", "definition": {"name": {"en-US": "Geology"}}},
            "context": {
                "contextActivities": {
                    "grouping": [{"id": "http://pub.example/au/1"}],
                    "category": [{"id": CMI5_CATEGORY}]
                },
                "extensions": {(CMI5_MASTERY_SCORE): 0.86}
            },
            "result": {"score": {"scaled": 0.91}, "success": true},
            "timestamp": "2026-01-02T03:04:05Z"
        });
        let id = Uuid::from_u128(7);
        let (f, name) = fact_of(id, &s);
        assert_eq!(name, "Geology");
        assert!(f.cmi5 && f.is_about("http://pub.example/au/1"));
        assert_eq!(
            (f.scaled, f.mastery),
            (Some(Scaled(910)), Some(Scaled(860)))
        );
        let (e, r) = describe_fact(&f, &name);
        assert_eq!(e.name, "xAPI: passed \"Geology\"");
        assert_eq!(
            e.description,
            format!("Scaled score 0.91, success at 2026-01-02T03:04:05Z (statement {id})")
        );
        assert_eq!(r.map(|r| r.value), Some("91.0".to_owned()));
    }
}
