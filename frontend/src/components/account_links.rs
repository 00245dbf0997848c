//! The links of the top bar to one's own pages: the school set-up (admins), the class tablet's
//! codes (teachers), and the account page for changing one's password (everyone but class
//! tablets).
//!
//! Test ids: `#admin-link`, `#tablets-link`, `#account-link`.

use crate::components::icons;
use crate::components::nav_link::NavLink;
use crate::i18n::texts;
use crate::pages::account::is_tablet;
use crate::pages::admin::AdminSection;
use crate::route::Route;
use crate::state::use_session;
use shared::api::Role;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(AccountLinks)]
pub fn account_links() -> Html {
    let session = use_session();
    let t = texts(session.lang);
    let route = use_route::<Route>();
    let Some((me, _)) = session.user() else {
        return html! {};
    };
    let user = &me.user;
    let on = |r: &Route| route.as_ref() == Some(r);
    let admin = Route::Admin { section: AdminSection::Classes };
    let in_admin = matches!(route, Some(Route::Admin { .. }));
    html! {
        <nav class="account-links" aria-label={t.my_pages}>
            if user.role == Role::DistrictAdmin {
                // A district admin reads every school of its district and changes nothing.
                <span class="badge" id="read-only-mark">
                    { if session.lang == shared::Lang::Zh { "只读" } else { "Read only" } }
                </span>
            }
            if user.role == Role::SchoolAdmin {
                <NavLink to={admin} id="admin-link" classes="button ghost" current={in_admin}>
                    <span aria-hidden="true">{"⚙ "}</span>{ t.admin_title }
                </NavLink>
            }
            if let (Role::Teacher, Some(id)) = (user.role, user.class_id) {
                <NavLink to={Route::ClassTablets { id }} id="tablets-link" classes="button ghost"
                         current={on(&Route::ClassTablets { id })}>
                    { icons::tablet() }{ t.class_tablet }
                </NavLink>
            }
            if matches!(user.role, Role::Teacher | Role::GradeLeader | Role::SchoolAdmin) {
                <NavLink to={Route::Cases} id="cases-link" classes="button ghost" current={on(&Route::Cases)}>
                    { if session.lang == shared::Lang::Zh { "整改" } else { "Cases" } }
                </NavLink>
            }
            if !is_tablet(&user.username) {
                <NavLink to={Route::Account} id="account-link" classes="button ghost" current={on(&Route::Account)}>
                    { t.my_account }
                </NavLink>
            }
        </nav>
    }
}
