//! Districts in SQLite, and their live events within this one process.

use super::*;
use crate::db::districts::{
    DISTRICT_ACTIVE_CLASSES, DISTRICT_BY_ID, DISTRICT_BY_NAME, DISTRICT_CLASSES,
    DISTRICT_GRADE_CLASSES, DISTRICT_HOLIDAYS, DISTRICT_REPORTED, DISTRICT_SCHOOL_IDS,
    DISTRICT_SCHOOL_POLICIES, DISTRICT_SCHOOLS, DISTRICT_SCHOOLS_PLAIN, District, DistrictEvent,
    DistrictSchoolRow, Districts, INSERT_DISTRICT, INSERT_DISTRICT_ADMIN, JOIN_DISTRICT,
    SCHOOL_DISTRICT, SchoolDay, district_day_parts, district_grade_parts, next_batch,
};
use crate::db::{School, SchoolGrade};
use async_trait::async_trait;
use serde_json::json;
use shared::district::{DistrictId, ReportEvent};
use shared::{Policy, Window};
use std::sync::Arc;
use tokio::sync::broadcast;

/// A school row with its policy as text and its classes counted (either may be left out).
#[derive(sqlx::FromRow)]
struct SchoolPolicy {
    id: SchoolId,
    name: String,
    utc_offset_minutes: i32,
    policy: String,
}

#[async_trait]
impl Districts for SqliteStore {
    async fn create_district(
        &self,
        name: &str,
        admin: NewAccount,
        actor: &Actor,
    ) -> StoreResult<(District, Account)> {
        let mut tx = self.begin_write().await?;
        let district: District = sqlx::query_as(INSERT_DISTRICT)
            .bind(name)
            .bind(now_rfc3339())
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
        let id: UserId = sqlx::query_scalar(INSERT_DISTRICT_ADMIN)
            .bind(district.id)
            .bind(&admin.username)
            .bind(&admin.display_name)
            .bind(&admin.password_hash)
            .bind(now_rfc3339())
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
        let account = account_in(&mut tx, id).await?.ok_or_else(|| corrupt("no new admin"))?;
        let after = json!({"name": district.name, "admin": account.username});
        audit_in(&mut tx, actor, "district.create", &district.name, None, Some(after)).await?;
        tx.commit().await.map_err(store_error)?;
        Ok((district, account))
    }

    async fn district(&self, id: DistrictId) -> StoreResult<Option<District>> {
        sqlx::query_as(DISTRICT_BY_ID)
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .map_err(store_error)
    }

    async fn district_by_name(&self, name: &str) -> StoreResult<Option<District>> {
        sqlx::query_as(DISTRICT_BY_NAME)
            .bind(name)
            .fetch_optional(&self.reader)
            .await
            .map_err(store_error)
    }

    async fn create_district_school(
        &self,
        district: DistrictId,
        name: &str,
        admin: NewAccount,
        actor: &Actor,
    ) -> StoreResult<(School, Account)> {
        let policy = serde_json::to_string(&Policy::default()).map_err(corrupt)?;
        let mut tx = self.begin_write().await?;
        let school: School = sqlx::query_as(
            "INSERT INTO schools (name, policy, created_at, district_id) VALUES ($1, $2, $3, $4) \
             RETURNING id, name, utc_offset_minutes",
        )
        .bind(name)
        .bind(policy)
        .bind(now_rfc3339())
        .bind(district)
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        let id = insert_account(&mut tx, &NewAccount { school_id: school.id, ..admin }).await?;
        let account = account_in(&mut tx, id).await?.ok_or_else(|| corrupt("no new admin"))?;
        let actor = Actor { school_id: Some(school.id), ..actor.clone() };
        let after =
            json!({"name": school.name, "admin": account.username, "district_id": district});
        audit_in(&mut tx, &actor, "school.create", &school.name, None, Some(after)).await?;
        tx.commit().await.map_err(store_error)?;
        Ok((school, account))
    }

    async fn join_district(
        &self,
        district: DistrictId,
        school: SchoolId,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let joined: Option<String> = sqlx::query_scalar(JOIN_DISTRICT)
            .bind(district)
            .bind(school)
            .fetch_optional(&mut *tx)
            .await
            .map_err(store_error)?;
        if let Some(name) = joined {
            let after = json!({"district_id": district});
            audit_in(&mut tx, actor, "school.district", &name, None, Some(after)).await?;
        }
        tx.commit().await.map_err(store_error)
    }

    async fn district_of_school(&self, school: SchoolId) -> StoreResult<Option<DistrictId>> {
        let found: Option<Option<DistrictId>> = sqlx::query_scalar(SCHOOL_DISTRICT)
            .bind(school)
            .fetch_optional(&self.reader)
            .await
            .map_err(store_error)?;
        Ok(found.flatten())
    }

    async fn district_school_ids(&self, district: DistrictId) -> StoreResult<Vec<SchoolId>> {
        sqlx::query_scalar(DISTRICT_SCHOOL_IDS)
            .bind(district)
            .fetch_all(&self.reader)
            .await
            .map_err(store_error)
    }

    async fn district_schools(&self, district: DistrictId) -> StoreResult<Vec<DistrictSchoolRow>> {
        let rows: Vec<(SchoolId, String, i32, i64)> = sqlx::query_as(DISTRICT_SCHOOLS)
            .bind(district)
            .fetch_all(&self.reader)
            .await
            .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, utc_offset_minutes, n)| DistrictSchoolRow {
                school: School { id, name, utc_offset_minutes },
                class_count: u32::try_from(n).unwrap_or(0),
            })
            .collect())
    }

    async fn district_grade(
        &self,
        district: DistrictId,
        grade: Grade,
        window: Window,
    ) -> StoreResult<Vec<SchoolGrade>> {
        // One read transaction: the three reads see one state of the database.
        let mut tx = self.reader.begin().await.map_err(store_error)?;
        let schools: Vec<SchoolPolicy> = sqlx::query_as(DISTRICT_SCHOOL_POLICIES)
            .bind(district)
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        let classes: Vec<ClassRow> = sqlx::query_as(DISTRICT_GRADE_CLASSES)
            .bind(i32::from(grade.get()))
            .bind(district)
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        let holidays: Vec<(SchoolId, NaiveDate)> = sqlx::query_as(DISTRICT_HOLIDAYS)
            .bind(window.from())
            .bind(window.to())
            .bind(district)
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        tx.rollback().await.map_err(store_error)?;
        let schools = schools
            .into_iter()
            .map(|s| {
                let policy = self.policies.policy(&s.policy)?;
                let school =
                    School { id: s.id, name: s.name, utc_offset_minutes: s.utc_offset_minutes };
                Ok((school, Policy::clone(&policy)))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let classes = classes.into_iter().map(ClassRow::class).collect::<StoreResult<Vec<_>>>()?;
        Ok(district_grade_parts(schools, classes, holidays))
    }

    async fn district_classes(
        &self,
        district: DistrictId,
        include_archived: bool,
    ) -> StoreResult<Vec<ClassInfo>> {
        let rows: Vec<ClassRow> = sqlx::query_as(DISTRICT_CLASSES)
            .bind(district)
            .bind(include_archived)
            .fetch_all(&self.reader)
            .await
            .map_err(store_error)?;
        rows.into_iter().map(ClassRow::class).collect()
    }

    async fn district_day(
        &self,
        district: DistrictId,
        date: NaiveDate,
    ) -> StoreResult<Vec<SchoolDay>> {
        let mut tx = self.reader.begin().await.map_err(store_error)?;
        let schools: Vec<School> = sqlx::query_as(DISTRICT_SCHOOLS_PLAIN)
            .bind(district)
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        let classes: Vec<ClassRow> = sqlx::query_as(DISTRICT_ACTIVE_CLASSES)
            .bind(district)
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        let holidays: Vec<(SchoolId, NaiveDate)> = sqlx::query_as(DISTRICT_HOLIDAYS)
            .bind(date)
            .bind(date)
            .bind(district)
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        let reported: Vec<ClassId> = sqlx::query_scalar(DISTRICT_REPORTED)
            .bind(district)
            .bind(date)
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        tx.rollback().await.map_err(store_error)?;
        let classes = classes.into_iter().map(ClassRow::class).collect::<StoreResult<Vec<_>>>()?;
        Ok(district_day_parts(schools, classes, holidays, reported))
    }

    fn publish_report(&self, event: ReportEvent) {
        let events = Arc::clone(&self.events);
        let reader = self.reader.clone();
        self.events.publish(event, move |mut queue| {
            tokio::spawn(async move {
                let screens = events.sender();
                while let Some(batch) = next_batch(&mut queue).await {
                    for report in batch {
                        let district = match events.known_district(report.school_id) {
                            Some(known) => known,
                            None => {
                                let found: Result<Option<Option<DistrictId>>, _> =
                                    sqlx::query_scalar(SCHOOL_DISTRICT)
                                        .bind(report.school_id)
                                        .fetch_optional(&reader)
                                        .await;
                                match found {
                                    Ok(d) => {
                                        events.remember_district(report.school_id, d.flatten());
                                        d.flatten()
                                    }
                                    Err(e) => {
                                        tracing::warn!(error = %e, "a report event was dropped");
                                        None
                                    }
                                }
                            }
                        };
                        if let Some(district_id) = district {
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
