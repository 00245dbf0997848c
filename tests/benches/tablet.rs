//! How long the class tablet's entry page takes to answer a tap, in headless Chromium with the
//! CPU slowed 4× through the DevTools protocol (`Emulation.setCPUThrottlingRate`), and how many
//! bytes it downloads: issue 5's goals are ≤ 3 s on a first visit, ≤ 1 s from the cache, and
//! ≤ 250 KB for the first visit. A benchmark, not a test: it prints figures and asserts none.
//!
//! Run it with `cargo xtask bench-tablet` (builds the web app and the release server first), or
//! by hand once both are built:
//! `BACKEND_BIN=$PWD/target/release/backend cargo bench -p tests --bench tablet -- --rounds 5`
//! (an absolute path: cargo runs the program in `tests/`).
//!
//! Each round opens a fresh Chromium profile (empty HTTP cache, no service worker) holding only
//! the session cookie of the demo school's monitor `monitor-7-3` (logged in over the API, so
//! that the log-in page does not warm the cache), then:
//!
//! 1. **first visit**: opens `/entry`;
//! 2. **from the cache**: once the service worker controls the page and the network is quiet
//!    (it has kept the app), opens `about:blank` and then `/entry` again, as a monitor reopening
//!    the pinned app; twice by default (visits 2 and 3), since Chromium may keep compiled code
//!    for the next visit.
//!
//! The page keeps its own time (`performance.now()`, zero at the start of the navigation), so
//! WebDriver's round trips add nothing: a script that DevTools injects into every new document
//! ([`TAP_PROBE`]) waits for the first stepper (+), taps it once it is painted, and notes when
//! `#day-total` shows the new number and that frame is painted.
//!
//! Bytes: the page's own downloads (Resource Timing `transferSize`: bodies as sent, brotli,
//! plus headers), and everything the server sent, counted by a pass-through proxy between
//! Chromium and the server; the proxy also sees what the service worker fetches at install.

use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tests::api::SESSION_COOKIE;
use tests::browser::{Browser, BrowserOptions, require_built_app};
use tests::server::{DEMO_PASSWORD, backend_bin};
use tests::{Options, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The demo school's monitor of class 7(3).
const MONITOR: &str = "monitor-7-3";
/// How long one page may take to answer the tap before the round counts as failed.
const PAGE_TIMEOUT: Duration = Duration::from_secs(90);

/// Injected by `Page.addScriptToEvaluateOnNewDocument`; runs before the page's own scripts, on
/// `/entry` only. Fills `window.__tapBench`: `shown` (the stepper is in the DOM), `painted`
/// (the frame showing it is painted; the tap happens then), `changed` (`#day-total` shows the
/// new number), `answered` (that frame is painted), all in ms since the navigation started;
/// `taps` (1 unless a tap went unanswered for 3 s and was repeated), and the Resource Timing
/// entries of the page.
const TAP_PROBE: &str = r##"
(() => {
  if (location.pathname !== "/entry") return;
  const STEPPER = "[data-subject] .step-up";
  const bench = { done: false, taps: 0 };
  window.__tapBench = bench;
  // After the next paint: the frame's callbacks, then a task.
  const afterPaint = (f) => requestAnimationFrame(() => setTimeout(f, 0));
  let before = null;
  const tap = () => {
    bench.taps += 1;
    if (bench.tapped === undefined) bench.tapped = performance.now();
    document.querySelector(STEPPER).click();
    setTimeout(() => { if (bench.changed === undefined && bench.taps < 5) tap(); }, 3000);
  };
  const observer = new MutationObserver(() => {
    const total = document.querySelector("#day-total");
    if (bench.shown === undefined) {
      if (!total || !document.querySelector(STEPPER)) return;
      bench.shown = performance.now();
      before = total.textContent;
      afterPaint(() => { bench.painted = performance.now(); tap(); });
      return;
    }
    if (bench.tapped === undefined || bench.changed !== undefined) return;
    if (total && total.textContent !== before) {
      bench.changed = performance.now();
      bench.before = before;
      bench.after = total.textContent;
      observer.disconnect();
      afterPaint(() => {
        bench.answered = performance.now();
        bench.resources = [
          ...performance.getEntriesByType("navigation"),
          ...performance.getEntriesByType("resource"),
        ].map((e) => ({
          name: new URL(e.name).pathname,
          transfer: e.transferSize,
          encoded: e.encodedBodySize,
          decoded: e.decodedBodySize,
          worker: e.workerStart > 0,
          start: e.startTime,
          end: e.responseEnd,
        }));
        const nav = performance.getEntriesByType("navigation")[0];
        bench.domInteractive = nav?.domInteractive;
        bench.controlled = !!navigator.serviceWorker?.controller;
        bench.done = true;
      });
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();
"##;

/// A fixed amount of work on the page's main thread; its time in ms.
const SPIN: &str = "const t = performance.now(); let x = 0; \
    for (let i = 0; i < 20000000; i++) { x = (x + i) % 7919; } \
    return [performance.now() - t, x];";

/// Bytes a pass-through proxy carried from the server to the browser.
#[derive(Clone, Default)]
struct Meter(Arc<AtomicU64>);

impl Meter {
    fn bytes(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Listens on a free port and passes every connection through to `server` (`127.0.0.1:PORT`),
/// counting the bytes that come back. Returns the proxy's base URL.
async fn counting_proxy(server: String, meter: Meter) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port for the proxy");
    let port = listener.local_addr().expect("the proxy's address").port();
    tokio::spawn(async move {
        while let Ok((browser, _)) = listener.accept().await {
            let server = server.clone();
            let meter = meter.clone();
            tokio::spawn(async move {
                let Ok(upstream) = TcpStream::connect(&server).await else { return };
                let (from_browser, to_browser) = browser.into_split();
                let (from_server, to_server) = upstream.into_split();
                tokio::join!(
                    pump(from_browser, to_server, None),
                    pump(from_server, to_browser, Some(meter)),
                );
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    meter: Option<Meter>,
) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(meter) = &meter {
            meter.0.fetch_add(n as u64, Ordering::Relaxed);
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// One entry of the page's Resource Timing (the navigation's first).
struct Resource {
    path: String,
    /// `transferSize`: the body as sent plus the headers; 0 when a cache or the service worker
    /// answered without a network request of the page's own.
    transfer: u64,
    /// `encodedBodySize`, `decodedBodySize`.
    body: u64,
    decoded: u64,
    /// Whether the service worker handled the request.
    worker: bool,
    /// When it started and when its last byte arrived, in ms since the navigation started.
    start: f64,
    end: f64,
}

/// What the probe saw on one visit.
struct Visit {
    shown: f64,
    answered: f64,
    taps: u64,
    resources: Vec<Resource>,
    /// Everything the server sent from the start of this visit until the network was quiet
    /// after it (the service worker's fetches included), counted by the proxy.
    wire: u64,
}

impl Visit {
    fn transferred(&self) -> u64 {
        self.resources.iter().map(|r| r.transfer).sum()
    }
}

/// Opens `/entry`, waits for the probe's figures, then (with `settle`) for the service worker
/// to control the page, and for the network to be quiet.
async fn visit(browser: &Browser, base: &str, meter: &Meter, settle: bool) -> Visit {
    let before = meter.bytes();
    browser.goto(&format!("{base}/entry")).await;
    let deadline = tokio::time::Instant::now() + PAGE_TIMEOUT;
    let bench = loop {
        let bench = browser.js("return window.__tapBench?.done ? window.__tapBench : null").await;
        if !bench.is_null() {
            break bench;
        }
        if tokio::time::Instant::now() > deadline {
            let seen = browser.js("return window.__tapBench ?? 'no probe on the page'").await;
            panic!("the entry page did not answer the tap within {PAGE_TIMEOUT:?}: {seen}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    if settle {
        browser
            .wait_until(
                "the service worker controls the page",
                "return !!navigator.serviceWorker.controller",
                PAGE_TIMEOUT,
            )
            .await;
    }
    let wire = quiet(meter).await - before;
    let number = |key: &str| bench[key].as_f64().unwrap_or(f64::NAN);
    let resources = bench["resources"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let n = |key: &str| r[key].as_f64().unwrap_or(0.0);
            Resource {
                path: r["name"].as_str().unwrap_or_default().to_owned(),
                transfer: n("transfer") as u64,
                body: n("encoded") as u64,
                decoded: n("decoded") as u64,
                worker: r["worker"] == Value::Bool(true),
                start: n("start"),
                end: n("end"),
            }
        })
        .collect();
    Visit {
        shown: number("shown"),
        answered: number("answered"),
        taps: bench["taps"].as_u64().unwrap_or(0),
        resources,
        wire,
    }
}

/// The page's downloads of a visit, one a line, in the order they started.
fn print_timeline(what: &str, visit: &Visit) {
    println!(
        "\n{what}: stepper shown at {:.0} ms, tap answered at {:.0} ms",
        visit.shown, visit.answered
    );
    println!(
        "  {:<36} {:>7} {:>7} {:>9} {:>9} {:>9}  by",
        "path", "start", "end", "transfer", "body", "decoded"
    );
    for r in &visit.resources {
        println!(
            "  {:<36} {:>7.0} {:>7.0} {:>9} {:>9} {:>9}  {}",
            r.path,
            r.start,
            r.end,
            r.transfer,
            r.body,
            r.decoded,
            if r.worker { "service worker" } else { "network" }
        );
    }
}

/// Waits until the proxy has carried nothing for a second; the bytes so far.
async fn quiet(meter: &Meter) -> u64 {
    let mut last = meter.bytes();
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = meter.bytes();
        if now == last {
            return now;
        }
        last = now;
    }
}

/// One round: a fresh profile, a first visit, then visits from the cache.
struct Round {
    first: Visit,
    cached: Vec<Visit>,
    /// How much slower the page's main thread ran a fixed loop throttled than not.
    slowdown_seen: f64,
}

async fn round(
    server: &TestServer,
    base: &str,
    meter: &Meter,
    rate: f64,
    cached_visits: usize,
) -> Round {
    let browser = Browser::start(BrowserOptions::tablet()).await;
    let token = server
        .api()
        .login(MONITOR, DEMO_PASSWORD)
        .await
        .expect_status(200, "the monitor's log-in")
        .session_token()
        .expect("a session cookie");
    let cookie = json!({
        "name": SESSION_COOKIE, "value": token, "url": base,
        "httpOnly": true, "sameSite": "Strict",
    });
    browser.cdp("Network.setCookie", cookie).await;
    browser.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": TAP_PROBE })).await;
    browser.cdp("Emulation.setCPUThrottlingRate", json!({ "rate": rate })).await;

    let first = visit(&browser, base, meter, true).await;
    let mut cached = Vec::new();
    for _ in 0..cached_visits {
        // A new navigation, as a monitor reopening the pinned app.
        browser.goto("about:blank").await;
        cached.push(visit(&browser, base, meter, false).await);
    }

    let throttled = spin(&browser).await;
    browser.cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 1 })).await;
    let free = spin(&browser).await;
    browser.close().await;
    Round { first, cached, slowdown_seen: throttled / free }
}

/// The time of [`SPIN`] on the page, in ms.
async fn spin(browser: &Browser) -> f64 {
    browser.js(SPIN).await[0].as_f64().unwrap_or(f64::NAN)
}

/// `min median max` of some figures, with `decimals` places (the median of an even count is
/// the upper middle one).
fn spread(mut values: Vec<f64>, decimals: usize) -> String {
    values.sort_by(f64::total_cmp);
    let median = values.get(values.len() / 2).copied().unwrap_or(f64::NAN);
    let min = values.first().copied().unwrap_or(f64::NAN);
    let max = values.last().copied().unwrap_or(f64::NAN);
    format!("{min:>7.decimals$} {median:>7.decimals$} {max:>7.decimals$}")
}

/// `/proc/loadavg`'s 1, 5 and 15 minute figures.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// What to run: `--rounds N` (default 5), `--cached-visits N` (default 2), `--cpu-slowdown X`
/// (default 4); cargo's `--bench` is ignored.
struct Args {
    rounds: usize,
    cached_visits: usize,
    rate: f64,
}

fn arguments() -> Args {
    let mut a = Args { rounds: 5, cached_visits: 2, rate: 4.0 };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().unwrap_or_else(|| panic!("{arg} {what}"));
        match arg.as_str() {
            "--rounds" => a.rounds = value("N").parse().expect("--rounds N"),
            "--cached-visits" => a.cached_visits = value("N").parse().expect("--cached-visits N"),
            "--cpu-slowdown" => a.rate = value("X").parse().expect("--cpu-slowdown X"),
            "--bench" => {}
            other => panic!(
                "unknown argument {other:?} (known: --rounds N, --cached-visits N, --cpu-slowdown X)"
            ),
        }
    }
    a.rounds = a.rounds.max(1);
    a.cached_visits = a.cached_visits.max(1);
    a
}

#[tokio::main]
async fn main() {
    let args = arguments();
    require_built_app();
    let bin = backend_bin();
    let build = if bin.components().any(|c| c.as_os_str() == "release") {
        "release"
    } else {
        "NOT a release build: set BACKEND_BIN=$PWD/target/release/backend, or run `cargo xtask bench-tablet`"
    };
    let server = TestServer::start(Options::demo()).await;
    let meter = Meter::default();
    let address = server.base_url.trim_start_matches("http://").to_owned();
    let base = counting_proxy(address, meter.clone()).await;
    let chromium = std::process::Command::new("chromium").arg("--version").output();
    let chromium = chromium.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    println!("server: {} ({build}), the demo school, {MONITOR}", bin.display());
    println!("load average before: {}", load_average());
    println!(
        "{}, headless, 800 × 1280, CPU slowed {}× (Emulation.setCPUThrottlingRate), no network \
         throttling; {} rounds, each a fresh profile: a first visit, then {} from the cache",
        chromium.unwrap_or_else(|e| format!("chromium ({e})")),
        args.rate,
        args.rounds,
        args.cached_visits,
    );

    let mut all = Vec::new();
    for n in 1..=args.rounds {
        let r = round(&server, &base, &meter, args.rate, args.cached_visits).await;
        let cached: Vec<String> = r
            .cached
            .iter()
            .map(|v| format!("{:.0}/{:.0} ms ({} tap)", v.shown, v.answered, v.taps))
            .collect();
        println!(
            "round {n}: stepper shown/tap answered: first visit {:.0}/{:.0} ms ({} tap); \
             from the cache {}; throttle seen {:.1}×",
            r.first.shown,
            r.first.answered,
            r.first.taps,
            cached.join(", "),
            r.slowdown_seen,
        );
        all.push(r);
    }

    let column =
        |f: &dyn Fn(&Round) -> f64, decimals| spread(all.iter().map(f).collect(), decimals);
    println!("\nms since the navigation started           min  median     max");
    println!("first visit: stepper shown           {}", column(&|r| r.first.shown, 0));
    println!("first visit: tap answered            {}", column(&|r| r.first.answered, 0));
    for i in 0..args.cached_visits {
        let nth = i + 2;
        println!("visit {nth} (cache): stepper shown      {}", column(&|r| r.cached[i].shown, 0));
        println!(
            "visit {nth} (cache): tap answered       {}",
            column(&|r| r.cached[i].answered, 0)
        );
    }
    println!("throttle seen (×)                    {}", column(&|r| r.slowdown_seen, 1));

    println!("\nbytes                                              min  median     max");
    println!(
        "first visit: the page's downloads           {}",
        column(&|r| r.first.transferred() as f64, 0)
    );
    println!("first visit: all the server sent            {}", column(&|r| r.first.wire as f64, 0));
    println!("  (the page's and the service worker's install, until the network was quiet)");
    for i in 0..args.cached_visits {
        println!(
            "visit {} (cache): all the server sent       {}",
            i + 2,
            column(&|r| r.cached[i].wire as f64, 0)
        );
    }

    println!(
        "load average after: {} (a shared machine: busy cores slow every figure)",
        load_average()
    );

    print_timeline("round 1, first visit", &all[0].first);
    for (i, v) in all[0].cached.iter().enumerate() {
        print_timeline(&format!("round 1, visit {} (cache)", i + 2), v);
    }
    drop(server);
}
