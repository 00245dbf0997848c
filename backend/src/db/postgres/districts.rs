//! Districts in PostgreSQL: the shared implementation ([`crate::db::districts`]), with reads
//! that see one state of the database in a repeatable-read snapshot, and the live events
//! across every copy of the server (NOTIFY and LISTEN).

use super::*;
use crate::db::districts::{
    DistrictEvent, EVENT_CHANNEL, NOTIFY_BATCH, SCHOOL_DISTRICT, next_batch,
};
use shared::district::ReportEvent;
use sqlx::postgres::PgListener;
use std::sync::Arc;
use tokio::sync::broadcast;

/// A read-only transaction whose reads all see one state of the database.
async fn snapshot(pool: &PgPool) -> StoreResult<sqlx::Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await.map_err(store_error)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
    Ok(tx)
}

crate::db::districts::districts_impl!(
    PgStore,
    read = |s| &s.pool,
    begin = |s| async { s.pool.begin().await.map_err(store_error) },
    snapshot = |s| snapshot(&s.pool),
    insert_school = "INSERT INTO schools (name, policy, created_at, district_id) \
        VALUES ($1, $2::jsonb, $3, $4) RETURNING id, name, utc_offset_minutes",
    events = {
        fn publish_report(&self, event: ReportEvent) {
            let events = Arc::clone(&self.events);
            let pool = self.pool.clone();
            self.events.publish(event, move |mut queue| {
                tokio::spawn(async move {
                    while let Some(batch) = next_batch(&mut queue).await {
                        let mut payloads = Vec::with_capacity(batch.len());
                        for report in batch {
                            let school = report.school_id;
                            let lookup =
                                sqlx::query_scalar(SCHOOL_DISTRICT).bind(school).fetch_optional(&pool);
                            let district = events.district_of(school, lookup).await;
                            if let Some(district_id) = district {
                                let event = DistrictEvent { district_id, report };
                                if let Ok(text) = serde_json::to_string(&event) {
                                    payloads.push(text);
                                }
                            }
                        }
                        if payloads.is_empty() {
                            continue;
                        }
                        if let Err(e) = sqlx::query(NOTIFY_BATCH).bind(&payloads).execute(&pool).await {
                            tracing::warn!(error = %e, n = payloads.len(), "report events were dropped: pg_notify failed");
                        }
                    }
                });
            });
        }

        async fn subscribe_reports(&self) -> StoreResult<broadcast::Receiver<DistrictEvent>> {
            let events = &self.events;
            events
                .listening
                .get_or_try_init(|| async {
                    let mut listener =
                        PgListener::connect_with(&self.pool).await.map_err(store_error)?;
                    listener.listen(EVENT_CHANNEL).await.map_err(store_error)?;
                    let screens = events.sender();
                    tokio::spawn(async move {
                        loop {
                            // `recv` reconnects (and listens again) by itself after a lost
                            // connection; events sent meanwhile are lost, as a screen's own
                            // reconnection would lose them.
                            match listener.recv().await {
                                Ok(n) => match serde_json::from_str::<DistrictEvent>(n.payload()) {
                                    Ok(event) => {
                                        let _ = screens.send(event);
                                    }
                                    Err(e) => tracing::warn!(error = %e, "an unreadable report event"),
                                },
                                Err(e) => {
                                    tracing::warn!(error = %e, "listening for report events failed; retrying");
                                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                                }
                            }
                        }
                    });
                    Ok::<(), StoreError>(())
                })
                .await?;
            Ok(events.subscribe())
        }
    }
);
