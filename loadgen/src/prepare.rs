//! `loadgen prepare`: puts a generated database back into the state a benchmark starts from,
//! without generating it again: today's day reports removed (so that a morning's reports are
//! new rows again, as they are each morning), and every session opened now and last used
//! `--idle` seconds ago (3600: every session's first request of the run is also its first of
//! the morning, so the server writes its `last_seen_at`, as it does each morning; 0: none do).
//! Direct SQL on a benchmark database, never on a school's.

use crate::args::Args;
use chrono::{Duration, Utc};

pub async fn run(args: &Args) -> Result<(), String> {
    args.only(&["database-url", "idle"])?;
    let url = args.required("database-url")?;
    let idle: i64 = args.get("idle", 3600)?;
    let now = Utc::now().timestamp();
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let sessions = "UPDATE sessions SET created_at = $1, last_seen_at = $2, expires_at = $3";
    let entries = "DELETE FROM report_entries WHERE report_id IN \
                   (SELECT id FROM day_reports WHERE date = $1)";
    let reports = "DELETE FROM day_reports WHERE date = $1";
    let (touched, removed) = if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&url).await.map_err(|e| e.to_string())?;
        let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
        let touched = sqlx::query(sessions)
            .bind(now)
            .bind(now - idle)
            .bind(now + 30 * 86_400)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?
            .rows_affected();
        let day = today.to_string();
        sqlx::query(entries).bind(&day).execute(&mut *tx).await.map_err(|e| e.to_string())?;
        let removed = sqlx::query(reports)
            .bind(&day)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?
            .rows_affected();
        tx.commit().await.map_err(|e| e.to_string())?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await
            .map_err(|e| e.to_string())?;
        pool.close().await;
        (touched, removed)
    } else {
        let pool = sqlx::PgPool::connect(&url).await.map_err(|e| e.to_string())?;
        let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
        let touched = sqlx::query(sessions)
            .bind(now)
            .bind(now - idle)
            .bind(now + 30 * 86_400)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?
            .rows_affected();
        sqlx::query(entries).bind(today).execute(&mut *tx).await.map_err(|e| e.to_string())?;
        let removed = sqlx::query(reports)
            .bind(today)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?
            .rows_affected();
        tx.commit().await.map_err(|e| e.to_string())?;
        sqlx::query("VACUUM ANALYZE day_reports")
            .execute(&pool)
            .await
            .map_err(|e| e.to_string())?;
        pool.close().await;
        (touched, removed)
    };
    println!(
        "prepared: {touched} sessions last used {idle} s ago; {removed} reports of {today} removed"
    );
    Ok(())
}
