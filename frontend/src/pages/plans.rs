//! Filing a class's homework plans (`/classes/{id}/plans`, 作业备案): a day and a subject, its
//! items (content, kind, expected minutes, optional), the day's required written total against
//! the limit while typing (the rule from `shared::plans`), the other subjects' filings beside
//! it; and for a grade leader or admin, approving or returning a day over the limit.
//!
//! Test ids: `#plans-page`, `#plan-date`, `#plan-subject`, `.plan-item` rows with
//! `.item-content`, `.item-kind`, `.item-minutes`, `.item-optional`; `#add-item`, `#save-plan`,
//! `#plan-total` (`data-state=ok|over`), `#plan-status`, `#plan-error`, `#other-subjects`,
//! `#review-reason`, `#approve-day`, `#return-day`.

use crate::api::{self, ApiError};
use crate::state::use_session;
use chrono::NaiveDate;
use shared::api::{Me, Role};
use shared::i18n::subject_name;
use shared::plans::{
    DayPlan, ItemKind, PlanItem, PlanItemInput, PutSubjectPlan, ReviewRequest, over_limit,
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

#[function_component(PlansView)]
fn plans_view(props: &ViewProps) -> Html {
    let lang = props.lang;
    let id = props.id;
    let date = use_state(|| props.me.today);
    let classes = crate::load::use_load((), |()| api::classes());
    let class = classes.data.value().and_then(|l| l.iter().find(|c| c.id == id).cloned());
    let grade = class.as_ref().map(|c| c.grade);
    // The subjects this account files: a class teacher's own class and admins all of them,
    // otherwise those of its teaching.
    let subjects: Vec<Subject> = grade
        .map(|g| {
            let all = props.policy.subjects(g).to_vec();
            let user = &props.me.user;
            let every = user.role == Role::SchoolAdmin
                || (user.role == Role::Teacher && user.class_id == Some(id));
            if every {
                all
            } else {
                all.into_iter()
                    .filter(|s| {
                        user.teaching.iter().any(|t| t.class_id == id && t.subject == s.as_str())
                    })
                    .collect()
            }
        })
        .unwrap_or_default();
    let subject = use_state(|| None::<String>);
    let chosen = (*subject).clone().or_else(|| subjects.first().map(|s| s.as_str().to_owned()));
    let day = use_state(|| None::<Result<DayPlan, ApiError>>);
    let items = use_state(Vec::<DraftItem>::new);
    let version = use_state(|| None::<i64>);
    let error = use_state(|| None::<String>);
    let reason = use_state(String::new);
    {
        let (day, items, version, chosen) =
            (day.clone(), items.clone(), version.clone(), chosen.clone());
        use_effect_with((id, *date, chosen), move |(id, date, chosen)| {
            let (id, date, chosen) = (*id, *date, chosen.clone());
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
    let total: u32 = shared::plans::expected_minutes(&current)
        + others.iter().map(|s| s.expected_minutes).sum::<u32>();
    let over = grade.is_some_and(|g| {
        over_limit(g, limit, others.iter().map(|s| s.items.as_slice()).chain([current.as_slice()]))
    });

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
    let save = {
        let (items, version, day, error, chosen, date) =
            (items.clone(), version.clone(), day.clone(), error.clone(), chosen.clone(), *date);
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
            wasm_bindgen_futures::spawn_local(async move {
                match api::put_plan(id, date, &subject, &body).await {
                    Ok(answer) => {
                        version.set(Some(answer.plan.map_or(0, |p| p.version)));
                        day.set(Some(Ok(answer.day)));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.message(lang))),
                }
            });
        })
    };
    let review = |decision: &'static str| {
        let (reason, day, error, date) = (reason.clone(), day.clone(), error.clone(), *date);
        Callback::from(move |_: MouseEvent| {
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
    html! {
        <main class="page plans-page" id="plans-page">
            <header class="page-head">
                <h1>{ zh_en(lang, "作业备案", "Homework plans") }{ class.as_ref().map(|c| format!(" · {}", c.name)).unwrap_or_default() }</h1>
            </header>
            <form class="card" onsubmit={save}>
                <label for="plan-date">{ zh_en(lang, "日期", "Date") }</label>
                <input id="plan-date" type="date" value={date.to_string()} onchange={on_date} />
                if !subjects.is_empty() {
                    <label for="plan-subject">{ zh_en(lang, "学科", "Subject") }</label>
                    <select id="plan-subject" onchange={on_subject}>
                        { for subjects.iter().map(|s| html! {
                            <option value={s.as_str().to_owned()} selected={Some(s.as_str()) == chosen.as_deref()}>{ subject_name(s, lang) }</option>
                        }) }
                    </select>
                    { for items.iter().enumerate().map(|(i, item)| html! {
                        <div class="plan-item">
                            <input class="item-content" type="text" maxlength="500" value={item.content.clone()}
                                   placeholder={zh_en(lang, "作业内容", "What to do")}
                                   onchange={edit(i, |d, v| d.content = v)} />
                            <select class="item-kind" onchange={{
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
                            <input class="item-minutes" type="number" min="0" max="240" inputmode="numeric"
                                   value={item.minutes.clone()}
                                   oninput={edit(i, |d, v| d.minutes = v).reform(|e: InputEvent| Event::from(e))} />
                            <span class="unit">{ zh_en(lang, "分钟", "min") }</span>
                            <label><input class="item-optional" type="checkbox" checked={item.optional}
                                   onchange={edit(i, |d, v| d.optional = v == "true")} />{ zh_en(lang, "选做", "optional") }</label>
                        </div>
                    }) }
                    <button id="add-item" type="button" class="ghost" onclick={add_item}>{ zh_en(lang, "＋ 添加一项", "+ Add an item") }</button>
                    <p id="plan-total" data-state={if over { "over" } else { "ok" }} class={classes!("notice-total", over.then_some("over"))}>
                        { format!("{} {total} / {limit} {}", zh_en(lang, "当天书面作业预计", "Day's written homework, expected"), zh_en(lang, "分钟", "min")) }
                        { if over {
                            zh_en(lang, " ▲ 超出上限：保存后交年级组长审核", " ▲ over the limit: the grade leader reviews it once saved")
                        } else {
                            zh_en(lang, " ✓ 在上限之内", " ✓ within the limit")
                        } }
                    </p>
                    <button id="save-plan" type="submit" class="primary">{ zh_en(lang, "保存", "Save") }</button>
                } else {
                    <p class="notice">{ zh_en(lang, "你没有这个班可以备案的学科。", "You file no subject for this class.") }</p>
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
                <h2>{ zh_en(lang, "其他学科", "Other subjects") }</h2>
                { for others.iter().map(|s| html! {
                    <p data-subject={s.subject.clone()}>{ format!("{}：{} {} · {}", name_of(&s.subject), s.expected_minutes, zh_en(lang, "分钟", "min"), s.filed_by) }</p>
                }) }
            </section>
            if reviewer && status.as_deref() == Some("needs_approval") {
                <section class="card">
                    <input id="review-reason" type="text" placeholder={zh_en(lang, "意见（退回时必填）", "Reason (needed to return)")} oninput={on_reason} />
                    <button id="approve-day" type="button" class="primary" onclick={review("approved")}>{ zh_en(lang, "同意", "Approve") }</button>
                    <button id="return-day" type="button" class="ghost" onclick={review("returned")}>{ zh_en(lang, "退回", "Return") }</button>
                </section>
            }
        </main>
    }
}
