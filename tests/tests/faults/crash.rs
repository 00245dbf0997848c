//! Crash safety. Several clients write day reports at once while the server is killed with
//! SIGKILL and started again, cycle after cycle. After every crash SQLite finds the file sound,
//! and after every restart each acknowledged report (a 200) is there with its content. A report
//! whose answer never came is wholly there or wholly absent, and sending it again with the same
//! `client_id` stores it exactly once: a day's `version` always equals the number of different
//! writes sent to it.

use crate::fixture::{Dice, School, assert_sound_database, long_mode};
use chrono::NaiveDate;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;
use tests::Api;
use tests::setup::report_path;

/// Clients writing at the same time.
const WRITERS: u64 = 6;
/// Days each client owns (so that most writes replace a day already written).
const DAYS_PER_WRITER: u64 = 4;
/// Kill-and-restart cycles: enough in every run to have shown something, more than a hundred
/// in the long mode.
const CYCLES: u32 = 20;
const LONG_CYCLES: u32 = 120;
/// Acknowledged writes the run must have made before it may end (more cycles run until then).
const MIN_ACKED: u64 = 1_000;
/// A bound on the cycles run to reach [`MIN_ACKED`], so that a slow machine fails, not hangs.
const MAX_CYCLES: u32 = 200;

/// One class's day.
type Day = (i64, NaiveDate);

/// A write as sent: what the day must hold if it was stored.
#[derive(Debug, Clone)]
struct Sent {
    client_id: String,
    entries: Vec<(&'static str, i64)>,
    note: String,
}

impl Sent {
    fn body(&self) -> Value {
        json!({
            "entries": tests::setup::entries_json(&self.entries),
            "note": self.note,
            "client_id": self.client_id,
        })
    }

    /// Whether a stored report holds exactly this write.
    fn matches(&self, report: &Value) -> bool {
        let mut want: Vec<(String, i64)> =
            self.entries.iter().map(|(s, m)| ((*s).to_owned(), *m)).collect();
        want.sort();
        report["note"] == self.note.as_str() && tests::setup::entry_pairs(report) == want
    }
}

/// One client: the days it owns and what it knows the server acknowledged.
struct Writer {
    number: u64,
    api: Api,
    days: Vec<Day>,
    sequence: u64,
    /// The last acknowledged write of each day.
    acked: BTreeMap<Day, Sent>,
    /// How many different writes (client ids) went to each day: the version it must have.
    sent: BTreeMap<Day, i64>,
    /// The write whose answer never came, if the server died under it.
    in_flight: Option<(Day, Sent)>,
    acked_this_cycle: u64,
}

const SUBJECTS: [&str; 7] =
    ["chinese", "math", "english", "morality", "history", "geography", "biology"];

impl Writer {
    fn next_write(&mut self, run: u64) -> (Day, Sent) {
        let n = self.sequence;
        self.sequence += 1;
        let day = self.days[(n % self.days.len() as u64) as usize];
        let count = (n % 4) as usize; // 0 to 3 subjects; an empty day is a valid report
        let entries = (0..count)
            .map(|i| {
                (
                    SUBJECTS[(n as usize + i) % SUBJECTS.len()],
                    ((n * 37 + i as u64 * 11) % 150) as i64,
                )
            })
            .collect();
        let sent = Sent {
            client_id: format!("crash-{run}-w{}-s{n}", self.number),
            entries,
            note: format!("写入 {} #{n}", self.number),
        };
        (day, sent)
    }

    /// Writes until the server stops answering.
    async fn run(mut self, run: u64) -> Writer {
        self.acked_this_cycle = 0;
        loop {
            let (day, sent) = self.next_write(run);
            *self.sent.entry(day).or_default() += 1;
            let request = self
                .api
                .request(Method::PUT, &report_path(day.0, day.1))
                .json(&sent.body())
                .timeout(Duration::from_secs(20));
            let answer = match request.send().await {
                Ok(answer) => answer,
                Err(_) => {
                    self.in_flight = Some((day, sent));
                    return self;
                }
            };
            let status = answer.status().as_u16();
            let Ok(text) = answer.text().await else {
                self.in_flight = Some((day, sent));
                return self;
            };
            assert_eq!(
                status, 200,
                "writer {}: PUT {day:?} answered {status}: {text}",
                self.number
            );
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let report = &body["report"];
            assert!(sent.matches(report), "PUT {day:?}: sent {sent:?}, answered {text}");
            assert_eq!(report["version"], self.sent[&day], "PUT {day:?}: {text}");
            self.acked.insert(day, sent);
            self.acked_this_cycle += 1;
        }
    }

    /// After a restart: the write that was in flight is wholly there or wholly absent; then it
    /// is sent again with its `client_id` and is stored exactly once.
    async fn settle(&mut self) {
        let Some((day, sent)) = self.in_flight.take() else {
            return;
        };
        let versions = self.sent[&day];
        let now = self.api.report_on(day.0, day.1).await;
        let landed = now.as_ref().is_some_and(|r| r["version"] == versions && sent.matches(r));
        let absent = match (&now, self.acked.get(&day)) {
            (None, None) => versions == 1,
            (Some(r), Some(before)) => r["version"] == versions - 1 && before.matches(r),
            _ => false,
        };
        assert!(
            landed || absent,
            "writer {}: {day:?} after the crash is {now:?}; expected either the write in flight \
             {sent:?} as version {versions}, or the one before it {:?}",
            self.number,
            self.acked.get(&day)
        );
        let again = self
            .api
            .put(&report_path(day.0, day.1), &sent.body())
            .await
            .expect_status(200, "resending the write that was in flight");
        assert!(sent.matches(&again.json["report"]), "resent {sent:?}: {}", again.text);
        assert_eq!(again.json["report"]["version"], versions, "stored once: {}", again.text);
        self.acked.insert(day, sent);
    }

    /// Every day this client owns holds its last acknowledged write, at the right version.
    async fn verify(&self, when: &str) {
        for day in &self.days {
            let now = self.api.report_on(day.0, day.1).await;
            match (self.acked.get(day), now) {
                (None, None) => {}
                (Some(sent), Some(report)) => {
                    assert!(
                        sent.matches(&report),
                        "{when}: {day:?} holds {report}, but {sent:?} was acknowledged"
                    );
                    assert_eq!(report["version"], self.sent[day], "{when}: {day:?}: {report}");
                }
                (acked, now) => panic!("{when}: {day:?} acknowledged {acked:?}, holds {now:?}"),
            }
        }
    }
}

#[tokio::test]
async fn acknowledged_reports_survive_sigkill_in_the_middle_of_concurrent_writes() {
    // Arrange: three classes; each client owns a few days of one of them.
    let mut school = School::new().await;
    let mut dice = Dice::new("crash");
    let run = dice.next() % 1_000_000;
    let cycles = if long_mode() { LONG_CYCLES } else { CYCLES };
    let mut classes = Vec::new();
    for n in 1..=3 {
        classes.push(school.class(7, &format!("7({n})")).await.id);
    }
    let mut writers = Vec::new();
    for number in 0..WRITERS {
        let api = school.server.admin().await;
        let class = classes[(number % 3) as usize];
        let days =
            (0..DAYS_PER_WRITER).map(|k| (class, school.days_ago(number * 10 + k))).collect();
        writers.push(Writer {
            number,
            api,
            days,
            sequence: 0,
            acked: BTreeMap::new(),
            sent: BTreeMap::new(),
            in_flight: None,
            acked_this_cycle: 0,
        });
    }

    let mut acked_total = 0;
    let mut in_flight_total = 0;
    let mut cycle = 0;
    while cycle < cycles || (acked_total < MIN_ACKED && cycle < MAX_CYCLES) {
        cycle += 1;
        // Act: everyone writes; the server is killed at a random moment.
        let tasks: Vec<_> = writers.into_iter().map(|w| tokio::spawn(w.run(run))).collect();
        tokio::time::sleep(Duration::from_millis(dice.between(80, 400))).await;
        school.server.kill().await;
        writers = Vec::new();
        for task in tasks {
            writers.push(task.await.expect("a writer panicked"));
        }

        // Assert: the file is sound as the crash left it; after a restart every acknowledged
        // report is there, and what was in flight is stored exactly once.
        assert_sound_database(&school.server.db_path, &format!("after crash {cycle}"));
        school.server.restart().await;
        for w in &mut writers {
            w.api = w.api.at(&school.server.base_url);
            acked_total += w.acked_this_cycle;
            in_flight_total += u64::from(w.in_flight.is_some());
            w.settle().await;
            w.verify(&format!("after crash {cycle}")).await;
        }
    }
    eprintln!(
        "crash: {cycle} SIGKILL cycles, {acked_total} acknowledged writes, {in_flight_total} \
         writes in flight at a kill"
    );
    // A run that killed nothing in flight, or wrote too little, has shown nothing.
    assert!(acked_total >= MIN_ACKED, "too few acknowledged writes: {acked_total}");
    assert!(in_flight_total >= 1, "no write was in flight at any of the {cycle} kills");

    // And after a clean stop too.
    school.server.stop().await;
    assert_sound_database(&school.server.db_path, "after the last stop");
}
