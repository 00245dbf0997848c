//! A school sets itself up through the admin pages, with nobody editing a database: the
//! bootstrap admin imports a roster with Chinese names (a file with problems first, then a good
//! one), looks after classes, accounts, the policy, holidays and the audit log; a teacher of the
//! new school issues a code for the class tablet; the tablet signs in with it and records a day;
//! the teacher then revokes the code (the tablet is signed out) and changes her own password.
//! Screenshots of every admin page go to `target/screenshots/setup-*.png`.

use fantoccini::Locator;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tests::browser::{Browser, BrowserOptions, require_built_app};
use tests::server::{ADMIN_PASSWORD, ADMIN_USERNAME};
use tests::{Api, TestServer};

/// A roster a school office might first save: a bad grade, a teacher without a username, and
/// a monitor of a class that the file puts in two grades.
const BAD_ROSTER: &str = "年级,班级,角色,用户名,姓名,密码\n\
    七,7(1),班主任,wang.li,王丽,\n\
    7,7(1),记录员,,李小明,\n\
    8,7(1),记录员,xiaoming,李小明,\n";

/// The corrected roster: classes, two teachers (one with her own password), a monitor, a grade
/// leader; Chinese headers and names, as Excel saves it (with a byte-order mark).
const ROSTER: &str = "\u{feff}年级,班级,角色,用户名,姓名,密码\r\n\
    7,7(1),,,,\r\n\
    7,7(1),班主任,wang.li,王丽,\r\n\
    7,7(1),记录员,xiaoming,李小明,\r\n\
    7,7(2),班主任,zhao.min,赵敏,Zhao-Min-2026\r\n\
    8,8(1),teacher,chen.jing,陈静,\r\n\
    7,,年级组长,zhang.wei,张伟,\r\n";

fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the roster file is written");
    path
}

async fn choose_file(browser: &Browser, path: &Path) {
    let input = browser.find("#roster-file").await;
    input
        .send_keys(&path.display().to_string())
        .await
        .unwrap_or_else(|e| panic!("choosing {}: {e}", path.display()));
}

/// Sets an `<input>`'s value as typing would (date fields take no keys in a fixed format).
async fn set_input(browser: &Browser, css: &str, value: &str) {
    browser.find(css).await;
    browser
        .js(&format!(
            "const i = document.querySelector({css:?}); i.value = {value:?}; \
             i.dispatchEvent(new InputEvent('input', {{bubbles: true}}));"
        ))
        .await;
}

async fn select(browser: &Browser, css: &str, value: &str) {
    browser
        .find(css)
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choosing {value} in {css}: {e}"));
}

/// A screenshot of the whole page, not just the window: the window grows to the page's
/// height for the shot.
async fn page_screenshot(browser: &Browser, name: &str) {
    let (width, height) = browser.client.get_window_size().await.unwrap_or((1280, 900));
    let page = browser.js("return document.documentElement.scrollHeight").await;
    let page = page.as_u64().unwrap_or(u64::from(height as u32)).clamp(400, 4000) as u32;
    browser.resize(width as u32, page + 140).await;
    browser.screenshot(name).await;
    browser.resize(width as u32, height as u32).await;
}

async fn open_section(browser: &Browser, section: &str) {
    browser.click(&format!("#admin-nav a[data-section='{section}']")).await;
    browser.find(&format!("#admin-page[data-section='{section}']")).await;
}

async fn class_id(admin: &Api, name: &str) -> i64 {
    let classes = admin.get("classes?include_archived=true").await.expect_status(200, "classes");
    classes
        .json
        .as_array()
        .and_then(|list| list.iter().find(|c| c["name"] == name))
        .and_then(|c| c["id"].as_i64())
        .unwrap_or_else(|| panic!("the school has no class {name}: {}", classes.text))
}

/// Polls the API until the class has a report on `date`.
async fn stored_report(api: &Api, class: i64, date: chrono::NaiveDate) -> Value {
    for _ in 0..100 {
        if let Some(r) = api.report_on(class, date).await {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no report for class {class} on {date} reached the server");
}

#[tokio::test]
async fn a_school_sets_itself_up_from_a_roster_and_its_class_tablet_signs_in_with_a_code() {
    // Arrange: a fresh school with only its bootstrap admin.
    require_built_app();
    let server = TestServer::start_default().await;
    let admin = server.admin().await;
    let today = admin.today().await;
    let files = tempfile::tempdir().expect("a folder for the roster files");
    let bad = write_file(files.path(), "roster-bad.csv", BAD_ROSTER);
    let good = write_file(files.path(), "roster.csv", ROSTER);
    let pc = Browser::start(BrowserOptions::default()).await;

    // Act: the admin opens the set-up from the top bar; the school has no classes yet.
    pc.log_in(&server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD).await;
    pc.click("#admin-link").await;
    pc.find("#admin-page[data-section='classes'] #no-classes-yet").await;

    // Act: the roster page; a file with problems first.
    open_section(&pc, "roster").await;
    pc.find("#roster-columns tr[data-column='display_name']").await;
    let template = pc.find("#roster-template").await.attr("href").await.ok().flatten();
    assert_eq!(template.as_deref(), Some("/api/v1/roster/template.csv"));
    choose_file(&pc, &bad).await;
    pc.click("#roster-preview").await;

    // Assert: every problem by row and column, and nothing stored.
    pc.find("#roster-problems tr[data-row='2'][data-column='grade']").await;
    pc.find("#roster-problems tr[data-row='3'][data-column='username']").await;
    let problem = pc.visible_text("#roster-problems tr[data-row='2'][data-column='grade']").await;
    assert!(problem.contains('2'), "the problem row says its row: {problem:?}");
    assert!(!pc.exists("#roster-import").await, "a file with problems cannot be imported");
    page_screenshot(&pc, "setup-roster-problems").await;
    let users = admin.get("users").await.expect_status(200, "users").json;
    assert_eq!(users.as_array().map(Vec::len), Some(1), "nothing was stored: {users}");

    // Act: the corrected file, checked first.
    choose_file(&pc, &good).await;
    pc.wait_gone("#roster-problems").await;
    pc.click("#roster-preview").await;

    // Assert: the preview names what would be created, and still nothing is stored.
    let class = "#roster-result[data-dry-run='true'] #roster-classes li[data-class='7(2)']";
    let named = pc.visible_text(class).await;
    assert!(named.contains("7(2)"), "the preview names the class: {named:?}");
    pc.find("#roster-accounts tr[data-username='xiaoming']").await;
    assert!(!pc.exists("#roster-accounts .password").await, "no password before the import");
    page_screenshot(&pc, "setup-roster-preview").await;
    assert!(admin.get("classes").await.json.as_array().is_some_and(Vec::is_empty));

    // Act: import for real.
    pc.click("#roster-import").await;
    pc.find("#roster-result[data-dry-run='false']").await;

    // Assert: generated passwords shown once, none for the teacher who brought her own.
    let teacher_password = pc.text("#roster-accounts tr[data-username='wang.li'] .password").await;
    assert!(teacher_password.trim().len() >= 8, "{teacher_password:?}");
    assert!(!pc.exists("#roster-accounts tr[data-username='zhao.min'] .password").await);
    pc.find("#roster-passwords-warning #roster-print").await;
    page_screenshot(&pc, "setup-roster-imported").await;
    let class_71 = class_id(&admin, "7(1)").await;

    // Act: classes. Create one by hand, archive another.
    open_section(&pc, "classes").await;
    pc.find("#active-classes tr[data-name='7(1)']").await;
    pc.fill("#new-class-name", "9(1)").await;
    select(&pc, "#new-class-grade", "9").await;
    pc.click("#create-class").await;
    pc.find("#class-created").await;
    pc.find(".grade-block[data-grade='9'] tr[data-name='9(1)']").await;
    // Archiving asks in the app's own dialog, naming the class; "cancel" changes nothing.
    pc.click("tr[data-name='8(1)'] .archive-class").await;
    let asked = pc.answer_ask(false).await;
    assert!(asked.contains("8(1)") && asked.contains("归档"), "the question: {asked}");
    assert!(pc.exists("#active-classes tr[data-name='8(1)']").await, "cancel archived it");
    pc.click("tr[data-name='8(1)'] .archive-class").await;
    pc.answer_ask(true).await;
    pc.find("#archived-classes tr[data-name='8(1)'] .unarchive-class").await;
    pc.click("tr[data-name='7(1)'] .tablets-button").await;
    pc.find("#tablet-codes-panel #no-tablet-codes").await;
    page_screenshot(&pc, "setup-classes").await;

    // Act: accounts. A grade leader for grade 9.
    open_section(&pc, "accounts").await;
    pc.find("#users-table tr[data-username='wang.li']").await;
    select(&pc, "#new-user-role", "grade_leader").await;
    select(&pc, "#new-user-grade", "9").await;
    pc.fill("#new-user-display-name", "孙老师").await;
    pc.fill("#new-user-username", "sun.lei").await;
    pc.click("#create-user").await;
    pc.find("#user-created").await;
    let row = pc.visible_text("#users-table tr[data-username='sun.lei']").await;
    assert!(row.contains("孙老师") && row.contains("sun.lei"), "the new account reads {row:?}");
    page_screenshot(&pc, "setup-accounts").await;

    // Act: disable the new account, asked first in the app's own dialog.
    pc.click("#users-table tr[data-username='sun.lei'] .toggle-disabled").await;
    let asked = pc.find("dialog.ask[open]").await;
    pc.screenshot("setup-disable-asked").await;
    drop(asked);
    let asked = pc.answer_ask(true).await;
    assert!(asked.contains("孙老师") && asked.contains("sun.lei"), "the question: {asked}");
    pc.find("#users-table tr[data-username='sun.lei'][data-disabled='true']").await;
    let users = admin.get("users").await.expect_status(200, "users").json;
    let sun = users.as_array().and_then(|u| u.iter().find(|u| u["username"] == "sun.lei"));
    assert_eq!(sun.map(|u| u["disabled"].clone()), Some(serde_json::json!(true)), "{users}");
    pc.click("#lang-switch").await;
    pc.wait_text("#admin-section-title", "turned English", |t| t == "Accounts").await;
    page_screenshot(&pc, "setup-accounts-en").await;
    pc.click("#lang-switch").await;

    // Act: the policy. A limit the server refuses, then one it takes.
    open_section(&pc, "policy").await;
    pc.fill("#limit-7", "700").await;
    pc.click("#save-policy").await;

    // Assert: the server's problem is shown next to the field.
    pc.wait_text("#limit-7-problem", "named the range", |t| t.contains("600")).await;
    page_screenshot(&pc, "setup-policy-problem").await;
    pc.fill("#limit-7", "80").await;
    pc.click("#save-policy").await;
    pc.find("#policy-saved").await;
    let policy = admin.get("policy").await.expect_status(200, "policy").json;
    assert_eq!(policy["limits"]["7"], 80, "{policy}");
    page_screenshot(&pc, "setup-policy").await;

    // Act: a holiday.
    open_section(&pc, "holidays").await;
    pc.find("#school-year").await;
    set_input(&pc, "#holiday-date", &today.to_string()).await;
    pc.fill("#holiday-name", "校运动会").await;
    pc.click("#add-holiday").await;
    pc.find(&format!("#holiday-list tr[data-date='{today}']")).await;
    page_screenshot(&pc, "setup-holidays").await;

    // Act: the audit log, filtered to the import.
    open_section(&pc, "audit").await;
    pc.find("#audit-table tr[data-action='holiday.put']").await;
    select(&pc, "#audit-action", "roster.import").await;
    pc.click("#audit-apply").await;
    pc.wait_gone("#audit-table tr[data-action='holiday.put']").await;
    pc.find("#audit-table tr[data-action='roster.import']").await;
    // What changed reads as words: the accounts by username and role, no JSON.
    let changed = pc.visible_text("#audit-table tr[data-action='roster.import'] .changes").await;
    assert!(changed.contains("wang.li (teacher)"), "the import's accounts read {changed:?}");
    assert!(
        !changed.contains('{') && !changed.contains('"'),
        "raw JSON in the audit log: {changed}"
    );
    let csv = pc.find("#audit-csv").await.attr("href").await.ok().flatten().unwrap_or_default();
    assert!(csv.starts_with("/api/v1/audit.csv?") && csv.contains("action=roster.import"), "{csv}");
    page_screenshot(&pc, "setup-audit").await;

    // Act: the teacher of 7(1) logs in and issues the code for the class tablet.
    pc.click("#logout").await;
    pc.find("#login-button").await;
    pc.log_in(&server.base_url, "wang.li", teacher_password.trim()).await;
    pc.click("#tablets-link").await;
    pc.find("#class-tablets-page #tablet-codes-panel").await;
    pc.fill("#tablet-label", "教室平板").await;
    pc.click("#issue-tablet-code").await;
    let code = pc.wait_text("#new-tablet-code", "showed a code", |t| t.len() == 14).await;
    assert!(
        code.split('-').all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit())),
        "{code:?}"
    );
    pc.find("#tablet-codes tr[data-revoked='false']").await;
    page_screenshot(&pc, "setup-teacher-tablet-code").await;

    // Act: on the class tablet, the monitor signs in with the code, from the login page.
    let tablet = Browser::start(BrowserOptions::tablet()).await;
    tablet.goto(&format!("{}/login", server.base_url)).await;
    tablet.click("#tablet-link").await;
    let field = tablet.find("#tablet-code").await;
    assert_eq!(field.attr("inputmode").await.ok().flatten().as_deref(), Some("numeric"));
    tablet.fill("#tablet-code", &code).await;
    tablet.screenshot("setup-tablet-sign-in").await;
    tablet.click("#tablet-sign-in").await;

    // Assert: the entry page of 7(1), as the class's tablet, with no password to change.
    tablet.find("#entry-page [data-subject='math'] input").await;
    assert_eq!(tablet.path().await, "/entry");
    assert!(!tablet.exists("#account-link").await, "a class tablet has no password");
    // A class set up today has missed nothing: its last two weeks show no ✕, and say so in
    // what a person reads as well as in the cells' state.
    let weeks = tablet.find("#two-weeks").await;
    assert!(tablet.find_all("#two-weeks .day-cell[data-state='missing']").await.is_empty());
    let shown = weeks.text().await.unwrap_or_default();
    assert!(!shown.contains('✕'), "a new class's tablet shows missed days: {shown}");

    // Act: record the day.
    tablet.fill("[data-subject='math'] input", "30").await;
    tablet.fill("[data-subject='chinese'] input", "25").await;
    tablet.wait_text("#day-total", "showed 55", |t| t.contains("55")).await;
    tablet.click("#submit-report").await;

    // Assert: the day reached the server, recorded by the tablet of 7(1).
    let report = stored_report(&admin, class_71, today).await;
    assert_eq!(report["total_minutes"], 55, "{report}");
    assert_eq!(report["recorded_by"], "教室平板", "credited to the tablet's label");
    tablet.screenshot("setup-tablet-recorded").await;
    let used = tablet.client.find(Locator::Css("#user-name")).await;
    assert!(used.is_ok(), "the top bar names the class tablet");

    // Act: the teacher revokes the code (the list now says when it was last used).
    pc.goto(&format!("{}/classes/{class_71}/tablets", server.base_url)).await;
    let row = pc.find("#tablet-codes tr[data-revoked='false']").await;
    let last_used = row.find(Locator::Css("td:nth-child(3)")).await.expect("a last-used cell");
    assert!(last_used.text().await.unwrap_or_default().contains(':'), "a time of last use");
    pc.click("#tablet-codes .revoke-code").await;
    pc.answer_ask(true).await;
    pc.find("#tablet-codes tr[data-revoked='true']").await;

    // Assert: the tablet is signed out; its next page load asks for a log-in again.
    tablet.goto(&format!("{}/entry", server.base_url)).await;
    tablet.find("#login-form #tablet-link").await;

    // Act: the teacher changes her own password.
    pc.click("#account-link").await;
    pc.fill("#current-password", teacher_password.trim()).await;
    pc.fill("#new-password", "Wang-Li-new-2026").await;
    pc.fill("#new-password-again", "Wang-Li-new-2026").await;
    pc.click("#change-password").await;
    pc.find("#password-changed").await;

    // Assert: the new password works, the old one no longer does.
    assert_eq!(server.api().login("wang.li", teacher_password.trim()).await.status, 401);
    server.login("wang.li", "Wang-Li-new-2026").await;
    tablet.close().await;
    pc.close().await;
}
