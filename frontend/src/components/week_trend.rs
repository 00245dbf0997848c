//! The trend week by week: each week's average daily total (over the days reported that week),
//! computed here from the day reports, drawn as a line against the limit and said in words
//! ("this week 84.0 a day, 6.5 less than the week before").
//!
//! Test ids: `#week-trend` (`data-limit`), points `circle.week-point[data-week="2026-11-09"]
//! [data-value]` (the Monday of the week), `#week-trend-words`, `#week-table`.

use crate::components::chart::{axis_top, fmt};
use crate::dates;
use crate::i18n::texts;
use chrono::{Datelike, Days, NaiveDate};
use shared::Lang;
use yew::prelude::*;

/// One week (Monday to Sunday, cut to the period) and its average daily total.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekAverage {
    pub monday: NaiveDate,
    pub days_reported: u32,
    pub average: Option<f64>,
}

/// The weeks of `from`–`to`, each with the mean of its reported day totals.
pub fn weekly_averages(
    from: NaiveDate,
    to: NaiveDate,
    totals: &[(NaiveDate, u32)],
) -> Vec<WeekAverage> {
    let mut weeks: Vec<WeekAverage> = Vec::new();
    let mut sums: Vec<u32> = Vec::new();
    for date in dates::range(from, to) {
        let monday = date - Days::new(u64::from(date.weekday().num_days_from_monday()));
        if weeks.last().is_none_or(|w| w.monday != monday) {
            weeks.push(WeekAverage { monday, days_reported: 0, average: None });
            sums.push(0);
        }
        if let Some((_, total)) = totals.iter().find(|(d, _)| *d == date) {
            if let (Some(week), Some(sum)) = (weeks.last_mut(), sums.last_mut()) {
                week.days_reported += 1;
                *sum += total;
            }
        }
    }
    for (week, sum) in weeks.iter_mut().zip(sums) {
        if week.days_reported > 0 {
            week.average = Some(shared::round1(f64::from(sum) / f64::from(week.days_reported)));
        }
    }
    weeks
}

#[derive(Properties, PartialEq)]
pub struct WeekTrendProps {
    pub weeks: Vec<WeekAverage>,
    pub limit: u32,
    pub grade_average: Option<f64>,
    pub lang: Lang,
}

const LEFT: f64 = 36.0;
const RIGHT: f64 = 104.0;
const SLOT: f64 = 110.0;
const TOP: f64 = 24.0;
const PLOT: f64 = 130.0;
const BOTTOM: f64 = 28.0;

#[function_component(WeekTrend)]
pub fn week_trend(props: &WeekTrendProps) -> Html {
    let t = texts(props.lang);
    let n = props.weeks.len().max(1);
    let width = LEFT + SLOT * n as f64 + RIGHT;
    let height = TOP + PLOT + BOTTOM;
    let highest = props.weeks.iter().filter_map(|w| w.average).fold(0.0, f64::max);
    let top_value = axis_top(highest, props.limit);
    let y = |v: f64| TOP + PLOT - v / top_value * PLOT;
    let x = |i: usize| LEFT + SLOT * i as f64 + SLOT / 2.0;
    let limit = f64::from(props.limit);
    let right_edge = width - RIGHT;
    let points: Vec<(usize, f64)> =
        props.weeks.iter().enumerate().filter_map(|(i, w)| w.average.map(|a| (i, a))).collect();
    let path = points
        .iter()
        .map(|(i, a)| format!("{},{}", fmt(x(*i)), fmt(y(*a))))
        .collect::<Vec<_>>()
        .join(" ");
    let words = trend_words(&props.weeks, props.limit, props.lang);

    html! {
        <figure class="chart week-trend">
            <svg id="week-trend" viewBox={format!("0 0 {} {}", fmt(width), fmt(height))}
                 style={format!("max-width:{}px", (width * 2.2) as u32)}
                 role="img" aria-label={words.clone()} data-limit={props.limit.to_string()}>
                <title>{ words.clone() }</title>
                <line class="axis" x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(TOP + PLOT)} y2={fmt(TOP + PLOT)} />
                <text class="axis-value" x={fmt(LEFT - 6.0)} y={fmt(TOP + 4.0)}>{ format!("{top_value:.0}") }</text>
                <text class="axis-value" x={fmt(LEFT - 6.0)} y={fmt(TOP + PLOT)}>{"0"}</text>
                if let Some(avg) = props.grade_average {
                    <g class="grade-average-line">
                        <line class="average-line" x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(y(avg))} y2={fmt(y(avg))}
                              data-average={format!("{avg:.1}")} />
                        <text x={fmt(right_edge + 4.0)} y={fmt(y(avg) + 4.0 + if (y(avg) - y(limit)).abs() < 14.0 { if avg < limit { 10.0 } else { -10.0 } } else { 0.0 })}>
                            { format!("{} {avg:.0}", t.grade_average_short) }
                        </text>
                    </g>
                }
                <g class="limit">
                    <line class="limit-line" x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(y(limit))} y2={fmt(y(limit))}
                          data-limit={props.limit.to_string()} />
                    <text x={fmt(right_edge + 4.0)} y={fmt(y(limit) + 4.0)}>{ format!("{} {}", t.limit_short, props.limit) }</text>
                </g>
                <polyline class="trend-line" points={path} />
                { for props.weeks.iter().enumerate().map(|(i, w)| {
                    let label = html! {
                        <text class="axis-label" x={fmt(x(i))} y={fmt(TOP + PLOT + 18.0)}>
                            { t.week_of(&dates::short(w.monday)) }
                        </text>
                    };
                    let point = w.average.map(|a| {
                        let over = a > limit;
                        html! {
                            <>
                                <circle class={classes!("week-point", over.then_some("over"))} cx={fmt(x(i))} cy={fmt(y(a))}
                                        r={if over { "7" } else { "5" }} data-week={w.monday.to_string()} data-value={format!("{a:.1}")}>
                                    <title>{ format!("{}: {a:.1} {}", t.week_of(&dates::short(w.monday)), t.minutes_per_day) }</title>
                                </circle>
                                <text class={classes!("point-value", over.then_some("over"))} x={fmt(x(i))} y={fmt(y(a) - 11.0)}>
                                    { if over { format!("▲ {a:.1}") } else { format!("{a:.1}") } }
                                </text>
                            </>
                        }
                    });
                    html! { <g>{ for point }{ label }</g> }
                }) }
            </svg>
            <figcaption id="week-trend-words" class="chart-words">{ words }</figcaption>
            <details class="table-toggle">
                <summary>{ t.show_as_table }</summary>
                <table id="week-table" class="data-table compact">
                    <thead><tr>
                        <th scope="col">{ t.week }</th>
                        <th scope="col" class="num">{ t.days_reported }</th>
                        <th scope="col" class="num">{ t.class_average }</th>
                    </tr></thead>
                    <tbody>
                        { for props.weeks.iter().map(|w| html! {
                            <tr data-week={w.monday.to_string()}>
                                <th scope="row">{ t.week_of(&dates::short(w.monday)) }</th>
                                <td class="num">{ w.days_reported }</td>
                                <td class="num">{ crate::components::chart::value_text(w.average, props.limit) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

/// The last reported week against the one before, in words.
fn trend_words(weeks: &[WeekAverage], limit: u32, lang: Lang) -> String {
    let t = texts(lang);
    let mut reported = weeks.iter().filter_map(|w| w.average.map(|a| (w.monday, a))).rev();
    match (reported.next(), reported.next()) {
        (Some((monday, last)), Some((_, before))) => {
            t.trend_sentence(&dates::short(monday), last, Some(last - before), limit)
        }
        (Some((monday, last)), None) => t.trend_sentence(&dates::short(monday), last, None, limit),
        _ => t.no_reports_in_period.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_average_only_reported_days() {
        // Thursday 2026-11-05 to Sunday 2026-11-15: a week cut short, then a whole one.
        let totals = [(d("2026-11-05"), 60), (d("2026-11-09"), 100), (d("2026-11-10"), 80)];
        let weeks = weekly_averages(d("2026-11-05"), d("2026-11-15"), &totals);
        assert_eq!(
            weeks,
            vec![
                WeekAverage { monday: d("2026-11-02"), days_reported: 1, average: Some(60.0) },
                WeekAverage { monday: d("2026-11-09"), days_reported: 2, average: Some(90.0) },
            ]
        );
        let empty = weekly_averages(d("2026-11-16"), d("2026-11-17"), &totals);
        assert_eq!(empty[0].average, None);
    }
}
