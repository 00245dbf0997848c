//! Bulk loading into SQLite: rows travel as one JSON array per batch of a few MiB, inserted by a
//! single prepared `INSERT INTO t (…) SELECT value->>0, … FROM json_each(?)` (SQLite parses the
//! array in C, so a batch costs one bind instead of one per value), tables one after another,
//! many batches to a transaction.
//!
//! For the load only, this connection runs with `synchronous = OFF` and foreign keys off (the
//! rows are consistent by construction, and [`check`] proves it afterwards). The database stays
//! in WAL mode; at the end it is checkpointed (`wal_checkpoint(TRUNCATE)`) and the file fsynced,
//! so that what the server opens is the same file it would have written itself.

use super::rows::{Context, Table, Val};
use super::{human_bytes, produce, thousands};
use sqlx::sqlite::{SqliteConnectOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Executor, SqliteConnection};
use std::str::FromStr;

/// Batches per transaction (about 100 MiB of rows).
const BATCHES_PER_COMMIT: u32 = 24;

async fn connect(url: &str) -> Result<SqliteConnection, String> {
    SqliteConnectOptions::from_str(url)
        .map_err(|e| e.to_string())?
        .synchronous(SqliteSynchronous::Off)
        .foreign_keys(false)
        .pragma("cache_size", "-1048576")
        .pragma("temp_store", "memory")
        .connect()
        .await
        .map_err(|e| format!("cannot open {url}: {e}"))
}

pub async fn load(url: &str, ctx: &Context) -> Result<Vec<(Table, u64)>, String> {
    let mut conn = connect(url).await?;
    let mut counts = Vec::new();
    for table in Table::ALL {
        let started = std::time::Instant::now();
        let sql = insert_sql(table);
        let (mut chunks, producer) = produce(ctx, table, encode);
        conn.execute("BEGIN").await.map_err(|e| e.to_string())?;
        let mut batches = 0;
        while let Some(chunk) = chunks.recv().await {
            let array = format!("[{}]", chunk.trim_end_matches(','));
            sqlx::query(&sql)
                .bind(array)
                .execute(&mut conn)
                .await
                .map_err(|e| format!("loading {}: {e}", table.name()))?;
            batches += 1;
            if batches % BATCHES_PER_COMMIT == 0 {
                conn.execute("COMMIT; BEGIN").await.map_err(|e| e.to_string())?;
            }
        }
        conn.execute("COMMIT").await.map_err(|e| e.to_string())?;
        let rows = producer.join().map_err(|_| "the row generator panicked")?;
        eprintln!(
            "loadgen: {:>14} {:>12} rows in {:6.1} s",
            table.name(),
            thousands(rows),
            started.elapsed().as_secs_f64()
        );
        counts.push((table, rows));
    }
    // What the server's `PRAGMA optimize` would have found over a year of restarts.
    conn.execute("PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .map_err(|e| e.to_string())?;
    conn.close().await.map_err(|e| e.to_string())?;
    let path = file_of(url);
    std::fs::File::open(&path)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("fsync {path}: {e}"))?;
    Ok(counts)
}

fn insert_sql(table: Table) -> String {
    let columns = table.columns();
    let values: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if *c == "token_hash" { format!("unhex(value->>{i})") } else { format!("value->>{i}") }
        })
        .collect();
    format!(
        "INSERT INTO {} ({}) SELECT {} FROM json_each(?)",
        table.name(),
        columns.join(", "),
        values.join(", ")
    )
}

/// A row as a JSON array followed by a comma.
fn encode(out: &mut String, row: &[Val<'_>]) {
    out.push('[');
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match v {
            Val::Int(n) => out.push_str(&n.to_string()),
            Val::Bool(b) => out.push(if *b { '1' } else { '0' }),
            Val::Null => out.push_str("null"),
            Val::Bytes(b) => {
                out.push('"');
                out.push_str(&super::plan::hex(b));
                out.push('"');
            }
            Val::Text(s) => json_string(out, s),
        }
    }
    out.push_str("],");
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Every day total equals the sum of its entries, and every entry, client id and class has the
/// row it points to.
pub async fn check(url: &str) -> Result<String, String> {
    let mut conn = connect(url).await?;
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM day_reports r WHERE r.total_minutes <> \
         (SELECT COALESCE(SUM(e.minutes), 0) FROM report_entries e WHERE e.report_id = r.id)",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(|e| e.to_string())?;
    let orphans: i64 = sqlx::query_scalar("SELECT count(*) FROM pragma_foreign_key_check")
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
    Ok("every day total equals its entries' sum; no foreign key points nowhere".to_owned())
}

/// The file's size and the biggest tables and indexes in it.
pub async fn size(url: &str) -> Result<String, String> {
    let path = file_of(url);
    let bytes = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
    let mut conn = connect(url).await?;
    let parts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap_or_default();
    conn.close().await.map_err(|e| e.to_string())?;
    let parts: Vec<String> =
        parts.iter().map(|(n, b)| format!("{n} {}", human_bytes(*b as u64))).collect();
    Ok(format!("{} ({})", human_bytes(bytes), parts.join(", ")))
}

fn file_of(url: &str) -> String {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    path.split('?').next().unwrap_or(path).to_owned()
}
