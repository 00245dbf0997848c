//! `GET /api/v1/ready`: readiness, for load balancers and orchestrators. `/api/v1/health` says
//! the process answers (liveness, no database); this says whether it can do its work now: the
//! database takes a write ([`crate::db::health::Health::ready`]). While it cannot (a read-only
//! or full disk, a PostgreSQL standby or one that does not answer), `503 storage_unavailable`,
//! so that a balancer sends the requests to a copy that can store them.

use crate::AppState;
use crate::error::{AppError, AppResult};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::time::Duration;

/// How long the probe may wait for the database (SQLite's write lock, a pool connection) before
/// it says not ready; below a balancer's usual check timeout.
const READY_TIMEOUT: Duration = Duration::from_secs(3);

pub fn router() -> Router<AppState> {
    Router::new().route("/ready", get(ready))
}

async fn ready(State(state): State<AppState>) -> AppResult<Json<Value>> {
    match tokio::time::timeout(READY_TIMEOUT, state.store.ready()).await {
        Ok(Ok(())) => Ok(Json(json!({ "status": "ready" }))),
        Ok(Err(e)) => Err(e.into()),
        Err(_) => {
            tracing::warn!("readiness: the database did not answer within {READY_TIMEOUT:?}");
            Err(AppError::Unavailable)
        }
    }
}
