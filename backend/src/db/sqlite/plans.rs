//! Plans, notice links and teaching assignments in SQLite: the shared implementation
//! ([`crate::db::plans::impl_plans`]) on the sqlx writing connection, whose `BEGIN IMMEDIATE`
//! already makes a class's writes take turns; a subject's plan, the write a school's teachers
//! make all at once in the evening, goes through the batching writer as day reports do.

use super::*;
use crate::db::plans::impl_plans;

impl SqliteStore {
    async fn plans_begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.begin_write().await
    }

    fn plans_reader(&self) -> &SqlitePool {
        &self.reader
    }
}

/// Nothing to do: the transaction holds SQLite's write lock from its start.
async fn plans_lock_class(_conn: &mut SqliteConnection, _class: ClassId) -> StoreResult<()> {
    Ok(())
}

/// A subject's plan, in the batching writer's next transaction ([`writer::Job::Plan`]).
async fn plans_put(
    store: &SqliteStore,
    write: crate::db::plans::PlanWrite,
    actor: &Actor,
) -> StoreResult<crate::db::plans::PlanOutcome> {
    let actor = actor.clone();
    store.by_writer(|reply| writer::Job::Plan { write, actor, reply }).await
}

impl_plans!(SqliteStore);

/// Makes the `users` table's `CHECK (role IN (…))` list every role of [`Role`] (subject
/// teachers came with plans). SQLite cannot alter a CHECK; rebuilding the table would need every
/// column any migration ever added to it. Widening the list only lets more rows in, which SQLite's
/// documentation allows by editing the table's schema text (ALTER TABLE, "making other kinds of
/// table schema changes"): in one transaction, with the schema version raised so that every
/// connection reads the schema again. Does nothing when the list is already complete.
pub(super) async fn widen_role_check(pool: &SqlitePool) -> Result<(), String> {
    use shared::api::Role;
    const START: &str = "CHECK (role IN (";
    let roles =
        [Role::Monitor, Role::Teacher, Role::GradeLeader, Role::SchoolAdmin, Role::SubjectTeacher];
    let mut conn = pool.acquire().await.map_err(|e| e.to_string())?;
    let sql: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'users'")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| e.to_string())?;
    let Some(start) = sql.find(START) else { return Ok(()) };
    let Some(len) = sql[start..].find("))") else { return Ok(()) };
    let listed = &sql[start + START.len()..start + len];
    let mut names: Vec<String> =
        listed.split(',').map(|r| r.trim().trim_matches('\'').to_owned()).collect();
    let missing: Vec<&str> =
        roles.iter().map(|r| r.as_str()).filter(|r| !names.iter().any(|n| n == r)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    names.extend(missing.iter().map(|r| (*r).to_owned()));
    let list: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let widened = format!("{}{START}{}{}", &sql[..start], list.join(", "), &sql[start + len..]);
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE")
        .await
        .map_err(|e| e.to_string())?;
    let version: i64 = sqlx::query_scalar("PRAGMA schema_version")
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    for step in [
        "PRAGMA writable_schema = ON".to_owned(),
        "UPDATE sqlite_schema SET sql = $1 WHERE type = 'table' AND name = 'users'".to_owned(),
        format!("PRAGMA schema_version = {}", version + 1),
        "PRAGMA writable_schema = OFF".to_owned(),
    ] {
        let query = sqlx::query(&step);
        let query = if step.contains("$1") { query.bind(&widened) } else { query };
        query.execute(&mut *tx).await.map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    tracing::info!(roles = ?missing, "the accounts table takes the new roles");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestStore;
    use crate::db::{Accounts, Actor, NewAccount};
    use shared::api::Role;

    /// The role list is widened once, keeps every other part of the table, and a subject
    /// teacher can then be stored, also after the store is opened again.
    #[tokio::test]
    async fn the_accounts_table_takes_subject_teachers_and_keeps_the_rest_of_its_schema() {
        let db = TestStore::new("roles").await;
        let schema = |path: std::path::PathBuf| {
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.query_row("SELECT sql FROM sqlite_schema WHERE name = 'users'", [], |r| {
                r.get::<_, String>(0)
            })
            .unwrap()
        };
        let sql = schema(db.path());
        assert!(sql.contains("'subject_teacher'") && sql.contains("'district_admin'"), "{sql}");
        assert!(sql.contains("tablet") && sql.contains("users_username_unique"), "{sql}");
        let account = NewAccount {
            school_id: db.school.id,
            username: "wang".into(),
            display_name: "Wang".into(),
            role: Role::SubjectTeacher,
            class_id: None,
            grade: None,
            password_hash: "x".into(),
        };
        let stored = db.store.create_account(account, &Actor::system(None)).await.unwrap();
        assert_eq!(stored.role, Role::SubjectTeacher);
        super::widen_role_check(&db.store.writer).await.unwrap();
        assert_eq!(schema(db.path()), sql, "a second time changes nothing");
    }
}
