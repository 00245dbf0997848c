//! What the pages say about a class's load over time and across subjects: the week-by-week
//! averages (a week the period cuts short is marked partial, and a trend never compares it with
//! a whole one), and the biggest subject (every subject that ties for it, not one at random).

use chrono::{Datelike, Days, NaiveDate};
use std::collections::BTreeMap;

/// One week (Monday to Sunday, cut to the period) and its average daily total.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekAverage {
    pub monday: NaiveDate,
    /// School days of the week that lie in the period.
    pub school_days: u32,
    /// Days of the week with a report in the period.
    pub days_reported: u32,
    /// Mean of the reported days' totals, to one decimal; `None` without a report.
    pub average: Option<f64>,
    /// The period holds only part of the week's school days (a week that starts before `from`
    /// or ends after `to`): its average is not that of a whole week.
    pub partial: bool,
}

/// The weeks of `from`–`to`, each with the mean of its reported day totals. `totals` are the
/// school days' totals only (weekend homework enters no average); `is_school_day` tells which
/// days count, so that a week cut by the period is known as partial.
pub fn weekly_averages(
    from: NaiveDate,
    to: NaiveDate,
    totals: &[(NaiveDate, u32)],
    is_school_day: impl Fn(NaiveDate) -> bool,
) -> Vec<WeekAverage> {
    let mut weeks: Vec<WeekAverage> = Vec::new();
    let mut sums: Vec<u32> = Vec::new();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let monday = monday_of(date);
        if weeks.last().is_none_or(|w| w.monday != monday) {
            weeks.push(WeekAverage {
                monday,
                school_days: 0,
                days_reported: 0,
                average: None,
                partial: false,
            });
            sums.push(0);
        }
        let (Some(week), Some(sum)) = (weeks.last_mut(), sums.last_mut()) else { continue };
        if is_school_day(date) {
            week.school_days += 1;
        }
        if let Some((_, total)) = totals.iter().find(|(d, _)| *d == date) {
            week.days_reported += 1;
            *sum += total;
        }
    }
    for (week, sum) in weeks.iter_mut().zip(sums) {
        if week.days_reported > 0 {
            week.average = Some(crate::round1(f64::from(sum) / f64::from(week.days_reported)));
        }
        let whole = week.monday.iter_days().take(7).filter(|d| is_school_day(*d)).count();
        week.partial = (week.school_days as usize) < whole;
    }
    weeks
}

/// The Monday of the week a date lies in.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

/// The last reported week and, when the two can be compared, how much it changed from the
/// reported week before it. A partial week is never compared with another week: a one-day week
/// says nothing against a full one.
pub fn last_week_change(weeks: &[WeekAverage]) -> Option<(&WeekAverage, Option<f64>)> {
    let mut reported = weeks.iter().filter(|w| w.average.is_some()).rev();
    let last = reported.next()?;
    let change = match (last.average, reported.next()) {
        (Some(now), Some(before)) if !last.partial && !before.partial => {
            before.average.map(|b| crate::round1(now - b))
        }
        _ => None,
    };
    Some((last, change))
}

/// The subjects with the most minutes a day, every one that ties (as the pages show them, to
/// one decimal), in the order given, and their minutes; empty when no subject has minutes.
pub fn biggest_subjects(averages: &BTreeMap<String, f64>) -> (Vec<&str>, f64) {
    let top = averages.values().map(|v| crate::round1(*v)).fold(0.0, f64::max);
    if top <= 0.0 {
        return (Vec::new(), 0.0);
    }
    let names = averages
        .iter()
        .filter(|(_, v)| crate::round1(**v) == top)
        .map(|(k, _)| k.as_str())
        .collect();
    (names, top)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn weekday(date: NaiveDate) -> bool {
        !crate::calendar::is_weekend(date)
    }

    #[test]
    fn weeks_start_on_monday_and_average_only_reported_days() {
        // Thursday 2026-11-05 to Sunday 2026-11-15: a week cut short, then a whole one.
        let totals = [(d("2026-11-05"), 60), (d("2026-11-09"), 100), (d("2026-11-10"), 80)];
        let weeks = weekly_averages(d("2026-11-05"), d("2026-11-15"), &totals, weekday);
        assert_eq!(
            weeks,
            vec![
                WeekAverage {
                    monday: d("2026-11-02"),
                    school_days: 2,
                    days_reported: 1,
                    average: Some(60.0),
                    partial: true,
                },
                WeekAverage {
                    monday: d("2026-11-09"),
                    school_days: 5,
                    days_reported: 2,
                    average: Some(90.0),
                    partial: false,
                },
            ]
        );
        let empty = weekly_averages(d("2026-11-16"), d("2026-11-17"), &totals, weekday);
        assert_eq!(empty[0].average, None);
        assert!(empty[0].partial);
    }

    #[test]
    fn a_week_that_ends_on_its_friday_is_whole_and_a_holiday_does_not_make_it_partial() {
        let weeks = weekly_averages(d("2026-11-09"), d("2026-11-13"), &[], weekday);
        assert!(!weeks[0].partial, "{weeks:?}");
        // Wednesday 11-11 a holiday: the period Mon–Tue + Thu–Fri still holds every school day.
        let holiday = |date: NaiveDate| weekday(date) && date != d("2026-11-11");
        let weeks = weekly_averages(d("2026-11-09"), d("2026-11-13"), &[], holiday);
        assert_eq!((weeks[0].school_days, weeks[0].partial), (4, false));
        let weeks = weekly_averages(d("2026-11-09"), d("2026-11-10"), &[], holiday);
        assert_eq!((weeks[0].school_days, weeks[0].partial), (2, true));
    }

    #[test]
    fn a_one_day_week_is_not_compared_with_a_full_one() {
        // Mon 11-09 to Mon 11-16: a full week at 110 a day, then one Monday at 40.
        let mut totals: Vec<(NaiveDate, u32)> =
            d("2026-11-09").iter_days().take(5).map(|d| (d, 110)).collect();
        totals.push((d("2026-11-16"), 40));
        let weeks = weekly_averages(d("2026-11-09"), d("2026-11-16"), &totals, weekday);
        let (last, change) = last_week_change(&weeks).unwrap();
        assert_eq!((last.monday, last.average, last.partial), (d("2026-11-16"), Some(40.0), true));
        assert_eq!(change, None, "a one-day week compared with a full one");

        // Two whole weeks compare.
        totals.extend(d("2026-11-17").iter_days().take(4).map(|d| (d, 100)));
        let weeks = weekly_averages(d("2026-11-09"), d("2026-11-22"), &totals, weekday);
        let (last, change) = last_week_change(&weeks).unwrap();
        assert_eq!((last.average, change), (Some(88.0), Some(-22.0)));

        // A period that starts on a Thursday: its first week is partial and is not compared.
        let weeks = weekly_averages(d("2026-11-12"), d("2026-11-20"), &totals, weekday);
        assert!(weeks[0].partial);
        assert_eq!(last_week_change(&weeks).unwrap().1, None);
        assert_eq!(last_week_change(&[]), None);
    }

    #[test]
    fn every_subject_that_ties_for_the_most_minutes_is_named() {
        let averages: BTreeMap<String, f64> =
            [("math".into(), 40.0), ("chinese".into(), 25.5), ("english".into(), 40.04)].into();
        assert_eq!(biggest_subjects(&averages), (vec!["english", "math"], 40.0));
        let one: BTreeMap<String, f64> = [("math".into(), 40.0), ("chinese".into(), 39.9)].into();
        assert_eq!(biggest_subjects(&one), (vec!["math"], 40.0));
        let none: BTreeMap<String, f64> = [("math".into(), 0.0)].into();
        assert_eq!(biggest_subjects(&none), (vec![], 0.0));
        assert_eq!(biggest_subjects(&BTreeMap::new()), (vec![], 0.0));
    }
}
