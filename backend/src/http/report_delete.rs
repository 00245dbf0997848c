//! `DELETE /classes/{id}/reports/{date}`: removes a day recorded by mistake. Whoever may write
//! the day may remove it (the class's teacher, an admin, the monitor within its edit window),
//! guarded by `version` as a write is; audited as `report.delete` with the day as it was.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::ClassId;
use shared::report::{ValidationError, check_report_date};

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::clock::today_in;
use crate::db::{Actor, DeleteOutcome};
use crate::error::{AppError, AppResult};
use crate::http::calendar::marked;
use crate::http::extract::{AppPath, AppQuery, parse_date};

/// `?version=n`: the version the client saw.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteQuery {
    pub version: Option<i64>,
}

pub async fn remove_day(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath((class_id, date)): AppPath<(ClassId, String)>,
    AppQuery(query): AppQuery<DeleteQuery>,
) -> AppResult<StatusCode> {
    let date = parse_date(&date)?;
    let (class, school, _) = state.store.class_with_school(class_id).await?.ok_or_else(|| {
        AppError::not_found("class_not_found", format!("there is no class {class_id}"))
    })?;
    let edit_window = user.require_edit_window(&class)?;
    if query.version.is_some_and(|v| v < 0) {
        return Err(AppError::invalid("invalid_version", "version cannot be negative"));
    }
    // The monitor's edit window holds as for a write; a future day simply has no report.
    if let Err(e @ ValidationError::OutsideEditWindow { .. }) =
        check_report_date(date, today_in(&school), edit_window)
    {
        return Err(AppError::InvalidReport(vec![e]));
    }
    let actor = Actor::of(&user, &address);
    match state.store.delete_report(class.id, date, query.version, &actor).await? {
        DeleteOutcome::Deleted(report) => {
            tracing::info!(class = class.id, %date, version = report.version, by = %user.username, "day report deleted");
            Ok(StatusCode::NO_CONTENT)
        }
        DeleteOutcome::Missing => Err(AppError::not_found(
            "report_not_found",
            format!("class {} has no report on {date}", class.id),
        )),
        DeleteOutcome::Conflict(current) => {
            let current = marked(&state, &school, current).await?;
            Err(AppError::VersionConflict(Some(Box::new(current))))
        }
    }
}
