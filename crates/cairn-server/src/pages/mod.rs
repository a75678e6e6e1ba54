//! Server-rendered pages: sign-in, a home page shaped by the roles a person holds, and an
//! organization page. Forms are protected against cross-site requests: before sign-in by a
//! cookie the form must echo (double submit), after sign-in by the session's own token.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_core::authz::Action;
use cairn_core::{OrgKind, Organization, Role};
use serde::Deserialize;

mod accreditation;
mod assessments;
mod assignments;
mod awards;
mod catalog;
mod credentials;
mod issuing;
mod jobs;
mod notifications;
mod registry;
mod reviews;
mod stack_svg;
mod stacks;
mod workforce;
mod workforce_svg;

use crate::AppState;
use crate::auth::{
    CSRF_COOKIE, ClientAddr, MaybeSession, SESSION_COOKIE, SignedIn, cookie, set_cookie,
};
use crate::i18n::t;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/signin", get(signin_form).post(signin))
        .route("/signout", post(signout))
        .route("/language", get(choose_language))
        .route("/orgs", post(create_org))
        .route("/orgs/{slug}", get(org_page))
        .merge(credentials::routes())
        .merge(catalog::routes())
        .merge(assessments::routes())
        .merge(reviews::routes())
        .merge(awards::routes())
        .merge(stacks::routes())
        .merge(notifications::routes())
        .merge(workforce::routes())
        .merge(assignments::routes())
        .merge(accreditation::routes())
        .merge(registry::routes())
        .merge(jobs::routes())
        .merge(issuing::routes())
}

/// A form posted by a signed-in person from one of Cairn's own pages: the session, and
/// the form, whose `csrf` field must match the session's token. Not signed in → the
/// sign-in page; a missing or wrong token → a refusal page. Must be the last extractor.
pub(crate) struct SignedInForm<T> {
    pub session: Session,
    pub form: T,
}

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for SignedInForm<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, s: &AppState) -> Result<Self, Response> {
        #[derive(Deserialize)]
        struct Token {
            #[serde(default)]
            csrf: String,
        }
        let (mut parts, body) = req.into_parts();
        let Ok(MaybeSession(Some(session))) = <MaybeSession as axum::extract::FromRequestParts<
            AppState,
        >>::from_request_parts(&mut parts, s)
        .await
        else {
            return Err(Redirect::to("/signin").into_response());
        };
        let bytes = axum::body::to_bytes(body, crate::MAX_BODY_BYTES)
            .await
            .map_err(|_| {
                message(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &t("form-too-large-heading").to_string(),
                    t("form-too-large"),
                )
            })?;
        let bad_form = |e: serde_urlencoded::de::Error| {
            message(
                StatusCode::BAD_REQUEST,
                &t("form-unreadable-heading").to_string(),
                t("form-unreadable").with("reason", e),
            )
        };
        let token: Token = serde_urlencoded::from_bytes(&bytes).map_err(bad_form)?;
        if !cairn_app::security::constant_time_eq(
            session.csrf_token.as_bytes(),
            token.csrf.as_bytes(),
        ) {
            return Err(message(
                StatusCode::FORBIDDEN,
                &t("form-refused-heading").to_string(),
                t("form-refused"),
            ));
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(bad_form)?;
        Ok(SignedInForm { session, form })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "signin.html")]
struct SignInPage {
    csrf: String,
    email: String,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
struct MessagePage {
    heading: String,
    message: String,
}

pub fn not_found_page() -> String {
    MessagePage {
        heading: t("page-not-found-heading").into(),
        message: t("page-not-found").into(),
    }
    .render()
    .unwrap_or_else(|_| t("page-not-found-heading").into())
}

fn message(status: StatusCode, heading: &str, msg: impl Into<String>) -> Response {
    (
        status,
        MessagePage {
            heading: heading.into(),
            message: msg.into(),
        },
    )
        .into_response()
}

#[derive(Deserialize)]
struct ChooseLanguage {
    #[serde(default)]
    to: String,
    #[serde(default)]
    back: String,
}

/// The language switcher's links: keep the choice in a cookie for a year and go back to
/// the page the person was on. Only a path on this site is followed back, never a host.
async fn choose_language(State(s): State<AppState>, Query(q): Query<ChooseLanguage>) -> Response {
    let Some(lang) = crate::i18n::Lang::from_tag(&q.to) else {
        return message(
            StatusCode::BAD_REQUEST,
            &crate::i18n::t("language-unknown-heading").to_string(),
            crate::i18n::t("language-unknown").with("tag", &q.to),
        );
    };
    let back = if q.back.starts_with('/') && !q.back.starts_with("//") && !q.back.contains('\\') {
        q.back.as_str()
    } else {
        "/"
    };
    let mut res = Redirect::to(back).into_response();
    if let Ok(v) = HeaderValue::from_str(&set_cookie(
        crate::i18n::LANG_COOKIE,
        lang.tag(),
        365 * 86_400,
        s.config.secure_cookies,
    )) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// The form token for anonymous forms: the cookie's, or a new one to set.
fn anonymous_csrf(headers: &HeaderMap) -> (String, bool) {
    match cookie(headers, CSRF_COOKIE) {
        Some(v) if v.len() >= 32 => (v.to_owned(), false),
        _ => (
            cairn_app::security::random_secret(32).unwrap_or_default(),
            true,
        ),
    }
}

async fn signin_form(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
) -> Response {
    if session.is_some() {
        return Redirect::to("/").into_response();
    }
    let (csrf, fresh) = anonymous_csrf(&headers);
    let page = SignInPage {
        csrf: csrf.clone(),
        email: String::new(),
        error: None,
    };
    with_csrf_cookie(page.into_response(), &csrf, fresh, s.config.secure_cookies)
}

fn with_csrf_cookie(mut res: Response, csrf: &str, fresh: bool, secure: bool) -> Response {
    if fresh && let Ok(v) = HeaderValue::from_str(&set_cookie(CSRF_COOKIE, csrf, 86_400, secure)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

async fn signin(
    State(s): State<AppState>,
    ClientAddr(peer): ClientAddr,
    req_headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let (csrf, fresh) = anonymous_csrf(&req_headers);
    let expected = cookie(&req_headers, CSRF_COOKIE).unwrap_or_default();
    let render = |status: StatusCode, msg: String| {
        let page = SignInPage {
            csrf: csrf.clone(),
            email: f.email.clone(),
            error: Some(msg),
        };
        with_csrf_cookie(
            (status, page).into_response(),
            &csrf,
            fresh,
            s.config.secure_cookies,
        )
    };
    if expected.is_empty()
        || !cairn_app::security::constant_time_eq(expected.as_bytes(), f.csrf.as_bytes())
    {
        return render(StatusCode::FORBIDDEN, t("signin-form-expired").into());
    }
    let key = peer
        .map(|p| p.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    if let Err(wait) = s.sign_in_limiter.check(&key) {
        return render(
            StatusCode::TOO_MANY_REQUESTS,
            t("signin-too-many").with("seconds", wait).into(),
        );
    }
    match s.app.sign_in(&f.email, &f.password).await {
        Ok(signed) => {
            // The limit is on failures: colleagues sharing one address all get in.
            s.sign_in_limiter.forgive(&key);
            let mut res = Redirect::to("/").into_response();
            let max_age = (signed.expires_at - cairn_app::now())
                .whole_seconds()
                .max(0);
            if let Ok(v) = HeaderValue::from_str(&set_cookie(
                SESSION_COOKIE,
                &signed.session_secret,
                max_age,
                s.config.secure_cookies,
            )) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            *res.status_mut() = StatusCode::SEE_OTHER;
            res
        }
        Err(e @ (AppError::Unauthenticated(_) | AppError::Locked { .. })) => {
            let status = if matches!(e, AppError::Locked { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let mut msg = e.to_string();
            if let Some(first) = msg.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            render(status, format!("{msg}."))
        }
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            render(StatusCode::INTERNAL_SERVER_ERROR, t("error-ours").into())
        }
    }
}

#[derive(Deserialize)]
struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

async fn signout(
    State(s): State<AppState>,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
    Form(f): Form<SignOutForm>,
) -> Response {
    if let (Some(sess), Some(secret)) = (session, cookie(&headers, SESSION_COOKIE)) {
        if !cairn_app::security::constant_time_eq(sess.csrf_token.as_bytes(), f.csrf.as_bytes()) {
            return message(
                StatusCode::FORBIDDEN,
                &t("signout-refused-heading").to_string(),
                t("signout-refused"),
            );
        }
        if let Err(e) = s.app.sign_out(secret).await {
            tracing::error!(error = %e, "sign-out failed");
        }
    }
    let mut res = Redirect::to("/signin").into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) =
        HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "", 0, s.config.secure_cookies))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

struct Panel {
    heading: String,
    org_name: String,
    roles: String,
    job_title: Option<String>,
    summary: String,
    facts: Vec<String>,
    /// (address, label): where this role's work is.
    links: Vec<(String, String)>,
}

/// Where each role's work is, in an organization of these kinds.
fn role_links(role: Role, org: &Organization) -> Vec<(String, String)> {
    let at = |path: &str| format!("/orgs/{}{path}", org.slug);
    let mut links = vec![(at(""), "home-link-org")];
    match role {
        Role::Learner => {
            links.push(("/catalog".into(), "home-link-find-modules-in-the"));
            links.push(("/evidence".into(), "home-link-your-evidence-and-its"));
            links.push(("/me/stacks".into(), "home-link-your-stacks-and-pathways"));
            links.push(("/me/sharing".into(), "home-link-what-you-share-with"));
            links.push(("/me/assignments".into(), "home-link-your-assignments"));
        }
        Role::Manager => {
            links.push((at("/workforce"), "home-link-workforce-teams-roles-and"));
            links.push((
                at("/assignments"),
                "home-link-assignments-and-team-progress",
            ));
            links.push(("/me/jobs".into(), "job-mine-heading"));
        }
        Role::Author if org.is(OrgKind::Provider) => {
            links.push((at("/modules"), "home-link-your-modules"));
            links.push((at("/items"), "home-link-item-bank"));
            links.push((at("/assessments"), "home-link-assessments"));
            links.push((at("/rubrics"), "home-link-rubrics"));
            links.push((at("/review-stats"), "home-link-assessor-agreement"));
            links.push((at("/submissions"), "home-link-accreditation-submissions"));
        }
        Role::Assessor => {
            links.push(("/reviews".into(), "home-link-your-review-queue"));
            links.push((at("/review-stats"), "home-link-assessor-agreement"));
        }
        Role::Admin => {
            links.push(("/me/jobs".into(), "job-mine-heading"));
            if org.is(OrgKind::Issuer) {
                links.push((at("/awards"), "home-link-awards-and-their-signing"));
                links.push((at("/stacks"), "home-link-stacked-credentials-and-their"));
                links.push((at("/achievements"), "home-link-achievements"));
                links.push((at("/keys"), "home-link-signing-keys"));
                links.push((at("/awards/bulk"), "bulk-heading"));
            }
            if org.is(OrgKind::Provider) {
                links.push((at("/modules"), "home-link-modules"));
                links.push((at("/assessments"), "home-link-assessments"));
                links.push((at("/rubrics"), "home-link-rubrics"));
                links.push((at("/submissions"), "home-link-accreditation-submissions"));
            }
            if org.is(OrgKind::Accreditor) {
                links.push((
                    at("/accreditation"),
                    "home-link-accreditation-queue-and-decisions",
                ));
                links.push((at("/accreditation/standards"), "home-link-review-standards"));
            }
        }
        Role::Reviewer => {
            links.push((
                "/accreditation/reviews".into(),
                "home-link-your-accreditation-reviews",
            ));
        }
        _ => {}
    }
    links
        .into_iter()
        .map(|(href, id)| (href, t(id).to_string()))
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    user_name: String,
    csrf: String,
    panels: Vec<Panel>,
    operator: bool,
    /// (slug, name, kinds)
    all_orgs: Vec<(String, String, String)>,
    /// The person's own credentials: (id, name, state)
    wallet: Vec<(String, String, String)>,
    /// The operator's form to start an organization, as last posted.
    new_org: NewOrgForm,
}

/// The operator's "start an organization" form: what was typed, and the one problem found.
#[derive(Default, Deserialize)]
struct NewOrgForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    kind_employer: Option<String>,
    kind_provider: Option<String>,
    kind_accreditor: Option<String>,
    kind_issuer: Option<String>,
    #[serde(default)]
    admin_email: String,
    #[serde(default)]
    admin_name: String,
    #[serde(default)]
    admin_password: String,
    /// (field, message): where the form went wrong.
    #[serde(skip)]
    error: Option<(String, String)>,
}

impl NewOrgForm {
    /// The problem with `field`, if that is where the form went wrong.
    fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The form's problem when it concerns no one field.
    fn general_error(&self) -> Option<&str> {
        const FIELDS: [&str; 6] = [
            "name",
            "slug",
            "kinds",
            "admin_email",
            "admin_name",
            "admin_password",
        ];
        self.error
            .as_ref()
            .filter(|(f, _)| !FIELDS.contains(&f.as_str()))
            .map(|(_, m)| m.as_str())
    }

    fn kinds(&self) -> Vec<OrgKind> {
        [
            (&self.kind_employer, OrgKind::Employer),
            (&self.kind_provider, OrgKind::Provider),
            (&self.kind_accreditor, OrgKind::Accreditor),
            (&self.kind_issuer, OrgKind::Issuer),
        ]
        .into_iter()
        .filter(|(on, _)| on.is_some())
        .map(|(_, k)| k)
        .collect()
    }
}

/// The operator starts an organization with its first administrator; a problem shows on
/// the home page beside the field it concerns, with what was typed kept.
async fn create_org(
    State(s): State<AppState>,
    SignedInForm { session, form }: SignedInForm<NewOrgForm>,
) -> Response {
    let new = cairn_app::orgs::NewOrg {
        slug: Some(form.slug.trim().to_owned()).filter(|x| !x.is_empty()),
        name: form.name.clone(),
        kinds: form.kinds(),
    };
    let admin = cairn_app::orgs::FirstAdmin {
        email: form.admin_email.clone(),
        display_name: Some(form.admin_name.clone()),
        password: Some(form.admin_password.clone()),
    };
    let error = match s
        .app
        .create_org_with_admin(&session.principal, new, admin)
        .await
    {
        Ok(org) => return see_other(&format!("/orgs/{}", org.slug)),
        Err(AppError::Invalid(inv)) => (inv.field.to_owned(), inv.message),
        Err(AppError::Conflict(msg)) if msg.contains("slug") => {
            ("slug".to_owned(), t("home-new-org-slug-taken").to_string())
        }
        Err(AppError::Conflict(msg)) => ("form".to_owned(), msg),
        Err(e) => return error_page(e),
    };
    let mut form = form;
    form.admin_password.clear();
    form.error = Some(error);
    match build_home(&s, &session).await {
        Ok(mut page) => {
            page.new_org = form;
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(e) => error_page(e),
    }
}

fn kinds_text(kinds: &[OrgKind]) -> String {
    kinds
        .iter()
        .map(|k| crate::i18n::org_kind_name(*k).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a role is for, in the words of the person who holds it.
fn role_summary(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Learner => ("home-role-heading-learner", "home-role-summary-learner"),
        Role::Manager => ("home-role-heading-manager", "home-role-summary-manager"),
        Role::Admin => ("home-role-heading-admin", "home-role-summary-admin"),
        Role::Author => ("home-role-heading-author", "home-role-summary-author"),
        Role::Assessor => ("home-role-heading-assessor", "home-role-summary-assessor"),
        Role::Reviewer => ("home-role-heading-reviewer", "home-role-summary-reviewer"),
    }
}

async fn home(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    page(build_home(&s, &session).await)
}

async fn build_home(s: &AppState, session: &Session) -> Result<HomePage, AppError> {
    let p = &session.principal;
    let mut r = s.app.store.reader().await?;
    let memberships = r.conn().memberships_of_user(session.user.id).await?;
    let mut panels = Vec::new();
    let orgs = s.app.orgs_visible_to(p).await?;
    for org in orgs.iter().filter(|o| p.is_member_of(o.id)) {
        let mine: Vec<_> = memberships.iter().filter(|m| m.org_id == org.id).collect();
        let mut roles: Vec<Role> = mine.iter().map(|m| m.role).collect();
        roles.sort();
        let roles_text = roles
            .iter()
            .map(|r| crate::i18n::role_name(*r).to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let job_title = mine.iter().find_map(|m| m.job_title.clone());
        for role in &roles {
            let (heading, summary) = role_summary(*role);
            let mut facts = Vec::new();
            match role {
                Role::Learner => {
                    let teams = r.conn().team_names_of_user(org.id, session.user.id).await?;
                    if !teams.is_empty() {
                        facts.push(t("home-fact-team").with("teams", teams.join(", ")).into());
                    }
                }
                Role::Manager => {
                    for team in r.conn().teams_of_org(org.id).await? {
                        facts.push(
                            t("home-fact-team-size")
                                .with("team", team.name)
                                .with("people", team.members)
                                .into(),
                        );
                    }
                }
                Role::Admin => {
                    if org.is(OrgKind::Issuer) {
                        facts.push(
                            t("home-fact-issued")
                                .with("count", r.conn().count_credentials(org.id).await?)
                                .into(),
                        );
                    }
                    facts.push(
                        t("home-fact-members")
                            .with("count", r.conn().count_members(org.id).await?)
                            .into(),
                    );
                    facts.push(
                        t("home-fact-tokens")
                            .with("count", r.conn().tokens_of_org(org.id).await?.len())
                            .into(),
                    );
                }
                _ => {}
            }
            panels.push(Panel {
                heading: t(heading).into(),
                org_name: org.name.clone(),
                roles: roles_text.clone(),
                job_title: job_title.clone(),
                summary: t(summary).into(),
                facts,
                links: role_links(*role, org),
            });
        }
    }
    let operator = p.may(Action::OrgListAll, None);
    let all_orgs = if operator {
        orgs.iter()
            .map(|o| (o.slug.clone(), o.name.clone(), kinds_text(&o.kinds)))
            .collect()
    } else {
        Vec::new()
    };
    let wallet = s
        .app
        .my_credentials(p)
        .await?
        .into_iter()
        .map(|c| {
            let state = crate::i18n::credential_state_name(c.state).to_string();
            (c.id.to_string(), c.name, state)
        })
        .collect();
    Ok(HomePage {
        user_name: session.user.display_name.clone(),
        csrf: session.csrf_token.clone(),
        panels,
        operator,
        all_orgs,
        wallet,
        new_org: NewOrgForm::default(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "org.html")]
struct OrgPage {
    user_name: String,
    csrf: String,
    org_slug: String,
    org_name: String,
    kinds: String,
    your_roles: String,
    teams: Option<Vec<(String, i64)>>,
    members: Option<Vec<cairn_app::orgs::MemberRow>>,
    member_total: i64,
    prev_offset: Option<i64>,
    next_offset: Option<i64>,
    /// (name, role, status)
    tokens: Option<Vec<(String, String, String)>>,
    /// (time, action, subject)
    audit: Option<Vec<(String, String, String)>>,
    /// The platform's operator, not a member: sees what the organization is, not its people.
    operator_view: bool,
}

#[derive(Deserialize)]
struct OrgQuery {
    offset: Option<i64>,
}

const MEMBERS_PER_PAGE: i64 = 50;

async fn org_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<OrgQuery>,
) -> Response {
    match build_org_page(&s, &session, &slug, q.offset.unwrap_or(0).max(0)).await {
        Ok(page) => page.into_response(),
        Err(e) => error_page(e),
    }
}

async fn build_org_page(
    s: &AppState,
    session: &Session,
    slug: &str,
    offset: i64,
) -> Result<OrgPage, AppError> {
    let p = &session.principal;
    // An operator who is not a member sees that the organization exists and what it is,
    // not its people or records.
    let org = match s.app.org(p, slug).await {
        Err(AppError::Forbidden(_)) if p.may(Action::OrgListAll, None) => {
            s.app.org_unchecked(slug).await?
        }
        other => other?,
    };
    let operator_view = p.roles_in(org.id).next().is_none() && p.may(Action::OrgListAll, None);
    let may = |a: Action| p.may(a, Some(org.id));
    let mut roles: Vec<Role> = p.roles_in(org.id).collect();
    roles.sort();
    let roles: Vec<String> = roles
        .into_iter()
        .map(|r| crate::i18n::role_name(r).to_string())
        .collect();
    let teams = if may(Action::TeamView) {
        Some(
            s.app
                .teams(p, slug)
                .await?
                .into_iter()
                .map(|t| (t.name, t.members))
                .collect(),
        )
    } else {
        None
    };
    let (members, member_total) = if may(Action::MemberList) {
        let (_, rows, total) = s.app.members(p, slug, MEMBERS_PER_PAGE, offset).await?;
        (Some(rows), total)
    } else {
        (None, 0)
    };
    let tokens = if may(Action::TokenManage) {
        let now = cairn_app::now();
        Some(
            s.app
                .tokens(p, slug)
                .await?
                .into_iter()
                .map(|tok| {
                    let status = if tok.revoked_at.is_some() {
                        "token-revoked"
                    } else if tok.is_usable_at(now) {
                        "token-active"
                    } else {
                        "token-expired"
                    };
                    (
                        tok.name,
                        crate::i18n::role_name(tok.role).to_string(),
                        t(status).to_string(),
                    )
                })
                .collect(),
        )
    } else {
        None
    };
    let audit = if may(Action::AuditView) {
        let (events, _) = s.app.audit_log(p, slug, 0, 20).await?;
        Some(
            events
                .into_iter()
                .rev()
                .map(|e| {
                    let at =
                        e.at.format(&time::format_description::well_known::Rfc3339)
                            .unwrap_or_default();
                    (at, e.entry.action, e.entry.subject)
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(OrgPage {
        user_name: session.user.display_name.clone(),
        csrf: session.csrf_token.clone(),
        org_slug: org.slug.clone(),
        org_name: org.name.clone(),
        kinds: kinds_text(&org.kinds),
        your_roles: roles.join(", "),
        teams,
        members,
        member_total,
        prev_offset: (offset > 0).then(|| (offset - MEMBERS_PER_PAGE).max(0)),
        next_offset: (offset + MEMBERS_PER_PAGE < member_total)
            .then_some(offset + MEMBERS_PER_PAGE),
        tokens,
        audit,
        operator_view,
    })
}

/// The header's account part (`catalog_nav.html`): who is signed in, and the token their
/// forms carry.
struct Who {
    signed_in: bool,
    user_name: String,
    csrf: String,
}

fn who(s: &Session) -> Who {
    Who {
        signed_in: true,
        user_name: s.user.display_name.clone(),
        csrf: s.csrf_token.clone(),
    }
}

/// As [`who`], for pages anyone may see.
fn who_maybe(session: &Option<Session>) -> Who {
    match session {
        Some(s) => who(s),
        None => Who {
            signed_in: false,
            user_name: String::new(),
            csrf: String::new(),
        },
    }
}

/// After a form is handled: go to `to`, as a GET.
fn see_other(to: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    res
}

/// A page, or the page that explains why it cannot be shown.
fn page<T: IntoResponse>(built: Result<T, AppError>) -> Response {
    match built {
        Ok(p) => p.into_response(),
        Err(e) => error_page(e),
    }
}

fn error_page(e: AppError) -> Response {
    match e {
        AppError::NotFound(what) => message(
            StatusCode::NOT_FOUND,
            &t("not-found-heading").to_string(),
            t("not-found").with("what", what),
        ),
        AppError::Forbidden(d) => message(
            StatusCode::FORBIDDEN,
            &t("not-allowed-heading").to_string(),
            t("not-allowed").with("reason", d),
        ),
        AppError::Unauthenticated(_) => Redirect::to("/signin").into_response(),
        other => {
            tracing::error!(error = %other, "page failed");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                &t("error-ours-heading").to_string(),
                t("error-ours"),
            )
        }
    }
}
