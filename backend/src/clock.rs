//! Today, in a school's time zone: what "today", "future" and "yesterday" mean for its reports.

use chrono::{Duration, NaiveDate, Utc};

use crate::db::{Account, Actor, School};
use shared::SchoolId;

pub fn today_in(school: &School) -> NaiveDate {
    (Utc::now() + Duration::minutes(i64::from(school.utc_offset_minutes))).date_naive()
}

/// Now, as the API writes timestamps: RFC 3339 in UTC, to the second.
pub fn now_rfc3339() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Who writes, and when: the time of a write is read here, by its caller, and travels with its
/// actor into the store, which stamps the audit entry and the rows with it.
impl Actor {
    pub fn of(account: &Account, address: &str) -> Self {
        Actor {
            user_id: Some(account.id),
            username: account.username.clone(),
            school_id: (account.school_id != 0).then_some(account.school_id),
            address: address.to_owned(),
            at: now_rfc3339(),
        }
    }

    /// The server itself, acting for the command line or the demo loader.
    pub fn system(school_id: Option<SchoolId>) -> Self {
        Actor {
            user_id: None,
            username: "cli".into(),
            school_id,
            address: "-".into(),
            at: now_rfc3339(),
        }
    }
}
