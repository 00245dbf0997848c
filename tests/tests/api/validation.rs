//! A day report that is well-formed but invalid gets `422` with its own code, and changes
//! nothing: the report stored before is still there, exactly as it was.

use crate::helpers::School;
use serde_json::{Value, json};
use tests::setup::{days_after, entries_json, report_body, report_path};

fn with_note(entries: &[(&str, i64)], note: &str) -> Value {
    json!({ "entries": entries_json(entries), "note": note })
}

fn with_client_id(entries: &[(&str, i64)], client_id: &str) -> Value {
    json!({ "entries": entries_json(entries), "client_id": client_id })
}

#[tokio::test]
async fn each_invalid_day_is_refused_with_its_code_and_stores_nothing() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let day = school.days_ago(1);
    let stored = school.admin.put_report(class.id, day, &[("math", 30), ("chinese", 20)]).await;
    let mut before = stored["report"].clone();
    // Each case's control: the same day with the one broken thing mended, accepted as sent.
    let controls: Vec<Value> = vec![
        report_body(&[("math", 10)]),
        report_body(&[("math", 10)]),
        report_body(&[("english", 10)]),
        report_body(&[("math", 10), ("chinese", 20)]),
        report_body(&[("math", 240)]),
        report_body(&[("math", 0)]),
        report_body(&[("math", 10)]),
        report_body(&[("chinese", 240), ("math", 240), ("english", 120)]),
        with_note(&[("math", 5)], &"x".repeat(500)),
        with_client_id(&[("math", 5)], &"c".repeat(64)),
    ];
    let cases: Vec<(&str, Value, &str)> = vec![
        ("a subject grade 7 does not have", report_body(&[("chemistry", 10)]), "unknown_subject"),
        ("a subject key in capitals", report_body(&[("Math", 10)]), "unknown_subject"),
        ("a made-up subject", report_body(&[("<b>x</b>", 10)]), "unknown_subject"),
        ("a subject listed twice", report_body(&[("math", 10), ("math", 20)]), "duplicate_subject"),
        ("241 minutes", report_body(&[("math", 241)]), "minutes_out_of_range"),
        ("-1 minutes", report_body(&[("math", -1)]), "minutes_out_of_range"),
        ("ten billion minutes", report_body(&[("math", 10_000_000_000)]), "minutes_out_of_range"),
        (
            "a day of 601 minutes",
            report_body(&[("chinese", 240), ("math", 240), ("english", 121)]),
            "day_total_too_large",
        ),
        ("a note of 501 characters", with_note(&[("math", 5)], &"x".repeat(501)), "note_too_long"),
        (
            "a client_id of 65 characters",
            with_client_id(&[("math", 5)], &"c".repeat(65)),
            "invalid_client_id",
        ),
    ];

    assert_eq!(controls.len(), cases.len());
    for ((what, body, code), control) in cases.into_iter().zip(controls) {
        // Act
        let response = school.admin.put(&report_path(class.id, day), &body).await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (422, Some(code)),
            "{what}: {}",
            response.text
        );
        response.expect_invalid(code);
        let after = school.admin.report_on(class.id, day).await;
        assert_eq!(after.as_ref(), Some(&before), "{what} changed the stored report");
        let accepted = school.admin.put(&report_path(class.id, day), &control).await;
        before =
            accepted.expect_status(200, &format!("the control of {what}")).json["report"].clone();
    }
}

#[tokio::test]
async fn the_limits_themselves_are_accepted() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let path = report_path(class.id, school.today);
    let accepted: Vec<(&str, Value)> = vec![
        ("240 minutes in one subject", report_body(&[("math", 240)])),
        (
            "a day of exactly 600 minutes",
            report_body(&[("chinese", 240), ("math", 240), ("english", 120)]),
        ),
        ("a note of 500 Chinese characters", with_note(&[("math", 5)], &"作".repeat(500))),
        ("a client_id of 64 characters", with_client_id(&[("math", 5)], &"c".repeat(64))),
    ];

    for (what, body) in accepted {
        // Act
        let response = school.admin.put(&path, &body).await;

        // Assert
        response.expect_status(200, what);
    }
}

#[tokio::test]
async fn every_problem_of_a_day_is_listed_not_just_the_first() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let body = report_body(&[("art", 1), ("math", 999), ("math", 1)]);

    // Act
    let response = school.admin.put(&report_path(class.id, school.today), &body).await;

    // Assert
    let response = response.expect_invalid("unknown_subject");
    assert_eq!(
        response.problem_codes(),
        ["unknown_subject", "minutes_out_of_range", "duplicate_subject"]
    );
    assert_eq!(school.admin.report_on(class.id, school.today).await, None);
}

#[tokio::test]
async fn a_single_problem_is_listed_in_problems_too() {
    // Arrange: a client that shows `problems` beside the fields must not need a special case
    // for a report with one problem.
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let body = report_body(&[("math", 241)]);

    // Act
    let response = school.admin.put(&report_path(class.id, school.today), &body).await;

    // Assert
    let response = response.expect_error(422, "minutes_out_of_range");
    assert_eq!(
        response.problem_codes(),
        ["minutes_out_of_range"],
        "a 422 validation error lists its problems: {}",
        response.text
    );
}

#[tokio::test]
async fn a_future_date_is_refused_for_everyone() {
    // Arrange
    let school = School::new().await;
    let class = school.class(8, "8(1)").await;
    let teacher = school.teacher("teacher-81", &class).await;
    let tomorrow = days_after(school.today, 1);
    let body = report_body(&[("math", 10)]);

    for (who, api) in [("admin", &school.admin), ("teacher", &teacher)] {
        // Act
        let response = api.put(&report_path(class.id, tomorrow), &body).await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (422, Some("future_date")),
            "{who}: {}",
            response.text
        );
    }
    let stored = school.admin.reports(class.id, school.days_ago(1), tomorrow).await;
    assert!(stored.is_empty(), "{stored:?}");
}
