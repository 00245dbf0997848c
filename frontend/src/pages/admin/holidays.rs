//! Admin: the school's holidays (`/admin/holidays`), school year by school year (September to
//! August). A holiday is a weekday on which no report is expected, so `missing_reports` does
//! not count it. Add one day or a whole break at once (its weekdays), with a name; remove one.
//!
//! Test ids: `#school-year`, `#year-prev`, `#year-next`; the form `#holiday-date`,
//! `#holiday-until` (optional: the last day of a break), `#holiday-name`, `#add-holiday`,
//! `#holiday-added`, `#holiday-error`; the list `#holiday-list tr[data-date="2026-10-01"]` with
//! `.remove-holiday`; `#no-holidays`.

use crate::api::{self, ApiError};
use crate::components::form::input_value;
use crate::components::notice;
use crate::dates;
use crate::i18n::texts;
use crate::load::{Load, use_load};
use crate::pages::admin::{done_notice, error_notice};
use crate::state::use_session;
use chrono::{Datelike, NaiveDate};
use yew::prelude::*;

/// The longest break added at once.
const MAX_BREAK_DAYS: usize = 70;

/// The first day of the school year that `date` belongs to (September 1; from August on, the
/// coming year, which is when schools set it up).
pub fn school_year_start(date: NaiveDate) -> i32 {
    if date.month() >= 8 { date.year() } else { date.year() - 1 }
}

/// September 1 of `year` to August 31 of the next.
fn school_year(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((NaiveDate::from_ymd_opt(year, 9, 1)?, NaiveDate::from_ymd_opt(year + 1, 8, 31)?))
}

/// The school days (Monday to Friday) from `from` to `until`; just `from` when there is no
/// `until` (even on a weekend: the admin asked for that day).
pub fn days_to_add(from: NaiveDate, until: Option<NaiveDate>) -> Vec<NaiveDate> {
    match until {
        None => vec![from],
        Some(until) => dates::range(from, until).filter(|d| !dates::is_weekend(*d)).collect(),
    }
}

#[function_component(HolidaysSection)]
pub fn holidays_section() -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let today = session.user().map(|(me, _)| me.today).unwrap_or_default();
    let year = use_state(|| school_year_start(today));
    let holidays = use_load(*year, |year| async move {
        match school_year(year) {
            Some((from, to)) => api::holidays(from, to).await,
            None => Ok(Vec::new()),
        }
    });
    let date = use_state(String::new);
    let until = use_state(String::new);
    let name = use_state(String::new);
    let outcome = use_state(|| None::<Result<usize, ApiError>>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (date, until, name, outcome, busy) =
            (date.clone(), until.clone(), name.clone(), outcome.clone(), busy.clone());
        let reload = holidays.reload.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(from) = date.parse::<NaiveDate>() else {
                return;
            };
            let last = until.parse::<NaiveDate>().ok().filter(|u| *u > from);
            let days = days_to_add(from, last);
            if days.is_empty() || days.len() > MAX_BREAK_DAYS || *busy {
                return;
            }
            busy.set(true);
            let label = name.trim().to_owned();
            let (date, until, name, outcome, busy, reload) = (
                date.clone(),
                until.clone(),
                name.clone(),
                outcome.clone(),
                busy.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let mut result = Ok(days.len());
                for day in days {
                    if let Err(e) = api::setup::put_holiday(day, &label).await {
                        result = Err(e);
                        break;
                    }
                }
                if result.is_ok() {
                    date.set(String::new());
                    until.set(String::new());
                    name.set(String::new());
                }
                outcome.set(Some(result));
                busy.set(false);
                reload.emit(());
            });
        })
    };
    let remove = {
        let (outcome, reload) = (outcome.clone(), holidays.reload.clone());
        Callback::from(move |day: NaiveDate| {
            let (outcome, reload) = (outcome.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = api::setup::delete_holiday(day).await {
                    outcome.set(Some(Err(e)));
                }
                reload.emit(());
            });
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(input_value(&e)))
    };
    let step = |delta: i32| {
        let year = year.clone();
        Callback::from(move |_: MouseEvent| year.set(*year + delta))
    };
    let span = date
        .parse::<NaiveDate>()
        .ok()
        .map(|from| days_to_add(from, until.parse().ok().filter(|u| *u > from)).len());
    let too_long = span.is_some_and(|n| n > MAX_BREAK_DAYS);

    let list = match &holidays.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(list) if list.is_empty() => html! {
            <p class="notice" id="no-holidays">{ t.no_holidays }</p>
        },
        Load::Loaded(list) => html! {
            <div class="card table-wrap">
                <table class="data-table" id="holiday-list">
                    <caption class="table-caption">{ t.holidays_count(list.len()) }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ t.date }</th>
                            <th scope="col">{ t.holiday_name }</th>
                            <th scope="col" class="actions-head"><span class="visually-hidden">{ t.actions }</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        { for list.iter().map(|h| {
                            let onclick = {
                                let (remove, day) = (remove.clone(), h.date);
                                Callback::from(move |_: MouseEvent| remove.emit(day))
                            };
                            html! {
                                <tr data-date={h.date.to_string()}>
                                    <th scope="row" class="nowrap">
                                        { h.date.to_string() }{" "}<span class="muted">{ dates::weekday(h.date, lang) }</span>
                                    </th>
                                    <td>{ if h.name.is_empty() { "—".to_owned() } else { h.name.clone() } }</td>
                                    <td class="actions">
                                        <button type="button" class="remove-holiday" {onclick}
                                                aria-label={format!("{} {}", t.remove, h.date)}>{ t.remove }</button>
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };

    html! {
        <>
            <div class="year-picker">
                <button type="button" id="year-prev" onclick={step(-1)} aria-label={t.previous_year}>{"◀"}</button>
                <strong id="school-year" aria-live="polite">{ t.school_year(*year) }</strong>
                <button type="button" id="year-next" onclick={step(1)} aria-label={t.next_year}>{"▶"}</button>
            </div>
            <form class="card inline-form holiday-form" onsubmit={onsubmit} aria-labelledby="holiday-form-title">
                <h3 id="holiday-form-title" class="form-title">{ t.add_holiday }</h3>
                <div class="field">
                    <label for="holiday-date">{ t.holiday_first_day }</label>
                    <input id="holiday-date" type="date" required=true value={(*date).clone()} oninput={set(&date)} />
                </div>
                <div class="field">
                    <label for="holiday-until">{ t.holiday_last_day }</label>
                    <input id="holiday-until" type="date" value={(*until).clone()} oninput={set(&until)}
                           min={(*date).clone()} aria-describedby="holiday-until-help" />
                </div>
                <div class="field grow">
                    <label for="holiday-name">{ t.holiday_name }</label>
                    <input id="holiday-name" type="text" maxlength="60" value={(*name).clone()} oninput={set(&name)}
                           placeholder={t.holiday_name_placeholder} />
                </div>
                <button type="submit" id="add-holiday" class="primary" disabled={*busy || span.is_none() || too_long}>
                    { match span { Some(n) if n > 1 => t.add_days(n), _ => t.add_holiday.to_owned() } }
                </button>
                <p class="fine-print" id="holiday-until-help">{ t.holiday_until_help }</p>
                if too_long {
                    <p class="field-problem" role="alert">{ t.break_too_long }</p>
                }
                { match &*outcome {
                    Some(Ok(n)) => done_notice("holiday-added", t.holidays_added(*n)),
                    Some(Err(e)) => error_notice("holiday-error", e, lang),
                    None => html! {},
                } }
            </form>
            { list }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_school_year_starts_in_september_and_is_set_up_from_august() {
        assert_eq!(school_year_start(d("2026-11-20")), 2026);
        assert_eq!(school_year_start(d("2027-03-02")), 2026);
        assert_eq!(school_year_start(d("2027-08-10")), 2027);
        assert_eq!(school_year(2026), Some((d("2026-09-01"), d("2027-08-31"))));
    }

    #[test]
    fn a_break_adds_its_weekdays_and_a_single_day_is_added_as_asked() {
        // National Day week 2026: Thursday 1 October to Wednesday 7 October.
        let days = days_to_add(d("2026-10-01"), Some(d("2026-10-07")));
        assert_eq!(
            days,
            ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"].map(d)
        );
        assert_eq!(days_to_add(d("2026-10-03"), None), [d("2026-10-03")]);
    }
}
