//! Signing in, shared by the log-in (`session`) and the class tablet's sign-in (`tablet`):
//! refusing a failed attempt, opening a session, and the **Me** answer. A helper, not a
//! resource.

use axum::Json;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use shared::api::{Me, User};

use crate::AppState;
use crate::auth::{self, throttle};
use crate::clock::{now_rfc3339, today_in};
use crate::db::throttle::AttemptKind;
use crate::db::{Account, Actor, School};
use crate::error::{AppError, AppResult};
use crate::http::calendar::class_starts;
use crate::http::scope::school_of;
use crate::http::views::user_of;

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
    Actor { user_id: None, username, school_id, address: address.to_owned(), at: now_rfc3339() }
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

/// The **Me** answer of an account: who it is, its school (or district) and today there.
pub async fn me_of(state: &AppState, account: &Account) -> AppResult<Me> {
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
            class_start: None,
        });
    }
    let school = school_of(state, account).await?;
    let teaching =
        if account.may_teach() { state.store.teaching(account.id).await? } else { Vec::new() };
    let district_id = state.store.district_of_school(school.id).await?;
    let user = User { teaching, ..user_of(account, &school) };
    let class_start = match account.class_id {
        Some(class) => class_starts(state.store.as_ref(), &school).await?.remove(&class),
        None => None,
    };
    Ok(Me { user, today: today_in(&school), district_id, class_start })
}
