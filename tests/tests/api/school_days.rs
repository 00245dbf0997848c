//! Only school days count (DESIGN.md, API.md "weekend homework"): a weekend's or holiday's
//! report is kept, returned with `school_day: false`, and enters no average, no drift and no
//! limit flag; missing days count from the class's start, so a class set up today has missed
//! nothing. The numbers are checked against the rule on the summary, the comparison, the
//! subjects table, the heat map and the school's overview.

use crate::helpers::School;
use crate::makeup_days::monday_weeks_ago;
use serde_json::{Value, json};
use tests::setup::{days_after, flag_kinds};

fn missing_dates(flags: &Value) -> Vec<String> {
    flags
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "missing_reports")
        .flat_map(|f| f["missing_dates"].as_array().cloned().unwrap_or_default())
        .filter_map(|d| d.as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_sunday_s_zero_does_not_pull_a_week_over_the_limit_under_it() {
    // Issue 17: 104–115 minutes every school day and a Sunday's 0 recorded by mistake.
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let monday = monday_weeks_ago(school.today, 2);
    let sunday = days_after(monday, 6);
    for (n, minutes) in [104, 108, 110, 112, 115].into_iter().enumerate() {
        school.admin.put_report(class.id, days_after(monday, n as u64), &[("math", minutes)]).await;
    }
    let answer = school.admin.put_report(class.id, sunday, &[("math", 0)]).await;
    assert_eq!(answer["report"]["school_day"], json!(false));
    assert_eq!(answer["flags"], json!([]));

    let range = format!("from={monday}&to={sunday}");
    let summary = school
        .admin
        .get(&format!("classes/{}/summary?{range}", class.id))
        .await
        .expect_status(200, "summary")
        .json;
    assert_eq!(summary["days_reported"], json!(5));
    assert_eq!(summary["average_daily_minutes"], json!(109.8));
    assert_eq!(summary["subject_averages"], json!({"math": 109.8}));
    let kinds = flag_kinds(&summary["flags"]);
    assert!(kinds.contains(&"over_average_limit".to_owned()), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "over_daily_limit").count(), 5);

    // The Sunday is kept and returned, marked as weekend homework.
    let reports = school.admin.reports(class.id, monday, sunday).await;
    assert_eq!(reports.len(), 6);
    let marks: Vec<(String, Value)> = reports
        .iter()
        .map(|r| (r["date"].as_str().unwrap_or_default().to_owned(), r["school_day"].clone()))
        .collect();
    let mut expected: Vec<(String, Value)> =
        (0..5).map(|n| (days_after(monday, n).to_string(), json!(true))).collect();
    expected.push((sunday.to_string(), json!(false)));
    assert_eq!(marks, expected);
}

#[tokio::test]
async fn a_holiday_s_report_is_kept_but_counts_nowhere() {
    let school = School::new().await;
    let class = school.class(5, "5(1)").await;
    let other = school.class(5, "5(2)").await;
    let monday = monday_weeks_ago(school.today, 2);
    let wednesday = days_after(monday, 2);
    for n in 0..5 {
        school.admin.put_report(class.id, days_after(monday, n), &[("math", 40)]).await;
        school.admin.put_report(other.id, days_after(monday, n), &[("math", 40)]).await;
    }
    let range = format!("from={monday}&to={}", days_after(monday, 4));
    let comparison_path = format!("schools/{}/grades/5/comparison?{range}", school.school_id);
    let before = school.admin.get(&comparison_path).await.expect_status(200, "comparison").json;
    assert_eq!(before["classes"][0]["days_reported"], json!(5), "a positive control");

    // Act: Wednesday becomes a holiday, and class 1 records 200 minutes on it.
    school
        .admin
        .put(&format!("holidays/{wednesday}"), &json!({"name": "运动会"}))
        .await
        .expect_status(200, "holiday");
    let answer = school.admin.put_report(class.id, wednesday, &[("math", 200)]).await;

    // Assert
    assert_eq!(answer["report"]["school_day"], json!(false));
    assert_eq!(answer["flags"], json!([]), "a holiday's report raises no flag");
    let comparison = school.admin.get(&comparison_path).await.expect_status(200, "comparison").json;
    for row in comparison["classes"].as_array().unwrap() {
        assert_eq!(
            (row["days_reported"].clone(), row["average_daily_minutes"].clone()),
            (json!(4), json!(40.0)),
            "{row}"
        );
        assert_eq!(row["flags"], json!([]), "{row}");
    }
    assert_eq!(comparison["grade_average_minutes"], json!(40.0));
    let subjects = school
        .admin
        .get(&format!("schools/{}/grades/5/subjects?{range}", school.school_id))
        .await
        .expect_status(200, "subjects")
        .json;
    assert_eq!(subjects["classes"][0]["days_reported"], json!(4));
    assert_eq!(subjects["classes"][0]["subject_averages"]["math"], json!(40.0));
    let report =
        school.admin.report_on(class.id, wednesday).await.expect("the holiday's report is kept");
    assert_eq!(
        (report["total_minutes"].clone(), report["school_day"].clone()),
        (json!(200), json!(false))
    );
}

#[tokio::test]
async fn weekend_homework_does_not_drift_a_class_from_its_grade() {
    // Two classes at 60 every school day; one also records 0 on both days of each weekend.
    let school = School::new().await;
    let steady = school.class(7, "7(1)").await;
    let weekend = school.class(7, "7(2)").await;
    let monday = monday_weeks_ago(school.today, 2);
    for n in 0..14 {
        let day = days_after(monday, n);
        if n % 7 < 5 {
            school.admin.put_report(steady.id, day, &[("math", 60)]).await;
            school.admin.put_report(weekend.id, day, &[("math", 60)]).await;
        } else {
            school.admin.put_report(weekend.id, day, &[("math", 0)]).await;
        }
    }
    let range = format!("from={monday}&to={}", days_after(monday, 13));
    let comparison = school
        .admin
        .get(&format!("schools/{}/grades/7/comparison?{range}", school.school_id))
        .await
        .expect_status(200, "comparison")
        .json;
    for row in comparison["classes"].as_array().unwrap() {
        assert_eq!(row["days_reported"], json!(10), "{row}");
        assert_eq!(row["average_daily_minutes"], json!(60.0), "{row}");
        assert_eq!(row["deviation_minutes"], json!(0.0), "{row}");
        assert_eq!(row["flags"], json!([]), "{row}");
    }
}

#[tokio::test]
async fn a_class_set_up_today_has_missed_nothing() {
    let school = School::new().await;
    let old = school.class(7, "7(1)").await;
    let monday = monday_weeks_ago(school.today, 2);
    // The old class's first report two weeks ago starts it; it reported nothing since.
    school.admin.put_report(old.id, monday, &[("math", 30)]).await;
    let new = school.class(7, "7(2)").await;
    let range = format!("from={monday}&to={}", days_after(monday, 11));

    let comparison = school
        .admin
        .get(&format!("schools/{}/grades/7/comparison?{range}", school.school_id))
        .await
        .expect_status(200, "comparison")
        .json;
    let rows = comparison["classes"].as_array().unwrap();
    assert_eq!(rows[0]["name"], "7(1)");
    let missed: Vec<String> = (1..12)
        .map(|n| days_after(monday, n))
        .filter(|d| chrono::Datelike::weekday(d).num_days_from_monday() < 5)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(missing_dates(&rows[0]["flags"]), missed, "a positive control");
    assert_eq!(rows[1]["name"], "7(2)");
    assert_eq!(rows[1]["flags"], json!([]), "a class set up today missed none of those days");
    assert_eq!(rows[1]["average_daily_minutes"], Value::Null);

    // The default window (ending today) and the school's overview say the same.
    let summary = school
        .admin
        .get(&format!("classes/{}/summary", new.id))
        .await
        .expect_status(200, "summary")
        .json;
    assert!(missing_dates(&summary["flags"]).is_empty(), "{}", summary["flags"]);
    let overview = school
        .admin
        .get(&format!("schools/{}/overview", school.school_id))
        .await
        .expect_status(200, "overview")
        .json;
    let attention: Vec<&str> = overview["attention"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(!attention.contains(&"7(2)"), "{attention:?}");
    let days = school
        .admin
        .get(&format!("schools/{}/grades/7/days?{range}", school.school_id))
        .await
        .expect_status(200, "days")
        .json;
    assert_eq!(days["classes"][0]["start"], json!(monday.to_string()));
    assert_eq!(days["classes"][1]["start"], json!(school.today.to_string()));
}

#[tokio::test]
async fn a_class_backfilled_before_it_was_created_starts_at_its_first_report() {
    // Set up today, the teacher records last week's Wednesday and Thursday, not Friday, and
    // nothing of this week before today.
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let monday = monday_weeks_ago(school.today, 1);
    for n in [2, 3] {
        teacher.put_report(class.id, days_after(monday, n), &[("math", 30)]).await;
    }
    let range = format!("from={monday}&to={}", days_after(monday, 6));
    let summary = teacher
        .get(&format!("classes/{}/summary?{range}", class.id))
        .await
        .expect_status(200, "summary")
        .json;
    // Only Friday is missing (Monday and Tuesday were before the class's start): no flag yet.
    assert!(missing_dates(&summary["flags"]).is_empty(), "{}", summary["flags"]);
    teacher.put_report(class.id, monday, &[("math", 30)]).await;
    let summary = teacher
        .get(&format!("classes/{}/summary?{range}", class.id))
        .await
        .expect_status(200, "summary")
        .json;
    let missing = [days_after(monday, 1).to_string(), days_after(monday, 4).to_string()];
    assert_eq!(missing_dates(&summary["flags"]), missing, "an earlier report moves the start back");
}
