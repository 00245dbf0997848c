//! Faults and bad input: the server keeps working and loses nothing. Crashes (SIGKILL) in the
//! middle of writes, a graceful stop with requests in flight, a full or read-only disk, every
//! kind of malformed input on every endpoint, script in names and notes, backups taken under
//! load and restored, and the retention purge. docs/GUARANTEES.md lists what each test shows.
//!
//! `HOMEWORK_LONG_TESTS=1` (set by `cargo xtask test --long`) runs the crash test for more than a
//! hundred kill-and-restart cycles instead of a few. The disk tests need root (a private mount
//! namespace, tmpfs and a loop device); they say so loudly and skip when not root. The integrity
//! checks use the `sqlite3` command-line shell (`apt-get install sqlite3`; `cargo xtask test`
//! installs it).

mod backup;
mod bad_input;
mod crash;
mod disk;
mod durability;
mod fixture;
mod readiness;
mod retention;
mod shutdown;
mod static_files;
mod xss;
