//! Schools, policies, holidays, classes and roster imports in PostgreSQL.

use super::*;
use crate::db::rows::{ClassSchoolRow, SchoolPolicyRow, class_json, roster_json, school_grades};
use crate::db::school_days::{class_starts_from, sql};
use crate::db::{
    Account, Actor, NewAccount, RosterAccountRow, School, SchoolGrade, Schools, StoreResult,
};
use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;
use shared::api::{ClassInfo, Holiday};
use shared::{ClassId, Grade, Policy, SchoolId, Window};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

#[async_trait]
impl Schools for PgStore {
    async fn is_empty(&self) -> StoreResult<bool> {
        sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM schools)")
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)
    }

    async fn create_school(
        &self,
        name: &str,
        admin: NewAccount,
        actor: &Actor,
    ) -> StoreResult<(School, Account)> {
        let policy = serde_json::to_string(&Policy::default()).map_err(corrupt)?;
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let school: School = sqlx::query_as(
            "INSERT INTO schools (name, policy, created_at) VALUES ($1, $2::jsonb, $3) \
             RETURNING id, name, utc_offset_minutes",
        )
        .bind(name)
        .bind(policy)
        .bind(&actor.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        let id = insert_account(&mut tx, &NewAccount { school_id: school.id, ..admin }, &actor.at)
            .await?;
        let account = account_in(&mut tx, id).await?.ok_or_else(|| corrupt("no new admin"))?;
        let actor = Actor { school_id: Some(school.id), ..actor.clone() };
        let after = json!({"name": school.name, "admin": account.username});
        audit_in(&mut tx, &actor, "school.create", &school.name, None, Some(after)).await?;
        tx.commit().await.map_err(store_error)?;
        Ok((school, account))
    }

    async fn school(&self, id: SchoolId) -> StoreResult<Option<School>> {
        sqlx::query_as("SELECT id, name, utc_offset_minutes FROM schools WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)
    }

    async fn schools(&self) -> StoreResult<Vec<School>> {
        sqlx::query_as("SELECT id, name, utc_offset_minutes FROM schools ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)
    }

    async fn school_by_name(&self, name: &str) -> StoreResult<Option<School>> {
        sqlx::query_as("SELECT id, name, utc_offset_minutes FROM schools WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)
    }

    async fn policy(&self, school: SchoolId) -> StoreResult<Policy> {
        let json: String = sqlx::query_scalar("SELECT policy::text FROM schools WHERE id = $1")
            .bind(school)
            .fetch_one(&self.pool)
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
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let before: String =
            sqlx::query_scalar("SELECT policy::text FROM schools WHERE id = $1 FOR NO KEY UPDATE")
                .bind(school)
                .fetch_one(&mut *tx)
                .await
                .map_err(store_error)?;
        sqlx::query("UPDATE schools SET policy = $1::jsonb WHERE id = $2")
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
        let rows: Vec<(NaiveDate, String)> = sqlx::query_as(
            "SELECT date, name FROM holidays \
             WHERE school_id = $1 AND date BETWEEN $2 AND $3 ORDER BY date",
        )
        .bind(school)
        .bind(window.from())
        .bind(window.to())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(rows.into_iter().map(|(date, name)| Holiday { date, name }).collect())
    }

    async fn put_holiday(
        &self,
        school: SchoolId,
        holiday: &Holiday,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        // Two changes of one holiday take turns, so that the second records the first's name
        // as the one it replaced (a row lock would not hold back a second first insert).
        take_turn(&mut tx, Turn::School(school)).await?;
        let before: Option<String> =
            sqlx::query_scalar("SELECT name FROM holidays WHERE school_id = $1 AND date = $2")
                .bind(school)
                .bind(holiday.date)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?;
        sqlx::query(
            "INSERT INTO holidays (school_id, date, name) VALUES ($1, $2, $3) \
             ON CONFLICT (school_id, date) DO UPDATE SET name = EXCLUDED.name",
        )
        .bind(school)
        .bind(holiday.date)
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
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let before: Option<String> = sqlx::query_scalar(
            "DELETE FROM holidays WHERE school_id = $1 AND date = $2 RETURNING name",
        )
        .bind(school)
        .bind(date)
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
        let rows: Vec<ClassRow> = sqlx::query_as(&format!(
            "SELECT {CLASS_COLUMNS} FROM classes \
             WHERE school_id = $1 AND archived_at IS NULL AND ($2::int4 IS NULL OR grade = $2) \
             ORDER BY grade, name"
        ))
        .bind(school)
        .bind(grade.map(|g| i32::from(g.get())))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(ClassRow::class).collect()
    }

    async fn grade_across_schools(
        &self,
        grade: Grade,
        window: Window,
    ) -> StoreResult<Vec<SchoolGrade>> {
        let grade = i32::from(grade.get());
        // One snapshot for the three reads; read only, so that a read replica could serve it.
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let schools: Vec<SchoolPolicyRow> = sqlx::query_as(
            "SELECT id, name, utc_offset_minutes, policy::text AS policy FROM schools WHERE id IN \
             (SELECT school_id FROM classes WHERE grade = $1 AND archived_at IS NULL) ORDER BY id",
        )
        .bind(grade)
        .fetch_all(&mut *tx)
        .await
        .map_err(store_error)?;
        let classes: Vec<ClassRow> = sqlx::query_as(&format!(
            "SELECT {CLASS_COLUMNS} FROM classes WHERE grade = $1 AND archived_at IS NULL \
             ORDER BY school_id, name"
        ))
        .bind(grade)
        .fetch_all(&mut *tx)
        .await
        .map_err(store_error)?;
        let holidays: Vec<(SchoolId, NaiveDate)> = sqlx::query_as(
            "SELECT school_id, date FROM holidays WHERE date BETWEEN $1 AND $2 AND school_id IN \
             (SELECT school_id FROM classes WHERE grade = $3 AND archived_at IS NULL)",
        )
        .bind(window.from())
        .bind(window.to())
        .bind(grade)
        .fetch_all(&mut *tx)
        .await
        .map_err(store_error)?;
        let makeup: Vec<(SchoolId, NaiveDate)> = sqlx::query_as(sql::GRADE_MAKEUP_DATES)
            .bind(window.from())
            .bind(window.to())
            .bind(grade)
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        let starts = sqlx::query_as(sql::GRADE_CLASS_STARTS)
            .bind(grade)
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        tx.rollback().await.map_err(store_error)?;
        school_grades(schools, classes, holidays, makeup, class_starts_from(starts)?)
    }

    async fn all_classes(&self, school: SchoolId) -> StoreResult<Vec<ClassInfo>> {
        let rows: Vec<ClassRow> = sqlx::query_as(&format!(
            "SELECT {CLASS_COLUMNS} FROM classes WHERE school_id = $1 ORDER BY grade, name"
        ))
        .bind(school)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(ClassRow::class).collect()
    }

    async fn class(&self, id: ClassId) -> StoreResult<Option<ClassInfo>> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        class_in(&mut conn, id).await
    }

    async fn class_with_school(
        &self,
        id: ClassId,
    ) -> StoreResult<Option<(ClassInfo, School, Arc<Policy>)>> {
        // One round trip, where the trait's default makes three.
        let row: Option<ClassSchoolRow> = sqlx::query_as(
            "SELECT c.id, c.school_id, c.grade, c.name, c.archived_at IS NOT NULL AS archived, \
             s.name AS school_name, s.utc_offset_minutes, s.policy::text AS policy \
             FROM classes c JOIN schools s ON s.id = c.school_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let class = row.class.class()?;
        let school = School {
            id: class.school_id,
            name: row.school_name,
            utc_offset_minutes: row.utc_offset_minutes,
        };
        Ok(Some((class, school, self.policies.policy(&row.policy)?)))
    }

    async fn create_class(
        &self,
        school: SchoolId,
        grade: Grade,
        name: &str,
        actor: &Actor,
    ) -> StoreResult<ClassInfo> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        // After a roster import of the school that is under way, not beside it: the import
        // would find the new class's name taken instead of the class.
        take_turn(&mut tx, Turn::School(school)).await?;
        let class = insert_class(&mut tx, school, grade, name, &actor.at).await?;
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
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        take_turn(&mut tx, Turn::Class(id)).await?;
        let before = class_in(&mut tx, id).await?.ok_or_else(|| corrupt("no such class"))?;
        let archived_at = match archived {
            Some(true) if !before.archived => Some(Some(actor.at.clone())),
            Some(false) => Some(None),
            _ => None,
        };
        sqlx::query(
            "UPDATE classes SET name = COALESCE($1, name), \
             archived_at = CASE WHEN $2 THEN $3 ELSE archived_at END WHERE id = $4",
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

    async fn import_roster(
        &self,
        school: SchoolId,
        classes: &[(Grade, String)],
        accounts: &[RosterAccountRow],
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        // Two imports of one school take turns: the second sees the classes the first made.
        take_turn(&mut tx, Turn::School(school)).await?;
        let mut ids: HashMap<String, ClassId> = HashMap::new();
        let existing: Vec<ClassRow> =
            sqlx::query_as(&format!("SELECT {CLASS_COLUMNS} FROM classes WHERE school_id = $1"))
                .bind(school)
                .fetch_all(&mut *tx)
                .await
                .map_err(store_error)?;
        for row in existing {
            let c = row.class()?;
            ids.insert(c.name, c.id);
        }
        for (grade, name) in classes {
            if !ids.contains_key(name) {
                let class = insert_class(&mut tx, school, *grade, name, &actor.at).await?;
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
            insert_account(&mut tx, &new, &actor.at).await?;
        }
        let after = roster_json(classes, accounts);
        audit_in(&mut tx, actor, "roster.import", "roster", None, Some(after)).await?;
        tx.commit().await.map_err(store_error)
    }
}
