//! Accreditation pages (decision 0019): the accreditor's queue, decisions and standards;
//! one submission page that offers what the viewer may do (assign reviewers, review,
//! decide, withdraw); the reviewer's queue; a decision with its conditions, versions and
//! endorsement; and the provider's submissions.
//!
//! Refused input (422) and refusals such as a conflict of interest (409) come back on the
//! page they were made from, with the form as it was sent.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_app::accreditation::{AccreditationView, StandardInput, SubmissionInput};
use cairn_app::assignments::{iso_date, parse_date};
use cairn_core::accreditation::{
    CriterionScore, Decision, Outcome, ReviewInput, Standard, Standing, SubmissionState,
};
use cairn_core::authz::Action;
use cairn_core::catalog::VersionState;
use cairn_core::validate::Invalid;
use uuid::Uuid;

use super::{SignedInForm, Who, error_page, page, see_other, who};
use crate::AppState;
use crate::auth::SignedIn;
use crate::i18n::t;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{slug}/accreditation", get(queue_page))
        .route("/orgs/{slug}/accreditation/standards", get(standards_page))
        .route(
            "/orgs/{slug}/accreditation/standards/adopt",
            post(adopt_default),
        )
        .route(
            "/orgs/{slug}/accreditation/standards/{id}",
            get(standard_page),
        )
        .route(
            "/orgs/{slug}/accreditation/standards/{id}/archive",
            post(archive_standard),
        )
        .route("/accreditation/submissions/{id}", get(submission_page))
        .route(
            "/accreditation/submissions/{id}/reviewers",
            post(assign_reviewer),
        )
        .route(
            "/accreditation/submissions/{id}/reviewers/{user}/remove",
            post(unassign_reviewer),
        )
        .route(
            "/accreditation/submissions/{id}/review",
            post(review_submit),
        )
        .route(
            "/accreditation/submissions/{id}/decision",
            post(decision_submit),
        )
        .route(
            "/accreditation/submissions/{id}/withdraw",
            post(withdraw_submission),
        )
        .route("/accreditation/reviews", get(reviews_page))
        .route("/accreditation/decisions/{id}", get(decision_page))
        .route(
            "/accreditation/decisions/{id}/withdraw",
            post(withdraw_decision),
        )
        .route(
            "/accreditation/decisions/{id}/conditions/response",
            post(respond_conditions),
        )
        .route(
            "/accreditation/decisions/{id}/conditions/met",
            post(conditions_met),
        )
        .route(
            "/accreditation/decisions/{id}/minor-changes",
            post(minor_change),
        )
        .route(
            "/orgs/{slug}/submissions",
            get(provider_page).post(provider_submit),
        )
}

// ------------------------------------------------------------------------------ helpers

type Pairs = Vec<(String, String)>;

fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn day(t: time::OffsetDateTime) -> String {
    iso_date(t.date())
}

/// A refusal the page shows beside its form: invalid input (422) or a conflict (409).
fn refusal(e: AppError) -> Result<(StatusCode, String), AppError> {
    match e {
        AppError::Invalid(inv) => Ok((StatusCode::UNPROCESSABLE_ENTITY, sentence(&inv.message))),
        AppError::Conflict(msg) => Ok((StatusCode::CONFLICT, sentence(&msg))),
        other => Err(other),
    }
}

fn sentence(s: &str) -> String {
    let mut c = s.trim().trim_end_matches('.').chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
        None => String::new(),
    }
}

fn state_label(state: &str) -> String {
    t(match SubmissionState::parse(state) {
        Some(SubmissionState::Submitted) => "accr-state-submitted",
        Some(SubmissionState::InReview) => "accr-state-in-review",
        Some(SubmissionState::Decided) => "accr-state-decided",
        Some(SubmissionState::Withdrawn) => "accr-state-withdrawn",
        None => "accr-state-unknown",
    })
    .into()
}

// The core's labels are English and shared with the API; pages show the catalog's words.
fn outcome_label(o: Outcome) -> String {
    t(match o {
        Outcome::Accredited => "accr-outcome-accredited",
        Outcome::Conditional => "accr-outcome-conditional",
        Outcome::NotAccredited => "accr-outcome-not-accredited",
    })
    .into()
}

fn standing_label(s: Standing) -> String {
    t(match s {
        Standing::Current => "accr-standing-current",
        Standing::ConditionsOverdue => "accr-standing-conditions-overdue",
        Standing::Lapsed => "accr-standing-lapsed",
        Standing::Withdrawn => "accr-standing-withdrawn",
        Standing::NotAccredited => "accr-standing-not-accredited",
    })
    .into()
}

/// A submission as a line of a list.
struct SubLine {
    id: Uuid,
    module_id: Uuid,
    module_title: String,
    version: i32,
    provider: String,
    accreditor: String,
    standard: String,
    state: String,
    open: bool,
    submitted: String,
    reviewers: i64,
    reviews_done: i64,
}

/// A `SubmissionRow` of the store (not named outside cairn-app) as a line.
macro_rules! sub_line {
    ($r:expr) => {{
        let r = $r;
        SubLine {
            id: r.id,
            module_id: r.module_id,
            module_title: r.module_title.clone(),
            version: r.version_number,
            provider: r.provider_name.clone(),
            accreditor: r.accreditor_name.clone(),
            standard: r.standard_name.clone(),
            state: state_label(&r.state),
            open: SubmissionState::parse(&r.state).is_some_and(SubmissionState::is_open),
            submitted: day(r.submitted_at),
            reviewers: r.reviewers,
            reviews_done: r.reviews_done,
        }
    }};
}

/// A decision as shown in lists and on its page.
struct DecisionLine {
    id: Uuid,
    submission_id: Uuid,
    module_id: Uuid,
    module_title: String,
    provider: String,
    provider_org: Uuid,
    accreditor: String,
    accreditor_org: Uuid,
    outcome: String,
    accredits: bool,
    standing: String,
    /// current, conditions_overdue, lapsed, withdrawn or not_accredited.
    standing_key: &'static str,
    decided: String,
    valid_from: String,
    valid_until: String,
    rationale: String,
    conditions: String,
    conditions_due: String,
    conditions_response: String,
    conditions_responded: String,
    conditions_met: String,
    withdrawn: String,
    withdrawn_reason: String,
    credential_id: Option<Uuid>,
    /// (number, how it came to be covered, the minor change's reason, when)
    versions: Vec<(i32, String, String, String)>,
}

fn decision_line(v: &AccreditationView) -> DecisionLine {
    let r = &v.row;
    DecisionLine {
        id: r.id,
        submission_id: r.submission_id,
        module_id: r.module_id,
        module_title: r.module_title.clone(),
        provider: r.provider_name.clone(),
        provider_org: r.provider_org_id,
        accreditor: r.accreditor_name.clone(),
        accreditor_org: r.accreditor_org_id,
        outcome: outcome_label(v.outcome),
        accredits: v.outcome.accredits(),
        standing: standing_label(v.standing),
        standing_key: v.standing.as_str(),
        decided: day(r.decided_at),
        valid_from: day(r.valid_from),
        valid_until: day(r.valid_until),
        rationale: r.rationale.clone(),
        conditions: r.conditions.clone().unwrap_or_default(),
        conditions_due: r.conditions_due.map(iso_date).unwrap_or_default(),
        conditions_response: r.conditions_response.clone().unwrap_or_default(),
        conditions_responded: r.conditions_responded_at.map(day).unwrap_or_default(),
        conditions_met: r.conditions_met_at.map(day).unwrap_or_default(),
        withdrawn: r.withdrawn_at.map(day).unwrap_or_default(),
        withdrawn_reason: r.withdrawn_reason.clone().unwrap_or_default(),
        credential_id: r.credential_id,
        versions: v
            .versions
            .iter()
            .map(|x| {
                let via = t(if x.via == "minor_change" {
                    "accr-via-minor-change"
                } else {
                    "accr-via-reviewed"
                })
                .into();
                (
                    x.number,
                    via,
                    x.rationale.clone().unwrap_or_default(),
                    day(x.recorded_at),
                )
            })
            .collect(),
    }
}

/// A criterion as the standard and the review form show it.
struct CriterionShow {
    key: String,
    title: String,
    guidance: String,
    pass_score: u8,
    /// (score, label, descriptor, chosen)
    levels: Vec<(u8, String, String, bool)>,
    comment: String,
}

fn criteria_of(st: &Standard, chosen: &HashMap<String, (String, String)>) -> Vec<CriterionShow> {
    st.criteria
        .iter()
        .map(|c| {
            let (score, comment) = chosen.get(&c.key).cloned().unwrap_or_default();
            CriterionShow {
                key: c.key.clone(),
                title: c.title.clone(),
                guidance: c.guidance.clone(),
                pass_score: c.pass_score,
                levels: c
                    .levels
                    .iter()
                    .map(|l| {
                        (
                            l.score,
                            l.label.clone(),
                            l.descriptor.clone(),
                            score == l.score.to_string(),
                        )
                    })
                    .collect(),
                comment,
            }
        })
        .collect()
}

fn outcome_choices(chosen: &str) -> Vec<(&'static str, String, bool)> {
    Outcome::ALL
        .iter()
        .map(|o| (o.as_str(), outcome_label(*o), o.as_str() == chosen))
        .collect()
}

// ------------------------------------------------------------------------------ accreditor queue

#[derive(Template, WebTemplate)]
#[template(path = "accreditation_queue.html")]
struct QueuePage {
    who: Who,
    org_slug: String,
    org_name: String,
    open: Vec<SubLine>,
    decisions: Vec<DecisionLine>,
}

async fn queue_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    let build = async {
        let p = &session.principal;
        let org = s.app.org(p, &slug).await?;
        let open = s.app.accreditor_queue(p, &slug, None).await?;
        let decisions = s.app.accreditor_decisions(p, &slug).await?;
        Ok::<_, AppError>(QueuePage {
            who: who(&session),
            org_slug: org.slug,
            org_name: org.name,
            // The queue is what still needs the accreditor; decided ones are listed below
            // with their decisions.
            open: open
                .iter()
                .filter(|r| SubmissionState::parse(&r.state).is_some_and(SubmissionState::is_open))
                .map(|r| sub_line!(r))
                .collect(),
            decisions: decisions.iter().map(decision_line).collect(),
        })
    };
    page(build.await)
}

// ------------------------------------------------------------------------------ standards

#[derive(Template, WebTemplate)]
#[template(path = "accreditation_standards.html")]
struct StandardsPage {
    who: Who,
    org_slug: String,
    org_name: String,
    /// (id, name, criteria, archived, created)
    standards: Vec<(Uuid, String, usize, bool, String)>,
    default_name: String,
    can_manage: bool,
    error: Option<String>,
}

async fn build_standards(
    s: &AppState,
    session: &Session,
    slug: &str,
    error: Option<String>,
) -> Result<StandardsPage, AppError> {
    let p = &session.principal;
    let org = s.app.org(p, slug).await?;
    let list = s.app.standards(slug, true).await?;
    Ok(StandardsPage {
        who: who(session),
        can_manage: p.may(Action::StandardManage, Some(org.id)),
        org_slug: org.slug,
        org_name: org.name,
        standards: list
            .into_iter()
            .map(|st| {
                (
                    st.id,
                    st.name,
                    st.criteria.len(),
                    st.archived,
                    day(st.created_at),
                )
            })
            .collect(),
        default_name: s.app.default_standard().name,
        error,
    })
}

async fn standards_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    page(build_standards(&s, &session, &slug, None).await)
}

async fn adopt_default(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form: _ }: SignedInForm<Pairs>,
) -> Response {
    let d: StandardInput = s.app.default_standard();
    match s.app.create_standard(&session.principal, &slug, d).await {
        Ok(st) => see_other(&format!("/orgs/{slug}/accreditation/standards/{}", st.id)),
        Err(e) => match refusal(e) {
            Ok((status, why)) => match build_standards(&s, &session, &slug, Some(why)).await {
                Ok(p) => (status, p).into_response(),
                Err(e) => error_page(e),
            },
            Err(e) => error_page(e),
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "accreditation_standard.html")]
struct StandardPage {
    who: Who,
    org_slug: String,
    st: Standard,
    created: String,
    criteria: Vec<CriterionShow>,
    can_manage: bool,
}

async fn standard_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Response {
    let build = async {
        let p = &session.principal;
        let org = s.app.org(p, &slug).await?;
        let st = s.app.standard(id).await?;
        if st.org_id != org.id {
            return Err(AppError::NotFound(format!("standard {id}")));
        }
        Ok(StandardPage {
            who: who(&session),
            org_slug: org.slug,
            created: day(st.created_at),
            criteria: criteria_of(&st, &HashMap::new()),
            can_manage: p.may(Action::StandardManage, Some(org.id)),
            st,
        })
    };
    page(build.await)
}

async fn archive_standard(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, Uuid)>,
    SignedInForm { session, form: _ }: SignedInForm<Pairs>,
) -> Response {
    match s.app.archive_standard(&session.principal, &slug, id).await {
        Ok(()) | Err(AppError::Conflict(_)) => {
            see_other(&format!("/orgs/{slug}/accreditation/standards"))
        }
        Err(e) => error_page(e),
    }
}

// ------------------------------------------------------------------------------ one submission

struct ReviewerShow {
    user_id: Uuid,
    name: String,
    assigned: String,
    reviewed: String,
    recommendation: String,
    comment: String,
    /// (criterion title, score, comment)
    scores: Vec<(String, u8, String)>,
}

struct CandidateShow {
    user_id: Uuid,
    name: String,
    conflict: String,
    assigned: bool,
}

struct SummaryShow {
    reviews: usize,
    /// (title, scores, mean, pass score, below pass, disagreement)
    criteria: Vec<(String, String, String, u8, bool, bool)>,
    /// (outcome, count)
    recommendations: Vec<(String, usize)>,
    suggested: String,
    explanation: String,
}

/// The decision form as sent, so a refused one comes back as it was.
#[derive(Default)]
struct DecisionForm {
    outcome: String,
    rationale: String,
    conditions: String,
    conditions_due: String,
    valid_until: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accreditation_submission.html")]
struct SubmissionPage {
    who: Who,
    sub: SubLine,
    note: String,
    accreditor_slug: String,
    provider_slug: String,
    is_accreditor: bool,
    is_provider: bool,
    assessments: Vec<(Uuid, String)>,
    standard_id: Uuid,
    standard_name: String,
    criteria: Vec<CriterionShow>,
    reviewers: Vec<ReviewerShow>,
    summary: Option<SummaryShow>,
    decision: Option<DecisionLine>,
    candidates: Vec<CandidateShow>,
    can_decide: bool,
    can_review: bool,
    can_withdraw: bool,
    outcomes: Vec<(&'static str, String, bool)>,
    recommendations: Vec<(&'static str, String, bool)>,
    review_comment: String,
    d: DecisionForm,
    error: Option<String>,
}

/// What a refused form brings back to the submission page.
#[derive(Default)]
struct Refill {
    review: HashMap<String, (String, String)>,
    review_comment: String,
    recommendation: String,
    decision: DecisionForm,
    error: Option<String>,
}

async fn build_submission(
    s: &AppState,
    session: &Session,
    id: Uuid,
    refill: Refill,
) -> Result<SubmissionPage, AppError> {
    let p = &session.principal;
    let v = s.app.submission(p, id).await?;
    let sub = &v.submission;
    let titles: HashMap<&str, &str> = v
        .standard
        .criteria
        .iter()
        .map(|c| (c.key.as_str(), c.title.as_str()))
        .collect();
    let reviewers = v
        .reviewers
        .iter()
        .map(|r| {
            let given = r.review.as_ref();
            ReviewerShow {
                user_id: r.user_id,
                name: r.name.clone(),
                assigned: day(r.assigned_at),
                reviewed: given.map(|g| day(g.reviewed_at)).unwrap_or_default(),
                recommendation: given
                    .map(|g| outcome_label(g.recommendation))
                    .unwrap_or_default(),
                comment: given.map(|g| g.comment.clone()).unwrap_or_default(),
                scores: given
                    .map(|g| {
                        g.scores
                            .iter()
                            .map(|sc: &CriterionScore| {
                                (
                                    titles
                                        .get(sc.criterion.as_str())
                                        .map(|t| (*t).to_owned())
                                        .unwrap_or_else(|| sc.criterion.clone()),
                                    sc.score,
                                    sc.comment.clone(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let summary = v.summary.as_ref().map(|sm| SummaryShow {
        reviews: sm.reviews,
        criteria: sm
            .criteria
            .iter()
            .map(|c| {
                (
                    c.title.clone(),
                    c.scores
                        .iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    c.mean.map(|m| format!("{m:.1}")).unwrap_or_default(),
                    c.pass_score,
                    c.below_pass,
                    c.disagreement,
                )
            })
            .collect(),
        recommendations: sm
            .recommendations
            .iter()
            .map(|(o, n)| (outcome_label(*o), *n))
            .collect(),
        suggested: sm.suggested.map(outcome_label).unwrap_or_default(),
        explanation: sm.explanation.clone(),
    });
    let mut d = refill.decision;
    if d.valid_until.is_empty() {
        // Three years is the usual period; the accreditor may choose another.
        let today = s.app.now().date();
        let ahead = today.replace_year(today.year() + 3).unwrap_or(today);
        d.valid_until = iso_date(ahead);
    }
    let recommendation = refill.recommendation.clone();
    Ok(SubmissionPage {
        who: who(session),
        note: sub.note.clone().unwrap_or_default(),
        accreditor_slug: sub.accreditor_slug.clone(),
        provider_slug: sub.provider_slug.clone(),
        is_accreditor: p.may(Action::AccreditationDecide, Some(sub.accreditor_org_id)),
        is_provider: p.may(Action::AccreditationSubmit, Some(sub.provider_org_id)),
        assessments: v
            .assessments
            .iter()
            .map(|a| (a.id, a.title.clone()))
            .collect(),
        standard_id: v.standard.id,
        standard_name: v.standard.name.clone(),
        criteria: criteria_of(&v.standard, &refill.review),
        reviewers,
        summary,
        decision: v.decision.as_ref().map(decision_line),
        candidates: v
            .candidates
            .iter()
            .map(|c| CandidateShow {
                user_id: c.user_id,
                name: c.name.clone(),
                conflict: c.conflict.clone().unwrap_or_default(),
                assigned: c.assigned,
            })
            .collect(),
        can_decide: v.can_decide,
        can_review: v.can_review,
        can_withdraw: v.can_withdraw,
        outcomes: outcome_choices(&d.outcome),
        recommendations: outcome_choices(&recommendation),
        review_comment: refill.review_comment,
        d,
        error: refill.error,
        sub: sub_line!(sub),
    })
}

async fn submission_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
) -> Response {
    page(build_submission(&s, &session, id, Refill::default()).await)
}

/// After an action on a submission: back to its page, or the page again with the refusal.
async fn after_submission_action(
    s: &AppState,
    session: &Session,
    id: Uuid,
    result: Result<(), AppError>,
    mut refill: Refill,
) -> Response {
    match result {
        Ok(()) => see_other(&format!("/accreditation/submissions/{id}")),
        Err(e) => match refusal(e) {
            Ok((status, why)) => {
                refill.error = Some(why);
                match build_submission(s, session, id, refill).await {
                    Ok(p) => (status, p).into_response(),
                    Err(e) => error_page(e),
                }
            }
            Err(e) => error_page(e),
        },
    }
}

async fn assign_reviewer(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form }: SignedInForm<Pairs>,
) -> Response {
    let result = match field(&form, "user_id").trim().parse::<Uuid>() {
        Ok(user) => s.app.assign_reviewer(&session.principal, id, user).await,
        Err(_) => Err(Invalid::new("user_id", t("accr-error-reviewer")).into()),
    };
    after_submission_action(&s, &session, id, result, Refill::default()).await
}

async fn unassign_reviewer(
    State(s): State<AppState>,
    Path((id, user)): Path<(Uuid, Uuid)>,
    SignedInForm { session, form: _ }: SignedInForm<Pairs>,
) -> Response {
    let result = s.app.unassign_reviewer(&session.principal, id, user).await;
    after_submission_action(&s, &session, id, result, Refill::default()).await
}

async fn review_submit(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form }: SignedInForm<Pairs>,
) -> Response {
    let mut refill = Refill {
        review_comment: field(&form, "comment").to_owned(),
        recommendation: field(&form, "recommendation").to_owned(),
        ..Refill::default()
    };
    for (k, v) in &form {
        if let Some(key) = k.strip_prefix("score_") {
            refill.review.entry(key.to_owned()).or_default().0 = v.clone();
        } else if let Some(key) = k.strip_prefix("comment_") {
            refill.review.entry(key.to_owned()).or_default().1 = v.clone();
        }
    }
    let input = (|| {
        let recommendation = Outcome::parse(&refill.recommendation)
            .ok_or_else(|| Invalid::new("recommendation", t("accr-error-recommendation")))?;
        let mut scores = Vec::new();
        for (key, (score, comment)) in &refill.review {
            if score.is_empty() {
                continue;
            }
            let score = score.parse::<u8>().map_err(|_| {
                Invalid::new(
                    "scores",
                    t("accr-error-level")
                        .with("value", score)
                        .with("criterion", key),
                )
            })?;
            scores.push(CriterionScore {
                criterion: key.clone(),
                score,
                comment: comment.trim().to_owned(),
            });
        }
        scores.sort_by(|a, b| a.criterion.cmp(&b.criterion));
        Ok::<_, AppError>(ReviewInput {
            scores,
            comment: refill.review_comment.trim().to_owned(),
            recommendation,
        })
    })();
    let result = match input {
        Ok(input) => {
            s.app
                .submit_accreditation_review(&session.principal, id, input)
                .await
        }
        Err(e) => Err(e),
    };
    after_submission_action(&s, &session, id, result, refill).await
}

async fn decision_submit(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form }: SignedInForm<Pairs>,
) -> Response {
    let d = DecisionForm {
        outcome: field(&form, "outcome").to_owned(),
        rationale: field(&form, "rationale").to_owned(),
        conditions: field(&form, "conditions").to_owned(),
        conditions_due: field(&form, "conditions_due").to_owned(),
        valid_until: field(&form, "valid_until").to_owned(),
    };
    let date = |name: &'static str, v: &str| -> Result<Option<time::Date>, AppError> {
        match v.trim() {
            "" => Ok(None),
            v => parse_date(v)
                .map(Some)
                .ok_or_else(|| Invalid::new(name, t("accr-error-date").with("value", v)).into()),
        }
    };
    let decision = (|| {
        let outcome = Outcome::parse(&d.outcome)
            .ok_or_else(|| Invalid::new("outcome", t("accr-error-outcome")))?;
        let conditional = outcome == Outcome::Conditional;
        Ok::<_, AppError>(Decision {
            outcome,
            rationale: d.rationale.trim().to_owned(),
            conditions: Some(d.conditions.trim().to_owned())
                .filter(|c| conditional && !c.is_empty()),
            conditions_due: if conditional {
                date("conditions_due", &d.conditions_due)?
            } else {
                None
            },
            valid_until: if outcome.accredits() {
                date("valid_until", &d.valid_until)?
            } else {
                None
            },
        })
    })();
    let result = match decision {
        Ok(dec) => match s
            .app
            .decide_accreditation(&session.principal, id, dec)
            .await
        {
            Ok(view) => return see_other(&format!("/accreditation/decisions/{}", view.row.id)),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let refill = Refill {
        decision: d,
        ..Refill::default()
    };
    after_submission_action(&s, &session, id, result, refill).await
}

async fn withdraw_submission(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form: _ }: SignedInForm<Pairs>,
) -> Response {
    let result = s.app.withdraw_submission(&session.principal, id).await;
    after_submission_action(&s, &session, id, result, Refill::default()).await
}

// ------------------------------------------------------------------------------ reviewer queue

#[derive(Template, WebTemplate)]
#[template(path = "accreditation_reviews.html")]
struct ReviewsPage {
    who: Who,
    list: Vec<SubLine>,
}

async fn reviews_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    match s.app.my_accreditation_reviews(&session.principal).await {
        Ok(rows) => ReviewsPage {
            who: who(&session),
            list: rows.iter().map(|r| sub_line!(r)).collect(),
        }
        .into_response(),
        Err(e) => error_page(e),
    }
}

// ------------------------------------------------------------------------------ one decision

#[derive(Template, WebTemplate)]
#[template(path = "accreditation_decision.html")]
struct DecisionPage {
    who: Who,
    d: DecisionLine,
    is_provider: bool,
    is_accreditor: bool,
    /// Later published versions the provider may declare a minor change.
    minor_choices: Vec<i32>,
    response: String,
    minor_rationale: String,
    withdraw_reason: String,
    error: Option<String>,
}

#[derive(Default)]
struct DecisionRefill {
    response: String,
    minor_rationale: String,
    withdraw_reason: String,
    error: Option<String>,
}

async fn build_decision(
    s: &AppState,
    session: &Session,
    id: Uuid,
    refill: DecisionRefill,
) -> Result<DecisionPage, AppError> {
    let p = &session.principal;
    let v = s.app.accreditation(Some(p), id).await?;
    let d = decision_line(&v);
    let is_provider = p.may(Action::AccreditationSubmit, Some(d.provider_org));
    let is_accreditor = p.may(Action::AccreditationDecide, Some(d.accreditor_org));
    let mut minor_choices = Vec::new();
    if is_provider && d.standing_key != "withdrawn" && d.accredits {
        let covered = d.versions.iter().map(|x| x.0).max().unwrap_or(0);
        let module = s.app.module(Some(p), d.module_id).await?;
        minor_choices = module
            .versions
            .iter()
            .filter(|(n, st, _)| *st == VersionState::Published && *n > covered)
            .map(|(n, _, _)| *n)
            .collect();
        minor_choices.sort_unstable();
    }
    Ok(DecisionPage {
        who: who(session),
        d,
        is_provider,
        is_accreditor,
        minor_choices,
        response: refill.response,
        minor_rationale: refill.minor_rationale,
        withdraw_reason: refill.withdraw_reason,
        error: refill.error,
    })
}

async fn decision_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
) -> Response {
    page(build_decision(&s, &session, id, DecisionRefill::default()).await)
}

async fn after_decision_action(
    s: &AppState,
    session: &Session,
    id: Uuid,
    result: Result<AccreditationView, AppError>,
    mut refill: DecisionRefill,
) -> Response {
    match result {
        Ok(_) => see_other(&format!("/accreditation/decisions/{id}")),
        Err(e) => match refusal(e) {
            Ok((status, why)) => {
                refill.error = Some(why);
                match build_decision(s, session, id, refill).await {
                    Ok(p) => (status, p).into_response(),
                    Err(e) => error_page(e),
                }
            }
            Err(e) => error_page(e),
        },
    }
}

async fn withdraw_decision(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form }: SignedInForm<Pairs>,
) -> Response {
    let reason = field(&form, "reason").trim().to_owned();
    let result = s
        .app
        .withdraw_accreditation(&session.principal, id, &reason)
        .await;
    let refill = DecisionRefill {
        withdraw_reason: reason,
        ..DecisionRefill::default()
    };
    after_decision_action(&s, &session, id, result, refill).await
}

async fn respond_conditions(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form }: SignedInForm<Pairs>,
) -> Response {
    let response = field(&form, "response").trim().to_owned();
    let result = s
        .app
        .respond_to_conditions(&session.principal, id, &response)
        .await;
    let refill = DecisionRefill {
        response,
        ..DecisionRefill::default()
    };
    after_decision_action(&s, &session, id, result, refill).await
}

async fn conditions_met(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form: _ }: SignedInForm<Pairs>,
) -> Response {
    let result = s.app.confirm_conditions_met(&session.principal, id).await;
    after_decision_action(&s, &session, id, result, DecisionRefill::default()).await
}

async fn minor_change(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, form }: SignedInForm<Pairs>,
) -> Response {
    let rationale = field(&form, "rationale").trim().to_owned();
    let result = match field(&form, "version").trim().parse::<i32>() {
        Ok(n) => {
            s.app
                .declare_minor_change(&session.principal, id, n, &rationale)
                .await
        }
        Err(_) => Err(Invalid::new("version", t("accr-error-version")).into()),
    };
    let refill = DecisionRefill {
        minor_rationale: rationale,
        ..DecisionRefill::default()
    };
    after_decision_action(&s, &session, id, result, refill).await
}

// ------------------------------------------------------------------------------ provider

/// The submit form as sent.
#[derive(Default)]
struct SubmitForm {
    module: String,
    choice: String,
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accreditation_submissions.html")]
struct ProviderPage {
    who: Who,
    org_slug: String,
    org_name: String,
    /// (module id, label, chosen)
    modules: Vec<(Uuid, String, bool)>,
    /// (accreditor slug|standard id, label, chosen)
    choices: Vec<(String, String, bool)>,
    f: SubmitForm,
    submissions: Vec<SubLine>,
    decisions: Vec<DecisionLine>,
    error: Option<String>,
}

async fn build_provider(
    s: &AppState,
    session: &Session,
    slug: &str,
    f: SubmitForm,
    error: Option<String>,
) -> Result<ProviderPage, AppError> {
    let p = &session.principal;
    let submissions = s.app.provider_submissions(p, slug).await?;
    let decisions = s.app.provider_accreditations(p, slug).await?;
    let (org, modules) = s.app.provider_modules(p, slug).await?;
    let accreditors = s.app.accreditors().await?;
    let modules = modules
        .into_iter()
        .map(|v| {
            let label = match v.state {
                VersionState::Published => t("accr-provider-module-published"),
                _ if v.number > 1 => t("accr-provider-module-draft-after"),
                _ => t("accr-provider-module-draft"),
            }
            .with("title", &v.content.title)
            .with("n", v.number)
            .to_string();
            let id = v.module_id;
            (id, label, f.module == id.to_string())
        })
        .collect();
    let choices = accreditors
        .iter()
        .filter(|a| a.org.id != org.id)
        .flat_map(|a| {
            a.standards.iter().map(|st| {
                let value = format!("{}|{}", a.org.slug, st.id);
                let chosen = f.choice == value;
                (value, format!("{} — {}", a.org.name, st.name), chosen)
            })
        })
        .collect();
    Ok(ProviderPage {
        who: who(session),
        org_slug: org.slug,
        org_name: org.name,
        modules,
        choices,
        f,
        submissions: submissions.iter().map(|r| sub_line!(r)).collect(),
        decisions: decisions.iter().map(decision_line).collect(),
        error,
    })
}

async fn provider_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    page(build_provider(&s, &session, &slug, SubmitForm::default(), None).await)
}

async fn provider_submit(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form }: SignedInForm<Pairs>,
) -> Response {
    let f = SubmitForm {
        module: field(&form, "module").to_owned(),
        choice: field(&form, "choice").to_owned(),
        note: field(&form, "note").to_owned(),
    };
    let input = (|| {
        let module_id = f
            .module
            .trim()
            .parse::<Uuid>()
            .map_err(|_| Invalid::new("module", t("accr-error-module")))?;
        let (accreditor, standard) = f
            .choice
            .split_once('|')
            .and_then(|(a, st)| Some((a.to_owned(), st.parse::<Uuid>().ok()?)))
            .ok_or_else(|| Invalid::new("choice", t("accr-error-choice")))?;
        Ok::<_, AppError>(SubmissionInput {
            module_id,
            version: None,
            accreditor,
            standard_id: standard,
            note: Some(f.note.trim().to_owned()).filter(|n| !n.is_empty()),
        })
    })();
    let result = match input {
        Ok(i) => {
            s.app
                .submit_for_accreditation(&session.principal, &slug, i)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(row) => see_other(&format!("/accreditation/submissions/{}", row.id)),
        Err(e) => match refusal(e) {
            Ok((status, why)) => match build_provider(&s, &session, &slug, f, Some(why)).await {
                Ok(p) => (status, p).into_response(),
                Err(e) => error_page(e),
            },
            Err(e) => error_page(e),
        },
    }
}

#[cfg(test)]
mod tests {
    /// The sources of the accreditation and registry pages, where their message ids are named.
    const SOURCES: &[(&str, &str)] = &[
        ("accreditation.rs", include_str!("accreditation.rs")),
        ("registry.rs", include_str!("registry.rs")),
        (
            "accreditation_queue.html",
            include_str!("../../templates/accreditation_queue.html"),
        ),
        (
            "accreditation_standards.html",
            include_str!("../../templates/accreditation_standards.html"),
        ),
        (
            "accreditation_standard.html",
            include_str!("../../templates/accreditation_standard.html"),
        ),
        (
            "accreditation_submission.html",
            include_str!("../../templates/accreditation_submission.html"),
        ),
        (
            "accreditation_reviews.html",
            include_str!("../../templates/accreditation_reviews.html"),
        ),
        (
            "accreditation_decision.html",
            include_str!("../../templates/accreditation_decision.html"),
        ),
        (
            "accreditation_submissions.html",
            include_str!("../../templates/accreditation_submissions.html"),
        ),
        (
            "registry.html",
            include_str!("../../templates/registry.html"),
        ),
        (
            "trust_findings.html",
            include_str!("../../templates/trust_findings.html"),
        ),
    ];

    /// Quoted words that look like this area's message ids. Every piece between two quotes
    /// is tried, not only string literals, so an escaped quote cannot hide the ids after it.
    fn ids(text: &str) -> Vec<&str> {
        text.split('"')
            .filter(|s| {
                ["accr-", "registry-", "trust-"]
                    .iter()
                    .any(|p| s.starts_with(p) && s.len() > p.len())
                    && !s.ends_with('-')
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
            .collect()
    }

    // A page shows an unknown id as itself, which only a visit to that page in that state
    // would catch; every id named in the sources must be in the catalog.
    #[test]
    fn every_message_id_the_pages_name_is_in_the_catalog() {
        let mut named = 0;
        for (file, text) in SOURCES {
            for id in ids(text) {
                named += 1;
                assert!(crate::i18n::is_defined(id), "{file} names `{id}`");
            }
        }
        assert!(
            named > 200,
            "only {named} ids found: is the scan still right?"
        );
    }
}
