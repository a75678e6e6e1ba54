//! Stacks over a real database: a badge that completes a micro-credential that completes a
//! nano-degree, cycles refused when saved, revocation, suspension and expiry policies,
//! renewal by credits, and racing components, on both backends.

use cairn_app::App;
use cairn_app::credentials::{IssueRequest, NewAchievement, Recipient, StatusAction};
use cairn_core::renewal::Renewal;
use cairn_core::stacks::{RevocationPolicy, StackRule, StackSpec};
use cairn_core::{AchievementKind, AchievementSpec, CredentialState, OrgKind, Principal, Role};
use cairn_store::backend_tests;
use uuid::Uuid;

use crate::app;

struct World {
    admin: Principal,
    learner: Principal,
    email: String,
}

async fn world(app: &App) -> World {
    crate::org_of(app, "council", vec![OrgKind::Issuer]).await;
    World {
        admin: crate::member(app, "council", Role::Admin).await,
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

async fn badge(app: &App, w: &World, name: &str, credits: u64) -> Uuid {
    let spec = AchievementSpec {
        credits: Some(credits),
        ..Default::default()
    };
    app.create_achievement(&w.admin, "council", new(AchievementKind::Badge, name, spec))
        .await
        .unwrap()
        .id
}

fn all_of(ids: &[Uuid]) -> StackRule {
    StackRule::AllOf {
        of: ids
            .iter()
            .map(|a| StackRule::Holds { achievement_id: *a })
            .collect(),
    }
}

async fn stack(
    app: &App,
    w: &World,
    kind: AchievementKind,
    name: &str,
    rule: StackRule,
    policy: RevocationPolicy,
) -> Uuid {
    let spec = AchievementSpec {
        stack: Some(StackSpec {
            rule,
            prerequisites: vec![],
            on_revocation: policy,
        }),
        validity_days: Some(730),
        ..Default::default()
    };
    app.create_achievement(&w.admin, "council", new(kind, name, spec))
        .await
        .unwrap()
        .id
}

async fn issue(app: &App, w: &World, achievement: Uuid) -> Uuid {
    app.issue_credential(
        &w.admin,
        "council",
        IssueRequest {
            achievement_id: achievement,
            recipient: Recipient::Email(w.email.clone()),
            valid_until: None,
            jwt: false,
        },
    )
    .await
    .unwrap()
    .record
    .id
}

/// The learner's credentials for an achievement, with their states.
async fn held(app: &App, w: &World, achievement: Uuid) -> Vec<CredentialState> {
    app.my_credentials(&w.learner)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.achievement_id == Some(achievement))
        .map(|c| c.state)
        .collect()
}

/// Two badges → micro-credential; micro-credential + a third badge → nano-degree.
struct Ladder {
    b1: Uuid,
    b2: Uuid,
    b3: Uuid,
    micro: Uuid,
    nano: Uuid,
}

async fn ladder(app: &App, w: &World, policy: RevocationPolicy) -> Ladder {
    let b1 = badge(app, w, "Stems", 1000).await;
    let b2 = badge(app, w, "Extensions", 1000).await;
    let b3 = badge(app, w, "Privacy", 500).await;
    let micro = stack(
        app,
        w,
        AchievementKind::MicroCredential,
        "Coding",
        all_of(&[b1, b2]),
        policy,
    )
    .await;
    let nano = stack(
        app,
        w,
        AchievementKind::NanoDegree,
        "Coding Professional",
        all_of(&[micro, b3]),
        policy,
    )
    .await;
    Ladder {
        b1,
        b2,
        b3,
        micro,
        nano,
    }
}

backend_tests! {
    async fn the_last_badge_completes_a_micro_credential_and_the_nano_degree_above_it(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let l = ladder(&app, &w, RevocationPolicy::Reevaluate).await;
        issue(&app, &w, l.b3).await;
        issue(&app, &w, l.b1).await;
        assert!(held(&app, &w, l.micro).await.is_empty(), "one badge of two is not enough");
        let last = issue(&app, &w, l.b2).await;
        // Both stacked credentials were signed before the issuing call returned.
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Active]);
        assert_eq!(held(&app, &w, l.nano).await, vec![CredentialState::Active]);
        let awards = app.my_awards(&w.learner).await.unwrap();
        let micro = awards.iter().find(|a| a.achievement_id == l.micro).unwrap();
        assert_eq!(micro.state, "issued");
        let named: Vec<_> = micro.evidence.iter().map(|e| e.reference).collect();
        assert!(named.contains(&cairn_core::criteria::EvidenceRef::Credential { credential_id: last }), "{named:?}");
        assert!(micro.explanation.contains("\"Stems\"") && micro.explanation.contains("\"Extensions\""), "{}", micro.explanation);
        // The nano-degree names the micro-credential's credential as its evidence, and its
        // signed document points to that credential's public page.
        let nano = awards.iter().find(|a| a.achievement_id == l.nano).unwrap();
        let micro_credential = micro.credential_id.unwrap();
        assert!(nano.evidence.iter().any(|e| e.reference == cairn_core::criteria::EvidenceRef::Credential { credential_id: micro_credential }));
        let doc = app.public_credential(nano.credential_id.unwrap()).await.unwrap().document;
        let evidence = doc["evidence"].as_array().unwrap();
        assert!(evidence.iter().any(|e| e["id"].as_str().unwrap().ends_with(&micro_credential.to_string())), "{evidence:?}");
        // The chain behind the nano-degree includes the decision and the component.
        let chain = app.credential_chain(&w.learner, nano.credential_id.unwrap()).await.unwrap();
        let actions: Vec<_> = chain.events.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"award.decide") && actions.contains(&"credential.issue"), "{actions:?}");
    }

    async fn a_cycle_is_refused_when_the_stack_is_saved_and_named(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let l = ladder(&app, &w, RevocationPolicy::Reevaluate).await;
        // Making "Stems" require the nano-degree closes a loop through the micro-credential.
        let spec = AchievementSpec {
            stack: Some(StackSpec { rule: StackRule::Holds { achievement_id: l.nano }, prerequisites: vec![], on_revocation: RevocationPolicy::Keep }),
            ..Default::default()
        };
        let err = app
            .update_achievement(&w.admin, "council", l.b1, new(AchievementKind::Badge, "Stems", spec))
            .await
            .unwrap_err();
        let text = err.to_string();
        for name in ["\"Stems\"", "\"Coding\"", "\"Coding Professional\""] {
            assert!(text.contains(name), "{text}");
        }
        assert!(text.contains('→'), "{text}");
        // Nothing was saved: the badge is still a plain badge.
        assert!(app.achievement(l.b1).await.unwrap().spec.stack.is_none());
        // A rule and a stack together are refused too.
        let both = AchievementSpec {
            rule: Some(cairn_core::criteria::Criteria::EvidenceAccepted { rubric_id: Uuid::now_v7() }),
            stack: Some(StackSpec { rule: all_of(&[l.b2]), prerequisites: vec![], on_revocation: RevocationPolicy::Keep }),
            ..Default::default()
        };
        assert!(app.create_achievement(&w.admin, "council", new(AchievementKind::MicroCredential, "Both", both)).await.is_err());
    }

    async fn revoking_a_component_under_re_evaluate_revokes_exactly_the_stacks_that_no_longer_hold(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let l = ladder(&app, &w, RevocationPolicy::Reevaluate).await;
        // A second way to the micro-credential's other part: "at least 1 of" b3 and b1 for
        // an elective stack that survives the revocation.
        let elective = stack(&app, &w, AchievementKind::MicroCredential, "Either", StackRule::AtLeast { k: 1, of: vec![StackRule::Holds { achievement_id: l.b1 }, StackRule::Holds { achievement_id: l.b3 }] }, RevocationPolicy::Reevaluate).await;
        issue(&app, &w, l.b1).await;
        let b2 = issue(&app, &w, l.b2).await;
        issue(&app, &w, l.b3).await;
        assert_eq!(held(&app, &w, l.nano).await, vec![CredentialState::Active]);
        app.set_credential_status(&w.admin, "council", b2, StatusAction::Revoke, Some("issued in error")).await.unwrap();
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Revoked]);
        assert_eq!(held(&app, &w, l.nano).await, vec![CredentialState::Revoked]);
        assert_eq!(held(&app, &w, elective).await, vec![CredentialState::Active]);
        // Earning the badge again earns the stacks again.
        issue(&app, &w, l.b2).await;
        assert!(held(&app, &w, l.nano).await.contains(&CredentialState::Active));
    }

    async fn suspend_policy_suspends_and_reinstating_the_component_restores(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let l = ladder(&app, &w, RevocationPolicy::Suspend).await;
        let b1 = issue(&app, &w, l.b1).await;
        issue(&app, &w, l.b2).await;
        issue(&app, &w, l.b3).await;
        app.set_credential_status(&w.admin, "council", b1, StatusAction::Suspend, Some("under review")).await.unwrap();
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Suspended]);
        assert_eq!(held(&app, &w, l.nano).await, vec![CredentialState::Suspended]);
        app.set_credential_status(&w.admin, "council", b1, StatusAction::Reinstate, None).await.unwrap();
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Active]);
        assert_eq!(held(&app, &w, l.nano).await, vec![CredentialState::Active]);
        // Under "re-evaluate" a suspended component also only suspends: it may come back.
    }

    async fn keep_policy_keeps_the_stack(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let l = ladder(&app, &w, RevocationPolicy::Keep).await;
        let b1 = issue(&app, &w, l.b1).await;
        issue(&app, &w, l.b2).await;
        issue(&app, &w, l.b3).await;
        app.set_credential_status(&w.admin, "council", b1, StatusAction::Revoke, None).await.unwrap();
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Active]);
        assert_eq!(held(&app, &w, l.nano).await, vec![CredentialState::Active]);
    }

    async fn an_expired_component_is_handled_by_the_worker(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let l = ladder(&app, &w, RevocationPolicy::Reevaluate).await;
        // Long enough for the other parts to be issued first, even on a loaded machine
        // (validity ends are kept to whole seconds, so up to a second shorter).
        let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(4);
        app.issue_credential(&w.admin, "council", IssueRequest { achievement_id: l.b1, recipient: Recipient::Email(w.email.clone()), valid_until: Some(soon), jwt: false }).await.unwrap();
        issue(&app, &w, l.b2).await;
        issue(&app, &w, l.b3).await;
        assert_eq!(held(&app, &w, l.nano).await, vec![CredentialState::Active]);
        assert_eq!(app.handle_expired_credentials().await.unwrap(), 0, "nothing expired yet");
        let left = (soon - time::OffsetDateTime::now_utc()).whole_milliseconds().max(0);
        tokio::time::sleep(std::time::Duration::from_millis(u64::try_from(left).unwrap() + 300)).await;
        assert_eq!(app.handle_expired_credentials().await.unwrap(), 1);
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Revoked]);
        assert_eq!(held(&app, &w, l.nano).await, vec![CredentialState::Revoked]);
        // A second pass (or a second server) finds nothing more to do.
        assert_eq!(app.handle_expired_credentials().await.unwrap(), 0);
    }

    async fn credits_earned_while_valid_renew_a_credential(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let base = badge(&app, &w, "Coding basics", 0).await;
        let c1 = badge(&app, &w, "Refresher one", 1000).await;
        let c2 = badge(&app, &w, "Refresher two", 1500).await;
        let spec = AchievementSpec {
            stack: Some(StackSpec { rule: all_of(&[base]), prerequisites: vec![], on_revocation: RevocationPolicy::Keep }),
            validity_days: Some(300),
            // The window (365 days) is wider than the validity: renewal is open at once.
            renewal: Some(Renewal { assessment_id: None, min_credits: Some(2000), credits_from: vec![c1, c2], window_days: 365 }),
            ..Default::default()
        };
        let licence = app.create_achievement(&w.admin, "council", new(AchievementKind::Certificate, "Coder licence", spec)).await.unwrap().id;
        issue(&app, &w, base).await;
        assert_eq!(held(&app, &w, licence).await, vec![CredentialState::Active]);
        issue(&app, &w, c1).await;
        assert_eq!(held(&app, &w, licence).await.len(), 1, "1 credit of 2 does not renew");
        issue(&app, &w, c2).await;
        assert_eq!(held(&app, &w, licence).await, vec![CredentialState::Active, CredentialState::Active]);
        let awards = app.my_awards(&w.learner).await.unwrap();
        let of_licence: Vec<_> = awards.iter().filter(|a| a.achievement_id == licence).collect();
        assert_eq!(of_licence.len(), 2);
        let renewal = of_licence.iter().find(|a| a.active).unwrap();
        assert!(renewal.explanation.contains("renewed"), "{}", renewal.explanation);
        assert_eq!(renewal.evidence.len(), 2, "both refreshers are its evidence");
        // A third refresher renews nothing more: the renewed credential's window is new.
        let bad = Renewal { assessment_id: None, min_credits: Some(2000), credits_from: vec![], window_days: 90 };
        let refused = AchievementSpec { validity_days: Some(300), renewal: Some(bad), ..Default::default() };
        let err = app.create_achievement(&w.admin, "council", new(AchievementKind::Certificate, "Bad", refused)).await.unwrap_err();
        assert!(err.to_string().contains("credits_from"), "{err}");
    }

    async fn components_issued_at_the_same_time_complete_the_stack_once(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let l = ladder(&app, &w, RevocationPolicy::Reevaluate).await;
        issue(&app, &w, l.b3).await;
        let (a, b) = tokio::join!(issue(&app, &w, l.b1), issue(&app, &w, l.b2));
        assert_ne!(a, b);
        app.sign_pending_awards().await.unwrap();
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Active]);
        assert_eq!(held(&app, &w, l.nano).await, vec![CredentialState::Active]);
    }

    async fn holders_are_reminded_once_per_threshold_before_expiry(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let b = badge(&app, &w, "Hand hygiene", 0).await;
        let other = badge(&app, &w, "Sharps safety", 0).await;
        let in_days = |d: i64| Some(time::OffsetDateTime::now_utc() + time::Duration::days(d) + time::Duration::hours(1));
        let req = |a: Uuid, until| IssueRequest { achievement_id: a, recipient: Recipient::Email(w.email.clone()), valid_until: until, jwt: false };
        app.issue_credential(&w.admin, "council", req(b, in_days(45))).await.unwrap();
        // Far from expiry: no reminder yet.
        app.issue_credential(&w.admin, "council", req(other, in_days(200))).await.unwrap();
        assert_eq!(app.send_expiry_reminders().await.unwrap(), 1);
        assert_eq!(app.send_expiry_reminders().await.unwrap(), 0, "each reminder is sent once");
        let (list, unread) = app.my_notifications(&w.learner, 10).await.unwrap();
        assert_eq!((list.len(), unread), (1, 1));
        assert!(list[0].title.starts_with("Hand hygiene expires in 46 days") || list[0].title.starts_with("Hand hygiene expires in 45 days"), "{}", list[0].title);
        assert_eq!(list[0].kind, "credential.expiring");
        // A holder who already renewed (a later credential for it) is not reminded.
        let renewed = badge(&app, &w, "Fire safety", 0).await;
        app.issue_credential(&w.admin, "council", req(renewed, in_days(20))).await.unwrap();
        app.issue_credential(&w.admin, "council", req(renewed, in_days(380))).await.unwrap();
        assert_eq!(app.send_expiry_reminders().await.unwrap(), 0);
    }

    async fn the_demo_has_two_nano_degrees_with_learners_at_every_stage(db: TestDb) {
        let app = app(&db);
        app.seed_demo().await.unwrap();
        let sys = Principal::system();
        let council = app.achievements("rhwc").await.unwrap();
        let id = |name: &str| council.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("{name} missing")).id;
        let coding = id("ICD-11 Coding Professional");
        let vbc = id("Value-Based Care Leadership");
        let clinical = id("ICD-11 Clinical Coding");
        assert!(app.achievement(coding).await.unwrap().spec.stack.is_some());
        let awards = app.org_awards(&sys, "rhwc", None).await.unwrap();
        assert!(awards.iter().all(|a| a.state == "issued"), "{awards:?}");
        let awarded = |a: Uuid| awards.iter().filter(|w| w.achievement_id == a).count();
        assert!(awarded(coding) >= 2, "two learners completed the coding nano-degree");
        assert!(awarded(vbc) >= 1);
        assert!(awarded(clinical) > awarded(coding), "some hold the micro-credential only");
        // One coding nano-degree is suspended with the part it was awarded on.
        let issued = app.credentials(&sys, "rhwc", 1000, 0).await;
        let states: Vec<_> = match issued {
            Ok((list, _)) => list.into_iter().filter(|c| c.achievement_id == Some(coding)).map(|c| c.state).collect(),
            Err(e) => panic!("{e}"),
        };
        assert!(states.contains(&CredentialState::Suspended) && states.contains(&CredentialState::Active), "{states:?}");
    }

    async fn any_order_of_the_same_badges_awards_the_same_stacks(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let l = ladder(&app, &w, RevocationPolicy::Reevaluate).await;
        let either = stack(&app, &w, AchievementKind::MicroCredential, "Either", StackRule::AtLeast { k: 1, of: vec![StackRule::Holds { achievement_id: l.b2 }, StackRule::Holds { achievement_id: l.b3 }] }, RevocationPolicy::Reevaluate).await;
        let credits = stack(&app, &w, AchievementKind::Certificate, "Credits", StackRule::MinCredits { min: 2500, of: vec![l.b1, l.b2, l.b3] }, RevocationPolicy::Reevaluate).await;
        let orders = [[l.b1, l.b2, l.b3], [l.b1, l.b3, l.b2], [l.b2, l.b1, l.b3], [l.b2, l.b3, l.b1], [l.b3, l.b1, l.b2], [l.b3, l.b2, l.b1]];
        let mut outcomes = Vec::new();
        for (n, order) in orders.iter().enumerate() {
            let email = format!("order{n}@learners.example");
            let user = app.create_user(&Principal::system(), cairn_app::accounts::NewUser { display_name: format!("Order {n}"), email: email.clone(), password: None, is_operator: false }).await.unwrap();
            let who = Principal { kind: cairn_core::PrincipalKind::User { user_id: user.id }, is_operator: false, grants: vec![] };
            let mut after_each = Vec::new();
            for badge in order {
                app.issue_credential(&w.admin, "council", IssueRequest { achievement_id: *badge, recipient: Recipient::Email(email.clone()), valid_until: None, jwt: false }).await.unwrap();
                let mut stacks: Vec<Uuid> = app.my_credentials(&who).await.unwrap().into_iter().filter_map(|c| c.achievement_id).filter(|a| ![l.b1, l.b2, l.b3].contains(a)).collect();
                stacks.sort();
                after_each.push(stacks);
            }
            // Each stack exactly once, and only once its rule holds.
            let last = after_each.last().unwrap().clone();
            let mut dedup = last.clone();
            dedup.dedup();
            assert_eq!(last, dedup, "a stack awarded twice: {last:?}");
            let first = &after_each[0];
            assert!(!first.contains(&l.micro) && !first.contains(&l.nano) && !first.contains(&credits), "one badge completed too much: {first:?}");
            outcomes.push(last);
        }
        let mut want = vec![l.micro, l.nano, either, credits];
        want.sort();
        for o in &outcomes {
            assert_eq!(o, &want);
        }
    }

    async fn passing_the_renewal_assessment_in_the_window_renews(db: TestDb) {
        use cairn_core::assessment::{Assessment, Blueprint, BlueprintCell, CompetencyRef, Difficulty, ItemContent, ItemKind, Response};
        let app = app(&db);
        let w = world(&app).await;
        crate::org_of(&app, "school", vec![OrgKind::Provider]).await;
        let author = crate::member(&app, "school", Role::Author).await;
        for _ in 0..2 {
            let item = ItemContent { competency: CompetencyRef::Code("ICD.1".into()), difficulty: Difficulty::Easy, points: 1,
                prompt: "Stem codes stand alone.".into(), kind: ItemKind::TrueFalse { correct: true }, explanation: None };
            app.create_item(&author, "school", item).await.unwrap();
        }
        let rules = Assessment {
            blueprint: Blueprint { cells: vec![BlueprintCell { competency: CompetencyRef::Code("ICD.1".into()), difficulty: Difficulty::Easy, count: 2 }] },
            time_limit_minutes: None, max_attempts: None, cooldown_minutes: 0, cut_score_percent: 60, competency_minimums: vec![],
        };
        let spec = cairn_app::assessments::AssessmentSpec { title: "Coding refresher".into(), description: String::new(), module_id: None, rules };
        let draft = app.create_assessment(&author, "school", spec).await.unwrap();
        let refresher = app.publish_assessment(&author, draft.id).await.unwrap().id;
        let base = badge(&app, &w, "Coding basics", 0).await;
        let spec = AchievementSpec {
            stack: Some(StackSpec { rule: all_of(&[base]), prerequisites: vec![], on_revocation: RevocationPolicy::Keep }),
            validity_days: Some(300),
            renewal: Some(Renewal { assessment_id: Some(refresher), min_credits: None, credits_from: vec![], window_days: 365 }),
            ..Default::default()
        };
        let licence = app.create_achievement(&w.admin, "council", new(AchievementKind::Certificate, "Coder licence", spec)).await.unwrap().id;
        // Passing before holding anything renews nothing.
        let take = |right: bool| {
            let app = app.clone();
            let learner = w.learner.clone();
            async move {
                let attempt = app.start_attempt(&learner, refresher).await.unwrap();
                let responses = attempt.items.iter().map(|i| (i.item_id, Response::TrueFalse { value: right })).collect();
                app.submit_attempt(&learner, attempt.id, responses).await.unwrap();
            }
        };
        take(true).await;
        assert!(held(&app, &w, licence).await.is_empty());
        issue(&app, &w, base).await;
        assert_eq!(held(&app, &w, licence).await, vec![CredentialState::Active]);
        take(false).await;
        assert_eq!(held(&app, &w, licence).await.len(), 1, "a failed attempt renews nothing");
        take(true).await;
        assert_eq!(held(&app, &w, licence).await, vec![CredentialState::Active, CredentialState::Active]);
        let awards = app.my_awards(&w.learner).await.unwrap();
        let renewal = awards.iter().find(|a| a.achievement_id == licence && a.active).unwrap();
        assert!(renewal.explanation.contains("renewed") && renewal.evidence[0].name.contains("Coding refresher"), "{:?}", renewal);
    }

    async fn a_stack_waiting_to_be_signed_is_withdrawn_if_a_part_is_revoked_first(db: TestDb) {
        let mut config = cairn_app::AppConfig::for_tests();
        config.sign_awards_inline = false;
        let app = App::new(db.store.clone(), config);
        let w = world(&app).await;
        let l = ladder(&app, &w, RevocationPolicy::Reevaluate).await;
        let b1 = issue(&app, &w, l.b1).await;
        issue(&app, &w, l.b2).await;
        let pending = app.my_awards(&w.learner).await.unwrap();
        assert!(pending.iter().any(|a| a.achievement_id == l.micro && a.state == "pending"));
        app.set_credential_status(&w.admin, "council", b1, StatusAction::Revoke, Some("issued in error")).await.unwrap();
        app.sign_pending_awards().await.unwrap();
        assert!(held(&app, &w, l.micro).await.is_empty(), "no credential for a stack whose part was revoked");
        let award = app.my_awards(&w.learner).await.unwrap().into_iter().find(|a| a.achievement_id == l.micro).unwrap();
        assert_eq!((award.state.as_str(), award.active), ("failed", false));
        assert!(award.last_error.unwrap().contains("no longer meets its stack rule"));
        // Earning the part again decides and signs the stack afresh.
        issue(&app, &w, l.b1).await;
        app.sign_pending_awards().await.unwrap();
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Active]);
    }

    async fn an_admin_s_own_suspension_of_a_stack_is_left_alone(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let l = ladder(&app, &w, RevocationPolicy::Suspend).await;
        let b1 = issue(&app, &w, l.b1).await;
        issue(&app, &w, l.b2).await;
        let micro = app.my_awards(&w.learner).await.unwrap().into_iter().find(|a| a.achievement_id == l.micro).unwrap().credential_id.unwrap();
        app.set_credential_status(&w.admin, "council", micro, StatusAction::Suspend, Some("audit of the course")).await.unwrap();
        app.set_credential_status(&w.admin, "council", b1, StatusAction::Suspend, None).await.unwrap();
        app.set_credential_status(&w.admin, "council", b1, StatusAction::Reinstate, None).await.unwrap();
        // Still suspended: the admin's decision, not the policy's.
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Suspended]);
        app.set_credential_status(&w.admin, "council", micro, StatusAction::Reinstate, None).await.unwrap();
        // A policy suspension lifted by hand does not block the part's later reinstatement.
        app.set_credential_status(&w.admin, "council", b1, StatusAction::Suspend, None).await.unwrap();
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Suspended]);
        app.set_credential_status(&w.admin, "council", micro, StatusAction::Reinstate, None).await.unwrap();
        app.set_credential_status(&w.admin, "council", b1, StatusAction::Reinstate, None).await.unwrap();
        assert_eq!(held(&app, &w, l.micro).await, vec![CredentialState::Active]);
    }

    async fn the_demo_learner_s_clr_is_signed_and_verifies(db: TestDb) {
        let mut config = cairn_app::AppConfig::for_tests();
        config.platform_issuer = Some(cairn_app::demo::PLATFORM_ISSUER_SLUG.into());
        let app = App::new(db.store.clone(), config);
        app.seed_demo().await.unwrap();
        let amara = app.sign_in(cairn_app::demo::PERSONAS[0].email, cairn_app::demo::DEMO_PASSWORD).await.unwrap();
        let p = app.session(&amara.session_secret).await.unwrap().principal;
        // Seven credentials of similar shape (one awarded from xAPI statements): many
        // look-alike blank nodes, in small groups.
        let clr = app.my_clr(&p).await.unwrap();
        assert_eq!(clr["credentialSubject"]["verifiableCredential"].as_array().unwrap().len(), 7);
        assert_eq!(clr["credentialSubject"]["association"].as_array().unwrap().len(), 2);
        let report = app.verify_value(clr).await.unwrap();
        assert!(report.verified, "{:?}", report.errors());
    }
}
