//! The school's holidays: weekdays on which no report is expected (`missing_reports` skips
//! them). Everyone of the school reads them; admins change them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use shared::api::{Holiday, HolidayName};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::http::calendar::{DayChange, day_name, listed_days, removed};
use crate::http::extract::{AppJson, AppQuery, RangeQuery};
use crate::http::scope::named_school;

/// `?from=&to=`, and `school_id` for a district admin (see `GET /classes`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayQuery {
    from: Option<String>,
    to: Option<String>,
    #[serde(default, rename = "lang")]
    _lang: Option<String>,
    #[serde(default)]
    school_id: Option<shared::SchoolId>,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/holidays", get(list)).route("/holidays/{date}", put(set).delete(remove))
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppQuery(query): AppQuery<HolidayQuery>,
) -> AppResult<Json<Vec<Holiday>>> {
    let school = named_school(&state, &user, query.school_id).await?;
    let range = RangeQuery { from: query.from, to: query.to, lang: None };
    let window = listed_days(&school, range)?;
    Ok(Json(state.store.holiday_list(school.id, window).await?))
}

async fn set(
    State(state): State<AppState>,
    change: DayChange,
    AppJson(body): AppJson<HolidayName>,
) -> AppResult<Json<Holiday>> {
    let date = change.admin_day()?;
    let holiday = Holiday { date, name: day_name(&body.name)? };
    state.store.put_holiday(change.user.school_id, &holiday, &change.actor).await?;
    Ok(Json(holiday))
}

async fn remove(State(state): State<AppState>, change: DayChange) -> AppResult<StatusCode> {
    let date = change.admin_day()?;
    removed(
        state.store.delete_holiday(change.user.school_id, date, &change.actor).await?,
        date,
        "a holiday",
    )
}
