//! The period a page looks at (`from`–`to`), kept in the address (`?from=…&to=…`) so that a
//! reload, a bookmark or a link to a class page keeps it. Inputs `#period-from`, `#period-to`;
//! buttons `#period-prev`, `#period-next`, `#period-reset`.

use crate::dates::{days_after, days_before};
use crate::i18n::texts;
use crate::route::Route;
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

/// Two date inputs, and buttons for the previous, next and current window.
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
    let current = Period::ending(props.today, props.window_days);
    let next = p.next();
    let invalid = p.window().err().map(|_| t.period_invalid);
    html! {
        <div class="period" role="group" aria-label={t.period}>
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
            if p != current {
                <button type="button" id="period-reset" class="ghost" onclick={emit(current)}>
                    { t.period_current }
                </button>
            }
            if let Some(message) = invalid {
                <p class="notice error" role="alert">{ message }</p>
            }
        </div>
    }
}
