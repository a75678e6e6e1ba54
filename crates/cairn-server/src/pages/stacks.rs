//! Pages for stacks: a learner's stacks with their pictures and a planned path to each, and
//! an issuer's stacks with a form-based editor (no script: the picture is redrawn on save).

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_app::credentials::NewAchievement;
use cairn_app::pathways::{PartState, StackProgress};
use cairn_core::stacks::{CreditsMilli, RevocationPolicy, StackRule, StackSpec, format_credits};
use cairn_core::{Achievement, AchievementKind, AchievementSpec};
use uuid::Uuid;

use super::stack_svg::{NodeState, StackNode, stack_svg, summary};
use super::{SignedInForm, Who, error_page, page, see_other, who};
use crate::AppState;
use crate::auth::SignedIn;
use crate::i18n::t;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/stacks", get(my_stacks_page))
        .route("/me/pathways/{id}", get(pathway_page))
        .route("/orgs/{slug}/stacks", get(org_stacks_page))
        .route("/orgs/{slug}/stacks/new", get(new_form).post(new_submit))
        .route(
            "/orgs/{slug}/stacks/{id}/edit",
            get(edit_form).post(edit_submit),
        )
}

/// An achievement kind's name ("Badge", "Micro-credential"…) in the reader's language.
fn kind_label(k: AchievementKind) -> String {
    t(match k {
        AchievementKind::Badge => "stack-kind-badge",
        AchievementKind::MicroCredential => "stack-kind-micro-credential",
        AchievementKind::NanoDegree => "stack-kind-nano-degree",
        AchievementKind::Certificate => "stack-kind-certificate",
    })
    .to_string()
}

fn node_state(s: PartState) -> NodeState {
    match s {
        PartState::Held => NodeState::Held,
        PartState::Expiring => NodeState::Expiring,
        PartState::Suspended => NodeState::Suspended,
        PartState::Missing => NodeState::Missing,
        PartState::Unknown => NodeState::Unknown,
    }
}

/// The picture's tree: `planned` parts are drawn as planned, `link` gives each box its
/// address (if any).
fn to_node(
    p: &StackProgress,
    planned: &BTreeSet<Uuid>,
    link: &dyn Fn(&StackProgress) -> Option<String>,
) -> StackNode {
    let state = if p.state == PartState::Missing && planned.contains(&p.achievement_id) {
        NodeState::Planned
    } else {
        node_state(p.state)
    };
    StackNode {
        name: p.name.clone(),
        kind: kind_label(p.kind),
        state,
        rule: p.rule_short.clone(),
        credits: p.credits.filter(|c| *c > 0).map(format_credits),
        link: link(p),
        children: p
            .children
            .iter()
            .map(|c| to_node(c, planned, link))
            .collect(),
    }
}

/// One stack with its picture, as the pages list them.
struct StackView {
    id: Uuid,
    name: String,
    kind: String,
    state: String,
    rule: String,
    missing: Vec<String>,
    /// (name, held?)
    prerequisites: Vec<(String, bool)>,
    svg: String,
    summary: String,
    held: bool,
}

fn state_words(s: PartState) -> String {
    let id = match s {
        PartState::Held => "stack-state-held",
        PartState::Expiring => "stack-state-expiring",
        PartState::Suspended => "stack-state-suspended",
        PartState::Missing => "stack-state-missing",
        PartState::Unknown => return String::new(),
    };
    t(id).to_string()
}

fn view(
    p: &StackProgress,
    planned: &BTreeSet<Uuid>,
    link: &dyn Fn(&StackProgress) -> Option<String>,
) -> StackView {
    let node = to_node(p, planned, link);
    StackView {
        id: p.achievement_id,
        name: p.name.clone(),
        kind: kind_label(p.kind),
        state: state_words(p.state),
        rule: p.rule.clone().unwrap_or_default(),
        missing: p.missing.clone(),
        prerequisites: p
            .prerequisites
            .iter()
            .map(|x| {
                (
                    x.name.clone(),
                    matches!(x.state, PartState::Held | PartState::Expiring),
                )
            })
            .collect(),
        svg: stack_svg(&node),
        summary: summary(&node),
        held: matches!(p.state, PartState::Held | PartState::Expiring),
    }
}

fn plan_link(p: &StackProgress) -> Option<String> {
    (!matches!(p.state, PartState::Held | PartState::Expiring))
        .then(|| format!("/me/pathways/{}", p.achievement_id))
}

#[derive(Template, WebTemplate)]
#[template(path = "my_stacks.html")]
struct MyStacksPage {
    who: Who,
    stacks: Vec<StackView>,
}

async fn my_stacks_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    page(s.app.my_stacks(&session.principal).await.map(|stacks| {
        MyStacksPage {
            who: who(&session),
            stacks: stacks
                .iter()
                .map(|p| view(p, &BTreeSet::new(), &plan_link))
                .collect(),
        }
    }))
}

struct PlanLine {
    achievement: String,
    /// (kind, title, minutes)
    step: Option<(String, String, u32)>,
    why: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pathway.html")]
struct PathwayPage {
    who: Who,
    target: String,
    /// Why no plan exists, instead of the plan.
    refusal: Option<String>,
    lines: Vec<PlanLine>,
    total: String,
    plan_summary: String,
    picture: Option<StackView>,
}

/// Minutes as people read them: 95 → "1 h 35 min".
fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => t("stack-duration-minutes").with("minutes", m),
        (h, 0) => t("stack-duration-hours").with("hours", h),
        (h, m) => t("stack-duration-hours-minutes")
            .with("hours", h)
            .with("minutes", m),
    }
    .to_string()
}

async fn pathway_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
) -> Response {
    page(build_pathway(&s, &session, id).await)
}

async fn build_pathway(s: &AppState, session: &Session, id: Uuid) -> Result<PathwayPage, AppError> {
    let p = &session.principal;
    let tree = s.app.my_stack_tree(p, id).await?;
    let mut out = PathwayPage {
        who: who(session),
        target: tree.name.clone(),
        refusal: None,
        lines: Vec::new(),
        total: String::new(),
        plan_summary: String::new(),
        picture: None,
    };
    let plan = match s.app.plan_pathway(p, id).await {
        Ok(plan) => plan,
        Err(AppError::Conflict(why)) => {
            out.refusal = Some(capitalized(&why));
            if tree.rule.is_some() {
                out.picture = Some(view(&tree, &BTreeSet::new(), &|_| None));
            }
            return Ok(out);
        }
        Err(e) => return Err(e),
    };
    let mut names = std::collections::HashMap::new();
    collect_names(&tree, &mut names);
    for line in &plan.steps {
        let achievement = match names.get(&line.achievement_id) {
            Some(n) => n.clone(),
            None => s.app.achievement(line.achievement_id).await?.name,
        };
        out.lines.push(PlanLine {
            achievement,
            step: line.step.as_ref().map(|st| {
                let kind = match st.kind {
                    cairn_core::pathway::StepKind::Module => t("stack-step-module"),
                    cairn_core::pathway::StepKind::Assessment => t("stack-step-assessment"),
                };
                (kind.to_string(), st.title.clone(), st.minutes)
            }),
            why: line.why.clone(),
        });
    }
    out.total = duration(plan.total_minutes);
    out.plan_summary = plan.summary.clone();
    if tree.rule.is_some() {
        let planned: BTreeSet<Uuid> = plan.steps.iter().map(|l| l.achievement_id).collect();
        out.picture = Some(view(&tree, &planned, &|_| None));
    }
    Ok(out)
}

fn collect_names(p: &StackProgress, into: &mut std::collections::HashMap<Uuid, String>) {
    into.insert(p.achievement_id, p.name.clone());
    for c in &p.children {
        collect_names(c, into);
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "org_stacks.html")]
struct OrgStacksPage {
    who: Who,
    org_slug: String,
    org_name: String,
    stacks: Vec<StackView>,
}

fn edit_link(slug: &str, org_id: Uuid) -> impl Fn(&StackProgress) -> Option<String> + '_ {
    move |p: &StackProgress| {
        (p.rule.is_some() && p.org_id == org_id)
            .then(|| format!("/orgs/{slug}/stacks/{}/edit", p.achievement_id))
    }
}

async fn org_stacks_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    page(build_org_stacks(&s, &session, slug).await)
}

async fn build_org_stacks(
    s: &AppState,
    session: &Session,
    slug: String,
) -> Result<OrgStacksPage, AppError> {
    let stacks = s.app.org_stacks(&session.principal, &slug).await?;
    let org = s.app.org_unchecked(&slug).await?;
    let link = edit_link(&slug, org.id);
    let stacks = stacks
        .iter()
        .map(|p| view(p, &BTreeSet::new(), &link))
        .collect();
    Ok(OrgStacksPage {
        who: who(session),
        org_name: org.name,
        org_slug: slug.clone(),
        stacks,
    })
}

/// What the editor's form holds, as typed, so a refused form comes back as it was sent.
#[derive(Debug, Clone, Default)]
struct StackForm {
    name: String,
    kind: String,
    description: String,
    criteria: String,
    /// all_of, at_least or min_credits.
    rule_type: String,
    k: String,
    /// In credits, decimals allowed ("1.5").
    min_credits: String,
    parts: BTreeSet<Uuid>,
    prerequisites: BTreeSet<Uuid>,
    /// keep, suspend or reevaluate.
    on_revocation: String,
}

fn policy_str(p: RevocationPolicy) -> &'static str {
    match p {
        RevocationPolicy::Keep => "keep",
        RevocationPolicy::Suspend => "suspend",
        RevocationPolicy::Reevaluate => "reevaluate",
    }
}

impl StackForm {
    fn fresh() -> Self {
        StackForm {
            kind: AchievementKind::MicroCredential.as_str().into(),
            rule_type: "all_of".into(),
            on_revocation: policy_str(RevocationPolicy::default()).into(),
            ..Default::default()
        }
    }

    /// The form for a stored achievement, and a note when its rule nests combinations the
    /// form cannot show (saving makes it flat).
    fn of(a: &Achievement) -> (Self, Option<String>) {
        let mut f = StackForm {
            name: a.name.clone(),
            kind: a.kind.as_str().into(),
            description: a.description.clone(),
            criteria: a.criteria.clone(),
            ..StackForm::fresh()
        };
        let Some(spec) = &a.spec.stack else {
            return (f, Some(t("stack-not-a-stack-yet").to_string()));
        };
        f.prerequisites = spec.prerequisites.iter().copied().collect();
        f.on_revocation = policy_str(spec.on_revocation).into();
        f.parts = spec.rule.mentioned().into_iter().collect();
        let flat = |of: &[StackRule]| of.iter().all(|r| matches!(r, StackRule::Holds { .. }));
        let mut note = None;
        match &spec.rule {
            StackRule::AllOf { of } | StackRule::AtLeast { of, .. } if !flat(of) => {
                note = Some(
                    t("stack-nested-rule")
                        .with("rule", spec.rule.describe())
                        .to_string(),
                );
                f.rule_type = "all_of".into();
            }
            StackRule::Holds { .. } | StackRule::AllOf { .. } => f.rule_type = "all_of".into(),
            StackRule::AtLeast { k, .. } => {
                f.rule_type = "at_least".into();
                f.k = k.to_string();
            }
            StackRule::MinCredits { min, .. } => {
                f.rule_type = "min_credits".into();
                f.min_credits = format_credits(*min);
            }
        }
        (f, note)
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = StackForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "kind" => f.kind = v,
                "description" => f.description = v,
                "criteria" => f.criteria = v,
                "rule_type" => f.rule_type = v,
                "k" => f.k = v,
                "min_credits" => f.min_credits = v,
                "on_revocation" => f.on_revocation = v,
                "part" => f.parts.extend(v.parse::<Uuid>().ok()),
                "prereq" => f.prerequisites.extend(v.parse::<Uuid>().ok()),
                _ => {}
            }
        }
        f
    }

    /// The stack the form describes, or the sentence saying what to fix.
    fn spec(&self) -> Result<StackSpec, String> {
        if self.parts.is_empty() {
            return Err(t("stack-error-no-parts").to_string());
        }
        let holds: Vec<StackRule> = self
            .parts
            .iter()
            .map(|a| StackRule::Holds { achievement_id: *a })
            .collect();
        let rule = match self.rule_type.as_str() {
            "all_of" => StackRule::AllOf { of: holds },
            "at_least" => {
                let k: u32 = self.k.trim().parse().map_err(|_| {
                    t("stack-error-how-many")
                        .with("count", self.parts.len())
                        .to_string()
                })?;
                StackRule::AtLeast { k, of: holds }
            }
            "min_credits" => StackRule::MinCredits {
                min: parse_credits(&self.min_credits)
                    .ok_or_else(|| t("stack-error-credits").to_string())?,
                of: self.parts.iter().copied().collect(),
            },
            _ => return Err(t("stack-error-rule").to_string()),
        };
        let on_revocation = match self.on_revocation.as_str() {
            "keep" => RevocationPolicy::Keep,
            "suspend" => RevocationPolicy::Suspend,
            "reevaluate" => RevocationPolicy::Reevaluate,
            _ => return Err(t("stack-error-revocation").to_string()),
        };
        Ok(StackSpec {
            rule,
            prerequisites: self.prerequisites.iter().copied().collect(),
            on_revocation,
        })
    }

    fn kind(&self) -> Result<AchievementKind, String> {
        AchievementKind::parse(&self.kind).ok_or_else(|| t("stack-error-kind").to_string())
    }
}

/// A refusal as a sentence for the form: the stack's own field name ("spec.stack") means
/// nothing on this page, while "name" or "criteria" point at the box to fix.
fn sentence(i: &cairn_core::validate::Invalid) -> String {
    let text = if i.field.starts_with("spec") {
        i.message.clone()
    } else {
        format!("{}: {}", i.field, i.message)
    };
    format!("{}.", capitalized(text.trim_end_matches('.')))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => format!("{}{}", c.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// "1.5" → 1500 thousandths; at most three decimals, as credits are kept.
fn parse_credits(s: &str) -> Option<CreditsMilli> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (whole.is_empty() && frac.is_empty())
    {
        return None;
    }
    let whole: CreditsMilli = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: CreditsMilli = format!("{frac:0<3}").parse().ok()?;
    whole.checked_mul(1000)?.checked_add(frac)
}

struct Choice {
    id: Uuid,
    name: String,
    kind: String,
    credits: Option<String>,
    part: bool,
    prereq: bool,
}

struct ChoiceGroup {
    org_name: String,
    choices: Vec<Choice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "stack_edit.html")]
struct EditorPage {
    who: Who,
    org_slug: String,
    action: String,
    achievement_id: Option<Uuid>,
    f: StackForm,
    kinds: Vec<(&'static str, String)>,
    groups: Vec<ChoiceGroup>,
    picture: Option<StackView>,
    error: Option<String>,
    note: Option<String>,
}

/// The editor, with every issuer's achievements to choose from and the saved picture.
async fn editor(
    s: &AppState,
    session: &Session,
    slug: &str,
    id: Option<Uuid>,
    f: StackForm,
    error: Option<String>,
    note: Option<String>,
) -> Result<EditorPage, AppError> {
    let groups = s
        .app
        .stack_part_choices(&session.principal, slug)
        .await?
        .into_iter()
        .map(|g| ChoiceGroup {
            org_name: g.org_name,
            choices: g
                .achievements
                .into_iter()
                .filter(|a| Some(a.id) != id)
                .map(|a| Choice {
                    part: f.parts.contains(&a.id),
                    prereq: f.prerequisites.contains(&a.id),
                    id: a.id,
                    name: a.name,
                    kind: kind_label(a.kind),
                    credits: a.spec.credits.filter(|c| *c > 0).map(format_credits),
                })
                .collect(),
        })
        .collect();
    let picture = match id {
        Some(id) => {
            let tree = s.app.stack_tree(id).await?;
            let org = s.app.org_unchecked(slug).await?;
            let link = edit_link(slug, org.id);
            tree.rule
                .is_some()
                .then(|| view(&tree, &BTreeSet::new(), &link))
        }
        None => None,
    };
    Ok(EditorPage {
        who: who(session),
        org_slug: slug.to_owned(),
        action: match id {
            Some(id) => format!("/orgs/{slug}/stacks/{id}/edit"),
            None => format!("/orgs/{slug}/stacks/new"),
        },
        achievement_id: id,
        f,
        kinds: AchievementKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_label(*k)))
            .collect(),
        groups,
        picture,
        error,
        note,
    })
}

/// The refused form again, as sent, with the reason: 422.
async fn refused(
    s: &AppState,
    session: &Session,
    slug: &str,
    id: Option<Uuid>,
    f: StackForm,
    why: String,
) -> Response {
    match editor(s, session, slug, id, f, Some(why), None).await {
        Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
        Err(e) => error_page(e),
    }
}

async fn new_form(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    page(editor(&s, &session, &slug, None, StackForm::fresh(), None, None).await)
}

async fn new_submit(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form }: SignedInForm<Vec<(String, String)>>,
) -> Response {
    let f = StackForm::from_pairs(form);
    let (kind, spec) = match f.kind().and_then(|k| f.spec().map(|s| (k, s))) {
        Ok(x) => x,
        Err(why) => return refused(&s, &session, &slug, None, f, why).await,
    };
    let new = NewAchievement {
        kind,
        name: f.name.clone(),
        description: f.description.clone(),
        criteria: f.criteria.clone(),
        spec: AchievementSpec {
            stack: Some(spec),
            ..Default::default()
        },
    };
    match s
        .app
        .create_achievement(&session.principal, &slug, new)
        .await
    {
        Ok(a) => see_other(&format!("/orgs/{slug}/stacks/{}/edit", a.id)),
        Err(AppError::Invalid(i)) => refused(&s, &session, &slug, None, f, sentence(&i)).await,
        Err(e) => error_page(e),
    }
}

/// The organization's achievement `id`, or not found when it belongs to another.
async fn own_achievement(s: &AppState, slug: &str, id: Uuid) -> Result<Achievement, AppError> {
    let org = s.app.org_unchecked(slug).await?;
    let a = s.app.achievement(id).await?;
    if a.org_id != org.id {
        return Err(AppError::NotFound("achievement".into()));
    }
    Ok(a)
}

async fn edit_form(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Response {
    let built = async {
        let a = own_achievement(&s, &slug, id).await?;
        let (f, note) = StackForm::of(&a);
        editor(&s, &session, &slug, Some(id), f, None, note).await
    };
    page(built.await)
}

async fn edit_submit(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, Uuid)>,
    SignedInForm { session, form }: SignedInForm<Vec<(String, String)>>,
) -> Response {
    let f = StackForm::from_pairs(form);
    let old = match own_achievement(&s, &slug, id).await {
        Ok(a) => a,
        Err(e) => return error_page(e),
    };
    let (kind, stack) = match f.kind().and_then(|k| f.spec().map(|s| (k, s))) {
        Ok(x) => x,
        Err(why) => return refused(&s, &session, &slug, Some(id), f, why).await,
    };
    // Only the stack and the words are edited here; validity, credits, renewal and the
    // rest of the definition stay as they were.
    let new = NewAchievement {
        kind,
        name: f.name.clone(),
        description: f.description.clone(),
        criteria: f.criteria.clone(),
        spec: AchievementSpec {
            stack: Some(stack),
            rule: None,
            ..old.spec
        },
    };
    match s
        .app
        .update_achievement(&session.principal, &slug, id, new)
        .await
    {
        Ok(_) => see_other(&format!("/orgs/{slug}/stacks/{id}/edit")),
        Err(AppError::Invalid(i)) => refused(&s, &session, &slug, Some(id), f, sentence(&i)).await,
        Err(e) => error_page(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_are_read_as_people_write_them() {
        assert_eq!(parse_credits("6"), Some(6000));
        assert_eq!(parse_credits("1.5"), Some(1500));
        assert_eq!(parse_credits(" 0.25 "), Some(250));
        assert_eq!(parse_credits(".5"), Some(500));
        assert_eq!(parse_credits("1.2345"), None);
        assert_eq!(parse_credits(""), None);
        assert_eq!(parse_credits("x"), None);
        assert_eq!(parse_credits("1.-5"), None);
    }

    #[test]
    fn durations_read_in_hours_and_minutes() {
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(120), "2 h");
        assert_eq!(duration(95), "1 h 35 min");
    }
}
