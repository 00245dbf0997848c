//! Command line and environment: where the database is, where to listen, what to set up.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The homework-time logger's server: serves the web app at `/` and the API under `/api/v1`.
#[derive(Debug, Clone, Parser)]
#[command(name = "backend", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// `sqlite://file.db` (created if missing) or `postgres://...`; a bare path means SQLite.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://homework.db", global = true)]
    pub database_url: String,

    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8080")]
    pub listen_addr: String,

    /// Folder of the built web app (`cargo xtask dist` writes it).
    #[arg(long, env = "STATIC_DIR", default_value = "frontend/dist")]
    pub static_dir: PathBuf,

    /// Load a demo school (grades 7-9, four classes each, four weeks of reports) and print its
    /// accounts.
    #[arg(long)]
    pub demo: bool,

    /// `username:password` of the first admin, used only when the database has no school yet.
    #[arg(long, env = "BOOTSTRAP_ADMIN", hide_env_values = true)]
    pub bootstrap_admin: Option<String>,

    /// Name of the school created with the first admin.
    #[arg(long, env = "BOOTSTRAP_SCHOOL", default_value = "My School")]
    pub bootstrap_school: String,

    /// A session ends after this many hours without a request.
    #[arg(long, env = "SESSION_IDLE_HOURS", default_value_t = 72)]
    pub session_idle_hours: i64,

    /// A session ends this many days after log-in, however busy.
    #[arg(long, env = "SESSION_MAX_DAYS", default_value_t = 30)]
    pub session_max_days: i64,

    /// The idle time-out in seconds, overriding SESSION_IDLE_HOURS (for tests and demos).
    #[arg(long, env = "SESSION_IDLE_SECONDS", hide = true)]
    pub session_idle_seconds: Option<i64>,

    /// The absolute time-out in seconds, overriding SESSION_MAX_DAYS (for tests and demos).
    #[arg(long, env = "SESSION_MAX_SECONDS", hide = true)]
    pub session_max_seconds: Option<i64>,

    /// Mark the session cookie `Secure` always (else only for `X-Forwarded-Proto: https`).
    #[arg(long, env = "COOKIE_SECURE", default_value_t = false, action = clap::ArgAction::Set)]
    pub cookie_secure: bool,

    /// Take the client's address from `X-Forwarded-For` (only behind your own proxy).
    #[arg(long, env = "TRUST_PROXY_HEADERS", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_proxy_headers: bool,

    /// Serve Prometheus metrics at `/metrics` on this address of its own (e.g. `127.0.0.1:9090`);
    /// unset, none are served. Never on the public address: keep it on loopback or a private
    /// network.
    #[arg(long, env = "METRICS_ADDR")]
    pub metrics_addr: Option<String>,
    /// How often, in seconds, the server looks whether a school's morning recheck of cases is
    /// due (it runs once a school day, from 06:00 school time).
    #[arg(long, env = "CASE_RECHECK_EVERY_SECONDS", default_value_t = 600, hide = true)]
    pub case_recheck_every_seconds: u64,
    /// The key of the HMAC tablet codes are stored under (at least 32 characters). Default: on
    /// SQLite a file `<database>.secret` made on first start; on PostgreSQL derived from
    /// DATABASE_URL. Every copy behind a load balancer must have the same.
    #[arg(long, env = "SERVER_SECRET", hide_env_values = true)]
    pub server_secret: Option<String>,

    /// Password hashes run at once at most (each takes 19 MiB); default: the number of cores.
    #[arg(long, env = "HASH_THREADS")]
    pub hash_threads: Option<usize>,

    /// How long a log-in waits for a hashing thread before `503 server_busy`, in milliseconds.
    #[arg(long, env = "HASH_WAIT_MS", default_value_t = 2000)]
    pub hash_wait_ms: u64,

    /// Password hashes that may wait at once; more are refused at once (`503 server_busy`).
    #[arg(long, env = "HASH_QUEUE", default_value_t = 128)]
    pub hash_queue: usize,

    /// A connection must send a request's headers within this many seconds.
    #[arg(long, env = "HEADER_READ_TIMEOUT_SECONDS", default_value_t = 10)]
    pub header_read_timeout_seconds: u64,

    /// A request's whole body must arrive within this many seconds of its headers.
    #[arg(long, env = "BODY_TIMEOUT_SECONDS", default_value_t = 30)]
    pub body_timeout_seconds: u64,

    /// A connection with no request in flight is closed after this many seconds (keep-alive).
    #[arg(long, env = "IDLE_TIMEOUT_SECONDS", default_value_t = 60)]
    pub idle_timeout_seconds: u64,

    /// Open connections at most; more wait in the kernel's queue until one closes.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,

    /// Log lines as text for people or JSON for a log collector.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the app and the API (what happens without a subcommand).
    Serve,
    /// Create a school and its first admin account, then exit.
    AddSchool {
        /// The school's name.
        #[arg(long)]
        name: String,
        /// `username:password` of the school's first admin.
        #[arg(long)]
        admin: String,
        /// The district the school belongs to (`add-district` prints its id).
        #[arg(long)]
        district: Option<i64>,
    },
    /// Create a district and its first district admin, then print the district's id.
    AddDistrict {
        /// The district's name.
        #[arg(long)]
        name: String,
        /// `username:password` of the district's first admin.
        #[arg(long)]
        admin: String,
    },
    /// Write a consistent copy of the database to a new file (safe while the server runs).
    Backup {
        /// The file to create.
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the SQLite database with a backup (stop the server first).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
    },
    /// Rechecks now every case that is acted on and whose recheck window has ended before
    /// `--today` (default: each school's today), as the server does each morning; recorded as
    /// done by the system. For operators and tests (it sets the day the rules see).
    #[command(hide = true)]
    RecheckCases {
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        /// Claim each school's day first, as the server's morning run does: of several runs
        /// for the same day, exactly one rechecks.
        #[arg(long)]
        claim: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Cli {
    /// The database URL with a bare file path turned into a `sqlite://` URL.
    pub fn database_url(&self) -> String {
        let url = self.database_url.trim();
        if url.contains(':') && !url.starts_with('/') && !url.starts_with('.') {
            url.to_owned()
        } else {
            format!("sqlite://{url}")
        }
    }
}

/// Splits `username:password` at the first colon.
pub fn parse_credentials(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((u, p)) if !u.is_empty() && !p.is_empty() => Ok((u.to_owned(), p.to_owned())),
        _ => Err("expected username:password".to_owned()),
    }
}
