//! The public notice (作业公示): links a class teacher or admin creates, lists and revokes, and
//! the day's homework shown through one to anyone without a log-in, naming nobody.

use crate::helpers::School;
use crate::plans::{file, subject_teacher, written};
use serde_json::{Value, json};
use tests::Api;

async fn create_link(api: &Api, class_id: i64) -> Value {
    api.post_empty(&format!("classes/{class_id}/notice-links"))
        .await
        .expect_status(201, "creating a notice link")
        .json
}

#[tokio::test]
async fn a_parent_without_a_log_in_sees_the_days_homework_and_no_names() {
    let school = School::new().await;
    let class = school.class(7, "7(3)").await;
    let teacher = school.teacher("teacher-73", &class).await;
    file(&teacher, class.id, school.today, "math", &[written(20)]).await;
    let oral = json!({"content": "背诵古诗", "kind": "oral", "expected_minutes": 10});
    file(&teacher, class.id, school.today, "chinese", &[written(25), oral]).await;

    let link = create_link(&teacher, class.id).await;
    let token = link["token"].as_str().expect("a token").to_owned();
    assert!(link["id"].as_i64().is_some(), "{link}");
    assert!(token.len() >= 32, "at least 128 bits: {token}");
    assert!(
        link["url"].as_str().is_some_and(|u| u.ends_with(&format!("/notice/{token}"))),
        "{link}"
    );
    assert!(link["created_at"].as_str().is_some_and(|t| t.ends_with('Z')));

    let parent = school.server.api();
    let notice = parent
        .get(&format!("public/notices/{token}"))
        .await
        .expect_status(200, "the notice without a log-in")
        .json;
    let mut keys: Vec<&str> = notice.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "class_name",
            "date",
            "expected_written_minutes",
            "grade",
            "limit_minutes",
            "school_name",
            "status",
            "subjects"
        ]
    );
    assert_eq!(notice["class_name"], "7(3)");
    assert_eq!(notice["grade"], 7);
    assert_eq!(notice["date"], school.today.to_string());
    assert_eq!(notice["limit_minutes"], 90);
    assert_eq!(notice["status"], "open");
    assert_eq!(notice["expected_written_minutes"], 45);
    let subjects = notice["subjects"].as_array().unwrap();
    assert_eq!(subjects.len(), 2);
    let chinese = subjects.iter().find(|s| s["subject"] == "chinese").unwrap();
    let mut subject_keys: Vec<&str> =
        chinese.as_object().unwrap().keys().map(String::as_str).collect();
    subject_keys.sort_unstable();
    assert_eq!(subject_keys, ["expected_minutes", "items", "subject"]);
    assert_eq!(chinese["expected_minutes"], 25);
    assert_eq!(chinese["items"][1]["kind"], "oral");
    let text = notice.to_string();
    for secret in ["teacher-73", "(test)", "filed_by", "user_id", "version"] {
        assert!(!text.contains(secret), "the notice shows {secret:?}: {text}");
    }
    assert!(notice["school_name"].as_str().is_some_and(|s| !s.is_empty()));

    // Another day, by ?date=.
    let yesterday = school.days_ago(1);
    let empty = parent
        .get(&format!("public/notices/{token}?date={yesterday}"))
        .await
        .expect_status(200, "a day without plans")
        .json;
    assert_eq!((empty["status"].clone(), empty["subjects"].clone()), (json!("open"), json!([])));
    assert_eq!(empty["date"], yesterday.to_string());
    parent
        .get(&format!("public/notices/{token}?date=yesterday"))
        .await
        .expect_error(400, "bad_date");
}

#[tokio::test]
async fn a_day_waiting_for_approval_or_returned_shows_as_pending_without_its_homework() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let leader = school.grade_leader("leader-7", 7).await;
    let token = create_link(&school.admin, class.id).await["token"].as_str().unwrap().to_owned();
    let parent = school.server.api();
    let notice = |parent: &Api| {
        let (parent, path) = (parent.clone(), format!("public/notices/{token}"));
        async move { parent.get(&path).await.expect_status(200, "notice").json }
    };
    file(&school.admin, class.id, school.today, "math", &[written(100)]).await;
    let pending = notice(&parent).await;
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["subjects"], json!([]));
    assert!(!pending.to_string().contains("练习册"), "{pending}");

    let review = format!("classes/{}/plans/{}/review", class.id, school.today);
    leader
        .post(&review, &json!({"decision": "returned", "reason": "太多"}))
        .await
        .expect_status(200, "return");
    assert_eq!(notice(&parent).await["status"], "pending", "a returned day stays hidden");
    file(&school.admin, class.id, school.today, "math", &[written(95)]).await;
    leader.post(&review, &json!({"decision": "approved"})).await.expect_status(200, "approve");
    let approved = notice(&parent).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["subjects"][0]["expected_minutes"], 95);
    assert_eq!(approved["expected_written_minutes"], 95);
}

#[tokio::test]
async fn a_revoked_or_unknown_token_is_not_found_at_once() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let first = create_link(&teacher, class.id).await;
    let second = create_link(&teacher, class.id).await;
    assert_ne!(first["token"], second["token"]);
    let listed = teacher
        .get(&format!("classes/{}/notice-links", class.id))
        .await
        .expect_status(200, "list")
        .json;
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    assert!(listed[0].get("token").is_none(), "the token is shown only once: {listed}");
    assert_eq!(listed[0]["id"], first["id"]);

    let token = first["token"].as_str().unwrap();
    let parent = school.server.api();
    parent.get(&format!("public/notices/{token}")).await.expect_status(200, "live link");
    let path = format!("classes/{}/notice-links/{}", class.id, first["id"]);
    teacher.delete(&path).await.expect_status(204, "revoking");
    parent.get(&format!("public/notices/{token}")).await.expect_error(404, "notice_not_found");
    teacher.delete(&path).await.expect_status(204, "revoking again changes nothing");
    teacher
        .delete(&format!("classes/{}/notice-links/999999", class.id))
        .await
        .expect_error(404, "notice_link_not_found");
    let listed = teacher.get(&format!("classes/{}/notice-links", class.id)).await.json;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let other = second["token"].as_str().unwrap();
    parent.get(&format!("public/notices/{other}")).await.expect_status(200, "the other stays");
    parent
        .get(&format!("public/notices/{}", "0".repeat(64)))
        .await
        .expect_error(404, "notice_not_found");
    parent.get("public/notices/not-a-token").await.expect_error(404, "notice_not_found");
}

#[tokio::test]
async fn only_the_class_teacher_and_admins_manage_notice_links() {
    let school = School::new().await;
    let c71 = school.class(7, "7(1)").await;
    let c72 = school.class(7, "7(2)").await;
    let teacher = school.teacher("teacher-71", &c71).await;
    let monitor = school.monitor("monitor-71", &c71).await;
    let leader = school.grade_leader("leader-7", 7).await;
    let maths = subject_teacher(&school, "maths-7", &[(c71.id, "math")]).await;
    let path = |c: i64| format!("classes/{c}/notice-links");
    for api in [&monitor, &leader, &maths] {
        api.post_empty(&path(c71.id)).await.expect_error(403, "forbidden");
        api.get(&path(c71.id)).await.expect_error(403, "forbidden");
    }
    teacher.post_empty(&path(c72.id)).await.expect_error(403, "forbidden");
    school.server.api().post_empty(&path(c71.id)).await.expect_error(401, "not_logged_in");
    let link = create_link(&school.admin, c72.id).await;
    let revoke = format!("classes/{}/notice-links/{}", c72.id, link["id"]);
    teacher.delete(&revoke).await.expect_error(403, "forbidden");
    // A link id of another class is not that class's.
    let own = create_link(&teacher, c71.id).await;
    teacher
        .delete(&format!("classes/{}/notice-links/{}", c71.id, link["id"]))
        .await
        .expect_error(404, "notice_link_not_found");
    school.admin.delete(&revoke).await.expect_status(204, "admin revokes");
    assert!(own["token"].is_string());
    school.admin.post_empty(&path(999_999)).await.expect_error(404, "class_not_found");
    let log = school.admin.get("audit?limit=50").await.json;
    let actions: Vec<&str> =
        log["entries"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(
        actions.contains(&"notice.create") && actions.contains(&"notice.revoke"),
        "{actions:?}"
    );
}
