//! The dashboards on known data: a grade 7 whose 7(3) averages 110 minutes against the
//! 90-minute limit, whose 7(2) left two school days unrecorded, with a school holiday in the
//! period; and a grade 8 beside it. What the charts draw is read off the SVG's attributes, and
//! what a person reads off the text on screen: the numbers on the bars, in the tables and in
//! the heat map, and the hatching that marks "over the limit" (a pattern the bar is filled with).

use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::{Value, json};
use std::time::Duration;
use tests::browser::{Browser, BrowserOptions, WAIT, require_built_app};
use tests::setup::days_before;
use tests::{Class, TestServer};

/// A school built through the API, with every number a test may check known in advance.
pub struct KnownSchool {
    pub server: TestServer,
    pub school_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// 7(1): 60 minutes every school day (30 Chinese, 30 maths).
    pub c1: Class,
    /// 7(2): 70 minutes (35 + 35), but nothing on the two days in `missing`.
    pub c2: Class,
    /// 7(3): 110 minutes (40 Chinese, 50 maths, 20 English): over the limit of 90. Grade 8 has
    /// 8(1) at 80 minutes and 8(2) at 95.
    pub c3: Class,
    /// A weekday the school has off; nobody reports on it.
    pub holiday: NaiveDate,
    /// The school days 7(2) did not record.
    pub missing: [NaiveDate; 2],
    /// The days reported (school days before today, less the holiday).
    pub reported: Vec<NaiveDate>,
}

impl KnownSchool {
    pub async fn build() -> KnownSchool {
        require_built_app();
        let server = TestServer::start_default().await;
        let admin = server.admin().await;
        let today = admin.today().await;
        let school_id = admin.me().await["school_id"].as_i64().expect("a school id");
        let (from, to) = (days_before(today, 13), today);
        let weekdays: Vec<NaiveDate> = from
            .iter_days()
            .take_while(|d| *d < today)
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .collect();
        let holiday = weekdays[0];
        // After 7(2)'s first report (weekdays[1]): missing days count from a class's start.
        let missing = [weekdays[2], weekdays[3]];
        let reported: Vec<NaiveDate> = weekdays[1..].to_vec();
        admin
            .put(&format!("holidays/{holiday}"), &json!({"name": "校庆日"}))
            .await
            .expect_status(200, "declaring the holiday");

        let c1 = admin.create_class(7, "7(1)").await;
        let c2 = admin.create_class(7, "7(2)").await;
        let c3 = admin.create_class(7, "7(3)").await;
        let c8 = [admin.create_class(8, "8(1)").await, admin.create_class(8, "8(2)").await];
        for day in &reported {
            admin.put_report(c1.id, *day, &[("chinese", 30), ("math", 30)]).await;
            if !missing.contains(day) {
                admin.put_report(c2.id, *day, &[("chinese", 35), ("math", 35)]).await;
            }
            admin.put_report(c3.id, *day, &[("chinese", 40), ("math", 50), ("english", 20)]).await;
            admin.put_report(c8[0].id, *day, &[("chinese", 40), ("math", 40)]).await;
            admin.put_report(c8[1].id, *day, &[("chinese", 45), ("physics", 50)]).await;
        }
        KnownSchool { server, school_id, from, to, c1, c2, c3, holiday, missing, reported }
    }

    pub fn query(&self) -> String {
        format!("from={}&to={}", self.from, self.to)
    }

    pub fn grade_url(&self, grade: u8) -> String {
        format!(
            "{}/schools/{}/grades/{grade}?{}",
            self.server.base_url,
            self.school_id,
            self.query()
        )
    }

    pub async fn browser(&self, options: BrowserOptions) -> Browser {
        let browser = Browser::start(options).await;
        browser.log_in(&self.server.base_url, "admin", tests::server::ADMIN_PASSWORD).await;
        browser
    }
}

/// A screenshot of the whole page, however long: the window grows to the page's height first.
pub async fn full_screenshot(b: &Browser, name: &str) {
    let width = b.js("return window.outerWidth").await.as_u64().unwrap_or(1280) as u32;
    let height =
        b.js("return document.documentElement.scrollHeight").await.as_u64().unwrap_or(900) as u32;
    b.resize(width, height.clamp(600, 6000) + 120).await;
    b.screenshot(name).await;
}

/// The text a person reads beside an SVG bar: the first `text_css` in the bar's group.
async fn text_beside(b: &Browser, bar_css: &str, text_css: &str) -> String {
    b.find(bar_css).await;
    let element =
        format!("document.querySelector({bar_css:?}).parentNode.querySelector({text_css:?})");
    b.shown_text(&element).await.unwrap_or_else(|| panic!("no {text_css} beside {bar_css}"))
}

/// How the part of a bar above the limit is painted: whether the bar has one, what fills it,
/// and whether that fill is a pattern of the same SVG with visible strokes in it.
#[derive(Debug, serde::Deserialize)]
struct Hatching {
    over_part: bool,
    fill: String,
    pattern: bool,
    stroked_marks: u32,
    height: f64,
    shown: bool,
}

async fn hatching(b: &Browser, svg_css: &str, bar_css: &str) -> Hatching {
    b.find(bar_css).await;
    let script = format!(
        r#"const svg = document.querySelector({svg_css:?});
        const bar = document.querySelector({bar_css:?});
        const part = bar.parentNode.querySelector('rect.over-part');
        if (!part) return {{over_part: false, fill: '', pattern: false, stroked_marks: 0, height: 0, shown: false}};
        const style = getComputedStyle(part);
        const fill = part.getAttribute('fill') || style.fill;
        const id = (/url\(["']?#([^"')]+)["']?\)/.exec(fill) || [])[1];
        const pattern = id ? svg.querySelector('pattern#' + CSS.escape(id)) : null;
        const marks = pattern ? Array.from(pattern.querySelectorAll('line, path')) : [];
        const stroked = marks.filter(m => {{
            const s = getComputedStyle(m);
            return s.stroke !== 'none' && parseFloat(s.strokeWidth) > 0 && parseFloat(s.strokeOpacity) > 0;
        }});
        return {{over_part: true, fill, pattern: !!pattern, stroked_marks: stroked.length,
                height: part.getBBox().height,
                shown: style.display !== 'none' && style.visibility !== 'hidden' && parseFloat(style.opacity) > 0}};"#
    );
    serde_json::from_value(b.js(&script).await).expect("the hatching as the page reports it")
}

/// Asserts that the bar is hatched above the limit: its over-the-limit part is drawn, taller
/// than nothing, filled with a pattern of its own SVG whose lines are stroked.
#[track_caller]
fn assert_hatched(h: &Hatching, what: &str) {
    assert!(h.over_part, "{what}: no part of the bar is drawn above the limit");
    assert!(
        h.pattern,
        "{what}: the part above the limit is filled with {:?}, not a pattern of its chart",
        h.fill
    );
    assert!(h.stroked_marks >= 1, "{what}: the hatch pattern {:?} has no stroked line", h.fill);
    assert!(h.height > 0.0 && h.shown, "{what}: the hatched part is not shown: {h:?}");
}

/// An attribute of the first element matching `css`, as a number.
async fn number(b: &Browser, css: &str, attribute: &str) -> f64 {
    let value = b.find(css).await.attr(attribute).await.unwrap_or_default();
    value
        .as_deref()
        .unwrap_or_default()
        .parse()
        .unwrap_or_else(|_| panic!("{css} has no numeric {attribute}: {value:?}"))
}

async fn attr(b: &Browser, css: &str, attribute: &str) -> String {
    b.find(css).await.attr(attribute).await.unwrap_or_default().unwrap_or_default()
}

/// The class ids of the comparison table's rows, top to bottom.
async fn row_order(b: &Browser) -> Vec<i64> {
    let ids = b
        .js("return Array.from(document.querySelectorAll('#comparison-table tbody tr')).map(r => Number(r.dataset.classId))")
        .await;
    serde_json::from_value(ids).expect("a list of class ids")
}

async fn wait_for_order(b: &Browser, expected: &[i64], what: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let order = row_order(b).await;
        if order == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: rows are {order:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_grade_page_draws_the_over_limit_class_above_the_limit_and_the_missing_day_as_missing()
{
    // Arrange
    let s = KnownSchool::build().await;
    let b = s.browser(BrowserOptions::default()).await;

    // Act
    b.goto(&s.grade_url(7)).await;

    // Assert: 7(3)'s bar stands above the limit line and is marked over; 7(1)'s stays below.
    let bar = |c: &Class| format!("#class-bars rect.bar[data-class-id='{}']", c.id);
    let limit_y = number(&b, "#class-bars line.limit-line", "y1").await;
    assert_eq!(attr(&b, "#class-bars line.limit-line", "data-limit").await, "90");
    assert_eq!(attr(&b, &bar(&s.c3), "data-value").await, "110.0");
    assert_eq!(attr(&b, &bar(&s.c3), "data-state").await, "over");
    let (top3, height3) =
        (number(&b, &bar(&s.c3), "y").await, number(&b, &bar(&s.c3), "height").await);
    let (top1, height1) =
        (number(&b, &bar(&s.c1), "y").await, number(&b, &bar(&s.c1), "height").await);
    assert!(
        top3 < limit_y,
        "7(3)'s bar (top at {top3}) does not reach above the limit line ({limit_y})"
    );
    assert!(
        top1 > limit_y,
        "7(1)'s bar (top at {top1}) should stay below the limit line ({limit_y})"
    );
    assert!(
        (height3 / height1 - 110.0 / 60.0).abs() < 0.02,
        "bar heights {height3} and {height1} are not as 110 to 60"
    );
    let marked = b.text("#class-bars text.bar-value.over").await;
    assert!(
        marked.contains('▲') && marked.contains("110"),
        "the over-limit bar is not marked in text: {marked:?}"
    );
    assert_eq!(attr(&b, "#class-bars line.average-line", "data-average").await, "80.0");
    assert_hatched(&hatching(&b, "#class-bars", &bar(&s.c3)).await, "7(3) over 90");
    let under = hatching(&b, "#class-bars", &bar(&s.c1)).await;
    assert!(!under.over_part, "7(1), under the limit, is hatched: {under:?}");

    // Assert: what a person reads — the numbers on the bars and in the table.
    assert_eq!(text_beside(&b, &bar(&s.c3), "text.bar-value").await, "▲ 110.0");
    assert_eq!(text_beside(&b, &bar(&s.c1), "text.bar-value").await, "60.0");
    assert_eq!(text_beside(&b, &bar(&s.c1), "text.class-name").await, "7(1)");
    let row =
        |c: &Class, cell: &str| format!("#comparison-table tr[data-class-id='{}'] {cell}", c.id);
    assert_eq!(b.visible_text(&row(&s.c3, "td.average .avg-number")).await, "▲ 110.0");
    assert_eq!(b.visible_text(&row(&s.c1, "td.average .avg-number")).await, "60.0");
    assert_eq!(b.visible_text(&row(&s.c3, "th")).await, "7(3)");
    let reported = s.reported.len();
    assert_eq!(b.visible_text(&row(&s.c1, "td.days")).await, reported.to_string());
    assert_eq!(b.visible_text(&row(&s.c2, "td.days")).await, (reported - 2).to_string());

    // Assert: the heat map tells a missing school day from the holiday and from a weekend.
    let cell = |c: &Class, d: NaiveDate| {
        format!("#heat-map rect.cell[data-class-id='{}'][data-date='{d}']", c.id)
    };
    for day in s.missing {
        assert_eq!(attr(&b, &cell(&s.c2, day), "data-state").await, "missing", "7(2) on {day}");
    }
    assert_eq!(attr(&b, &cell(&s.c2, s.holiday), "data-state").await, "holiday");
    assert_eq!(attr(&b, &cell(&s.c1, s.missing[0]), "data-state").await, "ok");
    let over_day = s.reported[0];
    assert_eq!(attr(&b, &cell(&s.c3, over_day), "data-state").await, "over");
    assert_eq!(attr(&b, &cell(&s.c3, over_day), "data-total").await, "110");
    let weekend = s.from.iter_days().find(|d| d.weekday() == Weekday::Sat).expect("a Saturday");
    assert_eq!(attr(&b, &cell(&s.c1, weekend), "data-state").await, "weekend");
    let label = b.js(&format!(
        "return document.querySelector(\"#heat-map rect.cell[data-class-id='{}'][data-date='{}']\").parentNode.textContent",
        s.c2.id, s.missing[0]
    )).await;
    assert!(
        label.as_str().is_some_and(|t| t.contains("未登记")),
        "the missing cell has no label: {label}"
    );
    // ...and says so in the text drawn on each cell, not only in its tooltip.
    assert_eq!(text_beside(&b, &cell(&s.c2, s.missing[0]), "text.cell-value").await, "未登记");
    assert_eq!(text_beside(&b, &cell(&s.c3, over_day), "text.cell-value").await, "▲110");
    assert_eq!(text_beside(&b, &cell(&s.c1, over_day), "text.cell-value").await, "60");

    // Assert: the subject that drives 7(3)'s load is maths.
    let top = attr(
        &b,
        &format!("#subjects-table tr[data-class-id='{}'] td.top", s.c3.id),
        "data-subject",
    )
    .await;
    assert_eq!(top, "math");
    let top_cell = format!("#subjects-table tr[data-class-id='{}'] td.top .cell-number", s.c3.id);
    assert_eq!(b.visible_text(&top_cell).await, "★ 50.0");

    // Assert: a CSV link sits by every table, for the period shown.
    for (id, table) in
        [("csv-download", "comparison"), ("days-csv", "days"), ("subjects-csv", "subjects")]
    {
        let href = attr(&b, &format!("#{id}"), "href").await;
        assert!(
            href.contains(&format!("/grades/7/{table}.csv?{}", s.query())),
            "#{id} links to {href}"
        );
    }
    full_screenshot(&b, "dashboard-grade").await;
    b.click("#lang-switch").await;
    b.wait_text("#comparison-page h1", "turned English", |t| t.contains("Grade 7")).await;
    full_screenshot(&b, "dashboard-grade-en").await;
    b.close().await;
}

#[tokio::test]
async fn the_grade_table_sorts_by_a_clicked_header_by_mouse_or_keyboard_and_presets_set_the_period()
{
    // Arrange
    let s = KnownSchool::build().await;
    let b = s.browser(BrowserOptions::default()).await;
    b.goto(&s.grade_url(7)).await;
    let (c1, c2, c3) = (s.c1.id, s.c2.id, s.c3.id);
    wait_for_order(&b, &[c1, c2, c3], "before any sort").await;

    // Act + Assert: the average column, biggest first, then reversed.
    b.click("#comparison-table th[data-sort-key='average'] button").await;
    wait_for_order(&b, &[c3, c2, c1], "sorted by average").await;
    assert_eq!(
        attr(&b, "#comparison-table th[data-sort-key='average']", "aria-sort").await,
        "descending"
    );
    b.click("#comparison-table th[data-sort-key='average'] button").await;
    wait_for_order(&b, &[c1, c2, c3], "sorted by average, reversed").await;
    assert_eq!(
        attr(&b, "#comparison-table th[data-sort-key='average']", "aria-sort").await,
        "ascending"
    );

    // Act + Assert: from the keyboard, Enter on the days header (7(2) reported fewest).
    let days = b.find("#comparison-table th[data-sort-key='days'] button").await;
    days.send_keys("\u{E007}").await.expect("pressing Enter on a header");
    let order = {
        wait_for_order(&b, &[c1, c3, c2], "sorted by days reported").await;
        row_order(&b).await
    };
    assert_eq!(order.last(), Some(&c2));

    // Act + Assert: the presets change the period and keep it in the address.
    b.click("#period-preset-week").await;
    let today = s.to;
    let monday = days_before(today, u64::from(today.weekday().num_days_from_monday()));
    b.wait_until(
        "the address takes this week",
        &format!("return location.search.includes('from={monday}')"),
        WAIT,
    )
    .await;
    assert_eq!(attr(&b, "#period-preset-week", "aria-pressed").await, "true");
    assert_eq!(
        b.find("#period-from").await.prop("value").await.unwrap_or_default().unwrap_or_default(),
        monday.to_string()
    );
    b.click("#period-preset-two-weeks").await;
    b.find("#period-preset-two-weeks[aria-pressed='true']").await;
    assert_eq!(attr(&b, "#period-preset-week", "aria-pressed").await, "false");
    b.close().await;
}

#[tokio::test]
async fn the_class_page_stacks_each_day_by_subject_against_the_limit_and_draws_the_weekly_trend() {
    // Arrange
    let s = KnownSchool::build().await;
    let b = s.browser(BrowserOptions::default()).await;

    // Act
    b.goto(&format!("{}/classes/{}?{}", s.server.base_url, s.c3.id, s.query())).await;

    // Assert: a reported day is three segments, maths 50, outlined to 110 above the limit line.
    let day = s.reported[0];
    let g = format!("#day-chart g.day[data-date='{day}']");
    assert_eq!(attr(&b, &g, "data-state").await, "over");
    assert_eq!(b.find_all(&format!("{g} rect.segment")).await.len(), 3);
    assert_eq!(
        attr(&b, &format!("{g} rect.segment[data-subject='math']"), "data-minutes").await,
        "50"
    );
    assert_eq!(attr(&b, &format!("{g} rect.bar"), "data-total").await, "110");
    let limit_y = number(&b, "#day-chart line.limit-line", "y1").await;
    assert_eq!(attr(&b, "#day-chart line.limit-line", "data-limit").await, "90");
    assert!(
        number(&b, &format!("{g} rect.bar"), "y").await < limit_y,
        "the 110-minute day is not above the limit"
    );
    assert_eq!(attr(&b, "#day-chart line.average-line", "data-average").await, "80.0");
    assert_hatched(&hatching(&b, "#day-chart", &format!("{g} rect.bar")).await, "110 on {day}");
    // What a person reads: the day's total over its bar, the subject's average in words.
    assert_eq!(text_beside(&b, &format!("{g} rect.bar"), "text.bar-value").await, "▲110");
    let math = "#subject-averages [data-subject='math']";
    assert_eq!(b.visible_text(&format!("{math} .bar-number")).await, "50.0 · 45%");
    assert_eq!(b.visible_text(&format!("{math} .bar-name")).await, "数学");
    // The holiday is no school day, so it is not missing.
    assert_eq!(
        attr(&b, &format!("#day-chart g.day[data-date='{}']", s.holiday), "data-state").await,
        "none"
    );

    // Assert: the trend, week by week, and the flags in words with their numbers.
    let points = b.find_all("#week-trend circle.week-point").await;
    assert!(points.len() >= 2, "a two-week period has at least two weeks: {}", points.len());
    for p in points {
        assert_eq!(p.attr("data-value").await.ok().flatten().as_deref(), Some("110.0"));
    }
    let flag = b.text("#class-flags .flag[data-kind='over_average_limit']").await;
    assert!(
        flag.contains("110") && flag.contains("90"),
        "the flag does not say its numbers: {flag:?}"
    );
    assert_eq!(attr(&b, "#subject-averages [data-subject='math']", "data-value").await, "50.0");
    full_screenshot(&b, "dashboard-class").await;

    // Assert: 7(2)'s unrecorded school days are drawn as missing.
    b.goto(&format!("{}/classes/{}?{}", s.server.base_url, s.c2.id, s.query())).await;
    for day in s.missing {
        let g = format!("#day-chart g.day[data-date='{day}']");
        assert_eq!(attr(&b, &g, "data-state").await, "missing");
        assert_eq!(b.visible_text(&format!("{g} text.missing-mark")).await, "✕", "{day}");
    }
    b.close().await;

    // The class page on a tablet, in English.
    let tablet = s.browser(BrowserOptions::tablet().english()).await;
    tablet.goto(&format!("{}/classes/{}?{}", s.server.base_url, s.c3.id, s.query())).await;
    tablet.find("#day-chart g.day").await;
    full_screenshot(&tablet, "dashboard-class-tablet-en").await;
    tablet.close().await;
}

#[tokio::test]
async fn the_school_page_shows_every_grade_against_its_limit_and_the_classes_needing_attention_first()
 {
    // Arrange
    let s = KnownSchool::build().await;
    let b = s.browser(BrowserOptions::default()).await;

    // Act
    b.goto(&format!("{}/school?{}", s.server.base_url, s.query())).await;

    // Assert: each grade's average against its limit, and its flags counted by kind.
    let g7 = ".grade-section[data-grade='7']";
    assert_eq!(attr(&b, &format!("{g7} svg.glance-bar rect.bar"), "data-value").await, "80.0");
    assert_eq!(attr(&b, &format!("{g7} svg.glance-bar line.limit-line"), "data-limit").await, "90");
    assert_eq!(
        attr(&b, &format!("{g7} .flag-counts li[data-kind='over_average_limit']"), "data-count")
            .await,
        "1"
    );
    assert_eq!(
        attr(&b, &format!("{g7} .flag-counts li[data-kind='missing_reports']"), "data-count").await,
        "1"
    );
    let g8 = ".grade-section[data-grade='8']";
    assert_eq!(attr(&b, &format!("{g8} svg.glance-bar rect.bar"), "data-value").await, "87.5");
    // What a person reads: each grade's average against its limit, and the flags counted.
    let glance = |g: &str| format!("{g} .glance-numbers");
    let (seven, eight) = (b.visible_text(&glance(g7)).await, b.visible_text(&glance(g8)).await);
    assert!(seven.starts_with("80.0 ") && seven.ends_with(" 90"), "grade 7 reads {seven:?}");
    assert!(eight.starts_with("87.5 ") && eight.ends_with(" 90"), "grade 8 reads {eight:?}");
    let count = |kind: &str| format!("{g7} .flag-counts li[data-kind='{kind}'] .count");
    assert_eq!(b.visible_text(&count("over_average_limit")).await, "1");
    assert_eq!(b.visible_text(&count("missing_reports")).await, "1");

    // Assert: 7(3), the one alert, heads the attention list; its link opens its page.
    let first = b.find("#attention li.attention-item").await;
    assert_eq!(first.attr("data-class-id").await.ok().flatten(), Some(s.c3.id.to_string()));
    let listed: Value = b
        .js("return Array.from(document.querySelectorAll('#attention li.attention-item')).map(li => Number(li.dataset.classId))")
        .await;
    assert!(
        listed.as_array().is_some_and(|l| l.iter().any(|v| v == &json!(s.c2.id))),
        "7(2) is missing reports but not listed: {listed}"
    );
    assert!(
        b.text("#attention").await.contains("110"),
        "the attention list does not say 7(3)'s average"
    );
    let href = attr(&b, "#overview-csv", "href").await;
    assert!(
        href.contains(&format!("/overview.csv?{}", s.query())),
        "#overview-csv links to {href}"
    );
    full_screenshot(&b, "dashboard-school").await;
    b.click(&format!("#attention li.attention-item[data-class-id='{}'] a.class-link", s.c3.id))
        .await;
    b.find("#day-chart").await;
    assert_eq!(b.path().await, format!("/classes/{}", s.c3.id));
    b.close().await;
}
