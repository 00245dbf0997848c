//! A thin HTTP client for `/api/v1`: one [`Api`] per person (it keeps their session cookie), and
//! a [`Response`] that holds everything a test may want to look at, already read.

use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "hw_session";

/// One user's view of the server: a client with its own cookie jar.
#[derive(Clone)]
pub struct Api {
    base_url: String,
    client: reqwest::Client,
}

/// An answer, read to the end: status, headers, the body as text and as JSON (`Null` when the
/// body is empty or not JSON).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
    /// `METHOD path`, for assertion messages.
    pub request: String,
}

impl Api {
    /// A client with an empty cookie jar.
    pub fn new(base_url: &str) -> Api {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("cannot build an HTTP client");
        Api { base_url: base_url.trim_end_matches('/').to_owned(), client }
    }

    /// The same person (same cookie jar) talking to a server at another address, e.g. the
    /// same database served again after a restart. Cookies are per host, not per port.
    pub fn at(&self, base_url: &str) -> Api {
        Api { base_url: base_url.trim_end_matches('/').to_owned(), client: self.client.clone() }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `path` is either absolute (`/api/v1/me`) or relative to `/api/v1` (`me`).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{path}", self.base_url)
        } else {
            format!("{}/api/v1/{path}", self.base_url)
        }
    }

    /// A request to build by hand (odd headers, raw bodies); send it with [`Api::send`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// Sends a hand-built request and reads the whole answer.
    pub async fn send(&self, request: RequestBuilder) -> Response {
        let built = request.build().expect("cannot build the request");
        let label = format!("{} {}", built.method(), built.url().path());
        let label = match built.url().query() {
            Some(q) => format!("{label}?{q}"),
            None => label,
        };
        // A GET is tried once more if it got no answer: a kept-alive connection the server
        // closed as idle just as the request went out on it fails the request without its
        // reaching the server (hyper retries that only for some of the ways it can happen).
        let again = (built.method() == Method::GET).then(|| built.try_clone()).flatten();
        let answer = match (self.client.execute(built).await, again) {
            (Ok(answer), _) => Ok(answer),
            (Err(_), Some(again)) => self.client.execute(again).await,
            (Err(e), None) => Err(e),
        };
        let answer = answer.unwrap_or_else(|e| panic!("{label}: no answer from the server: {e}"));
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        let text =
            answer.text().await.unwrap_or_else(|e| panic!("{label}: cannot read the body: {e}"));
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Response { status, headers, text, json, request: label }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.send(self.request(Method::PUT, path).json(body)).await
    }

    /// A POST with no body at all (logout).
    pub async fn post_empty(&self, path: &str) -> Response {
        self.send(self.request(Method::POST, path)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.send(self.request(Method::PATCH, path).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// A `multipart/form-data` POST of one file field `file` holding `bytes` as they are (no
    /// re-encoding, so a test can send a byte-order mark, CRLF or bytes that are not UTF-8).
    pub async fn upload(&self, path: &str, filename: &str, bytes: &[u8]) -> Response {
        let (content_type, body) = multipart_file(filename, bytes);
        self.send(self.request(Method::POST, path).header("content-type", content_type).body(body))
            .await
    }

    /// `POST /api/v1/auth/login`; the session cookie, if any, lands in this client's jar.
    pub async fn login(&self, username: &str, password: &str) -> Response {
        let body = serde_json::json!({ "username": username, "password": password });
        self.post("auth/login", &body).await
    }

    pub async fn logout(&self) -> Response {
        self.post_empty("auth/logout").await
    }

    /// `GET /api/v1/me`, which must succeed.
    pub async fn me(&self) -> Value {
        self.get("me").await.expect_status(200, "GET /me").json
    }

    /// The school's today, as the server says it (never the test machine's clock).
    pub async fn today(&self) -> chrono::NaiveDate {
        let me = self.me().await;
        let today = me["today"].as_str().unwrap_or_else(|| panic!("GET /me has no `today`: {me}"));
        today.parse().unwrap_or_else(|e| panic!("GET /me: today {today:?} is not YYYY-MM-DD: {e}"))
    }
}

/// The `Content-Type` and body of a multipart form with one file field named `file`.
pub fn multipart_file(filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "----homework-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

impl Response {
    /// The `hw_session=…` cookie this answer set, with its attributes, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.header_all("set-cookie")
            .into_iter()
            .find(|c| c.starts_with(&format!("{SESSION_COOKIE}=")))
    }

    /// The value of the session cookie this answer set (what a browser sends back), if any.
    pub fn session_token(&self) -> Option<String> {
        let cookie = self.session_cookie()?;
        let pair = cookie.split(';').next()?;
        Some(pair.trim()[SESSION_COOKIE.len() + 1..].to_owned())
    }

    /// The error code of an error body (`{"error": {"code": …}}`).
    pub fn code(&self) -> Option<&str> {
        self.json["error"]["code"].as_str()
    }

    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header (e.g. `set-cookie`).
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// The body with its error's `request_id` taken out, byte for byte as it was otherwise: two
    /// answers that must not be told apart (a wrong password, an unknown user) differ only in
    /// the id of their request.
    pub fn text_without_request_id(&self) -> String {
        let key = ",\"request_id\":\"";
        let Some(start) = self.text.find(key) else {
            return self.text.clone();
        };
        let value = &self.text[start + key.len()..];
        let end = value.find('"').map_or(self.text.len(), |i| start + key.len() + i + 1);
        format!("{}{}", &self.text[..start], &self.text[end..])
    }

    /// Asserts the status, showing the whole answer if it is not the one expected.
    #[track_caller]
    pub fn expect_status(self, status: u16, what: &str) -> Response {
        assert_eq!(
            self.status, status,
            "{what}: {} answered {} with body {}",
            self.request, self.status, self.text
        );
        self
    }

    /// Asserts an error answer: the status, the code, a human message, and for a 422 the
    /// `problems` list naming the same code.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str) -> Response {
        assert_eq!(
            (self.status, self.code()),
            (status, Some(code)),
            "{}: expected {status} `{code}`, got {} with body {}",
            self.request,
            self.status,
            self.text
        );
        let message = self.json["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.trim().is_empty(),
            "{}: the {status} `{code}` has no human message: {}",
            self.request,
            self.text
        );
        self
    }

    /// Like [`Response::expect_error`] for a 422 validation error, also asserting that
    /// `problems`, where present, lists the code.
    #[track_caller]
    pub fn expect_invalid(self, code: &str) -> Response {
        let response = self.expect_error(422, code);
        let codes = response.problem_codes();
        assert!(
            response.json["error"].get("problems").is_none() || codes.iter().any(|c| c == code),
            "{}: 422 `{code}` whose `problems` do not list it: {}",
            response.request,
            response.text
        );
        response
    }

    /// The codes of `error.problems`, in order.
    pub fn problem_codes(&self) -> Vec<String> {
        self.json["error"]["problems"]
            .as_array()
            .map(|ps| ps.iter().filter_map(|p| p["code"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }
}
