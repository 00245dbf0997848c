//! The table "Who may do what" of API.md, row by row, and that nothing crosses schools.

use crate::helpers::{PASSWORD, School};
use serde_json::json;
use tests::setup::{Scope, days_after, report_body, report_path};
use tests::{Api, Class};

/// Two grade-7 classes and one grade-8 class.
struct Classes {
    own: Class,
    same_grade: Class,
    other_grade: Class,
}

async fn classes(school: &School) -> Classes {
    Classes {
        own: school.class(7, "7(1)").await,
        same_grade: school.class(7, "7(2)").await,
        other_grade: school.class(8, "8(1)").await,
    }
}

/// Asserts the status (and for 403 the code) of reading a class's reports and summary.
async fn assert_reads(api: &Api, who: &str, class: &Class, status: u16) {
    for path in [format!("classes/{}/reports", class.id), format!("classes/{}/summary", class.id)] {
        let response = api.get(&path).await;
        assert_eq!(response.status, status, "{who} GET {path}: {}", response.text);
        if status == 403 {
            assert_eq!(response.code(), Some("forbidden"), "{who} GET {path}: {}", response.text);
        }
    }
}

/// Asserts the status of the grade comparison of `grade`.
async fn assert_comparison(api: &Api, who: &str, school_id: i64, grade: u8, status: u16) {
    let path = format!("schools/{school_id}/grades/{grade}/comparison");
    let response = api.get(&path).await;
    assert_eq!(response.status, status, "{who} GET {path}: {}", response.text);
    if status == 403 {
        assert_eq!(response.code(), Some("forbidden"), "{who} GET {path}: {}", response.text);
    }
}

#[tokio::test]
async fn a_monitor_writes_only_their_own_class_and_only_from_seven_days_ago_to_today() {
    // Arrange
    let school = School::new().await;
    let c = classes(&school).await;
    let monitor = school.monitor("monitor-71", &c.own).await;
    let body = report_body(&[("math", 30)]);

    // Act
    let today = monitor.put(&report_path(c.own.id, school.today), &body).await;
    let seven_ago = monitor.put(&report_path(c.own.id, school.days_ago(7)), &body).await;
    let eight_ago = monitor.put(&report_path(c.own.id, school.days_ago(8)), &body).await;
    let neighbour = monitor.put(&report_path(c.same_grade.id, school.today), &body).await;
    let other_grade = monitor.put(&report_path(c.other_grade.id, school.today), &body).await;

    // Assert
    assert_eq!(today.expect_status(200, "today").json["report"]["recorded_by"], "monitor-71");
    seven_ago.expect_status(200, "seven days ago");
    eight_ago.expect_invalid("outside_edit_window");
    neighbour.expect_error(403, "forbidden");
    other_grade.expect_error(403, "forbidden");
    assert_eq!(school.admin.report_on(c.own.id, school.days_ago(8)).await, None);
    assert_eq!(school.admin.report_on(c.same_grade.id, school.today).await, None);
    assert_eq!(school.admin.report_on(c.other_grade.id, school.today).await, None);
}

#[tokio::test]
async fn a_monitor_reads_only_their_own_class_and_no_comparison() {
    // Arrange
    let school = School::new().await;
    let c = classes(&school).await;
    let monitor = school.monitor("monitor-71", &c.own).await;

    // Act + Assert
    assert_reads(&monitor, "monitor", &c.own, 200).await;
    assert_reads(&monitor, "monitor", &c.same_grade, 403).await;
    assert_reads(&monitor, "monitor", &c.other_grade, 403).await;
    assert_comparison(&monitor, "monitor", school.school_id, 7, 403).await;
}

#[tokio::test]
async fn a_teacher_writes_their_own_class_on_any_past_date_and_compares_their_grade() {
    // Arrange
    let school = School::new().await;
    let c = classes(&school).await;
    let teacher = school.teacher("teacher-71", &c.own).await;
    let body = report_body(&[("chinese", 40)]);

    // Act
    let long_ago = teacher.put(&report_path(c.own.id, school.days_ago(100)), &body).await;
    let tomorrow = teacher.put(&report_path(c.own.id, days_after(school.today, 1)), &body).await;
    let neighbour = teacher.put(&report_path(c.same_grade.id, school.days_ago(1)), &body).await;

    // Assert
    assert_eq!(
        long_ago.expect_status(200, "100 days ago").json["report"]["recorded_by"],
        "teacher-71"
    );
    tomorrow.expect_invalid("future_date");
    neighbour.expect_error(403, "forbidden");
    assert_eq!(school.admin.report_on(c.same_grade.id, school.days_ago(1)).await, None);
    assert_reads(&teacher, "teacher", &c.own, 200).await;
    assert_reads(&teacher, "teacher", &c.same_grade, 403).await;
    assert_reads(&teacher, "teacher", &c.other_grade, 403).await;
    assert_comparison(&teacher, "teacher", school.school_id, 7, 200).await;
    assert_comparison(&teacher, "teacher", school.school_id, 8, 403).await;
}

#[tokio::test]
async fn a_grade_leader_reads_their_whole_grade_and_writes_nothing() {
    // Arrange
    let school = School::new().await;
    let c = classes(&school).await;
    let leader = school.grade_leader("leader-7", 7).await;
    let body = report_body(&[("math", 30)]);

    // Act
    let write = leader.put(&report_path(c.own.id, school.today), &body).await;

    // Assert
    write.expect_error(403, "forbidden");
    assert_eq!(school.admin.report_on(c.own.id, school.today).await, None);
    assert_reads(&leader, "grade leader", &c.own, 200).await;
    assert_reads(&leader, "grade leader", &c.same_grade, 200).await;
    assert_reads(&leader, "grade leader", &c.other_grade, 403).await;
    assert_comparison(&leader, "grade leader", school.school_id, 7, 200).await;
    assert_comparison(&leader, "grade leader", school.school_id, 8, 403).await;
}

#[tokio::test]
async fn an_admin_writes_and_reads_every_class_and_compares_every_grade() {
    // Arrange
    let school = School::new().await;
    let c = classes(&school).await;
    let body = report_body(&[("math", 30)]);

    for class in [&c.own, &c.same_grade, &c.other_grade] {
        // Act
        let write = school.admin.put(&report_path(class.id, school.days_ago(30)), &body).await;

        // Assert
        write.expect_status(200, "admin writes 30 days ago");
        assert_reads(&school.admin, "admin", class, 200).await;
    }
    for grade in 1..=9 {
        assert_comparison(&school.admin, "admin", school.school_id, grade, 200).await;
    }
}

#[tokio::test]
async fn nothing_crosses_schools() {
    // Arrange
    let school = School::new().await;
    let first = school.class(7, "7(1)").await;
    school.monitor("monitor-71", &first).await;
    let kept = school.admin.put_report(first.id, school.days_ago(1), &[("math", 30)]).await;
    school.server.add_school("Second School", "admin2", PASSWORD).await;
    let admin2 = school.server.login("admin2", PASSWORD).await;
    let me2 = admin2.me().await;
    let school2 = me2["school_id"].as_i64().expect("a school id");
    assert_eq!(me2["role"], "school_admin");
    assert_ne!(school2, school.school_id, "add-school made a new school");

    // Act + Assert: the second school starts empty and may reuse names.
    let listed = admin2.get("classes").await.expect_status(200, "GET classes").json;
    assert_eq!(listed, json!([]), "the second school sees the first school's classes");
    let second = admin2.create_class(7, "7(1)").await;

    // Neither admin reaches the other school's classes, reports, summaries or grades.
    let body = report_body(&[("math", 200)]);
    let pairs = [(&admin2, &first, school.school_id), (&school.admin, &second, school2)];
    for (api, class, other_school) in pairs {
        let who = format!("an admin of another school than {}", class.name);
        api.put(&report_path(class.id, school.today), &body).await.expect_error(403, "forbidden");
        assert_reads(api, &who, class, 403).await;
        assert_comparison(api, &who, other_school, 7, 403).await;
    }
    assert_eq!(school.admin.report_on(first.id, school.today).await, None);
    assert_eq!(admin2.report_on(second.id, school.today).await, None);
    let untouched = school.admin.report_on(first.id, school.days_ago(1)).await;
    assert_eq!(untouched.as_ref(), Some(&kept["report"]));

    // Accounts: no monitor of the other school's class; usernames are one namespace (login
    // asks only for a username).
    let ghost = json!({
        "username": "ghost-monitor", "password": PASSWORD, "display_name": "ghost",
        "role": "monitor", "class_id": first.id,
    });
    let response = admin2.post("users", &ghost).await;
    assert_eq!(
        (response.status, response.code()),
        (422, Some("unknown_class")),
        "{}",
        response.text
    );
    let twin = json!({
        "username": "monitor-71", "password": PASSWORD, "display_name": "twin",
        "role": "monitor", "class_id": second.id,
    });
    let response = admin2.post("users", &twin).await;
    assert_eq!(
        (response.status, response.code()),
        (422, Some("username_taken")),
        "{}",
        response.text
    );
    admin2.create_user("monitor-2-71", PASSWORD, "monitor", Scope::Class(second.id)).await;

    // Policies are per school.
    let mut policy = admin2.get("policy").await.expect_status(200, "GET policy").json;
    policy["limits"]["7"] = json!(30);
    admin2.put("policy", &policy).await.expect_status(200, "school 2 changes its policy");
    let first_policy = school.admin.get("policy").await.expect_status(200, "GET policy").json;
    assert_eq!(first_policy["limits"]["7"], 90);
}
