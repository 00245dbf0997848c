//! The class tablet's sign-in (`/tablet`): one big field for the 12-digit code a teacher or
//! admin issued (dashes optional), then the entry page as the class's tablet account. Linked
//! from the login page; no username or password for pupils to remember or leak.
//!
//! The address `/tablet#code=482719305521` (the QR code a teacher shows) fills the field.
//!
//! Test ids: `#tablet-form`, `#tablet-code` (`inputmode="numeric"`), `#tablet-code-count`,
//! `#tablet-sign-in`, `#tablet-error` (only after a failure), `#password-login-link`.

use crate::api::{self, ApiError};
use crate::components::icons;
use crate::i18n::texts;
use crate::route::{Route, home_for};
use crate::state::{SessionAction, use_session};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

/// Digits in a tablet code.
const CODE_DIGITS: usize = 12;

/// The digits typed so far (at most twelve), in groups of four: `4827-1930-55`.
pub fn format_code(typed: &str) -> String {
    let digits: Vec<char> = typed.chars().filter(char::is_ascii_digit).take(CODE_DIGITS).collect();
    digits.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The code in the page address's `#code=…`, grouped, after taking it out of the address; empty
/// when there is none.
fn code_from_fragment() -> String {
    let Some(window) = web_sys::window() else { return String::new() };
    let hash = window.location().hash().unwrap_or_default();
    let Some(code) = hash.strip_prefix("#code=") else { return String::new() };
    let code = format_code(code);
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/tablet"));
    }
    code
}

fn digit_count(code: &str) -> usize {
    code.chars().filter(char::is_ascii_digit).count()
}

#[function_component(TabletPage)]
pub fn tablet_page() -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let navigator = use_navigator();
    // A code scanned from its QR code arrives in the address's fragment (never sent to the
    // server, so no log holds it); it fills the field and leaves the address bar at once.
    let code = use_state(code_from_fragment);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let input = use_node_ref();
    {
        let input = input.clone();
        use_effect_with((), move |()| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        });
    }

    let oninput = {
        let (code, error) = (code.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let field = e.target_unchecked_into::<HtmlInputElement>();
            let formatted = format_code(&field.value());
            // Set it on the field too: typing a dash or a letter must not leave it there.
            field.set_value(&formatted);
            code.set(formatted);
            error.set(None);
        })
    };
    let onsubmit = {
        let (session, code, error, busy) =
            (session.clone(), code.clone(), error.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy || digit_count(&code) != CODE_DIGITS {
                return;
            }
            busy.set(true);
            let (session, code, error, busy, navigator) =
                (session.clone(), code.clone(), error.clone(), busy.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup::tablet_sign_in(&code).await {
                    Ok((me, policy)) => {
                        let home = home_for(&me);
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

    let count = digit_count(&code);
    let error_text = error.as_ref().map(|e| match e {
        ApiError::Unauthorized => t.tablet_wrong_code.to_owned(),
        ApiError::Refused { status: 429, .. } => t.too_many_attempts.to_owned(),
        other => other.message(lang),
    });

    html! {
        <main class="page login-page tablet-page">
            <form id="tablet-form" class="card login-card tablet-card" {onsubmit}>
                <h1 class="with-icon">{ icons::tablet() }{ t.tablet_sign_in_title }</h1>
                <p class="lead">{ t.tablet_sign_in_lead }</p>
                <label for="tablet-code">{ t.tablet_code }</label>
                <input id="tablet-code" name="tablet-code" ref={input} class="code-input" type="text"
                       inputmode="numeric" autocomplete="off" autocapitalize="none" spellcheck="false"
                       placeholder="0000-0000-0000" maxlength="20" value={(*code).clone()} {oninput}
                       aria-describedby="tablet-code-count" aria-invalid={error_text.is_some().then_some("true")} />
                <p id="tablet-code-count" class={classes!("code-count", (count == CODE_DIGITS).then_some("complete"))} aria-live="polite">
                    { t.digits_typed(count, CODE_DIGITS) }
                </p>
                if let Some(text) = error_text {
                    <p id="tablet-error" class="notice error" role="alert">
                        <span aria-hidden="true">{"⚠ "}</span>{ text }
                    </p>
                }
                <button id="tablet-sign-in" type="submit" class="primary big" disabled={*busy || count != CODE_DIGITS}>
                    { if *busy { t.logging_in } else { t.tablet_sign_in_button } }
                </button>
                <p class="fine-print">{ t.tablet_where_code }</p>
                <Link<Route> to={Route::Login} classes="other-login" >
                    <span id="password-login-link">{ t.password_login_instead }</span>
                </Link<Route>>
            </form>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_grouped_by_four_whatever_was_typed_between_the_digits() {
        assert_eq!(format_code("482719305521"), "4827-1930-5521");
        assert_eq!(format_code("4827 1930-55"), "4827-1930-55");
        assert_eq!(format_code("4827-"), "4827");
        assert_eq!(format_code("48a2"), "482");
        assert_eq!(format_code("4827-1930-5521-99"), "4827-1930-5521");
        assert_eq!(digit_count("4827-1930-5521"), 12);
    }
}
