//! Expected against actual: the summary's `expected_vs_actual` rows and the
//! `actual_above_expected` flag over paired days (school days with a report and a plan whose
//! expected minutes are above 0), in the summary and the grade comparison; the policy's
//! `expected_ratio` and `expected_min_minutes`.

use crate::helpers::School;
use crate::plans::{file, written};
use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::{Value, json};

/// The `n` latest weekdays before today, oldest first.
fn weekdays(school: &School, n: usize) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = (1..30)
        .map(|k| school.days_ago(k))
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .take(n)
        .collect();
    days.reverse();
    days
}

/// The latest Saturday before today.
fn saturday(school: &School) -> NaiveDate {
    (1..8)
        .map(|k| school.days_ago(k))
        .find(|d| d.weekday() == Weekday::Sat)
        .expect("a Saturday in a week")
}

async fn summary(school: &School, class_id: i64, from: NaiveDate) -> Value {
    school
        .admin
        .get(&format!("classes/{class_id}/summary?from={from}&to={}", school.today))
        .await
        .expect_status(200, "summary")
        .json
}

fn above(summary: &Value) -> Vec<Value> {
    summary["flags"]
        .as_array()
        .expect("flags is a list")
        .iter()
        .filter(|f| f["kind"] == "actual_above_expected")
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_subject_far_over_its_estimate_raises_the_flag_with_its_numbers() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let days = weekdays(&school, 3);
    for d in &days {
        file(&school.admin, class.id, *d, "math", &[written(20)]).await;
        file(&school.admin, class.id, *d, "chinese", &[written(30)]).await;
        school.admin.put_report(class.id, *d, &[("math", 40), ("chinese", 35)]).await;
    }

    let s = summary(&school, class.id, days[0]).await;

    assert_eq!(
        s["expected_vs_actual"],
        json!([
            {"subject": "chinese", "days": 3, "expected_average": 30.0, "actual_average": 35.0},
            {"subject": "math", "days": 3, "expected_average": 20.0, "actual_average": 40.0},
        ])
    );
    let flags = above(&s);
    assert_eq!(flags.len(), 1, "only math is over: {s}");
    assert_eq!(flags[0]["severity"], "warning");
    assert_eq!(flags[0]["subject"], "math");
    assert_eq!(flags[0]["days"], 3);
    assert_eq!(flags[0]["expected_average"], 20.0);
    assert_eq!(flags[0]["actual_average"], 40.0);
    assert_eq!(flags[0]["class_id"], class.id);
    assert!(flags[0]["message"].as_str().is_some_and(|m| !m.is_empty()));

    let comparison = school
        .admin
        .get(&format!(
            "schools/{}/grades/7/comparison?from={}&to={}",
            school.school_id, days[0], school.today
        ))
        .await
        .expect_status(200, "comparison")
        .json;
    let kinds: Vec<&str> = comparison["classes"][0]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"actual_above_expected"), "{comparison}");
}

#[tokio::test]
async fn the_threshold_is_the_larger_of_the_minutes_and_the_share_of_the_estimate() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let days = weekdays(&school, 3);
    // math: 20 expected, 30 actual: 10 over, not more than max(10, 10). english: 40 expected,
    // 61 actual: 21 over, more than max(10, 20). chinese: 40 expected, 60 actual: 20, not more.
    for d in &days {
        file(&school.admin, class.id, *d, "math", &[written(20)]).await;
        file(&school.admin, class.id, *d, "english", &[written(40)]).await;
        file(&school.admin, class.id, *d, "chinese", &[written(40)]).await;
        school
            .admin
            .put_report(class.id, *d, &[("math", 30), ("english", 61), ("chinese", 60)])
            .await;
    }
    let s = summary(&school, class.id, days[0]).await;
    let flagged: Vec<String> =
        above(&s).iter().map(|f| f["subject"].as_str().unwrap().to_owned()).collect();
    assert_eq!(flagged, ["english"], "{s}");

    // A lower ratio flags chinese too; a PUT without the new fields keeps them.
    let mut policy = school.admin.get("policy").await.expect_status(200, "policy").json;
    assert_eq!(policy["expected_ratio"], 0.5);
    assert_eq!(policy["expected_min_minutes"], 10);
    policy["expected_ratio"] = json!(0.25);
    policy["expected_min_minutes"] = json!(5);
    school.admin.put("policy", &policy).await.expect_status(200, "PUT policy");
    let s = summary(&school, class.id, days[0]).await;
    let flagged: Vec<String> =
        above(&s).iter().map(|f| f["subject"].as_str().unwrap().to_owned()).collect();
    assert_eq!(flagged, ["chinese", "english", "math"], "{s}");

    let mut without = policy.clone();
    let object = without.as_object_mut().unwrap();
    object.remove("expected_ratio");
    object.remove("expected_min_minutes");
    let kept = school.admin.put("policy", &without).await.expect_status(200, "PUT old policy").json;
    assert_eq!(
        (kept["expected_ratio"].clone(), kept["expected_min_minutes"].clone()),
        (json!(0.25), json!(5))
    );
    let read = school.admin.get("policy").await.json;
    assert_eq!(
        (read["expected_ratio"].clone(), read["expected_min_minutes"].clone()),
        (json!(0.25), json!(5))
    );
    let mut bad = policy.clone();
    bad["expected_ratio"] = json!(-1);
    school.admin.put("policy", &bad).await.expect_invalid("invalid_policy");
}

#[tokio::test]
async fn only_paired_school_days_count_and_a_missing_subject_took_nothing() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let days = weekdays(&school, 4);
    // Two paired days of math at 20 → 40, one paired day whose report lacks math (0), and a
    // plan without a report; a Saturday with both does not count.
    for d in &days {
        file(&school.admin, class.id, *d, "math", &[written(20)]).await;
    }
    school.admin.put_report(class.id, days[0], &[("math", 40)]).await;
    school.admin.put_report(class.id, days[1], &[("math", 40)]).await;
    school.admin.put_report(class.id, days[2], &[("chinese", 30)]).await;
    let sat = saturday(&school);
    file(&school.admin, class.id, sat, "math", &[written(20)]).await;
    school.admin.put_report(class.id, sat, &[("math", 200)]).await;
    // An oral-only plan has 0 expected minutes: not paired.
    let oral = json!({"content": "背诵", "kind": "oral", "expected_minutes": 20});
    file(&school.admin, class.id, days[0], "english", &[oral]).await;
    school.admin.put_report(class.id, days[0], &[("math", 40), ("english", 50)]).await;

    let from = days[0].min(sat);
    let s = summary(&school, class.id, from).await;
    assert_eq!(
        s["expected_vs_actual"],
        json!([{"subject": "math", "days": 3, "expected_average": 20.0, "actual_average": 26.7}]),
        "{s}"
    );
    assert!(above(&s).is_empty(), "26.7 − 20 is within 10: {s}");
}

#[tokio::test]
async fn fewer_paired_days_than_min_days_show_the_row_but_raise_no_flag() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let days = weekdays(&school, 3);
    for d in &days[..2] {
        file(&school.admin, class.id, *d, "math", &[written(10)]).await;
        school.admin.put_report(class.id, *d, &[("math", 90)]).await;
    }
    let s = summary(&school, class.id, days[0]).await;
    assert_eq!(s["expected_vs_actual"][0]["days"], 2);
    assert!(above(&s).is_empty(), "{s}");
    // The third paired day raises it.
    file(&school.admin, class.id, days[2], "math", &[written(10)]).await;
    school.admin.put_report(class.id, days[2], &[("math", 90)]).await;
    let s = summary(&school, class.id, days[0]).await;
    assert_eq!(above(&s).len(), 1, "{s}");
}

#[tokio::test]
async fn a_class_without_plans_has_no_rows() {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    school.admin.put_report(class.id, school.days_ago(1), &[("math", 40)]).await;
    let s = summary(&school, class.id, school.days_ago(3)).await;
    assert_eq!(s["expected_vs_actual"], json!([]));
}

#[tokio::test]
async fn the_demo_has_subject_teachers_matching_plans_and_one_subject_far_over_its_estimate() {
    use tests::server::DEMO_PASSWORD;
    let server = tests::TestServer::start(tests::Options::demo()).await;
    let maths = server.login("maths-7", DEMO_PASSWORD).await;
    let me = maths.me().await;
    assert_eq!(me["role"], "subject_teacher");
    assert_eq!(me["teaching"].as_array().map(Vec::len), Some(4), "{me}");
    let admin = server.admin().await;
    let school_id = admin.me().await["school_id"].as_i64().unwrap();
    let comparison = admin
        .get(&format!("schools/{school_id}/grades/7/comparison"))
        .await
        .expect_status(200, "comparison")
        .json;
    let mut over = Vec::new();
    for row in comparison["classes"].as_array().unwrap() {
        for f in row["flags"].as_array().unwrap() {
            if f["kind"] == "actual_above_expected" {
                over.push(format!(
                    "{} {}",
                    row["name"].as_str().unwrap(),
                    f["subject"].as_str().unwrap()
                ));
            }
        }
    }
    assert_eq!(over, ["7(1) math"], "{comparison}");
    let class = comparison["classes"][1]["class_id"].as_i64().unwrap();
    let s = admin.get(&format!("classes/{class}/summary")).await.expect_status(200, "summary").json;
    assert!(s["expected_vs_actual"].as_array().is_some_and(|r| r.len() >= 3), "{s}");
    let link = admin
        .post_empty(&format!("classes/{class}/notice-links"))
        .await
        .expect_status(201, "notice link")
        .json;
    let notice = server
        .api()
        .get(&format!("public/notices/{}", link["token"].as_str().unwrap()))
        .await
        .expect_status(200, "today's notice")
        .json;
    assert_eq!(notice["status"], "open");
    assert_eq!(notice["subjects"].as_array().map(Vec::len), Some(3), "{notice}");
}
