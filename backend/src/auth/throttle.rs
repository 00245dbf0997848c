//! The log-in throttle: every attempt is recorded before it is judged, so that forty wrong
//! passwords sent at once count each other; counted within its kind (log-in, tablet code,
//! password change: a column of its own, out of reach of anything typed) per account, per
//! address and per network (/24, /64). It never touches a session already open.

use std::net::IpAddr;

use crate::AppState;
use crate::auth::password::{self, Lane, Place};
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

/// [`admit`] for an attempt judged by hashing a password (a log-in, a password change): with
/// its place in the hashing queue, taken before the attempt is recorded (in the suspect lane
/// when the username, address or network failed recently), so that a guess refused as busy
/// (`503`) writes nothing.
pub async fn admit_to_hash(
    state: &AppState,
    kind: AttemptKind,
    account: &str,
    address: &str,
) -> AppResult<(Ticket, Place)> {
    admit_taking(state, kind, account, address, password::take_place).await
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
    Ok(admit_taking(state, kind, account, address, |_| Ok(())).await?.0)
}

/// [`admit`], taking `take(lane)` once the attempt passed the throttle's read and before it is
/// recorded.
async fn admit_taking<T>(
    state: &AppState,
    kind: AttemptKind,
    account: &str,
    address: &str,
    take: impl FnOnce(Lane) -> AppResult<T>,
) -> AppResult<(Ticket, T)> {
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
    // Attempts on the same keys that passed this read a moment ago but are not yet recorded
    // count too: two hundred guesses at one username at once all read "none yet", and each
    // would be recorded, found over the limit and forgotten — two writes a guess, with real
    // users' log-ins queued behind them at the writer.
    let Some((in_flight, seen)) = InFlight::reserve(&attempt, &peeked, limits(kind)) else {
        return Err(refuse(None));
    };
    // Another attempt on the same username lately (a failure, or one in flight) makes it
    // suspect too: counted alike whether the username exists or not.
    let suspect =
        seen.account > 1 || seen.address > SUSPECT_AFTER || seen.network > 4 * SUSPECT_AFTER;
    let lane = if suspect { Lane::Suspect } else { Lane::Clear };
    // No place to hash it: refused as busy before anything is written (a guess that would
    // only be recorded, wait, and be forgotten again).
    let taken = take(lane)?;
    let counts = state.store.count_attempt(&attempt, now, since).await;
    drop(in_flight);
    let counts = counts?;
    match over_limit(&counts, limits(kind)) {
        None => Ok((Ticket { id: counts.id }, taken)),
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

/// This process's attempts between the read and the write of [`admit`], by key: what the read
/// cannot see yet. At most one entry a key of a request in that stretch.
static IN_FLIGHT: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<LockKey, u32>>> =
    std::sync::LazyLock::new(Default::default);

/// An attempt's place among those on their way to being recorded; given back when dropped
/// (recorded, failed, or its request gone).
#[must_use]
struct InFlight {
    keys: [LockKey; 3],
}

impl InFlight {
    /// Takes a place, unless the attempt's read counts (this attempt included) and the
    /// attempts already in flight on one of its keys would pass that key's limit; with the
    /// counts seen, the attempts in flight added.
    fn reserve(
        attempt: &Attempt,
        read: &AttemptCounts,
        limits: Limits,
    ) -> Option<(InFlight, AttemptCounts)> {
        let keys = lock_keys(attempt);
        let mut in_flight = IN_FLIGHT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let flying = keys.clone().map(|k| in_flight.get(&k).copied().unwrap_or(0));
        let seen = AttemptCounts {
            account: read.account.saturating_add(flying[0]),
            address: read.address.saturating_add(flying[1]),
            network: read.network.saturating_add(flying[2]),
            ..*read
        };
        if over_scope(&seen, limits).is_some() {
            return None;
        }
        for key in &keys {
            *in_flight.entry(key.clone()).or_default() += 1;
        }
        Some((InFlight { keys }, seen))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut in_flight = IN_FLIGHT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for key in &self.keys {
            if let Some(n) = in_flight.get_mut(key) {
                *n -= 1;
                if *n == 0 {
                    in_flight.remove(key);
                }
            }
        }
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

    /// Of guesses at one username that all read "none yet" at once, ten take a place on their
    /// way to being recorded and the rest are refused before any write; a place given back is
    /// free again, and other usernames are not touched.
    #[test]
    fn attempts_on_their_way_to_being_recorded_count_against_the_limit() {
        let l = limits(AttemptKind::Login);
        let attempt = |account: &str| Attempt {
            kind: AttemptKind::Login,
            account: account.into(),
            address: format!("192.0.2.{}", account.len()),
            network: "in-flight-test".into(),
        };
        // The read counts this attempt itself.
        let read = AttemptCounts { account: 1, address: 1, network: 1, ..Default::default() };
        let places: Vec<_> = (0..10)
            .map(|_| InFlight::reserve(&attempt("in-flight-a"), &read, l).expect("a place"))
            .collect();
        assert!(InFlight::reserve(&attempt("in-flight-a"), &read, l).is_none(), "the eleventh");
        let other = InFlight::reserve(&attempt("in-flight-bb"), &read, l);
        assert!(other.is_some(), "another username");
        drop(places.into_iter().next());
        assert!(InFlight::reserve(&attempt("in-flight-a"), &read, l).is_some(), "a place freed");
        let nine_recorded = AttemptCounts { account: 10, ..read };
        assert!(
            InFlight::reserve(&attempt("in-flight-c"), &nine_recorded, l).is_some(),
            "nine recorded and this one make ten"
        );
    }
}
