//! Class tablets: a teacher issues a device code for their class, the tablet signs in with it as
//! the class's own monitor account, and revoking the code ends the tablet's sessions.

use crate::helpers::{PASSWORD, School};
use serde_json::{Value, json};
use tests::setup::{Scope, report_body, report_path};
use tests::{Api, Class};

/// Whether a code looks like `4827-1930-5521`.
fn is_code(code: &str) -> bool {
    let groups: Vec<&str> = code.split('-').collect();
    groups.len() == 3
        && groups.iter().all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// A school with classes 7(1) and 7(2) and the teacher of 7(1).
async fn classroom() -> (School, Class, Class, Api) {
    let school = School::new().await;
    let own = school.class(7, "7(1)").await;
    let other = school.class(7, "7(2)").await;
    let teacher = school.teacher("teacher-71", &own).await;
    (school, own, other, teacher)
}

#[tokio::test]
async fn a_teacher_issues_codes_for_their_own_class_only_and_sees_them_only_once() {
    // Arrange
    let (school, own, other, teacher) = classroom().await;
    let monitor = school.monitor("monitor-71", &own).await;
    let leader = school.grade_leader("leader-7", 7).await;

    // Act
    let issued = teacher
        .post(&format!("classes/{}/tablet-codes", own.id), &json!({"label": "教室平板"}))
        .await;
    let unlabelled = teacher.post(&format!("classes/{}/tablet-codes", own.id), &json!({})).await;
    let elsewhere = teacher.post(&format!("classes/{}/tablet-codes", other.id), &json!({})).await;

    // Assert
    let issued = issued.expect_status(201, "issuing").json;
    let code = issued["code"].as_str().unwrap_or_default().to_owned();
    assert!(is_code(&code), "a code like 4827-1930-5521, got {issued}");
    assert_eq!(issued["class_id"], own.id);
    assert_eq!(issued["label"], "教室平板");
    assert!(issued["id"].is_i64() && issued["created_at"].is_string(), "{issued}");
    let unlabelled = unlabelled.expect_status(201, "a code without a label").json;
    assert_ne!(unlabelled["code"], issued["code"], "two codes alike");
    elsewhere.expect_error(403, "forbidden");
    for (who, api) in [("monitor", &monitor), ("grade leader", &leader)] {
        let response = api.post(&format!("classes/{}/tablet-codes", own.id), &json!({})).await;
        assert_eq!(
            (response.status, response.code()),
            (403, Some("forbidden")),
            "{who}: {}",
            response.text
        );
    }
    school.admin.issue_tablet_code(other.id, "by the admin").await;

    let listed =
        teacher.get(&format!("classes/{}/tablet-codes", own.id)).await.expect_status(200, "list");
    let codes = listed.json.as_array().cloned().unwrap_or_default();
    assert_eq!(codes.len(), 2, "{}", listed.text);
    for entry in &codes {
        assert!(entry.get("code").is_none_or(Value::is_null), "the list shows a code: {entry}");
        assert_eq!(entry["revoked"], false);
        assert_eq!(entry["last_used_at"], Value::Null);
        assert_eq!(entry["class_id"], own.id);
    }
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    assert!(!listed.text.contains(&code) && !listed.text.contains(&digits), "{}", listed.text);
}

#[tokio::test]
async fn a_day_entered_on_a_tablet_is_credited_to_the_tablets_label_not_its_account() {
    // Arrange: two tablets of one class, one labelled, one not.
    let (school, own, _, teacher) = classroom().await;
    let (_, labelled) = teacher.issue_tablet_code(own.id, "后排平板").await;
    let (_, unlabelled) = teacher.issue_tablet_code(own.id, "").await;
    let back_row = school.server.api();
    back_row.tablet_sign_in(&labelled).await.expect_status(200, "signing in");
    let plain = school.server.api();
    plain.tablet_sign_in(&unlabelled).await.expect_status(200, "signing in");
    let body = report_body(&[("math", 25)]);

    // Act
    let today = back_row.put(&report_path(own.id, school.today), &body).await;
    let yesterday = plain.put(&report_path(own.id, school.days_ago(1)), &body).await;
    let by_teacher = teacher.put(&report_path(own.id, school.days_ago(2)), &body).await;

    // Assert
    let today = today.expect_status(200, "the labelled tablet").json;
    assert_eq!(today["report"]["recorded_by"], "后排平板", "{today}");
    let yesterday = yesterday.expect_status(200, "the unlabelled tablet").json;
    assert_eq!(yesterday["report"]["recorded_by"], "班级平板", "{yesterday}");
    let by_teacher = by_teacher.expect_status(200, "the teacher").json;
    assert_eq!(by_teacher["report"]["recorded_by"], "teacher-71", "{by_teacher}");
    let listed = teacher
        .get(&format!("classes/{}/reports?from={}&to={}", own.id, school.days_ago(2), school.today))
        .await
        .expect_status(200, "the class's days");
    assert!(!listed.text.contains("tablet-"), "an account name shown: {}", listed.text);
}

#[tokio::test]
async fn the_tablet_signs_in_as_its_class_monitor_and_writes_only_within_the_monitor_window() {
    // Arrange
    let (school, own, other, teacher) = classroom().await;
    let (code_id, code) = teacher.issue_tablet_code(own.id, "教室平板").await;
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    let spaced = code.replace('-', " ");
    let tablet = school.server.api();

    // Act
    let signed_in = tablet.tablet_sign_in(&code).await;
    let other_tablets = [
        school.server.api().tablet_sign_in(&digits).await,
        school.server.api().tablet_sign_in(&spaced).await,
    ];

    // Assert
    let signed_in = signed_in.expect_status(200, "signing in").json;
    let username = format!("tablet-{}", own.id);
    assert_eq!(signed_in["username"], username.as_str());
    assert_eq!(signed_in["role"], "monitor");
    assert_eq!(signed_in["class_id"], own.id);
    assert_eq!(signed_in["grade"], 7);
    for response in other_tablets {
        let me = response.clone().expect_status(200, "a code typed without dashes").json;
        assert_eq!(me["id"], signed_in["id"], "the same class account");
        let cookie = response.session_cookie().unwrap_or_default().to_ascii_lowercase();
        assert!(cookie.contains("httponly") && cookie.contains("samesite=strict"), "{cookie}");
    }
    let body = report_body(&[("math", 25)]);
    let today = tablet.put(&report_path(own.id, school.today), &body).await;
    assert_eq!(today.expect_status(200, "today").json["report"]["recorded_by"], "教室平板");
    tablet
        .put(&report_path(own.id, school.days_ago(7)), &body)
        .await
        .expect_status(200, "7 days ago");
    tablet
        .put(&report_path(own.id, school.days_ago(8)), &body)
        .await
        .expect_invalid("outside_edit_window");
    tablet.put(&report_path(other.id, school.today), &body).await.expect_error(403, "forbidden");
    tablet.get(&format!("classes/{}/reports", other.id)).await.expect_error(403, "forbidden");
    let comparison = format!("schools/{}/grades/7/comparison", school.school_id);
    tablet.get(&comparison).await.expect_error(403, "forbidden");
    assert_eq!(school.admin.report_on(own.id, school.days_ago(8)).await, None);
    assert_eq!(school.admin.report_on(other.id, school.today).await, None);
    let listed = teacher.get(&format!("classes/{}/tablet-codes", own.id)).await.json;
    let used = listed.as_array().into_iter().flatten().find(|c| c["id"] == code_id);
    assert!(used.is_some_and(|c| c["last_used_at"].is_string()), "last_used_at: {listed}");

    // Wrong and malformed codes are refused alike.
    let wrong_digit = format!("{}{}", &digits[..11], (digits.as_bytes()[11] - b'0' + 1) % 10);
    for guess in [wrong_digit.as_str(), &digits[..11], "abcd-efgh-ijkl", ""] {
        let response = school.server.api().tablet_sign_in(guess).await;
        response.expect_error(401, "invalid_credentials");
    }
}

#[tokio::test]
async fn revoking_a_code_ends_the_sessions_signed_in_with_it_and_the_code_stops_working() {
    // Arrange
    let (school, own, _, teacher) = classroom().await;
    let (revoked_id, revoked_code) = teacher.issue_tablet_code(own.id, "front").await;
    let (_, kept_code) = teacher.issue_tablet_code(own.id, "back").await;
    let front = school.server.api();
    front.tablet_sign_in(&revoked_code).await.expect_status(200, "front tablet");
    let back = school.server.api();
    back.tablet_sign_in(&kept_code).await.expect_status(200, "back tablet");

    // Act
    let revoked = teacher.delete(&format!("classes/{}/tablet-codes/{revoked_id}", own.id)).await;

    // Assert
    revoked.expect_status(204, "revoking");
    front.get("me").await.expect_error(401, "not_logged_in");
    let write = front.put(&report_path(own.id, school.today), &report_body(&[("math", 5)])).await;
    write.expect_error(401, "not_logged_in");
    back.get("me").await.expect_status(200, "a tablet signed in with another code");
    school
        .server
        .api()
        .tablet_sign_in(&revoked_code)
        .await
        .expect_error(401, "invalid_credentials");
    let listed = teacher.get(&format!("classes/{}/tablet-codes", own.id)).await.json;
    let entry = listed.as_array().into_iter().flatten().find(|c| c["id"] == revoked_id);
    assert_eq!(entry.map(|c| c["revoked"].clone()), Some(json!(true)), "{listed}");
    assert_eq!(school.admin.report_on(own.id, school.today).await, None);
}

#[tokio::test]
async fn a_tablet_account_has_no_password_to_log_in_with_or_change() {
    // Arrange
    let (school, own, _, teacher) = classroom().await;
    let (_, code) = teacher.issue_tablet_code(own.id, "教室平板").await;
    let tablet = school.server.api();
    let me = tablet.tablet_sign_in(&code).await.expect_status(200, "signing in").json;
    let username = format!("tablet-{}", own.id);
    let tablet_id = me["id"].as_i64().expect("an id");

    // Act
    let change = tablet
        .put(
            "me/password",
            &json!({"current_password": "anything-at-all", "new_password": "tablet-password-1"}),
        )
        .await;
    let logins = [
        school.server.api().login(&username, "anything-at-all").await,
        school.server.api().login(&username, "tablet-password-1").await,
    ];
    let reset = school
        .admin
        .post(&format!("users/{tablet_id}/password"), &json!({"password": "tablet-password-1"}))
        .await;

    // Assert
    change.expect_error(403, "forbidden");
    for login in logins {
        login.expect_error(401, "invalid_credentials");
    }
    // A tablet account is not among the users an admin manages.
    reset.expect_error(404, "user_not_found");
    school
        .server
        .api()
        .login(&username, "tablet-password-1")
        .await
        .expect_error(401, "invalid_credentials");
    tablet.get("me").await.expect_status(200, "the tablet's session");

    // Nobody may make an account that passes for a class tablet.
    let impostor = json!({
        "username": format!("tablet-{}", own.id + 1), "password": PASSWORD,
        "display_name": "impostor", "role": "monitor", "class_id": own.id,
    });
    school.admin.post("users", &impostor).await.expect_invalid("invalid_username");
    let roster = format!("grade,class,role,username\n7,7(1),monitor,tablet-{}\n", own.id + 1);
    let imported = school.admin.upload("roster/import", "r.csv", roster.as_bytes()).await;
    imported.expect_error(422, "roster_invalid");
    let teacher_id =
        school.admin.create_user("tablet.fan", PASSWORD, "teacher", Scope::Class(own.id)).await;
    assert!(teacher_id > 0, "a username merely containing the word is fine");
}

#[tokio::test]
async fn the_code_of_an_archived_class_no_longer_signs_in() {
    // Arrange
    let (school, own, _, teacher) = classroom().await;
    let (_, code) = teacher.issue_tablet_code(own.id, "教室平板").await;
    school.admin.patch(&format!("classes/{}", own.id), &json!({"archived": true})).await;

    // Act
    let response = school.server.api().tablet_sign_in(&code).await;

    // Assert
    response.expect_error(401, "invalid_credentials");
}
