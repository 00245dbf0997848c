//! Dates: the comparison window and which days are school days.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The longest window a summary or comparison may span.
pub const MAX_WINDOW_DAYS: u32 = crate::policy::MAX_WINDOW_DAYS;

/// An inclusive range of dates, `from` to `to`, at most [`MAX_WINDOW_DAYS`] long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    from: NaiveDate,
    to: NaiveDate,
}

/// A `from`/`to` pair that is not a window.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidWindow {
    #[error("from ({from}) is after to ({to})")]
    Reversed { from: NaiveDate, to: NaiveDate },
    #[error("the range {from} to {to} is longer than {MAX_WINDOW_DAYS} days")]
    TooLong { from: NaiveDate, to: NaiveDate },
}

impl Window {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, InvalidWindow> {
        if from > to {
            return Err(InvalidWindow::Reversed { from, to });
        }
        if (to - from).num_days() >= i64::from(MAX_WINDOW_DAYS) {
            return Err(InvalidWindow::TooLong { from, to });
        }
        Ok(Window { from, to })
    }

    /// The `days` days ending at `to` (at least one day, at most [`MAX_WINDOW_DAYS`]).
    pub fn ending(to: NaiveDate, days: u32) -> Self {
        let days = days.clamp(1, MAX_WINDOW_DAYS);
        let from = to.checked_sub_days(Days::new(u64::from(days - 1))).unwrap_or(NaiveDate::MIN);
        Window { from, to }
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// Number of days in the window.
    pub fn len_days(&self) -> u32 {
        ((self.to - self.from).num_days() + 1) as u32
    }

    /// Every date of the window, oldest first.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let to = self.to;
        self.from.iter_days().take_while(move |d| *d <= to)
    }
}

/// Which days a school keeps: Monday to Friday less its holidays, plus its make-up days (调休:
/// a Saturday or Sunday that is a school day). Every rule that counts school days asks this.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolCalendar {
    pub holidays: BTreeSet<NaiveDate>,
    pub makeup_days: BTreeSet<NaiveDate>,
}

impl SchoolCalendar {
    pub fn new(holidays: BTreeSet<NaiveDate>, makeup_days: BTreeSet<NaiveDate>) -> Self {
        SchoolCalendar { holidays, makeup_days }
    }

    /// Whether the school keeps `date`: a make-up day always; otherwise a weekday that is not
    /// a holiday.
    pub fn is_school_day(&self, date: NaiveDate) -> bool {
        self.makeup_days.contains(&date) || (!is_weekend(date) && !self.holidays.contains(&date))
    }

    /// The school days of a window, oldest first.
    pub fn school_days(&self, window: Window) -> impl Iterator<Item = NaiveDate> + use<'_> {
        window.dates().filter(|d| self.is_school_day(*d))
    }
}

/// Saturday or Sunday.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The school days of `window` from the class's `start` (if known) and before `today` on which
/// `reported` says nothing was reported. Today itself is never missing: the day's homework is
/// recorded in the evening; and a class cannot miss a day before it started.
pub fn missing_school_days(
    window: Window,
    today: NaiveDate,
    start: Option<NaiveDate>,
    calendar: &SchoolCalendar,
    reported: impl Fn(NaiveDate) -> bool,
) -> Vec<NaiveDate> {
    window
        .dates()
        .filter(|d| *d < today && start.is_none_or(|s| s <= *d))
        .filter(|d| calendar.is_school_day(*d) && !reported(*d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_window_ending_on_a_day_spans_that_many_days() {
        let w = Window::ending(d("2026-11-20"), 14);
        assert_eq!((w.from(), w.to()), (d("2026-11-07"), d("2026-11-20")));
        assert_eq!(w.len_days(), 14);
        assert_eq!(w.dates().count(), 14);
        assert!(w.contains(d("2026-11-07")) && !w.contains(d("2026-11-06")));
    }

    #[test]
    fn a_reversed_or_overlong_range_is_not_a_window() {
        assert!(matches!(
            Window::new(d("2026-11-21"), d("2026-11-20")),
            Err(InvalidWindow::Reversed { .. })
        ));
        assert!(Window::new(d("2026-01-01"), d("2027-01-01")).is_ok());
        assert!(matches!(
            Window::new(d("2026-01-01"), d("2027-01-02")),
            Err(InvalidWindow::TooLong { .. })
        ));
        assert_eq!(Window::new(d("2026-11-20"), d("2026-11-20")).map(|w| w.len_days()), Ok(1));
    }

    fn calendar(holidays: &[&str], makeup: &[&str]) -> SchoolCalendar {
        SchoolCalendar::new(
            holidays.iter().map(|x| d(x)).collect(),
            makeup.iter().map(|x| d(x)).collect(),
        )
    }

    #[test]
    fn weekends_and_holidays_are_not_school_days() {
        let none = SchoolCalendar::default();
        assert!(none.is_school_day(d("2026-11-20"))); // Friday
        assert!(!none.is_school_day(d("2026-11-21"))); // Saturday
        assert!(!none.is_school_day(d("2026-11-22"))); // Sunday
        let holidays = calendar(&["2026-10-01"], &[]);
        assert!(!holidays.is_school_day(d("2026-10-01"))); // a Thursday, but National Day
    }

    #[test]
    fn a_make_up_day_is_a_school_day() {
        let cal = calendar(&["2026-10-01"], &["2026-10-10"]);
        assert!(cal.is_school_day(d("2026-10-10"))); // Saturday, 调休
        assert!(!cal.is_school_day(d("2026-10-11"))); // the Sunday after it stays off
        let w = Window::new(d("2026-10-09"), d("2026-10-12")).unwrap();
        let days: Vec<_> = cal.school_days(w).collect();
        assert_eq!(days, vec![d("2026-10-09"), d("2026-10-10"), d("2026-10-12")]);
    }

    #[test]
    fn missing_days_skip_weekends_holidays_today_and_reported_days() {
        // Fri 13 .. Mon 23 November 2026; today is Monday 23rd.
        let w = Window::new(d("2026-11-13"), d("2026-11-23")).unwrap();
        let cal = calendar(&["2026-11-18"], &[]);
        let reported = [d("2026-11-16"), d("2026-11-19")];
        let missing =
            missing_school_days(w, d("2026-11-23"), None, &cal, |x| reported.contains(&x));
        assert_eq!(missing, vec![d("2026-11-13"), d("2026-11-17"), d("2026-11-20")]);
    }

    #[test]
    fn missing_days_count_make_up_days_and_start_at_the_class_start() {
        let w = Window::new(d("2026-11-13"), d("2026-11-23")).unwrap();
        let cal = calendar(&[], &["2026-11-14"]);
        let none = |_| false;
        let all = missing_school_days(w, d("2026-11-23"), None, &cal, none);
        assert_eq!(all.len(), 7); // 13, 14 (Saturday, make-up), 16..20
        let from_17 = missing_school_days(w, d("2026-11-23"), Some(d("2026-11-17")), &cal, none);
        assert_eq!(
            from_17,
            vec![d("2026-11-17"), d("2026-11-18"), d("2026-11-19"), d("2026-11-20")]
        );
        let new = missing_school_days(w, d("2026-11-23"), Some(d("2026-11-23")), &cal, none);
        assert!(new.is_empty());
    }
}
