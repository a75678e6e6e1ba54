//! Cairn's own lessons and assessments report to the provider's LRS: a learner who reads a
//! module to the end and passes (or fails) its assessment leaves exactly the statements
//! an xAPI client of that organization reads back, each valid and naming the learner.

use std::collections::BTreeMap;

use cairn_app::App;
use cairn_app::accounts::NewUser;
use cairn_app::assessments::AssessmentSpec;
use cairn_app::lrs::LrsClient;
use cairn_app::modules::ProgressUpdate;
use cairn_core::assessment::{
    Assessment, Blueprint, BlueprintCell, CompetencyRef, Difficulty, ItemContent, ItemKind,
    Response,
};
use cairn_core::catalog::LessonPage;
use cairn_core::{OrgKind, Principal, PrincipalKind, Role};
use cairn_lrs::{StatementQuery, Version};
use serde_json::Value;
use uuid::Uuid;

use crate::*;

const VERBS: &str = "http://adlnet.gov/expapi/verbs/";

async fn person(app: &App, email: &str, name: &str) -> (Principal, Uuid) {
    let u = app
        .create_user(
            &Principal::system(),
            NewUser {
                display_name: name.into(),
                email: email.into(),
                password: None,
                is_operator: false,
            },
        )
        .await
        .unwrap();
    let p = Principal {
        kind: PrincipalKind::User { user_id: u.id },
        is_operator: false,
        grants: vec![],
    };
    (p, u.id)
}

async fn client(app: &App, slug: &str) -> LrsClient {
    let admin = member(app, slug, Role::Admin).await;
    let key = app.create_lrs_key(&admin, slug, "reader").await.unwrap();
    app.lrs_authenticate(&key.key.id.to_string(), &key.secret)
        .await
        .unwrap()
}

/// Every statement the client's organization holds, in stored order.
async fn all(app: &App, client: &LrsClient) -> Vec<Value> {
    let q = StatementQuery {
        ascending: true,
        ..StatementQuery::default()
    };
    let page = app.query_statements(client, &q, &[], None).await.unwrap();
    assert!(page.more.is_none());
    page.statements
}

fn verb(s: &Value) -> &str {
    s["verb"]["id"]
        .as_str()
        .unwrap()
        .strip_prefix(VERBS)
        .unwrap()
}

/// A two-item true/false assessment of `module`, published.
async fn assessment_of(app: &App, author: &Principal, module: Uuid) -> Uuid {
    for i in 0..2 {
        app.create_item(
            author,
            "prov",
            ItemContent {
                competency: CompetencyRef::Code("C1".into()),
                difficulty: Difficulty::Easy,
                points: 1,
                prompt: format!("Statement {i} about hand hygiene."),
                kind: ItemKind::TrueFalse { correct: true },
                explanation: None,
            },
        )
        .await
        .unwrap();
    }
    let rules = Assessment {
        blueprint: Blueprint {
            cells: vec![BlueprintCell {
                competency: CompetencyRef::Code("C1".into()),
                difficulty: Difficulty::Easy,
                count: 2,
            }],
        },
        time_limit_minutes: None,
        max_attempts: None,
        cooldown_minutes: 0,
        cut_score_percent: 60,
        competency_minimums: vec![],
    };
    let a = app
        .create_assessment(
            author,
            "prov",
            AssessmentSpec {
                title: "Hand hygiene check".into(),
                description: String::new(),
                module_id: Some(module),
                rules,
            },
        )
        .await
        .unwrap();
    app.publish_assessment(author, a.id).await.unwrap().id
}

async fn take(app: &App, learner: &Principal, assessment: Uuid, answer: bool) -> bool {
    let attempt = app.start_attempt(learner, assessment).await.unwrap();
    let responses: BTreeMap<Uuid, Response> = attempt
        .items
        .iter()
        .map(|i| (i.item_id, Response::TrueFalse { value: answer }))
        .collect();
    let scored = app
        .submit_attempt(learner, attempt.id, responses)
        .await
        .unwrap();
    scored.result.unwrap().passed
}

backend_tests! {
    async fn lessons_and_attempts_leave_exactly_their_statements_in_the_providers_lrs(db: TestDb) {
        let app = app(&db);
        org_of(&app, "prov", vec![OrgKind::Provider]).await;
        org_of(&app, "north", vec![OrgKind::Employer]).await;
        let author = member(&app, "prov", Role::Author).await;
        let prov = client(&app, "prov").await;
        let north = client(&app, "north").await;

        let mut content = lesson("Hand hygiene");
        content.pages.push(LessonPage { title: "The five moments".into(), markdown: "Before touching a patient.".into() });
        let draft = app.create_module(&author, "prov", content).await.unwrap();
        let v = app.publish_module(&author, draft.module_id).await.unwrap();
        let module_iri = app.module_activity(v.module_id);
        let version_iri = format!("{module_iri}/versions/{}", v.id);
        let assessment = assessment_of(&app, &author, v.module_id).await;

        let (amara, amara_id) = person(&app, "amara@north.example", "Amara Osei").await;
        let (ben, ben_id) = person(&app, "ben@north.example", "Ben Ito").await;

        // Amara reads page 1, goes back to it, reads page 2, answers the check: two pages
        // experienced once each, and one completion.
        let step = |page: Option<u32>, answers: Option<Vec<Option<usize>>>| ProgressUpdate { page_reached: page, answers };
        app.save_progress(&amara, v.id, step(Some(1), None)).await.unwrap();
        app.save_progress(&amara, v.id, step(Some(1), None)).await.unwrap();
        app.save_progress(&amara, v.id, step(Some(2), None)).await.unwrap();
        let done = app.save_progress(&amara, v.id, step(None, Some(vec![Some(0)]))).await.unwrap();
        assert!(done.completed_at.is_some());
        // Saving again after completion says nothing new.
        app.save_progress(&amara, v.id, step(Some(2), None)).await.unwrap();

        assert!(take(&app, &amara, assessment, true).await);
        assert!(!take(&app, &ben, assessment, false).await);

        let got = all(&app, &prov).await;
        let summary: Vec<(String, &str, String)> = got
            .iter()
            .map(|s| (s["actor"]["account"]["name"].as_str().unwrap().to_owned(), verb(s), s["object"]["id"].as_str().unwrap().to_owned()))
            .collect();
        let a = amara_id.to_string();
        let b = ben_id.to_string();
        let assessment_iri = app.assessment_activity(assessment);
        assert_eq!(summary, vec![
            (a.clone(), "experienced", format!("{module_iri}/pages/1")),
            (a.clone(), "experienced", format!("{module_iri}/pages/2")),
            (a.clone(), "completed", module_iri.clone()),
            (a.clone(), "scored", assessment_iri.clone()),
            (a.clone(), "passed", assessment_iri.clone()),
            (b.clone(), "scored", assessment_iri.clone()),
            (b.clone(), "failed", assessment_iri.clone()),
        ]);

        for s in &got {
            // What the LRS returns is a statement a client could send again.
            cairn_lrs::validate_statement(s, Version::V2_0).unwrap_or_else(|e| panic!("{e}: {s:#}"));
            assert_eq!(s["actor"]["account"]["homePage"], app.config.public_url.as_str());
            assert_eq!(s["authority"], app.platform_authority());
            assert_eq!(s["context"]["platform"], "Cairn");
            assert_eq!(s["context"]["language"], "en");
            assert_eq!(s["context"]["contextActivities"]["category"][0]["id"], version_iri.as_str());
            assert_eq!(s["verb"]["display"]["en-US"], verb(s));
        }
        assert_eq!(got[0]["actor"]["name"], "Amara Osei");
        assert_eq!(got[5]["actor"]["name"], "Ben Ito");
        assert_eq!(got[0]["object"]["definition"]["name"]["en"], "Stems");
        assert_eq!(got[1]["object"]["definition"]["name"]["en"], "The five moments");
        for page in &got[..2] {
            assert_eq!(page["context"]["contextActivities"]["parent"][0]["id"], module_iri.as_str());
        }
        let completed = &got[2];
        assert_eq!(completed["object"]["definition"]["type"], "http://adlnet.gov/expapi/activities/lesson");
        assert_eq!(completed["object"]["definition"]["name"]["en"], "Hand hygiene");
        assert_eq!(completed["result"]["completion"], true);
        assert_eq!(completed["result"]["score"]["scaled"], 1.0);
        assert_eq!(completed["result"]["score"]["raw"], 1.0);
        assert_eq!(completed["result"]["score"]["max"], 1.0);

        for (s, scaled, success) in [(&got[3], 1.0, true), (&got[4], 1.0, true), (&got[5], 0.0, false), (&got[6], 0.0, false)] {
            assert_eq!(s["object"]["definition"]["type"], "http://adlnet.gov/expapi/activities/assessment");
            assert_eq!(s["object"]["definition"]["name"]["en"], "Hand hygiene check");
            assert_eq!(s["context"]["contextActivities"]["parent"][0]["id"], module_iri.as_str());
            assert_eq!(s["result"]["score"]["scaled"], scaled);
            assert_eq!(s["result"]["score"]["max"], 2.0);
            assert_eq!(s["result"]["success"], success);
            assert!(cairn_lrs::text::is_duration(s["result"]["duration"].as_str().unwrap()));
        }

        // The filters an xAPI client uses find them: Amara's passes, by agent and verb.
        let q = StatementQuery {
            agent: Some(app.learner_ifi(amara_id)),
            verb: Some(format!("{VERBS}passed")),
            ..StatementQuery::default()
        };
        assert_eq!(app.query_statements(&prov, &q, &[], None).await.unwrap().statements.len(), 1);
        // Another organization's LRS holds none of them.
        assert!(all(&app, &north).await.is_empty());
    }
}

backend_tests! {
    async fn the_demos_external_xapi_module_awards_only_the_learner_who_passed_well(db: TestDb) {
        use cairn_app::demo::{DEMO_PASSWORD, PERSONAS};
        let app = app(&db);
        let seeded = app.seed_demo().await.unwrap();
        let cairn_app::demo::Seeded::Created { credentials, .. } = seeded else { panic!("{seeded:?}") };
        let sys = Principal::system();
        let (_, rhwc) = app.credentials(&sys, "rhwc", 1, 0).await.unwrap();
        let (_, academy) = app.credentials(&sys, "northbridge-academy", 1, 0).await.unwrap();
        assert_eq!((rhwc + academy) as usize, credentials, "the count seed_demo reports is what is stored");

        // The learner persona sees the badge among her awards, issued for the statement.
        let amara = app.sign_in(PERSONAS[0].email, DEMO_PASSWORD).await.unwrap();
        let p = app.session(&amara.session_secret).await.unwrap().principal;
        let awards = app.my_awards(&p).await.unwrap();
        assert_eq!(awards.len(), 3, "{awards:?}");
        let badge: Vec<_> = app.my_credentials(&p).await.unwrap().into_iter().filter(|c| c.name == "Hand Hygiene Simulation").collect();
        assert_eq!(badge.len(), 1);
        assert_eq!(badge[0].state, cairn_core::CredentialState::Active);

        // Only she holds it: the colleague short of 0.8 and the withdrawn pass earn nothing.
        let (all, _) = app.credentials(&sys, "northbridge-academy", 500, 0).await.unwrap();
        assert_eq!(all.iter().filter(|c| c.name == "Hand Hygiene Simulation").count(), 1);

        // The simulation's statements are in the academy's LRS: two passes readable, the
        // withdrawn one voided, and the voiding statement itself.
        let academy_admin = member(&app, "northbridge-academy", Role::Admin).await;
        let key = app.create_lrs_key(&academy_admin, "northbridge-academy", "reader").await.unwrap();
        let client = app.lrs_authenticate(&key.key.id.to_string(), &key.secret).await.unwrap();
        let q = StatementQuery {
            activity: Some("https://sim.handhygiene.example/xapi/activities/hand-hygiene".into()),
            ..StatementQuery::default()
        };
        let sim = app.query_statements(&client, &q, &[], None).await.unwrap().statements;
        let (voiding, passes): (Vec<&Value>, Vec<&Value>) = sim
            .iter()
            .partition(|s| s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided");
        assert_eq!(voiding.len(), 1);
        let mut scores: Vec<f64> = passes
            .iter()
            .map(|s| s["result"]["score"]["scaled"].as_f64().unwrap())
            .collect();
        scores.sort_by(f64::total_cmp);
        assert_eq!(scores, vec![0.74, 0.92]);
    }
}
