//! The district's wall screen (`/district/{id}/wall`): large type for a room's screen, the day's
//! coverage of the district (how many classes have reported today, how many are over their
//! limit, the schools with classes still missing) and the reports as they arrive.
//!
//! It first opens the event stream (`GET …/events`, server-sent events), then reads the day's
//! coverage (`GET …/coverage`) and applies on top of it every event received since the read was
//! asked for. The state is kept per class (who is still missing, who is over the limit), so an
//! event the coverage already counted, or a report written again, is never counted twice. The
//! stream does not replay what was stored while a screen was away: each time it opens again
//! (after a network drop or a server restart, which the screen says) the coverage is read again;
//! and every few minutes anyway (a lost event, or a new day).
//!
//! Test ids: `#district-wall`, `#wall-status[data-state=live|reconnecting]`,
//! `#wall-day[data-ready=true]`, `#wall-count` (classes reported today), `#wall-classes`,
//! `#wall-over`, `#wall-missing li[data-school-id]`, `#wall-events li[data-class-id]` (newest
//! first).

use crate::api;
use crate::state::use_session;
use chrono::NaiveDate;
use shared::district::{Coverage, DistrictId, ReportEvent};
use shared::{Lang, SchoolId};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WallProps {
    pub id: DistrictId,
}

/// The most reports kept on screen.
const SHOWN: usize = 10;
/// The most schools listed as still missing classes.
const SCHOOLS_SHOWN: usize = 8;
/// How long to wait before opening a new stream once the browser gave the old one up.
const RETRY_MS: u32 = 3_000;
/// How often the day's coverage is read again, events or not.
const REREAD_MS: u32 = 5 * 60 * 1_000;

/// One school's day on the wall.
#[derive(Clone, PartialEq)]
struct SchoolToday {
    name: String,
    school_day: bool,
    classes: u32,
    missing: BTreeSet<String>,
    over: BTreeSet<String>,
}

/// The district's day: the coverage as read, with the events since applied.
#[derive(Clone, PartialEq)]
struct Day {
    date: NaiveDate,
    schools: BTreeMap<SchoolId, SchoolToday>,
}

impl Day {
    fn of(c: &Coverage) -> Day {
        let schools = c
            .schools
            .iter()
            .map(|s| {
                let today = SchoolToday {
                    name: s.name.clone(),
                    school_day: s.school_day,
                    classes: s.classes,
                    missing: s.missing.iter().cloned().collect(),
                    over: s.over_limit.iter().cloned().collect(),
                };
                (s.school_id, today)
            })
            .collect();
        Day { date: c.date, schools }
    }

    /// A report of the day: its class is no longer missing, and over the limit or not as its
    /// latest total says. Applying the same event twice changes nothing.
    fn apply(&mut self, e: &ReportEvent) {
        if e.date != self.date {
            return;
        }
        if let Some(s) = self.schools.get_mut(&e.school_id).filter(|s| s.school_day) {
            s.missing.remove(&e.class_name);
            if e.over_limit {
                s.over.insert(e.class_name.clone());
            } else {
                s.over.remove(&e.class_name);
            }
        }
    }

    fn classes(&self) -> u32 {
        self.schools.values().filter(|s| s.school_day).map(|s| s.classes).sum()
    }

    fn reported(&self) -> u32 {
        let missing: usize = self.schools.values().map(|s| s.missing.len()).sum();
        self.classes().saturating_sub(u32::try_from(missing).unwrap_or(u32::MAX))
    }

    fn over(&self) -> usize {
        self.schools.values().map(|s| s.over.len()).sum()
    }

    /// The schools still missing classes, most missing first.
    fn missing_schools(&self) -> Vec<(SchoolId, &SchoolToday)> {
        let mut schools: Vec<(SchoolId, &SchoolToday)> = self
            .schools
            .iter()
            .filter(|(_, s)| !s.missing.is_empty())
            .map(|(id, s)| (*id, s))
            .collect();
        schools.sort_by(|a, b| b.1.missing.len().cmp(&a.1.missing.len()).then(a.0.cmp(&b.0)));
        schools
    }

    fn school_name(&self, id: SchoolId) -> String {
        self.schools.get(&id).map_or_else(|| id.to_string(), |s| s.name.clone())
    }
}

#[derive(Clone, PartialEq, Default)]
struct Wall {
    live: bool,
    day: Option<Day>,
    /// The events received since a read of the coverage was asked for (`None`: no read under
    /// way): the read may or may not hold them, so they are applied again on top of it.
    pending: Option<Vec<ReportEvent>>,
    recent: Vec<ReportEvent>,
}

enum WallAction {
    Live(bool),
    Reading,
    Read(Coverage),
    ReadFailed,
    Report(ReportEvent),
}

impl Reducible for Wall {
    type Action = WallAction;

    fn reduce(self: Rc<Self>, action: WallAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            WallAction::Live(live) => next.live = live,
            WallAction::Reading => next.pending = Some(Vec::new()),
            WallAction::Read(coverage) => {
                let mut day = Day::of(&coverage);
                for e in next.pending.take().unwrap_or_default() {
                    day.apply(&e);
                }
                next.day = Some(day);
            }
            WallAction::ReadFailed => next.pending = None,
            WallAction::Report(event) => {
                if let Some(day) = &mut next.day {
                    day.apply(&event);
                }
                if let Some(pending) = &mut next.pending {
                    pending.push(event.clone());
                }
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

/// Reads the day's coverage and hands it to the wall.
fn read_day(id: DistrictId, wall: UseReducerDispatcher<Wall>) {
    wall.dispatch(WallAction::Reading);
    wasm_bindgen_futures::spawn_local(async move {
        match api::district::coverage_today(id).await {
            Ok(c) => wall.dispatch(WallAction::Read(c)),
            Err(_) => wall.dispatch(WallAction::ReadFailed),
        }
    });
}

/// Listens to a window event for as long as the returned closure is kept.
fn on_window(
    name: &str,
    f: impl FnMut(web_sys::Event) + 'static,
) -> Option<Closure<dyn FnMut(web_sys::Event)>> {
    let window = web_sys::window()?;
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    window.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref()).ok()?;
    Some(closure)
}

fn off_window(name: &str, closure: &Closure<dyn FnMut(web_sys::Event)>) {
    if let Some(window) = web_sys::window() {
        let _ = window.remove_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
    }
}

#[function_component(DistrictWallPage)]
pub fn district_wall_page(props: &WallProps) -> Html {
    let lang = use_session().lang;
    let wall = use_reducer(Wall::default);
    // Bumped to open a new stream after the browser gave the old one up, or came back online.
    let attempt = use_state(|| 0u32);
    {
        let wall = wall.dispatcher();
        let attempt = attempt.clone();
        use_effect_with((props.id, *attempt), move |(id, n)| {
            let id = *id;
            let source = web_sys::EventSource::new(&api::district::events_url(id)).ok();
            let mut kept: Vec<Box<dyn std::any::Any>> = Vec::new();
            if let Some(source) = &source {
                // Open (first, or again after the browser's own retry): what was stored while
                // away is not replayed, so the day is read again.
                let on_open = {
                    let wall = wall.clone();
                    Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                        wall.dispatch(WallAction::Live(true));
                        read_day(id, wall.clone());
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
            // The network gone: say so at once (a dead connection may stay silent for long).
            // Back: a new stream, whose opening reads the day again.
            let offline = on_window("offline", {
                let wall = wall.clone();
                move |_| wall.dispatch(WallAction::Live(false))
            });
            let online = on_window("online", {
                let (attempt, n) = (attempt.clone(), *n);
                move |_| attempt.set(n + 1)
            });
            let reread = gloo_timers::callback::Interval::new(REREAD_MS, {
                let wall = wall.clone();
                move || read_day(id, wall.clone())
            });
            move || {
                if let Some(source) = source {
                    source.close();
                }
                if let Some(c) = &offline {
                    off_window("offline", c);
                }
                if let Some(c) = &online {
                    off_window("online", c);
                }
                drop(reread);
                drop(kept);
            }
        });
    }

    let state = if wall.live { "live" } else { "reconnecting" };
    let day = wall.day.as_ref();
    let number = |n: Option<String>| n.unwrap_or_else(|| "–".to_owned());
    let school_name = |id: SchoolId| day.map_or_else(|| id.to_string(), |d| d.school_name(id));
    let missing_schools = day.map(Day::missing_schools).unwrap_or_default();
    html! {
        <main class="page wall-page" id="district-wall">
            <header class="wall-head">
                <h1>{ w(lang, "作业监管大屏", "Homework wall") }</h1>
                <p id="wall-status" data-state={state} class={classes!("wall-status", state)}>
                    { if wall.live { w(lang, "● 实时", "● Live") } else { w(lang, "○ 连接中断，正在重新连接…", "○ Connection lost, reconnecting…") } }
                </p>
            </header>
            <section id="wall-day" class="wall-numbers" data-ready={day.is_some().to_string()}>
                <div class="wall-number">
                    <span class="big">
                        <span id="wall-count">{ number(day.map(|d| d.reported().to_string())) }</span>
                        { " / " }
                        <span id="wall-classes">{ number(day.map(|d| d.classes().to_string())) }</span>
                    </span>
                    <span class="label">
                        { w(lang, "个班级今日已填报", "classes reported today") }
                        { day.map(|d| format!(" · {}", d.date)).unwrap_or_default() }
                    </span>
                </div>
                <div class="wall-number over">
                    <span class="big" id="wall-over">{ number(day.map(|d| d.over().to_string())) }</span>
                    <span class="label">{ w(lang, "个班级超出每日上限", "classes over the daily limit") }</span>
                </div>
                <div class="wall-number">
                    <span class="big" id="wall-schools-missing">{ number(day.map(|_| missing_schools.len().to_string())) }</span>
                    <span class="label">{ w(lang, "所学校仍有班级未填报", "schools with classes not yet reported") }</span>
                </div>
            </section>
            <div class="wall-columns">
                <section class="wall-list">
                    <h2>{ w(lang, "最新日报", "Latest reports") }</h2>
                    if wall.recent.is_empty() {
                        <p class="muted">{ w(lang, "等待新的日报…", "Waiting for reports…") }</p>
                    }
                    <ol id="wall-events">
                        { for wall.recent.iter().map(|e| html! {
                            <li data-class-id={e.class_id.to_string()} class={classes!(e.over_limit.then_some("over"))}>
                                { format!("{} · {} · {} · {} {}", e.date.format("%m-%d"), school_name(e.school_id), e.class_name, e.total_minutes, w(lang, "分钟", "min")) }
                                if e.over_limit { { w(lang, " ▲ 超出上限", " ▲ over the limit") } }
                            </li>
                        }) }
                    </ol>
                </section>
                <section class="wall-list">
                    <h2>{ w(lang, "尚未填报", "Not yet reported") }</h2>
                    <ol id="wall-missing">
                        { for missing_schools.iter().take(SCHOOLS_SHOWN).map(|(id, s)| html! {
                            <li data-school-id={id.to_string()}>
                                { format!("{} · {} / {}{}", s.name, s.missing.len(), s.classes, w(lang, " 个班级未填报", " classes missing")) }
                            </li>
                        }) }
                    </ol>
                </section>
            </div>
        </main>
    }
}
