//! `cargo xtask bench-tablet`: the class tablet's time to first tap in headless Chromium with
//! the CPU slowed 4×, first visit and from the cache, and what the first visit downloads
//! (tests/benches/tablet.rs; docs/BENCHMARKS.md). Builds the web app and the release server,
//! then runs the bench program against that server.

use crate::cmd::{self, cargo, workspace_root};

pub fn bench_tablet(args: &[String]) -> Result<(), String> {
    let root = workspace_root();
    crate::dist::dist()?;
    cmd::run(cargo().current_dir(&root).args(["build", "--release", "--package", "backend"]))?;
    let mut run = cargo();
    run.current_dir(&root)
        // The dev profile: the program only drives Chromium, and it reuses the test builds of its
        // dependencies instead of building them all again optimised.
        .args(["bench", "--package", "tests", "--bench", "tablet", "--profile", "dev", "--"])
        .args(args)
        .env("BACKEND_BIN", root.join("target").join("release").join("backend"));
    cmd::run(&mut run)
}
