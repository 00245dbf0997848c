//! The app's own confirmation dialog, for a step that is hard to undo (archiving a class,
//! disabling an account, revoking a tablet code or a notice link): a modal `<dialog>` with the
//! question, the step as its button, and "cancel" first in the reading order and focused, so that
//! Enter or Esc does nothing harmful. Not the browser's `confirm()`, which reads as a warning from
//! the browser rather than from the school's own tool, cannot be styled, and some tablets
//! suppress.
//!
//! Selectors: `dialog.ask[open]` with `.ask-question`, `.ask-yes`, `.ask-no`.

use web_sys::HtmlDialogElement;
use yew::prelude::*;

use crate::i18n::texts;
use crate::state::use_session;

/// A question waiting for an answer: what is asked, the step's button, and what it does.
#[derive(Clone, PartialEq)]
pub struct Question {
    pub text: String,
    pub yes: &'static str,
    pub then: Callback<()>,
}

#[derive(Properties, PartialEq)]
pub struct AskProps {
    /// The question being asked, if any; the dialog sets it back to `None` when answered.
    pub asking: UseStateHandle<Option<Question>>,
}

/// The dialog of [`Question`]s: shown (modal) while `asking` holds one.
#[function_component(Ask)]
pub fn ask(props: &AskProps) -> Html {
    let lang = use_session().lang;
    let node = use_node_ref();
    let open = props.asking.is_some();
    {
        let node = node.clone();
        use_effect_with(open, move |open| {
            if let (true, Some(dialog)) = (*open, node.cast::<HtmlDialogElement>()) {
                if !dialog.open() {
                    let _ = dialog.show_modal();
                }
            }
        });
    }
    let Some(question) = (*props.asking).clone() else {
        return html! {};
    };
    let no = {
        let asking = props.asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(None))
    };
    let yes = {
        let asking = props.asking.clone();
        let then = question.then.clone();
        Callback::from(move |_: MouseEvent| {
            asking.set(None);
            then.emit(());
        })
    };
    // Esc: the browser closes the dialog; the question goes with it.
    let oncancel = {
        let asking = props.asking.clone();
        Callback::from(move |_: Event| asking.set(None))
    };
    html! {
        <dialog ref={node} class="ask" aria-labelledby="ask-question" {oncancel}>
            <p class="ask-question" id="ask-question">{ question.text.clone() }</p>
            <div class="ask-buttons">
                <button type="button" class="ask-no secondary" autofocus=true onclick={no}>
                    { texts(lang).cancel }
                </button>
                <button type="button" class="ask-yes danger" onclick={yes}>{ question.yes }</button>
            </div>
        </dialog>
    }
}
