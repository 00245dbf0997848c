//! What the operator sees: the request id (header, error body, log line), readiness beside
//! liveness, and the Prometheus metrics on their own address (never the public one).

use crate::helpers::School;
use reqwest::Method;
use std::time::Duration;
use tests::setup::{report_body, report_path};
use tests::{Options, TestServer};

/// Options with more environment for the server.
fn with_env(env: &[(&str, &str)]) -> Options {
    let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    Options { env, ..Options::default() }
}

/// The server's log lines that mention `needle`, waiting a little for the log to arrive.
async fn log_lines_with(server: &TestServer, needle: &str) -> Vec<String> {
    for _ in 0..40 {
        let lines: Vec<String> =
            server.logs().lines().filter(|l| l.contains(needle)).map(str::to_owned).collect();
        if !lines.is_empty() {
            return lines;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Vec::new()
}

#[tokio::test]
async fn an_error_body_carries_the_request_id_of_its_header_and_of_its_log_line() {
    // Arrange: a server that logs every request (the tests' default is warnings only).
    let school = School::with_options(with_env(&[("RUST_LOG", "info,sqlx=warn")])).await;
    let class = school.class(7, "7(1)").await;
    let path = report_path(class.id, school.today);
    // The same request that succeeds…
    school.admin.put(&path, &report_body(&[("math", 30)])).await.expect_status(200, "a report");

    // Act: …with one thing broken: minutes out of range.
    let response = school.admin.put(&path, &report_body(&[("math", 3000)])).await;

    // Assert: the id in the header is the id in the body…
    assert_eq!(response.status, 422, "{}", response.text);
    let header = response.header("x-request-id").expect("an X-Request-Id header").to_owned();
    assert!(!header.is_empty());
    assert_eq!(response.json["error"]["request_id"], header.as_str(), "{}", response.text);
    assert_eq!(response.code(), Some("minutes_out_of_range"), "the code is kept");
    // …and in the one log line of the request, with the route's template, not the path.
    let lines = log_lines_with(&school.server, &header).await;
    let line = lines.iter().find(|l| l.contains("status=422")).unwrap_or_else(|| {
        panic!("no log line with status 422 for {header}:\n{}", school.server.logs())
    });
    assert!(line.contains("/api/v1/classes/{class_id}/reports/{date}"), "{line}");
    assert!(line.contains("method=PUT") && line.contains("latency_ms="), "{line}");
    assert!(line.contains("account_id="), "a logged-in request names its account: {line}");
}

#[tokio::test]
async fn a_success_has_a_request_id_header_and_a_clients_own_plain_id_is_kept() {
    // Arrange
    let server = TestServer::start_default().await;
    let api = server.api();

    // Act
    let fresh = api.get("health").await;
    let own =
        api.send(api.request(Method::GET, "health").header("x-request-id", "lb-42.a_b")).await;
    let odd = api.send(api.request(Method::GET, "me").header("x-request-id", "has space")).await;

    // Assert
    let fresh_id = fresh.header("x-request-id").unwrap_or_default();
    assert_eq!(fresh_id.len(), 16, "a new id: {fresh_id:?}");
    assert_eq!(own.header("x-request-id"), Some("lb-42.a_b"));
    let odd_id = odd.header("x-request-id").unwrap_or_default();
    assert_ne!(odd_id, "has space", "an id that is not a plain token is replaced");
    assert_eq!(odd.json["error"]["request_id"], odd_id, "{}", odd.text);
    assert_eq!(odd.code(), Some("not_logged_in"));
}

#[tokio::test]
async fn the_log_never_holds_a_password_or_a_session_cookie() {
    // Arrange
    let server = TestServer::start(with_env(&[("RUST_LOG", "debug,sqlx=warn")])).await;
    let api = server.api();

    // Act: a failed and a successful log-in, and a request with the session.
    api.login("admin", "wrong-password-1").await.expect_status(401, "wrong password");
    let login = api.login("admin", tests::server::ADMIN_PASSWORD).await;
    let login = login.expect_status(200, "log-in");
    api.get("me").await.expect_status(200, "me");

    // Assert
    let logs = log_lines_with(&server, "/api/v1/me").await.join("\n");
    assert!(!logs.is_empty(), "no log line for /me:\n{}", server.logs());
    let all = server.logs();
    for secret in ["wrong-password-1", tests::server::ADMIN_PASSWORD] {
        assert!(!all.contains(secret), "a password is in the log:\n{all}");
    }
    let cookie = login.header("set-cookie").unwrap_or_default();
    let token = cookie.split(';').next().and_then(|c| c.split_once('=')).map(|(_, v)| v);
    let token = token.expect("a session cookie");
    assert!(token.len() > 8 && !all.contains(token), "the session token is in the log:\n{all}");
}

#[tokio::test]
async fn ready_answers_ready_while_the_database_takes_writes() {
    // Arrange
    let server = TestServer::start_default().await;

    // Act
    let ready = server.api().get("ready").await;
    let live = server.api().get("health").await;

    // Assert
    let ready = ready.expect_status(200, "ready");
    assert_eq!(ready.json, serde_json::json!({ "status": "ready" }));
    live.expect_status(200, "health");
}

/// Where the server serves its metrics (it prints `metrics on http://ADDR/metrics`).
fn metrics_url(server: &TestServer) -> String {
    let stdout = server.stdout();
    let line = stdout.lines().find_map(|l| l.strip_prefix("metrics on "));
    line.unwrap_or_else(|| panic!("the server did not say where its metrics are:\n{stdout}"))
        .trim()
        .to_owned()
}

async fn scrape(url: &str) -> (u16, String, String) {
    let answer = reqwest::get(url).await.expect("the metrics address answers");
    let status = answer.status().as_u16();
    let kind = answer
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, answer.text().await.expect("the metrics text"))
}

/// The value of the sample whose line starts with `series` (name and labels), if there is one.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
}

#[tokio::test]
async fn with_metrics_addr_the_metrics_count_reports_log_ins_and_requests() {
    // Arrange
    let school = School::with_options(with_env(&[("METRICS_ADDR", "127.0.0.1:0")])).await;
    let class = school.class(7, "7(1)").await;
    let url = metrics_url(&school.server);

    // Act: a day report stored, one refused, a failed log-in.
    school.admin.put_report(class.id, school.today, &[("math", 30)]).await;
    let refused = school
        .admin
        .put(&report_path(class.id, school.today), &report_body(&[("math", 3000)]))
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let stranger = school.server.api();
    stranger.login("admin", "wrong-password-1").await.expect_status(401, "wrong password");
    let (status, kind, text) = scrape(&url).await;

    // Assert
    assert_eq!(status, 200, "{text}");
    assert!(kind.starts_with("text/plain"), "{kind}");
    assert_eq!(sample(&text, "homework_day_reports_stored_total"), Some(1.0), "{text}");
    let failures =
        "homework_login_failures_total{kind=\"password\",reason=\"invalid_credentials\"}";
    assert_eq!(sample(&text, failures), Some(1.0), "{text}");
    let sessions = "homework_sessions_created_total{kind=\"password\"}";
    assert!(sample(&text, sessions).is_some_and(|n| n >= 1.0), "{text}");
    let route = "route=\"/api/v1/classes/{class_id}/reports/{date}\"";
    let stored = format!("homework_http_requests_total{{method=\"PUT\",{route},status=\"200\"}}");
    assert_eq!(sample(&text, &stored), Some(1.0), "{text}");
    let refused = format!("homework_http_requests_total{{method=\"PUT\",{route},status=\"422\"}}");
    assert_eq!(sample(&text, &refused), Some(1.0), "{text}");
    assert!(
        text.contains("homework_http_request_duration_seconds_bucket{method=\"PUT\","),
        "a latency histogram by route: {text}"
    );
    assert!(text.contains("homework_db_pool_connections{pool="), "the pool's size: {text}");
    assert!(text.contains("homework_db_pool_idle_connections{pool="), "{text}");
    if school.server.database_url().starts_with("sqlite:") {
        let batches = "homework_sqlite_writer_batch_size_count{outcome=\"committed\"}";
        assert!(sample(&text, batches).is_some_and(|n| n >= 1.0), "the writer's batches: {text}");
        assert!(text.contains("homework_sqlite_writer_commit_seconds_bucket"), "{text}");
    }
    // Never on the public port.
    school.admin.get("/metrics").await.expect_status(404, "/metrics on the public port");
}

#[tokio::test]
async fn without_metrics_addr_nothing_serves_metrics_and_the_public_metrics_path_is_404() {
    // Arrange
    let server = TestServer::start_default().await;

    // Act
    let public = server.api().get("/metrics").await;

    // Assert
    assert_eq!(public.status, 404, "{}", public.text);
    assert!(!public.text.contains("homework_"), "{}", public.text);
    assert!(!server.stdout().contains("metrics on "), "{}", server.stdout());
}

/// Runs SQL with `psql` on the PostgreSQL server the tests use.
fn psql(sql: &str) {
    let url = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL");
    let out = std::process::Command::new("psql")
        .args(["--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--dbname", &url])
        .args(["--command", sql])
        .output()
        .expect("running psql");
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Makes new connections to the server's database read-only (or writable again) and ends the
/// ones it has, so that its pool opens new ones.
fn set_read_only(server: &TestServer, read_only: bool) {
    let url = server.database_url();
    let name = url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default();
    let value = if read_only { "on" } else { "off" };
    psql(&format!("ALTER DATABASE {name} SET default_transaction_read_only = {value}"));
    psql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ));
}

#[tokio::test]
async fn on_postgresql_ready_is_503_while_the_database_is_read_only_and_health_stays_200() {
    // Arrange
    let server = TestServer::start_default().await;
    if !server.database_url().starts_with("postgres") {
        return; // SQLite's read-only disk: tests/tests/faults/readiness.rs
    }
    let api = server.api();
    api.get("ready").await.expect_status(200, "ready while writable");

    // Act: the database refuses writes, as a standby or a read-only switch does.
    set_read_only(&server, true);
    let mut ready = api.get("ready").await;
    for _ in 0..20 {
        if ready.status == 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        ready = api.get("ready").await;
    }

    // Assert
    assert_eq!((ready.status, ready.code()), (503, Some("storage_unavailable")), "{}", ready.text);
    api.get("health").await.expect_status(200, "health while read-only");

    // Act: writable again.
    set_read_only(&server, false);
    let mut ready = api.get("ready").await;
    for _ in 0..20 {
        if ready.status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        ready = api.get("ready").await;
    }

    // Assert
    ready.expect_status(200, "ready once writable again");
}
