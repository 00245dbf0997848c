//! Day reports: `PUT /classes/{id}/reports/{date}` replaces a class's day, idempotently per
//! `client_id` and guarded by `version`; `GET /classes/{id}/reports` lists a window of them.

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use shared::api::{DayReport, PutDayReport, PutDayReportResponse};
use shared::flags::day_flags;
use shared::report::{check_report_date, validate_entries, validate_note};
use shared::{ClassId, Policy};

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::clock::today_in;
use crate::db::{Actor, ReportWrite, WriteOutcome};
use crate::error::{AppError, AppResult};
use crate::http::calendar::{is_school_day, mark_school_days, school_calendar};
use crate::http::corrections::{corrected_by, mark_corrections};
use crate::http::events::publish_report;
use crate::http::extract::{AppJson, AppPath, AppQuery, RangeQuery, parse_date};
use crate::http::report_delete::remove_day;
use crate::http::scope::{readable_class, school};

/// The longest `client_id` accepted (a UUID has 36 characters).
const MAX_CLIENT_ID_CHARS: usize = 64;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/classes/{class_id}/reports", get(list))
        .route("/classes/{class_id}/reports/{date}", put(replace_day).delete(remove_day))
}

async fn replace_day(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath((class_id, date)): AppPath<(ClassId, String)>,
    AppJson(body): AppJson<PutDayReport>,
) -> AppResult<Json<PutDayReportResponse>> {
    let date = parse_date(&date)?;
    let (class, school, policy) =
        state.store.class_with_school(class_id).await?.ok_or_else(|| {
            AppError::not_found("class_not_found", format!("there is no class {class_id}"))
        })?;
    let edit_window = user.require_edit_window(&class)?;
    if let Some(id) = &body.client_id {
        check_client_id(id)?;
    }
    if body.version.is_some_and(|v| v < 0) {
        return Err(AppError::invalid("invalid_version", "version cannot be negative"));
    }
    // Whether the day is a school day, read while the report is written: only a school day's
    // report raises a flag (weekend homework is kept and shown, DESIGN.md).
    let school_day = is_school_day(state.store.as_ref(), &school, date);
    let respond = |mut report: DayReport, policy: &Policy, school_day: bool| {
        report.school_day = school_day;
        // The answer says what a read of the day says: a later version written by a teacher
        // or an admin is their correction.
        if let Some(by) = corrected_by(&report, &user) {
            report.corrected_by = Some(by);
        }
        let flags = if school_day {
            day_flags(class.id, class.grade, policy, report.date, report.total_minutes)
        } else {
            Vec::new()
        };
        Json(PutDayReportResponse { report, flags })
    };

    let checked = async {
        if class.archived {
            return Err(AppError::invalid(
                "class_archived",
                "this class is archived and takes no new reports",
            ));
        }
        check_report_date(date, today_in(&school), edit_window)
            .map_err(|e| AppError::InvalidReport(vec![e]))?;
        let entries = validate_entries(class.grade, &policy, &body.entries)
            .map_err(AppError::InvalidReport)?;
        validate_note(&body.note).map_err(|e| AppError::InvalidReport(vec![e]))?;
        Ok(entries)
    };
    let entries = match checked.await {
        Ok(entries) => entries,
        // A resend of something already acknowledged gets the same answer, even if it would be
        // refused now (a tablet offline for a week, past the edit window). A report that passes
        // goes to the store, which answers a resend itself: one read less per report.
        Err(refused) => {
            if let Some(id) = &body.client_id {
                if let Some(report) = state.store.replayed_report(class.id, date, id).await? {
                    return Ok(respond(report, &policy, school_day.await?));
                }
            }
            return Err(refused);
        }
    };

    let actor = Actor::of(&user, &address);
    let written = state.store.put_report(
        ReportWrite {
            class_id: class.id,
            date,
            entries,
            note: body.note,
            client_id: body.client_id,
            expected_version: body.version,
            recorded_by: credited_to(&user),
            updated_at: actor.at.clone(),
        },
        &actor,
    );
    let (outcome, school_day) = tokio::join!(written, school_day);
    let (outcome, school_day) = (outcome?, school_day?);
    match outcome {
        WriteOutcome::Stored(report) => {
            tracing::info!(class = class.id, %date, total = report.total_minutes, version = report.version, by = %user.username, "day report stored");
            publish_report(&state, &class, &policy, &report);
            Ok(respond(report, &policy, school_day))
        }
        WriteOutcome::Replayed(report) => Ok(respond(report, &policy, school_day)),
        WriteOutcome::Conflict(current) => {
            // The day as a read of it shows it, corrections named (a rare path: one read more).
            let mut current: Vec<DayReport> =
                current.into_iter().map(|r| DayReport { school_day, ..r }).collect();
            mark_corrections(state.store.as_ref(), school.id, &mut current).await?;
            Err(AppError::VersionConflict(current.pop().map(Box::new)))
        }
    }
}

/// Whom a day is credited to: a class tablet by its device code's label ("教室平板"; "班级平板"
/// when it has none), not by its account's `tablet-19`; anyone else by their username.
fn credited_to(user: &crate::db::Account) -> String {
    match &user.tablet_label {
        Some(label) if user.tablet && !label.trim().is_empty() => label.clone(),
        _ if user.tablet => "班级平板".to_owned(),
        _ => user.username.clone(),
    }
}

fn check_client_id(id: &str) -> AppResult<()> {
    let ok = !id.is_empty()
        && id.len() <= MAX_CLIENT_ID_CHARS
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            "invalid_client_id",
            format!("client_id needs 1 to {MAX_CLIENT_ID_CHARS} letters, digits, '-' or '_'"),
        ))
    }
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(class_id): AppPath<ClassId>,
    AppQuery(range): AppQuery<RangeQuery>,
) -> AppResult<Json<Vec<DayReport>>> {
    let class = readable_class(&state, &user, class_id).await?;
    let school = school(&state, class.school_id).await?;
    let policy = state.store.policy(class.school_id).await?;
    let window = range.window(today_in(&school), policy.window_days)?;
    let mut reports = state.store.reports(class.id, window).await?;
    mark_school_days(&mut reports, &school_calendar(state.store.as_ref(), &school, window).await?);
    mark_corrections(state.store.as_ref(), school.id, &mut reports).await?;
    Ok(Json(reports))
}
