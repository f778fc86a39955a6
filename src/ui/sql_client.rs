//! The page's side of the SQL console's worker: start it on first use, load the tables, run a query, cancel by terminating it.
//!
//! One request is outstanding at a time (the console disables Run while one runs). Cancel
//! terminates the worker, because a query stuck in SQLite never yields to read a message; the
//! next request starts a fresh worker and loads the tables again.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

use crate::sql::protocol::Reply;

type Waiting = Rc<RefCell<Option<oneshot::Sender<Reply>>>>;
/// A reply that came before anyone waited for it: the worker's Ready (or its failure to start)
/// when it was started early, to compile and warm up while the page reads the data.
type Early = Rc<RefCell<Option<Reply>>>;

struct Live {
    worker: Worker,
    waiting: Waiting,
    early: Early,
    loaded: bool,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static LIVE: RefCell<Option<Live>> = const { RefCell::new(None) };
}

/// The worker's loader, named (with its content hash) in index.html by the build.
fn loader_url() -> Result<String, String> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name='sql-worker']").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .ok_or_else(|| "this build has no SQL engine (the sql-worker meta tag is missing)".into())
}

/// Whether a worker is running with the tables loaded.
pub fn is_loaded() -> bool {
    LIVE.with(|live| live.borrow().as_ref().is_some_and(|l| l.loaded))
}

/// Stops the worker and whatever it is doing. A request waiting on it ends as cancelled.
pub fn cancel() {
    LIVE.with(|live| {
        if let Some(l) = live.borrow_mut().take() {
            l.worker.terminate();
            l.waiting.borrow_mut().take();
        }
    });
}

fn start() -> Result<Waiting, String> {
    if let Some(waiting) = LIVE.with(|live| live.borrow().as_ref().map(|l| l.waiting.clone())) {
        return Ok(waiting);
    }
    let worker = Worker::new(&loader_url()?)
        .map_err(|e| format!("the browser refused to start the SQL engine: {e:?}"))?;
    let waiting: Waiting = Rc::new(RefCell::new(None));
    let early: Early = Rc::new(RefCell::new(None));
    let inbox = waiting.clone();
    let unread = early.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        let reply = serde_json::from_str::<Reply>(&text).unwrap_or_else(|e| Reply::LoadFailed {
            message: format!("the SQL engine sent an unreadable reply: {e}"),
        });
        match inbox.borrow_mut().take() {
            Some(sender) => {
                let _ = sender.send(reply);
            }
            None => *unread.borrow_mut() = Some(reply),
        }
    });
    let failures = waiting.clone();
    let unread_failure = early.clone();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let detail = js_sys::Reflect::get(&event, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| {
                "its files could not be loaded (offline before the console was ever opened?)".into()
            });
        let failure = Reply::LoadFailed {
            message: format!("the SQL engine stopped: {detail}"),
        };
        match failures.borrow_mut().take() {
            Some(sender) => {
                let _ = sender.send(failure);
            }
            None => *unread_failure.borrow_mut() = Some(failure),
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    LIVE.with(|live| {
        *live.borrow_mut() = Some(Live {
            worker,
            waiting: waiting.clone(),
            early,
            loaded: false,
            _on_message: on_message,
            _on_error: on_error,
        });
    });
    Ok(waiting)
}

/// Starts the worker now, if it is not running, so it downloads, compiles and warms up while the
/// page reads the data; `load` then finds it ready. A failure to start is reported by `load`.
pub fn prepare() {
    let _ = start();
}

/// Waits for the next reply, after `send` (if any) has been posted.
async fn exchange(message: Option<JsValue>) -> Result<Reply, String> {
    let waiting = start()?;
    if message.is_none()
        && let Some(reply) = LIVE.with(|live| {
            live.borrow()
                .as_ref()
                .and_then(|l| l.early.borrow_mut().take())
        })
    {
        return Ok(reply);
    }
    let (sender, receiver) = oneshot::channel();
    *waiting.borrow_mut() = Some(sender);
    if let Some(message) = message {
        LIVE.with(|live| {
            live.borrow()
                .as_ref()
                .map(|l| l.worker.post_message(&message))
                .transpose()
        })
        .map_err(|e| format!("could not reach the SQL engine: {e:?}"))?;
    }
    receiver.await.map_err(|_| "Cancelled".to_string())
}

/// Starts the worker (if needed) and fills its tables, replacing any loaded before. Returns
/// rows loaded and SQLite's time. A running worker is reused: its code is already compiled
/// and warm, which makes a reload faster than the first load.
pub async fn load(tables: &[(&'static str, String)]) -> Result<(usize, f64), String> {
    let running = LIVE.with(|live| live.borrow().as_ref().is_some_and(|l| l.loaded));
    if !running {
        match exchange(None).await? {
            Reply::Ready => {}
            Reply::LoadFailed { message } => {
                cancel();
                return Err(message);
            }
            other => return Err(format!("the SQL engine answered out of turn: {other:?}")),
        }
    }
    let names = js_sys::Array::new();
    let rows = js_sys::Array::new();
    for (name, json) in tables {
        names.push(&JsValue::from_str(name));
        rows.push(&JsValue::from_str(json));
    }
    let message = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&message, &k.into(), v);
    let _ = set("op", &"load".into());
    let _ = set("names", &names);
    let _ = set("rows", &rows);
    match exchange(Some(message.into())).await? {
        Reply::Loaded { rows, millis } => {
            LIVE.with(|live| {
                if let Some(l) = live.borrow_mut().as_mut() {
                    l.loaded = true;
                }
            });
            Ok((rows, millis))
        }
        Reply::LoadFailed { message } => {
            cancel();
            Err(message)
        }
        other => Err(format!("the SQL engine answered out of turn: {other:?}")),
    }
}

/// Runs one statement; the reply is a `Result` or a `Failed`.
pub async fn run(id: u32, sql: &str, cap: usize) -> Result<Reply, String> {
    if !is_loaded() {
        return Err("the tables are not loaded".into());
    }
    let message = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&message, &k.into(), v);
    let _ = set("op", &"run".into());
    let _ = set("id", &JsValue::from_f64(f64::from(id)));
    let _ = set("sql", &JsValue::from_str(sql));
    let _ = set("cap", &JsValue::from_f64(cap as f64));
    exchange(Some(message.into())).await
}
