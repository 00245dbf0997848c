//! `GET /districts/{id}/events`: a wall screen's live stream of the district's day reports. On
//! PostgreSQL (`TEST_DATABASE=postgres`) a report stored through one copy of the server reaches a
//! screen connected to another (NOTIFY/LISTEN); on SQLite, one process, through its own channel.

use crate::districts::{District, add_district, add_school};
use crate::helpers::PASSWORD;
use serde_json::Value;
use std::time::Duration;
use tests::{Api, Backend, Options, TestServer};

/// A connected screen: the open response, and what it has received but not yet parsed.
struct Screen {
    response: reqwest::Response,
    buffer: String,
}

impl Screen {
    async fn connect(api: &Api, path: &str) -> Screen {
        let response = api
            .request(reqwest::Method::GET, path)
            .header("Accept", "text/event-stream")
            .send()
            .await
            .expect("the events request");
        assert_eq!(response.status(), 200, "the events stream opens");
        let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok());
        assert_eq!(content_type, Some("text/event-stream"));
        Screen { response, buffer: String::new() }
    }

    /// The next `report` event's data, or `None` if none comes within `wait`.
    async fn next_report(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(e) = line.strip_prefix("event:") {
                        event = Some(e.trim().to_owned());
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data.push_str(d.trim_start());
                    }
                }
                if event.as_deref() == Some("report") {
                    return Some(serde_json::from_str(&data).expect("an event's data is JSON"));
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await.ok()?;
            match chunk.expect("the stream broke") {
                Some(bytes) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                None => return None,
            }
        }
    }
}

/// A second copy of the server on the first one's PostgreSQL database; on SQLite the first
/// copy itself (one process owns the file's events).
async fn other_copy(d: &District) -> Option<TestServer> {
    match Backend::from_env() {
        Backend::Postgres { .. } => Some(
            TestServer::start(Options {
                env: vec![("DATABASE_URL".to_owned(), d.outside.server.database_url())],
                ..Options::default()
            })
            .await,
        ),
        Backend::Sqlite => None,
    }
}

#[tokio::test]
async fn a_report_stored_through_one_copy_reaches_the_districts_screen_on_another() {
    // Arrange
    let d = District::new().await;
    let twin = other_copy(&d).await;
    let screen_base =
        twin.as_ref().map_or(d.outside.server.base_url.clone(), |t| t.base_url.clone());
    let class = d.east.admin.create_class(7, "7(1)").await;
    let mut screen = Screen::connect(&d.bureau.at(&screen_base), &d.path("events")).await;
    let day = d.outside.today;

    // Act
    d.east.admin.put_report(class.id, day, &[("math", 50), ("chinese", 60)]).await;

    // Assert
    let event = screen.next_report(Duration::from_secs(10)).await.expect("a report event");
    assert_eq!(event["school_id"], d.east.id);
    assert_eq!(event["class_id"], class.id);
    assert_eq!(event["grade"], 7);
    assert_eq!(event["date"], day.to_string());
    assert_eq!(event["total_minutes"], 110);
    assert_eq!(event["over_limit"], true, "grade 7's default limit is 90");
    d.east.admin.put_report(class.id, day, &[("math", 20)]).await;
    let second = screen.next_report(Duration::from_secs(10)).await.expect("a second event");
    assert_eq!(
        (second["total_minutes"].as_u64(), second["over_limit"].as_bool()),
        (Some(20), Some(false))
    );
}

#[tokio::test]
async fn a_screen_receives_only_its_own_districts_reports() {
    // Arrange
    let d = District::new().await;
    let other_id = add_district(&d.outside.server, "Other District", "bureau-2").await;
    let other_bureau = d.outside.server.login("bureau-2", PASSWORD).await;
    let far =
        add_school(&d.outside.server, &other_bureau, other_id, "Far School", "admin-far").await;
    let far_class = far.admin.create_class(8, "8(1)").await;
    let outside_class = d.outside.admin.create_class(8, "8(1)").await;
    let own_class = d.west.admin.create_class(8, "8(1)").await;
    let mut screen = Screen::connect(&d.bureau, &d.path("events")).await;
    let day = d.outside.today;

    // Act: two reports elsewhere, then one of the district.
    far.admin.put_report(far_class.id, day, &[("math", 30)]).await;
    d.outside.admin.put_report(outside_class.id, day, &[("math", 31)]).await;
    d.west.admin.put_report(own_class.id, day, &[("math", 32)]).await;

    // Assert
    let first = screen.next_report(Duration::from_secs(10)).await.expect("the district's report");
    assert_eq!(first["class_id"], own_class.id);
    assert_eq!(first["total_minutes"], 32);
    assert!(screen.next_report(Duration::from_millis(500)).await.is_none(), "nothing else");
}
