//! A lean HTTP/1.1 client: one keep-alive connection per worker (hyper's connection API, no pool,
//! no TLS), so that the load generator spends as little of the shared CPU as it can.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpStream;

/// Where the server listens, from `http://HOST:PORT`.
#[derive(Debug, Clone)]
pub struct Target {
    pub addr: SocketAddr,
    pub host: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, String> {
        let host = url.strip_prefix("http://").ok_or("--url must start with http://")?;
        let host = host.trim_end_matches('/').to_owned();
        let addr = std::net::ToSocketAddrs::to_socket_addrs(&host)
            .map_err(|e| format!("{host}: {e}"))?
            .next()
            .ok_or_else(|| format!("{host}: no address"))?;
        Ok(Target { addr, host })
    }
}

/// A request to send: what the scenarios make.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    pub path: String,
    /// The session token for the `hw_session` cookie.
    pub token: Option<Arc<str>>,
    pub body: Option<String>,
}

/// One open connection.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
    host: String,
}

impl Connection {
    pub async fn open(target: &Target) -> Result<Connection, String> {
        let stream = TcpStream::connect(target.addr).await.map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        Ok(Connection { sender, host: target.host.clone() })
    }

    /// Sends a request and reads the whole answer; its status.
    pub async fn send(&mut self, call: &Call) -> Result<u16, String> {
        let mut request = Request::builder()
            .method(call.method.clone())
            .uri(&call.path)
            .header(hyper::header::HOST, &self.host);
        if let Some(token) = &call.token {
            request = request.header(hyper::header::COOKIE, format!("hw_session={token}"));
        }
        let body = match &call.body {
            Some(b) => {
                request = request.header(hyper::header::CONTENT_TYPE, "application/json");
                Full::new(Bytes::from(b.clone()))
            }
            None => Full::new(Bytes::new()),
        };
        let request = request.body(body).map_err(|e| e.to_string())?;
        self.sender.ready().await.map_err(|e| e.to_string())?;
        let response = self.sender.send_request(request).await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        response.into_body().collect().await.map_err(|e| e.to_string())?;
        Ok(status)
    }
}
