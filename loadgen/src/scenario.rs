//! What a run sends: the `n`-th request of a scenario is a pure function of `n`, so that any
//! number of workers can share one scenario without a lock.
//!
//! - `health`: `GET /api/v1/health` (the hello server answers it too: the ceiling);
//! - `put`: a monitor sends their class's day report for today (`PUT …/reports/{today}`), with a
//!   fresh `client_id`, as the class tablets do each morning; classes come in a scattered order
//!   and each class once before any class twice;
//! - `comparison`: a grade leader reads their grade's comparison (`GET …/grades/{g}/comparison`,
//!   the 14 days ending today);
//! - `mixed`: `put`, with a share of `comparison` among it;
//! - `plan`: a day's homework plan of one subject filed for a class's today (`PUT
//!   …/plans/{today}/{subject}`, two items), by the school's admin (who may file any class and
//!   subject, so one session serves a school); classes and subjects scattered as `put`'s.

use crate::city::plan::SUBJECTS;
use crate::client::Call;
use chrono::{Duration, NaiveDate, Utc};
use hyper::Method;
use std::sync::Arc;

/// The kinds of request, each with its own latency histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Health,
    Put,
    Comparison,
    Plan,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Health, Kind::Put, Kind::Comparison, Kind::Plan];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Health => "health",
            Kind::Put => "put",
            Kind::Comparison => "comparison",
            Kind::Plan => "plan",
        }
    }
}

struct Monitor {
    class_id: i64,
    school_id: i64,
    grade: u8,
    token: Arc<str>,
}

struct Admin {
    school_id: i64,
    token: Arc<str>,
}

struct Leader {
    school_id: i64,
    grade: u8,
    token: Arc<str>,
}

pub struct Scenario {
    name: String,
    monitors: Vec<Monitor>,
    leaders: Vec<Leader>,
    admins: Vec<Admin>,
    /// Of every 1000 requests of `mixed`, how many are comparisons.
    reads_per_mille: u64,
    today: NaiveDate,
    /// Makes this run's `client_id`s its own.
    nonce: u64,
}

impl Scenario {
    pub fn new(name: &str, sessions: Option<&str>, read_share: f64) -> Result<Scenario, String> {
        let (monitors, leaders, admins) = match sessions {
            Some(path) => read_sessions(path)?,
            None => (Vec::new(), Vec::new(), Vec::new()),
        };
        let needs_sessions = name != "health";
        if needs_sessions && (monitors.is_empty() || leaders.is_empty()) {
            return Err(format!(
                "scenario {name} needs --sessions (written by `loadgen generate`)"
            ));
        }
        if !matches!(name, "health" | "put" | "comparison" | "mixed" | "plan") {
            return Err(format!(
                "unknown scenario {name:?} (health, put, comparison, mixed, plan)"
            ));
        }
        if name == "plan" && admins.is_empty() {
            return Err("scenario plan needs admins in --sessions".to_owned());
        }
        let reads_per_mille = match name {
            "comparison" => 1000,
            "mixed" => (read_share * 1000.0).round().clamp(0.0, 1000.0) as u64,
            _ => 0,
        };
        Ok(Scenario {
            name: name.to_owned(),
            monitors,
            leaders,
            admins,
            reads_per_mille,
            // The generated schools are in China (UTC+8), like the server's idea of their today.
            today: (Utc::now() + Duration::hours(8)).date_naive(),
            nonce: Utc::now().timestamp_micros() as u64,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `n`-th request.
    pub fn call(&self, n: u64) -> (Kind, Call) {
        if self.name == "health" {
            let call = Call {
                method: Method::GET,
                path: "/api/v1/health".into(),
                token: None,
                body: None,
            };
            return (Kind::Health, call);
        }
        if self.name == "plan" {
            return (Kind::Plan, self.plan(n));
        }
        let mixed = spread(n, 1000);
        if mixed < self.reads_per_mille {
            (Kind::Comparison, self.comparison(n))
        } else {
            (Kind::Put, self.put(n))
        }
    }

    fn put(&self, n: u64) -> Call {
        let m = &self.monitors[spread(n, self.monitors.len() as u64) as usize];
        let subjects = &SUBJECTS[usize::from(m.grade.clamp(1, 9)) - 1];
        // Near the grade's typical total (about 50 minutes in grades 3–6, 83 in 7–9).
        let base: u64 = match m.grade {
            1 | 2 => 0,
            3..=6 => 4,
            _ => 7,
        };
        let mut body = String::from("{\"entries\":[");
        for (i, s) in subjects.iter().enumerate() {
            let weight = [3, 3, 2, 1, 1, 1][i];
            let minutes = if base == 0 { 0 } else { base * weight + (n + i as u64) % 3 };
            if i > 0 {
                body.push(',');
            }
            body.push_str(&format!("{{\"subject\":\"{s}\",\"minutes\":{minutes}}}"));
        }
        body.push_str(&format!("],\"client_id\":\"lg-{:x}-{n}\"}}", self.nonce));
        Call {
            method: Method::PUT,
            path: format!("/api/v1/classes/{}/reports/{}", m.class_id, self.today),
            token: Some(m.token.clone()),
            body: Some(body),
        }
    }

    fn plan(&self, n: u64) -> Call {
        let m = &self.monitors[spread(n, self.monitors.len() as u64) as usize];
        let subjects = &SUBJECTS[usize::from(m.grade.clamp(1, 9)) - 1];
        let round = n / self.monitors.len().max(1) as u64;
        let subject = subjects[(round as usize) % subjects.len()];
        let admin =
            self.admins.iter().find(|a| a.school_id == m.school_id).unwrap_or(&self.admins[0]);
        let minutes = 10 + n % 15;
        let body = format!(
            "{{\"items\":[{{\"content\":\"练习册 P{} 第 1–4 题\",\"kind\":\"written\",\"expected_minutes\":{minutes},\"optional\":false}},\
             {{\"content\":\"朗读课文\",\"kind\":\"oral\",\"expected_minutes\":10,\"optional\":false}}]}}",
            n % 200
        );
        Call {
            method: Method::PUT,
            path: format!("/api/v1/classes/{}/plans/{}/{subject}", m.class_id, self.today),
            token: Some(admin.token.clone()),
            body: Some(body),
        }
    }

    fn comparison(&self, n: u64) -> Call {
        let l = &self.leaders[spread(n, self.leaders.len() as u64) as usize];
        Call {
            method: Method::GET,
            path: format!("/api/v1/schools/{}/grades/{}/comparison", l.school_id, l.grade),
            token: Some(l.token.clone()),
            body: None,
        }
    }
}

/// The `n`-th of a scattered walk through `0..len`: every index once per round, neighbours far
/// apart (a multiplicative step coprime with `len`).
fn spread(n: u64, len: u64) -> u64 {
    let len = len.max(1);
    let mut step = (len as f64 * 0.618_033_988_7) as u64 | 1;
    while gcd(step, len) != 1 {
        step += 2;
    }
    (n % len * step + n / len) % len
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

type Sessions = (Vec<Monitor>, Vec<Leader>, Vec<Admin>);

fn read_sessions(path: &str) -> Result<Sessions, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    let mut monitors = Vec::new();
    let mut leaders = Vec::new();
    let mut admins = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        match f.first() {
            Some(&"monitor") if f.len() == 5 => monitors.push(Monitor {
                class_id: num(1),
                school_id: num(2),
                grade: num(3) as u8,
                token: f[4].into(),
            }),
            Some(&"admin") if f.len() == 3 => {
                admins.push(Admin { school_id: num(1), token: f[2].into() })
            }
            Some(&"leader") if f.len() == 4 => {
                leaders.push(Leader { school_id: num(1), grade: num(2) as u8, token: f[3].into() })
            }
            _ => {}
        }
    }
    Ok((monitors, leaders, admins))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scattered_walk_visits_every_index_once_per_round() {
        for len in [1, 2, 7, 30_000, 29_999] {
            let mut seen: Vec<u64> = (0..len).map(|n| spread(n, len)).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..len).collect::<Vec<_>>(), "{len}");
        }
    }
}
