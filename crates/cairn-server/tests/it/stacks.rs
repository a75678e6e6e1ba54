//! Stacks over HTTP: a learner's trees and planned pathway, the public tree, cycles refused
//! as problem+json naming them, and the issuer's editor pages (pictures, refusals that keep
//! what was entered, and learners kept out).

use axum::http::{Method, StatusCode};
use cairn_app::credentials::{IssueRequest, NewAchievement, Recipient};
use cairn_app::orgs::NewOrg;
use cairn_core::criteria::Criteria;
use cairn_core::stacks::{RevocationPolicy, StackRule, StackSpec};
use cairn_core::{AchievementKind, AchievementSpec, OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::*;

struct World {
    admin_token: String,
    learner_token: String,
    admin: Person,
    learner: Person,
    module: Uuid,
    /// Earned by completing the module.
    stems: Uuid,
    /// Issued by hand; the learner holds it.
    privacy: Uuid,
    /// All of stems and privacy.
    coding: Uuid,
    /// All of coding and a third badge.
    pro: Uuid,
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

fn all_of(ids: &[Uuid]) -> AchievementSpec {
    AchievementSpec {
        stack: Some(StackSpec {
            rule: StackRule::AllOf {
                of: ids
                    .iter()
                    .map(|a| StackRule::Holds { achievement_id: *a })
                    .collect(),
            },
            prerequisites: vec![],
            on_revocation: RevocationPolicy::Reevaluate,
        }),
        ..Default::default()
    }
}

async fn world(h: &Harness) -> World {
    let sys = Principal::system();
    h.app
        .create_org(
            &sys,
            NewOrg {
                slug: Some("council".into()),
                name: "Regional Council".into(),
                kinds: vec![OrgKind::Provider, OrgKind::Issuer],
            },
        )
        .await
        .unwrap();
    let content: cairn_core::catalog::ModuleContent = serde_json::from_value(json!({
        "title": "ICD-11 stem codes", "summary": "Stem codes.", "objectives": ["Choose the stem code"],
        "duration_minutes": 12, "language": "en", "format": "lesson", "alignments": [], "tags": [],
        "pages": [{"title": "Stems", "markdown": "CA40 is pneumonia."}], "questions": []
    }))
    .unwrap();
    let draft = h.app.create_module(&sys, "council", content).await.unwrap();
    let module = h
        .app
        .publish_module(&sys, draft.module_id)
        .await
        .unwrap()
        .module_id;
    let create = |kind, name: &'static str, spec| {
        let app = h.app.clone();
        async move {
            app.create_achievement(&Principal::system(), "council", new(kind, name, spec))
                .await
                .unwrap()
                .id
        }
    };
    let rule = AchievementSpec {
        rule: Some(Criteria::CompletedModule {
            module_id: module,
            min_version: None,
        }),
        ..Default::default()
    };
    let stems = create(AchievementKind::Badge, "Stems", rule).await;
    let privacy = create(
        AchievementKind::Badge,
        "Privacy",
        AchievementSpec::default(),
    )
    .await;
    let third = create(AchievementKind::Badge, "Ethics", AchievementSpec::default()).await;
    let coding = create(
        AchievementKind::MicroCredential,
        "Coding",
        all_of(&[stems, privacy]),
    )
    .await;
    let pro = create(
        AchievementKind::NanoDegree,
        "Coding Professional",
        all_of(&[coding, third]),
    )
    .await;
    let learner = h
        .member("learner@council.example", "council", Role::Learner)
        .await;
    h.app
        .issue_credential(
            &sys,
            "council",
            IssueRequest {
                achievement_id: privacy,
                recipient: Recipient::Email("learner@council.example".into()),
                valid_until: None,
                jwt: false,
            },
        )
        .await
        .unwrap();
    World {
        admin_token: h.token("council", Role::Admin).await,
        learner_token: h.token("council", Role::Learner).await,
        admin: h
            .member("admin@council.example", "council", Role::Admin)
            .await,
        learner,
        module,
        stems,
        privacy,
        coding,
        pro,
    }
}

fn child(node: &Value, id: Uuid) -> &Value {
    node["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["achievement_id"] == id.to_string())
        .unwrap_or_else(|| panic!("{id} not under {node}"))
}

fn body(name: &str, kind: &str, spec: Value) -> Value {
    json!({"kind": kind, "name": name, "description": format!("{name}, for tests."),
           "criteria": format!("Earn {name}."), "spec": spec})
}

backend_tests! {
    async fn the_api_gives_trees_and_a_plan_and_refuses_a_cycle_by_name(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;

        let res = w.learner.api(&h, Method::GET, "/api/v1/me/stacks", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let mine = body_json(res).await;
        let stacks = mine.as_array().unwrap();
        let ids: Vec<&str> = stacks.iter().map(|s| s["achievement_id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![w.pro.to_string(), w.coding.to_string()], "{mine}");
        let coding = &stacks[1];
        assert_eq!(coding["state"], "missing");
        assert_eq!(coding["rule_short"], "all of");
        assert_eq!(child(coding, w.privacy)["state"], "held");
        assert_eq!(child(coding, w.stems)["state"], "missing");
        assert!(coding["missing"][0].as_str().unwrap().contains("Stems"), "{coding}");

        // The public tree needs no one signed in and knows no states.
        let res = h.get(&format!("/api/v1/achievements/{}/stack", w.pro), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let tree = body_json(res).await;
        assert_eq!(tree["state"], "unknown");
        assert_eq!(child(&tree, w.coding)["children"].as_array().unwrap().len(), 2);
        problem(h.get(&format!("/api/v1/achievements/{}/stack", Uuid::now_v7()), None).await, StatusCode::NOT_FOUND).await;

        // The plan to the micro-credential is the one module; the held badge is skipped.
        let res = w.learner.api(&h, Method::GET, &format!("/api/v1/me/pathways/{}", w.coding), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let plan = body_json(res).await;
        assert_eq!(plan["total_minutes"], 12, "{plan}");
        assert_eq!(plan["exact"], true);
        let steps: Vec<&Value> = plan["steps"].as_array().unwrap().iter().filter(|s| !s["step"].is_null()).collect();
        assert_eq!(steps.len(), 1, "{plan}");
        assert_eq!(steps[0]["step"]["id"], w.module.to_string());
        assert!(!plan["steps"].as_array().unwrap().iter().any(|s| s["achievement_id"] == w.privacy.to_string()));
        // The nano-degree's third badge is issued by hand only: no plan, and why.
        let p = problem(w.learner.api(&h, Method::GET, &format!("/api/v1/me/pathways/{}", w.pro), None).await, StatusCode::CONFLICT).await;
        assert!(p["detail"].as_str().unwrap().contains("\"Ethics\""), "{p}");

        // Making "Stems" require the nano-degree closes a loop: 422, the cycle named.
        let cycle = json!({"stack": {"rule": {"type": "holds", "achievement_id": w.pro}}});
        let path = format!("/api/v1/orgs/council/achievements/{}", w.stems);
        let p = problem(h.json(Method::PUT, &path, Some(&w.admin_token), body("Stems", "badge", cycle.clone())).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        let detail = p["detail"].as_str().unwrap();
        for name in ["\"Stems\"", "\"Coding\"", "\"Coding Professional\"", "→"] {
            assert!(detail.contains(name), "{detail}");
        }
        problem(h.json(Method::PUT, &path, Some(&w.learner_token), body("Stems", "badge", cycle)).await, StatusCode::FORBIDDEN).await;
        // A valid replacement is saved and returned.
        let res = h.json(Method::PUT, &path, Some(&w.admin_token), body("Stems, renamed", "badge", json!({"credits": 1500}))).await;
        assert_eq!(res.status(), StatusCode::OK);
        let a = body_json(res).await;
        assert_eq!(a["name"], "Stems, renamed");
        assert_eq!(h.app.achievement(w.stems).await.unwrap().spec.credits, Some(1500));
    }

    async fn the_editor_draws_the_stack_and_keeps_a_refused_form(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;

        let res = w.admin.page(&h, "/orgs/council/stacks").await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body_text(res).await;
        assert!(page.contains("<svg") && page.contains("Coding Professional"), "{page}");

        let edit = format!("/orgs/council/stacks/{}/edit", w.coding);
        let res = w.admin.page(&h, &edit).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body_text(res).await;
        assert!(page.contains("<svg"), "{page}");
        assert!(page.contains(&format!(r#"value="{}" aria-label="Stems is a part" checked"#, w.stems)), "{page}");

        // Adding the nano-degree as a part of the micro-credential inside it is a cycle.
        let (pro, stems) = (w.pro.to_string(), w.stems.to_string());
        let fields = [
            ("name", "Coding, edited"), ("kind", "micro_credential"), ("description", "Coding."),
            ("criteria", "Hold the parts."), ("rule_type", "at_least"), ("k", "1"),
            ("part", pro.as_str()), ("part", stems.as_str()), ("on_revocation", "suspend"),
        ];
        let res = w.admin.form(&h, &edit, &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body_text(res).await;
        assert!(page.contains("role=\"alert\""), "{page}");
        assert!(page.contains("Would make an achievement require itself") && page.contains("Coding Professional&#34; →"), "{page}");
        assert!(page.contains(r#"value="Coding, edited""#), "{page}");
        assert!(page.contains(r#"value="1" inputmode="numeric""#), "{page}");
        assert!(page.contains(r#"value="at_least" checked"#), "{page}");
        assert!(page.contains(r#"value="suspend" checked"#), "{page}");
        assert!(page.contains(&format!(r#"value="{pro}" aria-label="Coding Professional is a part" checked"#)), "{page}");
        assert!(!page.contains(&format!(r#"value="{}" aria-label="Privacy is a part" checked"#, w.privacy)), "{page}");
        assert_eq!(h.app.achievement(w.coding).await.unwrap().name, "Coding", "nothing saved");

        // A form the editor cannot read is refused the same way.
        let res = w.admin.form(&h, &edit, &[("name", "Coding"), ("kind", "micro_credential"), ("description", "C."), ("criteria", "C."), ("rule_type", "at_least"), ("k", "many"), ("part", stems.as_str()), ("on_revocation", "keep")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("whole number"));

        // A valid edit is saved; the page shows the new rule.
        let prereq = w.privacy.to_string();
        let ok = [
            ("name", "Coding"), ("kind", "micro_credential"), ("description", "Coding."),
            ("criteria", "Hold the parts."), ("rule_type", "min_credits"), ("min_credits", "1.5"),
            ("part", stems.as_str()), ("prereq", prereq.as_str()), ("on_revocation", "keep"),
        ];
        let res = w.admin.form(&h, &edit, &ok).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), edit);
        let spec = h.app.achievement(w.coding).await.unwrap().spec.stack.unwrap();
        assert_eq!(spec.rule, StackRule::MinCredits { min: 1500, of: vec![w.stems] });
        assert_eq!(spec.prerequisites, vec![w.privacy]);
        assert_eq!(spec.on_revocation, RevocationPolicy::Keep);

        // A new stack.
        let res = w.admin.page(&h, "/orgs/council/stacks/new").await;
        assert_eq!(res.status(), StatusCode::OK);
        let privacy = w.privacy.to_string();
        let res = w.admin.form(&h, "/orgs/council/stacks/new", &[
            ("name", "Privacy and stems"), ("kind", "certificate"), ("description", "Both."),
            ("criteria", "Hold both."), ("rule_type", "all_of"), ("part", privacy.as_str()), ("part", stems.as_str()),
            ("on_revocation", "reevaluate"),
        ]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let at = location(&res);
        let page = body_text(w.admin.page(&h, &at).await).await;
        assert!(page.contains("<svg") && page.contains("Privacy and stems"), "{page}");

        // Learners see their own stacks and plans, but not the editor.
        assert_eq!(w.learner.page(&h, &edit).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(w.learner.page(&h, "/orgs/council/stacks").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(w.learner.form(&h, &edit, &ok).await.status(), StatusCode::FORBIDDEN);
        let res = w.learner.page(&h, "/me/stacks").await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body_text(res).await;
        assert!(page.contains("<svg") && page.contains("Plan my path"), "{page}");
        let res = w.learner.page(&h, &format!("/me/pathways/{}", w.pro)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body_text(res).await;
        assert!(page.contains("No pathway can be planned") && page.contains("<svg"), "{page}");
        // The new stack needs only the module: its plan lists it with its minutes.
        let new_id = at.trim_start_matches("/orgs/council/stacks/").trim_end_matches("/edit");
        let res = w.learner.page(&h, &format!("/me/pathways/{new_id}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body_text(res).await;
        assert!(page.contains("Module: ICD-11 stem codes") && page.contains("(12 min)"), "{page}");
        assert!(page.contains("Total time: 12 min.") && page.contains("No shorter plan exists."), "{page}");
    }
}
