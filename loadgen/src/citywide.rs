//! `loadgen city-comparison`: what a district's comparison of one grade across every school
//! costs, through the backend's own library path (there is no HTTP endpoint for districts yet):
//!
//! 1. `Store::grade_across_schools`: every school teaching the grade, with its policy, its
//!    classes of the grade and its holidays in the window, in three queries;
//! 2. one `Store::day_totals` for every class of the grade in the city over the window;
//! 3. the shared flag engine (`evaluate_grade`) once per school.
//!
//! For comparison, step 1 is also timed as a school's own pages make it, three queries a school
//! (`Store::classes`, `Store::policy`, `Store::holidays`), `--lanes` schools at a time (16: the
//! PostgreSQL pool's size); both must find the same schools and classes.

use crate::args::Args;
use backend::db::SchoolGrade;
use chrono::{Days, Duration, NaiveDate, Utc};
use shared::calendar::SchoolCalendar;
use shared::flags::{ClassDays, GradeInput, evaluate_grade};
use shared::{ClassId, Grade, Window};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration as Elapsed, Instant};

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

    let mut phases: Vec<[Elapsed; 4]> = Vec::new();
    let (mut summary, mut classes) = (String::new(), 0);
    for round in 0..=repeat {
        let t0 = Instant::now();
        let grades = store.grade_across_schools(grade, window).await.map_err(err)?;
        let t1 = Instant::now();
        let ids: Vec<ClassId> =
            grades.iter().flat_map(|g| g.classes.iter().map(|c| c.id)).collect();
        let mut totals = store.day_totals(&ids, window).await.map_err(err)?;
        let t2 = Instant::now();
        let rows_read: usize = totals.values().map(|days| days.len()).sum();
        let (mut flags, mut judged) = (0, 0);
        for g in &grades {
            let days: Vec<ClassDays> = g
                .classes
                .iter()
                .map(|c| ClassDays {
                    class_id: c.id,
                    totals: totals.remove(&c.id).unwrap_or_default(),
                    start: g.class_starts.get(&c.id).copied(),
                })
                .collect();
            let calendar = SchoolCalendar::new(g.holidays.clone(), g.makeup_days.clone());
            let evaluation = evaluate_grade(&GradeInput {
                grade,
                policy: &g.policy,
                window,
                today: backend::clock::today_in(&g.school),
                calendar: &calendar,
                classes: &days,
            });
            judged += evaluation.classes.len();
            flags += evaluation.classes.iter().map(|c| c.flags.len()).sum::<usize>();
        }
        let t3 = Instant::now();
        let per_school = look_up_side_by_side(&store, grade, window, lanes).await?;
        let t4 = Instant::now();
        if per_school != grades {
            return Err("the district read and the per-school reads found different schools".into());
        }
        classes = judged;
        summary = format!(
            "grade {grade}, {} to {}: {} schools, {judged} classes, {} day totals read, {flags} flags",
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
    let (setup, totals, engine, per_school) = (median(0), median(1), median(2), median(3));
    let total = setup + totals + engine;
    println!("{summary}");
    println!(
        "median of {repeat}: grade_across_schools {setup:.1} ms, day_totals {totals:.1} ms, flag \
         engine {engine:.1} ms; total {total:.1} ms. The same look-up as three queries a school, \
         {lanes} schools at a time: {per_school:.1} ms (total {:.1} ms)",
        per_school + totals + engine,
    );
    println!(
        "result name=city-comparison grade={grade} days={days} classes={classes} lanes={lanes} \
         setup_ms={setup:.1} day_totals_ms={totals:.1} engine_ms={engine:.1} total_ms={total:.1} \
         per_school_setup_ms={per_school:.1} per_school_total_ms={:.1}",
        per_school + totals + engine,
    );
    Ok(())
}

/// A school's classes of the grade, its policy and its holidays in the window (three queries,
/// as a school's own pages make them); `None` if it teaches no class of the grade.
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
    let calendar = store.calendar(school.id, window).await.map_err(err)?;
    let starts = store.class_starts(school.id).await.map_err(err)?;
    let class_starts = classes
        .iter()
        .filter_map(|c| {
            let start = starts.get(&c.id)?.date(school.utc_offset_minutes)?;
            Some((c.id, start))
        })
        .collect();
    Ok(Some(SchoolGrade {
        school,
        policy,
        classes,
        holidays: calendar.holidays,
        makeup_days: calendar.makeup_days,
        class_starts,
    }))
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
