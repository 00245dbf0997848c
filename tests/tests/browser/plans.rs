//! Homework plans in the browser: a maths teacher on a phone copies the last school day's
//! maths, changes it while the day's total follows, and files it for the four classes they
//! teach at once; a parent opens the public notice with no cookie and reads the day's homework
//! and nobody's name; the class page and the grade page show what the homework really took
//! against what was filed. What is checked is the text a person reads.

use crate::dashboards::full_screenshot;
use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::{Value, json};
use tests::browser::{Browser, BrowserOptions, require_built_app};
use tests::setup::days_before;
use tests::{Api, Class, TestServer};

const TEACHER: &str = "li-math";
const TEACHER_PASSWORD: &str = "maths-teacher-pw-1";
/// The maths teacher's display name: what the notice must never show.
const TEACHER_NAME: &str = "李明老师";
/// What the maths teacher filed on the past school days, and what it took.
const PAST_MATHS: &str = "练习册 P10 第 1–6 题";
const PAST_EXPECTED: i64 = 20;
const PAST_ACTUAL: i64 = 40;

/// A grade 7 of four classes, all of whose maths the teacher above teaches; on the past school
/// days of the last nine, 7(1)'s maths was filed at 20 minutes and took 40 (Chinese: 30 and
/// 30); today 7(1) has Chinese filed for 30 minutes.
struct PlanSchool {
    server: TestServer,
    admin: Api,
    school_id: i64,
    today: NaiveDate,
    classes: Vec<Class>,
    /// The weekdays before today with 7(1)'s plans and reports, oldest first.
    past: Vec<NaiveDate>,
}

impl PlanSchool {
    async fn build() -> PlanSchool {
        require_built_app();
        let server = TestServer::start_default().await;
        let admin = server.admin().await;
        let today = admin.today().await;
        let school_id = admin.me().await["school_id"].as_i64().expect("a school id");
        let mut classes = Vec::new();
        for n in 1..=4 {
            classes.push(admin.create_class(7, &format!("7({n})")).await);
        }
        let teaching: Vec<Value> =
            classes.iter().map(|c| json!({"class_id": c.id, "subject": "math"})).collect();
        admin
            .post(
                "users",
                &json!({"username": TEACHER, "password": TEACHER_PASSWORD,
                        "display_name": TEACHER_NAME, "role": "subject_teacher",
                        "teaching": teaching}),
            )
            .await
            .expect_status(201, "creating the maths teacher");
        let c1 = classes[0].id;
        let past: Vec<NaiveDate> = days_before(today, 9)
            .iter_days()
            .take_while(|d| *d < today)
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .collect();
        for day in &past {
            file(&admin, c1, *day, "math", &[(PAST_MATHS, "written", PAST_EXPECTED, false)]).await;
            file(&admin, c1, *day, "chinese", &[("默写《春》", "written", 30, false)]).await;
            admin.put_report(c1, *day, &[("chinese", 30), ("math", PAST_ACTUAL)]).await;
        }
        file(&admin, c1, today, "chinese", &[("阅读理解一篇", "written", 30, false)]).await;
        PlanSchool { server, admin, school_id, today, classes, past }
    }

    /// A browser logged in as `username`.
    async fn browser(&self, options: BrowserOptions, username: &str, password: &str) -> Browser {
        let b = Browser::start(options).await;
        b.log_in(&self.server.base_url, username, password).await;
        b
    }
}

/// `PUT` a subject's plan of `(content, kind, minutes, optional)` items; panics unless 200.
async fn file(
    api: &Api,
    class: i64,
    date: NaiveDate,
    subject: &str,
    items: &[(&str, &str, i64, bool)],
) {
    let items: Vec<Value> = items
        .iter()
        .map(|(content, kind, minutes, optional)| {
            json!({"content": content, "kind": kind, "expected_minutes": minutes, "optional": optional})
        })
        .collect();
    api.put(&format!("classes/{class}/plans/{date}/{subject}"), &json!({ "items": items }))
        .await
        .expect_status(200, &format!("filing {subject} for class {class} on {date}"));
}

/// A phone held upright.
fn phone() -> BrowserOptions {
    BrowserOptions { width: 375, height: 812, ..BrowserOptions::default() }
}

#[tokio::test]
async fn a_maths_teacher_on_a_phone_copies_the_last_school_day_and_files_it_for_four_classes_while_the_total_follows()
 {
    // Arrange
    let s = PlanSchool::build().await;
    let c1 = s.classes[0].id;
    let b = s.browser(phone(), TEACHER, TEACHER_PASSWORD).await;
    b.goto(&format!("{}/classes/{c1}/plans", s.server.base_url)).await;
    b.wait_text("#plan-total", "shows Chinese's 30 minutes", |t| t.contains("30 / 90")).await;

    // Act: copy the last school day's maths.
    b.click("#copy-plan").await;
    let copied = b.wait_text("#copy-result", "says what it copied", |t| t.contains("已复制")).await;

    // Assert: its item is in the form, and the day's total counts it while nothing is saved.
    let last = *s.past.last().expect("a past school day");
    assert!(copied.contains(&last.to_string()), "copied from the wrong day: {copied}");
    let content = b.js("return document.querySelector('.item-content').value").await;
    assert_eq!(content, json!(PAST_MATHS));
    b.wait_text("#plan-total", "adds the copied 20 minutes", |t| t.contains("50 / 90")).await;

    // Assert: the hint says what maths really took in this class lately.
    let hint =
        b.wait_text("#plan-hint", "shows the last days", |t| t.contains("备案平均 20")).await;
    assert!(hint.contains("实际平均 40"), "the hint lacks the actual: {hint}");

    // Act + Assert: the total follows the minutes as they are typed, over the limit and back.
    b.fill(".item-content", "练习册 P12 第 1–4 题").await;
    b.fill(".item-minutes", "70").await;
    let over = b.wait_text("#plan-total", "goes over", |t| t.contains("100 / 90")).await;
    assert!(over.contains("超出上限"), "over the limit without saying so: {over}");
    b.fill(".item-minutes", "25").await;
    let fine = b.wait_text("#plan-total", "comes back", |t| t.contains("55 / 90")).await;
    assert!(fine.contains("在上限之内"), "{fine}");

    // Act: file it for 7(2)–7(4) too.
    for c in &s.classes[1..] {
        b.click(&format!("#also-classes input[data-class='{}']", c.id)).await;
    }
    b.screenshot("plans-filing").await;
    b.click("#save-plan").await;

    // Assert: one line per class, each with its own day's total.
    for (c, total) in s.classes.iter().zip([55, 25, 25, 25]) {
        let css = format!("#file-results li[data-class='{}']", c.id);
        let line = b.wait_text(&css, "is filed", |t| !t.is_empty()).await;
        assert!(line.contains(&c.name), "{line}");
        assert!(line.contains(&format!("{total} / 90")), "{}: {line}", c.name);
        assert!(line.contains("在上限之内"), "{}: {line}", c.name);
    }
    full_screenshot(&b, "plans-filed-four-classes").await;
    for c in &s.classes {
        let day = s.admin.get(&format!("classes/{}/plans/{}", c.id, s.today)).await;
        let day = day.expect_status(200, "reading the day").json;
        let maths = day["subjects"]
            .as_array()
            .and_then(|l| l.iter().find(|p| p["subject"] == "math").cloned())
            .unwrap_or_else(|| panic!("{} has no maths filed: {day}", c.name));
        assert_eq!(maths["expected_minutes"], 25, "{}", c.name);
        assert_eq!(maths["items"][0]["content"], "练习册 P12 第 1–4 题", "{}", c.name);
        assert_eq!(maths["filed_by"], TEACHER_NAME, "{}", c.name);
    }
    b.close().await;
}

#[tokio::test]
async fn a_parent_scans_the_notice_links_qr_code_and_reads_the_days_homework_but_no_name_until_it_is_revoked()
 {
    // Arrange: the teacher files today's maths (one item optional).
    let s = PlanSchool::build().await;
    let c1 = s.classes[0].id;
    let teacher = s.server.login(TEACHER, TEACHER_PASSWORD).await;
    let items = [("练习册 P12 第 1–4 题", "written", 25, false), ("思考题 5", "written", 15, true)];
    file(&teacher, c1, s.today, "math", &items).await;

    // Act: the admin makes a link on the class page.
    let admin = s.browser(BrowserOptions::default(), "admin", tests::server::ADMIN_PASSWORD).await;
    admin.goto(&format!("{}/classes/{c1}", s.server.base_url)).await;
    admin.find("#no-notice-links").await;
    admin.click("#new-notice-link").await;

    // Assert: the address shown, and the QR code beside it says the same to a phone's camera.
    let shown = admin.wait_text("#new-notice-url", "shows the address", |t| !t.is_empty()).await;
    assert!(shown.starts_with(&format!("{}/notice/", s.server.base_url)), "{shown}");
    let scanned = admin.read_qr("#notice-qr").await;
    assert_eq!(scanned, shown, "the QR code opens another address than the one shown");
    admin.find("#notice-link-list li[data-link-id]").await;
    full_screenshot(&admin, "notice-link-qr").await;

    // Act: a phone that never logged in opens what it scanned.
    let b = Browser::start(phone()).await;
    b.goto(&scanned).await;

    // Assert: the day, its subjects and items, the total against the limit.
    let total = b.wait_text("#notice-total", "shows the total", |t| t.contains("55")).await;
    assert!(total.contains("90"), "no limit beside the total: {total}");
    let maths = b.visible_text(".notice-subject[data-subject='math']").await;
    assert!(maths.contains("练习册 P12 第 1–4 题"), "{maths}");
    assert!(maths.contains("选做"), "the optional item is not marked: {maths}");
    let date = b.visible_text("#notice-date").await;
    assert!(date.contains(&s.today.to_string()), "{date}");
    let page = b.visible_text("#public-notice").await;
    assert!(page.contains("7(1)"), "{page}");
    for name in [TEACHER_NAME, TEACHER, "Administrator", "admin"] {
        assert!(!page.contains(name), "the notice shows {name:?}: {page}");
    }
    let source = b.js("return document.documentElement.outerHTML").await;
    assert!(!source.as_str().unwrap_or_default().contains(TEACHER_NAME), "a name in the page");
    b.screenshot("notice-phone").await;

    // Act + Assert: the classroom screen shows the same in large type.
    b.click("#notice-screen").await;
    b.find("#public-notice.classroom-screen").await;
    b.resize(1280, 800).await;
    full_screenshot(&b, "notice-classroom-screen").await;

    // Act: the admin revokes the link.
    admin.click("#notice-link-list .revoke-notice-link").await;
    admin.answer_ask(true).await;
    admin.find("#no-notice-links").await;

    // Assert: the parent's address now shows nothing of the day.
    b.goto(&scanned).await;
    let gone = b.wait_text("main", "says the link is gone", |t| !t.is_empty()).await;
    assert!(!gone.contains("练习册"), "a revoked link still shows the homework: {gone}");
    assert!(!b.exists("#notice-total").await, "a revoked link still shows the total");
    b.close().await;
    admin.close().await;
}

#[tokio::test]
async fn the_tablet_scans_its_code_and_the_monitors_page_starts_from_the_days_plan() {
    // Arrange: today 7(1) has Chinese filed for 30 minutes (PlanSchool) and maths for 25.
    let s = PlanSchool::build().await;
    let c1 = s.classes[0].id;
    let teacher = s.server.login(TEACHER, TEACHER_PASSWORD).await;
    file(&teacher, c1, s.today, "math", &[("练习册 P12 第 1–4 题", "written", 25, false)]).await;

    // Act: the admin issues the class's tablet code; the tablet's camera reads its QR code.
    let admin = s.browser(BrowserOptions::default(), "admin", tests::server::ADMIN_PASSWORD).await;
    admin.goto(&format!("{}/classes/{c1}/tablets", s.server.base_url)).await;
    admin.click("#issue-tablet-code").await;
    let code = admin.wait_text("#new-tablet-code", "shows the code", |t| !t.is_empty()).await;
    let scanned = admin.read_qr("#tablet-code-qr").await;
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(scanned, format!("{}/tablet#code={digits}", s.server.base_url));
    admin.close().await;
    let tablet = Browser::start(BrowserOptions::tablet()).await;
    tablet.goto(&scanned).await;

    // Assert: the code is filled in and has left the address bar.
    tablet
        .wait_until(
            "the code fills the field",
            &format!("return document.querySelector('#tablet-code')?.value === '{code}'"),
            tests::browser::WAIT,
        )
        .await;
    assert_eq!(tablet.js("return location.hash").await, json!(""));

    // Act: sign in.
    tablet.click("#tablet-sign-in").await;

    // Assert: the filed subjects come first, maths and Chinese, each with its expected minutes.
    tablet.find("#entry-page").await;
    let first = tablet
        .wait_text(".subject-row:nth-child(1) .subject-name", "shows the plan", |t| {
            t.contains("备案预计")
        })
        .await;
    let second = tablet.visible_text(".subject-row:nth-child(2) .subject-name").await;
    let third = tablet.visible_text(".subject-row:nth-child(3) .subject-name").await;
    let planned = [first.as_str(), second.as_str()];
    assert!(planned.iter().any(|t| t.contains("数学") && t.contains("25")), "{planned:?}");
    assert!(planned.iter().any(|t| t.contains("语文") && t.contains("30")), "{planned:?}");
    assert!(!third.contains("备案预计"), "a subject without a plan shows one: {third}");

    // Act + Assert: the actual is typed beside the estimate, and a subject without a plan is
    // still there to record.
    tablet.fill("#minutes-math", "40").await;
    tablet.wait_text("#day-total", "counts the maths", |t| t.contains("40")).await;
    assert!(tablet.exists("#minutes-english").await, "English, not filed, cannot be recorded");
    tablet.screenshot("entry-from-plan").await;
    tablet.close().await;
}

#[tokio::test]
async fn a_day_over_the_limit_is_returned_by_the_grade_leader_with_a_reason_and_approved_after_the_change()
 {
    // Arrange: maths filed at 70 beside Chinese's 30: 100 of 90 minutes.
    let s = PlanSchool::build().await;
    let c1 = s.classes[0].id;
    s.admin.create_user("gl7", "grade-leader-pw-7", "grade_leader", tests::Scope::Grade(7)).await;
    let teacher = s.server.login(TEACHER, TEACHER_PASSWORD).await;
    file(&teacher, c1, s.today, "math", &[("练习册 P12–15", "written", 70, false)]).await;
    let plans = format!("{}/classes/{c1}/plans", s.server.base_url);
    let leader = s.browser(phone(), "gl7", "grade-leader-pw-7").await;
    leader.goto(&plans).await;
    leader.wait_text("#plan-status", "waits for review", |t| t.contains("待年级组长审核")).await;

    // Act + Assert: returning without a reason is refused in words, and nothing changes.
    leader.click("#return-day").await;
    let refused = leader.wait_text("#plan-error", "asks why", |t| !t.is_empty()).await;
    assert!(refused.contains("原因"), "{refused}");
    let day = s.admin.get(&format!("classes/{c1}/plans/{}", s.today)).await;
    assert_eq!(day.expect_status(200, "the day").json["status"], "needs_approval");

    // Act: the reason, then return.
    let reason = "书面作业总量超出上限，请压减";
    leader.fill("#review-reason", reason).await;
    leader.click("#return-day").await;

    // Assert: the leader sees it returned with the reason.
    let returned = leader.wait_text("#plan-status", "is returned", |t| t.contains("已退回")).await;
    assert!(returned.contains(reason), "{returned}");

    // Act + Assert: the teacher sees the outcome and the reason, cuts maths to 65 (95: still
    // over) and saves.
    let t = s.browser(phone(), TEACHER, TEACHER_PASSWORD).await;
    t.goto(&plans).await;
    let seen = t.wait_text("#plan-status", "shows the return", |x| x.contains("已退回")).await;
    assert!(seen.contains(reason), "the teacher does not see why: {seen}");
    t.wait_until(
        "maths's item is in the form",
        "return document.querySelector('.item-minutes')?.value === '70'",
        tests::browser::WAIT,
    )
    .await;
    t.fill(".item-minutes", "65").await;
    t.click("#save-plan").await;
    t.wait_text("#plan-status", "waits again", |x| x.contains("待年级组长审核")).await;
    t.close().await;

    // Act: the leader looks again and approves.
    leader.goto(&plans).await;
    leader.wait_text("#plan-status", "waits for review", |x| x.contains("待年级组长审核")).await;
    leader.click("#approve-day").await;

    // Assert: approved, as the server has it.
    leader.wait_text("#plan-status", "is approved", |x| x.contains("已同意")).await;
    let day = s.admin.get(&format!("classes/{c1}/plans/{}", s.today)).await;
    let day = day.expect_status(200, "the day").json;
    assert_eq!(day["status"], "approved", "{day}");
    assert_eq!(day["expected_written_minutes"], 95, "{day}");
    leader.screenshot("plan-approved").await;
    leader.close().await;
}

#[tokio::test]
async fn the_class_page_puts_what_maths_took_beside_what_was_filed_and_the_grade_page_marks_it() {
    // Arrange
    let s = PlanSchool::build().await;
    let c1 = s.classes[0].id;
    let b = s.browser(BrowserOptions::default(), "admin", tests::server::ADMIN_PASSWORD).await;

    // Act
    b.goto(&format!("{}/classes/{c1}", s.server.base_url)).await;

    // Assert: maths filed 20, took 40, marked; Chinese as filed, not marked.
    let maths = b.visible_text("#expected-actual li[data-subject='math']").await;
    assert!(maths.contains("备案 20.0 · 实际 40.0"), "{maths}");
    assert!(maths.contains("▲ +20.0"), "maths is not marked as over its estimate: {maths}");
    assert!(maths.contains(&format!("{} 天", s.past.len())), "{maths}");
    let chinese = b.visible_text("#expected-actual li[data-subject='chinese']").await;
    assert!(chinese.contains("备案 30.0 · 实际 30.0"), "{chinese}");
    assert!(!chinese.contains('▲'), "{chinese}");
    full_screenshot(&b, "class-expected-actual").await;

    // Act + Assert: the grade page's column names the subject.
    b.resize(1280, 900).await;
    b.goto(&format!("{}/schools/{}/grades/7", s.server.base_url, s.school_id)).await;
    let cell = b.visible_text(&format!("tr[data-class-id='{c1}'] .expected-cell")).await;
    assert!(cell.contains("数学 20 → 40"), "{cell}");
    let other =
        b.visible_text(&format!("tr[data-class-id='{}'] .expected-cell", s.classes[1].id)).await;
    assert_eq!(other, "–");
    b.close().await;
}
