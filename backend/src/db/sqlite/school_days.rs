//! Make-up days, class starts, subject minutes by day and a day's removal in SQLite: the shared
//! implementation ([`crate::db::school_days`]). A removal goes through sqlx's writing
//! connection: it takes the write lock when its transaction begins (`BEGIN IMMEDIATE`), as the
//! report writer's batches do, so a removal and a day report of the same day follow one
//! another, each seeing the other's commit whole.

use super::*;

/// Writes already take turns: SQLite runs one writing transaction at a time.
async fn school_turn(_: &mut SqliteConnection, _: SchoolId) -> StoreResult<()> {
    Ok(())
}

/// As [`school_turn`].
async fn class_turn(_: &mut SqliteConnection, _: ClassId) -> StoreResult<()> {
    Ok(())
}

/// The subject minutes of several classes, by day (the class list as a JSON array).
async fn subject_day_rows(
    store: &SqliteStore,
    classes: &[ClassId],
    window: shared::Window,
) -> StoreResult<Vec<(ClassId, NaiveDate, String, i64)>> {
    sqlx::query_as(
        "SELECT r.class_id, r.date, e.subject, e.minutes FROM report_entries e \
         JOIN day_reports r ON r.id = e.report_id \
         WHERE r.class_id IN (SELECT value FROM json_each(?)) AND r.date BETWEEN ? AND ?",
    )
    .bind(ids_json(classes)?)
    .bind(window.from().to_string())
    .bind(window.to().to_string())
    .fetch_all(&store.reader)
    .await
    .map_err(store_error)
}

crate::db::school_days::school_days_impl!(
    SqliteStore,
    read = |s| &s.reader,
    begin = |s| s.begin_write()
);
