//! A class × day heat map of a grade: each cell a class's total that day, shaded by how much of
//! the limit it uses; over the limit hatched with ▲ and the number; a school day without a
//! report hatched grey and labelled "missing" — distinct from weekends and holidays, which are
//! plain and unlabelled. The same table is a "show as table" toggle away.
//!
//! Test ids (inside the element named by `id`): cells `rect.cell[data-class-id][data-date]
//! [data-state=ok|over|missing|holiday|weekend|pending]` with `data-total` where reported, and
//! `data-level` (1–4) for `ok`; column heads `text.col-head[data-date][data-school-day]`.

use crate::components::chart::{fmt, hatch_pattern, missing_pattern};
use crate::dates::{self, is_weekend};
use crate::i18n::texts;
use chrono::{Datelike, NaiveDate};
use shared::Lang;
use shared::api::GradeDays;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeatMapProps {
    pub id: AttrValue,
    pub days: Rc<GradeDays>,
    pub today: NaiveDate,
    pub lang: Lang,
}

/// What a cell shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellState {
    /// Reported, at or under the limit; the level 1–4 is the quarter of the limit used.
    Ok(u8),
    Over,
    /// A school day before today without a report.
    Missing,
    /// A weekday the school has off.
    Holiday,
    Weekend,
    /// Today or later, not reported (yet).
    Pending,
}

impl CellState {
    pub fn name(self) -> &'static str {
        match self {
            CellState::Ok(_) => "ok",
            CellState::Over => "over",
            CellState::Missing => "missing",
            CellState::Holiday => "holiday",
            CellState::Weekend => "weekend",
            CellState::Pending => "pending",
        }
    }
}

/// The state of a cell from its total (if reported) and the calendar.
pub fn cell_state(
    total: Option<u32>,
    limit: u32,
    school_day: bool,
    date: NaiveDate,
    today: NaiveDate,
) -> CellState {
    match total {
        Some(t) if t > limit => CellState::Over,
        Some(_) if limit == 0 => CellState::Ok(1),
        Some(t) => {
            let quarter = (f64::from(t) / f64::from(limit) * 4.0).ceil() as u8;
            CellState::Ok(quarter.clamp(1, 4))
        }
        // A make-up Saturday is a school day: without a report, it is missing.
        None if !school_day && is_weekend(date) => CellState::Weekend,
        None if !school_day => CellState::Holiday,
        None if date < today => CellState::Missing,
        None => CellState::Pending,
    }
}

/// [`cell_state`], but a day before the class's start is not missing: it did not exist yet.
fn state_of(
    class: &shared::api::ClassDayTotals,
    total: Option<u32>,
    limit: u32,
    school_day: bool,
    date: NaiveDate,
    today: NaiveDate,
) -> CellState {
    let before_start = class.start.is_some_and(|s| date < s);
    if total.is_none() && school_day && before_start {
        return CellState::Pending;
    }
    cell_state(total, limit, school_day, date, today)
}

const LABEL_W: f64 = 76.0;
const CELL_W: f64 = 46.0;
const CELL_H: f64 = 34.0;
const HEAD_H: f64 = 36.0;

#[function_component(HeatMap)]
pub fn heat_map(props: &HeatMapProps) -> Html {
    let t = texts(props.lang);
    let g = &props.days;
    let dates: Vec<NaiveDate> = dates::range(g.from, g.to).collect();
    let school = |d: &NaiveDate| g.school_days.contains(d);
    let width = LABEL_W + CELL_W * dates.len().max(1) as f64 + 4.0;
    let height = HEAD_H + CELL_H * g.classes.len().max(1) as f64 + 4.0;
    let hatch = format!("{}-hatch", props.id);
    let missing = format!("{}-missing", props.id);

    let heads = dates.iter().enumerate().map(|(i, d)| {
        let x = LABEL_W + CELL_W * i as f64 + CELL_W / 2.0;
        let off = !school(d);
        html! {
            <text class={classes!("col-head", off.then_some("off"))} x={fmt(x)} y="14"
                  data-date={d.to_string()} data-school-day={(!off).to_string()}>
                { d.day().to_string() }
                <tspan x={fmt(x)} dy="15" class="weekday">
                    { if off && !is_weekend(*d) { t.holiday_short.to_owned() } else { dates::weekday(*d, props.lang).to_owned() } }
                </tspan>
            </text>
        }
    });
    let rows = g.classes.iter().enumerate().map(|(r, class)| {
        let y = HEAD_H + CELL_H * r as f64;
        let cells = dates.iter().enumerate().map(|(i, d)| {
            let total = class.days.iter().find(|x| x.date == *d).map(|x| x.total_minutes);
            let state = state_of(class, total, g.limit_minutes, school(d), *d, props.today);
            let x = LABEL_W + CELL_W * i as f64;
            let (fill, text) = match state {
                CellState::Ok(level) => (format!("var(--heat-{level})"), total.map(|t| t.to_string())),
                CellState::Over => (format!("url(#{hatch})"), total.map(|t| format!("▲{t}"))),
                CellState::Missing => (format!("url(#{missing})"), Some(t.day_missing_short.to_owned())),
                CellState::Holiday | CellState::Weekend => ("var(--heat-off)".to_owned(), None),
                CellState::Pending => ("var(--heat-pending)".to_owned(), None),
            };
            let title = match (state, total) {
                (_, Some(total)) => format!("{} {} {}: {total} {}", class.name, dates::short(*d), dates::weekday(*d, props.lang), t.minutes_unit),
                (CellState::Missing, None) => format!("{} {}: {}", class.name, dates::short(*d), t.day_missing),
                _ => format!("{} {}: {}", class.name, dates::short(*d), t.no_school),
            };
            let level = if let CellState::Ok(l) = state { Some(l.to_string()) } else { None };
            html! {
                <g>
                    <rect class={classes!("cell", state.name())} x={fmt(x + 1.0)} y={fmt(y + 1.0)}
                          width={fmt(CELL_W - 2.0)} height={fmt(CELL_H - 2.0)} rx="3" fill={fill}
                          data-class-id={class.class_id.to_string()} data-date={d.to_string()}
                          data-state={state.name()} data-total={total.map(|t| t.to_string())}
                          data-level={level.clone()}>
                        <title>{ title }</title>
                    </rect>
                    if let Some(text) = text {
                        <text class={classes!("cell-value", state.name(), level.map(|l| format!("level-{l}")))}
                              x={fmt(x + CELL_W / 2.0)} y={fmt(y + CELL_H / 2.0 + 4.0)}>{ text }</text>
                    }
                </g>
            }
        });
        html! {
            <g class="heat-row" data-class-id={class.class_id.to_string()}>
                <text class="row-head" x={fmt(LABEL_W - 8.0)} y={fmt(y + CELL_H / 2.0 + 5.0)}>{ class.name.clone() }</text>
                { for cells }
            </g>
        }
    });
    let label = t.heat_map_summary(g.classes.len(), g.limit_minutes);

    html! {
        <figure class="chart heat-map">
            <div class="chart-scroll">
                <svg id={props.id.clone()} viewBox={format!("0 0 {} {}", fmt(width), fmt(height))}
                     style={format!("max-width:{}px; min-width:{}px", (width * 2.0) as u32, (width * 0.7) as u32)}
                     role="img" aria-label={label.clone()} data-limit={g.limit_minutes.to_string()}>
                    <title>{ label }</title>
                    <defs>{ hatch_pattern(&hatch) }{ missing_pattern(&missing) }</defs>
                    { for heads }
                    { for rows }
                </svg>
            </div>
            <figcaption class="legend">
                <span class="legend-item"><span class="swatch heat-1"></span><span class="swatch heat-2"></span>
                    <span class="swatch heat-3"></span><span class="swatch heat-4"></span>{ t.heat_legend_share }</span>
                <span class="legend-item"><span class="swatch over"></span>{ "▲ " }{ t.legend_over }</span>
                <span class="legend-item"><span class="swatch missing"></span>{ t.day_missing }</span>
                <span class="legend-item"><span class="swatch off"></span>{ t.no_school }</span>
            </figcaption>
            <details class="table-toggle">
                <summary>{ t.show_as_table }</summary>
                { table(props, &dates) }
            </details>
        </figure>
    }
}

fn table(props: &HeatMapProps, dates: &[NaiveDate]) -> Html {
    let t = texts(props.lang);
    let g = &props.days;
    html! {
        <div class="table-scroll">
            <table class="data-table compact heat-table">
                <thead>
                    <tr>
                        <th scope="col">{ t.class }</th>
                        { for dates.iter().map(|d| html! {
                            <th scope="col" class="num">{ format!("{} {}", dates::short(*d), dates::weekday(*d, props.lang)) }</th>
                        }) }
                    </tr>
                </thead>
                <tbody>
                    { for g.classes.iter().map(|class| html! {
                        <tr data-class-id={class.class_id.to_string()}>
                            <th scope="row">{ class.name.clone() }</th>
                            { for dates.iter().map(|d| {
                                let total = class.days.iter().find(|x| x.date == *d).map(|x| x.total_minutes);
                                let state = state_of(class, total, g.limit_minutes, g.school_days.contains(d), *d, props.today);
                                let text = match (state, total) {
                                    (CellState::Over, Some(v)) => format!("▲ {v}"),
                                    (_, Some(v)) => v.to_string(),
                                    (CellState::Missing, None) => t.day_missing_short.to_owned(),
                                    _ => String::new(),
                                };
                                html! { <td class={classes!("num", state.name())}>{ text }</td> }
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
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
    fn a_school_day_without_a_report_is_missing_but_a_holiday_or_weekend_is_not() {
        let today = d("2026-11-20");
        // 2026-11-16 is a Monday, 2026-11-15 a Sunday.
        assert_eq!(cell_state(None, 90, true, d("2026-11-16"), today), CellState::Missing);
        assert_eq!(cell_state(None, 90, false, d("2026-11-16"), today), CellState::Holiday);
        assert_eq!(cell_state(None, 90, false, d("2026-11-15"), today), CellState::Weekend);
        // A make-up Saturday (调休) is a school day: without a report it is missing.
        assert_eq!(cell_state(None, 90, true, d("2026-11-14"), today), CellState::Missing);
        assert_eq!(cell_state(None, 90, true, today, today), CellState::Pending);
    }

    #[test]
    fn a_reported_day_is_shaded_by_the_quarter_of_the_limit_it_uses() {
        let day = d("2026-11-16");
        let today = d("2026-11-20");
        assert_eq!(cell_state(Some(20), 90, true, day, today), CellState::Ok(1));
        assert_eq!(cell_state(Some(90), 90, true, day, today), CellState::Ok(4));
        assert_eq!(cell_state(Some(91), 90, true, day, today), CellState::Over);
        assert_eq!(cell_state(Some(0), 0, true, day, today), CellState::Ok(1));
        assert_eq!(cell_state(Some(5), 0, true, day, today), CellState::Over);
    }
}
