//! Plans, notice links and teaching assignments in PostgreSQL: the shared implementation
//! ([`crate::db::plans::impl_plans`]), a class's plan writes taking turns on its row.

use super::*;
use crate::db::plans::{
    PlanDayRow, PlanOutcome, PlanWrite, StoredDay, SubjectPlanRow, impl_plans, plan_json, put_sql,
};

impl PgStore {
    async fn plans_begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.pool.begin().await.map_err(store_error)
    }

    fn plans_reader(&self) -> &PgPool {
        &self.pool
    }
}

async fn plans_lock_class(conn: &mut PgConnection, class: ClassId) -> StoreResult<()> {
    take_turn(conn, Turn::Class(class)).await
}

/// A subject's plan and its day's new status, in a transaction of its own, the class's plan
/// writes taking turns on its row.
async fn plans_put(store: &PgStore, write: PlanWrite, actor: &Actor) -> StoreResult<PlanOutcome> {
    let mut tx = store.plans_begin().await?;
    plans_lock_class(&mut tx, write.class_id).await?;
    let current: Option<SubjectPlanRow> = sqlx::query_as(put_sql::CURRENT)
        .bind(write.class_id)
        .bind(write.date)
        .bind(&write.subject)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
    let current = current.map(SubjectPlanRow::plan).transpose()?;
    let current_version = current.as_ref().map_or(0, |p| p.version);
    if write.is_stale(current_version) {
        return Ok(PlanOutcome::Conflict(current));
    }
    let target = write.target();
    let before = current.as_ref().map(plan_json);
    let stored = if write.items.is_empty() {
        sqlx::query(put_sql::DELETE)
            .bind(write.class_id)
            .bind(write.date)
            .bind(&write.subject)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        audit_in(&mut tx, actor, "plan.delete", &target, before, None).await?;
        None
    } else {
        let (items, expected) = write.stored_items()?;
        let row: SubjectPlanRow = sqlx::query_as(put_sql::UPSERT)
            .bind(write.class_id)
            .bind(write.date)
            .bind(&write.subject)
            .bind(items)
            .bind(expected)
            .bind(&write.filed_by)
            .bind(&write.updated_at)
            .bind(current_version + 1)
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
        let plan = row.plan()?;
        audit_in(&mut tx, actor, "plan.put", &target, before, Some(plan_json(&plan))).await?;
        Some(plan)
    };
    let rows: Vec<SubjectPlanRow> = sqlx::query_as(put_sql::DAY_SUBJECTS)
        .bind(write.class_id)
        .bind(write.date)
        .fetch_all(&mut *tx)
        .await
        .map_err(store_error)?;
    let subjects = rows.into_iter().map(SubjectPlanRow::plan).collect::<Result<Vec<_>, _>>()?;
    let day = if subjects.is_empty() {
        sqlx::query(put_sql::DAY_DELETE)
            .bind(write.class_id)
            .bind(write.date)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        StoredDay::default()
    } else {
        let row: PlanDayRow = sqlx::query_as(put_sql::DAY_UPSERT)
            .bind(write.class_id)
            .bind(write.date)
            .bind(write.day_status(&subjects).as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
        StoredDay { subjects, status: Some(row.status()?), review: row.review()? }
    };
    tx.commit().await.map_err(store_error)?;
    Ok(PlanOutcome::Stored(stored, day))
}

impl_plans!(PgStore);
