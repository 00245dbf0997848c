//! Cases (整改闭环): opened from a flag that holds over a window, assigned, acted on, rechecked
//! over the window after the action (by hand, and by the server's morning run driven by
//! `backend recheck-cases --today`), listed, reported per grade, and refused to those without the
//! right. Histories are built on past windows: reports of days long gone, actions that took
//! effect weeks ago.

use crate::helpers::School;
use chrono::NaiveDate;
use serde_json::{Value, json};
use tests::Api;
use tests::setup::Class;

/// The case's window: 40 to 27 days ago (14 days); an action 26 days ago; its recheck window
/// 25 to 12 days ago, ended before today.
const WINDOW_FROM: u64 = 40;
const WINDOW_TO: u64 = 27;
const ACTED: u64 = 26;
const RECHECK_FROM: u64 = 25;
const RECHECK_TO: u64 = 12;

/// A school with a grade-7 class over its limit in the case window, a second class of the grade,
/// a teacher of each, the grade's leader, and a grade-8 class and leader.
struct World {
    school: School,
    class: Class,
    other: Class,
    c8: Class,
    teacher: Api,
    teacher_id: i64,
    other_teacher: Api,
    other_teacher_id: i64,
    leader: Api,
    leader_id: i64,
    leader8: Api,
    monitor: Api,
    monitor_id: i64,
}

async fn user_id(api: &Api) -> i64 {
    api.me().await["id"].as_i64().expect("me has an id")
}

impl World {
    async fn new() -> World {
        let school = School::new().await;
        let class = school.class(7, "7(1)").await;
        let other = school.class(7, "7(2)").await;
        let c8 = school.class(8, "8(1)").await;
        let teacher = school.teacher("teacher-71", &class).await;
        let other_teacher = school.teacher("teacher-72", &other).await;
        let leader = school.grade_leader("leader-7", 7).await;
        let leader8 = school.grade_leader("leader-8", 8).await;
        let monitor = school.monitor("monitor-71", &class).await;
        let (teacher_id, other_teacher_id, leader_id, monitor_id) = (
            user_id(&teacher).await,
            user_id(&other_teacher).await,
            user_id(&leader).await,
            user_id(&monitor).await,
        );
        let w = World {
            school,
            class,
            other,
            c8,
            teacher,
            teacher_id,
            other_teacher,
            other_teacher_id,
            leader,
            leader_id,
            leader8,
            monitor,
            monitor_id,
        };
        w.fill(&w.class, WINDOW_FROM, WINDOW_TO, 100).await;
        w.fill(&w.other, WINDOW_FROM, WINDOW_TO, 60).await;
        w
    }

    fn day(&self, n: u64) -> NaiveDate {
        self.school.days_ago(n)
    }

    /// A report of `minutes` on every day from `from` to `to` days ago.
    async fn fill(&self, class: &Class, from: u64, to: u64, minutes: i64) {
        let subject = if class.grade == 8 { "physics" } else { "math" };
        for n in (to..=from).rev() {
            self.school.admin.put_report(class.id, self.day(n), &[(subject, minutes)]).await;
        }
    }

    fn open_body(&self, class: &Class, kind: &str) -> Value {
        json!({"class_id": class.id, "kind": kind,
               "from": self.day(WINDOW_FROM).to_string(), "to": self.day(WINDOW_TO).to_string()})
    }

    /// The leader opens the over-limit case of 7(1); its id.
    async fn open(&self) -> Value {
        self.leader
            .post("cases", &self.open_body(&self.class, "over_average_limit"))
            .await
            .expect_status(201, "opening a case")
            .json
    }

    async fn act(&self, api: &Api, id: i64, days_ago: u64) -> tests::Response {
        api.post(
            &format!("cases/{id}/actions"),
            &json!({"text": "作业量已与各科协调 homework coordinated", "effective_date": self.day(days_ago).to_string()}),
        )
        .await
    }
}

fn id(case: &Value) -> i64 {
    case["id"].as_i64().expect("a case has an id")
}

#[tokio::test]
async fn a_case_opened_from_a_flag_carries_the_fields_of_the_contract() {
    let w = World::new().await;

    let case = w.open().await;

    assert!(case["id"].as_i64().is_some());
    assert_eq!(case["school_id"], w.school.school_id);
    assert_eq!(case["class_id"], w.class.id);
    assert_eq!(case["grade"], 7);
    assert_eq!(case["kind"], "over_average_limit");
    assert_eq!(case["subject"], Value::Null);
    assert_eq!(
        case["window"],
        json!({"from": w.day(WINDOW_FROM).to_string(), "to": w.day(WINDOW_TO).to_string()})
    );
    assert_eq!(case["numbers"]["kind"], "over_average_limit");
    assert_eq!(case["numbers"]["average_daily_minutes"], 100.0);
    assert_eq!(case["numbers"]["limit_minutes"], 90);
    assert_eq!(case["status"], "open");
    assert!(case["opened_by"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(case["opened_at"].as_str().is_some_and(|s| s.ends_with('Z')));
    assert_eq!(case["assignee_id"], Value::Null);
    assert_eq!(case["due_date"], Value::Null);
    assert_eq!(case["actions"], json!([]));
    assert_eq!(case["recheck"], Value::Null);
    let again = w.leader.get(&format!("cases/{}", id(&case))).await.expect_status(200, "GET case");
    assert_eq!(again.json["id"], case["id"]);
}

#[tokio::test]
async fn open_assign_act_and_recheck_resolves_a_case_whose_flag_is_gone() {
    let w = World::new().await;
    w.fill(&w.class, RECHECK_FROM, RECHECK_TO, 60).await;
    let case = w.open().await;
    let cid = id(&case);

    let due = w.day(20).to_string();
    let assigned = w
        .leader
        .patch(&format!("cases/{cid}"), &json!({"assignee_id": w.teacher_id, "due_date": due}))
        .await
        .expect_status(200, "assigning")
        .json;
    assert_eq!(assigned["assignee_id"], w.teacher_id);
    assert_eq!(assigned["due_date"], due);
    let acted = w.act(&w.teacher, cid, ACTED).await.expect_status(201, "acting").json;
    assert_eq!(acted["status"], "action_taken");
    assert_eq!(acted["actions"].as_array().map(Vec::len), Some(1));
    let action = &acted["actions"][0];
    assert_eq!(action["effective_date"], w.day(ACTED).to_string());
    assert!(action["text"].as_str().is_some_and(|t| t.contains("coordinated")));
    assert!(action["at"].as_str().is_some() && action["by"].as_str().is_some());

    let rechecked = w
        .leader
        .post_empty(&format!("cases/{cid}/recheck"))
        .await
        .expect_status(200, "recheck")
        .json;

    assert_eq!(rechecked["status"], "resolved");
    let r = &rechecked["recheck"];
    assert_eq!(r["from"], w.day(RECHECK_FROM).to_string());
    assert_eq!(r["to"], w.day(RECHECK_TO).to_string());
    assert_eq!(r["flag_holds"], false);
    assert!(r["at"].as_str().is_some() && r["by"].as_str().is_some_and(|b| !b.is_empty()));
    // Each change is in the audit log.
    for action in ["case.open", "case.assign", "case.action", "case.recheck"] {
        let page = w
            .school
            .admin
            .get(&format!("audit?action={action}"))
            .await
            .expect_status(200, "audit")
            .json;
        assert!(
            page["entries"].as_array().is_some_and(|e| !e.is_empty()),
            "no {action} in the audit log: {page}"
        );
    }
    // A resolved case takes no more actions; nothing is deleted.
    w.act(&w.teacher, cid, ACTED).await.expect_error(409, "case_closed");
    w.leader.get(&format!("cases/{cid}")).await.expect_status(200, "still there");
}

#[tokio::test]
async fn a_case_whose_flag_still_holds_after_the_action_is_escalated() {
    let w = World::new().await;
    w.fill(&w.class, RECHECK_FROM, RECHECK_TO, 100).await;
    let cid = id(&w.open().await);
    w.act(&w.leader, cid, ACTED).await.expect_status(201, "the leader acts");

    let rechecked = w
        .school
        .admin
        .post_empty(&format!("cases/{cid}/recheck"))
        .await
        .expect_status(200, "recheck")
        .json;

    assert_eq!(rechecked["status"], "escalated");
    assert_eq!(rechecked["recheck"]["flag_holds"], true);
    // Escalated is still live: the same case cannot be opened twice.
    let dup = w.leader.post("cases", &w.open_body(&w.class, "over_average_limit")).await;
    let dup = dup.expect_error(409, "case_exists");
    assert_eq!(dup.json["case"]["id"], cid);
    // It can be acted on again.
    let again = w.act(&w.teacher, cid, 1).await.expect_status(201, "acting again").json;
    assert_eq!(again["status"], "action_taken");
}

#[tokio::test]
async fn a_case_needs_a_flag_that_holds_over_its_window_and_no_live_twin() {
    let w = World::new().await;
    // Positive control.
    let first = w.open().await;

    // The same class, kind and subject while the first is open.
    let dup = w.leader.post("cases", &w.open_body(&w.class, "over_average_limit")).await;
    let dup = dup.expect_error(409, "case_exists");
    assert_eq!(dup.json["case"]["id"], first["id"]);
    // A kind the class is not flagged with over the window.
    w.leader
        .post("cases", &w.open_body(&w.other, "over_average_limit"))
        .await
        .expect_invalid("flag_not_raised");
    w.leader
        .post("cases", &w.open_body(&w.class, "drift_below"))
        .await
        .expect_invalid("flag_not_raised");
    // A window where the class reported nothing.
    let quiet = json!({"class_id": w.class.id, "kind": "over_average_limit",
                       "from": w.day(10).to_string(), "to": w.day(5).to_string()});
    w.leader.post("cases", &quiet).await.expect_invalid("flag_not_raised");
    // over_daily_limit is not a case kind (though the class has such flags), nor is nonsense.
    w.leader
        .post("cases", &w.open_body(&w.class, "over_daily_limit"))
        .await
        .expect_invalid("flag_not_raised");
    w.leader
        .post("cases", &w.open_body(&w.class, "too_much_fun"))
        .await
        .expect_invalid("flag_not_raised");
    // Bad dates and an unknown class.
    let mut bad = w.open_body(&w.class, "over_average_limit");
    bad["from"] = json!("yesterday");
    w.leader.post("cases", &bad).await.expect_error(400, "bad_date");
    let mut missing = w.open_body(&w.class, "over_average_limit");
    missing["class_id"] = json!(999_999);
    w.leader.post("cases", &missing).await.expect_error(404, "class_not_found");
    // Nothing else was opened.
    let all = w.school.admin.get("cases").await.expect_status(200, "list").json;
    assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");
}

#[tokio::test]
async fn a_drift_flag_opens_a_case_too() {
    let w = World::new().await;
    let body = w.open_body(&w.class, "drift_above");
    let case = w.leader.post("cases", &body).await.expect_status(201, "drift case").json;
    assert_eq!(case["kind"], "drift_above");
    assert_eq!(case["numbers"]["kind"], "drift_above");
}

#[tokio::test]
async fn a_case_is_assigned_to_the_class_teacher_or_the_grade_leader_only() {
    let w = World::new().await;
    let cid = id(&w.open().await);
    let path = format!("cases/{cid}");

    // Positive controls.
    w.leader
        .patch(&path, &json!({"assignee_id": w.teacher_id}))
        .await
        .expect_status(200, "teacher");
    let to_leader = w.leader.patch(&path, &json!({"assignee_id": w.leader_id})).await;
    assert_eq!(to_leader.expect_status(200, "leader").json["assignee_id"], w.leader_id);

    for wrong in [w.other_teacher_id, w.monitor_id, 999_999] {
        w.leader
            .patch(&path, &json!({"assignee_id": wrong}))
            .await
            .expect_invalid("invalid_assignee");
    }
    let admin_id = user_id(&w.school.admin).await;
    w.leader
        .patch(&path, &json!({"assignee_id": admin_id}))
        .await
        .expect_invalid("invalid_assignee");
    w.leader.patch(&path, &json!({"due_date": "soon"})).await.expect_error(400, "bad_date");
    // The refused changes changed nothing.
    let now = w.leader.get(&path).await.expect_status(200, "GET").json;
    assert_eq!(now["assignee_id"], w.leader_id);
    assert_eq!(now["due_date"], Value::Null);
    // A due date in the past marks an open case overdue.
    let due = w.leader.patch(&path, &json!({"due_date": w.day(1).to_string()})).await;
    let due = due.expect_status(200, "due date").json;
    assert_eq!(due["due_date"], w.day(1).to_string());
    assert_eq!(due["overdue"], true);
}

#[tokio::test]
async fn an_action_has_a_text_and_takes_effect_between_the_window_and_today() {
    let w = World::new().await;
    let cid = id(&w.open().await);
    let path = format!("cases/{cid}/actions");
    let text = |t: &str| json!({"text": t});

    // The day after the window and today are both accepted; today is the default.
    w.act(&w.teacher, cid, WINDOW_TO - 1).await.expect_status(201, "the first day allowed");
    let today =
        w.teacher.post(&path, &text("家长会 parents' meeting")).await.expect_status(201, "default");
    let actions = today.json["actions"].as_array().cloned().unwrap_or_default();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[1]["effective_date"], w.school.today.to_string());
    w.teacher.post(&path, &text(&"字".repeat(2000))).await.expect_status(201, "2000 characters");

    w.act(&w.teacher, cid, WINDOW_TO).await.expect_invalid("invalid_action_date");
    let tomorrow = tests::setup::days_after(w.school.today, 1).to_string();
    w.teacher
        .post(&path, &json!({"text": "x", "effective_date": tomorrow}))
        .await
        .expect_invalid("invalid_action_date");
    w.teacher.post(&path, &text("")).await.expect_error(422, "invalid_text");
    w.teacher.post(&path, &text(&"字".repeat(2001))).await.expect_error(422, "invalid_text");
    w.teacher
        .post(&path, &json!({"text": "x", "effective_date": "2026-02-30"}))
        .await
        .expect_error(400, "bad_date");
    let case = w.teacher.get(&format!("cases/{cid}")).await.expect_status(200, "GET").json;
    assert_eq!(case["actions"].as_array().map(Vec::len), Some(3), "refusals stored nothing");
}

#[tokio::test]
async fn a_recheck_needs_an_action_and_a_window_that_ended_before_today() {
    let w = World::new().await;
    let cid = id(&w.open().await);
    let path = format!("cases/{cid}/recheck");

    w.leader.post_empty(&path).await.expect_invalid("no_action_yet");
    // Window of 14 days from the day after 14 days ago: it ends today, too early.
    w.act(&w.teacher, cid, 14).await.expect_status(201, "acting");
    w.leader.post_empty(&path).await.expect_invalid("recheck_too_early");
    let still = w.leader.get(&format!("cases/{cid}")).await.expect_status(200, "GET").json;
    assert_eq!(still["status"], "action_taken");
    assert_eq!(still["recheck"], Value::Null);

    // An action one day earlier has a window that ended yesterday.
    let w2 = World::new().await;
    let cid2 = id(&w2.open().await);
    w2.act(&w2.teacher, cid2, 15).await.expect_status(201, "acting");
    let done =
        w2.leader.post_empty(&format!("cases/{cid2}/recheck")).await.expect_status(200, "recheck");
    assert_eq!(done.json["recheck"]["to"], w2.day(1).to_string());
    assert_eq!(done.json["recheck"]["from"], w2.day(14).to_string());
}

#[tokio::test]
async fn each_role_does_only_what_the_rights_table_allows_with_cases() {
    let w = World::new().await;
    let body = w.open_body(&w.class, "over_average_limit");
    // Those who may not open.
    for api in [&w.teacher, &w.monitor, &w.leader8, &w.other_teacher] {
        api.post("cases", &body).await.expect_error(403, "forbidden");
    }
    // The admin may (positive control), then the leader sees it exists.
    let case = w.school.admin.post("cases", &body).await.expect_status(201, "admin opens").json;
    let cid = id(&case);
    let path = format!("cases/{cid}");

    // Reading: the class's teacher, the grade's leader, the admin; not the others.
    for api in [&w.teacher, &w.leader, &w.school.admin] {
        api.get(&path).await.expect_status(200, "may read");
    }
    for api in [&w.other_teacher, &w.leader8, &w.monitor] {
        api.get(&path).await.expect_error(403, "forbidden");
    }
    w.monitor.get("cases").await.expect_error(403, "forbidden");
    let none = w.other_teacher.get("cases").await.expect_status(200, "list").json;
    assert_eq!(none, json!([]));
    let mine = w.teacher.get("cases").await.expect_status(200, "list").json;
    assert_eq!(mine.as_array().map(Vec::len), Some(1));

    // Assigning and rechecking: the leader and the admin only.
    let assign = json!({"assignee_id": w.teacher_id});
    for api in [&w.teacher, &w.leader8, &w.other_teacher] {
        api.patch(&path, &assign).await.expect_error(403, "forbidden");
        api.post_empty(&format!("{path}/recheck")).await.expect_error(403, "forbidden");
    }
    w.leader.patch(&path, &assign).await.expect_status(200, "leader assigns");
    w.school.admin.patch(&path, &assign).await.expect_status(200, "admin assigns");

    // Acting: the class's teacher, the leader, the admin; not another class's teacher.
    for api in [&w.other_teacher, &w.leader8, &w.monitor] {
        w.act(api, cid, ACTED).await.expect_error(403, "forbidden");
    }
    for api in [&w.teacher, &w.leader, &w.school.admin] {
        w.act(api, cid, ACTED).await.expect_status(201, "may act");
    }
    w.leader.post_empty(&format!("{path}/recheck")).await.expect_status(200, "leader rechecks");

    // Another school sees none of it.
    w.school.server.add_school("Second School", "admin2", "second-admin-pass").await;
    let admin2 = w.school.server.login("admin2", "second-admin-pass").await;
    admin2.get(&path).await.expect_error(403, "forbidden");
    assert_eq!(admin2.get("cases").await.expect_status(200, "list").json, json!([]));
    admin2.post("cases", &body).await.expect_error(403, "forbidden");
    // An unknown case.
    w.school.admin.get("cases/999999").await.expect_error(404, "case_not_found");
}

#[tokio::test]
async fn the_list_is_newest_first_and_filters_by_status_grade_and_class() {
    let w = World::new().await;
    w.fill(&w.c8, WINDOW_FROM, WINDOW_TO, 120).await;
    let first = w.open().await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let body8 = w.open_body(&w.c8, "over_average_limit");
    let second = w.school.admin.post("cases", &body8).await.expect_status(201, "grade 8").json;
    w.act(&w.teacher, id(&first), ACTED).await.expect_status(201, "act");

    let all = w.school.admin.get("cases").await.expect_status(200, "all").json;
    let ids: Vec<i64> = all.as_array().expect("a list").iter().map(id).collect();
    assert_eq!(ids, [id(&second), id(&first)], "newest first");
    let ids_of = |v: &Value| -> Vec<i64> { v.as_array().expect("a list").iter().map(id).collect() };
    let q = |s: &str| format!("cases?{s}");
    assert_eq!(ids_of(&w.school.admin.get(&q("status=open")).await.json), [id(&second)]);
    assert_eq!(ids_of(&w.school.admin.get(&q("status=action_taken")).await.json), [id(&first)]);
    assert_eq!(ids_of(&w.school.admin.get(&q("grade=7")).await.json), [id(&first)]);
    assert_eq!(
        ids_of(&w.school.admin.get(&q(&format!("class_id={}", w.c8.id))).await.json),
        [id(&second)]
    );
    assert_eq!(
        ids_of(&w.leader.get("cases").await.json),
        [id(&first)],
        "the leader sees its grade"
    );
    w.school.admin.get(&q("status=closed")).await.expect_error(400, "bad_query");
}

#[tokio::test]
async fn the_morning_recheck_driven_by_its_clock_rechecks_due_cases_as_the_system() {
    let w = World::new().await;
    w.fill(&w.c8, WINDOW_FROM, WINDOW_TO, 120).await;
    w.fill(&w.class, RECHECK_FROM, RECHECK_TO, 60).await;
    w.fill(&w.c8, RECHECK_FROM, RECHECK_TO, 120).await;
    let resolves = id(&w.open().await);
    let escalates = id(&w
        .school
        .admin
        .post("cases", &w.open_body(&w.c8, "over_average_limit"))
        .await
        .expect_status(201, "8")
        .json);
    w.act(&w.teacher, resolves, ACTED).await.expect_status(201, "act");
    w.act(&w.school.admin, escalates, ACTED).await.expect_status(201, "act");

    // On a day when the windows have not ended, nothing happens.
    let early = w.day(RECHECK_TO).to_string();
    let out = w.school.server.run_cli(&["recheck-cases", "--today", &early]).await;
    assert!(out.success, "{}\n{}", out.stdout, out.stderr);
    let case = w.leader.get(&format!("cases/{resolves}")).await.json;
    assert_eq!(case["status"], "action_taken", "{case}");

    // The day after the windows end, both are rechecked by the system.
    let day = w.day(RECHECK_TO - 1).to_string();
    let out = w.school.server.run_cli(&["recheck-cases", "--today", &day]).await;
    assert!(out.success, "{}\n{}", out.stdout, out.stderr);
    let r = w.leader.get(&format!("cases/{resolves}")).await.json;
    assert_eq!(r["status"], "resolved", "{r}");
    assert_eq!(r["recheck"]["by"], "system");
    assert_eq!(r["recheck"]["from"], w.day(RECHECK_FROM).to_string());
    let e = w.school.admin.get(&format!("cases/{escalates}")).await.json;
    assert_eq!(e["status"], "escalated", "{e}");
    assert_eq!(e["recheck"]["by"], "system");

    // A second run records nothing more.
    let out = w.school.server.run_cli(&["recheck-cases", "--today", &day]).await;
    assert!(out.success);
    let again = w.leader.get(&format!("cases/{resolves}")).await.json;
    assert_eq!(again["recheck"], r["recheck"]);
    let page = w.school.admin.get("audit?action=case.recheck").await.json;
    assert_eq!(page["entries"].as_array().map(Vec::len), Some(2), "{page}");
}

#[tokio::test]
async fn the_grade_report_lists_cases_opened_acted_on_resolved_and_escalated() {
    let w = World::new().await;
    w.fill(&w.class, RECHECK_FROM, RECHECK_TO, 60).await;
    let cid = id(&w.open().await);
    w.act(&w.teacher, cid, ACTED).await.expect_status(201, "act");
    w.leader.post_empty(&format!("cases/{cid}/recheck")).await.expect_status(200, "recheck");
    let path = format!(
        "schools/{}/grades/7/cases-report?from={}&to={}",
        w.school.school_id,
        w.day(30),
        w.school.today
    );

    let report = w.leader.get(&path).await.expect_status(200, "report").json;

    assert_eq!(report["grade"], 7);
    assert_eq!(report["from"], w.day(30).to_string());
    for list in ["opened", "acted_on", "resolved"] {
        assert_eq!(report[list].as_array().map(Vec::len), Some(1), "{list}: {report}");
    }
    assert_eq!(report["escalated"], json!([]));
    // Another period holds none of it; other grades' leaders and teachers may not read it.
    let old = format!(
        "schools/{}/grades/7/cases-report?from={}&to={}",
        w.school.school_id,
        w.day(60),
        w.day(50)
    );
    let old = w.school.admin.get(&old).await.expect_status(200, "old period").json;
    assert_eq!(old["opened"], json!([]));
    w.leader8.get(&path).await.expect_error(403, "forbidden");
    w.teacher.get(&path).await.expect_error(403, "forbidden");
}

#[tokio::test]
async fn of_several_morning_runs_for_one_day_exactly_one_rechecks() {
    let w = World::new().await;
    w.fill(&w.class, RECHECK_FROM, RECHECK_TO, 60).await;
    let cid = id(&w.open().await);
    w.act(&w.teacher, cid, ACTED).await.expect_status(201, "act");
    let day = w.day(RECHECK_TO - 1).to_string();
    let args = ["recheck-cases", "--today", day.as_str(), "--claim"];

    // Three runs at once, as three servers' mornings would be.
    let (a, b, c) = tokio::join!(
        w.school.server.run_cli(&args),
        w.school.server.run_cli(&args),
        w.school.server.run_cli(&args)
    );

    let mut counts: Vec<String> = [a, b, c]
        .into_iter()
        .map(|out| {
            assert!(out.success, "{}\n{}", out.stdout, out.stderr);
            out.stdout.trim().to_owned()
        })
        .collect();
    counts.sort();
    assert_eq!(counts, ["rechecked 0 case(s)", "rechecked 0 case(s)", "rechecked 1 case(s)"]);
    let case = w.leader.get(&format!("cases/{cid}")).await.json;
    assert_eq!(case["status"], "resolved", "{case}");
    assert_eq!(case["recheck"]["by"], "system");
    let page = w.school.admin.get("audit?action=case.recheck").await.json;
    assert_eq!(page["entries"].as_array().map(Vec::len), Some(1), "{page}");
}
