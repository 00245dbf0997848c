//! The names people type, checked the same way wherever they are typed (classes, schools,
//! accounts, tablets, calendar days, roster rows): a helper, not a resource.

use crate::error::{AppError, AppResult};

/// A name of 1 to `max` characters with no control or bidirectional characters, in the form
/// names are compared in (NFKC, invisible characters removed, trimmed: `shared::text`).
pub fn check_name(name: &str, max: usize) -> AppResult<String> {
    shared::text::clean_name(name, max).map_err(|e| {
        AppError::invalid(
            e.code(),
            format!(
                "a name needs 1 to {max} characters and no control or bidirectional characters"
            ),
        )
    })
}

/// Usernames: 2 to 40 letters, digits, `.`, `_` or `-`, compared without case. `tablet-` is
/// kept for class tablets.
pub fn check_username(username: &str) -> AppResult<String> {
    let u = username.trim().to_lowercase();
    let ok = (2..=40).contains(&u.chars().count())
        && u.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !u.starts_with("tablet-");
    if ok {
        Ok(u)
    } else {
        Err(AppError::invalid(
            "invalid_username",
            "a username needs 2 to 40 letters, digits, '.', '_' or '-' (and may not start with tablet-)",
        ))
    }
}
