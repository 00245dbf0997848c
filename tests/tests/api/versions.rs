//! Optimistic concurrency: a write that names the version it saw loses with `409` when someone
//! else wrote in between, and is told what is there now.

use crate::helpers::School;
use serde_json::{Value, json};
use tests::setup::{entries_json, report_path};

fn versioned(entries: &[(&str, i64)], version: i64) -> Value {
    json!({ "entries": entries_json(entries), "version": version })
}

#[tokio::test]
async fn a_write_with_a_stale_version_gets_409_with_the_current_report() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let monitor = school.monitor("monitor-71", &class).await;
    let teacher = school.teacher("teacher-71", &class).await;
    let path = report_path(class.id, school.today);
    let first = monitor.put(&path, &versioned(&[("math", 20)], 0)).await;
    let first = first.expect_status(200, "version 0 on an empty day").json;
    assert_eq!(first["report"]["version"], 1);

    // Act: the teacher saw no report either.
    let stale = teacher.put(&path, &versioned(&[("math", 60)], 0)).await;

    // Assert
    let stale = stale.expect_error(409, "version_conflict");
    assert_eq!(stale.json["report"], first["report"], "the 409 carries the report as it stands");
    let stored = school.admin.report_on(class.id, school.today).await;
    assert_eq!(stored.as_ref(), Some(&first["report"]), "the losing write changed nothing");

    // The teacher retries with what they now know, and a second stale write loses again.
    let second = teacher.put(&path, &versioned(&[("math", 60)], 1)).await;
    let second = second.expect_status(200, "version 1 when the report is at 1").json;
    assert_eq!(second["report"]["version"], 2);
    let stale_again = monitor.put(&path, &versioned(&[("math", 25)], 1)).await;
    let stale_again = stale_again.expect_error(409, "version_conflict");
    assert_eq!(stale_again.json["report"], second["report"]);
    let third = monitor.put(&path, &versioned(&[("math", 25)], 2)).await;
    assert_eq!(third.expect_status(200, "version 2").json["report"]["version"], 3);
}

#[tokio::test]
async fn a_version_on_a_day_with_no_report_gets_409_with_a_null_report() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let path = report_path(class.id, school.days_ago(2));

    // Act
    let response = school.admin.put(&path, &versioned(&[("math", 20)], 3)).await;

    // Assert
    let response = response.expect_error(409, "version_conflict");
    let body = response.json.as_object().expect("an object");
    assert!(body.contains_key("report") && body["report"].is_null(), "{}", response.text);
    assert_eq!(school.admin.report_on(class.id, school.days_ago(2)).await, None);
}

#[tokio::test]
async fn of_many_writers_who_all_saw_no_report_exactly_one_wins() {
    // Arrange: eight tablets and phones send their version-0 write at the same moment.
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let path = report_path(class.id, school.today);
    let mut writers = tokio::task::JoinSet::new();
    for i in 0..8 {
        let api = if i % 2 == 0 { school.admin.clone() } else { teacher.clone() };
        let (path, body) = (path.clone(), versioned(&[("math", 10 + i)], 0));
        writers.spawn(async move { api.put(&path, &body).await });
    }

    // Act
    let answers = writers.join_all().await;

    // Assert
    let winners: Vec<_> = answers.iter().filter(|r| r.status == 200).collect();
    let losers: Vec<_> = answers.iter().filter(|r| r.status == 409).collect();
    assert_eq!(
        (winners.len(), losers.len()),
        (1, 7),
        "{:?}",
        answers.iter().map(|r| (r.status, &r.text)).collect::<Vec<_>>()
    );
    let winner = &winners[0].json["report"];
    assert_eq!(winner["version"], 1);
    for loser in losers {
        assert_eq!(loser.code(), Some("version_conflict"));
        assert_eq!(&loser.json["report"], winner, "a loser is shown the winner's report");
    }
    let stored = school.admin.report_on(class.id, school.today).await;
    assert_eq!(stored.as_ref(), Some(winner));
}
