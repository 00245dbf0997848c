//! Pieces shared by the pages: the top bar, flags, the period picker, charts, the steppers.

pub mod day_chart;
pub mod flags;
pub mod notice;
pub mod period;
pub mod print;
pub mod subject_row;
pub mod top_bar;
pub mod two_weeks;
