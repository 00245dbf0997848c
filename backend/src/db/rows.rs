//! What the SQLite and PostgreSQL stores share: the rows their queries return, decoded by
//! `sqlx::FromRow` whatever the database (and by `rusqlite` for SQLite's reads on the request's
//! thread), and how those rows become the domain's values; the
//! column lists both dialects write alike; the audit log's snapshots; the error for a row that
//! makes no sense. Each store keeps its own queries (placeholders and idioms differ).

use super::{Account, ReportWrite, RosterAccountRow, School, SchoolGrade, StoreError, StoreResult};
use chrono::NaiveDate;
use serde_json::{Value, json};
use shared::api::{AuditEntry, ClassInfo, DayReport, Role};
use shared::calendar::is_weekend;
use shared::report::{Entry, day_total};
use shared::{ClassId, Grade, Minutes, Policy, SchoolId, Subject, UserId};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

/// A stored value that the domain refuses: a bug or a database edited by hand.
pub(super) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("unreadable row: {what}"))
}

/// Schools' policies parsed, kept by their stored JSON text.
///
/// A day report is checked against its school's policy, stored as JSON: parsed anew for every
/// report it was a hundred allocations (every grade's subjects), the largest single item of a
/// report's reads. Kept by the exact text, a kept policy is always the one stored: a changed
/// policy is another text, parsed when first met; nothing needs telling when a policy changes.
#[derive(Default)]
pub(super) struct PolicyCache {
    parsed: Mutex<HashMap<Box<str>, Arc<Policy>>>,
}

impl PolicyCache {
    /// The most texts kept: a city's schools mostly share a few policies; past this many (each
    /// a few hundred bytes) all are forgotten and parsed again as they come.
    const KEEP: usize = 4_096;

    /// The policy of a stored text.
    pub(super) fn policy(&self, text: &str) -> StoreResult<Arc<Policy>> {
        if let Some(policy) = self.lock().get(text) {
            return Ok(Arc::clone(policy));
        }
        let policy: Arc<Policy> = Arc::new(serde_json::from_str(text).map_err(corrupt)?);
        let mut parsed = self.lock();
        if parsed.len() >= Self::KEEP {
            parsed.clear();
        }
        parsed.insert(text.into(), Arc::clone(&policy));
        Ok(policy)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Arc<Policy>>> {
        self.parsed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn grade_of(n: i32) -> StoreResult<Grade> {
    Grade::new(i64::from(n)).map_err(corrupt)
}

/// The columns of a [`ClassRow`], selected from `classes`.
pub(super) const CLASS_COLUMNS: &str =
    "id, school_id, grade, name, archived_at IS NOT NULL AS archived";

#[derive(sqlx::FromRow)]
pub(super) struct ClassRow {
    id: ClassId,
    school_id: SchoolId,
    grade: i32,
    name: String,
    archived: bool,
}

/// A class with its school and the school's policy as stored (PostgreSQL's read for a day
/// report; SQLite's reads it through `rusqlite`).
#[derive(sqlx::FromRow)]
pub(super) struct ClassSchoolRow {
    #[sqlx(flatten)]
    pub(super) class: ClassRow,
    pub(super) school_name: String,
    pub(super) utc_offset_minutes: i32,
    pub(super) policy: String,
}

impl ClassRow {
    /// The row through `rusqlite` (SQLite's reads on the request's thread): the columns of
    /// [`CLASS_COLUMNS`], in that order, from the row's first.
    pub(super) fn from_rusqlite(row: &rusqlite::Row) -> rusqlite::Result<ClassRow> {
        Ok(ClassRow {
            id: row.get(0)?,
            school_id: row.get(1)?,
            grade: row.get(2)?,
            name: row.get(3)?,
            archived: row.get(4)?,
        })
    }

    pub(super) fn class(self) -> StoreResult<ClassInfo> {
        Ok(ClassInfo {
            id: self.id,
            school_id: self.school_id,
            grade: grade_of(self.grade)?,
            name: self.name,
            archived: self.archived,
        })
    }
}

/// A school with its policy (JSON text), for [`school_grades`].
#[derive(sqlx::FromRow)]
pub(super) struct SchoolPolicyRow {
    id: SchoolId,
    name: String,
    utc_offset_minutes: i32,
    policy: String,
}

/// Puts together the answer of `Schools::grade_across_schools` from its three reads: the
/// schools (by id), the grade's classes (by school, then name) and the holidays of those
/// schools. A school without a class of the grade is left out.
pub(super) fn school_grades(
    schools: Vec<SchoolPolicyRow>,
    classes: Vec<ClassRow>,
    holidays: Vec<(SchoolId, NaiveDate)>,
    makeup_days: Vec<(SchoolId, NaiveDate)>,
    starts: HashMap<ClassId, super::ClassStart>,
) -> StoreResult<Vec<SchoolGrade>> {
    let mut by_school: BTreeMap<SchoolId, SchoolGrade> = BTreeMap::new();
    for row in schools {
        let policy: Policy = serde_json::from_str(&row.policy).map_err(corrupt)?;
        let school =
            School { id: row.id, name: row.name, utc_offset_minutes: row.utc_offset_minutes };
        let grade = SchoolGrade {
            school,
            policy,
            classes: Vec::new(),
            holidays: BTreeSet::new(),
            makeup_days: BTreeSet::new(),
            class_starts: HashMap::new(),
        };
        by_school.insert(row.id, grade);
    }
    for row in classes {
        let class = row.class()?;
        match by_school.get_mut(&class.school_id) {
            Some(g) => {
                let start = starts.get(&class.id).and_then(|s| s.date(g.school.utc_offset_minutes));
                if let Some(start) = start {
                    g.class_starts.insert(class.id, start);
                }
                g.classes.push(class)
            }
            None => return Err(corrupt(format!("class {} has no school", class.id))),
        }
    }
    for (school, date) in holidays {
        if let Some(g) = by_school.get_mut(&school) {
            g.holidays.insert(date);
        }
    }
    for (school, date) in makeup_days {
        if let Some(g) = by_school.get_mut(&school) {
            g.makeup_days.insert(date);
        }
    }
    Ok(by_school.into_values().filter(|g| !g.classes.is_empty()).collect())
}

/// The columns of an [`AccountRow`], from `users u` left-joined with its class `c`
/// ([`ACCOUNT_FROM`]).
pub(super) const ACCOUNT_COLUMNS: &str = "u.id, COALESCE(u.school_id, 0) AS school_id, u.username, u.display_name, u.role, \
    u.class_id, COALESCE(u.grade, c.grade) AS grade, c.name AS class_name, u.password_hash, \
    u.disabled_at IS NOT NULL AS disabled, u.tablet, u.district_id";

pub(super) const ACCOUNT_FROM: &str = "users u LEFT JOIN classes c ON c.id = u.class_id";

#[derive(sqlx::FromRow)]
pub(super) struct AccountRow {
    id: UserId,
    school_id: SchoolId,
    username: String,
    display_name: String,
    role: String,
    class_id: Option<ClassId>,
    grade: Option<i32>,
    class_name: Option<String>,
    password_hash: String,
    disabled: bool,
    tablet: bool,
    district_id: Option<i64>,
}

impl AccountRow {
    /// The row through `rusqlite` (SQLite's reads on the request's thread): the columns of
    /// [`ACCOUNT_COLUMNS`], in that order, from the row's first.
    pub(super) fn from_rusqlite(row: &rusqlite::Row) -> rusqlite::Result<AccountRow> {
        Ok(AccountRow {
            id: row.get(0)?,
            school_id: row.get(1)?,
            username: row.get(2)?,
            display_name: row.get(3)?,
            role: row.get(4)?,
            class_id: row.get(5)?,
            grade: row.get(6)?,
            class_name: row.get(7)?,
            password_hash: row.get(8)?,
            disabled: row.get(9)?,
            tablet: row.get(10)?,
            district_id: row.get(11)?,
        })
    }

    pub(super) fn account(self) -> StoreResult<Account> {
        Ok(Account {
            id: self.id,
            school_id: self.school_id,
            username: self.username,
            display_name: self.display_name,
            role: Role::parse(&self.role).ok_or_else(|| corrupt(&self.role))?,
            class_id: self.class_id,
            grade: self.grade.map(grade_of).transpose()?,
            class_name: self.class_name,
            password_hash: self.password_hash,
            disabled: self.disabled,
            tablet: self.tablet,
            district_id: self.district_id,
            district_schools: Default::default(),
            tablet_label: None,
        })
    }
}

/// An account with its session's last use.
#[derive(sqlx::FromRow)]
pub(super) struct SessionRow {
    #[sqlx(flatten)]
    pub(super) account: AccountRow,
    pub(super) last_seen_at: i64,
    pub(super) tablet_label: Option<String>,
}

/// The columns of a [`super::TabletCodeRecord`], from `tablet_codes`.
pub(super) const TABLET_CODE_COLUMNS: &str =
    "id, class_id, label, created_at, last_used_at, revoked_at IS NOT NULL AS revoked, expires_at";

/// A day report's header joined with one of its entries (none for a day with no subjects), from
/// `day_reports r` left-joined with `report_entries e` ([`REPORT_COLUMNS`] from [`REPORT_FROM`]).
#[derive(sqlx::FromRow)]
pub(super) struct ReportRow {
    id: i64,
    class_id: ClassId,
    date: NaiveDate,
    total_minutes: i32,
    note: String,
    version: i64,
    recorded_by: String,
    updated_at: String,
    subject: Option<String>,
    minutes: Option<i32>,
}

/// The columns of a [`ReportRow`], from [`REPORT_FROM`].
pub(super) const REPORT_COLUMNS: &str = "r.id, r.class_id, r.date, r.total_minutes, r.note, \
    r.version, r.recorded_by, r.updated_at, e.subject, e.minutes";

pub(super) const REPORT_FROM: &str =
    "day_reports r LEFT JOIN report_entries e ON e.report_id = r.id";

/// Builds day reports from [`ReportRow`]s ordered by report, then by entry position.
pub(super) fn reports_from_rows(rows: Vec<ReportRow>) -> StoreResult<Vec<DayReport>> {
    let mut reports: Vec<(i64, DayReport)> = Vec::new();
    for row in rows {
        if reports.last().is_none_or(|(last, _)| *last != row.id) {
            let header = DayReport {
                class_id: row.class_id,
                date: row.date,
                entries: Vec::new(),
                total_minutes: u32::try_from(row.total_minutes).map_err(corrupt)?,
                note: row.note,
                version: row.version,
                recorded_by: row.recorded_by,
                updated_at: row.updated_at,
                school_day: !is_weekend(row.date),
                corrected_by: None,
            };
            reports.push((row.id, header));
        }
        if let (Some(subject), Some(minutes), Some((_, report))) =
            (row.subject, row.minutes, reports.last_mut())
        {
            report.entries.push(Entry {
                subject: Subject::parse(&subject).map_err(corrupt)?,
                minutes: Minutes::new(i64::from(minutes)).map_err(corrupt)?,
            });
        }
    }
    Ok(reports.into_iter().map(|(_, r)| r).collect())
}

/// The report a write makes of the day as it stands (`current`, if the day has one), its version
/// one more; `None` when the version the client saw is stale.
pub(super) fn next_report(write: &ReportWrite, current: Option<&DayReport>) -> Option<DayReport> {
    let current_version = current.map_or(0, |r| r.version);
    if write.expected_version.is_some_and(|v| v != current_version) {
        return None;
    }
    Some(DayReport {
        class_id: write.class_id,
        date: write.date,
        entries: write.entries.clone(),
        total_minutes: day_total(&write.entries),
        note: write.note.clone(),
        version: current_version + 1,
        recorded_by: write.recorded_by.clone(),
        updated_at: write.updated_at.clone(),
        // The store knows no calendar: the handler that answers says what the school keeps.
        school_day: !is_weekend(write.date),
        corrected_by: None,
    })
}

/// An audit log entry, its snapshots as JSON text.
#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    id: i64,
    at: String,
    actor: String,
    address: String,
    action: String,
    target: String,
    before: Option<String>,
    after: Option<String>,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        let parse = |v: Option<String>| v.and_then(|s| serde_json::from_str(&s).ok());
        AuditEntry {
            id: row.id,
            at: row.at,
            actor: row.actor,
            address: row.address,
            action: row.action,
            target: row.target,
            before: parse(row.before),
            after: parse(row.after),
            target_name: String::new(),
        }
    }
}

/// What the audit log keeps of an account: never its password hash.
pub(super) fn account_json(a: &Account) -> Value {
    json!({
        "username": a.username, "display_name": a.display_name, "role": a.role.as_str(),
        "class_id": a.class_id, "grade": a.grade, "disabled": a.disabled,
    })
}

pub(super) fn class_json(c: &ClassInfo) -> Value {
    json!({"name": c.name, "grade": c.grade, "archived": c.archived})
}

/// What the audit log keeps of a roster import: the classes and the accounts, without
/// passwords.
pub(super) fn roster_json(classes: &[(Grade, String)], accounts: &[RosterAccountRow]) -> Value {
    json!({
        "classes": classes.iter().map(|(g, n)| json!({"grade": g, "name": n})).collect::<Vec<_>>(),
        "accounts": accounts.iter().map(|a| json!({"username": a.username, "role": a.role.as_str()})).collect::<Vec<_>>(),
    })
}

/// A moment given as seconds since 1970 (the sessions' clock), as the API writes timestamps.
pub(crate) fn rfc3339_at(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Whether a day report's write is answered from an earlier one, decided here for both stores
/// and for a request refused before it reached a store (`Reports::replayed_report`): a write
/// whose `client_id` was already acknowledged for its class's day (`acknowledged`, the answer
/// kept in `client_writes`) gets that answer again, whatever it would become now (a tablet
/// offline past the edit window, a version moved on since); any other write is judged by the
/// version rule ([`next_report`]).
pub(crate) fn replay_of(acknowledged: Option<&str>) -> StoreResult<Option<DayReport>> {
    acknowledged.map(|json| serde_json::from_str(json).map_err(corrupt)).transpose()
}
