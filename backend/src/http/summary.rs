//! What the flag engine makes of the reports: a class's summary and a grade's comparison (JSON,
//! or CSV for spreadsheets).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use shared::api::{ClassInfo, ClassSummary, ComparisonRow, GradeComparison};
use shared::flags::{ClassDays, GradeEvaluation, GradeInput, evaluate_grade};
use shared::{ClassId, Grade, Lang, Policy, SchoolId, Window, round1};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::clock::today_in;
use crate::db::School;
use crate::error::{AppError, AppResult};
use crate::http::classes::readable_class;
use crate::http::extract::{AppPath, AppQuery, RangeQuery};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/classes/{class_id}/summary", get(class_summary))
        .route("/schools/{school_id}/grades/{grade}/comparison", get(comparison))
        .route("/schools/{school_id}/grades/{grade}/comparison.csv", get(comparison_csv))
}

/// The classes of one grade judged together over a window.
struct JudgedGrade {
    classes: Vec<ClassInfo>,
    evaluation: GradeEvaluation,
}

async fn judge_grade(
    state: &AppState,
    school: &School,
    grade: Grade,
    window: Window,
    policy: &Policy,
    also: Option<&ClassInfo>,
) -> AppResult<JudgedGrade> {
    let mut classes = state.store.classes(school.id, Some(grade)).await?;
    if let Some(extra) = also.filter(|c| !classes.iter().any(|x| x.id == c.id)) {
        classes.push(extra.clone());
    }
    let ids: Vec<ClassId> = classes.iter().map(|c| c.id).collect();
    let mut totals = state.store.day_totals(&ids, window).await?;
    let holidays = state.store.holidays(school.id, window).await?;
    let days: Vec<ClassDays> = classes
        .iter()
        .map(|c| ClassDays { class_id: c.id, totals: totals.remove(&c.id).unwrap_or_default() })
        .collect();
    let evaluation = evaluate_grade(&GradeInput {
        grade,
        policy,
        window,
        today: today_in(school),
        holidays: &holidays,
        classes: &days,
    });
    Ok(JudgedGrade { classes, evaluation })
}

async fn school(state: &AppState, id: SchoolId) -> AppResult<School> {
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
    let class = readable_class(&state, &user, class_id).await?;
    let school = school(&state, class.school_id).await?;
    let policy = state.store.policy(school.id).await?;
    let window = range.window(today_in(&school), policy.window_days)?;
    let judged = judge_grade(&state, &school, class.grade, window, &policy, Some(&class)).await?;
    let eval = judged
        .evaluation
        .classes
        .into_iter()
        .find(|c| c.class_id == class.id)
        .ok_or_else(|| AppError::Internal("class missing from its grade".into()))?;
    let sums = if eval.days_reported > 0 {
        state.store.subject_sums(class.id, window).await?
    } else {
        Default::default()
    };
    let days = f64::from(eval.days_reported.max(1));
    Ok(Json(ClassSummary {
        class_id: class.id,
        from: window.from(),
        to: window.to(),
        days_reported: eval.days_reported,
        average_daily_minutes: eval.average_daily_minutes,
        subject_averages: sums.into_iter().map(|(s, m)| (s, round1(m as f64 / days))).collect(),
        flags: eval.flags,
        grade: class.grade,
        limit_minutes: judged.evaluation.limit_minutes,
        grade_average_minutes: judged.evaluation.grade_average_minutes,
    }))
}

/// The school and grade of a comparison path that the caller may compare.
async fn comparable(
    state: &AppState,
    user: &crate::db::Account,
    school_id: SchoolId,
    grade: &str,
) -> AppResult<(School, Grade)> {
    let school = school(state, school_id).await?;
    let grade = grade.parse::<i64>().ok().and_then(|g| Grade::new(g).ok()).ok_or_else(|| {
        AppError::not_found(
            "grade_not_found",
            format!("there is no grade {:?}", grade.chars().take(10).collect::<String>()),
        )
    })?;
    if !user.can_compare(school.id, grade) {
        return Err(AppError::Forbidden("your account may not compare this grade"));
    }
    Ok((school, grade))
}

async fn build_comparison(
    state: &AppState,
    user: &crate::db::Account,
    school_id: SchoolId,
    grade: &str,
    range: &RangeQuery,
) -> AppResult<GradeComparison> {
    let (school, grade) = comparable(state, user, school_id, grade).await?;
    let policy = state.store.policy(school.id).await?;
    let window = range.window(today_in(&school), policy.window_days)?;
    let judged = judge_grade(state, &school, grade, window, &policy, None).await?;
    let rows = judged
        .classes
        .iter()
        .zip(judged.evaluation.classes)
        .map(|(class, e)| ComparisonRow {
            class_id: class.id,
            name: class.name.clone(),
            days_reported: e.days_reported,
            average_daily_minutes: e.average_daily_minutes,
            deviation_minutes: e.deviation_minutes,
            deviation_ratio: e.deviation_ratio,
            flags: e.flags,
        })
        .collect();
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

async fn comparison(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath((school_id, grade)): AppPath<(SchoolId, String)>,
    AppQuery(range): AppQuery<RangeQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let report = build_comparison(&state, &user, school_id, &grade, &range).await?;
    let wants_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"));
    if wants_csv {
        Ok(csv_response(&report, lang_of(&headers)))
    } else {
        Ok(Json(report).into_response())
    }
}

async fn comparison_csv(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath((school_id, grade)): AppPath<(SchoolId, String)>,
    AppQuery(range): AppQuery<RangeQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let report = build_comparison(&state, &user, school_id, &grade, &range).await?;
    Ok(csv_response(&report, lang_of(&headers)))
}

fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Zh, Lang::from_accept_language)
}

fn csv_response(report: &GradeComparison, lang: Lang) -> Response {
    let body = super::csv::grade_comparison(report, lang);
    let filename = format!("grade-{}-{}-{}.csv", report.grade, report.from, report.to);
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}
