//! Cross-site request forgery: every request that changes state (each write of [`ENDPOINTS`],
//! log-in, tablet sign-in, log-out) is refused with `403 cross_origin` when the browser says
//! another site sent it, and then changes nothing; bodies must be JSON (multipart for the
//! roster), so an HTML form cannot post one.

use crate::access::{Body, Caller, ENDPOINTS, Target, World};
use reqwest::Method;
use serde_json::json;
use tests::Response;

const EVIL: &str = "http://evil.example";

/// Collects what went wrong, to list every failure at once.
fn check(failures: &mut Vec<String>, what: &str, response: &Response, status: u16, code: &str) {
    if response.status != status || (!code.is_empty() && response.code() != Some(code)) {
        failures.push(format!(
            "{what}: expected {status} {code}, got {} {}",
            response.status, response.text
        ));
    }
}

#[tokio::test]
async fn every_state_change_sent_from_another_site_is_403_cross_origin_and_changes_nothing() {
    // Arrange
    let world = World::new().await;
    let api = world.caller(Caller::Admin);
    let port = world.server.base_url.rsplit(':').next().unwrap_or_default().to_owned();
    let other_port = format!("http://127.0.0.1:{}", port.parse::<u16>().unwrap_or(1) ^ 1);
    let cross_site: [(&str, &str, &str); 5] = [
        ("Origin of another site", "origin", EVIL),
        ("Origin of another port", "origin", &other_port),
        ("Origin null (a sandboxed frame)", "origin", "null"),
        ("Sec-Fetch-Site: cross-site", "sec-fetch-site", "cross-site"),
        ("Sec-Fetch-Site: cross-site with a same-origin Origin", "sec-fetch-site", "cross-site"),
    ];
    let (_, code) = world.admin.issue_tablet_code(world.classes[0].id, "csrf").await;
    let audit_before = World::newest_audit_id(&world.admin).await;
    let mut failures = Vec::new();

    for endpoint in ENDPOINTS.iter().filter(|e| e.changes_state()) {
        for (i, (what, header, value)) in cross_site.iter().enumerate() {
            // Act
            let mut request =
                world.request(api, endpoint, Some(Target::Own)).header(*header, *value);
            if i == 4 {
                request = request.header("origin", world.server.base_url.as_str());
            }
            let response = api.send(request).await;

            // Assert
            let label = format!("{} with {what}", endpoint.label());
            check(&mut failures, &label, &response, 403, "cross_origin");
        }
    }
    let stranger = world.server.api();
    let login = json!({"username": "monitor-71", "password": crate::helpers::PASSWORD});
    let evil_login = stranger
        .send(stranger.request(Method::POST, "auth/login").header("origin", EVIL).json(&login))
        .await;
    check(&mut failures, "POST auth/login from another site", &evil_login, 403, "cross_origin");
    if evil_login.session_cookie().is_some() {
        failures.push(format!("a cross-site log-in set a cookie: {:?}", evil_login.headers));
    }
    let evil_tablet = stranger
        .send(
            stranger
                .request(Method::POST, "auth/tablet")
                .header("origin", EVIL)
                .json(&json!({ "code": code })),
        )
        .await;
    check(&mut failures, "POST auth/tablet from another site", &evil_tablet, 403, "cross_origin");
    let monitor = world.caller(Caller::Monitor);
    let evil_logout =
        monitor.send(monitor.request(Method::POST, "auth/logout").header("origin", EVIL)).await;
    check(&mut failures, "POST auth/logout from another site", &evil_logout, 403, "cross_origin");
    check(&mut failures, "the monitor after it", &monitor.get("me").await, 200, "");
    stranger.get("me").await.expect_error(401, "not_logged_in");

    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    let written = World::audit_since(&world.admin, audit_before).await;
    assert!(written.is_empty(), "refused cross-site requests changed something: {written:#?}");
}

#[tokio::test]
async fn the_same_state_changes_from_the_app_itself_are_allowed() {
    // Arrange
    let world = World::new().await;
    let api = world.caller(Caller::Admin);
    let same_origin: [(&str, &str, &str); 3] = [
        ("a same-origin Origin", "origin", world.server.base_url.as_str()),
        ("Sec-Fetch-Site: same-origin", "sec-fetch-site", "same-origin"),
        ("Sec-Fetch-Site: none (typed by the user)", "sec-fetch-site", "none"),
    ];
    let mut failures = Vec::new();

    for (what, header, value) in same_origin {
        // The admin's own writes (a district's are no school admin's).
        let admins = |e: &&crate::access::Endpoint| {
            crate::access::reach(e.rule, Caller::Admin) != crate::access::Reach::Nothing
        };
        for endpoint in ENDPOINTS.iter().filter(|e| e.changes_state()).filter(admins) {
            // Act
            let request = world.request(api, endpoint, Some(Target::Own)).header(header, value);
            let response = api.send(request).await;

            // Assert
            let label = format!("{} with {what}", endpoint.label());
            check(&mut failures, &label, &response, endpoint.ok, "");
        }
    }

    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn a_body_that_an_html_form_could_send_is_415_and_changes_nothing() {
    // Arrange
    let world = World::new().await;
    let api = world.caller(Caller::Admin);
    let audit_before = World::newest_audit_id(&world.admin).await;
    let (multipart_type, multipart_body) = tests::api::multipart_file("x.csv", b"a,b\n");
    let form_bodies: [(&str, String, Vec<u8>); 3] = [
        (
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded".to_owned(),
            b"name=7(9)&grade=7".to_vec(),
        ),
        ("text/plain holding JSON", "text/plain".to_owned(), br#"{"name": "7(9)"}"#.to_vec()),
        ("multipart/form-data", multipart_type, multipart_body),
    ];
    let mut failures = Vec::new();

    for endpoint in ENDPOINTS.iter().filter(|e| matches!(e.body, Body::Json(_) | Body::Policy)) {
        for (what, content_type, body) in &form_bodies {
            // Act
            let path = world.path(endpoint, Some(Target::Own));
            let request = api
                .request(endpoint.method.clone(), &path)
                .header("content-type", content_type.as_str())
                .body(body.clone());
            let response = api.send(request).await;

            // Assert
            let label = format!("{} with {what}", endpoint.label());
            check(&mut failures, &label, &response, 415, "unsupported_media_type");
        }
    }
    for (what, content_type, body) in &form_bodies[..2] {
        let request = api
            .request(Method::POST, "roster/import")
            .header("content-type", content_type.as_str())
            .body(body.clone());
        let label = format!("POST roster/import with {what}");
        check(&mut failures, &label, &api.send(request).await, 415, "unsupported_media_type");
    }
    let stranger = world.server.api();
    let form_login = stranger
        .request(Method::POST, "auth/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("username=monitor-71&password={}", crate::helpers::PASSWORD));
    let form_login = stranger.send(form_login).await;
    check(&mut failures, "a form log-in", &form_login, 415, "unsupported_media_type");

    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    let written = World::audit_since(&world.admin, audit_before).await;
    assert!(written.is_empty(), "refused form bodies changed something: {written:#?}");
}

#[tokio::test]
async fn another_site_gets_no_cors_permission_to_read_answers() {
    // Arrange
    let world = World::new().await;
    let api = world.caller(Caller::Admin);

    // Act: a page of another site reading with the user's cookie, and its preflight.
    let read = api.send(api.request(Method::GET, "users").header("origin", EVIL)).await;
    let preflight = api
        .send(
            api.request(Method::OPTIONS, "classes")
                .header("origin", EVIL)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type"),
        )
        .await;

    // Assert
    for response in [&read, &preflight] {
        let granted: Vec<String> = response
            .headers
            .keys()
            .filter(|name| name.as_str().starts_with("access-control-allow"))
            .map(|name| format!("{name}: {:?}", response.headers.get(name)))
            .collect();
        assert!(granted.is_empty(), "{} grants another site: {granted:?}", response.request);
    }
    // A method the path does not have: 405 (whose code is `bad_query`).
    preflight.expect_error(405, "bad_query");
}
