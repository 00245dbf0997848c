//! Day reports in PostgreSQL: the write (replay check, version check, upsert, entries, audit) in
//! one transaction that holds its class's turn, and the reads that summaries and dashboards
//! need.

use super::*;
use crate::db::rows::{ReportRow, next_report};
use crate::db::{Actor, ReportWrite, Reports, StoreResult, WriteOutcome};
use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;
use shared::api::DayReport;
use shared::{ClassId, SchoolId, Window};
use sqlx::PgConnection;
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// One day report's write, inside a transaction that holds the class's turn: the replay check,
/// the version check, the upsert of the day (its total is the class × day rollup), its entries,
/// the client id and the audit entry. Holding the turn, no other write of the class can slip in
/// between the checks and the writes: two resends of one `client_id`, or two first reports of
/// one day, follow one another and the second sees the first (a replay, or a stale version).
pub(super) async fn put_report_in(
    conn: &mut PgConnection,
    mut write: ReportWrite,
    actor: &Actor,
) -> StoreResult<WriteOutcome> {
    // The report is answered as it is stored, a U+0000 in its note replaced ([`pg_text`]).
    write.note = pg_text(&write.note).into_owned();
    take_turn(&mut *conn, Turn::Class(write.class_id)).await?;
    let (before, replayed) =
        day_and_replay_in(&mut *conn, write.class_id, write.date, write.client_id.as_deref())
            .await?;
    if let Some(report) = replayed {
        return Ok(WriteOutcome::Replayed(report));
    }
    let Some(report) = next_report(&write, before.as_ref()) else {
        return Ok(WriteOutcome::Conflict(before));
    };
    // Positions count from 0, as on SQLite.
    let subjects: Vec<&str> = report.entries.iter().map(|e| e.subject.as_str()).collect();
    let minutes: Vec<i64> = report.entries.iter().map(|e| i64::from(e.minutes.get())).collect();
    // The report as JSON once: the client id's answer and the audit entry's `after` alike.
    let after = serde_json::to_string(&report).map_err(corrupt)?;
    let before = before.map(|r| serde_json::to_value(r).map(|v| pg_json(v).to_string()));
    let before = before.transpose().map_err(corrupt)?;
    sqlx::query(WRITE_DAY)
        .bind(report.class_id)
        .bind(report.date)
        .bind(i64::from(report.total_minutes))
        .bind(&report.note)
        .bind(report.version)
        .bind(&report.recorded_by)
        .bind(&report.updated_at)
        .bind(&subjects)
        .bind(&minutes)
        .bind(write.client_id.as_deref())
        .bind(&after)
        .bind(&actor.at)
        .bind(actor.school_id)
        .bind(actor.user_id)
        .bind(pg_text(&actor.username))
        .bind(pg_text(&actor.address))
        .bind(format!("class {} report {}", report.class_id, report.date))
        .bind(before)
        .execute(&mut *conn)
        .await
        .map_err(store_error)?;
    Ok(WriteOutcome::Stored(report))
}

/// A day's report with, if `client_id` was acknowledged for it, that answer.
#[derive(sqlx::FromRow)]
struct DayRow {
    #[sqlx(flatten)]
    report: ReportRow,
    replayed: Option<String>,
}

/// A class's day as it stands and what was acknowledged for `client_id` on it (a client id
/// belongs to its day's report): one round trip for both.
async fn day_and_replay_in(
    conn: &mut PgConnection,
    class: ClassId,
    date: NaiveDate,
    client_id: Option<&str>,
) -> StoreResult<(Option<DayReport>, Option<DayReport>)> {
    // Every day report's read: its text is made once.
    static DAY_AND_REPLAY: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {REPORT_COLUMNS}, (SELECT w.report::text FROM client_writes w \
             WHERE w.report_id = r.id AND w.client_id = $3) AS replayed \
             FROM {REPORT_FROM} WHERE r.class_id = $1 AND r.date = $2 ORDER BY e.position"
        )
    });
    let rows: Vec<DayRow> = sqlx::query_as(&DAY_AND_REPLAY)
        .bind(class)
        .bind(date)
        .bind(client_id)
        .fetch_all(conn)
        .await
        .map_err(store_error)?;
    let replayed = crate::db::rows::replay_of(rows.first().and_then(|r| r.replayed.as_deref()))?;
    let before = reports_from_rows(rows.into_iter().map(|r| r.report).collect())?.pop();
    Ok((before, replayed))
}

/// A checked day report's writes, in one statement (one round trip): the day upserted (its
/// total is the class × day rollup), its entries made the report's (those of subjects no longer
/// in it deleted, the others upserted: the two touch different rows), the client id's answer,
/// the audit entry. Parameters: the day's columns ($1–$7), its subjects and minutes ($8, $9),
/// the client id and the report as JSON ($10, $11), and the audit entry's ($12–$18).
const WRITE_DAY: &str = "WITH day AS ( \
    INSERT INTO day_reports (class_id, date, total_minutes, note, version, recorded_by, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7) \
    ON CONFLICT ON CONSTRAINT day_reports_class_date DO UPDATE SET \
    total_minutes = EXCLUDED.total_minutes, note = EXCLUDED.note, version = EXCLUDED.version, \
    recorded_by = EXCLUDED.recorded_by, updated_at = EXCLUDED.updated_at RETURNING id \
), stale AS ( \
    DELETE FROM report_entries WHERE report_id = (SELECT id FROM day) \
    AND subject <> ALL ($8::text[]) \
), entries AS ( \
    INSERT INTO report_entries (report_id, position, subject, minutes) \
    SELECT day.id, e.position - 1, e.subject, e.minutes \
    FROM day, UNNEST($8::text[], $9::int8[]) WITH ORDINALITY AS e (subject, minutes, position) \
    ON CONFLICT (report_id, subject) DO UPDATE SET \
    position = EXCLUDED.position, minutes = EXCLUDED.minutes \
), client AS ( \
    INSERT INTO client_writes (report_id, client_id, report, created_at) \
    SELECT day.id, $10, $11::jsonb, $7 FROM day WHERE $10::text IS NOT NULL \
) \
INSERT INTO audit_log (at, school_id, actor_id, actor, address, action, target, before, after) \
VALUES ($12, $13, $14, $15, $16, 'report.put', $17, $18::jsonb, $11::jsonb)";

#[async_trait]
impl Reports for PgStore {
    async fn put_report(&self, write: ReportWrite, actor: &Actor) -> StoreResult<WriteOutcome> {
        // Written with the reports that arrive with it ([`super::batch`]).
        let actor = actor.clone();
        self.by_writer(|reply| super::batch::Job::Report { write, actor, reply }).await
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
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.class_id = $1 AND r.date BETWEEN $2 AND $3 \
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
