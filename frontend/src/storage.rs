//! A small key–value store in the browser that survives a reload and a lost network: IndexedDB
//! when the browser has it, `localStorage` when it does not (some private modes, old WebViews).
//! Values are strings (the callers store JSON). The outbox keeps its reports here.
//!
//! IndexedDB's callbacks are turned into futures by handing a `Promise`'s own resolve/reject
//! functions to the request as its event handlers, so no closure has to be kept alive.

use js_sys::{Function, Promise};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

const DB_NAME: &str = "homework";
const DB_VERSION: u32 = 1;
/// The one object store: string keys, string values.
const STORE: &str = "kv";
/// Prefix of the keys in `localStorage`, when that is where values go.
const LOCAL_PREFIX: &str = "homework.kv.";

/// Where values are kept on this device, decided at the first use.
#[derive(Clone)]
enum Backend {
    Indexed(IdbDatabase),
    Local,
}

thread_local! {
    static BACKEND: RefCell<Option<Backend>> = const { RefCell::new(None) };
}

/// The value stored under `key`, if any.
pub async fn get(key: &str) -> Option<String> {
    match backend().await {
        Backend::Indexed(db) => match idb_get(&db, key).await {
            Ok(value) => value,
            Err(e) => {
                log("IndexedDB read failed; reading localStorage", &e);
                local_get(key)
            }
        },
        Backend::Local => local_get(key),
    }
}

/// Stores `value` under `key`; returns once the browser has committed it.
pub async fn set(key: &str, value: &str) -> Result<(), String> {
    match backend().await {
        Backend::Indexed(db) => match idb_set(&db, key, value).await {
            Ok(()) => Ok(()),
            Err(e) => {
                log("IndexedDB write failed; using localStorage from now on", &e);
                BACKEND.with(|b| *b.borrow_mut() = Some(Backend::Local));
                local_set(key, value)
            }
        },
        Backend::Local => local_set(key, value),
    }
}

async fn backend() -> Backend {
    if let Some(backend) = BACKEND.with(|b| b.borrow().clone()) {
        return backend;
    }
    let backend = match open().await {
        Ok(db) => Backend::Indexed(db),
        Err(e) => {
            log("IndexedDB unavailable; using localStorage", &e);
            Backend::Local
        }
    };
    BACKEND.with(|b| *b.borrow_mut() = Some(backend.clone()));
    backend
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()?
        .ok_or("this browser has no IndexedDB")?;
    let request: IdbOpenDbRequest = factory.open_with_u32(DB_NAME, DB_VERSION)?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let db = e
            .target()
            .and_then(|t| t.dyn_into::<IdbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|d| d.dyn_into::<IdbDatabase>().ok());
        if let Some(db) = db {
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    settled(|ok, err| {
        request.set_onsuccess(Some(ok));
        request.set_onerror(Some(err));
        request.set_onblocked(Some(err));
    })
    .await?;
    request.set_onupgradeneeded(None);
    request.result()?.dyn_into::<IdbDatabase>()
}

async fn idb_get(db: &IdbDatabase, key: &str) -> Result<Option<String>, JsValue> {
    let store = db.transaction_with_str(STORE)?.object_store(STORE)?;
    let request = store.get(&JsValue::from_str(key))?;
    settled(|ok, err| {
        request.set_onsuccess(Some(ok));
        request.set_onerror(Some(err));
    })
    .await?;
    Ok(request.result()?.as_string())
}

async fn idb_set(db: &IdbDatabase, key: &str, value: &str) -> Result<(), JsValue> {
    let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?;
    tx.object_store(STORE)?.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))?;
    // The write is durable once the transaction completes, not when the request succeeds.
    settled(|ok, err| {
        tx.set_oncomplete(Some(ok));
        tx.set_onerror(Some(err));
        tx.set_onabort(Some(err));
    })
    .await
    .map(drop)
}

/// Waits until one of the two functions `register` hands out as event handlers is called.
async fn settled(register: impl FnOnce(&Function, &Function)) -> Result<JsValue, JsValue> {
    let mut register = Some(register);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(register) = register.take() {
            register(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn local_get(key: &str) -> Option<String> {
    local_storage()?.get_item(&format!("{LOCAL_PREFIX}{key}")).ok().flatten()
}

fn local_set(key: &str, value: &str) -> Result<(), String> {
    let storage = local_storage().ok_or("this browser keeps no local storage")?;
    storage
        .set_item(&format!("{LOCAL_PREFIX}{key}"), value)
        .map_err(|_| "the browser refused to store the outbox (storage full?)".to_owned())
}

fn log(what: &str, error: &JsValue) {
    web_sys::console::warn_2(&JsValue::from_str(what), error);
}
