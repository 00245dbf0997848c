//! The only module that speaks HTTP: one function per endpoint of API.md, same-origin `fetch`
//! to `/api/v1/…` with JSON bodies. The session cookie travels by itself (same origin), and the
//! browser's `Origin` header satisfies the server's cross-site check.

use chrono::NaiveDate;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::{
    ClassInfo, ClassSummary, ConflictBody, DayReport, ErrorBody, GradeComparison, LoginRequest, Me,
    Problem, PutDayReport, PutDayReportResponse,
};
use shared::{ClassId, Grade, Lang, Policy, SchoolId};

pub mod cases;
pub mod district;
pub mod notice;
pub mod setup;
pub mod spot_checks;

const BASE: &str = "/api/v1";

/// Why a request did not give what was asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 401: nobody is logged in (the session expired), or the login's credentials are wrong.
    Unauthorized,
    /// 409: someone else saved the day since we loaded it; this is what they saved.
    Conflict(Option<Box<DayReport>>),
    /// 422: the server refused the content; each problem has a code and an English sentence.
    Invalid { message: String, problems: Vec<Problem> },
    /// Any other refusal, with the server's code and sentence (403, 404, 429, 5xx…).
    Refused { status: u16, code: String, message: String },
    /// The server could not be reached (Wi-Fi down, server stopped).
    Network(String),
    /// The server answered something this version of the app does not understand.
    Unexpected(String),
}

impl ApiError {
    /// What to tell a person. Server sentences are English; the app's own are localized.
    pub fn message(&self, lang: Lang) -> String {
        let t = crate::i18n::texts(lang);
        match self {
            ApiError::Unauthorized => t.session_expired.to_owned(),
            ApiError::Conflict(_) => t.conflict_title.to_owned(),
            ApiError::Invalid { message, .. } => message.clone(),
            ApiError::Refused { status: 403, .. } => t.forbidden.to_owned(),
            ApiError::Refused { status: 404, .. } => t.not_found_text.to_owned(),
            ApiError::Refused { status, message, .. } => format!("{message} ({status})"),
            ApiError::Network(_) => t.network_error.to_owned(),
            ApiError::Unexpected(detail) => format!("{} ({detail})", t.unexpected_error),
        }
    }
}

/// `POST /auth/login`, then the account and policy as `GET /me` and `GET /policy` give them.
pub async fn login(username: &str, password: &str) -> Result<(Me, Policy), ApiError> {
    let body = LoginRequest { username: username.to_owned(), password: password.to_owned() };
    send(with_json(Request::post(&url("/auth/login")), &body)).await?;
    me_and_policy().await
}

pub async fn logout() -> Result<(), ApiError> {
    send(Request::post(&url("/auth/logout")).build()).await.map(drop)
}

/// Who is logged in, and their school's policy; `Unauthorized` when nobody is. Asked for side
/// by side: one round trip, not two, before a page can show anything.
pub async fn me_and_policy() -> Result<(Me, Policy), ApiError> {
    let (me, policy) = futures::future::join(get::<Me>("/me"), get::<Policy>("/policy")).await;
    let me = me?;
    // A district admin has no school, so no policy of its own (each school's comes with it).
    if me.user.role == shared::api::Role::DistrictAdmin {
        return Ok((me, Policy::default()));
    }
    Ok((me, policy?))
}

pub async fn classes() -> Result<Vec<ClassInfo>, ApiError> {
    get("/classes").await
}

/// `PUT` the whole day; the answer is the stored report and the flags it raises.
pub async fn put_report(
    class_id: ClassId,
    date: NaiveDate,
    body: &PutDayReport,
) -> Result<PutDayReportResponse, ApiError> {
    let path = url(&format!("/classes/{class_id}/reports/{date}"));
    decode(send(with_json(Request::put(&path), body)).await?).await
}

/// The class's day reports from `from` to `to`, oldest first.
pub async fn reports(
    class_id: ClassId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayReport>, ApiError> {
    get(&format!("/classes/{class_id}/reports?from={from}&to={to}")).await
}

pub async fn summary(
    class_id: ClassId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ClassSummary, ApiError> {
    get(&format!("/classes/{class_id}/summary?from={from}&to={to}")).await
}

pub async fn comparison(
    school: SchoolId,
    grade: Grade,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<GradeComparison, ApiError> {
    get(&format!("/schools/{school}/grades/{grade}/comparison?from={from}&to={to}")).await
}

/// The address of the comparison as a CSV file, for a download link.
pub fn comparison_csv_url(
    school: SchoolId,
    grade: Grade,
    from: NaiveDate,
    to: NaiveDate,
) -> String {
    url(&format!("/schools/{school}/grades/{grade}/comparison.csv?from={from}&to={to}"))
}

/// The class × day totals of a grade, with its school days (the heat map).
pub async fn grade_days(
    school: SchoolId,
    grade: Grade,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<shared::api::GradeDays, ApiError> {
    get(&format!("/schools/{school}/grades/{grade}/days?from={from}&to={to}")).await
}

/// The class × subject averages of a grade.
pub async fn grade_subjects(
    school: SchoolId,
    grade: Grade,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<shared::api::GradeSubjects, ApiError> {
    get(&format!("/schools/{school}/grades/{grade}/subjects?from={from}&to={to}")).await
}

/// Every grade of the school at a glance, and the classes that need attention (admins).
pub async fn school_overview(
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<shared::api::SchoolOverview, ApiError> {
    get(&format!("/schools/{school}/overview?from={from}&to={to}")).await
}

/// The school's holidays in a period.
pub async fn holidays(
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<shared::api::Holiday>, ApiError> {
    get(&format!("/holidays?from={from}&to={to}")).await
}

/// The school's make-up school days (调休) in a period.
pub async fn makeup_days(
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<shared::api::MakeupDay>, ApiError> {
    get(&format!("/makeup-days?from={from}&to={to}")).await
}

/// Removes a day recorded by mistake; `version` guards against removing a newer correction.
pub async fn delete_report(class: ClassId, date: NaiveDate, version: i64) -> Result<(), ApiError> {
    let path = url(&format!("/classes/{class}/reports/{date}?version={version}"));
    send(Request::delete(&path).build()).await.map(drop)
}

/// The address of a grade's dashboard table as CSV: `table` is `comparison`, `days` or
/// `subjects`.
pub fn grade_csv_url(
    school: SchoolId,
    grade: Grade,
    table: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> String {
    url(&format!("/schools/{school}/grades/{grade}/{table}.csv?from={from}&to={to}"))
}

/// The address of the school overview as CSV.
pub fn overview_csv_url(school: SchoolId, from: NaiveDate, to: NaiveDate) -> String {
    url(&format!("/schools/{school}/overview.csv?from={from}&to={to}"))
}

/// The address of a class's days as CSV (a column per subject).
pub fn class_reports_csv_url(class_id: ClassId, from: NaiveDate, to: NaiveDate) -> String {
    url(&format!("/classes/{class_id}/reports.csv?from={from}&to={to}"))
}

/// A class's day of plans.
pub async fn day_plan(
    class_id: ClassId,
    date: NaiveDate,
) -> Result<shared::plans::DayPlan, ApiError> {
    get(&format!("/classes/{class_id}/plans/{date}")).await
}

/// A class's day of plans decoded as `T`: a part of a DayPlan is enough where only some of its
/// fields are shown (the entry page: each subject's expected minutes).
pub async fn day_plan_as<T: DeserializeOwned>(
    class_id: ClassId,
    date: NaiveDate,
) -> Result<T, ApiError> {
    get(&format!("/classes/{class_id}/plans/{date}")).await
}

/// Files (or, with no items, removes) a subject's plan for a class's day.
pub async fn put_plan(
    class_id: ClassId,
    date: NaiveDate,
    subject: &str,
    body: &shared::plans::PutSubjectPlan,
) -> Result<shared::plans::PutSubjectPlanResponse, ApiError> {
    let path = url(&format!("/classes/{class_id}/plans/{date}/{subject}"));
    decode(send(with_json(Request::put(&path), body)).await?).await
}

/// Approves or returns a day over the limit.
pub async fn review_plan(
    class_id: ClassId,
    date: NaiveDate,
    body: &shared::plans::ReviewRequest,
) -> Result<shared::plans::DayPlan, ApiError> {
    let path = url(&format!("/classes/{class_id}/plans/{date}/review"));
    decode(send(with_json(Request::post(&path), body)).await?).await
}

/// The public notice of a class's day (no log-in): `date` or the school's today.
pub async fn public_notice(
    token: &str,
    date: Option<NaiveDate>,
) -> Result<shared::plans::PublicNotice, ApiError> {
    let token: String = token.chars().filter(char::is_ascii_hexdigit).collect();
    match date {
        Some(d) => get(&format!("/public/notices/{token}?date={d}")).await,
        None => get(&format!("/public/notices/{token}")).await,
    }
}

/// A random UUID (version 4) naming one submission, so that sending it twice stores it once.
/// Uses `crypto.getRandomValues`, which unlike `crypto.randomUUID` also works on a school server
/// reached over plain HTTP.
pub fn new_client_id() -> String {
    format_uuid_v4(random_bytes())
}

/// `N` random bytes from `crypto.getRandomValues` (`Math.random` where the browser has none).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// Formats 16 random bytes as a version-4, RFC 4122-variant UUID.
pub fn format_uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

fn with_json<T: Serialize>(builder: RequestBuilder, body: &T) -> Result<Request, gloo_net::Error> {
    builder.header("Accept", "application/json").json(body)
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let request = Request::get(&url(path)).header("Accept", "application/json").build();
    decode(send(request).await?).await
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    response.json().await.map_err(|e| ApiError::Unexpected(e.to_string()))
}

/// Sends a request; a status other than 2xx becomes the matching [`ApiError`].
async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let request = request.map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let response = request.send().await.map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
    if response.ok() {
        return Ok(response);
    }
    let text = response.text().await.unwrap_or_default();
    Err(match status {
        401 => ApiError::Unauthorized,
        409 => match serde_json::from_str::<ConflictBody>(&text) {
            Ok(body) => ApiError::Conflict(body.report.map(Box::new)),
            Err(_) => ApiError::Conflict(None),
        },
        _ => match serde_json::from_str::<ErrorBody>(&text) {
            Ok(ErrorBody { error }) if status == 422 => {
                ApiError::Invalid { message: error.message, problems: error.problems }
            }
            Ok(ErrorBody { error }) => {
                ApiError::Refused { status, code: error.code, message: error.message }
            }
            Err(_) => {
                ApiError::Refused { status, code: String::new(), message: response.status_text() }
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_id_is_a_version_4_uuid() {
        let id = format_uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = format_uuid_v4([0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
    }
}
