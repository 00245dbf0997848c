//! The city's rows, table by table, in the server's schema, as the server itself would have
//! written them over a school year: schools with their policy and holidays, classes, accounts
//! (an admin per school, a leader per grade, a teacher and a monitor per class), one live session
//! per account that the load generator uses, and every day report with its subject entries, the
//! `client_id` its tablet sent (`client_writes`) and its `report.put` audit entry.
//!
//! Each table is produced on its own by walking the plan in the same order, so that tables can
//! be loaded one after another (SQLite) or side by side (PostgreSQL) and agree on every id.

use super::plan::{City, SUBJECTS, session_token, token_hash};
use chrono::NaiveDate;
use shared::api::DayReport;
use shared::{Entry, Minutes, Subject};
use std::sync::Arc;

/// A value of a row, encoded by each database's loader.
#[derive(Debug, Clone, Copy)]
pub enum Val<'a> {
    Int(i64),
    Text(&'a str),
    Bool(bool),
    Bytes(&'a [u8]),
    Null,
}

/// The tables the generator fills, in an order that satisfies every foreign key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Schools,
    Holidays,
    Classes,
    Users,
    Sessions,
    DayReports,
    ReportEntries,
    ClientWrites,
    AuditLog,
}

impl Table {
    pub const ALL: [Table; 9] = [
        Table::Schools,
        Table::Holidays,
        Table::Classes,
        Table::Users,
        Table::Sessions,
        Table::DayReports,
        Table::ReportEntries,
        Table::ClientWrites,
        Table::AuditLog,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Schools => "schools",
            Table::Holidays => "holidays",
            Table::Classes => "classes",
            Table::Users => "users",
            Table::Sessions => "sessions",
            Table::DayReports => "day_reports",
            Table::ReportEntries => "report_entries",
            Table::ClientWrites => "client_writes",
            Table::AuditLog => "audit_log",
        }
    }

    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Schools => &["id", "name", "utc_offset_minutes", "policy", "created_at"],
            Table::Holidays => &["school_id", "date", "name"],
            Table::Classes => &["id", "school_id", "grade", "name", "created_at"],
            Table::Users => &[
                "id",
                "school_id",
                "username",
                "display_name",
                "role",
                "class_id",
                "grade",
                "password_hash",
                "created_at",
                "tablet",
            ],
            Table::Sessions => {
                &["token_hash", "user_id", "created_at", "last_seen_at", "expires_at"]
            }
            Table::DayReports => &[
                "id",
                "class_id",
                "date",
                "total_minutes",
                "note",
                "version",
                "recorded_by",
                "updated_at",
            ],
            Table::ReportEntries => &["report_id", "position", "subject", "minutes"],
            Table::ClientWrites => &["report_id", "client_id", "report", "created_at"],
            Table::AuditLog => &[
                "id",
                "at",
                "school_id",
                "actor_id",
                "actor",
                "address",
                "action",
                "target",
                "after",
            ],
        }
    }

    /// Whether the table's rows are the school year's reports (the big ones).
    pub fn is_yearly(self) -> bool {
        matches!(
            self,
            Table::DayReports | Table::ReportEntries | Table::ClientWrites | Table::AuditLog
        )
    }
}

/// An account of the generated city.
#[derive(Debug, Clone)]
pub struct UserPlan {
    pub id: i64,
    pub school_id: i64,
    pub username: String,
    pub role: &'static str,
    pub class_id: Option<i64>,
    pub grade: Option<u8>,
}

/// Every account: per school an admin, a grade leader per grade taught, and per class its
/// teacher and its monitor (the class tablet's account).
pub fn users(city: &City) -> Vec<UserPlan> {
    let mut users = Vec::new();
    let mut next = 0;
    let mut id = || {
        next += 1;
        next
    };
    let mut classes = city.classes.iter().peekable();
    for school in &city.schools {
        users.push(UserPlan {
            id: id(),
            school_id: school.id,
            username: format!("admin-{}", school.id),
            role: "school_admin",
            class_id: None,
            grade: None,
        });
        for (g, n) in school.classes_per_grade.iter().enumerate() {
            if *n > 0 {
                users.push(UserPlan {
                    id: id(),
                    school_id: school.id,
                    username: format!("leader-{}-{}", school.id, g + 1),
                    role: "grade_leader",
                    class_id: None,
                    grade: Some(g as u8 + 1),
                });
            }
        }
        while let Some(class) = classes.next_if(|c| c.school_id == school.id) {
            for role in ["teacher", "monitor"] {
                users.push(UserPlan {
                    id: id(),
                    school_id: school.id,
                    username: format!("{role}-{}", class.id),
                    role,
                    class_id: Some(class.id),
                    grade: None,
                });
            }
        }
    }
    users
}

/// When the generated city was set up: well before its first school day.
const SET_UP_AT: &str = "2025-08-25T01:00:00Z";

/// Everything a table's rows need: the plan, its accounts, and what the plan leaves open.
#[derive(Clone)]
pub struct Context {
    pub city: Arc<City>,
    pub users: Arc<Vec<UserPlan>>,
    /// The Argon2id hash of [`super::plan::PASSWORD`], shared by every account (hashing 75,000
    /// would take minutes and prove nothing).
    pub password_hash: String,
    /// Unix seconds: when the sessions were opened and last used.
    pub now: i64,
}

/// Calls `row` with every row of `table`, in id order.
pub fn each_row(ctx: &Context, table: Table, row: &mut dyn FnMut(&[Val<'_>])) {
    let city = &*ctx.city;
    match table {
        Table::Schools => {
            let policy = serde_json::to_string(&City::policy()).unwrap_or_default();
            for s in &city.schools {
                row(&[
                    Val::Int(s.id),
                    Val::Text(&s.name),
                    Val::Int(480),
                    Val::Text(&policy),
                    Val::Text(SET_UP_AT),
                ]);
            }
        }
        Table::Holidays => {
            let dates: Vec<String> = city.holidays.iter().map(NaiveDate::to_string).collect();
            for s in &city.schools {
                for d in &dates {
                    row(&[Val::Int(s.id), Val::Text(d), Val::Text("假期 holiday")]);
                }
            }
        }
        Table::Classes => {
            for c in &city.classes {
                row(&[
                    Val::Int(c.id),
                    Val::Int(c.school_id),
                    Val::Int(i64::from(c.grade)),
                    Val::Text(&c.name),
                    Val::Text(SET_UP_AT),
                ]);
            }
        }
        Table::Users => {
            for u in ctx.users.iter() {
                row(&[
                    Val::Int(u.id),
                    Val::Int(u.school_id),
                    Val::Text(&u.username),
                    Val::Text(&u.username),
                    Val::Text(u.role),
                    u.class_id.map_or(Val::Null, Val::Int),
                    u.grade.map_or(Val::Null, |g| Val::Int(i64::from(g))),
                    Val::Text(&ctx.password_hash),
                    Val::Text(SET_UP_AT),
                    Val::Bool(false),
                ]);
            }
        }
        Table::Sessions => {
            for u in ctx.users.iter().filter(|u| u.role != "teacher") {
                let hash = token_hash(&session_token(city.shape.seed, u.id));
                row(&[
                    Val::Bytes(&hash),
                    Val::Int(u.id),
                    Val::Int(ctx.now),
                    Val::Int(ctx.now),
                    Val::Int(ctx.now + 30 * 86_400),
                ]);
            }
        }
        Table::DayReports | Table::ReportEntries | Table::ClientWrites | Table::AuditLog => {
            each_report(ctx, table, row)
        }
    }
}

/// The rows of one of the yearly tables, day after day as the server would have written them.
fn each_report(ctx: &Context, table: Table, row: &mut dyn FnMut(&[Val<'_>])) {
    let city = &*ctx.city;
    let monitor_of = |class_id: i64| format!("monitor-{class_id}");
    // Monitors' user ids, by class id (classes are numbered from 1).
    let mut monitor_ids = vec![0; city.classes.len() + 1];
    for u in ctx.users.iter().filter(|u| u.role == "monitor") {
        if let Some(c) = u.class_id {
            monitor_ids[c as usize] = u.id;
        }
    }
    let mut report_id = 0;
    for (day_index, date) in city.days.iter().enumerate() {
        let date_text = date.to_string();
        for class in &city.classes {
            let Some(day) = city.minutes(class, day_index) else { continue };
            report_id += 1;
            // Monitors record the day after school, 16:00–18:00 in China (08:00–10:00 UTC).
            let seconds = (report_id * 7919) % 7200;
            let updated_at = format!(
                "{date_text}T{:02}:{:02}:{:02}Z",
                8 + seconds / 3600,
                seconds / 60 % 60,
                seconds % 60
            );
            let subjects = &SUBJECTS[usize::from(class.grade) - 1];
            match table {
                Table::DayReports => row(&[
                    Val::Int(report_id),
                    Val::Int(class.id),
                    Val::Text(&date_text),
                    Val::Int(i64::from(day.total())),
                    Val::Text(""),
                    Val::Int(1),
                    Val::Text(&monitor_of(class.id)),
                    Val::Text(&updated_at),
                ]),
                Table::ReportEntries => {
                    for (i, (subject, minutes)) in subjects.iter().zip(day.minutes).enumerate() {
                        row(&[
                            Val::Int(report_id),
                            Val::Int(i as i64),
                            Val::Text(subject),
                            Val::Int(i64::from(minutes)),
                        ]);
                    }
                }
                Table::ClientWrites | Table::AuditLog => {
                    let report = DayReport {
                        class_id: class.id,
                        date: *date,
                        entries: subjects
                            .iter()
                            .zip(day.minutes)
                            .filter_map(|(s, m)| {
                                Some(Entry {
                                    subject: Subject::parse(s).ok()?,
                                    minutes: Minutes::new(i64::from(m)).ok()?,
                                })
                            })
                            .collect(),
                        total_minutes: day.total(),
                        note: String::new(),
                        version: 1,
                        recorded_by: monitor_of(class.id),
                        updated_at: updated_at.clone(),
                        school_day: true,
                        corrected_by: None,
                    };
                    let json = serde_json::to_string(&report).unwrap_or_default();
                    if table == Table::ClientWrites {
                        let client_id =
                            format!("{:032x}", report_id as u128 * 0x9E37_79B9_7F4A_7C15);
                        row(&[
                            Val::Int(report_id),
                            Val::Text(&client_id),
                            Val::Text(&json),
                            Val::Text(&updated_at),
                        ]);
                    } else {
                        let target = format!("class {} report {date_text}", class.id);
                        row(&[
                            Val::Int(report_id),
                            Val::Text(&updated_at),
                            Val::Int(class.school_id),
                            Val::Int(monitor_ids[class.id as usize]),
                            Val::Text(&monitor_of(class.id)),
                            Val::Text("10.0.0.1"),
                            Val::Text("report.put"),
                            Val::Text(&target),
                            Val::Text(&json),
                        ]);
                    }
                }
                _ => {}
            }
        }
    }
}
