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
use std::sync::OnceLock;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem, PathsBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ArrayBuilder, ComponentsBuilder, ContentBuilder, InfoBuilder, ObjectBuilder, OpenApi,
    OpenApiBuilder, Ref, RefOr, Required, ResponseBuilder, Schema, Type,
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

const OK_JSON: (&str, Body) = ("200", Body::Json(None));
const OK_LIST: (&str, Body) = ("200", Body::JsonList(None));
const OK_CSV: (&str, Body) = ("200", Body::Csv);
const CREATED: (&str, Body) = ("201", Body::Json(None));
const NO_CONTENT: (&str, Body) = ("204", Body::Empty);
/// A read of a class, grade or school the caller may or may not see, with a date range.
const READ: &[&str] = &["400", "403", "404"];
/// A write with a JSON body.
const WRITE: &[&str] = &["400", "403", "404", "413", "415", "422"];

/// Every operation under `/api/v1`.
#[rustfmt::skip]
const ROUTES: &[Route] = &[
    r(Get, "/health", "operations", "Liveness: the process answers (no database)", false, ("200", Body::Json(Some("Status"))), None, &[]),
    r(Get, "/ready", "operations", "Readiness: 503 storage_unavailable while the database cannot take writes", false, ("200", Body::Json(Some("Status"))), None, &[]),
    r(Get, "/openapi.json", "operations", "This document", false, OK_JSON, None, &[]),
    r(Post, "/auth/login", "session", "Log in: sets the session cookie, answers a Me", false, ("200", Body::Json(Some("Me"))), Some("Login"), &["400", "401", "413", "415", "429"]),
    r(Post, "/auth/logout", "session", "Log out: ends the session", false, NO_CONTENT, None, &["403"]),
    r(Post, "/auth/tablet", "session", "A class tablet signs in with its code", false, ("200", Body::Json(Some("Me"))), None, &["400", "401", "413", "415", "429"]),
    r(Get, "/me", "session", "The logged-in account", true, ("200", Body::Json(Some("Me"))), None, &[]),
    r(Put, "/me/password", "session", "Change one's own password", true, NO_CONTENT, None, &["400", "403", "413", "415", "422"]),
    r(Get, "/policy", "school", "The caller's school policy", true, OK_JSON, None, &[]),
    r(Put, "/policy", "school", "Replace the school policy", true, OK_JSON, None, WRITE),
    r(Get, "/classes", "school", "The classes the caller may see", true, OK_LIST, None, &["400"]),
    r(Post, "/classes", "school", "Create a class", true, CREATED, None, WRITE),
    r(Patch, "/classes/{class_id}", "school", "Rename, move or archive a class", true, OK_JSON, None, WRITE),
    r(Get, "/users", "school", "The school's accounts", true, OK_LIST, None, &["403"]),
    r(Post, "/users", "school", "Create an account", true, CREATED, None, WRITE),
    r(Patch, "/users/{user_id}", "school", "Change an account (role, class, disabled)", true, OK_JSON, None, WRITE),
    r(Post, "/users/{user_id}/password", "school", "Reset an account's password", true, OK_JSON, None, WRITE),
    r(Get, "/holidays", "school", "The school's holidays", true, OK_LIST, None, READ),
    r(Put, "/holidays/{date}", "school", "Mark a day as a holiday", true, OK_JSON, None, WRITE),
    r(Delete, "/holidays/{date}", "school", "Remove a holiday", true, NO_CONTENT, None, READ),
    r(Get, "/makeup-days", "school", "The school's make-up school days (调休)", true, OK_LIST, None, READ),
    r(Put, "/makeup-days/{date}", "school", "Mark a Saturday or Sunday as a school day", true, OK_JSON, None, WRITE),
    r(Delete, "/makeup-days/{date}", "school", "Remove a make-up day", true, NO_CONTENT, None, READ),
    r(Get, "/roster/template.csv", "school", "The roster file's template", true, OK_CSV, None, &["403"]),
    r(Post, "/roster/import", "school", "Import classes and accounts from a CSV roster", true, OK_JSON, None, &["400", "403", "413", "415", "422"]),
    r(Get, "/classes/{class_id}/tablet-codes", "school", "A class's tablet codes", true, OK_LIST, None, READ),
    r(Post, "/classes/{class_id}/tablet-codes", "school", "Issue a tablet code", true, CREATED, None, WRITE),
    r(Delete, "/classes/{class_id}/tablet-codes/{code_id}", "school", "Revoke a tablet code", true, NO_CONTENT, None, READ),
    r(Put, "/classes/{class_id}/reports/{date}", "reports", "Record a class's day (replaces it; version checked)", true, ("200", Body::Json(Some("DayReportStored"))), Some("DayReportPut"), &["400", "403", "404", "409", "413", "415", "422"]),
    r(Delete, "/classes/{class_id}/reports/{date}", "reports", "Remove a day recorded by mistake (?version=n)", true, NO_CONTENT, None, &["400", "403", "404", "409", "422"]),
    r(Get, "/classes/{class_id}/reports", "reports", "A class's day reports, oldest first", true, ("200", Body::JsonList(Some("DayReport"))), None, READ),
    r(Get, "/classes/{class_id}/reports.csv", "reports", "A class's day reports as CSV", true, OK_CSV, None, READ),
    r(Get, "/classes/{class_id}/summary", "dashboards", "A class's totals and flags over a range", true, OK_JSON, None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/comparison", "dashboards", "A grade's classes compared", true, OK_JSON, None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/comparison.csv", "dashboards", "The comparison as CSV", true, OK_CSV, None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/days", "dashboards", "A grade's class × day table", true, OK_JSON, None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/days.csv", "dashboards", "The class × day table as CSV", true, OK_CSV, None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/subjects", "dashboards", "Which subject drives each class's load", true, OK_JSON, None, READ),
    r(Get, "/schools/{school_id}/grades/{grade}/subjects.csv", "dashboards", "The subjects table as CSV", true, OK_CSV, None, READ),
    r(Get, "/schools/{school_id}/overview", "dashboards", "Every grade of a school at a glance", true, OK_JSON, None, READ),
    r(Get, "/schools/{school_id}/overview.csv", "dashboards", "The overview as CSV", true, OK_CSV, None, READ),
    r(Get, "/classes/{class_id}/plans", "plans", "A class's day plans in a range, oldest first", true, OK_LIST, None, READ),
    r(Get, "/classes/{class_id}/plans.csv", "plans", "A class's plans as CSV", true, OK_CSV, None, READ),
    r(Get, "/classes/{class_id}/plans/{date}", "plans", "A class's day plan (作业备案)", true, OK_JSON, None, READ),
    r(Post, "/classes/{class_id}/plans/{date}/review", "plans", "Approve or return a day over the limit", true, OK_JSON, None, &["400", "403", "404", "409", "413", "415", "422"]),
    r(Put, "/classes/{class_id}/plans/{date}/{subject}", "plans", "File a subject's homework for a day (replaces it; version checked)", true, OK_JSON, None, &["400", "403", "404", "409", "413", "415", "422"]),
    r(Get, "/classes/{class_id}/notice-links", "plans", "A class's public notice links", true, OK_LIST, None, READ),
    r(Post, "/classes/{class_id}/notice-links", "plans", "Create a public notice link (作业公示)", true, CREATED, None, READ),
    r(Delete, "/classes/{class_id}/notice-links/{link_id}", "plans", "Revoke a notice link", true, NO_CONTENT, None, READ),
    r(Get, "/public/notices/{token}", "plans", "A class's published homework, for parents: no log-in, no names of people", false, OK_JSON, None, &["400", "404"]),
    r(Post, "/cases", "cases", "Open a case from a flag that holds over a window", true, CREATED, None, &["400", "403", "404", "409", "413", "415", "422"]),
    r(Get, "/cases", "cases", "The cases the caller may see, newest first", true, OK_LIST, None, &["400", "403"]),
    r(Get, "/cases/{id}", "cases", "One case", true, OK_JSON, None, READ),
    r(Patch, "/cases/{id}", "cases", "Assign a case, set its due date", true, OK_JSON, None, &["400", "403", "404", "409", "413", "415", "422"]),
    r(Post, "/cases/{id}/actions", "cases", "Record what was done", true, CREATED, None, &["400", "403", "404", "409", "413", "415", "422"]),
    r(Post, "/cases/{id}/recheck", "cases", "Recheck the window after the latest action", true, OK_JSON, None, &["403", "404", "409", "422"]),
    r(Get, "/schools/{school_id}/grades/{grade}/cases-report", "cases", "A grade's cases of a period (the half-monthly report)", true, OK_JSON, None, READ),
    r(Post, "/spot-checks", "spot checks", "Draw classes at random for a date", true, CREATED, None, WRITE),
    r(Get, "/spot-checks", "spot checks", "The spot checks of a period", true, OK_LIST, None, &["400", "403"]),
    r(Get, "/spot-checks/{id}", "spot checks", "One spot check", true, OK_JSON, None, READ),
    r(Put, "/spot-checks/{id}/classes/{class_id}", "spot checks", "What the inspector found for a drawn class", true, OK_JSON, None, WRITE),
    r(Post, "/spot-checks/{id}/classes/{class_id}/case", "spot checks", "Open a case from a drawn class's discrepancy", true, CREATED, None, &["403", "404", "409", "422"]),
    r(Get, "/audit", "audit", "The audit log, newest first, in pages", true, OK_JSON, None, &["400", "403"]),
    r(Get, "/audit.csv", "audit", "The audit log as CSV", true, OK_CSV, None, &["400", "403"]),
    r(Get, "/districts/{district_id}/schools", "districts", "The district's schools with their active classes counted", true, OK_LIST, None, &["403", "404"]),
    r(Post, "/districts/{district_id}/schools", "districts", "Add a school to the district with its first admin", true, CREATED, None, WRITE),
    r(Get, "/districts/{district_id}/grades/{grade}/comparison", "districts", "A grade compared across the district's schools", true, OK_JSON, None, READ),
    r(Get, "/districts/{district_id}/grades/{grade}/comparison.csv", "districts", "The district comparison as CSV", true, OK_CSV, None, READ),
    r(Get, "/districts/{district_id}/coverage", "districts", "Which classes reported on a date, school by school", true, OK_JSON, None, READ),
    r(Get, "/districts/{district_id}/events", "districts", "Live report events for a wall screen", true, ("200", Body::EventStream), None, &["403", "404"]),
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

/// The schemas the operations name.
fn components() -> utoipa::openapi::Components {
    let problem = any_object()
        .property("code", string())
        .property("message", string())
        .property("row", integer())
        .property("column", string())
        .required("code")
        .required("message");
    let error = any_object()
        .property("code", string().description(Some("stable machine code")))
        .property("message", string().description(Some("a sentence for people")))
        .property("request_id", string().description(Some("the X-Request-Id of the answer")))
        .property("problems", ArrayBuilder::new().items(reference("Problem")))
        .required("code")
        .required("message")
        .required("request_id");
    let error_body = any_object().property("error", error).required("error");
    let entry = any_object()
        .property("subject", string())
        .property("minutes", integer().minimum(Some(0.0)))
        .required("subject")
        .required("minutes");
    let day_report_put = any_object()
        .property("entries", ArrayBuilder::new().items(reference("Entry")))
        .property("note", string())
        .property("version", integer().description(Some("the version read; absent: a new day")))
        .property("client_id", string())
        .required("entries");
    let day_report = any_object()
        .property("class_id", integer())
        .property("date", string().description(Some("YYYY-MM-DD")))
        .property("entries", ArrayBuilder::new().items(reference("Entry")))
        .property("total_minutes", integer())
        .property("note", string())
        .property("version", integer())
        .property("recorded_by", string())
        .property("updated_at", string())
        .property(
            "corrected_by",
            string().description(Some("who corrected the day, when a teacher or an admin did")),
        )
        .required("class_id")
        .required("date")
        .required("entries")
        .required("total_minutes")
        .required("note")
        .required("version");
    let stored = any_object()
        .property("report", reference("DayReport"))
        .property("flags", ArrayBuilder::new().items(any_object()))
        .required("report");
    let me = any_object()
        .property("id", integer())
        .property("username", string())
        .property("display_name", string())
        .property("role", string())
        .property("school_id", integer())
        .property("class_id", integer())
        .property("grade", integer())
        .property("today", string().description(Some("YYYY-MM-DD, the school's today")))
        .required("id")
        .required("username")
        .required("role")
        .required("school_id")
        .required("today");
    let login = any_object()
        .property("username", string())
        .property("password", string())
        .required("username")
        .required("password");
    let status = any_object().property("status", string()).required("status");
    ComponentsBuilder::new()
        .schema("ErrorBody", error_body)
        .schema("Problem", problem)
        .schema("Entry", entry)
        .schema("DayReportPut", day_report_put)
        .schema("DayReport", day_report)
        .schema("DayReportStored", stored)
        .schema("Me", me)
        .schema("Login", login)
        .schema("Status", status)
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
    }
}

/// The path's `{name}` parameters.
fn parameters(path: &str) -> Vec<utoipa::openapi::path::Parameter> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let schema = if name == "date" { string() } else { integer() };
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(schema))
                .build()
        })
        .collect()
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
        if let Some(schema) = route.request {
            let body = RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content("application/json", json_content(reference(schema)))
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
                .content("application/json", json_content(reference("ErrorBody")));
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
        .build()
}

/// The document, built once.
pub fn document() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| {
        serde_json::to_value(build()).unwrap_or_else(|e| json!({ "error": e.to_string() }))
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn serve() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "no-cache")], Json(document()))
}
