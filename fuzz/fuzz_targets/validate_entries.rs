//! `shared::report::validate_entries` on any list of entries a client could send: it never
//! panics, and it accepts exactly the days that keep the rules (known subjects of the grade,
//! each once, 0–240 minutes each, at most 600 in all), returning them unchanged and in order;
//! anything else is refused with every problem named (at most twenty), in both languages.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shared::report::{EntryInput, day_total, validate_entries};
use shared::{Grade, Lang, Policy};
use std::collections::BTreeSet;

#[derive(Debug, Arbitrary)]
enum SubjectPick {
    /// One of the grade's own subjects (so that valid days are reached often).
    Known(u8),
    /// Anything at all.
    Other(String),
}

#[derive(Debug, Arbitrary)]
struct Day {
    grade: u8,
    entries: Vec<(SubjectPick, i64)>,
}

fuzz_target!(|day: Day| {
    let Ok(grade) = Grade::new(i64::from(day.grade % 9) + 1) else { return };
    let policy = Policy::default();
    let known = policy.subjects(grade);
    let input: Vec<EntryInput> = day
        .entries
        .into_iter()
        .map(|(pick, minutes)| EntryInput {
            subject: match pick {
                SubjectPick::Known(i) => known[usize::from(i) % known.len()].as_str().to_owned(),
                SubjectPick::Other(s) => s,
            },
            minutes,
        })
        .collect();

    // The rules, written again independently of the code under test.
    let mut seen = BTreeSet::new();
    let keeps_rules = input.iter().all(|e| {
        known.iter().any(|k| k.as_str() == e.subject)
            && seen.insert(e.subject.clone())
            && (0..=240).contains(&e.minutes)
    }) && input.iter().map(|e| e.minutes).sum::<i64>() <= 600;

    match validate_entries(grade, &policy, &input) {
        Ok(entries) => {
            assert!(keeps_rules, "accepted a day that breaks the rules: {input:?}");
            assert_eq!(entries.len(), input.len());
            for (entry, raw) in entries.iter().zip(&input) {
                assert_eq!(entry.subject.as_str(), raw.subject);
                assert_eq!(i64::from(entry.minutes.get()), raw.minutes);
            }
            assert!(day_total(&entries) <= 600);
        }
        Err(problems) => {
            assert!(!keeps_rules, "refused a day that keeps the rules: {input:?} {problems:?}");
            assert!(!problems.is_empty() && problems.len() <= 20, "{problems:?}");
            for p in &problems {
                assert!(!p.code().is_empty());
                assert!(!p.message(Lang::En).is_empty() && !p.message(Lang::Zh).is_empty());
            }
        }
    }
});
