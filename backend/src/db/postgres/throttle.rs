//! The log-in throttle's attempts in PostgreSQL: the row is committed on its own before the
//! count, so that of attempts made at once the later count sees the earlier rows whichever
//! order they run in (READ COMMITTED would hide another open transaction's row).

use super::*;
use crate::db::throttle::{
    Attempt, AttemptCounts, COUNT_ATTEMPTS, CountRow, FORGET_ATTEMPT, INSERT_ATTEMPT,
    PURGE_ATTEMPTS, Throttle, counts_of,
};
use async_trait::async_trait;

#[async_trait]
impl Throttle for PgStore {
    async fn count_attempt(
        &self,
        attempt: &Attempt,
        now: i64,
        since: i64,
    ) -> StoreResult<AttemptCounts> {
        let id: i64 = sqlx::query_scalar(INSERT_ATTEMPT)
            .bind(attempt.kind.as_str())
            .bind(pg_text(&attempt.account))
            .bind(pg_text(&attempt.address))
            .bind(pg_text(&attempt.network))
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)?;
        let row: CountRow = sqlx::query_as(COUNT_ATTEMPTS)
            .bind(attempt.kind.as_str())
            .bind(pg_text(&attempt.account))
            .bind(pg_text(&attempt.address))
            .bind(pg_text(&attempt.network))
            .bind(since)
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(counts_of(id, row))
    }

    async fn forget_attempt(&self, id: i64) -> StoreResult<()> {
        sqlx::query(FORGET_ATTEMPT).bind(id).execute(&self.pool).await.map_err(store_error)?;
        Ok(())
    }

    async fn purge_attempts(&self, before: i64) -> StoreResult<u64> {
        let done =
            sqlx::query(PURGE_ATTEMPTS).bind(before).execute(&self.pool).await.map_err(store_error)?;
        Ok(done.rows_affected())
    }
}
