//! The role tables of docs/API.md checked cell by cell: every endpoint of [`ENDPOINTS`] × every
//! kind of caller × own class / another class / another grade / another school / nothing, on
//! one server. Every cell that differs is listed, not just the first.

use crate::access::{Caller, ENDPOINTS, Endpoint, Reach, Target, World, reach};
use serde_json::{Value, json};
use tests::Response;

/// What a cell of the matrix should answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    /// The endpoint's success status.
    Allowed(u16),
    /// `401 not_logged_in`.
    NotLoggedIn,
    /// `403 forbidden`.
    Forbidden,
    /// `404` with the code of the first missing thing the path names (`class_not_found`, …).
    NotFound,
    /// A caller without the right at all, aimed at something that does not exist: API.md does
    /// not say which check comes first, so `403 forbidden` and `404 …_not_found` are both right.
    ForbiddenOrNotFound,
}

/// The cell of API.md's tables for a caller and a target under an endpoint's rule.
fn expected(endpoint: &Endpoint, caller: Caller, target: Option<Target>) -> Expected {
    let reach = reach(endpoint.rule, caller);
    if caller == Caller::Nobody && reach == Reach::Nothing {
        return Expected::NotLoggedIn;
    }
    let allowed = match target {
        None | Some(Target::Own) => reach != Reach::Nothing,
        Some(Target::OtherClass) => matches!(reach, Reach::OwnGrade | Reach::OwnSchool),
        Some(Target::OtherGrade) => reach == Reach::OwnSchool,
        Some(Target::OtherSchool) => false,
        Some(Target::Missing) if reach == Reach::Nothing => {
            return Expected::ForbiddenOrNotFound;
        }
        Some(Target::Missing) => return Expected::NotFound,
    };
    if allowed { Expected::Allowed(endpoint.ok) } else { Expected::Forbidden }
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::Allowed(status) => write!(f, "{status}"),
            Expected::NotLoggedIn => f.write_str("401 not_logged_in"),
            Expected::Forbidden => f.write_str("403 forbidden"),
            Expected::NotFound => f.write_str("404 its *_not_found"),
            Expected::ForbiddenOrNotFound => f.write_str("403 forbidden or 404 its *_not_found"),
        }
    }
}

/// The code of a `404` for an endpoint aimed at ids that do not exist: the first thing its
/// path names (a missing school before its grade, a class before its tablet code).
fn not_found_code(endpoint: &Endpoint) -> &'static str {
    let path = endpoint.path;
    let first = ["{school}", "{class}", "{user}", "{holiday}", "{code}"]
        .into_iter()
        .filter_map(|p| path.find(p).map(|at| (at, p)))
        .min();
    match first.map(|(_, p)| p) {
        Some("{school}") => "school_not_found",
        Some("{class}") => "class_not_found",
        Some("{user}") => "user_not_found",
        Some("{holiday}") => "holiday_not_found",
        Some("{code}") => "tablet_code_not_found",
        _ => "not_found",
    }
}

fn matches(endpoint: &Endpoint, expected: Expected, response: &Response) -> bool {
    let forbidden = response.status == 403 && response.code() == Some("forbidden");
    let not_found = response.status == 404 && response.code() == Some(not_found_code(endpoint));
    match expected {
        Expected::Allowed(status) => response.status == status,
        Expected::NotLoggedIn => response.status == 401 && response.code() == Some("not_logged_in"),
        Expected::Forbidden => forbidden,
        Expected::NotFound => not_found,
        Expected::ForbiddenOrNotFound => forbidden || not_found,
    }
}

/// The first 160 characters of a body, on one line.
fn short(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    let mut shown: String = one_line.chars().take(160).collect();
    if one_line.chars().count() > 160 {
        shown.push('…');
    }
    shown
}

#[tokio::test]
async fn every_endpoint_answers_every_caller_exactly_as_the_role_tables_say() {
    // Arrange
    let world = World::new().await;
    let audit_before = World::newest_audit_id(&world.admin).await;
    let audit2_before = World::newest_audit_id(&world.admin2).await;
    let mut cells = 0;
    let mut audited_writes = 0;
    let mut mismatches = Vec::new();

    for endpoint in ENDPOINTS {
        for target in World::targets(endpoint) {
            for caller in Caller::ALL {
                let expected = expected(endpoint, caller, target);
                let allowed = matches!(expected, Expected::Allowed(_));
                // A day removed is recorded again (by the admin) for the next caller to remove.
                if allowed && endpoint.removes_a_report() {
                    let path = world.path(endpoint, target);
                    let body = json!({"entries": [{"subject": "math", "minutes": 20}]});
                    world.admin.put(&path, &body).await.expect_status(200, "the day to remove");
                    audited_writes += 1;
                }

                // Act
                let api = world.caller(caller);
                let response = api.send(world.request(api, endpoint, target)).await;

                // Assert (collected, reported together below)
                cells += 1;
                if allowed && endpoint.is_audited_write() {
                    audited_writes += 1;
                }
                if !matches(endpoint, expected, &response) {
                    let target = target.map_or("-".to_owned(), |t| t.to_string());
                    mismatches.push(format!(
                        "{:<58} {:<13} {:<13} expected {:<34} got {} {}",
                        endpoint.label(),
                        caller.to_string(),
                        target,
                        expected.to_string(),
                        response.status,
                        short(&response.text),
                    ));
                }
            }
        }
    }

    // Every refused write changed nothing: the first school's log holds exactly one entry per
    // allowed write, the second school's none.
    let written = World::audit_since(&world.admin, audit_before).await;
    let written2 = World::audit_since(&world.admin2, audit2_before).await;
    let actions = |entries: &[Value]| -> Vec<String> {
        entries
            .iter()
            .map(|e| format!("{} {} by {}", e["action"], e["target"], e["actor"]))
            .collect()
    };
    assert!(
        mismatches.is_empty(),
        "the access matrix differs from docs/API.md in {} of {cells} cells:\n\
         {:<58} {:<13} {:<13} {:<43} {}\n{}\n",
        mismatches.len(),
        "ENDPOINT",
        "CALLER",
        "TARGET",
        "EXPECTED",
        "GOT",
        mismatches.join("\n"),
    );
    assert_eq!(
        written.len(),
        audited_writes,
        "the first school's audit log should hold one entry per allowed write: {:#?}",
        actions(&written)
    );
    assert!(written2.is_empty(), "the second school's audit log grew: {:#?}", actions(&written2));
}

#[tokio::test]
async fn lists_show_each_caller_only_what_they_may_see() {
    // Arrange
    let world = World::new().await;
    let names = |response: Response, field: &str| -> Vec<String> {
        let list = response.expect_status(200, "a list").json;
        let mut names: Vec<String> = list
            .as_array()
            .unwrap_or_else(|| panic!("not a list: {list}"))
            .iter()
            .map(|item| item[field].as_str().unwrap_or_default().to_owned())
            .collect();
        names.sort();
        names
    };
    let own = vec!["7(1)".to_owned()];
    let grade7 = vec!["7(1)".to_owned(), "7(2)".to_owned()];
    let school = vec!["7(1)", "7(2)", "8(1)", "8(2)"].into_iter().map(String::from).collect();
    let cases: Vec<(Caller, Vec<String>)> = vec![
        (Caller::Monitor, own.clone()),
        (Caller::Teacher, own.clone()),
        (Caller::GradeLeader, grade7),
        (Caller::Admin, school),
        (Caller::Tablet, own),
    ];

    for (caller, visible) in cases {
        // Act
        let api = world.caller(caller);
        let classes = names(api.get("classes").await, "name");
        let with_archived = names(api.get("classes?include_archived=true").await, "name");

        // Assert
        assert_eq!(classes, visible, "GET /classes as {caller}");
        assert_eq!(with_archived, visible, "GET /classes?include_archived=true as {caller}");
    }
    let ids = |classes: &[tests::Class]| -> Vec<i64> { classes.iter().map(|c| c.id).collect() };
    let listed2 = world.admin2.get("classes").await.expect_status(200, "classes").json;
    let listed2: Vec<i64> =
        listed2.as_array().into_iter().flatten().filter_map(|c| c["id"].as_i64()).collect();
    assert_eq!(listed2, ids(&world.classes2), "the second school's admin sees its own classes");

    // Accounts: the school's own, never another school's, never a class tablet.
    let users = names(world.admin.get("users").await, "username");
    assert!(users.contains(&"monitor-71".to_owned()), "{users:?}");
    assert!(
        users.iter().all(|u| !u.starts_with("s2-") && u != "admin2" && !u.starts_with("tablet-")),
        "GET /users of the first school lists another school's accounts or a tablet: {users:?}"
    );
    let users2 = names(world.admin2.get("users").await, "username");
    assert!(
        users2.iter().all(|u| u == "admin2" || u.starts_with("s2-")),
        "GET /users of the second school: {users2:?}"
    );
    // The grade comparison of grade 7 lists that grade's classes of the caller's school only.
    let path = format!("schools/{}/grades/7/comparison", world.school_id);
    let rows = world.caller(Caller::Teacher).get(&path).await.expect_status(200, "comparison");
    let rows: Vec<&str> = rows.json["classes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(rows, ["7(1)", "7(2)"]);
}

#[tokio::test]
async fn a_grade_or_school_that_does_not_exist_is_404_for_an_admin() {
    // Arrange
    let world = World::new().await;
    let school = world.school_id;
    let cases = [
        (format!("schools/{school}/grades/10/comparison"), "grade_not_found"),
        (format!("schools/{school}/grades/0/days"), "grade_not_found"),
        (format!("schools/{school}/grades/x/subjects"), "grade_not_found"),
        ("schools/999999/grades/7/comparison".to_owned(), "school_not_found"),
        ("schools/999999/overview".to_owned(), "school_not_found"),
        ("classes/999999/reports".to_owned(), "class_not_found"),
        ("classes/999999/tablet-codes".to_owned(), "class_not_found"),
    ];

    for (path, code) in cases {
        // Act
        let response = world.admin.get(&path).await;

        // Assert
        response.expect_error(404, code);
    }
    let patch = world.admin.patch("users/999999", &serde_json::json!({"display_name": "x"})).await;
    patch.expect_error(404, "user_not_found");
    let own = world.classes[0].id;
    let revoke = world.admin.delete(&format!("classes/{own}/tablet-codes/999999")).await;
    revoke.expect_error(404, "not_found");
    // A code of another class is not this class's to revoke, and stays valid.
    let (other_code_id, other_code) =
        world.admin.issue_tablet_code(world.classes[1].id, "7(2) tablet").await;
    let mismatched =
        world.admin.delete(&format!("classes/{own}/tablet-codes/{other_code_id}")).await;
    mismatched.expect_error(404, "not_found");
    world.server.api().tablet_sign_in(&other_code).await.expect_status(200, "the code still works");
}

/// The routes the backend declares, as `(METHOD, /path)` with every `{…}` written `{}`: read
/// from `backend/src/http/*.rs` (the one look inside the box, so that a new endpoint cannot be
/// forgotten in [`ENDPOINTS`]).
pub(crate) fn declared_routes() -> std::collections::BTreeSet<(String, String)> {
    let dir = tests::server::workspace_root().join("backend").join("src").join("http");
    let mut routes = std::collections::BTreeSet::new();
    for file in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = file.expect("a directory entry").path();
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        let mut rest = source.as_str();
        while let Some(start) = rest.find(".route(\"") {
            rest = &rest[start + ".route(\"".len()..];
            let Some(end) = rest.find('"') else { break };
            let route = normalise(rest[..end].to_owned());
            // The arguments of this `.route(…)`: up to its closing parenthesis.
            let mut depth = 1;
            let call_end = rest
                .char_indices()
                .find(|(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i);
            let call = &rest[end..call_end];
            for method in ["get", "post", "put", "patch", "delete", "any"] {
                let needle = format!("{method}(");
                let declared = call.match_indices(&needle).any(|(i, _)| {
                    i == 0
                        || !call.as_bytes()[i - 1].is_ascii_alphanumeric()
                            && call.as_bytes()[i - 1] != b'_'
                });
                if declared {
                    routes.insert((method.to_uppercase(), route.clone()));
                }
            }
        }
    }
    routes
}

/// `/classes/{class_id}/reports` → `/classes/{}/reports`.
pub(crate) fn normalise(path: String) -> String {
    let mut out = String::new();
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push_str("{}");
            }
            '}' => in_braces = false,
            _ if in_braces => {}
            c => out.push(c),
        }
    }
    out
}

#[test]
fn the_table_lists_every_route_the_backend_declares() {
    // Arrange
    let opening_or_closing_sessions =
        [("POST", "/auth/login"), ("POST", "/auth/logout"), ("POST", "/auth/tablet")];
    let outside_the_api = [("GET", "/api"), ("ANY", "/api/{}"), ("ANY", "/metrics")];
    // Routes on a case or spot check by id, and opening a case (it needs a flag that holds):
    // every role and refusal is checked in cases.rs and spot_checks.rs.
    let rights_checked_in_their_own_files = [
        ("POST", "/cases"),
        ("GET", "/cases/{}"),
        ("PATCH", "/cases/{}"),
        ("POST", "/cases/{}/actions"),
        ("POST", "/cases/{}/recheck"),
        ("GET", "/spot-checks/{}"),
        ("PUT", "/spot-checks/{}/classes/{}"),
        ("POST", "/spot-checks/{}/classes/{}/case"),
    ];
    let table: std::collections::BTreeSet<(String, String)> = ENDPOINTS
        .iter()
        .map(|e| {
            let path = e.path.split('?').next().unwrap_or_default();
            let path = path.strip_prefix("/api/v1").unwrap_or(path).trim_start_matches('/');
            (e.method.to_string(), normalise(format!("/{path}")))
        })
        .collect();

    // Act
    let declared = declared_routes();

    // Assert
    assert!(declared.len() > 20, "cannot read the backend's routes: {declared:?}");
    let known = |m: &str, p: &str| {
        table.contains(&(m.to_owned(), p.to_owned()))
            || opening_or_closing_sessions.contains(&(m, p))
            || outside_the_api.contains(&(m, p))
            || rights_checked_in_their_own_files.contains(&(m, p))
    };
    let missing: Vec<_> = declared.iter().filter(|(m, p)| !known(m, p)).collect();
    assert!(missing.is_empty(), "routes missing from the access matrix's ENDPOINTS: {missing:#?}");
    let stale: Vec<_> = table.iter().filter(|r| !declared.contains(r)).collect();
    assert!(stale.is_empty(), "ENDPOINTS lines the backend does not declare: {stale:#?}");
}
