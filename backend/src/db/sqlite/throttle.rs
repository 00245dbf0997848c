//! The log-in throttle's attempts in SQLite: the shared implementation
//! ([`crate::db::throttle`]). The row and its count in one write transaction, which SQLite runs
//! one at a time.

use super::*;

/// Attempts are already counted one after the other: SQLite runs one writing transaction at a
/// time.
async fn count_turn(_: &mut SqliteConnection) -> StoreResult<()> {
    Ok(())
}

/// SQLite's text holds anything.
fn db_text(text: &str) -> &str {
    text
}

crate::db::throttle::throttle_impl!(
    SqliteStore,
    read = |s| &s.reader,
    write = |s| &s.writer,
    begin = |s| s.begin_write()
);
