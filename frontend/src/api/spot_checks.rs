//! The spot-check endpoints (API.md "Spot checks"): a draw, the list, what the inspection found,
//! and a case opened from a discrepancy. A child of [`crate::api`].

use super::{ApiError, decode, get, send, url, with_json};
use chrono::NaiveDate;
use gloo_net::http::Request;
use shared::ClassId;
use shared::cases::Case;
use shared::report::EntryInput;
use shared::spot_checks::{NewSpotCheck, PutObservation, SpotCheck};

/// The spot checks dated `from`–`to`, newest first.
pub async fn list(from: NaiveDate, to: NaiveDate) -> Result<Vec<SpotCheck>, ApiError> {
    get(&format!("/spot-checks?from={from}&to={to}")).await
}

/// Draws `count` classes at random for `date` (of one grade, or of the whole school).
pub async fn draw(date: NaiveDate, count: i64, grade: Option<i64>) -> Result<SpotCheck, ApiError> {
    let body = NewSpotCheck { date: date.to_string(), count, grade };
    decode(send(with_json(Request::post(&url("/spot-checks")), &body)).await?).await
}

/// Records what the inspection found in a drawn class.
pub async fn observe(
    id: i64,
    class_id: ClassId,
    entries: Vec<EntryInput>,
    note: &str,
) -> Result<SpotCheck, ApiError> {
    let body = PutObservation { entries, note: note.to_owned() };
    let path = format!("/spot-checks/{id}/classes/{class_id}");
    decode(send(with_json(Request::put(&url(&path)), &body)).await?).await
}

/// Opens a case of kind `spot_check_discrepancy` for a drawn class whose numbers differ.
pub async fn open_case(id: i64, class_id: ClassId) -> Result<Case, ApiError> {
    let path = format!("/spot-checks/{id}/classes/{class_id}/case");
    decode(send(Request::post(&url(&path)).build()).await?).await
}

/// One spot check.
pub async fn spot_check(id: i64) -> Result<SpotCheck, ApiError> {
    get(&format!("/spot-checks/{id}")).await
}
