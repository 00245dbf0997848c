//! Data-quality hints beside a grade's comparison (issue 19): numbers that look copied rather
//! than recorded. From a grade's day totals alone (`GET …/grades/{g}/days`):
//!
//! - `same_total`: a class whose total was the same on [`SAME_RUN_DAYS`] or more school days
//!   running (consecutive school days, each reported);
//! - `always_zero`: a class that reported school days and never more than 0 minutes, while other
//!   classes of the grade reported homework.
//!
//! Hints, not flags: they raise nothing and open no case; a person looks.

use crate::ClassId;
use crate::api::GradeDays;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// How many school days running of the same total make a hint.
pub const SAME_RUN_DAYS: usize = 5;

/// One hint about one class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QualityHint {
    /// The same total on `days` school days running, `from` to `to`.
    SameTotal {
        class_id: ClassId,
        name: String,
        total_minutes: u32,
        days: usize,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// `days` school days reported, every one 0 minutes, while `others` classes reported more.
    AlwaysZero { class_id: ClassId, name: String, days: usize, others: usize },
}

impl QualityHint {
    pub fn kind(&self) -> &'static str {
        match self {
            QualityHint::SameTotal { .. } => "same_total",
            QualityHint::AlwaysZero { .. } => "always_zero",
        }
    }

    pub fn class_id(&self) -> ClassId {
        match self {
            QualityHint::SameTotal { class_id, .. } | QualityHint::AlwaysZero { class_id, .. } => {
                *class_id
            }
        }
    }
}

/// The hints of a grade over its period, in the classes' order.
pub fn hints(days: &GradeDays) -> Vec<QualityHint> {
    let school_days: Vec<NaiveDate> = days.school_days.clone();
    let totals: Vec<BTreeMap<NaiveDate, u32>> = days
        .classes
        .iter()
        .map(|c| {
            c.days
                .iter()
                .filter(|d| school_days.binary_search(&d.date).is_ok())
                .map(|d| (d.date, d.total_minutes))
                .collect()
        })
        .collect();
    let reporting_homework = totals.iter().filter(|t| t.values().any(|m| *m > 0)).count();
    let mut out = Vec::new();
    for (class, totals) in days.classes.iter().zip(&totals) {
        let always_zero =
            !totals.is_empty() && totals.values().all(|m| *m == 0) && reporting_homework > 0;
        // A class of nothing but zeros gets that hint, not also "the same total".
        let same = longest_same_run(&school_days, totals)
            .filter(|(_, run)| run.len() >= SAME_RUN_DAYS && !always_zero);
        if let Some((total, run)) = same {
            out.push(QualityHint::SameTotal {
                class_id: class.class_id,
                name: class.name.clone(),
                total_minutes: total,
                days: run.len(),
                from: run[0],
                to: run[run.len() - 1],
            });
        }
        if always_zero {
            out.push(QualityHint::AlwaysZero {
                class_id: class.class_id,
                name: class.name.clone(),
                days: totals.len(),
                others: reporting_homework,
            });
        }
    }
    out
}

/// The longest run of consecutive school days, each reported with the same total (the first
/// such run when two are as long), and that total.
fn longest_same_run(
    school_days: &[NaiveDate],
    totals: &BTreeMap<NaiveDate, u32>,
) -> Option<(u32, Vec<NaiveDate>)> {
    let mut best: Option<(u32, Vec<NaiveDate>)> = None;
    let mut current: Option<(u32, Vec<NaiveDate>)> = None;
    for day in school_days {
        current = match (totals.get(day), current.take()) {
            (Some(t), Some((same, mut run))) if *t == same => {
                run.push(*day);
                Some((same, run))
            }
            (Some(t), _) => Some((*t, vec![*day])),
            (None, _) => None,
        };
        if let Some((t, run)) = &current {
            if best.as_ref().is_none_or(|(_, b)| run.len() > b.len()) {
                best = Some((*t, run.clone()));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Grade;
    use crate::api::{ClassDayTotals, DayTotal};

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, n).expect("a day")
    }

    fn grade(school_days: &[u32], classes: &[(&str, &[(u32, u32)])]) -> GradeDays {
        GradeDays {
            school_id: 1,
            grade: Grade::new(7).expect("grade 7"),
            from: day(1),
            to: day(30),
            limit_minutes: 90,
            school_days: school_days.iter().map(|d| day(*d)).collect(),
            classes: classes
                .iter()
                .enumerate()
                .map(|(i, (name, days))| ClassDayTotals {
                    class_id: i as i64 + 1,
                    name: (*name).to_owned(),
                    start: None,
                    days: days
                        .iter()
                        .map(|(d, m)| DayTotal { date: day(*d), total_minutes: *m })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Monday 2 November 2026 to Friday 13 November: ten school days.
    const SCHOOL: [u32; 10] = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13];

    #[test]
    fn five_school_days_running_of_one_total_is_a_hint_and_four_is_not() {
        // A weekend between does not break the run: it is not a school day.
        let five: &[(u32, u32)] =
            &[(4, 60), (5, 60), (6, 60), (7, 30), (9, 60), (10, 60), (11, 70)];
        let four: &[(u32, u32)] = &[(2, 60), (3, 60), (4, 60), (5, 60), (6, 61)];
        let h = hints(&grade(&SCHOOL, &[("7(1)", five), ("7(2)", four)]));
        assert_eq!(
            h,
            vec![QualityHint::SameTotal {
                class_id: 1,
                name: "7(1)".into(),
                total_minutes: 60,
                days: 5,
                from: day(4),
                to: day(10)
            }]
        );
    }

    #[test]
    fn a_school_day_without_a_report_breaks_the_run() {
        let gap: &[(u32, u32)] = &[(2, 60), (3, 60), (5, 60), (6, 60), (9, 60)];
        assert!(hints(&grade(&SCHOOL, &[("7(1)", gap)])).is_empty());
    }

    #[test]
    fn a_class_never_above_zero_is_a_hint_only_where_others_report_homework() {
        let zero: &[(u32, u32)] = &[(2, 0), (3, 0), (4, 0)];
        let some: &[(u32, u32)] = &[(2, 50), (3, 40)];
        let h = hints(&grade(&SCHOOL, &[("7(1)", zero), ("7(2)", some)]));
        assert_eq!(
            h,
            vec![QualityHint::AlwaysZero { class_id: 1, name: "7(1)".into(), days: 3, others: 1 }]
        );
        assert!(hints(&grade(&SCHOOL, &[("7(1)", zero), ("7(2)", zero)])).is_empty());
        // Five zeros running are one hint, not two.
        let zeros: &[(u32, u32)] = &[(2, 0), (3, 0), (4, 0), (5, 0), (6, 0)];
        let h = hints(&grade(&SCHOOL, &[("7(1)", zeros), ("7(2)", some)]));
        assert_eq!(h.iter().map(QualityHint::kind).collect::<Vec<_>>(), ["always_zero"]);
        // No school-day report at all is missing reports (a flag), not a zero.
        assert!(hints(&grade(&SCHOOL, &[("7(1)", &[(7, 0)]), ("7(2)", some)])).is_empty());
    }
}
