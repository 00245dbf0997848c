//! What the rule "only school days count" needs from storage: the school's make-up days (调休),
//! each class's start (for `missing_reports`), subject minutes day by day (so that weekend
//! homework stays out of subject averages), and removing a day recorded by mistake.

use super::{Actor, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate};
use shared::api::{DayReport, MakeupDay};
use shared::calendar::SchoolCalendar;
use shared::{ClassId, SchoolId, Window};
use std::collections::{BTreeMap, HashMap};

/// What became of a request to remove a class's day.
#[derive(Debug, Clone, PartialEq)]
pub enum DeleteOutcome {
    /// Removed; this is the day as it was.
    Deleted(DayReport),
    /// The class has no report on that day.
    Missing,
    /// The version the client saw is stale: this is the day as it stands.
    Conflict(DayReport),
}

/// A class's start as stored: when it was created (RFC 3339, UTC) and its first report's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassStart {
    pub created_at: String,
    pub first_report: Option<NaiveDate>,
}

impl ClassStart {
    /// The earlier of the day the class was created (in the school's time zone) and the day
    /// of its first report (DESIGN.md: missing days count from here).
    pub fn date(&self, utc_offset_minutes: i32) -> Option<NaiveDate> {
        let created = DateTime::parse_from_rfc3339(&self.created_at)
            .ok()
            .map(|t| (t.to_utc() + Duration::minutes(i64::from(utc_offset_minutes))).date_naive());
        match (created, self.first_report) {
            (Some(c), Some(f)) => Some(c.min(f)),
            (c, f) => c.or(f),
        }
    }
}

/// Subject minutes of each class, day by day: class → date → subject → minutes.
pub type SubjectDays = HashMap<ClassId, BTreeMap<NaiveDate, BTreeMap<String, u64>>>;

/// Make-up days, class starts, subject minutes by day, and a day's removal.
#[async_trait]
pub trait SchoolDays: Send + Sync + 'static {
    /// Make-up days with their names in a window, oldest first.
    async fn makeup_day_list(
        &self,
        school: SchoolId,
        window: Window,
    ) -> StoreResult<Vec<MakeupDay>>;
    async fn put_makeup_day(
        &self,
        school: SchoolId,
        day: &MakeupDay,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// Removes a make-up day; whether there was one.
    async fn delete_makeup_day(
        &self,
        school: SchoolId,
        date: NaiveDate,
        actor: &Actor,
    ) -> StoreResult<bool>;
    /// The school's holidays and make-up days in a window: which of its days are school days.
    async fn calendar(&self, school: SchoolId, window: Window) -> StoreResult<SchoolCalendar>;
    /// The start of every class of a school (archived ones too).
    async fn class_starts(&self, school: SchoolId) -> StoreResult<HashMap<ClassId, ClassStart>>;
    /// Minutes per subject and day over a window, for each of several classes.
    async fn subject_days(&self, classes: &[ClassId], window: Window) -> StoreResult<SubjectDays>;
    /// Removes a class's day (its entries, its client ids and its class × day total) if
    /// `expected_version` (when given) is the day's version, recording `report.delete` with
    /// the day as it was, in one transaction.
    async fn delete_report(
        &self,
        class: ClassId,
        date: NaiveDate,
        expected_version: Option<i64>,
        actor: &Actor,
    ) -> StoreResult<DeleteOutcome>;
}

/// Sums of minutes per subject over the school days only (weekend homework left out).
pub fn school_day_sums(
    days: BTreeMap<NaiveDate, BTreeMap<String, u64>>,
    calendar: &SchoolCalendar,
) -> BTreeMap<String, u64> {
    let mut sums: BTreeMap<String, u64> = BTreeMap::new();
    for (_, subjects) in days.into_iter().filter(|(d, _)| calendar.is_school_day(*d)) {
        for (subject, minutes) in subjects {
            *sums.entry(subject).or_default() += minutes;
        }
    }
    sums
}

/// SQL both databases read alike.
pub(super) mod sql {
    pub const MAKEUP_LIST: &str = "SELECT date, name FROM makeup_days \
        WHERE school_id = $1 AND date BETWEEN $2 AND $3 ORDER BY date";
    pub const MAKEUP_NAME: &str = "SELECT name FROM makeup_days WHERE school_id = $1 AND date = $2";
    pub const MAKEUP_UPSERT: &str = "INSERT INTO makeup_days (school_id, date, name) \
        VALUES ($1, $2, $3) ON CONFLICT (school_id, date) DO UPDATE SET name = excluded.name";
    pub const MAKEUP_DELETE: &str =
        "DELETE FROM makeup_days WHERE school_id = $1 AND date = $2 RETURNING name";
    /// A school's holidays (`0`) and make-up days (`1`) in a window, in one read (a day
    /// report's answer asks it for its day).
    pub const CALENDAR_DATES: &str = "SELECT date, 0 AS makeup FROM holidays \
        WHERE school_id = $1 AND date BETWEEN $2 AND $3 \
        UNION ALL SELECT date, 1 AS makeup FROM makeup_days \
        WHERE school_id = $1 AND date BETWEEN $2 AND $3";
    /// A class's first report's day as text (`YYYY-MM-DD` on both databases).
    pub const CLASS_STARTS: &str = "SELECT c.id, c.created_at, \
        (SELECT CAST(MIN(r.date) AS TEXT) FROM day_reports r WHERE r.class_id = c.id) \
        FROM classes c WHERE c.school_id = $1";
    /// The make-up days, in a window, of the schools that have an active class of a grade.
    pub const GRADE_MAKEUP_DATES: &str = "SELECT school_id, date FROM makeup_days \
        WHERE date BETWEEN $1 AND $2 AND school_id IN \
        (SELECT school_id FROM classes WHERE grade = $3 AND archived_at IS NULL)";
    /// [`CLASS_STARTS`] of the active classes of a grade, every school.
    pub const GRADE_CLASS_STARTS: &str = "SELECT c.id, c.created_at, \
        (SELECT CAST(MIN(r.date) AS TEXT) FROM day_reports r WHERE r.class_id = c.id) \
        FROM classes c WHERE c.grade = $1 AND c.archived_at IS NULL";
    /// Removes a day's report; its entries and client ids go with it (ON DELETE CASCADE).
    pub const DELETE_DAY: &str = "DELETE FROM day_reports WHERE class_id = $1 AND date = $2";
}

/// Decodes [`sql::CALENDAR_DATES`]'s rows.
pub(super) fn calendar_from(rows: Vec<(NaiveDate, i32)>) -> SchoolCalendar {
    let mut calendar = SchoolCalendar::default();
    for (date, makeup) in rows {
        if makeup == 1 {
            calendar.makeup_days.insert(date);
        } else {
            calendar.holidays.insert(date);
        }
    }
    calendar
}

/// Decodes [`sql::CLASS_STARTS`]'s rows.
pub(super) fn class_starts_from(
    rows: Vec<(ClassId, String, Option<String>)>,
) -> StoreResult<HashMap<ClassId, ClassStart>> {
    rows.into_iter()
        .map(|(id, created_at, first)| {
            let first_report = first
                .map(|f| f.get(..10).unwrap_or(&f).parse::<NaiveDate>())
                .transpose()
                .map_err(super::rows::corrupt)?;
            Ok((id, ClassStart { created_at, first_report }))
        })
        .collect()
}

/// Decodes the rows of a subject-days read (class, date, subject, minutes), which only the
/// class filter's SQL tells apart per database.
pub(super) fn subject_days_from(rows: Vec<(ClassId, NaiveDate, String, i64)>) -> SubjectDays {
    let mut out: SubjectDays = HashMap::new();
    for (class, date, subject, minutes) in rows {
        let day = out.entry(class).or_default().entry(date).or_default();
        *day.entry(subject).or_default() += minutes.max(0) as u64;
    }
    out
}

/// The implementation of [`SchoolDays`] for a store type, written once with the same SQL
/// ([`sql`]): `$read` is its reading pool, `$begin` opens a writing transaction. What the
/// databases do differently stays in the database module and is resolved where the macro is
/// used: `school_turn`/`class_turn` (the row a write waits for: PostgreSQL locks it, SQLite's
/// writes already run one at a time), `subject_day_rows` (the class filter), and `audit_in`,
/// `report_in`, `store_error`, `corrupt`.
macro_rules! school_days_impl {
    ($store:ty, read = |$r:ident| $read:expr, begin = |$b:ident| $begin:expr) => {
        #[async_trait::async_trait]
        impl $crate::db::SchoolDays for $store {
            async fn makeup_day_list(
                &self,
                school: shared::SchoolId,
                window: shared::Window,
            ) -> $crate::db::StoreResult<Vec<shared::api::MakeupDay>> {
                use $crate::db::school_days::sql;
                let $r = self;
                let rows: Vec<(chrono::NaiveDate, String)> = sqlx::query_as(sql::MAKEUP_LIST)
                    .bind(school)
                    .bind(window.from())
                    .bind(window.to())
                    .fetch_all($read)
                    .await
                    .map_err(store_error)?;
                Ok(rows.into_iter().map(|(date, name)| shared::api::MakeupDay { date, name }).collect())
            }

            async fn put_makeup_day(
                &self,
                school: shared::SchoolId,
                day: &shared::api::MakeupDay,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<()> {
                use $crate::db::school_days::sql;
                let $b = self;
                let mut tx = $begin.await?;
                // Two changes of one day take turns, so that the second records the first's name.
                school_turn(&mut tx, school).await?;
                let before: Option<String> = sqlx::query_scalar(sql::MAKEUP_NAME)
                    .bind(school)
                    .bind(day.date)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(store_error)?;
                sqlx::query(sql::MAKEUP_UPSERT)
                    .bind(school)
                    .bind(day.date)
                    .bind(&day.name)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let before = before.map(|name| serde_json::json!({"name": name}));
                let after = Some(serde_json::json!({"name": day.name}));
                let target = day.date.to_string();
                audit_in(&mut tx, actor, "makeup_day.put", &target, before, after).await?;
                tx.commit().await.map_err(store_error)
            }

            async fn delete_makeup_day(
                &self,
                school: shared::SchoolId,
                date: chrono::NaiveDate,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<bool> {
                use $crate::db::school_days::sql;
                let $b = self;
                let mut tx = $begin.await?;
                let before: Option<String> = sqlx::query_scalar(sql::MAKEUP_DELETE)
                    .bind(school)
                    .bind(date)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let Some(name) = before else { return Ok(false) };
                let before = Some(serde_json::json!({"name": name}));
                let target = date.to_string();
                audit_in(&mut tx, actor, "makeup_day.delete", &target, before, None).await?;
                tx.commit().await.map_err(store_error)?;
                Ok(true)
            }

            async fn calendar(
                &self,
                school: shared::SchoolId,
                window: shared::Window,
            ) -> $crate::db::StoreResult<shared::calendar::SchoolCalendar> {
                use $crate::db::school_days::{calendar_from, sql};
                let $r = self;
                let rows = sqlx::query_as(sql::CALENDAR_DATES)
                    .bind(school)
                    .bind(window.from())
                    .bind(window.to())
                    .fetch_all($read)
                    .await
                    .map_err(store_error)?;
                Ok(calendar_from(rows))
            }

            async fn class_starts(
                &self,
                school: shared::SchoolId,
            ) -> $crate::db::StoreResult<
                std::collections::HashMap<shared::ClassId, $crate::db::ClassStart>,
            > {
                use $crate::db::school_days::{class_starts_from, sql};
                let $r = self;
                let rows = sqlx::query_as(sql::CLASS_STARTS)
                    .bind(school)
                    .fetch_all($read)
                    .await
                    .map_err(store_error)?;
                class_starts_from(rows)
            }

            async fn subject_days(
                &self,
                classes: &[shared::ClassId],
                window: shared::Window,
            ) -> $crate::db::StoreResult<$crate::db::SubjectDays> {
                let rows = subject_day_rows(self, classes, window).await?;
                Ok($crate::db::school_days::subject_days_from(rows))
            }

            async fn delete_report(
                &self,
                class: shared::ClassId,
                date: chrono::NaiveDate,
                expected_version: Option<i64>,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<$crate::db::DeleteOutcome> {
                use $crate::db::DeleteOutcome;
                use $crate::db::school_days::sql;
                let $b = self;
                let mut tx = $begin.await?;
                class_turn(&mut tx, class).await?;
                let Some(before) = report_in(&mut *tx, class, date).await? else {
                    return Ok(DeleteOutcome::Missing);
                };
                if expected_version.is_some_and(|v| v != before.version) {
                    return Ok(DeleteOutcome::Conflict(before));
                }
                sqlx::query(sql::DELETE_DAY)
                    .bind(class)
                    .bind(date)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let target = format!("class {class} report {date}");
                let snapshot = serde_json::to_value(&before).map_err(corrupt)?;
                audit_in(&mut tx, actor, "report.delete", &target, Some(snapshot), None).await?;
                tx.commit().await.map_err(store_error)?;
                Ok(DeleteOutcome::Deleted(before))
            }
        }
    };
}
pub(super) use school_days_impl;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_starts_on_the_earlier_of_its_creation_and_its_first_report() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // Created 20:30 UTC on 1 December: already 2 December in Beijing (+8).
        let created = "2026-12-01T20:30:00Z".to_owned();
        let new = ClassStart { created_at: created.clone(), first_report: None };
        assert_eq!(new.date(480), Some(d("2026-12-02")));
        assert_eq!(new.date(0), Some(d("2026-12-01")));
        let backfilled =
            ClassStart { created_at: created.clone(), first_report: Some(d("2026-11-20")) };
        assert_eq!(backfilled.date(480), Some(d("2026-11-20")));
        let later = ClassStart { created_at: created, first_report: Some(d("2026-12-05")) };
        assert_eq!(later.date(480), Some(d("2026-12-02")));
    }
}
