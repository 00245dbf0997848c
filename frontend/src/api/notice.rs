//! The public notice's links (API.md "Public notice"): the class teacher's or an admin's list,
//! a new link (its token and address only in that answer), and revoking one. A child of
//! [`crate::api`], so it shares its request helpers and its [`ApiError`].

use super::{ApiError, decode, get, send, url};
use gloo_net::http::Request;
use shared::ClassId;
use shared::plans::NoticeLink;

/// The class's live links, newest first as the server lists them (no tokens).
pub async fn links(class: ClassId) -> Result<Vec<NoticeLink>, ApiError> {
    get(&format!("/classes/{class}/notice-links")).await
}

/// A new link; the answer is the only place its token and address are ever shown.
pub async fn create(class: ClassId) -> Result<NoticeLink, ApiError> {
    let request = Request::post(&url(&format!("/classes/{class}/notice-links")))
        .header("Accept", "application/json")
        .build();
    decode(send(request).await?).await
}

/// Revokes a link at once: its address shows "not found" from now on.
pub async fn revoke(class: ClassId, link: i64) -> Result<(), ApiError> {
    let request = Request::delete(&url(&format!("/classes/{class}/notice-links/{link}"))).build();
    send(request).await.map(drop)
}
