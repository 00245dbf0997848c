//! Spot checks (随机抽查, `/spot-checks`), the school admin's: draw classes at random for a date
//! (of one grade or the whole school), print the inspection sheet, record what the inspection
//! found, and see each drawn class's reported against observed total, discrepancies marked; a
//! discrepancy can open a case of its own. The sheet is its own page,
//! `/spot-checks/{id}/sheet`, one A4 page to fill in by hand.
//!
//! Test ids: `#spot-checks-page`, `#spot-date`, `#spot-count`, `#spot-grade`, `#spot-draw`,
//! `section.spot-check#spot-check-{id}`, `a.spot-sheet-link`, rows `tr[data-class-id]` with
//! `.reported`, `.observed`, `.difference`, `.verdict` (`data-discrepancy`), the record form
//! `#observe-{id}-{class}-{subject}`, `#observe-{id}-{class}-note`, `#observe-{id}-{class}-save`,
//! the case button `#spot-case-{id}-{class}`; the sheet `#spot-sheet`.

use crate::api::{self, ApiError};
use crate::components::chart::subject_label;
use crate::components::notice;
use crate::components::print::PrintButton;
use crate::dates::days_before;
use crate::i18n::grade_name;
use crate::load::{Load, use_load};
use crate::route::Route;
use crate::state::use_session;
use chrono::NaiveDate;
use shared::report::EntryInput;
use shared::spot_checks::{SpotCheck, SpotCheckClass};
use shared::{ClassId, Lang};
use std::collections::BTreeSet;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

/// How far back the page lists spot checks.
const LIST_DAYS: u64 = 60;

/// The page's words.
struct Words {
    title: &'static str,
    date: &'static str,
    count: &'static str,
    grade: &'static str,
    whole_school: &'static str,
    draw: &'static str,
    none: &'static str,
    sheet: &'static str,
    class: &'static str,
    subject: &'static str,
    reported: &'static str,
    observed: &'static str,
    difference: &'static str,
    verdict: &'static str,
    differs: &'static str,
    agrees: &'static str,
    not_checked: &'static str,
    no_report: &'static str,
    record: &'static str,
    note: &'static str,
    save: &'static str,
    open_case: &'static str,
    case_opened: &'static str,
    case_exists: &'static str,
    see_it: &'static str,
    sheet_title: &'static str,
    minutes: &'static str,
    total: &'static str,
    findings: &'static str,
    signature: &'static str,
    rule: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Zh => Words {
            title: "随机抽查",
            date: "抽查日期",
            count: "抽取班级数",
            grade: "年级",
            whole_school: "全校",
            draw: "随机抽取",
            none: "这段时间没有抽查。",
            sheet: "打印检查表",
            class: "班级",
            subject: "科目",
            reported: "上报（分钟）",
            observed: "核查（分钟）",
            difference: "差额",
            verdict: "结论",
            differs: "▲ 不符",
            agrees: "✓ 相符",
            not_checked: "未核查",
            no_report: "未上报",
            record: "登记核查结果",
            note: "备注",
            save: "保存核查结果",
            open_case: "开立整改",
            case_opened: "已开立整改",
            case_exists: "已有未结整改",
            see_it: "查看",
            sheet_title: "作业时长随机抽查检查表",
            minutes: "核查分钟",
            total: "合计",
            findings: "核查情况",
            signature: "检查人签字：＿＿＿＿＿＿　日期：＿＿＿＿＿＿",
            rule: "差额超过 10 分钟且超过核查合计的 25% 即为不符；当天未上报而有核查记录亦为不符。",
        },
        Lang::En => Words {
            title: "Spot checks",
            date: "Date",
            count: "Classes to draw",
            grade: "Grade",
            whole_school: "Whole school",
            draw: "Draw at random",
            none: "No spot checks in this time.",
            sheet: "Print inspection sheet",
            class: "Class",
            subject: "Subject",
            reported: "Reported (min)",
            observed: "Observed (min)",
            difference: "Difference",
            verdict: "Finding",
            differs: "▲ Differs",
            agrees: "✓ Agrees",
            not_checked: "Not checked yet",
            no_report: "not reported",
            record: "Record the inspection",
            note: "Note",
            save: "Save the inspection",
            open_case: "Open case",
            case_opened: "Case opened",
            case_exists: "A case is already open",
            see_it: "See it",
            sheet_title: "Homework time spot check: inspection sheet",
            minutes: "Minutes observed",
            total: "Total",
            findings: "Findings",
            signature: "Inspector's signature: ____________  Date: ____________",
            rule: "A difference of more than 10 minutes and more than 25% of the observed total differs; an observation on a day with no report differs too.",
        },
    }
}

#[function_component(SpotChecksPage)]
pub fn spot_checks_page() -> Html {
    let session = use_session();
    let lang = session.lang;
    let today = session.user().map(|(me, _)| me.today);
    let date = use_state(|| today);
    let count = use_state(|| 2i64);
    let grade = use_state(|| None::<i64>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let classes = use_load((), |()| api::classes());
    let list = use_load(today, |today| async move {
        match today {
            Some(t) => api::spot_checks::list(days_before(t, LIST_DAYS), t).await,
            None => Ok(Vec::new()),
        }
    });
    let Some(today) = today else {
        return html! {};
    };
    let w = words(lang);
    let grades: BTreeSet<u8> = classes
        .data
        .value()
        .map(|l| l.iter().filter(|c| !c.archived).map(|c| c.grade.get()).collect())
        .unwrap_or_default();
    let draw = {
        let (date, count, grade, error, busy, reload) = (
            date.clone(),
            count.clone(),
            grade.clone(),
            error.clone(),
            busy.clone(),
            list.reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(d) = *date else { return };
            if *busy {
                return;
            }
            busy.set(true);
            let (n, g) = (*count, *grade);
            let (error, busy, reload) = (error.clone(), busy.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::spot_checks::draw(d, n, g).await {
                    Ok(_) => {
                        error.set(None);
                        reload.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let on_date = {
        let date = date.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            date.set(input.value().parse().ok());
        })
    };
    let on_count = {
        let count = count.clone();
        // On each keystroke, not on blur: a count typed and then "Draw" clicked at once is the
        // count drawn (the blur's change came too late for the submit that follows it).
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            count.set(input.value().trim().parse().unwrap_or(0));
        })
    };
    let on_grade = {
        let grade = grade.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            grade.set(select.value().parse().ok());
        })
    };
    let body = match &list.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(l) if l.is_empty() => html! { <p class="muted">{ w.none }</p> },
        Load::Loaded(l) => html! {
            { for l.iter().map(|s| html! {
                <SpotCheckCard spot_check={s.clone()} on_changed={list.reload.clone()} />
            }) }
        },
    };
    html! {
        <main class="page spot-checks-page" id="spot-checks-page">
            <header class="page-head"><h1>{ w.title }</h1></header>
            <form class="card spot-draw" onsubmit={draw}>
                <label>{ w.date }{ " " }
                    <input type="date" id="spot-date" max={today.to_string()}
                           value={date.map(|d| d.to_string()).unwrap_or_default()} onchange={on_date} />
                </label>
                <label>{ w.count }{ " " }
                    <input type="number" id="spot-count" min="1" step="1" inputmode="numeric"
                           value={count.to_string()} oninput={on_count} />
                </label>
                <label>{ w.grade }{ " " }
                    <select id="spot-grade" onchange={on_grade}>
                        <option value="" selected={grade.is_none()}>{ w.whole_school }</option>
                        { for grades.iter().map(|g| html! {
                            <option value={g.to_string()} selected={*grade == Some(i64::from(*g))}>
                                { shared::Grade::new(i64::from(*g)).map(|g| grade_name(g, lang)).unwrap_or_default() }
                            </option>
                        }) }
                    </select>
                </label>
                <button class="button" id="spot-draw" disabled={*busy}>{ w.draw }</button>
                if let Some(e) = &*error { { notice::failed(e, lang) } }
                <p class="fine-print">{ w.rule }</p>
            </form>
            { body }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    spot_check: SpotCheck,
    on_changed: Callback<()>,
}

#[function_component(SpotCheckCard)]
fn spot_check_card(props: &CardProps) -> Html {
    let lang = use_session().lang;
    let w = words(lang);
    let s = &props.spot_check;
    let scope = match s.grade {
        Some(g) => grade_name(g, lang),
        None => w.whole_school.to_owned(),
    };
    html! {
        <section class="card spot-check" id={format!("spot-check-{}", s.id)}>
            <div class="card-head">
                <h2>{ format!("{} · {scope} · {}", s.date, s.classes.len()) }</h2>
                <Link<Route> to={Route::SpotCheckSheet { id: s.id }} classes="button ghost spot-sheet-link">
                    { w.sheet }
                </Link<Route>>
            </div>
            <table class="data-table compact spot-table">
                <thead>
                    <tr>
                        <th scope="col">{ w.class }</th>
                        <th scope="col" class="num">{ w.reported }</th>
                        <th scope="col" class="num">{ w.observed }</th>
                        <th scope="col" class="num">{ w.difference }</th>
                        <th scope="col">{ w.verdict }</th>
                    </tr>
                </thead>
                <tbody>
                    { for s.classes.iter().map(|c| html! {
                        <SpotClassRow spot_check_id={s.id} class={c.clone()} on_changed={props.on_changed.clone()} />
                    }) }
                </tbody>
            </table>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    spot_check_id: i64,
    class: SpotCheckClass,
    on_changed: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum CaseState {
    None,
    Opened,
    Exists,
}

#[function_component(SpotClassRow)]
fn spot_class_row(props: &RowProps) -> Html {
    let lang = use_session().lang;
    let w = words(lang);
    let c = &props.class;
    let (id, class_id): (i64, ClassId) = (props.spot_check_id, c.class_id);
    let minutes = use_state(|| {
        c.subjects
            .iter()
            .map(|s| {
                let found = c
                    .observation
                    .as_ref()
                    .and_then(|o| o.entries.iter().find(|e| e.subject.as_str() == s))
                    .map(|e| u32::from(e.minutes).to_string());
                (s.clone(), found.unwrap_or_default())
            })
            .collect::<Vec<(String, String)>>()
    });
    let note = use_state(|| c.observation.as_ref().map(|o| o.note.clone()).unwrap_or_default());
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let case = use_state(|| CaseState::None);
    let save = {
        let (minutes, note, error, busy, done) =
            (minutes.clone(), note.clone(), error.clone(), busy.clone(), props.on_changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let entries: Vec<EntryInput> = minutes
                .iter()
                .filter(|(_, m)| !m.trim().is_empty())
                .map(|(s, m)| EntryInput {
                    subject: s.clone(),
                    minutes: m.trim().parse().unwrap_or(-1),
                })
                .collect();
            busy.set(true);
            let (text, error, busy, done) =
                ((*note).clone(), error.clone(), busy.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::spot_checks::observe(id, class_id, entries, &text).await {
                    Ok(_) => {
                        error.set(None);
                        done.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let open_case = {
        let (case, error) = (case.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let (case, error) = (case.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::spot_checks::open_case(id, class_id).await {
                    Ok(_) => case.set(CaseState::Opened),
                    Err(ApiError::Conflict(_)) => case.set(CaseState::Exists),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let verdict = match (c.observed_total, c.discrepancy) {
        (None, _) => html! { <span class="muted">{ w.not_checked }</span> },
        (Some(_), true) => html! { <strong class="alert-text">{ w.differs }</strong> },
        (Some(_), false) => html! { <span class="ok-text">{ w.agrees }</span> },
    };
    let prefix = format!("observe-{id}-{class_id}");
    html! {
        <>
        <tr data-class-id={class_id.to_string()} class={classes!(c.discrepancy.then_some("over"))}>
            <th scope="row">{ c.name.clone() }</th>
            <td class="num reported">{ c.reported_total.map_or_else(|| w.no_report.to_owned(), |t| t.to_string()) }</td>
            <td class="num observed">{ c.observed_total.map_or_else(|| "–".to_owned(), |t| t.to_string()) }</td>
            <td class="num difference">{ c.difference.map_or_else(|| "–".to_owned(), |d| format!("{d:+}")) }</td>
            <td class="verdict" data-discrepancy={c.discrepancy.to_string()}>
                { verdict }
                if c.discrepancy {
                    { " " }
                    { match *case {
                        CaseState::None => html! {
                            <button type="button" class="button ghost small" id={format!("spot-case-{id}-{class_id}")}
                                    onclick={open_case}>{ w.open_case }</button>
                        },
                        CaseState::Opened | CaseState::Exists => html! {
                            <span class="case-opened" role="status">
                                { if *case == CaseState::Opened { w.case_opened } else { w.case_exists } }
                                { " · " }<Link<Route> to={Route::Cases}>{ w.see_it }</Link<Route>>
                            </span>
                        },
                    } }
                }
            </td>
        </tr>
        <tr class="spot-observe-row">
            <td colspan="5">
                <details open={c.observation.is_none()}>
                    <summary>{ w.record }</summary>
                    <form class="spot-observe" onsubmit={save}>
                        { for minutes.iter().enumerate().map(|(i, (subject, value))| {
                            let minutes = minutes.clone();
                            let oninput = Callback::from(move |e: InputEvent| {
                                let input: HtmlInputElement = e.target_unchecked_into();
                                let mut next = (*minutes).clone();
                                next[i].1 = input.value();
                                minutes.set(next);
                            });
                            html! {
                                <label>{ subject_label(subject, lang) }{ " " }
                                    <input type="number" min="0" max="240" step="1" inputmode="numeric"
                                           id={format!("{prefix}-{subject}")} value={value.clone()} {oninput} />
                                </label>
                            }
                        }) }
                        <label>{ w.note }{ " " }
                            <input type="text" maxlength="500" id={format!("{prefix}-note")} value={(*note).clone()}
                                   oninput={let note = note.clone(); Callback::from(move |e: InputEvent| {
                                       let input: HtmlInputElement = e.target_unchecked_into();
                                       note.set(input.value());
                                   })} />
                        </label>
                        <button class="button" id={format!("{prefix}-save")} disabled={*busy}>{ w.save }</button>
                    </form>
                </details>
                if let Some(e) = &*error { { notice::failed(e, lang) } }
            </td>
        </tr>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct SheetProps {
    pub id: i64,
}

/// The inspection sheet of one spot check: per drawn class its subjects with blank minutes, a
/// total and the findings to fill in by hand; one A4 page when printed.
#[function_component(SpotCheckSheetPage)]
pub fn spot_check_sheet_page(props: &SheetProps) -> Html {
    let session = use_session();
    let lang = session.lang;
    let w = words(lang);
    let school_name = session.user().map(|(me, _)| me.user.school_name.clone()).unwrap_or_default();
    let spot = use_load(props.id, api::spot_checks::spot_check);
    let body = match &spot.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(s) => sheet(s, &school_name, lang),
    };
    html! {
        <main class="page report-page" id="spot-sheet-page">
            <header class="page-head screen-only">
                <div>
                    <Link<Route> to={Route::SpotChecks} classes="back-link">{ "← " }{ w.title }</Link<Route>>
                    <h1>{ w.sheet_title }</h1>
                </div>
                <div class="button-row"><PrintButton {lang} /></div>
            </header>
            <div class="report-sheets">{ body }</div>
        </main>
    }
}

fn sheet(s: &SpotCheck, school_name: &str, lang: Lang) -> Html {
    let w = words(lang);
    html! {
        <section class="grade-report spot-sheet" id="spot-sheet" data-ready="true">
            <header class="report-head">
                <h2>{ format!("{school_name} · {}", w.sheet_title) }</h2>
                <p class="report-period">{ format!("{} {}", w.date, date_words(s.date, lang)) }</p>
            </header>
            { for s.classes.iter().map(|c| html! {
                <table class="data-table compact report-table sheet-class" data-class-id={c.class_id.to_string()}>
                    <caption>{ format!("{} {}", w.class, c.name) }</caption>
                    <thead><tr><th scope="col">{ w.subject }</th><th scope="col">{ w.minutes }</th></tr></thead>
                    <tbody>
                        { for c.subjects.iter().map(|subject| html! {
                            <tr><th scope="row">{ subject_label(subject, lang) }</th><td class="blank"></td></tr>
                        }) }
                        <tr><th scope="row">{ w.total }</th><td class="blank"></td></tr>
                        <tr><th scope="row">{ w.findings }</th><td class="blank tall"></td></tr>
                    </tbody>
                </table>
            }) }
            <p class="signature">{ w.signature }</p>
        </section>
    }
}

fn date_words(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => date.format("%Y 年 %-m 月 %-d 日").to_string(),
        Lang::En => date.format("%-d %B %Y").to_string(),
    }
}
