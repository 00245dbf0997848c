//! The tables behind the grade and school pages: class × day totals (the heat map), class ×
//! subject averages, the school overview, and a class's days as CSV. Each is one handler for
//! its JSON and its `.csv` path (`CSV`); the preamble is a [`crate::http::scope`] scope.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use shared::api::{
    AttentionClass, ClassDayTotals, ClassSubjects, DayTotal, GradeDays, GradeGlance, GradeSubjects,
    SchoolOverview,
};
use shared::{ClassId, Grade, Severity};
use std::collections::{BTreeMap, HashMap};

use crate::AppState;
use crate::db::school_day_sums;
use crate::error::AppResult;
use crate::http::calendar::{class_starts, mark_school_days, school_calendar};
use crate::http::csv::{self, ClassDaysTable};
use crate::http::judge::{judge_grade, subject_averages};
use crate::http::scope::{ClassScope, GradeScope, SchoolScope};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/schools/{school_id}/grades/{grade}/days", get(days::<false>))
        .route("/schools/{school_id}/grades/{grade}/days.csv", get(days::<true>))
        .route("/schools/{school_id}/grades/{grade}/subjects", get(subjects::<false>))
        .route("/schools/{school_id}/grades/{grade}/subjects.csv", get(subjects::<true>))
        .route("/schools/{school_id}/overview", get(overview::<false>))
        .route("/schools/{school_id}/overview.csv", get(overview::<true>))
        .route("/classes/{class_id}/reports.csv", get(class_reports_csv))
}

/// The class × day totals of a grade (the heat map).
async fn days<const CSV: bool>(
    State(state): State<AppState>,
    scope: GradeScope,
) -> AppResult<Response> {
    let GradeScope { school, of: grade, policy, window, negotiation, .. } = scope;
    let classes = state.store.classes(school.id, Some(grade)).await?;
    let ids: Vec<ClassId> = classes.iter().map(|c| c.id).collect();
    let mut totals = state.store.day_totals(&ids, window).await?;
    let calendar = school_calendar(state.store.as_ref(), &school, window).await?;
    let starts = class_starts(state.store.as_ref(), &school).await?;
    let table = GradeDays {
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
    };
    Ok(negotiation.answer(&table, CSV, csv::grade_days))
}

/// Which subject drives each class's load: a grade's class × subject averages.
async fn subjects<const CSV: bool>(
    State(state): State<AppState>,
    scope: GradeScope,
) -> AppResult<Response> {
    let GradeScope { school, of: grade, policy, window, negotiation, .. } = scope;
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
    let table = GradeSubjects {
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
    };
    Ok(negotiation.answer(&table, CSV, csv::grade_subjects))
}

/// Every grade of a school at a glance, and the classes that need attention.
async fn overview<const CSV: bool>(
    State(state): State<AppState>,
    scope: SchoolScope,
) -> AppResult<Response> {
    let SchoolScope { school, policy, window, negotiation, .. } = scope;
    let mut present: Vec<Grade> =
        state.store.classes(school.id, None).await?.iter().map(|c| c.grade).collect();
    present.dedup();
    let mut grades = Vec::new();
    let mut attention = Vec::new();
    for grade in present {
        let judged = judge_grade(&state, &school, grade, window, &policy, None).await?;
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
    let table = SchoolOverview {
        school_id: school.id,
        from: window.from(),
        to: window.to(),
        grades,
        attention,
    };
    Ok(negotiation.answer(&table, CSV, csv::school_overview))
}

/// A class's days over the window, as CSV.
async fn class_reports_csv(
    State(state): State<AppState>,
    scope: ClassScope,
) -> AppResult<Response> {
    let ClassScope { school, of: class, policy, window, negotiation, .. } = scope;
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
    Ok(negotiation.answer(&table, true, |t, lang| csv::class_days(t, lang, from, to)))
}
