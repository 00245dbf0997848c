//! The public notice (作业公示): links a class teacher or admin creates and revokes
//! (`/classes/{id}/notice-links`), and the day's homework shown through one without a log-in
//! (`GET /public/notices/{token}`). A link's token has 256 random bits and is stored only as its
//! SHA-256; the notice names no person.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Deserialize;
use shared::ClassId;
use shared::api::ClassInfo;
use shared::plans::{NoticeLink, PublicNotice};

use crate::AppState;
use crate::auth::{self, ClientAddress, CurrentUser};
use crate::clock::{now_rfc3339, today_in};
use crate::db::plans::NoticeLinkRecord;
use crate::db::{Account, Actor};
use crate::error::{AppError, AppResult};
use crate::http::extract::{AppPath, AppQuery, parse_date};
use crate::http::scope::{find_class, school};
use crate::http::views::day_plan;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/classes/{class_id}/notice-links", get(list).post(create))
        .route("/classes/{class_id}/notice-links/{link_id}", delete(revoke))
        .route("/public/notices/{token}", get(public_notice))
}

async fn managed_class(state: &AppState, user: &Account, id: ClassId) -> AppResult<ClassInfo> {
    let class = find_class(state, id).await?;
    if user.can_manage_notice(&class) {
        Ok(class)
    } else {
        Err(AppError::Forbidden("only the class teacher or an admin manages notice links"))
    }
}

fn shown(record: NoticeLinkRecord, token: Option<String>, headers: &HeaderMap) -> NoticeLink {
    let url = token.as_ref().map(|t| notice_url(headers, t));
    NoticeLink {
        id: record.id,
        class_id: record.class_id,
        token,
        url,
        created_at: record.created_at,
    }
}

/// The web app's page of a token: absolute when the request says which host it came to.
fn notice_url(headers: &HeaderMap, token: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()));
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    match host {
        Some(host) => format!("{}://{host}/notice/{token}", if https { "https" } else { "http" }),
        None => format!("/notice/{token}"),
    }
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(class_id): AppPath<ClassId>,
    headers: HeaderMap,
) -> AppResult<(StatusCode, Json<NoticeLink>)> {
    let class = managed_class(&state, &user, class_id).await?;
    let token = auth::new_token()?;
    let record = state
        .store
        .create_notice_link(
            class.id,
            &auth::token_hash(&token),
            &now_rfc3339(),
            &Actor::of(&user, &address),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(shown(record, Some(token), &headers))))
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(class_id): AppPath<ClassId>,
    headers: HeaderMap,
) -> AppResult<Json<Vec<NoticeLink>>> {
    let class = managed_class(&state, &user, class_id).await?;
    let links = state.store.notice_links(class.id).await?;
    Ok(Json(links.into_iter().map(|l| shown(l, None, &headers)).collect()))
}

async fn revoke(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath((class_id, link_id)): AppPath<(ClassId, i64)>,
) -> AppResult<StatusCode> {
    let class = managed_class(&state, &user, class_id).await?;
    let actor = Actor::of(&user, &address);
    if state.store.revoke_notice_link(class.id, link_id, &now_rfc3339(), &actor).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found(
            "notice_link_not_found",
            format!("this class has no notice link {link_id}"),
        ))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeQuery {
    date: Option<String>,
}

async fn public_notice(
    State(state): State<AppState>,
    AppPath(token): AppPath<String>,
    AppQuery(query): AppQuery<NoticeQuery>,
) -> AppResult<Response> {
    let unknown = || AppError::not_found("notice_not_found", "no such notice link");
    let well_formed =
        (16..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        return Err(unknown());
    }
    let class_id =
        state.store.notice_class(&auth::token_hash(&token)).await?.ok_or_else(unknown)?;
    let class = find_class(&state, class_id).await?;
    let school = school(&state, class.school_id).await?;
    let date = match query.date.as_deref() {
        Some(d) => parse_date(d)?,
        None => today_in(&school),
    };
    let policy = state.store.policy(school.id).await?;
    let stored = state.store.day_plan(class.id, date).await?;
    let day = day_plan(&class, &policy, date, stored);
    let notice = PublicNotice::of(&day, &school.name, &class.name, class.grade);
    let mut response = Json(notice).into_response();
    // A revoked link stops showing at once: nothing keeps a copy.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
