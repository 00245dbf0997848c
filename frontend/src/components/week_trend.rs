//! The trend week by week: each week's average daily total (over the school days reported that
//! week, by `shared::trend`), drawn as a line against the limit and said in words
//! ("this week 84.0 a day, 6.5 less than the week before").
//!
//! A week the period cuts short is marked partial (`data-partial`, and in words), and the words
//! never compare it with another week (shared::trend).
//!
//! Test ids: `#week-trend` (`data-limit`), points `circle.week-point[data-week="2026-11-09"]
//! [data-value][data-partial]` (the Monday of the week), `#week-trend-words`, `#week-table`.

use crate::components::chart::{axis_top, fmt};
use crate::dates;
use crate::i18n::texts;
use shared::Lang;
pub use shared::trend::{WeekAverage, weekly_averages};
use yew::prelude::*;

/// `（部分周，3 个上课日）` / ` (part week: 3 school days)`: said of a week the period cuts short,
/// whose average is not a whole week's.
fn partial_words(week: &WeekAverage, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("（部分周，{} 个上课日）", week.school_days),
        Lang::En => format!(" (part week: {} school days)", week.school_days),
    }
}

/// The week's label under its point and in the table, marked when partial.
fn week_label(week: &WeekAverage, lang: Lang) -> String {
    let label = texts(lang).week_of(&dates::short(week.monday));
    if week.partial { format!("{label}{}", partial_words(week, lang)) } else { label }
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
                        <text class={classes!("axis-label", w.partial.then_some("partial"))} x={fmt(x(i))} y={fmt(TOP + PLOT + 18.0)}>
                            { if w.partial { format!("{}*", t.week_of(&dates::short(w.monday))) } else { t.week_of(&dates::short(w.monday)) } }
                        </text>
                    };
                    let point = w.average.map(|a| {
                        let over = a > limit;
                        html! {
                            <>
                                <circle class={classes!("week-point", over.then_some("over"))} cx={fmt(x(i))} cy={fmt(y(a))}
                                        r={if over { "7" } else { "5" }} data-week={w.monday.to_string()} data-value={format!("{a:.1}")}
                                        data-partial={w.partial.to_string()}>
                                    <title>{ format!("{}: {a:.1} {}", week_label(w, props.lang), t.minutes_per_day) }</title>
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
                            <tr data-week={w.monday.to_string()} data-partial={w.partial.to_string()}>
                                <th scope="row">{ week_label(w, props.lang) }</th>
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

/// The last reported week against the one before, in words; a partial week is said to be one
/// and compared with no other.
fn trend_words(weeks: &[WeekAverage], limit: u32, lang: Lang) -> String {
    let t = texts(lang);
    match shared::trend::last_week_change(weeks) {
        Some((week, change)) => {
            let Some(average) = week.average else { return t.no_reports_in_period.to_owned() };
            let sentence = t.trend_sentence(&dates::short(week.monday), average, change, limit);
            if week.partial {
                let cut = sentence.trim_end_matches(['。', '.']);
                let end = if lang == Lang::Zh { "。" } else { "." };
                format!("{cut}{}{end}", partial_words(week, lang))
            } else {
                sentence
            }
        }
        None => t.no_reports_in_period.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_one_day_week_is_said_to_be_partial_and_not_compared_with_the_full_week_before() {
        let mut totals: Vec<(NaiveDate, u32)> =
            d("2026-11-09").iter_days().take(5).map(|d| (d, 110)).collect();
        totals.push((d("2026-11-16"), 40));
        let weeks =
            weekly_averages(d("2026-11-09"), d("2026-11-16"), &totals, dates::is_school_day);
        let words = trend_words(&weeks, 90, Lang::Zh);
        assert!(words.contains("部分周，1 个上课日"), "{words}");
        assert!(!words.contains("前一周"), "a one-day week compared: {words}");
        let whole =
            weekly_averages(d("2026-11-09"), d("2026-11-15"), &totals, dates::is_school_day);
        assert!(!trend_words(&whole, 90, Lang::Zh).contains("部分周"));
    }
}
