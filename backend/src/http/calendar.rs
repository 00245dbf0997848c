//! What every handler that counts school days shares: the school's calendar over a window
//! (holidays and make-up days), each class's start, and a day report marked as a school day or
//! weekend homework; and what the handlers of the calendar's own days (holidays, make-up days)
//! share.

use chrono::NaiveDate;
use shared::api::DayReport;
use shared::calendar::SchoolCalendar;
use shared::{ClassId, Window};
use std::collections::HashMap;

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::db::{Account, School, Store};
use crate::error::{AppError, AppResult};
use crate::http::extract::{AppPath, RangeQuery, parse_date};
use crate::http::names::check_name;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;

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

/// Whether one date is a school day, in one read (a day report's write asks it): only one
/// table can change what a date is — make-up days a weekend (they are weekends only), holidays
/// a weekday — so only that one is read; the rule itself stays `SchoolCalendar::is_school_day`.
pub async fn is_school_day(store: &dyn Store, school: &School, date: NaiveDate) -> AppResult<bool> {
    let day = Window::ending(date, 1);
    let calendar = if shared::calendar::is_weekend(date) {
        let makeup = store.makeup_day_list(school.id, day).await?.into_iter().map(|m| m.date);
        SchoolCalendar::new(Default::default(), makeup.collect())
    } else {
        SchoolCalendar::new(store.holidays(school.id, day).await?, Default::default())
    };
    Ok(calendar.is_school_day(date))
}

/// One report marked, reading the calendar of its day.
pub async fn marked(
    state: &AppState,
    school: &School,
    mut report: DayReport,
) -> AppResult<DayReport> {
    report.school_day = is_school_day(state.store.as_ref(), school, report.date).await?;
    Ok(report)
}

/// Without `from`, a list of calendar days (holidays, make-up days) shows the year around
/// today: up to half a year ahead unless `to` says otherwise.
const DEFAULT_SPAN_DAYS: u32 = 366;

/// The window of a list of calendar days in the school's time zone ([`DEFAULT_SPAN_DAYS`]).
pub fn listed_days(school: &School, range: RangeQuery) -> AppResult<Window> {
    let today = crate::clock::today_in(school);
    let range = RangeQuery {
        to: range
            .to
            .or_else(|| today.checked_add_days(chrono::Days::new(183)).map(|d| d.to_string())),
        ..range
    };
    range.window(today, DEFAULT_SPAN_DAYS)
}

/// The name given to a calendar day: empty when blank, else a checked name.
pub fn day_name(name: &str) -> AppResult<String> {
    if name.trim().is_empty() { Ok(String::new()) } else { check_name(name, 60) }
}

/// The answer to removing a calendar day: `204`, or `404 not_found` when `date` was not `what`.
pub fn removed(found: bool, date: NaiveDate, what: &str) -> AppResult<StatusCode> {
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found("not_found", format!("{date} is not {what}")))
    }
}

/// A change of one day of the school's calendar (`…/{date}`): who asks (401 first), from
/// where, and the day as written, extracted in this order; [`DayChange::admin_day`] then
/// checks the rights and the date.
pub struct DayChange {
    pub user: Account,
    pub actor: crate::db::Actor,
    date: String,
}

impl FromRequestParts<AppState> for DayChange {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let ClientAddress(address) = ClientAddress::from_request_parts(parts, state).await?;
        let AppPath(date) = AppPath::<String>::from_request_parts(parts, state).await?;
        let actor = crate::db::Actor::of(&user, &address);
        Ok(DayChange { user, actor, date })
    }
}

impl DayChange {
    /// The day an admin changes: 403 for others, 400 for a bad date.
    pub fn admin_day(&self) -> AppResult<NaiveDate> {
        self.user.require_admin()?;
        parse_date(&self.date)
    }
}
