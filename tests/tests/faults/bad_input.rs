//! Bad input everywhere. Every endpoint of docs/API.md gets malformed JSON, wrong types, huge
//! bodies, deep nesting, invalid UTF-8, impossible dates, negative and enormous numbers,
//! unknown fields and query parameters, and nonsense in its path. Each breaks one thing of a
//! request that succeeds as sent (the positive control, sent last), and each is answered with
//! the status and code that one thing calls for, in a JSON error body with a sentence; together
//! they change nothing the school holds. Then SQL and script go into every string field, each
//! case on its own account, day version and name so that none is answered because of the one
//! before: whatever is accepted is read back and shown as the text sent, whatever is refused
//! has its field's own code, and the server stays up.

use crate::fixture::{PASSWORD, School};
use reqwest::Method;
use serde_json::{Value, json};
use tests::setup::Scope;
use tests::{Api, Response};

/// Who sends the requests of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Admin,
    /// A teacher, for `PUT /me/password` (so the admin keeps their password).
    Teacher,
    Nobody,
}

/// The query an endpoint takes; its unknown parameters are refused.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Query {
    /// Takes none; unknown parameters are ignored (a cache-buster must not break a page).
    None,
    /// `?from=&to=`
    Range,
    /// `?include_archived=`
    Archived,
    /// `?from=&to=&action=&actor=&before=&limit=`
    Audit,
    /// `?dry_run=`
    DryRun,
}

/// One endpoint of API.md as the table knows it.
struct Endpoint {
    method: Method,
    /// Relative to `/api/v1`, with `{class}`, `{user}`, `{school}`, `{date}`, `{code}` filled in.
    path: &'static str,
    /// A body that would be accepted (mutations of it must not be), if the endpoint takes JSON.
    body: Option<Value>,
    query: Query,
    who: Who,
}

/// The ids the paths need.
struct Ids {
    class: i64,
    user: i64,
    school: i64,
    date: String,
    code: i64,
    /// The tablet code itself, for `POST /auth/tablet`.
    tablet_code: String,
    /// Today and 30 days before it, for a range that is accepted.
    from: String,
    to: String,
}

fn endpoints(ids: &Ids) -> Vec<Endpoint> {
    use Method as M;
    let e = |method: Method, path: &'static str, body: Option<Value>, query, who| Endpoint {
        method,
        path,
        body,
        query,
        who,
    };
    let mut policy = json!(shared::Policy::default());
    policy["retention_days"] = json!(365);
    vec![
        e(M::POST, "auth/login", Some(json!({"username": "teacher-71", "password": PASSWORD})), Query::None, Who::Nobody),
        e(M::POST, "auth/tablet", Some(json!({"code": ids.tablet_code})), Query::None, Who::Nobody),
        e(M::GET, "me", None, Query::None, Who::Admin),
        e(M::PUT, "me/password", Some(json!({"current_password": PASSWORD, "new_password": "a-new-long-password-9"})), Query::None, Who::Teacher),
        e(M::GET, "policy", None, Query::None, Who::Admin),
        e(M::PUT, "policy", Some(policy), Query::None, Who::Admin),
        e(M::GET, "classes", None, Query::Archived, Who::Admin),
        e(M::POST, "classes", Some(json!({"grade": 7, "name": "7(8)"})), Query::None, Who::Admin),
        e(M::PATCH, "classes/{class}", Some(json!({"name": "7(7)", "archived": false})), Query::None, Who::Admin),
        e(M::GET, "users", None, Query::None, Who::Admin),
        e(M::POST, "users", Some(json!({"username": "new-teacher", "password": "a-long-password-1", "display_name": "新老师", "role": "teacher", "class_id": ids.class})), Query::None, Who::Admin),
        e(M::PATCH, "users/{user}", Some(json!({"display_name": "王老师", "disabled": false, "class_id": ids.class})), Query::None, Who::Admin),
        e(M::POST, "users/{user}/password", Some(json!({"password": "a-long-password-2"})), Query::None, Who::Admin),
        e(M::PUT, "classes/{class}/reports/{date}", Some(json!({"entries": [{"subject": "math", "minutes": 30}], "note": "作业", "client_id": "c-1", "version": 1})), Query::None, Who::Admin),
        e(M::GET, "classes/{class}/reports", None, Query::Range, Who::Admin),
        e(M::GET, "classes/{class}/reports.csv", None, Query::Range, Who::Admin),
        e(M::GET, "classes/{class}/summary", None, Query::Range, Who::Admin),
        e(M::GET, "schools/{school}/grades/7/comparison", None, Query::Range, Who::Admin),
        e(M::GET, "schools/{school}/grades/7/comparison.csv", None, Query::Range, Who::Admin),
        e(M::GET, "schools/{school}/grades/7/days", None, Query::Range, Who::Admin),
        e(M::GET, "schools/{school}/grades/7/days.csv", None, Query::Range, Who::Admin),
        e(M::GET, "schools/{school}/grades/7/subjects", None, Query::Range, Who::Admin),
        e(M::GET, "schools/{school}/grades/7/subjects.csv", None, Query::Range, Who::Admin),
        e(M::GET, "schools/{school}/overview", None, Query::Range, Who::Admin),
        e(M::GET, "schools/{school}/overview.csv", None, Query::Range, Who::Admin),
        e(M::GET, "holidays", None, Query::Range, Who::Admin),
        e(M::PUT, "holidays/{date}", Some(json!({"name": "运动会"})), Query::None, Who::Admin),
        e(M::DELETE, "holidays/{date}", None, Query::None, Who::Admin),
        e(M::GET, "classes/{class}/tablet-codes", None, Query::None, Who::Admin),
        e(M::POST, "classes/{class}/tablet-codes", Some(json!({"label": "教室平板"})), Query::None, Who::Admin),
        e(M::DELETE, "classes/{class}/tablet-codes/{code}", None, Query::None, Who::Admin),
        e(M::GET, "audit", None, Query::Audit, Who::Admin),
        e(M::GET, "audit.csv", None, Query::Audit, Who::Admin),
        e(M::GET, "roster/template.csv", None, Query::None, Who::Admin),
        e(M::POST, "roster/import", None, Query::DryRun, Who::Admin),
        e(M::GET, "health", None, Query::None, Who::Nobody),
    ]
    .into_iter()
    .map(|mut endpoint| {
        endpoint.path = leak(
            endpoint
                .path
                .replace("{class}", &ids.class.to_string())
                .replace("{user}", &ids.user.to_string())
                .replace("{school}", &ids.school.to_string())
                .replace("{date}", &ids.date)
                .replace("{code}", &ids.code.to_string()),
        );
        endpoint
    })
    .collect()
}

/// Paths are `&'static str` in the table so it reads as a table; the few built ones live on.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A roster file that a dry run accepts as it is.
const VALID_ROSTER: &[u8] = b"grade,class,role,username\n7,7(5),monitor,monitor-75\n";

/// Path segments that are not ids, dates or grades.
const BAD_IDS: &[&str] = &[
    "abc",
    "1.5",
    "99999999999999999999",
    "-99999999999999999999",
    "0x10",
    "%00",
    "%2e%2e",
    "1%20OR%201=1",
    "'%3B%20DROP%20TABLE%20day_reports%3B--",
    "%3Cscript%3E",
    "%E2%80%AE1",
];
const BAD_DATES: &[&str] = &[
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "99999-01-01",
    "0000-00-00",
    "-0001-01-01",
    "1969-12-31",
    "2026-1-5",
    "20261120",
    "today",
    "2026-11-20T00:00:00",
    "%00",
    "2026-11-20%00",
    "'%3B%20DROP%20TABLE%20day_reports%3B--",
];
const BAD_GRADES: &[&str] = &["0", "10", "-1", "7.5", "abc", "99999999999999999999", "%00"];

/// Queries that must be refused where the endpoint takes `from`/`to`.
const BAD_RANGES: &[&str] = &[
    "from=2026-02-30",
    "to=2026-02-30",
    "from=99999-01-01",
    "to=99999-01-01",
    "from=abc",
    "from=",
    "from=2026-11-20&from=2026-11-21",
    "from=2026-11-21&to=2026-11-20",
    "from=1970-01-01&to=2026-11-20",
    "from='%3B%20DROP%20TABLE%20day_reports%3B--",
    "zzz=1",
    "from[]=2026-11-20",
];

/// Values that are not a number where one is wanted.
fn wrong_types_for(value: &Value) -> Vec<Value> {
    match value {
        Value::Number(_) => vec![json!("7"), json!(true), json!([7]), json!({"n": 7})],
        Value::String(_) => vec![json!(7), json!(false), json!(["x"]), json!({"s": "x"})],
        Value::Bool(_) => vec![json!("true"), json!(1), json!([true]), json!({})],
        Value::Array(_) => vec![json!("[]"), json!(1), json!({}), json!(true)],
        Value::Object(_) => vec![json!("{}"), json!(1), json!([]), json!(true)],
        Value::Null => vec![],
    }
}

/// Numbers out of every range: negative, past i64, past f64, fractions where integers go.
/// Written as raw JSON text because `serde_json::Value` cannot hold some of them.
const BAD_NUMBERS: &[&str] = &[
    "-1",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551616",
    "1e309",
    "-1e309",
    "1.5",
    "-0.0000001",
    "123456789012345678901234567890",
];

/// Every leaf of a JSON value, as a path of keys and indices.
fn leaves(value: &Value, path: Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match value {
        Value::Object(map) => {
            out.push((path.clone(), value.clone()));
            for (k, v) in map {
                let mut p = path.clone();
                p.push(k.clone());
                leaves(v, p, out);
            }
        }
        Value::Array(items) => {
            out.push((path.clone(), value.clone()));
            for (i, v) in items.iter().enumerate() {
                let mut p = path.clone();
                p.push(i.to_string());
                leaves(v, p, out);
            }
        }
        _ => out.push((path, value.clone())),
    }
}

fn at<'v>(value: &'v mut Value, path: &[String]) -> &'v mut Value {
    path.iter().fold(value, |v, key| match v {
        Value::Array(items) => &mut items[key.parse::<usize>().unwrap_or_default()],
        other => &mut other[key.as_str()],
    })
}

/// The body with the value at `path` replaced.
fn replaced(body: &Value, path: &[String], with: Value) -> Value {
    let mut copy = body.clone();
    *at(&mut copy, path) = with;
    copy
}

/// The body with the value at `path` replaced by raw JSON text.
fn replaced_raw(body: &Value, path: &[String], raw: &str) -> Vec<u8> {
    let bytes = replaced_raw_unchecked(body, path, raw);
    assert!(
        String::from_utf8_lossy(&bytes).contains(raw),
        "the body to send does not hold {raw}: {}",
        String::from_utf8_lossy(&bytes)
    );
    bytes
}

fn replaced_raw_unchecked(body: &Value, path: &[String], raw: &str) -> Vec<u8> {
    // Plain ASCII: serde_json writes it back as it is, so the text replaced is the text sent (a
    // control character here would be escaped and never found, and the value never sent).
    const MARK: &str = "@@value-goes-here@@";
    replaced(body, path, json!(MARK)).to_string().replace(&format!("\"{MARK}\""), raw).into_bytes()
}

/// A request to send: what it is, for messages, and how to build it.
struct Attempt {
    label: String,
    method: Method,
    path: String,
    content_type: Option<&'static str>,
    body: Option<Vec<u8>>,
    /// The refusal it must get: status and code (never "any 4xx").
    expect: (u16, &'static str),
}

impl Attempt {
    fn new(label: impl Into<String>, method: &Method, path: impl Into<String>) -> Attempt {
        Attempt {
            label: label.into(),
            method: method.clone(),
            path: path.into(),
            content_type: None,
            body: None,
            expect: (400, "bad_json"),
        }
    }

    /// The status and code this attempt must be refused with.
    fn expecting(mut self, status: u16, code: &'static str) -> Attempt {
        self.expect = (status, code);
        self
    }

    fn json_bytes(mut self, bytes: Vec<u8>) -> Attempt {
        self.content_type = Some("application/json");
        self.body = Some(bytes);
        self
    }

    fn typed(mut self, content_type: &'static str, bytes: Vec<u8>) -> Attempt {
        self.content_type = Some(content_type);
        self.body = Some(bytes);
        self
    }

    async fn send(&self, api: &Api) -> Response {
        let mut request = api.request(self.method.clone(), &self.path);
        if let Some(ct) = self.content_type {
            request = request.header("content-type", ct);
        }
        if let Some(body) = &self.body {
            if body.len() > 64 * 1024 {
                // The server answers 413 without reading it all and drops the connection; no
                // client may reuse that connection for the next request.
                request = request.header("connection", "close");
            }
            request = request.body(body.clone());
        }
        let answer = request.send().await.unwrap_or_else(|e| {
            panic!("{}: no answer ({} /api/v1/{}): {e:?}", self.label, self.method, self.path)
        });
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        let text = answer.text().await.unwrap_or_else(|e| panic!("{}: body: {e}", self.label));
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        let request = format!("{} /api/v1/{}", self.method, self.path);
        Response { status, headers, text, json, request }
    }
}

/// Every malformed variant of one endpoint's request.
fn malformed(endpoint: &Endpoint) -> Vec<Attempt> {
    let m = &endpoint.method;
    let path = endpoint.path;
    let mut out = Vec::new();
    let label = |what: &str| format!("{m} {path}: {what}");

    // The path: every segment that is an id, a date or a grade, replaced by nonsense.
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let is_date = segment.len() == 10 && segment.as_bytes().get(4) == Some(&b'-');
        let is_grade = i > 0 && segments[i - 1] == "grades";
        let is_id = !is_date && !is_grade && segment.parse::<i64>().is_ok();
        let bad: &[&str] = if is_date {
            BAD_DATES
        } else if is_grade {
            BAD_GRADES
        } else if is_id {
            BAD_IDS
        } else {
            &[]
        };
        let refusal = if is_date {
            (400, "bad_date")
        } else if is_grade {
            (404, "grade_not_found")
        } else {
            (400, "bad_query")
        };
        for b in bad {
            let mut s = segments.clone();
            s[i] = b;
            // `..` takes the path out of the route: no such page, not a bad id.
            let (status, code) = if *b == "%2e%2e" { (404, "not_found") } else { refusal };
            let mut attempt = Attempt::new(label(&format!("segment {i} = {b}")), m, s.join("/"))
                .expecting(status, code);
            if let Some(body) = &endpoint.body {
                attempt = attempt.json_bytes(body.to_string().into_bytes());
            }
            out.push(attempt);
        }
    }

    // The query.
    let queries: Vec<String> = match endpoint.query {
        Query::None => Vec::new(),
        Query::Range => BAD_RANGES.iter().map(|q| (*q).to_owned()).collect(),
        Query::Archived => {
            vec!["include_archived=maybe".into(), "include_archived=".into(), "zzz=1".into()]
        }
        Query::Audit => [
            "limit=-1",
            "limit=99999999999999999999",
            "limit=1e309",
            "limit=abc",
            "before=abc",
            "before=99999999999999999999",
            "from=2026-02-30",
            "to=99999-01-01",
            "zzz=1",
        ]
        .iter()
        .map(|q| (*q).to_owned())
        .collect(),
        Query::DryRun => vec!["dry_run=maybe".into(), "zzz=1".into()],
    };
    for q in queries {
        let (status, code) = query_refusal(&q);
        let mut attempt =
            Attempt::new(label(&format!("?{q}")), m, format!("{path}?{q}")).expecting(status, code);
        if endpoint.query == Query::DryRun {
            let (ct, bytes) = tests::api::multipart_file("roster.csv", VALID_ROSTER);
            attempt = attempt.typed(leak(ct), bytes);
        } else if let Some(body) = &endpoint.body {
            attempt = attempt.json_bytes(body.to_string().into_bytes());
        }
        out.push(attempt);
    }

    // The body.
    let Some(body) = &endpoint.body else {
        return out;
    };
    let valid = body.to_string();
    let nested_arrays = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let nested_objects = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let mut invalid_utf8 = valid.clone().into_bytes();
    if let Some(quote) = invalid_utf8.iter().rposition(|b| *b == b'"') {
        invalid_utf8.splice(quote..quote, [0xff, 0xfe, 0xc3]);
    }
    let raw: Vec<(&str, Vec<u8>)> = vec![
        ("an empty body", Vec::new()),
        ("null", b"null".to_vec()),
        ("a list", b"[]".to_vec()),
        ("a string", b"\"hello\"".to_vec()),
        ("cut short", valid.as_bytes()[..valid.len() / 2].to_vec()),
        ("not JSON", b"not json at all".to_vec()),
        ("a trailing comma", format!("{},}}", &valid[..valid.len() - 1]).into_bytes()),
        ("two documents", format!("{valid}{valid}").into_bytes()),
        ("garbage after it", format!("{valid} garbage").into_bytes()),
        ("10,000 nested arrays", nested_arrays.clone().into_bytes()),
        ("10,000 nested objects", nested_objects.into_bytes()),
        ("invalid UTF-8 in a string", invalid_utf8),
        ("70 KiB", json_with_padding(body, 70 * 1024)),
        ("1 MiB", json_with_padding(body, 1024 * 1024)),
    ];
    for (what, bytes) in raw {
        let attempt = Attempt::new(label(what), m, path).json_bytes(bytes);
        out.push(if what.ends_with("iB") {
            attempt.expecting(413, "body_too_large")
        } else {
            attempt
        });
    }
    let unsupported = |what: &str, ct: &'static str, bytes: Vec<u8>| {
        Attempt::new(label(what), m, path).typed(ct, bytes).expecting(415, "unsupported_media_type")
    };
    out.push(unsupported("text/plain", "text/plain", valid.clone().into_bytes()));
    out.push(unsupported("no content type", "", valid.clone().into_bytes()));
    out.push(unsupported("form-encoded", "application/x-www-form-urlencoded", b"a=1".to_vec()));
    let mut unknown = body.clone();
    unknown["zzz_unknown"] = json!(1);
    out.push(
        Attempt::new(label("an unknown field"), m, path)
            .json_bytes(unknown.to_string().into_bytes()),
    );
    let (first_key, _) = body.as_object().and_then(|o| o.iter().next()).expect("an object body");
    let duplicate = format!("{{\"{first_key}\":null,{}", &valid[1..]);
    out.push(Attempt::new(label("a duplicate field"), m, path).json_bytes(duplicate.into_bytes()));

    let mut all = Vec::new();
    leaves(body, Vec::new(), &mut all);
    for (leaf, value) in all.iter().filter(|(p, _)| !p.is_empty()) {
        let name = leaf.join(".");
        for wrong in wrong_types_for(value) {
            let bytes = replaced(body, leaf, wrong.clone()).to_string().into_bytes();
            out.push(Attempt::new(label(&format!("{name} = {wrong}")), m, path).json_bytes(bytes));
        }
        if value.is_number() {
            for n in BAD_NUMBERS {
                let bytes = replaced_raw(body, leaf, n);
                let (status, code) = number_refusal(path, &name, n);
                out.push(
                    Attempt::new(label(&format!("{name} = {n}")), m, path)
                        .json_bytes(bytes)
                        .expecting(status, code),
                );
            }
        }
        if value.is_object() {
            let mut extra = body.clone();
            at(&mut extra, leaf)["zzz_unknown"] = json!(1);
            let bytes = extra.to_string().into_bytes();
            out.push(
                Attempt::new(label(&format!("{name}.zzz_unknown")), m, path).json_bytes(bytes),
            );
        }
        let is_date_value =
            value.as_str().is_some_and(|s| s.len() == 10 && s.as_bytes()[4] == b'-');
        if is_date_value {
            for d in BAD_DATES {
                let bytes = replaced(body, leaf, json!(d)).to_string().into_bytes();
                out.push(Attempt::new(label(&format!("{name} = {d}")), m, path).json_bytes(bytes));
            }
        }
    }
    if endpoint.path == "policy" {
        // Keys of the per-grade maps are grades too.
        for key in ["0", "10", "-1", "abc", "99999999999999999999"] {
            for map in ["limits", "subjects"] {
                let mut bad = body.clone();
                bad[map][key] = body[map]["7"].clone();
                let bytes = bad.to_string().into_bytes();
                out.push(
                    Attempt::new(label(&format!("{map}.{key}")), m, path)
                        .json_bytes(bytes)
                        .expecting(400, "bad_json"),
                );
            }
        }
    }
    out
}

/// How a bad query is refused: a date that is not one, a range that is not one, or a
/// parameter that is unknown, repeated or out of its range.
fn query_refusal(query: &str) -> (u16, &'static str) {
    let name = query.split('=').next().unwrap_or_default();
    let value = query.split_once('=').map(|(_, v)| v).unwrap_or_default();
    let reversed_or_long = query.contains("&to=") && !query.contains("&from=");
    if reversed_or_long {
        (400, "invalid_range")
    } else if (name == "from" || name == "to") && !query.contains("&from=") {
        (400, "bad_date")
    } else {
        let _ = value;
        (400, "bad_query")
    }
}

/// How a number out of every range is refused in a body's numeric field: one that does not
/// fit the field's type is malformed (`400 bad_json`); one that fits but is out of range is
/// the field's own `422`.
fn number_refusal(path: &str, field: &str, number: &str) -> (u16, &'static str) {
    let fits_i64 = number.parse::<i64>().is_ok();
    let finite = number.parse::<f64>().is_ok_and(f64::is_finite);
    match field {
        "drift_ratio" if finite => (422, "invalid_policy"),
        "class_id" if fits_i64 => (422, "unknown_class"),
        "grade" if fits_i64 && path == "classes" => (422, "invalid_grade"),
        "version" if fits_i64 => (422, "invalid_version"),
        "entries.0.minutes" if fits_i64 => (422, "minutes_out_of_range"),
        _ => (400, "bad_json"),
    }
}

/// The body grown past `size` bytes by a long note-like string field.
fn json_with_padding(body: &Value, size: usize) -> Vec<u8> {
    let mut big = body.clone();
    let key = body
        .as_object()
        .and_then(|o| o.iter().find(|(_, v)| v.is_string()).map(|(k, _)| k.clone()))
        .unwrap_or_else(|| "padding".into());
    big[key.as_str()] = json!("作".repeat(size / 3 + 1));
    big.to_string().into_bytes()
}

/// The multipart upload's own malformed variants.
fn malformed_uploads() -> Vec<Attempt> {
    let m = Method::POST;
    let path = "roster/import";
    let upload = |csv: &[u8]| tests::api::multipart_file("roster.csv", csv);
    let mut out = Vec::new();
    let (ct, bytes) = upload(b"grade,class\n7,\xff\xfe\xc3\n");
    out.push(
        Attempt::new("roster: invalid UTF-8", &m, path)
            .typed(leak(ct), bytes)
            .expecting(422, "roster_invalid"),
    );
    let (ct, bytes) = upload(&vec![b'x'; 2 * 1024 * 1024 + 1]);
    out.push(
        Attempt::new("roster: 2 MiB + 1", &m, path)
            .typed(leak(ct), bytes)
            .expecting(413, "body_too_large"),
    );
    let (ct, bytes) = upload(b"\x00\x01\x02 not a csv");
    out.push(
        Attempt::new("roster: binary", &m, path)
            .typed(leak(ct), bytes)
            .expecting(422, "roster_invalid"),
    );
    let (ct, bytes) = upload(b"grade,class\n99999999999999999999,7(5)\n-1,7(6)\n1e309,x\n");
    out.push(
        Attempt::new("roster: impossible grades", &m, path)
            .typed(leak(ct), bytes)
            .expecting(422, "roster_invalid"),
    );
    let (ct, bytes) = upload(b"");
    out.push(
        Attempt::new("roster: an empty file", &m, path)
            .typed(leak(ct), bytes)
            .expecting(422, "roster_invalid"),
    );
    out.push(
        Attempt::new("roster: JSON instead of a file", &m, path)
            .json_bytes(b"{}".to_vec())
            .expecting(415, "unsupported_media_type"),
    );
    out.push(
        Attempt::new("roster: a broken multipart body", &m, path)
            .typed("multipart/form-data; boundary=xyz", b"--xyz\r\nnonsense".to_vec()),
    );
    let (_, bytes) = upload(VALID_ROSTER);
    out.push(
        Attempt::new("roster: the wrong boundary", &m, path)
            .typed("multipart/form-data; boundary=not-the-one", bytes),
    );
    let body = b"--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n";
    out.push(
        Attempt::new("roster: no file field", &m, path)
            .typed("multipart/form-data; boundary=b", body.to_vec()),
    );
    out
}

/// Why an answer is not a clear refusal (the status and code the attempt expects, in our JSON
/// error body with a sentence), or `None` if it is one.
fn unclear_refusal(attempt: &Attempt, answer: &Response) -> Option<String> {
    let what = format!(
        "{}\n    request: {} /api/v1/{}\n    answer: {} {}",
        attempt.label,
        attempt.method,
        attempt.path,
        answer.status,
        answer.text.chars().take(200).collect::<String>()
    );
    let (status, code) = attempt.expect;
    if (answer.status, answer.code()) != (status, Some(code)) {
        let got = answer.code().unwrap_or("no code");
        return Some(format!(
            "not refused with {status} `{code}` but {} `{got}`: {what}",
            answer.status
        ));
    }
    let json_type =
        answer.header("content-type").is_some_and(|t| t.starts_with("application/json"));
    let code = answer.json["error"]["code"].as_str().unwrap_or_default();
    let message = answer.json["error"]["message"].as_str().unwrap_or_default();
    if !json_type || code.is_empty() || message.trim().is_empty() {
        return Some(format!("a refusal without our JSON error body: {what}"));
    }
    None
}

/// Fails with every unclear refusal at once.
#[track_caller]
fn assert_all_clear(problems: &[String], sent: usize) {
    assert!(
        problems.is_empty(),
        "{} of {sent} bad requests were not refused clearly:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// A school with something in it: two classes, a teacher, reports, a holiday, a tablet code.
struct Arranged {
    school: School,
    ids: Ids,
    teacher: Api,
}

async fn arrange() -> Arranged {
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    school.class(7, "7(2)").await;
    let teacher = school.person("teacher-71", "teacher", Scope::Class(class.id)).await;
    let user =
        school.admin.create_user("reset-target", PASSWORD, "teacher", Scope::Class(class.id)).await;
    for n in 1..=3 {
        school.admin.put_report(class.id, school.days_ago(n), &[("math", 20 + n as i64)]).await;
    }
    let holiday = school.days_ago(5).to_string();
    school
        .admin
        .put(&format!("holidays/{holiday}"), &json!({"name": "校运会"}))
        .await
        .expect_status(200, "a holiday");
    // The report the table's `PUT` replaces: its body says `"version": 1`.
    school.admin.put_report(class.id, school.days_ago(5), &[("math", 15)]).await;
    let (code, tablet_code) = school.admin.issue_tablet_code(class.id, "平板").await;
    let ids = Ids {
        class: class.id,
        user,
        school: school.school_id,
        date: holiday,
        code,
        tablet_code,
        from: school.days_ago(30).to_string(),
        to: school.today.to_string(),
    };
    Arranged { school, ids, teacher }
}

/// The request each bad one breaks, as sent: it must succeed, so that each refusal is the
/// answer to the one thing broken and not to something else already wrong with the request.
fn control(endpoint: &Endpoint, ids: &Ids) -> Attempt {
    let m = &endpoint.method;
    let query = match endpoint.query {
        Query::None => String::new(),
        Query::Range => format!("?from={}&to={}", ids.from, ids.to),
        Query::Archived => "?include_archived=true".into(),
        Query::Audit => format!("?from={}&to={}&limit=10", ids.from, ids.to),
        Query::DryRun => "?dry_run=true".into(),
    };
    let path = format!("{}{query}", endpoint.path);
    let attempt = Attempt::new(format!("control: {m} {path}"), m, path);
    if endpoint.query == Query::DryRun {
        let (ct, bytes) = tests::api::multipart_file("roster.csv", VALID_ROSTER);
        attempt.typed(leak(ct), bytes)
    } else if let Some(body) = &endpoint.body {
        attempt.json_bytes(body.to_string().into_bytes())
    } else {
        attempt
    }
}

fn client<'a>(arranged: &'a Arranged, who: Who, nobody: &'a Api) -> &'a Api {
    match who {
        Who::Admin => &arranged.school.admin,
        Who::Teacher => &arranged.teacher,
        Who::Nobody => nobody,
    }
}

#[tokio::test]
async fn malformed_requests_to_every_endpoint_get_a_clear_4xx_and_change_nothing() {
    // Arrange
    let arranged = arrange().await;
    let school = &arranged.school;
    let nobody = school.server.api();
    let before = school.snapshot().await;
    let last_audit = school.last_audit_id().await;

    // Act and Assert: every attempt is refused clearly.
    let mut sent = 0;
    let mut problems = Vec::new();
    for endpoint in endpoints(&arranged.ids) {
        let api = client(&arranged, endpoint.who, &nobody);
        for attempt in malformed(&endpoint) {
            let answer = attempt.send(api).await;
            problems.extend(unclear_refusal(&attempt, &answer));
            sent += 1;
        }
        // Unknown parameters where the endpoint takes no query are ignored, never an error.
        if endpoint.query == Query::None && endpoint.method == Method::GET {
            let plain = api.get(endpoint.path).await;
            let extra = api.get(&format!("{}?zzz=1&_=123", endpoint.path)).await;
            assert_eq!(
                (extra.status, &extra.json),
                (plain.status, &plain.json),
                "{}",
                endpoint.path
            );
        }
    }
    for attempt in malformed_uploads() {
        let answer = attempt.send(&school.admin).await;
        problems.extend(unclear_refusal(&attempt, &answer));
        sent += 1;
    }
    eprintln!("bad input: {sent} malformed requests, {} not refused clearly", problems.len());
    assert_all_clear(&problems, sent);

    // Nothing changed; the only audit entries are the failed log-ins.
    assert_eq!(school.snapshot().await, before, "a refused request changed the school's data");
    let audited = school.audit_since(last_audit).await;
    let unexpected: Vec<&Value> =
        audited.iter().filter(|e| e["action"] != "auth.login_failed").collect();
    assert!(unexpected.is_empty(), "refused requests left audit entries: {unexpected:#?}");
    school.admin.get("health").await.expect_status(200, "health at the end");

    // The positive controls, on the same unchanged school: each request that was broken
    // succeeds as sent (in the table's order, so a DELETE comes after what it deletes).
    let mut failed = Vec::new();
    for endpoint in endpoints(&arranged.ids) {
        let api = client(&arranged, endpoint.who, &nobody);
        let attempt = control(&endpoint, &arranged.ids);
        let answer = attempt.send(api).await;
        if !(200..300).contains(&answer.status) {
            failed.push(format!("{}: {} {}", attempt.label, answer.status, answer.text));
        }
    }
    assert!(
        failed.is_empty(),
        "requests the bad ones start from do not succeed:\n  {}",
        failed.join("\n  ")
    );
}

/// Strings a form field should store as they are, or refuse; never run, never break.
const NASTY_STRINGS: &[&str] = &[
    "'; DROP TABLE day_reports; --",
    "\" OR \"1\"=\"1",
    "1; DELETE FROM users",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "../../etc/passwd",
    "nul\u{0}byte",
    "\u{202e}evil",
    "😀 作业 ＜script＞",
    "%s%n%x{0}",
];

/// A JSON string with half a UTF-16 pair: serde_json refuses it, so it is `400 bad_json`.
const LONE_SURROGATE: &str = "\"\\ud800\"";

#[tokio::test]
async fn sql_and_script_in_every_string_field_are_stored_as_text_or_refused_and_break_nothing() {
    // Arrange
    let arranged = arrange().await;
    let school = &arranged.school;
    let nobody = school.server.api();
    let policy = school.admin.get("policy").await.expect_status(200, "the policy").json;

    // Act: every string field of every body, with every nasty string, each from a body that
    // is accepted as it is (the positive control of the other test) and with nothing left
    // over from the string before.
    let mut stored = 0;
    let mut refused = 0;
    let mut problems = Vec::new();
    let mut n = 0;
    // Ten failed tablet sign-ins from one address lock that address's sign-in for a while (and
    // the tests have one address): the cases past the tenth go to a second school.
    let mut tablet_failures = 0;
    let mut spare: Option<School> = None;
    for endpoint in endpoints(&arranged.ids) {
        let Some(body) = &endpoint.body else { continue };
        let shared = client(&arranged, endpoint.who, &nobody);
        let mut all = Vec::new();
        leaves(body, Vec::new(), &mut all);
        for (leaf, _) in all.iter().filter(|(_, v)| v.is_string()) {
            let field = leaf.join(".");
            let raw = NASTY_STRINGS.iter().map(|s| json!(s).to_string());
            for nasty in raw.chain([LONE_SURROGATE.to_owned()]) {
                n += 1;
                let body = fresh_body(&arranged, &endpoint, body, &field, n).await;
                let own = own_client(&arranged, &endpoint, n).await;
                if endpoint.path == "auth/tablet" && tablet_failures >= 10 && spare.is_none() {
                    spare = Some(School::new().await);
                }
                let spare_client = match (&spare, endpoint.path) {
                    (Some(spare), "auth/tablet") => Some(spare.server.api()),
                    _ => None,
                };
                let api = own.as_ref().or(spare_client.as_ref()).unwrap_or(shared);
                let bytes = replaced_raw(&body, leaf, &nasty);
                let label = format!("{} {}: {field} = {nasty}", endpoint.method, endpoint.path);
                let attempt =
                    Attempt::new(label, &endpoint.method, endpoint.path).json_bytes(bytes);
                let answer = attempt.send(api).await;
                if endpoint.path == "auth/tablet" && answer.status == 401 {
                    tablet_failures += 1;
                }
                // Half a UTF-16 pair is read as U+FFFD (serde_json's own reader refuses it).
                let sent: String =
                    serde_json::from_str(&nasty).unwrap_or_else(|_| "\u{fffd}".to_owned());
                if (200..300).contains(&answer.status) {
                    stored += 1;
                    let sent_body = replaced(&body, leaf, json!(sent));
                    let shown =
                        shown_back(&arranged, &endpoint, &field, &sent_body, &answer, n).await;
                    if let Some(shown) = shown {
                        if !shown_as_text(&field, &sent, &shown) {
                            problems.push(format!(
                                "{}: stored but shown back as {shown:?}",
                                attempt.label
                            ));
                        }
                    }
                    undo(&arranged, &endpoint, &field, &policy, &answer, n).await;
                } else {
                    let expected = nasty_refusals(endpoint.path, &field, &sent);
                    let code = answer.code().unwrap_or_default();
                    let clear = expected.contains(&(answer.status, code))
                        || (is_control_or_bidi(&sent) && answer.status == 422 && !code.is_empty());
                    if clear {
                        problems.extend(unclear_refusal(
                            &Attempt { expect: (answer.status, leak(code.to_owned())), ..attempt },
                            &answer,
                        ));
                    } else {
                        problems.push(format!(
                            "{}: refused with {} {}, not one of {expected:?}",
                            attempt.label, answer.status, answer.text
                        ));
                    }
                    refused += 1;
                }
            }
        }
    }
    let csv = NASTY_STRINGS
        .iter()
        .enumerate()
        .map(|(i, s)| format!("7,\"{}\",monitor,nasty-monitor-{i}\n", s.replace('"', "\"\"")))
        .collect::<String>();
    let file = format!("grade,class,role,username\n{csv}");
    let (ct, bytes) = tests::api::multipart_file("roster.csv", file.as_bytes());
    let attempt =
        Attempt::new("roster with nasty class names", &Method::POST, "roster/import?dry_run=true")
            .typed(leak(ct), bytes)
            .expecting(422, "roster_invalid");
    let answer = attempt.send(&school.admin).await;
    if !(200..300).contains(&answer.status) {
        problems.extend(unclear_refusal(&attempt, &answer));
    }
    eprintln!("nasty strings: {stored} stored and shown back, {refused} refused");
    assert_all_clear(&problems, stored + refused + 1);
    assert!(stored > 0 && refused > 0, "{stored} stored, {refused} refused: the test saw nothing");

    // Assert: the tables are all there and everything still reads.
    school.admin.get("health").await.expect_status(200, "health at the end");
    let snapshot = school.snapshot().await;
    let reports = &snapshot["per_class"][arranged.ids.class.to_string()]["reports"];
    assert!(
        reports.as_array().is_some_and(|r| r.len() >= 3),
        "the reports are still there: {reports}"
    );
    let first = school.admin.put_report(arranged.ids.class, school.today, &[("math", 1)]).await;
    assert_eq!(first["report"]["total_minutes"], 1);
}

/// Whether a string holds a control or bidirectional-formatting character, which a name or
/// note may refuse (`422`, with its own code).
fn is_control_or_bidi(s: &str) -> bool {
    s.chars().any(|c| {
        c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// Whether `shown` is `sent` as text: exactly, or in a form a name is normalised to (trimmed,
/// NFKC; a tablet label also loses its control characters), or with a NUL as U+FFFD (a
/// PostgreSQL text cannot hold a NUL); never escaped, cut or emptied.
fn shown_as_text(field: &str, sent: &str, shown: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let nfkc: String = sent.nfkc().collect();
    let no_controls: String = sent.chars().filter(|c| !c.is_control()).collect();
    let no_nul = sent.replace('\0', "\u{fffd}");
    let mut forms = vec![sent, &nfkc, &no_nul];
    if field == "label" {
        forms.push(&no_controls);
    }
    forms.iter().any(|form| shown == *form || shown == form.trim())
}

/// How a nasty string in this field may be refused (status and code). Half a UTF-16 pair is
/// not JSON that serde_json reads, so it is `400 bad_json` everywhere.
fn nasty_refusals(path: &str, field: &str, sent: &str) -> Vec<(u16, &'static str)> {
    if sent == "\u{fffd}" {
        return vec![(400, "bad_json")];
    }
    match (path, field) {
        ("auth/login" | "auth/tablet", _) => vec![(401, "invalid_credentials")],
        ("me/password", "current_password") => vec![(422, "wrong_password")],
        ("policy", _) => vec![(400, "bad_json")],
        ("users", "username") => vec![(422, "invalid_username")],
        ("users", "role") => vec![(422, "invalid_role")],
        (_, "client_id") => vec![(422, "invalid_client_id")],
        (_, "subject" | "entries.0.subject") => vec![(422, "unknown_subject")],
        _ => vec![],
    }
}

/// The endpoint's accepted body, made fresh for attempt `n`: a new account name, a new
/// `client_id` and the report's current `version`, so that no attempt fails (or is answered
/// from a replay) because of one before it.
async fn fresh_body(
    arranged: &Arranged,
    endpoint: &Endpoint,
    body: &Value,
    field: &str,
    n: usize,
) -> Value {
    let mut body = body.clone();
    if endpoint.path == "users" && field != "username" {
        body["username"] = json!(format!("nasty-{n}"));
    }
    if endpoint.path == "classes" {
        // Not 7: the class renamed by `PATCH classes/{id}` must not find its name taken.
        body["grade"] = json!(8);
    }
    if endpoint.path == "auth/login" && field == "password" {
        // Its own account: ten wrong passwords for one name lock that name for a while.
        let username = format!("login-{n}");
        let scope = Scope::Class(arranged.ids.class);
        arranged.school.admin.create_user(&username, PASSWORD, "teacher", scope).await;
        body["username"] = json!(username);
    }
    if endpoint.path.contains("/reports/") {
        if field != "client_id" {
            body["client_id"] = json!(format!("nasty-{n}"));
        }
        let date = arranged.ids.date.parse().expect("a date");
        let current = arranged.school.admin.report_on(arranged.ids.class, date).await;
        match current {
            Some(report) => body["version"] = report["version"].clone(),
            None => {
                body.as_object_mut().map(|o| o.remove("version"));
            }
        }
    }
    body
}

/// A client of its own for a case that must not share an account with the cases before it:
/// `PUT /me/password` (wrong current passwords lock an account; a new one replaces the
/// password the next case sends).
async fn own_client(arranged: &Arranged, endpoint: &Endpoint, n: usize) -> Option<Api> {
    if endpoint.path != "me/password" {
        return None;
    }
    let school = &arranged.school;
    let username = format!("self-{n}");
    let scope = Scope::Class(arranged.ids.class);
    school.admin.create_user(&username, PASSWORD, "teacher", scope).await;
    Some(school.server.login(&username, PASSWORD).await)
}

/// What the school now shows for the field just stored, read back by the admin (or, for a
/// password, whether it now logs in: the password itself, or `None` if it does not), or
/// `None` where nothing shows it.
async fn shown_back(
    arranged: &Arranged,
    endpoint: &Endpoint,
    field: &str,
    body: &Value,
    answer: &Response,
    n: usize,
) -> Option<String> {
    let admin = &arranged.school.admin;
    let ids = &arranged.ids;
    let get =
        |path: String| async move { admin.get(&path).await.expect_status(200, "read back").json };
    let find = |list: Value, key: &str, value: Value| {
        list.as_array().and_then(|l| l.iter().find(|x| x[key] == value).cloned())
    };
    let text = |v: Option<Value>, key: &str| {
        v.and_then(|v| v[key].as_str().map(str::to_owned)).or(Some(String::new()))
    };
    let logs_in = |username: String, password: String| async move {
        let fresh = arranged.school.server.api();
        let answer = fresh.login(&username, &password).await;
        Some(if answer.status == 200 {
            password
        } else {
            format!("(no log-in: {})", answer.status)
        })
    };
    let class_path = format!("classes/{}", ids.class);
    let codes_path = format!("classes/{}/tablet-codes", ids.class);
    let user_path = format!("users/{}", ids.user);
    let user_password_path = format!("users/{}/password", ids.user);
    match (endpoint.path, field) {
        ("classes", "name") => text(
            find(
                get("classes?include_archived=true".into()).await,
                "id",
                answer.json["id"].clone(),
            ),
            "name",
        ),
        (p, "name") if p == class_path => text(
            find(get("classes?include_archived=true".into()).await, "id", json!(ids.class)),
            "name",
        ),
        ("users", "display_name" | "username") => {
            text(find(get("users".into()).await, "username", body["username"].clone()), field)
        }
        ("users", "password") => {
            logs_in(body["username"].as_str()?.to_owned(), body["password"].as_str()?.to_owned())
                .await
        }
        (p, "display_name") if p == user_path => {
            text(find(get("users".into()).await, "id", json!(ids.user)), "display_name")
        }
        (p, "password") if p == user_password_path => {
            logs_in("reset-target".into(), body["password"].as_str()?.to_owned()).await
        }
        ("me/password", "new_password") => {
            logs_in(format!("self-{n}"), body["new_password"].as_str()?.to_owned()).await
        }
        (p, "note" | "client_id") if p.contains("/reports/") => {
            let date = ids.date.parse().expect("a date");
            text(admin.report_on(ids.class, date).await, field)
        }
        (p, "name") if p.starts_with("holidays/") => {
            let list = get(format!("holidays?from={}&to={}", ids.date, ids.date)).await;
            text(find(list, "date", json!(ids.date)), "name")
        }
        (p, "label") if p == codes_path => {
            text(find(get(codes_path.clone()).await, "id", answer.json["id"].clone()), "label")
        }
        ("policy", _) => {
            let mut policy = get("policy".into()).await;
            let path: Vec<String> = field.split('.').map(str::to_owned).collect();
            at(&mut policy, &path).as_str().map(str::to_owned).or(Some(String::new()))
        }
        _ => None,
    }
}

/// Puts back what a stored nasty string changed that later attempts rely on: the school's
/// policy; a new class's name (class names are unique in a school, and the class renamed
/// next is sent the same strings).
async fn undo(
    arranged: &Arranged,
    endpoint: &Endpoint,
    field: &str,
    policy: &Value,
    answer: &Response,
    n: usize,
) {
    let admin = &arranged.school.admin;
    match (endpoint.path, field) {
        ("classes", "name") => {
            let path = format!("classes/{}", answer.json["id"]);
            let name = json!({"name": format!("made-{n}")});
            admin.patch(&path, &name).await.expect_status(200, "the new class renamed");
        }
        ("policy", _) => {
            admin.put("policy", policy).await.expect_status(200, "the policy put back");
        }
        _ => {}
    }
}

#[tokio::test]
async fn names_and_notes_with_sql_and_script_come_back_exactly_as_written() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;

    for nasty in NASTY_STRINGS {
        // Act
        let renamed =
            school.admin.patch(&format!("classes/{}", class.id), &json!({"name": nasty})).await;
        let body = json!({"entries": [{"subject": "math", "minutes": 10}], "note": nasty});
        let put = school.admin.put(&tests::setup::report_path(class.id, school.today), &body).await;

        // Assert: stored as written (or refused clearly, for a control character).
        if renamed.status == 200 {
            let classes = school.admin.get("classes").await.expect_status(200, "classes").json;
            let name = classes
                .as_array()
                .and_then(|c| c.iter().find(|c| c["id"] == class.id))
                .and_then(|c| c["name"].as_str().map(str::to_owned));
            let name = name.unwrap_or_else(|| panic!("class {} is not listed", class.id));
            assert!(shown_as_text("name", nasty, &name), "class name {nasty:?} shown as {name:?}");
        } else if is_control_or_bidi(nasty) {
            refused_with_its_own_code(renamed, nasty);
        } else {
            renamed.expect_error(422, "invalid_name");
        }
        if put.status == 200 || !is_control_or_bidi(nasty) {
            put.expect_status(200, "a note is free text");
            let report = school.admin.report_on(class.id, school.today).await.expect("the report");
            let note = report["note"].as_str().unwrap_or_default();
            assert!(shown_as_text("note", nasty, note), "note {nasty:?} shown as {note:?}");
        } else {
            refused_with_its_own_code(put, nasty);
        }
    }
}

/// A control or bidirectional character refused: `422` with a code and a sentence.
#[track_caller]
fn refused_with_its_own_code(answer: Response, sent: &str) {
    let code = answer.code().unwrap_or_default().to_owned();
    assert!(!code.is_empty(), "{sent:?} refused without a code: {}", answer.text);
    answer.expect_error(422, &code);
}
