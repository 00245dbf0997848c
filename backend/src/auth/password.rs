//! Password hashing with Argon2id (OWASP's parameters), always off the async threads on a
//! bounded pool, and the rules a new password must meet.
//!
//! The pool: a few hashing threads of their own (`HASH_THREADS`, default the number of cores),
//! each with its one Argon2 buffer of 19 MiB, so memory is bounded whatever arrives. A hash waits
//! for a free thread at most `HASH_WAIT_MS`; at most `HASH_QUEUE` hashes wait at once; past
//! either it is refused at once with `503 server_busy` and `Retry-After` (nothing is hashed, so
//! nothing is counted or stored).
//!
//! Two lanes: a log-in for a username, or from an address or network, with recent attempts
//! ([`Lane::Suspect`]) may use all threads but one and the queue's places but a quarter
//! (at least one a thread), so that under a flood of guesses someone logging in from a clean
//! network finds a place in the queue and waits for at most the hashes in progress, not for
//! the attackers' queue. Whether a username exists plays no part in it (that would tell it by
//! the time taken).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, SaltString};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::Duration;
use tokio::sync::Semaphore;

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

thread_local! {
    /// Each hashing thread's Argon2 memory, allocated once and reused: hashing allocates and
    /// frees nothing large, so the allocator cannot keep 19 MiB chunks around in arena after
    /// arena (it did: 390 MB after 500 failed log-ins).
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// Argon2 of `password` with `salt` into `out`, on this thread's reused memory.
fn argon2_into(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), AppError> {
    let needed = argon2.params().block_count();
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() != needed {
            *blocks = vec![argon2::Block::default(); needed];
            blocks.shrink_to_fit();
        }
        argon2
            .hash_password_into_with_memory(password, salt, out, &mut blocks[..])
            .map_err(internal)
    })
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(internal)?;
    let argon2 = Argon2::default();
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.as_salt().decode_b64(&mut salt_bytes).map_err(internal)?;
    let mut out = [0u8; argon2::Params::DEFAULT_OUTPUT_LEN];
    argon2_into(&argon2, password.as_bytes(), salt_raw, &mut out)?;
    let phc = PasswordHash {
        algorithm: argon2::Algorithm::default().ident(),
        version: Some(argon2::Version::default().into()),
        params: argon2::password_hash::ParamsString::try_from(argon2.params()).map_err(internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(argon2::password_hash::Output::new(&out).map_err(internal)?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `hash` (constant-time comparison).
fn verify_now(password: &str, hash: &str) -> Result<bool, AppError> {
    let phc = PasswordHash::new(hash).map_err(internal)?;
    let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else {
        return Err(internal("a password hash without salt or output"));
    };
    let algorithm = argon2::Algorithm::try_from(phc.algorithm).map_err(internal)?;
    let version = phc.version.map(argon2::Version::try_from).transpose().map_err(internal)?;
    let params = argon2::Params::try_from(&phc).map_err(internal)?;
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), params);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.decode_b64(&mut salt_bytes).map_err(internal)?;
    let mut out = vec![0u8; expected.len()];
    argon2_into(&argon2, password.as_bytes(), salt_raw, &mut out)?;
    Ok(argon2::password_hash::Output::new(&out).map_err(internal)? == expected)
}

/// How the hashing pool is sized; see the module's documentation.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub threads: usize,
    pub queue: usize,
    pub wait: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        PoolSettings { threads: cores, queue: 64 * cores, wait: Duration::from_secs(2) }
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// Which lane a hash queues in; see the module's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Clear,
    Suspect,
}

struct Pool {
    /// One permit a hashing thread: who holds one has a thread to run on.
    threads: Semaphore,
    /// The threads suspect log-ins may take: all but one (at least one).
    suspect: Semaphore,
    /// One permit a place in the queue (waiting or running), for every lane.
    places: Semaphore,
    /// The places suspect log-ins may take: all but the clear lane's reserve.
    suspect_places: Semaphore,
    wait: Duration,
    jobs: Mutex<mpsc::Sender<Job>>,
}

static POOL: OnceLock<Pool> = OnceLock::new();

/// Sizes the pool; the first call wins (the server calls it once before serving, and a pool
/// used before that, by the bootstrap or the demo, has the defaults).
pub fn configure(settings: PoolSettings) {
    let _ = pool_with(settings);
}

fn pool_with(settings: PoolSettings) -> &'static Pool {
    POOL.get_or_init(|| {
        let threads = settings.threads.max(1);
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for n in 0..threads {
            let rx = Arc::clone(&rx);
            let spawned =
                std::thread::Builder::new().name(format!("argon2-{n}")).spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password-hashing thread");
            }
        }
        let places = settings.queue.max(threads);
        Pool {
            threads: Semaphore::new(threads),
            suspect: Semaphore::new(threads.saturating_sub(1).max(1)),
            places: Semaphore::new(places),
            suspect_places: Semaphore::new(suspect_places(places, threads)),
            wait: settings.wait,
            jobs: Mutex::new(tx),
        }
    })
}

/// How many of the queue's `places` suspect log-ins may take: all but a quarter, and never
/// fewer than one a thread, nor so many that a clear log-in finds no place.
fn suspect_places(places: usize, threads: usize) -> usize {
    (places - places / 4).max(threads.min(places)).min(places.saturating_sub(1)).max(1)
}

/// A place in the hashing queue of a lane, taken before anything else is done for a log-in:
/// with none free the log-in is refused at once (`503 server_busy`), before the throttle writes
/// its attempt, so a flood of guesses beyond what the pool can hash costs no write at all.
#[must_use]
pub struct Place {
    lane: Lane,
    place: tokio::sync::SemaphorePermit<'static>,
    suspect_place: Option<tokio::sync::SemaphorePermit<'static>>,
}

impl std::fmt::Debug for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Place").field("lane", &self.lane).finish_non_exhaustive()
    }
}

fn busy(pool: &Pool) -> AppError {
    AppError::Busy(1 + pool.wait.as_secs())
}

/// Takes a place in `lane`'s queue, or refuses with `503 server_busy` if none is free.
pub fn take_place(lane: Lane) -> Result<Place, AppError> {
    let pool = pool_with(PoolSettings::default());
    // A suspect log-in takes a place of its lane first, so that it never takes the last
    // places, which are kept for log-ins from clean networks.
    let suspect_place = match lane {
        Lane::Suspect => match pool.suspect_places.try_acquire() {
            Ok(p) => Some(p),
            Err(_) => {
                tracing::warn!(lane = "suspect", "password hashing queue full; refusing");
                return Err(busy(pool));
            }
        },
        Lane::Clear => None,
    };
    let Ok(place) = pool.places.try_acquire() else {
        tracing::warn!("password hashing queue full; refusing");
        return Err(busy(pool));
    };
    Ok(Place { lane, place, suspect_place })
}

/// Runs `work` on a hashing thread once one is free (waiting in `place`), or refuses with
/// `503 server_busy`.
async fn on_pool<T: Send + 'static>(
    place: Place,
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let pool = pool_with(PoolSettings::default());
    let busy = || busy(pool);
    let Place { lane, place, suspect_place } = place;
    let waited = tokio::time::timeout(pool.wait, async {
        let lane = match lane {
            Lane::Suspect => Some(pool.suspect.acquire().await?),
            Lane::Clear => None,
        };
        Ok::<_, tokio::sync::AcquireError>((pool.threads.acquire().await?, lane))
    });
    let thread = match waited.await {
        Ok(Ok(permits)) => permits,
        _ => {
            tracing::warn!(
                wait_ms = pool.wait.as_millis() as u64,
                "no hashing thread free in time; refusing"
            );
            return Err(busy());
        }
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        // Both permits go when the hash is done, even if the request was dropped meanwhile:
        // an abandoned hash still holds its thread, so the pool never runs more than its size.
        let _held = (thread, place, suspect_place);
        let _ = tx.send(work());
    });
    pool.jobs
        .lock()
        .map_err(|_| AppError::Internal("hashing pool poisoned".into()))?
        .send(job)
        .map_err(|_| AppError::Internal("hashing pool stopped".into()))?;
    rx.await.map_err(|_| AppError::Internal("hashing thread died".into()))?
}

/// Hashes a password with a fresh salt.
pub async fn hash(password: String) -> Result<String, AppError> {
    on_pool(take_place(Lane::Clear)?, move || hash_now(&password)).await
}

/// Whether `password` matches `hash` (or, with `None`, spends the same time and says no),
/// hashed from `place` in the queue.
pub async fn verify(
    password: String,
    hash: Option<String>,
    place: Place,
) -> Result<bool, AppError> {
    on_pool(place, move || {
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
        let ok = verify_now(&password, &hash)?;
        Ok(known && ok)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_reads_hashes_of_the_argon2_crate() {
        let hash = hash_now("correct horse").unwrap();
        assert!(verify_now("correct horse", &hash).unwrap());
        assert!(!verify_now("correct horsf", &hash).unwrap());
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let theirs = Argon2::default().hash_password(b"battery staple", &salt).unwrap().to_string();
        assert!(verify_now("battery staple", &theirs).unwrap());
        assert!(!verify_now("battery stapler", &theirs).unwrap());
    }

    #[test]
    fn suspect_log_ins_leave_places_for_clear_ones() {
        assert_eq!(suspect_places(128, 2), 96);
        assert_eq!(suspect_places(4, 2), 3);
        assert_eq!(suspect_places(2, 2), 1);
        assert_eq!(suspect_places(1, 1), 1);
        for places in 1..300 {
            for threads in 1..=places.min(16) {
                let s = suspect_places(places, threads);
                assert!(s >= 1 && s <= places, "{places} {threads} -> {s}");
                if places > 1 {
                    assert!(s < places, "{places} {threads}: no place left for a clear log-in");
                }
            }
        }
    }

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
