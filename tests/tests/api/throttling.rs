//! The log-in throttle: more than 10 failures for a username or 50 from an address within 15
//! minutes are answered `429` with `Retry-After`, tablet codes are throttled per address, open
//! sessions are untouched, and a refusal never tells an unknown user from a wrong password.

use crate::headers::security_header_problems;
use crate::helpers::{PASSWORD, School};
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};
use tests::server::{ADMIN_PASSWORD, ADMIN_USERNAME};
use tests::setup::{Scope, report_body, report_path};
use tests::{Api, Options, Response, TestServer};

/// Asserts a `429 too_many_attempts` with a `Retry-After` of 1 to 900 seconds; returns it.
#[track_caller]
fn expect_throttled(response: Response, what: &str) -> u64 {
    assert_eq!(
        (response.status, response.code()),
        (429, Some("too_many_attempts")),
        "{what}: {}",
        response.text
    );
    let problems = security_header_problems(&response);
    assert!(problems.is_empty(), "{what}: {problems:?}");
    let retry_after = response.header("retry-after").unwrap_or_default();
    let seconds = retry_after
        .parse::<u64>()
        .unwrap_or_else(|_| panic!("{what}: Retry-After should be seconds, got {retry_after:?}"));
    assert!((1..=900).contains(&seconds), "{what}: Retry-After {seconds} is not within 15 minutes");
    seconds
}

/// A log-in as if from `address` (the server must trust `X-Forwarded-For`).
async fn login_from(api: &Api, address: &str, username: &str, password: &str) -> Response {
    let body = json!({ "username": username, "password": password });
    api.send(api.request(Method::POST, "auth/login").header("x-forwarded-for", address).json(&body))
        .await
}

/// A tablet sign-in as if from `address`.
async fn tablet_from(api: &Api, address: &str, code: &str) -> Response {
    let body = json!({ "code": code });
    api.send(
        api.request(Method::POST, "auth/tablet").header("x-forwarded-for", address).json(&body),
    )
    .await
}

/// A server that takes the client's address from `X-Forwarded-For`, as behind a proxy.
async fn behind_a_proxy() -> School {
    let options =
        Options { env: vec![("TRUST_PROXY_HEADERS".into(), "true".into())], ..Options::default() };
    School::with_options(options).await
}

#[tokio::test]
async fn ten_failures_lock_a_username_but_not_its_open_sessions_nor_other_usernames() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    school.admin.create_user("teacher-71", PASSWORD, "teacher", Scope::Class(class.id)).await;
    let desk = school.server.login("teacher-71", PASSWORD).await;
    let attacker = school.server.api();
    for attempt in 1..=10 {
        let guess = attacker.login("teacher-71", &format!("guess-number-{attempt}")).await;
        guess.expect_error(401, "invalid_credentials");
    }

    // Act
    let right = attacker.login("teacher-71", PASSWORD).await;
    let wrong = attacker.login("teacher-71", "guess-number-11").await;
    let shouted = attacker.login("  TEACHER-71 ", PASSWORD).await;
    let elsewhere = school.server.api().login("teacher-71", PASSWORD).await;

    // Assert
    let retry_after = expect_throttled(right, "the right password while throttled");
    assert!(retry_after > 800, "the first failure was seconds ago: Retry-After {retry_after}");
    expect_throttled(wrong, "another wrong password");
    expect_throttled(shouted, "the same username in capitals");
    expect_throttled(elsewhere, "the right password from a fresh browser");
    attacker.get("me").await.expect_error(401, "not_logged_in");
    // The teacher's open session is untouched: reads and writes.
    desk.get("me").await.expect_status(200, "the open session");
    let write = desk.put(&report_path(class.id, school.today), &report_body(&[("math", 20)])).await;
    write.expect_status(200, "a write in the open session");
    // Other usernames log in as usual.
    school.server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
}

#[tokio::test]
async fn an_unknown_username_is_locked_exactly_like_a_real_one() {
    // Arrange
    let server = TestServer::start_default().await;
    let api = server.api();
    for attempt in 1..=10 {
        api.login("nobody-here", &format!("guess-{attempt}-x")).await;
        api.login(ADMIN_USERNAME, &format!("guess-{attempt}-x")).await;
    }

    // Act
    let unknown = api.login("nobody-here", "guess-11-x").await;
    let known = api.login(ADMIN_USERNAME, "guess-11-x").await;

    // Assert: the lock-out does not tell which usernames exist.
    let unknown_wait = expect_throttled(unknown.clone(), "an unknown username");
    let known_wait = expect_throttled(known.clone(), "a real username");
    // Both waits count from each username's first failure, a moment apart (more on a busy
    // machine): the same answer but for its number of seconds, and that close, not equal.
    let without_digits = |t: &str| t.chars().filter(|c| !c.is_ascii_digit()).collect::<String>();
    assert_eq!(
        without_digits(&unknown.text_without_request_id()),
        without_digits(&known.text_without_request_id())
    );
    assert!(unknown_wait.abs_diff(known_wait) <= 10, "{unknown_wait} vs {known_wait}");
}

#[tokio::test]
async fn fifty_failures_from_one_address_lock_that_address_only() {
    // Arrange: ten usernames, five failures each, none of them locked on its own.
    let school = behind_a_proxy().await;
    let api = school.server.api();
    let attacker = "203.0.113.7";
    for attempt in 0..50 {
        let username = format!("victim-{}", attempt % 10);
        let response = login_from(&api, attacker, &username, "wrong-password-1").await;
        response.expect_error(401, "invalid_credentials");
    }

    // Act
    let from_attacker = login_from(&api, attacker, ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let from_school = login_from(&api, "198.51.100.20", ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let victim_elsewhere = login_from(&api, "198.51.100.21", "victim-3", "wrong-password-1").await;

    // Assert
    expect_throttled(from_attacker, "a right password from the throttled address");
    from_school.expect_status(200, "the same account from another address");
    victim_elsewhere.expect_error(401, "invalid_credentials");
}

#[tokio::test]
async fn a_forged_x_forwarded_for_does_not_escape_the_address_limit() {
    // Arrange: without TRUST_PROXY_HEADERS the address is the peer's, whatever the header says.
    let server = TestServer::start_default().await;
    let api = server.api();
    for attempt in 0..50 {
        let forged = format!("192.0.2.{attempt}");
        let username = format!("victim-{}", attempt % 10);
        login_from(&api, &forged, &username, "wrong-password-1").await;
    }

    // Act
    let response = login_from(&api, "192.0.2.200", ADMIN_USERNAME, ADMIN_PASSWORD).await;

    // Assert
    expect_throttled(response, "the 51st attempt from one peer with a forged X-Forwarded-For");
}

#[tokio::test]
async fn behind_a_proxy_only_the_address_the_proxy_added_counts() {
    // Arrange: the proxy appends the address it saw to whatever the client sent.
    let school = behind_a_proxy().await;
    let api = school.server.api();
    for attempt in 0..50 {
        let forged = format!("192.0.2.{attempt}, 203.0.113.9");
        let username = format!("victim-{}", attempt % 10);
        login_from(&api, &forged, &username, "wrong-password-1").await;
    }

    // Act
    let same_client = login_from(&api, "192.0.2.200, 203.0.113.9", ADMIN_USERNAME, ADMIN_PASSWORD);
    let same_client = same_client.await;
    let another = login_from(&api, "203.0.113.9, 198.51.100.30", ADMIN_USERNAME, ADMIN_PASSWORD);
    let another = another.await;

    // Assert: the forged first addresses changed nothing; the proxy's last one is the client.
    expect_throttled(same_client, "a client that writes a new first address each time");
    another.expect_status(200, "another client, whatever it claims to be");
}

#[tokio::test]
async fn tablet_codes_are_throttled_per_address() {
    // Arrange
    let school = behind_a_proxy().await;
    let class = school.class(7, "7(1)").await;
    let (_, code) = school.admin.issue_tablet_code(class.id, "classroom").await;
    let api = school.server.api();
    let attacker = "203.0.113.9";

    // Act: guess codes until refused (the address limit is 50).
    let mut throttled_after = None;
    for attempt in 0..=50 {
        let guess = format!("{:012}", 100_000_000_000u64 + attempt);
        let response = tablet_from(&api, attacker, &guess).await;
        if response.status == 429 {
            throttled_after = Some(attempt);
            expect_throttled(response, "a guessed tablet code");
            break;
        }
        response.expect_error(401, "invalid_credentials");
    }

    // Assert
    let failures = throttled_after.expect("51 wrong tablet codes from one address, none refused");
    assert!(failures >= 1, "refused before any failure");
    let right = tablet_from(&api, attacker, &code).await;
    expect_throttled(right, "the right code from the throttled address");
    let classroom = school.server.api();
    let signed_in = tablet_from(&classroom, "198.51.100.30", &code).await;
    signed_in.expect_status(200, "the right code from the classroom's address");
}

/// The median of some durations.
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::test]
async fn a_wrong_password_an_unknown_user_and_a_disabled_one_look_and_take_alike() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let id = school.admin.create_user("gone-71", PASSWORD, "teacher", Scope::Class(class.id)).await;
    school.admin.patch(&format!("users/{id}"), &json!({"disabled": true})).await;
    let (_, code) = school.admin.issue_tablet_code(class.id, "classroom").await;
    school.server.api().tablet_sign_in(&code).await.expect_status(200, "the tablet signs in");
    let tablet = format!("tablet-{}", class.id);
    let api = school.server.api();
    // The first unknown user prepares the server's dummy hash; do not time it.
    api.login("warm-up-user", "not-the-password").await;
    let mut wrong_times = Vec::new();
    let mut unknown_times = Vec::new();
    let mut bodies = Vec::new();

    // Act
    for round in 0..5 {
        let started = Instant::now();
        let wrong = api.login(ADMIN_USERNAME, "not-the-password").await;
        wrong_times.push(started.elapsed());
        let started = Instant::now();
        let unknown = api.login(&format!("nobody-{round}"), "not-the-password").await;
        unknown_times.push(started.elapsed());
        bodies.push(("a wrong password", wrong));
        bodies.push(("an unknown username", unknown));
    }
    bodies.push(("a disabled account", api.login("gone-71", PASSWORD).await));
    bodies.push(("a class tablet's username", api.login(&tablet, PASSWORD).await));

    // Assert
    let first = bodies[0].1.text_without_request_id();
    for (what, response) in bodies {
        let response = response.expect_error(401, "invalid_credentials");
        assert_eq!(response.text_without_request_id(), first, "{what} answers differently");
        assert!(response.session_cookie().is_none(), "{what} set a cookie");
    }
    let (wrong, unknown) = (median(wrong_times), median(unknown_times));
    let (fast, slow) = if wrong < unknown { (wrong, unknown) } else { (unknown, wrong) };
    assert!(
        slow <= fast * 3 + Duration::from_millis(5),
        "a wrong password takes {wrong:?} (median) and an unknown user {unknown:?}: \
         timing tells which usernames exist"
    );
}
