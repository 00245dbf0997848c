//! One module per screen.

pub mod class;
pub mod comparison;
pub mod entry;
pub mod login;
pub mod not_found;
pub mod school;
pub mod school_report;
