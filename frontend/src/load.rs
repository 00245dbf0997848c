//! Fetching data into a component: [`use_load`] runs a request whenever its inputs change and
//! keeps the latest answer, so pages only say *what* to load.

use crate::api::ApiError;
use crate::state::{SessionAction, use_session};
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use yew::prelude::*;

/// The state of one piece of data from the server.
#[derive(Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Loaded(Rc<T>),
    Failed(ApiError),
}

impl<T> Clone for Load<T> {
    fn clone(&self) -> Self {
        match self {
            Load::Loading => Load::Loading,
            Load::Loaded(v) => Load::Loaded(v.clone()),
            Load::Failed(e) => Load::Failed(e.clone()),
        }
    }
}

impl<T> Load<T> {
    pub fn value(&self) -> Option<Rc<T>> {
        match self {
            Load::Loaded(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// The refusal, when the load failed.
    pub fn error(&self) -> Option<&ApiError> {
        match self {
            Load::Failed(e) => Some(e),
            _ => None,
        }
    }
}

/// The data, and a callback that fetches it again (keeping the old data on show meanwhile).
pub struct UseLoad<T> {
    pub data: Load<T>,
    pub reload: Callback<()>,
}

/// Runs `fetch(inputs)` when `inputs` change (and on `reload`). Only the answer to the latest
/// request is kept, so a slow old answer never overwrites a new one. A `401` ends the session.
#[hook]
pub fn use_load<D, T, F, Fut>(inputs: D, fetch: F) -> UseLoad<T>
where
    D: PartialEq + Clone + 'static,
    T: 'static,
    F: FnOnce(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let session = use_session();
    let data = use_state(|| Load::Loading);
    let reloads = use_state(|| 0u32);
    let latest: Rc<RefCell<(u32, Option<D>)>> = use_mut_ref(|| (0, None));
    {
        let data = data.clone();
        use_effect_with((inputs, *reloads), move |(inputs, _)| {
            let request = {
                let mut latest = latest.borrow_mut();
                latest.0 += 1;
                if latest.1.as_ref() != Some(inputs) {
                    // New inputs: the old data no longer answers them. (The first time,
                    // the state is already `Loading`.)
                    if latest.1.replace(inputs.clone()).is_some() {
                        data.set(Load::Loading);
                    }
                }
                latest.0
            };
            let future = fetch(inputs.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = future.await;
                if latest.borrow().0 != request {
                    return;
                }
                match result {
                    Ok(value) => data.set(Load::Loaded(Rc::new(value))),
                    Err(ApiError::Unauthorized) => session.dispatch(SessionAction::Expired),
                    Err(e) => data.set(Load::Failed(e)),
                }
            });
        });
    }
    let reload = Callback::from(move |()| reloads.set(*reloads + 1));
    UseLoad { data: (*data).clone(), reload }
}
