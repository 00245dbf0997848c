//! Checkpoints beside the writer. In WAL mode a commit appends the changed pages to the WAL and
//! flushes it; a checkpoint later copies them into the database file. By default the commit that
//! takes the WAL past 1,000 pages does that copy itself, and with a morning's batches of day
//! reports that was every other commit: 10–35 ms of a batch's 40–70 ms (measured), with every
//! request of the next batch waiting. Here a connection of its own, on a thread of its own, runs
//! a `PASSIVE` checkpoint whenever the WAL has grown, on the other core, and never makes the
//! writer wait (a passive checkpoint takes no lock a writer needs). The writer still checkpoints
//! itself if the WAL ever reaches [`super::WRITER_AUTOCHECKPOINT_PAGES`], so the WAL stays bounded
//! even if this falls behind or fails.
//!
//! Durability does not depend on it: a commit is on disk once its WAL frames are flushed, and a
//! crash at any point of a checkpoint is recovered from the WAL when the file is next opened.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::time::Duration;
use tokio::sync::oneshot;

/// How often the WAL is looked at.
const INTERVAL: Duration = Duration::from_millis(50);

/// Dropped with the store: the checkpoints stop and their connection closes.
pub(super) struct Stop(#[allow(dead_code)] oneshot::Sender<()>);

/// Opens the checkpoints' connection and starts them on a thread of their own.
pub(super) async fn start(options: SqliteConnectOptions) -> Result<Stop, String> {
    let (stop, mut stopped) = oneshot::channel::<()>();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the checkpoints' runtime: {e}"))?;
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            runtime.block_on(async move {
                let mut conn = None;
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        () = tokio::time::sleep(INTERVAL) => {}
                    }
                    if conn.is_none() {
                        conn = options.connect().await.ok();
                    }
                    if let Some(c) = conn.as_mut() {
                        if let Err(e) = checkpoint(c).await {
                            // A full or failing disk: the writer says so to every request; here
                            // it is enough to try again later on a fresh connection.
                            tracing::debug!(error = %e, "background checkpoint failed");
                            if let Some(c) = conn.take() {
                                let _ = c.close().await;
                            }
                        }
                    }
                }
                if let Some(c) = conn {
                    let _ = c.close().await;
                }
            });
        })
        .map_err(|e| format!("cannot start the checkpoints' thread: {e}"))?;
    Ok(Stop(stop))
}

/// One passive checkpoint: as many of the WAL's frames as no reader still needs.
async fn checkpoint(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let (_busy, _log, _done): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&mut *conn).await?;
    Ok(())
}
