//! Retention: with `retention_days` set in the policy, day reports older than that are deleted
//! when the server starts (and daily after), the newer ones stay, and the audit log records the
//! purge with how many went.

use crate::fixture::School;
use serde_json::json;
use std::time::Duration;

/// The audit log's `retention.purge` entries, once there is one (or the time is up).
async fn purges_within(admin: &tests::Api, limit: Duration) -> Vec<serde_json::Value> {
    let start = std::time::Instant::now();
    loop {
        let audit = admin.get("audit?action=retention.purge").await.expect_status(200, "audit");
        let entries = audit.json["entries"].as_array().cloned().unwrap_or_default();
        if !entries.is_empty() || start.elapsed() > limit {
            return entries;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The minutes written on the day `n` days ago.
fn minutes(n: u64) -> i64 {
    10 + (n % 200) as i64
}

#[tokio::test]
async fn reports_older_than_the_retention_are_purged_at_start_and_the_purge_is_audited() {
    // Arrange: reports from today back to over a year ago, written as the admin may.
    let mut school = School::new().await;
    let class = school.class(7, "7(1)").await;
    let other = school.class(8, "8(1)").await;
    let kept_days = [0, 1, 29, 30];
    let purged_days = [31, 32, 100, 400];
    for n in kept_days.iter().chain(&purged_days) {
        school.admin.put_report(class.id, school.days_ago(*n), &[("math", minutes(*n))]).await;
    }
    school.admin.put_report(other.id, school.days_ago(45), &[("physics", 20)]).await;
    let mut policy = school.admin.get("policy").await.expect_status(200, "policy").json;
    policy["retention_days"] = json!(30);
    school.admin.put("policy", &policy).await.expect_status(200, "setting the retention");

    // Act
    school.server.restart().await;

    // Assert: the purge runs beside the first requests, so wait for its audit entry; then 30
    // days back stays, 31 and older is gone, in every class.
    let admin = school.admin_now();
    let entries = purges_within(&admin, Duration::from_secs(10)).await;
    for n in kept_days {
        let report = admin.report_on(class.id, school.days_ago(n)).await;
        assert_eq!(report.map(|r| r["total_minutes"].clone()), Some(json!(minutes(n))), "day -{n}");
    }
    for n in purged_days {
        assert_eq!(admin.report_on(class.id, school.days_ago(n)).await, None, "day -{n} kept");
    }
    assert_eq!(admin.report_on(other.id, school.days_ago(45)).await, None, "8(1)'s old day kept");
    assert_eq!(entries.len(), 1, "one purge at start: {entries:?}");
    let purge = &entries[0];
    assert_eq!(purge["actor"], "retention", "{purge}");
    assert_eq!(purge["after"]["reports_deleted"], purged_days.len() + 1, "{purge}");
    assert_eq!(purge["after"]["before"], json!(school.days_ago(30)), "{purge}");

    // A second start has nothing left to purge and records nothing.
    school.server.restart().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let audit = school.admin_now().get("audit?action=retention.purge").await.json;
    assert_eq!(audit["entries"].as_array().map(Vec::len), Some(1), "{audit}");
}

#[tokio::test]
async fn the_retention_must_be_between_30_days_and_ten_years_or_null() {
    // Arrange
    let school = School::new().await;
    let policy = school.admin.get("policy").await.expect_status(200, "policy").json;

    for days in [json!(0), json!(29), json!(3661), json!(-1), json!(1.5), json!("30")] {
        // Act
        let mut bad = policy.clone();
        bad["retention_days"] = days.clone();
        let answer = school.admin.put("policy", &bad).await;

        // Assert
        assert!(matches!(answer.status, 400 | 422), "retention_days {days}: {}", answer.text);
    }
    for days in [json!(30), json!(3660), json!(null)] {
        let mut good = policy.clone();
        good["retention_days"] = days.clone();
        school.admin.put("policy", &good).await.expect_status(200, &format!("retention {days}"));
    }
}
