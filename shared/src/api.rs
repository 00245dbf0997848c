//! The JSON bodies of the HTTP API (API.md), shared by the server that writes them and the app
//! that reads them. Request bodies carry raw values (`i64`, `String`) so that the server can
//! answer a value out of range with a precise `422` rather than a parse error.

use crate::report::{Entry, EntryInput};
use crate::{ClassId, Flag, Grade, SchoolId, UserId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What an account may do; see the table in API.md.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Monitor,
    Teacher,
    GradeLeader,
    SchoolAdmin,
    /// A subject teacher (任课教师): files plans for the classes and subjects of its `teaching`.
    SubjectTeacher,
    /// An education bureau's account: reads every school of its district, writes none.
    DistrictAdmin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Monitor => "monitor",
            Role::Teacher => "teacher",
            Role::GradeLeader => "grade_leader",
            Role::SchoolAdmin => "school_admin",
            Role::SubjectTeacher => "subject_teacher",
            Role::DistrictAdmin => "district_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [
            Role::Monitor,
            Role::Teacher,
            Role::GradeLeader,
            Role::SchoolAdmin,
            Role::SubjectTeacher,
            Role::DistrictAdmin,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// `POST /api/v1/auth/login`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// An account as the API shows it (`GET /me`, `POST /users`): never with its password.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// `null` on the wire for an account without a school (a district admin), 0 in Rust: no
    /// school has id 0, so every "same school" comparison refuses it.
    #[serde(with = "crate::district::no_school_as_null")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub school_id: SchoolId,
    /// The class of a monitor or teacher.
    pub class_id: Option<ClassId>,
    /// The grade of a grade leader, or of a monitor's or teacher's class.
    pub grade: Option<Grade>,
    #[serde(default)]
    pub school_name: String,
    /// The name of the class, for monitors and teachers.
    #[serde(default)]
    pub class_name: Option<String>,
    /// A disabled account cannot log in (shown to admins).
    #[serde(default)]
    pub disabled: bool,
    /// The classes and subjects the account teaches (`[]` where none).
    #[serde(default)]
    pub teaching: Vec<Teaching>,
}

/// A teaching assignment: a subject of a class that an account teaches and files plans for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Teaching {
    pub class_id: ClassId,
    pub subject: String,
}

/// `GET /api/v1/me`: the account of the session, its school's and class's names, and today's
/// date in the school's time zone (what "today" means for the edit window and the flags).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    pub today: NaiveDate,
    /// A district admin's district, or the district of a school account's school.
    #[serde(default)]
    pub district_id: Option<crate::district::DistrictId>,
    /// The start of the account's class (a monitor's, a class teacher's or a class tablet's):
    /// no day before it is missing (DESIGN.md). `null` for accounts without a class.
    #[serde(default)]
    pub class_start: Option<NaiveDate>,
}

/// `POST /api/v1/users`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role: String,
    #[serde(default)]
    pub class_id: Option<ClassId>,
    #[serde(default)]
    pub grade: Option<i64>,
    /// The classes and subjects taught (subject teachers need one at least; class teachers
    /// may have some).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teaching: Option<Vec<Teaching>>,
}

/// A class as `GET /api/v1/classes` lists it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassInfo {
    pub id: ClassId,
    pub school_id: SchoolId,
    pub grade: Grade,
    pub name: String,
    /// An archived class keeps its history but leaves comparisons and takes no new reports.
    #[serde(default)]
    pub archived: bool,
}

/// `POST /api/v1/classes`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewClass {
    pub grade: i64,
    pub name: String,
}

/// One class's homework on one date.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayReport {
    pub class_id: ClassId,
    pub date: NaiveDate,
    pub entries: Vec<Entry>,
    pub total_minutes: u32,
    pub note: String,
    pub version: i64,
    pub recorded_by: String,
    /// RFC 3339 in UTC, to the second: `2026-11-21T07:42:10Z`.
    pub updated_at: String,
    /// Whether the date is one of the school's school days; a report on any other day (a
    /// weekend, a holiday) is weekend homework: kept and shown, but in no average or flag.
    #[serde(default)]
    pub school_day: bool,
    /// Set on a day that a teacher or an admin changed after it was first recorded: who
    /// corrected it (their name as the school shows it); when is `updated_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_by: Option<String>,
}

/// `PUT /api/v1/classes/{class_id}/reports/{date}`: the whole day, replacing what was there.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutDayReport {
    pub entries: Vec<EntryInput>,
    #[serde(default)]
    pub note: String,
    /// Chosen by the client once per submission; sending it again stores nothing new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The version the client last saw (0: it saw none); a different current version is a
    /// conflict. Without it the write replaces whatever is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// The answer to a stored day report: the report and the flags that day raises.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PutDayReportResponse {
    pub report: DayReport,
    pub flags: Vec<Flag>,
}

/// `GET /api/v1/classes/{class_id}/summary`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassSummary {
    pub class_id: ClassId,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days_reported: u32,
    pub average_daily_minutes: Option<f64>,
    pub subject_averages: BTreeMap<String, f64>,
    pub flags: Vec<Flag>,
    /// The class's grade, its limit and the grade's average, for drawing lines on charts.
    pub grade: Grade,
    pub limit_minutes: u32,
    pub grade_average_minutes: Option<f64>,
    /// Per subject with a paired day: the filed estimate against what it took.
    #[serde(default)]
    pub expected_vs_actual: Vec<crate::plans::ExpectedActual>,
}

/// `GET /api/v1/schools/{school_id}/grades/{grade}/comparison`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeComparison {
    pub school_id: SchoolId,
    pub grade: Grade,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub limit_minutes: u32,
    pub grade_average_minutes: Option<f64>,
    pub classes: Vec<ComparisonRow>,
}

/// One class in a grade comparison.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    pub class_id: ClassId,
    pub name: String,
    pub days_reported: u32,
    pub average_daily_minutes: Option<f64>,
    pub deviation_minutes: Option<f64>,
    pub deviation_ratio: Option<f64>,
    pub flags: Vec<Flag>,
}

/// Every error the API returns: `{"error": {"code", "message"}}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// The stable machine code, a human sentence, and for validation errors every problem found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// One problem of a rejected request; for an uploaded file, where it is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub code: String,
    pub message: String,
    /// The line of the file (the header is row 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

/// The body of a `409`: the error and the report as it stands now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictBody {
    pub error: ErrorDetail,
    pub report: Option<DayReport>,
}

/// `PATCH /api/v1/classes/{id}`: rename or archive a class.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

/// `PATCH /api/v1/users/{id}`: change an account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_id: Option<ClassId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<i64>,
    /// Replaces the account's teaching assignments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teaching: Option<Vec<Teaching>>,
}

/// `POST /api/v1/users/{id}/password`: an admin sets a new password.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

/// `PUT /api/v1/me/password`: an account changes its own password.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// A school holiday: a weekday on which no report is expected.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

/// A make-up school day (调休): a Saturday or Sunday the school keeps as a school day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MakeupDay {
    pub date: NaiveDate,
    pub name: String,
}

/// `PUT /api/v1/holidays/{date}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayName {
    #[serde(default)]
    pub name: String,
}

/// `POST /api/v1/classes/{id}/tablet-codes`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTabletCode {
    #[serde(default)]
    pub label: String,
    /// When the code stops working by itself (RFC 3339, in the future); none: until revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// A device code for a class tablet; `code` only in the answer that created it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TabletCode {
    pub id: i64,
    pub class_id: ClassId,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub last_used_at: Option<String>,
    #[serde(default)]
    pub revoked: bool,
    /// When the code stops working by itself (RFC 3339, UTC), if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// `POST /api/v1/auth/tablet`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TabletSignIn {
    pub code: String,
}

/// What a roster import did (or, with `dry_run`, would do).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterResult {
    pub dry_run: bool,
    pub rows: u32,
    pub classes_created: Vec<String>,
    pub accounts_created: Vec<RosterAccount>,
}

/// An account a roster import created; `password` only where the server generated it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterAccount {
    pub username: String,
    pub role: Role,
    pub class: Option<String>,
    #[serde(default)]
    pub display_name: String,
    /// A grade leader's grade, or the grade of the account's class.
    #[serde(default)]
    pub grade: Option<Grade>,
    /// Whether the server makes up the password (the file gave none); a dry run says so
    /// without showing one.
    #[serde(default)]
    pub password_generated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// One row of the audit log.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, UTC, to the second.
    pub at: String,
    pub actor: String,
    pub address: String,
    pub action: String,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// What `target` names, as the school knows it: the class's name (`7(1)`) or the account's
    /// name, where it still exists; empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target_name: String,
}

/// `GET /api/v1/audit`: a page of entries, newest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next_before: Option<i64>,
}

/// `GET /api/v1/schools/{id}/grades/{g}/days`: the class × day totals behind the heat map.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeDays {
    pub school_id: SchoolId,
    pub grade: Grade,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub limit_minutes: u32,
    /// Monday to Friday less holidays, plus make-up days: a day here without a report is
    /// missing (from the class's start), a report on a day not here is weekend homework.
    pub school_days: Vec<NaiveDate>,
    pub classes: Vec<ClassDayTotals>,
}

/// One class's reported day totals, oldest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassDayTotals {
    pub class_id: ClassId,
    pub name: String,
    /// The class's start: no day before it is missing (DESIGN.md).
    #[serde(default)]
    pub start: Option<NaiveDate>,
    pub days: Vec<DayTotal>,
}

/// A reported day's total.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTotal {
    pub date: NaiveDate,
    pub total_minutes: u32,
}

/// `GET /api/v1/schools/{id}/grades/{g}/subjects`: which subject drives each class's load.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeSubjects {
    pub school_id: SchoolId,
    pub grade: Grade,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub subjects: Vec<String>,
    pub classes: Vec<ClassSubjects>,
}

/// A class's average minutes per subject over its reported days.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassSubjects {
    pub class_id: ClassId,
    pub name: String,
    pub days_reported: u32,
    pub subject_averages: BTreeMap<String, f64>,
}

/// `GET /api/v1/schools/{id}/overview`: every grade at a glance and who needs attention first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolOverview {
    pub school_id: SchoolId,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub grades: Vec<GradeGlance>,
    pub attention: Vec<AttentionClass>,
}

/// One grade of the overview.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeGlance {
    pub grade: Grade,
    pub limit_minutes: u32,
    pub grade_average_minutes: Option<f64>,
    pub class_count: u32,
    pub flag_counts: BTreeMap<String, u32>,
}

/// A class with flags, for the "needs attention" list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttentionClass {
    pub class_id: ClassId,
    pub name: String,
    pub grade: Grade,
    pub average_daily_minutes: Option<f64>,
    pub limit_minutes: u32,
    pub flags: Vec<Flag>,
}
