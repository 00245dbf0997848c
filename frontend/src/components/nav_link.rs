//! A link to a screen of the app that can carry an `id` (for tests and labels), unlike
//! yew-router's `Link`: a real `<a href>` (it opens in a new tab with Ctrl or ⌘), followed
//! inside the app on a plain click.

use crate::route::Route;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NavLinkProps {
    pub to: Route,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub classes: Classes,
    /// Marks the link as the page on show (`aria-current="page"`).
    #[prop_or_default]
    pub current: bool,
    pub children: Html,
}

#[function_component(NavLink)]
pub fn nav_link(props: &NavLinkProps) -> Html {
    let navigator = use_navigator();
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |e: MouseEvent| {
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            e.prevent_default();
            if let Some(navigator) = &navigator {
                navigator.push(&to);
            }
        })
    };
    html! {
        <a href={props.to.to_path()} id={props.id.clone()} class={props.classes.clone()} {onclick}
           aria-current={props.current.then_some("page")}>
            { props.children.clone() }
        </a>
    }
}
