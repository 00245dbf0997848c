//! A grade's classes side by side (`/schools/{sid}/grades/{g}?from=&to=`): the classes' averages
//! as bars against the limit and the grade average, a class × day heat map, the sortable table
//! with each class's flags in words, which subject drives each class's load, and a CSV link next
//! to every table. `#print` prints the grade's one-page report (drawn only for paper).
//!
//! Test ids: `#comparison-page`, `#grade-average` (`data-average`), `#grade-limit`,
//! `#class-bars` (see `components::class_bars`), `#heat-map` (see `components::heat_map`),
//! `#comparison-table` (see `table`), `#subjects-table` (see `subjects`); CSV links
//! `#csv-download` (comparison), `#days-csv`, `#subjects-csv`; `#print`; the period picker's
//! presets and `#period-from`, `#period-to`.

mod subjects;
mod table;

use crate::api;
use crate::components::class_bars::{ClassBar, ClassBars};
use crate::components::csv_link::CsvLink;
use crate::components::data_quality::DataQuality;
use crate::components::grade_report::GradeReport;
use crate::components::heat_map::HeatMap;
use crate::components::notice;
use crate::components::period::{Period, PeriodPicker, use_period};
use crate::components::print::PrintButton;
use crate::i18n::{grade_name, texts};
use crate::load::{Load, use_load};
use crate::route::Route;
use crate::state::use_session;
use shared::api::{GradeComparison, Me};
use shared::{Grade, Policy, SchoolId};
use std::rc::Rc;
use subjects::SubjectsTable;
use table::ComparisonTable;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ComparisonPageProps {
    pub school: SchoolId,
    pub grade: u8,
}

#[function_component(ComparisonPage)]
pub fn comparison_page(props: &ComparisonPageProps) -> Html {
    let session = use_session();
    let t = texts(session.lang);
    let (Some((me, policy)), Ok(grade)) = (session.user(), Grade::new(i64::from(props.grade)))
    else {
        return html! { <main class="page">{ notice::info(t.not_found_text) }</main> };
    };
    html! { <ComparisonView school={props.school} {grade} {me} {policy} /> }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    school: SchoolId,
    grade: Grade,
    me: Rc<Me>,
    policy: Rc<Policy>,
}

#[function_component(ComparisonView)]
fn comparison_view(props: &ViewProps) -> Html {
    let lang = use_session().lang;
    let t = texts(lang);
    let today = props.me.today;
    let (period, set_period) = use_period(today, props.policy.window_days);
    let (school, grade) = (props.school, props.grade);
    let inputs = (school, grade, period.window().ok());
    let comparison = use_load(inputs, |(school, grade, w)| async move {
        match w {
            Some(w) => api::comparison(school, grade, w.from(), w.to()).await.map(Some),
            None => Ok(None),
        }
    });
    let days = use_load(inputs, |(school, grade, w)| async move {
        match w {
            Some(w) => api::grade_days(school, grade, w.from(), w.to()).await.map(Some),
            None => Ok(None),
        }
    });
    let subjects = use_load(inputs, |(school, grade, w)| async move {
        match w {
            Some(w) => api::grade_subjects(school, grade, w.from(), w.to()).await.map(Some),
            None => Ok(None),
        }
    });
    let csv = |table: &str| api::grade_csv_url(school, grade, table, period.from, period.to);

    let summary = match &comparison.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(c) => match c.as_ref() {
            Some(c) => html! {
                <>
                    { stat_cards(c, lang) }
                    <section class="card" id="class-bars-card">
                        <h2>{ t.class_averages_chart }</h2>
                        <ClassBars id="class-bars" bars={bars(c)} limit={c.limit_minutes}
                                   grade_average={c.grade_average_minutes} {lang} />
                    </section>
                    <section class="card table-card">
                        <div class="card-head">
                            <h2>{ t.comparison_table_caption }</h2>
                            <CsvLink id="csv-download" href={csv("comparison")} {lang} />
                        </div>
                        <p class="hint">{ t.sort_hint }</p>
                        <div class="table-wrap">
                            <ComparisonTable comparison={Rc::new(c.clone())} {period} {lang} />
                        </div>
                    </section>
                </>
            },
            None => html! {},
        },
    };
    let heat = match &days.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(d) => match d.as_ref() {
            Some(d) => html! { <HeatMap id="heat-map" days={Rc::new(d.clone())} {today} {lang} /> },
            None => html! {},
        },
    };
    let quality = match days.data.value().as_deref() {
        Some(Some(d)) => html! { <DataQuality days={Rc::new(d.clone())} {lang} /> },
        _ => html! {},
    };
    let subject_table = match &subjects.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(s) => match s.as_ref() {
            Some(s) => html! { <SubjectsTable subjects={Rc::new(s.clone())} {lang} /> },
            None => html! {},
        },
    };
    let report = match (comparison.data.value(), days.data.value()) {
        (Some(c), Some(d)) => match (c.as_ref(), d.as_ref()) {
            (Some(c), Some(d)) => html! {
                <div class="print-only">
                    <GradeReport comparison={Rc::new(c.clone())} days={Rc::new(d.clone())}
                                 school_name={props.me.user.school_name.clone()} {today} {lang} />
                </div>
            },
            _ => html! {},
        },
        _ => html! {},
    };

    let failed = [comparison.data.error(), days.data.error(), subjects.data.error()];
    if let Some(page) = crate::components::refused_page::refused_page(failed, lang) {
        return page;
    }
    html! {
        <main class="page comparison-page" id="comparison-page">
            <div class="screen-only">
                <header class="page-head">
                    <div>
                        <h1>{ format!("{} {}", grade_name(grade, lang), t.comparison_title) }</h1>
                        <p class="sub">{ t.comparison_lead }</p>
                    </div>
                    <div class="button-row">
                        <Link<Route, Period> to={Route::CasesReport { school, grade: grade.get() }} query={Some(period)}
                                             classes="button ghost cases-report-link">
                            { if lang == shared::Lang::Zh { "半月整改报告" } else { "Half-monthly case report" } }
                        </Link<Route, Period>>
                        <PrintButton {lang} />
                    </div>
                </header>
                <PeriodPicker {period} {today} window_days={props.policy.window_days}
                              on_change={set_period} {lang} />
                { summary }
                { quality }
                <section class="card" id="heat-map-card">
                    <div class="card-head">
                        <h2>{ t.heat_map_title }</h2>
                        <CsvLink id="days-csv" href={csv("days")} {lang} />
                    </div>
                    <p class="hint">{ t.heat_map_hint }</p>
                    { heat }
                </section>
                <section class="card" id="subjects-card">
                    <div class="card-head">
                        <h2>{ t.subjects_title }</h2>
                        <CsvLink id="subjects-csv" href={csv("subjects")} {lang} />
                    </div>
                    { subject_table }
                </section>
                <p class="fine-print">{ t.comparison_rules }</p>
            </div>
            { report }
        </main>
    }
}

fn bars(c: &GradeComparison) -> Vec<ClassBar> {
    c.classes
        .iter()
        .map(|r| ClassBar {
            class_id: r.class_id,
            name: r.name.clone(),
            average: r.average_daily_minutes,
        })
        .collect()
}

fn stat_cards(c: &GradeComparison, lang: shared::Lang) -> Html {
    let t = texts(lang);
    let flagged = c.classes.iter().filter(|r| !r.flags.is_empty()).count();
    let over = c
        .classes
        .iter()
        .filter(|r| r.average_daily_minutes.is_some_and(|a| a > f64::from(c.limit_minutes)))
        .count();
    html! {
        <section class="stat-cards">
            <div class="card stat" id="grade-average"
                 data-average={c.grade_average_minutes.map(|a| format!("{a:.1}")).unwrap_or_default()}>
                <span class="stat-label">{ t.grade_average }</span>
                <span class="stat-value">{ c.grade_average_minutes.map_or_else(|| "–".to_owned(), |a| format!("{a:.1}")) }</span>
                <span class="stat-unit">{ t.minutes_per_day }</span>
            </div>
            <div class="card stat" id="grade-limit">
                <span class="stat-label">{ t.daily_limit }</span>
                <span class="stat-value">{ c.limit_minutes }</span>
                <span class="stat-unit">{ t.minutes_per_day }</span>
            </div>
            <div class={classes!("card", "stat", (over > 0).then_some("over"))} id="classes-over">
                <span class="stat-label">{ t.classes_over_limit }</span>
                <span class="stat-value">{ format!("{}{over} / {}", if over > 0 { "▲ " } else { "" }, c.classes.len()) }</span>
                <span class="stat-unit">{ t.classes_over_limit_hint }</span>
            </div>
            <div class="card stat" id="classes-flagged">
                <span class="stat-label">{ t.classes_flagged }</span>
                <span class="stat-value">{ format!("{flagged} / {}", c.classes.len()) }</span>
            </div>
        </section>
    }
}
