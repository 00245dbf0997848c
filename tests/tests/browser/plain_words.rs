//! Pages a child and a teacher can't misread: the class tablet thanks the monitor for an honest
//! long day instead of warning them, speaks of the teacher rather than a server, counts the
//! note's characters and offers 45 and 60 minutes in one tap; a page an account may not see is
//! one clear "no access" page.

use crate::offline::{MONITOR, PASSWORD, class_with_monitor};
use tests::browser::{Browser, BrowserOptions, require_built_app};
use tests::setup::Scope;
use tests::{Options, TestServer};

#[tokio::test]
async fn the_tablet_thanks_the_monitor_for_a_long_day_and_speaks_of_the_teacher_not_a_server() {
    // Arrange: the monitor on a tablet held upright.
    require_built_app();
    let server = TestServer::start(Options::default()).await;
    let (_admin, _class) = class_with_monitor(&server).await;
    let tablet = Browser::start(BrowserOptions::tablet()).await;
    tablet.log_in(&server.base_url, MONITOR, PASSWORD).await;
    tablet.find("[data-subject='math'] input").await;

    // Act: 60 + 45 minutes in two taps (over grade 7's 90), a note, then Submit.
    tablet.click("[data-subject='math'] .quick-pick[data-minutes='60']").await;
    tablet.click("[data-subject='chinese'] .quick-pick[data-minutes='45']").await;
    tablet.wait_text("#day-total", "showed 105", |t| t == "105").await;
    tablet.fill("#note", "数学很难").await;
    let counter = tablet.wait_text("#note-count", "counted 4", |t| t.starts_with("4/")).await;
    let line = tablet.visible_text("#limit-warning").await;
    tablet.click("#submit-report").await;
    tablet.find("#save-status[data-state='saved']").await;
    tablet.find("#outbox-status[data-state='saved']").await;

    // Assert
    assert_eq!(counter, "4/500");
    assert!(line.contains("90") && line.contains("谢谢"), "a thank-you, not a warning: {line}");
    assert!(!line.contains("超出"), "the monitor is warned: {line}");
    let role =
        tablet.js("return document.querySelector('#limit-warning').getAttribute('role')").await;
    assert_eq!(role, "status", "an honest number is no alert");
    let page = tablet.visible_text("#entry-page").await;
    assert!(!page.contains("服务器"), "a word a ten-year-old does not use: {page}");
    let outbox = tablet.visible_text("#outbox-status").await;
    assert!(outbox.contains("已交给老师"), "{outbox}");
    tablet.screenshot("tablet-long-day-thanked").await;
}

#[tokio::test]
async fn a_class_the_teacher_may_not_see_is_one_no_access_page() {
    // Arrange: two classes; the teacher of 7(1) opens 7(2)'s page and a grade they do not lead.
    require_built_app();
    let server = TestServer::start(Options::default()).await;
    let admin = server.admin().await;
    let own = admin.create_class(7, "7(1)").await;
    let other = admin.create_class(8, "8(1)").await;
    admin.create_user("teacher-71", PASSWORD, "teacher", Scope::Class(own.id)).await;
    let pc = Browser::start(BrowserOptions::default()).await;
    pc.log_in(&server.base_url, "teacher-71", PASSWORD).await;

    // Act
    pc.goto(&format!("{}/classes/{}", server.base_url, other.id)).await;
    let class_page = pc.visible_text("#no-access").await;
    let class_errors = pc.find_all(".notice.error").await.len();
    pc.goto(&format!("{}/classes/999999", server.base_url)).await;
    let unknown = pc.visible_text("#not-found").await;

    // Assert
    assert!(class_page.contains("无权查看"), "{class_page}");
    assert_eq!(class_errors, 0, "error boxes beside the no-access page");
    assert!(!pc.exists("#class-page").await, "a half-drawn class page");
    assert!(unknown.contains("找不到"), "{unknown}");
    pc.screenshot("no-access").await;
}
