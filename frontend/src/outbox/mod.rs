//! The outbox of the class tablet: every day report the monitor submits is written to the
//! tablet's storage first ([`crate::storage`], kept per class), then sent; it leaves the outbox
//! only once the server has answered. Sending starts when the page opens, when the browser says
//! the network is back (`online`), after each submission, and on a timer that waits longer
//! after each failure (2 s … 1 min). Each report carries its `client_id`, so a resend after a
//! lost answer is stored once; and the `version` its edit was based on, so a day corrected
//! meanwhile ends in a conflict for the monitor to settle rather than being overwritten.
//!
//! [`use_outbox`] gives a page the queue, how sending stands, and the actions on it. The rules
//! of the queue itself are in [`queue`]; the words in [`texts`].

pub mod queue;
pub mod texts;

use crate::api::{self, ApiError};
use crate::state::{SessionAction, SessionHandle, use_session};
use gloo_timers::callback::Timeout;
use shared::api::{DayReport, PutDayReport};
use shared::{ClassId, Flag};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

pub use queue::{Counts, Pending, PendingState, Queue};

/// The first wait before trying again after the server could not be reached.
const FIRST_RETRY_MS: u32 = 2_000;
/// The longest wait between two tries.
const MAX_RETRY_MS: u32 = 60_000;

/// How sending stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Nothing to send, or not tried yet.
    Idle,
    /// A report is on its way.
    Sending,
    /// The last try did not reach the server; another follows by itself.
    Offline,
}

/// The server's answer to the last report it stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub report: Rc<DayReport>,
    pub flags: Vec<Flag>,
}

/// A page's view of the outbox (see [`use_outbox`]).
#[derive(Clone, PartialEq)]
pub struct Outbox {
    pub queue: Rc<Queue>,
    /// Whether the stored outbox has been read yet.
    pub loaded: bool,
    pub link: Link,
    /// The `client_id` on its way now.
    pub sending: Option<String>,
    /// The last report the server stored from this outbox.
    pub saved: Option<Saved>,
    /// Stores so far, so a page can reload what it shows after each.
    pub stored_count: u32,
    /// Queues a new report (written to storage before it is sent).
    pub submit: Callback<Pending>,
    /// After a conflict: send mine over theirs.
    pub send_over: Callback<String>,
    /// After a conflict: keep theirs; or give up a refused report.
    pub discard: Callback<String>,
    /// Try to send now.
    pub retry: Callback<()>,
}

struct Inner {
    class_id: ClassId,
    queue: Queue,
    loaded: bool,
    running: bool,
    alive: bool,
    link: Link,
    sending: Option<String>,
    saved: Option<Saved>,
    stored_count: u32,
    retry_ms: u32,
    retry_timer: Option<Timeout>,
}

/// What the sending loop needs: the outbox, a way to redraw the page, the session.
#[derive(Clone)]
struct Ctx {
    inner: Rc<RefCell<Inner>>,
    redraw: UseForceUpdateHandle,
    session: SessionHandle,
}

/// The outbox of `class_id` on this device, sending by itself while the calling component
/// lives. A `401` ends the session (the login page follows) and keeps the outbox, which is sent
/// after the next log-in of the same class.
#[hook]
pub fn use_outbox(class_id: ClassId) -> Outbox {
    let redraw = use_force_update();
    let session = use_session();
    let inner = use_mut_ref(|| Inner {
        class_id,
        queue: Queue::default(),
        loaded: false,
        running: false,
        alive: true,
        link: Link::Idle,
        sending: None,
        saved: None,
        stored_count: 0,
        retry_ms: FIRST_RETRY_MS,
        retry_timer: None,
    });
    let ctx = Ctx { inner: inner.clone(), redraw, session };

    {
        let ctx = ctx.clone();
        use_effect_with(class_id, move |_| {
            wasm_bindgen_futures::spawn_local(load(ctx.clone()));
            let on_online = {
                let ctx = ctx.clone();
                Closure::<dyn FnMut()>::new(move || {
                    ctx.inner.borrow_mut().retry_ms = FIRST_RETRY_MS;
                    wasm_bindgen_futures::spawn_local(drain(ctx.clone()));
                })
            };
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
            }
            move || {
                let mut inner = ctx.inner.borrow_mut();
                inner.alive = false;
                inner.retry_timer = None;
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "online",
                        on_online.as_ref().unchecked_ref(),
                    );
                }
                drop(on_online);
            }
        });
    }

    let submit = {
        let ctx = ctx.clone();
        Callback::from(move |pending: Pending| {
            ctx.inner.borrow_mut().queue.submit(pending);
            ctx.redraw.force_update();
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move {
                persist(&ctx).await;
                drain(ctx).await;
            });
        })
    };
    let send_over = {
        let ctx = ctx.clone();
        Callback::from(move |client_id: String| {
            ctx.inner.borrow_mut().queue.send_over(&client_id, api::new_client_id());
            ctx.redraw.force_update();
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move {
                persist(&ctx).await;
                drain(ctx).await;
            });
        })
    };
    let discard = {
        let ctx = ctx.clone();
        Callback::from(move |client_id: String| {
            ctx.inner.borrow_mut().queue.discard(&client_id);
            ctx.redraw.force_update();
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move { persist(&ctx).await });
        })
    };
    let retry = {
        let ctx = ctx.clone();
        Callback::from(move |()| {
            ctx.inner.borrow_mut().retry_ms = FIRST_RETRY_MS;
            wasm_bindgen_futures::spawn_local(drain(ctx.clone()));
        })
    };

    let inner = inner.borrow();
    Outbox {
        queue: Rc::new(inner.queue.clone()),
        loaded: inner.loaded,
        link: inner.link,
        sending: inner.sending.clone(),
        saved: inner.saved.clone(),
        stored_count: inner.stored_count,
        submit,
        send_over,
        discard,
        retry,
    }
}

/// Where a class's outbox is kept on the device.
fn storage_key(class_id: ClassId) -> String {
    format!("outbox-class-{class_id}")
}

/// Reads the stored outbox, then starts sending.
async fn load(ctx: Ctx) {
    let key = storage_key(ctx.inner.borrow().class_id);
    let text = crate::storage::get(&key).await;
    let loaded: Vec<Pending> = match text.as_deref().map(serde_json::from_str) {
        None => Vec::new(),
        Some(Ok(items)) => items,
        Some(Err(e)) => {
            // Never overwrite what cannot be read: keep it aside for a person to look at.
            web_sys::console::error_1(&format!("the stored outbox is unreadable: {e}").into());
            let _ =
                crate::storage::set(&format!("{key}.unreadable"), text.as_deref().unwrap_or(""))
                    .await;
            Vec::new()
        }
    };
    {
        let mut inner = ctx.inner.borrow_mut();
        inner.queue.merge_loaded(loaded);
        inner.loaded = true;
    }
    ctx.redraw.force_update();
    persist(&ctx).await;
    drain(ctx).await;
}

/// Writes the queue as it is now to the device's storage.
async fn persist(ctx: &Ctx) {
    let (key, text) = {
        let inner = ctx.inner.borrow();
        if !inner.loaded || !inner.alive {
            return;
        }
        (storage_key(inner.class_id), serde_json::to_string(&inner.queue.items))
    };
    let result = match text {
        Ok(text) => crate::storage::set(&key, &text).await,
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = result {
        web_sys::console::error_1(&format!("the outbox could not be stored: {e}").into());
    }
}

/// What an answer means for the sending loop.
enum Next {
    Continue,
    Stop,
    LoggedOut,
}

/// Sends the waiting reports one by one, oldest first, until none is left or the server
/// cannot be reached. Only one loop runs at a time.
async fn drain(ctx: Ctx) {
    {
        let mut inner = ctx.inner.borrow_mut();
        if inner.running || !inner.loaded || !inner.alive {
            return;
        }
        inner.running = true;
        inner.retry_timer = None;
    }
    loop {
        let (class_id, pending) = {
            let mut inner = ctx.inner.borrow_mut();
            let Some(pending) = inner.queue.next_to_send().cloned() else {
                inner.link = Link::Idle;
                break;
            };
            inner.queue.mark_attempted(&pending.client_id);
            inner.sending = Some(pending.client_id.clone());
            inner.link = Link::Sending;
            (inner.class_id, pending)
        };
        ctx.redraw.force_update();
        if !pending.attempted {
            persist(&ctx).await;
        }
        let body = PutDayReport {
            entries: pending.entries.clone(),
            note: pending.note.clone(),
            client_id: Some(pending.client_id.clone()),
            version: Some(pending.base_version),
        };
        let result = api::put_report(class_id, pending.date, &body).await;
        if !ctx.inner.borrow().alive {
            // The page went away (log-out); the next one reads the stored outbox and resends.
            return;
        }
        let next = answered(&mut ctx.inner.borrow_mut(), &pending.client_id, result);
        persist(&ctx).await;
        match next {
            Next::Continue => continue,
            Next::Stop => {
                schedule_retry(&ctx);
                break;
            }
            Next::LoggedOut => {
                ctx.session.dispatch(SessionAction::Expired);
                break;
            }
        }
    }
    {
        let mut inner = ctx.inner.borrow_mut();
        inner.running = false;
        inner.sending = None;
    }
    ctx.redraw.force_update();
}

/// Applies the server's answer (or its absence) to the outbox.
fn answered(
    inner: &mut Inner,
    client_id: &str,
    result: Result<shared::api::PutDayReportResponse, ApiError>,
) -> Next {
    inner.sending = None;
    match result {
        Ok(answer) => {
            inner.queue.stored(client_id, &answer.report);
            inner.saved = Some(Saved { report: Rc::new(answer.report), flags: answer.flags });
            inner.stored_count += 1;
            inner.retry_ms = FIRST_RETRY_MS;
            Next::Continue
        }
        Err(ApiError::Conflict(theirs)) => {
            inner.queue.conflict(client_id, theirs.map(|r| *r));
            Next::Continue
        }
        Err(ApiError::Invalid { message, problems }) => {
            let problems = if problems.is_empty() {
                vec![(String::new(), message)]
            } else {
                problems.into_iter().map(|p| (p.code, p.message)).collect()
            };
            inner.queue.refused(client_id, problems);
            Next::Continue
        }
        Err(ApiError::Unauthorized) => {
            inner.link = Link::Idle;
            Next::LoggedOut
        }
        // Busy, overloaded or unreachable: the same report is tried again later.
        Err(ApiError::Refused { status, .. })
            if status == 408 || status == 429 || status >= 500 =>
        {
            inner.link = Link::Offline;
            Next::Stop
        }
        Err(ApiError::Refused { status, code, message }) => {
            inner.queue.refused(client_id, vec![(code, format!("{message} ({status})"))]);
            Next::Continue
        }
        Err(ApiError::Network(_) | ApiError::Unexpected(_)) => {
            inner.link = Link::Offline;
            Next::Stop
        }
    }
}

/// Tries again after a wait that doubles with each failure.
fn schedule_retry(ctx: &Ctx) {
    let mut inner = ctx.inner.borrow_mut();
    let wait = inner.retry_ms;
    inner.retry_ms = (wait * 2).min(MAX_RETRY_MS);
    let again = ctx.clone();
    inner.retry_timer = Some(Timeout::new(wait, move || {
        wasm_bindgen_futures::spawn_local(drain(again));
    }));
}
