//! `DELETE /classes/{id}/reports/{date}`: a day recorded by mistake removed by whoever may write
//! it, guarded by `version`, audited as `report.delete` with the day as it was, and gone from
//! every number; every refusal starts from a request that succeeds.

use crate::helpers::School;
use serde_json::json;
use tests::setup::report_path;

#[tokio::test]
async fn a_teacher_removes_a_day_and_it_is_gone_from_every_number() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let (mistake, kept) = (school.days_ago(3), school.days_ago(4));
    teacher.put_report(class.id, kept, &[("math", 40)]).await;
    teacher.put_report(class.id, mistake, &[("math", 200), ("chinese", 30)]).await;
    let range = format!("from={kept}&to={mistake}");
    let summary_path = format!("classes/{}/summary?{range}", class.id);

    teacher.delete(&report_path(class.id, mistake)).await.expect_status(204, "removing the day");

    assert_eq!(teacher.report_on(class.id, mistake).await, None);
    assert!(teacher.report_on(class.id, kept).await.is_some(), "the other day stays");
    let summary = teacher.get(&summary_path).await.expect_status(200, "summary").json;
    // The kept day counts if it is a school day (a weekday: this school has no holidays).
    let kept_counts = chrono::Datelike::weekday(&kept).num_days_from_monday() < 5;
    assert_eq!(summary["days_reported"], json!(u32::from(kept_counts)), "{summary}");
    assert!(summary["subject_averages"].get("chinese").is_none(), "{summary}");
    let days = school
        .admin
        .get(&format!("schools/{}/grades/7/days?{range}", school.school_id))
        .await
        .expect_status(200, "days")
        .json;
    let dates: Vec<&str> = days["classes"][0]["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["date"].as_str())
        .collect();
    assert_eq!(dates, [kept.to_string()], "the class × day total went with the day");

    // The day can be recorded again, from version 1.
    let again = teacher.put_report(class.id, mistake, &[("math", 20)]).await;
    assert_eq!(again["report"]["version"], json!(1));
}

#[tokio::test]
async fn a_removal_is_audited_with_the_day_as_it_was() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let day = school.days_ago(2);
    let stored = school.admin.put_report(class.id, day, &[("math", 25)]).await["report"].clone();

    school.admin.delete(&report_path(class.id, day)).await.expect_status(204, "removing");

    let log = school
        .admin
        .get("audit?action=report.delete&limit=5")
        .await
        .expect_status(200, "audit")
        .json;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    let entry = &entries[0];
    assert_eq!(entry["target"], format!("class {} report {day}", class.id));
    assert_eq!(entry["after"], serde_json::Value::Null);
    for field in ["class_id", "date", "entries", "total_minutes", "version", "recorded_by"] {
        assert_eq!(entry["before"][field], stored[field], "{field}: {entry}");
    }
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_with_the_day_as_it_stands() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let day = school.days_ago(1);
    let path = report_path(class.id, day);
    teacher.put_report(class.id, day, &[("math", 25)]).await;
    teacher.put_report(class.id, day, &[("math", 35)]).await; // version 2

    let conflict =
        teacher.delete(&format!("{path}?version=1")).await.expect_error(409, "version_conflict");
    assert_eq!(conflict.json["report"]["version"], json!(2));
    assert_eq!(conflict.json["report"]["total_minutes"], json!(35));
    assert!(conflict.json["report"]["school_day"].is_boolean());
    assert!(teacher.report_on(class.id, day).await.is_some(), "a refused removal removes nothing");
    teacher.delete(&format!("{path}?version=-1")).await.expect_invalid("invalid_version");
    teacher.delete(&format!("{path}?version=two")).await.expect_error(400, "bad_query");

    teacher.delete(&format!("{path}?version=2")).await.expect_status(204, "the current version");
    assert_eq!(teacher.report_on(class.id, day).await, None);
}

#[tokio::test]
async fn no_such_day_or_class_is_not_found() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let day = school.days_ago(1);
    school.admin.put_report(class.id, day, &[("math", 25)]).await;
    school.admin.delete(&report_path(class.id, day)).await.expect_status(204, "a positive control");

    school.admin.delete(&report_path(class.id, day)).await.expect_error(404, "report_not_found");
    school
        .admin
        .delete(&report_path(class.id, school.days_ago(5)))
        .await
        .expect_error(404, "report_not_found");
    school
        .admin
        .delete(&report_path(class.id + 1000, day))
        .await
        .expect_error(404, "class_not_found");
    school
        .admin
        .delete(&format!("classes/{}/reports/2026-02-30", class.id))
        .await
        .expect_error(400, "bad_date");
}

#[tokio::test]
async fn the_monitor_removes_only_within_its_edit_window_and_only_its_class() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let other = school.class(7, "7(2)").await;
    let monitor = school.monitor("monitor-71", &class).await;
    let (recent, old) = (school.days_ago(2), school.days_ago(10));
    for day in [recent, old] {
        school.admin.put_report(class.id, day, &[("math", 25)]).await;
    }
    school.admin.put_report(other.id, recent, &[("math", 25)]).await;

    monitor.delete(&report_path(class.id, recent)).await.expect_status(204, "within its window");
    monitor.delete(&report_path(class.id, old)).await.expect_invalid("outside_edit_window");
    monitor.delete(&report_path(other.id, recent)).await.expect_error(403, "forbidden");
    assert!(school.admin.report_on(class.id, old).await.is_some());
    assert!(school.admin.report_on(other.id, recent).await.is_some());
}

#[tokio::test]
async fn grade_leaders_other_teachers_strangers_and_other_schools_remove_nothing() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let other = school.class(7, "7(2)").await;
    let leader = school.grade_leader("leader-7", 7).await;
    let other_teacher = school.teacher("teacher-72", &other).await;
    school.server.add_school("Other School", "admin-b", "other-school-password-1").await;
    let other_admin = school.server.login("admin-b", "other-school-password-1").await;
    let day = school.days_ago(2);
    let path = report_path(class.id, day);
    school.admin.put_report(class.id, day, &[("math", 25)]).await;

    leader.delete(&path).await.expect_error(403, "forbidden");
    other_teacher.delete(&path).await.expect_error(403, "forbidden");
    other_admin.delete(&path).await.expect_error(403, "forbidden");
    school.server.api().delete(&path).await.expect_error(401, "not_logged_in");
    assert!(school.admin.report_on(class.id, day).await.is_some(), "nothing was removed");

    // An admin of the school may (the positive control).
    school.admin.delete(&path).await.expect_status(204, "admin");
}

#[tokio::test]
async fn a_removal_and_a_write_of_the_same_day_follow_one_another() {
    // Many writes and removals of one day at once: each answer is one of the two outcomes, and
    // the day ends as the last acknowledged step left it (a report, or none).
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let day = school.days_ago(1);
    let path = report_path(class.id, day);
    for round in 0..5 {
        let admin = &school.admin;
        let entries = [("math", 10 + round)];
        let put = admin.put_report(class.id, day, &entries);
        let delete = admin.delete(&path);
        let (_, deleted) = tokio::join!(put, delete);
        assert!(matches!(deleted.status, 204 | 404), "{}", deleted.text);
        let now = admin.report_on(class.id, day).await;
        if deleted.status == 204 {
            // The day was empty before the round: a removal that found a day came after the
            // write, and left nothing.
            assert_eq!(now, None);
        } else {
            assert_eq!(now.map(|r| r["total_minutes"].clone()), Some(json!(10 + round)));
        }
        admin.delete(&path).await;
    }
}
