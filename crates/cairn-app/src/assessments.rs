//! Item banks, assessments and attempts: drawing a form, enforcing time and attempt limits
//! on the server, scoring, and handing passed attempts to the award rules.
//!
//! Every rule is decided here from stored times, never from what a browser says: the
//! deadline is the started time plus the limit in the rules snapshot kept with the attempt,
//! and a submission is recorded by a conditional update, so a double submit scores once.

use std::collections::{BTreeMap, HashMap};

use cairn_core::assessment::{
    self, Assessment, AttemptRefusal, AttemptResult, CompetencyRef, Difficulty, Form, Item,
    ItemContent, ItemKind, PublicItem, Response,
};
use cairn_core::authz::Action;
use cairn_core::icd11::CodeFacts;
use cairn_core::validate::Invalid;
use cairn_core::{OrgKind, Organization, Principal};
use cairn_store::{
    AssessmentRow, AttemptRow, AttemptScore, BankItemRow, BankQuery, ItemRow, ItemVersionRow, Tx,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError, Result, audit_entry, now, require};

/// At most this many attempts are listed for a provider at once.
pub const ATTEMPTS_LIST_MAX: i64 = 500;
const TITLE_MAX_CHARS: usize = 200;
const DESCRIPTION_MAX_CHARS: usize = 5000;

/// An item of a bank as its authors see it: the current version, answer key included.
#[derive(Debug, Clone, Serialize)]
pub struct BankItem {
    pub id: Uuid,
    pub org_id: Uuid,
    pub version: u32,
    pub content: ItemContent,
    pub content_hash: String,
    pub retired: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Which items of a bank to list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BankFilter {
    pub competency: Option<String>,
    pub difficulty: Option<Difficulty>,
    #[serde(default)]
    pub include_retired: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentState {
    Draft,
    Published,
    Retired,
}

impl AssessmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentState::Draft => "draft",
            AssessmentState::Published => "published",
            AssessmentState::Retired => "retired",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Published, Self::Retired]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// What a provider writes to create or change an assessment.
#[derive(Debug, Clone, Deserialize)]
pub struct AssessmentSpec {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The module this assesses, one of the same provider's.
    #[serde(default)]
    pub module_id: Option<Uuid>,
    pub rules: Assessment,
}

/// An assessment with its rules.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentView {
    pub id: Uuid,
    pub org_id: Uuid,
    pub module_id: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub rules: Assessment,
    pub state: AssessmentState,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// One attempt in a list: no form, no responses.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptSummary {
    pub id: Uuid,
    pub assessment_id: Uuid,
    pub learner_id: Uuid,
    pub number: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub deadline: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub submitted_at: Option<OffsetDateTime>,
    pub passed: Option<bool>,
    /// Rounded down to one decimal, once submitted.
    pub percent: Option<f64>,
}

/// What a learner is told about one item after submitting: how it went and why, not the key.
#[derive(Debug, Clone, Serialize)]
pub struct ItemFeedback {
    pub item_id: Uuid,
    pub prompt: String,
    pub competency: CompetencyRef,
    /// Thousandths of full credit.
    pub credit: u16,
    pub earned_milli: u64,
    pub max_milli: u64,
    pub explanation: Option<String>,
}

/// An attempt as its learner (or the provider) sees it. While open it carries the items
/// without their keys; once submitted, the result and each item's feedback.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptView {
    pub id: Uuid,
    pub assessment_id: Uuid,
    pub assessment_title: String,
    pub learner_id: Uuid,
    pub number: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When answers are due (a short grace follows for the request to arrive).
    #[serde(with = "time::serde::rfc3339::option")]
    pub deadline: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub submitted_at: Option<OffsetDateTime>,
    /// The questions, while the attempt is open.
    pub items: Vec<PublicItem>,
    pub result: Option<AttemptResult>,
    pub feedback: Vec<ItemFeedback>,
}

/// An assessment's introduction for one learner: the rules, their attempts, and whether
/// (or when) they may start another.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentIntro {
    pub assessment: AssessmentView,
    pub attempts: Vec<AttemptSummary>,
    /// The attempt still open, if any.
    pub open_attempt: Option<Uuid>,
    /// Why a new attempt cannot start now (with when it can), or None when it can.
    pub refusal: Option<String>,
    pub can_manage: bool,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} is not valid: {e}"))
}

fn learner(by: &Principal) -> Result<Uuid> {
    by.user_id().ok_or_else(|| {
        AppError::Unauthenticated(
            "sign in as a person to take assessments; API tokens cannot sit one".into(),
        )
    })
}

fn refusal(r: AttemptRefusal) -> AppError {
    AppError::Conflict(r.to_string())
}

fn kind_name(k: &ItemKind) -> &'static str {
    match k {
        ItemKind::SingleChoice { .. } => "single_choice",
        ItemKind::MultipleChoice { .. } => "multiple_choice",
        ItemKind::TrueFalse { .. } => "true_false",
        ItemKind::Numeric { .. } => "numeric",
        ItemKind::Ordering { .. } => "ordering",
        ItemKind::ShortText { .. } => "short_text",
        ItemKind::Icd11Coding { .. } => "icd11_coding",
    }
}

fn version_row(item: Uuid, version: u32, c: &ItemContent, by: &str) -> Result<ItemVersionRow> {
    Ok(ItemVersionRow {
        item_id: item,
        version: i32::try_from(version).map_err(|_| corrupt("item version", version))?,
        competency: c.competency.to_string(),
        difficulty: c.difficulty.as_str().to_owned(),
        item_type: kind_name(&c.kind).to_owned(),
        content: serde_json::to_string(c).map_err(|e| corrupt("item content", e))?,
        content_hash: assessment::content_hash(c),
        created_by: by.to_owned(),
        created_at: now(),
    })
}

fn item_from(v: &ItemVersionRow) -> Result<Item> {
    Ok(Item {
        id: v.item_id,
        version: u32::try_from(v.version).map_err(|e| corrupt("item version", e))?,
        content: serde_json::from_str(&v.content).map_err(|e| corrupt("item content", e))?,
    })
}

fn bank_item(r: BankItemRow) -> Result<BankItem> {
    let item = item_from(&r.version)?;
    Ok(BankItem {
        id: item.id,
        org_id: r.org_id,
        version: item.version,
        content: item.content,
        content_hash: r.version.content_hash,
        retired: r.retired_at.is_some(),
        created_at: r.version.created_at,
    })
}

/// A live item as just written: the content in hand is its version's, so it is not read back.
fn written_item(org_id: Uuid, version: u32, content: ItemContent, v: ItemVersionRow) -> BankItem {
    BankItem {
        id: v.item_id,
        org_id,
        version,
        content,
        content_hash: v.content_hash,
        retired: false,
        created_at: v.created_at,
    }
}

fn assessment_view(r: AssessmentRow) -> Result<AssessmentView> {
    Ok(AssessmentView {
        id: r.id,
        org_id: r.org_id,
        module_id: r.module_id,
        rules: serde_json::from_str(&r.rules).map_err(|e| corrupt("assessment rules", e))?,
        state: AssessmentState::parse(&r.state)
            .ok_or_else(|| corrupt("assessment state", &r.state))?,
        title: r.title,
        description: r.description,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

fn core_attempt(r: &AttemptRow) -> assessment::Attempt {
    assessment::Attempt {
        id: r.id,
        number: u32::try_from(r.number).unwrap_or(0),
        started_at: r.started_at,
        submitted_at: r.submitted_at,
    }
}

fn summary(r: &AttemptRow) -> AttemptSummary {
    AttemptSummary {
        id: r.id,
        assessment_id: r.assessment_id,
        learner_id: r.learner_id,
        number: u32::try_from(r.number).unwrap_or(0),
        started_at: r.started_at,
        deadline: r.deadline,
        submitted_at: r.submitted_at,
        passed: r.passed,
        percent: r.percent_tenths.map(|t| f64::from(t) / 10.0),
    }
}

fn rules_of(r: &AttemptRow) -> Result<Assessment> {
    serde_json::from_str(&r.rules).map_err(|e| corrupt("attempt rules", e))
}

fn form_of(r: &AttemptRow) -> Result<Form> {
    serde_json::from_str(&r.form).map_err(|e| corrupt("attempt form", e))
}

fn attempt_view(r: &AttemptRow, title: &str) -> Result<AttemptView> {
    let form = form_of(r)?;
    let (items, result, feedback) = match &r.result {
        None => (form.public(), None, Vec::new()),
        Some(json) => {
            let result: AttemptResult =
                serde_json::from_str(json).map_err(|e| corrupt("attempt result", e))?;
            let feedback = result
                .items
                .iter()
                .filter_map(|ir| {
                    let item = form.items.iter().find(|i| i.id == ir.item_id)?;
                    Some(ItemFeedback {
                        item_id: ir.item_id,
                        prompt: item.content.prompt.clone(),
                        competency: ir.competency.clone(),
                        credit: ir.credit,
                        earned_milli: ir.earned_milli,
                        max_milli: ir.max_milli,
                        explanation: item.content.explanation.clone(),
                    })
                })
                .collect();
            (Vec::new(), Some(result), feedback)
        }
    };
    Ok(AttemptView {
        id: r.id,
        assessment_id: r.assessment_id,
        assessment_title: title.to_owned(),
        learner_id: r.learner_id,
        number: u32::try_from(r.number).unwrap_or(0),
        started_at: r.started_at,
        deadline: r.deadline,
        submitted_at: r.submitted_at,
        items,
        result,
        feedback,
    })
}

fn text(field: &'static str, v: &str, max: usize, required: bool) -> Result<String> {
    let t = v.trim();
    if required && t.is_empty() {
        return Err(Invalid::new(field, "must not be empty").into());
    }
    let n = t.chars().count();
    if n > max {
        return Err(
            Invalid::new(field, format!("is {n} characters long; the limit is {max}")).into(),
        );
    }
    Ok(t.to_owned())
}

/// The rules of an assessment in sentences, for the learner's introduction.
pub fn rules_in_words(a: &Assessment) -> Vec<String> {
    let mut out = vec![format!(
        "{} question(s), drawn at random from the item bank for each attempt.",
        a.blueprint.total_items()
    )];
    out.push(match a.time_limit_minutes {
        Some(m) => format!(
            "You have {m} minute(s) from the moment you start; answers sent after that are not accepted."
        ),
        None => "There is no time limit.".into(),
    });
    out.push(match a.max_attempts {
        Some(1) => "You may make one attempt.".into(),
        Some(n) => format!("You may make up to {n} attempts."),
        None => "You may make as many attempts as you need.".into(),
    });
    if a.cooldown_minutes > 0 {
        out.push(format!(
            "Attempts must be at least {} minute(s) apart.",
            a.cooldown_minutes
        ));
    }
    out.push(format!(
        "To pass, score at least {}% overall.",
        a.cut_score_percent
    ));
    for m in &a.competency_minimums {
        out.push(format!(
            "You also need at least {}% in competency {}.",
            m.percent, m.competency
        ));
    }
    out
}

impl App {
    /// The provider organization `slug`, if `by` may do `action` in it.
    async fn bank_owner(&self, by: &Principal, slug: &str, action: Action) -> Result<Organization> {
        let org = self.org_unchecked(slug).await?;
        require(by, action, Some(org.id))?;
        if !org.is(OrgKind::Provider) {
            return Err(Invalid::new(
                "org",
                format!(
                    "{} is not a training provider; only providers keep item banks and assessments (an operator can add the provider kind)",
                    org.name
                ),
            )
            .into());
        }
        Ok(org)
    }

    /// Check content and, for ICD-11 items, that every code of the key is in the loaded release.
    async fn checked_item(&self, tx: &mut Tx, content: &ItemContent) -> Result<()> {
        content.check()?;
        if let CompetencyRef::Id(id) = &content.competency
            && tx.conn().competency_facts(*id).await?.is_none()
        {
            return Err(Invalid::new(
                "competency",
                format!(
                    "competency {id} was not found: use a competency of an imported framework, or its code"
                ),
            )
            .into());
        }
        let codes = content.icd11_key_codes();
        if codes.is_empty() {
            return Ok(());
        }
        if tx.conn().icd11_release().await?.is_none() {
            return Err(Invalid::new(
                "expected",
                "no ICD-11 release is loaded on this server, so the answer key cannot be checked; an operator can load one with `cairn icd11 import`",
            )
            .into());
        }
        let mut facts: HashMap<String, CodeFacts> = HashMap::new();
        for code in codes {
            if let Some(e) = tx.conn().icd11_by_code(&code).await? {
                facts.insert(
                    code,
                    CodeFacts {
                        title: e.title,
                        is_extension: e.is_extension,
                        is_leaf: e.is_leaf,
                        is_residual: e.is_residual,
                    },
                );
            }
        }
        content.check_codes(&facts)?;
        Ok(())
    }

    /// Add an item to a provider's bank (its authors and admins).
    pub async fn create_item(
        &self,
        by: &Principal,
        org_slug: &str,
        content: ItemContent,
    ) -> Result<BankItem> {
        let org = self
            .bank_owner(by, org_slug, Action::ItemBankManage)
            .await?;
        let mut tx = self.store.begin().await?;
        let id = Uuid::now_v7();
        let at = now();
        let v = self
            .insert_item_in(&mut tx, org.id, id, &content, &by.actor(), at)
            .await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "item.create",
            format!("item:{id}"),
            json!({"version": 1, "type": v.item_type, "competency": v.competency, "content_hash": v.content_hash}),
        );
        tx.conn().append_audit(&entry, at).await?;
        tx.commit().await?;
        Ok(written_item(org.id, 1, content, v))
    }

    /// Check and store a new item (version 1) in the caller's transaction.
    async fn insert_item_in(
        &self,
        tx: &mut Tx,
        org: Uuid,
        id: Uuid,
        content: &ItemContent,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<ItemVersionRow> {
        self.checked_item(tx, content).await?;
        tx.conn()
            .insert_item(&ItemRow {
                id,
                org_id: org,
                current_version: 1,
                retired_at: None,
                created_at: at,
            })
            .await?;
        let v = ItemVersionRow {
            created_at: at,
            ..version_row(id, 1, content, actor)?
        };
        tx.conn().insert_item_version(&v).await?;
        Ok(v)
    }

    /// The item's row, if `by` may manage its bank.
    async fn managed_item(&self, by: &Principal, id: Uuid) -> Result<ItemRow> {
        let mut r = self.store.reader().await?;
        let row = r
            .conn()
            .item_by_id(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("item {id}")))?;
        require(by, Action::ItemBankManage, Some(row.org_id))?;
        Ok(row)
    }

    /// One item of a bank, current version (the provider's authors and admins).
    pub async fn item(&self, by: &Principal, id: Uuid) -> Result<BankItem> {
        let row = self.managed_item(by, id).await?;
        let mut r = self.store.reader().await?;
        let v = r
            .conn()
            .item_versions(id)
            .await?
            .into_iter()
            .find(|v| v.version == row.current_version)
            .ok_or_else(|| AppError::NotFound(format!("current version of item {id}")))?;
        bank_item(BankItemRow {
            org_id: row.org_id,
            retired_at: row.retired_at,
            version: v,
        })
    }

    /// Edit an item: its versions are frozen, so the edit becomes the next version. Forms
    /// already drawn keep the version they were drawn with.
    pub async fn update_item(
        &self,
        by: &Principal,
        id: Uuid,
        content: ItemContent,
    ) -> Result<BankItem> {
        let row = self.managed_item(by, id).await?;
        if row.retired_at.is_some() {
            return Err(AppError::Conflict(format!(
                "item {id} is retired; write a new item instead"
            )));
        }
        let mut tx = self.store.begin().await?;
        self.checked_item(&mut tx, &content).await?;
        let next = u32::try_from(row.current_version).unwrap_or(0) + 1;
        let v = version_row(id, next, &content, &by.actor())?;
        if !tx
            .conn()
            .advance_item_version(id, row.current_version, v.version)
            .await?
        {
            return Err(AppError::Conflict(format!(
                "item {id} was changed by someone else meanwhile; reload it and edit its latest version"
            )));
        }
        tx.conn().insert_item_version(&v).await?;
        let entry = audit_entry(
            by,
            Some(row.org_id),
            "item.update",
            format!("item:{id}"),
            json!({"version": next, "content_hash": v.content_hash}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(written_item(row.org_id, next, content, v))
    }

    /// Stop drawing an item into new forms. Attempts that used it keep it.
    pub async fn retire_item(&self, by: &Principal, id: Uuid) -> Result<BankItem> {
        let row = self.managed_item(by, id).await?;
        let mut tx = self.store.begin().await?;
        if tx.conn().retire_item(id, now()).await? {
            let entry = audit_entry(
                by,
                Some(row.org_id),
                "item.retire",
                format!("item:{id}"),
                json!({"version": row.current_version}),
            );
            tx.conn().append_audit(&entry, now()).await?;
            tx.commit().await?;
        }
        self.item(by, id).await
    }

    /// A provider's bank: the current version of each item (the provider's authors and admins).
    pub async fn item_bank(
        &self,
        by: &Principal,
        org_slug: &str,
        filter: &BankFilter,
    ) -> Result<(Organization, Vec<BankItem>)> {
        let org = self
            .bank_owner(by, org_slug, Action::ItemBankManage)
            .await?;
        let mut r = self.store.reader().await?;
        let rows = r
            .conn()
            .bank_items(
                org.id,
                &BankQuery {
                    competency: filter
                        .competency
                        .as_deref()
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned),
                    difficulty: filter.difficulty.map(|d| d.as_str().to_owned()),
                    include_retired: filter.include_retired,
                },
            )
            .await?;
        let items = rows.into_iter().map(bank_item).collect::<Result<_>>()?;
        Ok((org, items))
    }

    /// The items a form may be drawn from now: current versions of the bank's live items.
    async fn drawable(tx: &mut Tx, org: Uuid) -> Result<Vec<Item>> {
        let rows = tx.conn().bank_items(org, &BankQuery::default()).await?;
        rows.iter().map(|r| item_from(&r.version)).collect()
    }

    /// Refuse rules the bank cannot serve, naming what is missing.
    async fn check_rules(tx: &mut Tx, org: Uuid, rules: &Assessment) -> Result<()> {
        rules.check()?;
        let bank = Self::drawable(tx, org).await?;
        assessment::draw_form(&bank, &rules.blueprint, 0)
            .map_err(|e| Invalid::new("blueprint", e.to_string()))?;
        Ok(())
    }

    async fn checked_spec(
        &self,
        tx: &mut Tx,
        org: Uuid,
        spec: &AssessmentSpec,
    ) -> Result<(String, String)> {
        let title = text("title", &spec.title, TITLE_MAX_CHARS, true)?;
        let description = text(
            "description",
            &spec.description,
            DESCRIPTION_MAX_CHARS,
            false,
        )?;
        if let Some(m) = spec.module_id {
            let module = tx.conn().module_by_id(m).await?;
            if module.is_none_or(|row| row.org_id != org) {
                return Err(Invalid::new(
                    "module_id",
                    format!("module {m} is not one of this provider's modules"),
                )
                .into());
            }
        }
        Self::check_rules(tx, org, &spec.rules).await?;
        Ok((title, description))
    }

    /// Create an assessment as a draft. Its blueprint must be drawable from the bank as it is.
    pub async fn create_assessment(
        &self,
        by: &Principal,
        org_slug: &str,
        spec: AssessmentSpec,
    ) -> Result<AssessmentView> {
        let org = self
            .bank_owner(by, org_slug, Action::AssessmentManage)
            .await?;
        let mut tx = self.store.begin().await?;
        let (title, description) = self.checked_spec(&mut tx, org.id, &spec).await?;
        let at = now();
        let row = AssessmentRow {
            id: Uuid::now_v7(),
            org_id: org.id,
            module_id: spec.module_id,
            title,
            description,
            rules: serde_json::to_string(&spec.rules).map_err(|e| corrupt("rules", e))?,
            state: AssessmentState::Draft.as_str().to_owned(),
            created_at: at,
            updated_at: at,
        };
        tx.conn().insert_assessment(&row).await?;
        let entry = audit_entry(
            by,
            Some(org.id),
            "assessment.create",
            format!("assessment:{}", row.id),
            json!({"title": row.title, "module": row.module_id}),
        );
        tx.conn().append_audit(&entry, at).await?;
        tx.commit().await?;
        assessment_view(row)
    }

    async fn assessment_row(&self, id: Uuid) -> Result<AssessmentRow> {
        let mut r = self.store.reader().await?;
        r.conn()
            .assessment_by_id(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("assessment {id}")))
    }

    /// The assessment's row, if `by` may manage the provider's assessments.
    async fn managed_assessment(&self, by: &Principal, id: Uuid) -> Result<AssessmentRow> {
        let row = self.assessment_row(id).await?;
        require(by, Action::AssessmentManage, Some(row.org_id))?;
        Ok(row)
    }

    /// Store a changed assessment and the audit event recording it in one commit, so neither
    /// is kept without the other.
    async fn save_assessment(
        &self,
        mut tx: Tx,
        by: &Principal,
        row: AssessmentRow,
        action: &str,
        detail: serde_json::Value,
    ) -> Result<AssessmentView> {
        tx.conn().update_assessment(&row).await?;
        let entry = audit_entry(
            by,
            Some(row.org_id),
            action,
            format!("assessment:{}", row.id),
            detail,
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        assessment_view(row)
    }

    /// Change an assessment's title, description, module or rules. Attempts already started
    /// keep the rules they started under.
    pub async fn update_assessment(
        &self,
        by: &Principal,
        id: Uuid,
        spec: AssessmentSpec,
    ) -> Result<AssessmentView> {
        let before = self.managed_assessment(by, id).await?;
        if before.state == AssessmentState::Retired.as_str() {
            return Err(AppError::Conflict(format!(
                "assessment {id} is retired and can no longer be changed"
            )));
        }
        let mut tx = self.store.begin().await?;
        let (title, description) = self.checked_spec(&mut tx, before.org_id, &spec).await?;
        let row = AssessmentRow {
            module_id: spec.module_id,
            title,
            description,
            rules: serde_json::to_string(&spec.rules).map_err(|e| corrupt("rules", e))?,
            updated_at: now(),
            ..before
        };
        let detail = json!({"title": row.title, "rules": spec.rules});
        self.save_assessment(tx, by, row, "assessment.update", detail)
            .await
    }

    /// Open an assessment to learners, once its bank can draw its forms.
    pub async fn publish_assessment(&self, by: &Principal, id: Uuid) -> Result<AssessmentView> {
        let before = self.managed_assessment(by, id).await?;
        let view = assessment_view(before.clone())?;
        match view.state {
            AssessmentState::Published => return Ok(view),
            AssessmentState::Retired => {
                return Err(AppError::Conflict(format!(
                    "assessment {id} is retired; create a new assessment instead"
                )));
            }
            AssessmentState::Draft => {}
        }
        let mut tx = self.store.begin().await?;
        Self::check_rules(&mut tx, before.org_id, &view.rules).await?;
        let row = AssessmentRow {
            state: AssessmentState::Published.as_str().to_owned(),
            updated_at: now(),
            ..before
        };
        let detail = json!({"title": row.title});
        self.save_assessment(tx, by, row, "assessment.publish", detail)
            .await
    }

    /// Withdraw an assessment: no new attempts start; attempts already made keep their results.
    pub async fn retire_assessment(&self, by: &Principal, id: Uuid) -> Result<AssessmentView> {
        let before = self.managed_assessment(by, id).await?;
        if before.state == AssessmentState::Retired.as_str() {
            return assessment_view(before);
        }
        let tx = self.store.begin().await?;
        let row = AssessmentRow {
            state: AssessmentState::Retired.as_str().to_owned(),
            updated_at: now(),
            ..before
        };
        let detail = json!({"title": row.title});
        self.save_assessment(tx, by, row, "assessment.retire", detail)
            .await
    }

    /// An assessment: published ones for anyone signed in, drafts for the provider only.
    pub async fn assessment(&self, by: &Principal, id: Uuid) -> Result<AssessmentView> {
        let row = self.assessment_row(id).await?;
        let view = assessment_view(row)?;
        if view.state != AssessmentState::Published
            && !by.may(Action::AssessmentManage, Some(view.org_id))
        {
            return Err(AppError::NotFound(format!("assessment {id}")));
        }
        Ok(view)
    }

    /// An organization's assessments: all of them for its managers, published ones for others.
    pub async fn org_assessments(
        &self,
        by: &Principal,
        org_slug: &str,
    ) -> Result<(Organization, Vec<AssessmentView>)> {
        let org = self.org_unchecked(org_slug).await?;
        let all = by.may(Action::AssessmentManage, Some(org.id));
        let mut r = self.store.reader().await?;
        let rows = r.conn().assessments_of_org(org.id, !all).await?;
        let list = rows
            .into_iter()
            .map(assessment_view)
            .collect::<Result<_>>()?;
        Ok((org, list))
    }

    /// The published assessments of a module, for its page.
    pub async fn module_assessments(&self, module_id: Uuid) -> Result<Vec<AssessmentView>> {
        let mut r = self.store.reader().await?;
        let rows = r.conn().assessments_of_module(module_id).await?;
        rows.into_iter().map(assessment_view).collect()
    }

    /// The signed-in learner's own attempts at an assessment, first to last.
    pub async fn my_attempts(
        &self,
        by: &Principal,
        assessment_id: Uuid,
    ) -> Result<Vec<AttemptSummary>> {
        let me = learner(by)?;
        self.assessment(by, assessment_id).await?;
        let mut r = self.store.reader().await?;
        let rows = r.conn().attempts_of_learner(assessment_id, me).await?;
        Ok(rows.iter().map(summary).collect())
    }

    /// Every attempt at an assessment, newest first (the provider's assessment managers).
    pub async fn assessment_attempts(
        &self,
        by: &Principal,
        assessment_id: Uuid,
    ) -> Result<Vec<AttemptSummary>> {
        self.managed_assessment(by, assessment_id).await?;
        let mut r = self.store.reader().await?;
        let rows = r
            .conn()
            .attempts_at_assessment(assessment_id, ATTEMPTS_LIST_MAX)
            .await?;
        Ok(rows.iter().map(summary).collect())
    }

    /// What the learner's introduction page shows.
    pub async fn assessment_intro(
        &self,
        by: &Principal,
        assessment_id: Uuid,
    ) -> Result<AssessmentIntro> {
        let view = self.assessment(by, assessment_id).await?;
        let can_manage = by.may(Action::AssessmentManage, Some(view.org_id));
        let rows = match by.user_id() {
            Some(me) => {
                let mut r = self.store.reader().await?;
                r.conn().attempts_of_learner(assessment_id, me).await?
            }
            None => Vec::new(),
        };
        let previous: Vec<_> = rows.iter().map(core_attempt).collect();
        let at = now();
        let refusal = if view.state != AssessmentState::Published {
            Some("This assessment is not published yet, so it cannot be taken.".to_owned())
        } else {
            assessment::check_start(&view.rules, &previous, at)
                .err()
                .map(|r| r.to_string())
        };
        let open_attempt = rows
            .iter()
            .find(|r| {
                r.submitted_at.is_none()
                    && assessment::check_submission(&view.rules, &core_attempt(r), at).is_ok()
            })
            .map(|r| r.id);
        Ok(AssessmentIntro {
            assessment: view,
            attempts: rows.iter().map(summary).collect(),
            open_attempt,
            refusal,
            can_manage,
        })
    }

    /// Start an attempt: the rules are checked against the learner's earlier attempts, a
    /// form is drawn from the bank with a seed derived from the attempt's id, and the form
    /// (with its keys, which never leave the server) and the rules are kept with the attempt.
    pub async fn start_attempt(&self, by: &Principal, assessment_id: Uuid) -> Result<AttemptView> {
        let me = learner(by)?;
        let view = self.assessment(by, assessment_id).await?;
        if view.state != AssessmentState::Published {
            return Err(AppError::Conflict(
                "this assessment is not published, so it cannot be taken yet".into(),
            ));
        }
        let mut tx = self.store.begin().await?;
        let rows = tx.conn().attempts_of_learner(assessment_id, me).await?;
        let previous: Vec<_> = rows.iter().map(core_attempt).collect();
        let at = now();
        assessment::check_start(&view.rules, &previous, at).map_err(refusal)?;
        let id = Uuid::now_v7();
        let bank = Self::drawable(&mut tx, view.org_id).await?;
        let form = assessment::draw_form(&bank, &view.rules.blueprint, assessment::form_seed(id))
            .map_err(|e| {
                AppError::Conflict(format!(
                    "This assessment cannot be started now because its item bank no longer matches its blueprint ({e}). Please tell the provider."
                ))
            })?;
        let number = i32::try_from(previous.len() + 1).unwrap_or(i32::MAX);
        let row = AttemptRow {
            id,
            assessment_id,
            learner_id: me,
            number,
            rules: serde_json::to_string(&view.rules).map_err(|e| corrupt("rules", e))?,
            form: serde_json::to_string(&form).map_err(|e| corrupt("form", e))?,
            started_at: at,
            deadline: view.rules.deadline(at),
            submitted_at: None,
            responses: None,
            result: None,
            passed: None,
            percent_tenths: None,
        };
        if !tx.conn().insert_attempt(&row).await? {
            return Err(AppError::Conflict(format!(
                "Attempt {number} at this assessment was started at the same moment from another window; continue that attempt from the assessment page."
            )));
        }
        let entry = audit_entry(
            by,
            Some(view.org_id),
            "attempt.start",
            format!("attempt:{id}"),
            json!({"assessment": assessment_id, "learner": me, "number": number, "items": form.items.len()}),
        );
        tx.conn().append_audit(&entry, at).await?;
        tx.commit().await?;
        attempt_view(&row, &view.title)
    }

    /// The attempt row, if `by` is its learner or manages its assessment; otherwise it is
    /// "not found", so nobody learns whose attempts exist.
    async fn visible_attempt(&self, by: &Principal, id: Uuid) -> Result<(AttemptRow, String)> {
        let mut r = self.store.reader().await?;
        let row = r
            .conn()
            .attempt_by_id(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("attempt {id}")))?;
        let a = r
            .conn()
            .assessment_by_id(row.assessment_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("attempt {id}")))?;
        let mine = by.user_id() == Some(row.learner_id);
        if !mine && !by.may(Action::AssessmentManage, Some(a.org_id)) {
            return Err(AppError::NotFound(format!("attempt {id}")));
        }
        Ok((row, a.title))
    }

    /// An attempt: open, its questions without keys; submitted, its result and feedback.
    pub async fn attempt(&self, by: &Principal, id: Uuid) -> Result<AttemptView> {
        let (row, title) = self.visible_attempt(by, id).await?;
        attempt_view(&row, &title)
    }

    /// Submit answers (keyed by item id). Scored once: a second submission, or one after
    /// the time limit and its grace, is refused with a sentence saying when to try again.
    /// A scored attempt is handed to the award rules in the same transaction.
    pub async fn submit_attempt(
        &self,
        by: &Principal,
        id: Uuid,
        responses: BTreeMap<Uuid, Response>,
    ) -> Result<AttemptView> {
        let me = learner(by)?;
        let mut tx = self.store.begin().await?;
        let row = tx
            .conn()
            .attempt_by_id(id)
            .await?
            .filter(|r| r.learner_id == me)
            .ok_or_else(|| AppError::NotFound(format!("attempt {id}")))?;
        let assessment_row = tx
            .conn()
            .assessment_by_id(row.assessment_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("assessment {}", row.assessment_id)))?;
        let rules = rules_of(&row)?;
        let at = now();
        assessment::check_submission(&rules, &core_attempt(&row), at).map_err(refusal)?;
        let form = form_of(&row)?;
        let result = assessment::score_attempt(&rules, &form, &responses);
        let result_json = serde_json::to_string(&result).map_err(|e| corrupt("result", e))?;
        let responses_json =
            serde_json::to_string(&responses).map_err(|e| corrupt("responses", e))?;
        // The figure is already rounded down to tenths; this only moves the decimal point.
        let percent_tenths = (result.percent * 10.0).round() as i32;
        let stored = tx
            .conn()
            .submit_attempt(
                id,
                &AttemptScore {
                    submitted_at: at,
                    responses: &responses_json,
                    result: &result_json,
                    passed: result.passed,
                    percent_tenths,
                },
            )
            .await?;
        if !stored {
            drop(tx);
            let mut r = self.store.reader().await?;
            let now_row = r.conn().attempt_by_id(id).await?;
            let submitted_at = now_row.and_then(|r| r.submitted_at).unwrap_or(at);
            let done = assessment::Attempt {
                submitted_at: Some(submitted_at),
                ..core_attempt(&row)
            };
            return Err(match assessment::check_submission(&rules, &done, at) {
                Err(r) => refusal(r),
                Ok(()) => AppError::Conflict("this attempt was already submitted".into()),
            });
        }
        let entry = audit_entry(
            by,
            Some(assessment_row.org_id),
            "attempt.score",
            format!("attempt:{id}"),
            json!({
                "learner": me,
                "assessment": row.assessment_id,
                "assessment_title": assessment_row.title,
                "number": row.number,
                "percent": result.percent,
                "passed": result.passed,
                "explanation": result.explanation,
            }),
        );
        tx.conn().append_audit(&entry, at).await?;
        self.awards_after_attempt(&mut tx, me, row.assessment_id)
            .await?;
        self.report_attempt(&mut tx, &assessment_row, &row, &result, at)
            .await?;
        tx.commit().await?;
        self.process_awards().await;
        let scored = AttemptRow {
            submitted_at: Some(at),
            responses: Some(responses_json),
            result: Some(result_json),
            passed: Some(result.passed),
            percent_tenths: Some(percent_tenths),
            ..row
        };
        attempt_view(&scored, &assessment_row.title)
    }
}

impl App {
    /// Demo step: item banks (ICD-11 coding items among them) and assessments for the demo
    /// modules. Runs after the main demo transaction has committed.
    pub(crate) async fn seed_demo_assessments(&self, orgs: &[Organization]) -> Result<()> {
        demo::seed(self, orgs).await
    }
}

/// The demo's item banks and published assessments. Ids come from a generator of this
/// step's own, so every demo database has the same assessments at the same ids.
mod demo {
    use cairn_core::assessment::{
        Blueprint, BlueprintCell, CompetencyMinimum, Difficulty::*, TextMatch,
    };
    use cairn_core::rng::SeededRng;

    use super::*;

    const NB: &str = "northbridge-academy";
    const RHWC: &str = "rhwc";

    fn item(
        competency: &str,
        difficulty: Difficulty,
        points: u32,
        prompt: &str,
        kind: ItemKind,
        explanation: &str,
    ) -> ItemContent {
        ItemContent {
            competency: CompetencyRef::Code(competency.into()),
            difficulty,
            points,
            prompt: prompt.into(),
            kind,
            explanation: Some(explanation.into()),
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    fn single(options: &[&str], correct: usize) -> ItemKind {
        ItemKind::SingleChoice {
            options: strings(options),
            correct,
        }
    }

    fn multiple(options: &[&str], correct: &[usize]) -> ItemKind {
        ItemKind::MultipleChoice {
            options: strings(options),
            correct: correct.to_vec(),
        }
    }

    fn true_false(correct: bool) -> ItemKind {
        ItemKind::TrueFalse { correct }
    }

    fn coding(vignette: &str, expected: &str) -> ItemKind {
        ItemKind::Icd11Coding {
            vignette: vignette.into(),
            expected: expected.into(),
        }
    }

    const CODE_IT: &str =
        "Code this case in ICD-11 MMS. Join extension codes with & and further stem codes with /.";

    /// (provider, item)
    fn items() -> Vec<(&'static str, ItemContent)> {
        vec![
            // ICD-11 foundations (ICD.1): structure of the classification.
            (
                NB,
                item(
                    "ICD.1",
                    Easy,
                    1,
                    "Which ICD-11 linearization do coders use for morbidity and mortality statistics?",
                    single(
                        &[
                            "The Foundation",
                            "The MMS (Mortality and Morbidity Statistics)",
                            "ICD-10-CM",
                            "The tabular index",
                        ],
                        1,
                    ),
                    "The Foundation holds every entity; the MMS linearization is what coders code with.",
                ),
            ),
            (
                NB,
                item(
                    "ICD.1",
                    Easy,
                    1,
                    "An extension code (chapter X) may be reported on its own, without a stem code.",
                    true_false(false),
                    "Extension codes only ever qualify a stem code; they are joined to it with &.",
                ),
            ),
            (
                NB,
                item(
                    "ICD.1",
                    Easy,
                    1,
                    "ICD-11 came into effect for recording and reporting on 1 January 2022.",
                    true_false(true),
                    "The World Health Assembly adopted ICD-11 in 2019; it came into effect on 1 January 2022.",
                ),
            ),
            (
                NB,
                item(
                    "ICD.1",
                    Easy,
                    1,
                    "How many chapters does the ICD-11 MMS have (counting the extension codes and the supplementary chapters)?",
                    ItemKind::Numeric {
                        correct: 28.0,
                        tolerance: 0.0,
                        unit: Some("chapters".into()),
                    },
                    "ICD-11 MMS has 28 chapters, including new ones for sleep–wake disorders and conditions related to sexual health.",
                ),
            ),
            (
                NB,
                item(
                    "ICD.1",
                    Easy,
                    1,
                    "Which character joins an extension code to a stem code in a cluster?",
                    ItemKind::ShortText {
                        accepted: strings(&["&"]),
                        matching: TextMatch::Exact,
                    },
                    "& attaches an extension code; / joins two stem codes.",
                ),
            ),
            // Stem codes (ICD.2): exact coding from short vignettes.
            (
                NB,
                item(
                    "ICD.2",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "A 58-year-old man with a raised HbA1c on two occasions is started on metformin for newly diagnosed type 2 diabetes. No complications are documented.",
                        "5A11",
                    ),
                    "Type 2 diabetes mellitus is 5A11; with no complications documented there is nothing to add.",
                ),
            ),
            (
                NB,
                item(
                    "ICD.2",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "A traveller returning from an outbreak area has profuse watery diarrhoea; stool culture grows Vibrio cholerae O1.",
                        "1A00",
                    ),
                    "Cholera is 1A00 in chapter 1, certain infectious or parasitic diseases.",
                ),
            ),
            (
                NB,
                item(
                    "ICD.2",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "A 14-year-old presents in ketoacidosis and is diagnosed with type 1 diabetes mellitus.",
                        "5A10",
                    ),
                    "Type 1 diabetes mellitus is 5A10; 5A11 would be type 2.",
                ),
            ),
            (
                NB,
                item(
                    "ICD.2",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "A 62-year-old woman's clinic readings confirm essential (primary) hypertension; no secondary cause was found.",
                        "BA00",
                    ),
                    "Essential hypertension is BA00.",
                ),
            ),
            // Postcoordination (ICD.3): clusters with extension codes.
            (
                NB,
                item(
                    "ICD.3",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "An 81-year-old woman fell at home. X-ray: displaced fracture of the neck of the RIGHT femur.",
                        "NC72.2&XK9K",
                    ),
                    "Fracture of neck of femur is NC72.2; laterality is an extension code: right is XK9K. The stem alone earns half the credit.",
                ),
            ),
            (
                NB,
                item(
                    "ICD.3",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "A 70-year-old man is admitted to intensive care with SEVERE community-acquired pneumonia.",
                        "CA40&XS25",
                    ),
                    "Pneumonia is CA40; the documented severity adds XS25 (severe).",
                ),
            ),
            (
                NB,
                item(
                    "ICD.3",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "A 45-year-old with long-standing, CHRONIC type 2 diabetes mellitus attends the annual review.",
                        "5A11&XT8W",
                    ),
                    "Type 2 diabetes mellitus is 5A11; the documented course adds XT8W (chronic).",
                ),
            ),
            (
                NB,
                item(
                    "ICD.3",
                    Medium,
                    1,
                    "Which of these are extension codes?",
                    multiple(&["XK9K", "5A11", "XS25", "CA40"], &[0, 2]),
                    "Extension codes start with X: XK9K (right) and XS25 (severe). 5A11 and CA40 are stem codes.",
                ),
            ),
            (
                NB,
                item(
                    "ICD.3",
                    Hard,
                    3,
                    CODE_IT,
                    coding(
                        "A patient with type 2 diabetes mellitus is treated during the same stay for MILD cholera acquired on a trip; the cholera is the main condition.",
                        "1A00&XS5W/5A11",
                    ),
                    "The main condition comes first: 1A00 with XS5W (mild), then / and 5A11 for the diabetes.",
                ),
            ),
            (
                NB,
                item(
                    "ICD.3",
                    Hard,
                    2,
                    "Put the steps of coding a case with postcoordination in order.",
                    ItemKind::Ordering {
                        options: strings(&[
                            "Read the documentation and identify the main condition",
                            "Find the stem code in the MMS",
                            "Add the extension codes the documentation supports",
                            "Add further stem codes for other conditions, joined with /",
                        ]),
                    },
                    "Start from the documentation, choose the stem, qualify it, then cluster further conditions.",
                ),
            ),
            // The council's coding simulator bank (ICD.2), partial credit when laterality is missed.
            (
                RHWC,
                item(
                    "ICD.2",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "Emergency department: an 88-year-old man with a fall on the stairs; imaging shows a fracture of the neck of the RIGHT femur.",
                        "NC72.2&XK9K",
                    ),
                    "NC72.2 for the fracture of the neck of femur, XK9K for the right side.",
                ),
            ),
            (
                RHWC,
                item(
                    "ICD.2",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "Emergency department: a 35-year-old with fever, productive cough and consolidation on chest X-ray; diagnosis pneumonia.",
                        "CA40",
                    ),
                    "Pneumonia is CA40; no severity was documented, so none is added.",
                ),
            ),
            (
                RHWC,
                item(
                    "ICD.2",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "Emergency department: a 66-year-old with polyuria; known type 2 diabetes mellitus, poorly controlled.",
                        "5A11",
                    ),
                    "Type 2 diabetes mellitus is 5A11.",
                ),
            ),
            (
                RHWC,
                item(
                    "ICD.2",
                    Medium,
                    2,
                    CODE_IT,
                    coding(
                        "Emergency department: a returning aid worker with rice-water stools and SEVERE dehydration; cholera confirmed.",
                        "1A00&XS25",
                    ),
                    "Cholera is 1A00; severe is XS25.",
                ),
            ),
            // Value-based care (VBC.1).
            (
                RHWC,
                item(
                    "VBC.1",
                    Easy,
                    1,
                    "In value-based care, providers are paid mainly for…",
                    single(
                        &[
                            "the number of services delivered",
                            "the outcomes achieved relative to cost",
                            "the length of each stay",
                            "the number of beds",
                        ],
                        1,
                    ),
                    "Value is outcomes that matter to patients relative to the cost of achieving them.",
                ),
            ),
            (
                RHWC,
                item(
                    "VBC.1",
                    Easy,
                    1,
                    "A bundled payment covers all services for one episode of care at a single price.",
                    true_false(true),
                    "Bundles share the risk of the whole episode between payer and providers.",
                ),
            ),
            (
                RHWC,
                item(
                    "VBC.1",
                    Easy,
                    1,
                    "Which of these are outcome measures (rather than process measures)?",
                    multiple(
                        &[
                            "30-day readmission rate",
                            "Share of patients given a discharge leaflet",
                            "Mortality after hip fracture",
                            "Number of clinic appointments offered",
                        ],
                        &[0, 2],
                    ),
                    "Readmissions and mortality are outcomes; leaflets and appointments offered are processes.",
                ),
            ),
            (
                RHWC,
                item(
                    "VBC.1",
                    Medium,
                    2,
                    "An episode's target price is 12,000 and the actual cost 10,800. What share of the target was saved, in percent?",
                    ItemKind::Numeric {
                        correct: 10.0,
                        tolerance: 0.5,
                        unit: Some("%".into()),
                    },
                    "(12,000 − 10,800) / 12,000 = 10%.",
                ),
            ),
            (
                RHWC,
                item(
                    "VBC.1",
                    Medium,
                    2,
                    "Under fee-for-service, a hospital earns more when…",
                    single(
                        &[
                            "patients stay healthy",
                            "it delivers more services",
                            "readmissions fall",
                            "it shares savings with payers",
                        ],
                        1,
                    ),
                    "Fee-for-service pays per service, which rewards volume rather than value.",
                ),
            ),
            // Privacy and confidentiality (REG.1).
            (
                RHWC,
                item(
                    "REG.1",
                    Easy,
                    1,
                    "A colleague not involved in a patient's care asks for their diagnosis 'out of concern'. What do you do?",
                    single(
                        &[
                            "Share it, they are staff",
                            "Decline: only people involved in the care may access it",
                            "Share it if the patient is a friend of theirs",
                            "Print the record for them",
                        ],
                        1,
                    ),
                    "Access follows the need to know for care, not employment.",
                ),
            ),
            (
                RHWC,
                item(
                    "REG.1",
                    Easy,
                    1,
                    "Looking up your own family member's record without a care reason is a privacy breach.",
                    true_false(true),
                    "Relationship is not a care reason; most breaches investigated are exactly this.",
                ),
            ),
            (
                RHWC,
                item(
                    "REG.1",
                    Easy,
                    1,
                    "Which of these are identifiers that make health data personal data?",
                    multiple(
                        &[
                            "Name",
                            "Date of birth with postcode",
                            "The national average length of stay",
                            "Medical record number",
                        ],
                        &[0, 1, 3],
                    ),
                    "A national average identifies nobody; the others single a person out.",
                ),
            ),
            (
                RHWC,
                item(
                    "REG.1",
                    Easy,
                    1,
                    "You sent a discharge letter to the wrong patient. Who must you tell first, according to most privacy policies?",
                    single(
                        &[
                            "Nobody, if the recipient deletes it",
                            "Your privacy or information governance lead",
                            "The local newspaper",
                            "Only the patient's GP",
                        ],
                        1,
                    ),
                    "Report breaches promptly to the privacy lead, who decides on notifying the patient and the regulator.",
                ),
            ),
        ]
    }

    struct DemoAssessment {
        provider: &'static str,
        module_title: &'static str,
        title: &'static str,
        description: &'static str,
        cells: &'static [(&'static str, Difficulty, u32)],
        time_limit_minutes: Option<u32>,
        max_attempts: Option<u32>,
        cooldown_minutes: u32,
        cut_score_percent: u8,
        minimums: &'static [(&'static str, u8)],
    }

    const ASSESSMENTS: &[DemoAssessment] = &[
        DemoAssessment {
            provider: NB,
            module_title: "ICD-11 foundations: stem codes and the MMS",
            title: "ICD-11 foundations assessment",
            description: "The standardized check of ICD-11 structure and stem coding: three questions on the classification and two short clinical vignettes to code.",
            cells: &[("ICD.1", Easy, 3), ("ICD.2", Medium, 2)],
            time_limit_minutes: Some(15),
            max_attempts: Some(3),
            cooldown_minutes: 10,
            cut_score_percent: 80,
            minimums: &[],
        },
        DemoAssessment {
            provider: NB,
            module_title: "ICD-11 postcoordination: clusters with extension codes",
            title: "ICD-11 postcoordination assessment",
            description: "Code clinical vignettes with postcoordinated clusters. Getting the stem right earns part of the credit; the extension codes earn the rest.",
            cells: &[
                ("ICD.3", Medium, 3),
                ("ICD.3", Hard, 1),
                ("ICD.2", Medium, 1),
            ],
            time_limit_minutes: Some(20),
            max_attempts: Some(3),
            cooldown_minutes: 60,
            cut_score_percent: 80,
            minimums: &[("ICD.3", 75)],
        },
        DemoAssessment {
            provider: RHWC,
            module_title: "ICD-11 coding simulator: emergency department cases",
            title: "Emergency department coding assessment",
            description: "Three emergency department cases to code in ICD-11, drawn at random from the council's bank.",
            cells: &[("ICD.2", Medium, 3)],
            time_limit_minutes: Some(30),
            max_attempts: None,
            cooldown_minutes: 30,
            cut_score_percent: 80,
            minimums: &[],
        },
        DemoAssessment {
            provider: RHWC,
            module_title: "Value-based care: from volume to outcomes",
            title: "Value-based care assessment",
            description: "Payment models, outcome measures and a savings calculation.",
            cells: &[("VBC.1", Easy, 2), ("VBC.1", Medium, 1)],
            time_limit_minutes: None,
            max_attempts: None,
            cooldown_minutes: 0,
            cut_score_percent: 75,
            minimums: &[],
        },
        DemoAssessment {
            provider: RHWC,
            module_title: "Patient privacy and confidentiality essentials",
            title: "Privacy and data protection assessment",
            description: "Everyday privacy scenarios: who may see what, identifiers, and what to do after a mistake.",
            cells: &[("REG.1", Easy, 3)],
            time_limit_minutes: Some(10),
            max_attempts: Some(2),
            cooldown_minutes: 60,
            cut_score_percent: 85,
            minimums: &[],
        },
    ];

    fn rules(d: &DemoAssessment) -> Assessment {
        Assessment {
            blueprint: Blueprint {
                cells: d
                    .cells
                    .iter()
                    .map(|(c, difficulty, count)| BlueprintCell {
                        competency: CompetencyRef::Code((*c).into()),
                        difficulty: *difficulty,
                        count: *count,
                    })
                    .collect(),
            },
            time_limit_minutes: d.time_limit_minutes,
            max_attempts: d.max_attempts,
            cooldown_minutes: d.cooldown_minutes,
            cut_score_percent: d.cut_score_percent,
            competency_minimums: d
                .minimums
                .iter()
                .map(|(c, p)| CompetencyMinimum {
                    competency: CompetencyRef::Code((*c).into()),
                    percent: *p,
                })
                .collect(),
        }
    }

    pub(super) async fn seed(app: &App, orgs: &[Organization]) -> Result<()> {
        let mut rng = SeededRng::new(crate::demo::DEMO_SEED ^ 0x6173_7365_7373);
        // The demo world's own start (2026-01-01), as the other demo steps use.
        let at = OffsetDateTime::from_unix_timestamp(1_767_225_600)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let org = |slug: &str| orgs.iter().find(|o| o.slug == slug).map(|o| o.id);
        let mut tx = app.store.begin().await?;
        let mut n_items = 0;
        for (provider, content) in items() {
            let id = rng.uuid();
            let Some(org_id) = org(provider) else {
                continue;
            };
            app.insert_item_in(&mut tx, org_id, id, &content, "system", at)
                .await?;
            n_items += 1;
        }
        let mut seeded = Vec::new();
        for d in ASSESSMENTS {
            let id = rng.uuid();
            let Some(org_id) = org(d.provider) else {
                continue;
            };
            let module_id = tx
                .conn()
                .modules_of_org(org_id)
                .await?
                .into_iter()
                .find(|v| v.title == d.module_title)
                .map(|v| v.module_id);
            let rules = rules(d);
            App::check_rules(&mut tx, org_id, &rules).await?;
            tx.conn()
                .insert_assessment(&AssessmentRow {
                    id,
                    org_id,
                    module_id,
                    title: d.title.into(),
                    description: d.description.into(),
                    rules: serde_json::to_string(&rules).map_err(|e| corrupt("rules", e))?,
                    state: AssessmentState::Published.as_str().into(),
                    created_at: at,
                    updated_at: at,
                })
                .await?;
            seeded.push(json!({"id": id, "title": d.title}));
        }
        let entry = audit_entry(
            &Principal::system(),
            None,
            "demo.assessments",
            "demo".into(),
            json!({"items": n_items, "assessments": seeded}),
        );
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use cairn_core::assessment::{Blueprint, BlueprintCell, CompetencyMinimum};

    use super::*;

    #[test]
    fn rules_read_as_sentences_a_learner_can_act_on() {
        let mut a = Assessment {
            blueprint: Blueprint {
                cells: vec![BlueprintCell {
                    competency: CompetencyRef::Code("ICD.3".into()),
                    difficulty: Difficulty::Medium,
                    count: 4,
                }],
            },
            time_limit_minutes: Some(20),
            max_attempts: Some(3),
            cooldown_minutes: 60,
            cut_score_percent: 80,
            competency_minimums: vec![CompetencyMinimum {
                competency: CompetencyRef::Code("ICD.3".into()),
                percent: 75,
            }],
        };
        assert_eq!(
            rules_in_words(&a),
            [
                "4 question(s), drawn at random from the item bank for each attempt.",
                "You have 20 minute(s) from the moment you start; answers sent after that are not accepted.",
                "You may make up to 3 attempts.",
                "Attempts must be at least 60 minute(s) apart.",
                "To pass, score at least 80% overall.",
                "You also need at least 75% in competency ICD.3.",
            ]
        );
        a.time_limit_minutes = None;
        a.max_attempts = None;
        a.cooldown_minutes = 0;
        a.competency_minimums.clear();
        let words = rules_in_words(&a);
        assert!(words.contains(&"There is no time limit.".to_owned()));
        assert!(words.contains(&"You may make as many attempts as you need.".to_owned()));
        assert_eq!(words.len(), 4);
    }
}
