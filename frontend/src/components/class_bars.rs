//! The classes of a grade side by side: each class's average daily total as a bar, against the
//! limit line and the grade-average line. Over the limit: hatched, outlined, ▲ and the number.
//! A visually hidden table says the same for screen readers.
//!
//! Test ids (inside the element named by `id`): `rect.bar[data-class-id][data-value]
//! [data-state=ok|over]` (y and height in the chart's units), `line.limit-line[data-limit]`,
//! `line.average-line[data-average]`, and `table.chart-table`.

use crate::components::chart::{axis_top, fmt, gridlines, hatch_pattern, value_text};
use crate::i18n::texts;
use shared::{ClassId, Lang};
use yew::prelude::*;

/// One class's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassBar {
    pub class_id: ClassId,
    pub name: String,
    pub average: Option<f64>,
}

#[derive(Properties, PartialEq)]
pub struct ClassBarsProps {
    /// The SVG's id; also names its hatch pattern.
    pub id: AttrValue,
    pub bars: Vec<ClassBar>,
    pub limit: u32,
    pub grade_average: Option<f64>,
    pub lang: Lang,
}

const LEFT: f64 = 40.0;
const RIGHT: f64 = 110.0;
const TOP: f64 = 24.0;
const PLOT: f64 = 170.0;
/// The narrowest drawing: a few classes get wide slots rather than a tall, narrow chart.
const MIN_WIDTH: f64 = 760.0;
const BOTTOM: f64 = 30.0;
/// Wide slots for few classes, narrower (but never thin) for many.
fn slot_width(n: usize) -> f64 {
    match n {
        0..=6 => 90.0,
        7..=12 => 64.0,
        _ => 48.0,
    }
}

#[function_component(ClassBars)]
pub fn class_bars(props: &ClassBarsProps) -> Html {
    let t = texts(props.lang);
    let n = props.bars.len().max(1);
    let slot = slot_width(n);
    let width = (LEFT + slot * n as f64 + RIGHT).max(MIN_WIDTH);
    // Few classes: the bars sit in the middle of the wide drawing.
    let left = LEFT + (width - LEFT - RIGHT - slot * n as f64) / 2.0;
    let height = TOP + PLOT + BOTTOM;
    let highest = props.bars.iter().filter_map(|b| b.average).fold(0.0, f64::max);
    let top_value = axis_top(highest, props.limit);
    let y = |v: f64| TOP + PLOT - v / top_value * PLOT;
    let base = TOP + PLOT;
    let limit = f64::from(props.limit);
    let limit_y = y(limit);
    let right_edge = width - RIGHT;
    let hatch = format!("{}-hatch", props.id);
    let over_count = props.bars.iter().filter(|b| b.average.is_some_and(|a| a > limit)).count();
    let label =
        t.class_bars_summary(props.bars.len(), over_count, props.limit, props.grade_average);

    let bars = props.bars.iter().enumerate().map(|(i, b)| {
        let x = left + slot * i as f64;
        let pad = slot * 0.18;
        let name = html! {
            <text class="axis-label class-name" x={fmt(x + slot / 2.0)} y={fmt(base + 18.0)}>{ b.name.clone() }</text>
        };
        let Some(avg) = b.average else {
            return html! {
                <g>
                    { name }
                    <text class="no-value" x={fmt(x + slot / 2.0)} y={fmt(base - 8.0)}>{ "–" }</text>
                </g>
            };
        };
        let over = avg > limit;
        let top = y(avg);
        let state = if over { "over" } else { "ok" };
        html! {
            <g>
                <rect class={classes!("bar", state)} x={fmt(x + pad)} y={fmt(top)} width={fmt(slot - 2.0 * pad)}
                      height={fmt((base - top).max(1.0))} data-class-id={b.class_id.to_string()}
                      data-value={format!("{avg:.1}")} data-state={state}>
                    <title>{ format!("{}: {avg:.1} {}{}", b.name, t.minutes_per_day, if over { format!(" ▲ {}", t.legend_over) } else { String::new() }) }</title>
                </rect>
                if over {
                    <rect class="over-part" x={fmt(x + pad)} y={fmt(top)} width={fmt(slot - 2.0 * pad)}
                          height={fmt((limit_y - top).max(0.0))} fill={format!("url(#{hatch})")} />
                }
                <text class={classes!("bar-value", state)} x={fmt(x + slot / 2.0)} y={fmt(top - 6.0)}>
                    { value_text(Some(avg), props.limit) }
                </text>
                { name }
            </g>
        }
    });
    let average_line = props.grade_average.map(|avg| {
        let ay = y(avg);
        let label_y = match (ay - limit_y).abs() < 14.0 {
            true if ay >= limit_y => limit_y + 14.0,
            true => limit_y - 14.0,
            false => ay,
        };
        html! {
            <g class="grade-average-line">
                <line class="average-line" x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(ay)} y2={fmt(ay)}
                      data-average={format!("{avg:.1}")} />
                <text x={fmt(right_edge + 4.0)} y={fmt(label_y + 4.0)}>{ format!("{} {avg:.1}", t.grade_average_short) }</text>
            </g>
        }
    });

    html! {
        <figure class="chart class-bars">
            <svg id={props.id.clone()} viewBox={format!("0 0 {} {}", fmt(width), fmt(height))}
                 style={format!("max-width:{}px", (width * 1.6) as u32)}
                 role="img" aria-label={label.clone()} data-limit={props.limit.to_string()}>
                <title>{ label }</title>
                <defs>{ hatch_pattern(&hatch) }</defs>
                { gridlines(top_value, y, LEFT, right_edge) }
                <line class="axis" x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(base)} y2={fmt(base)} />
                <text class="axis-value" x={fmt(LEFT - 6.0)} y={fmt(TOP + 4.0)}>{ format!("{top_value:.0}") }</text>
                <text class="axis-value" x={fmt(LEFT - 6.0)} y={fmt(base)}>{"0"}</text>
                { for bars }
                { for average_line }
                <g class="limit">
                    <line class="limit-line" x1={fmt(LEFT)} x2={fmt(right_edge)} y1={fmt(limit_y)} y2={fmt(limit_y)}
                          data-limit={props.limit.to_string()} />
                    <text x={fmt(right_edge + 4.0)} y={fmt(limit_y + 4.0)}>{ format!("{} {}", t.limit_short, props.limit) }</text>
                </g>
            </svg>
            <table class="chart-table visually-hidden">
                <caption>{ t.class_averages_chart }</caption>
                <thead><tr><th scope="col">{ t.class }</th><th scope="col">{ t.average_vs_limit }</th></tr></thead>
                <tbody>
                    { for props.bars.iter().map(|b| html! {
                        <tr><th scope="row">{ b.name.clone() }</th><td>{ value_text(b.average, props.limit) }</td></tr>
                    }) }
                </tbody>
            </table>
        </figure>
    }
}
