//! The two ways to load a server, and what they measure.
//!
//! **Open loop** (`--rate R`): request `i` is due at `start + i/R`, whatever became of the
//! requests before it, and its latency is measured from that due time, not from when it was
//! actually sent. A server (or a load generator) that stalls for a second therefore shows up as
//! a second of latency on every request that should have gone out in it: the correction for
//! coordinated omission. Due requests wait in one queue that every connection takes from.
//!
//! **Closed loop** (no `--rate`): `--connections` workers, each sending its next request as soon
//! as the last is answered; what it gives is the most the server answers per second.
//!
//! Both record HdrHistograms per kind of request, count errors by status, and sample the
//! server's memory (`VmRSS`, `VmHWM`) and both processes' CPU time from `/proc`.

use crate::client::{Call, Connection, Target};
use crate::scenario::{Kind, Scenario};
use hdrhistogram::Histogram;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How a run is driven.
#[derive(Debug, Clone)]
pub struct Plan {
    pub target: Target,
    pub connections: usize,
    /// Requests a second (open loop), or `None` (closed loop).
    pub rate: Option<f64>,
    /// Measured time; requests due (open) or started (closed) in the warm-up before it are not
    /// counted.
    pub duration: Duration,
    pub warmup: Duration,
    /// At most this many requests (the measured ones), e.g. one per class.
    pub max_requests: Option<u64>,
    /// The server's process id, to sample its memory and CPU.
    pub server_pid: Option<u32>,
}

/// What one worker saw.
struct Tally {
    /// Per kind: latency from the due time (open loop) or from sending (closed loop), in µs.
    latency: Vec<Histogram<u64>>,
    /// Per kind: from sending to the end of the answer, in µs.
    service: Vec<Histogram<u64>>,
    statuses: BTreeMap<u16, u64>,
    failures: u64,
    first_failure: Option<String>,
    last_done: Option<Instant>,
}

impl Tally {
    fn new() -> Tally {
        let hist = || Histogram::new_with_bounds(1, 120_000_000, 3).expect("valid bounds");
        Tally {
            latency: Kind::ALL.iter().map(|_| hist()).collect(),
            service: Kind::ALL.iter().map(|_| hist()).collect(),
            statuses: BTreeMap::new(),
            failures: 0,
            first_failure: None,
            last_done: None,
        }
    }

    fn record(&mut self, kind: Kind, due: Instant, sent: Instant, outcome: Result<u16, String>) {
        let done = Instant::now();
        let micros = |d: Duration| (d.as_micros() as u64).clamp(1, 120_000_000);
        match outcome {
            Ok(status) => {
                *self.statuses.entry(status).or_default() += 1;
                if (200..300).contains(&status) {
                    self.latency[kind.index()].saturating_record(micros(done - due));
                    self.service[kind.index()].saturating_record(micros(done - sent));
                    self.last_done = Some(done);
                }
            }
            Err(e) => {
                self.failures += 1;
                self.first_failure.get_or_insert(e);
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        for (a, b) in self.latency.iter_mut().zip(&other.latency) {
            let _ = a.add(b);
        }
        for (a, b) in self.service.iter_mut().zip(&other.service) {
            let _ = a.add(b);
        }
        for (s, n) in other.statuses {
            *self.statuses.entry(s).or_default() += n;
        }
        self.failures += other.failures;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
        self.last_done = self.last_done.max(other.last_done);
    }
}

/// A request due at a moment, and whether it counts.
struct Due {
    at: Instant,
    counted: bool,
    kind: Kind,
    call: Call,
}

/// Runs the plan and prints what it measured.
pub async fn run(plan: Plan, scenario: Arc<Scenario>) -> Result<(), String> {
    let sampler = plan.server_pid.map(Sampler::start);
    let cpu_before = (plan.server_pid.map(cpu_seconds), cpu_seconds(std::process::id()));
    let started = Instant::now() + Duration::from_millis(100);
    let measured_from = started + plan.warmup;
    let tally = match plan.rate {
        Some(rate) => open_loop(&plan, &scenario, rate, started, measured_from).await?,
        None => closed_loop(&plan, &scenario, measured_from).await?,
    };
    let elapsed =
        tally.last_done.map_or(plan.duration, |d| d.saturating_duration_since(measured_from));
    let server_cpu = plan
        .server_pid
        .map(cpu_seconds)
        .zip(cpu_before.0)
        .map(|(after, before)| (after - before) / (elapsed + plan.warmup).as_secs_f64());
    let own_cpu =
        (cpu_seconds(std::process::id()) - cpu_before.1) / (elapsed + plan.warmup).as_secs_f64();
    let memory = match sampler {
        Some(s) => Some(s.stop().await),
        None => None,
    };
    report(&plan, &scenario, &tally, elapsed, server_cpu, own_cpu, memory);
    Ok(())
}

async fn open_loop(
    plan: &Plan,
    scenario: &Arc<Scenario>,
    rate: f64,
    started: Instant,
    measured_from: Instant,
) -> Result<Tally, String> {
    let (tx, rx) = flume::unbounded::<Due>();
    let mut workers = Vec::new();
    for _ in 0..plan.connections {
        let rx = rx.clone();
        let target = plan.target.clone();
        workers.push(tokio::spawn(async move {
            let mut tally = Tally::new();
            let mut conn: Option<Connection> = None;
            while let Ok(due) = rx.recv_async().await {
                let sent = Instant::now();
                let outcome = send(&mut conn, &target, &due.call).await;
                if due.counted {
                    tally.record(due.kind, due.at, sent, outcome);
                }
            }
            tally
        }));
    }
    drop(rx);
    let warmup_requests = (plan.warmup.as_secs_f64() * rate) as u64;
    let measured =
        ((plan.duration.as_secs_f64() * rate) as u64).min(plan.max_requests.unwrap_or(u64::MAX));
    let interval = Duration::from_secs_f64(1.0 / rate);
    for i in 0..warmup_requests + measured {
        let at = started + interval.mul_f64(i as f64);
        if at > Instant::now() {
            tokio::time::sleep_until(at.into()).await;
        }
        let (kind, call) = scenario.call(i);
        tx.send(Due { at, counted: at >= measured_from, kind, call })
            .map_err(|_| "every connection failed")?;
    }
    drop(tx);
    collect(workers).await
}

async fn closed_loop(
    plan: &Plan,
    scenario: &Arc<Scenario>,
    measured_from: Instant,
) -> Result<Tally, String> {
    let next = Arc::new(AtomicU64::new(0));
    let counted = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let until = measured_from + plan.duration;
    let limit = plan.max_requests.unwrap_or(u64::MAX);
    let mut workers = Vec::new();
    for _ in 0..plan.connections {
        let (next, counted, stop) = (next.clone(), counted.clone(), stop.clone());
        let (target, scenario) = (plan.target.clone(), scenario.clone());
        workers.push(tokio::spawn(async move {
            let mut tally = Tally::new();
            let mut conn: Option<Connection> = None;
            loop {
                let sent = Instant::now();
                if sent >= until || stop.load(Ordering::Relaxed) {
                    break;
                }
                let is_counted = sent >= measured_from;
                if is_counted && counted.fetch_add(1, Ordering::Relaxed) >= limit {
                    stop.store(true, Ordering::Relaxed);
                    break;
                }
                let (kind, call) = scenario.call(next.fetch_add(1, Ordering::Relaxed));
                let outcome = send(&mut conn, &target, &call).await;
                if is_counted {
                    tally.record(kind, sent, sent, outcome);
                }
            }
            tally
        }));
    }
    tokio::time::sleep_until(measured_from.into()).await;
    collect(workers).await
}

async fn collect(workers: Vec<tokio::task::JoinHandle<Tally>>) -> Result<Tally, String> {
    let mut total = Tally::new();
    for w in workers {
        total.merge(w.await.map_err(|e| format!("a worker failed: {e}"))?);
    }
    Ok(total)
}

/// Sends on the worker's connection, opening (or reopening) it as needed.
async fn send(conn: &mut Option<Connection>, target: &Target, call: &Call) -> Result<u16, String> {
    if conn.is_none() {
        *conn = Some(Connection::open(target).await?);
    }
    let Some(c) = conn.as_mut() else { return Err("no connection".into()) };
    let outcome = c.send(call).await;
    if outcome.is_err() {
        *conn = None;
    }
    outcome
}

/// The server's memory, sampled every 100 ms.
struct Sampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Memory>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Memory {
    /// The largest resident set seen during the run, and at its start, in KiB.
    rss_max_kib: u64,
    rss_start_kib: u64,
    /// The kernel's own high-water mark of the resident set (since the process started).
    hwm_kib: u64,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let task = tokio::spawn(async move {
            let rss_start_kib = status_kib(pid, "VmRSS").unwrap_or(0);
            let mut memory = Memory { rss_start_kib, ..Memory::default() };
            while !flag.load(Ordering::Relaxed) {
                if let Some(rss) = status_kib(pid, "VmRSS") {
                    memory.rss_max_kib = memory.rss_max_kib.max(rss);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            memory.hwm_kib = status_kib(pid, "VmHWM").unwrap_or(0);
            memory
        });
        Sampler { stop, task }
    }

    async fn stop(self) -> Memory {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or_default()
    }
}

/// A `kB` field of `/proc/PID/status`.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line =
        status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User plus system CPU time of a process (all its threads), in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0.0 };
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    (ticks(11) + ticks(12)) / 100.0
}

fn report(
    plan: &Plan,
    scenario: &Scenario,
    tally: &Tally,
    elapsed: Duration,
    server_cpu: Option<f64>,
    own_cpu: f64,
    memory: Option<Memory>,
) {
    let ok: u64 =
        tally.statuses.iter().filter(|(s, _)| (200..300).contains(*s)).map(|(_, n)| n).sum();
    let errors: u64 = tally
        .statuses
        .iter()
        .filter(|(s, _)| !(200..300).contains(*s))
        .map(|(_, n)| n)
        .sum::<u64>()
        + tally.failures;
    let achieved = ok as f64 / elapsed.as_secs_f64().max(1e-9);
    let mode = match plan.rate {
        Some(r) => format!("open loop at {r} req/s"),
        None => format!("closed loop, {} connections", plan.connections),
    };
    println!(
        "{} — {mode}, {:.1} s measured: {ok} ok, {errors} errors, {achieved:.0} req/s",
        scenario.name(),
        elapsed.as_secs_f64()
    );
    if !tally.statuses.is_empty() {
        let statuses: Vec<String> =
            tally.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        println!("  statuses: {}", statuses.join(", "));
    }
    if let Some(f) = &tally.first_failure {
        println!("  {} failed to send; the first: {f}", tally.failures);
    }
    let ms = |h: &Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    let mut fields = vec![
        format!("name={}", scenario.name()),
        format!("mode={}", if plan.rate.is_some() { "open" } else { "closed" }),
        format!("rate={}", plan.rate.unwrap_or(0.0)),
        format!("connections={}", plan.connections),
        format!("ok={ok}"),
        format!("errors={errors}"),
        format!("achieved={achieved:.1}"),
    ];
    for kind in Kind::ALL {
        let (h, s) = (&tally.latency[kind.index()], &tally.service[kind.index()]);
        if h.is_empty() {
            continue;
        }
        let from = if plan.rate.is_some() { "from due time" } else { "service time" };
        println!(
            "  {:<10} n={:<8} {from}: p50 {:.2} ms  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}   (service p50 {:.2}, p99 {:.2})",
            kind.name(),
            h.len(),
            ms(h, 0.5),
            ms(h, 0.9),
            ms(h, 0.99),
            ms(h, 0.999),
            h.max() as f64 / 1000.0,
            ms(s, 0.5),
            ms(s, 0.99),
        );
        let k = kind.name();
        fields.push(format!("{k}_n={}", h.len()));
        for (label, q) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p999", 0.999)] {
            fields.push(format!("{k}_{label}={:.3}", ms(h, q)));
        }
        fields.push(format!("{k}_max={:.3}", h.max() as f64 / 1000.0));
        fields.push(format!("{k}_service_p50={:.3}", ms(s, 0.5)));
        fields.push(format!("{k}_service_p99={:.3}", ms(s, 0.99)));
    }
    if let Some(m) = memory {
        println!(
            "  server memory: RSS {:.1} MiB at start, {:.1} MiB at most during the run; VmHWM {:.1} MiB",
            m.rss_start_kib as f64 / 1024.0,
            m.rss_max_kib as f64 / 1024.0,
            m.hwm_kib as f64 / 1024.0
        );
        fields.push(format!("rss_start_mib={:.1}", m.rss_start_kib as f64 / 1024.0));
        fields.push(format!("rss_max_mib={:.1}", m.rss_max_kib as f64 / 1024.0));
        fields.push(format!("hwm_mib={:.1}", m.hwm_kib as f64 / 1024.0));
    }
    if let Some(cpu) = server_cpu {
        println!("  CPU: server {cpu:.2} cores, load generator {own_cpu:.2} cores (of 2)");
        fields.push(format!("server_cpu={cpu:.2}"));
    }
    fields.push(format!("loadgen_cpu={own_cpu:.2}"));
    println!("result {}", fields.join(" "));
}
