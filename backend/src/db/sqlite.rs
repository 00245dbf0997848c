//! The embedded SQLite store: one file, WAL journal, `synchronous = FULL` so that an
//! acknowledged write survives a crash or power loss. Writes go through a single connection
//! (SQLite has one writer at a time anyway, and this avoids lock upgrades failing with
//! `SQLITE_BUSY`); reads use a pool of their own. Every write appends its audit entry in the
//! same transaction.

use super::{
    Account, AccountChanges, Actor, AuditFilter, LoginFailures, NewAccount, ReportWrite,
    RosterAccountRow, School, Session, Store, StoreError, StoreResult, TabletCodeRecord, Taken,
    WriteOutcome,
};
use crate::clock::now_rfc3339;
use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::{Value, json};
use shared::api::{AuditEntry, ClassInfo, DayReport, Holiday, Role};
use shared::report::{Entry, day_total};
use shared::{ClassId, Grade, Minutes, Policy, SchoolId, Subject, UserId, Window};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqliteConnection, SqlitePool};
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

#[async_trait]
impl Store for SqliteStore {
    async fn is_empty(&self) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schools")
            .fetch_one(&self.reader)
            .await
            .map_err(store_error)?;
        Ok(n == 0)
    }

    async fn create_school(
        &self,
        name: &str,
        admin: NewAccount,
        actor: &Actor,
    ) -> StoreResult<(School, Account)> {
        let policy = serde_json::to_string(&Policy::default()).map_err(corrupt)?;
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let row = sqlx::query(
            "INSERT INTO schools (name, policy, created_at) VALUES (?, ?, ?) \
             RETURNING id, name, utc_offset_minutes",
        )
        .bind(name)
        .bind(policy)
        .bind(now_rfc3339())
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        let school = school_row(&row);
        let id = insert_account(&mut tx, &NewAccount { school_id: school.id, ..admin }).await?;
        let account = account_in(&mut tx, id).await?.ok_or_else(|| corrupt("no new admin"))?;
        let actor = Actor { school_id: Some(school.id), ..actor.clone() };
        let after = json!({"name": school.name, "admin": account.username});
        audit_in(&mut tx, &actor, "school.create", &school.name, None, Some(after)).await?;
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

    async fn schools(&self) -> StoreResult<Vec<School>> {
        let rows = sqlx::query("SELECT id, name, utc_offset_minutes FROM schools ORDER BY id")
            .fetch_all(&self.reader)
            .await
            .map_err(store_error)?;
        Ok(rows.iter().map(school_row).collect())
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

    async fn set_policy(
        &self,
        school: SchoolId,
        policy: &Policy,
        actor: &Actor,
    ) -> StoreResult<()> {
        let json = serde_json::to_string(policy).map_err(corrupt)?;
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let before: String = sqlx::query_scalar("SELECT policy FROM schools WHERE id = ?")
            .bind(school)
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
        sqlx::query("UPDATE schools SET policy = ? WHERE id = ?")
            .bind(&json)
            .bind(school)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let before = serde_json::from_str(&before).ok();
        let after = serde_json::to_value(policy).ok();
        audit_in(&mut tx, actor, "policy.update", "policy", before, after).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn holidays(&self, school: SchoolId, window: Window) -> StoreResult<BTreeSet<NaiveDate>> {
        Ok(self.holiday_list(school, window).await?.into_iter().map(|h| h.date).collect())
    }

    async fn holiday_list(&self, school: SchoolId, window: Window) -> StoreResult<Vec<Holiday>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT date, name FROM holidays WHERE school_id = ? AND date BETWEEN ? AND ? ORDER BY date",
        )
        .bind(school)
        .bind(window.from().to_string())
        .bind(window.to().to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(|(d, name)| Ok(Holiday { date: date_of(&d)?, name })).collect()
    }

    async fn put_holiday(
        &self,
        school: SchoolId,
        holiday: &Holiday,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let before: Option<String> =
            sqlx::query_scalar("SELECT name FROM holidays WHERE school_id = ? AND date = ?")
                .bind(school)
                .bind(holiday.date.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?;
        sqlx::query(
            "INSERT INTO holidays (school_id, date, name) VALUES (?, ?, ?) \
             ON CONFLICT (school_id, date) DO UPDATE SET name = excluded.name",
        )
        .bind(school)
        .bind(holiday.date.to_string())
        .bind(&holiday.name)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        let target = holiday.date.to_string();
        let before = before.map(|name| json!({"name": name}));
        let after = Some(json!({"name": holiday.name}));
        audit_in(&mut tx, actor, "holiday.put", &target, before, after).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn delete_holiday(
        &self,
        school: SchoolId,
        date: NaiveDate,
        actor: &Actor,
    ) -> StoreResult<bool> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let before: Option<String> = sqlx::query_scalar(
            "DELETE FROM holidays WHERE school_id = ? AND date = ? RETURNING name",
        )
        .bind(school)
        .bind(date.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        let Some(name) = before else { return Ok(false) };
        let before = Some(json!({"name": name}));
        audit_in(&mut tx, actor, "holiday.delete", &date.to_string(), before, None).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(true)
    }

    async fn classes(&self, school: SchoolId, grade: Option<Grade>) -> StoreResult<Vec<ClassInfo>> {
        let grade = grade.map(|g| i64::from(g.get()));
        let rows = sqlx::query(&format!(
            "SELECT {CLASS_COLUMNS} FROM classes \
             WHERE school_id = ? AND archived_at IS NULL AND (? IS NULL OR grade = ?) \
             ORDER BY grade, name"
        ))
        .bind(school)
        .bind(grade)
        .bind(grade)
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        rows.iter().map(class_row).collect()
    }

    async fn all_classes(&self, school: SchoolId) -> StoreResult<Vec<ClassInfo>> {
        let rows = sqlx::query(&format!(
            "SELECT {CLASS_COLUMNS} FROM classes WHERE school_id = ? ORDER BY grade, name"
        ))
        .bind(school)
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        rows.iter().map(class_row).collect()
    }

    async fn class(&self, id: ClassId) -> StoreResult<Option<ClassInfo>> {
        let row = sqlx::query(&format!("SELECT {CLASS_COLUMNS} FROM classes WHERE id = ?"))
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
        actor: &Actor,
    ) -> StoreResult<ClassInfo> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let class = insert_class(&mut tx, school, grade, name).await?;
        let target = format!("class {}", class.id);
        audit_in(&mut tx, actor, "class.create", &target, None, Some(class_json(&class))).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(class)
    }

    async fn update_class(
        &self,
        id: ClassId,
        name: Option<&str>,
        archived: Option<bool>,
        actor: &Actor,
    ) -> StoreResult<ClassInfo> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let before = class_in(&mut tx, id).await?.ok_or_else(|| corrupt("no such class"))?;
        let archived_at = match archived {
            Some(true) if !before.archived => Some(Some(now_rfc3339())),
            Some(false) => Some(None),
            _ => None,
        };
        sqlx::query(
            "UPDATE classes SET name = COALESCE(?, name), \
             archived_at = CASE WHEN ? THEN ? ELSE archived_at END WHERE id = ?",
        )
        .bind(name)
        .bind(archived_at.is_some())
        .bind(archived_at.flatten())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        let after = class_in(&mut tx, id).await?.ok_or_else(|| corrupt("class vanished"))?;
        let target = format!("class {id}");
        let (b, a) = (class_json(&before), class_json(&after));
        audit_in(&mut tx, actor, "class.update", &target, Some(b), Some(a)).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(after)
    }

    async fn create_account(&self, account: NewAccount, actor: &Actor) -> StoreResult<Account> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let id = insert_account(&mut tx, &account).await?;
        let created = account_in(&mut tx, id).await?.ok_or_else(|| corrupt("no new account"))?;
        let target = format!("user {}", created.username);
        audit_in(&mut tx, actor, "user.create", &target, None, Some(account_json(&created)))
            .await?;
        tx.commit().await.map_err(store_error)?;
        Ok(created)
    }

    async fn account(&self, id: UserId) -> StoreResult<Option<Account>> {
        let row = sqlx::query(&format!("{ACCOUNT_SELECT} WHERE u.id = ?"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .map_err(store_error)?;
        row.as_ref().map(account_row).transpose()
    }

    async fn account_by_username(&self, username: &str) -> StoreResult<Option<Account>> {
        let row = sqlx::query(&format!("{ACCOUNT_SELECT} WHERE u.username = ?"))
            .bind(username)
            .fetch_optional(&self.reader)
            .await
            .map_err(store_error)?;
        row.as_ref().map(account_row).transpose()
    }

    async fn accounts(&self, school: SchoolId) -> StoreResult<Vec<Account>> {
        let rows = sqlx::query(&format!(
            "{ACCOUNT_SELECT} WHERE u.school_id = ? AND u.tablet = 0 ORDER BY u.role, u.username"
        ))
        .bind(school)
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        rows.iter().map(account_row).collect()
    }

    async fn update_account(
        &self,
        id: UserId,
        changes: AccountChanges,
        actor: &Actor,
    ) -> StoreResult<Account> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let before = account_in(&mut tx, id).await?.ok_or_else(|| corrupt("no such account"))?;
        let disabled_at = match changes.disabled {
            Some(true) if !before.disabled => Some(Some(now_rfc3339())),
            Some(false) => Some(None),
            _ => None,
        };
        sqlx::query(
            "UPDATE users SET display_name = COALESCE(?, display_name), \
             class_id = COALESCE(?, class_id), grade = COALESCE(?, grade), \
             disabled_at = CASE WHEN ? THEN ? ELSE disabled_at END WHERE id = ?",
        )
        .bind(changes.display_name)
        .bind(changes.class_id)
        .bind(changes.grade.map(|g| i64::from(g.get())))
        .bind(disabled_at.is_some())
        .bind(disabled_at.flatten())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        if changes.disabled == Some(true) {
            sqlx::query("DELETE FROM sessions WHERE user_id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        let after = account_in(&mut tx, id).await?.ok_or_else(|| corrupt("account vanished"))?;
        let target = format!("user {}", after.username);
        let (b, a) = (account_json(&before), account_json(&after));
        audit_in(&mut tx, actor, "user.update", &target, Some(b), Some(a)).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(after)
    }

    async fn set_password(
        &self,
        id: UserId,
        hash: &str,
        keep: Option<&[u8]>,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let username: String = sqlx::query_scalar(
            "UPDATE users SET password_hash = ? WHERE id = ? RETURNING username",
        )
        .bind(hash)
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        sqlx::query("DELETE FROM sessions WHERE user_id = ? AND (? IS NULL OR token_hash <> ?)")
            .bind(id)
            .bind(keep)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        audit_in(&mut tx, actor, "user.password", &format!("user {username}"), None, None).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn create_session(
        &self,
        token_hash: &[u8],
        user: UserId,
        now: i64,
        expires_at: i64,
        tablet_code: Option<i64>,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, tablet_code_id) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(now)
        .bind(now)
        .bind(expires_at)
        .bind(tablet_code)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        let action = if tablet_code.is_some() { "auth.tablet" } else { "auth.login" };
        audit_in(&mut tx, actor, action, &format!("user {}", actor.username), None, None).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn session(
        &self,
        token_hash: &[u8],
        now: i64,
        idle_since: i64,
    ) -> StoreResult<Option<Session>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            account_columns!(),
            ", s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN classes c ON c.id = u.class_id \
             WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ? \
             AND u.disabled_at IS NULL"
        ))
        .bind(token_hash)
        .bind(now)
        .bind(idle_since)
        .fetch_optional(&self.reader)
        .await
        .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let last_seen_at: i64 = row.get("last_seen_at");
        Ok(Some(Session { account: account_row(&row)?, last_seen_at }))
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

    async fn delete_session(&self, token_hash: &[u8], actor: Option<&Actor>) -> StoreResult<()> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let deleted = sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?
            .rows_affected();
        if let (Some(actor), 1) = (actor, deleted) {
            let target = format!("user {}", actor.username);
            audit_in(&mut tx, actor, "auth.logout", &target, None, None).await?;
        }
        tx.commit().await.map_err(store_error)
    }

    async fn record_login_failure(
        &self,
        username: &str,
        address: &str,
        at: i64,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        sqlx::query("INSERT INTO login_failures (username, address, at) VALUES (?, ?, ?)")
            .bind(username)
            .bind(address)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let target = format!("user {username}");
        audit_in(&mut tx, actor, "auth.login_failed", &target, None, None).await?;
        tx.commit().await.map_err(store_error)
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

    async fn create_tablet_code(
        &self,
        class: ClassId,
        label: &str,
        code_hash: &[u8],
        actor: &Actor,
    ) -> StoreResult<TabletCodeRecord> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let row = sqlx::query(
            "INSERT INTO tablet_codes (class_id, label, code_hash, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?) \
             RETURNING id, class_id, label, created_at, last_used_at, revoked_at IS NOT NULL AS revoked",
        )
        .bind(class)
        .bind(label)
        .bind(code_hash)
        .bind(&actor.username)
        .bind(now_rfc3339())
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        let code = tablet_code_row(&row);
        let target = format!("class {class} tablet code {}", code.id);
        let after = Some(json!({"label": code.label}));
        audit_in(&mut tx, actor, "tablet_code.create", &target, None, after).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(code)
    }

    async fn tablet_codes(&self, class: ClassId) -> StoreResult<Vec<TabletCodeRecord>> {
        let rows = sqlx::query(
            "SELECT id, class_id, label, created_at, last_used_at, revoked_at IS NOT NULL AS revoked \
             FROM tablet_codes WHERE class_id = ? ORDER BY id",
        )
        .bind(class)
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        Ok(rows.iter().map(tablet_code_row).collect())
    }

    async fn revoke_tablet_code(
        &self,
        class: ClassId,
        id: i64,
        actor: &Actor,
    ) -> StoreResult<bool> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let revoked = sqlx::query(
            "UPDATE tablet_codes SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND class_id = ?",
        )
        .bind(now_rfc3339())
        .bind(id)
        .bind(class)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?
        .rows_affected();
        if revoked == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM sessions WHERE tablet_code_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let target = format!("class {class} tablet code {id}");
        audit_in(&mut tx, actor, "tablet_code.revoke", &target, None, None).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(true)
    }

    async fn tablet_account(
        &self,
        code_hash: &[u8],
        unusable_hash: &str,
    ) -> StoreResult<Option<(i64, Account)>> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let code: Option<(i64, ClassId)> = sqlx::query_as(
            "SELECT t.id, t.class_id FROM tablet_codes t JOIN classes c ON c.id = t.class_id \
             WHERE t.code_hash = ? AND t.revoked_at IS NULL AND c.archived_at IS NULL",
        )
        .bind(code_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        let Some((code_id, class_id)) = code else { return Ok(None) };
        let username = format!("tablet-{class_id}");
        let existing: Option<UserId> =
            sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
                .bind(&username)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?;
        let user_id = match existing {
            Some(id) => id,
            None => {
                let class =
                    class_in(&mut tx, class_id).await?.ok_or_else(|| corrupt("no class"))?;
                let account = NewAccount {
                    school_id: class.school_id,
                    username: username.clone(),
                    display_name: format!("{} 班级平板 Class tablet", class.name),
                    role: Role::Monitor,
                    class_id: Some(class_id),
                    grade: None,
                    password_hash: unusable_hash.to_owned(),
                };
                let id = insert_account(&mut tx, &account).await?;
                sqlx::query("UPDATE users SET tablet = 1 WHERE id = ?")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                id
            }
        };
        sqlx::query("UPDATE tablet_codes SET last_used_at = ? WHERE id = ?")
            .bind(now_rfc3339())
            .bind(code_id)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let account = account_in(&mut tx, user_id).await?.ok_or_else(|| corrupt("no tablet"))?;
        tx.commit().await.map_err(store_error)?;
        Ok(Some((code_id, account)))
    }

    async fn import_roster(
        &self,
        school: SchoolId,
        classes: &[(Grade, String)],
        accounts: &[RosterAccountRow],
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        let mut ids: HashMap<String, ClassId> = HashMap::new();
        let existing =
            sqlx::query(&format!("SELECT {CLASS_COLUMNS} FROM classes WHERE school_id = ?"))
                .bind(school)
                .fetch_all(&mut *tx)
                .await
                .map_err(store_error)?;
        for row in &existing {
            let c = class_row(row)?;
            ids.insert(c.name, c.id);
        }
        for (grade, name) in classes {
            if !ids.contains_key(name) {
                let class = insert_class(&mut tx, school, *grade, name).await?;
                ids.insert(class.name, class.id);
            }
        }
        for a in accounts {
            let class_id = match &a.class {
                Some((_, name)) => Some(*ids.get(name).ok_or_else(|| corrupt("roster class"))?),
                None => None,
            };
            let new = NewAccount {
                school_id: school,
                username: a.username.clone(),
                display_name: a.display_name.clone(),
                role: a.role,
                class_id,
                grade: a.grade,
                password_hash: a.password_hash.clone(),
            };
            insert_account(&mut tx, &new).await?;
        }
        let after = json!({
            "classes": classes.iter().map(|(g, n)| json!({"grade": g, "name": n})).collect::<Vec<_>>(),
            "accounts": accounts.iter().map(|a| json!({"username": a.username, "role": a.role.as_str()})).collect::<Vec<_>>(),
        });
        audit_in(&mut tx, actor, "roster.import", "roster", None, Some(after)).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn put_report(&self, write: ReportWrite, actor: &Actor) -> StoreResult<WriteOutcome> {
        let mut tx = self.writer.begin().await.map_err(store_error)?;
        if let Some(client_id) = &write.client_id {
            if let Some(report) = replayed_in(&mut *tx, write.class_id, client_id).await? {
                return Ok(WriteOutcome::Replayed(report));
            }
        }
        let before = report_in(&mut *tx, write.class_id, write.date).await?;
        let current_version = before.as_ref().map_or(0, |r| r.version);
        if write.expected_version.is_some_and(|v| v != current_version) {
            return Ok(WriteOutcome::Conflict(before));
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
            sqlx::query(
                "INSERT INTO client_writes (class_id, client_id, report, created_at) VALUES (?, ?, ?, ?)",
            )
            .bind(write.class_id)
            .bind(client_id)
            .bind(serde_json::to_string(&report).map_err(corrupt)?)
            .bind(&report.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        }
        let target = format!("class {} report {}", report.class_id, report.date);
        let before = before.and_then(|r| serde_json::to_value(r).ok());
        let after = serde_json::to_value(&report).ok();
        audit_in(&mut tx, actor, "report.put", &target, before, after).await?;
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
        let rows = sqlx::query(
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
        sqlx::query(
            "DELETE FROM client_writes WHERE (class_id, client_id) IN \
             (SELECT w.class_id, w.client_id FROM client_writes w JOIN classes c ON c.id = w.class_id \
              WHERE c.school_id = ? AND json_extract(w.report, '$.date') < ?)",
        )
        .bind(school)
        .bind(before.to_string())
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
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

    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<()> {
        let target = path.to_str().ok_or_else(|| corrupt("the backup path is not UTF-8"))?;
        // VACUUM INTO reads one consistent snapshot, so writes may go on meanwhile.
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.reader)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        target: &str,
        after: Option<Value>,
    ) -> StoreResult<()> {
        let mut conn = self.writer.acquire().await.map_err(store_error)?;
        audit_in(&mut conn, actor, action, target, None, after).await
    }

    async fn audit_entries(
        &self,
        school: SchoolId,
        filter: &AuditFilter,
    ) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT id, at, actor, address, action, target, before, after FROM audit_log \
             WHERE school_id = ? AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?) \
             AND (? IS NULL OR action = ?) AND (? IS NULL OR actor = ?) AND (? IS NULL OR id < ?) \
             ORDER BY id DESC LIMIT ?",
        )
        .bind(school)
        .bind(&filter.from)
        .bind(&filter.from)
        .bind(&filter.to)
        .bind(&filter.to)
        .bind(&filter.action)
        .bind(&filter.action)
        .bind(&filter.actor)
        .bind(&filter.actor)
        .bind(filter.before)
        .bind(filter.before)
        .bind(i64::from(filter.limit))
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        let parse = |v: Option<String>| v.and_then(|s| serde_json::from_str(&s).ok());
        Ok(rows
            .iter()
            .map(|row| AuditEntry {
                id: row.get("id"),
                at: row.get("at"),
                actor: row.get("actor"),
                address: row.get("address"),
                action: row.get("action"),
                target: row.get("target"),
                before: parse(row.get("before")),
                after: parse(row.get("after")),
            })
            .collect())
    }
}
