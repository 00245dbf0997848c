//! Which subject drives each class's load: a class × subject table of average minutes a day,
//! each cell with a bar in the subject's colour, the biggest subject of each class marked ★ and
//! named in words at the end of the row (all of them where two or more tie).
//!
//! Test ids: `#subjects-table`, rows `tr[data-class-id]` with cells `td[data-subject]
//! [data-value]`, the leading ones (every subject that ties) also `.top`; `.driver` names them.

use crate::components::chart::{colour_of, subject_label};
use crate::i18n::texts;
use shared::Lang;
use shared::api::{ClassSubjects, GradeSubjects};
use yew::prelude::*;

/// The subjects with the most minutes a day (every one that ties) and their minutes.
pub fn drivers(class: &ClassSubjects) -> (Vec<&str>, f64) {
    shared::trend::biggest_subjects(&class.subject_averages)
}

/// `数学、英语并列最多：每天 40.0 分钟，各占 35%` / `Maths and English tie: …`.
fn tie_words(names: &[String], minutes: f64, share: f64, lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            format!("{}并列最多：每天各 {minutes:.1} 分钟，各占 {share:.0}%", names.join("、"))
        }
        Lang::En => format!(
            "{} tie: {minutes:.1} min a day each, {share:.0}% of the load each",
            names.join(" and ")
        ),
    }
}

#[derive(Properties, PartialEq)]
pub struct SubjectsTableProps {
    pub subjects: std::rc::Rc<GradeSubjects>,
    pub lang: Lang,
}

#[function_component(SubjectsTable)]
pub fn subjects_table(props: &SubjectsTableProps) -> Html {
    let t = texts(props.lang);
    let g = &props.subjects;
    let widest =
        g.classes.iter().flat_map(|c| c.subject_averages.values().copied()).fold(1.0, f64::max);
    let rows = g.classes.iter().map(|class| {
        let (top, top_minutes) = drivers(class);
        let total: f64 = class.subject_averages.values().sum();
        let cells = g.subjects.iter().map(|s| {
            let value = class.subject_averages.get(s).copied();
            let is_top = top.contains(&s.as_str());
            let share = value.map_or(0.0, |v| v / widest * 100.0);
            html! {
                <td class={classes!("num", "subject-cell", is_top.then_some("top"))} data-subject={s.clone()}
                    data-value={value.map(|v| format!("{v:.1}"))}>
                    <span class="cell-bar" style={format!("width:{share:.0}%;background:{}", colour_of(&g.subjects, s))}></span>
                    <span class="cell-number">
                        { if is_top { "★ " } else { "" } }{ value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}")) }
                    </span>
                </td>
            }
        });
        let share = if total > 0.0 { top_minutes / total * 100.0 } else { 0.0 };
        let words = match top.as_slice() {
            [] => t.no_reports_in_period.to_owned(),
            [one] => t.driver_words(&subject_label(one, props.lang), top_minutes, share),
            many => {
                let names: Vec<String> = many.iter().map(|k| subject_label(k, props.lang)).collect();
                tie_words(&names, top_minutes, share, props.lang)
            }
        };
        html! {
            <tr data-class-id={class.class_id.to_string()}>
                <th scope="row">{ class.name.clone() }</th>
                { for cells }
                <td class="driver">{ words }</td>
            </tr>
        }
    });
    html! {
        <div class="table-scroll">
            <table id="subjects-table" class="data-table subjects-table">
                <caption class="visually-hidden">{ t.subjects_title }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ t.class }</th>
                        { for g.subjects.iter().map(|s| html! {
                            <th scope="col" class="num">
                                <span class="swatch" style={format!("background:{}", colour_of(&g.subjects, s))}></span>
                                { subject_label(s, props.lang) }
                            </th>
                        }) }
                        <th scope="col">{ t.subject_driver }</th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_driver_is_the_subject_with_the_most_minutes() {
        let class = ClassSubjects {
            class_id: 1,
            name: "7(1)".into(),
            days_reported: 5,
            subject_averages: [("math".to_owned(), 40.0), ("chinese".to_owned(), 25.5)].into(),
        };
        assert_eq!(drivers(&class), (vec!["math"], 40.0));
        let tie = ClassSubjects {
            subject_averages: [("math".to_owned(), 40.0), ("english".to_owned(), 40.0)].into(),
            ..class.clone()
        };
        assert_eq!(drivers(&tie), (vec!["english", "math"], 40.0));
        let names = ["数学".to_owned(), "英语".to_owned()];
        assert!(tie_words(&names, 40.0, 50.0, Lang::Zh).starts_with("数学、英语并列最多"));
        let none = ClassSubjects { subject_averages: Default::default(), ..class };
        assert_eq!(drivers(&none), (vec![], 0.0));
    }
}
