//! Which subject drives each class's load: a class × subject table of average minutes a day,
//! each cell with a bar in the subject's colour, the biggest subject of each class marked ★ and
//! named in words at the end of the row.
//!
//! Test ids: `#subjects-table`, rows `tr[data-class-id]` with cells `td[data-subject]
//! [data-value]`, the leading one also `.top`; `.driver` names it.

use crate::components::chart::{colour_of, subject_label};
use crate::i18n::texts;
use shared::Lang;
use shared::api::{ClassSubjects, GradeSubjects};
use yew::prelude::*;

/// The subject with the most minutes a day, if any has minutes.
pub fn driver(class: &ClassSubjects) -> Option<(&str, f64)> {
    class
        .subject_averages
        .iter()
        .filter(|(_, v)| **v > 0.0)
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(k, v)| (k.as_str(), *v))
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
        let top = driver(class);
        let total: f64 = class.subject_averages.values().sum();
        let cells = g.subjects.iter().map(|s| {
            let value = class.subject_averages.get(s).copied();
            let is_top = top.is_some_and(|(k, _)| k == s);
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
        let words = match top {
            Some((k, v)) if total > 0.0 => t.driver_words(&subject_label(k, props.lang), v, v / total * 100.0),
            _ => t.no_reports_in_period.to_owned(),
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
        assert_eq!(driver(&class), Some(("math", 40.0)));
        let none = ClassSubjects { subject_averages: Default::default(), ..class };
        assert_eq!(driver(&none), None);
    }
}
