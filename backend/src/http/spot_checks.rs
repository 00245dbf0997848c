//! Spot checks (随机抽查): an admin draws classes at random for a date, records what the
//! inspection observed in each (checked as a day report is), and sees each class's reported
//! total against the observed one; a discrepancy may open a case of its own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::json;
use shared::cases::{Case, CaseStatus, CaseWindow, SPOT_CHECK_DISCREPANCY};
use shared::report::{EditWindow, check_report_date, validate_entries, validate_note};
use shared::spot_checks::{NewSpotCheck, Observation, PutObservation, SpotCheck, SpotCheckClass};
use shared::{ClassId, Grade, Window};

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::clock::{now_rfc3339, today_in};
use crate::db::{Account, Actor, School};
use crate::error::{AppError, AppResult};
use crate::http::case_open::{CaseResult, store_new_case};
use crate::http::extract::{AppJson, AppPath, AppQuery, RangeQuery, parse_date};
use crate::http::scope::{find_class, school};

const RETRIES: usize = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/spot-checks", post(draw).get(list))
        .route("/spot-checks/{id}", get(one))
        .route("/spot-checks/{id}/classes/{class_id}", put(observe))
        .route("/spot-checks/{id}/classes/{class_id}/case", post(open_case))
}

const NOT_ALLOWED: &str = "only the school's admins may draw and record spot checks";

/// A uniformly random index below `n` (rejection sampling over 64 random bits).
fn random_below(n: usize) -> AppResult<usize> {
    let n64 = n as u64;
    let zone = u64::MAX - (u64::MAX % n64);
    loop {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(e.to_string()))?;
        let x = u64::from_le_bytes(bytes);
        if x < zone {
            return Ok((x % n64) as usize);
        }
    }
}

/// The reported totals and verdicts of a spot check's classes, as the reports stand now.
async fn judged(state: &AppState, mut check: SpotCheck) -> AppResult<SpotCheck> {
    let ids: Vec<ClassId> = check.classes.iter().map(|c| c.class_id).collect();
    let day = Window::new(check.date, check.date).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut totals = state.store.day_totals(&ids, day).await?;
    for class in &mut check.classes {
        let reported = totals.remove(&class.class_id).and_then(|t| t.get(&check.date).copied());
        class.judge(reported);
    }
    Ok(check)
}

async fn draw(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppJson(body): AppJson<NewSpotCheck>,
) -> AppResult<(StatusCode, Json<SpotCheck>)> {
    if !user.can_write_spot_checks(user.school_id) {
        return Err(AppError::Forbidden(NOT_ALLOWED));
    }
    let date = parse_date(&body.date)?;
    let grade = body
        .grade
        .map(|g| Grade::new(g).map_err(|e| AppError::invalid("invalid_grade", e.to_string())))
        .transpose()?;
    let school = school(&state, user.school_id).await?;
    let policy = state.store.policy(school.id).await?;
    let mut pool = state.store.classes(school.id, grade).await?;
    if body.count < 1 || body.count > pool.len() as i64 {
        return Err(AppError::invalid(
            "invalid_count",
            format!("count must be between 1 and {} (the active classes to draw from)", pool.len()),
        ));
    }
    let count = body.count as usize;
    // A partial Fisher–Yates shuffle: the first `count` are a uniform draw without repetition.
    for i in 0..count {
        let j = i + random_below(pool.len() - i)?;
        pool.swap(i, j);
    }
    pool.truncate(count);
    let classes = pool
        .into_iter()
        .map(|c| SpotCheckClass {
            class_id: c.id,
            name: c.name,
            grade: c.grade,
            reported_total: None,
            observed_total: None,
            difference: None,
            discrepancy: false,
            observation: None,
            subjects: policy.subjects(c.grade).iter().map(ToString::to_string).collect(),
        })
        .collect();
    let check = SpotCheck {
        id: 0,
        school_id: school.id,
        date,
        grade,
        drawn_at: now_rfc3339(),
        drawn_by: user.display_name.clone(),
        classes,
    };
    let stored = state.store.create_spot_check(&check, &Actor::of(&user, &address)).await?;
    Ok((StatusCode::CREATED, Json(judged(&state, stored).await?)))
}

async fn readable(state: &AppState, user: &Account, id: i64) -> AppResult<(SpotCheck, i64)> {
    let found = state.store.spot_check(id).await?.ok_or_else(|| {
        AppError::not_found("spot_check_not_found", format!("there is no spot check {id}"))
    })?;
    if !user.can_read_spot_checks(found.value.school_id) {
        return Err(AppError::Forbidden("your account may not see this spot check"));
    }
    Ok((found.value, found.version))
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppQuery(range): AppQuery<RangeQuery>,
) -> AppResult<Json<Vec<SpotCheck>>> {
    // A district admin reads the spot checks of every school of its district, each school's
    // default window its own policy's.
    let schools: Vec<shared::SchoolId> = if user.role == shared::api::Role::DistrictAdmin {
        user.district_schools.iter().copied().collect()
    } else if user.can_read_spot_checks(user.school_id) {
        vec![user.school_id]
    } else {
        return Err(AppError::Forbidden("your account may not see spot checks"));
    };
    let mut out = Vec::new();
    for id in schools {
        let school: School = school(&state, id).await?;
        let policy = state.store.policy(school.id).await?;
        let window = range.window(today_in(&school), policy.window_days)?;
        for check in state.store.spot_checks(school.id, window.from(), window.to()).await? {
            out.push(judged(&state, check).await?);
        }
    }
    // Newest first across schools, as one school's list is.
    out.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
    Ok(Json(out))
}

async fn one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<SpotCheck>> {
    let (check, _) = readable(&state, &user, id).await?;
    Ok(Json(judged(&state, check).await?))
}

fn not_drawn(class_id: ClassId) -> AppError {
    AppError::invalid("not_drawn", format!("class {class_id} was not drawn in this spot check"))
}

async fn observe(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath((id, class_id)): AppPath<(i64, ClassId)>,
    AppJson(body): AppJson<PutObservation>,
) -> AppResult<Json<SpotCheck>> {
    let (check, _) = readable(&state, &user, id).await?;
    if !user.can_write_spot_checks(check.school_id) {
        return Err(AppError::Forbidden(NOT_ALLOWED));
    }
    if !check.classes.iter().any(|c| c.class_id == class_id) {
        return Err(not_drawn(class_id));
    }
    let class = find_class(&state, class_id).await?;
    let school = school(&state, check.school_id).await?;
    let policy = state.store.policy(school.id).await?;
    check_report_date(check.date, today_in(&school), EditWindow::AnyPast)
        .map_err(|e| AppError::InvalidReport(vec![e]))?;
    let entries =
        validate_entries(class.grade, &policy, &body.entries).map_err(AppError::InvalidReport)?;
    validate_note(&body.note).map_err(|e| AppError::InvalidReport(vec![e]))?;
    let observation = Observation {
        entries,
        note: body.note,
        recorded_at: now_rfc3339(),
        recorded_by: user.display_name.clone(),
    };
    let actor = Actor::of(&user, &address);
    for _ in 0..RETRIES {
        let current = state.store.spot_check(id).await?.ok_or_else(|| {
            AppError::not_found("spot_check_not_found", format!("there is no spot check {id}"))
        })?;
        let mut check = current.value;
        if let Some(c) = check.classes.iter_mut().find(|c| c.class_id == class_id) {
            c.observation = Some(observation.clone());
        }
        if state.store.update_spot_check(&check, current.version, &actor).await? {
            return Ok(Json(judged(&state, check).await?));
        }
    }
    Err(AppError::Unavailable)
}

/// `POST /spot-checks/{id}/classes/{class_id}/case`: opens a case of kind
/// `spot_check_discrepancy` for a drawn class whose observation disagrees with its report.
async fn open_case(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath((id, class_id)): AppPath<(i64, ClassId)>,
) -> CaseResult<(StatusCode, Json<Case>)> {
    let (check, _) = readable(&state, &user, id).await?;
    let class = find_class(&state, class_id).await?;
    if !user.can_write_spot_checks(check.school_id)
        || !user.can_manage_cases(class.school_id, class.grade)
    {
        return Err(AppError::Forbidden(NOT_ALLOWED).into());
    }
    let check = judged(&state, check).await?;
    let drawn =
        check.classes.iter().find(|c| c.class_id == class_id).ok_or_else(|| not_drawn(class_id))?;
    if !drawn.discrepancy {
        return Err(AppError::invalid(
            "no_discrepancy",
            "this class's report and the inspection's observation agree (or nothing was observed)",
        )
        .into());
    }
    let school = school(&state, check.school_id).await?;
    let case = Case {
        id: 0,
        school_id: school.id,
        class_id: class.id,
        grade: class.grade,
        class_name: class.name.clone(),
        kind: SPOT_CHECK_DISCREPANCY.to_owned(),
        subject: None,
        window: CaseWindow { from: check.date, to: check.date },
        numbers: json!({
            "kind": SPOT_CHECK_DISCREPANCY,
            "spot_check_id": check.id,
            "date": check.date,
            "reported_total": drawn.reported_total,
            "observed_total": drawn.observed_total,
            "difference": drawn.difference,
        }),
        status: CaseStatus::Open,
        opened_by: user.display_name.clone(),
        opened_by_id: Some(user.id),
        opened_at: now_rfc3339(),
        assignee_id: None,
        due_date: None,
        actions: Vec::new(),
        recheck: None,
        overdue: false,
    };
    store_new_case(&state, case, &Actor::of(&user, &address), today_in(&school)).await
}
