//! The school's make-up days (调休): a Saturday or Sunday that is a school day, counted by every
//! rule that counts school days. Everyone of the school reads them; admins change them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use shared::api::{HolidayName, MakeupDay};
use shared::calendar::is_weekend;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::http::calendar::{DayChange, day_name, listed_days, removed};
use crate::http::extract::{AppJson, AppQuery, RangeQuery};
use crate::http::scope::school_of;

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
    let window = listed_days(&school, range)?;
    Ok(Json(state.store.makeup_day_list(school.id, window).await?))
}

async fn set(
    State(state): State<AppState>,
    change: DayChange,
    AppJson(body): AppJson<HolidayName>,
) -> AppResult<Json<MakeupDay>> {
    let date = change.admin_day()?;
    if !is_weekend(date) {
        return Err(AppError::invalid(
            "not_a_weekend",
            format!("{date} is a weekday: only a Saturday or Sunday can be a make-up day"),
        ));
    }
    let day = MakeupDay { date, name: day_name(&body.name)? };
    state.store.put_makeup_day(change.user.school_id, &day, &change.actor).await?;
    Ok(Json(day))
}

async fn remove(State(state): State<AppState>, change: DayChange) -> AppResult<StatusCode> {
    let date = change.admin_day()?;
    removed(
        state.store.delete_makeup_day(change.user.school_id, date, &change.actor).await?,
        date,
        "a make-up day",
    )
}
