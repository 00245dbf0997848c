//! The bar on top of every screen: the app's name, who is logged in, the language switch and
//! the log-out button (`#user-name`, `#lang-switch`, `#logout`).

use crate::api;
use crate::components::account_links::AccountLinks;
use crate::i18n::{role_name, texts};
use crate::route::Route;
use crate::state::{SessionAction, use_session};
use shared::Lang;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(TopBar)]
pub fn top_bar() -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let navigator = use_navigator();

    let switch_lang = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            let other = if session.lang == Lang::Zh { Lang::En } else { Lang::Zh };
            session.dispatch(SessionAction::SetLang(other));
        })
    };
    let logout = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            let session = session.clone();
            let navigator = navigator.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // Even if the server is unreachable, this device forgets the session.
                let _ = api::logout().await;
                session.dispatch(SessionAction::LoggedOut);
                if let Some(navigator) = navigator {
                    navigator.push(&Route::Login);
                }
            });
        })
    };

    let user = session.user().map(|(me, _)| {
        let u = &me.user;
        let place = u.class_name.clone().unwrap_or_else(|| u.school_name.clone());
        html! {
            <span class="user" id="user-name">
                <span class="user-display">{ &u.display_name }</span>
                <span class="user-role">{ format!("{} · {}", place, role_name(u.role, lang)) }</span>
            </span>
        }
    });

    html! {
        <header class="top-bar">
            <Link<Route> to={Route::Home} classes="app-name">
                <svg class="app-logo" viewBox="0 0 64 64" width="26" height="26" aria-hidden="true">
                    <circle cx="32" cy="35" r="19" fill="none" stroke="currentColor" stroke-width="6" />
                    <path d="M32 35V24M32 35l8 5" stroke="currentColor" stroke-width="6" stroke-linecap="round" />
                    <rect x="25" y="5" width="14" height="7" rx="2" fill="currentColor" />
                </svg>
                { t.app_name }
            </Link<Route>>
            <div class="top-bar-end">
                { for user }
                <AccountLinks />
                <button type="button" id="lang-switch" class="ghost" onclick={switch_lang}
                        title={t.switch_language} aria-label={t.switch_language}
                        lang={if lang == Lang::Zh { "en" } else { "zh-CN" }}>
                    { if lang == Lang::Zh { "English" } else { "中文" } }
                </button>
                if session.user().is_some() {
                    <button type="button" id="logout" class="ghost" onclick={logout}>{ t.logout }</button>
                }
            </div>
        </header>
    }
}
