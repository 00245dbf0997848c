//! A class's day report as the monitor submits it, and the validation that turns the raw input
//! into [`Entry`] values the rest of the system can trust.

use crate::minutes::{MAX_DAY_TOTAL, MAX_SUBJECT_MINUTES};
use crate::{Grade, Lang, Minutes, Policy, Subject};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The longest note a day report may carry, in characters.
pub const MAX_NOTE_CHARS: usize = 500;
/// How many days back a monitor may still record or correct a day (today counts as day 0).
pub const MONITOR_EDIT_DAYS: u32 = 7;
/// Validation stops listing problems after this many; one is enough to refuse the report.
const MAX_REPORTED_PROBLEMS: usize = 20;

/// One subject's minutes as the client sent them: not yet checked.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    pub subject: String,
    pub minutes: i64,
}

/// One subject's minutes on one day, checked against the grade's subjects and the range.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub subject: Subject,
    pub minutes: Minutes,
}

/// Why a day report cannot be stored. The variant's snake-case name is the API error code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ValidationError {
    #[error("{subject}: not a subject of grade {grade}")]
    UnknownSubject { subject: String, grade: Grade },
    #[error("{subject}: listed more than once")]
    DuplicateSubject { subject: String },
    #[error("{subject}: {minutes} minutes is {}", if *.minutes < 0 { "less than 0".to_owned() } else { format!("more than {MAX_SUBJECT_MINUTES}") })]
    MinutesOutOfRange { subject: String, minutes: i64 },
    #[error("the day adds up to {total} minutes, more than {MAX_DAY_TOTAL}")]
    DayTotalTooLarge { total: i64 },
    #[error("{date} is in the future (today is {today})")]
    FutureDate { date: NaiveDate, today: NaiveDate },
    #[error("{date} is before {earliest}, the earliest day a monitor may still record")]
    OutsideEditWindow { date: NaiveDate, earliest: NaiveDate },
    #[error("the note has {length} characters, more than {MAX_NOTE_CHARS}")]
    NoteTooLong { length: usize },
    #[error("the note holds a control or bidirectional character")]
    InvalidNote,
}

impl ValidationError {
    /// The stable machine code of the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownSubject { .. } => "unknown_subject",
            Self::DuplicateSubject { .. } => "duplicate_subject",
            Self::MinutesOutOfRange { .. } => "minutes_out_of_range",
            Self::DayTotalTooLarge { .. } => "day_total_too_large",
            Self::FutureDate { .. } => "future_date",
            Self::OutsideEditWindow { .. } => "outside_edit_window",
            Self::NoteTooLong { .. } => "note_too_long",
            Self::InvalidNote => "invalid_note",
        }
    }

    /// The sentence a person reads, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => crate::i18n::validation_zh(self),
        }
    }
}

/// Checks a day's entries against the grade's subjects and the minute ranges, and returns every
/// problem found (up to twenty), or the entries in the order they came.
pub fn validate_entries(
    grade: Grade,
    policy: &Policy,
    input: &[EntryInput],
) -> Result<Vec<Entry>, Vec<ValidationError>> {
    let known = policy.subjects(grade);
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    let mut entries = Vec::with_capacity(input.len());
    let mut total: i64 = 0;
    for raw in input {
        if problems.len() >= MAX_REPORTED_PROBLEMS {
            break;
        }
        let subject = Subject::parse(&raw.subject).ok().filter(|s| known.contains(s));
        let Some(subject) = subject else {
            problems.push(ValidationError::UnknownSubject {
                subject: raw.subject.chars().take(40).collect(),
                grade,
            });
            continue;
        };
        if !seen.insert(subject.clone()) {
            problems.push(ValidationError::DuplicateSubject { subject: subject.to_string() });
            continue;
        }
        match Minutes::new(raw.minutes) {
            Ok(minutes) => {
                total += i64::from(minutes.get());
                entries.push(Entry { subject, minutes });
            }
            Err(_) => problems.push(ValidationError::MinutesOutOfRange {
                subject: subject.to_string(),
                minutes: raw.minutes,
            }),
        }
    }
    if problems.is_empty() && total > i64::from(MAX_DAY_TOTAL) {
        problems.push(ValidationError::DayTotalTooLarge { total });
    }
    if problems.is_empty() { Ok(entries) } else { Err(problems) }
}

/// Checks a note's length and characters (no control or bidirectional characters but line
/// breaks and tabs; see [`crate::text`]).
pub fn validate_note(note: &str) -> Result<(), ValidationError> {
    let length = note.chars().count();
    if length > MAX_NOTE_CHARS {
        return Err(ValidationError::NoteTooLong { length });
    }
    if note.chars().any(crate::text::is_refused_in_note) {
        return Err(ValidationError::InvalidNote);
    }
    Ok(())
}

/// How far back someone may record a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditWindow {
    /// From this many days ago to today (the monitor: [`MONITOR_EDIT_DAYS`]).
    LastDays(u32),
    /// Any day up to today (teachers and admins correcting the record).
    AnyPast,
}

/// The first day an edit window still allows, given today.
pub fn earliest_editable(today: NaiveDate, window: EditWindow) -> Option<NaiveDate> {
    match window {
        EditWindow::LastDays(n) => today.checked_sub_days(Days::new(u64::from(n))),
        EditWindow::AnyPast => None,
    }
}

/// Refuses a future date, and a date before the edit window.
pub fn check_report_date(
    date: NaiveDate,
    today: NaiveDate,
    window: EditWindow,
) -> Result<(), ValidationError> {
    if date > today {
        return Err(ValidationError::FutureDate { date, today });
    }
    match earliest_editable(today, window) {
        Some(earliest) if date < earliest => {
            Err(ValidationError::OutsideEditWindow { date, earliest })
        }
        _ => Ok(()),
    }
}

/// The sum of a day's minutes.
pub fn day_total(entries: &[Entry]) -> u32 {
    entries.iter().map(|e| e.minutes.get()).sum()
}

/// A day's total against the grade's limit: what the monitor's page shows while typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCheck {
    pub total: u32,
    pub limit: u32,
}

impl DayCheck {
    pub fn new(grade: Grade, policy: &Policy, total: u32) -> Self {
        DayCheck { total, limit: policy.limit(grade) }
    }

    /// Minutes over the limit, if the day is over it (in grades 1–2, any minute is).
    pub fn over_by(&self) -> Option<u32> {
        (self.total > self.limit).then(|| self.total - self.limit)
    }

    /// Whether the total is impossible to store (more than 600 minutes).
    pub fn too_large(&self) -> bool {
        self.total > MAX_DAY_TOTAL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn e(subject: &str, minutes: i64) -> EntryInput {
        EntryInput { subject: subject.into(), minutes }
    }
    fn g7() -> Grade {
        Grade::new(7).unwrap()
    }

    #[test]
    fn valid_entries_come_back_in_order() {
        let p = Policy::default();
        let out = validate_entries(g7(), &p, &[e("math", 25), e("chinese", 30)]).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].subject.as_str(), "math");
        assert_eq!(day_total(&out), 55);
    }

    #[test]
    fn an_empty_day_is_a_valid_report_of_no_homework() {
        assert_eq!(validate_entries(g7(), &Policy::default(), &[]), Ok(vec![]));
    }

    #[test]
    fn minutes_outside_0_to_240_are_refused_with_the_subject_named() {
        let p = Policy::default();
        let err = validate_entries(g7(), &p, &[e("math", 300)]).unwrap_err();
        assert_eq!(err[0].code(), "minutes_out_of_range");
        assert_eq!(err[0].to_string(), "math: 300 minutes is more than 240");
        let err = validate_entries(g7(), &p, &[e("math", -1)]).unwrap_err();
        assert_eq!(err[0].to_string(), "math: -1 minutes is less than 0");
        assert!(validate_entries(g7(), &p, &[e("math", 240)]).is_ok());
        assert!(validate_entries(g7(), &p, &[e("math", 0)]).is_ok());
    }

    #[test]
    fn a_subject_the_grade_does_not_have_is_unknown() {
        let p = Policy::default();
        let g3 = Grade::new(3).unwrap();
        let err = validate_entries(g3, &p, &[e("chemistry", 10)]).unwrap_err();
        assert_eq!(err[0].code(), "unknown_subject");
        let err = validate_entries(g7(), &p, &[e("<b>x</b>", 10)]).unwrap_err();
        assert_eq!(err[0].code(), "unknown_subject");
    }

    #[test]
    fn a_subject_listed_twice_is_a_duplicate() {
        let err = validate_entries(g7(), &Policy::default(), &[e("math", 10), e("math", 20)])
            .unwrap_err();
        assert_eq!(err, vec![ValidationError::DuplicateSubject { subject: "math".into() }]);
    }

    #[test]
    fn a_day_over_600_minutes_is_refused_but_600_is_allowed() {
        let p = Policy::default();
        let day = |m: i64| [e("chinese", 240), e("math", 240), e("english", m)];
        assert!(validate_entries(g7(), &p, &day(120)).is_ok());
        let err = validate_entries(g7(), &p, &day(121)).unwrap_err();
        assert_eq!(err, vec![ValidationError::DayTotalTooLarge { total: 601 }]);
    }

    #[test]
    fn every_problem_is_listed_not_just_the_first() {
        let err = validate_entries(
            g7(),
            &Policy::default(),
            &[e("art", 1), e("math", 999), e("math", 1)],
        )
        .unwrap_err();
        let codes: Vec<_> = err.iter().map(ValidationError::code).collect();
        assert_eq!(codes, ["unknown_subject", "minutes_out_of_range", "duplicate_subject"]);
    }

    #[test]
    fn future_dates_are_refused_for_everyone() {
        let today = d("2026-11-20");
        for w in [EditWindow::AnyPast, EditWindow::LastDays(MONITOR_EDIT_DAYS)] {
            assert_eq!(check_report_date(today, today, w), Ok(()));
            assert_eq!(
                check_report_date(d("2026-11-21"), today, w).map_err(|e| e.code()),
                Err("future_date")
            );
        }
    }

    #[test]
    fn a_monitor_may_record_from_seven_days_ago_to_today() {
        let today = d("2026-11-20");
        let monitor = EditWindow::LastDays(MONITOR_EDIT_DAYS);
        assert_eq!(check_report_date(d("2026-11-13"), today, monitor), Ok(()));
        assert_eq!(
            check_report_date(d("2026-11-12"), today, monitor),
            Err(ValidationError::OutsideEditWindow {
                date: d("2026-11-12"),
                earliest: d("2026-11-13")
            })
        );
        assert_eq!(check_report_date(d("2020-01-01"), today, EditWindow::AnyPast), Ok(()));
    }

    #[test]
    fn notes_are_limited_in_characters_not_bytes() {
        assert!(validate_note(&"作".repeat(MAX_NOTE_CHARS)).is_ok());
        assert!(validate_note(&"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
    }

    #[test]
    fn the_day_check_is_over_only_above_the_limit_and_any_minute_in_grade_one() {
        let p = Policy::default();
        assert_eq!(DayCheck::new(g7(), &p, 90).over_by(), None);
        assert_eq!(DayCheck::new(g7(), &p, 91).over_by(), Some(1));
        let g1 = Grade::new(1).unwrap();
        assert_eq!(DayCheck::new(g1, &p, 0).over_by(), None);
        assert_eq!(DayCheck::new(g1, &p, 5).over_by(), Some(5));
        assert!(DayCheck::new(g7(), &p, 601).too_large());
    }
}
