//! A grade's classes side by side (`/schools/{sid}/grades/{g}?from=&to=`): the grade average and
//! limit, each class's days, average and deviation, and its flags; a CSV of the same table.
//!
//! Test ids: `#comparison-page`, `#grade-average` (`data-average`), `#grade-limit`,
//! `#comparison-table` with rows `tr[data-class-id="12"]`, each holding `a.class-link`,
//! `.days`, `.average`, `.deviation` and one `.flag[data-kind="over_average_limit"]` (with
//! `data-severity`) per flag; `#csv-download`, `#print`; the period picker's `#period-from`, `#period-to`.

use crate::api;
use crate::components::flags::FlagList;
use crate::components::notice;
use crate::components::period::{Period, PeriodPicker, use_period};
use crate::components::print::PrintButton;
use crate::i18n::{grade_name, texts};
use crate::load::{Load, use_load};
use crate::route::Route;
use crate::state::use_session;
use shared::api::{ComparisonRow, GradeComparison, Me};
use shared::{Grade, Lang, Policy, SchoolId};
use std::rc::Rc;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ComparisonPageProps {
    pub school: SchoolId,
    pub grade: u8,
}

#[function_component(ComparisonPage)]
pub fn comparison_page(props: &ComparisonPageProps) -> Html {
    let session = use_session();
    let t = texts(session.lang);
    let (Some((me, policy)), Ok(grade)) = (session.user(), Grade::new(i64::from(props.grade)))
    else {
        return html! { <main class="page">{ notice::info(t.not_found_text) }</main> };
    };
    html! { <ComparisonView school={props.school} {grade} {me} {policy} /> }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    school: SchoolId,
    grade: Grade,
    me: Rc<Me>,
    policy: Rc<Policy>,
}

#[function_component(ComparisonView)]
fn comparison_view(props: &ViewProps) -> Html {
    let lang = use_session().lang;
    let t = texts(lang);
    let today = props.me.today;
    let (period, set_period) = use_period(today, props.policy.window_days);
    let (school, grade) = (props.school, props.grade);
    let comparison =
        use_load((school, grade, period.window().ok()), |(school, grade, w)| async move {
            match w {
                Some(w) => api::comparison(school, grade, w.from(), w.to()).await.map(Some),
                None => Ok(None),
            }
        });
    let body = match &comparison.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(c) => match c.as_ref() {
            Some(c) => table(c, period, lang),
            None => html! {},
        },
    };
    html! {
        <main class="page comparison-page" id="comparison-page">
            <header class="page-head">
                <div>
                    <h1>{ format!("{} {}", grade_name(grade, lang), t.comparison_title) }</h1>
                    <p class="sub">{ t.comparison_lead }</p>
                </div>
                <div class="button-row">
                    <a id="csv-download" class="button secondary" download=""
                       href={api::comparison_csv_url(school, grade, period.from, period.to)}>
                        <span aria-hidden="true">{"⬇ "}</span>{ t.download_csv }
                    </a>
                    <PrintButton {lang} />
                </div>
            </header>
            <PeriodPicker {period} {today} window_days={props.policy.window_days}
                          on_change={set_period} {lang} />
            { body }
        </main>
    }
}

fn table(c: &GradeComparison, period: Period, lang: Lang) -> Html {
    let t = texts(lang);
    let limit = c.limit_minutes;
    let scale = c
        .classes
        .iter()
        .filter_map(|r| r.average_daily_minutes)
        .fold(f64::from(limit).max(1.0), f64::max);
    html! {
        <>
            <section class="stat-cards">
                <div class="card stat" id="grade-average"
                     data-average={c.grade_average_minutes.map(|a| format!("{a:.1}")).unwrap_or_default()}>
                    <span class="stat-label">{ t.grade_average }</span>
                    <span class="stat-value">{ c.grade_average_minutes.map_or_else(|| "–".to_owned(), |a| format!("{a:.1}")) }</span>
                    <span class="stat-unit">{ t.minutes_per_day }</span>
                </div>
                <div class="card stat" id="grade-limit">
                    <span class="stat-label">{ t.daily_limit }</span>
                    <span class="stat-value">{ limit }</span>
                    <span class="stat-unit">{ t.minutes_per_day }</span>
                </div>
                <div class="card stat">
                    <span class="stat-label">{ t.classes_flagged }</span>
                    <span class="stat-value">
                        { format!("{} / {}", c.classes.iter().filter(|r| !r.flags.is_empty()).count(), c.classes.len()) }
                    </span>
                </div>
            </section>
            <div class="table-wrap card">
                <table id="comparison-table" class="data-table comparison">
                    <thead>
                        <tr>
                            <th scope="col">{ t.class }</th>
                            <th scope="col" class="num">{ t.days_reported }</th>
                            <th scope="col">{ t.average_vs_limit }</th>
                            <th scope="col" class="num">{ t.deviation }</th>
                            <th scope="col">{ t.flags_title }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for c.classes.iter().map(|r| row(r, limit, scale, period, lang)) }
                    </tbody>
                </table>
            </div>
            <p class="fine-print">{ t.comparison_rules }</p>
        </>
    }
}

fn row(r: &ComparisonRow, limit: u32, scale: f64, period: Period, lang: Lang) -> Html {
    let t = texts(lang);
    let over = r.average_daily_minutes.is_some_and(|a| a > f64::from(limit));
    let severity = if r.flags.iter().any(|f| f.severity == shared::Severity::Alert) {
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
                <FlagList flags={r.flags.clone()} {lang} compact=true />
            </td>
        </tr>
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
