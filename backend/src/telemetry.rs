//! Prometheus metrics, served on a listen address of their own (`METRICS_ADDR`), never on the
//! public port: request counts and latencies by route template and status, day reports stored,
//! sessions created, failed log-ins, the SQLite writer's batches and commits, and the database
//! pools. Unset, nothing is recorded (every call here returns at once) and nothing is served.
//!
//! The `metrics` crate's macros feed `metrics-exporter-prometheus`'s recorder, which renders the
//! text format; the server serves it itself (the exporter's own HTTP listener is not built).
//!
//! Day reports stored, sessions created and failed log-ins are counted from the answers of their
//! routes (a `2xx` to `PUT …/reports/{date}`, `POST /auth/login` or `/auth/tablet`; a `401` or
//! `429` to a log-in), in [`request`], so that no handler needs to know about metrics.

use crate::db::Store;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Whether a recorder is installed; until then recording is skipped before any label is built.
static ON: AtomicBool = AtomicBool::new(false);

pub const HTTP_REQUESTS: &str = "homework_http_requests_total";
pub const HTTP_DURATION: &str = "homework_http_request_duration_seconds";
pub const REPORTS_STORED: &str = "homework_day_reports_stored_total";
pub const SESSIONS_CREATED: &str = "homework_sessions_created_total";
pub const LOGIN_FAILURES: &str = "homework_login_failures_total";
pub const WRITER_BATCH: &str = "homework_sqlite_writer_batch_size";
pub const WRITER_COMMIT: &str = "homework_sqlite_writer_commit_seconds";
pub const POOL_SIZE: &str = "homework_db_pool_connections";
pub const POOL_IDLE: &str = "homework_db_pool_idle_connections";

/// The routes whose answers are counted as events of their own.
const REPORT_ROUTE: &str = "/api/v1/classes/{class_id}/reports/{date}";
const LOGIN_ROUTE: &str = "/api/v1/auth/login";
const TABLET_ROUTE: &str = "/api/v1/auth/tablet";

const SECONDS_BUCKETS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
const COMMIT_BUCKETS: &[f64] =
    &[0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

fn on() -> bool {
    ON.load(Ordering::Relaxed)
}

/// One answered request (called by `http::observe` for every request).
pub fn request(method: &str, route: &str, status: u16, latency: Duration) {
    if !on() {
        return;
    }
    let labels = [
        ("method", method.to_owned()),
        ("route", route.to_owned()),
        ("status", status.to_string()),
    ];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_DURATION, &labels).record(latency.as_secs_f64());
    let success = (200..300).contains(&status);
    match (method, route) {
        ("PUT", REPORT_ROUTE) if success => metrics::counter!(REPORTS_STORED).increment(1),
        ("POST", LOGIN_ROUTE) if success => {
            metrics::counter!(SESSIONS_CREATED, "kind" => "password").increment(1);
        }
        ("POST", TABLET_ROUTE) if success => {
            metrics::counter!(SESSIONS_CREATED, "kind" => "tablet").increment(1);
        }
        ("POST", LOGIN_ROUTE | TABLET_ROUTE) if status == 401 || status == 429 => {
            let kind = if route == LOGIN_ROUTE { "password" } else { "tablet" };
            let reason = if status == 401 { "invalid_credentials" } else { "too_many_attempts" };
            metrics::counter!(LOGIN_FAILURES, "kind" => kind, "reason" => reason).increment(1);
        }
        _ => {}
    }
}

/// One batch the SQLite writer committed (or failed to): its size and how long it took from
/// its first statement to the end of its commit.
pub fn writer_batch(writes: usize, took: Duration, committed: bool) {
    if !on() {
        return;
    }
    let outcome = if committed { "committed" } else { "failed" };
    metrics::histogram!(WRITER_BATCH, "outcome" => outcome).record(writes as f64);
    metrics::histogram!(WRITER_COMMIT, "outcome" => outcome).record(took.as_secs_f64());
}

/// Installs the recorder (once per process) and serves `GET /metrics` on `addr` until the
/// process ends. Returns the address it listens on.
pub async fn start(addr: &str, store: Arc<dyn Store>) -> Result<std::net::SocketAddr, String> {
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), SECONDS_BUCKETS)
        .and_then(|b| b.set_buckets_for_metric(Matcher::Full(WRITER_COMMIT.into()), COMMIT_BUCKETS))
        .and_then(|b| b.set_buckets_for_metric(Matcher::Full(WRITER_BATCH.into()), BATCH_BUCKETS))
        .map_err(|e| format!("metrics: {e}"))?;
    let handle = builder.install_recorder().map_err(|e| format!("metrics: {e}"))?;
    describe();
    ON.store(true, Ordering::Relaxed);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on METRICS_ADDR {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    // Histograms' samples are drained into their buckets by the upkeep; between scrapes too, so
    // that they do not pile up.
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    let app = Router::new().route("/metrics", get(render)).with_state(Scrape { handle, store });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    });
    Ok(local)
}

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    store: Arc<dyn Store>,
}

async fn render(State(scrape): State<Scrape>) -> impl IntoResponse {
    for pool in scrape.store.pools() {
        metrics::gauge!(POOL_SIZE, "pool" => pool.name).set(f64::from(pool.size));
        metrics::gauge!(POOL_IDLE, "pool" => pool.name).set(f64::from(pool.idle));
    }
    scrape.handle.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], scrape.handle.render())
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(HTTP_REQUESTS, "Requests answered, by method, route template and status");
    describe_histogram!(HTTP_DURATION, Unit::Seconds, "Time to the answer's head, by route");
    describe_counter!(REPORTS_STORED, "Day reports stored (2xx to PUT a class's day)");
    describe_counter!(SESSIONS_CREATED, "Sessions created by log-in (password or tablet code)");
    describe_counter!(LOGIN_FAILURES, "Log-ins refused: wrong credentials or throttled");
    describe_histogram!(WRITER_BATCH, Unit::Count, "Writes in one SQLite group commit");
    describe_histogram!(WRITER_COMMIT, Unit::Seconds, "Time to write and commit one batch");
    describe_gauge!(POOL_SIZE, "Open database connections, by pool");
    describe_gauge!(POOL_IDLE, "Idle database connections, by pool");
}
