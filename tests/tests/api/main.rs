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
mod demo;
mod district_events;
mod districts;
mod errors;
mod headers;
mod health;
mod helpers;
mod observability;
mod openapi;
mod policy;
mod reports;
mod restart;
mod roles;
mod roster;
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
