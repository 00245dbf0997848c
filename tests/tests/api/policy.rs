//! `GET` and `PUT /api/v1/policy`: the school's limits, window, drift thresholds and subjects.

use crate::helpers::School;
use serde_json::{Value, json};
use tests::setup::{report_body, report_path};

const DEFAULT_LIMITS: [(u8, u64); 9] =
    [(1, 0), (2, 0), (3, 60), (4, 60), (5, 60), (6, 60), (7, 90), (8, 90), (9, 90)];

/// The default policy with grade 7's limit at 80 and a 21-day window.
fn changed_policy(mut policy: Value) -> Value {
    policy["limits"]["7"] = json!(80);
    policy["window_days"] = json!(21);
    policy["drift_min_minutes"] = json!(15);
    policy
}

#[tokio::test]
async fn the_default_policy_is_the_national_double_reduction_rule() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let monitor = school.monitor("monitor-71", &class).await;

    // Act
    let policy = monitor.get("policy").await;

    // Assert
    let policy = policy.expect_status(200, "a monitor reads the policy").json;
    let limits = policy["limits"].as_object().expect("limits is an object");
    assert_eq!(limits.len(), 9, "limits: {policy}");
    for (grade, limit) in DEFAULT_LIMITS {
        assert_eq!(policy["limits"][grade.to_string()], limit, "grade {grade}: {policy}");
    }
    assert_eq!(policy["window_days"], 14);
    assert_eq!(policy["drift_ratio"], 0.2);
    assert_eq!(policy["drift_min_minutes"], 10);
    assert_eq!(policy["min_days"], 3);
    for grade in 1..=9 {
        let subjects = policy["subjects"][grade.to_string()]
            .as_array()
            .unwrap_or_else(|| panic!("no subjects for grade {grade}: {policy}"));
        assert!(!subjects.is_empty(), "grade {grade} has no subjects");
        assert!(subjects.iter().all(Value::is_string), "grade {grade}: {subjects:?}");
    }
    for subject in ["chinese", "math", "english"] {
        assert!(policy["subjects"]["7"].as_array().is_some_and(|s| s.contains(&json!(subject))));
    }
    let admin_view = school.admin.get("policy").await.expect_status(200, "admin reads").json;
    assert_eq!(admin_view, policy, "everyone in a school sees the same policy");
}

#[tokio::test]
async fn an_admin_changes_the_policy_and_everyone_sees_and_is_judged_by_it() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let current = school.admin.get("policy").await.expect_status(200, "GET policy").json;
    let wanted = changed_policy(current);

    // Act
    let response = school.admin.put("policy", &wanted).await;

    // Assert
    let response = response.expect_status(200, "PUT policy");
    assert_eq!(response.json, wanted, "PUT answers with the new policy");
    let seen = teacher.get("policy").await.expect_status(200, "teacher GET policy").json;
    assert_eq!(seen, wanted);
    let day = teacher.put_report(class.id, school.today, &[("math", 45), ("chinese", 40)]).await;
    let flags = day["flags"].as_array().expect("flags is a list");
    assert_eq!(flags.len(), 1, "85 minutes is over the new limit of 80: {day}");
    assert_eq!(flags[0]["kind"], "over_daily_limit");
    assert_eq!(flags[0]["limit_minutes"], 80);
}

#[tokio::test]
async fn an_invalid_policy_is_refused_with_invalid_policy_and_the_old_one_stays() {
    // Arrange
    let school = School::new().await;
    let before = school.admin.get("policy").await.expect_status(200, "GET policy").json;
    // The positive control: every case breaks one thing of this policy, which is accepted as
    // it is (and changes nothing).
    let control = school.admin.put("policy", &before).await.expect_status(200, "the control");
    assert_eq!(
        school.admin.get("policy").await.expect_status(200, "GET policy").json,
        before,
        "the policy as read is not the policy as written: {}",
        control.text
    );
    let broken: Vec<(&str, Value)> = vec![
        ("a grade without a limit", {
            let mut p = before.clone();
            p["limits"].as_object_mut().expect("limits").remove("4");
            p
        }),
        ("a limit over 600", {
            let mut p = before.clone();
            p["limits"]["7"] = json!(601);
            p
        }),
        ("a window of 0 days", {
            let mut p = before.clone();
            p["window_days"] = json!(0);
            p
        }),
        ("a window over 366 days", {
            let mut p = before.clone();
            p["window_days"] = json!(367);
            p
        }),
        ("a drift ratio over 1", {
            let mut p = before.clone();
            p["drift_ratio"] = json!(1.5);
            p
        }),
        ("min_days longer than the window", {
            let mut p = before.clone();
            p["min_days"] = json!(15);
            p
        }),
        ("a grade with no subjects", {
            let mut p = before.clone();
            p["subjects"]["3"] = json!([]);
            p
        }),
        ("a subject listed twice", {
            let mut p = before.clone();
            p["subjects"]["5"] = json!(["math", "math"]);
            p
        }),
    ];

    for (what, policy) in broken {
        // Act
        let response = school.admin.put("policy", &policy).await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (422, Some("invalid_policy")),
            "{what}: {}",
            response.text
        );
        let after = school.admin.get("policy").await.expect_status(200, "GET policy").json;
        assert_eq!(after, before, "{what} changed the policy");
    }
}

#[tokio::test]
async fn only_an_admin_may_change_the_policy() {
    // Arrange
    let school = School::new().await;
    let class = school.class(8, "8(1)").await;
    let people = [
        ("monitor", school.monitor("monitor-81", &class).await),
        ("teacher", school.teacher("teacher-81", &class).await),
        ("grade leader", school.grade_leader("leader-8", 8).await),
    ];
    let before = school.admin.get("policy").await.expect_status(200, "GET policy").json;
    let wanted = changed_policy(before.clone());

    for (who, api) in &people {
        // Act
        let response = api.put("policy", &wanted).await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (403, Some("forbidden")),
            "{who}: {}",
            response.text
        );
    }
    let after = school.admin.get("policy").await.expect_status(200, "GET policy").json;
    assert_eq!(after, before);
    // The policy still judges by the old limit.
    let day = school.admin.put_report(class.id, school.today, &[("math", 85)]).await;
    assert_eq!(day["flags"], json!([]), "85 minutes is within grade 8's 90");
}

#[tokio::test]
async fn the_subjects_of_the_policy_are_the_ones_a_report_may_name() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let mut policy = school.admin.get("policy").await.expect_status(200, "GET policy").json;
    policy["subjects"]["7"] = json!(["math", "pe"]);
    school.admin.put("policy", &policy).await.expect_status(200, "PUT policy");
    let path = report_path(class.id, school.today);

    // Act
    let with_pe = school.admin.put(&path, &report_body(&[("pe", 20), ("math", 10)])).await;
    let with_chinese = school.admin.put(&path, &report_body(&[("chinese", 20)])).await;

    // Assert
    with_pe.expect_status(200, "pe is a grade-7 subject now");
    with_chinese.expect_invalid("unknown_subject");
    let stored = school.admin.report_on(class.id, school.today).await.expect("a report");
    assert_eq!(stored["total_minutes"], 30);
}
