//! The security headers on every kind of response: API JSON, errors of each status, CSV
//! downloads, the web app's files and its fallback to `index.html`.

use crate::helpers::School;
use reqwest::Method;
use serde_json::json;
use tests::Response;

/// The problems with a response's security headers (none: empty).
pub fn security_header_problems(response: &Response) -> Vec<String> {
    let mut problems = Vec::new();
    let mut one = |name: &str| -> String {
        let values = response.header_all(name);
        if values.len() != 1 {
            problems.push(format!("{name}: expected one value, got {values:?}"));
        }
        values.into_iter().next().unwrap_or_default()
    };
    let csp = one("content-security-policy");
    let nosniff = one("x-content-type-options");
    let frame = one("x-frame-options");
    let referrer = one("referrer-policy");
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for needed in ["default-src 'self'", "frame-ancestors 'none'"] {
        if !directives.contains(&needed) {
            problems.push(format!("Content-Security-Policy lacks {needed:?}: {csp:?}"));
        }
    }
    let script = directives.iter().find(|d| d.starts_with("script-src")).copied().unwrap_or("");
    let sources: Vec<&str> = script.split_whitespace().collect();
    if sources.contains(&"'unsafe-inline'") || sources.contains(&"'unsafe-eval'") {
        problems.push(format!("scripts may run inline or eval: {script:?}"));
    }
    if !nosniff.eq_ignore_ascii_case("nosniff") {
        problems.push(format!("X-Content-Type-Options is {nosniff:?}"));
    }
    if !frame.eq_ignore_ascii_case("deny") {
        problems.push(format!("X-Frame-Options is {frame:?}"));
    }
    let safe_referrers =
        ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];
    if !safe_referrers.contains(&referrer.to_ascii_lowercase().as_str()) {
        problems.push(format!("Referrer-Policy {referrer:?} may leak paths to other sites"));
    }
    problems
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let admin = &school.admin;
    let monitor = school.monitor("monitor-71", &class).await;
    let stranger = school.server.api();
    let grade = format!("schools/{}/grades/7", school.school_id);
    let big = json!({ "entries": [], "note": "x".repeat(70 * 1024) });

    // Act
    let responses: Vec<(&str, Response)> = vec![
        ("API JSON", admin.get("classes").await),
        ("health", stranger.get("health").await),
        ("a CSV download", admin.get(&format!("{grade}/comparison.csv")).await),
        ("201", admin.post("classes", &json!({"grade": 7, "name": "7(2)"})).await),
        ("401", stranger.get("me").await),
        ("401 wrong password", stranger.login("admin", "wrong-password-1").await),
        ("403", monitor.get("users").await),
        (
            "403 cross_origin",
            admin
                .send(
                    admin
                        .request(Method::POST, "classes")
                        .header("origin", "http://evil.example")
                        .json(&json!({"grade": 7, "name": "7(3)"})),
                )
                .await,
        ),
        ("404 API path", admin.get("no-such-thing").await),
        ("404 class", admin.get("classes/999999/reports").await),
        ("405", admin.delete("health").await),
        ("400", admin.get(&format!("classes/{}/reports?from=yesterday", class.id)).await),
        ("413", admin.put(&format!("classes/{}/reports/{}", class.id, school.today), &big).await),
        (
            "415",
            admin
                .send(
                    admin
                        .request(Method::POST, "classes")
                        .header("content-type", "text/plain")
                        .body("grade=7"),
                )
                .await,
        ),
        ("422", admin.post("classes", &json!({"grade": 10, "name": "10(1)"})).await),
        ("log-in with its cookie", school.server.api().login("admin", "admin-password-1").await),
        ("204 log-out", school.server.admin().await.logout().await),
        ("/api without a version", stranger.get("/api/nothing").await),
        ("the web app /", stranger.get("/").await),
        ("/index.html", stranger.get("/index.html").await),
        ("a static file", stranger.get("/favicon.svg").await),
        ("an app route (index.html fallback)", stranger.get("/class/12/week").await),
        ("HEAD /", stranger.send(stranger.request(Method::HEAD, "/")).await),
    ];

    // Assert
    let mut failures = Vec::new();
    for (what, response) in &responses {
        for problem in security_header_problems(response) {
            failures
                .push(format!("{what} ({} → {}): {problem}", response.request, response.status));
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    let statuses: Vec<(&str, u16)> = responses.iter().map(|(w, r)| (*w, r.status)).collect();
    let expected = [
        ("API JSON", 200),
        ("health", 200),
        ("a CSV download", 200),
        ("201", 201),
        ("401", 401),
        ("401 wrong password", 401),
        ("403", 403),
        ("403 cross_origin", 403),
        ("404 API path", 404),
        ("404 class", 404),
        ("405", 405),
        ("400", 400),
        ("413", 413),
        ("415", 415),
        ("422", 422),
        ("log-in with its cookie", 200),
        ("204 log-out", 204),
        ("/api without a version", 404),
    ];
    assert_eq!(&statuses[..expected.len()], &expected[..], "the responses are of the kinds meant");
    for (what, response) in &responses[expected.len()..] {
        // The built web app, or the page saying it is not built: either way a page.
        assert!(matches!(response.status, 200 | 503), "{what}: {}", response.status);
    }
}
