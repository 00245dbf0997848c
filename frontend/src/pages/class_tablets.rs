//! A class's tablet codes (`/classes/{id}/tablets`), for its teacher (and admins): issue the
//! code the class tablet signs in with, see when each code was last used, revoke one.
//!
//! Test ids: `#class-tablets-page`, `#class-tablets-name`, and the
//! [`TabletCodes`](crate::components::tablet_codes) panel's own.

use crate::api;
use crate::components::notice;
use crate::components::tablet_codes::TabletCodes;
use crate::i18n::texts;
use crate::load::{Load, use_load};
use crate::route::Route;
use crate::state::use_session;
use shared::ClassId;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClassTabletsProps {
    pub id: ClassId,
}

#[function_component(ClassTabletsPage)]
pub fn class_tablets_page(props: &ClassTabletsProps) -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let classes = use_load((), |()| api::classes());
    let id = props.id;

    let body = match &classes.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(list) => match list.iter().find(|c| c.id == id) {
            None => html! { <p class="notice error" data-testid="load-error">{ t.forbidden }</p> },
            Some(class) => html! {
                <>
                    <header class="page-head">
                        <div>
                            <Link<Route> to={Route::Class { id }} classes="back-link">{"← "}{ class.name.clone() }</Link<Route>>
                            <h1 id="class-tablets-name">{ format!("{} · {}", class.name, t.class_tablet) }</h1>
                            <p class="sub">{ t.class_tablets_lead }</p>
                        </div>
                    </header>
                    <ol class="steps card">
                        <li>{ t.tablet_step_issue }</li>
                        <li>{ t.tablet_step_type }</li>
                        <li>{ t.tablet_step_revoke }</li>
                    </ol>
                    <section class="card">
                        <TabletCodes class_id={id} class_name={class.name.clone()} />
                    </section>
                </>
            },
        },
    };
    html! {
        <main class="page class-tablets-page" id="class-tablets-page">{ body }</main>
    }
}
