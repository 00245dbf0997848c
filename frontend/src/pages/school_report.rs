//! The printable report of every grade the account may see (`/school/report?from=&to=`): one
//! sheet per grade, each an A4 page when printed. On screen it is the print preview, with
//! the print button and the period.
//!
//! Test ids: `#school-report` (`data-grades`: how many sheets to expect), the sheets
//! `section.grade-report[data-grade]`, `#print`, `a.back-link`.

use crate::api;
use crate::components::grade_report::GradeReport;
use crate::components::notice;
use crate::components::period::{Period, use_period};
use crate::components::print::PrintButton;
use crate::i18n::texts;
use crate::load::{Load, use_load};
use crate::route::Route;
use crate::state::use_session;
use chrono::NaiveDate;
use shared::api::Me;
use shared::{Grade, Lang, Policy, SchoolId};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(SchoolReportPage)]
pub fn school_report_page() -> Html {
    let session = use_session();
    match session.user() {
        Some((me, policy)) => html! { <ReportView {me} {policy} /> },
        None => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    me: Rc<Me>,
    policy: Rc<Policy>,
}

#[function_component(ReportView)]
fn report_view(props: &ViewProps) -> Html {
    let lang = use_session().lang;
    let t = texts(lang);
    let today = props.me.today;
    let (period, _) = use_period(today, props.policy.window_days);
    let classes = use_load((), |()| api::classes());
    let grades: Vec<Grade> = classes
        .data
        .value()
        .map(|list| list.iter().filter(|c| !c.archived).map(|c| c.grade).collect::<BTreeSet<_>>())
        .unwrap_or_default()
        .into_iter()
        .collect();
    let body = match &classes.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(_) if grades.is_empty() => notice::info(t.no_classes),
        Load::Loaded(_) => html! {
            <div class="report-sheets">
                { for grades.iter().map(|g| html! {
                    <GradeSheet school={props.me.user.school_id} grade={*g} {period} {today}
                                school_name={props.me.user.school_name.clone()} {lang} />
                }) }
            </div>
        },
    };
    html! {
        <main class="page report-page" id="school-report" data-grades={grades.len().to_string()}>
            <header class="page-head screen-only">
                <div>
                    <Link<Route, Period> to={Route::School} query={Some(period)} classes="back-link">
                        { "← " }{ t.back_to_school }
                    </Link<Route, Period>>
                    <h1>{ t.report_title }</h1>
                    <p class="sub">{ format!("{} {} – {} · {}", t.period, period.from, period.to, t.report_lead) }</p>
                </div>
                <div class="button-row"><PrintButton {lang} /></div>
            </header>
            { body }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct SheetProps {
    school: SchoolId,
    grade: Grade,
    period: Period,
    today: NaiveDate,
    school_name: AttrValue,
    lang: Lang,
}

/// One grade's sheet: loads its comparison and day table, then draws the report.
#[function_component(GradeSheet)]
fn grade_sheet(props: &SheetProps) -> Html {
    let inputs = (props.school, props.grade, props.period.window().ok());
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
    match (&comparison.data, &days.data) {
        (Load::Failed(e), _) | (_, Load::Failed(e)) => notice::failed(e, props.lang),
        (Load::Loaded(c), Load::Loaded(d)) => match (c.as_ref(), d.as_ref()) {
            (Some(c), Some(d)) => html! {
                <GradeReport comparison={Rc::new(c.clone())} days={Rc::new(d.clone())}
                             school_name={props.school_name.clone()} today={props.today} lang={props.lang} />
            },
            _ => html! {},
        },
        _ => notice::loading(props.lang),
    }
}
