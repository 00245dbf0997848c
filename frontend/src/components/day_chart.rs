//! Daily totals as bars against the limit line (an SVG that scales to its box), with the same
//! numbers as a table beneath for screen readers and printing. Over-limit bars are hatched as
//! well as coloured; missing school days carry a cross: colour is never the only sign.
//! `#day-chart`, bars `rect.bar[data-date][data-total]`, `#day-table`.

use crate::dates::{self, is_school_day, is_weekend};
use crate::i18n::texts;
use chrono::{Datelike, NaiveDate};
use shared::Lang;
use yew::prelude::*;

/// One day of the chart: its total, when a report exists.
#[derive(Debug, Clone, PartialEq)]
pub struct DayPoint {
    pub date: NaiveDate,
    pub total: Option<u32>,
}

#[derive(Properties, PartialEq)]
pub struct DayChartProps {
    pub days: Vec<DayPoint>,
    pub limit: u32,
    pub grade_average: Option<f64>,
    pub today: NaiveDate,
    pub lang: Lang,
}

const SLOT: f64 = 34.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 96.0;
const TOP: f64 = 16.0;
const PLOT: f64 = 170.0;
const BOTTOM: f64 = 40.0;

#[function_component(DayChart)]
pub fn day_chart(props: &DayChartProps) -> Html {
    let t = texts(props.lang);
    let n = props.days.len().max(1);
    let width = LEFT + SLOT * n as f64 + RIGHT;
    let height = TOP + PLOT + BOTTOM;
    let highest = props.days.iter().filter_map(|d| d.total).max().unwrap_or(0);
    let top_value = nice_ceiling(f64::from(highest.max(props.limit)).max(30.0) * 1.1);
    let y = |v: f64| TOP + PLOT - v / top_value * PLOT;
    let label_every = n.div_ceil(16);

    let bars = props.days.iter().enumerate().map(|(i, day)| {
        let x = LEFT + SLOT * i as f64;
        let label = (i % label_every == 0).then(|| {
            let class = if is_weekend(day.date) { "axis-label weekend" } else { "axis-label" };
            html! {
                <text x={fmt(x + SLOT / 2.0)} y={fmt(TOP + PLOT + 16.0)} class={class}>
                    { day.date.day().to_string() }
                </text>
            }
        });
        let mark = match day.total {
            Some(total) => {
                let over = total > props.limit;
                let top = y(f64::from(total));
                let title = format!(
                    "{} {}: {total} {}",
                    dates::short(day.date),
                    dates::weekday(day.date, props.lang),
                    t.minutes_unit
                );
                html! {
                    <g>
                        <rect class={if over { "bar over" } else { "bar ok" }}
                              x={fmt(x + 5.0)} y={fmt(top)} width={fmt(SLOT - 10.0)}
                              height={fmt((TOP + PLOT - top).max(1.0))}
                              data-date={day.date.to_string()} data-total={total.to_string()}>
                            <title>{ title }</title>
                        </rect>
                        <text class="bar-value" x={fmt(x + SLOT / 2.0)} y={fmt(top - 4.0)}>
                            { if over { format!("▲{total}") } else { total.to_string() } }
                        </text>
                    </g>
                }
            }
            None if is_school_day(day.date) && day.date < props.today => html! {
                <text class="missing-mark" x={fmt(x + SLOT / 2.0)} y={fmt(TOP + PLOT - 6.0)}>
                    <title>{ format!("{}: {}", dates::short(day.date), t.day_missing) }</title>
                    { "✕" }
                </text>
            },
            None => html! {},
        };
        html! { <g>{ mark }{ for label }</g> }
    });

    let limit_y = y(f64::from(props.limit));
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
                <line x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(ay)} y2={fmt(ay)} />
                <text x={fmt(right_edge + 4.0)} y={fmt(label_y + 4.0)}>{ format!("{} {avg:.0}", t.grade_average_short) }</text>
            </g>
        }
    });

    html! {
        <figure class="day-chart">
            <svg id="day-chart" viewBox={format!("0 0 {} {}", fmt(width), fmt(height))}
                 style={format!("max-width:{}px", (width * 1.6) as u32)}
                 role="img" aria-label={t.daily_totals}>
                <defs>
                    <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="6" height="6" class="hatch-bg" />
                        <line x1="0" y1="0" x2="0" y2="6" class="hatch-line" />
                    </pattern>
                </defs>
                <line class="axis" x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(TOP + PLOT)} y2={fmt(TOP + PLOT)} />
                <text class="axis-value" x={fmt(LEFT - 6.0)} y={fmt(TOP + 4.0)}>{ format!("{top_value:.0}") }</text>
                <text class="axis-value" x={fmt(LEFT - 6.0)} y={fmt(TOP + PLOT)}>{"0"}</text>
                { for bars }
                { for average_line }
                <g class="limit-line">
                    <line x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(limit_y)} y2={fmt(limit_y)} />
                    <text x={fmt(right_edge + 4.0)} y={fmt(limit_y + 4.0)}>{ format!("{} {}", t.limit_short, props.limit) }</text>
                </g>
            </svg>
            <figcaption class="legend">
                <span class="legend-item"><span class="swatch ok"></span>{ t.legend_within }</span>
                <span class="legend-item"><span class="swatch over"></span>{ "▲ " }{ t.legend_over }</span>
                <span class="legend-item"><span class="swatch limit"></span>{ t.limit_short }</span>
                if props.grade_average.is_some() {
                    <span class="legend-item"><span class="swatch average"></span>{ t.grade_average_short }</span>
                }
                <span class="legend-item">{ "✕ " }{ t.day_missing }</span>
            </figcaption>
            <details class="day-table-wrap">
                <summary>{ t.show_as_table }</summary>
                { day_table(props) }
            </details>
        </figure>
    }
}

fn day_table(props: &DayChartProps) -> Html {
    let t = texts(props.lang);
    let rows = props.days.iter().rev().map(|day| {
        let (text, class) = match day.total {
            Some(total) if total > props.limit => (format!("▲ {total}"), "over"),
            Some(total) => (total.to_string(), "ok"),
            None if is_school_day(day.date) && day.date < props.today => (t.day_missing.to_owned(), "missing"),
            None => ("–".to_owned(), "empty"),
        };
        html! {
            <tr data-date={day.date.to_string()} class={class}>
                <td>{ format!("{} {}", dates::short(day.date), dates::weekday(day.date, props.lang)) }</td>
                <td class="num">{ text }</td>
            </tr>
        }
    });
    html! {
        <table id="day-table" class="data-table">
            <thead><tr><th>{ t.date }</th><th class="num">{ t.total_minutes }</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// Rounds up to a multiple of 30 minutes, so the axis reads in half hours.
fn nice_ceiling(v: f64) -> f64 {
    ((v / 30.0).ceil() * 30.0).max(30.0)
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_tops_out_at_a_whole_half_hour() {
        assert_eq!(nice_ceiling(99.0), 120.0);
        assert_eq!(nice_ceiling(0.0), 30.0);
        assert_eq!(nice_ceiling(90.0), 90.0);
    }
}
