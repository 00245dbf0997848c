//! Make-up school days (调休), API.md "School calendar": admins set a Saturday or Sunday as a
//! school day and take it back, everyone of the school reads them, a weekday is refused, every
//! change is audited, and a make-up day counts as a school day everywhere.

use crate::helpers::School;
use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};
use tests::setup::{days_after, days_before, flag_kinds};

/// Monday of the week `weeks` weeks before this one.
pub fn monday_weeks_ago(today: NaiveDate, weeks: u64) -> NaiveDate {
    let this_monday = days_before(today, u64::from(today.weekday().num_days_from_monday()));
    days_before(this_monday, 7 * weeks)
}

fn missing_dates(summary: &Value) -> Vec<String> {
    summary["flags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "missing_reports")
        .flat_map(|f| f["missing_dates"].as_array().cloned().unwrap_or_default())
        .filter_map(|d| d.as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn an_admin_sets_a_saturday_as_a_make_up_day_and_takes_it_back() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let monitor = school.monitor("monitor-71", &class).await;
    let saturday = days_after(monday_weeks_ago(school.today, 2), 5);
    let range = format!("from={}&to={}", days_before(saturday, 5), days_after(saturday, 1));

    let set = school
        .admin
        .put(&format!("makeup-days/{saturday}"), &json!({"name": "国庆调休"}))
        .await
        .expect_status(200, "a make-up day");
    assert_eq!(set.json, json!({"date": saturday.to_string(), "name": "国庆调休"}));
    // Set again with another name: one day, the new name.
    school
        .admin
        .put(&format!("makeup-days/{saturday}"), &json!({"name": "调休"}))
        .await
        .expect_status(200, "renaming");
    let expected = json!([{"date": saturday.to_string(), "name": "调休"}]);
    for reader in [&school.admin, &monitor] {
        let listed = reader.get(&format!("makeup-days?{range}")).await.expect_status(200, "list");
        assert_eq!(listed.json, expected, "anyone of the school reads the make-up days");
    }
    let outside =
        format!("makeup-days?from={}&to={}", days_after(saturday, 1), days_after(saturday, 3));
    assert_eq!(school.admin.get(&outside).await.expect_status(200, "list").json, json!([]));

    school.admin.delete(&format!("makeup-days/{saturday}")).await.expect_status(204, "removing");
    let listed = school.admin.get(&format!("makeup-days?{range}")).await.expect_status(200, "list");
    assert_eq!(listed.json, json!([]));
    school.admin.delete(&format!("makeup-days/{saturday}")).await.expect_error(404, "not_found");
}

#[tokio::test]
async fn a_make_up_day_is_a_saturday_or_a_sunday() {
    let school = School::new().await;
    let monday = monday_weeks_ago(school.today, 1);
    let (friday, saturday, sunday) =
        (days_after(monday, 4), days_after(monday, 5), days_after(monday, 6));
    for day in [saturday, sunday] {
        school
            .admin
            .put(&format!("makeup-days/{day}"), &json!({"name": "调休"}))
            .await
            .expect_status(200, "a weekend day");
    }
    for day in [monday, friday] {
        school
            .admin
            .put(&format!("makeup-days/{day}"), &json!({"name": "调休"}))
            .await
            .expect_invalid("not_a_weekend");
    }
    school
        .admin
        .put("makeup-days/2026-13-01", &json!({"name": "调休"}))
        .await
        .expect_error(400, "bad_date");
    let listed = school
        .admin
        .get(&format!("makeup-days?from={monday}&to={sunday}"))
        .await
        .expect_status(200, "list");
    let dates: Vec<&str> =
        listed.json.as_array().unwrap().iter().filter_map(|d| d["date"].as_str()).collect();
    assert_eq!(dates, [saturday.to_string(), sunday.to_string()], "the weekdays were not stored");
}

#[tokio::test]
async fn only_an_admin_changes_make_up_days_and_every_change_is_audited() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let leader = school.grade_leader("leader-7", 7).await;
    let monitor = school.monitor("monitor-71", &class).await;
    let saturday = days_after(monday_weeks_ago(school.today, 1), 5);
    let sunday = days_after(saturday, 1);
    let path = format!("makeup-days/{saturday}");

    school.admin.put(&path, &json!({"name": "调休"})).await.expect_status(200, "admin sets");
    for (who, api) in [("teacher", &teacher), ("leader", &leader), ("monitor", &monitor)] {
        api.put(&format!("makeup-days/{sunday}"), &json!({"name": who}))
            .await
            .expect_error(403, "forbidden");
        api.delete(&path).await.expect_error(403, "forbidden");
    }
    school.server.api().get("makeup-days").await.expect_error(401, "not_logged_in");
    let listed = teacher
        .get(&format!("makeup-days?from={saturday}&to={sunday}"))
        .await
        .expect_status(200, "list")
        .json;
    assert_eq!(listed, json!([{"date": saturday.to_string(), "name": "调休"}]), "nothing changed");

    school.admin.delete(&path).await.expect_status(204, "admin removes");
    let log = school.admin.get("audit?limit=20").await.expect_status(200, "audit").json;
    let entries = log["entries"].as_array().unwrap();
    let put = entries.iter().find(|e| e["action"] == "makeup_day.put").expect("a put entry");
    assert_eq!(put["target"], saturday.to_string());
    assert_eq!(put["after"], json!({"name": "调休"}));
    let delete = entries.iter().find(|e| e["action"] == "makeup_day.delete").expect("a delete");
    assert_eq!(delete["before"], json!({"name": "调休"}));
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["action"].as_str().unwrap_or("").starts_with("makeup_day"))
            .count(),
        2,
        "the refused changes left no entry"
    );
}

#[tokio::test]
async fn another_school_neither_sees_nor_changes_a_school_s_make_up_days() {
    let school = School::new().await;
    school.server.add_school("Other School", "admin-b", "other-school-password-1").await;
    let other = school.server.login("admin-b", "other-school-password-1").await;
    let saturday = days_after(monday_weeks_ago(school.today, 1), 5);
    school
        .admin
        .put(&format!("makeup-days/{saturday}"), &json!({"name": "调休"}))
        .await
        .expect_status(200, "set");
    let range = format!("makeup-days?from={saturday}&to={saturday}");
    assert_eq!(other.get(&range).await.expect_status(200, "list").json, json!([]));
    other.delete(&format!("makeup-days/{saturday}")).await.expect_error(404, "not_found");
    assert_eq!(
        school.admin.get(&range).await.expect_status(200, "list").json.as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_make_up_day_counts_as_a_school_day_in_every_number() {
    // A class that reported Monday to Friday of a past week at 60 minutes and the Saturday at 120.
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let other = school.class(7, "7(2)").await;
    let monday = monday_weeks_ago(school.today, 2);
    let saturday = days_after(monday, 5);
    for n in 0..5 {
        school.admin.put_report(class.id, days_after(monday, n), &[("math", 60)]).await;
        school.admin.put_report(other.id, days_after(monday, n), &[("math", 60)]).await;
    }
    let answer = school.admin.put_report(class.id, saturday, &[("math", 100)]).await;
    assert_eq!(answer["report"]["school_day"], json!(false), "a Saturday is weekend homework");
    assert_eq!(
        flag_kinds(&answer["flags"]),
        Vec::<String>::new(),
        "100 minutes on a Saturday raise no flag"
    );
    let range = format!("from={monday}&to={}", days_after(monday, 6));
    let summary_path = format!("classes/{}/summary?{range}", class.id);
    let summary = school.admin.get(&summary_path).await.expect_status(200, "summary").json;
    assert_eq!(
        (summary["days_reported"].clone(), summary["average_daily_minutes"].clone()),
        (json!(5), json!(60.0))
    );

    // Act: the Saturday becomes a make-up day.
    school
        .admin
        .put(&format!("makeup-days/{saturday}"), &json!({"name": "调休"}))
        .await
        .expect_status(200, "make-up day");

    // Assert: the Saturday counts for the class that reported it, and is missing for the other.
    let summary = school.admin.get(&summary_path).await.expect_status(200, "summary").json;
    assert_eq!(summary["days_reported"], json!(6));
    assert_eq!(summary["average_daily_minutes"], json!(66.7));
    assert_eq!(summary["subject_averages"]["math"], json!(66.7));
    assert!(flag_kinds(&summary["flags"]).contains(&"over_daily_limit".to_owned()));
    let reports = school.admin.reports(class.id, monday, saturday).await;
    assert!(reports.iter().all(|r| r["school_day"] == json!(true)), "{reports:?}");
    let again = school.admin.put_report(class.id, saturday, &[("math", 100)]).await;
    assert_eq!(again["report"]["school_day"], json!(true));
    assert_eq!(flag_kinds(&again["flags"]), ["over_daily_limit"]);

    let comparison = school
        .admin
        .get(&format!("schools/{}/grades/7/comparison?{range}", school.school_id))
        .await
        .expect_status(200, "comparison")
        .json;
    assert_eq!(comparison["classes"][0]["days_reported"], json!(6));
    assert_eq!(comparison["classes"][1]["days_reported"], json!(5));
    let other_summary = school
        .admin
        .get(&format!("classes/{}/summary?{range}", other.id))
        .await
        .expect_status(200, "summary")
        .json;
    // One missing day is not yet a flag; the Sunday is no school day.
    assert!(missing_dates(&other_summary).is_empty());
    let days = school
        .admin
        .get(&format!("schools/{}/grades/7/days?{range}", school.school_id))
        .await
        .expect_status(200, "days")
        .json;
    let school_days: Vec<String> = (0..6).map(|n| days_after(monday, n).to_string()).collect();
    assert_eq!(days["school_days"], json!(school_days));
    let subjects = school
        .admin
        .get(&format!("schools/{}/grades/7/subjects?{range}", school.school_id))
        .await
        .expect_status(200, "subjects")
        .json;
    assert_eq!(subjects["classes"][0]["days_reported"], json!(6));
    assert_eq!(subjects["classes"][0]["subject_averages"]["math"], json!(66.7));
}

#[tokio::test]
async fn a_make_up_day_without_a_report_is_a_missing_day() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let monday = monday_weeks_ago(school.today, 2);
    let (saturday, next_monday) = (days_after(monday, 5), days_after(monday, 7));
    // Reported every weekday of two weeks but Friday of the first.
    for n in (0..12).filter(|n| !(4..=6).contains(n)) {
        school.admin.put_report(class.id, days_after(monday, n), &[("math", 30)]).await;
    }
    let range = format!("from={monday}&to={}", days_after(next_monday, 4));
    let path = format!("classes/{}/summary?{range}", class.id);
    let summary = school.admin.get(&path).await.expect_status(200, "summary").json;
    assert!(missing_dates(&summary).is_empty(), "one missing day: {}", summary["flags"]);

    school
        .admin
        .put(&format!("makeup-days/{saturday}"), &json!({}))
        .await
        .expect_status(200, "set");

    let summary = school.admin.get(&path).await.expect_status(200, "summary").json;
    assert_eq!(missing_dates(&summary), [days_after(monday, 4).to_string(), saturday.to_string()]);
    let csv = school
        .admin
        .get(&format!("schools/{}/grades/7/days.csv?{range}", school.school_id))
        .await
        .expect_status(200, "days csv")
        .text;
    let row = csv.lines().find(|l| l.starts_with("7(1)")).expect("the class's row");
    assert_eq!(row.split(',').filter(|c| *c == "–").count(), 2, "{row}");
}
