//! Districts (区域监管看板): `backend add-district` and `add-school --district`, a district
//! admin's rights (its district's endpoints; every school page of its district read only;
//! nothing of another district), the district comparison against each school's own, and the
//! coverage of a day.

use crate::helpers::{PASSWORD, School};
use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::{Value, json};
use tests::{Api, Class, Scope, TestServer};

/// A district made on the command line beside the bootstrap school (which is in no district),
/// with its admin logged in and two schools it added, each with its admin logged in.
pub struct District {
    pub outside: School,
    pub id: i64,
    pub bureau: Api,
    pub east: DistrictSchool,
    pub west: DistrictSchool,
}

pub struct DistrictSchool {
    pub id: i64,
    pub admin: Api,
}

/// `backend add-district`; the district's id, which it prints alone on stdout.
pub async fn add_district(server: &TestServer, name: &str, admin: &str) -> i64 {
    let credentials = format!("{admin}:{PASSWORD}");
    let out = server.run_cli(&["add-district", "--name", name, "--admin", &credentials]).await;
    assert!(out.success, "add-district failed: {}\n{}", out.stdout, out.stderr);
    out.stdout.trim().parse().unwrap_or_else(|_| panic!("add-district printed {:?}", out.stdout))
}

impl District {
    pub async fn new() -> District {
        let outside = School::new().await;
        let id = add_district(&outside.server, "City District", "bureau").await;
        let bureau = outside.server.login("bureau", PASSWORD).await;
        let east = add_school(&outside.server, &bureau, id, "East School", "admin-east").await;
        let west = add_school(&outside.server, &bureau, id, "West School", "admin-west").await;
        District { outside, id, bureau, east, west }
    }

    pub fn path(&self, rest: &str) -> String {
        format!("districts/{}/{rest}", self.id)
    }
}

/// A school added by the district admin through the API, its admin logged in.
pub async fn add_school(
    server: &TestServer,
    bureau: &Api,
    district: i64,
    name: &str,
    admin: &str,
) -> DistrictSchool {
    let body = json!({"name": name, "admin": {"username": admin, "password": PASSWORD,
        "display_name": format!("{name} admin")}});
    let created = bureau
        .post(&format!("districts/{district}/schools"), &body)
        .await
        .expect_status(201, "adding a school to the district")
        .json;
    assert_eq!(created["name"], name);
    let id = created["school_id"].as_i64().expect("a numeric school_id");
    DistrictSchool { id, admin: server.login(admin, PASSWORD).await }
}

/// The latest weekday before `today` that is at least `n` days back.
fn weekday_before(today: NaiveDate, n: u64) -> NaiveDate {
    let mut day = tests::setup::days_before(today, n);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day = tests::setup::days_before(day, 1);
    }
    day
}

fn saturday_before(today: NaiveDate) -> NaiveDate {
    let mut day = tests::setup::days_before(today, 1);
    while day.weekday() != Weekday::Sat {
        day = tests::setup::days_before(day, 1);
    }
    day
}

#[tokio::test]
async fn a_district_admin_has_a_district_and_no_school_and_school_accounts_name_their_district() {
    // Arrange
    let d = District::new().await;

    // Act
    let bureau = d.bureau.me().await;
    let east_admin = d.east.admin.me().await;
    let outside_admin = d.outside.admin.me().await;

    // Assert
    assert_eq!(bureau["role"], "district_admin");
    assert_eq!(bureau["school_id"], Value::Null);
    assert_eq!(bureau["district_id"], d.id);
    assert_eq!(east_admin["role"], "school_admin");
    assert_eq!(east_admin["school_id"], d.east.id);
    assert_eq!(east_admin["district_id"], d.id);
    assert_eq!(outside_admin["district_id"], Value::Null);
}

#[tokio::test]
async fn add_school_with_a_district_puts_the_school_in_it_and_archived_classes_are_not_counted() {
    // Arrange
    let d = District::new().await;
    let out = d
        .outside
        .server
        .run_cli(&[
            "add-school",
            "--name",
            "North School",
            "--admin",
            &format!("admin-north:{PASSWORD}"),
            "--district",
            &d.id.to_string(),
        ])
        .await;
    assert!(out.success, "add-school --district failed: {}", out.stderr);
    let north = d.outside.server.login("admin-north", PASSWORD).await;
    north.create_class(7, "7(1)").await;
    let archived = north.create_class(7, "7(2)").await;
    north
        .patch(&format!("classes/{}", archived.id), &json!({"archived": true}))
        .await
        .expect_status(200, "archiving 7(2)");

    // Act
    let schools = d.bureau.get(&d.path("schools")).await.expect_status(200, "the schools").json;

    // Assert
    let names: Vec<&str> =
        schools.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["East School", "West School", "North School"]);
    let north_row = &schools[2];
    assert_eq!(north_row["school_id"], north.me().await["school_id"]);
    assert_eq!(north_row["class_count"], 1, "the archived class is left out");
    assert_eq!(schools[0]["class_count"], 0);
    assert_eq!(north.me().await["district_id"], d.id);
}

#[tokio::test]
async fn adding_a_school_checks_its_name_and_its_admin() {
    // Arrange
    let d = District::new().await;
    let good = || {
        json!({"name": "South School", "admin": {"username": "admin-south",
            "password": PASSWORD, "display_name": "South admin"}})
    };
    let path = d.path("schools");

    // Act / Assert: each breaks one thing of a body that is accepted.
    let mut taken = good();
    taken["admin"]["username"] = json!("admin-east");
    d.bureau.post(&path, &taken).await.expect_invalid("username_taken");
    let mut same_name = good();
    same_name["name"] = json!("East School");
    d.bureau.post(&path, &same_name).await.expect_invalid("school_name_taken");
    let mut no_name = good();
    no_name["name"] = json!("  ");
    d.bureau.post(&path, &no_name).await.expect_invalid("invalid_name");
    let mut weak = good();
    weak["admin"]["password"] = json!("short");
    d.bureau.post(&path, &weak).await.expect_invalid("weak_password");
    let mut bad_user = good();
    bad_user["admin"]["username"] = json!("x");
    d.bureau.post(&path, &bad_user).await.expect_invalid("invalid_username");
    d.bureau.post(&path, &json!({"name": "South School"})).await.expect_error(400, "bad_json");
    let listed = d.bureau.get(&path).await.expect_status(200, "the schools").json;
    assert_eq!(listed.as_array().unwrap().len(), 2, "a refused school is not made");
    d.bureau.post(&path, &good()).await.expect_status(201, "the good body");
}

#[tokio::test]
async fn only_the_districts_own_admins_reach_its_endpoints() {
    // Arrange
    let d = District::new().await;
    let class = d.east.admin.create_class(7, "7(1)").await;
    let east_person = |name: &str, role: &str, scope: Scope| {
        let (admin, server) = (d.east.admin.clone(), &d.outside.server);
        let name = name.to_owned();
        let role = role.to_owned();
        async move {
            admin.create_user(&name, PASSWORD, &role, scope).await;
            server.login(&name, PASSWORD).await
        }
    };
    let monitor = east_person("monitor-e", "monitor", Scope::Class(class.id)).await;
    let teacher = east_person("teacher-e", "teacher", Scope::Class(class.id)).await;
    let leader = east_person("leader-e", "grade_leader", Scope::Grade(7)).await;
    let other_id = add_district(&d.outside.server, "Other District", "bureau-2").await;
    let other_bureau = d.outside.server.login("bureau-2", PASSWORD).await;
    let refused: [(&str, &Api); 6] = [
        ("monitor", &monitor),
        ("teacher", &teacher),
        ("grade leader", &leader),
        ("the district's school admin", &d.east.admin),
        ("a school admin outside", &d.outside.admin),
        ("another district's admin", &other_bureau),
    ];
    let reads = ["schools", "grades/7/comparison", "grades/7/comparison.csv", "coverage"];
    let new_school = json!({"name": "Nope School", "admin": {"username": "admin-nope",
        "password": PASSWORD, "display_name": "Nope"}});

    // Act / Assert
    for rest in reads {
        d.bureau.get(&d.path(rest)).await.expect_status(200, "the district's own admin");
        d.outside.server.api().get(&d.path(rest)).await.expect_error(401, "not_logged_in");
        for (who, api) in refused {
            let r = api.get(&d.path(rest)).await;
            assert_eq!(
                (r.status, r.code()),
                (403, Some("forbidden")),
                "{who} on {rest}: {}",
                r.text
            );
        }
    }
    for (who, api) in refused {
        let r = api.post(&d.path("schools"), &new_school).await;
        assert_eq!((r.status, r.code()), (403, Some("forbidden")), "{who} adding a school");
        let r = api.get(&d.path("events")).await;
        assert_eq!((r.status, r.code()), (403, Some("forbidden")), "{who} on events");
    }
    d.outside.server.api().get(&d.path("events")).await.expect_error(401, "not_logged_in");
    other_bureau
        .get(&format!("districts/{other_id}/schools"))
        .await
        .expect_status(200, "the other district's admin on its own district");
    d.bureau.get("districts/999999/schools").await.expect_error(404, "district_not_found");
    d.bureau.get(&d.path("grades/10/comparison")).await.expect_error(404, "grade_not_found");
    let listed = d.bureau.get(&d.path("schools")).await.json;
    assert_eq!(listed.as_array().unwrap().len(), 2, "no refused request added a school");
}

#[tokio::test]
async fn a_district_admin_reads_every_school_page_of_its_district_and_writes_nothing() {
    // Arrange
    let d = District::new().await;
    let school = d.east.id;
    let class = d.east.admin.create_class(7, "7(1)").await;
    let today = d.outside.today;
    let day = weekday_before(today, 1);
    d.east.admin.put_report(class.id, day, &[("math", 30)]).await;
    d.east
        .admin
        .put(&format!("holidays/{}", tests::setup::days_after(today, 30)), &json!({"name": "x"}))
        .await
        .expect_status(200, "a holiday");
    let reads = [
        format!("classes?school_id={school}"),
        format!("classes?school_id={school}&include_archived=true"),
        format!("policy?school_id={school}"),
        format!("holidays?school_id={school}"),
        format!("classes/{}/reports", class.id),
        format!("classes/{}/reports.csv", class.id),
        format!("classes/{}/summary", class.id),
        format!("schools/{school}/grades/7/comparison"),
        format!("schools/{school}/grades/7/comparison.csv"),
        format!("schools/{school}/grades/7/days"),
        format!("schools/{school}/grades/7/days.csv"),
        format!("schools/{school}/grades/7/subjects"),
        format!("schools/{school}/grades/7/subjects.csv"),
        format!("schools/{school}/overview"),
        format!("schools/{school}/overview.csv"),
    ];

    // Act / Assert: reads
    for path in &reads {
        d.bureau.get(path).await.expect_status(200, "a district admin reading its school");
    }
    let classes = d.bureau.get(&format!("classes?school_id={school}")).await.json;
    assert_eq!(classes[0]["id"], class.id);
    let comparison = d.bureau.get(&format!("schools/{school}/grades/7/comparison")).await.json;
    let own = d.east.admin.get(&format!("schools/{school}/grades/7/comparison")).await.json;
    assert_eq!(comparison, own, "the district admin sees what the school's admin sees");

    // Writes: every one refused, and nothing changed.
    let report = json!({"entries": [{"subject": "math", "minutes": 10}]});
    let refused = [
        d.bureau.put(&tests::setup::report_path(class.id, day), &report).await,
        d.bureau.post("classes", &json!({"grade": 7, "name": "7(9)"})).await,
        d.bureau.patch(&format!("classes/{}", class.id), &json!({"name": "7(8)"})).await,
        d.bureau
            .post(
                "users",
                &json!({"username": "u-x", "password": PASSWORD,
                "display_name": "x", "role": "school_admin"}),
            )
            .await,
        d.bureau.put("policy", &d.east.admin.get("policy").await.json).await,
        d.bureau.put(&format!("holidays/{today}"), &json!({"name": "x"})).await,
        d.bureau.delete(&format!("holidays/{}", tests::setup::days_after(today, 30))).await,
        d.bureau.post(&format!("classes/{}/tablet-codes", class.id), &json!({"label": "x"})).await,
        d.bureau.get("users").await,
        d.bureau.get("audit").await,
    ];
    for r in refused {
        assert_eq!((r.status, r.code()), (403, Some("forbidden")), "{}: {}", r.request, r.text);
    }
    let after = d.east.admin.reports(class.id, day, day).await;
    assert_eq!(after[0]["total_minutes"], 30, "the report is as it was");
    assert_eq!(d.east.admin.get("classes").await.json.as_array().unwrap().len(), 1);

    // Without a school named: the classes are the whole district's; a policy needs a school.
    let west_class = d.west.admin.create_class(8, "8(1)").await;
    let all = d.bureau.get("classes").await.expect_status(200, "the district's classes").json;
    let ids: Vec<i64> = all.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [class.id, west_class.id]);
    d.bureau.get("policy").await.expect_error(400, "bad_query");
}

#[tokio::test]
async fn a_district_admin_sees_nothing_of_another_districts_or_no_districts_school() {
    // Arrange
    let d = District::new().await;
    let other_id = add_district(&d.outside.server, "Other District", "bureau-2").await;
    let other_bureau = d.outside.server.login("bureau-2", PASSWORD).await;
    let far =
        add_school(&d.outside.server, &other_bureau, other_id, "Far School", "admin-far").await;
    let far_class = far.admin.create_class(7, "7(1)").await;
    let outside_class = d.outside.admin.create_class(7, "7(1)").await;
    // The same reads succeed on the district's own school.
    let own_class = d.east.admin.create_class(7, "7(1)").await;
    let paths = |school: i64, class: &Class| {
        vec![
            format!("classes?school_id={school}"),
            format!("policy?school_id={school}"),
            format!("holidays?school_id={school}"),
            format!("classes/{}/reports", class.id),
            format!("classes/{}/summary", class.id),
            format!("schools/{school}/grades/7/comparison"),
            format!("schools/{school}/grades/7/days"),
            format!("schools/{school}/overview"),
        ]
    };
    for path in paths(d.east.id, &own_class) {
        d.bureau.get(&path).await.expect_status(200, "its own district's school");
    }

    // Act / Assert
    for (school, class) in [(far.id, &far_class), (d.outside.school_id, &outside_class)] {
        for path in paths(school, class) {
            d.bureau.get(&path).await.expect_error(403, "forbidden");
        }
    }
    // A school admin may not name another school either.
    d.east.admin.get(&format!("classes?school_id={}", far.id)).await.expect_error(403, "forbidden");
    d.east
        .admin
        .get(&format!("classes?school_id={}", d.east.id))
        .await
        .expect_status(200, "its own school named");
    d.bureau.get("classes?school_id=999999").await.expect_error(404, "school_not_found");
}

#[tokio::test]
async fn each_schools_part_of_the_district_comparison_is_its_own_grade_comparison() {
    // Arrange: two schools with different limits, reports over the window, a holiday at one,
    // a class over its limit, and a third school without the grade.
    let d = District::new().await;
    let today = d.outside.today;
    let (from, to) = (tests::setup::days_before(today, 20), tests::setup::days_before(today, 1));
    let mut policy = d.west.admin.get("policy").await.json;
    policy["limits"]["7"] = json!(60);
    d.west.admin.put("policy", &policy).await.expect_status(200, "west's own limit");
    let holiday = weekday_before(today, 5);
    d.east
        .admin
        .put(&format!("holidays/{holiday}"), &json!({"name": "sports day"}))
        .await
        .expect_status(200, "east's holiday");
    let minutes: [(&DistrictSchool, [i64; 3]); 2] =
        [(&d.east, [70, 85, 110]), (&d.west, [40, 55, 62])];
    for (school, averages) in minutes {
        for (i, average) in averages.into_iter().enumerate() {
            let class = school.admin.create_class(7, &format!("7({})", i + 1)).await;
            for back in 1..=12 {
                let day = tests::setup::days_before(today, back);
                if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) || (i == 2 && back > 9) {
                    continue;
                }
                let m = average + (back as i64 % 3) * 4 - 4;
                school
                    .admin
                    .put_report(class.id, day, &[("math", m / 2), ("chinese", m - m / 2)])
                    .await;
            }
        }
        school.admin.create_class(8, "8(1)").await;
    }
    let empty = add_school(&d.outside.server, &d.bureau, d.id, "Empty School", "admin-empty").await;
    empty.admin.create_class(8, "8(1)").await;

    // Act
    let window = format!("from={from}&to={to}");
    let district = d
        .bureau
        .get(&d.path(&format!("grades/7/comparison?{window}")))
        .await
        .expect_status(200, "the comparison")
        .json;

    // Assert
    assert_eq!(district["district_id"], d.id);
    assert_eq!(district["grade"], 7);
    assert_eq!(
        (district["from"].as_str(), district["to"].as_str()),
        (Some(&*from.to_string()), Some(&*to.to_string()))
    );
    let schools = district["schools"].as_array().unwrap();
    assert_eq!(schools.len(), 3, "every school of the district appears");
    let mut averages = Vec::new();
    for (part, school) in schools.iter().zip([&d.east, &d.west]) {
        let own = school
            .admin
            .get(&format!("schools/{}/grades/7/comparison?{window}", school.id))
            .await
            .expect_status(200, "the school's own comparison")
            .json;
        assert_eq!(part["school_id"], school.id);
        assert_eq!(part["limit_minutes"], own["limit_minutes"]);
        assert_eq!(part["grade_average_minutes"], own["grade_average_minutes"]);
        assert_eq!(part["classes"], own["classes"], "the classes as the school's own comparison");
        assert_eq!(part["class_count"], 3);
        assert_eq!(part["classes_reporting"], 3);
        let mut counts = serde_json::Map::new();
        for class in own["classes"].as_array().unwrap() {
            let mut kinds: Vec<&str> = class["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["kind"].as_str().unwrap())
                .collect();
            kinds.sort_unstable();
            kinds.dedup();
            for k in kinds {
                let n = counts.get(k).and_then(Value::as_u64).unwrap_or(0);
                counts.insert(k.to_owned(), json!(n + 1));
            }
        }
        assert_eq!(part["flag_counts"], Value::Object(counts));
        averages.push(own["grade_average_minutes"].as_f64().expect("a grade average"));
    }
    assert_eq!(schools[1]["limit_minutes"], 60);
    assert!(schools[0]["flag_counts"]["over_average_limit"].as_u64().unwrap_or(0) >= 1);
    let empty_part = &schools[2];
    assert_eq!(empty_part["school_id"], empty.id);
    assert_eq!(empty_part["class_count"], 0);
    assert_eq!(empty_part["classes_reporting"], 0);
    assert_eq!(empty_part["grade_average_minutes"], Value::Null);
    assert_eq!(empty_part["classes"], json!([]));
    let mean = ((averages[0] + averages[1]) / 2.0 * 10.0).round() / 10.0;
    assert_eq!(district["district_average_minutes"].as_f64(), Some(mean));

    // The default window: the 14 days ending today.
    let default = d.bureau.get(&d.path("grades/7/comparison")).await.json;
    assert_eq!(default["to"], today.to_string());
    assert_eq!(default["from"], tests::setup::days_before(today, 13).to_string());
}

#[tokio::test]
async fn the_district_comparison_comes_as_csv_one_row_per_school() {
    // Arrange
    let d = District::new().await;
    d.east.admin.create_class(7, "7(1)").await;

    // Act
    let by_accept = d
        .bureau
        .send(
            d.bureau
                .request(reqwest::Method::GET, &d.path("grades/7/comparison"))
                .header("Accept", "text/csv"),
        )
        .await
        .expect_status(200, "the comparison as CSV");
    let by_path =
        d.bureau.get(&d.path("grades/7/comparison.csv?lang=en")).await.expect_status(200, ".csv");

    // Assert
    for r in [&by_accept, &by_path] {
        assert!(
            r.header("content-type").unwrap_or_default().starts_with("text/csv"),
            "{:?}",
            r.headers
        );
        let lines: Vec<&str> = r.text.trim_end().split("\r\n").collect();
        assert_eq!(lines.len(), 3, "a header and one row per school: {}", r.text);
        assert!(lines[1].contains("East School") && lines[2].contains("West School"));
    }
    assert!(by_path.text.contains("school_id"), "English headers with lang=en");
}

#[tokio::test]
async fn coverage_counts_every_active_class_on_a_school_day_by_each_schools_calendar() {
    // Arrange
    let d = District::new().await;
    let today = d.outside.today;
    let day = weekday_before(today, 2);
    let reported = d.east.admin.create_class(7, "7(1)").await;
    d.east.admin.create_class(7, "7(2)").await;
    d.east.admin.create_class(1, "1(1)").await;
    let archived = d.east.admin.create_class(9, "9(1)").await;
    d.east.admin.put_report(reported.id, day, &[("math", 30)]).await;
    d.east
        .admin
        .patch(&format!("classes/{}", archived.id), &json!({"archived": true}))
        .await
        .expect_status(200, "archiving 9(1)");
    let west_class = d.west.admin.create_class(7, "7(1)").await;
    d.west
        .admin
        .put(&format!("holidays/{day}"), &json!({"name": "a holiday"}))
        .await
        .expect_status(200, "west's holiday");
    // Reported on its holiday: still not counted.
    d.west.admin.put_report(west_class.id, day, &[("math", 20)]).await;

    // Act
    let coverage = d
        .bureau
        .get(&d.path(&format!("coverage?date={day}")))
        .await
        .expect_status(200, "coverage")
        .json;

    // Assert
    assert_eq!(coverage["date"], day.to_string());
    assert_eq!(
        coverage["classes"], 3,
        "east's three active classes; west's holiday counts in no total"
    );
    assert_eq!(coverage["reported"], 1);
    let east = &coverage["schools"][0];
    assert_eq!(east["school_id"], d.east.id);
    assert_eq!(east["school_day"], true);
    assert_eq!((east["classes"].as_u64(), east["reported"].as_u64()), (Some(3), Some(1)));
    assert_eq!(east["missing"], json!(["1(1)", "7(2)"]));
    let west = &coverage["schools"][1];
    assert_eq!(west["school_id"], d.west.id);
    assert_eq!(west["school_day"], false);
    assert_eq!(west["missing"], json!([]));

    // A weekend is no school day anywhere.
    let saturday = saturday_before(today);
    let weekend = d.bureau.get(&d.path(&format!("coverage?date={saturday}"))).await.json;
    assert_eq!((weekend["classes"].as_u64(), weekend["reported"].as_u64()), (Some(0), Some(0)));
    assert!(weekend["schools"].as_array().unwrap().iter().all(|s| s["school_day"] == false));

    // Bad dates are refused; no date is today.
    d.bureau.get(&d.path("coverage?date=2026-13-01")).await.expect_error(400, "bad_date");
    let default =
        d.bureau.get(&d.path("coverage")).await.expect_status(200, "today's coverage").json;
    assert!(default["date"].is_string());
}

#[tokio::test]
async fn coverage_names_the_classes_over_their_grades_limit_by_their_schools_policy_for_a_wall_to_start_from()
 {
    // Arrange: east keeps the national 90 minutes for grade 7; west allows 120.
    let d = District::new().await;
    let day = weekday_before(d.outside.today, 2);
    let over = d.east.admin.create_class(7, "7(1)").await;
    let under = d.east.admin.create_class(7, "7(2)").await;
    let rewritten = d.east.admin.create_class(7, "7(3)").await;
    d.east.admin.create_class(7, "7(4)").await;
    d.east.admin.put_report(over.id, day, &[("math", 60), ("chinese", 50)]).await;
    d.east.admin.put_report(under.id, day, &[("math", 30)]).await;
    d.east.admin.put_report(rewritten.id, day, &[("math", 60), ("chinese", 50)]).await;
    d.east.admin.put_report(rewritten.id, day, &[("math", 40)]).await;
    let mut policy = d.west.admin.get("policy").await.expect_status(200, "west's policy").json;
    policy["limits"]["7"] = json!(120);
    d.west.admin.put("policy", &policy).await.expect_status(200, "west allows 120 in grade 7");
    let west_class = d.west.admin.create_class(7, "7(1)").await;
    d.west.admin.put_report(west_class.id, day, &[("math", 60), ("chinese", 50)]).await;

    // Act
    let coverage = d
        .bureau
        .get(&d.path(&format!("coverage?date={day}")))
        .await
        .expect_status(200, "coverage")
        .json;

    // Assert
    let east = &coverage["schools"][0];
    assert_eq!(east["school_id"], d.east.id);
    assert_eq!(east["over_limit"], json!(["7(1)"]), "110 > 90; 7(3) written again at 40");
    assert_eq!(east["missing"], json!(["7(4)"]));
    let west = &coverage["schools"][1];
    assert_eq!(west["over_limit"], json!([]), "110 is within west's own 120");
    assert_eq!(west["reported"], 1);
}

#[tokio::test]
async fn a_district_admin_lists_the_spot_checks_of_every_school_of_its_district_and_no_other() {
    // Arrange
    let d = District::new().await;
    let day = weekday_before(d.outside.today, 1);
    d.east.admin.create_class(7, "7(1)").await;
    d.west.admin.create_class(8, "8(1)").await;
    d.outside.admin.create_class(9, "9(1)").await;
    let draw = json!({"date": day, "count": 1});
    let mut drawn = Vec::new();
    for admin in [&d.east.admin, &d.west.admin, &d.outside.admin] {
        let check = admin.post("spot-checks", &draw).await.expect_status(201, "a draw").json;
        drawn.push(check["id"].as_i64().expect("an id"));
    }

    // Act
    let listed = d.bureau.get("spot-checks").await.expect_status(200, "the district's list").json;

    // Assert: east's and west's, newest first, not the school outside the district.
    let ids: Vec<i64> =
        listed.as_array().expect("a list").iter().filter_map(|c| c["id"].as_i64()).collect();
    assert_eq!(ids, vec![drawn[1], drawn[0]], "{listed}");
    let schools: Vec<i64> =
        listed.as_array().unwrap().iter().filter_map(|c| c["school_id"].as_i64()).collect();
    assert_eq!(schools, vec![d.west.id, d.east.id]);
    // Drawing is still a school admin's: the district admin reads only.
    d.bureau.post("spot-checks", &draw).await.expect_error(403, "forbidden");
}

#[tokio::test]
async fn a_school_admin_cannot_make_a_district_admin() {
    // Arrange
    let d = District::new().await;
    let body = json!({"username": "fake-bureau", "password": PASSWORD,
        "display_name": "x", "role": "school_admin"});
    d.east.admin.post("users", &body).await.expect_status(201, "a school admin is fine");

    // Act
    let mut bureau = body.clone();
    bureau["username"] = json!("fake-bureau-2");
    bureau["role"] = json!("district_admin");
    let refused = d.east.admin.post("users", &bureau).await;

    // Assert
    refused.expect_invalid("invalid_role");
}

#[tokio::test]
async fn a_schools_make_up_saturday_is_a_school_day_in_the_coverage_and_no_other_schools() {
    // Arrange
    let d = District::new().await;
    let saturday = saturday_before(d.outside.today);
    let east_class = d.east.admin.create_class(7, "7(1)").await;
    d.west.admin.create_class(7, "7(1)").await;
    d.east
        .admin
        .put(&format!("makeup-days/{saturday}"), &json!({"name": "调休"}))
        .await
        .expect_status(200, "east's make-up Saturday");

    // Act
    let coverage = d.bureau.get(&d.path(&format!("coverage?date={saturday}"))).await.json;

    // Assert
    let east = &coverage["schools"][0];
    assert_eq!(
        (east["school_id"].as_i64(), east["school_day"].as_bool()),
        (Some(d.east.id), Some(true))
    );
    assert_eq!(east["missing"], json!([east_class.name]));
    assert_eq!(coverage["schools"][1]["school_day"], false, "west keeps its weekend");
    assert_eq!((coverage["classes"].as_u64(), coverage["reported"].as_u64()), (Some(1), Some(0)));
}
