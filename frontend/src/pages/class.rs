//! A class's page (`/classes/{id}?from=&to=`): its average against the limit and the grade,
//! the flags in plain words, the daily totals as bars stacked by subject with the limit and
//! grade-average lines, the trend week by week, and the average per subject; a CSV of its days.
//!
//! Test ids: `#class-page`, `#class-name`, `#class-average` (the number in `data-average`,
//! `data-state=ok|over|none`), `#days-reported`, `#grade-average`, `#class-flags` holding
//! `.flag[data-kind]` items, `#day-chart` (see `components::day_chart`), `#day-table`,
//! `#week-trend` (see `components::week_trend`), `#subject-averages` with `[data-subject="math"]`
//! rows (`data-value`), `#expected-actual-card` (see `components::expected_actual`),
//! `#class-csv`, `#record-link` (teachers: to the entry page), `#print`,
//! `#class-days` (the recorded days, `li[data-date][data-school-day]`, weekend homework marked
//! `.weekend-homework`, `.delete-day` and its `.confirm-delete` where the account may remove
//! the day), `#no-data` (no report in the period: never "nothing to look at"),
//! `a.back-link` (to the grade comparison, for all but monitors), the period picker's
//! presets and `#period-from`, `#period-to`, and for the class teacher and admins
//! `#notice-links` (see `components::notice_links`).

use crate::api;
use crate::components::chart::{colour_of, subject_label};
use crate::components::csv_link::CsvLink;
use crate::components::day_chart::{DayChart, DayStack};
use crate::components::expected_actual::ExpectedActualChart;
use crate::components::flags::FlagList;
use crate::components::notice;
use crate::components::notice_links::NoticeLinks;
use crate::components::open_case::CaseOrigin;
use crate::components::period::{Period, PeriodPicker, use_period};
use crate::components::print::PrintButton;
use crate::components::week_trend::{WeekTrend, weekly_averages};
use crate::dates;
use crate::i18n::{grade_name, texts};
use crate::load::{Load, use_load};
use crate::route::Route;
use crate::state::use_session;
use shared::api::{ClassSummary, DayReport, Me, Role};
use shared::calendar::SchoolCalendar;
use shared::report::{EditWindow, MONITOR_EDIT_DAYS, check_report_date};
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
    let calendar = use_load(window, |w| async move {
        match w {
            // Without them every weekday would count as a school day; that is only a guess.
            Some(w) => {
                let holidays = api::holidays(w.from(), w.to()).await.unwrap_or_default();
                let makeup = api::makeup_days(w.from(), w.to()).await.unwrap_or_default();
                Ok(SchoolCalendar::new(
                    holidays.into_iter().map(|h| h.date).collect(),
                    makeup.into_iter().map(|m| m.date).collect(),
                ))
            }
            None => Ok(SchoolCalendar::default()),
        }
    });
    // Who may remove a day recorded by mistake: as who may write it (API.md).
    let own_class = props.me.user.class_id == Some(id);
    let edit_window = match props.me.user.role {
        Role::SchoolAdmin => Some(EditWindow::AnyPast),
        Role::Teacher if own_class => Some(EditWindow::AnyPast),
        Role::Monitor if own_class => Some(EditWindow::LastDays(MONITOR_EDIT_DAYS)),
        _ => None,
    };
    let on_delete = {
        let (summary_reload, reports_reload) = (summary.reload.clone(), reports.reload.clone());
        Callback::from(move |r: DayReport| {
            let (summary_reload, reports_reload) = (summary_reload.clone(), reports_reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // A refusal (a newer correction, say) shows as the day still being there.
                let _ = api::delete_report(r.class_id, r.date, r.version).await;
                summary_reload.emit(());
                reports_reload.emit(());
            });
        })
    };

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
    // The public notice's links: the class teacher's and the admins' (API.md's table).
    let manages_notice = match props.me.user.role {
        Role::SchoolAdmin => true,
        Role::Teacher => own_class,
        _ => false,
    };
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
            Some(s) => {
                let calendar = calendar.data.value().unwrap_or_default();
                let subjects = subject_order(&props.policy, s, r);
                let csv = api::class_reports_csv_url(id, s.from, s.to);
                let shown = Shown { s, reports: r, calendar: &calendar, subjects: &subjects, csv };
                html! {
                    <>
                        { overview(&shown, today, lang) }
                        <RecordedDays reports={r.to_vec()} {today} {edit_window}
                                      on_delete={on_delete.clone()} {lang} />
                    </>
                }
            }
            None => html! {},
        },
        _ => notice::loading(lang),
    };

    let failed = [summary.data.error(), reports.data.error()];
    if let Some(page) = crate::components::refused_page::refused_page(failed, lang) {
        return page;
    }
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
                    if props.me.user.role != Role::Monitor {
                        <Link<Route> to={Route::ClassPlans { id }} classes="button" >
                            <span id="plans-link">{ if lang == Lang::Zh { "作业备案" } else { "Homework plans" } }</span>
                        </Link<Route>>
                    }
                    <PrintButton {lang} />
                </div>
            </header>
            <PeriodPicker {period} {today} window_days={props.policy.window_days}
                          on_change={set_period} {lang} />
            { body }
            if manages_notice {
                <NoticeLinks class_id={id} />
            }
        </main>
    }
}

/// What the class page shows, once loaded.
struct Shown<'a> {
    s: &'a ClassSummary,
    reports: &'a [DayReport],
    calendar: &'a SchoolCalendar,
    /// The grade's subjects in the policy's order (their colours), then any others reported.
    subjects: &'a [String],
    csv: String,
}

/// The grade's subjects in the policy's order, then any other subject the reports name.
fn subject_order(policy: &Policy, s: &ClassSummary, reports: &[DayReport]) -> Vec<String> {
    let mut order: Vec<String> = policy.subjects(s.grade).iter().map(|x| x.to_string()).collect();
    let found = reports.iter().flat_map(|r| r.entries.iter().map(|e| e.subject.to_string()));
    for key in found.chain(s.subject_averages.keys().cloned()) {
        if !order.contains(&key) {
            order.push(key);
        }
    }
    order
}

/// The chart's days: each date of the period with its subjects' minutes, in `subjects` order.
fn day_stacks(v: &Shown<'_>) -> Vec<DayStack> {
    dates::range(v.s.from, v.s.to)
        .map(|date| {
            let report = v.reports.iter().find(|r| r.date == date);
            let segments = report
                .map(|r| {
                    v.subjects
                        .iter()
                        .filter_map(|key| {
                            r.entries
                                .iter()
                                .find(|e| e.subject.as_str() == key)
                                .map(|e| (key.clone(), e.minutes.get()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            DayStack {
                date,
                segments,
                total: report.map(|r| r.total_minutes),
                note: report.map(|r| r.note.clone()).unwrap_or_default(),
                corrected: report
                    .and_then(|r| r.corrected_by.clone().map(|by| (by, r.updated_at.clone()))),
                school_day: report.map_or_else(|| v.calendar.is_school_day(date), |r| r.school_day),
            }
        })
        .collect()
}

fn overview(v: &Shown<'_>, today: chrono::NaiveDate, lang: Lang) -> Html {
    let t = texts(lang);
    let s = v.s;
    let limit = s.limit_minutes;
    let (state, verdict) = match s.average_daily_minutes {
        Some(a) if a > f64::from(limit) => {
            ("over", format!("▲ {} {:.1} {}", t.over_by, a - f64::from(limit), t.minutes_unit))
        }
        Some(_) => ("ok", format!("✓ {}", t.within_limit)),
        None => ("none", t.no_reports_in_period.to_owned()),
    };
    // Weekend homework enters no average, the week's neither (DESIGN.md).
    let totals: Vec<(chrono::NaiveDate, u32)> =
        v.reports.iter().filter(|r| r.school_day).map(|r| (r.date, r.total_minutes)).collect();
    let weeks = weekly_averages(s.from, s.to, &totals, |d| v.calendar.is_school_day(d));
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
                if s.days_reported == 0 && s.flags.is_empty() {
                    <p class="no-data" id="no-data">{ no_data(lang) }</p>
                } else {
                    <FlagList flags={s.flags.clone()} {lang}
                              origin={Some(CaseOrigin { class_id: s.class_id, from: s.from, to: s.to })} />
                }
            </section>
            <section class="card" id="day-chart-card">
                <div class="card-head">
                    <h2>{ t.daily_totals }</h2>
                    <CsvLink id="class-csv" href={v.csv.clone()} {lang} />
                </div>
                <DayChart days={day_stacks(v)} subjects={v.subjects.to_vec()} {limit}
                          grade_average={s.grade_average_minutes} {today} {lang} />
            </section>
            <div class="two-columns">
                <section class="card" id="week-trend-card">
                    <h2>{ t.week_trend_title }</h2>
                    <WeekTrend {weeks} {limit} grade_average={s.grade_average_minutes} {lang} />
                </section>
                <section class="card" id="subject-averages">
                    <h2>{ t.subject_averages }</h2>
                    { subject_bars(s, v.subjects, lang) }
                </section>
            </div>
            if !s.expected_vs_actual.is_empty() {
                <section class="card" id="expected-actual-card">
                    <h2>{ if lang == Lang::Zh { "备案预计与实际用时" } else { "Expected against actual" } }</h2>
                    <ExpectedActualChart rows={s.expected_vs_actual.clone()} flags={s.flags.clone()}
                                         subjects={v.subjects.to_vec()} {lang} />
                </section>
            }
        </>
    }
}

/// Per-subject averages as bars in the subjects' colours, longest first.
fn subject_bars(s: &ClassSummary, subjects: &[String], lang: Lang) -> Html {
    let t = texts(lang);
    if s.subject_averages.is_empty() {
        return notice::info(t.no_reports_in_period);
    }
    let mut rows: Vec<(&String, f64)> = s.subject_averages.iter().map(|(k, v)| (k, *v)).collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let widest = rows.first().map_or(1.0, |r| r.1).max(1.0);
    let total: f64 = rows.iter().map(|r| r.1).sum();
    html! {
        <ul class="subject-bars">
            { for rows.into_iter().map(|(key, avg)| {
                let share = if total > 0.0 { avg / total * 100.0 } else { 0.0 };
                html! {
                    <li data-subject={key.clone()} data-value={format!("{avg:.1}")}>
                        <span class="bar-name">{ subject_label(key, lang) }</span>
                        <span class="bar-track">
                            <span class="bar-fill" style={format!("width:{:.1}%;background:{}", avg / widest * 100.0, colour_of(subjects, key))}></span>
                        </span>
                        <span class="bar-number">{ format!("{avg:.1}") }<span class="bar-share">{ format!(" · {share:.0}%") }</span></span>
                    </li>
                }
            }) }
        </ul>
    }
}

fn minutes_or_dash(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

/// "No data": a class without a report in the period has nothing to judge, which is not the
/// same as nothing to look at.
fn no_data(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "暂无数据：这段时间没有登记。",
        Lang::En => "No data: nothing was recorded in this period.",
    }
}

#[derive(Properties, PartialEq)]
struct RecordedDaysProps {
    reports: Vec<DayReport>,
    today: chrono::NaiveDate,
    /// How far back this account may remove a day (`None`: not at all).
    edit_window: Option<EditWindow>,
    on_delete: Callback<DayReport>,
    lang: Lang,
}

/// The days recorded in the period, newest first: weekend homework marked as such (kept, in no
/// average), and a button to remove a day recorded by mistake where the account may.
#[function_component(RecordedDays)]
fn recorded_days(props: &RecordedDaysProps) -> Html {
    let armed = use_state(|| None::<chrono::NaiveDate>);
    let lang = props.lang;
    let word = |zh: &'static str, en: &'static str| if lang == Lang::Zh { zh } else { en };
    if props.reports.is_empty() {
        return html! {};
    }
    html! {
        <section class="card" id="class-days">
            <h2>{ word("已登记的日子", "Days recorded") }</h2>
            <ul class="recorded-days">
                { for props.reports.iter().rev().map(|r| {
                    let may_delete = props
                        .edit_window
                        .is_some_and(|w| check_report_date(r.date, props.today, w).is_ok());
                    let arm = {
                        let (armed, date) = (armed.clone(), r.date);
                        Callback::from(move |_: MouseEvent| armed.set(Some(date)))
                    };
                    let disarm = {
                        let armed = armed.clone();
                        Callback::from(move |_: MouseEvent| armed.set(None))
                    };
                    let confirm = {
                        let (armed, on_delete, report) = (armed.clone(), props.on_delete.clone(), r.clone());
                        Callback::from(move |_: MouseEvent| {
                            armed.set(None);
                            on_delete.emit(report.clone());
                        })
                    };
                    html! {
                        <li data-date={r.date.to_string()} data-school-day={r.school_day.to_string()}>
                            <span class="day-date">{ format!("{} {}", dates::short(r.date), dates::weekday(r.date, lang)) }</span>
                            <span class="day-total">{ format!("{} {}", r.total_minutes, word("分钟", "min")) }</span>
                            if !r.school_day {
                                <span class="weekend-homework badge">{ word("周末作业 · 不计入平均", "weekend homework · not counted") }</span>
                            }
                            if may_delete {
                                if *armed == Some(r.date) {
                                    <span class="delete-ask">
                                        { word("删除这一天的记录？", "Remove this day's record?") }{" "}
                                        <button type="button" class="danger confirm-delete" onclick={confirm}>{ word("删除", "Remove") }</button>
                                        <button type="button" class="cancel-delete" onclick={disarm}>{ word("取消", "Cancel") }</button>
                                    </span>
                                } else {
                                    <button type="button" class="delete-day" onclick={arm}
                                            aria-label={format!("{} {}", word("删除", "Remove"), r.date)}>{ word("删除", "Remove") }</button>
                                }
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
