//! Logging in and out, and who am I: `POST /auth/login`, `POST /auth/logout`, `GET /me`,
//! `PUT /me/password`; and the log-in throttle shared with the tablet sign-in.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use shared::api::{LoginRequest, Me, PasswordChange, User};

use crate::AppState;
use crate::auth::{self, ClientAddress, CurrentUser, password, throttle};
use crate::clock::today_in;
use crate::db::throttle::AttemptKind;
use crate::db::{Account, Actor, School};
use crate::error::{AppError, AppResult};
use crate::http::extract::AppJson;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route("/me/password", put(change_password))
}

/// Audits a failed attempt as `actor` — an unknown username as `(unknown user)`: what was
/// typed is kept nowhere but in the throttle's rows, which are purged; the write is the same
/// either way, so its time does not tell which usernames exist — logs it with escaped fields,
/// and answers `401 invalid_credentials`. The throttle already counted it.
pub async fn refuse(state: &AppState, kind: AttemptKind, actor: Actor) -> AppError {
    // `?`: the Debug form quotes and escapes what was typed (no forged line, no escape codes).
    tracing::info!(kind = kind.as_str(), username = ?actor.username, address = ?actor.address, "failed log-in");
    let mut actor = actor;
    if actor.school_id.is_none() {
        actor.username = UNKNOWN_USER.to_owned();
    }
    let now = chrono::Utc::now().timestamp();
    let target = actor.username.clone();
    if let Err(e) = state.store.record_login_failure(&target, &actor.address, now, &actor).await {
        return e.into();
    }
    AppError::InvalidCredentials
}

/// How the audit log names a failed log-in's unknown username.
const UNKNOWN_USER: &str = "(unknown user)";

/// Who failed to log in: the typed username (at most 64 characters), audited in its school's
/// log if it exists.
pub async fn stranger(state: &AppState, username: &str, address: &str) -> Actor {
    let school_id = match state.store.account_by_username(username).await {
        Ok(Some(a)) => (a.school_id != 0).then_some(a.school_id),
        _ => None,
    };
    let username =
        shared::text::truncate_chars(username, throttle::MAX_KEPT_USERNAME_CHARS).to_owned();
    Actor { user_id: None, username, school_id, address: address.to_owned() }
}

async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    AppJson(body): AppJson<LoginRequest>,
) -> AppResult<Response> {
    let username = body.username.trim().to_lowercase();
    let ticket = throttle::admit(&state, AttemptKind::Login, &username, &address).await?;
    let account =
        state.store.account_by_username(&username).await?.filter(|a| !a.disabled && !a.tablet);
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    // An unknown user costs one hash like a known one, on the same bounded pool.
    let matches = match password::verify(body.password, hash, ticket.lane).await {
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

/// Starts a session for an account: a new token (the old one of this browser ends), the
/// cookie, and the **Me** answer.
pub async fn open_session(
    state: &AppState,
    headers: &HeaderMap,
    account: &Account,
    tablet_code: Option<i64>,
    address: &str,
) -> AppResult<Response> {
    if let Some(old) = auth::session_token(headers) {
        state.store.delete_session(&auth::token_hash(&old), None).await?;
    }
    let now = chrono::Utc::now().timestamp();
    let token = auth::new_token()?;
    let max_age = state.settings.session_max_seconds;
    let actor = Actor::of(account, address);
    state
        .store
        .create_session(
            &auth::token_hash(&token),
            account.id,
            now,
            now + max_age,
            tablet_code,
            &actor,
        )
        .await?;
    tracing::info!(username = ?account.username, "logged in");
    let me = me_of(state, account).await?;
    let cookie =
        auth::session_cookie(Some(&token), max_age, auth::is_https(headers, &state.settings));
    Ok(([(auth::set_cookie_header(), cookie)], Json(me)).into_response())
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
    let ticket = throttle::admit(&state, kind, &account.id.to_string(), &address).await?;
    let current =
        password::verify(body.current_password, Some(account.password_hash.clone()), ticket.lane);
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

/// The school an account belongs to.
pub async fn school_of(state: &AppState, account: &Account) -> AppResult<School> {
    state
        .store
        .school(account.school_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("account {} has no school", account.id)))
}

async fn me_of(state: &AppState, account: &Account) -> AppResult<Me> {
    if account.role == shared::api::Role::DistrictAdmin {
        // No school: `school_id` is null on the wire, the name shown is the district's, and
        // today is the country's (China, UTC+8).
        let district = match account.district_id {
            Some(id) => state.store.district(id).await?,
            None => None,
        };
        let district = district
            .ok_or_else(|| AppError::Internal(format!("account {} has no district", account.id)))?;
        let place = School { id: 0, name: district.name, utc_offset_minutes: 480 };
        return Ok(Me {
            user: user_of(account, &place),
            today: today_in(&place),
            district_id: Some(district.id),
        });
    }
    let school = school_of(state, account).await?;
    let teaching =
        if account.may_teach() { state.store.teaching(account.id).await? } else { Vec::new() };
    let district_id = state.store.district_of_school(school.id).await?;
    let user = User { teaching, ..user_of(account, &school) };
    Ok(Me { user, today: today_in(&school), district_id })
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
        disabled: account.disabled,
        teaching: Vec::new(),
    }
}
