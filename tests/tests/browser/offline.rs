//! The class tablet without a network: reports recorded offline wait in the outbox, the page
//! reopens from the service worker, and everything reaches the server exactly once when the
//! network (or the server) comes back. The network is cut through the DevTools protocol.

use chrono::NaiveDate;
use serde_json::{Value, json};
use std::time::Duration;
use tests::browser::{Browser, BrowserOptions, require_built_app};
use tests::setup::days_before;
use tests::{Api, Options, Scope, TestServer};

pub const MONITOR: &str = "monitor-offline";
pub const PASSWORD: &str = "tablet-pass-4821";

/// A school with one grade-7 class and its monitor; the admin's client and the class's id.
pub async fn class_with_monitor(server: &TestServer) -> (Api, i64) {
    let admin = server.admin().await;
    let class = admin.create_class(7, "7(1)").await;
    admin.create_user(MONITOR, PASSWORD, "monitor", Scope::Class(class.id)).await;
    (admin, class.id)
}

/// Logs the monitor in on a tablet and waits until the service worker controls the page, so
/// that the app can open without a network from then on.
pub async fn tablet_ready(server: &TestServer) -> Browser {
    let tablet = Browser::start(BrowserOptions::tablet()).await;
    tablet.log_in(&server.base_url, MONITOR, PASSWORD).await;
    tablet.find("[data-subject='math'] input").await;
    tablet
        .wait_until(
            "the service worker controls the page",
            "return !!navigator.serviceWorker.controller",
            Duration::from_secs(30),
        )
        .await;
    tablet.find("#outbox-status[data-state='saved']").await;
    tablet
}

/// Picks a day on the date chips and records `minutes` per subject with the quick picks.
async fn record(tablet: &Browser, date: NaiveDate, minutes: &[(&str, u32)]) {
    tablet.click(&format!("#report-date button.date-chip[data-date='{date}']")).await;
    tablet
        .find(&format!("#report-date button.date-chip[data-date='{date}'][aria-pressed='true']"))
        .await;
    for (subject, m) in minutes {
        tablet.click(&format!("[data-subject='{subject}'] .quick-pick[data-minutes='{m}']")).await;
    }
    let total: u32 = minutes.iter().map(|(_, m)| m).sum();
    tablet.wait_text("#day-total", &format!("showed {total}"), |t| t == total.to_string()).await;
    tablet.click("#submit-report").await;
}

/// Waits until the whole outbox is on the server.
async fn all_saved(tablet: &Browser, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    while !tablet.exists("#outbox-status[data-state='saved']").await {
        assert!(tokio::time::Instant::now() < deadline, "the outbox never emptied");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The class's reports of `days`, each checked to be there once, at version 1, with `total`.
async fn assert_stored_once(admin: &Api, class: i64, days: &[(NaiveDate, u32)]) {
    let from = days.iter().map(|d| d.0).min().expect("some days");
    let to = days.iter().map(|d| d.0).max().expect("some days");
    let reports = admin.reports(class, from, to).await;
    assert_eq!(reports.len(), days.len(), "one report per day recorded: {reports:?}");
    for (date, total) in days {
        let of_day: Vec<&Value> =
            reports.iter().filter(|r| r["date"] == date.to_string()).collect();
        assert_eq!(of_day.len(), 1, "{date} is stored once: {reports:?}");
        assert_eq!(of_day[0]["version"], 1, "{date} was written once: {}", of_day[0]);
        assert_eq!(of_day[0]["total_minutes"], *total, "{date}: {}", of_day[0]);
        assert_eq!(of_day[0]["recorded_by"], MONITOR);
    }
}

#[tokio::test]
async fn two_days_recorded_offline_survive_an_offline_reload_and_reach_the_server_once_each() {
    // Arrange
    require_built_app();
    let server = TestServer::start(Options::default()).await;
    let (admin, class) = class_with_monitor(&server).await;
    let today = admin.today().await;
    let yesterday = days_before(today, 1);
    let tablet = tablet_ready(&server).await;
    tablet.screenshot("tablet-online").await;

    // Act: the Wi-Fi goes; the monitor records two days.
    tablet.set_offline(true).await;
    record(&tablet, today, &[("math", 20), ("chinese", 30), ("english", 15)]).await;
    tablet.find("#save-status[data-state='waiting']").await;
    record(&tablet, yesterday, &[("math", 10), ("history", 5)]).await;
    tablet.find("#outbox-status[data-waiting='2']").await;
    tablet.js("window.scrollTo(0, 0)").await;
    tablet.screenshot("tablet-offline-waiting").await;

    // Assert: nothing reached the server, and the monitor sees two reports waiting.
    assert!(admin.report_on(class, today).await.is_none(), "sent while offline");
    assert!(admin.report_on(class, yesterday).await.is_none(), "sent while offline");

    // Act: the page is reloaded with no network: it opens from the service worker.
    tablet.goto(&format!("{}/entry", server.base_url)).await;

    // Assert: the entry page is back with both reports still waiting, yesterday's numbers in
    // its day's form.
    tablet.find("#entry-page").await;
    tablet.find("#outbox-status[data-waiting='2']").await;
    assert!(
        tablet
            .exists(&format!(
                "#outbox-list li.outbox-item[data-date='{yesterday}'][data-state='waiting']"
            ))
            .await,
        "yesterday is listed as waiting"
    );
    tablet.click(&format!("#outbox-list li[data-date='{yesterday}'] button")).await;
    tablet.wait_text("#day-total", "showed yesterday's 15", |t| t == "15").await;

    // Act: the network comes back.
    tablet.set_offline(false).await;
    all_saved(&tablet, Duration::from_secs(60)).await;
    tablet.screenshot("tablet-back-online").await;

    // Assert: exactly those two reports, once each.
    assert_stored_once(&admin, class, &[(today, 65), (yesterday, 15)]).await;
    tablet.close().await;
}

#[tokio::test]
async fn a_server_stopped_in_the_middle_of_a_sync_loses_and_doubles_nothing() {
    // Arrange: the server keeps its port across the restart, as a school's server would.
    require_built_app();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut options = Options::default();
    options.env.push(("LISTEN_ADDR".into(), format!("127.0.0.1:{port}")));
    let mut server = TestServer::start(options).await;
    let (admin, class) = class_with_monitor(&server).await;
    let today = admin.today().await;
    let tablet = tablet_ready(&server).await;
    let days: Vec<(NaiveDate, u32)> = [5, 10, 15, 20, 30, 5]
        .iter()
        .enumerate()
        .map(|(n, m)| (days_before(today, n as u64), *m))
        .collect();

    // Act: six days recorded offline. The network returns, slow (0.4 s a request), and the
    // server goes down while the tablet is sending them.
    tablet.set_offline(true).await;
    for (date, minutes) in &days {
        record(&tablet, *date, &[("math", *minutes)]).await;
    }
    tablet.find("#outbox-status[data-waiting='6']").await;
    tablet.emulate_network(false, 400).await;
    tablet.find("#outbox-status[data-state='sending']").await;
    // The middle of the sync: a first report is on the server, the rest are not.
    let (oldest, newest) = (days_before(today, days.len() as u64 - 1), today);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while admin.reports(class, oldest, newest).await.is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "the first report never arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
    tablet.find("#outbox-status[data-state='offline']").await;
    let left = tablet.js("return document.querySelector('#outbox-status').dataset.waiting").await;
    eprintln!("reports still waiting when the server stopped: {left}");
    let left: u32 = left.as_str().and_then(|n| n.parse().ok()).unwrap_or_default();
    assert!(left >= 1, "the server stopped after the sync, not in the middle of it");
    tablet.screenshot("tablet-server-down").await;
    server.restart().await;
    tablet.emulate_network(false, 0).await;
    let admin = admin.at(&server.base_url);

    // Assert: after the restart the outbox empties by itself (its back-off timer) and the server
    // holds each day once.
    all_saved(&tablet, Duration::from_secs(90)).await;
    assert_stored_once(&admin, class, &days).await;
    tablet.close().await;
}

#[tokio::test]
async fn a_teachers_correction_is_not_overwritten_silently_and_a_refused_report_stays_on_screen() {
    // Arrange
    require_built_app();
    let server = TestServer::start(Options::default()).await;
    let (admin, class) = class_with_monitor(&server).await;
    let today = admin.today().await;
    let yesterday = days_before(today, 1);
    let tablet = tablet_ready(&server).await;

    // Act: offline, the monitor records today; meanwhile the teacher corrects today.
    tablet.set_offline(true).await;
    record(&tablet, today, &[("math", 30), ("chinese", 20)]).await;
    tablet.find("#save-status[data-state='waiting']").await;
    admin
        .put(
            &format!("classes/{class}/reports/{today}"),
            &json!({"entries": [{"subject": "math", "minutes": 45}], "version": 0}),
        )
        .await
        .expect_status(200, "the teacher's correction");
    tablet.set_offline(false).await;

    // Assert: the monitor's report waits as a conflict, showing the teacher's numbers; the
    // teacher's report is untouched.
    tablet.find("#save-status[data-state='conflict']").await;
    tablet.find("#outbox-status[data-conflicts='1']").await;
    assert!(tablet.text(".conflict-detail").await.contains("45"));
    let stored = admin.report_on(class, today).await.expect("the teacher's report");
    assert_eq!((stored["version"].as_i64(), stored["total_minutes"].as_i64()), (Some(1), Some(45)));
    tablet.screenshot("tablet-conflict").await;

    // Assert: keeping the teacher's numbers is the first choice; overwriting asks once more.
    assert!(tablet.exists("#conflict-load-theirs.primary").await, "the safe choice first");
    assert!(!tablet.exists("#conflict-overwrite.primary").await, "overwriting is no first choice");

    // Act: the monitor sends theirs over it, and says yes when asked.
    tablet.click("#conflict-overwrite-open").await;
    tablet.wait_text(".conflict-overwrite p", "asked once more", |t| !t.trim().is_empty()).await;
    tablet.click("#conflict-overwrite").await;
    all_saved(&tablet, Duration::from_secs(30)).await;

    // Assert: a deliberate overwrite, on top of version 1.
    let stored = admin.report_on(class, today).await.expect("the monitor's report");
    assert_eq!((stored["version"].as_i64(), stored["total_minutes"].as_i64()), (Some(2), Some(50)));

    // Act: offline again, yesterday is recorded; the class is archived meanwhile, so the
    // server refuses the report when it arrives.
    tablet.set_offline(true).await;
    record(&tablet, yesterday, &[("math", 10)]).await;
    tablet.find("#save-status[data-state='waiting']").await;
    admin
        .patch(&format!("classes/{class}"), &json!({"archived": true}))
        .await
        .expect_status(200, "archiving the class");
    tablet.set_offline(false).await;

    // Assert: the refusal is on screen with the server's reason, and survives a reload.
    tablet.find("#save-status[data-state='rejected']").await;
    tablet.find("#outbox-status[data-refused='1']").await;
    // The server's reason, in the monitor's language (the browser asks for Chinese).
    let reason = tablet.text("#save-status .refused-panel li[data-code='class_archived']").await;
    assert!(reason.contains("已归档"), "the server's reason is shown: {reason:?}");
    tablet.screenshot("tablet-refused").await;
    tablet.goto(&format!("{}/entry", server.base_url)).await;
    tablet.find("#outbox-status[data-refused='1']").await;
    assert!(admin.report_on(class, yesterday).await.is_none());
    tablet.close().await;
}
