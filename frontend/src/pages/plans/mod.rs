//! Filing a class's homework plans (`/classes/{id}/plans`, 作业备案): a day and a subject, its
//! items (content, kind, expected minutes, optional), the day's required written total against
//! the limit while typing (the rule from `shared::plans`), the other subjects' filings beside
//! it, what the subject really took lately ([`hint`]); copying an earlier day's plan; filing
//! the same items for other classes at once ([`also`]); and for a grade leader or admin,
//! approving or returning a day over the limit. Laid out for a phone first.
//!
//! Test ids: `#plans-page`, `#plan-date`, `#plan-subject`, `.plan-item` rows with
//! `.item-content`, `.item-kind`, `.item-minutes`, `.item-optional`; `#add-item`, `#save-plan`,
//! `#plan-total` (`data-state=ok|over`), `#plan-hint`, `#copy-from`, `#copy-plan`,
//! `#copy-result`, `#also-classes` with an `input[data-class]` per class, `#file-results` with
//! an `li[data-class]` per class filed, `#plan-status`, `#plan-error`, `#other-subjects`,
//! `#review-reason`, `#approve-day`, `#return-day`.

mod also;
mod hint;

use crate::api::{self, ApiError};
use crate::dates;
use crate::state::use_session;
use chrono::NaiveDate;
use shared::api::{ClassInfo, Me, Role};
use shared::i18n::subject_name;
use shared::plans::{
    DayPlan, DayStatus, ItemKind, PlanItem, PlanItemInput, PutSubjectPlan, ReviewRequest,
    over_limit,
};
use shared::{ClassId, Lang, Policy, Subject};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PlansPageProps {
    pub id: ClassId,
}

#[function_component(PlansPage)]
pub fn plans_page(props: &PlansPageProps) -> Html {
    let session = use_session();
    match session.user() {
        Some((me, policy)) => {
            html! { <PlansView id={props.id} {me} {policy} lang={session.lang} /> }
        }
        None => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    id: ClassId,
    me: Rc<Me>,
    policy: Rc<Policy>,
    lang: Lang,
}

/// An item as its form holds it.
#[derive(Debug, Clone, PartialEq)]
struct DraftItem {
    content: String,
    kind: ItemKind,
    minutes: String,
    optional: bool,
}

impl DraftItem {
    fn blank() -> Self {
        DraftItem {
            content: String::new(),
            kind: ItemKind::Written,
            minutes: String::new(),
            optional: false,
        }
    }

    fn of(item: &PlanItem) -> Self {
        DraftItem {
            content: item.content.clone(),
            kind: item.kind,
            minutes: item.expected_minutes.to_string(),
            optional: item.optional,
        }
    }

    /// The item as the rules see it while typing (minutes not yet a number count 0).
    fn as_item(&self) -> PlanItem {
        PlanItem {
            content: self.content.clone(),
            kind: self.kind,
            expected_minutes: self.minutes.trim().parse().unwrap_or(0),
            optional: self.optional,
        }
    }

    fn input(&self) -> PlanItemInput {
        PlanItemInput {
            content: self.content.clone(),
            kind: self.kind.as_str().to_owned(),
            expected_minutes: self.minutes.trim().parse().unwrap_or(-1),
            optional: self.optional,
        }
    }
}

fn zh_en(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

/// The reasons a grade leader most often gives, offered under the reason field (any other may
/// be typed).
const REVIEW_REASONS: [(&str, &str); 4] = [
    ("书面作业总量超出上限，请压减", "The written total is over the limit: cut it down"),
    ("请把部分作业改为选做（分层）", "Make part of it optional (layered)"),
    ("请与其他学科协调当天作业量", "Agree the day's load with the other subjects"),
    ("同意：本周仅此一天，请注意", "Approved: once this week only"),
];

fn status_words(status: &str, lang: Lang) -> &'static str {
    match status {
        "needs_approval" => {
            zh_en(lang, "超出上限，待年级组长审核", "Over the limit: waiting for the grade leader")
        }
        "approved" => zh_en(lang, "年级组长已同意", "Approved by the grade leader"),
        "returned" => zh_en(lang, "已退回，请调整", "Returned: please change it"),
        _ => zh_en(lang, "在上限之内", "Within the limit"),
    }
}

/// The school day before `date` (Monday's is Friday): what "copy yesterday's" means.
fn previous_school_day(date: NaiveDate) -> NaiveDate {
    let mut day = dates::days_before(date, 1);
    while dates::is_weekend(day) {
        day = dates::days_before(day, 1);
    }
    day
}

/// What saving did for one class.
#[derive(Debug, Clone, PartialEq)]
struct Filed {
    class_id: ClassId,
    name: String,
    outcome: Result<DayPlan, String>,
}

/// The subjects `me` files for class `id` of `grade`: every one for a class teacher's own class
/// and admins, otherwise those of its teaching.
fn own_subjects(me: &Me, policy: &Policy, class: Option<&ClassInfo>) -> Vec<Subject> {
    let Some(class) = class else { return Vec::new() };
    policy
        .subjects(class.grade)
        .iter()
        .filter(|s| also::may_file(me, policy, class, s.as_str()))
        .cloned()
        .collect()
}

#[function_component(PlansView)]
fn plans_view(props: &ViewProps) -> Html {
    let lang = props.lang;
    let id = props.id;
    let today = props.me.today;
    let date = use_state(|| today);
    let classes = crate::load::use_load((), |()| api::classes());
    let class_list: Vec<ClassInfo> = classes.data.value().map(|l| l.to_vec()).unwrap_or_default();
    let class = class_list.iter().find(|c| c.id == id).cloned();
    let grade = class.as_ref().map(|c| c.grade);
    let subjects = own_subjects(&props.me, &props.policy, class.as_ref());
    let subject = use_state(|| None::<String>);
    let chosen = (*subject).clone().or_else(|| subjects.first().map(|s| s.as_str().to_owned()));
    let day = use_state(|| None::<Result<DayPlan, ApiError>>);
    let items = use_state(Vec::<DraftItem>::new);
    let version = use_state(|| None::<i64>);
    let error = use_state(|| None::<String>);
    let reason = use_state(String::new);
    let copy_from = use_state(|| previous_school_day(today));
    let copy_result = use_state(|| None::<String>);
    let also_ids = use_state(Vec::<ClassId>::new);
    let filed = use_state(Vec::<Filed>::new);
    let saving = use_state(|| false);
    {
        let (day, items, version, chosen) =
            (day.clone(), items.clone(), version.clone(), chosen.clone());
        let (copy_from, copy_result, filed) =
            (copy_from.clone(), copy_result.clone(), filed.clone());
        use_effect_with((id, *date, chosen), move |(id, date, chosen)| {
            let (id, date, chosen) = (*id, *date, chosen.clone());
            copy_from.set(previous_school_day(date));
            copy_result.set(None);
            filed.set(Vec::new());
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = api::day_plan(id, date).await;
                let mine = loaded.as_ref().ok().and_then(|d| {
                    d.subjects.iter().find(|s| Some(&s.subject) == chosen.as_ref()).cloned()
                });
                items.set(
                    mine.as_ref()
                        .map(|p| p.items.iter().map(DraftItem::of).collect())
                        .unwrap_or_else(|| vec![DraftItem::blank()]),
                );
                version.set(Some(mine.map_or(0, |p| p.version)));
                day.set(Some(loaded));
            });
        });
    }

    let limit = grade.map_or(0, |g| props.policy.limit(g));
    let current: Vec<PlanItem> = items.iter().map(DraftItem::as_item).collect();
    let others: Vec<shared::plans::SubjectPlan> = day
        .as_ref()
        .and_then(|d| d.as_ref().ok())
        .map(|d| {
            d.subjects.iter().filter(|s| Some(&s.subject) != chosen.as_ref()).cloned().collect()
        })
        .unwrap_or_default();
    let mine_minutes = shared::plans::expected_minutes(&current);
    let total: u32 = mine_minutes + others.iter().map(|s| s.expected_minutes).sum::<u32>();
    let over = grade.is_some_and(|g| {
        over_limit(g, limit, others.iter().map(|s| s.items.as_slice()).chain([current.as_slice()]))
    });
    let also_list = chosen
        .as_deref()
        .map(|s| also::other_classes(&props.me, &props.policy, &class_list, id, s))
        .unwrap_or_default();

    let on_date = {
        let date = date.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(d) = v.parse::<NaiveDate>() {
                date.set(d);
            }
        })
    };
    let on_subject = {
        let subject = subject.clone();
        Callback::from(move |e: Event| {
            subject.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value()));
        })
    };
    let edit = |index: usize, change: fn(&mut DraftItem, String)| {
        let items = items.clone();
        Callback::from(move |e: Event| {
            let field = e.target_unchecked_into::<HtmlInputElement>();
            let value = if field.type_() == "checkbox" {
                field.checked().to_string()
            } else {
                field.value()
            };
            let mut list = (*items).clone();
            if let Some(item) = list.get_mut(index) {
                change(item, value);
            }
            items.set(list);
        })
    };
    let add_item = {
        let items = items.clone();
        Callback::from(move |_: MouseEvent| {
            let mut list = (*items).clone();
            list.push(DraftItem::blank());
            items.set(list);
        })
    };
    let remove_item = |index: usize| {
        let items = items.clone();
        Callback::from(move |_: MouseEvent| {
            let mut list = (*items).clone();
            if index < list.len() {
                list.remove(index);
            }
            if list.is_empty() {
                list.push(DraftItem::blank());
            }
            items.set(list);
        })
    };
    let on_copy_from = {
        let copy_from = copy_from.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(d) = v.parse::<NaiveDate>() {
                copy_from.set(d);
            }
        })
    };
    let copy = {
        let (items, copy_result, chosen, from) =
            (items.clone(), copy_result.clone(), chosen.clone(), *copy_from);
        Callback::from(move |_: MouseEvent| {
            let Some(subject) = chosen.clone() else { return };
            let (items, copy_result) = (items.clone(), copy_result.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let found = api::day_plan(id, from).await.map(|d| {
                    d.subjects.into_iter().find(|s| s.subject == subject).map(|s| s.items)
                });
                match found {
                    Ok(Some(copied)) => {
                        items.set(copied.iter().map(DraftItem::of).collect());
                        copy_result.set(Some(format!(
                            "{} {} {}",
                            zh_en(lang, "已复制", "Copied the plan of"),
                            from,
                            zh_en(lang, "的作业，保存后生效。", "; save to file it.")
                        )));
                    }
                    Ok(None) => copy_result.set(Some(format!(
                        "{from} {}",
                        zh_en(
                            lang,
                            "这一科没有备案，没有可复制的。",
                            "has no plan of this subject to copy."
                        )
                    ))),
                    Err(e) => copy_result.set(Some(e.message(lang))),
                }
            });
        })
    };
    let toggle_also = |other: ClassId| {
        let also_ids = also_ids.clone();
        Callback::from(move |_: Event| {
            let mut list = (*also_ids).clone();
            if let Some(at) = list.iter().position(|c| *c == other) {
                list.remove(at);
            } else {
                list.push(other);
            }
            also_ids.set(list);
        })
    };
    let save = {
        let (items, version, day, error, chosen, date) =
            (items.clone(), version.clone(), day.clone(), error.clone(), chosen.clone(), *date);
        let (filed, saving) = (filed.clone(), saving.clone());
        let targets: Vec<ClassInfo> =
            also_list.iter().filter(|c| also_ids.contains(&c.id)).cloned().collect();
        let own_name = class.as_ref().map(|c| c.name.clone()).unwrap_or_default();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(subject) = chosen.clone() else { return };
            let body = PutSubjectPlan {
                items: items
                    .iter()
                    .filter(|i| !i.content.trim().is_empty())
                    .map(DraftItem::input)
                    .collect(),
                version: *version,
            };
            let (version, day, error) = (version.clone(), day.clone(), error.clone());
            let (filed, saving, targets, own_name) =
                (filed.clone(), saving.clone(), targets.clone(), own_name.clone());
            saving.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::put_plan(id, date, &subject, &body).await;
                let answer = match answer {
                    Ok(a) => a,
                    Err(e) => {
                        error.set(Some(e.message(lang)));
                        filed.set(Vec::new());
                        saving.set(false);
                        return;
                    }
                };
                version.set(Some(answer.plan.map_or(0, |p| p.version)));
                day.set(Some(Ok(answer.day.clone())));
                error.set(None);
                let mut results =
                    vec![Filed { class_id: id, name: own_name, outcome: Ok(answer.day) }];
                // The same items for the other classes ticked: each replaces that class's plan
                // of the subject (no version: the teacher means this homework for all of them).
                let same = PutSubjectPlan { items: body.items.clone(), version: None };
                for other in &targets {
                    let outcome = api::put_plan(other.id, date, &subject, &same)
                        .await
                        .map(|a| a.day)
                        .map_err(|e| e.message(lang));
                    results.push(Filed { class_id: other.id, name: other.name.clone(), outcome });
                }
                filed.set(results);
                saving.set(false);
            });
        })
    };
    let review = |decision: &'static str| {
        let (reason, day, error, date) = (reason.clone(), day.clone(), error.clone(), *date);
        Callback::from(move |_: MouseEvent| {
            // A return says why (the server refuses one without: `reason_required`).
            if decision == "returned" && reason.trim().is_empty() {
                error.set(Some(
                    zh_en(lang, "退回时请写明原因", "Say why when returning the day").to_owned(),
                ));
                return;
            }
            let body = ReviewRequest {
                decision: decision.to_owned(),
                reason: (!reason.trim().is_empty()).then(|| (*reason).clone()),
            };
            let (day, error) = (day.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::review_plan(id, date, &body).await {
                    Ok(d) => {
                        day.set(Some(Ok(d)));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.message(lang))),
                }
            });
        })
    };
    let on_reason = {
        let reason = reason.clone();
        Callback::from(move |e: InputEvent| {
            reason.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };

    let status = day.as_ref().and_then(|d| d.as_ref().ok()).map(|d| d.status.as_str().to_owned());
    let last_review = day.as_ref().and_then(|d| d.as_ref().ok()).and_then(|d| d.review.clone());
    let reviewer = matches!(props.me.user.role, Role::GradeLeader | Role::SchoolAdmin);
    let name_of = |s: &str| {
        Subject::parse(s).map(|k| subject_name(&k, lang)).unwrap_or_else(|_| s.to_owned())
    };
    let kinds = ItemKind::ALL;
    let min = zh_en(lang, "分钟", "min");
    html! {
        <main class="page plans-page" id="plans-page">
            <header class="page-head">
                <h1>{ zh_en(lang, "作业备案", "Homework plans") }{ class.as_ref().map(|c| format!(" · {}", c.name)).unwrap_or_default() }</h1>
            </header>
            <form class="card plan-form" onsubmit={save}>
                <div class="plan-pick">
                    <label>
                        <span class="field-label">{ zh_en(lang, "日期", "Date") }</span>
                        <input id="plan-date" type="date" value={date.to_string()} onchange={on_date} />
                    </label>
                    if !subjects.is_empty() {
                        <label>
                            <span class="field-label">{ zh_en(lang, "学科", "Subject") }</span>
                            <select id="plan-subject" onchange={on_subject}>
                                { for subjects.iter().map(|s| html! {
                                    <option value={s.as_str().to_owned()} selected={Some(s.as_str()) == chosen.as_deref()}>{ subject_name(s, lang) }</option>
                                }) }
                            </select>
                        </label>
                    }
                </div>
                if !subjects.is_empty() {
                    <div class="plan-copy">
                        <label for="copy-from" class="field-label">{ zh_en(lang, "复制哪天的作业", "Copy the plan of") }</label>
                        <input id="copy-from" type="date" value={copy_from.to_string()} onchange={on_copy_from} />
                        <button id="copy-plan" type="button" class="ghost" onclick={copy}>{ zh_en(lang, "复制", "Copy") }</button>
                        if let Some(m) = &*copy_result {
                            <p id="copy-result" class="fine-print" role="status">{ m.clone() }</p>
                        }
                    </div>
                    <ol class="plan-items">
                    { for items.iter().enumerate().map(|(i, item)| html! {
                        <li class="plan-item">
                            <input class="item-content" type="text" maxlength="500" value={item.content.clone()}
                                   aria-label={zh_en(lang, "作业内容", "What to do")}
                                   placeholder={zh_en(lang, "作业内容，如 练习册 P12 第 1–4 题", "What to do, e.g. workbook p. 12, 1–4")}
                                   oninput={edit(i, |d, v| d.content = v).reform(|e: InputEvent| Event::from(e))} />
                            <div class="item-line">
                                <select class="item-kind" aria-label={zh_en(lang, "类型", "Kind")} onchange={{
                                    let items = items.clone();
                                    Callback::from(move |e: Event| {
                                        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
                                        let mut list = (*items).clone();
                                        if let (Some(it), Some(k)) = (list.get_mut(i), ItemKind::parse(&v)) { it.kind = k; }
                                        items.set(list);
                                    })
                                }}>
                                    { for kinds.iter().map(|k| html! {
                                        <option value={k.as_str()} selected={*k == item.kind}>{ k.name(lang) }</option>
                                    }) }
                                </select>
                                <span class="item-time">
                                    <input class="item-minutes" type="number" min="0" max="240" inputmode="numeric"
                                           aria-label={zh_en(lang, "预计分钟", "Expected minutes")}
                                           value={item.minutes.clone()}
                                           oninput={edit(i, |d, v| d.minutes = v).reform(|e: InputEvent| Event::from(e))} />
                                    <span class="unit">{ min }</span>
                                </span>
                                <label class="item-optional-label"><input class="item-optional" type="checkbox" checked={item.optional}
                                       onchange={edit(i, |d, v| d.optional = v == "true")} />{ zh_en(lang, "选做", "optional") }</label>
                                <button type="button" class="ghost remove-item" onclick={remove_item(i)}
                                        aria-label={zh_en(lang, "删除这一项", "Remove this item")}>{ "✕" }</button>
                            </div>
                        </li>
                    }) }
                    </ol>
                    <button id="add-item" type="button" class="ghost" onclick={add_item}>{ zh_en(lang, "＋ 添加一项", "+ Add an item") }</button>
                    if let Some(s) = chosen.clone() {
                        <hint::LastDaysHint class_id={id} date={*date} {today} subject={s} {lang} />
                    }
                    <p id="plan-total" data-state={if over { "over" } else { "ok" }} class={classes!("notice-total", "plan-total", over.then_some("over"))}>
                        { format!("{} {total} / {limit} {min}", zh_en(lang, "当天书面作业预计", "Day's written homework, expected")) }
                        <span class="muted">{ format!(" （{} {mine_minutes} {min}）", zh_en(lang, "本科", "this subject")) }</span>
                        <br />
                        { if over {
                            zh_en(lang, "▲ 超出上限：保存后交年级组长审核", "▲ over the limit: the grade leader reviews it once saved")
                        } else {
                            zh_en(lang, "✓ 在上限之内", "✓ within the limit")
                        } }
                    </p>
                    if !also_list.is_empty() {
                        <fieldset id="also-classes" class="also-classes">
                            <legend>{ zh_en(lang, "同样的作业也布置给", "Also file the same for") }</legend>
                            { for also_list.iter().map(|c| html! {
                                <label class="chip">
                                    <input type="checkbox" data-class={c.id.to_string()}
                                           checked={also_ids.contains(&c.id)} onchange={toggle_also(c.id)} />
                                    { c.name.clone() }
                                </label>
                            }) }
                        </fieldset>
                    }
                    <button id="save-plan" type="submit" class="primary" disabled={*saving}>
                        { if also_ids.iter().any(|c| also_list.iter().any(|x| x.id == *c)) {
                            zh_en(lang, "保存（多个班）", "Save for these classes")
                        } else {
                            zh_en(lang, "保存", "Save")
                        } }
                    </button>
                } else {
                    <p class="notice">{ zh_en(lang, "你没有这个班可以备案的学科。", "You file no subject for this class.") }</p>
                }
                if !filed.is_empty() {
                    <ul id="file-results" class="file-results" role="status">
                        { for filed.iter().map(|f| filed_line(f, lang)) }
                    </ul>
                }
                if let Some(s) = &status {
                    <p id="plan-status" class="notice" data-status={s.clone()}>{ zh_en(lang, "已保存：", "Saved: ") }{ status_words(s, lang) }
                        { last_review.as_ref().map(|r| format!(" · {} {}", r.by, r.reason.clone().unwrap_or_default())).unwrap_or_default() }
                    </p>
                }
                if let Some(e) = &*error {
                    <p id="plan-error" class="notice error" role="alert">{ e.clone() }</p>
                }
            </form>
            <section id="other-subjects" class="card">
                <h2>{ zh_en(lang, "这天其他学科的备案", "The day's other subjects") }</h2>
                if others.is_empty() {
                    <p class="muted">{ zh_en(lang, "还没有其他学科备案。", "No other subject filed yet.") }</p>
                }
                { for others.iter().map(|s| html! {
                    <p data-subject={s.subject.clone()}>{ format!("{}：{} {min} · {}", name_of(&s.subject), s.expected_minutes, s.filed_by) }</p>
                }) }
            </section>
            if reviewer && status.as_deref() == Some("needs_approval") {
                <section class="card review-card">
                    <input id="review-reason" type="text" list="review-reasons" placeholder={zh_en(lang, "意见（退回时必填）", "Reason (needed to return)")} oninput={on_reason} />
                    <datalist id="review-reasons">
                        { for REVIEW_REASONS.iter().map(|(zh, en)| html! { <option value={zh_en(lang, zh, en)} /> }) }
                    </datalist>
                    <button id="approve-day" type="button" class="primary" onclick={review("approved")}>{ zh_en(lang, "同意", "Approve") }</button>
                    <button id="return-day" type="button" class="ghost" onclick={review("returned")}>{ zh_en(lang, "退回", "Return") }</button>
                </section>
            }
        </main>
    }
}

/// One class's line after saving: its day's total against the limit and status, or why not.
fn filed_line(f: &Filed, lang: Lang) -> Html {
    let min = zh_en(lang, "分钟", "min");
    match &f.outcome {
        Ok(day) => {
            let over = !matches!(day.status, DayStatus::Open);
            html! {
                <li data-class={f.class_id.to_string()} data-status={day.status.as_str()}
                    class={classes!(over.then_some("over"))}>
                    { format!("{} {} · {} {} / {} {min} · {}",
                        if over { "▲" } else { "✓" }, f.name,
                        zh_en(lang, "当天", "day"), day.expected_written_minutes, day.limit_minutes,
                        status_words(day.status.as_str(), lang)) }
                </li>
            }
        }
        Err(e) => html! {
            <li data-class={f.class_id.to_string()} data-status="error" class="error">
                { format!("✕ {}：{}", f.name, e) }
            </li>
        },
    }
}
