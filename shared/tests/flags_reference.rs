//! The flag engine against an independent reference: DESIGN.md's rules written out again here,
//! deliberately simply (exact fractions instead of floating point, one loop per rule, nothing of
//! the engine's own helpers), and property tests that compare the two over random policies
//! (limits, drift ratio and floor, `min_days`), random windows and "today", random holidays and
//! make-up days, reports inside and outside the window and on weekends, class start dates, and
//! every grade (1–2 with their limit of 0 among them).

#![allow(clippy::unwrap_used)]

use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;
use shared::calendar::SchoolCalendar;
use shared::flags::{ClassDays, FlagReason, GradeEvaluation, GradeInput, evaluate_grade};
use shared::{Grade, Policy, Window};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

// ---- exact fractions ------------------------------------------------------------------------

/// A fraction of whole numbers, always reduced, its denominator positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Q {
    n: i128,
    d: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

impl Q {
    fn new(n: i128, d: i128) -> Q {
        assert!(d != 0);
        let g = gcd(n, d).max(1);
        let s = if d < 0 { -1 } else { 1 };
        Q { n: s * n / g, d: s * d / g }
    }
    fn int(n: i128) -> Q {
        Q::new(n, 1)
    }
    fn add(self, o: Q) -> Q {
        Q::new(self.n * o.d + o.n * self.d, self.d * o.d)
    }
    fn sub(self, o: Q) -> Q {
        Q::new(self.n * o.d - o.n * self.d, self.d * o.d)
    }
    fn mul(self, o: Q) -> Q {
        Q::new(self.n * o.n, self.d * o.d)
    }
    fn abs(self) -> Q {
        Q::new(self.n.abs(), self.d)
    }
    fn max(self, o: Q) -> Q {
        if self.cmp(&o) == Ordering::Less { o } else { self }
    }
    fn f64(self) -> f64 {
        self.n as f64 / self.d as f64
    }
}

impl PartialOrd for Q {
    fn partial_cmp(&self, o: &Q) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Q {
    fn cmp(&self, o: &Q) -> Ordering {
        (self.n * o.d).cmp(&(o.n * self.d))
    }
}

// ---- the reference: DESIGN.md, rule by rule -------------------------------------------------

/// "School days are Monday–Friday less the school's holidays, plus its make-up days."
fn is_school_day(
    d: NaiveDate,
    holidays: &BTreeSet<NaiveDate>,
    makeup: &BTreeSet<NaiveDate>,
) -> bool {
    let weekday = !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    makeup.contains(&d) || (weekday && !holidays.contains(&d))
}

/// What the rules say about one class.
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    days_reported: u32,
    average: Option<Q>,
    counts: bool,
    over_daily: BTreeSet<NaiveDate>,
    over_average: bool,
    /// `Some(true)` above, `Some(false)` below, `None` no drift; `Err(())` too close to the
    /// threshold for floating point to decide (the engine may say either).
    drift: Result<Option<bool>, ()>,
    missing: Vec<NaiveDate>,
}

#[derive(Debug)]
struct Case {
    grade: Grade,
    policy: Policy,
    /// The drift ratio in thousandths (the policy holds it as m / 1000).
    ratio_milli: i128,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    holidays: BTreeSet<NaiveDate>,
    makeup: BTreeSet<NaiveDate>,
    classes: Vec<ClassDays>,
}

fn reference(case: &Case) -> (Option<Q>, bool, Vec<Expected>) {
    let limit = case.policy.limit(case.grade);
    let school_day = |d: NaiveDate| is_school_day(d, &case.holidays, &case.makeup);
    let in_window = |d: NaiveDate| case.from <= d && d <= case.to;

    // Class average: the mean of the day totals over the school days it reported in the window.
    let mut per_class = Vec::new();
    for class in &case.classes {
        let mut days = 0u32;
        let mut sum = 0i128;
        for (date, total) in &class.totals {
            if in_window(*date) && school_day(*date) {
                days += 1;
                sum += i128::from(*total);
            }
        }
        let average = (days > 0).then(|| Q::new(sum, i128::from(days)));
        per_class.push((days, average));
    }

    // Grade average: the mean of the averages of the classes with at least `min_days` days.
    let qualifying: Vec<Q> = per_class
        .iter()
        .filter(|(days, _)| *days >= case.policy.min_days)
        .filter_map(|(_, a)| *a)
        .collect();
    let grade_average = (!qualifying.is_empty()).then(|| {
        let mut total = Q::int(0);
        for a in &qualifying {
            total = total.add(*a);
        }
        total.mul(Q::new(1, qualifying.len() as i128))
    });
    let drift_judged = qualifying.len() >= 2;

    let mut expected = Vec::new();
    for (class, (days, average)) in case.classes.iter().zip(per_class) {
        let counts = average.is_some() && days >= case.policy.min_days;

        let mut over_daily = BTreeSet::new();
        for (date, total) in &class.totals {
            if in_window(*date) && school_day(*date) && *total > limit {
                over_daily.insert(*date);
            }
        }

        let over_average = average.is_some_and(|a| a > Q::int(i128::from(limit)));

        let mut drift = Ok(None);
        if let (true, true, Some(a), Some(g)) = (drift_judged, counts, average, grade_average) {
            let floor = Q::int(i128::from(case.policy.drift_min_minutes));
            let threshold = floor.max(Q::new(case.ratio_milli, 1000).mul(g));
            let deviation = a.sub(g);
            let beyond = deviation.abs().sub(threshold);
            drift = if beyond > Q::int(0) && beyond.f64() < 1e-7 {
                Err(())
            } else if beyond > Q::int(0) {
                Ok(Some(deviation > Q::int(0)))
            } else {
                Ok(None)
            };
        }

        // Missing: school days of the window up to yesterday, from the class's start, without
        // a report.
        let mut missing = Vec::new();
        let mut d = case.from;
        while d <= case.to {
            let started = class.start.is_none_or(|s| s <= d);
            if d < case.today && started && school_day(d) && !class.totals.contains_key(&d) {
                missing.push(d);
            }
            d = d.succ_opt().unwrap();
        }

        expected.push(Expected {
            days_reported: days,
            average,
            counts,
            over_daily,
            over_average,
            drift,
            missing,
        });
    }
    (grade_average, drift_judged, expected)
}

fn engine(case: &Case) -> GradeEvaluation {
    let calendar = SchoolCalendar::new(case.holidays.clone(), case.makeup.clone());
    evaluate_grade(&GradeInput {
        grade: case.grade,
        policy: &case.policy,
        window: Window::new(case.from, case.to).unwrap(),
        today: case.today,
        calendar: &calendar,
        classes: &case.classes,
    })
}

/// Compares the engine's verdicts with the reference's; the reason for the first difference.
fn compare(case: &Case) -> Result<(), String> {
    let (grade_average, drift_judged, expected) = reference(case);
    let got = engine(case);
    let near = |shown: Option<f64>, exact: Option<Q>| match (shown, exact) {
        (None, None) => true,
        (Some(s), Some(e)) => (s - e.f64()).abs() <= 0.05 + 1e-9,
        _ => false,
    };
    if !near(got.grade_average_minutes, grade_average) {
        return Err(format!(
            "grade average {:?}, expected {grade_average:?}",
            got.grade_average_minutes
        ));
    }
    if got.drift_judged != drift_judged {
        return Err(format!("drift judged {}, expected {drift_judged}", got.drift_judged));
    }
    if got.limit_minutes != case.policy.limit(case.grade) {
        return Err("the limit".into());
    }
    for (c, e) in got.classes.iter().zip(&expected) {
        let who = format!("class {}", c.class_id);
        if c.days_reported != e.days_reported {
            return Err(format!("{who}: days_reported {} != {}", c.days_reported, e.days_reported));
        }
        if !near(c.average_daily_minutes, e.average) {
            return Err(format!("{who}: average {:?} != {:?}", c.average_daily_minutes, e.average));
        }
        if c.counts_in_grade_average != e.counts {
            return Err(format!(
                "{who}: counts in the grade average {}",
                c.counts_in_grade_average
            ));
        }
        let mut over_daily = BTreeSet::new();
        let mut over_average = false;
        let mut drift = None;
        let mut missing = Vec::new();
        for f in &c.flags {
            match &f.reason {
                FlagReason::OverDailyLimit { date, .. } => {
                    over_daily.insert(*date);
                }
                FlagReason::OverAverageLimit { .. } => over_average = true,
                FlagReason::DriftAbove { .. } => drift = Some(true),
                FlagReason::DriftBelow { .. } => drift = Some(false),
                FlagReason::MissingReports { missing_dates, missing_days } => {
                    if *missing_days as usize != missing_dates.len() {
                        return Err(format!("{who}: missing_days {missing_days}"));
                    }
                    missing = missing_dates.clone();
                }
                #[allow(unreachable_patterns)]
                _ => {}
            }
        }
        if over_daily != e.over_daily {
            return Err(format!("{who}: over daily {over_daily:?} != {:?}", e.over_daily));
        }
        if over_average != e.over_average {
            return Err(format!("{who}: over average {over_average} != {}", e.over_average));
        }
        if let Ok(expected_drift) = e.drift {
            if drift != expected_drift {
                return Err(format!("{who}: drift {drift:?} != {expected_drift:?}"));
            }
        }
        let expected_missing = if e.missing.len() >= 2 { e.missing.clone() } else { Vec::new() };
        if missing != expected_missing {
            return Err(format!("{who}: missing {missing:?} != {expected_missing:?}"));
        }
    }
    Ok(())
}

// ---- random cases ---------------------------------------------------------------------------

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn plus(date: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 { date + Days::new(n as u64) } else { date - Days::new(n.unsigned_abs()) }
}

/// A class: its start (maybe), and day totals on days around the window. Some classes report
/// the same total every day (so that averages meet thresholds exactly), others any totals.
fn arb_class() -> impl Strategy<Value = (Option<i64>, bool, u32, Vec<(i64, u32)>)> {
    (
        proptest::option::of(-12i64..40),
        any::<bool>(),
        prop_oneof![Just(0u32), Just(40), Just(50), Just(60), Just(70), Just(90), 0u32..=200],
        proptest::collection::vec((-6i64..42, 0u32..=200), 0..30),
    )
}

prop_compose! {
    fn arb_case()(
        grade in prop_oneof![1i64..=2, 1i64..=9],
        limit in prop_oneof![Just(None), Just(Some(0u32)), Just(Some(60)), (0u32..=150).prop_map(Some)],
        ratio_milli in prop_oneof![Just(200i128), 0i128..=600],
        floor in prop_oneof![Just(10u32), 0u32..=30],
        min_days in 0u32..=6,
        start in 0i64..120,
        length in 1i64..=35,
        today in -5i64..45,
        holidays in proptest::collection::vec(-3i64..40, 0..6),
        makeup in proptest::collection::vec(-3i64..40, 0..4),
        classes in proptest::collection::vec(arb_class(), 1..6),
    ) -> Case {
        let grade = Grade::new(grade).unwrap();
        let mut policy = Policy::default();
        if let Some(limit) = limit {
            policy.limits.insert(grade, limit);
        }
        policy.drift_ratio = ratio_milli as f64 / 1000.0;
        policy.drift_min_minutes = floor;
        policy.min_days = min_days;
        let from = plus(d("2026-08-31"), start);
        let to = plus(from, length - 1);
        let holidays = holidays.into_iter().map(|o| plus(from, o)).collect();
        // A make-up day is a Saturday or Sunday: the offset moves to the next weekend day.
        let makeup = makeup
            .into_iter()
            .map(|o| {
                let mut day = plus(from, o);
                while !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                    day = day.succ_opt().unwrap();
                }
                day
            })
            .collect();
        let classes = classes
            .into_iter()
            .enumerate()
            .map(|(i, (start, steady, base, days))| ClassDays {
                class_id: i as i64 + 1,
                totals: days
                    .into_iter()
                    .map(|(o, t)| (plus(from, o), if steady { base } else { t }))
                    .collect::<BTreeMap<_, _>>(),
                start: start.map(|s| plus(from, s)),
            })
            .collect();
        Case {
            grade,
            policy,
            ratio_milli,
            from,
            to,
            today: plus(from, today),
            holidays,
            makeup,
            classes,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_agrees_with_the_reference_on_random_cases(case in arb_case()) {
        if let Err(why) = compare(&case) {
            prop_assert!(false, "{why}");
        }
    }
}

// ---- edges the random cases rarely meet, each checked against the reference too ---------------

fn case_of(grade: i64, classes: Vec<ClassDays>) -> Case {
    // Monday 2 November .. Sunday 15 November 2026; today Monday 16th.
    Case {
        grade: Grade::new(grade).unwrap(),
        policy: Policy::default(),
        ratio_milli: 200,
        from: d("2026-11-02"),
        to: d("2026-11-15"),
        today: d("2026-11-16"),
        holidays: BTreeSet::new(),
        makeup: BTreeSet::new(),
        classes,
    }
}

fn steady(id: i64, total: u32, days: &[&str]) -> ClassDays {
    ClassDays { class_id: id, totals: days.iter().map(|x| (d(x), total)).collect(), start: None }
}

const WEEKDAYS: [&str; 10] = [
    "2026-11-02",
    "2026-11-03",
    "2026-11-04",
    "2026-11-05",
    "2026-11-06",
    "2026-11-09",
    "2026-11-10",
    "2026-11-11",
    "2026-11-12",
    "2026-11-13",
];

#[test]
fn a_class_exactly_at_the_drift_threshold_does_not_drift_and_one_minute_more_does() {
    // Grade average 80 (two classes 70 and 90): the threshold is max(10, 16) = 16.
    for (low, high, drifts) in [(64, 96, false), (63, 97, true)] {
        let c = case_of(7, vec![steady(1, low, &WEEKDAYS), steady(2, high, &WEEKDAYS)]);
        compare(&c).unwrap();
        let e = engine(&c);
        assert_eq!(e.classes[0].flags.iter().any(|f| f.kind() == "drift_below"), drifts);
    }
}

#[test]
fn a_class_exactly_at_its_limit_is_not_over_it() {
    let c = case_of(7, vec![steady(1, 90, &WEEKDAYS)]);
    compare(&c).unwrap();
    assert!(engine(&c).classes[0].flags.is_empty());
}

#[test]
fn weekend_homework_enters_no_average_and_no_flag() {
    // 104–115 minutes every school day, and a Sunday's 0 recorded by mistake (issue 17).
    let mut class = steady(1, 110, &WEEKDAYS);
    class.totals.insert(d("2026-11-08"), 0);
    class.totals.insert(d("2026-11-14"), 300);
    let c = case_of(7, vec![class]);
    compare(&c).unwrap();
    let e = engine(&c);
    assert_eq!(e.classes[0].days_reported, 10);
    assert_eq!(e.classes[0].average_daily_minutes, Some(110.0));
    assert!(e.classes[0].flags.iter().all(|f| f.kind() != "over_daily_limit"
        || !matches!(f.reason, FlagReason::OverDailyLimit { date, .. } if date == d("2026-11-14"))));
}

#[test]
fn a_holiday_report_is_weekend_homework_and_a_make_up_day_is_a_school_day() {
    let mut c = case_of(3, vec![steady(1, 50, &WEEKDAYS[..9])]);
    c.holidays.insert(d("2026-11-13")); // Friday off: its missing report is not missing
    c.makeup.insert(d("2026-11-14")); // Saturday kept: unreported, it is missing
    c.classes[0].totals.insert(d("2026-11-13"), 200); // a holiday's report: no flag
    compare(&c).unwrap();
    let e = engine(&c);
    assert_eq!(e.classes[0].days_reported, 9);
    let kinds: Vec<&str> = e.classes[0].flags.iter().map(|f| f.kind()).collect();
    assert!(kinds.is_empty(), "one missing day is not a flag: {kinds:?}");
    c.classes[0].totals.remove(&d("2026-11-12"));
    compare(&c).unwrap();
    let e = engine(&c);
    let missing = e.classes[0].flags.iter().find_map(|f| match &f.reason {
        FlagReason::MissingReports { missing_dates, .. } => Some(missing_dates.clone()),
        _ => None,
    });
    assert_eq!(missing, Some(vec![d("2026-11-12"), d("2026-11-14")]));
}

#[test]
fn a_class_set_up_today_has_missed_nothing_and_one_set_up_on_a_wednesday_misses_from_then() {
    let mut c = case_of(7, vec![steady(1, 60, &[]), steady(2, 60, &[])]);
    c.classes[0].start = Some(d("2026-11-16"));
    c.classes[1].start = Some(d("2026-11-11"));
    compare(&c).unwrap();
    let e = engine(&c);
    assert!(e.classes[0].flags.is_empty());
    let missing = e.classes[1].flags.iter().find_map(|f| match &f.reason {
        FlagReason::MissingReports { missing_days, .. } => Some(*missing_days),
        _ => None,
    });
    assert_eq!(missing, Some(3)); // Wednesday 11th to Friday 13th
}

#[test]
fn in_grades_1_and_2_any_minutes_on_a_school_day_are_over_the_limit() {
    let mut class = steady(1, 0, &WEEKDAYS);
    class.totals.insert(d("2026-11-04"), 1);
    class.totals.insert(d("2026-11-07"), 30); // Saturday: weekend homework
    let c = case_of(1, vec![class]);
    compare(&c).unwrap();
    let e = engine(&c);
    let days: Vec<NaiveDate> = e.classes[0]
        .flags
        .iter()
        .filter_map(|f| match f.reason {
            FlagReason::OverDailyLimit { date, .. } => Some(date),
            _ => None,
        })
        .collect();
    assert_eq!(days, vec![d("2026-11-04")]);
}
