//! The flag engine, `shared::flags::evaluate_grade`, on any classes, day totals, holidays,
//! make-up days, class starts and policy numbers: it never panics, and its verdicts keep the
//! rules of DESIGN.md — averages over the reported school days in the window, drift only for
//! qualifying classes, only where two qualify and exactly beyond its threshold, a daily flag for
//! exactly the school days over the limit, exactly the missing days (school days from the
//! class's start and before today without a report, none left out), and the same verdicts
//! whatever order the classes come in.

#![no_main]

use arbitrary::Arbitrary;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use libfuzzer_sys::fuzz_target;
use shared::calendar::SchoolCalendar;
use shared::flags::{ClassDays, FlagReason, GradeInput, evaluate_grade};
use shared::{Grade, Policy, Window};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Arbitrary)]
struct Case {
    grade: u8,
    limit: u32,
    drift_ratio: Ratio,
    drift_min_minutes: u32,
    min_days: u8,
    /// Window start, in days after 2024-01-01, and its length less one (up to 365).
    start: u16,
    length: u16,
    /// Today, in days after the window's start (may be before or after it).
    today: i16,
    holidays: Vec<u16>,
    /// Weekend days (offsets from the window's start) kept as make-up school days.
    makeup: Vec<u16>,
    /// Per class: its start (day offset from 30 days before the window, if known) and its
    /// (day offset from 30 days before the window, total minutes).
    classes: Vec<(Option<u16>, Vec<(u16, u32)>)>,
}

#[derive(Debug, Arbitrary)]
enum Ratio {
    /// Thousandths, 0 to 65.535 (a valid policy keeps it within 0–1).
    Milli(u16),
    /// Whatever a float can be: NaN, infinities, negatives.
    Raw(f64),
}

const EPSILON: f64 = 1e-9;

fuzz_target!(|case: Case| {
    let Ok(grade) = Grade::new(i64::from(case.grade % 9) + 1) else { return };
    let mut policy = Policy::default();
    policy.limits.insert(grade, case.limit);
    policy.drift_ratio = match case.drift_ratio {
        Ratio::Milli(m) => f64::from(m) / 1000.0,
        Ratio::Raw(r) => r,
    };
    policy.drift_min_minutes = case.drift_min_minutes;
    policy.min_days = u32::from(case.min_days);
    let base = NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let from = base + Days::new(u64::from(case.start % 4000));
    let to = from + Days::new(u64::from(case.length % 366));
    let Ok(window) = Window::new(from, to) else { return };
    let today = if case.today >= 0 {
        from + Days::new(case.today as u64)
    } else {
        from - Days::new(u64::from(case.today.unsigned_abs()))
    };
    let holidays: BTreeSet<NaiveDate> =
        case.holidays.iter().map(|d| from + Days::new(u64::from(d % 400))).collect();
    let makeup: BTreeSet<NaiveDate> = case
        .makeup
        .iter()
        .map(|d| from + Days::new(u64::from(d % 400)))
        .filter(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    let calendar = SchoolCalendar::new(holidays.clone(), makeup.clone());
    let school_day = |d: &NaiveDate| {
        makeup.contains(d)
            || (!matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(d))
    };
    let early = from - Days::new(30);
    let classes: Vec<ClassDays> = case
        .classes
        .iter()
        .enumerate()
        .map(|(i, (start, days))| ClassDays {
            class_id: i as i64 + 1,
            totals: days.iter().map(|(d, t)| (early + Days::new(u64::from(d % 420)), *t)).collect(),
            start: start.map(|s| early + Days::new(u64::from(s % 420))),
        })
        .collect();
    let input = GradeInput {
        grade,
        policy: &policy,
        window,
        today,
        calendar: &calendar,
        classes: &classes,
    };
    let result = evaluate_grade(&input);

    let limit = f64::from(policy.limit(grade));
    assert_eq!(result.limit_minutes, policy.limit(grade));
    assert_eq!(result.classes.len(), classes.len());
    let mut qualifying = Vec::new();
    for (class, verdict) in classes.iter().zip(&result.classes) {
        assert_eq!(verdict.class_id, class.class_id);
        let in_window: BTreeMap<NaiveDate, u32> = class
            .totals
            .iter()
            .filter(|(d, _)| window.contains(**d) && school_day(d))
            .map(|(d, t)| (*d, *t))
            .collect();
        let days = in_window.len() as u32;
        assert_eq!(verdict.days_reported, days);
        let average = (days > 0).then(|| {
            in_window.values().map(|t| u64::from(*t)).sum::<u64>() as f64 / f64::from(days)
        });
        assert_eq!(verdict.average_daily_minutes.is_some(), average.is_some());
        let qualifies = days > 0 && days >= policy.min_days;
        assert_eq!(verdict.counts_in_grade_average, qualifies);
        if qualifies {
            qualifying.extend(average);
        }

        let mut over_days = BTreeSet::new();
        let mut over_average = false;
        let mut missing_flagged = Vec::new();
        for flag in &verdict.flags {
            assert_eq!(flag.class_id, class.class_id);
            assert!(!flag.message.is_empty() && !flag.message_zh.is_empty());
            match &flag.reason {
                FlagReason::OverDailyLimit { date, total_minutes, .. } => {
                    assert_eq!(in_window.get(date), Some(total_minutes), "a day not in the window");
                    assert!(*total_minutes > policy.limit(grade));
                    over_days.insert(*date);
                }
                FlagReason::OverAverageLimit { .. } => over_average = true,
                FlagReason::DriftAbove { deviation_minutes, threshold_minutes, .. } => {
                    assert!(
                        qualifies && result.drift_judged,
                        "drift on a class that does not qualify"
                    );
                    assert!(*deviation_minutes >= 0.0);
                    assert!(*deviation_minutes >= *threshold_minutes - 0.1, "drift under its threshold");
                }
                FlagReason::DriftBelow { deviation_minutes, threshold_minutes, .. } => {
                    assert!(
                        qualifies && result.drift_judged,
                        "drift on a class that does not qualify"
                    );
                    assert!(*deviation_minutes <= 0.0);
                    assert!(-*deviation_minutes >= *threshold_minutes - 0.1, "drift under its threshold");
                }
                FlagReason::MissingReports { missing_days, missing_dates } => {
                    assert_eq!(*missing_days as usize, missing_dates.len());
                    assert!(missing_dates.len() >= 2);
                    for d in missing_dates {
                        assert!(
                            window.contains(*d) && *d < today,
                            "{d} is not a past day of the window"
                        );
                        assert!(
                            !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
                                || makeup.contains(d),
                            "{d} is a weekend, not a make-up day"
                        );
                        assert!(!holidays.contains(d) || makeup.contains(d), "{d} is a holiday");
                        assert!(!class.totals.contains_key(d), "{d} was reported");
                    }
                    missing_flagged = missing_dates.clone();
                }
                FlagReason::ActualAboveExpected { .. } => {
                    panic!("the grade's engine judges no plans: actual_above_expected is raised beside it")
                }
            }
        }
        // No missing day is left out: exactly the school days from the class's start and
        // before today without a report, flagged from two of them on.
        let missing: Vec<NaiveDate> = window
            .dates()
            .filter(|d| *d < today && class.start.is_none_or(|s| s <= *d))
            .filter(|d| school_day(d) && !class.totals.contains_key(d))
            .collect();
        if missing.len() >= 2 {
            assert_eq!(missing_flagged, missing, "the missing days");
        } else {
            assert!(missing_flagged.is_empty(), "fewer than two missing days flagged");
        }
        let expected_over: BTreeSet<NaiveDate> =
            in_window.iter().filter(|(_, t)| **t > policy.limit(grade)).map(|(d, _)| *d).collect();
        assert_eq!(over_days, expected_over, "the days over the limit");
        assert_eq!(
            over_average,
            average.is_some_and(|a| a > limit + EPSILON),
            "over the average limit"
        );
    }
    assert_eq!(result.drift_judged, qualifying.len() >= 2);
    // A qualifying class beyond the threshold drifts; one within it does not.
    if let (true, Some(_)) = (result.drift_judged, result.grade_average_minutes) {
        let grade_average = qualifying.iter().sum::<f64>() / qualifying.len() as f64;
        let threshold = f64::from(policy.drift_min_minutes).max(policy.drift_ratio * grade_average);
        for verdict in result.classes.iter().filter(|v| v.counts_in_grade_average) {
            let Some(avg) = verdict.average_daily_minutes else { continue };
            let drifts = verdict.flags.iter().any(|f| {
                matches!(f.reason, FlagReason::DriftAbove { .. } | FlagReason::DriftBelow { .. })
            });
            // The shown average is rounded to 0.1: decide only away from the edge.
            let deviation = (avg - grade_average).abs();
            if threshold.is_finite() && deviation > threshold + 0.2 {
                assert!(drifts, "a class {deviation} from the grade average did not drift");
            }
            if threshold.is_finite() && deviation + 0.2 < threshold {
                assert!(!drifts, "a class {deviation} from the grade average drifted");
            }
        }
    }
    if let Some(grade_average) = result.grade_average_minutes {
        let lo = qualifying.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = qualifying.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert!(
            grade_average >= lo - 0.05 && grade_average <= hi + 0.05,
            "grade average {grade_average} outside {lo}..{hi}"
        );
    } else {
        assert!(qualifying.is_empty());
    }

    // The order the classes come in changes no verdict.
    let reversed: Vec<ClassDays> = classes.iter().rev().cloned().collect();
    let again = evaluate_grade(&GradeInput { classes: &reversed, ..input });
    assert_eq!(again.grade_average_minutes, result.grade_average_minutes);
    for (a, b) in result.classes.iter().zip(again.classes.iter().rev()) {
        assert_eq!(a, b, "a verdict changed with the order of classes");
    }
});
