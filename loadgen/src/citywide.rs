//! `loadgen city-comparison`: what a district's comparison of one grade across every school
//! would cost, through the backend's own library path (there is no HTTP endpoint for it yet):
//!
//! 1. per school: its classes of the grade, its policy and its holidays (`Store::classes`,
//!    `Store::policy`, `Store::holidays`: three queries a school, as the handlers do them);
//! 2. one `Store::day_totals` for every class of the grade in the city over the window;
//! 3. the shared flag engine (`evaluate_grade`) once per school.
//!
//! Also timed: the one query that could replace step 1's thousands (every class of the grade,
//! with its school), to show what an endpoint written for districts would save.

use crate::args::Args;
use chrono::{Days, Duration, NaiveDate, Utc};
use shared::flags::{ClassDays, GradeInput, evaluate_grade};
use shared::{ClassId, Grade, Policy, Window};
use std::collections::BTreeSet;
use std::time::{Duration as Elapsed, Instant};

struct SchoolGrade {
    school: backend::db::School,
    classes: Vec<ClassId>,
    policy: Policy,
    holidays: BTreeSet<NaiveDate>,
}

pub async fn run(args: &Args) -> Result<(), String> {
    args.only(&["database-url", "grade", "days", "to", "repeat"])?;
    let url = args.required("database-url")?;
    let grade = Grade::new(args.get("grade", 7)?).map_err(|e| e.to_string())?;
    let days: u32 = args.get("days", 14)?;
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let to = match args.optional("to") {
        Some(d) => d.parse::<NaiveDate>().map_err(|e| format!("--to: {e}"))?,
        None => today.checked_sub_days(Days::new(1)).ok_or("no yesterday")?,
    };
    let window = Window::ending(to, days);
    let repeat: usize = args.get("repeat", 5)?;
    let store = backend::db::connect(&url).await?;
    let err = |e: backend::db::StoreError| e.to_string();
    let lister = Lister::open(&url).await?;

    let mut phases: Vec<[Elapsed; 4]> = Vec::new();
    let mut summary = String::new();
    for round in 0..=repeat {
        let t0 = Instant::now();
        let mut grades = Vec::new();
        for school in store.schools().await.map_err(err)? {
            let classes = store.classes(school.id, Some(grade)).await.map_err(err)?;
            if classes.is_empty() {
                continue;
            }
            let policy = store.policy(school.id).await.map_err(err)?;
            let holidays = store.holidays(school.id, window).await.map_err(err)?;
            let classes = classes.iter().map(|c| c.id).collect();
            grades.push(SchoolGrade { school, classes, policy, holidays });
        }
        let t1 = Instant::now();
        let ids: Vec<ClassId> = grades.iter().flat_map(|g| g.classes.iter().copied()).collect();
        let mut totals = store.day_totals(&ids, window).await.map_err(err)?;
        let t2 = Instant::now();
        let rows_read: usize = totals.values().map(|days| days.len()).sum();
        let (mut flags, mut judged) = (0, 0);
        for g in &grades {
            let days: Vec<ClassDays> = g
                .classes
                .iter()
                .map(|&id| ClassDays {
                    class_id: id,
                    totals: totals.remove(&id).unwrap_or_default(),
                })
                .collect();
            let evaluation = evaluate_grade(&GradeInput {
                grade,
                policy: &g.policy,
                window,
                today: backend::clock::today_in(&g.school),
                holidays: &g.holidays,
                classes: &days,
            });
            judged += evaluation.classes.len();
            flags += evaluation.classes.iter().map(|c| c.flags.len()).sum::<usize>();
        }
        let t3 = Instant::now();
        let listed = lister.classes_of(grade).await?;
        let t4 = Instant::now();
        summary = format!(
            "grade {grade}, {} to {}: {} schools, {judged} classes, {} day totals read, {flags} flags; \
             one query lists {listed} classes",
            window.from(),
            window.to(),
            grades.len(),
            rows_read,
        );
        // The first round warms the caches; the others are measured.
        if round > 0 {
            phases.push([t1 - t0, t2 - t1, t3 - t2, t4 - t3]);
        }
    }
    let median = |i: usize| {
        let mut v: Vec<f64> = phases.iter().map(|p| p[i].as_secs_f64() * 1000.0).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let (setup, totals, engine, one_query) = (median(0), median(1), median(2), median(3));
    println!("{summary}");
    println!(
        "median of {repeat}: per-school classes+policy+holidays {setup:.1} ms, day_totals {totals:.1} ms, \
         flag engine {engine:.1} ms; total {:.1} ms (without the per-school look-ups: {:.1} ms); \
         listing the grade's classes in one query instead: {one_query:.1} ms",
        setup + totals + engine,
        totals + engine,
    );
    println!(
        "result name=city-comparison grade={grade} days={days} setup_ms={setup:.1} day_totals_ms={totals:.1} \
         engine_ms={engine:.1} total_ms={:.1} core_ms={:.1} one_query_ms={one_query:.1}",
        setup + totals + engine,
        totals + engine
    );
    Ok(())
}

/// A connection of its own for the one-query listing.
enum Lister {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Lister {
    async fn open(url: &str) -> Result<Lister, String> {
        Ok(if url.starts_with("sqlite:") {
            Lister::Sqlite(sqlx::SqlitePool::connect(url).await.map_err(|e| e.to_string())?)
        } else {
            Lister::Postgres(sqlx::PgPool::connect(url).await.map_err(|e| e.to_string())?)
        })
    }

    /// Every active class of a grade in the city, with its school, in one query.
    async fn classes_of(&self, grade: Grade) -> Result<usize, String> {
        let grade = i32::from(grade.get());
        let sql = "SELECT id, school_id FROM classes WHERE grade = $1 AND archived_at IS NULL";
        let rows: Vec<(i64, i64)> = match self {
            Lister::Sqlite(pool) => sqlx::query_as(sql).bind(grade).fetch_all(pool).await,
            Lister::Postgres(pool) => sqlx::query_as(sql).bind(grade).fetch_all(pool).await,
        }
        .map_err(|e| e.to_string())?;
        Ok(rows.len())
    }
}
