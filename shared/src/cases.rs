//! Cases (整改闭环): a flag of a class over a window turned into a case, acted on, and rechecked
//! over the window after the action. The wire types of the Cases API and the pure rules of a
//! case's life: which kinds make a case, when an action may take effect, which window a recheck
//! looks at and when, and how each step changes the status. No I/O: the server applies them,
//! the web app shows them.

use crate::calendar::Window;
use crate::{ClassId, Grade, SchoolId, UserId};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest text of an action, in characters.
pub const MAX_ACTION_CHARS: usize = 2000;

/// The kind of a case opened from a spot check's discrepancy (not a flag of the engine).
pub const SPOT_CHECK_DISCREPANCY: &str = "spot_check_discrepancy";

/// The flag kinds a case may be opened for with `POST /cases`: every flag kind of the engine
/// but `over_daily_limit` (one day is not a pattern to rectify).
pub const FLAG_CASE_KINDS: &[&str] = &[
    "over_average_limit",
    "drift_above",
    "drift_below",
    "missing_reports",
    "actual_above_expected",
];

/// The flag kind that names a subject (its cases carry it).
pub const SUBJECT_KIND: &str = "actual_above_expected";

/// Where a case stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    ActionTaken,
    Resolved,
    Escalated,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::ActionTaken => "action_taken",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Escalated => "escalated",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        [CaseStatus::Open, CaseStatus::ActionTaken, CaseStatus::Resolved, CaseStatus::Escalated]
            .into_iter()
            .find(|c| c.as_str() == s)
    }

    /// A live case blocks another of the same class, kind and subject: open, acted on, or
    /// escalated (only `resolved` ends a case).
    pub fn is_live(self) -> bool {
        self != CaseStatus::Resolved
    }
}

/// A case's window: the flag's window when it was opened.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseWindow {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What someone did about a case, and from which day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseAction {
    /// When it was recorded (RFC 3339, UTC).
    pub at: String,
    /// Who recorded it (display name).
    pub by: String,
    #[serde(default)]
    pub by_id: Option<UserId>,
    pub text: String,
    /// The day the action took effect.
    pub effective_date: NaiveDate,
}

/// What the latest recheck found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recheck {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub flag_holds: bool,
    pub at: String,
    /// Who rechecked (display name), or [`SYSTEM`] for the server's morning run.
    pub by: String,
}

/// The `by` of a recheck the server did on its own.
pub const SYSTEM: &str = "system";

/// A case (API.md "Cases").
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: i64,
    pub school_id: SchoolId,
    pub class_id: ClassId,
    pub grade: Grade,
    #[serde(default)]
    pub class_name: String,
    pub kind: String,
    pub subject: Option<String>,
    pub window: CaseWindow,
    /// The flag (or the spot check's numbers) as it stood when the case was opened.
    pub numbers: serde_json::Value,
    pub status: CaseStatus,
    /// Who opened it (display name).
    pub opened_by: String,
    #[serde(default)]
    pub opened_by_id: Option<UserId>,
    pub opened_at: String,
    pub assignee_id: Option<UserId>,
    pub due_date: Option<NaiveDate>,
    pub actions: Vec<CaseAction>,
    pub recheck: Option<Recheck>,
    /// Past its due date and neither resolved nor escalated (as of the school's today).
    #[serde(default)]
    pub overdue: bool,
}

/// `POST /api/v1/cases`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub class_id: ClassId,
    pub kind: String,
    #[serde(default)]
    pub subject: Option<String>,
    pub from: String,
    pub to: String,
}

/// `PATCH /api/v1/cases/{id}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasePatch {
    #[serde(default)]
    pub assignee_id: Option<UserId>,
    #[serde(default)]
    pub due_date: Option<String>,
}

/// `POST /api/v1/cases/{id}/actions`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAction {
    pub text: String,
    #[serde(default)]
    pub effective_date: Option<String>,
}

/// The grade's half-monthly report of its cases: those opened, acted on, resolved and escalated
/// in the period (a case may appear under several).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CasesReport {
    pub school_id: SchoolId,
    pub grade: Grade,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub opened: Vec<Case>,
    pub acted_on: Vec<Case>,
    pub resolved: Vec<Case>,
    pub escalated: Vec<Case>,
}

/// Why a step of a case's life is refused; each has the API's code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseRuleError {
    #[error("{0} is not a kind of case that can be opened from a flag")]
    InvalidKind(String),
    #[error("the action's text must have 1 to {MAX_ACTION_CHARS} characters (it has {0})")]
    InvalidText(usize),
    #[error("an action on this case takes effect between {earliest} and {latest}, not {date}")]
    InvalidActionDate { date: NaiveDate, earliest: NaiveDate, latest: NaiveDate },
    #[error("nothing has been done about this case yet: record an action first")]
    NoActionYet,
    #[error("the recheck window {from} to {to} has not ended before today")]
    RecheckTooEarly { from: NaiveDate, to: NaiveDate },
    #[error("this case is resolved; it takes no more changes")]
    Closed,
}

impl CaseRuleError {
    pub fn code(&self) -> &'static str {
        match self {
            // Not a kind a case is opened for: no flag of a case kind is raised.
            CaseRuleError::InvalidKind(_) => "flag_not_raised",
            CaseRuleError::InvalidText(_) => "invalid_text",
            CaseRuleError::InvalidActionDate { .. } => "invalid_action_date",
            CaseRuleError::NoActionYet => "no_action_yet",
            CaseRuleError::RecheckTooEarly { .. } => "recheck_too_early",
            CaseRuleError::Closed => "case_closed",
        }
    }
}

/// Whether `POST /cases` may open a case of this kind.
pub fn check_flag_kind(kind: &str) -> Result<(), CaseRuleError> {
    if FLAG_CASE_KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(CaseRuleError::InvalidKind(kind.chars().take(40).collect()))
    }
}

/// The subject a case of this kind carries: only a subject flag's; none for the others.
pub fn case_subject(kind: &str, subject: Option<&str>) -> Option<String> {
    if kind == SUBJECT_KIND { subject.map(str::to_owned) } else { None }
}

/// An action's text: 1 to 2,000 characters.
pub fn check_action_text(text: &str) -> Result<(), CaseRuleError> {
    let n = text.chars().count();
    if n == 0 || n > MAX_ACTION_CHARS { Err(CaseRuleError::InvalidText(n)) } else { Ok(()) }
}

/// The days an action on a case may take effect: from the day after the case's window to today,
/// both included (empty when today is not after the window).
pub fn action_date_bounds(window: CaseWindow, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (next_day(window.to), today)
}

/// Whether an action may take effect on `date`.
pub fn check_action_date(
    window: CaseWindow,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<(), CaseRuleError> {
    let (earliest, latest) = action_date_bounds(window, today);
    if date < earliest || date > latest {
        Err(CaseRuleError::InvalidActionDate { date, earliest, latest })
    } else {
        Ok(())
    }
}

/// The status after an action is recorded: `action_taken`, unless the case is resolved.
pub fn after_action(status: CaseStatus) -> Result<CaseStatus, CaseRuleError> {
    match status {
        CaseStatus::Resolved => Err(CaseRuleError::Closed),
        _ => Ok(CaseStatus::ActionTaken),
    }
}

/// The day the latest action took effect, if any.
pub fn latest_effective_date(actions: &[CaseAction]) -> Option<NaiveDate> {
    actions.iter().map(|a| a.effective_date).max()
}

/// The window a recheck looks at: `window_days` days starting the day after `effective`.
pub fn recheck_window(effective: NaiveDate, window_days: u32) -> Window {
    let from = next_day(effective);
    let to = from.checked_add_days(Days::new(u64::from(window_days.max(1)) - 1)).unwrap_or(from);
    Window::new(from, to).unwrap_or_else(|_| Window::ending(from, 1))
}

/// Whether a case may be rechecked today, and over which window: it needs an action, a status
/// that is not resolved, and a recheck window that ended before today (one ending today is too
/// early).
pub fn check_recheck(
    status: CaseStatus,
    actions: &[CaseAction],
    window_days: u32,
    today: NaiveDate,
) -> Result<Window, CaseRuleError> {
    if status == CaseStatus::Resolved {
        return Err(CaseRuleError::Closed);
    }
    let effective = latest_effective_date(actions).ok_or(CaseRuleError::NoActionYet)?;
    let window = recheck_window(effective, window_days);
    if window.to() >= today {
        return Err(CaseRuleError::RecheckTooEarly { from: window.from(), to: window.to() });
    }
    Ok(window)
}

/// Whether the morning's run rechecks this case today: acted on, and its window has ended.
pub fn due_for_recheck(
    status: CaseStatus,
    actions: &[CaseAction],
    window_days: u32,
    today: NaiveDate,
) -> bool {
    status == CaseStatus::ActionTaken && check_recheck(status, actions, window_days, today).is_ok()
}

/// The status a recheck leaves: still flagged is `escalated`, else `resolved`.
pub fn after_recheck(flag_holds: bool) -> CaseStatus {
    if flag_holds { CaseStatus::Escalated } else { CaseStatus::Resolved }
}

/// Past its due date and still waiting for a result (open or acted on).
pub fn is_overdue(status: CaseStatus, due: Option<NaiveDate>, today: NaiveDate) -> bool {
    matches!(status, CaseStatus::Open | CaseStatus::ActionTaken) && due.is_some_and(|d| d < today)
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn action(effective: &str) -> CaseAction {
        CaseAction {
            at: "2026-11-01T00:00:00Z".into(),
            by: "T".into(),
            by_id: Some(1),
            text: "talked to the teachers".into(),
            effective_date: d(effective),
        }
    }

    const WINDOW: CaseWindow = CaseWindow {
        from: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 10, 14).unwrap(),
    };

    #[test]
    fn every_flag_kind_but_over_daily_limit_makes_a_case() {
        for kind in FLAG_CASE_KINDS {
            assert!(check_flag_kind(kind).is_ok());
        }
        for kind in ["over_daily_limit", SPOT_CHECK_DISCREPANCY, "nonsense", ""] {
            assert_eq!(check_flag_kind(kind).unwrap_err().code(), "flag_not_raised");
        }
    }

    #[test]
    fn only_a_subject_flag_carries_a_subject() {
        assert_eq!(case_subject(SUBJECT_KIND, Some("math")), Some("math".into()));
        assert_eq!(case_subject("drift_above", Some("math")), None);
    }

    #[test]
    fn an_action_takes_effect_from_the_day_after_the_window_to_today() {
        let today = d("2026-10-20");
        assert!(check_action_date(WINDOW, d("2026-10-15"), today).is_ok());
        assert!(check_action_date(WINDOW, today, today).is_ok());
        for bad in ["2026-10-14", "2026-10-21", "2026-09-01"] {
            assert_eq!(
                check_action_date(WINDOW, d(bad), today).unwrap_err().code(),
                "invalid_action_date"
            );
        }
        // Today still inside the window: no day is allowed.
        assert!(check_action_date(WINDOW, d("2026-10-14"), d("2026-10-14")).is_err());
    }

    #[test]
    fn an_action_text_has_1_to_2000_characters() {
        assert!(check_action_text("x").is_ok());
        assert!(check_action_text(&"字".repeat(2000)).is_ok());
        assert!(check_action_text(&"字".repeat(2001)).is_err());
        assert!(check_action_text("").is_err());
    }

    #[test]
    fn a_recheck_needs_an_action_and_a_window_ended_before_today() {
        assert_eq!(
            check_recheck(CaseStatus::Open, &[], 14, d("2026-12-01")).unwrap_err().code(),
            "no_action_yet"
        );
        let acts = [action("2026-10-15")];
        // 2026-10-16 .. 2026-10-29
        let w = check_recheck(CaseStatus::ActionTaken, &acts, 14, d("2026-10-30")).unwrap();
        assert_eq!((w.from(), w.to()), (d("2026-10-16"), d("2026-10-29")));
        assert_eq!(
            check_recheck(CaseStatus::ActionTaken, &acts, 14, d("2026-10-29")).unwrap_err().code(),
            "recheck_too_early"
        );
        assert_eq!(
            check_recheck(CaseStatus::Resolved, &acts, 14, d("2026-12-30")).unwrap_err().code(),
            "case_closed"
        );
        // An escalated case may be rechecked again.
        assert!(check_recheck(CaseStatus::Escalated, &acts, 14, d("2026-10-30")).is_ok());
    }

    #[test]
    fn the_latest_action_sets_the_recheck_window() {
        let acts = [action("2026-10-20"), action("2026-10-15")];
        let w = check_recheck(CaseStatus::ActionTaken, &acts, 7, d("2026-10-30")).unwrap();
        assert_eq!((w.from(), w.to()), (d("2026-10-21"), d("2026-10-27")));
    }

    #[test]
    fn statuses_move_as_the_design_says() {
        assert_eq!(after_action(CaseStatus::Open), Ok(CaseStatus::ActionTaken));
        assert_eq!(after_action(CaseStatus::Escalated), Ok(CaseStatus::ActionTaken));
        assert_eq!(after_action(CaseStatus::ActionTaken), Ok(CaseStatus::ActionTaken));
        assert_eq!(after_action(CaseStatus::Resolved), Err(CaseRuleError::Closed));
        assert_eq!(after_recheck(true), CaseStatus::Escalated);
        assert_eq!(after_recheck(false), CaseStatus::Resolved);
        assert!(CaseStatus::Open.is_live() && CaseStatus::Escalated.is_live());
        assert!(!CaseStatus::Resolved.is_live());
    }

    #[test]
    fn only_waiting_cases_past_their_due_date_are_overdue() {
        let today = d("2026-10-20");
        assert!(is_overdue(CaseStatus::Open, Some(d("2026-10-19")), today));
        assert!(!is_overdue(CaseStatus::Open, Some(today), today));
        assert!(!is_overdue(CaseStatus::Open, None, today));
        assert!(!is_overdue(CaseStatus::Resolved, Some(d("2026-10-01")), today));
        assert!(is_overdue(CaseStatus::ActionTaken, Some(d("2026-10-01")), today));
    }

    #[test]
    fn statuses_have_their_wire_names() {
        for s in ["open", "action_taken", "resolved", "escalated"] {
            let status = CaseStatus::parse(s).unwrap();
            assert_eq!(serde_json::to_value(status).unwrap(), serde_json::json!(s));
        }
        assert_eq!(CaseStatus::parse("closed"), None);
    }

    proptest! {
        #[test]
        fn a_recheck_window_has_window_days_days_after_the_action(
            offset in 0u64..3000, days in 1u32..60
        ) {
            let effective = d("2020-01-01").checked_add_days(Days::new(offset)).unwrap();
            let w = recheck_window(effective, days);
            prop_assert_eq!(w.len_days(), days);
            prop_assert_eq!(w.from(), effective.succ_opt().unwrap());
        }

        #[test]
        fn a_recheck_is_allowed_exactly_when_its_window_has_ended(
            offset in 0u64..100, days in 1u32..30, today_offset in 0u64..200
        ) {
            let effective = d("2026-01-01").checked_add_days(Days::new(offset)).unwrap();
            let today = d("2026-01-01").checked_add_days(Days::new(today_offset)).unwrap();
            let acts = [CaseAction { effective_date: effective, ..action("2026-01-01") }];
            let allowed = check_recheck(CaseStatus::ActionTaken, &acts, days, today).is_ok();
            prop_assert_eq!(allowed, recheck_window(effective, days).to() < today);
            prop_assert_eq!(allowed, due_for_recheck(CaseStatus::ActionTaken, &acts, days, today));
        }

        #[test]
        fn an_action_date_is_valid_exactly_inside_its_bounds(
            a in 0u64..60, b in 0u64..60
        ) {
            let date = d("2026-10-01").checked_add_days(Days::new(a)).unwrap();
            let today = d("2026-10-01").checked_add_days(Days::new(b)).unwrap();
            let ok = check_action_date(WINDOW, date, today).is_ok();
            prop_assert_eq!(ok, date > WINDOW.to && date <= today);
        }
    }
}
