//! Admin: who teaches what (`/admin/teaching`, 任课安排): each class teacher's and subject
//! teacher's teaching assignments (class × subject), which give the right to file those classes'
//! and subjects' homework plans. Add one with a class and a subject of its grade, remove one
//! with its ✕; each change replaces the account's list (`PATCH /users/{id}` `{"teaching"}`).
//! A subject teacher keeps at least one (the server refuses the last: `teaching_required`).
//!
//! Test ids: `#teaching-table tr[data-user-id][data-username]` with `.teaching-chip[data-class]
//! [data-subject]` (each with `.remove-teaching`), `.teaching-class`, `.teaching-subject`,
//! `.add-teaching`, `.row-problem`.

use crate::api::{self, ApiError};
use crate::components::chart::subject_label;
use crate::components::form::select_value;
use crate::components::notice;
use crate::i18n::role_name;
use crate::load::{Load, use_load};
use crate::pages::admin::error_notice;
use crate::state::use_session;
use shared::api::{ClassInfo, Role, Teaching, User, UserPatch};
use shared::{ClassId, Lang, Policy};
use std::rc::Rc;
use yew::prelude::*;

#[function_component(TeachingSection)]
pub fn teaching_section() -> Html {
    let session = use_session();
    let lang = session.lang;
    let Some((_, policy)) = session.user() else {
        return html! {};
    };
    let users = use_load((), |()| api::setup::users());
    let classes = use_load((), |()| api::setup::all_classes());
    let (users_list, class_list) = match (&users.data, &classes.data) {
        (Load::Failed(e), _) | (_, Load::Failed(e)) => return notice::failed(e, lang),
        (Load::Loaded(u), Load::Loaded(c)) => (u.clone(), c.clone()),
        _ => return notice::loading(lang),
    };
    let classes: Rc<Vec<ClassInfo>> =
        Rc::new(class_list.iter().filter(|c| !c.archived).cloned().collect());
    let mut teachers: Vec<User> = users_list
        .iter()
        .filter(|u| matches!(u.role, Role::Teacher | Role::SubjectTeacher) && !u.disabled)
        .cloned()
        .collect();
    teachers.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    let word = |zh: &'static str, en: &'static str| if lang == Lang::Zh { zh } else { en };
    if teachers.is_empty() {
        return notice::info(word(
            "还没有班主任或任课教师账号：先在“账号”里建，或导入名单。",
            "No class teacher or subject teacher yet: add them under Accounts, or import a roster.",
        ));
    }
    html! {
        <div class="card table-wrap">
            <table id="teaching-table" class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{ word("老师", "Teacher") }</th>
                        <th scope="col">{ word("任教的班和学科", "Classes and subjects taught") }</th>
                        <th scope="col">{ word("添加", "Add") }</th>
                    </tr>
                </thead>
                <tbody>
                    { for teachers.into_iter().map(|user| { let id = user.id; html! {
                        <TeacherRow key={id} {user} classes={classes.clone()} policy={policy.clone()}
                                    reload={users.reload.clone()} {lang} />
                    }}) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    user: User,
    classes: Rc<Vec<ClassInfo>>,
    policy: Rc<Policy>,
    reload: Callback<()>,
    lang: Lang,
}

/// One teacher: its assignments as chips, and a class and subject to add.
#[function_component(TeacherRow)]
fn teacher_row(props: &RowProps) -> Html {
    let lang = props.lang;
    let word = |zh: &'static str, en: &'static str| if lang == Lang::Zh { zh } else { en };
    let class_pick = use_state(|| props.classes.first().map(|c| c.id));
    let subject_pick = use_state(|| None::<String>);
    let problem = use_state(|| None::<ApiError>);
    let user = &props.user;
    let picked_class = props.classes.iter().find(|c| Some(c.id) == *class_pick);
    let subjects: Vec<String> = picked_class
        .map(|c| props.policy.subjects(c.grade).iter().map(|s| s.to_string()).collect())
        .unwrap_or_default();
    let subject = (*subject_pick)
        .clone()
        .filter(|s| subjects.contains(s))
        .or_else(|| subjects.first().cloned());
    let class_name = |id: ClassId| {
        props
            .classes
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| format!("#{id}"), |c| c.name.clone())
    };
    // Sends the account's whole new list.
    let send = {
        let (id, reload, problem) = (user.id, props.reload.clone(), problem.clone());
        move |teaching: Vec<Teaching>| {
            let (reload, problem) = (reload.clone(), problem.clone());
            let patch = UserPatch { teaching: Some(teaching), ..UserPatch::default() };
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup::change_user(id, &patch).await {
                    Ok(_) => {
                        problem.set(None);
                        reload.emit(());
                    }
                    Err(e) => problem.set(Some(e)),
                }
            });
        }
    };
    let remove = |t: &Teaching| {
        let (send, current, gone) = (send.clone(), user.teaching.clone(), t.clone());
        Callback::from(move |_: MouseEvent| {
            send(current.iter().filter(|x| **x != gone).cloned().collect());
        })
    };
    let add = {
        let (send, current) = (send.clone(), user.teaching.clone());
        let new =
            class_pick.and_then(|c| subject.clone().map(|s| Teaching { class_id: c, subject: s }));
        Callback::from(move |_: MouseEvent| {
            if let Some(new) = new.clone().filter(|n| !current.contains(n)) {
                let mut list = current.clone();
                list.push(new);
                send(list);
            }
        })
    };
    let on_class = {
        let class_pick = class_pick.clone();
        Callback::from(move |e: Event| class_pick.set(select_value(&e).parse().ok()))
    };
    let on_subject = {
        let subject_pick = subject_pick.clone();
        Callback::from(move |e: Event| subject_pick.set(Some(select_value(&e))))
    };
    html! {
        <tr data-user-id={user.id.to_string()} data-username={user.username.clone()}>
            <th scope="row">
                { user.display_name.clone() }
                <span class="muted">{ format!(" · {} · {}", user.username, role_name(user.role, lang)) }</span>
            </th>
            <td>
                if user.teaching.is_empty() {
                    <span class="muted">{ word("未安排", "none") }</span>
                }
                <ul class="chips">
                    { for user.teaching.iter().map(|t| html! {
                        <li class="chip teaching-chip" data-class={t.class_id.to_string()} data-subject={t.subject.clone()}>
                            { format!("{} {}", class_name(t.class_id), subject_label(&t.subject, lang)) }
                            <button type="button" class="ghost remove-teaching" onclick={remove(t)}
                                    aria-label={format!("{} {} {}", word("取消", "Remove"), class_name(t.class_id), subject_label(&t.subject, lang))}>{ "✕" }</button>
                        </li>
                    }) }
                </ul>
                if let Some(e) = &*problem {
                    <div class="row-problem">{ error_notice("", e, lang) }</div>
                }
            </td>
            <td class="inline-form">
                <select class="teaching-class" aria-label={word("班级", "Class")} onchange={on_class}>
                    { for props.classes.iter().map(|c| html! {
                        <option value={c.id.to_string()} selected={Some(c.id) == *class_pick}>{ c.name.clone() }</option>
                    }) }
                </select>
                <select class="teaching-subject" aria-label={word("学科", "Subject")} onchange={on_subject}>
                    { for subjects.iter().map(|s| html! {
                        <option value={s.clone()} selected={Some(s) == subject.as_ref()}>{ subject_label(s, lang) }</option>
                    }) }
                </select>
                <button type="button" class="add-teaching" onclick={add}>{ word("添加", "Add") }</button>
            </td>
        </tr>
    }
}
