//! The HTTP contract of API.md, walked end to end against the real server binary. All modules
//! compile into one test binary so the harness links once.

mod access;
mod access_matrix;
mod audit;
mod auth;
mod cases;
mod classes;
mod comparison;
mod csrf;
mod delete_report;
mod demo;
mod errors;
mod headers;
mod health;
mod helpers;
mod makeup_days;
mod observability;
mod openapi;
mod policy;
mod reports;
mod restart;
mod roles;
mod roster;
mod school_days;
mod school_setup;
mod schools;
mod sessions;
mod spot_checks;
mod spreadsheet;
mod stateless;
mod summary;
mod tablet;
mod throttling;
mod users;
mod validation;
mod versions;
