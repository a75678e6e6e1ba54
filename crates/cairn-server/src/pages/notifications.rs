//! Pages for notifications: the signed-in person's own, newest first, with forms to mark
//! them read.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Session;
use serde::Deserialize;
use uuid::Uuid;

use super::{SignedInForm, Who, error_page, page, see_other, who};
use crate::AppState;
use crate::auth::SignedIn;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list_page))
        .route("/notifications/read-all", post(read_all))
        .route("/notifications/{id}/read", post(read_one))
}

struct Line {
    id: Uuid,
    title: String,
    body_lines: Vec<String>,
    /// Only links a page may render: this site's paths and web addresses.
    link: Option<String>,
    when: String,
    unread: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
struct ListPage {
    who: Who,
    items: Vec<Line>,
    unread: i64,
}

async fn list_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    page(build(&s, &session).await)
}

async fn build(s: &AppState, session: &Session) -> Result<ListPage, AppError> {
    let (list, unread) = s
        .app
        .my_notifications(&session.principal, cairn_app::notify::MAX_LIST)
        .await?;
    let items = list
        .into_iter()
        .map(|n| Line {
            id: n.id,
            body_lines: n
                .body
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect(),
            link: n.link.filter(|l| {
                (l.starts_with('/') && !l.starts_with("//"))
                    || l.starts_with("https://")
                    || l.starts_with("http://")
            }),
            when: n
                .created_at
                .format(time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute] UTC"
                ))
                .unwrap_or_default(),
            unread: n.read_at.is_none(),
            title: n.title,
        })
        .collect();
    Ok(ListPage {
        who: who(session),
        items,
        unread,
    })
}

#[derive(Deserialize)]
/// A form whose only field is its CSRF token (checked by [`SignedInForm`]).
struct CsrfForm {}

async fn read_all(
    State(s): State<AppState>,
    SignedInForm { session, .. }: SignedInForm<CsrfForm>,
) -> Response {
    match s.app.mark_all_read(&session.principal).await {
        Ok(_) => see_other("/notifications"),
        Err(e) => error_page(e),
    }
}

async fn read_one(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    SignedInForm { session, .. }: SignedInForm<CsrfForm>,
) -> Response {
    match s.app.mark_notification_read(&session.principal, id).await {
        Ok(()) => see_other("/notifications"),
        Err(e) => error_page(e),
    }
}
