//! Homework plans, their days' status and reviews, public notice links and teaching
//! assignments: the [`Plans`] store trait, its types, and its one implementation for both
//! databases ([`impl_plans!`]): the SQL is the same text on SQLite and PostgreSQL (`$n`
//! placeholders, `ON CONFLICT`, `RETURNING`), each store supplying how a write begins, where reads
//! go and how a class's writes take turns.

use async_trait::async_trait;
use chrono::NaiveDate;
use shared::api::Teaching;
use shared::plans::{DayStatus, Decision, PlanItem, Review, SubjectPlan};
use shared::{ClassId, Grade, SchoolId, UserId, Window};
use std::collections::{BTreeMap, HashMap};

use super::{Actor, StoreResult, rows::corrupt};

/// A checked subject plan to store, replacing that subject's plan for the day (no items:
/// removing it).
#[derive(Debug, Clone)]
pub struct PlanWrite {
    pub class_id: ClassId,
    pub date: NaiveDate,
    pub subject: String,
    pub items: Vec<PlanItem>,
    /// The version the client saw (0: none); `None` replaces whatever is there.
    pub expected_version: Option<i64>,
    /// The display name of who files it.
    pub filed_by: String,
    pub updated_at: String,
    /// The class's grade and limit, which the day's status is judged against.
    pub grade: Grade,
    pub limit_minutes: u32,
}

/// A class's day of plans as stored: its subjects (by subject), status and last review.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredDay {
    pub subjects: Vec<SubjectPlan>,
    pub status: Option<DayStatus>,
    pub review: Option<Review>,
}

/// What became of a [`PlanWrite`].
#[derive(Debug, Clone, PartialEq)]
pub enum PlanOutcome {
    /// Stored (or removed: `None`); the day as it is now.
    Stored(Option<SubjectPlan>, StoredDay),
    /// The version is stale: the subject's plan as it stands (or none).
    Conflict(Option<SubjectPlan>),
}

/// A class's notice link as stored (the token only as its hash).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NoticeLinkRecord {
    pub id: i64,
    pub class_id: ClassId,
    pub created_by: String,
    pub created_at: String,
}

/// Plans, notice links and teaching assignments.
#[async_trait]
pub trait Plans: Send + Sync + 'static {
    /// The classes and subjects an account teaches, ordered.
    async fn teaching(&self, user: UserId) -> StoreResult<Vec<Teaching>>;
    /// Every teaching assignment of a school's accounts.
    async fn school_teaching(
        &self,
        school: SchoolId,
    ) -> StoreResult<HashMap<UserId, Vec<Teaching>>>;
    /// Replaces an account's teaching assignments (audited as `user.teaching`).
    async fn set_teaching(
        &self,
        user: UserId,
        username: &str,
        teaching: &[Teaching],
        actor: &Actor,
    ) -> StoreResult<()>;
    async fn day_plan(&self, class: ClassId, date: NaiveDate) -> StoreResult<StoredDay>;
    /// The days of a window with a plan, oldest first.
    async fn plan_days(
        &self,
        class: ClassId,
        window: Window,
    ) -> StoreResult<Vec<(NaiveDate, StoredDay)>>;
    /// Stores a subject's plan and the day's new status in one transaction, audited.
    async fn put_plan(&self, write: PlanWrite, actor: &Actor) -> StoreResult<PlanOutcome>;
    /// Records a review of a day waiting for one; `None` if the day is not waiting.
    async fn review_day(
        &self,
        class: ClassId,
        date: NaiveDate,
        review: &Review,
        actor: &Actor,
    ) -> StoreResult<Option<StoredDay>>;
    /// The expected minutes per subject and day of several classes over a window (plans with
    /// expected minutes above 0 only).
    async fn plan_minutes(
        &self,
        classes: &[ClassId],
        window: Window,
    ) -> StoreResult<HashMap<ClassId, BTreeMap<NaiveDate, BTreeMap<String, u32>>>>;
    async fn create_notice_link(
        &self,
        class: ClassId,
        token_hash: &[u8],
        created_at: &str,
        actor: &Actor,
    ) -> StoreResult<NoticeLinkRecord>;
    /// A class's live notice links, oldest first.
    async fn notice_links(&self, class: ClassId) -> StoreResult<Vec<NoticeLinkRecord>>;
    /// Revokes a link of a class (again, if it was: as tablet codes are); whether it exists.
    async fn revoke_notice_link(
        &self,
        class: ClassId,
        id: i64,
        at: &str,
        actor: &Actor,
    ) -> StoreResult<bool>;
    /// The class of a live notice link.
    async fn notice_class(&self, token_hash: &[u8]) -> StoreResult<Option<ClassId>>;
}

/// A stored subject plan.
#[derive(sqlx::FromRow)]
pub(super) struct SubjectPlanRow {
    pub(super) class_id: ClassId,
    pub(super) date: NaiveDate,
    pub(super) subject: String,
    pub(super) items: String,
    pub(super) expected_minutes: i64,
    pub(super) filed_by: String,
    pub(super) updated_at: String,
    pub(super) version: i64,
}

/// The columns of a stored subject plan, in [`SubjectPlanRow`]'s order (a macro, so that the
/// statements below can be constants).
macro_rules! plan_columns {
    () => {
        "class_id, date, subject, items, expected_minutes, filed_by, updated_at, version"
    };
}

/// The columns of a stored day, in [`PlanDayRow`]'s order.
macro_rules! plan_day_columns {
    () => {
        "date, status, review_by, review_at, review_decision, review_reason"
    };
}

pub(super) const PLAN_COLUMNS: &str = plan_columns!();
pub(super) const PLAN_DAY_COLUMNS: &str = plan_day_columns!();

/// The statements of a plan's write ([`Plans::put_plan`]), one text for both databases and both
/// libraries: the `$n` first appear in order, so SQLite, which takes them as names, numbers
/// them as PostgreSQL does and binds them by position alike.
pub(super) mod put_sql {
    /// The subject's plan as it stands: `$1` class, `$2` date, `$3` subject.
    pub(crate) const CURRENT: &str = concat!(
        "SELECT ",
        plan_columns!(),
        " FROM subject_plans WHERE class_id = $1 AND date = $2 AND subject = $3"
    );
    /// Removes the subject's plan: `$1` class, `$2` date, `$3` subject.
    pub(crate) const DELETE: &str =
        "DELETE FROM subject_plans WHERE class_id = $1 AND date = $2 AND subject = $3";
    /// Stores the subject's plan: `$1` class, `$2` date, `$3` subject, `$4` items (JSON), `$5`
    /// expected minutes, `$6` filed by, `$7` updated at, `$8` version.
    pub(crate) const UPSERT: &str = concat!(
        "INSERT INTO subject_plans \
         (class_id, date, subject, items, expected_minutes, filed_by, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (class_id, date, subject) DO UPDATE SET items = $4, \
         expected_minutes = $5, filed_by = $6, updated_at = $7, version = $8 RETURNING ",
        plan_columns!()
    );
    /// The day's subjects after the change, by subject: `$1` class, `$2` date.
    pub(crate) const DAY_SUBJECTS: &str = concat!(
        "SELECT ",
        plan_columns!(),
        " FROM subject_plans WHERE class_id = $1 AND date = $2 ORDER BY subject"
    );
    /// Removes a day left with no subjects: `$1` class, `$2` date.
    pub(crate) const DAY_DELETE: &str = "DELETE FROM plan_days WHERE class_id = $1 AND date = $2";
    /// Stores the day's status: `$1` class, `$2` date, `$3` status.
    pub(crate) const DAY_UPSERT: &str = concat!(
        "INSERT INTO plan_days (class_id, date, status) VALUES ($1, $2, $3) \
         ON CONFLICT (class_id, date) DO UPDATE SET status = $3 RETURNING ",
        plan_day_columns!()
    );
}

impl PlanWrite {
    /// Whether the client saw another version than `current` (0: no plan).
    pub(super) fn is_stale(&self, current: i64) -> bool {
        self.expected_version.is_some_and(|v| v != current)
    }

    /// The audit log's target of this write.
    pub(super) fn target(&self) -> String {
        format!("class {} {} {}", self.class_id, self.date, self.subject)
    }

    /// The items as stored (JSON) and their expected minutes.
    pub(super) fn stored_items(&self) -> StoreResult<(String, i64)> {
        let items = serde_json::to_string(&self.items).map_err(corrupt)?;
        Ok((items, i64::from(shared::plans::expected_minutes(&self.items))))
    }

    /// The day's status once its subjects are `subjects` (this write's among them).
    pub(super) fn day_status(&self, subjects: &[SubjectPlan]) -> DayStatus {
        shared::plans::status_after_change(
            self.grade,
            self.limit_minutes,
            subjects.iter().map(|s| s.items.as_slice()),
        )
    }
}

/// A date as SQLite stores it (`YYYY-MM-DD`) through `rusqlite`; a malformed one is a
/// conversion failure of its column.
fn rusqlite_date(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<NaiveDate> {
    let text: String = row.get(column)?;
    text.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

impl SubjectPlanRow {
    /// The row through `rusqlite` (SQLite's batching writer): the columns of
    /// [`PLAN_COLUMNS`], in that order.
    pub(super) fn from_rusqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<SubjectPlanRow> {
        Ok(SubjectPlanRow {
            class_id: row.get(0)?,
            date: rusqlite_date(row, 1)?,
            subject: row.get(2)?,
            items: row.get(3)?,
            expected_minutes: row.get(4)?,
            filed_by: row.get(5)?,
            updated_at: row.get(6)?,
            version: row.get(7)?,
        })
    }

    pub(super) fn plan(self) -> StoreResult<SubjectPlan> {
        Ok(SubjectPlan {
            class_id: self.class_id,
            date: self.date,
            subject: self.subject,
            items: serde_json::from_str(&self.items).map_err(corrupt)?,
            expected_minutes: u32::try_from(self.expected_minutes).map_err(corrupt)?,
            filed_by: self.filed_by,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

/// A stored day's status and review.
#[derive(sqlx::FromRow)]
pub(super) struct PlanDayRow {
    pub(super) date: NaiveDate,
    pub(super) status: String,
    pub(super) review_by: Option<String>,
    pub(super) review_at: Option<String>,
    pub(super) review_decision: Option<String>,
    pub(super) review_reason: Option<String>,
}

impl PlanDayRow {
    /// The row through `rusqlite`: the columns of [`PLAN_DAY_COLUMNS`], in that order.
    pub(super) fn from_rusqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<PlanDayRow> {
        Ok(PlanDayRow {
            date: rusqlite_date(row, 0)?,
            status: row.get(1)?,
            review_by: row.get(2)?,
            review_at: row.get(3)?,
            review_decision: row.get(4)?,
            review_reason: row.get(5)?,
        })
    }

    pub(super) fn status(&self) -> StoreResult<DayStatus> {
        DayStatus::parse(&self.status).ok_or_else(|| corrupt(format!("status {}", self.status)))
    }

    pub(super) fn review(&self) -> StoreResult<Option<Review>> {
        match (&self.review_by, &self.review_at, &self.review_decision) {
            (Some(by), Some(at), Some(decision)) => Ok(Some(Review {
                by: by.clone(),
                at: at.clone(),
                decision: Decision::parse(decision)
                    .ok_or_else(|| corrupt(format!("decision {decision}")))?,
                reason: self.review_reason.clone(),
            })),
            _ => Ok(None),
        }
    }
}

/// Puts a window's subject plans (ordered by date, subject) and day rows together, by day.
pub(super) fn days_of(
    plans: Vec<SubjectPlanRow>,
    days: Vec<PlanDayRow>,
) -> StoreResult<Vec<(NaiveDate, StoredDay)>> {
    let mut by_day: BTreeMap<NaiveDate, StoredDay> = BTreeMap::new();
    for row in plans {
        let plan = row.plan()?;
        by_day.entry(plan.date).or_default().subjects.push(plan);
    }
    for row in days {
        if let Some(day) = by_day.get_mut(&row.date) {
            day.status = Some(row.status()?);
            day.review = row.review()?;
        }
    }
    Ok(by_day.into_iter().collect())
}

/// The audit log's picture of a subject plan.
pub(super) fn plan_json(plan: &SubjectPlan) -> serde_json::Value {
    serde_json::json!({
        "subject": plan.subject,
        "items": plan.items,
        "expected_minutes": plan.expected_minutes,
        "version": plan.version,
    })
}

/// The [`Plans`] implementation of a store. The invoking module provides `store_error`,
/// `audit_in`, the store's `plans_begin()` (a write transaction), `plans_reader()` (where
/// reads go) and `plans_lock_class(conn, class)` (so that a class's plan writes take turns), and
/// `plans_put(store, write, actor)`: how a plan is written, the statements of [`put_sql`] in
/// order (SQLite's batching writer takes them; PostgreSQL runs them in a transaction of its own).
macro_rules! impl_plans {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::plans::Plans for $store {
            async fn teaching(
                &self,
                user: shared::UserId,
            ) -> $crate::db::StoreResult<Vec<shared::api::Teaching>> {
                let rows: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT class_id, subject FROM teaching WHERE user_id = $1 ORDER BY class_id, subject",
                )
                .bind(user)
                .fetch_all(self.plans_reader())
                .await
                .map_err(store_error)?;
                Ok(rows
                    .into_iter()
                    .map(|(class_id, subject)| shared::api::Teaching { class_id, subject })
                    .collect())
            }

            async fn school_teaching(
                &self,
                school: shared::SchoolId,
            ) -> $crate::db::StoreResult<
                std::collections::HashMap<shared::UserId, Vec<shared::api::Teaching>>,
            > {
                let rows: Vec<(i64, i64, String)> = sqlx::query_as(
                    "SELECT t.user_id, t.class_id, t.subject FROM teaching t \
                     JOIN users u ON u.id = t.user_id WHERE u.school_id = $1 \
                     ORDER BY t.user_id, t.class_id, t.subject",
                )
                .bind(school)
                .fetch_all(self.plans_reader())
                .await
                .map_err(store_error)?;
                let mut out: std::collections::HashMap<_, Vec<_>> = Default::default();
                for (user, class_id, subject) in rows {
                    out.entry(user).or_default().push(shared::api::Teaching { class_id, subject });
                }
                Ok(out)
            }

            async fn set_teaching(
                &self,
                user: shared::UserId,
                username: &str,
                teaching: &[shared::api::Teaching],
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<()> {
                let mut tx = self.plans_begin().await?;
                let before: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT class_id, subject FROM teaching WHERE user_id = $1 ORDER BY class_id, subject",
                )
                .bind(user)
                .fetch_all(&mut *tx)
                .await
                .map_err(store_error)?;
                sqlx::query("DELETE FROM teaching WHERE user_id = $1")
                    .bind(user)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                for t in teaching {
                    sqlx::query(
                        "INSERT INTO teaching (user_id, class_id, subject) VALUES ($1, $2, $3) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(user)
                    .bind(t.class_id)
                    .bind(&t.subject)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                }
                let before: Vec<_> = before
                    .into_iter()
                    .map(|(c, s)| serde_json::json!({"class_id": c, "subject": s}))
                    .collect();
                let after = serde_json::to_value(teaching).map_err($crate::db::rows::corrupt)?;
                let target = format!("user {username}");
                audit_in(
                    &mut tx,
                    actor,
                    "user.teaching",
                    &target,
                    Some(serde_json::Value::Array(before)),
                    Some(after),
                )
                .await?;
                tx.commit().await.map_err(store_error)
            }

            async fn day_plan(
                &self,
                class: shared::ClassId,
                date: chrono::NaiveDate,
            ) -> $crate::db::StoreResult<$crate::db::plans::StoredDay> {
                let window = shared::Window::new(date, date)
                    .map_err(|e| $crate::db::StoreError::Internal(e.to_string()))?;
                let days = self.plan_days(class, window).await?;
                Ok(days.into_iter().next().map(|(_, d)| d).unwrap_or_default())
            }

            async fn plan_days(
                &self,
                class: shared::ClassId,
                window: shared::Window,
            ) -> $crate::db::StoreResult<Vec<(chrono::NaiveDate, $crate::db::plans::StoredDay)>>
            {
                use $crate::db::plans::{PLAN_COLUMNS, PLAN_DAY_COLUMNS, PlanDayRow, SubjectPlanRow};
                let plans: Vec<SubjectPlanRow> = sqlx::query_as(&format!(
                    "SELECT {PLAN_COLUMNS} FROM subject_plans \
                     WHERE class_id = $1 AND date BETWEEN $2 AND $3 ORDER BY date, subject"
                ))
                .bind(class)
                .bind(window.from())
                .bind(window.to())
                .fetch_all(self.plans_reader())
                .await
                .map_err(store_error)?;
                if plans.is_empty() {
                    return Ok(Vec::new());
                }
                let days: Vec<PlanDayRow> = sqlx::query_as(&format!(
                    "SELECT {PLAN_DAY_COLUMNS} FROM plan_days \
                     WHERE class_id = $1 AND date BETWEEN $2 AND $3 ORDER BY date"
                ))
                .bind(class)
                .bind(window.from())
                .bind(window.to())
                .fetch_all(self.plans_reader())
                .await
                .map_err(store_error)?;
                $crate::db::plans::days_of(plans, days)
            }

            async fn put_plan(
                &self,
                write: $crate::db::plans::PlanWrite,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<$crate::db::plans::PlanOutcome> {
                plans_put(self, write, actor).await
            }

            async fn review_day(
                &self,
                class: shared::ClassId,
                date: chrono::NaiveDate,
                review: &shared::plans::Review,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<Option<$crate::db::plans::StoredDay>> {
                let mut tx = self.plans_begin().await?;
                plans_lock_class(&mut tx, class).await?;
                let changed = sqlx::query(
                    "UPDATE plan_days SET status = $3, review_by = $4, review_at = $5, \
                     review_decision = $6, review_reason = $7 \
                     WHERE class_id = $1 AND date = $2 AND status = 'needs_approval'",
                )
                .bind(class)
                .bind(date)
                .bind(review.decision.status().as_str())
                .bind(&review.by)
                .bind(&review.at)
                .bind(review.decision.as_str())
                .bind(&review.reason)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?
                .rows_affected();
                if changed == 0 {
                    return Ok(None);
                }
                let after = serde_json::to_value(review).map_err($crate::db::rows::corrupt)?;
                let target = format!("class {class} {date}");
                audit_in(&mut tx, actor, "plan.review", &target, None, Some(after)).await?;
                tx.commit().await.map_err(store_error)?;
                self.day_plan(class, date).await.map(Some)
            }

            async fn plan_minutes(
                &self,
                classes: &[shared::ClassId],
                window: shared::Window,
            ) -> $crate::db::StoreResult<
                std::collections::HashMap<
                    shared::ClassId,
                    std::collections::BTreeMap<
                        chrono::NaiveDate,
                        std::collections::BTreeMap<String, u32>,
                    >,
                >,
            > {
                let mut out: std::collections::HashMap<_, std::collections::BTreeMap<_, _>> =
                    Default::default();
                for &class in classes {
                    let rows: Vec<(chrono::NaiveDate, String, i64)> = sqlx::query_as(
                        "SELECT date, subject, expected_minutes FROM subject_plans \
                         WHERE class_id = $1 AND date BETWEEN $2 AND $3 AND expected_minutes > 0",
                    )
                    .bind(class)
                    .bind(window.from())
                    .bind(window.to())
                    .fetch_all(self.plans_reader())
                    .await
                    .map_err(store_error)?;
                    for (date, subject, minutes) in rows {
                        out.entry(class)
                            .or_default()
                            .entry(date)
                            .or_insert_with(std::collections::BTreeMap::new)
                            .insert(subject, u32::try_from(minutes).unwrap_or(0));
                    }
                }
                Ok(out)
            }

            async fn create_notice_link(
                &self,
                class: shared::ClassId,
                token_hash: &[u8],
                created_at: &str,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<$crate::db::plans::NoticeLinkRecord> {
                let mut tx = self.plans_begin().await?;
                let link: $crate::db::plans::NoticeLinkRecord = sqlx::query_as(
                    "INSERT INTO notice_links (class_id, token_hash, created_by, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id, class_id, created_by, created_at",
                )
                .bind(class)
                .bind(token_hash)
                .bind(&actor.username)
                .bind(created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(store_error)?;
                let target = format!("class {class} notice link {}", link.id);
                audit_in(&mut tx, actor, "notice.create", &target, None, None).await?;
                tx.commit().await.map_err(store_error)?;
                Ok(link)
            }

            async fn notice_links(
                &self,
                class: shared::ClassId,
            ) -> $crate::db::StoreResult<Vec<$crate::db::plans::NoticeLinkRecord>> {
                sqlx::query_as(
                    "SELECT id, class_id, created_by, created_at FROM notice_links \
                     WHERE class_id = $1 AND revoked_at IS NULL ORDER BY id",
                )
                .bind(class)
                .fetch_all(self.plans_reader())
                .await
                .map_err(store_error)
            }

            async fn revoke_notice_link(
                &self,
                class: shared::ClassId,
                id: i64,
                at: &str,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<bool> {
                let mut tx = self.plans_begin().await?;
                let changed = sqlx::query(
                    "UPDATE notice_links SET revoked_at = COALESCE(revoked_at, $3) \
                     WHERE class_id = $1 AND id = $2",
                )
                .bind(class)
                .bind(id)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?
                .rows_affected();
                if changed == 0 {
                    return Ok(false);
                }
                let target = format!("class {class} notice link {id}");
                audit_in(&mut tx, actor, "notice.revoke", &target, None, None).await?;
                tx.commit().await.map_err(store_error)?;
                Ok(true)
            }

            async fn notice_class(
                &self,
                token_hash: &[u8],
            ) -> $crate::db::StoreResult<Option<shared::ClassId>> {
                sqlx::query_scalar(
                    "SELECT class_id FROM notice_links WHERE token_hash = $1 AND revoked_at IS NULL",
                )
                .bind(token_hash)
                .fetch_optional(self.plans_reader())
                .await
                .map_err(store_error)
            }
        }
    };
}

pub(super) use impl_plans;
