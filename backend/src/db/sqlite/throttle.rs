//! The log-in throttle's attempts in SQLite: the row and its count in one write transaction,
//! which SQLite runs one at a time.

use super::*;
use crate::db::throttle::{
    Attempt, AttemptCounts, COUNT_ATTEMPTS, CountRow, FORGET_ATTEMPT, INSERT_ATTEMPT,
    PURGE_ATTEMPTS, Throttle, counts_of,
};
use async_trait::async_trait;

#[async_trait]
impl Throttle for SqliteStore {
    async fn count_attempt(
        &self,
        attempt: &Attempt,
        now: i64,
        since: i64,
    ) -> StoreResult<AttemptCounts> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(INSERT_ATTEMPT)
            .bind(attempt.kind.as_str())
            .bind(&attempt.account)
            .bind(&attempt.address)
            .bind(&attempt.network)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
        let row: CountRow = sqlx::query_as(COUNT_ATTEMPTS)
            .bind(attempt.kind.as_str())
            .bind(&attempt.account)
            .bind(&attempt.address)
            .bind(&attempt.network)
            .bind(since)
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(counts_of(id, row))
    }

    async fn peek_attempts(&self, attempt: &Attempt, since: i64) -> StoreResult<AttemptCounts> {
        let row: CountRow = sqlx::query_as(COUNT_ATTEMPTS)
            .bind(attempt.kind.as_str())
            .bind(&attempt.account)
            .bind(&attempt.address)
            .bind(&attempt.network)
            .bind(since)
            .fetch_one(&self.reader)
            .await
            .map_err(store_error)?;
        let mut counts = counts_of(0, row);
        // As if this attempt were recorded too.
        counts.account += 1;
        counts.address += 1;
        counts.network += 1;
        Ok(counts)
    }

    async fn forget_attempt(&self, id: i64) -> StoreResult<()> {
        sqlx::query(FORGET_ATTEMPT).bind(id).execute(&self.writer).await.map_err(store_error)?;
        Ok(())
    }

    async fn purge_attempts(&self, before: i64) -> StoreResult<u64> {
        let done = sqlx::query(PURGE_ATTEMPTS)
            .bind(before)
            .execute(&self.writer)
            .await
            .map_err(store_error)?;
        Ok(done.rows_affected())
    }
}
