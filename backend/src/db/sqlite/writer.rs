//! The one writer of day reports and sessions' last use: a thread of its own with a SQLite
//! connection of its own (`rusqlite`), taking every write waiting as one transaction and one
//! commit (group commit).
//!
//! Through sqlx every statement was a hand-over from a task to the connection's thread and back,
//! so a batch was written as a few statements over JSON arrays (`json_each`), which SQLite then
//! had to parse again; both the hand-overs and the JSON cost more than the writes themselves
//! (perf: the writer's two threads used 230 µs of CPU a report, a third of it JSON, allocation
//! and wake-ups). Here each report is plain prepared statements run where the connection lives,
//! in the order the reports arrived, each in a savepoint of its own: a report that fails is
//! rolled back alone and the rest of its batch is kept.
//!
//! Only then, after the commit (`synchronous = FULL`: the WAL is flushed), does each request get
//! its answer: an acknowledged write is on disk. If the commit fails, every request of the batch
//! is told so and none of it is kept.
//!
//! Other writes (set-up, accounts, holidays) go through sqlx's writing connection; both take the
//! write lock at the start of their transactions (`BEGIN IMMEDIATE`), so that neither finds the
//! other's commit in the way half-way through (`SQLITE_BUSY_SNAPSHOT`); the busy timeout waits.

use super::{AUDIT_INSERT, REPLAY_SELECT, corrupt, rusqlite_error, shared_failure};
use crate::db::plans::{
    PlanDayRow, PlanOutcome, PlanWrite, StoredDay, SubjectPlanRow, plan_json, put_sql,
};
use crate::db::rows::{next_report, replay_of};
use crate::db::{Actor, ReportWrite, StoreError, StoreResult, WriteOutcome};
use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use shared::api::DayReport;
use shared::{ClassId, Entry, Minutes, Subject};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// The most writes one transaction takes; a larger backlog waits for the next commit.
const MAX_BATCH: usize = 512;

/// A write waiting for the writer, and where to send what became of it.
// Nearly every job is a report: boxing it would add an allocation to each and shrink nothing
// that is common.
#[allow(clippy::large_enum_variant)]
pub(super) enum Job {
    Report {
        write: ReportWrite,
        actor: Actor,
        reply: oneshot::Sender<StoreResult<WriteOutcome>>,
    },
    /// A subject's day plan (a teacher filing it, [`crate::db::plans::Plans::put_plan`]).
    Plan {
        write: PlanWrite,
        actor: Actor,
        reply: oneshot::Sender<StoreResult<PlanOutcome>>,
    },
    /// A session used at `now` (its `last_seen_at` never goes back in time: of two requests at
    /// once, the later may be written first).
    Touch {
        token_hash: Vec<u8>,
        now: i64,
        reply: oneshot::Sender<StoreResult<()>>,
    },
}

/// How the writer opens its connection.
#[derive(Clone)]
pub(super) struct Settings {
    pub(super) path: PathBuf,
    pub(super) cache_kib: u64,
    pub(super) autocheckpoint_pages: u32,
}

/// Opens the writer's connection (so that a file it cannot write is said at start) and starts
/// its thread; it stops when every sender is dropped.
pub(super) fn start(settings: Settings) -> Result<mpsc::Sender<Job>, String> {
    let conn = open(&settings)
        .map_err(|e| format!("cannot open {} for writing: {e}", settings.path.display()))?;
    let (jobs, rx) = mpsc::channel(4 * 1024);
    std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || run(conn, &settings, rx))
        .map_err(|e| format!("cannot start the writer's thread: {e}"))?;
    Ok(jobs)
}

fn open(settings: &Settings) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&settings.path, flags)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Large, the cache keeps what each batch reads and changes (the B-trees' inner pages and
    // today's end of them); only another connection's write empties it.
    conn.pragma_update(None, "cache_size", format!("-{}", settings.cache_kib))?;
    conn.pragma_update(None, "wal_autocheckpoint", settings.autocheckpoint_pages)?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

fn run(mut conn: Connection, settings: &Settings, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(job) = rx.blocking_recv() {
        batch.push(job);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_batch(&mut conn, &mut batch);
        // A COMMIT that failed (full, read-only or failing disk) may leave the connection
        // inside its transaction: roll it back, or start again on a fresh connection, so that
        // the next batch is not written into a transaction that will never commit.
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            if let Ok(fresh) = open(settings) {
                conn = fresh;
            }
        }
    }
}

/// What became of one job, before its answer is sent.
enum Outcome {
    Report(StoreResult<WriteOutcome>),
    Plan(StoreResult<PlanOutcome>),
    Touch(StoreResult<()>),
}

/// Writes every job of a batch in one transaction and answers each once it is committed.
///
/// A report that fails must be undone alone, so that the rest of its batch is kept. A savepoint
/// around each report would do that, but makes SQLite copy every page a report changes into its
/// sub-journal first (4 KiB each, the B-trees' ends that every report of a batch changes): a
/// tenth of the writer's time. Reports almost never fail once the request has checked them, so
/// the batch is first written without savepoints; if a report does fail, the whole transaction
/// is rolled back and the batch written again with a savepoint around each report. The second
/// time starts from the same database, so every report becomes what it became the first time.
fn write_batch(conn: &mut Connection, batch: &mut Vec<Job>) {
    let started = std::time::Instant::now();
    let written = match write_all(conn, batch, Savepoints::None) {
        Err(Failed::Job) => write_all(conn, batch, Savepoints::Each),
        written => written,
    };
    let written = written.map_err(|failed| match failed {
        Failed::Batch(e) => e,
        Failed::Job => StoreError::Internal("a write failed outside a savepoint".into()),
    });
    crate::telemetry::writer_batch(batch.len(), started.elapsed(), written.is_ok());
    match written {
        Ok(outcomes) => {
            for (job, outcome) in batch.drain(..).zip(outcomes) {
                job.answer(Ok(outcome));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, writes = batch.len(), "a batch of writes failed");
            for job in batch.drain(..) {
                job.answer(Err(&e));
            }
        }
    }
}

/// Whether each report of a batch is written in a savepoint of its own.
#[derive(Clone, Copy, PartialEq)]
enum Savepoints {
    None,
    Each,
}

/// Why a batch's transaction was not committed.
enum Failed {
    /// A job failed with no savepoint to undo it alone (the transaction is rolled back).
    Job,
    /// The transaction failed: nothing of the batch is kept.
    Batch(StoreError),
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Failed {
        Failed::Batch(e)
    }
}

/// Writes the jobs of a batch in one transaction and commits it; what became of each job.
fn write_all(
    conn: &mut Connection,
    batch: &[Job],
    savepoints: Savepoints,
) -> Result<Vec<Outcome>, Failed> {
    // Dropped without its commit, the transaction is rolled back.
    let tx =
        conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(rusqlite_error)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        outcomes.push(match job {
            Job::Report { write, actor, .. } => {
                Outcome::Report(undone_alone(&tx, savepoints, || put_report(&tx, write, actor))?)
            }
            Job::Plan { write, actor, .. } => {
                Outcome::Plan(undone_alone(&tx, savepoints, || put_plan(&tx, write, actor))?)
            }
            // One statement: if it fails, SQLite undoes it alone.
            Job::Touch { token_hash, now, .. } => Outcome::Touch(touch(&tx, token_hash, *now)),
        });
    }
    tx.commit().map_err(rusqlite_error)?;
    Ok(outcomes)
}

/// Writes one job of several statements. In a savepoint of its own (`Savepoints::Each`), a job
/// that fails is undone alone and its failure is its outcome; without one, its failure fails
/// the batch (`Failed::Job`), to be written again with savepoints.
fn undone_alone<T>(
    conn: &Connection,
    savepoints: Savepoints,
    job: impl FnOnce() -> StoreResult<T>,
) -> Result<StoreResult<T>, Failed> {
    if savepoints == Savepoints::None {
        return job().map(Ok).map_err(|_| Failed::Job);
    }
    statement(conn, "SAVEPOINT job")?;
    let outcome = job();
    if outcome.is_err() {
        // This job is undone, and only it; if even that fails, nothing of the batch may be
        // committed (the `?`), rather than half a job.
        statement(conn, "ROLLBACK TO job")?;
    }
    statement(conn, "RELEASE job")?;
    Ok(outcome)
}

/// Runs a statement without parameters or rows, prepared once: the savepoints around each
/// report (rusqlite's own `Savepoint` formats and compiles its SQL anew each time).
fn statement(conn: &Connection, sql: &str) -> StoreResult<()> {
    conn.prepare_cached(sql).and_then(|mut s| s.execute([])).map_err(rusqlite_error)?;
    Ok(())
}

impl Job {
    /// Sends what became of this job: its own outcome, its batch being committed, or the
    /// batch's failure.
    fn answer(self, outcome: Result<Outcome, &StoreError>) {
        let _ = match (self, outcome) {
            (Job::Report { reply, .. }, Ok(Outcome::Report(o))) => reply.send(o).ok(),
            (Job::Plan { reply, .. }, Ok(Outcome::Plan(o))) => reply.send(o).ok(),
            (Job::Touch { reply, .. }, Ok(Outcome::Touch(o))) => reply.send(o).ok(),
            (Job::Report { reply, .. }, Err(e)) => reply.send(Err(shared_failure(e))).ok(),
            (Job::Plan { reply, .. }, Err(e)) => reply.send(Err(shared_failure(e))).ok(),
            (Job::Touch { reply, .. }, Err(e)) => reply.send(Err(shared_failure(e))).ok(),
            _ => unreachable!("outcomes follow their jobs"),
        };
    }
}

fn touch(conn: &Connection, token_hash: &[u8], now: i64) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE sessions SET last_seen_at = max(last_seen_at, ?1) WHERE token_hash = ?2",
    )
    .and_then(|mut s| s.execute(params![now, token_hash]))
    .map_err(rusqlite_error)?;
    Ok(())
}

/// One day report: the replay check, the version check, the day (its total is the class × day
/// rollup), its entries, the client id and the audit entry.
fn put_report(conn: &Connection, write: &ReportWrite, actor: &Actor) -> StoreResult<WriteOutcome> {
    let date = write.date.to_string();
    if let Some(client_id) = &write.client_id {
        let replayed: Option<String> = conn
            .prepare_cached(REPLAY_SELECT)
            .and_then(|mut s| {
                s.query_row(params![write.class_id, date, client_id], |r| r.get(0)).optional()
            })
            .map_err(rusqlite_error)?;
        if let Some(report) = replay_of(replayed.as_deref())? {
            return Ok(WriteOutcome::Replayed(report));
        }
    }
    let before = day(conn, write.class_id, write.date, &date)?;
    let Some(report) = next_report(write, before.as_ref()) else {
        return Ok(WriteOutcome::Conflict(before));
    };
    let report_id: i64 = conn
        .prepare_cached(
            "INSERT INTO day_reports (class_id, date, total_minutes, note, version, recorded_by, \
             updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT (class_id, date) DO UPDATE SET total_minutes = excluded.total_minutes, \
             note = excluded.note, version = excluded.version, recorded_by = excluded.recorded_by, \
             updated_at = excluded.updated_at RETURNING id",
        )
        .and_then(|mut s| {
            s.query_row(
                params![
                    report.class_id,
                    date,
                    report.total_minutes,
                    report.note,
                    report.version,
                    report.recorded_by,
                    report.updated_at
                ],
                |r| r.get(0),
            )
        })
        .map_err(rusqlite_error)?;
    if before.is_some() {
        conn.prepare_cached("DELETE FROM report_entries WHERE report_id = ?1")
            .and_then(|mut s| s.execute([report_id]))
            .map_err(rusqlite_error)?;
    }
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO report_entries (report_id, position, subject, minutes) \
             VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(rusqlite_error)?;
    for (position, e) in report.entries.iter().enumerate() {
        insert
            .execute(params![report_id, position, e.subject.as_str(), e.minutes.get()])
            .map_err(rusqlite_error)?;
    }
    // The report as JSON once: the client id's answer and the audit entry's `after` alike (both
    // are read back as JSON values, so their keys' order does not matter).
    let after = serde_json::to_string(&report).map_err(corrupt)?;
    if let Some(client_id) = &write.client_id {
        conn.prepare_cached(
            "INSERT INTO client_writes (report_id, client_id, report, created_at) \
             VALUES (?1, ?2, ?3, ?4)",
        )
        .and_then(|mut s| s.execute(params![report_id, client_id, after, report.updated_at]))
        .map_err(rusqlite_error)?;
    }
    let before_json = before.as_ref().map(serde_json::to_string).transpose().map_err(corrupt)?;
    let target = format!("class {} report {}", report.class_id, report.date);
    audit(conn, actor, "report.put", &target, before_json, Some(after))?;
    Ok(WriteOutcome::Stored(report))
}

/// Appends an audit entry (`before` and `after` as JSON text).
fn audit(
    conn: &Connection,
    actor: &Actor,
    action: &str,
    target: &str,
    before: Option<String>,
    after: Option<String>,
) -> StoreResult<()> {
    conn.prepare_cached(AUDIT_INSERT)
        .and_then(|mut s| {
            s.execute(params![
                actor.at,
                actor.school_id,
                actor.user_id,
                actor.username,
                actor.address,
                action,
                target,
                before,
                after
            ])
        })
        .map_err(rusqlite_error)?;
    Ok(())
}

/// A subject's day plan: the version check, the plan (or its removal), the day's status judged
/// anew and the audit entry; the statements of [`put_sql`], as PostgreSQL runs them.
fn put_plan(conn: &Connection, write: &PlanWrite, actor: &Actor) -> StoreResult<PlanOutcome> {
    let date = write.date.to_string();
    let current = conn
        .prepare_cached(put_sql::CURRENT)
        .and_then(|mut s| {
            s.query_row(params![write.class_id, date, write.subject], SubjectPlanRow::from_rusqlite)
                .optional()
        })
        .map_err(rusqlite_error)?
        .map(SubjectPlanRow::plan)
        .transpose()?;
    let current_version = current.as_ref().map_or(0, |p| p.version);
    if write.is_stale(current_version) {
        return Ok(PlanOutcome::Conflict(current));
    }
    let target = write.target();
    let before = current.as_ref().map(|p| plan_json(p).to_string());
    let stored = if write.items.is_empty() {
        conn.prepare_cached(put_sql::DELETE)
            .and_then(|mut s| s.execute(params![write.class_id, date, write.subject]))
            .map_err(rusqlite_error)?;
        audit(conn, actor, "plan.delete", &target, before, None)?;
        None
    } else {
        let (items, expected) = write.stored_items()?;
        let plan = conn
            .prepare_cached(put_sql::UPSERT)
            .and_then(|mut s| {
                s.query_row(
                    params![
                        write.class_id,
                        date,
                        write.subject,
                        items,
                        expected,
                        write.filed_by,
                        write.updated_at,
                        current_version + 1
                    ],
                    SubjectPlanRow::from_rusqlite,
                )
            })
            .map_err(rusqlite_error)?
            .plan()?;
        let after = plan_json(&plan).to_string();
        audit(conn, actor, "plan.put", &target, before, Some(after))?;
        Some(plan)
    };
    let subjects = conn
        .prepare_cached(put_sql::DAY_SUBJECTS)
        .and_then(|mut s| {
            s.query_map(params![write.class_id, date], SubjectPlanRow::from_rusqlite)?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(rusqlite_error)?
        .into_iter()
        .map(SubjectPlanRow::plan)
        .collect::<StoreResult<Vec<_>>>()?;
    let day = if subjects.is_empty() {
        conn.prepare_cached(put_sql::DAY_DELETE)
            .and_then(|mut s| s.execute(params![write.class_id, date]))
            .map_err(rusqlite_error)?;
        StoredDay::default()
    } else {
        let status = write.day_status(&subjects);
        let row = conn
            .prepare_cached(put_sql::DAY_UPSERT)
            .and_then(|mut s| {
                s.query_row(
                    params![write.class_id, date, status.as_str()],
                    PlanDayRow::from_rusqlite,
                )
            })
            .map_err(rusqlite_error)?;
        StoredDay { subjects, status: Some(row.status()?), review: row.review()? }
    };
    Ok(PlanOutcome::Stored(stored, day))
}

/// A class's day as it stands, if it has a report.
fn day(
    conn: &Connection,
    class_id: ClassId,
    date: NaiveDate,
    date_text: &str,
) -> StoreResult<Option<DayReport>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT r.total_minutes, r.note, r.version, r.recorded_by, r.updated_at, e.subject, \
             e.minutes FROM day_reports r LEFT JOIN report_entries e ON e.report_id = r.id \
             WHERE r.class_id = ?1 AND r.date = ?2 ORDER BY e.position",
        )
        .map_err(rusqlite_error)?;
    let mut rows = statement.query(params![class_id, date_text]).map_err(rusqlite_error)?;
    let mut report: Option<DayReport> = None;
    while let Some(row) = rows.next().map_err(rusqlite_error)? {
        let report = match &mut report {
            Some(r) => r,
            None => report.insert(DayReport {
                class_id,
                date,
                entries: Vec::new(),
                total_minutes: row.get(0).map_err(rusqlite_error)?,
                note: row.get(1).map_err(rusqlite_error)?,
                version: row.get(2).map_err(rusqlite_error)?,
                recorded_by: row.get(3).map_err(rusqlite_error)?,
                updated_at: row.get(4).map_err(rusqlite_error)?,
                school_day: !shared::calendar::is_weekend(date),
                corrected_by: None,
            }),
        };
        let subject: Option<String> = row.get(5).map_err(rusqlite_error)?;
        let minutes: Option<i64> = row.get(6).map_err(rusqlite_error)?;
        if let (Some(subject), Some(minutes)) = (subject, minutes) {
            report.entries.push(Entry {
                subject: Subject::parse(&subject).map_err(corrupt)?,
                minutes: Minutes::new(minutes).map_err(corrupt)?,
            });
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestStore;
    use super::{Job, Settings, open, write_batch};
    use crate::db::plans::{PlanOutcome, PlanWrite, Plans};
    use crate::db::{Accounts, Actor, ReportWrite, Reports, Schools, StoreResult, WriteOutcome};
    use chrono::NaiveDate;
    use shared::plans::{DayStatus, PlanItem};
    use shared::{Entry, Grade, Minutes, Subject};
    use tokio::sync::oneshot;

    fn write_report(
        class_id: i64,
        minutes: u32,
        client_id: &str,
        version: Option<i64>,
    ) -> ReportWrite {
        ReportWrite {
            class_id,
            date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            entries: vec![Entry {
                subject: Subject::parse("math").unwrap(),
                minutes: Minutes::new(i64::from(minutes)).unwrap(),
            }],
            note: String::new(),
            client_id: Some(client_id.to_owned()),
            expected_version: version,
            recorded_by: "monitor".into(),
            updated_at: "2026-11-20T08:00:00Z".into(),
        }
    }

    /// Writes `writes` as one batch on a connection of the test's own; what became of each.
    fn one_batch(db: &TestStore, writes: Vec<ReportWrite>) -> Vec<StoreResult<WriteOutcome>> {
        let settings = Settings { path: db.path(), cache_kib: 2048, autocheckpoint_pages: 1000 };
        let mut conn = open(&settings).unwrap();
        let actor = Actor::system(Some(db.school.id));
        let (mut batch, mut answers) = (Vec::new(), Vec::new());
        for write in writes {
            let (reply, answer) = oneshot::channel();
            batch.push(Job::Report { write, actor: actor.clone(), reply });
            answers.push(answer);
        }
        write_batch(&mut conn, &mut batch);
        answers.into_iter().map(|mut a| a.try_recv().expect("answered")).collect()
    }

    async fn class(db: &TestStore, name: &str) -> i64 {
        let actor = Actor::system(Some(db.school.id));
        let grade = Grade::new(7).unwrap();
        db.store.create_class(db.school.id, grade, name, &actor).await.unwrap().id
    }

    /// Reports of one batch each become what they would have become written alone, one after
    /// another in the order they arrived.
    #[tokio::test]
    async fn reports_of_one_batch_follow_one_another_as_if_written_alone() {
        let db = TestStore::new("batch").await;
        let (class, other) = (class(&db, "7(1)").await, class(&db, "7(2)").await);

        // Ten unversioned writes of one day, a resend of one of them, and two writes that both
        // claim to be the first version of another class's day.
        let mut writes: Vec<ReportWrite> =
            (0..10).map(|i| write_report(class, 10 + i, &format!("c{i}"), None)).collect();
        writes.push(write_report(class, 99, "c3", None));
        writes.push(write_report(other, 40, "o1", Some(0)));
        writes.push(write_report(other, 41, "o2", Some(0)));
        let outcomes: Vec<WriteOutcome> =
            one_batch(&db, writes).into_iter().map(Result::unwrap).collect();

        let stored = |o: &WriteOutcome| match o {
            WriteOutcome::Stored(r) => r.clone(),
            other => panic!("not stored: {other:?}"),
        };
        let versions: Vec<i64> = outcomes[..10].iter().map(|o| stored(o).version).collect();
        assert_eq!(versions, (1..=10).collect::<Vec<_>>());
        assert_eq!(
            outcomes[10],
            WriteOutcome::Replayed(stored(&outcomes[3])),
            "resend: same answer"
        );
        let first = stored(&outcomes[11]);
        assert_eq!(outcomes[12], WriteOutcome::Conflict(Some(first)), "the second first version");
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let kept = db.store.report(class, day).await.unwrap().unwrap();
        assert_eq!(kept.version, 10);
        assert_eq!(kept.total_minutes, kept.entries.iter().map(|e| e.minutes.get()).sum::<u32>());
    }

    /// A report the database refuses is rolled back alone: the rest of its batch is kept.
    #[tokio::test]
    async fn a_refused_report_fails_alone_and_its_batch_is_kept() {
        let db = TestStore::new("refused").await;
        let class = class(&db, "7(1)").await;
        let no_class = class + 1_000;

        let outcomes = one_batch(
            &db,
            vec![
                write_report(class, 10, "a", None),
                write_report(no_class, 20, "b", None),
                write_report(class, 30, "c", None),
            ],
        );

        assert!(outcomes[1].is_err(), "a class that does not exist: {:?}", outcomes[1]);
        assert!(matches!(outcomes[2], Ok(WriteOutcome::Stored(ref r)) if r.version == 2));
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let kept = db.store.report(class, day).await.unwrap().unwrap();
        assert_eq!((kept.version, kept.total_minutes), (2, 30));
        assert_eq!(db.store.report(no_class, day).await.unwrap(), None);
        assert_eq!(db.store.replayed_report(no_class, day, "b").await.unwrap(), None);
    }

    fn plan(class_id: i64, minutes: u32, version: Option<i64>) -> PlanWrite {
        PlanWrite {
            class_id,
            date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            subject: "math".into(),
            items: vec![PlanItem {
                kind: shared::plans::ItemKind::Written,
                expected_minutes: minutes,
                optional: false,
                content: format!("{minutes} minutes"),
            }],
            expected_version: version,
            filed_by: "Teacher".into(),
            updated_at: "2026-11-20T08:00:00Z".into(),
            grade: Grade::new(7).unwrap(),
            limit_minutes: 90,
        }
    }

    /// Plans in one batch with reports, each becoming what it would have become alone: versions
    /// in order, a stale version refused with the plan as it stands, the day's status judged on
    /// what came before it in the batch, and a plan the database refuses failing alone.
    #[tokio::test]
    async fn plans_of_one_batch_follow_one_another_and_a_refused_one_fails_alone() {
        let db = TestStore::new("plans").await;
        let class = class(&db, "7(1)").await;
        let settings = Settings { path: db.path(), cache_kib: 2048, autocheckpoint_pages: 1000 };
        let mut conn = open(&settings).unwrap();
        let actor = Actor::system(Some(db.school.id));
        let (mut batch, mut plans) = (Vec::new(), Vec::new());
        for write in [
            plan(class, 30, Some(0)),
            plan(class, 95, Some(1)),
            plan(class, 20, Some(1)),
            plan(class + 1_000, 20, None),
            plan(class, 40, None),
        ] {
            let (reply, answer) = oneshot::channel();
            batch.push(Job::Plan { write, actor: actor.clone(), reply });
            plans.push(answer);
            let (reply, _) = oneshot::channel();
            let report = write_report(class, 10, &format!("r{}", batch.len()), None);
            batch.push(Job::Report { write: report, actor: actor.clone(), reply });
        }
        write_batch(&mut conn, &mut batch);
        let outcomes: Vec<StoreResult<PlanOutcome>> =
            plans.into_iter().map(|mut a| a.try_recv().expect("answered")).collect();

        let stored = |o: &StoreResult<PlanOutcome>| match o {
            Ok(PlanOutcome::Stored(Some(p), day)) => (p.version, p.expected_minutes, day.status),
            other => panic!("not stored: {other:?}"),
        };
        assert_eq!(stored(&outcomes[0]), (1, 30, Some(DayStatus::Open)));
        assert_eq!(stored(&outcomes[1]), (2, 95, Some(DayStatus::NeedsApproval)), "over 90");
        match &outcomes[2] {
            Ok(PlanOutcome::Conflict(Some(p))) => assert_eq!(p.version, 2),
            other => panic!("a stale version: {other:?}"),
        }
        assert!(outcomes[3].is_err(), "a class that does not exist: {:?}", outcomes[3]);
        assert_eq!(stored(&outcomes[4]), (3, 40, Some(DayStatus::Open)));
        let day = db.store.day_plan(class, NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()).await;
        let day = day.unwrap();
        assert_eq!(day.subjects.len(), 1);
        assert_eq!((day.subjects[0].version, day.status), (3, Some(DayStatus::Open)));
        let report = db.store.report(class, NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()).await;
        assert_eq!(report.unwrap().unwrap().version, 5, "every report of the batch kept");
    }

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
