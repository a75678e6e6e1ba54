//! Demo step: an external module whose activity is reported over xAPI. Northbridge
//! Clinical Academy lists a hand hygiene simulation hosted elsewhere, keeps an LRS key for
//! it, and awards a badge to whoever the simulation reports `passed` with a scaled score of
//! at least 0.8. Three Riverside learners' results arrive through the LRS as the
//! simulation would send them: Amara Okafor passes (badge), a colleague passes the
//! simulation's own lower bar only (no badge), and another's pass is sent with the voiding
//! that withdraws it (no badge).
//!
//! Everything goes through the use cases, so the statements travel the same evidence
//! pipeline as any client's.

use cairn_core::catalog::{ModuleContent, ModuleFormat};
use cairn_core::criteria::{Criteria, Scaled, VERB_PASSED};
use cairn_core::rng::SeededRng;
use cairn_core::{AchievementKind, AchievementSpec, Principal, Role};
use cairn_lrs::Version;
use serde_json::{Value, json};

use crate::credentials::NewAchievement;
use crate::demo::{DEMO_SEED, EMPLOYER_SLUG, PERSONAS};
use crate::orgs::NewMember;
use crate::{App, AppError, Result};

const NORTHBRIDGE: &str = "northbridge-academy";
/// The simulation's activity IRI, on the (example) domain of the company that hosts it.
pub const HAND_HYGIENE_IRI: &str = "https://sim.handhygiene.example/xapi/activities/hand-hygiene";
const VERB_VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

fn actor(email: &str, name: &str) -> Value {
    json!({"objectType": "Agent", "name": name, "mbox": format!("mailto:{email}")})
}

/// A result as the simulation reports it, at a fixed time so every demo has the same records.
fn passed(id: uuid::Uuid, actor: Value, scaled: f64, at: &str) -> Value {
    json!({
        "id": id.to_string(),
        "actor": actor,
        "verb": {"id": VERB_PASSED, "display": {"en-US": "passed"}},
        "object": {
            "objectType": "Activity",
            "id": HAND_HYGIENE_IRI,
            "definition": {
                "name": {"en-US": "Hand Hygiene Simulation"},
                "type": "http://adlnet.gov/expapi/activities/simulation"
            }
        },
        "result": {
            "score": {"scaled": scaled, "raw": (scaled * 100.0).round(), "min": 0, "max": 100},
            "success": true,
            "completion": true,
            "duration": "PT14M20S"
        },
        "context": {"platform": "Hand Hygiene Simulation", "language": "en"},
        "timestamp": at
    })
}

impl App {
    /// Seed step, after the others: returns the credentials it issued.
    pub(crate) async fn seed_xapi_demo(&self) -> Result<usize> {
        let sys = Principal::system();
        let mut rng = SeededRng::new(DEMO_SEED ^ 0x7861_7069);
        let content = ModuleContent {
            title: "Hand Hygiene Simulation".into(),
            summary: "An interactive ward simulation of the WHO five moments for hand hygiene, hosted by its developer and reported to Cairn over xAPI.".into(),
            objectives: vec![
                "Recognise the five moments for hand hygiene in a busy ward".into(),
                "Choose between hand rub and hand washing".into(),
            ],
            duration_minutes: 15,
            language: "en".into(),
            format: ModuleFormat::Xapi,
            url: Some("https://sim.handhygiene.example/launch".into()),
            activity_iri: Some(HAND_HYGIENE_IRI.into()),
            alignments: vec![],
            tags: vec!["infection prevention".into(), "simulation".into(), "xapi".into()],
            pages: vec![],
            questions: vec![],
        };
        // Ids of their own generator, so that the module is the same in every demo database
        // and the statement ids below stay as they were.
        let mut ids = SeededRng::new(DEMO_SEED ^ 0x0078_6170_696d_6f64);
        let module = self
            .seed_demo_module(NORTHBRIDGE, content, (ids.uuid(), ids.uuid()))
            .await?;
        self.create_achievement(
            &sys,
            NORTHBRIDGE,
            NewAchievement {
                kind: AchievementKind::Badge,
                name: "Hand Hygiene Simulation".into(),
                description: "Passed Northbridge's hand hygiene ward simulation with a score of at least 80%.".into(),
                criteria: "The simulation reports a pass with a scaled score of 0.8 or more over xAPI.".into(),
                spec: AchievementSpec {
                    rule: Some(Criteria::XapiStatement {
                        verb: VERB_PASSED.into(),
                        activity_id: None,
                        module_id: Some(module.module_id),
                        min_scaled: Some(Scaled(800)),
                        within_days: None,
                        from: None,
                        until: None,
                    }),
                    ..Default::default()
                },
            },
        )
        .await?;
        let key = self
            .create_lrs_key(&sys, NORTHBRIDGE, "Hand Hygiene Simulation")
            .await?;
        let client = self
            .lrs_authenticate(&key.key.id.to_string(), &key.secret)
            .await?;

        // Amara and the first two Riverside workers; the academy knows them as learners.
        let (_, members, _) = self.members(&sys, EMPLOYER_SLUG, 50, 0).await?;
        let mut learners = vec![(PERSONAS[0].email.to_owned(), PERSONAS[0].name.to_owned())];
        learners.extend(
            members
                .into_iter()
                .filter(|m| m.role == Role::Learner.to_string())
                .filter_map(|m| m.email.map(|e| (e, m.display_name)))
                .filter(|(e, _)| PERSONAS.iter().all(|p| p.email != e))
                .take(2),
        );
        if learners.len() < 3 {
            return Err(AppError::Internal(
                "the demo needs two Riverside workers for the xAPI module".into(),
            ));
        }
        for (email, _) in &learners {
            self.add_member(
                &sys,
                NORTHBRIDGE,
                NewMember {
                    email: email.clone(),
                    display_name: None,
                    role: Role::Learner,
                    job_title: None,
                },
            )
            .await?;
        }
        let (_, before) = self.credentials(&sys, NORTHBRIDGE, 1, 0).await?;
        let who = |i: usize| actor(&learners[i].0, &learners[i].1);
        let withdrawn = rng.uuid();
        let batches = [
            vec![passed(rng.uuid(), who(0), 0.92, "2026-01-12T09:30:00Z")],
            // Past the simulation's own bar (0.7), short of the badge's.
            vec![passed(rng.uuid(), who(1), 0.74, "2026-01-12T10:05:00Z")],
            // A pass the simulation withdrew in the same sync (it was a practice run).
            vec![
                passed(withdrawn, who(2), 0.95, "2026-01-12T11:15:00Z"),
                json!({
                    "id": rng.uuid().to_string(),
                    "actor": who(2),
                    "verb": {"id": VERB_VOIDED, "display": {"en-US": "voided"}},
                    "object": {"objectType": "StatementRef", "id": withdrawn.to_string()},
                    "timestamp": "2026-01-12T11:20:00Z"
                }),
            ],
        ];
        for batch in batches {
            self.store_statements(&client, Version::V2_0, &batch, None)
                .await
                .map_err(|e| AppError::Internal(format!("demo xAPI statements: {e}")))?;
        }
        let (_, after) = self.credentials(&sys, NORTHBRIDGE, 1, 0).await?;
        Ok(usize::try_from(after - before).unwrap_or(0))
    }
}
