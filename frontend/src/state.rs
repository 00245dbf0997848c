//! The session shared by every screen: who is logged in, their school's policy, and the
//! language of the interface. It lives in a context ([`SessionProvider`]); components read it
//! with [`use_session`] and change it by dispatching a [`SessionAction`].

use crate::api;
use shared::api::Me;
use shared::{Lang, Policy};
use std::rc::Rc;
use yew::prelude::*;

/// Where the language choice is remembered in the browser.
const LANG_KEY: &str = "homework.lang";

/// Whether we know who is using the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Asking the server (`GET /me`) at start-up.
    Checking,
    /// Nobody is logged in; `expired` when the server ended a session we had.
    LoggedOut {
        expired: bool,
    },
    LoggedIn {
        me: Rc<Me>,
        policy: Rc<Policy>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub status: Status,
    pub lang: Lang,
}

pub enum SessionAction {
    LoggedIn {
        me: Rc<Me>,
        policy: Rc<Policy>,
    },
    LoggedOut,
    /// The server answered 401 to a request of a logged-in page.
    Expired,
    SetLang(Lang),
}

impl Reducible for Session {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        let status = match action {
            SessionAction::LoggedIn { me, policy } => Status::LoggedIn { me, policy },
            SessionAction::LoggedOut => Status::LoggedOut { expired: false },
            SessionAction::Expired => match self.status {
                Status::LoggedIn { .. } => Status::LoggedOut { expired: true },
                _ => return self,
            },
            SessionAction::SetLang(lang) => {
                return Rc::new(Session { status: self.status.clone(), lang });
            }
        };
        Rc::new(Session { status, lang: self.lang })
    }
}

impl Session {
    /// The account and policy, when someone is logged in.
    pub fn user(&self) -> Option<(Rc<Me>, Rc<Policy>)> {
        match &self.status {
            Status::LoggedIn { me, policy } => Some((me.clone(), policy.clone())),
            _ => None,
        }
    }
}

pub type SessionHandle = UseReducerHandle<Session>;

/// The session of the app; every component below [`SessionProvider`] may call it.
#[hook]
pub fn use_session() -> SessionHandle {
    use_context::<SessionHandle>().expect("SessionProvider wraps the whole app")
}

/// The language the interface speaks now.
#[hook]
pub fn use_lang() -> Lang {
    use_session().lang
}

#[derive(Properties, PartialEq)]
pub struct ProviderProps {
    pub children: Html,
}

/// Holds the session, asks the server who is logged in at start-up, and keeps the page's
/// `lang` attribute, title and the remembered language in step with the chosen language.
#[function_component(SessionProvider)]
pub fn session_provider(props: &ProviderProps) -> Html {
    let session = use_reducer(|| Session { status: Status::Checking, lang: initial_lang() });

    {
        let session = session.clone();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                // A tablet on flaky Wi-Fi keeps trying rather than showing the login to someone
                // who is logged in.
                let mut wait_ms = 1_000;
                loop {
                    match api::me_and_policy().await {
                        Ok((me, policy)) => {
                            let (me, policy) = (Rc::new(me), Rc::new(policy));
                            return session.dispatch(SessionAction::LoggedIn { me, policy });
                        }
                        Err(api::ApiError::Network(_)) => {
                            gloo_timers::future::TimeoutFuture::new(wait_ms).await;
                            wait_ms = (wait_ms * 2).min(15_000);
                        }
                        Err(_) => return session.dispatch(SessionAction::LoggedOut),
                    }
                }
            });
        });
    }
    use_effect_with(session.lang, |lang| remember_lang(*lang));

    html! {
        <ContextProvider<SessionHandle> context={session}>
            { props.children.clone() }
        </ContextProvider<SessionHandle>>
    }
}

/// The language chosen before on this device, else the browser's.
fn initial_lang() -> Lang {
    let stored = local_storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    match stored.as_deref() {
        Some("zh") => Lang::Zh,
        Some("en") => Lang::En,
        _ => {
            let browser = web_sys::window().and_then(|w| w.navigator().language());
            Lang::from_accept_language(browser.as_deref().unwrap_or(""))
        }
    }
}

fn remember_lang(lang: Lang) {
    if let Some(storage) = local_storage() {
        // Private browsing may refuse; the choice then lasts as long as the page.
        let _ = storage.set_item(LANG_KEY, lang.code());
    }
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if let Some(html) = document.document_element() {
            let _ = html.set_attribute("lang", if lang == Lang::Zh { "zh-CN" } else { "en" });
        }
        document.set_title(crate::i18n::texts(lang).app_name);
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
