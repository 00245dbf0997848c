//! Districts (区域监管看板): a district's schools, a grade compared across them, the day's
//! coverage, and the live events of its wall screens, for the district's own admins only.

use std::convert::Infallible;
use std::time::Duration;

use crate::http::calendar::school_calendar;
use crate::http::judge::{comparison_rows, judge_grade};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use shared::api::{ComparisonRow, Role};
use shared::district::{
    Coverage, CreatedSchool, DistrictComparison, DistrictId, DistrictSchool, NewDistrictSchool,
    SchoolCoverage, SchoolGradePart, flag_counts, mean_of_present,
};
use shared::{Grade, Lang};
use tokio::sync::broadcast;

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser, password};
use crate::clock::today_in;
use crate::db::districts::District;
use crate::db::{Account, Actor, NewAccount, School};
use crate::error::{AppError, AppResult};
use crate::http::extract::GradeRequest;
use crate::http::extract::{AppJson, AppPath, AppQuery, RangeQuery, parse_date};
use crate::http::names::{check_name, check_username};

/// District endpoints' `from`/`to` default to this many days ending today.
const DEFAULT_WINDOW_DAYS: u32 = 14;
/// The longest school name, as `backend add-school` allows.
const MAX_SCHOOL_NAME_CHARS: usize = 100;
const MAX_DISPLAY_NAME_CHARS: usize = 60;
/// How often an idle event stream says it is alive (proxies close silent connections).
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/districts/{district_id}/schools", get(schools).post(add_school))
        .route("/districts/{district_id}/grades/{grade}/comparison", get(comparison::<false>))
        .route("/districts/{district_id}/grades/{grade}/comparison.csv", get(comparison::<true>))
        .route("/districts/{district_id}/coverage", get(coverage))
        .route("/districts/{district_id}/events", get(events))
}

/// The district of a path that the caller may see: `403` for any account but a district
/// admin (whether or not the district exists: school accounts learn nothing of districts), then
/// `404 district_not_found`, then `403` for another district's admin.
async fn own_district(state: &AppState, user: &Account, id: DistrictId) -> AppResult<District> {
    if user.role != Role::DistrictAdmin {
        return Err(AppError::Forbidden("only the district's admins may see this district"));
    }
    let district = state.store.district(id).await?.ok_or_else(|| {
        AppError::not_found("district_not_found", format!("there is no district {id}"))
    })?;
    user.require_district(district.id)?;
    Ok(district)
}

/// Today where the district is (China: UTC+8), for its default windows.
fn district_today() -> chrono::NaiveDate {
    today_in(&School { id: 0, name: String::new(), utc_offset_minutes: 480 })
}

async fn schools(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(district_id): AppPath<DistrictId>,
) -> AppResult<Json<Vec<DistrictSchool>>> {
    let district = own_district(&state, &user, district_id).await?;
    let rows = state.store.district_schools(district.id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| DistrictSchool {
                school_id: r.school.id,
                name: r.school.name,
                class_count: r.class_count,
            })
            .collect(),
    ))
}

async fn add_school(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(district_id): AppPath<DistrictId>,
    AppJson(body): AppJson<NewDistrictSchool>,
) -> AppResult<(StatusCode, Json<CreatedSchool>)> {
    let district = own_district(&state, &user, district_id).await?;
    let name = check_name(&body.name, MAX_SCHOOL_NAME_CHARS)?;
    let username = check_username(&body.admin.username)?;
    let display_name = check_name(&body.admin.display_name, MAX_DISPLAY_NAME_CHARS)?;
    password::check_new(&body.admin.password)?;
    let password_hash = password::hash(body.admin.password).await?;
    let admin = NewAccount {
        school_id: 0,
        username,
        display_name,
        role: Role::SchoolAdmin,
        class_id: None,
        grade: None,
        password_hash,
    };
    let actor = Actor::of(&user, &address);
    let (school, _) = state.store.create_district_school(district.id, &name, admin, &actor).await?;
    tracing::info!(school = school.id, district = district.id, by = %user.username, "school created");
    Ok((StatusCode::CREATED, Json(CreatedSchool { school_id: school.id, name: school.name })))
}

/// A grade of a path, or `404 grade_not_found`.
fn grade_of_path(grade: &str) -> AppResult<Grade> {
    grade.parse::<i64>().ok().and_then(|g| Grade::new(g).ok()).ok_or_else(|| {
        let shown: String = grade.chars().take(10).collect();
        AppError::not_found("grade_not_found", format!("there is no grade {shown:?}"))
    })
}

/// The district comparison: each school's part as that school's own grade comparison computes
/// it (its policy, its holidays, its today), from a few reads whatever the number of schools.
async fn build_comparison(
    state: &AppState,
    user: &Account,
    district_id: DistrictId,
    grade: &str,
    range: &RangeQuery,
) -> AppResult<DistrictComparison> {
    let district = own_district(state, user, district_id).await?;
    let grade = grade_of_path(grade)?;
    let window = range.window(district_today(), DEFAULT_WINDOW_DAYS)?;
    // Each school's part is its own grade comparison's computation (its policy, its calendar
    // with make-up days, its classes' starts, its today): the same function, school by school.
    let rows = state.store.district_schools(district.id).await?;
    let mut schools = Vec::with_capacity(rows.len());
    for row in rows {
        let school = row.school;
        let policy = state.store.policy(school.id).await?;
        let judged = judge_grade(state, &school, grade, window, &policy, None).await?;
        let classes_reporting =
            judged.evaluation.classes.iter().filter(|e| e.days_reported > 0).count() as u32;
        let rows: Vec<ComparisonRow> = comparison_rows(&judged.classes, judged.evaluation.classes);
        schools.push(SchoolGradePart {
            school_id: school.id,
            name: school.name,
            limit_minutes: judged.evaluation.limit_minutes,
            grade_average_minutes: judged.evaluation.grade_average_minutes,
            class_count: judged.classes.len() as u32,
            classes_reporting,
            flag_counts: flag_counts(rows.iter().map(|r| r.flags.as_slice())),
            classes: rows,
        });
    }
    Ok(DistrictComparison {
        district_id: district.id,
        grade,
        from: window.from(),
        to: window.to(),
        district_average_minutes: mean_of_present(schools.iter().map(|s| s.grade_average_minutes)),
        schools,
    })
}

/// The comparison as JSON (or CSV when the client accepts it); as CSV on the `.csv` path (`CSV`).
async fn comparison<const CSV: bool>(
    State(state): State<AppState>,
    request: GradeRequest<DistrictId>,
) -> AppResult<Response> {
    let GradeRequest { user, id, grade, range, .. } = &request;
    let report = build_comparison(&state, user, *id, grade, range).await?;
    Ok(request.answer(&report, CSV, comparison_table))
}

/// One row per school: its numbers against its limit and the district's average.
fn comparison_table(report: &DistrictComparison, lang: Lang) -> (String, String) {
    let name = format!(
        "district-{}-grade-{}-{}-{}.csv",
        report.district_id, report.grade, report.from, report.to
    );
    let mut csv = super::csv::Csv::new();
    let header: [&str; 11] = match lang {
        Lang::Zh => [
            "学校编号",
            "学校",
            "每日上限",
            "年级平均",
            "区域平均",
            "班级数",
            "填报班级数",
            "超出上限班级",
            "偏离班级",
            "开始日期",
            "结束日期",
        ],
        Lang::En => [
            "school_id",
            "school",
            "limit_minutes",
            "grade_average_minutes",
            "district_average_minutes",
            "class_count",
            "classes_reporting",
            "classes_over_limit",
            "classes_drifting",
            "from",
            "to",
        ],
    };
    csv.row(header);
    let number = |x: Option<f64>| x.map(|v| format!("{v:.1}")).unwrap_or_default();
    for s in &report.schools {
        let count = |kinds: &[&str]| {
            s.classes
                .iter()
                .filter(|c| c.flags.iter().any(|f| kinds.contains(&f.kind())))
                .count()
                .to_string()
        };
        csv.row([
            s.school_id.to_string(),
            s.name.clone(),
            s.limit_minutes.to_string(),
            number(s.grade_average_minutes),
            number(report.district_average_minutes),
            s.class_count.to_string(),
            s.classes_reporting.to_string(),
            count(&["over_average_limit", "over_daily_limit"]),
            count(&["drift_above", "drift_below"]),
            report.from.to_string(),
            report.to.to_string(),
        ]);
    }
    (name, csv.finish())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CoverageQuery {
    date: Option<String>,
}

async fn coverage(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(district_id): AppPath<DistrictId>,
    AppQuery(query): AppQuery<CoverageQuery>,
) -> AppResult<Json<Coverage>> {
    let district = own_district(&state, &user, district_id).await?;
    let date = match query.date.as_deref() {
        Some(d) => parse_date(d)?,
        None => district_today(),
    };
    let days = state.store.district_day(district.id, date).await?;
    let mut coverage = Coverage { date, classes: 0, reported: 0, schools: Vec::new() };
    for day in days {
        // The school's own calendar decides (weekends, its holidays, its make-up days).
        let one_day =
            shared::Window::new(date, date).map_err(|e| AppError::BadQuery(e.to_string()))?;
        let calendar = school_calendar(state.store.as_ref(), &day.school, one_day).await?;
        let school_day = calendar.is_school_day(date);
        let mut part = SchoolCoverage {
            school_id: day.school.id,
            name: day.school.name,
            school_day,
            classes: 0,
            reported: 0,
            missing: Vec::new(),
            over_limit: Vec::new(),
        };
        if school_day {
            for class in &day.classes {
                part.classes += 1;
                if day.reported.contains(&class.id) {
                    part.reported += 1;
                    if day.over_limit.contains(&class.id) {
                        part.over_limit.push(class.name.clone());
                    }
                } else {
                    part.missing.push(class.name.clone());
                }
            }
            coverage.classes += part.classes;
            coverage.reported += part.reported;
        }
        coverage.schools.push(part);
    }
    Ok(Json(coverage))
}

async fn events(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(district_id): AppPath<DistrictId>,
) -> AppResult<Response> {
    let district = own_district(&state, &user, district_id).await?;
    let receiver = state.store.subscribe_reports().await?;
    let stream = futures_util::stream::unfold(receiver, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(event) if event.district_id == district.id => {
                    let sse = Event::default().event("report").json_data(&event.report);
                    match sse {
                        Ok(sse) => return Some((Ok::<Event, Infallible>(sse), rx)),
                        Err(e) => tracing::warn!(error = %e, "an event that cannot be written"),
                    }
                }
                Ok(_) => {}
                // A screen too slow to keep up skips what it missed rather than hold memory.
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::info!(skipped = n, "a district screen fell behind");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)).into_response())
}
