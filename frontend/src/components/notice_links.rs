//! The class's public notice links (作业公示), on the class page for its class teacher and the
//! school's admins: make a link a parent can open without logging in (shown once, as an address
//! to copy and as a QR code to scan or print), see the live links, revoke one at once.
//!
//! Test ids: `#notice-links` (the card), `#new-notice-link` (the button), after making one
//! `#new-notice-url` (an `a` to the notice) and `#notice-qr` (see `components::qr`),
//! `#notice-link-list li[data-link-id]` with `.revoke-notice-link`, `#no-notice-links`,
//! `#notice-links-error`.

use crate::api::{self, ApiError};
use crate::components::ask::{Ask, Question};
use crate::components::notice;
use crate::components::qr::Qr;
use crate::load::{Load, use_load};
use crate::state::use_lang;
use shared::plans::NoticeLink;
use shared::{ClassId, Lang};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticeLinksProps {
    pub class_id: ClassId,
}

/// The card's words, in Chinese or English.
struct Words {
    title: &'static str,
    explain: &'static str,
    make: &'static str,
    new_title: &'static str,
    shown_once: &'static str,
    scan: &'static str,
    none: &'static str,
    made: &'static str,
    revoke: &'static str,
    revoke_question: &'static str,
    hide: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Zh => Words {
            title: "作业公示链接",
            explain: "家长无需登录即可用手机打开，查看每天备案的作业和预计用时；不显示任何人的姓名。",
            make: "生成公示链接",
            new_title: "新的公示链接",
            shown_once: "此链接只显示这一次：请现在复制或扫码保存；撤销后立即失效。",
            scan: "用手机扫码打开",
            none: "还没有公示链接。",
            made: "生成于",
            revoke: "撤销",
            revoke_question: "撤销后，持有此链接的家长将无法再打开。确定撤销吗？",
            hide: "已保存，收起",
        },
        Lang::En => Words {
            title: "Public notice links",
            explain: "Parents open it on a phone without logging in and see each day's filed homework and its expected minutes; it names nobody.",
            make: "Make a notice link",
            new_title: "New notice link",
            shown_once: "This link is shown this once: copy it or scan it now. Revoking it ends it at once.",
            scan: "Scan with a phone",
            none: "No notice links yet.",
            made: "Made",
            revoke: "Revoke",
            revoke_question: "Parents holding this link will no longer open it. Revoke it?",
            hide: "Saved it, hide",
        },
    }
}

#[function_component(NoticeLinks)]
pub fn notice_links(props: &NoticeLinksProps) -> Html {
    let lang = use_lang();
    let w = words(lang);
    let class_id = props.class_id;
    let links = use_load(class_id, api::notice::links);
    let made = use_state(|| None::<NoticeLink>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let make = {
        let (made, error, busy, reload) =
            (made.clone(), error.clone(), busy.clone(), links.reload.clone());
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            let (made, error, busy, reload) =
                (made.clone(), error.clone(), busy.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::notice::create(class_id).await {
                    Ok(link) => {
                        made.set(Some(link));
                        error.set(None);
                        reload.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let asking = use_state(|| None::<Question>);
    let revoke = {
        let (made, error, reload) = (made.clone(), error.clone(), links.reload.clone());
        let revoke_now = Callback::from(move |id: i64| {
            let (made, error, reload) = (made.clone(), error.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::notice::revoke(class_id, id).await {
                    Ok(()) => {
                        error.set(None);
                        if made.as_ref().is_some_and(|l| l.id == id) {
                            made.set(None);
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
                reload.emit(());
            });
        });
        let (asking, question, step) = (asking.clone(), w.revoke_question, w.revoke);
        Callback::from(move |id: i64| {
            let revoke_now = revoke_now.clone();
            let then = Callback::from(move |()| revoke_now.emit(id));
            asking.set(Some(Question { text: format!("#{id}: {question}"), yes: step, then }));
        })
    };
    let hide = {
        let made = made.clone();
        Callback::from(move |_: MouseEvent| made.set(None))
    };

    let list = match &links.data {
        Load::Loading => notice::loading(lang),
        Load::Failed(e) => notice::failed(e, lang),
        Load::Loaded(list) if list.is_empty() => {
            html! { <p class="muted" id="no-notice-links">{ w.none }</p> }
        }
        Load::Loaded(list) => html! {
            <ul class="notice-link-list" id="notice-link-list">
                { for list.iter().map(|link| {
                    let onclick = {
                        let (revoke, id) = (revoke.clone(), link.id);
                        Callback::from(move |_: MouseEvent| revoke.emit(id))
                    };
                    html! {
                        <li data-link-id={link.id.to_string()}>
                            <span>{ format!("#{} · {} {}", link.id, w.made, crate::dates::timestamp(&link.created_at)) }</span>
                            <button type="button" class="revoke-notice-link danger" {onclick}
                                    aria-label={format!("{} #{}", w.revoke, link.id)}>
                                { w.revoke }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    let list = html! { <>{ list }<Ask {asking} /></> };

    let shown = made.as_ref().and_then(|link| link.url.clone().or_else(|| address_of(link)));
    html! {
        <section class="card notice-links" id="notice-links">
            <h2>{ w.title }</h2>
            <p class="muted">{ w.explain }</p>
            if let Some(url) = shown {
                <div class="new-code new-notice-link" role="status" aria-live="polite">
                    <p class="new-code-title">{ w.new_title }</p>
                    <p class="notice-url"><a id="new-notice-url" href={url.clone()} target="_blank" rel="noopener">{ url.clone() }</a></p>
                    <figure class="qr-figure">
                        <Qr id="notice-qr" text={url.clone()} label={format!("{} {url}", w.scan)} />
                        <figcaption>{ w.scan }</figcaption>
                    </figure>
                    <p class="new-code-once"><span aria-hidden="true">{"⚠ "}</span>{ w.shown_once }</p>
                    <button type="button" class="secondary" id="hide-notice-link" onclick={hide}>{ w.hide }</button>
                </div>
            }
            <button type="button" class="primary" id="new-notice-link" onclick={make} disabled={*busy}>
                { w.make }
            </button>
            if let Some(e) = &*error {
                <p class="notice error" id="notice-links-error" role="alert">{ e.message(lang) }</p>
            }
            { list }
        </section>
    }
}

/// The notice's address on this origin, when the server's answer gave only the token.
fn address_of(link: &NoticeLink) -> Option<String> {
    let token = link.token.as_ref()?;
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    Some(format!("{origin}/notice/{token}"))
}
