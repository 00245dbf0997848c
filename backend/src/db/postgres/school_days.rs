//! Make-up days, class starts, subject minutes by day and a day's removal in PostgreSQL: the
//! shared implementation ([`crate::db::school_days`]). A removal holds its class's turn, as a
//! day report's write does, so the two follow one another.

use super::*;

/// Two changes of one school's days take turns.
async fn school_turn(conn: &mut PgConnection, school: SchoolId) -> StoreResult<()> {
    take_turn(conn, Turn::School(school)).await
}

/// A day's removal and a day report of its class take turns.
async fn class_turn(conn: &mut PgConnection, class: ClassId) -> StoreResult<()> {
    take_turn(conn, Turn::Class(class)).await
}

/// The subject minutes of several classes, by day (the class list as an array).
async fn subject_day_rows(
    store: &PgStore,
    classes: &[ClassId],
    window: shared::Window,
) -> StoreResult<Vec<(ClassId, NaiveDate, String, i64)>> {
    sqlx::query_as(
        "SELECT r.class_id, r.date, e.subject, e.minutes::BIGINT FROM report_entries e \
         JOIN day_reports r ON r.id = e.report_id \
         WHERE r.class_id = ANY($1) AND r.date BETWEEN $2 AND $3",
    )
    .bind(classes)
    .bind(window.from())
    .bind(window.to())
    .fetch_all(&store.pool)
    .await
    .map_err(store_error)
}

crate::db::school_days::school_days_impl!(
    PgStore,
    read = |s| &s.pool,
    begin = |s| async { s.pool.begin().await.map_err(store_error) }
);
