//! `PUT` and `GET` day reports: what is stored, what comes back, the flags of a day, and the
//! same submission sent twice.

use crate::helpers::School;
use serde_json::{Value, json};
use tests::setup::{entries_json, entry_pairs, report_body, report_path};

fn pairs(entries: &[(&str, i64)]) -> Vec<(String, i64)> {
    let mut pairs: Vec<(String, i64)> =
        entries.iter().map(|(s, m)| ((*s).to_owned(), *m)).collect();
    pairs.sort();
    pairs
}

#[tokio::test]
async fn a_recorded_day_comes_back_with_its_total_its_writer_and_version_one() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let monitor = school.monitor("monitor-71", &class).await;
    let entries = [("math", 25), ("chinese", 30), ("english", 0)];
    let body = json!({ "entries": entries_json(&entries), "note": "数学卷子 + reading" });

    // Act
    let response = monitor.put(&report_path(class.id, school.today), &body).await;

    // Assert
    let answer = response.expect_status(200, "PUT report").json;
    let report = &answer["report"];
    assert_eq!(report["class_id"], class.id);
    assert_eq!(report["date"], school.today.to_string());
    assert_eq!(entry_pairs(report), pairs(&entries));
    assert_eq!(report["total_minutes"], 55);
    assert_eq!(report["note"], "数学卷子 + reading");
    assert_eq!(report["version"], 1);
    assert_eq!(report["recorded_by"], "monitor-71");
    let updated_at = report["updated_at"].as_str().unwrap_or_default();
    assert!(
        updated_at.len() == 20
            && updated_at.ends_with('Z')
            && chrono::DateTime::parse_from_rfc3339(updated_at).is_ok(),
        "updated_at should be RFC 3339 UTC to the second, like 2026-11-21T07:42:10Z: {updated_at:?}"
    );
    assert_eq!(answer["flags"], json!([]), "55 minutes is within grade 7's 90");
    let typed: Result<shared::api::PutDayReportResponse, _> =
        serde_json::from_value(answer.clone());
    assert!(typed.is_ok(), "the answer does not match shared::api: {typed:?}");

    let stored = school.admin.report_on(class.id, school.today).await;
    assert_eq!(stored.as_ref(), Some(report), "GET gives back what PUT answered");
    let own = monitor.report_on(class.id, school.today).await;
    assert_eq!(own.as_ref(), Some(report));
}

#[tokio::test]
async fn each_write_replaces_the_whole_day_and_bumps_the_version() {
    // Arrange
    let school = School::new().await;
    let class = school.class(8, "8(2)").await;
    let monitor = school.monitor("monitor-82", &class).await;
    let teacher = school.teacher("teacher-82", &class).await;
    let day = school.days_ago(1);
    monitor.put_report(class.id, day, &[("math", 20), ("physics", 40)]).await;

    // Act
    let second = teacher.put_report(class.id, day, &[("english", 15)]).await;
    let third = monitor.put_report(class.id, day, &[]).await;

    // Assert
    assert_eq!(second["report"]["version"], 2);
    assert_eq!(entry_pairs(&second["report"]), pairs(&[("english", 15)]));
    assert_eq!(second["report"]["total_minutes"], 15);
    assert_eq!(second["report"]["recorded_by"], "teacher-82");
    assert_eq!(third["report"]["version"], 3, "an empty day is a report of no homework");
    assert_eq!(third["report"]["total_minutes"], 0);
    assert_eq!(third["report"]["entries"], json!([]));
    assert_eq!(third["report"]["recorded_by"], "monitor-82");
    let stored = school.admin.report_on(class.id, day).await;
    assert_eq!(stored.as_ref(), Some(&third["report"]));
}

#[tokio::test]
async fn a_write_that_keeps_some_of_the_days_subjects_stores_its_own_order_and_minutes() {
    // Arrange
    let school = School::new().await;
    let class = school.class(8, "8(3)").await;
    let monitor = school.monitor("monitor-83", &class).await;
    let day = school.days_ago(1);
    monitor.put_report(class.id, day, &[("math", 20), ("physics", 40), ("english", 10)]).await;

    // Act: physics and math again, in another order and with other minutes; english dropped.
    let second = monitor.put_report(class.id, day, &[("physics", 30), ("math", 25)]).await;

    // Assert
    assert_eq!(entry_pairs(&second["report"]), pairs(&[("physics", 30), ("math", 25)]));
    assert_eq!(second["report"]["total_minutes"], 55);
    let stored = school.admin.report_on(class.id, day).await;
    assert_eq!(stored.as_ref(), Some(&second["report"]), "stored as answered, in its order");
}

#[tokio::test]
async fn a_day_over_the_limit_comes_back_with_an_over_daily_limit_flag() {
    // Arrange
    let school = School::new().await;
    let class7 = school.class(7, "7(1)").await;
    let class1 = school.class(1, "1(1)").await;

    // Act
    let at_limit = school
        .admin
        .put_report(class7.id, school.days_ago(1), &[("math", 45), ("chinese", 45)])
        .await;
    let over =
        school.admin.put_report(class7.id, school.today, &[("math", 46), ("chinese", 45)]).await;
    let grade_one = school.admin.put_report(class1.id, school.today, &[("math", 5)]).await;

    // Assert
    assert_eq!(at_limit["flags"], json!([]), "exactly 90 is not over 90");
    let flags = over["flags"].as_array().expect("flags is a list");
    assert_eq!(flags.len(), 1, "{over}");
    let flag = &flags[0];
    assert_eq!(flag["kind"], "over_daily_limit");
    assert_eq!(flag["severity"], "warning");
    assert_eq!(flag["date"], school.today.to_string());
    assert_eq!(flag["total_minutes"], 91);
    assert_eq!(flag["limit_minutes"], 90);
    assert_eq!(flag["class_id"], class7.id);
    assert!(flag["message"].as_str().is_some_and(|m| !m.is_empty()), "{flag}");
    let grade_one_flags = grade_one["flags"].as_array().expect("flags is a list");
    assert_eq!(grade_one_flags.len(), 1, "grades 1-2 may have no written homework: {grade_one}");
    assert_eq!(grade_one_flags[0]["kind"], "over_daily_limit");
    assert_eq!(grade_one_flags[0]["limit_minutes"], 0);
    assert_eq!(grade_one_flags[0]["total_minutes"], 5);
}

#[tokio::test]
async fn reports_come_back_oldest_first_within_from_and_to() {
    // Arrange
    let school = School::new().await;
    let class = school.class(9, "9(1)").await;
    for (n, minutes) in [(0, 30), (2, 50), (1, 40), (5, 70)] {
        school.admin.put_report(class.id, school.days_ago(n), &[("math", minutes)]).await;
    }

    // Act
    let last_three = school.admin.reports(class.id, school.days_ago(2), school.today).await;
    let one_day = school.admin.reports(class.id, school.days_ago(5), school.days_ago(5)).await;
    let gap = school.admin.reports(class.id, school.days_ago(4), school.days_ago(3)).await;

    // Assert
    let dates: Vec<&Value> = last_three.iter().map(|r| &r["date"]).collect();
    let expected =
        [school.days_ago(2), school.days_ago(1), school.today].map(|d| json!(d.to_string()));
    assert_eq!(dates, expected.iter().collect::<Vec<_>>());
    let totals: Vec<&Value> = last_three.iter().map(|r| &r["total_minutes"]).collect();
    assert_eq!(totals, [&json!(50), &json!(40), &json!(30)]);
    assert_eq!(one_day.len(), 1);
    assert_eq!(one_day[0]["total_minutes"], 70);
    assert!(gap.is_empty(), "{gap:?}");
}

#[tokio::test]
async fn the_same_client_id_sent_twice_stores_once_and_answers_the_same() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(4)").await;
    let monitor = school.monitor("monitor-74", &class).await;
    let path = report_path(class.id, school.today);
    let mut first = report_body(&[("math", 20), ("history", 15)]);
    first["client_id"] = json!("6f1c2a8e-4b7d-4a57-9a51-0c1d1bb0e001");
    let mut retry = report_body(&[("math", 99)]);
    retry["client_id"] = first["client_id"].clone();
    let first_answer = monitor.put(&path, &first).await.expect_status(200, "first send");

    // Act
    let retry_answer = monitor.put(&path, &retry).await;

    // Assert
    let retry_answer = retry_answer.expect_status(200, "the same client_id again");
    assert_eq!(retry_answer.json, first_answer.json, "a retry answers as the first send did");
    let stored = school.admin.report_on(class.id, school.today).await.expect("a report");
    assert_eq!(stored["version"], 1, "stored once");
    assert_eq!(entry_pairs(&stored), pairs(&[("history", 15), ("math", 20)]));
}

#[tokio::test]
async fn a_client_id_belongs_to_the_day_it_was_sent_for() {
    // Arrange: a tablet that (wrongly) sends yesterday's report with the client id it used today.
    let school = School::new().await;
    let class = school.class(7, "7(4)").await;
    let monitor = school.monitor("monitor-74", &class).await;
    let mut today = report_body(&[("math", 20)]);
    today["client_id"] = json!("one-id-two-days");
    let mut yesterday = report_body(&[("math", 45)]);
    yesterday["client_id"] = today["client_id"].clone();
    monitor.put(&report_path(class.id, school.today), &today).await.expect_status(200, "today");

    // Act
    let answer = monitor.put(&report_path(class.id, school.days_ago(1)), &yesterday).await;

    // Assert: stored as yesterday's report, not answered with today's
    let answer = answer.expect_status(200, "yesterday").json;
    assert_eq!(answer["report"]["date"], school.days_ago(1).to_string());
    assert_eq!(answer["report"]["total_minutes"], 45);
    let stored = school.admin.report_on(class.id, school.days_ago(1)).await.expect("a report");
    assert_eq!(stored["total_minutes"], 45);
    let kept = school.admin.report_on(class.id, school.today).await.expect("a report");
    assert_eq!(kept["total_minutes"], 20, "today's report is untouched");
}

#[tokio::test]
async fn a_late_retry_of_an_old_submission_does_not_undo_a_newer_write() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(4)").await;
    let monitor = school.monitor("monitor-74", &class).await;
    let path = report_path(class.id, school.today);
    let mut old = report_body(&[("math", 20)]);
    old["client_id"] = json!("first-submission");
    let mut newer = report_body(&[("math", 35), ("biology", 10)]);
    newer["client_id"] = json!("second-submission");
    let old_answer = monitor.put(&path, &old).await.expect_status(200, "old").json;
    let newer_answer = monitor.put(&path, &newer).await.expect_status(200, "newer").json;
    assert_eq!(newer_answer["report"]["version"], 2);

    // Act
    let replay = monitor.put(&path, &old).await;

    // Assert
    let replay = replay.expect_status(200, "replaying the old submission");
    assert_eq!(replay.json, old_answer, "the replay answers as the old send did");
    let stored = school.admin.report_on(class.id, school.today).await.expect("a report");
    assert_eq!(stored, newer_answer["report"], "the newer write stands");
}

#[tokio::test]
async fn a_submission_retried_many_times_at_once_is_stored_once() {
    // Arrange: a tablet on flaky Wi-Fi fires the same submission six times in parallel.
    let school = School::new().await;
    let class = school.class(7, "7(2)").await;
    let monitor = school.monitor("monitor-72", &class).await;
    let path = report_path(class.id, school.today);
    let mut body = report_body(&[("math", 20), ("english", 25)]);
    body["client_id"] = json!("a1b2c3d4-retry-storm");
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let (api, path, body) = (monitor.clone(), path.clone(), body.clone());
        sends.spawn(async move { api.put(&path, &body).await });
    }

    // Act
    let answers = sends.join_all().await;

    // Assert
    for answer in &answers {
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.json, answers[0].json, "every retry answers the same");
    }
    let stored = school.admin.report_on(class.id, school.today).await.expect("a report");
    assert_eq!(stored["version"], 1, "stored once: {stored}");
}

#[tokio::test]
async fn writers_of_one_new_day_at_once_without_a_version_are_all_stored_one_after_another() {
    // Arrange: the tablet and the teacher's phone each record a day nobody recorded yet, each
    // without a version (replace whatever is there), all at the same moment.
    let school = School::new().await;
    let class = school.class(7, "7(4)").await;
    let teacher = school.teacher("teacher-74", &class).await;
    let path = report_path(class.id, school.today);
    let mut writers = tokio::task::JoinSet::new();
    for i in 0..8 {
        let api = if i % 2 == 0 { school.admin.clone() } else { teacher.clone() };
        let (path, body) = (path.clone(), report_body(&[("math", 10 + i)]));
        writers.spawn(async move { api.put(&path, &body).await });
    }

    // Act
    let answers = writers.join_all().await;

    // Assert: none lost a race to the database (no 500); each replaced the one before.
    let mut versions: Vec<i64> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 200, "{}", a.text);
            a.json["report"]["version"].as_i64().expect("a version")
        })
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, (1..=8).collect::<Vec<_>>(), "one after another");
    let stored = school.admin.report_on(class.id, school.today).await.expect("a report");
    assert_eq!(stored["version"], 8, "{stored}");
}
