//! The page for an address the app does not know (`#not-found`).

use crate::i18n::texts;
use crate::route::Route;
use crate::state::use_lang;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(NotFoundPage)]
pub fn not_found_page() -> Html {
    let t = texts(use_lang());
    html! {
        <main class="page" id="not-found">
            <h1>{ t.not_found_title }</h1>
            <p>{ t.not_found_text }</p>
            <Link<Route> to={Route::Home} classes="button primary">{ t.go_home }</Link<Route>>
        </main>
    }
}
