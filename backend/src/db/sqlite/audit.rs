//! The audit log and backups in SQLite.

use super::*;
use crate::db::rows::AuditRow;
use crate::db::{Actor, AuditFilter, AuditLog, StoreResult};
use async_trait::async_trait;
use serde_json::Value;
use shared::SchoolId;
use shared::api::AuditEntry;

#[async_trait]
impl AuditLog for SqliteStore {
    async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        target: &str,
        after: Option<Value>,
    ) -> StoreResult<()> {
        let mut conn = self.writer.acquire().await.map_err(store_error)?;
        audit_in(&mut conn, actor, action, target, None, after).await
    }

    async fn audit_entries(
        &self,
        school: SchoolId,
        filter: &AuditFilter,
    ) -> StoreResult<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, actor, address, action, target, before, after FROM audit_log \
             WHERE school_id = ? AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?) \
             AND (? IS NULL OR action = ?) AND (? IS NULL OR actor = ?) AND (? IS NULL OR id < ?) \
             ORDER BY id DESC LIMIT ?",
        )
        .bind(school)
        .bind(&filter.from)
        .bind(&filter.from)
        .bind(&filter.to)
        .bind(&filter.to)
        .bind(&filter.action)
        .bind(&filter.action)
        .bind(&filter.actor)
        .bind(&filter.actor)
        .bind(filter.before)
        .bind(filter.before)
        .bind(i64::from(filter.limit))
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }
    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<()> {
        let target = path.to_str().ok_or_else(|| corrupt("the backup path is not UTF-8"))?;
        // VACUUM INTO reads one consistent snapshot, so writes may go on meanwhile.
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.reader)
            .await
            .map_err(store_error)?;
        Ok(())
    }
}
