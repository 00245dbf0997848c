//! Graceful shutdown on SIGTERM: requests already being served finish and get their answer,
//! new connections are refused, and the process exits within a bound even when a client never
//! finishes its request.

use crate::fixture::School;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tests::setup::{entries_json, report_path};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The server's `SHUTDOWN_GRACE` is 10 s; the process must be gone well within this.
const EXIT_BOUND: Duration = Duration::from_secs(15);

/// A request written by hand on its own connection, stopped half-way through its body: the
/// server has begun serving it and waits for the rest.
struct HalfSentRequest {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl HalfSentRequest {
    async fn put(base_url: &str, session: &str, path: &str, body: &Value) -> HalfSentRequest {
        let authority = base_url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(authority).await.expect("connecting to the server");
        let body = body.to_string().into_bytes();
        let head = format!(
            "PUT /api/v1/{path} HTTP/1.1\r\nHost: {authority}\r\nCookie: hw_session={session}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let (first, rest) = body.split_at(body.len() / 2);
        stream.write_all(head.as_bytes()).await.expect("sending the request head");
        stream.write_all(first).await.expect("sending half the body");
        stream.flush().await.expect("flushing");
        HalfSentRequest { stream, rest: rest.to_vec() }
    }

    /// Sends the rest of the body and reads the whole answer: status and JSON body.
    async fn finish(mut self) -> (u16, Value) {
        self.stream.write_all(&self.rest).await.expect("sending the rest of the body");
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), self.stream.read_to_end(&mut answer))
            .await
            .expect("the answer came in time")
            .expect("reading the answer");
        let text = String::from_utf8_lossy(&answer);
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"));
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }
}

async fn session_of(school: &School) -> String {
    let login = school
        .server
        .api()
        .login(tests::server::ADMIN_USERNAME, tests::server::ADMIN_PASSWORD)
        .await
        .expect_status(200, "log-in");
    login.session_token().expect("the log-in sets a session cookie")
}

/// Tries to connect until the server refuses; how long that took, or `None`.
async fn refused_within(authority: &str, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if TcpStream::connect(authority).await.is_err() {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test]
async fn requests_in_flight_at_sigterm_get_their_answer_and_new_connections_are_refused() {
    // Arrange: four requests half-sent, and a burst of ordinary ones racing the signal.
    let mut school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let session = session_of(&school).await;
    let base = school.server.base_url.clone();
    let body =
        |minutes: i64| json!({"entries": entries_json(&[("math", minutes)]), "note": "在途"});
    let mut half_sent = Vec::new();
    for n in 0..4u64 {
        let path = report_path(class.id, school.days_ago(n));
        half_sent.push(HalfSentRequest::put(&base, &session, &path, &body(10 + n as i64)).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let burst: Vec<_> = (10..40u64)
        .map(|n| {
            let api = school.admin.clone();
            let path = report_path(class.id, school.days_ago(n));
            let body = body(n as i64);
            tokio::spawn(async move {
                let answer = api.request(reqwest::Method::PUT, &path).json(&body).send().await;
                match answer {
                    Ok(a) => Some((n, a.status().as_u16(), a.text().await.unwrap_or_default())),
                    Err(_) => None, // refused or cut: the client knows it was not stored
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(5)).await;

    // Act
    let signalled = Instant::now();
    school.server.terminate();

    // Assert: no new connection is taken...
    let authority = base.trim_start_matches("http://").to_owned();
    let refused = refused_within(&authority, Duration::from_secs(3)).await;
    assert!(refused.is_some(), "new connections were still accepted 3 s after SIGTERM");
    // ...but the requests already being served finish with their 200.
    for (n, request) in half_sent.into_iter().enumerate() {
        let (status, answer) = request.finish().await;
        assert_eq!(status, 200, "request {n} in flight at SIGTERM: {answer}");
        assert_eq!(answer["report"]["total_minutes"], 10 + n as i64, "{answer}");
    }
    let status = school.server.wait_for_exit(EXIT_BOUND).await;
    let took = signalled.elapsed();
    let status = status.unwrap_or_else(|| panic!("still running {EXIT_BOUND:?} after SIGTERM"));
    assert!(status.success(), "a graceful stop exits cleanly: {status}");
    eprintln!("shutdown: refused new connections after {refused:?}, exited after {took:?}");

    // Every request answered 200 is stored; none was answered with anything else.
    let mut acknowledged = Vec::new();
    for task in burst {
        if let Some((n, status, text)) = task.await.expect("a request task panicked") {
            assert_eq!(status, 200, "a request racing SIGTERM answered {status}: {text}");
            acknowledged.push(n);
        }
    }
    school.server.restart().await;
    let admin = school.admin_now();
    for n in 0..4u64 {
        let report = admin.report_on(class.id, school.days_ago(n)).await;
        assert_eq!(report.map(|r| r["total_minutes"].clone()), Some(json!(10 + n)), "day -{n}");
    }
    for n in acknowledged {
        let report = admin.report_on(class.id, school.days_ago(n)).await;
        assert_eq!(report.map(|r| r["total_minutes"].clone()), Some(json!(n)), "day -{n}");
    }
}

#[tokio::test]
async fn a_client_that_never_finishes_cannot_hold_the_shutdown_past_its_bound() {
    // Arrange: a request whose body never comes.
    let mut school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let session = session_of(&school).await;
    let path = report_path(class.id, school.today);
    let body = json!({"entries": entries_json(&[("math", 5)])});
    let stuck = HalfSentRequest::put(&school.server.base_url, &session, &path, &body).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Act
    let signalled = Instant::now();
    school.server.terminate();
    let status = school.server.wait_for_exit(EXIT_BOUND).await;

    // Assert
    let took = signalled.elapsed();
    assert!(status.is_some(), "still running {EXIT_BOUND:?} after SIGTERM");
    eprintln!("shutdown with a stuck client: exited after {took:?}");
    drop(stuck);
    school.server.restart().await;
    assert_eq!(school.admin_now().report_on(class.id, school.today).await, None);
}
