//! The reads every request makes — its session, and for a day report the class with its school
//! and policy — run on the request's own thread, on a `rusqlite` connection taken from a few
//! kept for them, instead of through sqlx's reading pool.
//!
//! Through sqlx each read is a hand-over to the connection's own thread and back (a pool
//! acquisition, a channel each way, two thread wake-ups). For these point reads by key the
//! hand-over cost more than the reads: under a burst of day reports, sqlx's reading threads and
//! the wake-ups were about a quarter of the server's CPU (perf, a district's file at 3,200
//! reports a second). Here a read takes a connection off a stack (one uncontended lock), runs
//! its prepared statement where the request runs, and puts the connection back.
//!
//! A read holds up its runtime thread for as long as it takes: tens of microseconds from pages
//! the OS has cached. In WAL mode a reader never waits for the writer; the busy timeout is short
//! all the same, so that a database that cannot be read answers `503` soon rather than holding
//! a thread.

use super::rusqlite_error;
use crate::db::StoreResult;
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How long a read waits for a lock before the database counts as unavailable.
const BUSY_TIMEOUT: Duration = Duration::from_millis(500);

/// How much of the file these reads map into memory instead of reading it page by page.
///
/// Each write the reader has not seen yet (under a burst of reports: every read) empties a
/// connection's page cache, so each read fetched its pages again, a `pread` and a copy each. The
/// tables these reads go through (sessions, accounts, classes, schools) change seldom, so their
/// pages are mostly in the database file, where a mapping hands them over without either.
const MMAP_BYTES: i64 = 1 << 30;

/// Read-only connections for reads made where the request runs.
pub(super) struct InlineReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// The most connections kept between reads: one per thread that can read at once.
    keep: usize,
}

impl InlineReader {
    /// Opens one connection now, so that a file that cannot be read is said at start.
    pub(super) fn open(path: PathBuf, keep: usize) -> Result<InlineReader, String> {
        let first = connect(&path)
            .map_err(|e| format!("cannot open {} for reading: {e}", path.display()))?;
        Ok(InlineReader { path, idle: Mutex::new(vec![first]), keep: keep.max(1) })
    }

    /// Runs `read` on a connection of its own, on this thread.
    pub(super) fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> StoreResult<T> {
        let kept = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match kept {
            Some(conn) => conn,
            None => connect(&self.path).map_err(rusqlite_error)?,
        };
        let answer = read(&conn).map_err(rusqlite_error);
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.keep {
            idle.push(conn);
        }
        answer
    }
}

fn connect(path: &std::path::Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    conn.set_prepared_statement_cache_capacity(8);
    Ok(conn)
}
