//! What an admin does to set a school up and keep it tidy: archive and rename classes, change
//! accounts and passwords, mark holidays.

use crate::helpers::{PASSWORD, School};
use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};
use tests::Api;
use tests::server::{ADMIN_PASSWORD, ADMIN_USERNAME};
use tests::setup::{Scope, days_after, days_before, flag_kinds, report_body, report_path};

/// The class names of a grade's comparison, days table and subjects table.
async fn names_in_grade(api: &Api, school_id: i64, grade: u8) -> [Vec<String>; 3] {
    let mut found = [Vec::new(), Vec::new(), Vec::new()];
    for (i, table) in ["comparison", "days", "subjects"].iter().enumerate() {
        let path = format!("schools/{school_id}/grades/{grade}/{table}");
        let json = api.get(&path).await.expect_status(200, table).json;
        found[i] = json["classes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str().map(str::to_owned))
            .collect();
    }
    found
}

/// The names of the classes `GET path` lists.
async fn class_names(api: &Api, path: &str) -> Vec<(String, bool)> {
    let json = api.get(path).await.expect_status(200, path).json;
    json.as_array()
        .into_iter()
        .flatten()
        .map(|c| (c["name"].as_str().unwrap_or("").to_owned(), c["archived"] == true))
        .collect()
}

/// Whether the school overview lists a class among those needing attention.
fn in_attention(overview: &Value, class_id: i64) -> bool {
    overview["attention"].as_array().into_iter().flatten().any(|c| c["class_id"] == class_id)
}

#[tokio::test]
async fn an_archived_class_keeps_its_reports_leaves_every_table_and_takes_no_new_reports() {
    // Arrange
    let school = School::new().await;
    let old = school.class(7, "7(1)").await;
    let kept = school.class(7, "7(2)").await;
    let monitor = school.monitor("monitor-71", &old).await;
    for n in 1..=3 {
        school.admin.put_report(old.id, school.days_ago(n), &[("math", 200)]).await;
        school.admin.put_report(kept.id, school.days_ago(n), &[("math", 30)]).await;
    }
    let reports_before = school.admin.reports(old.id, school.days_ago(10), school.today).await;
    let overview_path = format!("schools/{}/overview", school.school_id);
    let overview = school.admin.get(&overview_path).await.expect_status(200, "overview").json;
    assert!(in_attention(&overview, old.id), "200 minutes a day need attention: {overview}");

    // Act
    let archived =
        school.admin.patch(&format!("classes/{}", old.id), &json!({"archived": true})).await;

    // Assert
    let archived = archived.expect_status(200, "archiving").json;
    assert_eq!(
        (archived["archived"].clone(), archived["name"].clone()),
        (json!(true), json!("7(1)"))
    );
    assert_eq!(class_names(&school.admin, "classes").await, [("7(2)".to_owned(), false)]);
    assert_eq!(
        class_names(&school.admin, "classes?include_archived=true").await,
        [("7(1)".to_owned(), true), ("7(2)".to_owned(), false)]
    );
    let reports_after = school.admin.reports(old.id, school.days_ago(10), school.today).await;
    assert_eq!(reports_after, reports_before, "an archived class keeps its reports");
    let summary = school.admin.get(&format!("classes/{}/summary", old.id)).await;
    // Only school days count (DESIGN.md): the weekdays among those three days.
    let school_days = (1..=3)
        .filter(|n| chrono::Datelike::weekday(&school.days_ago(*n)).num_days_from_monday() < 5)
        .count();
    assert_eq!(summary.expect_status(200, "its summary").json["days_reported"], school_days);
    school.admin.get(&format!("classes/{}/reports.csv", old.id)).await.expect_status(200, "csv");

    for (table, names) in ["comparison", "days", "subjects"]
        .iter()
        .zip(names_in_grade(&school.admin, school.school_id, 7).await)
    {
        assert_eq!(names, ["7(2)"], "the {table} table still shows the archived class");
    }
    let overview = school.admin.get(&overview_path).await.expect_status(200, "overview").json;
    let grade7 = overview["grades"].as_array().into_iter().flatten().find(|g| g["grade"] == 7);
    assert_eq!(grade7.map(|g| g["class_count"].clone()), Some(json!(1)), "{overview}");
    assert!(!in_attention(&overview, old.id), "the archived class needs attention: {overview}");

    let body = report_body(&[("math", 10)]);
    let by_admin = school.admin.put(&report_path(old.id, school.today), &body).await;
    by_admin.expect_invalid("class_archived");
    let by_monitor = monitor.put(&report_path(old.id, school.today), &body).await;
    by_monitor.expect_invalid("class_archived");
    let changed = school.admin.put(&report_path(old.id, school.days_ago(1)), &body).await;
    changed.expect_invalid("class_archived");
    assert_eq!(
        school.admin.reports(old.id, school.days_ago(10), school.today).await,
        reports_before
    );

    // Taken out of the archive, it is back everywhere and takes reports again.
    school.admin.patch(&format!("classes/{}", old.id), &json!({"archived": false})).await;
    let [comparison, _, _] = names_in_grade(&school.admin, school.school_id, 7).await;
    assert_eq!(comparison, ["7(1)", "7(2)"]);
    monitor.put(&report_path(old.id, school.today), &body).await.expect_status(200, "a new report");
}

#[tokio::test]
async fn a_renamed_class_shows_its_new_name_everywhere_and_a_bad_name_is_refused() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    school.class(7, "7(2)").await;
    let path = format!("classes/{}", class.id);

    // Act
    let renamed = school.admin.patch(&path, &json!({"name": "七年级一班"})).await;

    // Assert
    let renamed = renamed.expect_status(200, "renaming").json;
    assert_eq!(
        (renamed["name"].clone(), renamed["grade"].clone()),
        (json!("七年级一班"), json!(7))
    );
    let [comparison, days, subjects] = names_in_grade(&school.admin, school.school_id, 7).await;
    for names in [comparison, days, subjects] {
        assert!(names.contains(&"七年级一班".to_owned()) && !names.contains(&"7(1)".to_owned()));
    }
    let refusals = [
        (json!({"name": "7(2)"}), "class_name_taken"),
        (json!({"name": "   "}), "invalid_name"),
        (json!({"name": "x".repeat(41)}), "invalid_name"),
        (json!({"name": "7(\n1)"}), "invalid_name"),
    ];
    for (body, code) in refusals {
        school.admin.patch(&path, &body).await.expect_invalid(code);
    }
    school.admin.patch(&path, &json!({"grade": 8})).await.expect_error(400, "bad_json");
    let listed = class_names(&school.admin, "classes").await;
    assert_eq!(listed, [("7(2)".to_owned(), false), ("七年级一班".to_owned(), false)]);
}

#[tokio::test]
async fn an_admin_changes_accounts_but_cannot_disable_themself() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let other = school.class(8, "8(1)").await;
    let monitor_id =
        school.admin.create_user("monitor-71", PASSWORD, "monitor", Scope::Class(class.id)).await;
    let leader_id =
        school.admin.create_user("leader-7", PASSWORD, "grade_leader", Scope::Grade(7)).await;
    let me = school.admin.me().await;
    let my_id = me["id"].as_i64().expect("an id");

    // Act
    let myself = school.admin.patch(&format!("users/{my_id}"), &json!({"disabled": true})).await;
    let moved = school
        .admin
        .patch(
            &format!("users/{monitor_id}"),
            &json!({"class_id": other.id, "display_name": "李雷"}),
        )
        .await;
    let regraded = school.admin.patch(&format!("users/{leader_id}"), &json!({"grade": 8})).await;

    // Assert
    myself.expect_invalid("cannot_disable_self");
    school.admin.get("me").await.expect_status(200, "the admin is still logged in");
    school.server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let moved = moved.expect_status(200, "moving the monitor").json;
    assert_eq!(
        (moved["class_id"].clone(), moved["display_name"].clone()),
        (json!(other.id), json!("李雷"))
    );
    let monitor = school.server.login("monitor-71", PASSWORD).await;
    assert_eq!(monitor.me().await["class_id"], other.id);
    monitor
        .put(&report_path(class.id, school.today), &report_body(&[("math", 5)]))
        .await
        .expect_error(403, "forbidden");
    monitor
        .put(&report_path(other.id, school.today), &report_body(&[("math", 5)]))
        .await
        .expect_status(200, "its new class");
    assert_eq!(regraded.expect_status(200, "regrading").json["grade"], 8);
    let refusals = [
        (monitor_id, json!({"class_id": 999_999}), "unknown_class"),
        (leader_id, json!({"grade": 10}), "invalid_grade"),
        (monitor_id, json!({"display_name": ""}), "invalid_name"),
    ];
    for (id, body, code) in refusals {
        school.admin.patch(&format!("users/{id}"), &body).await.expect_invalid(code);
    }
    let my_path = format!("users/{my_id}");
    let self_rename = school.admin.patch(&my_path, &json!({"display_name": "教务处"})).await;
    assert_eq!(self_rename.expect_status(200, "renaming oneself").json["display_name"], "教务处");

    // The admin's own password: the current one is needed.
    let wrong = school
        .admin
        .put(
            "me/password",
            &json!({"current_password": "not-it-at-all", "new_password": "admin-new-pass"}),
        )
        .await;
    wrong.expect_invalid("wrong_password");
    school.server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    school
        .admin
        .put(
            "me/password",
            &json!({"current_password": ADMIN_PASSWORD, "new_password": "admin-new-pass"}),
        )
        .await
        .expect_status(204, "changing it");
    school.server.login(ADMIN_USERNAME, "admin-new-pass").await;
}

/// The Monday of the week two weeks before `today`.
fn monday_two_weeks_ago(today: NaiveDate) -> NaiveDate {
    days_before(today, u64::from(today.weekday().num_days_from_monday()) + 14)
}

fn missing_dates(summary: &Value) -> Option<Vec<String>> {
    summary["flags"].as_array()?.iter().find(|f| f["kind"] == "missing_reports").map(|f| {
        f["missing_dates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str().map(str::to_owned))
            .collect()
    })
}

#[tokio::test]
async fn holidays_are_not_missing_school_days() {
    // Arrange: a class that reported Monday and Tuesday of a past week, not Wednesday to Friday.
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let monitor = school.monitor("monitor-71", &class).await;
    let monday = monday_two_weeks_ago(school.today);
    let day = |n: u64| days_after(monday, n);
    for n in 0..2 {
        school.admin.put_report(class.id, day(n), &[("math", 30)]).await;
    }
    let range = format!("from={monday}&to={}", day(4));
    let summary_path = format!("classes/{}/summary?{range}", class.id);
    let days_path = format!("schools/{}/grades/7/days?{range}", school.school_id);
    let summary = school.admin.get(&summary_path).await.expect_status(200, "summary").json;
    let all_three: Vec<String> = (2..5).map(|n| day(n).to_string()).collect();
    assert_eq!(missing_dates(&summary), Some(all_three));

    // Act
    for (n, name) in [(2, "运动会"), (3, "秋假")] {
        let response =
            school.admin.put(&format!("holidays/{}", day(n)), &json!({ "name": name })).await;
        assert_eq!(
            response.expect_status(200, "a holiday").json,
            json!({"date": day(n).to_string(), "name": name})
        );
    }

    // Assert: one missing day is no flag; the days table leaves the holidays out.
    let summary = school.admin.get(&summary_path).await.expect_status(200, "summary").json;
    assert_eq!(missing_dates(&summary), None, "{}", summary["flags"]);
    let days = school.admin.get(&days_path).await.expect_status(200, "days").json;
    let school_days: Vec<String> =
        (0..5).filter(|n| !matches!(n, 2 | 3)).map(|n| day(n).to_string()).collect();
    assert_eq!(days["school_days"], json!(school_days));
    let comparison = format!("schools/{}/grades/7/comparison?{range}", school.school_id);
    let comparison = school.admin.get(&comparison).await.expect_status(200, "comparison").json;
    assert!(
        !flag_kinds(&comparison["classes"][0]["flags"]).contains(&"missing_reports".to_owned())
    );
    let listed =
        monitor.get(&format!("holidays?{range}")).await.expect_status(200, "holidays").json;
    assert_eq!(
        listed,
        json!([{"date": day(2).to_string(), "name": "运动会"}, {"date": day(3).to_string(), "name": "秋假"}]),
        "anyone of the school reads the holidays"
    );

    // A holiday taken back is a school day again.
    school.admin.delete(&format!("holidays/{}", day(3))).await.expect_status(204, "deleting");
    school.admin.delete(&format!("holidays/{}", day(3))).await.expect_error(404, "not_found");
    let summary = school.admin.get(&summary_path).await.expect_status(200, "summary").json;
    assert_eq!(missing_dates(&summary), Some(vec![day(3).to_string(), day(4).to_string()]));
    monitor
        .put(&format!("holidays/{}", day(4)), &json!({"name": "x"}))
        .await
        .expect_error(403, "forbidden");
}
