//! The pieces of the entry page's view: the date chips, what is stored for the day, the total
//! against the limit, the problems, and the outcome of the last save.

use super::form::Form;
use crate::api::ApiError;
use crate::components::flags::FlagList;
use crate::dates::{self, days_before};
use crate::i18n::{over_limit_warning, problem_text, texts};
use crate::outbox::texts::outbox_texts;
use crate::outbox::{Counts, Link, Outbox, Pending, PendingState, Saved};
use crate::state::{SessionAction, SessionHandle};
use chrono::NaiveDate;
use shared::report::{DayCheck, EditWindow, MONITOR_EDIT_DAYS, earliest_editable};
use shared::{Lang, ValidationError};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The days a report may be entered for, newest first, as big chips; teachers may pick any past
/// day with a date field as well.
pub fn date_picker(
    form: &Form,
    today: NaiveDate,
    window: EditWindow,
    select: &Callback<NaiveDate>,
    lang: Lang,
) -> Html {
    let t = texts(lang);
    let first = earliest_editable(today, window)
        .unwrap_or_else(|| days_before(today, u64::from(MONITOR_EDIT_DAYS)));
    let chips = dates::range(first, today).collect::<Vec<_>>().into_iter().rev().map(|date| {
        let chosen = date == form.date;
        let label = match (today - date).num_days() {
            0 => t.today.to_owned(),
            1 => t.yesterday.to_owned(),
            _ => dates::weekday(date, lang).to_owned(),
        };
        let select = select.clone();
        html! {
            <button type="button" class={classes!("date-chip", chosen.then_some("selected"))}
                    data-date={date.to_string()} aria-pressed={chosen.to_string()}
                    onclick={Callback::from(move |_: MouseEvent| select.emit(date))}>
                <span class="chip-day">{ label }</span>
                <span class="chip-date">{ dates::short(date) }</span>
            </button>
        }
    });
    let any_past = (window == EditWindow::AnyPast).then(|| {
        let select = select.clone();
        let onchange = Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(date) = input.value().parse() {
                select.emit(date);
            }
        });
        html! {
            <label class="date-input">
                <span>{ t.other_day }</span>
                <input type="date" id="report-date-input" max={today.to_string()}
                       value={form.date.to_string()} {onchange} />
            </label>
        }
    });
    html! {
        <div class="date-picker" id="report-date" role="group" aria-label={t.which_day}>
            <div class="date-chips">{ for chips }</div>
            { for any_past }
        </div>
    }
}

pub fn stored_info(form: &Form, lang: Lang) -> Html {
    let t = texts(lang);
    let text = match &form.stored {
        Some(r) => t.stored_by(&r.recorded_by, &dates::timestamp(&r.updated_at)),
        None => t.nothing_stored.to_owned(),
    };
    html! {
        <p id="stored-info" class="stored-info" data-version={form.base_version().to_string()}>
            <strong>{ format!("{} {} ", dates::short(form.date), dates::weekday(form.date, lang)) }</strong>
            { text }
        </p>
    }
}

pub fn total_box(check: &DayCheck, lang: Lang) -> Html {
    let t = texts(lang);
    let over = check.over_by();
    html! {
        <div class="total-box">
            <div class={classes!("total-line", over.is_some().then_some("over"))}>
                <span class="total-label">{ t.day_total }</span>
                <span id="day-total" class="total-value" data-total={check.total.to_string()}>{ check.total }</span>
                <span class="total-limit" id="day-limit">{ format!("/ {} {}", check.limit, t.minutes_unit) }</span>
                if over.is_none() {
                    <span class="total-ok"><span aria-hidden="true">{"✓ "}</span>{ t.within_limit }</span>
                }
            </div>
            if let Some(by) = over {
                <p id="limit-warning" class="limit-warning" role="status">
                    <span>{ over_limit_warning(lang, check.limit, by) }</span>
                </p>
            }
        </div>
    }
}

pub fn problems_list(problems: &[ValidationError], lang: Lang) -> Html {
    if problems.is_empty() {
        return html! {};
    }
    html! {
        <ul id="form-problems" class="problems" role="alert">
            { for problems.iter().map(|p| html! { <li data-code={p.code()}>{ p.message(lang) }</li> }) }
        </ul>
    }
}

/// The shown day's state: waiting in the outbox, on its way, saved (with the flags it raised),
/// in conflict with a teacher's correction, or refused by the server.
pub fn save_status(
    form: &Form,
    outbox: &Outbox,
    load_error: Option<&ApiError>,
    keep_theirs: &Callback<Pending>,
    session: &SessionHandle,
    lang: Lang,
) -> Html {
    let t = texts(lang);
    let o = outbox_texts(lang);
    let pending = outbox.queue.for_date(form.date);
    let saved = outbox.saved.as_ref().filter(|s| {
        s.report.date == form.date
            && form.stored.as_ref().is_some_and(|r| r.version == s.report.version)
    });
    let (state, body) = match (pending.map(|p| &p.state), form.edited) {
        (Some(PendingState::Refused { messages, codes }), _) => {
            // In the monitor's language where we have words for the code.
            let said = messages.iter().enumerate().map(|(i, m)| {
                let code = codes.get(i).map_or("", String::as_str);
                (code.to_owned(), problem_text(code, m, lang))
            });
            let discard = {
                let (discard, id) = (outbox.discard.clone(), pending.map(|p| p.client_id.clone()));
                Callback::from(move |_: MouseEvent| discard.emit(id.clone().unwrap_or_default()))
            };
            (
                "rejected",
                html! {
                    <div class="refused-panel" role="alert">
                        <p><strong>{ o.refused_title }</strong></p>
                        <ul class="problems">{ for said.map(|(code, m)| html! { <li data-code={code}>{ m }</li> }) }</ul>
                        <p>{ o.refused_fix }</p>
                        <button type="button" class="secondary discard-report" onclick={discard}>{ o.discard }</button>
                    </div>
                },
            )
        }
        (_, true) => ("unsaved", html! { { t.unsaved } }),
        (Some(PendingState::Waiting), false) => {
            let sending = pending.is_some_and(|p| outbox.sending.as_ref() == Some(&p.client_id));
            if sending {
                ("sending", html! { { o.sending } })
            } else {
                (
                    "waiting",
                    html! { <p class="waiting-line"><span aria-hidden="true">{"↑ "}</span>{ o.waiting_here }</p> },
                )
            }
        }
        (Some(PendingState::Conflict { theirs }), false) => {
            let Some(mine) = pending.cloned() else { return html! {} };
            let overwrite = {
                let (send_over, id) = (outbox.send_over.clone(), mine.client_id.clone());
                Callback::from(move |_: MouseEvent| send_over.emit(id.clone()))
            };
            let load_theirs = {
                let keep_theirs = keep_theirs.clone();
                Callback::from(move |_: MouseEvent| keep_theirs.emit(mine.clone()))
            };
            let detail = theirs.as_ref().map(|r| {
                let entries: Vec<String> = r
                    .entries
                    .iter()
                    .map(|e| format!("{} {}", shared::i18n::subject_name(&e.subject, lang), e.minutes.get()))
                    .collect();
                html! {
                    <p class="conflict-detail">
                        { t.saved_by(&r.recorded_by, &dates::timestamp(&r.updated_at)) }
                        <br />{ format!("{}: {} {} ({})", t.day_total, r.total_minutes, t.minutes_unit, entries.join(", ")) }
                    </p>
                }
            });
            (
                "conflict",
                html! {
                    <div class="conflict-panel" role="alert">
                        <p><strong>{ t.conflict_title }</strong>{ " " }{ t.conflict_text }</p>
                        { for detail }
                        <div class="button-row">
                            <button type="button" id="conflict-load-theirs" class="primary" onclick={load_theirs}>{ t.conflict_load_theirs }</button>
                        </div>
                        // Overwriting a teacher's correction asks once more.
                        <details class="conflict-overwrite">
                            <summary id="conflict-overwrite-open" class="secondary">{ t.conflict_overwrite }</summary>
                            <p>{ overwrite_question(lang) }</p>
                            <button type="button" id="conflict-overwrite" class="secondary" onclick={overwrite}>{ overwrite_confirm(lang) }</button>
                        </details>
                    </div>
                },
            )
        }
        (None, false) => match (saved, load_error) {
            (Some(Saved { report, flags }), _) => (
                "saved",
                html! {
                    <>
                        <p class="saved-line"><span aria-hidden="true">{"✓ "}</span>
                            { t.saved_line(&dates::short(report.date), report.total_minutes) }</p>
                        if !flags.is_empty() { <FlagList flags={flags.clone()} {lang} /> }
                    </>
                },
            ),
            (None, Some(ApiError::Unauthorized)) => {
                let session = session.clone();
                let relogin =
                    Callback::from(move |_: MouseEvent| session.dispatch(SessionAction::Expired));
                (
                    "failed",
                    html! {
                        <p class="notice error" role="alert">{ t.session_expired }{ " " }
                            <button type="button" class="secondary" onclick={relogin}>{ t.login_button }</button>
                        </p>
                    },
                )
            }
            (None, Some(e)) => (
                "failed",
                html! { <p class="notice error" role="alert"><span aria-hidden="true">{"⚠ "}</span>{ e.message(lang) }</p> },
            ),
            (None, None) => ("idle", html! {}),
        },
    };
    html! {
        <div id="save-status" class={classes!("save-status", state)} data-state={state} aria-live="polite">{ body }</div>
    }
}

/// Asked before a monitor's numbers replace a teacher's correction.
fn overwrite_question(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "老师改过的数字会被你的数字换掉。确定吗？",
        Lang::En => "The teacher's numbers will be replaced by yours. Are you sure?",
    }
}

fn overwrite_confirm(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "确定，用我的数字",
        Lang::En => "Yes, use my numbers",
    }
}

/// The whole outbox at a glance, above the form: all saved, how many wait (and that they go by
/// themselves), or which days need the monitor; each listed day opens with a tap.
pub fn outbox_status(outbox: &Outbox, open: &Callback<NaiveDate>, lang: Lang) -> Html {
    let o = outbox_texts(lang);
    let t = texts(lang);
    let Counts { waiting, conflicts, refused } = outbox.queue.counts();
    let state = match (outbox.loaded, outbox.link) {
        (false, _) => "loading",
        _ if conflicts + refused > 0 => "attention",
        (_, Link::Sending) => "sending",
        (_, Link::Offline) if waiting > 0 => "offline",
        _ if waiting > 0 => "waiting",
        _ => "saved",
    };
    let headline = match state {
        "loading" => html! {},
        "saved" => {
            html! { <p class="outbox-line"><span aria-hidden="true">{"✓ "}</span>{ o.all_saved }</p> }
        }
        _ => html! {
            <>
                if waiting > 0 {
                    <p class="outbox-line"><span aria-hidden="true">{"↑ "}</span>
                        <strong>{ o.waiting(waiting) }</strong>
                        if outbox.link == Link::Sending { { " · " }{ o.sending } }
                    </p>
                }
                if conflicts + refused > 0 {
                    <p class="outbox-line attention"><span aria-hidden="true">{"⚠ "}</span>
                        <strong>{ o.needs_you(conflicts + refused) }</strong></p>
                }
                if outbox.link == Link::Offline && waiting > 0 {
                    <p class="outbox-offline">{ o.offline }{ " " }
                        <button type="button" id="outbox-retry" class="secondary"
                                onclick={outbox.retry.reform(|_: MouseEvent| ())}>{ o.try_now }</button>
                    </p>
                }
            </>
        },
    };
    let items = outbox.queue.items.iter().map(|p| {
        let (kind, words) = match &p.state {
            PendingState::Waiting if outbox.sending.as_ref() == Some(&p.client_id) => ("sending", o.sending_state),
            PendingState::Waiting => ("waiting", o.waiting_state),
            PendingState::Conflict { .. } => ("conflict", o.conflict_state),
            PendingState::Refused { .. } => ("refused", o.refused_state),
        };
        let date = p.date;
        let open = open.clone();
        html! {
            <li class={classes!("outbox-item", kind)} data-date={date.to_string()} data-state={kind}>
                <button type="button" class="outbox-open" onclick={Callback::from(move |_: MouseEvent| open.emit(date))}>
                    <span class="outbox-day">{ format!("{} {}", dates::short(date), dates::weekday(date, lang)) }</span>
                    <span class="outbox-total">{ format!("{} {}", p.total(), t.minutes_unit) }</span>
                    <span class="outbox-state">{ words }</span>
                </button>
            </li>
        }
    });
    html! {
        <section id="outbox-status" class={classes!("outbox-status", state)} data-state={state}
                 data-waiting={waiting.to_string()} data-conflicts={conflicts.to_string()}
                 data-refused={refused.to_string()} aria-live="polite" aria-label={o.outbox_title}>
            { headline }
            if !outbox.queue.items.is_empty() {
                <ul id="outbox-list" class="outbox-list">{ for items }</ul>
            }
        </section>
    }
}

/// The outbox in a word, inside the running total that stays at the top of the screen:
/// `#outbox-badge[data-state]`, the same states as `#outbox-status`.
pub fn outbox_badge(outbox: &Outbox, lang: Lang) -> Html {
    let o = outbox_texts(lang);
    let Counts { waiting, conflicts, refused } = outbox.queue.counts();
    let (state, icon, words) = match outbox.link {
        _ if !outbox.loaded => return html! {},
        _ if conflicts + refused > 0 => ("attention", "⚠", o.needs_you(conflicts + refused)),
        Link::Sending => ("sending", "↑", o.sending.to_owned()),
        _ if waiting > 0 => ("waiting", "↑", o.waiting(waiting)),
        _ => ("saved", "✓", o.all_saved.to_owned()),
    };
    html! {
        <a id="outbox-badge" class={classes!("outbox-badge", state)} data-state={state} href="#outbox-status">
            <span aria-hidden="true">{ icon }{ " " }</span>{ words }
        </a>
    }
}
