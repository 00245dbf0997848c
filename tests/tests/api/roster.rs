//! Roster import: a school's classes and accounts from one CSV as Excel saves it, all or
//! nothing, every problem listed by row and column; and the template to start from.

use crate::helpers::{PASSWORD, School};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tests::{Api, Response};

/// `POST roster/import` (with `?dry_run=true` if asked) of a file's bytes.
async fn import(api: &Api, bytes: &[u8], dry_run: bool) -> Response {
    let path = if dry_run { "roster/import?dry_run=true" } else { "roster/import" };
    api.upload(path, "roster.csv", bytes).await
}

/// The school's classes (archived too) and accounts, to show that nothing changed.
async fn snapshot(admin: &Api) -> (Value, Value) {
    let classes = admin.get("classes?include_archived=true").await.expect_status(200, "classes");
    let users = admin.get("users").await.expect_status(200, "users");
    (classes.json, users.json)
}

/// The id of a class by name, from `GET /classes`.
async fn class_id(admin: &Api, name: &str) -> i64 {
    let classes = admin.get("classes").await.expect_status(200, "classes").json;
    classes
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == name)
        .and_then(|c| c["id"].as_i64())
        .unwrap_or_else(|| panic!("no class {name} in {classes}"))
}

/// `(row, column, code)` of each problem of a `422 roster_invalid`.
fn problems(response: &Response) -> BTreeSet<(i64, String, String)> {
    response.json["error"]["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("a 422 without problems: {}", response.text))
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap_or(-1),
                p["column"].as_str().unwrap_or("").to_owned(),
                p["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// An account an import answered: `(username, role, class, generated password)`.
type Created = (String, String, Option<String>, Option<String>);

/// The accounts an import answered, sorted.
fn accounts(result: &Value) -> Vec<Created> {
    let mut list: Vec<_> = result["accounts_created"]
        .as_array()
        .unwrap_or_else(|| panic!("no accounts_created: {result}"))
        .iter()
        .map(|a| {
            (
                a["username"].as_str().unwrap_or_default().to_owned(),
                a["role"].as_str().unwrap_or_default().to_owned(),
                a["class"].as_str().map(str::to_owned),
                a["password"].as_str().map(str::to_owned),
            )
        })
        .collect();
    list.sort();
    list
}

fn sorted_strings(value: &Value) -> Vec<String> {
    let mut list: Vec<String> = value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    list.sort();
    list
}

#[tokio::test]
async fn the_template_downloads_in_chinese_or_english_and_imports_as_it_is() {
    // Arrange
    let school = School::new().await;

    // Act
    let chinese = school.admin.get("roster/template.csv").await;
    let english = school
        .admin
        .send(
            school
                .admin
                .request(reqwest::Method::GET, "roster/template.csv")
                .header("accept-language", "en-GB,en;q=0.9"),
        )
        .await;

    // Assert
    let chinese = chinese.expect_status(200, "the template");
    assert!(
        chinese.header("content-type").unwrap_or_default().starts_with("text/csv"),
        "{:?}",
        chinese.headers
    );
    assert!(
        chinese.header("content-disposition").unwrap_or_default().starts_with("attachment"),
        "{:?}",
        chinese.headers
    );
    let rows = tests::csv::parse(&chinese.text);
    assert_eq!(rows[0], ["年级", "班级", "角色", "用户名", "姓名", "密码"]);
    let english = tests::csv::parse(&english.expect_status(200, "in English").text);
    assert_eq!(english[0], ["grade", "class", "role", "username", "display_name", "password"]);
    let roles: BTreeSet<&str> = rows[1..].iter().map(|r| r[2].as_str()).collect();
    assert!(roles.len() >= 4, "an example of each kind of row: {rows:?}");

    // The template as downloaded is a valid file; every generated password logs in.
    let imported = import(&school.admin, chinese.text.as_bytes(), false).await;
    let result = imported.expect_status(200, "importing the template").json;
    assert!(!sorted_strings(&result["classes_created"]).is_empty(), "{result}");
    for (username, role, _, password) in accounts(&result) {
        let password = password.unwrap_or_else(|| panic!("{username}: no generated password"));
        let me = school.server.login(&username, &password).await.me().await;
        assert_eq!(me["role"], role.as_str(), "{username}");
    }
}

#[tokio::test]
async fn a_file_as_excel_saves_it_creates_classes_and_accounts_that_log_in() {
    // Arrange: a byte-order mark, CRLF, Chinese headers in another order, Chinese roles and
    // names, quoted cells with commas and quotes, one class that exists already.
    let school = School::new().await;
    let existing = school.class(7, "7(1)").await;
    let file = "\u{feff}用户名,年级,班级,角色,姓名,密码\r\n\
        ,7,\"7(2)\",,,\r\n\
        wang.li,7,7(1),班主任,\"王, 丽\",\r\n\
        li.lei,7,\"7(2)\",teacher,\"李\"\"雷\"\"\",given-secret-1\r\n\
        monitor-7-1,7,7(1),记录员,7(1) 作业记录员,\r\n\
        monitor-8-1,8,8(1),monitor,韩梅梅,\r\n\
        zhang.wei,7,,年级组长,张伟,\r\n\
        office,,,管理员,教务处,\r\n";

    // Act
    let response = import(&school.admin, file.as_bytes(), false).await;

    // Assert
    let result = response.expect_status(200, "importing").json;
    assert_eq!(result["dry_run"], false);
    assert_eq!(result["rows"], 7);
    assert_eq!(sorted_strings(&result["classes_created"]), ["7(2)", "8(1)"]);
    let created = accounts(&result);
    let shape: Vec<(&str, &str, Option<&str>, bool)> = created
        .iter()
        .map(|(u, r, c, p)| (u.as_str(), r.as_str(), c.as_deref(), p.is_some()))
        .collect();
    assert_eq!(
        shape,
        [
            ("li.lei", "teacher", Some("7(2)"), false),
            ("monitor-7-1", "monitor", Some("7(1)"), true),
            ("monitor-8-1", "monitor", Some("8(1)"), true),
            ("office", "school_admin", None, true),
            ("wang.li", "teacher", Some("7(1)"), true),
            ("zhang.wei", "grade_leader", None, true),
        ],
        "{result}"
    );
    for (username, _, _, generated) in &created {
        let password = generated.as_deref().unwrap_or("given-secret-1");
        assert!(password.chars().count() >= 8, "{username}: a short password {password:?}");
        school.server.login(username, password).await;
    }
    let teacher = school.server.login("wang.li", password_of(&created, "wang.li")).await.me().await;
    assert_eq!(teacher["class_id"], existing.id, "bound to the class that existed");
    assert_eq!(teacher["display_name"], "王, 丽");
    let quoted = school.server.login("li.lei", "given-secret-1").await.me().await;
    assert_eq!(quoted["display_name"], "李\"雷\"");
    assert_eq!(quoted["class_id"], class_id(&school.admin, "7(2)").await);
    let leader = school.server.login("zhang.wei", password_of(&created, "zhang.wei")).await;
    assert_eq!(leader.me().await["grade"], 7);
    let classes = school.admin.get("classes").await.expect_status(200, "classes").json;
    let grades: Vec<(String, i64)> = classes
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (c["name"].as_str().unwrap_or("").to_owned(), c["grade"].as_i64().unwrap_or(0)))
        .collect();
    assert_eq!(grades, [("7(1)".into(), 7), ("7(2)".into(), 7), ("8(1)".into(), 8)]);

    // Generated passwords are shown once: never listed, and a second import is refused.
    let users = school.admin.get("users").await.expect_status(200, "users");
    for (_, _, _, generated) in &created {
        if let Some(password) = generated {
            assert!(!users.text.contains(password.as_str()), "GET /users shows a password");
        }
    }
    let again = import(&school.admin, file.as_bytes(), false).await;
    let again = again.expect_error(422, "roster_invalid");
    assert!(problems(&again).iter().all(|(_, _, code)| code == "username_taken"), "{}", again.text);
}

fn password_of<'a>(created: &'a [Created], username: &str) -> &'a str {
    created
        .iter()
        .find(|a| a.0 == username)
        .and_then(|a| a.3.as_deref())
        .unwrap_or_else(|| panic!("no generated password for {username}"))
}

#[tokio::test]
async fn a_plain_file_without_a_byte_order_mark_with_english_headers_imports_too() {
    // Arrange
    let school = School::new().await;
    let file = format!(
        "role,username,class,grade,password\n\
         monitor,monitor-9-1,9(1),9,{PASSWORD}\n\
         teacher,TEACHER-9-1,9(1),9,{PASSWORD}\n"
    );

    // Act
    let response = import(&school.admin, file.as_bytes(), false).await;

    // Assert
    let result = response.expect_status(200, "importing").json;
    assert_eq!(sorted_strings(&result["classes_created"]), ["9(1)"]);
    let me = school.server.login("teacher-9-1", PASSWORD).await.me().await;
    assert_eq!(me["role"], "teacher");
    assert_eq!(me["display_name"], "teacher-9-1", "the display name defaults to the username");
    assert_eq!(me["class_id"], class_id(&school.admin, "9(1)").await);
}

#[tokio::test]
async fn a_class_written_full_width_or_with_invisible_characters_is_the_school_s_own_class() {
    // Arrange: the school has 9(1); the control imports into it as it is spelt.
    let school = School::new().await;
    let nine_one = school.class(9, "9(1)").await.id;
    let control =
        format!("role,username,class,grade,password\nmonitor,m-control,9(1),9,{PASSWORD}\n");
    let result = import(&school.admin, control.as_bytes(), false).await;
    assert_eq!(
        sorted_strings(&result.expect_status(200, "the control").json["classes_created"]),
        Vec::<String>::new()
    );

    // Act: the same class in full-width brackets, and with a zero-width space, as a typist's
    // spreadsheet may have it.
    let file = format!(
        "role,username,class,grade,password\n\
         monitor,m-full-width,９（１）,9,{PASSWORD}\n\
         teacher,t-zero-width,9(1)\u{200b},9,{PASSWORD}\n"
    );
    let response = import(&school.admin, file.as_bytes(), false).await;

    // Assert: no second class; both accounts belong to 9(1).
    let result = response.expect_status(200, "importing").json;
    assert_eq!(sorted_strings(&result["classes_created"]), Vec::<String>::new(), "{result}");
    for username in ["m-full-width", "t-zero-width"] {
        let me = school.server.login(username, PASSWORD).await.me().await;
        assert_eq!(me["class_id"], nine_one, "{username}: {me}");
    }
    let classes =
        school.admin.get("classes?include_archived=true").await.expect_status(200, "classes").json;
    let names: Vec<_> =
        classes.as_array().into_iter().flatten().map(|c| c["name"].clone()).collect();
    assert_eq!(names, [json!("9(1)")], "one class");
}

/// A file with one good row, then one bad row of each kind, a blank line, and a good row.
const BAD_FILE: &str = "grade,class,role,username,display_name,password\n\
    7,7(5),monitor,fine-monitor,,\n\
    10,10(1),teacher,t-ten,,\n\
    7,7(5),boss,boss-1,,\n\
    7,7(5),teacher,weak-teacher,,12345678\n\
    7,7(5),monitor,bad name,,\n\
    7,7(5),teacher,fine-monitor,,\n\
    7,7(5),teacher,admin,,\n\
    8,7(5),monitor,mismatch-1,,\n\
    7,,monitor,no-class-1,,\n\
    ,,grade_leader,no-grade-1,,\n\
    \n\
    8,8(5),teacher,fine-teacher,,\n";

/// Every problem of [`BAD_FILE`]: `(row, column, code)`, the header being row 1.
fn bad_file_problems() -> BTreeSet<(i64, String, String)> {
    [
        (3, "grade", "invalid_grade"),
        (4, "role", "invalid_role"),
        (5, "password", "weak_password"),
        (6, "username", "invalid_username"),
        (7, "username", "duplicate_username"),
        (8, "username", "username_taken"),
        (9, "grade", "class_grade_mismatch"),
        (10, "class", "class_required"),
        (11, "grade", "grade_required"),
    ]
    .into_iter()
    .map(|(row, column, code)| (row, column.to_owned(), code.to_owned()))
    .collect()
}

#[tokio::test]
async fn a_file_with_bad_rows_is_refused_whole_with_every_problem_by_row_and_column() {
    // Arrange
    let school = School::new().await;
    school.class(7, "7(1)").await;
    let before = snapshot(&school.admin).await;

    let as_excel = format!("\u{feff}{}", BAD_FILE.replace('\n', "\r\n"));
    let variants = [(BAD_FILE.to_owned(), false), (BAD_FILE.to_owned(), true), (as_excel, false)];

    for (file, dry_run) in variants {
        // Act
        let response = import(&school.admin, file.as_bytes(), dry_run).await;

        // Assert
        let response = response.expect_error(422, "roster_invalid");
        let found = problems(&response);
        let missing: Vec<_> = bad_file_problems().difference(&found).cloned().collect();
        assert!(
            missing.is_empty(),
            "dry run {dry_run}: not listed {missing:?} in {}",
            response.text
        );
        let bad_rows: BTreeSet<i64> = bad_file_problems().iter().map(|p| p.0).collect();
        let blamed: Vec<_> = found.iter().filter(|p| !bad_rows.contains(&p.0)).collect();
        assert!(blamed.is_empty(), "dry run {dry_run}: good rows blamed: {blamed:?}");
        for problem in response.json["error"]["problems"].as_array().into_iter().flatten() {
            let message = problem["message"].as_str().unwrap_or_default();
            assert!(!message.trim().is_empty(), "a problem without a message: {problem}");
        }
    }
    // The positive control: the same file without its bad rows passes a dry run.
    let bad_rows: BTreeSet<usize> = bad_file_problems().iter().map(|p| p.0 as usize).collect();
    let good_only: String = BAD_FILE
        .lines()
        .enumerate()
        .filter(|(i, _)| !bad_rows.contains(&(i + 1)))
        .map(|(_, line)| format!("{line}\n"))
        .collect();
    import(&school.admin, good_only.as_bytes(), true)
        .await
        .expect_status(200, &format!("the file's good rows alone:\n{good_only}"));
    assert_eq!(snapshot(&school.admin).await, before, "a refused file stored something");
    for username in ["fine-monitor", "fine-teacher"] {
        let login = school.server.api().login(username, PASSWORD).await;
        assert_eq!(
            (login.status, login.code()),
            (401, Some("invalid_credentials")),
            "{username} of a refused file exists"
        );
    }
    let audit = school.admin.get("audit?action=roster.import").await.expect_status(200, "audit");
    assert_eq!(audit.json["entries"], json!([]), "a refused import was logged as done");
}

#[tokio::test]
async fn a_file_without_rows_or_columns_is_refused_with_its_problem() {
    // Arrange
    let school = School::new().await;
    // The positive control: each case takes one thing from (or adds one to) this file, which a
    // dry run accepts as it is.
    let control = "grade,class,role,username\n7,7(1),monitor,m-1\n";
    import(&school.admin, control.as_bytes(), true).await.expect_status(200, "the control");
    let cases = [
        ("an empty file", "", (1, "", "roster_empty")),
        (
            "no username column",
            "grade,class,role\n7,7(1),monitor\n",
            (1, "username", "missing_column"),
        ),
        (
            "an unknown column",
            "grade,class,role,username,colour\n7,7(1),monitor,m-1,red\n",
            (1, "", "unknown_column"),
        ),
    ];

    for (what, text, (row, column, code)) in cases {
        // Act
        let response = import(&school.admin, text.as_bytes(), false).await;

        // Assert
        let response = response.expect_error(422, "roster_invalid");
        let wanted = (row, column.to_owned(), code.to_owned());
        assert!(problems(&response).contains(&wanted), "{what}: {}", response.text);
    }
}

#[tokio::test]
async fn a_dry_run_checks_the_file_answers_what_it_would_do_and_stores_nothing() {
    // Arrange
    let school = School::new().await;
    let file = "grade,class,role,username,display_name,password\n\
        7,7(1),teacher,teacher-71,王老师,\n\
        7,7(1),monitor,monitor-71,,\n";
    let before = snapshot(&school.admin).await;

    // Act
    let response = import(&school.admin, file.as_bytes(), true).await;

    // Assert
    let result = response.expect_status(200, "a dry run").json;
    assert_eq!(result["dry_run"], true);
    assert_eq!(result["rows"], 2);
    assert_eq!(sorted_strings(&result["classes_created"]), ["7(1)"]);
    let names: Vec<(String, Option<String>)> =
        accounts(&result).into_iter().map(|(u, _, _, p)| (u, p)).collect();
    assert_eq!(names, [("monitor-71".into(), None), ("teacher-71".into(), None)], "{result}");
    assert_eq!(snapshot(&school.admin).await, before, "a dry run stored something");
    let audit = school.admin.get("audit?action=roster.import").await.expect_status(200, "audit");
    assert_eq!(audit.json["entries"], json!([]));

    // The same file for real.
    let real = import(&school.admin, file.as_bytes(), false).await.expect_status(200, "for real");
    assert_eq!(real.json["dry_run"], false);
    assert_eq!(accounts(&real.json).len(), 2);
}

#[tokio::test]
async fn only_an_admin_may_import_a_roster_or_download_its_template() {
    // Arrange
    let school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let people = [
        ("monitor", school.monitor("monitor-71", &class).await),
        ("teacher", school.teacher("teacher-71", &class).await),
        ("grade leader", school.grade_leader("leader-7", 7).await),
    ];
    let file = "grade,class,role,username\n7,7(2),monitor,sneaky-monitor\n";
    let before = snapshot(&school.admin).await;

    for (who, api) in &people {
        // Act
        let upload = import(api, file.as_bytes(), false).await;
        let template = api.get("roster/template.csv").await;

        // Assert
        upload.expect_error(403, "forbidden");
        template.expect_error(403, "forbidden");
        assert_eq!(snapshot(&school.admin).await, before, "{who} imported something");
    }
    import(&school.server.api(), file.as_bytes(), false).await.expect_error(401, "not_logged_in");
    assert_eq!(snapshot(&school.admin).await, before);
}

#[tokio::test]
async fn a_file_over_two_mib_is_413_but_one_over_the_json_limit_is_read() {
    // Arrange: ~130 KiB of class rows (more than the 64 KiB of a JSON body), and 2 MiB + 1.
    let school = School::new().await;
    let mut large = String::from("grade,class,role,username\n");
    for n in 0..4800 {
        large.push_str(&format!("7,Class {n:04} of grade 7,,\n"));
    }
    assert!(large.len() > 100 * 1024, "{} bytes", large.len());
    let mut huge = large.clone().into_bytes();
    huge.resize(2 * 1024 * 1024 + 1, b'\n');
    let before = snapshot(&school.admin).await;

    // Act
    let large_response = import(&school.admin, large.as_bytes(), true).await;
    let huge_response = import(&school.admin, &huge, false).await;

    // Assert
    let result = large_response.expect_status(200, "a 130 KiB roster").json;
    assert_eq!(result["classes_created"].as_array().map(Vec::len), Some(4800));
    huge_response.expect_error(413, "body_too_large");
    assert_eq!(snapshot(&school.admin).await, before);
}

#[tokio::test]
async fn a_file_saved_in_gbk_imports_as_the_same_file_in_utf8_would() {
    // Arrange: "年级,班级,角色,用户名,姓名,密码" and a row for the class 七(1)班 with a monitor
    // named 班长, as GBK bytes (Excel's "CSV (逗号分隔)" and WPS on a Chinese Windows).
    let school = School::new().await;
    let mut gbk: Vec<u8> = vec![
        0xc4, 0xea, 0xbc, 0xb6, b',', 0xb0, 0xe0, 0xbc, 0xb6, b',', 0xbd, 0xc7, 0xc9, 0xab, b',',
        0xd3, 0xc3, 0xbb, 0xa7, 0xc3, 0xfb, b',', 0xd0, 0xd5, 0xc3, 0xfb, b',', 0xc3, 0xdc, 0xc2,
        0xeb, b'\r', b'\n',
    ];
    gbk.extend_from_slice(b"7,");
    gbk.extend_from_slice(&[0xc6, 0xdf, b'(', b'1', b')', 0xb0, 0xe0]);
    gbk.extend_from_slice(b",monitor,gbk-monitor,");
    gbk.extend_from_slice(&[0xb0, 0xe0, 0xb3, 0xa4]);
    gbk.extend_from_slice(b",\r\n");
    assert!(String::from_utf8(gbk.clone()).is_err(), "the test file must not be UTF-8");

    // Act
    let response = import(&school.admin, &gbk, false).await;

    // Assert
    let result = response.expect_status(200, "a GBK roster").json;
    assert_eq!(sorted_strings(&result["classes_created"]), ["七(1)班"], "{result}");
    let created = accounts(&result);
    assert_eq!(created.len(), 1, "{result}");
    assert_eq!(created[0].0, "gbk-monitor");
    assert_eq!(created[0].2.as_deref(), Some("七(1)班"));
    let users = school.admin.get("users").await.expect_status(200, "users").json;
    let monitor = users
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["username"] == "gbk-monitor")
        .unwrap_or_else(|| panic!("no gbk-monitor in {users}"));
    assert_eq!(monitor["display_name"], "班长", "the name read as GBK: {monitor}");
    class_id(&school.admin, "七(1)班").await;
}

#[tokio::test]
async fn a_file_that_is_neither_utf8_nor_gbk_is_422_and_says_how_to_save_it() {
    // Arrange: a header, then a byte that starts a GBK character and nothing after it.
    let school = School::new().await;
    let mut bytes = "年级,班级,角色,用户名,姓名,密码\n7,7(1),,,,".as_bytes().to_vec();
    bytes.push(0x81);
    let before = snapshot(&school.admin).await;

    // Act
    let response = import(&school.admin, &bytes, false).await;

    // Assert
    let response = response.expect_error(422, "roster_invalid");
    let problems = response.json["error"]["problems"].as_array().cloned().unwrap_or_default();
    assert_eq!(problems.len(), 1, "{}", response.text);
    assert_eq!(problems[0]["code"], "not_utf8", "{}", response.text);
    let message = problems[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("UTF-8"), "the message should say to save as UTF-8: {message}");
    assert_eq!(snapshot(&school.admin).await, before);
}
