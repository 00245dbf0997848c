//! The web app of the homework logger (Yew, rendered in the browser).
//!
//! - [`app`]: the root component, the router and the guard that sends strangers to the login;
//!   [`bundle`]: the two builds, the full app and the class tablet's (feature `full`);
//! - [`route`]: the URLs of the screens;
//! - [`pages`]: one module per screen; [`components`]: the pieces they share;
//! - [`api`]: the only module that speaks HTTP; [`load`]: fetching data into a component;
//! - [`state`]: the session (who is logged in, the school's policy) and the language;
//! - [`i18n`]: every string of the interface in Chinese and English;
//! - [`outbox`]: the tablet's queue of day reports, sent when the network allows;
//!   [`storage`]: where it is kept on the device (IndexedDB, else localStorage).
//!
//! The rules (limits, totals, validation, flags) are not here: they come from the `shared`
//! crate, the same code the server runs, so the page and the server never disagree.

pub mod api;
pub mod app;
pub mod bundle;
pub mod components;
pub mod dates;
pub mod i18n;
pub mod load;
pub mod outbox;
pub mod pages;
pub mod route;
pub mod state;
pub mod storage;

use wasm_bindgen::prelude::*;

/// Renders the app into `<div id="app">` (or `<body>` when the page has none).
#[wasm_bindgen(start)]
pub fn start() {
    let root = document().and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            root.set_inner_html(""); // the "loading" line of index.html
            yew::Renderer::<app::App>::with_root(root).render()
        }
        None => yew::Renderer::<app::App>::new().render(),
    };
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}
