//! School subjects (学科), named by a short stable key such as `math` or `chinese`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest subject key accepted.
pub const MAX_SUBJECT_KEY_LEN: usize = 32;

/// A subject key: 1–32 characters of lowercase ASCII letters, digits, `_` or `-`, starting with a
/// letter. Keys are what the API and the database store; [`crate::i18n`] turns the well-known
/// ones into Chinese and English names.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Subject(String);

/// A string that cannot be a subject key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a subject key (lowercase letters, digits, '_' or '-', at most 32)")]
pub struct InvalidSubject(pub String);

impl Subject {
    pub fn parse(s: &str) -> Result<Self, InvalidSubject> {
        let starts_with_letter = s.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
        let well_formed = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if starts_with_letter && well_formed && s.len() <= MAX_SUBJECT_KEY_LEN {
            Ok(Subject(s.to_owned()))
        } else {
            Err(InvalidSubject(s.chars().take(64).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Subject {
    type Error = InvalidSubject;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Subject::parse(&s)
    }
}

impl From<Subject> for String {
    fn from(s: Subject) -> String {
        s.0
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Subject {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_keys_are_short_lowercase_words() {
        for ok in ["math", "chinese", "moral_law", "pe-2", "a"] {
            assert!(Subject::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Math", "数学", "2math", "_x", "math ", "a".repeat(33).as_str(), "<script>"]
        {
            assert!(Subject::parse(bad).is_err(), "{bad}");
        }
    }
}
