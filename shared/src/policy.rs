//! A school's homework policy: daily limits per grade, the comparison window, drift thresholds
//! and the subjects each grade records. The defaults are the national "double reduction" rules.

use crate::{Grade, Subject};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The longest window, in days, over which a school may compare classes.
pub const MAX_WINDOW_DAYS: u32 = 366;
/// The most subjects one grade may record.
pub const MAX_SUBJECTS_PER_GRADE: usize = 20;

/// A school's policy, exactly as `GET /api/v1/policy` returns it and `PUT` takes it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Daily written-homework limit in minutes (average completion time), per grade.
    pub limits: BTreeMap<Grade, u32>,
    /// Days in the comparison window ending at the chosen day (default 14).
    pub window_days: u32,
    /// A class drifts when it is further than this share of the grade average from it...
    pub drift_ratio: f64,
    /// ...and further than this many minutes.
    pub drift_min_minutes: u32,
    /// Days a class must have reported in the window to count in the grade average and to drift.
    pub min_days: u32,
    /// The subjects each grade records, in the order the monitor's page shows them.
    pub subjects: BTreeMap<Grade, Vec<Subject>>,
    /// Day reports older than this many days are deleted (minors' data is kept no longer than
    /// needed); `null` keeps them.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// A subject's homework takes too long against its teachers' estimates when its actual
    /// average exceeds the expected average by more than this share of it...
    #[serde(default = "default_expected_ratio")]
    pub expected_ratio: f64,
    /// ...and by more than this many minutes.
    #[serde(default = "default_expected_min_minutes")]
    pub expected_min_minutes: u32,
}

/// The default of [`Policy::expected_ratio`].
pub const DEFAULT_EXPECTED_RATIO: f64 = 0.5;
/// The default of [`Policy::expected_min_minutes`].
pub const DEFAULT_EXPECTED_MIN_MINUTES: u32 = 10;

fn default_expected_ratio() -> f64 {
    DEFAULT_EXPECTED_RATIO
}

fn default_expected_min_minutes() -> u32 {
    DEFAULT_EXPECTED_MIN_MINUTES
}

/// The body of `PUT /api/v1/policy`: a [`Policy`] whose fields added with plans may be left out
/// (a client written before them), keeping their current values. Its own type, not a JSON value
/// patched afterwards, so that a duplicate or unknown field is refused as for any body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyPut {
    pub limits: BTreeMap<Grade, u32>,
    pub window_days: u32,
    pub drift_ratio: f64,
    pub drift_min_minutes: u32,
    pub min_days: u32,
    pub subjects: BTreeMap<Grade, Vec<Subject>>,
    #[serde(default)]
    pub retention_days: Option<u32>,
    #[serde(default)]
    pub expected_ratio: Option<f64>,
    #[serde(default)]
    pub expected_min_minutes: Option<u32>,
}

impl PolicyPut {
    /// The policy this body sets, given the one in force.
    pub fn over(self, current: &Policy) -> Policy {
        Policy {
            limits: self.limits,
            window_days: self.window_days,
            drift_ratio: self.drift_ratio,
            drift_min_minutes: self.drift_min_minutes,
            min_days: self.min_days,
            subjects: self.subjects,
            retention_days: self.retention_days,
            expected_ratio: self.expected_ratio.unwrap_or(current.expected_ratio),
            expected_min_minutes: self.expected_min_minutes.unwrap_or(current.expected_min_minutes),
        }
    }
}

/// The shortest retention a school may set: a school year's comparisons need the data.
pub const MIN_RETENTION_DAYS: u32 = 30;
/// The longest retention a school may set (ten years).
pub const MAX_RETENTION_DAYS: u32 = 3660;

/// Why a policy cannot be used. Each string names the field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid policy: {}", .0.join("; "))]
pub struct InvalidPolicy(pub Vec<String>);

impl Default for Policy {
    fn default() -> Self {
        let limits = Grade::all().map(|g| (g, default_limit(g))).collect();
        let subjects = Grade::all().map(|g| (g, default_subjects(g))).collect();
        Policy {
            limits,
            window_days: 14,
            drift_ratio: 0.2,
            drift_min_minutes: 10,
            min_days: 3,
            subjects,
            retention_days: None,
            expected_ratio: DEFAULT_EXPECTED_RATIO,
            expected_min_minutes: DEFAULT_EXPECTED_MIN_MINUTES,
        }
    }
}

/// The national limit: none in grades 1–2, 60 minutes in 3–6, 90 in 7–9.
pub fn default_limit(grade: Grade) -> u32 {
    match grade.get() {
        1 | 2 => 0,
        3..=6 => 60,
        _ => 90,
    }
}

fn default_subjects(grade: Grade) -> Vec<Subject> {
    let keys: &[&str] = match grade.get() {
        1 | 2 => &["chinese", "math"],
        3..=6 => &["chinese", "math", "english", "science"],
        7 => &["chinese", "math", "english", "morality", "history", "geography", "biology"],
        8 => &[
            "chinese",
            "math",
            "english",
            "physics",
            "morality",
            "history",
            "geography",
            "biology",
        ],
        _ => &["chinese", "math", "english", "physics", "chemistry", "morality", "history"],
    };
    keys.iter().filter_map(|k| Subject::parse(k).ok()).collect()
}

impl Policy {
    /// The daily limit of a grade, in minutes.
    pub fn limit(&self, grade: Grade) -> u32 {
        self.limits.get(&grade).copied().unwrap_or_else(|| default_limit(grade))
    }

    /// The subjects a grade records.
    pub fn subjects(&self, grade: Grade) -> &[Subject] {
        self.subjects.get(&grade).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Checks every field; a policy that passes can be stored and used by the flag engine.
    pub fn validate(&self) -> Result<(), InvalidPolicy> {
        let mut problems = Vec::new();
        for g in Grade::all() {
            match self.limits.get(&g) {
                None => problems.push(format!("limits: grade {g} is missing")),
                Some(&m) if m > crate::minutes::MAX_DAY_TOTAL => {
                    problems.push(format!("limits: grade {g} limit {m} is more than 600"))
                }
                Some(_) => {}
            }
            match self.subjects.get(&g) {
                None => problems.push(format!("subjects: grade {g} is missing")),
                Some(list) if list.is_empty() => {
                    problems.push(format!("subjects: grade {g} has no subjects"))
                }
                Some(list) if list.len() > MAX_SUBJECTS_PER_GRADE => problems.push(format!(
                    "subjects: grade {g} has more than {MAX_SUBJECTS_PER_GRADE} subjects"
                )),
                Some(list) => {
                    let mut seen = BTreeSet::new();
                    for s in list {
                        if !seen.insert(s) {
                            problems.push(format!("subjects: grade {g} lists {s} twice"));
                        }
                    }
                }
            }
        }
        if !(1..=MAX_WINDOW_DAYS).contains(&self.window_days) {
            problems.push(format!(
                "window_days: {} is not between 1 and {MAX_WINDOW_DAYS}",
                self.window_days
            ));
        }
        if !(self.drift_ratio.is_finite() && (0.0..=1.0).contains(&self.drift_ratio)) {
            problems.push(format!("drift_ratio: {} is not between 0 and 1", self.drift_ratio));
        }
        if self.drift_min_minutes > crate::minutes::MAX_DAY_TOTAL {
            problems
                .push(format!("drift_min_minutes: {} is more than 600", self.drift_min_minutes));
        }
        if self.min_days < 1 || self.min_days > self.window_days {
            problems.push(format!(
                "min_days: {} is not between 1 and window_days ({})",
                self.min_days, self.window_days
            ));
        }
        if !(self.expected_ratio.is_finite() && (0.0..=10.0).contains(&self.expected_ratio)) {
            problems
                .push(format!("expected_ratio: {} is not between 0 and 10", self.expected_ratio));
        }
        if self.expected_min_minutes > crate::minutes::MAX_SUBJECT_MINUTES {
            problems.push(format!(
                "expected_min_minutes: {} is more than {}",
                self.expected_min_minutes,
                crate::minutes::MAX_SUBJECT_MINUTES
            ));
        }
        if let Some(days) = self.retention_days {
            if !(MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&days) {
                problems.push(format!(
                    "retention_days: {days} is not between {MIN_RETENTION_DAYS} and {MAX_RETENTION_DAYS}"
                ));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(InvalidPolicy(problems)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(n: i64) -> Grade {
        Grade::new(n).unwrap()
    }

    #[test]
    fn the_default_policy_is_the_national_rule_and_valid() {
        let p = Policy::default();
        assert_eq!(p.limit(g(1)), 0);
        assert_eq!(p.limit(g(2)), 0);
        for n in 3..=6 {
            assert_eq!(p.limit(g(n)), 60);
        }
        for n in 7..=9 {
            assert_eq!(p.limit(g(n)), 90);
        }
        assert_eq!((p.window_days, p.min_days, p.drift_min_minutes), (14, 3, 10));
        assert_eq!(p.drift_ratio, 0.2);
        assert_eq!(p.validate(), Ok(()));
        assert!(p.subjects(g(7)).iter().any(|s| s.as_str() == "math"));
    }

    #[test]
    fn the_policy_round_trips_through_the_documented_json_shape() {
        let p = Policy::default();
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["limits"]["1"], 0);
        assert_eq!(json["limits"]["9"], 90);
        assert_eq!(json["window_days"], 14);
        assert_eq!(json["subjects"]["7"][0], "chinese");
        let back: Policy = serde_json::from_value(json).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn an_incomplete_or_out_of_range_policy_names_every_problem() {
        let mut p = Policy::default();
        p.limits.remove(&g(4));
        p.window_days = 0;
        p.drift_ratio = f64::NAN;
        p.subjects.insert(g(3), vec![]);
        let err = p.validate().unwrap_err();
        assert_eq!(err.0.len(), 5, "{err}");
        assert!(err.to_string().contains("grade 4 is missing"));
    }

    #[test]
    fn min_days_may_not_exceed_the_window() {
        let mut p = Policy { window_days: 5, min_days: 6, ..Policy::default() };
        assert!(p.validate().is_err());
        p.min_days = 5;
        assert!(p.validate().is_ok());
    }

    #[test]
    fn retention_is_optional_and_bounded() {
        let without: Policy = serde_json::from_value({
            let mut v = serde_json::to_value(Policy::default()).unwrap();
            v.as_object_mut().unwrap().remove("retention_days");
            v
        })
        .unwrap();
        assert_eq!(without.retention_days, None);
        let p = |days| Policy { retention_days: Some(days), ..Policy::default() };
        assert!(p(29).validate().is_err());
        assert!(p(365).validate().is_ok());
        assert!(p(3661).validate().is_err());
    }

    #[test]
    fn a_subject_listed_twice_is_refused() {
        let mut p = Policy::default();
        let math = Subject::parse("math").unwrap();
        p.subjects.insert(g(5), vec![math.clone(), math]);
        assert!(p.validate().unwrap_err().to_string().contains("math twice"));
    }
}
