//! Plans, notice links and teaching assignments in PostgreSQL: the shared implementation
//! ([`crate::db::plans::impl_plans`]), a class's plan writes taking turns on its row.

use super::*;
use crate::db::plans::impl_plans;

impl PgStore {
    async fn plans_begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.pool.begin().await.map_err(store_error)
    }

    fn plans_reader(&self) -> &PgPool {
        &self.pool
    }
}

async fn plans_lock_class(conn: &mut PgConnection, class: ClassId) -> StoreResult<()> {
    take_turn(conn, Turn::Class(class)).await
}

impl_plans!(PgStore);
