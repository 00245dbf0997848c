//! The homework logger's server as a library, so that `main.rs` stays thin and the pieces can be
//! tested on their own: configuration, storage, authentication, the HTTP API and the demo school.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod auth;
pub mod bootstrap;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod demo_cases;
pub mod error;
pub mod http;
pub mod maintenance;
pub mod retention;
pub mod telemetry;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Cli;
use crate::db::Store;

/// What every handler can reach: the store and the settings.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
}

/// Settings fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub static_dir: PathBuf,
    pub session_idle_seconds: i64,
    pub session_max_seconds: i64,
    /// Mark the session cookie `Secure` on every response.
    pub cookie_secure: bool,
    /// Believe `X-Forwarded-For` for the client's address (behind a proxy of our own).
    pub trust_proxy_headers: bool,
}

impl Settings {
    pub fn from_cli(cli: &Cli) -> Self {
        Settings {
            static_dir: cli.static_dir.clone(),
            session_idle_seconds: cli
                .session_idle_seconds
                .unwrap_or(cli.session_idle_hours * 3600)
                .max(1),
            session_max_seconds: cli
                .session_max_seconds
                .unwrap_or(cli.session_max_days * 86_400)
                .max(1),
            cookie_secure: cli.cookie_secure,
            trust_proxy_headers: cli.trust_proxy_headers,
        }
    }
}

/// Opens the database, sets up what the command line asks for, and serves until SIGTERM or
/// Ctrl-C. Prints `listening on http://ADDR` as the first line on stdout once it accepts
/// connections (tests and scripts wait for it).
pub async fn serve(cli: Cli) -> Result<(), String> {
    let store = db::connect(&cli.database_url()).await?;
    bootstrap::first_start(store.as_ref(), &cli).await?;
    let demo_accounts = if cli.demo { Some(demo::load(store.as_ref()).await?) } else { None };
    // Old reports go before the first request is served, so nobody reads what is past keeping.
    if let Err(e) = retention::purge_all(store.as_ref()).await {
        tracing::error!(error = %e, "retention purge at start failed; the daily run will retry");
    }

    let listener = tokio::net::TcpListener::bind(&cli.listen_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cli.listen_addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://{addr}");
    if let Some(metrics_addr) = &cli.metrics_addr {
        let at = telemetry::start(metrics_addr, store.clone()).await?;
        println!("metrics on http://{at}/metrics");
    }
    if let Some(accounts) = demo_accounts {
        println!("{accounts}");
    }
    if !cli.static_dir.join("index.html").is_file() {
        tracing::warn!(dir = %cli.static_dir.display(), "the web app is not built (run `cargo xtask dist`); serving the API only");
    }

    tokio::spawn(retention::run_daily(store.clone()));
    tokio::spawn(http::cases::run_mornings(
        store.clone(),
        std::time::Duration::from_secs(cli.case_recheck_every_seconds.max(1)),
    ));
    let state = AppState { store, settings: Arc::new(Settings::from_cli(&cli)) };
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let (stopping_tx, mut stopping) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = stopping_tx.send(true);
    });
    // Requests in flight get SHUTDOWN_GRACE to finish; then the process stops regardless, so a
    // stuck client cannot hold a deployment up.
    let deadline = async {
        let _ = stopping.wait_for(|s| *s).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = async { server.await } => result.map_err(|e| e.to_string())?,
        () = deadline => tracing::warn!("requests still running after {SHUTDOWN_GRACE:?}; stopping anyway"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// How long requests in flight may take to finish after SIGTERM.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Resolves on Ctrl-C or SIGTERM: requests in flight finish, new connections are refused.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
