//! Admin: the audit log viewer (`/admin/audit`): who changed what, when and from where, newest
//! first; filtered by action, account and dates; fifty at a time with "older entries"; and
//! the same entries as a CSV file.
//!
//! Test ids: the filter `#audit-filter` with `#audit-action` (a select), `#audit-actor`,
//! `#audit-from`, `#audit-to`, `#audit-apply`, `#audit-clear`; `#audit-csv` (the export link);
//! `#audit-table tr[data-audit-id][data-action]` with `.changes`; `#audit-more` (while older
//! entries exist); `#audit-empty`; `#audit-error`.

use crate::api::setup::{AuditFilter, audit, audit_csv_url};
use crate::api::{ApiError, setup::AUDIT_PAGE_SIZE};
use crate::components::form::{input_value, select_value};
use crate::components::notice;
use crate::i18n::{audit_action_label, texts};
use crate::state::{SessionAction, use_session};
use serde_json::Value;
use shared::api::{AuditEntry, AuditPage};
use std::rc::Rc;
use yew::prelude::*;

/// The actions the server records, in the order the filter lists them.
const ACTIONS: [&str; 18] = [
    "report.put",
    "class.create",
    "class.update",
    "user.create",
    "user.update",
    "user.password",
    "policy.update",
    "holiday.put",
    "holiday.delete",
    "roster.import",
    "tablet_code.create",
    "tablet_code.revoke",
    "auth.login",
    "auth.tablet",
    "auth.login_failed",
    "auth.logout",
    "retention.purge",
    "school.create",
];

/// The entries shown so far, for the filter of `generation`.
#[derive(Debug, Default, PartialEq)]
struct Feed {
    generation: u32,
    entries: Vec<AuditEntry>,
    next: Option<i64>,
    loading: bool,
    error: Option<ApiError>,
}

enum FeedAction {
    /// A request went out: a new filter (`append: false`) or the next page.
    Start {
        generation: u32,
        append: bool,
    },
    Page {
        generation: u32,
        page: AuditPage,
    },
    Failed {
        generation: u32,
        error: ApiError,
    },
}

impl Reducible for Feed {
    type Action = FeedAction;

    fn reduce(self: Rc<Self>, action: FeedAction) -> Rc<Self> {
        let mut feed = Feed {
            generation: self.generation,
            entries: self.entries.clone(),
            next: self.next,
            loading: self.loading,
            error: self.error.clone(),
        };
        match action {
            FeedAction::Start { generation, append } => {
                if !append {
                    feed.entries.clear();
                    feed.next = None;
                }
                feed.generation = generation;
                feed.loading = true;
                feed.error = None;
            }
            // An answer to an older filter is dropped.
            FeedAction::Page { generation, .. } | FeedAction::Failed { generation, .. }
                if generation != self.generation =>
            {
                return self;
            }
            FeedAction::Page { page, .. } => {
                feed.entries.extend(page.entries);
                feed.next = page.next_before;
                feed.loading = false;
            }
            FeedAction::Failed { error, .. } => {
                feed.error = Some(error);
                feed.loading = false;
            }
        }
        Rc::new(feed)
    }
}

#[function_component(AuditSection)]
pub fn audit_section() -> Html {
    let session = use_session();
    let lang = session.lang;
    let t = texts(lang);
    let draft = use_state(AuditFilter::default);
    let applied = use_state(AuditFilter::default);
    let feed = use_reducer(Feed::default);
    let generation = use_mut_ref(|| 0u32);

    let fetch = {
        let (feed, session) = (feed.dispatcher(), session.clone());
        Callback::from(move |(filter, before, generation): (AuditFilter, Option<i64>, u32)| {
            feed.dispatch(FeedAction::Start { generation, append: before.is_some() });
            let (feed, session) = (feed.clone(), session.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match audit(&filter, before).await {
                    Ok(page) => feed.dispatch(FeedAction::Page { generation, page }),
                    Err(ApiError::Unauthorized) => session.dispatch(SessionAction::Expired),
                    Err(error) => feed.dispatch(FeedAction::Failed { generation, error }),
                }
            });
        })
    };
    {
        let (fetch, generation) = (fetch.clone(), generation.clone());
        use_effect_with((*applied).clone(), move |filter| {
            let mut g = generation.borrow_mut();
            *g += 1;
            fetch.emit((filter.clone(), None, *g));
        });
    }

    let onsubmit = {
        let (draft, applied) = (draft.clone(), applied.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            applied.set((*draft).clone());
        })
    };
    let clear = {
        let (draft, applied) = (draft.clone(), applied.clone());
        Callback::from(move |_: MouseEvent| {
            draft.set(AuditFilter::default());
            applied.set(AuditFilter::default());
        })
    };
    let more = {
        let (fetch, applied, next, generation) =
            (fetch.clone(), applied.clone(), feed.next, generation.clone());
        Callback::from(move |_: MouseEvent| {
            fetch.emit(((*applied).clone(), next, *generation.borrow()));
        })
    };
    let on_action = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            draft.set(AuditFilter { action: select_value(&e), ..(*draft).clone() })
        })
    };
    let on_actor = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(AuditFilter { actor: input_value(&e), ..(*draft).clone() })
        })
    };
    let on_date = |is_from: bool| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let date = input_value(&e).parse().ok();
            let mut f = (*draft).clone();
            if is_from {
                f.from = date;
            } else {
                f.to = date;
            }
            draft.set(f);
        })
    };
    let date_value = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();

    html! {
        <>
            <form class="card filter-bar" id="audit-filter" onsubmit={onsubmit} role="search">
                <div class="field">
                    <label for="audit-action">{ t.audit_action }</label>
                    <select id="audit-action" onchange={on_action}>
                        <option value="" selected={draft.action.is_empty()}>{ t.all_actions }</option>
                        { for ACTIONS.iter().map(|a| html! {
                            <option value={*a} selected={draft.action == *a}>{ audit_action_label(a, lang) }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="audit-actor">{ t.audit_actor }</label>
                    <input id="audit-actor" type="text" value={draft.actor.clone()} oninput={on_actor}
                           autocapitalize="none" spellcheck="false" placeholder={t.username} />
                </div>
                <div class="field">
                    <label for="audit-from">{ t.period_from }</label>
                    <input id="audit-from" type="date" value={date_value(draft.from)} oninput={on_date(true)} />
                </div>
                <div class="field">
                    <label for="audit-to">{ t.period_to }</label>
                    <input id="audit-to" type="date" value={date_value(draft.to)} oninput={on_date(false)} />
                </div>
                <div class="button-row">
                    <button type="submit" id="audit-apply" class="primary">{ t.apply_filter }</button>
                    <button type="button" id="audit-clear" onclick={clear}>{ t.clear_filter }</button>
                    <a id="audit-csv" class="button secondary" href={audit_csv_url(&applied)} download="audit.csv">
                        <span aria-hidden="true">{"⬇ "}</span>{ t.download_csv }
                    </a>
                </div>
            </form>
            if let Some(e) = &feed.error {
                <p class="notice error" id="audit-error" role="alert">{ e.message(lang) }</p>
            }
            if feed.entries.is_empty() && !feed.loading && feed.error.is_none() {
                <p class="notice" id="audit-empty">{ t.audit_empty }</p>
            }
            if !feed.entries.is_empty() {
                <div class="card table-wrap">
                    <table class="data-table audit-table" id="audit-table">
                        <thead>
                            <tr>
                                <th scope="col">{ t.audit_when }</th>
                                <th scope="col">{ t.audit_actor }</th>
                                <th scope="col">{ t.audit_action }</th>
                                <th scope="col">{ t.audit_target }</th>
                                <th scope="col">{ t.audit_change }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for feed.entries.iter().map(|e| entry_row(e, lang)) }
                        </tbody>
                    </table>
                </div>
            }
            if feed.loading {
                { notice::loading(lang) }
            } else if feed.next.is_some() {
                <div class="more-row">
                    <button type="button" id="audit-more" onclick={more}>{ t.older_entries(AUDIT_PAGE_SIZE) }</button>
                </div>
            }
        </>
    }
}

fn entry_row(entry: &AuditEntry, lang: shared::Lang) -> Html {
    let changes = changes(entry.before.as_ref(), entry.after.as_ref());
    html! {
        <tr data-audit-id={entry.id.to_string()} data-action={entry.action.clone()}
            class={classes!(entry.action.ends_with("failed").then_some("failed"))}>
            <td class="nowrap">{ local_time(&entry.at) }</td>
            <td>
                <span class="mono">{ entry.actor.clone() }</span>
                <span class="muted address">{ entry.address.clone() }</span>
            </td>
            <td>
                { audit_action_label(&entry.action, lang) }
                <span class="muted code">{ entry.action.clone() }</span>
            </td>
            <td>
                if !entry.target_name.is_empty() {
                    <strong class="target-name">{ entry.target_name.clone() }</strong>{ " " }
                }
                <span class="mono">{ entry.target.clone() }</span>
            </td>
            <td class="changes">
                if !changes.is_empty() {
                    <ul class="change-list">
                        { for changes.into_iter().map(|c| html! {
                            <li>
                                if !c.key.is_empty() {
                                    <span class="change-key">{ c.key }{": "}</span>
                                }
                                if !c.before.is_empty() {
                                    <del title={c.before.clone()}>{ shorten(&c.before) }</del>{" → "}
                                }
                                <ins title={c.after.clone()}>{ shorten(&c.after) }</ins>
                            </li>
                        }) }
                    </ul>
                }
            </td>
        </tr>
    }
}

/// One field that an entry changed.
#[derive(Debug, PartialEq)]
struct Change {
    key: String,
    before: String,
    after: String,
}

/// What differs between the value before and after: the fields of an object that changed (all
/// of them when one side is missing), or the whole value.
fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let show = |v: Option<&Value>| v.map(readable).unwrap_or_default();
    let empty = serde_json::Map::new();
    let fields = |v: Option<&Value>| match v {
        Some(Value::Object(map)) => Some(map.clone()),
        None | Some(Value::Null) => Some(empty.clone()),
        Some(_) => None,
    };
    match (fields(before), fields(after)) {
        (Some(b), Some(a)) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .map(|k| Change { key: k.clone(), before: show(b.get(k)), after: show(a.get(k)) })
                .collect()
        }
        _ => vec![Change { key: String::new(), before: show(before), after: show(after) }],
    }
}

/// A value as a person reads it, not as JSON: a list as its count and its items, an account as
/// its username (and role), a class or anything named by its name, other objects as their
/// fields; no quotes or braces.
fn readable(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let listed: Vec<String> = items.iter().map(readable).collect();
            match listed.len() {
                0 => "–".to_owned(),
                1 => listed.concat(),
                n => format!("({n}) {}", listed.join(", ")),
            }
        }
        Value::Object(map) => {
            let text = |key: &str| map.get(key).map(readable).filter(|t| !t.is_empty());
            match (text("username"), text("name"), text("role")) {
                (Some(user), _, Some(role)) => format!("{user} ({role})"),
                (Some(user), _, None) => user,
                (None, Some(name), _) => name,
                _ => map
                    .iter()
                    .map(|(k, v)| format!("{k} {}", readable(v)))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        }
        other => other.to_string(),
    }
}

/// A long value cut to fit a table cell (the whole value is in its tooltip).
fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

/// `2026-11-21T07:42:10Z` → `2026-11-21 15:42:10` in the browser's time zone (the school's);
/// as the server wrote it (UTC) where the browser cannot read it.
fn local_time(rfc3339: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let t = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
        if !t.get_time().is_nan() {
            return format!(
                "{}-{:02}-{:02} {:02}:{:02}:{:02}",
                t.get_full_year(),
                t.get_month() + 1,
                t.get_date(),
                t.get_hours(),
                t.get_minutes(),
                t.get_seconds()
            );
        }
    }
    rfc3339.replace('T', " ").trim_end_matches('Z').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_change_lists_only_the_fields_that_differ() {
        let before = json!({"name": "7(2)", "grade": 7, "archived": false});
        let after = json!({"name": "7(2)", "grade": 7, "archived": true});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            [Change { key: "archived".into(), before: "false".into(), after: "true".into() }]
        );
    }

    #[test]
    fn a_creation_lists_every_field_and_a_plain_value_is_shown_whole() {
        let after = json!({"username": "wang.li", "role": "teacher"});
        let list = changes(None, Some(&after));
        assert_eq!(list.len(), 2);
        assert_eq!(
            list[1],
            Change { key: "username".into(), before: "".into(), after: "wang.li".into() }
        );
        assert_eq!(
            changes(None, Some(&json!(42))),
            [Change { key: "".into(), before: "".into(), after: "42".into() }]
        );
        assert!(changes(None, None).is_empty());
    }

    #[test]
    fn lists_and_objects_read_as_words_not_json() {
        let accounts = json!([
            {"role": "teacher", "username": "wang.li"},
            {"role": "monitor", "username": "li.hua"}
        ]);
        assert_eq!(readable(&accounts), "(2) wang.li (teacher), li.hua (monitor)");
        let classes = json!([{"grade": 7, "name": "7(1)"}]);
        assert_eq!(readable(&classes), "7(1)");
        let teaching = json!([{"class_id": 3, "subject": "math"}]);
        assert_eq!(readable(&teaching), "class_id 3, subject math");
        let list = changes(None, Some(&json!({"accounts": accounts})));
        assert!(!list[0].after.contains('{') && !list[0].after.contains('"'), "{list:?}");
    }

    #[test]
    fn times_read_without_the_t_and_z_outside_a_browser() {
        assert_eq!(local_time("2026-11-21T07:42:10Z"), "2026-11-21 07:42:10");
        assert_eq!(shorten(&"x".repeat(61)).chars().count(), 61);
    }
}
