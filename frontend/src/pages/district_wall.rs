//! The district's wall screen (`/district/{id}/wall`): large type for a room's screen, the
//! reports of the district as they arrive (`GET …/events`, server-sent events), how many came
//! today and how many were over the limit. It reconnects by itself after a network drop or a
//! server restart, and says so.
//!
//! Test ids: `#district-wall`, `#wall-status[data-state=live|reconnecting]`, `#wall-count`,
//! `#wall-over`, `#wall-events li[data-class-id]` (newest first).

use crate::api;
use crate::state::use_session;
use shared::Lang;
use shared::district::{DistrictId, ReportEvent};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WallProps {
    pub id: DistrictId,
}

/// The most reports kept on screen.
const SHOWN: usize = 12;
/// How long to wait before opening a new stream once the browser gave the old one up.
const RETRY_MS: u32 = 3_000;

#[derive(Clone, PartialEq)]
struct Wall {
    live: bool,
    count: u32,
    over: u32,
    recent: Vec<ReportEvent>,
}

enum WallAction {
    Live(bool),
    Report(ReportEvent),
}

impl Reducible for Wall {
    type Action = WallAction;

    fn reduce(self: std::rc::Rc<Self>, action: WallAction) -> std::rc::Rc<Self> {
        let mut next = (*self).clone();
        match action {
            WallAction::Live(live) => next.live = live,
            WallAction::Report(event) => {
                next.count += 1;
                next.over += u32::from(event.over_limit);
                next.recent.insert(0, event);
                next.recent.truncate(SHOWN);
            }
        }
        next.into()
    }
}

fn w(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

#[function_component(DistrictWallPage)]
pub fn district_wall_page(props: &WallProps) -> Html {
    let lang = use_session().lang;
    let wall = use_reducer(|| Wall { live: false, count: 0, over: 0, recent: Vec::new() });
    // Bumped to open a new stream after the browser gave the old one up.
    let attempt = use_state(|| 0u32);
    {
        let wall = wall.dispatcher();
        let attempt = attempt.clone();
        use_effect_with((props.id, *attempt), move |(id, n)| {
            let source = web_sys::EventSource::new(&api::district::events_url(*id)).ok();
            let mut kept: Vec<Box<dyn std::any::Any>> = Vec::new();
            if let Some(source) = &source {
                let on_open = {
                    let wall = wall.clone();
                    Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                        wall.dispatch(WallAction::Live(true))
                    })
                };
                source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
                let on_report = {
                    let wall = wall.clone();
                    Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                        move |e: web_sys::MessageEvent| {
                            let data = e.data().as_string().unwrap_or_default();
                            if let Ok(event) = serde_json::from_str::<ReportEvent>(&data) {
                                wall.dispatch(WallAction::Report(event));
                            }
                        },
                    )
                };
                let _ = source
                    .add_event_listener_with_callback("report", on_report.as_ref().unchecked_ref());
                let on_error = {
                    let wall = wall.clone();
                    let source = source.clone();
                    let (attempt, n) = (attempt.clone(), *n);
                    Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                        wall.dispatch(WallAction::Live(false));
                        // CONNECTING: the browser retries by itself. CLOSED (a restarting
                        // server answered an error): open a new stream a little later.
                        if source.ready_state() == web_sys::EventSource::CLOSED {
                            let attempt = attempt.clone();
                            gloo_timers::callback::Timeout::new(RETRY_MS, move || {
                                attempt.set(n + 1)
                            })
                            .forget();
                        }
                    })
                };
                source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
                kept.push(Box::new(on_open));
                kept.push(Box::new(on_report));
                kept.push(Box::new(on_error));
            }
            move || {
                if let Some(source) = source {
                    source.close();
                }
                drop(kept);
            }
        });
    }

    let schools = crate::load::use_load(props.id, api::district::schools);
    let school_name = |id: shared::SchoolId| {
        schools
            .data
            .value()
            .and_then(|list| list.iter().find(|s| s.school_id == id).map(|s| s.name.clone()))
            .unwrap_or_else(|| id.to_string())
    };
    let state = if wall.live { "live" } else { "reconnecting" };
    html! {
        <main class="page wall-page" id="district-wall" style="font-size: 2rem">
            <header class="page-head">
                <h1>{ w(lang, "作业监管大屏", "Homework wall") }</h1>
                <p id="wall-status" data-state={state}>
                    { if wall.live { w(lang, "● 实时", "● Live") } else { w(lang, "○ 正在重新连接…", "○ Reconnecting…") } }
                </p>
            </header>
            <p>
                <span id="wall-count">{ wall.count }</span>{ w(lang, " 份日报已到达，其中 ", " reports arrived, ") }
                <span id="wall-over">{ wall.over }</span>{ w(lang, " 份超出上限", " over the limit") }
            </p>
            <ol id="wall-events" style="list-style: none; padding: 0">
                { for wall.recent.iter().map(|e| html! {
                    <li data-class-id={e.class_id.to_string()} class={classes!(e.over_limit.then_some("over"))}
                        style={if e.over_limit { "color: #b00020; font-weight: bold" } else { "" }}>
                        { format!("{} · {} · {} · {} {}", e.date, school_name(e.school_id), e.class_name, e.total_minutes, w(lang, "分钟", "min")) }
                        if e.over_limit { { w(lang, " ▲ 超出上限", " ▲ over the limit") } }
                    </li>
                }) }
            </ol>
        </main>
    }
}
