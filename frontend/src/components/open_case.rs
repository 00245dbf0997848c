//! "Open a case" beside a flag (grade leaders and admins, on the grade and class pages): the
//! server checks the flag holds over the period shown and keeps its numbers. Once opened, or
//! when a live case of that flag exists already, a link leads to it on the cases page.
//!
//! Test ids: `button.open-case[data-kind]` (in the flag's `li.flag`), then `.case-opened`
//! (its text says opened, or already open) with `a` to `/cases`.

use crate::api::{self, ApiError};
use crate::components::notice;
use crate::route::Route;
use crate::state::use_session;
use chrono::NaiveDate;
use shared::api::Role;
use shared::cases::FLAG_CASE_KINDS;
use shared::{ClassId, Flag, FlagReason, Lang};
use yew::prelude::*;
use yew_router::prelude::*;

/// The class and period a flag was raised for: where a case would come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CaseOrigin {
    pub class_id: ClassId,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Whether this account may open cases, and this flag may become one.
pub fn can_open(role: Role, flag: &Flag) -> bool {
    matches!(role, Role::GradeLeader | Role::SchoolAdmin) && FLAG_CASE_KINDS.contains(&flag.kind())
}

/// The words of the button and its outcome: open, opened, already open, see it.
fn words(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::Zh => ["开立整改", "已开立整改", "已有未结整改", "查看"],
        Lang::En => ["Open case", "Case opened", "A case is already open", "See it"],
    }
}

#[derive(Properties, PartialEq)]
pub struct OpenCaseProps {
    pub flag: Flag,
    pub origin: CaseOrigin,
}

#[derive(Clone, PartialEq)]
enum State {
    Idle,
    Busy,
    Opened,
    Exists,
    Failed(ApiError),
}

#[function_component(OpenCase)]
pub fn open_case(props: &OpenCaseProps) -> Html {
    let session = use_session();
    let lang = session.lang;
    let state = use_state(|| State::Idle);
    let Some((me, _)) = session.user() else {
        return html! {};
    };
    if !can_open(me.user.role, &props.flag) {
        return html! {};
    }
    let w = words(lang);
    let onclick = {
        let state = state.clone();
        let origin = props.origin;
        let kind = props.flag.kind();
        let subject = match &props.flag.reason {
            FlagReason::ActualAboveExpected { subject, .. } => Some(subject.clone()),
            _ => None,
        };
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            if *state == State::Busy {
                return;
            }
            state.set(State::Busy);
            let (state, subject) = (state.clone(), subject.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::cases::open(
                    origin.class_id,
                    kind,
                    subject.as_deref(),
                    origin.from,
                    origin.to,
                )
                .await;
                state.set(match result {
                    Ok(_) => State::Opened,
                    Err(ApiError::Conflict(_)) => State::Exists,
                    Err(e) => State::Failed(e),
                });
            });
        })
    };
    let done = |text: &'static str| {
        html! {
            <span class="case-opened" role="status">
                { text }{ " · " }<Link<Route> to={Route::Cases}>{ w[3] }</Link<Route>>
            </span>
        }
    };
    match &*state {
        State::Opened => done(w[1]),
        State::Exists => done(w[2]),
        other => html! {
            <>
                <button type="button" class="button ghost small open-case no-print"
                        data-kind={props.flag.kind()} disabled={*other == State::Busy} {onclick}>
                    { w[0] }
                </button>
                if let State::Failed(e) = other { { notice::failed(e, lang) } }
            </>
        },
    }
}
