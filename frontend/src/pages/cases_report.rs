//! The grade's half-monthly case report (`/schools/{school}/grades/{grade}/cases-report?from=&to=`,
//! default the policy window ending today): the cases opened, acted on, resolved and escalated in
//! the period, on one A4 sheet like the grade report, for the paper file schools keep. On screen
//! it is the print preview, with the period and the print button. No names of people: classes,
//! flags, days and what was done.
//!
//! Test ids: `#cases-report`, `section.grade-report.cases-report[data-ready]`, its parts
//! `#report-{opened|acted_on|resolved|escalated}` (`data-count`), rows `tr[data-case-id]`, `#print`.

use crate::api;
use crate::components::notice;
use crate::components::period::{Period, PeriodPicker, use_period};
use crate::components::print::PrintButton;
use crate::i18n::{flag_label, grade_name, texts};
use crate::load::{Load, use_load};
use crate::route::Route;
use crate::state::use_session;
use shared::cases::{Case, CaseStatus, CasesReport};
use shared::{Grade, Lang, SchoolId};
use yew::prelude::*;
use yew_router::prelude::*;

/// The page's words: title, the four parts, the columns, none, signature line.
fn words(lang: Lang) -> [&'static str; 12] {
    match lang {
        Lang::Zh => [
            "半月整改报告",
            "新开立",
            "已整改（措施生效或登记于本期）",
            "复查后解决",
            "复查后升级",
            "班级",
            "问题",
            "窗口",
            "现状",
            "整改措施",
            "无",
            "年级组长签字：＿＿＿＿＿＿　日期：＿＿＿＿＿＿",
        ],
        Lang::En => [
            "Half-monthly case report",
            "Opened",
            "Acted on (took effect or recorded in the period)",
            "Resolved by a recheck",
            "Escalated by a recheck",
            "Class",
            "Issue",
            "Window",
            "Status now",
            "Action taken",
            "None",
            "Grade leader's signature: ____________  Date: ____________",
        ],
    }
}

fn status_word(status: CaseStatus, lang: Lang) -> &'static str {
    match (status, lang) {
        (CaseStatus::Open, Lang::Zh) => "待处理",
        (CaseStatus::ActionTaken, Lang::Zh) => "已整改",
        (CaseStatus::Escalated, Lang::Zh) => "已升级",
        (CaseStatus::Resolved, Lang::Zh) => "已解决",
        (CaseStatus::Open, _) => "Open",
        (CaseStatus::ActionTaken, _) => "Action taken",
        (CaseStatus::Escalated, _) => "Escalated",
        (CaseStatus::Resolved, _) => "Resolved",
    }
}

#[derive(Properties, PartialEq)]
pub struct CasesReportProps {
    pub school: SchoolId,
    pub grade: u8,
}

#[function_component(CasesReportPage)]
pub fn cases_report_page(props: &CasesReportProps) -> Html {
    let session = use_session();
    let lang = session.lang;
    let (me, policy) = match session.user() {
        Some(u) => u,
        None => return html! {},
    };
    let today = me.today;
    let (period, set_period) = use_period(today, policy.window_days);
    let grade = Grade::new(i64::from(props.grade)).ok();
    let report = use_load((props.school, grade, period), |(school, grade, p)| async move {
        match grade {
            Some(g) => api::cases::report(school, g, p.from, p.to).await.map(Some),
            None => Ok(None),
        }
    });
    let w = words(lang);
    let t = texts(lang);
    let body = match &report.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(r) => match r.as_ref() {
            Some(r) => sheet(r, &me.user.school_name, lang),
            None => notice::info(t.not_found_text),
        },
    };
    html! {
        <main class="page report-page" id="cases-report">
            <header class="page-head screen-only">
                <div>
                    <Link<Route, Period> to={Route::Comparison { school: props.school, grade: props.grade }}
                                         query={Some(period)} classes="back-link">
                        { "← " }{ grade_name_or(props.grade, lang) }
                    </Link<Route, Period>>
                    <h1>{ w[0] }</h1>
                </div>
                <div class="button-row"><PrintButton {lang} /></div>
            </header>
            <div class="screen-only">
                <PeriodPicker {period} {today} window_days={policy.window_days} on_change={set_period} {lang} />
            </div>
            <div class="report-sheets">{ body }</div>
        </main>
    }
}

fn sheet(r: &CasesReport, school_name: &str, lang: Lang) -> Html {
    let w = words(lang);
    let t = texts(lang);
    let parts: [(&str, &str, &[Case]); 4] = [
        ("opened", w[1], &r.opened),
        ("acted_on", w[2], &r.acted_on),
        ("resolved", w[3], &r.resolved),
        ("escalated", w[4], &r.escalated),
    ];
    html! {
        <section class="grade-report cases-report" data-grade={r.grade.to_string()} data-ready="true">
            <header class="report-head">
                <h2>{ format!("{school_name} {} · {}", grade_name(r.grade, lang), w[0]) }</h2>
                <p class="report-period">
                    { format!("{} {} – {}", t.period, r.from, r.to) }
                    { for parts.iter().map(|(_, title, list)| html! { { format!(" · {title} {}", list.len()) } }) }
                </p>
            </header>
            { for parts.iter().map(|(key, title, list)| html! {
                <section class="report-part" id={format!("report-{key}")} data-count={list.len().to_string()}>
                    <h3>{ format!("{title}（{}）", list.len()) }</h3>
                    if list.is_empty() {
                        <p class="muted">{ w[10] }</p>
                    } else {
                        <table class="data-table compact report-table">
                            <thead>
                                <tr>
                                    <th scope="col">{ w[5] }</th>
                                    <th scope="col">{ w[6] }</th>
                                    <th scope="col">{ w[7] }</th>
                                    <th scope="col">{ w[9] }</th>
                                    <th scope="col">{ w[8] }</th>
                                </tr>
                            </thead>
                            <tbody>{ for list.iter().map(|c| row(c, lang)) }</tbody>
                        </table>
                    }
                </section>
            }) }
            <p class="signature">{ w[11] }</p>
        </section>
    }
}

fn row(c: &Case, lang: Lang) -> Html {
    let subject = c.subject.as_deref().map(|s| format!(" · {s}")).unwrap_or_default();
    // The latest action, without who recorded it: the sheet names no people.
    let action = c
        .actions
        .last()
        .map(|a| format!("{}: {}", a.effective_date, a.text))
        .unwrap_or_else(|| "–".to_owned());
    html! {
        <tr data-case-id={c.id.to_string()} class={classes!(c.overdue.then_some("over"))}>
            <th scope="row">{ c.class_name.clone() }</th>
            <td>{ format!("{}{subject}", flag_label(&c.kind, lang)) }</td>
            <td>{ format!("{} – {}", c.window.from, c.window.to) }</td>
            <td class="case-action-text">{ action }</td>
            <td>{ status_word(c.status, lang) }</td>
        </tr>
    }
}

/// "Grade 7" for the back link (the number as given when it is no grade).
fn grade_name_or(grade: u8, lang: Lang) -> String {
    Grade::new(i64::from(grade)).map_or_else(|_| grade.to_string(), |g| grade_name(g, lang))
}
