//! The error answers of API.md that are not about one resource: 400, 401, 403 `cross_origin`,
//! 404, 413 and 415. Each leaves the data as it was.

use crate::helpers::School;
use reqwest::Method;
use serde_json::json;
use tests::setup::{report_body, report_path};

#[tokio::test]
async fn malformed_json_wrong_types_and_unknown_fields_are_400_bad_json() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let path = report_path(class.id, school.today);
    let raw_bodies = [
        ("malformed JSON", r#"{"entries": ["#),
        ("entries that are not a list", r#"{"entries": "many"}"#),
        ("minutes that are text", r#"{"entries": [{"subject": "math", "minutes": "ten"}]}"#),
        ("minutes that are a fraction", r#"{"entries": [{"subject": "math", "minutes": 10.5}]}"#),
        ("an unknown field", r#"{"entries": [], "colour": "red"}"#),
        (
            "an unknown field in an entry",
            r#"{"entries": [{"subject": "math", "minutes": 1, "x": 1}]}"#,
        ),
        ("no entries at all", r#"{"note": "forgot"}"#),
    ];
    let api = &school.admin;
    // The positive control: a body of the same shape, well formed, is stored.
    let control = r#"{"entries": [{"subject": "math", "minutes": 10}], "note": "forgot"}"#;
    let request =
        api.request(Method::PUT, &path).header("content-type", "application/json").body(control);
    let stored = api.send(request).await.expect_status(200, "the control").json["report"].clone();

    for (what, body) in raw_bodies {
        // Act
        let request =
            api.request(Method::PUT, &path).header("content-type", "application/json").body(body);
        let response = api.send(request).await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (400, Some("bad_json")),
            "{what}: {}",
            response.text
        );
    }
    assert_eq!(api.report_on(class.id, school.today).await, Some(stored), "a 400 changed the day");
    api.post("classes", &json!({ "grade": 7, "name": "7(8)" }))
        .await
        .expect_status(201, "the control: a grade that is a number");
    let class_with_text_grade =
        api.post("classes", &json!({ "grade": "seven", "name": "7(9)" })).await;
    class_with_text_grade.expect_error(400, "bad_json");
    let (admin, password) = (tests::server::ADMIN_USERNAME, tests::server::ADMIN_PASSWORD);
    let as_text = json!({ "username": admin, "password": password });
    let login_as_text = school.server.api().post("auth/login", &as_text).await;
    login_as_text.expect_status(200, "the control: a log-in with text");
    let login_with_number = school
        .server
        .api()
        .post("auth/login", &json!({ "username": 1, "password": password }))
        .await;
    login_with_number.expect_error(400, "bad_json");
}

#[tokio::test]
async fn a_date_that_is_not_a_date_is_400_bad_date() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let body = report_body(&[("math", 10)]);
    let api = &school.admin;
    // The positive control: the same requests with a date that is one.
    let week_ago = school.days_ago(7);
    api.put(&report_path(class.id, week_ago), &body).await.expect_status(200, "a real date");
    api.get(&format!("classes/{}/reports?from={week_ago}&to={}", class.id, school.today))
        .await
        .expect_status(200, "a real range");

    for date in ["2026-02-30", "today", "20261105", "2026-11-05T00:00:00"] {
        // Act
        let put = api.put(&format!("classes/{}/reports/{date}", class.id), &body).await;
        let get =
            api.get(&format!("classes/{}/reports?from={date}&to={}", class.id, school.today)).await;

        // Assert
        assert_eq!((put.status, put.code()), (400, Some("bad_date")), "PUT {date}: {}", put.text);
        assert_eq!(
            (get.status, get.code()),
            (400, Some("bad_date")),
            "GET from={date}: {}",
            get.text
        );
    }
}

#[tokio::test]
async fn requests_without_a_valid_session_are_401_not_logged_in() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let stranger = school.server.api();
    let gets = [
        "me".to_owned(),
        "policy".to_owned(),
        "classes".to_owned(),
        format!("classes/{}/reports", class.id),
        format!("classes/{}/summary", class.id),
        format!("schools/{}/grades/7/comparison", school.school_id),
    ];

    for path in &gets {
        // Act
        let response = stranger.get(path).await;
        let forged = stranger
            .send(
                stranger
                    .request(Method::GET, path)
                    .header("cookie", "hw_session=made-up-session-id"),
            )
            .await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (401, Some("not_logged_in")),
            "GET {path}: {}",
            response.text
        );
        assert_eq!(
            (forged.status, forged.code()),
            (401, Some("not_logged_in")),
            "forged GET {path}: {}",
            forged.text
        );
    }
    let put =
        stranger.put(&report_path(class.id, school.today), &report_body(&[("math", 5)])).await;
    put.expect_error(401, "not_logged_in");
    let post = stranger.post("classes", &json!({ "grade": 7, "name": "7(2)" })).await;
    post.expect_error(401, "not_logged_in");
    let put_policy = stranger.put("policy", &json!({})).await;
    put_policy.expect_error(401, "not_logged_in");
    assert_eq!(school.admin.report_on(class.id, school.today).await, None);
    let classes = school.admin.get("classes").await.expect_status(200, "GET classes").json;
    assert_eq!(classes.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn state_changes_from_another_origin_are_403_cross_origin() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let api = &school.admin;
    let evil = "http://evil.example";

    // Act
    let new_class = api
        .send(
            api.request(Method::POST, "classes")
                .header("origin", evil)
                .json(&json!({ "grade": 7, "name": "7(2)" })),
        )
        .await;
    let report = api
        .send(
            api.request(Method::PUT, &report_path(class.id, school.today))
                .header("origin", evil)
                .json(&report_body(&[("math", 5)])),
        )
        .await;
    let stranger = school.server.api();
    let login = stranger
        .send(stranger.request(Method::POST, "auth/login").header("origin", evil).json(
            &json!({ "username": "admin", "password": school.server.options.admin_password }),
        ))
        .await;
    let same_origin = api
        .send(
            api.request(Method::POST, "classes")
                .header("origin", school.server.base_url.as_str())
                .json(&json!({ "grade": 7, "name": "7(3)" })),
        )
        .await;

    // Assert
    new_class.expect_error(403, "cross_origin");
    report.expect_error(403, "cross_origin");
    login.expect_error(403, "cross_origin");
    same_origin.expect_status(201, "a POST from the server's own origin");
    assert_eq!(api.report_on(class.id, school.today).await, None);
    let classes = api.get("classes").await.expect_status(200, "GET classes").json;
    let names: Vec<&str> =
        classes.as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    assert!(!names.contains(&"7(2)"), "the cross-origin POST made a class: {names:?}");
}

#[tokio::test]
async fn missing_classes_schools_grades_and_paths_are_404_with_their_code() {
    // Arrange
    let school = School::new().await;
    let api = &school.admin;
    let ghost = 999_999;
    let body = report_body(&[("math", 5)]);

    // Act + Assert
    api.put(&report_path(ghost, school.today), &body).await.expect_error(404, "class_not_found");
    api.get(&format!("classes/{ghost}/reports")).await.expect_error(404, "class_not_found");
    api.get(&format!("classes/{ghost}/summary")).await.expect_error(404, "class_not_found");
    api.get(&format!("schools/{ghost}/grades/7/comparison"))
        .await
        .expect_error(404, "school_not_found");
    for grade in [0, 10] {
        let path = format!("schools/{}/grades/{grade}/comparison", school.school_id);
        api.get(&path).await.expect_error(404, "grade_not_found");
    }
    api.get("no-such-thing").await.expect_error(404, "not_found");
}

#[tokio::test]
async fn a_body_over_64_kib_is_413_body_too_large_and_stores_nothing() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let path = report_path(class.id, school.today);
    let big =
        json!({ "entries": [{ "subject": "math", "minutes": 5 }], "note": "x".repeat(70 * 1024) });
    let just_under =
        json!({ "entries": [{ "subject": "math", "minutes": 5 }], "note": "x".repeat(60 * 1024) });

    // Act
    let too_large = school.admin.put(&path, &big).await;
    let under = school.admin.put(&path, &just_under).await;

    // Assert
    let too_large = too_large.expect_error(413, "body_too_large");
    // The unread rest of the body cannot be taken for a next request on that connection.
    assert_eq!(too_large.header("connection"), Some("close"));
    under.expect_invalid("note_too_long");
    assert_eq!(school.admin.report_on(class.id, school.today).await, None);
    let big_class = json!({ "grade": 7, "name": "n".repeat(70 * 1024) });
    school.admin.post("classes", &big_class).await.expect_error(413, "body_too_large");
}

#[tokio::test]
async fn a_body_that_is_not_declared_json_is_415_unsupported_media_type() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let api = &school.admin;
    let report = report_body(&[("math", 5)]).to_string();
    let new_class = json!({ "grade": 7, "name": "7(2)" }).to_string();

    // Act
    let as_text = api
        .send(
            api.request(Method::PUT, &report_path(class.id, school.today))
                .header("content-type", "text/plain")
                .body(report.clone()),
        )
        .await;
    let undeclared =
        api.send(api.request(Method::PUT, &report_path(class.id, school.today)).body(report)).await;
    let as_form = api
        .send(
            api.request(Method::POST, "classes")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(new_class),
        )
        .await;
    let stranger = school.server.api();
    let login_form = stranger
        .send(
            stranger
                .request(Method::POST, "auth/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("username=admin&password={}", school.server.options.admin_password)),
        )
        .await;

    let with_charset = api
        .send(
            api.request(Method::PUT, &report_path(class.id, school.days_ago(1)))
                .header("content-type", "application/json; charset=utf-8")
                .body(report_body(&[("math", 5)]).to_string()),
        )
        .await;

    // Assert
    as_text.expect_error(415, "unsupported_media_type");
    undeclared.expect_error(415, "unsupported_media_type");
    as_form.expect_error(415, "unsupported_media_type");
    login_form.expect_error(415, "unsupported_media_type");
    with_charset.expect_status(200, "JSON declared with its charset");
    assert_eq!(api.report_on(class.id, school.today).await, None);
    let classes = api.get("classes").await.expect_status(200, "GET classes").json;
    assert_eq!(classes.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_path_or_query_that_does_not_parse_is_400_bad_query() {
    // Arrange
    let school = School::new().await;
    let api = &school.admin;
    let class = school.class(7, "7(1)").await;
    // The positive control: the same paths with ids that are numbers.
    for path in [
        format!("classes/{}/reports", class.id),
        format!("classes/{}/summary", class.id),
        format!("schools/{}/grades/7/comparison", school.school_id),
    ] {
        api.get(&path).await.expect_status(200, "the control");
    }
    let cases = [
        "classes/seven/reports".to_owned(),
        "classes/seven/summary".to_owned(),
        "schools/first/grades/7/comparison".to_owned(),
    ];

    for path in cases {
        // Act
        let response = api.get(&path).await;

        // Assert
        assert_eq!(
            (response.status, response.code()),
            (400, Some("bad_query")),
            "GET {path}: {}",
            response.text
        );
    }
}
