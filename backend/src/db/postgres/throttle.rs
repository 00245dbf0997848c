//! The log-in throttle's attempts in PostgreSQL: the shared implementation
//! ([`crate::db::throttle`]). The row and its count in one transaction that holds a
//! transaction-level advisory lock, so attempts are counted one after the other (as SQLite's
//! single writer does), also across several servers on one database. Without it, forty
//! attempts at once each count all forty and all are refused, none judged.

use super::pg_text as db_text;
use super::*;

/// The advisory lock's key: "throttle" in ASCII.
const THROTTLE_LOCK: i64 = 0x7468_726f_7474_6c65;

/// Holds the throttle's advisory lock until the transaction ends.
async fn count_turn(conn: &mut PgConnection) -> StoreResult<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(THROTTLE_LOCK)
        .execute(conn)
        .await
        .map_err(store_error)?;
    Ok(())
}

crate::db::throttle::throttle_impl!(
    PgStore,
    read = |s| &s.pool,
    write = |s| &s.pool,
    begin = |s| async { s.pool.begin().await.map_err(store_error) }
);
