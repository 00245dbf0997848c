//! Group commit for a session's "last used" time. A request touches its session once in a while
//! (`auth`), and in a school's morning every tablet's first request does: on the one writer,
//! each touch in a transaction of its own would be a commit (an fsync) per request, taken in
//! turns with the day reports' batches. One task writes every touch waiting in one statement and
//! one commit instead, and answers each when it is on disk, as the single touch did.

use super::{shared_failure, store_error};
use crate::db::StoreResult;
use serde_json::{Value, json};
use sqlx::SqlitePool;
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// The most touches one statement takes.
const MAX_BATCH: usize = 1024;

/// A session to mark as used at `now`, and where to say that it is done.
pub(super) struct TouchJob {
    pub(super) token_hash: Vec<u8>,
    pub(super) now: i64,
    pub(super) reply: oneshot::Sender<StoreResult<()>>,
}

/// Writes every touch waiting, batch after batch, until the store is dropped.
pub(super) async fn write_touches(pool: SqlitePool, mut jobs: mpsc::Receiver<TouchJob>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let outcome = write_batch(&pool, &batch).await;
        for job in batch.drain(..) {
            let _ = job.reply.send(outcome.as_ref().map_err(shared_failure).copied());
        }
    }
}

async fn write_batch(pool: &SqlitePool, batch: &[TouchJob]) -> StoreResult<()> {
    // One row per session, at its latest use.
    let mut latest: HashMap<&[u8], i64> = HashMap::new();
    for job in batch {
        let at = latest.entry(&job.token_hash).or_insert(job.now);
        *at = (*at).max(job.now);
    }
    let rows: Vec<Value> = latest.iter().map(|(hash, now)| json!([hex(hash), now])).collect();
    sqlx::query(
        // Never back in time: of two requests at once, the later may be written first.
        "UPDATE sessions SET last_seen_at = max(last_seen_at, j.value->>1) FROM json_each(?) j \
         WHERE sessions.token_hash = unhex(j.value->>0)",
    )
    .bind(Value::Array(rows).to_string())
    .execute(pool)
    .await
    .map_err(store_error)?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestStore;
    use crate::db::{Accounts, Actor};

    /// Many touches at once, of several sessions and some of one session twice, each end up
    /// as that session's latest use (whichever was written first), and only that session's.
    #[tokio::test]
    async fn touches_at_once_each_record_their_sessions_latest_use() {
        let db = TestStore::new("touches").await;
        let (store, admin) = (&db.store, &db.admin);
        let tokens: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i; 32]).collect();
        for t in &tokens {
            store
                .create_session(t, admin.id, 1_000, 9_000, None, &Actor::system(None))
                .await
                .unwrap();
        }

        // Every session but the last is touched at 2000 + i, the even ones a second time
        // earlier; all at once.
        let mut touches = Vec::new();
        for (i, t) in tokens.iter().enumerate().take(39) {
            let times =
                if i % 2 == 0 { vec![2_000 + i as i64, 1_500] } else { vec![2_000 + i as i64] };
            for now in times {
                let (store, t) = (store.clone(), t.clone());
                touches.push(tokio::spawn(async move { store.touch_session(&t, now).await }));
            }
        }
        for touch in touches {
            touch.await.unwrap().unwrap();
        }

        for (i, t) in tokens.iter().enumerate() {
            let session = store.session(t, 3_000, 0).await.unwrap().unwrap();
            let expected = if i < 39 { 2_000 + i as i64 } else { 1_000 };
            assert_eq!(session.last_seen_at, expected, "session {i}");
        }
    }
}
