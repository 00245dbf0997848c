//! The HTTP API under `/api/v1` (one module per resource, each with its own `router()`), the
//! web app's static files with a fallback to `index.html`, and the layers every request passes:
//! the request id and log line ([`observe`]), security headers, the cross-origin guard and the body limit.

// Resources: each has a `router()` merged below, and none imports another.
pub mod api_docs;
pub mod audit;
pub mod cases;
pub mod classes;
pub mod dashboards;
pub mod districts;
pub mod holidays;
pub mod makeup_days;
pub mod notice;
pub mod plans;
pub mod policy;
pub mod probe;
pub mod reports;
pub mod roster;
pub mod session;
pub mod spot_checks;
pub mod summary;
pub mod tablet;
pub mod users;

// Helpers the resources share: they import each other (never in a circle) and no resource.
pub mod calendar;
pub mod case_open;
pub mod corrections;
pub mod csv;
pub mod events;
pub mod expected;
pub mod extract;
pub mod guard;
pub mod judge;
pub mod names;
pub mod negotiate;
pub mod observe;
pub mod openapi;
pub mod report_delete;
pub mod scope;
pub mod sign_in;
pub mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use std::path::Path;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;
use crate::error::AppError;

/// The largest request body accepted (a day report is well under 2 KiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The whole application.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .merge(probe::router())
        .route("/openapi.json", get(openapi::serve))
        .merge(api_docs::router())
        .merge(session::router())
        .merge(policy::router())
        .merge(classes::router())
        .merge(users::router())
        .merge(reports::router())
        .merge(summary::router())
        .merge(dashboards::router())
        .merge(holidays::router())
        .merge(makeup_days::router())
        .merge(tablet::router())
        .merge(roster::router())
        .merge(audit::router())
        .merge(districts::router())
        .merge(cases::router())
        .merge(spot_checks::router())
        .merge(plans::router())
        .merge(notice::router())
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let static_dir = state.settings.static_dir.clone();
    Router::new()
        .nest("/api/v1", api)
        .route("/api", get(api_not_found))
        // Metrics are served on METRICS_ADDR only, never here (not even the web app's page).
        .route("/metrics", axum::routing::any(api_not_found))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .fallback(move |req: Request<axum::body::Body>| web_app(static_dir.clone(), req))
        .layer(axum::middleware::from_fn(guard::cross_origin_guard))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, guard::CONTENT_SECURITY_POLICY))
        .layer(axum::middleware::from_fn(observe::observe))
        .with_state(state)
}

async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({"status": "ok"}))
}

async fn api_not_found() -> AppError {
    AppError::not_found("not_found", "no such API path")
}

async fn method_not_allowed() -> Response {
    let mut r =
        AppError::BadQuery("this method is not allowed on this path".into()).into_response();
    *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    r
}

/// Serves a file of the built web app, precompressed where a `.gz` sits next to it, and
/// `index.html` for every other path, so that the app's own routes survive a reload.
async fn web_app(dir: std::path::PathBuf, req: Request<axum::body::Body>) -> Response {
    let index = dir.join("index.html");
    if !index.is_file() {
        return (StatusCode::SERVICE_UNAVAILABLE, Html(NOT_BUILT)).into_response();
    }
    let req_path = req.uri().path().to_owned();
    // The page, the service worker and the manifest must be revalidated on every visit so a new
    // build is picked up; everything else they name has a content hash in its file name.
    let always_fresh = Path::new(&req_path).extension().is_none_or(|e| e.is_empty())
        || matches!(req_path.as_str(), "/index.html" | "/sw.js" | "/manifest.webmanifest");
    let serve = ServeDir::new(&dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(&index).precompressed_br().precompressed_gzip());
    match serve.oneshot(req).await {
        Ok(mut response) => {
            if req_path.ends_with(".webmanifest") {
                let manifest = HeaderValue::from_static("application/manifest+json");
                response.headers_mut().insert(header::CONTENT_TYPE, manifest);
            }
            let cache = if always_fresh {
                "no-cache"
            } else if is_fingerprinted(req_path.as_str()) {
                "public, max-age=31536000, immutable"
            } else {
                "public, max-age=300"
            };
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            response.map(axum::body::Body::new)
        }
        Err(never) => match never {},
    }
}

/// Whether a file name carries a content hash (`frontend-6fc38590ad39.js`), so that it can be
/// cached for good: a new build gives it a new name.
fn is_fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>Homework Time Log</title>\
<p>The web app has not been built. Run <code>cargo xtask demo</code> (or <code>cargo xtask dist</code>) \
and reload. The API is available under <code>/api/v1</code>.</p>";

/// A header set on every response that does not set it itself.
fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
