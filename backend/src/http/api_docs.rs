//! `GET /api/v1/docs`: the interactive reference of the API, served by the server itself. Schools'
//! networks often have no internet, so nothing comes from elsewhere: the page is HTML written
//! here from the OpenAPI document ([`super::openapi::document`]), readable without JavaScript
//! (every operation with its parameters, bodies and answers; every schema with its properties),
//! and `GET /api/v1/docs.js`, a small script of ours, adds a filter and a "try it" form that
//! sends a request from the page (with the page's own session cookie) and shows the answer.
//!
//! The Content-Security-Policy allows scripts from the server only (no inline script), and inline
//! styles: hence the script in a file of its own and the style in the page.

use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use serde_json::Value;
use std::fmt::Write;
use std::sync::OnceLock;

use crate::AppState;

const SCRIPT: &str = include_str!("../../assets/api-docs.js");
const STYLE: &str = include_str!("../../assets/api-docs.css");

pub fn router() -> Router<AppState> {
    Router::new().route("/docs", get(page)).route("/docs.js", get(script))
}

async fn page() -> impl IntoResponse {
    static PAGE: OnceLock<String> = OnceLock::new();
    let html = PAGE.get_or_init(|| render(super::openapi::document()));
    ([(header::CACHE_CONTROL, "no-cache")], Html(html.as_str()))
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
}

/// `text` for HTML: text and attribute values alike.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The page of the document: operations grouped by tag, in the document's order, then schemas.
pub fn render(doc: &Value) -> String {
    let title = doc["info"]["title"].as_str().unwrap_or("API");
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} · reference</title><style>{STYLE}</style></head><body>\
         <header><h1>{t}</h1><p>OpenAPI {v}: <a href=\"openapi.json\">openapi.json</a>. {d}</p>\
         <input id=\"filter\" type=\"search\" placeholder=\"Filter: path, method, tag…\" \
         aria-label=\"Filter the operations\" hidden></header><main>",
        t = esc(title),
        v = esc(doc["openapi"].as_str().unwrap_or("")),
        d = esc(doc["info"]["description"].as_str().unwrap_or("")),
    );
    // Tags in order of first use.
    let mut ops: Vec<(String, &str, &str, &Value)> = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let tag = op["tags"][0].as_str().unwrap_or("other");
                ops.push((tag.to_owned(), method, path.as_str(), op));
            }
        }
    }
    // The document's order of tags first, then any other in order of first use.
    let mut tags: Vec<&str> =
        doc["tags"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
    for (tag, ..) in &ops {
        if !tags.contains(&tag.as_str()) {
            tags.push(tag);
        }
    }
    html.push_str("<nav><h2>Contents</h2><ul>");
    for tag in &tags {
        let _ =
            write!(html, "<li><a href=\"#tag-{a}\">{t}</a></li>", a = anchor(tag), t = esc(tag));
    }
    html.push_str("<li><a href=\"#schemas\">schemas</a></li></ul></nav>");
    for tag in &tags {
        let _ = write!(html, "<section id=\"tag-{}\"><h2>{}</h2>", anchor(tag), esc(tag));
        for (_, method, path, op) in ops.iter().filter(|(t, ..)| t == tag) {
            operation(&mut html, method, path, op);
        }
        html.push_str("</section>");
    }
    html.push_str("<section id=\"schemas\"><h2>Schemas</h2>");
    for (name, schema) in doc["components"]["schemas"].as_object().into_iter().flatten() {
        let _ = write!(
            html,
            "<article class=\"schema\" id=\"schema-{}\"><h3>{}</h3>",
            esc(name),
            esc(name)
        );
        describe(&mut html, schema);
        html.push_str("</article>");
    }
    html.push_str("</section></main><script src=\"docs.js\"></script></body></html>\n");
    html
}

fn anchor(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

fn operation(html: &mut String, method: &str, path: &str, op: &Value) {
    let locked = op.get("security").is_some();
    let _ = write!(
        html,
        "<details class=\"op\" data-method=\"{m}\" data-path=\"{p}\"><summary>\
         <span class=\"method {m}\">{mu}</span> <code class=\"path\">{p}</code> \
         <span class=\"summary\">{s}</span>{lock}</summary>",
        m = method,
        mu = method.to_uppercase(),
        p = esc(path),
        s = esc(op["summary"].as_str().unwrap_or("")),
        lock = if locked {
            " <span class=\"lock\" title=\"needs a session\">session</span>"
        } else {
            ""
        },
    );
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    if !params.is_empty() {
        html.push_str("<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th></tr>");
        for p in &params {
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(p["name"].as_str().unwrap_or("")),
                esc(p["in"].as_str().unwrap_or("")),
                type_of(&p["schema"]),
            );
        }
        html.push_str("</table>");
    }
    if let Some(content) = op["requestBody"]["content"].as_object() {
        html.push_str("<h4>Request body</h4><ul>");
        for (media, c) in content {
            let _ = write!(html, "<li>{}: {}</li>", esc(media), type_of(&c["schema"]));
        }
        html.push_str("</ul>");
    }
    html.push_str("<h4>Answers</h4><table><tr><th>status</th><th>meaning</th><th>body</th></tr>");
    for (status, answer) in op["responses"].as_object().into_iter().flatten() {
        let body = answer["content"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(media, c)| format!("{}: {}", esc(media), type_of(&c["schema"])))
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(status),
            esc(answer["description"].as_str().unwrap_or("")),
            if body.is_empty() { "none".into() } else { body },
        );
    }
    html.push_str("</table>");
    let body_media =
        op["requestBody"]["content"].as_object().and_then(|c| c.keys().next().cloned());
    let _ = write!(
        html,
        "<div class=\"try\" data-body=\"{}\"></div></details>",
        esc(body_media.as_deref().unwrap_or(""))
    );
}

/// A schema's type in a few words, with links to named schemas.
fn type_of(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{n}\">{n}</a>", n = esc(name));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema[key].as_array() {
            let sep = if key == "allOf" { " &amp; " } else { " | " };
            return list.iter().map(type_of).collect::<Vec<_>>().join(sep);
        }
    }
    let mut t = match &schema["type"] {
        Value::String(t) => esc(t),
        Value::Array(list) => {
            list.iter().filter_map(Value::as_str).map(esc).collect::<Vec<_>>().join(" | ")
        }
        _ => "any".into(),
    };
    if t.contains("array") {
        t = t.replace("array", &format!("array of {}", type_of(&schema["items"])));
    }
    if let Some(f) = schema["format"].as_str() {
        let _ = write!(t, " ({})", esc(f));
    }
    if let Some(values) = schema["enum"].as_array() {
        let shown: Vec<String> = values
            .iter()
            .map(|v| {
                format!(
                    "<code>{}</code>",
                    esc(v.as_str().map_or(v.to_string(), str::to_owned).as_str())
                )
            })
            .collect();
        let _ = write!(t, ": one of {}", shown.join(", "));
    }
    t
}

/// A schema's properties (name, type, required, description), or its variants.
fn describe(html: &mut String, schema: &Value) {
    if let Some(d) = schema["description"].as_str() {
        let _ = write!(html, "<p>{}</p>", esc(d));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema[key].as_array() {
            let _ =
                write!(html, "<p>{}:</p><ol>", if key == "allOf" { "all of" } else { "one of" });
            for item in list {
                html.push_str("<li>");
                if item.get("$ref").is_some() || item.get("properties").is_none() {
                    html.push_str(&type_of(item));
                }
                if item.get("properties").is_some() {
                    describe(html, item);
                }
                html.push_str("</li>");
            }
            html.push_str("</ol>");
        }
    }
    let Some(props) = schema["properties"].as_object() else {
        if schema.get("type").is_some() || schema.get("$ref").is_some() {
            let _ = write!(html, "<p>{}</p>", type_of(schema));
        }
        return;
    };
    let required: Vec<&str> =
        schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    html.push_str("<table><tr><th>property</th><th>type</th><th>description</th></tr>");
    for (name, p) in props {
        let _ = write!(
            html,
            "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            if required.contains(&name.as_str()) {
                " <span class=\"req\">required</span>"
            } else {
                ""
            },
            type_of(p),
            esc(p["description"].as_str().unwrap_or("")),
        );
    }
    html.push_str("</table>");
}
