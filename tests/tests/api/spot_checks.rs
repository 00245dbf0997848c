//! Spot checks (随机抽查): distinct classes drawn at random, the count's bounds, observations
//! checked as day reports are, reported against observed totals with the discrepancy boundary,
//! a case opened from a discrepancy, and who may do what.

use crate::helpers::School;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tests::setup::{Class, entries_json};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("an id")
}

fn class_ids(check: &Value) -> Vec<i64> {
    check["classes"]
        .as_array()
        .expect("classes")
        .iter()
        .map(|c| c["class_id"].as_i64().expect("a class id"))
        .collect()
}

/// Five grade-7 classes, two grade-8 ones.
async fn school_with_classes() -> (School, Vec<Class>, Vec<Class>) {
    let school = School::new().await;
    let mut g7 = Vec::new();
    for n in 1..=5 {
        g7.push(school.class(7, &format!("7({n})")).await);
    }
    let g8 = vec![school.class(8, "8(1)").await, school.class(8, "8(2)").await];
    (school, g7, g8)
}

#[tokio::test]
async fn a_draw_takes_distinct_active_classes_of_the_grade_and_its_count_is_bounded() {
    let (school, g7, g8) = school_with_classes().await;
    let date = school.days_ago(1).to_string();
    // Archive one grade-7 class: it is never drawn.
    school
        .admin
        .patch(&format!("classes/{}", g7[4].id), &json!({"archived": true}))
        .await
        .expect_status(200, "archiving");
    let active7: BTreeSet<i64> = g7[..4].iter().map(|c| c.id).collect();

    for _ in 0..5 {
        let check = school
            .admin
            .post("spot-checks", &json!({"date": date, "count": 3, "grade": 7}))
            .await
            .expect_status(201, "draw")
            .json;
        let ids = class_ids(&check);
        let distinct: BTreeSet<i64> = ids.iter().copied().collect();
        assert_eq!((ids.len(), distinct.len()), (3, 3), "{check}");
        assert!(distinct.is_subset(&active7), "{check}");
        assert_eq!(check["date"], date);
        assert_eq!(check["grade"], 7);
        assert!(check["drawn_at"].as_str().is_some() && check["drawn_by"].as_str().is_some());
        for c in check["classes"].as_array().expect("a list") {
            assert_eq!(c["reported_total"], Value::Null);
            assert_eq!(c["observed_total"], Value::Null);
            assert_eq!(c["difference"], Value::Null);
            assert_eq!(c["discrepancy"], false);
            assert!(c["name"].as_str().is_some());
        }
    }
    // The whole grade, and the whole school without a grade.
    let all7 =
        school.admin.post("spot-checks", &json!({"date": date, "count": 4, "grade": 7})).await;
    let all7: BTreeSet<i64> =
        class_ids(&all7.expect_status(201, "all of grade 7").json).into_iter().collect();
    assert_eq!(all7, active7);
    let all = school.admin.post("spot-checks", &json!({"date": date, "count": 6})).await;
    assert_eq!(class_ids(&all.expect_status(201, "all").json).len(), 6);

    for (count, grade) in
        [(0, json!(7)), (5, json!(7)), (-1, json!(8)), (3, json!(8)), (7, Value::Null)]
    {
        let mut body = json!({"date": date, "count": count});
        if !grade.is_null() {
            body["grade"] = grade;
        }
        school.admin.post("spot-checks", &body).await.expect_invalid("invalid_count");
    }
    school
        .admin
        .post("spot-checks", &json!({"date": date, "count": 2, "grade": 8}))
        .await
        .expect_status(201, "grade 8");
    let _ = g8;
    school
        .admin
        .post("spot-checks", &json!({"date": "someday", "count": 1}))
        .await
        .expect_error(400, "bad_date");
}

#[tokio::test]
async fn an_observation_is_checked_as_a_day_report_and_only_for_a_drawn_class() {
    let (school, _g7, g8) = school_with_classes().await;
    let date = school.days_ago(1);
    let check = school
        .admin
        .post("spot-checks", &json!({"date": date.to_string(), "count": 1, "grade": 7}))
        .await
        .expect_status(201, "draw")
        .json;
    let drawn = class_ids(&check)[0];
    let path = format!("spot-checks/{}/classes/{drawn}", id(&check));
    let body = |e: &[(&str, i64)]| json!({"entries": entries_json(e), "note": "问卷"});

    // Positive control.
    let saved = school
        .admin
        .put(&path, &body(&[("math", 30), ("chinese", 20)]))
        .await
        .expect_status(200, "observe")
        .json;
    let row = saved["classes"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["class_id"] == drawn)
        .expect("the drawn class")
        .clone();
    assert_eq!(row["observed_total"], 50);
    assert_eq!(row["reported_total"], Value::Null);
    assert_eq!(row["discrepancy"], true, "observed with no report: {row}");

    school.admin.put(&path, &body(&[("math", 300)])).await.expect_invalid("minutes_out_of_range");
    school.admin.put(&path, &body(&[("physics", 10)])).await.expect_invalid("unknown_subject");
    school
        .admin
        .put(&path, &body(&[("math", 10), ("math", 5)]))
        .await
        .expect_invalid("duplicate_subject");
    let other = format!("spot-checks/{}/classes/{}", id(&check), g8[0].id);
    school.admin.put(&other, &body(&[("physics", 10)])).await.expect_invalid("not_drawn");
    // The refusals changed nothing.
    let now = school
        .admin
        .get(&format!("spot-checks/{}", id(&check)))
        .await
        .expect_status(200, "GET")
        .json;
    assert_eq!(now["classes"][0]["observed_total"], 50);
    school.admin.get("spot-checks/999999").await.expect_error(404, "spot_check_not_found");
}

#[tokio::test]
async fn reported_against_observed_marks_discrepancies_at_the_boundary() {
    let school = School::new().await;
    let date = school.days_ago(1);
    // (reported, observed, discrepancy): 10 minutes or a quarter of the observed total, whichever
    // is larger, is still within; more is a discrepancy.
    let cases: [(Option<i64>, i64, bool); 7] = [
        (Some(30), 20, false),
        (Some(31), 20, true),
        (Some(10), 20, false),
        (Some(125), 100, false),
        (Some(126), 100, true),
        (Some(74), 100, true),
        (None, 0, true),
    ];
    let mut classes = Vec::new();
    for (n, (reported, _, _)) in cases.iter().enumerate() {
        let class = school.class(7, &format!("7({})", n + 1)).await;
        if let Some(r) = reported {
            school
                .admin
                .put_report(
                    class.id,
                    date,
                    &[("math", (*r).min(200)), ("chinese", (*r - 200).max(0))],
                )
                .await;
        }
        classes.push(class);
    }
    let check = school
        .admin
        .post("spot-checks", &json!({"date": date.to_string(), "count": cases.len()}))
        .await
        .expect_status(201, "draw all")
        .json;
    let sid = id(&check);
    for (class, (_, observed, _)) in classes.iter().zip(cases) {
        let body = json!({"entries": entries_json(&[("math", observed)])});
        school
            .admin
            .put(&format!("spot-checks/{sid}/classes/{}", class.id), &body)
            .await
            .expect_status(200, "observe");
    }

    let got = school.admin.get(&format!("spot-checks/{sid}")).await.expect_status(200, "GET").json;

    for (class, (reported, observed, discrepancy)) in classes.iter().zip(cases) {
        let row = got["classes"]
            .as_array()
            .expect("a list")
            .iter()
            .find(|c| c["class_id"] == class.id)
            .expect("drawn");
        assert_eq!(row["observed_total"], observed, "{row}");
        assert_eq!(row["reported_total"], json!(reported), "{row}");
        assert_eq!(row["difference"], json!(reported.map(|r| r - observed)), "{row}");
        assert_eq!(row["discrepancy"], discrepancy, "{row}");
    }
    // The list finds it by its date.
    let listed = school
        .admin
        .get(&format!("spot-checks?from={date}&to={date}"))
        .await
        .expect_status(200, "list")
        .json;
    assert_eq!(listed.as_array().map(|l| l.iter().map(id).collect::<Vec<_>>()), Some(vec![sid]));
    let before = school.days_ago(3);
    let none = school.admin.get(&format!("spot-checks?from={before}&to={before}")).await.json;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn a_discrepancy_opens_a_case_of_its_own_once() {
    let school = School::new().await;
    let date = school.days_ago(1);
    let off = school.class(7, "7(1)").await;
    let fine = school.class(7, "7(2)").await;
    let unseen = school.class(7, "7(3)").await;
    school.admin.put_report(off.id, date, &[("math", 30)]).await;
    school.admin.put_report(fine.id, date, &[("math", 30)]).await;
    let check = school
        .admin
        .post("spot-checks", &json!({"date": date.to_string(), "count": 3}))
        .await
        .expect_status(201, "draw")
        .json;
    let sid = id(&check);
    for (class, observed) in [(&off, 60), (&fine, 30)] {
        let body = json!({"entries": entries_json(&[("math", observed)])});
        school
            .admin
            .put(&format!("spot-checks/{sid}/classes/{}", class.id), &body)
            .await
            .expect_status(200, "observe");
    }
    let case_path = |c: &Class| format!("spot-checks/{sid}/classes/{}/case", c.id);

    let case = school.admin.post_empty(&case_path(&off)).await.expect_status(201, "case").json;

    assert_eq!(case["kind"], "spot_check_discrepancy");
    assert_eq!(case["class_id"], off.id);
    assert_eq!(case["status"], "open");
    assert_eq!(case["window"], json!({"from": date.to_string(), "to": date.to_string()}));
    assert_eq!(case["numbers"]["observed_total"], 60);
    assert_eq!(case["numbers"]["reported_total"], 30);
    let dup = school.admin.post_empty(&case_path(&off)).await.expect_error(409, "case_exists");
    assert_eq!(dup.json["case"]["id"], case["id"]);
    school.admin.post_empty(&case_path(&fine)).await.expect_invalid("no_discrepancy");
    school.admin.post_empty(&case_path(&unseen)).await.expect_invalid("no_discrepancy");
    // `POST /cases` keeps its rule: this is no flag kind.
    let body = json!({"class_id": off.id, "kind": "spot_check_discrepancy",
                      "from": date.to_string(), "to": date.to_string()});
    school.admin.post("cases", &body).await.expect_invalid("flag_not_raised");
    // The case is listed with the others.
    let listed = school.admin.get("cases").await.expect_status(200, "cases").json;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn only_the_schools_admin_draws_records_and_reads_spot_checks() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let teacher = school.teacher("teacher-71", &class).await;
    let leader = school.grade_leader("leader-7", 7).await;
    let monitor = school.monitor("monitor-71", &class).await;
    let date = school.days_ago(1).to_string();
    let draw = json!({"date": date, "count": 1});
    // Positive control.
    let check =
        school.admin.post("spot-checks", &draw).await.expect_status(201, "admin draws").json;
    let sid = id(&check);
    let observe = json!({"entries": entries_json(&[("math", 20)])});
    let path = format!("spot-checks/{sid}/classes/{}", class.id);

    for api in [&teacher, &leader, &monitor] {
        api.post("spot-checks", &draw).await.expect_error(403, "forbidden");
        api.get("spot-checks").await.expect_error(403, "forbidden");
        api.get(&format!("spot-checks/{sid}")).await.expect_error(403, "forbidden");
        api.put(&path, &observe).await.expect_error(403, "forbidden");
        api.post_empty(&format!("{path}/case")).await.expect_error(403, "forbidden");
    }
    school.server.add_school("Second School", "admin2", "second-admin-pass").await;
    let admin2 = school.server.login("admin2", "second-admin-pass").await;
    admin2.get(&format!("spot-checks/{sid}")).await.expect_error(403, "forbidden");
    admin2.put(&path, &observe).await.expect_error(403, "forbidden");
    assert_eq!(admin2.get("spot-checks").await.expect_status(200, "own list").json, json!([]));
    school.admin.put(&path, &observe).await.expect_status(200, "admin records");
    school.admin.get("spot-checks").await.expect_status(200, "admin lists");
}

#[tokio::test]
async fn the_demo_school_has_an_escalated_a_resolved_and_an_overdue_case_and_a_discrepancy() {
    let server = tests::TestServer::start(tests::Options::demo()).await;
    let admin = server.admin().await;

    let cases = admin.get("cases").await.expect_status(200, "cases").json;

    let cases = cases.as_array().cloned().unwrap_or_default();
    let with = |status: &str| cases.iter().filter(|c| c["status"] == status).count();
    assert_eq!(with("escalated"), 1, "{cases:#?}");
    assert_eq!(with("resolved"), 1, "{cases:#?}");
    assert!(cases.iter().any(|c| c["status"] == "open" && c["overdue"] == true), "{cases:#?}");
    let checks = admin.get("spot-checks").await.expect_status(200, "spot checks").json;
    let discrepancies = checks
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["classes"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["discrepancy"] == true)
        .count();
    assert_eq!(discrepancies, 1, "{checks:#}");
}
