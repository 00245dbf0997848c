//! `GET /api/v1/openapi.json`: an OpenAPI 3.1 document of the API, built with utoipa's builders
//! from one table ([`ROUTES`]): every path and method the server routes under `/api/v1`, its
//! path parameters, its request and success bodies where they have a schema here, and its error
//! answers, all with the one error body of docs/API.md. The API suite checks the table against
//! the routes the server declares (`tests/tests/api/openapi.rs`), both ways.
//!
//! The prose of docs/API.md stays the contract; this document is for tools (client generators,
//! API explorers) and names that contract's sections in its descriptions.

use axum::Json;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use utoipa::ToSchema;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem, PathsBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ArrayBuilder, ComponentsBuilder, ContentBuilder, InfoBuilder, KnownFormat, ObjectBuilder,
    OpenApi, OpenApiBuilder, Ref, RefOr, Required, ResponseBuilder, Schema, SchemaFormat, Type,
};

use HttpMethod::{Delete, Get, Patch, Post, Put};

/// What a successful answer carries.
#[derive(Clone, Copy)]
enum Body {
    /// JSON of a schema of [`components`] (by name), or any JSON object when `None`.
    Json(Option<&'static str>),
    /// A JSON array of a schema, or of objects.
    JsonList(Option<&'static str>),
    /// A CSV download (UTF-8 with a byte-order mark, for spreadsheets).
    Csv,
    /// No body (`204`).
    Empty,
    /// A stream of server-sent events.
    EventStream,
    /// An HTML page.
    Html,
    /// A JavaScript file.
    Script,
}

/// One operation of the API.
struct Route {
    method: HttpMethod,
    /// Under `/api/v1`, with axum's `{name}` parameters.
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    /// Whether a session is needed (the `hw_session` cookie).
    session: bool,
    ok: (&'static str, Body),
    /// The request body's schema (JSON), if it has one.
    request: Option<&'static str>,
    /// Error statuses this operation answers beyond the ones every operation may (`500`,
    /// `503`, and `401` for those needing a session).
    errors: &'static [&'static str],
}

#[allow(clippy::too_many_arguments, reason = "one line per operation in ROUTES")]
const fn r(
    method: HttpMethod,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    session: bool,
    ok: (&'static str, Body),
    request: Option<&'static str>,
    errors: &'static [&'static str],
) -> Route {
    Route { method, path, tag, summary, session, ok, request, errors }
}

const fn json(name: &'static str) -> (&'static str, Body) {
    ("200", Body::Json(Some(name)))
}
const fn list(name: &'static str) -> (&'static str, Body) {
    ("200", Body::JsonList(Some(name)))
}
const fn created(name: &'static str) -> (&'static str, Body) {
    ("201", Body::Json(Some(name)))
}
const OK_CSV: (&str, Body) = ("200", Body::Csv);
const NO_CONTENT: (&str, Body) = ("204", Body::Empty);
/// A read of a class, grade or school the caller may or may not see, with a date range.
const READ: &[&str] = &["400", "403", "404"];
/// A write with a JSON body.
const WRITE: &[&str] = &["400", "403", "404", "413", "415", "422"];
/// A write with a JSON body and a version that may be stale.
const VERSIONED: &[&str] = &["400", "403", "404", "409", "413", "415", "422"];

/// The request "schema" of the roster upload: a `multipart/form-data` body, not JSON.
const ROSTER_UPLOAD: &str = "RosterUpload";

/// Every operation under `/api/v1`. The schema names are those of [`components`]: the types of
/// `shared` that the handlers read and write, by their Rust names.
#[rustfmt::skip]
const ROUTES: &[Route] = &[
    r(Get, "/health", "operations", "Liveness: the process answers (no database)", false, json("Status"), None, &[]),
    r(Get, "/ready", "operations", "Readiness: 503 storage_unavailable while the database cannot take writes", false, json("Status"), None, &[]),
    r(Get, "/openapi.json", "operations", "This document", false, ("200", Body::Json(None)), None, &[]),
    r(Get, "/docs", "operations", "The interactive reference of this document (an HTML page of the server's own)", false, ("200", Body::Html), None, &[]),
    r(Get, "/docs.js", "operations", "The reference page's script", false, ("200", Body::Script), None, &[]),
    r(Post, "/auth/login", "session", "Log in: sets the session cookie, answers a Me", false, json("Me"), Some("LoginRequest"), &["400", "401", "413", "415", "429"]),
    r(Post, "/auth/logout", "session", "Log out: ends the session", false, NO_CONTENT, None, &["403"]),
    r(Post, "/auth/tablet", "session", "A class tablet signs in with its code", false, json("Me"), Some("TabletSignIn"), &["400", "401", "413", "415", "429"]),
    r(Get, "/me", "session", "The logged-in account", true, json("Me"), None, &[]),
    r(Put, "/me/password", "session", "Change one's own password", true, NO_CONTENT, Some("PasswordChange"), &["400", "403", "413", "415", "422", "429"]),
    r(Get, "/policy", "school", "The caller's school policy", true, json("Policy"), None, &[]),
    r(Put, "/policy", "school", "Replace the school policy", true, json("Policy"), Some("PolicyPut"), WRITE),
    r(Get, "/classes", "school", "The classes the caller may see", true, list("ClassInfo"), None, &["400"]),
    r(Post, "/classes", "school", "Create a class", true, created("ClassInfo"), Some("NewClass"), WRITE),
    r(Patch, "/classes/{class_id}", "school", "Rename, move or archive a class", true, json("ClassInfo"), Some("ClassPatch"), WRITE),
    r(Get, "/users", "school", "The school's accounts", true, list("User"), None, &["403"]),
    r(Post, "/users", "school", "Create an account", true, created("User"), Some("NewUser"), WRITE),
    r(Patch, "/users/{user_id}", "school", "Change an account (role, class, disabled)", true, json("User"), Some("UserPatch"), WRITE),
    r(Post, "/users/{user_id}/password", "school", "Reset an account's password", true, NO_CONTENT, Some("PasswordReset"), WRITE),
    r(Get, "/holidays", "school", "The school's holidays", true, list("Holiday"), None, READ),
    r(Put, "/holidays/{date}", "school", "Mark a day as a holiday", true, json("Holiday"), Some("HolidayName"), WRITE),
    r(Delete, "/holidays/{date}", "school", "Remove a holiday", true, NO_CONTENT, None, READ),
    r(Get, "/makeup-days", "school", "The school's make-up school days (调休)", true, list("MakeupDay"), None, READ),
    r(Put, "/makeup-days/{date}", "school", "Mark a Saturday or Sunday as a school day", true, json("MakeupDay"), Some("HolidayName"), WRITE),
    r(Delete, "/makeup-days/{date}", "school", "Remove a make-up day", true, NO_CONTENT, None, READ),
    r(Get, "/roster/template.csv", "school", "The roster file's template", true, OK_CSV, None, &["403"]),
    r(Post, "/roster/import", "school", "Import classes and accounts from a CSV roster (?dry_run=true to check only)", true, json("RosterResult"), Some(ROSTER_UPLOAD), &["400", "403", "413", "415", "422"]),
    r(Get, "/classes/{class_id}/tablet-codes", "school", "A class's tablet codes", true, list("TabletCode"), None, READ),
    r(Post, "/classes/{class_id}/tablet-codes", "school", "Issue a tablet code (the code is shown once, in this answer)", true, created("TabletCode"), Some("NewTabletCode"), WRITE),
    r(Delete, "/classes/{class_id}/tablet-codes/{code_id}", "school", "Revoke a tablet code", true, NO_CONTENT, None, READ),
    r(Put, "/classes/{class_id}/reports/{date}", "reports", "Record a class's day (replaces it; version checked)", true, json("PutDayReportResponse"), Some("PutDayReport"), VERSIONED),
    r(Delete, "/classes/{class_id}/reports/{date}", "reports", "Remove a day recorded by mistake (?version=n)", true, NO_CONTENT, None, &["400", "403", "404", "409", "422"]),
    r(Get, "/classes/{class_id}/reports", "reports", "A class's day reports, oldest first", true, list("DayReport"), None, READ),
    r(Get, "/classes/{class_id}/reports.csv", "reports", "A class's day reports as CSV", true, OK_CSV, None, READ),
    r(Get, "/classes/{class_id}/summary", "dashboards", "A class's totals and flags over a range", true, json("ClassSummary"), None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/comparison", "dashboards", "A grade's classes compared", true, json("GradeComparison"), None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/comparison.csv", "dashboards", "The comparison as CSV", true, OK_CSV, None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/days", "dashboards", "A grade's class × day table", true, json("GradeDays"), None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/days.csv", "dashboards", "The class × day table as CSV", true, OK_CSV, None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/subjects", "dashboards", "Which subject drives each class's load", true, json("GradeSubjects"), None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/subjects.csv", "dashboards", "The subjects table as CSV", true, OK_CSV, None, READ),
    r(Get, "/schools/{school_id}/overview", "dashboards", "Every grade of a school at a glance", true, json("SchoolOverview"), None, READ),
    r(Get, "/schools/{school_id}/overview.csv", "dashboards", "The overview as CSV", true, OK_CSV, None, READ),
    r(Get, "/classes/{class_id}/plans", "plans", "A class's day plans in a range, oldest first", true, list("DayPlan"), None, READ),
    r(Get, "/classes/{class_id}/plans.csv", "plans", "A class's plans as CSV", true, OK_CSV, None, READ),
    r(Get, "/classes/{class_id}/plans/{date}", "plans", "A class's day plan (作业备案)", true, json("DayPlan"), None, READ),
    r(Post, "/classes/{class_id}/plans/{date}/review", "plans", "Approve or return a day over the limit", true, json("DayPlan"), Some("ReviewRequest"), VERSIONED),
    r(Put, "/classes/{class_id}/plans/{date}/{subject}", "plans", "File a subject's homework for a day (replaces it; version checked)", true, json("PutSubjectPlanResponse"), Some("PutSubjectPlan"), VERSIONED),
    r(Get, "/classes/{class_id}/notice-links", "plans", "A class's public notice links", true, list("NoticeLink"), None, READ),
    r(Post, "/classes/{class_id}/notice-links", "plans", "Create a public notice link (作业公示)", true, created("NoticeLink"), None, READ),
    r(Delete, "/classes/{class_id}/notice-links/{link_id}", "plans", "Revoke a notice link", true, NO_CONTENT, None, READ),
    r(Get, "/public/notices/{token}", "plans", "A class's published homework, for parents: no log-in, no names of people", false, json("PublicNotice"), None, &["400", "404"]),
    r(Post, "/cases", "cases", "Open a case from a flag that holds over a window", true, created("Case"), Some("NewCase"), VERSIONED),
    r(Get, "/cases", "cases", "The cases the caller may see, newest first", true, list("Case"), None, &["400", "403"]),
    r(Get, "/cases/{id}", "cases", "One case", true, json("Case"), None, READ),
    r(Patch, "/cases/{id}", "cases", "Assign a case, set its due date", true, json("Case"), Some("CasePatch"), VERSIONED),
    r(Post, "/cases/{id}/actions", "cases", "Record what was done", true, created("Case"), Some("NewAction"), VERSIONED),
    r(Post, "/cases/{id}/recheck", "cases", "Recheck the window after the latest action", true, json("Case"), None, &["403", "404", "409", "422"]),
    r(Get, "/schools/{school_id}/grades/{grade}/cases-report", "cases", "A grade's cases of a period (the half-monthly report)", true, json("CasesReport"), None, READ),
    r(Post, "/spot-checks", "spot checks", "Draw classes at random for a date", true, created("SpotCheck"), Some("NewSpotCheck"), WRITE),
    r(Get, "/spot-checks", "spot checks", "The spot checks of a period", true, list("SpotCheck"), None, &["400", "403"]),
    r(Get, "/spot-checks/{id}", "spot checks", "One spot check", true, json("SpotCheck"), None, READ),
    r(Put, "/spot-checks/{id}/classes/{class_id}", "spot checks", "What the inspector found for a drawn class", true, json("SpotCheck"), Some("PutObservation"), WRITE),
    r(Post, "/spot-checks/{id}/classes/{class_id}/case", "spot checks", "Open a case from a drawn class's discrepancy", true, created("Case"), None, &["403", "404", "409", "422"]),
    r(Get, "/audit", "audit", "The audit log, newest first, in pages", true, json("AuditPage"), None, &["400", "403"]),
    r(Get, "/audit.csv", "audit", "The audit log as CSV", true, OK_CSV, None, &["400", "403"]),
    r(Get, "/districts/{district_id}/schools", "districts", "The district's schools with their active classes counted", true, list("DistrictSchool"), None, &["403", "404"]),
    r(Post, "/districts/{district_id}/schools", "districts", "Add a school to the district with its first admin", true, created("CreatedSchool"), Some("NewDistrictSchool"), WRITE),
    r(Get, "/districts/{district_id}/grades/{grade}/comparison", "districts", "A grade compared across the district's schools", true, json("DistrictComparison"), None, READ),
    r(Get, "/districts/{district_id}/grades/{grade}/comparison.csv", "districts", "The district comparison as CSV", true, OK_CSV, None, READ),
    r(Get, "/districts/{district_id}/coverage", "districts", "Which classes reported on a date, school by school", true, json("Coverage"), None, READ),
    r(Get, "/districts/{district_id}/events", "districts", "Live report events for a wall screen (each `data:` line is a ReportEvent)", true, ("200", Body::EventStream), None, &["403", "404"]),
];

/// Every stable error code the server answers with (docs/API.md, "Error codes"); the API suite
/// checks that the backend's sources name no other and that real error answers carry one.
pub const ERROR_CODES: &[&str] = &[
    "bad_date",
    "bad_json",
    "bad_query",
    "body_too_large",
    "cannot_disable_self",
    "case_closed",
    "case_exists",
    "case_not_found",
    "class_archived",
    "class_grade_mismatch",
    "class_name_taken",
    "class_not_found",
    "class_required",
    "cross_origin",
    "day_total_too_large",
    "district_not_found",
    "duplicate_column",
    "duplicate_subject",
    "duplicate_username",
    "flag_not_raised",
    "forbidden",
    "future_date",
    "grade_not_found",
    "grade_required",
    "internal_error",
    "invalid_action_date",
    "invalid_assignee",
    "invalid_client_id",
    "invalid_content",
    "invalid_count",
    "invalid_credentials",
    "invalid_decision",
    "invalid_expiry",
    "invalid_grade",
    "invalid_kind",
    "invalid_name",
    "invalid_note",
    "invalid_policy",
    "invalid_range",
    "invalid_report",
    "invalid_role",
    "invalid_text",
    "invalid_username",
    "invalid_version",
    "minutes_out_of_range",
    "missing_column",
    "no_action_yet",
    "no_discrepancy",
    "not_a_weekend",
    "not_drawn",
    "not_found",
    "not_logged_in",
    "note_too_long",
    "nothing_to_review",
    "notice_link_not_found",
    "notice_not_found",
    "outside_edit_window",
    "outside_plan_window",
    "reason_required",
    "reason_too_long",
    "recheck_too_early",
    "report_not_found",
    "roster_empty",
    "roster_invalid",
    "school_name_taken",
    "school_not_found",
    "server_busy",
    "spot_check_not_found",
    "storage_unavailable",
    "teaching_not_allowed",
    "teaching_required",
    "too_many_assignments",
    "too_many_attempts",
    "too_many_items",
    "too_many_rows",
    "unknown_class",
    "unknown_column",
    "unknown_subject",
    "unsupported_media_type",
    "user_not_found",
    "username_taken",
    "version_conflict",
    "weak_password",
    "wrong_password",
];

/// What each error status means (docs/API.md, "Errors"); the code is in the body.
fn error_meaning(status: &str) -> &'static str {
    match status {
        "400" => {
            "bad_json, bad_date, bad_query, invalid_range: malformed JSON, wrong types, bad date or query"
        }
        "401" => "not_logged_in, invalid_credentials (never which part was wrong)",
        "403" => "forbidden (not allowed for this role, class or school), cross_origin",
        "404" => "class_not_found, school_not_found, … : no such resource",
        "409" => "version_conflict: the body also carries the report as it stands",
        "413" => "body_too_large",
        "415" => "unsupported_media_type: the body must be application/json",
        "422" => "well-formed but invalid; the code names the problem and `problems` lists each",
        "429" => "too_many_attempts: Retry-After says when to try again",
        "503" => "storage_unavailable: the database cannot take writes now; nothing was changed",
        _ => "internal_error",
    }
}

fn reference(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn integer() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Integer)
}

fn any_object() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Object)
}

/// Adds `T`'s schema and those it refers to (as utoipa's `OpenApi` derive does).
fn add<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
    schemas.push((T::name().into_owned(), T::schema()));
    T::schemas(schemas);
}

/// The schemas of the bodies, derived from the types of `shared` that the handlers read and
/// write (`ToSchema`, behind shared's `openapi` feature), and the few written here: the error
/// body with its request id and its codes, the status of the probes, the roster upload.
fn schemas() -> Vec<(String, RefOr<Schema>)> {
    use shared::api::*;
    use shared::{cases, district, plans, policy, spot_checks};
    let mut all = Vec::new();
    add::<Me>(&mut all);
    add::<User>(&mut all);
    add::<LoginRequest>(&mut all);
    add::<TabletSignIn>(&mut all);
    add::<PasswordChange>(&mut all);
    add::<PasswordReset>(&mut all);
    add::<policy::Policy>(&mut all);
    add::<policy::PolicyPut>(&mut all);
    add::<ClassInfo>(&mut all);
    add::<NewClass>(&mut all);
    add::<ClassPatch>(&mut all);
    add::<NewUser>(&mut all);
    add::<UserPatch>(&mut all);
    add::<Holiday>(&mut all);
    add::<MakeupDay>(&mut all);
    add::<HolidayName>(&mut all);
    add::<RosterResult>(&mut all);
    add::<TabletCode>(&mut all);
    add::<NewTabletCode>(&mut all);
    add::<PutDayReport>(&mut all);
    add::<PutDayReportResponse>(&mut all);
    add::<DayReport>(&mut all);
    add::<ConflictBody>(&mut all);
    add::<ErrorBody>(&mut all);
    add::<ClassSummary>(&mut all);
    add::<GradeComparison>(&mut all);
    add::<GradeDays>(&mut all);
    add::<GradeSubjects>(&mut all);
    add::<SchoolOverview>(&mut all);
    add::<AuditPage>(&mut all);
    add::<plans::DayPlan>(&mut all);
    add::<plans::ReviewRequest>(&mut all);
    add::<plans::PutSubjectPlan>(&mut all);
    add::<plans::PutSubjectPlanResponse>(&mut all);
    add::<plans::NoticeLink>(&mut all);
    add::<plans::PublicNotice>(&mut all);
    add::<cases::Case>(&mut all);
    add::<cases::NewCase>(&mut all);
    add::<cases::CasePatch>(&mut all);
    add::<cases::NewAction>(&mut all);
    add::<cases::CasesReport>(&mut all);
    add::<spot_checks::SpotCheck>(&mut all);
    add::<spot_checks::NewSpotCheck>(&mut all);
    add::<spot_checks::PutObservation>(&mut all);
    add::<district::DistrictSchool>(&mut all);
    add::<district::NewDistrictSchool>(&mut all);
    add::<district::CreatedSchool>(&mut all);
    add::<district::DistrictComparison>(&mut all);
    add::<district::Coverage>(&mut all);
    add::<district::ReportEvent>(&mut all);

    // Written here: what the server adds to `ErrorDetail` (the request id), its codes, and the
    // bodies that have no type of their own.
    let codes = string()
        .description(Some("stable machine code"))
        .enum_values(Some(ERROR_CODES.iter().copied()));
    let detail = any_object()
        .property("code", codes)
        .property("message", string().description(Some("a sentence for people")))
        .property("request_id", string().description(Some("the X-Request-Id of the answer")))
        .property(
            "problems",
            ArrayBuilder::new()
                .items(reference("Problem"))
                .description(Some("every problem found (always at least one in a 422)")),
        )
        .required("code")
        .required("message")
        .required("request_id");
    all.push(("ErrorDetail".into(), detail.into()));
    let plan_conflict = any_object()
        .description(Some("a 409 of a plan: the error and the subject's plan as it stands now"))
        .property("error", reference("ErrorDetail"))
        .property(
            "plan",
            utoipa::openapi::OneOfBuilder::new()
                .item(ObjectBuilder::new().schema_type(Type::Null))
                .item(reference("SubjectPlan")),
        )
        .required("error")
        .required("plan");
    all.push(("PlanConflictBody".into(), plan_conflict.into()));
    let status = any_object()
        .property("status", string().enum_values(Some(["ok", "ready"])))
        .required("status");
    all.push(("Status".into(), status.into()));
    let upload = any_object()
        .property(
            "file",
            string()
                .content_media_type("text/csv")
                .description(Some("the roster: UTF-8 CSV, English or Chinese headers")),
        )
        .required("file");
    all.push((ROSTER_UPLOAD.into(), upload.into()));
    all
}

/// The schemas the operations name, and the session's security scheme.
fn components() -> utoipa::openapi::Components {
    // Later entries win: the hand-written `ErrorDetail` over the derived one.
    let schemas: BTreeMap<String, RefOr<Schema>> = schemas().into_iter().collect();
    ComponentsBuilder::new()
        .schemas_from_iter(schemas)
        .security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "set by POST /auth/login or /auth/tablet (HttpOnly, SameSite=Strict)",
            ))),
        )
        .build()
}

fn json_content(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn success(body: Body) -> ResponseBuilder {
    // Operations without a type of their own (only this document) answer any object.
    let response = ResponseBuilder::new().description("success");
    match body {
        Body::Json(name) => {
            let schema = name.map_or_else(|| any_object().into(), reference);
            response.content("application/json", json_content(schema))
        }
        Body::JsonList(name) => {
            let items = name.map_or_else(|| any_object().into(), reference);
            let list: RefOr<Schema> = ArrayBuilder::new().items(items).into();
            response.content("application/json", json_content(list))
        }
        Body::Csv => response.content("text/csv", json_content(string().into())),
        Body::Empty => response,
        Body::EventStream => response.content("text/event-stream", json_content(string().into())),
        Body::Html => response.content("text/html", json_content(string().into())),
        Body::Script => response.content("text/javascript", json_content(string().into())),
    }
}

/// A query parameter: name, JSON type, what it does.
type Query = (&'static str, Type, &'static str);

const FROM: Query =
    ("from", Type::String, "first day, YYYY-MM-DD (default: a window ending today)");
const TO: Query = ("to", Type::String, "last day, YYYY-MM-DD (default: today)");
const LANG: Query =
    ("lang", Type::String, "zh or en: the CSV's language (default: Accept-Language)");
const SCHOOL: Query =
    ("school_id", Type::Integer, "a district admin names a school of its district");

/// The query parameters of an operation (the handlers' `AppQuery` types).
fn query_parameters(method: &HttpMethod, path: &str) -> &'static [Query] {
    let ranged = [
        "/reports",
        "/reports.csv",
        "/summary",
        "/comparison",
        "/comparison.csv",
        "/days",
        "/days.csv",
        "/subjects",
        "/subjects.csv",
        "/overview",
        "/overview.csv",
        "/plans",
        "/plans.csv",
        "/cases-report",
        "/makeup-days",
    ];
    match (method, path) {
        (Get, "/holidays") => &[FROM, TO, SCHOOL],
        (Get, "/policy") => &[SCHOOL],
        (Get, "/classes") => {
            &[("include_archived", Type::Boolean, "list archived classes too"), SCHOOL]
        }
        (Get, "/audit" | "/audit.csv") => &[
            FROM,
            TO,
            ("action", Type::String, "only entries of this action"),
            ("actor", Type::String, "only entries by this username"),
            ("before", Type::Integer, "the page before this entry id (`next_before`)"),
            ("limit", Type::Integer, "entries per page"),
            LANG,
        ],
        (Get, "/cases") => &[
            ("status", Type::String, "only cases in this status"),
            ("grade", Type::Integer, "only cases of this grade"),
            ("class_id", Type::Integer, "only cases of this class"),
        ],
        (Get, "/spot-checks") => &[FROM, TO],
        (Get, "/districts/{district_id}/coverage" | "/public/notices/{token}") => {
            &[("date", Type::String, "the day, YYYY-MM-DD (default: today)")]
        }
        (Delete, "/classes/{class_id}/reports/{date}") => {
            &[("version", Type::Integer, "the version read; a different one is a 409")]
        }
        (Post, "/roster/import") => &[(
            "dry_run",
            Type::Boolean,
            "check the file and say what would be done; store nothing",
        )],
        (Get, _) if ranged.iter().any(|end| path.ends_with(end)) => &[FROM, TO, LANG],
        _ => &[],
    }
}

/// The path's `{name}` parameters.
fn parameters(path: &str) -> Vec<utoipa::openapi::path::Parameter> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let schema = match name {
                "date" => string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
                "token" | "subject" => string(),
                _ => integer(),
            };
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(schema))
                .build()
        })
        .collect()
}

/// The schema of an error answer: a stale version of a day report or a plan also carries what
/// stands now.
fn error_body(route: &Route, status: &str) -> &'static str {
    match (status, route.request) {
        ("409", Some("PutDayReport")) => "ConflictBody",
        ("409", Some("PutSubjectPlan")) => "PlanConflictBody",
        _ => "ErrorBody",
    }
}

fn build() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for route in ROUTES {
        let mut op = OperationBuilder::new()
            .tag(route.tag)
            .summary(Some(route.summary))
            .response(route.ok.0, success(route.ok.1));
        for p in parameters(route.path) {
            op = op.parameter(p);
        }
        for (name, kind, description) in query_parameters(&route.method, route.path) {
            op = op.parameter(
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .description(Some(*description))
                    .schema(Some(ObjectBuilder::new().schema_type(kind.clone()))),
            );
        }
        if let Some(schema) = route.request {
            let media =
                if schema == ROSTER_UPLOAD { "multipart/form-data" } else { "application/json" };
            let body = RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(media, json_content(reference(schema)))
                .build();
            op = op.request_body(Some(body));
        }
        let mut errors: Vec<&str> = route.errors.to_vec();
        if route.session {
            errors.push("401");
            op = op.security(SecurityRequirement::new("session", Vec::<String>::new()));
        }
        errors.extend(["500", "503"]);
        errors.sort_unstable();
        errors.dedup();
        for status in errors {
            let error = ResponseBuilder::new()
                .description(error_meaning(status))
                .content("application/json", json_content(reference(error_body(route, status))));
            op = op.response(status, error);
        }
        paths =
            paths.path(format!("/api/v1{}", route.path), PathItem::new(route.method.clone(), op));
    }
    OpenApiBuilder::new()
        .info(InfoBuilder::new().title("Homework time logger API").version("1").description(Some(
            "The HTTP API v1 (docs/API.md is the contract). Every error is \
                     {\"error\": {\"code\", \"message\", \"request_id\"}}; a state-changing \
                     request from another origin is refused (403 cross_origin).",
        )))
        .paths(paths)
        .components(Some(components()))
        .tags(Some(tags()))
        .build()
}

/// The tags in the order of [`ROUTES`] (paths are sorted by name in the document; this says in
/// which order a reader meets the API's parts).
fn tags() -> Vec<utoipa::openapi::tag::Tag> {
    let mut names: Vec<&str> = Vec::new();
    for route in ROUTES {
        if !names.contains(&route.tag) {
            names.push(route.tag);
        }
    }
    names.into_iter().map(|n| utoipa::openapi::tag::TagBuilder::new().name(n).build()).collect()
}

/// The document, built once.
pub fn document() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc =
            serde_json::to_value(build()).unwrap_or_else(|e| json!({ "error": e.to_string() }));
        inline_primitives(&mut doc);
        doc
    })
}

/// utoipa names a field of an alias of a primitive (`ClassId = i64`) as a schema of its own,
/// `i64`: put the primitive's schema in place of each reference and drop the odd name.
fn inline_primitives(doc: &mut serde_json::Value) {
    use serde_json::Value;
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut)
    else {
        return;
    };
    let primitives: BTreeMap<String, Value> = schemas
        .iter()
        .filter(|(name, _)| name.starts_with(|c: char| c.is_ascii_lowercase()))
        .map(|(name, schema)| (format!("#/components/schemas/{name}"), schema.clone()))
        .collect();
    schemas.retain(|name, _| !name.starts_with(|c: char| c.is_ascii_lowercase()));
    fn walk(value: &mut Value, primitives: &BTreeMap<String, Value>) {
        match value {
            Value::Object(map) => {
                let target =
                    map.get("$ref").and_then(Value::as_str).and_then(|r| primitives.get(r));
                if let Some(Value::Object(schema)) = target.cloned() {
                    map.remove("$ref");
                    for (k, v) in schema {
                        map.entry(k).or_insert(v);
                    }
                }
                map.values_mut().for_each(|v| walk(v, primitives));
            }
            Value::Array(list) => list.iter_mut().for_each(|v| walk(v, primitives)),
            _ => {}
        }
    }
    walk(doc, &primitives);
}

/// `GET /api/v1/openapi.json`.
pub async fn serve() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "no-cache")], Json(document()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn references(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                    out.push(r.to_owned());
                }
                map.values().for_each(|v| references(v, out));
            }
            Value::Array(list) => list.iter().for_each(|v| references(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_names_a_schema_of_the_document() {
        let doc = document();
        let mut refs = Vec::new();
        references(doc, &mut refs);
        assert!(refs.len() > 100, "{refs:?}");
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        let dangling: Vec<&String> = refs
            .iter()
            .filter(|r| {
                r.strip_prefix("#/components/schemas/").is_none_or(|n| !schemas.contains_key(n))
            })
            .collect();
        assert!(dangling.is_empty(), "{dangling:?}");
        assert!(!schemas.contains_key("i64"), "a primitive left as a schema of its own");
    }

    #[test]
    fn every_json_body_but_this_documents_own_has_a_schema_with_properties() {
        for route in ROUTES {
            let named = match route.ok.1 {
                Body::Json(name) | Body::JsonList(name) => name,
                _ => continue,
            };
            match named {
                Some(name) => {
                    let schema = &document()["components"]["schemas"][name];
                    let described = schema.get("properties").is_some()
                        || schema.get("allOf").is_some()
                        || schema.get("oneOf").is_some();
                    assert!(described, "{name} of {}: {schema}", route.path);
                }
                None => assert_eq!(route.path, "/openapi.json"),
            }
        }
    }

    #[test]
    fn error_codes_are_listed_once_and_in_order() {
        let mut sorted = ERROR_CODES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, ERROR_CODES);
    }
}
