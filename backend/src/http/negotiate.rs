//! Content negotiation in one place: whether an answer is JSON or CSV (the `.csv` path, or
//! `Accept: text/csv`), and the language its CSV is written in (`?lang=zh|en`, else
//! `Accept-Language`, else Chinese). A helper, not a resource.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shared::Lang;

/// What a client asked an answer to be: CSV or JSON, and the CSV's language.
#[derive(Debug, Clone, Copy)]
pub struct Negotiation {
    accepts_csv: bool,
    lang: Lang,
}

impl Negotiation {
    /// From the request's headers and its `lang` query parameter, if it has one.
    pub fn new(headers: &HeaderMap, lang: Option<&str>) -> Self {
        let accepts_csv = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"));
        Negotiation { accepts_csv, lang: csv_lang(lang, headers) }
    }

    /// The language a CSV is written in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// `value` as JSON, or as the CSV that `table` writes (file name, body) when the path ends
    /// in `.csv` (`csv_path`) or the client accepts `text/csv`.
    pub fn answer<T: Serialize>(
        &self,
        value: &T,
        csv_path: bool,
        table: impl FnOnce(&T, Lang) -> (String, String),
    ) -> Response {
        if !(csv_path || self.accepts_csv) {
            return Json(value).into_response();
        }
        let (filename, body) = table(value, self.lang);
        let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
        (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            body,
        )
            .into_response()
    }
}

/// The language a CSV is written in: `lang` if it names one, else the `Accept-Language` header.
pub fn csv_lang(lang: Option<&str>, headers: &HeaderMap) -> Lang {
    match lang {
        Some("zh") => Lang::Zh,
        Some("en") => Lang::En,
        _ => lang_of(headers),
    }
}

/// The language of the `Accept-Language` header (Chinese when it says nothing).
pub fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Zh, Lang::from_accept_language)
}
