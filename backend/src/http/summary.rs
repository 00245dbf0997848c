//! What the flag engine makes of the reports: a class's summary and a grade's comparison (JSON,
//! or CSV for spreadsheets). The judging is [`crate::http::judge`]'s, the preamble (lookup,
//! access, policy, window) [`crate::http::scope`]'s.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use shared::Lang;
use shared::api::{ClassSummary, GradeComparison};

use crate::AppState;
use crate::clock::today_in;
use crate::db::school_day_sums;
use crate::error::AppResult;
use crate::http::csv;
use crate::http::judge::{comparison_rows, judge_class, judge_grade, subject_averages};
use crate::http::scope::{ClassScope, GradeScope};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/classes/{class_id}/summary", get(class_summary))
        .route("/schools/{school_id}/grades/{grade}/comparison", get(comparison::<false>))
        .route("/schools/{school_id}/grades/{grade}/comparison.csv", get(comparison::<true>))
}

async fn class_summary(
    State(state): State<AppState>,
    scope: ClassScope,
) -> AppResult<Json<ClassSummary>> {
    let ClassScope { school, of: class, policy, window, .. } = scope;
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

/// The comparison as JSON (or CSV when the client accepts it); as CSV on the `.csv` path (`CSV`).
async fn comparison<const CSV: bool>(
    State(state): State<AppState>,
    scope: GradeScope,
) -> AppResult<Response> {
    let GradeScope { school, of: grade, policy, window, negotiation, .. } = scope;
    let judged = judge_grade(&state, &school, grade, window, &policy, None).await?;
    let report = GradeComparison {
        school_id: school.id,
        grade,
        from: window.from(),
        to: window.to(),
        limit_minutes: judged.evaluation.limit_minutes,
        grade_average_minutes: judged.evaluation.grade_average_minutes,
        classes: comparison_rows(&judged.classes, judged.evaluation.classes),
    };
    Ok(negotiation.answer(&report, CSV, comparison_table))
}

fn comparison_table(report: &GradeComparison, lang: Lang) -> (String, String) {
    let name = format!("grade-{}-{}-{}.csv", report.grade, report.from, report.to);
    (name, csv::grade_comparison(report, lang))
}
