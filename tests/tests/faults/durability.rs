//! No day report is answered before the write that holds it is on the disk. The server runs
//! under `strace -f`, which logs, in the order they happened, every write to the SQLite
//! write-ahead log, every `fsync`/`fdatasync` of it, and every answer written to a socket. Each
//! report carries a note of its own, which appears in the log twice: in the WAL page that holds
//! it, and in its answer. Between the two there must be a completed sync of the WAL: that is
//! what `synchronous = FULL` does at every commit (with `NORMAL`, SQLite syncs the WAL only at a
//! checkpoint, and this test fails).

use crate::fixture::School;
use std::collections::HashMap;
use tests::Options;
use tests::setup::{entries_json, report_path};
use tests::skip::cannot_run;

/// Clients writing at once, so that the writer commits several reports in one batch.
const CLIENTS: usize = 8;
const REPORTS_EACH: usize = 6;

/// The note of client `c`'s `n`-th report: no note is a prefix of another.
fn note(c: usize, n: usize) -> String {
    format!("durable-{c:02}-{n:02}!")
}

#[tokio::test]
async fn no_day_report_is_answered_before_its_write_ahead_log_is_synced() {
    if std::process::Command::new("strace").arg("-V").output().is_err() {
        cannot_run("durability::no_day_report_is_answered…", "strace is not installed");
        return;
    }
    if !matches!(tests::Backend::from_env(), tests::Backend::Sqlite) {
        return; // The fault suite runs on SQLite; PostgreSQL syncs its own WAL.
    }
    // Arrange: the server under strace, logging to a file of its own.
    let dir = tempfile::tempdir().expect("a directory for the trace");
    let trace = dir.path().join("server.strace");
    let wrapper = [
        "strace",
        "-f",
        "-qq",
        "-y",
        "-s",
        "4096",
        "-e",
        "trace=write,pwrite64,writev,sendto,sendmsg,fsync,fdatasync",
        "-o",
        trace.to_str().expect("a UTF-8 path"),
    ];
    let options = Options {
        wrapper: wrapper.iter().map(|s| (*s).to_owned()).collect(),
        ..Options::default()
    };
    let mut school = School::with_options(options).await;
    let mut classes = Vec::new();
    for c in 0..CLIENTS {
        classes.push(school.class(7, &format!("7({})", c + 1)).await.id);
    }

    // Act: every client sends its reports, all at once.
    let mut tasks = Vec::new();
    for (c, class) in classes.iter().copied().enumerate() {
        let api = school.admin.clone();
        let days: Vec<_> = (0..REPORTS_EACH).map(|n| school.days_ago(n as u64 + 1)).collect();
        tasks.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for (n, day) in days.into_iter().enumerate() {
                let body = serde_json::json!({
                    "entries": entries_json(&[("math", 20 + n as i64)]),
                    "note": note(c, n),
                });
                api.put(&report_path(class, day), &body).await.expect_status(200, "a report");
                acknowledged.push(note(c, n));
            }
            acknowledged
        }));
    }
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.extend(task.await.expect("a client panicked"));
    }
    school.server.stop().await;

    // Assert: each acknowledged report's WAL write, then a completed WAL sync, then its answer.
    let log = std::fs::read_to_string(&trace).expect("strace wrote its log");
    let events = Trace::read(&log);
    assert!(!events.syncs.is_empty(), "the WAL was never synced:\n{}", tail(&log));
    for note in &acknowledged {
        let written = *events
            .wal_writes
            .get(note.as_str())
            .unwrap_or_else(|| panic!("{note}: no WAL write holds it"));
        let answered = *events
            .answers
            .get(note.as_str())
            .unwrap_or_else(|| panic!("{note}: no answer on a socket holds it"));
        assert!(
            written < answered,
            "{note}: answered (line {answered}) before written ({written})"
        );
        assert!(
            events.syncs.iter().any(|&(began, ended)| written < began && ended < answered),
            "{note}: answered (line {answered}) with no WAL sync completed since its write \
             (line {written}): is the connection's synchronous FULL?"
        );
    }
    eprintln!(
        "durability: {} acknowledged reports, {} WAL syncs, each answer after its sync",
        acknowledged.len(),
        events.syncs.len()
    );
}

/// What the strace log says, each event by its line number (the order the kernel saw them).
#[derive(Default)]
struct Trace<'a> {
    /// The first WAL write that holds each note.
    wal_writes: HashMap<&'a str, usize>,
    /// The first socket write that holds each note.
    answers: HashMap<&'a str, usize>,
    /// Each sync of the WAL that succeeded: the lines where it began and where it ended (a
    /// sync that began before a write does not cover it).
    syncs: Vec<(usize, usize)>,
}

impl<'a> Trace<'a> {
    fn read(log: &'a str) -> Trace<'a> {
        let mut trace = Trace::default();
        // Threads whose WAL sync began on one line and completes on a later one.
        let mut syncing: Vec<(&str, usize)> = Vec::new();
        let succeeded = |call: &str| call.trim_end().ends_with("= 0");
        for (number, line) in log.lines().enumerate() {
            let pid = line.split_whitespace().next().unwrap_or("");
            let call = line[pid.len()..].trim_start();
            let is_sync = call.starts_with("fdatasync(") || call.starts_with("fsync(");
            if is_sync && call.contains("-wal>") {
                if call.contains("<unfinished") {
                    syncing.push((pid, number));
                } else if succeeded(call) {
                    trace.syncs.push((number, number));
                }
                continue;
            }
            if call.starts_with("<... fdatasync resumed>")
                || call.starts_with("<... fsync resumed>")
            {
                if let Some(at) = syncing.iter().position(|(p, _)| *p == pid) {
                    let (_, began) = syncing.swap_remove(at);
                    if succeeded(call) {
                        trace.syncs.push((began, number));
                    }
                }
                continue;
            }
            let seen = if call.contains("-wal>") {
                &mut trace.wal_writes
            } else if call.contains("<socket:") || call.contains("<TCP") {
                &mut trace.answers
            } else {
                continue;
            };
            for note in notes_in(call) {
                seen.entry(note).or_insert(number);
            }
        }
        trace
    }
}

/// The notes (`durable-CC-NN!`) a traced call's data holds (a WAL page holds several).
fn notes_in(call: &str) -> impl Iterator<Item = &str> {
    call.match_indices("durable-")
        .filter_map(|(at, _)| call.get(at..at + "durable-00-00!".len()))
        .filter(|n| n.ends_with('!'))
}

fn tail(log: &str) -> String {
    let lines: Vec<_> = log.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
