//! The school's policy: `GET /policy` for everyone of the school, `PUT /policy` for its admins.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use shared::Policy;

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::db::Actor;
use crate::error::{AppError, AppResult};
use crate::http::extract::AppJson;

pub fn router() -> Router<AppState> {
    Router::new().route("/policy", get(read).put(replace))
}

async fn read(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<Json<Policy>> {
    Ok(Json(state.store.policy(user.school_id).await?))
}

async fn replace(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppJson(policy): AppJson<Policy>,
) -> AppResult<Json<Policy>> {
    user.require_admin()?;
    policy.validate().map_err(|e| AppError::Invalid {
        code: "invalid_policy",
        message: e.to_string(),
        problems: e.0.clone(),
    })?;
    state.store.set_policy(user.school_id, &policy, &Actor::of(&user, &address)).await?;
    tracing::info!(school = user.school_id, by = %user.username, "policy changed");
    Ok(Json(policy))
}
