//! Workforce pages: the team dashboard with its heat map, role profiles (list, templates,
//! editor, detail), redeployment candidates, a worker's profile and gap with the radar,
//! credentials about to expire, and the worker's own sharing page.
//!
//! Every figure comes from `cairn_app::workforce`, which applies the worker's consent; the
//! pages never read credentials themselves.

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_app::workforce::{
    EXPIRING_WINDOWS, HeatMapView, NamedRequirement, NewRoleProfile, RoleProfileDetail, Visibility,
};
use cairn_core::Principal;
use cairn_core::authz::Action;
use cairn_core::workforce::{Requirement, RequirementStatus};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::workforce_svg::{
    HeatCell, HeatMap, HeatRow, LEVEL_MAX, Radar, RadarAxis, competency_svg, heat_map_summary,
    heat_map_svg, progress_svg, radar_summary,
};
use super::{SignedInForm, Who, error_page, page, see_other, who};
use crate::AppState;
use crate::auth::SignedIn;
use crate::i18n::t;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{slug}/workforce", get(dashboard_page))
        .route("/orgs/{slug}/roles", get(roles_page))
        .route("/orgs/{slug}/roles/copy", post(copy_template))
        .route(
            "/orgs/{slug}/roles/new",
            get(new_role_form).post(new_role_submit),
        )
        .route("/orgs/{slug}/roles/{id}", get(role_page))
        .route(
            "/orgs/{slug}/roles/{id}/edit",
            get(edit_role_form).post(edit_role_submit),
        )
        .route("/orgs/{slug}/roles/{id}/archive", post(archive_role))
        .route("/orgs/{slug}/roles/{id}/candidates", get(candidates_page))
        .route("/orgs/{slug}/workers/{user}", get(worker_page))
        .route("/orgs/{slug}/expiring", get(expiring_page))
        .route("/me/sharing", get(sharing_page))
        .route("/me/sharing/{slug}", post(sharing_save))
        .route("/me/sharing/{slug}/all", post(sharing_all))
}

/// Requirements met or expiring soon count as met; expiring soon is flagged when the
/// credentials proving it all end within this many days.
const GAP_EXPIRING_DAYS: u32 = 90;
/// Candidates listed on one page; the CSV export has them all.
const CANDIDATES_SHOWN: usize = 100;

/// Minutes as people read them: 95 → "1 h 35 min".
fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => t("wf-duration-min").with("m", m).into(),
        (h, 0) => t("wf-duration-h").with("h", h).into(),
        (h, m) => t("wf-duration-h-min").with("h", h).with("m", m).into(),
    }
}

fn day(t: OffsetDateTime) -> String {
    t.date().to_string()
}

/// Time to ready, in words.
fn ready_words(minutes: Option<u32>) -> String {
    match minutes {
        Some(0) => t("wf-ready-now").into(),
        Some(m) => t("wf-ready-about").with("time", duration(m)).into(),
        None => t("wf-ready-unknown").into(),
    }
}

/// A query value that may be empty ("choose…" in a select) or not an id at all.
fn uuid_param(v: &Option<String>) -> Option<Uuid> {
    v.as_deref().and_then(|s| s.trim().parse().ok())
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => format!("{}{}", c.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// An application refusal as a sentence for a form.
fn sentence(e: &AppError) -> Option<String> {
    let text = match e {
        AppError::Invalid(i) => format!("{}: {}", i.field, i.message),
        AppError::Conflict(why) => why.clone(),
        AppError::NotFound(what) => t("wf-not-found").with("what", what).into(),
        _ => return None,
    };
    Some(format!("{}.", capitalized(text.trim_end_matches('.'))))
}

/// The organization's name, once a use case has checked the person may see its workforce.
async fn org_name(s: &AppState, slug: &str) -> Result<String, AppError> {
    Ok(s.app.org_unchecked(slug).await?.name)
}

/// A role to choose in a select.
struct RoleOption {
    id: Uuid,
    name: String,
    selected: bool,
}

async fn role_options(
    s: &AppState,
    p: &Principal,
    slug: &str,
    chosen: Option<Uuid>,
) -> Result<Vec<RoleOption>, AppError> {
    Ok(s.app
        .current_roles(p, slug)
        .await?
        .into_iter()
        .map(|r| RoleOption {
            selected: Some(r.id) == chosen,
            id: r.id,
            name: r.name,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------
// Heat maps

/// A heat map as the pages show it: the picture, its sentence, and the same numbers as a
/// table.
struct HeatTable {
    columns: Vec<String>,
    /// (requirement, cells as "6 of 8 (75%), 1 partly")
    rows: Vec<(String, Vec<String>)>,
    svg: String,
    summary: String,
}

fn cell_words(c: &HeatCell) -> String {
    match c.percent_met() {
        None => t("wf-cell-no-workers").into(),
        Some(p) => {
            let id = if c.partly_met > 0 {
                "wf-cell-count-partly"
            } else {
                "wf-cell-count"
            };
            t(id)
                .with("met", c.met)
                .with("total", c.total())
                .with("share", t("wf-percent").with("n", p))
                .with("partly", c.partly_met)
                .into()
        }
    }
}

/// A requirement on one line: "ICD.2 Assign codes… (level 3)", or "Holds "Coding Basics"".
/// Built here rather than taken from the application, whose words stay English.
fn requirement_label(r: &NamedRequirement) -> String {
    match (&r.code, r.min_level) {
        (Some(code), Some(level)) => t("wf-req-label-code")
            .with("code", code)
            .with("name", &r.name)
            .with("level", level)
            .into(),
        (None, Some(level)) => t("wf-req-label")
            .with("name", &r.name)
            .with("level", level)
            .into(),
        _ => t("wf-edit-holds").with("name", &r.name).into(),
    }
}

/// A requirement as the picture names it: code and level first, so they survive when
/// a long statement is cut short; the table gives it in full.
fn picture_label(r: &NamedRequirement) -> String {
    match (&r.code, r.min_level) {
        (Some(code), Some(level)) => t("wf-req-code-level")
            .with("code", code)
            .with("level", level)
            .with("name", &r.name)
            .into(),
        (None, Some(level)) => t("wf-req-level")
            .with("level", level)
            .with("name", &r.name)
            .into(),
        _ => requirement_label(r),
    }
}

/// One column per view (team), one row per requirement of the role they share.
fn heat_table(title: String, views: &[(String, HeatMapView)]) -> HeatTable {
    let columns: Vec<String> = views.iter().map(|(name, _)| name.clone()).collect();
    let first = views.first().map(|(_, v)| v.rows.as_slice()).unwrap_or(&[]);
    let labels: Vec<String> = first
        .iter()
        .map(|r| requirement_label(&r.requirement))
        .collect();
    let rows: Vec<HeatRow> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| HeatRow {
            label: first
                .get(i)
                .map_or_else(|| label.clone(), |r| picture_label(&r.requirement)),
            cells: views
                .iter()
                .map(|(_, v)| {
                    v.rows
                        .get(i)
                        .map(|r| HeatCell {
                            met: r.met,
                            partly_met: r.partly_met,
                            missing: r.missing,
                        })
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect();
    let table = labels
        .into_iter()
        .zip(&rows)
        .map(|(label, r)| (label, r.cells.iter().map(cell_words).collect()))
        .collect();
    let map = HeatMap {
        title,
        columns: columns.clone(),
        rows,
    };
    HeatTable {
        svg: heat_map_svg(&map),
        summary: heat_map_summary(&map),
        rows: table,
        columns,
    }
}

// ---------------------------------------------------------------------------------------
// Team dashboard

#[derive(Template, WebTemplate)]
#[template(path = "workforce_dashboard.html")]
struct DashboardPage {
    who: Who,
    org_slug: String,
    org_name: String,
    /// (id, name, members)
    teams: Vec<(Uuid, String, i64)>,
    roles: Vec<RoleOption>,
    role_id: Option<Uuid>,
    heat: Option<HeatTable>,
}

#[derive(Deserialize)]
struct RoleQuery {
    role: Option<String>,
}

async fn dashboard_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<RoleQuery>,
) -> Response {
    page(build_dashboard(&s, &session, &slug, uuid_param(&q.role)).await)
}

async fn build_dashboard(
    s: &AppState,
    session: &Session,
    slug: &str,
    role: Option<Uuid>,
) -> Result<DashboardPage, AppError> {
    let p = &session.principal;
    let roles = s.app.current_roles(p, slug).await?;
    // The first role is shown until another is chosen, so the map is there at once.
    let role_id = role
        .filter(|r| roles.iter().any(|x| x.id == *r))
        .or_else(|| roles.first().map(|r| r.id));
    let teams = s.app.teams(p, slug).await?;
    let heat = match role_id {
        Some(rid) => {
            let mut views = Vec::new();
            if teams.is_empty() {
                views.push((
                    t("wf-whole-org").into(),
                    s.app.team_heat_map(p, slug, None, rid).await?,
                ));
            }
            for t in &teams {
                views.push((
                    t.name.clone(),
                    s.app.team_heat_map(p, slug, Some(t.id), rid).await?,
                ));
            }
            let name = roles
                .iter()
                .find(|r| r.id == rid)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            Some(heat_table(
                t("wf-heat-title-by-team").with("role", name).into(),
                &views,
            ))
        }
        None => None,
    };
    Ok(DashboardPage {
        who: who(session),
        org_slug: slug.to_owned(),
        org_name: org_name(s, slug).await?,
        teams: teams
            .into_iter()
            .map(|t| (t.id, t.name, t.members))
            .collect(),
        roles: roles
            .into_iter()
            .map(|r| RoleOption {
                selected: Some(r.id) == role_id,
                id: r.id,
                name: r.name,
            })
            .collect(),
        role_id,
        heat,
    })
}

// ---------------------------------------------------------------------------------------
// Role profiles: list and templates

struct RoleLine {
    id: Uuid,
    name: String,
    version: u32,
    requirements: usize,
    template: Option<String>,
    updated: String,
}

struct TemplateLine {
    key: String,
    name: String,
    description: String,
    /// "ICD.2 (level 3)"
    requirements: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "workforce_roles.html")]
struct RolesPage {
    who: Who,
    org_slug: String,
    org_name: String,
    roles: Vec<RoleLine>,
    templates: Vec<TemplateLine>,
    may_manage: bool,
    error: Option<String>,
}

async fn roles_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    page(build_roles(&s, &session, &slug, None).await)
}

async fn build_roles(
    s: &AppState,
    session: &Session,
    slug: &str,
    error: Option<String>,
) -> Result<RolesPage, AppError> {
    let p = &session.principal;
    let roles = s.app.role_profiles(p, slug, false).await?;
    let org = s.app.org_unchecked(slug).await?;
    let templates = s
        .app
        .role_templates()?
        .into_iter()
        .map(|tpl| TemplateLine {
            key: tpl.key,
            name: tpl.name,
            description: tpl.description,
            requirements: tpl
                .requirements
                .iter()
                .map(|r| {
                    t("wf-roles-template-requirement")
                        .with("code", &r.code)
                        .with("level", r.min_level)
                        .into()
                })
                .collect(),
        })
        .collect();
    Ok(RolesPage {
        who: who(session),
        org_slug: slug.to_owned(),
        may_manage: p.may(Action::RoleProfileManage, Some(org.id)),
        org_name: org.name,
        roles: roles
            .into_iter()
            .map(|r| RoleLine {
                id: r.id,
                name: r.name,
                version: r.version,
                requirements: r.requirements,
                template: r.template,
                updated: day(r.updated_at),
            })
            .collect(),
        templates,
        error,
    })
}

#[derive(Deserialize)]
struct CopyForm {
    #[serde(default)]
    template: String,
}

async fn copy_template(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form }: SignedInForm<CopyForm>,
) -> Response {
    match s
        .app
        .copy_role_template(&session.principal, &slug, &form.template)
        .await
    {
        Ok(d) => see_other(&format!("/orgs/{slug}/roles/{}", d.profile.id)),
        Err(e) => match sentence(&e) {
            Some(why) if !matches!(e, AppError::Forbidden(_)) => {
                let status = match e {
                    AppError::Conflict(_) => StatusCode::CONFLICT,
                    AppError::NotFound(_) => StatusCode::NOT_FOUND,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                match build_roles(&s, &session, &slug, Some(why)).await {
                    Ok(p) => (status, p).into_response(),
                    Err(e) => error_page(e),
                }
            }
            _ => error_page(e),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Role profile detail

struct VersionLine {
    version: u32,
    name: String,
    created: String,
    requirements: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "workforce_role.html")]
struct RolePage {
    who: Who,
    org_slug: String,
    org_name: String,
    id: Uuid,
    name: String,
    description: String,
    version: u32,
    template: Option<String>,
    requirements: Vec<String>,
    versions: Vec<VersionLine>,
    workers: u32,
    heat: HeatTable,
    may_manage: bool,
}

async fn role_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Response {
    page(build_role(&s, &session, &slug, id).await)
}

async fn build_role(
    s: &AppState,
    session: &Session,
    slug: &str,
    id: Uuid,
) -> Result<RolePage, AppError> {
    let p = &session.principal;
    let d = s.app.role_profile(p, slug, id).await?;
    let whole = s.app.team_heat_map(p, slug, None, id).await?;
    let org = s.app.org_unchecked(slug).await?;
    let workers = whole.workers;
    let heat = heat_table(
        t("wf-heat-title-whole")
            .with("role", &d.profile.name)
            .into(),
        &[(t("wf-whole-org").into(), whole)],
    );
    Ok(RolePage {
        who: who(session),
        org_slug: slug.to_owned(),
        may_manage: p.may(Action::RoleProfileManage, Some(org.id)),
        org_name: org.name,
        id,
        name: d.profile.name.clone(),
        description: d.profile.description.clone(),
        version: d.profile.version,
        template: d.template.clone(),
        requirements: d.requirements.iter().map(requirement_label).collect(),
        versions: d
            .versions
            .iter()
            .map(|v| VersionLine {
                version: v.version,
                name: v.name.clone(),
                created: day(v.created_at),
                requirements: v.requirements.iter().map(requirement_label).collect(),
            })
            .collect(),
        workers,
        heat,
    })
}

async fn archive_role(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, Uuid)>,
    SignedInForm { session, .. }: SignedInForm<Vec<(String, String)>>,
) -> Response {
    match s
        .app
        .archive_role_profile(&session.principal, &slug, id)
        .await
    {
        Ok(()) => see_other(&format!("/orgs/{slug}/roles")),
        Err(e) => error_page(e),
    }
}

// ---------------------------------------------------------------------------------------
// Role profile editor

/// One requirement row as typed: `choice` is "c:<competency id>", "a:<achievement id>" or
/// empty (an unused row).
#[derive(Clone, Debug, Default)]
struct ReqRow {
    choice: String,
    level: i32,
}

#[derive(Clone, Debug, Default)]
struct RoleForm {
    name: String,
    description: String,
    rows: Vec<ReqRow>,
}

/// Blank rows offered below the filled ones.
const BLANK_ROWS: usize = 3;
const ROWS_MAX: usize = cairn_core::workforce::REQUIREMENTS_MAX + BLANK_ROWS;

impl RoleForm {
    fn of(d: &RoleProfileDetail) -> Self {
        RoleForm {
            name: d.profile.name.clone(),
            description: d.profile.description.clone(),
            rows: d
                .profile
                .requirements
                .iter()
                .map(|r| match r {
                    Requirement::Competency {
                        competency_id,
                        min_level,
                    } => ReqRow {
                        choice: format!("c:{competency_id}"),
                        level: *min_level,
                    },
                    Requirement::Achievement { achievement_id } => ReqRow {
                        choice: format!("a:{achievement_id}"),
                        level: 1,
                    },
                })
                .collect(),
        }
    }

    /// From the posted fields `name`, `description`, `req_<n>` and `level_<n>`.
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = RoleForm::default();
        let mut rows: std::collections::BTreeMap<usize, ReqRow> = Default::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v.clone(),
                "description" => f.description = v.clone(),
                _ => {
                    if let Some(n) = k.strip_prefix("req_").and_then(|n| n.parse().ok())
                        && n < ROWS_MAX
                    {
                        rows.entry(n).or_default().choice = v.trim().to_owned();
                    } else if let Some(n) = k.strip_prefix("level_").and_then(|n| n.parse().ok())
                        && n < ROWS_MAX
                    {
                        rows.entry(n).or_default().level = v.trim().parse().unwrap_or(0);
                    }
                }
            }
        }
        f.rows = rows
            .into_values()
            .filter(|r| !r.choice.is_empty())
            .collect();
        f
    }

    /// The role's new content, or the sentence saying which row to fix.
    fn to_new(&self) -> Result<NewRoleProfile, String> {
        let mut requirements = Vec::with_capacity(self.rows.len());
        for (i, r) in self.rows.iter().enumerate() {
            let n = i + 1;
            let bad = || -> String { t("wf-form-bad-choice").with("n", n).into() };
            let req = match r.choice.split_once(':') {
                Some(("c", id)) => {
                    let competency_id = id.parse().map_err(|_| bad())?;
                    if !(1..=LEVEL_MAX).contains(&r.level) {
                        return Err(t("wf-form-bad-level")
                            .with("n", n)
                            .with("max", LEVEL_MAX)
                            .into());
                    }
                    Requirement::Competency {
                        competency_id,
                        min_level: r.level,
                    }
                }
                Some(("a", id)) => Requirement::Achievement {
                    achievement_id: id.parse().map_err(|_| bad())?,
                },
                _ => return Err(bad()),
            };
            requirements.push(req);
        }
        if requirements.is_empty() {
            return Err(t("wf-form-empty").into());
        }
        Ok(NewRoleProfile {
            name: self.name.clone(),
            description: self.description.clone(),
            requirements,
        })
    }
}

struct Choice {
    value: String,
    label: String,
}

struct ChoiceGroup {
    label: String,
    choices: Vec<Choice>,
}

struct EditorRow {
    n: usize,
    choice: String,
    level: i32,
}

#[derive(Template, WebTemplate)]
#[template(path = "workforce_role_edit.html")]
struct RoleEditPage {
    who: Who,
    org_slug: String,
    action: String,
    id: Option<Uuid>,
    version: Option<u32>,
    name: String,
    description: String,
    rows: Vec<EditorRow>,
    groups: Vec<ChoiceGroup>,
    levels: Vec<i32>,
    error: Option<String>,
}

fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.truncate(s.trim_end().len());
    s.push('…');
    s
}

fn flatten(nodes: &[cairn_app::frameworks::CompetencyNode], out: &mut Vec<Choice>) {
    for n in nodes {
        let label = match &n.code {
            Some(c) => format!("{c} {}", short(&n.statement, 90)),
            None => short(&n.statement, 90),
        };
        out.push(Choice {
            value: format!("c:{}", n.id),
            label,
        });
        flatten(&n.children, out);
    }
}

/// What a requirement may name: every installed framework's competencies, and every
/// issuer's achievements plus any the role already names.
async fn choice_groups(
    s: &AppState,
    slug: &str,
    named: &[NamedRequirement],
) -> Result<Vec<ChoiceGroup>, AppError> {
    let mut groups = Vec::new();
    for f in s.app.frameworks().await? {
        let d = s.app.framework(f.id).await?;
        let mut choices = Vec::new();
        flatten(&d.tree, &mut choices);
        if !choices.is_empty() {
            groups.push(ChoiceGroup {
                label: t("wf-edit-group-competencies")
                    .with("framework", &f.title)
                    .into(),
                choices,
            });
        }
    }
    let mut seen = BTreeSet::new();
    let mut achievements = Vec::new();
    // Achievement definitions are public (anyone may read an issuer's), so every issuer's
    // are offered, the organization's own first; no one's credentials are read here.
    let mut issuers: Vec<String> = s
        .app
        .issuer_orgs()
        .await?
        .into_iter()
        .map(|o| o.slug)
        .collect();
    issuers.sort_by_key(|x| x != slug);
    for issuer in issuers {
        for a in s.app.achievements(&issuer).await? {
            if seen.insert(a.id) {
                achievements.push(Choice {
                    value: format!("a:{}", a.id),
                    label: t("wf-edit-holds").with("name", short(&a.name, 90)).into(),
                });
            }
        }
    }
    for r in named {
        if let Requirement::Achievement { achievement_id } = r.requirement
            && seen.insert(achievement_id)
        {
            achievements.push(Choice {
                value: format!("a:{achievement_id}"),
                label: requirement_label(r),
            });
        }
    }
    if !achievements.is_empty() {
        groups.push(ChoiceGroup {
            label: t("wf-edit-group-achievements").into(),
            choices: achievements,
        });
    }
    Ok(groups)
}

async fn role_editor(
    s: &AppState,
    session: &Session,
    slug: &str,
    existing: Option<&RoleProfileDetail>,
    f: RoleForm,
    error: Option<String>,
) -> Result<RoleEditPage, AppError> {
    let p = &session.principal;
    // Reading the roles checks the person may see this workforce before the form shows;
    // saving checks the right to change roles.
    s.app.current_roles(p, slug).await?;
    let named = existing.map(|d| d.requirements.as_slice()).unwrap_or(&[]);
    let groups = choice_groups(s, slug, named).await?;
    let mut rows: Vec<EditorRow> = f
        .rows
        .iter()
        .enumerate()
        .map(|(n, r)| EditorRow {
            n,
            choice: r.choice.clone(),
            level: r.level,
        })
        .collect();
    for _ in 0..BLANK_ROWS {
        rows.push(EditorRow {
            n: rows.len(),
            choice: String::new(),
            level: 2,
        });
    }
    Ok(RoleEditPage {
        who: who(session),
        org_slug: slug.to_owned(),
        action: match existing {
            Some(d) => format!("/orgs/{slug}/roles/{}/edit", d.profile.id),
            None => format!("/orgs/{slug}/roles/new"),
        },
        id: existing.map(|d| d.profile.id),
        version: existing.map(|d| d.profile.version),
        name: f.name,
        description: f.description,
        rows,
        groups,
        levels: (1..=LEVEL_MAX).collect(),
        error,
    })
}

async fn new_role_form(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    page(role_editor(&s, &session, &slug, None, RoleForm::default(), None).await)
}

async fn edit_role_form(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Response {
    let built = async {
        let d = s.app.role_profile(&session.principal, &slug, id).await?;
        role_editor(&s, &session, &slug, Some(&d), RoleForm::of(&d), None).await
    };
    page(built.await)
}

/// The form again, as sent, with what to fix: 422.
async fn refused_role(
    s: &AppState,
    session: &Session,
    slug: &str,
    existing: Option<&RoleProfileDetail>,
    f: RoleForm,
    why: String,
) -> Response {
    match role_editor(s, session, slug, existing, f, Some(why)).await {
        Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
        Err(e) => error_page(e),
    }
}

/// "Add rows" re-shows the form with more blank rows instead of saving.
fn wants_more_rows(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(k, _)| k == "more")
}

async fn new_role_submit(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form }: SignedInForm<Vec<(String, String)>>,
) -> Response {
    let f = RoleForm::from_pairs(&form);
    if wants_more_rows(&form) {
        return page(role_editor(&s, &session, &slug, None, f, None).await);
    }
    let new = match f.to_new() {
        Ok(n) => n,
        Err(why) => return refused_role(&s, &session, &slug, None, f, why).await,
    };
    match s
        .app
        .create_role_profile(&session.principal, &slug, new)
        .await
    {
        Ok(d) => see_other(&format!("/orgs/{slug}/roles/{}", d.profile.id)),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let why = sentence(&e).unwrap_or_default();
            refused_role(&s, &session, &slug, None, f, why).await
        }
        Err(e) => error_page(e),
    }
}

async fn edit_role_submit(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, Uuid)>,
    SignedInForm { session, form }: SignedInForm<Vec<(String, String)>>,
) -> Response {
    let d = match s.app.role_profile(&session.principal, &slug, id).await {
        Ok(d) => d,
        Err(e) => return error_page(e),
    };
    let f = RoleForm::from_pairs(&form);
    if wants_more_rows(&form) {
        return page(role_editor(&s, &session, &slug, Some(&d), f, None).await);
    }
    let new = match f.to_new() {
        Ok(n) => n,
        Err(why) => return refused_role(&s, &session, &slug, Some(&d), f, why).await,
    };
    match s
        .app
        .update_role_profile(&session.principal, &slug, id, new)
        .await
    {
        Ok(_) => see_other(&format!("/orgs/{slug}/roles/{id}")),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let why = sentence(&e).unwrap_or_default();
            refused_role(&s, &session, &slug, Some(&d), f, why).await
        }
        Err(e) => error_page(e),
    }
}

// ---------------------------------------------------------------------------------------
// Redeployment candidates

struct CandidateLine {
    rank: u32,
    user_id: Uuid,
    name: String,
    job_title: Option<String>,
    coverage: String,
    bar: String,
    ready: String,
    reasons: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "workforce_candidates.html")]
struct CandidatesPage {
    who: Who,
    org_slug: String,
    org_name: String,
    role_id: Uuid,
    role_name: String,
    consenting: u32,
    not_consenting: u32,
    candidates: Vec<CandidateLine>,
}

async fn candidates_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Response {
    page(build_candidates(&s, &session, &slug, id).await)
}

async fn build_candidates(
    s: &AppState,
    session: &Session,
    slug: &str,
    id: Uuid,
) -> Result<CandidatesPage, AppError> {
    let v = s
        .app
        .redeployment(&session.principal, slug, id, CANDIDATES_SHOWN)
        .await?;
    Ok(CandidatesPage {
        who: who(session),
        org_slug: slug.to_owned(),
        org_name: org_name(s, slug).await?,
        role_id: id,
        role_name: v.role.name.clone(),
        consenting: v.consenting,
        not_consenting: v.not_consenting,
        candidates: v
            .candidates
            .into_iter()
            .map(|c| CandidateLine {
                rank: c.rank,
                user_id: c.worker.user_id,
                coverage: t("wf-n-of-m")
                    .with("n", c.coverage.numerator)
                    .with("total", c.coverage.denominator)
                    .into(),
                bar: progress_svg(
                    u64::from(c.coverage.numerator),
                    u64::from(c.coverage.denominator),
                    &t("wf-bar-worker-meets")
                        .with("name", &c.worker.display_name)
                        .to_string(),
                ),
                name: c.worker.display_name,
                job_title: c.worker.job_title,
                ready: ready_words(c.minutes_to_ready),
                reasons: c.reasons,
            })
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------
// A worker's profile and gap

struct ProofLine {
    achievement: String,
    issuer: String,
    level: Option<i32>,
    issued: String,
    until: String,
}

struct CompetencyLine {
    code: String,
    statement: String,
    level: i32,
    proofs: Vec<ProofLine>,
}

struct AchievementLine {
    name: String,
    proofs: Vec<ProofLine>,
}

struct GapLine {
    label: String,
    status: String,
    /// met, partly, missing or expiring: for the marker.
    class: &'static str,
    pathway: Option<PathwayLine>,
    no_pathway: Option<String>,
}

/// The quickest learning that closes one gap.
struct PathwayLine {
    achievement: String,
    time: String,
    summary: String,
    steps: Vec<StepLine>,
}

struct StepLine {
    /// "Module:" or "Assessment:", before the link.
    kind: String,
    title: String,
    time: String,
    href: String,
}

fn pathway_line(pw: &cairn_app::workforce::GapPathway) -> PathwayLine {
    use cairn_core::pathway::StepKind;
    PathwayLine {
        achievement: pw.achievement_name.clone(),
        time: duration(pw.minutes),
        summary: pw.plan.summary.clone(),
        steps: pw
            .plan
            .steps
            .iter()
            .filter_map(|st| st.step.as_ref())
            .map(|st| {
                let (kind, href) = match st.kind {
                    StepKind::Module => (t("wf-step-module").into(), format!("/modules/{}", st.id)),
                    StepKind::Assessment => (
                        t("wf-step-assessment").into(),
                        format!("/assessments/{}", st.id),
                    ),
                };
                StepLine {
                    kind,
                    title: st.title.clone(),
                    time: duration(st.minutes),
                    href,
                }
            })
            .collect(),
    }
}

struct GapSection {
    role_id: Uuid,
    role_name: String,
    role_version: u32,
    coverage: String,
    bar: String,
    ready: String,
    svg: String,
    summary: String,
    /// (competency, held, required)
    levels: Vec<(String, i32, i32)>,
    lines: Vec<GapLine>,
}

#[derive(Template, WebTemplate)]
#[template(path = "workforce_worker.html")]
struct WorkerPage {
    who: Who,
    org_slug: String,
    org_name: String,
    user_id: Uuid,
    name: String,
    job_title: Option<String>,
    roles: Vec<RoleOption>,
    competencies: Vec<CompetencyLine>,
    achievements: Vec<AchievementLine>,
    gap: Option<GapSection>,
    expiring_days: u32,
}

async fn worker_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((slug, user)): Path<(String, Uuid)>,
    Query(q): Query<RoleQuery>,
) -> Response {
    page(build_worker(&s, &session, &slug, user, uuid_param(&q.role)).await)
}

fn proof_line(p: &cairn_app::workforce::NamedProof) -> ProofLine {
    ProofLine {
        achievement: p.achievement_name.clone(),
        issuer: p.issuer_name.clone(),
        level: p.level,
        issued: day(p.issued_at),
        until: p.valid_until.map_or_else(
            || t("wf-proof-no-end").into(),
            |u| t("wf-proof-until").with("date", day(u)).into(),
        ),
    }
}

/// A requirement's status in words; the CSV export keeps the application's English ones.
fn status_words(s: &RequirementStatus) -> String {
    match s {
        RequirementStatus::Met => t("wf-status-met").into(),
        RequirementStatus::PartlyMet { have, need } => t("wf-status-partly")
            .with("have", have)
            .with("need", need)
            .into(),
        RequirementStatus::Missing => t("wf-status-missing").into(),
        RequirementStatus::ExpiringSoon { on } => {
            t("wf-status-expiring").with("date", on.date()).into()
        }
    }
}

fn status_class(s: &RequirementStatus) -> &'static str {
    match s {
        RequirementStatus::Met => "met",
        RequirementStatus::PartlyMet { .. } => "partly",
        RequirementStatus::Missing => "missing",
        RequirementStatus::ExpiringSoon { .. } => "expiring",
    }
}

async fn build_worker(
    s: &AppState,
    session: &Session,
    slug: &str,
    user: Uuid,
    role: Option<Uuid>,
) -> Result<WorkerPage, AppError> {
    let p = &session.principal;
    let profile = s.app.worker_profile(p, slug, user).await?;
    let roles = role_options(s, p, slug, role).await?;
    let gap = match role.filter(|r| roles.iter().any(|x| x.id == *r)) {
        Some(rid) => {
            let g = s
                .app
                .worker_gap(p, slug, user, rid, GAP_EXPIRING_DAYS)
                .await?;
            let held = |id: Uuid| {
                profile
                    .competencies
                    .iter()
                    .find(|c| c.competency_id == id)
                    .map_or(0, |c| c.level)
            };
            let axes: Vec<RadarAxis> = g
                .requirements
                .iter()
                .filter_map(|r| match r.requirement.requirement {
                    Requirement::Competency {
                        competency_id,
                        min_level,
                    } => Some(RadarAxis {
                        code: r
                            .requirement
                            .code
                            .clone()
                            .unwrap_or_else(|| short(&r.requirement.name, 14)),
                        name: r.requirement.name.clone(),
                        held: held(competency_id),
                        required: min_level,
                    }),
                    Requirement::Achievement { .. } => None,
                })
                .collect();
            let radar = Radar {
                title: t("wf-radar-title")
                    .with("worker", &profile.worker.display_name)
                    .with("role", &g.role.name)
                    .into(),
                axes,
            };
            Some(GapSection {
                role_id: rid,
                role_name: g.role.name.clone(),
                role_version: g.role.version,
                coverage: t("wf-n-of-m")
                    .with("n", g.coverage.numerator)
                    .with("total", g.coverage.denominator)
                    .into(),
                bar: progress_svg(
                    u64::from(g.coverage.numerator),
                    u64::from(g.coverage.denominator),
                    &t("wf-bar-met").to_string(),
                ),
                ready: ready_words(g.minutes_to_ready),
                svg: competency_svg(&radar),
                summary: radar_summary(&radar),
                levels: radar
                    .axes
                    .iter()
                    .map(|a| {
                        let label = if a.name.is_empty() || a.code == a.name {
                            a.code.clone()
                        } else {
                            format!("{} {}", a.code, a.name)
                        };
                        (label, a.held, a.required)
                    })
                    .collect(),
                lines: g
                    .requirements
                    .iter()
                    .map(|r| GapLine {
                        label: requirement_label(&r.requirement),
                        status: status_words(&r.status),
                        class: status_class(&r.status),
                        pathway: r.pathway.as_ref().map(pathway_line),
                        no_pathway: r.no_pathway.clone(),
                    })
                    .collect(),
            })
        }
        None => None,
    };
    Ok(WorkerPage {
        who: who(session),
        org_slug: slug.to_owned(),
        org_name: org_name(s, slug).await?,
        user_id: user,
        name: profile.worker.display_name.clone(),
        job_title: profile.worker.job_title.clone(),
        roles,
        competencies: profile
            .competencies
            .iter()
            .map(|c| CompetencyLine {
                code: c.code.clone().unwrap_or_default(),
                statement: c.statement.clone(),
                level: c.level,
                proofs: c.proofs.iter().map(proof_line).collect(),
            })
            .collect(),
        achievements: profile
            .achievements
            .iter()
            .map(|a| AchievementLine {
                name: a.name.clone(),
                proofs: a.proofs.iter().map(proof_line).collect(),
            })
            .collect(),
        gap,
        expiring_days: GAP_EXPIRING_DAYS,
    })
}

// ---------------------------------------------------------------------------------------
// Expiring credentials

struct ExpiringLine {
    user_id: Uuid,
    worker: String,
    achievement: String,
    issuer: String,
    until: String,
    days_left: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "workforce_expiring.html")]
struct ExpiringPage {
    who: Who,
    org_slug: String,
    org_name: String,
    days: u32,
    windows: Vec<u32>,
    lines: Vec<ExpiringLine>,
}

#[derive(Deserialize)]
struct DaysQuery {
    days: Option<String>,
}

async fn expiring_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<DaysQuery>,
) -> Response {
    let days = q
        .days
        .as_deref()
        .and_then(|d| d.trim().parse().ok())
        .unwrap_or(EXPIRING_WINDOWS[0]);
    let built = async {
        let v = s
            .app
            .expiring_credentials(&session.principal, &slug, days)
            .await?;
        Ok::<_, AppError>(ExpiringPage {
            who: who(&session),
            org_slug: slug.clone(),
            org_name: org_name(&s, &slug).await?,
            days: v.within_days,
            windows: EXPIRING_WINDOWS.to_vec(),
            lines: v
                .credentials
                .into_iter()
                .map(|c| ExpiringLine {
                    user_id: c.worker.user_id,
                    worker: c.worker.display_name,
                    achievement: c.achievement_name,
                    issuer: c.issuer_name,
                    until: day(c.valid_until),
                    days_left: c.days_left,
                })
                .collect(),
        })
    };
    match built.await {
        Ok(p) => p.into_response(),
        Err(AppError::Invalid(i)) => super::message(
            StatusCode::BAD_REQUEST,
            &t("wf-exp-bad-heading").to_string(),
            t("wf-exp-bad")
                .with("field", i.field)
                .with("why", i.message.trim_end_matches('.')),
        ),
        Err(e) => error_page(e),
    }
}

// ---------------------------------------------------------------------------------------
// The worker's sharing page

struct ShareLine {
    id: Uuid,
    name: String,
    issuer: String,
    /// Shared one by one.
    shared: bool,
}

struct OrgSharing {
    slug: String,
    name: String,
    all_since: Option<String>,
    /// Credentials the organization issued: it sees them anyway.
    issued: Vec<String>,
    others: Vec<ShareLine>,
    /// What the employer sees of `others` now.
    visible: usize,
}

struct HistoryLine {
    org: String,
    what: String,
    granted: String,
    withdrawn: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "sharing.html")]
struct SharingPage {
    who: Who,
    orgs: Vec<OrgSharing>,
    history: Vec<HistoryLine>,
    notice: Option<String>,
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn sharing_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Query(q): Query<SavedQuery>,
) -> Response {
    let built = async {
        let mine = s.app.my_shares(&session.principal).await?;
        let when =
            |t: OffsetDateTime| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute());
        Ok::<_, AppError>(SharingPage {
            who: who(&session),
            orgs: mine
                .orgs
                .iter()
                .map(|o| {
                    let others: Vec<ShareLine> = o
                        .credentials
                        .iter()
                        .filter(|c| c.visibility != Visibility::IssuedByOrg)
                        .map(|c| ShareLine {
                            id: c.credential_id,
                            name: c.name.clone(),
                            issuer: c.issuer_name.clone(),
                            shared: c.visibility == Visibility::Shared,
                        })
                        .collect();
                    OrgSharing {
                        slug: o.slug.clone(),
                        name: o.name.clone(),
                        all_since: o.all_shared_since.map(when),
                        issued: o
                            .credentials
                            .iter()
                            .filter(|c| c.visibility == Visibility::IssuedByOrg)
                            .map(|c| c.name.clone())
                            .collect(),
                        visible: o
                            .credentials
                            .iter()
                            .filter(|c| {
                                c.visibility != Visibility::IssuedByOrg && c.visibility.is_visible()
                            })
                            .count(),
                        others,
                    }
                })
                .collect(),
            history: mine
                .history
                .iter()
                .map(|h| HistoryLine {
                    org: h.org_name.clone(),
                    what: match (&h.credential_id, &h.credential_name) {
                        (None, _) => t("sharing-everything").into(),
                        (Some(_), Some(n)) => n.clone(),
                        (Some(id), None) => t("sharing-credential-id").with("id", id).into(),
                    },
                    granted: when(h.granted_at),
                    withdrawn: h.revoked_at.map(when),
                })
                .collect(),
            notice: q.saved.is_some().then(|| t("sharing-saved").into()),
        })
    };
    page(built.await)
}

/// Per-credential sharing with one organization: the boxes ticked are shared, the others
/// not; only what changed is granted or withdrawn, so the record shows real changes.
async fn sharing_save(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form }: SignedInForm<Vec<(String, String)>>,
) -> Response {
    let p = &session.principal;
    let wanted: BTreeSet<Uuid> = form
        .iter()
        .filter(|(k, _)| k == "credential")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let result = async {
        let mine = s.app.my_shares(p).await?;
        let org = mine
            .orgs
            .iter()
            .find(|o| o.slug == slug)
            .ok_or_else(|| AppError::NotFound(format!("organization '{slug}' among yours")))?;
        for c in &org.credentials {
            let shared = c.visibility == Visibility::Shared;
            let want = wanted.contains(&c.credential_id);
            if c.visibility == Visibility::IssuedByOrg || shared == want {
                continue;
            }
            if want {
                s.app.share_credential(p, c.credential_id, &slug).await?;
            } else {
                s.app.unshare_credential(p, c.credential_id, &slug).await?;
            }
        }
        Ok::<_, AppError>(())
    };
    match result.await {
        Ok(()) => see_other("/me/sharing?saved=1"),
        Err(e) => error_page(e),
    }
}

#[derive(Deserialize)]
struct AllForm {
    #[serde(default)]
    share: String,
}

/// "Share everything with this employer", on or off.
async fn sharing_all(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form }: SignedInForm<AllForm>,
) -> Response {
    let p = &session.principal;
    let result = match form.share.as_str() {
        "on" => s.app.share_all(p, &slug).await.map(|_| ()),
        "off" => s.app.unshare_all(p, &slug).await,
        _ => {
            return super::message(
                StatusCode::BAD_REQUEST,
                &t("sharing-bad-form-heading").to_string(),
                t("sharing-bad-form"),
            );
        }
    };
    match result {
        // Asking twice (two tabs) changes nothing: the page shows where things stand.
        Ok(()) | Err(AppError::Conflict(_)) => see_other("/me/sharing?saved=1"),
        Err(e) => error_page(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn the_role_form_reads_rows_and_skips_blank_ones() {
        let c = Uuid::now_v7();
        let a = Uuid::now_v7();
        let f = RoleForm::from_pairs(&pairs(&[
            ("name", "Coder"),
            ("description", "Codes"),
            ("req_0", &format!("c:{c}")),
            ("level_0", "3"),
            ("req_1", ""),
            ("level_1", "2"),
            ("req_2", &format!("a:{a}")),
            ("level_2", "2"),
        ]));
        let new = f.to_new().unwrap();
        assert_eq!(new.name, "Coder");
        assert_eq!(
            new.requirements,
            vec![
                Requirement::Competency {
                    competency_id: c,
                    min_level: 3
                },
                Requirement::Achievement { achievement_id: a },
            ]
        );
    }

    #[test]
    fn the_role_form_says_which_row_to_fix() {
        let c = Uuid::now_v7();
        let f = RoleForm::from_pairs(&pairs(&[
            ("name", "Coder"),
            ("req_0", &format!("c:{c}")),
            ("level_0", "9"),
        ]));
        assert_eq!(
            f.to_new().unwrap_err(),
            "Requirement 1: choose a level from 1 to 4."
        );
        let f = RoleForm::from_pairs(&pairs(&[("name", "Coder"), ("req_0", "c:nope")]));
        assert_eq!(
            f.to_new().unwrap_err(),
            "Requirement 1 is not one of the choices; pick it again."
        );
        let f = RoleForm::from_pairs(&pairs(&[("name", "Coder")]));
        assert!(f.to_new().unwrap_err().starts_with("Choose at least one"));
        // Row numbers past the limit are ignored, not allocated.
        let f = RoleForm::from_pairs(&pairs(&[("req_99999999", &format!("c:{c}"))]));
        assert!(f.rows.is_empty());
    }

    #[test]
    fn times_read_as_people_say_them() {
        assert_eq!(ready_words(Some(0)), "ready now");
        assert_eq!(ready_words(Some(95)), "about 1 h 35 min");
        assert!(ready_words(None).starts_with("not known"));
        assert_eq!(
            cell_words(&HeatCell {
                met: 6,
                partly_met: 1,
                missing: 1
            }),
            "6 of 8 (75%), 1 partly"
        );
        assert_eq!(cell_words(&HeatCell::default()), "no workers");
        assert_eq!(short("abcdef", 4), "abc…");
        assert_eq!(short("abc", 4), "abc");
    }
}
