//! The HTTP contract of API.md, walked end to end against the real server binary. All modules
//! compile into one test binary so the harness links once.

mod auth;
mod classes;
mod comparison;
mod demo;
mod errors;
mod health;
mod helpers;
mod policy;
mod reports;
mod restart;
mod roles;
mod schools;
mod summary;
mod users;
mod validation;
mod versions;
