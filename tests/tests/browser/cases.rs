//! From flag to action in the browser: a grade leader opens a case from a flag on the grade
//! page and gives it a due date, the class teacher records what was done on a phone-sized page,
//! the grade leader sees it, rechecks it and finds it resolved, and reads the half-monthly report
//! (one A4 page when printed). An admin draws a spot check, records what the inspection found,
//! sees the discrepancy marked and opens a case from it, and prints the inspection sheet.
//! Everything asserted is text a person reads.

use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::{Value, json};
use tests::browser::{Browser, BrowserOptions, require_built_app};
use tests::server::ADMIN_PASSWORD;
use tests::setup::{Scope, days_after, days_before};
use tests::{Api, TestServer};

/// The case's window: 40 to 27 days ago; the action takes effect 26 days ago, so its recheck
/// window (25 to 12 days ago) has ended by today.
const WINDOW_FROM: u64 = 40;
const WINDOW_TO: u64 = 27;
const ACTED: u64 = 26;
const PASSWORD: &str = "case-password-1";

/// Sets a date input as a person picking a day would, and lets the page hear the change.
async fn pick_date(b: &Browser, css: &str, date: NaiveDate) {
    b.find(css).await;
    b.js(&format!(
        "const e = document.querySelector({css:?}); e.value = '{date}'; \
         e.dispatchEvent(new Event('input', {{bubbles: true}})); \
         e.dispatchEvent(new Event('change', {{bubbles: true}})); return true;"
    ))
    .await;
}

async fn log_in(
    server: &TestServer,
    options: BrowserOptions,
    user: &str,
    password: &str,
) -> Browser {
    let b = Browser::start(options).await;
    b.log_in(&server.base_url, user, password).await;
    b
}

fn phone() -> BrowserOptions {
    BrowserOptions { width: 390, height: 844, ..BrowserOptions::default() }
}

async fn only_case(api: &Api) -> Value {
    let list = api.get("cases").await.expect_status(200, "the cases").json;
    let list = list.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1, "one case expected: {list:?}");
    list[0].clone()
}

#[tokio::test]
async fn a_grade_leader_opens_a_case_from_a_flag_the_teacher_acts_on_a_phone_and_the_recheck_resolves_it()
 {
    // Arrange: 7(1) averages 100 minutes over the case window against grade 7's 90; 7(2) 85, near enough the
    // grade's average to raise no flag.
    require_built_app();
    let server = TestServer::start_default().await;
    let admin = server.admin().await;
    let today = admin.today().await;
    let c1 = admin.create_class(7, "7(1)").await;
    let c2 = admin.create_class(7, "7(2)").await;
    admin.create_user("teacher-71", PASSWORD, "teacher", Scope::Class(c1.id)).await;
    admin.create_user("leader-7", PASSWORD, "grade_leader", Scope::Grade(7)).await;
    let (from, to) = (days_before(today, WINDOW_FROM), days_before(today, WINDOW_TO));
    for day in from.iter_days().take_while(|d| *d <= to) {
        admin.put_report(c1.id, day, &[("math", 60), ("chinese", 40)]).await;
        admin.put_report(c2.id, day, &[("math", 45), ("chinese", 40)]).await;
    }
    let leader = log_in(&server, BrowserOptions::default(), "leader-7", PASSWORD).await;
    let leader_api = server.login("leader-7", PASSWORD).await;

    // Act: the grade page over the window; "open case" beside 7(1)'s over-the-limit flag.
    let school = admin.me().await["school_id"].as_i64().expect("a school id");
    leader
        .goto(&format!("{}/schools/{school}/grades/7?from={from}&to={to}", server.base_url))
        .await;
    let flag = format!("tr[data-class-id='{}'] .flag[data-kind='over_average_limit']", c1.id);
    leader.find(&flag).await;
    assert!(
        !leader.exists(&format!("tr[data-class-id='{}'] button.open-case", c2.id)).await,
        "7(2), with no flag, offers a case"
    );
    leader.screenshot("cases-grade-page-flag").await;
    leader.click(&format!("{flag} button.open-case")).await;

    // Assert: the page says so, and the server has the case with the flag's numbers.
    let said = leader
        .wait_text(&format!("{flag} .case-opened"), "the case opened", |t| t.contains("已开立整改"))
        .await;
    assert!(said.contains("查看"), "no way to the case: {said}");
    let case = only_case(&leader_api).await;
    let id = case["id"].as_i64().expect("a case id");
    assert_eq!(case["status"], "open");
    assert_eq!(case["window"], json!({"from": from.to_string(), "to": to.to_string()}));

    // Act: a second click on the same flag, after a reload, finds the live case.
    leader
        .goto(&format!("{}/schools/{school}/grades/7?from={from}&to={to}", server.base_url))
        .await;
    leader.click(&format!("{flag} button.open-case")).await;
    leader
        .wait_text(&format!("{flag} .case-opened"), "the case exists", |t| {
            t.contains("已有未结整改")
        })
        .await;

    // Act: on the cases board, a due date a week from today.
    leader.click(&format!("{flag} .case-opened a")).await;
    let card = format!("#cases-open #case-{id}");
    let shown = leader.visible_text(&card).await;
    assert!(shown.contains("7(1)") && shown.contains("日均超上限"), "the open case reads: {shown}");
    let due = days_after(today, 7);
    pick_date(&leader, &format!("#case-{id}-due"), due).await;
    leader.click(&format!("#case-{id}-set-due")).await;
    leader.wait_text(&card, "the due date", |t| t.contains(&format!("截止 {due}"))).await;

    // Act: the teacher, on a phone, records what was done and the day it took effect.
    let teacher = log_in(&server, phone(), "teacher-71", PASSWORD).await;
    teacher.goto(&format!("{}/cases", server.base_url)).await;
    let text = "数学作业每天减到 40 分钟以内，家长群已通知";
    teacher.find(&format!("#cases-open #case-{id}")).await;
    teacher.fill(&format!("#case-{id}-text"), text).await;
    pick_date(&teacher, &format!("#case-{id}-date"), days_before(today, ACTED)).await;
    teacher.click(&format!("#case-{id}-act")).await;
    let acted = teacher
        .wait_text(&format!("#cases-action_taken #case-{id}"), "the action recorded", |t| {
            t.contains(text)
        })
        .await;
    assert!(acted.contains("已整改"), "the teacher's card: {acted}");
    assert!(
        !teacher.exists(&format!("#case-{id}-recheck")).await,
        "the teacher is offered a recheck"
    );
    // Chromium's headless window is never narrower than 500 px, whatever was asked: the page
    // must not be wider than the window it has.
    let width = teacher
        .js("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        .await;
    let wide = teacher
        .js("return [...document.querySelectorAll('body *')]\
             .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)\
             .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + \
             Math.round(e.getBoundingClientRect().right)).join('; ')")
        .await;
    assert!(
        width.as_i64().unwrap_or(1) <= 0,
        "the phone page scrolls sideways by {width} px (too wide: {wide})"
    );
    teacher.screenshot("cases-teacher-phone").await;
    teacher.close().await;

    // Act: the grade leader sees it, and rechecks over the window after the action.
    leader.goto(&format!("{}/cases", server.base_url)).await;
    let seen = leader.visible_text(&format!("#cases-action_taken #case-{id}")).await;
    assert!(seen.contains(text), "the leader does not see the action: {seen}");
    leader.click(&format!("#case-{id}-recheck")).await;

    // Assert: resolved, with the recheck's window in words; nothing more to do on it.
    let resolved = leader
        .wait_text(&format!("#cases-resolved #case-{id}"), "the recheck", |t| {
            t.contains("复查结果")
        })
        .await;
    let (r_from, r_to) = (days_before(today, ACTED - 1), days_before(today, ACTED - 14));
    assert!(
        resolved.contains(&format!("{r_from} – {r_to}: 已解决")),
        "the resolved case reads: {resolved}"
    );
    assert!(!leader.exists(&format!("#case-{id}-act")).await, "a resolved case takes actions");
    leader.screenshot("cases-leader-board").await;

    // Act: the half-monthly report of grade 7, from the board.
    leader.click("a.cases-report-link").await;
    leader.find("section.cases-report[data-ready='true']").await;

    // Assert: opened and resolved in this period, acted on before it.
    let count = |part: &str| {
        let b = &leader;
        let css = format!("#report-{part}");
        async move { b.find(&css).await.attr("data-count").await.ok().flatten() }
    };
    assert_eq!(count("opened").await.as_deref(), Some("1"));
    assert_eq!(count("resolved").await.as_deref(), Some("1"));
    assert_eq!(count("escalated").await.as_deref(), Some("0"));
    let report = leader.visible_text("section.cases-report").await;
    assert!(report.contains("7(1)") && report.contains(text), "the report reads: {report}");
    assert!(
        !report.contains("leader-7") && !report.contains("teacher-71"),
        "the report names people: {report}"
    );
    leader.screenshot("cases-report").await;
    let pdf = crate::print_report::print_to_pdf(&leader).await;
    let path = crate::print_report::keep(&pdf, "print-cases-report");
    let (pages, size) = crate::print_report::pdf_pages(&path);
    assert_eq!(pages, 1, "the half-monthly report printed on {pages} pages ({size})");
    assert!(size.contains("(A4)"), "not A4: {size}");
    leader.close().await;
}

/// The latest weekday before `today`.
fn last_weekday(today: NaiveDate) -> NaiveDate {
    let mut day = days_before(today, 1);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day = days_before(day, 1);
    }
    day
}

#[tokio::test]
async fn an_admin_draws_a_spot_check_records_the_inspection_and_opens_a_case_for_the_discrepancy() {
    // Arrange: two classes of grade 7 reported on a past weekday: 7(1) 60 minutes, 7(2) 40.
    require_built_app();
    let server = TestServer::start_default().await;
    let admin = server.admin().await;
    let day = last_weekday(admin.today().await);
    let c1 = admin.create_class(7, "7(1)").await;
    let c2 = admin.create_class(7, "7(2)").await;
    admin.put_report(c1.id, day, &[("math", 30), ("chinese", 30)]).await;
    admin.put_report(c2.id, day, &[("math", 20), ("chinese", 20)]).await;
    let b = log_in(&server, BrowserOptions::default(), "admin", ADMIN_PASSWORD).await;

    // Act: from the cases page to the spot checks; draw both classes of grade 7 for that day.
    b.goto(&format!("{}/cases", server.base_url)).await;
    b.click("a.spot-checks-link").await;
    pick_date(&b, "#spot-date", day).await;
    // Typed, then "Draw" clicked at once (no blur in between).
    b.fill("#spot-count", "2").await;
    b.js("const s = document.querySelector('#spot-grade'); s.value = '7'; \
          s.dispatchEvent(new Event('change', {bubbles: true})); return true;")
        .await;
    b.click("#spot-draw").await;
    let drawn = b
        .wait_text("#spot-checks-page", "the drawn spot check", |t| {
            t.contains("7(1)") && t.contains("7(2)")
        })
        .await;
    assert!(b.exists("section.spot-check").await, "no spot check drawn: {drawn}");
    let id = b
        .js("return document.querySelector('section.spot-check').id.replace('spot-check-', '')")
        .await
        .as_str()
        .and_then(|s| s.parse::<i64>().ok())
        .expect("the spot check's id");
    let heading = b.visible_text(&format!("#spot-check-{id} h2")).await;
    assert!(
        heading.contains(&day.to_string()) && heading.contains("七年级"),
        "the draw reads: {heading}"
    );

    // Act: the inspection found 7(1) as reported and 7(2) with twice as much.
    let row = |class: i64| format!("#spot-check-{id} tr[data-class-id='{class}']");
    let verdict_before = b.visible_text(&format!("{} .verdict", row(c1.id))).await;
    assert!(verdict_before.contains("未核查"), "before the inspection: {verdict_before}");
    for (class, math, chinese) in [(c1.id, "30", "30"), (c2.id, "40", "40")] {
        let form = format!("observe-{id}-{class}");
        b.fill(&format!("#{form}-math"), math).await;
        b.fill(&format!("#{form}-chinese"), chinese).await;
        b.click(&format!("#{form}-save")).await;
        b.wait_text(&format!("{} .observed", row(class)), "the observed total", |t| t != "–").await;
    }

    // Assert: reported against observed, the difference, and the discrepancy in words.
    let first = b.visible_text(&row(c1.id)).await;
    assert!(first.contains("60") && first.contains("✓ 相符"), "7(1) reads: {first}");
    let second = b.visible_text(&row(c2.id)).await;
    assert!(
        second.contains("40")
            && second.contains("80")
            && second.contains("-40")
            && second.contains("▲ 不符"),
        "7(2) reads: {second}"
    );
    assert!(
        !b.exists(&format!("#spot-case-{id}-{}", c1.id)).await,
        "a case offered where the numbers agree"
    );
    b.screenshot("spot-check").await;

    // Act + Assert: a case of its own for 7(2).
    b.click(&format!("#spot-case-{id}-{}", c2.id)).await;
    b.wait_text(&format!("{} .case-opened", row(c2.id)), "the case", |t| t.contains("已开立整改"))
        .await;
    let case = only_case(&admin).await;
    assert_eq!(case["kind"], "spot_check_discrepancy");
    assert_eq!(case["class_id"], c2.id);

    // Act + Assert: the inspection sheet: each class, its subjects, blanks to fill in.
    b.click(&format!("#spot-check-{id} a.spot-sheet-link")).await;
    let sheet = b.visible_text("#spot-sheet").await;
    for words in ["7(1)", "7(2)", "语文", "数学", "合计", "检查人签字"] {
        assert!(sheet.contains(words), "the sheet lacks {words}: {sheet}");
    }
    b.screenshot("spot-check-sheet").await;
    let pdf = crate::print_report::print_to_pdf(&b).await;
    let path = crate::print_report::keep(&pdf, "print-spot-check-sheet");
    let (pages, size) = crate::print_report::pdf_pages(&path);
    assert_eq!(pages, 1, "the inspection sheet printed on {pages} pages ({size})");
    b.close().await;
}
