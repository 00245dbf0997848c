//! `GET /api/v1/openapi.json`: an OpenAPI 3.1 document that names exactly the routes the server
//! declares, and whose schemas fit the server's real answers.

use crate::access_matrix::{declared_routes, normalise};
use crate::helpers::School;
use crate::openapi_schemas::mismatches;
use serde_json::Value;
use std::collections::BTreeSet;
use tests::TestServer;

/// `(METHOD, path under /api/v1 with {} for each parameter)` of every operation of the document.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let path = path.strip_prefix("/api/v1").unwrap_or(path).to_owned();
        for method in item.as_object().expect("a path item").keys() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                ops.insert((method.to_uppercase(), normalise(path.clone())));
            }
        }
    }
    ops
}

#[tokio::test]
async fn the_document_names_every_route_the_server_declares_and_no_other() {
    // Arrange
    let server = TestServer::start_default().await;

    // Act
    let doc = server.api().get("openapi.json").await.expect_status(200, "openapi.json").json;

    // Assert
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", doc["openapi"]);
    let in_doc = documented(&doc);
    // Outside the API: the not-found answers for /api/… and /metrics.
    let outside = [("GET", "/api"), ("ANY", "/api/{}"), ("ANY", "/metrics")];
    let declared: BTreeSet<(String, String)> = declared_routes()
        .into_iter()
        .filter(|(m, p)| !outside.contains(&(m.as_str(), p.as_str())))
        .collect();
    assert!(declared.len() > 20, "cannot read the backend's routes: {declared:?}");
    let undocumented: Vec<_> = declared.difference(&in_doc).collect();
    assert!(undocumented.is_empty(), "routes the document lacks: {undocumented:#?}");
    let invented: Vec<_> = in_doc.difference(&declared).collect();
    assert!(invented.is_empty(), "the document names routes that do not exist: {invented:#?}");
}

/// The schema the document gives the answer of `method path` with `status`.
fn answer_schema<'a>(doc: &'a Value, method: &str, path: &str, status: u16) -> &'a Value {
    let schema = &doc["paths"][path][method]["responses"][status.to_string()]["content"]["application/json"]
        ["schema"];
    assert!(!schema.is_null(), "the document has no JSON answer {status} for {method} {path}");
    schema
}

#[tokio::test]
async fn real_answers_fit_the_documents_schemas() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let doc = school.server.api().get("openapi.json").await.expect_status(200, "doc").json;
    let report = "/api/v1/classes/{class_id}/reports/{date}";

    // Act
    let stored = school.admin.put_report(class.id, school.today, &[("math", 30)]).await;
    let listed = school.admin.reports(class.id, school.today, school.today).await;
    let me = school.admin.me().await;
    let wrong = school.server.api().login("admin", "wrong-password-1").await;
    let too_many = school
        .admin
        .put(
            &tests::setup::report_path(class.id, school.today),
            &tests::setup::report_body(&[("math", 3000)]),
        )
        .await;

    // Assert
    let cases = [
        ("PUT report 200", answer_schema(&doc, "put", report, 200), stored),
        (
            "GET reports 200",
            answer_schema(&doc, "get", "/api/v1/classes/{class_id}/reports", 200),
            Value::Array(listed),
        ),
        ("GET me 200", answer_schema(&doc, "get", "/api/v1/me", 200), me),
        ("login 401", answer_schema(&doc, "post", "/api/v1/auth/login", 401), wrong.json),
        ("PUT report 422", answer_schema(&doc, "put", report, 422), too_many.json),
    ];
    for (what, schema, value) in cases {
        let problems = mismatches(&doc, schema, &value, what);
        assert!(problems.is_empty(), "{problems:#?}\n{value}");
    }
    // The check can fail: an answer without its required fields does not fit.
    let empty = serde_json::json!({});
    assert!(
        !mismatches(&doc, answer_schema(&doc, "get", "/api/v1/me", 200), &empty, "me").is_empty()
    );
}
