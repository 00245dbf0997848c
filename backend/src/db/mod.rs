//! Storage: one trait, [`Store`], with an implementation per database, chosen by the scheme of
//! `DATABASE_URL`. Each implementation owns its migrations. Handlers speak only to the trait.

mod sqlite;

use async_trait::async_trait;
use chrono::NaiveDate;
use shared::api::{ClassInfo, DayReport, Role};
use shared::report::Entry;
use shared::{ClassId, Grade, Policy, SchoolId, UserId, Window};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

pub use sqlite::SqliteStore;

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
#[derive(Debug, Clone, PartialEq)]
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

/// The storage the server needs, whatever the database.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Whether no school exists yet (first start).
    async fn is_empty(&self) -> StoreResult<bool>;
    /// Creates a school with the default policy and its first admin, in one transaction.
    async fn create_school(&self, name: &str, admin: NewAccount) -> StoreResult<(School, Account)>;
    async fn school(&self, id: SchoolId) -> StoreResult<Option<School>>;
    async fn school_by_name(&self, name: &str) -> StoreResult<Option<School>>;

    async fn policy(&self, school: SchoolId) -> StoreResult<Policy>;
    async fn set_policy(&self, school: SchoolId, policy: &Policy) -> StoreResult<()>;
    async fn holidays(&self, school: SchoolId, window: Window) -> StoreResult<BTreeSet<NaiveDate>>;

    /// Active classes of a school, of one grade or all, ordered by grade and name.
    async fn classes(&self, school: SchoolId, grade: Option<Grade>) -> StoreResult<Vec<ClassInfo>>;
    async fn class(&self, id: ClassId) -> StoreResult<Option<ClassInfo>>;
    async fn create_class(
        &self,
        school: SchoolId,
        grade: Grade,
        name: &str,
    ) -> StoreResult<ClassInfo>;

    async fn create_account(&self, account: NewAccount) -> StoreResult<Account>;
    async fn account_by_username(&self, username: &str) -> StoreResult<Option<Account>>;

    async fn create_session(
        &self,
        token_hash: &[u8],
        user: UserId,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// The session of a token that has not expired, its idle limit measured from `idle_since`.
    async fn session(
        &self,
        token_hash: &[u8],
        now: i64,
        idle_since: i64,
    ) -> StoreResult<Option<Session>>;
    async fn touch_session(&self, token_hash: &[u8], now: i64) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()>;

    async fn record_login_failure(&self, username: &str, address: &str, at: i64)
    -> StoreResult<()>;
    /// Failed log-ins since `since`: for the username, and from the address; and the oldest of
    /// the username's, to say when the next attempt will be allowed.
    async fn login_failures(
        &self,
        username: &str,
        address: &str,
        since: i64,
    ) -> StoreResult<LoginFailures>;

    /// Stores a day report and its class × day total in one transaction.
    async fn put_report(&self, write: ReportWrite) -> StoreResult<WriteOutcome>;
    /// What was acknowledged for this `client_id`, if anything.
    async fn replayed_report(
        &self,
        class: ClassId,
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
    /// Sum of minutes per subject of a class over a window.
    async fn subject_sums(
        &self,
        class: ClassId,
        window: Window,
    ) -> StoreResult<BTreeMap<String, u64>>;
}

/// Counts of recent failed log-ins.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginFailures {
    pub for_username: u32,
    pub from_address: u32,
    pub oldest_for_username: Option<i64>,
}

/// Opens the database named by `url` (`sqlite:` or `postgres:`), creating it and running its
/// migrations if needed.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, String> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Err("PostgreSQL support is not built yet; use a sqlite: DATABASE_URL".into())
    } else {
        Err(format!("DATABASE_URL must start with sqlite: or postgres:, not {url:?}"))
    }
}
