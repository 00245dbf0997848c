//! Black-box tests of the homework logger: the real `backend` binary started as a child process
//! on a fresh database and driven over HTTP, and the built web app driven through headless
//! Chromium ([`browser`]).
//!
//! The harness lives here so every test binary shares it: [`server`] starts and stops servers,
//! [`api`] is the HTTP client, [`setup`] the set-up steps (classes, accounts, reports), [`csv`] reads the
//! exports.
//!
//! Run them with `cargo build -p backend && cargo test -p tests`. The server under test is
//! `BACKEND_BIN` if set, else `target/debug/backend` (built once if missing, but not rebuilt
//! when stale: build it first). `TEST_DATABASE=postgres TEST_POSTGRES_URL=postgres://…` runs the
//! API suite (`--test api`) on PostgreSQL instead, a new database for each server
//! ([`server::Backend`]).

pub mod api;
pub mod browser;
pub mod csv;
pub mod picture;
pub mod server;
pub mod setup;
pub mod skip;

pub use api::{Api, Response};
pub use server::{Backend, CliOutput, Options, TestServer};
pub use setup::{Class, Scope};
