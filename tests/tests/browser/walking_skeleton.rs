//! The whole loop: a monitor records a day on the class tablet, sees the limit warning while
//! typing, saves; a grade leader then finds the class flagged in the grade comparison.

use serde_json::Value;
use std::time::Duration;
use tests::browser::{Browser, BrowserOptions, WAIT, require_built_app};
use tests::server::DEMO_PASSWORD;
use tests::{Options, TestServer};

async fn class_id(admin: &tests::Api, name: &str) -> i64 {
    let classes = admin.get("classes").await.expect_status(200, "classes").json;
    classes
        .as_array()
        .and_then(|list| list.iter().find(|c| c["name"] == name))
        .and_then(|c| c["id"].as_i64())
        .unwrap_or_else(|| panic!("the demo has no class {name}: {classes}"))
}

/// Polls the API until the class has a report on `date`, and returns it.
async fn stored_report(api: &tests::Api, class: i64, date: chrono::NaiveDate) -> Value {
    for _ in 0..100 {
        if let Some(r) = api.report_on(class, date).await {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no report for class {class} on {date} reached the server");
}

#[tokio::test]
async fn a_monitor_sees_the_warning_while_typing_and_the_grade_leader_finds_the_class_flagged() {
    // Arrange
    require_built_app();
    let server = TestServer::start(Options::demo()).await;
    let admin = server.login("admin", DEMO_PASSWORD).await;
    let today = admin.today().await;
    let class = class_id(&admin, "7(1)").await;
    let tablet = Browser::start(BrowserOptions::tablet()).await;

    // Act: the monitor logs in and lands on the entry page for today.
    tablet.log_in(&server.base_url, "monitor-7-1", DEMO_PASSWORD).await;
    tablet.find("[data-subject='math'] input").await;
    tablet.screenshot("monitor-entry").await;

    // Assert: no warning yet, then one as soon as the typed minutes pass the 90-minute limit.
    assert!(!tablet.exists("#limit-warning").await, "a warning before anything was typed");
    tablet.fill("[data-subject='math'] input", "50").await;
    tablet.wait_text("#day-total", "showed 50", |t| t.contains("50")).await;
    assert!(!tablet.exists("#limit-warning").await, "50 minutes is under the limit");
    tablet.fill("[data-subject='chinese'] input", "55").await;
    tablet.wait_text("#day-total", "showed 105", |t| t.contains("105")).await;
    let warning = tablet.wait_text("#limit-warning", "named the limit", |t| t.contains("90")).await;
    assert!(warning.contains("15"), "the warning says by how much: {warning:?}");
    tablet.screenshot("monitor-over-limit").await;
    assert!(
        admin.report_on(class, today).await.is_none(),
        "the warning appeared before anything was sent"
    );

    // Act: submit.
    tablet.click("#submit-report").await;
    let report = stored_report(&admin, class, today).await;
    let said =
        tablet.wait_text("#save-status", "confirmed the save", |t| t.contains("已保存")).await;
    assert!(said.contains("105"), "the confirmation says the day's total: {said:?}");
    tablet.screenshot("monitor-saved").await;

    // Assert: exactly what was typed reached the server, recorded by the class's monitor.
    assert_eq!(report["total_minutes"], 105, "{report}");
    assert_eq!(report["recorded_by"], "monitor-7-1");

    // Act: log out; the grade leader logs in on a PC.
    tablet.click("#logout").await;
    tablet.find("#login-button").await;
    tablet.close().await;
    let pc = Browser::start(BrowserOptions::default()).await;
    pc.log_in(&server.base_url, "leader7", DEMO_PASSWORD).await;

    // Assert: 7(1) carries today's over-limit flag; 7(3) the demo's over-average alert.
    let flagged = format!("tr[data-class-id='{class}'] .flag[data-kind='over_daily_limit']");
    let read = pc.visible_text(&flagged).await;
    assert!(read.contains("单日超时"), "the flag says what it is in words: {read:?}");
    let over_average = class_id(&admin, "7(3)").await;
    pc.find(&format!("tr[data-class-id='{over_average}'] .flag[data-kind='over_average_limit']"))
        .await;
    pc.screenshot("grade-comparison").await;
    pc.close().await;
}

/// A teacher whose session ended (here: the admin reset her password, which ends her
/// sessions) is asked to log in again, told why, and after logging in is back on the page she
/// had open — not on her first screen.
#[tokio::test]
async fn after_a_session_ends_logging_in_returns_to_the_page_that_was_open() {
    // Arrange: the teacher of 7(1) on her class's tablet codes page.
    require_built_app();
    let server = TestServer::start(Options::demo()).await;
    let admin = server.login("admin", DEMO_PASSWORD).await;
    let class = class_id(&admin, "7(1)").await;
    let pc = Browser::start(BrowserOptions::default()).await;
    pc.log_in(&server.base_url, "teacher-7-1", DEMO_PASSWORD).await;
    let first_screen = pc.path().await;
    let open = format!("/classes/{class}/tablets");
    assert_ne!(first_screen, open, "the test needs a page other than her first screen");
    pc.goto(&format!("{}{open}", server.base_url)).await;
    pc.find("#tablet-codes-panel").await;

    // Act: her session ends; she comes back to the page.
    let users = admin.get("users").await.expect_status(200, "users").json;
    let teacher = users
        .as_array()
        .and_then(|u| u.iter().find(|u| u["username"] == "teacher-7-1"))
        .and_then(|u| u["id"].as_i64())
        .expect("teacher-7-1");
    let new_password = "Teacher-71-new-2026";
    admin
        .post(&format!("users/{teacher}/password"), &serde_json::json!({"password": new_password}))
        .await
        .expect_status(204, "resetting her password");
    pc.goto(&format!("{}{open}", server.base_url)).await;

    // Assert: the log-in page, then, logged in again, the page she had open.
    pc.find("#login-form").await;
    pc.fill("#username", "teacher-7-1").await;
    pc.fill("#password", new_password).await;
    pc.click("#login-button").await;
    pc.wait_until(
        "back on the page that was open",
        &format!("return location.pathname === '{open}'"),
        WAIT,
    )
    .await;
    let shown = pc.visible_text("main").await;
    assert!(shown.contains("7(1)"), "the tablet codes page of 7(1): {shown}");
    pc.close().await;
}
