//! The login screen (`/login`).
//!
//! Test ids: form `#login-form`, inputs `#username`, `#password`, button `#login-button`,
//! the error `#login-error` (present only after a failed attempt), `#session-expired` (shown
//! when the server ended the session), `#tablet-link` (to the class tablet's sign-in).

use crate::api::{self, ApiError};
use crate::components::nav_link::NavLink;
use crate::i18n::texts;
use crate::route::{Route, after_log_in};
use crate::state::{SessionAction, Status, use_session};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(LoginPage)]
pub fn login_page() -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let navigator = use_navigator();
    let username = use_node_ref();
    let password = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (session, username, password) = (session.clone(), username.clone(), password.clone());
        let (error, busy) = (error.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let value =
                |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let (user, pass) = (value(&username).trim().to_owned(), value(&password));
            let (session, error, busy, navigator) =
                (session.clone(), error.clone(), busy.clone(), navigator.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::login(&user, &pass).await {
                    Ok((me, policy)) => {
                        let home = after_log_in(&me);
                        session.dispatch(SessionAction::LoggedIn {
                            me: Rc::new(me),
                            policy: Rc::new(policy),
                        });
                        if let Some(navigator) = navigator {
                            navigator.replace(&home);
                        }
                    }
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };

    let error_text = error.as_ref().map(|e| match e {
        ApiError::Unauthorized => t.wrong_credentials.to_owned(),
        ApiError::Refused { status: 429, .. } => t.too_many_attempts.to_owned(),
        other => other.message(lang),
    });
    let expired = matches!(session.status, Status::LoggedOut { expired: true });

    html! {
        <main class="page login-page">
            <form id="login-form" class="card login-card" onsubmit={onsubmit}>
                <h1>{ t.login_title }</h1>
                <p class="lead">{ t.login_lead }</p>
                if expired && error_text.is_none() {
                    <p id="session-expired" class="notice" role="status">{ t.session_expired }</p>
                }
                <label for="username">{ t.username }</label>
                <input id="username" name="username" type="text" ref={username} required=true
                       autocomplete="username" autocapitalize="none" spellcheck="false" />
                <label for="password">{ t.password }</label>
                <input id="password" name="password" type="password" ref={password} required=true
                       autocomplete="current-password" />
                if let Some(text) = error_text {
                    <p id="login-error" class="notice error" role="alert">
                        <span aria-hidden="true">{"⚠ "}</span>{ text }
                    </p>
                }
                <button id="login-button" type="submit" class="primary big" disabled={*busy}>
                    { if *busy { t.logging_in } else { t.login_button } }
                </button>
                <NavLink to={Route::Tablet} id="tablet-link" classes="button secondary tablet-link">
                    { crate::components::icons::tablet() }{ t.tablet_sign_in_link }
                </NavLink>
            </form>
        </main>
    }
}
