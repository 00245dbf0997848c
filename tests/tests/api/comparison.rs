//! `GET /schools/{id}/grades/{grade}/comparison`: the grade side by side, as JSON and as CSV,
//! with the flags DESIGN.md's rules give.

use crate::helpers::School;
use crate::makeup_days::monday_weeks_ago;
use chrono::NaiveDate;
use reqwest::Method;
use serde_json::{Value, json};
use tests::Response;
use tests::csv;
use tests::setup::{days_after, flag_kinds};

/// Grade 7 over last week's five school days (Monday to Friday: only school days count). Five classes report every day, with daily totals
/// whose averages are 56, 84, 100, 45 and 65: the grade average is 350 / 5 = 70 and the drift
/// threshold max(10, 0.2 × 70) = 14. So 7(3) (+30) drifts above and is over the limit of 90,
/// 7(4) (−25) drifts below, 7(1) (−14) and 7(2) (+14) sit exactly on the threshold and do not
/// drift, 7(5) (−5) is close. 7(6) reported on two days only (fewer than min_days = 3): it does
/// not count in the average and cannot drift. 7(7) reported nothing. A grade-8 class with 200
/// minutes a day must not move grade 7's numbers.
struct Grade7 {
    school: School,
    from: NaiveDate,
    to: NaiveDate,
    ids: Vec<(String, i64)>,
}

const EVERY_DAY: [(&str, i64, i64); 5] =
    [("7(1)", 26, 30), ("7(2)", 40, 44), ("7(3)", 50, 50), ("7(4)", 20, 25), ("7(5)", 30, 35)];

async fn grade_7() -> Grade7 {
    let school = School::new().await;
    let monday = monday_weeks_ago(school.today, 1);
    let day = |n: u64| days_after(monday, n);
    let mut ids = Vec::new();
    for (name, math, chinese) in EVERY_DAY {
        let class = school.class(7, name).await;
        for n in 0..5 {
            school
                .admin
                .put_report(class.id, day(n), &[("math", math), ("chinese", chinese)])
                .await;
        }
        ids.push((name.to_owned(), class.id));
    }
    let few_days = school.class(7, "7(6)").await;
    for n in 0..2 {
        school.admin.put_report(few_days.id, day(n), &[("math", 10)]).await;
    }
    ids.push(("7(6)".to_owned(), few_days.id));
    let silent = school.class(7, "7(7)").await;
    ids.push(("7(7)".to_owned(), silent.id));
    let grade_8 = school.class(8, "8(1)").await;
    for n in 0..5 {
        school.admin.put_report(grade_8.id, day(n), &[("math", 100), ("physics", 100)]).await;
    }
    let (from, to) = (monday, day(4));
    Grade7 { school, from, to, ids }
}

impl Grade7 {
    fn path(&self) -> String {
        format!(
            "schools/{}/grades/7/comparison?from={}&to={}",
            self.school.school_id, self.from, self.to
        )
    }

    fn csv_path(&self) -> String {
        format!(
            "schools/{}/grades/7/comparison.csv?from={}&to={}",
            self.school.school_id, self.from, self.to
        )
    }

    fn id(&self, name: &str) -> i64 {
        self.ids.iter().find(|(n, _)| n == name).map(|(_, id)| *id).expect("a class of the fixture")
    }
}

/// The row of a class in a comparison.
fn row(comparison: &Value, class_id: i64) -> &Value {
    comparison["classes"]
        .as_array()
        .expect("classes is a list")
        .iter()
        .find(|r| r["class_id"] == class_id)
        .unwrap_or_else(|| panic!("class {class_id} is not in the comparison: {comparison}"))
}

/// The flag kinds of a row, leaving out `missing_reports` (which depends on the weekday).
fn kinds_but_missing(row: &Value) -> Vec<String> {
    flag_kinds(&row["flags"]).into_iter().filter(|k| k != "missing_reports").collect()
}

#[tokio::test]
async fn the_comparison_flags_the_class_over_the_limit_and_the_classes_that_drift() {
    // Arrange
    let g = grade_7().await;

    // Act
    let response = g.school.admin.get(&g.path()).await;

    // Assert
    let comparison = response.expect_status(200, "comparison").json;
    assert_eq!(comparison["school_id"], g.school.school_id);
    assert_eq!(comparison["grade"], 7);
    assert_eq!(comparison["from"], g.from.to_string());
    assert_eq!(comparison["to"], g.to.to_string());
    assert_eq!(comparison["limit_minutes"], 90);
    assert_eq!(comparison["grade_average_minutes"], 70.0);
    assert_eq!(comparison["classes"].as_array().map(Vec::len), Some(7), "only grade 7's classes");

    let expected: [(&str, f64, f64, f64, &[&str]); 5] = [
        ("7(1)", 56.0, -14.0, -0.2, &[]),
        ("7(2)", 84.0, 14.0, 0.2, &[]),
        (
            "7(3)",
            100.0,
            30.0,
            0.429,
            &[
                "drift_above",
                "over_average_limit",
                "over_daily_limit",
                "over_daily_limit",
                "over_daily_limit",
                "over_daily_limit",
                "over_daily_limit",
            ],
        ),
        ("7(4)", 45.0, -25.0, -0.357, &["drift_below"]),
        ("7(5)", 65.0, -5.0, -0.071, &[]),
    ];
    for (name, average, deviation, ratio, kinds) in expected {
        let r = row(&comparison, g.id(name));
        assert_eq!(r["name"], name);
        assert_eq!(r["days_reported"], 5, "{name}: {r}");
        assert_eq!(r["average_daily_minutes"], average, "{name}: {r}");
        assert_eq!(r["deviation_minutes"], deviation, "{name}: {r}");
        assert_eq!(r["deviation_ratio"], ratio, "{name}: {r}");
        assert_eq!(flag_kinds(&r["flags"]), kinds, "{name}: {r}");
    }

    let over = row(&comparison, g.id("7(3)"));
    let flag = |kind: &str| {
        over["flags"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["kind"] == kind))
            .cloned()
            .unwrap_or_default()
    };
    let alert = flag("over_average_limit");
    assert_eq!(alert["severity"], "alert");
    assert_eq!(alert["average_daily_minutes"], 100.0);
    assert_eq!(alert["limit_minutes"], 90);
    let above = flag("drift_above");
    assert_eq!(above["severity"], "warning");
    assert_eq!(above["average_daily_minutes"], 100.0);
    assert_eq!(above["grade_average_minutes"], 70.0);
    assert_eq!(above["deviation_minutes"], 30.0);
    assert_eq!(above["threshold_minutes"], 14.0);
    let below = row(&comparison, g.id("7(4)"));
    assert_eq!(below["flags"][0]["severity"], "warning");
    assert_eq!(below["flags"][0]["deviation_minutes"], -25.0);

    let few = row(&comparison, g.id("7(6)"));
    assert_eq!(few["days_reported"], 2);
    assert_eq!(few["average_daily_minutes"], 10.0);
    assert_eq!(
        kinds_but_missing(few),
        Vec::<String>::new(),
        "fewer than min_days never drifts: {few}"
    );
    let silent = row(&comparison, g.id("7(7)"));
    assert_eq!(silent["days_reported"], 0);
    assert_eq!(silent["average_daily_minutes"], json!(null));
    assert_eq!(silent["deviation_minutes"], json!(null));
    assert_eq!(silent["deviation_ratio"], json!(null));
    assert_eq!(kinds_but_missing(silent), Vec::<String>::new(), "{silent}");
}

#[tokio::test]
async fn the_drift_threshold_comes_from_the_school_policy() {
    // Arrange: with drift_min_minutes at 40, no class of the fixture is 40 minutes off 70.
    let g = grade_7().await;
    let mut policy = g.school.admin.get("policy").await.expect_status(200, "GET policy").json;
    policy["drift_min_minutes"] = json!(40);
    g.school.admin.put("policy", &policy).await.expect_status(200, "PUT policy");

    // Act
    let response = g.school.admin.get(&g.path()).await;

    // Assert
    let comparison = response.expect_status(200, "comparison").json;
    for row in comparison["classes"].as_array().expect("classes is a list") {
        let kinds = flag_kinds(&row["flags"]);
        assert!(
            !kinds.iter().any(|k| k.starts_with("drift_")),
            "{} drifts by less than 40 minutes: {row}",
            row["name"]
        );
    }
    let over = row(&comparison, g.id("7(3)"));
    assert!(flag_kinds(&over["flags"]).contains(&"over_average_limit".to_owned()));
}

/// The comparison as CSV, asked for by `Accept: text/csv` or by the `.csv` path, in English
/// (`Accept-Language: en`) or in the default language.
async fn comparison_csv(g: &Grade7, by_path: bool, english: bool) -> Response {
    let api = &g.school.admin;
    let mut request = if by_path {
        api.request(Method::GET, &g.csv_path())
    } else {
        api.request(Method::GET, &g.path()).header("accept", "text/csv")
    };
    if english {
        request = request.header("accept-language", "en");
    }
    api.send(request).await
}

#[tokio::test]
async fn the_comparison_as_csv_has_a_header_and_one_row_per_class() {
    // Arrange
    let g = grade_7().await;

    // Act
    let by_accept = comparison_csv(&g, false, true).await;
    let by_path = comparison_csv(&g, true, true).await;
    let default_language = comparison_csv(&g, false, false).await;

    // Assert
    for (how, response) in [
        ("Accept: text/csv", &by_accept),
        (".csv path", &by_path),
        ("no Accept-Language", &default_language),
    ] {
        assert_eq!(response.status, 200, "{how}: {}", response.text);
        let content_type = response.header("content-type").unwrap_or_default();
        assert!(content_type.starts_with("text/csv"), "{how}: content-type {content_type:?}");
    }
    assert_eq!(by_accept.text, by_path.text, "both ways give the same table");

    let rows = csv::parse(&by_accept.text);
    assert_eq!(rows.len(), 1 + 7, "a header and one row per grade-7 class:\n{}", by_accept.text);
    let header = &rows[0];
    assert!(
        rows.iter().all(|r| r.len() == header.len()),
        "rows of different lengths:\n{}",
        by_accept.text
    );
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&h.as_str()))
            .unwrap_or_else(|| panic!("no {names:?} column in the header {header:?}"))
    };
    let id_col = column(&["class_id"]);
    let name_col = column(&["name", "class"]);
    let average_col = column(&["average_daily_minutes"]);
    let expected = [
        ("7(1)", Some(56.0)),
        ("7(2)", Some(84.0)),
        ("7(3)", Some(100.0)),
        ("7(4)", Some(45.0)),
        ("7(5)", Some(65.0)),
        ("7(6)", Some(10.0)),
        ("7(7)", None),
    ];
    for (name, average) in expected {
        let id = g.id(name).to_string();
        let row = rows[1..]
            .iter()
            .find(|r| r[id_col] == id)
            .unwrap_or_else(|| panic!("no row for {name}:\n{}", by_accept.text));
        assert_eq!(row[name_col], name);
        let cell = row[average_col].trim();
        assert_eq!(cell.parse::<f64>().ok(), average, "{name}'s average in the CSV: {row:?}");
    }

    let translated = csv::parse(&default_language.text);
    assert_eq!(translated.len(), rows.len(), "{}", default_language.text);
    let ids = |rows: &[Vec<String>]| {
        let mut ids: Vec<String> = rows[1..].iter().map(|r| r[id_col].clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&translated), ids(&rows), "the same classes in every language");
}
