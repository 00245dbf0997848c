//! A grade's report on one A4 page, for the grade leader's paper file: the key numbers, the
//! classes' averages against the limit, the class × day heat map, and the table with every flag
//! in words. The grade page prints it (`#print`); the school's report page prints one per grade,
//! each on its own page (`page-break-after` in the style sheet's print rules).
//!
//! Test ids: `section.grade-report[data-grade]` (`data-ready="true"` once drawn), its
//! `tr[data-class-id]` rows.

use crate::components::chart::value_text;
use crate::components::class_bars::{ClassBar, ClassBars};
use crate::components::heat_map::HeatMap;
use crate::i18n::{flag_label, grade_name, texts};
use chrono::NaiveDate;
use shared::Lang;
use shared::api::{GradeComparison, GradeDays};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct GradeReportProps {
    pub comparison: Rc<GradeComparison>,
    pub days: Rc<GradeDays>,
    pub school_name: AttrValue,
    pub today: NaiveDate,
    pub lang: Lang,
}

#[function_component(GradeReport)]
pub fn grade_report(props: &GradeReportProps) -> Html {
    let t = texts(props.lang);
    let c = &props.comparison;
    let grade = c.grade;
    let flagged = c.classes.iter().filter(|r| !r.flags.is_empty()).count();
    let bars: Vec<ClassBar> = c
        .classes
        .iter()
        .map(|r| ClassBar {
            class_id: r.class_id,
            name: r.name.clone(),
            average: r.average_daily_minutes,
        })
        .collect();
    let rows = c.classes.iter().map(|r| {
        let mut day_flags = 0;
        let mut words = Vec::new();
        for f in &r.flags {
            if f.kind() == "over_daily_limit" {
                day_flags += 1;
            } else {
                words.push(html! {
                    <li class={classes!("flag-line", if f.severity == shared::Severity::Alert { "alert" } else { "warning" })}>
                        <strong>{ flag_label(f.kind(), props.lang) }{ "：" }</strong>{ f.message_in(props.lang).to_owned() }
                    </li>
                });
            }
        }
        if day_flags > 0 {
            words.push(html! {
                <li class="flag-line warning"><strong>{ format!("{} × {day_flags}", flag_label("over_daily_limit", props.lang)) }</strong></li>
            });
        }
        let over = r.average_daily_minutes.is_some_and(|a| a > f64::from(c.limit_minutes));
        html! {
            <tr data-class-id={r.class_id.to_string()} class={classes!(over.then_some("over"))}>
                <th scope="row">{ r.name.clone() }</th>
                <td class="num">{ r.days_reported }</td>
                <td class="num">{ value_text(r.average_daily_minutes, c.limit_minutes) }</td>
                <td class="num">{ r.deviation_minutes.map_or_else(|| "–".to_owned(), |d| format!("{d:+.1}")) }</td>
                <td>
                    if words.is_empty() && r.days_reported == 0 {
                        <span class="muted no-data">{ if props.lang == shared::Lang::Zh { "暂无数据" } else { "no data" } }</span>
                    } else if words.is_empty() { <span class="muted">{ "✓" }</span> }
                    else { <ul class="flag-lines">{ for words }</ul> }
                </td>
            </tr>
        }
    });
    html! {
        <section class="grade-report" data-grade={grade.to_string()} data-ready="true">
            <header class="report-head">
                <h2>{ format!("{} {} · {}", props.school_name, grade_name(grade, props.lang), t.report_title) }</h2>
                <p class="report-period">
                    { format!("{} {} – {}", t.period, c.from, c.to) }
                    { " · " }{ format!("{} {} {}", t.daily_limit, c.limit_minutes, t.minutes_unit) }
                    { " · " }{ format!("{} {}", t.grade_average, c.grade_average_minutes.map_or_else(|| "–".to_owned(), |a| format!("{a:.1}"))) }
                    { " · " }{ format!("{} {flagged} / {}", t.classes_flagged, c.classes.len()) }
                </p>
            </header>
            <div class="report-charts">
                <ClassBars id={format!("report-bars-{grade}")} {bars} limit={c.limit_minutes}
                           grade_average={c.grade_average_minutes} lang={props.lang} />
                <HeatMap id={format!("report-heat-{grade}")} days={props.days.clone()} today={props.today} lang={props.lang} />
            </div>
            <table class="data-table compact report-table">
                <thead>
                    <tr>
                        <th scope="col">{ t.class }</th>
                        <th scope="col" class="num">{ t.days_reported }</th>
                        <th scope="col" class="num">{ t.average_vs_limit }</th>
                        <th scope="col" class="num">{ t.deviation }</th>
                        <th scope="col">{ t.flags_title }</th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
            <p class="fine-print">{ t.heat_map_hint }{ " " }{ t.comparison_rules }</p>
            <p class="signature">{ t.report_signature }</p>
        </section>
    }
}
