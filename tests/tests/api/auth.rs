//! Logging in and out: `POST /auth/login`, `GET /me`, `POST /auth/logout`, and the throttle on
//! failed logins.

use crate::helpers::{PASSWORD, School};
use reqwest::Method;
use tests::api::SESSION_COOKIE;
use tests::server::{ADMIN_PASSWORD, ADMIN_USERNAME};
use tests::setup::Scope;
use tests::{Response, TestServer};

/// The `hw_session=…` cookie a login set, with its attributes.
fn session_cookie(response: &Response) -> String {
    response
        .header_all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with(&format!("{SESSION_COOKIE}=")))
        .unwrap_or_else(|| panic!("no {SESSION_COOKIE} cookie set: {:?}", response.headers))
}

#[tokio::test]
async fn a_correct_login_answers_with_me_and_a_strict_httponly_session_cookie() {
    // Arrange
    let server = TestServer::start_default().await;
    let api = server.api();

    // Act
    let response = api.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;

    // Assert
    let response = response.expect_status(200, "admin login");
    let me = &response.json;
    assert_eq!(me["username"], ADMIN_USERNAME);
    assert_eq!(me["role"], "school_admin");
    assert!(me["id"].is_i64(), "id: {me}");
    assert!(me["school_id"].is_i64(), "school_id: {me}");
    assert!(me["display_name"].is_string(), "display_name: {me}");
    assert!(me["class_id"].is_null(), "an admin has no class: {me}");
    assert!(me["grade"].is_null(), "an admin has no grade: {me}");
    assert!(!response.text.to_lowercase().contains("password"), "{}", response.text);

    let cookie = session_cookie(&response);
    let attributes: Vec<String> =
        cookie.split(';').skip(1).map(|a| a.trim().to_ascii_lowercase()).collect();
    assert!(attributes.iter().any(|a| a == "httponly"), "not HttpOnly: {cookie}");
    assert!(attributes.iter().any(|a| a == "samesite=strict"), "not SameSite=Strict: {cookie}");
    let value = cookie.split(';').next().unwrap_or_default();
    assert!(value.len() > SESSION_COOKIE.len() + 16, "a guessable session id: {cookie}");
}

#[tokio::test]
async fn me_says_who_is_logged_in_with_their_class_grade_and_the_school_today() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(3)").await;
    school.admin.create_user("monitor-73", PASSWORD, "monitor", Scope::Class(class.id)).await;
    let api = school.server.api();
    let login = api.login("monitor-73", PASSWORD).await.expect_status(200, "monitor login");

    // Act
    let me = api.get("me").await.expect_status(200, "GET /me");

    // Assert
    let me = me.json;
    assert_eq!(me["username"], "monitor-73");
    assert_eq!(me["display_name"], "monitor-73 (test)");
    assert_eq!(me["role"], "monitor");
    assert_eq!(me["school_id"], school.school_id);
    assert_eq!(me["class_id"], class.id);
    assert_eq!(me["grade"], 7, "a monitor's grade is their class's");
    assert_eq!(me["today"], school.today.to_string());
    assert_eq!(login.json["id"], me["id"], "login answers with the same Me");
    assert_eq!(me["class_start"], school.today.to_string(), "a class set up today starts today");
    let admin = school.admin.get("me").await.expect_status(200, "the admin's Me").json;
    assert_eq!(admin["class_start"], serde_json::Value::Null, "no class, no start: {admin}");
}

#[tokio::test]
async fn after_logout_the_session_no_longer_works_even_if_its_cookie_is_replayed() {
    // Arrange
    let server = TestServer::start_default().await;
    let api = server.api();
    let login = api.login(ADMIN_USERNAME, ADMIN_PASSWORD).await.expect_status(200, "login");
    let cookie = session_cookie(&login);
    let cookie = cookie.split(';').next().unwrap_or_default().to_owned();

    // Act
    let logout = api.logout().await;

    // Assert
    logout.expect_status(204, "logout");
    api.get("me").await.expect_error(401, "not_logged_in");
    let stranger = server.api();
    let replayed =
        stranger.send(stranger.request(Method::GET, "me").header("cookie", cookie)).await;
    replayed.expect_error(401, "not_logged_in");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_byte_identical_answers() {
    // Arrange
    let server = TestServer::start_default().await;
    let api = server.api();

    // Act
    let wrong_password = api.login(ADMIN_USERNAME, "not-the-password").await;
    let unknown_user = api.login("nobody-here", "not-the-password").await;

    // Assert
    let wrong_password = wrong_password.expect_error(401, "invalid_credentials");
    let unknown_user = unknown_user.expect_error(401, "invalid_credentials");
    assert_eq!(
        wrong_password.text_without_request_id(),
        unknown_user.text_without_request_id(),
        "the answers tell which part was wrong"
    );
    api.get("me").await.expect_error(401, "not_logged_in");
}

#[tokio::test]
async fn more_than_ten_failed_logins_lock_the_username_with_retry_after() {
    // Arrange
    let school = School::new().await;
    school.admin.create_user("target-user", PASSWORD, "school_admin", Scope::School).await;
    let attacker = school.server.api();
    for attempt in 1..=10 {
        attacker
            .login("target-user", &format!("guess-number-{attempt}"))
            .await
            .expect_error(401, "invalid_credentials");
    }

    // Act
    let eleventh = attacker.login("target-user", "guess-number-11").await;
    let twelfth = attacker.login("target-user", "guess-number-12").await;
    let right_password = attacker.login("target-user", PASSWORD).await;

    // Assert
    // Ten failures are on record before the eleventh is looked at: it is already locked.
    eleventh.expect_error(429, "too_many_attempts");
    let twelfth = twelfth.expect_error(429, "too_many_attempts");
    let retry_after = twelfth.header("retry-after").unwrap_or_default();
    assert!(
        retry_after.parse::<u64>().is_ok_and(|s| s > 0),
        "Retry-After should be a number of seconds, got {retry_after:?}"
    );
    right_password.expect_error(429, "too_many_attempts");
    attacker.get("me").await.expect_error(401, "not_logged_in");
    // Another username is not locked out.
    school.server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
}

#[tokio::test]
async fn the_school_today_is_the_date_in_china_by_default() {
    // Arrange
    let server = TestServer::start_default().await;
    let api = server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let china = || (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let before = china();

    // Act
    let today = api.today().await;

    // Assert: either side of a midnight that fell during the request.
    let after = china();
    assert!(
        today == before || today == after,
        "the school's today is {today}, but in UTC+8 it is {after}"
    );
}
