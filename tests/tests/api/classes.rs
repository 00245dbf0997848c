//! `GET` and `POST /api/v1/classes`: who sees which classes, and making new ones.

use crate::helpers::School;
use serde_json::{Value, json};
use tests::Api;

/// The names of the classes a person sees, sorted.
async fn class_names(api: &Api) -> Vec<String> {
    let response = api.get("classes").await.expect_status(200, "GET classes");
    let mut names: Vec<String> = response
        .json
        .as_array()
        .unwrap_or_else(|| panic!("GET classes is not a list: {}", response.text))
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn an_admin_creates_a_class_and_finds_it_in_the_list() {
    // Arrange
    let school = School::new().await;

    // Act
    let response = school.admin.post("classes", &json!({ "grade": 7, "name": "7(3)" })).await;

    // Assert
    let created = response.expect_status(201, "POST classes").json;
    assert!(created["id"].is_i64(), "{created}");
    assert_eq!(created["school_id"], school.school_id);
    assert_eq!(created["grade"], 7);
    assert_eq!(created["name"], "7(3)");
    let listed = school.admin.get("classes").await.expect_status(200, "GET classes").json;
    assert_eq!(listed, json!([created]));
}

#[tokio::test]
async fn each_role_lists_only_the_classes_it_may_see() {
    // Arrange
    let school = School::new().await;
    let c71 = school.class(7, "7(1)").await;
    let c72 = school.class(7, "7(2)").await;
    school.class(8, "8(1)").await;
    school.class(9, "9(1)").await;
    let monitor = school.monitor("monitor-72", &c72).await;
    let teacher = school.teacher("teacher-71", &c71).await;
    let leader = school.grade_leader("leader-7", 7).await;

    // Act
    let admin_sees = class_names(&school.admin).await;
    let leader_sees = class_names(&leader).await;
    let teacher_sees = class_names(&teacher).await;
    let monitor_sees = class_names(&monitor).await;

    // Assert
    assert_eq!(admin_sees, ["7(1)", "7(2)", "8(1)", "9(1)"]);
    assert_eq!(leader_sees, ["7(1)", "7(2)"]);
    assert_eq!(teacher_sees, ["7(1)"]);
    assert_eq!(monitor_sees, ["7(2)"]);
}

#[tokio::test]
async fn a_class_with_a_bad_grade_or_name_or_a_taken_name_is_refused() {
    // Arrange
    let school = School::new().await;
    school.class(7, "7(1)").await;
    // Each case breaks one thing of its control, which is then accepted as sent (after the
    // refusal, so that the class it makes cannot be why the case was refused).
    let cases: [(&str, Value, Value, &str); 5] = [
        (
            "grade 0",
            json!({"grade": 0, "name": "0(1)"}),
            json!({"grade": 7, "name": "0(1)"}),
            "invalid_grade",
        ),
        (
            "grade 10",
            json!({"grade": 10, "name": "10(1)"}),
            json!({"grade": 9, "name": "10(1)"}),
            "invalid_grade",
        ),
        (
            "an empty name",
            json!({"grade": 7, "name": ""}),
            json!({"grade": 7, "name": "7(3)"}),
            "invalid_name",
        ),
        (
            "a blank name",
            json!({"grade": 7, "name": "   "}),
            json!({"grade": 7, "name": "7(4)"}),
            "invalid_name",
        ),
        (
            "a name already taken",
            json!({"grade": 7, "name": "7(1)"}),
            json!({"grade": 7, "name": "7(5)"}),
            "class_name_taken",
        ),
    ];

    for (what, body, control, code) in cases {
        // Act
        let response = school.admin.post("classes", &body).await;
        let names = class_names(&school.admin).await;
        let accepted = school.admin.post("classes", &control).await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (422, Some(code)),
            "{what}: {}",
            response.text
        );
        let stored = names.iter().filter(|n| Some(n.as_str()) == body["name"].as_str()).count();
        assert!(stored <= usize::from(code == "class_name_taken"), "{what} was stored: {names:?}");
        accepted.expect_status(201, &format!("the control of {what}"));
    }
    let names = class_names(&school.admin).await;
    assert_eq!(
        names,
        ["0(1)", "10(1)", "7(1)", "7(3)", "7(4)", "7(5)"],
        "a refused class was stored"
    );
}

#[tokio::test]
async fn only_an_admin_may_create_classes() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let people = [
        ("monitor", school.monitor("monitor-71", &class).await),
        ("teacher", school.teacher("teacher-71", &class).await),
        ("grade leader", school.grade_leader("leader-7", 7).await),
    ];

    for (who, api) in &people {
        // Act
        let response =
            api.post("classes", &json!({ "grade": 7, "name": format!("7 by {who}") })).await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (403, Some("forbidden")),
            "{who}: {}",
            response.text
        );
    }
    assert_eq!(class_names(&school.admin).await, ["7(1)"]);
}
