//! The OpenAPI document's schemas against the server's real answers: every JSON read a school
//! admin can make on a school with data, a few writes (their request bodies too), and error
//! answers, each checked against the schema the document gives its status. An answer with a
//! status the document does not list, a property it does not describe or a value of the wrong
//! type, outside an enum or without a required property, fails. The checker is a small one of
//! our own for the JSON Schema the document uses (`$ref`, `type`, `enum`, `properties`,
//! `required`, `additionalProperties`, `items`, `oneOf`/`anyOf`/`allOf`, `minimum`, the `date`
//! format): a full validator would be a heavy dependency for this subset.

use crate::helpers::School;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tests::Response;

/// The schema a `$ref` names, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            let target = &doc["components"]["schemas"][name];
            assert!(!target.is_null(), "the document refers to a schema it lacks: {reference}");
            resolve(doc, target)
        }
        None => schema,
    }
}

/// The property names a schema describes (through `allOf`, `oneOf` and `anyOf`), or `None`
/// when it allows any (a map, or no properties at all).
fn known_properties(doc: &Value, schema: &Value) -> Option<BTreeSet<String>> {
    let schema = resolve(doc, schema);
    if schema.get("additionalProperties").is_some_and(|a| a != &Value::Bool(false)) {
        return None;
    }
    let mut names: BTreeSet<String> =
        schema["properties"].as_object().into_iter().flatten().map(|(k, _)| k.clone()).collect();
    let mut composed = false;
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema[key].as_array().into_iter().flatten() {
            composed = true;
            names.extend(known_properties(doc, part)?);
        }
    }
    (composed || schema.get("properties").is_some()).then_some(names)
}

fn type_fits(t: &str, value: &Value) -> bool {
    match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// The problems of `value` against `schema` (a schema of `doc`), each with where it is.
pub fn mismatches(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut problems = Vec::new();
    check(doc, schema, value, at, true, &mut problems);
    problems
}

/// `strict`: also report properties the schema does not describe. A part of an `allOf` or a
/// variant of a `oneOf` describes only some of them: the whole is checked for those.
fn check(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    strict: bool,
    problems: &mut Vec<String>,
) {
    let schema = resolve(doc, schema);
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| type_fits(t, value)) {
        problems.push(format!("{at}: {value} is not {}", schema["type"]));
        return;
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(value)
    {
        problems.push(format!("{at}: {value} is none of the enum {}", schema["enum"]));
    }
    if let (Some(min), Some(n)) = (schema["minimum"].as_f64(), value.as_f64())
        && n < min
    {
        problems.push(format!("{at}: {n} is below the minimum {min}"));
    }
    if schema["format"] == "date"
        && let Some(s) = value.as_str()
        && !is_date(s)
    {
        problems.push(format!("{at}: {s:?} is not a date (YYYY-MM-DD)"));
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        check(doc, part, value, at, false, problems);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(list) = schema[key].as_array() {
            let fitting = list
                .iter()
                .filter(|s| {
                    let mut found = Vec::new();
                    check(doc, s, value, at, false, &mut found);
                    found.is_empty()
                })
                .count();
            let wrong = if key == "oneOf" { fitting != 1 } else { fitting == 0 };
            if wrong {
                let n = list.len();
                problems.push(format!("{at}: {value} fits {fitting} of the {n} schemas of {key}"));
            }
        }
    }
    let Some(object) = value.as_object() else {
        if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
            for (i, v) in list.iter().enumerate() {
                check(doc, items, v, &format!("{at}[{i}]"), true, problems);
            }
        }
        return;
    };
    for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if !object.contains_key(name) {
            problems.push(format!("{at}: lacks the required {name:?}"));
        }
    }
    let properties = schema["properties"].as_object();
    for (name, v) in object {
        match properties.and_then(|p| p.get(name)) {
            Some(property) => check(doc, property, v, &format!("{at}.{name}"), true, problems),
            None => {
                if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                    check(doc, extra, v, &format!("{at}.{name}"), true, problems);
                }
            }
        }
    }
    // An answer names no property the document does not describe.
    if let Some(known) = known_properties(doc, schema).filter(|_| strict) {
        for name in object.keys().filter(|k| !known.contains(*k)) {
            problems.push(format!("{at}: has {name:?}, which the document does not describe"));
        }
    }
}

/// The schema of `method path`'s answer with `status` (`path` as the document writes it).
fn answer_schema<'a>(doc: &'a Value, method: &str, path: &str, status: u16) -> Option<&'a Value> {
    let answer = &doc["paths"][path][method]["responses"][status.to_string()];
    let schema = &answer["content"]["application/json"]["schema"];
    (!schema.is_null()).then_some(schema)
}

/// Checks a real answer against the document; the problems, if any.
fn answer_problems(doc: &Value, method: &str, path: &str, response: &Response) -> Vec<String> {
    let what = format!("{} ({method} {path})", response.request);
    let listed = &doc["paths"][path][method]["responses"][response.status.to_string()];
    if listed.is_null() {
        return vec![format!("{what}: status {} is not in the document", response.status)];
    }
    match answer_schema(doc, method, path, response.status) {
        Some(schema) => mismatches(doc, schema, &response.json, &what),
        None if response.text.is_empty() => Vec::new(),
        None if listed["content"].as_object().is_some_and(|c| !c.is_empty()) => Vec::new(),
        None => vec![format!("{what}: a body the document does not describe: {}", response.text)],
    }
}

/// The request body's schema of `method path`, for checking what the tests send.
fn request_schema<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    &doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
}

#[tokio::test]
async fn every_json_read_and_a_few_writes_fit_the_documents_schemas() {
    // Arrange: a school with a class, a report over the limit (so flags), a holiday, a make-up
    // day, a tablet code, a notice link and a second account.
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let admin = &school.admin;
    let doc = school.server.api().get("openapi.json").await.expect_status(200, "doc").json;
    let mut problems = Vec::new();
    let mut write = |method: &str, path: &str, body: Option<Value>, response: Response| {
        if let Some(body) = &body {
            let schema = request_schema(&doc, method, path);
            assert!(!schema.is_null(), "no request body for {method} {path}");
            problems.extend(mismatches(&doc, schema, body, &format!("request of {method} {path}")));
        }
        assert!(
            response.status < 300,
            "{} answered {}: {}",
            response.request,
            response.status,
            response.text
        );
        problems.extend(answer_problems(&doc, method, path, &response));
    };
    let report = json!({"entries": [{"subject": "math", "minutes": 90}, {"subject": "chinese", "minutes": 80}], "note": "", "client_id": "c-1"});
    let r = admin.put(&format!("classes/{}/reports/{}", class.id, school.today), &report).await;
    write("put", "/api/v1/classes/{class_id}/reports/{date}", Some(report), r);
    let new_class = json!({"grade": 8, "name": "8(1)"});
    let r = admin.post("classes", &new_class).await;
    let other_class = r.json["id"].as_i64().expect("a class id");
    write("post", "/api/v1/classes", Some(new_class), r);
    let patch = json!({"name": "8(2)"});
    let r = admin.patch(&format!("classes/{other_class}"), &patch).await;
    write("patch", "/api/v1/classes/{class_id}", Some(patch), r);
    let user = json!({"username": "t71", "password": "a-long-password-1", "display_name": "T", "role": "teacher", "class_id": class.id});
    let r = admin.post("users", &user).await;
    write("post", "/api/v1/users", Some(user), r);
    let saturday = (1..=7)
        .map(|n| school.today + chrono::Days::new(n))
        .find(|d| chrono::Datelike::weekday(d) == chrono::Weekday::Sat)
        .expect("a Saturday within a week");
    let holiday = json!({"name": "sports day"});
    let weekday = (1..=7)
        .map(|n| school.today + chrono::Days::new(n))
        .find(|d| chrono::Datelike::weekday(d) == chrono::Weekday::Wed)
        .expect("a Wednesday within a week");
    let r = admin.put(&format!("holidays/{weekday}"), &holiday).await;
    write("put", "/api/v1/holidays/{date}", Some(holiday.clone()), r);
    let r = admin.put(&format!("makeup-days/{saturday}"), &holiday).await;
    write("put", "/api/v1/makeup-days/{date}", Some(holiday), r);
    let code = json!({"label": "front desk"});
    let r = admin.post(&format!("classes/{}/tablet-codes", class.id), &code).await;
    write("post", "/api/v1/classes/{class_id}/tablet-codes", Some(code), r);
    let r = admin.post(&format!("classes/{}/notice-links", class.id), &json!({})).await;
    write("post", "/api/v1/classes/{class_id}/notice-links", None, r);

    // Act: every GET of the document with a JSON answer whose path we can fill.
    let fill = |name: &str| -> Option<String> {
        match name {
            "class_id" => Some(class.id.to_string()),
            "school_id" => Some(school.school_id.to_string()),
            "grade" => Some("7".into()),
            "date" => Some(school.today.to_string()),
            _ => None,
        }
    };
    let mut read = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let Some(op) = item.get("get") else { continue };
        if op["responses"]["200"]["content"].get("application/json").is_none() {
            continue;
        }
        let mut url = path.clone();
        let mut fillable = true;
        for segment in path.split('/').filter(|s| s.starts_with('{')) {
            match fill(segment.trim_matches(|c| c == '{' || c == '}')) {
                Some(v) => url = url.replace(segment, &v),
                None => fillable = false,
            }
        }
        if !fillable {
            continue;
        }
        let response = admin.get(&url).await;
        problems.extend(answer_problems(&doc, "get", path, &response));
        read += 1;
    }

    // Assert
    assert!(read >= 15, "only {read} reads could be made");
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test]
async fn error_answers_fit_the_documents_error_schemas() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let doc = school.server.api().get("openapi.json").await.expect_status(200, "doc").json;
    let report = "/api/v1/classes/{class_id}/reports/{date}";
    let path = format!("classes/{}/reports/{}", class.id, school.today);
    let body = json!({"entries": [{"subject": "math", "minutes": 30}]});
    school.admin.put(&path, &body).await.expect_status(200, "the first write");

    // Act
    let answers = [
        ("get", "/api/v1/me", school.server.api().get("me").await),
        (
            "post",
            "/api/v1/auth/login",
            school.server.api().login("admin", "wrong-password-1").await,
        ),
        (
            "put",
            report,
            school
                .admin
                .put(&path, &json!({"entries": [{"subject": "math", "minutes": 3000}]}))
                .await,
        ),
        ("put", report, school.admin.put(&path, &json!({"entries": [], "version": 7})).await),
        ("put", report, school.admin.put(&path, &json!({"entries": "none"})).await),
        (
            "get",
            "/api/v1/classes/{class_id}/summary",
            school.admin.get("classes/999999/summary").await,
        ),
        (
            "get",
            "/api/v1/classes/{class_id}/reports",
            school.admin.get(&format!("classes/{}/reports?from=2026-13-01", class.id)).await,
        ),
        (
            "post",
            "/api/v1/classes",
            school.admin.post("classes", &json!({"grade": 99, "name": "x"})).await,
        ),
    ];

    // Assert
    let statuses: Vec<u16> = answers.iter().map(|(.., r)| r.status).collect();
    assert_eq!(statuses, [401, 401, 422, 409, 400, 404, 400, 422], "the answers to check");
    let codes: Vec<&str> =
        doc["components"]["schemas"]["ErrorDetail"]["properties"]["code"]["enum"]
            .as_array()
            .expect("an enum of error codes")
            .iter()
            .filter_map(Value::as_str)
            .collect();
    assert!(codes.contains(&"version_conflict") && codes.len() > 40, "{codes:?}");
    let problems: Vec<String> =
        answers.iter().flat_map(|(m, p, r)| answer_problems(&doc, m, p, r)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The check can fail: an unknown code, a missing request id, an extra property.
    let schema = answer_schema(&doc, "get", "/api/v1/me", 401).expect("a 401 schema");
    let good = &answers[0].2.json;
    let mut unknown = good.clone();
    unknown["error"]["code"] = json!("no_such_code");
    let mut anonymous = good.clone();
    anonymous["error"].as_object_mut().expect("an error object").remove("request_id");
    let mut extra = good.clone();
    extra["error"]["hint"] = json!("try again");
    for broken in [unknown, anonymous, extra] {
        assert!(!mismatches(&doc, schema, &broken, "broken").is_empty(), "{broken} fits");
    }
}

/// Every error code a handler names in the backend's sources (`AppError::invalid("…"`,
/// `not_found("…"`, `code: "…"`) is one of the document's.
#[tokio::test]
async fn the_document_lists_every_error_code_the_backend_names() {
    // Arrange
    let server = tests::TestServer::start_default().await;
    let doc = server.api().get("openapi.json").await.expect_status(200, "doc").json;
    let listed: BTreeSet<&str> = doc["components"]["schemas"]["ErrorDetail"]["properties"]["code"]
        ["enum"]
        .as_array()
        .expect("an enum of error codes")
        .iter()
        .filter_map(Value::as_str)
        .collect();

    // Act
    let mut named = BTreeSet::new();
    let root = tests::server::workspace_root().join("backend").join("src");
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("the backend's sources") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap_or_default();
            for needle in ["invalid(", "not_found(", "code: "] {
                for (i, _) in source.match_indices(needle) {
                    let rest = source[i + needle.len()..].trim_start();
                    let Some(rest) = rest.strip_prefix('"') else { continue };
                    let code: String = rest.chars().take_while(|c| *c != '"').collect();
                    if !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    {
                        named.insert(code);
                    }
                }
            }
        }
    }

    // Assert
    assert!(named.len() > 20, "cannot read the codes: {named:?}");
    let missing: Vec<&String> = named.iter().filter(|c| !listed.contains(c.as_str())).collect();
    assert!(missing.is_empty(), "codes the document's ErrorDetail enum lacks: {missing:?}");
}
