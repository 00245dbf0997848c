//! A real headless Chromium, driven through chromedriver with fantoccini, for tests of the page
//! as a user sees it. Each [`Browser`] has its own chromedriver on a free port and a fresh
//! profile, so tests never share cookies or storage. Screenshots go to `target/screenshots/`.
//!
//! Chromium and chromedriver come from Debian's packages (`chromium`, `chromium-driver`);
//! `cargo xtask test` installs them. `CHROMEDRIVER` and `CHROMIUM` override the paths.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// How long to wait for something to appear on the page.
pub const WAIT: Duration = Duration::from_secs(20);

/// The flags Chromium needs to run headless as root in this sandbox without reaching out.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
];

/// How the browser should look to the page.
#[derive(Debug, Clone)]
pub struct BrowserOptions {
    /// `Accept-Language` and `navigator.language`, e.g. `zh-CN` or `en-US`.
    pub lang: String,
    pub width: u32,
    pub height: u32,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        BrowserOptions { lang: "zh-CN".into(), width: 1280, height: 900 }
    }
}

impl BrowserOptions {
    /// A classroom tablet held upright.
    pub fn tablet() -> Self {
        BrowserOptions { width: 800, height: 1280, ..Self::default() }
    }

    pub fn english(mut self) -> Self {
        self.lang = "en-US".into();
        self
    }
}

/// A headless Chromium session and the chromedriver behind it; both end on drop.
pub struct Browser {
    pub client: Client,
    /// Held for its `kill_on_drop`.
    _driver: Child,
    _profile: tempfile::TempDir,
}

fn program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |dir| dir.join(n)))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port for chromedriver")
}

impl Browser {
    /// Starts chromedriver and a Chromium session.
    pub async fn start(options: BrowserOptions) -> Browser {
        let driver_path = program("CHROMEDRIVER", &["chromedriver"]).expect(
            "chromedriver not found: run `cargo xtask test`, which installs Debian's chromium and \
             chromium-driver, or set CHROMEDRIVER",
        );
        let chromium = program("CHROMIUM", &["chromium", "chromium-browser", "google-chrome"])
            .expect("chromium not found: run `cargo xtask test`, or set CHROMIUM");
        let port = free_port();
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!("--window-size={},{}", options.width, options.height));
        args.push(format!("--lang={}", options.lang));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": args,
                "prefs": {"intl.accept_languages": options.lang},
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..50 {
            let mut builder =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
            match builder.capabilities(caps.clone()).connect(&url).await {
                Ok(client) => return Browser { client, _driver: driver, _profile: profile },
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!(
            "could not start a Chromium session through {}: {last_error}",
            driver_path.display()
        );
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
    }

    /// Waits for the app's own confirmation dialog (`dialog.ask`, shown modal), answers it
    /// (`yes`: its step's button; else "cancel") and returns the question it showed. Fails if
    /// the browser's own `confirm()` was asked instead.
    pub async fn answer_ask(&self, yes: bool) -> String {
        let dialog = self.find("dialog.ask[open]").await;
        let question = dialog
            .find(Locator::Css(".ask-question"))
            .await
            .expect("the dialog's question")
            .text()
            .await
            .unwrap_or_default();
        assert!(
            self.client.get_alert_text().await.is_err(),
            "the browser's own confirm() was asked too"
        );
        let button = if yes { ".ask-yes" } else { ".ask-no" };
        let button = dialog.find(Locator::Css(button)).await.expect("the dialog's button");
        button.click().await.expect("a click on the dialog's button");
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.exists("dialog.ask[open]").await {
            assert!(tokio::time::Instant::now() < deadline, "the dialog stayed open");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        question
    }

    /// The text of the QR code the element matching `css` draws, read from a screenshot of
    /// it as a phone's camera would (see [`crate::picture::read_qr`]).
    pub async fn read_qr(&self, css: &str) -> String {
        let png = self.find(css).await.screenshot().await.expect("a screenshot of the QR code");
        crate::picture::read_qr(&png).unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    /// Every element matching `css` now (none is fine).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client.find_all(Locator::Css(css)).await.unwrap_or_default()
    }

    /// Whether an element matching `css` is on the page now.
    pub async fn exists(&self, css: &str) -> bool {
        !self.find_all(css).await.is_empty()
    }

    /// Waits until no element matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.exists(css).await {
            assert!(tokio::time::Instant::now() < deadline, "{css} is still on the page");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls `script` (which returns a boolean) until it is true, for at most `within`.
    pub async fn wait_until(&self, what: &str, script: &str, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        while self.js(script).await != Value::Bool(true) {
            assert!(tokio::time::Instant::now() < deadline, "never: {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the text of `css` satisfies `pred`, and returns it.
    pub async fn wait_text(&self, css: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut last = String::new();
        loop {
            if let Some(el) = self.find_all(css).await.into_iter().next() {
                last = el.text().await.unwrap_or_default();
                if pred(&last) {
                    return last;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{css} never {what}; last text: {last:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Replaces the value of an input as a user would: clear it, then type.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear().await.unwrap_or_else(|e| panic!("clearing {css}: {e}"));
        el.send_keys(text).await.unwrap_or_else(|e| panic!("typing into {css}: {e}"));
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    /// Runs JavaScript in the page and returns its result.
    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("running {script}: {e}"))
    }

    /// The path part of the current URL.
    pub async fn path(&self) -> String {
        self.client.current_url().await.map(|u| u.path().to_owned()).unwrap_or_default()
    }

    /// Saves a PNG of the page as `target/screenshots/{name}.png` and returns its path; panics
    /// if the page it shows is blank (see [`crate::picture::assert_not_blank`]).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = crate::server::workspace_root().join("target").join("screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let png = self.client.screenshot().await.expect("a screenshot");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &png).expect("screenshot written");
        let contents = crate::picture::assert_not_blank(&png, name);
        eprintln!(
            "screenshot {name}: {} colours, {:.1}% drawn",
            contents.colours,
            contents.drawn * 100.0
        );
        path
    }

    /// Waits until the window is `width`×`height` as the page sees it, then for two frames,
    /// so that what is drawn next is laid out at that size.
    pub async fn resize(&self, width: u32, height: u32) {
        let _ = self.client.set_window_size(width, height).await;
        self.wait_until(
            &format!("the window is {width}×{height}"),
            &format!("return window.outerWidth === {width} && window.outerHeight === {height}"),
            WAIT,
        )
        .await;
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("waiting for two frames: {e}"));
    }

    /// The text a person reads in the first element matching `css`, waiting for the element
    /// (see [`Browser::shown_text`]).
    pub async fn visible_text(&self, css: &str) -> String {
        self.find(css).await;
        self.shown_text(&format!("document.querySelector({css:?})"))
            .await
            .unwrap_or_else(|| panic!("{css} is gone"))
    }

    /// The text a person reads in the element that the JavaScript expression `element` names:
    /// nothing if it is not drawn (no box, hidden, transparent, or inside something that is);
    /// else its `innerText`, or for an SVG element its text less any `<title>` tooltip.
    /// `None` if there is no such element.
    pub async fn shown_text(&self, element: &str) -> Option<String> {
        let script = format!(
            "const e = {element}; \
             if (!e) return null; \
             if (e.getClientRects().length === 0) return ''; \
             for (let n = e; n && n.nodeType === 1; n = n.parentElement) {{ \
               const s = getComputedStyle(n); \
               if (s.display === 'none' || s.visibility !== 'visible' || parseFloat(s.opacity) === 0) return ''; \
             }} \
             if (e.innerText !== undefined) return e.innerText; \
             const c = e.cloneNode(true); c.querySelectorAll('title').forEach(t => t.remove()); \
             return c.textContent;"
        );
        self.js(&script).await.as_str().map(|t| t.trim().to_owned())
    }

    /// Logs in through the login page and waits until the page has left it.
    pub async fn log_in(&self, base_url: &str, username: &str, password: &str) {
        self.goto(&format!("{base_url}/login")).await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.click("#login-button").await;
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.path().await.starts_with("/login") {
            if self.exists("#login-error").await {
                panic!("logging in as {username} failed: {}", self.text("#login-error").await);
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "still on the login page as {username}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends a Chrome DevTools Protocol command to the page (through chromedriver's
    /// `goog/cdp/execute`), e.g. `Network.emulateNetworkConditions` or
    /// `Emulation.setCPUThrottlingRate`; returns its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let command = Cdp { cmd: cmd.to_owned(), params };
        self.client
            .issue_cmd(command)
            .await
            .unwrap_or_else(|e| panic!("DevTools command {cmd}: {e}"))
    }

    /// Cuts the page off the network (`true`) or gives it back (`false`), as a tablet losing
    /// its Wi-Fi.
    pub async fn set_offline(&self, offline: bool) {
        self.emulate_network(offline, 0).await;
    }

    /// The page's network: cut off, or up with `latency_ms` added to every request.
    pub async fn emulate_network(&self, offline: bool, latency_ms: u32) {
        self.cdp("Network.enable", json!({})).await;
        let conditions = json!({
            "offline": offline, "latency": latency_ms,
            "downloadThroughput": -1, "uploadThroughput": -1,
        });
        self.cdp("Network.emulateNetworkConditions", conditions).await;
    }

    /// Ends the session (chromedriver is killed on drop).
    pub async fn close(self) {
        // A handle to the same session (fantoccini's client is a channel to its session task).
        let _ = self.client.clone().close().await;
    }
}

/// Ends chromedriver (`kill_on_drop`) and every Chromium process of this session's profile:
/// Chromium is chromedriver's child, and a test that ends without [`Browser::close`] (a panic,
/// an early return) would otherwise leave a browser running on the machine for good.
impl Drop for Browser {
    fn drop(&mut self) {
        let profile = format!("--user-data-dir={}", self._profile.path().display());
        let Ok(processes) = std::fs::read_dir("/proc") else { return };
        for entry in processes.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
                continue;
            };
            let ours = std::fs::read(entry.path().join("cmdline"))
                .is_ok_and(|c| c.split(|b| *b == 0).any(|arg| arg == profile.as_bytes()));
            if let Some(pid) = rustix::process::Pid::from_raw(pid).filter(|_| ours) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
        }
    }
}

/// Fails with a clear message when the web app has not been built.
pub fn require_built_app() {
    let index = crate::server::workspace_root().join("frontend/dist/index.html");
    assert!(
        index.is_file(),
        "{} is missing: build the web app first (`cargo xtask dist`, or run everything with `cargo xtask test`)",
        index.display()
    );
}

/// A DevTools command as chromedriver takes it: `POST /session/{id}/goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}
