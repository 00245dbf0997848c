//! The grade's classes as a table that sorts by any column: a click (or Enter/Space, since each
//! header is a button) sorts by it, a second click reverses; `aria-sort` tells screen readers.
//!
//! Test ids: `#comparison-table`, headers `th[data-sort-key=name|days|average|deviation|flags]`
//! (`aria-sort`) each with a `button`; rows `tr[data-class-id]` with `a.class-link`, `.days`,
//! `.average`, `.deviation`, `.flag[data-kind][data-severity]`, `.expected-cell` (the subjects
//! that took too far above their filed estimate, `li[data-subject]`).

use crate::components::chart::subject_label;
use crate::components::expected_actual::subjects_above;
use crate::components::flags::FlagList;
use crate::components::open_case::CaseOrigin;
use crate::components::period::Period;
use crate::i18n::texts;
use crate::route::Route;
use shared::api::{ComparisonRow, GradeComparison};
use shared::{Lang, Severity};
use std::cmp::Ordering;
use std::rc::Rc;
use yew::prelude::*;
use yew_router::prelude::*;

/// A column to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Days,
    Average,
    Deviation,
    Flags,
}

impl SortKey {
    fn name(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Days => "days",
            SortKey::Average => "average",
            SortKey::Deviation => "deviation",
            SortKey::Flags => "flags",
        }
    }

    /// Names read A→Z first; numbers and flags biggest first, where attention is needed.
    fn first_descending(self) -> bool {
        self != SortKey::Name
    }
}

/// How the table is sorted: by a column, which way; `None` is the server's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

/// The sort after a click on `key`'s header.
pub fn clicked(current: Option<Sort>, key: SortKey) -> Sort {
    match current {
        Some(s) if s.key == key => Sort { key, descending: !s.descending },
        _ => Sort { key, descending: key.first_descending() },
    }
}

/// Rows in the order of `sort`; a class without a value sorts last either way.
pub fn sorted(rows: &[ComparisonRow], sort: Option<Sort>) -> Vec<&ComparisonRow> {
    let mut out: Vec<&ComparisonRow> = rows.iter().collect();
    let Some(sort) = sort else {
        return out;
    };
    let by = |a: &ComparisonRow, b: &ComparisonRow| -> Ordering {
        let numbers = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => directed(x.total_cmp(&y), sort.descending),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        let primary = match sort.key {
            SortKey::Name => directed(natural_cmp(&a.name, &b.name), sort.descending),
            SortKey::Days => directed(a.days_reported.cmp(&b.days_reported), sort.descending),
            SortKey::Average => numbers(a.average_daily_minutes, b.average_daily_minutes),
            SortKey::Deviation => numbers(a.deviation_minutes, b.deviation_minutes),
            SortKey::Flags => directed(flag_weight(a).cmp(&flag_weight(b)), sort.descending),
        };
        primary.then_with(|| natural_cmp(&a.name, &b.name))
    };
    out.sort_by(|a, b| by(a, b));
    out
}

fn directed(o: Ordering, descending: bool) -> Ordering {
    if descending { o.reverse() } else { o }
}

/// Alerts weigh more than any number of warnings.
fn flag_weight(r: &ComparisonRow) -> (usize, usize) {
    (r.flags.iter().filter(|f| f.severity == Severity::Alert).count(), r.flags.len())
}

/// `7(2)` before `7(10)`: runs of digits compare as numbers.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, run)) if *d == digit => run.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let o = match (x, y) {
            ((true, x), (true, y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
            ((_, x), (_, y)) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ca.len().cmp(&cb.len())
}

#[derive(Properties, PartialEq)]
pub struct ComparisonTableProps {
    pub comparison: Rc<GradeComparison>,
    pub period: Period,
    pub lang: Lang,
}

#[function_component(ComparisonTable)]
pub fn comparison_table(props: &ComparisonTableProps) -> Html {
    let t = texts(props.lang);
    let sort = use_state(|| None::<Sort>);
    let c = &props.comparison;
    let limit = c.limit_minutes;
    let scale = c
        .classes
        .iter()
        .filter_map(|r| r.average_daily_minutes)
        .fold(f64::from(limit).max(1.0), f64::max);
    let header = |key: SortKey, label: &'static str, numeric: bool| {
        let current = *sort;
        let aria = match current {
            Some(s) if s.key == key && s.descending => "descending",
            Some(s) if s.key == key => "ascending",
            _ => "none",
        };
        let arrow = match aria {
            "descending" => "▼",
            "ascending" => "▲",
            _ => "↕",
        };
        let onclick = {
            let sort = sort.clone();
            Callback::from(move |_: MouseEvent| sort.set(Some(clicked(current, key))))
        };
        html! {
            <th scope="col" class={classes!("sortable", numeric.then_some("num"))} data-sort-key={key.name()} aria-sort={aria}>
                <button type="button" class="sort-button" {onclick} title={t.sort_by}>
                    { label }<span class="sort-arrow" aria-hidden="true">{ arrow }</span>
                </button>
            </th>
        }
    };
    html! {
        <table id="comparison-table" class="data-table comparison">
            <caption class="visually-hidden">{ t.comparison_table_caption }</caption>
            <thead>
                <tr>
                    { header(SortKey::Name, t.class, false) }
                    { header(SortKey::Days, t.days_reported, true) }
                    { header(SortKey::Average, t.average_vs_limit, false) }
                    { header(SortKey::Deviation, t.deviation, true) }
                    { header(SortKey::Flags, t.flags_title, false) }
                    <th scope="col" class="expected-col">{ expected_heading(props.lang) }</th>
                </tr>
            </thead>
            <tbody>
                { for sorted(&c.classes, *sort).into_iter().map(|r| row(r, limit, scale, props.period, props.lang)) }
            </tbody>
        </table>
    }
}

fn row(r: &ComparisonRow, limit: u32, scale: f64, period: Period, lang: Lang) -> Html {
    let t = texts(lang);
    let over = r.average_daily_minutes.is_some_and(|a| a > f64::from(limit));
    let severity = if r.flags.iter().any(|f| f.severity == Severity::Alert) {
        "alert"
    } else if r.flags.is_empty() {
        "none"
    } else {
        "warning"
    };
    let average = match r.average_daily_minutes {
        Some(a) => html! {
            <div class={classes!("avg-bar", over.then_some("over"))}>
                <span class="avg-number">{ if over { format!("▲ {a:.1}") } else { format!("{a:.1}") } }</span>
                <span class="bar-track">
                    <span class="bar-fill" style={format!("width:{:.1}%", a / scale * 100.0)}></span>
                    <span class="limit-tick" style={format!("left:{:.1}%", f64::from(limit) / scale * 100.0)}
                          title={format!("{} {limit}", t.limit_short)}></span>
                </span>
            </div>
        },
        None => html! { <span class="muted">{ t.no_reports_in_period }</span> },
    };
    let deviation = match (r.deviation_minutes, r.deviation_ratio) {
        (Some(d), Some(ratio)) => format!("{} ({}%)", signed(d), signed_plain(ratio * 100.0)),
        (Some(d), None) => signed(d),
        _ => "–".to_owned(),
    };
    html! {
        <tr data-class-id={r.class_id.to_string()} class={classes!("severity", severity)}>
            <th scope="row" data-label={t.class}>
                <Link<Route, Period> to={Route::Class { id: r.class_id }} query={Some(period)} classes="class-link">
                    { r.name.clone() }
                </Link<Route, Period>>
            </th>
            <td class="num days" data-label={t.days_reported}>{ r.days_reported }</td>
            <td class="average" data-label={t.average_vs_limit}>{ average }</td>
            <td class="num deviation" data-label={t.deviation}>{ deviation }</td>
            <td class="flags-cell" data-label={t.flags_title}>
                <FlagList flags={r.flags.clone()} {lang} compact=true
                          origin={Some(CaseOrigin { class_id: r.class_id, from: period.from, to: period.to })} />
            </td>
            <td class="expected-cell" data-label={expected_heading(lang)}>{ expected_cell(r, lang) }</td>
        </tr>
    }
}

fn expected_heading(lang: Lang) -> &'static str {
    if lang == Lang::Zh { "实际超出备案" } else { "Took longer than filed" }
}

/// The subjects whose homework took too far above its filed estimate (`actual_above_expected`),
/// each as "maths 25 → 38"; a dash where none did.
fn expected_cell(r: &ComparisonRow, lang: Lang) -> Html {
    let above = subjects_above(&r.flags);
    if above.is_empty() {
        return html! { <span class="muted">{ "–" }</span> };
    }
    html! {
        <ul class="expected-above">
            { for above.into_iter().map(|(subject, expected, actual)| html! {
                <li data-subject={subject.clone()}>
                    { format!("▲ {} {expected:.0} → {actual:.0}", subject_label(&subject, lang)) }
                </li>
            }) }
        </ul>
    }
}

/// `+12` / `−4` / `0`: a whole number with a real minus sign.
fn signed_plain(v: f64) -> String {
    let rounded = v.round();
    if rounded > 0.0 {
        format!("+{rounded:.0}")
    } else if rounded < 0.0 {
        format!("−{:.0}", rounded.abs())
    } else {
        "0".to_owned()
    }
}

/// `▲ +12.3` / `▼ −4.0` / `0.0`, with a real minus sign and an arrow for the direction.
fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("▲ +{v:.1}")
    } else if v < 0.0 {
        format!("▼ −{:.1}", v.abs())
    } else {
        "0.0".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, average: Option<f64>) -> ComparisonRow {
        ComparisonRow {
            class_id: 1,
            name: name.to_owned(),
            days_reported: 3,
            average_daily_minutes: average,
            deviation_minutes: None,
            deviation_ratio: None,
            flags: Vec::new(),
        }
    }

    fn names(rows: Vec<&ComparisonRow>) -> Vec<&str> {
        rows.into_iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn class_names_sort_with_their_numbers_as_numbers() {
        let rows = [row("7(10)", None), row("7(2)", None), row("7(1)", None)];
        let sort = Some(Sort { key: SortKey::Name, descending: false });
        assert_eq!(names(sorted(&rows, sort)), ["7(1)", "7(2)", "7(10)"]);
    }

    #[test]
    fn averages_sort_biggest_first_then_reverse_and_a_class_without_reports_stays_last() {
        let rows = [row("7(1)", Some(60.0)), row("7(2)", None), row("7(3)", Some(104.0))];
        let first = clicked(None, SortKey::Average);
        assert_eq!(names(sorted(&rows, Some(first))), ["7(3)", "7(1)", "7(2)"]);
        let second = clicked(Some(first), SortKey::Average);
        assert_eq!(names(sorted(&rows, Some(second))), ["7(1)", "7(3)", "7(2)"]);
        assert_eq!(names(sorted(&rows, None)), ["7(1)", "7(2)", "7(3)"]);
    }
}
