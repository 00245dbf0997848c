//! Admin: the school's accounts (`/admin/accounts`). Create a monitor, teacher, grade leader or
//! admin account (with a generated password to hand over), find accounts, set a new password
//! for someone who forgot theirs, disable an account (its sessions end at once) or enable it.
//!
//! Test ids: the form `#new-user-form` with `#new-user-role`, `#new-user-username`,
//! `#new-user-display-name`, `#new-user-password`, `#generate-password`, `#new-user-class`
//! (monitor, teacher), `#new-user-grade` (grade leader), `#create-user`, a problem under a field
//! as `#new-user-{field}-problem`, `#user-created`; the list `#user-filter`,
//! `#user-role-filter`, `#users-table tr[data-user-id][data-username][data-disabled]` with
//! `.reset-password`, `.toggle-disabled`, `.row-problem`; the reset row `.reset-password-input`,
//! `.reset-password-save`, `.reset-password-cancel`, `.password-set`.

use crate::api::{self, ApiError};
use crate::components::ask::{Ask, Question};
use crate::components::form::{
    described_by, field_of, generate_password, input_value, problem_line, select_value,
};
use crate::components::notice;
use crate::i18n::{grade_name, problem_text, role_name, texts};
use crate::load::{Load, use_load};
use crate::pages::admin::{done_notice, error_notice};
use crate::state::use_session;
use shared::api::{ClassInfo, NewUser, Role, User, UserPatch};
use shared::{Grade, Lang};
use std::rc::Rc;
use yew::prelude::*;

const ROLES: [Role; 4] = [Role::Monitor, Role::Teacher, Role::GradeLeader, Role::SchoolAdmin];

/// Which field a problem of `POST /users` is about.
const FIELDS: [(&str, &str); 9] = [
    ("invalid_username", "username"),
    ("username_taken", "username"),
    ("invalid_name", "display-name"),
    ("weak_password", "password"),
    ("invalid_role", "role"),
    ("class_required", "class"),
    ("unknown_class", "class"),
    ("grade_required", "grade"),
    ("invalid_grade", "grade"),
];

#[function_component(AccountsSection)]
pub fn accounts_section() -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let users = use_load((), |()| api::setup::users());
    let classes = use_load((), |()| api::setup::all_classes());
    let filter = use_state(String::new);
    let role_filter = use_state(String::new);
    let open_reset = use_state(|| None::<i64>);
    let my_id = session.user().map(|(me, _)| me.user.id);

    let class_list: Rc<Vec<ClassInfo>> = classes.data.value().unwrap_or_default();
    let list = match &users.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(list) => {
            let needle = filter.trim().to_lowercase();
            let mut shown: Vec<&User> = list
                .iter()
                .filter(|u| role_filter.is_empty() || u.role.as_str() == role_filter.as_str())
                .filter(|u| needle.is_empty() || matches(u, &needle))
                .collect();
            shown.sort_by_key(|u| sort_key(u));
            let toggle_reset = {
                let open_reset = open_reset.clone();
                Callback::from(move |id: i64| {
                    open_reset.set(if *open_reset == Some(id) { None } else { Some(id) })
                })
            };
            html! {
                <>
                    <p class="sub count-line" id="users-count">{ t.accounts_shown(shown.len(), list.len()) }</p>
                    <div class="card table-wrap">
                        <table class="data-table" id="users-table">
                            <thead>
                                <tr>
                                    <th scope="col">{ t.display_name }</th>
                                    <th scope="col">{ t.username }</th>
                                    <th scope="col">{ t.role }</th>
                                    <th scope="col">{ t.class_or_grade }</th>
                                    <th scope="col">{ t.state }</th>
                                    <th scope="col" class="actions-head">{ t.actions }</th>
                                </tr>
                            </thead>
                            <tbody>
                                { for shown.into_iter().map(|user| html! {
                                    <UserRow user={user.clone()} is_me={Some(user.id) == my_id}
                                             reset_open={*open_reset == Some(user.id)}
                                             on_toggle_reset={toggle_reset.clone()}
                                             on_changed={users.reload.clone()} />
                                }) }
                            </tbody>
                        </table>
                    </div>
                </>
            }
        }
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| filter.set(input_value(&e)))
    };
    let on_role_filter = {
        let role_filter = role_filter.clone();
        Callback::from(move |e: Event| role_filter.set(select_value(&e)))
    };

    html! {
        <>
            <NewAccountForm classes={class_list} on_created={users.reload.clone()} />
            <div class="filter-bar" role="search">
                <div class="field grow">
                    <label for="user-filter">{ t.find_account }</label>
                    <input id="user-filter" type="search" value={(*filter).clone()} oninput={on_filter}
                           placeholder={t.find_account_placeholder} />
                </div>
                <div class="field">
                    <label for="user-role-filter">{ t.role }</label>
                    <select id="user-role-filter" onchange={on_role_filter}>
                        <option value="" selected={role_filter.is_empty()}>{ t.all_roles }</option>
                        { for ROLES.iter().map(|r| html! {
                            <option value={r.as_str()} selected={role_filter.as_str() == r.as_str()}>{ role_name(*r, lang) }</option>
                        }) }
                    </select>
                </div>
            </div>
            { list }
        </>
    }
}

/// Admins first, then grade leaders by grade, then each class's teacher and monitors.
fn sort_key(user: &User) -> (u8, Option<shared::Grade>, Option<String>, u8, String) {
    let (group, within) = match user.role {
        Role::SchoolAdmin | Role::DistrictAdmin => (0, 0),
        Role::GradeLeader => (1, 0),
        Role::Teacher => (2, 0),
        Role::Monitor => (2, 1),
        Role::SubjectTeacher => (2, 2),
    };
    (group, user.grade, user.class_name.clone(), within, user.username.clone())
}

/// Whether an account matches what was typed into the search field.
fn matches(user: &User, needle: &str) -> bool {
    user.username.contains(needle)
        || user.display_name.to_lowercase().contains(needle)
        || user.class_name.as_deref().is_some_and(|c| c.to_lowercase().contains(needle))
}

/// Where an account belongs: its class, its grade, or the whole school.
fn place(user: &User, lang: Lang) -> String {
    match (user.role, &user.class_name, user.grade) {
        (Role::Monitor | Role::Teacher, Some(class), _) => class.clone(),
        (Role::GradeLeader, _, Some(grade)) => grade_name(grade, lang),
        _ => texts(lang).whole_school.to_owned(),
    }
}

#[derive(Properties, PartialEq)]
struct NewAccountProps {
    classes: Rc<Vec<ClassInfo>>,
    on_created: Callback<()>,
}

/// What the form holds while it is filled in.
#[derive(Clone, PartialEq)]
struct Draft {
    role: Role,
    username: String,
    display_name: String,
    password: String,
    class_id: Option<i64>,
    grade: i64,
}

#[function_component(NewAccountForm)]
fn new_account_form(props: &NewAccountProps) -> Html {
    let lang = use_session().lang;
    let t = texts(lang);
    let draft = use_state(|| Draft {
        role: Role::Teacher,
        username: String::new(),
        display_name: String::new(),
        password: generate_password(),
        class_id: None,
        grade: 7,
    });
    let error = use_state(|| None::<ApiError>);
    let created = use_state(|| None::<(String, String)>);
    let busy = use_state(|| false);
    let active: Vec<&ClassInfo> = props.classes.iter().filter(|c| !c.archived).collect();
    let class_id = draft.class_id.or_else(|| active.first().map(|c| c.id));

    let onsubmit = {
        let (draft, error, created, busy) =
            (draft.clone(), error.clone(), created.clone(), busy.clone());
        let on_created = props.on_created.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let d = (*draft).clone();
            let in_class = matches!(d.role, Role::Monitor | Role::Teacher);
            let body = NewUser {
                username: d.username.trim().to_owned(),
                password: d.password.clone(),
                display_name: d.display_name.trim().to_owned(),
                role: d.role.as_str().to_owned(),
                class_id: if in_class { class_id } else { None },
                grade: (d.role == Role::GradeLeader).then_some(d.grade),
                teaching: None,
            };
            busy.set(true);
            let (draft, error, created, busy, on_created) =
                (draft.clone(), error.clone(), created.clone(), busy.clone(), on_created.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup::create_user(&body).await {
                    Ok(user) => {
                        created.set(Some((user.username, body.password)));
                        error.set(None);
                        draft.set(Draft {
                            username: String::new(),
                            display_name: String::new(),
                            password: generate_password(),
                            ..d
                        });
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
    let edit = |apply: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut d = (*draft).clone();
            apply(&mut d, input_value(&e));
            draft.set(d);
        })
    };
    let choose = |apply: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut d = (*draft).clone();
            apply(&mut d, select_value(&e));
            draft.set(d);
        })
    };
    let regenerate = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            draft.set(Draft { password: generate_password(), ..(*draft).clone() })
        })
    };

    // The server's problems, each under its field; the rest above the button.
    let problems: Vec<(&str, String)> = match &*error {
        Some(ApiError::Invalid { problems, .. }) => problems
            .iter()
            .map(|p| (field_of(p, &FIELDS), problem_text(&p.code, &p.message, lang)))
            .collect(),
        _ => Vec::new(),
    };
    let problem = |field: &str| {
        let texts: Vec<&str> =
            problems.iter().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str()).collect();
        (!texts.is_empty()).then(|| texts.join(" "))
    };
    let field = |name: &str, label: &str, input: Html| {
        let p = problem(name);
        html! {
            <div class={classes!("field", (name == "password").then_some("wide"), p.is_some().then_some("invalid"))}>
                <label for={format!("new-user-{name}")}>{ label.to_owned() }</label>
                { input }
                { problem_line(&format!("new-user-{name}"), p.as_deref()) }
            </div>
        }
    };
    let invalid = |name: &str| problem(name).is_some().then_some("true");
    let describe = |name: &str| described_by(&format!("new-user-{name}"), problem(name).as_deref());
    let unplaced = problem("");
    let other_error = match &*error {
        Some(ApiError::Invalid { .. }) => unplaced.map(|text| {
            html! { <p class="notice error" id="new-user-error" role="alert">{ text }</p> }
        }),
        Some(other) => Some(error_notice("new-user-error", other, lang)),
        None => None,
    };

    html! {
        <form class="card new-user" id="new-user-form" onsubmit={onsubmit} aria-labelledby="new-user-title">
            <h3 id="new-user-title" class="form-title">{ t.new_account }</h3>
            <div class="form-grid">
                { field("role", t.role, html! {
                    <select id="new-user-role" onchange={choose(|d, v| d.role = Role::parse(&v).unwrap_or(Role::Teacher))}
                            aria-invalid={invalid("role")} aria-describedby={describe("role")}>
                        { for ROLES.iter().map(|r| html! {
                            <option value={r.as_str()} selected={draft.role == *r}>{ role_name(*r, lang) }</option>
                        }) }
                    </select>
                }) }
                if matches!(draft.role, Role::Monitor | Role::Teacher) {
                    { field("class", t.class, html! {
                        <select id="new-user-class" onchange={choose(|d, v| d.class_id = v.parse().ok())}
                                aria-invalid={invalid("class")} aria-describedby={describe("class")}>
                            if active.is_empty() {
                                <option value="">{ t.no_classes_yet }</option>
                            }
                            { for active.iter().map(|c| html! {
                                <option value={c.id.to_string()} selected={class_id == Some(c.id)}>
                                    { format!("{} · {}", c.name, grade_name(c.grade, lang)) }
                                </option>
                            }) }
                        </select>
                    }) }
                }
                if draft.role == Role::GradeLeader {
                    { field("grade", t.grade, html! {
                        <select id="new-user-grade" onchange={choose(|d, v| d.grade = v.parse().unwrap_or(7))}
                                aria-invalid={invalid("grade")} aria-describedby={describe("grade")}>
                            { for Grade::all().map(|g| html! {
                                <option value={g.to_string()} selected={i64::from(g.get()) == draft.grade}>{ grade_name(g, lang) }</option>
                            }) }
                        </select>
                    }) }
                }
                { field("display-name", t.display_name, html! {
                    <input id="new-user-display-name" type="text" required=true maxlength="60"
                           value={draft.display_name.clone()} oninput={edit(|d, v| d.display_name = v)}
                           placeholder={t.display_name_placeholder}
                           aria-invalid={invalid("display-name")} aria-describedby={describe("display-name")} />
                }) }
                { field("username", t.username, html! {
                    <input id="new-user-username" type="text" required=true maxlength="40"
                           autocapitalize="none" spellcheck="false" autocomplete="off"
                           value={draft.username.clone()} oninput={edit(|d, v| d.username = v)}
                           placeholder={t.username_placeholder}
                           aria-invalid={invalid("username")} aria-describedby={describe("username")} />
                }) }
                { field("password", t.first_password, html! {
                    <div class="with-button">
                        <input id="new-user-password" type="text" required=true minlength="8" maxlength="128"
                               autocomplete="off" spellcheck="false" class="mono"
                               value={draft.password.clone()} oninput={edit(|d, v| d.password = v)}
                               aria-invalid={invalid("password")} aria-describedby={describe("password")} />
                        <button type="button" id="generate-password" onclick={regenerate}>{ t.generate }</button>
                    </div>
                }) }
            </div>
            <p class="fine-print">{ t.password_rules }</p>
            { for other_error }
            <button type="submit" id="create-user" class="primary" disabled={*busy}>{ t.create_account }</button>
            if let Some((username, password)) = &*created {
                { done_notice("user-created", t.account_created(username, password)) }
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct UserRowProps {
    user: User,
    is_me: bool,
    reset_open: bool,
    on_toggle_reset: Callback<i64>,
    on_changed: Callback<()>,
}

/// One account, its state, and the reset-password row under it when open.
#[function_component(UserRow)]
fn user_row(props: &UserRowProps) -> Html {
    let lang = use_session().lang;
    let t = texts(lang);
    let user = &props.user;
    let error = use_state(|| None::<ApiError>);

    let asking = use_state(|| None::<Question>);
    let toggle_disabled = {
        let (error, on_changed) = (error.clone(), props.on_changed.clone());
        let (id, disabled) = (user.id, user.disabled);
        let question = format!("{} {} ({})", t.disable_confirm, user.display_name, user.username);
        let change = Callback::from(move |()| {
            let (error, on_changed) = (error.clone(), on_changed.clone());
            let body = UserPatch { disabled: Some(!disabled), ..UserPatch::default() };
            wasm_bindgen_futures::spawn_local(async move {
                match api::setup::change_user(id, &body).await {
                    Ok(_) => {
                        error.set(None);
                        on_changed.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
        let (asking, step) = (asking.clone(), t.disable);
        Callback::from(move |_: MouseEvent| {
            if disabled {
                change.emit(());
            } else {
                let then = change.clone();
                asking.set(Some(Question { text: question.clone(), yes: step, then }));
            }
        })
    };
    let toggle_reset = {
        let (on_toggle, id) = (props.on_toggle_reset.clone(), user.id);
        Callback::from(move |_: MouseEvent| on_toggle.emit(id))
    };

    html! {
        <>
            <tr data-user-id={user.id.to_string()} data-username={user.username.clone()}
                data-disabled={user.disabled.to_string()} class={classes!(user.disabled.then_some("disabled"))}>
                <th scope="row">
                    { user.display_name.clone() }
                    if props.is_me {
                        <span class="badge">{ t.you }</span>
                    }
                </th>
                <td class="mono">{ user.username.clone() }</td>
                <td>{ role_name(user.role, lang) }</td>
                <td>{ place(user, lang) }</td>
                <td>
                    if user.disabled {
                        <span class="badge muted-badge">{ t.disabled }</span>
                    } else {
                        <span class="badge ok-badge">{ t.active }</span>
                    }
                </td>
                <td class="actions">
                    <button type="button" class={classes!("reset-password", props.reset_open.then_some("open"))}
                            onclick={toggle_reset} aria-expanded={props.reset_open.to_string()}
                            aria-label={format!("{} {}", t.reset_password, user.username)}>
                        { t.reset_password }
                    </button>
                    if !props.is_me {
                        <button type="button" class={classes!("toggle-disabled", (!user.disabled).then_some("danger"))}
                                onclick={toggle_disabled}
                                aria-label={format!("{} {}", if user.disabled { t.enable } else { t.disable }, user.username)}>
                            { if user.disabled { t.enable } else { t.disable } }
                        </button>
                        <Ask {asking} />
                    }
                    if let Some(e) = &*error {
                        { error_notice("", e, lang) }
                    }
                </td>
            </tr>
            if props.reset_open {
                <tr class="reset-row">
                    <td colspan="6">
                        <ResetPassword user_id={user.id} username={user.username.clone()} />
                    </td>
                </tr>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ResetProps {
    user_id: i64,
    username: AttrValue,
}

/// Sets a new password for an account (a generated one to start with).
#[function_component(ResetPassword)]
fn reset_password(props: &ResetProps) -> Html {
    let lang = use_session().lang;
    let t = texts(lang);
    let password = use_state(generate_password);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| None::<String>);
    let onsubmit = {
        let (password, error, done, id) =
            (password.clone(), error.clone(), done.clone(), props.user_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (password, error, done) = (password.clone(), error.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let new = (*password).clone();
                match api::setup::reset_password(id, &new).await {
                    Ok(()) => {
                        error.set(None);
                        done.set(Some(new));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let oninput = {
        let password = password.clone();
        Callback::from(move |e: InputEvent| password.set(input_value(&e)))
    };
    let input_id = format!("reset-{}", props.user_id);
    html! {
        <form class="inline-form reset-form" onsubmit={onsubmit}>
            <div class="field grow">
                <label for={input_id.clone()}>{ format!("{} {}", t.new_password_for, props.username) }</label>
                <input id={input_id} class="reset-password-input mono" type="text" required=true minlength="8"
                       autocomplete="off" spellcheck="false" value={(*password).clone()} {oninput} />
            </div>
            <button type="submit" class="reset-password-save primary">{ t.set_password }</button>
            if let Some(e) = &*error {
                { error_notice("", e, lang) }
            }
            if let Some(p) = &*done {
                <p class="notice done password-set" role="status">
                    <span aria-hidden="true">{"✓ "}</span>{ t.password_set(&props.username, p) }
                </p>
            }
        </form>
    }
}
