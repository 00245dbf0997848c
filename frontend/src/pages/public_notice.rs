//! The public notice (作业公示, `/notice/{token}`): a class's homework for a day as its teachers
//! filed it, for parents on a phone and for the classroom screen, with no log-in. A day still
//! waiting for the grade leader (or sent back) shows as pending, without its homework. Chinese
//! or English, as the top bar's switch says.
//!
//! Test ids: `#public-notice`, `#notice-date`, `#notice-status`, `#notice-total`,
//! `#notice-prev`, `#notice-next`, `#notice-screen` (the classroom-screen toggle), and one
//! `.notice-subject` per subject.

use crate::api::{self, ApiError};
use crate::dates;
use crate::state::use_lang;
use chrono::NaiveDate;
use shared::Lang;
use shared::i18n::{grade_name, subject_name};
use shared::plans::{ItemKind, PublicNotice};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PublicNoticeProps {
    pub token: String,
}

/// The page's words.
struct Words {
    title: &'static str,
    pending: &'static str,
    approved: &'static str,
    nothing: &'static str,
    total: &'static str,
    limit: &'static str,
    optional: &'static str,
    minutes: &'static str,
    previous: &'static str,
    next: &'static str,
    screen: &'static str,
    not_found: &'static str,
    loading: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Zh => Words {
            title: "作业公示",
            pending: "当天作业尚待年级组审核，审核通过后公示。",
            approved: "超出时长的作业已经年级组审核同意。",
            nothing: "当天没有备案的作业。",
            total: "书面作业预计",
            limit: "每日上限",
            optional: "选做",
            minutes: "分钟",
            previous: "前一天",
            next: "后一天",
            screen: "大屏显示",
            not_found: "此公示链接无效或已被撤销。",
            loading: "正在加载…",
        },
        Lang::En => Words {
            title: "Homework notice",
            pending: "This day's homework is waiting for the grade leader's review; it shows once approved.",
            approved: "The grade leader approved this day's homework above the limit.",
            nothing: "No homework was filed for this day.",
            total: "Written homework, expected",
            limit: "daily limit",
            optional: "optional",
            minutes: "min",
            previous: "Previous day",
            next: "Next day",
            screen: "Classroom screen",
            not_found: "This notice link is not valid or was revoked.",
            loading: "Loading…",
        },
    }
}

#[function_component(PublicNoticePage)]
pub fn public_notice_page(props: &PublicNoticeProps) -> Html {
    let lang = use_lang();
    let w = words(lang);
    let date = use_state(|| None::<NaiveDate>);
    let notice = use_state(|| None::<Result<PublicNotice, ApiError>>);
    let screen = use_state(|| false);
    {
        let notice = notice.clone();
        use_effect_with((props.token.clone(), *date), move |(token, date)| {
            let (token, date) = (token.clone(), *date);
            wasm_bindgen_futures::spawn_local(async move {
                notice.set(Some(api::public_notice(&token, date).await));
            });
        });
    }
    let shown_date = notice.as_ref().and_then(|n| n.as_ref().ok()).map(|n| n.date);
    let step = |forward: bool| {
        let date = date.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = shown_date {
                date.set(Some(if forward {
                    dates::days_after(d, 1)
                } else {
                    dates::days_before(d, 1)
                }));
            }
        })
    };
    let toggle_screen = {
        let screen = screen.clone();
        Callback::from(move |_: MouseEvent| screen.set(!*screen))
    };

    let body = match notice.as_ref() {
        None => html! { <p class="notice loading">{ w.loading }</p> },
        Some(Err(ApiError::Refused { status: 404, .. })) => {
            html! { <p class="notice error" role="alert">{ w.not_found }</p> }
        }
        Some(Err(e)) => html! { <p class="notice error" role="alert">{ e.message(lang) }</p> },
        Some(Ok(n)) => notice_body(n, lang, &w),
    };
    html! {
        <main id="public-notice" class={classes!("page", "public-notice", screen.then_some("classroom-screen"))}>
            <header class="page-head">
                <h1>{ w.title }</h1>
                <button id="notice-screen" type="button" class="ghost" onclick={toggle_screen}
                        aria-pressed={if *screen { "true" } else { "false" }}>{ w.screen }</button>
            </header>
            if let Some(d) = shown_date {
                <nav class="notice-days">
                    <button id="notice-prev" type="button" class="ghost" onclick={step(false)}>{ "‹ " }{ w.previous }</button>
                    <strong id="notice-date">{ format!("{d} {}", dates::weekday(d, lang)) }</strong>
                    <button id="notice-next" type="button" class="ghost" onclick={step(true)}>{ w.next }{ " ›" }</button>
                </nav>
            }
            { body }
        </main>
    }
}

fn notice_body(n: &PublicNotice, lang: Lang, w: &Words) -> Html {
    let heading = format!("{} · {} · {}", n.school_name, grade_name(n.grade, lang), n.class_name);
    let total = n.expected_written_minutes.map(|m| {
        html! {
            <p id="notice-total" class={classes!("notice-total", (m > n.limit_minutes).then_some("over"))}>
                { format!("{}：{m} {} / {} {} {}", w.total, w.minutes, w.limit, n.limit_minutes, w.minutes) }
            </p>
        }
    });
    let status = match n.status.as_str() {
        "pending" => {
            html! { <p id="notice-status" class="notice" data-status="pending">{ w.pending }</p> }
        }
        "approved" => {
            html! { <p id="notice-status" class="notice" data-status="approved">{ w.approved }</p> }
        }
        other => {
            html! { <p id="notice-status" class="fine-print" data-status={other.to_owned()}></p> }
        }
    };
    let subjects = n.subjects.iter().map(|s| {
        let name = shared::Subject::parse(&s.subject)
            .map(|k| subject_name(&k, lang))
            .unwrap_or_else(|_| s.subject.clone());
        html! {
            <section class="card notice-subject" data-subject={s.subject.clone()}>
                <h2>{ name }<span class="muted">{ format!(" · {} {}", s.expected_minutes, w.minutes) }</span></h2>
                <ul>
                    { for s.items.iter().map(|i| html! {
                        <li>
                            <span class="item-kind">{ ItemKind::name(i.kind, lang) }</span>
                            if i.optional { <span class="item-optional">{ w.optional }</span> }
                            { " " }{ i.content.clone() }
                            <span class="muted">{ format!(" ({} {})", i.expected_minutes, w.minutes) }</span>
                        </li>
                    }) }
                </ul>
            </section>
        }
    });
    html! {
        <>
            <p class="lead">{ heading }</p>
            { status }
            { total.unwrap_or_default() }
            if n.status != "pending" && n.subjects.is_empty() {
                <p class="notice">{ w.nothing }</p>
            }
            { for subjects }
        </>
    }
}
