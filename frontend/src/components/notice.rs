//! Small messages: loading, a failed request, a page that cannot be shown.

use crate::api::ApiError;
use crate::i18n::texts;
use shared::Lang;
use yew::prelude::*;

/// "Loading…", announced to screen readers.
pub fn loading(lang: Lang) -> Html {
    html! { <p class="notice loading" role="status" aria-live="polite">{ texts(lang).loading }</p> }
}

/// A failed request, in words.
pub fn failed(error: &ApiError, lang: Lang) -> Html {
    html! {
        <p class="notice error" role="alert" data-testid="load-error">
            <span class="icon" aria-hidden="true">{"⚠"}</span>{" "}{ error.message(lang) }
        </p>
    }
}

/// A plain message in a box.
pub fn info(text: &str) -> Html {
    html! { <p class="notice">{ text }</p> }
}
