//! Stack views and pathway planning over a real database: what a learner holds and misses
//! in each stack they have begun, and the shortest modules to a stacked target, skipping
//! what is held, on both backends.

use cairn_app::credentials::{IssueRequest, NewAchievement, Recipient, StatusAction};
use cairn_app::pathways::{PartState, StackProgress};
use cairn_app::{App, AppError};
use cairn_core::criteria::Criteria;
use cairn_core::pathway::StepKind;
use cairn_core::stacks::{RevocationPolicy, StackRule, StackSpec};
use cairn_core::{AchievementKind, AchievementSpec, OrgKind, Principal, Role};
use cairn_store::backend_tests;
use uuid::Uuid;

use crate::{app, lesson};

struct World {
    admin: Principal,
    author: Principal,
    learner: Principal,
    email: String,
}

async fn world(app: &App) -> World {
    crate::org_of(app, "council", vec![OrgKind::Provider, OrgKind::Issuer]).await;
    World {
        admin: crate::member(app, "council", Role::Admin).await,
        author: crate::member(app, "council", Role::Author).await,
        learner: crate::member(app, "council", Role::Learner).await,
        email: "learner@council.example".into(),
    }
}

fn new(kind: AchievementKind, name: &str, spec: AchievementSpec) -> NewAchievement {
    NewAchievement {
        kind,
        name: name.into(),
        description: format!("{name}, for tests."),
        criteria: format!("Earn {name}."),
        spec,
    }
}

async fn badge(app: &App, w: &World, name: &str, rule: Option<Criteria>) -> Uuid {
    let spec = AchievementSpec {
        credits: Some(1000),
        rule,
        ..Default::default()
    };
    app.create_achievement(&w.admin, "council", new(AchievementKind::Badge, name, spec))
        .await
        .unwrap()
        .id
}

fn holds(ids: &[Uuid]) -> Vec<StackRule> {
    ids.iter()
        .map(|a| StackRule::Holds { achievement_id: *a })
        .collect()
}

async fn stack(app: &App, w: &World, kind: AchievementKind, name: &str, rule: StackRule) -> Uuid {
    let spec = AchievementSpec {
        stack: Some(StackSpec {
            rule,
            prerequisites: vec![],
            on_revocation: RevocationPolicy::Keep,
        }),
        ..Default::default()
    };
    app.create_achievement(&w.admin, "council", new(kind, name, spec))
        .await
        .unwrap()
        .id
}

async fn issue(app: &App, w: &World, achievement: Uuid, days: Option<i64>) -> Uuid {
    app.issue_credential(
        &w.admin,
        "council",
        IssueRequest {
            achievement_id: achievement,
            recipient: Recipient::Email(w.email.clone()),
            valid_until: days.map(|d| cairn_app::now() + time::Duration::days(d)),
            jwt: false,
        },
    )
    .await
    .unwrap()
    .record
    .id
}

/// A published lesson module taking `minutes`; its id.
async fn module(app: &App, w: &World, title: &str, minutes: u32) -> Uuid {
    let mut content = lesson(title);
    content.duration_minutes = minutes;
    let draft = app
        .create_module(&w.author, "council", content)
        .await
        .unwrap();
    app.publish_module(&w.author, draft.module_id)
        .await
        .unwrap()
        .module_id
}

fn completed(module_id: Uuid) -> Criteria {
    Criteria::CompletedModule {
        module_id,
        min_version: None,
    }
}

fn find(stacks: &[StackProgress], id: Uuid) -> &StackProgress {
    stacks
        .iter()
        .find(|s| s.achievement_id == id)
        .unwrap_or_else(|| panic!("{id} not among {stacks:?}"))
}

fn child(node: &StackProgress, id: Uuid) -> &StackProgress {
    node.children
        .iter()
        .find(|c| c.achievement_id == id)
        .unwrap_or_else(|| panic!("{id} not under {}", node.name))
}

backend_tests! {
    async fn my_stacks_show_what_is_held_and_what_is_missing(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let b1 = badge(&app, &w, "Stems", None).await;
        let b2 = badge(&app, &w, "Extensions", None).await;
        let b3 = badge(&app, &w, "Privacy", None).await;
        let other = badge(&app, &w, "Unrelated", None).await;
        let micro = stack(&app, &w, AchievementKind::MicroCredential, "Coding", StackRule::AllOf { of: holds(&[b1, b2]) }).await;
        let nano = stack(&app, &w, AchievementKind::NanoDegree, "Coding Professional", StackRule::AllOf { of: holds(&[micro, b3]) }).await;
        let untouched = stack(&app, &w, AchievementKind::MicroCredential, "Untouched", StackRule::AllOf { of: holds(&[other]) }).await;

        assert!(app.my_stacks(&w.learner).await.unwrap().is_empty(), "nothing begun yet");

        issue(&app, &w, b1, None).await;
        let mine = app.my_stacks(&w.learner).await.unwrap();
        let ids: Vec<Uuid> = mine.iter().map(|s| s.achievement_id).collect();
        // The nano-degree is begun through the micro-credential; the largest comes first.
        assert_eq!(ids, vec![nano, micro], "{mine:?}");
        assert!(!ids.contains(&untouched));
        let m = find(&mine, micro);
        assert_eq!(m.state, PartState::Missing);
        assert_eq!(m.rule_short.as_deref(), Some("all of"));
        assert_eq!(child(m, b1).state, PartState::Held);
        assert_eq!(child(m, b2).state, PartState::Missing);
        assert_eq!(m.missing.len(), 1, "{:?}", m.missing);
        assert!(m.missing[0].contains("Extensions"), "{:?}", m.missing);
        let n = find(&mine, nano);
        assert_eq!(child(child(n, micro), b1).state, PartState::Held);
        assert!(n.rule.as_deref().unwrap().contains("\"Coding\""), "{:?}", n.rule);

        // The second badge completes the micro-credential; the third, valid for 30 days,
        // completes the nano-degree but shows as expiring.
        let first_b2 = issue(&app, &w, b2, None).await;
        issue(&app, &w, b3, Some(30)).await;
        let mine = app.my_stacks(&w.learner).await.unwrap();
        let n = find(&mine, nano);
        assert_eq!(n.state, PartState::Held, "{n:?}");
        assert!(n.missing.is_empty());
        assert_eq!(child(n, micro).state, PartState::Held);
        assert_eq!(child(n, b3).state, PartState::Expiring);

        // A suspended part shows as suspended (the stacks are kept under "keep").
        app.set_credential_status(&w.admin, "council", first_b2, StatusAction::Suspend, Some("under review")).await.unwrap();
        let mine = app.my_stacks(&w.learner).await.unwrap();
        assert_eq!(child(find(&mine, micro), b2).state, PartState::Suspended);

        // Without a learner, the tree has no states.
        let tree = app.stack_tree(nano).await.unwrap();
        assert_eq!(tree.state, PartState::Unknown);
        assert_eq!(child(&tree, micro).children.len(), 2);
        assert!(child(&tree, micro).children.iter().all(|c| c.state == PartState::Unknown));
        assert!(tree.missing.is_empty());
    }

    async fn a_pathway_takes_the_shortest_modules_and_skips_what_is_held(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let long = module(&app, &w, "Long course", 40).await;
        let short = module(&app, &w, "Short course", 5).await;
        let mid = module(&app, &w, "Middle course", 15).await;
        let other = module(&app, &w, "Held course", 20).await;
        let a = badge(&app, &w, "Long badge", Some(completed(long))).await;
        let b = badge(&app, &w, "Short badge", Some(completed(short))).await;
        // Either module earns it: the planner is given the quicker one.
        let c = badge(&app, &w, "Either badge", Some(Criteria::Any { of: vec![completed(long), completed(mid)] })).await;
        let d = badge(&app, &w, "Held badge", Some(completed(other))).await;
        let target = stack(&app, &w, AchievementKind::MicroCredential, "Two of four", StackRule::AtLeast { k: 2, of: holds(&[a, b, c, d]) }).await;

        let plan = app.plan_pathway(&w.learner, target).await.unwrap();
        assert!(plan.exact, "{}", plan.summary);
        assert_eq!(plan.total_minutes, 20, "{plan:?}");
        let modules: Vec<Uuid> = plan.steps.iter().filter_map(|s| s.step.as_ref()).filter(|s| s.kind == StepKind::Module).map(|s| s.id).collect();
        assert_eq!(modules.len(), 2, "{plan:?}");
        assert!(modules.contains(&short) && modules.contains(&mid), "{plan:?}");
        assert!(!modules.contains(&long));
        assert!(plan.steps.iter().all(|s| !s.why.is_empty()));
        assert!(plan.steps.iter().any(|s| s.why.contains("Two of four")), "{plan:?}");

        // Holding one part leaves one to earn: the five-minute module.
        issue(&app, &w, d, None).await;
        let plan = app.plan_pathway(&w.learner, target).await.unwrap();
        assert_eq!(plan.total_minutes, 5, "{plan:?}");
        let modules: Vec<Uuid> = plan.steps.iter().filter_map(|s| s.step.as_ref()).map(|s| s.id).collect();
        assert_eq!(modules, vec![short]);

        // A part issued by hand only cannot be planned; the refusal names it.
        let by_hand = badge(&app, &w, "Signed by the dean", None).await;
        let dean = stack(&app, &w, AchievementKind::Certificate, "Dean's list", StackRule::AllOf { of: holds(&[b, by_hand]) }).await;
        let err = app.plan_pathway(&w.learner, dean).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        assert!(err.to_string().contains("\"Signed by the dean\""), "{err}");
        assert!(matches!(app.plan_pathway(&w.learner, Uuid::now_v7()).await, Err(AppError::NotFound(_))));
    }
}
