//! `GET /classes/{id}/summary`: a class's days, averages per day and per subject, and flags.

use crate::helpers::School;
use crate::makeup_days::monday_weeks_ago;
use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::json;
use tests::setup::{days_after, flag_kinds};

#[tokio::test]
async fn a_summary_counts_the_days_averages_to_one_decimal_and_lists_the_flags() {
    // Arrange: three school days (last week's Monday to Wednesday: only school days count) of
    // 50, 60 and 101 minutes.
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let monday = monday_weeks_ago(school.today, 1);
    let wednesday = days_after(monday, 2);
    let days = [(monday, 20, 30), (days_after(monday, 1), 25, 35), (wednesday, 50, 51)];
    for (day, math, chinese) in days {
        school.admin.put_report(class.id, day, &[("math", math), ("chinese", chinese)]).await;
    }
    let (from, to) = (monday, wednesday);

    // Act
    let response = teacher.get(&format!("classes/{}/summary?from={from}&to={to}", class.id)).await;

    // Assert
    let summary = response.expect_status(200, "summary").json;
    assert_eq!(summary["class_id"], class.id);
    assert_eq!(summary["from"], from.to_string());
    assert_eq!(summary["to"], to.to_string());
    assert_eq!(summary["days_reported"], 3);
    assert_eq!(summary["average_daily_minutes"], 70.3, "211 / 3 = 70.33…");
    assert_eq!(summary["subject_averages"], json!({ "math": 31.7, "chinese": 38.7 }));
    let flags = summary["flags"].as_array().expect("flags is a list");
    assert_eq!(flags.len(), 1, "only Wednesday is over the limit: {summary}");
    assert_eq!(flags[0]["kind"], "over_daily_limit");
    assert_eq!(flags[0]["severity"], "warning");
    assert_eq!(flags[0]["date"], wednesday.to_string());
    assert_eq!(flags[0]["total_minutes"], 101);
}

#[tokio::test]
async fn a_class_whose_average_is_over_the_limit_gets_an_alert() {
    // Arrange: 100 minutes on each of three school days (last week's Monday to Wednesday).
    let school = School::new().await;
    let class = school.class(8, "8(1)").await;
    let monday = monday_weeks_ago(school.today, 1);
    for n in 0..3 {
        school
            .admin
            .put_report(class.id, days_after(monday, n), &[("physics", 60), ("math", 40)])
            .await;
    }
    let (from, to) = (monday, days_after(monday, 2));

    // Act
    let response =
        school.admin.get(&format!("classes/{}/summary?from={from}&to={to}", class.id)).await;

    // Assert
    let summary = response.expect_status(200, "summary").json;
    assert_eq!(summary["average_daily_minutes"], 100.0);
    let alerts: Vec<_> = summary["flags"]
        .as_array()
        .expect("flags is a list")
        .iter()
        .filter(|f| f["kind"] == "over_average_limit")
        .collect();
    assert_eq!(alerts.len(), 1, "{summary}");
    assert_eq!(alerts[0]["severity"], "alert");
    assert_eq!(alerts[0]["average_daily_minutes"], 100.0);
    assert_eq!(alerts[0]["limit_minutes"], 90);
    assert_eq!(alerts[0]["class_id"], class.id);
    assert_eq!(
        flag_kinds(&summary["flags"]),
        ["over_average_limit", "over_daily_limit", "over_daily_limit", "over_daily_limit"]
    );
}

#[tokio::test]
async fn a_class_with_no_reports_has_a_null_average() {
    // Arrange: a class whose only report is older than the window: it started then, so every
    // school day of the window before today is missing (a class set up today would have
    // missed nothing: school_days.rs).
    let school = School::new().await;
    let class = school.class(7, "7(2)").await;
    school.admin.put_report(class.id, school.days_ago(20), &[("math", 30)]).await;

    // Act
    let response = school.admin.get(&format!("classes/{}/summary", class.id)).await;

    // Assert
    let summary = response.expect_status(200, "summary").json;
    assert_eq!(summary["days_reported"], 0);
    assert!(
        summary.as_object().is_some_and(|s| s.contains_key("average_daily_minutes")),
        "average_daily_minutes is missing rather than null: {summary}"
    );
    assert_eq!(summary["average_daily_minutes"], json!(null));
    assert_eq!(summary["subject_averages"], json!({}));
    let kinds = flag_kinds(&summary["flags"]);
    assert_eq!(kinds, ["missing_reports"], "14 silent days: {summary}");
    let flag = &summary["flags"][0];
    assert_eq!(flag["severity"], "warning");
    let missing: Vec<NaiveDate> = flag["missing_dates"]
        .as_array()
        .expect("missing_dates is a list")
        .iter()
        .filter_map(|d| d.as_str().and_then(|d| d.parse().ok()))
        .collect();
    assert_eq!(flag["missing_days"], missing.len());
    assert!(missing.len() >= 2, "{flag}");
    let window_start = school.days_ago(13);
    for day in &missing {
        let school_day = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        assert!(
            school_day && *day >= window_start && *day < school.today,
            "{day} is not a school day of the window before today: {flag}"
        );
    }
}

#[tokio::test]
async fn from_and_to_default_to_the_policy_window_ending_today() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let summary_path = format!("classes/{}/summary", class.id);
    let comparison_path = format!("schools/{}/grades/7/comparison", school.school_id);

    // Act
    let summary = school.admin.get(&summary_path).await.expect_status(200, "summary").json;
    let comparison = school.admin.get(&comparison_path).await.expect_status(200, "comparison").json;

    // Assert
    for body in [&summary, &comparison] {
        assert_eq!(body["from"], school.days_ago(13).to_string(), "14 days ending today: {body}");
        assert_eq!(body["to"], school.today.to_string());
    }

    // Arrange: a school that compares over three weeks.
    let mut policy = school.admin.get("policy").await.expect_status(200, "policy").json;
    policy["window_days"] = json!(21);
    school.admin.put("policy", &policy).await.expect_status(200, "PUT policy");

    // Act
    let summary = school.admin.get(&summary_path).await.expect_status(200, "summary").json;
    let comparison = school.admin.get(&comparison_path).await.expect_status(200, "comparison").json;

    // Assert
    for body in [&summary, &comparison] {
        assert_eq!(body["from"], school.days_ago(20).to_string(), "21 days ending today: {body}");
        assert_eq!(body["to"], school.today.to_string());
    }
}

#[tokio::test]
async fn a_reversed_overlong_or_malformed_range_is_refused_with_400() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let path =
        |from: String, to: String| format!("classes/{}/summary?from={from}&to={to}", class.id);
    let today = school.today.to_string();

    // Act + Assert
    let reversed = school.admin.get(&path(today.clone(), school.days_ago(1).to_string())).await;
    reversed.expect_error(400, "invalid_range");
    let too_long = school.admin.get(&path(school.days_ago(366).to_string(), today.clone())).await;
    too_long.expect_error(400, "invalid_range");
    let longest = school.admin.get(&path(school.days_ago(365).to_string(), today.clone())).await;
    longest.expect_status(200, "366 days is the longest range");
    let bad_month = school.admin.get(&path("2026-13-01".to_owned(), today.clone())).await;
    bad_month.expect_error(400, "bad_date");
    let words = school.admin.get(&path("last-week".to_owned(), today)).await;
    words.expect_error(400, "bad_date");
}
