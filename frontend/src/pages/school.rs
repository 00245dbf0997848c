//! The school admin's overview (`/school`): every grade with a link to its comparison, and its
//! classes with links to their pages. Fuller admin screens come later.
//!
//! Test ids: `#school-overview`, sections `.grade-section[data-grade="7"]` each with one
//! `a.grade-link` and its classes as `li[data-class-id="12"] > a.class-link`.

use crate::api;
use crate::components::notice;
use crate::i18n::{grade_name, texts};
use crate::load::{Load, use_load};
use crate::route::Route;
use crate::state::use_session;
use shared::Grade;
use shared::api::ClassInfo;
use std::collections::BTreeMap;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(SchoolPage)]
pub fn school_page() -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let classes = use_load((), |()| api::classes());
    let Some((me, policy)) = session.user() else {
        return html! {};
    };

    let body = match &classes.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(list) if list.is_empty() => notice::info(t.no_classes),
        Load::Loaded(list) => {
            let mut by_grade: BTreeMap<Grade, Vec<&ClassInfo>> = BTreeMap::new();
            for class in list.iter() {
                by_grade.entry(class.grade).or_default().push(class);
            }
            html! {
                <div class="grade-grid">
                    { for by_grade.into_iter().map(|(grade, classes)| {
                        let limit = policy.limit(grade);
                        html! {
                            <section class="card grade-section" data-grade={grade.to_string()}>
                                <h2>{ grade_name(grade, lang) }</h2>
                                <p class="sub">{ format!("{} · {} {} {}", t.classes_count(classes.len()), t.daily_limit, limit, t.minutes_unit) }</p>
                                <Link<Route> to={Route::Comparison { school: me.user.school_id, grade: grade.get() }}
                                             classes="button primary grade-link">
                                    { t.open_comparison }{ " →" }
                                </Link<Route>>
                                <ul class="class-links">
                                    { for classes.iter().map(|c| html! {
                                        <li data-class-id={c.id.to_string()}>
                                            <Link<Route> to={Route::Class { id: c.id }} classes="class-link">
                                                { c.name.clone() }
                                            </Link<Route>>
                                        </li>
                                    }) }
                                </ul>
                            </section>
                        }
                    }) }
                </div>
            }
        }
    };

    html! {
        <main class="page school-page" id="school-overview">
            <header class="page-head">
                <div>
                    <h1>{ me.user.school_name.clone() }</h1>
                    <p class="sub">{ t.school_overview_lead }</p>
                </div>
            </header>
            { body }
        </main>
    }
}
