//! The audit log, for admins: who changed what, when and from where; filtered, paged, and
//! exported as CSV. Nothing here writes or deletes.

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use shared::api::AuditPage;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::db::AuditFilter;
use crate::error::AppResult;
use crate::http::csv;
use crate::http::extract::{AppQuery, parse_date};
use crate::http::summary::json_or_csv;

const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 500;
/// An export holds at most this many entries (newest first).
const MAX_EXPORT: u32 = 100_000;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(page)).route("/audit.csv", get(export))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    from: Option<String>,
    to: Option<String>,
    action: Option<String>,
    actor: Option<String>,
    before: Option<i64>,
    limit: Option<u32>,
}

impl AuditQuery {
    fn filter(self, limit: u32) -> AppResult<AuditFilter> {
        // Entries are stamped in UTC; a date filter covers that whole UTC day.
        let from = self.from.as_deref().map(parse_date).transpose()?.map(|d| d.to_string());
        let to = self
            .to
            .as_deref()
            .map(parse_date)
            .transpose()?
            .and_then(|d| d.succ_opt())
            .map(|d| d.to_string());
        Ok(AuditFilter {
            from,
            to,
            action: self.action.filter(|a| !a.is_empty()),
            actor: self.actor.map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()),
            before: self.before,
            limit,
        })
    }
}

async fn page(
    State(state): State<AppState>,
    CurrentUser(admin): CurrentUser,
    AppQuery(query): AppQuery<AuditQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    admin.require_admin()?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let entries = state.store.audit_entries(admin.school_id, &query.filter(limit)?).await?;
    let next_before =
        (entries.len() == limit as usize).then(|| entries.last().map(|e| e.id)).flatten();
    let page = AuditPage { entries, next_before };
    Ok(json_or_csv(&headers, &page, false, csv::audit))
}

async fn export(
    State(state): State<AppState>,
    CurrentUser(admin): CurrentUser,
    AppQuery(query): AppQuery<AuditQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    admin.require_admin()?;
    let entries = state.store.audit_entries(admin.school_id, &query.filter(MAX_EXPORT)?).await?;
    let page = AuditPage { entries, next_before: None };
    Ok(json_or_csv(&headers, &page, true, csv::audit))
}
