//! Accreditation over a real database, on both backends: a module submitted, reviewed and
//! accredited shows as accredited in the catalog and on its page, with an endorsement that
//! verifies; withdrawal, a lapse of time and a new version each end that, and a declared
//! minor change carries it over; conflicts of interest and blind reviews hold.

use cairn_app::accreditation::{AccreditationView, SubmissionInput};
use cairn_app::credentials::NewAchievement;
use cairn_app::modules::CatalogSearch;
use cairn_app::orgs::NewMember;
use cairn_app::{App, AppError};
use cairn_core::accreditation::{
    CriterionScore, Decision, Outcome, ReviewInput, Standard, Standing,
};
use cairn_core::criteria::Criteria;
use cairn_core::{AchievementKind, AchievementSpec, OrgKind, Principal, PrincipalKind, Role};
use cairn_store::backend_tests;
use cairn_vc::verify::CheckStatus;
use time::{Date, Duration};
use uuid::Uuid;

use crate::{app, lesson, org_of};

const ACADEMY: &str = "academy";
const COUNCIL: &str = "council";

/// A person (created on first use) holding `role` in `slug`, with every role they hold.
async fn person(app: &App, name: &str, slug: &str, role: Role) -> Principal {
    let sys = Principal::system();
    let email = format!("{}@people.example", name.to_lowercase().replace(' ', "."));
    app.add_member(
        &sys,
        slug,
        NewMember {
            email: email.clone(),
            display_name: Some(name.into()),
            role,
            job_title: None,
        },
    )
    .await
    .unwrap();
    let user = app.user_by_email(&email).await.unwrap().unwrap();
    let grants = app
        .store
        .reader()
        .await
        .unwrap()
        .conn()
        .memberships_of_user(user.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.org_id, m.role))
        .collect();
    Principal {
        kind: PrincipalKind::User { user_id: user.id },
        is_operator: false,
        grants,
    }
}

fn uid(p: &Principal) -> Uuid {
    p.user_id().unwrap()
}

struct World {
    /// The academy's author: publishes and submits modules.
    author: Principal,
    /// The council's admin, not a reviewer: assigns and decides.
    admin: Principal,
    /// The council's reviewer.
    reviewer: Principal,
    standard: Standard,
    module: Uuid,
}

async fn world(app: &App) -> World {
    org_of(app, ACADEMY, vec![OrgKind::Provider, OrgKind::Issuer]).await;
    org_of(app, COUNCIL, vec![OrgKind::Accreditor]).await;
    let author = person(app, "Priya Author", ACADEMY, Role::Author).await;
    let admin = person(app, "Ada Admin", COUNCIL, Role::Admin).await;
    let reviewer = person(app, "Rui Reviewer", COUNCIL, Role::Reviewer).await;
    let standard = app.create_default_standard(&admin, COUNCIL).await.unwrap();
    let module = publish(app, &author, "Hand hygiene in five moments").await;
    World {
        author,
        admin,
        reviewer,
        standard,
        module,
    }
}

async fn publish(app: &App, author: &Principal, title: &str) -> Uuid {
    let draft = app
        .create_module(author, ACADEMY, lesson(title))
        .await
        .unwrap();
    app.publish_module(author, draft.module_id)
        .await
        .unwrap()
        .module_id
}

/// Publish a new version of the module; its number.
async fn republish(app: &App, w: &World, title: &str) -> i32 {
    app.update_module(&w.author, w.module, lesson(title))
        .await
        .unwrap();
    app.publish_module(&w.author, w.module)
        .await
        .unwrap()
        .number
}

fn submission_input(w: &World) -> SubmissionInput {
    SubmissionInput {
        module_id: w.module,
        version: None,
        accreditor: COUNCIL.into(),
        standard_id: w.standard.id,
        note: Some("First submission.".into()),
    }
}

fn review(w: &World, all: u8, low: Option<(&str, u8)>, recommendation: Outcome) -> ReviewInput {
    ReviewInput {
        scores: w
            .standard
            .criteria
            .iter()
            .map(|c| CriterionScore {
                criterion: c.key.clone(),
                score: match low {
                    Some((k, s)) if k == c.key => s,
                    _ => all,
                },
                comment: format!("On {}.", c.title),
            })
            .collect(),
        comment: "Reviewed against the standard.".into(),
        recommendation,
    }
}

fn today(app: &App) -> Date {
    app.now().date()
}

fn accredit(app: &App, days: i64) -> Decision {
    Decision {
        outcome: Outcome::Accredited,
        rationale: "Every criterion met.".into(),
        conditions: None,
        conditions_due: None,
        valid_until: Some(today(app) + Duration::days(days)),
    }
}

/// Submit the module, assign the reviewer, review it well and decide `decision`.
async fn accredited(app: &App, w: &World, decision: Decision) -> AccreditationView {
    let s = app
        .submit_for_accreditation(&w.author, ACADEMY, submission_input(w))
        .await
        .unwrap();
    app.assign_reviewer(&w.admin, s.id, uid(&w.reviewer))
        .await
        .unwrap();
    app.submit_accreditation_review(&w.reviewer, s.id, review(w, 3, None, Outcome::Accredited))
        .await
        .unwrap();
    app.decide_accreditation(&w.admin, s.id, decision)
        .await
        .unwrap()
}

async fn accredited_only(app: &App) -> Vec<Uuid> {
    app.search_catalog(&CatalogSearch {
        accredited_only: true,
        limit: Some(100),
        ..Default::default()
    })
    .await
    .unwrap()
    .modules
    .iter()
    .map(|m| m.module_id)
    .collect()
}

async fn endorsement(app: &App, v: &AccreditationView) -> serde_json::Value {
    app.public_credential(v.row.credential_id.unwrap())
        .await
        .unwrap()
        .document
}

fn status(report: &cairn_vc::verify::VerificationReport, check: &str) -> CheckStatus {
    report.check(check).unwrap().status
}

backend_tests! {
    async fn an_accredited_module_is_endorsed_until_the_accreditation_is_withdrawn(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let choices = app.accreditors().await.unwrap();
        assert_eq!(choices.len(), 1);
        assert_eq!(choices[0].org.slug, COUNCIL);
        assert_eq!(choices[0].standards[0].criteria.len(), 7);
        // The academy's badge is earned by completing the module: the endorsement is about it.
        let academy_admin = person(&app, "Abe Academy", ACADEMY, Role::Admin).await;
        let badge = app
            .create_achievement(
                &academy_admin,
                ACADEMY,
                NewAchievement {
                    kind: AchievementKind::Badge,
                    name: "Hand hygiene".into(),
                    description: "Cleans hands at the five moments.".into(),
                    criteria: "Complete the module.".into(),
                    spec: AchievementSpec {
                        rule: Some(Criteria::CompletedModule { module_id: w.module, min_version: None }),
                        ..Default::default()
                    },
                },
            )
            .await
            .unwrap();

        let s = app.submit_for_accreditation(&w.author, ACADEMY, submission_input(&w)).await.unwrap();
        assert_eq!((s.state.as_str(), s.version_number, s.accreditor_slug.as_str()), ("submitted", 1, COUNCIL));
        let again = app.submit_for_accreditation(&w.author, ACADEMY, submission_input(&w)).await.unwrap_err();
        assert!(matches!(again, AppError::Conflict(_)), "{again}");
        assert!(again.to_string().contains("already submitted"), "{again}");

        let view = app.submission(&w.admin, s.id).await.unwrap();
        assert_eq!(view.candidates.len(), 1);
        assert_eq!((view.candidates[0].user_id, view.candidates[0].conflict.as_deref()), (uid(&w.reviewer), None));
        assert!(!view.can_decide);
        app.assign_reviewer(&w.admin, s.id, uid(&w.reviewer)).await.unwrap();
        let queue = app.accreditor_queue(&w.admin, COUNCIL, Some("in_review")).await.unwrap();
        assert_eq!(queue.iter().map(|q| q.id).collect::<Vec<_>>(), [s.id]);
        let mine = app.my_accreditation_reviews(&w.reviewer).await.unwrap();
        assert_eq!(mine.iter().map(|q| q.id).collect::<Vec<_>>(), [s.id]);
        assert!(app.submission(&w.reviewer, s.id).await.unwrap().can_review);

        app.submit_accreditation_review(&w.reviewer, s.id, review(&w, 3, None, Outcome::Accredited)).await.unwrap();
        let view = app.submission(&w.admin, s.id).await.unwrap();
        assert!(view.can_decide);
        let summary = view.summary.unwrap();
        assert_eq!(summary.suggested, Some(Outcome::Accredited));
        assert_eq!(summary.criteria[0].scores, [3]);

        let decided = app.decide_accreditation(&w.admin, s.id, accredit(&app, 365)).await.unwrap();
        assert_eq!((decided.outcome, decided.standing), (Outcome::Accredited, Standing::Current));
        assert_eq!(decided.versions.iter().map(|v| (v.number, v.via.as_str())).collect::<Vec<_>>(), [(1, "review")]);
        assert_eq!(app.submission(&w.admin, s.id).await.unwrap().submission.state, "decided");

        assert!(accredited_only(&app).await.contains(&w.module));
        let page = app.module(None, w.module).await.unwrap();
        assert!(page.accredited);
        assert_eq!(page.endorsements[0].credential_id, decided.row.credential_id.unwrap());
        assert_eq!(page.endorsements[0].accreditor_slug, COUNCIL);
        let public = app.module_accreditations(w.module).await.unwrap();
        assert_eq!(public.iter().map(|a| a.row.id).collect::<Vec<_>>(), [decided.row.id]);

        // The endorsement: the fields the OB 3.0 EndorsementCredential schema requires,
        // about the badge, signed by the council and verifying.
        let doc = endorsement(&app, &decided).await;
        let academy = app.org_unchecked(ACADEMY).await.unwrap();
        assert_eq!(doc["credentialSubject"]["id"], app.achievement_url(&academy, badge.id));
        assert_eq!(doc["credentialSubject"]["type"], serde_json::json!(["EndorsementSubject"]));
        assert_eq!(doc["type"], serde_json::json!(["VerifiableCredential", "EndorsementCredential"]));
        assert_eq!(doc["name"], "Accreditation: Hand hygiene in five moments");
        assert_eq!(doc["issuer"]["type"], serde_json::json!(["Profile"]));
        assert_eq!(doc["issuer"]["name"], "Org council");
        assert!(doc["validFrom"].is_string());
        let until = format!("{}T23:59:59Z", today(&app) + Duration::days(365));
        assert_eq!(doc["validUntil"], until.as_str());
        let comment = doc["credentialSubject"]["endorsementComment"].as_str().unwrap();
        assert!(comment.contains("version 1 of \"Hand hygiene in five moments\"") && comment.contains(&w.standard.name), "{comment}");
        let report = app.verify_value(doc.clone()).await.unwrap();
        assert!(report.verified, "{:?}", report.errors());
        for check in ["syntax", "proof", "issuer", "validity", "status"] {
            assert_eq!(status(&report, check), CheckStatus::Passed, "{check}");
        }

        let err = app.withdraw_accreditation(&w.admin, decided.row.id, " ").await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err}");
        let withdrawn = app.withdraw_accreditation(&w.admin, decided.row.id, "The video misstates the fourth moment.").await.unwrap();
        assert_eq!(withdrawn.standing, Standing::Withdrawn);
        assert!(!accredited_only(&app).await.contains(&w.module));
        assert!(!app.module(None, w.module).await.unwrap().accredited);
        let report = app.verify_value(doc).await.unwrap();
        assert!(!report.verified);
        assert_eq!(status(&report, "status"), CheckStatus::Failed);
        let err = app.withdraw_accreditation(&w.admin, decided.row.id, "Again.").await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");

        let sys = Principal::system();
        let (events, _) = app.audit_log(&sys, COUNCIL, 0, 100).await.unwrap();
        let actions: Vec<_> = events.iter().map(|e| e.entry.action.as_str()).collect();
        for a in ["standard.create", "accreditation.assign", "accreditation.review", "credential.issue", "accreditation.decide", "credential.revoke", "accreditation.withdraw"] {
            assert!(actions.contains(&a), "{a} in {actions:?}");
        }
        let (events, _) = app.audit_log(&sys, ACADEMY, 0, 100).await.unwrap();
        assert!(events.iter().any(|e| e.entry.action == "accreditation.submit"));
        assert!(app.verify_audit_chain().await.unwrap().broken.is_none());
    }

    async fn a_member_of_the_provider_cannot_review_its_module(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        // A council reviewer who also teaches at the academy.
        person(&app, "Ines Duarte", ACADEMY, Role::Learner).await;
        let ines = person(&app, "Ines Duarte", COUNCIL, Role::Reviewer).await;
        let s = app.submit_for_accreditation(&w.author, ACADEMY, submission_input(&w)).await.unwrap();

        let err = app.assign_reviewer(&w.admin, s.id, uid(&ines)).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        let sentence = "Ines Duarte is a member of Org academy, the provider of this module, and so cannot review it";
        assert_eq!(err.to_string(), sentence);
        // The council's admin holds no reviewer role.
        let err = app.assign_reviewer(&w.admin, s.id, uid(&w.admin)).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        assert_eq!(err.to_string(), "Ada Admin is not a reviewer of Org council");

        let view = app.submission(&w.admin, s.id).await.unwrap();
        let listed: Vec<_> = view.candidates.iter().map(|c| (c.name.as_str(), c.conflict.as_deref())).collect();
        assert_eq!(listed, [("Ines Duarte", Some(sentence)), ("Rui Reviewer", None)]);
        assert_eq!(view.submission.state, "submitted", "a refused assignment changes nothing");
        app.assign_reviewer(&w.admin, s.id, uid(&w.reviewer)).await.unwrap();
        let err = app.assign_reviewer(&w.admin, s.id, uid(&w.reviewer)).await.unwrap_err();
        assert!(err.to_string().contains("already assigned"), "{err}");

        // An organization cannot accredit its own modules.
        org_of(&app, "both", vec![OrgKind::Provider, OrgKind::Accreditor]).await;
        let both = person(&app, "Bo Both", "both", Role::Admin).await;
        let own = app.create_default_standard(&both, "both").await.unwrap();
        let draft = app.create_module(&both, "both", lesson("Own module")).await.unwrap();
        app.publish_module(&both, draft.module_id).await.unwrap();
        let err = app
            .submit_for_accreditation(&both, "both", SubmissionInput { module_id: draft.module_id, version: None, accreditor: "both".into(), standard_id: own.id, note: None })
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        assert!(err.to_string().contains("cannot accredit its own modules"), "{err}");
    }

    async fn an_accreditation_lapses_at_the_end_of_its_period(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let decided = accredited(&app, &w, accredit(&app, 30)).await;
        assert!(accredited_only(&app).await.contains(&w.module));
        let doc = endorsement(&app, &decided).await;
        assert!(app.verify_value(doc.clone()).await.unwrap().verified);

        app.config.clock.advance(Duration::days(29));
        assert_eq!(app.accreditation(None, decided.row.id).await.unwrap().standing, Standing::Current);
        assert!(app.module(None, w.module).await.unwrap().accredited);

        app.config.clock.advance(Duration::days(2));
        assert!(!accredited_only(&app).await.contains(&w.module));
        let page = app.module(None, w.module).await.unwrap();
        assert!(!page.accredited && page.endorsements.is_empty());
        assert_eq!(app.accreditation(None, decided.row.id).await.unwrap().standing, Standing::Lapsed);
        let report = app.verify_value(doc).await.unwrap();
        assert!(!report.verified);
        assert_eq!(status(&report, "validity"), CheckStatus::Failed);
        assert!(report.check("validity").unwrap().message.starts_with("expired"), "{:?}", report.errors());
        // A lapsed decision covers no further versions.
        let v2 = republish(&app, &w, "Hand hygiene, revised").await;
        let err = app.declare_minor_change(&w.author, decided.row.id, v2, "Typo fixed.").await.unwrap_err();
        assert!(err.to_string().contains("lapsed"), "{err}");
    }

    async fn a_new_version_is_accredited_only_once_declared_a_minor_change(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let decided = accredited(&app, &w, accredit(&app, 365)).await;
        let v2 = republish(&app, &w, "Hand hygiene in five moments (typos fixed)").await;
        assert_eq!(v2, 2);
        assert!(!accredited_only(&app).await.contains(&w.module));
        assert!(!app.module(None, w.module).await.unwrap().accredited);

        let err = app.declare_minor_change(&w.author, decided.row.id, v2, "  ").await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err}");
        let err = app.declare_minor_change(&w.admin, decided.row.id, v2, "Typos.").await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let view = app.declare_minor_change(&w.author, decided.row.id, v2, "Fixed two typos; no change to content or assessment.").await.unwrap();
        let covered: Vec<_> = view.versions.iter().map(|v| (v.number, v.via.as_str(), v.rationale.as_deref())).collect();
        assert_eq!(covered, [(1, "review", None), (2, "minor_change", Some("Fixed two typos; no change to content or assessment."))]);
        assert_eq!(view.versions[1].recorded_by, Some(uid(&w.author)));
        assert!(accredited_only(&app).await.contains(&w.module));
        assert!(app.module(None, w.module).await.unwrap().accredited);
        let err = app.declare_minor_change(&w.author, decided.row.id, 1, "Again.").await.unwrap_err();
        assert!(err.to_string().contains("not later than version 2"), "{err}");
        let err = app.declare_minor_change(&w.author, decided.row.id, 9, "None such.").await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err}");

        app.withdraw_accreditation(&w.admin, decided.row.id, "Assessment items leaked.").await.unwrap();
        let v3 = republish(&app, &w, "Hand hygiene, third edition").await;
        let err = app.declare_minor_change(&w.author, decided.row.id, v3, "Small fix.").await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        assert!(err.to_string().contains("withdrawn"), "{err}");
        assert!(!accredited_only(&app).await.contains(&w.module));
    }

    async fn conditions_fall_overdue_and_are_answered_and_confirmed(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let s = app.submit_for_accreditation(&w.author, ACADEMY, submission_input(&w)).await.unwrap();
        app.assign_reviewer(&w.admin, s.id, uid(&w.reviewer)).await.unwrap();
        // Accredited is refused with a score below its pass score.
        let err = app
            .submit_accreditation_review(&w.reviewer, s.id, review(&w, 2, Some(("accessibility", 1)), Outcome::Accredited))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("Accessibility (scored 1, pass score 2)"), "{err}");
        app.submit_accreditation_review(&w.reviewer, s.id, review(&w, 2, Some(("accessibility", 1)), Outcome::Conditional)).await.unwrap();
        let summary = app.submission(&w.admin, s.id).await.unwrap().summary.unwrap();
        assert_eq!(summary.suggested, Some(Outcome::Conditional));

        let mut decision = accredit(&app, 365);
        decision.outcome = Outcome::Conditional;
        decision.conditions = Some("Caption the video.".into());
        let err = app.decide_accreditation(&w.admin, s.id, decision.clone()).await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err}");
        decision.conditions_due = Some(today(&app) + Duration::days(30));
        let decided = app.decide_accreditation(&w.admin, s.id, decision).await.unwrap();
        assert_eq!((decided.outcome, decided.standing), (Outcome::Conditional, Standing::Current));
        let doc = endorsement(&app, &decided).await;
        let comment = doc["credentialSubject"]["endorsementComment"].as_str().unwrap();
        assert!(comment.contains("Accredited with conditions") && comment.contains("Caption the video."), "{comment}");

        app.config.clock.advance(Duration::days(31));
        let overdue = app.accreditation(None, decided.row.id).await.unwrap();
        assert_eq!(overdue.standing, Standing::ConditionsOverdue);
        // Overdue conditions still count until the accreditor withdraws.
        assert!(app.module(None, w.module).await.unwrap().accredited);
        let listed = app.accreditor_decisions(&w.admin, COUNCIL).await.unwrap();
        assert_eq!(listed[0].standing, Standing::ConditionsOverdue);

        let err = app.respond_to_conditions(&w.reviewer, decided.row.id, "Done.").await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let answered = app.respond_to_conditions(&w.author, decided.row.id, "Captions added in version 1.1 of the video.").await.unwrap();
        assert_eq!(answered.row.conditions_response.as_deref(), Some("Captions added in version 1.1 of the video."));
        assert_eq!(answered.standing, Standing::ConditionsOverdue);
        let err = app.confirm_conditions_met(&w.author, decided.row.id).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let met = app.confirm_conditions_met(&w.admin, decided.row.id).await.unwrap();
        assert_eq!(met.standing, Standing::Current);
        assert!(met.row.conditions_met_at.is_some());
        let err = app.confirm_conditions_met(&w.admin, decided.row.id).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        let err = app.respond_to_conditions(&w.author, decided.row.id, "More.").await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
    }

    async fn only_the_right_people_decide_review_and_see_reviews(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let second = person(&app, "Sara Second", COUNCIL, Role::Reviewer).await;
        let s = app.submit_for_accreditation(&w.author, ACADEMY, submission_input(&w)).await.unwrap();
        let outsider = person(&app, "Otto Outsider", "academy", Role::Learner).await;
        let err = app.submission(&outsider, s.id).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let err = app.assign_reviewer(&w.author, s.id, uid(&w.reviewer)).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        app.assign_reviewer(&w.admin, s.id, uid(&w.reviewer)).await.unwrap();
        app.assign_reviewer(&w.admin, s.id, uid(&second)).await.unwrap();

        // The council's admin is no reviewer; the second reviewer is not yet finished.
        let err = app.submit_accreditation_review(&w.admin, s.id, review(&w, 3, None, Outcome::Accredited)).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        app.submit_accreditation_review(&w.reviewer, s.id, review(&w, 3, None, Outcome::Accredited)).await.unwrap();
        let err = app.submit_accreditation_review(&w.reviewer, s.id, review(&w, 2, None, Outcome::Accredited)).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        let err = app.decide_accreditation(&w.admin, s.id, accredit(&app, 365)).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        assert!(err.to_string().contains("still to review: Sara Second"), "{err}");

        // The second reviewer sees that the first reviewed, but not what they said.
        let blind = app.submission(&second, s.id).await.unwrap();
        assert!(blind.can_review && !blind.can_decide);
        assert_eq!(blind.reviewers.len(), 2);
        assert!(blind.reviewers.iter().all(|r| r.review.is_none()));
        assert!(blind.summary.is_none());
        // The provider sees no reviews before the decision.
        let provider = app.submission(&w.author, s.id).await.unwrap();
        assert!(provider.reviewers.is_empty() && provider.candidates.is_empty() && provider.can_withdraw);
        // The accreditor sees everything.
        let admin = app.submission(&w.admin, s.id).await.unwrap();
        assert_eq!(admin.reviewers.iter().filter(|r| r.review.is_some()).count(), 1);

        app.submit_accreditation_review(&second, s.id, review(&w, 3, Some(("privacy", 1)), Outcome::Conditional)).await.unwrap();
        let seen = app.submission(&second, s.id).await.unwrap();
        assert!(seen.reviewers.iter().all(|r| r.review.is_some()));
        assert!(!seen.can_review);
        let summary = seen.summary.unwrap();
        assert_eq!(summary.reviews, 2);
        assert_eq!(summary.suggested, Some(Outcome::Conditional));

        let err = app.decide_accreditation(&w.author, s.id, accredit(&app, 365)).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let err = app.decide_accreditation(&w.reviewer, s.id, accredit(&app, 365)).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let no = Decision { outcome: Outcome::NotAccredited, rationale: "Privacy is not met.".into(), conditions: None, conditions_due: None, valid_until: None };
        let decided = app.decide_accreditation(&w.admin, s.id, no).await.unwrap();
        assert_eq!(decided.standing, Standing::NotAccredited);
        assert!(decided.row.credential_id.is_none() && decided.versions.is_empty());
        // A decision not to accredit is not public, but its provider reads it, reviews too.
        let err = app.accreditation(None, decided.row.id).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{err}");
        app.accreditation(Some(&w.author), decided.row.id).await.unwrap();
        assert!(app.module_accreditations(w.module).await.unwrap().is_empty());
        let provider = app.submission(&w.author, s.id).await.unwrap();
        assert_eq!(provider.reviewers.iter().filter(|r| r.review.is_some()).count(), 2);
        assert!(!provider.can_withdraw);
        let err = app.withdraw_accreditation(&w.admin, decided.row.id, "Nothing.").await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        assert!(!accredited_only(&app).await.contains(&w.module));
    }

    async fn standards_are_checked_kept_by_accreditors_and_archived(db: TestDb) {
        let app = app(&db);
        let w = world(&app).await;
        let mut bad = app.default_standard();
        bad.criteria[3].key = "accuracy".into();
        let err = app.create_standard(&w.admin, COUNCIL, bad).await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err}");
        assert!(err.to_string().contains("unique"), "{err}");
        let err = app.create_default_standard(&w.author, ACADEMY).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let academy_admin = person(&app, "Abe Academy", ACADEMY, Role::Admin).await;
        let err = app.create_default_standard(&academy_admin, ACADEMY).await.unwrap_err();
        assert!(err.to_string().contains("is not an accreditor"), "{err}");

        app.archive_standard(&w.admin, COUNCIL, w.standard.id).await.unwrap();
        let err = app.archive_standard(&w.admin, COUNCIL, w.standard.id).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        assert!(app.accreditors().await.unwrap().is_empty());
        assert!(app.standards(COUNCIL, false).await.unwrap().is_empty());
        assert_eq!(app.standards(COUNCIL, true).await.unwrap().len(), 1);
        let err = app.submit_for_accreditation(&w.author, ACADEMY, submission_input(&w)).await.unwrap_err();
        assert!(err.to_string().contains("archived"), "{err}");
        // A draft version cannot be submitted.
        app.create_default_standard(&w.admin, COUNCIL).await.unwrap();
        let current = app.standards(COUNCIL, false).await.unwrap().remove(0);
        app.update_module(&w.author, w.module, lesson("Draft")).await.unwrap();
        let input = SubmissionInput { version: Some(2), standard_id: current.id, ..submission_input(&w) };
        let err = app.submit_for_accreditation(&w.author, ACADEMY, input).await.unwrap_err();
        assert!(err.to_string().contains("draft"), "{err}");
    }
}

backend_tests! {
    async fn the_demo_council_has_modules_in_every_state(db: TestDb) {
        let app = app(&db);
        app.seed_demo().await.unwrap();
        let helen = app.sign_in(cairn_app::demo::PERSONAS[4].email, cairn_app::demo::DEMO_PASSWORD).await.unwrap();
        let helen = app.session(&helen.session_secret).await.unwrap().principal;
        // Helen's review is due on one submission.
        let mine = app.my_accreditation_reviews(&helen).await.unwrap();
        assert_eq!(mine.iter().map(|s| s.module_title.as_str()).collect::<Vec<_>>(), ["Data quality at the point of entry"]);
        assert!(app.submission(&helen, mine[0].id).await.unwrap().can_review);
        // The unassigned submission lists the reviewer who writes for Northbridge, barred.
        let waiting = app.accreditor_queue(&helen, "cheq", Some("submitted")).await.unwrap();
        assert_eq!(waiting.len(), 1);
        let view = app.submission(&helen, waiting[0].id).await.unwrap();
        let barred: Vec<_> = view.candidates.iter().filter(|c| c.conflict.is_some()).map(|c| c.name.as_str()).collect();
        assert_eq!(barred, ["Marta Oyelaran"]);
        assert_eq!(view.candidates.len(), 3);
        let mut standings: Vec<(String, Standing)> = app
            .accreditor_decisions(&helen, "cheq")
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.row.module_title, a.standing))
            .collect();
        standings.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            standings,
            [
                ("Budgeting for a clinical unit".to_owned(), Standing::NotAccredited),
                ("Claims, denials and appeals".to_owned(), Standing::Withdrawn),
                ("Clinical documentation integrity for ICD-11".to_owned(), Standing::ConditionsOverdue),
                ("ICD-11 foundations: stem codes and the MMS".to_owned(), Standing::Current),
                ("Leading interprofessional teams".to_owned(), Standing::Current),
                ("Patient privacy and confidentiality essentials".to_owned(), Standing::Current),
                ("Value-based care: from volume to outcomes".to_owned(), Standing::Lapsed),
            ]
        );
        // Every current endorsement verifies.
        for a in app.accreditor_decisions(&helen, "cheq").await.unwrap() {
            if a.standing.counts() {
                let doc = app.public_credential(a.row.credential_id.unwrap()).await.unwrap().document;
                let report = app.verify_value(doc).await.unwrap();
                assert!(report.verified, "{}: {:?}", a.row.module_title, report.errors());
            }
        }
        let carried = app.accreditor_decisions(&helen, "cheq").await.unwrap().into_iter().find(|a| a.row.module_title == "Leading interprofessional teams").unwrap();
        assert_eq!(carried.versions.iter().map(|v| (v.number, v.via.as_str())).collect::<Vec<_>>(), [(1, "review"), (2, "minor_change")]);
    }
}
