//! The school admin's overview (`/school?from=&to=`): every grade at a glance (its average
//! against the limit, its classes, its flags counted by kind) and the classes that need
//! attention first, in the server's order, each linking to its class page; a CSV of the grades
//! and a link to the printable report of all grades (`/school/report`, one page per grade).
//!
//! Test ids: `#school-overview`; per grade `.grade-section[data-grade="7"]` with one
//! `a.grade-link`, `svg.glance-bar rect.bar[data-value][data-state=ok|over]` and
//! `line.limit-line[data-limit]`, `.flag-counts li[data-kind][data-count]`, its classes as
//! `li[data-class-id] > a.class-link`; `#attention li.attention-item[data-class-id]` (in order)
//! each with `a.class-link` and its `.flag`s; `#grades-table tr[data-grade]`; `#overview-csv`,
//! `#print-report`.

use crate::api;
use crate::components::chart::fmt;
use crate::components::csv_link::CsvLink;
use crate::components::flags::FlagList;
use crate::components::notice;
use crate::components::period::{Period, PeriodPicker, use_period};
use crate::i18n::{flag_label, grade_name, texts};
use crate::load::{Load, use_load};
use crate::route::Route;
use crate::state::use_session;
use shared::api::{AttentionClass, ClassInfo, GradeGlance, Me, SchoolOverview};
use shared::{Lang, Policy};
use std::rc::Rc;
use yew::prelude::*;
use yew_router::prelude::*;

/// The flag kinds in the order a grade card counts them.
const KINDS: [&str; 5] =
    ["over_average_limit", "over_daily_limit", "drift_above", "drift_below", "missing_reports"];

#[function_component(SchoolPage)]
pub fn school_page() -> Html {
    let session = use_session();
    match session.user() {
        Some((me, policy)) => html! { <SchoolView {me} {policy} /> },
        None => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    me: Rc<Me>,
    policy: Rc<Policy>,
}

#[function_component(SchoolView)]
fn school_view(props: &ViewProps) -> Html {
    let lang = use_session().lang;
    let t = texts(lang);
    let today = props.me.today;
    let school = props.me.user.school_id;
    let (period, set_period) = use_period(today, props.policy.window_days);
    let classes = use_load((), |()| api::classes());
    let overview = use_load((school, period.window().ok()), |(school, w)| async move {
        match w {
            Some(w) => api::school_overview(school, w.from(), w.to()).await.map(Some),
            None => Ok(None),
        }
    });
    let class_list = classes.data.value().unwrap_or_default();

    let body = match (&overview.data, &classes.data) {
        (Load::Failed(e), _) | (_, Load::Failed(e)) => notice::failed(e, lang),
        (Load::Loaded(o), Load::Loaded(_)) => match o.as_ref() {
            Some(o) if o.grades.is_empty() => notice::info(t.no_classes),
            Some(o) => html! {
                <>
                    <div class="grade-grid">
                        { for o.grades.iter().map(|g| grade_card(g, &class_list, school, period, lang)) }
                    </div>
                    <section class="card" id="attention">
                        <h2>{ t.attention_title }</h2>
                        { attention(&o.attention, period, lang) }
                    </section>
                    <section class="card table-card">
                        <div class="card-head">
                            <h2>{ t.grades_table_title }</h2>
                            <CsvLink id="overview-csv" href={api::overview_csv_url(school, period.from, period.to)} {lang} />
                        </div>
                        { grades_table(o, lang) }
                    </section>
                </>
            },
            None => html! {},
        },
        _ => notice::loading(lang),
    };

    html! {
        <main class="page school-page" id="school-overview">
            <header class="page-head">
                <div>
                    <h1>{ props.me.user.school_name.clone() }</h1>
                    <p class="sub">{ t.school_overview_lead }</p>
                </div>
                <div class="button-row">
                    <Link<Route, Period> to={Route::SchoolReport} query={Some(period)} classes="button secondary">
                        <span id="print-report">{ t.print_all_grades }</span>
                    </Link<Route, Period>>
                </div>
            </header>
            <PeriodPicker {period} {today} window_days={props.policy.window_days}
                          on_change={set_period} {lang} />
            { body }
        </main>
    }
}

/// The classes with flags, most urgent first (the server's order).
fn attention(list: &[AttentionClass], period: Period, lang: Lang) -> Html {
    let t = texts(lang);
    if list.is_empty() {
        return html! { <p class="no-flags"><span aria-hidden="true">{"✓ "}</span>{ t.no_attention }</p> };
    }
    html! {
        <ol class="attention-list">
            { for list.iter().map(|c| {
                let over = c.average_daily_minutes.is_some_and(|a| a > f64::from(c.limit_minutes));
                let average = c.average_daily_minutes.map_or_else(|| "–".to_owned(), |a| format!("{a:.1}"));
                html! {
                    <li class={classes!("attention-item", over.then_some("over"))} data-class-id={c.class_id.to_string()}>
                        <div class="attention-head">
                            <Link<Route, Period> to={Route::Class { id: c.class_id }} query={Some(period)} classes="class-link">
                                { format!("{} {}", grade_name(c.grade, lang), c.name) }
                            </Link<Route, Period>>
                            <span class={classes!("attention-average", over.then_some("over"))}>
                                { format!("{}{average} / {} {} {}", if over { "▲ " } else { "" }, t.limit_short, c.limit_minutes, t.minutes_per_day) }
                            </span>
                        </div>
                        <FlagList flags={c.flags.clone()} {lang} compact=true />
                    </li>
                }
            }) }
        </ol>
    }
}

/// One grade at a glance: its average against the limit, its classes and its flags by kind.
fn grade_card(
    g: &GradeGlance,
    classes: &[ClassInfo],
    school: shared::SchoolId,
    period: Period,
    lang: Lang,
) -> Html {
    let t = texts(lang);
    let limit = f64::from(g.limit_minutes);
    let over = g.grade_average_minutes.is_some_and(|a| a > limit);
    let scale = g.grade_average_minutes.unwrap_or(0.0).max(limit).max(30.0) * 1.25;
    let x = |v: f64| 4.0 + v / scale * 292.0;
    let state = if over { "over" } else { "ok" };
    let average = g.grade_average_minutes.map_or_else(|| "–".to_owned(), |a| format!("{a:.1}"));
    let label = format!(
        "{} {}: {average} / {} {}",
        grade_name(g.grade, lang),
        t.grade_average,
        t.limit_short,
        g.limit_minutes
    );
    let mine: Vec<&ClassInfo> =
        classes.iter().filter(|c| c.grade == g.grade && !c.archived).collect();
    html! {
        <section class={classes!("card", "grade-section", state)} data-grade={g.grade.to_string()}>
            <h2>{ grade_name(g.grade, lang) }</h2>
            <p class="glance-numbers">
                <span class={classes!("glance-value", state)}>{ if over { format!("▲ {average}") } else { average.clone() } }</span>
                { format!(" {} · {} {}", t.minutes_per_day, t.limit_short, g.limit_minutes) }
            </p>
            <svg class="glance-bar" viewBox="0 0 300 28" role="img" aria-label={label.clone()}>
                <title>{ label }</title>
                <defs>{ crate::components::chart::hatch_pattern(&format!("glance-hatch-{}", g.grade)) }</defs>
                <rect class="track" x="4" y="6" width="292" height="16" rx="4" />
                if let Some(a) = g.grade_average_minutes {
                    <rect class={classes!("bar", state)} x="4" y="6" width={fmt(x(a) - 4.0)} height="16" rx="4"
                          data-value={format!("{a:.1}")} data-state={state}
                          fill={if over { format!("url(#glance-hatch-{})", g.grade) } else { "#2f7fbf".to_owned() }} />
                }
                <line class="limit-line" x1={fmt(x(limit))} x2={fmt(x(limit))} y1="1" y2="27" data-limit={g.limit_minutes.to_string()} />
            </svg>
            <p class="sub">{ t.classes_count(g.class_count as usize) }</p>
            <ul class="flag-counts">
                { for KINDS.iter().filter_map(|k| g.flag_counts.get(*k).filter(|n| **n > 0).map(|n| html! {
                    <li data-kind={*k} data-count={n.to_string()} class={if *k == "over_average_limit" { "alert" } else { "warning" }}>
                        <span class="count">{ n.to_string() }</span>{ flag_label(k, lang) }
                    </li>
                })) }
                if g.flag_counts.values().all(|n| *n == 0) {
                    <li class="none">{ "✓ " }{ t.no_flags }</li>
                }
            </ul>
            <Link<Route, Period> to={Route::Comparison { school, grade: g.grade.get() }} query={Some(period)}
                                 classes="button primary grade-link">
                { t.open_comparison }{ " →" }
            </Link<Route, Period>>
            <ul class="class-links">
                { for mine.iter().map(|c| html! {
                    <li data-class-id={c.id.to_string()}>
                        <Link<Route, Period> to={Route::Class { id: c.id }} query={Some(period)} classes="class-link">
                            { c.name.clone() }
                        </Link<Route, Period>>
                    </li>
                }) }
            </ul>
        </section>
    }
}

fn grades_table(o: &SchoolOverview, lang: Lang) -> Html {
    let t = texts(lang);
    html! {
        <div class="table-wrap">
            <table id="grades-table" class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{ t.grade }</th>
                        <th scope="col" class="num">{ t.class_count }</th>
                        <th scope="col" class="num">{ t.grade_average }</th>
                        <th scope="col" class="num">{ t.daily_limit }</th>
                        { for KINDS.iter().map(|k| html! { <th scope="col" class="num">{ flag_label(k, lang) }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for o.grades.iter().map(|g| {
                        let over = g.grade_average_minutes.is_some_and(|a| a > f64::from(g.limit_minutes));
                        html! {
                            <tr data-grade={g.grade.to_string()} class={classes!(over.then_some("over"))}>
                                <th scope="row">{ grade_name(g.grade, lang) }</th>
                                <td class="num">{ g.class_count }</td>
                                <td class="num">{ crate::components::chart::value_text(g.grade_average_minutes, g.limit_minutes) }</td>
                                <td class="num">{ g.limit_minutes }</td>
                                { for KINDS.iter().map(|k| html! { <td class="num">{ g.flag_counts.get(*k).copied().unwrap_or(0) }</td> }) }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}
