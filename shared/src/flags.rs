//! The flag engine: day totals, class and grade averages, drift, and the flags that say which
//! classes need attention and why. Pure functions of a window of reports and the policy.

use crate::calendar::{SchoolCalendar, missing_school_days};
use crate::{ClassId, Grade, Lang, Policy, Window, round1, round3};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Averages are exact fractions of whole minutes; comparisons allow for floating-point noise
/// so that a class exactly at a threshold is never flagged by a rounding error.
const EPSILON: f64 = 1e-9;

/// How urgently a flag asks for action.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Alert,
}

/// What raised a flag, with the numbers behind it. The variant's snake-case name is the flag's
/// `kind` on the wire.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FlagReason {
    /// One day's total above the grade's daily limit (in grades 1–2: any minutes at all).
    OverDailyLimit { date: NaiveDate, total_minutes: u32, limit_minutes: u32, grade: Grade },
    /// The class's average over the window above the limit.
    OverAverageLimit {
        average_daily_minutes: f64,
        limit_minutes: u32,
        days_reported: u32,
        grade: Grade,
    },
    /// The class's average further above the grade average than the policy allows.
    DriftAbove {
        average_daily_minutes: f64,
        grade_average_minutes: f64,
        deviation_minutes: f64,
        threshold_minutes: f64,
    },
    /// The class's average further below the grade average than the policy allows.
    DriftBelow {
        average_daily_minutes: f64,
        grade_average_minutes: f64,
        deviation_minutes: f64,
        threshold_minutes: f64,
    },
    /// No report on two or more school days of the window before today.
    MissingReports { missing_days: u32, missing_dates: Vec<NaiveDate> },
    /// A subject's homework took far longer on average than its teachers expected, over the
    /// paired days (school days with both a report and a plan for it): see [`crate::plans`].
    ActualAboveExpected {
        subject: String,
        days: u32,
        expected_average: f64,
        actual_average: f64,
        threshold_minutes: f64,
    },
}

impl FlagReason {
    /// The wire name of the flag's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::OverDailyLimit { .. } => "over_daily_limit",
            Self::OverAverageLimit { .. } => "over_average_limit",
            Self::DriftAbove { .. } => "drift_above",
            Self::DriftBelow { .. } => "drift_below",
            Self::MissingReports { .. } => "missing_reports",
            Self::ActualAboveExpected { .. } => "actual_above_expected",
        }
    }

    /// An average over the limit is an alert; everything else a warning.
    pub fn severity(&self) -> Severity {
        match self {
            Self::OverAverageLimit { .. } => Severity::Alert,
            _ => Severity::Warning,
        }
    }

    /// The sentence that says why, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        crate::i18n::flag_message(self, lang)
    }
}

/// A flag raised on a class: its severity, its reason with the numbers, and the reason in words
/// (`message` in English, `message_zh` in Chinese).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub class_id: ClassId,
    pub severity: Severity,
    #[serde(flatten)]
    pub reason: FlagReason,
    pub message: String,
    pub message_zh: String,
}

impl Flag {
    pub fn new(class_id: ClassId, reason: FlagReason) -> Self {
        Flag {
            class_id,
            severity: reason.severity(),
            message: reason.message(Lang::En),
            message_zh: reason.message(Lang::Zh),
            reason,
        }
    }

    pub fn kind(&self) -> &'static str {
        self.reason.kind()
    }

    pub fn message_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.message,
            Lang::Zh => &self.message_zh,
        }
    }
}

/// One class's day totals (date → minutes). Days outside the window are ignored, and so are
/// days that are not school days (weekend homework): they enter no average and no flag.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClassDays {
    pub class_id: ClassId,
    pub totals: BTreeMap<NaiveDate, u32>,
    /// The class's start: the earlier of the day it was created and the day of its first
    /// report. No day before it is missing. `None`: every day of the window counts.
    pub start: Option<NaiveDate>,
}

/// Everything the engine needs to judge the classes of one grade of one school.
#[derive(Debug, Clone)]
pub struct GradeInput<'a> {
    pub grade: Grade,
    pub policy: &'a Policy,
    pub window: Window,
    /// Today in the school's time zone: days from today on cannot be missing yet.
    pub today: NaiveDate,
    /// Which days are school days (holidays, make-up days).
    pub calendar: &'a SchoolCalendar,
    pub classes: &'a [ClassDays],
}

/// What the engine found about one class.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassEvaluation {
    pub class_id: ClassId,
    pub days_reported: u32,
    /// Mean day total over the reported days; `None` when the class reported nothing.
    pub average_daily_minutes: Option<f64>,
    /// Class average minus grade average, when both exist.
    pub deviation_minutes: Option<f64>,
    /// Deviation as a share of the grade average, when the grade average is above zero.
    pub deviation_ratio: Option<f64>,
    /// Whether the class reported on enough days (`min_days`) to count in the grade average.
    pub counts_in_grade_average: bool,
    pub flags: Vec<Flag>,
}

/// What the engine found about a grade: its average and every class.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeEvaluation {
    pub grade: Grade,
    pub limit_minutes: u32,
    /// Mean of the averages of the classes that reported on at least `min_days` days.
    pub grade_average_minutes: Option<f64>,
    /// Whether enough classes (two) qualify for drift to be judged at all.
    pub drift_judged: bool,
    pub classes: Vec<ClassEvaluation>,
}

/// A class's reported school days in the window and their sum.
struct Reported {
    days: u32,
    sum: u64,
}

/// A class's day totals on the school days of the window: what averages and flags judge.
fn school_day_totals<'c>(
    class: &'c ClassDays,
    input: &'c GradeInput<'_>,
) -> impl Iterator<Item = (&'c NaiveDate, &'c u32)> {
    class
        .totals
        .iter()
        .filter(|(d, _)| input.window.contains(**d) && input.calendar.is_school_day(**d))
}

impl Reported {
    fn of(class: &ClassDays, input: &GradeInput<'_>) -> Self {
        let in_window = school_day_totals(class, input);
        let (days, sum) = in_window.fold((0, 0), |(n, s), (_, t)| (n + 1, s + u64::from(*t)));
        Reported { days, sum }
    }

    fn average(&self) -> Option<f64> {
        (self.days > 0).then(|| self.sum as f64 / f64::from(self.days))
    }
}

/// Judges every class of a grade over the window, applying the rules of DESIGN.md.
pub fn evaluate_grade(input: &GradeInput<'_>) -> GradeEvaluation {
    let policy = input.policy;
    let limit = policy.limit(input.grade);
    let reported: Vec<Reported> = input.classes.iter().map(|c| Reported::of(c, input)).collect();
    let qualifies = |r: &Reported| r.days >= policy.min_days;
    let mut qualifying: Vec<f64> =
        reported.iter().filter(|r| qualifies(r)).filter_map(Reported::average).collect();
    // Summed in a fixed order, so that the order classes come in never changes a verdict.
    qualifying.sort_by(f64::total_cmp);
    let grade_average =
        (!qualifying.is_empty()).then(|| qualifying.iter().sum::<f64>() / qualifying.len() as f64);
    let drift_judged = qualifying.len() >= 2;

    let classes = input
        .classes
        .iter()
        .zip(&reported)
        .map(|(class, r)| {
            let average = r.average();
            let deviation = average.zip(grade_average).map(|(a, g)| a - g);
            let deviation_ratio =
                deviation.zip(grade_average.filter(|g| *g > 0.0)).map(|(d, g)| round3(d / g));
            let mut flags = Vec::new();
            if let Some(avg) = average {
                if avg > f64::from(limit) + EPSILON {
                    flags.push(FlagReason::OverAverageLimit {
                        average_daily_minutes: round1(avg),
                        limit_minutes: limit,
                        days_reported: r.days,
                        grade: input.grade,
                    });
                }
            }
            if let (true, true, Some(avg), Some(gavg)) =
                (drift_judged, qualifies(r), average, grade_average)
            {
                flags.extend(drift(avg, gavg, policy));
            }
            let missing =
                missing_school_days(input.window, input.today, class.start, input.calendar, |d| {
                    class.totals.contains_key(&d)
                });
            if missing.len() >= 2 {
                flags.push(FlagReason::MissingReports {
                    missing_days: missing.len() as u32,
                    missing_dates: missing,
                });
            }
            for (date, total) in school_day_totals(class, input) {
                flags.extend(over_daily_limit(input.grade, policy, *date, *total));
            }
            ClassEvaluation {
                class_id: class.class_id,
                days_reported: r.days,
                average_daily_minutes: average.map(round1),
                deviation_minutes: deviation.map(round1),
                deviation_ratio,
                counts_in_grade_average: qualifies(r) && average.is_some(),
                flags: flags.into_iter().map(|f| Flag::new(class.class_id, f)).collect(),
            }
        })
        .collect();

    GradeEvaluation {
        grade: input.grade,
        limit_minutes: limit,
        grade_average_minutes: grade_average.map(round1),
        drift_judged,
        classes,
    }
}

/// The drift flag, if the class is further from the grade average than
/// `max(drift_min_minutes, drift_ratio × grade average)`.
fn drift(average: f64, grade_average: f64, policy: &Policy) -> Option<FlagReason> {
    let threshold = f64::from(policy.drift_min_minutes).max(policy.drift_ratio * grade_average);
    let deviation = average - grade_average;
    if deviation.abs() <= threshold + EPSILON {
        return None;
    }
    let (average_daily_minutes, grade_average_minutes, deviation_minutes, threshold_minutes) =
        (round1(average), round1(grade_average), round1(deviation), round1(threshold));
    Some(if deviation > 0.0 {
        FlagReason::DriftAbove {
            average_daily_minutes,
            grade_average_minutes,
            deviation_minutes,
            threshold_minutes,
        }
    } else {
        FlagReason::DriftBelow {
            average_daily_minutes,
            grade_average_minutes,
            deviation_minutes,
            threshold_minutes,
        }
    })
}

fn over_daily_limit(
    grade: Grade,
    policy: &Policy,
    date: NaiveDate,
    total: u32,
) -> Option<FlagReason> {
    let limit = policy.limit(grade);
    (total > limit).then_some(FlagReason::OverDailyLimit {
        date,
        total_minutes: total,
        limit_minutes: limit,
        grade,
    })
}

/// The flags one school day's report raises on its own: over the daily limit, or none. (A
/// report on a day that is not a school day raises none: the caller does not ask.)
pub fn day_flags(
    class_id: ClassId,
    grade: Grade,
    policy: &Policy,
    date: NaiveDate,
    total: u32,
) -> Vec<Flag> {
    over_daily_limit(grade, policy, date, total)
        .into_iter()
        .map(|r| Flag::new(class_id, r))
        .collect()
}

#[cfg(test)]
#[path = "flags_tests.rs"]
mod tests;
