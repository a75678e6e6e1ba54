//! Rubrics, evidence, double marking, adjudication, appeals and agreement, on both backends.

use cairn_app::credentials::NewAchievement;
use cairn_app::orgs::NewMember;
use cairn_app::reviews::{NewCriterion, NewEvidence, NewEvidenceFile, NewRubric, RubricInfo};
use cairn_app::{App, AppError};
use cairn_core::criteria::Criteria;
use cairn_core::review::{Basis, EvidenceStatus, Mark, ReviewPolicy, ReviewStage, RubricLevel};
use cairn_core::{AchievementKind, AchievementSpec, OrgKind, Principal, PrincipalKind, Role};
use cairn_store::backend_tests;
use uuid::Uuid;

use crate::{app, org_of};

/// A person holding `role` in `slug` (created on first use), with all the roles they hold.
async fn member(app: &App, slug: &str, local: &str, role: Role) -> Principal {
    let sys = Principal::system();
    let email = format!("{local}@people.example");
    app.add_member(
        &sys,
        slug,
        NewMember {
            email: email.clone(),
            display_name: Some(format!("Person {local}")),
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

fn level(title: &str, points: u32) -> RubricLevel {
    RubricLevel {
        title: title.into(),
        descriptor: format!("Work that is {title}."),
        points,
    }
}

/// Two criteria worth 0, 5 or 10 points each; 10 passes.
async fn rubric(app: &App, slug: &str) -> RubricInfo {
    let author = member(app, slug, &format!("author.{slug}"), Role::Author).await;
    let crit = |t: &str| NewCriterion {
        title: t.into(),
        levels: vec![
            level("missing", 0),
            level("partial", 5),
            level("complete", 10),
        ],
        min_level: None,
    };
    app.create_rubric(
        &author,
        slug,
        NewRubric {
            title: "Observed coding audit".into(),
            criteria: vec![crit("Code accuracy"), crit("Documentation")],
            pass_mark: 10,
        },
    )
    .await
    .unwrap()
}

/// An achievement of `slug` earned by evidence accepted on the rubric, under `policy`.
async fn achievement(app: &App, slug: &str, rubric: Uuid, policy: ReviewPolicy) -> Uuid {
    app.create_achievement(
        &Principal::system(),
        slug,
        NewAchievement {
            kind: AchievementKind::Badge,
            name: "Clinical Coding Audit".into(),
            description: "Codes a set of records accurately under observation.".into(),
            criteria: "Evidence accepted on the observed coding audit.".into(),
            spec: AchievementSpec {
                rule: Some(Criteria::EvidenceAccepted { rubric_id: rubric }),
                review_policy: policy,
                ..Default::default()
            },
        },
    )
    .await
    .unwrap()
    .id
}

fn double(tolerance: u32) -> ReviewPolicy {
    ReviewPolicy {
        double_marking: true,
        score_tolerance: tolerance,
        exclude_same_organization: false,
    }
}

fn evidence(rubric: Uuid, achievement: Option<Uuid>, title: &str) -> NewEvidence {
    NewEvidence {
        rubric_id: rubric,
        achievement_id: achievement,
        title: title.into(),
        narrative: "I coded twenty discharge summaries while observed by the lead coder.".into(),
        links: vec!["https://records.example/audit/42".into()],
        files: vec![],
    }
}

fn marks(r: &RubricInfo, levels: [usize; 2]) -> Vec<Mark> {
    r.rubric
        .criteria
        .iter()
        .zip(levels)
        .map(|(c, level)| Mark {
            criterion_id: c.id,
            level,
            comment: Some("Seen in the audit.".into()),
        })
        .collect()
}

/// The open review of the evidence: (review id, assessor).
async fn open_review(app: &App, e: Uuid) -> Option<(Uuid, Uuid, ReviewStage)> {
    let v = app.evidence(&Principal::system(), e).await.unwrap();
    v.reviews
        .iter()
        .find(|r| r.submitted_at.is_none())
        .map(|r| (r.id, r.assessor_id, r.stage))
}

fn who<'a>(people: &'a [&Principal], id: Uuid) -> &'a Principal {
    people.iter().find(|p| uid(p) == id).unwrap()
}

/// Let whoever is assigned mark the evidence with the levels `levels(assessor)` gives.
async fn mark_open(
    app: &App,
    people: &[&Principal],
    r: &RubricInfo,
    e: Uuid,
    levels: impl Fn(Uuid) -> [usize; 2],
) -> (Uuid, ReviewStage, EvidenceStatus) {
    let (review, assessor, stage) = open_review(app, e).await.expect("an assigned review");
    let out = app
        .submit_review(who(people, assessor), review, marks(r, levels(assessor)))
        .await
        .unwrap();
    (assessor, stage, out.evidence.status)
}

const PASS: [usize; 2] = [2, 1]; // 15
const FAIL: [usize; 2] = [0, 1]; // 5

backend_tests! {
    async fn double_marking_disagreement_goes_to_an_adjudicator_whose_decision_stands(db: TestDb) {
        let app = app(&db);
        org_of(&app, "council", vec![OrgKind::Provider, OrgKind::Issuer]).await;
        org_of(&app, "hospital", vec![OrgKind::Employer]).await;
        let r = rubric(&app, "council").await;
        let ach = achievement(&app, "council", r.rubric.id, double(2)).await;
        let a1 = member(&app, "council", "a1", Role::Assessor).await;
        let a2 = member(&app, "council", "a2", Role::Assessor).await;
        let a3 = member(&app, "council", "a3", Role::Assessor).await;
        let people = [&a1, &a2, &a3];
        let learner = member(&app, "hospital", "learner", Role::Learner).await;

        // Pass/fail disagreement: first passes, second fails, the adjudicator decides.
        let e = app.submit_evidence(&learner, evidence(r.rubric.id, Some(ach), "Audit one")).await.unwrap();
        assert_eq!(e.status, EvidenceStatus::AwaitingFirstMarker);
        assert!(e.policy.double_marking, "the achievement's policy is snapshot on the evidence");
        let (first, stage, status) = mark_open(&app, &people, &r, e.id, |_| PASS).await;
        assert_eq!((stage, status), (ReviewStage::FirstMarking, EvidenceStatus::AwaitingSecondMarker));
        let (second, stage, status) = mark_open(&app, &people, &r, e.id, |_| FAIL).await;
        assert_ne!(first, second, "the second marker is someone else");
        assert_eq!((stage, status), (ReviewStage::SecondMarking, EvidenceStatus::AwaitingAdjudication));
        let (adjudicator, stage, status) = mark_open(&app, &people, &r, e.id, |_| [2, 2]).await;
        assert!(adjudicator != first && adjudicator != second);
        assert_eq!((stage, status), (ReviewStage::Adjudication, EvidenceStatus::Accepted));
        let v = app.evidence(&learner, e.id).await.unwrap();
        let d = v.decision.unwrap();
        assert!(d.accepted && d.total == 20, "{d:?}");
        assert!(matches!(d.basis, Basis::Adjudicated { .. }));
        let why = v.explanation.unwrap();
        assert!(why.contains("disagreed on pass/fail") && why.contains("adjudicated"), "{why}");
        // The learner sees the marks once decided.
        assert!(v.reviews.iter().all(|r| r.score.is_some()));

        // Totals within the tolerance: agreed, the mean recorded.
        let e = app.submit_evidence(&learner, evidence(r.rubric.id, Some(ach), "Audit two")).await.unwrap();
        let (m1, _, _) = mark_open(&app, &people, &r, e.id, |_| [2, 1]).await;
        // While the second marker works, they do not see the first marker's score.
        let (rid, m2, _) = open_review(&app, e.id).await.unwrap();
        let task = app.review_task(who(&people, m2), rid).await.unwrap();
        assert!(task.evidence.reviews.iter().filter(|x| x.assessor_id == m1).all(|x| x.score.is_none() && x.marks.is_none()));
        let (_, _, status) = mark_open(&app, &people, &r, e.id, |_| [1, 2]).await;
        assert_eq!(status, EvidenceStatus::Accepted);
        let d = app.evidence(&learner, e.id).await.unwrap().decision.unwrap();
        assert!(matches!(d.basis, Basis::Agreed { .. }) && d.total == 15, "{d:?}");

        // Same verdict, totals too far apart: adjudicated as well.
        let e = app.submit_evidence(&learner, evidence(r.rubric.id, Some(ach), "Audit three")).await.unwrap();
        mark_open(&app, &people, &r, e.id, |_| [2, 2]).await;
        let (_, _, status) = mark_open(&app, &people, &r, e.id, |_| [1, 1]).await;
        assert_eq!(status, EvidenceStatus::AwaitingAdjudication);
        let (_, _, status) = mark_open(&app, &people, &r, e.id, |_| [0, 0]).await;
        assert_eq!(status, EvidenceStatus::Rejected, "the adjudicator's verdict stands, even against both markers");

        // A submitted review cannot be submitted again.
        let first_review = app.evidence(&Principal::system(), e.id).await.unwrap().reviews[0].clone();
        let err = app.submit_review(who(&people, first_review.assessor_id), first_review.id, marks(&r, PASS)).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");

        // Single-marked evidence (no achievement) is decided by one marker.
        let e = app.submit_evidence(&learner, evidence(r.rubric.id, None, "Practice audit")).await.unwrap();
        assert!(!e.policy.double_marking);
        let (_, _, status) = mark_open(&app, &people, &r, e.id, |_| PASS).await;
        assert_eq!(status, EvidenceStatus::Accepted);

        // Every step is in the audit log with the score and the decision's sentence.
        let (events, _) = app.audit_log(&Principal::system(), "council", 0, 200).await.unwrap();
        let submits: Vec<_> = events.iter().filter(|e| e.entry.action == "review.submit").collect();
        assert_eq!(submits.len(), 9);
        assert!(submits.iter().any(|e| e.entry.detail.contains("adjudicated by assessor") && e.entry.detail.contains("\"total\":20")));
    }

    async fn nobody_reviews_their_own_evidence_or_their_own_organization_when_excluded(db: TestDb) {
        let app = app(&db);
        org_of(&app, "council", vec![OrgKind::Provider, OrgKind::Issuer]).await;
        org_of(&app, "hospital", vec![OrgKind::Employer]).await;
        let r = rubric(&app, "council").await;
        // a1 is the least loaded with the smallest id, so the first pick whenever eligible.
        let a1 = member(&app, "council", "a1", Role::Assessor).await;
        let a2 = member(&app, "council", "a2", Role::Assessor).await;
        assert_eq!(a1.grants.len(), 1);
        let a1 = member(&app, "hospital", "a1", Role::Learner).await;
        let learner = member(&app, "hospital", "learner", Role::Learner).await;

        // a1 submits evidence of their own: it goes to a2.
        let own = app.submit_evidence(&a1, evidence(r.rubric.id, None, "My own audit")).await.unwrap();
        assert_eq!(open_review(&app, own.id).await.unwrap().1, uid(&a2));

        // Without the exclusion a1 marks learners of their own organization …
        let e = app.submit_evidence(&learner, evidence(r.rubric.id, None, "Audit")).await.unwrap();
        assert_eq!(open_review(&app, e.id).await.unwrap().1, uid(&a1));
        // … with it, never.
        let strict = ReviewPolicy { exclude_same_organization: true, ..ReviewPolicy::default() };
        let ach = achievement(&app, "council", r.rubric.id, strict).await;
        for i in 0..3 {
            let e = app.submit_evidence(&learner, evidence(r.rubric.id, Some(ach), &format!("Strict {i}"))).await.unwrap();
            assert_eq!(open_review(&app, e.id).await.unwrap().1, uid(&a2), "strict {i}");
        }

        // With a2 gone, nobody is eligible: the evidence waits, and a1's claim is refused
        // with the reason.
        app.remove_member(&Principal::system(), "council", uid(&a2), Role::Assessor).await.unwrap();
        let waiting = app.submit_evidence(&learner, evidence(r.rubric.id, Some(ach), "Waiting")).await.unwrap();
        assert!(open_review(&app, waiting.id).await.is_none());
        assert_eq!(waiting.waiting.as_deref(), Some("no assessor is free to act as a first marker yet; it waits until one can"));
        let why = app.evidence(&Principal::system(), waiting.id).await.unwrap().waiting.unwrap();
        assert!(why.starts_with("nobody could be assigned as a first marker: no eligible assessor: assessor ") && why.contains("as you do"), "{why}");
        let queue = app.review_queue(&a1).await.unwrap();
        assert!(queue.unassigned.iter().all(|c| c.evidence_id != waiting.id), "a1 may not claim it");
        let err = app.claim_review(&a1, waiting.id).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        assert!(err.to_string().contains("as you do"), "{err}");

        let mine = app.submit_evidence(&a1, evidence(r.rubric.id, None, "Mine again")).await.unwrap();
        assert!(open_review(&app, mine.id).await.is_none());
        let err = app.claim_review(&a1, mine.id).await.unwrap_err();
        assert_eq!(err.to_string(), "an assessor may not review their own evidence");

        // A newly added assessor finds both in the claimable list and claims one.
        let a3 = member(&app, "council", "a3", Role::Assessor).await;
        let queue = app.review_queue(&a3).await.unwrap();
        let ids: Vec<_> = queue.unassigned.iter().map(|c| c.evidence_id).collect();
        assert!(ids.contains(&waiting.id) && ids.contains(&mine.id), "{ids:?}");
        let task = app.claim_review(&a3, waiting.id).await.unwrap();
        assert_eq!(task.review.stage, ReviewStage::FirstMarking);
        assert_eq!(task.evidence.id, waiting.id);
        let err = app.claim_review(&a3, waiting.id).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err}");
        assert_eq!(app.review_queue(&a3).await.unwrap().assigned.len(), 1);
    }

    async fn an_appeal_goes_once_after_a_rejection_to_someone_new(db: TestDb) {
        let app = app(&db);
        org_of(&app, "council", vec![OrgKind::Provider, OrgKind::Issuer]).await;
        org_of(&app, "hospital", vec![OrgKind::Employer]).await;
        let r = rubric(&app, "council").await;
        let a1 = member(&app, "council", "a1", Role::Assessor).await;
        let a2 = member(&app, "council", "a2", Role::Assessor).await;
        let people = [&a1, &a2];
        let learner = member(&app, "hospital", "learner", Role::Learner).await;
        let other = member(&app, "hospital", "other", Role::Learner).await;

        let e = app.submit_evidence(&learner, evidence(r.rubric.id, None, "Audit")).await.unwrap();
        let err = app.appeal_evidence(&learner, e.id, "Please look again.").await.unwrap_err();
        assert_eq!(err.to_string(), "only a rejection can be appealed, and this evidence is awaiting its first marker");
        let (marker, _, status) = mark_open(&app, &people, &r, e.id, |_| FAIL).await;
        assert_eq!(status, EvidenceStatus::Rejected);
        let v = app.evidence(&learner, e.id).await.unwrap();
        let why = v.explanation.unwrap();
        assert!(v.may_appeal && why.starts_with("rejected with 5 of 20 points"), "{why}");
        assert!(why.ends_with("marked by assessor Person a1") || why.ends_with("marked by assessor Person a2"), "names, not ids: {why}");

        // Only the learner appeals, with a reason.
        assert!(matches!(app.appeal_evidence(&other, e.id, "Mine now").await.unwrap_err(), AppError::NotFound(_)));
        assert!(matches!(app.appeal_evidence(&learner, e.id, "  ").await.unwrap_err(), AppError::Invalid(_)));
        let v = app.appeal_evidence(&learner, e.id, "The second record was coded from the final letter.").await.unwrap();
        assert_eq!(v.status, EvidenceStatus::UnderAppeal);
        assert!(!v.may_appeal);
        let (_, reviewer, stage) = open_review(&app, e.id).await.unwrap();
        assert_eq!(stage, ReviewStage::Appeal);
        assert_ne!(reviewer, marker, "the appeal goes to someone who has not reviewed it");
        let err = app.appeal_evidence(&learner, e.id, "Again").await.unwrap_err();
        assert_eq!(err.to_string(), "a rejection can be appealed once, and this evidence has already been appealed");

        let (_, _, status) = mark_open(&app, &people, &r, e.id, |_| PASS).await;
        assert_eq!(status, EvidenceStatus::AppealDecided);
        let v = app.evidence(&learner, e.id).await.unwrap();
        assert_eq!(v.accepted, Some(true));
        let why = v.explanation.unwrap();
        assert!(why.contains("appealed") && why.contains("before the appeal: rejected"), "{why}");
        let err = app.appeal_evidence(&learner, e.id, "Once more").await.unwrap_err();
        assert!(err.to_string().contains("already been appealed"), "{err}");

        // When everyone has reviewed it, an appeal waits for a new assessor.
        let e = app.submit_evidence(&learner, evidence(r.rubric.id, None, "Audit two")).await.unwrap();
        let (m, _, _) = mark_open(&app, &people, &r, e.id, |_| FAIL).await;
        app.remove_member(&Principal::system(), "council", if m == uid(&a1) { uid(&a2) } else { uid(&a1) }, Role::Assessor).await.unwrap();
        app.appeal_evidence(&learner, e.id, "Please review").await.unwrap();
        assert!(open_review(&app, e.id).await.is_none());
    }

    async fn bad_files_are_refused_by_name_and_nothing_is_stored(db: TestDb) {
        let app = app(&db);
        org_of(&app, "council", vec![OrgKind::Provider]).await;
        org_of(&app, "hospital", vec![OrgKind::Employer]).await;
        let r = rubric(&app, "council").await;
        member(&app, "council", "a1", Role::Assessor).await;
        let learner = member(&app, "hospital", "learner", Role::Learner).await;
        let other = member(&app, "hospital", "other", Role::Learner).await;
        let file = |name: &str, t: &str, bytes: &[u8]| NewEvidenceFile { name: name.into(), media_type: t.into(), bytes: bytes.to_vec() };
        let pdf = b"%PDF-1.7\n1 0 obj\n".to_vec();
        let cases: Vec<(Vec<NewEvidenceFile>, &str)> = vec![
            (vec![file("log.zip", "application/zip", b"PK\x03\x04")], "'log.zip' is of type 'application/zip', which is not accepted"),
            (vec![file("ok.pdf", "application/pdf", &pdf), file("photo.png", "image/png", &pdf)], "'photo.png' is declared as PNG image but its contents are not"),
            (vec![file("scan.jpg", "image/jpeg", b"GIF89a")], "'scan.jpg' is declared as JPEG image"),
            (vec![file("big.pdf", "application/pdf", &[pdf.clone(), vec![b' '; 5 * 1024 * 1024]].concat())], "'big.pdf' is"),
            (vec![file("empty.txt", "text/plain", b"")], "'empty.txt' is empty"),
            ((0..6).map(|i| file(&format!("n{i}.txt"), "text/plain", b"notes")).collect(), "attach at most 5"),
            (vec![file("../etc/passwd", "text/plain", b"x")], "without slashes"),
        ];
        for (files, needle) in cases {
            let mut new = evidence(r.rubric.id, None, "With files");
            new.files = files;
            let err = app.submit_evidence(&learner, new).await.unwrap_err();
            assert!(matches!(err, AppError::Invalid(_)), "{err}");
            assert!(err.to_string().contains(needle), "{err} (wanted {needle})");
        }
        let mut bad_link = evidence(r.rubric.id, None, "Links");
        bad_link.links = vec!["http://plain.example/".into()];
        assert!(app.submit_evidence(&learner, bad_link).await.unwrap_err().to_string().contains("https"));
        assert!(app.my_evidence(&learner).await.unwrap().is_empty(), "nothing was stored");

        let mut good = evidence(r.rubric.id, None, "With files");
        good.files = vec![file("audit.pdf", "application/pdf", &pdf), file("notes.txt", "text/plain; charset=utf-8", "Notes — ok".as_bytes())];
        let e = app.submit_evidence(&learner, good).await.unwrap();
        assert_eq!(e.files.len(), 2);
        assert_eq!(e.files[1].media_type, "text/plain");
        let (info, bytes) = app.evidence_file(&learner, e.id, e.files[0].id).await.unwrap();
        assert_eq!((info.name.as_str(), bytes), ("audit.pdf", pdf));
        assert_eq!(info.sha256.len(), 64);
        assert!(matches!(app.evidence_file(&other, e.id, e.files[0].id).await.unwrap_err(), AppError::NotFound(_)));
        // Base64 from JSON is decoded, and bad base64 is named.
        let err = NewEvidenceFile::from_base64("a.txt".into(), "text/plain".into(), "@@@").unwrap_err();
        assert!(err.to_string().contains("'a.txt'"), "{err}");
    }

    async fn evidence_is_private_and_only_assigned_assessors_mark(db: TestDb) {
        let app = app(&db);
        org_of(&app, "council", vec![OrgKind::Provider]).await;
        org_of(&app, "hospital", vec![OrgKind::Employer]).await;
        let r = rubric(&app, "council").await;
        let a1 = member(&app, "council", "a1", Role::Assessor).await;
        let a2 = member(&app, "council", "a2", Role::Assessor).await;
        let admin = member(&app, "council", "boss", Role::Admin).await;
        let learner = member(&app, "hospital", "learner", Role::Learner).await;
        let other = member(&app, "hospital", "other", Role::Learner).await;
        let council_learner = member(&app, "council", "student", Role::Learner).await;
        let e = app.submit_evidence(&learner, evidence(r.rubric.id, None, "Audit")).await.unwrap();
        let (review, assessor, _) = open_review(&app, e.id).await.unwrap();
        assert_eq!(assessor, uid(&a1));

        assert!(matches!(app.evidence(&other, e.id).await.unwrap_err(), AppError::NotFound(_)));
        assert!(matches!(app.evidence(&a2, e.id).await.unwrap_err(), AppError::NotFound(_)), "an unassigned assessor");
        assert!(app.evidence(&a1, e.id).await.is_ok());
        assert!(app.evidence(&admin, e.id).await.is_ok());
        assert_eq!(app.my_evidence(&other).await.unwrap().len(), 0);
        assert_eq!(app.my_evidence(&learner).await.unwrap().len(), 1);

        // Marking needs the assessor role, and the review must be one's own.
        let err = app.submit_review(&council_learner, review, marks(&r, PASS)).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let err = app.submit_review(&admin, review, marks(&r, PASS)).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        let err = app.submit_review(&a2, review, marks(&r, PASS)).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{err}");
        // Marks are checked against the rubric.
        let mut incomplete = marks(&r, PASS);
        incomplete.pop();
        let err = app.submit_review(&a1, review, incomplete).await.unwrap_err();
        assert!(err.to_string().contains("\"Documentation\" has no level chosen"), "{err}");
        let err = app.submit_review(&a1, review, marks(&r, [3, 0])).await.unwrap_err();
        assert!(err.to_string().contains("level 4 does not exist"), "{err}");
        assert_eq!(app.review_queue(&a1).await.unwrap().assigned.len(), 1);
        app.submit_review(&a1, review, marks(&r, PASS)).await.unwrap();
        assert!(app.review_queue(&a1).await.unwrap().assigned.is_empty());
        let err = app.review_queue(&learner).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");

        // Rubrics: authors write them, learners and assessors do not; bad ones are refused.
        let bad = NewRubric { title: "Bad".into(), criteria: vec![], pass_mark: 1 };
        assert!(matches!(app.create_rubric(&a1, "council", bad.clone()).await.unwrap_err(), AppError::Forbidden(_)));
        let author = member(&app, "council", "writer", Role::Author).await;
        let err = app.create_rubric(&author, "council", bad).await.unwrap_err();
        assert!(err.to_string().contains("at least one criterion"), "{err}");
        assert_eq!(app.rubrics(&learner, "council").await.unwrap().len(), 1);
        assert_eq!(app.rubric(&learner, r.rubric.id).await.unwrap().max_points, 20);
    }

    async fn agreement_statistics_come_from_real_double_marked_reviews(db: TestDb) {
        let app = app(&db);
        org_of(&app, "council", vec![OrgKind::Provider, OrgKind::Issuer]).await;
        org_of(&app, "hospital", vec![OrgKind::Employer]).await;
        let r = rubric(&app, "council").await;
        let ach = achievement(&app, "council", r.rubric.id, double(0)).await;
        let a1 = member(&app, "council", "a1", Role::Assessor).await;
        let a2 = member(&app, "council", "a2", Role::Assessor).await;
        let people = [&a1, &a2];
        let learner = member(&app, "hospital", "learner", Role::Learner).await;
        let (id1, _id2) = (uid(&a1), uid(&a2));
        // a1's verdicts: P F P F; a2's: P F F F. p_o = 3/4, p_e = ½·¼ + ½·¾ = ½, kappa = ½.
        let plan = [(PASS, PASS), (FAIL, FAIL), (PASS, FAIL), (FAIL, FAIL)];
        for (i, (v1, v2)) in plan.into_iter().enumerate() {
            let e = app.submit_evidence(&learner, evidence(r.rubric.id, Some(ach), &format!("Audit {i}"))).await.unwrap();
            let pick = move |a: Uuid| if a == id1 { v1 } else { v2 };
            mark_open(&app, &people, &r, e.id, pick).await;
            mark_open(&app, &people, &r, e.id, pick).await;
        }
        let stats = app.review_stats(&a1, "council").await.unwrap();
        assert_eq!(stats.double_marked, 4);
        assert_eq!(stats.by_assessor.len(), 2);
        for a in &stats.by_assessor {
            assert_eq!(a.agreement.reviews, 4);
            assert!((a.agreement.kappa.unwrap() - 0.5).abs() < 1e-9, "{:?}", a.agreement);
            assert!((a.agreement.observed_agreement.unwrap() - 0.75).abs() < 1e-9);
            // One piece 10 points apart on a 20-point scale: 50 percentage points over 4.
            assert!((a.agreement.mean_absolute_difference.unwrap() - 12.5).abs() < 1e-9, "{:?}", a.agreement);
            assert!(a.assessor_name.starts_with("Person a"));
        }
        assert_eq!(stats.by_pair.len(), 1);
        assert!((stats.by_pair[0].agreement.kappa.unwrap() - 0.5).abs() < 1e-9);
        assert!(matches!(app.review_stats(&learner, "council").await.unwrap_err(), AppError::Forbidden(_)));
    }
}

backend_tests! {
    async fn the_demo_has_evidence_at_every_stage_and_work_for_the_assessor_persona(db: TestDb) {
        let app = app(&db);
        app.seed_demo().await.unwrap();
        let sys = Principal::system();
        let rubrics = app.rubrics(&sys, "rhwc").await.unwrap();
        let titles: Vec<_> = rubrics.iter().map(|r| r.rubric.title.as_str()).collect();
        assert!(titles.contains(&cairn_app::reviews::DEMO_AUDIT_RUBRIC) && titles.contains(&cairn_app::reviews::DEMO_PRACTICE_RUBRIC), "{titles:?}");
        let tomasz = app.sign_in(cairn_app::demo::PERSONAS[3].email, cairn_app::demo::DEMO_PASSWORD).await.unwrap();
        let tomasz = app.session(&tomasz.session_secret).await.unwrap().principal;
        let queue = app.review_queue(&tomasz).await.unwrap();
        assert!(queue.assigned.iter().any(|q| q.stage == ReviewStage::FirstMarking), "{queue:?}");
        // The other two assessors can sign in too.
        app.sign_in("ines.carvalho@rhwc.example", cairn_app::demo::DEMO_PASSWORD).await.unwrap();
        // Every stage is present.
        let (events, _) = app.audit_log(&sys, "rhwc", 0, 1000).await.unwrap();
        let mut statuses = Vec::new();
        for e in events.iter().filter(|e| e.entry.action == "evidence.submit") {
            let id: Uuid = e.entry.subject.trim_start_matches("evidence:").parse().unwrap();
            statuses.push(app.evidence(&sys, id).await.unwrap().status);
        }
        for s in [EvidenceStatus::AwaitingFirstMarker, EvidenceStatus::AwaitingSecondMarker, EvidenceStatus::AwaitingAdjudication, EvidenceStatus::Accepted, EvidenceStatus::Rejected, EvidenceStatus::UnderAppeal] {
            assert!(statuses.contains(&s), "{s:?} missing from {statuses:?}");
        }
        let stats = app.review_stats(&tomasz, "rhwc").await.unwrap();
        assert_eq!(stats.double_marked, 4);
        // The double-marked micro-credential was awarded for the evidence both markers passed.
        let awards = app.org_awards(&sys, "rhwc", Some("issued")).await.unwrap();
        let practice = awards.iter().find(|a| a.explanation.starts_with("Observed Clinical Coding Practice")).unwrap();
        assert_eq!(practice.evidence[0].genre, "Performance evidence");
        assert!(practice.evidence[0].description.contains("agreed"), "{:?}", practice.evidence);
    }
}
