//! The period a page looks at (`from`–`to`), kept in the address (`?from=…&to=…`) so that a
//! reload, a bookmark or a link to a class page keeps it. Presets `#period-preset-week` (this
//! week), `#period-preset-two-weeks` (the policy window: the two-week comparison schools file),
//! `#period-preset-month` (this month), each `aria-pressed` when it is the period shown; a
//! custom period through the inputs `#period-from`, `#period-to`; buttons `#period-prev`,
//! `#period-next` move by the period's length.

use crate::dates::{days_after, days_before};
use crate::i18n::texts;
use crate::route::Route;
use chrono::Datelike;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shared::{Lang, Window};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

/// A period as the address carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The policy's window ending at `to` (14 days by default).
    pub fn ending(to: NaiveDate, window_days: u32) -> Self {
        let w = Window::ending(to, window_days);
        Period { from: w.from(), to: w.to() }
    }

    /// Monday of `today`'s week to `today`.
    pub fn this_week(today: NaiveDate) -> Self {
        let monday = days_before(today, u64::from(today.weekday().num_days_from_monday()));
        Period { from: monday, to: today }
    }

    /// The first of `today`'s month to `today`.
    pub fn this_month(today: NaiveDate) -> Self {
        Period { from: today.with_day(1).unwrap_or(today), to: today }
    }

    pub fn window(&self) -> Result<Window, shared::calendar::InvalidWindow> {
        Window::new(self.from, self.to)
    }

    fn len_days(&self) -> u64 {
        u64::try_from((self.to - self.from).num_days() + 1).unwrap_or(1).max(1)
    }

    /// The period of the same length just before this one.
    fn previous(&self) -> Self {
        let n = self.len_days();
        Period { from: days_before(self.from, n), to: days_before(self.to, n) }
    }

    /// The period of the same length just after this one.
    fn next(&self) -> Self {
        let n = self.len_days();
        Period { from: days_after(self.from, n), to: days_after(self.to, n) }
    }
}

#[derive(Deserialize, Default)]
struct PeriodQuery {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

/// The period in the address, else the policy's window ending `today`; and a callback that
/// puts a new period into the address (replacing the history entry, so "back" leaves the page).
#[hook]
pub fn use_period(today: NaiveDate, window_days: u32) -> (Period, Callback<Period>) {
    let location = use_location();
    let navigator = use_navigator();
    let route = use_route::<Route>();
    let query: PeriodQuery =
        location.and_then(|l| l.query::<PeriodQuery>().ok()).unwrap_or_default();
    let default = Period::ending(today, window_days);
    let period =
        Period { from: query.from.unwrap_or(default.from), to: query.to.unwrap_or(default.to) };
    let set = Callback::from(move |p: Period| {
        if let (Some(navigator), Some(route)) = (&navigator, &route) {
            let _ = navigator.replace_with_query(route, &p);
        }
    });
    (period, set)
}

#[derive(Properties, PartialEq)]
pub struct PeriodPickerProps {
    pub period: Period,
    pub today: NaiveDate,
    pub window_days: u32,
    pub on_change: Callback<Period>,
    pub lang: Lang,
}

/// The presets, two date inputs for a custom period, and buttons for the previous and next.
#[function_component(PeriodPicker)]
pub fn period_picker(props: &PeriodPickerProps) -> Html {
    let t = texts(props.lang);
    let p = props.period;
    let on_date = |is_from: bool| {
        let on_change = props.on_change.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(date) = input.value().parse::<NaiveDate>() {
                let next =
                    if is_from { Period { from: date, ..p } } else { Period { to: date, ..p } };
                on_change.emit(next);
            }
        })
    };
    let emit = |period: Period| {
        let on_change = props.on_change.clone();
        Callback::from(move |_: MouseEvent| on_change.emit(period))
    };
    let presets = [
        ("period-preset-week", t.period_this_week, Period::this_week(props.today)),
        (
            "period-preset-two-weeks",
            t.period_current,
            Period::ending(props.today, props.window_days),
        ),
        ("period-preset-month", t.period_this_month, Period::this_month(props.today)),
    ];
    let next = p.next();
    let invalid = p.window().err().map(|_| t.period_invalid);
    html! {
        <div class="period" role="group" aria-label={t.period}>
            <div class="presets" role="group" aria-label={t.period_presets}>
                { for presets.into_iter().map(|(id, label, preset)| html! {
                    <button type="button" id={id} class={classes!("preset", (preset == p).then_some("selected"))}
                            aria-pressed={(preset == p).to_string()} onclick={emit(preset)}>
                        { label }
                    </button>
                }) }
            </div>
            <button type="button" id="period-prev" class="ghost" onclick={emit(p.previous())}>
                { "◀ " }{ t.period_previous }
            </button>
            <label class="period-field">
                <span>{ t.period_from }</span>
                <input type="date" id="period-from" value={p.from.to_string()}
                       max={props.today.to_string()} onchange={on_date(true)} />
            </label>
            <label class="period-field">
                <span>{ t.period_to }</span>
                <input type="date" id="period-to" value={p.to.to_string()}
                       max={props.today.to_string()} onchange={on_date(false)} />
            </label>
            <button type="button" id="period-next" class="ghost" onclick={emit(next)}
                    disabled={next.to > props.today}>
                { t.period_next }{ " ▶" }
            </button>
            if let Some(message) = invalid {
                <p class="notice error" role="alert">{ message }</p>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_presets_end_today() {
        // 2026-11-20 is a Friday.
        let today = d("2026-11-20");
        assert_eq!(Period::this_week(today), Period { from: d("2026-11-16"), to: today });
        assert_eq!(Period::this_month(today), Period { from: d("2026-11-01"), to: today });
        assert_eq!(Period::ending(today, 14), Period { from: d("2026-11-07"), to: today });
        let monday = d("2026-11-16");
        assert_eq!(Period::this_week(monday), Period { from: monday, to: monday });
    }
}
