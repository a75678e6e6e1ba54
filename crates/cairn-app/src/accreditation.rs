//! Third-party accreditation of modules (decision 0019): accreditors keep review standards;
//! providers submit module versions with their assessments; the accreditor assigns
//! reviewers (never a member of the provider), reviewers score against the standard, and
//! the accreditor decides. A decision to accredit is signed as an OB 3.0
//! EndorsementCredential by the accreditor, public and verifiable like any credential;
//! withdrawing revokes it through the accreditor's status list. A later version is either
//! declared a minor change (the decision covers it too, recorded) or submitted again.
//!
//! Whether a module is accredited is read from valid, unrevoked endorsements at the time
//! asked about ([`App::now`]), never from a stored flag.

use cairn_core::accreditation::{
    self as rules, COMMENT_MAX_CHARS, Criterion, CriterionScore, Decision, DecisionFacts, Outcome,
    ReviewInput, ReviewSummary, Standard, Standing, SubmissionState,
};
use cairn_core::authz::Action;
use cairn_core::validate::Invalid;
use cairn_core::{CredentialRecord, CredentialState, OrgKind, Organization, Principal, Role};
use cairn_store::{
    AccreditationRow, AccreditedVersionRow, Conn, NewAccreditationRow, NewSubmissionRow,
    ReviewerRow, StandardRow, SubmissionRow, Tx,
};
use cairn_vc::ob3::{EndorsementCredential, Profile};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::credentials::StatusAction;
use crate::{App, AppError, Result, audit_entry, now, require};

/// A standard as an accreditor writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardInput {
    pub name: String,
    pub description: String,
    pub criteria: Vec<Criterion>,
}

/// What a provider submits: a published version of one of its modules, to an accreditor,
/// against one of the accreditor's standards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionInput {
    pub module_id: Uuid,
    /// The version number; none: the current published version.
    #[serde(default)]
    pub version: Option<i32>,
    /// The accreditor organization's slug.
    pub accreditor: String,
    pub standard_id: Uuid,
    #[serde(default)]
    pub note: Option<String>,
}

/// An assessment of the module, as it was when submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedAssessment {
    pub id: Uuid,
    pub title: String,
}

/// A reviewer's given review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GivenReview {
    pub scores: Vec<CriterionScore>,
    pub comment: String,
    pub recommendation: Outcome,
    pub reviewed_at: OffsetDateTime,
}

/// A reviewer of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewerView {
    pub user_id: Uuid,
    pub name: String,
    pub assigned_at: OffsetDateTime,
    pub review: Option<GivenReview>,
}

/// A member of the accreditor who could review, and why not if they cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewerCandidate {
    pub user_id: Uuid,
    pub name: String,
    /// The conflict of interest that bars them, in a sentence.
    pub conflict: Option<String>,
    pub assigned: bool,
}

/// A decision with where it stands now and the versions it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccreditationView {
    pub row: AccreditationRow,
    pub outcome: Outcome,
    pub standing: Standing,
    pub versions: Vec<AccreditedVersionRow>,
}

/// A submission with everything its page shows to the person looking.
#[derive(Debug, Clone)]
pub struct SubmissionView {
    pub submission: SubmissionRow,
    pub standard: Standard,
    pub assessments: Vec<SubmittedAssessment>,
    /// Reviewers and their reviews: all of them for the accreditor; for a reviewer, the
    /// others' reviews only once their own is given; for the provider, only once decided.
    pub reviewers: Vec<ReviewerView>,
    pub summary: Option<ReviewSummary>,
    pub decision: Option<AccreditationView>,
    /// Filled for the accreditor while the submission is open.
    pub candidates: Vec<ReviewerCandidate>,
    pub can_decide: bool,
    pub can_review: bool,
    pub can_withdraw: bool,
}

/// An accreditor and the standards a provider may submit against.
#[derive(Debug, Clone, Serialize)]
pub struct AccreditorChoice {
    pub org: Organization,
    pub standards: Vec<Standard>,
}

/// Most rows a list returns; an accreditor's queue or a provider's history is far shorter.
const LIST_LIMIT: i64 = 500;

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} is not valid: {e}"))
}

/// Trimmed, non-empty text of at most `max` characters.
fn required_text(field: &'static str, v: &str, what: &str, max: usize) -> Result<String> {
    let v = v.trim();
    if v.is_empty() {
        return Err(Invalid::new(field, what.to_owned()).into());
    }
    if v.chars().count() > max {
        return Err(Invalid::new(field, format!("is longer than {max} characters")).into());
    }
    Ok(v.to_owned())
}

fn standard_from_row(row: StandardRow) -> Result<Standard> {
    Ok(Standard {
        criteria: serde_json::from_str(&row.criteria).map_err(|e| corrupt("criteria", e))?,
        id: row.id,
        org_id: row.org_id,
        name: row.name,
        description: row.description,
        archived: row.archived,
        created_at: row.created_at,
    })
}

fn outcome_of(s: &str) -> Result<Outcome> {
    Outcome::parse(s).ok_or_else(|| corrupt("outcome", s))
}

fn state_of(row: &SubmissionRow) -> Result<SubmissionState> {
    SubmissionState::parse(&row.state).ok_or_else(|| corrupt("submission state", &row.state))
}

/// What a decision's standing depends on. An endorsement revoked or suspended outside
/// this workflow no longer makes the module accredited, so it reads as withdrawn.
fn facts_of(row: &AccreditationRow, outcome: Outcome) -> DecisionFacts {
    DecisionFacts {
        outcome,
        valid_until: row.valid_until,
        conditions_due: row.conditions_due,
        conditions_met: row.conditions_met_at.is_some(),
        withdrawn: row.withdrawn_at.is_some() || row.credential_inactive,
    }
}

async fn view_of(
    conn: &mut Conn<'_>,
    row: AccreditationRow,
    at: OffsetDateTime,
) -> Result<AccreditationView> {
    let outcome = outcome_of(&row.outcome)?;
    let standing = rules::standing(&facts_of(&row, outcome), at);
    let versions = conn.accredited_versions(row.id).await?;
    Ok(AccreditationView {
        row,
        outcome,
        standing,
        versions,
    })
}

fn assessments_of(row: &SubmissionRow) -> Result<Vec<SubmittedAssessment>> {
    serde_json::from_str(&row.assessments).map_err(|e| corrupt("assessments", e))
}

fn person(by: &Principal, what: &str) -> Result<Uuid> {
    by.user_id().ok_or_else(|| {
        AppError::Unauthenticated(format!("sign in as a person to {what}; API tokens cannot"))
    })
}

fn is_open(row: &SubmissionRow) -> Result<bool> {
    Ok(state_of(row)?.is_open())
}

impl App {
    /// The default standard Cairn ships, for an accreditor to adopt or adapt.
    pub fn default_standard(&self) -> StandardInput {
        let (name, description, criteria) = rules::default_standard();
        StandardInput {
            name,
            description,
            criteria,
        }
    }

    /// Adopt the default standard in an accreditor organization (`StandardManage`).
    pub async fn create_default_standard(&self, by: &Principal, slug: &str) -> Result<Standard> {
        self.create_standard(by, slug, self.default_standard())
            .await
    }

    /// An accreditor organization the principal may act in for `action`.
    async fn accreditor_org(
        &self,
        by: &Principal,
        slug: &str,
        action: Action,
    ) -> Result<Organization> {
        let org = self.org_unchecked(slug).await?;
        require(by, action, Some(org.id))?;
        if !org.is(OrgKind::Accreditor) {
            return Err(Invalid::new(
                "org",
                format!(
                    "{} is not an accreditor; only accreditors keep review standards and decide accreditation (an operator can add the accreditor kind)",
                    org.name
                ),
            )
            .into());
        }
        Ok(org)
    }

    /// Create a standard in an accreditor organization (`StandardManage`).
    pub async fn create_standard(
        &self,
        by: &Principal,
        slug: &str,
        input: StandardInput,
    ) -> Result<Standard> {
        let org = self
            .accreditor_org(by, slug, Action::StandardManage)
            .await?;
        rules::validate_standard(&input.name, &input.description, &input.criteria)?;
        let standard = Standard {
            id: Uuid::now_v7(),
            org_id: org.id,
            name: input.name.trim().to_owned(),
            description: input.description.trim().to_owned(),
            criteria: input.criteria,
            archived: false,
            created_at: self.now(),
        };
        let mut tx = self.store.begin().await?;
        tx.conn()
            .insert_standard(&StandardRow {
                id: standard.id,
                org_id: org.id,
                name: standard.name.clone(),
                description: standard.description.clone(),
                criteria: serde_json::to_string(&standard.criteria)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                archived: false,
                created_by: by.user_id(),
                created_at: standard.created_at,
            })
            .await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "standard.create",
            format!("standard:{}", standard.id),
            json!({"name": standard.name, "criteria": standard.criteria.len()}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(standard)
    }

    /// An accreditor's standards; anyone may read them (they are published).
    pub async fn standards(&self, slug: &str, with_archived: bool) -> Result<Vec<Standard>> {
        let org = self.org_unchecked(slug).await?;
        let mut r = self.store.reader().await?;
        r.conn()
            .standards_of_org(org.id, with_archived)
            .await?
            .into_iter()
            .map(standard_from_row)
            .collect()
    }

    pub async fn standard(&self, id: Uuid) -> Result<Standard> {
        let mut r = self.store.reader().await?;
        let row = r
            .conn()
            .standard(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("standard {id}")))?;
        standard_from_row(row)
    }

    pub async fn archive_standard(&self, by: &Principal, slug: &str, id: Uuid) -> Result<()> {
        let org = self
            .accreditor_org(by, slug, Action::StandardManage)
            .await?;
        let mut tx = self.store.begin().await?;
        let s = tx
            .conn()
            .standard(id)
            .await?
            .filter(|s| s.org_id == org.id)
            .ok_or_else(|| AppError::NotFound(format!("standard {id} of {}", org.name)))?;
        if !tx.conn().archive_standard(id).await? {
            return Err(AppError::Conflict(format!(
                "the standard \"{}\" is already archived",
                s.name
            )));
        }
        let entry = audit_entry(
            by,
            Some(org.id),
            "standard.archive",
            format!("standard:{id}"),
            json!({"name": s.name}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Accreditor organizations with at least one active standard.
    pub async fn accreditors(&self) -> Result<Vec<AccreditorChoice>> {
        let mut r = self.store.reader().await?;
        let mut out = Vec::new();
        for org in r.conn().list_orgs().await? {
            if !org.is(OrgKind::Accreditor) {
                continue;
            }
            let standards = r
                .conn()
                .standards_of_org(org.id, false)
                .await?
                .into_iter()
                .map(standard_from_row)
                .collect::<Result<Vec<_>>>()?;
            if !standards.is_empty() {
                out.push(AccreditorChoice { org, standards });
            }
        }
        Ok(out)
    }

    /// A provider submits a published module version (`AccreditationSubmit`).
    pub async fn submit_for_accreditation(
        &self,
        by: &Principal,
        provider_slug: &str,
        input: SubmissionInput,
    ) -> Result<SubmissionRow> {
        let provider = self.org_unchecked(provider_slug).await?;
        require(by, Action::AccreditationSubmit, Some(provider.id))?;
        if !provider.is(OrgKind::Provider) {
            return Err(Invalid::new(
                "org",
                format!(
                    "{} is not a training provider; only providers submit modules for accreditation",
                    provider.name
                ),
            )
            .into());
        }
        let note = match input.note.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => Some(required_text("note", n, "", COMMENT_MAX_CHARS)?),
            _ => None,
        };
        let mut tx = self.store.begin().await?;
        let module = tx
            .conn()
            .module_by_id(input.module_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("module {}", input.module_id)))?;
        if module.org_id != provider.id {
            return Err(Invalid::new(
                "module_id",
                format!("this module is not one of {}'s", provider.name),
            )
            .into());
        }
        let versions = tx.conn().module_versions(module.id).await?;
        let version = match input.version {
            Some(n) => versions
                .iter()
                .find(|v| v.number == n)
                .ok_or_else(|| Invalid::new("version", format!("the module has no version {n}")))?,
            None => versions
                .iter()
                .find(|v| Some(v.id) == module.current_version_id)
                .ok_or_else(|| {
                    Invalid::new(
                        "version",
                        "the module has no published version yet; publish it first",
                    )
                })?,
        };
        if version.state != "published" {
            return Err(Invalid::new(
                "version",
                format!(
                    "version {} is a draft; publish it before submitting it",
                    version.number
                ),
            )
            .into());
        }
        let accreditor = tx
            .conn()
            .org_by_slug(&input.accreditor)
            .await?
            .ok_or_else(|| {
                Invalid::new(
                    "accreditor",
                    format!("there is no organization '{}'", input.accreditor),
                )
            })?;
        if !accreditor.is(OrgKind::Accreditor) {
            return Err(Invalid::new(
                "accreditor",
                format!("{} is not an accreditor", accreditor.name),
            )
            .into());
        }
        if accreditor.id == provider.id {
            return Err(AppError::Conflict(format!(
                "{} cannot accredit its own modules; choose another accreditor",
                provider.name
            )));
        }
        let standard = tx
            .conn()
            .standard(input.standard_id)
            .await?
            .filter(|s| s.org_id == accreditor.id)
            .ok_or_else(|| {
                Invalid::new(
                    "standard_id",
                    format!("{} has no standard {}", accreditor.name, input.standard_id),
                )
            })?;
        if standard.archived {
            return Err(Invalid::new(
                "standard_id",
                format!(
                    "the standard \"{}\" is archived; choose one of {}'s current standards",
                    standard.name, accreditor.name
                ),
            )
            .into());
        }
        let assessments: Vec<SubmittedAssessment> = tx
            .conn()
            .assessments_of_module(module.id)
            .await?
            .into_iter()
            .map(|a| SubmittedAssessment {
                id: a.id,
                title: a.title,
            })
            .collect();
        let id = Uuid::now_v7();
        let stored = tx
            .conn()
            .insert_submission(&NewSubmissionRow {
                id,
                module_id: module.id,
                version_id: version.id,
                provider_org_id: provider.id,
                accreditor_org_id: accreditor.id,
                standard_id: standard.id,
                assessments: serde_json::to_string(&assessments)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                note,
                submitted_by: by.user_id(),
                submitted_at: self.now(),
            })
            .await?;
        if !stored {
            return Err(AppError::Conflict(format!(
                "version {} of \"{}\" is already submitted to {} and not yet decided",
                version.number, version.title, accreditor.name
            )));
        }
        let entry = audit_entry(
            by,
            Some(provider.id),
            "accreditation.submit",
            format!("submission:{id}"),
            json!({"module": module.id, "version": version.number, "accreditor": accreditor.slug, "standard": standard.id}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        let row = tx
            .conn()
            .submission(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("submission {id}")))?;
        tx.commit().await?;
        Ok(row)
    }

    async fn submission_row(&self, id: Uuid) -> Result<SubmissionRow> {
        let mut r = self.store.reader().await?;
        r.conn()
            .submission(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("submission {id}")))
    }

    /// The provider takes back a submission not yet decided.
    pub async fn withdraw_submission(&self, by: &Principal, submission: Uuid) -> Result<()> {
        let row = self.submission_row(submission).await?;
        require(by, Action::AccreditationSubmit, Some(row.provider_org_id))?;
        let mut tx = self.store.begin().await?;
        let moved = tx
            .conn()
            .set_submission_state(
                submission,
                &["submitted", "in_review"],
                "withdrawn",
                self.now(),
            )
            .await?;
        if !moved {
            return Err(AppError::Conflict(
                "this submission is already decided or withdrawn".into(),
            ));
        }
        let entry = audit_entry(
            by,
            Some(row.provider_org_id),
            "accreditation.submission_withdraw",
            format!("submission:{submission}"),
            json!({"module": row.module_id, "version": row.version_number}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A provider's submissions, newest first (`AccreditationSubmit`).
    pub async fn provider_submissions(
        &self,
        by: &Principal,
        slug: &str,
    ) -> Result<Vec<SubmissionRow>> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::AccreditationSubmit, Some(org.id))?;
        let mut r = self.store.reader().await?;
        Ok(r.conn().submissions_of_provider(org.id, LIST_LIMIT).await?)
    }

    /// Decisions about a provider's modules (`AccreditationSubmit`).
    pub async fn provider_accreditations(
        &self,
        by: &Principal,
        slug: &str,
    ) -> Result<Vec<AccreditationView>> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::AccreditationSubmit, Some(org.id))?;
        self.decisions_of(org.id, false).await
    }

    async fn decisions_of(&self, org: Uuid, as_accreditor: bool) -> Result<Vec<AccreditationView>> {
        let at = self.now();
        let mut r = self.store.reader().await?;
        let rows = r
            .conn()
            .accreditations_of_org(org, as_accreditor, LIST_LIMIT)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(view_of(&mut r.conn(), row, at).await?);
        }
        Ok(out)
    }

    /// An accreditor's submissions: open ones oldest first (`AccreditationDecide`).
    pub async fn accreditor_queue(
        &self,
        by: &Principal,
        slug: &str,
        state: Option<&str>,
    ) -> Result<Vec<SubmissionRow>> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::AccreditationDecide, Some(org.id))?;
        if let Some(s) = state
            && SubmissionState::parse(s).is_none()
        {
            return Err(Invalid::new(
                "state",
                format!("'{s}' is not a state; use submitted, in_review, decided or withdrawn"),
            )
            .into());
        }
        let mut r = self.store.reader().await?;
        Ok(r.conn()
            .submissions_to_accreditor(org.id, state, LIST_LIMIT)
            .await?)
    }

    /// An accreditor's decisions, newest first (`AccreditationDecide`).
    pub async fn accreditor_decisions(
        &self,
        by: &Principal,
        slug: &str,
    ) -> Result<Vec<AccreditationView>> {
        let org = self.org_unchecked(slug).await?;
        require(by, Action::AccreditationDecide, Some(org.id))?;
        self.decisions_of(org.id, true).await
    }

    /// A submission, for its provider, its accreditor, or a reviewer assigned to it.
    pub async fn submission(&self, by: &Principal, id: Uuid) -> Result<SubmissionView> {
        let mut r = self.store.reader().await?;
        let row = r
            .conn()
            .submission(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("submission {id}")))?;
        let state = state_of(&row)?;
        let stored = r.conn().reviewers_of_submission(id).await?;
        let me = by.user_id();
        let mine = stored.iter().find(|x| Some(x.user_id) == me);
        let assigned =
            mine.is_some() && by.may(Action::AccreditationReview, Some(row.accreditor_org_id));
        let accreditor = by.may(Action::AccreditationDecide, Some(row.accreditor_org_id));
        let provider = by.may(Action::AccreditationSubmit, Some(row.provider_org_id));
        if !(accreditor || provider || assigned) {
            if by.is_member_of(row.accreditor_org_id) || by.is_member_of(row.provider_org_id) {
                require(by, Action::AccreditationSubmit, Some(row.provider_org_id))?;
            }
            return Err(AppError::NotFound(format!("submission {id}")));
        }
        // Reviewers judge independently: one assigned sees the others' reviews only after
        // giving their own, even when they also run the accreditor's queue.
        let own_given = mine.is_some_and(|m| m.reviewed_at.is_some());
        let blind = assigned && !own_given;
        let decided = state == SubmissionState::Decided;
        let mut reviewers = Vec::new();
        if accreditor || assigned || decided {
            for x in &stored {
                let mut v = reviewer_view(x)?;
                let visible =
                    Some(x.user_id) == me || !blind && (accreditor || own_given || decided);
                if !visible {
                    v.review = None;
                }
                reviewers.push(v);
            }
        }
        let standard = standard_from_row(
            r.conn()
                .standard(row.standard_id)
                .await?
                .ok_or_else(|| corrupt("standard", row.standard_id))?,
        )?;
        let given: Vec<(Vec<CriterionScore>, Outcome)> = reviewers
            .iter()
            .filter_map(|v| v.review.as_ref())
            .map(|g| (g.scores.clone(), g.recommendation))
            .collect();
        let summary =
            (!blind && !reviewers.is_empty()).then(|| rules::summarize(&standard, &given));
        let decision = match r.conn().accreditation_of_submission(id).await? {
            Some(a) => Some(view_of(&mut r.conn(), a, self.now()).await?),
            None => None,
        };
        let mut candidates = Vec::new();
        if accreditor && state.is_open() {
            let mut seen = std::collections::BTreeSet::new();
            for m in r
                .conn()
                .members_of_org(row.accreditor_org_id, 10_000, 0)
                .await?
            {
                if m.role != Role::Reviewer.as_str() || !seen.insert(m.user_id) {
                    continue;
                }
                let conflict = self
                    .conflict_of(&mut r.conn(), &row, m.user_id, &m.display_name)
                    .await?;
                candidates.push(ReviewerCandidate {
                    user_id: m.user_id,
                    assigned: stored.iter().any(|x| x.user_id == m.user_id),
                    name: m.display_name,
                    conflict,
                });
            }
        }
        let all_reviewed = !stored.is_empty() && stored.iter().all(|x| x.reviewed_at.is_some());
        Ok(SubmissionView {
            assessments: assessments_of(&row)?,
            can_decide: accreditor && state == SubmissionState::InReview && all_reviewed,
            can_review: assigned && !own_given && state.is_open(),
            can_withdraw: provider && state.is_open(),
            submission: row,
            standard,
            reviewers,
            summary,
            decision,
            candidates,
        })
    }

    /// Why `user` may not review this submission, in a sentence; none when they may.
    async fn conflict_of(
        &self,
        conn: &mut Conn<'_>,
        row: &SubmissionRow,
        user: Uuid,
        name: &str,
    ) -> Result<Option<String>> {
        let memberships: Vec<(Uuid, Role)> = conn
            .memberships_of_user(user)
            .await?
            .into_iter()
            .map(|m| (m.org_id, m.role))
            .collect();
        Ok(rules::check_conflict(
            name,
            &memberships,
            (row.provider_org_id, &row.provider_name),
            (row.accreditor_org_id, &row.accreditor_name),
        )
        .err()
        .map(|c| c.to_string()))
    }

    /// Assign a reviewer of the accreditor; a member of the provider cannot be assigned.
    pub async fn assign_reviewer(
        &self,
        by: &Principal,
        submission: Uuid,
        user: Uuid,
    ) -> Result<()> {
        let row = self.submission_row(submission).await?;
        require(by, Action::AccreditationDecide, Some(row.accreditor_org_id))?;
        let mut tx = self.store.begin().await?;
        let row = tx
            .conn()
            .submission(submission)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("submission {submission}")))?;
        if !is_open(&row)? {
            return Err(AppError::Conflict(format!(
                "this submission is {}; reviewers are assigned only while it is open",
                row.state.replace('_', " ")
            )));
        }
        let person = tx
            .conn()
            .user_by_id(user)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("user {user}")))?;
        if let Some(conflict) = self
            .conflict_of(&mut tx.conn(), &row, user, &person.display_name)
            .await?
        {
            return Err(AppError::Conflict(conflict));
        }
        let at = self.now();
        if !tx
            .conn()
            .insert_reviewer(submission, user, by.user_id(), at)
            .await?
        {
            return Err(AppError::Conflict(format!(
                "{} is already assigned to this submission",
                person.display_name
            )));
        }
        tx.conn()
            .set_submission_state(submission, &["submitted"], "in_review", at)
            .await?;
        let entry = audit_entry(
            by,
            Some(row.accreditor_org_id),
            "accreditation.assign",
            format!("submission:{submission}"),
            json!({"reviewer": user}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn unassign_reviewer(
        &self,
        by: &Principal,
        submission: Uuid,
        user: Uuid,
    ) -> Result<()> {
        let row = self.submission_row(submission).await?;
        require(by, Action::AccreditationDecide, Some(row.accreditor_org_id))?;
        let mut tx = self.store.begin().await?;
        if !tx.conn().delete_pending_reviewer(submission, user).await? {
            return Err(AppError::Conflict(
                "this person is not assigned, or has already given their review (a given review stays)".into(),
            ));
        }
        // With nobody left to review, the submission waits for an assignment again.
        if tx
            .conn()
            .reviewers_of_submission(submission)
            .await?
            .is_empty()
        {
            tx.conn()
                .set_submission_state(submission, &["in_review"], "submitted", self.now())
                .await?;
        }
        let entry = audit_entry(
            by,
            Some(row.accreditor_org_id),
            "accreditation.unassign",
            format!("submission:{submission}"),
            json!({"reviewer": user}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The open submissions the signed-in reviewer is assigned to.
    pub async fn my_accreditation_reviews(&self, by: &Principal) -> Result<Vec<SubmissionRow>> {
        let Some(me) = by.user_id() else {
            return Ok(Vec::new());
        };
        let mut r = self.store.reader().await?;
        Ok(r.conn()
            .submissions_of_reviewer(me)
            .await?
            .into_iter()
            .filter(|s| by.may(Action::AccreditationReview, Some(s.accreditor_org_id)))
            .collect())
    }

    /// A reviewer scores the submission against the standard (once).
    pub async fn submit_accreditation_review(
        &self,
        by: &Principal,
        submission: Uuid,
        input: ReviewInput,
    ) -> Result<()> {
        let row = self.submission_row(submission).await?;
        require(by, Action::AccreditationReview, Some(row.accreditor_org_id))?;
        let me = person(by, "review")?;
        let mut tx = self.store.begin().await?;
        let row = tx
            .conn()
            .submission(submission)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("submission {submission}")))?;
        if !is_open(&row)? {
            return Err(AppError::Conflict(format!(
                "this submission is {}; reviews are given only while it is open",
                row.state.replace('_', " ")
            )));
        }
        let reviewers = tx.conn().reviewers_of_submission(submission).await?;
        let Some(mine) = reviewers.iter().find(|x| x.user_id == me) else {
            return Err(AppError::Conflict(
                "you are not assigned to review this submission".into(),
            ));
        };
        if mine.reviewed_at.is_some() {
            return Err(AppError::Conflict(
                "you have already given your review of this submission; a review is given once"
                    .into(),
            ));
        }
        let standard = standard_from_row(
            tx.conn()
                .standard(row.standard_id)
                .await?
                .ok_or_else(|| corrupt("standard", row.standard_id))?,
        )?;
        rules::validate_review(&standard, &input)?;
        let scores =
            serde_json::to_string(&input.scores).map_err(|e| AppError::Internal(e.to_string()))?;
        if !tx
            .conn()
            .set_review(
                submission,
                me,
                &scores,
                input.comment.trim(),
                input.recommendation.as_str(),
                self.now(),
            )
            .await?
        {
            return Err(AppError::Conflict(
                "you have already given your review of this submission; a review is given once"
                    .into(),
            ));
        }
        let entry = audit_entry(
            by,
            Some(row.accreditor_org_id),
            "accreditation.review",
            format!("submission:{submission}"),
            json!({"recommendation": input.recommendation.as_str()}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What an endorsement of the module is about: the achievement whose award rule names
    /// the module or one of its assessments, when exactly one does (a verifier holding a
    /// learner's badge matches its achievement id); otherwise the module's public page.
    async fn endorsement_subject(&self, tx: &mut Tx, row: &SubmissionRow) -> Result<String> {
        let mut achievements = std::collections::BTreeSet::new();
        achievements.extend(
            tx.conn()
                .achievements_referring_to("module", row.module_id)
                .await?,
        );
        for a in assessments_of(row)? {
            achievements.extend(
                tx.conn()
                    .achievements_referring_to("assessment", a.id)
                    .await?,
            );
        }
        if achievements.len() == 1
            && let Some(id) = achievements.first().copied()
            && let Some(a) = tx.conn().achievement(id).await?
            && let Some(org) = tx.conn().org_by_id(a.org_id).await?
        {
            return Ok(self.achievement_url(&org, a.id));
        }
        Ok(format!(
            "{}/modules/{}",
            self.config.public_url, row.module_id
        ))
    }

    /// The accreditor decides; a decision to accredit is signed as an endorsement.
    pub async fn decide_accreditation(
        &self,
        by: &Principal,
        submission: Uuid,
        decision: Decision,
    ) -> Result<AccreditationView> {
        let row = self.submission_row(submission).await?;
        require(by, Action::AccreditationDecide, Some(row.accreditor_org_id))?;
        let at = self.now();
        let valid_until = rules::validate_decision(&decision, at)?;
        let mut tx = self.store.begin().await?;
        let row = tx
            .conn()
            .submission(submission)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("submission {submission}")))?;
        match state_of(&row)? {
            SubmissionState::InReview => {}
            SubmissionState::Submitted => {
                return Err(AppError::Conflict(
                    "no reviewer is assigned yet; assign at least one and wait for their review"
                        .into(),
                ));
            }
            SubmissionState::Decided => {
                return Err(AppError::Conflict(
                    "this submission is already decided".into(),
                ));
            }
            SubmissionState::Withdrawn => {
                return Err(AppError::Conflict(
                    "the provider withdrew this submission".into(),
                ));
            }
        }
        let reviewers = tx.conn().reviewers_of_submission(submission).await?;
        let pending: Vec<&str> = reviewers
            .iter()
            .filter(|x| x.reviewed_at.is_none())
            .map(|x| x.display_name.as_str())
            .collect();
        if reviewers.is_empty() {
            return Err(AppError::Conflict(
                "no reviewer is assigned; assign at least one and wait for their review".into(),
            ));
        }
        if !pending.is_empty() {
            return Err(AppError::Conflict(format!(
                "still to review: {}; decide once every assigned reviewer has given their review (or unassign those who will not)",
                pending.join(", ")
            )));
        }
        let accreditor = tx
            .conn()
            .org_by_id(row.accreditor_org_id)
            .await?
            .ok_or_else(|| AppError::NotFound("accreditor organization".into()))?;
        let conditions = decision
            .conditions
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty() && decision.outcome == Outcome::Conditional)
            .map(str::to_owned);
        let conditions_due = decision
            .conditions_due
            .filter(|_| decision.outcome == Outcome::Conditional);
        let subject = self.endorsement_subject(&mut tx, &row).await?;
        let credential_id = if decision.outcome.accredits() {
            let signer = self.signer(&mut tx.conn(), &accreditor).await?;
            let id = Uuid::now_v7();
            let name = format!("Accreditation: {}", row.module_title);
            let mut comment = format!(
                "{} accredits version {} of \"{}\" by {} against the standard \"{}\": {}, valid until {}.",
                accreditor.name,
                row.version_number,
                row.module_title,
                row.provider_name,
                row.standard_name,
                decision.outcome.label(),
                valid_until.date()
            );
            if let (Some(c), Some(due)) = (&conditions, conditions_due) {
                comment.push_str(&format!(" Conditions, to be met by {due}: {c}"));
            }
            let mut doc = EndorsementCredential::new(
                self.credential_url(id),
                name.clone(),
                Profile::new(&signer.did, &accreditor.name),
                subject.clone(),
                Some(comment),
                at,
            );
            doc.valid_until = Some(cairn_vc::di::format_datetime(valid_until));
            let record = CredentialRecord {
                id,
                org_id: accreditor.id,
                achievement_id: None,
                recipient_user: None,
                recipient: subject.clone(),
                name,
                state: CredentialState::Active,
                status_reason: None,
                status_list: 0,
                status_index: 0,
                issued_at: at,
                valid_until: Some(valid_until),
            };
            self.sign_and_store(
                &mut tx,
                by,
                &accreditor,
                &signer,
                doc.to_value(),
                record,
                false,
            )
            .await?;
            Some(id)
        } else {
            None
        };
        let id = Uuid::now_v7();
        tx.conn()
            .insert_accreditation(&NewAccreditationRow {
                id,
                submission_id: submission,
                module_id: row.module_id,
                provider_org_id: row.provider_org_id,
                accreditor_org_id: row.accreditor_org_id,
                standard_id: row.standard_id,
                outcome: decision.outcome.as_str().into(),
                rationale: decision.rationale.trim().to_owned(),
                conditions,
                conditions_due,
                valid_from: at,
                valid_until,
                subject_id: subject,
                credential_id,
                decided_by: by.user_id(),
                decided_at: at,
            })
            .await?;
        if decision.outcome.accredits() {
            tx.conn()
                .insert_accredited_version(id, row.version_id, "review", None, by.user_id(), at)
                .await?;
        }
        tx.conn()
            .set_submission_state(submission, &["in_review"], "decided", at)
            .await?;
        let entry = audit_entry(
            by,
            Some(row.accreditor_org_id),
            "accreditation.decide",
            format!("accreditation:{id}"),
            json!({
                "submission": submission,
                "outcome": decision.outcome.as_str(),
                "valid_until": decision.outcome.accredits().then(|| valid_until.date().to_string()),
                "credential": credential_id,
            }),
        );
        tx.conn().append_audit(&entry, now()).await?;
        let stored = tx
            .conn()
            .accreditation(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("accreditation {id}")))?;
        let view = view_of(&mut tx.conn(), stored, at).await?;
        tx.commit().await?;
        // Verification reports the endorsers of an achievement from a cache.
        self.trust_cache.changed();
        Ok(view)
    }

    async fn accreditation_row(&self, id: Uuid) -> Result<AccreditationRow> {
        let mut r = self.store.reader().await?;
        r.conn()
            .accreditation(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("accreditation {id}")))
    }

    /// Read a decision again inside `tx`, as its view now.
    async fn view_in(&self, tx: &mut Tx, id: Uuid) -> Result<AccreditationView> {
        let row = tx
            .conn()
            .accreditation(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("accreditation {id}")))?;
        view_of(&mut tx.conn(), row, self.now()).await
    }

    /// The accreditor withdraws a decision to accredit: its endorsement is revoked.
    pub async fn withdraw_accreditation(
        &self,
        by: &Principal,
        accreditation: Uuid,
        reason: &str,
    ) -> Result<AccreditationView> {
        let row = self.accreditation_row(accreditation).await?;
        require(by, Action::AccreditationDecide, Some(row.accreditor_org_id))?;
        let reason = required_text(
            "reason",
            reason,
            "say why the accreditation is withdrawn; the provider and the audit log keep it",
            COMMENT_MAX_CHARS,
        )?;
        if !outcome_of(&row.outcome)?.accredits() {
            return Err(AppError::Conflict(
                "this decision did not accredit the module, so there is nothing to withdraw".into(),
            ));
        }
        let mut tx = self.store.begin().await?;
        if !tx
            .conn()
            .set_accreditation_withdrawn(accreditation, &reason, self.now())
            .await?
        {
            return Err(AppError::Conflict(
                "this accreditation is already withdrawn".into(),
            ));
        }
        if let Some(cred) = row.credential_id
            && let Some(c) = tx.conn().credential(cred).await?
            && c.state != CredentialState::Revoked
        {
            self.change_status_in(&mut tx, cred, StatusAction::Revoke, &reason, false)
                .await?;
        }
        let entry = audit_entry(
            by,
            Some(row.accreditor_org_id),
            "accreditation.withdraw",
            format!("accreditation:{accreditation}"),
            json!({"reason": reason, "credential": row.credential_id}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        let view = self.view_in(&mut tx, accreditation).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The provider answers the conditions.
    pub async fn respond_to_conditions(
        &self,
        by: &Principal,
        accreditation: Uuid,
        response: &str,
    ) -> Result<AccreditationView> {
        let row = self.accreditation_row(accreditation).await?;
        require(by, Action::AccreditationSubmit, Some(row.provider_org_id))?;
        let response = required_text(
            "response",
            response,
            "say what was done to meet the conditions",
            COMMENT_MAX_CHARS,
        )?;
        let mut tx = self.store.begin().await?;
        if !tx
            .conn()
            .set_conditions_response(accreditation, &response, self.now())
            .await?
        {
            return Err(AppError::Conflict(
                "there are no open conditions to answer: the decision has none, they are confirmed met, or it is withdrawn".into(),
            ));
        }
        let entry = audit_entry(
            by,
            Some(row.provider_org_id),
            "accreditation.conditions_respond",
            format!("accreditation:{accreditation}"),
            json!({"response": response}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        let view = self.view_in(&mut tx, accreditation).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The accreditor confirms the conditions met.
    pub async fn confirm_conditions_met(
        &self,
        by: &Principal,
        accreditation: Uuid,
    ) -> Result<AccreditationView> {
        let row = self.accreditation_row(accreditation).await?;
        require(by, Action::AccreditationDecide, Some(row.accreditor_org_id))?;
        let mut tx = self.store.begin().await?;
        if !tx
            .conn()
            .set_conditions_met(accreditation, self.now())
            .await?
        {
            return Err(AppError::Conflict(
                "there are no open conditions to confirm: the decision has none, they are already met, or it is withdrawn".into(),
            ));
        }
        let entry = audit_entry(
            by,
            Some(row.accreditor_org_id),
            "accreditation.conditions_met",
            format!("accreditation:{accreditation}"),
            json!({}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        let view = self.view_in(&mut tx, accreditation).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The provider declares a later published version a minor change: the decision
    /// covers it too, and the declaration is recorded.
    pub async fn declare_minor_change(
        &self,
        by: &Principal,
        accreditation: Uuid,
        version: i32,
        rationale: &str,
    ) -> Result<AccreditationView> {
        let row = self.accreditation_row(accreditation).await?;
        require(by, Action::AccreditationSubmit, Some(row.provider_org_id))?;
        let rationale = required_text(
            "rationale",
            rationale,
            "say what changed and why it does not affect what was accredited",
            COMMENT_MAX_CHARS,
        )?;
        let mut tx = self.store.begin().await?;
        let current = self.view_in(&mut tx, accreditation).await?;
        if !current.standing.counts() {
            return Err(AppError::Conflict(format!(
                "this decision is {} and no longer counts, so it cannot cover another version; submit version {version} for a new decision",
                current.standing.label().to_lowercase()
            )));
        }
        let versions = tx.conn().module_versions(row.module_id).await?;
        let target = versions
            .iter()
            .find(|v| v.number == version)
            .ok_or_else(|| {
                Invalid::new("version", format!("the module has no version {version}"))
            })?;
        if target.state != "published" {
            return Err(Invalid::new(
                "version",
                format!("version {version} is a draft; publish it first"),
            )
            .into());
        }
        let covered = current.versions.iter().map(|v| v.number).max().unwrap_or(0);
        if version <= covered {
            return Err(Invalid::new(
                "version",
                format!(
                    "version {version} is not later than version {covered}, which the decision already covers"
                ),
            )
            .into());
        }
        tx.conn()
            .insert_accredited_version(
                accreditation,
                target.id,
                "minor_change",
                Some(&rationale),
                by.user_id(),
                self.now(),
            )
            .await?;
        let entry = audit_entry(
            by,
            Some(row.provider_org_id),
            "accreditation.minor_change",
            format!("accreditation:{accreditation}"),
            json!({"version": version, "rationale": rationale}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        let view = self.view_in(&mut tx, accreditation).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// One decision. Decisions to accredit are public (their endorsements are); a decision
    /// not to accredit is seen only by the provider and the accreditor.
    pub async fn accreditation(
        &self,
        by: Option<&Principal>,
        id: Uuid,
    ) -> Result<AccreditationView> {
        let mut r = self.store.reader().await?;
        let row = r
            .conn()
            .accreditation(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("accreditation {id}")))?;
        let view = view_of(&mut r.conn(), row, self.now()).await?;
        let insider = by.is_some_and(|p| {
            p.may(Action::AccreditationSubmit, Some(view.row.provider_org_id))
                || p.may(
                    Action::AccreditationDecide,
                    Some(view.row.accreditor_org_id),
                )
                || p.may(
                    Action::AccreditationReview,
                    Some(view.row.accreditor_org_id),
                )
        });
        if !view.outcome.accredits() && !insider {
            return Err(AppError::NotFound(format!("accreditation {id}")));
        }
        Ok(view)
    }

    /// The public decisions about a module (accredited or with conditions), newest first.
    pub async fn module_accreditations(&self, module: Uuid) -> Result<Vec<AccreditationView>> {
        let at = self.now();
        let mut r = self.store.reader().await?;
        let mut out = Vec::new();
        for row in r.conn().accreditations_of_module(module).await? {
            let v = view_of(&mut r.conn(), row, at).await?;
            if v.outcome.accredits() {
                out.push(v);
            }
        }
        Ok(out)
    }
}

/// A stored reviewer row as its view (parses the scores JSON).
pub(crate) fn reviewer_view(row: &ReviewerRow) -> Result<ReviewerView> {
    let review = match (&row.scores, row.reviewed_at) {
        (Some(scores), Some(reviewed_at)) => Some(GivenReview {
            scores: serde_json::from_str(scores).map_err(|e| corrupt("review scores", e))?,
            comment: row.comment.clone().unwrap_or_default(),
            recommendation: row
                .recommendation
                .as_deref()
                .map(outcome_of)
                .transpose()?
                .ok_or_else(|| corrupt("recommendation", "missing"))?,
            reviewed_at,
        }),
        _ => None,
    };
    Ok(ReviewerView {
        user_id: row.user_id,
        name: row.display_name.clone(),
        assigned_at: row.assigned_at,
        review,
    })
}
