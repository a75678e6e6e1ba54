//! The issuer admin's pages: achievements, signing keys, and a credential's status
//! (suspend, reinstate, revoke).
//!
//! What may be done is decided in cairn-app; these pages only show its refusals. A
//! refused form comes back as it was sent, with the reason next to the field it concerns.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use cairn_app::credentials::{IssuerKeys, NewAchievement, StatusAction};
use cairn_core::stacks::{CreditsMilli, format_credits};
use cairn_core::{Achievement, AchievementKind, AchievementSpec, CredentialState};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{SignedInForm, Who, error_page, message, page, see_other, who};
use crate::AppState;
use crate::auth::SignedIn;
use crate::i18n::t;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{slug}/achievements",
            get(achievements_page).post(create_achievement),
        )
        .route("/orgs/{slug}/keys", get(keys_page))
        .route("/orgs/{slug}/keys/rotate", post(rotate_key))
        .route("/orgs/{slug}/keys/method", post(choose_method))
        .route(
            "/orgs/{slug}/credentials/{id}/status",
            get(status_page).post(change_status),
        )
}

/// Times as the issuer's pages show them, in UTC like the audit log.
fn when(t: OffsetDateTime) -> String {
    t.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_default()
}

fn kind_label(k: AchievementKind) -> String {
    t(match k {
        AchievementKind::Badge => "issuing-kind-badge",
        AchievementKind::MicroCredential => "issuing-kind-micro-credential",
        AchievementKind::NanoDegree => "issuing-kind-nano-degree",
        AchievementKind::Certificate => "issuing-kind-certificate",
    })
    .to_string()
}

/// A refusal from cairn-app as a sentence: "must not be empty" → "Must not be empty."
fn sentence(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => format!("{}{}.", c.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// Errors a form shows again rather than leaving the page: conflicts (the state changed,
/// or the change is not possible) are said on the page; the rest go to the error page.
fn conflict_text(e: &AppError) -> Option<String> {
    match e {
        AppError::Conflict(why) => Some(sentence(why)),
        _ => None,
    }
}

/// The shared error page, except that a conflict (e.g. an organization that is not an
/// issuer) is the person's to resolve, not a failure of ours.
fn refusal(e: AppError) -> Response {
    match conflict_text(&e) {
        Some(why) => message(
            StatusCode::CONFLICT,
            &t("issuing-conflict-heading").to_string(),
            why,
        ),
        None => error_page(e),
    }
}

// ---------------------------------------------------------------- achievements

/// What the creation form holds, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
struct AchievementForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    criteria: String,
    /// Days a credential stays valid; empty: no end.
    #[serde(default)]
    validity_days: String,
    /// Credit hours, decimals allowed; empty: none.
    #[serde(default)]
    credits: String,
    #[serde(default)]
    image_url: String,
}

/// "1.5" → 1500 thousandths; at most three decimals, as credits are kept.
fn parse_credits(s: &str) -> Option<CreditsMilli> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3
        || !whole.bytes().all(|b| b.is_ascii_digit())
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

/// A field to fix and what to do about it.
struct FieldError {
    field: &'static str,
    message: String,
}

impl AchievementForm {
    /// The achievement the form describes, or the first field to fix. Empty boxes are
    /// caught here, in the reader's language; cairn-app checks the rest.
    fn to_new(&self) -> Result<NewAchievement, FieldError> {
        let missing = |field: &'static str, id: &str| FieldError {
            field,
            message: t(id).to_string(),
        };
        if self.name.trim().is_empty() {
            return Err(missing("name", "issuing-error-name"));
        }
        let kind = AchievementKind::parse(&self.kind)
            .ok_or_else(|| missing("kind", "issuing-error-kind"))?;
        if self.description.trim().is_empty() {
            return Err(missing("description", "issuing-error-description"));
        }
        if self.criteria.trim().is_empty() {
            return Err(missing("criteria", "issuing-error-criteria"));
        }
        let validity_days = match self.validity_days.trim() {
            "" => None,
            v => Some(
                v.parse::<u32>()
                    .ok()
                    .filter(|d| *d > 0)
                    .ok_or_else(|| missing("validity_days", "issuing-error-validity"))?,
            ),
        };
        let credits = match self.credits.trim() {
            "" => None,
            v => Some(parse_credits(v).ok_or_else(|| missing("credits", "issuing-error-credits"))?),
        };
        let image_url = Some(self.image_url.trim().to_owned()).filter(|u| !u.is_empty());
        Ok(NewAchievement {
            kind,
            name: self.name.clone(),
            description: self.description.clone(),
            criteria: self.criteria.clone(),
            spec: AchievementSpec {
                validity_days,
                credits,
                image_url,
                ..Default::default()
            },
        })
    }
}

/// The form's box a cairn-app field name points at, if the form has one.
fn form_field(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "name",
        "kind" => "kind",
        "description" => "description",
        "criteria" => "criteria",
        "spec.validity_days" => "validity_days",
        "spec.credits" => "credits",
        "spec.image_url" => "image_url",
        _ => return None,
    })
}

struct AchievementRow {
    id: Uuid,
    name: String,
    kind: String,
    description: String,
    criteria: String,
    validity: Option<String>,
    credits: Option<String>,
    /// Earned by holding others: edited in the stack editor.
    stack: bool,
    /// Awarded by a rule when a learner meets it, rather than issued by hand.
    rule: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "achievements.html")]
struct AchievementsPage {
    who: Who,
    org_slug: String,
    org_name: String,
    rows: Vec<AchievementRow>,
    f: AchievementForm,
    kinds: Vec<(&'static str, String)>,
    /// The field the error is about ("" for the whole form), and the message.
    error_field: String,
    error: Option<String>,
    /// The name of the achievement just created.
    created: Option<String>,
}

#[derive(Deserialize)]
struct CreatedQuery {
    created: Option<Uuid>,
}

fn row(a: &Achievement) -> AchievementRow {
    AchievementRow {
        id: a.id,
        name: a.name.clone(),
        kind: kind_label(a.kind),
        description: a.description.clone(),
        criteria: a.criteria.clone(),
        validity: a.spec.validity_days.map(|d| {
            let id = if d == 1 {
                "issuing-validity-days-one"
            } else {
                "issuing-validity-days-other"
            };
            t(id).with("days", d).to_string()
        }),
        credits: a.spec.credits.filter(|c| *c > 0).map(format_credits),
        stack: a.spec.stack.is_some(),
        rule: a.spec.rule.is_some(),
    }
}

async fn build_achievements(
    s: &AppState,
    session: &Session,
    slug: &str,
    f: AchievementForm,
    error: Option<FieldError>,
    created: Option<Uuid>,
) -> Result<AchievementsPage, AppError> {
    let all = s
        .app
        .achievements_to_manage(&session.principal, slug)
        .await?;
    let org = s.app.org_unchecked(slug).await?;
    let created = created.and_then(|id| all.iter().find(|a| a.id == id).map(|a| a.name.clone()));
    let (error_field, error) = match error {
        Some(e) => (e.field.to_owned(), Some(e.message)),
        None => (String::new(), None),
    };
    Ok(AchievementsPage {
        who: who(session),
        org_slug: slug.to_owned(),
        org_name: org.name,
        rows: all.iter().map(row).collect(),
        f,
        kinds: AchievementKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_label(*k)))
            .collect(),
        error_field,
        error,
        created,
    })
}

async fn achievements_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<CreatedQuery>,
) -> Response {
    let fresh = AchievementForm {
        kind: AchievementKind::Badge.as_str().into(),
        ..Default::default()
    };
    match build_achievements(&s, &session, &slug, fresh, None, q.created).await {
        Ok(p) => p.into_response(),
        Err(e) => refusal(e),
    }
}

async fn create_achievement(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form }: SignedInForm<AchievementForm>,
) -> Response {
    let refused = |f: AchievementForm, e: FieldError, status: StatusCode| {
        let (s, session, slug) = (&s, &session, &slug);
        async move {
            match build_achievements(s, session, slug, f, Some(e), None).await {
                Ok(p) => (status, p).into_response(),
                Err(e) => refusal(e),
            }
        }
    };
    let new = match form.to_new() {
        Ok(n) => n,
        Err(e) => return refused(form, e, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match s
        .app
        .create_achievement(&session.principal, &slug, new)
        .await
    {
        Ok(a) => see_other(&format!("/orgs/{slug}/achievements?created={}", a.id)),
        Err(AppError::Invalid(i)) => {
            let e = match form_field(i.field) {
                Some(field) => FieldError {
                    field,
                    message: sentence(&i.message),
                },
                None => FieldError {
                    field: "",
                    message: sentence(&format!("{}: {}", i.field, i.message)),
                },
            };
            refused(form, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => refusal(e),
    }
}

// ---------------------------------------------------------------- signing keys

struct KeyRow {
    public_multibase: String,
    verification_method: String,
    created: String,
    /// None: it signs now.
    retired: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "signing_keys.html")]
struct KeysPage {
    who: Who,
    org_slug: String,
    org_name: String,
    /// "web" or "key".
    method: String,
    did: Option<String>,
    keys: Vec<KeyRow>,
    /// No credential yet: the identifier may still change.
    may_change_method: bool,
    error_field: String,
    error: Option<String>,
    /// What was just done: "rotated" or "method".
    done: String,
}

#[derive(Deserialize)]
struct DoneQuery {
    #[serde(default)]
    done: String,
}

async fn build_keys(
    s: &AppState,
    session: &Session,
    slug: &str,
    error: Option<FieldError>,
    done: String,
) -> Result<KeysPage, AppError> {
    let IssuerKeys {
        method,
        did,
        keys,
        issued,
    } = s.app.issuer_keys(&session.principal, slug).await?;
    let org = s.app.org_unchecked(slug).await?;
    let (error_field, error) = match error {
        Some(e) => (e.field.to_owned(), Some(e.message)),
        None => (String::new(), None),
    };
    Ok(KeysPage {
        who: who(session),
        org_slug: slug.to_owned(),
        org_name: org.name,
        method,
        did,
        keys: keys
            .into_iter()
            .map(|k| KeyRow {
                public_multibase: k.public_multibase,
                verification_method: k.verification_method,
                created: when(k.created_at),
                retired: k.retired_at.map(when),
            })
            .collect(),
        may_change_method: issued == 0,
        error_field,
        error,
        done: match done.as_str() {
            "rotated" | "method" => done,
            _ => String::new(),
        },
    })
}

async fn keys_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    match build_keys(&s, &session, &slug, None, q.done).await {
        Ok(p) => p.into_response(),
        Err(e) => refusal(e),
    }
}

/// The keys page again with what to fix.
async fn keys_refused(
    s: &AppState,
    session: &Session,
    slug: &str,
    e: FieldError,
    status: StatusCode,
) -> Response {
    match build_keys(s, session, slug, Some(e), String::new()).await {
        Ok(p) => (status, p).into_response(),
        Err(e) => refusal(e),
    }
}

#[derive(Deserialize)]
struct RotateForm {
    /// The box saying the admin understands what rotation does.
    #[serde(default)]
    confirm: String,
}

async fn rotate_key(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form }: SignedInForm<RotateForm>,
) -> Response {
    if form.confirm != "yes" {
        let e = FieldError {
            field: "rotate-confirm",
            message: t("issuing-error-rotate-confirm").to_string(),
        };
        return keys_refused(&s, &session, &slug, e, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match s.app.rotate_signing_key(&session.principal, &slug).await {
        Ok(_) => see_other(&format!("/orgs/{slug}/keys?done=rotated")),
        Err(e) => match conflict_text(&e) {
            Some(why) => {
                let e = FieldError {
                    field: "",
                    message: why,
                };
                keys_refused(&s, &session, &slug, e, StatusCode::CONFLICT).await
            }
            None => error_page(e),
        },
    }
}

#[derive(Deserialize)]
struct MethodForm {
    #[serde(default)]
    method: String,
}

async fn choose_method(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    SignedInForm { session, form }: SignedInForm<MethodForm>,
) -> Response {
    match s
        .app
        .set_issuer_did_method(&session.principal, &slug, &form.method)
        .await
    {
        Ok(()) => see_other(&format!("/orgs/{slug}/keys?done=method")),
        Err(AppError::Invalid(_)) => {
            let e = FieldError {
                field: "method",
                message: t("issuing-error-method").to_string(),
            };
            keys_refused(&s, &session, &slug, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => match conflict_text(&e) {
            Some(why) => {
                let e = FieldError {
                    field: "",
                    message: why,
                };
                keys_refused(&s, &session, &slug, e, StatusCode::CONFLICT).await
            }
            None => error_page(e),
        },
    }
}

// ---------------------------------------------------------------- credential status

#[derive(Template, WebTemplate)]
#[template(path = "credential_status.html")]
struct StatusPage {
    who: Who,
    org_slug: String,
    id: Uuid,
    name: String,
    recipient: String,
    issued: String,
    valid_until: Option<String>,
    /// "active", "suspended" or "revoked", for the template's choices.
    state_code: &'static str,
    state: String,
    reason: Option<String>,
    /// The form as sent, when it comes back refused.
    f: StatusForm,
    error_field: String,
    error: Option<String>,
    /// What was just done: "suspend", "reinstate" or "revoke".
    done: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct StatusForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    /// Revocation only: the box saying the admin knows it is final.
    #[serde(default)]
    confirm: String,
}

async fn build_status(
    s: &AppState,
    session: &Session,
    slug: &str,
    id: Uuid,
    f: StatusForm,
    error: Option<FieldError>,
    done: String,
) -> Result<StatusPage, AppError> {
    let c = s
        .app
        .credential_to_manage(&session.principal, slug, id)
        .await?;
    let (error_field, error) = match error {
        Some(e) => (e.field.to_owned(), Some(e.message)),
        None => (String::new(), None),
    };
    Ok(StatusPage {
        who: who(session),
        org_slug: slug.to_owned(),
        id: c.id,
        name: c.name,
        recipient: c.recipient,
        issued: when(c.issued_at),
        valid_until: c.valid_until.map(when),
        state_code: match c.state {
            CredentialState::Active => "active",
            CredentialState::Suspended => "suspended",
            CredentialState::Revoked => "revoked",
        },
        state: crate::i18n::credential_state_name(c.state).to_string(),
        reason: c.status_reason,
        f,
        error_field,
        error,
        done: match done.as_str() {
            "suspend" | "reinstate" | "revoke" => done,
            _ => String::new(),
        },
    })
}

async fn status_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((slug, id)): Path<(String, Uuid)>,
    Query(q): Query<DoneQuery>,
) -> Response {
    page(build_status(&s, &session, &slug, id, StatusForm::default(), None, q.done).await)
}

impl StatusForm {
    /// The change asked for, or the field to fix. Suspending and revoking say why; a
    /// revocation is also confirmed, as it cannot be undone.
    fn change(&self) -> Result<(StatusAction, Option<&str>), FieldError> {
        let reason = Some(self.reason.trim()).filter(|r| !r.is_empty());
        let (action, prefix) = match self.action.as_str() {
            "suspend" => (StatusAction::Suspend, "suspend"),
            "reinstate" => (StatusAction::Reinstate, "reinstate"),
            "revoke" => (StatusAction::Revoke, "revoke"),
            _ => {
                return Err(FieldError {
                    field: "",
                    message: t("issuing-error-action").to_string(),
                });
            }
        };
        if reason.is_none() && action != StatusAction::Reinstate {
            return Err(FieldError {
                field: if prefix == "suspend" {
                    "suspend-reason"
                } else {
                    "revoke-reason"
                },
                message: t("issuing-error-reason").to_string(),
            });
        }
        if action == StatusAction::Revoke && self.confirm != "yes" {
            return Err(FieldError {
                field: "revoke-confirm",
                message: t("issuing-error-revoke-confirm").to_string(),
            });
        }
        Ok((action, reason))
    }

    /// The reason box of the form that was sent, for a refusal about the reason.
    fn reason_field(&self) -> &'static str {
        match self.action.as_str() {
            "suspend" => "suspend-reason",
            "reinstate" => "reinstate-reason",
            _ => "revoke-reason",
        }
    }
}

async fn change_status(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, Uuid)>,
    SignedInForm { session, form }: SignedInForm<StatusForm>,
) -> Response {
    let refused = |f: StatusForm, e: FieldError, status: StatusCode| {
        let (s, session, slug) = (&s, &session, &slug);
        async move {
            match build_status(s, session, slug, id, f, Some(e), String::new()).await {
                Ok(p) => (status, p).into_response(),
                Err(e) => refusal(e),
            }
        }
    };
    let (action, reason) = match form.change() {
        Ok(x) => x,
        Err(e) => return refused(form.clone(), e, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match s
        .app
        .set_credential_status(&session.principal, &slug, id, action, reason)
        .await
    {
        Ok(_) => see_other(&format!(
            "/orgs/{slug}/credentials/{id}/status?done={}",
            form.action
        )),
        Err(AppError::Invalid(i)) => {
            let e = FieldError {
                field: form.reason_field(),
                message: sentence(&i.message),
            };
            refused(form, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => match conflict_text(&e) {
            Some(why) => {
                let e = FieldError {
                    field: "",
                    message: why,
                };
                refused(StatusForm::default(), e, StatusCode::CONFLICT).await
            }
            None => error_page(e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_are_read_as_people_write_them() {
        assert_eq!(parse_credits("6"), Some(6000));
        assert_eq!(parse_credits("1.5"), Some(1500));
        assert_eq!(parse_credits(".25"), Some(250));
        assert_eq!(parse_credits("1.2345"), None);
        assert_eq!(parse_credits("-1"), None);
        assert_eq!(parse_credits("x"), None);
    }

    #[test]
    fn a_revocation_needs_a_reason_and_a_confirmation() {
        let f = |action: &str, reason: &str, confirm: &str| StatusForm {
            action: action.into(),
            reason: reason.into(),
            confirm: confirm.into(),
        };
        let field = |r: Result<(StatusAction, Option<&str>), FieldError>| match r {
            Ok(_) => "ok",
            Err(e) => e.field,
        };
        assert_eq!(field(f("revoke", "", "yes").change()), "revoke-reason");
        assert_eq!(
            field(f("revoke", "issued in error", "").change()),
            "revoke-confirm"
        );
        assert_eq!(field(f("revoke", "issued in error", "yes").change()), "ok");
        assert_eq!(field(f("suspend", "  ", "").change()), "suspend-reason");
        assert_eq!(field(f("reinstate", "", "").change()), "ok");
        assert_eq!(field(f("delete", "x", "yes").change()), "");
    }
}
