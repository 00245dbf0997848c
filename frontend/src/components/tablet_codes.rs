//! A class's tablet codes: issue a new one (shown once, big, with where to type it), list the
//! codes (label, created, last used, revoked) and revoke one. Used by the teacher's class
//! tablet page and, per class, by the admin's classes page; one panel on a page at a time.
//!
//! Test ids: `#tablet-codes-panel[data-class-id]`, `#tablet-label`, `#issue-tablet-code`,
//! `#new-tablet-code` (the code, only right after issuing), `#tablet-code-qr` (the sign-in
//! address with the code, `/tablet#code=…`, as a QR code the tablet's camera opens), `#hide-tablet-code`,
//! `#tablet-codes tr[data-code-id][data-revoked="true|false"]` with `.revoke-code`,
//! `#no-tablet-codes`, `#tablet-codes-error`.

use crate::api::{self, ApiError};
use crate::components::ask::{Ask, Question};
use crate::components::form::input_value;
use crate::components::notice;
use crate::components::qr::Qr;
use crate::i18n::texts;
use crate::load::{Load, use_load};
use crate::state::use_lang;
use shared::ClassId;
use shared::api::TabletCode;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TabletCodesProps {
    pub class_id: ClassId,
    pub class_name: AttrValue,
}

#[function_component(TabletCodes)]
pub fn tablet_codes(props: &TabletCodesProps) -> Html {
    let lang = use_lang();
    let t = texts(lang);
    let class_id = props.class_id;
    let codes = use_load(class_id, api::setup::tablet_codes);
    let label = use_state(String::new);
    let issued = use_state(|| None::<TabletCode>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let issue = {
        let (label, issued, error, busy) =
            (label.clone(), issued.clone(), error.clone(), busy.clone());
        let reload = codes.reload.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let (label, issued, error, busy, reload) =
                (label.clone(), issued.clone(), error.clone(), busy.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup::issue_tablet_code(class_id, label.trim()).await {
                    Ok(code) => {
                        issued.set(Some(code));
                        error.set(None);
                        label.set(String::new());
                        reload.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let asking = use_state(|| None::<Question>);
    let revoke = {
        let (error, reload, asking) = (error.clone(), codes.reload.clone(), asking.clone());
        let (question, step) = (t.revoke_code_confirm, t.revoke);
        Callback::from(move |code: TabletCode| {
            let shown = if code.label.is_empty() { format!("#{}", code.id) } else { code.label };
            let (error, reload) = (error.clone(), reload.clone());
            let then = Callback::from(move |()| {
                let (error, reload) = (error.clone(), reload.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match api::setup::revoke_tablet_code(class_id, code.id).await {
                        Ok(()) => error.set(None),
                        Err(e) => error.set(Some(e)),
                    }
                    reload.emit(());
                });
            });
            asking.set(Some(Question { text: format!("{question} ({shown})"), yes: step, then }));
        })
    };
    let hide = {
        let issued = issued.clone();
        Callback::from(move |_: MouseEvent| issued.set(None))
    };
    let oninput = {
        let label = label.clone();
        Callback::from(move |e: InputEvent| label.set(input_value(&e)))
    };

    let sign_in_address = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .map(|origin| format!("{origin}/tablet"))
        .unwrap_or_else(|| "/tablet".to_owned());

    let list = match &codes.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(list) if list.is_empty() => html! {
            <p class="muted" id="no-tablet-codes">{ t.no_tablet_codes }</p>
        },
        Load::Loaded(list) => html! {
            <div class="table-wrap">
                <table class="data-table" id="tablet-codes">
                    <caption class="visually-hidden">{ t.tablet_codes_title }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ t.tablet_code_label }</th>
                            <th scope="col">{ t.created_at }</th>
                            <th scope="col">{ t.last_used }</th>
                            <th scope="col">{ t.state }</th>
                            <th scope="col"><span class="visually-hidden">{ t.actions }</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        { for list.iter().map(|code| {
                            let onclick = {
                                let (revoke, code) = (revoke.clone(), code.clone());
                                Callback::from(move |_: MouseEvent| revoke.emit(code.clone()))
                            };
                            let label = if code.label.is_empty() { t.no_label.to_owned() } else { code.label.clone() };
                            html! {
                                <tr data-code-id={code.id.to_string()} data-revoked={code.revoked.to_string()}
                                    class={classes!(code.revoked.then_some("revoked"))}>
                                    <td>{ label.clone() }</td>
                                    <td>{ crate::dates::timestamp(&code.created_at) }</td>
                                    <td>{ code.last_used_at.as_deref().map_or_else(|| t.never_used.to_owned(), crate::dates::timestamp) }</td>
                                    <td>
                                        if code.revoked {
                                            <span class="badge muted-badge">{ t.revoked }</span>
                                        } else {
                                            <span class="badge ok-badge">{ t.active }</span>
                                        }
                                    </td>
                                    <td class="actions">
                                        if !code.revoked {
                                            <button type="button" class="revoke-code danger" {onclick}
                                                    aria-label={format!("{} {label}", t.revoke)}>
                                                { t.revoke }
                                            </button>
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };

    html! {
        <div class="tablet-codes-panel" id="tablet-codes-panel" data-class-id={class_id.to_string()}>
            <Ask {asking} />
            if let Some(code) = &*issued {
                <div class="new-code" role="status" aria-live="polite">
                    <p class="new-code-title">{ format!("{} · {}", props.class_name, t.new_code_title) }</p>
                    <p class="code-big" id="new-tablet-code">{ code.code.clone().unwrap_or_default() }</p>
                    <p class="new-code-hint">{ t.new_code_address }{" "}<strong class="address">{ sign_in_address.clone() }</strong></p>
                    <figure class="qr-figure">
                        <Qr id="tablet-code-qr" text={scan_address(&sign_in_address, code)}
                            label={t.scan_tablet_code} />
                        <figcaption>{ t.scan_tablet_code }</figcaption>
                    </figure>
                    <p class="new-code-once"><span aria-hidden="true">{"⚠ "}</span>{ t.shown_once }</p>
                    <button type="button" id="hide-tablet-code" class="secondary" onclick={hide}>{ t.written_down }</button>
                </div>
            }
            <form class="inline-form" onsubmit={issue}>
                <div class="field">
                    <label for="tablet-label">{ t.tablet_code_label_optional }</label>
                    <input id="tablet-label" type="text" maxlength="60" value={(*label).clone()} {oninput}
                           placeholder={t.tablet_code_label_placeholder} />
                </div>
                <button type="submit" id="issue-tablet-code" class="primary" disabled={*busy}>
                    { t.issue_tablet_code }
                </button>
            </form>
            if let Some(e) = &*error {
                <p class="notice error" id="tablet-codes-error" role="alert">{ e.message(lang) }</p>
            }
            { list }
        </div>
    }
}

/// What the QR code opens: the sign-in page with the code in the fragment, which the browser
/// never sends to the server (`pages::tablet`).
fn scan_address(sign_in_address: &str, code: &TabletCode) -> String {
    let digits: String =
        code.code.as_deref().unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
    format!("{sign_in_address}#code={digits}")
}
