//! What every fault test needs: a school on a fresh server, a snapshot of everything the school
//! holds (to show that a refused request changed nothing), SQLite's own integrity check of the
//! database file, and the long-mode switch.

use chrono::NaiveDate;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use tests::setup::Scope;
use tests::{Api, Class, Options, TestServer};

/// The password of every account these tests create.
pub const PASSWORD: &str = "correct-horse-battery";

/// Whether the long modes run (`HOMEWORK_LONG_TESTS=1`, which `cargo xtask test --long` sets).
pub fn long_mode() -> bool {
    std::env::var("HOMEWORK_LONG_TESTS").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// A fresh server with its admin logged in.
pub struct School {
    pub server: TestServer,
    pub admin: Api,
    /// The school's today, from `GET /me`.
    pub today: NaiveDate,
    pub school_id: i64,
}

impl School {
    pub async fn new() -> School {
        School::with_options(Options::default()).await
    }

    pub async fn with_options(options: Options) -> School {
        let server = TestServer::start(options).await;
        let admin = server.admin().await;
        let me = admin.me().await;
        let today = admin.today().await;
        let school_id = me["school_id"].as_i64().expect("GET /me has a numeric school_id");
        School { server, admin, today, school_id }
    }

    pub async fn class(&self, grade: u8, name: &str) -> Class {
        self.admin.create_class(grade, name).await
    }

    /// Creates an account and returns a client logged in as it.
    pub async fn person(&self, username: &str, role: &str, scope: Scope) -> Api {
        self.admin.create_user(username, PASSWORD, role, scope).await;
        self.server.login(username, PASSWORD).await
    }

    /// `n` days before today.
    pub fn days_ago(&self, n: u64) -> NaiveDate {
        tests::setup::days_before(self.today, n)
    }

    /// The admin's client, pointed at the server's current address (it changes on restart).
    pub fn admin_now(&self) -> Api {
        self.admin.at(&self.server.base_url)
    }

    /// Everything the school holds that the API shows an admin: classes (archived too),
    /// accounts, policy, holidays, tablet codes, and every class's reports of the last year.
    /// Two equal snapshots mean nothing of the school changed in between.
    pub async fn snapshot(&self) -> Value {
        let admin = self.admin_now();
        let get = |path: String| {
            let admin = admin.clone();
            async move { admin.get(&path).await.expect_status(200, "snapshot").json }
        };
        let from = self.days_ago(365);
        let classes = get("classes?include_archived=true".into()).await;
        let mut per_class = serde_json::Map::new();
        for class in classes.as_array().cloned().unwrap_or_default() {
            let id = class["id"].as_i64().unwrap_or_default();
            let reports = get(format!("classes/{id}/reports?from={from}&to={}", self.today)).await;
            let codes = get(format!("classes/{id}/tablet-codes")).await;
            per_class.insert(id.to_string(), json!({"reports": reports, "tablet_codes": codes}));
        }
        json!({
            "classes": classes,
            "per_class": per_class,
            "users": get("users".into()).await,
            "policy": get("policy".into()).await,
            "holidays": get(format!("holidays?from={from}&to={}", self.today)).await,
        })
    }

    /// The audit entries newer than `after_id`, oldest first.
    pub async fn audit_since(&self, after_id: i64) -> Vec<Value> {
        let page = self.admin_now().get("audit?limit=500").await.expect_status(200, "audit").json;
        let mut entries: Vec<Value> = page["entries"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e["id"].as_i64().unwrap_or_default() > after_id)
            .collect();
        entries.reverse();
        entries
    }

    /// The id of the newest audit entry.
    pub async fn last_audit_id(&self) -> i64 {
        let page = self.admin_now().get("audit?limit=1").await.expect_status(200, "audit").json;
        page["entries"][0]["id"].as_i64().unwrap_or_default()
    }
}

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check` of a database file, by the `sqlite3`
/// shell opened read-only: an independent reader of the file, not the server's own code.
/// Panics unless the file is sound.
#[track_caller]
pub fn assert_sound_database(db: &Path, when: &str) {
    let report = sqlite3(db, "PRAGMA integrity_check; PRAGMA foreign_key_check;");
    assert_eq!(report.trim(), "ok", "{when}: {} is not sound: {report}", db.display());
}

/// Runs SQL through the `sqlite3` shell on `db`, read-only, and returns what it printed.
pub fn sqlite3(db: &Path, sql: &str) -> String {
    sqlite3_with(Command::new("sqlite3"), db, sql)
}

/// The same through a command prefix (e.g. `nsenter` into the server's mount namespace).
pub fn sqlite3_with(mut command: Command, db: &Path, sql: &str) -> String {
    let out = command
        .args(["-readonly", "-batch", "-bail"])
        .arg(db)
        .arg(sql)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the sqlite3 shell ({e}): install it with `apt-get install sqlite3`, \
                 or run the tests with `cargo xtask test`, which installs it"
            )
        });
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "sqlite3 {} {sql:?} failed: {stderr}{stdout}", db.display());
    stdout
}

/// Whether this process runs as root (the disk tests mount file systems).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}

/// A small deterministic generator (xorshift), seeded from the clock unless `HOMEWORK_SEED`
/// is set; the seed is printed so that a failure can be replayed.
pub struct Dice(u64);

impl Dice {
    pub fn new(test: &str) -> Dice {
        let seed =
            std::env::var("HOMEWORK_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(7)
            });
        eprintln!("{test}: HOMEWORK_SEED={seed}");
        Dice(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `lo..hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo).max(1)
    }
}
