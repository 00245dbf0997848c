//! What the flag engine makes of the reports: a class's summary and a grade's comparison (JSON,
//! or CSV for spreadsheets), and the helpers the dashboards share with them.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Serialize;
use shared::api::{ClassInfo, ClassSummary, ComparisonRow, GradeComparison};
use shared::calendar::SchoolCalendar;
use shared::flags::{ClassDays, ClassEvaluation, GradeEvaluation, GradeInput, evaluate_grade};
use shared::{ClassId, Grade, Lang, Policy, SchoolId, Window, round1};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::clock::today_in;
use crate::db::{Account, School, Store, school_day_sums};
use crate::error::{AppError, AppResult};
use crate::http::calendar::{class_starts, school_calendar};
use crate::http::classes::summarised_class;
use crate::http::extract::GradeRequest;
use crate::http::extract::{AppPath, AppQuery, RangeQuery};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/classes/{class_id}/summary", get(class_summary))
        .route("/schools/{school_id}/grades/{grade}/comparison", get(comparison::<false>))
        .route("/schools/{school_id}/grades/{grade}/comparison.csv", get(comparison::<true>))
}

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
    let expected = super::expected::expected_of(store, &classes, window, &calendar, policy).await?;
    for eval in &mut evaluation.classes {
        if let Some(e) = expected.get(&eval.class_id) {
            let flags = e.above.iter().map(|a| shared::Flag::new(eval.class_id, a.reason()));
            eval.flags.extend(flags);
        }
    }
    Ok(JudgedGrade { classes, evaluation, calendar, expected })
}

/// The school of a path, or `404 school_not_found`.
pub async fn school(state: &AppState, id: SchoolId) -> AppResult<School> {
    state
        .store
        .school(id)
        .await?
        .ok_or_else(|| AppError::not_found("school_not_found", format!("there is no school {id}")))
}

async fn class_summary(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(class_id): AppPath<ClassId>,
    AppQuery(range): AppQuery<RangeQuery>,
) -> AppResult<Json<ClassSummary>> {
    let class = summarised_class(&state, &user, class_id).await?;
    let school = school(&state, class.school_id).await?;
    let policy = state.store.policy(school.id).await?;
    let window = range.window(today_in(&school), policy.window_days)?;
    let judged =
        judge_class(state.store.as_ref(), &school, &class, window, &policy, today_in(&school))
            .await?;
    let expected_vs_actual = judged.expected.map(|e| e.rows).unwrap_or_default();
    let eval = judged.class;
    // Subject averages over the school days only, as the daily average (weekend homework out).
    let sums = if eval.days_reported > 0 {
        let days = state.store.subject_days(&[class.id], window).await?.remove(&class.id);
        school_day_sums(days.unwrap_or_default(), &judged.calendar)
    } else {
        Default::default()
    };
    Ok(Json(ClassSummary {
        class_id: class.id,
        from: window.from(),
        to: window.to(),
        days_reported: eval.days_reported,
        average_daily_minutes: eval.average_daily_minutes,
        subject_averages: subject_averages(sums, eval.days_reported),
        flags: eval.flags,
        grade: class.grade,
        limit_minutes: judged.limit_minutes,
        grade_average_minutes: judged.grade_average_minutes,
        expected_vs_actual,
    }))
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

/// The school and grade of a path that the caller may compare.
pub async fn comparable(
    state: &AppState,
    user: &Account,
    school_id: SchoolId,
    grade: &str,
) -> AppResult<(School, Grade)> {
    let school = school(state, school_id).await?;
    let grade = grade.parse::<i64>().ok().and_then(|g| Grade::new(g).ok()).ok_or_else(|| {
        let shown: String = grade.chars().take(10).collect();
        AppError::not_found("grade_not_found", format!("there is no grade {shown:?}"))
    })?;
    if !user.can_compare(school.id, grade) {
        return Err(AppError::Forbidden("your account may not compare this grade"));
    }
    Ok((school, grade))
}

async fn build_comparison(
    state: &AppState,
    user: &Account,
    school_id: SchoolId,
    grade: &str,
    range: &RangeQuery,
) -> AppResult<GradeComparison> {
    let (school, grade) = comparable(state, user, school_id, grade).await?;
    let policy = state.store.policy(school.id).await?;
    let window = range.window(today_in(&school), policy.window_days)?;
    let judged = judge_grade(state, &school, grade, window, &policy, None).await?;
    let rows = comparison_rows(&judged.classes, judged.evaluation.classes);
    Ok(GradeComparison {
        school_id: school.id,
        grade,
        from: window.from(),
        to: window.to(),
        limit_minutes: judged.evaluation.limit_minutes,
        grade_average_minutes: judged.evaluation.grade_average_minutes,
        classes: rows,
    })
}

/// The comparison as JSON (or CSV when the client accepts it); as CSV on the `.csv` path (`CSV`).
async fn comparison<const CSV: bool>(
    State(state): State<AppState>,
    request: GradeRequest<SchoolId>,
) -> AppResult<Response> {
    let GradeRequest { user, id, grade, range, .. } = &request;
    let report = build_comparison(&state, user, *id, grade, range).await?;
    Ok(request.answer(&report, CSV, comparison_table))
}

fn comparison_table(report: &GradeComparison, lang: Lang) -> (String, String) {
    let name = format!("grade-{}-{}-{}.csv", report.grade, report.from, report.to);
    (name, super::csv::grade_comparison(report, lang))
}

/// The language of the `Accept-Language` header (Chinese when it says nothing).
pub fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Zh, Lang::from_accept_language)
}

/// JSON, or the CSV that `table` writes when the path ends in `.csv` (`csv_path`) or the
/// client accepts `text/csv`.
pub fn json_or_csv<T: Serialize>(
    headers: &HeaderMap,
    lang: Lang,
    value: &T,
    csv_path: bool,
    table: impl FnOnce(&T, Lang) -> (String, String),
) -> Response {
    let wants_csv = csv_path
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"));
    if !wants_csv {
        return Json(value).into_response();
    }
    let (filename, body) = table(value, lang);
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
