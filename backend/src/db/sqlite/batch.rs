//! A whole group-commit batch of day reports in a handful of statements, whatever its size.
//!
//! Each statement on a sqlx SQLite connection is a round trip to the connection's own thread;
//! one report written on its own takes nine of them (a savepoint, two reads, five writes, the
//! release), and on a busy machine each costs tens of microseconds of waiting to be scheduled.
//! The single writer then spends most of its time handing work between threads, and that is what
//! capped a morning's reports near a thousand a second. Here a batch takes two reads (the replays
//! and the days as they stand, for every report at once), the rules applied in memory in the
//! order the reports arrived (a second report of the same day in the batch sees the first), and
//! five writes (the days, their old entries out, the new entries, the client ids, the audit
//! entries), each a single prepared statement over a JSON array (`json_each`).
//!
//! What each report becomes is exactly what [`super::reports`]'s one-at-a-time path would make
//! of it ([`next_report`] is the one rule both follow); if any statement fails, the caller rolls
//! the transaction back and writes the batch that way, each report in its own savepoint.

use super::{corrupt, store_error};
use crate::clock::now_rfc3339;
use crate::db::rows::{ReportRow, next_report, reports_from_rows};
use crate::db::{Actor, ReportWrite, StoreResult, WriteOutcome};
use serde_json::{Value, json};
use shared::ClassId;
use shared::api::DayReport;
use sqlx::SqliteConnection;
use std::collections::HashMap;

/// A day: its class and date (as stored, `YYYY-MM-DD`).
type Day = (ClassId, String);

/// Writes every report of a batch inside the caller's transaction; what became of each, in
/// order. An error means nothing may be kept: the caller rolls back.
pub(super) async fn write_all(
    conn: &mut SqliteConnection,
    jobs: &[(&ReportWrite, &Actor)],
) -> StoreResult<Vec<WriteOutcome>> {
    let mut replays = replays(conn, jobs).await?;
    let mut days = days(conn, jobs).await?;

    let mut outcomes = Vec::with_capacity(jobs.len());
    // The reports stored, with what they replaced, in order; and the last one of each day.
    let mut stored: Vec<(DayReport, Option<DayReport>, usize)> = Vec::new();
    let mut last_of_day: HashMap<Day, usize> = HashMap::new();
    for (i, (write, _)) in jobs.iter().enumerate() {
        let day = (write.class_id, write.date.to_string());
        if let Some(client_id) = &write.client_id {
            if let Some(report) = replays.get(&(day.clone(), client_id.clone())) {
                outcomes.push(WriteOutcome::Replayed(report.clone()));
                continue;
            }
        }
        let before = days.get(&day).cloned().flatten();
        let Some(report) = next_report(write, before.as_ref()) else {
            outcomes.push(WriteOutcome::Conflict(before));
            continue;
        };
        if let Some(client_id) = &write.client_id {
            replays.insert((day.clone(), client_id.clone()), report.clone());
        }
        days.insert(day.clone(), Some(report.clone()));
        last_of_day.insert(day, stored.len());
        stored.push((report.clone(), before, i));
        outcomes.push(WriteOutcome::Stored(report));
    }
    if stored.is_empty() {
        return Ok(outcomes);
    }

    // The days as they end the batch: their rows, then their entries.
    let finals: Vec<&DayReport> = stored
        .iter()
        .enumerate()
        .filter(|(k, (r, _, _))| last_of_day.get(&day_of(r)) == Some(k))
        .map(|(_, (r, _, _))| r)
        .collect();
    let rows: Vec<Value> = finals
        .iter()
        .map(|r| {
            json!([
                r.class_id,
                r.date.to_string(),
                r.total_minutes,
                r.note,
                r.version,
                r.recorded_by,
                r.updated_at
            ])
        })
        .collect();
    let ids: Vec<(i64, ClassId, String)> = sqlx::query_as(
        "INSERT INTO day_reports (class_id, date, total_minutes, note, version, recorded_by, updated_at) \
         SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 \
         FROM json_each(?) WHERE true \
         ON CONFLICT (class_id, date) DO UPDATE SET total_minutes = excluded.total_minutes, \
         note = excluded.note, version = excluded.version, recorded_by = excluded.recorded_by, \
         updated_at = excluded.updated_at RETURNING id, class_id, date",
    )
    .bind(Value::Array(rows).to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(store_error)?;
    let id_of: HashMap<Day, i64> = ids.into_iter().map(|(id, c, d)| ((c, d), id)).collect();
    let report_ids = id_of.values().map(|id| json!(id)).collect();
    over_json(
        conn,
        "DELETE FROM report_entries WHERE report_id IN (SELECT value FROM json_each(?))",
        report_ids,
    )
    .await?;
    let mut entries = Vec::new();
    for r in &finals {
        let id = *id_of.get(&day_of(r)).ok_or_else(|| corrupt("a day without its id"))?;
        for (position, e) in r.entries.iter().enumerate() {
            entries.push(json!([id, position, e.subject.as_str(), e.minutes.get()]));
        }
    }
    over_json(
        conn,
        "INSERT INTO report_entries (report_id, position, subject, minutes) \
         SELECT value->>0, value->>1, value->>2, value->>3 FROM json_each(?)",
        entries,
    )
    .await?;

    // Every stored report: its client id, and its audit entry with what it replaced.
    let mut client_writes = Vec::new();
    let mut audit = Vec::new();
    let at = now_rfc3339();
    for (report, before, i) in &stored {
        let (write, actor) = jobs[*i];
        if let Some(client_id) = &write.client_id {
            let report_json = serde_json::to_string(report).map_err(corrupt)?;
            let id = *id_of.get(&day_of(report)).ok_or_else(|| corrupt("a day without its id"))?;
            client_writes.push(json!([id, client_id, report_json, report.updated_at]));
        }
        // As `audit_in` writes them: each snapshot a `serde_json::Value`, then text.
        let snapshot = |r: &DayReport| serde_json::to_value(r).ok().map(|v| v.to_string());
        audit.push(json!([
            at,
            actor.school_id,
            actor.user_id,
            actor.username,
            actor.address,
            "report.put",
            format!("class {} report {}", report.class_id, report.date),
            before.as_ref().and_then(snapshot),
            snapshot(report),
        ]));
    }
    over_json(
        conn,
        "INSERT INTO client_writes (report_id, client_id, report, created_at) \
         SELECT value->>0, value->>1, value->>2, value->>3 FROM json_each(?)",
        client_writes,
    )
    .await?;
    over_json(
        conn,
        "INSERT INTO audit_log (at, school_id, actor_id, actor, address, action, target, before, after) \
         SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, \
         value->>7, value->>8 FROM json_each(?)",
        audit,
    )
    .await?;
    Ok(outcomes)
}

/// Runs a statement whose one parameter is `rows` as a JSON array (its `json_each(?)`); with
/// no rows there is nothing to do.
async fn over_json(conn: &mut SqliteConnection, sql: &str, rows: Vec<Value>) -> StoreResult<()> {
    if !rows.is_empty() {
        sqlx::query(sql)
            .bind(Value::Array(rows).to_string())
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
    }
    Ok(())
}

fn day_of(r: &DayReport) -> Day {
    (r.class_id, r.date.to_string())
}

/// What was acknowledged before for the batch's client ids, by the day each was sent for.
async fn replays(
    conn: &mut SqliteConnection,
    jobs: &[(&ReportWrite, &Actor)],
) -> StoreResult<HashMap<(Day, String), DayReport>> {
    let keys: Vec<Value> = jobs
        .iter()
        .filter_map(|(w, _)| {
            w.client_id.as_ref().map(|c| json!([w.class_id, w.date.to_string(), c]))
        })
        .collect();
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(ClassId, String, String, String)> = sqlx::query_as(
        "SELECT r.class_id, r.date, w.client_id, w.report FROM json_each(?) j \
         CROSS JOIN day_reports r ON r.class_id = j.value->>0 AND r.date = j.value->>1 \
         CROSS JOIN client_writes w ON w.report_id = r.id AND w.client_id = j.value->>2",
    )
    .bind(Value::Array(keys).to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|(class, date, client_id, json)| {
            Ok((((class, date), client_id), serde_json::from_str(&json).map_err(corrupt)?))
        })
        .collect()
}

/// The batch's days as they stand (`None`: no report yet).
async fn days(
    conn: &mut SqliteConnection,
    jobs: &[(&ReportWrite, &Actor)],
) -> StoreResult<HashMap<Day, Option<DayReport>>> {
    let keys: Vec<Value> =
        jobs.iter().map(|(w, _)| json!([w.class_id, w.date.to_string()])).collect();
    let rows: Vec<ReportRow> = sqlx::query_as(
        "SELECT DISTINCT r.id, r.class_id, r.date, r.total_minutes, r.note, r.version, \
         r.recorded_by, r.updated_at, e.subject, e.minutes, e.position FROM json_each(?) j \
         CROSS JOIN day_reports r ON r.class_id = j.value->>0 AND r.date = j.value->>1 \
         LEFT JOIN report_entries e ON e.report_id = r.id ORDER BY r.id, e.position",
    )
    .bind(Value::Array(keys).to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(store_error)?;
    let mut days: HashMap<Day, Option<DayReport>> =
        jobs.iter().map(|(w, _)| ((w.class_id, w.date.to_string()), None)).collect();
    for report in reports_from_rows(rows)? {
        days.insert(day_of(&report), Some(report));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestStore;
    use crate::db::{Actor, ReportWrite, Reports, Schools, WriteOutcome};
    use chrono::NaiveDate;
    use shared::{Entry, Grade, Minutes, Subject};

    fn write(class_id: i64, minutes: u32, client_id: &str, version: Option<i64>) -> ReportWrite {
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

    /// Reports of one batch each become what they would have become written alone, one after
    /// another in the order they arrived.
    #[tokio::test]
    async fn reports_of_one_batch_follow_one_another_as_if_written_alone() {
        let db = TestStore::new("batch").await;
        let (store, school) = (&db.store, &db.school);
        let actor = Actor::system(Some(school.id));
        let class = store.create_class(school.id, Grade::new(7).unwrap(), "7(1)", &actor).await;
        let class = class.unwrap().id;

        // Ten unversioned writes of one day, a resend of one of them, and two writes that both
        // claim to be the first version of another class's day.
        let other = store.create_class(school.id, Grade::new(7).unwrap(), "7(2)", &actor).await;
        let other = other.unwrap().id;
        let mut writes: Vec<ReportWrite> =
            (0..10).map(|i| write(class, 10 + i, &format!("c{i}"), None)).collect();
        writes.push(write(class, 99, "c3", None));
        writes.push(write(other, 40, "o1", Some(0)));
        writes.push(write(other, 41, "o2", Some(0)));
        let jobs: Vec<(&ReportWrite, &Actor)> = writes.iter().map(|w| (w, &actor)).collect();
        let mut tx = store.writer.begin().await.unwrap();
        let outcomes = super::write_all(&mut tx, &jobs).await.unwrap();
        tx.commit().await.unwrap();

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
        let kept = store.report(class, day).await.unwrap().unwrap();
        assert_eq!(kept.version, 10);
        assert_eq!(kept.total_minutes, kept.entries.iter().map(|e| e.minutes.get()).sum::<u32>());
    }
}
