//! The district's endpoints (`/api/v1/districts/{id}/…`), for the board and the wall screen.

use super::get;
use chrono::NaiveDate;
use shared::Grade;
use shared::district::{Coverage, DistrictComparison, DistrictId, DistrictSchool};

pub async fn schools(district: DistrictId) -> Result<Vec<DistrictSchool>, super::ApiError> {
    get(&format!("/districts/{district}/schools")).await
}

pub async fn comparison(
    district: DistrictId,
    grade: Grade,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<DistrictComparison, super::ApiError> {
    get(&format!("/districts/{district}/grades/{grade}/comparison?from={from}&to={to}")).await
}

pub fn comparison_csv_url(
    district: DistrictId,
    grade: Grade,
    from: NaiveDate,
    to: NaiveDate,
) -> String {
    format!("/api/v1/districts/{district}/grades/{grade}/comparison.csv?from={from}&to={to}")
}

pub async fn coverage(district: DistrictId, date: NaiveDate) -> Result<Coverage, super::ApiError> {
    get(&format!("/districts/{district}/coverage?date={date}")).await
}

/// The spot checks of every school of the district (`GET /spot-checks`, a district admin's),
/// newest first.
pub async fn spot_checks(
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<shared::spot_checks::SpotCheck>, super::ApiError> {
    get(&format!("/spot-checks?from={from}&to={to}")).await
}

/// Today's coverage (today where the district is, as the server says).
pub async fn coverage_today(district: DistrictId) -> Result<Coverage, super::ApiError> {
    get(&format!("/districts/{district}/coverage")).await
}

/// The wall screen's event stream.
pub fn events_url(district: DistrictId) -> String {
    format!("/api/v1/districts/{district}/events")
}
