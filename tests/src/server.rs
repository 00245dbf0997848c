//! Starts the real `backend` binary as a child process, on a free port, against a fresh
//! database, and stops it again when the test is done. The database is a SQLite file in a
//! temporary directory, or, with `TEST_DATABASE=postgres`, a new PostgreSQL database made on the
//! server that `TEST_POSTGRES_URL` names and dropped with the [`TestServer`] ([`Backend`]).
//!
//! The server tells us where it listens by printing `listening on http://127.0.0.1:PORT` on
//! stdout; everything it logs goes to stderr, which we keep and print if the test fails.

use crate::api::Api;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

/// The bootstrap admin of a server started with [`Options::default`].
pub const ADMIN_USERNAME: &str = "admin";
/// Its password (the server wants at least 8 characters).
pub const ADMIN_PASSWORD: &str = "admin-password-1";
/// The password of every account of the `--demo` school.
pub const DEMO_PASSWORD: &str = "homework-demo";

/// How long a server may take to say where it listens; generous, the first start may migrate.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a server may take to stop after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// What the server prints, once, when it is ready for requests.
const LISTENING_PREFIX: &str = "listening on ";

/// How to start a server.
#[derive(Debug, Clone)]
pub struct Options {
    /// Start with `--demo` (the demo school) instead of `BOOTSTRAP_ADMIN`/`BOOTSTRAP_SCHOOL`.
    pub demo: bool,
    pub admin_username: String,
    pub admin_password: String,
    pub school_name: String,
    /// More environment for the server (it overrides the harness's own, e.g. `STATIC_DIR`).
    pub env: Vec<(String, String)>,
    /// A command the server is started through, its own command line appended (e.g.
    /// `unshare --mount … sh -c '…; exec "$@"' sh`, which must `exec` it so the process id stays
    /// the server's). Empty: the server is started directly.
    pub wrapper: Vec<String>,
    /// The database the server runs on; by default what `TEST_DATABASE` says
    /// ([`Backend::from_env`]).
    pub backend: Backend,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            demo: false,
            admin_username: ADMIN_USERNAME.to_owned(),
            admin_password: ADMIN_PASSWORD.to_owned(),
            school_name: "First Test School".to_owned(),
            env: Vec::new(),
            wrapper: Vec::new(),
            backend: Backend::from_env(),
        }
    }
}

impl Options {
    /// The `--demo` school, whose admin is `admin` / [`DEMO_PASSWORD`].
    pub fn demo() -> Self {
        Options { demo: true, admin_password: DEMO_PASSWORD.to_owned(), ..Options::default() }
    }
}

/// Which database a test server runs on. The API suite runs on both (`cargo xtask test` runs
/// it twice); the fault and browser tests need SQLite's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A new SQLite file in the server's temporary directory.
    Sqlite,
    /// A new database on this PostgreSQL server, created through `admin_url` (an account that
    /// may create databases) and dropped when the [`TestServer`] is.
    Postgres { admin_url: String },
}

impl Backend {
    /// What `TEST_DATABASE` asks for: `sqlite` (or nothing) or `postgres`, on the server that
    /// `TEST_POSTGRES_URL` names. Asking for PostgreSQL without naming one fails the test: a
    /// run that meant to test PostgreSQL must never pass on SQLite instead.
    pub fn from_env() -> Backend {
        match std::env::var("TEST_DATABASE").as_deref() {
            Err(_) | Ok("" | "sqlite") => Backend::Sqlite,
            Ok("postgres") => match std::env::var("TEST_POSTGRES_URL") {
                Ok(url) if !url.is_empty() => Backend::Postgres { admin_url: url },
                _ => panic!(
                    "\n!!! TEST_DATABASE=postgres but TEST_POSTGRES_URL is not set: nothing was \
                     tested on PostgreSQL. Set it (e.g. \
                     postgres://postgres@127.0.0.1:5432/postgres) or run `cargo xtask test`. !!!\n"
                ),
            },
            Ok(other) => panic!("TEST_DATABASE must be sqlite or postgres, not {other:?}"),
        }
    }
}

/// A PostgreSQL database made for one [`TestServer`]; dropping it drops the database.
struct PgDatabase {
    admin_url: String,
    name: String,
    /// `DATABASE_URL` of the server: the admin URL with this database's name.
    url: String,
}

/// Databases made for tests are named `hw_test_<pid>_<n>`: the process id tells which are left
/// over from a run that was killed before it could drop them.
const PG_PREFIX: &str = "hw_test_";

impl PgDatabase {
    fn create(admin_url: &str) -> PgDatabase {
        static CLEANED: Once = Once::new();
        static COUNT: AtomicU32 = AtomicU32::new(0);
        CLEANED.call_once(|| drop_leftover_databases(admin_url));
        let pid = std::process::id();
        let name = format!("{PG_PREFIX}{pid}_{}", COUNT.fetch_add(1, Ordering::Relaxed));
        let mut url = url::Url::parse(admin_url)
            .unwrap_or_else(|e| panic!("TEST_POSTGRES_URL is not a URL ({e}): {admin_url}"));
        url.set_path(&name);
        // One of this name can only be left over from a dead process that had our pid.
        psql(admin_url, &[&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")])
            .and_then(|_| psql(admin_url, &[&format!("CREATE DATABASE {name}")]))
            .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
        PgDatabase { admin_url: admin_url.to_owned(), name, url: url.to_string() }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // FORCE ends the server's connections, should it still be running.
        let drop_it = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = psql(&self.admin_url, &[&drop_it]) {
            eprintln!("tests: cannot drop the test database {}: {e}", self.name);
        }
    }
}

/// Drops the test databases of processes that no longer run (a run killed mid-test).
fn drop_leftover_databases(admin_url: &str) {
    let list = format!("SELECT datname FROM pg_database WHERE datname LIKE '{PG_PREFIX}%'");
    let Ok(names) = psql(admin_url, &[&list]) else { return };
    for name in names.lines().map(str::trim) {
        let pid = name.strip_prefix(PG_PREFIX).and_then(|rest| rest.split('_').next());
        let alive = pid.is_some_and(|pid| Path::new("/proc").join(pid).exists());
        if !alive && !name.is_empty() {
            let _ = psql(admin_url, &[&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")]);
        }
    }
}

/// Runs SQL commands with `psql` (each `-c` on its own, outside a transaction, as `CREATE
/// DATABASE` must be); its unaligned output.
fn psql(url: &str, commands: &[&str]) -> Result<String, String> {
    let mut command = std::process::Command::new("psql");
    command.args(["--no-psqlrc", "--no-password", "--quiet", "--tuples-only", "--no-align"]);
    command.args(["--set", "ON_ERROR_STOP=1", "--dbname", url]);
    for sql in commands {
        command.args(["--command", sql]);
    }
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run psql (Debian's postgresql-client): {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A running backend with its own database. Dropping it kills the process and deletes the
/// database; if the test is panicking, the server's logs are printed first.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    /// The SQLite file, kept across [`TestServer::restart`] (unused on PostgreSQL).
    pub db_path: PathBuf,
    pub options: Options,
    process: Option<Process>,
    /// Logs of earlier runs of this server (before a restart), for failure reports.
    earlier_logs: String,
    /// The PostgreSQL database, kept across restarts; dropped after the process is killed.
    postgres: Option<PgDatabase>,
    // Dropped last: the directory holding the database.
    dir: tempfile::TempDir,
}

/// What a command-line run of the backend (`backend add-school …`) did.
#[derive(Debug, Clone)]
pub struct CliOutput {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

struct Process {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl TestServer {
    /// Starts a server on a fresh database and waits until it listens.
    pub async fn start(options: Options) -> TestServer {
        let dir = tempfile::Builder::new()
            .prefix("homework-test-")
            .tempdir()
            .expect("cannot create a temporary directory for the database");
        let db_path = dir.path().join("homework.db");
        let postgres = match &options.backend {
            Backend::Sqlite => None,
            Backend::Postgres { admin_url } => Some(PgDatabase::create(admin_url)),
        };
        let mut server = TestServer {
            base_url: String::new(),
            db_path,
            options,
            process: None,
            earlier_logs: String::new(),
            postgres,
            dir,
        };
        server.spawn().await;
        server
    }

    /// A server with the default bootstrap admin and school.
    pub async fn start_default() -> TestServer {
        TestServer::start(Options::default()).await
    }

    /// Stops the server (SIGTERM, then SIGKILL if it lingers) and starts it again on the same
    /// database. The port changes; `base_url` is updated.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.spawn().await;
    }

    /// Stops the server gracefully, keeping the database. [`TestServer::restart`] starts it again.
    pub async fn stop(&mut self) {
        self.terminate();
        if self.wait_for_exit(STOP_TIMEOUT).await.is_none() {
            self.kill().await;
        }
    }

    /// Kills the server with SIGKILL, as a power cut or the OOM killer would, and waits until it
    /// is gone; the database stays as the crash left it. [`TestServer::restart`] starts it again.
    pub async fn kill(&mut self) {
        let Some(mut process) = self.process.take() else {
            return;
        };
        let _ = process.child.kill().await;
        self.keep_logs(process, "killed").await;
    }

    /// Sends SIGTERM and returns at once; [`TestServer::wait_for_exit`] waits for the end.
    pub fn terminate(&self) {
        if let Some(pid) = self.pid() {
            // No signal API in std; `kill` is on every machine that runs these tests.
            let _ = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        }
    }

    /// Waits up to `limit` for the server to end by itself and returns how it ended; `None` if
    /// it is still running (it is left running).
    pub async fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let process = self.process.as_mut()?;
        let status = tokio::time::timeout(limit, process.child.wait()).await.ok()?.ok()?;
        if let Some(process) = self.process.take() {
            self.keep_logs(process, "stopped").await;
        }
        Some(status)
    }

    /// The server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.process.as_ref().and_then(|p| p.child.id())
    }

    async fn keep_logs(&mut self, process: Process, how: &str) {
        // Let the readers drain what the process wrote before it ended.
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.earlier_logs.push_str(&lock(&process.stderr).to_string());
        self.earlier_logs.push_str(&format!("\n--- server {how} ---\n"));
    }

    /// A client with no session, for this server.
    pub fn api(&self) -> Api {
        Api::new(&self.base_url)
    }

    /// A client logged in as `username`; panics (with the answer) if the login fails.
    pub async fn login(&self, username: &str, password: &str) -> Api {
        let api = self.api();
        api.login(username, password)
            .await
            .expect_status(200, &format!("logging in as {username}"));
        api
    }

    /// A client logged in as the bootstrap (or demo) admin.
    pub async fn admin(&self) -> Api {
        self.login(&self.options.admin_username, &self.options.admin_password).await
    }

    /// `DATABASE_URL` of this server.
    pub fn database_url(&self) -> String {
        match &self.postgres {
            Some(db) => db.url.clone(),
            None => format!("sqlite://{}", self.db_path.display()),
        }
    }

    /// Runs the backend binary with `args` against this server's database and waits for it.
    pub async fn run_cli(&self, args: &[&str]) -> CliOutput {
        let output = Command::new(backend_bin())
            .args(args)
            .env("DATABASE_URL", self.database_url())
            .env("RUST_LOG", "warn")
            .env_remove("BOOTSTRAP_ADMIN")
            .env_remove("BOOTSTRAP_SCHOOL")
            .env_remove("LISTEN_ADDR")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(START_TIMEOUT, output)
            .await
            .unwrap_or_else(|_| panic!("`backend {}` did not finish in time", args.join(" ")))
            .expect("cannot run the backend binary");
        CliOutput {
            success: output.status.success(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `backend add-school --name NAME --admin USER:PASSWORD`; panics if it fails.
    pub async fn add_school(&self, name: &str, admin: &str, password: &str) {
        let admin_arg = format!("{admin}:{password}");
        let out = self.run_cli(&["add-school", "--name", name, "--admin", &admin_arg]).await;
        assert!(
            out.success,
            "`backend add-school --name {name:?} --admin {admin_arg}` failed ({:?})\nstdout:\n{}\nstderr:\n{}",
            out.code, out.stdout, out.stderr
        );
    }

    /// Everything the server wrote to stdout so far (the listening line, the demo accounts).
    pub fn stdout(&self) -> String {
        self.process.as_ref().map(|p| lock(&p.stdout).clone()).unwrap_or_default()
    }

    /// Everything the server logged (stderr), of this run and the ones before a restart.
    pub fn logs(&self) -> String {
        let current = self.process.as_ref().map(|p| lock(&p.stderr).clone()).unwrap_or_default();
        format!("{}{current}", self.earlier_logs)
    }

    async fn spawn(&mut self) {
        let mut command = match self.options.wrapper.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(backend_bin());
                c
            }
            None => Command::new(backend_bin()),
        };
        if self.options.demo {
            command.arg("--demo").env_remove("BOOTSTRAP_ADMIN").env_remove("BOOTSTRAP_SCHOOL");
        } else {
            let admin = format!("{}:{}", self.options.admin_username, self.options.admin_password);
            command
                .env("BOOTSTRAP_ADMIN", admin)
                .env("BOOTSTRAP_SCHOOL", &self.options.school_name);
        }
        command
            .env("DATABASE_URL", self.database_url())
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            // The built web app, for the browser tests; the API tests do not need it.
            .env("STATIC_DIR", workspace_root().join("frontend").join("dist"))
            .envs(self.options.env.iter().map(|(k, v)| (k, v)))
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().unwrap_or_else(|e| {
            panic!("cannot start {}: {e}", backend_bin().display());
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let stdout = Arc::new(Mutex::new(String::new()));
        tokio::spawn(collect(child.stderr.take().expect("stderr is piped"), stderr.clone()));
        let pipe = child.stdout.take().expect("stdout is piped");
        let found =
            tokio::time::timeout(START_TIMEOUT, wait_for_address(pipe, stdout.clone())).await;
        let failure = match found {
            Ok(Ok(url)) => {
                self.base_url = url;
                None
            }
            Ok(Err(why)) => Some(why),
            Err(_) => Some(format!(
                "it did not print `{LISTENING_PREFIX}http://…` within {START_TIMEOUT:?}"
            )),
        };
        self.process = Some(Process { child, stdout: stdout.clone(), stderr: stderr.clone() });
        if let Some(why) = failure {
            tokio::time::sleep(Duration::from_millis(200)).await;
            panic!(
                "the backend ({}) did not start: {why}\nstdout:\n{}\nstderr:\n{}",
                backend_bin().display(),
                lock(&stdout),
                lock(&stderr)
            );
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "----- backend logs ({}) -----\n{}\n----- end of backend logs -----",
                self.base_url,
                self.logs()
            );
        }
        // `kill_on_drop` ends the process when `process` is dropped.
    }
}

/// Reads stdout lines until the listening line, then keeps draining it in the background so
/// the server never blocks on a full pipe.
async fn wait_for_address(pipe: ChildStdout, buffer: Arc<Mutex<String>>) -> Result<String, String> {
    let mut lines = BufReader::new(pipe).lines();
    loop {
        let line = lines
            .next_line()
            .await
            .map_err(|e| format!("cannot read its stdout: {e}"))?
            .ok_or_else(|| "it exited (stdout closed) before listening".to_owned())?;
        {
            let mut out = lock(&buffer);
            out.push_str(&line);
            out.push('\n');
        }
        if let Some(url) = line.trim().strip_prefix(LISTENING_PREFIX) {
            let url = url.trim_end_matches('/').to_owned();
            tokio::spawn(async move {
                while let Ok(Some(line)) = lines.next_line().await {
                    let mut out = lock(&buffer);
                    out.push_str(&line);
                    out.push('\n');
                }
            });
            return Ok(url);
        }
    }
}

async fn collect(mut pipe: impl AsyncRead + Unpin, buffer: Arc<Mutex<String>>) {
    let mut chunk = [0u8; 8192];
    while let Ok(n) = pipe.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        lock(&buffer).push_str(&String::from_utf8_lossy(&chunk[..n]));
    }
}

fn lock(buffer: &Mutex<String>) -> std::sync::MutexGuard<'_, String> {
    // A reader task that panicked leaves the text as it was; still worth showing.
    buffer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The workspace root: the parent of this crate.
pub fn workspace_root() -> PathBuf {
    // cargo sets CARGO_MANIFEST_DIR when it runs the tests too; prefer that to the path the
    // binary was compiled in, which may be another checkout.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir.parent().expect("the tests crate lives inside the workspace").to_path_buf()
}

/// The server binary: `BACKEND_BIN`, else `target/debug/backend`, built once if missing.
pub fn backend_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("BACKEND_BIN") {
            let bin = PathBuf::from(bin);
            assert!(bin.is_file(), "BACKEND_BIN is {}, which is not a file", bin.display());
            return bin;
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(|t| workspace_root().join(t))
            .unwrap_or_else(|| workspace_root().join("target"));
        let bin = target.join("debug").join(format!("backend{}", std::env::consts::EXE_SUFFIX));
        if !bin.is_file() {
            build_backend();
            assert!(
                bin.is_file(),
                "`cargo build -p backend` succeeded but {} is not there",
                bin.display()
            );
        }
        bin
    })
}

/// `cargo build -p backend`, for a first run where nobody built the server yet.
fn build_backend() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("tests: the backend binary is missing; running `cargo build -p backend`");
    let status = std::process::Command::new(cargo)
        .args(["build", "-p", "backend"])
        .current_dir(workspace_root())
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!(
            "`cargo build -p backend` failed ({s}); build the server first, or set BACKEND_BIN"
        ),
        Err(e) => panic!("cannot run `cargo build -p backend`: {e}; set BACKEND_BIN"),
    }
}
