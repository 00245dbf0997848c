//! `GET /api/v1/health`.

use serde_json::json;
use tests::TestServer;

#[tokio::test]
async fn health_answers_ok_to_anyone_without_a_session() {
    // Arrange
    let server = TestServer::start_default().await;

    // Act
    let response = server.api().get("health").await;

    // Assert
    let response = response.expect_status(200, "health");
    assert_eq!(response.json, json!({ "status": "ok" }));
    let content_type = response.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("application/json"), "content-type {content_type:?}");
}
