//! The flag engine run over what the stores hold: a grade's classes judged together, and one
//! class judged with its grade (what a class summary shows and what cases are judged by). The
//! rules themselves are `shared::flags`; this gathers their input (classes, day totals, the
//! school calendar, class starts, plans). A helper, not a resource.

use chrono::NaiveDate;
use shared::api::{ClassInfo, ComparisonRow};
use shared::calendar::SchoolCalendar;
use shared::flags::{ClassDays, ClassEvaluation, GradeEvaluation, GradeInput, evaluate_grade};
use shared::{ClassId, Grade, Policy, Window, round1};

use crate::AppState;
use crate::clock::today_in;
use crate::db::{School, Store};
use crate::error::{AppError, AppResult};
use crate::http::calendar::{class_starts, school_calendar};
use crate::http::expected::expected_of;

/// The classes of one grade judged together over a window, and the school's calendar there.
pub struct JudgedGrade {
    pub classes: Vec<ClassInfo>,
    pub evaluation: GradeEvaluation,
    pub calendar: SchoolCalendar,
    /// Expected against actual, for the classes with plans in the window.
    pub expected: std::collections::HashMap<ClassId, shared::plans::ExpectedEvaluation>,
}

/// The comparison's row of each judged class ([`JudgedGrade`]'s classes and their evaluations).
pub fn comparison_rows(
    classes: &[ClassInfo],
    evaluations: Vec<ClassEvaluation>,
) -> Vec<ComparisonRow> {
    classes
        .iter()
        .zip(evaluations)
        .map(|(class, e)| ComparisonRow {
            class_id: class.id,
            name: class.name.clone(),
            days_reported: e.days_reported,
            average_daily_minutes: e.average_daily_minutes,
            deviation_minutes: e.deviation_minutes,
            deviation_ratio: e.deviation_ratio,
            flags: e.flags,
        })
        .collect()
}

/// Runs the flag engine over a grade's active classes (and `also`, an archived class whose own
/// summary is asked for), as of the school's today.
pub async fn judge_grade(
    state: &AppState,
    school: &School,
    grade: Grade,
    window: Window,
    policy: &Policy,
    also: Option<&ClassInfo>,
) -> AppResult<JudgedGrade> {
    judge_grade_on(state.store.as_ref(), school, grade, window, policy, also, today_in(school))
        .await
}

/// [`judge_grade`] as of a given `today` (what "yesterday" means for missing reports), for the
/// server's own chores whose clock a test may set.
pub async fn judge_grade_on(
    store: &dyn Store,
    school: &School,
    grade: Grade,
    window: Window,
    policy: &Policy,
    also: Option<&ClassInfo>,
    today: NaiveDate,
) -> AppResult<JudgedGrade> {
    let mut classes = store.classes(school.id, Some(grade)).await?;
    if let Some(extra) = also.filter(|c| !classes.iter().any(|x| x.id == c.id)) {
        classes.push(extra.clone());
    }
    let ids: Vec<ClassId> = classes.iter().map(|c| c.id).collect();
    let mut totals = store.day_totals(&ids, window).await?;
    let calendar = school_calendar(store, school, window).await?;
    let starts = class_starts(store, school).await?;
    let days: Vec<ClassDays> = classes
        .iter()
        .map(|c| ClassDays {
            class_id: c.id,
            totals: totals.remove(&c.id).unwrap_or_default(),
            start: starts.get(&c.id).copied(),
        })
        .collect();
    let mut evaluation = evaluate_grade(&GradeInput {
        grade,
        policy,
        window,
        today,
        calendar: &calendar,
        classes: &days,
    });
    let expected = expected_of(store, &classes, window, &calendar, policy).await?;
    for eval in &mut evaluation.classes {
        if let Some(e) = expected.get(&eval.class_id) {
            let flags = e.above.iter().map(|a| shared::Flag::new(eval.class_id, a.reason()));
            eval.flags.extend(flags);
        }
    }
    Ok(JudgedGrade { classes, evaluation, calendar, expected })
}

/// One class judged with its grade over a window: what the class's summary shows, and "the
/// class's flags over a window" that a case is opened from and rechecked against.
pub struct JudgedClass {
    pub class: ClassEvaluation,
    pub limit_minutes: u32,
    pub grade_average_minutes: Option<f64>,
    /// The school's calendar over the window (which reported days were school days).
    pub calendar: SchoolCalendar,
    /// Expected against actual, if the class had plans in the window (its flags are among the
    /// class's).
    pub expected: Option<shared::plans::ExpectedEvaluation>,
}

/// The flag engine's verdict on one class over a window, judged with its grade (as of `today`),
/// `actual_above_expected` included: what the summary shows and what cases are judged by.
pub async fn judge_class(
    store: &dyn Store,
    school: &School,
    class: &ClassInfo,
    window: Window,
    policy: &Policy,
    today: NaiveDate,
) -> AppResult<JudgedClass> {
    let mut judged =
        judge_grade_on(store, school, class.grade, window, policy, Some(class), today).await?;
    let expected = judged.expected.remove(&class.id);
    let eval = judged
        .evaluation
        .classes
        .into_iter()
        .find(|c| c.class_id == class.id)
        .ok_or_else(|| AppError::Internal("class missing from its grade".into()))?;
    Ok(JudgedClass {
        class: eval,
        limit_minutes: judged.evaluation.limit_minutes,
        grade_average_minutes: judged.evaluation.grade_average_minutes,
        calendar: judged.calendar,
        expected,
    })
}

/// Minutes per subject over the reported days, one decimal: they add up to the daily average.
pub fn subject_averages(
    sums: std::collections::BTreeMap<String, u64>,
    days_reported: u32,
) -> std::collections::BTreeMap<String, f64> {
    let days = f64::from(days_reported.max(1));
    sums.into_iter().map(|(s, m)| (s, round1(m as f64 / days))).collect()
}
