//! The cases endpoints (API.md "Cases"): opening a case from a flag, the list the caller may
//! see, a due date, recording an action, a recheck, and the grade's half-monthly report. A child
//! of [`crate::api`], so it shares its request helpers and its [`ApiError`].

use super::{ApiError, decode, get, send, url, with_json};
use chrono::NaiveDate;
use gloo_net::http::Request;
use shared::cases::{Case, CasePatch, CasesReport, NewAction, NewCase};
use shared::{ClassId, Grade, SchoolId};

/// The cases the caller may see, newest first.
pub async fn cases() -> Result<Vec<Case>, ApiError> {
    get("/cases").await
}

/// Opens a case for a flag the class shows over `from`–`to` (a live one of the same class,
/// kind and subject is [`ApiError::Conflict`]).
pub async fn open(
    class_id: ClassId,
    kind: &str,
    subject: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Case, ApiError> {
    let body = NewCase {
        class_id,
        kind: kind.to_owned(),
        subject: subject.map(str::to_owned),
        from: from.to_string(),
        to: to.to_string(),
    };
    decode(send(with_json(Request::post(&url("/cases")), &body)).await?).await
}

/// Sets the day by which something should be done.
pub async fn set_due_date(id: i64, due: NaiveDate) -> Result<Case, ApiError> {
    let body = CasePatch { assignee_id: None, due_date: Some(due.to_string()) };
    decode(send(with_json(Request::patch(&url(&format!("/cases/{id}"))), &body)).await?).await
}

/// Records what was done, taking effect on `effective` (today when `None`).
pub async fn act(id: i64, text: &str, effective: Option<NaiveDate>) -> Result<Case, ApiError> {
    let body =
        NewAction { text: text.to_owned(), effective_date: effective.map(|d| d.to_string()) };
    decode(send(with_json(Request::post(&url(&format!("/cases/{id}/actions"))), &body)).await?)
        .await
}

/// Rechecks a case over the window after its latest action.
pub async fn recheck(id: i64) -> Result<Case, ApiError> {
    decode(send(Request::post(&url(&format!("/cases/{id}/recheck"))).build()).await?).await
}

/// The grade's half-monthly report of its cases over `from`–`to`.
pub async fn report(
    school: SchoolId,
    grade: Grade,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<CasesReport, ApiError> {
    get(&format!("/schools/{school}/grades/{grade}/cases-report?from={from}&to={to}")).await
}
