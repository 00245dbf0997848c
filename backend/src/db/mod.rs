//! Storage: one trait, [`Store`], with an implementation per database, chosen by the scheme of
//! `DATABASE_URL`. Each implementation owns its migrations. Handlers speak only to the trait.

pub mod cases;
pub mod districts;
pub mod health;
pub mod plans;
mod postgres;
mod rows;
mod school_days;
mod sqlite;
pub mod throttle;

use async_trait::async_trait;
use chrono::NaiveDate;
use shared::api::{AuditEntry, ClassInfo, DayReport, Holiday, Role};
use shared::report::Entry;
use shared::{ClassId, Grade, Policy, SchoolId, UserId, Window};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

pub use districts::Districts;
pub use postgres::PgStore;
pub use school_days::{ClassStart, DeleteOutcome, SchoolDays, SubjectDays, school_day_sums};
pub use sqlite::SqliteStore;
pub use throttle::Throttle;

/// Why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule: the name or username is already used.
    #[error("{0:?} is taken")]
    Taken(Taken),
    /// The database refuses writes (read-only file, full disk, locked too long).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or a broken database.
    #[error("storage error: {0}")]
    Internal(String),
}

/// Which uniqueness rule a write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    ClassName,
    Username,
    SchoolName,
}

impl Taken {
    pub fn code(self) -> &'static str {
        match self {
            Taken::ClassName => "class_name_taken",
            Taken::Username => "username_taken",
            Taken::SchoolName => "school_name_taken",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Taken::ClassName => "the school already has a class of that name",
            Taken::Username => "that username is already used",
            Taken::SchoolName => "a school of that name already exists",
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A school and the settings that belong to it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct School {
    pub id: SchoolId,
    pub name: String,
    /// The school's time zone as an offset from UTC (China: +480).
    pub utc_offset_minutes: i32,
}

/// An account as stored, password hash included; never sent to a client as is.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: UserId,
    pub school_id: SchoolId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub class_id: Option<ClassId>,
    /// A grade leader's grade, or the grade of a monitor's or teacher's class.
    pub grade: Option<Grade>,
    pub class_name: Option<String>,
    pub password_hash: String,
    pub disabled: bool,
    /// A class tablet's account, signed in with a device code; it has no usable password.
    pub tablet: bool,
    /// A district admin's district. A district admin has no school: its `school_id` is 0,
    /// which no school has, so every "same school" rule refuses it.
    pub district_id: Option<shared::district::DistrictId>,
    /// The schools a district admin reads (its district's), filled in for each request by
    /// [`crate::auth::CurrentUser`]; empty for everyone else.
    pub district_schools: Arc<BTreeSet<SchoolId>>,
    /// The label of the device code a class tablet's session signed in with ("教室平板"), read
    /// with the session; `None` for every other session and outside a request.
    pub tablet_label: Option<String>,
}

/// A new account, checked and with its password already hashed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub school_id: SchoolId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub class_id: Option<ClassId>,
    pub grade: Option<Grade>,
    pub password_hash: String,
}

/// A live session: its account and when it was last used.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub last_seen_at: i64,
}

/// A checked day report to store, replacing the class's day.
#[derive(Debug, Clone)]
pub struct ReportWrite {
    pub class_id: ClassId,
    pub date: NaiveDate,
    pub entries: Vec<Entry>,
    pub note: String,
    pub client_id: Option<String>,
    /// The version the client saw (0: none); `None` replaces whatever is there.
    pub expected_version: Option<i64>,
    pub recorded_by: String,
    /// RFC 3339, UTC, to the second.
    pub updated_at: String,
}

/// What became of a [`ReportWrite`].
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOutcome {
    /// Stored; this is the report now.
    Stored(DayReport),
    /// The same `client_id` was stored before: this is what was acknowledged then.
    Replayed(DayReport),
    /// `expected_version` is stale: this is the report as it stands (or none).
    Conflict(Option<DayReport>),
}

/// Who did a write, for the audit log that every write appends to in its own transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<UserId>,
    /// The account's username, or what a failed log-in typed, or `cli` for the command line.
    pub username: String,
    /// The school the write concerns (`None` for a failed log-in with an unknown username).
    pub school_id: Option<SchoolId>,
    /// The client's IP address (`-` for the command line).
    pub address: String,
    /// When the write happens (RFC 3339, UTC, to the second), read by the caller
    /// (`Actor::of`, `Actor::system` in `clock.rs`): the stores never read the wall clock.
    pub at: String,
}

/// One school's part of a grade compared across schools: the school, its policy, its active
/// classes of the grade (ordered by name), its holidays and make-up days in the window, and
/// each of those classes' start (the day missing reports count from).
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolGrade {
    pub school: School,
    pub policy: Policy,
    pub classes: Vec<ClassInfo>,
    pub holidays: BTreeSet<NaiveDate>,
    pub makeup_days: BTreeSet<NaiveDate>,
    pub class_starts: HashMap<ClassId, NaiveDate>,
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountChanges {
    pub display_name: Option<String>,
    pub disabled: Option<bool>,
    pub class_id: Option<ClassId>,
    pub grade: Option<Grade>,
}

/// A class tablet's device code as stored (the code itself only as a hash).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TabletCodeRecord {
    pub id: i64,
    pub class_id: ClassId,
    pub label: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
    /// When the code ends by itself (Unix seconds), if it does.
    pub expires_at: Option<i64>,
}

/// An account a roster import creates, its class named (the class may be created by the same
/// import).
#[derive(Debug, Clone)]
pub struct RosterAccountRow {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub class: Option<(Grade, String)>,
    pub grade: Option<Grade>,
    pub password_hash: String,
}

/// What to show of the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub action: Option<String>,
    pub actor: Option<String>,
    pub before: Option<i64>,
    pub limit: u32,
}

/// The storage the server needs, whatever the database: one trait per concern, each
/// implemented by every database. Every method that writes takes the [`Actor`] and records an
/// audit entry in the same transaction as the change.
pub trait Store:
    Schools
    + Accounts
    + Reports
    + AuditLog
    + SchoolDays
    + health::Health
    + cases::CaseStore
    + plans::Plans
    + Throttle
    + Districts
{
}

impl<T> Store for T where
    T: Schools
        + Accounts
        + Reports
        + AuditLog
        + SchoolDays
        + health::Health
        + cases::CaseStore
        + plans::Plans
        + Throttle
        + Districts
{
}

/// Schools, their policy and holidays, and their classes.
#[async_trait]
pub trait Schools: Send + Sync + 'static {
    /// Whether no school exists yet (first start).
    async fn is_empty(&self) -> StoreResult<bool>;
    /// Creates a school with the default policy and its first admin, in one transaction.
    async fn create_school(
        &self,
        name: &str,
        admin: NewAccount,
        actor: &Actor,
    ) -> StoreResult<(School, Account)>;
    async fn school(&self, id: SchoolId) -> StoreResult<Option<School>>;
    /// Every school, for the server's own chores (retention).
    async fn schools(&self) -> StoreResult<Vec<School>>;
    async fn school_by_name(&self, name: &str) -> StoreResult<Option<School>>;
    async fn policy(&self, school: SchoolId) -> StoreResult<Policy>;
    async fn set_policy(&self, school: SchoolId, policy: &Policy, actor: &Actor)
    -> StoreResult<()>;
    /// Holiday dates in a window (for the flag engine).
    async fn holidays(&self, school: SchoolId, window: Window) -> StoreResult<BTreeSet<NaiveDate>>;
    /// Holidays with their names in a window, oldest first.
    async fn holiday_list(&self, school: SchoolId, window: Window) -> StoreResult<Vec<Holiday>>;
    async fn put_holiday(
        &self,
        school: SchoolId,
        holiday: &Holiday,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// Removes a holiday; whether there was one.
    async fn delete_holiday(
        &self,
        school: SchoolId,
        date: NaiveDate,
        actor: &Actor,
    ) -> StoreResult<bool>;
    /// Active classes of a school, of one grade or all, ordered by grade and name.
    async fn classes(&self, school: SchoolId, grade: Option<Grade>) -> StoreResult<Vec<ClassInfo>>;
    /// Every class of a school, archived ones too.
    async fn all_classes(&self, school: SchoolId) -> StoreResult<Vec<ClassInfo>>;
    async fn class(&self, id: ClassId) -> StoreResult<Option<ClassInfo>>;
    /// A class with its school and the school's policy: what a day report is checked against.
    /// A database that can answers in one read (a day report's request makes few).
    async fn class_with_school(
        &self,
        id: ClassId,
    ) -> StoreResult<Option<(ClassInfo, School, Arc<Policy>)>> {
        let Some(class) = self.class(id).await? else { return Ok(None) };
        let school = self.school(class.school_id).await?.ok_or_else(|| {
            StoreError::Internal(format!("class {id} has no school {}", class.school_id))
        })?;
        let policy = self.policy(class.school_id).await?;
        Ok(Some((class, school, Arc::new(policy))))
    }
    async fn create_class(
        &self,
        school: SchoolId,
        grade: Grade,
        name: &str,
        actor: &Actor,
    ) -> StoreResult<ClassInfo>;
    async fn update_class(
        &self,
        id: ClassId,
        name: Option<&str>,
        archived: Option<bool>,
        actor: &Actor,
    ) -> StoreResult<ClassInfo>;
    /// Every school that has an active class of `grade`, ordered by id, with what
    /// [`SchoolGrade`] holds: what a district's comparison of a grade across its schools reads,
    /// in a few queries whatever the number of schools, from one snapshot.
    async fn grade_across_schools(
        &self,
        grade: Grade,
        window: Window,
    ) -> StoreResult<Vec<SchoolGrade>>;
    /// Creates every class and account of a roster import in one transaction, or nothing.
    async fn import_roster(
        &self,
        school: SchoolId,
        classes: &[(Grade, String)],
        accounts: &[RosterAccountRow],
        actor: &Actor,
    ) -> StoreResult<()>;
}

/// Accounts, sessions, failed log-ins and class tablets' device codes.
#[async_trait]
pub trait Accounts: Send + Sync + 'static {
    async fn create_account(&self, account: NewAccount, actor: &Actor) -> StoreResult<Account>;
    async fn account(&self, id: UserId) -> StoreResult<Option<Account>>;
    async fn account_by_username(&self, username: &str) -> StoreResult<Option<Account>>;
    /// The accounts of a school, ordered by role and username (tablet accounts left out).
    async fn accounts(&self, school: SchoolId) -> StoreResult<Vec<Account>>;
    /// Changes an account; disabling it ends its sessions in the same transaction.
    async fn update_account(
        &self,
        id: UserId,
        changes: AccountChanges,
        actor: &Actor,
    ) -> StoreResult<Account>;
    /// Sets a password hash and ends the account's sessions, but for `keep` (the caller's own).
    async fn set_password(
        &self,
        id: UserId,
        hash: &str,
        keep: Option<&[u8]>,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// Opens a session (a log-in, or a tablet signing in with `tablet_code`).
    async fn create_session(
        &self,
        token_hash: &[u8],
        user: UserId,
        now: i64,
        expires_at: i64,
        tablet_code: Option<i64>,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// The session of a token that has not expired, its idle limit measured from `idle_since`.
    async fn session(
        &self,
        token_hash: &[u8],
        now: i64,
        idle_since: i64,
    ) -> StoreResult<Option<Session>>;
    async fn touch_session(&self, token_hash: &[u8], now: i64) -> StoreResult<()>;
    /// Ends a session (a log-out when `actor` is given).
    async fn delete_session(&self, token_hash: &[u8], actor: Option<&Actor>) -> StoreResult<()>;
    /// Records a failed log-in in the audit log (the throttle counts it in [`throttle`]).
    async fn record_login_failure(
        &self,
        username: &str,
        address: &str,
        at: i64,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// A new code, stored as `code_hash` only; it ends by itself at `expires_at` (Unix
    /// seconds) if given.
    async fn create_tablet_code(
        &self,
        class: ClassId,
        label: &str,
        code_hash: &[u8],
        expires_at: Option<i64>,
        actor: &Actor,
    ) -> StoreResult<TabletCodeRecord>;
    async fn tablet_codes(&self, class: ClassId) -> StoreResult<Vec<TabletCodeRecord>>;
    /// Revokes a code of a class and ends the sessions opened with it; whether it existed.
    async fn revoke_tablet_code(&self, class: ClassId, id: i64, actor: &Actor)
    -> StoreResult<bool>;
    /// The live code (not revoked, not expired at `now`, Unix seconds) with this hash, or with
    /// `legacy_hash` (a code stored before the keyed hash, then rehashed to `code_hash`): its
    /// id and the class's tablet account (created on first use, with a password that cannot
    /// log in), marking the code used.
    async fn tablet_account(
        &self,
        code_hash: &[u8],
        legacy_hash: &[u8],
        now: i64,
        unusable_hash: &str,
    ) -> StoreResult<Option<(i64, Account)>>;
}

/// Day reports and the class × day totals that summaries read.
#[async_trait]
pub trait Reports: Send + Sync + 'static {
    /// Stores a day report and its class × day total in one transaction.
    async fn put_report(&self, write: ReportWrite, actor: &Actor) -> StoreResult<WriteOutcome>;
    /// What was acknowledged for this `client_id` sent for this class's day, if anything.
    async fn replayed_report(
        &self,
        class: ClassId,
        date: NaiveDate,
        client_id: &str,
    ) -> StoreResult<Option<DayReport>>;
    async fn report(&self, class: ClassId, date: NaiveDate) -> StoreResult<Option<DayReport>>;
    /// A class's reports in a window, oldest first.
    async fn reports(&self, class: ClassId, window: Window) -> StoreResult<Vec<DayReport>>;
    /// Day totals (from the class × day rollup) of several classes in a window.
    async fn day_totals(
        &self,
        classes: &[ClassId],
        window: Window,
    ) -> StoreResult<HashMap<ClassId, BTreeMap<NaiveDate, u32>>>;
    /// Sum of minutes per subject over a window, for each of several classes.
    async fn subject_sums(
        &self,
        classes: &[ClassId],
        window: Window,
    ) -> StoreResult<HashMap<ClassId, BTreeMap<String, u64>>>;
    /// Deletes a school's day reports dated before `before` (entries and client ids with them),
    /// recording the purge; how many reports went.
    async fn purge_reports(
        &self,
        school: SchoolId,
        before: NaiveDate,
        actor: &Actor,
    ) -> StoreResult<u64>;
}

/// The audit log, and the whole database's backup.
#[async_trait]
pub trait AuditLog: Send + Sync + 'static {
    /// Appends an entry to the audit log on its own (writes that are not a stored change).
    async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        target: &str,
        after: Option<serde_json::Value>,
    ) -> StoreResult<()>;
    /// A school's audit entries, newest first.
    async fn audit_entries(
        &self,
        school: SchoolId,
        filter: &AuditFilter,
    ) -> StoreResult<Vec<AuditEntry>>;
    /// Writes a consistent copy of the whole database to a new file while the server runs.
    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<()>;
}

/// Opens the database named by `url` (`sqlite:` or `postgres:`), creating it and running its
/// migrations if needed.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, String> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PgStore::open(url).await?))
    } else {
        Err(format!("DATABASE_URL must start with sqlite: or postgres:, not {url:?}"))
    }
}
