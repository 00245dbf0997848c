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
pub(super) const DISTRICT_SCHOOLS_PLAIN: &str =
    "SELECT id, name, utc_offset_minutes FROM schools WHERE district_id = $1 ORDER BY id";
pub(super) const DISTRICT_ACTIVE_CLASSES: &str = "SELECT id, school_id, grade, name, \
    archived_at IS NOT NULL AS archived FROM classes WHERE archived_at IS NULL \
    AND school_id IN (SELECT id FROM schools WHERE district_id = $1) ORDER BY school_id, name";
pub(super) const DISTRICT_CLASSES: &str = "SELECT id, school_id, grade, name, \
    archived_at IS NOT NULL AS archived FROM classes \
    WHERE school_id IN (SELECT id FROM schools WHERE district_id = $1) \
    AND ($2 OR archived_at IS NULL) ORDER BY school_id, grade, name";
pub(super) const DISTRICT_REPORTED: &str = "SELECT r.class_id FROM day_reports r \
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
    schools: Vec<School>,
    classes: Vec<ClassInfo>,
    holidays: Vec<(SchoolId, NaiveDate)>,
    reported: Vec<ClassId>,
) -> Vec<SchoolDay> {
    let reported: BTreeSet<ClassId> = reported.into_iter().collect();
    let mut by_school: BTreeMap<SchoolId, SchoolDay> = schools
        .into_iter()
        .map(|school| {
            let day = SchoolDay {
                school: school.clone(),
                classes: Vec::new(),
                holidays: BTreeSet::new(),
                reported: BTreeSet::new(),
            };
            (school.id, day)
        })
        .collect();
    for class in classes {
        if let Some(d) = by_school.get_mut(&class.school_id) {
            if reported.contains(&class.id) {
                d.reported.insert(class.id);
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SchoolId, Option<DistrictId>>> {
        self.districts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Takes up to [`BATCH`] queued events (waiting for the first); `None` once the queue is closed.
pub(super) async fn next_batch(rx: &mut mpsc::Receiver<ReportEvent>) -> Option<Vec<ReportEvent>> {
    let mut batch = Vec::with_capacity(BATCH);
    (rx.recv_many(&mut batch, BATCH).await > 0).then_some(batch)
}
