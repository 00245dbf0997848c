//! A monitor's day on the class tablet: how many taps a typical day takes, and whether every
//! control of the entry page is big enough for a finger, held upright and on its side.

use crate::offline::{MONITOR, PASSWORD, class_with_monitor};
use serde_json::Value;
use tests::browser::{Browser, BrowserOptions, require_built_app};
use tests::{Options, TestServer};

/// The interactive elements of the entry page (and the top bar) smaller than 48 × 48 px.
const SMALL_TARGETS: &str = r##"
const small = [];
for (const el of document.querySelectorAll(
    "#entry-page button, #entry-page input, #entry-page textarea, #entry-page a, .top-bar button")) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (r.width < 48 || r.height < 48) {
    small.push(`${el.id || el.className || el.tagName} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
}
return small;
"##;

/// Quick picks that stick out of their subject's card (right edge past the card's).
const STICKING_OUT: &str = r##"
const out = [];
for (const pick of document.querySelectorAll("#entry-page .subject-row .quick-pick")) {
  const card = pick.closest(".subject-row").getBoundingClientRect();
  const r = pick.getBoundingClientRect();
  if (r.right > card.right - 1 || r.left < card.left + 1) {
    out.push(`${pick.closest(".subject-row").dataset.subject} ${pick.textContent} ${Math.round(r.right)} > ${Math.round(card.right)}`);
  }
}
return out;
"##;

/// Asserts that `css` is wholly inside the window as the page stands (nothing scrolled to it).
async fn assert_on_screen(tablet: &Browser, css: &str, how: &str) {
    let script = format!(
        "const r = document.querySelector(\"{css}\").getBoundingClientRect(); \
         return [Math.round(r.top), Math.round(r.bottom), window.innerHeight]"
    );
    let place = tablet.js(&script).await;
    let at: Vec<i64> =
        place.as_array().map(|a| a.iter().filter_map(Value::as_i64).collect()).unwrap_or_default();
    assert!(at.len() == 3 && at[0] >= 0 && at[1] <= at[2], "{css} off the screen, {how}: {place}");
}

async fn assert_finger_sized(tablet: &Browser, how: &str) {
    let small = tablet.js(SMALL_TARGETS).await;
    assert_eq!(small, Value::Array(vec![]), "targets under 48 px, {how}");
    let out = tablet.js(STICKING_OUT).await;
    assert_eq!(out, Value::Array(vec![]), "quick picks outside their card, {how}");
    let overflow =
        tablet.js("return document.documentElement.scrollWidth > window.innerWidth + 1").await;
    assert_eq!(overflow, Value::Bool(false), "the page scrolls sideways, {how}");
}

#[tokio::test]
async fn a_typical_day_of_four_subjects_takes_five_taps_on_the_class_tablet() {
    // Arrange: the monitor logs in on a tablet held upright.
    require_built_app();
    let server = TestServer::start(Options::default()).await;
    let (admin, class) = class_with_monitor(&server).await;
    let today = admin.today().await;
    let tablet = Browser::start(BrowserOptions::tablet()).await;
    tablet.log_in(&server.base_url, MONITOR, PASSWORD).await;
    tablet.find("[data-subject='math'] input").await;
    // Submit is on the screen without scrolling, seven subjects shown, upright and on its side.
    assert_eq!(tablet.find_all(".subject-row").await.len(), 7, "grade 7's seven subjects");
    assert_on_screen(&tablet, "#submit-report", "upright (800 × 1280)").await;
    tablet.resize(1280, 800).await;
    assert_on_screen(&tablet, "#submit-report", "on its side (1280 × 800)").await;
    tablet.resize(800, 1280).await;
    tablet
        .js("window.taps = 0; document.addEventListener('click', () => window.taps++, true)")
        .await;

    // Act: four subjects with a quick pick or a stepper each, then Submit.
    tablet.click("[data-subject='math'] .quick-pick[data-minutes='30']").await;
    tablet.click("[data-subject='chinese'] .quick-pick[data-minutes='20']").await;
    tablet.click("[data-subject='english'] .quick-pick[data-minutes='15']").await;
    tablet.click("[data-subject='history'] .step-up").await;
    tablet.wait_text("#day-total", "showed 70", |t| t == "70").await;
    tablet.click("#submit-report").await;
    tablet.find("#save-status[data-state='saved']").await;
    // Where the monitor is looking (the bar with Submit), the day is said to be saved.
    let badge = tablet.wait_text("#outbox-badge", "said saved", |t| t.contains("已交给老师")).await;
    assert_on_screen(&tablet, "#outbox-badge", &format!("after Submit ({badge})")).await;

    // Assert: five taps, and the day is on the server as recorded.
    let taps = tablet.js("return window.taps").await;
    eprintln!("taps for a typical day of four subjects: {taps} (plus 3 to log in)");
    assert_eq!(taps, 5, "taps for a day of four subjects");
    let stored = admin.report_on(class, today).await.expect("the day is stored");
    assert_eq!(stored["total_minutes"], 70);
    let said = tablet.visible_text("#save-status").await;
    assert!(said.contains("已保存") && said.contains("70"), "the monitor reads {said:?}");
    tablet.js("document.querySelector('#save-status').scrollIntoView({block: 'center'})").await;
    tablet.screenshot("tablet-saved").await;

    // Assert: every control is finger-sized, upright and on its side.
    assert_finger_sized(&tablet, "upright (800 × 1280)").await;
    tablet.resize(1280, 800).await;
    tablet.js("window.scrollTo(0, 0)").await;
    assert_finger_sized(&tablet, "on its side (1280 × 800)").await;
    tablet.screenshot("tablet-landscape").await;
    tablet.close().await;
}
