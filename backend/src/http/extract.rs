//! Extractors whose rejections speak our error body: JSON bodies, path segments, query strings,
//! and the date ranges of summaries.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use shared::Window;

use crate::error::AppError;
use crate::http::negotiate::Negotiation;

/// A JSON body; a bad one is `400 bad_json`, a missing content type `415`, a huge one `413`.
/// It must be a JSON object: serde would also fill a struct from an array of its fields in
/// order (`[]` for a struct whose fields are all optional), which API.md does not allow.
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<ObjectBody<T>>::from_request(req, state).await {
            Ok(axum::Json(ObjectBody(value))) => Ok(AppJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::UnsupportedMediaType),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::BodyTooLarge),
            Err(e) => Err(AppError::BadJson(e.body_text())),
        }
    }
}

/// Deserializes `T` from a JSON object only, never from serde's sequence form of a struct.
struct ObjectBody<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectBody<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Object<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer.deserialize_map(Object(std::marker::PhantomData)).map(ObjectBody)
    }
}

/// Path parameters; a segment that does not parse is `400 bad_query`.
pub struct AppPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for AppPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| AppPath(p.0))
            .map_err(|e: PathRejection| AppError::BadQuery(e.body_text()))
    }
}

/// A query string; unknown parameters and bad values are `400 bad_query`.
pub struct AppQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for AppQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| AppQuery(q.0))
            .map_err(|e: QueryRejection| AppError::BadQuery(e.body_text()))
    }
}

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`, both optional, and `lang=zh|en` for the words of a CSV
/// (else `Accept-Language` decides).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub lang: Option<String>,
}

impl RangeQuery {
    /// JSON or CSV, and the CSV's language: `lang` if given, else the request's headers.
    pub fn negotiation(&self, headers: &axum::http::HeaderMap) -> Negotiation {
        Negotiation::new(headers, self.lang.as_deref())
    }

    /// The window asked for: missing ends default to the policy window ending today.
    pub fn window(&self, today: NaiveDate, window_days: u32) -> Result<Window, AppError> {
        let from = self.from.as_deref().map(parse_date).transpose()?;
        let to = self.to.as_deref().map(parse_date).transpose()?;
        let to = to.unwrap_or(today);
        let from = match from {
            Some(f) => f,
            None => Window::ending(to, window_days).from(),
        };
        Window::new(from, to).map_err(|e| AppError::InvalidRange(e.to_string()))
    }
}

/// Parses `YYYY-MM-DD` (exactly that form), or answers `400 bad_date`.
pub fn parse_date(s: &str) -> Result<NaiveDate, AppError> {
    let well_formed = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    well_formed
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .filter(|d| *d >= NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN))
        .ok_or_else(|| {
            AppError::BadDate(format!("{:?} is not a date of the form YYYY-MM-DD", truncate(s)))
        })
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// The day before a date, for windows that must end before today.
pub fn day_before(d: NaiveDate) -> NaiveDate {
    d.checked_sub_days(Days::new(1)).unwrap_or(d)
}

/// A grade report's request, `…/{id}/grades/{grade}` with `?from=&to=&lang=`: who asks (401
/// first), the path (400 `bad_query`), the range (400 `bad_query`), and the headers that choose
/// JSON or CSV and the language, extracted in this order for every grade report alike.
pub struct GradeRequest<Id> {
    pub user: crate::db::Account,
    pub id: Id,
    pub grade: String,
    pub range: RangeQuery,
    pub headers: axum::http::HeaderMap,
}

impl<Id: DeserializeOwned + Send> FromRequestParts<crate::AppState> for GradeRequest<Id> {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let crate::auth::CurrentUser(user) =
            crate::auth::CurrentUser::from_request_parts(parts, state).await?;
        let AppPath((id, grade)) =
            AppPath::<(Id, String)>::from_request_parts(parts, state).await?;
        let AppQuery(range) = AppQuery::<RangeQuery>::from_request_parts(parts, state).await?;
        Ok(GradeRequest { user, id, grade, range, headers: parts.headers.clone() })
    }
}

impl<Id> GradeRequest<Id> {
    /// The report as JSON, or as CSV on the `.csv` path (`csv_path`) or when the client accepts
    /// CSV, in the language asked for.
    pub fn answer<T: serde::Serialize>(
        &self,
        report: &T,
        csv_path: bool,
        table: impl FnOnce(&T, shared::Lang) -> (String, String),
    ) -> axum::response::Response {
        self.range.negotiation(&self.headers).answer(report, csv_path, table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_dates_in_the_iso_form_parse() {
        assert!(parse_date("2026-11-20").is_ok());
        for bad in [
            "2026-02-30",
            "2026-1-5",
            "20261120",
            "2026-11-20T00:00",
            "",
            "../../etc",
            "1900-01-01",
        ] {
            assert!(matches!(parse_date(bad), Err(AppError::BadDate(_))), "{bad}");
        }
    }

    #[test]
    fn a_missing_range_is_the_policy_window_ending_today() {
        let today: NaiveDate = "2026-11-20".parse().unwrap();
        let w = RangeQuery::default().window(today, 14).unwrap();
        assert_eq!(
            (w.from().to_string(), w.to().to_string()),
            ("2026-11-07".into(), "2026-11-20".into())
        );
        let q = RangeQuery {
            from: Some("2026-11-21".into()),
            to: Some("2026-11-20".into()),
            ..RangeQuery::default()
        };
        assert!(matches!(q.window(today, 14), Err(AppError::InvalidRange(_))));
    }
}
