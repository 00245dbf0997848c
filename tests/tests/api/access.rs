//! Every endpoint of docs/API.md as one line of a table, and a world to call them in: two
//! schools, two grades of two classes each, and one caller of each kind. The access matrix
//! (`access_matrix.rs`) and the cross-site checks (`csrf.rs`) both walk this table, so a new
//! endpoint is one more line in [`ENDPOINTS`].

use crate::helpers::{PASSWORD, School};
use chrono::NaiveDate;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use tests::setup::Scope;
use tests::{Api, Class, TestServer};

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Monitor,
    Teacher,
    GradeLeader,
    Admin,
    /// A class tablet signed in with a device code: a monitor of its class without a password.
    Tablet,
    /// No session at all.
    Nobody,
}

impl Caller {
    pub const ALL: [Caller; 6] = [
        Caller::Monitor,
        Caller::Teacher,
        Caller::GradeLeader,
        Caller::Admin,
        Caller::Tablet,
        Caller::Nobody,
    ];
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Caller::Monitor => "monitor",
            Caller::Teacher => "teacher",
            Caller::GradeLeader => "grade_leader",
            Caller::Admin => "school_admin",
            Caller::Tablet => "tablet",
            Caller::Nobody => "no session",
        })
    }
}

/// What a path names, seen from the callers (who all belong to class 7(1) of the first school,
/// its grade 7, or the whole first school).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The callers' own class 7(1), grade 7, school; an account or tablet code of 7(1).
    Own,
    /// Class 7(2): same grade, another class.
    OtherClass,
    /// Class 8(1), grade 8.
    OtherGrade,
    /// Class 7(1) and grade 7 of the second school; its accounts and codes.
    OtherSchool,
    /// Ids that do not exist.
    Missing,
}

impl Target {
    pub const ALL: [Target; 5] =
        [Target::Own, Target::OtherClass, Target::OtherGrade, Target::OtherSchool, Target::Missing];
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Target::Own => "own",
            Target::OtherClass => "other class",
            Target::OtherGrade => "other grade",
            Target::OtherSchool => "other school",
            Target::Missing => "nonexistent",
        })
    }
}

/// A row of API.md's "Who may do what" tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// No session needed.
    Public,
    /// Anyone logged in: `GET /me`, `/policy`, `/classes`, holidays.
    AnySession,
    /// Write reports.
    WriteReports,
    /// Read reports / summary.
    ReadReports,
    /// Grade comparison, grade days / subjects tables.
    CompareGrade,
    /// School overview.
    Overview,
    /// Set-up: classes, accounts, policy, holidays, roster import, audit log.
    SetUp,
    /// Tablet codes.
    TabletCodes,
    /// Own password: every account that has one.
    OwnPassword,
    /// A district's endpoints: its own district admins only (none in this world).
    District,
    /// Cases: read (the list holds those the caller may see).
    ReadCases,
    /// Cases: open, assign, recheck; a grade's cases report.
    ManageCases,
    /// Spot checks.
    SpotChecks,
    /// Plans: write (API.md "Who may do what (next)").
    PlanWrite,
    /// Plans: read.
    PlanRead,
    /// Plans: review.
    PlanReview,
}

/// How far a caller reaches under a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Nothing,
    OwnClass,
    OwnGrade,
    OwnSchool,
}

/// API.md's role tables, transcribed: per rule, the reach of a monitor, a teacher, a grade
/// leader, a school admin and a class tablet (a monitor bound to its class, with no password).
pub fn reach(rule: Rule, caller: Caller) -> Reach {
    use Reach::*;
    #[rustfmt::skip]
    let row: [Reach; 5] = match rule {
        //                     monitor    teacher    leader     admin      tablet
        Rule::Public        => [OwnSchool, OwnSchool, OwnSchool, OwnSchool, OwnSchool],
        Rule::AnySession    => [OwnSchool, OwnSchool, OwnSchool, OwnSchool, OwnSchool],
        Rule::WriteReports  => [OwnClass,  OwnClass,  Nothing,   OwnSchool, OwnClass],
        Rule::ReadReports   => [OwnClass,  OwnClass,  OwnGrade,  OwnSchool, OwnClass],
        Rule::CompareGrade  => [Nothing,   OwnGrade,  OwnGrade,  OwnSchool, Nothing],
        Rule::Overview      => [Nothing,   Nothing,   Nothing,   OwnSchool, Nothing],
        Rule::SetUp         => [Nothing,   Nothing,   Nothing,   OwnSchool, Nothing],
        Rule::TabletCodes   => [Nothing,   OwnClass,  Nothing,   OwnSchool, Nothing],
        Rule::OwnPassword   => [OwnSchool, OwnSchool, OwnSchool, OwnSchool, Nothing],
        Rule::District      => [Nothing,   Nothing,   Nothing,   Nothing,   Nothing],
        Rule::ReadCases     => [Nothing,   OwnClass,  OwnGrade,  OwnSchool, Nothing],
        Rule::ManageCases   => [Nothing,   Nothing,   OwnGrade,  OwnSchool, Nothing],
        Rule::SpotChecks    => [Nothing,   Nothing,   Nothing,   OwnSchool, Nothing],
        Rule::PlanWrite     => [Nothing,   OwnClass,  Nothing,   OwnSchool, Nothing],
        Rule::PlanRead      => [OwnClass,  OwnClass,  OwnGrade,  OwnSchool, OwnClass],
        Rule::PlanReview    => [Nothing,   Nothing,   OwnGrade,  OwnSchool, Nothing],
    };
    match caller {
        Caller::Monitor => row[0],
        Caller::Teacher => row[1],
        Caller::GradeLeader => row[2],
        Caller::Admin => row[3],
        Caller::Tablet => row[4],
        Caller::Nobody if rule == Rule::Public => OwnSchool,
        Caller::Nobody => Nothing,
    }
}

/// A request body, with `{uniq}` replaced by a number never used before (names that must be
/// new each time).
#[derive(Debug, Clone, Copy)]
pub enum Body {
    Empty,
    Json(&'static str),
    /// The school's current policy, as `GET /policy` gave it.
    Policy,
    /// A small roster file, uploaded as `multipart/form-data`.
    Roster,
}

/// One endpoint: method, path (relative to `/api/v1` unless it starts with `/`; `{class}`,
/// `{grade}`, `{school}`, `{user}`, `{code}`, `{today}` and `{holiday}` are filled in), body, the rule that
/// governs it and the status of success.
pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub body: Body,
    pub rule: Rule,
    pub ok: u16,
}

const fn ep(method: Method, path: &'static str, body: Body, rule: Rule, ok: u16) -> Endpoint {
    Endpoint { method, path, body, rule, ok }
}

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const PATCH: Method = Method::PATCH;
const DELETE: Method = Method::DELETE;
use Body::{Empty, Json, Policy, Roster};
use Rule::*;

/// Every endpoint of docs/API.md except the three that open or close a session (log-in,
/// tablet sign-in, log-out: `sessions.rs`, `tablet.rs`, `csrf.rs`). Order matters only where
/// a line needs the one before (the holiday deleted is the one just made).
#[rustfmt::skip]
pub const ENDPOINTS: &[Endpoint] = &[
    ep(GET,    "/api/v1/health",                             Empty, Public,       200),
    ep(GET,    "/api/v1/ready",                              Empty, Public,       200),
    ep(GET,    "/api/v1/openapi.json",                       Empty, Public,       200),
    ep(GET,    "/api/v1/docs",                               Empty, Public,       200),
    ep(GET,    "/api/v1/docs.js",                            Empty, Public,       200),
    ep(GET,    "me",                                         Empty, AnySession,   200),
    ep(GET,    "policy",                                     Empty, AnySession,   200),
    ep(PUT,    "policy",                                     Policy, SetUp,       200),
    ep(GET,    "classes",                                    Empty, AnySession,   200),
    ep(GET,    "classes?include_archived=true",              Empty, AnySession,   200),
    ep(POST,   "classes",             Json(r#"{"grade": 9, "name": "9({uniq})"}"#), SetUp, 201),
    ep(PATCH,  "classes/{class}",     Json(r#"{"archived": false}"#),              SetUp, 200),
    ep(PUT,    "classes/{class}/reports/{today}",
               Json(r#"{"entries": [{"subject": "math", "minutes": 20}]}"#),       WriteReports, 200),
    ep(DELETE, "classes/{class}/reports/{today}",            Empty, WriteReports, 204),
    ep(GET,    "classes/{class}/reports",                    Empty, ReadReports,  200),
    ep(GET,    "classes/{class}/reports.csv",                Empty, ReadReports,  200),
    ep(GET,    "classes/{class}/summary",                    Empty, ReadReports,  200),
    ep(GET,    "schools/{school}/grades/{grade}/comparison", Empty, CompareGrade, 200),
    ep(GET,    "schools/{school}/grades/{grade}/comparison.csv", Empty, CompareGrade, 200),
    ep(GET,    "schools/{school}/grades/{grade}/days",       Empty, CompareGrade, 200),
    ep(GET,    "schools/{school}/grades/{grade}/days.csv",   Empty, CompareGrade, 200),
    ep(GET,    "schools/{school}/grades/{grade}/subjects",   Empty, CompareGrade, 200),
    ep(GET,    "schools/{school}/grades/{grade}/subjects.csv", Empty, CompareGrade, 200),
    ep(GET,    "schools/{school}/overview",                  Empty, Overview,     200),
    ep(GET,    "schools/{school}/overview.csv",              Empty, Overview,     200),
    ep(GET,    "holidays",                                   Empty, AnySession,   200),
    ep(PUT,    "holidays/{holiday}",    Json(r#"{"name": "matrix day"}"#),          SetUp, 200),
    ep(DELETE, "holidays/{holiday}",                          Empty, SetUp,        204),
    ep(GET,    "makeup-days",                                Empty, AnySession,   200),
    ep(PUT,    "makeup-days/{makeup}",  Json(r#"{"name": "matrix day"}"#),          SetUp, 200),
    ep(DELETE, "makeup-days/{makeup}",                        Empty, SetUp,        204),
    ep(GET,    "users",                                      Empty, SetUp,        200),
    ep(POST,   "users", Json(r#"{"username": "made-{uniq}", "password": "correct-horse-battery",
                             "display_name": "made", "role": "grade_leader", "grade": 9}"#), SetUp, 201),
    ep(PATCH,  "users/{user}",         Json(r#"{"display_name": "renamed"}"#),     SetUp, 200),
    ep(POST,   "users/{user}/password", Json(r#"{"password": "another-good-password"}"#), SetUp, 204),
    ep(PUT,    "me/password", Json(r#"{"current_password": "correct-horse-battery",
                                   "new_password": "correct-horse-battery"}"#),   OwnPassword, 204),
    ep(GET,    "roster/template.csv",                        Empty, SetUp,        200),
    ep(POST,   "roster/import?dry_run=true",                 Roster, SetUp,       200),
    ep(GET,    "audit",                                      Empty, SetUp,        200),
    ep(GET,    "audit.csv",                                  Empty, SetUp,        200),
    ep(POST,   "classes/{class}/tablet-codes", Json(r#"{"label": "matrix"}"#),     TabletCodes, 201),
    ep(GET,    "classes/{class}/tablet-codes",               Empty, TabletCodes,  200),
    ep(DELETE, "classes/{class}/tablet-codes/{code}",        Empty, TabletCodes,  204),
    ep(GET,    "districts/{district}/schools",               Empty, District,     200),
    ep(POST,   "districts/{district}/schools", Json(r#"{"name": "S {uniq}", "admin": {"username": "d-{uniq}",
                             "password": "correct-horse-battery", "display_name": "d"}}"#), District, 201),
    ep(GET,    "districts/{district}/grades/{grade}/comparison", Empty, District, 200),
    ep(GET,    "districts/{district}/grades/{grade}/comparison.csv", Empty, District, 200),
    ep(GET,    "districts/{district}/coverage",              Empty, District,     200),
    ep(GET,    "districts/{district}/events",                Empty, District,     200),
    ep(GET,    "cases",                                      Empty, ReadCases,    200),
    ep(GET,    "schools/{school}/grades/{grade}/cases-report", Empty, ManageCases, 200),
    ep(GET,    "spot-checks",                                Empty, SpotChecks,   200),
    ep(POST,   "spot-checks", Json(r#"{"date": "2026-01-05", "count": 1}"#),   SpotChecks, 201),
    ep(PUT,    "classes/{class}/plans/{today}/{subject}",
               Json(r#"{"items": [{"content": "P12", "kind": "written", "expected_minutes": 20}]}"#),
               PlanWrite, 200),
    ep(GET,    "classes/{class}/plans/{today}",              Empty, PlanRead,     200),
    ep(GET,    "classes/{class}/plans",                      Empty, PlanRead,     200),
    ep(GET,    "classes/{class}/plans.csv",                  Empty, PlanRead,     200),
    // The day is within the limit: one allowed to review gets `409 nothing_to_review` (the
    // reviews themselves: plans.rs).
    ep(POST,   "classes/{class}/plans/{today}/review", Json(r#"{"decision": "approved"}"#),
               PlanReview, 409),
    // Notice links: the class teacher and admins, as tablet codes.
    ep(POST,   "classes/{class}/notice-links",               Empty, TabletCodes,  201),
    ep(GET,    "classes/{class}/notice-links",               Empty, TabletCodes,  200),
    // Before the links are revoked.
    ep(GET,    "public/notices/{token}",                     Empty, Public,       200),
    ep(DELETE, "classes/{class}/notice-links/{link}",        Empty, TabletCodes,  204),
];

impl Endpoint {
    /// Whether the path names a class, grade, school, account or code (and so is called once
    /// per [`Target`]).
    pub fn is_scoped(&self) -> bool {
        ["{class}", "{grade}", "{school}", "{user}", "{code}"].iter().any(|p| self.path.contains(p))
    }

    pub fn changes_state(&self) -> bool {
        self.method != Method::GET
    }

    /// Whether a success is written to the audit log (a dry run stores nothing, nor does a
    /// write whose expected answer is a refusal).
    pub fn is_audited_write(&self) -> bool {
        self.changes_state() && !self.path.contains("dry_run=true") && self.ok < 300
    }

    /// `DELETE classes/{class}/reports/{today}`: each caller allowed needs a day to remove.
    pub fn removes_a_report(&self) -> bool {
        self.method == Method::DELETE && self.path.starts_with("classes/{class}/reports/")
    }

    /// `PUT classes/{class}/reports/{today}`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// What the callers act on, for one [`Target`].
struct Place {
    class: i64,
    grade: String,
    school: i64,
    user: i64,
    code: i64,
    /// A public notice link of the class: its id and token.
    link: i64,
    token: String,
}

/// The date the table makes a holiday of, and takes back.
const HOLIDAY: &str = "2030-01-02";

/// The Saturday the table makes a make-up day of, and takes back.
const MAKEUP_DAY: &str = "2030-01-05";

/// The id used for things that do not exist.
const MISSING_ID: i64 = 999_999;

/// A server with two schools, each with classes 7(1), 7(2), 8(1), 8(2); in the first school
/// one logged-in client of each kind of [`Caller`], all of class 7(1) / grade 7; and in both
/// schools a spare account and a spare tablet code per class to aim at.
pub struct World {
    pub server: TestServer,
    pub admin: Api,
    pub admin2: Api,
    pub today: NaiveDate,
    pub school_id: i64,
    /// 7(1), 7(2), 8(1), 8(2) of the first school.
    pub classes: Vec<Class>,
    /// The same of the second school.
    pub classes2: Vec<Class>,
    callers: Vec<(Caller, Api)>,
    own: Place,
    other_class: Place,
    other_grade: Place,
    other_school: Place,
    policy: Value,
    uniq: AtomicU64,
}

/// The classes 7(1), 7(2), 8(1), 8(2) of a school.
async fn four_classes(admin: &Api) -> Vec<Class> {
    let mut classes = Vec::new();
    for (grade, name) in [(7, "7(1)"), (7, "7(2)"), (8, "8(1)"), (8, "8(2)")] {
        classes.push(admin.create_class(grade, name).await);
    }
    classes
}

/// A spare monitor account and a spare tablet code of a class, to aim requests at.
async fn place(admin: &Api, school: i64, class: &Class, prefix: &str) -> Place {
    let username = format!("{prefix}-spare-{}", class.id);
    let user = admin.create_user(&username, PASSWORD, "monitor", Scope::Class(class.id)).await;
    let (code, _) = admin.issue_tablet_code(class.id, "spare").await;
    let link = admin
        .post_empty(&format!("classes/{}/notice-links", class.id))
        .await
        .expect_status(201, "a notice link")
        .json;
    let token = link["token"].as_str().unwrap_or_default().to_owned();
    let link = link["id"].as_i64().unwrap_or_default();
    Place { class: class.id, grade: class.grade.to_string(), school, user, code, link, token }
}

impl World {
    pub async fn new() -> World {
        let school = School::new().await;
        let School { server, admin, today, school_id } = school;
        server.add_school("Second School", "admin2", PASSWORD).await;
        let admin2 = server.login("admin2", PASSWORD).await;
        let school2_id = admin2.me().await["school_id"].as_i64().expect("a school id");
        let classes = four_classes(&admin).await;
        let classes2 = four_classes(&admin2).await;
        let own_class = &classes[0];

        let mut callers = Vec::new();
        for (caller, username, role, scope) in [
            (Caller::Monitor, "monitor-71", "monitor", Scope::Class(own_class.id)),
            (Caller::Teacher, "teacher-71", "teacher", Scope::Class(own_class.id)),
            (Caller::GradeLeader, "leader-7", "grade_leader", Scope::Grade(7)),
        ] {
            admin.create_user(username, PASSWORD, role, scope).await;
            callers.push((caller, server.login(username, PASSWORD).await));
        }
        // The admin's password must be the table's for `PUT me/password`.
        admin.create_user("admin-71", PASSWORD, "school_admin", Scope::School).await;
        callers.push((Caller::Admin, server.login("admin-71", PASSWORD).await));
        let (_, code) = admin.issue_tablet_code(own_class.id, "matrix tablet").await;
        let tablet = server.api();
        tablet.tablet_sign_in(&code).await.expect_status(200, "the tablet signs in");
        callers.push((Caller::Tablet, tablet));
        callers.push((Caller::Nobody, server.api()));

        let policy = admin.get("policy").await.expect_status(200, "GET policy").json;
        World {
            own: place(&admin, school_id, &classes[0], "s1").await,
            other_class: place(&admin, school_id, &classes[1], "s1").await,
            other_grade: place(&admin, school_id, &classes[2], "s1").await,
            other_school: place(&admin2, school2_id, &classes2[0], "s2").await,
            server,
            admin,
            admin2,
            today,
            school_id,
            classes,
            classes2,
            callers,
            policy,
            uniq: AtomicU64::new(1),
        }
    }

    /// The logged-in client of a kind of caller.
    pub fn caller(&self, caller: Caller) -> &Api {
        self.callers
            .iter()
            .find(|(c, _)| *c == caller)
            .map(|(_, api)| api)
            .expect("every kind of caller is in the world")
    }

    /// The path of an endpoint aimed at a target (`None` for unscoped endpoints).
    pub fn path(&self, endpoint: &Endpoint, target: Option<Target>) -> String {
        let missing = Place {
            class: MISSING_ID,
            grade: "7".into(),
            school: MISSING_ID,
            user: MISSING_ID,
            code: MISSING_ID,
            link: MISSING_ID,
            token: String::new(),
        };
        let place = match target.unwrap_or(Target::Own) {
            Target::Own => &self.own,
            Target::OtherClass => &self.other_class,
            Target::OtherGrade => &self.other_grade,
            Target::OtherSchool => &self.other_school,
            Target::Missing => &missing,
        };
        endpoint
            .path
            .replace("{class}", &place.class.to_string())
            .replace("{grade}", &place.grade)
            .replace("{school}", &place.school.to_string())
            .replace("{user}", &place.user.to_string())
            .replace("{code}", &place.code.to_string())
            .replace("{today}", &self.today.to_string())
            .replace("{holiday}", HOLIDAY)
            .replace("{district}", &MISSING_ID.to_string())
            .replace("{makeup}", MAKEUP_DAY)
            .replace("{subject}", "math")
            .replace("{link}", &place.link.to_string())
            .replace("{token}", &self.own.token)
    }

    /// The request of an endpoint aimed at a target, with its body, ready for more headers.
    pub fn request(
        &self,
        api: &Api,
        endpoint: &Endpoint,
        target: Option<Target>,
    ) -> RequestBuilder {
        let request = api.request(endpoint.method.clone(), &self.path(endpoint, target));
        let uniq = self.uniq.fetch_add(1, Ordering::Relaxed).to_string();
        match endpoint.body {
            Body::Empty => request,
            Body::Json(text) => {
                let body: Value = serde_json::from_str(&text.replace("{uniq}", &uniq))
                    .unwrap_or_else(|e| {
                        panic!("{}: the table's body is not JSON: {e}", endpoint.label())
                    });
                request.json(&body)
            }
            Body::Policy => request.json(&self.policy),
            Body::Roster => {
                let csv =
                    format!("grade,class,role,username\n9,9(r{uniq}),monitor,roster-{uniq}\n");
                let (content_type, body) = tests::api::multipart_file("roster.csv", csv.as_bytes());
                request.header("content-type", content_type).body(body)
            }
        }
    }

    /// The targets an endpoint is called for: all of them, or once if unscoped.
    pub fn targets(endpoint: &Endpoint) -> Vec<Option<Target>> {
        if endpoint.is_scoped() { Target::ALL.map(Some).to_vec() } else { vec![None] }
    }

    /// The id of the newest audit entry of a school (0 if none), as its admin sees it.
    pub async fn newest_audit_id(admin: &Api) -> i64 {
        let page = admin.get("audit?limit=1").await.expect_status(200, "GET audit").json;
        page["entries"][0]["id"].as_i64().unwrap_or(0)
    }

    /// The audit entries of a school newer than `since`, newest first.
    pub async fn audit_since(admin: &Api, since: i64) -> Vec<Value> {
        let page = admin.get("audit?limit=500").await.expect_status(200, "GET audit").json;
        page["entries"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e["id"].as_i64().is_some_and(|id| id > since))
            .collect()
    }
}
