//! Logging in and out, and who am I: `POST /auth/login`, `POST /auth/logout`, `GET /me`,
//! `PUT /me/password`. What the tablet sign-in shares with them is [`crate::http::sign_in`].

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use shared::api::{LoginRequest, Me, PasswordChange};

use crate::AppState;
use crate::auth::{self, ClientAddress, CurrentUser, password, throttle};
use crate::db::Actor;
use crate::db::throttle::AttemptKind;
use crate::error::{AppError, AppResult};
use crate::http::extract::AppJson;
use crate::http::sign_in::{me_of, open_session, refuse, stranger};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route("/me/password", put(change_password))
}

async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    AppJson(body): AppJson<LoginRequest>,
) -> AppResult<Response> {
    let username = body.username.trim().to_lowercase();
    let kind = AttemptKind::Login;
    let (ticket, place) = throttle::admit_to_hash(&state, kind, &username, &address).await?;
    let account =
        state.store.account_by_username(&username).await?.filter(|a| !a.disabled && !a.tablet);
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    // An unknown user costs one hash like a known one, on the same bounded pool.
    let matches = match password::verify(body.password, hash, place).await {
        Ok(matches) => matches,
        Err(e) => {
            // Not judged (the pool was full): it does not count.
            ticket.forget(&state).await;
            return Err(e);
        }
    };
    let Some(account) = account.filter(|_| matches) else {
        let actor = stranger(&state, &username, &address).await;
        return Err(refuse(&state, AttemptKind::Login, actor).await);
    };
    ticket.forget(&state).await;
    open_session(&state, &headers, &account, None, &address).await
}

async fn logout(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
) -> AppResult<Response> {
    if let Some(token) = auth::session_token(&headers) {
        let hash = auth::token_hash(&token);
        let now = chrono::Utc::now().timestamp();
        let actor = state
            .store
            .session(&hash, now, i64::MIN)
            .await?
            .map(|s| Actor::of(&s.account, &address));
        state.store.delete_session(&hash, actor.as_ref()).await?;
    }
    let cookie = auth::session_cookie(None, 0, auth::is_https(&headers, &state.settings));
    Ok((StatusCode::NO_CONTENT, [(auth::set_cookie_header(), cookie)]).into_response())
}

async fn me(
    State(state): State<AppState>,
    CurrentUser(account): CurrentUser,
) -> AppResult<Json<Me>> {
    Ok(Json(me_of(&state, &account).await?))
}

async fn change_password(
    State(state): State<AppState>,
    CurrentUser(account): CurrentUser,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    AppJson(body): AppJson<PasswordChange>,
) -> AppResult<StatusCode> {
    if account.tablet {
        return Err(AppError::Forbidden("a class tablet has no password to change"));
    }
    // Counted apart from log-ins (a kind of its own, keyed by the account's id), so that
    // someone locking the username out of logging in does not also stop its owner changing
    // the password from an open session.
    let kind = AttemptKind::PasswordChange;
    let id = account.id.to_string();
    let (ticket, place) = throttle::admit_to_hash(&state, kind, &id, &address).await?;
    let current =
        password::verify(body.current_password, Some(account.password_hash.clone()), place);
    let right = match current.await {
        Ok(right) => right,
        Err(e) => {
            ticket.forget(&state).await;
            return Err(e);
        }
    };
    if !right {
        // Counted like a failed log-in, but answered 422: the session itself is fine.
        let refused = refuse(&state, kind, Actor::of(&account, &address)).await;
        if !matches!(refused, AppError::InvalidCredentials) {
            return Err(refused);
        }
        return Err(AppError::invalid("wrong_password", "the current password is not right"));
    }
    ticket.forget(&state).await;
    password::check_new(&body.new_password)?;
    let hash = password::hash(body.new_password).await?;
    let keep = auth::session_token(&headers).map(|t| auth::token_hash(&t));
    state
        .store
        .set_password(account.id, &hash, keep.as_deref(), &Actor::of(&account, &address))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
