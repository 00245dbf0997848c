//! Day reports in PostgreSQL: the write (replay check, version check, upsert, entries, audit) in
//! one transaction that holds its class's turn, and the reads that summaries and dashboards
//! need.

use super::*;
use crate::db::rows::next_report;
use crate::db::{Actor, ReportWrite, Reports, StoreResult, WriteOutcome};
use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;
use shared::api::DayReport;
use shared::{ClassId, SchoolId, Window};
use sqlx::PgConnection;
use std::collections::{BTreeMap, HashMap};

/// One day report's write, inside a transaction that holds the class's turn: the replay check,
/// the version check, the upsert of the day (its total is the class × day rollup), its entries,
/// the client id and the audit entry. Holding the turn, no other write of the class can slip in
/// between the checks and the writes: two resends of one `client_id`, or two first reports of
/// one day, follow one another and the second sees the first (a replay, or a stale version).
async fn put_report_in(
    conn: &mut PgConnection,
    mut write: ReportWrite,
    actor: &Actor,
) -> StoreResult<WriteOutcome> {
    // The report is answered as it is stored, a U+0000 in its note replaced ([`pg_text`]).
    write.note = pg_text(&write.note).into_owned();
    take_turn(&mut *conn, Turn::Class(write.class_id)).await?;
    if let Some(client_id) = &write.client_id {
        if let Some(report) = replayed_in(&mut *conn, write.class_id, write.date, client_id).await?
        {
            return Ok(WriteOutcome::Replayed(report));
        }
    }
    let before = report_in(&mut *conn, write.class_id, write.date).await?;
    let Some(report) = next_report(&write, before.as_ref()) else {
        return Ok(WriteOutcome::Conflict(before));
    };
    let report_id: i64 = sqlx::query_scalar(
        "INSERT INTO day_reports (class_id, date, total_minutes, note, version, recorded_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT ON CONSTRAINT day_reports_class_date DO UPDATE SET \
         total_minutes = EXCLUDED.total_minutes, note = EXCLUDED.note, version = EXCLUDED.version, \
         recorded_by = EXCLUDED.recorded_by, updated_at = EXCLUDED.updated_at RETURNING id",
    )
    .bind(report.class_id)
    .bind(report.date)
    .bind(i64::from(report.total_minutes))
    .bind(&report.note)
    .bind(report.version)
    .bind(&report.recorded_by)
    .bind(&report.updated_at)
    .fetch_one(&mut *conn)
    .await
    .map_err(store_error)?;
    sqlx::query("DELETE FROM report_entries WHERE report_id = $1")
        .bind(report_id)
        .execute(&mut *conn)
        .await
        .map_err(store_error)?;
    // Positions count from 0, as on SQLite.
    let subjects: Vec<&str> = report.entries.iter().map(|e| e.subject.as_str()).collect();
    let minutes: Vec<i64> = report.entries.iter().map(|e| i64::from(e.minutes.get())).collect();
    sqlx::query(
        "INSERT INTO report_entries (report_id, position, subject, minutes) \
         SELECT $1, e.position - 1, e.subject, e.minutes \
         FROM UNNEST($2::text[], $3::int8[]) WITH ORDINALITY AS e (subject, minutes, position)",
    )
    .bind(report_id)
    .bind(&subjects)
    .bind(&minutes)
    .execute(&mut *conn)
    .await
    .map_err(store_error)?;
    if let Some(client_id) = &write.client_id {
        sqlx::query(
            "INSERT INTO client_writes (report_id, client_id, report, created_at) \
             VALUES ($1, $2, $3::jsonb, $4)",
        )
        .bind(report_id)
        .bind(client_id)
        .bind(serde_json::to_string(&report).map_err(corrupt)?)
        .bind(&report.updated_at)
        .execute(&mut *conn)
        .await
        .map_err(store_error)?;
    }
    let target = format!("class {} report {}", report.class_id, report.date);
    let before = before.and_then(|r| serde_json::to_value(r).ok());
    let after = serde_json::to_value(&report).ok();
    audit_in(conn, actor, "report.put", &target, before, after).await?;
    Ok(WriteOutcome::Stored(report))
}

#[async_trait]
impl Reports for PgStore {
    async fn put_report(&self, write: ReportWrite, actor: &Actor) -> StoreResult<WriteOutcome> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let outcome = put_report_in(&mut tx, write, actor).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(outcome)
    }

    async fn replayed_report(
        &self,
        class: ClassId,
        date: NaiveDate,
        client_id: &str,
    ) -> StoreResult<Option<DayReport>> {
        replayed_in(&self.pool, class, date, client_id).await
    }

    async fn report(&self, class: ClassId, date: NaiveDate) -> StoreResult<Option<DayReport>> {
        report_in(&self.pool, class, date).await
    }

    async fn reports(&self, class: ClassId, window: Window) -> StoreResult<Vec<DayReport>> {
        let rows = sqlx::query_as(&format!(
            "{REPORT_SELECT} WHERE r.class_id = $1 AND r.date BETWEEN $2 AND $3 \
             ORDER BY r.date, e.position"
        ))
        .bind(class)
        .bind(window.from())
        .bind(window.to())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        reports_from_rows(rows)
    }

    async fn day_totals(
        &self,
        classes: &[ClassId],
        window: Window,
    ) -> StoreResult<HashMap<ClassId, BTreeMap<NaiveDate, u32>>> {
        let rows: Vec<(ClassId, NaiveDate, i32)> = sqlx::query_as(
            "SELECT class_id, date, total_minutes FROM day_reports \
             WHERE class_id = ANY($1) AND date BETWEEN $2 AND $3",
        )
        .bind(classes)
        .bind(window.from())
        .bind(window.to())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let mut out: HashMap<ClassId, BTreeMap<NaiveDate, u32>> = HashMap::new();
        for (class, date, total) in rows {
            out.entry(class).or_default().insert(date, u32::try_from(total).map_err(corrupt)?);
        }
        Ok(out)
    }

    async fn subject_sums(
        &self,
        classes: &[ClassId],
        window: Window,
    ) -> StoreResult<HashMap<ClassId, BTreeMap<String, u64>>> {
        // SUM of an INTEGER is a BIGINT in PostgreSQL; the cast says so, whatever the column.
        let rows: Vec<(ClassId, String, i64)> = sqlx::query_as(
            "SELECT r.class_id, e.subject, SUM(e.minutes)::BIGINT FROM report_entries e \
             JOIN day_reports r ON r.id = e.report_id \
             WHERE r.class_id = ANY($1) AND r.date BETWEEN $2 AND $3 \
             GROUP BY r.class_id, e.subject",
        )
        .bind(classes)
        .bind(window.from())
        .bind(window.to())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let mut out: HashMap<ClassId, BTreeMap<String, u64>> = HashMap::new();
        for (class, subject, minutes) in rows {
            out.entry(class).or_default().insert(subject, minutes.max(0) as u64);
        }
        Ok(out)
    }

    async fn purge_reports(
        &self,
        school: SchoolId,
        before: NaiveDate,
        actor: &Actor,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        // The entries and client ids go with their reports (ON DELETE CASCADE).
        let purged = sqlx::query(
            "DELETE FROM day_reports r USING classes c \
             WHERE c.id = r.class_id AND c.school_id = $1 AND r.date < $2",
        )
        .bind(school)
        .bind(before)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?
        .rows_affected();
        if purged > 0 {
            let after = json!({"before": before, "reports_deleted": purged});
            audit_in(&mut tx, actor, "retention.purge", "day reports", None, Some(after)).await?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(purged)
    }
}
