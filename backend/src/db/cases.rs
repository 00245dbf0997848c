//! Storage of cases (整改闭环) and spot checks (随机抽查): the [`CaseStore`] trait, and one
//! implementation written once ([`case_store_impl!`]) for both databases, whose SQL and column
//! types agree (dates are `YYYY-MM-DD` text in these tables on both).
//!
//! A case or a spot check is one row: the columns lists filter on, and `body`, its whole JSON.
//! Every change names the `version` it read; a change that lost a race stores nothing and says
//! so, and the caller reads again and retries (two rechecks of one case cannot both count).

use async_trait::async_trait;
use chrono::NaiveDate;
use shared::cases::Case;
use shared::spot_checks::SpotCheck;
use shared::{ClassId, Grade, SchoolId};

use super::{Actor, StoreResult};

/// Which of a school's cases to list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<String>,
    pub grade: Option<Grade>,
    pub class_id: Option<ClassId>,
}

/// A stored case or spot check with the version a change must name.
#[derive(Debug, Clone)]
pub struct Versioned<T> {
    pub value: T,
    pub version: i64,
}

#[async_trait]
pub trait CaseStore: Send + Sync + 'static {
    /// Stores a new case (its `id` is assigned), audited as `case.open`; or, when a live case
    /// of that class, kind and subject exists, stores nothing and answers that case.
    async fn open_case(&self, case: &Case, actor: &Actor) -> StoreResult<Result<Case, Case>>;
    async fn case(&self, id: i64) -> StoreResult<Option<Versioned<Case>>>;
    /// A school's cases, newest first (`opened_at`).
    async fn cases(&self, school: SchoolId, filter: &CaseFilter) -> StoreResult<Vec<Case>>;
    /// Stores a changed case if it is still at `version`, with its audit entry (`action`);
    /// whether it was stored.
    async fn update_case(
        &self,
        case: &Case,
        version: i64,
        action: &str,
        actor: &Actor,
    ) -> StoreResult<bool>;
    /// Claims the morning's automatic recheck of a school for `day`: true for exactly one
    /// caller, whatever the number of servers.
    async fn claim_case_sweep(
        &self,
        school: SchoolId,
        day: NaiveDate,
        at: &str,
    ) -> StoreResult<bool>;
    /// Records a draw (its `id` is assigned), audited as `spot_check.draw`.
    async fn create_spot_check(&self, check: &SpotCheck, actor: &Actor) -> StoreResult<SpotCheck>;
    async fn spot_check(&self, id: i64) -> StoreResult<Option<Versioned<SpotCheck>>>;
    /// A school's spot checks dated in `[from, to]`, newest date first.
    async fn spot_checks(
        &self,
        school: SchoolId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<SpotCheck>>;
    /// Stores a spot check's observations if it is still at `version`; whether it was stored.
    async fn update_spot_check(
        &self,
        check: &SpotCheck,
        version: i64,
        actor: &Actor,
    ) -> StoreResult<bool>;
}

pub(super) const INSERT_CASE: &str = "INSERT INTO cases \
    (school_id, class_id, grade, kind, subject, status, opened_at, version, body) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) RETURNING id";
pub(super) const LIVE_CASE: &str = "SELECT id, version, body FROM cases \
    WHERE class_id = $1 AND kind = $2 AND subject = $3 AND status <> 'resolved'";
pub(super) const CASE_BY_ID: &str = "SELECT id, version, body FROM cases WHERE id = $1";
pub(super) const CASES_OF_SCHOOL: &str = "SELECT id, version, body FROM cases \
    WHERE school_id = $1 AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR grade = $3) \
    AND ($4 IS NULL OR class_id = $4) ORDER BY opened_at DESC, id DESC";
pub(super) const UPDATE_CASE: &str = "UPDATE cases SET status = $1, body = $2, \
    version = version + 1 WHERE id = $3 AND version = $4";
pub(super) const CLAIM_SWEEP: &str =
    "INSERT INTO case_sweeps (school_id, day, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
pub(super) const INSERT_SPOT_CHECK: &str = "INSERT INTO spot_checks \
    (school_id, date, drawn_at, version, body) VALUES ($1, $2, $3, 1, $4) RETURNING id";
pub(super) const SPOT_CHECK_BY_ID: &str = "SELECT id, version, body FROM spot_checks WHERE id = $1";
pub(super) const SPOT_CHECKS_OF_SCHOOL: &str = "SELECT id, version, body FROM spot_checks \
    WHERE school_id = $1 AND date >= $2 AND date <= $3 ORDER BY date DESC, id DESC";
pub(super) const UPDATE_SPOT_CHECK: &str =
    "UPDATE spot_checks SET body = $1, version = version + 1 WHERE id = $2 AND version = $3";

/// The one row decoder of a case.
pub(super) fn case_from_row(
    (id, version, body): (i64, i64, String),
) -> StoreResult<Versioned<Case>> {
    let mut value: Case = serde_json::from_str(&body)
        .map_err(|e| super::StoreError::Internal(format!("case {id} is unreadable: {e}")))?;
    value.id = id;
    Ok(Versioned { value, version })
}

/// The one row decoder of a spot check.
pub(super) fn spot_check_from_row(
    (id, version, body): (i64, i64, String),
) -> StoreResult<Versioned<SpotCheck>> {
    let mut value: SpotCheck = serde_json::from_str(&body)
        .map_err(|e| super::StoreError::Internal(format!("spot check {id} is unreadable: {e}")))?;
    value.id = id;
    Ok(Versioned { value, version })
}

pub(super) fn body_of<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| super::StoreError::Internal(e.to_string()))
}

/// The implementation of [`CaseStore`] for a store type, written once: `$read` is its reading
/// pool, `$begin` opens a writing transaction; `audit_in`, `store_error` and `db_text` are the
/// database module's own, resolved where the macro is used.
macro_rules! case_store_impl {
    ($store:ty, read = |$r:ident| $read:expr, begin = |$b:ident| $begin:expr) => {
        #[async_trait::async_trait]
        impl $crate::db::cases::CaseStore for $store {
            async fn open_case(
                &self,
                case: &shared::cases::Case,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<Result<shared::cases::Case, shared::cases::Case>> {
                use $crate::db::cases::*;
                let subject = case.subject.clone().unwrap_or_default();
                let $b = self;
                let mut tx = $begin.await?;
                let live: Option<(i64, i64, String)> = sqlx::query_as(LIVE_CASE)
                    .bind(case.class_id)
                    .bind(&case.kind)
                    .bind(&subject)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(store_error)?;
                if let Some(row) = live {
                    return Ok(Err(case_from_row(row)?.value));
                }
                let body = db_text(&body_of(case)?);
                let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(INSERT_CASE)
                    .bind(case.school_id)
                    .bind(case.class_id)
                    .bind(i64::from(case.grade.get()))
                    .bind(&case.kind)
                    .bind(&subject)
                    .bind(case.status.as_str())
                    .bind(&case.opened_at)
                    .bind(&body)
                    .fetch_one(&mut *tx)
                    .await;
                let id = match inserted {
                    Ok(id) => id,
                    Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                        drop(tx);
                        // Another request opened the same case a moment ago.
                        let $r = self;
                        let row: Option<(i64, i64, String)> = sqlx::query_as(LIVE_CASE)
                            .bind(case.class_id)
                            .bind(&case.kind)
                            .bind(&subject)
                            .fetch_optional($read)
                            .await
                            .map_err(store_error)?;
                        return match row {
                            Some(row) => Ok(Err(case_from_row(row)?.value)),
                            None => Err($crate::db::StoreError::Unavailable(
                                "a case of this class and kind was being opened".into(),
                            )),
                        };
                    }
                    Err(e) => return Err(store_error(e)),
                };
                let mut stored = case.clone();
                stored.id = id;
                let after = serde_json::to_value(&stored).ok();
                audit_in(&mut tx, actor, "case.open", &format!("case {id}"), None, after).await?;
                tx.commit().await.map_err(store_error)?;
                Ok(Ok(stored))
            }

            async fn case(
                &self,
                id: i64,
            ) -> $crate::db::StoreResult<Option<$crate::db::cases::Versioned<shared::cases::Case>>>
            {
                use $crate::db::cases::*;
                let $r = self;
                let row: Option<(i64, i64, String)> = sqlx::query_as(CASE_BY_ID)
                    .bind(id)
                    .fetch_optional($read)
                    .await
                    .map_err(store_error)?;
                row.map(case_from_row).transpose()
            }

            async fn cases(
                &self,
                school: shared::SchoolId,
                filter: &$crate::db::cases::CaseFilter,
            ) -> $crate::db::StoreResult<Vec<shared::cases::Case>> {
                use $crate::db::cases::*;
                let $r = self;
                let rows: Vec<(i64, i64, String)> = sqlx::query_as(CASES_OF_SCHOOL)
                    .bind(school)
                    .bind(filter.status.as_deref())
                    .bind(filter.grade.map(|g| i64::from(g.get())))
                    .bind(filter.class_id)
                    .fetch_all($read)
                    .await
                    .map_err(store_error)?;
                rows.into_iter().map(|r| case_from_row(r).map(|v| v.value)).collect()
            }

            async fn update_case(
                &self,
                case: &shared::cases::Case,
                version: i64,
                action: &str,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<bool> {
                use $crate::db::cases::*;
                let $b = self;
                let mut tx = $begin.await?;
                let body = db_text(&body_of(case)?);
                let done = sqlx::query(UPDATE_CASE)
                    .bind(case.status.as_str())
                    .bind(&body)
                    .bind(case.id)
                    .bind(version)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?
                    .rows_affected();
                if done == 0 {
                    return Ok(false);
                }
                let after = serde_json::to_value(case).ok();
                audit_in(&mut tx, actor, action, &format!("case {}", case.id), None, after).await?;
                tx.commit().await.map_err(store_error)?;
                Ok(true)
            }

            async fn claim_case_sweep(
                &self,
                school: shared::SchoolId,
                day: chrono::NaiveDate,
                at: &str,
            ) -> $crate::db::StoreResult<bool> {
                use $crate::db::cases::*;
                let $b = self;
                let mut tx = $begin.await?;
                let claimed = sqlx::query(CLAIM_SWEEP)
                    .bind(school)
                    .bind(day.to_string())
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?
                    .rows_affected();
                tx.commit().await.map_err(store_error)?;
                Ok(claimed == 1)
            }

            async fn create_spot_check(
                &self,
                check: &shared::spot_checks::SpotCheck,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<shared::spot_checks::SpotCheck> {
                use $crate::db::cases::*;
                let $b = self;
                let mut tx = $begin.await?;
                let body = db_text(&body_of(check)?);
                let id: i64 = sqlx::query_scalar(INSERT_SPOT_CHECK)
                    .bind(check.school_id)
                    .bind(check.date.to_string())
                    .bind(&check.drawn_at)
                    .bind(&body)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let mut stored = check.clone();
                stored.id = id;
                let after = serde_json::to_value(&stored).ok();
                let target = format!("spot check {id}");
                audit_in(&mut tx, actor, "spot_check.draw", &target, None, after).await?;
                tx.commit().await.map_err(store_error)?;
                Ok(stored)
            }

            async fn spot_check(
                &self,
                id: i64,
            ) -> $crate::db::StoreResult<
                Option<$crate::db::cases::Versioned<shared::spot_checks::SpotCheck>>,
            > {
                use $crate::db::cases::*;
                let $r = self;
                let row: Option<(i64, i64, String)> = sqlx::query_as(SPOT_CHECK_BY_ID)
                    .bind(id)
                    .fetch_optional($read)
                    .await
                    .map_err(store_error)?;
                row.map(spot_check_from_row).transpose()
            }

            async fn spot_checks(
                &self,
                school: shared::SchoolId,
                from: chrono::NaiveDate,
                to: chrono::NaiveDate,
            ) -> $crate::db::StoreResult<Vec<shared::spot_checks::SpotCheck>> {
                use $crate::db::cases::*;
                let $r = self;
                let rows: Vec<(i64, i64, String)> = sqlx::query_as(SPOT_CHECKS_OF_SCHOOL)
                    .bind(school)
                    .bind(from.to_string())
                    .bind(to.to_string())
                    .fetch_all($read)
                    .await
                    .map_err(store_error)?;
                rows.into_iter().map(|r| spot_check_from_row(r).map(|v| v.value)).collect()
            }

            async fn update_spot_check(
                &self,
                check: &shared::spot_checks::SpotCheck,
                version: i64,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<bool> {
                use $crate::db::cases::*;
                let $b = self;
                let mut tx = $begin.await?;
                let body = db_text(&body_of(check)?);
                let done = sqlx::query(UPDATE_SPOT_CHECK)
                    .bind(&body)
                    .bind(check.id)
                    .bind(version)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?
                    .rows_affected();
                if done == 0 {
                    return Ok(false);
                }
                let after = serde_json::to_value(check).ok();
                let target = format!("spot check {}", check.id);
                audit_in(&mut tx, actor, "spot_check.observe", &target, None, after).await?;
                tx.commit().await.map_err(store_error)?;
                Ok(true)
            }
        }
    };
}

pub(super) use case_store_impl;
