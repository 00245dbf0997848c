//! Homework plans (作业备案): filing a subject's homework for a class's day, the day's required
//! written total against the limit, its status and review, the window, versions, who may do
//! what, the audit log and the CSV export.

use crate::helpers::{PASSWORD, School};
use chrono::NaiveDate;
use serde_json::{Value, json};
use tests::Api;
use tests::setup::days_after;

/// `classes/{id}/plans/{date}/{subject}`.
pub fn plan_path(class_id: i64, date: NaiveDate, subject: &str) -> String {
    format!("classes/{class_id}/plans/{date}/{subject}")
}

/// One required written item of `minutes`.
pub fn written(minutes: i64) -> Value {
    json!({"content": "练习册 P12–13 第 1–4 题", "kind": "written", "expected_minutes": minutes, "optional": false})
}

/// A body of these items.
pub fn items(list: &[Value]) -> Value {
    json!({ "items": list })
}

/// Files a subject's plan; panics unless 200. Returns `{"plan", "day"}`.
pub async fn file(
    api: &Api,
    class_id: i64,
    date: NaiveDate,
    subject: &str,
    list: &[Value],
) -> Value {
    api.put(&plan_path(class_id, date, subject), &items(list))
        .await
        .expect_status(200, &format!("filing {subject} for class {class_id} on {date}"))
        .json
}

/// A subject teacher teaching these `(class, subject)` pairs, logged in.
pub async fn subject_teacher(school: &School, username: &str, teaching: &[(i64, &str)]) -> Api {
    let teaching: Vec<Value> =
        teaching.iter().map(|(c, s)| json!({"class_id": c, "subject": s})).collect();
    school
        .admin
        .post(
            "users",
            &json!({
                "username": username, "password": PASSWORD, "display_name": format!("{username} (test)"),
                "role": "subject_teacher", "teaching": teaching,
            }),
        )
        .await
        .expect_status(201, "creating a subject teacher");
    school.server.login(username, PASSWORD).await
}

#[tokio::test]
async fn a_class_teacher_files_a_plan_and_only_required_written_items_count() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let list = [
        written(20),
        json!({"content": "选做：拓展题", "kind": "written", "expected_minutes": 15, "optional": true}),
        json!({"content": "朗读课文", "kind": "oral", "expected_minutes": 10, "optional": false}),
        json!({"content": "阅读", "kind": "reading", "expected_minutes": 30}),
        json!({"content": "观察月相", "kind": "practical", "expected_minutes": 5, "optional": false}),
    ];

    let answer = file(&teacher, class.id, school.today, "math", &list).await;

    let plan = &answer["plan"];
    assert_eq!(plan["class_id"], class.id);
    assert_eq!(plan["date"], school.today.to_string());
    assert_eq!(plan["subject"], "math");
    assert_eq!(plan["items"].as_array().map(Vec::len), Some(5));
    assert_eq!(plan["items"][3]["optional"], false, "optional defaults to false");
    assert_eq!(plan["expected_minutes"], 20);
    assert_eq!(plan["filed_by"], "teacher-71 (test)");
    assert_eq!(plan["version"], 1);
    assert!(plan["updated_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{plan}");
    let day = &answer["day"];
    assert_eq!(day["class_id"], class.id);
    assert_eq!(day["limit_minutes"], 90);
    assert_eq!(day["expected_written_minutes"], 20);
    assert_eq!(day["status"], "open");
    assert_eq!(day["review"], Value::Null);

    file(&teacher, class.id, school.today, "chinese", &[written(30)]).await;
    let got = teacher
        .get(&format!("classes/{}/plans/{}", class.id, school.today))
        .await
        .expect_status(200, "GET day plan")
        .json;
    assert_eq!(got["expected_written_minutes"], 50);
    let subjects: Vec<&str> =
        got["subjects"].as_array().unwrap().iter().filter_map(|s| s["subject"].as_str()).collect();
    assert_eq!(subjects.len(), 2);
    assert!(subjects.contains(&"math") && subjects.contains(&"chinese"));
}

#[tokio::test]
async fn a_day_without_plans_is_open_with_nothing_in_it() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let day = school
        .admin
        .get(&format!("classes/{}/plans/{}", class.id, school.today))
        .await
        .expect_status(200, "GET an empty day")
        .json;
    assert_eq!(day["status"], "open");
    assert_eq!(day["expected_written_minutes"], 0);
    assert_eq!(day["subjects"], json!([]));
    assert_eq!(day["limit_minutes"], 90);
}

#[tokio::test]
async fn a_day_over_the_limit_is_returned_with_a_reason_then_approved_and_a_change_reopens_it() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let leader = school.grade_leader("leader-7", 7).await;
    let review = format!("classes/{}/plans/{}/review", class.id, school.today);

    file(&teacher, class.id, school.today, "math", &[written(50)]).await;
    let within = file(&teacher, class.id, school.today, "chinese", &[written(40)]).await;
    assert_eq!(within["day"]["status"], "open", "90 is within the limit of 90");
    leader
        .post(&review, &json!({"decision": "approved"}))
        .await
        .expect_error(409, "nothing_to_review");

    let over = file(&teacher, class.id, school.today, "chinese", &[written(41)]).await;
    assert_eq!(over["day"]["status"], "needs_approval");
    assert_eq!(over["day"]["expected_written_minutes"], 91);

    // Returning needs a reason.
    leader.post(&review, &json!({"decision": "returned"})).await.expect_invalid("reason_required");
    leader
        .post(&review, &json!({"decision": "returned", "reason": "  "}))
        .await
        .expect_invalid("reason_required");
    let returned = leader
        .post(&review, &json!({"decision": "returned", "reason": "语文太多，请减到 30 分钟"}))
        .await
        .expect_status(200, "returning the day")
        .json;
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["review"]["by"], "leader-7 (test)");
    assert_eq!(returned["review"]["decision"], "returned");
    assert_eq!(returned["review"]["reason"], "语文太多，请减到 30 分钟");
    assert!(returned["review"]["at"].as_str().is_some_and(|t| t.ends_with('Z')));
    // A returned day is changed by its teachers first.
    leader
        .post(&review, &json!({"decision": "approved"}))
        .await
        .expect_error(409, "nothing_to_review");

    // Still over after the change: waiting again; then approved.
    let again = file(&teacher, class.id, school.today, "chinese", &[written(45)]).await;
    assert_eq!(again["day"]["status"], "needs_approval");
    let approved = leader
        .post(&review, &json!({"decision": "approved"}))
        .await
        .expect_status(200, "approving")
        .json;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["review"]["decision"], "approved");
    assert_eq!(approved["expected_written_minutes"], 95);

    // A change that stays over needs approval again; one that brings it within opens it.
    let changed = file(&teacher, class.id, school.today, "math", &[written(46)]).await;
    assert_eq!(changed["day"]["status"], "needs_approval");
    let within = file(&teacher, class.id, school.today, "math", &[written(20)]).await;
    assert_eq!(within["day"]["status"], "open");
}

#[tokio::test]
async fn in_grade_one_any_required_written_item_needs_approval() {
    let school = School::new().await;
    let class = school.class(1, "1(1)").await;
    let oral = json!({"content": "读拼音", "kind": "oral", "expected_minutes": 10});
    let optional =
        json!({"content": "描红", "kind": "written", "expected_minutes": 10, "optional": true});
    let day = file(&school.admin, class.id, school.today, "chinese", &[oral, optional]).await;
    assert_eq!(day["day"]["status"], "open");
    let day = file(&school.admin, class.id, school.today, "math", &[written(0)]).await;
    assert_eq!(day["day"]["status"], "needs_approval", "{day}");
    assert_eq!(day["day"]["expected_written_minutes"], 0);
}

#[tokio::test]
async fn plans_are_filed_from_seven_days_ago_to_fourteen_ahead_and_admins_also_earlier() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let body = items(&[written(20)]);
    for date in [school.days_ago(7), days_after(school.today, 14)] {
        teacher
            .put(&plan_path(class.id, date, "math"), &body)
            .await
            .expect_status(200, "filing at the window's ends");
    }
    for date in [school.days_ago(8), days_after(school.today, 15)] {
        teacher
            .put(&plan_path(class.id, date, "math"), &body)
            .await
            .expect_invalid("outside_plan_window");
    }
    school
        .admin
        .put(&plan_path(class.id, school.days_ago(60), "math"), &body)
        .await
        .expect_status(200, "an admin files an earlier day");
    school
        .admin
        .put(&plan_path(class.id, days_after(school.today, 15), "math"), &body)
        .await
        .expect_invalid("outside_plan_window");
    teacher
        .put(&format!("classes/{}/plans/2026-13-01/math", class.id), &body)
        .await
        .expect_error(400, "bad_date");
}

#[tokio::test]
async fn a_subject_the_grade_does_not_have_is_refused() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let body = items(&[written(20)]);
    school
        .admin
        .put(&plan_path(class.id, school.today, "biology"), &body)
        .await
        .expect_status(200, "grade 7 has biology");
    school
        .admin
        .put(&plan_path(class.id, school.today, "physics"), &body)
        .await
        .expect_invalid("unknown_subject");
    school
        .admin
        .put(&plan_path(class.id, school.today, "Not-A-Key"), &body)
        .await
        .expect_invalid("unknown_subject");
}

#[tokio::test]
async fn each_item_is_checked_and_a_bad_one_changes_nothing() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let path = plan_path(class.id, school.today, "math");
    let item = |content: &str, kind: &str, minutes: i64| json!({"content": content, "kind": kind, "expected_minutes": minutes});
    school
        .admin
        .put(&path, &items(&[item(&"字".repeat(500), "written", 240)]))
        .await
        .expect_status(200, "500 characters and 240 minutes are allowed");
    let cases = [
        (item("", "written", 20), "invalid_content"),
        (item("   ", "written", 20), "invalid_content"),
        (item(&"字".repeat(501), "written", 20), "invalid_content"),
        (item("P12", "written", 241), "minutes_out_of_range"),
        (item("P12", "written", -1), "minutes_out_of_range"),
        (item("P12", "essay", 20), "invalid_kind"),
    ];
    for (bad, code) in cases {
        school.admin.put(&path, &items(&[written(10), bad])).await.expect_invalid(code);
    }
    let day = school
        .admin
        .get(&format!("classes/{}/plans/{}", class.id, school.today))
        .await
        .expect_status(200, "GET day")
        .json;
    assert_eq!(day["subjects"][0]["version"], 1, "no refused write changed it: {day}");
    school
        .admin
        .put(&path, &json!({"items": [written(10)], "extra": 1}))
        .await
        .expect_error(400, "bad_json");
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_the_current_one_wins() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let path = plan_path(class.id, school.today, "math");
    school
        .admin
        .put(&path, &json!({"items": [written(20)], "version": 0}))
        .await
        .expect_status(200, "version 0: none seen");
    school
        .admin
        .put(&path, &json!({"items": [written(25)], "version": 1}))
        .await
        .expect_status(200, "version 1 is current");
    let stale = school
        .admin
        .put(&path, &json!({"items": [written(30)], "version": 1}))
        .await
        .expect_error(409, "version_conflict");
    assert_eq!(stale.json["plan"]["version"], 2);
    assert_eq!(stale.json["plan"]["expected_minutes"], 25);
    school
        .admin
        .put(
            &plan_path(class.id, school.today, "chinese"),
            &json!({"items": [written(5)], "version": 3}),
        )
        .await
        .expect_error(409, "version_conflict");
}

#[tokio::test]
async fn empty_items_remove_a_subject_and_a_list_shows_only_days_with_plans_oldest_first() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let (d1, d2, d3) = (school.days_ago(3), school.days_ago(2), school.days_ago(1));
    for d in [d3, d1, d2] {
        file(&school.admin, class.id, d, "math", &[written(20)]).await;
    }
    let removed = file(&school.admin, class.id, d2, "math", &[]).await;
    assert_eq!(removed["plan"], Value::Null);
    assert_eq!(removed["day"]["subjects"], json!([]));
    assert_eq!(removed["day"]["status"], "open");
    assert_eq!(removed["day"]["expected_written_minutes"], 0);

    let list = school
        .admin
        .get(&format!("classes/{}/plans?from={d1}&to={}", class.id, school.today))
        .await
        .expect_status(200, "GET plans")
        .json;
    let dates: Vec<&str> =
        list.as_array().unwrap().iter().filter_map(|d| d["date"].as_str()).collect();
    assert_eq!(dates, [d1.to_string(), d3.to_string()]);
    assert_eq!(list[0]["subjects"][0]["subject"], "math");
    let default = school
        .admin
        .get(&format!("classes/{}/plans", class.id))
        .await
        .expect_status(200, "GET plans with the default window")
        .json;
    assert_eq!(default.as_array().map(Vec::len), Some(2));
    school
        .admin
        .get(&format!("classes/{}/plans?from={d3}&to={d1}", class.id))
        .await
        .expect_error(400, "invalid_range");
}

#[tokio::test]
async fn who_may_file_read_and_review_plans_follows_the_table() {
    let school = School::new().await;
    let c71 = school.class(7, "7(1)").await;
    let c72 = school.class(7, "7(2)").await;
    let c81 = school.class(8, "8(1)").await;
    let teacher = school.teacher("teacher-71", &c71).await;
    let monitor = school.monitor("monitor-71", &c71).await;
    let leader = school.grade_leader("leader-7", 7).await;
    let maths = subject_teacher(&school, "maths-7", &[(c71.id, "math"), (c72.id, "math")]).await;
    let body = items(&[written(60)]);
    let today = school.today;
    let put = |api: &Api, class: i64, subject: &str| {
        let (api, path, body) = (api.clone(), plan_path(class, today, subject), body.clone());
        async move { api.put(&path, &body).await.status }
    };

    // Writing: the class teacher any subject of its class; the subject teacher its own classes
    // and subjects; the admin the school; nobody else.
    assert_eq!(put(&teacher, c71.id, "english").await, 200);
    assert_eq!(put(&teacher, c72.id, "english").await, 403);
    assert_eq!(put(&maths, c71.id, "math").await, 200);
    assert_eq!(put(&maths, c72.id, "math").await, 200);
    assert_eq!(put(&maths, c71.id, "chinese").await, 403);
    assert_eq!(put(&maths, c81.id, "math").await, 403);
    assert_eq!(put(&monitor, c71.id, "math").await, 403);
    assert_eq!(put(&leader, c71.id, "math").await, 403);
    assert_eq!(put(&school.admin, c81.id, "math").await, 200);
    assert_eq!(put(&school.server.api(), c71.id, "math").await, 401);
    school
        .admin
        .put(&plan_path(999_999, today, "math"), &body)
        .await
        .expect_error(404, "class_not_found");

    // Reading.
    let get = |api: &Api, class: i64| {
        let (api, path) = (api.clone(), format!("classes/{class}/plans/{today}"));
        async move { api.get(&path).await.status }
    };
    assert_eq!(get(&monitor, c71.id).await, 200);
    assert_eq!(get(&monitor, c72.id).await, 403);
    assert_eq!(get(&teacher, c71.id).await, 200);
    assert_eq!(get(&teacher, c72.id).await, 403);
    assert_eq!(get(&maths, c72.id).await, 200);
    assert_eq!(get(&maths, c81.id).await, 403);
    assert_eq!(get(&leader, c72.id).await, 200);
    assert_eq!(get(&leader, c81.id).await, 403);
    assert_eq!(get(&school.admin, c81.id).await, 200);
    let list = |api: &Api, class: i64| {
        let (api, path) = (api.clone(), format!("classes/{class}/plans"));
        async move { api.get(&path).await.status }
    };
    assert_eq!(list(&maths, c71.id).await, 200);
    assert_eq!(list(&monitor, c72.id).await, 403);

    // Reviewing: 7(1) is over (english 60 + math 60).
    let review = |api: &Api, class: i64| {
        let (api, path) = (api.clone(), format!("classes/{class}/plans/{today}/review"));
        async move { api.post(&path, &json!({"decision": "approved"})).await.status }
    };
    assert_eq!(review(&teacher, c71.id).await, 403);
    assert_eq!(review(&maths, c71.id).await, 403);
    assert_eq!(review(&monitor, c71.id).await, 403);
    let leader8 = school.grade_leader("leader-8", 8).await;
    assert_eq!(review(&leader8, c71.id).await, 403);
    assert_eq!(review(&leader, c71.id).await, 200);
    file(&teacher, c71.id, today, "english", &[written(61)]).await;
    assert_eq!(review(&school.admin, c71.id).await, 200);
}

#[tokio::test]
async fn another_schools_admin_may_neither_file_nor_read_nor_review() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    school.server.add_school("Second School", "admin2", PASSWORD).await;
    let admin2 = school.server.login("admin2", PASSWORD).await;
    file(&school.admin, class.id, school.today, "math", &[written(100)]).await;
    admin2
        .put(&plan_path(class.id, school.today, "math"), &items(&[written(10)]))
        .await
        .expect_error(403, "forbidden");
    admin2
        .get(&format!("classes/{}/plans/{}", class.id, school.today))
        .await
        .expect_error(403, "forbidden");
    admin2
        .post(
            &format!("classes/{}/plans/{}/review", class.id, school.today),
            &json!({"decision": "approved"}),
        )
        .await
        .expect_error(403, "forbidden");
}

#[tokio::test]
async fn every_plan_write_and_review_is_in_the_audit_log() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    file(&school.admin, class.id, school.today, "math", &[written(100)]).await;
    school
        .admin
        .post(
            &format!("classes/{}/plans/{}/review", class.id, school.today),
            &json!({"decision": "returned", "reason": "too much"}),
        )
        .await
        .expect_status(200, "review");
    file(&school.admin, class.id, school.today, "math", &[]).await;
    let log = school.admin.get("audit?limit=50").await.expect_status(200, "audit").json;
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("plan."))
        .collect();
    assert_eq!(actions, ["plan.delete", "plan.review", "plan.put"], "newest first");
    let put =
        log["entries"].as_array().unwrap().iter().find(|e| e["action"] == "plan.put").unwrap();
    assert_eq!(put["after"]["expected_minutes"], 100);
    assert!(put["target"].as_str().unwrap().contains("math"), "{put}");
}

#[tokio::test]
async fn a_classes_plans_export_as_csv() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    file(&school.admin, class.id, school.today, "math", &[written(20)]).await;
    let csv = school
        .admin
        .get(&format!("classes/{}/plans.csv?lang=en", class.id))
        .await
        .expect_status(200, "plans CSV");
    assert!(csv.header("content-type").is_some_and(|t| t.starts_with("text/csv")));
    assert!(csv.text.starts_with('\u{feff}'));
    assert!(csv.text.contains("date,subject,kind"), "{}", csv.text);
    assert!(csv.text.contains("练习册 P12–13 第 1–4 题"), "{}", csv.text);
    let accepted = school
        .admin
        .send(
            school
                .admin
                .request(reqwest::Method::GET, &format!("classes/{}/plans", class.id))
                .header("accept", "text/csv"),
        )
        .await
        .expect_status(200, "plans as CSV by Accept");
    assert!(accepted.header("content-type").is_some_and(|t| t.starts_with("text/csv")));
    let monitor_class = school.class(7, "7(2)").await;
    let monitor = school.monitor("monitor-72", &monitor_class).await;
    monitor.get(&format!("classes/{}/plans.csv", class.id)).await.expect_error(403, "forbidden");
}
