//! The tables behind the grade and school pages: class × day totals (the heat map), class ×
//! subject averages, the school overview, and a class's days as CSV.

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use shared::api::{
    AttentionClass, ClassDayTotals, ClassSubjects, DayReport, DayTotal, GradeDays, GradeGlance,
    GradeSubjects, SchoolOverview,
};
use shared::{ClassId, Grade, SchoolId, Severity};
use std::collections::{BTreeMap, HashMap};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::clock::today_in;
use crate::db::school_day_sums;
use crate::error::{AppError, AppResult};
use crate::http::calendar::{class_starts, mark_school_days, school_calendar};
use crate::http::classes::readable_class;
use crate::http::csv;
use crate::http::extract::{AppPath, AppQuery, RangeQuery};
use crate::http::summary::{comparable, json_or_csv, judge_grade, school, subject_averages};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/schools/{school_id}/grades/{grade}/days", get(days))
        .route("/schools/{school_id}/grades/{grade}/days.csv", get(days_csv))
        .route("/schools/{school_id}/grades/{grade}/subjects", get(subjects))
        .route("/schools/{school_id}/grades/{grade}/subjects.csv", get(subjects_csv))
        .route("/schools/{school_id}/overview", get(overview))
        .route("/schools/{school_id}/overview.csv", get(overview_csv))
        .route("/classes/{class_id}/reports.csv", get(class_reports_csv))
}

type GradePath = AppPath<(SchoolId, String)>;

async fn grade_days(
    state: &AppState,
    user: &crate::db::Account,
    school_id: SchoolId,
    grade: &str,
    range: &RangeQuery,
) -> AppResult<GradeDays> {
    let (school, grade) = comparable(state, user, school_id, grade).await?;
    let policy = state.store.policy(school.id).await?;
    let window = range.window(today_in(&school), policy.window_days)?;
    let classes = state.store.classes(school.id, Some(grade)).await?;
    let ids: Vec<ClassId> = classes.iter().map(|c| c.id).collect();
    let mut totals = state.store.day_totals(&ids, window).await?;
    let calendar = school_calendar(state.store.as_ref(), &school, window).await?;
    let starts = class_starts(state.store.as_ref(), &school).await?;
    Ok(GradeDays {
        school_id: school.id,
        grade,
        from: window.from(),
        to: window.to(),
        limit_minutes: policy.limit(grade),
        school_days: calendar.school_days(window).collect(),
        classes: classes
            .into_iter()
            .map(|c| ClassDayTotals {
                class_id: c.id,
                start: starts.get(&c.id).copied(),
                days: totals
                    .remove(&c.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(date, total_minutes)| DayTotal { date, total_minutes })
                    .collect(),
                name: c.name,
            })
            .collect(),
    })
}

async fn days(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath((school_id, grade)): GradePath,
    AppQuery(range): AppQuery<RangeQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let table = grade_days(&state, &user, school_id, &grade, &range).await?;
    Ok(json_or_csv(&headers, range.lang(&headers), &table, false, csv::grade_days))
}

async fn days_csv(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath((school_id, grade)): GradePath,
    AppQuery(range): AppQuery<RangeQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let table = grade_days(&state, &user, school_id, &grade, &range).await?;
    Ok(json_or_csv(&headers, range.lang(&headers), &table, true, csv::grade_days))
}

async fn grade_subjects(
    state: &AppState,
    user: &crate::db::Account,
    school_id: SchoolId,
    grade: &str,
    range: &RangeQuery,
) -> AppResult<GradeSubjects> {
    let (school, grade) = comparable(state, user, school_id, grade).await?;
    let policy = state.store.policy(school.id).await?;
    let window = range.window(today_in(&school), policy.window_days)?;
    let classes = state.store.classes(school.id, Some(grade)).await?;
    let ids: Vec<ClassId> = classes.iter().map(|c| c.id).collect();
    let totals = state.store.day_totals(&ids, window).await?;
    let mut days = state.store.subject_days(&ids, window).await?;
    let calendar = school_calendar(state.store.as_ref(), &school, window).await?;
    let mut subjects: Vec<String> = policy.subjects(grade).iter().map(|s| s.to_string()).collect();
    // Only school days count (DESIGN.md): weekend homework enters no average.
    let mut sums: HashMap<ClassId, BTreeMap<String, u64>> =
        days.drain().map(|(id, by_day)| (id, school_day_sums(by_day, &calendar))).collect();
    for found in sums.values().flat_map(|m| m.keys()) {
        if !subjects.contains(found) {
            subjects.push(found.clone());
        }
    }
    Ok(GradeSubjects {
        school_id: school.id,
        grade,
        from: window.from(),
        to: window.to(),
        subjects,
        classes: classes
            .into_iter()
            .map(|c| {
                let days_reported = totals
                    .get(&c.id)
                    .map_or(0, |d| d.keys().filter(|x| calendar.is_school_day(**x)).count() as u32);
                ClassSubjects {
                    class_id: c.id,
                    days_reported,
                    subject_averages: subject_averages(
                        sums.remove(&c.id).unwrap_or_default(),
                        days_reported,
                    ),
                    name: c.name,
                }
            })
            .collect(),
    })
}

async fn subjects(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath((school_id, grade)): GradePath,
    AppQuery(range): AppQuery<RangeQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let table = grade_subjects(&state, &user, school_id, &grade, &range).await?;
    Ok(json_or_csv(&headers, range.lang(&headers), &table, false, csv::grade_subjects))
}

async fn subjects_csv(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath((school_id, grade)): GradePath,
    AppQuery(range): AppQuery<RangeQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let table = grade_subjects(&state, &user, school_id, &grade, &range).await?;
    Ok(json_or_csv(&headers, range.lang(&headers), &table, true, csv::grade_subjects))
}

async fn school_overview(
    state: &AppState,
    user: &crate::db::Account,
    school_id: SchoolId,
    range: &RangeQuery,
) -> AppResult<SchoolOverview> {
    let school = school(state, school_id).await?;
    if !user.oversees(school.id) {
        if school.id != user.school_id {
            return Err(AppError::Forbidden("your account may not see this school"));
        }
        user.require_admin()?;
    }
    let policy = state.store.policy(school.id).await?;
    let window = range.window(today_in(&school), policy.window_days)?;
    let mut present: Vec<Grade> =
        state.store.classes(school.id, None).await?.iter().map(|c| c.grade).collect();
    present.dedup();
    let mut grades = Vec::new();
    let mut attention = Vec::new();
    for grade in present {
        let judged = judge_grade(state, &school, grade, window, &policy, None).await?;
        let mut flag_counts: BTreeMap<String, u32> = BTreeMap::new();
        for (class, eval) in judged.classes.iter().zip(&judged.evaluation.classes) {
            for f in &eval.flags {
                *flag_counts.entry(f.kind().to_owned()).or_default() += 1;
            }
            if !eval.flags.is_empty() {
                attention.push(AttentionClass {
                    class_id: class.id,
                    name: class.name.clone(),
                    grade,
                    average_daily_minutes: eval.average_daily_minutes,
                    limit_minutes: judged.evaluation.limit_minutes,
                    flags: eval.flags.clone(),
                });
            }
        }
        grades.push(GradeGlance {
            grade,
            limit_minutes: judged.evaluation.limit_minutes,
            grade_average_minutes: judged.evaluation.grade_average_minutes,
            class_count: judged.classes.len() as u32,
            flag_counts,
        });
    }
    // Alerts first, then the classes furthest over their limit, then the most flags.
    attention.sort_by(|a, b| {
        let alert = |c: &AttentionClass| c.flags.iter().any(|f| f.severity == Severity::Alert);
        let over = |c: &AttentionClass| {
            c.average_daily_minutes.unwrap_or(0.0) - f64::from(c.limit_minutes)
        };
        alert(b)
            .cmp(&alert(a))
            .then(over(b).total_cmp(&over(a)))
            .then(b.flags.len().cmp(&a.flags.len()))
    });
    Ok(SchoolOverview {
        school_id: school.id,
        from: window.from(),
        to: window.to(),
        grades,
        attention,
    })
}

async fn overview(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(school_id): AppPath<SchoolId>,
    AppQuery(range): AppQuery<RangeQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let table = school_overview(&state, &user, school_id, &range).await?;
    Ok(json_or_csv(&headers, range.lang(&headers), &table, false, csv::school_overview))
}

async fn overview_csv(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(school_id): AppPath<SchoolId>,
    AppQuery(range): AppQuery<RangeQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let table = school_overview(&state, &user, school_id, &range).await?;
    Ok(json_or_csv(&headers, range.lang(&headers), &table, true, csv::school_overview))
}

/// A class's days with the window it covers, for the CSV.
#[derive(serde::Serialize)]
pub struct ClassDaysTable {
    pub class_name: String,
    pub subjects: Vec<String>,
    pub reports: Vec<DayReport>,
}

async fn class_reports_csv(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(class_id): AppPath<ClassId>,
    AppQuery(range): AppQuery<RangeQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let class = readable_class(&state, &user, class_id).await?;
    let school = school(&state, class.school_id).await?;
    let policy = state.store.policy(school.id).await?;
    let window = range.window(today_in(&school), policy.window_days)?;
    let mut reports = state.store.reports(class.id, window).await?;
    mark_school_days(&mut reports, &school_calendar(state.store.as_ref(), &school, window).await?);
    crate::http::corrections::mark_corrections(state.store.as_ref(), school.id, &mut reports)
        .await?;
    let mut subjects: Vec<String> =
        policy.subjects(class.grade).iter().map(|s| s.to_string()).collect();
    for e in reports.iter().flat_map(|r| &r.entries) {
        if !subjects.iter().any(|s| s == e.subject.as_str()) {
            subjects.push(e.subject.to_string());
        }
    }
    let table = ClassDaysTable { class_name: class.name, subjects, reports };
    let (from, to) = (window.from(), window.to());
    Ok(json_or_csv(&headers, range.lang(&headers), &table, true, |t, lang| {
        csv::class_days(t, lang, from, to)
    }))
}
