//! Spot checks (随机抽查): classes drawn at random for a date, what an inspector observed there,
//! and the rule that says when the monitor's report and the observation disagree.

use crate::report::{Entry, EntryInput};
use crate::{ClassId, Grade};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The smallest difference, in minutes, that is a discrepancy however small the observation.
pub const DISCREPANCY_MIN_MINUTES: f64 = 10.0;
/// The share of the observed total a difference must exceed to be a discrepancy.
pub const DISCREPANCY_RATIO: f64 = 0.25;

/// reported − observed, when both are known.
pub fn difference(reported: Option<u32>, observed: Option<u32>) -> Option<i64> {
    Some(i64::from(reported?) - i64::from(observed?))
}

/// A drawn class is a discrepancy when it has an observation and either no report that date or
/// `|reported − observed| > max(10, 0.25 × observed)`.
pub fn is_discrepancy(reported: Option<u32>, observed: Option<u32>) -> bool {
    let Some(observed) = observed else { return false };
    let Some(reported) = reported else { return true };
    let gap = (i64::from(reported) - i64::from(observed)).unsigned_abs() as f64;
    gap > DISCREPANCY_MIN_MINUTES.max(DISCREPANCY_RATIO * f64::from(observed))
}

/// What an inspector found in a class.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub entries: Vec<Entry>,
    pub note: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// One drawn class of a spot check, its report set against the observation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpotCheckClass {
    pub class_id: ClassId,
    pub name: String,
    pub grade: Grade,
    pub reported_total: Option<u32>,
    pub observed_total: Option<u32>,
    pub difference: Option<i64>,
    pub discrepancy: bool,
    /// The observation's entries and note, once recorded.
    pub observation: Option<Observation>,
    /// The subjects of the class's grade, for the inspection sheet.
    #[serde(default)]
    pub subjects: Vec<String>,
}

impl SpotCheckClass {
    /// Fills the totals and the verdict from the report's total and the observation.
    pub fn judge(&mut self, reported: Option<u32>) {
        self.reported_total = reported;
        self.observed_total =
            self.observation.as_ref().map(|o| o.entries.iter().map(|e| u32::from(e.minutes)).sum());
        self.difference = difference(self.reported_total, self.observed_total);
        self.discrepancy = is_discrepancy(self.reported_total, self.observed_total);
    }
}

/// A spot check: the draw and what was found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpotCheck {
    pub id: i64,
    pub school_id: i64,
    pub date: NaiveDate,
    pub grade: Option<Grade>,
    pub drawn_at: String,
    pub drawn_by: String,
    pub classes: Vec<SpotCheckClass>,
}

/// `POST /api/v1/spot-checks`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSpotCheck {
    pub date: String,
    pub count: i64,
    #[serde(default)]
    pub grade: Option<i64>,
}

/// `PUT /api/v1/spot-checks/{id}/classes/{class_id}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutObservation {
    pub entries: Vec<EntryInput>,
    #[serde(default)]
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_discrepancy_boundary_is_ten_minutes_or_a_quarter() {
        // Small observations: 10 minutes is the bar.
        assert!(!is_discrepancy(Some(30), Some(20)));
        assert!(is_discrepancy(Some(31), Some(20)));
        assert!(!is_discrepancy(Some(10), Some(20)));
        assert!(is_discrepancy(Some(9), Some(20)));
        // 100 observed: 25 minutes.
        assert!(!is_discrepancy(Some(125), Some(100)));
        assert!(is_discrepancy(Some(126), Some(100)));
        assert!(!is_discrepancy(Some(75), Some(100)));
        assert!(is_discrepancy(Some(74), Some(100)));
    }

    #[test]
    fn an_observation_without_a_report_is_a_discrepancy_and_no_observation_is_none() {
        assert!(is_discrepancy(None, Some(0)));
        assert!(!is_discrepancy(Some(50), None));
        assert!(!is_discrepancy(None, None));
        assert_eq!(difference(None, Some(3)), None);
        assert_eq!(difference(Some(3), Some(5)), Some(-2));
    }

    proptest! {
        #[test]
        fn a_discrepancy_is_symmetric_in_the_gap_and_needs_more_than_the_threshold(
            observed in 0u32..600, gap in 0u32..300
        ) {
            let threshold = 10f64.max(0.25 * f64::from(observed));
            let above = f64::from(gap) > threshold;
            prop_assert_eq!(is_discrepancy(Some(observed + gap), Some(observed)), above);
            if gap <= observed {
                prop_assert_eq!(is_discrepancy(Some(observed - gap), Some(observed)), above);
            }
        }
    }
}
