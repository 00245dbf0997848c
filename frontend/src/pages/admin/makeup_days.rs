//! Admin: the school's make-up school days (调休), beside its holidays: a Saturday or Sunday
//! kept as a school day, so that it counts in averages and a class that did not report on it
//! missed a day. Add one (a weekday is refused before it is sent), remove one.
//!
//! Test ids: `#makeup-date`, `#makeup-name`, `#add-makeup-day`, `#makeup-error`,
//! `#makeup-list tr[data-date="2026-10-10"]` with `.remove-makeup-day`; `#no-makeup-days`.

use crate::api::{self, ApiError};
use crate::components::form::input_value;
use crate::components::notice;
use crate::dates;
use crate::load::{Load, use_load};
use crate::pages::admin::error_notice;
use crate::pages::admin::holidays::school_year_start;
use crate::state::use_session;
use chrono::NaiveDate;
use shared::Lang;
use yew::prelude::*;

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

#[function_component(MakeupDaysSection)]
pub fn makeup_days_section() -> Html {
    let session = use_session();
    let lang = session.lang;
    let today = session.user().map(|(me, _)| me.today).unwrap_or_default();
    let year = school_year_start(today);
    let days = use_load(year, |year| async move {
        let from = NaiveDate::from_ymd_opt(year, 9, 1);
        let to = NaiveDate::from_ymd_opt(year + 1, 8, 31);
        match from.zip(to) {
            Some((from, to)) => api::makeup_days(from, to).await,
            None => Ok(Vec::new()),
        }
    });
    let date = use_state(String::new);
    let name = use_state(String::new);
    let error = use_state(|| None::<ApiError>);

    let chosen = date.parse::<NaiveDate>().ok();
    let weekday_chosen = chosen.is_some_and(|d| !dates::is_weekend(d));
    let onsubmit = {
        let (date, name, error, reload) =
            (date.clone(), name.clone(), error.clone(), days.reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(day) = date.parse::<NaiveDate>().ok().filter(|d| dates::is_weekend(*d)) else {
                return;
            };
            let label = name.trim().to_owned();
            let (date, name, error, reload) =
                (date.clone(), name.clone(), error.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup::put_makeup_day(day, &label).await {
                    Ok(_) => {
                        date.set(String::new());
                        name.set(String::new());
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
                reload.emit(());
            });
        })
    };
    let remove = {
        let (error, reload) = (error.clone(), days.reload.clone());
        Callback::from(move |day: NaiveDate| {
            let (error, reload) = (error.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = api::setup::delete_makeup_day(day).await {
                    error.set(Some(e));
                }
                reload.emit(());
            });
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(input_value(&e)))
    };

    let list = match &days.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(list) if list.is_empty() => html! {
            <p class="notice" id="no-makeup-days">
                { pick(lang, "这一学年还没有调休上课日。", "No make-up school days this school year.") }
            </p>
        },
        Load::Loaded(list) => html! {
            <div class="card table-wrap">
                <table class="data-table" id="makeup-list">
                    <thead>
                        <tr>
                            <th scope="col">{ pick(lang, "日期", "Date") }</th>
                            <th scope="col">{ pick(lang, "名称", "Name") }</th>
                            <th scope="col" class="actions-head"><span class="visually-hidden">{ pick(lang, "操作", "Actions") }</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        { for list.iter().map(|m| {
                            let onclick = {
                                let (remove, day) = (remove.clone(), m.date);
                                Callback::from(move |_: MouseEvent| remove.emit(day))
                            };
                            let label = pick(lang, "删除", "Remove");
                            html! {
                                <tr data-date={m.date.to_string()}>
                                    <th scope="row" class="nowrap">
                                        { m.date.to_string() }{" "}<span class="muted">{ dates::weekday(m.date, lang) }</span>
                                    </th>
                                    <td>{ if m.name.is_empty() { "—".to_owned() } else { m.name.clone() } }</td>
                                    <td class="actions">
                                        <button type="button" class="remove-makeup-day" {onclick}
                                                aria-label={format!("{label} {}", m.date)}>{ label }</button>
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
        <section class="makeup-days" aria-labelledby="makeup-title">
            <h2 id="makeup-title">{ pick(lang, "调休上课日", "Make-up school days") }</h2>
            <p class="fine-print">
                { pick(lang,
                    "调休：周六或周日照常上课。这一天算上课日：计入平均，未登记算“漏登记”。",
                    "A Saturday or Sunday kept as a school day: it counts in averages, and a class that did not report on it missed a day.") }
            </p>
            <form class="card inline-form" onsubmit={onsubmit} aria-labelledby="makeup-form-title">
                <h3 id="makeup-form-title" class="form-title">{ pick(lang, "添加调休上课日", "Add a make-up day") }</h3>
                <div class="field">
                    <label for="makeup-date">{ pick(lang, "日期（周六或周日）", "Date (Saturday or Sunday)") }</label>
                    <input id="makeup-date" type="date" required=true value={(*date).clone()} oninput={set(&date)} />
                </div>
                <div class="field grow">
                    <label for="makeup-name">{ pick(lang, "名称", "Name") }</label>
                    <input id="makeup-name" type="text" maxlength="60" value={(*name).clone()} oninput={set(&name)}
                           placeholder={pick(lang, "例如：国庆调休", "e.g. National Day make-up")} />
                </div>
                <button type="submit" id="add-makeup-day" class="primary" disabled={chosen.is_none() || weekday_chosen}>
                    { pick(lang, "添加", "Add") }
                </button>
                if weekday_chosen {
                    <p class="field-problem" role="alert">
                        { pick(lang, "只有周六或周日可以设为调休上课日。", "Only a Saturday or Sunday can be a make-up school day.") }
                    </p>
                }
                { match &*error {
                    Some(e) => error_notice("makeup-error", e, lang),
                    None => html! {},
                } }
            </form>
            { list }
        </section>
    }
}
