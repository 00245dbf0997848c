//! What the entry form holds for one date: the digits typed per subject, the note, and the
//! stored report it started from (whose `version` a save must name), or the report waiting in
//! the outbox for that date. Pure state, no browser.

use crate::outbox::Pending;
use chrono::NaiveDate;
use shared::api::DayReport;
use shared::minutes::MAX_SUBJECT_MINUTES;
use shared::{EntryInput, Subject};
use std::rc::Rc;
use yew::Reducible;

/// The digits a minutes field may hold; more would always be out of range.
const MAX_DIGITS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub date: NaiveDate,
    /// The grade's subjects, in the policy's order.
    pub subjects: Vec<Subject>,
    /// What each subject's field shows (ASCII digits, possibly empty).
    pub values: Vec<String>,
    pub note: String,
    /// The report stored for `date` when it was loaded; `None` when the day had none.
    pub stored: Option<Rc<DayReport>>,
    /// Whether the person changed anything since the day was loaded or saved.
    pub edited: bool,
    /// Set while the form shows a report of the outbox: the version that report was based on.
    pub queued_base: Option<i64>,
}

pub enum FormAction {
    /// Shows a date with what is stored for it (or an empty day), dropping any edits.
    Show {
        date: NaiveDate,
        report: Option<DayReport>,
    },
    Type {
        index: usize,
        text: String,
    },
    Step {
        index: usize,
        delta: i64,
    },
    Pick {
        index: usize,
        minutes: u32,
    },
    Note(String),
    /// Shows a report of the outbox for its date (the monitor's own, not yet on the server),
    /// over what is stored.
    ShowQueued {
        stored: Option<DayReport>,
        pending: Box<Pending>,
    },
}

impl Form {
    pub fn new(date: NaiveDate, subjects: Vec<Subject>) -> Self {
        let values = vec!["0".to_owned(); subjects.len()];
        Form {
            date,
            subjects,
            values,
            note: String::new(),
            stored: None,
            edited: false,
            queued_base: None,
        }
    }

    /// A subject's minutes as a number (an empty field is 0).
    pub fn minutes(&self, index: usize) -> i64 {
        self.values.get(index).and_then(|v| v.parse().ok()).unwrap_or(0)
    }

    pub fn total(&self) -> i64 {
        (0..self.values.len()).map(|i| self.minutes(i)).sum()
    }

    /// Every subject with its minutes, zeros included: a zero says "no homework", which is
    /// worth recording.
    pub fn entries(&self) -> Vec<EntryInput> {
        self.subjects
            .iter()
            .enumerate()
            .map(|(i, s)| EntryInput { subject: s.to_string(), minutes: self.minutes(i) })
            .collect()
    }

    /// The version a save must name: the one the shown outbox report was based on, else the
    /// stored report's, or 0 for a day without one.
    pub fn base_version(&self) -> i64 {
        self.queued_base.unwrap_or_else(|| self.stored.as_ref().map_or(0, |r| r.version))
    }

    fn shown(&self, date: NaiveDate, report: Option<DayReport>) -> Self {
        let values = self
            .subjects
            .iter()
            .map(|s| {
                let stored =
                    report.as_ref().and_then(|r| r.entries.iter().find(|e| &e.subject == s));
                stored.map_or(0, |e| e.minutes.get()).to_string()
            })
            .collect();
        Form {
            date,
            subjects: self.subjects.clone(),
            values,
            note: report.as_ref().map(|r| r.note.clone()).unwrap_or_default(),
            stored: report.map(Rc::new),
            edited: false,
            queued_base: None,
        }
    }

    fn queued(&self, stored: Option<DayReport>, pending: Pending) -> Self {
        let values = self
            .subjects
            .iter()
            .map(|s| {
                let entry = pending.entries.iter().find(|e| e.subject == s.as_str());
                entry.map_or(0, |e| e.minutes).to_string()
            })
            .collect();
        Form {
            values,
            note: pending.note,
            queued_base: Some(pending.base_version),
            ..self.shown(pending.date, stored)
        }
    }

    fn with_value(&self, index: usize, value: String) -> Self {
        let mut next = self.clone();
        if let Some(slot) = next.values.get_mut(index) {
            *slot = value;
        }
        next.edited = true;
        next
    }
}

impl Reducible for Form {
    type Action = FormAction;

    fn reduce(self: Rc<Self>, action: FormAction) -> Rc<Self> {
        Rc::new(match action {
            FormAction::Show { date, report } => self.shown(date, report),
            FormAction::Type { index, text } => self.with_value(index, digits(&text)),
            FormAction::Step { index, delta } => {
                let n = (self.minutes(index) + delta).clamp(0, i64::from(MAX_SUBJECT_MINUTES));
                self.with_value(index, n.to_string())
            }
            FormAction::Pick { index, minutes } => self.with_value(index, minutes.to_string()),
            FormAction::Note(note) => Form { note, edited: true, ..(*self).clone() },
            FormAction::ShowQueued { stored, pending } => self.queued(stored, *pending),
        })
    }
}

/// Keeps the digits of what was typed, reading the full-width digits of a Chinese keyboard
/// (`２５`) as ASCII, without leading zeros, at most three.
pub fn digits(text: &str) -> String {
    let ascii: String = text
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
            _ => None,
        })
        .collect();
    let trimmed = ascii.trim_start_matches('0');
    let kept = if trimmed.is_empty() && !ascii.is_empty() { "0" } else { trimmed };
    kept.chars().take(MAX_DIGITS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Minutes;
    use shared::report::Entry;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn subjects() -> Vec<Subject> {
        ["chinese", "math"].iter().map(|s| Subject::parse(s).unwrap()).collect()
    }
    fn apply(form: Form, action: FormAction) -> Form {
        (*Rc::new(form).reduce(action)).clone()
    }

    #[test]
    fn typed_text_keeps_only_up_to_three_digits() {
        assert_eq!(digits("25"), "25");
        assert_eq!(digits("２５分"), "25");
        assert_eq!(digits("007"), "7");
        assert_eq!(digits("0"), "0");
        assert_eq!(digits(""), "");
        assert_eq!(digits("12345"), "123");
        assert_eq!(digits("-5"), "5");
    }

    #[test]
    fn steps_stay_within_0_and_240_and_mark_the_form_edited() {
        let form = Form::new(d("2026-11-20"), subjects());
        let form = apply(form, FormAction::Step { index: 1, delta: -5 });
        assert_eq!(form.values[1], "0");
        assert!(form.edited);
        let form = apply(form, FormAction::Type { index: 1, text: "238".into() });
        let form = apply(form, FormAction::Step { index: 1, delta: 5 });
        assert_eq!(form.minutes(1), 240);
        assert_eq!(form.total(), 240);
    }

    #[test]
    fn a_stored_day_fills_the_fields_and_gives_its_version() {
        let report = DayReport {
            class_id: 1,
            date: d("2026-11-19"),
            entries: vec![Entry {
                subject: Subject::parse("math").unwrap(),
                minutes: Minutes::new(25).unwrap(),
            }],
            total_minutes: 25,
            note: "quiz".into(),
            version: 3,
            recorded_by: "m".into(),
            updated_at: "2026-11-19T10:00:00Z".into(),
            school_day: true,
            corrected_by: None,
        };
        let form = apply(
            Form::new(d("2026-11-20"), subjects()),
            FormAction::Type { index: 0, text: "9".into() },
        );
        let form = apply(form, FormAction::Show { date: d("2026-11-19"), report: Some(report) });
        assert_eq!(form.values, ["0", "25"]);
        assert_eq!((form.note.as_str(), form.base_version(), form.edited), ("quiz", 3, false));
        let entries = form.entries();
        assert_eq!((entries[1].subject.as_str(), entries[1].minutes), ("math", 25));
    }

    #[test]
    fn a_queued_report_shows_its_numbers_and_the_version_it_was_based_on() {
        let pending = Pending {
            client_id: "id-1".into(),
            date: d("2026-11-19"),
            entries: vec![EntryInput { subject: "math".into(), minutes: 15 }],
            note: "offline".into(),
            base_version: 4,
            attempted: false,
            state: crate::outbox::PendingState::Waiting,
        };
        let form = apply(
            Form::new(d("2026-11-20"), subjects()),
            FormAction::ShowQueued { stored: None, pending: Box::new(pending) },
        );
        assert_eq!(form.date, d("2026-11-19"));
        assert_eq!(form.values, ["0", "15"]);
        assert_eq!((form.note.as_str(), form.base_version(), form.edited), ("offline", 4, false));
        let form = apply(form, FormAction::Show { date: d("2026-11-19"), report: None });
        assert_eq!(form.base_version(), 0);
    }
}
