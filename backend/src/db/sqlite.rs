//! The embedded SQLite store: one file, WAL journal, `synchronous = FULL` so that an
//! acknowledged write survives a crash or power loss. Writes go through a single connection
//! (SQLite has one writer at a time anyway, and this avoids lock upgrades failing with
//! `SQLITE_BUSY`); reads use a pool of their own.

use super::{
    Account, LoginFailures, NewAccount, ReportWrite, School, Session, Store, StoreError,
    StoreResult, Taken, WriteOutcome,
};
use async_trait::async_trait;
use chrono::NaiveDate;
use shared::api::{ClassInfo, DayReport, Role};
use shared::report::{Entry, day_total};
use shared::{ClassId, Grade, Minutes, Policy, SchoolId, Subject, UserId, Window};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
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
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await
            .map_err(|e| format!("cannot open {url} for reading: {e}"))?;
        Ok(SqliteStore { writer, reader })
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

fn class_row(row: &SqliteRow) -> StoreResult<ClassInfo> {
    Ok(ClassInfo {
        id: row.get("id"),
        school_id: row.get("school_id"),
        grade: grade_of(row.get("grade"))?,
        name: row.get("name"),
    })
}

const ACCOUNT_COLUMNS: &str = "u.id, u.school_id, u.username, u.display_name, u.role, u.class_id, \
    COALESCE(u.grade, c.grade) AS grade, c.name AS class_name, u.password_hash, \
    u.disabled_at IS NOT NULL AS disabled";

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

fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[async_trait]
impl Store for SqliteStore {
    async fn is_empty(&self) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schools")
            .fetch_one(&self.reader)
            .await
            .map_err(store_error)?;
        Ok(n == 0)
    }

    async fn create_school(&self, name: &str, admin: NewAccount) -> StoreResult<(School, Account)> {
        let policy = serde_json::to_string(&Policy::default()).map_err(corrupt)?;
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let row = sqlx::query(
            "INSERT INTO schools (name, policy, created_at) VALUES (?, ?, ?) \
             RETURNING id, name, utc_offset_minutes",
        )
        .bind(name)
        .bind(policy)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        let school = school_row(&row);
        let id = insert_account(&mut tx, &NewAccount { school_id: school.id, ..admin }).await?;
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM users u LEFT JOIN classes c ON c.id = u.class_id WHERE u.id = ?"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        let account = account_row(&row)?;
        tx.commit().await.map_err(store_error)?;
        Ok((school, account))
    }

    async fn school(&self, id: SchoolId) -> StoreResult<Option<School>> {
        let row = sqlx::query("SELECT id, name, utc_offset_minutes FROM schools WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .map_err(store_error)?;
        Ok(row.as_ref().map(school_row))
    }

    async fn school_by_name(&self, name: &str) -> StoreResult<Option<School>> {
        let row = sqlx::query("SELECT id, name, utc_offset_minutes FROM schools WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.reader)
            .await
            .map_err(store_error)?;
        Ok(row.as_ref().map(school_row))
    }

    async fn policy(&self, school: SchoolId) -> StoreResult<Policy> {
        let json: String = sqlx::query_scalar("SELECT policy FROM schools WHERE id = ?")
            .bind(school)
            .fetch_one(&self.reader)
            .await
            .map_err(store_error)?;
        serde_json::from_str(&json).map_err(corrupt)
    }

    async fn set_policy(&self, school: SchoolId, policy: &Policy) -> StoreResult<()> {
        let json = serde_json::to_string(policy).map_err(corrupt)?;
        sqlx::query("UPDATE schools SET policy = ? WHERE id = ?")
            .bind(json)
            .bind(school)
            .execute(&self.writer)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn holidays(&self, school: SchoolId, window: Window) -> StoreResult<BTreeSet<NaiveDate>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT date FROM holidays WHERE school_id = ? AND date BETWEEN ? AND ?",
        )
        .bind(school)
        .bind(window.from().to_string())
        .bind(window.to().to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        rows.iter().map(|d| date_of(d)).collect()
    }

    async fn classes(&self, school: SchoolId, grade: Option<Grade>) -> StoreResult<Vec<ClassInfo>> {
        let rows = sqlx::query(
            "SELECT id, school_id, grade, name FROM classes \
             WHERE school_id = ? AND archived_at IS NULL AND (? IS NULL OR grade = ?) \
             ORDER BY grade, name",
        )
        .bind(school)
        .bind(grade.map(|g| i64::from(g.get())))
        .bind(grade.map(|g| i64::from(g.get())))
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        rows.iter().map(class_row).collect()
    }

    async fn class(&self, id: ClassId) -> StoreResult<Option<ClassInfo>> {
        let row = sqlx::query("SELECT id, school_id, grade, name FROM classes WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .map_err(store_error)?;
        row.as_ref().map(class_row).transpose()
    }

    async fn create_class(
        &self,
        school: SchoolId,
        grade: Grade,
        name: &str,
    ) -> StoreResult<ClassInfo> {
        let row = sqlx::query(
            "INSERT INTO classes (school_id, grade, name, created_at) VALUES (?, ?, ?, ?) \
             RETURNING id, school_id, grade, name",
        )
        .bind(school)
        .bind(i64::from(grade.get()))
        .bind(name)
        .bind(now_text())
        .fetch_one(&self.writer)
        .await
        .map_err(store_error)?;
        class_row(&row)
    }

    async fn create_account(&self, account: NewAccount) -> StoreResult<Account> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let id = insert_account(&mut tx, &account).await?;
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM users u LEFT JOIN classes c ON c.id = u.class_id WHERE u.id = ?"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        account_row(&row)
    }

    async fn account_by_username(&self, username: &str) -> StoreResult<Option<Account>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM users u LEFT JOIN classes c ON c.id = u.class_id \
             WHERE u.username = ?"
        ))
        .bind(username)
        .fetch_optional(&self.reader)
        .await
        .map_err(store_error)?;
        row.as_ref().map(account_row).transpose()
    }

    async fn create_session(
        &self,
        token_hash: &[u8],
        user: UserId,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(now)
        .bind(now)
        .bind(expires_at)
        .execute(&self.writer)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &[u8],
        now: i64,
        idle_since: i64,
    ) -> StoreResult<Option<Session>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS}, s.last_seen_at FROM sessions s \
             JOIN users u ON u.id = s.user_id LEFT JOIN classes c ON c.id = u.class_id \
             WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ? \
             AND u.disabled_at IS NULL"
        ))
        .bind(token_hash)
        .bind(now)
        .bind(idle_since)
        .fetch_optional(&self.reader)
        .await
        .map_err(store_error)?;
        row.map(|row| {
            Ok(Session { account: account_row(&row)?, last_seen_at: row.get("last_seen_at") })
        })
        .transpose()
    }

    async fn touch_session(&self, token_hash: &[u8], now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
            .bind(now)
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn record_login_failure(
        &self,
        username: &str,
        address: &str,
        at: i64,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO login_failures (username, address, at) VALUES (?, ?, ?)")
            .bind(username)
            .bind(address)
            .bind(at)
            .execute(&self.writer)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn login_failures(
        &self,
        username: &str,
        address: &str,
        since: i64,
    ) -> StoreResult<LoginFailures> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM login_failures WHERE username = ?1 AND at > ?3) AS by_user, \
                    (SELECT MIN(at) FROM login_failures WHERE username = ?1 AND at > ?3) AS oldest, \
                    (SELECT COUNT(*) FROM login_failures WHERE address = ?2 AND at > ?3) AS by_address",
        )
        .bind(username)
        .bind(address)
        .bind(since)
        .fetch_one(&self.reader)
        .await
        .map_err(store_error)?;
        Ok(LoginFailures {
            for_username: row.get::<i64, _>("by_user") as u32,
            from_address: row.get::<i64, _>("by_address") as u32,
            oldest_for_username: row.get("oldest"),
        })
    }

    async fn put_report(&self, write: ReportWrite) -> StoreResult<WriteOutcome> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        if let Some(client_id) = &write.client_id {
            if let Some(report) = replayed_in(&mut *tx, write.class_id, client_id).await? {
                return Ok(WriteOutcome::Replayed(report));
            }
        }
        let current: Option<(i64, i64)> =
            sqlx::query_as("SELECT id, version FROM day_reports WHERE class_id = ? AND date = ?")
                .bind(write.class_id)
                .bind(write.date.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?;
        let current_version = current.map_or(0, |(_, v)| v);
        if write.expected_version.is_some_and(|v| v != current_version) {
            let report = report_in(&mut *tx, write.class_id, write.date).await?;
            return Ok(WriteOutcome::Conflict(report));
        }
        let total = day_total(&write.entries);
        let version = current_version + 1;
        let report_id: i64 = sqlx::query_scalar(
            "INSERT INTO day_reports (class_id, date, total_minutes, note, version, recorded_by, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (class_id, date) DO UPDATE SET total_minutes = excluded.total_minutes, \
             note = excluded.note, version = excluded.version, recorded_by = excluded.recorded_by, \
             updated_at = excluded.updated_at RETURNING id",
        )
        .bind(write.class_id)
        .bind(write.date.to_string())
        .bind(i64::from(total))
        .bind(&write.note)
        .bind(version)
        .bind(&write.recorded_by)
        .bind(&write.updated_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        sqlx::query("DELETE FROM report_entries WHERE report_id = ?")
            .bind(report_id)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        if !write.entries.is_empty() {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO report_entries (report_id, position, subject, minutes) ",
            );
            insert.push_values(write.entries.iter().enumerate(), |mut b, (i, e)| {
                b.push_bind(report_id)
                    .push_bind(i as i64)
                    .push_bind(e.subject.as_str())
                    .push_bind(i64::from(e.minutes.get()));
            });
            insert.build().execute(&mut *tx).await.map_err(store_error)?;
        }
        let report = DayReport {
            class_id: write.class_id,
            date: write.date,
            entries: write.entries,
            total_minutes: total,
            note: write.note,
            version,
            recorded_by: write.recorded_by,
            updated_at: write.updated_at,
        };
        if let Some(client_id) = &write.client_id {
            sqlx::query("INSERT INTO client_writes (class_id, client_id, report, created_at) VALUES (?, ?, ?, ?)")
                .bind(write.class_id)
                .bind(client_id)
                .bind(serde_json::to_string(&report).map_err(corrupt)?)
                .bind(&report.updated_at)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(WriteOutcome::Stored(report))
    }

    async fn replayed_report(
        &self,
        class: ClassId,
        client_id: &str,
    ) -> StoreResult<Option<DayReport>> {
        replayed_in(&self.reader, class, client_id).await
    }

    async fn report(&self, class: ClassId, date: NaiveDate) -> StoreResult<Option<DayReport>> {
        report_in(&self.reader, class, date).await
    }

    async fn reports(&self, class: ClassId, window: Window) -> StoreResult<Vec<DayReport>> {
        let rows = sqlx::query(&format!(
            "{REPORT_SELECT} WHERE r.class_id = ? AND r.date BETWEEN ? AND ? ORDER BY r.date, e.position"
        ))
        .bind(class)
        .bind(window.from().to_string())
        .bind(window.to().to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        reports_from_rows(&rows)
    }

    async fn day_totals(
        &self,
        classes: &[ClassId],
        window: Window,
    ) -> StoreResult<HashMap<ClassId, BTreeMap<NaiveDate, u32>>> {
        let ids = serde_json::to_string(classes).map_err(corrupt)?;
        let rows = sqlx::query(
            "SELECT class_id, date, total_minutes FROM day_reports \
             WHERE class_id IN (SELECT value FROM json_each(?)) AND date BETWEEN ? AND ?",
        )
        .bind(ids)
        .bind(window.from().to_string())
        .bind(window.to().to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        let mut out: HashMap<ClassId, BTreeMap<NaiveDate, u32>> = HashMap::new();
        for row in rows {
            let date: String = row.get("date");
            out.entry(row.get("class_id"))
                .or_default()
                .insert(date_of(&date)?, row.get::<i64, _>("total_minutes") as u32);
        }
        Ok(out)
    }

    async fn subject_sums(
        &self,
        class: ClassId,
        window: Window,
    ) -> StoreResult<BTreeMap<String, u64>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT e.subject, SUM(e.minutes) FROM report_entries e \
             JOIN day_reports r ON r.id = e.report_id \
             WHERE r.class_id = ? AND r.date BETWEEN ? AND ? GROUP BY e.subject",
        )
        .bind(class)
        .bind(window.from().to_string())
        .bind(window.to().to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        Ok(rows.into_iter().map(|(s, m)| (s, m.max(0) as u64)).collect())
    }
}

async fn insert_account(tx: &mut sqlx::SqliteConnection, a: &NewAccount) -> StoreResult<UserId> {
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
    .bind(now_text())
    .fetch_one(tx)
    .await
    .map_err(store_error)
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
