//! `loadgen city-comparison`: what a district's comparison of one grade across every school
//! would cost, through the backend's own library path (there is no HTTP endpoint for it yet):
//!
//! 1. per school: its classes of the grade, its policy and its holidays (`Store::classes`,
//!    `Store::policy`, `Store::holidays`: three queries a school, as the handlers do them);
//! 2. one `Store::day_totals` for every class of the grade in the city over the window;
//! 3. the shared flag engine (`evaluate_grade`) once per school.
//!
//! Step 1 is timed twice: one school after another, and `--lanes` schools at a time (16: the
//! PostgreSQL pool's size), as an endpoint for districts would issue them; the headline total
//! uses the second. Also timed: the one query that could replace step 1's thousands (every
//! class of the grade, with its school), to show what a query written for districts would save.

use crate::args::Args;
use chrono::{Days, Duration, NaiveDate, Utc};
use shared::flags::{ClassDays, GradeInput, evaluate_grade};
use shared::{ClassId, Grade, Policy, Window};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration as Elapsed, Instant};

struct SchoolGrade {
    school: backend::db::School,
    classes: Vec<ClassId>,
    policy: Policy,
    holidays: BTreeSet<NaiveDate>,
}

pub async fn run(args: &Args) -> Result<(), String> {
    args.only(&["database-url", "grade", "days", "to", "repeat", "lanes"])?;
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
    let lanes: usize = args.get("lanes", 16)?;
    let store = backend::db::connect(&url).await?;
    let err = |e: backend::db::StoreError| e.to_string();
    let lister = Lister::open(&url).await?;

    let mut phases: Vec<[Elapsed; 5]> = Vec::new();
    let (mut summary, mut classes) = (String::new(), 0);
    for round in 0..=repeat {
        let t0 = Instant::now();
        let mut one_by_one = 0;
        for school in store.schools().await.map_err(err)? {
            if look_up(store.as_ref(), school, grade, window).await?.is_some() {
                one_by_one += 1;
            }
        }
        let t1 = Instant::now();
        let grades = look_up_side_by_side(&store, grade, window, lanes).await?;
        if grades.len() != one_by_one {
            return Err("the schools looked up one by one and side by side differ".into());
        }
        let t2 = Instant::now();
        let ids: Vec<ClassId> = grades.iter().flat_map(|g| g.classes.iter().copied()).collect();
        let mut totals = store.day_totals(&ids, window).await.map_err(err)?;
        let t3 = Instant::now();
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
        let t4 = Instant::now();
        let listed = lister.classes_of(grade).await?;
        let t5 = Instant::now();
        classes = judged;
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
            phases.push([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]);
        }
    }
    let median = |i: usize| {
        let mut v: Vec<f64> = phases.iter().map(|p| p[i].as_secs_f64() * 1000.0).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let (serial, setup, totals, engine, one_query) =
        (median(0), median(1), median(2), median(3), median(4));
    println!("{summary}");
    println!(
        "median of {repeat}: per-school classes+policy+holidays {setup:.1} ms {lanes} schools at a \
         time ({serial:.1} ms one after another), day_totals {totals:.1} ms, flag engine \
         {engine:.1} ms; total {:.1} ms (one school after another: {:.1} ms; without the \
         per-school look-ups: {:.1} ms); listing the grade's classes in one query instead: \
         {one_query:.1} ms",
        setup + totals + engine,
        serial + totals + engine,
        totals + engine,
    );
    println!(
        "result name=city-comparison grade={grade} days={days} classes={classes} lanes={lanes} \
         setup_ms={setup:.1} serial_setup_ms={serial:.1} day_totals_ms={totals:.1} \
         engine_ms={engine:.1} total_ms={:.1} serial_total_ms={:.1} core_ms={:.1} \
         one_query_ms={one_query:.1}",
        setup + totals + engine,
        serial + totals + engine,
        totals + engine
    );
    Ok(())
}

/// A school's classes of the grade, its policy and its holidays in the window (three queries,
/// as the handlers make them); `None` if it teaches no class of the grade.
async fn look_up(
    store: &dyn backend::db::Store,
    school: backend::db::School,
    grade: Grade,
    window: Window,
) -> Result<Option<SchoolGrade>, String> {
    let err = |e: backend::db::StoreError| e.to_string();
    let classes = store.classes(school.id, Some(grade)).await.map_err(err)?;
    if classes.is_empty() {
        return Ok(None);
    }
    let policy = store.policy(school.id).await.map_err(err)?;
    let holidays = store.holidays(school.id, window).await.map_err(err)?;
    let classes = classes.iter().map(|c| c.id).collect();
    Ok(Some(SchoolGrade { school, classes, policy, holidays }))
}

/// [`look_up`] for every school, `lanes` schools at a time; in the schools' order.
async fn look_up_side_by_side(
    store: &Arc<dyn backend::db::Store>,
    grade: Grade,
    window: Window,
    lanes: usize,
) -> Result<Vec<SchoolGrade>, String> {
    let schools = Arc::new(store.schools().await.map_err(|e| e.to_string())?);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..lanes.max(1) {
        let (store, schools, next) = (store.clone(), schools.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut found = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(school) = schools.get(i) else { break };
                if let Some(g) = look_up(store.as_ref(), school.clone(), grade, window).await? {
                    found.push((i, g));
                }
            }
            Ok::<_, String>(found)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.map_err(|e| format!("a look-up failed: {e}"))??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, g)| g).collect())
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
