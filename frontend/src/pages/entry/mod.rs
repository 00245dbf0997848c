//! The monitor's entry page (`/entry`): a day's minutes per subject in under 30 seconds, the
//! running total against the grade's limit while typing, and the last two weeks below. The
//! subjects the teachers filed for the day come first, each with its expected minutes.
//! Teachers use it too, to correct any past day of their class.
//!
//! Test ids:
//! - `#entry-page`; date chips `#report-date button.date-chip[data-date="2026-11-20"]`
//!   (`aria-pressed="true"` on the chosen one); teachers also get `#report-date-input`;
//! - one row per subject `[data-subject="math"]` with its `input` (`#minutes-math`), `.step-down`,
//!   `.step-up` (±5 minutes) and `.quick-pick[data-minutes="10"]`;
//! - `#day-total` (the number alone, also in `data-total`), `#day-limit`, `#limit-warning`
//!   (present only when the day is over the limit), `#form-problems` (present only when the
//!   input cannot be sent), `#note`, `#note-count` (`12/500`), `#submit-report` (disabled while the input cannot be sent,
//!   or is already waiting in the outbox as it stands);
//! - `#save-status` (the shown day) with `data-state` = `idle` | `unsaved` | `waiting` |
//!   `sending` | `saved` | `conflict` | `rejected` | `failed`; on a conflict
//!   `#conflict-load-theirs` and `#conflict-overwrite`; when rejected `.discard-report`;
//! - `#outbox-status` (the whole outbox) with `data-state` = `loading` | `saved` | `sending` |
//!   `waiting` | `offline` | `attention` and the counts `data-waiting`, `data-conflicts`,
//!   `data-refused`; `#outbox-retry`; `#outbox-list li.outbox-item[data-date][data-state]` with a
//!   `button` that opens the day; `#outbox-badge[data-state]` (the same, in the running total);
//! - `#stored-info` (who recorded the shown day, when); the two weeks: `#two-weeks` (see
//!   `components::two_weeks`).

mod form;
mod view;

use crate::api::{self, ApiError};
use crate::components::notice;
use crate::components::subject_row::SubjectRow;
use crate::components::two_weeks::TwoWeeks;
use crate::dates::{self, days_before};
use crate::i18n::{grade_name, texts};
use crate::load::{Load, use_load};
use crate::outbox::{Outbox, Pending, PendingState, Saved, use_outbox};
use crate::state::{SessionAction, use_session};
use chrono::NaiveDate;
use form::{Form, FormAction};
use shared::api::{DayReport, Me, Role};
use shared::report::{
    DayCheck, EditWindow, MAX_NOTE_CHARS, MONITOR_EDIT_DAYS, check_report_date, earliest_editable,
    validate_entries, validate_note,
};
use shared::{ClassId, Grade, Policy, ValidationError};
use std::rc::Rc;
use view::{
    date_picker, outbox_badge, outbox_status, problems_list, save_status, stored_info, total_box,
};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Days in the "last two weeks" list, today included.
const RECENT_DAYS: u64 = 14;

/// Shows the entry form for the account's class, or says why there is none.
#[function_component(EntryPage)]
pub fn entry_page() -> Html {
    let session = use_session();
    let t = texts(session.lang);
    let Some((me, policy)) = session.user() else {
        return html! {};
    };
    match (me.user.class_id, me.user.grade, me.user.role) {
        (Some(class_id), Some(grade), Role::Monitor | Role::Teacher) => {
            html! { <EntryForm {me} {policy} {class_id} {grade} /> }
        }
        _ => html! { <main class="page">{ notice::info(t.no_class_to_record) }</main> },
    }
}

#[derive(Properties, PartialEq)]
struct EntryProps {
    me: Rc<Me>,
    policy: Rc<Policy>,
    class_id: ClassId,
    grade: Grade,
}

#[function_component(EntryForm)]
fn entry_form(props: &EntryProps) -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let (class_id, grade, today) = (props.class_id, props.grade, props.me.today);
    let window = if props.me.user.role == Role::Monitor {
        EditWindow::LastDays(MONITOR_EDIT_DAYS)
    } else {
        EditWindow::AnyPast
    };
    let subjects = props.policy.subjects(grade).to_vec();
    let form = use_reducer(|| Form::new(today, subjects));
    // Why another day could not be loaded.
    let load_error = use_state(|| None::<ApiError>);
    let outbox = use_outbox(class_id);
    let recent_from = days_before(today, RECENT_DAYS - 1);
    let recent =
        use_load((class_id, recent_from, today), |(id, from, to)| api::reports(id, from, to));
    // The shown day's plan (作业备案): its subjects come first, each with its expected minutes.
    // Without it (none filed, offline) the form is as it always was. (A plain effect, not
    // `use_load`: the tablet's download counts every instance of a generic hook.)
    // The day the plan is of beside it: a slow answer for a day no longer shown shows nothing.
    let planned = use_state(|| (today, Vec::<PlannedSubject>::new()));
    {
        let planned = planned.clone();
        use_effect_with((class_id, form.date), move |&(class, date)| {
            wasm_bindgen_futures::spawn_local(async move {
                let found = api::day_plan_as::<PlanBrief>(class, date).await;
                planned.set((date, found.map(|p| p.subjects).unwrap_or_default()));
            });
        });
    }

    // Whenever the two weeks (re)load or the outbox changes, an untouched form shows the day as
    // the monitor last left it: their report waiting in the outbox, else what is stored.
    {
        let (form, outbox) = (form.clone(), outbox.clone());
        let deps = (recent.data.clone(), outbox.queue.clone(), outbox.saved.clone(), outbox.loaded);
        use_effect_with(deps, move |(data, ..)| {
            // (A day older than the two weeks was loaded on its own and is not in the list.)
            let list = match data {
                Load::Loaded(list) if form.date >= recent_from => Some(list.as_slice()),
                _ => None,
            };
            if !form.edited && outbox.loaded {
                if let Some(action) = show_day(form.date, list, &outbox) {
                    form.dispatch(action);
                }
            }
        });
    }
    // Each report the outbox gets stored changes the two weeks.
    {
        let reload = recent.reload.clone();
        use_effect_with(outbox.stored_count, move |count| {
            if *count > 0 {
                reload.emit(());
            }
        });
    }

    let select_date = {
        let (form, load_error, session) = (form.clone(), load_error.clone(), session.clone());
        let (recent, outbox) = (recent.data.clone(), outbox.clone());
        Callback::from(move |date: NaiveDate| {
            if date == form.date || (form.edited && !confirm(texts(session.lang).discard_changes)) {
                return;
            }
            load_error.set(None);
            let list = match &recent {
                Load::Loaded(list) if date >= recent_from => Some(list.as_slice()),
                _ => None,
            };
            if let Some(action) = show_day(date, list, &outbox) {
                return form.dispatch(action);
            }
            let (form, load_error, session) = (form.clone(), load_error.clone(), session.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::reports(class_id, date, date).await {
                    Ok(list) => {
                        form.dispatch(FormAction::Show { date, report: list.into_iter().next() })
                    }
                    Err(ApiError::Unauthorized) => session.dispatch(SessionAction::Expired),
                    Err(e) => load_error.set(Some(e)),
                }
            });
        })
    };

    // Puts the form into the outbox, which sends it now or as soon as it can. The version named
    // is the one the form was loaded from (0: nothing was stored).
    let send = {
        let (form, submit) = (form.clone(), outbox.submit.clone());
        Callback::from(move |()| {
            let content = (*form).clone();
            let pending = Pending {
                client_id: crate::api::new_client_id(),
                date: content.date,
                entries: content.entries(),
                note: content.note.clone(),
                base_version: content.base_version(),
                attempted: false,
                state: PendingState::Waiting,
            };
            let stored = content.stored.as_deref().cloned();
            form.dispatch(FormAction::ShowQueued { stored, pending: Box::new(pending.clone()) });
            submit.emit(pending);
        })
    };

    // After a conflict, "keep theirs": my report leaves the outbox and theirs fills the form.
    let keep_theirs = {
        let (form, discard) = (form.clone(), outbox.discard.clone());
        Callback::from(move |pending: Pending| {
            if let PendingState::Conflict { theirs } = &pending.state {
                form.dispatch(FormAction::Show { date: pending.date, report: theirs.clone() });
            }
            discard.emit(pending.client_id);
        })
    };

    // What the shared rules say about the form, recomputed on every keystroke.
    let problems = local_problems(&form, grade, &props.policy, today, window);
    let total = u32::try_from(form.total()).unwrap_or(u32::MAX);
    let check = DayCheck::new(grade, &props.policy, total);
    // Already in the outbox as it stands: a second tap would only send it twice.
    let queued_as_is = !form.edited
        && outbox.queue.for_date(form.date).is_some_and(|p| p.state == PendingState::Waiting);
    let blocked = !problems.is_empty() || queued_as_is;
    // The fields appear once the stored days have arrived: typing earlier would start from zeros
    // instead of the stored day. (Absent rather than disabled, so that whoever waits for a field
    // to appear, a person or a test, finds it ready.)
    let waiting = (matches!(recent.data, Load::Loading) || !outbox.loaded) && !form.edited;

    // Brings the outcome of a submission into view: the button may sit low on a tablet's screen.
    let outcome = match outbox.queue.for_date(form.date).map(|p| &p.state) {
        Some(PendingState::Waiting) => 1,
        Some(PendingState::Conflict { .. }) => 2,
        Some(PendingState::Refused { .. }) => 3,
        None => 0,
    };
    let first_render = use_mut_ref(|| true);
    use_effect_with((outcome, outbox.stored_count), move |_| {
        if std::mem::replace(&mut *first_render.borrow_mut(), false) {
            return;
        }
        let status = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("save-status"));
        if let Some(status) = status {
            status.scroll_into_view_with_bool(false);
        }
    });

    let day_status =
        save_status(&form, &outbox, (*load_error).as_ref(), &keep_theirs, &session, lang);

    let onsubmit = {
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !blocked {
                send.emit(());
            }
        })
    };

    let expected: &[PlannedSubject] = if planned.0 == form.date { &planned.1 } else { &[] };
    let rows = plan_first(&form.subjects, expected).into_iter().map(|index| {
        let subject = &form.subjects[index];
        let expected =
            expected.iter().find(|p| p.subject == subject.as_str()).map(|p| p.expected_minutes);
        let dispatch = |make: fn(usize, String) -> FormAction| {
            let form = form.clone();
            Callback::from(move |text: String| form.dispatch(make(index, text)))
        };
        let on_step = {
            let form = form.clone();
            Callback::from(move |delta: i64| form.dispatch(FormAction::Step { index, delta }))
        };
        let on_pick = {
            let form = form.clone();
            Callback::from(move |minutes: u32| form.dispatch(FormAction::Pick { index, minutes }))
        };
        let problem = problems.iter().find_map(|p| match p {
            ValidationError::MinutesOutOfRange { subject: s, .. } if s == subject.as_str() => {
                Some(AttrValue::from(p.message(lang)))
            }
            _ => None,
        });
        html! {
            <SubjectRow key={subject.to_string()} key_name={subject.to_string()}
                        name={shared::i18n::subject_name(subject, lang)}
                        value={form.values[index].clone()} {problem} {expected}
                        on_input={dispatch(|index, text| FormAction::Type { index, text })}
                        {on_step} {on_pick} {lang} />
        }
    });

    let on_note = {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            form.dispatch(FormAction::Note(area.value()));
        })
    };

    let class_name = props.me.user.class_name.clone().unwrap_or_default();
    let limit_note = if grade.is_lower_primary() {
        t.no_written_homework.to_owned()
    } else {
        format!("{} {} {}", t.daily_limit, check.limit, t.minutes_unit)
    };
    // The two weeks as the server has them, with the monitor's waiting reports laid over.
    let recent_days = |list: &[DayReport]| -> Vec<(NaiveDate, Option<u32>)> {
        dates::range(recent_from, today)
            .map(|d| {
                let queued =
                    outbox.queue.for_date(d).map(|p| u32::try_from(p.total()).unwrap_or(0));
                (d, queued.or_else(|| list.iter().find(|r| r.date == d).map(|r| r.total_minutes)))
            })
            .collect()
    };

    html! {
        <main class="page entry-page" id="entry-page">
            <header class="page-head">
                <h1>{ format!("{class_name} {}", t.entry_title) }</h1>
                <p class="sub">{ format!("{} · {limit_note}", grade_name(grade, lang)) }</p>
            </header>

            { outbox_status(&outbox, &select_date, lang) }
            { date_picker(&form, today, window, &select_date, lang) }
            { stored_info(&form, lang) }

            <form id="entry-form" class="entry-form" onsubmit={onsubmit} novalidate=true>
                <div class={classes!("entry-summary", check.over_by().is_some().then_some("over"))}>
                    { total_box(&check, lang) }
                    <div class="summary-actions">
                        { outbox_badge(&outbox, lang) }
                        // In the bar that stays at the top: on a tablet on its side seven
                        // subjects do not fit the screen, and Submit must not be below them.
                        <button id="submit-report" type="submit" class="primary big" disabled={blocked}>
                            { t.submit }
                        </button>
                    </div>
                </div>
                <fieldset>
                    <legend class="visually-hidden">{ t.minutes_per_subject }</legend>
                    if waiting {
                        { notice::loading(lang) }
                    } else {
                        <div class="subject-list">{ for rows }</div>
                    }
                    <label class="note-label" for="note">
                        { t.note_label }
                        <span id="note-count" class="note-count" aria-live="polite">
                            { format!("{}/{MAX_NOTE_CHARS}", form.note.chars().count()) }
                        </span>
                    </label>
                    <textarea id="note" rows="2" maxlength={MAX_NOTE_CHARS.to_string()}
                              placeholder={t.note_placeholder} value={form.note.clone()} oninput={on_note} />
                </fieldset>
                <div class="entry-footer">
                    { problems_list(&problems, lang) }
                    { day_status }
                </div>
            </form>

            <section class="recent">
                <h2>{ t.last_two_weeks }</h2>
                { match &recent.data {
                    Load::Loading => notice::loading(lang),
                    Load::Failed(e) => notice::failed(e, lang),
                    Load::Loaded(list) => html! {
                        <TwoWeeks days={recent_days(list)} start={props.me.class_start}
                                  limit={check.limit} {today} selected={form.date}
                                  editable_from={earliest_editable(today, window).or(Some(recent_from))}
                                  on_select={select_date.clone()} {lang} />
                    },
                } }
            </section>
        </main>
    }
}

/// Of a day's plan, what the entry page shows: each filed subject's expected minutes. (Only
/// these fields are decoded: the tablet's download stays small.)
#[derive(Clone, PartialEq, serde::Deserialize)]
struct PlannedSubject {
    subject: String,
    expected_minutes: u32,
}

#[derive(serde::Deserialize)]
struct PlanBrief {
    subjects: Vec<PlannedSubject>,
}

/// The form's subject indexes in the order the rows show them: the plan's subjects in its
/// order, then the others in the grade's.
fn plan_first(subjects: &[shared::Subject], planned: &[PlannedSubject]) -> Vec<usize> {
    let place = |s: &shared::Subject| planned.iter().position(|p| p.subject == s.as_str());
    let mut order: Vec<usize> = (0..subjects.len()).collect();
    order.sort_by_key(|&i| place(&subjects[i]).unwrap_or(usize::MAX));
    order
}

/// What the form shows for `date`: the monitor's report waiting in the outbox, else the newest
/// stored one known (from the two weeks or the outbox's last answer); `None` when neither the
/// outbox nor `list` can say (the day must be fetched).
fn show_day(date: NaiveDate, list: Option<&[DayReport]>, outbox: &Outbox) -> Option<FormAction> {
    let saved = outbox.saved.as_ref().map(|s: &Saved| &*s.report).filter(|r| r.date == date);
    let listed = list.and_then(|l| l.iter().find(|r| r.date == date));
    let newest = match (listed, saved) {
        (Some(a), Some(b)) => Some(if b.version > a.version { b } else { a }),
        (a, b) => a.or(b),
    }
    .cloned();
    if let Some(pending) = outbox.queue.for_date(date) {
        return Some(FormAction::ShowQueued { stored: newest, pending: Box::new(pending.clone()) });
    }
    if list.is_none() && newest.is_none() {
        return None;
    }
    Some(FormAction::Show { date, report: newest })
}

/// Every reason the form cannot be sent as it stands, from the same rules the server applies.
fn local_problems(
    form: &Form,
    grade: Grade,
    policy: &Policy,
    today: NaiveDate,
    window: EditWindow,
) -> Vec<ValidationError> {
    let mut problems = Vec::new();
    if let Err(e) = check_report_date(form.date, today, window) {
        problems.push(e);
    }
    if let Err(es) = validate_entries(grade, policy, &form.entries()) {
        problems.extend(es);
    }
    if let Err(e) = validate_note(&form.note) {
        problems.push(e);
    }
    problems
}

fn confirm(message: &str) -> bool {
    web_sys::window().is_none_or(|w| w.confirm_with_message(message).unwrap_or(true))
}
