//! Opening a case, shared by the cases API and a spot check that finds a discrepancy: storing
//! it (`201`, or `409 case_exists` with the live case), the `409` body that carries a case, and
//! the overdue mark. A helper, not a resource.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::json;
use shared::cases::Case;

use crate::AppState;
use crate::db::{Actor, StoreError};
use crate::error::AppError;

/// A refusal of the cases API: an [`AppError`], or a `409` whose body carries the case.
#[derive(Debug)]
pub enum CaseError {
    App(AppError),
    Conflict { code: &'static str, message: String, case: Box<Case> },
}

impl From<AppError> for CaseError {
    fn from(e: AppError) -> Self {
        CaseError::App(e)
    }
}

impl From<StoreError> for CaseError {
    fn from(e: StoreError) -> Self {
        CaseError::App(e.into())
    }
}

impl IntoResponse for CaseError {
    fn into_response(self) -> Response {
        match self {
            CaseError::App(e) => e.into_response(),
            CaseError::Conflict { code, message, case } => {
                let body = json!({
                    "error": {"code": code, "message": message, "problems": []},
                    "case": case,
                });
                (StatusCode::CONFLICT, Json(body)).into_response()
            }
        }
    }
}

pub type CaseResult<T> = Result<T, CaseError>;

/// The case with `overdue` set as of `today`.
pub fn with_overdue(mut case: Case, today: NaiveDate) -> Case {
    case.overdue = shared::cases::is_overdue(case.status, case.due_date, today);
    case
}

/// Stores a new case: `201`, or `409 case_exists` with the live case of that class, kind and
/// subject.
pub async fn store_new_case(
    state: &AppState,
    case: Case,
    actor: &Actor,
    today: NaiveDate,
) -> CaseResult<(StatusCode, Json<Case>)> {
    match state.store.open_case(&case, actor).await? {
        Ok(stored) => {
            tracing::info!(case = stored.id, class = stored.class_id, kind = %stored.kind, "case opened");
            Ok((StatusCode::CREATED, Json(with_overdue(stored, today))))
        }
        Err(existing) => Err(CaseError::Conflict {
            code: "case_exists",
            message: format!(
                "case {} of this class and kind is still {}",
                existing.id,
                existing.status.as_str()
            ),
            case: Box::new(with_overdue(existing, today)),
        }),
    }
}
