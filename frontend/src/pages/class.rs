//! A class's page (`/classes/{id}?from=&to=`): its average against the limit and the grade,
//! the flags in plain words, the daily totals as bars, and the average per subject.
//!
//! Test ids: `#class-page`, `#class-name`, `#class-average` (the number in `data-average`,
//! `data-state=ok|over|none`), `#days-reported`, `#grade-average`, `#class-flags` holding
//! `.flag[data-kind]` items, `#day-chart`, `#day-table`, `#subject-averages` with
//! `[data-subject="math"]` rows, `#record-link` (teachers: to the entry page), `#print`, `a.back-link` (to
//! the grade comparison, for all but monitors), and the period picker's `#period-from`,
//! `#period-to`.

use crate::api;
use crate::components::day_chart::{DayChart, DayPoint};
use crate::components::flags::FlagList;
use crate::components::notice;
use crate::components::period::{Period, PeriodPicker, use_period};
use crate::components::print::PrintButton;
use crate::dates;
use crate::i18n::{grade_name, texts};
use crate::load::{Load, use_load};
use crate::route::Route;
use crate::state::use_session;
use shared::api::{ClassSummary, DayReport, Me, Role};
use shared::{ClassId, Lang, Policy};
use std::rc::Rc;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClassPageProps {
    pub id: ClassId,
}

#[function_component(ClassPage)]
pub fn class_page(props: &ClassPageProps) -> Html {
    let session = use_session();
    match session.user() {
        Some((me, policy)) => html! { <ClassView id={props.id} {me} {policy} /> },
        None => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    id: ClassId,
    me: Rc<Me>,
    policy: Rc<Policy>,
}

#[function_component(ClassView)]
fn class_view(props: &ViewProps) -> Html {
    let lang = use_session().lang;
    let t = texts(lang);
    let today = props.me.today;
    let (period, set_period) = use_period(today, props.policy.window_days);
    let window = period.window().ok();
    let id = props.id;
    let classes = use_load((), |()| api::classes());
    let summary = use_load((id, window), move |(id, w)| async move {
        match w {
            Some(w) => api::summary(id, w.from(), w.to()).await.map(Some),
            None => Ok(None),
        }
    });
    let reports = use_load((id, window), move |(id, w)| async move {
        match w {
            Some(w) => api::reports(id, w.from(), w.to()).await,
            None => Ok(Vec::new()),
        }
    });

    let class = classes.data.value().and_then(|list| list.iter().find(|c| c.id == id).cloned());
    let title = class.as_ref().map_or_else(|| format!("#{id}"), |c| c.name.clone());
    let subtitle = class.as_ref().map(|c| {
        format!(
            "{} · {} {} {}",
            grade_name(c.grade, lang),
            t.daily_limit,
            props.policy.limit(c.grade),
            t.minutes_unit
        )
    });
    let may_record = props.me.user.class_id == Some(id)
        && matches!(props.me.user.role, Role::Teacher | Role::Monitor);
    // Teachers, grade leaders and admins may compare the class with its grade.
    let back_to_grade = class.as_ref().filter(|_| props.me.user.role != Role::Monitor).map(|c| {
        html! {
            <Link<Route, Period> to={Route::Comparison { school: c.school_id, grade: c.grade.get() }}
                                 query={Some(period)} classes="back-link">
                { format!("← {} {}", grade_name(c.grade, lang), t.comparison_title) }
            </Link<Route, Period>>
        }
    });

    let body = match (&summary.data, &reports.data) {
        (Load::Failed(e), _) | (_, Load::Failed(e)) => notice::failed(e, lang),
        (Load::Loaded(s), Load::Loaded(r)) => match s.as_ref() {
            Some(s) => overview(s, r, today, lang),
            None => html! {},
        },
        _ => notice::loading(lang),
    };

    html! {
        <main class="page class-page" id="class-page">
            { for back_to_grade }
            <header class="page-head">
                <div>
                    <h1 id="class-name">{ title }</h1>
                    { for subtitle.map(|s| html! { <p class="sub">{ s }</p> }) }
                </div>
                <div class="button-row">
                    if may_record {
                        <Link<Route> to={Route::Entry} classes="button primary" >
                            <span id="record-link">{ t.record_or_correct }{ " →" }</span>
                        </Link<Route>>
                    }
                    <PrintButton {lang} />
                </div>
            </header>
            <PeriodPicker {period} {today} window_days={props.policy.window_days}
                          on_change={set_period} {lang} />
            { body }
        </main>
    }
}

fn overview(s: &ClassSummary, reports: &[DayReport], today: chrono::NaiveDate, lang: Lang) -> Html {
    let t = texts(lang);
    let limit = s.limit_minutes;
    let (state, verdict) = match s.average_daily_minutes {
        Some(a) if a > f64::from(limit) => {
            ("over", format!("▲ {} {:.1} {}", t.over_by, a - f64::from(limit), t.minutes_unit))
        }
        Some(_) => ("ok", format!("✓ {}", t.within_limit)),
        None => ("none", t.no_reports_in_period.to_owned()),
    };
    let days: Vec<DayPoint> = dates::range(s.from, s.to)
        .map(|date| DayPoint {
            date,
            total: reports.iter().find(|r| r.date == date).map(|r| r.total_minutes),
        })
        .collect();
    html! {
        <>
            <section class="stat-cards">
                <div class={classes!("card", "stat", state)} id="class-average" data-state={state}
                     data-average={s.average_daily_minutes.map(|a| format!("{a:.1}")).unwrap_or_default()}>
                    <span class="stat-label">{ t.class_average }</span>
                    <span class="stat-value">{ minutes_or_dash(s.average_daily_minutes) }</span>
                    <span class="stat-unit">{ format!("{} / {} {limit}", t.minutes_per_day, t.limit_short) }</span>
                    <span class="stat-verdict">{ verdict }</span>
                </div>
                <div class="card stat" id="days-reported">
                    <span class="stat-label">{ t.days_reported }</span>
                    <span class="stat-value">{ s.days_reported }</span>
                    <span class="stat-unit">{ format!("{} – {}", dates::short(s.from), dates::short(s.to)) }</span>
                </div>
                <div class="card stat" id="grade-average">
                    <span class="stat-label">{ t.grade_average }</span>
                    <span class="stat-value">{ minutes_or_dash(s.grade_average_minutes) }</span>
                    <span class="stat-unit">{ t.minutes_per_day }</span>
                </div>
            </section>
            <section class="card" id="class-flags">
                <h2>{ t.flags_title }</h2>
                <FlagList flags={s.flags.clone()} {lang} />
            </section>
            <section class="card">
                <h2>{ t.daily_totals }</h2>
                <DayChart {days} {limit} grade_average={s.grade_average_minutes} {today} {lang} />
            </section>
            <section class="card" id="subject-averages">
                <h2>{ t.subject_averages }</h2>
                { subject_bars(s, lang) }
            </section>
        </>
    }
}

/// Per-subject averages as bars, longest first.
fn subject_bars(s: &ClassSummary, lang: Lang) -> Html {
    let t = texts(lang);
    if s.subject_averages.is_empty() {
        return notice::info(t.no_reports_in_period);
    }
    let mut rows: Vec<(&String, f64)> = s.subject_averages.iter().map(|(k, v)| (k, *v)).collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let widest = rows.first().map_or(1.0, |r| r.1).max(1.0);
    html! {
        <ul class="subject-bars">
            { for rows.into_iter().map(|(key, avg)| {
                let name = shared::Subject::parse(key)
                    .map(|s| shared::i18n::subject_name(&s, lang))
                    .unwrap_or_else(|_| key.clone());
                html! {
                    <li data-subject={key.clone()}>
                        <span class="bar-name">{ name }</span>
                        <span class="bar-track">
                            <span class="bar-fill" style={format!("width:{:.1}%", avg / widest * 100.0)}></span>
                        </span>
                        <span class="bar-number">{ format!("{avg:.1}") }</span>
                    </li>
                }
            }) }
        </ul>
    }
}

fn minutes_or_dash(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}
