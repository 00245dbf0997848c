//! `loadgen hello`: the ceiling. A bare axum server on the same runtime as the real one, with
//! none of its layers, answering `GET /api/v1/health` with the same small JSON body. Every figure
//! of a benchmark is also given as a ratio to what this serves in the same run.

use axum::Router;
use axum::routing::get;

pub async fn serve(listen: &str) -> Result<(), String> {
    let app = Router::new()
        .route("/api/v1/health", get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // The same first line as the real server, so that scripts wait for either alike.
    println!("listening on http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}
