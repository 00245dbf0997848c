//! One subject on the entry page: big −/+ steppers (5 minutes a tap), a number field and quick
//! picks. `[data-subject="math"]` holds `input`, `.step-down`, `.step-up`, `.quick-pick`, and
//! `.expected` (`data-expected`) when the day's plan gives the subject's expected minutes.

use crate::i18n::texts;
use shared::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Minutes one tap on − or + changes.
pub const STEP: i64 = 5;
/// The quick-pick buttons under each subject.
/// They reach 45 and 60: a long day's subject is one tap too, not six taps of +5.
pub const QUICK_PICKS: [u32; 7] = [5, 10, 15, 20, 30, 45, 60];

#[derive(Properties, PartialEq)]
pub struct SubjectRowProps {
    /// The subject's key (`math`), for ids and tests.
    pub key_name: AttrValue,
    /// The subject's name in the interface's language.
    pub name: AttrValue,
    /// What the field shows: digits as typed.
    pub value: AttrValue,
    /// A problem with this subject's minutes, in words.
    pub problem: Option<AttrValue>,
    /// The minutes the subject's teacher filed for the day (作业备案), when they did.
    #[prop_or_default]
    pub expected: Option<u32>,
    pub on_input: Callback<String>,
    pub on_step: Callback<i64>,
    pub on_pick: Callback<u32>,
    pub lang: Lang,
}

#[function_component(SubjectRow)]
pub fn subject_row(props: &SubjectRowProps) -> Html {
    let t = texts(props.lang);
    let id = format!("minutes-{}", props.key_name);
    let problem_id = format!("problem-{}", props.key_name);
    let on_input = {
        let cb = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.value());
        })
    };
    // Tapping the field selects its number, so typing replaces it instead of appending.
    let on_focus = Callback::from(|e: FocusEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.select();
    });
    let step = |delta: i64| {
        let cb = props.on_step.clone();
        Callback::from(move |_: MouseEvent| cb.emit(delta))
    };
    let picks = QUICK_PICKS.iter().map(|&m| {
        let cb = props.on_pick.clone();
        let selected = props.value.as_str() == m.to_string();
        html! {
            <button type="button" class={classes!("quick-pick", selected.then_some("selected"))}
                    data-minutes={m.to_string()} aria-label={format!("{} {m} {}", props.name, t.minutes_unit)}
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(m))}>
                { m.to_string() }
            </button>
        }
    });
    html! {
        <div class={classes!("subject-row", props.problem.is_some().then_some("invalid"))}
             data-subject={props.key_name.clone()}>
            <label class="subject-name" for={id.clone()}>
                { props.name.clone() }
                if let Some(expected) = props.expected {
                    <span class="expected" data-expected={expected.to_string()}>
                        { format!("{} {expected} {}", t.expected_short, t.minutes_unit) }
                    </span>
                }
            </label>
            <div class="stepper">
                <button type="button" class="step-down" onclick={step(-STEP)}
                        aria-label={format!("{} −{STEP} {}", props.name, t.minutes_unit)}>
                    { format!("−{STEP}") }
                </button>
                <div class="minutes-field">
                    <input id={id} type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="off"
                           maxlength="3" value={props.value.clone()} oninput={on_input} onfocus={on_focus}
                           aria-invalid={props.problem.is_some().to_string()}
                           aria-describedby={problem_id.clone()} />
                    <span class="unit" aria-hidden="true">{ t.minutes_unit }</span>
                </div>
                <button type="button" class="step-up" onclick={step(STEP)}
                        aria-label={format!("{} +{STEP} {}", props.name, t.minutes_unit)}>
                    { format!("+{STEP}") }
                </button>
            </div>
            <div class="quick-picks" role="group" aria-label={t.quick_picks}>{ for picks }</div>
            <p class="row-problem" id={problem_id} role="alert">
                { props.problem.clone().unwrap_or_default() }
            </p>
        </div>
    }
}
