//! Protections on every request: refusing state changes from other origins (cross-site request
//! forgery, beside the SameSite cookie), and the Content-Security-Policy that
//! [`super::router`] sets on every response with the other security headers.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// The Content-Security-Policy the app runs under: its own scripts (and WebAssembly compiled
/// from them), its own styles, no framing, no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; \
    worker-src 'self'";

/// Refuses a POST, PUT, PATCH or DELETE whose `Origin` (or `Sec-Fetch-Site`) says it was sent by
/// a page of another origin.
pub async fn cross_origin_guard(req: Request, next: Next) -> Response {
    let changes_state =
        matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    if changes_state && is_cross_origin(req.headers()) {
        return AppError::CrossOrigin.into_response();
    }
    next.run(req).await
}

fn is_cross_origin(headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or(origin);
    host.is_empty() || !origin_authority.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_and_originless_requests_pass_and_others_do_not() {
        assert!(!is_cross_origin(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(!is_cross_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example")
        ])));
        assert!(is_cross_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "null")])));
        assert!(is_cross_origin(&headers(&[("host", "a"), ("sec-fetch-site", "cross-site")])));
    }
}
