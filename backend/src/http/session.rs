//! Logging in and out, and who am I: `POST /auth/login`, `POST /auth/logout`, `GET /me`.

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared::api::{LoginRequest, Me, User};
use std::net::SocketAddr;

use crate::AppState;
use crate::auth::{self, CurrentUser, password};
use crate::clock::today_in;
use crate::db::{Account, School};
use crate::error::{AppError, AppResult};
use crate::http::extract::AppJson;

/// Failed log-ins are counted over this many seconds...
const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;
/// ...and refused beyond this many for one username...
const MAX_FAILURES_PER_USERNAME: u32 = 10;
/// ...or this many from one address.
const MAX_FAILURES_PER_ADDRESS: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    AppJson(body): AppJson<LoginRequest>,
) -> AppResult<Response> {
    let username = body.username.trim().to_lowercase();
    let address = peer.ip().to_string();
    let now = chrono::Utc::now().timestamp();
    let since = now - THROTTLE_WINDOW_SECONDS;
    let failures = state.store.login_failures(&username, &address, since).await?;
    if failures.for_username >= MAX_FAILURES_PER_USERNAME
        || failures.from_address >= MAX_FAILURES_PER_ADDRESS
    {
        let oldest = failures.oldest_for_username.unwrap_or(now);
        let retry_after =
            (oldest + THROTTLE_WINDOW_SECONDS - now).clamp(1, THROTTLE_WINDOW_SECONDS);
        return Err(AppError::TooManyAttempts(retry_after as u64));
    }

    let account = state.store.account_by_username(&username).await?.filter(|a| !a.disabled);
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    let matches = password::verify(body.password, hash).await?;
    let Some(account) = account.filter(|_| matches) else {
        state.store.record_login_failure(&username, &address, now).await?;
        tracing::info!(%username, %address, "failed log-in");
        return Err(AppError::InvalidCredentials);
    };

    if let Some(old) = auth::session_token(&headers) {
        state.store.delete_session(&auth::token_hash(&old)).await?;
    }
    let token = auth::new_token()?;
    let max_age = state.settings.session_max_seconds;
    state.store.create_session(&auth::token_hash(&token), account.id, now, now + max_age).await?;
    tracing::info!(username = %account.username, "logged in");

    let me = me_of(&state, &account).await?;
    let cookie = auth::session_cookie(Some(&token), max_age, auth::is_https(&headers));
    Ok(([(auth::set_cookie_header(), cookie)], Json(me)).into_response())
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Some(token) = auth::session_token(&headers) {
        state.store.delete_session(&auth::token_hash(&token)).await?;
    }
    let cookie = auth::session_cookie(None, 0, auth::is_https(&headers));
    Ok((StatusCode::NO_CONTENT, [(auth::set_cookie_header(), cookie)]).into_response())
}

async fn me(
    State(state): State<AppState>,
    CurrentUser(account): CurrentUser,
) -> AppResult<Json<Me>> {
    Ok(Json(me_of(&state, &account).await?))
}

/// The school an account belongs to.
pub async fn school_of(state: &AppState, account: &Account) -> AppResult<School> {
    state
        .store
        .school(account.school_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("account {} has no school", account.id)))
}

async fn me_of(state: &AppState, account: &Account) -> AppResult<Me> {
    let school = school_of(state, account).await?;
    Ok(Me { user: user_of(account, &school), today: today_in(&school) })
}

/// An account as the API shows it.
pub fn user_of(account: &Account, school: &School) -> User {
    User {
        id: account.id,
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        role: account.role,
        school_id: account.school_id,
        class_id: account.class_id,
        grade: account.grade,
        school_name: school.name.clone(),
        class_name: account.class_name.clone(),
    }
}
