//! The two builds of the app. `cargo xtask dist` builds this crate twice: the full app, and
//! (without the `full` feature) the class tablet's, less than half its size: log-in, tablet
//! sign-in, the entry page with its outbox, the top bar, not-found. `static/boot.js` picks one
//! by the address: [`TABLET_PATHS`] boot the tablet's, every other address the full app.
//!
//! When the tablet's build is asked for a screen it lacks (a teacher logs in on `/login`, a link
//! to the account page), [`FullAppLoad`] loads that address afresh, and boot.js then boots the
//! full app. The full app has every screen, the tablet's too, so it never loads the other.

use crate::components::notice;
use crate::pages::not_found::NotFoundPage;
use crate::state::use_lang;
use yew::prelude::*;

/// The addresses whose page boots the tablet's build: the same list as in `static/boot.js`.
pub const TABLET_PATHS: [&str; 4] = ["/", "/login", "/tablet", "/entry"];

/// Whether boot.js boots the tablet's build for the page at `path`.
pub fn boots_tablet_build(path: &str) -> bool {
    TABLET_PATHS.contains(&path)
}

#[derive(Properties, PartialEq)]
pub struct FullAppLoadProps {
    /// The address of the screen (the router has already put it in the address bar).
    pub path: AttrValue,
}

/// A screen only the full app has: loads its address as a new page, which boots the full app.
/// It replaces the history entry the router made, so "back" skips nothing. Should boot.js give
/// this build for that address (the two lists out of step), it says "not found" instead of
/// loading the same page for ever.
#[function_component(FullAppLoad)]
pub fn full_app_load(props: &FullAppLoadProps) -> Html {
    let lang = use_lang();
    let location = web_sys::window().map(|w| w.location());
    let here = location.as_ref().and_then(|l| l.pathname().ok());
    let loops = boots_tablet_build(here.as_deref().unwrap_or(&props.path));
    use_effect_with(props.path.clone(), move |path| {
        if loops {
            web_sys::console::error_1(
                &format!("{path} is not in this build, and boot.js boots this build for it").into(),
            );
        } else if let Some(location) = location {
            // The whole address: a query or a fragment the screen reads stays.
            let href = location.href().unwrap_or_else(|_| path.to_string());
            let _ = location.replace(&href);
        }
    });
    if loops {
        html! { <NotFoundPage /> }
    } else {
        html! { <main class="page">{ notice::loading(lang) }</main> }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_js_boots_the_tablet_build_for_the_same_addresses() {
        let boot = include_str!("../static/boot.js");
        let list = TABLET_PATHS.map(|p| format!("{p:?}")).join(", ");
        let declared = format!("const TABLET_PATHS = [{list}];");
        assert!(boot.contains(&declared), "static/boot.js declares `{declared}`");
    }

    #[test]
    fn the_entry_page_and_the_log_ins_are_the_tablets_and_the_dashboards_are_not() {
        for path in ["/", "/login", "/tablet", "/entry"] {
            assert!(boots_tablet_build(path), "{path}");
        }
        for path in ["/classes/3", "/school", "/admin/classes", "/account", "/404", "/entry/x"] {
            assert!(!boots_tablet_build(path), "{path}");
        }
    }
}
