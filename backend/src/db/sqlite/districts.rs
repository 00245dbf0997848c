//! Districts in SQLite: the shared implementation ([`crate::db::districts`]), and their live
//! events within this one process.

use super::*;
use crate::db::districts::{DistrictEvent, SCHOOL_DISTRICT, next_batch};
use shared::district::ReportEvent;
use std::sync::Arc;
use tokio::sync::broadcast;

crate::db::districts::districts_impl!(
    SqliteStore,
    read = |s| &s.reader,
    begin = |s| s.begin_write(),
    snapshot = |s| async { s.reader.begin().await.map_err(store_error) },
    insert_school = "INSERT INTO schools (name, policy, created_at, district_id) \
        VALUES ($1, $2, $3, $4) RETURNING id, name, utc_offset_minutes",
    events = {
        fn publish_report(&self, event: ReportEvent) {
            let events = Arc::clone(&self.events);
            let reader = self.reader.clone();
            self.events.publish(event, move |mut queue| {
                tokio::spawn(async move {
                    let screens = events.sender();
                    while let Some(batch) = next_batch(&mut queue).await {
                        for report in batch {
                            let school = report.school_id;
                            let lookup = sqlx::query_scalar(SCHOOL_DISTRICT)
                                .bind(school)
                                .fetch_optional(&reader);
                            if let Some(district_id) = events.district_of(school, lookup).await {
                                // No screen connected is no error.
                                let _ = screens.send(DistrictEvent { district_id, report });
                            }
                        }
                    }
                });
            });
        }

        async fn subscribe_reports(&self) -> StoreResult<broadcast::Receiver<DistrictEvent>> {
            Ok(self.events.subscribe())
        }
    }
);

/// Every role the `users` table's check lets in.
const ROLES: &str =
    "'monitor', 'teacher', 'subject_teacher', 'grade_leader', 'school_admin', 'district_admin'";

/// Lets `users` hold district admins: `school_id` nullable and the role check knowing
/// `district_admin` (and `subject_teacher`). SQLite changes these only by rebuilding the table,
/// with foreign keys off (else dropping the old table would delete every session), which a
/// migration's transaction cannot switch: so the server does it once, right after the
/// migrations, on the writing connection, before anything else opens the file. The table is
/// rebuilt from its own stored definition, so columns and indexes other migrations added stay.
pub(super) async fn allow_district_admins(pool: &sqlx::SqlitePool) -> Result<(), String> {
    use sqlx::{Connection, Executor};
    let err = |e: sqlx::Error| format!("cannot let the users table hold district admins: {e}");
    let mut conn = pool.acquire().await.map_err(err)?;
    let sql: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'users'")
            .fetch_one(&mut *conn)
            .await
            .map_err(err)?;
    let Some(rebuilt) = users_table_for_districts(&sql) else { return Ok(()) };
    let extras: Vec<String> = sqlx::query_scalar(
        "SELECT sql FROM sqlite_schema WHERE tbl_name = 'users' AND type IN ('index', 'trigger') \
         AND sql IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(err)?;
    conn.execute("PRAGMA foreign_keys = OFF").await.map_err(err)?;
    let rebuild = async {
        let mut tx = conn.begin().await?;
        tx.execute(&*rebuilt).await?;
        tx.execute("INSERT INTO users_new SELECT * FROM users").await?;
        tx.execute("DROP TABLE users").await?;
        tx.execute("ALTER TABLE users_new RENAME TO users").await?;
        for extra in &extras {
            tx.execute(&**extra).await?;
        }
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&mut *tx)
                .await?;
        if !broken.is_empty() {
            return Err(sqlx::Error::Protocol(format!("foreign keys broken in {broken:?}")));
        }
        tx.commit().await
    }
    .await;
    conn.execute("PRAGMA foreign_keys = ON").await.map_err(err)?;
    rebuild.map_err(err)?;
    tracing::info!("the users table now holds district admins");
    Ok(())
}

/// The `CREATE TABLE users_new` of a stored `users` definition with `school_id` nullable and
/// the role check knowing every role; `None` when the definition already is so.
fn users_table_for_districts(sql: &str) -> Option<String> {
    let open = sql.find('(')?;
    let mut body = sql[open..].to_owned();
    let mut changed = false;
    if let Some(start) = body.find("role IN (").map(|i| i + "role IN (".len()) {
        let end = start + body[start..].find(')')?;
        if !body[start..end].contains("'district_admin'") {
            body.replace_range(start..end, ROLES);
            changed = true;
        }
    }
    if let Some(start) = body.find("school_id") {
        let end = start + body[start..].find(',').unwrap_or(body.len() - start);
        if let Some(nn) = body[start..end].find("NOT NULL") {
            body.replace_range(start + nn..start + nn + "NOT NULL".len(), "");
            changed = true;
        }
    }
    changed.then(|| format!("CREATE TABLE users_new {body}"))
}

#[cfg(test)]
mod tests {
    use super::users_table_for_districts;
    use crate::db::sqlite::SqliteStore;
    use crate::db::{Accounts, Actor, Districts, NewAccount};
    use shared::api::Role;
    use sqlx::sqlite::SqliteConnectOptions;
    use std::str::FromStr;

    /// A file from before districts keeps its accounts and their sessions, and then holds a
    /// district admin; opening it again changes nothing.
    #[tokio::test]
    async fn an_older_file_keeps_its_sessions_and_then_holds_district_admins() {
        let dir = std::env::temp_dir().join(format!("hw-district-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("migrations")).unwrap();
        let url = format!("sqlite://{}", dir.join("t.db").display());
        let options = SqliteConnectOptions::from_str(&url).unwrap().create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options.foreign_keys(true)).await.unwrap();
        let ours = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
        for name in
            ["0001_initial.sql", "0002_setup_security_audit.sql", "0003_client_writes_by_day.sql"]
        {
            std::fs::copy(ours.join(name), dir.join("migrations").join(name)).unwrap();
        }
        let old = dir.join("migrations");
        sqlx::migrate::Migrator::new(old.as_path()).await.unwrap().run(&pool).await.unwrap();
        for sql in [
            "INSERT INTO schools (id, name, policy, created_at) VALUES (1, 'S', '{}', 'x')",
            "INSERT INTO users (id, school_id, username, display_name, role, password_hash, created_at) \
             VALUES (1, 1, 'admin', 'A', 'school_admin', 'h', 'x')",
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
             VALUES (x'01', 1, 0, 100, 9999999999)",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;

        let store = SqliteStore::open(&url).await.unwrap();
        assert!(store.session(&[1], 1, 0).await.unwrap().is_some(), "the session survived");
        let admin = NewAccount {
            school_id: 0,
            username: "bureau".into(),
            display_name: "B".into(),
            role: Role::DistrictAdmin,
            class_id: None,
            grade: None,
            password_hash: "h".into(),
        };
        let (district, account) =
            store.create_district("D", admin, &Actor::system(None)).await.unwrap();
        assert_eq!((account.school_id, account.district_id), (0, Some(district.id)));
        assert_eq!(account.role, Role::DistrictAdmin);
        drop(store);
        let again = SqliteStore::open(&url).await.unwrap();
        assert!(again.account_by_username("bureau").await.unwrap().is_some());
        assert!(again.session(&[1], 1, 0).await.unwrap().is_some());
        drop(again);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_users_table_is_rebuilt_only_until_it_holds_district_admins() {
        let old = "CREATE TABLE users (\n    id INTEGER PRIMARY KEY,\n    school_id INTEGER NOT NULL REFERENCES schools (id),\n    role TEXT NOT NULL CHECK (role IN ('monitor', 'teacher')),\n    grade INTEGER CHECK (grade BETWEEN 1 AND 9)\n)";
        let new = users_table_for_districts(old).unwrap();
        assert!(new.starts_with("CREATE TABLE users_new ("));
        assert!(new.contains("school_id INTEGER  REFERENCES schools (id),"));
        assert!(new.contains("'district_admin'") && new.contains("'subject_teacher'"));
        assert!(new.contains("role TEXT NOT NULL CHECK"));
        let again = new.replace("users_new", "\"users\"");
        assert_eq!(users_table_for_districts(&again), None);
    }
}
