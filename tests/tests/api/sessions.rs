//! Sessions, secure by default: what the cookie is, when a new token is issued, and every way a
//! session ends (log-out, a second log-in in the same browser, disabling, a password reset or
//! change, idle and absolute timeouts).

use crate::helpers::{PASSWORD, School};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use tests::server::{ADMIN_PASSWORD, ADMIN_USERNAME};
use tests::setup::Scope;
use tests::{Options, Response, TestServer};

/// The status of `GET /me` for a browser that sends only this session token.
async fn me_with(server: &TestServer, token: &str) -> u16 {
    let api = server.api();
    let request = api.request(Method::GET, "me").header("cookie", format!("hw_session={token}"));
    api.send(request).await.status
}

/// The token a log-in (or sign-in) answer set; panics if it set none.
fn token(response: &Response) -> String {
    response.session_token().unwrap_or_else(|| {
        panic!("{}: no session cookie in {:?}", response.request, response.headers)
    })
}

/// The attributes of the session cookie, lowercased, without the value.
fn attributes(response: &Response) -> Vec<String> {
    let cookie = response.session_cookie().unwrap_or_default();
    cookie.split(';').skip(1).map(|a| a.trim().to_ascii_lowercase()).collect()
}

#[tokio::test]
async fn the_session_cookie_is_256_random_bits_httponly_strict_and_secure_only_over_https() {
    // Arrange
    let server = TestServer::start_default().await;

    // Act
    let plain = server.api().login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let again = server.api().login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let stranger = server.api();
    let over_https = stranger
        .send(
            stranger
                .request(Method::POST, "auth/login")
                .header("x-forwarded-proto", "https")
                .json(&json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})),
        )
        .await;

    // Assert
    let plain = plain.expect_status(200, "log-in");
    let value = token(&plain);
    assert!(
        value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()),
        "the token should be 256 bits as 64 hex digits, got {value:?}"
    );
    assert_ne!(value, token(&again), "two log-ins got the same token");
    let attrs = attributes(&plain);
    for needed in ["httponly", "samesite=strict", "path=/"] {
        assert!(attrs.iter().any(|a| a == needed), "the cookie lacks {needed}: {attrs:?}");
    }
    assert!(!attrs.iter().any(|a| a == "secure"), "Secure over plain HTTP: {attrs:?}");
    assert!(
        attrs.iter().any(|a| a == &format!("max-age={}", 30 * 86_400)),
        "the cookie should live SESSION_MAX_DAYS (30 days by default): {attrs:?}"
    );
    let https_attrs = attributes(&over_https.expect_status(200, "log-in over HTTPS"));
    assert!(https_attrs.iter().any(|a| a == "secure"), "not Secure over HTTPS: {https_attrs:?}");
    for needed in ["httponly", "samesite=strict"] {
        assert!(https_attrs.iter().any(|a| a == needed), "{needed} over HTTPS: {https_attrs:?}");
    }
}

#[tokio::test]
async fn cookie_secure_and_session_max_days_change_the_cookie() {
    // Arrange
    let options = Options {
        env: vec![("COOKIE_SECURE".into(), "true".into()), ("SESSION_MAX_DAYS".into(), "2".into())],
        ..Options::default()
    };
    let server = TestServer::start(options).await;
    let api = server.api();

    // Act
    let login = api.login(ADMIN_USERNAME, ADMIN_PASSWORD).await.expect_status(200, "log-in");
    let logout = api.logout().await.expect_status(204, "log-out");

    // Assert
    let attrs = attributes(&login);
    assert!(attrs.iter().any(|a| a == "secure"), "COOKIE_SECURE=true: {attrs:?}");
    assert!(attrs.iter().any(|a| a == "max-age=172800"), "SESSION_MAX_DAYS=2: {attrs:?}");
    let cleared = attributes(&logout);
    assert!(
        cleared.iter().any(|a| a == "max-age=0"),
        "log-out should clear the cookie: {cleared:?}"
    );
    assert!(cleared.iter().any(|a| a == "secure"), "the clearing cookie too: {cleared:?}");
}

#[tokio::test]
async fn a_new_log_in_in_the_same_browser_ends_its_old_session_but_not_another_browsers() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    school.admin.create_user("teacher-71", PASSWORD, "teacher", Scope::Class(class.id)).await;
    let browser = school.server.api();
    let laptop = school.server.api();
    let first = token(&browser.login("teacher-71", PASSWORD).await.expect_status(200, "log-in"));
    let on_laptop = token(&laptop.login("teacher-71", PASSWORD).await.expect_status(200, "log-in"));

    // Act
    let second = token(&browser.login("teacher-71", PASSWORD).await.expect_status(200, "again"));

    // Assert
    assert_ne!(first, second, "a log-in must issue a new token");
    assert_eq!(me_with(&school.server, &first).await, 401, "the replaced token still works");
    assert_eq!(me_with(&school.server, &second).await, 200);
    assert_eq!(me_with(&school.server, &on_laptop).await, 200, "another browser was logged out");
    browser.get("me").await.expect_status(200, "the browser uses its new session");

    // Logging in as someone else in that browser ends the teacher's session there too.
    let admin_there = browser.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!(admin_there.expect_status(200, "log-in").json["username"], ADMIN_USERNAME);
    assert_eq!(me_with(&school.server, &second).await, 401);
    assert_eq!(me_with(&school.server, &on_laptop).await, 200);
}

#[tokio::test]
async fn a_token_chosen_by_an_attacker_is_never_adopted_at_log_in() {
    // Arrange: session fixation — the victim's browser already carries a token the attacker
    // knows.
    let server = TestServer::start_default().await;
    let planted = "ab".repeat(32);
    let victim = server.api();

    // Act
    let login = victim
        .send(
            victim
                .request(Method::POST, "auth/login")
                .header("cookie", format!("hw_session={planted}"))
                .json(&json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})),
        )
        .await
        .expect_status(200, "log-in");

    // Assert
    assert_ne!(token(&login), planted);
    assert_eq!(me_with(&server, &planted).await, 401, "the planted token became a session");
}

#[tokio::test]
async fn log_out_destroys_that_session_for_good_and_leaves_other_browsers_logged_in() {
    // Arrange
    let server = TestServer::start_default().await;
    let phone = server.api();
    let desk = server.api();
    let phone_token = token(&phone.login(ADMIN_USERNAME, ADMIN_PASSWORD).await);
    let desk_token = token(&desk.login(ADMIN_USERNAME, ADMIN_PASSWORD).await);

    // Act
    phone.logout().await.expect_status(204, "log-out");

    // Assert
    assert_eq!(me_with(&server, &phone_token).await, 401, "the logged-out token still works");
    phone.get("me").await.expect_error(401, "not_logged_in");
    assert_eq!(me_with(&server, &desk_token).await, 200);
    // Logging out again, or without a session, is harmless.
    phone.logout().await.expect_status(204, "a second log-out");
    server.api().logout().await.expect_status(204, "log-out without a session");
    assert_eq!(me_with(&server, &desk_token).await, 200);
}

#[tokio::test]
async fn disabling_an_account_ends_all_its_sessions_at_once_and_refuses_its_log_in() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let id =
        school.admin.create_user("teacher-71", PASSWORD, "teacher", Scope::Class(class.id)).await;
    let desk = school.server.login("teacher-71", PASSWORD).await;
    let phone = school.server.login("teacher-71", PASSWORD).await;

    // Act
    let disabled = school.admin.patch(&format!("users/{id}"), &json!({"disabled": true})).await;

    // Assert
    assert_eq!(disabled.expect_status(200, "disabling").json["disabled"], true);
    desk.get("me").await.expect_error(401, "not_logged_in");
    phone.get("me").await.expect_error(401, "not_logged_in");
    let refused = school.server.api().login("teacher-71", PASSWORD).await;
    let wrong = school.server.api().login("teacher-71", "not-the-password-1").await;
    let refused = refused.expect_error(401, "invalid_credentials");
    assert_eq!(
        refused.text_without_request_id(),
        wrong.text_without_request_id(),
        "a disabled account's log-in tells it is disabled"
    );
    let users = school.admin.get("users").await.expect_status(200, "users").json;
    let listed = users.as_array().into_iter().flatten().find(|u| u["id"] == id);
    assert_eq!(listed.map(|u| u["disabled"].clone()), Some(json!(true)), "{users}");

    // Enabled again, the old sessions stay ended; a new log-in works.
    school.admin.patch(&format!("users/{id}"), &json!({"disabled": false})).await;
    desk.get("me").await.expect_error(401, "not_logged_in");
    school.server.login("teacher-71", PASSWORD).await;
}

#[tokio::test]
async fn a_password_reset_by_the_admin_ends_every_session_of_the_account() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let id =
        school.admin.create_user("monitor-71", PASSWORD, "monitor", Scope::Class(class.id)).await;
    let desk = school.server.login("monitor-71", PASSWORD).await;
    let phone = school.server.login("monitor-71", PASSWORD).await;

    // Act
    let reset = school
        .admin
        .post(&format!("users/{id}/password"), &json!({"password": "new-secret-77"}))
        .await;

    // Assert
    reset.expect_status(204, "reset");
    desk.get("me").await.expect_error(401, "not_logged_in");
    phone.get("me").await.expect_error(401, "not_logged_in");
    school
        .server
        .api()
        .login("monitor-71", PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
    school.server.login("monitor-71", "new-secret-77").await;
    school.admin.get("me").await.expect_status(200, "the admin who reset it");
    // A weak new password is refused and changes nothing.
    let path = format!("users/{id}/password");
    let weak = school.admin.post(&path, &json!({"password": "12345678"})).await;
    weak.expect_invalid("weak_password");
    school.server.login("monitor-71", "new-secret-77").await;
}

#[tokio::test]
async fn changing_ones_own_password_keeps_this_session_and_ends_the_others() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    school.admin.create_user("teacher-71", PASSWORD, "teacher", Scope::Class(class.id)).await;
    let desk = school.server.login("teacher-71", PASSWORD).await;
    let phone = school.server.login("teacher-71", PASSWORD).await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});

    // Act + Assert: a wrong current password or a weak new one changes nothing.
    let wrong = desk.put("me/password", &change("not-my-password", "brand-new-secret")).await;
    wrong.expect_invalid("wrong_password");
    let weak = desk.put("me/password", &change(PASSWORD, "password")).await;
    weak.expect_invalid("weak_password");
    let short = desk.put("me/password", &change(PASSWORD, "short")).await;
    short.expect_invalid("weak_password");
    phone.get("me").await.expect_status(200, "the other session after refused changes");
    school.server.login("teacher-71", PASSWORD).await;

    // Act
    let changed = desk.put("me/password", &change(PASSWORD, "brand-new-secret")).await;

    // Assert
    changed.expect_status(204, "changing the password");
    desk.get("me").await.expect_status(200, "the session that changed it");
    phone.get("me").await.expect_error(401, "not_logged_in");
    school
        .server
        .api()
        .login("teacher-71", PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
    school.server.login("teacher-71", "brand-new-secret").await;
}

/// A server whose sessions end after `idle` seconds without use, or `max` seconds after
/// log-in. Needs the test-only `SESSION_IDLE_SECONDS` / `SESSION_MAX_SECONDS` (the hours and
/// days of the real settings are too coarse for a test).
async fn server_with_short_sessions(idle: u64, max: u64) -> TestServer {
    let options = Options {
        env: vec![
            ("SESSION_IDLE_SECONDS".into(), idle.to_string()),
            ("SESSION_MAX_SECONDS".into(), max.to_string()),
        ],
        ..Options::default()
    };
    TestServer::start(options).await
}

#[tokio::test]
async fn a_session_ends_after_the_idle_timeout_but_not_while_it_is_used() {
    // Arrange
    let server = server_with_short_sessions(3, 3600).await;
    let busy = server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let idle = server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;

    // Act + Assert: one request every 1.5 s keeps a session alive well past 3 s...
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        busy.get("me").await.expect_status(200, "a session in use");
    }

    // ...while the one unused for 6 s has ended.
    idle.get("me").await.expect_error(401, "not_logged_in");
}

#[tokio::test]
async fn a_session_ends_at_the_absolute_timeout_however_busy() {
    // Arrange
    let server = server_with_short_sessions(3600, 5).await;
    let api = server.api();
    let login = api.login(ADMIN_USERNAME, ADMIN_PASSWORD).await.expect_status(200, "log-in");
    let attrs = attributes(&login);
    assert!(attrs.iter().any(|a| a == "max-age=5"), "the cookie's Max-Age: {attrs:?}");

    let session = token(&login);

    // Act: times are kept in whole seconds, so a session lives between 4 and 5 s; the two
    // requests come within about 2 s, leaving room for a slow, busy machine.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(me_with(&server, &session).await, 200, "a young session");
    }
    tokio::time::sleep(Duration::from_millis(4000)).await;

    // Assert: the server ended it (the token is replayed by hand, as a browser that ignores
    // Max-Age would).
    assert_eq!(me_with(&server, &session).await, 401, "a session past SESSION_MAX_SECONDS");
}
