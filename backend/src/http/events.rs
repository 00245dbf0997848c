//! The live feed the district screens follow (`GET /districts/{id}/events`): what a stored day
//! report tells them. A helper, not a resource: `reports` publishes, `districts` streams.

use shared::Policy;
use shared::district::ReportEvent;

use crate::AppState;

/// Tells the district screens of a day report just stored (never waits).
pub fn publish_report(
    state: &AppState,
    class: &shared::api::ClassInfo,
    policy: &Policy,
    report: &shared::api::DayReport,
) {
    state.store.publish_report(ReportEvent {
        school_id: class.school_id,
        class_id: class.id,
        class_name: class.name.clone(),
        grade: class.grade,
        date: report.date,
        total_minutes: report.total_minutes,
        over_limit: report.total_minutes > policy.limit(class.grade),
    });
}
