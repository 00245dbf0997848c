//! Tests of the flag engine: every rule of DESIGN.md and its edges, then invariants.

use super::*;
use crate::Window;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
fn grade(n: i64) -> Grade {
    Grade::new(n).unwrap()
}

/// Two weeks Monday 2026-11-09 .. Sunday 2026-11-22; "today" is Monday 2026-11-23.
fn window() -> Window {
    Window::new(d("2026-11-09"), d("2026-11-22")).unwrap()
}
const TODAY: &str = "2026-11-23";

/// The ten school days of [`window`].
fn school_days() -> Vec<NaiveDate> {
    SchoolCalendar::default().school_days(window()).collect()
}

/// A class that reported `totals` on the first school days of the window, and nothing after.
fn class(id: ClassId, totals: &[u32]) -> ClassDays {
    ClassDays {
        class_id: id,
        totals: school_days().into_iter().zip(totals.iter().copied()).collect(),
        start: None,
    }
}

/// A class that reported the same total on every school day of the window.
fn steady(id: ClassId, total: u32) -> ClassDays {
    class(id, &[total; 10])
}

fn evaluate(g: i64, policy: &Policy, classes: &[ClassDays]) -> GradeEvaluation {
    let calendar = SchoolCalendar::default();
    evaluate_grade(&GradeInput {
        grade: grade(g),
        policy,
        window: window(),
        today: d(TODAY),
        calendar: &calendar,
        classes,
    })
}

fn kinds(e: &ClassEvaluation) -> Vec<&'static str> {
    e.flags.iter().map(Flag::kind).collect()
}

fn flag<'a>(e: &'a ClassEvaluation, kind: &str) -> Option<&'a Flag> {
    e.flags.iter().find(|f| f.kind() == kind)
}

#[test]
fn a_class_average_is_the_mean_of_its_reported_day_totals() {
    let e = evaluate(7, &Policy::default(), &[class(1, &[60, 70, 80])]);
    let c = &e.classes[0];
    assert_eq!(c.days_reported, 3);
    assert_eq!(c.average_daily_minutes, Some(70.0));
}

#[test]
fn averages_are_rounded_to_one_decimal() {
    let e = evaluate(7, &Policy::default(), &[class(1, &[10, 10, 11])]);
    assert_eq!(e.classes[0].average_daily_minutes, Some(10.3));
}

#[test]
fn a_class_with_no_reports_has_no_average_and_no_deviation() {
    let e = evaluate(7, &Policy::default(), &[steady(1, 60), steady(2, 60), class(3, &[])]);
    let c = &e.classes[2];
    assert_eq!((c.days_reported, c.average_daily_minutes, c.deviation_minutes), (0, None, None));
    assert!(!c.counts_in_grade_average);
}

#[test]
fn reports_outside_the_window_are_ignored() {
    let mut c = steady(1, 50);
    c.totals.insert(d("2026-11-06"), 600);
    c.totals.insert(d("2026-11-23"), 600);
    let e = evaluate(7, &Policy::default(), &[c]);
    assert_eq!(e.classes[0].days_reported, 10);
    assert_eq!(e.classes[0].average_daily_minutes, Some(50.0));
    assert!(e.classes[0].flags.is_empty());
}

#[test]
fn a_weekend_report_is_weekend_homework_in_no_average_and_no_flag() {
    // Only school days count (DESIGN.md): a Saturday's 80 and a Sunday's 300 change nothing.
    let mut c = steady(1, 50);
    c.totals.insert(d("2026-11-14"), 80);
    c.totals.insert(d("2026-11-15"), 300);
    let e = evaluate(7, &Policy::default(), &[c]);
    assert_eq!(e.classes[0].days_reported, 10);
    assert_eq!(e.classes[0].average_daily_minutes, Some(50.0));
    assert!(e.classes[0].flags.is_empty());
}

#[test]
fn the_grade_average_weighs_every_qualifying_class_the_same() {
    // Class 1 reported 10 days at 40, class 2 only 3 days at 100: mean of means is 70.
    let e = evaluate(7, &Policy::default(), &[steady(1, 40), class(2, &[100, 100, 100])]);
    assert_eq!(e.grade_average_minutes, Some(70.0));
}

#[test]
fn a_class_under_min_days_is_left_out_of_the_grade_average_and_never_drifts() {
    let e = evaluate(7, &Policy::default(), &[steady(1, 40), steady(2, 42), class(3, &[89, 89])]);
    assert_eq!(e.grade_average_minutes, Some(41.0));
    let c = &e.classes[2];
    assert!(!c.counts_in_grade_average);
    assert_eq!(c.deviation_minutes, Some(48.0), "deviation is still shown");
    assert!(!kinds(c).iter().any(|k| k.starts_with("drift")), "{:?}", kinds(c));
}

#[test]
fn a_class_at_exactly_min_days_qualifies() {
    let e = evaluate(7, &Policy::default(), &[steady(1, 40), class(2, &[80, 80, 80])]);
    assert!(e.classes[1].counts_in_grade_average);
    assert_eq!(kinds(&e.classes[1]), ["drift_above", "missing_reports"]);
}

#[test]
fn no_class_drifts_where_only_one_class_qualifies() {
    let e = evaluate(7, &Policy::default(), &[steady(1, 80), class(2, &[10])]);
    assert_eq!(e.grade_average_minutes, Some(80.0));
    assert!(!e.drift_judged);
    assert!(e.classes.iter().all(|c| !kinds(c).iter().any(|k| k.starts_with("drift"))));
}

#[test]
fn a_grade_where_no_class_qualifies_has_no_average() {
    let e = evaluate(7, &Policy::default(), &[class(1, &[50]), class(2, &[60, 60])]);
    assert_eq!(e.grade_average_minutes, None);
    assert_eq!(e.classes[0].deviation_minutes, None);
}

#[test]
fn drift_uses_the_minimum_minutes_when_the_ratio_is_smaller() {
    // Grade average 40: 20% is 8 min, so the threshold is the 10-minute minimum.
    let e = evaluate(7, &Policy::default(), &[steady(1, 29), steady(2, 51)]);
    assert_eq!(e.grade_average_minutes, Some(40.0));
    assert_eq!(kinds(&e.classes[0]), ["drift_below"]);
    assert_eq!(kinds(&e.classes[1]), ["drift_above"]);
    let e = evaluate(7, &Policy::default(), &[steady(1, 30), steady(2, 50)]);
    assert!(e.classes.iter().all(|c| c.flags.is_empty()), "exactly 10 off is not more than 10");
}

#[test]
fn drift_uses_the_ratio_when_it_is_larger() {
    // Grade average 75: threshold max(10, 15) = 15. 60 and 90 are exactly 15 off: no drift.
    let e = evaluate(7, &Policy::default(), &[steady(1, 60), steady(2, 90)]);
    assert_eq!(e.grade_average_minutes, Some(75.0));
    assert!(e.classes.iter().all(|c| !kinds(c).iter().any(|k| k.starts_with("drift"))));
    // 59 and 91: average 75, 16 off: both drift.
    let e = evaluate(7, &Policy::default(), &[steady(1, 59), steady(2, 91)]);
    assert_eq!(kinds(&e.classes[0]), ["drift_below"]);
    assert!(kinds(&e.classes[1]).contains(&"drift_above"));
    let f = flag(&e.classes[1], "drift_above").unwrap();
    assert_eq!(
        f.reason,
        FlagReason::DriftAbove {
            average_daily_minutes: 91.0,
            grade_average_minutes: 75.0,
            deviation_minutes: 16.0,
            threshold_minutes: 15.0
        }
    );
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn deviation_and_its_ratio_are_given_for_every_class_with_an_average() {
    let e = evaluate(7, &Policy::default(), &[steady(1, 50), steady(2, 70), steady(3, 90)]);
    assert_eq!(e.grade_average_minutes, Some(70.0));
    assert_eq!(e.classes[0].deviation_minutes, Some(-20.0));
    assert_eq!(e.classes[0].deviation_ratio, Some(-0.286));
    assert_eq!(e.classes[1].deviation_minutes, Some(0.0));
    assert_eq!(e.classes[2].deviation_ratio, Some(0.286));
}

#[test]
fn a_day_above_the_limit_raises_a_daily_warning_with_its_date_and_total() {
    let e = evaluate(7, &Policy::default(), &[class(1, &[90, 91, 60])]);
    let c = &e.classes[0];
    assert_eq!(kinds(c), ["missing_reports", "over_daily_limit"]);
    let f = flag(c, "over_daily_limit").unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.reason,
        FlagReason::OverDailyLimit {
            date: d("2026-11-10"),
            total_minutes: 91,
            limit_minutes: 90,
            grade: grade(7)
        }
    );
    assert_eq!(f.message, "2026-11-10: 91 minutes of homework, 1 over the 90-minute daily limit");
    assert!(f.message_zh.contains("超出每日 90 分钟上限 1 分钟"), "{}", f.message_zh);
}

#[test]
fn in_grades_one_and_two_any_minutes_are_over_the_limit() {
    for g in [1, 2] {
        let e = evaluate(g, &Policy::default(), &[class(1, &[0, 0, 5, 0, 0, 0, 0, 0, 0, 0])]);
        let c = &e.classes[0];
        let daily: Vec<_> = c.flags.iter().filter(|f| f.kind() == "over_daily_limit").collect();
        assert_eq!(daily.len(), 1, "grade {g}");
        assert!(daily[0].message.contains("should have none"), "{}", daily[0].message);
        assert_eq!(kinds(c), ["over_average_limit", "over_daily_limit"]);
        assert!(flag(c, "over_average_limit").unwrap().message.contains("should have none"));
    }
}

#[test]
fn grades_one_and_two_with_zero_minutes_every_day_raise_nothing() {
    let e = evaluate(1, &Policy::default(), &[steady(1, 0), steady(2, 0)]);
    assert!(e.classes.iter().all(|c| c.flags.is_empty()));
    assert_eq!(e.limit_minutes, 0);
}

#[test]
fn an_average_above_the_limit_is_an_alert_and_at_the_limit_is_not() {
    let e = evaluate(4, &Policy::default(), &[steady(1, 60)]);
    assert!(e.classes[0].flags.is_empty());
    let e = evaluate(4, &Policy::default(), &[class(1, &[60, 60, 61])]);
    let f = flag(&e.classes[0], "over_average_limit").unwrap();
    assert_eq!(f.severity, Severity::Alert);
    assert_eq!(
        f.reason,
        FlagReason::OverAverageLimit {
            average_daily_minutes: 60.3,
            limit_minutes: 60,
            days_reported: 3,
            grade: grade(4)
        }
    );
    assert_eq!(
        f.message,
        "averaged 60.3 minutes a day over 3 reported days, 0.3 over the 60-minute limit"
    );
}

#[test]
fn the_average_limit_applies_even_under_min_days() {
    let e = evaluate(7, &Policy::default(), &[class(1, &[120])]);
    assert!(kinds(&e.classes[0]).contains(&"over_average_limit"));
}

#[test]
fn missing_reports_needs_two_missing_school_days() {
    let mut c = steady(1, 50);
    c.totals.remove(&d("2026-11-12"));
    let e = evaluate(7, &Policy::default(), &[c.clone()]);
    assert!(e.classes[0].flags.is_empty(), "one missing day is not flagged");
    c.totals.remove(&d("2026-11-20"));
    let e = evaluate(7, &Policy::default(), &[c]);
    let f = flag(&e.classes[0], "missing_reports").unwrap();
    assert_eq!(
        f.reason,
        FlagReason::MissingReports {
            missing_days: 2,
            missing_dates: vec![d("2026-11-12"), d("2026-11-20")]
        }
    );
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn missing_reports_ignores_weekends_around_the_gaps() {
    // Friday 13th and Monday 16th missing, the weekend between them never counts.
    let mut c = steady(1, 50);
    c.totals.remove(&d("2026-11-13"));
    c.totals.remove(&d("2026-11-16"));
    let e = evaluate(7, &Policy::default(), &[c]);
    let f = flag(&e.classes[0], "missing_reports").unwrap();
    assert!(matches!(&f.reason, FlagReason::MissingReports { missing_days: 2, .. }));
}

#[test]
fn missing_reports_respects_holidays() {
    let mut c = steady(1, 50);
    c.totals.remove(&d("2026-11-12"));
    c.totals.remove(&d("2026-11-13"));
    let calendar = SchoolCalendar::new([d("2026-11-13")].into(), Default::default());
    let policy = Policy::default();
    let e = evaluate_grade(&GradeInput {
        grade: grade(7),
        policy: &policy,
        window: window(),
        today: d(TODAY),
        calendar: &calendar,
        classes: &[c],
    });
    assert!(e.classes[0].flags.is_empty());
}

#[test]
fn today_and_later_are_never_missing() {
    // The window ends on Friday 20th and "today" is that Friday: nothing reported Thu or Fri.
    let mut c = steady(1, 50);
    c.totals.remove(&d("2026-11-19"));
    c.totals.remove(&d("2026-11-20"));
    let policy = Policy::default();
    let calendar = SchoolCalendar::default();
    let e = evaluate_grade(&GradeInput {
        grade: grade(7),
        policy: &policy,
        window: Window::new(d("2026-11-09"), d("2026-11-20")).unwrap(),
        today: d("2026-11-20"),
        calendar: &calendar,
        classes: &[c],
    });
    assert!(e.classes[0].flags.is_empty(), "only Thursday is missing so far");
}

#[test]
fn a_policy_change_changes_the_verdict() {
    let classes = [steady(1, 70), steady(2, 70)];
    assert!(
        evaluate(5, &Policy::default(), &classes).classes[0]
            .flags
            .iter()
            .any(|f| f.kind() == "over_average_limit")
    );
    let mut relaxed = Policy::default();
    relaxed.limits.insert(grade(5), 75);
    let e = evaluate(5, &relaxed, &classes);
    assert!(e.classes.iter().all(|c| c.flags.is_empty()));
    assert_eq!(e.limit_minutes, 75);
    // A stricter min_days takes a three-day class out of the grade average.
    let three_days = [steady(1, 40), class(2, &[80, 80, 80])];
    let strict = Policy { min_days: 4, ..Policy::default() };
    let e = evaluate(7, &strict, &three_days);
    assert_eq!(e.grade_average_minutes, Some(40.0));
    assert_eq!(kinds(&e.classes[1]), ["missing_reports"], "no drift any more");
}

#[test]
fn a_wider_drift_ratio_tolerates_more() {
    let classes = [steady(1, 50), steady(2, 80)];
    assert!(!evaluate(7, &Policy::default(), &classes).classes[1].flags.is_empty());
    let tolerant = Policy { drift_ratio: 0.25, ..Policy::default() }; // threshold 16.25 > 15
    let e = evaluate(7, &tolerant, &classes);
    assert!(e.classes.iter().all(|c| c.flags.is_empty()));
}

#[test]
fn day_flags_report_only_the_daily_limit() {
    let p = Policy::default();
    assert!(day_flags(1, grade(7), &p, d("2026-11-20"), 90).is_empty());
    let f = day_flags(1, grade(7), &p, d("2026-11-20"), 105);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].class_id, 1);
    assert_eq!(f[0].kind(), "over_daily_limit");
}

#[test]
fn a_flag_serialises_to_the_documented_shape() {
    let e = evaluate(7, &Policy::default(), &[steady(12, 104)]);
    let f = flag(&e.classes[0], "over_average_limit").unwrap();
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(json["kind"], "over_average_limit");
    assert_eq!(json["severity"], "alert");
    assert_eq!(json["class_id"], 12);
    assert_eq!(json["average_daily_minutes"], 104.0);
    assert_eq!(json["limit_minutes"], 90);
    assert!(json["message"].as_str().unwrap().contains("14.0 over the 90-minute limit"));
    let back: Flag = serde_json::from_value(json).unwrap();
    assert_eq!(&back, f);

    let daily = day_flags(3, grade(7), &Policy::default(), d("2026-11-20"), 100);
    let json = serde_json::to_value(&daily[0]).unwrap();
    assert_eq!(
        (json["date"].as_str(), json["total_minutes"].as_u64()),
        (Some("2026-11-20"), Some(100))
    );
}

// ---- invariants -------------------------------------------------------------------------------

/// Up to six classes of day totals on the window's dates (some days left out).
fn arb_classes() -> impl Strategy<Value = Vec<ClassDays>> {
    let day = proptest::option::weighted(0.8, 0u32..=200);
    proptest::collection::vec(proptest::collection::vec(day, 14), 1..6).prop_map(|classes| {
        classes
            .into_iter()
            .enumerate()
            .map(|(i, days)| ClassDays {
                class_id: i as ClassId + 1,
                totals: window()
                    .dates()
                    .zip(days)
                    .filter_map(|(date, t)| t.map(|t| (date, t)))
                    .collect(),
                start: None,
            })
            .collect()
    })
}

fn has(e: &ClassEvaluation, kind: &str) -> bool {
    flag(e, kind).is_some()
}

proptest! {
    #[test]
    fn raising_a_class_s_minutes_never_removes_its_over_limit_flags(
        classes in arb_classes(), g in 1i64..=9, pick in 0usize..6, extra in 1u32..100,
    ) {
        let policy = Policy::default();
        let i = pick % classes.len();
        let before = evaluate(g, &policy, &classes);
        let mut raised = classes.clone();
        for t in raised[i].totals.values_mut() { *t += extra; }
        let after = evaluate(g, &policy, &raised);
        if has(&before.classes[i], "over_average_limit") {
            prop_assert!(has(&after.classes[i], "over_average_limit"));
        }
        let daily = |e: &ClassEvaluation| e.flags.iter().filter(|f| f.kind() == "over_daily_limit").count();
        prop_assert!(daily(&after.classes[i]) >= daily(&before.classes[i]));
    }

    #[test]
    fn a_class_at_the_grade_average_never_drifts(classes in arb_classes(), g in 1i64..=9) {
        let policy = Policy::default();
        let e = evaluate(g, &policy, &classes);
        if let Some(avg) = e.grade_average_minutes {
            // Add a class that reports exactly the (rounded) grade average every day: it is at
            // most 0.05 from the new grade average, far inside the 10-minute minimum.
            let mut with = classes.clone();
            let at = avg.round() as u32;
            with.push(steady(99, at));
            let e = evaluate(g, &policy, &with);
            let c = e.classes.last().unwrap();
            prop_assert!(!has(c, "drift_above") && !has(c, "drift_below"), "{:?}", c.flags);
        }
    }

    #[test]
    fn drift_only_for_qualifying_classes_and_only_with_two_of_them(classes in arb_classes(), g in 1i64..=9) {
        let policy = Policy::default();
        let e = evaluate(g, &policy, &classes);
        let qualifying = e.classes.iter().filter(|c| c.counts_in_grade_average).count();
        for c in &e.classes {
            if has(c, "drift_above") || has(c, "drift_below") {
                prop_assert!(c.counts_in_grade_average && qualifying >= 2);
                prop_assert!(c.days_reported >= policy.min_days);
            }
        }
    }

    #[test]
    fn the_grade_average_lies_between_the_qualifying_class_averages(classes in arb_classes(), g in 1i64..=9) {
        let e = evaluate(g, &Policy::default(), &classes);
        let avgs: Vec<f64> = e.classes.iter().filter(|c| c.counts_in_grade_average).filter_map(|c| c.average_daily_minutes).collect();
        if let Some(gavg) = e.grade_average_minutes {
            let lo = avgs.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = avgs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(lo - 0.1 <= gavg && gavg <= hi + 0.1);
        } else {
            prop_assert!(avgs.is_empty());
        }
    }

    #[test]
    fn every_over_daily_flag_is_a_day_above_the_limit(classes in arb_classes(), g in 1i64..=9) {
        let policy = Policy::default();
        let e = evaluate(g, &policy, &classes);
        for (c, input) in e.classes.iter().zip(&classes) {
            // Weekend homework raises no flag: only school days count (DESIGN.md).
            let school = SchoolCalendar::default();
            let over = input
                .totals
                .iter()
                .filter(|(d, t)| school.is_school_day(**d) && **t > policy.limit(grade(g)))
                .count();
            let flagged = c.flags.iter().filter(|f| f.kind() == "over_daily_limit").count();
            prop_assert_eq!(over, flagged);
        }
    }

    #[test]
    fn the_class_order_does_not_change_any_verdict(classes in arb_classes(), g in 1i64..=9) {
        let policy = Policy::default();
        let e = evaluate(g, &policy, &classes);
        let mut reversed = classes.clone();
        reversed.reverse();
        let r = evaluate(g, &policy, &reversed);
        prop_assert_eq!(e.grade_average_minutes, r.grade_average_minutes);
        for c in &e.classes {
            let other = r.classes.iter().find(|x| x.class_id == c.class_id).unwrap();
            prop_assert_eq!(c, other);
        }
    }
}
