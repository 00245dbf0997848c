//! The cases endpoints (API.md "Cases"): the list the caller may see, recording an action, and
//! a recheck. A child of [`crate::api`], so it shares its request helpers and its [`ApiError`].

use super::{ApiError, decode, get, send, url, with_json};
use gloo_net::http::Request;
use shared::cases::{Case, NewAction};

/// The cases the caller may see, newest first.
pub async fn cases() -> Result<Vec<Case>, ApiError> {
    get("/cases").await
}

/// Records what was done, taking effect today.
pub async fn act(id: i64, text: &str) -> Result<Case, ApiError> {
    let body = NewAction { text: text.to_owned(), effective_date: None };
    decode(send(with_json(Request::post(&url(&format!("/cases/{id}/actions"))), &body)).await?)
        .await
}

/// Rechecks a case over the window after its latest action.
pub async fn recheck(id: i64) -> Result<Case, ApiError> {
    decode(send(Request::post(&url(&format!("/cases/{id}/recheck"))).build()).await?).await
}
