//! `backend add-school`: a second school and its admin, made from the command line.

use crate::helpers::{PASSWORD, School};
use tests::server::{ADMIN_PASSWORD, ADMIN_USERNAME};

#[tokio::test]
async fn add_school_makes_a_school_whose_admin_can_log_in() {
    // Arrange
    let school = School::new().await;
    let admin_arg = format!("admin2:{PASSWORD}");

    // Act
    let out = school
        .server
        .run_cli(&["add-school", "--name", "Second School", "--admin", &admin_arg])
        .await;

    // Assert
    assert!(out.success, "add-school failed: {out:?}");
    let me = school.server.login("admin2", PASSWORD).await.me().await;
    assert_eq!(me["role"], "school_admin");
    assert_ne!(me["school_id"], school.school_id);
}

#[tokio::test]
async fn add_school_refuses_a_taken_username_or_a_weak_password_and_changes_nothing() {
    // Arrange
    let school = School::new().await;
    let cases = [
        ("a taken username", format!("{ADMIN_USERNAME}:{PASSWORD}")),
        ("a 7-character password", "admin3:1234567".to_owned()),
        ("no password", "admin4".to_owned()),
    ];

    for (what, admin_arg) in cases {
        // Act
        let out = school
            .server
            .run_cli(&["add-school", "--name", "Third School", "--admin", &admin_arg])
            .await;

        // Assert
        assert!(!out.success, "{what}: add-school succeeded: {out:?}");
    }
    school.server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let taken = school.server.api().login(ADMIN_USERNAME, PASSWORD).await;
    taken.expect_error(401, "invalid_credentials");
    let weak = school.server.api().login("admin3", "1234567").await;
    weak.expect_error(401, "invalid_credentials");
}
