//! Day reports written in groups on PostgreSQL (`db/postgres/batch.rs`), through the library,
//! by two copies of the store on one database at once (two servers behind a load balancer):
//! every report becomes what it would have become written alone, one after another — each
//! day's versions 1, 2, 3 … with none twice, a resent `client_id` answered with its first
//! answer and stored once, of several first versions of a day one stored and the rest refused —
//! and a report the database refuses fails alone. Runs where `TEST_POSTGRES_URL` names a server
//! (as `cargo xtask test` does).

#![allow(clippy::unwrap_used)]

// The black-box suite's "cannot run" rule (fails in CI, says so loudly elsewhere).
#[path = "../../tests/src/skip.rs"]
#[allow(dead_code)]
mod skip;

use backend::db::{Actor, NewAccount, ReportWrite, Store, WriteOutcome};
use chrono::NaiveDate;
use shared::api::{DayReport, Role};
use shared::{Entry, Grade, Minutes, Subject};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

fn write(
    class_id: i64,
    date: NaiveDate,
    minutes: i64,
    client_id: &str,
    v: Option<i64>,
) -> ReportWrite {
    ReportWrite {
        class_id,
        date,
        entries: vec![
            Entry {
                subject: Subject::parse("math").unwrap(),
                minutes: Minutes::new(minutes).unwrap(),
            },
            Entry {
                subject: Subject::parse("chinese").unwrap(),
                minutes: Minutes::new(5).unwrap(),
            },
        ],
        note: String::new(),
        client_id: Some(client_id.to_owned()),
        expected_version: v,
        recorded_by: "monitor".into(),
        updated_at: "2026-11-20T08:00:00Z".into(),
    }
}

/// A new database on the server of `TEST_POSTGRES_URL`, two stores on it; `None` without one.
async fn two_copies(tag: &str) -> Option<(Arc<dyn Store>, Arc<dyn Store>, sqlx::PgPool, String)> {
    let Some(admin_url) = std::env::var("TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
        skip::cannot_run(
            &format!("pg_group_commit::{tag}"),
            "TEST_POSTGRES_URL is not set (cargo xtask test sets it)",
        );
        return None;
    };
    let name = format!("hw_batch_{tag}_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&admin_url).await.expect("TEST_POSTGRES_URL answers");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    let (base, _) = admin_url.rsplit_once('/').expect("a URL with a database");
    let url = format!("{base}/{name}");
    let one = backend::db::connect(&url).await.unwrap();
    let two = backend::db::connect(&url).await.unwrap();
    Some((one, two, admin, name))
}

async fn drop_database(admin: &sqlx::PgPool, name: &str) {
    let _ =
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(admin).await;
}

async fn classes(store: &Arc<dyn Store>, n: usize) -> (Vec<i64>, Actor) {
    let cli = Actor::system(None);
    let admin = NewAccount {
        school_id: 0,
        username: "admin".into(),
        display_name: "admin".into(),
        role: Role::SchoolAdmin,
        class_id: None,
        grade: None,
        password_hash: "x".into(),
    };
    let (school, _) = store.create_school("A", admin, &cli).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let name = format!("7({i})");
        let class = store.create_class(school.id, Grade::new(7).unwrap(), &name, &cli);
        ids.push(class.await.unwrap().id);
    }
    (ids, Actor::system(Some(school.id)))
}

fn stored(outcome: &WriteOutcome) -> Option<&DayReport> {
    match outcome {
        WriteOutcome::Stored(r) => Some(r),
        _ => None,
    }
}

#[tokio::test]
async fn reports_written_at_once_through_two_copies_follow_one_another() {
    let Some((one, two, admin, name)) = two_copies("order").await else { return };
    let (classes, actor) = classes(&one, 3).await;
    let days: Vec<NaiveDate> =
        (16..=18).map(|d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap()).collect();

    // Arrange: for every class and day, 12 unversioned writes (every fourth sent twice, once
    // through each copy) and 4 that each claim to be the day's first version, all at once.
    let mut tasks = Vec::new();
    for &class in &classes {
        for &date in &days {
            for i in 0..12 {
                let id = format!("c{class}-{date}-{i}");
                let copies = if i % 4 == 0 { 2 } else { 1 };
                for k in 0..copies {
                    let store = if (i + k) % 2 == 0 { one.clone() } else { two.clone() };
                    let (w, a) = (write(class, date, 10 + i, &id, None), actor.clone());
                    tasks.push((
                        id.clone(),
                        tokio::spawn(async move { store.put_report(w, &a).await }),
                    ));
                }
            }
            for i in 0..4 {
                let store = if i % 2 == 0 { one.clone() } else { two.clone() };
                let (w, a) = (
                    write(class, date, 50 + i, &format!("f{class}-{date}-{i}"), Some(0)),
                    actor.clone(),
                );
                tasks.push((
                    format!("first-{class}-{date}"),
                    tokio::spawn(async move { store.put_report(w, &a).await }),
                ));
            }
        }
    }
    let mut outcomes: Vec<(String, WriteOutcome)> = Vec::new();
    for (id, task) in tasks {
        outcomes.push((id, task.await.unwrap().unwrap()));
    }

    // Assert: each day's stored versions are 1..=n, none twice, and the day holds version n.
    let mut versions: BTreeMap<(i64, NaiveDate), Vec<i64>> = BTreeMap::new();
    for (_, o) in &outcomes {
        if let Some(r) = stored(o) {
            versions.entry((r.class_id, r.date)).or_default().push(r.version);
        }
    }
    for &class in &classes {
        for &date in &days {
            let mut v = versions.remove(&(class, date)).unwrap_or_default();
            v.sort_unstable();
            let n = v.len() as i64;
            assert_eq!(v, (1..=n).collect::<Vec<_>>(), "class {class} {date}: each version once");
            let kept = one.report(class, date).await.unwrap().unwrap();
            assert_eq!(kept.version, n);
            assert_eq!(
                kept.total_minutes,
                kept.entries.iter().map(|e| e.minutes.get()).sum::<u32>()
            );
            assert_eq!(two.report(class, date).await.unwrap(), Some(kept));
        }
    }
    // A resend got its first answer (whichever of the two arrived first was stored).
    let mut by_id: HashMap<&str, Vec<&WriteOutcome>> = HashMap::new();
    for (id, o) in &outcomes {
        by_id.entry(id.as_str()).or_default().push(o);
    }
    for (id, got) in &by_id {
        if id.starts_with("first-") {
            // Of the four first versions of a day at most one was stored, the rest refused
            // (the day may already have had unversioned writes by then: then none was).
            let firsts = got.iter().filter(|o| stored(o).is_some()).count();
            assert!(firsts <= 1, "{id}: {firsts} first versions stored");
            assert!(
                got.iter()
                    .all(|o| matches!(o, WriteOutcome::Stored(_) | WriteOutcome::Conflict(_)))
            );
            continue;
        }
        match got.as_slice() {
            [o] => assert!(stored(o).is_some(), "{id}: {o:?}"),
            [a, b] => {
                let (first, again) = if stored(a).is_some() { (a, b) } else { (b, a) };
                let first = stored(first).unwrap_or_else(|| panic!("{id}: neither stored"));
                assert_eq!(**again, WriteOutcome::Replayed(first.clone()), "{id}: the resend");
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    drop_database(&admin, &name).await;
}

#[tokio::test]
async fn a_report_the_database_refuses_fails_alone_among_reports_sent_with_it() {
    let Some((one, _two, admin, name)) = two_copies("refused").await else { return };
    let (classes, actor) = classes(&one, 1).await;
    let (class, no_class) = (classes[0], classes[0] + 1_000);
    let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();

    // Arrange: many reports at once, so that they share batches, one of them of no class.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let target = if i == 20 { no_class } else { class };
        let (store, w, a) =
            (one.clone(), write(target, date, i, &format!("r{i}"), None), actor.clone());
        tasks.push(tokio::spawn(async move { store.put_report(w, &a).await }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }

    assert!(outcomes[20].is_err(), "a class that does not exist: {:?}", outcomes[20]);
    let mut v: Vec<i64> = outcomes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 20)
        .map(|(_, o)| stored(o.as_ref().unwrap()).expect("stored").version)
        .collect();
    v.sort_unstable();
    assert_eq!(v, (1..=39).collect::<Vec<_>>());
    assert_eq!(one.report(class, date).await.unwrap().unwrap().version, 39);
    assert_eq!(one.report(no_class, date).await.unwrap(), None);
    let audit: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'report.put'")
            .fetch_one(
                &sqlx::PgPool::connect(&format!(
                    "{}/{name}",
                    std::env::var("TEST_POSTGRES_URL").unwrap().rsplit_once('/').unwrap().0
                ))
                .await
                .unwrap(),
            )
            .await
            .unwrap();
    assert_eq!(audit, 39, "an audit entry for every stored report, none for the refused one");
    drop_database(&admin, &name).await;
}
