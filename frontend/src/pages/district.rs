//! A district admin's board (`/district/{id}`), read only: for a grade, every school side by
//! side (its grade average against its own limit and the district's average, its classes over
//! their limit or drifting), the schools needing attention first, each linking to its own grade
//! page; and the coverage of a day (which classes have not reported, by each school's calendar).
//!
//! Test ids: `#district-board`, `#read-only`, `#grade-select`, `#district-average`,
//! `#schools-table tr[data-school-id]` (attention first) with `a.school-link`, `#district-csv`,
//! `#coverage-table tr[data-school-id][data-school-day]` with `.missing`, `#wall-link`.

use crate::api;
use crate::components::notice;
use crate::components::period::{Period, PeriodPicker, use_period};
use crate::load::{Load, use_load};
use crate::pages::district_charts::{CoverageHeat, DistrictTrend, SpotCheckList};
use crate::route::Route;
use crate::state::use_session;
use shared::district::{Coverage, DistrictComparison, DistrictId, SchoolGradePart};
use shared::{Grade, Lang};
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DistrictProps {
    pub id: DistrictId,
}

/// Words of the board, in the two languages of the app.
fn w(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn minutes(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

/// Classes of a school with a flag of one of `kinds`.
fn count(part: &SchoolGradePart, kinds: &[&str]) -> usize {
    part.classes.iter().filter(|c| c.flags.iter().any(|f| kinds.contains(&f.kind()))).count()
}

const OVER: [&str; 2] = ["over_average_limit", "over_daily_limit"];
const DRIFT: [&str; 2] = ["drift_above", "drift_below"];

#[function_component(DistrictPage)]
pub fn district_page(props: &DistrictProps) -> Html {
    let session = use_session();
    let lang = session.lang;
    let Some((me, policy)) = session.user() else { return html! {} };
    let today = me.today;
    let (period, set_period) = use_period(today, 14);
    let grade = use_state(|| 7u8);
    let id = props.id;
    let comparison = use_load((id, *grade, period.window().ok()), |(id, grade, w)| async move {
        match (w, Grade::new(i64::from(grade))) {
            (Some(w), Ok(g)) => api::district::comparison(id, g, w.from(), w.to()).await.map(Some),
            _ => Ok(None),
        }
    });
    let coverage = use_load((id, today), |(id, day)| api::district::coverage(id, day));
    let schools = use_load(id, api::district::schools);
    let names: std::rc::Rc<std::collections::BTreeMap<shared::SchoolId, String>> = std::rc::Rc::new(
        schools
            .data
            .value()
            .map(|l| l.iter().map(|s| (s.school_id, s.name.clone())).collect())
            .unwrap_or_default(),
    );
    let on_grade = {
        let grade = grade.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(g) = select.value().parse::<u8>() {
                grade.set(g);
            }
        })
    };
    let csv = Grade::new(i64::from(*grade))
        .map(|g| api::district::comparison_csv_url(id, g, period.from, period.to))
        .unwrap_or_default();

    let board = match &comparison.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(c) => match c.as_ref() {
            Some(c) => schools_table(c, period, lang),
            None => html! {},
        },
    };
    let coverage_card = match &coverage.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(c) => coverage_table(c, lang),
    };

    html! {
        <main class="page district-page" id="district-board">
            <header class="page-head">
                <div>
                    <h1>{ me.user.school_name.clone() }</h1>
                    <p class="sub">
                        <span class="badge" id="read-only">{ w(lang, "只读", "Read only") }</span>
                        { " " }{ w(lang, "区域作业监管看板：各校同年级并列对比", "District board: every school's grade side by side") }
                    </p>
                </div>
                <div class="button-row">
                    <Link<Route> to={Route::DistrictWall { id }} classes="button secondary">
                        <span id="wall-link">{ w(lang, "大屏", "Wall screen") }</span>
                    </Link<Route>>
                </div>
            </header>
            <div class="toolbar">
                <label>
                    { w(lang, "年级 ", "Grade ") }
                    <select id="grade-select" onchange={on_grade}>
                        { for (1..=9u8).map(|g| html! {
                            <option value={g.to_string()} selected={g == *grade}>{ g.to_string() }</option>
                        }) }
                    </select>
                </label>
            </div>
            <PeriodPicker {period} {today} window_days={policy.window_days} on_change={set_period} {lang} />
            <section class="card table-card">
                <div class="card-head">
                    <h2>{ w(lang, "各校对比（需关注的学校在前）", "Schools (those needing attention first)") }</h2>
                    <a class="button secondary" id="district-csv" href={csv} download="">{ "CSV" }</a>
                </div>
                { board }
            </section>
            <section class="card table-card">
                <h2>{ w(lang, "填报覆盖：学校 × 日（无死角）", "Coverage, school by day (no dead corners)") }</h2>
                <CoverageHeat {id} from={period.from} to={period.to} {today} {lang} />
            </section>
            if let Ok(grade) = Grade::new(i64::from(*grade)) {
                <section class="card">
                    <h2>{ w(lang, "区域年级平均逐周趋势", "The district's grade average, week by week") }</h2>
                    <DistrictTrend {id} {grade} {today} {lang} />
                </section>
            }
            <section class="card table-card">
                <h2>{ w(lang, "今日填报覆盖（无死角）", "Today's coverage (no dead corners)") }</h2>
                { coverage_card }
            </section>
            <section class="card table-card">
                <h2>{ w(lang, "各校随机抽查", "The schools' spot checks") }</h2>
                <SpotCheckList names={names} from={period.from} to={period.to} {lang} />
            </section>
        </main>
    }
}

/// The schools, those with classes over their limit first, then drifting, then the highest
/// average against its limit.
fn schools_table(c: &DistrictComparison, period: Period, lang: Lang) -> Html {
    let mut schools: Vec<&SchoolGradePart> = c.schools.iter().collect();
    let over_limit =
        |s: &SchoolGradePart| s.grade_average_minutes.unwrap_or(0.0) - f64::from(s.limit_minutes);
    schools.sort_by(|a, b| {
        count(b, &OVER)
            .cmp(&count(a, &OVER))
            .then(count(b, &DRIFT).cmp(&count(a, &DRIFT)))
            .then(over_limit(b).total_cmp(&over_limit(a)))
    });
    let grade = c.grade.get();
    html! {
        <>
            <p class="stat" id="district-average">
                { w(lang, "区域平均：", "District average: ") }{ minutes(c.district_average_minutes) }
                { w(lang, " 分钟/天", " min/day") }
            </p>
            <div class="table-wrap">
                <table id="schools-table" class="data-table">
                    <thead><tr>
                        <th>{ w(lang, "学校", "School") }</th>
                        <th class="num">{ w(lang, "年级平均", "Grade average") }</th>
                        <th class="num">{ w(lang, "上限", "Limit") }</th>
                        <th class="num">{ w(lang, "班级", "Classes") }</th>
                        <th class="num">{ w(lang, "已填报", "Reporting") }</th>
                        <th class="num">{ w(lang, "超限班级", "Over limit") }</th>
                        <th class="num">{ w(lang, "偏离班级", "Drifting") }</th>
                    </tr></thead>
                    <tbody>
                        { for schools.iter().map(|s| {
                            let over = s.grade_average_minutes.is_some_and(|a| a > f64::from(s.limit_minutes));
                            html! {
                                <tr data-school-id={s.school_id.to_string()} class={classes!(over.then_some("over"))}>
                                    <td>
                                        <Link<Route, Period> to={Route::Comparison { school: s.school_id, grade }}
                                                             query={Some(period)} classes="school-link">
                                            { s.name.clone() }
                                        </Link<Route, Period>>
                                    </td>
                                    <td class="num">{ minutes(s.grade_average_minutes) }</td>
                                    <td class="num">{ s.limit_minutes }</td>
                                    <td class="num">{ s.class_count }</td>
                                    <td class="num">{ s.classes_reporting }</td>
                                    <td class="num">{ count(s, &OVER) }</td>
                                    <td class="num">{ count(s, &DRIFT) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </>
    }
}

fn coverage_table(c: &Coverage, lang: Lang) -> Html {
    html! {
        <>
            <p class="stat">{ format!("{} / {} ", c.reported, c.classes) }{ w(lang, "个班级已填报", "classes reported") }</p>
            <div class="table-wrap">
                <table id="coverage-table" class="data-table">
                    <thead><tr>
                        <th>{ w(lang, "学校", "School") }</th>
                        <th>{ w(lang, "已填报", "Reported") }</th>
                        <th>{ w(lang, "未填报班级", "Not reported") }</th>
                    </tr></thead>
                    <tbody>
                        { for c.schools.iter().map(|s| html! {
                            <tr data-school-id={s.school_id.to_string()} data-school-day={s.school_day.to_string()}>
                                <td>{ s.name.clone() }</td>
                                <td>{ if s.school_day { format!("{} / {}", s.reported, s.classes) } else { w(lang, "非上学日", "no school day").to_owned() } }</td>
                                <td class="missing">{ s.missing.join("、") }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </>
    }
}
