//! The demo school (`--demo`): grades 7–9 with four classes each, every account a newcomer needs,
//! and four weeks of reports in which 7(3) is over its limit, 8(2) drifts below its grade and
//! 9(4) misses days. A Saturday of the four weeks is a make-up school day (调休), and 7(1)
//! recorded one Sunday's weekend homework. Loading it again tops the reports up to yesterday and
//! changes nothing else.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use shared::api::{ClassInfo, MakeupDay, Role};
use shared::calendar::SchoolCalendar;
use shared::report::Entry;
use shared::{Grade, Minutes, Policy, Subject, Window};
use std::collections::BTreeSet;

use crate::auth::password;
use crate::bootstrap::create_school;
use crate::clock::{now_rfc3339, today_in};
use crate::db::{Actor, NewAccount, ReportWrite, Store};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "homework-demo";
pub const DEMO_SCHOOL: &str = "演示中学 Demo Middle School";
const DEMO_ADMIN: &str = "admin";
/// Days of reports the demo keeps, ending yesterday.
const DEMO_DAYS: u32 = 28;

/// The average daily minutes each class's reports are drawn around, grade by grade.
const PROFILES: [(i64, [u32; 4]); 3] =
    [(7, [70, 76, 104, 72]), (8, [72, 47, 70, 76]), (9, [80, 84, 78, 82])];

/// Loads (or tops up) the demo school and returns the text that tells a newcomer how to log in.
pub async fn load(store: &dyn Store) -> Result<String, String> {
    let err = |e: crate::db::StoreError| e.to_string();
    let school = match store.school_by_name(DEMO_SCHOOL).await.map_err(err)? {
        Some(s) => s,
        None => create_school(store, DEMO_SCHOOL, DEMO_ADMIN, DEMO_PASSWORD).await?,
    };
    let policy = store.policy(school.id).await.map_err(err)?;
    let password_hash =
        password::hash(DEMO_PASSWORD.to_owned()).await.map_err(|e| e.to_string())?;
    let today = today_in(&school);
    let yesterday = today.checked_sub_days(Days::new(1)).ok_or("no yesterday")?;
    let window = Window::ending(yesterday, DEMO_DAYS);
    let actor = Actor { username: "demo".into(), ..Actor::system(Some(school.id)) };
    let calendar = demo_calendar(store, &actor, school.id, window).await?;

    for (grade_number, averages) in PROFILES {
        let grade = Grade::new(grade_number).map_err(|e| e.to_string())?;
        let existing = store.classes(school.id, Some(grade)).await.map_err(err)?;
        let account = |username: String, display_name: String, role, class_id, grade| NewAccount {
            school_id: school.id,
            username,
            display_name,
            role,
            class_id,
            grade,
            password_hash: password_hash.clone(),
        };
        ensure_account(
            store,
            &actor,
            account(
                format!("leader{grade}"),
                format!("{grade}年级组长 Grade {grade} leader"),
                Role::GradeLeader,
                None,
                Some(grade),
            ),
        )
        .await?;
        for (i, average) in averages.into_iter().enumerate() {
            let n = i + 1;
            let name = format!("{grade}({n})");
            let class = match existing.iter().find(|c| c.name == name) {
                Some(c) => c.clone(),
                None => store.create_class(school.id, grade, &name, &actor).await.map_err(err)?,
            };
            ensure_account(
                store,
                &actor,
                account(
                    format!("teacher-{grade}-{n}"),
                    format!("{name}班主任 Teacher"),
                    Role::Teacher,
                    Some(class.id),
                    None,
                ),
            )
            .await?;
            let monitor = format!("monitor-{grade}-{n}");
            ensure_account(
                store,
                &actor,
                account(
                    monitor.clone(),
                    format!("{name}作业记录员 Monitor"),
                    Role::Monitor,
                    Some(class.id),
                    None,
                ),
            )
            .await?;
            let skips_days = grade_number == 9 && n == 4;
            let days = (&calendar, window);
            fill_reports(store, &actor, &policy, &class, days, average, skips_days, &monitor)
                .await?;
            if grade_number == 7 && n == 1 {
                weekend_homework(store, &actor, &class, &calendar, window, &monitor).await?;
            }
        }
    }
    crate::demo_cases::load(store, &school, &actor).await?;
    crate::demo_plans::load(store, &school, &policy, &password_hash, today).await?;
    let district = load_district(store, school.id, window).await?;
    Ok(instructions() + &district_instructions(district))
}

/// The demo district's name, its admin, and its two small schools besides the demo school:
/// (name, admin, grade 7 and 8 limits, drift ratio, the classes' averages of grades 7 and 8).
const DEMO_DISTRICT: &str = "演示区 Demo District";
const DEMO_DISTRICT_ADMIN: &str = "district";
/// A small demo school: name, admin, grade 7 and 8 limits, drift ratio, classes' averages.
type SmallSchool = (&'static str, &'static str, [u32; 2], f64, [[u32; 2]; 2]);
const SMALL_SCHOOLS: [SmallSchool; 2] = [
    ("城东中学 East Middle School", "admin-east", [60, 70], 0.2, [[55, 72], [66, 40]]),
    ("城西中学 West Middle School", "admin-west", [80, 85], 0.3, [[95, 90], [120, 101]]),
];

/// Loads (or tops up) the demo district: the demo school and two small schools with policies
/// of their own, and the district admin `district`.
async fn load_district(
    store: &dyn Store,
    demo_school: shared::SchoolId,
    window: Window,
) -> Result<shared::district::DistrictId, String> {
    let err = |e: crate::db::StoreError| e.to_string();
    let district = match store.district_by_name(DEMO_DISTRICT).await.map_err(err)? {
        Some(d) => d,
        None => {
            crate::bootstrap::create_district(
                store,
                DEMO_DISTRICT,
                DEMO_DISTRICT_ADMIN,
                DEMO_PASSWORD,
            )
            .await?
        }
    };
    let actor = Actor { username: "demo".into(), ..Actor::system(Some(demo_school)) };
    store.join_district(district.id, demo_school, &actor).await.map_err(err)?;
    for (name, admin, limits, drift_ratio, averages) in SMALL_SCHOOLS {
        let school = match store.school_by_name(name).await.map_err(err)? {
            Some(s) => s,
            None => {
                let school = crate::bootstrap::create_district_school(
                    store,
                    district.id,
                    name,
                    admin,
                    DEMO_PASSWORD,
                )
                .await?;
                let mut policy = store.policy(school.id).await.map_err(err)?;
                for (grade, limit) in [7, 8].into_iter().zip(limits) {
                    policy.limits.insert(Grade::new(grade).map_err(|e| e.to_string())?, limit);
                }
                policy.drift_ratio = drift_ratio;
                let actor = Actor { username: "demo".into(), ..Actor::system(Some(school.id)) };
                store.set_policy(school.id, &policy, &actor).await.map_err(err)?;
                school
            }
        };
        let policy = store.policy(school.id).await.map_err(err)?;
        let actor = Actor { username: "demo".into(), ..Actor::system(Some(school.id)) };
        let calendar = store.calendar(school.id, window).await.map_err(err)?;
        for (grade, classes) in [7, 8].into_iter().zip(averages) {
            let grade = Grade::new(grade).map_err(|e| e.to_string())?;
            let existing = store.classes(school.id, Some(grade)).await.map_err(err)?;
            for (i, average) in classes.into_iter().enumerate() {
                let class_name = format!("{grade}({})", i + 1);
                let class = match existing.iter().find(|c| c.name == class_name) {
                    Some(c) => c.clone(),
                    None => store
                        .create_class(school.id, grade, &class_name, &actor)
                        .await
                        .map_err(err)?,
                };
                let days = (&calendar, window);
                fill_reports(store, &actor, &policy, &class, days, average, false, admin).await?;
            }
        }
    }
    Ok(district.id)
}

fn district_instructions(id: shared::district::DistrictId) -> String {
    format!(
        "\nDemo district \"{DEMO_DISTRICT}\" (the demo school and two small schools):\n  {DEMO_DISTRICT_ADMIN:<14} {DEMO_PASSWORD}   district_admin of district {id} (read only; board /district/{id}, wall screen /district/{id}/wall)\n  {:<14} {DEMO_PASSWORD}   school_admin of {}\n  {:<14} {DEMO_PASSWORD}   school_admin of {}\n",
        SMALL_SCHOOLS[0].1, SMALL_SCHOOLS[0].0, SMALL_SCHOOLS[1].1, SMALL_SCHOOLS[1].0
    )
}

async fn ensure_account(
    store: &dyn Store,
    actor: &Actor,
    account: NewAccount,
) -> Result<(), String> {
    if store.account_by_username(&account.username).await.map_err(|e| e.to_string())?.is_none() {
        store.create_account(account, actor).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The school's calendar over the window, with one make-up day (the second Saturday of the
/// window) if the window has none yet.
async fn demo_calendar(
    store: &dyn Store,
    actor: &Actor,
    school: shared::SchoolId,
    window: Window,
) -> Result<SchoolCalendar, String> {
    let err = |e: crate::db::StoreError| e.to_string();
    if store.makeup_day_list(school, window).await.map_err(err)?.is_empty() {
        let saturday =
            window.dates().filter(|d| d.weekday() == Weekday::Sat).nth(1).ok_or("no Saturday")?;
        let day = MakeupDay { date: saturday, name: "调休上课 Make-up school day".into() };
        store.put_makeup_day(school, &day, actor).await.map_err(err)?;
    }
    store.calendar(school, window).await.map_err(err)
}

/// A Sunday's report that is not a school day's (weekend homework): kept and shown, in no average.
async fn weekend_homework(
    store: &dyn Store,
    actor: &Actor,
    class: &ClassInfo,
    calendar: &SchoolCalendar,
    window: Window,
    monitor: &str,
) -> Result<(), String> {
    let err = |e: crate::db::StoreError| e.to_string();
    let Some(sunday) = window
        .dates()
        .filter(|d| !calendar.is_school_day(*d) && d.weekday() == Weekday::Sun)
        .last()
    else {
        return Ok(());
    };
    if store.report(class.id, sunday).await.map_err(err)?.is_some() {
        return Ok(());
    }
    let minutes = |m| Minutes::new(m).unwrap_or(Minutes::ZERO);
    let entries = vec![
        Entry {
            subject: Subject::parse("chinese").map_err(|e| e.to_string())?,
            minutes: minutes(20),
        },
        Entry { subject: Subject::parse("math").map_err(|e| e.to_string())?, minutes: minutes(15) },
    ];
    let write = ReportWrite {
        class_id: class.id,
        date: sunday,
        entries,
        note: "周末作业 Weekend homework".into(),
        client_id: None,
        expected_version: None,
        recorded_by: monitor.to_owned(),
        updated_at: now_rfc3339(),
    };
    store.put_report(write, actor).await.map_err(err)?;
    Ok(())
}

/// Writes a report for every school day of the window that has none.
#[allow(clippy::too_many_arguments)]
async fn fill_reports(
    store: &dyn Store,
    actor: &Actor,
    policy: &Policy,
    class: &ClassInfo,
    (calendar, window): (&SchoolCalendar, Window),
    average: u32,
    skips_days: bool,
    monitor: &str,
) -> Result<(), String> {
    let reported: BTreeSet<NaiveDate> = store
        .reports(class.id, window)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|r| r.date)
        .collect();
    for date in calendar.school_days(window).filter(|d| !reported.contains(d)) {
        let mut rng =
            Rng::new(class.id as u64 * 1_000_003 + u64::from(date.num_days_from_ce() as u32));
        if skips_days && rng.below(4) == 0 {
            continue;
        }
        let total = (average as i64 + rng.below(25) as i64 - 12).clamp(0, 400) as u32;
        let entries = split_minutes(policy.subjects(class.grade), total, &mut rng);
        let write = ReportWrite {
            class_id: class.id,
            date,
            entries,
            note: String::new(),
            client_id: None,
            expected_version: None,
            recorded_by: monitor.to_owned(),
            updated_at: now_rfc3339(),
        };
        store.put_report(write, actor).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Shares a day's total among the grade's subjects: the main subjects every day, the others on
/// some days, weighted as homework usually is.
fn split_minutes(subjects: &[Subject], total: u32, rng: &mut Rng) -> Vec<Entry> {
    let weight = |s: &Subject| match s.as_str() {
        "chinese" | "math" => 3,
        "english" => 2,
        "physics" | "chemistry" => 2,
        _ => 1,
    };
    let chosen: Vec<&Subject> =
        subjects.iter().filter(|s| weight(s) >= 2 || rng.below(2) == 0).collect();
    let weights: u32 = chosen.iter().map(|s| weight(s)).sum::<u32>().max(1);
    let mut left = total;
    let mut entries = Vec::new();
    for (i, s) in chosen.iter().enumerate() {
        let share =
            if i + 1 == chosen.len() { left } else { (total * weight(s) / weights).min(left) };
        let minutes = Minutes::new(i64::from(share.min(240))).unwrap_or(Minutes::ZERO);
        left -= minutes.get();
        entries.push(Entry { subject: (*s).clone(), minutes });
    }
    entries
}

/// A small deterministic generator, so the demo looks the same every time it is loaded.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn below(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// Every demo account, one a line, so that a person (or a script) finds each one's password.
fn instructions() -> String {
    let mut lines = vec![
        format!(
            "\nDemo school \"{DEMO_SCHOOL}\" is ready. Demo accounts (username, password, role):"
        ),
        format!("  {DEMO_ADMIN:<14} {DEMO_PASSWORD}   school_admin"),
    ];
    for (grade, _) in PROFILES {
        lines.push(format!(
            "  {:<14} {DEMO_PASSWORD}   grade_leader of grade {grade}",
            format!("leader{grade}")
        ));
        for n in 1..=4 {
            lines.push(format!(
                "  {:<14} {DEMO_PASSWORD}   teacher of class {grade}({n})",
                format!("teacher-{grade}-{n}")
            ));
            lines.push(format!(
                "  {:<14} {DEMO_PASSWORD}   monitor of class {grade}({n})",
                format!("monitor-{grade}-{n}")
            ));
        }
    }
    lines.extend(crate::demo_plans::instructions(DEMO_PASSWORD));
    lines.push(
        "\nTry monitor-7-3 (a class over its limit) or leader7 (the grade comparison).".into(),
    );
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_split_into_entries_that_add_up_to_its_total() {
        let subjects = Policy::default().subjects(Grade::new(8).unwrap()).to_vec();
        for total in [0, 1, 47, 104, 300] {
            let mut rng = Rng::new(total as u64);
            let entries = split_minutes(&subjects, total, &mut rng);
            assert_eq!(shared::report::day_total(&entries), total.min(240 * 3), "{total}");
            assert!(entries.iter().all(|e| e.minutes.get() <= 240));
        }
    }
}
