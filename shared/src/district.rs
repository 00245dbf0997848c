//! Districts (区域监管看板): the bodies of the `/api/v1/districts/…` endpoints, and the live
//! event a wall screen receives for each day report stored in its district.

use crate::api::ComparisonRow;
use crate::{ClassId, Flag, Grade, SchoolId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Identifier of a district.
pub type DistrictId = i64;

/// `POST /api/v1/districts/{district_id}/schools`: a new school of the district and its first
/// admin.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDistrictSchool {
    pub name: String,
    pub admin: NewSchoolAdmin,
}

/// The first admin of a school a district admin adds.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSchoolAdmin {
    pub username: String,
    pub password: String,
    pub display_name: String,
}

/// The answer to [`NewDistrictSchool`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedSchool {
    pub school_id: SchoolId,
    pub name: String,
}

/// One school of `GET /api/v1/districts/{district_id}/schools`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictSchool {
    pub school_id: SchoolId,
    pub name: String,
    /// Its active classes (archived ones left out).
    pub class_count: u32,
}

/// `GET /api/v1/districts/{district_id}/grades/{grade}/comparison`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictComparison {
    pub district_id: DistrictId,
    pub grade: Grade,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Mean of the schools' non-null grade averages, one decimal.
    pub district_average_minutes: Option<f64>,
    pub schools: Vec<SchoolGradePart>,
}

/// One school's part of a district comparison: as that school's own grade comparison answers it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolGradePart {
    pub school_id: SchoolId,
    pub name: String,
    pub limit_minutes: u32,
    pub grade_average_minutes: Option<f64>,
    /// The school's active classes of the grade.
    pub class_count: u32,
    /// Those with at least one school-day report in the window.
    pub classes_reporting: u32,
    /// Per flag kind, the number of classes with at least one flag of that kind.
    pub flag_counts: BTreeMap<String, u32>,
    pub classes: Vec<ComparisonRow>,
}

/// `GET /api/v1/districts/{district_id}/coverage?date=`: which classes reported on a date.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub date: NaiveDate,
    /// Active classes of grades 1–9 of the schools for which the date is a school day.
    pub classes: u32,
    pub reported: u32,
    pub schools: Vec<SchoolCoverage>,
}

/// One school's coverage on a date; a school for which the date is not a school day has
/// `school_day: false`, no classes counted and nobody missing.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolCoverage {
    pub school_id: SchoolId,
    pub name: String,
    pub school_day: bool,
    pub classes: u32,
    pub reported: u32,
    /// The names of the classes that did not report, in name order.
    pub missing: Vec<String>,
    /// The names of the classes whose report of the date is over the daily limit of its grade
    /// (by the school's policy), in name order: what a wall screen starts from (an addition to
    /// API.md's fields).
    #[serde(default)]
    pub over_limit: Vec<String>,
}

/// The data of a `report` event of `GET /api/v1/districts/{district_id}/events`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEvent {
    pub school_id: SchoolId,
    pub class_id: ClassId,
    /// The class's name, so that a wall screen names it as the school does (an addition to
    /// API.md's fields).
    #[serde(default)]
    pub class_name: String,
    pub grade: Grade,
    pub date: NaiveDate,
    pub total_minutes: u32,
    /// Whether the day's total is over the grade's daily limit.
    pub over_limit: bool,
}

/// Counts per flag kind, each class once per kind.
pub fn flag_counts<'a>(classes: impl IntoIterator<Item = &'a [Flag]>) -> BTreeMap<String, u32> {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for flags in classes {
        let mut kinds: Vec<&str> = flags.iter().map(Flag::kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            *counts.entry(kind.to_owned()).or_default() += 1;
        }
    }
    counts
}

/// Mean of the present values, one decimal; `None` when there are none.
pub fn mean_of_present(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let present: Vec<f64> = values.into_iter().flatten().collect();
    (!present.is_empty()).then(|| crate::round1(present.iter().sum::<f64>() / present.len() as f64))
}

/// `User.school_id` on the wire: `null` for an account without a school (a district admin),
/// kept as 0 in Rust, where no school has that id.
pub mod no_school_as_null {
    use crate::SchoolId;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &SchoolId, s: S) -> Result<S::Ok, S::Error> {
        if *id == 0 { s.serialize_none() } else { s.serialize_some(id) }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SchoolId, D::Error> {
        Ok(Option::<SchoolId>::deserialize(d)?.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_school_is_null_on_the_wire_and_zero_in_rust() {
        #[derive(Serialize, Deserialize)]
        struct U {
            #[serde(with = "no_school_as_null")]
            school_id: SchoolId,
        }
        assert_eq!(serde_json::to_string(&U { school_id: 0 }).unwrap(), r#"{"school_id":null}"#);
        assert_eq!(serde_json::to_string(&U { school_id: 3 }).unwrap(), r#"{"school_id":3}"#);
        let u: U = serde_json::from_str(r#"{"school_id":null}"#).unwrap();
        assert_eq!(u.school_id, 0);
    }

    #[test]
    fn the_district_average_is_the_mean_of_the_present_averages() {
        assert_eq!(mean_of_present([Some(60.0), None, Some(71.0)]), Some(65.5));
        assert_eq!(mean_of_present([None, None]), None);
    }
}
