//! Group commit on PostgreSQL: day reports (and sessions' use) that arrive together are written
//! together, in one transaction and a handful of statements whatever their number, as the SQLite
//! writer does ([`crate::db::sqlite`]'s `writer`).
//!
//! A few writer tasks share one queue. Each takes every job waiting (up to [`MAX_BATCH`]) and
//! writes it as one transaction:
//!
//! 1. the classes' turns, in the order of their ids (`FOR NO KEY UPDATE` … `ORDER BY id`): two
//!    batches that share classes, of this server or of another copy on the same database, wait
//!    for one another class by class in the same order, so they cannot deadlock on them;
//! 2. the batch's days as they stand, with what was acknowledged for the batch's client ids
//!    (one query, the days and client ids bound as arrays);
//! 3. in memory, each report in the order it arrived: a resend is answered with its first
//!    answer, a stale version is refused, the rest becomes the day's next version (a report of
//!    the same day later in the batch builds on it, as if written after it);
//! 4. one statement for every write (`UNNEST` of arrays bound once): each day's last version
//!    upserted, its entries (those of dropped subjects deleted, the others upserted), every
//!    client id's answer, every audit entry;
//! 5. the sessions' use, if any, in one statement; then `COMMIT`.
//!
//! Only after the commit is each request answered (`synchronous_commit` on: the WAL is
//! flushed), so an acknowledged write is on disk. A deadlock or serialization failure (with a
//! write that locks rows in another order, such as a roster import) retries the whole batch from
//! its reads. Any other failure before the commit undoes the batch, which is then written again
//! one report at a time, each in a transaction of its own (the path a lone report took before):
//! the report that fails fails alone, the others are kept, in their order. A failed `COMMIT` is
//! not retried (it may have been kept): every request of the batch is told, as before.

use super::*;
use crate::db::rows::{ReportRow, next_report};
use crate::db::{ReportWrite, WriteOutcome};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

/// The most jobs one transaction takes; a larger backlog waits for the next batch.
const MAX_BATCH: usize = 512;
/// Writer tasks: while one commits, another gathers and writes the next batch.
const WRITERS: usize = 2;
/// How often a batch that deadlocked (or failed to serialize) is tried again from its reads.
const ATTEMPTS: usize = 4;

/// A write waiting for a writer, and where to send what became of it.
// A report's job is large (its write and actor) and a session's small; boxing the report would
// add an allocation to every report, and jobs live only in the queue.
#[allow(clippy::large_enum_variant)]
pub(super) enum Job {
    Report {
        write: ReportWrite,
        actor: Actor,
        reply: oneshot::Sender<StoreResult<WriteOutcome>>,
    },
    /// A session used at `now` (its `last_seen_at` never goes back in time).
    Touch {
        token_hash: Vec<u8>,
        now: i64,
        reply: oneshot::Sender<StoreResult<()>>,
    },
}

/// Starts the writer tasks on the current runtime; they stop when every sender is dropped.
pub(super) fn start(pool: PgPool) -> mpsc::Sender<Job> {
    let (jobs, rx) = mpsc::channel(4 * 1024);
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..WRITERS {
        let (pool, rx) = (pool.clone(), rx.clone());
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(MAX_BATCH);
            loop {
                {
                    // One writer gathers at a time; the others write meanwhile.
                    let mut rx = rx.lock().await;
                    let Some(job) = rx.recv().await else { return };
                    batch.push(job);
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                }
                write_batch(&pool, &mut batch).await;
            }
        });
    }
    jobs
}

/// Why a batch's transaction was not committed.
enum Failed {
    /// A deadlock or serialization failure: the batch may be written again from its reads.
    Retry(StoreError),
    /// Something failed before the commit: nothing was kept, each report may be written alone.
    BeforeCommit(StoreError),
    /// The commit failed: the batch may or may not have been kept.
    Commit(StoreError),
}

fn sorted(e: sqlx::Error) -> Failed {
    let retry = matches!(&e, sqlx::Error::Database(db)
        if matches!(db.code().as_deref(), Some("40001" | "40P01")));
    let e = store_error(e);
    if retry { Failed::Retry(e) } else { Failed::BeforeCommit(e) }
}

fn shared_failure(e: &StoreError) -> StoreError {
    match e {
        StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
        other => StoreError::Internal(other.to_string()),
    }
}

/// Writes a batch and answers every job of it.
async fn write_batch(pool: &PgPool, batch: &mut Vec<Job>) {
    let started = std::time::Instant::now();
    let mut result = Err(Failed::Retry(StoreError::Internal("not tried".into())));
    for _ in 0..ATTEMPTS {
        result = write_together(pool, batch).await;
        if !matches!(result, Err(Failed::Retry(_))) {
            break;
        }
    }
    crate::telemetry::writer_batch(batch.len(), started.elapsed(), result.is_ok());
    match result {
        Ok(outcomes) => {
            for (job, outcome) in batch.drain(..).zip(outcomes) {
                job.answer(outcome);
            }
        }
        Err(Failed::Commit(e)) => {
            tracing::warn!(error = %e, writes = batch.len(), "a batch's commit failed");
            for job in batch.drain(..) {
                job.answer(Outcome::Failed(shared_failure(&e)));
            }
        }
        Err(Failed::Retry(e) | Failed::BeforeCommit(e)) => {
            if batch.len() > 1 {
                tracing::info!(error = %e, writes = batch.len(), "a batch failed; writing it one by one");
            }
            for job in batch.drain(..) {
                let outcome = match &job {
                    Job::Report { write, actor, .. } => {
                        Outcome::Report(write_alone(pool, write.clone(), actor).await)
                    }
                    Job::Touch { token_hash, now, .. } => {
                        Outcome::Touch(touch_alone(pool, token_hash, *now).await)
                    }
                };
                job.answer(outcome);
            }
        }
    }
}

/// One report in a transaction of its own, tried again after a deadlock.
async fn write_alone(
    pool: &PgPool,
    write: ReportWrite,
    actor: &Actor,
) -> StoreResult<WriteOutcome> {
    let mut last = None;
    for _ in 0..ATTEMPTS {
        let written = async {
            let mut tx = pool.begin().await.map_err(sorted)?;
            let outcome = super::reports::put_report_in(&mut tx, write.clone(), actor)
                .await
                .map_err(Failed::BeforeCommit)?;
            tx.commit().await.map_err(|e| Failed::Commit(store_error(e)))?;
            Ok::<_, Failed>(outcome)
        };
        match written.await {
            Ok(outcome) => return Ok(outcome),
            Err(Failed::Retry(e)) => last = Some(e),
            Err(Failed::BeforeCommit(e) | Failed::Commit(e)) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| StoreError::Internal("not tried".into())))
}

async fn touch_alone(pool: &PgPool, token_hash: &[u8], now: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $1) WHERE token_hash = $2",
    )
    .bind(now)
    .bind(token_hash)
    .execute(pool)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// What became of one job, before its answer is sent.
enum Outcome {
    Report(StoreResult<WriteOutcome>),
    Touch(StoreResult<()>),
    Failed(StoreError),
}

impl Job {
    fn answer(self, outcome: Outcome) {
        let _ = match (self, outcome) {
            (Job::Report { reply, .. }, Outcome::Report(o)) => reply.send(o).ok(),
            (Job::Touch { reply, .. }, Outcome::Touch(o)) => reply.send(o).ok(),
            (Job::Report { reply, .. }, Outcome::Failed(e)) => reply.send(Err(e)).ok(),
            (Job::Touch { reply, .. }, Outcome::Failed(e)) => reply.send(Err(e)).ok(),
            _ => unreachable!("outcomes follow their jobs"),
        };
    }
}

/// A day of the batch as it stands, with what was acknowledged for the batch's client ids on it.
#[derive(sqlx::FromRow)]
struct BatchDayRow {
    #[sqlx(flatten)]
    report: ReportRow,
    /// `{client id: answer}` of the batch's client ids acknowledged for this day.
    replayed: Option<String>,
}

/// The batch's days as they stand (ordered by day, then entry), each with the answers of the
/// batch's client ids acknowledged for it (a client id belongs to its day's report).
const BATCH_DAYS: &str = "WITH d AS ( \
    SELECT r.*, (SELECT jsonb_object_agg(w.client_id, w.report)::text FROM client_writes w \
        WHERE w.report_id = r.id AND w.client_id = ANY ($3::text[])) AS replayed \
    FROM UNNEST($1::int8[], $2::date[]) AS k (class_id, date) \
    JOIN day_reports r ON r.class_id = k.class_id AND r.date = k.date \
) \
SELECT r.id, r.class_id, r.date, r.total_minutes, r.note, r.version, r.recorded_by, \
    r.updated_at, e.subject, e.minutes, r.replayed \
FROM d r LEFT JOIN report_entries e ON e.report_id = r.id ORDER BY r.id, e.position";

/// Every write of a batch in one statement. Each day's last version ($1–$7), the entries of
/// those days ($8–$12: day, position, subject, minutes; a day's subjects no longer in it
/// deleted, the others upserted: the two touch different rows), the client ids' answers
/// ($13–$17), the audit entries in the order of their reports ($18 their times, the callers', $19–$25).
const WRITE_DAYS: &str = "WITH day AS ( \
    INSERT INTO day_reports (class_id, date, total_minutes, note, version, recorded_by, updated_at) \
    SELECT * FROM UNNEST($1::int8[], $2::date[], $3::int4[], $4::text[], $5::int8[], $6::text[], $7::text[]) \
    ON CONFLICT ON CONSTRAINT day_reports_class_date DO UPDATE SET \
    total_minutes = EXCLUDED.total_minutes, note = EXCLUDED.note, version = EXCLUDED.version, \
    recorded_by = EXCLUDED.recorded_by, updated_at = EXCLUDED.updated_at \
    RETURNING id, class_id, date \
), new_entries AS MATERIALIZED ( \
    SELECT * FROM UNNEST($8::int8[], $9::date[], $10::int4[], $11::text[], $12::int4[]) \
    AS n (class_id, date, position, subject, minutes) \
), stale AS ( \
    DELETE FROM report_entries e USING day WHERE e.report_id = day.id AND NOT EXISTS ( \
        SELECT 1 FROM new_entries n WHERE n.class_id = day.class_id AND n.date = day.date \
        AND n.subject = e.subject) \
), entries AS ( \
    INSERT INTO report_entries (report_id, position, subject, minutes) \
    SELECT day.id, n.position, n.subject, n.minutes FROM new_entries n \
    JOIN day ON day.class_id = n.class_id AND day.date = n.date \
    ON CONFLICT (report_id, subject) DO UPDATE SET \
    position = EXCLUDED.position, minutes = EXCLUDED.minutes \
), client AS ( \
    INSERT INTO client_writes (report_id, client_id, report, created_at) \
    SELECT day.id, c.client_id, c.report::jsonb, c.created_at \
    FROM UNNEST($13::int8[], $14::date[], $15::text[], $16::text[], $17::text[]) \
    AS c (class_id, date, client_id, report, created_at) \
    JOIN day ON day.class_id = c.class_id AND day.date = c.date \
) \
INSERT INTO audit_log (at, school_id, actor_id, actor, address, action, target, before, after) \
SELECT a.at, a.school_id, a.actor_id, a.actor, a.address, 'report.put', a.target, \
    a.before::jsonb, a.after::jsonb \
FROM UNNEST($18::text[], $19::int8[], $20::int8[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[]) \
    WITH ORDINALITY AS a (at, school_id, actor_id, actor, address, target, before, after, i) \
ORDER BY a.i";

/// The arrays of [`WRITE_DAYS`], one vector a column.
#[derive(Default)]
struct Writes {
    day_class: Vec<ClassId>,
    day_date: Vec<NaiveDate>,
    day_total: Vec<i32>,
    day_note: Vec<String>,
    day_version: Vec<i64>,
    day_by: Vec<String>,
    day_at: Vec<String>,
    entry_class: Vec<ClassId>,
    entry_date: Vec<NaiveDate>,
    entry_position: Vec<i32>,
    entry_subject: Vec<String>,
    entry_minutes: Vec<i32>,
    client_class: Vec<ClassId>,
    client_date: Vec<NaiveDate>,
    client_id: Vec<String>,
    client_report: Vec<String>,
    client_at: Vec<String>,
    audit_at: Vec<String>,
    audit_school: Vec<Option<SchoolId>>,
    audit_actor_id: Vec<Option<UserId>>,
    audit_actor: Vec<String>,
    audit_address: Vec<String>,
    audit_target: Vec<String>,
    audit_before: Vec<Option<String>>,
    audit_after: Vec<String>,
}

/// Writes a batch in one transaction: what became of each job, in its order.
async fn write_together(pool: &PgPool, batch: &[Job]) -> Result<Vec<Outcome>, Failed> {
    let mut tx = pool.begin().await.map_err(sorted)?;

    // The days the batch writes, and their classes' turns in the order of their ids.
    let mut days: Vec<(ClassId, NaiveDate)> = Vec::new();
    let mut client_ids: Vec<&str> = Vec::new();
    for job in batch {
        if let Job::Report { write, .. } = job {
            days.push((write.class_id, write.date));
            client_ids.extend(write.client_id.as_deref());
        }
    }
    days.sort_unstable();
    days.dedup();
    if !days.is_empty() {
        let mut classes: Vec<ClassId> = days.iter().map(|d| d.0).collect();
        classes.dedup();
        sqlx::query("SELECT id FROM classes WHERE id = ANY ($1) ORDER BY id FOR NO KEY UPDATE")
            .bind(&classes)
            .execute(&mut *tx)
            .await
            .map_err(sorted)?;
    }

    // Those days as they stand, and the batch's client ids already answered on them.
    let mut current: HashMap<(ClassId, NaiveDate), DayReport> = HashMap::new();
    let mut replays: HashMap<(ClassId, NaiveDate, String), DayReport> = HashMap::new();
    if !days.is_empty() {
        let (day_class, day_date): (Vec<ClassId>, Vec<NaiveDate>) = days.iter().copied().unzip();
        let rows: Vec<BatchDayRow> = sqlx::query_as(BATCH_DAYS)
            .bind(&day_class)
            .bind(&day_date)
            .bind(&client_ids)
            .fetch_all(&mut *tx)
            .await
            .map_err(sorted)?;
        let mut answers: Vec<String> = Vec::new();
        let mut reports = Vec::with_capacity(rows.len());
        for row in rows {
            // The same text on every entry row of a day: kept once, with the day's first row.
            if let Some(json) = row.replayed {
                if answers.last() != Some(&json) {
                    answers.push(json);
                }
            }
            reports.push(row.report);
        }
        let reports = reports_from_rows(reports).map_err(Failed::BeforeCommit)?;
        for json in answers {
            let map: HashMap<String, DayReport> =
                serde_json::from_str(&json).map_err(|e| Failed::BeforeCommit(corrupt(e)))?;
            for (client_id, report) in map {
                replays.insert((report.class_id, report.date, client_id), report);
            }
        }
        for report in reports {
            current.insert((report.class_id, report.date), report);
        }
    }

    // Each report in its order, against the day as the reports before it left it.
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut w = Writes::default();
    let mut last: HashMap<(ClassId, NaiveDate), DayReport> = HashMap::new();
    let mut touches: Vec<(&[u8], i64)> = Vec::new();
    for job in batch {
        let (write, actor) = match job {
            Job::Report { write, actor, .. } => (write, actor),
            Job::Touch { token_hash, now, .. } => {
                touches.push((token_hash, *now));
                outcomes.push(Outcome::Touch(Ok(())));
                continue;
            }
        };
        let key = (write.class_id, write.date);
        if let Some(client_id) = &write.client_id {
            if let Some(report) = replays.get(&(key.0, key.1, client_id.clone())) {
                outcomes.push(Outcome::Report(Ok(WriteOutcome::Replayed(report.clone()))));
                continue;
            }
        }
        // The report is answered as it is stored, a U+0000 in its note replaced ([`pg_text`]).
        let mut write = write.clone();
        write.note = pg_text(&write.note).into_owned();
        let before = current.get(&key);
        let Some(report) = next_report(&write, before) else {
            outcomes.push(Outcome::Report(Ok(WriteOutcome::Conflict(before.cloned()))));
            continue;
        };
        let after = serde_json::to_string(&report).map_err(|e| Failed::BeforeCommit(corrupt(e)))?;
        let before_json = before
            .map(|r| serde_json::to_value(r).map(|v| pg_json(v).to_string()))
            .transpose()
            .map_err(|e| Failed::BeforeCommit(corrupt(e)))?;
        if let Some(client_id) = &write.client_id {
            w.client_class.push(key.0);
            w.client_date.push(key.1);
            w.client_id.push(client_id.clone());
            w.client_report.push(after.clone());
            w.client_at.push(report.updated_at.clone());
            replays.insert((key.0, key.1, client_id.clone()), report.clone());
        }
        w.audit_at.push(actor.at.clone());
        w.audit_school.push(actor.school_id);
        w.audit_actor_id.push(actor.user_id);
        w.audit_actor.push(pg_text(&actor.username).into_owned());
        w.audit_address.push(pg_text(&actor.address).into_owned());
        w.audit_target.push(format!("class {} report {}", report.class_id, report.date));
        w.audit_before.push(before_json);
        w.audit_after.push(after);
        current.insert(key, report.clone());
        last.insert(key, report.clone());
        outcomes.push(Outcome::Report(Ok(WriteOutcome::Stored(report))));
    }

    if !last.is_empty() {
        for ((class, date), report) in &last {
            w.day_class.push(*class);
            w.day_date.push(*date);
            w.day_total.push(i32::try_from(report.total_minutes).unwrap_or(i32::MAX));
            w.day_note.push(report.note.clone());
            w.day_version.push(report.version);
            w.day_by.push(report.recorded_by.clone());
            w.day_at.push(report.updated_at.clone());
            for (position, e) in report.entries.iter().enumerate() {
                w.entry_class.push(*class);
                w.entry_date.push(*date);
                w.entry_position.push(i32::try_from(position).unwrap_or(i32::MAX));
                w.entry_subject.push(e.subject.as_str().to_owned());
                w.entry_minutes.push(i32::try_from(e.minutes.get()).unwrap_or(i32::MAX));
            }
        }
        sqlx::query(WRITE_DAYS)
            .bind(&w.day_class)
            .bind(&w.day_date)
            .bind(&w.day_total)
            .bind(&w.day_note)
            .bind(&w.day_version)
            .bind(&w.day_by)
            .bind(&w.day_at)
            .bind(&w.entry_class)
            .bind(&w.entry_date)
            .bind(&w.entry_position)
            .bind(&w.entry_subject)
            .bind(&w.entry_minutes)
            .bind(&w.client_class)
            .bind(&w.client_date)
            .bind(&w.client_id)
            .bind(&w.client_report)
            .bind(&w.client_at)
            .bind(&w.audit_at)
            .bind(&w.audit_school)
            .bind(&w.audit_actor_id)
            .bind(&w.audit_actor)
            .bind(&w.audit_address)
            .bind(&w.audit_target)
            .bind(&w.audit_before)
            .bind(&w.audit_after)
            .execute(&mut *tx)
            .await
            .map_err(sorted)?;
    }

    if !touches.is_empty() {
        // Each session once, at its latest use, in the order of their keys.
        touches.sort_unstable();
        let mut hashes: Vec<&[u8]> = Vec::with_capacity(touches.len());
        let mut nows: Vec<i64> = Vec::with_capacity(touches.len());
        for (hash, now) in touches {
            if hashes.last() == Some(&hash) {
                *nows.last_mut().expect("one a hash") = now;
            } else {
                hashes.push(hash);
                nows.push(now);
            }
        }
        sqlx::query(
            "UPDATE sessions s SET last_seen_at = GREATEST(s.last_seen_at, t.now) \
             FROM UNNEST($1::bytea[], $2::int8[]) AS t (token_hash, now) \
             WHERE s.token_hash = t.token_hash",
        )
        .bind(&hashes)
        .bind(&nows)
        .execute(&mut *tx)
        .await
        .map_err(sorted)?;
    }

    tx.commit().await.map_err(|e| Failed::Commit(store_error(e)))?;
    Ok(outcomes)
}
