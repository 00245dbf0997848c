//! The demo school's plans: subject teachers of maths and English in every grade, and two weeks
//! of filed homework that mostly matches what the monitors reported, except 7(1)'s maths, whose
//! teachers expect a quarter of what it really takes (the `actual_above_expected` flag). Days of
//! 7(3), over its limit, are approved by its grade leader but for the last two, still waiting.
//! Today and tomorrow have plans too, for the public notice. Loading again files only what is
//! missing.

use chrono::{Days, NaiveDate};
use shared::api::{ClassInfo, Role, Teaching};
use shared::calendar::SchoolCalendar;
use shared::plans::{Decision, ItemKind, PlanItem, Review};
use shared::{Grade, Policy, Window};
use std::collections::BTreeSet;

use crate::clock::now_rfc3339;
use crate::db::plans::PlanWrite;
use crate::db::{Actor, NewAccount, School, Store};

/// Days of plans, ending yesterday.
const PLAN_DAYS: u32 = 14;
/// The subjects taught by the demo's subject teachers.
const TAUGHT: [(&str, &str, &str); 2] = [
    ("math", "数学老师 Maths teacher", "maths"),
    ("english", "英语老师 English teacher", "english"),
];

/// Files the demo's plans and creates its subject teachers.
pub async fn load(
    store: &dyn Store,
    school: &School,
    policy: &Policy,
    password_hash: &str,
    today: NaiveDate,
) -> Result<(), String> {
    let err = |e: crate::db::StoreError| e.to_string();
    let actor = Actor { username: "demo".into(), ..Actor::system(Some(school.id)) };
    for grade in 7..=9 {
        let grade = Grade::new(grade).map_err(|e| e.to_string())?;
        let classes = store.classes(school.id, Some(grade)).await.map_err(err)?;
        for (subject, name, key) in TAUGHT {
            let username = format!("{key}-{grade}");
            if store.account_by_username(&username).await.map_err(err)?.is_some() {
                continue;
            }
            let account = NewAccount {
                school_id: school.id,
                username: username.clone(),
                display_name: format!("{grade}年级{name}"),
                role: Role::SubjectTeacher,
                class_id: None,
                grade: None,
                password_hash: password_hash.to_owned(),
            };
            let account = store.create_account(account, &actor).await.map_err(err)?;
            let teaching: Vec<Teaching> = classes
                .iter()
                .map(|c| Teaching { class_id: c.id, subject: subject.to_owned() })
                .collect();
            store.set_teaching(account.id, &username, &teaching, &actor).await.map_err(err)?;
        }
        for class in &classes {
            file_class(store, &actor, policy, class, today).await?;
        }
    }
    Ok(())
}

/// What a subject's homework is, in words.
fn content(subject: &str, date: NaiveDate) -> String {
    let page = 10 + date.format("%d").to_string().parse::<u32>().unwrap_or(1);
    match subject {
        "chinese" => format!("《语文作业本》第 {page} 页；摘抄好词好句"),
        "math" => format!("练习册 P{page}–{} 第 1–6 题", page + 1),
        "english" => format!("Workbook p.{page}: Unit exercises A–C"),
        "physics" => format!("物理练习 第 {page} 页 1–4 题"),
        "chemistry" => format!("化学练习 第 {page} 页"),
        _ => {
            let name = shared::Subject::parse(subject)
                .map(|s| shared::i18n::subject_name(&s, shared::Lang::Zh))
                .unwrap_or_else(|_| subject.to_owned());
            format!("{name}：课本第 {page} 页练习")
        }
    }
}

fn item(subject: &str, date: NaiveDate, minutes: u32) -> PlanItem {
    PlanItem {
        content: content(subject, date),
        kind: ItemKind::Written,
        expected_minutes: minutes,
        optional: false,
    }
}

async fn file_class(
    store: &dyn Store,
    actor: &Actor,
    policy: &Policy,
    class: &ClassInfo,
    today: NaiveDate,
) -> Result<(), String> {
    let err = |e: crate::db::StoreError| e.to_string();
    let yesterday = today.checked_sub_days(Days::new(1)).ok_or("no yesterday")?;
    let window = Window::ending(yesterday, PLAN_DAYS);
    let weekdays = SchoolCalendar::default();
    let planned: BTreeSet<NaiveDate> =
        store.plan_days(class.id, window).await.map_err(err)?.into_iter().map(|(d, _)| d).collect();
    let limit = policy.limit(class.grade);
    let reports = store.reports(class.id, window).await.map_err(err)?;
    let over_estimated_class = class.grade.get() == 7 && class.name == "7(1)";
    let mut filed_days = Vec::new();
    for report in reports.iter().filter(|r| weekdays.is_school_day(r.date)) {
        if planned.contains(&report.date) {
            continue;
        }
        for (i, entry) in report.entries.iter().enumerate() {
            let actual = entry.minutes.get();
            if actual == 0 {
                continue;
            }
            let subject = entry.subject.as_str();
            // Mostly what it took, a few minutes either way; 7(1)'s maths a quarter of it.
            let expected = if over_estimated_class && subject == "math" {
                (actual / 4).max(3)
            } else {
                let wobble = (report.date.format("%d").to_string().parse::<u32>().unwrap_or(0)
                    + i as u32)
                    % 7;
                (actual + wobble).saturating_sub(3).max(1)
            };
            let mut items = vec![item(subject, report.date, expected)];
            if subject == "chinese" {
                items.push(PlanItem {
                    content: "朗读课文两遍".into(),
                    kind: ItemKind::Oral,
                    expected_minutes: 10,
                    optional: false,
                });
            }
            put(store, actor, class, report.date, subject, items, limit).await?;
        }
        filed_days.push(report.date);
    }
    // An over-limit day is approved by the grade leader, but the last two wait.
    let waiting_from = filed_days.len().saturating_sub(2);
    for date in &filed_days[..waiting_from] {
        let review = Review {
            by: format!("{}年级组长 Grade {} leader", class.grade, class.grade),
            at: now_rfc3339(),
            decision: Decision::Approved,
            reason: None,
        };
        store.review_day(class.id, *date, &review, actor).await.map_err(err)?;
    }
    // Today and tomorrow (the public notice): the main subjects, within the limit.
    for date in [today, today.checked_add_days(Days::new(1)).ok_or("no tomorrow")?] {
        if !store.day_plan(class.id, date).await.map_err(err)?.subjects.is_empty() {
            continue;
        }
        for (subject, minutes) in [("chinese", 25), ("math", 20), ("english", 15)] {
            let mut items = vec![item(subject, date, minutes)];
            items.push(PlanItem {
                content: "拓展练习".into(),
                kind: ItemKind::Written,
                expected_minutes: 10,
                optional: true,
            });
            put(store, actor, class, date, subject, items, limit).await?;
        }
    }
    Ok(())
}

async fn put(
    store: &dyn Store,
    actor: &Actor,
    class: &ClassInfo,
    date: NaiveDate,
    subject: &str,
    items: Vec<PlanItem>,
    limit_minutes: u32,
) -> Result<(), String> {
    let filed_by = match subject {
        "math" => format!("{}年级数学老师 Maths teacher", class.grade),
        "english" => format!("{}年级英语老师 English teacher", class.grade),
        _ => format!("{}班主任 Teacher", class.name),
    };
    let write = PlanWrite {
        class_id: class.id,
        date,
        subject: subject.to_owned(),
        items,
        expected_version: None,
        filed_by,
        updated_at: now_rfc3339(),
        grade: class.grade,
        limit_minutes,
    };
    store.put_plan(write, actor).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// The lines of the demo's account list for its subject teachers.
pub fn instructions(password: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for grade in 7..=9 {
        for (_, _, key) in TAUGHT {
            lines.push(format!(
                "  {:<14} {password}   subject_teacher of {key} in {grade}(1)–{grade}(4)",
                format!("{key}-{grade}")
            ));
        }
    }
    lines
}
