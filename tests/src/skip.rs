//! A test that cannot run here never passes in silence. In CI (`CI` set to anything but `false`
//! or `0`) it fails and says why; elsewhere it says so loudly and appends the line to the file
//! that `HOMEWORK_SKIP_NOTES` names, which `cargo xtask test` prints at the end of the run even
//! when every test passed (cargo hides a passing test's output).

use std::io::Write;

/// Whether this run is CI's, where every test must run.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Says that `test` did not run, and why; panics in CI.
pub fn cannot_run(test: &str, why: &str) {
    let line = format!("{test} did NOT run: {why}");
    assert!(!in_ci(), "{line} (CI must run every test)");
    let bar = "!".repeat(line.chars().count() + 8);
    // Straight to stderr, past the test harness's capture (which takes only `eprintln!`), so
    // that it is seen even when the test passes.
    let _ = writeln!(std::io::stderr(), "\n{bar}\n!!! {line} !!!\n{bar}\n");
    if let Some(path) = std::env::var_os("HOMEWORK_SKIP_NOTES") {
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut file| writeln!(file, "{line}"));
        if let Err(e) = appended {
            eprintln!("tests: cannot append to HOMEWORK_SKIP_NOTES: {e}");
        }
    }
}
