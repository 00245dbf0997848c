//! Homework plans (作业备案): `PUT /classes/{id}/plans/{date}/{subject}`, `GET
//! /classes/{id}/plans/{date}`, `GET /classes/{id}/plans` (JSON or CSV), `POST
//! /classes/{id}/plans/{date}/review`. The rules (a subject's expected minutes, the day's
//! status) are `shared::plans`; who may do what is the table of API.md.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{Days, NaiveDate};
use shared::api::{ClassInfo, ErrorDetail, Problem, Teaching};
use shared::plans::{
    DayPlan, Decision, PLAN_DAYS_AHEAD, PLAN_DAYS_BACK, PutSubjectPlan, PutSubjectPlanResponse,
    Review, ReviewRequest, SubjectPlan, validate_items,
};
use shared::{ClassId, Lang, Policy, Window};

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::clock::{now_rfc3339, today_in};
use crate::db::plans::{PlanOutcome, PlanWrite};
use crate::db::{Account, Actor, School};
use crate::error::{AppError, AppResult};
use crate::http::extract::{AppJson, AppPath, AppQuery, RangeQuery, parse_date};
use crate::http::scope::{find_class, school};
use crate::http::views::day_plan;

/// The longest review reason, in characters.
const MAX_REASON_CHARS: usize = 500;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/classes/{class_id}/plans", get(list::<false>))
        .route("/classes/{class_id}/plans.csv", get(list::<true>))
        .route("/classes/{class_id}/plans/{date}", get(day))
        .route("/classes/{class_id}/plans/{date}/review", post(review))
        .route("/classes/{class_id}/plans/{date}/{subject}", put(file))
}

const NOT_YOURS: &str = "your account may not do this for this class's plans";

/// The class of a path with its school and policy, and the caller's teaching assignments.
async fn class_context(
    state: &AppState,
    user: &Account,
    class_id: ClassId,
) -> AppResult<(ClassInfo, School, Policy, Vec<Teaching>)> {
    let class = find_class(state, class_id).await?;
    let teaching = if user.may_teach() && class.school_id == user.school_id {
        state.store.teaching(user.id).await?
    } else {
        Vec::new()
    };
    let school = school(state, class.school_id).await?;
    let policy = state.store.policy(school.id).await?;
    Ok((class, school, policy, teaching))
}

async fn file(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath((class_id, date, subject)): AppPath<(ClassId, String, String)>,
    AppJson(body): AppJson<PutSubjectPlan>,
) -> AppResult<Response> {
    let date = parse_date(&date)?;
    let (class, school, policy, teaching) = class_context(&state, &user, class_id).await?;
    let allowed = user.plan_subjects(&class, &teaching).ok_or(AppError::Forbidden(NOT_YOURS))?;
    if !policy.subjects(class.grade).iter().any(|s| s.as_str() == subject) {
        let shown: String = subject.chars().take(32).collect();
        return Err(AppError::invalid(
            "unknown_subject",
            format!("{shown}: not a subject of grade {}", class.grade),
        ));
    }
    if allowed.as_ref().is_some_and(|list| !list.contains(&subject)) {
        return Err(AppError::Forbidden("your account does not teach this subject in this class"));
    }
    if class.archived {
        return Err(AppError::invalid(
            "class_archived",
            "this class is archived and takes no plans",
        ));
    }
    let today = today_in(&school);
    let earliest = today.checked_sub_days(Days::new(PLAN_DAYS_BACK)).unwrap_or(today);
    let latest = today.checked_add_days(Days::new(PLAN_DAYS_AHEAD)).unwrap_or(today);
    let admin = user.role == shared::api::Role::SchoolAdmin;
    if date > latest || (date < earliest && !admin) {
        let from = if admin { "any earlier day".to_owned() } else { earliest.to_string() };
        return Err(AppError::invalid(
            "outside_plan_window",
            format!("{date}: plans may be filed from {from} to {latest}"),
        ));
    }
    if body.version.is_some_and(|v| v < 0) {
        return Err(AppError::invalid("invalid_version", "version cannot be negative"));
    }
    let items = validate_items(&body.items).map_err(|problems| {
        let first = problems.first().map(|p| (p.code(), p.to_string()));
        let (code, message) = first.unwrap_or(("invalid_item", String::new()));
        AppError::Invalid {
            code,
            message,
            problems: problems
                .iter()
                .map(|p| Problem {
                    code: p.code().to_owned(),
                    message: p.to_string(),
                    row: None,
                    column: None,
                })
                .collect(),
        }
    })?;
    let write = PlanWrite {
        class_id: class.id,
        date,
        subject: subject.clone(),
        items,
        expected_version: body.version,
        filed_by: user.display_name.clone(),
        updated_at: now_rfc3339(),
        grade: class.grade,
        limit_minutes: policy.limit(class.grade),
    };
    match state.store.put_plan(write, &Actor::of(&user, &address)).await? {
        PlanOutcome::Stored(plan, day) => {
            let day = day_plan(&class, &policy, date, day);
            Ok(Json(PutSubjectPlanResponse { plan, day }).into_response())
        }
        PlanOutcome::Conflict(current) => Ok(conflict(current)),
    }
}

/// `409` with the subject's plan as it stands now.
fn conflict(current: Option<SubjectPlan>) -> Response {
    let version = current.as_ref().map_or(0, |p| p.version);
    let body = serde_json::json!({
        "error": ErrorDetail {
            code: "version_conflict".into(),
            message: format!("this plan was changed by someone else (now version {version})"),
            problems: Vec::new(),
        },
        "plan": current,
    });
    (StatusCode::CONFLICT, Json(body)).into_response()
}

/// The class of a path whose plans the caller may read.
async fn readable(
    state: &AppState,
    user: &Account,
    class_id: ClassId,
) -> AppResult<(ClassInfo, School, Policy)> {
    let (class, school, policy, teaching) = class_context(state, user, class_id).await?;
    if !user.can_read_plans(&class, &teaching) {
        return Err(AppError::Forbidden(NOT_YOURS));
    }
    Ok((class, school, policy))
}

async fn day(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath((class_id, date)): AppPath<(ClassId, String)>,
) -> AppResult<Json<DayPlan>> {
    let date = parse_date(&date)?;
    let (class, _, policy) = readable(&state, &user, class_id).await?;
    let stored = state.store.day_plan(class.id, date).await?;
    Ok(Json(day_plan(&class, &policy, date, stored)))
}

/// The window of a plan list: `from`/`to` as given; without `to`, up to the last day plans may
/// be filed for; without `from`, the policy window before `to`.
fn plan_window(range: &RangeQuery, today: NaiveDate, policy: &Policy) -> AppResult<Window> {
    let latest = today.checked_add_days(Days::new(PLAN_DAYS_AHEAD)).unwrap_or(today);
    let defaults = RangeQuery {
        from: range.from.clone().or_else(|| {
            range.to.is_none().then(|| Window::ending(today, policy.window_days).from().to_string())
        }),
        to: Some(range.to.clone().unwrap_or_else(|| latest.to_string())),
        lang: None,
    };
    defaults.window(today, policy.window_days)
}

async fn days_of(
    state: &AppState,
    user: &Account,
    class_id: ClassId,
    range: &RangeQuery,
) -> AppResult<(ClassInfo, Vec<DayPlan>)> {
    let (class, school, policy) = readable(state, user, class_id).await?;
    let window = plan_window(range, today_in(&school), &policy)?;
    let days = state.store.plan_days(class.id, window).await?;
    let days = days.into_iter().map(|(date, d)| day_plan(&class, &policy, date, d)).collect();
    Ok((class, days))
}

/// A class's plans as JSON (or CSV when the client accepts it); as CSV on the `.csv` path (`CSV`).
async fn list<const CSV: bool>(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(class_id): AppPath<ClassId>,
    AppQuery(range): AppQuery<RangeQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (class, days) = days_of(&state, &user, class_id, &range).await?;
    let negotiation = range.negotiation(&headers);
    Ok(negotiation.answer(&days, CSV, |d, lang| table(&class, d, lang)))
}

fn table(class: &ClassInfo, days: &[DayPlan], lang: Lang) -> (String, String) {
    let name = match (days.first(), days.last()) {
        (Some(a), Some(b)) => format!("plans-{}-{}-{}.csv", class.id, a.date, b.date),
        _ => format!("plans-{}.csv", class.id),
    };
    (name, plans_csv(days, lang))
}

/// A class's plans as CSV: one row per item, with its day's total, status and review.
fn plans_csv(days: &[DayPlan], lang: Lang) -> String {
    let en = lang == Lang::En;
    let mut csv = super::csv::Csv::new();
    csv.row(if en {
        [
            "date",
            "subject",
            "kind",
            "optional",
            "expected_minutes",
            "content",
            "subject_expected_minutes",
            "day_expected_written_minutes",
            "limit_minutes",
            "status",
            "filed_by",
            "updated_at",
            "reviewed_by",
            "review_reason",
        ]
    } else {
        [
            "日期",
            "学科",
            "类型",
            "选做",
            "预计分钟",
            "内容",
            "学科书面预计",
            "当天书面预计",
            "每日上限",
            "状态",
            "备案人",
            "更新时间",
            "审核人",
            "审核意见",
        ]
    });
    for day in days {
        for plan in &day.subjects {
            let subject = shared::Subject::parse(&plan.subject)
                .map(|s| shared::i18n::subject_name(&s, lang))
                .unwrap_or_else(|_| plan.subject.clone());
            for item in &plan.items {
                csv.row([
                    day.date.to_string(),
                    subject.clone(),
                    item.kind.as_str().to_owned(),
                    if item.optional { "1" } else { "0" }.to_owned(),
                    item.expected_minutes.to_string(),
                    item.content.clone(),
                    plan.expected_minutes.to_string(),
                    day.expected_written_minutes.to_string(),
                    day.limit_minutes.to_string(),
                    day.status.as_str().to_owned(),
                    plan.filed_by.clone(),
                    plan.updated_at.clone(),
                    day.review.as_ref().map(|r| r.by.clone()).unwrap_or_default(),
                    day.review.as_ref().and_then(|r| r.reason.clone()).unwrap_or_default(),
                ]);
            }
        }
    }
    csv.finish()
}

async fn review(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath((class_id, date)): AppPath<(ClassId, String)>,
    AppJson(body): AppJson<ReviewRequest>,
) -> AppResult<Response> {
    let date = parse_date(&date)?;
    let (class, _, policy, _) = class_context(&state, &user, class_id).await?;
    if !user.can_review_plans(&class) {
        return Err(AppError::Forbidden("only the grade's leader or an admin reviews plans"));
    }
    let decision = Decision::parse(&body.decision).ok_or_else(|| {
        AppError::invalid("invalid_decision", "decision must be approved or returned")
    })?;
    let reason = body.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if decision == Decision::Returned && reason.is_none() {
        return Err(AppError::invalid("reason_required", "say why the plan goes back"));
    }
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(AppError::invalid(
            "reason_too_long",
            format!("a reason has at most {MAX_REASON_CHARS} characters"),
        ));
    }
    let review = Review {
        by: user.display_name.clone(),
        at: now_rfc3339(),
        decision,
        reason: reason.map(str::to_owned),
    };
    match state.store.review_day(class.id, date, &review, &Actor::of(&user, &address)).await? {
        Some(day) => Ok(Json(day_plan(&class, &policy, date, day)).into_response()),
        None => Ok(refusal(
            StatusCode::CONFLICT,
            "nothing_to_review",
            format!("{date} is not waiting for approval"),
        )),
    }
}

/// An error body with a status of its own (a `409` that is not a stale version).
fn refusal(status: StatusCode, code: &str, message: String) -> Response {
    let body = shared::api::ErrorBody {
        error: ErrorDetail { code: code.to_owned(), message, problems: Vec::new() },
    };
    (status, Json(body)).into_response()
}
