//! The audit log: every kind of write recorded with who, from where, what and the values before
//! and after; filtered, paged and exported; read-only; one school's log never shows another's.

use crate::helpers::{PASSWORD, School};
use reqwest::Method;
use serde_json::{Value, json};
use tests::Api;
use tests::server::{ADMIN_PASSWORD, ADMIN_USERNAME};
use tests::setup::{Scope, days_after, days_before, report_body, report_path};

/// Every entry of the log matching `query` (walking the pages), newest first.
async fn all_entries(admin: &Api, query: &str) -> Vec<Value> {
    let mut entries = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let mut path = format!("audit?limit=500&{query}");
        if let Some(id) = before {
            path.push_str(&format!("&before={id}"));
        }
        let page = admin.get(&path).await.expect_status(200, "GET audit").json;
        entries.extend(page["entries"].as_array().cloned().unwrap_or_default());
        match page["next_before"].as_i64() {
            Some(id) => before = Some(id),
            None => return entries,
        }
    }
}

/// The newest entry with this action whose target contains `target`; panics with the log.
fn find<'a>(entries: &'a [Value], action: &str, target: &str) -> &'a Value {
    entries
        .iter()
        .find(|e| e["action"] == action && e["target"].as_str().is_some_and(|t| t.contains(target)))
        .unwrap_or_else(|| {
            let listed: Vec<String> =
                entries.iter().map(|e| format!("{} {}", e["action"], e["target"])).collect();
            panic!("no {action} entry on {target:?} in the audit log: {listed:#?}")
        })
}

/// A school where one of each kind of write has been made; returns what the checks need.
struct Written {
    school: School,
    class_id: i64,
    archived_id: i64,
    code_id: i64,
    tablet_class: i64,
}

async fn one_write_of_each_kind() -> Written {
    let school = School::new().await;
    let admin = &school.admin;
    let class = admin.create_class(7, "7(1)").await;
    admin.patch(&format!("classes/{}", class.id), &json!({"name": "7(一)"})).await;
    let archived = admin.create_class(7, "7(9)").await;
    admin.patch(&format!("classes/{}", archived.id), &json!({"archived": true})).await;
    let teacher_id =
        admin.create_user("teacher-71", PASSWORD, "teacher", Scope::Class(class.id)).await;
    let teacher = school.server.login("teacher-71", PASSWORD).await;
    let day = school.days_ago(1);
    teacher.put_report(class.id, day, &[("math", 30)]).await;
    teacher.put_report(class.id, day, &[("math", 45), ("chinese", 20)]).await;
    school.server.api().login("teacher-71", "a-wrong-guess-1").await;
    teacher
        .put(
            "me/password",
            &json!({"current_password": PASSWORD, "new_password": "teacher-new-pass"}),
        )
        .await
        .expect_status(204, "own password");
    teacher.logout().await.expect_status(204, "log-out");
    admin.patch(&format!("users/{teacher_id}"), &json!({"disabled": true})).await;
    admin
        .post(&format!("users/{teacher_id}/password"), &json!({"password": "reset-by-admin-1"}))
        .await
        .expect_status(204, "reset");
    let mut policy = admin.get("policy").await.expect_status(200, "policy").json;
    policy["limits"]["7"] = json!(80);
    admin.put("policy", &policy).await.expect_status(200, "policy");
    admin
        .put("holidays/2030-10-01", &json!({"name": "国庆节"}))
        .await
        .expect_status(200, "holiday");
    admin.put("holidays/2030-10-02", &json!({"name": "国庆"})).await.expect_status(200, "holiday");
    admin.delete("holidays/2030-10-02").await.expect_status(204, "holiday");
    let roster = "grade,class,role,username,password\n8,8(1),monitor,monitor-81,roster-pass-1\n";
    admin.upload("roster/import", "r.csv", roster.as_bytes()).await.expect_status(200, "roster");
    let (code_id, code) = admin.issue_tablet_code(class.id, "教室平板").await;
    school.server.api().tablet_sign_in(&code).await.expect_status(200, "tablet");
    admin.delete(&format!("classes/{}/tablet-codes/{code_id}", class.id)).await;
    Written {
        class_id: class.id,
        archived_id: archived.id,
        code_id,
        tablet_class: class.id,
        school,
    }
}

#[tokio::test]
async fn every_kind_of_write_is_logged_with_actor_address_target_and_before_and_after() {
    // Arrange
    let w = one_write_of_each_kind().await;
    let admin = &w.school.admin;

    // Act
    let entries = all_entries(admin, "").await;

    // Assert
    let class = format!("class {}", w.class_id);
    let created = find(&entries, "class.create", &class);
    assert_eq!(created["actor"], ADMIN_USERNAME);
    assert_eq!(created["address"], "127.0.0.1");
    assert_eq!(created["before"], Value::Null);
    assert_eq!(created["after"]["name"], "7(1)");
    let at = created["at"].as_str().unwrap_or_default();
    let at = chrono::DateTime::parse_from_rfc3339(at).unwrap_or_else(|e| panic!("at {at:?}: {e}"));
    let age = chrono::Utc::now().signed_duration_since(at);
    assert!(age.num_seconds().abs() < 300, "an entry stamped {at}, {age} ago");

    let renamed = entries
        .iter()
        .find(|e| e["action"] == "class.update" && e["target"] == class.as_str())
        .unwrap_or_else(|| panic!("no rename of {class}"));
    assert_eq!(
        (&renamed["before"]["name"], &renamed["after"]["name"]),
        (&json!("7(1)"), &json!("7(一)"))
    );
    let archived = find(&entries, "class.update", &format!("class {}", w.archived_id));
    assert_eq!(
        (&archived["before"]["archived"], &archived["after"]["archived"]),
        (&json!(false), &json!(true))
    );

    let user = find(&entries, "user.create", "teacher-71");
    assert_eq!(user["after"]["role"], "teacher");
    assert_eq!(user["after"]["class_id"], w.class_id);
    let disabled = find(&entries, "user.update", "teacher-71");
    assert_eq!(
        (&disabled["before"]["disabled"], &disabled["after"]["disabled"]),
        (&json!(false), &json!(true))
    );
    let passwords: Vec<&Value> = entries
        .iter()
        .filter(|e| {
            e["action"] == "user.password"
                && e["target"].as_str().unwrap_or("").contains("teacher-71")
        })
        .collect();
    let actors: Vec<&Value> = passwords.iter().map(|e| &e["actor"]).collect();
    assert_eq!(actors, [&json!(ADMIN_USERNAME), &json!("teacher-71")], "a reset, then a change");

    let reports: Vec<&Value> = entries.iter().filter(|e| e["action"] == "report.put").collect();
    assert_eq!(reports.len(), 2, "{reports:#?}");
    let (second, first) = (reports[0], reports[1]);
    assert_eq!(first["actor"], "teacher-71");
    assert_eq!(first["before"], Value::Null, "the day's first report had nothing before");
    assert_eq!(first["after"]["total_minutes"], 30);
    assert_eq!(second["before"]["total_minutes"], 30);
    assert_eq!(second["after"]["total_minutes"], 65);
    assert!(second["target"].as_str().unwrap_or("").contains(&w.school.days_ago(1).to_string()));

    let policy = find(&entries, "policy.update", "");
    assert_eq!(
        (&policy["before"]["limits"]["7"], &policy["after"]["limits"]["7"]),
        (&json!(90), &json!(80))
    );
    let holiday = find(&entries, "holiday.put", "2030-10-01");
    assert_eq!(holiday["after"]["name"], "国庆节");
    let removed = find(&entries, "holiday.delete", "2030-10-02");
    assert_eq!((&removed["before"]["name"], &removed["after"]), (&json!("国庆"), &Value::Null));
    let roster = find(&entries, "roster.import", "");
    assert!(roster["after"].to_string().contains("monitor-81"), "{roster}");
    assert!(roster["after"].to_string().contains("8(1)"), "{roster}");

    let code = format!("tablet code {}", w.code_id);
    assert_eq!(find(&entries, "tablet_code.create", &code)["after"]["label"], "教室平板");
    find(&entries, "tablet_code.revoke", &code);
    let tablet = format!("tablet-{}", w.tablet_class);
    assert!(
        entries.iter().any(|e| e["actor"] == tablet.as_str() && e["action"] == "auth.tablet"),
        "no tablet sign-in by {tablet}"
    );

    for action in ["auth.login", "auth.login_failed", "auth.logout"] {
        let entry = find(&entries, action, "teacher-71");
        assert_eq!(entry["actor"], "teacher-71", "{action}");
        assert_eq!(entry["address"], "127.0.0.1", "{action}");
    }
    for entry in &entries {
        for field in ["id", "at", "actor", "address", "action", "target"] {
            assert!(!entry[field].is_null(), "an entry without {field}: {entry}");
        }
    }

    // Never a password or its hash, in the log or its export.
    let csv = admin.get("audit.csv").await.expect_status(200, "audit.csv").text;
    let json = serde_json::to_string(&entries).unwrap_or_default();
    for secret in [
        PASSWORD,
        "teacher-new-pass",
        "reset-by-admin-1",
        "roster-pass-1",
        "a-wrong-guess-1",
        "$argon2",
    ] {
        assert!(!json.contains(secret), "the audit log holds {secret:?}");
        assert!(!csv.contains(secret), "the audit export holds {secret:?}");
    }
}

#[tokio::test]
async fn the_log_filters_by_action_actor_and_dates_and_pages_newest_first() {
    // Arrange
    let w = one_write_of_each_kind().await;
    let admin = &w.school.admin;
    let everything = all_entries(admin, "").await;
    let ids: Vec<i64> = everything.iter().filter_map(|e| e["id"].as_i64()).collect();
    assert!(ids.windows(2).all(|p| p[0] > p[1]), "not newest first: {ids:?}");
    assert!(ids.len() >= 20, "{} entries", ids.len());

    // Act + Assert: by action, by actor (any case).
    let updates = all_entries(admin, "action=class.update").await;
    assert_eq!(updates.len(), 2);
    assert!(updates.iter().all(|e| e["action"] == "class.update"));
    for actor in ["teacher-71", "TEACHER-71"] {
        let by_teacher = all_entries(admin, &format!("actor={actor}")).await;
        let expected = everything.iter().filter(|e| e["actor"] == "teacher-71").count();
        assert_eq!(by_teacher.len(), expected, "actor={actor}");
        assert!(by_teacher.iter().all(|e| e["actor"] == "teacher-71"));
    }
    let both = all_entries(admin, "action=report.put&actor=teacher-71").await;
    assert_eq!(both.len(), 2);

    // By dates, which are the school's dates like every date of the API: everything was
    // written today, nothing yesterday or tomorrow. (Between 00:00 and 08:00 in China the UTC
    // date is still yesterday's; a filter on UTC days misses the morning then.)
    let today = admin.today().await;
    let (yesterday, tomorrow) = (days_before(today, 1), days_after(today, 1));
    let on_the_day = all_entries(admin, &format!("from={today}&to={today}")).await;
    let until_yesterday = all_entries(admin, &format!("to={yesterday}")).await;
    let from_tomorrow = all_entries(admin, &format!("from={tomorrow}")).await;
    if admin.today().await == today {
        assert_eq!(on_the_day.len(), everything.len(), "from=to={today} (the school's today)");
        assert_eq!(until_yesterday, Vec::<Value>::new(), "to={yesterday}");
        assert_eq!(from_tomorrow, Vec::<Value>::new(), "from={tomorrow}");
    }

    // Paging: pages of 3 follow one another with no gap and no repeat.
    let mut paged = Vec::new();
    let mut before_id: Option<i64> = None;
    for _ in 0..100 {
        let path = match before_id {
            Some(id) => format!("audit?limit=3&before={id}"),
            None => "audit?limit=3".to_owned(),
        };
        let page = admin.get(&path).await.expect_status(200, "a page").json;
        let entries = page["entries"].as_array().cloned().unwrap_or_default();
        assert!(entries.len() <= 3, "limit=3 gave {}", entries.len());
        let next = page["next_before"].as_i64();
        if let Some(next) = next {
            assert_eq!(Some(next), entries.last().and_then(|e| e["id"].as_i64()), "{page}");
        }
        paged.extend(entries);
        match next {
            Some(id) => before_id = Some(id),
            None => break,
        }
    }
    let paged_ids: Vec<i64> = paged.iter().filter_map(|e| e["id"].as_i64()).collect();
    assert_eq!(paged_ids, ids, "walking pages of 3 differs from the whole log");
    let reports =
        admin.get("audit?action=report.put&limit=1").await.expect_status(200, "page").json;
    assert_eq!(reports["entries"].as_array().map(Vec::len), Some(1));
    let older = reports["next_before"].as_i64().expect("a second report.put page");
    let rest = all_entries(admin, &format!("action=report.put&before={older}")).await;
    assert_eq!(rest.len(), 1);

    // A filter that does not parse is a 400.
    admin.get("audit?from=yesterday").await.expect_error(400, "bad_date");
    admin.get("audit?colour=red").await.expect_error(400, "bad_query");
}

#[tokio::test]
async fn the_export_is_a_csv_of_every_matching_entry() {
    // Arrange
    let w = one_write_of_each_kind().await;
    let admin = &w.school.admin;
    let everything = all_entries(admin, "").await;
    let reports = all_entries(admin, "action=report.put").await;

    // Act
    let csv = admin.get("audit.csv").await;
    let filtered = admin.get("audit.csv?action=report.put").await;
    let accepted = admin
        .send(admin.request(Method::GET, "audit?action=report.put").header("accept", "text/csv"))
        .await;

    // Assert
    let csv = csv.expect_status(200, "audit.csv");
    assert!(csv.header("content-type").unwrap_or("").starts_with("text/csv"), "{:?}", csv.headers);
    assert!(csv.header("content-disposition").unwrap_or("").starts_with("attachment"));
    let rows = tests::csv::parse(&csv.text);
    assert_eq!(rows.len(), everything.len() + 1, "a header and one row per entry");
    assert_eq!(
        rows[0].len(),
        8,
        "id, at, actor, address, action, target, before, after: {:?}",
        rows[0]
    );
    let first = &rows[1];
    assert_eq!(first[0], everything[0]["id"].to_string());
    assert_eq!(first[4], everything[0]["action"].as_str().unwrap_or_default());
    let filtered_rows = tests::csv::parse(&filtered.expect_status(200, "filtered").text);
    assert_eq!(filtered_rows.len(), reports.len() + 1);
    assert!(filtered_rows[1..].iter().all(|r| r[4] == "report.put"), "{filtered_rows:?}");
    let row_of_second = &filtered_rows[1];
    let after: Value = serde_json::from_str(&row_of_second[7]).unwrap_or(Value::Null);
    assert_eq!(after["total_minutes"], 65, "the after column holds the JSON: {row_of_second:?}");
    let accepted = tests::csv::parse(&accepted.expect_status(200, "Accept: text/csv").text);
    assert_eq!(accepted.len(), reports.len() + 1);
}

#[tokio::test]
async fn nothing_in_the_api_changes_or_deletes_the_log() {
    // Arrange
    let w = one_write_of_each_kind().await;
    let admin = &w.school.admin;
    let before = all_entries(admin, "").await;
    let newest = before[0]["id"].as_i64().unwrap_or_default();

    // Act
    let attempts = [
        admin.delete("audit").await,
        admin.delete(&format!("audit/{newest}")).await,
        admin.delete("audit.csv").await,
        admin.post("audit", &json!({})).await,
        admin.put("audit", &json!({"entries": []})).await,
        admin.put(&format!("audit/{newest}"), &json!({"action": "nothing"})).await,
        admin.patch(&format!("audit/{newest}"), &json!({"action": "nothing"})).await,
        admin.delete(&format!("audit?before={}", newest + 1)).await,
    ];

    // Assert: the log's own paths have no such method (405, whose code is `bad_query`); an
    // entry has no path at all (404).
    let expected = [
        (405, "bad_query"),
        (404, "not_found"),
        (405, "bad_query"),
        (405, "bad_query"),
        (405, "bad_query"),
        (404, "not_found"),
        (404, "not_found"),
        (405, "bad_query"),
    ];
    let answered: Vec<(u16, Option<&str>)> =
        attempts.iter().map(|r| (r.status, r.code())).collect();
    let wanted: Vec<(u16, Option<&str>)> = expected.iter().map(|(s, c)| (*s, Some(*c))).collect();
    assert_eq!(answered, wanted, "{:#?}", attempts.iter().map(|r| &r.request).collect::<Vec<_>>());
    assert_eq!(all_entries(admin, "").await, before, "the log changed");
}

#[tokio::test]
async fn one_schools_log_never_shows_another_schools_entries() {
    // Arrange: both schools write, log in, fail to log in.
    let school = School::new().await;
    school.server.add_school("Second School", "admin2", PASSWORD).await;
    let admin2 = school.server.login("admin2", PASSWORD).await;
    let first = school.class(7, "7(1)").await;
    let second = admin2.create_class(7, "二校 7(1)").await;
    school.admin.create_user("teacher-a", PASSWORD, "teacher", Scope::Class(first.id)).await;
    admin2.create_user("teacher-b", PASSWORD, "teacher", Scope::Class(second.id)).await;
    let teacher_b = school.server.login("teacher-b", PASSWORD).await;
    teacher_b.put(&report_path(second.id, school.today), &report_body(&[("math", 5)])).await;
    school.server.api().login("teacher-b", "wrong-password-2").await;
    school.server.api().login("teacher-a", "wrong-password-1").await;
    admin2.put("holidays/2030-05-01", &json!({"name": "劳动节"})).await;
    let (_, code) = admin2.issue_tablet_code(second.id, "二校").await;
    school.server.api().tablet_sign_in(&code).await.expect_status(200, "tablet");
    school.server.login(ADMIN_USERNAME, ADMIN_PASSWORD).await;

    // Act
    let log1 = all_entries(&school.admin, "").await;
    let log2 = all_entries(&admin2, "").await;

    // Assert
    let second_school_actors = ["admin2", "teacher-b", &format!("tablet-{}", second.id)];
    let text1 = serde_json::to_string(&log1).unwrap_or_default();
    for actor in second_school_actors {
        assert!(log1.iter().all(|e| e["actor"] != actor), "school 1 sees {actor}");
        assert!(log2.iter().any(|e| e["actor"] == actor), "school 2 lacks {actor}");
    }
    for trace in ["二校", "劳动节", "teacher-b"] {
        assert!(!text1.contains(trace), "school 1's log shows {trace:?}");
    }
    assert!(log2.iter().all(|e| e["actor"] != "teacher-a" && e["actor"] != ADMIN_USERNAME));
    let failed1: Vec<&Value> = log1.iter().filter(|e| e["action"] == "auth.login_failed").collect();
    assert_eq!(failed1.len(), 1, "only teacher-a's failure: {failed1:?}");
    assert_eq!(failed1[0]["actor"], "teacher-a");
    let failed2: Vec<&Value> = log2.iter().filter(|e| e["action"] == "auth.login_failed").collect();
    assert_eq!(failed2.len(), 1, "only teacher-b's failure: {failed2:?}");
    assert_eq!(failed2[0]["actor"], "teacher-b");
    assert!(all_entries(&school.admin, "actor=admin2").await.is_empty());
}
