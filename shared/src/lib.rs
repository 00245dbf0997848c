//! Domain types and rules of the homework-time logger, shared by the server and the browser.
//!
//! Everything a grade leader acts on lives here, once: the policy limits, the averages, drift,
//! the flags and their wording, and the validation of what a monitor submits. No I/O, no async:
//! the same code gives the monitor instant feedback in the browser and writes the reports on the
//! server.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod api;
pub mod calendar;
pub mod cases;
pub mod data_quality;
pub mod district;
pub mod flags;
pub mod grade;
pub mod i18n;
pub mod minutes;
pub mod plans;
pub mod policy;
pub mod report;
pub mod spot_checks;
pub mod subject;
pub mod text;
pub mod trend;

pub use calendar::Window;
pub use flags::{
    ClassDays, ClassEvaluation, Flag, FlagReason, GradeEvaluation, GradeInput, Severity,
};
pub use grade::Grade;
pub use i18n::Lang;
pub use minutes::Minutes;
pub use policy::Policy;
pub use report::{Entry, EntryInput, ValidationError};
pub use subject::Subject;

/// Identifier of a school.
pub type SchoolId = i64;
/// Identifier of a class.
pub type ClassId = i64;
/// Identifier of a user account.
pub type UserId = i64;

/// Rounds to one decimal, the precision of every average the product shows. Halves round away
/// from zero; the nudge keeps a value that is mathematically a half (65.25 minus floating-point
/// noise) from rounding differently depending on the order it was summed in.
pub fn round1(x: f64) -> f64 {
    round_to(x, 10.0)
}

/// Rounds to three decimals, the precision of ratios.
pub fn round3(x: f64) -> f64 {
    round_to(x, 1000.0)
}

fn round_to(x: f64, scale: f64) -> f64 {
    let scaled = x * scale;
    (scaled + scaled.signum() * 1e-7).round() / scale
}
