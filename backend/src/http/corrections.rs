//! Which days a teacher or an admin corrected: a day whose last write was theirs and replaced an
//! earlier version. The class page's table and the class's CSV say so (by whom; when is the
//! day's `updated_at`), so that nobody reads a teacher's numbers as the monitor's.

use shared::SchoolId;
use shared::api::{DayReport, Role};
use std::collections::HashMap;

use crate::db::{Account, Store};
use crate::error::AppResult;

/// Whether an account's writes of a day count as corrections: a teacher's or an admin's, not a
/// monitor's or a class tablet's.
fn corrects(role: Role, tablet: bool) -> bool {
    role != Role::Monitor && !tablet
}

/// Who corrected `report`, if `writer` just wrote it: what [`mark_corrections`] would say of it
/// on a read, without reading the accounts (the writer is at hand).
pub fn corrected_by(report: &DayReport, writer: &Account) -> Option<String> {
    (report.version > 1
        && report.recorded_by == writer.username
        && corrects(writer.role, writer.tablet))
    .then(|| writer.display_name.clone())
}

/// Sets `corrected_by` on the days of `reports` that a teacher or an admin corrected. Reads the
/// school's accounts only when some day was written more than once.
pub async fn mark_corrections(
    store: &dyn Store,
    school: SchoolId,
    reports: &mut [DayReport],
) -> AppResult<()> {
    if reports.iter().all(|r| r.version <= 1) {
        return Ok(());
    }
    let correctors: HashMap<String, String> = store
        .accounts(school)
        .await?
        .into_iter()
        .filter(|a| corrects(a.role, a.tablet))
        .map(|a| (a.username, a.display_name))
        .collect();
    for report in reports.iter_mut().filter(|r| r.version > 1) {
        report.corrected_by = correctors.get(&report.recorded_by).cloned();
    }
    Ok(())
}
