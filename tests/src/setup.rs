//! Set-up steps a test needs before the part it is about: classes, accounts and day reports,
//! made through the public API as an admin would make them.

use crate::api::Api;
use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

/// A class as the server made it.
#[derive(Debug, Clone)]
pub struct Class {
    pub id: i64,
    pub grade: u8,
    pub name: String,
}

impl Api {
    /// `POST /classes` as an admin; panics unless it answers 201.
    pub async fn create_class(&self, grade: u8, name: &str) -> Class {
        let response = self
            .post("classes", &json!({ "grade": grade, "name": name }))
            .await
            .expect_status(201, &format!("creating class {name}"));
        let id = response.json["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("POST /classes: no numeric id in {}", response.text));
        Class { id, grade, name: name.to_owned() }
    }

    /// `POST /users` as an admin; panics unless it answers 201. Returns the user's id.
    /// `scope` is the class id of a monitor or teacher, the grade of a grade leader.
    pub async fn create_user(
        &self,
        username: &str,
        password: &str,
        role: &str,
        scope: Scope,
    ) -> i64 {
        let mut body = json!({
            "username": username,
            "password": password,
            "display_name": format!("{username} (test)"),
            "role": role,
        });
        match scope {
            Scope::Class(id) => body["class_id"] = json!(id),
            Scope::Grade(grade) => body["grade"] = json!(grade),
            Scope::School => {}
        }
        let response = self
            .post("users", &body)
            .await
            .expect_status(201, &format!("creating {role} {username}"));
        response.json["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("POST /users: no numeric id in {}", response.text))
    }

    /// `PUT` a day report of the given `(subject, minutes)` entries; panics unless 200.
    /// Returns the answer's body (`{"report", "flags"}`).
    pub async fn put_report(
        &self,
        class_id: i64,
        date: NaiveDate,
        entries: &[(&str, i64)],
    ) -> Value {
        self.put(&report_path(class_id, date), &report_body(entries))
            .await
            .expect_status(200, &format!("recording class {class_id} on {date}"))
            .json
    }

    /// The class's reports from `from` to `to`; panics unless 200.
    pub async fn reports(&self, class_id: i64, from: NaiveDate, to: NaiveDate) -> Vec<Value> {
        let response = self
            .get(&format!("classes/{class_id}/reports?from={from}&to={to}"))
            .await
            .expect_status(200, "reading reports");
        response
            .json
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("GET reports is not a list: {}", response.text))
    }

    /// `POST /classes/{id}/tablet-codes` (a teacher of the class or an admin); panics unless
    /// 201. Returns the code's id and the code itself, which is shown only here.
    pub async fn issue_tablet_code(&self, class_id: i64, label: &str) -> (i64, String) {
        let response = self
            .post(&format!("classes/{class_id}/tablet-codes"), &json!({ "label": label }))
            .await
            .expect_status(201, &format!("issuing a tablet code for class {class_id}"));
        let id = response.json["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("a tablet code without a numeric id: {}", response.text));
        let code = response.json["code"]
            .as_str()
            .unwrap_or_else(|| panic!("a new tablet code without its code: {}", response.text));
        (id, code.to_owned())
    }

    /// `POST /auth/tablet` with a device code; the session cookie lands in this client's jar.
    pub async fn tablet_sign_in(&self, code: &str) -> crate::Response {
        self.post("auth/tablet", &json!({ "code": code })).await
    }

    /// The one report of a day, or `None`.
    pub async fn report_on(&self, class_id: i64, date: NaiveDate) -> Option<Value> {
        let mut reports = self.reports(class_id, date, date).await;
        assert!(reports.len() <= 1, "two reports for one day: {reports:?}");
        reports.pop()
    }
}

/// Whom an account belongs to.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// A monitor's or teacher's class.
    Class(i64),
    /// A grade leader's grade.
    Grade(u8),
    /// An admin: the whole school.
    School,
}

/// `classes/{id}/reports/{date}`.
pub fn report_path(class_id: i64, date: NaiveDate) -> String {
    format!("classes/{class_id}/reports/{date}")
}

/// `{"entries": [{"subject", "minutes"}…]}`.
pub fn report_body(entries: &[(&str, i64)]) -> Value {
    json!({ "entries": entries_json(entries) })
}

pub fn entries_json(entries: &[(&str, i64)]) -> Value {
    entries
        .iter()
        .map(|(subject, minutes)| json!({ "subject": subject, "minutes": minutes }))
        .collect()
}

/// The date `n` days before `day`.
pub fn days_before(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(n)).expect("a date in range")
}

/// The date `n` days after `day`.
pub fn days_after(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_add_days(Days::new(n)).expect("a date in range")
}

/// A report's entries as sorted `(subject, minutes)` pairs, to compare regardless of order.
pub fn entry_pairs(report: &Value) -> Vec<(String, i64)> {
    let mut pairs: Vec<(String, i64)> = report["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("a report without entries: {report}"))
        .iter()
        .map(|e| {
            (
                e["subject"].as_str().unwrap_or_default().to_owned(),
                e["minutes"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

/// The kinds of a list of flags, sorted.
pub fn flag_kinds(flags: &Value) -> Vec<String> {
    let mut kinds: Vec<String> = flags
        .as_array()
        .unwrap_or_else(|| panic!("flags are not a list: {flags}"))
        .iter()
        .map(|f| f["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    kinds.sort();
    kinds
}
