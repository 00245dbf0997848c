//! What a subject's homework has really taken in a class lately, shown beside the expected
//! minutes while filing ("last 10 days: filed 25, took 38 on average"): the class summary's
//! `expected_vs_actual` row of the subject over the ten days before the day being filed.
//!
//! Test id: `#plan-hint` (`data-expected`, `data-actual`, `data-days` once there is a row).

use crate::api;
use crate::dates;
use crate::load::use_load;
use chrono::NaiveDate;
use shared::{ClassId, Lang};
use yew::prelude::*;

/// How many days before the filed day the hint looks back over.
pub const HINT_DAYS: u64 = 10;

#[derive(Properties, PartialEq)]
pub struct LastDaysProps {
    pub class_id: ClassId,
    /// The day being filed.
    pub date: NaiveDate,
    pub today: NaiveDate,
    pub subject: String,
    pub lang: Lang,
}

/// The window the hint reads: the ten days before `date`, never past today.
pub fn hint_window(date: NaiveDate, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let to = dates::days_before(date.min(dates::days_after(today, 1)), 1);
    (dates::days_before(to, HINT_DAYS - 1), to)
}

#[function_component(LastDaysHint)]
pub fn last_days_hint(props: &LastDaysProps) -> Html {
    let (from, to) = hint_window(props.date, props.today);
    let summary = use_load((props.class_id, from, to), |(id, from, to)| async move {
        api::summary(id, from, to).await
    });
    let zh = props.lang == Lang::Zh;
    let row = summary
        .data
        .value()
        .and_then(|s| s.expected_vs_actual.iter().find(|r| r.subject == props.subject).cloned());
    match row {
        Some(r) => {
            let over = r.actual_average > r.expected_average;
            let text = if zh {
                format!(
                    "最近{HINT_DAYS}天（{} 天可比）：备案平均 {:.0} 分钟，实际平均 {:.0} 分钟",
                    r.days, r.expected_average, r.actual_average
                )
            } else {
                format!(
                    "Last {HINT_DAYS} days ({} compared): filed {:.0} min, took {:.0} on average",
                    r.days, r.expected_average, r.actual_average
                )
            };
            html! {
                <p id="plan-hint" class={classes!("plan-hint", over.then_some("over"))}
                   data-expected={format!("{:.1}", r.expected_average)}
                   data-actual={format!("{:.1}", r.actual_average)} data-days={r.days.to_string()}>
                    { if over { "▲ " } else { "ⓘ " } }{ text }
                </p>
            }
        }
        None if summary.data.value().is_some() => html! {
            <p id="plan-hint" class="plan-hint muted">
                { if zh {
                    format!("最近{HINT_DAYS}天这一科没有既有备案又有登记的日子，无从比较。")
                } else {
                    format!("No day of the last {HINT_DAYS} had both a plan and a report of this subject to compare.")
                } }
            </p>
        },
        // Loading, or refused (an account that may file but not read the summary): nothing.
        None => html! {},
    }
}
