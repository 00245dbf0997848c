//! Pieces shared by the pages: the top bar, flags, the period picker, charts, the steppers.

pub mod account_links;
pub mod ask;
pub mod chart;
pub mod class_bars;
pub mod csv_link;
pub mod data_quality;
pub mod day_chart;
pub mod expected_actual;
pub mod flags;
pub mod form;
pub mod grade_report;
pub mod heat_map;
pub mod icons;
pub mod nav_link;
pub mod notice;
pub mod notice_links;
pub mod open_case;
pub mod period;
pub mod print;
pub mod qr;
pub mod refused_page;
pub mod subject_row;
pub mod tablet_codes;
pub mod top_bar;
pub mod two_weeks;
pub mod week_trend;
