//! Readiness on PostgreSQL: a connection from the pool answers, and the server it reaches takes
//! writes (not a standby in recovery, not `default_transaction_read_only`). A read only: nothing
//! is written, PostgreSQL says itself whether it would refuse a write.

use super::{PgStore, store_error};
use crate::db::health::{Health, PoolStats};
use crate::db::{StoreError, StoreResult};
use async_trait::async_trait;

const READ_ONLY: &str =
    "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'";

#[async_trait]
impl Health for PgStore {
    async fn ready(&self) -> StoreResult<()> {
        let read_only: bool =
            sqlx::query_scalar(READ_ONLY).fetch_one(&self.pool).await.map_err(store_error)?;
        if read_only {
            return Err(StoreError::Unavailable(
                "the database is read-only (a standby, or default_transaction_read_only)".into(),
            ));
        }
        Ok(())
    }

    fn pools(&self) -> Vec<PoolStats> {
        vec![PoolStats {
            name: "postgres",
            size: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
        }]
    }
}
