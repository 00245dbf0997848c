//! Slow and idle connections (issue 14): a half-sent head, a body that never ends and an idle
//! keep-alive connection are each closed within their configured time-out, and a thousand slow
//! connections held open do not stop the server answering real users.

use std::time::{Duration, Instant};
use tests::{Options, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server with these time-outs (seconds) in its environment.
async fn server_with(env: &[(&str, &str)]) -> TestServer {
    let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    TestServer::start(Options { env, ..Options::default() }).await
}

fn authority(server: &TestServer) -> String {
    server.base_url.trim_start_matches("http://").to_owned()
}

/// Writes `bytes` on a new connection, then waits (at most `limit`) for the server to close it;
/// returns what it answered and how long it took, or `None` if it was still open.
async fn closed_within(
    server: &TestServer,
    bytes: &[u8],
    limit: Duration,
) -> Option<(String, Duration)> {
    let mut stream = TcpStream::connect(authority(server)).await.expect("connecting");
    stream.write_all(bytes).await.expect("writing");
    stream.flush().await.expect("flushing");
    let started = Instant::now();
    let mut answer = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut answer)).await {
        Ok(_) => Some((String::from_utf8_lossy(&answer).into_owned(), started.elapsed())),
        Err(_) => None,
    }
}

const HEALTH: &str = "GET /api/v1/health HTTP/1.1\r\nHost: test\r\n";

#[tokio::test]
async fn a_half_sent_request_head_is_closed_within_the_header_timeout() {
    // Arrange
    let server = server_with(&[("HEADER_READ_TIMEOUT_SECONDS", "2")]).await;
    let whole = format!("{HEALTH}Connection: close\r\n\r\n");
    let (answer, _) = closed_within(&server, whole.as_bytes(), Duration::from_secs(5))
        .await
        .expect("a whole request is answered and closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Act: the same head without its last line break.
    let half = closed_within(&server, HEALTH.as_bytes(), Duration::from_secs(6)).await;

    // Assert
    let (answer, after) = half.expect("a half-sent head still open 6 s later (time-out 2 s)");
    assert!(after <= Duration::from_millis(4500), "closed only after {after:?}");
    assert!(!answer.contains("200 OK"), "a half-sent head was served: {answer}");
}

#[tokio::test]
async fn a_body_that_never_finishes_is_cut_off_within_the_body_timeout() {
    // Arrange
    let server = server_with(&[("BODY_TIMEOUT_SECONDS", "2")]).await;
    let head = |length: usize| {
        format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
             Content-Length: {length}\r\nConnection: close\r\n\r\n"
        )
    };
    let body = r#"{"username": "nobody", "password": "wrong-password"}"#;
    let whole = format!("{}{body}", head(body.len()));
    let (answer, _) = closed_within(&server, whole.as_bytes(), Duration::from_secs(10))
        .await
        .expect("a whole request is answered");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");

    // Act: the head promises 100 more bytes than come.
    let partial = format!("{}{body}", head(body.len() + 100));
    let cut = closed_within(&server, partial.as_bytes(), Duration::from_secs(8)).await;

    // Assert
    let (answer, after) = cut.expect("a body that never ends still open 8 s later (time-out 2 s)");
    assert!(after <= Duration::from_millis(5000), "closed only after {after:?}");
    assert!(!answer.starts_with("HTTP/1.1 2"), "an unfinished body was accepted: {answer}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    // Arrange
    let server = server_with(&[("IDLE_TIMEOUT_SECONDS", "2")]).await;
    let request = format!("{HEALTH}\r\n");

    // Act: one request, answered, then nothing.
    let idle = closed_within(&server, request.as_bytes(), Duration::from_secs(8)).await;

    // Assert
    let (answer, after) = idle.expect("an idle connection still open 8 s later (time-out 2 s)");
    assert!(answer.starts_with("HTTP/1.1 200"), "the request was answered first: {answer}");
    assert!(after <= Duration::from_millis(5000), "closed only after {after:?}");
}

/// Raises this process's open-files limit to its hard limit (a thousand sockets and more).
fn raise_open_files_limit() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let _ = setrlimit(Resource::Nofile, Rlimit { current: limit.maximum, maximum: limit.maximum });
}

#[tokio::test]
async fn a_thousand_slow_connections_do_not_stop_the_server_answering_real_users() {
    // Arrange: a thousand connections that each send part of a head and then hold on.
    raise_open_files_limit();
    let server = server_with(&[("HEADER_READ_TIMEOUT_SECONDS", "60")]).await;
    let admin = server.admin().await;
    let mut slow = Vec::new();
    for n in 0..1000 {
        let mut stream = TcpStream::connect(authority(&server))
            .await
            .unwrap_or_else(|e| panic!("slow connection {n}: {e}"));
        stream.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: te").await.expect("dripping");
        slow.push(stream);
    }

    // Act: real users, each a new connection, while all of them are open.
    let mut worst = Duration::ZERO;
    for round in 0..10 {
        let started = Instant::now();
        server.api().get("health").await.expect_status(200, "health");
        server.login(tests::server::ADMIN_USERNAME, tests::server::ADMIN_PASSWORD).await;
        admin.get("classes").await.expect_status(200, &format!("a read, round {round}"));
        worst = worst.max(started.elapsed());
    }

    // Assert: answered in time, and the slow ones were all still open throughout.
    assert!(worst < Duration::from_secs(3), "a real user waited {worst:?}");
    let mut open = 0;
    for stream in &slow {
        let mut byte = [0u8; 1];
        if let Err(e) = stream.try_read(&mut byte) {
            if e.kind() == std::io::ErrorKind::WouldBlock {
                open += 1;
            }
        }
    }
    assert_eq!(open, slow.len(), "slow connections closed before the end of the test");
}

/// How many sockets the process `pid` has open (its listeners included).
fn open_sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|fds| {
            fds.filter_map(Result::ok)
                .filter_map(|fd| std::fs::read_link(fd.path()).ok())
                .filter(|target| target.to_string_lossy().starts_with("socket:"))
                .count()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn past_max_connections_the_server_accepts_no_more_until_one_closes() {
    // Arrange: room for 20 connections, heads cut off after a second; the control first: a real
    // request answered at once.
    let server =
        server_with(&[("MAX_CONNECTIONS", "20"), ("HEADER_READ_TIMEOUT_SECONDS", "1")]).await;
    let pid = server.pid().expect("the server's process id");
    server.api().get("health").await.expect_status(200, "health");
    let idle = open_sockets(pid);

    // Act: sixty connections that each send part of a head and hold on, all at once.
    let mut slow = Vec::new();
    for n in 0..60 {
        let mut stream = TcpStream::connect(authority(&server))
            .await
            .unwrap_or_else(|e| panic!("slow connection {n}: {e}"));
        stream.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: te").await.expect("dripping");
        slow.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let held = open_sockets(pid);
    // A real request waits its turn behind them (the kernel's queue), and is answered once the
    // slow ones before it are cut off.
    let started = Instant::now();
    let answered = tokio::time::timeout(Duration::from_secs(20), server.api().get("health")).await;

    // Assert: never more than 20 connections of the sixty taken in at once, and the server
    // went on serving.
    assert!(
        held <= idle + 20,
        "{held} sockets open with 60 slow connections ({idle} before): the cap did not hold"
    );
    assert!(held >= idle + 15, "only {held} sockets ({idle} before): the slow ones were not held");
    let answered = answered.expect("a real request was never answered");
    answered.expect_status(200, "health after the slow connections");
    assert!(started.elapsed() < Duration::from_secs(15), "answered after {:?}", started.elapsed());
}
