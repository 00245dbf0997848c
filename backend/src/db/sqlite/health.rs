//! Readiness on SQLite: one real commit through the writing connection. `BEGIN IMMEDIATE` alone
//! takes the write lock but writes nothing, so a file system gone read-only or a failing disk
//! need not show; a commit writes to the WAL and syncs it. The commit rewrites
//! `PRAGMA user_version` with the value it has (sqlx's migrations do not use it), so no data
//! changes: one page into the WAL and one fsync per probe.

use super::{SqliteStore, store_error};
use crate::db::StoreResult;
use crate::db::health::{Health, PoolStats};
use async_trait::async_trait;

#[async_trait]
impl Health for SqliteStore {
    async fn ready(&self) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
        sqlx::query(&format!("PRAGMA user_version = {version}"))
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)
    }

    fn pools(&self) -> Vec<PoolStats> {
        let stats = |name, pool: &sqlx::SqlitePool| PoolStats {
            name,
            size: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
        };
        vec![stats("writer", &self.writer), stats("reader", &self.reader)]
    }
}
