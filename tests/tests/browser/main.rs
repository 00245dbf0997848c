//! The real page in headless Chromium against the real server: what a monitor, a teacher and a
//! grade leader see and do. Screenshots of every page visited go to `target/screenshots/`.

mod cases;
mod dashboards;
mod district;
mod offline;
mod plain_words;
mod plans;
mod print_report;
mod screenshots;
mod setup_school;
mod tablet;
mod walking_skeleton;
