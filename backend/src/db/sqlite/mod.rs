//! The embedded SQLite store: one file, WAL journal, `synchronous = FULL` so that an
//! acknowledged write survives a crash or power loss. Writes go through a single connection
//! (SQLite has one writer at a time anyway, and this avoids lock upgrades failing with
//! `SQLITE_BUSY`); reads use a pool of their own. Every write appends its audit entry in the
//! same transaction.

use super::{Account, Actor, NewAccount, School, StoreError, StoreResult, TabletCodeRecord, Taken};
use crate::clock::now_rfc3339;
use chrono::NaiveDate;
use serde_json::{Value, json};
use shared::api::{ClassInfo, DayReport, Role};
use shared::report::Entry;
use shared::{ClassId, Grade, Minutes, SchoolId, Subject, UserId};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqliteConnection, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Day reports go to the group-commit writer ([`reports::write_reports`]).
    reports: tokio::sync::mpsc::Sender<reports::ReportJob>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file of a `sqlite:` URL and migrates it.
    pub async fn open(url: &str) -> Result<Self, String> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| format!("bad sqlite URL {url:?}: {e}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .pragma("temp_store", "memory")
            .optimize_on_close(true, None);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|e| format!("cannot open {url}: {e}"))?;
        MIGRATOR.run(&writer).await.map_err(|e| format!("cannot migrate {url}: {e}"))?;
        // An in-memory database exists only inside its one connection: readers share it.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let reader = if in_memory {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options.read_only(true))
                .await
                .map_err(|e| format!("cannot open {url} for reading: {e}"))?
        };
        let (reports, jobs) = tokio::sync::mpsc::channel(4 * 1024);
        tokio::spawn(reports::write_reports(writer.clone(), jobs));
        Ok(SqliteStore { writer, reader, reports })
    }
}

impl SqliteStore {
    /// `PRAGMA integrity_check` of a database file: `ok`, or what is wrong.
    pub async fn integrity_check(url: &str) -> Result<String, String> {
        let options = SqliteConnectOptions::from_str(url).map_err(|e| e.to_string())?;
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(|e| format!("cannot open {url}: {e}"))?;
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&pool)
            .await
            .map_err(|e| e.to_string())?;
        pool.close().await;
        Ok(rows.join("; "))
    }
}

/// Sorts a database error into what the HTTP layer must say about it.
fn store_error(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let primary = db.code().and_then(|c| c.parse::<i32>().ok()).map(|c| c & 0xff);
        let message = db.message();
        match primary {
            Some(19) if message.contains("classes.school_id, classes.name") => {
                return StoreError::Taken(Taken::ClassName);
            }
            Some(19) if message.contains("users.username") => {
                return StoreError::Taken(Taken::Username);
            }
            Some(19) if message.contains("schools.name") => {
                return StoreError::Taken(Taken::SchoolName);
            }
            // READONLY, FULL, BUSY, LOCKED, IOERR, CANTOPEN
            Some(8 | 13 | 5 | 6 | 10 | 14) => return StoreError::Unavailable(e.to_string()),
            _ => {}
        }
    }
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => StoreError::Unavailable(e.to_string()),
        other => StoreError::Internal(other.to_string()),
    }
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("unreadable row: {what}"))
}

fn grade_of(n: i64) -> StoreResult<Grade> {
    Grade::new(n).map_err(corrupt)
}

fn date_of(s: &str) -> StoreResult<NaiveDate> {
    s.parse().map_err(corrupt)
}

const CLASS_COLUMNS: &str = "id, school_id, grade, name, archived_at IS NOT NULL AS archived";

fn class_row(row: &SqliteRow) -> StoreResult<ClassInfo> {
    Ok(ClassInfo {
        id: row.get("id"),
        school_id: row.get("school_id"),
        grade: grade_of(row.get("grade"))?,
        name: row.get("name"),
        archived: row.get("archived"),
    })
}

macro_rules! account_columns {
    () => {
        "u.id, u.school_id, u.username, u.display_name, u.role, u.class_id, \
         COALESCE(u.grade, c.grade) AS grade, c.name AS class_name, u.password_hash, \
         u.disabled_at IS NOT NULL AS disabled, u.tablet"
    };
}

const ACCOUNT_SELECT: &str = concat!(
    "SELECT ",
    account_columns!(),
    " FROM users u LEFT JOIN classes c ON c.id = u.class_id"
);

fn account_row(row: &SqliteRow) -> StoreResult<Account> {
    let role: String = row.get("role");
    Ok(Account {
        id: row.get("id"),
        school_id: row.get("school_id"),
        username: row.get("username"),
        display_name: row.get("display_name"),
        role: Role::parse(&role).ok_or_else(|| corrupt(role))?,
        class_id: row.get("class_id"),
        grade: row.get::<Option<i64>, _>("grade").map(grade_of).transpose()?,
        class_name: row.get("class_name"),
        password_hash: row.get("password_hash"),
        disabled: row.get("disabled"),
        tablet: row.get("tablet"),
    })
}

fn school_row(row: &SqliteRow) -> School {
    School {
        id: row.get("id"),
        name: row.get("name"),
        utc_offset_minutes: row.get("utc_offset_minutes"),
    }
}

/// Builds day reports from rows of a report joined with its entries, in order.
fn reports_from_rows(rows: &[SqliteRow]) -> StoreResult<Vec<DayReport>> {
    let mut reports: Vec<(i64, DayReport)> = Vec::new();
    for row in rows {
        let id: i64 = row.get("id");
        if reports.last().is_none_or(|(last, _)| *last != id) {
            let date: String = row.get("date");
            reports.push((
                id,
                DayReport {
                    class_id: row.get("class_id"),
                    date: date_of(&date)?,
                    entries: Vec::new(),
                    total_minutes: row.get::<i64, _>("total_minutes") as u32,
                    note: row.get("note"),
                    version: row.get("version"),
                    recorded_by: row.get("recorded_by"),
                    updated_at: row.get("updated_at"),
                },
            ));
        }
        if let Some(subject) = row.get::<Option<String>, _>("subject") {
            let minutes: i64 = row.get("minutes");
            let entry = Entry {
                subject: Subject::parse(&subject).map_err(corrupt)?,
                minutes: Minutes::new(minutes).map_err(corrupt)?,
            };
            if let Some((_, r)) = reports.last_mut() {
                r.entries.push(entry);
            }
        }
    }
    Ok(reports.into_iter().map(|(_, r)| r).collect())
}

const REPORT_SELECT: &str = "SELECT r.id, r.class_id, r.date, r.total_minutes, r.note, r.version, \
    r.recorded_by, r.updated_at, e.subject, e.minutes \
    FROM day_reports r LEFT JOIN report_entries e ON e.report_id = r.id";

async fn report_in<'e, E>(
    executor: E,
    class: ClassId,
    date: NaiveDate,
) -> StoreResult<Option<DayReport>>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let rows = sqlx::query(&format!(
        "{REPORT_SELECT} WHERE r.class_id = ? AND r.date = ? ORDER BY e.position"
    ))
    .bind(class)
    .bind(date.to_string())
    .fetch_all(executor)
    .await
    .map_err(store_error)?;
    Ok(reports_from_rows(&rows)?.pop())
}

/// Appends an audit entry inside the caller's transaction.
async fn audit_in(
    conn: &mut SqliteConnection,
    actor: &Actor,
    action: &str,
    target: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, school_id, actor_id, actor, address, action, target, before, after) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(now_rfc3339())
    .bind(actor.school_id)
    .bind(actor.user_id)
    .bind(&actor.username)
    .bind(&actor.address)
    .bind(action)
    .bind(target)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// What the audit log keeps of an account: never its password hash.
fn account_json(a: &Account) -> Value {
    json!({
        "username": a.username, "display_name": a.display_name, "role": a.role.as_str(),
        "class_id": a.class_id, "grade": a.grade, "disabled": a.disabled,
    })
}

fn class_json(c: &ClassInfo) -> Value {
    json!({"name": c.name, "grade": c.grade, "archived": c.archived})
}

async fn account_in(conn: &mut SqliteConnection, id: UserId) -> StoreResult<Option<Account>> {
    let row = sqlx::query(&format!("{ACCOUNT_SELECT} WHERE u.id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(store_error)?;
    row.as_ref().map(account_row).transpose()
}

async fn class_in(conn: &mut SqliteConnection, id: ClassId) -> StoreResult<Option<ClassInfo>> {
    let row = sqlx::query(&format!("SELECT {CLASS_COLUMNS} FROM classes WHERE id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(store_error)?;
    row.as_ref().map(class_row).transpose()
}

async fn insert_account(tx: &mut SqliteConnection, a: &NewAccount) -> StoreResult<UserId> {
    sqlx::query_scalar(
        "INSERT INTO users (school_id, username, display_name, role, class_id, grade, password_hash, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(a.school_id)
    .bind(&a.username)
    .bind(&a.display_name)
    .bind(a.role.as_str())
    .bind(a.class_id)
    .bind(a.grade.map(|g| i64::from(g.get())))
    .bind(&a.password_hash)
    .bind(now_rfc3339())
    .fetch_one(tx)
    .await
    .map_err(store_error)
}

async fn insert_class(
    tx: &mut SqliteConnection,
    school: SchoolId,
    grade: Grade,
    name: &str,
) -> StoreResult<ClassInfo> {
    let row = sqlx::query(&format!(
        "INSERT INTO classes (school_id, grade, name, created_at) VALUES (?, ?, ?, ?) \
         RETURNING {CLASS_COLUMNS}"
    ))
    .bind(school)
    .bind(i64::from(grade.get()))
    .bind(name)
    .bind(now_rfc3339())
    .fetch_one(tx)
    .await
    .map_err(store_error)?;
    class_row(&row)
}

async fn replayed_in<'e, E>(
    executor: E,
    class: ClassId,
    client_id: &str,
) -> StoreResult<Option<DayReport>>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let json: Option<String> =
        sqlx::query_scalar("SELECT report FROM client_writes WHERE class_id = ? AND client_id = ?")
            .bind(class)
            .bind(client_id)
            .fetch_optional(executor)
            .await
            .map_err(store_error)?;
    json.map(|j| serde_json::from_str(&j).map_err(corrupt)).transpose()
}

fn tablet_code_row(row: &SqliteRow) -> TabletCodeRecord {
    TabletCodeRecord {
        id: row.get("id"),
        class_id: row.get("class_id"),
        label: row.get("label"),
        created_at: row.get("created_at"),
        last_used_at: row.get("last_used_at"),
        revoked: row.get("revoked"),
    }
}

fn ids_json(ids: &[ClassId]) -> StoreResult<String> {
    serde_json::to_string(ids).map_err(corrupt)
}

// After the helpers and the `account_columns!` macro, which the modules use.
mod accounts;
mod audit;
mod reports;
mod schools;
