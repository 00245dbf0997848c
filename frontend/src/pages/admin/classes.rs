//! Admin: the school's classes (`/admin/classes`). Create one, rename it, archive it (it keeps
//! its reports but leaves the comparisons) or bring it back, and manage each class's tablet
//! codes.
//!
//! Test ids: the new-class form `#new-class-grade`, `#new-class-name`, `#create-class`,
//! `#new-class-problem`, `#class-created`; active classes `#active-classes
//! tr[data-class-id][data-name]` with `.rename-class`, `.rename-input`, `.rename-save`,
//! `.rename-cancel`, `.archive-class`, `.tablets-button` (opens the tablet codes below the row,
//! `aria-expanded`), `.row-problem`; archived classes `#archived-classes tr[data-class-id]`
//! with `.unarchive-class`; `#no-classes-yet`.

use crate::api::{self, ApiError};
use crate::components::ask::{Ask, Question};
use crate::components::form::{described_by, input_value, problem_line, select_value};
use crate::components::icons;
use crate::components::notice;
use crate::components::tablet_codes::TabletCodes;
use crate::i18n::{grade_name, texts};
use crate::load::Load;
use crate::load::use_load;
use crate::pages::admin::{done_notice, problem_html};
use crate::route::Route;
use crate::state::use_lang;
use shared::api::{ClassInfo, ClassPatch, NewClass};
use shared::{ClassId, Grade};
use std::collections::BTreeMap;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(ClassesSection)]
pub fn classes_section() -> Html {
    let lang = use_lang();
    let t = texts(lang);
    let classes = use_load((), |()| api::setup::all_classes());
    let open_tablets = use_state(|| None::<ClassId>);

    let list = match &classes.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(list) => {
            let mut by_grade: BTreeMap<Grade, Vec<&ClassInfo>> = BTreeMap::new();
            for class in list.iter().filter(|c| !c.archived) {
                by_grade.entry(class.grade).or_default().push(class);
            }
            let archived: Vec<&ClassInfo> = list.iter().filter(|c| c.archived).collect();
            let toggle = {
                let open_tablets = open_tablets.clone();
                Callback::from(move |id: ClassId| {
                    open_tablets.set(if *open_tablets == Some(id) { None } else { Some(id) })
                })
            };
            html! {
                <>
                    if by_grade.is_empty() {
                        <p class="notice" id="no-classes-yet">
                            { t.no_classes_yet }{" "}
                            <Link<Route> to={Route::Admin { section: super::AdminSection::Roster }}>{ t.import_roster_instead }</Link<Route>>
                        </p>
                    }
                    <div id="active-classes" class="grade-blocks">
                        { for by_grade.into_iter().map(|(grade, in_grade)| html! {
                            <section class="card grade-block" data-grade={grade.to_string()}>
                                <h3>{ grade_name(grade, lang) }<span class="count">{ t.classes_count(in_grade.len()) }</span></h3>
                                <table class="data-table class-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">{ t.class }</th>
                                            <th scope="col" class="actions-head">{ t.actions }</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        { for in_grade.into_iter().map(|class| html! {
                                            <ClassRow class={class.clone()} tablets_open={*open_tablets == Some(class.id)}
                                                      on_toggle_tablets={toggle.clone()} on_changed={classes.reload.clone()} />
                                        }) }
                                    </tbody>
                                </table>
                            </section>
                        }) }
                    </div>
                    if !archived.is_empty() {
                        <section class="card archived" id="archived-classes">
                            <h3>{ t.archived_classes }<span class="count">{ t.classes_count(archived.len()) }</span></h3>
                            <p class="sub">{ t.archived_explained }</p>
                            <table class="data-table class-table">
                                <tbody>
                                    { for archived.into_iter().map(|class| html! {
                                        <ClassRow class={class.clone()} tablets_open={false}
                                                  on_toggle_tablets={toggle.clone()} on_changed={classes.reload.clone()} />
                                    }) }
                                </tbody>
                            </table>
                        </section>
                    }
                </>
            }
        }
    };

    html! {
        <>
            <NewClassForm on_created={classes.reload.clone()} />
            { list }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct NewClassFormProps {
    on_created: Callback<()>,
}

#[function_component(NewClassForm)]
fn new_class_form(props: &NewClassFormProps) -> Html {
    let lang = use_lang();
    let t = texts(lang);
    let grade = use_state(|| 7i64);
    let name = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let created = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (grade, name, error, created, busy) =
            (grade.clone(), name.clone(), error.clone(), created.clone(), busy.clone());
        let on_created = props.on_created.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let body = NewClass { grade: *grade, name: name.trim().to_owned() };
            let (name, error, created, busy, on_created) =
                (name.clone(), error.clone(), created.clone(), busy.clone(), on_created.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup::create_class(&body).await {
                    Ok(class) => {
                        created.set(Some(class.name));
                        error.set(None);
                        name.set(String::new());
                        on_created.emit(());
                    }
                    Err(e) => {
                        created.set(None);
                        error.set(Some(e));
                    }
                }
                busy.set(false);
            });
        })
    };
    let on_grade = {
        let grade = grade.clone();
        Callback::from(move |e: Event| grade.set(select_value(&e).parse().unwrap_or(7)))
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| name.set(input_value(&e)))
    };
    let problem = error.as_ref().map(|e| match e {
        ApiError::Invalid { problems, .. } if !problems.is_empty() => problems
            .iter()
            .map(|p| crate::i18n::problem_text(&p.code, &p.message, lang))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.message(lang),
    });

    html! {
        <form class="card inline-form new-class" onsubmit={onsubmit} aria-labelledby="new-class-title">
            <h3 id="new-class-title" class="form-title">{ t.new_class }</h3>
            <div class="field">
                <label for="new-class-grade">{ t.grade }</label>
                <select id="new-class-grade" onchange={on_grade}>
                    { for Grade::all().map(|g| html! {
                        <option value={g.to_string()} selected={i64::from(g.get()) == *grade}>{ grade_name(g, lang) }</option>
                    }) }
                </select>
            </div>
            <div class="field grow">
                <label for="new-class-name">{ t.class_name }</label>
                <input id="new-class-name" type="text" required=true maxlength="40" value={(*name).clone()}
                       oninput={on_name} placeholder={t.class_name_placeholder}
                       aria-invalid={problem.is_some().then_some("true")}
                       aria-describedby={described_by("new-class", problem.as_deref())} />
            </div>
            <button type="submit" id="create-class" class="primary" disabled={*busy}>{ t.create_class }</button>
            { problem_line("new-class", problem.as_deref()) }
            if let Some(name) = &*created {
                { done_notice("class-created", format!("{} {name}", t.class_created)) }
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ClassRowProps {
    class: ClassInfo,
    tablets_open: bool,
    on_toggle_tablets: Callback<ClassId>,
    on_changed: Callback<()>,
}

/// One class: its name (or the rename field), and what can be done with it.
#[function_component(ClassRow)]
fn class_row(props: &ClassRowProps) -> Html {
    let lang = use_lang();
    let t = texts(lang);
    let class = &props.class;
    let editing = use_state(|| None::<String>);
    let error = use_state(|| None::<ApiError>);

    let patch = {
        let (editing, error, on_changed) =
            (editing.clone(), error.clone(), props.on_changed.clone());
        let id = class.id;
        Callback::from(move |body: ClassPatch| {
            let (editing, error, on_changed) = (editing.clone(), error.clone(), on_changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup::change_class(id, &body).await {
                    Ok(_) => {
                        editing.set(None);
                        error.set(None);
                        on_changed.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let start_rename = {
        let (editing, name) = (editing.clone(), class.name.clone());
        Callback::from(move |_: MouseEvent| editing.set(Some(name.clone())))
    };
    let cancel = {
        let (editing, error) = (editing.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            editing.set(None);
            error.set(None);
        })
    };
    let on_edit = {
        let editing = editing.clone();
        Callback::from(move |e: InputEvent| editing.set(Some(input_value(&e))))
    };
    let save = {
        let (editing, patch) = (editing.clone(), patch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(name) = &*editing {
                patch.emit(ClassPatch { name: Some(name.trim().to_owned()), archived: None });
            }
        })
    };
    let asking = use_state(|| None::<Question>);
    let archive = {
        let (patch, archived, asking) = (patch.clone(), class.archived, asking.clone());
        let question = format!("{} {}", t.archive_confirm, class.name);
        let step = t.archive;
        Callback::from(move |_: MouseEvent| {
            let patch = patch.clone();
            let then = Callback::from(move |()| {
                patch.emit(ClassPatch { name: None, archived: Some(!archived) });
            });
            if archived {
                then.emit(());
            } else {
                asking.set(Some(Question { text: question.clone(), yes: step, then }));
            }
        })
    };
    let toggle = {
        let (on_toggle, id) = (props.on_toggle_tablets.clone(), class.id);
        Callback::from(move |_: MouseEvent| on_toggle.emit(id))
    };

    let name_cell = match &*editing {
        Some(value) => html! {
            <form class="rename-form" onsubmit={save}>
                <label class="visually-hidden" for={format!("rename-{}", class.id)}>{ t.new_name }</label>
                <input id={format!("rename-{}", class.id)} class="rename-input" type="text" required=true
                       maxlength="40" value={value.clone()} oninput={on_edit} />
                <button type="submit" class="rename-save primary">{ t.save }</button>
                <button type="button" class="rename-cancel" onclick={cancel}>{ t.cancel }</button>
            </form>
        },
        None => html! { <span class="class-name">{ class.name.clone() }</span> },
    };
    let panel_id = format!("tablets-of-{}", class.id);

    html! {
        <>
            <tr data-class-id={class.id.to_string()} data-name={class.name.clone()}>
                <th scope="row">
                    { name_cell }
                    if let Some(e) = &*error {
                        <p class="row-problem" role="alert">
                            { match e {
                                ApiError::Invalid { problems, .. } if !problems.is_empty() => html! {
                                    { for problems.iter().map(|p| problem_html(p, lang)) }
                                },
                                other => html! { { other.message(lang) } },
                            } }
                        </p>
                    }
                </th>
                <td class="actions">
                    if class.archived {
                        <button type="button" class="unarchive-class secondary" onclick={archive}>{ t.unarchive }</button>
                    } else {
                        if editing.is_none() {
                            <button type="button" class="rename-class" onclick={start_rename}
                                    aria-label={format!("{} {}", t.rename, class.name)}>{ t.rename }</button>
                        }
                        <button type="button" class={classes!("tablets-button", props.tablets_open.then_some("open"))}
                                onclick={toggle} aria-expanded={props.tablets_open.to_string()} aria-controls={panel_id.clone()}>
                            { icons::tablet() }{ t.class_tablet }
                        </button>
                        <button type="button" class="archive-class" onclick={archive}
                                aria-label={format!("{} {}", t.archive, class.name)}>{ t.archive }</button>
                    }
                    <Ask {asking} />
                </td>
            </tr>
            if props.tablets_open {
                <tr class="tablet-row" id={panel_id}>
                    <td colspan="2">
                        <TabletCodes class_id={class.id} class_name={class.name.clone()} />
                    </td>
                </tr>
            }
        </>
    }
}
