//! The demo district as its admin sees it: the board (every school side by side with its
//! numbers, the school × day coverage, a drill-down to a school's grade page) and the wall
//! screen, which starts from the day's state (after a reload too), updates live as a report is
//! stored through the API, counts a report written again once, and comes back by itself after
//! the network dropped, with what was stored meanwhile.

use chrono::{Datelike, Weekday};
use serde_json::json;
use tests::browser::{Browser, BrowserOptions, require_built_app};
use tests::server::DEMO_PASSWORD;
use tests::{Api, Options, TestServer};

/// The demo's three schools (`backend/src/demo.rs`).
const SCHOOLS: [&str; 3] = ["城东中学 East Middle School", "城西中学 West Middle School", "Demo"];

/// The day's numbers as the API says them: classes reported, classes, classes over the limit.
async fn day_numbers(bureau: &Api, district: i64) -> (u64, u64, u64) {
    let c = bureau
        .get(&format!("districts/{district}/coverage"))
        .await
        .expect_status(200, "today's coverage")
        .json;
    let over: usize = c["schools"]
        .as_array()
        .map(|s| s.iter().map(|s| s["over_limit"].as_array().map_or(0, Vec::len)).sum())
        .unwrap_or(0);
    (c["reported"].as_u64().unwrap_or(0), c["classes"].as_u64().unwrap_or(0), over as u64)
}

/// Waits until the wall shows `numbers` (reported, classes, over the limit).
async fn wall_shows(b: &Browser, numbers: (u64, u64, u64), what: &str) {
    let (reported, classes, over) = numbers;
    b.wait_text("#wall-count", what, |t| t == reported.to_string()).await;
    b.wait_text("#wall-classes", what, |t| t == classes.to_string()).await;
    b.wait_text("#wall-over", what, |t| t == over.to_string()).await;
}

struct DemoDistrict {
    server: TestServer,
    admin: Api,
    bureau: Api,
    id: i64,
}

impl DemoDistrict {
    async fn start() -> DemoDistrict {
        require_built_app();
        let server = TestServer::start(Options::demo()).await;
        let admin = server.login("admin", DEMO_PASSWORD).await;
        let bureau = server.login("district", DEMO_PASSWORD).await;
        let id = bureau.me().await["district_id"].as_i64().expect("the demo's district");
        DemoDistrict { server, admin, bureau, id }
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/district/{}{rest}", self.server.base_url, self.id)
    }
}

#[tokio::test]
async fn the_district_admin_reads_every_school_of_the_demo_district_with_its_numbers_and_drills_down()
 {
    // Arrange
    let d = DemoDistrict::start().await;
    let comparison = d
        .bureau
        .get(&format!("districts/{}/grades/7/comparison", d.id))
        .await
        .expect_status(200, "the district's grade 7")
        .json;
    let b = Browser::start(BrowserOptions::default().english()).await;

    // Act: the district admin logs in and lands on the board.
    b.log_in(&d.server.base_url, "district", DEMO_PASSWORD).await;
    b.find("#schools-table tr[data-school-id]").await;

    // Assert: read only, every school with its numbers, as the API computed them.
    assert_eq!(b.path().await, format!("/district/{}", d.id));
    let mark = b.visible_text("#read-only").await;
    assert_eq!(mark, "Read only");
    let table = b.visible_text("#schools-table").await;
    for name in SCHOOLS {
        assert!(table.contains(name), "{name} is not on the board: {table}");
    }
    for school in comparison["schools"].as_array().expect("schools") {
        let id = &school["school_id"];
        let row = b.visible_text(&format!("#schools-table tr[data-school-id='{id}']")).await;
        let average = format!("{:.1}", school["grade_average_minutes"].as_f64().unwrap_or(0.0));
        let limit = school["limit_minutes"].to_string();
        assert!(row.contains(&average), "{} shows no average {average}: {row}", school["name"]);
        assert!(row.contains(&limit), "{} shows no limit {limit}: {row}", school["name"]);
    }
    let district_average =
        format!("{:.1}", comparison["district_average_minutes"].as_f64().expect("an average"));
    let said = b.visible_text("#district-average").await;
    assert!(said.contains(&district_average), "district average {district_average}: {said}");
    let heat = b.visible_text("#coverage-heat").await;
    for name in SCHOOLS {
        assert!(heat.contains(name), "{name} is not in the coverage heat map: {heat}");
    }
    b.find("#district-trend circle.week-point").await;
    b.js("window.scrollTo(0, 0)").await;
    b.screenshot("district-board").await;

    // Act: drill down to the first school's grade page.
    let first = b.find("#schools-table tr[data-school-id] a.school-link").await;
    let name = first.text().await.expect("a school's name");
    first.click().await.expect("the school's link");

    // Assert: that school's grade 7 comparison, its classes listed.
    b.find("tr[data-class-id]").await;
    let path = b.path().await;
    assert!(path.contains("/grades/7") || path.contains("grade=7"), "not a grade page: {path}");
    let page = b.visible_text("main").await;
    assert!(page.contains("7(1)"), "{name}'s grade page lists no 7(1): {page}");
    b.close().await;
}

#[tokio::test]
async fn the_wall_starts_from_the_days_state_updates_live_counts_a_rewrite_once_and_recovers_after_a_drop()
 {
    // Arrange: two new classes of the demo school, so that today has classes still to report
    // (today made a school day if it falls on a weekend).
    let d = DemoDistrict::start().await;
    let today = d.admin.today().await;
    if matches!(today.weekday(), Weekday::Sat | Weekday::Sun) {
        d.admin
            .put(&format!("makeup-days/{today}"), &json!({"name": "调休"}))
            .await
            .expect_status(200, "today made a school day");
    }
    let late = d.admin.create_class(7, "7(8)").await;
    let offline = d.admin.create_class(7, "7(9)").await;
    let before = day_numbers(&d.bureau, d.id).await;
    let b = Browser::start(BrowserOptions::default().english()).await;
    b.log_in(&d.server.base_url, "district", DEMO_PASSWORD).await;

    // Act: the wall opens.
    b.goto(&d.url("/wall")).await;
    b.find("#wall-day[data-ready='true']").await;

    // Assert: it starts from the day as it is, not from nothing.
    b.find("#wall-status[data-state='live']").await;
    wall_shows(&b, before, "the day's numbers on opening").await;
    let status = b.visible_text("#wall-status").await;
    assert!(status.contains("Live"), "{status}");

    // Act: a report over the limit (110 > 90) is stored through the API.
    d.admin.put_report(late.id, today, &[("math", 60), ("chinese", 50)]).await;

    // Assert: it arrives, and counts once.
    let after = (before.0 + 1, before.1, before.2 + 1);
    wall_shows(&b, after, "the new report counted").await;
    assert_eq!(day_numbers(&d.bureau, d.id).await, after, "the API agrees");
    let latest =
        b.wait_text("#wall-events li", "the new report listed", |t| t.contains("7(8)")).await;
    assert!(latest.contains("110") && latest.contains("over the limit"), "{latest}");

    // Act: the same class writes its day again, still over.
    d.admin.put_report(late.id, today, &[("math", 60), ("chinese", 40)]).await;

    // Assert: listed again, counted once.
    b.wait_text("#wall-events li", "the rewrite listed", |t| t.contains("100")).await;
    let listed = b.find_all(&format!("#wall-events li[data-class-id='{}']", late.id)).await;
    assert_eq!(listed.len(), 2, "both writes are listed");
    wall_shows(&b, after, "a rewrite counted once").await;
    b.screenshot("district-wall").await;

    // Act: the page is reloaded.
    b.goto(&d.url("/wall")).await;
    b.find("#wall-day[data-ready='true']").await;

    // Assert: the day's state, not zero.
    wall_shows(&b, after, "the day's numbers after a reload").await;

    // Act: the network drops; a report is stored meanwhile; the network comes back.
    b.set_offline(true).await;
    b.find("#wall-status[data-state='reconnecting']").await;
    let said = b.visible_text("#wall-status").await;
    assert!(said.contains("reconnecting"), "the wall says it lost its connection: {said}");
    d.admin.put_report(offline.id, today, &[("math", 30)]).await;
    b.set_offline(false).await;

    // Assert: live again, with the report stored while it was away.
    b.find("#wall-status[data-state='live']").await;
    wall_shows(&b, (after.0 + 1, after.1, after.2), "the report stored while away").await;
    b.close().await;
}
