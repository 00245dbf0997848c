//! The log-in throttle: every attempt is recorded before it is judged, so that forty wrong
//! passwords sent at once count each other; counted within its kind (log-in, tablet code,
//! password change: a column of its own, out of reach of anything typed) per account, per
//! address and per network (/24, /64). It never touches a session already open.

use std::net::IpAddr;

use crate::AppState;
use crate::db::throttle::{Attempt, AttemptCounts, AttemptKind};
use crate::error::{AppError, AppResult};

/// Attempts are counted over this many seconds.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// A typed username is kept (for counting only) to this many characters.
pub const MAX_KEPT_USERNAME_CHARS: usize = 64;

/// How many attempts of a kind are allowed within the window: per account, address, network.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub account: u32,
    pub address: u32,
    pub network: u32,
}

pub fn limits(kind: AttemptKind) -> Limits {
    match kind {
        // A school's whole staff behind one address may mistype: 50 for it, 200 for its /24.
        AttemptKind::Login => Limits { account: 10, address: 50, network: 200 },
        // A code is nobody's account: counted per address and network only.
        AttemptKind::Tablet => Limits { account: u32::MAX, address: 10, network: 50 },
        // Only someone with a session gets here; counted per account (its id).
        AttemptKind::PasswordChange => Limits { account: 10, address: u32::MAX, network: u32::MAX },
    }
}

/// The /24 of an IPv4 address or the /64 of an IPv6 one (an IPv4-mapped one as IPv4); what
/// does not parse stands for itself.
pub fn network_of(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4_network(v4),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_network(v4),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Err(_) => address.to_owned(),
    }
}

fn v4_network(v4: std::net::Ipv4Addr) -> String {
    let o = v4.octets();
    format!("{}.{}.{}.0/24", o[0], o[1], o[2])
}

/// An attempt admitted for judging: forget it if it succeeds, keep it if it fails.
#[derive(Debug)]
#[must_use]
pub struct Ticket {
    id: i64,
    /// The hashing lane: suspect when the username, address or network failed recently.
    pub lane: crate::auth::password::Lane,
}

/// More attempts than this from an address (or 4 times as many from its network) within the
/// window, this one included, make the next ones suspect: they queue behind clean ones.
const SUSPECT_AFTER: u32 = 3;

impl Ticket {
    /// The attempt succeeded (or was never judged): it no longer counts against anyone.
    pub async fn forget(self, state: &AppState) {
        if let Err(e) = state.store.forget_attempt(self.id).await {
            tracing::warn!(error = %e, "could not forget a successful attempt");
        }
    }
}

/// Records an attempt and admits it, or refuses it with `429 too_many_attempts` and
/// `Retry-After` (then the attempt is forgotten: only judged attempts count, so a lock-out ends
/// a window after the last judged failure however long the refused ones go on).
pub async fn admit(
    state: &AppState,
    kind: AttemptKind,
    account: &str,
    address: &str,
) -> AppResult<Ticket> {
    let now = chrono::Utc::now().timestamp();
    let attempt = Attempt {
        kind,
        account: shared::text::truncate_chars(account, MAX_KEPT_USERNAME_CHARS).to_owned(),
        address: shared::text::truncate_chars(address, 64).to_owned(),
        network: shared::text::truncate_chars(&network_of(address), 64).to_owned(),
    };
    let since = now - WINDOW_SECONDS;
    let refuse = |oldest: Option<i64>| {
        let retry_after = oldest.map_or(WINDOW_SECONDS, |o| o + WINDOW_SECONDS - now);
        tracing::info!(kind = kind.as_str(), address = ?address, "attempt throttled");
        AppError::TooManyAttempts(retry_after.clamp(1, WINDOW_SECONDS) as u64)
    };
    // Known locked: refused from memory.
    if let Some(until) = locked_until(&attempt, now) {
        return Err(refuse(Some(until - WINDOW_SECONDS)));
    }
    // Already over a limit: refused on a read, without a write (a flood of refused guesses
    // must not queue real users' log-ins behind it at the database's writer).
    let peeked = state.store.peek_attempts(&attempt, since).await?;
    if let Some((scope, oldest)) = over_scope(&peeked, limits(kind)) {
        remember_lock(
            &attempt,
            scope,
            oldest.map_or(now + WINDOW_SECONDS, |o| o + WINDOW_SECONDS),
            now,
        );
        return Err(refuse(oldest));
    }
    let counts = state.store.count_attempt(&attempt, now, since).await?;
    match over_limit(&counts, limits(kind)) {
        None => {
            // Another attempt on the same username lately (a failure, or one in flight) makes
            // it suspect too: counted alike whether the username exists or not.
            let suspect = counts.account > 1
                || counts.address > SUSPECT_AFTER
                || counts.network > 4 * SUSPECT_AFTER;
            let lane = if suspect {
                crate::auth::password::Lane::Suspect
            } else {
                crate::auth::password::Lane::Clear
            };
            Ok(Ticket { id: counts.id, lane })
        }
        Some(oldest) => {
            if let Err(e) = state.store.forget_attempt(counts.id).await {
                tracing::warn!(error = %e, "could not forget a refused attempt");
            }
            Err(refuse(oldest))
        }
    }
}

/// `Some(oldest attempt of the scope over its limit)` if any scope is over.
fn over_limit(c: &AttemptCounts, l: Limits) -> Option<Option<i64>> {
    over_scope(c, l).map(|(_, oldest)| oldest)
}

/// Which scope is over its limit (0 account, 1 address, 2 network), and its oldest attempt.
fn over_scope(c: &AttemptCounts, l: Limits) -> Option<(u8, Option<i64>)> {
    if c.account > l.account {
        Some((0, c.oldest_account))
    } else if c.address > l.address {
        Some((1, c.oldest_address))
    } else if c.network > l.network {
        Some((2, c.oldest_network))
    } else {
        None
    }
}

/// Keys this process has seen locked, and until when (Unix seconds): an attempt under one is
/// refused without a database round trip, so a flood of refused guesses costs next to nothing
/// and does not queue real users' log-ins at the database. The database stays the judge (and
/// is shared by every copy of the server); this only remembers its answers. Bounded in size.
type LockKey = (AttemptKind, u8, String);
static LOCKED: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<LockKey, i64>>> =
    std::sync::LazyLock::new(Default::default);
const MAX_LOCKED_KEYS: usize = 100_000;

fn lock_keys(attempt: &Attempt) -> [LockKey; 3] {
    [
        (attempt.kind, 0, attempt.account.clone()),
        (attempt.kind, 1, attempt.address.clone()),
        (attempt.kind, 2, attempt.network.clone()),
    ]
}

/// The latest time until which one of the attempt's keys is known to be locked, if any.
fn locked_until(attempt: &Attempt, now: i64) -> Option<i64> {
    let locked = LOCKED.lock().ok()?;
    lock_keys(attempt).iter().filter_map(|k| locked.get(k)).copied().filter(|u| *u > now).max()
}

fn remember_lock(attempt: &Attempt, scope: u8, until: i64, now: i64) {
    let Ok(mut locked) = LOCKED.lock() else { return };
    if locked.len() >= MAX_LOCKED_KEYS {
        locked.retain(|_, u| *u > now);
        if locked.len() >= MAX_LOCKED_KEYS {
            return;
        }
    }
    let [a, b, c] = lock_keys(attempt);
    let key = [a, b, c].into_iter().nth(usize::from(scope));
    if let Some(key) = key {
        locked.insert(key, until);
    }
}

/// Purges attempts older than the window every minute: nothing typed is kept longer.
pub async fn purge_forever(store: std::sync::Arc<dyn crate::db::Store>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        let before = chrono::Utc::now().timestamp() - WINDOW_SECONDS;
        match store.purge_attempts(before).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(purged = n, "old log-in attempts purged"),
            Err(e) => tracing::warn!(error = %e, "could not purge old log-in attempts"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_are_the_slash_24_and_the_slash_64() {
        assert_eq!(network_of("203.0.113.7"), "203.0.113.0/24");
        assert_eq!(network_of("::ffff:203.0.113.7"), "203.0.113.0/24");
        assert_eq!(network_of("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(network_of("-"), "-");
    }

    #[test]
    fn the_limit_is_passed_only_beyond_its_number() {
        let l = limits(AttemptKind::Login);
        let at = |account| AttemptCounts { account, oldest_account: Some(5), ..Default::default() };
        assert_eq!(over_limit(&at(10), l), None);
        assert_eq!(over_limit(&at(11), l), Some(Some(5)));
    }
}
