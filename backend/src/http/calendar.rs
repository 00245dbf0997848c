//! What every handler that counts school days shares: the school's calendar over a window
//! (holidays and make-up days), each class's start, and a day report marked as a school day or
//! weekend homework.

use chrono::NaiveDate;
use shared::api::DayReport;
use shared::calendar::SchoolCalendar;
use shared::{ClassId, Window};
use std::collections::HashMap;

use crate::AppState;
use crate::db::{School, Store};
use crate::error::AppResult;

/// The school's holidays and make-up days in a window.
pub async fn school_calendar(
    store: &dyn Store,
    school: &School,
    window: Window,
) -> AppResult<SchoolCalendar> {
    Ok(store.calendar(school.id, window).await?)
}

/// The start of each class of the school, in the school's time zone: the day missing reports
/// count from (DESIGN.md).
pub async fn class_starts(
    store: &dyn Store,
    school: &School,
) -> AppResult<HashMap<ClassId, NaiveDate>> {
    let starts = store.class_starts(school.id).await?;
    Ok(starts
        .into_iter()
        .filter_map(|(id, s)| s.date(school.utc_offset_minutes).map(|d| (id, d)))
        .collect())
}

/// Says, on each report, whether its day is a school day.
pub fn mark_school_days(reports: &mut [DayReport], calendar: &SchoolCalendar) {
    for r in reports {
        r.school_day = calendar.is_school_day(r.date);
    }
}

/// One report marked, reading the calendar of its day.
pub async fn marked(
    state: &AppState,
    school: &School,
    mut report: DayReport,
) -> AppResult<DayReport> {
    let day = Window::ending(report.date, 1);
    report.school_day =
        school_calendar(state.store.as_ref(), school, day).await?.is_school_day(report.date);
    Ok(report)
}
