//! Script in names and notes is shown as text, never run. A class named like an HTML image
//! with an `onerror` handler and a note holding a `<script>` are opened in a real Chromium: on
//! the class page and the grade comparison as the admin, and in the teacher's entry form. The
//! text appears literally, no dialog opens, and no element of the payload exists in the page.

use crate::fixture::{PASSWORD, School};
use serde_json::{Value, json};
use std::time::Duration;
use tests::browser::{Browser, BrowserOptions, WAIT, require_built_app};
use tests::server::{ADMIN_PASSWORD, ADMIN_USERNAME};
use tests::setup::{Scope, entries_json, report_path};

const CLASS_NAME: &str = "<img src=x onerror=alert(1)>";
const NOTE: &str = "<script>alert(2)</script><img src=x onerror=alert(3)> 数学卷子";

/// Waits until the page's text contains `text`.
async fn wait_for_text(browser: &Browser, text: &str, page: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let body = browser.js("return document.body ? document.body.innerText : ''").await;
        if body.as_str().is_some_and(|b| b.contains(text)) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{page}: {text:?} never appeared as text; the page says {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// No dialog is open and nothing of the payloads became an element of the page.
async fn assert_nothing_ran(browser: &Browser, page: &str) {
    tokio::time::sleep(Duration::from_millis(300)).await; // let an injected image fail to load
    let alert = browser.client.get_alert_text().await;
    assert!(alert.is_err(), "{page}: a dialog opened: {alert:?}");
    let injected = browser
        .js("return {
                images: document.querySelectorAll('img[src=\"x\"], img[onerror]').length,
                scripts: [...document.scripts].filter(s => s.textContent.includes('alert(')).length,
                handlers: [...document.querySelectorAll('*')]
                    .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length
            }")
        .await;
    assert_eq!(injected, json!({"images": 0, "scripts": 0, "handlers": 0}), "{page}: injected");
}

#[tokio::test]
async fn script_in_class_names_and_notes_is_shown_as_text_and_never_runs() {
    // Arrange: a class named like an image with a handler, a note with a script, and a plain
    // class beside it so the comparison has something to compare.
    require_built_app();
    let school = School::new().await;
    let evil = school.class(7, CLASS_NAME).await;
    let plain = school.class(7, "7(2)").await;
    school.person("teacher-evil", "teacher", Scope::Class(evil.id)).await;
    for n in 0..5 {
        let day = school.days_ago(n);
        school.admin.put_report(plain.id, day, &[("math", 40)]).await;
        let body = json!({"entries": entries_json(&[("math", 60), ("chinese", 45)]), "note": NOTE});
        school.admin.put(&report_path(evil.id, day), &body).await.expect_status(200, "the note");
    }
    let base = school.server.base_url.clone();
    let browser = Browser::start(BrowserOptions::default()).await;
    browser.log_in(&base, ADMIN_USERNAME, ADMIN_PASSWORD).await;

    // Act and Assert: the class page.
    browser.goto(&format!("{base}/classes/{}", evil.id)).await;
    wait_for_text(&browser, CLASS_NAME, "the class page").await;
    assert_nothing_ran(&browser, "the class page").await;
    browser.screenshot("xss-class-page").await;

    // The grade comparison.
    browser.goto(&format!("{base}/schools/{}/grades/7", school.school_id)).await;
    wait_for_text(&browser, CLASS_NAME, "the comparison").await;
    assert_nothing_ran(&browser, "the comparison").await;
    browser.screenshot("xss-comparison").await;

    // The school's overview, where classes needing attention are listed by name.
    browser.goto(&format!("{base}/school")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_nothing_ran(&browser, "the school overview").await;
    browser.close().await;

    // The teacher's entry form: the note comes back into the text box as it was written.
    let teacher = Browser::start(BrowserOptions::default()).await;
    teacher.log_in(&base, "teacher-evil", PASSWORD).await;
    teacher.goto(&format!("{base}/entry")).await;
    teacher.find("#note").await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut value = Value::Null;
    while tokio::time::Instant::now() < deadline {
        value = teacher.js("return document.querySelector('#note').value").await;
        if value == NOTE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(value, NOTE, "the note in the entry form");
    wait_for_text(&teacher, CLASS_NAME, "the entry page").await;
    assert_nothing_ran(&teacher, "the entry page").await;
    teacher.screenshot("xss-entry-note").await;
    teacher.close().await;
}
