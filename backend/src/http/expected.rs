//! Expected against actual for the classes a summary or comparison judges: the filed estimates
//! (plans) beside the reports, through `shared::plans::expected_vs_actual`.

use shared::api::ClassInfo;
use shared::calendar::is_school_day;
use shared::plans::{ExpectedEvaluation, expected_vs_actual};
use shared::{ClassId, Policy, Window};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::AppState;
use crate::error::AppResult;

/// Each class's expected-against-actual rows and flags over a window; a class without a plan in
/// it has none (and costs one read).
pub async fn expected_of(
    state: &AppState,
    classes: &[ClassInfo],
    window: Window,
    holidays: &BTreeSet<chrono::NaiveDate>,
    policy: &Policy,
) -> AppResult<HashMap<ClassId, ExpectedEvaluation>> {
    let ids: Vec<ClassId> = classes.iter().map(|c| c.id).collect();
    let plans = state.store.plan_minutes(&ids, window).await?;
    // Today's notion of a school day; the calendar of make-up days (调休) plugs in here.
    let school_days: BTreeSet<_> = window.dates().filter(|d| is_school_day(*d, holidays)).collect();
    let mut out = HashMap::new();
    for (class, plans) in plans {
        let reports: BTreeMap<_, BTreeMap<String, u32>> = state
            .store
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
