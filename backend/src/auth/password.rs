//! Password hashing with Argon2id (OWASP's parameters), always off the async threads, and the
//! rules a new password must meet.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;

use crate::error::AppError;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A hash of a random password, checked against when the username is unknown so that an
/// unknown user takes as long to refuse as a wrong password.
static DUMMY_HASH: OnceLock<String> = OnceLock::new();

/// Common passwords of at least [`MIN_PASSWORD_CHARS`], one a line (`#` starts a comment).
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// Whether a password is on the bundled list of common ones, or is one character repeated.
fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    let one_repeated = first.is_some_and(|f| chars.all(|c| c == f));
    one_repeated
        || COMMON_PASSWORDS.lines().filter(|l| !l.starts_with('#')).any(|l| l.trim() == lower)
}

/// Checks the rules for a new password: 8 to 128 characters, not a well-known one.
pub fn check_new(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "weak_password",
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "weak_password",
            format!("a password may have at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    if is_common(password) {
        return Err(AppError::invalid(
            "weak_password",
            "that password is too common; choose another",
        ));
    }
    Ok(())
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::Internal(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Hashes a password with a fresh salt.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
}

/// Whether `password` matches `hash` (or, with `None`, spends the same time and says no).
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = match hash {
            Some(h) => h,
            None => match DUMMY_HASH.get() {
                Some(h) => h.clone(),
                None => DUMMY_HASH
                    .get_or_init(|| hash_now("not a password").unwrap_or_default())
                    .clone(),
            },
        };
        let parsed = PasswordHash::new(&hash).map_err(|e| AppError::Internal(e.to_string()))?;
        let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && ok)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_and_common_passwords_are_refused() {
        assert!(check_new("correct horse").is_ok());
        assert!(check_new("homework-demo").is_ok());
        assert!(check_new("short").is_err());
        assert!(check_new(&"x".repeat(129)).is_err());
        for common in ["12345678", "Password1", "woaini1314", "aaaaaaaaaa", "QQ123456"] {
            assert!(check_new(common).is_err(), "{common}");
        }
    }
}
