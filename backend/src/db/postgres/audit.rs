//! The audit log in PostgreSQL; backups are `pg_dump`'s job.

use super::*;
use crate::db::rows::AuditRow;
use crate::db::{Actor, AuditFilter, AuditLog, StoreResult};
use async_trait::async_trait;
use serde_json::Value;
use shared::SchoolId;
use shared::api::AuditEntry;

#[async_trait]
impl AuditLog for PgStore {
    async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        target: &str,
        after: Option<Value>,
    ) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        audit_in(&mut conn, actor, action, target, None, after).await
    }

    async fn audit_entries(
        &self,
        school: SchoolId,
        filter: &AuditFilter,
    ) -> StoreResult<Vec<AuditEntry>> {
        // `at` is RFC 3339 text in the "C" collation: `at >= '2026-11-20'` compares as SQLite
        // does, byte by byte.
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, actor, address, action, target, before::text AS before, \
             after::text AS after FROM audit_log \
             WHERE school_id = $1 AND ($2::text IS NULL OR at >= $2) \
             AND ($3::text IS NULL OR at < $3) AND ($4::text IS NULL OR action = $4) \
             AND ($5::text IS NULL OR actor = $5) AND ($6::int8 IS NULL OR id < $6) \
             ORDER BY id DESC LIMIT $7",
        )
        .bind(school)
        .bind(&filter.from)
        .bind(&filter.to)
        .bind(filter.action.as_deref().map(pg_text))
        .bind(filter.actor.as_deref().map(pg_text))
        .bind(filter.before)
        .bind(i64::from(filter.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// A copy of a PostgreSQL database is taken with the database's own tools, which know its
    /// version, its roles and its extensions better than this server does.
    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<()> {
        Err(StoreError::Internal(format!(
            "this server backs up SQLite only; for PostgreSQL run \
             pg_dump --format=custom --file={} \"$DATABASE_URL\"",
            path.display()
        )))
    }
}
