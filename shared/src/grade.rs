//! The grade (年级) of a class in compulsory education: 1 to 9.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A grade of compulsory education, 1 (first year of primary) to 9 (last year of junior
/// secondary). [`Grade::new`] is the only way in, so a `Grade` is always valid.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Grade(u8);

/// A number that is not a grade of compulsory education.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("grade {0} is not between 1 and 9")]
pub struct InvalidGrade(pub i64);

impl Grade {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 9;

    /// Parses a grade number.
    pub fn new(n: i64) -> Result<Self, InvalidGrade> {
        if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&n) {
            Ok(Grade(n as u8))
        } else {
            Err(InvalidGrade(n))
        }
    }

    /// All nine grades, in order.
    pub fn all() -> impl Iterator<Item = Grade> {
        (Self::MIN..=Self::MAX).map(Grade)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// Grades 1 and 2 may get no written homework at all.
    pub fn is_lower_primary(self) -> bool {
        self.0 <= 2
    }
}

impl TryFrom<u8> for Grade {
    type Error = InvalidGrade;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Grade::new(i64::from(n))
    }
}

impl From<Grade> for u8 {
    fn from(g: Grade) -> u8 {
        g.0
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_one_to_nine_are_accepted_and_others_refused() {
        for n in 1..=9 {
            assert_eq!(Grade::new(n).map(Grade::get), Ok(n as u8));
        }
        for n in [-1, 0, 10, 255, i64::MAX] {
            assert_eq!(Grade::new(n), Err(InvalidGrade(n)));
        }
    }

    #[test]
    fn a_grade_reads_from_a_json_number_and_a_json_map_key() {
        let g: Grade = serde_json::from_str("7").unwrap();
        assert_eq!(g.get(), 7);
        assert!(serde_json::from_str::<Grade>("0").is_err());
        let m: std::collections::BTreeMap<Grade, u32> =
            serde_json::from_str(r#"{"3": 60, "7": 90}"#).unwrap();
        assert_eq!(m[&Grade::new(7).unwrap()], 90);
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"3":60,"7":90}"#);
    }

    #[test]
    fn only_grades_one_and_two_are_lower_primary() {
        let lower: Vec<u8> =
            Grade::all().filter(|g| g.is_lower_primary()).map(Grade::get).collect();
        assert_eq!(lower, vec![1, 2]);
    }
}
