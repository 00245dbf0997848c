//! What every request leaves behind for the operator: a request id, one log line and its
//! metrics.
//!
//! - **Request id**: the client's `X-Request-Id` if it is a plain token (letters, digits, `-`,
//!   `_`, `.`, `:`, at most 64), else a new one; echoed in the response's `X-Request-Id`, and put
//!   into every JSON error body as `error.request_id`, so that a teacher's screenshot of an error
//!   leads to its log line. Anything else a client sends there is replaced, so that it cannot
//!   write into the log.
//! - **One log line** when the answer's head is sent (`target: homework::request`, level INFO):
//!   method, the route's template (`/api/v1/classes/{class_id}/reports/{date}`, never the path
//!   itself), status, latency in ms, request id and the logged-in account's id. Never a header, a
//!   body, a query string, a password, a token or a cookie.
//! - **Metrics** ([`crate::telemetry`]) by the same method, route and status.
//!
//! The error body gets the id by rewriting the JSON of error answers here, rather than in
//! `error.rs`: every error answer, whoever made it (a handler, an extractor, a fallback, a
//! layer), is covered by one place, and success bodies (CSV downloads, event streams) are never
//! touched.

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;
use shared::UserId;
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tracing::Instrument;

/// The header that carries the request id both ways.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a client.
const MAX_ID_LEN: usize = 64;

/// The largest error body rewritten with its request id (error bodies are a few hundred bytes;
/// a 409 carries one day report).
const MAX_ERROR_BODY: usize = 1 << 20;

/// Where the session extractor leaves the account of the request, for the log line.
#[derive(Clone, Default)]
struct AccountSlot(Arc<OnceLock<UserId>>);

/// Notes the logged-in account of the request for its log line (`auth::CurrentUser` calls it).
pub fn note_account(parts: &Parts, account: UserId) {
    if let Some(slot) = parts.extensions.get::<AccountSlot>() {
        let _ = slot.0.set(account);
    }
}

/// The middleware (`axum::middleware::from_fn`), outermost in the router so that it sees every
/// answer, including the ones the other layers make.
pub async fn observe(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable_id(v))
        .map_or_else(new_id, str::to_owned);
    let id_header = HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("-"));
    req.headers_mut().insert(REQUEST_ID.clone(), id_header.clone());
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let account = AccountSlot::default();
    req.extensions_mut().insert(account.clone());

    // Whatever the request logs itself (an internal error, a storage failure) carries its id.
    let span = tracing::info_span!("request", request_id = %id);
    let response = next.run(req).instrument(span).await;

    let mut response = if response.status().is_client_error() || response.status().is_server_error()
    {
        with_request_id(response, &id).await
    } else {
        response
    };
    response.headers_mut().insert(REQUEST_ID.clone(), id_header);
    let status = response.status().as_u16();
    let latency = started.elapsed();
    let route = route.as_deref().unwrap_or("-");
    tracing::info!(
        target: "homework::request",
        method = %method,
        route,
        status,
        latency_ms = (latency.as_secs_f64() * 1e6).round() / 1e3,
        request_id = %id,
        account_id = account.0.get().copied(),
        "request"
    );
    crate::telemetry::request(method.as_str(), route, status, latency);
    response
}

/// Whether a client's request id is a plain token we may log and send back.
fn acceptable_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// A new request id: 16 hexadecimal digits, random.
fn new_id() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness: the time still tells requests apart in a log.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = (nanos as u64).to_be_bytes();
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(2 * bytes.len());
    for b in bytes {
        id.push(char::from(HEX[usize::from(b >> 4)]));
        id.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    id
}

/// The answer with `request_id` added to its `error` object, if it is a JSON error body.
async fn with_request_id(response: Response, id: &str) -> Response {
    let json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "cannot read an error body to add its request id");
            parts.headers.remove(CONTENT_LENGTH);
            return Response::from_parts(parts, Body::empty());
        }
    };
    let Ok(mut body) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let Some(error) = body.get_mut("error").and_then(Value::as_object_mut) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    error.insert("request_id".to_owned(), Value::from(id));
    match serde_json::to_vec(&body) {
        Ok(rewritten) => {
            parts.headers.remove(CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(rewritten))
        }
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_request_id_is_kept_only_when_it_is_a_plain_token() {
        assert!(acceptable_id("b7c0e1d2-9f3a-4c5e-8d7b-1a2b3c4d5e6f"));
        assert!(acceptable_id("lb:42.7_x"));
        assert!(!acceptable_id(""));
        assert!(!acceptable_id("a b"));
        assert!(!acceptable_id("line\nbreak"));
        assert!(!acceptable_id("quote\"d"));
        assert!(!acceptable_id(&"x".repeat(MAX_ID_LEN + 1)));
    }

    #[test]
    fn a_new_request_id_is_sixteen_hex_digits_and_new_each_time() {
        let (a, b) = (new_id(), new_id());
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_ne!(a, b);
    }
}
