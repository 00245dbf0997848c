//! `cargo xtask bench`: the city-scale benchmarks of docs/BENCHMARKS.md, end to end. Builds the
//! release server and `loadgen`, generates the city into `target/bench/` (once; `--regenerate`
//! makes it anew), starts the bare hello server and the real one, runs every scenario
//! `--repeat` times, and prints a markdown table of the medians with each figure's ratio to
//! hello's, measured in the same run.
//!
//! Both processes share this machine's cores with the load generator: the table says how much
//! CPU each used, so that a reader can tell a server limit from a machine limit.

use crate::cmd::{self, cargo, workspace_root};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/homework_bench";

/// One measurement: `loadgen`'s `result key=value …` line.
type Result_ = BTreeMap<String, String>;

struct Options {
    repeat: usize,
    regenerate: bool,
    postgres: Option<String>,
    sqlite: bool,
    quick: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o =
        Options { repeat: 3, regenerate: false, postgres: None, sqlite: true, quick: false };
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--repeat" => {
                o.repeat = rest.next().and_then(|n| n.parse().ok()).ok_or("--repeat N")?;
            }
            "--regenerate" => o.regenerate = true,
            "--quick" => o.quick = true,
            "--postgres" => o.postgres = Some(DEFAULT_POSTGRES_URL.to_owned()),
            "--postgres-url" => {
                o.postgres = Some(rest.next().ok_or("--postgres-url URL")?.clone());
            }
            "--postgres-only" => {
                o.sqlite = false;
                o.postgres.get_or_insert_with(|| DEFAULT_POSTGRES_URL.to_owned());
            }
            other => return Err(format!("bench: unknown option {other:?}")),
        }
    }
    Ok(o)
}

pub fn bench(args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    let root = workspace_root();
    cmd::run(cargo().current_dir(&root).args([
        "build",
        "--release",
        "--package",
        "backend",
        "--package",
        "loadgen",
    ]))?;
    let release = root.join("target").join("release");
    let bench_dir = root.join("target").join("bench");
    std::fs::create_dir_all(&bench_dir).map_err(|e| e.to_string())?;
    let loadgen = release.join("loadgen");
    let backend = release.join("backend");

    let mut databases = Vec::new();
    if o.sqlite {
        let db = bench_dir.join("city.db");
        databases.push(("SQLite", format!("sqlite://{}", db.display())));
    }
    if let Some(url) = &o.postgres {
        databases.push(("PostgreSQL", url.clone()));
    }
    let mut rows: Vec<(String, String, Result_)> = Vec::new();
    let hello =
        Server::start("hello", Command::new(&loadgen).args(["hello", "--listen", "127.0.0.1:0"]))?;
    let runs = o.repeat.max(1);
    let (hello_closed, hello_open) = (
        median(runs, "achieved", || load(&loadgen, &hello, "health", &[], None))?,
        median(runs, "health_p99", || {
            load(&loadgen, &hello, "health", &["--rate", "1000", "--duration", "20"], None)
        })?,
    );
    rows.push(("hello (bare axum)".into(), "closed, 64 conn.".into(), hello_closed.clone()));
    rows.push(("hello (bare axum)".into(), "open, 1,000/s".into(), hello_open.clone()));

    if o.sqlite {
        // SQLite's own deployment: one school's file (60 classes, a year of its reports), the
        // same closed loop of day reports as the city's "sessions warm".
        let db = bench_dir.join("school.db");
        let url = format!("sqlite://{}", db.display());
        let sessions = generated(&loadgen, &bench_dir, &url, o.regenerate, &SCHOOL)?;
        let server = start_backend(&backend, &bench_dir, &url)?;
        // Every session just used, none expired (the file may be days old).
        prepare(&loadgen, &url, "0")?;
        let warm = ["--connections", "256", "--duration", "10", "--sessions", sessions.as_str()];
        rows.push((
            "SQLite, one school's file (60 classes): day reports, sessions warm".into(),
            "closed, 256 conn.".into(),
            median(runs, "achieved", || load(&loadgen, &server, "put", &warm, Some(server.pid())))?,
        ));
        // Homework plans (作业备案): a subject's plan for a class's day, filed at a steady
        // 1,000/s (the goal: p99 ≤ 50 ms); its ceiling is hello's open row above.
        let steady = if o.quick { "10" } else { "30" };
        let plans = ["--rate", "1000", "--duration", steady, "--connections", "256"];
        let plans: Vec<&str> = plans.into_iter().chain(["--sessions", sessions.as_str()]).collect();
        rows.push((
            "SQLite, one school's file (60 classes): plan PUTs at a steady 1,000/s".into(),
            "open, 1,000/s".into(),
            median(runs, "plan_p99", || {
                load(&loadgen, &server, "plan", &plans, Some(server.pid()))
            })?,
        ));
    }

    for (label, url) in &databases {
        let sessions = generated(&loadgen, &bench_dir, url, o.regenerate, &[])?;
        let server = start_backend(&backend, &bench_dir, url)?;
        let s = ["--sessions", sessions.as_str()];
        let prepare = |idle: &str| prepare(&loadgen, url, idle);
        let pid = Some(server.pid());
        let name = |what: &str| format!("{label}: {what}");
        rows.push((
            name("health (all layers)"),
            "closed, 64 conn.".into(),
            median(runs, "achieved", || load(&loadgen, &server, "health", &[], pid))?,
        ));
        let mut morning = vec!["--connections", "256", "--duration", "60", "--warmup", "0"];
        morning.extend(["--max-requests", "30000"]);
        morning.extend(s);
        rows.push((
            name("morning: each class's first report of the day"),
            "closed, 256 conn.".into(),
            median(runs, "achieved", || {
                prepare("3600")?;
                load(&loadgen, &server, "put", &morning, pid)
            })?,
        ));
        let mut warm = vec!["--connections", "256", "--duration", "10"];
        warm.extend(s);
        rows.push((
            name("day reports, sessions warm"),
            "closed, 256 conn.".into(),
            median(runs, "achieved", || load(&loadgen, &server, "put", &warm, pid))?,
        ));
        let steady = if o.quick { "10" } else { "30" };
        let mut open = vec!["--rate", "1000", "--duration", steady, "--connections", "256"];
        open.extend(s);
        rows.push((
            name("day reports at a steady 1,000/s"),
            "open, 1,000/s".into(),
            median(runs, "put_p99", || {
                prepare("0")?;
                load(&loadgen, &server, "put", &open, pid)
            })?,
        ));
        let mut cmp = vec!["--rate", "100", "--duration", steady];
        cmp.extend(s);
        rows.push((
            name("a school's grade comparison"),
            "open, 100/s".into(),
            median(runs, "comparison_p99", || load(&loadgen, &server, "comparison", &cmp, pid))?,
        ));
        let mut mixed = vec![
            "--rate",
            "1000",
            "--read-share",
            "0.05",
            "--duration",
            steady,
            "--connections",
            "256",
        ];
        mixed.extend(s);
        rows.push((
            name("mixed: reports + 5 % comparisons"),
            "open, 1,000/s".into(),
            median(runs, "put_p99", || {
                prepare("0")?;
                load(&loadgen, &server, "mixed", &mixed, pid)
            })?,
        ));
        drop(server);
        // Grade 7 is taught in a third of the schools (1,930 classes), grade 3 in three
        // quarters (4,054): around the city's average grade of 3,300 classes.
        for grade in ["7", "3"] {
            let city = median(runs, "total_ms", || {
                let out = cmd::output(Command::new(&loadgen).args([
                    "city-comparison",
                    "--database-url",
                    url,
                    "--grade",
                    grade,
                    "--repeat",
                    "5",
                ]))?;
                eprint!("{out}");
                parse_result(&out)
            })?;
            let classes = city.get("classes").cloned().unwrap_or_default();
            rows.push((
                name(&format!("city-wide comparison of grade {grade}, {classes} classes, 14 days")),
                "library: one district read".into(),
                city,
            ));
        }
    }
    drop(hello);
    print_table(&rows, &hello_closed, &hello_open);
    Ok(())
}

/// `loadgen generate`'s options for one school's file (SQLite's own deployment).
const SCHOOL: [&str; 4] = ["--schools", "1", "--classes", "60"];

/// Generates the database at `url` (the city, or what `options` ask for) unless it already is,
/// or `regenerate`; where its sessions are.
fn generated(
    loadgen: &Path,
    bench_dir: &Path,
    url: &str,
    regenerate: bool,
    options: &[&str],
) -> Result<String, String> {
    let sessions = sessions_path(bench_dir, url);
    if regenerate || !Path::new(&sessions).is_file() {
        cmd::run(
            Command::new(loadgen)
                .args(["generate", "--database-url", url, "--replace"])
                .args(options),
        )?;
    }
    Ok(sessions)
}

/// The release server on a database, quiet, without the web app.
fn start_backend(backend: &Path, bench_dir: &Path, url: &str) -> Result<Server, String> {
    Server::start(
        "backend",
        Command::new(backend)
            .env("DATABASE_URL", url)
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .env("STATIC_DIR", bench_dir.join("no-web-app")),
    )
}

/// `loadgen prepare`: today's reports removed, every session last used `idle` seconds ago.
fn prepare(loadgen: &Path, url: &str, idle: &str) -> Result<(), String> {
    cmd::output(Command::new(loadgen).args(["prepare", "--database-url", url, "--idle", idle]))
        .map(|_| ())
}

/// Where `loadgen generate` wrote the sessions of a database.
fn sessions_path(bench_dir: &Path, url: &str) -> String {
    match url.strip_prefix("sqlite://") {
        Some(path) => format!("{path}.sessions"),
        None => {
            let name = url.rsplit('/').next().unwrap_or("city");
            bench_dir.join(format!("{name}.sessions")).display().to_string()
        }
    }
}

/// Runs `loadgen load` once against a server.
fn load(
    loadgen: &Path,
    server: &Server,
    scenario: &str,
    extra: &[&str],
    pid: Option<u32>,
) -> Result<Result_, String> {
    let mut c = Command::new(loadgen);
    c.args(["load", "--url", &server.url, "--scenario", scenario]).args(extra);
    if let Some(pid) = pid {
        c.args(["--pid", &pid.to_string()]);
    }
    let out = cmd::output(&mut c)?;
    eprint!(
        "{}",
        out.lines()
            .filter(|l| !l.starts_with("result "))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    parse_result(&out)
}

fn parse_result(out: &str) -> Result<Result_, String> {
    let line = out.lines().find_map(|l| l.strip_prefix("result ")).ok_or("no result line")?;
    Ok(line
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

/// Runs a measurement `runs` times and keeps the run whose `key` is the median.
fn median(
    runs: usize,
    key: &str,
    mut measure: impl FnMut() -> Result<Result_, String>,
) -> Result<Result_, String> {
    let mut all = Vec::new();
    for _ in 0..runs {
        all.push(measure()?);
    }
    all.sort_by(|a, b| num(a, key).total_cmp(&num(b, key)));
    let mid = all.len() / 2;
    Ok(all.swap_remove(mid))
}

fn num(r: &Result_, key: &str) -> f64 {
    r.get(key).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

fn print_table(rows: &[(String, String, Result_)], hello_closed: &Result_, hello_open: &Result_) {
    let hello_rate = num(hello_closed, "achieved");
    let hello_p99 = num(hello_open, "health_p99");
    println!();
    println!(
        "| what | how | req/s (× hello) | p50 ms | p99 ms (× hello) | p99.9 ms | max ms | errors | server RSS max MiB | CPU server / loadgen |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for (what, how, r) in rows {
        if r.get("name").map(String::as_str) == Some("city-comparison") {
            let get = |k: &str| r.get(k).cloned().unwrap_or_default();
            println!(
                "| {what} | {how} | — | total **{} ms**: grade_across_schools {} + day_totals {} + engine {} | the same through three queries a school ({} at a time): {} ms | | | | | |",
                get("total_ms"),
                get("setup_ms"),
                get("day_totals_ms"),
                get("engine_ms"),
                get("lanes"),
                get("per_school_total_ms"),
            );
            continue;
        }
        let kind = ["put", "plan", "comparison", "health"]
            .into_iter()
            .find(|k| r.contains_key(&format!("{k}_p99")))
            .unwrap_or("health");
        let get = |k: &str| r.get(&format!("{kind}_{k}")).cloned().unwrap_or_default();
        let rate = num(r, "achieved");
        let p99 = num(r, &format!("{kind}_p99"));
        println!(
            "| {what} | {how} | {rate:.0} ({:.3}) | {} | {} ({:.1}) | {} | {} | {} | {} | {} / {} |",
            rate / hello_rate,
            get("p50"),
            get("p99"),
            p99 / hello_p99,
            get("p999"),
            get("max"),
            r.get("errors").cloned().unwrap_or_default(),
            r.get("rss_max_mib").cloned().unwrap_or("—".into()),
            r.get("server_cpu").cloned().unwrap_or("—".into()),
            r.get("loadgen_cpu").cloned().unwrap_or_default(),
        );
    }
}

/// A server started for the run, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(name: &str, command: &mut Command) -> Result<Server, String> {
        let line = cmd::describe(command);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("`{line}`: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            match lines.next() {
                Some(Ok(l)) => {
                    if let Some(url) = l.strip_prefix("listening on ") {
                        break url.trim().to_owned();
                    }
                }
                _ => {
                    let _ = child.kill();
                    return Err(format!("{name} (`{line}`) stopped before listening"));
                }
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        eprintln!("xtask: {name} listening on {url}");
        Ok(Server { child, url })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
