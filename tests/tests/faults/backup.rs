//! Backup and restore. `backend backup --to FILE` copies the live database while the server
//! runs and writes go on; the copy is one consistent moment. `backend restore --from FILE`
//! (server stopped) brings that moment back: the grade comparison is the same, JSON for JSON.
//! A file that is not a sound database is refused, and the database stays as it was.

use crate::fixture::{School, assert_sound_database, sqlite3};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tests::setup::{report_body, report_path};

/// Two weeks of grade 7: four classes, one of them well over the others.
async fn grade_seven(school: &School) -> String {
    for n in 1..=4u64 {
        let class = school.class(7, &format!("7({n})")).await;
        for day in 1..=14u64 {
            if (day + n) % 5 == 0 {
                continue; // a missing day now and then
            }
            let minutes = (20 * n + day * 3) as i64;
            school
                .admin
                .put_report(class.id, school.days_ago(day), &[("math", minutes), ("chinese", 30)])
                .await;
        }
    }
    format!(
        "schools/{}/grades/7/comparison?from={}&to={}",
        school.school_id,
        school.days_ago(20),
        school.today
    )
}

#[tokio::test]
async fn a_backup_taken_during_writes_is_one_moment_and_restores_the_same_comparison() {
    // Arrange: grade 7 as it will be compared; a grade 8 class that keeps being written, one
    // new day after another, while the backup runs.
    let mut school = School::new().await;
    let comparison = grade_seven(&school).await;
    let original = school.admin.get(&comparison).await.expect_status(200, "comparison").json;
    let busy = school.class(8, "8(1)").await;
    let acked = Arc::new(AtomicU64::new(0));
    let sent = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (api, acked, sent, stop) =
            (school.admin.clone(), acked.clone(), sent.clone(), stop.clone());
        let today = school.today;
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let day = tests::setup::days_before(today, n);
                sent.store(n + 1, Ordering::SeqCst);
                api.put(&report_path(busy.id, day), &report_body(&[("math", 10)]))
                    .await
                    .expect_status(200, "a write during the backup");
                acked.store(n + 1, Ordering::SeqCst);
                n += 1;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Act: back up while the writes go on.
    let file = tempfile::tempdir().expect("a directory for the backup");
    let backup = file.path().join("backup.db");
    let acked_at_start = acked.load(Ordering::SeqCst);
    let out =
        school.server.run_cli(&["backup", "--to", backup.to_str().expect("a UTF-8 path")]).await;
    let sent_at_end = sent.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("the writer");

    // Assert: a sound file holding one moment: the busy class's days are the first k written,
    // with every write acknowledged before the backup began among them.
    assert!(out.success, "backup failed: {}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("backed up to"), "{}", out.stdout);
    assert_sound_database(&backup, "the backup");
    let days =
        sqlite3(&backup, &format!("SELECT date FROM day_reports WHERE class_id = {}", busy.id));
    let mut written: Vec<u64> = days
        .lines()
        .map(|d| (school.today - d.parse::<chrono::NaiveDate>().expect("a date")).num_days() as u64)
        .collect();
    written.sort_unstable();
    let k = written.len() as u64;
    assert_eq!(written, (0..k).collect::<Vec<_>>(), "the backup is not one moment: {written:?}");
    assert!(
        (acked_at_start..=sent_at_end).contains(&k),
        "the backup holds {k} of the writes; {acked_at_start} were acknowledged before it began, \
         {sent_at_end} sent before it ended"
    );
    eprintln!(
        "backup: {k} of the busy class's writes in the copy ({acked_at_start}..={sent_at_end})"
    );

    // Act: restore it, the server stopped.
    school.server.stop().await;
    let out = school.server.run_cli(&["restore", "--from", backup.to_str().expect("UTF-8")]).await;
    assert!(out.success, "restore failed: {}{}", out.stdout, out.stderr);
    school.server.restart().await;

    // Assert: the comparison is the original's; the busy class is as the backup caught it.
    let admin = school.admin_now();
    let restored = admin.get(&comparison).await.expect_status(200, "comparison").json;
    assert_eq!(restored, original, "the restored comparison differs");
    let from = tests::setup::days_before(school.today, 365);
    let busy_days = admin.reports(busy.id, from, school.today).await.len() as u64;
    assert_eq!(busy_days, k.min(366), "the busy class after the restore");
    assert_sound_database(&school.server.db_path, "after the restore");
}

#[tokio::test]
async fn restore_refuses_a_file_that_is_not_a_sound_database_and_changes_nothing() {
    // Arrange: a school, a good backup of it, and broken copies.
    let mut school = School::new().await;
    let class = school.class(7, "7(1)").await;
    school.admin.put_report(class.id, school.days_ago(1), &[("math", 42)]).await;
    let dir = tempfile::tempdir().expect("a directory");
    let good = dir.path().join("good.db");
    let out = school.server.run_cli(&["backup", "--to", good.to_str().expect("UTF-8")]).await;
    assert!(out.success, "backup failed: {}", out.stderr);
    school.server.stop().await;
    let before = sqlite3(&school.server.db_path, ".dump");
    let bytes = std::fs::read(&good).expect("the backup");
    let mut overwritten = bytes.clone();
    for b in overwritten.iter_mut().skip(4096).take(3 * 4096) {
        *b = 0x55;
    }
    let broken: Vec<(&str, Vec<u8>)> = vec![
        ("an empty file", Vec::new()),
        ("a text file", b"this is not a database\n".repeat(100)),
        ("the first half of a backup", bytes[..bytes.len() / 2].to_vec()),
        ("a backup with pages overwritten", overwritten),
    ];

    for (what, content) in &broken {
        // Act
        let file = dir.path().join("broken.db");
        std::fs::write(&file, content).expect("writing the broken file");
        let out =
            school.server.run_cli(&["restore", "--from", file.to_str().expect("UTF-8")]).await;

        // Assert
        assert!(!out.success, "restore took {what}: {}", out.stdout);
        assert!(!out.stderr.trim().is_empty(), "restore refused {what} without saying why");
        assert_eq!(sqlite3(&school.server.db_path, ".dump"), before, "{what} changed the database");
    }
    let missing = dir.path().join("missing.db");
    let out = school.server.run_cli(&["restore", "--from", missing.to_str().expect("UTF-8")]).await;
    assert!(!out.success, "restore of a missing file succeeded");
    assert_eq!(sqlite3(&school.server.db_path, ".dump"), before, "a missing file changed it");

    school.server.restart().await;
    let report = school.admin_now().report_on(class.id, school.days_ago(1)).await;
    assert_eq!(report.map(|r| r["total_minutes"].clone()), Some(json!(42)));
}
