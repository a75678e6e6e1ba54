//! Stacks under `/api/v1`: a learner's stacks with what they hold and miss, a stack's tree,
//! the planned pathway to an achievement, and replacing an achievement's definition (its
//! stack rule included).

use axum::Json;
use axum::extract::{Path, State};
use cairn_app::credentials::NewAchievement;
use cairn_app::pathways::{PartState, StackPart, StackProgress};
use cairn_core::pathway::Plan;
use cairn_core::stacks::CreditsMilli;
use cairn_core::{Achievement, AchievementKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Auth;
use crate::problem::{ApiError, ApiJson, Problem};

type ApiResult<T> = Result<T, ApiError>;

/// Add this module's routes (with their OpenAPI descriptions) to the API router.
pub fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(my_stacks))
        .routes(routes!(stack_tree))
        .routes(routes!(plan_pathway))
        .routes(routes!(update_achievement))
}

/// Where the learner stands with one achievement.
#[derive(Serialize, ToSchema, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum StackState {
    /// A valid credential.
    Held,
    /// Valid, but ending within 90 days.
    Expiring,
    /// Only a suspended credential.
    Suspended,
    Missing,
    /// No learner involved (the public tree).
    Unknown,
}

impl From<PartState> for StackState {
    fn from(s: PartState) -> Self {
        match s {
            PartState::Held => StackState::Held,
            PartState::Expiring => StackState::Expiring,
            PartState::Suspended => StackState::Suspended,
            PartState::Missing => StackState::Missing,
            PartState::Unknown => StackState::Unknown,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StackPartOut {
    pub achievement_id: Uuid,
    pub name: String,
    pub state: StackState,
}

impl From<StackPart> for StackPartOut {
    fn from(p: StackPart) -> Self {
        StackPartOut {
            achievement_id: p.achievement_id,
            name: p.name,
            state: p.state.into(),
        }
    }
}

/// One achievement of a stack's tree.
#[derive(Serialize, ToSchema)]
pub struct StackNodeOut {
    pub achievement_id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub kind: AchievementKind,
    /// Credit value in thousandths of a credit hour.
    pub credits: Option<CreditsMilli>,
    pub state: StackState,
    /// For a stack: its rule in words.
    pub rule: Option<String>,
    /// For a stack: the rule in a few words ("all of", "2 of 3", "≥ 6 credits").
    pub rule_short: Option<String>,
    /// What the learner still has to do, one sentence each; empty when held or complete.
    pub missing: Vec<String>,
    /// Achievements to hold before this stack may be earned.
    pub prerequisites: Vec<StackPartOut>,
    /// The achievements the rule names, each with its own tree.
    #[schema(no_recursion)]
    pub children: Vec<StackNodeOut>,
    /// Parts below were left out: the tree is drawn 8 levels deep at most.
    pub truncated: bool,
}

impl From<StackProgress> for StackNodeOut {
    fn from(n: StackProgress) -> Self {
        StackNodeOut {
            achievement_id: n.achievement_id,
            org_id: n.org_id,
            name: n.name,
            kind: n.kind,
            credits: n.credits,
            state: n.state.into(),
            rule: n.rule,
            rule_short: n.rule_short,
            missing: n.missing,
            prerequisites: n.prerequisites.into_iter().map(Into::into).collect(),
            children: n.children.into_iter().map(Into::into).collect(),
            truncated: n.truncated,
        }
    }
}

/// The signed-in learner's stacks: each one they hold or hold a part of, as a tree of what
/// they hold and what is missing. Largest first.
#[utoipa::path(get, path = "/api/v1/me/stacks", tag = "stacks",
    responses((status = 200, body = Vec<StackNodeOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn my_stacks(
    State(s): State<AppState>,
    Auth(p): Auth,
) -> ApiResult<Json<Vec<StackNodeOut>>> {
    let stacks = s.app.my_stacks(&p).await?;
    Ok(Json(stacks.into_iter().map(Into::into).collect()))
}

/// A stacked achievement's tree: the parts it is built from, recursively (public; states
/// are `unknown`).
#[utoipa::path(get, path = "/api/v1/achievements/{id}/stack", tag = "stacks", security(()),
    params(("id" = Uuid, Path, description = "The achievement")),
    responses((status = 200, body = StackNodeOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn stack_tree(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<StackNodeOut>> {
    Ok(Json(s.app.stack_tree(id).await?.into()))
}

/// The least learning that earns an achievement for the signed-in learner: modules and
/// assessments in order, each with minutes and why it is there, skipping what they hold.
/// 409 with the reason when no pathway exists (e.g. a part is issued by hand only).
#[utoipa::path(get, path = "/api/v1/me/pathways/{achievement_id}", tag = "stacks",
    params(("achievement_id" = Uuid, Path, description = "The achievement to plan for")),
    responses((status = 200, body = Plan), (status = 401, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json"),
               (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn plan_pathway(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(achievement_id): Path<Uuid>,
) -> ApiResult<Json<Plan>> {
    Ok(Json(s.app.plan_pathway(&p, achievement_id).await?))
}

/// An achievement's whole definition, replacing the previous one.
#[derive(Deserialize, ToSchema)]
pub struct UpdateAchievement {
    kind: AchievementKind,
    name: String,
    description: String,
    /// What a learner must do or show.
    criteria: String,
    /// The award rule or stack, review policy, aligned competencies, validity, credits and
    /// renewal.
    #[serde(default)]
    spec: cairn_core::AchievementSpec,
}

/// Replace an achievement's definition (issuer admins). Credentials already issued keep
/// what they said. A stack that would make an achievement require itself is refused with
/// 422, the cycle named in `detail`.
#[utoipa::path(put, path = "/api/v1/orgs/{slug}/achievements/{id}", tag = "stacks", request_body = UpdateAchievement,
    params(("slug" = String, Path, description = "The issuer organization's handle"),
           ("id" = Uuid, Path, description = "The achievement")),
    responses((status = 200, body = Achievement), (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json"),
               (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_achievement(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(b): ApiJson<UpdateAchievement>,
) -> ApiResult<Json<Achievement>> {
    let new = NewAchievement {
        kind: b.kind,
        name: b.name,
        description: b.description,
        criteria: b.criteria,
        spec: b.spec,
    };
    Ok(Json(s.app.update_achievement(&p, &slug, id, new).await?))
}
