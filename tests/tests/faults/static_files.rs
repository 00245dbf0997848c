//! Path traversal against the web app's files: whatever the path, the server answers with a file
//! of `frontend/dist`, the app's `index.html`, or a 4xx — never a file outside `frontend/dist`,
//! never a 5xx. Requests are written by hand so that no client library tidies the path first.

use crate::fixture::School;
use std::time::Duration;
use tests::server::workspace_root;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TRAVERSALS: &[&str] = &[
    "/../../etc/passwd",
    "/../../../../../../../../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2fetc/passwd",
    "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/.%2e/.%2e/Cargo.toml",
    "/static/../Cargo.toml",
    "/static/../../Cargo.toml",
    "/favicon.svg/../../Cargo.toml",
    "/..%5c..%5cCargo.toml",
    "/%252e%252e/%252e%252e/Cargo.toml",
    "/....//....//Cargo.toml",
    "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/favicon.svg%00.html",
    "/../frontend/src/lib.rs",
    "/../../backend/src/main.rs",
    "/.git/config",
    "/../.git/config",
    "/api/../Cargo.toml",
    "/api/v1/../../../etc/passwd",
    "/api/v1/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/index.html/../../../etc/passwd",
    "/.env",
    "/~root/.bashrc",
];

/// What came back for one hand-written `GET`.
struct Raw {
    status: u16,
    body: Vec<u8>,
}

async fn raw_get(base_url: &str, path: &str, accept_encoding: &str) -> Raw {
    let authority = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).await.expect("connecting");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nAccept-Encoding: {accept_encoding}\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("sending");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .unwrap_or_else(|_| panic!("GET {path}: no answer in time"))
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(answer.len());
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    let raw_body = answer.get(split + 4..).unwrap_or_default().to_vec();
    let body = if chunked { dechunk(&raw_body) } else { raw_body };
    Raw { status, body }
}

/// The body of a chunked answer.
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&data[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = data.get(start + size + 2..).unwrap_or_default();
    }
    out
}

#[tokio::test]
async fn no_path_reaches_a_file_outside_the_web_apps_folder() {
    // Arrange
    tests::browser::require_built_app();
    let school = School::new().await;
    let dist = workspace_root().join("frontend").join("dist");
    // The app's page, as it is and as the build precompressed it (served for `gzip, br`).
    let index: Vec<Vec<u8>> = ["index.html", "index.html.gz", "index.html.br"]
        .iter()
        .filter_map(|name| std::fs::read(dist.join(name)).ok())
        .collect();
    let favicon = std::fs::read(dist.join("favicon.svg")).expect("the built favicon.svg");
    let base = &school.server.base_url;

    // The files of the app are served (so the test below is not vacuous).
    let served = raw_get(base, "/favicon.svg", "identity").await;
    assert_eq!((served.status, served.body == favicon), (200, true), "/favicon.svg");

    for path in TRAVERSALS {
        for encoding in ["identity", "gzip, br"] {
            // Act
            let answer = raw_get(base, path, encoding).await;

            // Assert
            let what =
                format!("GET {path} (Accept-Encoding: {encoding}) answered {}", answer.status);
            assert!(answer.status != 0 && answer.status < 500, "{what}");
            if answer.status == 200 {
                assert!(index.contains(&answer.body), "{what} with something else than index.html");
            } else {
                assert!((400..500).contains(&answer.status), "{what}");
            }
            let text = String::from_utf8_lossy(&answer.body);
            for secret in ["root:", "[workspace]", "[package]", "[core]", "fn main"] {
                assert!(!text.contains(secret), "{what} with {secret:?} in it: {text}");
            }
        }
    }
    school.admin.get("health").await.expect_status(200, "health at the end");
}
