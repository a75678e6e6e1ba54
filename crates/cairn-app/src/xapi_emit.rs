//! The xAPI statements Cairn's own lessons and assessments make about a learner, so the
//! organization's LRS holds what happened in Cairn beside what external modules report,
//! and evidence rules read both the same way.
//!
//! Volume: a lesson page says `experienced` once per learner and page, the first time the
//! learner gets that far (going back to re-read is not news); finishing a module version
//! says `completed` once; a scored attempt says `scored` and then `passed` or `failed`.
//!
//! The builders are plain functions of what happened; [`App`] only gathers the facts in
//! the caller's transaction.

use cairn_core::assessment::AttemptResult;
use cairn_core::catalog::ModuleVersion;
use cairn_store::{AssessmentRow, AttemptRow, Tx};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::modules::Progress;
use crate::{App, AppError, Result};

/// The ADL verbs Cairn's statements use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Experienced,
    Completed,
    Passed,
    Failed,
    Scored,
}

impl Verb {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Verb::Experienced => "experienced",
            Verb::Completed => "completed",
            Verb::Passed => "passed",
            Verb::Failed => "failed",
            Verb::Scored => "scored",
        }
    }

    pub(crate) fn iri(self) -> String {
        format!("http://adlnet.gov/expapi/verbs/{}", self.word())
    }

    fn json(self) -> Value {
        json!({"id": self.iri(), "display": {"en-US": self.word()}})
    }
}

/// ADL's activity type of a built-in module.
pub(crate) const LESSON_TYPE: &str = "http://adlnet.gov/expapi/activities/lesson";
/// ADL's activity type of an assessment.
pub(crate) const ASSESSMENT_TYPE: &str = "http://adlnet.gov/expapi/activities/assessment";
/// The registry's activity type of one page of a lesson.
pub(crate) const PAGE_TYPE: &str = "http://activitystrea.ms/schema/1.0/page";

/// An activity as a statement names it: IRI, a name, and a type when it has one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Activity {
    pub id: String,
    pub name: String,
    pub kind: Option<&'static str>,
}

impl Activity {
    fn json(&self, language: &str) -> Value {
        let mut definition = Map::new();
        definition.insert("name".into(), json!({ language: self.name }));
        if let Some(kind) = self.kind {
            definition.insert("type".into(), json!(kind));
        }
        json!({"objectType": "Activity", "id": self.id, "definition": definition})
    }
}

/// A module version as its statements name it: the module (the activity evidence rules
/// match), the version (a category, so a report can tell versions apart), its language.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ModuleFacts {
    pub module: Activity,
    pub version: Activity,
    pub language: String,
}

impl ModuleFacts {
    /// `module_iri` is [`App::module_activity`] of the version's module.
    pub(crate) fn of(module_iri: String, v: &ModuleVersion) -> Self {
        let title = &v.content.title;
        ModuleFacts {
            version: Activity {
                id: format!("{module_iri}/versions/{}", v.id),
                name: format!("{title}, version {}", v.number),
                kind: None,
            },
            module: Activity {
                id: module_iri,
                name: title.clone(),
                kind: Some(LESSON_TYPE),
            },
            language: v.content.language.clone(),
        }
    }
}

/// `raw` of `max` points, the least being 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Score {
    pub raw: f64,
    pub max: f64,
}

impl Score {
    fn json(self) -> Value {
        // xAPI wants scaled in [-1, 1]; nothing to score reads as 0, not a division by 0.
        let scaled = if self.max > 0.0 {
            (self.raw / self.max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        json!({"scaled": scaled, "raw": self.raw, "min": 0.0, "max": self.max})
    }
}

/// A statement's `result`, each part only when known.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Outcome {
    pub score: Option<Score>,
    pub success: Option<bool>,
    pub completion: Option<bool>,
    pub duration: Option<time::Duration>,
}

impl Outcome {
    fn json(&self) -> Option<Value> {
        let mut r = Map::new();
        if let Some(s) = self.score {
            r.insert("score".into(), s.json());
        }
        if let Some(s) = self.success {
            r.insert("success".into(), json!(s));
        }
        if let Some(c) = self.completion {
            r.insert("completion".into(), json!(c));
        }
        if let Some(d) = self.duration {
            r.insert("duration".into(), json!(iso_duration(d)));
        }
        (!r.is_empty()).then_some(Value::Object(r))
    }
}

/// ISO 8601 seconds at xAPI's precision (hundredths); a negative span (a clock moved
/// back) reads as none.
pub(crate) fn iso_duration(d: time::Duration) -> String {
    let hundredths = (d.whole_milliseconds().max(0) / 10) as u128;
    let (s, cs) = (hundredths / 100, hundredths % 100);
    if cs == 0 {
        format!("PT{s}S")
    } else {
        format!("PT{s}.{cs:02}S")
    }
}

fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// Where a statement happened: its language, and the module as parent and the version as
/// category when given.
#[derive(Clone, Copy)]
struct Setting<'a> {
    language: &'a str,
    parent: Option<&'a Activity>,
    category: Option<&'a Activity>,
}

/// One statement: `actor` did `verb` to `object` at `at`.
fn statement(
    actor: &Value,
    verb: Verb,
    object: &Activity,
    outcome: &Outcome,
    setting: &Setting<'_>,
    at: OffsetDateTime,
) -> Value {
    let Setting {
        language,
        parent,
        category,
    } = *setting;
    let mut activities = Map::new();
    if let Some(p) = parent {
        activities.insert("parent".into(), json!([p.json(language)]));
    }
    if let Some(c) = category {
        activities.insert("category".into(), json!([c.json(language)]));
    }
    let mut context = Map::new();
    context.insert("platform".into(), json!("Cairn"));
    context.insert("language".into(), json!(language));
    if !activities.is_empty() {
        context.insert("contextActivities".into(), Value::Object(activities));
    }
    let mut s = json!({
        "id": Uuid::now_v7().to_string(),
        "actor": actor,
        "verb": verb.json(),
        "object": object.json(language),
        "context": context,
        "timestamp": timestamp(at),
    });
    if let (Some(r), Value::Object(m)) = (outcome.json(), &mut s) {
        m.insert("result".into(), r);
    }
    s
}

/// The learner reached page `page` (1-based) of a lesson for the first time.
pub(crate) fn page_experienced(
    actor: &Value,
    m: &ModuleFacts,
    page: u32,
    page_title: &str,
    at: OffsetDateTime,
) -> Value {
    let object = Activity {
        id: format!("{}/pages/{page}", m.module.id),
        name: page_title.to_owned(),
        kind: Some(PAGE_TYPE),
    };
    statement(
        actor,
        Verb::Experienced,
        &object,
        &Outcome::default(),
        &Setting {
            language: &m.language,
            parent: Some(&m.module),
            category: Some(&m.version),
        },
        at,
    )
}

/// The learner finished a module version: every page read and the knowledge check, if
/// it has one, answered (`correct` of `questions`).
pub(crate) fn lesson_completed(
    actor: &Value,
    m: &ModuleFacts,
    check: Option<(u32, u32)>,
    at: OffsetDateTime,
) -> Value {
    let outcome = Outcome {
        score: check.map(|(correct, of)| Score {
            raw: f64::from(correct),
            max: f64::from(of),
        }),
        completion: Some(true),
        ..Outcome::default()
    };
    statement(
        actor,
        Verb::Completed,
        &m.module,
        &outcome,
        &Setting {
            language: &m.language,
            parent: None,
            category: Some(&m.version),
        },
        at,
    )
}

/// A scored attempt: `scored`, then `passed` or `failed`, with the same result. Points are
/// in thousandths, as the scorer keeps them.
pub(crate) struct AttemptFacts<'a> {
    pub assessment: &'a Activity,
    pub module: Option<&'a ModuleFacts>,
    pub earned_milli: u64,
    pub max_milli: u64,
    pub passed: bool,
    pub started_at: OffsetDateTime,
    pub submitted_at: OffsetDateTime,
}

pub(crate) fn attempt_scored(actor: &Value, a: &AttemptFacts<'_>) -> [Value; 2] {
    let outcome = Outcome {
        score: Some(Score {
            raw: a.earned_milli as f64 / 1000.0,
            max: a.max_milli as f64 / 1000.0,
        }),
        success: Some(a.passed),
        completion: Some(true),
        duration: Some(a.submitted_at - a.started_at),
    };
    // An assessment of no module has no language of its own: "undetermined".
    let setting = Setting {
        language: a.module.map_or("und", |m| m.language.as_str()),
        parent: a.module.map(|m| &m.module),
        category: a.module.map(|m| &m.version),
    };
    let one = |verb| {
        statement(
            actor,
            verb,
            a.assessment,
            &outcome,
            &setting,
            a.submitted_at,
        )
    };
    let verdict = if a.passed { Verb::Passed } else { Verb::Failed };
    [one(Verb::Scored), one(verdict)]
}

impl App {
    /// The learner's agent as Cairn's statements name them.
    pub(crate) async fn learner_in(&self, tx: &mut Tx, user_id: Uuid) -> Result<Value> {
        let user = tx
            .conn()
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("user {user_id}")))?;
        Ok(self.learner_agent(user_id, &user.display_name))
    }

    /// The module's current published version as statements name it (None when the
    /// module has none published).
    pub(crate) async fn current_module_facts(
        &self,
        tx: &mut Tx,
        module_id: Uuid,
    ) -> Result<Option<ModuleFacts>> {
        let Some(m) = tx.conn().module_by_id(module_id).await? else {
            return Ok(None);
        };
        let Some(version_id) = m.current_version_id else {
            return Ok(None);
        };
        let Some(row) = tx.conn().module_version(version_id).await? else {
            return Ok(None);
        };
        let v = crate::modules::version_from_row(row)?;
        Ok(Some(ModuleFacts::of(self.module_activity(module_id), &v)))
    }
}

impl App {
    /// A lesson step's statements: `experienced` for a page the learner reached for the
    /// first time, `completed` when this step finished the version. Stored in the LRS of
    /// the module's provider; returns the awards they decided.
    pub(crate) async fn report_lesson(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        v: &ModuleVersion,
        before: &Progress,
        after: &Progress,
        page: Option<u32>,
    ) -> Result<Vec<Uuid>> {
        let newly_read = page.filter(|&n| n >= 1 && n > before.page_reached);
        let completed = after.completed_at.filter(|_| before.completed_at.is_none());
        if newly_read.is_none() && completed.is_none() {
            return Ok(Vec::new());
        }
        let org_id = tx
            .conn()
            .module_by_id(v.module_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("module {}", v.module_id)))?
            .org_id;
        let actor = self.learner_in(tx, user_id).await?;
        let m = ModuleFacts::of(self.module_activity(v.module_id), v);
        let mut statements = Vec::with_capacity(2);
        if let Some(n) = newly_read {
            let title = usize::try_from(n - 1)
                .ok()
                .and_then(|i| v.content.pages.get(i))
                .map_or_else(|| format!("Page {n}"), |p| p.title.clone());
            statements.push(page_experienced(&actor, &m, n, &title, crate::now()));
        }
        if let Some(at) = completed {
            let questions = u32::try_from(v.content.questions.len()).unwrap_or(u32::MAX);
            let check = (questions > 0).then(|| (after.score.unwrap_or(0), questions));
            statements.push(lesson_completed(&actor, &m, check, at));
        }
        self.record_statements(tx, org_id, statements).await
    }

    /// A scored attempt's statements, in the LRS of the assessment's provider, naming the
    /// assessment's module (its current version) as parent when it has one.
    pub(crate) async fn report_attempt(
        &self,
        tx: &mut Tx,
        assessment: &AssessmentRow,
        attempt: &AttemptRow,
        result: &AttemptResult,
        submitted_at: OffsetDateTime,
    ) -> Result<Vec<Uuid>> {
        let actor = self.learner_in(tx, attempt.learner_id).await?;
        let module = match assessment.module_id {
            Some(id) => self.current_module_facts(tx, id).await?,
            None => None,
        };
        let activity = Activity {
            id: self.assessment_activity(assessment.id),
            name: assessment.title.clone(),
            kind: Some(ASSESSMENT_TYPE),
        };
        let statements = attempt_scored(
            &actor,
            &AttemptFacts {
                assessment: &activity,
                module: module.as_ref(),
                earned_milli: result.earned_milli,
                max_milli: result.max_milli,
                passed: result.passed,
                started_at: attempt.started_at,
                submitted_at,
            },
        );
        self.record_statements(tx, assessment.org_id, statements.into())
            .await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use cairn_core::catalog::{LessonPage, ModuleContent, ModuleFormat, VersionState};
    use cairn_lrs::Version;
    use time::macros::datetime;

    use super::*;

    fn actor() -> Value {
        json!({"objectType": "Agent", "name": "Amara",
               "account": {"homePage": "https://cairn.example", "name": "u1"}})
    }

    fn facts() -> ModuleFacts {
        let v = ModuleVersion {
            id: Uuid::from_u128(7),
            module_id: Uuid::from_u128(1),
            number: 2,
            state: VersionState::Published,
            content: ModuleContent {
                title: "Hand hygiene".into(),
                summary: "Five moments.".into(),
                objectives: vec![],
                duration_minutes: 5,
                language: "fr-CA".into(),
                format: ModuleFormat::Lesson,
                url: None,
                activity_iri: None,
                alignments: vec![],
                tags: vec![],
                pages: vec![LessonPage {
                    title: "Moments".into(),
                    markdown: "x".into(),
                }],
                questions: vec![],
            },
            content_hash: None,
            created_at: datetime!(2026-01-01 0:00 UTC),
            published_at: None,
        };
        ModuleFacts::of("https://cairn.example/modules/m1".into(), &v)
    }

    fn valid(s: &Value) {
        cairn_lrs::validate_statement(s, Version::V2_0).unwrap_or_else(|e| panic!("{e}: {s:#}"));
    }

    #[test]
    fn a_page_is_a_sub_activity_of_its_module_in_its_language() {
        let at = datetime!(2026-03-04 5:06:07.5 UTC);
        let s = page_experienced(&actor(), &facts(), 1, "Moments", at);
        valid(&s);
        assert_eq!(
            s["verb"]["id"],
            "http://adlnet.gov/expapi/verbs/experienced"
        );
        assert_eq!(s["verb"]["display"]["en-US"], "experienced");
        assert_eq!(
            s["object"]["id"],
            "https://cairn.example/modules/m1/pages/1"
        );
        assert_eq!(s["object"]["definition"]["name"]["fr-CA"], "Moments");
        assert_eq!(s["object"]["definition"]["type"], PAGE_TYPE);
        let ctx = &s["context"];
        assert_eq!(ctx["platform"], "Cairn");
        assert_eq!(ctx["language"], "fr-CA");
        assert_eq!(
            ctx["contextActivities"]["parent"][0]["id"],
            "https://cairn.example/modules/m1"
        );
        assert_eq!(
            ctx["contextActivities"]["parent"][0]["definition"]["type"],
            LESSON_TYPE
        );
        let cat = &ctx["contextActivities"]["category"][0];
        assert_eq!(
            cat["id"],
            format!(
                "https://cairn.example/modules/m1/versions/{}",
                Uuid::from_u128(7)
            )
        );
        assert_eq!(
            cat["definition"]["name"]["fr-CA"],
            "Hand hygiene, version 2"
        );
        assert_eq!(s["timestamp"], "2026-03-04T05:06:07.5Z");
        assert!(s.get("result").is_none());
        let id = Uuid::parse_str(s["id"].as_str().unwrap()).unwrap();
        assert_eq!(id.get_version_num(), 7);
    }

    #[test]
    fn completion_scores_the_knowledge_check_when_there_is_one() {
        let at = datetime!(2026-03-04 5:06:07 UTC);
        let s = lesson_completed(&actor(), &facts(), Some((2, 3)), at);
        valid(&s);
        assert_eq!(s["verb"]["id"], "http://adlnet.gov/expapi/verbs/completed");
        assert_eq!(s["object"]["id"], "https://cairn.example/modules/m1");
        assert_eq!(s["result"]["completion"], true);
        assert_eq!(s["result"]["score"]["raw"], 2.0);
        assert_eq!(s["result"]["score"]["max"], 3.0);
        assert_eq!(s["result"]["score"]["min"], 0.0);
        assert!((s["result"]["score"]["scaled"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert!(s["result"].get("success").is_none());
        assert!(s["context"]["contextActivities"].get("parent").is_none());
        let none = lesson_completed(&actor(), &facts(), None, at);
        valid(&none);
        assert_eq!(none["result"], json!({"completion": true}));
    }

    #[test]
    fn an_attempt_says_scored_then_its_verdict_with_one_result() {
        let f = facts();
        let assessment = Activity {
            id: "https://cairn.example/assessments/a1".into(),
            name: "Check".into(),
            kind: Some(ASSESSMENT_TYPE),
        };
        let started_at = datetime!(2026-03-04 5:00:00 UTC);
        let facts_of = |passed, module| AttemptFacts {
            assessment: &assessment,
            module,
            earned_milli: if passed { 4500 } else { 1000 },
            max_milli: 5000,
            passed,
            started_at,
            submitted_at: datetime!(2026-03-04 5:12:30.25 UTC),
        };
        let [scored, passed] = attempt_scored(&actor(), &facts_of(true, Some(&f)));
        valid(&scored);
        valid(&passed);
        assert_eq!(scored["verb"]["id"], Verb::Scored.iri());
        assert_eq!(passed["verb"]["id"], Verb::Passed.iri());
        assert_eq!(scored["result"], passed["result"]);
        assert_eq!(passed["result"]["score"]["scaled"], 0.9);
        assert_eq!(passed["result"]["score"]["raw"], 4.5);
        assert_eq!(passed["result"]["success"], true);
        assert_eq!(passed["result"]["duration"], "PT750.25S");
        assert_eq!(passed["object"]["definition"]["type"], ASSESSMENT_TYPE);
        assert_eq!(
            passed["context"]["contextActivities"]["parent"][0]["id"],
            "https://cairn.example/modules/m1"
        );
        assert_eq!(passed["timestamp"], "2026-03-04T05:12:30.25Z");
        assert_ne!(scored["id"], passed["id"]);

        let [_, failed] = attempt_scored(&actor(), &facts_of(false, None));
        valid(&failed);
        assert_eq!(failed["verb"]["id"], Verb::Failed.iri());
        assert_eq!(failed["result"]["success"], false);
        assert_eq!(failed["result"]["score"]["scaled"], 0.2);
        assert_eq!(failed["context"]["language"], "und");
        assert!(failed["context"].get("contextActivities").is_none());
    }

    #[test]
    fn durations_keep_hundredths_and_never_go_negative() {
        assert_eq!(iso_duration(time::Duration::seconds(90)), "PT90S");
        assert_eq!(iso_duration(time::Duration::milliseconds(1234)), "PT1.23S");
        assert_eq!(iso_duration(time::Duration::milliseconds(5)), "PT0S");
        assert_eq!(iso_duration(time::Duration::seconds(-4)), "PT0S");
        assert!(cairn_lrs::text::is_duration(&iso_duration(
            time::Duration::milliseconds(61_050)
        )));
    }
}
