//! Expected against actual (the summary's `expected_vs_actual`): per subject, what its teachers
//! filed beside what the pupils reported it took, as two bars on one scale with both numbers
//! and the difference written out; a subject flagged `actual_above_expected` is marked ▲ in
//! words too, never by colour alone. And the grade page's cell: the subjects of a class that
//! took too far above their estimate.
//!
//! Test ids: `#expected-actual` holding `li[data-subject]` rows (`data-expected`, `data-actual`,
//! `data-above=true|false`), each with `.expected-bar`, `.actual-bar` and `.ea-numbers`.

use crate::components::chart::{colour_of, subject_label};
use shared::flags::FlagReason;
use shared::plans::ExpectedActual;
use shared::{Flag, Lang};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExpectedActualProps {
    pub rows: Vec<ExpectedActual>,
    /// The class's flags: those of kind `actual_above_expected` mark their subject.
    pub flags: Vec<Flag>,
    /// The subjects in colour order.
    pub subjects: Vec<String>,
    pub lang: Lang,
}

/// The subjects a class's flags say took too far above their estimate.
pub fn subjects_above(flags: &[Flag]) -> Vec<(String, f64, f64)> {
    flags
        .iter()
        .filter_map(|f| match &f.reason {
            FlagReason::ActualAboveExpected {
                subject, expected_average, actual_average, ..
            } => Some((subject.clone(), *expected_average, *actual_average)),
            _ => None,
        })
        .collect()
}

#[function_component(ExpectedActualChart)]
pub fn expected_actual_chart(props: &ExpectedActualProps) -> Html {
    let lang = props.lang;
    let zh = lang == Lang::Zh;
    let above: Vec<String> = subjects_above(&props.flags).into_iter().map(|a| a.0).collect();
    let widest =
        props.rows.iter().map(|r| r.expected_average.max(r.actual_average)).fold(1.0_f64, f64::max);
    let width = |v: f64| format!("width:{:.1}%", v / widest * 100.0);
    let (filed, took, days) =
        if zh { ("备案", "实际", "天") } else { ("filed", "took", "days") };
    html! {
        <div id="expected-actual">
            <p class="ea-legend fine-print">
                <span class="ea-key expected-bar"></span>{ if zh { "老师备案的预计分钟" } else { "Minutes the teachers expected" } }
                <span class="ea-key actual-bar"></span>{ if zh { "学生登记的实际分钟（平均）" } else { "Minutes it took, as reported (average)" } }
            </p>
            <ul class="ea-rows">
                { for props.rows.iter().map(|r| {
                    let is_above = above.contains(&r.subject);
                    let diff = r.actual_average - r.expected_average;
                    let colour = colour_of(&props.subjects, &r.subject);
                    html! {
                        <li data-subject={r.subject.clone()} data-expected={format!("{:.1}", r.expected_average)}
                            data-actual={format!("{:.1}", r.actual_average)} data-above={is_above.to_string()}
                            class={classes!(is_above.then_some("over"))}>
                            <span class="bar-name">{ subject_label(&r.subject, lang) }</span>
                            <span class="ea-bars">
                                <span class="bar-track"><span class="expected-bar" style={format!("{};border-color:{colour}", width(r.expected_average))}></span></span>
                                <span class="bar-track"><span class="actual-bar" style={format!("{};background:{colour}", width(r.actual_average))}></span></span>
                            </span>
                            <span class="ea-numbers">
                                { format!("{filed} {:.1} · {took} {:.1}", r.expected_average, r.actual_average) }
                                <span class={classes!("ea-diff", is_above.then_some("over"))}>
                                    { format!(" ({}{diff:+.1})", if is_above { "▲ " } else { "" }) }
                                </span>
                                <span class="muted">{ format!(" · {} {days}", r.days) }</span>
                            </span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
