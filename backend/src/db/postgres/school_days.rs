//! Make-up days, class starts, subject minutes by day and a day's removal in PostgreSQL. A
//! removal holds its class's turn, as a day report's write does, so the two follow one another.

use super::*;
use crate::db::school_days::{calendar_from, class_starts_from, sql};
use crate::db::{ClassStart, DeleteOutcome, SchoolDays, SubjectDays};
use async_trait::async_trait;
use serde_json::json;
use shared::Window;
use shared::api::MakeupDay;
use shared::calendar::SchoolCalendar;
use std::collections::HashMap;

#[async_trait]
impl SchoolDays for PgStore {
    async fn makeup_day_list(
        &self,
        school: SchoolId,
        window: Window,
    ) -> StoreResult<Vec<MakeupDay>> {
        let rows: Vec<(NaiveDate, String)> = sqlx::query_as(sql::MAKEUP_LIST)
            .bind(school)
            .bind(window.from())
            .bind(window.to())
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(|(date, name)| MakeupDay { date, name }).collect())
    }

    async fn put_makeup_day(
        &self,
        school: SchoolId,
        day: &MakeupDay,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        // Two changes of one day take turns, so that the second records the first's name.
        take_turn(&mut tx, Turn::School(school)).await?;
        let before: Option<String> = sqlx::query_scalar(sql::MAKEUP_NAME)
            .bind(school)
            .bind(day.date)
            .fetch_optional(&mut *tx)
            .await
            .map_err(store_error)?;
        sqlx::query(sql::MAKEUP_UPSERT)
            .bind(school)
            .bind(day.date)
            .bind(&day.name)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let before = before.map(|name| json!({"name": name}));
        let after = Some(json!({"name": day.name}));
        audit_in(&mut tx, actor, "makeup_day.put", &day.date.to_string(), before, after).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn delete_makeup_day(
        &self,
        school: SchoolId,
        date: NaiveDate,
        actor: &Actor,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let before: Option<String> = sqlx::query_scalar(sql::MAKEUP_DELETE)
            .bind(school)
            .bind(date)
            .fetch_optional(&mut *tx)
            .await
            .map_err(store_error)?;
        let Some(name) = before else { return Ok(false) };
        let before = Some(json!({"name": name}));
        audit_in(&mut tx, actor, "makeup_day.delete", &date.to_string(), before, None).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(true)
    }

    async fn calendar(&self, school: SchoolId, window: Window) -> StoreResult<SchoolCalendar> {
        let rows = sqlx::query_as(sql::CALENDAR_DATES)
            .bind(school)
            .bind(window.from())
            .bind(window.to())
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(calendar_from(rows))
    }

    async fn class_starts(&self, school: SchoolId) -> StoreResult<HashMap<ClassId, ClassStart>> {
        let rows = sqlx::query_as(sql::CLASS_STARTS)
            .bind(school)
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        class_starts_from(rows)
    }

    async fn subject_days(&self, classes: &[ClassId], window: Window) -> StoreResult<SubjectDays> {
        let rows: Vec<(ClassId, NaiveDate, String, i64)> = sqlx::query_as(
            "SELECT r.class_id, r.date, e.subject, e.minutes::BIGINT FROM report_entries e \
             JOIN day_reports r ON r.id = e.report_id \
             WHERE r.class_id = ANY($1) AND r.date BETWEEN $2 AND $3",
        )
        .bind(classes)
        .bind(window.from())
        .bind(window.to())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let mut out: SubjectDays = HashMap::new();
        for (class, date, subject, minutes) in rows {
            let day = out.entry(class).or_default().entry(date).or_default();
            *day.entry(subject).or_default() += minutes.max(0) as u64;
        }
        Ok(out)
    }

    async fn delete_report(
        &self,
        class: ClassId,
        date: NaiveDate,
        expected_version: Option<i64>,
        actor: &Actor,
    ) -> StoreResult<DeleteOutcome> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        take_turn(&mut tx, Turn::Class(class)).await?;
        let Some(before) = report_in(&mut *tx, class, date).await? else {
            return Ok(DeleteOutcome::Missing);
        };
        if expected_version.is_some_and(|v| v != before.version) {
            return Ok(DeleteOutcome::Conflict(before));
        }
        sqlx::query(sql::DELETE_DAY)
            .bind(class)
            .bind(date)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let target = format!("class {class} report {date}");
        let snapshot = serde_json::to_value(&before).map_err(corrupt)?;
        audit_in(&mut tx, actor, "report.delete", &target, Some(snapshot), None).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(DeleteOutcome::Deleted(before))
    }
}
