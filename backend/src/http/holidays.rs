//! The school's holidays: weekdays on which no report is expected (`missing_reports` skips
//! them). Everyone of the school reads them; admins change them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use shared::api::{Holiday, HolidayName};

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::clock::today_in;
use crate::db::Actor;
use crate::error::{AppError, AppResult};
use crate::http::classes::check_name;
use crate::http::extract::{AppJson, AppPath, AppQuery, RangeQuery, parse_date};

/// Without `from`, the holidays listed are those of the year around today.
const DEFAULT_SPAN_DAYS: u32 = 366;

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
    let school = crate::http::districts::named_school(&state, &user, query.school_id).await?;
    let range = RangeQuery { from: query.from, to: query.to, lang: None };
    let today = today_in(&school);
    let range = RangeQuery {
        to: range
            .to
            .or_else(|| today.checked_add_days(chrono::Days::new(183)).map(|d| d.to_string())),
        ..range
    };
    let window = range.window(today, DEFAULT_SPAN_DAYS)?;
    Ok(Json(state.store.holiday_list(school.id, window).await?))
}

async fn set(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(date): AppPath<String>,
    AppJson(body): AppJson<HolidayName>,
) -> AppResult<Json<Holiday>> {
    user.require_admin()?;
    let date = parse_date(&date)?;
    let name =
        if body.name.trim().is_empty() { String::new() } else { check_name(&body.name, 60)? };
    let holiday = Holiday { date, name };
    state.store.put_holiday(user.school_id, &holiday, &Actor::of(&user, &address)).await?;
    Ok(Json(holiday))
}

async fn remove(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(date): AppPath<String>,
) -> AppResult<StatusCode> {
    user.require_admin()?;
    let date = parse_date(&date)?;
    if state.store.delete_holiday(user.school_id, date, &Actor::of(&user, &address)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found("not_found", format!("{date} is not a holiday")))
    }
}
