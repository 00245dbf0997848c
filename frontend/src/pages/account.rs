//! The account page (`/account`): change one's own password. Class tablets have no password,
//! so they are told so instead.
//!
//! Test ids: `#account-page`, `#password-form`, `#current-password`, `#new-password`,
//! `#new-password-again`, `#change-password`, a field's problem `#{field}-problem`,
//! `#password-changed`, `#password-error`, `#no-password` (class tablets).

use crate::api::{self, ApiError};
use crate::components::form::{described_by, input_value, problem_line};
use crate::i18n::{problem_text, role_name, texts};
use crate::state::{SessionAction, use_session};
use yew::prelude::*;

/// Whether an account is a class tablet's (signed in with a code, no password).
pub fn is_tablet(username: &str) -> bool {
    username.starts_with("tablet-")
}

#[function_component(AccountPage)]
pub fn account_page() -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let current = use_state(String::new);
    let new = use_state(String::new);
    let again = use_state(String::new);
    let outcome = use_state(|| None::<Result<(), ApiError>>);
    let mismatch = use_state(|| false);
    let busy = use_state(|| false);
    let Some((me, _)) = session.user() else {
        return html! {};
    };

    let onsubmit = {
        let (current, new, again, outcome, mismatch, busy, session) = (
            current.clone(),
            new.clone(),
            again.clone(),
            outcome.clone(),
            mismatch.clone(),
            busy.clone(),
            session.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            if *new != *again {
                mismatch.set(true);
                outcome.set(None);
                return;
            }
            mismatch.set(false);
            busy.set(true);
            let (current, new, again, outcome, busy, session) = (
                current.clone(),
                new.clone(),
                again.clone(),
                outcome.clone(),
                busy.clone(),
                session.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::setup::change_own_password(&current, &new).await;
                if result.is_ok() {
                    current.set(String::new());
                    new.set(String::new());
                    again.set(String::new());
                }
                if result == Err(ApiError::Unauthorized) {
                    session.dispatch(SessionAction::Expired);
                }
                outcome.set(Some(result));
                busy.set(false);
            });
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let (state, outcome) = (state.clone(), outcome.clone());
        Callback::from(move |e: InputEvent| {
            state.set(input_value(&e));
            if matches!(*outcome, Some(Ok(()))) {
                outcome.set(None);
            }
        })
    };

    // The server's problems under their fields: a wrong current password, a weak new one.
    let problems = match &*outcome {
        Some(Err(ApiError::Invalid { problems, .. })) => problems.clone(),
        _ => Vec::new(),
    };
    let problem_for = |codes: &[&str]| {
        let texts: Vec<String> = problems
            .iter()
            .filter(|p| codes.contains(&p.code.as_str()))
            .map(|p| problem_text(&p.code, &p.message, lang))
            .collect();
        (!texts.is_empty()).then(|| texts.join(" "))
    };
    let current_problem = problem_for(&["wrong_password"]);
    let new_problem = problem_for(&["weak_password"]);
    let again_problem = mismatch.then(|| t.passwords_differ.to_owned());
    let other_error = match &*outcome {
        Some(Err(e)) if current_problem.is_none() && new_problem.is_none() => Some(e.message(lang)),
        _ => None,
    };
    let field = |id: &'static str,
                 label: &str,
                 value: &str,
                 autocomplete: &'static str,
                 problem: Option<String>,
                 oninput: Callback<InputEvent>| {
        html! {
            <div class={classes!("field", problem.is_some().then_some("invalid"))}>
                <label for={id}>{ label.to_owned() }</label>
                <input {id} type="password" required=true value={value.to_owned()} {autocomplete} {oninput}
                       aria-invalid={problem.is_some().then_some("true")}
                       aria-describedby={described_by(id, problem.as_deref())} />
                { problem_line(id, problem.as_deref()) }
            </div>
        }
    };

    let user = &me.user;
    html! {
        <main class="page account-page" id="account-page">
            <header class="page-head">
                <div>
                    <h1>{ t.my_account }</h1>
                    <p class="sub">
                        { format!("{} · {} · {}", user.display_name, user.username, role_name(user.role, lang)) }
                    </p>
                </div>
            </header>
            if is_tablet(&user.username) {
                <p class="notice" id="no-password">{ t.tablet_has_no_password }</p>
            } else {
                <form id="password-form" class="card narrow-card" {onsubmit}>
                    <h2>{ t.change_password }</h2>
                    <p class="sub">{ t.change_password_lead }</p>
                    <input type="text" name="username" autocomplete="username" value={user.username.clone()}
                           class="visually-hidden" readonly=true tabindex="-1" aria-hidden="true" />
                    { field("current-password", t.current_password, &current, "current-password", current_problem, set(&current)) }
                    { field("new-password", t.new_password, &new, "new-password", new_problem, set(&new)) }
                    { field("new-password-again", t.new_password_again, &again, "new-password", again_problem, set(&again)) }
                    <p class="fine-print">{ t.password_rules }</p>
                    if let Some(text) = other_error {
                        <p class="notice error" id="password-error" role="alert">{ text }</p>
                    }
                    if matches!(*outcome, Some(Ok(()))) {
                        <p class="notice done" id="password-changed" role="status">
                            <span aria-hidden="true">{"✓ "}</span>{ t.password_changed }
                        </p>
                    }
                    <button type="submit" id="change-password" class="primary big" disabled={*busy}>{ t.change_password }</button>
                </form>
            }
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tablet_accounts_are_known_by_their_username() {
        assert!(is_tablet("tablet-12"));
        assert!(!is_tablet("wang.li"));
    }
}
