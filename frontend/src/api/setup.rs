//! The school set-up endpoints (API.md: "School set-up", "Roster import", "Class tablet
//! sign-in", "Audit log"): classes, accounts, the policy, holidays, roster import, tablet codes,
//! the audit log and one's own password. A child of [`crate::api`], so it shares its request
//! helpers and its [`ApiError`].

use super::{ApiError, decode, get, me_and_policy, send, url, with_json};
use chrono::NaiveDate;
use gloo_net::http::Request;
use shared::api::{
    AuditPage, ClassInfo, ClassPatch, Holiday, HolidayName, MakeupDay, Me, NewClass, NewTabletCode,
    NewUser, PasswordChange, PasswordReset, RosterResult, TabletCode, TabletSignIn, User,
    UserPatch,
};
use shared::{ClassId, Policy, UserId};

/// Every class of the school, the archived ones too (admins; others get their own).
pub async fn all_classes() -> Result<Vec<ClassInfo>, ApiError> {
    get("/classes?include_archived=true").await
}

pub async fn create_class(body: &NewClass) -> Result<ClassInfo, ApiError> {
    decode(send(with_json(Request::post(&url("/classes")), body)).await?).await
}

/// Renames, archives or brings back a class.
pub async fn change_class(id: ClassId, body: &ClassPatch) -> Result<ClassInfo, ApiError> {
    let path = url(&format!("/classes/{id}"));
    decode(send(with_json(Request::patch(&path), body)).await?).await
}

/// Replaces the school's policy; the answer is the policy as stored.
pub async fn put_policy(policy: &Policy) -> Result<Policy, ApiError> {
    decode(send(with_json(Request::put(&url("/policy")), policy)).await?).await
}

pub async fn users() -> Result<Vec<User>, ApiError> {
    get("/users").await
}

pub async fn create_user(body: &NewUser) -> Result<User, ApiError> {
    decode(send(with_json(Request::post(&url("/users")), body)).await?).await
}

/// Changes an account (disable, enable, rename, move).
pub async fn change_user(id: UserId, body: &UserPatch) -> Result<User, ApiError> {
    let path = url(&format!("/users/{id}"));
    decode(send(with_json(Request::patch(&path), body)).await?).await
}

/// An admin sets a new password for an account; its sessions end.
pub async fn reset_password(id: UserId, password: &str) -> Result<(), ApiError> {
    let body = PasswordReset { password: password.to_owned() };
    let path = url(&format!("/users/{id}/password"));
    send(with_json(Request::post(&path), &body)).await.map(drop)
}

/// The logged-in account changes its own password; its other sessions end.
pub async fn change_own_password(current: &str, new: &str) -> Result<(), ApiError> {
    let body =
        PasswordChange { current_password: current.to_owned(), new_password: new.to_owned() };
    send(with_json(Request::put(&url("/me/password")), &body)).await.map(drop)
}

pub async fn put_holiday(date: NaiveDate, name: &str) -> Result<Holiday, ApiError> {
    let body = HolidayName { name: name.to_owned() };
    let path = url(&format!("/holidays/{date}"));
    decode(send(with_json(Request::put(&path), &body)).await?).await
}

pub async fn put_makeup_day(date: NaiveDate, name: &str) -> Result<MakeupDay, ApiError> {
    let body = HolidayName { name: name.to_owned() };
    let path = url(&format!("/makeup-days/{date}"));
    decode(send(with_json(Request::put(&path), &body)).await?).await
}

pub async fn delete_makeup_day(date: NaiveDate) -> Result<(), ApiError> {
    let request = Request::delete(&url(&format!("/makeup-days/{date}"))).build();
    send(request).await.map(drop)
}

pub async fn delete_holiday(date: NaiveDate) -> Result<(), ApiError> {
    let request = Request::delete(&url(&format!("/holidays/{date}"))).build();
    send(request).await.map(drop)
}

/// The class's tablet codes (without the codes themselves).
pub async fn tablet_codes(class: ClassId) -> Result<Vec<TabletCode>, ApiError> {
    get(&format!("/classes/{class}/tablet-codes")).await
}

/// A new code for the class's tablet; the answer is the only place the code is ever shown.
pub async fn issue_tablet_code(class: ClassId, label: &str) -> Result<TabletCode, ApiError> {
    let body = NewTabletCode { label: label.to_owned() };
    let path = url(&format!("/classes/{class}/tablet-codes"));
    decode(send(with_json(Request::post(&path), &body)).await?).await
}

/// Revokes a code; tablets signed in with it are signed out.
pub async fn revoke_tablet_code(class: ClassId, code: i64) -> Result<(), ApiError> {
    let request = Request::delete(&url(&format!("/classes/{class}/tablet-codes/{code}"))).build();
    send(request).await.map(drop)
}

/// Signs this device in as the class tablet of the code; `Unauthorized` for a wrong or revoked
/// code.
pub async fn tablet_sign_in(code: &str) -> Result<(Me, Policy), ApiError> {
    let body = TabletSignIn { code: code.to_owned() };
    send(with_json(Request::post(&url("/auth/tablet")), &body)).await?;
    me_and_policy().await
}

/// Uploads a roster CSV as the multipart field `file`; with `dry_run` the server only checks.
/// The browser sets the multipart `Content-Type` (with its boundary) itself.
pub async fn import_roster(file: &web_sys::File, dry_run: bool) -> Result<RosterResult, ApiError> {
    let js_error = |e: wasm_bindgen::JsValue| ApiError::Unexpected(format!("{e:?}"));
    let form = web_sys::FormData::new().map_err(js_error)?;
    form.append_with_blob_and_filename("file", file, &file.name()).map_err(js_error)?;
    let path = if dry_run { "/roster/import?dry_run=true" } else { "/roster/import" };
    let request = Request::post(&url(path)).header("Accept", "application/json").body(form);
    decode(send(request).await?).await
}

/// The roster template, for a download link.
pub fn roster_template_url() -> String {
    url("/roster/template.csv")
}

/// What the audit log viewer asks for; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub action: String,
    pub actor: String,
}

/// Entries on one page of the audit log viewer.
pub const AUDIT_PAGE_SIZE: u32 = 50;

impl AuditFilter {
    /// The filter as a query string, without the `?`.
    pub fn query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        if !self.action.trim().is_empty() {
            pairs.push(("action", self.action.trim().to_owned()));
        }
        if !self.actor.trim().is_empty() {
            pairs.push(("actor", self.actor.trim().to_owned()));
        }
        pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
    }
}

/// A page of the audit log, newest first, older than the entry `before` when given.
pub async fn audit(filter: &AuditFilter, before: Option<i64>) -> Result<AuditPage, ApiError> {
    let mut query = format!("limit={AUDIT_PAGE_SIZE}");
    if let Some(before) = before {
        query.push_str(&format!("&before={before}"));
    }
    let filter = filter.query();
    if !filter.is_empty() {
        query.push('&');
        query.push_str(&filter);
    }
    get(&format!("/audit?{query}")).await
}

/// Every entry the filter matches, as a CSV file, for a download link.
pub fn audit_csv_url(filter: &AuditFilter) -> String {
    let query = filter.query();
    if query.is_empty() { url("/audit.csv") } else { url(&format!("/audit.csv?{query}")) }
}

/// Percent-encodes a query value (UTF-8; everything but the unreserved characters).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audit_filter_becomes_an_encoded_query_and_empty_fields_are_left_out() {
        assert_eq!(AuditFilter::default().query(), "");
        let filter = AuditFilter {
            from: Some("2026-09-01".parse().unwrap()),
            to: None,
            action: "user.create".into(),
            actor: " 王 老师&x ".into(),
        };
        assert_eq!(
            filter.query(),
            "from=2026-09-01&action=user.create&actor=%E7%8E%8B%20%E8%80%81%E5%B8%88%26x"
        );
        assert_eq!(audit_csv_url(&filter), format!("/api/v1/audit.csv?{}", filter.query()));
    }
}
