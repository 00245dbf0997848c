//! What the SVG charts share: numbers for SVG attributes, a round top for the value axis, the
//! subjects' colours and the hatch that marks "over the limit".
//!
//! Colours are the Okabe–Ito set, which stays distinguishable for the common kinds of colour
//! blindness; over the limit is never shown by colour alone (hatching, ▲ and words as well).

use shared::{Lang, Subject};
use yew::prelude::*;

/// Okabe–Ito, in an order that keeps neighbouring subjects apart.
const SUBJECT_COLOURS: [&str; 8] =
    ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#7a5c00", "#9467bd", "#444444"];

/// The colour of the `index`-th subject of a grade (the policy's order), the same on every chart.
pub fn subject_colour(index: usize) -> &'static str {
    SUBJECT_COLOURS[index % SUBJECT_COLOURS.len()]
}

/// The colour of a subject key among the grade's `subjects`; unknown keys take the last colours.
pub fn colour_of(subjects: &[String], key: &str) -> &'static str {
    let index = subjects.iter().position(|s| s == key).unwrap_or(subjects.len());
    subject_colour(index)
}

/// A subject key in words (`math` → 数学 / Maths); unknown keys as they are.
pub fn subject_label(key: &str, lang: Lang) -> String {
    Subject::parse(key)
        .map(|s| shared::i18n::subject_name(&s, lang))
        .unwrap_or_else(|_| key.to_owned())
}

/// A number for an SVG attribute, to a tenth.
pub fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// Rounds up to a multiple of 30 minutes (at least 30), so the axis reads in half hours.
pub fn nice_ceiling(v: f64) -> f64 {
    ((v / 30.0).ceil() * 30.0).max(30.0)
}

/// The top of a value axis that shows `highest` and the `limit` with some room above.
pub fn axis_top(highest: f64, limit: u32) -> f64 {
    nice_ceiling(highest.max(f64::from(limit)).max(30.0) * 1.1)
}

/// The diagonal hatch of "over the limit", as a pattern named `id`. Every chart names its own,
/// because a pattern inside a hidden SVG (the printed report) cannot paint a visible one.
pub fn hatch_pattern(id: &str) -> Html {
    html! {
        <pattern id={id.to_owned()} width="6" height="6" patternUnits="userSpaceOnUse"
                 patternTransform="rotate(45)">
            <rect width="6" height="6" class="hatch-bg" />
            <line x1="0" y1="0" x2="0" y2="6" class="hatch-line" />
        </pattern>
    }
}

/// Hatch lines alone, to lay over coloured segments: the part of a bar above the limit keeps
/// its subjects' colours and is still marked.
pub fn over_lines_pattern(id: &str) -> Html {
    html! {
        <pattern id={id.to_owned()} width="6" height="6" patternUnits="userSpaceOnUse"
                 patternTransform="rotate(45)">
            <line x1="0" y1="0" x2="0" y2="6" class="over-line" />
        </pattern>
    }
}

/// Light horizontal lines every half hour, labelled on the left, behind a chart's bars.
pub fn gridlines(top_value: f64, y: impl Fn(f64) -> f64, left: f64, right: f64) -> Html {
    let steps = (top_value / 30.0).round() as u32;
    let every = if steps > 6 { 2 } else { 1 };
    html! {
        <g class="grid">
            { for (1..steps).filter(|k| k % every == 0).map(|k| {
                let v = f64::from(k) * 30.0;
                html! {
                    <>
                        <line x1={fmt(left)} x2={fmt(right)} y1={fmt(y(v))} y2={fmt(y(v))} />
                        <text class="axis-value" x={fmt(left - 6.0)} y={fmt(y(v) + 4.0)}>{ format!("{v:.0}") }</text>
                    </>
                }
            }) }
        </g>
    }
}

/// The hatch for missing days: grey, the other way round.
pub fn missing_pattern(id: &str) -> Html {
    html! {
        <pattern id={id.to_owned()} width="6" height="6" patternUnits="userSpaceOnUse"
                 patternTransform="rotate(-45)">
            <rect width="6" height="6" class="missing-bg" />
            <line x1="0" y1="0" x2="0" y2="6" class="missing-line" />
        </pattern>
    }
}

/// `▲ 104.2` over the limit, `104.2` otherwise; `–` for no value.
pub fn value_text(v: Option<f64>, limit: u32) -> String {
    match v {
        Some(v) if v > f64::from(limit) => format!("▲ {v:.1}"),
        Some(v) => format!("{v:.1}"),
        None => "–".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_tops_out_at_a_whole_half_hour_above_the_limit() {
        assert_eq!(nice_ceiling(99.0), 120.0);
        assert_eq!(nice_ceiling(0.0), 30.0);
        assert_eq!(nice_ceiling(90.0), 90.0);
        assert_eq!(axis_top(50.0, 90), 120.0);
        assert_eq!(axis_top(0.0, 0), 60.0);
    }

    #[test]
    fn a_subject_keeps_its_colour_by_its_place_in_the_grade() {
        let subjects = vec!["chinese".to_owned(), "math".to_owned()];
        assert_eq!(colour_of(&subjects, "math"), subject_colour(1));
        assert_eq!(colour_of(&subjects, "art"), subject_colour(2));
        assert_eq!(value_text(Some(104.24), 90), "▲ 104.2");
        assert_eq!(value_text(Some(60.0), 90), "60.0");
    }
}
