//! The server keeps nothing of its own: stopped and started again on the same database, it has
//! every class, account, report and session it had.

use crate::helpers::{PASSWORD, School};
use tests::server::{ADMIN_PASSWORD, ADMIN_USERNAME};

#[tokio::test]
async fn classes_accounts_and_reports_are_kept_across_a_restart() {
    // Arrange
    let mut school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let monitor = school.monitor("monitor-71", &class).await;
    let written =
        monitor.put_report(class.id, school.today, &[("math", 30), ("chinese", 25)]).await;
    let classes_before = school.admin.get("classes").await.expect_status(200, "GET classes").json;
    let policy_before = school.admin.get("policy").await.expect_status(200, "GET policy").json;

    // Act
    school.server.restart().await;

    // Assert
    let admin = school.server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!(admin.get("classes").await.expect_status(200, "classes").json, classes_before);
    assert_eq!(admin.get("policy").await.expect_status(200, "policy").json, policy_before);
    let kept = admin.report_on(class.id, school.today).await;
    assert_eq!(kept.as_ref(), Some(&written["report"]));
    let monitor = school.server.login("monitor-71", PASSWORD).await;
    let next = monitor.put_report(class.id, school.today, &[("math", 35)]).await;
    assert_eq!(next["report"]["version"], 2, "versions go on from where they were");
}

#[tokio::test]
async fn a_session_outlives_a_restart_because_the_server_keeps_no_state() {
    // Arrange
    let mut school = School::new().await;
    let before = school.admin.me().await;

    // Act
    school.server.restart().await;

    // Assert
    let same_person = school.admin.at(&school.server.base_url);
    let after =
        same_person.get("me").await.expect_status(200, "the old session after a restart").json;
    assert_eq!(after["id"], before["id"]);
}

#[tokio::test]
async fn the_bootstrap_admin_is_made_only_on_an_empty_database() {
    // Arrange
    let mut school = School::new().await;
    school.server.options.admin_username = "another-admin".to_owned();
    school.server.options.school_name = "Another School".to_owned();

    // Act
    school.server.restart().await;

    // Assert
    let api = school.server.api();
    let login = api.login("another-admin", ADMIN_PASSWORD).await;
    login.expect_error(401, "invalid_credentials");
    let admin = school.server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!(admin.me().await["school_id"], school.school_id);
}
