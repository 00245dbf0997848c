//! Admin: roster import (`/admin/roster`). Set a school up from one CSV file: download the
//! template, fill it in (Excel is fine; English or Chinese headers), check it without storing
//! anything, then import it. The accounts created and their generated passwords are shown once,
//! to print or copy; a file with problems gets every problem by row and column instead, and
//! nothing is stored.
//!
//! Test ids: `#roster-template` (download link), `#roster-columns` (the column guide),
//! `#roster-file` (`input[type=file]`), `#roster-preview` (check without storing),
//! `#roster-import` (only after a clean check), `#roster-status`, `#roster-result[data-dry-run=
//! "true|false"]` with `#roster-rows`, `#roster-classes li[data-class]`, `#roster-accounts
//! tr[data-username]` (`.password` holds a generated password), `#roster-passwords-warning`,
//! `#roster-print`, `#roster-passwords-text`; problems `#roster-problems tr[data-row][data-column]
//! [data-code]`; `#roster-error` for other failures.

use crate::api::{self, ApiError};
use crate::components::notice;
use crate::i18n::{Texts, role_name, texts};
use crate::pages::admin::{error_notice, problem_html};
use crate::state::use_lang;
use shared::Lang;
use shared::api::{Problem, RosterResult};
use std::collections::HashMap;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Where the import stands.
#[derive(Clone, PartialEq)]
enum Phase {
    /// No file checked yet (or a new file chosen).
    Idle,
    /// Waiting for the server: a check (`dry_run`) or the import.
    Sending { dry_run: bool },
    /// The server answered: what was (or with `dry_run`, would be) created.
    Done(RosterResult),
    /// The file has problems, or the request failed.
    Failed(ApiError),
}

/// The columns of the roster, as the server reads them (API.md "Roster import").
const COLUMNS: [(&str, &str); 6] = [
    ("grade", "年级"),
    ("class", "班级"),
    ("role", "角色"),
    ("username", "用户名"),
    ("display_name", "姓名"),
    ("password", "密码"),
];

#[function_component(RosterSection)]
pub fn roster_section() -> Html {
    let lang = use_lang();
    let t = texts(lang);
    let file_input = use_node_ref();
    let file = use_state(|| None::<web_sys::File>);
    let phase = use_state(|| Phase::Idle);
    // The names of the accounts just created, to print beside their passwords.
    let names = use_state(HashMap::<String, String>::new);
    let result_ref = use_node_ref();
    {
        // Bring the outcome into view: it appears below the form, often below the fold.
        let result_ref = result_ref.clone();
        let answer = match &*phase {
            Phase::Done(r) => Some(u8::from(r.dry_run)),
            Phase::Failed(_) => Some(2),
            Phase::Idle | Phase::Sending { .. } => None,
        };
        use_effect_with(answer, move |answer| {
            if answer.is_some() {
                if let Some(el) = result_ref.cast::<web_sys::Element>() {
                    el.scroll_into_view();
                }
            }
        });
    }

    let on_file = {
        let (file, phase, input) = (file.clone(), phase.clone(), file_input.clone());
        Callback::from(move |_: Event| {
            let chosen = input
                .cast::<HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|files| files.get(0));
            file.set(chosen);
            phase.set(Phase::Idle);
        })
    };
    let send = {
        let (file, phase, names) = (file.clone(), phase.clone(), names.clone());
        Callback::from(move |dry_run: bool| {
            let Some(chosen) = (*file).clone() else {
                return;
            };
            phase.set(Phase::Sending { dry_run });
            let (phase, names) = (phase.clone(), names.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup::import_roster(&chosen, dry_run).await {
                    Ok(result) => {
                        if !dry_run {
                            // Only for the printout: without the names it still works.
                            if let Ok(users) = api::setup::users().await {
                                names.set(
                                    users
                                        .into_iter()
                                        .map(|u| (u.username, u.display_name))
                                        .collect(),
                                );
                            }
                        }
                        phase.set(Phase::Done(result));
                    }
                    Err(e) => phase.set(Phase::Failed(e)),
                }
            });
        })
    };
    let another = {
        let (file, phase, input) = (file.clone(), phase.clone(), file_input.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                input.set_value("");
            }
            file.set(None);
            phase.set(Phase::Idle);
        })
    };
    let preview = {
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit(true);
        })
    };
    let import = Callback::from(move |_: MouseEvent| send.emit(false));

    let sending = matches!(*phase, Phase::Sending { .. });
    let checked = matches!(&*phase, Phase::Done(r) if r.dry_run);
    let imported = matches!(&*phase, Phase::Done(r) if !r.dry_run);
    let file_name = file.as_ref().map(|f| f.name());
    let status = match &*phase {
        Phase::Sending { dry_run: true } => Some(t.roster_checking),
        Phase::Sending { dry_run: false } => Some(t.roster_importing),
        _ => None,
    };

    html! {
        <>
            <div class="card roster-guide no-print">
                <ol class="steps">
                    <li>
                        <a id="roster-template" class="button secondary" href={api::setup::roster_template_url()} download="roster-template.csv">
                            <span aria-hidden="true">{"⬇ "}</span>{ t.roster_download_template }
                        </a>
                        <span class="sub">{ t.roster_step_template }</span>
                    </li>
                    <li>{ t.roster_step_fill }</li>
                    <li>{ t.roster_step_check }</li>
                </ol>
                <details class="column-guide" open=true>
                    <summary>{ t.roster_columns_title }</summary>
                    { column_guide(t) }
                </details>
            </div>
            <form class="card upload no-print" onsubmit={preview}>
                <div class="field">
                    <label for="roster-file" class="field-label">{ t.roster_file }</label>
                    <div class="file-field">
                        <input id="roster-file" class="file-input visually-hidden" type="file" accept=".csv,text/csv"
                               ref={file_input} onchange={on_file} aria-describedby="roster-file-hint" />
                        <label for="roster-file" class="button secondary file-pick" aria-hidden="true">
                            { t.roster_choose_file }
                        </label>
                        <span id="roster-file-name" class={classes!("file-name", file_name.is_none().then_some("muted"))}>
                            { file_name.unwrap_or_else(|| t.roster_no_file.to_owned()) }
                        </span>
                    </div>
                    <p class="fine-print" id="roster-file-hint">{ t.roster_file_hint }</p>
                </div>
                <div class="button-row">
                    if imported {
                        <button type="button" id="roster-another" class="secondary" onclick={another}>
                            { t.roster_import_another }
                        </button>
                    } else {
                        <button type="submit" id="roster-preview" class={if checked { "secondary" } else { "primary" }}
                                disabled={file.is_none() || sending}>
                            { t.roster_check }
                        </button>
                    }
                </div>
                if let Some(text) = status {
                    <p class="notice loading" id="roster-status" role="status" aria-live="polite">{ text }</p>
                }
            </form>
            <div ref={result_ref} class="result-anchor"></div>
            { match &*phase {
                Phase::Done(result) => result_view(result, &names, import.clone(), lang),
                Phase::Failed(ApiError::Invalid { problems, .. }) if !problems.is_empty() => problems_view(problems, lang),
                Phase::Failed(e) => error_notice("roster-error", e, lang),
                Phase::Idle | Phase::Sending { .. } => html! {},
            } }
        </>
    }
}

/// What each column means, with both header names.
fn column_guide(t: &Texts) -> Html {
    let meanings = [
        t.roster_col_grade,
        t.roster_col_class,
        t.roster_col_role,
        t.roster_col_username,
        t.roster_col_display_name,
        t.roster_col_password,
    ];
    html! {
        <>
            <div class="table-wrap">
                <table class="data-table" id="roster-columns">
                    <thead>
                        <tr>
                            <th scope="col">{ t.roster_header_en }</th>
                            <th scope="col">{ t.roster_header_zh }</th>
                            <th scope="col">{ t.roster_meaning }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for COLUMNS.iter().zip(meanings).map(|((en, zh), meaning)| html! {
                            <tr data-column={*en}>
                                <td><code>{ *en }</code></td>
                                <td><code>{ *zh }</code></td>
                                <td>{ meaning }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <p class="fine-print">{ t.roster_rules }</p>
        </>
    }
}

/// The column's header as the person knows it: `用户名 (username)` / `username`.
fn column_label(column: &str, lang: Lang) -> String {
    match (lang, COLUMNS.iter().find(|(en, _)| *en == column)) {
        (Lang::Zh, Some((en, zh))) => format!("{zh} ({en})"),
        _ => column.to_owned(),
    }
}

/// Every problem of the file, by row and column; nothing was stored.
fn problems_view(problems: &[Problem], lang: Lang) -> Html {
    let t = texts(lang);
    html! {
        <section class="card problems-card" id="roster-problems-section" role="alert">
            <h3>{ t.roster_problems_title(problems.len()) }</h3>
            <p class="sub">{ t.roster_nothing_stored }</p>
            <div class="table-wrap">
                <table class="data-table" id="roster-problems">
                    <thead>
                        <tr>
                            <th scope="col" class="num">{ t.roster_row }</th>
                            <th scope="col">{ t.roster_column }</th>
                            <th scope="col">{ t.roster_problem }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for problems.iter().map(|p| html! {
                            <tr data-row={p.row.map(|r| r.to_string())} data-column={p.column.clone()} data-code={p.code.clone()}>
                                <td class="num">{ p.row.map(|r| r.to_string()).unwrap_or_else(|| "—".into()) }</td>
                                <td>{ p.column.as_deref().map(|c| column_label(c, lang)).unwrap_or_else(|| "—".into()) }</td>
                                <td>{ problem_html(p, lang) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// What the import did, or with `dry_run` would do; generated passwords only after the import.
fn result_view(
    result: &RosterResult,
    names: &HashMap<String, String>,
    import: Callback<MouseEvent>,
    lang: Lang,
) -> Html {
    let t = texts(lang);
    let generated: Vec<String> = result
        .accounts_created
        .iter()
        .filter_map(|a| {
            let name = names.get(&a.username).map(String::as_str).unwrap_or("");
            a.password.as_ref().map(|p| format!("{name}\t{}\t{p}", a.username))
        })
        .collect();
    let print = Callback::from(|_: MouseEvent| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    html! {
        <section class={classes!("card", "roster-result", if result.dry_run { "preview" } else { "imported" })}
                 id="roster-result" data-dry-run={result.dry_run.to_string()} aria-live="polite">
            <h3>{ if result.dry_run { t.roster_preview_title } else { t.roster_imported_title } }</h3>
            <p id="roster-rows">{ t.roster_summary(result.rows, result.classes_created.len(), result.accounts_created.len()) }</p>
            if result.dry_run {
                <div class="notice confirm-import">
                    <p>{ t.roster_preview_hint }</p>
                    <button type="button" id="roster-import" class="primary big" onclick={import}>
                        { t.roster_import_now }
                    </button>
                </div>
            }
            if !result.dry_run && !generated.is_empty() {
                <div class="notice warning" id="roster-passwords-warning" role="alert">
                    <strong>{ t.roster_passwords_once }</strong>
                    <div class="button-row no-print">
                        <button type="button" id="roster-print" class="secondary" onclick={print}>{ t.print }</button>
                    </div>
                    <details class="no-print">
                        <summary>{ t.roster_copy_as_text }</summary>
                        <label class="visually-hidden" for="roster-passwords-text">{ t.roster_copy_as_text }</label>
                        <textarea id="roster-passwords-text" readonly=true rows="6" class="mono"
                                  value={generated.join("\n")} />
                    </details>
                </div>
            }
            if !result.classes_created.is_empty() {
                <h4>{ t.roster_classes_created }</h4>
                <ul class="chips" id="roster-classes">
                    { for result.classes_created.iter().map(|c| html! { <li class="chip" data-class={c.clone()}>{ c.clone() }</li> }) }
                </ul>
            }
            if !result.accounts_created.is_empty() {
                <h4>{ t.roster_accounts_created }</h4>
                <div class="table-wrap">
                    <table class="data-table" id="roster-accounts">
                        <thead>
                            <tr>
                                if !names.is_empty() {
                                    <th scope="col">{ t.display_name }</th>
                                }
                                <th scope="col">{ t.username }</th>
                                <th scope="col">{ t.role }</th>
                                <th scope="col">{ t.class }</th>
                                <th scope="col">{ t.password }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for result.accounts_created.iter().map(|a| html! {
                                <tr data-username={a.username.clone()}>
                                    if !names.is_empty() {
                                        <td>{ names.get(&a.username).cloned().unwrap_or_default() }</td>
                                    }
                                    <th scope="row" class="mono">{ a.username.clone() }</th>
                                    <td>{ role_name(a.role, lang) }</td>
                                    <td>{ a.class.clone().unwrap_or_else(|| "—".into()) }</td>
                                    <td>
                                        { match (&a.password, result.dry_run) {
                                            (Some(p), _) => html! { <span class="password mono">{ p.clone() }</span> },
                                            (None, true) => html! { <span class="muted">{ t.roster_password_will_be_generated }</span> },
                                            (None, false) => html! { <span class="muted">{ t.roster_password_from_file }</span> },
                                        } }
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            if result.classes_created.is_empty() && result.accounts_created.is_empty() {
                { notice::info(t.roster_nothing_new) }
            }
        </section>
    }
}
