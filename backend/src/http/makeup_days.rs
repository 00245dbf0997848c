//! The school's make-up days (调休): a Saturday or Sunday that is a school day, counted by every
//! rule that counts school days. Everyone of the school reads them; admins change them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use shared::api::{HolidayName, MakeupDay};
use shared::calendar::is_weekend;

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::clock::today_in;
use crate::db::Actor;
use crate::error::{AppError, AppResult};
use crate::http::classes::check_name;
use crate::http::extract::{AppJson, AppPath, AppQuery, RangeQuery, parse_date};
use crate::http::session::school_of;

/// Without `from`, the make-up days listed are those of the year around today.
const DEFAULT_SPAN_DAYS: u32 = 366;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/makeup-days", get(list))
        .route("/makeup-days/{date}", put(set).delete(remove))
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppQuery(range): AppQuery<RangeQuery>,
) -> AppResult<Json<Vec<MakeupDay>>> {
    let school = school_of(&state, &user).await?;
    let today = today_in(&school);
    let range = RangeQuery {
        to: range
            .to
            .or_else(|| today.checked_add_days(chrono::Days::new(183)).map(|d| d.to_string())),
        ..range
    };
    let window = range.window(today, DEFAULT_SPAN_DAYS)?;
    Ok(Json(state.store.makeup_day_list(school.id, window).await?))
}

async fn set(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(date): AppPath<String>,
    AppJson(body): AppJson<HolidayName>,
) -> AppResult<Json<MakeupDay>> {
    user.require_admin()?;
    let date = parse_date(&date)?;
    if !is_weekend(date) {
        return Err(AppError::invalid(
            "not_a_weekend",
            format!("{date} is a weekday: only a Saturday or Sunday can be a make-up day"),
        ));
    }
    let name =
        if body.name.trim().is_empty() { String::new() } else { check_name(&body.name, 60)? };
    let day = MakeupDay { date, name };
    state.store.put_makeup_day(user.school_id, &day, &Actor::of(&user, &address)).await?;
    Ok(Json(day))
}

async fn remove(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(date): AppPath<String>,
) -> AppResult<StatusCode> {
    user.require_admin()?;
    let date = parse_date(&date)?;
    if state.store.delete_makeup_day(user.school_id, date, &Actor::of(&user, &address)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found("not_found", format!("{date} is not a make-up day")))
    }
}
