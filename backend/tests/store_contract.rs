//! `Schools::grade_across_schools`, the few-query read behind a comparison of one grade across
//! a district's schools, on a real SQLite file and, where `TEST_POSTGRES_URL` names a server
//! (as `cargo xtask test` does), on a new PostgreSQL database too. It has no HTTP endpoint yet
//! (there are no district accounts), so it is tested here, through the library.

// The set-up helpers below are not `#[test]` functions, where clippy already allows `unwrap`:
// here too a step that fails should fail the test, with its error.
#![allow(clippy::unwrap_used)]

use backend::db::{Actor, NewAccount, SchoolGrade, Store};
use chrono::NaiveDate;
use shared::api::{Holiday, MakeupDay, Role};
use shared::{Grade, Policy, Window};
use std::sync::Arc;

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

/// Three schools: A teaches grade 7 (two classes, a third archived) and grade 3; B only grade 3;
/// C grade 7 with a policy and holidays of its own. Grade 7 over 1–14 November is A and C.
async fn check(store: Arc<dyn Store>) {
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

#[tokio::test]
async fn a_grade_across_schools_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("hw-district-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("district.db").display());
    let checked =
        tokio::spawn(async move { check(backend::db::connect(&url).await.unwrap()).await }).await;
    let _ = std::fs::remove_dir_all(&dir);
    checked.unwrap();
}

#[tokio::test]
async fn a_grade_across_schools_on_postgres() {
    let Some(admin_url) = std::env::var("TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
        let line = "grade_across_schools was NOT tested on PostgreSQL: TEST_POSTGRES_URL is not \
                    set (cargo xtask test sets it)";
        // In CI every test must run; elsewhere the line reaches the end of `cargo xtask test`.
        assert!(
            std::env::var("CI").is_err() || std::env::var("CI").as_deref() == Ok("false"),
            "{line}"
        );
        eprintln!("\n!!! {line} !!!\n");
        if let Some(notes) = std::env::var_os("HOMEWORK_SKIP_NOTES") {
            use std::io::Write;
            let file = std::fs::OpenOptions::new().create(true).append(true).open(notes);
            let _ = file.and_then(|mut f| writeln!(f, "{line}"));
        }
        return;
    };
    let name = format!("hw_district_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&admin_url).await.expect("TEST_POSTGRES_URL answers");
    let drop_it = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    sqlx::query(&drop_it).execute(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    let (base, _) = admin_url.rsplit_once('/').expect("a URL with a database");
    let store = backend::db::connect(&format!("{base}/{name}")).await.unwrap();
    let checked = tokio::spawn(check(store)).await;
    sqlx::query(&drop_it).execute(&admin).await.unwrap();
    checked.unwrap();
}
