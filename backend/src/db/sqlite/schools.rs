//! Schools, policies, holidays, classes and roster imports in SQLite.

use super::*;
use crate::db::rows::{SchoolPolicyRow, class_json, roster_json, school_grades};
use crate::db::school_days::{class_starts_from, sql};
use crate::db::{
    Account, Actor, NewAccount, RosterAccountRow, School, SchoolGrade, Schools, StoreResult,
};
use async_trait::async_trait;
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde_json::json;
use shared::api::{ClassInfo, Holiday};
use shared::{ClassId, Grade, Policy, SchoolId, Window};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

#[async_trait]
impl Schools for SqliteStore {
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
        let mut tx = self.begin_write().await?;
        let school: School = sqlx::query_as(
            "INSERT INTO schools (name, policy, created_at) VALUES (?, ?, ?) \
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
        sqlx::query_as("SELECT id, name, utc_offset_minutes FROM schools WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .map_err(store_error)
    }

    async fn schools(&self) -> StoreResult<Vec<School>> {
        sqlx::query_as("SELECT id, name, utc_offset_minutes FROM schools ORDER BY id")
            .fetch_all(&self.reader)
            .await
            .map_err(store_error)
    }

    async fn school_by_name(&self, name: &str) -> StoreResult<Option<School>> {
        sqlx::query_as("SELECT id, name, utc_offset_minutes FROM schools WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.reader)
            .await
            .map_err(store_error)
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
        let mut tx = self.begin_write().await?;
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
        let rows: Vec<(NaiveDate, String)> = sqlx::query_as(
            "SELECT date, name FROM holidays WHERE school_id = ? AND date BETWEEN ? AND ? ORDER BY date",
        )
        .bind(school)
        .bind(window.from().to_string())
        .bind(window.to().to_string())
        .fetch_all(&self.reader)
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
        let mut tx = self.begin_write().await?;
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
        let mut tx = self.begin_write().await?;
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
        let rows: Vec<ClassRow> = sqlx::query_as(&format!(
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
        rows.into_iter().map(ClassRow::class).collect()
    }

    async fn grade_across_schools(
        &self,
        grade: Grade,
        window: Window,
    ) -> StoreResult<Vec<SchoolGrade>> {
        let grade = i32::from(grade.get());
        // One read transaction: the three reads see one state of the database.
        let mut tx = self.reader.begin().await.map_err(store_error)?;
        let schools: Vec<SchoolPolicyRow> = sqlx::query_as(
            "SELECT id, name, utc_offset_minutes, policy FROM schools WHERE id IN \
             (SELECT school_id FROM classes WHERE grade = ? AND archived_at IS NULL) ORDER BY id",
        )
        .bind(grade)
        .fetch_all(&mut *tx)
        .await
        .map_err(store_error)?;
        let classes: Vec<ClassRow> = sqlx::query_as(&format!(
            "SELECT {CLASS_COLUMNS} FROM classes WHERE grade = ? AND archived_at IS NULL \
             ORDER BY school_id, name"
        ))
        .bind(grade)
        .fetch_all(&mut *tx)
        .await
        .map_err(store_error)?;
        let holidays: Vec<(SchoolId, NaiveDate)> = sqlx::query_as(
            "SELECT school_id, date FROM holidays WHERE date BETWEEN ? AND ? AND school_id IN \
             (SELECT school_id FROM classes WHERE grade = ? AND archived_at IS NULL)",
        )
        .bind(window.from().to_string())
        .bind(window.to().to_string())
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
            "SELECT {CLASS_COLUMNS} FROM classes WHERE school_id = ? ORDER BY grade, name"
        ))
        .bind(school)
        .fetch_all(&self.reader)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(ClassRow::class).collect()
    }

    async fn class(&self, id: ClassId) -> StoreResult<Option<ClassInfo>> {
        let row: Option<ClassRow> =
            sqlx::query_as(&format!("SELECT {CLASS_COLUMNS} FROM classes WHERE id = ?"))
                .bind(id)
                .fetch_optional(&self.reader)
                .await
                .map_err(store_error)?;
        row.map(ClassRow::class).transpose()
    }

    async fn class_with_school(
        &self,
        id: ClassId,
    ) -> StoreResult<Option<(ClassInfo, School, Arc<Policy>)>> {
        let row = self.inline.read(|conn| {
            conn.prepare_cached(
                "SELECT c.id, c.school_id, c.grade, c.name, c.archived_at IS NOT NULL, s.name, \
                 s.utc_offset_minutes, s.policy \
                 FROM classes c JOIN schools s ON s.id = c.school_id WHERE c.id = ?1",
            )?
            .query_row([id], |row| {
                let school = (row.get::<_, String>(5)?, row.get::<_, i32>(6)?);
                // The policy's text is looked up where it lies in the row, not copied out.
                let text = row.get_ref(7)?.as_str().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        7,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?;
                let policy = self.policies.policy(text);
                Ok((ClassRow::from_rusqlite(row)?, school, policy))
            })
            .optional()
        })?;
        let Some((class, (name, utc_offset_minutes), policy)) = row else { return Ok(None) };
        let class = class.class()?;
        let school = School { id: class.school_id, name, utc_offset_minutes };
        Ok(Some((class, school, policy?)))
    }

    async fn create_class(
        &self,
        school: SchoolId,
        grade: Grade,
        name: &str,
        actor: &Actor,
    ) -> StoreResult<ClassInfo> {
        let mut tx = self.begin_write().await?;
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
        let mut tx = self.begin_write().await?;
        let before = class_in(&mut tx, id).await?.ok_or_else(|| corrupt("no such class"))?;
        let archived_at = match archived {
            Some(true) if !before.archived => Some(Some(actor.at.clone())),
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

    async fn import_roster(
        &self,
        school: SchoolId,
        classes: &[(Grade, String)],
        accounts: &[RosterAccountRow],
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let mut ids: HashMap<String, ClassId> = HashMap::new();
        let existing: Vec<ClassRow> =
            sqlx::query_as(&format!("SELECT {CLASS_COLUMNS} FROM classes WHERE school_id = ?"))
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
