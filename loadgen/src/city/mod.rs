//! `loadgen generate`: a city's school year in a fresh database, fast. The database is first
//! opened through `backend::db::connect`, so the server's own migrations make the schema; then
//! every table is bulk-loaded (SQLite: one prepared `INSERT … SELECT … FROM json_each(?)` per
//! batch of thousands of rows; PostgreSQL: `COPY … FROM STDIN`), checked (every day total equals
//! the sum of its entries, every entry has its report), and its size printed. It also writes the
//! sessions file that the load generator reads its accounts from.

pub mod plan;
mod postgres;
pub mod rows;
mod sqlite;

use crate::args::Args;
use chrono::{Days, Duration, Utc};
use plan::{City, CityShape, session_token};
use rows::{Context, Table, Val};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Rows are handed from the generating thread to the loader in chunks of about this size.
const CHUNK_BYTES: usize = 4 << 20;

pub async fn generate(args: &Args) -> Result<(), String> {
    args.only(&["database-url", "schools", "classes", "days", "seed", "sessions", "replace"])?;
    let url = args.required("database-url")?;
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let shape = CityShape {
        schools: args.get("schools", 2195)?,
        classes: args.get("classes", 30_000)?,
        school_days: args.get("days", 190)?,
        last_day: today.checked_sub_days(Days::new(1)).ok_or("no yesterday")?,
        seed: args.get("seed", 1)?,
    };
    let sessions_path = args.optional("sessions").unwrap_or_else(|| default_sessions_path(&url));
    if args.flag("replace") {
        remove_database(&url).await?;
    }

    let started = Instant::now();
    let city = Arc::new(City::plan(shape));
    let users = Arc::new(rows::users(&city));
    let password_hash = backend::auth::password::hash(plan::PASSWORD.to_owned())
        .await
        .map_err(|e| e.to_string())?;
    let ctx = Context { city, users, password_hash, now: Utc::now().timestamp() };
    eprintln!(
        "loadgen: {} schools, {} classes, {} school days ({} to {}), {} accounts",
        ctx.city.schools.len(),
        ctx.city.classes.len(),
        ctx.city.days.len(),
        ctx.city.days.first().map(ToString::to_string).unwrap_or_default(),
        ctx.city.days.last().map(ToString::to_string).unwrap_or_default(),
        ctx.users.len()
    );

    // The server's migrations make the schema; then the store is let go.
    let store = backend::db::connect(&url).await?;
    if !store.is_empty().await.map_err(|e| e.to_string())? {
        return Err(format!("{url} already has schools; pass --replace to start it afresh"));
    }
    drop(store);
    let migrated = started.elapsed();

    let counts = if url.starts_with("sqlite:") {
        sqlite::load(&url, &ctx).await?
    } else {
        postgres::load(&url, &ctx).await?
    };
    let loaded = started.elapsed();
    let check = if url.starts_with("sqlite:") {
        sqlite::check(&url).await?
    } else {
        postgres::check(&url).await?
    };
    let checked = started.elapsed() - loaded;
    let size = if url.starts_with("sqlite:") {
        sqlite::size(&url).await?
    } else {
        postgres::size(&url).await?
    };
    write_sessions(&ctx, Path::new(&sessions_path))?;

    let rows: u64 = counts.iter().map(|(_, n)| n).sum();
    println!("## generated city in {url}");
    println!();
    println!("| table | rows |");
    println!("|---|---:|");
    for (table, n) in &counts {
        println!("| `{}` | {} |", table.name(), thousands(*n));
    }
    println!();
    println!(
        "load: {:.1} s for {} rows ({:.0} rows/s; migrations and planning {:.1} s); \
         check: {:.1} s, {check}",
        loaded.as_secs_f64(),
        thousands(rows),
        rows as f64 / (loaded - migrated).as_secs_f64(),
        migrated.as_secs_f64(),
        checked.as_secs_f64()
    );
    println!("size: {size}");
    println!("sessions: {sessions_path}");
    println!(
        "result name=generate rows={rows} load_s={:.1} check_s={:.1}",
        loaded.as_secs_f64(),
        checked.as_secs_f64()
    );
    Ok(())
}

/// `target/bench/city.db` → `target/bench/city.db.sessions`; a PostgreSQL database's name
/// → `target/bench/NAME.sessions`.
pub fn default_sessions_path(url: &str) -> String {
    match url.strip_prefix("sqlite://") {
        Some(path) => format!("{}.sessions", path.split('?').next().unwrap_or(path)),
        None => {
            let name = url.rsplit('/').next().unwrap_or("city").split('?').next().unwrap_or("city");
            format!("target/bench/{name}.sessions")
        }
    }
}

/// The accounts the load generator acts as, one a line: `monitor CLASS SCHOOL GRADE TOKEN`,
/// `leader SCHOOL GRADE TOKEN`, `admin SCHOOL TOKEN`.
fn write_sessions(ctx: &Context, path: &Path) -> Result<(), String> {
    let seed = ctx.city.shape.seed;
    let grade_of: std::collections::HashMap<i64, u8> =
        ctx.city.classes.iter().map(|c| (c.id, c.grade)).collect();
    let mut out = String::from("# loadgen sessions (bench databases only: these tokens log in)\n");
    for u in ctx.users.iter() {
        let token = session_token(seed, u.id);
        let _ = match (u.role, u.class_id, u.grade) {
            ("monitor", Some(c), _) => writeln!(
                out,
                "monitor {c} {} {} {token}",
                u.school_id,
                grade_of.get(&c).copied().unwrap_or(0)
            ),
            ("grade_leader", _, Some(g)) => writeln!(out, "leader {} {g} {token}", u.school_id),
            ("school_admin", _, _) => writeln!(out, "admin {} {token}", u.school_id),
            _ => Ok(()),
        };
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    std::fs::write(path, out).map_err(|e| format!("writing {}: {e}", path.display()))
}

async fn remove_database(url: &str) -> Result<(), String> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        for suffix in ["", "-wal", "-shm"] {
            let file = format!("{path}{suffix}");
            if Path::new(&file).exists() {
                std::fs::remove_file(&file).map_err(|e| format!("removing {file}: {e}"))?;
            }
        }
        Ok(())
    } else {
        postgres::drop_database(url).await
    }
}

/// Produces a table's rows on a thread of their own, encoded by `encode` into chunks of about
/// [`CHUNK_BYTES`], so that generating and loading run side by side.
fn produce(
    ctx: &Context,
    table: Table,
    encode: fn(&mut String, &[Val<'_>]),
) -> (tokio::sync::mpsc::Receiver<String>, std::thread::JoinHandle<u64>) {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let ctx = ctx.clone();
    let handle = std::thread::spawn(move || {
        let mut chunk = String::with_capacity(CHUNK_BYTES + 4096);
        let mut rows = 0u64;
        rows::each_row(&ctx, table, &mut |row| {
            encode(&mut chunk, row);
            rows += 1;
            if chunk.len() >= CHUNK_BYTES {
                let full = std::mem::replace(&mut chunk, String::with_capacity(CHUNK_BYTES + 4096));
                let _ = tx.blocking_send(full);
            }
        });
        if !chunk.is_empty() {
            let _ = tx.blocking_send(chunk);
        }
        rows
    });
    (rx, handle)
}

/// 35123456 → "35,123,456".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes as "4.2 GiB".
pub fn human_bytes(n: u64) -> String {
    let gib = n as f64 / f64::from(1u32 << 30);
    if gib >= 1.0 { format!("{gib:.2} GiB") } else { format!("{:.1} MiB", n as f64 / 1048576.0) }
}
