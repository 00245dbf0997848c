//! Admin: the policy and the subjects (`/admin/policy`): each grade's daily limit and the
//! subjects its monitors record (in the order the entry page shows them), the comparison rules
//! (window, minimum days, drift thresholds) and how long day reports are kept. One `PUT
//! /policy` saves it all; the server's problems appear under the fields they are about.
//!
//! Test ids: `#policy-form`, `#policy-grades tr[data-grade="7"]` with `#limit-7`, `#subjects-7
//! .subject-chip[data-subject="math"]` (`.remove-subject`, `.move-subject-up`),
//! `#add-subject-7` (a select); `#window-days`, `#min-days`, `#drift-ratio` (a percentage),
//! `#drift-min-minutes`, `#retention-days` (empty: kept for good); a field's problem
//! `#{field}-problem`; `#save-policy`, `#discard-policy`, `#policy-unsaved`, `#policy-saved`,
//! `#policy-error`.

use super::policy_draft::{PolicyDraft, field_of_problem, limit_field, subjects_field};
use crate::api::{self, ApiError};
use crate::components::form::{described_by, input_value, problem_line, select_value};
use crate::i18n::{Texts, grade_name, texts};
use crate::pages::admin::{done_notice, error_notice};
use crate::state::{SessionAction, use_session};
use shared::i18n::subject_name;
use shared::{Grade, Lang, Subject};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

/// The subjects a school picks from (the names the app knows in both languages).
const KNOWN_SUBJECTS: [&str; 15] = [
    "chinese",
    "math",
    "english",
    "science",
    "physics",
    "chemistry",
    "biology",
    "history",
    "geography",
    "morality",
    "politics",
    "art",
    "music",
    "pe",
    "it",
];

/// A change to the form, sent up from a grade's row.
type Edit = Box<dyn Fn(&mut PolicyDraft)>;

/// What the last save did.
#[derive(Clone, PartialEq)]
enum Outcome {
    None,
    Saved,
    /// Fields that are not numbers, found before sending.
    NotNumbers(Vec<String>),
    Refused(ApiError),
}

#[function_component(PolicySection)]
pub fn policy_section() -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let Some((me, stored)) = session.user() else {
        return html! {};
    };
    let draft = {
        let stored = stored.clone();
        use_state(move || PolicyDraft::of(&stored))
    };
    let outcome = use_state(|| Outcome::None);
    let busy = use_state(|| false);
    let unsaved = *draft != PolicyDraft::of(&stored);

    // Problems by field: the server's sentences, or "not a whole number".
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    match &*outcome {
        Outcome::NotNumbers(fields) => {
            for f in fields {
                problems.entry(f.clone()).or_default().push(t.not_a_number.to_owned());
            }
        }
        Outcome::Refused(ApiError::Invalid { problems: list, .. }) => {
            for p in list {
                let field = field_of_problem(&p.message);
                let text = rule_of(&field, t).map_or_else(|| p.message.clone(), str::to_owned);
                let texts = problems.entry(field).or_default();
                if !texts.contains(&text) {
                    texts.push(text);
                }
            }
        }
        _ => {}
    }
    let problem = |field: &str| problems.get(field).map(|list| list.join(" "));

    let onsubmit = {
        let (draft, outcome, busy, session) =
            (draft.clone(), outcome.clone(), busy.clone(), session.clone());
        let me = me.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let policy = match draft.to_policy() {
                Ok(p) => p,
                Err(fields) => return outcome.set(Outcome::NotNumbers(fields)),
            };
            busy.set(true);
            let (draft, outcome, busy, session, me) =
                (draft.clone(), outcome.clone(), busy.clone(), session.clone(), me.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup::put_policy(&policy).await {
                    Ok(saved) => {
                        draft.set(PolicyDraft::of(&saved));
                        outcome.set(Outcome::Saved);
                        // Every page of the app now uses the new policy.
                        session.dispatch(SessionAction::LoggedIn { me, policy: Rc::new(saved) });
                    }
                    Err(ApiError::Unauthorized) => session.dispatch(SessionAction::Expired),
                    Err(e) => outcome.set(Outcome::Refused(e)),
                }
                busy.set(false);
            });
        })
    };
    let discard = {
        let (draft, outcome, stored) = (draft.clone(), outcome.clone(), stored.clone());
        Callback::from(move |_: MouseEvent| {
            draft.set(PolicyDraft::of(&stored));
            outcome.set(Outcome::None);
        })
    };
    let update = {
        let (draft, outcome) = (draft.clone(), outcome.clone());
        Callback::from(move |change: Edit| {
            let mut d = (*draft).clone();
            change(&mut d);
            draft.set(d);
            if *outcome == Outcome::Saved {
                outcome.set(Outcome::None);
            }
        })
    };
    let number_field = |id: &'static str,
                        label: &str,
                        value: &str,
                        unit: &str,
                        help: String,
                        set: fn(&mut PolicyDraft, String)| {
        let p = problem(id);
        let oninput = {
            let update = update.clone();
            Callback::from(move |e: InputEvent| {
                let v = input_value(&e);
                update.emit(Box::new(move |d: &mut PolicyDraft| set(d, v.clone())));
            })
        };
        html! {
            <div class={classes!("field", p.is_some().then_some("invalid"))}>
                <label for={id}>{ label.to_owned() }</label>
                <div class="with-unit">
                    <input {id} type="text" inputmode="decimal" value={value.to_owned()} {oninput}
                           aria-invalid={p.is_some().then_some("true")}
                           aria-describedby={described_by(id, p.as_deref()).unwrap_or_else(|| format!("{id}-help").into())} />
                    <span class="unit">{ unit.to_owned() }</span>
                </div>
                <p class="fine-print" id={format!("{id}-help")}>{ help }</p>
                { problem_line(id, p.as_deref()) }
            </div>
        }
    };

    let d = &*draft;
    let other = problem("");
    html! {
        <form id="policy-form" class="policy-form" onsubmit={onsubmit} novalidate=true>
            <section class="card">
                <h3>{ t.limits_and_subjects }</h3>
                <p class="sub">{ t.limits_and_subjects_lead }</p>
                <div class="table-wrap">
                    <table class="data-table policy-grades" id="policy-grades">
                        <thead>
                            <tr>
                                <th scope="col">{ t.grade }</th>
                                <th scope="col">{ t.daily_limit }</th>
                                <th scope="col">{ t.subjects }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for Grade::all().map(|grade| html! {
                                <GradeRow {grade} {lang}
                                          limit={d.limits.get(&grade).cloned().unwrap_or_default()}
                                          subjects={Rc::new(d.subjects.get(&grade).cloned().unwrap_or_default())}
                                          limit_problem={problem(&limit_field(grade))}
                                          subjects_problem={problem(&subjects_field(grade))}
                                          update={update.clone()} />
                            }) }
                        </tbody>
                    </table>
                </div>
            </section>
            <section class="card">
                <h3>{ t.comparison_rules_title }</h3>
                <p class="sub">{ t.drift_sentence(&d.drift_percent, &d.drift_min_minutes, &d.min_days, &d.window_days) }</p>
                <div class="form-grid">
                    { number_field("window-days", t.window_days, &d.window_days, t.days_unit,
                                   t.window_days_help.to_owned(), |d, v| d.window_days = v) }
                    { number_field("min-days", t.min_days, &d.min_days, t.days_unit,
                                   t.min_days_help.to_owned(), |d, v| d.min_days = v) }
                    { number_field("drift-ratio", t.drift_ratio, &d.drift_percent, "%",
                                   t.drift_ratio_help.to_owned(), |d, v| d.drift_percent = v) }
                    { number_field("drift-min-minutes", t.drift_min_minutes, &d.drift_min_minutes, t.minutes_unit,
                                   t.drift_min_minutes_help.to_owned(), |d, v| d.drift_min_minutes = v) }
                </div>
            </section>
            <section class="card">
                <h3>{ t.retention_title }</h3>
                <div class="form-grid">
                    { number_field("retention-days", t.retention_days, &d.retention_days, t.days_unit,
                                   t.retention_help.to_owned(), |d, v| d.retention_days = v) }
                </div>
            </section>
            <div class="save-bar">
                <button type="submit" id="save-policy" class="primary big" disabled={*busy}>{ t.save_policy }</button>
                if unsaved {
                    <button type="button" id="discard-policy" onclick={discard}>{ t.discard }</button>
                    <span class="muted" id="policy-unsaved" role="status">{ t.unsaved_changes }</span>
                }
                if *outcome == Outcome::Saved {
                    { done_notice("policy-saved", t.policy_saved.to_owned()) }
                }
                if let Outcome::Refused(e) = &*outcome {
                    if !matches!(e, ApiError::Invalid { .. }) {
                        { error_notice("policy-error", e, lang) }
                    }
                }
                if let Some(text) = other {
                    <p class="notice error" id="policy-error" role="alert">{ text }</p>
                }
                if !problems.is_empty() {
                    <p class="field-problem" role="alert">{ t.fix_marked_fields }</p>
                }
            </div>
        </form>
    }
}

/// What a field must hold, in words, for the server's problem with it.
fn rule_of(field: &str, t: &Texts) -> Option<&'static str> {
    Some(match field {
        f if f.starts_with("limit-") => t.policy_limit_rule,
        f if f.starts_with("subjects-") => t.policy_subjects_rule,
        "window-days" => t.policy_window_rule,
        "drift-ratio" => t.policy_drift_ratio_rule,
        "drift-min-minutes" => t.policy_drift_min_rule,
        "min-days" => t.policy_min_days_rule,
        "retention-days" => t.policy_retention_rule,
        _ => return None,
    })
}

#[derive(Properties, PartialEq)]
struct GradeRowProps {
    grade: Grade,
    lang: Lang,
    limit: String,
    subjects: Rc<Vec<Subject>>,
    limit_problem: Option<String>,
    subjects_problem: Option<String>,
    update: Callback<Edit>,
}

/// One grade: its limit and its subjects (remove, move earlier, add).
#[function_component(GradeRow)]
fn grade_row(props: &GradeRowProps) -> Html {
    let t = texts(props.lang);
    let grade = props.grade;
    let limit_id = limit_field(grade);
    let subjects_id = subjects_field(grade);
    let on_limit = {
        let update = props.update.clone();
        Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            update.emit(Box::new(move |d: &mut PolicyDraft| {
                d.limits.insert(grade, v.clone());
            }))
        })
    };
    let subjects_edit = |change: fn(&mut Vec<Subject>, usize), i: usize| {
        let update = props.update.clone();
        Callback::from(move |_: MouseEvent| {
            update.emit(Box::new(move |d: &mut PolicyDraft| {
                change(d.subjects.entry(grade).or_default(), i)
            }))
        })
    };
    let on_add = {
        let update = props.update.clone();
        Callback::from(move |e: Event| {
            let key = select_value(&e);
            if let Ok(subject) = Subject::parse(&key) {
                update.emit(Box::new(move |d: &mut PolicyDraft| {
                    let list = d.subjects.entry(grade).or_default();
                    if !list.contains(&subject) {
                        list.push(subject.clone());
                    }
                }))
            }
            e.target_unchecked_into::<web_sys::HtmlSelectElement>().set_value("");
        })
    };
    let missing: Vec<&str> = KNOWN_SUBJECTS
        .iter()
        .copied()
        .filter(|k| !props.subjects.iter().any(|s| s.as_str() == *k))
        .collect();
    let lang = props.lang;
    let no_homework = props.limit.trim() == "0";

    html! {
        <tr data-grade={grade.to_string()}>
            <th scope="row">{ grade_name(grade, lang) }</th>
            <td class={classes!("limit-cell", props.limit_problem.is_some().then_some("invalid"))}>
                <label class="visually-hidden" for={limit_id.clone()}>{ format!("{} {}", grade_name(grade, lang), t.daily_limit) }</label>
                <div class="with-unit">
                    <input id={limit_id.clone()} type="text" inputmode="numeric" class="limit-input"
                           value={props.limit.clone()} oninput={on_limit}
                           aria-invalid={props.limit_problem.is_some().then_some("true")}
                           aria-describedby={described_by(&limit_id, props.limit_problem.as_deref())} />
                    <span class="unit">{ t.minutes_unit }</span>
                </div>
                if no_homework {
                    <p class="fine-print">{ t.no_written_homework }</p>
                }
                { problem_line(&limit_id, props.limit_problem.as_deref()) }
            </td>
            <td class={classes!(props.subjects_problem.is_some().then_some("invalid"))}>
                <ul class="chips subject-chips" id={subjects_id.clone()}
                    aria-label={format!("{} {}", grade_name(grade, lang), t.subjects)}>
                    { for props.subjects.iter().enumerate().map(|(i, s)| {
                        let name = subject_name(s, lang);
                        html! {
                            <li class="subject-chip" data-subject={s.as_str().to_owned()}>
                                if i > 0 {
                                    <button type="button" class="move-subject-up chip-button"
                                            onclick={subjects_edit(|list, i| list.swap(i - 1, i), i)}
                                            aria-label={format!("{} {name}", t.move_earlier)} title={t.move_earlier}>{"‹"}</button>
                                }
                                <span class="chip-name">{ name.clone() }</span>
                                <button type="button" class="remove-subject chip-button"
                                        onclick={subjects_edit(|list, i| { list.remove(i); }, i)}
                                        aria-label={format!("{} {name}", t.remove)} title={t.remove}>{"×"}</button>
                            </li>
                        }
                    }) }
                    <li class="add-subject-item">
                        <label class="visually-hidden" for={format!("add-subject-{grade}")}>{ t.add_subject }</label>
                        <select id={format!("add-subject-{grade}")} class="add-subject" onchange={on_add}>
                            <option value="" selected=true>{ format!("+ {}", t.add_subject) }</option>
                            { for missing.into_iter().map(|k| {
                                let name = Subject::parse(k).map(|s| subject_name(&s, lang)).unwrap_or_else(|_| k.to_owned());
                                html! { <option value={k}>{ name }</option> }
                            }) }
                        </select>
                    </li>
                </ul>
                { problem_line(&subjects_id, props.subjects_problem.as_deref()) }
            </td>
        </tr>
    }
}
