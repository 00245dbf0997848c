//! The pieces of the entry page's view: the date chips, what is stored for the day, the total
//! against the limit, the problems, and the outcome of the last save.

use super::Save;
use super::form::Form;
use crate::api::ApiError;
use crate::components::flags::FlagList;
use crate::dates::{self, days_before};
use crate::i18n::{over_limit_warning, texts};
use crate::state::{SessionAction, SessionHandle};
use chrono::NaiveDate;
use shared::api::DayReport;
use shared::report::{DayCheck, EditWindow, MONITOR_EDIT_DAYS, earliest_editable};
use shared::{Lang, ValidationError};
use std::rc::Rc;
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
                <p id="limit-warning" class="limit-warning" role="alert">
                    <span class="icon" aria-hidden="true">{"▲"}</span>
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

pub fn save_status(
    save: &Save,
    form: &Form,
    send: &Callback<Option<i64>>,
    load: &Callback<Option<Rc<DayReport>>>,
    session: &SessionHandle,
    lang: Lang,
) -> Html {
    let t = texts(lang);
    let (state, body) = match save {
        Save::Sending => ("sending", html! { { t.saving } }),
        Save::Saved { report, flags } if !form.edited => (
            "saved",
            html! {
                <>
                    <p class="saved-line"><span aria-hidden="true">{"✓ "}</span>
                        { t.saved_line(&dates::short(report.date), report.total_minutes) }</p>
                    if !flags.is_empty() { <FlagList flags={flags.clone()} {lang} /> }
                </>
            },
        ),
        Save::Conflict { theirs } => {
            let overwrite = {
                let (send, version) = (send.clone(), theirs.as_ref().map_or(0, |r| r.version));
                Callback::from(move |_: MouseEvent| send.emit(Some(version)))
            };
            let load_theirs = {
                let (load, theirs) = (load.clone(), theirs.clone());
                Callback::from(move |_: MouseEvent| load.emit(theirs.clone()))
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
                            <button type="button" id="conflict-load-theirs" class="secondary" onclick={load_theirs}>{ t.conflict_load_theirs }</button>
                            <button type="button" id="conflict-overwrite" class="primary" onclick={overwrite}>{ t.conflict_overwrite }</button>
                        </div>
                    </div>
                },
            )
        }
        Save::Rejected(messages) => (
            "rejected",
            html! {
                <ul class="problems" role="alert">{ for messages.iter().map(|m| html! { <li>{ m.clone() }</li> }) }</ul>
            },
        ),
        Save::Failed(ApiError::Unauthorized) => {
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
        Save::Failed(e) => (
            "failed",
            html! { <p class="notice error" role="alert"><span aria-hidden="true">{"⚠ "}</span>{ e.message(lang) }{ " " }{ t.kept_try_again }</p> },
        ),
        _ if form.edited => ("unsaved", html! { { t.unsaved } }),
        _ => ("idle", html! {}),
    };
    html! {
        <div id="save-status" class={classes!("save-status", state)} data-state={state} aria-live="polite">{ body }</div>
    }
}
