//! A school to test in: a fresh server, its admin, the school's today, and a quick way to add
//! classes and the people who use them.

use chrono::NaiveDate;
use tests::setup::Scope;
use tests::{Api, Class, Options, TestServer};

/// The password of every account the tests create.
pub const PASSWORD: &str = "correct-horse-battery";

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

    /// A school on a server started with these options (environment, say).
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

    pub async fn monitor(&self, username: &str, class: &Class) -> Api {
        self.person(username, "monitor", Scope::Class(class.id)).await
    }

    pub async fn teacher(&self, username: &str, class: &Class) -> Api {
        self.person(username, "teacher", Scope::Class(class.id)).await
    }

    pub async fn grade_leader(&self, username: &str, grade: u8) -> Api {
        self.person(username, "grade_leader", Scope::Grade(grade)).await
    }

    /// `n` days before today.
    pub fn days_ago(&self, n: u64) -> NaiveDate {
        tests::setup::days_before(self.today, n)
    }
}
