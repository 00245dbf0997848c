use super::*;
use proptest::prelude::*;

fn g(n: i64) -> Grade {
    Grade::new(n).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn item(kind: ItemKind, minutes: u32, optional: bool) -> PlanItem {
    PlanItem { content: "练习册 P12".into(), kind, expected_minutes: minutes, optional }
}

fn input(content: &str, kind: &str, minutes: i64) -> PlanItemInput {
    PlanItemInput {
        content: content.into(),
        kind: kind.into(),
        expected_minutes: minutes,
        optional: false,
    }
}

#[test]
fn only_required_written_items_count_toward_the_expected_minutes() {
    let items = [
        item(ItemKind::Written, 20, false),
        item(ItemKind::Written, 15, true),
        item(ItemKind::Oral, 10, false),
        item(ItemKind::Reading, 30, false),
        item(ItemKind::Written, 5, false),
    ];
    assert_eq!(expected_minutes(&items), 25);
}

#[test]
fn a_day_over_the_limit_needs_approval_and_within_it_is_open() {
    let a = [item(ItemKind::Written, 50, false)];
    let b = [item(ItemKind::Written, 40, false)];
    let c = [item(ItemKind::Written, 41, false)];
    assert_eq!(status_after_change(g(7), 90, [&a[..], &b[..]]), DayStatus::Open);
    assert_eq!(status_after_change(g(7), 90, [&a[..], &c[..]]), DayStatus::NeedsApproval);
}

#[test]
fn in_grades_one_and_two_any_required_written_item_needs_approval() {
    let zero = [item(ItemKind::Written, 0, false)];
    let oral = [item(ItemKind::Oral, 20, false), item(ItemKind::Written, 10, true)];
    assert_eq!(status_after_change(g(1), 0, [&zero[..]]), DayStatus::NeedsApproval);
    assert_eq!(status_after_change(g(2), 0, [&oral[..]]), DayStatus::Open);
    assert_eq!(status_after_change(g(3), 0, [&zero[..]]), DayStatus::Open);
}

#[test]
fn only_a_day_waiting_for_approval_can_be_reviewed() {
    use DayStatus::*;
    assert_eq!(status_after_review(NeedsApproval, Decision::Approved), Some(Approved));
    assert_eq!(status_after_review(NeedsApproval, Decision::Returned), Some(Returned));
    for s in [Open, Approved, Returned] {
        assert_eq!(status_after_review(s, Decision::Approved), None);
    }
}

#[test]
fn items_are_checked_field_by_field() {
    assert!(validate_items(&[input("P12", "written", 20)]).is_ok());
    let codes = |i: PlanItemInput| {
        validate_items(&[i]).unwrap_err().iter().map(InvalidItem::code).collect::<Vec<_>>()
    };
    assert_eq!(codes(input("  ", "written", 20)), ["invalid_content"]);
    assert_eq!(codes(input(&"字".repeat(501), "written", 20)), ["invalid_content"]);
    assert!(validate_items(&[input(&"字".repeat(500), "written", 20)]).is_ok());
    assert_eq!(codes(input("P12", "essay", 20)), ["invalid_kind"]);
    assert_eq!(codes(input("P12", "written", 241)), ["minutes_out_of_range"]);
    assert_eq!(codes(input("P12", "written", -1)), ["minutes_out_of_range"]);
    assert!(validate_items(&[input("P12", "written", 240)]).is_ok());
}

#[test]
fn the_notice_hides_a_pending_day() {
    let plan = SubjectPlan {
        class_id: 1,
        date: d("2026-12-07"),
        subject: "math".into(),
        items: vec![item(ItemKind::Written, 100, false)],
        expected_minutes: 100,
        filed_by: "Ms Li".into(),
        updated_at: "2026-12-07T01:00:00Z".into(),
        version: 1,
    };
    let day = DayPlan::new(1, plan.date, 90, vec![plan], Some(DayStatus::NeedsApproval), None);
    let n = PublicNotice::of(&day, "School", "7(1)", g(7));
    assert_eq!((n.status.as_str(), n.subjects.len()), ("pending", 0));
    assert_eq!(n.expected_written_minutes, None);
    let day = DayPlan { status: DayStatus::Approved, ..day };
    let n = PublicNotice::of(&day, "School", "7(1)", g(7));
    assert_eq!((n.status.as_str(), n.subjects.len()), ("approved", 1));
    let json = serde_json::to_string(&n).unwrap();
    assert!(!json.contains("Ms Li"), "{json}");
}

#[test]
fn a_subject_far_above_its_estimate_is_flagged_on_paired_school_days_only() {
    let policy = Policy::default();
    let days = ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"].map(d);
    let school_days: BTreeSet<_> = days.into_iter().collect();
    let mut plans = BTreeMap::new();
    let mut reports = BTreeMap::new();
    for day in days {
        plans.insert(day, BTreeMap::from([("math".to_owned(), 20), ("chinese".to_owned(), 0)]));
        reports.insert(day, BTreeMap::from([("math".to_owned(), 40), ("chinese".to_owned(), 60)]));
    }
    // A Saturday with a plan and a report does not count.
    plans.insert(d("2026-12-05"), BTreeMap::from([("math".to_owned(), 20)]));
    reports.insert(d("2026-12-05"), BTreeMap::from([("math".to_owned(), 200)]));
    let e = expected_vs_actual(&school_days, &reports, &plans, &policy);
    assert_eq!(
        e.rows,
        vec![ExpectedActual {
            subject: "math".into(),
            days: 4,
            expected_average: 20.0,
            actual_average: 40.0
        }]
    );
    assert_eq!(e.above.len(), 1);
    assert_eq!(e.above[0].threshold_minutes, 10.0);
    // A report without the subject counts 0 minutes.
    reports.insert(days[0], BTreeMap::new());
    let e = expected_vs_actual(&school_days, &reports, &plans, &policy);
    assert_eq!(e.rows[0].actual_average, 30.0);
}

/// The status rule, written out on its own: sum each day's required written minutes; over the
/// limit (or in grades 1–2 any required written item) needs approval.
fn reference_status(grade: u8, limit: u32, days: &[Vec<(u8, u32, bool)>]) -> DayStatus {
    let mut total = 0;
    let mut any = false;
    for subject in days {
        for &(kind, minutes, optional) in subject {
            if kind == 0 && !optional {
                total += minutes;
                any = true;
            }
        }
    }
    if total > limit || (grade <= 2 && any) { DayStatus::NeedsApproval } else { DayStatus::Open }
}

proptest! {
    #[test]
    fn the_day_status_matches_a_reference(
        grade in 1u8..=9,
        limit in 0u32..=120,
        subjects in prop::collection::vec(
            prop::collection::vec((0u8..4, 0u32..=240, any::<bool>()), 0..5), 0..6),
    ) {
        let plans: Vec<Vec<PlanItem>> = subjects
            .iter()
            .map(|s| s.iter().map(|&(k, m, o)| item(ItemKind::ALL[k as usize], m, o)).collect())
            .collect();
        let got = status_after_change(g(i64::from(grade)), limit, plans.iter().map(Vec::as_slice));
        prop_assert_eq!(got, reference_status(grade, limit, &subjects));
        let total: u32 = plans.iter().map(|p| expected_minutes(p)).sum();
        let reference_total: u32 = subjects
            .iter()
            .flatten()
            .filter(|(k, _, o)| *k == 0 && !*o)
            .map(|(_, m, _)| m)
            .sum();
        prop_assert_eq!(total, reference_total);
    }

    #[test]
    fn the_actual_above_expected_flag_matches_a_reference(
        min_days in 1u32..5,
        ratio_twentieths in 0u32..=30,
        min_minutes in 0u32..=30,
        days in prop::collection::vec(
            (any::<bool>(), any::<bool>(), prop::option::of(0u32..=60), prop::option::of(0u32..=120)),
            0..12),
    ) {
        // Day i is 2026-11-02 + i; `school` says whether it is a school day; per day, math's
        // expected minutes (if planned) and actual (if the report has it; `reported` otherwise
        // says whether there is a report at all).
        let policy = Policy {
            min_days,
            expected_ratio: f64::from(ratio_twentieths) / 20.0,
            expected_min_minutes: min_minutes,
            window_days: 14,
            ..Policy::default()
        };
        let start = d("2026-11-02");
        let mut school_days = BTreeSet::new();
        let mut plans = BTreeMap::new();
        let mut reports = BTreeMap::new();
        for (i, (school, reported, expected, actual)) in days.iter().enumerate() {
            let day = start + chrono::Days::new(i as u64);
            if *school { school_days.insert(day); }
            if let Some(e) = expected { plans.insert(day, BTreeMap::from([("math".to_owned(), *e)])); }
            if *reported || actual.is_some() {
                let mut r = BTreeMap::new();
                if let Some(a) = actual { r.insert("math".to_owned(), *a); }
                reports.insert(day, r);
            }
        }
        // The reference: whole numbers, the threshold compared without dividing.
        let paired: Vec<(u64, u64)> = days
            .iter()
            .filter(|(school, reported, expected, actual)| {
                *school && (*reported || actual.is_some()) && expected.is_some_and(|e| e > 0)
            })
            .map(|(_, _, e, a)| (u64::from(e.unwrap_or(0)), u64::from(a.unwrap_or(0))))
            .collect();
        let n = paired.len() as u64;
        let e_sum: u64 = paired.iter().map(|p| p.0).sum();
        let a_sum: u64 = paired.iter().map(|p| p.1).sum();
        // (a − e)/n > max(m, r·e/n)  ⇔  20(a − e) > max(20·m·n, r20·e)
        let expected_flag = n >= u64::from(min_days)
            && n > 0
            && a_sum > e_sum
            && 20 * (a_sum - e_sum) > (20 * u64::from(min_minutes) * n).max(u64::from(ratio_twentieths) * e_sum);
        let got = expected_vs_actual(&school_days, &reports, &plans, &policy);
        prop_assert_eq!(got.above.len() == 1, expected_flag);
        prop_assert_eq!(got.rows.len(), usize::from(n > 0));
        if let Some(row) = got.rows.first() {
            prop_assert_eq!(u64::from(row.days), n);
        }
    }
}
