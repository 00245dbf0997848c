//! The embedded SQLite store: one file, WAL journal, `synchronous = FULL` so that an
//! acknowledged write survives a crash or power loss. Day reports and sessions' use, the writes
//! of a morning's burst, go to one writer on a thread of its own ([`writer`], group commit);
//! the rarer writes (set-up, accounts, classes, holidays) go through one sqlx connection. Both
//! take SQLite's write lock when their transaction begins (`BEGIN IMMEDIATE`), so that one never
//! finds the other's commit in its way half-way through; reads use a pool of their own. Every
//! write appends its audit entry in the same transaction.

use super::rows::{
    ACCOUNT_COLUMNS, ACCOUNT_FROM, AccountRow, CLASS_COLUMNS, ClassRow, REPORT_COLUMNS,
    REPORT_FROM, corrupt, reports_from_rows,
};
use super::{Account, Actor, NewAccount, StoreError, StoreResult, Taken};
use chrono::NaiveDate;
use serde_json::Value;
use shared::api::{ClassInfo, DayReport};
use shared::{ClassId, Grade, SchoolId, UserId};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// Rows a query may send ahead of the task that reads them.
const ROW_BUFFER: usize = 4096;

/// The WAL's length, in pages, at which the writer checkpoints in its own commit: only when the
/// background checkpoints ([`checkpoint`]) fall far behind.
const WRITER_AUTOCHECKPOINT_PAGES: u32 = 16 * 1024;

/// The reading connections: one per core and one more. A read runs on its connection's thread
/// from pages the OS has cached, on a core; more threads than cores only take turns, and every
/// commit empties each connection's own page cache, so each extra connection reads the same pages
/// again. Measured on 2 cores (a district's file, day reports as fast as they are answered):
/// 8 connections ≈ 2,950 reports/s, 3 ≈ 3,350, 2 ≈ 3,480.
fn reading_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    u32::try_from(cores + 1).unwrap_or(u32::MAX)
}

/// The writer's page cache, in KiB.
const WRITER_CACHE_KIB: u64 = 64 << 10;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// The session and class reads of every request, on the request's own thread ([`inline`]).
    inline: inline::InlineReader,
    /// Schools' policies as parsed, for the class read of every day report.
    policies: super::rows::PolicyCache,
    /// Day reports and sessions' "last used" times go to the group-commit writer ([`writer`]).
    writes: tokio::sync::mpsc::Sender<writer::Job>,
    /// Stops the background checkpoints ([`checkpoint`]) when the store is dropped.
    _checkpoints: checkpoint::Stop,
    /// The district screens' live events ([`super::districts`]).
    events: std::sync::Arc<super::districts::Events>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file of a `sqlite:` URL and migrates it.
    pub async fn open(url: &str) -> Result<Self, String> {
        if url.contains(":memory:") || url.contains("mode=memory") {
            return Err(format!(
                "{url}: an in-memory database would lose every report when the server stops; \
                 give a file (sqlite://homework.db)"
            ));
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| format!("bad sqlite URL {url:?}: {e}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .pragma("temp_store", "memory")
            .optimize_on_close(true, None)
            // A query's rows come back from the connection's thread through a channel; at the
            // default 50 the thread stops every 50 rows until the task has taken them, and a
            // batch of day reports reads thousands.
            .row_buffer_size(ROW_BUFFER);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            // A ping before each use would be one more hand-over to the connection's thread,
            // and there is no network here that could have dropped it.
            .test_before_acquire(false)
            // A COMMIT that fails (disk full, read-only or failing disk) can leave SQLite and
            // sqlx apart: SQLite rolls back, but a failed `RELEASE` of the outermost savepoint
            // leaves autocommit off while sqlx counts the transaction as ended (or the reverse).
            // Every later write on that connection would be answered as stored and never be
            // committed. A connection handed back inside a transaction, by either's account, is
            // closed instead (which rolls it back), and the pool opens a fresh one.
            .after_release(|conn, _| {
                Box::pin(async move {
                    use sqlx::{Connection, Executor};
                    // `BEGIN` fails inside a transaction; it also waits for a rollback queued
                    // before it.
                    let sqlite_outside = conn.execute("BEGIN").await.is_ok()
                        && conn.execute("ROLLBACK").await.is_ok();
                    Ok(sqlite_outside && !conn.is_in_transaction())
                })
            })
            // The writer's cache is emptied only by another process's write: large, it keeps
            // what a batch of day reports reads and changes (the B-trees' inner pages, where
            // rows are appended) instead of reading it from the file again for every batch.
            .connect_with(
                options
                    .clone()
                    .pragma("cache_size", format!("-{WRITER_CACHE_KIB}"))
                    .pragma("wal_autocheckpoint", WRITER_AUTOCHECKPOINT_PAGES.to_string()),
            )
            .await
            .map_err(|e| format!("cannot open {url}: {e}"))?;
        MIGRATOR.run(&writer).await.map_err(|e| format!("cannot migrate {url}: {e}"))?;
        plans::widen_role_check(&writer).await.map_err(|e| format!("cannot migrate {url}: {e}"))?;
        districts::allow_district_admins(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(reading_connections())
            .test_before_acquire(false)
            .connect_with(options.clone().read_only(true))
            .await
            .map_err(|e| format!("cannot open {url} for reading: {e}"))?;
        let writes = writer::start(writer::Settings {
            path: options.get_filename().to_path_buf(),
            cache_kib: WRITER_CACHE_KIB,
            autocheckpoint_pages: WRITER_AUTOCHECKPOINT_PAGES,
        })?;
        let inline = inline::InlineReader::open(
            options.get_filename().to_path_buf(),
            reading_connections() as usize,
        )?;
        let checkpoints = checkpoint::start(options.clone()).await?;
        Ok(SqliteStore {
            writer,
            reader,
            inline,
            policies: Default::default(),
            writes,
            _checkpoints: checkpoints,
            events: Default::default(),
        })
    }
}

impl SqliteStore {
    /// A transaction on the sqlx writing connection that holds SQLite's write lock from its
    /// start (`BEGIN IMMEDIATE`), so that the report writer's commits ([`writer`]) cannot come
    /// between its reads and its writes (`SQLITE_BUSY_SNAPSHOT`); the busy timeout waits instead.
    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(store_error)
    }

    /// Hands a write to the report writer ([`writer`]) and waits for what became of it, which
    /// it says once its batch is committed.
    async fn by_writer<T>(
        &self,
        job: impl FnOnce(tokio::sync::oneshot::Sender<StoreResult<T>>) -> writer::Job,
    ) -> StoreResult<T> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let stopped = || StoreError::Unavailable("the writer stopped".into());
        self.writes.send(job(reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// `PRAGMA integrity_check` of a database file: `ok`, or what is wrong. A sound file that
    /// is not this server's database (an empty file is a sound, empty database) is wrong too.
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
        let ours: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
             AND name IN ('_sqlx_migrations', 'schools', 'day_reports')",
        )
        .fetch_one(&pool)
        .await
        .map_err(|e| e.to_string())?;
        pool.close().await;
        let check = rows.join("; ");
        if check == "ok" && ours != 3 {
            return Ok("it is not a database of this server (its tables are missing)".into());
        }
        Ok(check)
    }
}

/// A group commit's failure, once for each request of the batch (a `StoreError` is not `Clone`).
fn shared_failure(e: &StoreError) -> StoreError {
    match e {
        StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
        other => StoreError::Internal(other.to_string()),
    }
}

/// Whether SQLite's primary result code says the database cannot take writes now: READONLY,
/// FULL, BUSY, LOCKED, IOERR, CANTOPEN (a `503`, not a bug). Both libraries' errors are sorted
/// by it ([`store_error`] for sqlx's, [`rusqlite_error`] for the writer's and inline reads').
fn unavailable(code: i32) -> bool {
    matches!(code & 0xff, 8 | 13 | 5 | 6 | 10 | 14)
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
            Some(code) if unavailable(code) => return StoreError::Unavailable(e.to_string()),
            _ => {}
        }
    }
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => StoreError::Unavailable(e.to_string()),
        other => StoreError::Internal(other.to_string()),
    }
}

/// Sorts a `rusqlite` error as [`store_error`] does sqlx's: a full, read-only, locked or
/// failing database is unavailable (503), anything else internal.
fn rusqlite_error(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if unavailable(f.extended_code) => {
            StoreError::Unavailable(e.to_string())
        }
        _ => StoreError::Internal(e.to_string()),
    }
}

async fn report_in<'e, E>(
    executor: E,
    class: ClassId,
    date: NaiveDate,
) -> StoreResult<Option<DayReport>>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let rows = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.class_id = ? AND r.date = ? ORDER BY e.position"
    ))
    .bind(class)
    .bind(date.to_string())
    .fetch_all(executor)
    .await
    .map_err(store_error)?;
    Ok(reports_from_rows(rows)?.pop())
}

/// Appends an audit entry: `at, school_id, actor_id, actor, address, action, target, before,
/// after` (both libraries write it: sqlx here, the batching writer).
const AUDIT_INSERT: &str = "INSERT INTO audit_log (at, school_id, actor_id, actor, address, \
    action, target, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// Appends an audit entry inside the caller's transaction.
async fn audit_in(
    conn: &mut SqliteConnection,
    actor: &Actor,
    action: &str,
    target: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> StoreResult<()> {
    sqlx::query(AUDIT_INSERT)
        .bind(&actor.at)
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

async fn account_in(conn: &mut SqliteConnection, id: UserId) -> StoreResult<Option<Account>> {
    let row: Option<AccountRow> =
        sqlx::query_as(&format!("SELECT {ACCOUNT_COLUMNS} FROM {ACCOUNT_FROM} WHERE u.id = ?"))
            .bind(id)
            .fetch_optional(conn)
            .await
            .map_err(store_error)?;
    row.map(AccountRow::account).transpose()
}

async fn class_in(conn: &mut SqliteConnection, id: ClassId) -> StoreResult<Option<ClassInfo>> {
    let row: Option<ClassRow> =
        sqlx::query_as(&format!("SELECT {CLASS_COLUMNS} FROM classes WHERE id = ?"))
            .bind(id)
            .fetch_optional(conn)
            .await
            .map_err(store_error)?;
    row.map(ClassRow::class).transpose()
}

async fn insert_account(
    tx: &mut SqliteConnection,
    a: &NewAccount,
    at: &str,
) -> StoreResult<UserId> {
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
    .bind(at)
    .fetch_one(tx)
    .await
    .map_err(store_error)
}

async fn insert_class(
    tx: &mut SqliteConnection,
    school: SchoolId,
    grade: Grade,
    name: &str,
    at: &str,
) -> StoreResult<ClassInfo> {
    let row: ClassRow = sqlx::query_as(&format!(
        "INSERT INTO classes (school_id, grade, name, created_at) VALUES (?, ?, ?, ?) \
         RETURNING {CLASS_COLUMNS}"
    ))
    .bind(school)
    .bind(i64::from(grade.get()))
    .bind(name)
    .bind(at)
    .fetch_one(tx)
    .await
    .map_err(store_error)?;
    row.class()
}

/// What was acknowledged for a `client_id` (`?3`) sent for a class's (`?1`) day (`?2`).
const REPLAY_SELECT: &str = "SELECT w.report FROM day_reports r \
     JOIN client_writes w ON w.report_id = r.id \
     WHERE r.class_id = ?1 AND r.date = ?2 AND w.client_id = ?3";

/// What was acknowledged for a `client_id` sent for a class's day.
async fn replayed_in<'e, E>(
    executor: E,
    class: ClassId,
    date: NaiveDate,
    client_id: &str,
) -> StoreResult<Option<DayReport>>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let json: Option<String> = sqlx::query_scalar(REPLAY_SELECT)
        .bind(class)
        .bind(date.to_string())
        .bind(client_id)
        .fetch_optional(executor)
        .await
        .map_err(store_error)?;
    crate::db::rows::replay_of(json.as_deref())
}

/// Several classes as one parameter, for `IN (SELECT value FROM json_each(?))`.
fn ids_json(ids: &[ClassId]) -> StoreResult<String> {
    serde_json::to_string(ids).map_err(corrupt)
}

mod accounts;
mod audit;
mod cases;
mod checkpoint;
mod districts;
mod health;
mod inline;
mod plans;
mod reports;
mod school_days;
mod schools;
mod throttle;
mod writer;

/// For this module's unit tests: a store on a new SQLite file with one school and its admin.
#[cfg(test)]
mod testing {
    use super::SqliteStore;
    use crate::db::{Account, Actor, NewAccount, School, Schools};
    use shared::api::Role;
    use std::path::PathBuf;
    use std::sync::Arc;

    /// The store, its school and admin; the file is deleted with it.
    pub(super) struct TestStore {
        pub(super) store: Arc<SqliteStore>,
        pub(super) school: School,
        pub(super) admin: Account,
        dir: PathBuf,
    }

    impl TestStore {
        /// `name` keeps tests running at once apart.
        pub(super) async fn new(name: &str) -> TestStore {
            let dir = std::env::temp_dir().join(format!("hw-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}", dir.join("t.db").display());
            let store = Arc::new(SqliteStore::open(&url).await.unwrap());
            let admin = NewAccount {
                school_id: 0,
                username: "admin".into(),
                display_name: "admin".into(),
                role: Role::SchoolAdmin,
                class_id: None,
                grade: None,
                password_hash: "x".into(),
            };
            let (school, admin) =
                store.create_school("S", admin, &Actor::system(None)).await.unwrap();
            TestStore { store, school, admin, dir }
        }

        /// The database file.
        pub(super) fn path(&self) -> PathBuf {
            self.dir.join("t.db")
        }
    }

    impl Drop for TestStore {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod migration_tests {
    use super::SqliteStore;
    use crate::db::Reports;
    use chrono::NaiveDate;
    use sqlx::sqlite::SqliteConnectOptions;
    use std::str::FromStr;

    /// A resend acknowledged before client ids were keyed by their day (migration 3) still gets
    /// its first answer after the upgrade.
    #[tokio::test]
    async fn client_ids_acknowledged_before_the_upgrade_still_answer_their_resends() {
        let dir = std::env::temp_dir().join(format!("hw-migrate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("t.db").display());
        let options = SqliteConnectOptions::from_str(&url).unwrap().create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        // The server as it was: the first two migrations only.
        let old = dir.join("migrations");
        std::fs::create_dir_all(&old).unwrap();
        let ours = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
        for name in ["0001_initial.sql", "0002_setup_security_audit.sql"] {
            std::fs::copy(ours.join(name), old.join(name)).unwrap();
        }
        sqlx::migrate::Migrator::new(old.as_path()).await.unwrap().run(&pool).await.unwrap();
        let report = r#"{"class_id":1,"date":"2026-11-20","entries":[{"subject":"math","minutes":30}],"total_minutes":30,"note":"","version":1,"recorded_by":"m","updated_at":"2026-11-20T09:00:00Z"}"#;
        for sql in [
            "INSERT INTO schools (id, name, policy, created_at) VALUES (1, 'S', '{}', 'x')",
            "INSERT INTO classes (id, school_id, grade, name, created_at) VALUES (1, 1, 7, '7(1)', 'x')",
            "INSERT INTO day_reports (id, class_id, date, total_minutes, version, recorded_by, updated_at) \
             VALUES (5, 1, '2026-11-20', 30, 1, 'm', '2026-11-20T09:00:00Z')",
            "INSERT INTO report_entries VALUES (5, 0, 'math', 30)",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        sqlx::query("INSERT INTO client_writes VALUES (1, 'sent-before', ?, 'x')")
            .bind(report)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;

        let store = SqliteStore::open(&url).await.unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let replayed = store.replayed_report(1, day, "sent-before").await.unwrap();
        assert_eq!(replayed.map(|r| (r.total_minutes, r.version)), Some((30, 1)));
        let other_day = day.pred_opt().unwrap();
        assert_eq!(store.replayed_report(1, other_day, "sent-before").await.unwrap(), None);
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
