//! The district board's two pictures: the school × day heat map of coverage ("no dead corners":
//! which classes did not report on a school day, by each school's own calendar) and the trend of
//! the district's grade average week by week.
//!
//! Test ids: `#coverage-heat` with rows `tr[data-school-id]` (most missing first) and cells
//! `td[data-date][data-state=full|missing|pending|off]` (`data-missing`: classes not reported);
//! `#district-trend` (the class page's `#week-trend`, its points the district's average of
//! each week); `#district-spot-checks tr[data-spot-check-id]` with `.discrepancy`.

use crate::api;
use crate::components::notice;
use crate::components::week_trend::{WeekAverage, WeekTrend};
use crate::dates;
use crate::load::{Load, use_load};
use chrono::{Datelike, Days, NaiveDate};
use futures::future::join_all;
use shared::district::{Coverage, DistrictComparison, DistrictId};
use shared::{Grade, Lang, SchoolId};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

/// The most schools the heat map draws (those missing most first); the rest are in the CSV.
const HEAT_ROWS: usize = 40;
/// The most days the heat map draws (the end of the period).
const HEAT_DAYS: usize = 14;
/// Weeks of the trend, this one included.
const TREND_WEEKS: u64 = 6;

fn w(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

#[derive(Properties, PartialEq)]
pub struct CoverageHeatProps {
    pub id: DistrictId,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
    pub lang: Lang,
}

/// Each day's coverage of the period's last [`HEAT_DAYS`] days up to today.
async fn coverage_days(
    id: DistrictId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Coverage>, api::ApiError> {
    let days: Vec<NaiveDate> = dates::range(from, to).collect();
    let days = &days[days.len().saturating_sub(HEAT_DAYS)..];
    join_all(days.iter().map(|d| api::district::coverage(id, *d))).await.into_iter().collect()
}

/// One school's row: its name and, per day, its coverage (`None`: not a school day).
struct HeatRow<'a> {
    id: SchoolId,
    name: &'a str,
    days: Vec<Option<(u32, u32)>>,
    missing: u32,
}

#[function_component(CoverageHeat)]
pub fn coverage_heat(props: &CoverageHeatProps) -> Html {
    let lang = props.lang;
    let to = props.to.min(props.today);
    let days = use_load((props.id, props.from, to), |(id, from, to)| coverage_days(id, from, to));
    let days = match &days.data {
        Load::Loading => return notice::loading(lang),
        Load::Failed(e) => return notice::failed(e, lang),
        Load::Loaded(d) => d.clone(),
    };
    let mut rows: BTreeMap<SchoolId, HeatRow<'_>> = BTreeMap::new();
    for (i, day) in days.iter().enumerate() {
        for s in &day.schools {
            let row = rows.entry(s.school_id).or_insert_with(|| HeatRow {
                id: s.school_id,
                name: &s.name,
                days: vec![None; days.len()],
                missing: 0,
            });
            if s.school_day {
                row.days[i] = Some((s.reported, s.classes));
                if day.date < props.today {
                    row.missing += s.classes - s.reported.min(s.classes);
                }
            }
        }
    }
    let mut rows: Vec<HeatRow<'_>> = rows.into_values().collect();
    rows.sort_by(|a, b| b.missing.cmp(&a.missing).then(a.id.cmp(&b.id)));
    let more = rows.len().saturating_sub(HEAT_ROWS);
    let today = props.today;
    html! {
        <div class="table-wrap">
            <table id="coverage-heat" class="data-table compact heat-table district-heat">
                <thead><tr>
                    <th>{ w(lang, "学校", "School") }</th>
                    <th class="num">{ w(lang, "未填报合计", "Missing") }</th>
                    { for days.iter().map(|d| html! {
                        <th class="num" data-date={d.date.to_string()}>
                            { format!("{}/{}", d.date.month(), d.date.day()) }
                            <br /><span class="weekday">{ weekday(d.date, lang) }</span>
                        </th>
                    }) }
                </tr></thead>
                <tbody>
                    { for rows.iter().take(HEAT_ROWS).map(|r| html! {
                        <tr data-school-id={r.id.to_string()}>
                            <td>{ r.name }</td>
                            <td class={classes!("num", (r.missing > 0).then_some("missing"))}>{ r.missing }</td>
                            { for r.days.iter().zip(days.iter()).map(|(cell, day)| heat_cell(*cell, day.date, today, lang)) }
                        </tr>
                    }) }
                </tbody>
            </table>
            if more > 0 {
                <p class="muted">{ format!("{more} ") }{ w(lang, "所学校无遗漏，未列出", "more schools, none missing more, not shown") }</p>
            }
        </div>
    }
}

fn weekday(date: NaiveDate, lang: Lang) -> &'static str {
    let i = date.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => ["一", "二", "三", "四", "五", "六", "日"][i],
        Lang::En => ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"][i],
    }
}

fn heat_cell(cell: Option<(u32, u32)>, date: NaiveDate, today: NaiveDate, lang: Lang) -> Html {
    let date_attr = date.to_string();
    match cell {
        None => html! {
            <td class="num off" data-date={date_attr} data-state="off"
                title={w(lang, "非上学日", "no school day")}>{ "·" }</td>
        },
        Some((reported, classes)) => {
            let missing = classes.saturating_sub(reported);
            let state = match (missing, date < today) {
                (0, _) => "full",
                (_, true) => "missing",
                (_, false) => "pending",
            };
            html! {
                <td class={classes!("num", "heat-cell", state)} data-date={date_attr} data-state={state}
                    data-missing={missing.to_string()}>
                    { format!("{reported}/{classes}") }
                </td>
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct DistrictTrendProps {
    pub id: DistrictId,
    pub grade: Grade,
    pub today: NaiveDate,
    pub lang: Lang,
}

/// The district's grade average of each of the last [`TREND_WEEKS`] weeks (Monday to Sunday,
/// this week to today), each week one district comparison.
async fn weeks(
    id: DistrictId,
    grade: Grade,
    today: NaiveDate,
) -> Result<Vec<DistrictComparison>, api::ApiError> {
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let windows = (0..TREND_WEEKS).rev().map(|k| {
        let from = monday - Days::new(7 * k);
        (from, (from + Days::new(6)).min(today))
    });
    join_all(windows.map(|(from, to)| api::district::comparison(id, grade, from, to)))
        .await
        .into_iter()
        .collect()
}

#[function_component(DistrictTrend)]
pub fn district_trend(props: &DistrictTrendProps) -> Html {
    let lang = props.lang;
    let data = use_load((props.id, props.grade, props.today), |(id, grade, today)| {
        weeks(id, grade, today)
    });
    let weeks = match &data.data {
        Load::Loading => return notice::loading(lang),
        Load::Failed(e) => return notice::failed(e, lang),
        Load::Loaded(d) => d.clone(),
    };
    let points: Vec<WeekAverage> = weeks
        .iter()
        .map(|c| {
            // Weekdays of the window (Monday to today in the current week): a week not yet over
            // is partial. Make-up days and holidays differ by school; the district's line
            // counts plain weekdays.
            let weekdays = c
                .from
                .iter_days()
                .take_while(|d| *d <= c.to)
                .filter(|d| d.weekday().num_days_from_monday() < 5)
                .count() as u32;
            WeekAverage {
                monday: c.from,
                school_days: weekdays,
                days_reported: c
                    .schools
                    .iter()
                    .filter(|s| s.grade_average_minutes.is_some())
                    .count() as u32,
                average: c.district_average_minutes,
                partial: weekdays < 5,
            }
        })
        .collect();
    // The schools' limits may differ: the line is drawn against the most common one.
    let mut limits: BTreeMap<u32, usize> = BTreeMap::new();
    for s in weeks.last().map(|c| c.schools.as_slice()).unwrap_or_default() {
        *limits.entry(s.limit_minutes).or_default() += 1;
    }
    let limit = limits.iter().max_by_key(|(l, n)| (**n, **l)).map_or(0, |(l, _)| *l);
    let average = shared::district::mean_of_present(points.iter().map(|p| p.average));
    html! {
        <div id="district-trend">
            <WeekTrend weeks={points} {limit} grade_average={average} {lang} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SpotCheckListProps {
    /// The district's schools by id, to name them.
    pub names: Rc<BTreeMap<SchoolId, String>>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lang: Lang,
}

/// The spot checks of the district's schools in the period, newest first: each class drawn, what
/// was reported against what the inspector found.
#[function_component(SpotCheckList)]
pub fn spot_check_list(props: &SpotCheckListProps) -> Html {
    let lang = props.lang;
    let checks =
        use_load((props.from, props.to), |(from, to)| api::district::spot_checks(from, to));
    let checks = match &checks.data {
        Load::Loading => return notice::loading(lang),
        Load::Failed(e) => return notice::failed(e, lang),
        Load::Loaded(c) => c.clone(),
    };
    if checks.is_empty() {
        return html! {
            <p class="muted" id="district-spot-checks">{ w(lang, "本期没有抽查。", "No spot checks in the period.") }</p>
        };
    }
    let minutes = |m: Option<u32>| m.map_or_else(|| "–".to_owned(), |m| m.to_string());
    html! {
        <div class="table-wrap">
            <table id="district-spot-checks" class="data-table compact">
                <thead><tr>
                    <th>{ w(lang, "日期", "Date") }</th>
                    <th>{ w(lang, "学校", "School") }</th>
                    <th>{ w(lang, "班级", "Class") }</th>
                    <th class="num">{ w(lang, "填报", "Reported") }</th>
                    <th class="num">{ w(lang, "抽查所见", "Observed") }</th>
                    <th>{ w(lang, "结论", "Finding") }</th>
                </tr></thead>
                <tbody>
                    { for checks.iter().flat_map(|c| c.classes.iter().map(move |k| (c, k))).map(|(c, k)| {
                        let school = props.names.get(&c.school_id).cloned().unwrap_or_else(|| c.school_id.to_string());
                        let finding = if k.observed_total.is_none() {
                            w(lang, "待核查", "not yet observed")
                        } else if k.discrepancy {
                            w(lang, "不一致", "discrepancy")
                        } else {
                            w(lang, "一致", "consistent")
                        };
                        html! {
                            <tr data-spot-check-id={c.id.to_string()} class={classes!(k.discrepancy.then_some("over"))}>
                                <td>{ c.date.to_string() }</td>
                                <td>{ school }</td>
                                <td>{ k.name.clone() }</td>
                                <td class="num">{ minutes(k.reported_total) }</td>
                                <td class="num">{ minutes(k.observed_total) }</td>
                                <td class={classes!(k.discrepancy.then_some("discrepancy"))}>{ finding }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}
