//! Day reports in SQLite: the write (replay check, version check, upsert, entries, audit) and
//! the reads that summaries and dashboards need.

use super::*;
use crate::db::rows::next_report;
use crate::db::{Actor, ReportWrite, Reports, StoreError, StoreResult, WriteOutcome};
use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;
use shared::api::DayReport;
use shared::{ClassId, SchoolId, Window};
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::{BTreeMap, HashMap};
use tokio::sync::{mpsc, oneshot};

/// One day report's write inside the batch's transaction: the replay check, the version check,
/// the upsert of the day (its total is the class × day rollup), its entries, the client id and
/// the audit entry.
async fn put_report_in(
    conn: &mut SqliteConnection,
    write: ReportWrite,
    actor: &Actor,
) -> StoreResult<WriteOutcome> {
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
         VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (class_id, date) DO UPDATE SET total_minutes = excluded.total_minutes, \
         note = excluded.note, version = excluded.version, recorded_by = excluded.recorded_by, \
         updated_at = excluded.updated_at RETURNING id",
    )
    .bind(report.class_id)
    .bind(report.date.to_string())
    .bind(i64::from(report.total_minutes))
    .bind(&report.note)
    .bind(report.version)
    .bind(&report.recorded_by)
    .bind(&report.updated_at)
    .fetch_one(&mut *conn)
    .await
    .map_err(store_error)?;
    sqlx::query("DELETE FROM report_entries WHERE report_id = ?")
        .bind(report_id)
        .execute(&mut *conn)
        .await
        .map_err(store_error)?;
    if !report.entries.is_empty() {
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO report_entries (report_id, position, subject, minutes) ",
        );
        insert.push_values(report.entries.iter().enumerate(), |mut b, (i, e)| {
            b.push_bind(report_id)
                .push_bind(i as i64)
                .push_bind(e.subject.as_str())
                .push_bind(i64::from(e.minutes.get()));
        });
        insert.build().execute(&mut *conn).await.map_err(store_error)?;
    }
    if let Some(client_id) = &write.client_id {
        sqlx::query(
            "INSERT INTO client_writes (report_id, client_id, report, created_at) VALUES (?, ?, ?, ?)",
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

/// The most day reports one transaction takes; a larger backlog waits for the next commit.
const MAX_BATCH: usize = 512;

/// A day report waiting for the writer, and where to send what became of it.
pub(super) struct ReportJob {
    write: ReportWrite,
    actor: Actor,
    reply: oneshot::Sender<StoreResult<WriteOutcome>>,
}

/// Group commit: one task writes every day report. It takes all reports waiting (up to
/// [`MAX_BATCH`]), writes them together in one transaction ([`super::batch`]; if that fails,
/// each in a savepoint of its own, so that a failing report is rolled back alone) and commits
/// once, so that one fsync (`synchronous = FULL`) makes a whole batch
/// durable. Only then does each request get its answer: an acknowledged report is on disk.
pub(super) async fn write_reports(pool: SqlitePool, mut jobs: mpsc::Receiver<ReportJob>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let outcomes = write_batch(&pool, &mut batch).await;
        for (job, outcome) in batch.drain(..).zip(outcomes) {
            let _ = job.reply.send(outcome);
        }
    }
}

async fn write_batch(pool: &SqlitePool, batch: &mut [ReportJob]) -> Vec<StoreResult<WriteOutcome>> {
    let all_failed = |e: sqlx::Error| {
        let e = store_error(e);
        batch.iter().map(|_| Err(shared_failure(&e))).collect()
    };
    let mut tx = match pool.begin().await {
        Ok(tx) => tx,
        Err(e) => return all_failed(e),
    };
    // The whole batch in a few statements; if anything fails, once more report by report, so
    // that a failing report is refused alone.
    let jobs: Vec<(&ReportWrite, &Actor)> = batch.iter().map(|j| (&j.write, &j.actor)).collect();
    match super::batch::write_all(&mut tx, &jobs).await {
        Ok(outcomes) => {
            return match tx.commit().await {
                Ok(()) => outcomes.into_iter().map(Ok).collect(),
                Err(e) => all_failed(e),
            };
        }
        Err(e) => {
            tracing::warn!(error = %e, reports = batch.len(), "a batch of reports failed; writing them one by one");
            if let Err(e) = tx.rollback().await {
                return all_failed(e);
            }
        }
    }
    let mut tx = match pool.begin().await {
        Ok(tx) => tx,
        Err(e) => return all_failed(e),
    };
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch.iter() {
        let outcome = match sqlx::Connection::begin(&mut *tx).await {
            Ok(mut savepoint) => {
                match put_report_in(&mut savepoint, job.write.clone(), &job.actor).await {
                    Ok(outcome) => savepoint.commit().await.map(|()| outcome).map_err(store_error),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(store_error(e)),
        };
        outcomes.push(outcome);
    }
    match tx.commit().await {
        Ok(()) => outcomes,
        Err(e) => all_failed(e),
    }
}

#[async_trait]
impl Reports for SqliteStore {
    async fn put_report(&self, write: ReportWrite, actor: &Actor) -> StoreResult<WriteOutcome> {
        let (reply, answer) = oneshot::channel();
        let job = ReportJob { write, actor: actor.clone(), reply };
        self.reports
            .send(job)
            .await
            .map_err(|_| StoreError::Unavailable("the writer stopped".into()))?;
        answer.await.map_err(|_| StoreError::Unavailable("the writer stopped".into()))?
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
            "{REPORT_SELECT} WHERE r.class_id = ? AND r.date BETWEEN ? AND ? ORDER BY r.date, e.position"
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
        let mut tx = self.writer.begin().await.map_err(store_error)?;
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
