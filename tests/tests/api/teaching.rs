//! Subject teachers (任课教师) and teaching assignments: created with `teaching`, changed by
//! `PATCH`, shown in `User` and `Me`, checked against the school's classes and their grades'
//! subjects; a subject teacher reads its classes' summaries and nothing else of the school.

use crate::helpers::{PASSWORD, School};
use crate::plans::subject_teacher;
use serde_json::{Value, json};

fn new_user(username: &str, role: &str, teaching: Option<Value>) -> Value {
    let mut body = json!({
        "username": username, "password": PASSWORD, "display_name": "王老师", "role": role,
    });
    if let Some(t) = teaching {
        body["teaching"] = t;
    }
    body
}

#[tokio::test]
async fn a_subject_teacher_needs_teaching_and_carries_it_in_user_and_me() {
    let school = School::new().await;
    let c71 = school.class(7, "7(1)").await;
    let c72 = school.class(7, "7(2)").await;
    school
        .admin
        .post("users", &new_user("wang", "subject_teacher", None))
        .await
        .expect_invalid("teaching_required");
    school
        .admin
        .post("users", &new_user("wang", "subject_teacher", Some(json!([]))))
        .await
        .expect_invalid("teaching_required");
    let teaching =
        json!([{"class_id": c72.id, "subject": "math"}, {"class_id": c71.id, "subject": "math"}]);
    let user = school
        .admin
        .post("users", &new_user("wang", "subject_teacher", Some(teaching)))
        .await
        .expect_status(201, "a subject teacher with teaching")
        .json;
    assert_eq!(user["role"], "subject_teacher");
    assert_eq!(user["class_id"], Value::Null);
    assert_eq!(user["teaching"].as_array().map(Vec::len), Some(2));
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());

    let wang = school.server.login("wang", PASSWORD).await;
    let me = wang.me().await;
    assert_eq!(me["role"], "subject_teacher");
    let mut pairs: Vec<(i64, String)> = me["teaching"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["class_id"].as_i64().unwrap(), t["subject"].as_str().unwrap().to_owned()))
        .collect();
    pairs.sort();
    assert_eq!(pairs, [(c71.id, "math".to_owned()), (c72.id, "math".to_owned())]);

    // Accounts without assignments show an empty list.
    let admin_me = school.admin.me().await;
    assert_eq!(admin_me["teaching"], json!([]));
    let listed = school.admin.get("users").await.expect_status(200, "GET users").json;
    for u in listed.as_array().unwrap() {
        let expected = if u["username"] == "wang" { 2 } else { 0 };
        assert_eq!(u["teaching"].as_array().map(Vec::len), Some(expected), "{u}");
    }
}

#[tokio::test]
async fn a_class_teacher_may_teach_a_subject_elsewhere_too() {
    let school = School::new().await;
    let c71 = school.class(7, "7(1)").await;
    let c72 = school.class(7, "7(2)").await;
    let mut body =
        new_user("li", "teacher", Some(json!([{"class_id": c72.id, "subject": "english"}])));
    body["class_id"] = json!(c71.id);
    let user = school.admin.post("users", &body).await.expect_status(201, "a teacher").json;
    assert_eq!(user["teaching"], json!([{"class_id": c72.id, "subject": "english"}]));
    let li = school.server.login("li", PASSWORD).await;
    let path = crate::plans::plan_path(c72.id, school.today, "english");
    li.put(&path, &crate::plans::items(&[crate::plans::written(20)]))
        .await
        .expect_status(200, "filing the subject taught in another class");
    let other = crate::plans::plan_path(c72.id, school.today, "math");
    li.put(&other, &crate::plans::items(&[crate::plans::written(20)]))
        .await
        .expect_error(403, "forbidden");
    let classes = li.get("classes").await.expect_status(200, "GET classes").json;
    assert_eq!(classes.as_array().map(Vec::len), Some(2), "{classes}");
}

#[tokio::test]
async fn teaching_names_a_class_of_the_school_and_a_subject_of_its_grade() {
    let school = School::new().await;
    let c71 = school.class(7, "7(1)").await;
    school.server.add_school("Second School", "admin2", PASSWORD).await;
    let admin2 = school.server.login("admin2", PASSWORD).await;
    let foreign = admin2.create_class(7, "7(1)").await;
    let with = |t: Value| new_user("zhao", "subject_teacher", Some(t));
    school
        .admin
        .post("users", &with(json!([{"class_id": foreign.id, "subject": "math"}])))
        .await
        .expect_invalid("unknown_class");
    school
        .admin
        .post("users", &with(json!([{"class_id": 999_999, "subject": "math"}])))
        .await
        .expect_invalid("unknown_class");
    school
        .admin
        .post("users", &with(json!([{"class_id": c71.id, "subject": "physics"}])))
        .await
        .expect_invalid("unknown_subject");
    school
        .admin
        .post("users", &with(json!([{"class_id": c71.id, "subject": "biology"}])))
        .await
        .expect_status(201, "grade 7 has biology");
    school
        .admin
        .post(
            "users",
            &new_user(
                "mon",
                "grade_leader",
                Some(json!([{"class_id": c71.id, "subject": "math"}])),
            ),
        )
        .await
        .expect_status(422, "a grade leader carries no teaching");
}

#[tokio::test]
async fn patch_replaces_the_teaching_list() {
    let school = School::new().await;
    let c71 = school.class(7, "7(1)").await;
    let c72 = school.class(7, "7(2)").await;
    let user = school
        .admin
        .post(
            "users",
            &new_user(
                "wang",
                "subject_teacher",
                Some(json!([{"class_id": c71.id, "subject": "math"}])),
            ),
        )
        .await
        .expect_status(201, "create")
        .json;
    let id = user["id"].as_i64().unwrap();
    let replaced = school
        .admin
        .patch(
            &format!("users/{id}"),
            &json!({"teaching": [{"class_id": c72.id, "subject": "chinese"}]}),
        )
        .await
        .expect_status(200, "PATCH teaching")
        .json;
    assert_eq!(replaced["teaching"], json!([{"class_id": c72.id, "subject": "chinese"}]));
    school
        .admin
        .patch(&format!("users/{id}"), &json!({"teaching": []}))
        .await
        .expect_invalid("teaching_required");
    school
        .admin
        .patch(
            &format!("users/{id}"),
            &json!({"teaching": [{"class_id": c72.id, "subject": "physics"}]}),
        )
        .await
        .expect_invalid("unknown_subject");
    let renamed = school
        .admin
        .patch(&format!("users/{id}"), &json!({"display_name": "王老师"}))
        .await
        .expect_status(200, "PATCH without teaching keeps it")
        .json;
    assert_eq!(renamed["teaching"], json!([{"class_id": c72.id, "subject": "chinese"}]));
    let wang = school.server.login("wang", PASSWORD).await;
    wang.put(
        &crate::plans::plan_path(c71.id, school.today, "math"),
        &crate::plans::items(&[crate::plans::written(10)]),
    )
    .await
    .expect_error(403, "forbidden");
    let log = school.admin.get("audit?action=user.teaching").await.expect_status(200, "audit").json;
    assert!(!log["entries"].as_array().unwrap().is_empty(), "{log}");
}

#[tokio::test]
async fn a_subject_teacher_reads_its_classes_summaries_and_reports_and_writes_no_report() {
    let school = School::new().await;
    let c71 = school.class(7, "7(1)").await;
    let c72 = school.class(7, "7(2)").await;
    let wang = subject_teacher(&school, "wang", &[(c71.id, "math")]).await;
    wang.get(&format!("classes/{}/summary", c71.id)).await.expect_status(200, "own class");
    wang.get(&format!("classes/{}/summary", c72.id)).await.expect_error(403, "forbidden");
    wang.get(&format!("classes/{}/reports", c71.id)).await.expect_status(200, "own class's days");
    wang.get(&format!("classes/{}/reports", c72.id)).await.expect_error(403, "forbidden");
    wang.get(&format!("schools/{}/grades/7/comparison", school.school_id))
        .await
        .expect_error(403, "forbidden");
    wang.post("classes", &json!({"grade": 7, "name": "7(9)"})).await.expect_error(403, "forbidden");
    wang.put(
        &tests::setup::report_path(c71.id, school.today),
        &tests::setup::report_body(&[("math", 20)]),
    )
    .await
    .expect_error(403, "forbidden");
    let classes = wang.get("classes").await.expect_status(200, "GET classes").json;
    let ids: Vec<i64> =
        classes.as_array().unwrap().iter().filter_map(|c| c["id"].as_i64()).collect();
    assert_eq!(ids, [c71.id]);
}

#[tokio::test]
async fn a_roster_imports_subject_teachers_with_the_subjects_they_teach_in_each_class() {
    let school = School::new().await;
    let csv = "grade,class,role,username,display_name,password,subjects\n\
               7,7(1),teacher,li,李老师,correct-horse-battery,english\n\
               7,7(1),subject_teacher,wang,王老师,correct-horse-battery,math\n\
               7,7(2),subject_teacher,wang,王老师,,math;biology\n";
    let result = school
        .admin
        .upload("roster/import", "roster.csv", csv.as_bytes())
        .await
        .expect_status(200, "importing subject teachers")
        .json;
    let created: Vec<&str> = result["accounts_created"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["username"].as_str())
        .collect();
    assert_eq!(created, ["li", "wang"], "{result}");
    let wang = school.server.login("wang", PASSWORD).await.me().await;
    assert_eq!(wang["role"], "subject_teacher");
    let subjects: Vec<&str> =
        wang["teaching"].as_array().unwrap().iter().filter_map(|t| t["subject"].as_str()).collect();
    assert_eq!(subjects.len(), 3, "{wang}");
    let li = school.server.login("li", PASSWORD).await.me().await;
    assert_eq!(li["teaching"].as_array().map(Vec::len), Some(1), "{li}");

    // Refused: a subject teacher without subjects, a subject the grade does not have.
    let bad = "grade,class,role,username,subjects\n7,7(1),subject_teacher,zhao,\n7,7(1),subject_teacher,qian,physics\n";
    let refused = school.admin.upload("roster/import", "roster.csv", bad.as_bytes()).await;
    let refused = refused.expect_status(422, "a bad roster");
    let codes = refused.problem_codes();
    assert!(codes.contains(&"teaching_required".to_owned()), "{codes:?}");
    assert!(codes.contains(&"unknown_subject".to_owned()), "{codes:?}");
    school.admin.get("users").await.expect_status(200, "users");
    school.server.api().login("zhao", PASSWORD).await.expect_status(401, "nothing stored");
}
