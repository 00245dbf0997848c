//! The PostgreSQL store, for a city that outgrows one file: a pool of connections, every write
//! one transaction with its audit entry, the schema in `migrations/postgres` (the SQLite schema's
//! twin: same tables, columns, constraint names and checks).
//!
//! SQLite runs one write at a time; here many run at once, from several servers perhaps. A
//! write that reads before it writes (a day report's replay and version checks, a class's
//! tablet account, a roster import) first locks the row of its class (or school, or account)
//! until it commits, so that such writes take turns exactly as they do on SQLite.

use super::rows::{
    ACCOUNT_COLUMNS, ACCOUNT_FROM, AccountRow, CLASS_COLUMNS, ClassRow, REPORT_COLUMNS,
    REPORT_FROM, corrupt, reports_from_rows,
};
use super::{Account, Actor, NewAccount, StoreError, StoreResult, Taken};
use chrono::NaiveDate;
use serde_json::Value;
use shared::api::{ClassInfo, DayReport};
use shared::{ClassId, Grade, SchoolId, UserId};
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connections per server: a day report is a handful of short statements, so a few connections
/// keep up with a city's morning; several servers behind a load balancer each have their own.
const MAX_CONNECTIONS: u32 = 16;
/// How long a request waits for a free connection before it is told to try again (503).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The PostgreSQL implementation of [`super::Store`].
pub struct PgStore {
    pool: PgPool,
    /// Schools' policies as parsed, for the class read of every day report.
    policies: super::rows::PolicyCache,
    /// The district screens' live events ([`super::districts`]).
    events: std::sync::Arc<super::districts::Events>,
    /// The writer tasks' queue: day reports and sessions' use, written in groups ([`batch`]).
    writes: tokio::sync::mpsc::Sender<batch::Job>,
}

impl PgStore {
    /// Connects to the database of a `postgres:` URL (creating the database if the server has
    /// none of that name and the account may create one) and migrates it.
    pub async fn open(url: &str) -> Result<Self, String> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| format!("bad postgres URL: {e}"))?
            .application_name("homework-logger");
        // Never the URL itself in a message: it may hold a password.
        let name = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        );
        // One connection first, on its own: it fails at once with the real cause (refused,
        // wrong password, no such database), where a pool would retry until its timeout.
        let probe = match PgConnection::connect_with(&options).await {
            Err(e) if is_missing_database(&e) => {
                match Postgres::create_database(url).await {
                    Ok(()) => tracing::info!(database = %name, "created the database"),
                    // Another server starting at the same moment created it first.
                    Err(_) if Postgres::database_exists(url).await.unwrap_or(false) => {}
                    Err(e) => return Err(format!("cannot create the database {name}: {e}")),
                }
                PgConnection::connect_with(&options).await
            }
            other => other,
        }
        .map_err(|e| format!("cannot connect to {name}: {e}"))?;
        let _ = probe.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options);
        MIGRATOR.run(&pool).await.map_err(|e| format!("cannot migrate {name}: {e}"))?;
        let writes = batch::start(pool.clone());
        Ok(PgStore { pool, policies: Default::default(), events: Default::default(), writes })
    }

    /// Hands a write to the writer tasks and waits for what became of it, after its batch's
    /// commit.
    async fn by_writer<T>(
        &self,
        job: impl FnOnce(tokio::sync::oneshot::Sender<StoreResult<T>>) -> batch::Job,
    ) -> StoreResult<T> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let stopped = || StoreError::Unavailable("the writer stopped".into());
        self.writes.send(job(reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Whether the server has no database of the URL's name (SQLSTATE 3D000).
fn is_missing_database(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("3D000"))
}

/// Sorts a database error into what the HTTP layer must say about it.
fn store_error(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let code = db.code().unwrap_or_default();
        if code == "23505" {
            match db.constraint() {
                Some("classes_name_unique") => return StoreError::Taken(Taken::ClassName),
                Some("users_username_unique") => return StoreError::Taken(Taken::Username),
                Some("schools_name_unique") => return StoreError::Taken(Taken::SchoolName),
                _ => {}
            }
        }
        // Connection lost (08), out of disk, memory or connections (53), a read-only server
        // (25006: a standby, or default_transaction_read_only), a server shutting down or
        // starting (57P0x), a statement or lock wait cut short (57014, 55P03), and a transaction
        // that lost a race the database could not order (40001, 40P01): none of it is a bug, and
        // nothing was stored; the client may try again.
        let transient = code.starts_with("08")
            || code.starts_with("53")
            || code.starts_with("57P0")
            || matches!(&*code, "25006" | "57014" | "55P03" | "40001" | "40P01");
        if transient {
            return StoreError::Unavailable(e.to_string());
        }
    }
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => StoreError::Unavailable(e.to_string()),
        other => StoreError::Internal(other.to_string()),
    }
}

/// PostgreSQL's text cannot hold U+0000 (SQLite's can), and neither can its JSONB. Free text
/// that is not checked for control characters before it reaches the store (a day report's note,
/// the username typed at a failed log-in, an audit filter) is stored and looked up with U+FFFD in
/// its place, as serde_json already does for half a UTF-16 pair, instead of failing the request.
/// Every other string that reaches the database was refused earlier if it had a control
/// character (names, usernames, labels) or is the server's own.
fn pg_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\0') {
        std::borrow::Cow::Owned(text.replace('\0', "\u{fffd}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// [`pg_text`] for every string (keys too) of a JSON document.
fn pg_json(value: Value) -> Value {
    match value {
        Value::String(s) if s.contains('\0') => Value::String(pg_text(&s).into_owned()),
        Value::Array(items) => Value::Array(items.into_iter().map(pg_json).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter().map(|(k, v)| (pg_text(&k).into_owned(), pg_json(v))).collect(),
        ),
        other => other,
    }
}

/// A row that a write locks until it commits, so that writes which read it first take turns.
#[derive(Debug, Clone, Copy)]
enum Turn {
    /// A class: its day reports, its tablet account.
    Class(ClassId),
    /// A school: its roster imports, new classes, holidays.
    School(SchoolId),
    /// An account: its changes.
    Account(UserId),
}

/// Waits for the row's turn and holds it until the transaction ends. `FOR NO KEY UPDATE` lets
/// foreign-key checks of other writes through (rows that merely refer to the class).
async fn take_turn(conn: &mut PgConnection, turn: Turn) -> StoreResult<()> {
    let (sql, id) = match turn {
        Turn::Class(id) => ("SELECT 1 FROM classes WHERE id = $1 FOR NO KEY UPDATE", id),
        Turn::School(id) => ("SELECT 1 FROM schools WHERE id = $1 FOR NO KEY UPDATE", id),
        Turn::Account(id) => ("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", id),
    };
    sqlx::query(sql).bind(id).execute(conn).await.map_err(store_error)?;
    Ok(())
}

async fn report_in<'e, E>(
    executor: E,
    class: ClassId,
    date: NaiveDate,
) -> StoreResult<Option<DayReport>>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    let rows = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.class_id = $1 AND r.date = $2 ORDER BY e.position"
    ))
    .bind(class)
    .bind(date)
    .fetch_all(executor)
    .await
    .map_err(store_error)?;
    Ok(reports_from_rows(rows)?.pop())
}

/// Appends an audit entry inside the caller's transaction.
async fn audit_in(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    target: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, school_id, actor_id, actor, address, action, target, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)",
    )
    .bind(&actor.at)
    .bind(actor.school_id)
    .bind(actor.user_id)
    .bind(pg_text(&actor.username))
    .bind(pg_text(&actor.address))
    .bind(action)
    .bind(pg_text(target))
    .bind(before.map(|v| pg_json(v).to_string()))
    .bind(after.map(|v| pg_json(v).to_string()))
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

async fn account_in(conn: &mut PgConnection, id: UserId) -> StoreResult<Option<Account>> {
    let row: Option<AccountRow> =
        sqlx::query_as(&format!("SELECT {ACCOUNT_COLUMNS} FROM {ACCOUNT_FROM} WHERE u.id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await
            .map_err(store_error)?;
    row.map(AccountRow::account).transpose()
}

async fn class_in(conn: &mut PgConnection, id: ClassId) -> StoreResult<Option<ClassInfo>> {
    let row: Option<ClassRow> =
        sqlx::query_as(&format!("SELECT {CLASS_COLUMNS} FROM classes WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await
            .map_err(store_error)?;
    row.map(ClassRow::class).transpose()
}

async fn insert_account(tx: &mut PgConnection, a: &NewAccount, at: &str) -> StoreResult<UserId> {
    sqlx::query_scalar(
        "INSERT INTO users (school_id, username, display_name, role, class_id, grade, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(a.school_id)
    .bind(&a.username)
    .bind(&a.display_name)
    .bind(a.role.as_str())
    .bind(a.class_id)
    .bind(a.grade.map(|g| i32::from(g.get())))
    .bind(&a.password_hash)
    .bind(at)
    .fetch_one(tx)
    .await
    .map_err(store_error)
}

async fn insert_class(
    tx: &mut PgConnection,
    school: SchoolId,
    grade: Grade,
    name: &str,
    at: &str,
) -> StoreResult<ClassInfo> {
    let row: ClassRow = sqlx::query_as(&format!(
        "INSERT INTO classes (school_id, grade, name, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING {CLASS_COLUMNS}"
    ))
    .bind(school)
    .bind(i32::from(grade.get()))
    .bind(name)
    .bind(at)
    .fetch_one(tx)
    .await
    .map_err(store_error)?;
    row.class()
}

/// What was acknowledged for a `client_id` sent for a class's day.
async fn replayed_in<'e, E>(
    executor: E,
    class: ClassId,
    date: NaiveDate,
    client_id: &str,
) -> StoreResult<Option<DayReport>>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    let json: Option<String> = sqlx::query_scalar(
        "SELECT w.report::text FROM day_reports r JOIN client_writes w ON w.report_id = r.id \
         WHERE r.class_id = $1 AND r.date = $2 AND w.client_id = $3",
    )
    .bind(class)
    .bind(date)
    .bind(client_id)
    .fetch_optional(executor)
    .await
    .map_err(store_error)?;
    crate::db::rows::replay_of(json.as_deref())
}

mod accounts;
mod audit;
mod batch;
mod cases;
mod districts;
mod health;
mod plans;
mod reports;
mod school_days;
mod schools;
mod throttle;
