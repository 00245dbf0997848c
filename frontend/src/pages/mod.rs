//! One module per screen.

pub mod account;
pub mod admin;
pub mod cases;
pub mod cases_report;
pub mod class;
pub mod class_tablets;
pub mod comparison;
pub mod district;
pub mod district_charts;
pub mod district_wall;
pub mod entry;
pub mod login;
pub mod not_found;
pub mod plans;
pub mod public_notice;
pub mod school;
pub mod school_report;
pub mod spot_checks;
pub mod tablet;
