//! Today, in a school's time zone: what "today", "future" and "yesterday" mean for its reports.

use chrono::{Duration, NaiveDate, Utc};

use crate::db::School;

pub fn today_in(school: &School) -> NaiveDate {
    (Utc::now() + Duration::minutes(i64::from(school.utc_offset_minutes))).date_naive()
}

/// Now, as the API writes timestamps: RFC 3339 in UTC, to the second.
pub fn now_rfc3339() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
