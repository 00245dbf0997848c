//! Expected against actual for the classes a summary or comparison judges: the filed estimates
//! (plans) beside the reports, through `shared::plans::expected_vs_actual`.

use shared::api::ClassInfo;
use shared::calendar::SchoolCalendar;
use shared::plans::{ExpectedEvaluation, expected_vs_actual};
use shared::{ClassId, Policy, Window};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::db::Store;
use crate::error::AppResult;

/// Each class's expected-against-actual rows and flags over a window; a class without a plan in
/// it has none (and costs one read).
pub async fn expected_of(
    store: &dyn Store,
    classes: &[ClassInfo],
    window: Window,
    calendar: &SchoolCalendar,
    policy: &Policy,
) -> AppResult<HashMap<ClassId, ExpectedEvaluation>> {
    let ids: Vec<ClassId> = classes.iter().map(|c| c.id).collect();
    let plans = store.plan_minutes(&ids, window).await?;
    let school_days: BTreeSet<_> = calendar.school_days(window).collect();
    let mut out = HashMap::new();
    for (class, plans) in plans {
        let reports: BTreeMap<_, BTreeMap<String, u32>> = store
            .reports(class, window)
            .await?
            .into_iter()
            .map(|r| {
                let minutes = r.entries.iter().map(|e| (e.subject.to_string(), e.minutes.get()));
                (r.date, minutes.collect())
            })
            .collect();
        out.insert(class, expected_vs_actual(&school_days, &reports, &plans, policy));
    }
    Ok(out)
}
