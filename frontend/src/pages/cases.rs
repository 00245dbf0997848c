//! The cases page (`/cases`): the cases the account may see, grouped by status — the grade
//! leader's board (open, overdue, acting, escalated, resolved), the admin's with escalations
//! first, the teacher's own class. Whoever may act records what was done; grade leaders and
//! admins recheck.
//!
//! Test ids: `#cases-page`, `#cases-{status}` (a group), `#case-{id}`, `#case-{id}-text`,
//! `#case-{id}-act`, `#case-{id}-recheck`, `.overdue`.

use crate::api::{self, ApiError};
use crate::components::notice;
use crate::state::{SessionAction, use_session};
use shared::Lang;
use shared::api::Role;
use shared::cases::{Case, CaseStatus};
use yew::prelude::*;

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
    html! {
        <main class="page cases-page" id="cases-page">
            <header class="page-head"><h1>{ w[0] }</h1></header>
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

#[function_component(CaseCard)]
fn case_card(props: &CaseCardProps) -> Html {
    let session = use_session();
    let lang = session.lang;
    let w = words(lang);
    let text = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let c = &props.case;
    let id = c.id;

    let act = {
        let (text, error, busy, done) =
            (text.clone(), error.clone(), busy.clone(), props.on_changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy || text.trim().is_empty() {
                return;
            }
            busy.set(true);
            let (text, error, busy, done) =
                (text.clone(), error.clone(), busy.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::cases::act(id, &text).await {
                    Ok(_) => {
                        text.set(String::new());
                        error.set(None);
                        done.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let recheck = {
        let (error, busy, done) = (error.clone(), busy.clone(), props.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            let (error, busy, done) = (error.clone(), busy.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::cases::recheck(id).await {
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
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
        })
    };
    let subject = c.subject.as_deref().map(|s| format!(" · {s}")).unwrap_or_default();
    let closed = c.status == CaseStatus::Resolved;
    html! {
        <article class={classes!("case", c.overdue.then_some("overdue"))} id={format!("case-{id}")}>
            <h3>
                { format!("{} · {}{}", c.class_name, crate::i18n::flag_label(c.kind.as_str(), lang), subject) }
                { " " }<span class="badge">{ status_word(c.status, lang) }</span>
                if c.overdue { { " " }<span class="badge alert overdue">{ w[5] }</span> }
            </h3>
            <p class="muted">
                { format!("{} {} – {}", w[10], c.window.from, c.window.to) }
                if let Some(due) = c.due_date { { format!(" · {} {due}", w[6]) } }
            </p>
            if !c.actions.is_empty() {
                <ol class="case-actions" aria-label={w[11]}>
                    { for c.actions.iter().map(|a| html! {
                        <li>{ format!("{} · {}: {}", a.effective_date, a.by, a.text) }</li>
                    }) }
                </ol>
            }
            if let Some(r) = &c.recheck {
                <p>{ format!("{} {} – {}: {}", w[8], r.from, r.to, status_word(c.status, lang)) }</p>
            }
            if !closed {
                <form onsubmit={act}>
                    <textarea id={format!("case-{id}-text")} maxlength="2000" rows="2"
                              value={(*text).clone()} {oninput} aria-label={w[7]} />
                    <button class="button" id={format!("case-{id}-act")} disabled={*busy}>{ w[7] }</button>
                    if props.manages && !c.actions.is_empty() {
                        { " " }
                        <button type="button" class="button ghost" id={format!("case-{id}-recheck")}
                                onclick={recheck} disabled={*busy}>{ w[8] }</button>
                    }
                </form>
            }
            if let Some(e) = &*error {
                { notice::failed(e, lang) }
            }
        </article>
    }
}
