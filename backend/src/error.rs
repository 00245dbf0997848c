//! The error type of the HTTP layer: every variant is one distinct cause with its own status and
//! stable code, and turning it into a response writes the JSON error body of API.md.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::api::{ConflictBody, DayReport, ErrorBody, ErrorDetail, Problem};
use shared::report::ValidationError;

use crate::db::StoreError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not the JSON we expect: malformed, wrong types, unknown fields.
    #[error("{0}")]
    BadJson(String),
    /// A date in the path or query is not `YYYY-MM-DD`.
    #[error("{0}")]
    BadDate(String),
    /// A query string or path segment that does not parse.
    #[error("{0}")]
    BadQuery(String),
    /// `from` after `to`, or a range too long to compute.
    #[error("{0}")]
    InvalidRange(String),
    /// No valid session cookie.
    #[error("please log in")]
    NotLoggedIn,
    /// Unknown user, wrong password or disabled account: deliberately indistinguishable.
    #[error("wrong username or password")]
    InvalidCredentials,
    /// Logged in, but the role does not allow this on this class, grade or school.
    #[error("{0}")]
    Forbidden(&'static str),
    /// A state-changing request sent from a page of another origin.
    #[error("cross-origin requests may not change anything")]
    CrossOrigin,
    /// No such resource; the code names what was missing (`class_not_found`, ...).
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    /// The client's `version` is not the current one; it gets the report as it stands.
    #[error("this day was changed by someone else (now version {})", .0.as_ref().map_or(0, |r| r.version))]
    VersionConflict(Option<Box<DayReport>>),
    /// The body exceeds the request size limit.
    #[error("the request body is too large")]
    BodyTooLarge,
    /// The body is not `application/json`.
    #[error("the request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    /// A day report that breaks the rules; every problem is listed.
    #[error("{}", .0.first().map(ToString::to_string).unwrap_or_default())]
    InvalidReport(Vec<ValidationError>),
    /// Another well-formed but invalid input; the code names the field's problem.
    #[error("{message}")]
    Invalid { code: &'static str, message: String, problems: Vec<Problem> },
    /// An uploaded file with problems on some rows; every one is listed.
    #[error("the file has {} problem(s); nothing was stored", .0.len())]
    InvalidRows(Vec<Problem>),
    /// Too many failed log-ins; try again after this many seconds.
    #[error("too many failed log-in attempts; try again in {0} seconds")]
    TooManyAttempts(u64),
    /// The database cannot take writes right now (read-only, disk full).
    #[error("the server cannot store data right now; nothing was changed, try again later")]
    Unavailable,
    /// Every password-hashing thread is taken and the wait ran out; retry after this many seconds.
    #[error("the server is busy; try again in {0} seconds")]
    Busy(u64),
    /// A bug or an unexpected failure; details go to the log, not to the client.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid { code, message: message.into(), problems: Vec::new() }
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        AppError::NotFound { code, message: message.into() }
    }

    pub fn status(&self) -> StatusCode {
        use AppError::*;
        match self {
            BadJson(_) | BadDate(_) | BadQuery(_) | InvalidRange(_) => StatusCode::BAD_REQUEST,
            NotLoggedIn | InvalidCredentials => StatusCode::UNAUTHORIZED,
            Forbidden(_) | CrossOrigin => StatusCode::FORBIDDEN,
            NotFound { .. } => StatusCode::NOT_FOUND,
            VersionConflict(_) => StatusCode::CONFLICT,
            BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            InvalidReport(_) | Invalid { .. } | InvalidRows(_) => StatusCode::UNPROCESSABLE_ENTITY,
            TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            Unavailable | Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        use AppError::*;
        match self {
            BadJson(_) => "bad_json",
            BadDate(_) => "bad_date",
            BadQuery(_) => "bad_query",
            InvalidRange(_) => "invalid_range",
            NotLoggedIn => "not_logged_in",
            InvalidCredentials => "invalid_credentials",
            Forbidden(_) => "forbidden",
            CrossOrigin => "cross_origin",
            NotFound { code, .. } => code,
            VersionConflict(_) => "version_conflict",
            BodyTooLarge => "body_too_large",
            UnsupportedMediaType => "unsupported_media_type",
            InvalidReport(problems) => {
                problems.first().map_or("invalid_report", ValidationError::code)
            }
            Invalid { code, .. } => code,
            InvalidRows(_) => "roster_invalid",
            TooManyAttempts(_) => "too_many_attempts",
            Unavailable => "storage_unavailable",
            Busy(_) => "server_busy",
            Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> ErrorDetail {
        // Every 422 lists its problems, even a single one, so a client can always read the list.
        let problems = match self {
            AppError::InvalidReport(list) => {
                list.iter().map(|p| problem(p.code(), p.to_string())).collect()
            }
            AppError::Invalid { problems, .. } if !problems.is_empty() => problems.clone(),
            AppError::Invalid { code, message, .. } => {
                vec![problem(code, message.clone())]
            }
            AppError::InvalidRows(rows) => rows.clone(),
            _ => Vec::new(),
        };
        ErrorDetail { code: self.code().to_owned(), message: self.to_string(), problems }
    }
}

fn problem(code: &str, message: String) -> Problem {
    Problem { code: code.to_owned(), message, row: None, column: None }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let AppError::Internal(cause) = &self {
            tracing::error!(%cause, "internal error");
        }
        let mut response = match self {
            AppError::VersionConflict(ref current) => {
                let body =
                    ConflictBody { error: self.detail(), report: current.as_deref().cloned() };
                (status, axum::Json(body)).into_response()
            }
            _ => (status, axum::Json(ErrorBody { error: self.detail() })).into_response(),
        };
        // The rest of a huge body is not read: the connection cannot carry another request.
        if matches!(self, AppError::BodyTooLarge) {
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if let AppError::TooManyAttempts(seconds) | AppError::Busy(seconds) = self {
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Taken(what) => AppError::invalid(what.code(), what.message()),
            StoreError::Unavailable(cause) => {
                tracing::error!(%cause, "storage unavailable");
                AppError::Unavailable
            }
            StoreError::Internal(cause) => AppError::Internal(cause),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
