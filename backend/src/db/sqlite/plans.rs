//! Plans, notice links and teaching assignments in SQLite: the shared implementation
//! ([`crate::db::plans::impl_plans`]) on the sqlx writing connection, whose `BEGIN IMMEDIATE`
//! already makes a class's writes take turns.

use super::*;
use crate::db::plans::impl_plans;

impl SqliteStore {
    async fn plans_begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.begin_write().await
    }

    fn plans_reader(&self) -> &SqlitePool {
        &self.reader
    }
}

/// Nothing to do: the transaction holds SQLite's write lock from its start.
async fn plans_lock_class(_conn: &mut SqliteConnection, _class: ClassId) -> StoreResult<()> {
    Ok(())
}

impl_plans!(SqliteStore);
