//! `POST /api/v1/users`: accounts for monitors, teachers, grade leaders and admins.

use crate::helpers::{PASSWORD, School};
use serde_json::{Value, json};

fn new_user(username: &str, role: &str) -> Value {
    json!({
        "username": username,
        "password": PASSWORD,
        "display_name": "小明",
        "role": role,
    })
}

#[tokio::test]
async fn an_admin_creates_a_monitor_who_can_then_log_in() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(2)").await;
    let mut body = new_user("monitor-72", "monitor");
    body["class_id"] = json!(class.id);

    // Act
    let response = school.admin.post("users", &body).await;

    // Assert
    let response = response.expect_status(201, "POST users");
    let user = &response.json;
    assert!(user["id"].is_i64(), "{user}");
    assert_eq!(user["username"], "monitor-72");
    assert_eq!(user["display_name"], "小明");
    assert_eq!(user["role"], "monitor");
    assert_eq!(user["school_id"], school.school_id);
    assert_eq!(user["class_id"], class.id);
    let fields = user.as_object().expect("the user is an object");
    assert!(
        fields.keys().all(|k| !k.contains("password")),
        "the answer carries a password field: {user}"
    );
    assert!(!response.text.contains(PASSWORD), "the answer carries the password");

    let login = school.server.api().login("monitor-72", PASSWORD).await;
    let me = login.expect_status(200, "the new monitor logs in").json;
    assert_eq!(me["id"], user["id"]);
    assert_eq!(me["role"], "monitor");
    assert_eq!(me["class_id"], class.id);
}

#[tokio::test]
async fn an_admin_creates_teachers_grade_leaders_and_admins() {
    // Arrange
    let school = School::new().await;
    let class = school.class(8, "8(1)").await;
    let mut teacher = new_user("teacher-81", "teacher");
    teacher["class_id"] = json!(class.id);
    let mut leader = new_user("leader-8", "grade_leader");
    leader["grade"] = json!(8);
    let admin = new_user("second.admin_2", "school_admin");

    for body in [teacher, leader, admin] {
        // Act
        let response = school.admin.post("users", &body).await;

        // Assert
        let user = response.expect_status(201, "POST users").json;
        assert_eq!(user["role"], body["role"]);
        let me = school
            .server
            .login(body["username"].as_str().unwrap_or_default(), PASSWORD)
            .await
            .me()
            .await;
        assert_eq!(me["role"], body["role"]);
        if body["role"] == "grade_leader" {
            assert_eq!(me["grade"], 8);
            assert!(me["class_id"].is_null());
        }
    }
}

#[tokio::test]
async fn each_invalid_account_is_refused_with_its_own_code_and_not_created() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let with = |username: &str, role: &str, extra: Value| {
        let mut body = new_user(username, role);
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            body[k] = v;
        }
        body
    };
    let cid = json!({ "class_id": class.id });
    let grade = |g: u8| json!({ "grade": g });
    // Each case's control: the same account with the one broken thing mended.
    let controls: Vec<Value> = vec![
        with("mo", "monitor", cid.clone()),
        with(&"m".repeat(40), "monitor", cid.clone()),
        with("mon-itor", "monitor", cid.clone()),
        with("mon.itor", "monitor", cid.clone()),
        with("not-admin", "monitor", cid.clone()),
        with("weak-monitor", "monitor", json!({ "class_id": class.id, "password": "tq8-mzv4" })),
        with("super-user", "school_admin", json!({})),
        with("lost-monitor", "monitor", cid.clone()),
        with("lost-teacher", "teacher", cid.clone()),
        with("lost-leader", "grade_leader", grade(9)),
        with("leader-ten", "grade_leader", grade(8)),
        with("ghost-monitor", "monitor", cid.clone()),
    ];
    let cases: Vec<(&str, Value, &str)> = vec![
        ("a one-letter username", with("m", "monitor", cid.clone()), "invalid_username"),
        ("a 41-letter username", with(&"m".repeat(41), "monitor", cid.clone()), "invalid_username"),
        ("a username with a space", with("mon itor", "monitor", cid.clone()), "invalid_username"),
        ("a username with a slash", with("mon/itor", "monitor", cid.clone()), "invalid_username"),
        ("a taken username", with("admin", "monitor", cid.clone()), "username_taken"),
        (
            "a 7-character password",
            with("weak-monitor", "monitor", json!({ "class_id": class.id, "password": "1234567" })),
            "weak_password",
        ),
        ("an unknown role", with("super-user", "superuser", json!({})), "invalid_role"),
        ("a monitor without a class", with("lost-monitor", "monitor", json!({})), "class_required"),
        ("a teacher without a class", with("lost-teacher", "teacher", json!({})), "class_required"),
        (
            "a grade leader without a grade",
            with("lost-leader", "grade_leader", json!({})),
            "grade_required",
        ),
        (
            "a grade leader of grade 10",
            with("leader-ten", "grade_leader", json!({ "grade": 10 })),
            "invalid_grade",
        ),
        (
            "a monitor of a class that does not exist",
            with("ghost-monitor", "monitor", json!({ "class_id": 999_999 })),
            "unknown_class",
        ),
    ];

    for (what, body, code) in &cases {
        // Act
        let response = school.admin.post("users", body).await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (422, Some(*code)),
            "{what}: {}",
            response.text
        );
    }
    for (what, body, _) in &cases {
        let username = body["username"].as_str().unwrap_or_default();
        if username == "admin" {
            continue;
        }
        let password = body["password"].as_str().unwrap_or_default();
        let login = school.server.api().login(username, password).await;
        assert_eq!(
            (login.status, login.code()),
            (401, Some("invalid_credentials")),
            "{what}: the refused account {username} can log in"
        );
    }
    assert_eq!(controls.len(), cases.len());
    for ((what, _, _), control) in cases.iter().zip(&controls) {
        let accepted = school.admin.post("users", control).await;
        accepted.expect_status(201, &format!("the control of {what}"));
    }
    // The boundaries are accepted: 2 and 40 characters, a password of exactly 8.
    let mut shortest = with("ab", "monitor", cid.clone());
    shortest["password"] = json!("tq8-mzv4");
    school.admin.post("users", &shortest).await.expect_status(201, "a 2-letter username");
    let longest = with(&"a.b_c-d".repeat(6)[..40], "monitor", cid);
    school.admin.post("users", &longest).await.expect_status(201, "a 40-letter username");
}

#[tokio::test]
async fn only_an_admin_may_create_accounts() {
    // Arrange
    let school = School::new().await;
    let class = school.class(9, "9(1)").await;
    let people = [
        ("monitor", school.monitor("monitor-91", &class).await),
        ("teacher", school.teacher("teacher-91", &class).await),
        ("grade leader", school.grade_leader("leader-9", 9).await),
    ];

    for (who, api) in &people {
        let mut body = new_user(&format!("made-by-{}", who.replace(' ', "-")), "monitor");
        body["class_id"] = json!(class.id);

        // Act
        let response = api.post("users", &body).await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (403, Some("forbidden")),
            "{who}: {}",
            response.text
        );
        let login = school
            .server
            .api()
            .login(body["username"].as_str().unwrap_or_default(), PASSWORD)
            .await;
        assert_eq!(
            (login.status, login.code()),
            (401, Some("invalid_credentials")),
            "{who} made an account after all"
        );
    }
}
