//! The last two weeks at a glance: one cell per day with its total, marked against the limit.
//! `#two-weeks`, cells `.day-cell[data-date][data-state=ok|over|missing|empty]`; a cell of a day
//! that may still be edited is a button that picks that day.

use crate::dates;
use crate::i18n::texts;
use chrono::NaiveDate;
use shared::Lang;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TwoWeeksProps {
    /// Each day with its stored total, oldest first.
    pub days: Vec<(NaiveDate, Option<u32>)>,
    pub limit: u32,
    /// The class's start: a day before it is not missing, only empty.
    pub start: Option<NaiveDate>,
    pub today: NaiveDate,
    pub selected: NaiveDate,
    /// Days from this one on may be picked (None: any day).
    pub editable_from: Option<NaiveDate>,
    pub on_select: Callback<NaiveDate>,
    pub lang: Lang,
}

#[function_component(TwoWeeks)]
pub fn two_weeks(props: &TwoWeeksProps) -> Html {
    let t = texts(props.lang);
    let cells = props.days.iter().map(|&(date, total)| {
        let (state, icon, value) = match total {
            Some(m) if m > props.limit => ("over", "▲", m.to_string()),
            Some(m) => ("ok", "✓", m.to_string()),
            None if dates::is_school_day(date)
                && date < props.today
                && props.start.is_none_or(|start| date >= start) =>
            {
                ("missing", "✕", t.day_missing_short.to_owned())
            }
            None => ("empty", "", "–".to_owned()),
        };
        let editable = props.editable_from.is_none_or(|from| date >= from) && date <= props.today;
        let body = html! {
            <>
                <span class="day-weekday">{ dates::weekday(date, props.lang) }</span>
                <span class="day-date">{ dates::short(date) }</span>
                <span class="day-total">
                    <span class="day-icon" aria-hidden="true">{ icon }</span>{ value }
                </span>
            </>
        };
        let classes = classes!(
            "day-cell",
            state,
            (date == props.selected).then_some("selected"),
            (date == props.today).then_some("today"),
        );
        let label = format!("{} {}: {}", dates::short(date), dates::weekday(date, props.lang), state_words(state, total, props.lang));
        if editable {
            let on_select = props.on_select.clone();
            html! {
                <li>
                    <button type="button" class={classes} data-date={date.to_string()} data-state={state}
                            aria-label={label} aria-pressed={(date == props.selected).to_string()}
                            onclick={Callback::from(move |_: MouseEvent| on_select.emit(date))}>
                        { body }
                    </button>
                </li>
            }
        } else {
            html! {
                <li>
                    <div class={classes} data-date={date.to_string()} data-state={state} aria-label={label} role="img">
                        { body }
                    </div>
                </li>
            }
        }
    });
    html! {
        <ol class="two-weeks" id="two-weeks">{ for cells }</ol>
    }
}

fn state_words(state: &str, total: Option<u32>, lang: Lang) -> String {
    let t = texts(lang);
    match (state, total) {
        ("over", Some(m)) => format!("{m} {} ({})", t.minutes_unit, t.legend_over),
        (_, Some(m)) => format!("{m} {}", t.minutes_unit),
        ("missing", None) => t.day_missing.to_owned(),
        _ => t.no_report.to_owned(),
    }
}
