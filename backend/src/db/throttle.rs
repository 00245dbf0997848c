//! The log-in throttle's storage: attempts recorded before they are judged, counted per
//! account, address and network within one kind of attempt.

use async_trait::async_trait;

use super::StoreResult;

/// Which throttle an attempt belongs to. Stored in a column of its own, so that no typed
/// username can count against a tablet's or a password change's throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptKind {
    Login,
    Tablet,
    PasswordChange,
}

impl AttemptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptKind::Login => "login",
            AttemptKind::Tablet => "tablet",
            AttemptKind::PasswordChange => "password_change",
        }
    }
}

/// One attempt: who it is for and where it came from.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub kind: AttemptKind,
    /// A typed username (truncated), an account id, or empty (a tablet code is nobody's).
    pub account: String,
    pub address: String,
    /// The address's /24 (IPv4) or /64 (IPv6).
    pub network: String,
}

/// The attempts of the same kind within the window, this one included, and the oldest of each.
#[derive(Debug, Clone, Copy, Default)]
pub struct AttemptCounts {
    /// This attempt's row, to forget it if it succeeds or is refused unjudged.
    pub id: i64,
    pub account: u32,
    pub address: u32,
    pub network: u32,
    pub oldest_account: Option<i64>,
    pub oldest_address: Option<i64>,
    pub oldest_network: Option<i64>,
}

/// The counting SQL, the same on both databases: `$1` kind, `$2` account, `$3` address,
/// `$4` network, `$5` the window's start.
pub(super) const COUNT_ATTEMPTS: &str = "SELECT \
    (SELECT COUNT(*) FROM login_attempts WHERE kind = $1 AND account = $2 AND at > $5), \
    (SELECT MIN(at) FROM login_attempts WHERE kind = $1 AND account = $2 AND at > $5), \
    (SELECT COUNT(*) FROM login_attempts WHERE kind = $1 AND address = $3 AND at > $5), \
    (SELECT MIN(at) FROM login_attempts WHERE kind = $1 AND address = $3 AND at > $5), \
    (SELECT COUNT(*) FROM login_attempts WHERE kind = $1 AND network = $4 AND at > $5), \
    (SELECT MIN(at) FROM login_attempts WHERE kind = $1 AND network = $4 AND at > $5)";

pub(super) const INSERT_ATTEMPT: &str = "INSERT INTO login_attempts (kind, account, address, network, at) \
    VALUES ($1, $2, $3, $4, $5) RETURNING id";

pub(super) const FORGET_ATTEMPT: &str = "DELETE FROM login_attempts WHERE id = $1";

pub(super) const PURGE_ATTEMPTS: &str = "DELETE FROM login_attempts WHERE at <= $1";

/// A row of [`COUNT_ATTEMPTS`].
pub(super) type CountRow = (i64, Option<i64>, i64, Option<i64>, i64, Option<i64>);

pub(super) fn counts_of(id: i64, row: CountRow) -> AttemptCounts {
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    AttemptCounts {
        id,
        account: n(row.0),
        oldest_account: row.1,
        address: n(row.2),
        oldest_address: row.3,
        network: n(row.4),
        oldest_network: row.5,
    }
}

#[async_trait]
pub trait Throttle: Send + Sync + 'static {
    /// Records an attempt at `now`, then counts the attempts of its kind after `since` for its
    /// account, address and network, this one included. Two attempts at once each count the
    /// other whichever way they interleave: the count comes after the row is committed.
    async fn count_attempt(
        &self,
        attempt: &Attempt,
        now: i64,
        since: i64,
    ) -> StoreResult<AttemptCounts>;
    /// The counts [`Throttle::count_attempt`] would give if the attempt were recorded now,
    /// without recording it (`id` 0): a read, so that attempts already over a limit are
    /// refused without queueing for the database's writer.
    async fn peek_attempts(&self, attempt: &Attempt, since: i64) -> StoreResult<AttemptCounts>;
    /// Removes an attempt's row (a right password, or one refused before it was judged).
    async fn forget_attempt(&self, id: i64) -> StoreResult<()>;
    /// Removes the attempts at or before `before`: nothing typed is kept longer than the
    /// throttle needs it. Returns how many went.
    async fn purge_attempts(&self, before: i64) -> StoreResult<u64>;
}

/// Binds an attempt's kind, account, address and network (`$1`..`$4`), each text as the
/// database can hold it (`db_text`, resolved where [`throttle_impl!`] is used).
macro_rules! bind_attempt {
    ($query:expr, $attempt:expr) => {
        $query
            .bind($attempt.kind.as_str())
            .bind(db_text(&$attempt.account))
            .bind(db_text(&$attempt.address))
            .bind(db_text(&$attempt.network))
    };
}
pub(super) use bind_attempt;

/// The implementation of [`Throttle`] for a store type, written once with the same SQL:
/// `$read` is its reading pool, `$write` the pool that writes, `$begin` opens a writing
/// transaction. What differs stays in the database module and is resolved where the macro is
/// used: `count_turn` (counts one after the other: PostgreSQL takes an advisory lock, SQLite's
/// writes already run one at a time), `db_text`, and `store_error`.
macro_rules! throttle_impl {
    ($store:ty, read = |$r:ident| $read:expr, write = |$w:ident| $write:expr,
     begin = |$b:ident| $begin:expr) => {
        #[async_trait::async_trait]
        impl $crate::db::throttle::Throttle for $store {
            async fn count_attempt(
                &self,
                attempt: &$crate::db::throttle::Attempt,
                now: i64,
                since: i64,
            ) -> $crate::db::StoreResult<$crate::db::throttle::AttemptCounts> {
                use $crate::db::throttle::*;
                let $b = self;
                let mut tx = $begin.await?;
                count_turn(&mut tx).await?;
                let id: i64 = bind_attempt!(sqlx::query_scalar(INSERT_ATTEMPT), attempt)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error)?;
                let row: CountRow = bind_attempt!(sqlx::query_as(COUNT_ATTEMPTS), attempt)
                    .bind(since)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error)?;
                tx.commit().await.map_err(store_error)?;
                Ok(counts_of(id, row))
            }

            async fn peek_attempts(
                &self,
                attempt: &$crate::db::throttle::Attempt,
                since: i64,
            ) -> $crate::db::StoreResult<$crate::db::throttle::AttemptCounts> {
                use $crate::db::throttle::*;
                let $r = self;
                let row: CountRow = bind_attempt!(sqlx::query_as(COUNT_ATTEMPTS), attempt)
                    .bind(since)
                    .fetch_one($read)
                    .await
                    .map_err(store_error)?;
                let mut counts = counts_of(0, row);
                // As if this attempt were recorded too.
                counts.account += 1;
                counts.address += 1;
                counts.network += 1;
                Ok(counts)
            }

            async fn forget_attempt(&self, id: i64) -> $crate::db::StoreResult<()> {
                let $w = self;
                sqlx::query($crate::db::throttle::FORGET_ATTEMPT)
                    .bind(id)
                    .execute($write)
                    .await
                    .map_err(store_error)?;
                Ok(())
            }

            async fn purge_attempts(&self, before: i64) -> $crate::db::StoreResult<u64> {
                let $w = self;
                let done = sqlx::query($crate::db::throttle::PURGE_ATTEMPTS)
                    .bind(before)
                    .execute($write)
                    .await
                    .map_err(store_error)?;
                Ok(done.rows_affected())
            }
        }
    };
}
pub(super) use throttle_impl;
