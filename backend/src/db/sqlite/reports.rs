//! Day reports in SQLite: the write goes to the writer ([`super::writer`]); here are the reads
//! that summaries and dashboards need, and the retention purge.

use super::*;
use crate::db::{Actor, ReportWrite, Reports, StoreResult, WriteOutcome};
use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;
use shared::api::DayReport;
use shared::{ClassId, SchoolId, Window};
use std::collections::{BTreeMap, HashMap};

#[async_trait]
impl Reports for SqliteStore {
    async fn put_report(&self, write: ReportWrite, actor: &Actor) -> StoreResult<WriteOutcome> {
        let actor = actor.clone();
        self.by_writer(|reply| writer::Job::Report { write, actor, reply }).await
    }

    async fn replayed_report(
        &self,
        class: ClassId,
        date: NaiveDate,
        client_id: &str,
    ) -> StoreResult<Option<DayReport>> {
        replayed_in(&self.reader, class, date, client_id).await
    }

    async fn report(&self, class: ClassId, date: NaiveDate) -> StoreResult<Option<DayReport>> {
        report_in(&self.reader, class, date).await
    }

    async fn reports(&self, class: ClassId, window: Window) -> StoreResult<Vec<DayReport>> {
        let rows = sqlx::query_as(&format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.class_id = ? AND r.date BETWEEN ? AND ? ORDER BY r.date, e.position"
        ))
        .bind(class)
        .bind(window.from().to_string())
        .bind(window.to().to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        reports_from_rows(rows)
    }

    async fn day_totals(
        &self,
        classes: &[ClassId],
        window: Window,
    ) -> StoreResult<HashMap<ClassId, BTreeMap<NaiveDate, u32>>> {
        let rows: Vec<(ClassId, NaiveDate, i64)> = sqlx::query_as(
            "SELECT class_id, date, total_minutes FROM day_reports \
             WHERE class_id IN (SELECT value FROM json_each(?)) AND date BETWEEN ? AND ?",
        )
        .bind(ids_json(classes)?)
        .bind(window.from().to_string())
        .bind(window.to().to_string())
        .fetch_all(&self.reader)
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
        let rows: Vec<(ClassId, String, i64)> = sqlx::query_as(
            "SELECT r.class_id, e.subject, SUM(e.minutes) FROM report_entries e \
             JOIN day_reports r ON r.id = e.report_id \
             WHERE r.class_id IN (SELECT value FROM json_each(?)) AND r.date BETWEEN ? AND ? \
             GROUP BY r.class_id, e.subject",
        )
        .bind(ids_json(classes)?)
        .bind(window.from().to_string())
        .bind(window.to().to_string())
        .fetch_all(&self.reader)
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
        let mut tx = self.begin_write().await?;
        let old = "SELECT r.id FROM day_reports r JOIN classes c ON c.id = r.class_id \
                   WHERE c.school_id = ? AND r.date < ?";
        // The client ids go with their reports (ON DELETE CASCADE).
        sqlx::query(&format!("DELETE FROM report_entries WHERE report_id IN ({old})"))
            .bind(school)
            .bind(before.to_string())
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let purged = sqlx::query(&format!("DELETE FROM day_reports WHERE id IN ({old})"))
            .bind(school)
            .bind(before.to_string())
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
