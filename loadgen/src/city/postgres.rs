//! Bulk loading into PostgreSQL with `COPY … FROM STDIN` (text format), streamed in chunks of a
//! few MiB while the rows are generated. The small tables go first; then the day reports; then
//! their entries, client ids and audit entries side by side, each on its own connection.
//!
//! For the load only, those connections run with `session_replication_role = replica` when the
//! account may set it (a superuser), which skips the foreign-key triggers (34 million look-ups
//! of a report that the generator has just written): [`check`] proves afterwards that every
//! entry has its report. Identity sequences are moved past the ids the generator chose, the
//! tables analysed, and a checkpoint taken.

use super::rows::{Context, Table, Val};
use super::{human_bytes, produce, thousands};
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, PgConnection, Postgres};
use std::str::FromStr;

async fn connect(url: &str) -> Result<PgConnection, String> {
    PgConnectOptions::from_str(url)
        .map_err(|e| format!("bad postgres URL: {e}"))?
        .application_name("loadgen")
        .connect()
        .await
        .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))
}

pub async fn drop_database(url: &str) -> Result<(), String> {
    if Postgres::database_exists(url).await.map_err(|e| e.to_string())? {
        Postgres::force_drop_database(url).await.map_err(|e| format!("cannot drop it: {e}"))?;
    }
    Ok(())
}

pub async fn load(url: &str, ctx: &Context) -> Result<Vec<(Table, u64)>, String> {
    let mut counts = Vec::new();
    let mut conn = connect(url).await?;
    for table in Table::ALL.into_iter().filter(|t| !t.is_yearly()) {
        counts.push((table, copy(&mut conn, ctx, table).await?));
    }
    counts.push((Table::DayReports, copy(&mut conn, ctx, Table::DayReports).await?));
    let skip_triggers = conn.execute("SET session_replication_role = replica").await.is_ok();
    let side_by_side = [Table::ReportEntries, Table::ClientWrites, Table::AuditLog];
    if skip_triggers {
        let copies = side_by_side.map(|table| async move {
            let mut conn = connect(url).await?;
            conn.execute("SET session_replication_role = replica")
                .await
                .map_err(|e| e.to_string())?;
            let rows = copy(&mut conn, ctx, table).await?;
            conn.close().await.map_err(|e| e.to_string())?;
            Ok::<_, String>((table, rows))
        });
        let [a, b, c] = copies;
        let (a, b, c) = tokio::join!(a, b, c);
        counts.extend([a?, b?, c?]);
    } else {
        eprintln!("loadgen: not a superuser; foreign keys are checked row by row (slower)");
        for table in side_by_side {
            counts.push((table, copy(&mut conn, ctx, table).await?));
        }
    }
    for table in ["schools", "classes", "users", "day_reports", "audit_log"] {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             (SELECT COALESCE(max(id), 0) + 1 FROM {table}), false)"
        ))
        .execute(&mut conn)
        .await
        .map_err(|e| format!("moving the id sequence of {table}: {e}"))?;
    }
    let started = std::time::Instant::now();
    conn.execute("ANALYZE").await.map_err(|e| e.to_string())?;
    if conn.execute("CHECKPOINT").await.is_err() {
        eprintln!("loadgen: CHECKPOINT refused (not a superuser); PostgreSQL will take its own");
    }
    eprintln!("loadgen: ANALYZE and CHECKPOINT in {:.1} s", started.elapsed().as_secs_f64());
    conn.close().await.map_err(|e| e.to_string())?;
    Ok(counts)
}

/// One table through `COPY … FROM STDIN`; its row count.
async fn copy(conn: &mut PgConnection, ctx: &Context, table: Table) -> Result<u64, String> {
    let started = std::time::Instant::now();
    let statement = format!("COPY {} ({}) FROM STDIN", table.name(), table.columns().join(", "));
    let (mut chunks, producer) = produce(ctx, table, encode);
    let mut copy_in =
        conn.copy_in_raw(&statement).await.map_err(|e| format!("COPY {}: {e}", table.name()))?;
    while let Some(chunk) = chunks.recv().await {
        copy_in
            .send(chunk.into_bytes())
            .await
            .map_err(|e| format!("COPY {}: {e}", table.name()))?;
    }
    copy_in.finish().await.map_err(|e| format!("COPY {}: {e}", table.name()))?;
    let rows = producer.join().map_err(|_| "the row generator panicked")?;
    eprintln!(
        "loadgen: {:>14} {:>12} rows in {:6.1} s",
        table.name(),
        thousands(rows),
        started.elapsed().as_secs_f64()
    );
    Ok(rows)
}

/// A row in `COPY`'s text format: tab-separated, `\N` for null, backslash escapes.
fn encode(out: &mut String, row: &[Val<'_>]) {
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match v {
            Val::Int(n) => out.push_str(&n.to_string()),
            Val::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            Val::Null => out.push_str("\\N"),
            Val::Bytes(b) => {
                out.push_str("\\\\x");
                out.push_str(&super::plan::hex(b));
            }
            Val::Text(s) => {
                for c in s.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\t' => out.push_str("\\t"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        c => out.push(c),
                    }
                }
            }
        }
    }
    out.push('\n');
}

/// Every day total equals the sum of its entries, and every entry and client id has its report
/// or class.
pub async fn check(url: &str) -> Result<String, String> {
    let mut conn = connect(url).await?;
    let (mismatched, orphans): (i64, i64) = sqlx::query_as(
        "SELECT \
           (SELECT count(*) FROM day_reports r LEFT JOIN \
              (SELECT report_id, SUM(minutes) AS total FROM report_entries GROUP BY report_id) e \
              ON e.report_id = r.id WHERE r.total_minutes <> COALESCE(e.total, 0)), \
           (SELECT count(*) FROM report_entries e WHERE NOT EXISTS \
              (SELECT 1 FROM day_reports r WHERE r.id = e.report_id)) \
           + (SELECT count(*) FROM client_writes w WHERE NOT EXISTS \
              (SELECT 1 FROM day_reports r WHERE r.id = w.report_id))",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(|e| e.to_string())?;
    conn.close().await.map_err(|e| e.to_string())?;
    if mismatched != 0 || orphans != 0 {
        return Err(format!(
            "inconsistent: {mismatched} day totals differ from their entries, \
             {orphans} rows point nowhere"
        ));
    }
    Ok("every day total equals its entries' sum; no entry lacks its report".to_owned())
}

/// The database's size and its biggest tables (with their indexes).
pub async fn size(url: &str) -> Result<String, String> {
    let mut conn = connect(url).await?;
    let total: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    let parts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT c.relname::text, pg_total_relation_size(c.oid) FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 6",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(|e| e.to_string())?;
    conn.close().await.map_err(|e| e.to_string())?;
    let parts: Vec<String> = parts
        .iter()
        .map(|(n, b)| format!("{n} with its indexes {}", human_bytes(*b as u64)))
        .collect();
    Ok(format!("{} ({})", human_bytes(total as u64), parts.join(", ")))
}
