//! `GET /api/v1/docs`: the API reference page the server serves itself, with nothing from the
//! internet, listing every operation of the OpenAPI document and every schema.

use serde_json::Value;
use tests::TestServer;

/// `src` and `href` values of a page that point to another host (or are protocol-relative).
fn outside_links(html: &str) -> Vec<String> {
    let mut outside = Vec::new();
    for attr in ["src=\"", "href=\"", "@import", "url("] {
        for (i, _) in html.match_indices(attr) {
            let rest = html[i + attr.len()..].trim_start_matches(['"', '\'', ' ']);
            if rest.starts_with("http:") || rest.starts_with("https:") || rest.starts_with("//") {
                outside.push(rest.chars().take(60).collect());
            }
        }
    }
    outside
}

#[tokio::test]
async fn the_reference_page_lists_every_operation_and_schema_and_loads_nothing_from_elsewhere() {
    // Arrange
    let server = TestServer::start_default().await;
    let api = server.api();
    let doc = api.get("openapi.json").await.expect_status(200, "openapi.json").json;

    // Act
    let page = api.get("docs").await.expect_status(200, "the reference page");
    let script = api.get("docs.js").await.expect_status(200, "the page's script");

    // Assert
    assert!(
        page.header("content-type").is_some_and(|t| t.starts_with("text/html")),
        "{:?}",
        page.headers
    );
    assert!(
        script.header("content-type").is_some_and(|t| t.starts_with("text/javascript")),
        "{:?}",
        script.headers
    );
    let html = &page.text;
    assert!(
        html.contains("<script src=\"docs.js\"></script>"),
        "the page does not load its script"
    );
    assert!(html.contains("Homework time logger API"), "no title");
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                let shown = format!("data-method=\"{method}\" data-path=\"{path}\"");
                if !html.contains(&shown) {
                    missing.push(format!("{method} {path}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "operations the page lacks: {missing:?}");
    let schemas: Vec<&String> =
        doc["components"]["schemas"].as_object().expect("schemas").keys().collect();
    assert!(schemas.len() > 40, "{schemas:?}");
    let unshown: Vec<_> =
        schemas.iter().filter(|s| !html.contains(&format!("id=\"schema-{s}\""))).collect();
    assert!(unshown.is_empty(), "schemas the page lacks: {unshown:?}");
    // What a person reads: the error codes of a 401 and a report's properties.
    assert!(html.contains("<code>not_logged_in</code>"), "the error codes are not listed");
    assert!(html.contains("<code>total_minutes</code> <span class=\"req\">required</span>"));
    // Nothing from the internet: no school network is required to reach a CDN.
    assert_eq!(outside_links(html), Vec::<String>::new());
    assert_eq!(outside_links(&script.text), Vec::<String>::new());
    assert!(!script.text.contains("http://") && !script.text.contains("https://"));
    // The page runs under the server's Content-Security-Policy: no inline script.
    assert_eq!(html.matches("<script").count(), 1, "only the one script file");
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let _: &Value = &doc;
}
