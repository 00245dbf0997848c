//! The contract of the `Store` trait, one suite for both databases: every check below runs on
//! a new SQLite file and on a new PostgreSQL database on the server that `TEST_POSTGRES_URL`
//! names (`cargo xtask test` sets it; `postgres://postgres@127.0.0.1:5432/postgres` by hand).
//! A new store method is tested once, here, and so on both. Without `TEST_POSTGRES_URL` the
//! PostgreSQL half does not pass in silence: it fails in CI and says so elsewhere
//! (`tests::skip`). The HTTP API's own suite is `tests/tests/api`.

// The set-up helpers below are not `#[test]` functions, where clippy already allows `unwrap`:
// here too a step that fails should fail the test, with its error.
#![allow(clippy::unwrap_used)]

// The black-box suite's own "cannot run" rule, the same file (a dependency on the `tests`
// crate would build a second tokio and sqlx with other features for this one test).
#[path = "../../tests/src/skip.rs"]
#[allow(dead_code)]
mod skip;

use backend::db::{Actor, AuditFilter, NewAccount, ReportWrite, SchoolGrade, Store, WriteOutcome};
use chrono::NaiveDate;
use shared::api::{Holiday, MakeupDay, Role};
use shared::{Entry, Grade, Minutes, Policy, Subject, Window};
use std::future::Future;
use std::sync::Arc;

/// Each check, as a test on SQLite (`sqlite::name`) and one on PostgreSQL (`postgres::name`).
macro_rules! contract {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $check() {
                super::on_sqlite(stringify!($check), super::$check).await
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $check() {
                super::on_postgres(stringify!($check), super::$check).await
            })*
        }
    };
}

contract!(
    grade_across_schools,
    a_resend_is_answered_from_the_earlier_write,
    a_stale_version_is_a_conflict,
    a_write_is_stamped_with_its_callers_time,
);

/// Runs `check` on a new SQLite file, removed afterwards even if the check fails.
async fn on_sqlite<F, Fut>(name: &str, check: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = std::env::temp_dir().join(format!("hw-contract-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("store.db").display());
    let store = backend::db::connect(&url).await.unwrap();
    let checked = tokio::spawn(check(store)).await;
    let _ = std::fs::remove_dir_all(&dir);
    checked.unwrap();
}

/// Runs `check` on a new PostgreSQL database, dropped afterwards even if the check fails.
async fn on_postgres<F, Fut>(name: &str, check: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = std::env::var("TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
        skip::cannot_run(
            &format!("store_contract::postgres::{name}"),
            "TEST_POSTGRES_URL is not set (cargo xtask test sets it)",
        );
        return;
    };
    let db = format!("hw_contract_{name}_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&admin_url).await.expect("TEST_POSTGRES_URL answers");
    let drop_it = format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)");
    sqlx::query(&drop_it).execute(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {db}")).execute(&admin).await.unwrap();
    let (base, _) = admin_url.rsplit_once('/').expect("a URL with a database");
    let store = backend::db::connect(&format!("{base}/{db}")).await.unwrap();
    let checked = tokio::spawn(check(store)).await;
    sqlx::query(&drop_it).execute(&admin).await.unwrap();
    checked.unwrap();
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn grade(n: i64) -> Grade {
    Grade::new(n).unwrap()
}

fn admin(username: &str) -> NewAccount {
    NewAccount {
        school_id: 0,
        username: username.into(),
        display_name: username.into(),
        role: Role::SchoolAdmin,
        class_id: None,
        grade: None,
        password_hash: "x".into(),
    }
}

/// `Schools::grade_across_schools`, the few-query read behind a comparison of one grade across
/// a district's schools. Three schools: A teaches grade 7 (two classes, a third archived) and grade 3; B only grade 3;
/// C grade 7 with a policy and holidays of its own. Grade 7 over 1–14 November is A and C.
async fn grade_across_schools(store: Arc<dyn Store>) {
    let cli = Actor::system(None);
    let (a, _) = store.create_school("A", admin("admin-a"), &cli).await.unwrap();
    let (b, _) = store.create_school("B", admin("admin-b"), &cli).await.unwrap();
    let (c, _) = store.create_school("C", admin("admin-c"), &cli).await.unwrap();
    for (school, g, name) in [(a.id, 7, "7(2)"), (a.id, 7, "7(1)"), (a.id, 3, "3(1)")] {
        store.create_class(school, grade(g), name, &cli).await.unwrap();
    }
    let archived = store.create_class(a.id, grade(7), "7(3)", &cli).await.unwrap();
    store.update_class(archived.id, None, Some(true), &cli).await.unwrap();
    store.create_class(b.id, grade(3), "3(1)", &cli).await.unwrap();
    store.create_class(c.id, grade(7), "7(1)", &cli).await.unwrap();
    let policy = Policy { window_days: 7, drift_min_minutes: 25, ..Policy::default() };
    store.set_policy(c.id, &policy, &cli).await.unwrap();
    for date in ["2026-11-09", "2026-10-01"] {
        let holiday = Holiday { date: day(date), name: "day off".into() };
        store.put_holiday(c.id, &holiday, &cli).await.unwrap();
    }
    let makeup = MakeupDay { date: day("2026-11-07"), name: "调休".into() };
    store.put_makeup_day(c.id, &makeup, &cli).await.unwrap();
    let window = Window::new(day("2026-11-01"), day("2026-11-14")).unwrap();

    let found = store.grade_across_schools(grade(7), window).await.unwrap();

    let names = |g: &SchoolGrade| g.classes.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let seen: Vec<(String, Vec<String>)> =
        found.iter().map(|g| (g.school.name.clone(), names(g))).collect();
    assert_eq!(
        seen,
        [
            ("A".to_owned(), vec!["7(1)".to_owned(), "7(2)".to_owned()]),
            ("C".into(), vec!["7(1)".into()])
        ],
        "schools teaching grade 7, by id, with their active classes of it by name"
    );
    assert_eq!(found[0].policy, Policy::default());
    assert_eq!(found[1].policy, policy, "each school's own policy");
    assert!(found[0].holidays.is_empty());
    assert_eq!(found[1].holidays.iter().copied().collect::<Vec<_>>(), [day("2026-11-09")]);
    assert!(found[0].makeup_days.is_empty());
    assert_eq!(found[1].makeup_days.iter().copied().collect::<Vec<_>>(), [day("2026-11-07")]);

    // The same as the per-school reads a school's own comparison makes.
    for g in &found {
        let id = g.school.id;
        assert_eq!(g.classes, store.classes(id, Some(grade(7))).await.unwrap());
        assert_eq!(g.policy, store.policy(id).await.unwrap());
        assert_eq!(g.holidays, store.holidays(id, window).await.unwrap());
        assert_eq!(g.makeup_days, store.calendar(id, window).await.unwrap().makeup_days);
        // Every class has a start (the day it was created, none has reported yet).
        let starts = store.class_starts(id).await.unwrap();
        for class in &g.classes {
            let start = starts[&class.id].date(g.school.utc_offset_minutes);
            assert_eq!(g.class_starts.get(&class.id).copied(), start);
            assert!(start.is_some());
        }
        assert_eq!(Some(&g.school), store.school(id).await.unwrap().as_ref());
    }
    let grade_3: Vec<String> = store
        .grade_across_schools(grade(3), window)
        .await
        .unwrap()
        .iter()
        .map(|g| g.school.name.clone())
        .collect();
    assert_eq!(grade_3, ["A", "B"]);
    assert!(store.grade_across_schools(grade(9), window).await.unwrap().is_empty());
}

/// A school with one class of grade 7, and who writes for it.
async fn one_class(store: &dyn Store) -> (shared::ClassId, Actor) {
    let cli = Actor::system(None);
    let (school, _) = store.create_school("S", admin("admin-s"), &cli).await.unwrap();
    let class = store.create_class(school.id, grade(7), "7(1)", &cli).await.unwrap();
    (class.id, Actor::system(Some(school.id)))
}

fn write(class_id: shared::ClassId, minutes: i64, client_id: &str, version: i64) -> ReportWrite {
    ReportWrite {
        class_id,
        date: day("2026-11-16"),
        entries: vec![Entry {
            subject: Subject::parse("math").unwrap(),
            minutes: Minutes::new(minutes).unwrap(),
        }],
        note: String::new(),
        client_id: Some(client_id.into()),
        expected_version: Some(version),
        recorded_by: "monitor".into(),
        updated_at: "2026-11-16T12:00:00Z".into(),
    }
}

fn stored(outcome: WriteOutcome) -> shared::api::DayReport {
    match outcome {
        WriteOutcome::Stored(report) => report,
        other => panic!("not stored: {other:?}"),
    }
}

/// A resend of a `client_id` already acknowledged gets the earlier answer, even when what it
/// carries would now be a conflict; the store answers it to a request refused before the write
/// too (`replayed_report`), and only for that class's day.
async fn a_resend_is_answered_from_the_earlier_write(store: Arc<dyn Store>) {
    let (class, actor) = one_class(store.as_ref()).await;
    let first = stored(store.put_report(write(class, 30, "a", 0), &actor).await.unwrap());
    assert_eq!((first.total_minutes, first.version), (30, 1));
    let second = stored(store.put_report(write(class, 45, "b", 1), &actor).await.unwrap());
    assert_eq!(second.version, 2);
    // "a" again, with its old version: answered as it was then, nothing written.
    let again = store.put_report(write(class, 30, "a", 0), &actor).await.unwrap();
    assert_eq!(again, WriteOutcome::Replayed(first.clone()));
    let now = store.report(class, day("2026-11-16")).await.unwrap().unwrap();
    assert_eq!((now.total_minutes, now.version), (45, 2));
    let replayed = store.replayed_report(class, day("2026-11-16"), "a").await.unwrap();
    assert_eq!(replayed, Some(first));
    assert_eq!(store.replayed_report(class, day("2026-11-17"), "a").await.unwrap(), None);
    assert_eq!(store.replayed_report(class, day("2026-11-16"), "c").await.unwrap(), None);
}

/// A write that names a version other than the day's is a conflict carrying the day as it is.
async fn a_stale_version_is_a_conflict(store: Arc<dyn Store>) {
    let (class, actor) = one_class(store.as_ref()).await;
    let first = stored(store.put_report(write(class, 30, "a", 0), &actor).await.unwrap());
    let stale = store.put_report(write(class, 50, "b", 0), &actor).await.unwrap();
    assert_eq!(stale, WriteOutcome::Conflict(Some(first)));
}

/// The store never reads the clock: the audit entry of a write carries the time its caller
/// gave (`Actor::at`), here one long past.
async fn a_write_is_stamped_with_its_callers_time(store: Arc<dyn Store>) {
    let (class, actor) = one_class(store.as_ref()).await;
    let school = actor.school_id.unwrap();
    let then = Actor { at: "2001-02-03T04:05:06Z".into(), ..actor };
    store.put_report(write(class, 30, "a", 0), &then).await.unwrap();
    store.create_class(school, grade(8), "8(1)", &then).await.unwrap();
    let filter =
        AuditFilter { from: None, to: None, action: None, actor: None, before: None, limit: 10 };
    let entries = store.audit_entries(school, &filter).await.unwrap();
    let stamped: Vec<(&str, &str)> =
        entries.iter().map(|e| (e.action.as_str(), e.at.as_str())).collect();
    assert!(stamped.contains(&("report.put", "2001-02-03T04:05:06Z")), "{stamped:?}");
    assert!(stamped.contains(&("class.create", "2001-02-03T04:05:06Z")), "{stamped:?}");
}
