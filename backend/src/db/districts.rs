//! Districts: the store's part ([`Districts`], implemented by both databases in
//! `sqlite/districts.rs` and `postgres/districts.rs`), the SQL both dialects share, and the
//! live report events of the districts' wall screens ([`Events`]).
//!
//! Events: a stored day report is handed to [`Districts::publish_report`], which never waits (a
//! bounded queue; when it is full the event is dropped and logged: a slow database must not
//! hold up or grow a report's write). A task per server drains the queue, adds each report's
//! district (cached: a school never changes district) and delivers it: on SQLite (one process)
//! straight to a broadcast channel; on PostgreSQL through `pg_notify`, which every copy of the
//! server `LISTEN`s to and feeds into its own broadcast channel, so that a screen connected to
//! one copy sees the reports stored through another. Screens subscribe to the broadcast channel,
//! whose buffer is bounded too: a screen that falls behind skips what it missed.

use super::{Account, Actor, NewAccount, School, SchoolGrade, StoreResult};
use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shared::api::ClassInfo;
use shared::district::{DistrictId, ReportEvent};
use shared::{ClassId, Grade, SchoolId, Window};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock, PoisonError};
use tokio::sync::{broadcast, mpsc};

/// A district.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct District {
    pub id: DistrictId,
    pub name: String,
}

/// A school of a district with its active classes counted.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictSchoolRow {
    pub school: School,
    pub class_count: u32,
}

/// A school's day as a district's coverage reads it: its active classes, its holidays on the
/// date (none or the date itself), and which of its classes reported that date.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolDay {
    pub school: School,
    pub classes: Vec<ClassInfo>,
    pub holidays: BTreeSet<NaiveDate>,
    pub reported: BTreeSet<ClassId>,
    /// Those of `reported` whose total is over the daily limit of its grade, by the school's
    /// policy.
    pub over_limit: BTreeSet<ClassId>,
}

/// A report event with its school's district, as it travels between copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictEvent {
    pub district_id: DistrictId,
    #[serde(flatten)]
    pub report: ReportEvent,
}

/// Districts, their schools, and what their boards read.
#[async_trait]
pub trait Districts: Send + Sync + 'static {
    /// Creates a district and its first `district_admin` (`admin.school_id` is ignored).
    async fn create_district(
        &self,
        name: &str,
        admin: NewAccount,
        actor: &Actor,
    ) -> StoreResult<(District, Account)>;
    async fn district(&self, id: DistrictId) -> StoreResult<Option<District>>;
    async fn district_by_name(&self, name: &str) -> StoreResult<Option<District>>;
    /// Creates a school of a district with the default policy and its first admin, in one
    /// transaction.
    async fn create_district_school(
        &self,
        district: DistrictId,
        name: &str,
        admin: NewAccount,
        actor: &Actor,
    ) -> StoreResult<(School, Account)>;
    /// Puts a school that is in no district into one (the demo's school); a school already in a
    /// district stays where it is.
    async fn join_district(
        &self,
        district: DistrictId,
        school: SchoolId,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// The district of a school (`None`: no such school, or one in no district).
    async fn district_of_school(&self, school: SchoolId) -> StoreResult<Option<DistrictId>>;
    /// The ids of a district's schools, ascending.
    async fn district_school_ids(&self, district: DistrictId) -> StoreResult<Vec<SchoolId>>;
    /// A district's schools by id, with their active classes counted.
    async fn district_schools(&self, district: DistrictId) -> StoreResult<Vec<DistrictSchoolRow>>;
    /// Every school of a district, ordered by id, with its policy, its active classes of the
    /// grade (by name; none for a school without the grade) and its holidays in the window.
    async fn district_grade(
        &self,
        district: DistrictId,
        grade: Grade,
        window: Window,
    ) -> StoreResult<Vec<SchoolGrade>>;
    /// The classes of every school of a district (archived ones too if asked), ordered by
    /// school, grade and name.
    async fn district_classes(
        &self,
        district: DistrictId,
        include_archived: bool,
    ) -> StoreResult<Vec<ClassInfo>>;
    /// Every school of a district, ordered by id, as its coverage of `date` reads it.
    async fn district_day(
        &self,
        district: DistrictId,
        date: NaiveDate,
    ) -> StoreResult<Vec<SchoolDay>>;
    /// Hands a stored day report to the district screens; never waits.
    fn publish_report(&self, event: ReportEvent);
    /// The live events of every district (a screen keeps those of its own).
    async fn subscribe_reports(&self) -> StoreResult<broadcast::Receiver<DistrictEvent>>;
}

pub(super) const DISTRICT_BY_ID: &str = "SELECT id, name FROM districts WHERE id = $1";
pub(super) const DISTRICT_BY_NAME: &str = "SELECT id, name FROM districts WHERE name = $1";
pub(super) const INSERT_DISTRICT: &str =
    "INSERT INTO districts (name, created_at) VALUES ($1, $2) RETURNING id, name";
pub(super) const INSERT_DISTRICT_ADMIN: &str = "INSERT INTO users \
    (school_id, district_id, username, display_name, role, password_hash, created_at) \
    VALUES (NULL, $1, $2, $3, 'district_admin', $4, $5) RETURNING id";
pub(super) const JOIN_DISTRICT: &str =
    "UPDATE schools SET district_id = $1 WHERE id = $2 AND district_id IS NULL RETURNING name";
pub(super) const SCHOOL_DISTRICT: &str = "SELECT district_id FROM schools WHERE id = $1";
pub(super) const DISTRICT_SCHOOL_IDS: &str =
    "SELECT id FROM schools WHERE district_id = $1 ORDER BY id";
pub(super) const DISTRICT_SCHOOLS: &str = "SELECT s.id, s.name, s.utc_offset_minutes, \
    (SELECT COUNT(*) FROM classes c WHERE c.school_id = s.id AND c.archived_at IS NULL) \
    AS class_count FROM schools s WHERE s.district_id = $1 ORDER BY s.id";
pub(super) const DISTRICT_SCHOOL_POLICIES: &str = "SELECT id, name, utc_offset_minutes, \
    CAST(policy AS TEXT) AS policy FROM schools WHERE district_id = $1 ORDER BY id";
pub(super) const DISTRICT_GRADE_CLASSES: &str = "SELECT id, school_id, grade, name, \
    archived_at IS NOT NULL AS archived FROM classes WHERE grade = $1 AND archived_at IS NULL \
    AND school_id IN (SELECT id FROM schools WHERE district_id = $2) ORDER BY school_id, name";
pub(super) const DISTRICT_HOLIDAYS: &str = "SELECT school_id, date FROM holidays \
    WHERE date BETWEEN $1 AND $2 AND school_id IN (SELECT id FROM schools WHERE district_id = $3)";
pub(super) const DISTRICT_ACTIVE_CLASSES: &str = "SELECT id, school_id, grade, name, \
    archived_at IS NOT NULL AS archived FROM classes WHERE archived_at IS NULL \
    AND school_id IN (SELECT id FROM schools WHERE district_id = $1) ORDER BY school_id, name";
pub(super) const DISTRICT_CLASSES: &str = "SELECT id, school_id, grade, name, \
    archived_at IS NOT NULL AS archived FROM classes \
    WHERE school_id IN (SELECT id FROM schools WHERE district_id = $1) \
    AND ($2 OR archived_at IS NULL) ORDER BY school_id, grade, name";
pub(super) const DISTRICT_REPORTED: &str = "SELECT r.class_id, r.total_minutes FROM day_reports r \
    JOIN classes c ON c.id = r.class_id JOIN schools s ON s.id = c.school_id \
    WHERE s.district_id = $1 AND r.date = $2";
/// `pg_notify` of a batch of events (PostgreSQL only).
pub(super) const NOTIFY_BATCH: &str =
    "SELECT pg_notify('hw_report_events', p) FROM UNNEST($1::text[]) AS p";
pub(super) const EVENT_CHANNEL: &str = "hw_report_events";

/// Puts together [`Districts::district_grade`]'s answer: every school, with its classes and
/// holidays.
pub(super) fn district_grade_parts(
    schools: Vec<(School, shared::Policy)>,
    classes: Vec<ClassInfo>,
    holidays: Vec<(SchoolId, NaiveDate)>,
) -> Vec<SchoolGrade> {
    let mut by_school: BTreeMap<SchoolId, SchoolGrade> = schools
        .into_iter()
        .map(|(school, policy)| {
            let id = school.id;
            let grade = SchoolGrade {
                school,
                policy,
                classes: Vec::new(),
                holidays: BTreeSet::new(),
                makeup_days: BTreeSet::new(),
                class_starts: HashMap::new(),
            };
            (id, grade)
        })
        .collect();
    for class in classes {
        if let Some(g) = by_school.get_mut(&class.school_id) {
            g.classes.push(class);
        }
    }
    for (school, date) in holidays {
        if let Some(g) = by_school.get_mut(&school) {
            g.holidays.insert(date);
        }
    }
    by_school.into_values().collect()
}

/// Puts together [`Districts::district_day`]'s answer.
pub(super) fn district_day_parts(
    schools: Vec<(School, shared::Policy)>,
    classes: Vec<ClassInfo>,
    holidays: Vec<(SchoolId, NaiveDate)>,
    reported: Vec<(ClassId, i32)>,
) -> Vec<SchoolDay> {
    let reported: HashMap<ClassId, i32> = reported.into_iter().collect();
    let mut policies: HashMap<SchoolId, shared::Policy> = HashMap::new();
    let mut by_school: BTreeMap<SchoolId, SchoolDay> = schools
        .into_iter()
        .map(|(school, policy)| {
            policies.insert(school.id, policy);
            let day = SchoolDay {
                school: school.clone(),
                classes: Vec::new(),
                holidays: BTreeSet::new(),
                reported: BTreeSet::new(),
                over_limit: BTreeSet::new(),
            };
            (school.id, day)
        })
        .collect();
    for class in classes {
        if let Some(d) = by_school.get_mut(&class.school_id) {
            if let Some(&total) = reported.get(&class.id) {
                d.reported.insert(class.id);
                let limit = policies.get(&class.school_id).map(|p| p.limit(class.grade));
                if limit.is_some_and(|limit| i64::from(total) > i64::from(limit)) {
                    d.over_limit.insert(class.id);
                }
            }
            d.classes.push(class);
        }
    }
    for (school, date) in holidays {
        if let Some(d) = by_school.get_mut(&school) {
            d.holidays.insert(date);
        }
    }
    by_school.into_values().collect()
}

/// A school row with its policy as text ([`DISTRICT_SCHOOL_POLICIES`]).
#[derive(sqlx::FromRow)]
pub(super) struct SchoolPolicy {
    pub(super) id: SchoolId,
    pub(super) name: String,
    pub(super) utc_offset_minutes: i32,
    pub(super) policy: String,
}

impl SchoolPolicy {
    /// The schools with their policies parsed (once per distinct text, by the store's cache).
    pub(super) fn read_all(
        rows: Vec<SchoolPolicy>,
        policies: &super::rows::PolicyCache,
    ) -> StoreResult<Vec<(School, shared::Policy)>> {
        rows.into_iter()
            .map(|s| {
                let policy = policies.policy(&s.policy)?;
                let school =
                    School { id: s.id, name: s.name, utc_offset_minutes: s.utc_offset_minutes };
                Ok((school, shared::Policy::clone(&policy)))
            })
            .collect()
    }
}

/// The implementation of [`Districts`] for a store type, written once with the same SQL:
/// `$read` is its reading pool, `$begin` opens a writing transaction, `$snapshot` a read-only
/// transaction whose reads see one state of the database, and `$insert_school` is the
/// district's new school's `INSERT` (its policy a JSON parameter, which PostgreSQL casts).
/// `$($events)*` are the two methods of the live events, which each database delivers its own
/// way. `account_in`, `insert_account`, `audit_in`, `store_error`, `corrupt` and `ClassRow` are
/// the database module's own, resolved where the macro is used.
macro_rules! districts_impl {
    ($store:ty, read = |$r:ident| $read:expr, begin = |$b:ident| $begin:expr,
     snapshot = |$s:ident| $snapshot:expr, insert_school = $insert_school:expr,
     events = { $($events:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::db::districts::Districts for $store {
            async fn create_district(
                &self,
                name: &str,
                admin: $crate::db::NewAccount,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<($crate::db::districts::District, $crate::db::Account)>
            {
                use $crate::db::districts::*;
                let $b = self;
                let mut tx = $begin.await?;
                let district: District = sqlx::query_as(INSERT_DISTRICT)
                    .bind(name)
                    .bind(&actor.at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let id: shared::UserId = sqlx::query_scalar(INSERT_DISTRICT_ADMIN)
                    .bind(district.id)
                    .bind(&admin.username)
                    .bind(&admin.display_name)
                    .bind(&admin.password_hash)
                    .bind(&actor.at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let account =
                    account_in(&mut tx, id).await?.ok_or_else(|| corrupt("no new admin"))?;
                let after = serde_json::json!({"name": district.name, "admin": account.username});
                audit_in(&mut tx, actor, "district.create", &district.name, None, Some(after))
                    .await?;
                tx.commit().await.map_err(store_error)?;
                Ok((district, account))
            }

            async fn district(
                &self,
                id: shared::district::DistrictId,
            ) -> $crate::db::StoreResult<Option<$crate::db::districts::District>> {
                let $r = self;
                sqlx::query_as($crate::db::districts::DISTRICT_BY_ID)
                    .bind(id)
                    .fetch_optional($read)
                    .await
                    .map_err(store_error)
            }

            async fn district_by_name(
                &self,
                name: &str,
            ) -> $crate::db::StoreResult<Option<$crate::db::districts::District>> {
                let $r = self;
                sqlx::query_as($crate::db::districts::DISTRICT_BY_NAME)
                    .bind(name)
                    .fetch_optional($read)
                    .await
                    .map_err(store_error)
            }

            async fn create_district_school(
                &self,
                district: shared::district::DistrictId,
                name: &str,
                admin: $crate::db::NewAccount,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<($crate::db::School, $crate::db::Account)> {
                use $crate::db::{Actor, NewAccount, School};
                let policy =
                    serde_json::to_string(&shared::Policy::default()).map_err(corrupt)?;
                let $b = self;
                let mut tx = $begin.await?;
                let school: School = sqlx::query_as($insert_school)
                    .bind(name)
                    .bind(policy)
                    .bind(&actor.at)
                    .bind(district)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let id =
                    insert_account(&mut tx, &NewAccount { school_id: school.id, ..admin }, &actor.at)
                        .await?;
                let account =
                    account_in(&mut tx, id).await?.ok_or_else(|| corrupt("no new admin"))?;
                let actor = Actor { school_id: Some(school.id), ..actor.clone() };
                let after = serde_json::json!(
                    {"name": school.name, "admin": account.username, "district_id": district}
                );
                audit_in(&mut tx, &actor, "school.create", &school.name, None, Some(after))
                    .await?;
                tx.commit().await.map_err(store_error)?;
                Ok((school, account))
            }

            async fn join_district(
                &self,
                district: shared::district::DistrictId,
                school: shared::SchoolId,
                actor: &$crate::db::Actor,
            ) -> $crate::db::StoreResult<()> {
                let $b = self;
                let mut tx = $begin.await?;
                let joined: Option<String> =
                    sqlx::query_scalar($crate::db::districts::JOIN_DISTRICT)
                        .bind(district)
                        .bind(school)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(store_error)?;
                if let Some(name) = joined {
                    let after = serde_json::json!({"district_id": district});
                    audit_in(&mut tx, actor, "school.district", &name, None, Some(after)).await?;
                }
                tx.commit().await.map_err(store_error)
            }

            async fn district_of_school(
                &self,
                school: shared::SchoolId,
            ) -> $crate::db::StoreResult<Option<shared::district::DistrictId>> {
                let $r = self;
                let found: Option<Option<shared::district::DistrictId>> =
                    sqlx::query_scalar($crate::db::districts::SCHOOL_DISTRICT)
                        .bind(school)
                        .fetch_optional($read)
                        .await
                        .map_err(store_error)?;
                Ok(found.flatten())
            }

            async fn district_school_ids(
                &self,
                district: shared::district::DistrictId,
            ) -> $crate::db::StoreResult<Vec<shared::SchoolId>> {
                let $r = self;
                sqlx::query_scalar($crate::db::districts::DISTRICT_SCHOOL_IDS)
                    .bind(district)
                    .fetch_all($read)
                    .await
                    .map_err(store_error)
            }

            async fn district_schools(
                &self,
                district: shared::district::DistrictId,
            ) -> $crate::db::StoreResult<Vec<$crate::db::districts::DistrictSchoolRow>> {
                use $crate::db::districts::*;
                let $r = self;
                let rows: Vec<(shared::SchoolId, String, i32, i64)> =
                    sqlx::query_as(DISTRICT_SCHOOLS)
                        .bind(district)
                        .fetch_all($read)
                        .await
                        .map_err(store_error)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, name, utc_offset_minutes, n)| DistrictSchoolRow {
                        school: $crate::db::School { id, name, utc_offset_minutes },
                        class_count: u32::try_from(n).unwrap_or(0),
                    })
                    .collect())
            }

            async fn district_grade(
                &self,
                district: shared::district::DistrictId,
                grade: shared::Grade,
                window: shared::Window,
            ) -> $crate::db::StoreResult<Vec<$crate::db::SchoolGrade>> {
                use $crate::db::districts::*;
                use $crate::db::StoreResult;
                // One read transaction: the three reads see one state of the database.
                let $s = self;
                let mut tx = $snapshot.await?;
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
                let holidays: Vec<(shared::SchoolId, chrono::NaiveDate)> =
                    sqlx::query_as(DISTRICT_HOLIDAYS)
                        .bind(window.from())
                        .bind(window.to())
                        .bind(district)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(store_error)?;
                tx.rollback().await.map_err(store_error)?;
                let schools = SchoolPolicy::read_all(schools, &self.policies)?;
                let classes =
                    classes.into_iter().map(ClassRow::class).collect::<StoreResult<Vec<_>>>()?;
                Ok(district_grade_parts(schools, classes, holidays))
            }

            async fn district_classes(
                &self,
                district: shared::district::DistrictId,
                include_archived: bool,
            ) -> $crate::db::StoreResult<Vec<shared::api::ClassInfo>> {
                let $r = self;
                let rows: Vec<ClassRow> = sqlx::query_as($crate::db::districts::DISTRICT_CLASSES)
                    .bind(district)
                    .bind(include_archived)
                    .fetch_all($read)
                    .await
                    .map_err(store_error)?;
                rows.into_iter().map(ClassRow::class).collect()
            }

            async fn district_day(
                &self,
                district: shared::district::DistrictId,
                date: chrono::NaiveDate,
            ) -> $crate::db::StoreResult<Vec<$crate::db::districts::SchoolDay>> {
                use $crate::db::districts::*;
                use $crate::db::StoreResult;
                let $s = self;
                let mut tx = $snapshot.await?;
                let schools: Vec<SchoolPolicy> = sqlx::query_as(DISTRICT_SCHOOL_POLICIES)
                    .bind(district)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let classes: Vec<ClassRow> = sqlx::query_as(DISTRICT_ACTIVE_CLASSES)
                    .bind(district)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let holidays: Vec<(shared::SchoolId, chrono::NaiveDate)> =
                    sqlx::query_as(DISTRICT_HOLIDAYS)
                        .bind(date)
                        .bind(date)
                        .bind(district)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(store_error)?;
                let reported: Vec<(shared::ClassId, i32)> = sqlx::query_as(DISTRICT_REPORTED)
                    .bind(district)
                    .bind(date)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(store_error)?;
                tx.rollback().await.map_err(store_error)?;
                let schools = SchoolPolicy::read_all(schools, &self.policies)?;
                let classes =
                    classes.into_iter().map(ClassRow::class).collect::<StoreResult<Vec<_>>>()?;
                Ok(district_day_parts(schools, classes, holidays, reported))
            }

            $($events)*
        }
    };
}
pub(super) use districts_impl;

/// The most events waiting to be delivered; past it new ones are dropped.
const QUEUE: usize = 8_192;
/// The most events a screen may fall behind before it skips.
const SCREEN_BUFFER: usize = 1_024;
/// The most events delivered in one batch (one `pg_notify` statement).
const BATCH: usize = 256;

/// The live events of one server: the queue of reports to deliver, the broadcast channel
/// screens subscribe to, and the schools' districts as met.
pub(super) struct Events {
    local: broadcast::Sender<DistrictEvent>,
    queue: OnceLock<mpsc::Sender<ReportEvent>>,
    /// PostgreSQL: whether this copy listens to the other copies' events yet.
    pub(super) listening: tokio::sync::OnceCell<()>,
    districts: Mutex<HashMap<SchoolId, Option<DistrictId>>>,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            local: broadcast::channel(SCREEN_BUFFER).0,
            queue: OnceLock::new(),
            listening: tokio::sync::OnceCell::new(),
            districts: Mutex::new(HashMap::new()),
        }
    }
}

impl Events {
    /// Queues an event, starting the delivering task with `start` the first time.
    pub(super) fn publish(
        &self,
        event: ReportEvent,
        start: impl FnOnce(mpsc::Receiver<ReportEvent>),
    ) {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            start(rx);
            tx
        });
        if let Err(e) = queue.try_send(event) {
            tracing::warn!(error = %e, "a report event was dropped: the district screens' queue is full");
        }
    }

    pub(super) fn sender(&self) -> broadcast::Sender<DistrictEvent> {
        self.local.clone()
    }

    pub(super) fn subscribe(&self) -> broadcast::Receiver<DistrictEvent> {
        self.local.subscribe()
    }

    /// The district of a school if already met.
    pub(super) fn known_district(&self, school: SchoolId) -> Option<Option<DistrictId>> {
        self.lock().get(&school).copied()
    }

    pub(super) fn remember_district(&self, school: SchoolId, district: Option<DistrictId>) {
        let mut known = self.lock();
        if known.len() > 100_000 {
            known.clear();
        }
        known.insert(school, district);
    }

    /// The district of a report's school: as met, else read by `lookup` (the school's
    /// [`SCHOOL_DISTRICT`]) and remembered; `None` when the school has none or the read failed
    /// (the event is dropped and logged).
    pub(super) async fn district_of(
        &self,
        school: SchoolId,
        lookup: impl std::future::Future<Output = Result<Option<Option<DistrictId>>, sqlx::Error>>,
    ) -> Option<DistrictId> {
        if let Some(known) = self.known_district(school) {
            return known;
        }
        match lookup.await {
            Ok(d) => {
                self.remember_district(school, d.flatten());
                d.flatten()
            }
            Err(e) => {
                tracing::warn!(error = %e, "a report event was dropped");
                None
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SchoolId, Option<DistrictId>>> {
        self.districts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Takes up to [`BATCH`] queued events (waiting for the first); `None` once the queue is closed.
pub(super) async fn next_batch(rx: &mut mpsc::Receiver<ReportEvent>) -> Option<Vec<ReportEvent>> {
    let mut batch = Vec::with_capacity(BATCH);
    (rx.recv_many(&mut batch, BATCH).await > 0).then_some(batch)
}
