//! What a school reads in its CSV exports: the monitor's note with its day, a day a teacher
//! corrected marked as such (by whom, when), and Chinese files without English words or
//! internal codes.

use crate::helpers::School;
use chrono::{Datelike, NaiveDate};
use serde_json::json;
use tests::setup::report_path;

/// The rows of a CSV, header first.
fn rows(text: &str) -> Vec<Vec<String>> {
    tests::csv::parse(text)
}

/// The cell of `row` under the header `name`.
fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    let i =
        header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name}: {header:?}"));
    row.get(i).map_or("", String::as_str)
}

#[tokio::test]
async fn the_class_csv_shows_the_monitors_note_and_marks_a_day_a_teacher_corrected() {
    // Arrange: the monitor records two days with notes; the teacher corrects the second.
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let monitor = school.monitor("monitor-71", &class).await;
    let teacher = school.teacher("teacher-71", &class).await;
    let (first, second) = (school.days_ago(2), school.days_ago(1));
    for date in [first, second] {
        let body = json!({"entries": [{"subject": "math", "minutes": 30}], "note": "数学卷子难"});
        monitor.put(&report_path(class.id, date), &body).await.expect_status(200, "monitor");
    }
    let corrected = json!({"entries": [{"subject": "math", "minutes": 45}], "note": "老师已核对"});
    let corrected = teacher.put(&report_path(class.id, second), &corrected).await;
    let corrected = corrected.expect_status(200, "the teacher's correction").json;
    let range = format!("from={first}&to={}", school.today);

    // Act
    let csv = teacher.get(&format!("classes/{}/reports.csv?{range}", class.id)).await;
    let listed = teacher.get(&format!("classes/{}/reports?{range}", class.id)).await;

    // Assert: the CSV.
    let csv = csv.expect_status(200, "the class's CSV");
    let table = rows(&csv.text);
    let header = &table[0];
    let row_of = |date: NaiveDate| {
        table
            .iter()
            .find(|r| r.first().is_some_and(|d| *d == date.to_string()))
            .unwrap_or_else(|| panic!("no row for {date}: {}", csv.text))
    };
    let (kept, changed) = (row_of(first), row_of(second));
    assert_eq!(cell(header, kept, "备注"), "数学卷子难", "{}", csv.text);
    assert_eq!(cell(header, kept, "更正人"), "", "a day nobody corrected: {}", csv.text);
    assert_eq!(cell(header, changed, "备注"), "老师已核对");
    assert_eq!(cell(header, changed, "合计分钟"), "45");
    assert_eq!(cell(header, changed, "更正人"), "teacher-71 (test)", "{}", csv.text);
    let at = corrected["report"]["updated_at"].as_str().unwrap_or_default();
    assert!(!at.is_empty());
    assert_eq!(cell(header, changed, "更正时间 (UTC)"), at);

    // Assert: the class page's reports say the same.
    let listed = listed.expect_status(200, "the class's days").json;
    let days = listed.as_array().cloned().unwrap_or_default();
    let of = |date: NaiveDate| days.iter().find(|d| d["date"] == date.to_string()).cloned();
    assert_eq!(of(first).map(|d| d.get("corrected_by").cloned()), Some(None), "{listed}");
    assert_eq!(of(second).map(|d| d["corrected_by"].clone()), Some(json!("teacher-71 (test)")));
}

#[tokio::test]
async fn a_monitor_rewriting_their_own_day_is_no_correction() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let monitor = school.monitor("monitor-71", &class).await;
    let date = school.days_ago(1);
    for minutes in [30, 35] {
        let body = json!({"entries": [{"subject": "math", "minutes": minutes}]});
        monitor.put(&report_path(class.id, date), &body).await.expect_status(200, "monitor");
    }

    // Act
    let path = format!("classes/{}/reports.csv?from={date}&to={date}", class.id);
    let csv = school.admin.get(&path).await.expect_status(200, "the class's CSV");

    // Assert
    let table = rows(&csv.text);
    assert_eq!(table.len(), 2, "{}", csv.text);
    assert_eq!(cell(&table[0], &table[1], "合计分钟"), "35");
    assert_eq!(cell(&table[0], &table[1], "更正人"), "", "{}", csv.text);
}

#[tokio::test]
async fn a_chinese_comparison_csv_carries_no_english_words_and_no_internal_codes() {
    // Arrange: one school day over the limit three weeks ago and nothing since: the class is
    // over the daily and the average limit and has missed more than five school days.
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let from = school.days_ago(20);
    let first_weekday =
        from.iter_days().find(|d| d.weekday().num_days_from_monday() < 5).unwrap_or(from);
    school.admin.put_report(class.id, first_weekday, &[("math", 120)]).await;
    let path = format!(
        "schools/{}/grades/7/comparison.csv?from={from}&to={}",
        school.school_id, school.today
    );

    // Act
    let csv = school.admin.get(&path).await.expect_status(200, "the comparison CSV");

    // Assert
    let table = rows(&csv.text);
    let flags = cell(&table[0], &table[1], "提示");
    for kind in ["over_daily_limit", "over_average_limit", "missing_reports"] {
        assert!(!flags.contains(kind), "an internal code in the CSV: {flags}");
    }
    assert!(flags.contains("未填报"), "the missing days: {flags}");
    assert!(flags.contains("超出每日"), "the day over the limit: {flags}");
    let day = format!("{}/{} ", first_weekday.month(), first_weekday.day());
    assert!(flags.contains(&day), "the day as the pages write it ({day}…): {flags}");
    let english: String = flags.chars().filter(char::is_ascii_alphabetic).collect();
    assert_eq!(english, "", "English in a Chinese CSV: {flags}");
}

#[tokio::test]
async fn the_audit_log_names_the_class_and_the_account_it_speaks_of() {
    // Arrange: a class, a teacher's account, and a day the admin records for the class.
    let school = School::new().await;
    let class = school.class(7, "七年级（3）班").await;
    school.teacher("teacher-73", &class).await;
    school.admin.put_report(class.id, school.days_ago(1), &[("math", 30)]).await;

    // Act
    let page = school.admin.get("audit?limit=500").await.expect_status(200, "the audit log");

    // Assert
    let entries = page.json["entries"].as_array().cloned().unwrap_or_default();
    let named = |action: &str, target: &str| {
        entries
            .iter()
            .find(|e| e["action"] == action && e["target"] == target)
            .map(|e| e["target_name"].clone())
            .unwrap_or_else(|| panic!("no {action} on {target}: {}", page.text))
    };
    assert_eq!(named("class.create", &format!("class {}", class.id)), "七年级（3）班");
    let report_target = format!("class {} report {}", class.id, school.days_ago(1));
    assert_eq!(named("report.put", &report_target), "七年级（3）班");
    assert_eq!(named("user.create", "user teacher-73"), "teacher-73 (test)");
}
