//! `backend --demo`: a living school a new user can look at straight away.

use serde_json::Value;
use std::time::Duration;
use tests::server::DEMO_PASSWORD;
use tests::{Options, TestServer};

#[tokio::test]
async fn the_demo_school_starts_and_every_kind_of_demo_account_logs_in() {
    // Arrange
    let server = TestServer::start(Options::demo()).await;
    let accounts = [
        ("admin", "school_admin"),
        ("leader7", "grade_leader"),
        ("leader8", "grade_leader"),
        ("leader9", "grade_leader"),
        ("teacher-7-1", "teacher"),
        ("teacher-9-4", "teacher"),
        ("monitor-7-1", "monitor"),
        ("monitor-8-3", "monitor"),
        ("monitor-9-4", "monitor"),
    ];

    for (username, role) in accounts {
        // Act
        let me = server.login(username, DEMO_PASSWORD).await.me().await;

        // Assert
        assert_eq!(me["role"], role, "{username}: {me}");
    }
    let mut printed = server.stdout();
    for _ in 0..50 {
        if printed.contains("monitor-7-1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        printed = server.stdout();
    }
    assert!(printed.contains("monitor-7-1"), "the demo accounts are not printed:\n{printed}");

    let admin = server.admin().await;
    let classes = admin.get("classes").await.expect_status(200, "GET classes").json;
    let names: Vec<&str> =
        classes.as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    for grade in 7..=9 {
        for n in 1..=4 {
            let name = format!("{grade}({n})");
            assert!(names.contains(&name.as_str()), "no class {name} in {names:?}");
        }
    }
    let monitor = server.login("monitor-7-1", DEMO_PASSWORD).await.me().await;
    let own = classes.as_array().into_iter().flatten().find(|c| c["id"] == monitor["class_id"]);
    assert_eq!(own.map(|c| &c["name"]), Some(&Value::from("7(1)")), "monitor-7-1's class");
}

#[tokio::test]
async fn the_demo_comparison_shows_one_class_over_the_limit_and_another_drifting() {
    // Arrange
    let server = TestServer::start(Options::demo()).await;
    let admin = server.admin().await;
    let school_id = admin.me().await["school_id"].as_i64().expect("a school id");
    let mut over_limit = Vec::new();
    let mut drifting = Vec::new();

    for grade in 7..=9 {
        // Act
        let path = format!("schools/{school_id}/grades/{grade}/comparison");
        let comparison = admin.get(&path).await.expect_status(200, "comparison").json;

        // Assert (collected over the grades)
        for row in comparison["classes"].as_array().into_iter().flatten() {
            let kinds: Vec<&str> = row["flags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["kind"].as_str())
                .collect();
            let name = row["name"].as_str().unwrap_or_default().to_owned();
            if kinds.contains(&"over_average_limit") {
                over_limit.push(name.clone());
            }
            if kinds.iter().any(|k| k.starts_with("drift_")) {
                drifting.push(name);
            }
        }
    }
    assert!(!over_limit.is_empty(), "no demo class is over its limit in the default window");
    assert!(
        drifting.iter().any(|d| !over_limit.contains(d)),
        "no demo class drifts apart from the one over the limit: over {over_limit:?}, drifting {drifting:?}"
    );
}
