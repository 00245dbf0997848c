//! Retention: each school's day reports older than its policy's `retention_days` are deleted,
//! at start-up (before the server listens) and then daily, and each purge is recorded in the
//! audit log.

use std::sync::Arc;
use std::time::Duration;

use chrono::Days;

use crate::clock::today_in;
use crate::db::{Actor, Store, StoreResult};

const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Purges every school that asks for it; how many reports went in all.
pub async fn purge_all(store: &dyn Store) -> StoreResult<u64> {
    let mut total = 0;
    for school in store.schools().await? {
        let policy = store.policy(school.id).await?;
        let Some(days) = policy.retention_days else { continue };
        let Some(before) = today_in(&school).checked_sub_days(Days::new(u64::from(days))) else {
            continue;
        };
        let actor = Actor { username: "retention".into(), ..Actor::system(Some(school.id)) };
        let purged = store.purge_reports(school.id, before, &actor).await?;
        if purged > 0 {
            tracing::info!(school = school.id, %before, purged, "old day reports deleted");
        }
        total += purged;
    }
    Ok(total)
}

/// Runs [`purge_all`] once a day (the start-up run is [`crate::serve`]'s), for as long as the
/// server runs.
pub async fn run_daily(store: Arc<dyn Store>) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
    loop {
        tick.tick().await;
        if let Err(e) = purge_all(store.as_ref()).await {
            tracing::error!(error = %e, "retention purge failed; will try again tomorrow");
        }
    }
}
