//! The server's secret: the key of the HMAC under which tablet codes are stored, so that a
//! stolen copy of the database does not give them away (12 digits hashed without a key are
//! found by trying them all in minutes).
//!
//! Where it comes from, in order:
//! 1. `SERVER_SECRET` (at least 32 characters), the same for every copy of the server behind a
//!    load balancer;
//! 2. on SQLite, the file `<database>.secret` beside the database, made with 256 random bits on
//!    first start (mode 0600) — keep it with the database but out of its backups' reach;
//! 3. on PostgreSQL, derived from `DATABASE_URL` (its password is not in the database), with a
//!    warning if the URL holds no password: set `SERVER_SECRET` in production.
//!
//! Changing the secret makes every issued tablet code stop working (issue new ones).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// 256 bits; never printed.
#[derive(Clone)]
pub struct ServerSecret([u8; 32]);

impl std::fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerSecret(..)")
    }
}

impl ServerSecret {
    /// A secret for tests and tools that never meet a stored code.
    pub fn from_phrase(phrase: &str) -> Self {
        ServerSecret(Sha256::digest(phrase.as_bytes()).into())
    }

    /// HMAC-SHA256 of `message` under this secret, for the `purpose` named (domain separation).
    pub fn mac(&self, purpose: &str, message: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The secret as configured (see the module's documentation).
    pub fn load(configured: Option<&str>, database_url: &str) -> Result<Self, String> {
        if let Some(s) = configured.filter(|s| !s.is_empty()) {
            if s.chars().count() < 32 {
                return Err("SERVER_SECRET needs at least 32 characters".into());
            }
            return Ok(Self::from_phrase(s));
        }
        if let Some(path) = sqlite_path(database_url) {
            let mut file = path.into_os_string();
            file.push(".secret");
            return from_file(Path::new(&file));
        }
        let has_password =
            database_url.split_once("://").and_then(|(_, rest)| rest.split_once('@')).is_some_and(
                |(credentials, _)| credentials.split_once(':').is_some_and(|(_, p)| !p.is_empty()),
            );
        if !has_password {
            tracing::warn!(
                "SERVER_SECRET is not set and DATABASE_URL has no password: tablet codes are keyed \
                 by a secret anyone who knows the URL can derive; set SERVER_SECRET"
            );
        }
        Ok(Self::from_phrase(&format!("homework-logger server secret\0{database_url}")))
    }
}

/// The file of a `sqlite:` URL.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty()).then(|| PathBuf::from(path))
}

fn from_file(path: &Path) -> Result<ServerSecret, String> {
    let parse = |text: &str| -> Option<[u8; 32]> {
        let text = text.trim();
        if text.len() != 64 {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(key)
    };
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text).map(ServerSecret).ok_or_else(|| {
            format!("{}: not a server secret (64 hex digits expected)", path.display())
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; 32];
            getrandom::fill(&mut key).map_err(|e| format!("no randomness: {e}"))?;
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let written = options.open(path).and_then(|mut f| {
                use std::io::Write;
                f.write_all(hex.as_bytes())?;
                f.write_all(b"\n")?;
                f.sync_all()
            });
            match written {
                Ok(()) => {
                    tracing::info!(file = %path.display(), "made the server secret");
                    Ok(ServerSecret(key))
                }
                // Another process made it first: read theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => from_file(path),
                Err(e) => Err(format!("cannot write the server secret {}: {e}", path.display())),
            }
        }
        Err(e) => Err(format!("cannot read the server secret {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mac_depends_on_the_secret_and_the_purpose() {
        let a = ServerSecret::from_phrase("a");
        let b = ServerSecret::from_phrase("b");
        assert_ne!(a.mac("tablet", "123"), b.mac("tablet", "123"));
        assert_ne!(a.mac("tablet", "123"), a.mac("other", "123"));
        assert_eq!(a.mac("tablet", "123"), a.mac("tablet", "123"));
    }

    #[test]
    fn a_sqlite_database_keeps_its_secret_beside_it() {
        let dir = std::env::temp_dir().join(format!("secret-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/hw.db?mode=rwc", dir.display());
        let first = ServerSecret::load(None, &url).unwrap();
        let again = ServerSecret::load(None, &url).unwrap();
        assert_eq!(first.0, again.0);
        assert!(dir.join("hw.db.secret").is_file());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
