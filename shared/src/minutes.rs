//! Minutes of homework: whole numbers, 0–240 for one subject on one day, at most 600 a day.

use serde::{Deserialize, Serialize};

/// The most minutes one subject's homework may take on one day.
pub const MAX_SUBJECT_MINUTES: u32 = 240;
/// The most minutes a whole day's homework may add up to.
pub const MAX_DAY_TOTAL: u32 = 600;

/// Minutes one subject's homework took on one day, 0 to [`MAX_SUBJECT_MINUTES`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Minutes(u16);

/// A number of minutes outside 0–240.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} minutes is not between 0 and {MAX_SUBJECT_MINUTES}")]
pub struct InvalidMinutes(pub i64);

impl Minutes {
    pub const ZERO: Minutes = Minutes(0);

    pub fn new(n: i64) -> Result<Self, InvalidMinutes> {
        if (0..=i64::from(MAX_SUBJECT_MINUTES)).contains(&n) {
            Ok(Minutes(n as u16))
        } else {
            Err(InvalidMinutes(n))
        }
    }

    pub fn get(self) -> u32 {
        u32::from(self.0)
    }
}

impl TryFrom<u32> for Minutes {
    type Error = InvalidMinutes;
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        Minutes::new(i64::from(n))
    }
}

impl From<Minutes> for u32 {
    fn from(m: Minutes) -> u32 {
        m.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_accept_zero_to_240_inclusive() {
        assert_eq!(Minutes::new(0).map(Minutes::get), Ok(0));
        assert_eq!(Minutes::new(240).map(Minutes::get), Ok(240));
        assert_eq!(Minutes::new(241), Err(InvalidMinutes(241)));
        assert_eq!(Minutes::new(-1), Err(InvalidMinutes(-1)));
    }
}
