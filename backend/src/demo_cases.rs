//! The demo school's cases and spot check, made once (when the school has no case yet) from its
//! reports by the same rules as the API: 7(3)'s over-limit average escalated after an action
//! that did not help, 9(1)'s heavy first week resolved, 8(2)'s drift open and overdue, and
//! yesterday's spot check of two grade-7 classes, one of them a discrepancy.

use chrono::{Days, NaiveDate};
use serde_json::Value;
use shared::api::ClassInfo;
use shared::calendar::SchoolCalendar;
use shared::cases::{Case, CaseAction, CaseStatus, CaseWindow};
use shared::report::Entry;
use shared::spot_checks::{Observation, SpotCheck, SpotCheckClass};
use shared::{Minutes, Window};

use crate::clock::{now_rfc3339, today_in};
use crate::db::cases::CaseFilter;
use crate::db::{Actor, ReportWrite, School, Store};
use crate::http::cases::{class_flag, recheck_case};

fn days_before(d: NaiveDate, n: u64) -> Result<NaiveDate, String> {
    d.checked_sub_days(Days::new(n)).ok_or_else(|| "date out of range".to_owned())
}

/// Adds the demo's cases and spot check unless the school has cases already.
pub async fn load(store: &dyn Store, school: &School, actor: &Actor) -> Result<(), String> {
    let err = |e: crate::db::StoreError| e.to_string();
    if !store.cases(school.id, &CaseFilter::default()).await.map_err(err)?.is_empty() {
        return Ok(());
    }
    let today = today_in(school);
    let classes = store.classes(school.id, None).await.map_err(err)?;
    let class = |name: &str| {
        classes.iter().find(|c| c.name == name).cloned().ok_or(format!("no demo class {name}"))
    };
    let early =
        Window::new(days_before(today, 28)?, days_before(today, 21)?).map_err(|e| e.to_string())?;
    let acted = days_before(today, 20)?;

    // 9(1) had a heavy first week, then kept to its limit.
    let c91 = class("9(1)")?;
    let policy = store.policy(school.id).await.map_err(err)?;
    // Monday to Friday: the demo's cases lie in weeks without holidays or make-up days.
    let weekdays = SchoolCalendar::default();
    for date in early.dates().filter(|d| weekdays.is_school_day(*d)) {
        let subjects = policy.subjects(c91.grade);
        let per = 115 / subjects.len().clamp(1, 5) as u32;
        let entries = subjects
            .iter()
            .take(5)
            .map(|s| Entry {
                subject: s.clone(),
                minutes: Minutes::new(i64::from(per)).unwrap_or(Minutes::ZERO),
            })
            .collect();
        let write = ReportWrite {
            class_id: c91.id,
            date,
            entries,
            note: String::new(),
            client_id: None,
            expected_version: None,
            recorded_by: "monitor-9-1".into(),
            updated_at: now_rfc3339(),
        };
        store.put_report(write, actor).await.map_err(err)?;
    }

    let acted_case = |class: &ClassInfo, kind: &str, numbers: Value, text: &str| Case {
        id: 0,
        school_id: school.id,
        class_id: class.id,
        grade: class.grade,
        class_name: class.name.clone(),
        kind: kind.to_owned(),
        subject: None,
        window: CaseWindow { from: early.from(), to: early.to() },
        numbers,
        status: CaseStatus::ActionTaken,
        opened_by: format!("{}年级组长 Grade {} leader", class.grade, class.grade),
        opened_by_id: None,
        opened_at: now_rfc3339(),
        assignee_id: None,
        due_date: Some(acted),
        actions: vec![CaseAction {
            at: now_rfc3339(),
            by: format!("{}班主任 Teacher", class.name),
            by_id: None,
            text: text.to_owned(),
            effective_date: acted,
        }],
        recheck: None,
        overdue: false,
    };
    for (name, text) in [
        (
            "7(3)",
            "与各科老师沟通，减少重复练习 Agreed with the subject teachers to cut repeated drills",
        ),
        ("9(1)", "数学、物理作业分层 Layered maths and physics homework"),
    ] {
        let c = class(name)?;
        let Some(numbers) = class_flag(store, school, &c, early, "over_average_limit", None, today)
            .await
            .map_err(|e| e.to_string())?
        else {
            continue;
        };
        let case = acted_case(&c, "over_average_limit", numbers, text);
        if let Ok(stored) = store.open_case(&case, actor).await.map_err(err)? {
            let by = format!("{}年级组长 Grade {} leader", c.grade, c.grade);
            recheck_case(store, school, stored.id, today, &by, actor, false)
                .await
                .map_err(|e| format!("demo recheck: {e:?}"))?;
        }
    }

    // 8(2) drifts below its grade: opened on the two weeks that ended a week ago, assigned to
    // its teacher, and past its due date.
    let c82 = class("8(2)")?;
    let recent =
        Window::new(days_before(today, 21)?, days_before(today, 8)?).map_err(|e| e.to_string())?;
    if let Some(numbers) = class_flag(store, school, &c82, recent, "drift_below", None, today)
        .await
        .map_err(|e| e.to_string())?
    {
        let teacher = store.account_by_username("teacher-8-2").await.map_err(err)?;
        let case = Case {
            window: CaseWindow { from: recent.from(), to: recent.to() },
            status: CaseStatus::Open,
            actions: Vec::new(),
            assignee_id: teacher.map(|t| t.id),
            due_date: Some(days_before(today, 3)?),
            ..acted_case(&c82, "drift_below", numbers, "")
        };
        store.open_case(&case, actor).await.map_err(err)?.ok();
    }

    // The last school day's spot check: 7(1) observed well above its report, 7(3) as reported.
    let mut yesterday = days_before(today, 1)?;
    while !weekdays.is_school_day(yesterday) {
        yesterday = days_before(yesterday, 1)?;
    }
    let drawn = [class("7(1)")?, class("7(3)")?];
    let mut reports = Vec::new();
    for c in &drawn {
        reports.push(store.report(c.id, yesterday).await.map_err(err)?);
    }
    let classes = drawn
        .iter()
        .zip(reports)
        .enumerate()
        .map(|(i, (c, report))| {
            let mut entries: Vec<Entry> = report.map(|r| r.entries).unwrap_or_default();
            if i == 0 {
                if let Some(first) = entries.first_mut() {
                    let more = (first.minutes.get() + 35).min(240);
                    first.minutes = Minutes::new(i64::from(more)).unwrap_or(first.minutes);
                }
            }
            SpotCheckClass {
                class_id: c.id,
                name: c.name.clone(),
                grade: c.grade,
                reported_total: None,
                observed_total: None,
                difference: None,
                discrepancy: false,
                observation: Some(Observation {
                    entries,
                    note: if i == 0 {
                        "抽查问卷 questionnaire in class".into()
                    } else {
                        String::new()
                    },
                    recorded_at: now_rfc3339(),
                    recorded_by: "教务处 Inspector".into(),
                }),
                subjects: policy.subjects(c.grade).iter().map(ToString::to_string).collect(),
            }
        })
        .collect();
    let check = SpotCheck {
        id: 0,
        school_id: school.id,
        date: yesterday,
        grade: Some(drawn[0].grade),
        drawn_at: now_rfc3339(),
        drawn_by: "教务处 Inspector".into(),
        classes,
    };
    store.create_spot_check(&check, actor).await.map_err(err)?;
    Ok(())
}
