//! The outbox's content and its rules, without any I/O: which report goes next, what an answer
//! of the server does to the queue, how a conflict is settled. (Pure, so it is tested natively.)
//!
//! Rules (docs/DECISIONS.md, "Offline reports and conflicts"):
//! - one submission is one [`Pending`] with its own `client_id`; resending it is harmless;
//! - each carries the `version` of the day it was based on (0: nothing stored), so a day that a
//!   teacher corrected meanwhile is never overwritten silently: the server answers 409 and the
//!   report waits as a [`PendingState::Conflict`] for the monitor's choice;
//! - a newer submission for the same day replaces an older one that was never sent; one that
//!   was sent (the server may hold it) stays, is resent first, and the newer one is then based
//!   on the version it got;
//! - a refused report (422) stays, with the server's reasons, until it is corrected or
//!   discarded by the monitor.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shared::api::DayReport;
use shared::report::EntryInput;

/// One day report on its way to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub client_id: String,
    pub date: NaiveDate,
    pub entries: Vec<EntryInput>,
    pub note: String,
    /// The version of the day this edit was based on (0: none was stored).
    pub base_version: i64,
    /// Sent at least once: the server may hold it even if no answer came back.
    #[serde(default)]
    pub attempted: bool,
    pub state: PendingState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PendingState {
    /// To be sent when the server can be reached.
    Waiting,
    /// Someone else changed the day after this edit's version; their report (None: they
    /// cleared it).
    Conflict { theirs: Option<DayReport> },
    /// The server refused the content (422); its sentences, and their codes (by which the
    /// page says them in the monitor's language; none in outboxes kept before they were).
    Refused {
        messages: Vec<String>,
        #[serde(default)]
        codes: Vec<String>,
    },
}

impl Pending {
    pub fn total(&self) -> i64 {
        self.entries.iter().map(|e| e.minutes).sum()
    }

    pub fn is_waiting(&self) -> bool {
        self.state == PendingState::Waiting
    }
}

/// How many reports are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub waiting: usize,
    pub conflicts: usize,
    pub refused: usize,
}

/// A class's outbox, oldest submission first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Queue {
    pub items: Vec<Pending>,
}

impl Queue {
    /// Adds a new submission. Older ones for the same day that never left the tablet, or that
    /// the server refused or found in conflict, are replaced by it.
    pub fn submit(&mut self, pending: Pending) {
        self.items.retain(|p| p.date != pending.date || (p.is_waiting() && p.attempted));
        self.items.push(pending);
    }

    /// Puts what storage held in front of what was submitted before it was read.
    pub fn merge_loaded(&mut self, loaded: Vec<Pending>) {
        let newer = std::mem::take(&mut self.items);
        self.items = loaded;
        for p in newer {
            if !self.items.iter().any(|q| q.client_id == p.client_id) {
                self.submit(p);
            }
        }
    }

    /// The next report to send.
    pub fn next_to_send(&self) -> Option<&Pending> {
        self.items.iter().find(|p| p.is_waiting())
    }

    /// The report the monitor last submitted for `date`, if it has not been stored yet.
    pub fn for_date(&self, date: NaiveDate) -> Option<&Pending> {
        self.items.iter().rev().find(|p| p.date == date)
    }

    pub fn mark_attempted(&mut self, client_id: &str) {
        if let Some(p) = self.find(client_id) {
            p.attempted = true;
        }
    }

    /// The server stored (or had stored) `client_id` as `report`. Later submissions for the day
    /// that were based on the same version are now based on the stored one.
    pub fn stored(&mut self, client_id: &str, report: &DayReport) {
        let Some(index) = self.items.iter().position(|p| p.client_id == client_id) else {
            return;
        };
        let done = self.items.remove(index);
        for p in &mut self.items {
            if p.date == done.date && p.base_version == done.base_version {
                p.base_version = report.version;
            }
        }
    }

    pub fn conflict(&mut self, client_id: &str, theirs: Option<DayReport>) {
        if let Some(p) = self.find(client_id) {
            p.state = PendingState::Conflict { theirs };
        }
    }

    /// The server refused a report: its problems, each a code and a sentence.
    pub fn refused(&mut self, client_id: &str, problems: Vec<(String, String)>) {
        if let Some(p) = self.find(client_id) {
            let (codes, messages) = problems.into_iter().unzip();
            p.state = PendingState::Refused { messages, codes };
        }
    }

    /// The monitor chose to keep what is stored (or gave a refused report up): drops it.
    pub fn discard(&mut self, client_id: &str) -> Option<Pending> {
        let index = self.items.iter().position(|p| p.client_id == client_id)?;
        Some(self.items.remove(index))
    }

    /// The monitor chose to send their report over the other one: it is sent again, as a new
    /// submission based on the version it conflicted with.
    pub fn send_over(&mut self, client_id: &str, new_client_id: String) {
        if let Some(p) = self.find(client_id) {
            if let PendingState::Conflict { theirs } = &p.state {
                p.base_version = theirs.as_ref().map_or(0, |r| r.version);
                p.client_id = new_client_id;
                p.attempted = false;
                p.state = PendingState::Waiting;
            }
        }
    }

    pub fn counts(&self) -> Counts {
        self.items.iter().fold(Counts::default(), |mut c, p| {
            match p.state {
                PendingState::Waiting => c.waiting += 1,
                PendingState::Conflict { .. } => c.conflicts += 1,
                PendingState::Refused { .. } => c.refused += 1,
            }
            c
        })
    }

    fn find(&mut self, client_id: &str) -> Option<&mut Pending> {
        self.items.iter_mut().find(|p| p.client_id == client_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn pending(id: &str, date: &str, base: i64) -> Pending {
        Pending {
            client_id: id.into(),
            date: d(date),
            entries: vec![EntryInput { subject: "math".into(), minutes: 20 }],
            note: String::new(),
            base_version: base,
            attempted: false,
            state: PendingState::Waiting,
        }
    }
    fn report(date: &str, version: i64) -> DayReport {
        DayReport {
            class_id: 1,
            date: d(date),
            entries: vec![],
            total_minutes: 0,
            note: String::new(),
            version,
            recorded_by: "teacher".into(),
            updated_at: "2026-11-20T10:00:00Z".into(),
            school_day: true,
            corrected_by: None,
        }
    }
    fn ids(q: &Queue) -> Vec<&str> {
        q.items.iter().map(|p| p.client_id.as_str()).collect()
    }

    #[test]
    fn reports_go_out_oldest_first_and_leave_once_stored() {
        let mut q = Queue::default();
        q.submit(pending("a", "2026-11-19", 0));
        q.submit(pending("b", "2026-11-20", 0));
        assert_eq!(q.next_to_send().unwrap().client_id, "a");
        q.stored("a", &report("2026-11-19", 1));
        assert_eq!(q.next_to_send().unwrap().client_id, "b");
        q.stored("b", &report("2026-11-20", 1));
        assert_eq!(q.next_to_send(), None);
    }

    #[test]
    fn a_new_report_for_a_day_replaces_one_that_never_left() {
        let mut q = Queue::default();
        q.submit(pending("a", "2026-11-20", 3));
        q.submit(pending("b", "2026-11-20", 3));
        assert_eq!(ids(&q), ["b"]);
        assert_eq!(q.for_date(d("2026-11-20")).unwrap().base_version, 3);
    }

    #[test]
    fn a_sent_report_stays_and_the_newer_one_builds_on_the_version_it_got() {
        let mut q = Queue::default();
        q.submit(pending("a", "2026-11-20", 0));
        q.mark_attempted("a");
        q.submit(pending("b", "2026-11-20", 0));
        assert_eq!(ids(&q), ["a", "b"]);
        assert_eq!(q.for_date(d("2026-11-20")).unwrap().client_id, "b");
        q.stored("a", &report("2026-11-20", 1));
        assert_eq!(q.next_to_send().unwrap().base_version, 1);
    }

    #[test]
    fn a_conflict_waits_for_a_choice_and_does_not_block_other_days() {
        let mut q = Queue::default();
        q.submit(pending("a", "2026-11-19", 0));
        q.submit(pending("b", "2026-11-20", 0));
        q.conflict("a", Some(report("2026-11-19", 2)));
        assert_eq!(q.next_to_send().unwrap().client_id, "b");
        assert_eq!(q.counts(), Counts { waiting: 1, conflicts: 1, refused: 0 });
        q.send_over("a", "a2".into());
        let again = q.for_date(d("2026-11-19")).unwrap();
        assert_eq!((again.client_id.as_str(), again.base_version), ("a2", 2));
        assert!(again.is_waiting() && !again.attempted);
    }

    #[test]
    fn keeping_theirs_drops_mine_and_a_refused_report_stays_until_corrected() {
        let mut q = Queue::default();
        q.submit(pending("a", "2026-11-19", 0));
        q.conflict("a", None);
        assert!(q.discard("a").is_some());
        q.submit(pending("b", "2026-11-20", 0));
        let problem = ("minutes_out_of_range".into(), "math: 300 minutes is more than 240".into());
        q.refused("b", vec![problem]);
        assert_eq!(q.next_to_send(), None);
        assert_eq!(q.counts().refused, 1);
        q.submit(pending("c", "2026-11-20", 0));
        assert_eq!(ids(&q), ["c"]);
    }

    #[test]
    fn what_storage_held_comes_before_what_was_submitted_meanwhile() {
        let mut q = Queue::default();
        q.submit(pending("new", "2026-11-20", 0));
        q.merge_loaded(vec![pending("old", "2026-11-19", 0), pending("new", "2026-11-20", 0)]);
        assert_eq!(ids(&q), ["old", "new"]);
    }

    #[test]
    fn the_queue_survives_a_round_trip_through_json() {
        let mut q = Queue::default();
        q.submit(pending("a", "2026-11-19", 0));
        q.conflict("a", Some(report("2026-11-19", 2)));
        let text = serde_json::to_string(&q.items).unwrap();
        let back: Vec<Pending> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, q.items);
    }

    #[test]
    fn a_refused_report_kept_before_codes_were_still_loads() {
        let kept = serde_json::json!({ "kind": "refused", "messages": ["too long"] });
        let state: PendingState = serde_json::from_value(kept).unwrap();
        assert_eq!(
            state,
            PendingState::Refused { messages: vec!["too long".into()], codes: Vec::new() }
        );
    }
}
