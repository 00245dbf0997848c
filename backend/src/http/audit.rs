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
use crate::db::{AuditFilter, School};
use crate::error::AppResult;
use crate::http::csv;
use crate::http::extract::{AppQuery, parse_date};
use crate::http::negotiate::Negotiation;
use crate::http::scope::school_of;
use chrono::{Duration, NaiveDate, NaiveTime};
use std::collections::HashMap;

const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 500;
/// An export holds at most this many entries (newest first).
const MAX_EXPORT: u32 = 100_000;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(page::<false>)).route("/audit.csv", get(page::<true>))
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
    lang: Option<String>,
}

/// The UTC instant, as the log writes it, at which a school's day begins.
fn day_start_utc(date: NaiveDate, school: &School) -> String {
    let local_midnight = date.and_time(NaiveTime::MIN);
    let utc = local_midnight - Duration::minutes(i64::from(school.utc_offset_minutes));
    utc.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl AuditQuery {
    /// Dates are the school's (API.md); entries are stamped in UTC, so a day is the UTC span
    /// from that school day's midnight to the next.
    fn filter(self, limit: u32, school: &School) -> AppResult<AuditFilter> {
        let from = self.from.as_deref().map(parse_date).transpose()?;
        let to = self.to.as_deref().map(parse_date).transpose()?.and_then(|d| d.succ_opt());
        let from = from.map(|d| day_start_utc(d, school));
        let to = to.map(|d| day_start_utc(d, school));
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

/// Names what each entry's target points at: `class 12 …` by the class's name, `user x` by the
/// account's, so that a reader does not have to look ids up.
async fn name_targets(
    state: &AppState,
    school: shared::SchoolId,
    page: &mut AuditPage,
) -> AppResult<()> {
    if page.entries.is_empty() {
        return Ok(());
    }
    let classes: HashMap<String, String> = state
        .store
        .all_classes(school)
        .await?
        .into_iter()
        .map(|c| (c.id.to_string(), c.name))
        .collect();
    let people: HashMap<String, String> = state
        .store
        .accounts(school)
        .await?
        .into_iter()
        .map(|a| (a.username, a.display_name))
        .collect();
    for entry in &mut page.entries {
        entry.target_name = target_name(&entry.target, &classes, &people).unwrap_or_default();
    }
    Ok(())
}

/// `class 12 report 2026-11-20` → the name of class 12; `user t1` → t1's name.
fn target_name(
    target: &str,
    classes: &HashMap<String, String>,
    people: &HashMap<String, String>,
) -> Option<String> {
    let mut words = target.split(' ');
    match (words.next(), words.next()) {
        (Some("class"), Some(id)) => classes.get(id).cloned(),
        (Some("user"), Some(username)) => people.get(username).cloned(),
        _ => None,
    }
}

/// A page of the log as JSON (or CSV when the client accepts it); on the `.csv` path (`CSV`) the
/// whole export, up to [`MAX_EXPORT`] entries, as CSV.
async fn page<const CSV: bool>(
    State(state): State<AppState>,
    CurrentUser(admin): CurrentUser,
    AppQuery(query): AppQuery<AuditQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    admin.require_admin()?;
    let negotiation = Negotiation::new(&headers, query.lang.as_deref());
    let limit =
        if CSV { MAX_EXPORT } else { query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT) };
    let school = school_of(&state, &admin).await?;
    let entries =
        state.store.audit_entries(admin.school_id, &query.filter(limit, &school)?).await?;
    let next_before =
        (!CSV && entries.len() == limit as usize).then(|| entries.last().map(|e| e.id)).flatten();
    let mut page = AuditPage { entries, next_before };
    if !CSV {
        // The CSV keeps its eight columns; the page names each entry's target.
        name_targets(&state, admin.school_id, &mut page).await?;
    }
    Ok(negotiation.answer(&page, CSV, csv::audit))
}
