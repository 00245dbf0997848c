//! The body of `PUT /classes/{id}/reports/{date}` from any bytes: deserialising
//! `shared::api::PutDayReport` and validating it (entries, note, date) never panics; a body
//! that parses survives a round trip through JSON unchanged.

#![no_main]

use chrono::{Days, NaiveDate};
use libfuzzer_sys::fuzz_target;
use shared::api::PutDayReport;
use shared::report::{EditWindow, check_report_date, validate_entries, validate_note};
use shared::{Grade, Policy};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let Ok(report) = serde_json::from_slice::<PutDayReport>(body) else { return };

    let again = serde_json::to_vec(&report).expect("a parsed body serialises");
    let back: PutDayReport = serde_json::from_slice(&again).expect("and parses again");
    assert_eq!(serde_json::to_vec(&back).expect("serialises"), again, "a round trip changed it");

    let Ok(grade) = Grade::new(i64::from(selector % 9) + 1) else { return };
    let policy = Policy::default();
    let _ = validate_entries(grade, &policy, &report.entries);
    let _ = validate_note(&report.note);
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date");
    let date = today.checked_sub_days(Days::new(u64::from(selector))).expect("a date");
    let window = if selector % 2 == 0 { EditWindow::AnyPast } else { EditWindow::LastDays(7) };
    let _ = check_report_date(date, today, window);
});
