//! Dates as the pages show them, and the day lists they draw.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use shared::Lang;

/// `n` days before `date` (the date itself when that would leave the calendar).
pub fn days_before(date: NaiveDate, n: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(n)).unwrap_or(date)
}

/// `n` days after `date` (the date itself when that would leave the calendar).
pub fn days_after(date: NaiveDate, n: u64) -> NaiveDate {
    date.checked_add_days(Days::new(n)).unwrap_or(date)
}

/// Every date from `from` to `to`, inclusive, oldest first.
pub fn range(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

/// Monday to Friday. The app does not know the school's holidays; the server's flags do.
pub fn is_school_day(date: NaiveDate) -> bool {
    !shared::calendar::is_weekend(date)
}

/// `11/20` (month/day), as on a school calendar.
pub fn short(date: NaiveDate) -> String {
    format!("{}/{}", date.month(), date.day())
}

/// The weekday's short name: `周五` / `Fri`.
pub fn weekday(date: NaiveDate, lang: Lang) -> &'static str {
    let i = date.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][i],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

/// Whether the date falls on a weekend.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// `2026-11-21T07:42:10Z` → `11/21 15:42`: the moment in the browser's time zone (the school's),
/// or as the server wrote it (UTC) where the browser cannot read it.
pub fn timestamp(rfc3339: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let t = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
        if !t.get_time().is_nan() {
            return format!(
                "{}/{} {:02}:{:02}",
                t.get_month() + 1,
                t.get_date(),
                t.get_hours(),
                t.get_minutes()
            );
        }
    }
    utc_timestamp(rfc3339)
}

fn utc_timestamp(rfc3339: &str) -> String {
    let date = rfc3339.get(..10).and_then(|d| d.parse::<NaiveDate>().ok());
    let time = rfc3339.get(11..16).unwrap_or("");
    match date {
        Some(d) => format!("{} {time}", short(d)),
        None => rfc3339.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn dates_read_as_on_a_school_calendar() {
        assert_eq!(short(d("2026-11-20")), "11/20");
        assert_eq!(weekday(d("2026-11-20"), Lang::Zh), "周五");
        assert_eq!(weekday(d("2026-11-22"), Lang::En), "Sun");
        assert_eq!(utc_timestamp("2026-11-21T07:42:10Z"), "11/21 07:42");
    }

    #[test]
    fn a_range_includes_both_ends() {
        let days: Vec<_> = range(d("2026-11-19"), d("2026-11-21")).collect();
        assert_eq!(days, [d("2026-11-19"), d("2026-11-20"), d("2026-11-21")]);
        assert_eq!(range(d("2026-11-21"), d("2026-11-19")).count(), 0);
    }
}
