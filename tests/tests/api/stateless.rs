//! The server keeps nothing of its own, so several copies can serve one database behind a load
//! balancer (docs/DEPLOYMENT.md): what one copy stores the other reads, and a session opened on
//! one works on the other, until it is ended on either. On PostgreSQL (`TEST_DATABASE=postgres`)
//! this is the city's deployment; on SQLite, two processes on one file.

use crate::helpers::{PASSWORD, School};
use tests::{Backend, Options, TestServer};

/// A second copy of the server on the first one's database.
async fn twin_of(school: &School) -> TestServer {
    TestServer::start(Options {
        // Its own SQLite file is never used: DATABASE_URL names the first copy's database.
        backend: Backend::Sqlite,
        env: vec![("DATABASE_URL".to_owned(), school.server.database_url())],
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn a_report_written_through_one_copy_is_read_through_the_other() {
    // Arrange
    let school = School::new().await;
    let twin = twin_of(&school).await;
    let class = school.class(7, "7(1)").await;
    let monitor = school.monitor("monitor-71", &class).await;

    // Act
    let written =
        monitor.put_report(class.id, school.today, &[("math", 30), ("chinese", 25)]).await;
    let teacher = school.teacher("teacher-71", &class).await;
    let read_on_twin = teacher.at(&twin.base_url).report_on(class.id, school.today).await;

    // Assert
    assert_eq!(read_on_twin.as_ref(), Some(&written["report"]));
    let comparison = school
        .admin
        .at(&twin.base_url)
        .get(&format!("schools/{}/grades/7/comparison", school.school_id))
        .await
        .expect_status(200, "the comparison through the other copy")
        .json;
    assert_eq!(comparison["classes"][0]["days_reported"], 1);
}

#[tokio::test]
async fn a_session_opened_on_one_copy_works_on_the_other_until_it_ends() {
    // Arrange
    let school = School::new().await;
    let twin = twin_of(&school).await;
    let class = school.class(8, "8(2)").await;
    school
        .admin
        .create_user("monitor-82", PASSWORD, "monitor", tests::Scope::Class(class.id))
        .await;
    let on_twin = twin.login("monitor-82", PASSWORD).await;

    // Act: the session from the twin writes through the first copy, then the next version
    // through the twin itself.
    let first = on_twin.at(&school.server.base_url);
    let v1 = first.put_report(class.id, school.today, &[("math", 40)]).await;
    let v2 = on_twin.put_report(class.id, school.today, &[("math", 45)]).await;

    // Assert
    assert_eq!(v1["report"]["version"], 1);
    assert_eq!(v2["report"]["version"], 2, "the twin saw the first copy's write");
    assert_eq!(first.me().await["username"], "monitor-82");
    first.logout().await.expect_status(204, "logging out through the first copy");
    on_twin.get("me").await.expect_error(401, "not_logged_in");
}
