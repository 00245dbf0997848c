//! The check every screenshot passes ([`tests::picture::not_blank`]) can fail: a blank page
//! and a page with one line of text on it are refused, the app's own login page is not.

use tests::TestServer;
use tests::browser::{Browser, BrowserOptions, require_built_app};
use tests::picture::not_blank;

#[tokio::test]
async fn a_blank_page_or_a_lone_line_of_text_fails_the_screenshot_check_and_the_login_page_passes()
{
    // Arrange
    require_built_app();
    let server = TestServer::start_default().await;
    let b = Browser::start(BrowserOptions::default()).await;
    let shot = || async { b.client.screenshot().await.expect("a screenshot") };

    // Act + Assert: nothing on the page.
    b.goto("about:blank").await;
    let blank = not_blank(&shot().await);
    assert!(blank.is_err(), "a blank page passed: {blank:?}");

    // Act + Assert: an error line, as a server that is down or a page that failed to start.
    b.goto("data:text/html,<p>Internal Server Error</p>").await;
    let one_line = not_blank(&shot().await);
    assert!(one_line.is_err(), "one line of text passed: {one_line:?}");

    // Act + Assert: the login page, drawn.
    b.goto(&format!("{}/login", server.base_url)).await;
    b.find("#login-button").await;
    let login = not_blank(&shot().await);
    assert!(login.is_ok(), "the login page failed: {login:?}");
    b.close().await;
}
