//! Who is asking: passwords, session tokens, the [`CurrentUser`] extractor, and the role rules
//! of API.md in [`access`].

pub mod access;
pub mod password;
pub mod secret;
pub mod throttle;

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::db::Account;
use crate::error::AppError;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "hw_session";
/// A session is touched at most this often (or a quarter of the idle time-out, if that is
/// shorter), so that reading a page is not a write each time.
const TOUCH_EVERY_SECONDS: i64 = 300;

/// A new session token: 256 random bits, hex-encoded. Only its SHA-256 is stored, so a copy
/// of the database does not give away live sessions.
pub fn new_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The session token sent in the request's cookies, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` header that gives the browser its session (or, with `None`, removes it).
pub fn session_cookie(token: Option<&str>, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{secure}"
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn set_cookie_header() -> axum::http::HeaderName {
    SET_COOKIE
}

/// Whether the session cookie must be `Secure`: always with `COOKIE_SECURE`, else when the
/// request came over HTTPS through a proxy that says so.
pub fn is_https(headers: &HeaderMap, settings: &crate::Settings) -> bool {
    settings.cookie_secure
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The client's IP address: the peer's, or with `TRUST_PROXY_HEADERS` the last address of
/// `X-Forwarded-For`, the one the proxy in front of us added.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state.settings.trust_proxy_headers.then(|| {
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                // The last address: the one our own proxy added. Any before it came from the
                // client, which may write what it likes there.
                .and_then(|v| v.rsplit(',').next())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        });
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientAddress(forwarded.flatten().or(peer).unwrap_or_else(|| "-".into())))
    }
}

/// The logged-in account of the request; extracting it answers `401` when there is none.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Account);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or(AppError::NotLoggedIn)?;
        let hash = token_hash(&token);
        let now = chrono::Utc::now().timestamp();
        let idle_since = now - state.settings.session_idle_seconds;
        let session =
            state.store.session(&hash, now, idle_since).await?.ok_or(AppError::NotLoggedIn)?;
        let touch_every = TOUCH_EVERY_SECONDS.min(state.settings.session_idle_seconds / 4);
        // Best effort, and beside the request rather than before it: the request does not wait
        // for the use to be committed (on SQLite a group commit of its own, which a morning's
        // first report would otherwise wait for before its own), and a disk that refuses writes
        // (full, read-only) must not lock everyone out of reading; the session then only looks
        // a little idler than it is.
        if now - session.last_seen_at > touch_every {
            let store = state.store.clone();
            tokio::spawn(async move {
                if let Err(e) = store.touch_session(&hash, now).await {
                    tracing::warn!(error = %e, "could not record the session's use; carrying on");
                }
            });
        }
        crate::http::observe::note_account(parts, session.account.id);
        let mut account = session.account;
        if let (shared::api::Role::DistrictAdmin, Some(district)) =
            (account.role, account.district_id)
        {
            let schools = state.store.district_school_ids(district).await?;
            account.district_schools = std::sync::Arc::new(schools.into_iter().collect());
        }
        Ok(CurrentUser(account))
    }
}
