//! The cases page (`/cases`): the cases the account may see, grouped by status — the grade
//! leader's board (open, overdue, acting, escalated, resolved), the admin's with escalations
//! first, the teacher's own class. Whoever may act records what was done; grade leaders and
//! admins recheck.
//!
//! Test ids: `#cases-page`, `#cases-{status}` (a group), `#case-{id}`, `#case-{id}-text`,
//! `#case-{id}-act`, `#case-{id}-recheck`, `.overdue`.

use crate::api::{self, ApiError};
use crate::components::notice;
use crate::route::Route;
use crate::state::{SessionAction, use_session};
use chrono::NaiveDate;
use shared::Lang;
use shared::api::Role;
use shared::cases::{Case, CaseStatus};
use yew::prelude::*;
use yew_router::prelude::*;

fn words(lang: Lang) -> [&'static str; 12] {
    match lang {
        Lang::Zh => [
            "整改",
            "待处理",
            "已整改",
            "已升级",
            "已解决",
            "逾期",
            "截止",
            "记录整改措施",
            "复查",
            "暂无",
            "窗口",
            "措施",
        ],
        Lang::En => [
            "Cases",
            "Open",
            "Action taken",
            "Escalated",
            "Resolved",
            "Overdue",
            "Due",
            "Record action",
            "Recheck",
            "None",
            "Window",
            "Actions",
        ],
    }
}

fn status_word(status: CaseStatus, lang: Lang) -> &'static str {
    let w = words(lang);
    match status {
        CaseStatus::Open => w[1],
        CaseStatus::ActionTaken => w[2],
        CaseStatus::Escalated => w[3],
        CaseStatus::Resolved => w[4],
    }
}

#[function_component(CasesPage)]
pub fn cases_page() -> Html {
    let session = use_session();
    let lang = session.lang;
    let cases = use_state(|| None::<Result<Vec<Case>, ApiError>>);
    let generation = use_state(|| 0u32);
    {
        let (cases, session) = (cases.clone(), session.clone());
        use_effect_with(*generation, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::cases::cases().await;
                if result == Err(ApiError::Unauthorized) {
                    session.dispatch(SessionAction::Expired);
                }
                cases.set(Some(result));
            });
            || ()
        });
    }
    let Some((me, _)) = session.user() else {
        return html! {};
    };
    let role = me.user.role;
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    let w = words(lang);
    let body = match &*cases {
        None => notice::loading(lang),
        Some(Err(e)) => notice::failed(e, lang),
        Some(Ok(list)) => {
            // The admin's page shows escalations first; everyone else's follows the loop.
            let order: [CaseStatus; 4] = if role == Role::SchoolAdmin {
                [
                    CaseStatus::Escalated,
                    CaseStatus::Open,
                    CaseStatus::ActionTaken,
                    CaseStatus::Resolved,
                ]
            } else {
                [
                    CaseStatus::Open,
                    CaseStatus::ActionTaken,
                    CaseStatus::Escalated,
                    CaseStatus::Resolved,
                ]
            };
            let manages = matches!(role, Role::GradeLeader | Role::SchoolAdmin);
            html! {
                { for order.iter().map(|status| {
                    let mut group: Vec<&Case> = list.iter().filter(|c| c.status == *status).collect();
                    // Overdue ones first within a group.
                    group.sort_by_key(|c| !c.overdue);
                    html! {
                        <section class="card" id={format!("cases-{}", status.as_str())}>
                            <h2>{ status_word(*status, lang) }{ format!(" ({})", group.len()) }</h2>
                            if group.is_empty() {
                                <p class="muted">{ w[9] }</p>
                            }
                            { for group.into_iter().map(|c| html! {
                                <CaseCard case={c.clone()} {manages} on_changed={reload.clone()} />
                            }) }
                        </section>
                    }
                }) }
            }
        }
    };
    // The half-monthly report of the grade leader's grade (an admin's: of each grade with cases);
    // the admin's spot checks.
    let report_grades: Vec<u8> = match (role, me.user.grade) {
        (Role::GradeLeader, Some(g)) => vec![g.get()],
        (Role::SchoolAdmin, _) => match &*cases {
            Some(Ok(list)) => list
                .iter()
                .map(|c| c.grade.get())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let school = me.user.school_id;
    let (report_word, spot_word) = match lang {
        Lang::Zh => ("半月整改报告", "随机抽查"),
        Lang::En => ("Half-monthly report", "Spot checks"),
    };
    html! {
        <main class="page cases-page" id="cases-page">
            <header class="page-head">
                <h1>{ w[0] }</h1>
                <div class="button-row">
                    { for report_grades.iter().map(|g| html! {
                        <Link<Route> to={Route::CasesReport { school, grade: *g }}
                                     classes="button ghost cases-report-link">
                            { format!("{report_word} · {}", shared::Grade::new(i64::from(*g)).map(|g| crate::i18n::grade_name(g, lang)).unwrap_or_default()) }
                        </Link<Route>>
                    }) }
                    if role == Role::SchoolAdmin {
                        <Link<Route> to={Route::SpotChecks} classes="button ghost spot-checks-link">
                            { spot_word }
                        </Link<Route>>
                    }
                </div>
            </header>
            { body }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct CaseCardProps {
    case: Case,
    manages: bool,
    on_changed: Callback<()>,
}

/// The card's own words: took effect on, set the due date, opened by, the system, rechecked.
fn card_words(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::Zh => ["生效日期", "设定截止日期", "开立", "系统自动", "复查人", "复查结果"],
        Lang::En => {
            ["Took effect on", "Set due date", "Opened by", "the system", "rechecked by", "Recheck"]
        }
    }
}

#[function_component(CaseCard)]
fn case_card(props: &CaseCardProps) -> Html {
    let session = use_session();
    let lang = session.lang;
    let w = words(lang);
    let cw = card_words(lang);
    let today = session.user().map(|(me, _)| me.today);
    let text = use_state(String::new);
    let effective = use_state(|| None::<NaiveDate>);
    let due = use_state(|| props.case.due_date);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let c = &props.case;
    let id = c.id;

    // Runs one request for this case; on success the page reloads its cases.
    let run = {
        let (error, busy, done) = (error.clone(), busy.clone(), props.on_changed.clone());
        move |request: std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<Case, ApiError>>>,
        >,
              after: Box<dyn FnOnce()>| {
            if *busy {
                return;
            }
            busy.set(true);
            let (error, busy, done) = (error.clone(), busy.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match request.await {
                    Ok(_) => {
                        error.set(None);
                        after();
                        done.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let act = {
        let (text, effective, run) = (text.clone(), effective.clone(), run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if text.trim().is_empty() {
                return;
            }
            let (body, date) = ((*text).clone(), *effective);
            let text = text.clone();
            run(
                Box::pin(async move { api::cases::act(id, &body, date).await }),
                Box::new(move || text.set(String::new())),
            );
        })
    };
    let recheck = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| {
            run(Box::pin(async move { api::cases::recheck(id).await }), Box::new(|| ()));
        })
    };
    let set_due = {
        let (due, run) = (due.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(date) = *due {
                run(
                    Box::pin(async move { api::cases::set_due_date(id, date).await }),
                    Box::new(|| ()),
                );
            }
        })
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
        })
    };
    let date_input = |state: UseStateHandle<Option<NaiveDate>>| {
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            state.set(input.value().parse().ok());
        })
    };
    let subject = c.subject.as_deref().map(|s| format!(" · {s}")).unwrap_or_default();
    let closed = c.status == CaseStatus::Resolved;
    let first_action_day = c.window.to.succ_opt().unwrap_or(c.window.to);
    let by =
        |name: &str| if name == shared::cases::SYSTEM { cw[3].to_owned() } else { name.to_owned() };
    html! {
        <article class={classes!("case", c.overdue.then_some("overdue"))} id={format!("case-{id}")}
                 data-status={c.status.as_str()}>
            <h3>
                { format!("{} · {}{}", c.class_name, crate::i18n::flag_label(c.kind.as_str(), lang), subject) }
                { " " }<span class="badge case-status">{ status_word(c.status, lang) }</span>
                if c.overdue { { " " }<span class="badge alert overdue">{ w[5] }</span> }
            </h3>
            <p class="muted">
                { format!("{} {} – {}", w[10], c.window.from, c.window.to) }
                if let Some(due) = c.due_date { { format!(" · {} {due}", w[6]) } }
                { format!(" · {} {}", cw[2], c.opened_by) }
            </p>
            if !c.actions.is_empty() {
                <ol class="case-actions" aria-label={w[11]}>
                    { for c.actions.iter().map(|a| html! {
                        <li>{ format!("{} · {}: {}", a.effective_date, a.by, a.text) }</li>
                    }) }
                </ol>
            }
            if let Some(r) = &c.recheck {
                <p class="case-recheck">
                    { format!("{} {} – {}: {} ({} {})", cw[5], r.from, r.to, status_word(c.status, lang), cw[4], by(&r.by)) }
                </p>
            }
            if !closed {
                <form class="case-act" onsubmit={act}>
                    <textarea id={format!("case-{id}-text")} maxlength="2000" rows="2"
                              value={(*text).clone()} {oninput} aria-label={w[7]} />
                    <label>
                        { cw[0] }{ " " }
                        <input type="date" id={format!("case-{id}-date")}
                               min={first_action_day.to_string()}
                               max={today.map(|d| d.to_string()).unwrap_or_default()}
                               value={effective.map(|d| d.to_string()).or(today.map(|d| d.to_string())).unwrap_or_default()}
                               onchange={date_input(effective.clone())} />
                    </label>
                    <button class="button" id={format!("case-{id}-act")} disabled={*busy}>{ w[7] }</button>
                    if props.manages && !c.actions.is_empty() {
                        { " " }
                        <button type="button" class="button ghost" id={format!("case-{id}-recheck")}
                                onclick={recheck} disabled={*busy}>{ w[8] }</button>
                    }
                </form>
                if props.manages {
                    <p class="case-due">
                        <label>
                            { w[6] }{ " " }
                            <input type="date" id={format!("case-{id}-due")}
                                   value={due.map(|d| d.to_string()).unwrap_or_default()}
                                   onchange={date_input(due.clone())} />
                        </label>
                        { " " }
                        <button type="button" class="button ghost" id={format!("case-{id}-set-due")}
                                onclick={set_due} disabled={*busy || due.is_none()}>{ cw[1] }</button>
                    </p>
                }
            }
            if let Some(e) = &*error {
                { notice::failed(e, lang) }
            }
        </article>
    }
}
