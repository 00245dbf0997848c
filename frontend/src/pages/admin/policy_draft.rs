//! The policy form's state, apart from the page so it can be tested natively: the policy as
//! the admin edits it (numbers as typed), turning it back into a [`Policy`], and which field a
//! problem of the server is about.

use shared::{Grade, Policy, Subject};
use std::collections::BTreeMap;

/// The policy as its form holds it: numbers as the admin typed them.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDraft {
    pub limits: BTreeMap<Grade, String>,
    pub subjects: BTreeMap<Grade, Vec<Subject>>,
    pub window_days: String,
    /// The drift ratio as a percentage: `20` for 0.2.
    pub drift_percent: String,
    pub drift_min_minutes: String,
    pub min_days: String,
    /// Empty: day reports are kept for good.
    pub retention_days: String,
    /// Expected against actual's thresholds, kept as they are (the form does not show them).
    pub expected_ratio: f64,
    pub expected_min_minutes: u32,
}

/// The form's field for the policy's daily limit of a grade.
pub fn limit_field(grade: Grade) -> String {
    format!("limit-{grade}")
}

/// The form's field for the subjects of a grade.
pub fn subjects_field(grade: Grade) -> String {
    format!("subjects-{grade}")
}

impl PolicyDraft {
    pub fn of(policy: &Policy) -> PolicyDraft {
        PolicyDraft {
            limits: Grade::all().map(|g| (g, policy.limit(g).to_string())).collect(),
            subjects: Grade::all().map(|g| (g, policy.subjects(g).to_vec())).collect(),
            window_days: policy.window_days.to_string(),
            drift_percent: format_percent(policy.drift_ratio),
            drift_min_minutes: policy.drift_min_minutes.to_string(),
            min_days: policy.min_days.to_string(),
            retention_days: policy.retention_days.map(|d| d.to_string()).unwrap_or_default(),
            expected_ratio: policy.expected_ratio,
            expected_min_minutes: policy.expected_min_minutes,
        }
    }

    /// The policy to send, or the fields that are not numbers (the server checks the ranges).
    pub fn to_policy(&self) -> Result<Policy, Vec<String>> {
        let mut bad = Vec::new();
        let mut whole = |field: String, text: &str| -> u32 {
            text.trim().parse::<u32>().unwrap_or_else(|_| {
                bad.push(field);
                0
            })
        };
        let limits = self.limits.iter().map(|(g, v)| (*g, whole(limit_field(*g), v))).collect();
        let window_days = whole("window-days".into(), &self.window_days);
        let drift_min_minutes = whole("drift-min-minutes".into(), &self.drift_min_minutes);
        let min_days = whole("min-days".into(), &self.min_days);
        let retention_days = match self.retention_days.trim() {
            "" => None,
            text => Some(whole("retention-days".into(), text)),
        };
        let drift_ratio = match self.drift_percent.trim().parse::<f64>() {
            Ok(p) if p.is_finite() => shared::round3(p / 100.0),
            _ => {
                bad.push("drift-ratio".into());
                0.0
            }
        };
        if !bad.is_empty() {
            return Err(bad);
        }
        Ok(Policy {
            limits,
            window_days,
            drift_ratio,
            drift_min_minutes,
            min_days,
            subjects: self.subjects.clone(),
            retention_days,
            expected_ratio: self.expected_ratio,
            expected_min_minutes: self.expected_min_minutes,
        })
    }
}

/// `0.2` → `20`, `0.125` → `12.5`.
fn format_percent(ratio: f64) -> String {
    let percent = shared::round1(ratio * 100.0);
    if percent.fract() == 0.0 { format!("{percent:.0}") } else { format!("{percent}") }
}

/// The field a problem of `PUT /policy` is about, from the field name that starts its message
/// (`limits: grade 4 …`, `window_days: …`); `""` when it names none.
pub fn field_of_problem(message: &str) -> String {
    let (name, rest) = message.split_once(':').unwrap_or(("", ""));
    let grade = || {
        rest.trim()
            .strip_prefix("grade ")
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse::<i64>().ok())
            .and_then(|n| Grade::new(n).ok())
    };
    match name.trim() {
        "limits" => grade().map(limit_field).unwrap_or_default(),
        "subjects" => grade().map(subjects_field).unwrap_or_default(),
        "window_days" => "window-days".into(),
        "drift_ratio" => "drift-ratio".into(),
        "drift_min_minutes" => "drift-min-minutes".into(),
        "min_days" => "min-days".into(),
        "retention_days" => "retention-days".into(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_survives_the_form_unchanged() {
        let policy = Policy { retention_days: Some(400), drift_ratio: 0.125, ..Policy::default() };
        let draft = PolicyDraft::of(&policy);
        assert_eq!(draft.drift_percent, "12.5");
        assert_eq!(draft.retention_days, "400");
        assert_eq!(draft.to_policy(), Ok(policy));
        assert_eq!(PolicyDraft::of(&Policy::default()).drift_percent, "20");
    }

    #[test]
    fn fields_that_are_not_whole_numbers_are_named() {
        let mut draft = PolicyDraft::of(&Policy::default());
        draft.limits.insert(Grade::new(7).unwrap(), "ninety".into());
        draft.min_days = "-1".into();
        draft.retention_days = String::new();
        draft.drift_percent = "x".into();
        assert_eq!(
            draft.to_policy(),
            Err(vec!["limit-7".to_owned(), "min-days".into(), "drift-ratio".into()])
        );
    }

    #[test]
    fn an_empty_retention_keeps_reports_for_good() {
        let mut draft = PolicyDraft::of(&Policy::default());
        draft.retention_days = "  ".into();
        assert_eq!(draft.to_policy().map(|p| p.retention_days), Ok(None));
    }

    #[test]
    fn the_servers_problems_land_on_their_fields() {
        // The messages of `Policy::validate`, which the server sends back.
        let mut policy = Policy { window_days: 0, min_days: 5, ..Policy::default() };
        policy.limits.insert(Grade::new(4).unwrap(), 700);
        policy.subjects.insert(Grade::new(9).unwrap(), vec![]);
        policy.retention_days = Some(3);
        let mut fields: Vec<String> =
            policy.validate().unwrap_err().0.iter().map(|m| field_of_problem(m)).collect();
        fields.sort();
        assert_eq!(fields, ["limit-4", "min-days", "retention-days", "subjects-9", "window-days"]);
        assert_eq!(field_of_problem("something else"), "");
    }
}
