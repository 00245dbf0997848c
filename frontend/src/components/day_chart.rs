//! A class's daily totals as bars stacked by subject, against the limit line and the grade
//! average line: an SVG that scales to its box (viewBox, width 100%), with the same numbers as
//! a table (day × subject) for screen readers and for reading off exact minutes.
//!
//! Over the limit is hatched above the limit line, outlined and marked ▲; a missing school day
//! carries a ✕ and the words — colour is never the only sign.
//!
//! Test ids: `#day-chart` (`data-limit`, `data-average`), per day `g.day[data-date][data-state=
//! ok|over|weekend|missing|none]` (`weekend`: a report on a day that is not a school day,
//! weekend homework, in no average or flag), its outline `rect.bar[data-date][data-total]` (y and height in the
//! chart's units), segments `rect.segment[data-subject][data-minutes]`, the lines
//! `line.limit-line[data-limit]` and `line.average-line[data-average]`; `#day-table`.

use crate::components::chart::{
    axis_top, colour_of, fmt, gridlines, over_lines_pattern, subject_label,
};
use crate::dates::{self, is_weekend};
use crate::i18n::texts;
use chrono::{Datelike, NaiveDate};
use shared::Lang;
use yew::prelude::*;

/// One day of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct DayStack {
    pub date: NaiveDate,
    /// `(subject, minutes)` in the grade's subject order; empty when nothing was reported.
    pub segments: Vec<(String, u32)>,
    /// The day's total, when a report exists (a report of all zeros is still a report).
    pub total: Option<u32>,
    /// A school day (Monday to Friday less holidays, plus make-up days): a day without a report
    /// is then missing, and a report on any other day is weekend homework.
    pub school_day: bool,
    /// The monitor's note of the day (empty when none).
    pub note: String,
    /// `(who, when)` where a teacher or an admin corrected the day; `when` as RFC 3339.
    pub corrected: Option<(String, String)>,
}

impl DayStack {
    /// `ok`, `over`, `weekend` (a report on a day that is not a school day), `missing` (a past
    /// school day without a report) or `none`.
    pub fn state(&self, limit: u32, today: NaiveDate) -> &'static str {
        match self.total {
            Some(_) if !self.school_day => "weekend",
            Some(t) if t > limit => "over",
            Some(_) => "ok",
            None if self.school_day && self.date < today => "missing",
            None => "none",
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct DayChartProps {
    pub days: Vec<DayStack>,
    /// The grade's subjects, in the order that gives them their colours.
    pub subjects: Vec<String>,
    pub limit: u32,
    pub grade_average: Option<f64>,
    pub today: NaiveDate,
    pub lang: Lang,
}

const LEFT: f64 = 36.0;
const RIGHT: f64 = 104.0;
const TOP: f64 = 22.0;
const PLOT: f64 = 170.0;

/// Wide slots for two weeks, narrower for a month or more.
fn slot_width(days: usize) -> f64 {
    if days <= 16 { 44.0 } else { 30.0 }
}
const BOTTOM: f64 = 40.0;

#[function_component(DayChart)]
pub fn day_chart(props: &DayChartProps) -> Html {
    let t = texts(props.lang);
    let n = props.days.len().max(1);
    let slot = slot_width(n);
    let width = LEFT + slot * n as f64 + RIGHT;
    let height = TOP + PLOT + BOTTOM;
    let highest = props.days.iter().filter_map(|d| d.total).max().unwrap_or(0);
    let top_value = axis_top(f64::from(highest), props.limit);
    let y = |v: f64| TOP + PLOT - v / top_value * PLOT;
    let base = TOP + PLOT;
    let limit_y = y(f64::from(props.limit));
    let label_every = n.div_ceil(32);
    let over_days =
        props.days.iter().filter(|d| d.state(props.limit, props.today) == "over").count();
    let missing_days =
        props.days.iter().filter(|d| d.state(props.limit, props.today) == "missing").count();

    let days = props.days.iter().enumerate().map(|(i, day)| {
        let x = LEFT + slot * i as f64;
        let state = day.state(props.limit, props.today);
        let label = (i % label_every == 0).then(|| {
            let class = if is_weekend(day.date) { "axis-label weekend" } else { "axis-label" };
            html! {
                <text x={fmt(x + slot / 2.0)} y={fmt(base + 15.0)} class={class}>
                    { day.date.day().to_string() }
                    <tspan x={fmt(x + slot / 2.0)} dy="14" class="weekday">
                        { dates::weekday(day.date, props.lang) }
                    </tspan>
                </text>
            }
        });
        let mark = match day.total {
            Some(total) => {
                let mut running = 0u32;
                let segments = day.segments.iter().filter(|(_, m)| *m > 0).map(|(subject, m)| {
                    let bottom = y(f64::from(running));
                    running += m;
                    let top = y(f64::from(running));
                    html! {
                        <rect class="segment" x={fmt(x + 5.0)} y={fmt(top)} width={fmt(slot - 10.0)}
                              height={fmt((bottom - top).max(0.5))} fill={colour_of(&props.subjects, subject)}
                              data-subject={subject.clone()} data-minutes={m.to_string()}>
                            <title>{ format!("{} {m} {}", subject_label(subject, props.lang), t.minutes_unit) }</title>
                        </rect>
                    }
                });
                let top = y(f64::from(total));
                let over = state == "over";
                let title = format!(
                    "{} {}: {total} {}{}",
                    dates::short(day.date),
                    dates::weekday(day.date, props.lang),
                    t.minutes_unit,
                    if over { format!(" ▲ {}", t.legend_over) } else { String::new() }
                );
                html! {
                    <>
                        { for segments }
                        if over {
                            <rect class="over-part" x={fmt(x + 5.0)} y={fmt(top)} width={fmt(slot - 10.0)}
                                  height={fmt((limit_y - top).max(0.0))} fill="url(#day-chart-hatch)" />
                        }
                        <rect class={classes!("bar", state)} x={fmt(x + 5.0)} y={fmt(top)}
                              width={fmt(slot - 10.0)} height={fmt((base - top).max(1.0))}
                              data-date={day.date.to_string()} data-total={total.to_string()}>
                            <title>{ title }</title>
                        </rect>
                        <text class={classes!("bar-value", state)} x={fmt(x + slot / 2.0)} y={fmt(top - 5.0)}>
                            { if over { format!("▲{total}") } else { total.to_string() } }
                        </text>
                    </>
                }
            }
            None if state == "missing" => html! {
                <>
                    <rect class="missing-slot" x={fmt(x + 5.0)} y={fmt(TOP)} width={fmt(slot - 10.0)}
                          height={fmt(PLOT)} />
                    <text class="missing-mark" x={fmt(x + slot / 2.0)} y={fmt(base - 8.0)}>
                        <title>{ format!("{}: {}", dates::short(day.date), t.day_missing) }</title>
                        { "✕" }
                    </text>
                </>
            },
            None => html! {},
        };
        html! {
            <g class="day" data-date={day.date.to_string()} data-state={state}>{ mark }{ for label }</g>
        }
    });

    let right_edge = width - RIGHT;
    let average_line = props.grade_average.map(|avg| {
        let ay = y(avg);
        // Keeps the two labels apart when the lines run close together.
        let label_y = match (ay - limit_y).abs() < 14.0 {
            true if ay >= limit_y => limit_y + 14.0,
            true => limit_y - 14.0,
            false => ay,
        };
        html! {
            <g class="grade-average-line">
                <line class="average-line" x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(ay)} y2={fmt(ay)}
                      data-average={format!("{avg:.1}")} />
                <text x={fmt(right_edge + 4.0)} y={fmt(label_y + 4.0)}>{ format!("{} {avg:.0}", t.grade_average_short) }</text>
            </g>
        }
    });
    let label = t.day_chart_summary(props.days.len(), over_days, missing_days, props.limit);

    html! {
        <figure class="chart day-chart">
            <svg id="day-chart" viewBox={format!("0 0 {} {}", fmt(width), fmt(height))}
                 style={format!("max-width:{}px", (width * 1.8) as u32)}
                 role="img" aria-label={label.clone()} data-limit={props.limit.to_string()}
                 data-average={props.grade_average.map(|a| format!("{a:.1}")).unwrap_or_default()}>
                <title>{ label }</title>
                <defs>{ over_lines_pattern("day-chart-hatch") }</defs>
                { gridlines(top_value, y, LEFT, right_edge) }
                <line class="axis" x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(base)} y2={fmt(base)} />
                <text class="axis-value" x={fmt(LEFT - 6.0)} y={fmt(TOP + 4.0)}>{ format!("{top_value:.0}") }</text>
                <text class="axis-value" x={fmt(LEFT - 6.0)} y={fmt(base)}>{"0"}</text>
                { for days }
                { for average_line }
                <g class="limit">
                    <line class="limit-line" x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(limit_y)} y2={fmt(limit_y)}
                          data-limit={props.limit.to_string()} />
                    <text x={fmt(right_edge + 4.0)} y={fmt(limit_y + 4.0)}>{ format!("{} {}", t.limit_short, props.limit) }</text>
                </g>
            </svg>
            <figcaption class="legend">
                { for props.subjects.iter().filter(|s| props.days.iter().any(|d| d.segments.iter().any(|(k, m)| k == *s && *m > 0))).map(|s| html! {
                    <span class="legend-item">
                        <span class="swatch" style={format!("background:{}", colour_of(&props.subjects, s))}></span>
                        { subject_label(s, props.lang) }
                    </span>
                }) }
                <span class="legend-item"><span class="swatch over"></span>{ "▲ " }{ t.legend_over }</span>
                <span class="legend-item"><span class="swatch limit"></span>{ t.limit_short }</span>
                if props.grade_average.is_some() {
                    <span class="legend-item"><span class="swatch average"></span>{ t.grade_average_short }</span>
                }
                <span class="legend-item">{ "✕ " }{ t.day_missing }</span>
            </figcaption>
            <details class="table-toggle">
                <summary>{ t.show_as_table }</summary>
                { day_table(props) }
            </details>
        </figure>
    }
}

/// The chart's numbers: a row per day, a column per subject, newest first.
fn day_table(props: &DayChartProps) -> Html {
    let t = texts(props.lang);
    let used: Vec<&String> = props
        .subjects
        .iter()
        .filter(|s| props.days.iter().any(|d| d.segments.iter().any(|(k, _)| k == *s)))
        .collect();
    let with_notes = props.days.iter().any(|d| !d.note.is_empty() || d.corrected.is_some());
    let rows = props.days.iter().rev().map(|day| {
        let state = day.state(props.limit, props.today);
        let total = match (day.total, state) {
            (Some(total), "over") => format!("▲ {total}"),
            (Some(total), "weekend") => match props.lang {
                shared::Lang::Zh => format!("{total}（周末作业，不计入）"),
                shared::Lang::En => format!("{total} (weekend homework, not counted)"),
            },
            (Some(total), _) => total.to_string(),
            (None, "missing") => t.day_missing.to_owned(),
            (None, _) => "–".to_owned(),
        };
        html! {
            <tr data-date={day.date.to_string()} class={state}>
                <th scope="row">{ format!("{} {}", dates::short(day.date), dates::weekday(day.date, props.lang)) }</th>
                { for used.iter().map(|s| {
                    let m = day.segments.iter().find(|(k, _)| k == *s).map(|(_, m)| m.to_string());
                    html! { <td class="num">{ m.unwrap_or_default() }</td> }
                }) }
                <td class="num total">{ total }</td>
                if with_notes {
                    <td class="day-note">
                        { day.note.clone() }
                        if let Some((by, at)) = &day.corrected {
                            <span class="corrected" data-corrected-by={by.clone()}>
                                { corrected_words(by, &dates::timestamp(at), props.lang) }
                            </span>
                        }
                    </td>
                }
            </tr>
        }
    });
    html! {
        <div class="table-scroll">
            <table id="day-table" class="data-table compact">
                <thead>
                    <tr>
                        <th scope="col">{ t.date }</th>
                        { for used.iter().map(|s| html! { <th scope="col" class="num">{ subject_label(s, props.lang) }</th> }) }
                        <th scope="col" class="num">{ t.total_minutes }</th>
                        if with_notes {
                            <th scope="col">{ if props.lang == shared::Lang::Zh { "备注" } else { "Note" } }</th>
                        }
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

/// `已由 王老师 更正（11/21 15:42）` / `corrected by Ms Wang (11/21 15:42)`.
fn corrected_words(by: &str, at: &str, lang: shared::Lang) -> String {
    match lang {
        shared::Lang::Zh => format!("已由 {by} 更正（{at}）"),
        shared::Lang::En => format!("corrected by {by} ({at})"),
    }
}
