//! Cases and spot checks in SQLite: the shared implementation ([`crate::db::cases`]), writes on
//! the sqlx writing connection (`BEGIN IMMEDIATE`), reads from the reading pool.

use super::{SqliteStore, audit_in, store_error};

/// SQLite's text holds anything.
fn db_text(text: &str) -> String {
    text.to_owned()
}

crate::db::cases::case_store_impl!(SqliteStore, read = |s| &s.reader, begin = |s| s.begin_write());
