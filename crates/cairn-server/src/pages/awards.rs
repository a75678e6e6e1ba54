//! Pages for awards: a learner sees the chain of decisions behind each credential.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use cairn_app::AppError;
use cairn_app::awards::ChainEvent;
use uuid::Uuid;

use super::page;
use crate::AppState;
use crate::auth::SignedIn;
use crate::i18n::t;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/credentials/{id}/chain", get(chain_page))
        .route("/orgs/{slug}/awards", get(org_awards_page))
}

struct AwardLine {
    achievement: String,
    learner: String,
    state: String,
    decided: String,
    explanation: String,
    credential_id: Option<Uuid>,
    last_error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "award_list.html")]
struct AwardListPage {
    user_name: String,
    csrf: String,
    org_name: String,
    org_slug: String,
    awards: Vec<AwardLine>,
    pending: usize,
    failed: usize,
}

async fn org_awards_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    page(build_org_awards(&s, &session, &slug).await)
}

async fn build_org_awards(
    s: &AppState,
    session: &cairn_app::accounts::Session,
    slug: &str,
) -> Result<AwardListPage, AppError> {
    let awards = s.app.org_awards(&session.principal, slug, None).await?;
    let org = s.app.org_unchecked(slug).await?;
    let achievements: HashMap<Uuid, String> = s
        .app
        .achievements(slug)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let mut names = HashMap::new();
    let mut lines = Vec::new();
    for a in &awards {
        let learner = name_of(s, &mut names, a.learner_id).await?;
        lines.push(AwardLine {
            achievement: achievements
                .get(&a.achievement_id)
                .cloned()
                .unwrap_or_default(),
            learner,
            state: match (a.state.as_str(), a.active) {
                ("issued", false) => t("award-state-revoked").to_string(),
                ("issued", true) => t("award-state-issued").to_string(),
                ("pending", _) => t("award-state-pending").to_string(),
                ("failed", _) => t("award-state-failed").to_string(),
                (s, _) => s.to_owned(),
            },
            decided: a
                .decided_at
                .format(time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute] UTC"
                ))
                .unwrap_or_default(),
            explanation: a.explanation.clone(),
            credential_id: a.credential_id,
            last_error: a.last_error.clone(),
        });
    }
    Ok(AwardListPage {
        user_name: session.user.display_name.clone(),
        csrf: session.csrf_token.clone(),
        org_name: org.name,
        org_slug: org.slug,
        pending: awards.iter().filter(|a| a.state == "pending").count(),
        failed: awards.iter().filter(|a| a.state == "failed").count(),
        awards: lines,
    })
}

struct Step {
    when: String,
    who: String,
    what: String,
    why: String,
}

struct EvidenceLine {
    genre: String,
    name: String,
    description: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "award_chain.html")]
struct ChainPage {
    user_name: String,
    csrf: String,
    credential_id: Uuid,
    credential_name: String,
    explanation: Option<String>,
    evidence: Vec<EvidenceLine>,
    steps: Vec<Step>,
}

/// What an audit action means, in words a learner reads.
fn action_words(action: &str) -> String {
    let id = match action {
        "attempt.start" => "award-action-attempt-start",
        "attempt.score" => "award-action-attempt-score",
        "evidence.submit" => "award-action-evidence-submit",
        "evidence.assign" | "review.assign" => "award-action-assign",
        "review.submit" => "award-action-review-submit",
        "evidence.decide" => "award-action-evidence-decide",
        "evidence.appeal" => "award-action-evidence-appeal",
        "module.complete" => "award-action-module-complete",
        "award.decide" => "award-action-award-decide",
        "credential.issue" => "award-action-credential-issue",
        "award.issue" => "award-action-award-issue",
        "credential.revoke" => "award-action-credential-revoke",
        "credential.suspend" => "award-action-credential-suspend",
        "credential.reinstate" => "award-action-credential-reinstate",
        other => return other.replace(['.', '_'], " "),
    };
    t(id).to_string()
}

/// The event's reason: its explanation when it recorded one, else its details in brief.
fn why(e: &ChainEvent) -> String {
    let d = &e.detail;
    let num = |k: &str| d.get(k).and_then(serde_json::Value::as_i64);
    match e.action.as_str() {
        "attempt.start" => {
            if let (Some(n), Some(items)) = (num("number"), num("items")) {
                return t("award-why-attempt")
                    .with("number", n)
                    .with("items", items)
                    .to_string();
            }
        }
        "credential.issue" => {
            if let (Some(list), Some(index)) = (num("status_list"), num("status_index")) {
                return t("award-why-signed")
                    .with("index", index)
                    .with("list", list)
                    .to_string();
            }
        }
        "award.issue" => return t("award-why-award-issued").to_string(),
        _ => {}
    }
    for key in ["explanation", "decision", "reason", "outcome"] {
        if let Some(s) = e.detail.get(key).and_then(|v| v.as_str()) {
            return s.to_owned();
        }
    }
    match &e.detail {
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(_, v)| v.is_string() || v.is_number() || v.is_boolean())
            .map(|(k, v)| {
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                format!("{}: {v}", k.replace('_', " "))
            })
            .collect::<Vec<_>>()
            .join(" · "),
        other => other.to_string(),
    }
}

async fn chain_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
) -> Response {
    page(build(&s, &session, id).await)
}

async fn build(
    s: &AppState,
    session: &cairn_app::accounts::Session,
    id: Uuid,
) -> Result<ChainPage, AppError> {
    let chain = s.app.credential_chain(&session.principal, id).await?;
    let credential = s.app.public_credential(id).await?;
    let mut names = HashMap::new();
    let mut steps = Vec::new();
    for e in &chain.events {
        let who = match e
            .actor
            .strip_prefix("user:")
            .and_then(|u| u.parse::<Uuid>().ok())
        {
            Some(u) => name_of(s, &mut names, u).await?,
            None if e.actor == "system" => t("award-system-actor").to_string(),
            None => e.actor.clone(),
        };
        steps.push(Step {
            when: e
                .at
                .format(time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute] UTC"
                ))
                .unwrap_or_default(),
            who,
            what: action_words(&e.action),
            why: why(e),
        });
    }
    Ok(ChainPage {
        user_name: session.user.display_name.clone(),
        csrf: session.csrf_token.clone(),
        credential_id: id,
        credential_name: credential.record.name.clone(),
        explanation: chain.award.as_ref().map(|a| a.explanation.clone()),
        evidence: chain
            .award
            .map(|a| {
                a.evidence
                    .into_iter()
                    .map(|e| EvidenceLine {
                        genre: e.genre,
                        name: e.name,
                        description: e.description,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        steps,
    })
}

/// A person's name for a page, looked up once per page: lists repeat the same people.
async fn name_of(
    s: &AppState,
    seen: &mut HashMap<Uuid, String>,
    user: Uuid,
) -> Result<String, AppError> {
    if let Some(name) = seen.get(&user) {
        return Ok(name.clone());
    }
    let mut r = s.app.store.reader().await?;
    let name = r
        .conn()
        .user_by_id(user)
        .await?
        .map_or_else(|| t("award-former-user").to_string(), |u| u.display_name);
    seen.insert(user, name.clone());
    Ok(name)
}
