//! Class tablet sign-in: a teacher (or an admin) issues a device code for the class's tablet;
//! the tablet signs in with it as the class's own account, bound to that class, until the code
//! is revoked.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use shared::ClassId;
use shared::api::{ClassInfo, NewTabletCode, Role, TabletCode, TabletSignIn};

use crate::AppState;
use crate::auth::throttle;
use crate::auth::{self, ClientAddress, CurrentUser};
use crate::db::throttle::AttemptKind;
use crate::db::{Account, Actor, TabletCodeRecord};
use crate::error::{AppError, AppResult};
use crate::http::extract::{AppJson, AppPath};
use crate::http::names::check_name;
use crate::http::scope::find_class;
use crate::http::sign_in::{open_session, refuse, stranger};

/// Digits in a device code: 12, so that guessing one among a city's codes stays hopeless
/// under the log-in throttle.
const CODE_DIGITS: usize = 12;

/// The password hash of a class tablet's account: not a PHC string, so no password matches it
/// (and log-in never tries tablet accounts).
const UNUSABLE_PASSWORD_HASH: &str = "!tablet-account-has-no-password";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/tablet", post(sign_in))
        .route("/classes/{class_id}/tablet-codes", get(list).post(issue))
        .route("/classes/{class_id}/tablet-codes/{code_id}", delete(revoke))
}

/// The class of a path whose tablet codes the caller may manage: a teacher's own class, or any
/// class of an admin's school.
async fn managed_class(state: &AppState, user: &Account, id: ClassId) -> AppResult<ClassInfo> {
    let class = find_class(state, id).await?;
    let allowed = class.school_id == user.school_id
        && match user.role {
            Role::Teacher => user.class_id == Some(class.id),
            Role::SchoolAdmin => true,
            Role::Monitor | Role::GradeLeader | Role::SubjectTeacher | Role::DistrictAdmin => false,
        };
    if allowed {
        Ok(class)
    } else {
        Err(AppError::Forbidden("your account may not manage this class's tablets"))
    }
}

fn shown(record: TabletCodeRecord, code: Option<String>) -> TabletCode {
    let expires_at = record
        .expires_at
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    TabletCode {
        expires_at,
        id: record.id,
        class_id: record.class_id,
        label: record.label,
        code,
        created_at: record.created_at,
        last_used_at: record.last_used_at,
        revoked: record.revoked,
    }
}

/// A new code: 12 random digits, shown as `1234-5678-9012`.
fn new_code() -> AppResult<String> {
    let mut bytes = [0u8; CODE_DIGITS];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    // 250 is the largest multiple of 10 below 256; redraw above it to keep digits uniform.
    let mut digits = String::with_capacity(CODE_DIGITS);
    let mut pool = bytes.to_vec();
    while digits.len() < CODE_DIGITS {
        match pool.pop() {
            Some(b) if b < 250 => digits.push(char::from(b'0' + b % 10)),
            Some(_) => {}
            None => {
                let mut more = [0u8; CODE_DIGITS];
                getrandom::fill(&mut more).map_err(|e| AppError::Internal(e.to_string()))?;
                pool.extend_from_slice(&more);
            }
        }
    }
    Ok(format!("{}-{}-{}", &digits[0..4], &digits[4..8], &digits[8..12]))
}

/// The code as typed, without dashes or spaces; `None` unless it is 12 digits.
fn normalise(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    (digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// What a code is stored and looked up as: HMAC-SHA256 under the server's secret, so that a
/// copy of the database without the secret does not give the codes away (`auth::secret`).
/// The look-up is this one fast keyed hash: no slow hash runs before (or after) it.
fn code_hash(state: &AppState, digits: &str) -> Vec<u8> {
    state.settings.secret.mac("tablet-code", digits)
}

/// How codes were stored before the keyed hash; such a code is rehashed on its next use.
fn legacy_code_hash(digits: &str) -> Vec<u8> {
    auth::token_hash(&format!("tablet:{digits}"))
}

/// A code's expiry as sent (RFC 3339, in the future), in Unix seconds.
fn expiry(expires_at: Option<&str>, now: i64) -> AppResult<Option<i64>> {
    let Some(text) = expires_at else { return Ok(None) };
    let at = chrono::DateTime::parse_from_rfc3339(text).map_err(|_| {
        AppError::invalid("invalid_expiry", "expires_at must be a date and time (RFC 3339)")
    })?;
    let at = at.timestamp();
    if at <= now {
        return Err(AppError::invalid("invalid_expiry", "expires_at must be in the future"));
    }
    Ok(Some(at))
}

async fn issue(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(class_id): AppPath<ClassId>,
    AppJson(body): AppJson<NewTabletCode>,
) -> AppResult<(StatusCode, Json<TabletCode>)> {
    let class = managed_class(&state, &user, class_id).await?;
    let label = if shared::text::canonical_name(&body.label).is_empty()
        && !body.label.chars().any(shared::text::is_refused_in_name)
    {
        String::new()
    } else {
        check_name(&body.label, 60)?
    };
    let expires_at = expiry(body.expires_at.as_deref(), chrono::Utc::now().timestamp())?;
    let code = new_code()?;
    let digits = normalise(&code).ok_or_else(|| AppError::Internal("bad code".into()))?;
    let hash = code_hash(&state, &digits);
    let actor = Actor::of(&user, &address);
    let record =
        state.store.create_tablet_code(class.id, &label, &hash, expires_at, &actor).await?;
    Ok((StatusCode::CREATED, Json(shown(record, Some(code)))))
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(class_id): AppPath<ClassId>,
) -> AppResult<Json<Vec<TabletCode>>> {
    let class = managed_class(&state, &user, class_id).await?;
    let codes = state.store.tablet_codes(class.id).await?;
    Ok(Json(codes.into_iter().map(|r| shown(r, None)).collect()))
}

async fn revoke(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath((class_id, code_id)): AppPath<(ClassId, i64)>,
) -> AppResult<StatusCode> {
    let class = managed_class(&state, &user, class_id).await?;
    if state.store.revoke_tablet_code(class.id, code_id, &Actor::of(&user, &address)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found(
            "not_found",
            format!("class {class_id} has no tablet code {code_id}"),
        ))
    }
}

async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    AppJson(body): AppJson<TabletSignIn>,
) -> AppResult<Response> {
    // Throttled per address and network, in a kind of its own: no typed username reaches it,
    // and counting all codes under one name would let anyone lock every classroom out.
    let kind = AttemptKind::Tablet;
    let ticket = throttle::admit(&state, kind, "", &address).await?;
    let stranger = || stranger(&state, "(tablet code)", &address);
    let Some(digits) = normalise(&body.code) else {
        return Err(refuse(&state, kind, stranger().await).await);
    };
    // A tablet account's password hash is not a hash at all: nothing can log in with it.
    let now = chrono::Utc::now().timestamp();
    let hash = code_hash(&state, &digits);
    let legacy = legacy_code_hash(&digits);
    let Some((code_id, account)) =
        state.store.tablet_account(&hash, &legacy, now, UNUSABLE_PASSWORD_HASH).await?
    else {
        return Err(refuse(&state, kind, stranger().await).await);
    };
    if account.disabled {
        return Err(refuse(&state, kind, stranger().await).await);
    }
    ticket.forget(&state).await;
    open_session(&state, &headers, &account, Some(code_id), &address).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twelve_digits_in_groups_and_typing_forgives_dashes_and_spaces() {
        let code = new_code().unwrap();
        assert_eq!(code.len(), 14, "{code}");
        assert_eq!(normalise(&code).map(|d| d.len()), Some(12));
        assert_eq!(normalise("1234 5678 9012").as_deref(), Some("123456789012"));
        assert_eq!(normalise("1234-5678-901"), None);
        assert_eq!(normalise("abcd-5678-9012"), None);
    }
}
