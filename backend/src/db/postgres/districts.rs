//! Districts in PostgreSQL, and their live events across every copy of the server (NOTIFY and LISTEN).

use super::*;
use crate::db::districts::{
    DISTRICT_ACTIVE_CLASSES, DISTRICT_BY_ID, DISTRICT_BY_NAME, DISTRICT_CLASSES,
    DISTRICT_GRADE_CLASSES, DISTRICT_HOLIDAYS, DISTRICT_REPORTED, DISTRICT_SCHOOL_IDS,
    DISTRICT_SCHOOL_POLICIES, DISTRICT_SCHOOLS, DISTRICT_SCHOOLS_PLAIN, District, DistrictEvent,
    DistrictSchoolRow, Districts, EVENT_CHANNEL, INSERT_DISTRICT, INSERT_DISTRICT_ADMIN,
    JOIN_DISTRICT, NOTIFY_BATCH, SCHOOL_DISTRICT, SchoolDay, district_day_parts,
    district_grade_parts, next_batch,
};
use crate::db::{School, SchoolGrade};
use async_trait::async_trait;
use serde_json::json;
use shared::district::{DistrictId, ReportEvent};
use shared::{Policy, Window};
use sqlx::postgres::PgListener;
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
impl Districts for PgStore {
    async fn create_district(
        &self,
        name: &str,
        admin: NewAccount,
        actor: &Actor,
    ) -> StoreResult<(District, Account)> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
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
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)
    }

    async fn district_by_name(&self, name: &str) -> StoreResult<Option<District>> {
        sqlx::query_as(DISTRICT_BY_NAME)
            .bind(name)
            .fetch_optional(&self.pool)
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
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let school: School = sqlx::query_as(
            "INSERT INTO schools (name, policy, created_at, district_id) VALUES ($1, $2::jsonb, $3, $4) \
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
        let mut tx = self.pool.begin().await.map_err(store_error)?;
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
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(found.flatten())
    }

    async fn district_school_ids(&self, district: DistrictId) -> StoreResult<Vec<SchoolId>> {
        sqlx::query_scalar(DISTRICT_SCHOOL_IDS)
            .bind(district)
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)
    }

    async fn district_schools(&self, district: DistrictId) -> StoreResult<Vec<DistrictSchoolRow>> {
        let rows: Vec<(SchoolId, String, i32, i64)> = sqlx::query_as(DISTRICT_SCHOOLS)
            .bind(district)
            .fetch_all(&self.pool)
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
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
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
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        rows.into_iter().map(ClassRow::class).collect()
    }

    async fn district_day(
        &self,
        district: DistrictId,
        date: NaiveDate,
    ) -> StoreResult<Vec<SchoolDay>> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
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
        let pool = self.pool.clone();
        self.events.publish(event, move |mut queue| {
            tokio::spawn(async move {
                while let Some(batch) = next_batch(&mut queue).await {
                    let mut payloads = Vec::with_capacity(batch.len());
                    for report in batch {
                        let district = match events.known_district(report.school_id) {
                            Some(known) => known,
                            None => {
                                let found: Result<Option<Option<DistrictId>>, _> =
                                    sqlx::query_scalar(SCHOOL_DISTRICT)
                                        .bind(report.school_id)
                                        .fetch_optional(&pool)
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
                            let event = DistrictEvent { district_id, report };
                            if let Ok(text) = serde_json::to_string(&event) {
                                payloads.push(text);
                            }
                        }
                    }
                    if payloads.is_empty() {
                        continue;
                    }
                    if let Err(e) = sqlx::query(NOTIFY_BATCH).bind(&payloads).execute(&pool).await {
                        tracing::warn!(error = %e, n = payloads.len(), "report events were dropped: pg_notify failed");
                    }
                }
            });
        });
    }

    async fn subscribe_reports(&self) -> StoreResult<broadcast::Receiver<DistrictEvent>> {
        let events = &self.events;
        events
            .listening
            .get_or_try_init(|| async {
                let mut listener =
                    PgListener::connect_with(&self.pool).await.map_err(store_error)?;
                listener.listen(EVENT_CHANNEL).await.map_err(store_error)?;
                let screens = events.sender();
                tokio::spawn(async move {
                    loop {
                        // `recv` reconnects (and listens again) by itself after a lost
                        // connection; events sent meanwhile are lost, as a screen's own
                        // reconnection would lose them.
                        match listener.recv().await {
                            Ok(n) => match serde_json::from_str::<DistrictEvent>(n.payload()) {
                                Ok(event) => {
                                    let _ = screens.send(event);
                                }
                                Err(e) => tracing::warn!(error = %e, "an unreadable report event"),
                            },
                            Err(e) => {
                                tracing::warn!(error = %e, "listening for report events failed; retrying");
                                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                            }
                        }
                    }
                });
                Ok::<(), StoreError>(())
            })
            .await?;
        Ok(events.subscribe())
    }
}
