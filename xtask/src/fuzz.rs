//! `cargo xtask fuzz [SECONDS] [TARGET…]`: runs the cargo-fuzz targets in `fuzz/` (request
//! validation and the flag engine) for a while each, installing cargo-fuzz when it is missing.
//! `cargo xtask test --long` runs each for [`LONG_TEST_SECONDS`].
//!
//! cargo-fuzz passes nightly-only flags (`-Z…`) to rustc; on the stable toolchain,
//! `RUSTC_BOOTSTRAP=1` lets rustc take them. No sanitizer: the code under test has no `unsafe`
//! (the workspace forbids it), so AddressSanitizer would only slow it down; what the fuzzer
//! finds are panics, overflows (debug assertions are on) and broken invariants.

use crate::cmd::{self, cargo, workspace_root};

/// The targets, as `fuzz/Cargo.toml` names them.
pub const TARGETS: &[&str] = &["validate_entries", "put_day_report", "flags"];
/// Seconds per target in `cargo xtask test --long`.
pub const LONG_TEST_SECONDS: u64 = 45;
/// Seconds per target in every `cargo xtask test`.
pub const SHORT_TEST_SECONDS: u64 = 5;
const DEFAULT_SECONDS: u64 = 60;

pub fn fuzz(args: &[String]) -> Result<(), String> {
    let mut seconds = DEFAULT_SECONDS;
    let mut targets = Vec::new();
    for arg in args {
        if let Ok(n) = arg.parse() {
            seconds = n;
        } else if let Some(t) = TARGETS.iter().find(|t| **t == arg.as_str()) {
            targets.push(*t);
        } else {
            return Err(format!("fuzz: {arg:?} is neither seconds nor a target ({TARGETS:?})"));
        }
    }
    run(seconds, if targets.is_empty() { TARGETS } else { &targets })
}

/// Runs each target for `seconds`, on the corpus it has built up so far (`fuzz/corpus/`, not
/// committed) and the seeds that are (`fuzz/seeds/`).
pub fn run(seconds: u64, targets: &[&str]) -> Result<(), String> {
    ensure_cargo_fuzz()?;
    let dir = workspace_root().join("fuzz");
    for target in targets {
        let corpus = dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .map_err(|e| format!("creating {}: {e}", corpus.display()))?;
        let mut run = cargo();
        run.current_dir(&dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", "--sanitizer", "none", target])
            .arg(&corpus);
        let seeds = dir.join("seeds").join(target);
        if seeds.is_dir() {
            run.arg(&seeds);
        }
        run.arg("--").arg(format!("-max_total_time={seconds}")).arg("-print_final_stats=1");
        let dictionary = dir.join(format!("{target}.dict"));
        if dictionary.is_file() {
            run.arg(format!("-dict={}", dictionary.display()));
        }
        eprintln!("xtask: fuzzing {target} for {seconds} s");
        cmd::run(&mut run).map_err(|e| {
            format!(
                "{e}\nthe fuzzer found a failure in {target}: the input is in \
                 fuzz/artifacts/{target}/; replay it in fuzz/ with \
                 `RUSTC_BOOTSTRAP=1 cargo fuzz run -s none {target} FILE`"
            )
        })?;
    }
    Ok(())
}

fn ensure_cargo_fuzz() -> Result<(), String> {
    if cmd::output(cargo().args(["fuzz", "--version"])).is_ok() {
        return Ok(());
    }
    eprintln!("xtask: installing cargo-fuzz from crates.io (once; a few minutes)");
    cmd::run(cargo().args(["install", "cargo-fuzz", "--locked"]))
}
