//! The monitor's entry page (`/entry`): a day's minutes per subject in under 30 seconds, the
//! running total against the grade's limit while typing, and the last two weeks below.
//! Teachers use it too, to correct any past day of their class.
//!
//! Test ids:
//! - `#entry-page`; date chips `#report-date button.date-chip[data-date="2026-11-20"]`
//!   (`aria-pressed="true"` on the chosen one); teachers also get `#report-date-input`;
//! - one row per subject `[data-subject="math"]` with its `input` (`#minutes-math`), `.step-down`,
//!   `.step-up` (±5 minutes) and `.quick-pick[data-minutes="10"]`;
//! - `#day-total` (the number alone, also in `data-total`), `#day-limit`, `#limit-warning`
//!   (present only when the day is over the limit), `#form-problems` (present only when the
//!   input cannot be sent), `#note`, `#submit-report` (disabled while the input cannot be sent);
//! - `#save-status` with `data-state` = `idle` | `unsaved` | `sending` | `saved` | `conflict` |
//!   `rejected` | `failed`; on a conflict `#conflict-load-theirs` and `#conflict-overwrite`;
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
use crate::state::{SessionAction, use_session};
use chrono::NaiveDate;
use form::{Form, FormAction};
use shared::api::{DayReport, Me, PutDayReport, Role};
use shared::report::{
    DayCheck, EditWindow, MAX_NOTE_CHARS, MONITOR_EDIT_DAYS, check_report_date, earliest_editable,
    validate_entries, validate_note,
};
use shared::{ClassId, Flag, Grade, Policy, ValidationError};
use std::rc::Rc;
use view::{date_picker, problems_list, save_status, stored_info, total_box};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Days in the "last two weeks" list, today included.
const RECENT_DAYS: u64 = 14;

/// Where the page's last save stands.
#[derive(Debug, Clone, PartialEq)]
enum Save {
    Idle,
    Sending,
    Saved {
        report: Rc<DayReport>,
        flags: Vec<Flag>,
    },
    /// Someone else saved the day meanwhile; this is their report.
    Conflict {
        theirs: Option<Rc<DayReport>>,
    },
    /// The server refused the content (422); its sentences.
    Rejected(Vec<String>),
    Failed(ApiError),
}

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
    let save = use_state(|| Save::Idle);
    let recent_from = days_before(today, RECENT_DAYS - 1);
    let recent =
        use_load((class_id, recent_from, today), |(id, from, to)| api::reports(id, from, to));

    // Whenever the two weeks (re)load, an untouched form shows what is stored for its date.
    {
        let form = form.clone();
        use_effect_with(recent.data.clone(), move |data| {
            // (A day older than the two weeks was loaded on its own and is not in the list.)
            if let (Load::Loaded(list), false, true) = (data, form.edited, form.date >= recent_from)
            {
                let report = list.iter().find(|r| r.date == form.date).cloned();
                form.dispatch(FormAction::Show { date: form.date, report });
            }
        });
    }

    let select_date = {
        let (form, save, session) = (form.clone(), save.clone(), session.clone());
        let recent = recent.data.clone();
        Callback::from(move |date: NaiveDate| {
            if date == form.date || (form.edited && !confirm(texts(session.lang).discard_changes)) {
                return;
            }
            save.set(Save::Idle);
            if let (Load::Loaded(list), true) = (&recent, date >= recent_from) {
                let report = list.iter().find(|r| r.date == date).cloned();
                form.dispatch(FormAction::Show { date, report });
                return;
            }
            let (form, save, session) = (form.clone(), save.clone(), session.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::reports(class_id, date, date).await {
                    Ok(list) => {
                        form.dispatch(FormAction::Show { date, report: list.into_iter().next() })
                    }
                    Err(ApiError::Unauthorized) => session.dispatch(SessionAction::Expired),
                    Err(e) => save.set(Save::Failed(e)),
                }
            });
        })
    };

    // Sends the form. `None`: an ordinary save over the version the form was loaded from;
    // `Some(v)`: overwrite version `v` after a conflict, as a new submission.
    let send = {
        let (form, save, reload) = (form.clone(), save.clone(), recent.reload.clone());
        Callback::from(move |overwrite: Option<i64>| {
            let content = (*form).clone();
            let id = match (overwrite, &content.client_id) {
                (None, Some(id)) => id.clone(),
                _ => api::new_client_id(),
            };
            form.dispatch(FormAction::Sending(id.clone()));
            save.set(Save::Sending);
            let body = PutDayReport {
                entries: content.entries(),
                note: content.note.clone(),
                client_id: Some(id),
                version: Some(overwrite.unwrap_or_else(|| content.base_version())),
            };
            let (form, save, reload) = (form.clone(), save.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::put_report(class_id, content.date, &body).await {
                    Ok(answer) => {
                        form.dispatch(FormAction::Saved(answer.report.clone()));
                        save.set(Save::Saved {
                            report: Rc::new(answer.report),
                            flags: answer.flags,
                        });
                        reload.emit(());
                    }
                    Err(ApiError::Conflict(theirs)) => {
                        save.set(Save::Conflict { theirs: theirs.map(|r| Rc::new(*r)) })
                    }
                    Err(ApiError::Invalid { message, problems }) => {
                        save.set(Save::Rejected(if problems.is_empty() {
                            vec![message]
                        } else {
                            problems.into_iter().map(|p| p.message).collect()
                        }))
                    }
                    Err(e) => save.set(Save::Failed(e)),
                }
            });
        })
    };

    // What the shared rules say about the form, recomputed on every keystroke.
    let problems = local_problems(&form, grade, &props.policy, today, window);
    let total = u32::try_from(form.total()).unwrap_or(u32::MAX);
    let check = DayCheck::new(grade, &props.policy, total);
    let sending = *save == Save::Sending;
    // The fields appear once the stored days have arrived: typing earlier would start from zeros
    // instead of the stored day. (Absent rather than disabled, so that whoever waits for a field
    // to appear, a person or a test, finds it ready.)
    let waiting = matches!(recent.data, Load::Loading) && !form.edited;

    // Brings the outcome of a save into view: the button may sit low on a phone's screen.
    use_effect_with(save.clone(), |save| {
        if !matches!(**save, Save::Idle | Save::Sending) {
            let status = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("save-status"));
            if let Some(status) = status {
                status.scroll_into_view_with_bool(false);
            }
        }
    });

    let onsubmit = {
        let send = send.clone();
        let blocked = !problems.is_empty() || sending;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !blocked {
                send.emit(None);
            }
        })
    };

    let rows = form.subjects.iter().enumerate().map(|(index, subject)| {
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
                        value={form.values[index].clone()} {problem}
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

    html! {
        <main class="page entry-page" id="entry-page">
            <header class="page-head">
                <h1>{ format!("{class_name} {}", t.entry_title) }</h1>
                <p class="sub">{ format!("{} · {limit_note}", grade_name(grade, lang)) }</p>
            </header>

            { date_picker(&form, today, window, &select_date, lang) }
            { stored_info(&form, lang) }

            <form id="entry-form" class="entry-form" onsubmit={onsubmit} novalidate=true>
                <div class={classes!("entry-summary", check.over_by().is_some().then_some("over"))}>
                    { total_box(&check, lang) }
                </div>
                <fieldset disabled={sending}>
                    <legend class="visually-hidden">{ t.minutes_per_subject }</legend>
                    if waiting {
                        { notice::loading(lang) }
                    } else {
                        <div class="subject-list">{ for rows }</div>
                    }
                    <label class="note-label" for="note">{ t.note_label }</label>
                    <textarea id="note" rows="2" maxlength={MAX_NOTE_CHARS.to_string()}
                              placeholder={t.note_placeholder} value={form.note.clone()} oninput={on_note} />
                </fieldset>
                <div class="entry-footer">
                    if check.over_by().is_some() {
                        <p class="over-hint">{ t.over_limit_hint }</p>
                    }
                    { problems_list(&problems, lang) }
                    <button id="submit-report" type="submit" class="primary big"
                            disabled={!problems.is_empty() || sending}>
                        { if sending { t.saving } else { t.submit } }
                    </button>
                    { save_status(&save, &form, &send, &form_loader(&form, &save, &recent.reload), &session, lang) }
                </div>
            </form>

            <section class="recent">
                <h2>{ t.last_two_weeks }</h2>
                { match &recent.data {
                    Load::Loading => notice::loading(lang),
                    Load::Failed(e) => notice::failed(e, lang),
                    Load::Loaded(list) => html! {
                        <TwoWeeks days={dates::range(recent_from, today)
                                      .map(|d| (d, list.iter().find(|r| r.date == d).map(|r| r.total_minutes)))
                                      .collect::<Vec<_>>()}
                                  limit={check.limit} {today} selected={form.date}
                                  editable_from={earliest_editable(today, window).or(Some(recent_from))}
                                  on_select={select_date.clone()} {lang} />
                    },
                } }
            </section>
        </main>
    }
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

/// A callback that shows a stored report in the form (the other person's, after a conflict).
fn form_loader(
    form: &UseReducerHandle<Form>,
    save: &UseStateHandle<Save>,
    reload: &Callback<()>,
) -> Callback<Option<Rc<DayReport>>> {
    let (form, save, reload) = (form.clone(), save.clone(), reload.clone());
    Callback::from(move |report: Option<Rc<DayReport>>| {
        form.dispatch(FormAction::Show { date: form.date, report: report.map(|r| (*r).clone()) });
        save.set(Save::Idle);
        reload.emit(());
    })
}

fn confirm(message: &str) -> bool {
    web_sys::window().is_none_or(|w| w.confirm_with_message(message).unwrap_or(true))
}
